// Storage: one LevelDB for all metadata plus a folder of blob files for large
// bodies, with the protocol that keeps them consistent across crashes.
//
// Blob lifecycle. A blob is written under a fresh id, never under a key:
//   1. BeginBlob() records p/<id> ("pending") before the file exists;
//   2. the body streams into the file;
//   3. Commit() writes, in one WriteBatch, the record that links the blob, the
//      removal of p/<id>, and p/<old id> for every blob the batch drops; then
//      it unlinks the dropped files and clears their p/ records.
// Whatever a crash interrupts, a blob file that no record links has a p/
// record, and Open() sweeps those files. An object thus becomes visible with
// its metadata at once, or not at all.
//
// Durability: without `fsync`, an acknowledged write survives a crash of the
// process (LevelDB's log and the blob file are in the OS's page cache). With
// `fsync`, blob files are fsynced before their commit and batches are synced,
// so it also survives a crash of the machine.
//
// A full disk (docs/reliability.md). Writes are refused with SlowDown before
// they would leave less than `min_free_bytes` free: bodies (a blob chunk, or
// a batch of more than kSmallWrite bytes) need all of it left after them;
// small records (deletes, ACLs, EC2 state) may use all but a quarter of it,
// so that objects can still be deleted on a full disk. LevelDB thus normally
// never meets ENOSPC. When one of its writes fails all the same (another
// program filled the disk), every later write to that file fails too (a
// write after a torn log record could be lost on recovery, and must not be
// acknowledged), the storage refuses writes, and a later write reopens the
// database once the space is back. Reads go on from the old one meanwhile.
//
// Packs. Bodies of at least kPackMinBytes that would otherwise live inline in
// their LevelDB record (StagedBody's inline threshold) are appended to a pack
// file instead, packs/<pack>.pack, and named by a blob id "@<pack>.<offset>.
// <length>" (hex), which records link and drop as they do a blob file's. A
// pack is written once, front to back, by concurrent appends at reserved
// offsets; it is never rewritten. What records link of each pack is counted
// in _pack/live/<pack>, written in the same batch as the records that link
// or drop its bodies (Commit). A pack that is full (kPackBytes), or the
// current one, is unlinked once nothing links it and no append is pending;
// at Open(), every pack with nothing linked is, so the bytes of an append
// that a crash kept from its commit go with their pack. A new process never
// appends to an old pack (its end may be torn): it starts a new one, numbered
// from _meta/pack-next. A full pack less than half linked has its bodies
// moved to the current pack by S3Store::CompactPacks (short of space, the
// current pack too, which then takes no more appends), so the space packs
// take stays within about twice what they hold. Why: a 4 KiB body inline in
// LevelDB is written to its log, its memtable, a level-0 table and then again
// by every compaction; in a pack it is written once (issue 3, and
// docs/server.md "Storage and durability").
//
// Thread-safety: every method may be called from any thread; LevelDB orders
// concurrent writes. Callers serialize their own read-modify-write sequences.
#ifndef AWSLAB_EMULATOR_STORAGE_STORAGE_H_
#define AWSLAB_EMULATOR_STORAGE_STORAGE_H_

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"

namespace leveldb {
class Env;
}

namespace awslab::storage {

struct StorageOptions {
  std::filesystem::path data_dir;
  bool fsync = false;
  // For tests: LevelDB's in-memory Env (blobs still go to data_dir).
  leveldb::Env* env = nullptr;
  // The free space writes leave on the data dir's file system (0: none).
  std::uint64_t min_free_bytes = kDefaultMinFreeBytes;
  // For tests: the free bytes (default: statvfs of data_dir).
  std::function<std::uint64_t()> free_space;

  static constexpr std::uint64_t kDefaultMinFreeBytes = 64 << 20;
};

// Batches up to this size are records, not bodies (see the header comment).
inline constexpr std::uint64_t kSmallWrite = 4096;
// Bodies this big or bigger that would be inline go to a pack instead.
inline constexpr std::uint64_t kPackMinBytes = 1024;
// A pack takes no more appends once it holds this much.
inline constexpr std::uint64_t kPackBytes = 64 << 20;

// Where a packed body is: "@<pack>.<offset>.<length>" (hex).
struct PackedRef {
  std::uint64_t pack = 0;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
std::string PackedId(const PackedRef& ref);
std::optional<PackedRef> ParsePackedId(std::string_view id);
inline bool IsPackedId(std::string_view id) { return !id.empty() && id[0] == '@'; }

// A blob opened for reading: its bytes start at `base` in `fd`, which the
// caller closes.
struct OpenedBlob {
  int fd = -1;
  std::uint64_t base = 0;
};

// A blob file being written. Move-only; owns the file descriptor.
class BlobWriter {
 public:
  BlobWriter(std::string id, int fd) : id_(std::move(id)), fd_(fd) {}
  BlobWriter(BlobWriter&& other) noexcept;
  BlobWriter& operator=(BlobWriter&&) = delete;
  ~BlobWriter();
  const std::string& id() const { return id_; }
  std::uint64_t size() const { return size_; }
  Status Write(std::string_view data);
  // Flushes (and fsyncs when asked) and closes the file.
  Status Close(bool fsync);

 private:
  std::string id_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

class Storage {
 public:
  // Opens (creating when absent) the data directory and sweeps blobs left
  // pending by an earlier crash.
  static Result<std::unique_ptr<Storage>> Open(const StorageOptions& options);
  ~Storage();

  Result<std::optional<std::string>> Get(std::string_view key) const;
  Status Put(std::string_view key, std::string_view value);
  // Writes a batch that links or drops no blob.
  Status Write(leveldb::WriteBatch& batch);
  // Writes `batch`, which links `linked` blobs (begun with BeginBlob) and drops
  // `dropped` ones, then unlinks the dropped files.
  Status Commit(leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                const std::vector<std::string>& dropped);

  // Iterates keys in [prefix, ...) that start with `prefix`. The iterator
  // sees a consistent snapshot.
  std::unique_ptr<leveldb::Iterator> NewIterator() const;

  Result<BlobWriter> BeginBlob();
  // Forgets a blob that will not be committed: unlinks it and clears p/.
  void AbortBlob(const std::string& id);
  // Opens a committed blob (a file or a packed body) for reading; the
  // descriptor stays valid after the blob is dropped (POSIX keeps unlinked
  // files readable while open).
  Result<OpenedBlob> OpenBlob(const std::string& id) const;
  // Reads `n` bytes at `offset` of a committed blob into `out`.
  Status ReadBlob(const std::string& id, std::uint64_t offset, std::uint64_t n, char* out) const;

  // Appends a body to the current pack; the id is pending until a Commit
  // links it, or ForgetPacked (an append that will not be committed).
  // `reclaim`: a move that frees space (compaction), which may use the
  // reserve as small records do.
  Result<std::string> AppendPacked(std::string_view body, bool reclaim = false);
  void ForgetPacked(const std::string& id);
  struct PackInfo {
    std::uint64_t pack;
    std::uint64_t size;  // bytes appended
    std::int64_t live;   // bytes linked
  };
  // Every pack file and what is linked of it (for tests and checks).
  std::vector<PackInfo> ListPacks() const;
  // The full packs less than half of which is linked, once they hold at
  // least `min_reclaim` bytes that nothing links in all (0: any such pack,
  // as when less than twice min_free_bytes is free): their bodies are worth
  // moving to the current pack (S3Store::CompactPacks).
  std::vector<PackInfo> SparsePacks(std::uint64_t min_reclaim = kPackBytes);
  // Whether compaction may move `incoming` bytes: moves may use half the
  // reserve, so that deletes (a quarter) still go through meanwhile.
  Status HasRoomToCompact(std::uint64_t incoming) const;
  std::filesystem::path BlobPath(std::string_view id) const;
  // Every blob file on disk (for tests and checks).
  std::vector<std::string> ListBlobFiles() const;
  // Blob ids with a p/ record (for tests and checks).
  std::vector<std::string> ListPendingBlobs() const;

  bool fsync() const { return fsync_; }

  // SlowDown unless `incoming` more bytes leave min_free_bytes free (a body),
  // or a quarter of it (a record, `body` false). CheckSpace is for bytes
  // about to be written (they count until the next statvfs); HasSpace only
  // asks (a body announced by its Content-Length).
  Status CheckSpace(std::uint64_t incoming, bool body) const;
  Status HasSpace(std::uint64_t incoming, bool body) const;
  // Whether a failed write keeps writes refused until the database reopens.
  bool write_failed() const { return write_failed_.load(std::memory_order_acquire); }

 private:
  class LatchEnv;
  Storage(const StorageOptions& options, std::filesystem::path blob_dir);
  Status OpenDb();
  std::shared_ptr<leveldb::DB> Db() const;
  // Writes `batch` unless the space check or an earlier failure refuses it.
  Status WriteChecked(leveldb::WriteBatch& batch);
  // After a failed write: reopens the database when there is room again.
  Status Recover() const;
  void SweepPendingBlobs();
  struct Pack;
  Status LoadPacks();
  // Unlinks `pack` when it is full, unlinked and has no append pending
  // (pack_mu_ held); returns whether it did.
  bool MaybeRemovePack(std::uint64_t number);
  Status CommitPacked(leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                      const std::vector<std::string>& dropped);
  void UnlinkBlob(std::string_view id);
  leveldb::WriteOptions WriteOpts() const;
  std::uint64_t FreeBytes() const;
  // `keep`: the free bytes that must be left after `incoming`.
  Status Space(std::uint64_t incoming, std::uint64_t keep, bool take) const;

  const std::filesystem::path db_path_;
  const std::filesystem::path blob_dir_;
  const std::filesystem::path pack_dir_;
  const bool fsync_;
  const std::uint64_t min_free_;
  const std::function<std::uint64_t()> free_space_;
  std::unique_ptr<LatchEnv> env_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::Cache> cache_;
  // The open database; null only while Recover() swaps it.
  mutable std::mutex db_mu_;
  std::shared_ptr<leveldb::DB> db_;
  mutable std::atomic<bool> write_failed_{false};
  // Recover(): one at a time, at most every kRecoverInterval.
  mutable std::mutex recover_mu_;
  mutable std::chrono::steady_clock::time_point last_recover_{};
  // The last statvfs reading, reused for a few milliseconds (CheckSpace).
  mutable std::atomic<std::uint64_t> free_cache_{0};
  mutable std::atomic<std::int64_t> free_cache_at_ns_{0};
  // Packs (see the header comment). pack_mu_ guards the table and each
  // pack's counts; a reader holds it shared while it uses a pack's
  // descriptor, which is closed only with it exclusive. commit_mu_ orders
  // the commits that change _pack/live records.
  mutable std::shared_mutex pack_mu_;
  std::map<std::uint64_t, std::unique_ptr<Pack>> packs_;
  std::uint64_t active_pack_ = 0;  // 0: none yet
  std::uint64_t next_pack_ = 1;
  std::mutex commit_mu_;
};

}  // namespace awslab::storage

#endif  // AWSLAB_EMULATOR_STORAGE_STORAGE_H_
