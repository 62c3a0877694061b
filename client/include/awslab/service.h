// One AWS call, signed and sent with AWS's standard retry mode: up to
// max_attempts tries, exponential backoff with full jitter (base 1 s, cap
// 20 s) on transport errors, 500/502/503/504, throttling and transient
// error codes, and a retry quota (500 tokens, 5 a retry, 10 a timeout
// retry, 1 back on success). A retry never replays a consumed stream.
//
// Thread-safety: a Caller is used from many threads at once.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_SERVICE_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_SERVICE_H_

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client {

// The User-Agent every request carries.
std::string UserAgent();

// One request before signing.
struct Call {
  std::string method = "GET";
  Url origin;                 // scheme, host, port (the bucket's host for virtual-hosted S3)
  std::string path = "/";     // encoded, as sent, including the origin's base path
  std::string query;          // encoded, as sent, without '?'
  std::vector<sigv4::Header> headers;  // besides Host, X-Amz-Date, Authorization, ...
  BodySource* body = nullptr;
  BodySink* sink = nullptr;   // where a 2xx body goes; nullptr: response.body
  // The payload hash to sign: empty computes the body's SHA-256 (or of the
  // empty string); UNSIGNED-PAYLOAD for bodies not hashed.
  std::string payload_hash;
  std::string signing_service;  // "s3", "ec2", "ce"
  std::string signing_region;
  bool s3 = false;  // S3's canonical URI (not normalized) and x-amz-content-sha256
};

// Codes retried in standard mode besides 500/502/503/504.
bool IsThrottlingCode(std::string_view code);
bool IsTransientCode(std::string_view code);

// The error of a non-2xx answer: the code, message and request id from its
// body (S3's <Error>, EC2's <Response><Errors>, JSON's __type), or from the
// status when there is no body (HEAD): 404 NotFound, 403 Forbidden, 400
// BadRequest, 304 NotModified, 412 PreconditionFailed, ...
Error ErrorFromResponse(const HttpResponse& response);

// Digests of a body in one pass (then rewound). Empty strings for digests
// not asked for. Errors: the body cannot be read or rewound.
struct BodyDigests {
  std::string sha256_hex;
  std::string md5_base64;
};
Result<BodyDigests> DigestBody(BodySource& body, bool sha256, bool md5);

struct RetryOptions {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{1000};  // tests shorten it
  std::chrono::milliseconds max_delay{20'000};
  int quota = 500;
};

class Caller {
 public:
  // now(): the signing time (a fixed one in tests).
  Caller(Config config, std::shared_ptr<HttpClient> http,
         std::function<std::chrono::system_clock::time_point()> now = {});

  // Signs (unless the config says not to) and sends with retries. A non-2xx
  // answer is an Error (ErrorFromResponse); 2xx is the response.
  Result<HttpResponse> Send(Call& call);

  // The request as it goes on the wire (Host, dates, token and signature
  // added) for a call at the caller's current time. For presigning and
  // tests; does not send. canonical_request, when not null, receives it.
  Result<sigv4::HttpRequest> Sign(Call& call, std::string* canonical_request = nullptr);

  // A presigned URL ("https://host/path?...&X-Amz-Signature=...").
  Result<std::string> Presign(Call& call, std::chrono::seconds expires);

  // Replaces the network for tests: differential tests record the signed
  // requests and answer them with a canned response.
  using Transport = std::function<Result<HttpResponse>(
      const Url& origin, const sigv4::HttpRequest& request, BodySource* body, BodySink* sink)>;
  void set_transport(Transport transport) { transport_ = std::move(transport); }

  const Config& config() const { return config_; }
  HttpClient& http() { return *http_; }
  void set_retry_options(RetryOptions options);
  // Attempts made by the last Send on this thread (for tests).
  static int last_attempts();

 private:
  bool TakeRetryToken(bool timeout);
  void ReturnRetryToken();

  Config config_;
  std::shared_ptr<HttpClient> http_;
  std::function<std::chrono::system_clock::time_point()> now_;
  Transport transport_;
  std::mutex mu_;
  RetryOptions retry_;
  int quota_left_;
  std::mt19937_64 rng_;
};

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_SERVICE_H_
