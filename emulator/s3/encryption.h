// Server-side encryption of S3 objects: the bucket's default encryption
// configuration, the AWS KMS key ARNs that SSE-KMS reports, and SSE-C, where
// the body is kept encrypted at rest under the customer's own key.
// docs/s3-encryption.md says what is emulated and what is chosen.
//
// SSE-C: AES-256 in CTR mode, so any byte range decrypts on its own. Every
// body piece (a single-body object, or each part of a multipart object) has
// its own random 16-byte IV, the initial counter block. The key is never
// stored: a record keeps HMAC-SHA256(key, "awslab SSE-C" + salt) with a
// random salt, enough to tell the right key from a wrong one.
//
// Thread-safety: the functions are pure; a CtrCipher belongs to one request.
#ifndef AWSLAB_EMULATOR_S3_ENCRYPTION_H_
#define AWSLAB_EMULATOR_S3_ENCRYPTION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace awslab::s3 {

// The values x-amz-server-side-encryption and SSEAlgorithm take.
inline constexpr std::string_view kSseS3 = "AES256";
inline constexpr std::string_view kSseKms = "aws:kms";
inline constexpr std::string_view kSseKmsDsse = "aws:kms:dsse";
bool IsSseAlgorithm(std::string_view s);
bool IsKmsAlgorithm(std::string_view s);

// A bucket's default encryption (PutBucketEncryption): one rule.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ServerSideEncryptionRule.html
struct BucketEncryption {
  std::string algorithm;   // kSseS3, kSseKms or kSseKmsDsse
  std::string kms_key_id;  // as put; empty: the AWS managed key aws/s3
  bool bucket_key = false;
  bool operator==(const BucketEncryption&) const = default;
};
std::string EncodeBucketEncryption(const BucketEncryption& e);
std::optional<BucketEncryption> DecodeBucketEncryption(std::string_view data);

// The ARN S3 reports for a KMS key named `key_id` (a key id, an alias name,
// an ARN; empty: the account's AWS managed key for S3, "aws/s3", whose id is
// derived from the account and region so that it is stable).
std::string KmsKeyArn(std::string_view key_id, std::string_view region,
                      std::string_view account_id);

// A customer-provided key (SSE-C), checked: 32 bytes.
struct CustomerKey {
  std::string key;      // raw, 32 bytes
  std::string key_md5;  // base64 of its MD5, as sent and returned
};

inline constexpr std::size_t kCustomerKeyBytes = 32;
inline constexpr std::size_t kIvBytes = 16;

// A fresh random IV (or salt): 16 bytes.
std::string NewIv();
// What a record keeps to recognize `key` later.
std::string CustomerKeyCheck(const CustomerKey& key, std::string_view salt);
// Whether `key` is the key that made `check` with `salt` (constant time).
bool CustomerKeyMatches(const CustomerKey& key, std::string_view salt, std::string_view check);

// AES-256-CTR keystream positioned at byte `offset` of a piece whose IV is
// `iv`; Apply encrypts and decrypts alike (XOR with the keystream) and
// advances the position.
class CtrCipher {
 public:
  CtrCipher(std::string_view key, std::string_view iv, std::uint64_t offset = 0);
  ~CtrCipher();
  CtrCipher(CtrCipher&&) noexcept;
  CtrCipher& operator=(CtrCipher&&) noexcept;
  void Apply(char* data, std::size_t size);
  void Apply(std::string& data) { Apply(data.data(), data.size()); }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_ENCRYPTION_H_
