#include "emulator/router/s3_router.h"
#include "emulator/base/strings.h"

#include <array>

namespace awslab::router {
namespace {

enum class Level { kService, kBucket, kObject };

struct Row {
  std::string_view method;
  Level level;
  std::string_view subresource;  // "" matches any request at that level
  S3Op op;
  // A header that must be present too ("" for none).
  std::string_view header = {};
};

// Sub-resources of S3 this server does not implement yet: a request naming
// one must not fall through to the plain operation (a PUT ?acl is not a
// PutObject). https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html
// Rows below come first: a sub-resource in this list is NotImplemented only
// when no row handles the request.
constexpr std::array<std::string_view, 13> kUnimplementedSubresources = {
    "accelerate", "analytics",    "attributes",  
    "intelligent-tiering", "inventory",
    "logging",    "metrics",      "notification",
    "replication", "requestPayment", "restore", "select",
    "torrent"};

// Sub-resources that select an operation of their own: a request naming one
// never falls through to a plain row (DELETE ?acl is not DeleteBucket).
constexpr std::string_view kSelectingSubresources[] = {
    "acl", "cors", "delete", "encryption", "location", "ownershipControls", "policy", "policyStatus",
    "publicAccessBlock", "tagging", "uploadId", "uploads",
    "website", "lifecycle", "versioning", "versions",
    "object-lock", "retention", "legal-hold"};

constexpr Row kRows[] = {
    {"GET", Level::kService, "", S3Op::kListBuckets},
    {"GET", Level::kBucket, "acl", S3Op::kGetBucketAcl},
    {"PUT", Level::kBucket, "acl", S3Op::kPutBucketAcl},
    {"GET", Level::kObject, "acl", S3Op::kGetObjectAcl},
    {"PUT", Level::kObject, "acl", S3Op::kPutObjectAcl},
    {"GET", Level::kBucket, "policyStatus", S3Op::kGetBucketPolicyStatus},
    {"GET", Level::kBucket, "policy", S3Op::kGetBucketPolicy},
    {"PUT", Level::kBucket, "policy", S3Op::kPutBucketPolicy},
    {"DELETE", Level::kBucket, "policy", S3Op::kDeleteBucketPolicy},
    {"GET", Level::kBucket, "publicAccessBlock", S3Op::kGetPublicAccessBlock},
    {"PUT", Level::kBucket, "publicAccessBlock", S3Op::kPutPublicAccessBlock},
    {"DELETE", Level::kBucket, "publicAccessBlock", S3Op::kDeletePublicAccessBlock},
    {"GET", Level::kBucket, "ownershipControls", S3Op::kGetBucketOwnershipControls},
    {"PUT", Level::kBucket, "ownershipControls", S3Op::kPutBucketOwnershipControls},
    {"DELETE", Level::kBucket, "ownershipControls", S3Op::kDeleteBucketOwnershipControls},
    {"GET", Level::kBucket, "cors", S3Op::kGetBucketCors},
    {"PUT", Level::kBucket, "cors", S3Op::kPutBucketCors},
    {"DELETE", Level::kBucket, "cors", S3Op::kDeleteBucketCors},
    {"GET", Level::kBucket, "website", S3Op::kGetBucketWebsite},
    {"PUT", Level::kBucket, "website", S3Op::kPutBucketWebsite},
    {"DELETE", Level::kBucket, "website", S3Op::kDeleteBucketWebsite},
    {"GET", Level::kBucket, "lifecycle", S3Op::kGetBucketLifecycleConfiguration},
    {"PUT", Level::kBucket, "lifecycle", S3Op::kPutBucketLifecycleConfiguration},
    {"DELETE", Level::kBucket, "lifecycle", S3Op::kDeleteBucketLifecycle},
    {"GET", Level::kBucket, "encryption", S3Op::kGetBucketEncryption},
    {"PUT", Level::kBucket, "encryption", S3Op::kPutBucketEncryption},
    {"DELETE", Level::kBucket, "encryption", S3Op::kDeleteBucketEncryption},
    {"OPTIONS", Level::kBucket, "", S3Op::kPreflight},
    {"OPTIONS", Level::kObject, "", S3Op::kPreflight},
    {"GET", Level::kBucket, "tagging", S3Op::kGetBucketTagging},
    {"PUT", Level::kBucket, "tagging", S3Op::kPutBucketTagging},
    {"DELETE", Level::kBucket, "tagging", S3Op::kDeleteBucketTagging},
    {"GET", Level::kBucket, "uploads", S3Op::kListMultipartUploads},
    {"GET", Level::kBucket, "versioning", S3Op::kGetBucketVersioning},
    {"PUT", Level::kBucket, "versioning", S3Op::kPutBucketVersioning},
    {"GET", Level::kBucket, "versions", S3Op::kListObjectVersions},
    {"GET", Level::kBucket, "object-lock", S3Op::kGetObjectLockConfiguration},
    {"PUT", Level::kBucket, "object-lock", S3Op::kPutObjectLockConfiguration},
    {"GET", Level::kObject, "retention", S3Op::kGetObjectRetention},
    {"PUT", Level::kObject, "retention", S3Op::kPutObjectRetention},
    {"GET", Level::kObject, "legal-hold", S3Op::kGetObjectLegalHold},
    {"PUT", Level::kObject, "legal-hold", S3Op::kPutObjectLegalHold},
    {"POST", Level::kBucket, "delete", S3Op::kDeleteObjects},
    {"POST", Level::kBucket, "", S3Op::kPostObject},
    {"PUT", Level::kBucket, "", S3Op::kCreateBucket},
    {"DELETE", Level::kBucket, "", S3Op::kDeleteBucket},
    {"HEAD", Level::kBucket, "", S3Op::kHeadBucket},
    {"GET", Level::kBucket, "location", S3Op::kGetBucketLocation},
    {"GET", Level::kBucket, "list-type", S3Op::kListObjectsV2},
    {"GET", Level::kBucket, "", S3Op::kListObjects},
    {"GET", Level::kObject, "tagging", S3Op::kGetObjectTagging},
    {"PUT", Level::kObject, "tagging", S3Op::kPutObjectTagging},
    {"DELETE", Level::kObject, "tagging", S3Op::kDeleteObjectTagging},
    {"POST", Level::kObject, "uploads", S3Op::kCreateMultipartUpload},
    {"PUT", Level::kObject, "uploadId", S3Op::kUploadPartCopy, "x-amz-copy-source"},
    {"PUT", Level::kObject, "uploadId", S3Op::kUploadPart},
    {"POST", Level::kObject, "uploadId", S3Op::kCompleteMultipartUpload},
    {"DELETE", Level::kObject, "uploadId", S3Op::kAbortMultipartUpload},
    {"GET", Level::kObject, "uploadId", S3Op::kListParts},
    {"PUT", Level::kObject, "", S3Op::kCopyObject, "x-amz-copy-source"},
    {"PUT", Level::kObject, "", S3Op::kPutObject},
    {"GET", Level::kObject, "", S3Op::kGetObject},
    {"HEAD", Level::kObject, "", S3Op::kHeadObject},
    {"DELETE", Level::kObject, "", S3Op::kDeleteObject},
};


}  // namespace

std::string_view S3OpName(S3Op op) {
  switch (op) {
    case S3Op::kListBuckets: return "ListBuckets";
    case S3Op::kCreateBucket: return "CreateBucket";
    case S3Op::kDeleteBucket: return "DeleteBucket";
    case S3Op::kHeadBucket: return "HeadBucket";
    case S3Op::kGetBucketLocation: return "GetBucketLocation";
    case S3Op::kListObjectsV2: return "ListObjectsV2";
    case S3Op::kListObjects: return "ListObjects";
    case S3Op::kPutObject: return "PutObject";
    case S3Op::kGetObject: return "GetObject";
    case S3Op::kHeadObject: return "HeadObject";
    case S3Op::kDeleteObject: return "DeleteObject";
    case S3Op::kDeleteObjects: return "DeleteObjects";
    case S3Op::kCopyObject: return "CopyObject";
    case S3Op::kGetObjectTagging: return "GetObjectTagging";
    case S3Op::kPutObjectTagging: return "PutObjectTagging";
    case S3Op::kDeleteObjectTagging: return "DeleteObjectTagging";
    case S3Op::kGetBucketTagging: return "GetBucketTagging";
    case S3Op::kPutBucketTagging: return "PutBucketTagging";
    case S3Op::kDeleteBucketTagging: return "DeleteBucketTagging";
    case S3Op::kCreateMultipartUpload: return "CreateMultipartUpload";
    case S3Op::kUploadPart: return "UploadPart";
    case S3Op::kUploadPartCopy: return "UploadPartCopy";
    case S3Op::kCompleteMultipartUpload: return "CompleteMultipartUpload";
    case S3Op::kAbortMultipartUpload: return "AbortMultipartUpload";
    case S3Op::kListParts: return "ListParts";
    case S3Op::kListMultipartUploads: return "ListMultipartUploads";
    case S3Op::kGetBucketAcl: return "GetBucketAcl";
    case S3Op::kPutBucketAcl: return "PutBucketAcl";
    case S3Op::kGetObjectAcl: return "GetObjectAcl";
    case S3Op::kPutObjectAcl: return "PutObjectAcl";
    case S3Op::kGetBucketPolicy: return "GetBucketPolicy";
    case S3Op::kPutBucketPolicy: return "PutBucketPolicy";
    case S3Op::kDeleteBucketPolicy: return "DeleteBucketPolicy";
    case S3Op::kGetBucketPolicyStatus: return "GetBucketPolicyStatus";
    case S3Op::kGetPublicAccessBlock: return "GetPublicAccessBlock";
    case S3Op::kPutPublicAccessBlock: return "PutPublicAccessBlock";
    case S3Op::kDeletePublicAccessBlock: return "DeletePublicAccessBlock";
    case S3Op::kGetBucketOwnershipControls: return "GetBucketOwnershipControls";
    case S3Op::kPutBucketOwnershipControls: return "PutBucketOwnershipControls";
    case S3Op::kDeleteBucketOwnershipControls: return "DeleteBucketOwnershipControls";
    case S3Op::kGetBucketCors: return "GetBucketCors";
    case S3Op::kPutBucketCors: return "PutBucketCors";
    case S3Op::kDeleteBucketCors: return "DeleteBucketCors";
    case S3Op::kGetBucketWebsite: return "GetBucketWebsite";
    case S3Op::kPutBucketWebsite: return "PutBucketWebsite";
    case S3Op::kDeleteBucketWebsite: return "DeleteBucketWebsite";
    case S3Op::kGetBucketLifecycleConfiguration: return "GetBucketLifecycleConfiguration";
    case S3Op::kPutBucketLifecycleConfiguration: return "PutBucketLifecycleConfiguration";
    case S3Op::kDeleteBucketLifecycle: return "DeleteBucketLifecycle";
    case S3Op::kGetBucketEncryption: return "GetBucketEncryption";
    case S3Op::kPutBucketEncryption: return "PutBucketEncryption";
    case S3Op::kDeleteBucketEncryption: return "DeleteBucketEncryption";
    case S3Op::kGetBucketVersioning: return "GetBucketVersioning";
    case S3Op::kPutBucketVersioning: return "PutBucketVersioning";
    case S3Op::kListObjectVersions: return "ListObjectVersions";
    case S3Op::kGetObjectLockConfiguration: return "GetObjectLockConfiguration";
    case S3Op::kPutObjectLockConfiguration: return "PutObjectLockConfiguration";
    case S3Op::kGetObjectRetention: return "GetObjectRetention";
    case S3Op::kPutObjectRetention: return "PutObjectRetention";
    case S3Op::kGetObjectLegalHold: return "GetObjectLegalHold";
    case S3Op::kPutObjectLegalHold: return "PutObjectLegalHold";
    case S3Op::kPreflight: return "PreflightRequest";
    case S3Op::kPostObject: return "PostObject";
    case S3Op::kNotImplemented: return "NotImplemented";
    case S3Op::kMethodNotAllowed: return "MethodNotAllowed";
  }
  return "Unknown";
}

S3Route RouteS3(const protocol::Request& request, const S3Addressing& addressing) {
  S3Route route;
  std::string_view path = request.path;
  if (path.starts_with('/')) path.remove_prefix(1);

  // Virtual-hosted style: the longest base domain that the host ends with.
  std::string_view host = request.host;
  std::string_view vhost_bucket;
  std::size_t best = 0;
  for (const auto& domain : addressing.virtual_host_domains) {
    if (host.size() > domain.size() + 1 && domain.size() > best && IEndsWith(host, domain) &&
        host[host.size() - domain.size() - 1] == '.') {
      vhost_bucket = host.substr(0, host.size() - domain.size() - 1);
      best = domain.size();
    }
  }
  if (!vhost_bucket.empty()) {
    route.bucket = vhost_bucket;
    route.key = path;
    route.virtual_hosted = true;
  } else {
    std::size_t slash = path.find('/');
    route.bucket = path.substr(0, slash);
    if (slash != std::string_view::npos) route.key = path.substr(slash + 1);
  }
  Level level = route.bucket.empty() ? Level::kService
                : route.key.empty()  ? Level::kBucket
                                     : Level::kObject;

  for (auto sub : kUnimplementedSubresources) {
    if (request.HasQuery(sub)) {
      route.op = S3Op::kNotImplemented;
      return route;
    }
  }
  bool selecting = false;
  for (auto sub : kSelectingSubresources) selecting = selecting || request.HasQuery(sub);
  for (const Row& row : kRows) {
    if (row.method != request.raw.method || row.level != level) continue;
    if (!row.subresource.empty() && !request.HasQuery(row.subresource)) continue;
    if (row.subresource.empty() && selecting) continue;
    if (!row.header.empty() && !request.Header(row.header)) continue;
    route.op = row.op;
    return route;
  }
  // POST is used by S3 for multipart, DeleteObjects and form uploads.
  route.op = request.raw.method == "POST" ? S3Op::kNotImplemented : S3Op::kMethodNotAllowed;
  return route;
}

std::string WebsiteBucketOf(std::string_view host, const S3Addressing& addressing) {
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html:
  // "s3-website dash (-) Region" and "s3-website dot (.) Region".
  for (const auto& domain : addressing.website_domains) {
    if (host.size() <= domain.size() + 1 || !IEndsWith(host, domain) ||
        host[host.size() - domain.size() - 1] != '.')
      continue;
    std::string_view rest = host.substr(0, host.size() - domain.size() - 1);
    std::size_t dot = rest.rfind('.');
    if (dot == std::string_view::npos) continue;
    std::string_view label = rest.substr(dot + 1);
    std::string_view before = rest.substr(0, dot);
    if (IEquals(label, "s3-website") || IStartsWith(label, "s3-website-")) {
      if (!before.empty() && !(IStartsWith(label, "s3-website-") && label.size() == 11))
        return std::string(before);
      continue;
    }
    // BUCKET.s3-website.REGION: `label` is the region.
    std::size_t dot2 = before.rfind('.');
    if (dot2 == std::string_view::npos || dot2 == 0) continue;
    if (IEquals(before.substr(dot2 + 1), "s3-website")) return std::string(before.substr(0, dot2));
  }
  return {};
}

}  // namespace awslab::router
