// Version ids of versioned buckets (docs/s3-versioning.md).
//
// A version id is 32 URL-safe characters: 16 lowercase hex digits of ~seq
// (the version's order among its key's versions, so that ids of one key sort
// newest first, as the v/ keys do) and 16 random letters and digits that
// make it unique across keys. "null" names the null version.
//
// Thread-safety: pure functions (NewVersionId draws from a thread-safe source).
#ifndef AWSLAB_EMULATOR_S3_VERSIONING_H_
#define AWSLAB_EMULATOR_S3_VERSIONING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/s3/records.h"

namespace awslab::s3 {

inline constexpr std::string_view kNullVersionId = "null";

// 16 hex digits of ~seq: the <order> of the version's v/ key.
std::string VersionOrder(std::uint64_t seq);
// A new version id for the version `seq`.
std::string NewVersionId(std::uint64_t seq);
// Whether `id` is "null" or has the form NewVersionId gives.
bool IsValidVersionId(std::string_view id);
// The <order> part of a valid non-null version id.
inline std::string_view OrderOf(std::string_view id) { return id.substr(0, 16); }
// The record's seq; a record from before versioning existed has none and
// takes its modification time's.
std::uint64_t SeqOf(const ObjectRecord& record);
// The seq of a version written at `now` over `current` (the key's current
// version, if any): strictly after it, whatever the clock says.
std::uint64_t NextSeq(TimePoint now, const std::optional<ObjectRecord>& current);
// Whether `record` is the version `id` names ("null": the null version).
inline bool IsVersion(const ObjectRecord& record, std::string_view id) {
  return id == kNullVersionId ? record.version_id.empty() : record.version_id == id;
}

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_VERSIONING_H_
