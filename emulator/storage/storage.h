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
// Thread-safety: every method may be called from any thread; LevelDB orders
// concurrent writes. Callers serialize their own read-modify-write sequences.
#ifndef AWSLAB_EMULATOR_STORAGE_STORAGE_H_
#define AWSLAB_EMULATOR_STORAGE_STORAGE_H_

#include <leveldb/db.h>
#include <leveldb/write_batch.h>

#include <cstdint>
#include <filesystem>
#include <memory>
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
  // Opens a committed blob for reading; the descriptor stays valid after the
  // blob is dropped (POSIX keeps unlinked files readable while open).
  Result<int> OpenBlob(const std::string& id) const;
  std::filesystem::path BlobPath(std::string_view id) const;
  // Every blob file on disk (for tests and checks).
  std::vector<std::string> ListBlobFiles() const;
  // Blob ids with a p/ record (for tests and checks).
  std::vector<std::string> ListPendingBlobs() const;

  bool fsync() const { return fsync_; }

 private:
  Storage(std::unique_ptr<leveldb::DB> db, std::filesystem::path blob_dir, bool fsync);
  void SweepPendingBlobs();
  void UnlinkBlob(std::string_view id);
  leveldb::WriteOptions WriteOpts() const;

  std::unique_ptr<leveldb::DB> db_;
  std::unique_ptr<const leveldb::FilterPolicy> filter_;
  std::unique_ptr<leveldb::Cache> cache_;
  const std::filesystem::path blob_dir_;
  const bool fsync_;
};

}  // namespace awslab::storage

#endif  // AWSLAB_EMULATOR_STORAGE_STORAGE_H_
