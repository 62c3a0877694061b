// The process run (processes.h).
//
// The pipe protocol, from a worker to the parent, in the machine's byte
// order (both ends are the same binary):
//   'U' index:u64 words:u64 records:u64 missing:u64 bytes:u64   a unit counted
//   'W' length:u32 bytes count:u64                              a word of its table
//   'E' status:i32 code message request_id (each length:u32 bytes) its error
//   'D'                                                         it finished
#include "client/wordcount/processes.h"

#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <optional>

namespace awslab::wordcount {
namespace {

struct SharedQueue {
  std::atomic<std::uint64_t> next{0};
  std::atomic<int> stop{0};
};
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

class PipeWriter {
 public:
  explicit PipeWriter(int fd) : fd_(fd) {}
  ~PipeWriter() { Flush(); }

  template <class T>
  void Put(const T& value) {
    buffer_.append(reinterpret_cast<const char*>(&value), sizeof value);
  }
  void PutString(std::string_view s) {
    Put(static_cast<std::uint32_t>(s.size()));
    buffer_.append(s);
  }
  void Tag(char c) { buffer_.push_back(c); }
  void MaybeFlush() {
    if (buffer_.size() >= (64 << 10)) Flush();
  }
  void Flush() {
    const char* p = buffer_.data();
    std::size_t n = buffer_.size();
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        ::_exit(3);  // the parent is gone
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    buffer_.clear();
  }

 private:
  int fd_;
  std::string buffer_;
};

class PipeReader {
 public:
  explicit PipeReader(std::string_view data) : data_(data) {}
  bool Done() const { return data_.empty(); }
  template <class T>
  bool Get(T& value) {
    if (data_.size() < sizeof value) return false;
    std::memcpy(&value, data_.data(), sizeof value);
    data_.remove_prefix(sizeof value);
    return true;
  }
  bool GetString(std::string& s) {
    std::uint32_t n;
    if (!Get(n) || data_.size() < n) return false;
    s.assign(data_.data(), n);
    data_.remove_prefix(n);
    return true;
  }

 private:
  std::string_view data_;
};

[[noreturn]] void WorkerMain(int fd, SharedQueue* queue, const client::Config& config,
                             const JobOptions& options, const std::vector<CorpusObject>& objects,
                             const std::vector<Unit>& plan) {
  PipeWriter out(fd);
  auto fail = [&](const Error& e) {
    queue->stop.store(1);
    out.Tag('E');
    out.Put(static_cast<std::int32_t>(e.http_status));
    out.PutString(e.code);
    out.PutString(e.message);
    out.PutString(e.request_id);
    out.Flush();
    ::_exit(1);
  };
  auto s3 = client::S3Client::Create(config);
  if (!s3) fail(s3.error());
  WordTable table;
  WordTable* tabled = options.top > 0 ? &table : nullptr;
  while (queue->stop.load() == 0) {
    const std::uint64_t i = queue->next.fetch_add(1);
    if (i >= plan.size()) break;
    UnitCount count;
    auto status = CountUnit(*s3, options, objects[plan[i].object], plan[i], count, tabled);
    if (!status) fail(status.error());
    out.Tag('U');
    out.Put(i);
    out.Put(count.words);
    out.Put(count.records);
    out.Put(count.missing);
    out.Put(count.bytes);
    out.MaybeFlush();
  }
  for (const auto& [word, n] : table) {
    out.Tag('W');
    out.PutString(word);
    out.Put(n);
    out.MaybeFlush();
  }
  out.Tag('D');
  out.Flush();
  ::_exit(0);
}

// Reads one worker's whole output into the tally. False when it is cut
// short (the worker died); `error` gets a worker's reported error.
bool ReadWorker(std::string_view data, Tally& tally, std::optional<Error>& error) {
  PipeReader in(data);
  while (!in.Done()) {
    char tag;
    if (!in.Get(tag)) return false;
    switch (tag) {
      case 'U': {
        std::uint64_t i;
        UnitCount c;
        if (!in.Get(i) || !in.Get(c.words) || !in.Get(c.records) || !in.Get(c.missing) ||
            !in.Get(c.bytes) || i >= tally.units.size()) {
          return false;
        }
        tally.units[i] = c;
        break;
      }
      case 'W': {
        std::string word;
        std::uint64_t n;
        if (!in.GetString(word) || !in.Get(n)) return false;
        tally.table[std::move(word)] += n;
        break;
      }
      case 'E': {
        std::int32_t status;
        Error e;
        if (!in.Get(status) || !in.GetString(e.code) || !in.GetString(e.message) ||
            !in.GetString(e.request_id)) {
          return false;
        }
        e.http_status = status;
        if (!error) error = std::move(e);
        return true;
      }
      case 'D':
        return in.Done();
      default:
        return false;
    }
  }
  return false;  // no 'D'
}

}  // namespace

Result<Tally> RunProcesses(const client::Config& config, const JobOptions& options,
                           const std::vector<CorpusObject>& objects,
                           const std::vector<Unit>& plan, int workers,
                           const std::atomic<bool>* cancel) {
  workers = std::max(1, workers);
  void* mem = ::mmap(nullptr, sizeof(SharedQueue), PROT_READ | PROT_WRITE,
                     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) {
    return client::MakeError(client::codes::kIo, std::string("mmap: ") + std::strerror(errno));
  }
  auto* queue = new (mem) SharedQueue();
  struct Worker {
    pid_t pid = -1;
    int fd = -1;
    std::string data;
    bool open = false;
  };
  std::vector<Worker> pool(static_cast<std::size_t>(workers));
  std::optional<Error> error;
  for (Worker& w : pool) {
    int fds[2];
    if (::pipe(fds) != 0) {
      error = client::MakeError(client::codes::kIo, std::string("pipe: ") + std::strerror(errno));
      break;
    }
    const pid_t pid = ::fork();
    if (pid < 0) {
      error = client::MakeError(client::codes::kIo, std::string("fork: ") + std::strerror(errno));
      ::close(fds[0]);
      ::close(fds[1]);
      break;
    }
    if (pid == 0) {
      ::signal(SIGINT, SIG_DFL);  // Ctrl-C ends a worker at once; the parent reports it
      ::close(fds[0]);
      for (Worker& other : pool) {
        if (other.fd >= 0) ::close(other.fd);
      }
      WorkerMain(fds[1], queue, config, options, objects, plan);
    }
    ::close(fds[1]);
    w.pid = pid;
    w.fd = fds[0];
    w.open = true;
  }
  if (error) queue->stop.store(1);

  // Read every pipe as it fills (a worker blocks on a full pipe).
  bool cancelled = false;
  char buffer[64 << 10];
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Worker*> owners;
    for (Worker& w : pool) {
      if (!w.open) continue;
      fds.push_back({w.fd, POLLIN, 0});
      owners.push_back(&w);
    }
    if (fds.empty()) break;
    const int ready = ::poll(fds.data(), fds.size(), 100);
    if (cancel && cancel->load() && !cancelled) {
      cancelled = true;
      queue->stop.store(1);
    }
    if (ready <= 0) continue;
    for (std::size_t i = 0; i < fds.size(); ++i) {
      if (fds[i].revents == 0) continue;
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        owners[i]->data.append(buffer, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EINTR) {
        ::close(owners[i]->fd);
        owners[i]->open = false;
      }
    }
  }

  Tally tally;
  tally.units.resize(plan.size());
  for (std::size_t k = 0; k < pool.size(); ++k) {
    Worker& w = pool[k];
    if (w.pid < 0) continue;
    int status = 0;
    while (::waitpid(w.pid, &status, 0) < 0 && errno == EINTR) {
    }
    const bool complete = ReadWorker(w.data, tally, error);
    if (!complete && !error && !cancelled) {
      std::string why = WIFSIGNALED(status)
                            ? "was killed by signal " + std::to_string(WTERMSIG(status))
                            : "exited with status " + std::to_string(WEXITSTATUS(status));
      error = client::MakeError(client::codes::kIo,
                                "worker process " + std::to_string(k + 1) + " " + why +
                                    " before it finished");
    }
  }
  queue->~SharedQueue();
  ::munmap(mem, sizeof(SharedQueue));
  if (cancelled || (cancel && cancel->load())) {
    return client::MakeError(client::codes::kCancelled, "cancelled");
  }
  if (error) return *error;
  return tally;
}

}  // namespace awslab::wordcount
