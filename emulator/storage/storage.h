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
#include <mutex>
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
  // Opens a committed blob for reading; the descriptor stays valid after the
  // blob is dropped (POSIX keeps unlinked files readable while open).
  Result<int> OpenBlob(const std::string& id) const;
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
  void UnlinkBlob(std::string_view id);
  leveldb::WriteOptions WriteOpts() const;
  std::uint64_t FreeBytes() const;
  Status Space(std::uint64_t incoming, bool body, bool take) const;

  const std::filesystem::path db_path_;
  const std::filesystem::path blob_dir_;
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
};

}  // namespace awslab::storage

#endif  // AWSLAB_EMULATOR_STORAGE_STORAGE_H_
