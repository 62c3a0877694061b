#include "emulator/s3/encryption.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstring>

#include "client/include/awslab/crypto.h"
#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

// Field tags of the nested bucket-encryption record (never reuse a number).
enum EncryptionTag : std::uint32_t { kEAlgorithm = 1, kEKmsKeyId = 2, kEBucketKey = 3 };

constexpr std::string_view kCheckLabel = "awslab SSE-C";

}  // namespace

bool IsSseAlgorithm(std::string_view s) { return s == kSseS3 || IsKmsAlgorithm(s); }
bool IsKmsAlgorithm(std::string_view s) { return s == kSseKms || s == kSseKmsDsse; }

std::string EncodeBucketEncryption(const BucketEncryption& e) {
  storage::RecordWriter w;
  w.Put(kEAlgorithm, e.algorithm);
  if (!e.kms_key_id.empty()) w.Put(kEKmsKeyId, e.kms_key_id);
  if (e.bucket_key) w.PutBool(kEBucketKey, true);
  return w.Release();
}

std::optional<BucketEncryption> DecodeBucketEncryption(std::string_view data) {
  BucketEncryption e;
  storage::RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  while (r.Next(tag, v)) {
    if (tag == kEAlgorithm) e.algorithm = v;
    else if (tag == kEKmsKeyId) e.kms_key_id = v;
    else if (tag == kEBucketKey) e.bucket_key = storage::RecordReader::AsU64(v) != 0;
  }
  if (!r.ok()) return std::nullopt;
  return e;
}

std::string KmsKeyArn(std::string_view key_id, std::string_view region,
                      std::string_view account_id) {
  if (key_id.starts_with("arn:")) return std::string(key_id);
  std::string prefix = "arn:aws:kms:" + std::string(region) + ":" + std::string(account_id) + ":";
  if (key_id.starts_with("alias/")) return prefix + std::string(key_id);
  if (!key_id.empty()) return prefix + "key/" + std::string(key_id);
  // The AWS managed key aws/s3: a key id in the shape of a UUID, the same
  // for an account and region on every server.
  auto d = crypto::Sha256("aws/s3\n" + std::string(account_id) + "\n" + std::string(region));
  std::string hex = crypto::Hex(d.data(), 16);
  return prefix + "key/" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) +
         "-" + hex.substr(16, 4) + "-" + hex.substr(20, 12);
}

std::string NewIv() {
  std::string iv(kIvBytes, '\0');
  crypto::RandomBytes(iv.data(), iv.size());
  return iv;
}

std::string CustomerKeyCheck(const CustomerKey& key, std::string_view salt) {
  auto mac = crypto::HmacSha256(key.key, std::string(kCheckLabel) + std::string(salt));
  return std::string(reinterpret_cast<const char*>(mac.data()), mac.size());
}

bool CustomerKeyMatches(const CustomerKey& key, std::string_view salt, std::string_view check) {
  return crypto::ConstantTimeEquals(CustomerKeyCheck(key, salt), check);
}

struct CtrCipher::Impl {
  EVP_CIPHER_CTX* ctx = nullptr;
  ~Impl() { EVP_CIPHER_CTX_free(ctx); }
};

CtrCipher::CtrCipher(std::string_view key, std::string_view iv, std::uint64_t offset)
    : impl_(std::make_unique<Impl>()) {
  // The counter block of the first whole block at or before `offset`: the
  // IV plus offset / 16, as a 128-bit big-endian number.
  std::array<unsigned char, kIvBytes> counter{};
  std::memcpy(counter.data(), iv.data(), std::min(iv.size(), counter.size()));
  std::uint64_t add = offset / 16;
  for (int i = 15; i >= 0 && add != 0; --i) {
    std::uint64_t sum = counter[i] + (add & 0xff);
    counter[i] = static_cast<unsigned char>(sum);
    add = (add >> 8) + (sum >> 8);
  }
  impl_->ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(impl_->ctx, EVP_aes_256_ctr(), nullptr,
                     reinterpret_cast<const unsigned char*>(key.data()), counter.data());
  // Skip into the block.
  if (std::size_t skip = offset % 16; skip != 0) {
    char scratch[16] = {};
    Apply(scratch, skip);
  }
}

CtrCipher::~CtrCipher() = default;
CtrCipher::CtrCipher(CtrCipher&&) noexcept = default;
CtrCipher& CtrCipher::operator=(CtrCipher&&) noexcept = default;

void CtrCipher::Apply(char* data, std::size_t size) {
  auto* p = reinterpret_cast<unsigned char*>(data);
  while (size > 0) {
    int n = static_cast<int>(std::min<std::size_t>(size, 1 << 30));
    int out = 0;
    EVP_EncryptUpdate(impl_->ctx, p, &out, p, n);
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace awslab::s3
