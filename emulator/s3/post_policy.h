// The policy document of a browser form upload (POST Object): its expiration
// and its conditions on the form's fields, checked as S3 checks them.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
//
// No HTTP here: the caller parses the form, expands ${filename}, verifies the
// signature over the base64 policy and passes the decoded JSON and the fields.
//
// Thread-safety: pure functions and values.
#ifndef AWSLAB_EMULATOR_S3_POST_POLICY_H_
#define AWSLAB_EMULATOR_S3_POST_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"

namespace awslab::s3 {

// A form field before the file, as received (name as sent; the value with
// ${filename} expanded).
struct FormField {
  std::string name;
  std::string value;
};

struct PostPolicyCondition {
  enum class Kind { kEq, kStartsWith, kContentLengthRange };
  Kind kind = Kind::kEq;
  std::string field;  // lowercase, without '$'; empty for content-length-range
  std::string value;
  std::uint64_t min = 0;
  std::uint64_t max = 0;
  // As S3 names it when it fails: ["starts-with", "$key", "user/"].
  std::string text;
};

struct PostPolicy {
  TimePoint expiration;
  std::vector<PostPolicyCondition> conditions;
};

// The decoded policy document. InvalidPolicyDocument (with S3's "Invalid
// Policy: ..." messages) when it is not a JSON object with an ISO 8601
// "expiration" and a "conditions" array of {"field": "value"}, ["eq", "$f",
// v], ["starts-with", "$f", prefix] and ["content-length-range", min, max].
Result<PostPolicy> ParsePostPolicy(std::string_view json);

// "Each form field that you specify in a form (except x-amz-signature, file,
// policy, and field names that have an x-ignore- prefix) must appear in the
// list of conditions" (SigV4); SigV2 exempts AWSAccessKeyId and signature.
bool IsExemptFromPolicy(std::string_view field_name);

// The value of a field for the conditions: fields of one name joined with
// ','; "$bucket" is the bucket. nullopt when the form has no such field.
// `name` lowercase.
std::optional<std::string> FieldValue(const std::vector<FormField>& fields,
                                      std::string_view bucket, std::string_view name);

// Checks, in S3's order, the expiration against `now` (AccessDenied
// "Invalid according to Policy: Policy expired."), every condition but
// content-length-range (AccessDenied "... Policy Condition failed: [...]"),
// and that every field is named by a condition (AccessDenied "... Extra input
// fields: ...").
Status CheckPostPolicy(const PostPolicy& policy, const std::vector<FormField>& fields,
                       std::string_view bucket, TimePoint now);

// The content-length-range conditions against the file's size:
// EntityTooSmall (ProposedSize, MinSizeAllowed) or EntityTooLarge
// (ProposedSize, MaxSizeAllowed).
Status CheckContentLength(const PostPolicy& policy, std::uint64_t size);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_POST_POLICY_H_
