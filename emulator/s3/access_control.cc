// S3Store's access-control settings: ACLs, the bucket policy, Block Public
// Access and Object Ownership. Who may change them is decided by access.h.
#include "emulator/s3/policy.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {
namespace keys = storage::keys;

namespace {

// "ACLs are disabled": only an ACL that gives the bucket owner full control
// and nobody anything else may be set.
bool RefusedWhenEnforced(const BucketRecord& bucket, const StoredAcl& acl) {
  return acl && bucket.ownership == ObjectOwnership::kBucketOwnerEnforced;
}

bool BlocksPublicAcl(const BucketRecord& bucket, const StoredAcl& acl) {
  return acl && bucket.public_access_block && bucket.public_access_block->block_public_acls &&
         IsPublic(*acl);
}

}  // namespace

Status S3Store::PutBucketAcl(const Caller& who, std::string_view bucket, const AclSpec& spec) {
  return UpdateBucket(who, bucket, action::kPutBucketAcl, [&](BucketRecord& record) -> Status {
    StoredAcl acl = ResolveAcl(spec, record.owner_account_id, record.owner_account_id);
    if (RefusedWhenEnforced(record, acl))
      return MakeError(ErrorCode::kAccessControlListNotSupported);
    // BlockPublicAcls: "PUT Bucket acl and PUT Object acl calls fail if the
    // specified access control list (ACL) is public."
    if (BlocksPublicAcl(record, acl)) return MakeError(ErrorCode::kAccessDenied);
    record.acl = std::move(acl);
    return Ok();
  });
}

Status S3Store::PutObjectAcl(const Caller& who, std::string_view bucket, std::string_view key,
                             const AclSpec& spec, std::string_view version_id) {
  std::shared_lock buckets(buckets_mu_);
  auto b = LoadBucket(bucket);
  if (!b) return b.error();
  std::lock_guard key_lock(KeyLock(bucket, key));
  if (!version_id.empty())  // one version's ACL (docs/s3-versioning.md)
    return UpdateVersion(who, bucket, key, version_id, action::kPutObjectVersionAcl,
                         [&](ObjectRecord& r) -> Status {
                           StoredAcl acl = ResolveAcl(spec, r.owner_account_id, b->owner_account_id);
                           if (RefusedWhenEnforced(*b, acl))
                             return MakeError(ErrorCode::kAccessControlListNotSupported);
                           if (BlocksPublicAcl(*b, acl)) return MakeError(ErrorCode::kAccessDenied);
                           r.acl = std::move(acl);
                           return Ok();
                         });
  auto record = GetObject(who, bucket, key, action::kPutObjectAcl);
  if (!record) return record.error();
  StoredAcl acl = ResolveAcl(spec, record->owner_account_id, b->owner_account_id);
  if (RefusedWhenEnforced(*b, acl)) return MakeError(ErrorCode::kAccessControlListNotSupported);
  if (BlocksPublicAcl(*b, acl)) return MakeError(ErrorCode::kAccessDenied);
  record->acl = std::move(acl);
  return storage_.Put(keys::Object(bucket, key), EncodeObject(*record));
}

Status S3Store::PutBucketPolicy(const Caller& who, std::string_view bucket,
                                std::optional<std::string> policy) {
  const Action& action = policy ? action::kPutBucketPolicy : action::kDeleteBucketPolicy;
  return UpdateBucket(who, bucket, action, [&](BucketRecord& record) -> Status {
    if (!policy) {
      record.policy.clear();
      return Ok();
    }
    auto parsed = BucketPolicy::Parse(*policy, bucket);
    if (!parsed) return parsed.error();
    // BlockPublicPolicy: "Amazon S3 rejects calls to PUT Bucket policy if the
    // specified bucket policy allows public access."
    if (record.public_access_block && record.public_access_block->block_public_policy &&
        parsed->IsPublic())
      return MakeError(ErrorCode::kAccessDenied);
    record.policy = std::move(*policy);
    return Ok();
  });
}

Status S3Store::PutPublicAccessBlock(const Caller& who, std::string_view bucket,
                                     std::optional<PublicAccessBlock> block) {
  const Action& action = action::kPutPublicAccessBlock;
  return UpdateBucket(who, bucket, action, [&](BucketRecord& record) {
    record.public_access_block = block;
    return Ok();
  });
}

Status S3Store::PutOwnershipControls(const Caller& who, std::string_view bucket,
                                     ObjectOwnership ownership) {
  return UpdateBucket(who, bucket, action::kPutOwnershipControls,
                      [&](BucketRecord& record) -> Status {
    // "You can't apply the bucket owner enforced setting if your bucket ACL
    // grants access outside of your account": reset the ACL first.
    if (ownership == ObjectOwnership::kBucketOwnerEnforced && record.acl) {
      for (const Grant& g : *record.acl)
        if (g.type != GranteeType::kAccount || g.account_id != record.owner_account_id)
          return MakeError(ErrorCode::kInvalidBucketAclWithObjectOwnership);
    }
    record.ownership = ownership;
    return Ok();
  });
}

}  // namespace awslab::s3
