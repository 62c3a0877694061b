// s3bench: measures an S3 endpoint and prints a report (a table on stdout,
// and JSON with --json FILE). See bench/README.md.
//
// Against any endpoint it measures small-object PUT/GET rates and latencies
// and big-object throughput. Given --server PATH it starts that server itself
// (fresh temporary data directory, --port 0 --port-file F --quiet --data-dir D)
// and then also measures the start-up time to the first answered request and
// the server's memory (VmRSS/VmHWM from /proc/PID/status).
//
// The load generator is one io_context on --client-threads threads (1 by
// default) with one coroutine per connection; the process's own CPU time is
// reported for every phase so a reader can tell whether the generator was the
// bottleneck.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <cstdarg>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kVersion = "s3bench/0.1";

constexpr std::string_view kUsage = R"(usage: s3bench [flags]

Measures an S3 endpoint: small-object PUT/GET rates and latencies, big-object
throughput and, when it starts the server itself (--server), the server's
start-up time and memory.

Endpoint (any S3 endpoint; http only, path-style addressing):
  --endpoint URL          default http://127.0.0.1:4566
  --access-key KEY        default test
  --secret-key SECRET     default test
  --region NAME           default us-east-1
  --bucket NAME           bucket to use (default: a new s3bench-<random>)
  --keep                  do not delete the objects and bucket afterwards

Server started by s3bench (enables the start-up and idle phases):
  --server PATH           server binary, run as PATH --port 0 --port-file F
                          --quiet --data-dir D [ARG...] (fresh temp dir each time)
  --server-arg ARG        one more argument for the server (repeatable)
  --work-dir DIR          where temp data dirs go (default $TMPDIR or /tmp)

What to run:
  --phases LIST           comma-separated: startup,idle,small,big (default all;
                          startup and idle need --server)
  --startup-runs N        start-up repetitions (default 10)
  --settle SECONDS        idle wait before each idle RSS reading (default 1)
  --duration SECONDS      length of each small PUT/GET run (default 5)
  --concurrency LIST      connection counts for the small runs (default 1,16,64)
  --object-size BYTES     small object size (default 4096, 16..1048576)
  --big-size BYTES        big object size (default 1073741824; K/M/G suffixes)
  --client-threads N      threads of the load generator's io_context (1 or 2; default 1)

Output:
  --json FILE             also write the results as JSON
  --help                  this text
)";

// ---------------------------------------------------------------- utilities

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Round(double v, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == s.npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

std::optional<std::uint64_t> ParseSize(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p == s.data()) return std::nullopt;
  std::string_view suffix(p, s.data() + s.size() - p);
  std::uint64_t mult = 1;
  if (suffix.empty()) mult = 1;
  else if (suffix == "K" || suffix == "k" || suffix == "KiB") mult = 1ull << 10;
  else if (suffix == "M" || suffix == "m" || suffix == "MiB") mult = 1ull << 20;
  else if (suffix == "G" || suffix == "g" || suffix == "GiB") mult = 1ull << 30;
  else return std::nullopt;
  return v * mult;
}

std::optional<double> ParseDouble(std::string_view s) {
  try {
    std::size_t used = 0;
    double v = std::stod(std::string(s), &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::string Iso8601Now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string RandomHex(std::size_t bytes) {
  std::string raw(bytes, '\0');
  awslab::crypto::RandomBytes(raw.data(), raw.size());
  return awslab::crypto::Hex(raw.data(), raw.size());
}

double ClientCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

// The sum of utime and stime of a process, or -1.
double ProcessCpuSeconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string all((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::size_t paren = all.rfind(')');
  if (paren == all.npos) return -1;
  std::istringstream rest(all.substr(paren + 2));
  std::vector<std::string> fields;
  for (std::string w; rest >> w;) fields.push_back(w);
  // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
  if (fields.size() < 13) return -1;
  double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

// CPU seconds the whole machine spent busy (all cores; /proc/stat), or -1.
// Busy minus the bench's and the server's own time is what other processes
// took: a run with a lot of it was disturbed.
double MachineBusySeconds() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
  if (!(f >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu")
    return -1;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

struct ProcStatus {
  long rss_kb = -1;       // VmRSS
  long hwm_kb = -1;       // VmHWM: peak VmRSS since start (or since ResetPeakRss)
  long rss_anon_kb = -1;  // RssAnon: heap, stacks: the process's own memory
  long rss_file_kb = -1;  // RssFile: mapped files (binary, libraries, mmapped data files)
  long threads = -1;
};

ProcStatus ReadProcStatus(pid_t pid) {
  ProcStatus st;
  if (pid <= 0) return st;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    auto value = [&](std::string_view name) -> std::optional<long> {
      if (!std::string_view(line).starts_with(name)) return std::nullopt;
      return std::strtol(line.c_str() + name.size(), nullptr, 10);
    };
    if (auto v = value("VmRSS:")) st.rss_kb = *v;
    else if (auto v2 = value("VmHWM:")) st.hwm_kb = *v2;
    else if (auto v3 = value("Threads:")) st.threads = *v3;
    else if (auto v4 = value("RssAnon:")) st.rss_anon_kb = *v4;
    else if (auto v5 = value("RssFile:")) st.rss_file_kb = *v5;
  }
  return st;
}

// Resets VmHWM to the current RSS (Linux >= 4.0); false when not allowed.
bool ResetPeakRss(pid_t pid) {
  std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

// Samples the VmRSS of a process every 10 ms on its own thread, keeping the max.
class RssSampler {
 public:
  void Start(pid_t pid) {
    pid_ = pid;
    max_kb_ = -1;
    max_anon_kb_ = -1;
    samples_ = 0;
    stop_ = false;
    thread_ = std::thread([this] {
      auto next = Clock::now();
      while (!stop_.load()) {
        Sample();
        next += 10ms;
        std::this_thread::sleep_until(next);
      }
    });
  }
  void Stop() {
    if (!thread_.joinable()) return;
    stop_ = true;
    thread_.join();
    Sample();  // one last sample
  }
  long max_kb() const { return max_kb_; }
  long max_anon_kb() const { return max_anon_kb_; }
  long samples() const { return samples_; }

 private:
  void Sample() {
    ProcStatus st = ReadProcStatus(pid_);
    max_kb_ = std::max(max_kb_, st.rss_kb);
    max_anon_kb_ = std::max(max_anon_kb_, st.rss_anon_kb);
    ++samples_;
  }
  pid_t pid_ = -1;
  std::atomic<bool> stop_{false};
  long max_kb_ = -1;
  long max_anon_kb_ = -1;
  long samples_ = 0;
  std::thread thread_;
};

// A deterministic byte stream: byte i of an object is Pattern[i % kPeriod].
// The buffer holds one period plus a window, so any piece of up to kWindow
// bytes is contiguous: big bodies stream from here without being held whole.
class Pattern {
 public:
  static constexpr std::size_t kPeriod = (1u << 20) + 4093;  // not a power of two
  static constexpr std::size_t kWindow = 1u << 20;

  Pattern() : bytes_(kPeriod + kWindow) {
    std::uint64_t state = 0x5eedb0a710ull;
    for (std::size_t i = 0; i < kPeriod; i += 8) {
      state += 0x9e3779b97f4a7c15ull;  // splitmix64
      std::uint64_t z = state;
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      std::memcpy(&bytes_[i], &z, std::min<std::size_t>(8, kPeriod - i));
    }
    std::memcpy(&bytes_[kPeriod], &bytes_[0], kWindow);
  }
  // The next kWindow bytes of the stream from `offset`.
  const char* At(std::uint64_t offset) const { return bytes_.data() + offset % kPeriod; }
  bool Matches(std::uint64_t offset, const char* data, std::size_t n) const {
    while (n > 0) {
      std::size_t k = std::min(n, kWindow);
      if (std::memcmp(data, At(offset), k) != 0) return false;
      data += k;
      n -= k;
      offset += k;
    }
    return true;
  }

 private:
  std::vector<char> bytes_;
};

// --------------------------------------------------------------- options

struct Options {
  std::string endpoint = "http://127.0.0.1:4566";
  bool endpoint_given = false;
  std::string access_key = "test";
  std::string secret_key = "test";
  std::string region = "us-east-1";
  std::string bucket;
  bool keep = false;
  std::string server;
  std::vector<std::string> server_args;
  std::string work_dir;
  std::set<std::string> phases = {"startup", "idle", "small", "big"};
  int startup_runs = 10;
  double settle = 1.0;
  double duration = 5.0;
  std::vector<int> concurrency = {1, 16, 64};
  std::size_t object_size = 4096;
  std::uint64_t big_size = 1ull << 30;
  int client_threads = 1;
  std::string json_path;
  std::string command_line;
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "s3bench: %s (see --help)\n", message.c_str());
  return 2;
}

std::optional<int> ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 0; i < argc; ++i) {
    if (i) o.command_line += ' ';
    std::string a = argv[i];
    bool plain = !a.empty() && a.find_first_of(" \t'\"$\\") == a.npos;
    o.command_line += plain ? a : "'" + a + "'";
  }
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view name = arg;
    std::string value;
    bool has_inline = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != arg.npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
      has_inline = true;
    }
    auto next = [&]() -> bool {
      if (has_inline) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto need = [&](const char* what) -> std::optional<int> {
      return Usage(std::string(name) + " needs " + what);
    };
    if (name == "--help" || name == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    } else if (name == "--endpoint") {
      if (!next()) return need("a URL");
      o.endpoint = value;
      o.endpoint_given = true;
    } else if (name == "--access-key") {
      if (!next()) return need("a value");
      o.access_key = value;
    } else if (name == "--secret-key") {
      if (!next()) return need("a value");
      o.secret_key = value;
    } else if (name == "--region") {
      if (!next()) return need("a value");
      o.region = value;
    } else if (name == "--bucket") {
      if (!next()) return need("a value");
      o.bucket = value;
    } else if (name == "--keep") {
      o.keep = true;
    } else if (name == "--server") {
      if (!next()) return need("a path");
      o.server = value;
    } else if (name == "--server-arg") {
      if (!next()) return need("a value");
      o.server_args.push_back(value);
    } else if (name == "--work-dir") {
      if (!next()) return need("a directory");
      o.work_dir = value;
    } else if (name == "--phases") {
      if (!next()) return need("a list");
      o.phases.clear();
      for (auto& p : SplitComma(value)) {
        if (p != "startup" && p != "idle" && p != "small" && p != "big")
          return Usage("unknown phase " + p);
        o.phases.insert(p);
      }
    } else if (name == "--startup-runs") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 1 || *v > 1000) return need("a number from 1 to 1000");
      o.startup_runs = static_cast<int>(*v);
    } else if (name == "--settle" || name == "--duration") {
      auto v = next() ? ParseDouble(value) : std::nullopt;
      if (!v || *v < 0 || *v > 3600) return need("seconds");
      (name == "--settle" ? o.settle : o.duration) = *v;
    } else if (name == "--concurrency") {
      if (!next()) return need("a list");
      o.concurrency.clear();
      for (auto& c : SplitComma(value)) {
        auto v = ParseSize(c);
        if (!v || *v < 1 || *v > 4096) return need("numbers from 1 to 4096");
        o.concurrency.push_back(static_cast<int>(*v));
      }
    } else if (name == "--object-size") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 16 || *v > Pattern::kWindow) return need("a size from 16 to 1048576");
      o.object_size = *v;
    } else if (name == "--big-size") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 1) return need("a size");
      o.big_size = *v;
    } else if (name == "--client-threads") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 1 || *v > 2) return need("1 or 2");
      o.client_threads = static_cast<int>(*v);
    } else if (name == "--json") {
      if (!next()) return need("a file");
      o.json_path = value;
    } else {
      return Usage("unknown flag " + std::string(arg));
    }
  }
  if (!o.server.empty() && o.endpoint_given)
    return Usage("--endpoint and --server exclude each other");
  if (o.work_dir.empty()) {
    const char* t = std::getenv("TMPDIR");
    o.work_dir = t && *t ? t : "/tmp";
  }
  return std::nullopt;
}

// ---------------------------------------------------------------- endpoint

struct Endpoint {
  std::string host;         // "127.0.0.1", "::1", "s3.example"
  std::string port;         // "4566"
  std::string host_header;  // as in the URL: "127.0.0.1:4566"
  std::string url;
};

std::optional<Endpoint> ParseEndpoint(std::string_view url, std::string& err) {
  Endpoint e;
  e.url = std::string(url);
  if (url.starts_with("https://")) {
    err = "https endpoints are not supported (use http://)";
    return std::nullopt;
  }
  if (!url.starts_with("http://")) {
    err = "the endpoint must start with http://";
    return std::nullopt;
  }
  url.remove_prefix(7);
  if (auto slash = url.find('/'); slash != url.npos) {
    if (url.substr(slash) != "/") {
      err = "the endpoint must not have a path";
      return std::nullopt;
    }
    url = url.substr(0, slash);
  }
  e.host_header = std::string(url);
  if (url.starts_with("[")) {
    auto close = url.find(']');
    if (close == url.npos) {
      err = "bad IPv6 address in the endpoint";
      return std::nullopt;
    }
    e.host = std::string(url.substr(1, close - 1));
    std::string_view rest = url.substr(close + 1);
    e.port = rest.starts_with(":") ? std::string(rest.substr(1)) : "80";
  } else if (auto colon = url.rfind(':'); colon != url.npos) {
    e.host = std::string(url.substr(0, colon));
    e.port = std::string(url.substr(colon + 1));
  } else {
    e.host = std::string(url);
    e.port = "80";
  }
  if (e.host.empty() || e.port.empty()) {
    err = "bad endpoint " + e.url;
    return std::nullopt;
  }
  return e;
}

// ----------------------------------------------------------------- signer

// Builds the head (request line and headers) of a request signed with SigV4,
// as the AWS CLI sends it: path-style, x-amz-content-sha256 with the payload's
// hash (or UNSIGNED-PAYLOAD), signed Host and Content-Length.
class Signer {
 public:
  Signer(awslab::sigv4::Credentials creds, std::string region, std::string host)
      : creds_(std::move(creds)), region_(std::move(region)), host_(std::move(host)) {}

  std::string Head(std::string_view method, const std::string& path,
                   std::string_view payload_hash, std::optional<std::uint64_t> content_length,
                   std::string_view query = {}) const {
    awslab::sigv4::HttpRequest req;
    req.method = std::string(method);
    req.path = path;
    req.query = std::string(query);
    req.headers.reserve(8);
    req.headers.push_back({"Host", host_});
    if (content_length) req.headers.push_back({"Content-Length", std::to_string(*content_length)});
    req.headers.push_back({"User-Agent", std::string(kVersion)});
    awslab::sigv4::SignOptions o;
    o.time = std::chrono::system_clock::now();
    o.region = region_;
    o.service = "s3";
    o.normalize_path = false;
    o.payload_hash = std::string(payload_hash);
    o.add_content_sha256_header = true;
    awslab::sigv4::SignRequest(req, creds_, o);
    std::string out;
    out.reserve(640);
    out.append(method).append(" ").append(path);
    if (!query.empty()) out.append("?").append(query);
    out.append(" HTTP/1.1\r\n");
    for (const auto& h : req.headers) out.append(h.name).append(": ").append(h.value).append("\r\n");
    out.append("\r\n");
    return out;
  }

 private:
  awslab::sigv4::Credentials creds_;
  std::string region_;
  std::string host_;
};

// ------------------------------------------------------------ server process

struct ServerProcess {
  pid_t pid = -1;
  std::string dir;  // temp dir: data/, port, server.log
  std::string data_dir;
  std::string port_file;
  std::string log_file;
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  Clock::time_point forked;
  double listening_ms = -1;  // when the port file appeared
  double first_response_ms = -1;
  int exit_status = -1;      // raw waitpid status once reaped
  double stop_ms = -1;
};

// The address the server listens on, from its arguments (default loopback).
std::string ServerHost(const std::vector<std::string>& args) {
  std::string host = "127.0.0.1";
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--host" && i + 1 < args.size()) host = args[i + 1];
    else if (args[i].starts_with("--host=")) host = args[i].substr(7);
  }
  if (host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::" || host == "[::]") host = "::1";
  if (host == "localhost") host = "127.0.0.1";
  return host;
}

bool StartServer(const Options& o, ServerProcess& sp, std::string& err) {
  std::string tmpl = o.work_dir + "/s3bench-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    err = "mkdtemp in " + o.work_dir + ": " + std::strerror(errno);
    return false;
  }
  sp.dir = tmpl;
  sp.data_dir = sp.dir + "/data";
  sp.port_file = sp.dir + "/port";
  sp.log_file = sp.dir + "/server.log";
  sp.host = ServerHost(o.server_args);
  ::mkdir(sp.data_dir.c_str(), 0700);

  std::vector<std::string> args = {o.server,       "--port",   "0",
                                   "--port-file",  sp.port_file, "--quiet",
                                   "--data-dir",   sp.data_dir};
  args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  int log_fd = ::open(sp.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    err = "cannot open " + sp.log_file;
    return false;
  }
  const pid_t parent = ::getpid();
  sp.forked = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the bench
    if (::getppid() != parent) ::_exit(1);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) {
    err = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  sp.pid = pid;
  return true;
}

// True once the process has exited (and reaps it).
bool Reaped(ServerProcess& sp) {
  if (sp.pid <= 0) return true;
  if (sp.exit_status != -1) return true;
  int status = 0;
  pid_t r = ::waitpid(sp.pid, &status, WNOHANG);
  if (r == sp.pid) {
    sp.exit_status = status;
    return true;
  }
  return false;
}

std::string DescribeExit(int status) {
  if (status == -1) return "running";
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// One attempt: connect, send GET /, wait for a whole response. 1: answered;
// 0: not yet (refused, reset or closed early).
int TryFirstRequest(const std::string& host, std::uint16_t port, Clock::time_point deadline) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (host.find(':') != host.npos) {
    auto* a6 = reinterpret_cast<sockaddr_in6*>(&ss);
    a6->sin6_family = family = AF_INET6;
    a6->sin6_port = htons(port);
    if (::inet_pton(AF_INET6, host.c_str(), &a6->sin6_addr) != 1) return 0;
    len = sizeof(sockaddr_in6);
  } else {
    auto* a4 = reinterpret_cast<sockaddr_in*>(&ss);
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    if (::inet_pton(AF_INET, host.c_str(), &a4->sin_addr) != 1) return 0;
    len = sizeof(sockaddr_in);
  }
  int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  if (::connect(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) return 0;
  std::string req = "GET / HTTP/1.1\r\nHost: " +
                    (family == AF_INET6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
                    "\r\nUser-Agent: " + std::string(kVersion) + "\r\nConnection: close\r\n\r\n";
  for (std::size_t sent = 0; sent < req.size();) {
    ssize_t n = ::send(fd, req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    sent += n;
  }
  std::string in;
  char buf[4096];
  std::optional<std::size_t> body_start, content_length;
  while (true) {
    int wait_ms = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count());
    if (wait_ms <= 0) return 0;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, wait_ms) <= 0) continue;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // Closed: complete when the headers came and the body is delimited by the close.
      return body_start && !content_length && in.starts_with("HTTP/1.") ? 1 : 0;
    }
    in.append(buf, n);
    if (!body_start) {
      auto end = in.find("\r\n\r\n");
      if (end == in.npos) continue;
      body_start = end + 4;
      std::string lower = in.substr(0, end);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (auto cl = lower.find("\r\ncontent-length:"); cl != lower.npos)
        content_length = std::strtoull(lower.c_str() + cl + 17, nullptr, 10);
      if (!in.starts_with("HTTP/1.")) return 0;
    }
    if (content_length && in.size() - *body_start >= *content_length) return 1;
  }
}

// Polls every 1 ms until the first complete HTTP response; fills
// listening_ms and first_response_ms (from fork).
bool WaitForFirstResponse(ServerProcess& sp, std::chrono::seconds timeout, std::string& err) {
  const auto deadline = sp.forked + timeout;
  auto next = Clock::now();
  while (true) {
    if (Reaped(sp)) {
      err = "the server exited (" + DescribeExit(sp.exit_status) + ") before answering; log:\n" +
            ReadFile(sp.log_file);
      return false;
    }
    if (Clock::now() >= deadline) {
      err = "no answer from the server within " + std::to_string(timeout.count()) + " s";
      return false;
    }
    if (sp.port == 0) {
      std::string text = ReadFile(sp.port_file);  // written whole by rename()
      unsigned long port = std::strtoul(text.c_str(), nullptr, 10);
      if (!text.empty() && port > 0 && port < 65536) {
        sp.port = static_cast<std::uint16_t>(port);
        sp.listening_ms = Millis(Clock::now() - sp.forked);
      }
    }
    if (sp.port != 0 && TryFirstRequest(sp.host, sp.port, deadline) == 1) {
      sp.first_response_ms = Millis(Clock::now() - sp.forked);
      return true;
    }
    next += 1ms;
    auto now = Clock::now();
    if (next < now) next = now;  // an attempt took longer than 1 ms: no burst of catch-up tries
    std::this_thread::sleep_until(next);
  }
}

// SIGTERM, then SIGKILL after 20 s. Removes the temp dir unless keep_dir.
void StopServer(ServerProcess& sp, bool keep_dir = false) {
  if (sp.pid > 0 && !Reaped(sp)) {
    auto t0 = Clock::now();
    ::kill(sp.pid, SIGTERM);
    while (!Reaped(sp)) {
      if (Clock::now() - t0 > 20s) {
        ::kill(sp.pid, SIGKILL);
        int status = 0;
        ::waitpid(sp.pid, &status, 0);
        sp.exit_status = status;
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
    sp.stop_ms = Millis(Clock::now() - t0);
  }
  if (!keep_dir && !sp.dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(sp.dir, ec);
  }
}

// --------------------------------------------------------------- the client

struct Env {
  const Options* options = nullptr;
  Endpoint endpoint;
  tcp::endpoint address;
  std::unique_ptr<Signer> signer;
  std::string bucket;
  Pattern pattern;
  mutable std::atomic<std::uint64_t> next_id{0};  // small object ids, unique over the run
  pid_t server_pid = -1;                   // -1: not ours
};

std::string SmallKey(std::uint64_t id) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "s3bench/obj-%010llu", static_cast<unsigned long long>(id));
  return buf;
}

std::string ObjectPath(const Env& env, const std::string& key) {
  return "/" + env.bucket + "/" + key;
}

// The body of small object `id`: a slice of the pattern, the id in front.
void FillSmallBody(const Env& env, std::uint64_t id, std::string& out) {
  out.assign(env.pattern.At(id * 977), env.options->object_size);
  std::memcpy(out.data(), &id, sizeof id);
}

// One request on a fresh connection, synchronously (set-up and clean-up).
struct SimpleResponse {
  int status = 0;
  std::string body;
  std::string error;  // transport error
};

SimpleResponse Simple(const Env& env, std::string_view method, const std::string& path,
                      const std::string& body = {}, std::string_view query = {}) {
  SimpleResponse out;
  asio::io_context ioc;
  beast::tcp_stream stream(ioc);
  std::string head =
      env.signer->Head(method, path, awslab::crypto::Sha256Hex(body),
                       body.empty() && method != "PUT" ? std::nullopt
                                                       : std::optional<std::uint64_t>(body.size()),
                       query);
  boost::system::error_code ec;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        stream.expires_after(30s);
        auto [cec] = co_await stream.async_connect(env.address, kTok);
        if (cec) {
          out.error = "connect: " + cec.message();
          co_return;
        }
        std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
        auto [wec, wn] = co_await asio::async_write(stream, bufs, kTok);
        if (wec) {
          out.error = "write: " + wec.message();
          co_return;
        }
        beast::flat_buffer buf;
        http::response_parser<http::string_body> parser;
        parser.body_limit(16 << 20);
        auto [rec, rn] = co_await http::async_read(stream, buf, parser, kTok);
        if (rec) {
          out.error = "read: " + rec.message();
          co_return;
        }
        out.status = parser.get().result_int();
        out.body = parser.get().body();
      },
      asio::detached);
  ioc.run();
  return out;
}

// ----------------------------------------------------------- small objects

enum class Op { kPut, kGet, kDelete };
const char* OpName(Op op) { return op == Op::kPut ? "PUT" : op == Op::kGet ? "GET" : "DELETE"; }

struct LoadSpec {
  Op op = Op::kPut;
  int connections = 1;
  double duration = 0;  // 0: until the keys run out (GET/DELETE)
  const std::vector<std::uint64_t>* keys = nullptr;  // GET, DELETE
};

struct LoadResult {
  Op op = Op::kPut;
  int connections = 0;
  double seconds = 0;
  std::uint64_t requests = 0;  // answered
  std::uint64_t ok = 0;        // 2xx (and a correct body for GET)
  std::uint64_t http_errors = 0;
  std::uint64_t io_errors = 0;
  std::uint64_t bad_bodies = 0;
  double rps = 0, p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0, mean_ms = 0;
  double client_cpu_s = 0, server_cpu_s = -1;
  double other_cpu_s = -1;  // CPU time of every other process on the machine
  long server_rss_after_kb = -1;
  double max_gap_ms = 0;  // longest time without any answer (from the start)
  std::vector<std::uint64_t> timeline_100ms;  // answers per 100 ms
  std::map<int, std::uint64_t> statuses;
  std::string first_error;
  std::vector<std::uint64_t> written;  // PUT: ids stored
};

struct Conn {
  explicit Conn(asio::io_context& ioc) : stream(asio::make_strand(ioc)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::vector<std::uint64_t> latencies_ns;
  std::vector<std::uint64_t> done_ns;  // when each answer completed, from the start
  std::vector<std::uint64_t> written;
  std::uint64_t ok = 0, http_errors = 0, io_errors = 0, bad_bodies = 0;
  std::map<int, std::uint64_t> statuses;
  std::string first_error;
  Clock::time_point finished;
};

struct LoadShared {
  const Env* env = nullptr;
  LoadSpec spec;
  Clock::time_point start;
  Clock::time_point deadline;
  std::atomic<std::uint64_t> next{0};
};

void NoteError(Conn& c, std::string what) {
  if (c.first_error.empty()) c.first_error = std::move(what);
}

asio::awaitable<void> Worker(LoadShared& sh, Conn& c) {
  const Env& env = *sh.env;
  const std::size_t size = env.options->object_size;
  std::string body, expected;
  body.reserve(size);
  try {
    while (true) {
      if (sh.spec.duration > 0 && Clock::now() >= sh.deadline) break;
      std::uint64_t id = 0;
      if (sh.spec.op == Op::kPut) {
        id = env.next_id.fetch_add(1);
      } else {
        std::uint64_t i = sh.next.fetch_add(1);
        const auto& keys = *sh.spec.keys;
        if (sh.spec.duration <= 0 && i >= keys.size()) break;
        id = keys[i % keys.size()];
      }
      const std::string path = ObjectPath(env, SmallKey(id));
      std::string head;
      body.clear();
      if (sh.spec.op == Op::kPut) {
        FillSmallBody(env, id, body);
        // The real SHA-256 of the payload, as the AWS CLI signs a PUT.
        head = env.signer->Head("PUT", path, awslab::crypto::Sha256Hex(body), body.size());
      } else {
        head = env.signer->Head(OpName(sh.spec.op), path, awslab::sigv4::kEmptySha256,
                                std::nullopt);
      }

      if (!c.stream.socket().is_open()) {
        c.buffer.clear();
        c.stream.expires_after(10s);
        auto [cec] = co_await c.stream.async_connect(env.address, kTok);
        if (cec) {
          ++c.io_errors;
          NoteError(c, "connect: " + cec.message());
          c.stream.close();
          asio::steady_timer t(c.stream.get_executor(), 10ms);
          co_await t.async_wait(kTok);
          continue;
        }
        c.stream.socket().set_option(tcp::no_delay(true), cec);
      }

      const auto t0 = Clock::now();
      c.stream.expires_after(30s);
      std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
      auto [wec, wn] = co_await asio::async_write(c.stream, bufs, kTok);
      if (wec) {
        ++c.io_errors;
        NoteError(c, "write: " + wec.message());
        c.stream.close();
        continue;
      }
      http::response_parser<http::string_body> parser;
      parser.body_limit(size + (1 << 20));
      auto [rec, rn] = co_await http::async_read(c.stream, c.buffer, parser, kTok);
      if (rec) {
        ++c.io_errors;
        NoteError(c, "read: " + rec.message());
        c.stream.close();
        continue;
      }
      const auto t1 = Clock::now();
      c.latencies_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
      c.done_ns.push_back(
          std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - sh.start).count());
      auto& res = parser.get();
      const int status = res.result_int();
      ++c.statuses[status];
      if (status / 100 != 2) {
        ++c.http_errors;
        NoteError(c, std::string(OpName(sh.spec.op)) + " " + path + ": " +
                         std::to_string(status) + " " + res.body().substr(0, 300));
      } else if (sh.spec.op == Op::kGet) {
        FillSmallBody(env, id, expected);
        if (res.body() != expected) {
          ++c.bad_bodies;
          NoteError(c, "GET " + path + ": body differs from what was PUT (" +
                           std::to_string(res.body().size()) + " bytes)");
        } else {
          ++c.ok;
        }
      } else {
        ++c.ok;
        if (sh.spec.op == Op::kPut) c.written.push_back(id);
      }
      if (!res.keep_alive()) c.stream.close();
    }
  } catch (const std::exception& e) {
    ++c.io_errors;
    NoteError(c, std::string("exception: ") + e.what());
  }
  c.finished = Clock::now();
}

double Percentile(const std::vector<std::uint64_t>& sorted_ns, double p) {
  if (sorted_ns.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(std::ceil(p * sorted_ns.size()));
  rank = std::clamp<std::size_t>(rank, 1, sorted_ns.size());
  return sorted_ns[rank - 1] / 1e6;
}

std::optional<LoadResult> RunLoad(const Env& env, const LoadSpec& spec, std::string& err) {
  LoadResult r;
  r.op = spec.op;
  r.connections = spec.connections;
  asio::io_context ioc(env.options->client_threads);
  std::vector<std::unique_ptr<Conn>> conns;
  // Connected before the clock starts: the runs measure requests, not handshakes.
  for (int i = 0; i < spec.connections; ++i) {
    conns.push_back(std::make_unique<Conn>(ioc));
    boost::system::error_code ec;
    conns.back()->stream.socket().connect(env.address, ec);
    if (!ec) conns.back()->stream.socket().set_option(tcp::no_delay(true), ec);
    if (ec) {
      err = "connect to " + env.endpoint.url + ": " + ec.message();
      return std::nullopt;
    }
  }
  LoadShared sh;
  sh.env = &env;
  sh.spec = spec;
  const double cpu0 = ClientCpuSeconds();
  const double scpu0 = ProcessCpuSeconds(env.server_pid);
  const double busy0 = MachineBusySeconds();
  const auto start = Clock::now();
  sh.start = start;
  sh.deadline = start + std::chrono::duration_cast<Clock::duration>(
                            std::chrono::duration<double>(spec.duration));
  for (auto& c : conns)
    asio::co_spawn(c->stream.get_executor(), Worker(sh, *c), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < env.options->client_threads; ++i) threads.emplace_back([&] { ioc.run(); });
  ioc.run();
  for (auto& t : threads) t.join();
  auto end = start;
  for (auto& c : conns) end = std::max(end, c->finished);
  r.client_cpu_s = ClientCpuSeconds() - cpu0;
  if (scpu0 >= 0) {
    double scpu1 = ProcessCpuSeconds(env.server_pid);
    if (scpu1 >= 0) r.server_cpu_s = scpu1 - scpu0;
  }
  if (double busy1 = MachineBusySeconds(); busy0 >= 0 && busy1 >= 0)
    r.other_cpu_s = std::max(0.0, busy1 - busy0 - r.client_cpu_s - std::max(0.0, r.server_cpu_s));
  r.seconds = Seconds(end - start);

  std::vector<std::uint64_t> all, done;
  for (auto& c : conns) {
    all.insert(all.end(), c->latencies_ns.begin(), c->latencies_ns.end());
    done.insert(done.end(), c->done_ns.begin(), c->done_ns.end());
    r.written.insert(r.written.end(), c->written.begin(), c->written.end());
    r.ok += c->ok;
    r.http_errors += c->http_errors;
    r.io_errors += c->io_errors;
    r.bad_bodies += c->bad_bodies;
    for (auto [s, n] : c->statuses) r.statuses[s] += n;
    if (r.first_error.empty()) r.first_error = c->first_error;
  }
  conns.clear();  // closes the connections
  std::sort(r.written.begin(), r.written.end());
  std::sort(all.begin(), all.end());
  r.requests = all.size();
  r.rps = r.seconds > 0 ? r.requests / r.seconds : 0;
  r.p50_ms = Percentile(all, 0.50);
  r.p90_ms = Percentile(all, 0.90);
  r.p99_ms = Percentile(all, 0.99);
  r.max_ms = all.empty() ? 0 : all.back() / 1e6;
  double sum = 0;
  for (auto v : all) sum += v;
  r.mean_ms = all.empty() ? 0 : sum / all.size() / 1e6;
  // Stalls: the longest time with no answer at all, and answers per 100 ms.
  std::sort(done.begin(), done.end());
  std::uint64_t prev = 0, gap = 0;
  for (auto d : done) {
    gap = std::max(gap, d - prev);
    prev = d;
  }
  r.max_gap_ms = gap / 1e6;
  r.timeline_100ms.assign(static_cast<std::size_t>(std::ceil(r.seconds * 10)), 0);
  for (auto d : done) {
    std::size_t slot = d / 100'000'000;
    if (slot < r.timeline_100ms.size()) ++r.timeline_100ms[slot];
  }
  r.server_rss_after_kb = ReadProcStatus(env.server_pid).rss_kb;
  return r;
}

// ------------------------------------------------------------- big objects

struct BigResult {
  std::string op;
  std::uint64_t size = 0;
  std::uint64_t bytes = 0;  // body bytes sent / received
  double seconds = 0;
  int status = 0;
  bool ok = false;
  bool verified = false;  // GET: count and content checked
  std::string error;
  double client_cpu_s = 0, server_cpu_s = -1;
  double other_cpu_s = -1;  // CPU time of every other process on the machine
  long server_rss_before_kb = -1;
  long server_peak_rss_kb = -1;  // max of the 10 ms samples
  long server_peak_anon_kb = -1;  // max RssAnon of the same samples
  long server_hwm_kb = -1;       // VmHWM after the transfer
  bool hwm_reset = false;        // VmHWM was reset just before (so it is this transfer's peak)
  long rss_samples = 0;
};

const std::string kBigKey = "s3bench/big-object";

asio::awaitable<void> BigPut(const Env& env, beast::tcp_stream& s, BigResult& r) {
  const std::string path = ObjectPath(env, kBigKey);
  // UNSIGNED-PAYLOAD: hashing the whole body first would measure the client.
  const std::string head =
      env.signer->Head("PUT", path, awslab::sigv4::kUnsignedPayload, r.size);
  boost::system::error_code ec;
  std::size_t n = 0;
  s.expires_after(60s);
  std::tie(ec, n) = co_await asio::async_write(s, asio::buffer(head), kTok);
  while (!ec && r.bytes < r.size) {
    std::size_t piece = static_cast<std::size_t>(
        std::min<std::uint64_t>(Pattern::kWindow, r.size - r.bytes));
    s.expires_after(60s);
    std::tie(ec, n) =
        co_await asio::async_write(s, asio::buffer(env.pattern.At(r.bytes), piece), kTok);
    r.bytes += n;
  }
  if (ec) r.error = "write: " + ec.message() + " after " + std::to_string(r.bytes) + " bytes";
  // Read the answer even after a write error: the server may have refused early.
  beast::flat_buffer buf;
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 << 20);
  s.expires_after(120s);
  std::tie(ec, n) = co_await http::async_read(s, buf, parser, kTok);
  if (ec) {
    if (r.error.empty()) r.error = "read: " + ec.message();
    co_return;
  }
  r.status = parser.get().result_int();
  if (r.status / 100 != 2)
    r.error = "status " + std::to_string(r.status) + ": " + parser.get().body().substr(0, 300);
  r.ok = r.error.empty() && r.bytes == r.size;
}

asio::awaitable<void> BigGet(const Env& env, beast::tcp_stream& s, BigResult& r) {
  const std::string path = ObjectPath(env, kBigKey);
  const std::string head =
      env.signer->Head("GET", path, awslab::sigv4::kEmptySha256, std::nullopt);
  s.expires_after(60s);
  auto [wec, wn] = co_await asio::async_write(s, asio::buffer(head), kTok);
  if (wec) {
    r.error = "write: " + wec.message();
    co_return;
  }
  beast::flat_buffer buf;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);
  s.expires_after(120s);
  auto [hec, hn] = co_await http::async_read_header(s, buf, parser, kTok);
  if (hec) {
    r.error = "read header: " + hec.message();
    co_return;
  }
  r.status = parser.get().result_int();
  if (r.status / 100 != 2) {
    r.error = "status " + std::to_string(r.status);
    co_return;
  }
  auto length = parser.content_length();
  if (!length) {
    r.error = "no Content-Length in the answer";
    co_return;
  }
  bool same = true;
  // What came with the header, then straight from the socket: read and discard,
  // comparing with the pattern as it goes.
  std::size_t early = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), *length));
  if (early > 0) {
    same = env.pattern.Matches(0, static_cast<const char*>(buf.data().data()), early);
    r.bytes += early;
    buf.consume(early);
  }
  std::vector<char> chunk(1 << 20);
  while (r.bytes < *length) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), *length - r.bytes));
    s.expires_after(60s);
    auto [ec, n] = co_await s.async_read_some(asio::buffer(chunk.data(), want), kTok);
    if (n > 0) {
      if (same) same = env.pattern.Matches(r.bytes, chunk.data(), n);
      r.bytes += n;
    }
    if (ec) {
      r.error = "read: " + ec.message() + " after " + std::to_string(r.bytes) + " bytes";
      break;
    }
  }
  r.verified = r.bytes == r.size && *length == r.size && same;
  if (r.error.empty() && !r.verified)
    r.error = same ? "got " + std::to_string(r.bytes) + " bytes, expected " + std::to_string(r.size)
                   : "content differs from what was PUT";
  r.ok = r.error.empty();
}

BigResult RunBig(const Env& env, bool put) {
  BigResult r;
  r.op = put ? "PUT" : "GET";
  r.size = env.options->big_size;
  asio::io_context ioc(1);
  beast::tcp_stream stream(ioc);
  boost::system::error_code ec;
  stream.socket().connect(env.address, ec);
  if (ec) {
    r.error = "connect: " + ec.message();
    return r;
  }
  stream.socket().set_option(tcp::no_delay(true), ec);
  RssSampler sampler;
  if (env.server_pid > 0) {
    r.hwm_reset = ResetPeakRss(env.server_pid);
    r.server_rss_before_kb = ReadProcStatus(env.server_pid).rss_kb;
    sampler.Start(env.server_pid);
  }
  const double cpu0 = ClientCpuSeconds();
  const double scpu0 = ProcessCpuSeconds(env.server_pid);
  const double busy0 = MachineBusySeconds();
  const auto t0 = Clock::now();
  asio::co_spawn(ioc, put ? BigPut(env, stream, r) : BigGet(env, stream, r), asio::detached);
  ioc.run();
  r.seconds = Seconds(Clock::now() - t0);
  r.client_cpu_s = ClientCpuSeconds() - cpu0;
  if (env.server_pid > 0) {
    sampler.Stop();
    r.server_peak_rss_kb = sampler.max_kb();
    r.server_peak_anon_kb = sampler.max_anon_kb();
    r.rss_samples = sampler.samples();
    r.server_hwm_kb = ReadProcStatus(env.server_pid).hwm_kb;
    double scpu1 = ProcessCpuSeconds(env.server_pid);
    if (scpu0 >= 0 && scpu1 >= 0) r.server_cpu_s = scpu1 - scpu0;
  }
  if (double busy1 = MachineBusySeconds(); busy0 >= 0 && busy1 >= 0)
    r.other_cpu_s = std::max(0.0, busy1 - busy0 - r.client_cpu_s - std::max(0.0, r.server_cpu_s));
  return r;
}

// ------------------------------------------------------------------ report

struct IdleReading {
  std::string when;
  ProcStatus st;
};

struct StartupRun {
  double listening_ms = -1, first_response_ms = -1, stop_ms = -1;
  std::string exit;
};

struct Report {
  std::string date;
  std::string loadavg_start, loadavg_end;  // /proc/loadavg: was the machine busy with other work?
  std::vector<StartupRun> startup;
  double startup_median_ms = -1, startup_max_ms = -1;
  std::vector<IdleReading> idle;
  std::vector<LoadResult> small;
  std::vector<BigResult> big;
  std::vector<std::string> notes;
  std::vector<std::string> problems;
  std::string server_exit;
  std::vector<std::string> server_log;  // lines other than the start and stop lines
  double total_seconds = 0;
  double client_cpu_total_s = 0;
};

std::string Mib(long kb) {
  if (kb < 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB", kb / 1024.0);
  return buf;
}

// "73%": CPU seconds over wall seconds (100% = one core); "-" when unknown.
std::string Percent(double cpu_s, double wall_s) {
  if (cpu_s < 0 || wall_s <= 0) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100 * cpu_s / wall_s);
  return buf;
}

// Pretty JSON; doubles in their shortest round-trip form.
void WriteJson(std::string& out, const json::value& v, int indent) {
  auto pad = [&](int n) { out.append(static_cast<std::size_t>(n), ' '); };
  auto scalar = [](const json::value& x) { return !x.is_object() && !x.is_array(); };
  switch (v.kind()) {
    case json::kind::object: {
      const auto& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        break;
      }
      out += "{\n";
      std::size_t i = 0;
      for (const auto& kv : o) {
        pad(indent + 2);
        out += json::serialize(json::string(kv.key()));
        out += ": ";
        WriteJson(out, kv.value(), indent + 2);
        if (++i < o.size()) out += ",";
        out += "\n";
      }
      pad(indent);
      out += "}";
      break;
    }
    case json::kind::array: {
      const auto& a = v.get_array();
      bool flat = std::all_of(a.begin(), a.end(), scalar);
      if (a.empty() || flat) {
        out += "[";
        for (std::size_t i = 0; i < a.size(); ++i) {
          if (i) out += ", ";
          WriteJson(out, a[i], 0);
        }
        out += "]";
        break;
      }
      out += "[\n";
      for (std::size_t i = 0; i < a.size(); ++i) {
        pad(indent + 2);
        WriteJson(out, a[i], indent + 2);
        if (i + 1 < a.size()) out += ",";
        out += "\n";
      }
      pad(indent);
      out += "]";
      break;
    }
    case json::kind::double_: {
      double d = v.get_double();
      if (!std::isfinite(d)) {
        out += "null";
        break;
      }
      char buf[64];
      auto [p, ec] = std::to_chars(buf, buf + sizeof buf, d);
      out.append(buf, p);
      break;
    }
    default:
      out += json::serialize(v);
  }
}

json::value KbJson(long kb) { return kb < 0 ? json::value(nullptr) : json::value(kb); }

json::value ToJson(const Options& o, const Env& env, const Report& rep, bool own_server) {
  json::object root;
  root["tool"] = kVersion;
  root["date"] = rep.date;
  root["command_line"] = o.command_line;
  utsname u{};
  ::uname(&u);
  cpu_set_t set;
  CPU_ZERO(&set);
  int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set)
                                                          : std::thread::hardware_concurrency();
  std::string model;
  {
    std::ifstream f("/proc/cpuinfo");
    for (std::string line; std::getline(f, line);)
      if (line.starts_with("model name")) {
        model = line.substr(line.find(':') + 2);
        break;
      }
  }
  root["machine"] = {{"cores", cores},
                     {"cpu", model},
                     {"kernel", std::string(u.sysname) + " " + u.release},
                     {"loadavg_at_start", rep.loadavg_start},
                     {"loadavg_at_end", rep.loadavg_end}};
  json::object target{{"endpoint", env.endpoint.url}, {"region", o.region}, {"bucket", env.bucket}};
  if (own_server) {
    json::array args;
    for (auto& a : o.server_args) args.emplace_back(a);
    target["server"] = o.server;
    target["server_args"] = std::move(args);
    target["server_exit"] = rep.server_exit;
    json::array log;
    for (auto& l : rep.server_log) log.emplace_back(l);
    target["server_log"] = std::move(log);
  }
  root["target"] = std::move(target);
  root["settings"] = {{"phases", [&] {
                         json::array a;
                         for (auto& p : o.phases) a.emplace_back(p);
                         return a;
                       }()},
                      {"duration_s", o.duration},
                      {"object_size", o.object_size},
                      {"big_size", o.big_size},
                      {"client_threads", o.client_threads},
                      {"startup_runs", o.startup_runs},
                      {"settle_s", o.settle}};

  json::object phases;
  if (!rep.startup.empty()) {
    json::array runs;
    for (auto& s : rep.startup)
      runs.push_back({{"listening_ms", Round(s.listening_ms, 3)},
                      {"first_response_ms", Round(s.first_response_ms, 3)},
                      {"stop_ms", Round(s.stop_ms, 3)},
                      {"exit", s.exit}});
    phases["startup"] = {{"median_ms", Round(rep.startup_median_ms, 3)},
                         {"max_ms", Round(rep.startup_max_ms, 3)},
                         {"runs", std::move(runs)}};
  }
  if (!rep.idle.empty()) {
    json::array a;
    for (auto& i : rep.idle)
      a.push_back({{"when", i.when},
                   {"rss_kb", KbJson(i.st.rss_kb)},
                   {"rss_anon_kb", KbJson(i.st.rss_anon_kb)},
                   {"rss_file_kb", KbJson(i.st.rss_file_kb)},
                   {"hwm_kb", KbJson(i.st.hwm_kb)},
                   {"threads", i.st.threads}});
    phases["idle"] = std::move(a);
  }
  if (!rep.small.empty()) {
    json::array a;
    for (auto& r : rep.small) {
      json::object statuses;
      for (auto [s, n] : r.statuses) statuses[std::to_string(s)] = n;
      json::object x{{"op", OpName(r.op)},
                     {"connections", r.connections},
                     {"object_size", o.object_size},
                     {"seconds", Round(r.seconds, 4)},
                     {"requests", r.requests},
                     {"ok", r.ok},
                     {"http_errors", r.http_errors},
                     {"io_errors", r.io_errors},
                     {"bad_bodies", r.bad_bodies},
                     {"req_per_s", Round(r.rps, 1)},
                     {"latency_ms",
                      {{"mean", Round(r.mean_ms, 4)},
                       {"p50", Round(r.p50_ms, 4)},
                       {"p90", Round(r.p90_ms, 4)},
                       {"p99", Round(r.p99_ms, 4)},
                       {"max", Round(r.max_ms, 4)}}},
                     {"client_cpu_s", Round(r.client_cpu_s, 3)},
                     {"server_cpu_s", r.server_cpu_s < 0 ? json::value(nullptr)
                                                         : json::value(Round(r.server_cpu_s, 3))},
                     {"other_processes_cpu_s", r.other_cpu_s < 0 ? json::value(nullptr)
                                                                  : json::value(Round(r.other_cpu_s, 3))},
                     {"server_rss_after_kb", KbJson(r.server_rss_after_kb)},
                     {"longest_gap_without_answers_ms", Round(r.max_gap_ms, 3)},
                     {"answers_per_100ms", [&] {
                        json::array t;
                        for (auto v : r.timeline_100ms) t.emplace_back(v);
                        return t;
                      }()},
                     {"statuses", std::move(statuses)}};
      if (!r.first_error.empty()) x["first_error"] = r.first_error;
      a.push_back(std::move(x));
    }
    phases["small"] = std::move(a);
  }
  if (!rep.big.empty()) {
    json::array a;
    for (auto& b : rep.big) {
      double mbps = b.seconds > 0 ? b.bytes / b.seconds / 1e6 : 0;
      json::object x{{"op", b.op},
                     {"size", b.size},
                     {"bytes", b.bytes},
                     {"seconds", Round(b.seconds, 4)},
                     {"mb_per_s", Round(mbps, 1)},
                     {"mib_per_s", Round(mbps * 1e6 / (1 << 20), 1)},
                     {"status", b.status},
                     {"ok", b.ok},
                     {"payload_signing", b.op == "PUT" ? "UNSIGNED-PAYLOAD" : "n/a"},
                     {"client_cpu_s", Round(b.client_cpu_s, 3)},
                     {"server_cpu_s", b.server_cpu_s < 0 ? json::value(nullptr)
                                                         : json::value(Round(b.server_cpu_s, 3))},
                     {"other_processes_cpu_s", b.other_cpu_s < 0 ? json::value(nullptr)
                                                                  : json::value(Round(b.other_cpu_s, 3))},
                     {"server_rss_before_kb", KbJson(b.server_rss_before_kb)},
                     {"server_peak_rss_kb", KbJson(b.server_peak_rss_kb)},
                     {"server_peak_rss_anon_kb", KbJson(b.server_peak_anon_kb)},
                     {"server_vmhwm_kb", KbJson(b.server_hwm_kb)},
                     {"vmhwm_reset_before", b.hwm_reset},
                     {"rss_samples", b.rss_samples}};
      if (b.op == "GET") x["verified"] = b.verified;
      if (!b.error.empty()) x["error"] = b.error;
      a.push_back(std::move(x));
    }
    phases["big"] = std::move(a);
  }
  root["phases"] = std::move(phases);
  root["client_cpu_total_s"] = Round(rep.client_cpu_total_s, 3);
  root["total_seconds"] = Round(rep.total_seconds, 2);
  json::array notes, problems;
  for (auto& n : rep.notes) notes.emplace_back(n);
  for (auto& p : rep.problems) problems.emplace_back(p);
  root["notes"] = std::move(notes);
  root["problems"] = std::move(problems);
  return root;
}

void PrintReport(const Options& o, const Env& env, const Report& rep, bool own_server) {
  std::printf("\ns3bench report  %s\n", rep.date.c_str());
  std::printf("  target   %s%s\n", env.endpoint.url.c_str(),
              own_server ? (" (" + o.server + ", started by s3bench)").c_str() : "");
  std::printf("  machine  %u cores%s; load average at start %s\n",
              std::thread::hardware_concurrency(),
              own_server ? ", shared by the client and the server" : "",
              rep.loadavg_start.c_str());
  std::printf("  command  %s\n", o.command_line.c_str());

  if (!rep.startup.empty()) {
    std::printf("\nStart-up: fork/exec to the first complete HTTP response (%zu runs, fresh data dir each)\n",
                rep.startup.size());
    std::printf("  median %.1f ms   max %.1f ms   (runs:", rep.startup_median_ms,
                rep.startup_max_ms);
    for (auto& s : rep.startup) std::printf(" %.1f", s.first_response_ms);
    std::printf(")\n");
  }
  if (!rep.idle.empty()) {
    std::printf("\nServer memory when idle (VmRSS = RssAnon + RssFile; VmHWM = peak VmRSS since start)\n");
    std::printf("  %-22s %11s %11s %11s %11s %8s\n", "", "VmRSS", "RssAnon", "RssFile", "VmHWM",
                "threads");
    for (auto& i : rep.idle)
      std::printf("  %-22s %11s %11s %11s %11s %8ld\n", i.when.c_str(), Mib(i.st.rss_kb).c_str(),
                  Mib(i.st.rss_anon_kb).c_str(), Mib(i.st.rss_file_kb).c_str(),
                  Mib(i.st.hwm_kb).c_str(), i.st.threads);
    std::printf("  (RssFile includes the binary, its libraries and any data files the server mmaps)\n");
  }
  if (!rep.small.empty()) {
    std::printf("\nSmall objects: %zu B, SigV4 with the payload's SHA-256, keep-alive, %.0f s per run\n",
                o.object_size, o.duration);
    std::printf("  %-4s %5s %9s %8s %8s %8s %8s %6s %6s %7s %7s %6s %7s\n", "op", "conns",
                "requests", "req/s", "p50 ms", "p99 ms", "max ms", "errors", "io err",
                "client", "server", "other", "gap ms");
    for (auto& r : rep.small) {
      std::printf("  %-4s %5d %9llu %8.0f %8.3f %8.3f %8.2f %6llu %6llu %7s %7s %6s %7.1f\n",
                  OpName(r.op), r.connections, static_cast<unsigned long long>(r.requests),
                  r.rps, r.p50_ms, r.p99_ms, r.max_ms,
                  static_cast<unsigned long long>(r.http_errors + r.bad_bodies),
                  static_cast<unsigned long long>(r.io_errors),
                  Percent(r.client_cpu_s, r.seconds).c_str(),
                  Percent(r.server_cpu_s, r.seconds).c_str(),
                  Percent(r.other_cpu_s, r.seconds).c_str(), r.max_gap_ms);
    }
    std::printf("  (errors = non-2xx answers + GET bodies that differ; io err = connection errors\n"
                "   and timeouts; client/server/other = CPU time of s3bench, of the server and of\n"
                "   every other process / wall time, 100%% = one core; gap = longest time in the run\n"
                "   without any answer)\n");
  }
  if (!rep.big.empty()) {
    std::printf("\nBig object: %llu bytes, one stream (PUT with UNSIGNED-PAYLOAD; GET read, "
                "discarded, compared with the pattern)\n",
                static_cast<unsigned long long>(o.big_size));
    std::printf("  %-4s %8s %8s %8s %11s %11s %11s %7s %7s %6s  %s\n", "op", "seconds", "MB/s",
                "MiB/s", "peak RSS", "peak anon", "VmHWM", "client", "server", "other", "result");
    for (auto& b : rep.big) {
      double mbps = b.seconds > 0 ? b.bytes / b.seconds / 1e6 : 0;
      std::string result = b.ok ? (b.op == "GET" ? "ok, verified" : "ok") : "FAILED: " + b.error;
      std::printf("  %-4s %8.2f %8.1f %8.1f %11s %11s %11s %7s %7s %6s  %s\n", b.op.c_str(),
                  b.seconds, mbps, mbps * 1e6 / (1 << 20), Mib(b.server_peak_rss_kb).c_str(),
                  Mib(b.server_peak_anon_kb).c_str(), Mib(b.server_hwm_kb).c_str(),
                  Percent(b.client_cpu_s, b.seconds).c_str(),
                  Percent(b.server_cpu_s, b.seconds).c_str(),
                  Percent(b.other_cpu_s, b.seconds).c_str(), result.c_str());
    }
    if (own_server)
      std::printf("  (peak RSS = max of VmRSS sampled every 10 ms, anon = max RssAnon; VmHWM reset\n"
                  "   before each transfer%s)\n",
                  rep.big[0].hwm_reset ? "" : " FAILED, so it is the peak since start");
    else
      std::printf("  (server memory and CPU: not measured, they need --server)\n");
  }
  if (!rep.server_exit.empty()) std::printf("\nServer: %s\n", rep.server_exit.c_str());
  for (auto& l : rep.server_log) std::printf("  server log: %s\n", l.c_str());
  for (auto& n : rep.notes) std::printf("note: %s\n", n.c_str());
  for (auto& p : rep.problems) std::printf("PROBLEM: %s\n", p.c_str());
  std::printf("\nclient CPU %.1f s over %.1f s\n", rep.client_cpu_total_s, rep.total_seconds);
}

void Progress(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
void Progress(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  std::fprintf(stderr, "s3bench: ");
  std::vfprintf(stderr, fmt, ap);
  std::fprintf(stderr, "\n");
  va_end(ap);
}

}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  Options o;
  if (auto rc = ParseOptions(argc, argv, o)) return *rc;
  const bool own_server = !o.server.empty();
  if (own_server && ::access(o.server.c_str(), X_OK) != 0)
    return Usage("--server " + o.server + ": " + std::strerror(errno));
  const auto run_start = Clock::now();
  const double cpu_start = ClientCpuSeconds();
  Report rep;
  rep.date = Iso8601Now();
  auto loadavg = [] {
    std::string l = ReadFile("/proc/loadavg");
    std::istringstream in(l);
    std::string a, b, c;
    in >> a >> b >> c;
    return a + " " + b + " " + c;
  };
  rep.loadavg_start = loadavg();
  Env env;
  env.options = &o;

  auto has = [&](const char* p) { return o.phases.count(p) > 0; };
  if (!own_server && (has("startup") || has("idle"))) {
    if (!has("small") && !has("big")) return Usage("the startup and idle phases need --server");
    rep.notes.push_back("startup and idle phases skipped: they need --server");
    o.phases.erase("startup");
    o.phases.erase("idle");
  }

  // 1. Start-up time, fresh data dir each run.
  if (own_server && has("startup")) {
    std::vector<double> times;
    for (int i = 0; i < o.startup_runs; ++i) {
      ServerProcess sp;
      std::string err;
      if (!StartServer(o, sp, err) || !WaitForFirstResponse(sp, 30s, err)) {
        StopServer(sp);
        std::fprintf(stderr, "s3bench: start-up run %d: %s\n", i + 1, err.c_str());
        return 1;
      }
      StopServer(sp);
      rep.startup.push_back({sp.listening_ms, sp.first_response_ms, sp.stop_ms,
                             DescribeExit(sp.exit_status)});
      times.push_back(sp.first_response_ms);
      if (!(WIFEXITED(sp.exit_status) && WEXITSTATUS(sp.exit_status) == 0))
        rep.problems.push_back("start-up run " + std::to_string(i + 1) +
                               ": the server ended with " + DescribeExit(sp.exit_status) +
                               " on SIGTERM");
    }
    std::sort(times.begin(), times.end());
    std::size_t n = times.size();
    rep.startup_median_ms = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
    rep.startup_max_ms = times.back();
    Progress("start-up: median %.1f ms, max %.1f ms over %zu runs", rep.startup_median_ms,
             rep.startup_max_ms, n);
  }

  // The server for the other phases.
  ServerProcess server;
  const bool main_server = own_server && (has("idle") || has("small") || has("big"));
  if (main_server) {
    std::string err;
    if (!StartServer(o, server, err) || !WaitForFirstResponse(server, 30s, err)) {
      StopServer(server);
      std::fprintf(stderr, "s3bench: starting %s: %s\n", o.server.c_str(), err.c_str());
      return 1;
    }
    env.server_pid = server.pid;
    std::string host = server.host.find(':') != std::string::npos ? "[" + server.host + "]"
                                                                  : server.host;
    o.endpoint = "http://" + host + ":" + std::to_string(server.port);
    Progress("server pid %d on %s (data dir %s)", server.pid, o.endpoint.c_str(),
             server.data_dir.c_str());
  }
  {
    std::string err;
    auto ep = ParseEndpoint(o.endpoint, err);
    if (!ep) return Usage(err);
    env.endpoint = *ep;
    asio::io_context ioc;
    tcp::resolver resolver(ioc);
    boost::system::error_code ec;
    auto results = resolver.resolve(ep->host, ep->port, ec);
    if (ec || results.empty()) {
      StopServer(server);
      return Usage("cannot resolve " + ep->host + ": " + ec.message());
    }
    env.address = results.begin()->endpoint();
  }
  env.signer = std::make_unique<Signer>(
      awslab::sigv4::Credentials{o.access_key, o.secret_key, ""}, o.region,
      env.endpoint.host_header);
  env.bucket = o.bucket.empty() ? "s3bench-" + RandomHex(6) : o.bucket;

  auto idle_reading = [&](const std::string& when) {
    if (!own_server || !has("idle")) return;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.settle));
    ProcStatus st = ReadProcStatus(server.pid);
    rep.idle.push_back({when, st});
    Progress("idle %s: RSS %s (anon %s, file %s), HWM %s", when.c_str(), Mib(st.rss_kb).c_str(),
             Mib(st.rss_anon_kb).c_str(), Mib(st.rss_file_kb).c_str(), Mib(st.hwm_kb).c_str());
  };
  auto server_alive = [&](const char* after) {
    if (!own_server || !Reaped(server)) return true;
    rep.problems.push_back(std::string("the server died during ") + after + ": " +
                           DescribeExit(server.exit_status));
    return false;
  };

  idle_reading("after start-up");
  bool alive = true;

  // The bucket.
  const bool load = has("small") || has("big");
  bool created_bucket = false;
  if (load) {
    std::string body;
    if (o.region != "us-east-1")
      body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
             "<LocationConstraint>" + o.region + "</LocationConstraint></CreateBucketConfiguration>";
    SimpleResponse r = Simple(env, "PUT", "/" + env.bucket, body);
    if (!r.error.empty() || (r.status / 100 != 2 && r.body.find("BucketAlreadyOwnedByYou") ==
                                                        std::string::npos)) {
      std::fprintf(stderr, "s3bench: CreateBucket %s at %s: %s\n", env.bucket.c_str(),
                   env.endpoint.url.c_str(),
                   r.error.empty() ? ("status " + std::to_string(r.status) + ": " +
                                      r.body.substr(0, 400)).c_str()
                                   : r.error.c_str());
      StopServer(server);
      return 1;
    }
    created_bucket = r.status / 100 == 2 && o.bucket.empty();
  }

  // 3. Small objects.
  std::vector<std::uint64_t> all_written;
  if (has("small")) {
    for (int conns : o.concurrency) {
      if (!alive) break;
      std::string err;
      auto put = RunLoad(env, {Op::kPut, conns, o.duration, nullptr}, err);
      if (!put) {
        rep.problems.push_back("PUT with " + std::to_string(conns) + " connections: " + err);
        alive = server_alive("the small PUT runs");
        break;
      }
      Progress("PUT x%d: %.0f req/s, p50 %.3f ms, p99 %.3f ms, %llu errors, %llu io errors",
               conns, put->rps, put->p50_ms, put->p99_ms,
               static_cast<unsigned long long>(put->http_errors),
               static_cast<unsigned long long>(put->io_errors));
      std::vector<std::uint64_t> keys = std::move(put->written);
      put->written.clear();
      all_written.insert(all_written.end(), keys.begin(), keys.end());
      rep.small.push_back(std::move(*put));
      if (!(alive = server_alive("the small PUT runs"))) break;
      if (keys.empty()) {
        rep.problems.push_back("no PUT succeeded with " + std::to_string(conns) +
                               " connections: GET run skipped");
        continue;
      }
      // Spread the connections over the keys in a shuffled order, so that
      // GETs do not simply replay the PUT order.
      std::shuffle(keys.begin(), keys.end(), std::mt19937_64(42));
      auto get = RunLoad(env, {Op::kGet, conns, o.duration, &keys}, err);
      if (!get) {
        rep.problems.push_back("GET with " + std::to_string(conns) + " connections: " + err);
        alive = server_alive("the small GET runs");
        break;
      }
      Progress("GET x%d: %.0f req/s, p50 %.3f ms, p99 %.3f ms, %llu errors, %llu io errors",
               conns, get->rps, get->p50_ms, get->p99_ms,
               static_cast<unsigned long long>(get->http_errors + get->bad_bodies),
               static_cast<unsigned long long>(get->io_errors));
      rep.small.push_back(std::move(*get));
      if (!(alive = server_alive("the small GET runs"))) break;
    }
    for (auto& r : rep.small) {
      if (r.http_errors || r.bad_bodies || r.io_errors)
        rep.problems.push_back(std::string(OpName(r.op)) + " x" + std::to_string(r.connections) +
                               ": " + std::to_string(r.http_errors) + " non-2xx, " +
                               std::to_string(r.bad_bodies) + " wrong bodies, " +
                               std::to_string(r.io_errors) + " transport errors; first: " +
                               r.first_error);
    }
    if (alive) idle_reading("after small objects");
  }

  // 4. Big object.
  if (has("big") && alive) {
    Progress("big PUT of %llu bytes...", static_cast<unsigned long long>(o.big_size));
    BigResult put = RunBig(env, true);
    Progress("big PUT: %.2f s, %.1f MB/s, server peak RSS %s %s", put.seconds,
             put.seconds > 0 ? put.bytes / put.seconds / 1e6 : 0.0,
             Mib(put.server_peak_rss_kb).c_str(), put.ok ? "ok" : put.error.c_str());
    bool put_ok = put.ok;
    if (!put.ok) rep.problems.push_back("big PUT: " + put.error);
    rep.big.push_back(std::move(put));
    alive = server_alive("the big PUT");
    if (put_ok && alive) {
      BigResult get = RunBig(env, false);
      Progress("big GET: %.2f s, %.1f MB/s, server peak RSS %s %s", get.seconds,
               get.seconds > 0 ? get.bytes / get.seconds / 1e6 : 0.0,
               Mib(get.server_peak_rss_kb).c_str(), get.ok ? "verified" : get.error.c_str());
      if (!get.ok) rep.problems.push_back("big GET: " + get.error);
      rep.big.push_back(std::move(get));
      alive = server_alive("the big GET");
    }
    if (alive) {
      SimpleResponse d = Simple(env, "DELETE", ObjectPath(env, kBigKey));
      if (!d.error.empty() || d.status / 100 != 2)
        rep.problems.push_back("DELETE of the big object: " + d.error + " " +
                               std::to_string(d.status));
      idle_reading("after big object");
    }
  }

  // Clean-up of someone else's endpoint (our own server's data dir just goes).
  if (!own_server && load && !o.keep && alive) {
    Progress("deleting %zu objects...", all_written.size());
    if (!all_written.empty()) {
      std::string err;
      auto del = RunLoad(env, {Op::kDelete, 16, 0, &all_written}, err);
      if (!del || del->http_errors || del->io_errors)
        rep.problems.push_back("clean-up: some objects were not deleted");
    }
    if (created_bucket) {
      SimpleResponse d = Simple(env, "DELETE", "/" + env.bucket);
      if (d.status / 100 != 2)
        rep.problems.push_back("clean-up: DeleteBucket " + env.bucket + ": " + d.error + " " +
                               std::to_string(d.status) + " " + d.body.substr(0, 200));
    }
  }

  if (main_server) {
    std::string dir = server.dir;
    bool died = Reaped(server);
    StopServer(server, /*keep_dir=*/true);
    rep.server_exit = died ? "died during the run: " + DescribeExit(server.exit_status)
                           : "stopped by SIGTERM in " + std::to_string(static_cast<int>(server.stop_ms)) +
                                 " ms, " + DescribeExit(server.exit_status);
    if (!died && !(WIFEXITED(server.exit_status) && WEXITSTATUS(server.exit_status) == 0))
      rep.problems.push_back("the server ended with " + DescribeExit(server.exit_status) +
                             " on SIGTERM");
    std::istringstream log(ReadFile(server.log_file));
    for (std::string line; std::getline(log, line);) {
      if (line.starts_with("awslab-server listening on") || line == "awslab-server stopped")
        continue;
      if (rep.server_log.size() < 50) rep.server_log.push_back(line);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  rep.total_seconds = Seconds(Clock::now() - run_start);
  rep.loadavg_end = loadavg();
  rep.client_cpu_total_s = ClientCpuSeconds() - cpu_start;
  if (!rep.big.empty())
    rep.notes.push_back(
      "the big PUT is signed with UNSIGNED-PAYLOAD: hashing the body client-side would measure "
      "the client's SHA-256, not the server");
  if (own_server)
    rep.notes.push_back("client and server run on the same machine and share its cores");
  {
    std::string busy;
    auto check = [&](const std::string& what, double other_s, double wall_s) {
      if (other_s >= 0 && wall_s > 0 && other_s / wall_s > 0.15)
        busy += (busy.empty() ? "" : ", ") + what + " " + Percent(other_s, wall_s);
    };
    for (auto& r : rep.small)
      check(std::string(OpName(r.op)) + " x" + std::to_string(r.connections), r.other_cpu_s,
            r.seconds);
    for (auto& b : rep.big) check("big " + b.op, b.other_cpu_s, b.seconds);
    if (!busy.empty())
      rep.notes.push_back("other processes used CPU during some runs (" + busy +
                          " of a core): those figures are disturbed");
  }

  PrintReport(o, env, rep, own_server);
  if (!o.json_path.empty()) {
    std::string text;
    WriteJson(text, ToJson(o, env, rep, own_server), 0);
    text += "\n";
    std::filesystem::path p(o.json_path);
    std::error_code ec;
    if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
    std::ofstream f(o.json_path);
    f << text;
    if (!f) {
      std::fprintf(stderr, "s3bench: cannot write %s\n", o.json_path.c_str());
      return 1;
    }
    Progress("wrote %s", o.json_path.c_str());
  }
  return rep.problems.empty() ? 0 : 3;
}
