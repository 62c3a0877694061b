// S3Store's bucket CORS configuration, kept in the bucket record.
#include "emulator/s3/s3_store.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {

Status S3Store::PutBucketCors(const Principal& who, std::string_view bucket,
                              std::optional<CorsConfiguration> cors) {
  std::unique_lock lock(buckets_mu_);
  auto record = GetBucket(who, bucket);
  if (!record) return record.error();
  record->cors = std::move(cors);
  auto st = storage_.Put(storage::keys::Bucket(bucket), EncodeBucket(*record));
  ForgetBucket(bucket);
  return st;
}

Result<CorsConfiguration> S3Store::GetBucketCors(const Principal& who, std::string_view bucket) {
  auto record = GetBucket(who, bucket);
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
