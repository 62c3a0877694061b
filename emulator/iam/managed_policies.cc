#include "emulator/iam/managed_policies.h"

#include <cstdlib>
#include <map>
#include <string>

namespace awslab::iam {
namespace {

// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AdministratorAccess.html (v1)
constexpr std::string_view kAdministratorAccess = R"({
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : "*",
      "Resource" : "*"
    }
  ]
})";

// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3FullAccess.html (v2)
constexpr std::string_view kAmazonS3FullAccess = R"({
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "s3:*",
        "s3-object-lambda:*"
      ],
      "Resource" : "*"
    }
  ]
})";

// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonS3ReadOnlyAccess.html (v3)
constexpr std::string_view kAmazonS3ReadOnlyAccess = R"({
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "s3:Get*",
        "s3:List*",
        "s3:Describe*",
        "s3-object-lambda:Get*",
        "s3-object-lambda:List*"
      ],
      "Resource" : "*"
    }
  ]
})";

// https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEC2FullAccess.html (v5)
constexpr std::string_view kAmazonEC2FullAccess = R"({
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Action" : "ec2:*",
      "Effect" : "Allow",
      "Resource" : "*"
    },
    {
      "Effect" : "Allow",
      "Action" : "elasticloadbalancing:*",
      "Resource" : "*"
    },
    {
      "Effect" : "Allow",
      "Action" : "cloudwatch:*",
      "Resource" : "*"
    },
    {
      "Effect" : "Allow",
      "Action" : "autoscaling:*",
      "Resource" : "*"
    },
    {
      "Effect" : "Allow",
      "Action" : "iam:CreateServiceLinkedRole",
      "Resource" : "*",
      "Condition" : {
        "StringEquals" : {
          "iam:AWSServiceName" : [
            "autoscaling.amazonaws.com",
            "ec2scheduled.amazonaws.com",
            "elasticloadbalancing.amazonaws.com",
            "spot.amazonaws.com",
            "spotfleet.amazonaws.com",
            "transitgateway.amazonaws.com"
          ]
        }
      }
    }
  ]
})";

constexpr ManagedPolicy kPolicies[] = {
    {"AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "v1",
     kAdministratorAccess},
    {"AmazonS3FullAccess", "arn:aws:iam::aws:policy/AmazonS3FullAccess", "v2",
     kAmazonS3FullAccess},
    {"AmazonS3ReadOnlyAccess", "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", "v3",
     kAmazonS3ReadOnlyAccess},
    {"AmazonEC2FullAccess", "arn:aws:iam::aws:policy/AmazonEC2FullAccess", "v5",
     kAmazonEC2FullAccess},
};

}  // namespace

std::span<const ManagedPolicy> ManagedPolicies() { return kPolicies; }

const ManagedPolicy* FindManagedPolicy(std::string_view arn) {
  for (const ManagedPolicy& p : kPolicies)
    if (p.arn == arn) return &p;
  return nullptr;
}

const IdentityPolicy& ManagedPolicyDocument(const ManagedPolicy& policy) {
  static const auto* parsed = [] {
    auto* out = new std::map<std::string_view, IdentityPolicy>;
    for (const ManagedPolicy& p : kPolicies) {
      auto doc = IdentityPolicy::Parse(p.document);
      if (!doc) std::abort();  // a table above that IAM would refuse: a bug
      out->emplace(p.arn, std::move(*doc));
    }
    return out;
  }();
  return parsed->at(policy.arn);
}

}  // namespace awslab::iam
