#include "emulator/s3/cors.h"

#include <algorithm>

#include "emulator/base/strings.h"
#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

// "Valid values are GET, PUT, HEAD, POST, and DELETE." Case-sensitive: S3
// refuses "get" in a configuration and in Access-Control-Request-Method.
constexpr std::string_view kCorsMethods[] = {"GET", "PUT", "HEAD", "POST", "DELETE"};

bool IsCorsMethod(std::string_view method) {
  return std::find(std::begin(kCorsMethods), std::end(kCorsMethods), method) !=
         std::end(kCorsMethods);
}

bool HasManyWildcards(std::string_view s) { return std::count(s.begin(), s.end(), '*') > 1; }

// `pattern` with at most one '*' against `value`; `equal` compares two runs
// of characters of the same length.
template <class Equal>
bool WildcardMatches(std::string_view pattern, std::string_view value, Equal equal) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos)
    return pattern.size() == value.size() && equal(pattern, value);
  std::string_view prefix = pattern.substr(0, star), suffix = pattern.substr(star + 1);
  return value.size() >= prefix.size() + suffix.size() &&
         equal(prefix, value.substr(0, prefix.size())) &&
         equal(suffix, value.substr(value.size() - suffix.size()));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

Error Malformed() { return MakeError(ErrorCode::kMalformedXML); }
Error Invalid(std::string message) {
  return MakeError(ErrorCode::kInvalidRequest, std::move(message));
}

Error BadRequest(std::string message) { return MakeError(ErrorCode::kBadRequest, std::move(message)); }

Error Forbidden(std::string message, std::string_view method, bool object) {
  Error e = MakeError(ErrorCode::kAccessForbidden, std::move(message));
  e.details.emplace_back("Method", std::string(method));
  e.details.emplace_back("ResourceType", object ? "OBJECT" : "BUCKET");
  return e;
}

CorsGrant GrantOf(const CorsRule& rule, std::string_view origin) {
  CorsGrant g;
  // S3 answers "*" when the rule allows every origin, even if another of
  // its AllowedOrigin names this one; only then are credentials not allowed.
  bool any_origin = std::find(rule.allowed_origins.begin(), rule.allowed_origins.end(), "*") !=
                    rule.allowed_origins.end();
  g.allow_origin = any_origin ? "*" : std::string(origin);
  g.allow_credentials = !any_origin;
  g.allow_methods = rule.allowed_methods;
  g.expose_headers = rule.expose_headers;
  g.max_age_seconds = rule.max_age_seconds;
  return g;
}

// Storage tags: never reuse a number; add new ones at the end.
enum ConfigTag : std::uint32_t { kCRule = 1 };
enum RuleTag : std::uint32_t {
  kRId = 1,
  kROrigin = 2,
  kRMethod = 3,
  kRHeader = 4,
  kRExpose = 5,
  kRMaxAge = 6,
};

}  // namespace

Status ValidateCorsConfiguration(const CorsConfiguration& config) {
  // The document's shape first: S3 answers MalformedXML for it even when a
  // rule before the malformed one has a value it would refuse.
  if (config.rules.empty() || config.rules.size() > kMaxCorsRules) return Malformed();
  for (const CorsRule& rule : config.rules) {
    // "Each CORSRule must identify at least one origin and one method."
    if (rule.allowed_origins.empty() || rule.allowed_methods.empty()) return Malformed();
    if (rule.id && rule.id->size() > kMaxCorsRuleIdLength) return Malformed();
    if (rule.max_age_seconds &&
        (*rule.max_age_seconds < 0 || *rule.max_age_seconds > kMaxCorsMaxAgeSeconds))
      return Malformed();
  }
  for (const CorsRule& rule : config.rules) {
    for (const std::string& m : rule.allowed_methods)
      if (!IsCorsMethod(m))
        return Invalid("Found unsupported HTTP method in CORS config. Unsupported method is " + m);
    // "This can contain at most one * wild character."
    for (const std::string& o : rule.allowed_origins)
      if (HasManyWildcards(o))
        return Invalid("AllowedOrigin \"" + o + "\" can not have more than one wildcard.");
    for (const std::string& h : rule.allowed_headers)
      if (HasManyWildcards(h))
        return Invalid("AllowedHeader \"" + h + "\" can not have more than one wildcard.");
    for (const std::string& h : rule.expose_headers)
      if (h.find('*') != std::string::npos)
        return Invalid("ExposeHeader \"" + h +
                       "\" contains wildcard. We currently do not support wildcard for "
                       "ExposeHeader.");
  }
  return Ok();
}

bool CorsOriginMatches(std::string_view pattern, std::string_view origin) {
  return WildcardMatches(pattern, origin, [](std::string_view a, std::string_view b) {
    return a == b;
  });
}

bool CorsHeaderMatches(std::string_view pattern, std::string_view header) {
  return WildcardMatches(pattern, header, [](std::string_view a, std::string_view b) {
    return IEquals(a, b);
  });
}

std::vector<std::string> ParseCorsHeaderList(std::string_view value) {
  std::vector<std::string> out;
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view item = value.substr(0, comma);
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.push_back(Lower(item));
  }
  return out;
}

const CorsRule* MatchCorsRule(const CorsConfiguration& config, std::string_view origin,
                              std::string_view method,
                              const std::vector<std::string>& request_headers) {
  // "For a rule to match, the following conditions must be met: The
  // request's Origin header must match AllowedOrigin elements. The request
  // method ... or the Access-Control-Request-Method header in case of a
  // pre-flight OPTIONS request must be one of the AllowedMethod elements.
  // Every header specified in the Access-Control-Request-Headers request
  // header of a pre-flight request must match an AllowedHeader element."
  for (const CorsRule& rule : config.rules) {
    bool origin_ok = std::any_of(rule.allowed_origins.begin(), rule.allowed_origins.end(),
                                 [&](const std::string& p) { return CorsOriginMatches(p, origin); });
    if (!origin_ok) continue;
    if (std::find(rule.allowed_methods.begin(), rule.allowed_methods.end(), method) ==
        rule.allowed_methods.end())
      continue;
    bool headers_ok = std::all_of(
        request_headers.begin(), request_headers.end(), [&](const std::string& h) {
          return std::any_of(rule.allowed_headers.begin(), rule.allowed_headers.end(),
                             [&](const std::string& p) { return CorsHeaderMatches(p, h); });
        });
    if (headers_ok) return &rule;
  }
  return nullptr;
}

Result<CorsGrant> EvaluatePreflight(bool bucket_exists, const CorsConfiguration* config,
                                    const PreflightRequest& request) {
  if (!request.origin || request.origin->empty())
    return BadRequest("Insufficient information. Origin request header needed.");
  if (request.method && !IsCorsMethod(*request.method))
    return BadRequest("Invalid Access-Control-Request-Method: " + std::string(*request.method));
  // The 403s name the method asked for, or the preflight's own.
  std::string_view method = request.method ? *request.method : "OPTIONS";
  // S3 reports these two for the bucket, whatever the URL names.
  if (!bucket_exists) return Forbidden("CORSResponse: Bucket not found", method, false);
  if (!config) return Forbidden("CORSResponse: CORS is not enabled for this bucket.", method, false);
  if (!request.method) return BadRequest("Invalid Access-Control-Request-Method: null");
  std::vector<std::string> headers =
      request.request_headers ? ParseCorsHeaderList(*request.request_headers)
                              : std::vector<std::string>();
  const CorsRule* rule = MatchCorsRule(*config, *request.origin, method, headers);
  // AWS's message, "evalution" included.
  if (!rule)
    return Forbidden(
        "CORSResponse: This CORS request is not allowed. This is usually because the evalution "
        "of Origin, request method / Access-Control-Request-Method or "
        "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.",
        method, request.object);
  CorsGrant grant = GrantOf(*rule, *request.origin);
  // "Amazon S3 will send only the allowed headers in a response that were
  // requested": all of them, since the rule allows every one.
  grant.allow_headers = std::move(headers);
  return grant;
}

std::optional<CorsGrant> EvaluateActualRequest(const CorsConfiguration& config,
                                               std::string_view origin, std::string_view method) {
  if (origin.empty()) return std::nullopt;
  const CorsRule* rule = MatchCorsRule(config, origin, method, {});
  if (!rule) return std::nullopt;
  return GrantOf(*rule, origin);
}

std::string EncodeCors(const CorsConfiguration& config) {
  storage::RecordWriter w;
  for (const CorsRule& rule : config.rules) {
    storage::RecordWriter r;
    if (rule.id) r.Put(kRId, *rule.id);
    for (const auto& v : rule.allowed_origins) r.Put(kROrigin, v);
    for (const auto& v : rule.allowed_methods) r.Put(kRMethod, v);
    for (const auto& v : rule.allowed_headers) r.Put(kRHeader, v);
    for (const auto& v : rule.expose_headers) r.Put(kRExpose, v);
    if (rule.max_age_seconds) r.PutI64(kRMaxAge, *rule.max_age_seconds);
    w.Put(kCRule, r.data());
  }
  return w.Release();
}

std::optional<CorsConfiguration> DecodeCors(std::string_view data) {
  CorsConfiguration config;
  storage::RecordReader reader(data);
  std::uint32_t tag;
  std::string_view value;
  while (reader.Next(tag, value)) {
    if (tag != kCRule) continue;
    CorsRule rule;
    storage::RecordReader r(value);
    std::uint32_t t;
    std::string_view v;
    while (r.Next(t, v)) {
      switch (t) {
        case kRId: rule.id = std::string(v); break;
        case kROrigin: rule.allowed_origins.emplace_back(v); break;
        case kRMethod: rule.allowed_methods.emplace_back(v); break;
        case kRHeader: rule.allowed_headers.emplace_back(v); break;
        case kRExpose: rule.expose_headers.emplace_back(v); break;
        case kRMaxAge: rule.max_age_seconds = storage::RecordReader::AsI64(v); break;
        default: break;
      }
    }
    if (!r.ok()) return std::nullopt;
    config.rules.push_back(std::move(rule));
  }
  if (!reader.ok()) return std::nullopt;
  return config;
}

}  // namespace awslab::s3
