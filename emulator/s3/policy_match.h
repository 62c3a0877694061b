// The value comparisons of the IAM policy language as S3 bucket policies use
// them: `*`/`?` wildcards, policy variables, IP ranges, dates and numbers.
// Pure functions; the bucket policy (policy.h) and its conditions
// (policy_condition.h) are built on them.
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_S3_POLICY_MATCH_H_
#define AWSLAB_EMULATOR_S3_POLICY_MATCH_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace awslab::s3 {

// A request's condition keys (lowercase) with their values; a key may appear
// more than once (a multivalued key).
using PolicyContext = std::vector<std::pair<std::string, std::string>>;

// Whether `text` matches `pattern`, in which `*` stands for any run of
// characters (the empty one and `/` included) and `?` for exactly one, and a
// backslash makes the character after it literal (see ExpandPolicyValue).
// "You can use multi-character match wildcards (*) and single-character match
// wildcards (?)" —
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// `ignore_case`: ASCII case-insensitive, as action names compare.
bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case = false);

// `literal` with `*`, `?` and `\` escaped so that WildcardMatch takes it as is.
std::string EscapeWildcards(std::string_view literal);

// A value as written in a policy, made ready to compare:
// - with `variables` (policy Version 2012-10-17), each `${key}` is replaced by
//   the request's value of that condition key and `${key, 'default'}` by the
//   default when the request has none; `${*}`, `${?}` and `${$}` stand for the
//   characters themselves. "If you use a variable with no value ... StringEquals
//   or StringLike do not match" and a Resource "will not match any resource":
//   std::nullopt when a variable has no value.
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
// - with `as_pattern`, the result is a WildcardMatch pattern: the policy's own
//   `*` and `?` stay wildcards, and everything that came from a variable (or
//   `${*}`...) is literal. Without it, the result is the plain string.
std::optional<std::string> ExpandPolicyValue(std::string_view value, bool variables,
                                             const PolicyContext* context, bool as_pattern);

// Whether `value` holds a policy variable (`${`).
inline bool HasPolicyVariable(std::string_view value) {
  return value.find("${") != std::string_view::npos;
}

// An IPv4 or IPv6 address range. IPv4 addresses (and IPv4-mapped IPv6
// addresses, ::ffff:a.b.c.d) are kept as IPv4.
struct IpRange {
  bool v6 = false;
  std::array<std::uint8_t, 16> address{};  // IPv4 in the first 4 bytes
  int prefix = 0;                          // bits; 32 or 128 for one address
};

// "The value must be in the standard CIDR format (for example, 203.0.113.0/24
// or 2001:DB8:1234:5678::/64). If you specify an IP address without the
// associated routing prefix, IAM uses the default prefix value of /32."
// (/128 for an IPv6 address.) std::nullopt when `text` is neither.
std::optional<IpRange> ParseCidr(std::string_view text);

// Whether `address` (a single address) lies in `range`.
bool IpInRange(const IpRange& range, const IpRange& address);

// A date as the Date operators take it: "one of the W3C implementations of the
// ISO 8601 date formats ... or in epoch (UNIX) time": YYYY-MM-DD,
// YYYY-MM-DDThh:mm[:ss[.fff]][Z|+hh:mm|-hh:mm] (UTC without a zone), or
// seconds since the epoch. Milliseconds since the epoch; std::nullopt when
// `text` is none of these.
std::optional<std::int64_t> ParsePolicyDate(std::string_view text);

// An integer or decimal number, as the Numeric operators take it
// ("-1", "10", "2.5"); std::nullopt otherwise.
std::optional<double> ParsePolicyNumber(std::string_view text);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_POLICY_MATCH_H_
