#include "emulator/s3/website.h"

#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

Error Invalid(ErrorCode code, std::string message) { return MakeError(code, std::move(message)); }

Error InvalidArgument(std::string message, std::string_view name, std::string_view value) {
  Error e = MakeError(ErrorCode::kInvalidArgument, std::move(message));
  e.details.emplace_back("ArgumentName", std::string(name));
  e.details.emplace_back("ArgumentValue", std::string(value));
  return e;
}

constexpr std::string_view kBadProtocol =
    "Invalid protocol, protocol can be http or https. If not defined the protocol will be "
    "selected automatically.";

bool ValidProtocol(const std::optional<std::string>& p) {
  return !p || *p == "http" || *p == "https";
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

Status ValidateWebsiteConfiguration(const WebsiteConfiguration& config) {
  // Order and wording as S3 answers (checked by LocalStack and Ceph RGW
  // against AWS; see docs/s3-website.md).
  if (config.redirect_all) {
    if (config.has_index_document || config.error_key || config.has_routing_rules)
      return InvalidArgument(
          "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
          "RedirectAllRequestsTo", "not null");
    if (config.redirect_all->host_name.empty())
      return Invalid(ErrorCode::kInvalidRequest,
                     "A host name must be provided to redirect all requests (e.g. "
                     "\"example.com\").");
    if (!ValidProtocol(config.redirect_all->protocol))
      return Invalid(ErrorCode::kInvalidRequest, std::string(kBadProtocol));
    return Ok();
  }
  if (!config.has_index_document)
    return InvalidArgument(
        "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
        "IndexDocument", "null");
  if (!config.index_suffix || config.index_suffix->empty() ||
      config.index_suffix->find('/') != std::string::npos)
    return InvalidArgument("The IndexDocument Suffix is not well formed", "IndexDocument",
                           config.index_suffix.value_or("null"));
  if (config.error_key && config.error_key->empty()) return MakeError(ErrorCode::kMalformedXML);
  if (config.has_routing_rules && config.routing_rules.empty())
    return MakeError(ErrorCode::kMalformedXML);
  if (config.routing_rules.size() > kMaxRoutingRules)
    return Invalid(ErrorCode::kInvalidRequest,
                   "The number of routing rules must not exceed " +
                       std::to_string(kMaxRoutingRules) + ".");
  for (const RoutingRule& rule : config.routing_rules) {
    const WebsiteRedirect& r = rule.redirect;
    if (r.replace_key_prefix_with && r.replace_key_with)
      return Invalid(ErrorCode::kInvalidRequest,
                     "You can only define ReplaceKeyPrefix or ReplaceKey but not both.");
    if (rule.has_condition && !rule.key_prefix_equals && !rule.http_error_code_returned_equals)
      return Invalid(ErrorCode::kInvalidRequest,
                     "Condition cannot be empty. To redirect all requests without a condition, "
                     "the condition element shouldn't be present.");
    if (!ValidProtocol(r.protocol))
      return Invalid(ErrorCode::kInvalidRequest, std::string(kBadProtocol));
    if (const auto& code = rule.http_error_code_returned_equals) {
      if (!AllDigits(*code) || code->size() != 3 || ((*code)[0] != '4' && (*code)[0] != '5'))
        return Invalid(ErrorCode::kInvalidRequest,
                       "The provided HTTP error code (" + *code +
                           ") is not valid. Valid codes are 4XX or 5XX.");
    }
    if (const auto& code = r.http_redirect_code) {
      if (!AllDigits(*code) || code->size() != 3 || (*code)[0] != '3' || *code == "300")
        return Invalid(ErrorCode::kInvalidRequest,
                       "The provided HTTP redirect code (" + *code +
                           ") is not valid. Valid codes are 3XX except 300.");
    }
  }
  return Ok();
}

Status ValidateWebsiteRedirectLocation(std::string_view value) {
  // "The value must be prefixed by, "/", "http://" or "https://". The length
  // of the value is limited to 2 KB."
  if (value.size() > kMaxWebsiteRedirectLocation ||
      !(value.starts_with("/") || value.starts_with("http://") || value.starts_with("https://")))
    return InvalidArgument(
        "The website redirect location must have a prefix of 'http://' or 'https://' or '/'",
        "x-amz-website-redirect-location", value);
  return Ok();
}

const RoutingRule* MatchRoutingRule(const WebsiteConfiguration& config, std::string_view key,
                                    int error_status) {
  for (const RoutingRule& rule : config.routing_rules) {
    if (rule.key_prefix_equals && !key.starts_with(*rule.key_prefix_equals)) continue;
    if (rule.http_error_code_returned_equals) {
      if (error_status == 0 || std::to_string(error_status) != *rule.http_error_code_returned_equals)
        continue;
    } else if (error_status != 0) {
      // A rule without an error condition was tried before the lookup.
      continue;
    }
    return &rule;
  }
  return nullptr;
}

std::string RoutingRuleLocation(const RoutingRule& rule, std::string_view key,
                                std::string_view request_host) {
  const WebsiteRedirect& r = rule.redirect;
  std::string new_key;
  if (r.replace_key_with) {
    new_key = *r.replace_key_with;
  } else if (r.replace_key_prefix_with) {
    std::size_t cut = rule.key_prefix_equals ? rule.key_prefix_equals->size() : 0;
    new_key = *r.replace_key_prefix_with + std::string(key.substr(std::min(cut, key.size())));
  } else {
    new_key = key;
  }
  std::string location = r.protocol.value_or("http") + "://";
  location += r.host_name ? std::string(*r.host_name) : std::string(request_host);
  location += "/" + new_key;
  return location;
}

int RoutingRuleStatus(const RoutingRule& rule) {
  if (rule.redirect.http_redirect_code) return std::stoi(*rule.redirect.http_redirect_code);
  return 301;
}

namespace {
enum WebsiteTag : std::uint32_t {
  kWRedirectAllHost = 1,
  kWRedirectAllProtocol = 2,
  kWIndexSuffix = 3,
  kWErrorKey = 4,
  kWRule = 5,  // nested: kR*
  kWHasIndex = 6,
  kWHasRules = 7,
};
enum RuleTag : std::uint32_t {
  kRPrefix = 1,
  kRErrorCode = 2,
  kRHasCondition = 3,
  kRProtocol = 4,
  kRHost = 5,
  kRReplacePrefix = 6,
  kRReplaceKey = 7,
  kRCode = 8,
};

void PutOpt(storage::RecordWriter& w, std::uint32_t tag, const std::optional<std::string>& v) {
  if (v) w.Put(tag, *v);
}
}  // namespace

std::string EncodeWebsite(const WebsiteConfiguration& c) {
  storage::RecordWriter w;
  if (c.redirect_all) {
    w.Put(kWRedirectAllHost, c.redirect_all->host_name);
    PutOpt(w, kWRedirectAllProtocol, c.redirect_all->protocol);
  }
  PutOpt(w, kWIndexSuffix, c.index_suffix);
  PutOpt(w, kWErrorKey, c.error_key);
  if (c.has_index_document) w.PutBool(kWHasIndex, true);
  if (c.has_routing_rules) w.PutBool(kWHasRules, true);
  for (const RoutingRule& rule : c.routing_rules) {
    storage::RecordWriter r;
    PutOpt(r, kRPrefix, rule.key_prefix_equals);
    PutOpt(r, kRErrorCode, rule.http_error_code_returned_equals);
    if (rule.has_condition) r.PutBool(kRHasCondition, true);
    PutOpt(r, kRProtocol, rule.redirect.protocol);
    PutOpt(r, kRHost, rule.redirect.host_name);
    PutOpt(r, kRReplacePrefix, rule.redirect.replace_key_prefix_with);
    PutOpt(r, kRReplaceKey, rule.redirect.replace_key_with);
    PutOpt(r, kRCode, rule.redirect.http_redirect_code);
    w.Put(kWRule, r.data());
  }
  return w.Release();
}

std::optional<WebsiteConfiguration> DecodeWebsite(std::string_view data) {
  WebsiteConfiguration c;
  storage::RecordReader reader(data);
  std::uint32_t tag;
  std::string_view v;
  while (reader.Next(tag, v)) {
    switch (tag) {
      case kWRedirectAllHost:
        if (!c.redirect_all) c.redirect_all.emplace();
        c.redirect_all->host_name = v;
        break;
      case kWRedirectAllProtocol:
        if (!c.redirect_all) c.redirect_all.emplace();
        c.redirect_all->protocol = std::string(v);
        break;
      case kWIndexSuffix: c.index_suffix = std::string(v); break;
      case kWErrorKey: c.error_key = std::string(v); break;
      case kWHasIndex: c.has_index_document = true; break;
      case kWHasRules: c.has_routing_rules = true; break;
      case kWRule: {
        RoutingRule rule;
        storage::RecordReader r(v);
        std::uint32_t t;
        std::string_view x;
        while (r.Next(t, x)) {
          switch (t) {
            case kRPrefix: rule.key_prefix_equals = std::string(x); break;
            case kRErrorCode: rule.http_error_code_returned_equals = std::string(x); break;
            case kRHasCondition: rule.has_condition = true; break;
            case kRProtocol: rule.redirect.protocol = std::string(x); break;
            case kRHost: rule.redirect.host_name = std::string(x); break;
            case kRReplacePrefix: rule.redirect.replace_key_prefix_with = std::string(x); break;
            case kRReplaceKey: rule.redirect.replace_key_with = std::string(x); break;
            case kRCode: rule.redirect.http_redirect_code = std::string(x); break;
            default: break;
          }
        }
        if (!r.ok()) return std::nullopt;
        c.routing_rules.push_back(std::move(rule));
        break;
      }
      default: break;
    }
  }
  if (!reader.ok()) return std::nullopt;
  return c;
}

}  // namespace awslab::s3
