// The S3 API's static website hosting: the bucket's configuration
// (PutBucketWebsite, GetBucketWebsite, DeleteBucketWebsite) and the website
// endpoint (BUCKET.s3-website.localhost), which serves a bucket's objects to
// anonymous GET and HEAD requests with HTML errors, index and error
// documents and redirects. The rules themselves are in emulator/s3/website.h.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteEndpoints.html
#include <string>
#include <string_view>

#include "emulator/api/s3_internal.h"
#include "emulator/base/strings.h"
#include "emulator/protocol/website_xml.h"
#include "emulator/s3/website.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;

// PUT /{bucket}?website — PutBucketWebsite: 200 with an empty body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
std::unique_ptr<Exchange> PutBucketWebsite(S3Api& api, const Request& request,
                                           const auth::AuthResult& auth,
                                           const router::S3Route& route) {
  return PutXmlBody(request, protocol::ParseWebsiteConfiguration,
                    [&api, &request, auth, route](s3::WebsiteConfiguration config) {
                      return api.store().PutBucketWebsite(CallerOf(request, auth), route.bucket,
                                                          std::move(config));
                    });
}

// GET /{bucket}?website — GetBucketWebsite; NoSuchWebsiteConfiguration when none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketWebsite.html
Response GetBucketWebsite(S3Api& api, const Request& request, const auth::AuthResult& auth,
                          const router::S3Route& route) {
  auto config = api.store().GetBucketWebsite(CallerOf(request, auth), route.bucket);
  if (!config) return S3Api::ErrorResponse(config.error(), request);
  return Xml(200, protocol::WebsiteConfigurationXml(*config));
}

// DELETE /{bucket}?website — DeleteBucketWebsite: 204, also when there was none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketWebsite.html
Response DeleteBucketWebsite(S3Api& api, const Request& request, const auth::AuthResult& auth,
                             const router::S3Route& route) {
  return EmptyOrError(
      api.store().PutBucketWebsite(CallerOf(request, auth), route.bucket, std::nullopt), 204,
      request);
}

namespace {

// One request to the website endpoint.
class WebsiteRequest {
 public:
  WebsiteRequest(S3Api& api, const Request& request, std::string bucket)
      : api_(api), request_(request), bucket_(std::move(bucket)) {}

  Response Serve() {
    const std::string& method = request_.raw.method;
    const bool head = method == "HEAD";
    // "Supports only GET and HEAD requests on objects."
    if (method != "GET" && !head) {
      Error e = MakeError(ErrorCode::kMethodNotAllowed);
      e.details.emplace_back("Method", method);
      e.details.emplace_back("ResourceType", "OBJECT");
      return Html(405, e, nullptr);
    }
    auto config = api_.store().WebsiteForServing(bucket_);
    if (!config) {
      Error e = config.error();
      if (e.code == ErrorCode::kNoSuchBucket) {
        e = MakeError(ErrorCode::kNoSuchBucket, "The specified bucket does not exist");
        e.details.emplace_back("BucketName", bucket_);
      }
      return Html(Describe(e.code).http_status, e, nullptr);
    }
    // Billed to the bucket's owner as a GET.
    api_.Meter(bucket_, billing::RequestTier::kTier2, 0);
    if (!*config) {
      Error e = MakeError(ErrorCode::kNoSuchWebsiteConfiguration);
      e.details.emplace_back("BucketName", bucket_);
      return Html(404, e, nullptr);
    }
    const s3::WebsiteConfiguration& site = **config;
    std::string key = request_.path.size() > 1 ? request_.path.substr(1) : std::string();

    // "RedirectAllRequestsTo: Redirect behavior for every request to this
    // bucket's website endpoint", keeping the path.
    if (site.redirect_all) {
      std::string location = site.redirect_all->protocol.value_or("http") + "://" +
                             site.redirect_all->host_name + request_.raw.path;
      return Redirect(301, location);
    }
    // Routing rules without an error condition apply before the lookup.
    if (const s3::RoutingRule* rule = s3::MatchRoutingRule(site, key, 0))
      return Redirect(s3::RoutingRuleStatus(*rule), s3::RoutingRuleLocation(*rule, key, Host()));

    // "/" and "dir/" name the index document of that folder.
    std::string object_key = key;
    if (object_key.empty() || object_key.ends_with('/')) object_key += *site.index_suffix;

    auto object = api_.store().GetObject(Anonymous(), bucket_, object_key);
    if (object) {
      // An object's x-amz-website-redirect-location: "Amazon S3 redirects
      // the request to the location specified" with a 301.
      if (!object->meta.website_redirect_location.empty())
        return Redirect(301, object->meta.website_redirect_location);
      router::S3Route route;
      route.op = head ? router::S3Op::kHeadObject : router::S3Op::kGetObject;
      route.bucket = bucket_;
      route.key = object_key;
      return GetObjectResponse(api_, request_, auth::AuthResult{}, route, head);
    }
    Error error = object.error();
    // "If the object is not found, Amazon S3 determines that the request is
    // for subfolder x and redirects the request by adding a slash at the
    // end, and returns 302 Found", when that folder has an index document.
    if (!key.empty() && !key.ends_with('/') &&
        (error.code == ErrorCode::kNoSuchKey || error.code == ErrorCode::kAccessDenied)) {
      if (api_.store().GetObject(Anonymous(), bucket_, key + "/" + *site.index_suffix))
        return Redirect(302, request_.raw.path + "/");
    }
    return ServeError(site, key, object_key, std::move(error), head);
  }

 private:
  s3::Caller Anonymous() const { return CallerOf(request_, auth::AuthResult{}); }

  // The Host header as sent (with its port), for redirects to this endpoint.
  std::string Host() const {
    const std::string* h = request_.Header("host");
    return h ? *h : request_.host;
  }

  Response Redirect(int status, std::string location) {
    Response r = Empty(status);
    r.SetHeader("Location", std::move(location));
    return r;
  }

  Response Html(int status, const Error& error, const Error* error_document_error) {
    Response r = Empty(status);
    r.SetHeader("Content-Type", "text/html; charset=utf-8");
    std::string body = protocol::WebsiteErrorHtml(status, error, request_.request_id,
                                                  request_.host_id, error_document_error);
    if (request_.raw.method == "HEAD") r.head_content_length = body.size();
    else r.body = std::move(body);
    return r;
  }

  Response ServeError(const s3::WebsiteConfiguration& site, const std::string& key,
                      const std::string& object_key, Error error, bool head) {
    const int status = Describe(error.code).http_status;
    if (error.code == ErrorCode::kNoSuchKey) {
      error = MakeError(ErrorCode::kNoSuchKey);
      error.details.emplace_back("Key", object_key);
    } else if (error.code == ErrorCode::kAccessDenied) {
      error = MakeError(ErrorCode::kAccessDenied);
    }
    // Routing rules with HttpErrorCodeReturnedEquals apply to the error.
    if (const s3::RoutingRule* rule = s3::MatchRoutingRule(site, key, status))
      return Redirect(s3::RoutingRuleStatus(*rule), s3::RoutingRuleLocation(*rule, key, Host()));
    if (!site.error_key) return Html(status, error, nullptr);
    // "Amazon S3 returns that document" with the error's status code.
    auto document = api_.store().GetObject(Anonymous(), bucket_, *site.error_key);
    if (!document) {
      Error why = document.error();
      if (why.code == ErrorCode::kNoSuchKey) {
        why = MakeError(ErrorCode::kNoSuchKey);
        why.details.emplace_back("Key", *site.error_key);
      } else if (why.code == ErrorCode::kAccessDenied) {
        why = MakeError(ErrorCode::kAccessDenied);
      }
      return Html(status, error, &why);
    }
    // The document whole: the request's Range and conditions were for the
    // key it asked for.
    Request plain = request_;
    std::erase_if(plain.raw.headers, [](const auto& h) {
      return IEquals(h.name, "range") || IStartsWith(h.name, "if-");
    });
    router::S3Route route;
    route.op = head ? router::S3Op::kHeadObject : router::S3Op::kGetObject;
    route.bucket = bucket_;
    route.key = *site.error_key;
    Response r = GetObjectResponse(api_, plain, auth::AuthResult{}, route, head);
    if (r.status == 200) r.status = status;
    return r;
  }

  S3Api& api_;
  const Request& request_;
  std::string bucket_;
};

}  // namespace

Response ServeWebsite(S3Api& api, const Request& request, const std::string& bucket) {
  return WebsiteRequest(api, request, bucket).Serve();
}

}  // namespace awslab::api::internal
