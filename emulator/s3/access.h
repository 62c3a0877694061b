// The one place that decides whether a request may do what it asks: bucket
// policy, ownership, ACLs and Block Public Access combined as S3 does.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html
//
// The principals are accounts (their root user), their IAM users and the
// anonymous principal; an account's own resources need no policy to be used
// by its root user.
//   1. An explicit Deny in the bucket policy refuses (the bucket owner may
//      still read, change and delete the policy itself).
//   2. Bucket-level permissions (listing, writing and deleting objects, the
//      bucket's ACL): the bucket owner, or a policy Allow, or a grant of the
//      bucket's ACL (READ lists, WRITE creates and deletes objects).
//   3. Object-level permissions (reading an object, its ACL): "the object
//      ACL alone" for objects of other accounts: the object owner, or a grant
//      of the object's ACL, or a policy Allow when the bucket owner owns the
//      object. With BucketOwnerEnforced the bucket owner owns every object
//      and ACLs decide nothing.
//   4. Block Public Access: IgnorePublicAcls drops grants to AllUsers and
//      AuthenticatedUsers; RestrictPublicBuckets drops a public policy's
//      Allow for anyone outside the bucket owner's account.
// An IAM user's request is also decided by its identity policies, as S3
// evaluates a user's request in the user context and then the bucket's
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-auth-workflow-bucket-operation.html):
//   - an explicit Deny in its policies, or in the bucket policy naming the
//     user or its account, refuses;
//   - when its policies allow the action, it acts as its account (1-4);
//   - when they do not, only what grants the user itself or everyone counts
//     (a bucket policy naming its ARN or "*", public ACL grants), and only
//     in its own account's buckets: another account's bucket needs the
//     user's own account to allow it first.
#ifndef AWSLAB_EMULATOR_S3_ACCESS_H_
#define AWSLAB_EMULATOR_S3_ACCESS_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/base/principal.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/records.h"

namespace awslab::iam {
class IamStore;
}

namespace awslab::s3 {

// Who asks, and the facts about the request that policy conditions test.
struct Caller {
  Principal principal;
  // The identity policies of principal.user_name (an IAM user); nullptr for
  // an account's root user and the anonymous one.
  const iam::IamStore* iam = nullptr;
  std::string source_ip;
  bool secure_transport = false;
  std::string referer;     // empty: no Referer header
  std::string user_agent;  // empty: no User-Agent header
  std::string acl_header;  // x-amz-acl as sent (condition key s3:x-amz-acl)

  Caller() = default;
  Caller(Principal p) : principal(std::move(p)) {}  // NOLINT: a bare principal is a caller
  bool anonymous() const { return principal.anonymous(); }
  const std::string& account_id() const { return principal.account_id; }
};

// Which ACL may grant an action.
enum class AclScope : std::uint8_t { kNone, kBucket, kObject };

// An S3 permission as policies name it, and what else grants it.
struct Action {
  std::string_view name;  // "s3:GetObject"
  bool object_level;      // its resource is "arn:aws:s3:::bucket/key"
  AclScope acl_scope;
  Permission acl_permission;
  // Object-level actions the bucket owner may do on any object (uploads
  // another account started: ListParts, AbortMultipartUpload).
  bool bucket_owner_too = false;
  // Only the bucket owner's account, whatever the policy allows (the
  // policy itself, Block Public Access, Object Ownership).
  bool owner_only = false;
};

namespace action {
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html#permissions
using P = Permission;
inline constexpr Action kListBucket{"s3:ListBucket", false, AclScope::kBucket, P::kRead};
inline constexpr Action kListBucketMultipartUploads{"s3:ListBucketMultipartUploads", false,
                                                    AclScope::kBucket, P::kRead};
inline constexpr Action kGetBucketLocation{"s3:GetBucketLocation", false, AclScope::kNone, P::kRead};
inline constexpr Action kDeleteBucket{"s3:DeleteBucket", false, AclScope::kNone, P::kWrite};
inline constexpr Action kGetBucketAcl{"s3:GetBucketAcl", false, AclScope::kBucket, P::kReadAcp};
inline constexpr Action kPutBucketAcl{"s3:PutBucketAcl", false, AclScope::kBucket, P::kWriteAcp};
inline constexpr Action kGetBucketTagging{"s3:GetBucketTagging", false, AclScope::kNone, P::kRead};
inline constexpr Action kPutBucketTagging{"s3:PutBucketTagging", false, AclScope::kNone, P::kWrite};
inline constexpr Action kGetBucketCors{"s3:GetBucketCORS", false, AclScope::kNone, P::kRead};
inline constexpr Action kPutBucketCors{"s3:PutBucketCORS", false, AclScope::kNone, P::kWrite};
inline constexpr Action kGetBucketPolicy{"s3:GetBucketPolicy", false, AclScope::kNone, P::kRead,
                                         false, true};
inline constexpr Action kPutBucketPolicy{"s3:PutBucketPolicy", false, AclScope::kNone, P::kWrite,
                                         false, true};
inline constexpr Action kDeleteBucketPolicy{"s3:DeleteBucketPolicy", false, AclScope::kNone,
                                            P::kWrite, false, true};
inline constexpr Action kGetBucketPolicyStatus{"s3:GetBucketPolicyStatus", false, AclScope::kNone,
                                               P::kRead, false, true};
inline constexpr Action kGetPublicAccessBlock{"s3:GetBucketPublicAccessBlock", false,
                                              AclScope::kNone, P::kRead, false, true};
inline constexpr Action kPutPublicAccessBlock{"s3:PutBucketPublicAccessBlock", false,
                                              AclScope::kNone, P::kWrite, false, true};
inline constexpr Action kGetOwnershipControls{"s3:GetBucketOwnershipControls", false,
                                              AclScope::kNone, P::kRead, false, true};
inline constexpr Action kPutOwnershipControls{"s3:PutBucketOwnershipControls", false,
                                              AclScope::kNone, P::kWrite, false, true};
// Writing and deleting objects are the bucket's WRITE.
inline constexpr Action kPutObject{"s3:PutObject", true, AclScope::kBucket, P::kWrite};
inline constexpr Action kDeleteObject{"s3:DeleteObject", true, AclScope::kBucket, P::kWrite};
inline constexpr Action kGetObject{"s3:GetObject", true, AclScope::kObject, P::kRead};
inline constexpr Action kGetObjectAcl{"s3:GetObjectAcl", true, AclScope::kObject, P::kReadAcp};
inline constexpr Action kPutObjectAcl{"s3:PutObjectAcl", true, AclScope::kObject, P::kWriteAcp};
inline constexpr Action kGetObjectTagging{"s3:GetObjectTagging", true, AclScope::kNone, P::kRead};
inline constexpr Action kPutObjectTagging{"s3:PutObjectTagging", true, AclScope::kNone, P::kWrite};
inline constexpr Action kDeleteObjectTagging{"s3:DeleteObjectTagging", true, AclScope::kNone,
                                             P::kWrite};
inline constexpr Action kListMultipartUploadParts{"s3:ListMultipartUploadParts", true,
                                                  AclScope::kNone, P::kRead, true};
inline constexpr Action kAbortMultipartUpload{"s3:AbortMultipartUpload", true, AclScope::kNone,
                                              P::kWrite, true};
// Versioning (docs/s3-versioning.md).
inline constexpr Action kGetBucketVersioning{"s3:GetBucketVersioning", false, AclScope::kNone,
                                             P::kRead};
inline constexpr Action kPutBucketVersioning{"s3:PutBucketVersioning", false, AclScope::kNone,
                                             P::kWrite};
inline constexpr Action kListBucketVersions{"s3:ListBucketVersions", false, AclScope::kBucket,
                                            P::kRead};
inline constexpr Action kGetObjectVersion{"s3:GetObjectVersion", true, AclScope::kObject, P::kRead};
inline constexpr Action kDeleteObjectVersion{"s3:DeleteObjectVersion", true, AclScope::kBucket,
                                             P::kWrite};
// A version's tags and ACL, by versionId.
inline constexpr Action kGetObjectVersionTagging{"s3:GetObjectVersionTagging", true,
                                                 AclScope::kNone, P::kRead};
inline constexpr Action kPutObjectVersionTagging{"s3:PutObjectVersionTagging", true,
                                                 AclScope::kNone, P::kWrite};
inline constexpr Action kDeleteObjectVersionTagging{"s3:DeleteObjectVersionTagging", true,
                                                    AclScope::kNone, P::kWrite};
inline constexpr Action kGetObjectVersionAcl{"s3:GetObjectVersionAcl", true, AclScope::kObject,
                                             P::kReadAcp};
inline constexpr Action kPutObjectVersionAcl{"s3:PutObjectVersionAcl", true, AclScope::kObject,
                                             P::kWriteAcp};
// Object Lock.
inline constexpr Action kGetBucketObjectLockConfiguration{
    "s3:GetBucketObjectLockConfiguration", false, AclScope::kNone, P::kRead};
inline constexpr Action kPutBucketObjectLockConfiguration{
    "s3:PutBucketObjectLockConfiguration", false, AclScope::kNone, P::kWrite};
inline constexpr Action kGetObjectRetention{"s3:GetObjectRetention", true, AclScope::kNone,
                                            P::kRead};
inline constexpr Action kPutObjectRetention{"s3:PutObjectRetention", true, AclScope::kNone,
                                            P::kWrite};
inline constexpr Action kGetObjectLegalHold{"s3:GetObjectLegalHold", true, AclScope::kNone,
                                            P::kRead};
inline constexpr Action kPutObjectLegalHold{"s3:PutObjectLegalHold", true, AclScope::kNone,
                                            P::kWrite};
inline constexpr Action kBypassGovernanceRetention{"s3:BypassGovernanceRetention", true,
                                                   AclScope::kNone, P::kWrite};
}  // namespace action

// Condition keys of one request beyond the caller's (lowercase key, value):
// s3:prefix, s3:delimiter and s3:max-keys for listings.
using Conditions = std::vector<std::pair<std::string, std::string>>;

// The owner and ACL of the object (or upload) an object-level action is on.
struct ObjectAccess {
  std::string_view owner;  // "" for an object written anonymously
  const StoredAcl* acl = nullptr;
};

struct AccessRequest {
  const Caller& caller;
  const BucketRecord& bucket;
  const Action& action;
  std::string_view key = {};             // object-level actions
  const ObjectAccess* object = nullptr;  // object-level actions on an existing resource
  const Conditions* conditions = nullptr;
};

// Ok or AccessDenied.
Status Authorize(const AccessRequest& request);

// For what no bucket decides (ListBuckets: "s3:ListAllMyBuckets" on
// "arn:aws:s3:::*"; CreateBucket: "s3:CreateBucket" on the new bucket's ARN):
// Ok for an account's root user, for an IAM user when its identity policies
// allow `action` on `resource`; otherwise AccessDenied.
Status AuthorizeIdentity(const Caller& caller, std::string_view action, std::string_view resource);

// The account that owns what `writer` writes into `bucket` with the canned
// ACL `acl` ("" when none was sent), under the bucket's Object Ownership.
std::string ObjectOwnerFor(const BucketRecord& bucket, const Caller& writer,
                           std::string_view acl);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_ACCESS_H_
