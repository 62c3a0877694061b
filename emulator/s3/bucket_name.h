// S3 bucket naming rules.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
#ifndef AWSLAB_EMULATOR_S3_BUCKET_NAME_H_
#define AWSLAB_EMULATOR_S3_BUCKET_NAME_H_

#include <string>
#include <string_view>

namespace awslab::s3 {

// Empty when `name` follows every rule for a new bucket; otherwise the rule
// it breaks, in words a student can act on.
std::string BucketNameProblem(std::string_view name);

inline bool IsValidBucketName(std::string_view name) { return BucketNameProblem(name).empty(); }

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_BUCKET_NAME_H_
