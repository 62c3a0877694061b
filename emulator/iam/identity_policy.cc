#include "emulator/iam/identity_policy.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <optional>
#include <set>

#include "emulator/s3/policy_condition.h"

namespace awslab::iam {

namespace json = boost::json;

struct Statement {
  bool allow = false;
  s3::PolicyScope scope;
};

struct IdentityPolicy::Document {
  std::string text;
  std::size_t normalized_size = 0;
  // Version 2012-10-17: `${aws:username}` and the like are policy variables.
  bool variables = false;
  std::vector<Statement> statements;
};

namespace {

// IAM's messages, as AWS answers PutUserPolicy and CreatePolicy.
constexpr std::string_view kSyntax = "Syntax errors in policy.";
constexpr std::string_view kPrincipal = "Policy document should not specify a principal.";
constexpr std::string_view kNoActions = "Policy statement must contain actions.";
constexpr std::string_view kNoResources = "Policy statement must contain resources.";
constexpr std::string_view kVendor =
    "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.";
constexpr std::string_view kDuplicateSid =
    "Statement IDs (SID) in a single policy must be unique.";

Error Malformed(std::string_view message) {
  return MakeError(ErrorCode::kMalformedPolicyDocument, std::string(message));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "a string or a list of strings"; std::nullopt for any other shape.
std::optional<std::vector<std::string>> Strings(const json::value& value) {
  std::vector<std::string> out;
  if (value.is_string()) {
    out.emplace_back(value.get_string());
    return out;
  }
  if (!value.is_array()) return std::nullopt;
  for (const json::value& item : value.get_array()) {
    if (!item.is_string()) return std::nullopt;
    out.emplace_back(item.get_string());
  }
  return out;
}

// "*", or "<vendor>:<action>" in which `*` and `?` are wildcards.
bool HasVendor(std::string_view action) {
  if (action == "*") return true;
  const std::size_t colon = action.find(':');
  return colon != std::string_view::npos && colon > 0;
}

Result<std::vector<s3::PolicyCondition>> ParseConditions(const json::value& value) {
  if (!value.is_object()) return Malformed(kSyntax);
  std::vector<s3::PolicyCondition> out;
  for (const auto& [type_name, keys] : value.get_object()) {
    std::optional<s3::ConditionType> type = s3::ParseConditionType(type_name);
    if (!type || !keys.is_object()) return Malformed(kSyntax);
    for (const auto& [key_name, values] : keys.get_object()) {
      s3::PolicyCondition condition;
      condition.type = *type;
      condition.key = Lower(key_name);
      const std::size_t colon = condition.key.find(':');
      if (colon == std::string::npos || colon == 0 || colon + 1 == condition.key.size())
        return Malformed(kVendor);
      std::vector<const json::value*> items;
      if (values.is_array()) {
        if (values.get_array().empty()) return Malformed(kSyntax);
        for (const json::value& item : values.get_array()) items.push_back(&item);
      } else {
        items.push_back(&values);
      }
      for (const json::value* item : items) {
        std::optional<std::string> text = s3::ConditionValueText(*item);
        if (!text) return Malformed(kSyntax);
        condition.values.push_back(std::move(*text));
      }
      if (type->op == s3::ConditionOperator::kIpAddress ||
          type->op == s3::ConditionOperator::kNotIpAddress) {
        for (const std::string& v : condition.values)
          if (!s3::ParseCidr(v)) return Malformed(kSyntax);
      }
      out.push_back(std::move(condition));
    }
  }
  return out;
}

Result<Statement> ParseStatement(const json::value& value, std::set<std::string>& sids) {
  if (!value.is_object()) return Malformed(kSyntax);
  const json::value* effect = nullptr;
  const json::value* action = nullptr;
  const json::value* resource = nullptr;
  const json::value* condition = nullptr;
  Statement out;
  for (const auto& [name, member] : value.get_object()) {
    const json::value** slot = nullptr;
    if (name == "Sid") {
      if (!member.is_string()) return Malformed(kSyntax);
      if (!member.get_string().empty() && !sids.insert(std::string(member.get_string())).second)
        return Malformed(kDuplicateSid);
      continue;
    } else if (name == "Principal" || name == "NotPrincipal") {
      return Malformed(kPrincipal);
    } else if (name == "Effect") {
      slot = &effect;
    } else if (name == "Action" || name == "NotAction") {
      slot = &action;
      out.scope.not_action = name == "NotAction";
    } else if (name == "Resource" || name == "NotResource") {
      slot = &resource;
      out.scope.not_resource = name == "NotResource";
    } else if (name == "Condition") {
      slot = &condition;
    } else {
      return Malformed(kSyntax);
    }
    if (*slot != nullptr) return Malformed(kSyntax);  // Action and NotAction, ...
    *slot = &member;
  }
  // "The Effect value is case sensitive."
  if (effect == nullptr || !effect->is_string()) return Malformed(kSyntax);
  if (effect->get_string() == "Allow") {
    out.allow = true;
  } else if (effect->get_string() != "Deny") {
    return Malformed(kSyntax);
  }

  if (action == nullptr) return Malformed(kNoActions);
  std::optional<std::vector<std::string>> actions = Strings(*action);
  if (!actions) return Malformed(kSyntax);
  if (actions->empty()) return Malformed(kNoActions);
  for (const std::string& a : *actions)
    if (!HasVendor(a)) return Malformed(kVendor);
  out.scope.actions = std::move(*actions);

  if (resource == nullptr) return Malformed(kNoResources);
  std::optional<std::vector<std::string>> resources = Strings(*resource);
  if (!resources) return Malformed(kSyntax);
  if (resources->empty()) return Malformed(kNoResources);
  for (const std::string& r : *resources) {
    // "Resource <r> must be in ARN format or "*"."
    if (r != "*" && !r.starts_with("arn:"))
      return Malformed("Resource " + r + " must be in ARN format or \"*\".");
  }
  out.scope.resources = std::move(*resources);

  if (condition != nullptr) {
    auto conditions = ParseConditions(*condition);
    if (!conditions) return conditions.error();
    out.scope.conditions = std::move(*conditions);
  }
  return out;
}

}  // namespace

Result<IdentityPolicy> IdentityPolicy::Parse(std::string_view text) {
  boost::system::error_code ec;
  const json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !root.is_object()) return Malformed(kSyntax);
  auto document = std::make_shared<Document>();
  document->text = std::string(text);
  document->normalized_size = json::serialize(root).size();
  const json::value* statement = nullptr;
  for (const auto& [name, member] : root.get_object()) {
    if (name == "Version") {
      if (!member.is_string()) return Malformed(kSyntax);
      if (member.get_string() == "2012-10-17") {
        document->variables = true;
      } else if (member.get_string() != "2008-10-17") {
        return Malformed(kSyntax);
      }
    } else if (name == "Id") {
      if (!member.is_string()) return Malformed(kSyntax);
    } else if (name == "Statement") {
      statement = &member;
    } else {
      return Malformed(kSyntax);
    }
  }
  if (statement == nullptr) return Malformed(kSyntax);
  std::vector<const json::value*> items;
  if (statement->is_array()) {
    if (statement->get_array().empty()) return Malformed(kSyntax);
    for (const json::value& item : statement->get_array()) items.push_back(&item);
  } else {
    items.push_back(statement);
  }
  std::set<std::string> sids;
  for (const json::value* item : items) {
    auto parsed = ParseStatement(*item, sids);
    if (!parsed) return parsed.error();
    document->statements.push_back(std::move(*parsed));
  }
  return IdentityPolicy(std::move(document));
}

Decision IdentityPolicy::Evaluate(std::string_view action, std::string_view resource,
                                  const Context& context) const {
  bool allowed = false;
  for (const Statement& statement : document_->statements) {
    if (allowed && statement.allow) continue;  // only a Deny can still change the answer
    if (!s3::ScopeApplies(statement.scope, action, resource, &context, document_->variables))
      continue;
    if (!statement.allow) return Decision::kDeny;
    allowed = true;
  }
  return allowed ? Decision::kAllow : Decision::kNone;
}

const std::string& IdentityPolicy::text() const { return document_->text; }
std::size_t IdentityPolicy::normalized_size() const { return document_->normalized_size; }

}  // namespace awslab::iam
