// Storage on a full disk (docs/reliability.md): the free-space check that
// refuses bodies before records, and a LevelDB write that fails all the same
// (another program filled the disk): writes stop, reads go on, and the
// database reopens once there is room, losing nothing acknowledged.
#include <gtest/gtest.h>
#include <leveldb/env.h>
#include <leveldb/write_batch.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

#include "emulator/storage/staged_body.h"
#include "emulator/storage/storage.h"

namespace awslab::storage {
namespace {

constexpr std::uint64_t kMinFree = 1 << 20;

// The disk as the test sets it: how much is free, and whether writes of
// LevelDB's files fail with ENOSPC after `budget` more bytes.
struct Disk {
  std::atomic<std::uint64_t> free{1ull << 40};
  std::atomic<long long> budget{-1};  // -1: writes succeed
};

class FullFile final : public leveldb::WritableFile {
 public:
  FullFile(leveldb::WritableFile* base, Disk* disk) : base_(base), disk_(disk) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    long long budget = disk_->budget.load();
    if (budget < 0) return base_->Append(data);
    // Write what fits, as write(2) does, then fail: a torn record.
    const std::size_t n = std::min<std::size_t>(data.size(), static_cast<std::size_t>(budget));
    disk_->budget = budget - static_cast<long long>(n);
    if (n > 0) {
      leveldb::Status s = base_->Append(leveldb::Slice(data.data(), n));
      if (s.ok()) s = base_->Flush();
      if (!s.ok()) return s;
    }
    if (n == data.size()) return leveldb::Status::OK();
    return leveldb::Status::IOError("test file", std::strerror(ENOSPC));
  }
  leveldb::Status Close() override { return base_->Close(); }
  leveldb::Status Flush() override { return base_->Flush(); }
  leveldb::Status Sync() override { return base_->Sync(); }

 private:
  std::unique_ptr<leveldb::WritableFile> base_;
  Disk* disk_;
};

class FullEnv final : public leveldb::EnvWrapper {
 public:
  explicit FullEnv(Disk* disk) : leveldb::EnvWrapper(leveldb::Env::Default()), disk_(disk) {}
  leveldb::Status NewWritableFile(const std::string& name, leveldb::WritableFile** r) override {
    if (disk_->budget.load() == 0) return leveldb::Status::IOError(name, std::strerror(ENOSPC));
    leveldb::Status s = target()->NewWritableFile(name, r);
    if (s.ok()) *r = new FullFile(*r, disk_);
    return s;
  }
  leveldb::Status NewAppendableFile(const std::string& name, leveldb::WritableFile** r) override {
    if (disk_->budget.load() == 0) return leveldb::Status::IOError(name, std::strerror(ENOSPC));
    leveldb::Status s = target()->NewAppendableFile(name, r);
    if (s.ok()) *r = new FullFile(*r, disk_);
    return s;
  }

 private:
  Disk* disk_;
};

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-full-disk-test-" + std::to_string(std::random_device()()));
    Reopen();
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    storage_.reset();
    StorageOptions options{dir_, false, &env_, kMinFree, [this] { return disk_.free.load(); }};
    auto s = Storage::Open(options);
    ASSERT_TRUE(s) << s.error().Message();
    storage_ = std::move(*s);
  }
  std::optional<std::string> Get(const std::string& key) {
    auto v = storage_->Get(key);
    EXPECT_TRUE(v) << v.error().Message();
    return v ? *v : std::nullopt;
  }

  Disk disk_;
  FullEnv env_{&disk_};
  std::filesystem::path dir_;
  std::unique_ptr<Storage> storage_;
};

TEST_F(FullDiskTest, BodiesAreRefusedBeforeTheyEatTheReserve) {
  disk_.free = kMinFree + 10000;
  StagedBody body(*storage_, 16);
  ASSERT_TRUE(body.Append(std::string(5000, 'a')));  // spills: 5000 fits
  auto st = body.Append(std::string(11000, 'b'));    // 11000 more would not
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);

  // A batch of more than kSmallWrite bytes is a body too.
  disk_.free = kMinFree + 2 * kSmallWrite;
  leveldb::WriteBatch big;
  big.Put("k/big", std::string(3 * kSmallWrite, 'x'));
  st = storage_->Write(big);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  EXPECT_EQ(Get("k/big"), std::nullopt);
}

TEST_F(FullDiskTest, SmallRecordsMayUseAllButAQuarterOfTheReserve) {
  ASSERT_TRUE(storage_->Put("k/a", "1"));
  disk_.free = kMinFree / 2;  // bodies are refused here, records not yet
  StagedBody body(*storage_, 4);
  auto st = body.Append("0123456789");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  leveldb::WriteBatch del;
  del.Delete("k/a");
  ASSERT_TRUE(storage_->Write(del));
  EXPECT_EQ(Get("k/a"), std::nullopt);

  disk_.free = kMinFree / 8;  // below a quarter: nothing
  st = storage_->Put("k/b", "2");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  EXPECT_EQ(Get("k/b"), std::nullopt);
  EXPECT_FALSE(storage_->write_failed());  // refused, not failed
}

TEST_F(FullDiskTest, ATornLogRecordLosesNothingAcknowledgedAfterIt) {
  ASSERT_TRUE(storage_->Put("k/1", std::string(1000, '1')));
  // The disk fills in the middle of the next record.
  disk_.budget = 100;
  auto st = storage_->Put("k/2", std::string(10000, '2'));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  EXPECT_TRUE(storage_->write_failed());

  // Still full: writes are refused without touching the log; reads go on.
  disk_.budget = 0;
  disk_.free = 0;
  st = storage_->Put("k/3", "3");
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  EXPECT_EQ(Get("k/1"), std::string(1000, '1'));

  // Room again: the next write reopens the database and succeeds.
  disk_.budget = -1;
  disk_.free = 1ull << 40;
  ASSERT_TRUE(storage_->Put("k/4", std::string(500, '4')));
  EXPECT_FALSE(storage_->write_failed());
  ASSERT_TRUE(storage_->Put("k/5", "5"));

  // And after a restart: everything acknowledged, nothing that was not.
  Reopen();
  EXPECT_EQ(Get("k/1"), std::string(1000, '1'));
  EXPECT_EQ(Get("k/2"), std::nullopt);
  EXPECT_EQ(Get("k/3"), std::nullopt);
  EXPECT_EQ(Get("k/4"), std::string(500, '4'));
  EXPECT_EQ(Get("k/5"), "5");
}

TEST_F(FullDiskTest, AnIteratorHeldAcrossTheFailureIsLetGoBeforeTheReopen) {
  ASSERT_TRUE(storage_->Put("k/1", "1"));
  auto it = storage_->NewIterator();
  disk_.budget = 10;
  ASSERT_FALSE(storage_->Put("k/2", std::string(100, '2')));
  disk_.budget = -1;
  it->Seek("k/");
  ASSERT_TRUE(it->Valid());
  EXPECT_EQ(it->key().ToString(), "k/1");
  it.reset();  // the reopen waits for this
  ASSERT_TRUE(storage_->Put("k/3", "3"));
  EXPECT_EQ(Get("k/1"), "1");
  EXPECT_EQ(Get("k/3"), "3");
}

}  // namespace
}  // namespace awslab::storage
