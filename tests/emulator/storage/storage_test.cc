#include "emulator/storage/storage.h"

#include <gtest/gtest.h>
#include <leveldb/write_batch.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <random>

#include "emulator/storage/key_schema.h"
#include "emulator/storage/record.h"
#include "emulator/storage/staged_body.h"

namespace awslab::storage {
namespace {

class StorageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-storage-test-" + std::to_string(std::random_device()()));
    Reopen();
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    storage_.reset();
    auto s = Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s) << s.error().Message();
    storage_ = std::move(*s);
  }

  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
};

// LevelDB's log is written through a mapping grown a megabyte ahead. A
// process killed with records in it leaves a log that ends in zeros; the
// next open reads every record up to them. A clean close gives the unused
// tail back.
TEST_F(StorageTest, TheMappedLogKeepsEveryRecordAcrossAKillAndEndsWhereItsRecordsDo) {
  storage_.reset();
  auto log_sizes = [&] {
    std::vector<std::uintmax_t> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "metadata"))
      if (e.path().extension() == ".log") out.push_back(e.file_size());
    return out;
  };
  const std::string value(300, 'v');
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto s = Storage::Open({dir_, false, nullptr});
    if (!s) ::_exit(2);
    for (int i = 0; i < 5000; ++i)
      if (!(*s)->Put("k/" + std::to_string(i), value)) ::_exit(3);
    ::raise(SIGKILL);  // no destructor, no close
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  // About 1.6 MB of records in a log of whole megabytes.
  auto sizes = log_sizes();
  ASSERT_EQ(sizes.size(), 1u);
  EXPECT_EQ(sizes[0] % (1 << 20), 0u);
  EXPECT_GE(sizes[0], 2u << 20);

  auto get = [&](const std::string& key) {
    auto v = storage_->Get(key);
    return v ? *v : std::optional<std::string>("(error)");
  };
  Reopen();
  for (int i = 0; i < 5000; i += 7)
    ASSERT_EQ(get("k/" + std::to_string(i)), value) << i;
  ASSERT_EQ(get("k/4999"), value);
  ASSERT_TRUE(storage_->Put("k/after", "1"));
  storage_.reset();
  for (std::uintmax_t size : log_sizes()) EXPECT_NE(size % (1 << 20), 0u) << size;
  Reopen();
  EXPECT_EQ(get("k/after"), "1");
  EXPECT_EQ(get("k/0"), value);
}

TEST_F(StorageTest, SmallBodiesStayInline) {
  StagedBody body(*storage_, 16);
  ASSERT_TRUE(body.Append("0123456789abcdef"));
  ASSERT_TRUE(body.Finish());
  EXPECT_FALSE(body.in_blob());
  EXPECT_EQ(body.inline_data(), "0123456789abcdef");
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
}

TEST_F(StorageTest, LargeBodiesSpillToABlobWithAPendingRecord) {
  StagedBody body(*storage_, 16);
  ASSERT_TRUE(body.Append("0123456789"));
  ASSERT_TRUE(body.Append("abcdefghij"));
  ASSERT_TRUE(body.Finish());
  ASSERT_TRUE(body.in_blob());
  EXPECT_EQ(body.size(), 20u);
  EXPECT_EQ(storage_->ListBlobFiles().size(), 1u);
  EXPECT_EQ(storage_->ListPendingBlobs(), std::vector<std::string>{body.blob_id()});
}

TEST_F(StorageTest, AnUncommittedBlobIsRemovedWhenItsBodyIsDropped) {
  {
    StagedBody body(*storage_, 4);
    ASSERT_TRUE(body.Append("more than four bytes"));
  }
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(StorageTest, CommitLinksTheNewBlobAndUnlinksTheDroppedOne) {
  StagedBody first(*storage_, 4);
  ASSERT_TRUE(first.Append("first body"));
  ASSERT_TRUE(first.Finish());
  std::string first_id = first.blob_id();
  leveldb::WriteBatch b1;
  b1.Put("o/x/k", first_id);
  ASSERT_TRUE(storage_->Commit(b1, {first_id}, {}));
  first.Release();
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());

  StagedBody second(*storage_, 4);
  ASSERT_TRUE(second.Append("second body"));
  ASSERT_TRUE(second.Finish());
  std::string second_id = second.blob_id();
  leveldb::WriteBatch b2;
  b2.Put("o/x/k", second_id);
  ASSERT_TRUE(storage_->Commit(b2, {second_id}, {first_id}));
  second.Release();
  EXPECT_EQ(storage_->ListBlobFiles(), std::vector<std::string>{second_id});
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(StorageTest, ReopeningSweepsBlobsThatACrashLeftPending) {
  std::string id;
  {
    // Simulate a crash mid-upload: the body is released (so nothing aborts
    // it) but never committed.
    StagedBody body(*storage_, 4);
    ASSERT_TRUE(body.Append("interrupted upload"));
    id = body.blob_id();
    body.Release();
  }
  ASSERT_EQ(storage_->ListBlobFiles().size(), 1u);
  Reopen();
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
}

TEST_F(StorageTest, ValuesSurviveReopening) {
  ASSERT_TRUE(storage_->Put("b/bucket", "value"));
  Reopen();
  auto v = storage_->Get("b/bucket");
  ASSERT_TRUE(v);
  ASSERT_TRUE(v->has_value());
  EXPECT_EQ(**v, "value");
}

TEST(Record, RoundTripsAndSkipsUnknownTags) {
  RecordWriter w;
  w.Put(1, "one");
  w.PutU64(2, 1ull << 40);
  w.Put(99, "from the future");
  w.Put(3, std::string("\0bin\xff", 5));
  RecordReader r(w.data());
  std::uint32_t tag;
  std::string_view v;
  std::vector<std::uint32_t> tags;
  while (r.Next(tag, v)) {
    tags.push_back(tag);
    if (tag == 1) {
      EXPECT_EQ(v, "one");
    } else if (tag == 2) {
      EXPECT_EQ(RecordReader::AsU64(v), 1ull << 40);
    } else if (tag == 3) {
      EXPECT_EQ(v, std::string_view("\0bin\xff", 5));
    }
  }
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(tags, (std::vector<std::uint32_t>{1, 2, 99, 3}));
}

TEST(Record, TruncatedDataIsReportedNotReadPastItsEnd) {
  RecordWriter w;
  w.Put(1, "a value of some length");
  std::string data = w.data().substr(0, 5);
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  EXPECT_FALSE(r.Next(tag, v));
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace awslab::storage
