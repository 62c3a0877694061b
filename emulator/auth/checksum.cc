#include "emulator/auth/checksum.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <nmmintrin.h>
#endif

namespace awslab::auth {

namespace {

// ---------------------------------------------------------------------------
// Slicing-by-8 tables for reflected CRCs. table[0] is the classic byte-wise
// table; table[k][b] is the CRC of byte b followed by k zero bytes, so eight
// input bytes are folded with eight independent look-ups per step.
// ---------------------------------------------------------------------------

template <class T>
using SliceTables = std::array<std::array<T, 256>, 8>;

template <class T>
constexpr SliceTables<T> MakeSliceTables(T reflected_poly) {
  SliceTables<T> t{};
  for (unsigned b = 0; b < 256; ++b) {
    T crc = static_cast<T>(b);
    for (int i = 0; i < 8; ++i) crc = (crc & 1) ? static_cast<T>((crc >> 1) ^ reflected_poly) : static_cast<T>(crc >> 1);
    t[0][b] = crc;
  }
  for (unsigned b = 0; b < 256; ++b) {
    for (int k = 1; k < 8; ++k) t[k][b] = static_cast<T>((t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff]);
  }
  return t;
}

constexpr SliceTables<std::uint32_t> kCrc32Tables = MakeSliceTables<std::uint32_t>(0xEDB88320u);
constexpr SliceTables<std::uint32_t> kCrc32cTables = MakeSliceTables<std::uint32_t>(0x82F63B78u);
// CRC-64/NVME: polynomial 0xAD93D23594C93659, reflected 0x9A6C9329AC4BC9B5
// (not 0x9A6D0BB84A2A5F9B, which is CRC-64/XZ's).
constexpr SliceTables<std::uint64_t> kCrc64NvmeTables =
    MakeSliceTables<std::uint64_t>(0x9A6C9329AC4BC9B5ull);

// Eight input bytes as a little-endian integer, whatever the host order.
inline std::uint64_t LoadLe64(const unsigned char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::big) {
    v = __builtin_bswap64(v);
  }
  return v;
}

// Raw (non-inverted) slicing-by-8 update of a reflected CRC (32 or 64 bits:
// each step xors the next 8 bytes into the low bits of the state).
template <class Crc>
inline Crc Slice8Update(const SliceTables<Crc>& t, Crc crc, const unsigned char* p,
                        std::size_t n) {
  // Head: single bytes up to an 8-byte boundary, so the loads are aligned.
  while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7) != 0) {
    crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
    --n;
  }
  while (n >= 8) {
    const std::uint64_t v = LoadLe64(p) ^ crc;
    crc = t[7][v & 0xff] ^ t[6][(v >> 8) & 0xff] ^ t[5][(v >> 16) & 0xff] ^
          t[4][(v >> 24) & 0xff] ^ t[3][(v >> 32) & 0xff] ^ t[2][(v >> 40) & 0xff] ^
          t[1][(v >> 48) & 0xff] ^ t[0][v >> 56];
    p += 8;
    n -= 8;
  }
  while (n > 0) {
    crc = (crc >> 8) ^ t[0][(crc ^ *p++) & 0xff];
    --n;
  }
  return crc;
}

#if defined(__x86_64__)
// CRC-32C with the SSE4.2 crc32 instruction (raw, non-inverted state).
__attribute__((target("sse4.2"))) std::uint32_t Crc32cHardware(std::uint32_t crc,
                                                               const unsigned char* p,
                                                               std::size_t n) {
  while (n > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7) != 0) {
    crc = _mm_crc32_u8(crc, *p++);
    --n;
  }
  std::uint64_t c = crc;
  // One dependency chain: crc32 has a latency of 3 cycles, so this runs at
  // about 8 bytes per 3 cycles (several GB/s), far above the table path.
  while (n >= 32) {
    std::uint64_t v0, v1, v2, v3;
    std::memcpy(&v0, p, 8);
    std::memcpy(&v1, p + 8, 8);
    std::memcpy(&v2, p + 16, 8);
    std::memcpy(&v3, p + 24, 8);
    c = _mm_crc32_u64(c, v0);
    c = _mm_crc32_u64(c, v1);
    c = _mm_crc32_u64(c, v2);
    c = _mm_crc32_u64(c, v3);
    p += 32;
    n -= 32;
  }
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    c = _mm_crc32_u64(c, v);
    p += 8;
    n -= 8;
  }
  crc = static_cast<std::uint32_t>(c);
  while (n > 0) {
    crc = _mm_crc32_u8(crc, *p++);
    --n;
  }
  return crc;
}

// Dynamic initialisation: a call from another translation unit's static
// initialiser that runs first sees false and takes the (correct) table path.
const bool kHaveSse42 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("sse4.2") != 0;
}();
#endif

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

struct AlgorithmNames {
  ChecksumAlgorithm algorithm;
  std::string_view name;
  std::string_view header;
};

constexpr AlgorithmNames kAlgorithms[] = {
    {ChecksumAlgorithm::kCrc32, "CRC32", "x-amz-checksum-crc32"},
    {ChecksumAlgorithm::kCrc32c, "CRC32C", "x-amz-checksum-crc32c"},
    {ChecksumAlgorithm::kCrc64Nvme, "CRC64NVME", "x-amz-checksum-crc64nvme"},
    {ChecksumAlgorithm::kSha1, "SHA1", "x-amz-checksum-sha1"},
    {ChecksumAlgorithm::kSha256, "SHA256", "x-amz-checksum-sha256"},
};

constexpr std::string_view kHeaderPrefix = "x-amz-checksum-";

}  // namespace

std::uint32_t Crc32(std::uint32_t crc, const void* data, std::size_t size) {
  return ~Slice8Update(kCrc32Tables, ~crc, static_cast<const unsigned char*>(data), size);
}

std::uint32_t Crc32c(std::uint32_t crc, const void* data, std::size_t size) {
  const auto* p = static_cast<const unsigned char*>(data);
#if defined(__x86_64__)
  if (kHaveSse42) return ~Crc32cHardware(~crc, p, size);
#endif
  return ~Slice8Update(kCrc32cTables, ~crc, p, size);
}

std::uint64_t Crc64Nvme(std::uint64_t crc, const void* data, std::size_t size) {
  return ~Slice8Update(kCrc64NvmeTables, ~crc, static_cast<const unsigned char*>(data), size);
}

std::optional<ChecksumAlgorithm> ParseChecksumAlgorithm(std::string_view name) {
  for (const auto& a : kAlgorithms) {
    if (EqualsIgnoreCase(name, a.name)) return a.algorithm;
  }
  return std::nullopt;
}

std::optional<ChecksumAlgorithm> ChecksumAlgorithmFromHeader(std::string_view header_name) {
  for (const auto& a : kAlgorithms) {
    if (EqualsIgnoreCase(header_name, a.header)) return a.algorithm;
  }
  return std::nullopt;
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  for (const auto& a : kAlgorithms) {
    if (a.algorithm == algorithm) return a.name;
  }
  return {};
}

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  for (const auto& a : kAlgorithms) {
    if (a.algorithm == algorithm) return a.header;
  }
  return {};
}

Checksum::Checksum(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kSha1:
      digest_.emplace(crypto::Digest::Kind::kSha1);
      break;
    case ChecksumAlgorithm::kSha256:
      digest_.emplace(crypto::Digest::Kind::kSha256);
      break;
    default:
      break;
  }
}

void Checksum::Update(const void* data, std::size_t size) {
  switch (algorithm_) {
    case ChecksumAlgorithm::kCrc32:
      crc_ = Crc32(static_cast<std::uint32_t>(crc_), data, size);
      break;
    case ChecksumAlgorithm::kCrc32c:
      crc_ = Crc32c(static_cast<std::uint32_t>(crc_), data, size);
      break;
    case ChecksumAlgorithm::kCrc64Nvme:
      crc_ = Crc64Nvme(crc_, data, size);
      break;
    case ChecksumAlgorithm::kSha1:
    case ChecksumAlgorithm::kSha256:
      digest_->Update(data, size);
      break;
  }
}

std::string Checksum::FinishBase64() {
  if (digest_) return crypto::Base64(digest_->Finish());
  unsigned char bytes[8];
  const std::size_t n = algorithm_ == ChecksumAlgorithm::kCrc64Nvme ? 8 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    bytes[i] = static_cast<unsigned char>(crc_ >> (8 * (n - 1 - i)));
  }
  return crypto::Base64(bytes, n);
}

}  // namespace awslab::auth
