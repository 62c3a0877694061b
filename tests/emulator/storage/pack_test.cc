// Packs (storage.h): small bodies appended to shared files, linked and
// dropped by Commit like blob files, and a pack unlinked once nothing links
// it and it takes no more appends.
#include <gtest/gtest.h>
#include <leveldb/write_batch.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "emulator/storage/staged_body.h"
#include "emulator/storage/storage.h"

namespace awslab::storage {
namespace {

class PackTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-pack-test-" + std::to_string(std::random_device()()));
    Reopen();
  }
  void TearDown() override {
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    storage_.reset();
    StorageOptions options{dir_, false, nullptr, 1 << 20, [this] { return free_; }};
    auto s = Storage::Open(options);
    ASSERT_TRUE(s) << s.error().Message();
    storage_ = std::move(*s);
  }
  // A body packed by StagedBody, committed under `key`.
  std::string PutPacked(const std::string& key, const std::string& data,
                        const std::vector<std::string>& dropped = {}) {
    StagedBody body(*storage_);
    EXPECT_TRUE(body.Append(data));
    EXPECT_TRUE(body.Finish());
    EXPECT_TRUE(body.in_blob());
    std::string id = body.blob_id();
    leveldb::WriteBatch batch;
    batch.Put(key, id);
    EXPECT_TRUE(storage_->Commit(batch, {id}, dropped));
    body.Release();
    return id;
  }
  std::string Read(const std::string& id, std::uint64_t offset, std::uint64_t n) {
    std::string out(n, '\0');
    auto st = storage_->ReadBlob(id, offset, n, out.data());
    EXPECT_TRUE(st) << st.error().Message();
    return out;
  }
  std::size_t PackFiles() const {
    std::size_t n = 0;
    std::error_code ec;
    for (auto it = std::filesystem::directory_iterator(dir_ / "packs", ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec))
      ++n;
    return n;
  }

  std::filesystem::path dir_;
  std::uint64_t free_ = 1ull << 40;
  std::unique_ptr<Storage> storage_;
};

std::string Pattern(std::size_t n, char seed) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(seed + i * 7);
  return s;
}

TEST_F(PackTest, BodiesBelowAKibibyteStayInlineLargerOnesArePacked) {
  StagedBody tiny(*storage_);
  ASSERT_TRUE(tiny.Append(std::string(kPackMinBytes - 1, 'x')));
  ASSERT_TRUE(tiny.Finish());
  EXPECT_FALSE(tiny.in_blob());

  StagedBody small(*storage_);
  ASSERT_TRUE(small.Append(Pattern(kPackMinBytes, 'a')));
  ASSERT_TRUE(small.Finish());
  ASSERT_TRUE(small.in_blob());
  EXPECT_TRUE(IsPackedId(small.blob_id()));
  EXPECT_TRUE(small.inline_data().empty());
  EXPECT_TRUE(storage_->ListBlobFiles().empty());
  EXPECT_TRUE(storage_->ListPendingBlobs().empty());
  auto packs = storage_->ListPacks();
  ASSERT_EQ(packs.size(), 1u);
  EXPECT_EQ(packs[0].size, kPackMinBytes);
  EXPECT_EQ(packs[0].live, 0);  // appended, not linked yet
}

TEST_F(PackTest, APackedIdRoundTrips) {
  PackedRef ref{0x12, 0xabcdef, 4096};
  auto parsed = ParsePackedId(PackedId(ref));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->pack, 0x12u);
  EXPECT_EQ(parsed->offset, 0xabcdefu);
  EXPECT_EQ(parsed->length, 4096u);
  EXPECT_FALSE(ParsePackedId("@12.34"));
  EXPECT_FALSE(ParsePackedId("@12.zz.4"));
  EXPECT_FALSE(ParsePackedId("0123abcd"));
}

TEST_F(PackTest, CommittedBodiesAreReadBackWholeAndInRanges) {
  const std::string a = Pattern(4096, 'a'), b = Pattern(5000, 'b');
  std::string id_a = PutPacked("o/x/a", a), id_b = PutPacked("o/x/b", b);
  EXPECT_EQ(Read(id_a, 0, a.size()), a);
  EXPECT_EQ(Read(id_b, 0, b.size()), b);
  EXPECT_EQ(Read(id_b, 100, 50), b.substr(100, 50));
  // Through a descriptor, as GET streams and copies read.
  auto opened = storage_->OpenBlob(id_b);
  ASSERT_TRUE(opened);
  std::string via_fd(b.size(), '\0');
  ASSERT_EQ(::pread(opened->fd, via_fd.data(), via_fd.size(), static_cast<off_t>(opened->base)),
            static_cast<ssize_t>(b.size()));
  ::close(opened->fd);
  EXPECT_EQ(via_fd, b);
  // Never past the body.
  std::string out(10, '\0');
  EXPECT_FALSE(storage_->ReadBlob(id_a, a.size() - 5, 10, out.data()));
  auto packs = storage_->ListPacks();
  ASSERT_EQ(packs.size(), 1u);
  EXPECT_EQ(packs[0].live, static_cast<std::int64_t>(a.size() + b.size()));
}

TEST_F(PackTest, DroppingBodiesCountsThemOutAndReopeningKeepsWhatIsLinked) {
  const std::string a = Pattern(2000, 'a'), b = Pattern(3000, 'b');
  std::string id_a = PutPacked("o/x/k", a);
  std::string id_b = PutPacked("o/x/k", b, {id_a});  // an overwrite drops a
  ASSERT_EQ(storage_->ListPacks().size(), 1u);
  EXPECT_EQ(storage_->ListPacks()[0].live, 3000);
  Reopen();
  auto packs = storage_->ListPacks();
  ASSERT_EQ(packs.size(), 1u);
  EXPECT_EQ(packs[0].live, 3000);
  EXPECT_EQ(Read(id_b, 0, b.size()), b);
  // A new process appends to a new pack, never after a possibly torn end.
  std::string id_c = PutPacked("o/x/c", Pattern(1500, 'c'));
  EXPECT_GT(ParsePackedId(id_c)->pack, ParsePackedId(id_b)->pack);
  EXPECT_EQ(storage_->ListPacks().size(), 2u);
}

TEST_F(PackTest, AppendsNoCommitLinkedAreGoneAfterReopening) {
  {
    // A crash between the append and its commit: released, never committed.
    StagedBody body(*storage_);
    ASSERT_TRUE(body.Append(Pattern(4096, 'z')));
    ASSERT_TRUE(body.Finish());
    body.Release();
  }
  {
    // A request that failed after its body was packed: forgotten.
    StagedBody body(*storage_);
    ASSERT_TRUE(body.Append(Pattern(4096, 'y')));
    ASSERT_TRUE(body.Finish());
  }
  ASSERT_EQ(PackFiles(), 1u);
  Reopen();
  EXPECT_EQ(PackFiles(), 0u);
  EXPECT_TRUE(storage_->ListPacks().empty());
}

TEST_F(PackTest, AFullPackIsUnlinkedWithItsLastBodyAndNumbersAreNotReused) {
  // Fill the first pack with 1 MiB bodies until the next one starts.
  const std::string mib = Pattern(1 << 20, 'm');
  std::vector<std::string> first;
  std::string id;
  for (int i = 0;; ++i) {
    auto appended = storage_->AppendPacked(mib);
    ASSERT_TRUE(appended);
    id = *appended;
    leveldb::WriteBatch batch;
    batch.Put("o/x/" + std::to_string(i), id);
    ASSERT_TRUE(storage_->Commit(batch, {id}, {}));
    if (ParsePackedId(id)->pack != ParsePackedId(first.empty() ? id : first[0])->pack) break;
    first.push_back(id);
  }
  EXPECT_EQ(first.size(), kPackBytes / mib.size());
  ASSERT_EQ(PackFiles(), 2u);
  // Dropping all but one keeps the file; dropping the last unlinks it.
  leveldb::WriteBatch drop_most;
  std::vector<std::string> most(first.begin() + 1, first.end());
  ASSERT_TRUE(storage_->Commit(drop_most, {}, most));
  EXPECT_EQ(PackFiles(), 2u);
  leveldb::WriteBatch drop_last;
  ASSERT_TRUE(storage_->Commit(drop_last, {}, {first[0]}));
  EXPECT_EQ(PackFiles(), 1u);
  std::string out(10, '\0');
  EXPECT_FALSE(storage_->ReadBlob(first[0], 0, 10, out.data()));
  // The second pack is still the active one and keeps its body.
  EXPECT_EQ(Read(id, 0, 16), mib.substr(0, 16));
  // After the second goes too and the server restarts, numbers go on.
  leveldb::WriteBatch drop_second;
  ASSERT_TRUE(storage_->Commit(drop_second, {}, {id}));
  Reopen();
  EXPECT_EQ(PackFiles(), 0u);
  std::string next = PutPacked("o/x/n", Pattern(2048, 'n'));
  EXPECT_GT(ParsePackedId(next)->pack, ParsePackedId(id)->pack);
}

TEST_F(PackTest, APackedBodyNeedsTheWholeReserveLeftAfterIt) {
  free_ = (1 << 20) + 1000;  // the reserve and 1,000 bytes
  StagedBody body(*storage_);
  ASSERT_TRUE(body.Append(Pattern(4096, 'f')));
  auto st = body.Finish();
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kSlowDown);
  EXPECT_FALSE(body.in_blob());
  EXPECT_EQ(PackFiles(), 0u);
}

}  // namespace
}  // namespace awslab::storage

namespace awslab::storage {
namespace {

TEST_F(PackTest, TheCurrentPackIsUnlinkedOnceEmptied) {
  std::string a = PutPacked("o/x/a", Pattern(3000, 'a'));
  std::string b = PutPacked("o/x/b", Pattern(3000, 'b'));
  leveldb::WriteBatch drop_a;
  ASSERT_TRUE(storage_->Commit(drop_a, {}, {a}));
  EXPECT_EQ(PackFiles(), 1u);
  leveldb::WriteBatch drop_b;
  ASSERT_TRUE(storage_->Commit(drop_b, {}, {b}));
  EXPECT_EQ(PackFiles(), 0u);  // the space is back at once
  // The next append starts a new pack.
  std::string c = PutPacked("o/x/c", Pattern(3000, 'c'));
  EXPECT_GT(ParsePackedId(c)->pack, ParsePackedId(b)->pack);
  EXPECT_EQ(Read(c, 0, 3000), Pattern(3000, 'c'));
}

TEST_F(PackTest, ShortOfSpaceEverySparsePackIsWorthCompactingTheCurrentOneToo) {
  std::string a = PutPacked("o/x/a", Pattern(3000, 'a'));
  std::string b = PutPacked("o/x/b", Pattern(3000, 'b'));
  std::string c = PutPacked("o/x/c", Pattern(3000, 'c'));
  leveldb::WriteBatch drop;
  ASSERT_TRUE(storage_->Commit(drop, {}, {a, b}));
  // Plenty of room: 6,000 bytes that nothing links are not worth a pass.
  EXPECT_TRUE(storage_->SparsePacks().empty());
  free_ = (1 << 20) + 4096;  // under twice the 1 MiB reserve
  auto sparse = storage_->SparsePacks();
  ASSERT_EQ(sparse.size(), 1u);
  EXPECT_EQ(sparse[0].pack, ParsePackedId(c)->pack);
  EXPECT_EQ(sparse[0].live, 3000);
  // Moving 3,000 bytes may use half the reserve, not more: a delete needs
  // the last quarter.
  EXPECT_TRUE(storage_->HasRoomToCompact(3000));
  free_ = (1 << 19) + 2999;  // half the reserve and 2,999 bytes
  EXPECT_FALSE(storage_->HasRoomToCompact(3000));
  // The current pack took its last append: the next one starts a new pack.
  free_ = 1ull << 40;
  std::string d = PutPacked("o/x/d", Pattern(3000, 'd'));
  EXPECT_GT(ParsePackedId(d)->pack, ParsePackedId(c)->pack);
}

}  // namespace
}  // namespace awslab::storage

namespace awslab::storage {
namespace {

TEST(PackFsyncTest, WithFsyncPackedBodiesAreSyncedAndReadBackAfterReopening) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("awslab-pack-fsync-test-" + std::to_string(std::random_device()()));
  const std::string data = Pattern(6000, 's');
  std::string id;
  {
    StorageOptions options{dir, /*fsync=*/true, nullptr, 0, {}};
    auto storage = Storage::Open(options);
    ASSERT_TRUE(storage) << storage.error().Message();
    StagedBody body(**storage);
    ASSERT_TRUE(body.Append(data));
    ASSERT_TRUE(body.Finish());
    ASSERT_TRUE(IsPackedId(body.blob_id()));
    id = body.blob_id();
    leveldb::WriteBatch batch;
    batch.Put("o/x/s", id);
    ASSERT_TRUE((*storage)->Commit(batch, {id}, {}));
    body.Release();
  }
  {
    auto storage = Storage::Open({dir, true, nullptr, 0, {}});
    ASSERT_TRUE(storage);
    std::string out(data.size(), '\0');
    ASSERT_TRUE((*storage)->ReadBlob(id, 0, out.size(), out.data()));
    EXPECT_EQ(out, data);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace awslab::storage
