// S3Store's bucket website configuration, kept in the bucket record.
#include "emulator/s3/s3_store.h"

namespace awslab::s3 {
namespace action {
// The website configuration's actions (DeleteBucketWebsite is its own action).
inline constexpr Action kGetBucketWebsite{"s3:GetBucketWebsite", false, AclScope::kNone,
                                          Permission::kRead};
inline constexpr Action kPutBucketWebsite{"s3:PutBucketWebsite", false, AclScope::kNone,
                                          Permission::kWrite};
inline constexpr Action kDeleteBucketWebsite{"s3:DeleteBucketWebsite", false, AclScope::kNone,
                                             Permission::kWrite};
}  // namespace action


Status S3Store::PutBucketWebsite(const Caller& who, std::string_view bucket,
                                 std::optional<WebsiteConfiguration> config) {
  const Action& needed = config ? action::kPutBucketWebsite : action::kDeleteBucketWebsite;
  return UpdateBucket(who, bucket, needed, [&](BucketRecord& record) {
    record.website = std::move(config);
    return Ok();
  });
}

Result<WebsiteConfiguration> S3Store::GetBucketWebsite(const Caller& who,
                                                       std::string_view bucket) {
  auto record = GetBucket(who, bucket, action::kGetBucketWebsite);
  if (!record) return record.error();
  if (!record->website) {
    Error e = MakeError(ErrorCode::kNoSuchWebsiteConfiguration);
    e.details.emplace_back("BucketName", std::string(bucket));
    return e;
  }
  return std::move(*record->website);
}

Result<std::optional<WebsiteConfiguration>> S3Store::WebsiteForServing(
    std::string_view bucket) const {
  auto record = LoadBucket(bucket);
  if (!record) return record.error();
  return std::move(record->website);
}

}  // namespace awslab::s3
