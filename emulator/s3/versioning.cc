#include "emulator/s3/versioning.h"

#include <algorithm>
#include <chrono>

#include "emulator/base/ids.h"

namespace awslab::s3 {

std::string VersionOrder(std::uint64_t seq) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = ~seq;
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) out[i] = kHex[v & 15];
  return out;
}

std::string NewVersionId(std::uint64_t seq) {
  // NewBlobId: 128 random bits as hex; half of them make the id unique.
  return VersionOrder(seq) + NewBlobId().substr(0, 16);
}

bool IsValidVersionId(std::string_view id) {
  if (id == kNullVersionId) return true;
  if (id.size() != 32) return false;
  return std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

std::uint64_t SeqOf(const ObjectRecord& record) {
  if (record.seq != 0) return record.seq;
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                record.last_modified.time_since_epoch())
                .count();
  return ns > 0 ? static_cast<std::uint64_t>(ns) : 1;
}

std::uint64_t NextSeq(TimePoint now, const std::optional<ObjectRecord>& current) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  std::uint64_t seq = ns > 0 ? static_cast<std::uint64_t>(ns) : 1;
  if (current) seq = std::max(seq, SeqOf(*current) + 1);
  return seq;
}

}  // namespace awslab::s3
