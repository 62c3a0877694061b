// A policy statement's Condition element: its condition types (operator,
// ForAnyValue:/ForAllValues: set prefix, ...IfExists suffix) and how one
// condition is judged against a request's context; and the part of a statement
// that bucket policies and IAM identity policies share (Action, Resource,
// Condition), judged the same way for both.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//
// Thread-safety: PolicyCondition is a plain value; the functions are pure.
#ifndef AWSLAB_EMULATOR_S3_POLICY_CONDITION_H_
#define AWSLAB_EMULATOR_S3_POLICY_CONDITION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/fwd.hpp>

#include "emulator/s3/policy_match.h"

namespace awslab::s3 {

enum class ConditionOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

// How a condition treats a key with several values in the request.
enum class ConditionSet {
  kSingle,        // no prefix
  kForAnyValue,   // "ForAnyValue:": true if any request value matches
  kForAllValues,  // "ForAllValues:": true if every request value matches (or there is none)
};

struct ConditionType {
  ConditionOperator op = ConditionOperator::kStringEquals;
  ConditionSet set = ConditionSet::kSingle;
  bool if_exists = false;  // "...IfExists": a key the request lacks satisfies it
};

// A condition type as written ("StringLike", "ForAnyValue:StringEqualsIfExists").
// Names are case-sensitive, and Null takes no IfExists suffix. std::nullopt for
// anything else, which S3 refuses with "Invalid Condition type : <name>".
std::optional<ConditionType> ParseConditionType(std::string_view name);

// Whether the operator is a negated one (StringNotEquals, NotIpAddress, ...),
// which matches when none of its values match, and when the key is absent:
// "If the policy condition requires that the key is not matched, such as
// StringNotLike or ArnNotLike, and the right key is not present, the condition
// is true."
bool IsNegatedOperator(ConditionOperator op);

// One key under one condition type. Several conditions in a statement are
// ANDed; the values of one are ORed (NORed for a negated operator).
struct PolicyCondition {
  ConditionType type;
  std::string key;                  // lowercase: "Condition key names are not case-sensitive"
  std::vector<std::string> values;  // as written; numbers and booleans as JSON text
};

// Whether `condition` holds for a request whose condition keys are `context`
// (lowercase keys; nullptr: none). `variables`: the policy's Version is
// 2012-10-17, so `${...}` in string and ARN values are policy variables.
bool ConditionHolds(const PolicyCondition& condition, const PolicyContext* context, bool variables);

// A condition value as written: a string, a number or a boolean ("Quotation
// marks are optional for numeric and Boolean values"), as its text;
// std::nullopt for any other JSON value.
std::optional<std::string> ConditionValueText(const boost::json::value& value);

// What a statement names besides its principal: bucket policies add a
// Principal to it, identity policies (attached to an IAM user) have none.
struct PolicyScope {
  bool not_action = false;
  std::vector<std::string> actions;  // patterns, compared without regard to case
  bool not_resource = false;
  std::vector<std::string> resources;  // ARN patterns, compared with regard to case
  std::vector<PolicyCondition> conditions;  // ANDed
};

// Whether `scope` names `action` on `resource` and all its conditions hold for
// a request whose condition keys are `context` (nullptr: none). `variables`:
// the policy's Version is 2012-10-17, so `${...}` in resources and condition
// values are policy variables.
bool ScopeApplies(const PolicyScope& scope, std::string_view action, std::string_view resource,
                  const PolicyContext* context, bool variables);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_POLICY_CONDITION_H_
