// Hashes, HMAC and encodings used by SigV4, ETags and checksums (OpenSSL).
//
// Thread-safety: all functions are pure; the incremental classes are not
// shared between threads.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_CRYPTO_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_CRYPTO_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace awslab::crypto {

using Sha256Digest = std::array<std::uint8_t, 32>;
using Md5Digest = std::array<std::uint8_t, 16>;
using Sha1Digest = std::array<std::uint8_t, 20>;

Sha256Digest Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);  // lowercase hex
Sha256Digest HmacSha256(std::string_view key, std::string_view data);

// HMAC-SHA256 under one key for many messages: the key's two padded blocks
// are hashed once, at construction, so each Sign costs only the message's
// blocks and one outer block (SigV4's signing key signs every request of a
// day). Sign(data) == HmacSha256(key, data).
class HmacSha256Key {
 public:
  explicit HmacSha256Key(std::string_view key);
  Sha256Digest Sign(std::string_view data) const;

 private:
  std::array<std::uint32_t, 8> inner_{};  // SHA-256 state after key ^ ipad
  std::array<std::uint32_t, 8> outer_{};  // and after key ^ opad
};
// Signature Version 2 (S3's "AWS" Authorization scheme) signs with HMAC-SHA1.
Sha1Digest HmacSha1(std::string_view key, std::string_view data);
Md5Digest Md5(std::string_view data);

std::string Hex(const void* data, std::size_t size);  // lowercase
template <std::size_t N>
std::string Hex(const std::array<std::uint8_t, N>& d) { return Hex(d.data(), N); }
std::string Base64(const void* data, std::size_t size);
template <std::size_t N>
std::string Base64(const std::array<std::uint8_t, N>& d) { return Base64(d.data(), N); }
std::string Base64(std::string_view data);
// Strict decoding (padding required); nullopt on any invalid character or length.
std::optional<std::string> Base64Decode(std::string_view text);

// Incremental digests for streamed bodies, with their state inline (no
// allocation: every PUT makes two).
class Digest {
 public:
  enum class Kind { kMd5, kSha1, kSha256 };
  explicit Digest(Kind kind);
  ~Digest() = default;
  // A moved-from digest is finished: Update does nothing, Finish gives "".
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;
  void Update(const void* data, std::size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Returns the raw digest (16, 20 or 32 bytes); the object may not be
  // updated afterwards.
  std::string Finish();

 private:
  Kind kind_;
  bool finished_ = false;
  // OpenSSL's MD5_CTX, SHA_CTX or SHA256_CTX (sizes checked in crypto.cc).
  alignas(8) unsigned char state_[128];
};

// Compares two strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// Cryptographically random bytes.
void RandomBytes(void* out, std::size_t size);

}  // namespace awslab::crypto

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_CRYPTO_H_
