#include "emulator/s3/policy_condition.h"

#include <boost/json/value.hpp>
#include <charconv>

#include <cstdint>

#include "emulator/base/strings.h"

namespace awslab::s3 {
namespace {

using Op = ConditionOperator;

struct OperatorName {
  std::string_view name;
  Op op;
};

constexpr OperatorName kOperators[] = {
    {"StringEquals", Op::kStringEquals},
    {"StringNotEquals", Op::kStringNotEquals},
    {"StringEqualsIgnoreCase", Op::kStringEqualsIgnoreCase},
    {"StringNotEqualsIgnoreCase", Op::kStringNotEqualsIgnoreCase},
    {"StringLike", Op::kStringLike},
    {"StringNotLike", Op::kStringNotLike},
    {"NumericEquals", Op::kNumericEquals},
    {"NumericNotEquals", Op::kNumericNotEquals},
    {"NumericLessThan", Op::kNumericLessThan},
    {"NumericLessThanEquals", Op::kNumericLessThanEquals},
    {"NumericGreaterThan", Op::kNumericGreaterThan},
    {"NumericGreaterThanEquals", Op::kNumericGreaterThanEquals},
    {"DateEquals", Op::kDateEquals},
    {"DateNotEquals", Op::kDateNotEquals},
    {"DateLessThan", Op::kDateLessThan},
    {"DateLessThanEquals", Op::kDateLessThanEquals},
    {"DateGreaterThan", Op::kDateGreaterThan},
    {"DateGreaterThanEquals", Op::kDateGreaterThanEquals},
    {"Bool", Op::kBool},
    {"BinaryEquals", Op::kBinaryEquals},
    {"IpAddress", Op::kIpAddress},
    {"NotIpAddress", Op::kNotIpAddress},
    {"ArnEquals", Op::kArnEquals},
    {"ArnLike", Op::kArnLike},
    {"ArnNotEquals", Op::kArnNotEquals},
    {"ArnNotLike", Op::kArnNotLike},
    {"Null", Op::kNull},
};

// The operator a negated one negates: StringNotLike -> StringLike.
Op Positive(Op op) {
  switch (op) {
    case Op::kStringNotEquals:
      return Op::kStringEquals;
    case Op::kStringNotEqualsIgnoreCase:
      return Op::kStringEqualsIgnoreCase;
    case Op::kStringNotLike:
      return Op::kStringLike;
    case Op::kNumericNotEquals:
      return Op::kNumericEquals;
    case Op::kDateNotEquals:
      return Op::kDateEquals;
    case Op::kNotIpAddress:
      return Op::kIpAddress;
    case Op::kArnNotEquals:
      return Op::kArnEquals;
    case Op::kArnNotLike:
      return Op::kArnLike;
    default:
      return op;
  }
}

template <class T>
bool Compare(Op op, const T& request, const T& policy) {
  switch (op) {
    case Op::kNumericEquals:
    case Op::kDateEquals:
      return request == policy;
    case Op::kNumericLessThan:
    case Op::kDateLessThan:
      return request < policy;
    case Op::kNumericLessThanEquals:
    case Op::kDateLessThanEquals:
      return request <= policy;
    case Op::kNumericGreaterThan:
    case Op::kDateGreaterThan:
      return request > policy;
    case Op::kNumericGreaterThanEquals:
    case Op::kDateGreaterThanEquals:
      return request >= policy;
    default:
      return false;
  }
}

// "Each of the six colon-delimited components of the ARN is checked separately
// and each can include multi-character match wildcards (*) or single-character
// match wildcards (?)." Both ArnEquals and ArnLike compare so.
bool ArnMatches(std::string_view pattern, std::string_view arn) {
  auto split = [](std::string_view s, std::vector<std::string_view>& parts) {
    for (int i = 0; i < 5; ++i) {
      const std::size_t colon = s.find(':');
      if (colon == std::string_view::npos) return false;
      parts.push_back(s.substr(0, colon));
      s.remove_prefix(colon + 1);
    }
    parts.push_back(s);
    return true;
  };
  std::vector<std::string_view> p, a;
  if (!split(pattern, p) || !split(arn, a)) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (!WildcardMatch(p[i], a[i])) return false;
  }
  return true;
}

// Whether one request value matches one policy value under a positive operator.
bool ValueMatches(Op op, std::string_view policy_value, std::string_view request_value,
                  const PolicyContext* context, bool variables) {
  switch (op) {
    case Op::kStringEquals:
    case Op::kStringEqualsIgnoreCase: {
      std::optional<std::string> expected =
          ExpandPolicyValue(policy_value, variables, context, /*as_pattern=*/false);
      if (!expected) return false;
      return op == Op::kStringEquals ? *expected == request_value
                                     : IEquals(*expected, request_value);
    }
    case Op::kStringLike: {
      std::optional<std::string> pattern =
          ExpandPolicyValue(policy_value, variables, context, /*as_pattern=*/true);
      return pattern && WildcardMatch(*pattern, request_value);
    }
    case Op::kArnEquals:
    case Op::kArnLike: {
      std::optional<std::string> pattern =
          ExpandPolicyValue(policy_value, variables, context, /*as_pattern=*/true);
      return pattern && ArnMatches(*pattern, request_value);
    }
    case Op::kNumericEquals:
    case Op::kNumericLessThan:
    case Op::kNumericLessThanEquals:
    case Op::kNumericGreaterThan:
    case Op::kNumericGreaterThanEquals: {
      std::optional<double> expected = ParsePolicyNumber(policy_value);
      std::optional<double> actual = ParsePolicyNumber(request_value);
      return expected && actual && Compare(op, *actual, *expected);
    }
    case Op::kDateEquals:
    case Op::kDateLessThan:
    case Op::kDateLessThanEquals:
    case Op::kDateGreaterThan:
    case Op::kDateGreaterThanEquals: {
      std::optional<std::int64_t> expected = ParsePolicyDate(policy_value);
      std::optional<std::int64_t> actual = ParsePolicyDate(request_value);
      return expected && actual && Compare(op, *actual, *expected);
    }
    case Op::kBool:
      return (IEquals(policy_value, "true") || IEquals(policy_value, "false")) &&
             IEquals(policy_value, request_value);
    case Op::kBinaryEquals:
      return policy_value == request_value;
    case Op::kIpAddress: {
      std::optional<IpRange> range = ParseCidr(policy_value);
      std::optional<IpRange> address = ParseCidr(request_value);
      return range && address && IpInRange(*range, *address);
    }
    default:
      return false;
  }
}

}  // namespace

std::optional<ConditionType> ParseConditionType(std::string_view name) {
  ConditionType type;
  if (name.starts_with("ForAnyValue:")) {
    type.set = ConditionSet::kForAnyValue;
    name.remove_prefix(std::string_view("ForAnyValue:").size());
  } else if (name.starts_with("ForAllValues:")) {
    type.set = ConditionSet::kForAllValues;
    name.remove_prefix(std::string_view("ForAllValues:").size());
  }
  if (name.ends_with("IfExists")) {
    type.if_exists = true;
    name.remove_suffix(std::string_view("IfExists").size());
  }
  for (const OperatorName& candidate : kOperators) {
    if (candidate.name == name) {
      type.op = candidate.op;
      if (type.op == Op::kNull && type.if_exists) return std::nullopt;
      return type;
    }
  }
  return std::nullopt;
}

bool IsNegatedOperator(ConditionOperator op) { return Positive(op) != op; }

bool ConditionHolds(const PolicyCondition& condition, const PolicyContext* context,
                    bool variables) {
  std::vector<std::string_view> request_values;
  if (context != nullptr) {
    for (const auto& [key, value] : *context) {
      if (key == condition.key) request_values.push_back(value);
    }
  }
  const Op op = condition.type.op;
  // "Use a Null condition operator to check if a condition key is absent at the
  // time of authorization": true asks for an absent key, false for a present one.
  if (op == Op::kNull) {
    for (const std::string& value : condition.values) {
      if (IEquals(value, "true") && request_values.empty()) return true;
      if (IEquals(value, "false") && !request_values.empty()) return true;
    }
    return false;
  }
  const bool negated = IsNegatedOperator(op);
  if (request_values.empty()) {
    // "If the key is not present, evaluate the condition element as true"
    // (...IfExists); ForAllValues "also returns true if there are no context
    // keys in the request"; ForAnyValue "returns false" "if the key does not
    // exist"; otherwise only a negated operator matches an absent key.
    if (condition.type.if_exists) return true;
    switch (condition.type.set) {
      case ConditionSet::kForAllValues:
        return true;
      case ConditionSet::kForAnyValue:
        return false;
      case ConditionSet::kSingle:
        return negated;
    }
  }
  // Whether one request value satisfies the condition: it matches one of the
  // policy's values, or for a negated operator none of them.
  auto satisfies = [&](std::string_view request_value) {
    bool any = false;
    for (const std::string& policy_value : condition.values) {
      if (ValueMatches(Positive(op), policy_value, request_value, context, variables)) {
        any = true;
        break;
      }
    }
    return negated ? !any : any;
  };
  bool all = true, any = false;
  for (std::string_view value : request_values) {
    const bool ok = satisfies(value);
    all = all && ok;
    any = any || ok;
  }
  switch (condition.type.set) {
    case ConditionSet::kForAllValues:
      return all;
    case ConditionSet::kForAnyValue:
      return any;
    case ConditionSet::kSingle:
      // A key with one value, as single-valued keys have: that value decides.
      // With several, a positive operator asks for one that matches, a negated
      // one for none that matches.
      return negated ? all : any;
  }
  return false;
}

std::optional<std::string> ConditionValueText(const boost::json::value& value) {
  namespace json = boost::json;
  switch (value.kind()) {
    case json::kind::string:
      return std::string(value.get_string());
    case json::kind::int64:
      return std::to_string(value.get_int64());
    case json::kind::uint64:
      return std::to_string(value.get_uint64());
    case json::kind::double_: {
      char buffer[64];
      auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value.get_double());
      if (ec != std::errc()) return std::nullopt;
      return std::string(buffer, end);
    }
    case json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    default:
      return std::nullopt;
  }
}

bool ScopeApplies(const PolicyScope& scope, std::string_view action, std::string_view resource,
                  const PolicyContext* context, bool variables) {
  bool action_named = false;
  for (const std::string& pattern : scope.actions) {
    if (WildcardMatch(pattern, action, /*ignore_case=*/true)) {
      action_named = true;
      break;
    }
  }
  if (action_named == scope.not_action) return false;

  bool resource_named = false;
  for (const std::string& named : scope.resources) {
    std::optional<std::string> pattern =
        ExpandPolicyValue(named, variables, context, /*as_pattern=*/true);
    if (pattern && WildcardMatch(*pattern, resource)) {
      resource_named = true;
      break;
    }
  }
  if (resource_named == scope.not_resource) return false;

  for (const PolicyCondition& condition : scope.conditions) {
    if (!ConditionHolds(condition, context, variables)) return false;
  }
  return true;
}

}  // namespace awslab::s3
