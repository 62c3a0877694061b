#include "emulator/router/s3_router.h"

#include <gtest/gtest.h>

namespace awslab::router {
namespace {

protocol::Request Make(std::string method, std::string target, std::string host = "127.0.0.1:4566") {
  protocol::Request r;
  r.raw.method = std::move(method);
  auto q = target.find('?');
  r.raw.path = target.substr(0, q);
  if (q != std::string::npos) r.raw.query = target.substr(q + 1);
  r.raw.headers.push_back({"Host", host});
  EXPECT_TRUE(protocol::ParseTarget(r));
  return r;
}

TEST(S3Router, PicksTheOperationFromMethodLevelAndSubresource) {
  const struct {
    const char* method;
    const char* target;
    S3Op op;
    const char* bucket;
    const char* key;
  } kCases[] = {
      {"GET", "/", S3Op::kListBuckets, "", ""},
      {"PUT", "/b", S3Op::kCreateBucket, "b", ""},
      {"PUT", "/b/", S3Op::kCreateBucket, "b", ""},
      {"HEAD", "/b", S3Op::kHeadBucket, "b", ""},
      {"DELETE", "/b", S3Op::kDeleteBucket, "b", ""},
      {"GET", "/b?location", S3Op::kGetBucketLocation, "b", ""},
      {"GET", "/b?list-type=2&prefix=a", S3Op::kListObjectsV2, "b", ""},
      {"GET", "/b", S3Op::kListObjects, "b", ""},
      {"PUT", "/b/k", S3Op::kPutObject, "b", "k"},
      {"GET", "/b/dir/k%20x", S3Op::kGetObject, "b", "dir/k x"},
      {"GET", "/b/a//b/", S3Op::kGetObject, "b", "a//b/"},
      {"HEAD", "/b/k", S3Op::kHeadObject, "b", "k"},
      {"DELETE", "/b/k", S3Op::kDeleteObject, "b", "k"},
      // Sub-resources never fall through to a plain operation.
      {"PUT", "/b/k?acl", S3Op::kPutObjectAcl, "b", "k"},
      {"GET", "/b?acl", S3Op::kGetBucketAcl, "b", ""},
      {"DELETE", "/b?acl", S3Op::kMethodNotAllowed, "b", ""},
      {"DELETE", "/b/k?acl", S3Op::kMethodNotAllowed, "b", "k"},
      {"PUT", "/b?location", S3Op::kMethodNotAllowed, "b", ""},
      {"PUT", "/b?policy", S3Op::kPutBucketPolicy, "b", ""},
      {"GET", "/b?policyStatus", S3Op::kGetBucketPolicyStatus, "b", ""},
      {"PUT", "/b?cors", S3Op::kPutBucketCors, "b", ""},
      {"PUT", "/b?encryption", S3Op::kPutBucketEncryption, "b", ""},
      {"GET", "/b?encryption", S3Op::kGetBucketEncryption, "b", ""},
      {"DELETE", "/b?encryption", S3Op::kDeleteBucketEncryption, "b", ""},
      {"PUT", "/b/k?encryption", S3Op::kMethodNotAllowed, "b", "k"},
      {"OPTIONS", "/b/k", S3Op::kPreflight, "b", "k"},
      {"PUT", "/b?versioning", S3Op::kPutBucketVersioning, "b", ""},
      {"GET", "/b?versioning", S3Op::kGetBucketVersioning, "b", ""},
      {"DELETE", "/b?versioning", S3Op::kMethodNotAllowed, "b", ""},
      {"GET", "/b?versions", S3Op::kListObjectVersions, "b", ""},
      {"GET", "/b/k?versionId=v", S3Op::kGetObject, "b", "k"},
      {"DELETE", "/b/k?versionId=v", S3Op::kDeleteObject, "b", "k"},
      {"PUT", "/b?accelerate", S3Op::kNotImplemented, "b", ""},
      {"PUT", "/b?object-lock", S3Op::kPutObjectLockConfiguration, "b", ""},
      {"GET", "/b/k?retention", S3Op::kGetObjectRetention, "b", "k"},
      {"PUT", "/b/k?legal-hold", S3Op::kPutObjectLegalHold, "b", "k"},
      {"DELETE", "/b/k?retention", S3Op::kMethodNotAllowed, "b", "k"},
      {"POST", "/b/k?uploads", S3Op::kCreateMultipartUpload, "b", "k"},
      {"PUT", "/b/k?partNumber=1&uploadId=u", S3Op::kUploadPart, "b", "k"},
      {"POST", "/b/k?uploadId=u", S3Op::kCompleteMultipartUpload, "b", "k"},
      {"DELETE", "/b/k?uploadId=u", S3Op::kAbortMultipartUpload, "b", "k"},
      {"GET", "/b/k?uploadId=u", S3Op::kListParts, "b", "k"},
      {"GET", "/b?uploads", S3Op::kListMultipartUploads, "b", ""},
      {"GET", "/b/k?partNumber=2", S3Op::kGetObject, "b", "k"},
      {"POST", "/b?delete", S3Op::kDeleteObjects, "b", ""},
      {"POST", "/b", S3Op::kPostObject, "b", ""},
      {"POST", "/b?acl", S3Op::kNotImplemented, "b", ""},
      {"PUT", "/b/k?tagging", S3Op::kPutObjectTagging, "b", "k"},
      {"GET", "/b?tagging", S3Op::kGetBucketTagging, "b", ""},
      {"DELETE", "/b?tagging", S3Op::kDeleteBucketTagging, "b", ""},
      {"PATCH", "/b/k", S3Op::kMethodNotAllowed, "b", "k"},
      {"DELETE", "/", S3Op::kMethodNotAllowed, "", ""},
  };
  S3Addressing addressing;
  for (const auto& c : kCases) {
    S3Route route = RouteS3(Make(c.method, c.target), addressing);
    EXPECT_EQ(route.op, c.op) << c.method << " " << c.target;
    EXPECT_EQ(route.bucket, c.bucket) << c.method << " " << c.target;
    EXPECT_EQ(route.key, c.key) << c.method << " " << c.target;
  }
}

TEST(S3Router, ACopySourceHeaderMakesAPutACopy) {
  S3Addressing addressing;
  auto copy = Make("PUT", "/b/k");
  copy.raw.headers.push_back({"x-amz-copy-source", "/src/key"});
  EXPECT_EQ(RouteS3(copy, addressing).op, S3Op::kCopyObject);
  auto part = Make("PUT", "/b/k?partNumber=3&uploadId=u");
  part.raw.headers.push_back({"X-Amz-Copy-Source", "src/key"});
  EXPECT_EQ(RouteS3(part, addressing).op, S3Op::kUploadPartCopy);
}

TEST(S3Router, VirtualHostedStyleTakesTheBucketFromTheHost) {
  S3Addressing addressing;
  S3Route r = RouteS3(Make("GET", "/photos/a.jpg", "my.bucket.localhost:4566"), addressing);
  EXPECT_EQ(r.op, S3Op::kGetObject);
  EXPECT_EQ(r.bucket, "my.bucket");
  EXPECT_EQ(r.key, "photos/a.jpg");
  EXPECT_TRUE(r.virtual_hosted);  // SigV2 signs the bucket it names

  r = RouteS3(Make("GET", "/", "bucket.s3.amazonaws.com"), addressing);
  EXPECT_EQ(r.op, S3Op::kListObjects);
  EXPECT_EQ(r.bucket, "bucket");

  // The longest base domain wins: bucket.s3.localhost is "bucket", not "bucket.s3".
  r = RouteS3(Make("GET", "/k", "bucket.s3.localhost"), addressing);
  EXPECT_EQ(r.bucket, "bucket");

  // A bare base domain or an IP is path style.
  r = RouteS3(Make("GET", "/bucket/k", "localhost:4566"), addressing);
  EXPECT_EQ(r.bucket, "bucket");
  EXPECT_EQ(r.key, "k");
  EXPECT_FALSE(r.virtual_hosted);
  r = RouteS3(Make("GET", "/bucket/k", "s3.amazonaws.com"), addressing);
  EXPECT_EQ(r.bucket, "bucket");
}

TEST(S3Router, WebsiteAndLifecycleSubresources) {
  const struct {
    const char* method;
    const char* target;
    S3Op op;
  } kCases[] = {
      {"GET", "/b?website", S3Op::kGetBucketWebsite},
      {"PUT", "/b?website", S3Op::kPutBucketWebsite},
      {"DELETE", "/b?website", S3Op::kDeleteBucketWebsite},
      {"GET", "/b?lifecycle", S3Op::kGetBucketLifecycleConfiguration},
      {"PUT", "/b?lifecycle", S3Op::kPutBucketLifecycleConfiguration},
      {"DELETE", "/b?lifecycle", S3Op::kDeleteBucketLifecycle},
      // Never a plain operation on the object or the bucket.
      {"PUT", "/b/k?website", S3Op::kMethodNotAllowed},
      {"POST", "/b?lifecycle", S3Op::kNotImplemented},
  };
  S3Addressing addressing;
  for (const auto& c : kCases)
    EXPECT_EQ(RouteS3(Make(c.method, c.target), addressing).op, c.op)
        << c.method << " " << c.target;
}

TEST(S3Router, WebsiteHostNames) {
  S3Addressing addressing;
  const struct {
    const char* host;
    const char* bucket;
  } kCases[] = {
      {"site.s3-website.localhost", "site"},
      {"my.site.s3-website.localhost", "my.site"},
      {"site.s3-website-us-east-1.localhost", "site"},
      {"site.s3-website.eu-west-1.localhost", "site"},
      {"SITE.S3-Website.LOCALHOST", "SITE"},
      {"s3-website.localhost", ""},
      {"site.localhost", ""},
      {"site.s3.localhost", ""},
      {"site.s3-website-.localhost", ""},
      {"site.s3-website.example.com", ""},
      {"127.0.0.1", ""},
  };
  for (const auto& c : kCases) EXPECT_EQ(WebsiteBucketOf(c.host, addressing), c.bucket) << c.host;
  addressing.website_domains = {"example.test"};
  EXPECT_EQ(WebsiteBucketOf("site.s3-website.example.test", addressing), "site");
  EXPECT_EQ(WebsiteBucketOf("site.s3-website.localhost", addressing), "");
}

}  // namespace
}  // namespace awslab::router
