#include "emulator/auth/checksum.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace awslab::auth {
namespace {

constexpr std::string_view kCheck = "123456789";

// Bit-at-a-time references, straight from the definitions of the CRCs.
std::uint32_t BitwiseCrc32(std::uint32_t poly, std::string_view data) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? (crc >> 1) ^ poly : crc >> 1;
  }
  return ~crc;
}

// CRC-64/NVME's polynomial 0xAD93D23594C93659, bit-reversed.
std::uint64_t BitwiseCrc64Nvme(std::string_view data) {
  std::uint64_t crc = ~0ull;
  for (unsigned char c : data) {
    crc ^= c;
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? (crc >> 1) ^ 0x9A6C9329AC4BC9B5ull : crc >> 1;
  }
  return ~crc;
}

std::string RandomBytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Base64Of(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksum c(algorithm);
  c.Update(data);
  return c.FinishBase64();
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32(0, kCheck.data(), kCheck.size()), 0xCBF43926u);
  EXPECT_EQ(Crc32(0, "", 0), 0u);
}

TEST(Crc32c, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32c(0, kCheck.data(), kCheck.size()), 0xE3069283u);
  EXPECT_EQ(Crc32c(0, "", 0), 0u);
}

TEST(Crc64Nvme, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc64Nvme(0, kCheck.data(), kCheck.size()), 0xAE8B14860A799888ull);
  EXPECT_EQ(Crc64Nvme(0, "", 0), 0u);
}

TEST(Crc, TableAndHardwarePathsMatchBitwiseReferenceAtEveryLengthAndAlignment) {
  const std::string data = RandomBytes(600, 1);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t len = 0; offset + len <= data.size(); len += (len < 80 ? 1 : 37)) {
      const std::string_view piece(data.data() + offset, len);
      ASSERT_EQ(Crc32(0, piece.data(), piece.size()), BitwiseCrc32(0xEDB88320u, piece))
          << "offset " << offset << " len " << len;
      ASSERT_EQ(Crc32c(0, piece.data(), piece.size()), BitwiseCrc32(0x82F63B78u, piece))
          << "offset " << offset << " len " << len;
      ASSERT_EQ(Crc64Nvme(0, piece.data(), piece.size()), BitwiseCrc64Nvme(piece))
          << "offset " << offset << " len " << len;
    }
  }
}

TEST(Crc, ContinuingFromAPreviousValueEqualsOneShot) {
  const std::string data = RandomBytes(1000, 2);
  const std::uint32_t crc32 = Crc32(0, data.data(), data.size());
  const std::uint32_t crc32c = Crc32c(0, data.data(), data.size());
  const std::uint64_t crc64 = Crc64Nvme(0, data.data(), data.size());
  for (std::size_t cut = 0; cut <= data.size(); cut += 7) {
    const char* p = data.data();
    const std::size_t rest = data.size() - cut;
    EXPECT_EQ(Crc32(Crc32(0, p, cut), p + cut, rest), crc32) << cut;
    EXPECT_EQ(Crc32c(Crc32c(0, p, cut), p + cut, rest), crc32c) << cut;
    EXPECT_EQ(Crc64Nvme(Crc64Nvme(0, p, cut), p + cut, rest), crc64) << cut;
  }
}

TEST(Crc32, AgreesWithZlibOnKnownStrings) {
  // zlib.crc32(b"hello world") and zlib.crc32(b"The quick brown fox jumps over the lazy dog").
  const std::string_view hello = "hello world";
  EXPECT_EQ(Crc32(0, hello.data(), hello.size()), 0x0D4A1185u);
  const std::string_view fox = "The quick brown fox jumps over the lazy dog";
  EXPECT_EQ(Crc32(0, fox.data(), fox.size()), 0x414FA339u);
}

TEST(Checksum, EncodesTheBigEndianValueInBase64) {
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32, ""), "AAAAAA==");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32, "hello world"), "DUoRhQ==");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32c, ""), "AAAAAA==");
  // 0xE3069283 and 0xAE8B14860A799888, big-endian.
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32c, kCheck), "4waSgw==");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc64Nvme, ""), "AAAAAAAAAAA=");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc64Nvme, kCheck), "rosUhgp5mIg=");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kSha256, ""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kSha1, ""), "2jmj7l5rSw0yVb/vlWAYkK/YBwk=");
}

TEST(Checksum, MatchesTheCrc32cOfAwsTrailerExample) {
  // The 66560 'a' object of AWS's sigv4-streaming-trailers page.
  EXPECT_EQ(Base64Of(ChecksumAlgorithm::kCrc32c, std::string(66560, 'a')), "sOO8/Q==");
}

TEST(Checksum, IncrementalUpdatesEqualOneShot) {
  const std::string data = RandomBytes(5000, 3);
  for (auto algorithm : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                         ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                         ChecksumAlgorithm::kSha256}) {
    const std::string whole = Base64Of(algorithm, data);
    std::mt19937 rng(4);
    Checksum pieces(algorithm);
    std::size_t pos = 0;
    while (pos < data.size()) {
      const std::size_t n = std::min<std::size_t>(rng() % 300, data.size() - pos);
      pieces.Update(data.data() + pos, n);
      pos += n;
    }
    EXPECT_EQ(pieces.FinishBase64(), whole) << ChecksumAlgorithmName(algorithm);
  }
}

TEST(ChecksumAlgorithm, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(ParseChecksumAlgorithm("CRC32"), ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(ParseChecksumAlgorithm("crc32c"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ParseChecksumAlgorithm("Crc64Nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(ParseChecksumAlgorithm("sha1"), ChecksumAlgorithm::kSha1);
  EXPECT_EQ(ParseChecksumAlgorithm("SHA256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(ParseChecksumAlgorithm("MD5"), std::nullopt);
  EXPECT_EQ(ParseChecksumAlgorithm(""), std::nullopt);
  EXPECT_EQ(ParseChecksumAlgorithm("CRC32 "), std::nullopt);
}

TEST(ChecksumAlgorithm, ParsesHeaderNamesCaseInsensitively) {
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-crc32"), ChecksumAlgorithm::kCrc32);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("X-Amz-Checksum-CRC32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-crc64nvme"),
            ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-sha1"), ChecksumAlgorithm::kSha1);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-sha256"), ChecksumAlgorithm::kSha256);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-algorithm"), std::nullopt);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("x-amz-checksum-type"), std::nullopt);
  EXPECT_EQ(ChecksumAlgorithmFromHeader("crc32"), std::nullopt);
}

TEST(ChecksumAlgorithm, NamesRoundTrip) {
  for (auto algorithm : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                         ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                         ChecksumAlgorithm::kSha256}) {
    EXPECT_EQ(ParseChecksumAlgorithm(ChecksumAlgorithmName(algorithm)), algorithm);
    EXPECT_EQ(ChecksumAlgorithmFromHeader(ChecksumHeaderName(algorithm)), algorithm);
  }
  EXPECT_EQ(ChecksumAlgorithmName(ChecksumAlgorithm::kCrc32), "CRC32");
  EXPECT_EQ(ChecksumHeaderName(ChecksumAlgorithm::kCrc64Nvme), "x-amz-checksum-crc64nvme");
}

}  // namespace
}  // namespace awslab::auth
