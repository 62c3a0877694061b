// An IAM identity policy: the JSON document attached to a user (inline, by
// PutUserPolicy) or a managed policy's, checked as IAM checks it and judged
// against a request with the same Action/Resource/Condition matching as bucket
// policies (emulator/s3/policy_condition.h). Identity policies name no
// principal: "Policy document should not specify a principal."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
//
// Thread-safety: immutable once parsed; copies share the parsed document.
#ifndef AWSLAB_EMULATOR_IAM_IDENTITY_POLICY_H_
#define AWSLAB_EMULATOR_IAM_IDENTITY_POLICY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::iam {

// What the identity policies of a principal say about one request.
enum class Decision {
  kNone,   // no statement matches: an implicit deny
  kAllow,  // an Allow statement matches and no Deny does
  kDeny,   // a Deny statement matches: "an explicit deny in any policy overrides any allows"
};

// Condition keys (lowercase) and their values; a key given twice is multivalued.
using Context = std::vector<std::pair<std::string, std::string>>;

class IdentityPolicy {
 public:
  // Checks `json` as PutUserPolicy does. Errors: MalformedPolicyDocument with
  // IAM's message ("Syntax errors in policy.", "Policy document should not
  // specify a principal.", "Policy statement must contain actions.", ...).
  static Result<IdentityPolicy> Parse(std::string_view json);

  // The decision of this one policy for `action` ("iam:CreateUser") on
  // `resource` (an ARN): Deny if a Deny statement matches, else Allow if an
  // Allow one does, else kNone.
  Decision Evaluate(std::string_view action, std::string_view resource,
                    const Context& context) const;

  // The document as put.
  const std::string& text() const;
  // Its size as IAM counts it against quotas: without white space outside strings.
  std::size_t normalized_size() const;

  struct Document;

 private:
  explicit IdentityPolicy(std::shared_ptr<const Document> document)
      : document_(std::move(document)) {}
  std::shared_ptr<const Document> document_;
};

}  // namespace awslab::iam

#endif  // AWSLAB_EMULATOR_IAM_IDENTITY_POLICY_H_
