// The IAM model on a real LevelDB: users, keys, groups and policies, their
// refusals (conflicts, limits, unknown entities), that everything survives
// reopening, Evaluate over inline, attached and group policies, and key
// lookup through the authenticator (an Inactive key is no key).
#include "emulator/iam/iam_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "client/include/awslab/sigv4.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/storage/key_schema.h"

namespace awslab::iam {
namespace {

constexpr std::string_view kAcct = "111122223333";
constexpr std::string_view kOther = "444455556666";
constexpr std::string_view kAdmin = "arn:aws:iam::aws:policy/AdministratorAccess";
constexpr std::string_view kS3Read = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess";

class IamStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-iam-test-" + std::to_string(std::random_device()()));
    Open();
  }
  void TearDown() override {
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open() {
    store_.reset();
    storage_.reset();
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    store_ = std::make_unique<IamStore>(*storage_, clock_);
    ASSERT_TRUE(store_->Load());
  }
  static ErrorCode Code(const Status& st) { return st ? ErrorCode::kInternalError : st.error().code; }

  std::filesystem::path dir_;
  ManualClock clock_{TimePoint(std::chrono::seconds(1'800'000'000))};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<IamStore> store_;
};

TEST_F(IamStoreTest, UsersHaveAwsShapedIdsAndArns) {
  auto u = store_->CreateUser(kAcct, "Alice");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->arn, "arn:aws:iam::111122223333:user/Alice");
  EXPECT_EQ(u->id.size(), 21u);
  EXPECT_TRUE(u->id.starts_with("AIDA"));
  auto k = store_->CreateAccessKey(kAcct, "alice");  // names ignore case
  ASSERT_TRUE(k);
  EXPECT_EQ(k->id.size(), 20u);
  EXPECT_TRUE(k->id.starts_with("AKIA"));
  EXPECT_EQ(k->secret.size(), 40u);
  EXPECT_EQ(k->user_name, "Alice");
  auto g = store_->CreateGroup(kAcct, "devs", "/course/");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->arn, "arn:aws:iam::111122223333:group/course/devs");
  EXPECT_TRUE(g->id.starts_with("AGPA"));
}

TEST_F(IamStoreTest, RefusesDuplicatesAndUnknownEntitiesAsIamDoes) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  auto again = store_->CreateUser(kAcct, "BOB");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kEntityAlreadyExists);
  EXPECT_EQ(again.error().Message(), "User with name BOB already exists.");
  // Accounts do not share names.
  EXPECT_TRUE(store_->CreateUser(kOther, "bob"));
  auto missing = store_->GetUser(kAcct, "carol");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNoSuchEntity);
  EXPECT_EQ(missing.error().Message(), "The user with name carol cannot be found.");
  EXPECT_EQ(Code(store_->AttachUserPolicy(kAcct, "bob", "arn:aws:iam::aws:policy/Nope")),
            ErrorCode::kNoSuchEntity);
  EXPECT_EQ(Code(store_->AttachUserPolicy(kAcct, "bob", "not-an-arn-at-all-really")),
            ErrorCode::kInvalidInput);
  EXPECT_EQ(Code(store_->DetachUserPolicy(kAcct, "bob", kAdmin)), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(Code(store_->DeleteUserPolicy(kAcct, "bob", "p")), ErrorCode::kNoSuchEntity);
  EXPECT_EQ(Code(store_->PutUserPolicy(kAcct, "bob", "p", R"({"Statement":[]})")),
            ErrorCode::kMalformedPolicyDocument);
}

TEST_F(IamStoreTest, AccessKeysAreLimitedToTwoPerUser) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  ASSERT_TRUE(store_->CreateAccessKey(kAcct, "bob"));
  ASSERT_TRUE(store_->CreateAccessKey(kAcct, "bob"));
  auto third = store_->CreateAccessKey(kAcct, "bob");
  ASSERT_FALSE(third);
  EXPECT_EQ(third.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(third.error().Message(), "Cannot exceed quota for AccessKeysPerUser: 2");
}

TEST_F(IamStoreTest, DeleteUserConflictsWhileItHasKeysPoliciesOrGroups) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  ASSERT_TRUE(store_->CreateGroup(kAcct, "devs"));
  auto key = store_->CreateAccessKey(kAcct, "bob");
  ASSERT_TRUE(key);
  ASSERT_TRUE(store_->PutUserPolicy(kAcct, "bob", "p",
                                    R"({"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}})"));
  ASSERT_TRUE(store_->AttachUserPolicy(kAcct, "bob", kAdmin));
  ASSERT_TRUE(store_->AddUserToGroup(kAcct, "devs", "bob"));
  EXPECT_EQ(Code(store_->DeleteGroup(kAcct, "devs")), ErrorCode::kDeleteConflict);

  EXPECT_EQ(Code(store_->DeleteUser(kAcct, "bob")), ErrorCode::kDeleteConflict);
  ASSERT_TRUE(store_->DeleteAccessKey(kAcct, "bob", key->id));
  EXPECT_EQ(Code(store_->DeleteUser(kAcct, "bob")), ErrorCode::kDeleteConflict);
  ASSERT_TRUE(store_->DeleteUserPolicy(kAcct, "bob", "p"));
  EXPECT_EQ(Code(store_->DeleteUser(kAcct, "bob")), ErrorCode::kDeleteConflict);
  ASSERT_TRUE(store_->DetachUserPolicy(kAcct, "bob", kAdmin));
  EXPECT_EQ(Code(store_->DeleteUser(kAcct, "bob")), ErrorCode::kDeleteConflict);
  ASSERT_TRUE(store_->RemoveUserFromGroup(kAcct, "devs", "bob"));
  EXPECT_TRUE(store_->DeleteUser(kAcct, "bob"));
  EXPECT_TRUE(store_->DeleteGroup(kAcct, "devs"));
  EXPECT_TRUE(store_->ListUsers(kAcct).empty());
}

TEST_F(IamStoreTest, EverythingSurvivesReopening) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "Bob"));
  ASSERT_TRUE(store_->CreateGroup(kAcct, "readers"));
  ASSERT_TRUE(store_->AddUserToGroup(kAcct, "readers", "bob"));
  ASSERT_TRUE(store_->AttachGroupPolicy(kAcct, "readers", kS3Read));
  ASSERT_TRUE(store_->PutUserPolicy(
      kAcct, "bob", "no-delete",
      R"({"Statement":{"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}})"));
  auto key = store_->CreateAccessKey(kAcct, "bob");
  ASSERT_TRUE(key);
  ASSERT_TRUE(store_->UpdateAccessKey(kAcct, "bob", key->id, false));
  const User before = *store_->GetUser(kAcct, "bob");

  Open();
  auto after = store_->GetUser(kAcct, "bob");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->name, "Bob");
  EXPECT_EQ(after->id, before.id);
  EXPECT_EQ(after->arn, before.arn);
  EXPECT_EQ(after->created, before.created);
  EXPECT_EQ(after->groups, std::vector<std::string>{"readers"});
  EXPECT_EQ(after->inline_policies.size(), 1u);
  auto found = store_->FindKey(key->id);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->secret, key->secret);
  EXPECT_EQ(found->account_id, kAcct);
  EXPECT_EQ(found->user_name, "Bob");
  EXPECT_FALSE(found->active);
  // The parsed policies came back too: the group's allow, the inline deny.
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "s3:DeleteObject", "arn:aws:s3:::b/k"),
            Decision::kDeny);
  // Under the i/ prefix of the key schema.
  auto record = storage_->Get(storage::keys::Iam(kAcct, "user", "bob"));
  ASSERT_TRUE(record);
  EXPECT_TRUE(record->has_value());
}

TEST_F(IamStoreTest, EvaluateCombinesInlineAttachedAndGroupPolicies) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "s3:ListAllMyBuckets", "*"), Decision::kNone);
  EXPECT_EQ(store_->Evaluate(kAcct, "nobody", "s3:ListAllMyBuckets", "*"), Decision::kNone);

  ASSERT_TRUE(store_->CreateGroup(kAcct, "admins"));
  ASSERT_TRUE(store_->AttachGroupPolicy(kAcct, "admins", kAdmin));
  ASSERT_TRUE(store_->AddUserToGroup(kAcct, "admins", "bob"));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "iam:CreateUser", "arn:aws:iam::111122223333:user/x"),
            Decision::kAllow);
  // Another account's bob is another user.
  EXPECT_EQ(store_->Evaluate(kOther, "bob", "iam:CreateUser", "*"), Decision::kNone);

  // An explicit deny in any policy wins over AdministratorAccess.
  ASSERT_TRUE(store_->PutUserPolicy(
      kAcct, "bob", "no-iam",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"iam:*","Resource":"*"}})"));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "iam:CreateUser", "arn:aws:iam::111122223333:user/x"),
            Decision::kDeny);
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "ec2:RunInstances", "*"), Decision::kAllow);

  // Leaving the group leaves its policies.
  ASSERT_TRUE(store_->RemoveUserFromGroup(kAcct, "admins", "bob"));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "ec2:RunInstances", "*"), Decision::kNone);
  ASSERT_TRUE(store_->AttachUserPolicy(kAcct, "bob", kS3Read));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "s3:GetObject", "arn:aws:s3:::b/k"), Decision::kAllow);
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "s3:PutObject", "arn:aws:s3:::b/k"), Decision::kNone);
}

TEST_F(IamStoreTest, EvaluateKnowsTheUserNameVariable) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  ASSERT_TRUE(store_->PutUserPolicy(
      kAcct, "bob", "own-keys",
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"iam:*AccessKey*",)"
      R"("Resource":"arn:aws:iam::*:user/${aws:username}"}})"));
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "iam:CreateAccessKey",
                             "arn:aws:iam::111122223333:user/bob"),
            Decision::kAllow);
  EXPECT_EQ(store_->Evaluate(kAcct, "bob", "iam:CreateAccessKey",
                             "arn:aws:iam::111122223333:user/alice"),
            Decision::kNone);
}

TEST_F(IamStoreTest, InlinePoliciesOfAUserAreLimitedTo2048Characters) {
  ASSERT_TRUE(store_->CreateUser(kAcct, "bob"));
  std::string actions;
  for (int i = 0; i < 60; ++i) actions += (i ? "," : "") + std::string("\"s3:GetObjectVersion\"");
  const std::string doc =
      R"({"Statement":{"Effect":"Allow","Action":[)" + actions + R"(],"Resource":"*"}})";
  ASSERT_GT(doc.size(), 1024u);
  ASSERT_LT(doc.size(), 2048u);
  ASSERT_TRUE(store_->PutUserPolicy(kAcct, "bob", "a", doc));
  ASSERT_TRUE(store_->PutUserPolicy(kAcct, "bob", "a", doc));  // replacing counts once
  auto st = store_->PutUserPolicy(kAcct, "bob", "b", doc);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(st.error().Message(), "Maximum policy size of 2048 bytes exceeded for user bob");
}

// The authenticator finds an IAM user's key after the accounts' keys, names
// the user in the principal, and refuses an Inactive key as an unknown one.
TEST_F(IamStoreTest, AuthenticatorSignsInWithActiveUserKeysOnly) {
  auto accounts = auth::AccountStore::Open(*storage_);
  ASSERT_TRUE(accounts);
  SystemClock wall;
  auth::Authenticator authenticator(**accounts, wall, store_.get());
  // The default account is an admin; its IAM users are not.
  ASSERT_TRUE(store_->CreateUser(auth::kDefaultAccountId, "student"));
  auto key = store_->CreateAccessKey(auth::kDefaultAccountId, "student");
  ASSERT_TRUE(key);

  auto sign = [&](const std::string& id, const std::string& secret) {
    sigv4::HttpRequest r{"POST", "/", "", {{"Host", "127.0.0.1:4566"}}};
    sigv4::SignOptions o;
    o.time = std::chrono::system_clock::now();
    o.region = "us-east-1";
    o.service = "sts";
    sigv4::SignRequest(r, {id, secret, ""}, o);
    return authenticator.AuthenticateSignedBody(r, sigv4::kEmptySha256);
  };
  auto ok = sign(key->id, key->secret);
  ASSERT_TRUE(ok) << ok.error().Message();
  EXPECT_EQ(ok->principal.account_id, auth::kDefaultAccountId);
  EXPECT_EQ(ok->principal.user_name, "student");
  EXPECT_FALSE(ok->principal.admin);

  auto root = sign("test", "test");
  ASSERT_TRUE(root);
  EXPECT_TRUE(root->principal.user_name.empty());
  EXPECT_TRUE(root->principal.admin);

  auto wrong = sign(key->id, "not-the-secret");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, ErrorCode::kSignatureDoesNotMatch);

  ASSERT_TRUE(store_->UpdateAccessKey(auth::kDefaultAccountId, "student", key->id, false));
  auto inactive = sign(key->id, key->secret);
  ASSERT_FALSE(inactive);
  EXPECT_EQ(inactive.error().code, ErrorCode::kInvalidAccessKeyId);
  ASSERT_TRUE(store_->UpdateAccessKey(auth::kDefaultAccountId, "student", key->id, true));
  EXPECT_TRUE(sign(key->id, key->secret));

  ASSERT_TRUE(store_->DeleteAccessKey(auth::kDefaultAccountId, "student", key->id));
  auto deleted = sign(key->id, key->secret);
  ASSERT_FALSE(deleted);
  EXPECT_EQ(deleted.error().code, ErrorCode::kInvalidAccessKeyId);
}

}  // namespace
}  // namespace awslab::iam
