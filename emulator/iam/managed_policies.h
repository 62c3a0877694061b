// The AWS managed policies awslab knows, with their documents as AWS
// publishes them (the default version of each), from the AWS Managed Policy
// Reference: https://docs.aws.amazon.com/aws-managed-policy/latest/reference/
// Only these can be attached; any other ARN is, as AWS says of a policy it
// does not have, "Policy <arn> does not exist or is not attachable."
//
// Thread-safety: immutable tables.
#ifndef AWSLAB_EMULATOR_IAM_MANAGED_POLICIES_H_
#define AWSLAB_EMULATOR_IAM_MANAGED_POLICIES_H_

#include <span>
#include <string_view>

#include "emulator/iam/identity_policy.h"

namespace awslab::iam {

struct ManagedPolicy {
  std::string_view name;      // "AdministratorAccess"
  std::string_view arn;       // "arn:aws:iam::aws:policy/AdministratorAccess"
  std::string_view version;   // the default version's id, "v1"
  std::string_view document;  // its JSON
};

std::span<const ManagedPolicy> ManagedPolicies();
// The policy with this ARN (exact, as IAM compares it); nullptr when unknown.
const ManagedPolicy* FindManagedPolicy(std::string_view arn);
// The parsed document of a policy of ManagedPolicies().
const IdentityPolicy& ManagedPolicyDocument(const ManagedPolicy& policy);

}  // namespace awslab::iam

#endif  // AWSLAB_EMULATOR_IAM_MANAGED_POLICIES_H_
