// S3Store's bucket CORS configuration, kept in the bucket record.
#include "emulator/s3/s3_store.h"

namespace awslab::s3 {

Status S3Store::PutBucketCors(const Caller& who, std::string_view bucket,
                              std::optional<CorsConfiguration> cors) {
  // DeleteBucketCors is s3:PutBucketCORS too.
  return UpdateBucket(who, bucket, action::kPutBucketCors, [&](BucketRecord& record) {
    record.cors = std::move(cors);
    return Ok();
  });
}

Result<CorsConfiguration> S3Store::GetBucketCors(const Caller& who, std::string_view bucket) {
  auto record = GetBucket(who, bucket, action::kGetBucketCors);
  if (!record) return record.error();
  if (!record->cors) {
    Error e = MakeError(ErrorCode::kNoSuchCORSConfiguration);
    e.details.emplace_back("BucketName", std::string(bucket));
    return e;
  }
  return std::move(*record->cors);
}

Result<std::optional<CorsConfiguration>> S3Store::CorsForEvaluation(
    std::string_view bucket) const {
  auto record = LoadBucket(bucket);
  if (!record) return record.error();
  return std::move(record->cors);
}

}  // namespace awslab::s3
