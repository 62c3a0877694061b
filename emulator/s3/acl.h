// Access control lists: who besides the owner may do what with a bucket or an
// object. Pure values; the access decision that combines them with bucket
// policies is in access.h.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html
//
// Grantees are kept by account id (the canonical user id is derived from it
// when the ACL is shown), so that a check never hashes anything. The empty
// account id is the anonymous user, the owner of objects written
// anonymously into a public-read-write bucket.
#ifndef AWSLAB_EMULATOR_S3_ACL_H_
#define AWSLAB_EMULATOR_S3_ACL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::s3 {

// "READ, WRITE, READ_ACP, WRITE_ACP, FULL_CONTROL"; FULL_CONTROL is all four.
enum class Permission : std::uint8_t {
  kRead = 1,
  kWrite = 2,
  kReadAcp = 4,
  kWriteAcp = 8,
  kFullControl = 15,
};
std::string_view PermissionName(Permission p);
std::optional<Permission> ParsePermission(std::string_view name);

enum class GranteeType : std::uint8_t {
  kAccount = 1,             // a canonical user (an account, or the anonymous user)
  kAllUsers = 2,            // http://acs.amazonaws.com/groups/global/AllUsers
  kAuthenticatedUsers = 3,  // http://acs.amazonaws.com/groups/global/AuthenticatedUsers
  kLogDelivery = 4,         // http://acs.amazonaws.com/groups/s3/LogDelivery
};
inline constexpr std::string_view kAllUsersUri = "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr std::string_view kAuthenticatedUsersUri =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
inline constexpr std::string_view kLogDeliveryUri = "http://acs.amazonaws.com/groups/s3/LogDelivery";
// The canonical id S3 shows for the anonymous user.
inline constexpr std::string_view kAnonymousCanonicalId = "65a011a29cdf8ec533ec3d1ccaae921c";

std::string_view GroupUri(GranteeType type);  // "" for kAccount
std::optional<GranteeType> GroupFromUri(std::string_view uri);

struct Grant {
  GranteeType type = GranteeType::kAccount;
  std::string account_id;  // kAccount only; "" is the anonymous user
  Permission permission = Permission::kRead;
  bool operator==(const Grant&) const = default;
};
using Grants = std::vector<Grant>;

// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#canned-acl
enum class CannedAcl {
  kPrivate,
  kPublicRead,
  kPublicReadWrite,
  kAwsExecRead,
  kAuthenticatedRead,
  kBucketOwnerRead,
  kBucketOwnerFullControl,
  kLogDeliveryWrite,
};
std::optional<CannedAcl> ParseCannedAcl(std::string_view name);

// The grants of a canned ACL for a resource owned by `owner` in a bucket
// owned by `bucket_owner` (the same for a bucket).
// "bucket-owner-read / -full-control: ... If you specify this canned ACL when
// creating a bucket, Amazon S3 ignores it."
Grants CannedGrants(CannedAcl acl, std::string_view owner, std::string_view bucket_owner);

// Who asks, for an ACL: an account, or nobody (anonymous).
struct AclCaller {
  std::string_view account_id;  // "" when anonymous
  bool anonymous = true;
};

// Whether `grants` give `caller` the permission `needed`. With
// `ignore_public` (Block Public Access's IgnorePublicAcls) grants to the
// AllUsers and AuthenticatedUsers groups count for nothing.
bool GrantsAllow(const Grants& grants, const AclCaller& caller, Permission needed,
                 bool ignore_public = false);
// A grant to AllUsers or AuthenticatedUsers: what Block Public Access calls public.
bool IsPublic(const Grants& grants);

// The grantees of one x-amz-grant-* header before they are resolved:
//   x-amz-grant-read: id="1234…", emailAddress="a@b.c", uri="http://acs…/AllUsers"
struct GranteeSpec {
  enum class Kind { kId, kEmail, kUri } kind;
  std::string value;
};
// InvalidArgument for a value that is not a list of key="value" pairs.
Result<std::vector<GranteeSpec>> ParseGrantHeader(std::string_view value);

// The x-amz-grant-* headers and the permission each one grants.
struct GrantHeader {
  std::string_view name;
  Permission permission;
};
inline constexpr GrantHeader kGrantHeaders[] = {
    {"x-amz-grant-read", Permission::kRead},
    {"x-amz-grant-write", Permission::kWrite},
    {"x-amz-grant-read-acp", Permission::kReadAcp},
    {"x-amz-grant-write-acp", Permission::kWriteAcp},
    {"x-amz-grant-full-control", Permission::kFullControl},
};

// An ACL as a request asks for it, before the owner is known: a canned ACL
// (x-amz-acl) or explicit grants (x-amz-grant-* headers or an
// AccessControlPolicy document, grantees already resolved to accounts).
struct AclSpec {
  std::optional<CannedAcl> canned;
  std::string canned_name;  // as sent
  std::optional<Grants> grants;
  bool given() const { return canned.has_value() || grants.has_value(); }
};

// The grants `spec` gives a resource owned by `owner` in a bucket owned by
// `bucket_owner`; nullopt when that is the default (owner FULL_CONTROL only).
std::optional<Grants> ResolveAcl(const AclSpec& spec, std::string_view owner,
                                 std::string_view bucket_owner);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_ACL_H_
