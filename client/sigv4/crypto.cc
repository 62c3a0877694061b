#include "client/include/awslab/crypto.h"

// SHA256_Init/_Update/_Final (and MD5's and SHA-1's), deprecated in OpenSSL
// 3 in favour of EVP: the EVP calls allocate and free a provider context per
// digest and cost more than the hashing itself on SigV4's short messages;
// the SHA256_CTX ones work on the stack and reach the same block function
// (SHA-NI, AVX2).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/md5.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <climits>
#include <cstring>
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

namespace {

// HMAC's key block (RFC 2104): the key itself when it fits in SHA-256's
// 64-byte block, its digest when longer, zero-padded either way.
std::array<std::uint8_t, 64> KeyBlock(std::string_view key) {
  std::array<std::uint8_t, 64> block{};
  if (key.size() > block.size()) {
    const Sha256Digest d = Sha256(key);
    std::memcpy(block.data(), d.data(), d.size());
  } else if (!key.empty()) {
    std::memcpy(block.data(), key.data(), key.size());
  }
  return block;
}

// The state after hashing one block of key ^ pad: a SHA256_CTX with exactly
// 64 bytes absorbed is its eight chaining values and nothing else.
std::array<std::uint32_t, 8> PaddedKeyState(const std::array<std::uint8_t, 64>& key_block,
                                            std::uint8_t pad) {
  std::array<std::uint8_t, 64> block;
  for (std::size_t i = 0; i < block.size(); ++i) block[i] = key_block[i] ^ pad;
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, block.data(), block.size());
  std::array<std::uint32_t, 8> state;
  std::memcpy(state.data(), ctx.h, sizeof ctx.h);
  OPENSSL_cleanse(&ctx, sizeof ctx);
  OPENSSL_cleanse(block.data(), block.size());
  return state;
}

// A SHA256_CTX resumed after one 64-byte block whose chaining values are `state`.
void Resume(SHA256_CTX& ctx, const std::array<std::uint32_t, 8>& state) {
  SHA256_Init(&ctx);
  std::memcpy(ctx.h, state.data(), sizeof ctx.h);
  ctx.Nl = 64 * 8;  // bits absorbed so far
}

static_assert(sizeof(SHA256_CTX::h) == sizeof(std::array<std::uint32_t, 8>));

}  // namespace

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest out{};
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

std::string Sha256Hex(std::string_view data) { return Hex(Sha256(data)); }

Md5Digest Md5(std::string_view data) { return OneShot<16>(Md5Md(), data); }

HmacSha256Key::HmacSha256Key(std::string_view key) {
  std::array<std::uint8_t, 64> block = KeyBlock(key);
  inner_ = PaddedKeyState(block, 0x36);
  outer_ = PaddedKeyState(block, 0x5c);
  OPENSSL_cleanse(block.data(), block.size());
}

Sha256Digest HmacSha256Key::Sign(std::string_view data) const {
  Sha256Digest inner{}, out{};
  SHA256_CTX ctx;
  Resume(ctx, inner_);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(inner.data(), &ctx);
  Resume(ctx, outer_);
  SHA256_Update(&ctx, inner.data(), inner.size());
  SHA256_Final(out.data(), &ctx);
  return out;
}

Sha256Digest HmacSha256(std::string_view key, std::string_view data) {
  return HmacSha256Key(key).Sign(data);
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

static_assert(sizeof(MD5_CTX) <= 128 && sizeof(SHA_CTX) <= 128 && sizeof(SHA256_CTX) <= 128,
              "Digest::state_ holds any of the three");

Digest::Digest(Kind kind) : kind_(kind) {
  switch (kind_) {
    case Kind::kMd5:
      MD5_Init(reinterpret_cast<MD5_CTX*>(state_));
      break;
    case Kind::kSha1:
      SHA1_Init(reinterpret_cast<SHA_CTX*>(state_));
      break;
    case Kind::kSha256:
      SHA256_Init(reinterpret_cast<SHA256_CTX*>(state_));
      break;
  }
}

Digest::Digest(Digest&& other) noexcept : kind_(other.kind_), finished_(other.finished_) {
  std::memcpy(state_, other.state_, sizeof state_);
  other.finished_ = true;
}

Digest& Digest::operator=(Digest&& other) noexcept {
  if (this != &other) {
    kind_ = other.kind_;
    finished_ = other.finished_;
    std::memcpy(state_, other.state_, sizeof state_);
    other.finished_ = true;
  }
  return *this;
}

void Digest::Update(const void* data, std::size_t size) {
  if (finished_ || size == 0) return;
  switch (kind_) {
    case Kind::kMd5:
      MD5_Update(reinterpret_cast<MD5_CTX*>(state_), data, size);
      break;
    case Kind::kSha1:
      SHA1_Update(reinterpret_cast<SHA_CTX*>(state_), data, size);
      break;
    case Kind::kSha256:
      SHA256_Update(reinterpret_cast<SHA256_CTX*>(state_), data, size);
      break;
  }
}

std::string Digest::Finish() {
  if (finished_) return std::string();
  finished_ = true;
  unsigned char buf[SHA256_DIGEST_LENGTH];
  std::size_t len = 0;
  switch (kind_) {
    case Kind::kMd5:
      MD5_Final(buf, reinterpret_cast<MD5_CTX*>(state_));
      len = MD5_DIGEST_LENGTH;
      break;
    case Kind::kSha1:
      SHA1_Final(buf, reinterpret_cast<SHA_CTX*>(state_));
      len = SHA_DIGEST_LENGTH;
      break;
    case Kind::kSha256:
      SHA256_Final(buf, reinterpret_cast<SHA256_CTX*>(state_));
      len = SHA256_DIGEST_LENGTH;
      break;
  }
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
