#include "emulator/net/tls.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <unordered_map>
#include <utility>

namespace awslab::net {
namespace {

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using X509Ptr = std::unique_ptr<X509, Free<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Free<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO, BIO_free_all>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, Free<SSL_CTX, SSL_CTX_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Free<BIGNUM, BN_free>>;
using NamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES, GENERAL_NAMES_free>>;
using OctetsPtr =
    std::unique_ptr<ASN1_OCTET_STRING, Free<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;

constexpr int kCaDays = 3650;
constexpr int kServerDays = 730;  // under the 825 days Apple's clients accept for any CA
constexpr long kRenewWithinSeconds = 30L * 24 * 3600;
constexpr std::size_t kMaxIssued = 1024;  // virtual-host certificates kept at once

Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

// OpenSSL's queued errors as one line ("no start line; ..."), and the queue
// emptied, so that a later failure does not report this one's causes.
std::string OpenSslReason() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    const char* reason = ERR_reason_error_string(e);
    if (!out.empty()) out += "; ";
    out += reason ? reason : "error " + std::to_string(e);
  }
  return out.empty() ? "unknown OpenSSL error" : out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// A DNS name of letters, digits and hyphens (lowercase), each label 1 to 63
// characters, 253 in all; with `wildcard`, the first label may be "*".
bool IsHostName(std::string_view name, bool wildcard = false) {
  if (name.empty() || name.size() > 253) return false;
  if (wildcard && name.starts_with("*.")) name.remove_prefix(2);
  std::size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-') {
      if (++label > 63) return false;
    } else {
      return false;
    }
  }
  return label > 0;
}

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Invalid("cannot read " + path.string() + ": " + std::strerror(errno));
  std::string data;
  char chunk[8192];
  std::size_t n;
  while ((n = std::fread(chunk, 1, sizeof chunk, f)) > 0) data.append(chunk, n);
  const bool failed = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (failed) return Invalid("cannot read " + path.string() + ": " + std::strerror(err));
  return data;
}

// Writes a temporary file beside `path` with `mode`, syncs it, renames it
// over `path` and syncs the folder.
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view data, mode_t mode) {
  const std::string tmp = path.string() + ".tmp";
  auto fail = [&](const std::string& what) {
    return Invalid("cannot write " + what + ": " + std::strerror(errno));
  };
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0) return fail(tmp);
  // Before any byte: the file may be left over from a crash, with another mode.
  bool ok = ::fchmod(fd, mode) == 0;
  for (std::size_t done = 0; ok && done < data.size();) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<std::size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (!ok) {
    int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    errno = err;
    return fail(tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return fail(path.string());
  int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return Ok();
}

int NoPassword(char*, int, int, void*) { return 0; }

Result<X509Ptr> ParseCertificate(std::string_view pem, const std::filesystem::path& path) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (!cert) return Invalid(path.string() + " holds no PEM certificate (" + OpenSslReason() + ")");
  return cert;
}

Result<PkeyPtr> ParsePrivateKey(std::string_view pem, const std::filesystem::path& path) {
  if (pem.find("ENCRYPTED") != pem.npos)
    return Invalid(path.string() +
                   " holds an encrypted private key: give one without a "
                   "passphrase (openssl pkey -in KEY -out PLAIN.pem)");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassword, nullptr) : nullptr);
  if (!key) return Invalid(path.string() + " holds no PEM private key (" + OpenSslReason() + ")");
  return key;
}

Result<X509Ptr> ReadCertificate(const std::filesystem::path& path) {
  auto pem = ReadFile(path);
  if (!pem) return pem.error();
  return ParseCertificate(*pem, path);
}

Result<PkeyPtr> ReadPrivateKey(const std::filesystem::path& path) {
  auto pem = ReadFile(path);
  if (!pem) return pem.error();
  return ParsePrivateKey(*pem, path);
}

bool KeyMatches(X509* cert, EVP_PKEY* key) {
  bool ok = X509_check_private_key(cert, key) == 1;
  ERR_clear_error();
  return ok;
}

std::string CertificatePem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

std::string PrivateKeyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

// True when `time` is later than now + `seconds`.
bool LaterThanIn(const ASN1_TIME* time, long seconds) {
  std::time_t when = std::time(nullptr) + seconds;
  return X509_cmp_time(time, &when) > 0;
}

Result<PkeyPtr> NewKey() {
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return Invalid("cannot make an EC P-256 key: " + OpenSslReason());
  return key;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

bool AddSubjectAltNames(X509* cert, const TlsNames& names) {
  NamesPtr list(sk_GENERAL_NAME_new_null());
  if (!list) return false;
  auto push = [&](int type, ASN1_STRING* value) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!name || !value) {
      GENERAL_NAME_free(name);
      ASN1_STRING_free(value);
      return false;
    }
    GENERAL_NAME_set0_value(name, type, value);
    if (sk_GENERAL_NAME_push(list.get(), name) <= 0) {
      GENERAL_NAME_free(name);
      return false;
    }
    return true;
  };
  for (const auto& dns : names.dns) {
    ASN1_IA5STRING* value = ASN1_IA5STRING_new();
    if (value && !ASN1_STRING_set(value, dns.data(), static_cast<int>(dns.size()))) {
      ASN1_IA5STRING_free(value);
      value = nullptr;
    }
    if (!push(GEN_DNS, value)) return false;
  }
  for (const auto& ip : names.ips)
    if (!push(GEN_IPADD, a2i_IPADDRESS(ip.c_str()))) return false;
  return X509_add1_ext_i2d(cert, NID_subject_alt_name, list.get(), 0, X509V3_ADD_DEFAULT) == 1;
}

// Whether the certificate's subjectAltName lists every one of `names`, as
// written (a wildcard entry counts only for the same wildcard).
bool CoversNames(X509* cert, const TlsNames& names) {
  NamesPtr list(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
  if (!list) return names.dns.empty() && names.ips.empty();
  std::vector<std::string> dns, ips;
  for (int i = 0; i < sk_GENERAL_NAME_num(list.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(list.get(), i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
    if (!value || (type != GEN_DNS && type != GEN_IPADD)) continue;
    std::string text(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                     static_cast<std::size_t>(ASN1_STRING_length(value)));
    (type == GEN_DNS ? dns : ips).push_back(type == GEN_DNS ? Lower(text) : text);
  }
  for (const auto& want : names.dns)
    if (std::find(dns.begin(), dns.end(), Lower(want)) == dns.end()) return false;
  for (const auto& want : names.ips) {
    OctetsPtr bytes(a2i_IPADDRESS(want.c_str()));
    if (!bytes) return false;
    std::string raw(reinterpret_cast<const char*>(ASN1_STRING_get0_data(bytes.get())),
                    static_cast<std::size_t>(ASN1_STRING_length(bytes.get())));
    if (std::find(ips.begin(), ips.end(), raw) == ips.end()) return false;
  }
  return true;
}

struct CertificateSpec {
  std::string common_name;
  bool ca = false;
  int days = kServerDays;
  TlsNames names;  // a server certificate's subjectAltName
};

// A certificate for `key`, signed by `issuer` with `issuer_key` (both null:
// self-signed). X.509 v3 with what strict verifiers (Python 3.13's
// VERIFY_X509_STRICT, Apple's rules) ask: key identifiers, a critical
// basicConstraints and keyUsage, serverAuth for a server.
Result<X509Ptr> MakeCertificate(EVP_PKEY* key, X509* issuer, EVP_PKEY* issuer_key,
                                const CertificateSpec& spec) {
  X509Ptr cert(X509_new());
  auto failed = [&] { return Invalid("cannot make a certificate: " + OpenSslReason()); };
  if (!cert || !X509_set_version(cert.get(), X509_VERSION_3)) return failed();
  // A positive serial of 127 random bits, as RFC 5280 and the CA/B Forum ask.
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return failed();
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);
  BignumPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get()))) return failed();
  // An hour back, for clients whose clock is a little behind.
  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), spec.days, 0, nullptr) ||
      !X509_set_pubkey(cert.get(), key))
    return failed();
  X509_NAME* subject = X509_get_subject_name(cert.get());
  const auto* o = reinterpret_cast<const unsigned char*>("awslab");
  const auto* cn = reinterpret_cast<const unsigned char*>(spec.common_name.c_str());
  if (!X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, o, -1, -1, 0) ||
      !X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, cn, -1, -1, 0) ||
      !X509_set_issuer_name(cert.get(), issuer ? X509_get_subject_name(issuer) : subject))
    return failed();
  X509* signer = issuer ? issuer : cert.get();
  bool ok = AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash") &&
            AddExtension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
  if (spec.ca) {
    ok = ok &&
         AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    ok = ok && AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature") &&
         AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth") &&
         AddSubjectAltNames(cert.get(), spec.names);
  }
  if (!ok || X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0)
    return failed();
  return cert;
}

std::string CaName() {
  // Unique, so that a client trusting two data dirs' CAs never confuses them.
  unsigned char random[4] = {};
  RAND_bytes(random, sizeof random);
  char stamp[32];
  std::time_t now = std::time(nullptr);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%d", std::gmtime(&now));
  char name[96];
  std::snprintf(name, sizeof name, "awslab local CA %s %02x%02x%02x%02x", stamp, random[0],
                random[1], random[2], random[3]);
  return name;
}

// "http/1.1" when the client offers it, else no ALPN at all: curl offers h2
// first, which this server does not speak.
int SelectAlpn(SSL*, const unsigned char** out, unsigned char* out_len, const unsigned char* in,
               unsigned int in_len, void*) {
  static const unsigned char kHttp11[] = "\x08http/1.1";
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_len, kHttp11, sizeof kHttp11 - 1, in, in_len) !=
      OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

Result<SslCtxPtr> NewServerContext() {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) return Invalid("cannot make a TLS context: " + OpenSslReason());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_options(
      ctx.get(), SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_alpn_select_cb(ctx.get(), SelectAlpn, nullptr);
  return ctx;
}

// Certificates for virtual-host names that the server certificate does not
// cover, signed by the CA on a client's first request for the name (SNI).
class VirtualHostSigner {
 public:
  VirtualHostSigner(X509Ptr ca, PkeyPtr ca_key, X509* cert, EVP_PKEY* key,
                    std::vector<std::string> domains)
      : ca_(std::move(ca)),
        ca_key_(std::move(ca_key)),
        cert_(cert),
        key_(key),
        domains_(std::move(domains)) {}

  // SSL_CTX_set_cert_cb: runs on the connection's thread during the handshake.
  static int Choose(SSL* ssl, void* arg) {
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!sni) return 1;
    std::string host = Lower(sni);
    if (!host.empty() && host.back() == '.') host.pop_back();
    auto* self = static_cast<VirtualHostSigner*>(arg);
    if (!self->Wants(host)) return 1;
    X509Ptr cert = self->CertificateFor(host);
    // Without one, the server's own certificate goes out and the client
    // refuses it, as it would any certificate for another name.
    if (cert) SSL_use_certificate(ssl, cert.get());
    ERR_clear_error();
    return 1;
  }

 private:
  bool Wants(const std::string& host) const {
    if (!IsHostName(host)) return false;
    bool under = std::any_of(domains_.begin(), domains_.end(), [&](const std::string& d) {
      return host.size() > d.size() + 1 && host.ends_with(d) &&
             host[host.size() - d.size() - 1] == '.';
    });
    return under && X509_check_host(cert_, host.data(), host.size(), 0, nullptr) != 1;
  }

  X509Ptr CertificateFor(const std::string& host) {
    {
      std::lock_guard lock(mu_);
      if (auto it = issued_.find(host); it != issued_.end()) {
        X509_up_ref(it->second.get());
        return X509Ptr(it->second.get());
      }
    }
    CertificateSpec spec;
    spec.common_name = host.size() <= 64 ? host : "awslab virtual host";
    spec.names.dns = {host};
    auto made = MakeCertificate(key_, ca_.get(), ca_key_.get(), spec);
    if (!made) return nullptr;
    std::lock_guard lock(mu_);
    // A bound on what clients can make the server keep.
    if (issued_.size() >= kMaxIssued) issued_.clear();
    auto [it, inserted] = issued_.try_emplace(host, std::move(*made));
    X509_up_ref(it->second.get());
    return X509Ptr(it->second.get());
  }

  X509Ptr ca_;
  PkeyPtr ca_key_;
  X509* cert_;     // the server certificate, owned by TlsContext::Impl
  EVP_PKEY* key_;  // its key, the key of every certificate issued here
  std::vector<std::string> domains_;
  std::mutex mu_;
  std::unordered_map<std::string, X509Ptr> issued_;  // guarded by mu_
};

}  // namespace

struct TlsContext::Impl {
  SslCtxPtr ctx;
  X509Ptr cert;
  PkeyPtr key;
  std::unique_ptr<VirtualHostSigner> signer;
};

TlsContext::TlsContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TlsContext::~TlsContext() = default;
ssl_ctx_st* TlsContext::native_handle() const { return impl_->ctx.get(); }

TlsNames SelfSignedNames(const std::vector<std::string>& vhost_domains, std::string_view host) {
  TlsNames names;
  auto add = [](std::vector<std::string>& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(std::move(value));
  };
  add(names.dns, "localhost");
  add(names.dns, "*.localhost");
  for (const auto& domain : vhost_domains) {
    std::string d = Lower(domain);
    while (!d.empty() && d.back() == '.') d.pop_back();
    if (!IsHostName(d)) continue;
    add(names.dns, d);
    add(names.dns, "*." + d);
  }
  add(names.ips, "127.0.0.1");
  add(names.ips, "::1");
  unsigned char raw[16];
  std::string h(host);
  if (h != "0.0.0.0" && h != "::" &&
      (inet_pton(AF_INET, h.c_str(), raw) == 1 || inet_pton(AF_INET6, h.c_str(), raw) == 1)) {
    // The same address as written otherwise ("0:0:0:0:0:0:0:1" is "::1").
    OctetsPtr bytes(a2i_IPADDRESS(h.c_str()));
    bool known = std::any_of(names.ips.begin(), names.ips.end(), [&](const std::string& ip) {
      OctetsPtr other(a2i_IPADDRESS(ip.c_str()));
      return bytes && other && ASN1_OCTET_STRING_cmp(bytes.get(), other.get()) == 0;
    });
    if (!known) add(names.ips, h);
  }
  return names;
}

Result<SelfSignedFiles> EnsureSelfSigned(const std::filesystem::path& dir_arg,
                                         const TlsNames& names) {
  std::error_code ec;
  std::filesystem::create_directories(dir_arg, ec);
  if (ec) return Invalid("cannot make " + dir_arg.string() + ": " + ec.message());
  std::filesystem::path dir =
      std::filesystem::weakly_canonical(std::filesystem::absolute(dir_arg), ec);
  if (ec) dir = std::filesystem::absolute(dir_arg);
  SelfSignedFiles files;
  files.ca_cert = dir / "ca.pem";
  files.ca_key = dir / "ca-key.pem";
  files.cert = dir / "server.pem";
  files.key = dir / "server-key.pem";
  const std::string start_over =
      ": remove " + dir.string() + " to make a new CA (and trust it again)";

  X509Ptr ca;
  PkeyPtr ca_key;
  // The CA's key is written before its certificate: a crash between the two
  // leaves a key nobody trusts yet, and the next start makes both again.
  if (std::filesystem::exists(files.ca_cert, ec)) {
    auto cert = ReadCertificate(files.ca_cert);
    if (!cert) return Invalid(std::string(cert.error().Message()) + start_over);
    auto key = ReadPrivateKey(files.ca_key);
    if (!key) return Invalid(std::string(key.error().Message()) + start_over);
    if (!KeyMatches(cert->get(), key->get()))
      return Invalid(files.ca_key.string() + " is not the key of " + files.ca_cert.string() +
                     start_over);
    if (!LaterThanIn(X509_get0_notAfter(cert->get()), 0))
      return Invalid(files.ca_cert.string() + " has expired" + start_over);
    ca = std::move(*cert);
    ca_key = std::move(*key);
  } else {
    auto key = NewKey();
    if (!key) return key.error();
    CertificateSpec spec;
    spec.common_name = CaName();
    spec.ca = true;
    spec.days = kCaDays;
    auto cert = MakeCertificate(key->get(), nullptr, nullptr, spec);
    if (!cert) return cert.error();
    if (auto st = WriteFileAtomically(files.ca_key, PrivateKeyPem(key->get()), 0600); !st)
      return st.error();
    if (auto st = WriteFileAtomically(files.ca_cert, CertificatePem(cert->get()), 0644); !st)
      return st.error();
    ca = std::move(*cert);
    ca_key = std::move(*key);
    files.new_ca = true;
  }

  bool reuse = false;
  if (!files.new_ca && std::filesystem::exists(files.cert, ec) &&
      std::filesystem::exists(files.key, ec)) {
    auto cert = ReadCertificate(files.cert);
    auto key = ReadPrivateKey(files.key);
    if (cert && key) {
      X509* c = cert->get();
      reuse = KeyMatches(c, key->get()) &&
              X509_NAME_cmp(X509_get_issuer_name(c), X509_get_subject_name(ca.get())) == 0 &&
              X509_verify(c, ca_key.get()) == 1 && CoversNames(c, names) &&
              LaterThanIn(X509_get0_notAfter(c), kRenewWithinSeconds) &&
              !LaterThanIn(X509_get0_notBefore(c), 0);
    }
    ERR_clear_error();
  }
  if (!reuse) {
    auto key = NewKey();
    if (!key) return key.error();
    CertificateSpec spec;
    spec.common_name = "localhost";
    spec.names = names;
    auto cert = MakeCertificate(key->get(), ca.get(), ca_key.get(), spec);
    if (!cert) return cert.error();
    if (auto st = WriteFileAtomically(files.key, PrivateKeyPem(key->get()), 0600); !st)
      return st.error();
    if (auto st = WriteFileAtomically(files.cert, CertificatePem(cert->get()), 0644); !st)
      return st.error();
    files.new_cert = true;
  }
  return files;
}

Result<std::shared_ptr<TlsContext>> LoadTlsContext(const std::filesystem::path& cert_file,
                                                   const std::filesystem::path& key_file) {
  auto chain = ReadFile(cert_file);
  if (!chain) return chain.error();
  auto cert = ParseCertificate(*chain, cert_file);
  if (!cert) return cert.error();
  auto key = ReadPrivateKey(key_file);
  if (!key) return key.error();
  if (!KeyMatches(cert->get(), key->get()))
    return Invalid("the key in " + key_file.string() + " does not match the certificate in " +
                   cert_file.string());
  auto ctx = NewServerContext();
  if (!ctx) return ctx.error();
  // The file's first certificate is the server's; the others go out with it.
  if (SSL_CTX_use_certificate_chain_file(ctx->get(), cert_file.c_str()) != 1)
    return Invalid("cannot use " + cert_file.string() + ": " + OpenSslReason());
  if (SSL_CTX_use_PrivateKey(ctx->get(), key->get()) != 1 ||
      SSL_CTX_check_private_key(ctx->get()) != 1)
    return Invalid("cannot use " + key_file.string() + " with " + cert_file.string() + ": " +
                   OpenSslReason());
  auto impl = std::make_unique<TlsContext::Impl>();
  impl->ctx = std::move(*ctx);
  impl->cert = std::move(*cert);
  impl->key = std::move(*key);
  return std::shared_ptr<TlsContext>(new TlsContext(std::move(impl)));
}

Result<std::shared_ptr<TlsContext>> LoadSelfSignedTlsContext(
    const SelfSignedFiles& files, const std::vector<std::string>& vhost_domains) {
  auto context = LoadTlsContext(files.cert, files.key);
  if (!context) return context.error();
  auto ca = ReadCertificate(files.ca_cert);
  if (!ca) return ca.error();
  auto ca_key = ReadPrivateKey(files.ca_key);
  if (!ca_key) return ca_key.error();
  std::vector<std::string> domains;
  for (const auto& d : vhost_domains) {
    std::string lower = Lower(d);
    while (!lower.empty() && lower.back() == '.') lower.pop_back();
    if (IsHostName(lower)) domains.push_back(std::move(lower));
  }
  TlsContext::Impl& impl = *(*context)->impl_;
  impl.signer = std::make_unique<VirtualHostSigner>(
      std::move(*ca), std::move(*ca_key), impl.cert.get(), impl.key.get(), std::move(domains));
  SSL_CTX_set_cert_cb(impl.ctx.get(), VirtualHostSigner::Choose, impl.signer.get());
  return context;
}

}  // namespace awslab::net
