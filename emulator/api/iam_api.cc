// IAM and STS: the Query frame (body, authentication, dispatch, error
// document), authorization of IAM users, and one handler per operation.
#include "emulator/api/iam_api.h"

#include <algorithm>
#include <charconv>
#include <functional>
#include <map>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"
#include "emulator/base/ids.h"
#include "emulator/protocol/query.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::api {
namespace {

using protocol::QueryParams;
using protocol::Request;
using protocol::Response;
using protocol::XmlWriter;

constexpr std::string_view kIamXmlns = "https://iam.amazonaws.com/doc/2010-05-08/";
constexpr std::string_view kStsXmlns = "https://sts.amazonaws.com/doc/2011-06-15/";
constexpr std::string_view kIamVersion = "2010-05-08";
constexpr std::string_view kStsVersion = "2011-06-15";

// One request being served.
struct Call {
  std::string_view action;
  const QueryParams& params;
  iam::IamStore& store;
  const Principal& principal;
  XmlWriter& out;
  bool result_open = false;

  const std::string& account() const { return principal.account_id; }
  bool root() const { return principal.user_name.empty(); }
  // Opens <ActionResult>; the frame closes it.
  XmlWriter& Result() {
    if (!result_open) out.Open(std::string(action) + "Result");
    result_open = true;
    return out;
  }
  // The caller's ARN, as AWS names it in AccessDenied and GetCallerIdentity.
  std::string CallerArn() const {
    if (root()) return "arn:aws:iam::" + account() + ":root";
    auto user = store.GetUser(account(), principal.user_name);
    return user ? user->arn : iam::IamStore::UserArn(account(), "/", principal.user_name);
  }
  // The root user may do anything in its account; an IAM user what its
  // identity policies allow.
  // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
  Status Authorize(const std::string& resource) const {
    if (root()) return Ok();
    const std::string permission = "iam:" + std::string(action);
    iam::Decision d = store.Evaluate(account(), principal.user_name, permission, resource);
    if (d == iam::Decision::kAllow) return Ok();
    // AWS's words, with the reason it gives today.
    std::string message = "User: " + CallerArn() + " is not authorized to perform: " +
                          permission + " on resource: " + resource;
    message += d == iam::Decision::kDeny
                   ? " with an explicit deny in an identity-based policy"
                   : " because no identity-based policy allows the " + permission + " action";
    return MakeError(ErrorCode::kAccessDenied, std::move(message));
  }
  std::string UserResource(std::string_view name) const {
    auto user = store.GetUser(account(), name);
    return user ? user->arn : iam::IamStore::UserArn(account(), "/", name);
  }
  std::string GroupResource(std::string_view name) const {
    auto group = store.GetGroup(account(), name);
    return group ? group->arn : iam::IamStore::GroupArn(account(), "/", name);
  }
};

using Handler = Status (*)(Call&);

// "1 validation error detected: Value 'x' at 'userName' failed to satisfy
// constraint: Member must ..." — AWS's ValidationError for a parameter.
Error Invalid(std::string_view member, const std::string* value, std::string_view constraint) {
  std::string shown = value ? "'" + *value + "'" : "null";
  return MakeError(ErrorCode::kValidationError,
                   "1 validation error detected: Value " + shown + " at '" + std::string(member) +
                       "' failed to satisfy constraint: Member must " + std::string(constraint));
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

// A name of IAM's pattern [\w+=,.@-]+ of at most `max` characters:
// userName, groupName, policyName.
Result<std::string> Name(const Call& c, std::string_view param, std::string_view member,
                         std::size_t max) {
  const std::string* v = c.params.Get(param);
  if (!v) return Invalid(member, v, "not be null");
  if (v->empty()) return Invalid(member, v, "have length greater than or equal to 1");
  if (v->size() > max)
    return Invalid(member, v, "have length less than or equal to " + std::to_string(max));
  if (!std::all_of(v->begin(), v->end(), IsNameChar))
    return Invalid(member, v, "satisfy regular expression pattern: [\\w+=,.@-]+");
  return *v;
}

// The optional user name of the access-key operations: the caller itself
// when absent ("If you do not specify a user name, IAM determines the user
// name implicitly based on the Amazon Web Services access key ID signing the
// request"). Empty for the root user, which has no IAM user.
Result<std::string> UserNameOrCaller(const Call& c) {
  if (c.params.Has("UserName")) return Name(c, "UserName", "userName", 128);
  return c.principal.user_name;
}

// A path: "/" or "/.../" of printable ASCII, at most 512 characters.
Result<std::string> Path(const Call& c, std::string_view param) {
  const std::string* v = c.params.Get(param);
  if (!v) return std::string("/");
  bool ok = !v->empty() && v->size() <= 512 && v->front() == '/' && v->back() == '/';
  for (char ch : *v) ok = ok && ch >= 0x21 && ch <= 0x7E;
  if (!ok)
    return Invalid(param == "PathPrefix" ? "pathPrefix" : "path", v,
                   "satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)");
  return *v;
}

Result<std::string> PolicyArn(const Call& c) {
  const std::string* v = c.params.Get("PolicyArn");
  if (!v) return Invalid("policyArn", v, "not be null");
  if (v->size() < 20) return Invalid("policyArn", v, "have length greater than or equal to 20");
  return *v;
}

// MaxItems and Marker: the marker is the index of the next item.
struct Page {
  std::size_t begin = 0, end = 0;
  bool truncated = false;
};
Result<Page> Paginate(const Call& c, std::size_t total) {
  Page page;
  std::size_t max = 100;  // "If you do not include this parameter, the number of items defaults to 100."
  if (const std::string* m = c.params.Get("MaxItems")) {
    int n = 0;
    auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), n);
    if (ec != std::errc() || p != m->data() + m->size() || n < 1 || n > 1000)
      return Invalid("maxItems", m, "have value between 1 and 1000");
    max = static_cast<std::size_t>(n);
  }
  if (const std::string* marker = c.params.Get("Marker")) {
    std::size_t at = 0;
    auto [p, ec] = std::from_chars(marker->data(), marker->data() + marker->size(), at);
    if (ec != std::errc() || p != marker->data() + marker->size() || at > total)
      return MakeError(ErrorCode::kInvalidInput, "Invalid Marker.");
    page.begin = at;
  }
  page.end = std::min(total, page.begin + max);
  page.truncated = page.end < total;
  return page;
}
void EndPage(XmlWriter& out, const Page& page) {
  out.Bool("IsTruncated", page.truncated);
  if (page.truncated) out.Leaf("Marker", std::to_string(page.end));
}

void WriteUser(XmlWriter& out, const iam::User& u) {
  out.Leaf("Path", u.path);
  out.Leaf("UserName", u.name);
  out.Leaf("UserId", u.id);
  out.Leaf("Arn", u.arn);
  out.Leaf("CreateDate", FormatIso8601Seconds(u.created));
}
void WriteGroup(XmlWriter& out, const iam::Group& g) {
  out.Leaf("Path", g.path);
  out.Leaf("GroupName", g.name);
  out.Leaf("GroupId", g.id);
  out.Leaf("Arn", g.arn);
  out.Leaf("CreateDate", FormatIso8601Seconds(g.created));
}
template <class T, class Write>
Status WriteList(Call& c, std::string_view element, const std::vector<T>& items, Write write) {
  auto page = Paginate(c, items.size());
  if (!page) return page.error();
  XmlWriter& out = c.Result();
  out.Open(element);
  for (std::size_t i = page->begin; i < page->end; ++i) {
    out.Open("member");
    write(out, items[i]);
    out.Close();
  }
  out.Close();
  EndPage(out, *page);
  return Ok();
}
void WriteAttached(XmlWriter& out, const std::string& arn) {
  out.Leaf("PolicyName", arn.substr(arn.rfind('/') + 1));
  out.Leaf("PolicyArn", arn);
}

// --- Users ---------------------------------------------------------------

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
Status CreateUser(Call& c) {
  auto name = Name(c, "UserName", "userName", 64);
  if (!name) return name.error();
  auto path = Path(c, "Path");
  if (!path) return path.error();
  if (auto st = c.Authorize(iam::IamStore::UserArn(c.account(), *path, *name)); !st) return st;
  auto user = c.store.CreateUser(c.account(), *name, *path);
  if (!user) return user.error();
  c.Result().Open("User");
  WriteUser(c.out, *user);
  c.out.Close();
  return Ok();
}

// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html
// "If you do not specify a user name, IAM determines the user name implicitly
// based on the Amazon Web Services access key ID used to sign the request."
Status GetUser(Call& c) {
  auto name = UserNameOrCaller(c);
  if (!name) return name.error();
  if (name->empty()) {  // the root user: its account id and root ARN
    c.Result().Open("User");
    c.out.Leaf("UserId", c.account());
    c.out.Leaf("Arn", c.CallerArn());
    c.out.Leaf("CreateDate", FormatIso8601Seconds(TimePoint{}));
    c.out.Close();
    return Ok();
  }
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto user = c.store.GetUser(c.account(), *name);
  if (!user) return user.error();
  c.Result().Open("User");
  WriteUser(c.out, *user);
  c.out.Close();
  return Ok();
}

Status ListUsers(Call& c) {
  auto prefix = Path(c, "PathPrefix");
  if (!prefix) return prefix.error();
  if (auto st = c.Authorize("arn:aws:iam::" + c.account() + ":user/"); !st) return st;
  std::vector<iam::User> users;
  for (auto& u : c.store.ListUsers(c.account()))
    if (u.path.starts_with(*prefix)) users.push_back(std::move(u));
  return WriteList(c, "Users", users, WriteUser);
}

Status DeleteUser(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return c.store.DeleteUser(c.account(), *name);
}

// --- Access keys ---------------------------------------------------------

// The root user's own keys are the accounts file's (--accounts) and the admin
// API's, not IAM's: an operation on them without a UserName is refused.
Error RootKeysNotHere() {
  return MakeError(ErrorCode::kValidationError,
                   "The root user's access keys are managed with the accounts file or the "
                   "awslab admin API; name an IAM user with UserName");
}

void WriteKeyMetadata(XmlWriter& out, const iam::UserAccessKey& k) {
  out.Leaf("UserName", k.user_name);
  out.Leaf("AccessKeyId", k.id);
  out.Leaf("Status", k.active ? "Active" : "Inactive");
  out.Leaf("CreateDate", FormatIso8601Seconds(k.created));
}

Status CreateAccessKey(Call& c) {
  auto name = UserNameOrCaller(c);
  if (!name) return name.error();
  if (name->empty()) return RootKeysNotHere();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto key = c.store.CreateAccessKey(c.account(), *name);
  if (!key) return key.error();
  XmlWriter& out = c.Result();
  out.Open("AccessKey");
  out.Leaf("UserName", key->user_name);
  out.Leaf("AccessKeyId", key->id);
  out.Leaf("Status", "Active");
  out.Leaf("SecretAccessKey", key->secret);
  out.Leaf("CreateDate", FormatIso8601Seconds(key->created));
  out.Close();
  return Ok();
}

Status ListAccessKeys(Call& c) {
  auto name = UserNameOrCaller(c);
  if (!name) return name.error();
  std::vector<iam::UserAccessKey> keys;
  if (!name->empty()) {
    if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
    auto listed = c.store.ListAccessKeys(c.account(), *name);
    if (!listed) return listed.error();
    keys = std::move(*listed);
    c.Result().Leaf("UserName", *name);
  }
  return WriteList(c, "AccessKeyMetadata", keys, WriteKeyMetadata);
}

Result<std::string> AccessKeyId(const Call& c) {
  const std::string* v = c.params.Get("AccessKeyId");
  if (!v) return Invalid("accessKeyId", v, "not be null");
  if (v->size() < 16 || v->size() > 128)
    return Invalid("accessKeyId", v, "have length greater than or equal to 16");
  return *v;
}

Status UpdateAccessKey(Call& c) {
  auto name = UserNameOrCaller(c);
  if (!name) return name.error();
  auto id = AccessKeyId(c);
  if (!id) return id.error();
  const std::string* status = c.params.Get("Status");
  if (!status) return Invalid("status", status, "not be null");
  if (*status != "Active" && *status != "Inactive")
    return Invalid("status", status, "satisfy enum value set: [Active, Inactive]");
  if (name->empty()) return RootKeysNotHere();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return c.store.UpdateAccessKey(c.account(), *name, *id, *status == "Active");
}

Status DeleteAccessKey(Call& c) {
  auto name = UserNameOrCaller(c);
  if (!name) return name.error();
  auto id = AccessKeyId(c);
  if (!id) return id.error();
  if (name->empty()) return RootKeysNotHere();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return c.store.DeleteAccessKey(c.account(), *name, *id);
}

// --- Groups --------------------------------------------------------------

Status CreateGroup(Call& c) {
  auto name = Name(c, "GroupName", "groupName", 128);
  if (!name) return name.error();
  auto path = Path(c, "Path");
  if (!path) return path.error();
  if (auto st = c.Authorize(iam::IamStore::GroupArn(c.account(), *path, *name)); !st) return st;
  auto group = c.store.CreateGroup(c.account(), *name, *path);
  if (!group) return group.error();
  c.Result().Open("Group");
  WriteGroup(c.out, *group);
  c.out.Close();
  return Ok();
}

Status GetGroup(Call& c) {
  auto name = Name(c, "GroupName", "groupName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.GroupResource(*name)); !st) return st;
  auto group = c.store.GetGroup(c.account(), *name);
  if (!group) return group.error();
  auto members = c.store.GroupMembers(c.account(), *name);
  if (!members) return members.error();
  c.Result().Open("Group");
  WriteGroup(c.out, *group);
  c.out.Close();
  return WriteList(c, "Users", *members, WriteUser);
}

Status ListGroups(Call& c) {
  auto prefix = Path(c, "PathPrefix");
  if (!prefix) return prefix.error();
  if (auto st = c.Authorize("arn:aws:iam::" + c.account() + ":group/"); !st) return st;
  std::vector<iam::Group> groups;
  for (auto& g : c.store.ListGroups(c.account()))
    if (g.path.starts_with(*prefix)) groups.push_back(std::move(g));
  return WriteList(c, "Groups", groups, WriteGroup);
}

Status DeleteGroup(Call& c) {
  auto name = Name(c, "GroupName", "groupName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.GroupResource(*name)); !st) return st;
  return c.store.DeleteGroup(c.account(), *name);
}

// AddUserToGroup and RemoveUserFromGroup act on the group (their resource).
Status GroupMembership(Call& c, bool add) {
  auto group = Name(c, "GroupName", "groupName", 128);
  if (!group) return group.error();
  auto user = Name(c, "UserName", "userName", 128);
  if (!user) return user.error();
  if (auto st = c.Authorize(c.GroupResource(*group)); !st) return st;
  return add ? c.store.AddUserToGroup(c.account(), *group, *user)
             : c.store.RemoveUserFromGroup(c.account(), *group, *user);
}
Status AddUserToGroup(Call& c) { return GroupMembership(c, true); }
Status RemoveUserFromGroup(Call& c) { return GroupMembership(c, false); }

Status ListGroupsForUser(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto groups = c.store.ListGroupsForUser(c.account(), *name);
  if (!groups) return groups.error();
  return WriteList(c, "Groups", *groups, WriteGroup);
}

// --- Managed policies ----------------------------------------------------

Status UserPolicyAttachment(Call& c, bool attach) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  auto arn = PolicyArn(c);
  if (!arn) return arn.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return attach ? c.store.AttachUserPolicy(c.account(), *name, *arn)
                : c.store.DetachUserPolicy(c.account(), *name, *arn);
}
Status AttachUserPolicy(Call& c) { return UserPolicyAttachment(c, true); }
Status DetachUserPolicy(Call& c) { return UserPolicyAttachment(c, false); }

Status GroupPolicyAttachment(Call& c, bool attach) {
  auto name = Name(c, "GroupName", "groupName", 128);
  if (!name) return name.error();
  auto arn = PolicyArn(c);
  if (!arn) return arn.error();
  if (auto st = c.Authorize(c.GroupResource(*name)); !st) return st;
  return attach ? c.store.AttachGroupPolicy(c.account(), *name, *arn)
                : c.store.DetachGroupPolicy(c.account(), *name, *arn);
}
Status AttachGroupPolicy(Call& c) { return GroupPolicyAttachment(c, true); }
Status DetachGroupPolicy(Call& c) { return GroupPolicyAttachment(c, false); }

Status ListAttachedUserPolicies(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto user = c.store.GetUser(c.account(), *name);
  if (!user) return user.error();
  return WriteList(c, "AttachedPolicies", user->attached_policies, WriteAttached);
}

Status ListAttachedGroupPolicies(Call& c) {
  auto name = Name(c, "GroupName", "groupName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.GroupResource(*name)); !st) return st;
  auto group = c.store.GetGroup(c.account(), *name);
  if (!group) return group.error();
  return WriteList(c, "AttachedPolicies", group->attached_policies, WriteAttached);
}

// --- Inline policies -----------------------------------------------------

Status PutUserPolicy(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  auto policy = Name(c, "PolicyName", "policyName", 128);
  if (!policy) return policy.error();
  const std::string* document = c.params.Get("PolicyDocument");
  if (!document) return Invalid("policyDocument", document, "not be null");
  if (document->empty() || document->size() > 131072)
    return Invalid("policyDocument", document, "have length less than or equal to 131072");
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return c.store.PutUserPolicy(c.account(), *name, *policy, *document);
}

// "The policy document returned in this structure is URL-encoded compliant
// with RFC 3986"; the SDKs decode it.
Status GetUserPolicy(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  auto policy = Name(c, "PolicyName", "policyName", 128);
  if (!policy) return policy.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto user = c.store.GetUser(c.account(), *name);
  if (!user) return user.error();
  auto document = c.store.GetUserPolicy(c.account(), *name, *policy);
  if (!document) return document.error();
  XmlWriter& out = c.Result();
  out.Leaf("UserName", user->name);
  out.Leaf("PolicyName", *policy);
  out.Leaf("PolicyDocument", sigv4::UriEncode(*document, /*encode_slash=*/true));
  return Ok();
}

Status ListUserPolicies(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  auto user = c.store.GetUser(c.account(), *name);
  if (!user) return user.error();
  std::vector<std::string> names;
  for (const auto& [policy, doc] : user->inline_policies) names.push_back(policy);
  auto page = Paginate(c, names.size());
  if (!page) return page.error();
  XmlWriter& out = c.Result();
  out.Open("PolicyNames");
  for (std::size_t i = page->begin; i < page->end; ++i) out.Leaf("member", names[i]);
  out.Close();
  EndPage(out, *page);
  return Ok();
}

Status DeleteUserPolicy(Call& c) {
  auto name = Name(c, "UserName", "userName", 128);
  if (!name) return name.error();
  auto policy = Name(c, "PolicyName", "policyName", 128);
  if (!policy) return policy.error();
  if (auto st = c.Authorize(c.UserResource(*name)); !st) return st;
  return c.store.DeleteUserPolicy(c.account(), *name, *policy);
}

// --- STS -----------------------------------------------------------------

// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
// "No permissions are required to perform this operation." The root user's
// UserId is its account id.
Status GetCallerIdentity(Call& c) {
  std::string user_id = c.account();
  if (!c.root()) {
    auto user = c.store.GetUser(c.account(), c.principal.user_name);
    if (user) user_id = user->id;
  }
  XmlWriter& out = c.Result();
  out.Leaf("Arn", c.CallerArn());
  out.Leaf("UserId", user_id);
  out.Leaf("Account", c.account());
  return Ok();
}

const std::map<std::string_view, Handler>& IamHandlers() {
  static const std::map<std::string_view, Handler> handlers = {
      {"CreateUser", CreateUser},
      {"GetUser", GetUser},
      {"ListUsers", ListUsers},
      {"DeleteUser", DeleteUser},
      {"CreateAccessKey", CreateAccessKey},
      {"ListAccessKeys", ListAccessKeys},
      {"UpdateAccessKey", UpdateAccessKey},
      {"DeleteAccessKey", DeleteAccessKey},
      {"CreateGroup", CreateGroup},
      {"GetGroup", GetGroup},
      {"ListGroups", ListGroups},
      {"DeleteGroup", DeleteGroup},
      {"AddUserToGroup", AddUserToGroup},
      {"RemoveUserFromGroup", RemoveUserFromGroup},
      {"ListGroupsForUser", ListGroupsForUser},
      {"AttachUserPolicy", AttachUserPolicy},
      {"DetachUserPolicy", DetachUserPolicy},
      {"ListAttachedUserPolicies", ListAttachedUserPolicies},
      {"AttachGroupPolicy", AttachGroupPolicy},
      {"DetachGroupPolicy", DetachGroupPolicy},
      {"ListAttachedGroupPolicies", ListAttachedGroupPolicies},
      {"PutUserPolicy", PutUserPolicy},
      {"GetUserPolicy", GetUserPolicy},
      {"ListUserPolicies", ListUserPolicies},
      {"DeleteUserPolicy", DeleteUserPolicy},
  };
  return handlers;
}

const std::map<std::string_view, Handler>& StsHandlers() {
  static const std::map<std::string_view, Handler> handlers = {
      {"GetCallerIdentity", GetCallerIdentity},
  };
  return handlers;
}

// IAM's and STS's error document:
// <ErrorResponse><Error><Type>Sender</Type><Code/><Message/></Error><RequestId/></ErrorResponse>
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
Response ErrorResponse(const Error& error, std::string_view xmlns, const std::string& request_id) {
  const ErrorInfo& info =
      Describe(error.code == ErrorCode::kSlowDown ? ErrorCode::kServiceUnavailable : error.code);
  int status = info.http_status;
  if (error.code == ErrorCode::kAccessDenied || error.code == ErrorCode::kSignatureDoesNotMatch)
    status = 403;
  XmlWriter w;
  w.Open("ErrorResponse", xmlns);
  w.Open("Error");
  w.Leaf("Type", status >= 500 ? "Receiver" : "Sender");
  w.Leaf("Code", info.code);
  w.Leaf("Message", protocol::xml::ErrorText(error.Message()));
  w.Close();
  w.Leaf("RequestId", request_id);
  Response r;
  r.status = status;
  r.body = w.Take();
  r.SetHeader("Content-Type", "text/xml");
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

// Authentication errors in IAM's and STS's words.
Error AsIamError(Error error) {
  switch (error.code) {
    case ErrorCode::kInvalidAccessKeyId:
      return MakeError(ErrorCode::kInvalidClientTokenId);
    case ErrorCode::kSignatureDoesNotMatch:
      return MakeError(ErrorCode::kSignatureDoesNotMatch,
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method. Consult "
                       "the service documentation for details.");
    case ErrorCode::kRequestTimeTooSkewed:
      return MakeError(ErrorCode::kSignatureDoesNotMatch,
                       "Signature expired: the request time is more than 15 minutes off the "
                       "server's.");
    default:
      return error;
  }
}

}  // namespace

bool IamApi::Claims(const Request& request) {
  const std::string* authz = request.Header("authorization");
  return authz && (authz->find("/iam/aws4_request") != std::string::npos ||
                   authz->find("/sts/aws4_request") != std::string::npos);
}

std::unique_ptr<Exchange> IamApi::Begin(Request request) {
  return std::make_unique<WholeBodyExchange>(
      std::move(request), 1 << 20,
      [this](bool complete, const Request& r, const std::string& body) {
        if (!complete)
          return ErrorResponse(MakeError(ErrorCode::kIncompleteBody), kIamXmlns, NewUuid());
        return Handle(r, body);
      });
}

Response IamApi::Handle(const Request& request, const std::string& body) {
  const std::string request_id = NewUuid();
  const std::string* authz = request.Header("authorization");
  const bool sts = authz && authz->find("/sts/aws4_request") != std::string::npos;
  const std::string_view xmlns = sts ? kStsXmlns : kIamXmlns;
  auto auth = auth_.AuthenticateSignedBody(request.raw, crypto::Sha256Hex(body));
  if (!auth) return ErrorResponse(AsIamError(auth.error()), xmlns, request_id);
  if (auth->principal.anonymous())
    return ErrorResponse(MakeError(ErrorCode::kInvalidClientTokenId), xmlns, request_id);
  std::optional<QueryParams> params = request.raw.method == "POST"
                                          ? QueryParams::Parse(body)
                                          : QueryParams::Parse(request.raw.query);
  if (!params)
    return ErrorResponse(MakeError(ErrorCode::kInvalidInput, "Malformed form encoding"), xmlns,
                         request_id);
  const std::string* action = params->Get("Action");
  if (!action) return ErrorResponse(MakeError(ErrorCode::kMissingAction), xmlns, request_id);
  const auto& handlers = sts ? StsHandlers() : IamHandlers();
  auto it = handlers.find(*action);
  if (it == handlers.end())
    return ErrorResponse(
        MakeError(ErrorCode::kInvalidAction, "Could not find operation " + *action +
                                                 " for version " +
                                                 std::string(sts ? kStsVersion : kIamVersion)),
        xmlns, request_id);

  XmlWriter out;
  out.Open(*action + "Response", xmlns);
  Call call{*action, *params, store_, auth->principal, out};
  if (Status st = it->second(call); !st) return ErrorResponse(st.error(), xmlns, request_id);
  if (call.result_open) out.Close();
  out.Open("ResponseMetadata");
  out.Leaf("RequestId", request_id);
  out.Close();
  Response r;
  r.body = out.Take();
  r.SetHeader("Content-Type", "text/xml");
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

}  // namespace awslab::api
