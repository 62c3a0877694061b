// The S3 API's Object Lock: Put/GetObjectLockConfiguration,
// Put/GetObjectRetention, Put/GetObjectLegalHold, and the x-amz-object-lock-*
// headers of writes and reads. The model is in
// emulator/s3/s3_store_object_lock.cc; rules and choices in
// docs/s3-versioning.md ("Object Lock").
#include <string>
#include <string_view>

#include "emulator/api/s3_internal.h"
#include "emulator/base/strings.h"
#include "emulator/protocol/object_lock_xml.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;

namespace {

// The version a ?retention or ?legal-hold request names, when the bucket has
// Object Lock; a delete marker is 405 MethodNotAllowed.
Result<s3::ObjectRecord> LockedVersion(S3Api& api, const Request& request,
                                       const auth::AuthResult& auth, const router::S3Route& route,
                                       const s3::Action& action) {
  auto version_id = VersionIdOf(request);
  if (!version_id) return version_id.error();
  const s3::Caller caller = CallerOf(request, auth);
  auto bucket = api.store().GetBucket(caller, route.bucket, action, route.key);
  if (!bucket) return bucket.error();
  if (!bucket->object_lock_enabled)
    return MakeError(ErrorCode::kInvalidRequest, "Bucket is missing Object Lock Configuration");
  auto object = api.store().GetObjectVersion(caller, route.bucket, route.key, *version_id, action);
  if (!object) return object.error();
  if (object->delete_marker) {
    if (version_id->empty()) {
      Error e = MakeError(ErrorCode::kNoSuchKey, {}, route.key);
      e.details.emplace_back("Key", route.key);
      return e;
    }
    Error e = MakeError(ErrorCode::kMethodNotAllowed);
    e.details.emplace_back("Method", request.raw.method);
    e.details.emplace_back("ResourceType", "DeleteMarker");
    return e;
  }
  return object;
}

}  // namespace

Status LockFromHeaders(const Request& request, s3::ObjectMetadata& meta) {
  const std::string* mode = request.Header("x-amz-object-lock-mode");
  const std::string* until = request.Header("x-amz-object-lock-retain-until-date");
  if (mode || until) {
    if (!mode || !until)
      return MakeError(ErrorCode::kInvalidArgument,
                       "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both "
                       "be supplied");
    auto m = protocol::ParseRetentionMode(*mode);
    if (!m) return MakeError(ErrorCode::kInvalidArgument, "Unknown wormMode directive.");
    auto t = protocol::ParseIso8601(*until);
    if (!t)
      return MakeError(ErrorCode::kInvalidArgument,
                       "The retain until date must be provided in ISO 8601 format");
    meta.lock_mode = *m;
    meta.retain_until = *t;
  }
  if (const std::string* hold = request.Header("x-amz-object-lock-legal-hold")) {
    if (*hold != "ON" && *hold != "OFF")
      return MakeError(ErrorCode::kInvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'");
    meta.legal_hold = *hold == "ON";
  }
  return Ok();
}

void AddObjectLockHeaders(Response& r, const s3::ObjectRecord& o) {
  if (o.meta.lock_mode != s3::RetentionMode::kNone) {
    r.SetHeader("x-amz-object-lock-mode", std::string(protocol::RetentionModeName(o.meta.lock_mode)));
    r.SetHeader("x-amz-object-lock-retain-until-date", FormatIso8601(o.meta.retain_until));
  }
  if (o.meta.legal_hold) r.SetHeader("x-amz-object-lock-legal-hold", "ON");
}

bool BypassGovernance(const Request& request) {
  const std::string* h = request.Header("x-amz-bypass-governance-retention");
  return h && IEquals(*h, "true");
}

// PUT /{bucket}?object-lock — PutObjectLockConfiguration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
std::unique_ptr<Exchange> PutObjectLockConfiguration(S3Api& api, const Request& request,
                                                     const auth::AuthResult& auth,
                                                     const router::S3Route& route) {
  auto exchange = PutXmlBody(
      request, protocol::ParseObjectLockConfiguration,
      [&api, &request, auth, route](std::optional<s3::DefaultRetention> rule) {
        return api.store().PutObjectLockConfiguration(CallerOf(request, auth), route.bucket, rule);
      });
  exchange->body_limit = 64 * 1024;
  return exchange;
}

// GET /{bucket}?object-lock — GetObjectLockConfiguration.
Response GetObjectLockConfiguration(S3Api& api, const Request& request,
                                    const auth::AuthResult& auth, const router::S3Route& route) {
  auto bucket = api.store().GetBucket(CallerOf(request, auth), route.bucket,
                                      s3::action::kGetBucketObjectLockConfiguration);
  if (!bucket) return S3Api::ErrorResponse(bucket.error(), request);
  if (!bucket->object_lock_enabled) {
    Error e = MakeError(ErrorCode::kObjectLockConfigurationNotFoundError);
    e.details.emplace_back("BucketName", route.bucket);
    return S3Api::ErrorResponse(e, request);
  }
  return Xml(200, protocol::ObjectLockConfigurationXml(bucket->default_retention));
}

// PUT /{bucket}/{key}?retention — PutObjectRetention.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
std::unique_ptr<Exchange> PutObjectRetention(S3Api& api, const Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route) {
  auto version_id = VersionIdOf(request);
  if (!version_id) return Fixed(S3Api::ErrorResponse(version_id.error(), request));
  auto exchange = PutXmlBody(
      request, protocol::ParseRetention,
      [&api, &request, auth, route, version_id = *version_id](protocol::Retention retention) {
        return api.store().PutObjectRetention(CallerOf(request, auth), route.bucket, route.key,
                                              version_id, retention.mode, retention.until,
                                              BypassGovernance(request));
      });
  exchange->body_limit = 64 * 1024;
  return exchange;
}

// GET /{bucket}/{key}?retention — GetObjectRetention.
Response GetObjectRetention(S3Api& api, const Request& request, const auth::AuthResult& auth,
                            const router::S3Route& route) {
  auto object = LockedVersion(api, request, auth, route, s3::action::kGetObjectRetention);
  if (!object) return S3Api::ErrorResponse(object.error(), request);
  if (object->meta.lock_mode == s3::RetentionMode::kNone)
    return S3Api::ErrorResponse(MakeError(ErrorCode::kNoSuchObjectLockConfiguration), request);
  return Xml(200, protocol::RetentionXml(object->meta.lock_mode, object->meta.retain_until));
}

// PUT /{bucket}/{key}?legal-hold — PutObjectLegalHold.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html
std::unique_ptr<Exchange> PutObjectLegalHold(S3Api& api, const Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route) {
  auto version_id = VersionIdOf(request);
  if (!version_id) return Fixed(S3Api::ErrorResponse(version_id.error(), request));
  auto exchange = PutXmlBody(
      request, protocol::ParseLegalHold,
      [&api, &request, auth, route, version_id = *version_id](bool on) {
        return api.store().PutObjectLegalHold(CallerOf(request, auth), route.bucket, route.key,
                                              version_id, on);
      });
  exchange->body_limit = 64 * 1024;
  return exchange;
}

// GET /{bucket}/{key}?legal-hold — GetObjectLegalHold.
Response GetObjectLegalHold(S3Api& api, const Request& request, const auth::AuthResult& auth,
                            const router::S3Route& route) {
  auto object = LockedVersion(api, request, auth, route, s3::action::kGetObjectLegalHold);
  if (!object) return S3Api::ErrorResponse(object.error(), request);
  return Xml(200, protocol::LegalHoldXml(object->meta.legal_hold));
}

}  // namespace awslab::api::internal
