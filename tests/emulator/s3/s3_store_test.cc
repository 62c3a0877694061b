#include "emulator/s3/s3_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

namespace awslab::s3 {
namespace {

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-s3-test-" + std::to_string(std::random_device()()));
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    store_ = std::make_unique<S3Store>(*storage_, clock_);
  }
  void TearDown() override {
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  Result<ObjectRecord> Put(const Principal& who, std::string bucket, std::string key,
                           std::string body, std::uint64_t threshold = 64) {
    storage::StagedBody staged(*storage_, threshold);
    EXPECT_TRUE(staged.Append(body));
    EXPECT_TRUE(staged.Finish());
    return store_->PutObject(who, bucket, key, {}, std::move(staged), "etag");
  }
  ErrorCode CodeOf(const Status& s) { return s ? ErrorCode::kInternalError : s.error().code; }

  std::filesystem::path dir_;
  ManualClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<S3Store> store_;
  Principal alice_{"111122223333", "AKIAALICE", false};
  Principal bob_{"444455556666", "AKIABOB", false};
};

TEST_F(S3StoreTest, BucketNamesAreUniqueAcrossAccounts) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"shared-name", "", "us-east-1"}));
  auto again = store_->CreateBucket(bob_, {"shared-name", "", "us-east-1"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kBucketAlreadyExists);
}

TEST_F(S3StoreTest, OwnerRecreatingAUsEast1BucketGetsOkElsewhereAnError) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"east", "", "us-east-1"}));
  EXPECT_TRUE(store_->CreateBucket(alice_, {"east", "", "us-east-1"}));
  ASSERT_TRUE(store_->CreateBucket(alice_, {"west", "us-west-2", "us-west-2"}));
  auto again = store_->CreateBucket(alice_, {"west", "us-west-2", "us-west-2"});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kBucketAlreadyOwnedByYou);
}

TEST_F(S3StoreTest, LocationConstraintRules) {
  const struct {
    std::string constraint, endpoint;
    bool ok;
    ErrorCode code;
    std::string region;
  } kCases[] = {
      {"", "us-east-1", true, {}, "us-east-1"},
      {"us-west-2", "us-east-1", true, {}, "us-west-2"},
      {"us-west-2", "us-west-2", true, {}, "us-west-2"},
      {"EU", "us-east-1", true, {}, "eu-west-1"},
      {"", "us-west-2", false, ErrorCode::kIllegalLocationConstraintException, ""},
      {"us-west-1", "us-west-2", false, ErrorCode::kIllegalLocationConstraintException, ""},
      {"us-east-1", "us-east-1", false, ErrorCode::kInvalidLocationConstraint, ""},
      {"mars-1", "us-east-1", false, ErrorCode::kInvalidLocationConstraint, ""},
  };
  int i = 0;
  for (const auto& c : kCases) {
    std::string name = "bucket-" + std::to_string(i++);
    auto r = store_->CreateBucket(alice_, {name, c.constraint, c.endpoint});
    ASSERT_EQ(static_cast<bool>(r), c.ok) << c.constraint << " at " << c.endpoint;
    if (c.ok) EXPECT_EQ(r->region, c.region);
    else EXPECT_EQ(r.error().code, c.code) << c.constraint << " at " << c.endpoint;
  }
}

TEST_F(S3StoreTest, OnlyTheOwnerMayUseABucket) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"alices", "", "us-east-1"}));
  ASSERT_TRUE(Put(alice_, "alices", "k", "v"));
  EXPECT_EQ(Put(bob_, "alices", "k", "v").error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(store_->GetObject(bob_, "alices", "k").error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(store_->GetObject(Principal::Anonymous(), "alices", "k").error().code,
            ErrorCode::kAccessDenied);
  EXPECT_EQ(CodeOf(store_->DeleteBucket(bob_, "alices")), ErrorCode::kAccessDenied);
  auto bobs = store_->ListBuckets(bob_);
  ASSERT_TRUE(bobs);
  EXPECT_TRUE(bobs->empty());
}

TEST_F(S3StoreTest, ABucketWithObjectsCannotBeDeleted) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"full", "", "us-east-1"}));
  ASSERT_TRUE(Put(alice_, "full", "k", "v"));
  EXPECT_EQ(CodeOf(store_->DeleteBucket(alice_, "full")), ErrorCode::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObject(alice_, "full", "k"));
  EXPECT_TRUE(store_->DeleteBucket(alice_, "full"));
  EXPECT_EQ(store_->GetBucket(alice_, "full").error().code, ErrorCode::kNoSuchBucket);
}

TEST_F(S3StoreTest, OverwriteAndDeleteFreeTheOldBlob) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"blobs", "", "us-east-1"}));
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'a'), 10));
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'b'), 10));
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);
  auto got = store_->GetObject(alice_, "blobs", "k");
  ASSERT_TRUE(got);
  EXPECT_EQ(storage_->ListBlobFiles(), std::vector<std::string>{got->blob_id});
  ASSERT_TRUE(Put(alice_, "blobs", "k", "small now", 10));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  ASSERT_TRUE(Put(alice_, "blobs", "k", std::string(100, 'c'), 10));
  ASSERT_TRUE(store_->DeleteObject(alice_, "blobs", "k"));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(S3StoreTest, KeysLongerThan1024BytesAreRefused) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"keys", "", "us-east-1"}));
  EXPECT_TRUE(Put(alice_, "keys", std::string(1024, 'k'), "v"));
  EXPECT_EQ(Put(alice_, "keys", std::string(1025, 'k'), "v").error().code,
            ErrorCode::kKeyTooLongError);
}

TEST_F(S3StoreTest, ListingRollsUpCommonPrefixesAndPagesWithoutRepeats) {
  ASSERT_TRUE(store_->CreateBucket(alice_, {"list", "", "us-east-1"}));
  for (std::string k : {"a.txt", "photos/2016/a.jpg", "photos/2016/b.jpg", "photos/2017/c.jpg",
                        "photos/top.jpg", "z.txt", "photos/"})
    ASSERT_TRUE(Put(alice_, "list", k, "x"));

  ListObjectsRequest top{"list", "", "/", "", false, 1000};
  auto r = store_->ListObjects(alice_, top);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "a.txt");
  EXPECT_EQ(r->objects[1].key, "z.txt");
  EXPECT_EQ(r->common_prefixes, std::vector<std::string>{"photos/"});

  ListObjectsRequest photos{"list", "photos/", "/", "", false, 1000};
  r = store_->ListObjects(alice_, photos);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->objects.size(), 2u);
  EXPECT_EQ(r->objects[0].key, "photos/");
  EXPECT_EQ(r->objects[1].key, "photos/top.jpg");
  EXPECT_EQ(r->common_prefixes, (std::vector<std::string>{"photos/2016/", "photos/2017/"}));

  // One entry a page: every key or prefix exactly once, in order.
  std::vector<std::string> seen;
  ListObjectsRequest page{"list", "photos/", "/", "", false, 1};
  for (int guard = 0; guard < 20; ++guard) {
    r = store_->ListObjects(alice_, page);
    ASSERT_TRUE(r);
    for (const auto& o : r->objects) seen.push_back(o.key);
    for (const auto& p : r->common_prefixes) seen.push_back(p);
    if (!r->truncated) break;
    page.start_after = r->next_start_after;
    page.start_after_is_prefix = r->next_start_after_is_prefix;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"photos/", "photos/2016/", "photos/2017/",
                                            "photos/top.jpg"}));
}

}  // namespace
}  // namespace awslab::s3
