// IAM, per account: users, their access keys, groups and memberships, the AWS
// managed policies attached to users and groups, and users' inline policies.
// Kept in memory and written through to LevelDB under i/<account>/<kind>/<name>
// (one WriteBatch per operation, so a crash keeps an operation whole or not at
// all); loaded at start. The model knows nothing of HTTP or XML.
//
// Names compare as IAM compares them: "User names are not distinguished by
// case", and so group names; a record keeps the name as created.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
//
// Thread-safety: every method may be called from any thread; one mutex
// orders them (IAM calls are few; FindKey and Evaluate are short).
#ifndef AWSLAB_EMULATOR_IAM_IAM_STORE_H_
#define AWSLAB_EMULATOR_IAM_IAM_STORE_H_

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/iam/identity_policy.h"
#include "emulator/storage/storage.h"

namespace awslab::iam {

// "Access keys per user: 2".
inline constexpr std::size_t kMaxAccessKeysPerUser = 2;
// "Groups an IAM user can be a member of: 10".
inline constexpr std::size_t kMaxGroupsPerUser = 10;
// "Managed policies attached to an IAM user / group: 10".
inline constexpr std::size_t kMaxAttachedPolicies = 10;
// "Inline policy size ... User policy size cannot exceed 2,048 characters"
// (all of a user's inline policies together, white space not counted).
inline constexpr std::size_t kMaxUserPolicySize = 2048;

struct User {
  std::string name;
  std::string path = "/";
  std::string id;   // "AIDA" and 17 characters
  std::string arn;  // arn:aws:iam::<account>:user<path><name>
  TimePoint created;
  std::vector<std::string> groups;             // names, as created, in joining order
  std::vector<std::string> attached_policies;  // managed policy ARNs
  std::map<std::string, std::string> inline_policies;  // name -> document as put
};

struct Group {
  std::string name;
  std::string path = "/";
  std::string id;   // "AGPA" and 17 characters
  std::string arn;  // arn:aws:iam::<account>:group<path><name>
  TimePoint created;
  std::vector<std::string> attached_policies;
};

struct UserAccessKey {
  std::string id;      // "AKIA" and 16 characters
  std::string secret;  // 40 characters
  std::string account_id;
  std::string user_name;
  bool active = true;  // Status Active or Inactive
  TimePoint created;
};

class IamStore {
 public:
  // `clock` dates what is created (the simulation clock).
  IamStore(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  // Reads every record. Errors: InternalError on a record it cannot read.
  Status Load();

  // Users. Errors: EntityAlreadyExists ("User with name <n> already exists."),
  // NoSuchEntity ("The user with name <n> cannot be found."), DeleteConflict
  // while the user has access keys, inline or attached policies, or groups.
  Result<User> CreateUser(std::string_view account_id, std::string_view name,
                          std::string_view path = "/");
  Result<User> GetUser(std::string_view account_id, std::string_view name) const;
  std::vector<User> ListUsers(std::string_view account_id) const;  // by name
  Status DeleteUser(std::string_view account_id, std::string_view name);

  // Access keys of a user. Errors: NoSuchEntity (user, or a key that is not
  // the user's: "The Access Key with id <id> cannot be found."), LimitExceeded
  // ("Cannot exceed quota for AccessKeysPerUser: 2").
  Result<UserAccessKey> CreateAccessKey(std::string_view account_id, std::string_view user);
  Result<std::vector<UserAccessKey>> ListAccessKeys(std::string_view account_id,
                                                    std::string_view user) const;
  Status UpdateAccessKey(std::string_view account_id, std::string_view user,
                         std::string_view key_id, bool active);
  Status DeleteAccessKey(std::string_view account_id, std::string_view user,
                         std::string_view key_id);
  // Any account's key, active or not (the authenticator refuses an inactive one).
  std::optional<UserAccessKey> FindKey(std::string_view access_key_id) const;

  // Groups. Errors as for users ("The group with name <n> cannot be found.");
  // DeleteConflict while the group has members or attached policies;
  // LimitExceeded past kMaxGroupsPerUser.
  Result<Group> CreateGroup(std::string_view account_id, std::string_view name,
                            std::string_view path = "/");
  Result<Group> GetGroup(std::string_view account_id, std::string_view name) const;
  // The members of a group, by name. Errors: NoSuchEntity.
  Result<std::vector<User>> GroupMembers(std::string_view account_id,
                                         std::string_view name) const;
  std::vector<Group> ListGroups(std::string_view account_id) const;  // by name
  Status DeleteGroup(std::string_view account_id, std::string_view name);
  Status AddUserToGroup(std::string_view account_id, std::string_view group,
                        std::string_view user);
  Status RemoveUserFromGroup(std::string_view account_id, std::string_view group,
                             std::string_view user);
  Result<std::vector<Group>> ListGroupsForUser(std::string_view account_id,
                                               std::string_view user) const;

  // Managed policies (only those of managed_policies.h). Attaching twice is
  // no error, as in IAM. Errors: NoSuchEntity for the user or group, for an
  // unknown policy ("Policy <arn> does not exist or is not attachable.") and
  // on detaching one not attached ("Policy <arn> was not found.");
  // InvalidInput for what is no ARN ("ARN <arn> is not valid.").
  Status AttachUserPolicy(std::string_view account_id, std::string_view user,
                          std::string_view policy_arn);
  Status DetachUserPolicy(std::string_view account_id, std::string_view user,
                          std::string_view policy_arn);
  Status AttachGroupPolicy(std::string_view account_id, std::string_view group,
                           std::string_view policy_arn);
  Status DetachGroupPolicy(std::string_view account_id, std::string_view group,
                           std::string_view policy_arn);

  // Inline policies of a user. Errors: MalformedPolicyDocument, LimitExceeded
  // past kMaxUserPolicySize ("Maximum policy size of 2048 bytes exceeded for
  // user <n>"), NoSuchEntity ("The user policy with name <p> cannot be found.").
  Status PutUserPolicy(std::string_view account_id, std::string_view user,
                       std::string_view policy_name, std::string_view document);
  Result<std::string> GetUserPolicy(std::string_view account_id, std::string_view user,
                                    std::string_view policy_name) const;
  Status DeleteUserPolicy(std::string_view account_id, std::string_view user,
                          std::string_view policy_name);

  // What the identity policies of IAM user `user_name` of `account_id` say
  // about `action` (as AWS names the permission: "s3:GetObject",
  // "ec2:RunInstances", "iam:CreateUser"; compared without regard to case) on
  // `resource` (its ARN: "arn:aws:s3:::bucket/key", "arn:aws:iam::<account>:
  // user/bob", "*" where an action has no resource). Every policy counts: the
  // user's inline ones, those attached to it, and those attached to each of its
  // groups. kDeny when any Deny statement matches ("an explicit deny in any
  // policy overrides any allows"), else kAllow when an Allow statement does,
  // else kNone (the implicit deny). An unknown user gets kNone.
  //
  // `context`: the request's condition keys, lowercase ("aws:sourceip",
  // "aws:securetransport", "s3:prefix", ...). The principal's own keys are
  // added here: aws:username, aws:userid, aws:principalarn,
  // aws:principalaccount, aws:principaltype ("User"), so that
  // ${aws:username} works in resources and conditions.
  // The root user of an account is no IAM user: AWS lets it do everything
  // in its account, and callers must not ask here for it.
  Decision Evaluate(std::string_view account_id, std::string_view user_name,
                    std::string_view action, std::string_view resource,
                    const Context& context = {}) const;

  static std::string UserArn(std::string_view account_id, std::string_view path,
                             std::string_view name);
  static std::string GroupArn(std::string_view account_id, std::string_view path,
                              std::string_view name);

 private:
  struct AccountData {
    std::map<std::string, User> users;    // by lowercase name
    std::map<std::string, Group> groups;  // by lowercase name
  };
  // Records of the account (nullptr when it has none yet). mu_ held.
  const AccountData* Find(std::string_view account_id) const;
  Result<User*> FindUser(std::string_view account_id, std::string_view name);
  Result<Group*> FindGroup(std::string_view account_id, std::string_view name);
  Result<const User*> FindUser(std::string_view account_id, std::string_view name) const;
  Result<const Group*> FindGroup(std::string_view account_id, std::string_view name) const;
  std::string NewUniqueId(std::string_view prefix, std::size_t length) const;
  // Writes `updated`, a changed copy of `*stored`, then keeps it (mu_ held):
  // memory changes only once LevelDB has the change.
  Status Save(std::string_view account_id, User* stored, User updated);
  Status Save(std::string_view account_id, Group* stored, Group updated);
  Status AttachOrDetach(std::vector<std::string>& attached, std::string_view policy_arn,
                        bool attach);

  storage::Storage& storage_;
  const Clock& clock_;
  mutable std::mutex mu_;
  std::map<std::string, AccountData, std::less<>> accounts_;      // guarded by mu_
  std::map<std::string, UserAccessKey, std::less<>> keys_;        // by key id; guarded by mu_
  // Parsed inline policies, by account, lowercase user name and policy name.
  std::map<std::string, IdentityPolicy, std::less<>> inline_cache_;  // guarded by mu_
};

}  // namespace awslab::iam

#endif  // AWSLAB_EMULATOR_IAM_IAM_STORE_H_
