// The access decision (s3/access.h) on plain records: ACLs, ownership, Block
// Public Access and bucket policies combined.
#include "emulator/s3/access.h"

#include <gtest/gtest.h>

#include <memory>

#include "emulator/s3/policy.h"

namespace awslab::s3 {
namespace {

constexpr const char* kAlice = "111122223333";
constexpr const char* kBob = "444455556666";

Caller Account(const char* id) { return Caller(Principal{id, "key", false}); }
Caller Anonymous() { return Caller(Principal::Anonymous()); }

BucketRecord Bucket(std::optional<CannedAcl> acl = std::nullopt) {
  BucketRecord b;
  b.name = "b";
  b.owner_account_id = kAlice;
  if (acl) b.acl = ResolveAcl({acl, "", std::nullopt}, kAlice, kAlice);
  return b;
}

bool Allowed(const Caller& c, const BucketRecord& b, const Action& a,
             const ObjectAccess* object = nullptr, std::string_view key = "k") {
  return Authorize({c, b, a, key, object}).has_value();
}

TEST(Access, ThePrivateDefaultIsTheOwnersAlone) {
  BucketRecord b = Bucket();
  StoredAcl acl;
  ObjectAccess o{kAlice, &acl};
  for (const Action* a : {&action::kListBucket, &action::kPutObject, &action::kDeleteObject}) {
    EXPECT_TRUE(Allowed(Account(kAlice), b, *a)) << a->name;
    EXPECT_FALSE(Allowed(Account(kBob), b, *a)) << a->name;
    EXPECT_FALSE(Allowed(Anonymous(), b, *a)) << a->name;
  }
  EXPECT_TRUE(Allowed(Account(kAlice), b, action::kGetObject, &o));
  EXPECT_FALSE(Allowed(Account(kBob), b, action::kGetObject, &o));
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kGetObject, &o));
}

TEST(Access, BucketAclGrantsListingAndWritingNotReading) {
  BucketRecord b = Bucket(CannedAcl::kPublicReadWrite);
  StoredAcl acl;  // a private object of alice's
  ObjectAccess o{kAlice, &acl};
  EXPECT_TRUE(Allowed(Anonymous(), b, action::kListBucket));
  EXPECT_TRUE(Allowed(Anonymous(), b, action::kPutObject));
  EXPECT_TRUE(Allowed(Account(kBob), b, action::kDeleteObject));
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kGetObject, &o));
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kPutBucketAcl));
}

TEST(Access, ObjectsOfAnotherAccountNeedTheirOwnAcl) {
  BucketRecord b = Bucket(CannedAcl::kPublicReadWrite);
  StoredAcl bobs_private;
  StoredAcl bobs_shared = ResolveAcl({CannedAcl::kBucketOwnerRead, "", std::nullopt}, kBob, kAlice);
  ObjectAccess p{kBob, &bobs_private}, s{kBob, &bobs_shared};
  EXPECT_FALSE(Allowed(Account(kAlice), b, action::kGetObject, &p));
  EXPECT_TRUE(Allowed(Account(kBob), b, action::kGetObject, &p));
  EXPECT_TRUE(Allowed(Account(kAlice), b, action::kGetObject, &s));
  EXPECT_FALSE(Allowed(Account(kAlice), b, action::kGetObjectAcl, &s));
  // ...but the bucket owner may delete them (a bucket-level permission).
  EXPECT_TRUE(Allowed(Account(kAlice), b, action::kDeleteObject, &p));
}

TEST(Access, AuthenticatedReadIsForSignedCallersOnly) {
  BucketRecord b = Bucket(CannedAcl::kAuthenticatedRead);
  EXPECT_TRUE(Allowed(Account(kBob), b, action::kListBucket));
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kListBucket));
}

TEST(Access, IgnorePublicAclsAndBucketOwnerEnforced) {
  BucketRecord b = Bucket(CannedAcl::kPublicRead);
  EXPECT_TRUE(Allowed(Anonymous(), b, action::kListBucket));
  b.public_access_block = PublicAccessBlock{false, true, false, false};
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kListBucket));
  EXPECT_TRUE(Allowed(Account(kAlice), b, action::kListBucket));

  BucketRecord e = Bucket(CannedAcl::kPublicRead);
  e.ownership = ObjectOwnership::kBucketOwnerEnforced;
  EXPECT_FALSE(Allowed(Anonymous(), e, action::kListBucket));
  StoredAcl acl;
  ObjectAccess bobs{kBob, &acl};  // written by bob, owned by alice under enforcement
  EXPECT_TRUE(Allowed(Account(kAlice), e, action::kGetObject, &bobs));
  EXPECT_EQ(ObjectOwnerFor(e, Account(kBob), ""), kAlice);
  EXPECT_EQ(ObjectOwnerFor(Bucket(), Account(kBob), "bucket-owner-full-control"), kBob);
  BucketRecord preferred = Bucket();
  preferred.ownership = ObjectOwnership::kBucketOwnerPreferred;
  EXPECT_EQ(ObjectOwnerFor(preferred, Account(kBob), "bucket-owner-full-control"), kAlice);
  EXPECT_EQ(ObjectOwnerFor(preferred, Account(kBob), "private"), kBob);
}

TEST(Access, PolicyAllowDenyAndTheOwnersPolicyEscapeHatch) {
  BucketRecord b = Bucket();
  auto policy = BucketPolicy::Parse(R"({"Version":"2012-10-17","Statement":[
      {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
      {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}]})",
                                    "b");
  ASSERT_TRUE(policy) << policy.error().Message();
  b.policy = policy->text();
  b.parsed_policy = std::make_shared<const BucketPolicy>(*policy);
  StoredAcl acl;
  ObjectAccess alices{kAlice, &acl}, bobs{kBob, &acl};
  EXPECT_TRUE(Allowed(Anonymous(), b, action::kGetObject, &alices, "open"));
  // A bucket policy does not give away another account's object.
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kGetObject, &bobs, "open"));
  EXPECT_FALSE(Allowed(Account(kAlice), b, action::kGetObject, &alices, "secret/x"));
  EXPECT_FALSE(Allowed(Account(kAlice), b, action::kPutObject, nullptr, "secret/x"));
  // The owner can always manage the policy that denies her.
  EXPECT_TRUE(Allowed(Account(kAlice), b, action::kDeleteBucketPolicy));
  EXPECT_FALSE(Allowed(Account(kBob), b, action::kGetBucketPolicy));
  // RestrictPublicBuckets: a public policy's Allow stops counting for outsiders.
  b.public_access_block = PublicAccessBlock{false, false, false, true};
  EXPECT_FALSE(Allowed(Anonymous(), b, action::kGetObject, &alices, "open"));
}

TEST(Acl, CannedGrantsAndHeaderParsing) {
  EXPECT_FALSE(ResolveAcl({CannedAcl::kPrivate, "private", std::nullopt}, kAlice, kAlice));
  EXPECT_FALSE(ResolveAcl({CannedAcl::kBucketOwnerFullControl, "", std::nullopt}, kAlice, kAlice));
  auto g = ResolveAcl({CannedAcl::kPublicReadWrite, "", std::nullopt}, kAlice, kAlice);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->size(), 3u);
  EXPECT_TRUE(IsPublic(*g));
  auto specs = ParseGrantHeader(
      R"(id="abc", emailAddress="x@y.z",uri="http://acs.amazonaws.com/groups/global/AllUsers")");
  ASSERT_TRUE(specs);
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[1].kind, GranteeSpec::Kind::kEmail);
  EXPECT_EQ((*specs)[1].value, "x@y.z");
  EXPECT_FALSE(ParseGrantHeader("nonsense"));
  EXPECT_FALSE(ParseGrantHeader(R"(color="blue")"));
  EXPECT_FALSE(ParseCannedAcl("world-readable"));
}

}  // namespace
}  // namespace awslab::s3
