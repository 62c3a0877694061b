#include "emulator/s3/post_policy.h"

#include <time.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <charconv>
#include <optional>
#include <set>

#include "emulator/base/strings.h"

namespace awslab::s3 {
namespace {

namespace json = boost::json;

Error Invalid(std::string what) {
  return MakeError(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: " + std::move(what));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "2007-12-01T12:00:00.000Z" or "2007-12-01T12:00:00Z" (UTC).
std::optional<TimePoint> ParseExpiration(std::string_view s) {
  auto num = [&](std::size_t at, std::size_t len, int& out) {
    if (at + len > s.size()) return false;
    auto [p, ec] = std::from_chars(s.data() + at, s.data() + at + len, out);
    return ec == std::errc() && p == s.data() + at + len;
  };
  int year, mon, day, hour, min, sec;
  if (s.size() < 20 || !num(0, 4, year) || s[4] != '-' || !num(5, 2, mon) || s[7] != '-' ||
      !num(8, 2, day) || s[10] != 'T' || !num(11, 2, hour) || s[13] != ':' ||
      !num(14, 2, min) || s[16] != ':' || !num(17, 2, sec))
    return std::nullopt;
  std::size_t i = 19;
  int millis = 0;
  if (s[i] == '.') {
    std::size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == start || i - start > 9) return std::nullopt;
    std::string digits(s.substr(start, i - start));
    digits.resize(3, '0');
    millis = std::stoi(digits.substr(0, 3));
  }
  if (i + 1 != s.size() || s[i] != 'Z') return std::nullopt;
  if (mon < 1 || mon > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
    return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  return std::chrono::system_clock::from_time_t(timegm(&tm)) + std::chrono::milliseconds(millis);
}

// A condition's operand as text: strings as they are, numbers as written.
std::optional<std::string> Operand(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64() || v.is_uint64()) return json::serialize(v);
  return std::nullopt;
}

std::optional<std::uint64_t> Bound(const json::value& v) {
  if (v.is_uint64()) return v.get_uint64();
  if (v.is_int64()) {
    if (v.get_int64() < 0) return std::nullopt;
    return static_cast<std::uint64_t>(v.get_int64());
  }
  if (v.is_string()) {
    std::string_view s = v.get_string();
    std::uint64_t n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && p == s.data() + s.size() && !s.empty()) return n;
  }
  return std::nullopt;
}

// ["op", "$field", "value"] as S3 prints a condition.
std::string Text(std::string_view op, std::string_view field_as_written, std::string_view value) {
  return "[" + json::serialize(json::string(op)) + ", " +
         json::serialize(json::string(field_as_written)) + ", " +
         json::serialize(json::string(value)) + "]";
}

Result<PostPolicyCondition> ParseCondition(const json::value& c) {
  PostPolicyCondition out;
  if (c.is_object()) {
    const json::object& o = c.get_object();
    if (o.size() != 1)
      return Invalid(
          "Invalid Simple-Condition: Simple-Conditions must have exactly one property "
          "specified.");
    std::string_view name = o.begin()->key();
    const json::value& value = o.begin()->value();
    auto operand = Operand(value);
    if (!operand) return Invalid("Invalid Simple-Condition: value must be a string.");
    out.kind = PostPolicyCondition::Kind::kEq;
    out.field = Lower(name);
    out.value = *operand;
    out.text = Text("eq", "$" + std::string(name), out.value);
    return out;
  }
  if (!c.is_array()) return Invalid("Invalid Condition: conditions must be objects or arrays.");
  const json::array& a = c.get_array();
  if (a.empty() || !a[0].is_string())
    return Invalid("Invalid Condition: a condition must start with its operation.");
  std::string op = Lower(std::string_view(a[0].get_string()));
  if (op == "content-length-range") {
    if (a.size() != 3) return Invalid("Invalid content-length-range: needs a minimum and a maximum.");
    auto lo = Bound(a[1]);
    auto hi = Bound(a[2]);
    if (!lo || !hi) return Invalid("Invalid content-length-range: bounds must be integers.");
    out.kind = PostPolicyCondition::Kind::kContentLengthRange;
    out.min = *lo;
    out.max = *hi;
    out.text = "[\"content-length-range\", " + std::to_string(*lo) + ", " + std::to_string(*hi) + "]";
    return out;
  }
  if (op != "eq" && op != "starts-with")
    return Invalid("Invalid Condition: unknown operation '" + std::string(a[0].get_string()) +
                   "'.");
  if (a.size() != 3 || !a[1].is_string())
    return Invalid("Invalid Condition: '" + op + "' takes a field and a value.");
  std::string_view field = a[1].get_string();
  if (!field.starts_with('$'))
    return Invalid("Invalid Condition: the field of '" + op + "' must start with '$'.");
  auto operand = Operand(a[2]);
  if (!operand) return Invalid("Invalid Condition: the value of '" + op + "' must be a string.");
  out.kind = op == "eq" ? PostPolicyCondition::Kind::kEq : PostPolicyCondition::Kind::kStartsWith;
  out.field = Lower(field.substr(1));
  out.value = *operand;
  out.text = Text(op, field, out.value);
  return out;
}

Error PolicyDenied(std::string what) {
  return MakeError(ErrorCode::kAccessDenied, "Invalid according to Policy: " + std::move(what));
}

}  // namespace

Result<PostPolicy> ParsePostPolicy(std::string_view text) {
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return Invalid("Invalid JSON.");
  const json::object& o = doc.get_object();
  PostPolicy policy;
  const json::value* expiration = o.if_contains("expiration");
  if (!expiration) return Invalid("Policy missing expiration.");
  std::optional<TimePoint> when;
  if (expiration->is_string()) when = ParseExpiration(expiration->get_string());
  if (!when)
    return Invalid("Invalid 'expiration' value: '" +
                   (expiration->is_string() ? std::string(expiration->get_string())
                                            : json::serialize(*expiration)) +
                   "'");
  policy.expiration = *when;
  const json::value* conditions = o.if_contains("conditions");
  if (!conditions) return Invalid("Policy missing conditions.");
  if (!conditions->is_array()) return Invalid("Invalid 'conditions' value: must be an array.");
  for (const json::value& c : conditions->get_array()) {
    auto parsed = ParseCondition(c);
    if (!parsed) return parsed.error();
    policy.conditions.push_back(std::move(*parsed));
  }
  return policy;
}

bool IsExemptFromPolicy(std::string_view name) {
  return IEquals(name, "policy") || IEquals(name, "x-amz-signature") ||
         IEquals(name, "signature") || IEquals(name, "awsaccesskeyid") || IEquals(name, "file") ||
         IStartsWith(name, "x-ignore-");
}

std::optional<std::string> FieldValue(const std::vector<FormField>& fields, std::string_view bucket,
                                      std::string_view name) {
  if (name == "bucket") return std::string(bucket);
  std::optional<std::string> value;
  for (const FormField& f : fields) {
    if (!IEquals(f.name, name)) continue;
    // "If you have multiple fields with the same name, the values must be
    // separated by commas."
    if (value) value->push_back(',');
    else value.emplace();
    value->append(f.value);
  }
  return value;
}

Status CheckPostPolicy(const PostPolicy& policy, const std::vector<FormField>& fields,
                       std::string_view bucket, TimePoint now) {
  if (now >= policy.expiration) return PolicyDenied("Policy expired.");
  std::set<std::string, std::less<>> covered;
  for (const PostPolicyCondition& c : policy.conditions) {
    if (c.kind == PostPolicyCondition::Kind::kContentLengthRange) continue;
    covered.insert(c.field);
    auto value = FieldValue(fields, bucket, c.field);
    bool ok = c.kind == PostPolicyCondition::Kind::kEq
                  ? value && *value == c.value
                  // "To configure the POST policy to allow any content within a
                  // form field, use starts-with with an empty value."
                  : c.value.empty() || (value && value->starts_with(c.value));
    if (!ok) return PolicyDenied("Policy Condition failed: " + c.text);
  }
  std::string extra;
  std::set<std::string, std::less<>> named;
  for (const FormField& f : fields) {
    std::string name = Lower(f.name);
    if (IsExemptFromPolicy(name) || covered.contains(name) || !named.insert(name).second) continue;
    if (!extra.empty()) extra += ", ";
    extra += name;
  }
  if (!extra.empty()) return PolicyDenied("Extra input fields: " + extra);
  return Ok();
}

Status CheckContentLength(const PostPolicy& policy, std::uint64_t size) {
  for (const PostPolicyCondition& c : policy.conditions) {
    if (c.kind != PostPolicyCondition::Kind::kContentLengthRange) continue;
    if (size < c.min) {
      Error e = MakeError(ErrorCode::kEntityTooSmall);
      e.details.emplace_back("ProposedSize", std::to_string(size));
      e.details.emplace_back("MinSizeAllowed", std::to_string(c.min));
      return e;
    }
    if (size > c.max) {
      Error e = MakeError(ErrorCode::kEntityTooLarge);
      e.details.emplace_back("ProposedSize", std::to_string(size));
      e.details.emplace_back("MaxSizeAllowed", std::to_string(c.max));
      return e;
    }
  }
  return Ok();
}

}  // namespace awslab::s3
