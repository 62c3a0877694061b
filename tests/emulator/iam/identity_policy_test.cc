// Identity policies: what PutUserPolicy refuses (with IAM's messages), how one
// policy decides (deny wins, wildcards, NotAction, conditions, variables), and
// the managed policies' documents.
#include "emulator/iam/identity_policy.h"

#include <gtest/gtest.h>

#include "emulator/iam/managed_policies.h"

namespace awslab::iam {
namespace {

TEST(IdentityPolicy, RefusesWhatIamRefuses) {
  const struct {
    std::string_view json;
    std::string_view message;
  } kCases[] = {
      {"not json", "Syntax errors in policy."},
      {R"(["a"])", "Syntax errors in policy."},
      {R"({"Version":"2012-10-17"})", "Syntax errors in policy."},
      {R"({"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})",
       "Syntax errors in policy."},
      {R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
       "Policy document should not specify a principal."},
      {R"({"Statement":[{"Effect":"Allow","Resource":"*"}]})",
       "Policy statement must contain actions."},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*"}]})",
       "Policy statement must contain resources."},
      {R"({"Statement":[{"Effect":"Allow","Action":"GetObject","Resource":"*"}]})",
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {R"({"Statement":[{"Effect":"allow","Action":"s3:*","Resource":"*"}]})",
       "Syntax errors in policy."},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"bucket"}]})",
       "Resource bucket must be in ARN format or \"*\"."},
      {R"({"Statement":[{"Sid":"a","Effect":"Allow","Action":"s3:*","Resource":"*"},)"
       R"({"Sid":"a","Effect":"Deny","Action":"s3:*","Resource":"*"}]})",
       "Statement IDs (SID) in a single policy must be unique."},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",)"
       R"("Condition":{"StringEquals":{"username":"bob"}}}]})",
       "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
      {R"({"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",)"
       R"("Condition":{"StringEqualz":{"aws:username":"bob"}}}]})",
       "Syntax errors in policy."},
  };
  for (const auto& c : kCases) {
    auto parsed = IdentityPolicy::Parse(c.json);
    ASSERT_FALSE(parsed) << c.json;
    EXPECT_EQ(parsed.error().code, ErrorCode::kMalformedPolicyDocument) << c.json;
    EXPECT_EQ(parsed.error().Message(), c.message) << c.json;
  }
}

TEST(IdentityPolicy, ExplicitDenyWinsOverAllow) {
  auto p = IdentityPolicy::Parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"s3:*","Resource":"*"},
      {"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::keep"}]})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Evaluate("s3:DeleteBucket", "arn:aws:s3:::keep", {}), Decision::kDeny);
  EXPECT_EQ(p->Evaluate("s3:DeleteBucket", "arn:aws:s3:::other", {}), Decision::kAllow);
  EXPECT_EQ(p->Evaluate("ec2:RunInstances", "*", {}), Decision::kNone);
}

TEST(IdentityPolicy, MatchesActionsWithoutCaseAndResourcesWithWildcards) {
  auto p = IdentityPolicy::Parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":["s3:Get*","s3:List?ucket"],"Resource":"arn:aws:s3:::data/*"},
      {"Effect":"Allow","NotAction":"iam:*","Resource":"arn:aws:ec2:*"}]})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Evaluate("S3:GETOBJECT", "arn:aws:s3:::data/a/b.txt", {}), Decision::kAllow);
  EXPECT_EQ(p->Evaluate("s3:ListBucket", "arn:aws:s3:::data/x", {}), Decision::kAllow);
  EXPECT_EQ(p->Evaluate("s3:GetObject", "arn:aws:s3:::Data/a", {}), Decision::kNone);
  EXPECT_EQ(p->Evaluate("s3:PutObject", "arn:aws:s3:::data/a", {}), Decision::kNone);
  EXPECT_EQ(p->Evaluate("ec2:RunInstances", "arn:aws:ec2:us-east-1:1:instance/*", {}),
            Decision::kAllow);
  EXPECT_EQ(p->Evaluate("iam:CreateUser", "arn:aws:ec2:x", {}), Decision::kNone);
}

TEST(IdentityPolicy, ConditionsAndPolicyVariablesUseTheContext) {
  auto p = IdentityPolicy::Parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Action":"iam:*AccessKey*","Resource":"arn:aws:iam::*:user/${aws:username}"},
      {"Effect":"Allow","Action":"s3:*","Resource":"*",
       "Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]})");
  ASSERT_TRUE(p);
  const Context bob = {{"aws:username", "bob"}, {"aws:sourceip", "10.1.2.3"}};
  EXPECT_EQ(p->Evaluate("iam:CreateAccessKey", "arn:aws:iam::1:user/bob", bob), Decision::kAllow);
  EXPECT_EQ(p->Evaluate("iam:CreateAccessKey", "arn:aws:iam::1:user/eve", bob), Decision::kNone);
  EXPECT_EQ(p->Evaluate("s3:GetObject", "arn:aws:s3:::b/k", bob), Decision::kAllow);
  EXPECT_EQ(p->Evaluate("s3:GetObject", "arn:aws:s3:::b/k", {{"aws:sourceip", "192.168.1.1"}}),
            Decision::kNone);
}

TEST(ManagedPolicies, DocumentsParseAndGrantWhatAwsGrants) {
  ASSERT_EQ(ManagedPolicies().size(), 4u);
  const struct {
    std::string_view arn, action;
    Decision decision;
  } kCases[] = {
      {"arn:aws:iam::aws:policy/AdministratorAccess", "iam:CreateUser", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonS3FullAccess", "s3:DeleteBucket", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonS3FullAccess", "iam:CreateUser", Decision::kNone},
      {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "s3:GetObject", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "s3:ListAllMyBuckets", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "s3:PutObject", Decision::kNone},
      {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "iam:CreateUser", Decision::kNone},
      {"arn:aws:iam::aws:policy/AmazonEC2FullAccess", "ec2:RunInstances", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonEC2FullAccess", "cloudwatch:GetMetricData", Decision::kAllow},
      {"arn:aws:iam::aws:policy/AmazonEC2FullAccess", "s3:GetObject", Decision::kNone},
      // Only with iam:AWSServiceName naming one of its services.
      {"arn:aws:iam::aws:policy/AmazonEC2FullAccess", "iam:CreateServiceLinkedRole",
       Decision::kNone},
  };
  for (const auto& c : kCases) {
    const ManagedPolicy* p = FindManagedPolicy(c.arn);
    ASSERT_NE(p, nullptr) << c.arn;
    EXPECT_EQ(ManagedPolicyDocument(*p).Evaluate(c.action, "arn:aws:s3:::b/k", {}), c.decision)
        << c.arn << " " << c.action;
  }
  EXPECT_EQ(FindManagedPolicy("arn:aws:iam::aws:policy/PowerUserAccess"), nullptr);
  EXPECT_EQ(FindManagedPolicy("arn:aws:iam::aws:policy/administratoraccess"), nullptr);
}

}  // namespace
}  // namespace awslab::iam
