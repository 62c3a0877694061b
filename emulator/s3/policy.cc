#include "emulator/s3/policy.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/error.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <charconv>
#include <set>

#include "emulator/base/strings.h"
#include "emulator/s3/policy_actions.h"
#include "emulator/s3/policy_condition.h"
#include "emulator/s3/policy_match.h"

namespace awslab::s3 {

namespace json = boost::json;

// A statement's Principal (or NotPrincipal).
struct Principals {
  bool everyone = false;                     // "*" or {"AWS": "*"}: anonymous too
  std::vector<std::string> accounts;         // 12 digits, from an ID or a root ARN
  std::vector<std::string> canonical_users;  // 64 hex digits, lowercase
  // IAM users' ARNs match the user that asks; roles and assumed roles are
  // accepted as S3 accepts them and match nothing (awslab has no roles), nor
  // do services and federated users, who never make requests here.
  std::vector<std::string> iam_arns;
  std::vector<std::string> services;
  std::vector<std::string> federated;
};

struct Statement {
  bool allow = false;
  bool not_principal = false;
  Principals principals;
  PolicyScope scope;  // Action, Resource and Condition, as identity policies have them
};

struct BucketPolicy::Document {
  std::string text;
  // Version 2012-10-17: `${...}` are policy variables. Under 2008-10-17, the
  // default, "variables such as ${aws:username} aren't recognized as variables
  // and are instead treated as literal strings".
  bool variables = false;
  std::vector<Statement> statements;
};

namespace {

constexpr std::string_view kS3ArnPrefix = "arn:aws:s3:::";

Error Malformed(std::string message) {
  return MakeError(ErrorCode::kMalformedPolicy, std::move(message));
}

// S3's messages. Sources: AWS's own answers as recorded in public issue
// trackers and S3-compatible servers' conformance tests (docs/policies.md).
constexpr std::string_view kNotJsonObject =
    "Policies must be valid JSON and the first byte must be '{'";
constexpr std::string_view kInvalidJson = "This policy contains invalid Json";
constexpr std::string_view kTooLarge =
    "Normalized policy document exceeds the maximum allowed size of 20480 bytes";
constexpr std::string_view kSyntax = "Invalid policy syntax.";
constexpr std::string_view kInvalidVersion = "The policy must contain a valid version string";
constexpr std::string_view kEmptyStatement = "Could not parse the policy: Statement is empty!";
constexpr std::string_view kInvalidPrincipal = "Invalid principal in policy";
constexpr std::string_view kInvalidAction = "Policy has invalid action";
constexpr std::string_view kInvalidResource = "Policy has invalid resource";
constexpr std::string_view kNotApplicable = "Action does not apply to any resource(s) in statement";
constexpr std::string_view kInvalidConditionKey = "Policy has an invalid condition key";
constexpr std::string_view kConditionNotApplicable =
    "Conditions do not apply to combination of actions and resources in statement";
constexpr std::string_view kInvalidIp = "Invalid IP address in Conditions";

std::string Missing(std::string_view field) {
  return "Missing required field " + std::string(field);
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsDigits(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

bool IsHex(std::string_view s, std::size_t n) {
  if (s.size() != n) return false;
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

// A JSON document with a key twice in one object is not one S3 takes;
// boost::json::parse would keep one of them, so a first pass looks for them.
class DuplicateKeyFinder {
 public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    objects_.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    objects_.pop_back();
    return true;
  }
  bool on_array_begin(boost::system::error_code&) { return true; }
  bool on_array_end(std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(json::string_view s, std::size_t, boost::system::error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, boost::system::error_code& ec) {
    key_.append(s.data(), s.size());
    const bool fresh = objects_.back().insert(std::move(key_)).second;
    key_.clear();
    if (!fresh) ec = json::error::syntax;
    return fresh;
  }
  bool on_string_part(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(json::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_number_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, json::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, json::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(json::string_view, boost::system::error_code&) { return true; }
  bool on_comment(json::string_view, boost::system::error_code&) { return true; }

 private:
  std::vector<std::set<std::string>> objects_;
  std::string key_;
};

bool IsWellFormedJson(std::string_view text) {
  json::basic_parser<DuplicateKeyFinder> parser{json::parse_options{}};
  boost::system::error_code ec;
  const std::size_t used = parser.write_some(false, text.data(), text.size(), ec);
  return !ec && used == text.size() && parser.done();
}

// An element that takes "a string or a list of strings" ("If the element takes
// an array but only one value is included, the brackets are optional"). An empty
// list yields an empty vector; any other shape is std::nullopt.
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

// An AWS principal: an account (its ID or its root's ARN, which "behave the
// same way"), or an IAM user, role or assumed role's ARN.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
bool AddAwsPrincipal(std::string_view named, Principals& out) {
  if (IsDigits(named, 12)) {
    out.accounts.emplace_back(named);
    return true;
  }
  std::string_view rest = named;
  std::string_view service;
  if (rest.starts_with("arn:aws:iam::")) {
    service = "iam";
  } else if (rest.starts_with("arn:aws:sts::")) {
    service = "sts";
  } else {
    return false;
  }
  rest.remove_prefix(std::string_view("arn:aws:iam::").size());
  const std::string_view account = rest.substr(0, 12);
  if (!IsDigits(account, 12) || rest.size() < 13 || rest[12] != ':') return false;
  rest.remove_prefix(13);
  if (service == "iam" && rest == "root") {
    out.accounts.emplace_back(account);
    return true;
  }
  std::string_view name;
  if (service == "iam" && (rest.starts_with("user/") || rest.starts_with("role/"))) {
    name = rest.substr(5);
  } else if (service == "sts" && rest.starts_with("assumed-role/")) {
    name = rest.substr(13);
  } else {
    return false;
  }
  // IAM names and paths: letters, digits and +=,.@_-/ (no spaces).
  if (name.empty() || name.back() == '/') return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("+=,.@_-/").find(c) == std::string_view::npos) {
      return false;
    }
  }
  out.iam_arns.emplace_back(named);
  return true;
}

// "Principal": "*" or a map of AWS, CanonicalUser, Service and Federated to one
// value or a list. Any fault is "Invalid principal in policy".
std::optional<Principals> ParsePrincipals(const json::value& value) {
  Principals out;
  if (value.is_string()) {
    if (value.get_string() != "*") return std::nullopt;
    out.everyone = true;
    return out;
  }
  if (!value.is_object() || value.get_object().empty()) return std::nullopt;
  for (const auto& [type, listed] : value.get_object()) {
    std::optional<std::vector<std::string>> names = Strings(listed);
    if (!names || names->empty()) return std::nullopt;
    for (const std::string& name : *names) {
      if (name.empty()) return std::nullopt;
    }
    if (type == "AWS") {
      // "*" names everyone, alone: with others it is refused.
      if (names->size() == 1 && names->front() == "*") {
        out.everyone = true;
        continue;
      }
      for (const std::string& name : *names) {
        if (!AddAwsPrincipal(name, out)) return std::nullopt;
      }
    } else if (type == "CanonicalUser") {
      for (const std::string& name : *names) {
        if (!IsHex(name, 64)) return std::nullopt;
        out.canonical_users.push_back(Lower(name));
      }
    } else if (type == "Service" || type == "Federated") {
      for (const std::string& name : *names) {
        if (name == "*") return std::nullopt;
        (type == "Service" ? out.services : out.federated).push_back(name);
      }
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// An action pattern: "*", or "s3:" and a name in which `*` and `?` are
// wildcards, naming at least one action S3 defines ("The prefix and the action
// name are case insensitive").
bool IsValidActionPattern(std::string_view pattern) {
  if (pattern == "*") return true;
  if (!IStartsWith(pattern, "s3:")) return false;
  for (const S3ActionInfo& action : S3Actions()) {
    if (WildcardMatch(pattern, action.name, /*ignore_case=*/true)) return true;
  }
  return false;
}

// A resource: an S3 ARN of this bucket or of objects in it. "Each policy must
// cover only a single bucket and resources within that bucket": the part before
// the first '/' must be able to name `bucket` (it may hold wildcards, or a
// policy variable, judged when the policy is applied). "*" alone is refused.
bool IsValidResource(std::string_view resource, std::string_view bucket) {
  if (!resource.starts_with(kS3ArnPrefix)) return false;
  std::string_view rest = resource.substr(kS3ArnPrefix.size());
  if (rest.empty()) return false;
  const std::string_view named = rest.substr(0, rest.find('/'));
  return HasPolicyVariable(named) || WildcardMatch(named, bucket);
}

// Whether a resource pattern can name a resource of `kind`: a bucket's ARN holds
// no '/', an object's holds one after the bucket, and a `*` can stand for one.
bool Reaches(std::string_view resource, S3ResourceKind kind) {
  std::string_view rest = resource.substr(kS3ArnPrefix.size());
  switch (kind) {
    case S3ResourceKind::kBucket:
      return rest.find('/') == std::string_view::npos;
    case S3ResourceKind::kObject:
      return rest.find('/') != std::string_view::npos || rest.find('*') != std::string_view::npos;
    case S3ResourceKind::kNone:
      return false;
  }
  return false;
}

// The Condition element of a statement whose actions are `actions` (nullptr
// under NotAction: then the statement can name any action).
Result<std::vector<PolicyCondition>> ParseConditions(const json::value& value,
                                                     const std::vector<std::string>* actions) {
  if (!value.is_object()) return Malformed(std::string(kSyntax));
  std::vector<PolicyCondition> out;
  for (const auto& [type_name, keys] : value.get_object()) {
    std::optional<ConditionType> type = ParseConditionType(type_name);
    if (!type) return Malformed("Invalid Condition type : " + std::string(type_name));
    if (!keys.is_object()) return Malformed(std::string(kSyntax));
    for (const auto& [key_name, values] : keys.get_object()) {
      PolicyCondition condition;
      condition.type = *type;
      condition.key = Lower(key_name);
      // Any global key (aws:...) is taken, as S3 takes it; an S3 key must be one
      // S3 defines and come with each action the statement names outright
      // (wildcard patterns are not held to it).
      const std::string_view key = condition.key;
      if (key.starts_with("s3:")) {
        if (S3ConditionKeyFor(key, "") == S3ConditionKeyUse::kUnknown) {
          return Malformed(std::string(kInvalidConditionKey));
        }
        if (actions != nullptr) {
          for (const std::string& action : *actions) {
            if (action.find_first_of("*?") != std::string::npos) continue;
            if (S3ConditionKeyFor(key, action) == S3ConditionKeyUse::kDoesNotApply) {
              return Malformed(std::string(kConditionNotApplicable));
            }
          }
        }
      } else if (!key.starts_with("aws:") || key.size() == 4) {
        return Malformed(std::string(kInvalidConditionKey));
      }
      if (values.is_array()) {
        if (values.get_array().empty()) return Malformed(std::string(kSyntax));
        for (const json::value& item : values.get_array()) {
          std::optional<std::string> text = ConditionValueText(item);
          if (!text) return Malformed(std::string(kSyntax));
          condition.values.push_back(std::move(*text));
        }
      } else {
        std::optional<std::string> text = ConditionValueText(values);
        if (!text) return Malformed(std::string(kSyntax));
        condition.values.push_back(std::move(*text));
      }
      // An address condition's values must be addresses or CIDR ranges,
      // whichever operator holds aws:SourceIp.
      const bool ip_operator =
          type->op == ConditionOperator::kIpAddress || type->op == ConditionOperator::kNotIpAddress;
      if (ip_operator || key == "aws:sourceip") {
        for (const std::string& v : condition.values) {
          if (!ParseCidr(v)) return Malformed(std::string(kInvalidIp));
        }
      }
      out.push_back(std::move(condition));
    }
  }
  return out;
}

Result<Statement> ParseStatement(const json::value& value, std::string_view bucket) {
  if (!value.is_object()) return Malformed(std::string(kSyntax));
  const json::value* effect = nullptr;
  const json::value* principal = nullptr;
  const json::value* action = nullptr;
  const json::value* resource = nullptr;
  const json::value* condition = nullptr;
  Statement out;
  for (const auto& [name, member] : value.get_object()) {
    const json::value** slot = nullptr;
    if (name == "Sid") {
      if (!member.is_string()) return Malformed(std::string(kSyntax));
      continue;
    } else if (name == "Effect") {
      slot = &effect;
    } else if (name == "Principal" || name == "NotPrincipal") {
      slot = &principal;
      out.not_principal = name == "NotPrincipal";
    } else if (name == "Action" || name == "NotAction") {
      slot = &action;
      out.scope.not_action = name == "NotAction";
    } else if (name == "Resource" || name == "NotResource") {
      slot = &resource;
      out.scope.not_resource = name == "NotResource";
    } else if (name == "Condition") {
      slot = &condition;
    } else {
      return Malformed("Unknown field " + std::string(name));
    }
    // "you cannot use both Action and NotAction in the same policy statement",
    // nor Principal and NotPrincipal, nor Resource and NotResource.
    if (*slot != nullptr) return Malformed(std::string(kSyntax));
    *slot = &member;
  }

  if (effect == nullptr) return Malformed(Missing("Effect"));
  if (!effect->is_string()) return Malformed(std::string(kSyntax));
  // "The Effect value is case sensitive."
  if (effect->get_string() == "Allow") {
    out.allow = true;
  } else if (effect->get_string() != "Deny") {
    return Malformed("Invalid effect: " + std::string(effect->get_string()));
  }

  // "The principal_block element is required in resource-based policies (for
  // example, in Amazon S3 bucket policies)".
  if (principal == nullptr) return Malformed(Missing("Principal"));
  std::optional<Principals> principals = ParsePrincipals(*principal);
  if (!principals) return Malformed(std::string(kInvalidPrincipal));
  // NotPrincipal goes with Deny: S3 refuses it with Allow.
  if (out.not_principal && out.allow) return Malformed(std::string(kInvalidPrincipal));
  out.principals = std::move(*principals);

  if (action == nullptr) return Malformed(Missing("Action"));
  std::optional<std::vector<std::string>> actions = Strings(*action);
  if (!actions) return Malformed(std::string(kSyntax));
  if (actions->empty()) return Malformed(Missing("Action"));
  for (const std::string& pattern : *actions) {
    if (!IsValidActionPattern(pattern)) return Malformed(std::string(kInvalidAction));
  }
  out.scope.actions = std::move(*actions);

  if (resource == nullptr) return Malformed(Missing("Resource"));
  std::optional<std::vector<std::string>> resources = Strings(*resource);
  if (!resources) return Malformed(std::string(kSyntax));
  if (resources->empty()) return Malformed(Missing("Resource"));
  for (const std::string& pattern : *resources) {
    if (!IsValidResource(pattern, bucket)) return Malformed(std::string(kInvalidResource));
  }
  out.scope.resources = std::move(*resources);

  // S3 reports a condition key that does not fit the actions before an action
  // that fits none of the resources.
  if (condition != nullptr) {
    Result<std::vector<PolicyCondition>> conditions =
        ParseConditions(*condition, out.scope.not_action ? nullptr : &out.scope.actions);
    if (!conditions) return conditions.error();
    out.scope.conditions = std::move(*conditions);
  }

  // Each action pattern must name an action that one of the resources can be.
  if (!out.scope.not_action && !out.scope.not_resource) {
    for (const std::string& pattern : out.scope.actions) {
      bool applies = false;
      for (const S3ActionInfo& known : S3Actions()) {
        if (!WildcardMatch(pattern, known.name, /*ignore_case=*/true)) continue;
        for (const std::string& r : out.scope.resources) {
          if (Reaches(r, known.kind)) applies = true;
        }
        if (applies) break;
      }
      if (!applies) return Malformed(std::string(kNotApplicable));
    }
  }
  return out;
}

bool PrincipalsInclude(const Principals& principals, const PolicyRequest& request) {
  if (principals.everyone) return true;
  if (!request.user_arn.empty()) {
    for (const std::string& arn : principals.iam_arns) {
      if (arn == request.user_arn) return true;
    }
  }
  if (!request.account_id.empty()) {
    for (const std::string& account : principals.accounts) {
      if (account == request.account_id) return true;
    }
  }
  if (!request.canonical_user_id.empty()) {
    for (const std::string& id : principals.canonical_users) {
      if (IEquals(id, request.canonical_user_id)) return true;
    }
  }
  return false;
}

bool StatementApplies(const Statement& statement, const PolicyRequest& request, bool variables) {
  if (PrincipalsInclude(statement.principals, request) == statement.not_principal) return false;
  return ScopeApplies(statement.scope, request.action, request.resource, request.context,
                      variables);
}

bool IsFixed(std::string_view value) {
  return value.find_first_of("*?") == std::string_view::npos && !HasPolicyVariable(value);
}

// s3:DataAccessPointArn "can contain a wildcard for the access point name
// without rendering the policy public, as long as the account ID is fixed".
bool IsFixedAccessPointArn(std::string_view value) {
  if (HasPolicyVariable(value)) return false;
  std::string_view rest = value;
  for (int i = 0; i < 5; ++i) {
    const std::size_t colon = rest.find(':');
    if (colon == std::string_view::npos) return false;
    if (!IsFixed(rest.substr(0, colon))) return false;
    rest.remove_prefix(colon + 1);
  }
  return rest.starts_with("accesspoint/");
}

// Whether a condition limits a statement to fixed values of a key that makes a
// grant non-public. A condition that a request without the key satisfies
// (...IfExists, ForAllValues:) or that excludes rather than names values
// (negated operators) limits nothing.
bool LimitsToFixedValues(const PolicyCondition& condition) {
  using Op = ConditionOperator;
  const ConditionType& type = condition.type;
  if (type.if_exists || type.set == ConditionSet::kForAllValues) return false;
  if (condition.key == "aws:sourceip") {
    // "Bucket policies that grant access conditioned on the aws:SourceIp
    // condition key with very broad IP ranges (for example, 0.0.0.0/1) are
    // evaluated as "public." This includes values broader than /8 for IPv4 and
    // /32 for IPv6".
    if (type.op != Op::kIpAddress) return false;
    for (const std::string& value : condition.values) {
      std::optional<IpRange> range = ParseCidr(value);
      if (!range || range->prefix < (range->v6 ? 32 : 8)) return false;
    }
    return true;
  }
  static constexpr std::string_view kFixingKeys[] = {
      "aws:sourcearn",
      "aws:sourcevpc",
      "aws:sourcevpce",
      "aws:sourceowner",
      "aws:sourceaccount",
      "aws:principalorgid",
      "aws:principalaccount",
      "aws:principalarn",
      "aws:userid",
      "s3:x-amz-server-side-encryption-aws-kms-key-id",
      "s3:dataaccesspointarn",
      "s3:dataaccesspointaccount"};
  bool fixing_key = false;
  for (std::string_view key : kFixingKeys) fixing_key = fixing_key || key == condition.key;
  if (!fixing_key) return false;
  switch (type.op) {
    case Op::kStringEquals:
    case Op::kStringEqualsIgnoreCase:
    case Op::kStringLike:
    case Op::kArnEquals:
    case Op::kArnLike:
      break;
    default:
      return false;
  }
  for (const std::string& value : condition.values) {
    const bool fixed =
        condition.key == "s3:dataaccesspointarn" ? IsFixedAccessPointArn(value) : IsFixed(value);
    if (!fixed) return false;
  }
  return true;
}

}  // namespace

BucketPolicy::BucketPolicy(std::shared_ptr<const Document> document)
    : document_(std::move(document)) {}

const std::string& BucketPolicy::text() const { return document_->text; }

Result<BucketPolicy> BucketPolicy::Parse(std::string_view text, std::string_view bucket) {
  if (text.empty() || text.front() != '{') return Malformed(std::string(kNotJsonObject));
  if (!IsWellFormedJson(text)) return Malformed(std::string(kInvalidJson));
  boost::system::error_code ec;
  const json::value root = json::parse(json::string_view(text.data(), text.size()), ec);
  if (ec || !root.is_object()) return Malformed(std::string(kInvalidJson));
  // S3 measures the document normalized; white space between tokens does not
  // count.
  if (json::serialize(root).size() > kMaxSize) return Malformed(std::string(kTooLarge));

  auto document = std::make_shared<Document>();
  document->text = std::string(text);
  const json::value* statement = nullptr;
  for (const auto& [name, member] : root.get_object()) {
    if (name == "Version") {
      if (!member.is_string()) return Malformed(std::string(kInvalidVersion));
      if (member.get_string() == "2012-10-17") {
        document->variables = true;
      } else if (member.get_string() != "2008-10-17") {
        return Malformed(std::string(kInvalidVersion));
      }
    } else if (name == "Id") {
      if (!member.is_string()) return Malformed(std::string(kSyntax));
    } else if (name == "Statement") {
      statement = &member;
    } else {
      return Malformed("Unknown field " + std::string(name));
    }
  }
  if (statement == nullptr) return Malformed(Missing("Statement"));
  std::vector<const json::value*> items;
  if (statement->is_array()) {
    if (statement->get_array().empty()) return Malformed(std::string(kEmptyStatement));
    for (const json::value& item : statement->get_array()) items.push_back(&item);
  } else if (statement->is_object()) {
    items.push_back(statement);
  } else {
    return Malformed(std::string(kSyntax));
  }
  for (const json::value* item : items) {
    Result<Statement> parsed = ParseStatement(*item, bucket);
    if (!parsed) return parsed.error();
    document->statements.push_back(std::move(*parsed));
  }
  return BucketPolicy(std::move(document));
}

PolicyEffect BucketPolicy::Evaluate(const PolicyRequest& request) const {
  bool allowed = false;
  for (const Statement& statement : document_->statements) {
    // Deny statements decide at once, so they need no further look.
    if (allowed && statement.allow) continue;
    if (!StatementApplies(statement, request, document_->variables)) continue;
    if (!statement.allow) return PolicyEffect::kDeny;
    allowed = true;
  }
  return allowed ? PolicyEffect::kAllow : PolicyEffect::kNone;
}

bool BucketPolicy::IsPublic() const {
  for (const Statement& statement : document_->statements) {
    if (!statement.allow || statement.not_principal) continue;
    // AWS's examples count a federated principal ("graph.facebook.com") as public.
    if (!statement.principals.everyone && statement.principals.federated.empty()) continue;
    bool limited = false;
    for (const PolicyCondition& condition : statement.scope.conditions) {
      limited = limited || LimitsToFixedValues(condition);
    }
    if (!limited) return true;
  }
  return false;
}

}  // namespace awslab::s3
