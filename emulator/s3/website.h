// A bucket's static website configuration and how the website endpoint
// answers with it: the configuration (PutBucketWebsite), AWS's validation of
// it, its storage encoding, and the pure decisions of the endpoint (which key
// a path names, which routing rule applies, where a redirect goes). No HTTP
// and no XML here.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketWebsite.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/WebsiteHosting.html
//
// Thread-safety: plain values and pure functions.
#ifndef AWSLAB_EMULATOR_S3_WEBSITE_H_
#define AWSLAB_EMULATOR_S3_WEBSITE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::s3 {

// "You can have no more than 50 routing rules."
inline constexpr std::size_t kMaxRoutingRules = 50;
// x-amz-website-redirect-location: "The length of the value is limited to 2 KB."
inline constexpr std::size_t kMaxWebsiteRedirectLocation = 2048;

struct WebsiteRedirect {
  std::optional<std::string> protocol;  // "http" or "https"; absent: the request's
  std::optional<std::string> host_name;
  std::optional<std::string> replace_key_prefix_with;
  std::optional<std::string> replace_key_with;
  std::optional<std::string> http_redirect_code;  // "301" when absent
  bool operator==(const WebsiteRedirect&) const = default;
};

struct RoutingRule {
  // The condition; both absent: the rule applies to every request.
  std::optional<std::string> key_prefix_equals;
  std::optional<std::string> http_error_code_returned_equals;
  bool has_condition = false;  // a <Condition> element was sent
  WebsiteRedirect redirect;
  bool operator==(const RoutingRule&) const = default;
};

struct RedirectAllRequestsTo {
  std::string host_name;
  std::optional<std::string> protocol;
  bool operator==(const RedirectAllRequestsTo&) const = default;
};

struct WebsiteConfiguration {
  std::optional<RedirectAllRequestsTo> redirect_all;
  std::optional<std::string> index_suffix;  // IndexDocument/Suffix
  std::optional<std::string> error_key;     // ErrorDocument/Key
  std::vector<RoutingRule> routing_rules;
  bool has_index_document = false;  // <IndexDocument> was sent (maybe without a Suffix)
  bool has_routing_rules = false;   // <RoutingRules> was sent (maybe empty)
  bool operator==(const WebsiteConfiguration&) const = default;
};

// AWS's checks, in its order (InvalidArgument, InvalidRequest, MalformedXML
// with AWS's messages; see docs/s3-website.md).
Status ValidateWebsiteConfiguration(const WebsiteConfiguration& config);

// x-amz-website-redirect-location: "/..." or "http(s)://..." of at most 2 KB;
// InvalidArgument otherwise.
Status ValidateWebsiteRedirectLocation(std::string_view value);

// The first routing rule whose condition holds for `key` (the request's key,
// before the index document is added) and, when the rule names an error
// code, for `error_status` (0 before the object was looked up). Rules
// without an error-code condition apply before the lookup; rules with one
// only after it failed with that status.
const RoutingRule* MatchRoutingRule(const WebsiteConfiguration& config, std::string_view key,
                                    int error_status);

// Where `rule` sends a request for `key` that came to `request_host`:
// "protocol://host/newkey". The protocol is the rule's or "http"; the host
// the rule's or the request's.
std::string RoutingRuleLocation(const RoutingRule& rule, std::string_view key,
                                std::string_view request_host);
// The status of a rule's redirect: its HttpRedirectCode, else 301.
int RoutingRuleStatus(const RoutingRule& rule);

// Storage encoding (a nested record of the bucket record); nullopt on
// corrupt data.
std::string EncodeWebsite(const WebsiteConfiguration& config);
std::optional<WebsiteConfiguration> DecodeWebsite(std::string_view data);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_WEBSITE_H_
