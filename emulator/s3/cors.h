// A bucket's CORS configuration and how S3 evaluates a cross-origin request
// against it: the rules, AWS's validation of them, their storage encoding,
// and the decision for a preflight (OPTIONS) or an actual request. No HTTP
// and no XML here: the API layer turns a CorsGrant into response headers.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
//
// Thread-safety: plain values and pure functions.
#ifndef AWSLAB_EMULATOR_S3_CORS_H_
#define AWSLAB_EMULATOR_S3_CORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::s3 {

// "You can add up to 100 rules to the configuration."
inline constexpr std::size_t kMaxCorsRules = 100;
// ID: "The value cannot be longer than 255 characters."
inline constexpr std::size_t kMaxCorsRuleIdLength = 255;
// "The document is limited to 64 KB in size."
inline constexpr std::size_t kMaxCorsDocumentBytes = 64 * 1024;
// MaxAgeSeconds is an xsd:int.
inline constexpr std::int64_t kMaxCorsMaxAgeSeconds = 2147483647;

struct CorsRule {
  std::optional<std::string> id;  // an empty <ID/> is kept and given back
  // As sent: order, case and duplicates are kept.
  std::vector<std::string> allowed_origins;  // each with at most one '*'
  std::vector<std::string> allowed_methods;  // GET, PUT, HEAD, POST or DELETE
  std::vector<std::string> allowed_headers;  // each with at most one '*'
  std::vector<std::string> expose_headers;   // no '*'
  std::optional<std::int64_t> max_age_seconds;

  bool operator==(const CorsRule&) const = default;
};

struct CorsConfiguration {
  std::vector<CorsRule> rules;  // evaluated in order; the first that matches wins

  bool operator==(const CorsConfiguration&) const = default;
};

// AWS's checks of a configuration, in AWS's order. First the shape, for the
// whole document (MalformedXML): 1 to 100 rules, each with an AllowedOrigin
// and an AllowedMethod, an ID of at most 255 characters, a MaxAgeSeconds from
// 0 to 2^31-1. Then each rule in turn (InvalidRequest): its methods, its
// origins' wildcards, its allowed headers' wildcards, its expose headers.
Status ValidateCorsConfiguration(const CorsConfiguration& config);

// Whether `origin` matches an AllowedOrigin: the text before the one '*' is a
// prefix and the text after it a suffix that do not overlap ('*' matches any
// run of characters, the empty one too). Case-sensitive: browsers send
// origins in lowercase, and "https://EXAMPLE.com" is not the origin
// "https://example.com" was written for.
bool CorsOriginMatches(std::string_view pattern, std::string_view origin);
// Whether a requested header name matches an AllowedHeader, the same way but
// ignoring ASCII case, as header names do.
bool CorsHeaderMatches(std::string_view pattern, std::string_view header);

// The names in an Access-Control-Request-Headers value: split at commas,
// trimmed, lowercased, empty items dropped, in the order sent.
std::vector<std::string> ParseCorsHeaderList(std::string_view value);

// The first rule that allows `origin` with `method` and every one of
// `request_headers` (a rule without AllowedHeader allows none); null when none.
const CorsRule* MatchCorsRule(const CorsConfiguration& config, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers);

// What a matched rule lets the response say (the API layer writes these as
// the Access-Control-* headers and Vary).
struct CorsGrant {
  // The request's origin, or "*" when the rule lists the origin "*".
  std::string allow_origin;
  std::vector<std::string> allow_methods;  // the rule's methods, in its order
  // The requested headers, lowercase, in the order requested (preflight only).
  std::vector<std::string> allow_headers;
  std::vector<std::string> expose_headers;  // the rule's ExposeHeader values
  std::optional<std::int64_t> max_age_seconds;
  bool allow_credentials = false;  // true unless allow_origin is "*"

  bool operator==(const CorsGrant&) const = default;
};

// A preflight's headers; absent ones are nullopt.
struct PreflightRequest {
  std::optional<std::string_view> origin;
  std::optional<std::string_view> method;           // Access-Control-Request-Method
  std::optional<std::string_view> request_headers;  // Access-Control-Request-Headers
  bool object = false;  // the URL names a key (ResourceType OBJECT), not only a bucket
};

// S3's answer to a preflight OPTIONS, in S3's order of checks:
//  - no (or an empty) Origin: BadRequest "Insufficient information. Origin
//    request header needed.";
//  - an Access-Control-Request-Method that is not GET, PUT, HEAD, POST or
//    DELETE: BadRequest "Invalid Access-Control-Request-Method: X";
//  - no such bucket (`bucket_exists` false): AccessForbidden "CORSResponse:
//    Bucket not found";
//  - no configuration (`config` null): AccessForbidden "CORSResponse: CORS is
//    not enabled for this bucket.";
//  - no Access-Control-Request-Method: BadRequest "Invalid
//    Access-Control-Request-Method: null";
//  - no rule matches: AccessForbidden "CORSResponse: This CORS request is not
//    allowed. ...".
// Each AccessForbidden carries the details Method (the requested method, or
// OPTIONS when none) and ResourceType (BUCKET, or OBJECT when rules were
// evaluated for a key).
Result<CorsGrant> EvaluatePreflight(bool bucket_exists, const CorsConfiguration* config,
                                    const PreflightRequest& request);

// The grant for an actual (not preflight) request that has an Origin; nullopt
// when no rule matches, and the request is served without CORS headers. S3
// matches the Access-Control-Request-Method header when the request has one,
// else its method, and ignores its other headers.
std::optional<CorsGrant> EvaluateActualRequest(const CorsConfiguration& config,
                                               std::string_view origin, std::string_view method);

// Storage encoding (a nested record of the bucket record). DecodeCors returns
// nullopt on corrupt data.
std::string EncodeCors(const CorsConfiguration& config);
std::optional<CorsConfiguration> DecodeCors(std::string_view data);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_CORS_H_
