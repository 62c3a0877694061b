// The version stack of S3Store (s3_store_versioning.cc) and the version ids
// of versioning.h, on a real LevelDB in a temporary directory and a manual
// clock that never moves unless told.
#include "emulator/s3/versioning.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <tuple>

#include "emulator/s3/s3_store.h"

namespace awslab::s3 {
namespace {

TEST(VersionId, SortsNewestFirstAndParsesBack) {
  std::string older = NewVersionId(1000), newer = NewVersionId(1001);
  EXPECT_EQ(older.size(), 32u);
  EXPECT_LT(newer, older);
  EXPECT_EQ(OrderOf(newer), VersionOrder(1001));
  EXPECT_NE(NewVersionId(1000), older);  // the random half makes ids unique
  const struct {
    std::string_view id;
    bool valid;
  } kCases[] = {{"null", true},
                {"0123456789abcdef0123456789abcdef", true},
                {"0123456789ABCDEF0123456789abcdef", false},
                {"0123456789abcdef0123456789abcde", false},
                {"", false},
                {"Null", false},
                {"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", false}};
  for (const auto& c : kCases) EXPECT_EQ(IsValidVersionId(c.id), c.valid) << c.id;
}

TEST(VersionId, NextSeqPassesTheCurrentVersionWhateverTheClock) {
  TimePoint t = std::chrono::system_clock::from_time_t(1700000000);
  ObjectRecord current;
  current.seq = NextSeq(t, std::nullopt);
  EXPECT_EQ(NextSeq(t, current), current.seq + 1);
  EXPECT_EQ(NextSeq(t - std::chrono::hours(1), current), current.seq + 1);
  EXPECT_GT(NextSeq(t + std::chrono::hours(1), current), current.seq + 1);
  ObjectRecord legacy;  // written before versioning: no seq, its time stands in
  legacy.last_modified = t;
  EXPECT_EQ(NextSeq(t, legacy), SeqOf(legacy) + 1);
}

class VersionStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-versioning-test-" + std::to_string(std::random_device()()));
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    store_ = std::make_unique<S3Store>(*storage_, clock_);
    ASSERT_TRUE(store_->CreateBucket(alice_, {"ver", "", "us-east-1", {}, std::nullopt}));
    ASSERT_TRUE(store_->PutBucketVersioning(alice_, "ver", VersioningState::kEnabled));
  }
  void TearDown() override {
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::string Put(std::string key, std::string body, std::uint64_t threshold = 64) {
    storage::StagedBody staged(*storage_, threshold);
    EXPECT_TRUE(staged.Append(body));
    EXPECT_TRUE(staged.Finish());
    auto r = store_->PutObject(alice_, "ver", key, {}, std::move(staged), "etag");
    EXPECT_TRUE(r);
    return r ? r->version_id : "";
  }
  ErrorCode CodeOf(const Status& s) { return s ? ErrorCode::kInternalError : s.error().code; }
  using Entry = std::tuple<std::string, std::string, bool, bool>;  // key, id, latest, marker
  std::vector<Entry> List(ListVersionsRequest request, int* pages = nullptr) {
    request.bucket = "ver";
    std::vector<Entry> out;
    for (int n = 1;; ++n) {
      auto page = store_->ListObjectVersions(alice_, request);
      EXPECT_TRUE(page);
      if (!page) return out;
      for (std::size_t i = 0; i < page->versions.size(); ++i)
        out.emplace_back(page->versions[i].key, page->versions[i].VersionIdOrNull(),
                         page->latest[i], page->versions[i].delete_marker);
      for (const auto& p : page->common_prefixes) out.emplace_back(p, "", false, false);
      if (!page->truncated) {
        if (pages) *pages = n;
        return out;
      }
      request.key_marker = page->next_key_marker;
      request.version_id_marker = page->next_version_id_marker;
    }
  }

  std::filesystem::path dir_;
  ManualClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<S3Store> store_;
  Principal alice_{"111122223333", "AKIAALICE", false};
};

TEST_F(VersionStoreTest, EveryPageSizeWalksTheSameVersionsInOrder) {
  std::vector<Entry> expected;
  for (std::string key : {"a", "a/b", "b", "c"}) {
    std::string v1 = Put(key, "1"), v2 = Put(key, "2");
    if (key == "b") {
      auto marker = store_->DeleteObjectVersion(alice_, "ver", key, {});
      ASSERT_TRUE(marker);
      expected.emplace_back(key, marker->version_id, true, true);
      expected.emplace_back(key, v2, false, false);
    } else {
      expected.emplace_back(key, v2, true, false);
    }
    expected.emplace_back(key, v1, false, false);
  }
  EXPECT_EQ(List({}), expected);
  const int n = static_cast<int>(expected.size());  // 9
  for (int size = 1; size <= n + 1; ++size) {
    ListVersionsRequest request;
    request.max_keys = size;
    int pages = 0;
    EXPECT_EQ(List(request, &pages), expected) << size;
    EXPECT_EQ(pages, std::max(1, (n + size - 1) / size)) << size;
  }
}

TEST_F(VersionStoreTest, DeletingTheCurrentVersionPromotesTheNextAndFreesOnlyItsBlob) {
  std::string v1 = Put("k", std::string(100, '1'), 10);
  std::string v2 = Put("k", std::string(100, '2'), 10);
  EXPECT_EQ(storage_->ListBlobFiles().size(), 2u);
  auto marker = store_->DeleteObjectVersion(alice_, "ver", "k", {});
  ASSERT_TRUE(marker);
  EXPECT_EQ(store_->GetObject(alice_, "ver", "k").error().code, ErrorCode::kNoSuchKey);
  EXPECT_EQ(storage_->ListBlobFiles().size(), 2u);
  ASSERT_TRUE(store_->DeleteObjectVersion(alice_, "ver", "k", marker->version_id));
  ASSERT_TRUE(store_->DeleteObjectVersion(alice_, "ver", "k", v2));
  auto got = store_->GetObject(alice_, "ver", "k");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->version_id, v1);
  EXPECT_EQ(storage_->ListBlobFiles(), std::vector<std::string>{got->blob_id});
  EXPECT_EQ(CodeOf(store_->DeleteBucket(alice_, "ver")), ErrorCode::kBucketNotEmpty);
  ASSERT_TRUE(store_->DeleteObjectVersion(alice_, "ver", "k", v1));
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(store_->DeleteBucket(alice_, "ver"));
}

TEST_F(VersionStoreTest, ASuspendedBucketReplacesItsNullVersion) {
  std::string v1 = Put("k", "1");
  ASSERT_TRUE(store_->PutBucketVersioning(alice_, "ver", VersioningState::kSuspended));
  EXPECT_EQ(Put("k", std::string(100, 'n'), 10), "");
  EXPECT_EQ(storage_->ListBlobFiles().size(), 1u);
  EXPECT_EQ(Put("k", std::string(100, 'm'), 10), "");
  EXPECT_EQ(storage_->ListBlobFiles().size(), 1u);  // the first null version's blob went
  EXPECT_EQ(List({}), (std::vector<Entry>{{"k", "null", true, false}, {"k", v1, false, false}}));
  auto null = store_->GetObjectVersion(alice_, "ver", "k", "null", action::kGetObject);
  ASSERT_TRUE(null);
  EXPECT_EQ(null->size, 100u);
}

}  // namespace
}  // namespace awslab::s3
