#include "client/include/awslab/service.h"

#include <boost/json.hpp>
#include <pugixml.hpp>
#include <thread>

#include "client/include/awslab/crypto.h"

namespace awslab::client {

namespace {

thread_local int g_last_attempts = 0;

std::string Text(const pugi::xml_node& n) { return n.text().as_string(); }

std::string StatusCode(int status) {
  switch (status) {
    case 301: return "PermanentRedirect";
    case 304: return "NotModified";
    case 400: return "BadRequest";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 409: return "Conflict";
    case 411: return "MissingContentLength";
    case 412: return "PreconditionFailed";
    case 416: return "InvalidRange";
    case 500: return "InternalError";
    case 501: return "NotImplemented";
    case 503: return "ServiceUnavailable";
    default: return std::to_string(status);
  }
}

// The request of a call before signing: its own headers after Host.
sigv4::HttpRequest Unsigned(const Call& call) {
  sigv4::HttpRequest request;
  request.method = call.method;
  request.path = call.path;
  request.query = call.query;
  request.headers.push_back({"Host", call.origin.HostHeader()});
  for (const sigv4::Header& h : call.headers) request.headers.push_back(h);
  return request;
}

}  // namespace

std::string UserAgent() { return "awslab/0.1.0 libawslab"; }

bool IsThrottlingCode(std::string_view code) {
  for (std::string_view c :
       {"Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
        "TooManyRequestsException", "ProvisionedThroughputExceededException",
        "TransactionInProgressException", "RequestLimitExceeded", "BandwidthLimitExceeded",
        "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException"})
    if (code == c) return true;
  return false;
}

bool IsTransientCode(std::string_view code) {
  for (std::string_view c : {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
                             "InternalError"})
    if (code == c) return true;
  return false;
}

Error ErrorFromResponse(const HttpResponse& response) {
  Error e;
  e.http_status = response.status;
  if (const std::string* id = response.Header("x-amz-request-id")) e.request_id = *id;
  else if (const std::string* id = response.Header("x-amzn-RequestId")) e.request_id = *id;
  if (const std::string* id = response.Header("x-amz-id-2")) e.host_id = *id;
  const std::string& body = response.body;
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first != body.npos && body[first] == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size())) {
      pugi::xml_node error = doc.child("Error");  // S3
      pugi::xml_node root = doc.document_element();
      if (!error) error = root.child("Errors").child("Error");  // EC2: <Response><Errors><Error>
      if (!error) error = root.child("Error");                   // IAM-style <ErrorResponse><Error>
      if (error) {
        e.code = Text(error.child("Code"));
        e.message = Text(error.child("Message"));
        if (e.request_id.empty()) e.request_id = Text(error.child("RequestId"));
        if (e.host_id.empty()) e.host_id = Text(error.child("HostId"));
      }
      if (e.request_id.empty()) e.request_id = Text(root.child("RequestID"));
      if (e.request_id.empty()) e.request_id = Text(root.child("RequestId"));
    }
  } else if (first != body.npos && body[first] == '{') {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(body, ec);
    if (!ec && v.is_object()) {
      const auto& o = v.as_object();
      for (const char* k : {"__type", "code", "Code"})
        if (const auto* t = o.if_contains(k); t && t->is_string()) {
          std::string code(t->as_string());
          if (std::size_t hash = code.rfind('#'); hash != code.npos) code = code.substr(hash + 1);
          if (std::size_t colon = code.find(':'); colon != code.npos) code = code.substr(0, colon);
          e.code = code;
          break;
        }
      for (const char* k : {"message", "Message"})
        if (const auto* m = o.if_contains(k); m && m->is_string()) {
          e.message = std::string(m->as_string());
          break;
        }
      if (const auto* err = o.if_contains("error"); err && err->is_object()) {  // the admin API
        if (const auto* c = err->as_object().if_contains("code"); c && c->is_string())
          e.code = std::string(c->as_string());
        if (const auto* m = err->as_object().if_contains("message"); m && m->is_string())
          e.message = std::string(m->as_string());
      }
    }
  }
  if (e.code.empty()) e.code = StatusCode(response.status);
  return e;
}

Result<BodyDigests> DigestBody(BodySource& body, bool sha256, bool md5) {
  BodyDigests out;
  if (!body.Rewind()) return MakeError(codes::kIo, "the body cannot be read twice");
  crypto::Digest s(crypto::Digest::Kind::kSha256), m(crypto::Digest::Kind::kMd5);
  std::vector<char> buf(256 * 1024);
  while (true) {
    auto n = body.Read(buf.data(), buf.size());
    if (!n) return n.error();
    if (*n == 0) break;
    if (sha256) s.Update(buf.data(), *n);
    if (md5) m.Update(buf.data(), *n);
  }
  if (!body.Rewind()) return MakeError(codes::kIo, "the body cannot be read twice");
  if (sha256) {
    std::string d = s.Finish();
    out.sha256_hex = crypto::Hex(d.data(), d.size());
  }
  if (md5) out.md5_base64 = crypto::Base64(m.Finish());
  return out;
}

Caller::Caller(Config config, std::shared_ptr<HttpClient> http,
               std::function<std::chrono::system_clock::time_point()> now)
    : config_(std::move(config)),
      http_(std::move(http)),
      now_(now ? std::move(now) : [] { return std::chrono::system_clock::now(); }),
      rng_(std::random_device{}()) {
  retry_.max_attempts = config_.max_attempts;
  quota_left_ = retry_.quota;
}

void Caller::set_retry_options(RetryOptions options) {
  std::lock_guard lock(mu_);
  retry_ = options;
  quota_left_ = options.quota;
}

int Caller::last_attempts() { return g_last_attempts; }

bool Caller::TakeRetryToken(bool timeout) {
  std::lock_guard lock(mu_);
  int cost = timeout ? 10 : 5;
  if (quota_left_ < cost) return false;
  quota_left_ -= cost;
  return true;
}

void Caller::ReturnRetryToken() {
  std::lock_guard lock(mu_);
  quota_left_ = std::min(quota_left_ + 1, retry_.quota);
}

Result<sigv4::HttpRequest> Caller::Sign(Call& call, std::string* canonical_request) {
  sigv4::HttpRequest request = Unsigned(call);
  if (!config_.sign) return request;
  if (config_.credentials.access_key_id.empty())
    return MakeError(codes::kNoCredentials, "Unable to locate credentials");
  std::string payload = call.payload_hash;
  if (payload.empty()) {
    if (call.body) {
      auto d = DigestBody(*call.body, true, false);
      if (!d) return d.error();
      payload = d->sha256_hex;
    } else {
      payload = std::string(sigv4::kEmptySha256);
    }
  }
  sigv4::SignOptions options;
  options.time = now_();
  options.region = call.signing_region;
  options.service = call.signing_service;
  options.normalize_path = !call.s3;
  options.payload_hash = payload;
  options.add_content_sha256_header = call.s3;
  sigv4::SignRequest(request, config_.credentials, options);
  if (canonical_request) {
    const std::string* auth = nullptr;
    for (const sigv4::Header& h : request.headers)
      if (h.name == "Authorization") auth = &h.value;
    auto parsed = auth ? sigv4::ParseAuthorization(*auth) : std::nullopt;
    if (parsed)
      *canonical_request =
          sigv4::CanonicalRequest(request, parsed->signed_headers, payload, options.normalize_path);
  }
  return request;
}

Result<std::string> Caller::Presign(Call& call, std::chrono::seconds expires) {
  sigv4::HttpRequest request = Unsigned(call);
  if (config_.sign) {
    if (config_.credentials.access_key_id.empty())
      return MakeError(codes::kNoCredentials, "Unable to locate credentials");
    sigv4::SignOptions options;
    options.time = now_();
    options.region = call.signing_region;
    options.service = call.signing_service;
    options.normalize_path = !call.s3;
    options.payload_hash = std::string(sigv4::kUnsignedPayload);
    sigv4::PresignRequest(request, config_.credentials, options, expires);
  }
  std::string url = call.origin.scheme + "://" + call.origin.HostHeader() + request.path;
  if (!request.query.empty()) url += "?" + request.query;
  return url;
}

Result<HttpResponse> Caller::Send(Call& call) {
  int max_attempts;
  std::chrono::milliseconds base, cap;
  {
    std::lock_guard lock(mu_);
    max_attempts = std::max(1, retry_.max_attempts);
    base = retry_.base_delay;
    cap = retry_.max_delay;
  }
  for (int attempt = 1;; ++attempt) {
    g_last_attempts = attempt;
    auto request = Sign(call);
    if (!request) return request.error();
    request->headers.push_back({"User-Agent", UserAgent()});
    auto response = transport_ ? transport_(call.origin, *request, call.body, call.sink)
                               : http_->Send(call.origin, *request, call.body, call.sink);
    Error error;
    bool retryable = false, timeout = false;
    if (response) {
      if (response->status >= 200 && response->status < 300) {
        if (attempt == 1) ReturnRetryToken();
        return response;
      }
      error = ErrorFromResponse(*response);
      int s = response->status;
      retryable = s == 500 || s == 502 || s == 503 || s == 504 || IsThrottlingCode(error.code) ||
                  IsTransientCode(error.code);
    } else {
      error = response.error();
      timeout = error.code == codes::kTimeout;
      retryable = error.code == codes::kConnection || timeout;
    }
    if (!retryable || attempt >= max_attempts) return error;
    if (!TakeRetryToken(timeout)) return error;
    if ((call.body && !call.body->Rewind()) || (call.sink && !call.sink->Reset())) {
      error.stream_consumed = true;
      return error;
    }
    double jitter;
    {
      std::lock_guard lock(mu_);
      jitter = std::uniform_real_distribution<double>(0.0, 1.0)(rng_);
    }
    auto delay = std::chrono::duration<double, std::milli>(base.count() * jitter *
                                                           static_cast<double>(1 << (attempt - 1)));
    std::this_thread::sleep_for(std::min<std::chrono::duration<double, std::milli>>(delay, cap));
  }
}

}  // namespace awslab::client
