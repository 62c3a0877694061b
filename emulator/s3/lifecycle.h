// A bucket's lifecycle configuration and when its rules expire what: the
// rules (PutBucketLifecycleConfiguration), AWS's validation of them, their
// storage encoding, and the pure decisions of expiry (does a rule apply to an
// object, when does the object or an incomplete upload expire). No HTTP, no
// XML, no storage: S3Store applies the decisions (s3_store_lifecycle.cc).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
//
// Thread-safety: plain values and pure functions.
#ifndef AWSLAB_EMULATOR_S3_LIFECYCLE_H_
#define AWSLAB_EMULATOR_S3_LIFECYCLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"

namespace awslab::s3 {

// "A lifecycle configuration can have up to 1,000 rules."
inline constexpr std::size_t kMaxLifecycleRules = 1000;
inline constexpr std::size_t kMaxLifecycleRuleIdLength = 255;

struct LifecycleTransition {
  std::optional<std::int64_t> days;  // Days, or NoncurrentDays for a noncurrent one
  std::optional<TimePoint> date;     // current versions only
  std::optional<std::int64_t> newer_noncurrent_versions;
  std::string storage_class;
  bool operator==(const LifecycleTransition&) const = default;
};

struct LifecycleRule {
  std::string id;      // S3 makes one up when none is sent
  bool enabled = false;  // Status Enabled (else Disabled)

  // Which objects: the legacy top-level <Prefix>, or a <Filter> holding one
  // of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan or an <And> of
  // several. An empty <Filter/> applies to every object.
  std::optional<std::string> legacy_prefix;
  bool has_filter = false;
  bool filter_and = false;  // the filter's conditions were inside <And>
  std::optional<std::string> prefix;
  std::vector<std::pair<std::string, std::string>> tags;
  std::optional<std::uint64_t> size_greater_than;
  std::optional<std::uint64_t> size_less_than;

  // Actions.
  bool has_expiration = false;
  std::optional<std::int64_t> expiration_days;
  std::optional<TimePoint> expiration_date;
  std::optional<bool> expired_object_delete_marker;
  bool has_noncurrent_expiration = false;
  std::optional<std::int64_t> noncurrent_days;
  std::optional<std::int64_t> newer_noncurrent_versions;
  std::optional<std::int64_t> abort_incomplete_days;  // AbortIncompleteMultipartUpload
  std::vector<LifecycleTransition> transitions;             // stored, never applied
  std::vector<LifecycleTransition> noncurrent_transitions;  // stored, never applied

  bool operator==(const LifecycleRule&) const = default;
};

struct LifecycleConfiguration {
  std::vector<LifecycleRule> rules;
  bool operator==(const LifecycleConfiguration&) const = default;
};

// AWS's checks of a parsed configuration (the XML layer has already refused
// what the schema does not allow with MalformedXML): rule ids at most 255
// characters and unique, an action in every rule, positive day counts, dates
// at midnight UTC, ExpiredObjectDeleteMarker without Days or Date,
// AbortIncompleteMultipartUpload without a tag filter. See
// docs/s3-lifecycle.md for the messages.
Status ValidateLifecycleConfiguration(const LifecycleConfiguration& config);

// The first midnight UTC at or after `t`.
TimePoint MidnightAtOrAfter(TimePoint t);
// Whether `t` is a midnight UTC.
bool IsMidnightUtc(TimePoint t);

// What S3 knows of a current object when it applies a rule.
struct LifecycleObject {
  std::string_view key;
  std::uint64_t size = 0;
  TimePoint last_modified;
  const std::vector<std::pair<std::string, std::string>>* tags = nullptr;
};

// Whether `rule` is enabled and its filter selects `object`.
bool RuleApplies(const LifecycleRule& rule, const LifecycleObject& object);

// When a current object expires under the configuration: the earliest
// expiry of the enabled rules that select it, with that rule's id; nullopt
// when none expires it. "Amazon S3 calculates the time by adding the number
// of days specified in the rule to the object creation time and rounding
// the resulting time up to the next day's midnight UTC"; a Date rule
// expires the objects it selects at that date.
struct Expiry {
  TimePoint at;
  std::string rule_id;
};
std::optional<Expiry> CurrentObjectExpiry(const LifecycleConfiguration& config,
                                          const LifecycleObject& object);

// When an incomplete multipart upload of `key` initiated at `initiated` is
// aborted: initiation + DaysAfterInitiation rounded up to midnight UTC, the
// earliest of the enabled rules whose prefix selects the key.
std::optional<TimePoint> UploadAbortTime(const LifecycleConfiguration& config,
                                         std::string_view key, TimePoint initiated);

// Noncurrent-version expiration, for versioned buckets. `versions` are the
// noncurrent versions of one key, newest first, each with the time it became
// noncurrent (when its successor was written). Returns the indexes of the
// versions that the configuration's NoncurrentVersionExpiration rules have
// expired at `now`: a version expires NoncurrentDays after it became
// noncurrent (rounded up to midnight UTC), except that the newest
// NewerNoncurrentVersions of them are kept. Not yet called: the lead wires
// it into the sweep (S3Store::ApplyLifecycle) when versioning lands.
struct NoncurrentVersion {
  std::uint64_t size = 0;
  TimePoint noncurrent_since;
  const std::vector<std::pair<std::string, std::string>>* tags = nullptr;
};
std::vector<std::size_t> ExpiredNoncurrentVersions(const LifecycleConfiguration& config,
                                                   std::string_view key,
                                                   const std::vector<NoncurrentVersion>& versions,
                                                   TimePoint now);

// Storage encoding (a nested record of the bucket record); nullopt on
// corrupt data.
std::string EncodeLifecycle(const LifecycleConfiguration& config);
std::optional<LifecycleConfiguration> DecodeLifecycle(std::string_view data);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_LIFECYCLE_H_
