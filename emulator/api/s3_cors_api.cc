// The S3 API's CORS: the bucket's configuration (PutBucketCors, GetBucketCors,
// DeleteBucketCors), preflight OPTIONS requests, and the CORS headers of
// every other response. The rules themselves are in emulator/s3/cors.h.
#include <optional>
#include <string>
#include <string_view>

#include "client/include/awslab/crypto.h"
#include "emulator/api/s3_internal.h"
#include "emulator/auth/checksum.h"
#include "emulator/protocol/cors_xml.h"
#include "emulator/s3/cors.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;

namespace {

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) {
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::optional<std::string_view> HeaderValue(const Request& request, std::string_view name) {
  const std::string* v = request.Header(name);
  if (!v) return std::nullopt;
  return std::string_view(*v);
}

// A grant as headers, in the order S3 sends them.
ResponseHeaders HeadersOf(const s3::CorsGrant& grant) {
  ResponseHeaders h;
  h.emplace_back("Access-Control-Allow-Origin", grant.allow_origin);
  h.emplace_back("Access-Control-Allow-Methods", Join(grant.allow_methods));
  if (!grant.allow_headers.empty())
    h.emplace_back("Access-Control-Allow-Headers", Join(grant.allow_headers));
  if (!grant.expose_headers.empty())
    h.emplace_back("Access-Control-Expose-Headers", Join(grant.expose_headers));
  if (grant.max_age_seconds)
    h.emplace_back("Access-Control-Max-Age", std::to_string(*grant.max_age_seconds));
  if (grant.allow_credentials) h.emplace_back("Access-Control-Allow-Credentials", "true");
  // The answer depends on these request headers: a cache must not give it
  // to a request with other values.
  h.emplace_back("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method");
  return h;
}

void AddHeaders(Response& response, const ResponseHeaders& headers) {
  for (const auto& [name, value] : headers) response.SetHeader(name, value);
}

// Adds headers to an exchange's answer, early or final.
class HeadersExchange final : public Exchange {
 public:
  HeadersExchange(std::unique_ptr<Exchange> inner, ResponseHeaders headers)
      : inner_(std::move(inner)), headers_(std::move(headers)) {
    body_limit = inner_->body_limit;
    if (inner_->early) {
      early = std::move(inner_->early);
      inner_->early.reset();
      AddHeaders(*early, headers_);
    }
  }
  bool OnBody(std::string_view data) override { return inner_->OnBody(data); }
  Response Finish(bool complete) override {
    if (early) return std::move(*early);
    Response r = inner_->Finish(complete);
    AddHeaders(r, headers_);
    return r;
  }

 private:
  std::unique_ptr<Exchange> inner_;
  ResponseHeaders headers_;
};

}  // namespace


// PUT /{bucket}?cors — PutBucketCors: 200 with an empty body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
std::unique_ptr<Exchange> PutBucketCors(S3Api& api, const Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route) {
  auto exchange = PutXmlBody(request, protocol::ParseCorsConfiguration,
                             [&api, &request, auth, route](s3::CorsConfiguration cors) {
                               return api.store().PutBucketCors(CallerOf(request, auth),
                                                                route.bucket, std::move(cors));
                             });
  // "The document is limited to 64 KB in size."
  exchange->body_limit = s3::kMaxCorsDocumentBytes;
  return exchange;
}

// GET /{bucket}?cors — GetBucketCors; NoSuchCORSConfiguration when none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html
Response GetBucketCors(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route) {
  auto cors = api.store().GetBucketCors(CallerOf(request, auth), route.bucket);
  if (!cors) return S3Api::ErrorResponse(cors.error(), request);
  return Xml(200, protocol::CorsConfigurationXml(*cors));
}

// DELETE /{bucket}?cors — DeleteBucketCors: 204, also when there was none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html
Response DeleteBucketCors(S3Api& api, const Request& request, const auth::AuthResult& auth,
                          const router::S3Route& route) {
  return EmptyOrError(api.store().DeleteBucketCors(CallerOf(request, auth), route.bucket), 204,
                      request);
}

// OPTIONS /{bucket}[/{key}] — a CORS preflight.
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
// No signature is checked: a browser sends a preflight without credentials,
// and to a presigned URL's address, whose signature is for another method.
Response Preflight(S3Api& api, const Request& request, const router::S3Route& route) {
  s3::PreflightRequest preflight;
  preflight.origin = HeaderValue(request, "origin");
  preflight.method = HeaderValue(request, "access-control-request-method");
  preflight.request_headers = HeaderValue(request, "access-control-request-headers");
  preflight.object = !route.key.empty();
  auto cors = api.store().CorsForEvaluation(route.bucket);
  if (!cors && cors.error().code != ErrorCode::kNoSuchBucket)
    return S3Api::ErrorResponse(cors.error(), request);
  const s3::CorsConfiguration* config = cors && *cors ? &**cors : nullptr;
  auto grant = s3::EvaluatePreflight(cors.has_value(), config, preflight);
  if (!grant) return S3Api::ErrorResponse(grant.error(), request);
  Response r = Empty(200);
  AddHeaders(r, HeadersOf(*grant));
  return r;
}

ResponseHeaders CorsHeadersFor(S3Api& api, const Request& request) {
  // "If the header is missing, Amazon S3 doesn't treat the request as a
  // cross-origin request, and doesn't send CORS response headers."
  const std::string* origin = request.Header("origin");
  if (!origin || origin->empty()) return {};
  router::S3Route route = router::RouteS3(request, api.options().addressing);
  if (route.bucket.empty() || route.op == router::S3Op::kPreflight) return {};
  auto cors = api.store().CorsForEvaluation(route.bucket);
  if (!cors || !*cors) return {};
  // S3 matches a request's Access-Control-Request-Method, when it sends
  // one, in place of its method.
  const std::string* asked = request.Header("access-control-request-method");
  auto grant = s3::EvaluateActualRequest(**cors, *origin, asked ? *asked : request.raw.method);
  if (!grant) return {};
  return HeadersOf(*grant);
}

std::unique_ptr<Exchange> WithHeaders(std::unique_ptr<Exchange> exchange,
                                      ResponseHeaders headers) {
  if (headers.empty()) return exchange;
  return std::make_unique<HeadersExchange>(std::move(exchange), std::move(headers));
}

}  // namespace awslab::api::internal
