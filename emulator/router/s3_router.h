// Which S3 operation a request is: routing as data. A row names the method,
// the level of the resource (service, bucket or object) and the query
// sub-resource that selects it; the first matching row wins, so rows with a
// sub-resource come before the plain row of the same method and level.
//
// Addressing: virtual-hosted style ("bucket.localhost:4566/key", for each
// configured base domain) or path style ("localhost:4566/bucket/key").
#ifndef AWSLAB_EMULATOR_ROUTER_S3_ROUTER_H_
#define AWSLAB_EMULATOR_ROUTER_S3_ROUTER_H_

#include <string>
#include <string_view>
#include <vector>

#include "emulator/protocol/http.h"

namespace awslab::router {

enum class S3Op {
  kListBuckets,
  kCreateBucket,
  kDeleteBucket,
  kHeadBucket,
  kGetBucketLocation,
  kListObjectsV2,
  kListObjects,
  kPutObject,
  kGetObject,
  kHeadObject,
  kDeleteObject,
  kDeleteObjects,
  kCopyObject,
  kGetObjectTagging,
  kPutObjectTagging,
  kDeleteObjectTagging,
  kGetBucketTagging,
  kPutBucketTagging,
  kDeleteBucketTagging,
  kCreateMultipartUpload,
  kUploadPart,
  kUploadPartCopy,
  kCompleteMultipartUpload,
  kAbortMultipartUpload,
  kListParts,
  kListMultipartUploads,
  // Access control (issue 4).
  kGetBucketAcl,
  kPutBucketAcl,
  kGetObjectAcl,
  kPutObjectAcl,
  kGetBucketPolicy,
  kPutBucketPolicy,
  kDeleteBucketPolicy,
  kGetBucketPolicyStatus,
  kGetPublicAccessBlock,
  kPutPublicAccessBlock,
  kDeletePublicAccessBlock,
  kGetBucketOwnershipControls,
  kPutBucketOwnershipControls,
  kDeleteBucketOwnershipControls,
  kGetBucketCors,
  kPutBucketCors,
  kDeleteBucketCors,
  // Website hosting and lifecycle (issue 12).
  kGetBucketWebsite,
  kPutBucketWebsite,
  kDeleteBucketWebsite,
  kGetBucketLifecycleConfiguration,
  kPutBucketLifecycleConfiguration,
  kDeleteBucketLifecycle,
  kGetBucketEncryption,
  kPutBucketEncryption,
  kDeleteBucketEncryption,
  // Versioning (issue 12).
  kGetBucketVersioning,
  kPutBucketVersioning,
  kListObjectVersions,
  // Object Lock (issue 12).
  kGetObjectLockConfiguration,
  kPutObjectLockConfiguration,
  kGetObjectRetention,
  kPutObjectRetention,
  kGetObjectLegalHold,
  kPutObjectLegalHold,
  // OPTIONS on a bucket or object: a CORS preflight.
  kPreflight,
  // POST on a bucket without a sub-resource: a browser form upload.
  kPostObject,
  // A known S3 operation this server does not implement yet: 501 NotImplemented.
  kNotImplemented,
  // No S3 operation has this method at this level: 405 MethodNotAllowed.
  kMethodNotAllowed,
};

std::string_view S3OpName(S3Op op);  // "PutObject"

struct S3Route {
  S3Op op = S3Op::kMethodNotAllowed;
  std::string bucket;  // empty at the service level
  std::string key;     // empty at the bucket level
  bool virtual_hosted = false;  // the Host header named the bucket
};

struct S3Addressing {
  // Base domains for virtual-hosted style: "localhost" makes
  // "bucket.localhost" name the bucket "bucket".
  std::vector<std::string> virtual_host_domains = {"localhost", "s3.localhost",
                                                   "s3.amazonaws.com"};
  // Base domains of the static website endpoint: "localhost" makes
  // "bucket.s3-website.localhost", "bucket.s3-website-us-east-1.localhost"
  // and "bucket.s3-website.us-east-1.localhost" the website of "bucket".
  std::vector<std::string> website_domains = {"localhost"};
};

S3Route RouteS3(const protocol::Request& request, const S3Addressing& addressing);

// The bucket whose website `host` (without its port) names, or "" when it is
// not a website endpoint's host name.
std::string WebsiteBucketOf(std::string_view host, const S3Addressing& addressing);

}  // namespace awslab::router

#endif  // AWSLAB_EMULATOR_ROUTER_S3_ROUTER_H_
