// S3Store's Object Lock: the bucket's default retention, a version's
// retention and legal hold, and the check that keeps a protected version
// from being deleted. Rules and sources: docs/s3-versioning.md.
#include "emulator/s3/s3_store.h"
#include "emulator/s3/versioning.h"

namespace awslab::s3 {
namespace {

Error MissingLockConfiguration() {
  return MakeError(ErrorCode::kInvalidRequest, "Bucket is missing Object Lock Configuration");
}

Error Protected() {
  return MakeError(ErrorCode::kAccessDenied,
                   "Access Denied because object protected by object lock.");
}

}  // namespace

Status S3Store::PutObjectLockConfiguration(const Caller& who, std::string_view bucket,
                                           std::optional<DefaultRetention> rule) {
  return UpdateBucket(who, bucket, action::kPutBucketObjectLockConfiguration,
                      [&](BucketRecord& record) -> Status {
                        if (!record.object_lock_enabled)
                          return MakeError(ErrorCode::kInvalidBucketState,
                                           "Object Lock configuration cannot be enabled on "
                                           "existing buckets");
                        record.default_retention = rule;
                        return Ok();
                      });
}

Status S3Store::CheckNotLocked(const Caller& who, const BucketRecord& bucket,
                               const ObjectRecord& version, bool bypass_governance) const {
  const ObjectMetadata& m = version.meta;
  // "A legal hold ... remains in effect until removed", whatever the mode.
  if (m.legal_hold) return Protected();
  if (m.lock_mode == RetentionMode::kNone || m.retain_until <= clock_.Now()) return Ok();
  // "In compliance mode, a protected object version can't be overwritten or
  // deleted by any user, including the root user."
  if (m.lock_mode == RetentionMode::kCompliance || !bypass_governance) return Protected();
  // Governance: "you must have the s3:BypassGovernanceRetention permission
  // and must explicitly include x-amz-bypass-governance-retention:true".
  if (Status st = Authorize({who, bucket, action::kBypassGovernanceRetention, version.key}); !st)
    return st.error();
  return Ok();
}

Status S3Store::PutObjectRetention(const Caller& who, std::string_view bucket,
                                   std::string_view key, std::string_view version_id,
                                   RetentionMode mode, TimePoint until, bool bypass_governance) {
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObjectRetention, key);
  if (!b) return b.error();
  if (!b->object_lock_enabled) return MissingLockConfiguration();
  const TimePoint now = clock_.Now();
  if (mode != RetentionMode::kNone && until <= now)
    return MakeError(ErrorCode::kInvalidArgument, "The retain until date must be in the future!");
  std::lock_guard key_lock(KeyLock(bucket, key));
  return UpdateVersion(who, bucket, key, version_id, action::kPutObjectRetention,
                       [&](ObjectRecord& r) -> Status {
                         ObjectMetadata& m = r.meta;
                         const bool active =
                             m.lock_mode != RetentionMode::kNone && m.retain_until > now;
                         // Extending keeps the protection: always allowed.
                         const bool weaker = mode != m.lock_mode || until < m.retain_until;
                         if (active && weaker) {
                           if (m.lock_mode == RetentionMode::kCompliance) return Protected();
                           if (!bypass_governance) return Protected();
                           if (Status st = Authorize(
                                   {who, *b, action::kBypassGovernanceRetention, key});
                               !st)
                             return st;
                         }
                         m.lock_mode = mode;
                         m.retain_until = mode == RetentionMode::kNone ? TimePoint{} : until;
                         return Ok();
                       });
}

Status S3Store::PutObjectLegalHold(const Caller& who, std::string_view bucket,
                                   std::string_view key, std::string_view version_id, bool on) {
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObjectLegalHold, key);
  if (!b) return b.error();
  if (!b->object_lock_enabled) return MissingLockConfiguration();
  std::lock_guard key_lock(KeyLock(bucket, key));
  return UpdateVersion(who, bucket, key, version_id, action::kPutObjectLegalHold,
                       [&](ObjectRecord& r) {
                         r.meta.legal_hold = on;
                         return Ok();
                       });
}

}  // namespace awslab::s3
