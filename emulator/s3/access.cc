#include "emulator/s3/access.h"

#include <chrono>

#include "emulator/auth/accounts.h"
#include "emulator/base/clock.h"
#include "emulator/iam/iam_store.h"
#include "emulator/s3/policy.h"

namespace awslab::s3 {
namespace {

Error Denied() { return MakeError(ErrorCode::kAccessDenied); }

std::string ResourceArn(std::string_view bucket, const Action& action, std::string_view key) {
  std::string arn = "arn:aws:s3:::";
  arn.append(bucket);
  if (action.object_level) {
    arn.push_back('/');
    arn.append(key);
  }
  return arn;
}

using ConditionContext = std::vector<std::pair<std::string, std::string>>;

// The request's condition keys (lowercase), as policies test them.
ConditionContext ContextOf(const AccessRequest& r) {
  const Caller& c = r.caller;
  ConditionContext context;
  context.reserve(12);
  if (!c.source_ip.empty()) context.emplace_back("aws:sourceip", c.source_ip);
  context.emplace_back("aws:securetransport", c.secure_transport ? "true" : "false");
  if (!c.referer.empty()) context.emplace_back("aws:referer", c.referer);
  if (!c.user_agent.empty()) context.emplace_back("aws:useragent", c.user_agent);
  auto now = std::chrono::system_clock::now();
  context.emplace_back("aws:currenttime", FormatIso8601(now));
  context.emplace_back(
      "aws:epochtime",
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count()));
  context.emplace_back("aws:principaltype", c.anonymous() ? "Anonymous" : "Account");
  if (!c.anonymous()) context.emplace_back("aws:principalaccount", c.account_id());
  if (!c.acl_header.empty()) context.emplace_back("s3:x-amz-acl", c.acl_header);
  if (r.conditions)
    for (const auto& kv : *r.conditions) context.push_back(kv);
  return context;
}

// `as_account`: whether statements naming the caller's account apply (they
// grant the account, which an IAM user gets only through its own policies);
// statements naming the IAM user or everyone always do.
PolicyEffect EvaluatePolicy(const AccessRequest& r, const BucketPolicy& policy,
                            bool as_account = true) {
  const Caller& c = r.caller;
  const ConditionContext context = ContextOf(r);
  std::string canonical;
  if (!c.anonymous()) canonical = auth::Account{c.account_id(), {}, false, {}}.CanonicalUserId();
  std::string resource = ResourceArn(r.bucket.name, r.action, r.key);
  PolicyRequest request;
  request.action = r.action.name;
  request.resource = resource;
  if (as_account) {
    request.account_id = c.account_id();
    request.canonical_user_id = canonical;
  }
  request.user_arn = c.principal.user_arn;
  request.context = &context;
  return policy.Evaluate(request);
}

Status AuthorizeAccount(const AccessRequest& r);

// An IAM user (see access.h).
Status AuthorizeUser(const AccessRequest& r) {
  const Caller& c = r.caller;
  const BucketRecord& bucket = r.bucket;
  const ConditionContext context = ContextOf(r);
  const std::string resource = ResourceArn(bucket.name, r.action, r.key);
  const iam::Decision identity =
      c.iam->Evaluate(c.account_id(), c.principal.user_name, r.action.name, resource, context);
  if (identity == iam::Decision::kDeny) return Denied();
  if (bucket.parsed_policy && EvaluatePolicy(r, *bucket.parsed_policy) == PolicyEffect::kDeny)
    return Denied();
  if (identity == iam::Decision::kAllow) return AuthorizeAccount(r);
  // The user context allows nothing: another account's bucket is refused,
  // its own account's grants only what names the user or everyone.
  if (c.account_id() != bucket.owner_account_id || r.action.owner_only) return Denied();
  if (bucket.parsed_policy &&
      EvaluatePolicy(r, *bucket.parsed_policy, /*as_account=*/false) == PolicyEffect::kAllow) {
    std::string_view owner = bucket.ownership == ObjectOwnership::kBucketOwnerEnforced ||
                                     !r.object
                                 ? std::string_view(bucket.owner_account_id)
                                 : r.object->owner;
    if (!r.action.object_level || owner == bucket.owner_account_id) return Ok();
  }
  // What everyone may do (public ACL grants, a public policy), the user may.
  Caller anyone;
  anyone.source_ip = c.source_ip;
  anyone.secure_transport = c.secure_transport;
  anyone.referer = c.referer;
  anyone.user_agent = c.user_agent;
  anyone.acl_header = c.acl_header;
  AccessRequest as_anyone{anyone, bucket, r.action, r.key, r.object, r.conditions};
  return AuthorizeAccount(as_anyone);
}

}  // namespace

Status Authorize(const AccessRequest& r) {
  if (!r.caller.principal.user_name.empty() && r.caller.iam) return AuthorizeUser(r);
  return AuthorizeAccount(r);
}

Status AuthorizeIdentity(const Caller& c, std::string_view action, std::string_view resource) {
  if (c.anonymous()) return Denied();
  if (c.principal.user_name.empty() || !c.iam) return Ok();
  const BucketRecord no_bucket;
  const AccessRequest none{c, no_bucket, action::kListBucket};
  const ConditionContext context = ContextOf(none);
  return c.iam->Evaluate(c.account_id(), c.principal.user_name, action, resource, context) ==
                 iam::Decision::kAllow
             ? Ok()
             : Status(Denied());
}

namespace {

Status AuthorizeAccount(const AccessRequest& r) {
  const Caller& caller = r.caller;
  const BucketRecord& bucket = r.bucket;
  const Action& action = r.action;
  const bool anonymous = caller.anonymous();
  const bool bucket_owner = !anonymous && caller.account_id() == bucket.owner_account_id;
  const bool enforced = bucket.ownership == ObjectOwnership::kBucketOwnerEnforced;
  const PublicAccessBlock pab = bucket.public_access_block.value_or(PublicAccessBlock{});

  // 1. The bucket policy: an explicit Deny ends it.
  PolicyEffect effect = PolicyEffect::kNone;
  if (bucket.parsed_policy) {
    effect = EvaluatePolicy(r, *bucket.parsed_policy);
    if (effect == PolicyEffect::kDeny) {
      // "The root user of the account that owns a bucket can always use
      // GetBucketPolicy, PutBucketPolicy and DeleteBucketPolicy."
      bool policy_admin = bucket_owner && (action.name == action::kGetBucketPolicy.name ||
                                           action.name == action::kPutBucketPolicy.name ||
                                           action.name == action::kDeleteBucketPolicy.name);
      if (!policy_admin) return Denied();
      effect = PolicyEffect::kNone;
    }
    // RestrictPublicBuckets: "only AWS service principals and authorized
    // users within the bucket owner's account" get what a public policy allows.
    if (effect == PolicyEffect::kAllow && pab.restrict_public_buckets && !bucket_owner &&
        bucket.parsed_policy->IsPublic())
      effect = PolicyEffect::kNone;
  }

  if (action.owner_only) return bucket_owner ? Ok() : Status(Denied());

  auto acl_allows = [&](const StoredAcl& acl) {
    if (enforced) return false;  // "ACLs are disabled and no longer affect permissions"
    if (!acl) return false;      // private: only the owner, decided above
    return GrantsAllow(*acl, AclCaller{caller.account_id(), anonymous}, action.acl_permission,
                       pab.ignore_public_acls);
  };

  // 2. Bucket-level permissions, writing and deleting objects among them.
  if (!action.object_level || action.acl_scope == AclScope::kBucket || !r.object) {
    if (bucket_owner) return Ok();
    if (effect == PolicyEffect::kAllow) return Ok();
    if (action.acl_scope == AclScope::kBucket && acl_allows(bucket.acl))
      return Ok();
    return Denied();
  }

  // 3. Object-level permissions on an existing object or upload.
  std::string_view owner = enforced ? std::string_view(bucket.owner_account_id) : r.object->owner;
  // An object written anonymously belongs to the anonymous user, who holds
  // its FULL_CONTROL: anonymous callers may use it, its bucket's owner not.
  if (caller.account_id() == owner) return Ok();
  if (action.bucket_owner_too && bucket_owner) return Ok();
  if (effect == PolicyEffect::kAllow && owner == bucket.owner_account_id) return Ok();
  if (action.acl_scope == AclScope::kObject && r.object->acl && acl_allows(*r.object->acl))
    return Ok();
  return Denied();
}

}  // namespace

std::string ObjectOwnerFor(const BucketRecord& bucket, const Caller& writer,
                           std::string_view acl) {
  switch (bucket.ownership) {
    case ObjectOwnership::kBucketOwnerEnforced:
      return bucket.owner_account_id;
    case ObjectOwnership::kBucketOwnerPreferred:
      // "Objects uploaded with the bucket-owner-full-control canned ACL are
      // owned by the bucket owner."
      if (acl == "bucket-owner-full-control") return bucket.owner_account_id;
      break;
    case ObjectOwnership::kObjectWriter:
    case ObjectOwnership::kUnset:
      break;
  }
  return writer.account_id();
}

}  // namespace awslab::s3
