#include "client/include/awslab/crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdlib>

namespace awslab::crypto {

namespace {

// OpenSSL 3 does an implicit provider fetch on every EVP_sha256() use;
// fetching once and keeping the methods for the life of the process avoids
// that lookup on each request. The objects are intentionally leaked.
const EVP_MD* FetchMd(const char* name, const EVP_MD* fallback) {
  EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  return md != nullptr ? md : fallback;
}

const EVP_MD* Sha256Md() {
  static const EVP_MD* const md = FetchMd("SHA256", EVP_sha256());
  return md;
}

const EVP_MD* Md5Md() {
  static const EVP_MD* const md = FetchMd("MD5", EVP_md5());
  return md;
}

const EVP_MD* Sha1Md() {
  static const EVP_MD* const md = FetchMd("SHA1", EVP_sha1());
  return md;
}

// A context with the digest already chosen; duplicating it is much cheaper
// than fetching "HMAC" and "SHA256" again for every signature, and SigV4
// computes five HMACs per request.
EVP_MAC_CTX* NewHmacSha256Template() {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return nullptr;
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  if (ctx == nullptr) return nullptr;
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end()};
  if (EVP_MAC_CTX_set_params(ctx, params) != 1) {
    EVP_MAC_CTX_free(ctx);
    return nullptr;
  }
  return ctx;
}

const EVP_MAC_CTX* HmacSha256Template() {
  static const EVP_MAC_CTX* const ctx = NewHmacSha256Template();
  return ctx;
}

template <std::size_t N>
std::array<std::uint8_t, N> OneShot(const EVP_MD* md, std::string_view data) {
  std::array<std::uint8_t, N> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
  return out;
}

constexpr char kHexDigits[] = "0123456789abcdef";

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// 0..63 for alphabet characters, -1 for everything else ('=' included:
// padding is handled by position, not by lookup).
constexpr std::array<std::int8_t, 256> MakeBase64DecodeTable() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (int i = 0; i < 64; ++i) {
    t[static_cast<unsigned char>(kBase64Alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}
constexpr std::array<std::int8_t, 256> kBase64Decode = MakeBase64DecodeTable();

}  // namespace

Sha256Digest Sha256(std::string_view data) { return OneShot<32>(Sha256Md(), data); }

std::string Sha256Hex(std::string_view data) { return Hex(Sha256(data)); }

Md5Digest Md5(std::string_view data) { return OneShot<16>(Md5Md(), data); }

Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  Sha256Digest out{};
  const EVP_MAC_CTX* tmpl = HmacSha256Template();
  EVP_MAC_CTX* ctx = tmpl != nullptr ? EVP_MAC_CTX_dup(tmpl) : nullptr;
  if (ctx == nullptr) {
    // Only reached if the default provider lacks HMAC; the one-shot API
    // fetches by itself.
    unsigned int len = 0;
    HMAC(Sha256Md(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
    return out;
  }
  std::size_t len = 0;
  // HMAC accepts an empty key, but OpenSSL rejects a null pointer for it.
  static const unsigned char kEmpty = 0;
  const unsigned char* k =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  if (EVP_MAC_init(ctx, k, key.size(), nullptr) == 1 &&
      EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(data.data()), data.size()) ==
          1) {
    EVP_MAC_final(ctx, out.data(), &len, out.size());
  }
  EVP_MAC_CTX_free(ctx);
  return out;
}

Sha1Digest HmacSha1(std::string_view key, std::string_view data) {
  // One HMAC per SigV2 request: the one-shot call is enough, no template.
  Sha1Digest out{};
  unsigned int len = 0;
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  HMAC(Sha1Md(), k, static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

std::string Hex(const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out(size * 2, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kHexDigits[p[i] >> 4];
    out[2 * i + 1] = kHexDigits[p[i] & 0x0f];
  }
  return out;
}

std::string Base64(const void* data, std::size_t size) {
  std::string out(4 * ((size + 2) / 3), '\0');
  const auto* in = static_cast<const unsigned char*>(data);
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  // EVP_EncodeBlock takes an int length; encode in chunks that are a
  // multiple of 3 bytes so no padding appears in the middle.
  constexpr std::size_t kChunk = (INT_MAX / 4 / 3) * 3;
  while (size > 0) {
    std::size_t n = std::min(size, kChunk);
    int written = EVP_EncodeBlock(dst, in, static_cast<int>(n));
    dst += written;
    in += n;
    size -= n;
  }
  return out;
}

std::string Base64(std::string_view data) { return Base64(data.data(), data.size()); }

// EVP_DecodeBlock is not used: it skips whitespace, does not report padding
// and accepts trailing garbage, and callers (Content-MD5, checksums) need a
// strict decoder.
std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t padding = 0;
  if (!text.empty() && text.back() == '=') {
    padding = text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1;
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    const std::size_t pad_here = last ? padding : 0;
    std::uint32_t bits = 0;
    for (std::size_t j = 0; j < 4; ++j) {
      int v = 0;
      if (j >= 4 - pad_here) {
        v = 0;  // '=' checked above to be at the very end
      } else {
        v = kBase64Decode[static_cast<unsigned char>(text[i + j])];
        if (v < 0) return std::nullopt;
      }
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
    }
    out.push_back(static_cast<char>(bits >> 16));
    if (pad_here < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
    if (pad_here < 1) out.push_back(static_cast<char>(bits & 0xff));
  }
  return out;
}

struct Digest::Impl {
  EVP_MD_CTX* ctx = nullptr;
  bool finished = false;
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Digest::Digest(Kind kind) : impl_(std::make_unique<Impl>()) {
  const EVP_MD* md = nullptr;
  switch (kind) {
    case Kind::kMd5:
      md = Md5Md();
      break;
    case Kind::kSha1:
      md = Sha1Md();
      break;
    case Kind::kSha256:
      md = Sha256Md();
      break;
  }
  impl_->ctx = EVP_MD_CTX_new();
  if (impl_->ctx != nullptr && EVP_DigestInit_ex(impl_->ctx, md, nullptr) != 1) {
    EVP_MD_CTX_free(impl_->ctx);
    impl_->ctx = nullptr;
  }
}

Digest::~Digest() = default;
Digest::Digest(Digest&&) noexcept = default;
Digest& Digest::operator=(Digest&&) noexcept = default;

void Digest::Update(const void* data, std::size_t size) {
  if (impl_ == nullptr || impl_->ctx == nullptr || impl_->finished || size == 0) return;
  EVP_DigestUpdate(impl_->ctx, data, size);
}

std::string Digest::Finish() {
  if (impl_ == nullptr || impl_->ctx == nullptr || impl_->finished) return std::string();
  impl_->finished = true;
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(impl_->ctx, buf, &len) != 1) return std::string();
  return std::string(reinterpret_cast<const char*>(buf), len);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

void RandomBytes(void* out, std::size_t size) {
  auto* p = static_cast<unsigned char*>(out);
  while (size > 0) {
    int n = static_cast<int>(std::min<std::size_t>(size, INT_MAX));
    // Continuing with predictable bytes (IDs, upload IDs, nonces) would be
    // worse than stopping; RAND_bytes only fails if the OS RNG is broken.
    if (RAND_bytes(p, n) != 1) std::abort();
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace awslab::crypto
