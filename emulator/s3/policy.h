// An S3 bucket policy: the JSON document PutBucketPolicy sets, checked as S3
// checks it, and judged against a request as S3 judges it.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-policies.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
//
// The model knows nothing of HTTP: the caller says who asks for what (a
// PolicyRequest) and combines the answer with ACLs, ownership and Block Public
// Access. What is and is not supported: docs/policies.md.
//
// Thread-safety: a BucketPolicy is immutable once parsed; its const methods may
// be called from any number of threads. Copies share the parsed document.
#ifndef AWSLAB_EMULATOR_S3_POLICY_H_
#define AWSLAB_EMULATOR_S3_POLICY_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::s3 {

// Who asks and what, as the policy sees it.
struct PolicyRequest {
  std::string_view action;             // "s3:GetObject" (as AWS names the permission)
  std::string_view resource;           // "arn:aws:s3:::bucket" or "arn:aws:s3:::bucket/key"
  std::string_view account_id;         // 12 digits; empty when anonymous
  std::string_view canonical_user_id;  // 64 hex; empty when anonymous
  // The IAM user that asks ("arn:aws:iam::111122223333:user/alice"); empty
  // for an account's root user and the anonymous one. With account_id and
  // canonical_user_id empty, only statements naming the user or everyone apply.
  std::string_view user_arn;
  // Condition keys with their values, keys lowercase as AWS compares them
  // case-insensitively: "aws:sourceip" ("127.0.0.1" or IPv6),
  // "aws:securetransport" ("true"/"false"), "aws:referer", "aws:useragent",
  // "aws:currenttime" (ISO 8601), "aws:epochtime", "aws:principaltype"
  // ("Anonymous" | "Account"), "aws:principalaccount", "s3:prefix",
  // "s3:delimiter", "s3:max-keys", "s3:x-amz-acl", ... A key absent from the
  // context is absent (matters for Null, ...IfExists and negated operators).
  // A key given more than once is multivalued (for ForAnyValue:/ForAllValues:).
  const std::vector<std::pair<std::string, std::string>>* context = nullptr;
};

enum class PolicyEffect {
  kNone,   // no statement applies (implicit deny)
  kAllow,  // an Allow statement applies and no Deny does
  kDeny,   // a Deny statement applies
};

class BucketPolicy {
 public:
  // "Bucket policies are limited to 20 KB in size", measured on the document
  // without the white space between its tokens.
  static constexpr std::size_t kMaxSize = 20480;

  // Checks `json` as PutBucketPolicy on `bucket` does. Errors are
  // Error{ErrorCode::kMalformedPolicy, "<S3's message>"}, the message the
  // first fault found gets from S3, e.g. "Policy has invalid resource".
  static Result<BucketPolicy> Parse(std::string_view json, std::string_view bucket);

  // The statements that apply to `request`: an explicit Deny wins over any
  // Allow; kNone when none applies.
  PolicyEffect Evaluate(const PolicyRequest& request) const;

  // Whether the policy is public as Block Public Access (BlockPublicPolicy,
  // RestrictPublicBuckets) and GetBucketPolicyStatus judge it: it has an Allow
  // statement for a wildcard (or federated) principal that no condition limits
  // to fixed values (no wildcard, no policy variable) of aws:SourceIp (a CIDR no
  // broader than /8 for IPv4 or /32 for IPv6), aws:SourceArn, aws:SourceVpc,
  // aws:SourceVpce, aws:SourceOwner, aws:SourceAccount, aws:PrincipalOrgID,
  // aws:PrincipalAccount, aws:PrincipalArn, aws:userid,
  // s3:x-amz-server-side-encryption-aws-kms-key-id, s3:DataAccessPointArn or
  // s3:DataAccessPointAccount.
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status
  bool IsPublic() const;

  // The document as put (GetBucketPolicy returns it as stored).
  const std::string& text() const;

  struct Document;  // the parsed statements (policy.cc)

 private:
  explicit BucketPolicy(std::shared_ptr<const Document> document);

  std::shared_ptr<const Document> document_;
};

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_POLICY_H_
