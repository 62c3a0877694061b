// The S3 API's bucket versioning: Put/GetBucketVersioning,
// ListObjectVersions, and the versionId pieces the object operations share.
// The model is in emulator/s3/s3_store_versioning.cc; the rules and choices
// in docs/s3-versioning.md.
#include <string>
#include <string_view>

#include "emulator/api/s3_internal.h"
#include "emulator/protocol/versioning_xml.h"
#include "emulator/s3/versioning.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;

Result<std::string> VersionIdOf(const Request& request) {
  const std::string* v = request.Query("versionId");
  if (!v) return std::string();
  if (v->empty())
    return InvalidArgument("Version id cannot be the empty string", "versionId", *v);
  if (!s3::IsValidVersionId(*v))
    return InvalidArgument("Invalid version id specified", "versionId", *v);
  return *v;
}

void AddVersionHeader(Response& r, const s3::ObjectRecord& o) {
  if (o.bucket_versioning == s3::VersioningState::kUnset && o.version_id.empty()) return;
  r.SetHeader("x-amz-version-id", o.VersionIdOrNull());
}

Response DeleteMarkerError(const Error& error, const Request& request,
                           const s3::ObjectRecord& marker) {
  Response r = S3Api::ErrorResponse(error, request);
  r.SetHeader("x-amz-delete-marker", "true");
  r.SetHeader("x-amz-version-id", marker.VersionIdOrNull());
  return r;
}

// PUT /{bucket}?versioning — PutBucketVersioning: 200, empty body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
std::unique_ptr<Exchange> PutBucketVersioning(S3Api& api, const Request& request,
                                              const auth::AuthResult& auth,
                                              const router::S3Route& route) {
  // botocore: "requestChecksumRequired": true.
  auto exchange = PutXmlBody(request, protocol::ParseVersioningConfiguration,
                             [&api, &request, auth, route](s3::VersioningState state) {
                               return api.store().PutBucketVersioning(CallerOf(request, auth),
                                                                      route.bucket, state);
                             });
  exchange->body_limit = 64 * 1024;
  return exchange;
}

// GET /{bucket}?versioning — GetBucketVersioning.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
Response GetBucketVersioning(S3Api& api, const Request& request, const auth::AuthResult& auth,
                             const router::S3Route& route) {
  auto bucket = api.store().GetBucket(CallerOf(request, auth), route.bucket,
                                      s3::action::kGetBucketVersioning);
  if (!bucket) return S3Api::ErrorResponse(bucket.error(), request);
  return Xml(200, protocol::VersioningConfigurationXml(bucket->versioning));
}

// GET /{bucket}?versions — ListObjectVersions.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
Response ListObjectVersions(S3Api& api, const Request& request, const auth::AuthResult& auth,
                            const router::S3Route& route) {
  s3::ListVersionsRequest list;
  list.bucket = route.bucket;
  list.prefix = QueryValue(request, "prefix");
  list.delimiter = QueryValue(request, "delimiter");
  list.key_marker = QueryValue(request, "key-marker");
  list.version_id_marker = QueryValue(request, "version-id-marker");
  auto max_keys = MaxValue(request, "max-keys", s3::kMaxListKeys);
  if (!max_keys) return S3Api::ErrorResponse(max_keys.error(), request);
  list.max_keys = *max_keys;
  auto url_encode = UrlEncoding(request);
  if (!url_encode) return S3Api::ErrorResponse(url_encode.error(), request);
  if (request.HasQuery("version-id-marker")) {
    // "A version-id marker cannot be specified without a key marker."
    if (list.key_marker.empty())
      return S3Api::ErrorResponse(
          InvalidArgument("A version-id marker cannot be specified without a key marker.",
                          "version-id-marker", list.version_id_marker),
          request);
    if (list.version_id_marker.empty())
      return S3Api::ErrorResponse(
          InvalidArgument("A version-id marker cannot be empty.", "version-id-marker", ""),
          request);
    if (!s3::IsValidVersionId(list.version_id_marker))
      return S3Api::ErrorResponse(InvalidArgument("Invalid version id specified",
                                                  "version-id-marker", list.version_id_marker),
                                  request);
  }
  auto result = api.store().ListObjectVersions(CallerOf(request, auth), list);
  if (!result) return S3Api::ErrorResponse(result.error(), request);
  protocol::ListVersionsPage page;
  page.bucket = route.bucket;
  page.prefix = list.prefix;
  page.delimiter = list.delimiter;
  page.key_marker = list.key_marker;
  page.version_id_marker = list.version_id_marker;
  page.max_keys = list.max_keys;
  page.url_encode = *url_encode;
  page.result = &*result;
  page.owner_ctx = const_cast<auth::AccountStore*>(&api.accounts());
  page.owner_of = OwnerFromCtx;
  return Xml(200, protocol::ListVersionsResultXml(page));
}

}  // namespace awslab::api::internal
