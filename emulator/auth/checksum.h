// The flexible checksums of S3 (x-amz-checksum-*): CRC32, CRC32C, CRC64NVME,
// SHA1 and SHA256, each sent and stored as the base64 of its big-endian value.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
//
// Thread-safety: a Checksum is used by one thread at a time.
#ifndef AWSLAB_EMULATOR_AUTH_CHECKSUM_H_
#define AWSLAB_EMULATOR_AUTH_CHECKSUM_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "client/include/awslab/crypto.h"

namespace awslab::auth {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

// "CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256" (case-insensitive), as in
// x-amz-checksum-algorithm / x-amz-sdk-checksum-algorithm.
std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name);
// From a header name: "x-amz-checksum-crc32" (case-insensitive) -> kCrc32.
std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name);
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);  // "CRC32"
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);     // "x-amz-checksum-crc32"

class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm algorithm);
  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(const void* data, std::size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Base64 of the big-endian checksum, e.g. CRC32 of "" is "AAAAAA==".
  std::string FinishBase64();

 private:
  ChecksumAlgorithm algorithm_;
  std::uint64_t crc_ = 0;
  std::optional<crypto::Digest> digest_;
};

// Raw CRCs, exposed for tests: CRC-32 (ISO-HDLC, as zlib), CRC-32C
// (Castagnoli), CRC-64/NVME. Each continues from `crc` (0 to start).
std::uint32_t Crc32(std::uint32_t crc, const void* data, std::size_t size);
std::uint32_t Crc32c(std::uint32_t crc, const void* data, std::size_t size);
std::uint64_t Crc64Nvme(std::uint64_t crc, const void* data, std::size_t size);

}  // namespace awslab::auth

#endif  // AWSLAB_EMULATOR_AUTH_CHECKSUM_H_
