#include "emulator/s3/acl.h"

#include "emulator/base/strings.h"

namespace awslab::s3 {

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kRead: return "READ";
    case Permission::kWrite: return "WRITE";
    case Permission::kReadAcp: return "READ_ACP";
    case Permission::kWriteAcp: return "WRITE_ACP";
    case Permission::kFullControl: return "FULL_CONTROL";
  }
  return "READ";
}

std::optional<Permission> ParsePermission(std::string_view name) {
  for (Permission p : {Permission::kRead, Permission::kWrite, Permission::kReadAcp,
                       Permission::kWriteAcp, Permission::kFullControl})
    if (PermissionName(p) == name) return p;
  return std::nullopt;
}

std::string_view GroupUri(GranteeType type) {
  switch (type) {
    case GranteeType::kAllUsers: return kAllUsersUri;
    case GranteeType::kAuthenticatedUsers: return kAuthenticatedUsersUri;
    case GranteeType::kLogDelivery: return kLogDeliveryUri;
    case GranteeType::kAccount: break;
  }
  return {};
}

std::optional<GranteeType> GroupFromUri(std::string_view uri) {
  for (GranteeType t :
       {GranteeType::kAllUsers, GranteeType::kAuthenticatedUsers, GranteeType::kLogDelivery})
    if (GroupUri(t) == uri) return t;
  return std::nullopt;
}

std::optional<CannedAcl> ParseCannedAcl(std::string_view name) {
  static constexpr std::pair<std::string_view, CannedAcl> kNames[] = {
      {"private", CannedAcl::kPrivate},
      {"public-read", CannedAcl::kPublicRead},
      {"public-read-write", CannedAcl::kPublicReadWrite},
      {"aws-exec-read", CannedAcl::kAwsExecRead},
      {"authenticated-read", CannedAcl::kAuthenticatedRead},
      {"bucket-owner-read", CannedAcl::kBucketOwnerRead},
      {"bucket-owner-full-control", CannedAcl::kBucketOwnerFullControl},
      {"log-delivery-write", CannedAcl::kLogDeliveryWrite},
  };
  for (const auto& [n, acl] : kNames)
    if (n == name) return acl;
  return std::nullopt;
}

Grants CannedGrants(CannedAcl acl, std::string_view owner, std::string_view bucket_owner) {
  Grants g{{GranteeType::kAccount, std::string(owner), Permission::kFullControl}};
  auto group = [&](GranteeType t, Permission p) { g.push_back({t, {}, p}); };
  switch (acl) {
    case CannedAcl::kPrivate:
    case CannedAcl::kAwsExecRead:  // EC2's own READ grant has no grantee here
      break;
    case CannedAcl::kPublicRead:
      group(GranteeType::kAllUsers, Permission::kRead);
      break;
    case CannedAcl::kPublicReadWrite:
      group(GranteeType::kAllUsers, Permission::kRead);
      group(GranteeType::kAllUsers, Permission::kWrite);
      break;
    case CannedAcl::kAuthenticatedRead:
      group(GranteeType::kAuthenticatedUsers, Permission::kRead);
      break;
    case CannedAcl::kBucketOwnerRead:
      if (bucket_owner != owner)
        g.push_back({GranteeType::kAccount, std::string(bucket_owner), Permission::kRead});
      break;
    case CannedAcl::kBucketOwnerFullControl:
      if (bucket_owner != owner)
        g.push_back({GranteeType::kAccount, std::string(bucket_owner), Permission::kFullControl});
      break;
    case CannedAcl::kLogDeliveryWrite:
      group(GranteeType::kLogDelivery, Permission::kWrite);
      group(GranteeType::kLogDelivery, Permission::kReadAcp);
      break;
  }
  return g;
}

bool GrantsAllow(const Grants& grants, const AclCaller& caller, Permission needed,
                 bool ignore_public) {
  auto bits = static_cast<std::uint8_t>(needed);
  for (const Grant& g : grants) {
    if ((static_cast<std::uint8_t>(g.permission) & bits) != bits) continue;
    switch (g.type) {
      case GranteeType::kAccount:
        // account_id "" is the anonymous user: a grant to it is a grant to
        // every unsigned request.
        if (g.account_id == caller.account_id) return true;
        break;
      case GranteeType::kAllUsers:
        if (!ignore_public) return true;
        break;
      case GranteeType::kAuthenticatedUsers:
        if (!ignore_public && !caller.anonymous) return true;
        break;
      case GranteeType::kLogDelivery:
        break;
    }
  }
  return false;
}

bool IsPublic(const Grants& grants) {
  for (const Grant& g : grants)
    if (g.type == GranteeType::kAllUsers || g.type == GranteeType::kAuthenticatedUsers)
      return true;
  return false;
}

Result<std::vector<GranteeSpec>> ParseGrantHeader(std::string_view value) {
  std::vector<GranteeSpec> out;
  auto invalid = [&] {
    Error e = MakeError(ErrorCode::kInvalidArgument, "Invalid grant header value");
    return e;
  };
  auto skip_space = [&] {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
      value.remove_prefix(1);
  };
  skip_space();
  while (!value.empty()) {
    std::size_t eq = value.find('=');
    if (eq == std::string_view::npos) return invalid();
    std::string_view name = value.substr(0, eq);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    value.remove_prefix(eq + 1);
    skip_space();
    std::string_view v;
    if (!value.empty() && value.front() == '"') {
      std::size_t close = value.find('"', 1);
      if (close == std::string_view::npos) return invalid();
      v = value.substr(1, close - 1);
      value.remove_prefix(close + 1);
    } else {
      std::size_t comma = value.find(',');
      v = value.substr(0, comma);
      while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
      value.remove_prefix(comma == std::string_view::npos ? value.size() : comma);
    }
    GranteeSpec spec;
    if (IEquals(name, "id")) spec.kind = GranteeSpec::Kind::kId;
    else if (IEquals(name, "emailAddress")) spec.kind = GranteeSpec::Kind::kEmail;
    else if (IEquals(name, "uri")) spec.kind = GranteeSpec::Kind::kUri;
    else return invalid();
    spec.value = v;
    out.push_back(std::move(spec));
    skip_space();
    if (value.empty()) break;
    if (value.front() != ',') return invalid();
    value.remove_prefix(1);
    skip_space();
  }
  if (out.empty()) return invalid();
  return out;
}

std::optional<Grants> ResolveAcl(const AclSpec& spec, std::string_view owner,
                                 std::string_view bucket_owner) {
  Grants g;
  if (spec.grants) g = *spec.grants;
  else if (spec.canned) g = CannedGrants(*spec.canned, owner, bucket_owner);
  else return std::nullopt;
  if (g.size() == 1 && g[0] == Grant{GranteeType::kAccount, std::string(owner),
                                     Permission::kFullControl})
    return std::nullopt;
  return g;
}

}  // namespace awslab::s3
