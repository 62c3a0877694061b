#include "emulator/storage/storage.h"

#include <fcntl.h>
#include <leveldb/cache.h>
#include <leveldb/env.h>
#include <leveldb/filter_policy.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cerrno>
#include <cstring>
#include <thread>

#include "emulator/base/ids.h"
#include "emulator/base/log.h"
#include "emulator/storage/key_schema.h"

namespace awslab::storage {
namespace {

Error StorageFull() {
  // A full disk is the client's to retry later, as S3 answers under pressure.
  return MakeError(ErrorCode::kSlowDown, "Please reduce your request rate. (storage is full)");
}

Error FromLevelDb(const leveldb::Status& s) {
  // LevelDB reports an errno only as its text.
  const std::string text = s.ToString();
  if (s.IsIOError() && (text.find(std::strerror(ENOSPC)) != std::string::npos ||
                        text.find(std::strerror(EDQUOT)) != std::string::npos))
    return StorageFull();
  return MakeError(ErrorCode::kInternalError, "storage: " + text);
}

Error FromErrno(std::string_view what) {
  int err = errno;
  if (err == ENOSPC || err == EDQUOT) return StorageFull();
  return MakeError(ErrorCode::kInternalError,
                   std::string("storage: ") + std::string(what) + ": " + std::strerror(err));
}

constexpr auto kRecoverInterval = std::chrono::milliseconds(200);
constexpr std::uint64_t kWriteBufferSize = 4 << 20;
constexpr std::uint64_t kReopenRoom = 2 * kWriteBufferSize;
constexpr auto kFreeSpaceCacheTime = std::chrono::milliseconds(20);

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

// A file whose first failed write fails every later one. LevelDB's log writer
// carries on after a failed record as if it had been written whole; a record
// written after the torn one could then be dropped with it on recovery, so it
// must not succeed (and be acknowledged) at all.
class LatchedFile final : public leveldb::WritableFile {
 public:
  LatchedFile(leveldb::WritableFile* base, std::atomic<bool>* failed)
      : base_(base), failed_(failed) {}
  leveldb::Status Append(const leveldb::Slice& data) override {
    return Latch(error_.ok() ? base_->Append(data) : error_);
  }
  leveldb::Status Close() override {
    leveldb::Status s = base_->Close();
    return error_.ok() ? s : error_;
  }
  leveldb::Status Flush() override { return Latch(error_.ok() ? base_->Flush() : error_); }
  leveldb::Status Sync() override { return Latch(error_.ok() ? base_->Sync() : error_); }

 private:
  leveldb::Status Latch(leveldb::Status s) {
    if (!s.ok() && error_.ok()) {
      error_ = s;
      failed_->store(true, std::memory_order_release);
    }
    return s;
  }

  std::unique_ptr<leveldb::WritableFile> base_;
  std::atomic<bool>* failed_;
  leveldb::Status error_;
};

std::string Hex16(std::uint64_t n) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
  return buf;
}

std::string PackFileName(std::uint64_t pack) { return Hex16(pack) + ".pack"; }

// A pack is read a body at a time, anywhere in it: readahead would only
// read what the next GET does not want, and its bookkeeping on every read
// of a cached page was 3% of a small GET's server time.
void NoReadahead(int fd) { (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM); }

std::string PackLiveKey(std::uint64_t pack) {
  return std::string(keys::kPackLivePrefix) + Hex16(pack);
}

std::optional<std::uint64_t> ParseHex(std::string_view text) {
  if (text.empty() || text.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, 16);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// Reads exactly `n` bytes at `offset`; a short file is an error.
Status PreadAll(int fd, char* out, std::uint64_t n, std::uint64_t offset) {
  std::uint64_t got = 0;
  while (got < n) {
    ssize_t r = ::pread(fd, out + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return FromErrno("read blob");
    if (r == 0) return MakeError(ErrorCode::kInternalError, "storage: a blob is shorter than its record");
    got += static_cast<std::uint64_t>(r);
  }
  return Ok();
}

// Writes all `n` bytes at `offset`; 0, or the errno of the failure (ENOSPC
// when the file system takes nothing more).
int PwriteAll(int fd, const char* p, std::uint64_t n, std::uint64_t offset) {
  while (n > 0) {
    ssize_t w = ::pwrite(fd, p, n, static_cast<off_t>(offset));
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return errno;
    if (w == 0) return ENOSPC;
    p += w;
    offset += static_cast<std::uint64_t>(w);
    n -= static_cast<std::uint64_t>(w);
  }
  return 0;
}

std::int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// LevelDB's log (NNNNNN.log), written through a shared mapping: LevelDB
// flushes each record with a write() of its own, which cost about a tenth
// of a small PUT's server time; a memcpy into the page cache leaves the
// record as safe from a kill -9 as the write did. The file is grown with
// fallocate a megabyte ahead, so that no byte written is past its end (no
// SIGBUS) and running out of space is an error of Append, before anything
// is copied. After a crash the log ends in zeros, which LevelDB's reader
// skips (log_reader.cc, kZeroType: it was written for LevelDB's own old
// mmap writer); Close gives the unused tail back. Where fallocate or mmap
// is missing, the file is written with pwrite.
class MappedLogFile final : public leveldb::WritableFile {
 public:
  static constexpr std::uint64_t kMapBytes = std::uint64_t{1} << 30;  // address space only
  static constexpr std::uint64_t kGrowBytes = 1 << 20;

  MappedLogFile(std::string name, int fd, char* map)
      : name_(std::move(name)), fd_(fd), map_(map) {}
  ~MappedLogFile() override { (void)Close(); }

  leveldb::Status Append(const leveldb::Slice& data) override {
    const std::uint64_t end = pos_ + data.size();
    if (map_ != nullptr && end <= kMapBytes && end > allocated_) {
      const std::uint64_t grow = std::min(kMapBytes, std::max(end, allocated_ + kGrowBytes));
      int r;
      do {
        r = ::fallocate(fd_, 0, static_cast<off_t>(allocated_),
                        static_cast<off_t>(grow - allocated_));
      } while (r != 0 && errno == EINTR);
      if (r != 0) {
        if (errno != EOPNOTSUPP) return leveldb::Status::IOError(name_, std::strerror(errno));
        Unmap();  // no fallocate here: pwrite from now on
      } else {
        allocated_ = grow;
        // Pages the log has moved past need no place in this process's
        // memory (RSS): their bytes stay in the page cache, dirty or not.
        if (pos_ >= kGrowBytes) {
          const std::uint64_t keep_from = (pos_ / kGrowBytes - 1) * kGrowBytes;
          if (keep_from > released_) {
            (void)::madvise(map_ + released_, keep_from - released_, MADV_DONTNEED);
            released_ = keep_from;
          }
        }
      }
    }
    if (map_ != nullptr && end <= allocated_) {
      std::memcpy(map_ + pos_, data.data(), data.size());
      pos_ = end;
      return leveldb::Status::OK();
    }
    if (int err = PwriteAll(fd_, data.data(), data.size(), pos_); err != 0)
      return leveldb::Status::IOError(name_, std::strerror(err));
    pos_ = end;
    return leveldb::Status::OK();
  }
  // The bytes are in the page cache from Append on.
  leveldb::Status Flush() override { return leveldb::Status::OK(); }
  // fdatasync writes the mapping's dirty pages as any others.
  leveldb::Status Sync() override {
    if (::fdatasync(fd_) != 0) return leveldb::Status::IOError(name_, std::strerror(errno));
    return leveldb::Status::OK();
  }
  leveldb::Status Close() override {
    if (fd_ < 0) return leveldb::Status::OK();
    Unmap();
    leveldb::Status s;
    if (allocated_ > pos_ && ::ftruncate(fd_, static_cast<off_t>(pos_)) != 0)
      s = leveldb::Status::IOError(name_, std::strerror(errno));
    if (::close(fd_) != 0 && s.ok()) s = leveldb::Status::IOError(name_, std::strerror(errno));
    fd_ = -1;
    return s;
  }

 private:
  void Unmap() {
    if (map_ != nullptr) ::munmap(map_, kMapBytes);
    map_ = nullptr;
  }

  std::string name_;
  int fd_;
  char* map_;
  std::uint64_t pos_ = 0;        // bytes appended
  std::uint64_t allocated_ = 0;  // the file's length (fallocated)
  std::uint64_t released_ = 0;   // pages below this were dropped from the mapping
};

}  // namespace

// Wraps every file LevelDB writes in a LatchedFile; a failure also marks the
// storage as failed, so that writes stop before LevelDB reports it.
class Storage::LatchEnv final : public leveldb::EnvWrapper {
 public:
  LatchEnv(leveldb::Env* base, std::atomic<bool>* failed)
      : leveldb::EnvWrapper(base), failed_(failed), real_files_(base == DefaultEnv()) {}
  leveldb::Status NewWritableFile(const std::string& name,
                                  leveldb::WritableFile** result) override {
    // Only over the real file system: an Env of tests (in memory, or one
    // that fills up on cue) keeps its own files.
    if (real_files_ && name.ends_with(".log")) {
      int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd < 0) {
        *result = nullptr;
        return leveldb::Status::IOError(name, std::strerror(errno));
      }
      void* map = ::mmap(nullptr, MappedLogFile::kMapBytes, PROT_READ | PROT_WRITE, MAP_SHARED,
                         fd, 0);
      *result = new MappedLogFile(name, fd, map == MAP_FAILED ? nullptr : static_cast<char*>(map));
      return Wrap(leveldb::Status::OK(), result);
    }
    return Wrap(target()->NewWritableFile(name, result), result);
  }
  leveldb::Status NewAppendableFile(const std::string& name,
                                    leveldb::WritableFile** result) override {
    return Wrap(target()->NewAppendableFile(name, result), result);
  }

 private:
  leveldb::Status Wrap(leveldb::Status s, leveldb::WritableFile** result) {
    if (s.ok()) *result = new LatchedFile(*result, failed_);
    return s;
  }
  std::atomic<bool>* failed_;
  const bool real_files_;
};

std::string PackedId(const PackedRef& ref) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "@%llx.%llx.%llx", static_cast<unsigned long long>(ref.pack),
                static_cast<unsigned long long>(ref.offset),
                static_cast<unsigned long long>(ref.length));
  return buf;
}

std::optional<PackedRef> ParsePackedId(std::string_view id) {
  if (!IsPackedId(id)) return std::nullopt;
  id.remove_prefix(1);
  std::size_t a = id.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  std::size_t b = id.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  auto pack = ParseHex(id.substr(0, a));
  auto offset = ParseHex(id.substr(a + 1, b - a - 1));
  auto length = ParseHex(id.substr(b + 1));
  if (!pack || !offset || !length) return std::nullopt;
  return PackedRef{*pack, *offset, *length};
}

// A pack file and its counts (guarded by Storage::pack_mu_).
struct Storage::Pack {
  int fd = -1;
  std::uint64_t size = 0;     // bytes reserved by appends
  std::int64_t live = 0;      // bytes that records link: its _pack/live record
  std::uint64_t pending = 0;  // appends neither linked nor forgotten yet
  bool full = false;          // takes no more appends
  ~Pack() {
    if (fd >= 0) ::close(fd);
  }
};

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

  std::unique_ptr<Storage> storage(new Storage(options, blob_dir));
  if (auto st = storage->OpenDb(); !st) return st.error();

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
  if (auto st = storage->LoadPacks(); !st) return st.error();
  return storage;
}

Storage::Storage(const StorageOptions& options, std::filesystem::path blob_dir)
    : db_path_(options.data_dir / "metadata"),
      blob_dir_(std::move(blob_dir)),
      pack_dir_(options.data_dir / "packs"),
      fsync_(options.fsync),
      min_free_(options.min_free_bytes),
      free_space_(options.free_space),
      env_(std::make_unique<LatchEnv>(options.env ? options.env : DefaultEnv(), &write_failed_)),
      filter_(leveldb::NewBloomFilterPolicy(10)),
      cache_(leveldb::NewLRUCache(8 << 20)) {}

Storage::~Storage() {
  // The DB refers to the env, filter and cache: close it first.
  std::lock_guard lock(db_mu_);
  db_.reset();
}

Status Storage::OpenDb() {
  leveldb::Options opts;
  opts.create_if_missing = true;
  opts.filter_policy = filter_.get();
  opts.block_cache = cache_.get();
  opts.write_buffer_size = kWriteBufferSize;
  // Most of what LevelDB holds is small object bodies, which compress
  // poorly; snappy costs every write and every block read.
  opts.compression = leveldb::kNoCompression;
  opts.env = env_.get();
  // Each open table costs a descriptor and its index block in memory; the
  // table cache keeps this many.
  opts.max_open_files = 200;
  // A database created by this open may append to the MANIFEST and log it
  // has just made instead of writing new ones: three fdatasyncs fewer before
  // a fresh data dir's first answer (start-up, issue 3). Never on an existing
  // database: recovery must start a new log after one that may end in a torn
  // record, or writes acknowledged after it would be lost
  // (FullDiskTest.ATornLogRecordLosesNothingAcknowledgedAfterIt).
  std::error_code ec;
  opts.reuse_logs = !std::filesystem::exists(db_path_ / "CURRENT", ec) && !ec;
  leveldb::DB* raw = nullptr;
  leveldb::Status s = leveldb::DB::Open(opts, db_path_.string(), &raw);
  if (!s.ok()) return FromLevelDb(s);
  std::lock_guard lock(db_mu_);
  db_.reset(raw);
  return Ok();
}

std::shared_ptr<leveldb::DB> Storage::Db() const {
  {
    std::lock_guard lock(db_mu_);
    if (db_) return db_;
  }
  // Recover() is between databases, or could not open the new one.
  (void)Recover();
  std::lock_guard lock(db_mu_);
  return db_;
}

std::uint64_t Storage::FreeBytes() const {
  if (free_space_) return free_space_();
  const std::int64_t now = SteadyNanos();
  const std::int64_t at = free_cache_at_ns_.load(std::memory_order_acquire);
  if (at != 0 && now - at < std::chrono::nanoseconds(kFreeSpaceCacheTime).count())
    return free_cache_.load(std::memory_order_relaxed);
  struct statvfs st {};
  // Unknown: let the write find out.
  if (::statvfs(blob_dir_.c_str(), &st) != 0) return UINT64_MAX;
  const std::uint64_t free = static_cast<std::uint64_t>(st.f_bavail) * st.f_frsize;
  free_cache_.store(free, std::memory_order_relaxed);
  free_cache_at_ns_.store(now, std::memory_order_release);
  return free;
}

Status Storage::CheckSpace(std::uint64_t incoming, bool body) const {
  return Space(incoming, body ? min_free_ : min_free_ / 4, true);
}

Status Storage::HasSpace(std::uint64_t incoming, bool body) const {
  return Space(incoming, body ? min_free_ : min_free_ / 4, false);
}

Status Storage::HasRoomToCompact(std::uint64_t incoming) const {
  return Space(incoming, min_free_ / 2, false);
}

Status Storage::Space(std::uint64_t incoming, std::uint64_t keep, bool take) const {
  if (min_free_ == 0) return Ok();
  std::uint64_t free = FreeBytes();
  if (free < keep || free - keep < incoming) {
    // Refused only on a fresh reading: a delete may have made room since.
    free_cache_at_ns_.store(0, std::memory_order_release);
    free = FreeBytes();
    if (free < keep || free - keep < incoming) return StorageFull();
  }
  // Until the next reading, count what this write takes (a race between two
  // writers costs at most one write's size, which the reserve covers).
  if (take && !free_space_)
    free_cache_.fetch_sub(std::min(incoming, free), std::memory_order_relaxed);
  return Ok();
}

Status Storage::Recover() const {
  std::unique_lock lock(recover_mu_, std::try_to_lock);
  if (!lock.owns_lock()) return StorageFull();
  {
    std::lock_guard db_lock(db_mu_);
    if (db_ && !write_failed()) return Ok();
  }
  // Opening replays the log into a new table (up to a write buffer): wait
  // for room, or reads would stop too.
  free_cache_at_ns_.store(0, std::memory_order_release);
  if (FreeBytes() < std::max(min_free_, kReopenRoom)) return StorageFull();
  // A reopen that failed is not tried again at once.
  const auto now = std::chrono::steady_clock::now();
  if (now - last_recover_ < kRecoverInterval) return StorageFull();
  last_recover_ = now;

  auto& self = const_cast<Storage&>(*this);
  std::weak_ptr<leveldb::DB> old;
  {
    std::lock_guard db_lock(db_mu_);
    old = self.db_;
    self.db_.reset();
  }
  // Reads and iterators still hold the old database, and with it its LOCK
  // file; they are short.
  for (int i = 0; i < 2000 && !old.expired(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  if (auto still = old.lock()) {
    std::lock_guard db_lock(db_mu_);
    self.db_ = std::move(still);
    return MakeError(ErrorCode::kInternalError, "storage: the database is still in use");
  }
  self.write_failed_.store(false, std::memory_order_release);
  if (auto st = self.OpenDb(); !st) {
    self.write_failed_.store(true, std::memory_order_release);
    LogLine("storage: cannot reopen the database yet: " + std::string(st.error().Message()));
    return st;
  }
  LogLine("storage: reopened the database after a failed write");
  self.SweepPendingBlobs();
  return Ok();
}

leveldb::WriteOptions Storage::WriteOpts() const {
  leveldb::WriteOptions w;
  w.sync = fsync_;
  return w;
}

Result<std::optional<std::string>> Storage::Get(std::string_view key) const {
  auto db = Db();
  if (!db) return StorageFull();
  std::string value;
  leveldb::ReadOptions ro;
  // Most values are object records with their bodies: caching each block
  // read (and evicting another) cost more than reading it again from the
  // page cache (s3bench GET x64 over 100k keys: 38-39k req/s with the block
  // cache filled, 41k without; one hot key: the same).
  ro.fill_cache = false;
  leveldb::Status s = db->Get(ro, leveldb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return FromLevelDb(s);
  return std::optional<std::string>(std::move(value));
}

Status Storage::Put(std::string_view key, std::string_view value) {
  leveldb::WriteBatch batch;
  batch.Put(leveldb::Slice(key.data(), key.size()), leveldb::Slice(value.data(), value.size()));
  return WriteChecked(batch);
}

Status Storage::Write(leveldb::WriteBatch& batch) { return WriteChecked(batch); }

Status Storage::WriteChecked(leveldb::WriteBatch& batch) {
  if (write_failed()) {
    if (auto st = Recover(); !st) return st;
  }
  const std::uint64_t size = batch.ApproximateSize();
  if (auto st = CheckSpace(size, size > kSmallWrite); !st) return st;
  auto db = Db();
  if (!db) return StorageFull();
  leveldb::Status s = db->Write(WriteOpts(), &batch);
  if (!s.ok()) {
    // LevelDB may not know (a failed log write without sync leaves it
    // writable); the latched files make sure.
    write_failed_.store(true, std::memory_order_release);
    LogLine("storage: a write failed, writes stop until the database reopens: " + s.ToString());
    return FromLevelDb(s);
  }
  return Ok();
}

Status Storage::Commit(leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                       const std::vector<std::string>& dropped) {
  bool packed = false;
  for (const auto& id : linked) {
    if (IsPackedId(id)) packed = true;
    else batch.Delete(keys::PendingBlob(id));
  }
  for (const auto& id : dropped) {
    if (IsPackedId(id)) packed = true;
    else batch.Put(keys::PendingBlob(id), "");
  }
  if (auto st = packed ? CommitPacked(batch, linked, dropped) : Write(batch); !st) return st;
  for (const auto& id : dropped)
    if (!IsPackedId(id)) AbortBlob(id);
  return Ok();
}

Status Storage::CommitPacked(leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                             const std::vector<std::string>& dropped) {
  // The _pack/live records hold absolute counts: one such commit at a time.
  std::lock_guard commit(commit_mu_);
  std::map<std::uint64_t, std::int64_t> delta;
  std::vector<std::uint64_t> linked_packs;
  for (const auto& id : linked) {
    if (auto ref = ParsePackedId(id)) {
      delta[ref->pack] += static_cast<std::int64_t>(ref->length);
      linked_packs.push_back(ref->pack);
    }
  }
  for (const auto& id : dropped)
    if (auto ref = ParsePackedId(id)) delta[ref->pack] -= static_cast<std::int64_t>(ref->length);
  {
    std::shared_lock lock(pack_mu_);
    for (const auto& [pack, change] : delta) {
      auto it = packs_.find(pack);
      const std::int64_t now = it == packs_.end() ? 0 : it->second->live;
      batch.Put(PackLiveKey(pack), std::to_string(std::max<std::int64_t>(0, now + change)));
    }
  }
  if (auto st = Write(batch); !st) return st;
  std::lock_guard lock(pack_mu_);
  for (const auto& [pack, change] : delta) {
    auto it = packs_.find(pack);
    if (it != packs_.end()) it->second->live = std::max<std::int64_t>(0, it->second->live + change);
  }
  for (std::uint64_t pack : linked_packs) {
    auto it = packs_.find(pack);
    if (it != packs_.end() && it->second->pending > 0) --it->second->pending;
  }
  for (const auto& [pack, change] : delta) MaybeRemovePack(pack);
  return Ok();
}

bool Storage::MaybeRemovePack(std::uint64_t number) {
  auto it = packs_.find(number);
  if (it == packs_.end()) return false;
  const Pack& pack = *it->second;
  // The current pack too, once emptied: the next append starts a new one.
  if (pack.live > 0 || pack.pending > 0) return false;
  if (!pack.full && number != active_pack_) return false;
  if (number == active_pack_) active_pack_ = 0;
  packs_.erase(it);  // closes the descriptor; open readers hold their own
  const auto path = pack_dir_ / PackFileName(number);
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    LogLine("warning: cannot unlink pack " + path.string() + ": " + std::strerror(errno));
  // Unchecked, as AbortBlob: a record left behind says 0 of a pack that is
  // gone, which the next Open() clears.
  if (!write_failed()) {
    if (auto db = Db(); db && !db->Delete(WriteOpts(), PackLiveKey(number)).ok())
      write_failed_.store(true, std::memory_order_release);
  }
  return true;
}

Result<std::string> Storage::AppendPacked(std::string_view body, bool reclaim) {
  // A move by compaction may use half the reserve: a delete, which needs
  // three quarters of it left, still goes through meanwhile.
  if (auto st = Space(body.size(), reclaim ? min_free_ / 2 : min_free_, true); !st)
    return st.error();
  PackedRef ref;
  int fd = -1;
  {
    std::lock_guard lock(pack_mu_);
    Pack* pack = active_pack_ ? packs_.at(active_pack_).get() : nullptr;
    if (!pack || (pack->size > 0 && pack->size + body.size() > kPackBytes)) {
      if (pack) {
        pack->full = true;
        MaybeRemovePack(active_pack_);
        active_pack_ = 0;
      }
      const std::uint64_t number = next_pack_;
      // The number is taken before the file exists: none is ever reused.
      if (auto st = Put(keys::kPackNext, std::to_string(number + 1)); !st) return st.error();
      next_pack_ = number + 1;
      std::error_code ec;
      std::filesystem::create_directories(pack_dir_, ec);
      const auto path = pack_dir_ / PackFileName(number);
      int created = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
      if (created < 0) return FromErrno("create pack");
      NoReadahead(created);
      if (fsync_) {
        // The new name must survive a crash of the machine too.
        int dir = ::open(pack_dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir >= 0) {
          ::fsync(dir);
          ::close(dir);
        }
      }
      auto fresh = std::make_unique<Pack>();
      fresh->fd = created;
      pack = fresh.get();
      packs_.emplace(number, std::move(fresh));
      active_pack_ = number;
    }
    ref = {active_pack_, pack->size, body.size()};
    pack->size += body.size();
    ++pack->pending;
    fd = pack->fd;
  }
  // Outside the lock: a pack with an append pending stays open.
  std::string id = PackedId(ref);
  if (int err = PwriteAll(fd, body.data(), body.size(), ref.offset); err != 0) {
    errno = err;
    Error e = FromErrno("write pack");  // ENOSPC: StorageFull
    ForgetPacked(id);
    return e;
  }
  if (fsync_ && ::fdatasync(fd) != 0) {
    Error e = FromErrno("fsync pack");
    ForgetPacked(id);
    return e;
  }
  return id;
}

void Storage::ForgetPacked(const std::string& id) {
  auto ref = ParsePackedId(id);
  if (!ref) return;
  std::lock_guard lock(pack_mu_);
  auto it = packs_.find(ref->pack);
  if (it == packs_.end()) return;
  if (it->second->pending > 0) --it->second->pending;
  MaybeRemovePack(ref->pack);
}

Status Storage::LoadPacks() {
  std::map<std::uint64_t, std::int64_t> live;
  {
    auto it = NewIterator();
    const std::string prefix(keys::kPackLivePrefix);
    for (it->Seek(prefix); it->Valid(); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      if (!k.starts_with(prefix)) break;
      auto number = ParseHex(k.substr(prefix.size()));
      std::int64_t bytes = 0;
      std::string_view v(it->value().data(), it->value().size());
      std::from_chars(v.data(), v.data() + v.size(), bytes);
      if (number) live[*number] = bytes;
    }
    if (!it->status().ok()) return FromLevelDb(it->status());
  }
  std::uint64_t next = 1;
  auto saved = Get(keys::kPackNext);
  if (!saved) return saved.error();
  if (*saved) std::from_chars((*saved)->data(), (*saved)->data() + (*saved)->size(), next);
  std::error_code ec;
  std::vector<std::uint64_t> unlinked;
  for (auto it = std::filesystem::directory_iterator(pack_dir_, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(".pack")) continue;
    auto number = ParseHex(std::string_view(name).substr(0, name.size() - 5));
    if (!number) continue;
    next = std::max(next, *number + 1);
    auto found = live.find(*number);
    if (found == live.end() || found->second <= 0) {
      // Nothing links it: appends a crash kept from their commits, or a
      // pack whose unlink a crash interrupted.
      if (::unlink(it->path().c_str()) != 0)
        LogLine("warning: cannot unlink pack " + it->path().string() + ": " + std::strerror(errno));
      continue;
    }
    int fd = ::open(it->path().c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FromErrno("open pack");
    NoReadahead(fd);
    struct stat st {};
    ::fstat(fd, &st);
    auto pack = std::make_unique<Pack>();
    pack->fd = fd;
    pack->size = static_cast<std::uint64_t>(st.st_size);
    pack->live = found->second;
    pack->full = true;  // never appended to again: its end may be torn
    packs_.emplace(*number, std::move(pack));
  }
  for (const auto& [number, bytes] : live) {
    if (packs_.contains(number)) continue;
    if (bytes > 0)
      LogLine("warning: pack " + PackFileName(number) + " is missing; " + std::to_string(bytes) +
              " bytes of bodies that records link are lost");
    else
      if (auto db = Db()) (void)db->Delete(WriteOpts(), PackLiveKey(number));
  }
  next_pack_ = next;
  return Ok();
}

std::vector<Storage::PackInfo> Storage::SparsePacks(std::uint64_t min_reclaim) {
  std::lock_guard lock(pack_mu_);
  // Short of space, any pack that compaction would shrink is worth it, the
  // current one as well: it takes no more appends.
  if (min_free_ > 0 && FreeBytes() < 2 * min_free_) {
    min_reclaim = 0;
    if (active_pack_ != 0) {
      const Pack& current = *packs_.at(active_pack_);
      if (static_cast<std::uint64_t>(current.live) * 2 < current.size) {
        packs_.at(active_pack_)->full = true;
        active_pack_ = 0;
      }
    }
  }
  std::vector<PackInfo> out;
  std::uint64_t reclaim = 0;
  for (const auto& [number, pack] : packs_) {
    const auto live = static_cast<std::uint64_t>(pack->live);
    if (!pack->full || live * 2 >= pack->size) continue;
    out.push_back({number, pack->size, pack->live});
    reclaim += pack->size - live;
  }
  if (reclaim < min_reclaim) out.clear();
  return out;
}

std::vector<Storage::PackInfo> Storage::ListPacks() const {
  std::shared_lock lock(pack_mu_);
  std::vector<PackInfo> out;
  for (const auto& [number, pack] : packs_) out.push_back({number, pack->size, pack->live});
  return out;
}

std::unique_ptr<leveldb::Iterator> Storage::NewIterator() const {
  auto db = Db();
  if (!db) return std::unique_ptr<leveldb::Iterator>(leveldb::NewErrorIterator(
             leveldb::Status::IOError("storage", "the database is reopening")));
  leveldb::ReadOptions ro;
  // Scans (listings, sweeps) would push the point lookups' blocks out of the
  // block cache; their blocks come from the page cache instead.
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator(ro));
  // The iterator keeps its database open (Recover() waits for it).
  it->RegisterCleanup(
      [](void* arg, void*) { delete static_cast<std::shared_ptr<leveldb::DB>*>(arg); },
      new std::shared_ptr<leveldb::DB>(std::move(db)), nullptr);
  return it;
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
  // Unchecked: freeing space must work on a full disk, and a p/ record left
  // behind only names a file that is gone (the next Open() clears it).
  if (write_failed()) return;
  if (auto db = Db()) {
    if (!db->Delete(WriteOpts(), keys::PendingBlob(id)).ok())
      write_failed_.store(true, std::memory_order_release);
  }
}

Result<OpenedBlob> Storage::OpenBlob(const std::string& id) const {
  if (IsPackedId(id)) {
    auto ref = ParsePackedId(id);
    if (!ref) return MakeError(ErrorCode::kInternalError, "storage: a bad packed blob id");
    std::shared_lock lock(pack_mu_);
    auto it = packs_.find(ref->pack);
    errno = ENOENT;
    int fd = it == packs_.end() ? -1 : ::fcntl(it->second->fd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return FromErrno("open pack");
    return OpenedBlob{fd, ref->offset};
  }
  int fd = ::open(BlobPath(id).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return FromErrno("open blob");
  return OpenedBlob{fd, 0};
}

Status Storage::ReadBlob(const std::string& id, std::uint64_t offset, std::uint64_t n,
                         char* out) const {
  if (IsPackedId(id)) {
    auto ref = ParsePackedId(id);
    if (!ref || offset > ref->length || n > ref->length - offset)
      return MakeError(ErrorCode::kInternalError, "storage: a read past a packed body");
    // Shared: the pack's descriptor is closed only under the exclusive lock.
    std::shared_lock lock(pack_mu_);
    auto it = packs_.find(ref->pack);
    if (it == packs_.end()) {
      errno = ENOENT;
      return FromErrno("open pack");
    }
    return PreadAll(it->second->fd, out, n, ref->offset + offset);
  }
  auto opened = OpenBlob(id);
  if (!opened) return opened.error();
  Status st = PreadAll(opened->fd, out, n, offset);
  ::close(opened->fd);
  return st;
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
