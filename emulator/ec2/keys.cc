#include "emulator/ec2/keys.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"

namespace awslab::ec2 {
namespace {

// ---------------------------------------------------------------------------
// OpenSSL handles.
// ---------------------------------------------------------------------------

struct PkeyDeleter {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
struct BignumDeleter {
  void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* p) const { OSSL_PARAM_BLD_free(p); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* p) const { OSSL_PARAM_free(p); }
};
struct EncoderCtxDeleter {
  void operator()(OSSL_ENCODER_CTX* p) const { OSSL_ENCODER_CTX_free(p); }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumDeleter>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, ParamDeleter>;
using EncoderCtxPtr = std::unique_ptr<OSSL_ENCODER_CTX, EncoderCtxDeleter>;

// Private key bytes are wiped before their memory is released.
class SecretBytes {
 public:
  SecretBytes() = default;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
  std::string bytes;
};

// ---------------------------------------------------------------------------
// Errors.
// ---------------------------------------------------------------------------

// ImportKeyPair's answer to anything it cannot read, whatever the reason.
Error FormatError() {
  return MakeError(ErrorCode::kInvalidKeyFormat, "Key is not in valid OpenSSH public key format");
}

Error OpenSslError(std::string_view what) {
  return MakeError(ErrorCode::kInternalError, "OpenSSL failed to " + std::string(what));
}

// ---------------------------------------------------------------------------
// The SSH wire format (RFC 4251 section 5): uint32 big-endian, string as a
// uint32 length and bytes, mpint as a string of the two's-complement
// big-endian value with no needless leading byte.
// ---------------------------------------------------------------------------

constexpr std::string_view kSshRsa = "ssh-rsa";
constexpr std::string_view kSshEd25519 = "ssh-ed25519";
constexpr std::size_t kEd25519KeySize = 32;

void PutU32(std::string& out, std::uint32_t v) {
  out.push_back(static_cast<char>(v >> 24));
  out.push_back(static_cast<char>((v >> 16) & 0xff));
  out.push_back(static_cast<char>((v >> 8) & 0xff));
  out.push_back(static_cast<char>(v & 0xff));
}

void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out.append(s);
}

// "If the most significant bit would be set for a positive number, the
// number MUST be preceded by a zero byte." (RFC 4251)
void PutMpint(std::string& out, const BIGNUM* bn) {
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  if (!bytes.empty() && (static_cast<unsigned char>(bytes[0]) & 0x80) != 0)
    bytes.insert(0, 1, '\0');
  PutString(out, bytes);
}

class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  std::optional<std::uint32_t> U32() {
    if (data_.size() < 4) return std::nullopt;
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(data_[i]);
    data_.remove_prefix(4);
    return v;
  }

  std::optional<std::string_view> String() {
    std::optional<std::uint32_t> size = U32();
    if (!size || *size > data_.size()) return std::nullopt;
    std::string_view s = data_.substr(0, *size);
    data_.remove_prefix(*size);
    return s;
  }

  // A non-negative mpint (RSA's e and n); negative values are refused, as
  // OpenSSH's sshbuf_get_bignum2 does.
  BignumPtr Mpint() {
    std::optional<std::string_view> s = String();
    if (!s || (!s->empty() && (static_cast<unsigned char>((*s)[0]) & 0x80) != 0)) return nullptr;
    return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(s->data()),
                               static_cast<int>(s->size()), nullptr));
  }

  bool AtEnd() const { return data_.empty(); }

 private:
  std::string_view data_;
};

// ---------------------------------------------------------------------------
// Encodings.
// ---------------------------------------------------------------------------

// "ab:cd:..." as `openssl sha1 -c` and `openssl md5 -c` print digests.
std::string HexWithColons(std::string_view digest) {
  std::string hex = crypto::Hex(digest.data(), digest.size());
  std::string out;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    if (i != 0) out.push_back(':');
    out.append(hex, i, 2);
  }
  return out;
}

std::string DigestOf(crypto::Digest::Kind kind, std::string_view data) {
  crypto::Digest d(kind);
  d.Update(data);
  return d.Finish();
}

// Base64 in lines of `width` characters, each ending with '\n'.
std::string WrapBase64(std::string_view data, std::size_t width) {
  std::string b64 = crypto::Base64(data);
  std::string out;
  for (std::size_t i = 0; i < b64.size(); i += width) out.append(b64, i, width).push_back('\n');
  OPENSSL_cleanse(b64.data(), b64.size());
  return out;
}

// The key as OSSL_ENCODER writes it: `format` "PEM" or "DER", `structure`
// "type-specific" (PKCS#1 for RSA), "PrivateKeyInfo" (PKCS#8) or
// "SubjectPublicKeyInfo".
Result<std::string> Encode(const EVP_PKEY* pkey, int selection, const char* format,
                           const char* structure) {
  EncoderCtxPtr ctx(OSSL_ENCODER_CTX_new_for_pkey(pkey, selection, format, structure, nullptr));
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0) {
    return OpenSslError(std::string("find a ") + format + " " + structure + " encoder");
  }
  unsigned char* data = nullptr;
  std::size_t size = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &size) != 1) {
    return OpenSslError(std::string("encode a key as ") + format + " " + structure);
  }
  std::string out(reinterpret_cast<const char*>(data), size);
  OPENSSL_clear_free(data, size);
  return out;
}

// ---------------------------------------------------------------------------
// RSA.
// ---------------------------------------------------------------------------

struct RsaPublic {
  BignumPtr e;
  BignumPtr n;
};

Result<RsaPublic> RsaPublicOf(const EVP_PKEY* pkey) {
  BIGNUM* e = nullptr;
  BIGNUM* n = nullptr;
  EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_E, &e);
  EVP_PKEY_get_bn_param(pkey, OSSL_PKEY_PARAM_RSA_N, &n);
  RsaPublic out{BignumPtr(e), BignumPtr(n)};
  if (!out.e || !out.n) return OpenSslError("read an RSA key's e and n");
  return out;
}

// The OpenSSH public key blob (RFC 4253 section 6.6):
//   string "ssh-rsa", mpint e, mpint n
std::string RsaBlob(const RsaPublic& key) {
  std::string blob;
  PutString(blob, kSshRsa);
  PutMpint(blob, key.e.get());
  PutMpint(blob, key.n.get());
  return blob;
}

std::string OpenSshLine(std::string_view type, std::string_view blob) {
  return std::string(type) + " " + crypto::Base64(blob);
}

// ImportKeyPair: "Supported lengths: 1024, 2048, and 4096."; the sizes in
// between are accepted too. e must be odd and n odd, as in any RSA key.
bool RsaKeyAcceptable(const RsaPublic& key) {
  const int bits = BN_num_bits(key.n.get());
  return bits >= 1024 && bits <= 4096 && BN_is_odd(key.n.get()) && BN_is_odd(key.e.get()) &&
         !BN_is_one(key.e.get()) && BN_cmp(key.e.get(), key.n.get()) < 0;
}

Result<PkeyPtr> RsaFromComponents(const RsaPublic& key) {
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, key.n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, key.e.get()) != 1) {
    return OpenSslError("build RSA parameters");
  }
  ParamPtr params(OSSL_PARAM_BLD_to_param(bld.get()));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  EVP_PKEY* pkey = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &pkey, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return FormatError();
  }
  return PkeyPtr(pkey);
}

// An imported RSA key's fingerprint. AWS's guide computes it as
//   openssl rsa -in path_to_private_key -pubout -outform DER | openssl md5 -c
// that is, MD5 of the SubjectPublicKeyInfo DER (not of the SSH blob, whatever
// DescribeKeyPairs' "section 4 of RFC4716" suggests).
Result<ImportedKey> ImportedRsa(const RsaPublic& key) {
  if (!RsaKeyAcceptable(key)) return FormatError();
  Result<PkeyPtr> pkey = RsaFromComponents(key);
  if (!pkey) return pkey.error();
  Result<std::string> der = Encode(pkey->get(), EVP_PKEY_PUBLIC_KEY, "DER", "SubjectPublicKeyInfo");
  if (!der) return der.error();
  ImportedKey out;
  out.type = KeyType::kRsa;
  out.public_key_openssh = OpenSshLine(kSshRsa, RsaBlob(key));
  out.fingerprint = HexWithColons(DigestOf(crypto::Digest::Kind::kMd5, *der));
  return out;
}

// CreateKeyPair, KeyFormat pem: "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1).
// The fingerprint: "If you created your key pair using AWS ...
//   openssl pkcs8 -in path_to_private_key -inform PEM -outform DER -topk8 -nocrypt |
//   openssl sha1 -c"
// that is, SHA-1 of the private key as PKCS#8 DER.
Result<CreatedKey> CreateRsa() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(2048)));
  if (!pkey) return OpenSslError("generate an RSA key");
  Result<std::string> pem = Encode(pkey.get(), EVP_PKEY_KEYPAIR, "PEM", "type-specific");
  if (!pem) return pem.error();
  Result<std::string> pkcs8 = Encode(pkey.get(), EVP_PKEY_KEYPAIR, "DER", "PrivateKeyInfo");
  if (!pkcs8) return pkcs8.error();
  SecretBytes pkcs8_der;
  pkcs8_der.bytes = std::move(*pkcs8);
  Result<RsaPublic> pub = RsaPublicOf(pkey.get());
  if (!pub) return pub.error();
  CreatedKey out;
  out.type = KeyType::kRsa;
  out.private_key = std::move(*pem);
  out.public_key_openssh = OpenSshLine(kSshRsa, RsaBlob(*pub));
  out.fingerprint = HexWithColons(DigestOf(crypto::Digest::Kind::kSha1, pkcs8_der.bytes));
  return out;
}

// ---------------------------------------------------------------------------
// ED25519.
// ---------------------------------------------------------------------------

// string "ssh-ed25519", string public key (32 bytes) (RFC 8709 section 4).
std::string Ed25519Blob(std::string_view public_key) {
  std::string blob;
  PutString(blob, kSshEd25519);
  PutString(blob, public_key);
  return blob;
}

// "For ED25519 key pairs, the key fingerprint is the base64-encoded SHA-256
// digest, which is the default for OpenSSH, starting with OpenSSH 6.8."
// AWS keeps the '=' padding that `ssh-keygen -l` leaves out.
std::string Ed25519Fingerprint(std::string_view blob) {
  return crypto::Base64(DigestOf(crypto::Digest::Kind::kSha256, blob));
}

// OpenSSH's own private key file (PROTOCOL.key in OpenSSH's sources), which
// OpenSSL cannot write, unencrypted:
//   "openssh-key-v1\0"
//   string ciphername "none", string kdfname "none", string kdfoptions ""
//   uint32 number of keys (1), string public key blob
//   string private section:
//     uint32 checkint, uint32 checkint (the same random value twice)
//     string "ssh-ed25519", string public key, string seed || public key
//     string comment, padding 1, 2, 3, ... to the cipher's block size (8)
// in base64 lines of 70 characters between the BEGIN and END lines.
std::string OpenSshPrivateKey(std::string_view seed, std::string_view public_key) {
  // The check integers only tell a wrong passphrase; a zero one (RAND_bytes
  // failing) is still a valid file.
  std::uint32_t checkint = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&checkint), sizeof checkint);
  SecretBytes priv;
  priv.bytes.reserve(160);
  PutU32(priv.bytes, checkint);
  PutU32(priv.bytes, checkint);
  PutString(priv.bytes, kSshEd25519);
  PutString(priv.bytes, public_key);
  PutU32(priv.bytes, static_cast<std::uint32_t>(seed.size() + public_key.size()));
  priv.bytes.append(seed).append(public_key);
  PutString(priv.bytes, "");
  for (char pad = 1; priv.bytes.size() % 8 != 0; ++pad) priv.bytes.push_back(pad);

  SecretBytes file;
  file.bytes.append("openssh-key-v1", sizeof "openssh-key-v1");  // with its '\0'
  PutString(file.bytes, "none");
  PutString(file.bytes, "none");
  PutString(file.bytes, "");
  PutU32(file.bytes, 1);
  PutString(file.bytes, Ed25519Blob(public_key));
  PutString(file.bytes, priv.bytes);
  return "-----BEGIN OPENSSH PRIVATE KEY-----\n" + WrapBase64(file.bytes, 70) +
         "-----END OPENSSH PRIVATE KEY-----\n";
}

Result<CreatedKey> CreateEd25519() {
  PkeyPtr pkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  if (!pkey) return OpenSslError("generate an ED25519 key");
  SecretBytes seed;
  seed.bytes.resize(kEd25519KeySize);
  std::string public_key(kEd25519KeySize, '\0');
  std::size_t seed_size = seed.bytes.size();
  std::size_t public_size = public_key.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), reinterpret_cast<unsigned char*>(seed.bytes.data()),
                                   &seed_size) != 1 ||
      EVP_PKEY_get_raw_public_key(pkey.get(), reinterpret_cast<unsigned char*>(public_key.data()),
                                  &public_size) != 1 ||
      seed_size != kEd25519KeySize || public_size != kEd25519KeySize) {
    return OpenSslError("read an ED25519 key");
  }
  const std::string blob = Ed25519Blob(public_key);
  CreatedKey out;
  out.type = KeyType::kEd25519;
  out.private_key = OpenSshPrivateKey(seed.bytes, public_key);
  out.public_key_openssh = OpenSshLine(kSshEd25519, blob);
  out.fingerprint = Ed25519Fingerprint(blob);
  return out;
}

// ---------------------------------------------------------------------------
// ImportKeyPair's formats.
// ---------------------------------------------------------------------------

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::string WithoutSpaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (!IsSpace(c)) out.push_back(c);
  return out;
}

// An SSH public key blob; `expected_type`, when not empty, is the name the
// OpenSSH line gave before it, which must agree with the blob's.
Result<ImportedKey> ImportBlob(std::string_view blob, std::string_view expected_type) {
  WireReader r(blob);
  std::optional<std::string_view> type = r.String();
  if (!type || (!expected_type.empty() && *type != expected_type)) return FormatError();
  if (*type == kSshRsa) {
    RsaPublic key;
    key.e = r.Mpint();
    key.n = r.Mpint();
    if (!key.e || !key.n || !r.AtEnd()) return FormatError();
    return ImportedRsa(key);
  }
  if (*type == kSshEd25519) {
    std::optional<std::string_view> public_key = r.String();
    if (!public_key || public_key->size() != kEd25519KeySize || !r.AtEnd()) return FormatError();
    const std::string canonical = Ed25519Blob(*public_key);
    ImportedKey out;
    out.type = KeyType::kEd25519;
    out.public_key_openssh = OpenSshLine(kSshEd25519, canonical);
    out.fingerprint = Ed25519Fingerprint(canonical);
    return out;
  }
  // "ssh-dss", "ecdsa-sha2-nistp256", "sk-ssh-ed25519@openssh.com", ...
  return FormatError();
}

Result<ImportedKey> ImportBase64Blob(std::string_view base64, std::string_view expected_type) {
  std::optional<std::string> blob = crypto::Base64Decode(base64);
  if (!blob) return FormatError();
  return ImportBlob(*blob, expected_type);
}

// The authorized_keys line: "ssh-rsa AAAAB3NzaC1yc2E... optional comment".
Result<ImportedKey> ImportOpenSshLine(std::string_view line) {
  if (line.find('\n') != line.npos) return FormatError();
  const std::size_t type_end = line.find_first_of(" \t");
  if (type_end == line.npos) return FormatError();
  std::string_view rest = Trim(line.substr(type_end));
  return ImportBase64Blob(rest.substr(0, rest.find_first_of(" \t")), line.substr(0, type_end));
}

constexpr std::string_view kSsh2Begin = "---- BEGIN SSH2 PUBLIC KEY ----";
constexpr std::string_view kSsh2End = "---- END SSH2 PUBLIC KEY ----";

// RFC 4716: the BEGIN line, header lines ("Comment: ...", a line ending in
// '\' continued on the next), the base64 body, the END line.
//   "A header-tag MUST NOT be more than 64 8-bit bytes and is
//    case-insensitive. ... header-tag ':' ' ' header-value"
// The body's base64 never holds a ':', so a line with one is a header.
Result<ImportedKey> ImportSsh2(std::string_view text) {
  std::string body;
  bool in_header = true;
  bool continued = false;
  bool ended = false;
  text.remove_prefix(kSsh2Begin.size());
  while (!text.empty() && !ended) {
    const std::size_t eol = text.find('\n');
    std::string_view line = Trim(text.substr(0, eol));
    text = eol == text.npos ? std::string_view() : text.substr(eol + 1);
    if (continued) {
      continued = !line.empty() && line.back() == '\\';
    } else if (line == kSsh2End) {
      ended = true;
    } else if (line.empty()) {
      continue;  // the rest of the BEGIN line, or a blank line
    } else if (in_header && line.find(':') != line.npos) {
      continued = line.back() == '\\';
    } else {
      in_header = false;
      body.append(line);
    }
  }
  if (!ended || !Trim(text).empty()) return FormatError();
  return ImportBase64Blob(body, {});
}

// "Base64 encoded DER format": a SubjectPublicKeyInfo; only RSA keys.
Result<ImportedKey> ImportDer(std::string_view base64) {
  std::optional<std::string> der = crypto::Base64Decode(WithoutSpaces(base64));
  if (!der) return FormatError();
  const auto* p = reinterpret_cast<const unsigned char*>(der->data());
  PkeyPtr pkey(d2i_PUBKEY(nullptr, &p, static_cast<long>(der->size())));
  if (!pkey || p != reinterpret_cast<const unsigned char*>(der->data()) + der->size() ||
      !EVP_PKEY_is_a(pkey.get(), "RSA")) {
    return FormatError();
  }
  Result<RsaPublic> key = RsaPublicOf(pkey.get());
  if (!key) return FormatError();
  return ImportedRsa(*key);
}

}  // namespace

std::string_view KeyTypeName(KeyType type) {
  switch (type) {
    case KeyType::kRsa: return "rsa";
    case KeyType::kEd25519: return "ed25519";
  }
  return "rsa";
}

Result<CreatedKey> CreateKey(KeyType type) {
  switch (type) {
    case KeyType::kRsa: return CreateRsa();
    case KeyType::kEd25519: return CreateEd25519();
  }
  return MakeError(ErrorCode::kInternalError, "unknown key type");
}

// ImportKeyPair: "Supported formats: OpenSSH public key format (the format in
// ~/.ssh/authorized_keys) ... Base64 encoded DER format; SSH public key file
// format as specified in RFC4716".
Result<ImportedKey> ImportKey(std::string_view material) {
  material = Trim(material);
  if (material.starts_with(kSsh2Begin)) return ImportSsh2(material);
  // Key type names ("ssh-rsa", "ecdsa-sha2-...") have a '-', base64 has none.
  const std::string_view first_token = material.substr(0, material.find_first_of(" \t\r\n"));
  if (first_token.find('-') != first_token.npos) return ImportOpenSshLine(material);
  return ImportDer(material);
}

}  // namespace awslab::ec2
