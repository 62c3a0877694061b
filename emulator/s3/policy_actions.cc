#include "emulator/s3/policy_actions.h"

#include "emulator/base/strings.h"

namespace awslab::s3 {
namespace {

using K = S3ResourceKind;

constexpr S3ActionInfo kActions[] = {
    {"s3:AbortMultipartUpload", K::kObject},
    {"s3:BypassGovernanceRetention", K::kObject},
    {"s3:CreateAccessPoint", K::kNone},
    {"s3:CreateBucket", K::kBucket},
    {"s3:CreateBucketMetadataTableConfiguration", K::kBucket},
    {"s3:CreateJob", K::kNone},
    {"s3:CreateMultiRegionAccessPoint", K::kNone},
    {"s3:DeleteAccessPoint", K::kNone},
    {"s3:DeleteAccessPointPolicy", K::kNone},
    {"s3:DeleteBucket", K::kBucket},
    {"s3:DeleteBucketMetadataTableConfiguration", K::kBucket},
    {"s3:DeleteBucketPolicy", K::kBucket},
    {"s3:DeleteBucketWebsite", K::kBucket},
    {"s3:DeleteObject", K::kObject},
    {"s3:DeleteObjectTagging", K::kObject},
    {"s3:DeleteObjectVersion", K::kObject},
    {"s3:DeleteObjectVersionTagging", K::kObject},
    {"s3:DeleteStorageLensConfiguration", K::kNone},
    {"s3:DescribeJob", K::kNone},
    {"s3:GetAccelerateConfiguration", K::kBucket},
    {"s3:GetAccessPoint", K::kNone},
    {"s3:GetAccessPointPolicy", K::kNone},
    {"s3:GetAccessPointPolicyStatus", K::kNone},
    {"s3:GetAccountPublicAccessBlock", K::kNone},
    {"s3:GetAnalyticsConfiguration", K::kBucket},
    {"s3:GetBucketAcl", K::kBucket},
    {"s3:GetBucketCORS", K::kBucket},
    {"s3:GetBucketLocation", K::kBucket},
    {"s3:GetBucketLogging", K::kBucket},
    {"s3:GetBucketMetadataTableConfiguration", K::kBucket},
    {"s3:GetBucketNotification", K::kBucket},
    {"s3:GetBucketObjectLockConfiguration", K::kBucket},
    {"s3:GetBucketOwnershipControls", K::kBucket},
    {"s3:GetBucketPolicy", K::kBucket},
    {"s3:GetBucketPolicyStatus", K::kBucket},
    {"s3:GetBucketPublicAccessBlock", K::kBucket},
    {"s3:GetBucketRequestPayment", K::kBucket},
    {"s3:GetBucketTagging", K::kBucket},
    {"s3:GetBucketVersioning", K::kBucket},
    {"s3:GetBucketWebsite", K::kBucket},
    {"s3:GetEncryptionConfiguration", K::kBucket},
    {"s3:GetIntelligentTieringConfiguration", K::kBucket},
    {"s3:GetInventoryConfiguration", K::kBucket},
    {"s3:GetLifecycleConfiguration", K::kBucket},
    {"s3:GetMetricsConfiguration", K::kBucket},
    {"s3:GetObject", K::kObject},
    {"s3:GetObjectAcl", K::kObject},
    {"s3:GetObjectAttributes", K::kObject},
    {"s3:GetObjectLegalHold", K::kObject},
    {"s3:GetObjectRetention", K::kObject},
    {"s3:GetObjectTagging", K::kObject},
    {"s3:GetObjectTorrent", K::kObject},
    {"s3:GetObjectVersion", K::kObject},
    {"s3:GetObjectVersionAcl", K::kObject},
    {"s3:GetObjectVersionAttributes", K::kObject},
    {"s3:GetObjectVersionForReplication", K::kObject},
    {"s3:GetObjectVersionTagging", K::kObject},
    {"s3:GetObjectVersionTorrent", K::kObject},
    {"s3:GetReplicationConfiguration", K::kBucket},
    {"s3:GetStorageLensConfiguration", K::kNone},
    {"s3:GetStorageLensDashboard", K::kNone},
    {"s3:InitiateReplication", K::kObject},
    {"s3:ListAccessPoints", K::kNone},
    {"s3:ListAccessPointsForObjectLambda", K::kNone},
    {"s3:ListAllMyBuckets", K::kNone},
    {"s3:ListBucket", K::kBucket},
    {"s3:ListBucketMultipartUploads", K::kBucket},
    {"s3:ListBucketVersions", K::kBucket},
    {"s3:ListJobs", K::kNone},
    {"s3:ListMultiRegionAccessPoints", K::kNone},
    {"s3:ListMultipartUploadParts", K::kObject},
    {"s3:ListStorageLensConfigurations", K::kNone},
    {"s3:ObjectOwnerOverrideToBucketOwner", K::kObject},
    {"s3:PutAccelerateConfiguration", K::kBucket},
    {"s3:PutAccessPointPolicy", K::kNone},
    {"s3:PutAccountPublicAccessBlock", K::kNone},
    {"s3:PutAnalyticsConfiguration", K::kBucket},
    {"s3:PutBucketAcl", K::kBucket},
    {"s3:PutBucketCORS", K::kBucket},
    {"s3:PutBucketLogging", K::kBucket},
    {"s3:PutBucketNotification", K::kBucket},
    {"s3:PutBucketObjectLockConfiguration", K::kBucket},
    {"s3:PutBucketOwnershipControls", K::kBucket},
    {"s3:PutBucketPolicy", K::kBucket},
    {"s3:PutBucketPublicAccessBlock", K::kBucket},
    {"s3:PutBucketRequestPayment", K::kBucket},
    {"s3:PutBucketTagging", K::kBucket},
    {"s3:PutBucketVersioning", K::kBucket},
    {"s3:PutBucketWebsite", K::kBucket},
    {"s3:PutEncryptionConfiguration", K::kBucket},
    {"s3:PutIntelligentTieringConfiguration", K::kBucket},
    {"s3:PutInventoryConfiguration", K::kBucket},
    {"s3:PutLifecycleConfiguration", K::kBucket},
    {"s3:PutMetricsConfiguration", K::kBucket},
    {"s3:PutObject", K::kObject},
    {"s3:PutObjectAcl", K::kObject},
    {"s3:PutObjectLegalHold", K::kObject},
    {"s3:PutObjectRetention", K::kObject},
    {"s3:PutObjectTagging", K::kObject},
    {"s3:PutObjectVersionAcl", K::kObject},
    {"s3:PutObjectVersionTagging", K::kObject},
    {"s3:PutReplicationConfiguration", K::kBucket},
    {"s3:PutStorageLensConfiguration", K::kNone},
    {"s3:ReplicateDelete", K::kObject},
    {"s3:ReplicateObject", K::kObject},
    {"s3:ReplicateTags", K::kObject},
    {"s3:RestoreObject", K::kObject},
    {"s3:UpdateJobPriority", K::kNone},
    {"s3:UpdateJobStatus", K::kNone},
};

// Which actions carry a condition key.
enum class Scope { kEveryAction, kObjectActions, kListed };

struct ConditionKeyInfo {
  std::string_view key;  // lowercase; a trailing '/' names a family (s3:ExistingObjectTag/<key>)
  Scope scope;
  std::span<const std::string_view> actions;  // for kListed
};

// The listing keys: "s3:prefix ... s3:delimiter ... s3:max-keys" come with
// s3:ListBucket and s3:ListBucketVersions (not s3:ListBucketMultipartUploads).
constexpr std::string_view kListingActions[] = {"s3:ListBucket", "s3:ListBucketVersions"};
// The canned ACL and grant headers.
constexpr std::string_view kAclActions[] = {
    "s3:CreateBucket", "s3:PutBucketAcl",        "s3:PutObject",
    "s3:PutObjectAcl", "s3:PutObjectVersionAcl", "s3:BypassGovernanceRetention"};
constexpr std::string_view kCreateBucketActions[] = {"s3:CreateBucket"};
constexpr std::string_view kOwnershipActions[] = {"s3:CreateBucket",
                                                  "s3:PutBucketOwnershipControls"};
// Headers of an object write (PutObject, CopyObject, CreateMultipartUpload).
constexpr std::string_view kObjectWriteActions[] = {"s3:PutObject", "s3:BypassGovernanceRetention"};
constexpr std::string_view kRequestTagActions[] = {"s3:PutObject", "s3:PutObjectTagging",
                                                   "s3:PutObjectVersionTagging",
                                                   "s3:BypassGovernanceRetention"};
constexpr std::string_view kObjectLockActions[] = {
    "s3:PutObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold",
    "s3:BypassGovernanceRetention", "s3:PutBucketObjectLockConfiguration"};
constexpr std::string_view kVersionIdActions[] = {"s3:GetObjectVersion",
                                                  "s3:GetObjectVersionAcl",
                                                  "s3:GetObjectVersionAttributes",
                                                  "s3:GetObjectVersionTagging",
                                                  "s3:GetObjectVersionTorrent",
                                                  "s3:GetObjectVersionForReplication",
                                                  "s3:PutObjectVersionAcl",
                                                  "s3:PutObjectVersionTagging",
                                                  "s3:DeleteObjectVersion",
                                                  "s3:DeleteObjectVersionTagging",
                                                  "s3:GetObjectLegalHold",
                                                  "s3:PutObjectLegalHold",
                                                  "s3:GetObjectRetention",
                                                  "s3:PutObjectRetention",
                                                  "s3:BypassGovernanceRetention",
                                                  "s3:GetObjectAttributes",
                                                  "s3:RestoreObject"};

const ConditionKeyInfo kConditionKeys[] = {
    // Carried by every S3 action.
    {"s3:authtype", Scope::kEveryAction, {}},
    {"s3:signatureage", Scope::kEveryAction, {}},
    {"s3:signatureversion", Scope::kEveryAction, {}},
    {"s3:x-amz-content-sha256", Scope::kEveryAction, {}},
    {"s3:tlsversion", Scope::kEveryAction, {}},
    {"s3:dataaccesspointarn", Scope::kEveryAction, {}},
    {"s3:dataaccesspointaccount", Scope::kEveryAction, {}},
    {"s3:accesspointnetworkorigin", Scope::kEveryAction, {}},
    {"s3:resourceaccount", Scope::kEveryAction, {}},
    {"s3:buckettag/", Scope::kEveryAction, {}},
    // Listing.
    {"s3:prefix", Scope::kListed, kListingActions},
    {"s3:delimiter", Scope::kListed, kListingActions},
    {"s3:max-keys", Scope::kListed, kListingActions},
    // ACLs.
    {"s3:x-amz-acl", Scope::kListed, kAclActions},
    {"s3:x-amz-grant-full-control", Scope::kListed, kAclActions},
    {"s3:x-amz-grant-read", Scope::kListed, kAclActions},
    {"s3:x-amz-grant-read-acp", Scope::kListed, kAclActions},
    {"s3:x-amz-grant-write", Scope::kListed, kAclActions},
    {"s3:x-amz-grant-write-acp", Scope::kListed, kAclActions},
    // Buckets.
    {"s3:locationconstraint", Scope::kListed, kCreateBucketActions},
    {"s3:x-amz-object-ownership", Scope::kListed, kOwnershipActions},
    // Object writes.
    {"s3:x-amz-copy-source", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-metadata-directive", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-server-side-encryption", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-server-side-encryption-aws-kms-key-id", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-server-side-encryption-customer-algorithm", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-storage-class", Scope::kListed, kObjectWriteActions},
    {"s3:x-amz-website-redirect-location", Scope::kListed, kObjectWriteActions},
    {"s3:if-match", Scope::kListed, kObjectWriteActions},
    {"s3:if-none-match", Scope::kListed, kObjectWriteActions},
    {"s3:objectcreationoperation", Scope::kListed, kObjectWriteActions},
    // Tags.
    {"s3:requestobjecttagkeys", Scope::kListed, kRequestTagActions},
    {"s3:requestobjecttag/", Scope::kListed, kRequestTagActions},
    {"s3:existingobjecttag/", Scope::kObjectActions, {}},
    // Object Lock.
    {"s3:object-lock-mode", Scope::kListed, kObjectLockActions},
    {"s3:object-lock-retain-until-date", Scope::kListed, kObjectLockActions},
    {"s3:object-lock-remaining-retention-days", Scope::kListed, kObjectLockActions},
    {"s3:object-lock-legal-hold", Scope::kListed, kObjectLockActions},
    // Versions.
    {"s3:versionid", Scope::kListed, kVersionIdActions},
};

bool KeyNamesEntry(const ConditionKeyInfo& entry, std::string_view key) {
  if (!entry.key.empty() && entry.key.back() == '/') {
    return key.size() > entry.key.size() && IStartsWith(key, entry.key);
  }
  return IEquals(key, entry.key);
}

}  // namespace

std::span<const S3ActionInfo> S3Actions() { return kActions; }

S3ConditionKeyUse S3ConditionKeyFor(std::string_view key, std::string_view action) {
  for (const ConditionKeyInfo& entry : kConditionKeys) {
    if (!KeyNamesEntry(entry, key)) continue;
    switch (entry.scope) {
      case Scope::kEveryAction:
        return S3ConditionKeyUse::kApplies;
      case Scope::kObjectActions:
        for (const S3ActionInfo& info : kActions) {
          if (IEquals(info.name, action)) {
            return info.kind == S3ResourceKind::kObject ? S3ConditionKeyUse::kApplies
                                                        : S3ConditionKeyUse::kDoesNotApply;
          }
        }
        return S3ConditionKeyUse::kDoesNotApply;
      case Scope::kListed:
        for (std::string_view listed : entry.actions) {
          if (IEquals(listed, action)) return S3ConditionKeyUse::kApplies;
        }
        return S3ConditionKeyUse::kDoesNotApply;
    }
  }
  return S3ConditionKeyUse::kUnknown;
}

}  // namespace awslab::s3
