// What S3 defines for bucket policies: its actions with the resource each acts
// on, and its own (s3:) condition keys with the actions that carry them, from
// "Actions, resources, and condition keys for Amazon S3":
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
// PutBucketPolicy uses them to refuse an action S3 does not define ("Policy has
// invalid action"), an action none of a statement's resources can be
// ("Action does not apply to any resource(s) in statement"), and a condition
// key S3 does not define or that none of the statement's actions carry.
//
// Thread-safety: immutable tables.
#ifndef AWSLAB_EMULATOR_S3_POLICY_ACTIONS_H_
#define AWSLAB_EMULATOR_S3_POLICY_ACTIONS_H_

#include <span>
#include <string_view>

namespace awslab::s3 {

// What an action acts on. kNone: no bucket or object (account-level actions
// such as s3:ListAllMyBuckets, access points, jobs, Storage Lens), which a
// bucket policy cannot grant.
enum class S3ResourceKind { kNone, kBucket, kObject };

struct S3ActionInfo {
  std::string_view name;  // with the prefix, as AWS writes it: "s3:GetObject"
  S3ResourceKind kind;
};

// Every action S3 defines, in the Service Authorization Reference's order.
std::span<const S3ActionInfo> S3Actions();

enum class S3ConditionKeyUse {
  kUnknown,       // not a key S3 defines
  kApplies,       // the action carries the key
  kDoesNotApply,  // a key S3 defines, but not for this action
};

// Whether `key` (an s3: condition key, any case) is one S3 defines, and if so
// whether `action` (one of S3Actions()' names) carries it. Keys such as
// s3:ExistingObjectTag/<key> match with any tag key after the slash.
S3ConditionKeyUse S3ConditionKeyFor(std::string_view key, std::string_view action);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_POLICY_ACTIONS_H_
