// TransferManager: multipart uploads and ranged downloads with worker
// threads. Each transfer starts its own workers (at most `concurrency`) and
// joins them before it returns; a failure stops the workers taking new parts
// and is the transfer's result (the first error wins).
//
// Retries happen per part inside Caller::Send: a file part is a FileSource
// range (rewound), a stream's part is a buffer behind a StringSource, and a
// download part's sink starts over at the part's offset (Reset).
#include "client/include/awslab/transfer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "client/include/awslab/crypto.h"

namespace awslab::client {

namespace {

constexpr std::uint64_t kMinPartSize = 5 * kMiB;
constexpr std::uint64_t kMaxPartSize = 5ULL * 1024 * kMiB;
constexpr std::uint64_t kMaxParts = 10'000;

// Progress of one transfer: callbacks are serialized by the mutex.
class Progress {
 public:
  Progress(const ProgressCallback& callback, std::int64_t total)
      : callback_(callback), total_(total) {}
  void Add(std::int64_t delta) {
    if (!callback_) return;
    std::lock_guard lock(mu_);
    done_ += delta;
    if (done_ < 0) done_ = 0;
    callback_(static_cast<std::uint64_t>(done_), total_);
  }
  void SetTotal(std::int64_t total) {
    std::lock_guard lock(mu_);
    total_ = total;
  }

 private:
  const ProgressCallback& callback_;
  std::mutex mu_;
  std::int64_t done_ = 0;
  std::int64_t total_;
};

// The first error of a transfer, or its cancellation; workers stop when
// either happens.
class FirstError {
 public:
  explicit FirstError(const std::atomic<bool>* cancel) : cancel_(cancel) {}
  void Set(Error e) {
    std::lock_guard lock(mu_);
    if (!error_) error_ = std::move(e);
    failed_.store(true);
  }
  bool cancelled() const { return cancel_ && cancel_->load(); }
  bool failed() const { return failed_.load() || cancelled(); }
  // A cancellation wins over the errors it caused (an interrupted read).
  Error Take() {
    std::lock_guard lock(mu_);
    if (cancelled()) return MakeError(codes::kCancelled, "the transfer was cancelled");
    return *error_;
  }
  // error.Wait(cv, lock, pred), also waking every 50 ms to notice a cancellation.
  template <class Pred>
  void Wait(std::condition_variable& cv, std::unique_lock<std::mutex>& lock, Pred pred) const {
    while (!pred()) cv.wait_for(lock, std::chrono::milliseconds(50));
  }

 private:
  const std::atomic<bool>* cancel_;
  std::mutex mu_;
  std::optional<Error> error_;
  std::atomic<bool> failed_{false};
};

// Runs fn(index) for index 0..count-1 on up to `concurrency` threads;
// stops handing out indexes after an error.
void RunParallel(std::uint64_t count, int concurrency, FirstError& error,
                 const std::function<Status(std::uint64_t)>& fn) {
  std::atomic<std::uint64_t> next{0};
  auto worker = [&] {
    while (!error.failed()) {
      std::uint64_t i = next.fetch_add(1);
      if (i >= count) return;
      if (auto st = fn(i); !st) error.Set(st.error());
    }
  };
  int threads = static_cast<int>(std::min<std::uint64_t>(count, std::max(1, concurrency)));
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& t : pool) t.join();
}

// Writes a download part at its offset of the file; Reset goes back to the
// part's start (and takes its bytes off the progress).
class PwriteSink : public BodySink {
 public:
  PwriteSink(int fd, std::uint64_t offset, Progress& progress)
      : fd_(fd), offset_(offset), progress_(progress) {}
  Status Write(std::string_view chunk) override {
    while (!chunk.empty()) {
      ssize_t n = ::pwrite(fd_, chunk.data(), chunk.size(), static_cast<off_t>(offset_ + written_));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return MakeError(codes::kIo, std::string("write: ") + std::strerror(errno));
      written_ += static_cast<std::uint64_t>(n);
      progress_.Add(n);
      chunk.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
  }
  bool Reset() override {
    progress_.Add(-static_cast<std::int64_t>(written_));
    written_ = 0;
    return true;
  }
  std::uint64_t written() const { return written_; }

 private:
  int fd_;
  std::uint64_t offset_;
  Progress& progress_;
  std::uint64_t written_ = 0;
};

// Collects a part in memory (stream downloads).
class BufferSink : public BodySink {
 public:
  BufferSink(std::string& buffer, Progress& progress) : buffer_(buffer), progress_(progress) {}
  Status Write(std::string_view chunk) override {
    buffer_.append(chunk);
    progress_.Add(static_cast<std::int64_t>(chunk.size()));
    return {};
  }
  bool Reset() override {
    progress_.Add(-static_cast<std::int64_t>(buffer_.size()));
    buffer_.clear();
    return true;
  }

 private:
  std::string& buffer_;
  Progress& progress_;
};

// Frees a string's buffer now. (Assigning an empty string would not:
// libstdc++ keeps the capacity when the source is a short string.)
void Release(std::string& s) { std::string().swap(s); }

// Reads up to n bytes (fewer only at the end of the stream).
Result<std::size_t> ReadFull(std::FILE* in, char* buf, std::size_t n) {
  std::size_t got = 0;
  while (got < n) {
    std::size_t k = std::fread(buf + got, 1, n - got, in);
    if (k == 0) {
      if (std::ferror(in)) return MakeError(codes::kIo, "reading the stream failed");
      break;
    }
    got += k;
  }
  return got;
}

std::string TempNameFor(const std::string& path) {
  unsigned char r[6];
  crypto::RandomBytes(r, sizeof r);
  return path + ".awslab-" + crypto::Hex(r, sizeof r);
}

// A temporary file beside the target; removed unless Commit() renamed it.
class TempFile {
 public:
  static Result<std::unique_ptr<TempFile>> Create(const std::string& target) {
    for (int i = 0; i < 5; ++i) {
      std::string name = TempNameFor(target);
      int fd = ::open(name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
      if (fd >= 0) return std::unique_ptr<TempFile>(new TempFile(fd, name, target));
      if (errno != EEXIST) return MakeError(codes::kIo, name + ": " + std::strerror(errno));
    }
    return MakeError(codes::kIo, "cannot create a temporary file beside " + target);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(name_.c_str());
  }
  int fd() const { return fd_; }
  Status Commit() {
    if (::close(fd_) != 0) {
      fd_ = -1;
      return MakeError(codes::kIo, name_ + ": " + std::strerror(errno));
    }
    fd_ = -1;
    if (::rename(name_.c_str(), target_.c_str()) != 0)
      return MakeError(codes::kIo, "rename to " + target_ + ": " + std::strerror(errno));
    committed_ = true;
    return {};
  }

 private:
  TempFile(int fd, std::string name, std::string target)
      : fd_(fd), name_(std::move(name)), target_(std::move(target)) {}
  int fd_;
  std::string name_, target_;
  bool committed_ = false;
};

// Checks that a ranged GET brought the bytes asked for.
Status CheckPart(const s3::ObjectInfo& info, std::uint64_t written, std::uint64_t want) {
  if (written != want)
    return MakeError(codes::kBadResponse, "a ranged GET brought " + std::to_string(written) +
                                              " bytes instead of " + std::to_string(want));
  return {};
}

std::string RangeHeader(std::uint64_t first, std::uint64_t length) {
  return "bytes=" + std::to_string(first) + "-" + std::to_string(first + length - 1);
}

}  // namespace

TransferManager::TransferManager(S3Client client, TransferOptions options)
    : client_(std::move(client)), options_(options) {
  if (options_.part_size == 0) options_.part_size = 8 * kMiB;
  if (options_.concurrency < 1) options_.concurrency = 1;
}

std::uint64_t TransferManager::PartSizeFor(std::uint64_t size) const {
  std::uint64_t part = std::clamp(options_.part_size, kMinPartSize, kMaxPartSize);
  while (part * kMaxParts < size && part < kMaxPartSize) part = std::min(part * 2, kMaxPartSize);
  return part;
}

// ---- uploads ----

Result<UploadResult> TransferManager::UploadFile(const std::string& path, const std::string& bucket,
                                                 const std::string& key,
                                                 const s3::PutObjectOptions& put,
                                                 const ProgressCallback& callback) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return MakeError(codes::kIo, path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return MakeError(codes::kIo, path + ": not a regular file");
  std::uint64_t size = static_cast<std::uint64_t>(st.st_size);
  Progress progress(callback, static_cast<std::int64_t>(size));
  UploadResult result;
  result.size = size;

  if (size < options_.multipart_threshold) {
    auto source = FileSource::Open(path);
    if (!source) return source.error();
    s3::PutObjectOptions o = put;
    o.content_md5 = true;
    auto r = client_.PutObject(bucket, key, **source, o);
    if (!r) return r.error();
    result.etag = r->etag;
    progress.Add(static_cast<std::int64_t>(size));
    return result;
  }

  std::uint64_t part_size = PartSizeFor(size);
  std::uint64_t count = (size + part_size - 1) / part_size;
  if (count > kMaxParts) return MakeError(codes::kInvalidArgument, "the file is too large for S3");
  auto upload_id = client_.CreateMultipartUpload(bucket, key, put);
  if (!upload_id) return upload_id.error();
  std::vector<s3::CompletedPart> parts(count);
  FirstError error(options_.cancel);
  RunParallel(count, options_.concurrency, error, [&](std::uint64_t i) -> Status {
    std::uint64_t offset = i * part_size;
    std::uint64_t length = std::min(part_size, size - offset);
    auto source = FileSource::Open(path, offset, length);
    if (!source) return source.error();
    if ((*source)->size() != length) return MakeError(codes::kIo, path + ": the file shrank");
    int number = static_cast<int>(i + 1);
    auto etag = client_.UploadPart(bucket, key, *upload_id, number, **source);
    if (!etag) return etag.error();
    parts[i] = {number, *etag};
    progress.Add(static_cast<std::int64_t>(length));
    return {};
  });
  if (error.failed()) {
    (void)client_.AbortMultipartUpload(bucket, key, *upload_id);
    return error.Take();
  }
  auto done = client_.CompleteMultipartUpload(bucket, key, *upload_id, parts);
  if (!done) {
    (void)client_.AbortMultipartUpload(bucket, key, *upload_id);
    return done.error();
  }
  result.etag = done->etag;
  result.parts = static_cast<int>(count);
  return result;
}

Result<UploadResult> TransferManager::UploadStream(std::FILE* in, const std::string& bucket,
                                                   const std::string& key,
                                                   const s3::PutObjectOptions& put,
                                                   const ProgressCallback& callback) {
  Progress progress(callback, -1);
  UploadResult result;
  // The first read decides: everything under the threshold is one PUT.
  std::uint64_t threshold = std::max<std::uint64_t>(options_.multipart_threshold, 1);
  std::string first(static_cast<std::size_t>(threshold), '\0');
  auto got = ReadFull(in, first.data(), first.size());
  if (!got) return got.error();
  first.resize(*got);
  if (*got < threshold) {
    progress.SetTotal(static_cast<std::int64_t>(*got));
    s3::PutObjectOptions o = put;
    o.content_md5 = true;
    auto r = client_.PutObject(bucket, key, std::string_view(first), o);
    if (!r) return r.error();
    result.etag = r->etag;
    result.size = *got;
    progress.Add(static_cast<std::int64_t>(*got));
    return result;
  }

  // Multipart: the calling thread reads parts; workers upload them. At most
  // `concurrency` parts are in memory (queued or being sent).
  std::uint64_t part_size = std::clamp(options_.part_size, kMinPartSize, kMaxPartSize);
  auto upload_id = client_.CreateMultipartUpload(bucket, key, put);
  if (!upload_id) return upload_id.error();

  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<int, std::string>> queue;
  int in_memory = 0;  // parts read and not yet uploaded
  bool finished_reading = false;
  std::map<int, std::string> etags;
  FirstError error(options_.cancel);

  auto worker = [&] {
    while (true) {
      std::pair<int, std::string> part;
      {
        std::unique_lock lock(mu);
        error.Wait(cv, lock, [&] { return !queue.empty() || finished_reading || error.failed(); });
        if (error.failed() || queue.empty()) return;
        part = std::move(queue.front());
        queue.pop_front();
      }
      std::size_t part_bytes = part.second.size();
      Result<std::string> etag = MakeError(codes::kIo, "not sent");
      {
        StringSource source(part.second);
        etag = client_.UploadPart(bucket, key, *upload_id, part.first, source);
      }
      Release(part.second);  // freed before its slot is given back
      std::lock_guard lock(mu);
      if (etag) {
        etags[part.first] = *etag;
        progress.Add(static_cast<std::int64_t>(part_bytes));
      } else {
        error.Set(etag.error());
      }
      --in_memory;
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < options_.concurrency; ++t) pool.emplace_back(worker);

  // The bytes already read are cut into parts first. A part's slot is taken
  // before it is read, so at most `concurrency` parts are ever in memory.
  std::string carry = std::move(first);
  std::uint64_t total = 0;
  int number = 0;
  bool eof = false;
  std::optional<Error> read_error;
  while (true) {
    {
      std::unique_lock lock(mu);
      error.Wait(cv, lock, [&] { return in_memory < options_.concurrency || error.failed(); });
      if (error.failed()) break;
      ++in_memory;
    }
    std::string part;
    if (carry.size() > part_size) {
      part = carry.substr(0, static_cast<std::size_t>(part_size));
      carry.erase(0, static_cast<std::size_t>(part_size));
    } else if (carry.size() == part_size) {
      part = std::move(carry);  // no copy: the first read was exactly one part
      Release(carry);
    } else {
      part = std::move(carry);
      Release(carry);
      if (!eof) {
        std::size_t have = part.size();
        part.resize(static_cast<std::size_t>(part_size));
        auto n = ReadFull(in, part.data() + have, part.size() - have);
        if (!n) read_error = n.error();
        part.resize(have + (n ? *n : 0));
        if (part.size() < part_size) eof = true;
      }
    }
    if (!read_error && !part.empty() && static_cast<std::uint64_t>(number) >= kMaxParts)
      read_error = MakeError(codes::kInvalidArgument,
                             "the stream needs more than 10,000 parts; raise the part size");
    std::lock_guard lock(mu);
    if (read_error || part.empty()) {
      --in_memory;
      break;
    }
    total += part.size();
    queue.emplace_back(++number, std::move(part));
    cv.notify_all();
    if (eof && carry.empty()) break;
  }
  if (read_error) error.Set(*read_error);
  {
    std::lock_guard lock(mu);
    finished_reading = true;
    cv.notify_all();
  }
  for (std::thread& t : pool) t.join();
  if (error.failed()) {
    (void)client_.AbortMultipartUpload(bucket, key, *upload_id);
    return error.Take();
  }
  progress.SetTotal(static_cast<std::int64_t>(total));
  std::vector<s3::CompletedPart> parts;
  for (auto& [n, etag] : etags) parts.push_back({n, etag});
  auto done = client_.CompleteMultipartUpload(bucket, key, *upload_id, parts);
  if (!done) {
    (void)client_.AbortMultipartUpload(bucket, key, *upload_id);
    return done.error();
  }
  progress.Add(0);
  result.etag = done->etag;
  result.size = total;
  result.parts = number;
  return result;
}

// ---- downloads ----

Result<DownloadResult> TransferManager::DownloadFile(const std::string& bucket,
                                                     const std::string& key,
                                                     const std::string& path,
                                                     const ProgressCallback& callback) {
  auto head = client_.HeadObject(bucket, key);
  if (!head) return head.error();
  std::uint64_t size = head->content_length;
  Progress progress(callback, static_cast<std::int64_t>(size));
  auto temp = TempFile::Create(path);
  if (!temp) return temp.error();
  DownloadResult result;
  result.etag = head->etag;
  result.info = *head;

  s3::GetObjectOptions get;
  get.if_match = head->etag;
  if (size < options_.multipart_threshold) {
    PwriteSink sink((*temp)->fd(), 0, progress);
    auto r = client_.GetObject(bucket, key, sink, get);
    if (!r) return r.error();
    if (auto st = CheckPart(*r, sink.written(), r->content_length); !st) return st.error();
    result.size = sink.written();
    result.info = *r;
  } else {
    std::uint64_t part_size = options_.part_size;
    std::uint64_t count = (size + part_size - 1) / part_size;
    if (::ftruncate((*temp)->fd(), static_cast<off_t>(size)) != 0)
      return MakeError(codes::kIo, path + ": " + std::strerror(errno));
    FirstError error(options_.cancel);
    RunParallel(count, options_.concurrency, error, [&](std::uint64_t i) -> Status {
      std::uint64_t offset = i * part_size;
      std::uint64_t length = std::min(part_size, size - offset);
      s3::GetObjectOptions o = get;
      o.range = RangeHeader(offset, length);
      PwriteSink sink((*temp)->fd(), offset, progress);
      auto r = client_.GetObject(bucket, key, sink, o);
      if (!r) return r.error();
      return CheckPart(*r, sink.written(), length);
    });
    if (error.failed()) return error.Take();
    result.size = size;
    result.parts = static_cast<int>(count);
  }
  if (auto st = (*temp)->Commit(); !st) return st.error();
  return result;
}

Result<DownloadResult> TransferManager::DownloadStream(const std::string& bucket,
                                                       const std::string& key, std::FILE* out,
                                                       const ProgressCallback& callback) {
  auto head = client_.HeadObject(bucket, key);
  if (!head) return head.error();
  std::uint64_t size = head->content_length;
  Progress progress(callback, static_cast<std::int64_t>(size));
  DownloadResult result;
  result.etag = head->etag;
  result.info = *head;
  s3::GetObjectOptions get;
  get.if_match = head->etag;

  auto write = [out](const std::string& data) -> Status {
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), out) != data.size())
      return MakeError(codes::kIo, std::string("write: ") + std::strerror(errno));
    return {};
  };

  if (size < options_.multipart_threshold) {
    std::string buffer;
    BufferSink sink(buffer, progress);
    auto r = client_.GetObject(bucket, key, sink, get);
    if (!r) return r.error();
    if (auto st = CheckPart(*r, buffer.size(), r->content_length); !st) return st.error();
    if (auto st = write(buffer); !st) return st.error();
    if (std::fflush(out) != 0) return MakeError(codes::kIo, "flush failed");
    result.size = buffer.size();
    result.info = *r;
    return result;
  }

  // Workers fetch parts into memory no further than `concurrency` parts
  // ahead of the part being written; the calling thread writes in order.
  std::uint64_t part_size = options_.part_size;
  std::uint64_t count = (size + part_size - 1) / part_size;
  std::mutex mu;
  std::condition_variable cv;
  std::uint64_t next_fetch = 0, next_write = 0;
  std::map<std::uint64_t, std::string> ready;
  FirstError error(options_.cancel);
  std::uint64_t window = static_cast<std::uint64_t>(options_.concurrency);

  auto worker = [&] {
    while (true) {
      std::uint64_t i;
      {
        std::unique_lock lock(mu);
        error.Wait(cv, lock, [&] {
          return error.failed() || next_fetch >= count || next_fetch < next_write + window;
        });
        if (error.failed() || next_fetch >= count) return;
        i = next_fetch++;
      }
      std::uint64_t offset = i * part_size;
      std::uint64_t length = std::min(part_size, size - offset);
      std::string buffer;
      buffer.reserve(static_cast<std::size_t>(length));
      BufferSink sink(buffer, progress);
      s3::GetObjectOptions o = get;
      o.range = RangeHeader(offset, length);
      auto r = client_.GetObject(bucket, key, sink, o);
      Status st = r ? CheckPart(*r, buffer.size(), length) : Status(r.error());
      std::lock_guard lock(mu);
      if (!st) error.Set(st.error());
      else ready.emplace(i, std::move(buffer));
      cv.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (std::uint64_t t = 0; t < std::min<std::uint64_t>(window, count); ++t) pool.emplace_back(worker);
  while (next_write < count) {
    std::string data;
    {
      std::unique_lock lock(mu);
      error.Wait(cv, lock, [&] { return error.failed() || ready.contains(next_write); });
      if (error.failed()) break;
      data = std::move(ready[next_write]);
      ready.erase(next_write);
    }
    Status st = write(data);
    Release(data);  // freed before the window moves on
    if (!st) {
      error.Set(st.error());
      cv.notify_all();
      break;
    }
    std::lock_guard lock(mu);
    ++next_write;
    cv.notify_all();
  }
  {
    std::lock_guard lock(mu);
    cv.notify_all();
  }
  for (std::thread& t : pool) t.join();
  if (std::fflush(out) != 0 && !error.failed()) error.Set(MakeError(codes::kIo, "flush failed"));
  if (error.failed()) return error.Take();
  result.size = size;
  result.parts = static_cast<int>(count);
  return result;
}

}  // namespace awslab::client
