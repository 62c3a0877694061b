#include "emulator/storage/storage.h"

#include <fcntl.h>
#include <leveldb/cache.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "emulator/base/ids.h"
#include "emulator/base/log.h"
#include "emulator/storage/key_schema.h"

namespace awslab::storage {
namespace {

Error FromLevelDb(const leveldb::Status& s) {
  return MakeError(ErrorCode::kInternalError, "storage: " + s.ToString());
}

Error FromErrno(std::string_view what) {
  int err = errno;
  // A full disk is the client's to retry later, as S3 answers under pressure.
  if (err == ENOSPC || err == EDQUOT)
    return MakeError(ErrorCode::kSlowDown, "Please reduce your request rate. (storage is full)");
  return MakeError(ErrorCode::kInternalError,
                   std::string("storage: ") + std::string(what) + ": " + std::strerror(err));
}

constexpr std::string_view kCurrentSchema = "1";

// LevelDB's default Env maps table files into memory, so every block a read
// touches stays in the process's resident set (RssFile) until the mapping
// goes: a server that lists a million keys once would look 100 MiB big for
// good. Reading with pread leaves those pages to the kernel's page cache,
// which the kernel can reclaim, and the block cache keeps what is hot.
class PreadFile final : public leveldb::RandomAccessFile {
 public:
  PreadFile(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}
  ~PreadFile() override { ::close(fd_); }
  leveldb::Status Read(std::uint64_t offset, std::size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    std::size_t got = 0;
    while (got < n) {
      ssize_t r = ::pread(fd_, scratch + got, n - got, static_cast<off_t>(offset + got));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) {
        *result = leveldb::Slice(scratch, 0);
        return leveldb::Status::IOError(name_, std::strerror(errno));
      }
      if (r == 0) break;
      got += static_cast<std::size_t>(r);
    }
    *result = leveldb::Slice(scratch, got);
    return leveldb::Status::OK();
  }

 private:
  std::string name_;
  int fd_;
};

class PreadEnv final : public leveldb::EnvWrapper {
 public:
  PreadEnv() : leveldb::EnvWrapper(leveldb::Env::Default()) {}
  leveldb::Status NewRandomAccessFile(const std::string& name,
                                      leveldb::RandomAccessFile** result) override {
    int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *result = nullptr;
      return errno == ENOENT ? leveldb::Status::NotFound(name, std::strerror(errno))
                             : leveldb::Status::IOError(name, std::strerror(errno));
    }
    *result = new PreadFile(name, fd);
    return leveldb::Status::OK();
  }
};

leveldb::Env* DefaultEnv() {
  static PreadEnv* env = new PreadEnv();  // lives as long as the process, as Env::Default
  return env;
}

}  // namespace

BlobWriter::BlobWriter(BlobWriter&& other) noexcept
    : id_(std::move(other.id_)), fd_(other.fd_), size_(other.size_) {
  other.fd_ = -1;
}

BlobWriter::~BlobWriter() {
  if (fd_ >= 0) ::close(fd_);
}

Status BlobWriter::Write(std::string_view data) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FromErrno("write blob");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  size_ += data.size();
  return Ok();
}

Status BlobWriter::Close(bool fsync) {
  if (fd_ < 0) return Ok();
  if (fsync && ::fdatasync(fd_) != 0) return FromErrno("fsync blob");
  int rc = ::close(fd_);
  fd_ = -1;
  if (rc != 0) return FromErrno("close blob");
  return Ok();
}

Result<std::unique_ptr<Storage>> Storage::Open(const StorageOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return MakeError(ErrorCode::kInternalError, "cannot create data dir: " + ec.message());
  auto blob_dir = options.data_dir / "blobs";
  std::filesystem::create_directories(blob_dir, ec);
  if (ec) return MakeError(ErrorCode::kInternalError, "cannot create blob dir: " + ec.message());

  auto filter = std::unique_ptr<const leveldb::FilterPolicy>(leveldb::NewBloomFilterPolicy(10));
  auto cache = std::unique_ptr<leveldb::Cache>(leveldb::NewLRUCache(8 << 20));
  leveldb::Options opts;
  opts.create_if_missing = true;
  opts.filter_policy = filter.get();
  opts.block_cache = cache.get();
  opts.write_buffer_size = 4 << 20;
  // Most of what LevelDB holds is small object bodies, which compress
  // poorly; snappy costs every write and every block read.
  opts.compression = leveldb::kNoCompression;
  opts.env = options.env ? options.env : DefaultEnv();
  // Each open table costs a descriptor and its index block in memory; the
  // table cache keeps this many.
  opts.max_open_files = 200;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(opts, (options.data_dir / "metadata").string(), &raw);
  if (!s.ok()) return FromLevelDb(s);

  std::unique_ptr<Storage> storage(
      new Storage(std::unique_ptr<leveldb::DB>(raw), blob_dir, options.fsync));
  storage->filter_ = std::move(filter);
  storage->cache_ = std::move(cache);

  auto version = storage->Get(keys::kSchemaVersion);
  if (!version) return version.error();
  if (!*version) {
    if (auto st = storage->Put(keys::kSchemaVersion, kCurrentSchema); !st) return st.error();
  } else if (**version != kCurrentSchema) {
    return MakeError(ErrorCode::kInternalError,
                     "data dir has schema version " + **version + ", this server reads " +
                         std::string(kCurrentSchema));
  }
  storage->SweepPendingBlobs();
  return storage;
}

Storage::Storage(std::unique_ptr<leveldb::DB> db, std::filesystem::path blob_dir, bool fsync)
    : db_(std::move(db)), blob_dir_(std::move(blob_dir)), fsync_(fsync) {}

Storage::~Storage() {
  // The DB refers to the filter and cache: close it first.
  db_.reset();
}

leveldb::WriteOptions Storage::WriteOpts() const {
  leveldb::WriteOptions w;
  w.sync = fsync_;
  return w;
}

Result<std::optional<std::string>> Storage::Get(std::string_view key) const {
  std::string value;
  leveldb::ReadOptions ro;
  // Most values are object records with their bodies: caching each block
  // read (and evicting another) cost more than reading it again from the
  // page cache (s3bench GET x64 over 100k keys: 38-39k req/s with the block
  // cache filled, 41k without; one hot key: the same).
  ro.fill_cache = false;
  leveldb::Status s = db_->Get(ro, leveldb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromLevelDb(s);
  return std::optional<std::string>(std::move(value));
}

Status Storage::Put(std::string_view key, std::string_view value) {
  leveldb::Status s = db_->Put(WriteOpts(), leveldb::Slice(key.data(), key.size()),
                               leveldb::Slice(value.data(), value.size()));
  if (!s.ok()) return FromLevelDb(s);
  return Ok();
}

Status Storage::Write(leveldb::WriteBatch& batch) {
  leveldb::Status s = db_->Write(WriteOpts(), &batch);
  if (!s.ok()) return FromLevelDb(s);
  return Ok();
}

Status Storage::Commit(leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                       const std::vector<std::string>& dropped) {
  for (const auto& id : linked) batch.Delete(keys::PendingBlob(id));
  for (const auto& id : dropped) batch.Put(keys::PendingBlob(id), "");
  if (auto st = Write(batch); !st) return st;
  for (const auto& id : dropped) AbortBlob(id);
  return Ok();
}

std::unique_ptr<leveldb::Iterator> Storage::NewIterator() const {
  leveldb::ReadOptions ro;
  // Scans (listings, sweeps) would push the point lookups' blocks out of the
  // block cache; their blocks come from the page cache instead.
  ro.fill_cache = false;
  return std::unique_ptr<leveldb::Iterator>(db_->NewIterator(ro));
}

std::filesystem::path Storage::BlobPath(std::string_view id) const {
  // Two-character fan-out keeps folders small with millions of blobs.
  return blob_dir_ / std::string(id.substr(0, 2)) / std::string(id);
}

Result<BlobWriter> Storage::BeginBlob() {
  std::string id = NewBlobId();
  // The pending record exists before the file, so no crash can leave a file
  // that nothing accounts for.
  if (auto st = Put(keys::PendingBlob(id), ""); !st) return st.error();
  auto path = BlobPath(id);
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    Error e = FromErrno("create blob");
    AbortBlob(id);
    return e;
  }
  return BlobWriter(std::move(id), fd);
}

void Storage::UnlinkBlob(std::string_view id) {
  auto path = BlobPath(id);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    LogLine("warning: cannot unlink blob " + path.string() + ": " + std::strerror(errno));
}

void Storage::AbortBlob(const std::string& id) {
  UnlinkBlob(id);
  db_->Delete(WriteOpts(), keys::PendingBlob(id));
}

Result<int> Storage::OpenBlob(const std::string& id) const {
  int fd = ::open(BlobPath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FromErrno("open blob");
  return fd;
}

void Storage::SweepPendingBlobs() {
  for (const auto& id : ListPendingBlobs()) AbortBlob(id);
}

std::vector<std::string> Storage::ListPendingBlobs() const {
  std::vector<std::string> ids;
  auto it = NewIterator();
  for (it->Seek(std::string(keys::kPendingBlobPrefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(keys::kPendingBlobPrefix)) break;
    ids.emplace_back(k.substr(keys::kPendingBlobPrefix.size()));
  }
  return ids;
}

std::vector<std::string> Storage::ListBlobFiles() const {
  std::vector<std::string> ids;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(blob_dir_, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file()) ids.push_back(it->path().filename().string());
  }
  return ids;
}

}  // namespace awslab::storage
