// S3Store's bucket default encryption, kept in the bucket record.
#include "emulator/s3/s3_store.h"

namespace awslab::s3 {
namespace {

// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html:
// "To use this operation, you must have permission to perform the
// s3:PutEncryptionConfiguration action"; GetBucketEncryption and
// DeleteBucketEncryption need s3:GetEncryptionConfiguration and
// s3:PutEncryptionConfiguration. ACLs grant neither.
constexpr Action kGetEncryptionConfiguration{"s3:GetEncryptionConfiguration", false,
                                             AclScope::kNone, Permission::kRead};
constexpr Action kPutEncryptionConfiguration{"s3:PutEncryptionConfiguration", false,
                                             AclScope::kNone, Permission::kWrite};

}  // namespace

Status S3Store::PutBucketEncryption(const Caller& who, std::string_view bucket,
                                    std::optional<BucketEncryption> encryption) {
  return UpdateBucket(who, bucket, kPutEncryptionConfiguration, [&](BucketRecord& record) {
    record.encryption = std::move(encryption);
    return Ok();
  });
}

Result<std::optional<BucketEncryption>> S3Store::GetBucketEncryption(const Caller& who,
                                                                     std::string_view bucket) {
  auto record = GetBucket(who, bucket, kGetEncryptionConfiguration);
  if (!record) return record.error();
  return std::move(record->encryption);
}

}  // namespace awslab::s3
