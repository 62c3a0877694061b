#include "emulator/s3/policy.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/s3/policy_match.h"

namespace awslab::s3 {
namespace {

constexpr std::string_view kBucket = "awsexamplebucket";
constexpr std::string_view kAlice = "111122223333";
constexpr std::string_view kBob = "444455556666";
constexpr std::string_view kAliceCanonical =
    "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be";

// A document with these statements (JSON text of the array's items).
std::string Doc(std::string_view statements, std::string_view version = "2012-10-17") {
  return R"({"Version":")" + std::string(version) + R"(","Statement":[)" + std::string(statements) +
         "]}";
}

// One statement with the given members; the rest are the course's defaults.
std::string Stmt(std::string_view effect, std::string_view principal, std::string_view action,
                 std::string_view resource, std::string_view condition = "") {
  std::string s = R"({"Effect":")" + std::string(effect) + R"(",)" + std::string(principal) +
                  R"(,"Action":)" + std::string(action) + R"(,"Resource":)" + std::string(resource);
  if (!condition.empty()) s += R"(,"Condition":)" + std::string(condition);
  return s + "}";
}

// The parse error's message, or "" when the document is accepted.
std::string ParseProblem(std::string_view json, std::string_view bucket = kBucket) {
  Result<BucketPolicy> policy = BucketPolicy::Parse(json, bucket);
  if (policy) return "";
  EXPECT_EQ(policy.error().code, ErrorCode::kMalformedPolicy);
  return std::string(policy.error().Message());
}

BucketPolicy MustParse(std::string_view json) {
  Result<BucketPolicy> policy = BucketPolicy::Parse(json, kBucket);
  if (!policy) {
    ADD_FAILURE() << policy.error().Message() << "\n" << json;
    return *BucketPolicy::Parse(
        Doc(Stmt("Deny", R"("Principal":"*")", R"("s3:*")", R"("arn:aws:s3:::awsexamplebucket")")),
        kBucket);
  }
  return *policy;
}

// A request, anonymous unless an account is given.
struct Ask {
  std::string action;
  std::string key = {};  // empty: the bucket itself
  std::string account = {};
  PolicyContext context = {};
  std::string canonical = {};
};

PolicyEffect Eval(const BucketPolicy& policy, const Ask& ask) {
  const std::string resource =
      "arn:aws:s3:::" + std::string(kBucket) + (ask.key.empty() ? "" : "/" + ask.key);
  PolicyRequest request;
  request.action = ask.action;
  request.resource = resource;
  request.account_id = ask.account;
  request.canonical_user_id = ask.canonical;
  request.context = &ask.context;
  return policy.Evaluate(request);
}

constexpr PolicyEffect kAllow = PolicyEffect::kAllow;
constexpr PolicyEffect kDeny = PolicyEffect::kDeny;
constexpr PolicyEffect kNone = PolicyEffect::kNone;

const std::string kEveryone = R"("Principal":"*")";
const std::string kObjects = R"("arn:aws:s3:::awsexamplebucket/*")";
const std::string kTheBucket = R"("arn:aws:s3:::awsexamplebucket")";

// The course's policy: everyone may read every object.
const std::string kAllowPublicRead = R"({
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AllowPublicRead",
      "Effect": "Allow",
      "Principal": "*",
      "Action": "s3:GetObject",
      "Resource": "arn:aws:s3:::awsexamplebucket/*"
    }
  ]
})";

TEST(BucketPolicyParse, AcceptsTheCoursePolicyAndKeepsItsTextAsPut) {
  Result<BucketPolicy> policy = BucketPolicy::Parse(kAllowPublicRead, kBucket);
  ASSERT_TRUE(policy) << policy.error().Message();
  EXPECT_EQ(policy->text(), kAllowPublicRead);
}

TEST(BucketPolicyParse, AcceptsTheShapesTheGrammarAllows) {
  const std::string kCases[] = {
      // PutBucketPolicy's own sample: 2008-10-17, an Id, a Sid, a list of accounts.
      R"({"Version":"2008-10-17","Id":"aaaa-bbbb-cccc-dddd","Statement":[{"Effect":"Allow",
          "Sid":"1","Principal":{"AWS":["111122223333","444455556666"]},"Action":["s3:*"],
          "Resource":"arn:aws:s3:::awsexamplebucket/*"}]})",
      // No Version; a single statement without the brackets.
      R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::awsexamplebucket/secret/*"}})",
      Doc(Stmt("Allow", R"("Principal":{"AWS":"*"})", R"("*")",
               R"(["arn:aws:s3:::awsexamplebucket","arn:aws:s3:::awsexamplebucket/*"])")),
      Doc(Stmt("Allow", R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"})",
               R"(["s3:Get*","s3:List*"])",
               R"(["arn:aws:s3:::awsexamplebucket","arn:aws:s3:::awsexamplebucket/*"])")),
      Doc(Stmt("Allow", R"("Principal":{"AWS":"arn:aws:iam::111122223333:user/path/Akua"})",
               R"("s3:GetObject")", kObjects)),
      Doc(Stmt("Allow", R"("Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"})",
               R"("s3:GetObject")", kObjects)),
      Doc(Stmt(
          "Allow",
          std::string(R"("Principal":{"CanonicalUser":")") + std::string(kAliceCanonical) + R"("})",
          R"("s3:GetObject")", kObjects)),
      Doc(Stmt("Allow", R"("Principal":{"Service":"logging.s3.amazonaws.com"})",
               R"("s3:PutObject")", kObjects)),
      Doc(Stmt("Deny", R"("NotPrincipal":{"AWS":"111122223333"})", R"("s3:*")", kObjects)),
      Doc(R"({"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":)" + kObjects +
          "}"),
      Doc(R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":)" + kObjects +
          "}"),
      // Action names are case-insensitive, and a wildcard may stand for a
      // bucket name.
      Doc(Stmt("Allow", kEveryone, R"("S3:getobject")", R"("arn:aws:s3:::awsexample*/*")")),
      // Conditions: any global key; numbers and booleans without quotes.
      Doc(Stmt("Allow", kEveryone, R"("s3:ListBucket")", kTheBucket,
               R"({"StringLike":{"s3:prefix":["home/","home/*"]},
                   "NumericLessThanEquals":{"s3:max-keys":10},
                   "Bool":{"aws:SecureTransport":true},
                   "IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:db8::/32","203.0.113.7"]},
                   "StringEqualsIfExists":{"aws:SomeKeyAwsMayAddLater":"x"},
                   "ForAnyValue:StringLike":{"aws:TagKeys":"team*"},
                   "DateGreaterThan":{"aws:CurrentTime":"2019-07-16T12:00:00Z"}})")),
      // s3:x-amz-acl comes with s3:PutObject; wildcard actions are not held to it.
      Doc(Stmt("Deny", kEveryone, R"("s3:PutObject")", kObjects,
               R"({"StringNotEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}})")),
      Doc(Stmt("Deny", kEveryone, R"("s3:*")", kObjects,
               R"({"StringEquals":{"s3:x-amz-acl":"public-read"}})")),
      Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
               R"({"StringEquals":{"s3:ExistingObjectTag/classification":"public"}})")),
  };
  for (const std::string& json : kCases) EXPECT_EQ(ParseProblem(json), "") << json;
}

TEST(BucketPolicyParse, RefusesWhatS3RefusesWithS3sMessage) {
  const std::string principal_allow = R"("Principal":"*")";
  const struct {
    std::string json;
    std::string message;
  } kCases[] = {
      // The document as JSON.
      {"", "Policies must be valid JSON and the first byte must be '{'"},
      {"invalid json", "Policies must be valid JSON and the first byte must be '{'"},
      {" " + kAllowPublicRead, "Policies must be valid JSON and the first byte must be '{'"},
      {R"({"Statement": [})", "This policy contains invalid Json"},
      {R"({"Statement": 1, "Statement": 2})", "This policy contains invalid Json"},
      {Doc(R"({"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"s3:GetObject",
               "Resource":"arn:aws:s3:::awsexamplebucket/*"})"),
       "This policy contains invalid Json"},
      {kAllowPublicRead + "x", "This policy contains invalid Json"},
      {"{}", "Missing required field Statement"},
      {R"({"Statement": []})", "Could not parse the policy: Statement is empty!"},
      {R"({"Statement": "s3:GetObject"})", "Invalid policy syntax."},
      {R"({"Id": 7, "Statement": [{}]})", "Invalid policy syntax."},
      // Version.
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects), "2012-10-16"),
       "The policy must contain a valid version string"},
      {R"({"Version": 2012, "Statement": {}})", "The policy must contain a valid version string"},
      // Elements.
      {R"({"Version":"2012-10-17","Comment":"x","Statement":[]})", "Unknown field Comment"},
      {Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":)" + kObjects +
           R"(,"condition":{}})"),
       "Unknown field condition"},
      {Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotAction":"s3:PutObject",
               "Resource":)" +
           kObjects + "}"),
       "Invalid policy syntax."},
      {Doc(R"({"Sid":1,"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":)" +
           kObjects + "}"),
       "Invalid policy syntax."},
      {Doc(R"("not a statement")"), "Invalid policy syntax."},
      // Effect.
      {Doc(R"({"Principal":"*","Action":"s3:GetObject","Resource":)" + kObjects + "}"),
       "Missing required field Effect"},
      {Doc(Stmt("allow", kEveryone, R"("s3:GetObject")", kObjects)), "Invalid effect: allow"},
      {Doc(Stmt("Permit", kEveryone, R"("s3:GetObject")", kObjects)), "Invalid effect: Permit"},
      // Principal.
      {Doc(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":)" + kObjects + "}"),
       "Missing required field Principal"},
      {Doc(Stmt("Allow", R"("Principal":"someone")", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"})", R"("s3:GetObject")",
                kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"AWS":["*","111122223333"]})", R"("s3:GetObject")",
                kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"AWS":[]})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"AWS":"11112222333"})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt(
           "Allow",
           R"("Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"})",
           R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"CanonicalUser":"abc"})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"Service":"*"})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("Principal":{"Group":"admins"})", R"("s3:GetObject")", kObjects)),
       "Invalid principal in policy"},
      {Doc(Stmt("Allow", R"("NotPrincipal":{"AWS":"111122223333"})", R"("s3:GetObject")",
                kObjects)),
       "Invalid principal in policy"},
      // Action.
      {Doc(R"({"Effect":"Allow","Principal":"*","Resource":)" + kObjects + "}"),
       "Missing required field Action"},
      {Doc(Stmt("Allow", kEveryone, "null", kObjects)), "Invalid policy syntax."},
      {Doc(Stmt("Allow", kEveryone, R"(["s3:GetObject",7])", kObjects)), "Invalid policy syntax."},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObjects")", kObjects)), "Policy has invalid action"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:PutObjectLockConfiguration")", kTheBucket)),
       "Policy has invalid action"},
      {Doc(Stmt("Allow", kEveryone, R"("ec2:RunInstances")", kObjects)),
       "Policy has invalid action"},
      {Doc(Stmt("Allow", kEveryone, R"("GetObject")", kObjects)), "Policy has invalid action"},
      {Doc(Stmt("Allow", kEveryone, R"("")", kObjects)), "Policy has invalid action"},
      // Resource.
      {Doc(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject"})"),
       "Missing required field Resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("*")")), "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"(["*"])")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("arn:aws:s3:::otherbucket/*")")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")",
                R"(["arn:aws:s3:::awsexamplebucket/*","arn:aws:s3:::otherbucket/*"])")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("arn:aws:s3:::AwsExampleBucket/*")")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("awsexamplebucket/*")")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("arn:aws:s3:::")")),
       "Policy has invalid resource"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")",
                R"("arn:aws:s3:::awsexamplebucket-logs/*")")),
       "Policy has invalid resource"},
      // Actions and resources that do not fit.
      {Doc(Stmt("Allow", kEveryone, R"("s3:PutObject")", kTheBucket)),
       "Action does not apply to any resource(s) in statement"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:ListBucket")", kObjects)),
       "Action does not apply to any resource(s) in statement"},
      {Doc(Stmt("Allow", kEveryone, R"(["s3:GetObject","s3:ListBucket"])", kObjects)),
       "Action does not apply to any resource(s) in statement"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:ListAllMyBuckets")", kTheBucket)),
       "Action does not apply to any resource(s) in statement"},
      // Conditions.
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects, R"("x")")),
       "Invalid policy syntax."},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"stringequals":{"aws:Referer":"x"}})")),
       "Invalid Condition type : stringequals"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"NullIfExists":{"aws:Referer":"true"}})")),
       "Invalid Condition type : NullIfExists"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"ForSomeValues:StringEquals":{"aws:Referer":"x"}})")),
       "Invalid Condition type : ForSomeValues:StringEquals"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringEquals":{"s3:VersionStatus":"Enabled"}})")),
       "Policy has an invalid condition key"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringEquals":{"iam:PassedToService":"x"}})")),
       "Policy has an invalid condition key"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringLike":{"s3:prefix":"home/*"}})")),
       "Conditions do not apply to combination of actions and resources in statement"},
      {Doc(Stmt("Allow", kEveryone, R"(["s3:GetObject","s3:PutObject"])", kObjects,
                R"({"StringEquals":{"s3:x-amz-acl":"public-read"}})")),
       "Conditions do not apply to combination of actions and resources in statement"},
      // The condition is reported before the action that fits no resource.
      {Doc(Stmt("Allow", kEveryone, R"("s3:ListBucketMultipartUploads")", kObjects,
                R"({"StringLike":{"s3:prefix":"x"}})")),
       "Conditions do not apply to combination of actions and resources in statement"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}})")),
       "Invalid IP address in Conditions"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","192.0.2"]}})")),
       "Invalid IP address in Conditions"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringLike":{"aws:SourceIp":"192.0.2.*"}})")),
       "Invalid IP address in Conditions"},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringEquals":{"aws:Referer":null}})")),
       "Invalid policy syntax."},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringEquals":{"aws:Referer":[]}})")),
       "Invalid policy syntax."},
      {Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                R"({"StringEquals":["aws:Referer"]})")),
       "Invalid policy syntax."},
  };
  for (const auto& c : kCases) EXPECT_EQ(ParseProblem(c.json), c.message) << c.json;
}

TEST(BucketPolicyParse, ReportsTheFirstFaultInDocumentOrder) {
  // A good statement, then a bad one: the bad one is reported.
  EXPECT_EQ(
      ParseProblem(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects) + "," +
                       Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("arn:aws:s3:::other/*")"))),
      "Policy has invalid resource");
  // The Effect of a statement is judged before its Principal.
  EXPECT_EQ(
      ParseProblem(Doc(Stmt("Maybe", R"("Principal":"nobody")", R"("s3:GetObject")", kObjects))),
      "Invalid effect: Maybe");
}

TEST(BucketPolicyParse, LimitsTheNormalizedDocumentTo20KB) {
  // Resources of 40 bytes each: 600 of them are 24 KB compact (refused), 400
  // are 16 KB compact but 26 KB with the white space a person might add
  // (accepted: white space does not count).
  auto policy = [](int count, std::string_view separator) {
    std::string resources = "[";
    for (int i = 0; i < count; ++i) {
      if (i > 0) resources += "," + std::string(separator);
      char name[64];
      std::snprintf(name, sizeof name, "\"arn:aws:s3:::awsexamplebucket/d%04d/*\"", i);
      resources += name;
    }
    resources += "]";
    return Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", resources));
  };
  const std::string big = policy(600, "");
  ASSERT_GT(big.size(), BucketPolicy::kMaxSize);
  EXPECT_EQ(ParseProblem(big),
            "Normalized policy document exceeds the maximum allowed size of 20480 bytes");
  const std::string airy = policy(400, "\n                        ");
  ASSERT_GT(airy.size(), BucketPolicy::kMaxSize);
  EXPECT_EQ(ParseProblem(airy), "");
}

TEST(BucketPolicyEvaluate, AllowPublicReadLetsAnyoneGetObjectsAndNothingElse) {
  const BucketPolicy policy = MustParse(kAllowPublicRead);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "photo.jpg"}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "a/b/c.txt"}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "photo.jpg", std::string(kAlice)}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:PutObject", "photo.jpg"}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:GetObjectAcl", "photo.jpg"}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:ListBucket", ""}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "photo.jpg"}), kNone);

  PolicyRequest other_bucket;
  other_bucket.action = "s3:GetObject";
  other_bucket.resource = "arn:aws:s3:::awsexamplebucket2/photo.jpg";
  EXPECT_EQ(policy.Evaluate(other_bucket), kNone);
}

TEST(BucketPolicyEvaluate, AnExplicitDenyBeatsAnyAllowWhateverTheOrder) {
  const std::string allow_all = Stmt("Allow", kEveryone, R"("s3:*")", kObjects);
  const std::string deny_delete = Stmt("Deny", kEveryone, R"("s3:DeleteObject")", kObjects);
  for (const std::string& doc :
       {Doc(allow_all + "," + deny_delete), Doc(deny_delete + "," + allow_all)}) {
    const BucketPolicy policy = MustParse(doc);
    EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k"}), kDeny) << doc;
    EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k", std::string(kAlice)}), kDeny) << doc;
    EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kAllow) << doc;
    EXPECT_EQ(Eval(policy, {"s3:PutObject", "k"}), kAllow) << doc;
  }
  // A Deny alone is a Deny, not an Allow of anything else.
  const BucketPolicy deny_only = MustParse(Doc(deny_delete));
  EXPECT_EQ(Eval(deny_only, {"s3:DeleteObject", "k"}), kDeny);
  EXPECT_EQ(Eval(deny_only, {"s3:GetObject", "k"}), kNone);
}

TEST(BucketPolicyEvaluate, SourceIpAllowsAndDeniesByCidr) {
  // AWS's example: allow from 192.0.2.0/24 and 2001:DB8:1234:5678::/64, except
  // 192.0.2.188.
  const BucketPolicy policy = MustParse(
      Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
               R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","2001:DB8:1234:5678::/64"]}})") +
          "," +
          Stmt("Deny", kEveryone, R"("s3:*")", kObjects,
               R"({"IpAddress":{"aws:SourceIp":"192.0.2.188"}})")));
  auto from = [&](std::string ip) {
    return Eval(policy, {"s3:GetObject", "k", "", {{"aws:sourceip", std::move(ip)}}});
  };
  EXPECT_EQ(from("192.0.2.1"), kAllow);
  EXPECT_EQ(from("192.0.2.255"), kAllow);
  EXPECT_EQ(from("192.0.2.188"), kDeny);
  EXPECT_EQ(from("192.0.3.1"), kNone);
  EXPECT_EQ(from("2001:db8:1234:5678::9"), kAllow);
  EXPECT_EQ(from("2001:db8:1234:5679::9"), kNone);
  EXPECT_EQ(from("::ffff:192.0.2.7"), kAllow);  // an IPv4-mapped IPv6 address
  EXPECT_EQ(from("not an address"), kNone);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kNone);  // no address known

  // Deny from everywhere but one network: NotIpAddress, true when the key is absent.
  const BucketPolicy only_lan =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects) + "," +
                    Stmt("Deny", kEveryone, R"("s3:*")", kObjects,
                         R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})")));
  EXPECT_EQ(Eval(only_lan, {"s3:GetObject", "k", "", {{"aws:sourceip", "10.20.30.40"}}}), kAllow);
  EXPECT_EQ(Eval(only_lan, {"s3:GetObject", "k", "", {{"aws:sourceip", "11.0.0.1"}}}), kDeny);
  EXPECT_EQ(Eval(only_lan, {"s3:GetObject", "k"}), kDeny);
}

TEST(BucketPolicyEvaluate, PrefixConditionLimitsListBucket) {
  const BucketPolicy policy = MustParse(
      Doc(Stmt("Allow", R"("Principal":{"AWS":"111122223333"})", R"("s3:ListBucket")", kTheBucket,
               R"({"StringLike":{"s3:prefix":["","home/","home/alice/*"]}})")));
  auto list = [&](std::string prefix) {
    return Eval(policy, {"s3:ListBucket", "", std::string(kAlice), {{"s3:prefix", prefix}}});
  };
  EXPECT_EQ(list(""), kAllow);
  EXPECT_EQ(list("home/"), kAllow);
  EXPECT_EQ(list("home/alice/"), kAllow);
  EXPECT_EQ(list("home/alice/photos/"), kAllow);
  EXPECT_EQ(list("home/bob/"), kNone);
  EXPECT_EQ(list("Home/alice/"), kNone);  // StringLike is case-sensitive
  EXPECT_EQ(Eval(policy, {"s3:ListBucket", "", std::string(kAlice)}), kNone);  // no prefix sent
  EXPECT_EQ(Eval(policy, {"s3:ListBucket", "", std::string(kBob), {{"s3:prefix", "home/"}}}),
            kNone);
}

TEST(BucketPolicyEvaluate, RefererConditionMatchesOnlyTheSite) {
  const BucketPolicy policy = MustParse(Doc(Stmt(
      "Allow", kEveryone, R"("s3:GetObject")", kObjects,
      R"({"StringLike":{"aws:Referer":["http://www.example.com/*","http://example.com/*"]}})")));
  auto with = [&](std::string referer) {
    return Eval(policy, {"s3:GetObject", "k", "", {{"aws:referer", std::move(referer)}}});
  };
  EXPECT_EQ(with("http://www.example.com/page.html"), kAllow);
  EXPECT_EQ(with("http://example.com/"), kAllow);
  EXPECT_EQ(with("http://evil.example.net/?http://www.example.com/"), kNone);
  EXPECT_EQ(with("HTTP://WWW.EXAMPLE.COM/page.html"), kNone);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kNone);
}

TEST(BucketPolicyEvaluate, SecureTransportFalseIsDenied) {
  const BucketPolicy policy =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects) + "," +
                    Stmt("Deny", kEveryone, R"("s3:*")", R"([)" + kTheBucket + "," + kObjects + "]",
                         R"({"Bool":{"aws:SecureTransport":"false"}})")));
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k", "", {{"aws:securetransport", "false"}}}), kDeny);
  EXPECT_EQ(Eval(policy, {"s3:ListBucket", "", "", {{"aws:securetransport", "false"}}}), kDeny);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k", "", {{"aws:securetransport", "true"}}}), kAllow);
  // Bool is not negated: a request without the key is not denied.
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kAllow);
  // A JSON boolean works as well as the string.
  const BucketPolicy unquoted = MustParse(Doc(
      Stmt("Deny", kEveryone, R"("s3:*")", kObjects, R"({"Bool":{"aws:SecureTransport":false}})")));
  EXPECT_EQ(Eval(unquoted, {"s3:GetObject", "k", "", {{"aws:securetransport", "false"}}}), kDeny);
  EXPECT_EQ(Eval(unquoted, {"s3:GetObject", "k", "", {{"aws:securetransport", "true"}}}), kNone);
}

TEST(BucketPolicyEvaluate, NotActionAppliesToEveryOtherAction) {
  const BucketPolicy policy = MustParse(Doc(
      Stmt("Allow", kEveryone, R"("s3:*")", kObjects) + "," +
      R"({"Effect":"Deny","Principal":"*","NotAction":["s3:GetObject","s3:GetObjectVersion"],"Resource":)" +
      kObjects + "}"));
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:getobjectversion", "k"}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:PutObject", "k"}), kDeny);
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k"}), kDeny);
}

TEST(BucketPolicyEvaluate, NotResourceAppliesToEveryOtherResource) {
  const BucketPolicy policy = MustParse(Doc(
      Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects) + "," +
      R"({"Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::awsexamplebucket/public/*"})"));
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "public/index.html"}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "private/secret.txt"}), kDeny);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "Public/index.html"}), kDeny);  // case-sensitive
}

TEST(BucketPolicyEvaluate, NotPrincipalDeniesEveryoneButThoseNamed) {
  const BucketPolicy policy =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:*")", kObjects) + "," +
                    Stmt("Deny", R"("NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"})",
                         R"("s3:DeleteObject")", kObjects)));
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k", std::string(kAlice)}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k", std::string(kBob)}), kDeny);
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k"}), kDeny);  // anonymous
}

TEST(BucketPolicyEvaluate, PrincipalsNameAccountsAndCanonicalUsers) {
  const BucketPolicy policy = MustParse(Doc(
      Stmt("Allow", R"("Principal":{"AWS":"111122223333"})", R"("s3:GetObject")", kObjects) + "," +
      Stmt("Allow", R"("Principal":{"AWS":["arn:aws:iam::444455556666:root"]})",
           R"("s3:PutObject")", kObjects) +
      "," +
      Stmt("Allow",
           std::string(R"("Principal":{"CanonicalUser":")") +
               "79A59DF900B949E55D96A1E698FBACEDFD6E09D98EACF8F8D5218E7CD47EF2BE" + R"("})",
           R"("s3:DeleteObject")", kObjects) +
      "," +
      Stmt("Allow", R"("Principal":{"AWS":"arn:aws:iam::555555555555:user/Akua"})",
           R"("s3:GetObjectAcl")", kObjects) +
      "," +
      Stmt("Allow", R"("Principal":{"Service":"cloudtrail.amazonaws.com"})",
           R"("s3:GetObjectTagging")", kObjects)));
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k", std::string(kAlice)}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k", std::string(kBob)}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "k"}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:PutObject", "k", std::string(kBob)}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:PutObject", "k", std::string(kAlice)}), kNone);
  Ask by_canonical{"s3:DeleteObject", "k", std::string(kAlice)};
  by_canonical.canonical = std::string(kAliceCanonical);
  EXPECT_EQ(Eval(policy, by_canonical), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:DeleteObject", "k", std::string(kAlice)}), kNone);
  // No IAM users and no services make requests here: their grants match nobody.
  EXPECT_EQ(Eval(policy, {"s3:GetObjectAcl", "k", "555555555555"}), kNone);
  EXPECT_EQ(Eval(policy, {"s3:GetObjectTagging", "k", std::string(kAlice)}), kNone);
}

TEST(BucketPolicyEvaluate, ActionsAndConditionKeyNamesIgnoreCaseResourcesDoNot) {
  const BucketPolicy policy = MustParse(
      Doc(Stmt("Allow", kEveryone, R"("S3:GETOBJ*")", R"("arn:aws:s3:::awsexamplebucket/Docs/*")",
               R"({"StringEquals":{"AWS:UserAgent":"curl/8"}})")));
  const PolicyContext curl = {{"aws:useragent", "curl/8"}};
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "Docs/a", "", curl}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:getobjecttagging", "Docs/a", "", curl}), kAllow);
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "docs/a", "", curl}), kNone);
  // Values compare with regard to case under StringEquals.
  EXPECT_EQ(Eval(policy, {"s3:GetObject", "Docs/a", "", {{"aws:useragent", "CURL/8"}}}), kNone);
}

TEST(BucketPolicyEvaluate, IfExistsAndNullTreatAnAbsentKeyAsAwsDocuments) {
  const BucketPolicy if_exists =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"StringEqualsIfExists":{"aws:Referer":"https://example.com/"}})")));
  EXPECT_EQ(Eval(if_exists, {"s3:GetObject", "k"}), kAllow);
  EXPECT_EQ(Eval(if_exists, {"s3:GetObject", "k", "", {{"aws:referer", "https://example.com/"}}}),
            kAllow);
  EXPECT_EQ(Eval(if_exists, {"s3:GetObject", "k", "", {{"aws:referer", "https://evil.com/"}}}),
            kNone);

  // Deny requests that carry no user agent.
  const BucketPolicy null =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects) + "," +
                    Stmt("Deny", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"Null":{"aws:UserAgent":"true"}})")));
  EXPECT_EQ(Eval(null, {"s3:GetObject", "k"}), kDeny);
  EXPECT_EQ(Eval(null, {"s3:GetObject", "k", "", {{"aws:useragent", "curl"}}}), kAllow);

  const BucketPolicy present = MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                                                  R"({"Null":{"aws:UserAgent":false}})")));
  EXPECT_EQ(Eval(present, {"s3:GetObject", "k"}), kNone);
  EXPECT_EQ(Eval(present, {"s3:GetObject", "k", "", {{"aws:useragent", "curl"}}}), kAllow);
}

TEST(BucketPolicyEvaluate, NegatedOperatorsMatchAnAbsentKeyAndNoneOfTheirValues) {
  const BucketPolicy policy = MustParse(
      Doc(Stmt("Deny", kEveryone, R"("s3:PutObject")", kObjects,
               R"({"StringNotEquals":{"s3:x-amz-acl":["bucket-owner-full-control","private"]}})")));
  auto put = [&](PolicyContext context) {
    return Eval(policy, {"s3:PutObject", "k", "", context});
  };
  EXPECT_EQ(put({}), kDeny);
  EXPECT_EQ(put({{"s3:x-amz-acl", "public-read"}}), kDeny);
  EXPECT_EQ(put({{"s3:x-amz-acl", "private"}}), kNone);
  EXPECT_EQ(put({{"s3:x-amz-acl", "bucket-owner-full-control"}}), kNone);

  const BucketPolicy not_like =
      MustParse(Doc(Stmt("Deny", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"StringNotLike":{"aws:UserAgent":"*Mozilla*"}})")));
  EXPECT_EQ(Eval(not_like, {"s3:GetObject", "k", "", {{"aws:useragent", "Mozilla/5.0"}}}), kNone);
  EXPECT_EQ(Eval(not_like, {"s3:GetObject", "k", "", {{"aws:useragent", "curl/8"}}}), kDeny);
  EXPECT_EQ(Eval(not_like, {"s3:GetObject", "k"}), kDeny);

  const BucketPolicy ignore_case =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"StringEqualsIgnoreCase":{"aws:UserAgent":"CURL"}})")));
  EXPECT_EQ(Eval(ignore_case, {"s3:GetObject", "k", "", {{"aws:useragent", "curl"}}}), kAllow);
  EXPECT_EQ(Eval(ignore_case, {"s3:GetObject", "k", "", {{"aws:useragent", "wget"}}}), kNone);
}

TEST(BucketPolicyEvaluate, SeveralKeysAreAndedSeveralValuesOred) {
  const BucketPolicy policy =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"StringEquals":{"aws:UserAgent":["a","b"],"aws:Referer":"r"},
                   "Bool":{"aws:SecureTransport":"true"}})")));
  EXPECT_EQ(Eval(policy,
                 {"s3:GetObject",
                  "k",
                  "",
                  {{"aws:useragent", "b"}, {"aws:referer", "r"}, {"aws:securetransport", "true"}}}),
            kAllow);
  EXPECT_EQ(Eval(policy,
                 {"s3:GetObject",
                  "k",
                  "",
                  {{"aws:useragent", "c"}, {"aws:referer", "r"}, {"aws:securetransport", "true"}}}),
            kNone);
  EXPECT_EQ(
      Eval(policy,
           {"s3:GetObject", "k", "", {{"aws:useragent", "a"}, {"aws:securetransport", "true"}}}),
      kNone);
  EXPECT_EQ(
      Eval(policy,
           {"s3:GetObject",
            "k",
            "",
            {{"aws:useragent", "a"}, {"aws:referer", "r"}, {"aws:securetransport", "false"}}}),
      kNone);
}

TEST(BucketPolicyEvaluate, SetOperatorsJudgeEveryValueOfAMultivaluedKey) {
  const BucketPolicy any = MustParse(
      Doc(Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
               R"({"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["project","team"]}})")));
  const BucketPolicy all = MustParse(
      Doc(Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
               R"({"ForAllValues:StringEquals":{"s3:RequestObjectTagKeys":["project","team"]}})")));
  const PolicyContext both = {{"s3:requestobjecttagkeys", "project"},
                              {"s3:requestobjecttagkeys", "team"}};
  const PolicyContext mixed = {{"s3:requestobjecttagkeys", "project"},
                               {"s3:requestobjecttagkeys", "cost"}};
  const PolicyContext other = {{"s3:requestobjecttagkeys", "cost"}};
  EXPECT_EQ(Eval(any, {"s3:PutObject", "k", "", both}), kAllow);
  EXPECT_EQ(Eval(any, {"s3:PutObject", "k", "", mixed}), kAllow);
  EXPECT_EQ(Eval(any, {"s3:PutObject", "k", "", other}), kNone);
  EXPECT_EQ(Eval(any, {"s3:PutObject", "k"}), kNone);  // no key: ForAnyValue is false
  EXPECT_EQ(Eval(all, {"s3:PutObject", "k", "", both}), kAllow);
  EXPECT_EQ(Eval(all, {"s3:PutObject", "k", "", mixed}), kNone);
  EXPECT_EQ(Eval(all, {"s3:PutObject", "k"}), kAllow);  // no key: ForAllValues is true
}

TEST(BucketPolicyEvaluate, NumericAndDateConditionsCompareAsNumbersAndTimes) {
  const BucketPolicy max_keys =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:ListBucket")", kTheBucket,
                         R"({"NumericLessThanEquals":{"s3:max-keys":"10"}})")));
  auto list = [&](std::string n) {
    return Eval(max_keys, {"s3:ListBucket", "", "", {{"s3:max-keys", std::move(n)}}});
  };
  EXPECT_EQ(list("5"), kAllow);
  EXPECT_EQ(list("10"), kAllow);
  EXPECT_EQ(list("9.5"), kAllow);
  EXPECT_EQ(list("11"), kNone);
  EXPECT_EQ(list("100"), kNone);  // not "100" < "10" as strings
  EXPECT_EQ(list("ten"), kNone);

  const BucketPolicy until =
      MustParse(Doc(Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
                         R"({"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"},
                   "DateGreaterThan":{"aws:EpochTime":"2020-01-01"}})")));
  auto at = [&](std::string now, std::string epoch) {
    return Eval(until,
                {"s3:GetObject",
                 "k",
                 "",
                 {{"aws:currenttime", std::move(now)}, {"aws:epochtime", std::move(epoch)}}});
  };
  EXPECT_EQ(at("2024-05-01T12:00:00Z", "1714564800"), kAllow);
  EXPECT_EQ(at("2029-12-31T23:59:59.999Z", "1714564800"), kAllow);
  EXPECT_EQ(at("2030-01-01T00:00:00Z", "1714564800"), kNone);
  EXPECT_EQ(at("2030-01-01T01:00:00+02:00", "1714564800"), kAllow);  // 23:00 UTC the day before
  EXPECT_EQ(at("2024-05-01T12:00:00Z", "1577836800"), kNone);        // 2020-01-01T00:00:00Z exactly
}

TEST(BucketPolicyEvaluate, ArnConditionsMatchComponentByComponent) {
  const BucketPolicy policy = MustParse(
      Doc(Stmt("Allow", R"("Principal":{"Service":"cloudtrail.amazonaws.com"})",
               R"("s3:PutObject")", kObjects) +
          "," +
          Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
               R"({"ArnLike":{"aws:SourceArn":"arn:aws:cloudtrail:*:111122223333:trail/*"}})")));
  auto from = [&](std::string arn) {
    return Eval(policy, {"s3:GetObject", "k", "", {{"aws:sourcearn", std::move(arn)}}});
  };
  EXPECT_EQ(from("arn:aws:cloudtrail:us-east-1:111122223333:trail/main"), kAllow);
  EXPECT_EQ(from("arn:aws:cloudtrail:us-east-1:444455556666:trail/main"), kNone);
  EXPECT_EQ(from("arn:aws:cloudtrail:us-east-1:111122223333"), kNone);  // not six components
}

TEST(BucketPolicyEvaluate, PolicyVariablesExpandUnderVersion2012Only) {
  const std::string home =
      Stmt("Allow", R"("Principal":{"AWS":"111122223333"})", R"("s3:GetObject")",
           R"("arn:aws:s3:::awsexamplebucket/home/${aws:username}/*")");
  const BucketPolicy v2012 = MustParse(Doc(home));
  const PolicyContext alice = {{"aws:username", "alice"}};
  EXPECT_EQ(Eval(v2012, {"s3:GetObject", "home/alice/a.txt", std::string(kAlice), alice}), kAllow);
  EXPECT_EQ(Eval(v2012, {"s3:GetObject", "home/bob/a.txt", std::string(kAlice), alice}), kNone);
  // No value for the variable: the resource matches nothing.
  EXPECT_EQ(Eval(v2012, {"s3:GetObject", "home/alice/a.txt", std::string(kAlice)}), kNone);
  // A value's wildcard characters are literal.
  EXPECT_EQ(
      Eval(v2012,
           {"s3:GetObject", "home/alice/a.txt", std::string(kAlice), {{"aws:username", "*"}}}),
      kNone);

  const BucketPolicy v2008 = MustParse(Doc(home, "2008-10-17"));
  EXPECT_EQ(Eval(v2008, {"s3:GetObject", "home/alice/a.txt", std::string(kAlice), alice}), kNone);
  EXPECT_EQ(Eval(v2008, {"s3:GetObject", "home/${aws:username}/a.txt", std::string(kAlice), alice}),
            kAllow);

  // ${*} is a literal asterisk; a default applies when the key is absent.
  const BucketPolicy special = MustParse(Doc(
      Stmt("Allow", kEveryone, R"("s3:GetObject")", R"("arn:aws:s3:::awsexamplebucket/${*}star")") +
      "," +
      Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
           R"({"StringEquals":{"aws:Referer":"${aws:username, 'nobody'}"}})")));
  EXPECT_EQ(Eval(special, {"s3:GetObject", "*star"}), kAllow);
  EXPECT_EQ(Eval(special, {"s3:GetObject", "xstar"}), kNone);
  EXPECT_EQ(Eval(special, {"s3:PutObject", "k", "", {{"aws:referer", "nobody"}}}), kAllow);
  EXPECT_EQ(Eval(special,
                 {"s3:PutObject", "k", "", {{"aws:referer", "alice"}, {"aws:username", "alice"}}}),
            kAllow);
  EXPECT_EQ(Eval(special,
                 {"s3:PutObject", "k", "", {{"aws:referer", "nobody"}, {"aws:username", "alice"}}}),
            kNone);
}

TEST(BucketPolicyIsPublic, FollowsAwsMeaningOfPublic) {
  const struct {
    std::string statements;
    bool is_public;
  } kCases[] = {
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects), true},
      {Stmt("Allow", R"("Principal":{"AWS":"*"})", R"("s3:GetObject")", kObjects), true},
      {Stmt("Allow", R"("Principal":{"AWS":"111122223333"})", R"("s3:*")", kObjects), false},
      {Stmt("Allow", R"("Principal":{"Service":"cloudtrail.amazonaws.com"})", R"("s3:PutObject")",
            kObjects),
       false},
      {Stmt("Allow", R"("Principal":{"Federated":"graph.facebook.com"})", R"("s3:PutObject")",
            kObjects),
       true},
      {Stmt("Deny", kEveryone, R"("s3:*")", kObjects), false},
      // aws:SourceIp: a set of CIDRs, none broader than /8 (IPv4) or /32 (IPv6).
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","10.0.0.0/8"]}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddress":{"aws:SourceIp":["192.0.2.0/24","0.0.0.0/0"]}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddress":{"aws:SourceIp":"2001:db8::/32"}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddress":{"aws:SourceIp":"2001::/16"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"IpAddressIfExists":{"aws:SourceIp":"192.0.2.0/24"}})"),
       true},
      // AWS's own examples: a wildcard VPC is public, a fixed one is not.
      {Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
            R"({"StringLike":{"aws:SourceVpc":"vpc-*"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
            R"({"StringEquals":{"aws:SourceVpc":"vpc-91237329"}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:PutObject")", kObjects,
            R"({"StringEquals":{"aws:SourceAccount":"111122223333"}})"),
       false},
      {Stmt(
           "Allow", kEveryone, R"("s3:PutObject")", kObjects,
           R"({"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:111122223333:trail/t"}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEquals":{"aws:PrincipalAccount":["111122223333","444455556666"]}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEquals":{"aws:userid":"AROAEXAMPLEID:*"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEquals":{"aws:SourceAccount":"${aws:PrincipalAccount}"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringNotEquals":{"aws:SourceAccount":"111122223333"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEqualsIfExists":{"aws:SourceAccount":"111122223333"}})"),
       true},
      {Stmt(
           "Allow", kEveryone, R"("s3:GetObject")", kObjects,
           R"({"StringEquals":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:123456789012:accesspoint/*"}})"),
       false},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-west-2:*:accesspoint/*"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringEquals":{"s3:DataAccessPointAccount":"123456789012"}})"),
       false},
      // Keys that do not fix who asks leave the grant public.
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"StringLike":{"aws:Referer":"http://www.example.com/*"}})"),
       true},
      {Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects,
            R"({"Bool":{"aws:SecureTransport":"true"}})"),
       true},
      // One public statement makes the policy public.
      {Stmt("Allow", R"("Principal":{"AWS":"111122223333"})", R"("s3:*")", kObjects) + "," +
           Stmt("Allow", kEveryone, R"("s3:GetObject")", kObjects),
       true},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(MustParse(Doc(c.statements)).IsPublic(), c.is_public) << c.statements;
  }
}

TEST(PolicyWildcard, MatchesStarAndQuestionMarkAsIamDoes) {
  const struct {
    std::string_view pattern, text;
    bool ignore_case, matches;
  } kCases[] = {
      {"*", "", false, true},
      {"*", "anything/at/all", false, true},
      {"a*c", "abbbc", false, true},
      {"a*c", "ab", false, false},
      {"a?c", "abc", false, true},
      {"a?c", "ac", false, false},
      {"a?c",
       "a\xC3\xA9"
       "c",
       false, true},  // ? is one character, é is two bytes
      {"s3:Get*", "s3:GetObject", false, true},
      {"s3:Get*", "s3:getobject", false, false},
      {"s3:Get*", "s3:getobject", true, true},
      // IAM's example: bucket/*/test/*.
      {"bucket/*/test/*", "bucket/1///test///object.jpg", false, true},
      {"bucket/*/test/*", "bucket//test/object.jpg", false, true},
      {"bucket/*/test/*", "bucket/1/test/", false, true},
      {"bucket/*/test/*", "bucket/1-test/object.jpg", false, false},
      {"bucket/*/test/*", "bucket/test/object.jpg", false, false},
      {"bucket/*/test/*", "bucket/1/2/test.jpg", false, false},
      {"\\*", "*", false, true},
      {"\\*", "x", false, false},
      {"a\\?", "a?", false, true},
      {"a\\?", "ab", false, false},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(WildcardMatch(c.pattern, c.text, c.ignore_case), c.matches)
        << c.pattern << " ~ " << c.text;
  }
  EXPECT_TRUE(WildcardMatch(EscapeWildcards("a*b?c\\"), "a*b?c\\"));
  EXPECT_FALSE(WildcardMatch(EscapeWildcards("a*"), "abc"));
}

TEST(PolicyCidr, ParsesIpv4AndIpv6RangesAndAddresses) {
  EXPECT_FALSE(ParseCidr("").has_value());
  EXPECT_FALSE(ParseCidr("1.2.3").has_value());
  EXPECT_FALSE(ParseCidr("1.2.3.4/").has_value());
  EXPECT_FALSE(ParseCidr("1.2.3.4/33").has_value());
  EXPECT_FALSE(ParseCidr("256.0.0.1").has_value());
  EXPECT_FALSE(ParseCidr("2001:db8::/129").has_value());
  EXPECT_FALSE(ParseCidr("1.2.3.4/a").has_value());
  ASSERT_TRUE(ParseCidr("1.2.3.4").has_value());
  EXPECT_EQ(ParseCidr("1.2.3.4")->prefix, 32);
  EXPECT_EQ(ParseCidr("2001:db8::1")->prefix, 128);
  EXPECT_TRUE(ParseCidr("2001:db8::1")->v6);

  auto in = [](std::string_view range, std::string_view address) {
    return IpInRange(*ParseCidr(range), *ParseCidr(address));
  };
  EXPECT_TRUE(in("0.0.0.0/0", "203.0.113.9"));
  EXPECT_TRUE(in("203.0.113.0/25", "203.0.113.127"));
  EXPECT_FALSE(in("203.0.113.0/25", "203.0.113.128"));
  EXPECT_TRUE(in("203.0.113.9", "203.0.113.9"));
  EXPECT_FALSE(in("203.0.113.9", "203.0.113.8"));
  EXPECT_TRUE(in("10.1.2.3/8", "10.200.0.1"));  // host bits are ignored
  EXPECT_TRUE(in("2001:db8::/32", "2001:db8:ffff::1"));
  EXPECT_FALSE(in("2001:db8::/32", "2001:db9::1"));
  EXPECT_FALSE(in("0.0.0.0/0", "::1"));  // families do not mix
  EXPECT_TRUE(in("127.0.0.0/8", "::ffff:127.0.0.1"));
}

TEST(PolicyDate, ReadsIso8601AndEpochSeconds) {
  EXPECT_EQ(ParsePolicyDate("1970-01-01"), 0);
  EXPECT_EQ(ParsePolicyDate("1970-01-01T00:00:01Z"), 1000);
  EXPECT_EQ(ParsePolicyDate("2020-01-01T00:00:00Z"), std::int64_t{1577836800} * 1000);
  EXPECT_EQ(ParsePolicyDate("1577836800"), std::int64_t{1577836800} * 1000);
  EXPECT_EQ(ParsePolicyDate("2020-01-01T00:00:00.250Z"), std::int64_t{1577836800} * 1000 + 250);
  EXPECT_EQ(ParsePolicyDate("2020-01-01T02:00:00+02:00"), std::int64_t{1577836800} * 1000);
  EXPECT_EQ(ParsePolicyDate("2019-12-31T19:00:00-0500"), std::int64_t{1577836800} * 1000);
  EXPECT_EQ(ParsePolicyDate("2020-01-01T00:00"), std::int64_t{1577836800} * 1000);
  EXPECT_EQ(ParsePolicyDate("2024-02-29"), ParsePolicyDate("2024-03-01").value() - 86400000);
  EXPECT_FALSE(ParsePolicyDate("2023-02-29").has_value());
  EXPECT_FALSE(ParsePolicyDate("2020-13-01").has_value());
  EXPECT_FALSE(ParsePolicyDate("2020-01-01T25:00:00Z").has_value());
  EXPECT_FALSE(ParsePolicyDate("yesterday").has_value());
  EXPECT_FALSE(ParsePolicyDate("").has_value());
}

TEST(PolicyNumber, ReadsIntegersAndDecimals) {
  EXPECT_EQ(ParsePolicyNumber("10"), 10.0);
  EXPECT_EQ(ParsePolicyNumber("-3"), -3.0);
  EXPECT_EQ(ParsePolicyNumber("2.5"), 2.5);
  EXPECT_FALSE(ParsePolicyNumber("").has_value());
  EXPECT_FALSE(ParsePolicyNumber(".").has_value());
  EXPECT_FALSE(ParsePolicyNumber("1e3").has_value());
  EXPECT_FALSE(ParsePolicyNumber("inf").has_value());
  EXPECT_FALSE(ParsePolicyNumber("0x10").has_value());
  EXPECT_FALSE(ParsePolicyNumber("ten").has_value());
}

}  // namespace
}  // namespace awslab::s3
