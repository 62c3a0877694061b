// The S3 API's lifecycle configuration: PutBucketLifecycleConfiguration,
// GetBucketLifecycleConfiguration and DeleteBucketLifecycle. The rules are in
// emulator/s3/lifecycle.h; S3Store::ApplyLifecycle applies them.
#include <string>

#include "emulator/api/s3_internal.h"
#include "emulator/protocol/lifecycle_xml.h"
#include "emulator/s3/lifecycle.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;

// PUT /{bucket}?lifecycle — PutBucketLifecycleConfiguration: 200, empty body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
std::unique_ptr<Exchange> PutBucketLifecycle(S3Api& api, const Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route) {
  return PutXmlBody(request, protocol::ParseLifecycleConfiguration,
                    [&api, &request, auth, route](s3::LifecycleConfiguration config) {
                      return api.store().PutBucketLifecycle(CallerOf(request, auth),
                                                            route.bucket, std::move(config));
                    });
}

// GET /{bucket}?lifecycle — GetBucketLifecycleConfiguration;
// NoSuchLifecycleConfiguration when none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
Response GetBucketLifecycle(S3Api& api, const Request& request, const auth::AuthResult& auth,
                            const router::S3Route& route) {
  auto config = api.store().GetBucketLifecycle(CallerOf(request, auth), route.bucket);
  if (!config) return S3Api::ErrorResponse(config.error(), request);
  return Xml(200, protocol::LifecycleConfigurationXml(*config));
}

// DELETE /{bucket}?lifecycle — DeleteBucketLifecycle: 204, also when none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
Response DeleteBucketLifecycle(S3Api& api, const Request& request, const auth::AuthResult& auth,
                               const router::S3Route& route) {
  return EmptyOrError(
      api.store().PutBucketLifecycle(CallerOf(request, auth), route.bucket, std::nullopt), 204,
      request);
}

}  // namespace awslab::api::internal
