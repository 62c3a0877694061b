#include "emulator/s3/bucket_name.h"

#include <gtest/gtest.h>

#include <string>

namespace awslab::s3 {
namespace {

TEST(BucketName, FollowsAwsRules) {
  const struct {
    std::string name;
    bool valid;
  } kCases[] = {
      // The course's examples.
      {"myawsbucket", true},
      {"my.aws.bucket", true},
      {"myawsbucket.1", true},
      {".myawsbucket", false},
      {"myawsbucket.", false},
      {"my..examplebucket", false},
      // Length: 3 to 63.
      {"ab", false},
      {"abc", true},
      {std::string(63, 'a'), true},
      {std::string(64, 'a'), false},
      // Characters.
      {"My-Bucket", false},
      {"my_bucket", false},
      {"my bucket", false},
      {"my-bucket-1", true},
      {"-bucket", false},
      {"bucket-", false},
      // Labels begin and end with a letter or digit.
      {"my-.bucket", false},
      {"my.-bucket", false},
      // Not an IP address.
      {"192.168.5.4", false},
      {"192.168.5.4a", true},
      {"1.2.3", true},
      // Reserved prefixes and suffixes.
      {"xn--abc", false},
      {"sthree-bucket", false},
      {"amzn-s3-demo-bucket", false},
      {"bucket-s3alias", false},
      {"bucket--ol-s3", false},
      {"bucket.mrap", false},
      {"bucket--x-s3", false},
      {"bucket--table-s3", false},
      {"xn-abc", true},
  };
  for (const auto& c : kCases) EXPECT_EQ(IsValidBucketName(c.name), c.valid) << c.name;
}

TEST(BucketName, ExplainsTheRuleItBreaks) {
  EXPECT_NE(BucketNameProblem("ab").find("3 and 63"), std::string::npos);
  EXPECT_NE(BucketNameProblem("My-Bucket").find("lowercase"), std::string::npos);
  EXPECT_NE(BucketNameProblem("192.168.5.4").find("IP address"), std::string::npos);
  EXPECT_EQ(BucketNameProblem("myawsbucket"), "");
}

}  // namespace
}  // namespace awslab::s3
