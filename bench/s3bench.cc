// s3bench: measures an S3 endpoint and prints a report (a table on stdout,
// and JSON with --json FILE). See bench/README.md.
//
// Against any endpoint it measures small-object PUT/GET rates and latencies,
// big-object throughput and ListObjectsV2 paging. Given --server PATH it
// starts awslab-server itself (fresh temporary data directory, --port 0
// --port-file F --quiet --data-dir D); given --server-cmd it starts any other
// server (a peer such as nginx, s3rver or moto) on a free port. Either way it
// then also measures the start-up time to the first answered request, the
// server's memory (VmRSS/VmHWM from /proc/PID/status) and its CPU time, summed
// over the process and its children (nginx's workers). --plain drives a plain
// HTTP file server (nginx with WebDAV PUT) with the same requests, no bucket.
//
// The load generator is one io_context on --client-threads threads (1 by
// default) with one coroutine per connection; the process's own CPU time is
// reported for every phase so a reader can tell whether the generator was the
// bottleneck. The wrk phase runs wrk on one object as a second opinion.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
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
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/bench_common.h"
#include "client/include/awslab/args.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"

namespace {

// What s3bench and awslab-loadtest share (Seconds, ParseUint, ProcStatus,
// Pattern, ServerProcess...): bench/bench_common.h.
using namespace awslab::bench;  // NOLINT: the shared pieces read as this file's own

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace json = boost::json;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
constexpr std::string_view kVersion = "s3bench/0.1";

constexpr std::string_view kUsage = R"(usage: s3bench [flags]

Measures an S3 endpoint: small-object PUT/GET rates and latencies, big-object
throughput, ListObjectsV2 paging and, when it starts the server itself
(--server or --server-cmd), the server's start-up time, memory and CPU.

Endpoint (any S3 endpoint; http only, path-style addressing):
  --endpoint URL          default http://127.0.0.1:4566
  --access-key KEY        default test
  --secret-key SECRET     default test
  --region NAME           default us-east-1
  --bucket NAME           bucket to use (default: a new s3bench-<random>)
  --keep                  do not delete the objects and bucket afterwards
  --plain                 a plain HTTP file server (nginx with WebDAV PUT): the
                          same signed requests, but no bucket is created and
                          nothing is deleted; the list phase is skipped

Server started by s3bench (enables the start-up and idle phases):
  --server PATH           awslab-server binary, run as PATH --port 0 --port-file F
                          --quiet --data-dir D [ARG...] (fresh temp dir each time)
  --server-arg ARG        one more argument for the server (repeatable)
  --server-cmd CMD        any other server: CMD split at spaces, with {port} (a
                          free port s3bench picked), {dir} (a fresh temp dir)
                          and {data} ({dir}/data, created empty) replaced; it must
                          listen on 127.0.0.1:{port}. CPU and memory are summed
                          over the process and its descendants.
  --server-file FILE      a template (a config file) that --server-cmd reads: copied
                          to {dir}/NAME with the same replacements (repeatable)
  --work-dir DIR          where temp data dirs go (default $TMPDIR or /tmp)
  --keep-server-dir       leave the main server's temp dir in place (the caller
                          removes it: deleting a few hundred thousand files slows
                          the next server's file creation on ext4 for minutes)

What to run:
  --phases LIST           comma-separated: startup,idle,small,big,list,wrk,seeded
                          (default startup,idle,small,big,list; startup, idle
                          and seeded need --server or --server-cmd)
  --startup-runs N        start-up repetitions (default 10)
  --settle SECONDS        idle wait before each idle RSS reading (default 1)
  --duration SECONDS      length of each small PUT/GET run (default 5)
  --concurrency LIST      connection counts for the small runs (default 1,16,64)
  --object-size BYTES     small object size (default 4096, 16..1048576)
  --big-size BYTES        big object size (default 1073741824; K/M/G suffixes)
  --client-threads N      threads of the load generator's io_context (1 or 2; default 1)
  --list-keys N           list phase: objects put into a fresh bucket (default 10000)
  --list-page N           list phase: max-keys of each page (default 1000)
  --list-runs N           list and seeded phases: repetitions (default 5)
  --seeded-dir DIR        seeded phase: a data dir made by awslab-seed; the server
                          (--server) is started on it as it is
  --seeded-bucket NAME    its bucket (default s3bench-seeded)
  --seeded-keys N         how many keys awslab-seed wrote (default 1000000)
  --wrk PATH              wrk binary for the wrk phase (default wrk)
  --wrk-threads N         wrk's threads (default 1, as s3bench's one)
  --perf DIR              record each small run of the server with `perf record
                          --call-graph dwarf` into DIR/<op>-<conns>.data

Output:
  --json FILE             also write the results as JSON
  --help                  this text
)";

// ---------------------------------------------------------------- utilities

// "a b  c" -> {"a", "b", "c"}.
std::vector<std::string> SplitAtSpaces(std::string_view s) {
  std::vector<std::string> out;
  std::istringstream in{std::string(s)};
  for (std::string w; in >> w;) out.push_back(w);
  return out;
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

// Resets VmHWM to the current RSS (Linux >= 4.0) for every process of the
// tree; false when not allowed.
bool ResetPeakRss(pid_t root) {
  bool ok = true;
  for (pid_t pid : ProcessTree(root)) {
    std::ofstream f("/proc/" + std::to_string(pid) + "/clear_refs");
    if (!f) return false;
    f << "5";
    f.flush();
    ok = ok && static_cast<bool>(f);
  }
  return ok;
}

// Samples the VmRSS of a process (and its descendants) every 10 ms on its own thread, keeping the max.
class RssSampler {
 public:
  void Start(pid_t pid) {
    pids_ = ProcessTree(pid);
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
    ProcStatus st = ReadTreeStatus(pids_);
    max_kb_ = std::max(max_kb_, st.rss_kb);
    max_anon_kb_ = std::max(max_anon_kb_, st.rss_anon_kb);
    ++samples_;
  }
  std::vector<pid_t> pids_;  // the server and its descendants
  std::atomic<bool> stop_{false};
  long max_kb_ = -1;
  long max_anon_kb_ = -1;
  long samples_ = 0;
  std::thread thread_;
};

// --------------------------------------------------------------- options

// --server, --server-arg, --access-key, --secret-key, --work-dir, --json:
// CommonOptions.
struct Options : CommonOptions {
  std::string endpoint = "http://127.0.0.1:4566";
  bool endpoint_given = false;
  std::string region = "us-east-1";
  std::string bucket;
  bool keep = false;
  bool keep_server_dir = false;
  bool plain = false;  // a plain HTTP file server: no buckets, WebDAV PUT
  std::string server_cmd;  // a peer: {port}, {dir}, {data} replaced
  std::vector<std::string> server_files;  // templates copied into {dir}, same replacements
  std::set<std::string> phases = {"startup", "idle", "small", "big", "list"};
  int startup_runs = 10;
  double settle = 1.0;
  double duration = 5.0;
  std::vector<int> concurrency = {1, 16, 64};
  std::size_t object_size = 4096;
  std::uint64_t big_size = 1ull << 30;
  int client_threads = 1;
  int list_keys = 10000;
  int list_page = 1000;
  int list_runs = 5;
  std::string seeded_dir;
  std::string seeded_bucket = "s3bench-seeded";
  std::uint64_t seeded_keys = 1'000'000;
  std::string wrk = "wrk";
  int wrk_threads = 1;
  std::string perf_dir;
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "s3bench: %s (see --help)\n", message.c_str());
  return 2;
}

std::optional<int> ParseOptions(int argc, char** argv, Options& o) {
  o.command_line = CommandLine(argc, argv);
  for (awslab::args::Reader args(argc, argv); args.Next();) {
    std::string_view name = args.name();
    std::string value;
    auto next = [&] { return args.Value(value); };
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
    } else if (name == "--region") {
      if (!next()) return need("a value");
      o.region = value;
    } else if (name == "--bucket") {
      if (!next()) return need("a value");
      o.bucket = value;
    } else if (name == "--keep") {
      o.keep = true;
    } else if (name == "--keep-server-dir") {
      o.keep_server_dir = true;
    } else if (name == "--plain") {
      o.plain = true;
    } else if (name == "--server-cmd") {
      if (!next()) return need("a command");
      o.server_cmd = value;
    } else if (name == "--server-file") {
      if (!next()) return need("a file");
      o.server_files.push_back(value);
    } else if (name == "--phases") {
      if (!next()) return need("a list");
      o.phases.clear();
      for (auto& p : awslab::args::SplitComma(value)) {
        if (p != "startup" && p != "idle" && p != "small" && p != "big" && p != "list" &&
            p != "wrk" && p != "seeded")
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
      for (auto& c : awslab::args::SplitComma(value)) {
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
    } else if (name == "--list-keys" || name == "--list-page" || name == "--list-runs" ||
               name == "--wrk-threads") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 1 || *v > 10'000'000) return need("a positive number");
      (name == "--list-keys"   ? o.list_keys
       : name == "--list-page" ? o.list_page
       : name == "--list-runs" ? o.list_runs
                               : o.wrk_threads) = static_cast<int>(*v);
    } else if (name == "--seeded-dir") {
      if (!next()) return need("a directory");
      o.seeded_dir = value;
    } else if (name == "--seeded-bucket") {
      if (!next()) return need("a name");
      o.seeded_bucket = value;
    } else if (name == "--seeded-keys") {
      auto v = next() ? ParseSize(value) : std::nullopt;
      if (!v || *v < 1) return need("a positive number");
      o.seeded_keys = *v;
    } else if (name == "--wrk") {
      if (!next()) return need("a path");
      o.wrk = value;
    } else if (name == "--perf") {
      if (!next()) return need("a directory");
      o.perf_dir = value;
    } else if (auto common = ReadCommonFlag(args, o)) {
      if (!common->empty()) return need(common->c_str());
    } else {
      return Usage("unknown flag " + std::string(args.arg()));
    }
  }
  if (int n = !o.server.empty() + !o.server_cmd.empty() + o.endpoint_given; n > 1)
    return Usage("--endpoint, --server and --server-cmd exclude each other");
  if (o.phases.count("seeded") && (o.server.empty() || o.seeded_dir.empty()))
    return Usage("the seeded phase needs --server and --seeded-dir");
  if (o.work_dir.empty()) o.work_dir = DefaultWorkDir();
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
//
// The signing key is derived once per day and kept (as SDKs do), which saves
// four of the six HMAC/SHA-256 passes per request: the load generator must
// not be the bottleneck. The result is checked at start against
// awslab::sigv4::SignRequest (the library's one signer); if the two ever
// differ, every request goes through SignRequest.
//
// Thread-safety: Head() may be called from several threads.
class Signer {
 public:
  Signer(awslab::sigv4::Credentials creds, std::string region, std::string host)
      : creds_(std::move(creds)), region_(std::move(region)), host_(std::move(host)) {
    const auto t = std::chrono::system_clock::now();
    for (std::optional<std::uint64_t> length : {std::optional<std::uint64_t>(), std::optional<std::uint64_t>(4096)}) {
      if (Fast(t, "PUT", "/b/k", "abc", length, "list-type=2") !=
          Reference(t, "PUT", "/b/k", "abc", length, "list-type=2"))
        use_reference_ = true;
    }
  }

  std::string Head(std::string_view method, const std::string& path,
                   std::string_view payload_hash, std::optional<std::uint64_t> content_length,
                   std::string_view query = {}) const {
    const auto now = std::chrono::system_clock::now();
    return use_reference_ ? Reference(now, method, path, payload_hash, content_length, query)
                          : Fast(now, method, path, payload_hash, content_length, query);
  }
  bool uses_reference() const { return use_reference_; }

 private:
  static std::string Render(std::string_view method, const awslab::sigv4::HttpRequest& req,
                            std::string_view query) {
    std::string out;
    out.reserve(640);
    out.append(method).append(" ").append(req.path);
    if (!query.empty()) out.append("?").append(query);
    out.append(" HTTP/1.1\r\n");
    for (const auto& h : req.headers) out.append(h.name).append(": ").append(h.value).append("\r\n");
    out.append("\r\n");
    return out;
  }

  awslab::sigv4::HttpRequest Base(std::string_view method, const std::string& path,
                                  std::optional<std::uint64_t> content_length,
                                  std::string_view query) const {
    awslab::sigv4::HttpRequest req;
    req.method = std::string(method);
    req.path = path;
    req.query = std::string(query);
    req.headers.reserve(8);
    req.headers.push_back({"Host", host_});
    if (content_length) req.headers.push_back({"Content-Length", std::to_string(*content_length)});
    req.headers.push_back({"User-Agent", std::string(kVersion)});
    return req;
  }

  std::string Reference(std::chrono::system_clock::time_point t, std::string_view method,
                        const std::string& path, std::string_view payload_hash,
                        std::optional<std::uint64_t> content_length, std::string_view query) const {
    awslab::sigv4::HttpRequest req = Base(method, path, content_length, query);
    awslab::sigv4::SignOptions o;
    o.time = t;
    o.region = region_;
    o.service = "s3";
    o.normalize_path = false;
    o.payload_hash = std::string(payload_hash);
    o.add_content_sha256_header = true;
    awslab::sigv4::SignRequest(req, creds_, o);
    return Render(method, req, query);
  }

  std::string Fast(std::chrono::system_clock::time_point t, std::string_view method,
                   const std::string& path, std::string_view payload_hash,
                   std::optional<std::uint64_t> content_length, std::string_view query) const {
    namespace sigv4 = awslab::sigv4;
    sigv4::HttpRequest req = Base(method, path, content_length, query);
    const std::string amz_date = sigv4::AmzDate(t);
    req.headers.push_back({"X-Amz-Date", amz_date});
    req.headers.push_back({"x-amz-content-sha256", std::string(payload_hash)});
    // Every header but User-Agent, lowercase and sorted.
    static const std::vector<std::string> kWithLength = {"content-length", "host",
                                                         "x-amz-content-sha256", "x-amz-date"};
    static const std::vector<std::string> kWithout = {"host", "x-amz-content-sha256",
                                                      "x-amz-date"};
    const auto& signed_headers = content_length ? kWithLength : kWithout;
    sigv4::Scope scope{amz_date.substr(0, 8), region_, "s3"};
    awslab::crypto::Sha256Digest key;
    {
      std::lock_guard lock(mu_);
      if (key_date_ != scope.date) {
        key_ = sigv4::SigningKey(creds_.secret_access_key, scope);
        key_date_ = scope.date;
      }
      key = key_;
    }
    const std::string signature = sigv4::Signature(
        key, sigv4::StringToSign(amz_date, scope,
                                 sigv4::CanonicalRequest(req, signed_headers, payload_hash,
                                                         /*normalize_path=*/false)));
    std::string auth = "AWS4-HMAC-SHA256 Credential=" + creds_.access_key_id + "/" +
                       scope.ToString() + ", SignedHeaders=";
    for (std::size_t i = 0; i < signed_headers.size(); ++i)
      auth.append(i ? ";" : "").append(signed_headers[i]);
    auth += ", Signature=" + signature;
    req.headers.push_back({"Authorization", std::move(auth)});
    return Render(method, req, query);
  }

  awslab::sigv4::Credentials creds_;
  std::string region_;
  std::string host_;
  bool use_reference_ = false;
  mutable std::mutex mu_;                     // guards key_date_ and key_
  mutable std::string key_date_;              // "20150830": the day key_ is for
  mutable awslab::crypto::Sha256Digest key_{};
};

// ------------------------------------------------------------ server process

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

// A port that was free on 127.0.0.1 a moment ago (for --server-cmd), or 0.
std::uint16_t FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  std::uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0)
    port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

void ReplaceAll(std::string& s, std::string_view from, const std::string& to) {
  for (std::size_t at = s.find(from); at != s.npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
}

// Starts --server (awslab-server: fresh data dir, or `data_dir` when given) or
// --server-cmd (a peer on a free port, fresh {dir}).
bool StartServer(const Options& o, ServerProcess& sp, std::string& err,
                 const std::string& data_dir = {}) {
  if (!MakeServerDir(o.work_dir, "s3bench", sp, err, data_dir)) return false;
  std::vector<std::string> args;
  if (!o.server_cmd.empty()) {
    sp.host = "127.0.0.1";
    sp.port = FreePort();
    if (sp.port == 0) {
      err = "no free port on 127.0.0.1";
      return false;
    }
    auto fill = [&](std::string a) {
      ReplaceAll(a, "{port}", std::to_string(sp.port));
      ReplaceAll(a, "{data}", sp.data_dir);
      ReplaceAll(a, "{dir}", sp.dir);
      return a;
    };
    for (const std::string& file : o.server_files) {
      std::string text = ReadFile(file);
      if (text.empty()) {
        err = "cannot read --server-file " + file;
        return false;
      }
      std::ofstream out(sp.dir + "/" + std::filesystem::path(file).filename().string());
      out << fill(text);
      if (!out) {
        err = "cannot write " + file + " into " + sp.dir;
        return false;
      }
    }
    for (const std::string& a : SplitAtSpaces(o.server_cmd)) args.push_back(fill(a));
  } else {
    sp.host = ServerHost(o.server_args);
    args = AwslabServerArgs(o.server, sp);
    args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  }
  return SpawnServer(std::move(args), sp, err);
}

// How a server should end on SIGTERM: exit code 0; a peer (--server-cmd)
// may also just die of the signal (node, for one, has no handler).
bool StoppedCleanly(const Options& o, int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status) == 0;
  return !o.server_cmd.empty() && WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM;
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
    if (ReadPortFile(sp) && TryFirstRequest(sp.host, sp.port, deadline) == 1) {
      sp.first_response_ms = Millis(Clock::now() - sp.forked);
      return true;
    }
    next += 1ms;
    auto now = Clock::now();
    if (next < now) next = now;  // an attempt took longer than 1 ms: no burst of catch-up tries
    std::this_thread::sleep_until(next);
  }
}

// --------------------------------------------------------------- the client

struct Env {
  const Options* options = nullptr;
  Endpoint endpoint;
  tcp::endpoint address;
  std::unique_ptr<Signer> signer;
  std::string bucket;
  bool plain = false;  // --plain: no buckets, nothing deleted
  Pattern pattern{0x5eedb0a710ull};
  mutable std::atomic<std::uint64_t> next_id{0};  // small object ids, unique over the run
  pid_t server_pid = -1;                   // -1: not ours
};

constexpr std::string_view kSmallKeyPrefix = "s3bench/obj-";
constexpr std::string_view kListKeyPrefix = "s3bench/list-";
// awslab-seed's keys (bench/seed.cc): seed/0000000000 ...
constexpr std::string_view kSeedKeyPrefix = "seed/";

std::string KeyName(std::string_view prefix, std::uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%010llu", static_cast<unsigned long long>(id));
  return std::string(prefix) + buf;
}

std::string ObjectPath(const std::string& bucket, const std::string& key) {
  return "/" + bucket + "/" + key;
}
std::string ObjectPath(const Env& env, const std::string& key) {
  return ObjectPath(env.bucket, key);
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

// `perf record` of the server's processes during one run (--perf DIR).
class PerfRecorder {
 public:
  void Start(const std::string& out, const std::vector<pid_t>& pids) {
    std::string list;
    for (pid_t p : pids) list += (list.empty() ? "" : ",") + std::to_string(p);
    // DWARF unwinding: the build has no frame pointers, so -g alone loses
    // the callers of every user-space function.
    std::vector<std::string> args = {"perf", "record",   "-F", "499", "--call-graph",
                                     "dwarf,16384", "-p", list, "-o",  out};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int log_fd = ::open((out + ".log").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = ::fork();
    if (pid_ == 0) {
      if (log_fd >= 0) {
        ::dup2(log_fd, 1);
        ::dup2(log_fd, 2);
      }
      ::prctl(PR_SET_PDEATHSIG, SIGINT);
      ::execvp(argv[0], argv.data());
      ::_exit(127);
    }
    if (log_fd >= 0) ::close(log_fd);
    std::this_thread::sleep_for(500ms);  // perf attaches to every thread
  }
  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  ~PerfRecorder() { Stop(); }

 private:
  pid_t pid_ = -1;
};

// ----------------------------------------------------------- small objects

enum class Op { kPut, kGet, kDelete };
const char* OpName(Op op) { return op == Op::kPut ? "PUT" : op == Op::kGet ? "GET" : "DELETE"; }

struct LoadSpec {
  Op op = Op::kPut;
  int connections = 1;
  double duration = 0;  // 0: until the keys run out
  // GET, DELETE; PUT: these ids instead of fresh ones.
  const std::vector<std::uint64_t>* keys = nullptr;
  std::string bucket;  // empty: env.bucket
  std::string_view key_prefix = kSmallKeyPrefix;
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
  // A strand only when the io_context has several threads: with one, it
  // would cost the generator about a tenth of its CPU for nothing.
  Conn(asio::io_context& ioc, bool strand)
      : stream(strand ? asio::any_io_executor(asio::make_strand(ioc))
                      : asio::any_io_executor(ioc.get_executor())) {}
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
  const std::string& bucket = sh.spec.bucket.empty() ? env.bucket : sh.spec.bucket;
  std::string body, expected;
  body.reserve(size);
  try {
    while (true) {
      if (sh.spec.duration > 0 && Clock::now() >= sh.deadline) break;
      std::uint64_t id = 0;
      if (sh.spec.op == Op::kPut && !sh.spec.keys) {
        id = env.next_id.fetch_add(1);
      } else {
        std::uint64_t i = sh.next.fetch_add(1);
        const auto& keys = *sh.spec.keys;
        if (sh.spec.duration <= 0 && i >= keys.size()) break;
        id = keys[i % keys.size()];
      }
      const std::string path = ObjectPath(bucket, KeyName(sh.spec.key_prefix, id));
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

std::optional<LoadResult> RunLoad(const Env& env, const LoadSpec& spec, std::string& err) {
  LoadResult r;
  r.op = spec.op;
  r.connections = spec.connections;
  asio::io_context ioc(env.options->client_threads);
  std::vector<std::unique_ptr<Conn>> conns;
  // Connected before the clock starts: the runs measure requests, not handshakes.
  for (int i = 0; i < spec.connections; ++i) {
    conns.push_back(std::make_unique<Conn>(ioc, env.options->client_threads > 1));
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
  const std::vector<pid_t> tree = ProcessTree(env.server_pid);
  PerfRecorder perf;
  if (!env.options->perf_dir.empty() && !tree.empty())
    perf.Start(env.options->perf_dir + "/" + OpName(spec.op) + "-" +
                   std::to_string(spec.connections) + ".data",
               tree);
  const double cpu0 = SelfCpuSeconds();
  const double scpu0 = TreeCpuSeconds(tree);
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
  r.client_cpu_s = SelfCpuSeconds() - cpu0;
  if (scpu0 >= 0) {
    double scpu1 = TreeCpuSeconds(tree);
    if (scpu1 >= 0) r.server_cpu_s = scpu1 - scpu0;
  }
  perf.Stop();
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
  r.p50_ms = Percentile(all, 0.50) / 1e6;  // ns to ms
  r.p90_ms = Percentile(all, 0.90) / 1e6;
  r.p99_ms = Percentile(all, 0.99) / 1e6;
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
  r.server_rss_after_kb = ReadTreeStatus(tree).rss_kb;
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
  const std::vector<pid_t> tree = ProcessTree(env.server_pid);
  if (env.server_pid > 0) {
    r.hwm_reset = ResetPeakRss(env.server_pid);
    r.server_rss_before_kb = ReadTreeStatus(tree).rss_kb;
    sampler.Start(env.server_pid);
  }
  const double cpu0 = SelfCpuSeconds();
  const double scpu0 = TreeCpuSeconds(tree);
  const double busy0 = MachineBusySeconds();
  const auto t0 = Clock::now();
  asio::co_spawn(ioc, put ? BigPut(env, stream, r) : BigGet(env, stream, r), asio::detached);
  ioc.run();
  r.seconds = Seconds(Clock::now() - t0);
  r.client_cpu_s = SelfCpuSeconds() - cpu0;
  if (env.server_pid > 0) {
    sampler.Stop();
    r.server_peak_rss_kb = sampler.max_kb();
    r.server_peak_anon_kb = sampler.max_anon_kb();
    r.rss_samples = sampler.samples();
    r.server_hwm_kb = ReadTreeStatus(tree).hwm_kb;
    double scpu1 = TreeCpuSeconds(tree);
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

void Progress(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  std::size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// ------------------------------------------------------------ one connection

// One keep-alive connection with blocking, signed requests (the list and
// seeded phases, which time requests one at a time).
class SyncConnection {
 public:
  explicit SyncConnection(const Env& env) : env_(env), socket_(ioc_) {}

  bool Connect(std::string& err) {
    boost::system::error_code ec;
    if (socket_.is_open()) socket_.close(ec);
    buffer_.clear();
    socket_.connect(env_.address, ec);
    if (!ec) socket_.set_option(tcp::no_delay(true), ec);
    if (ec) err = "connect to " + env_.endpoint.url + ": " + ec.message();
    return !ec;
  }

  // Signs, then times from the first byte sent to the last byte read (*ms).
  // When the server closed the connection after the last answer (moto does
  // after every one), connects again first, outside the timed part.
  SimpleResponse Request(std::string_view method, const std::string& path,
                         std::string_view query, double* ms = nullptr) {
    SimpleResponse out;
    if (!socket_.is_open() && !Connect(out.error)) return out;
    std::string head =
        env_.signer->Head(method, path, awslab::sigv4::kEmptySha256, std::nullopt, query);
    const auto t0 = Clock::now();
    boost::system::error_code ec;
    asio::write(socket_, asio::buffer(head), ec);
    if (ec) {
      out.error = "write: " + ec.message();
      return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    http::read(socket_, buffer_, parser, ec);
    if (ec) {
      out.error = "read: " + ec.message();
      return out;
    }
    if (ms) *ms = Millis(Clock::now() - t0);
    if (!parser.get().keep_alive()) socket_.close(ec);
    out.status = parser.get().result_int();
    out.body = std::move(parser.get().body());
    return out;
  }

 private:
  const Env& env_;
  asio::io_context ioc_;
  tcp::socket socket_;
  beast::flat_buffer buffer_;
};

// ------------------------------------------------------------------ listing

// The text of the first <tag>...</tag> in xml, or nullopt.
std::optional<std::string> XmlElement(std::string_view xml, std::string_view tag) {
  std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
  auto b = xml.find(open);
  if (b == xml.npos) return std::nullopt;
  b += open.size();
  auto e = xml.find(close, b);
  if (e == xml.npos) return std::nullopt;
  return std::string(xml.substr(b, e - b));
}

std::size_t CountOf(std::string_view text, std::string_view what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != text.npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

struct ListPage {
  double ms = 0;
  std::size_t keys = 0;
  bool truncated = false;
  std::string next_token;
  std::string first_key, last_key;
  std::string error;
};

// One ListObjectsV2 page: max-keys, then start-after or continuation-token.
ListPage ListOnePage(SyncConnection& conn, const std::string& bucket, int max_keys,
                     const std::string& token, const std::string& start_after = {}) {
  ListPage p;
  std::string query = "list-type=2&max-keys=" + std::to_string(max_keys);
  if (!token.empty()) query += "&continuation-token=" + awslab::sigv4::UriEncode(token, true);
  if (!start_after.empty()) query += "&start-after=" + awslab::sigv4::UriEncode(start_after, true);
  SimpleResponse r = conn.Request("GET", "/" + bucket, query, &p.ms);
  if (!r.error.empty()) {
    p.error = r.error;
    return p;
  }
  if (r.status != 200) {
    p.error = "ListObjectsV2: status " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
    return p;
  }
  p.keys = CountOf(r.body, "<Key>");
  p.truncated = XmlElement(r.body, "IsTruncated").value_or("") == "true";
  p.next_token = XmlElement(r.body, "NextContinuationToken").value_or("");
  p.first_key = XmlElement(r.body, "Key").value_or("");
  if (auto at = r.body.rfind("<Key>"); at != std::string::npos)
    p.last_key = XmlElement(std::string_view(r.body).substr(at), "Key").value_or("");
  if (p.truncated && p.next_token.empty()) p.error = "truncated page without NextContinuationToken";
  return p;
}

struct ListRun {
  double total_ms = 0;  // sum of the pages' times (one connection, back to back)
  double wall_ms = 0;   // including the client's signing and parsing between pages
  int pages = 0;
  std::uint64_t keys = 0;
};

struct ListResult {
  std::string bucket;
  int keys_put = 0;
  int page_size = 0;
  double put_seconds = 0;
  std::vector<ListRun> runs;
  std::vector<double> page_ms;  // every page of every run
  std::string error;
};

// Lists the whole bucket, page after page, following continuation tokens.
ListRun ListAll(SyncConnection& conn, const std::string& bucket, int page_size,
                std::vector<double>& page_ms, std::string& err) {
  ListRun run;
  std::string token;
  const auto t0 = Clock::now();
  while (true) {
    ListPage p = ListOnePage(conn, bucket, page_size, token);
    if (!p.error.empty()) {
      err = p.error;
      break;
    }
    ++run.pages;
    run.keys += p.keys;
    run.total_ms += p.ms;
    page_ms.push_back(p.ms);
    if (!p.truncated) break;
    token = p.next_token;
    if (run.pages > 1'000'000) {
      err = "more than a million pages";
      break;
    }
  }
  run.wall_ms = Millis(Clock::now() - t0);
  return run;
}

// Creates a bucket (S3 endpoints; true when it exists afterwards).
bool CreateBucket(const Env& env, const std::string& bucket, std::string& err) {
  const Options& o = *env.options;
  std::string body;
  if (o.region != "us-east-1")
    body = "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
           "<LocationConstraint>" + o.region + "</LocationConstraint></CreateBucketConfiguration>";
  SimpleResponse r = Simple(env, "PUT", "/" + bucket, body);
  if (r.error.empty() &&
      (r.status / 100 == 2 || r.body.find("BucketAlreadyOwnedByYou") != std::string::npos))
    return true;
  err = "CreateBucket " + bucket + " at " + env.endpoint.url + ": " +
        (r.error.empty() ? "status " + std::to_string(r.status) + ": " + r.body.substr(0, 400)
                         : r.error);
  return false;
}

// The list phase: --list-keys objects into a fresh bucket, then --list-runs
// times the whole bucket in pages of --list-page.
ListResult RunList(const Env& env) {
  const Options& o = *env.options;
  ListResult res;
  res.bucket = env.bucket + "-list";
  res.page_size = o.list_page;
  if (!CreateBucket(env, res.bucket, res.error)) return res;
  std::vector<std::uint64_t> ids(o.list_keys);
  for (int i = 0; i < o.list_keys; ++i) ids[i] = i;
  LoadSpec spec;
  spec.op = Op::kPut;
  spec.connections = *std::max_element(o.concurrency.begin(), o.concurrency.end());
  spec.keys = &ids;
  spec.bucket = res.bucket;
  spec.key_prefix = kListKeyPrefix;
  auto put = RunLoad(env, spec, res.error);
  if (!put) return res;
  res.put_seconds = put->seconds;
  res.keys_put = static_cast<int>(put->ok);
  if (put->ok != ids.size()) {
    res.error = "only " + std::to_string(put->ok) + " of " + std::to_string(ids.size()) +
                " PUTs succeeded; first error: " + put->first_error;
    return res;
  }
  Progress("list: %d objects put in %.2f s", res.keys_put, res.put_seconds);
  SyncConnection conn(env);
  if (!conn.Connect(res.error)) return res;
  for (int i = 0; i < o.list_runs; ++i) {
    ListRun run = ListAll(conn, res.bucket, o.list_page, res.page_ms, res.error);
    if (!res.error.empty()) return res;
    if (run.keys != ids.size()) {
      res.error = "listed " + std::to_string(run.keys) + " keys, expected " +
                  std::to_string(ids.size());
      return res;
    }
    res.runs.push_back(run);
  }
  return res;
}

// Deletes what the list phase wrote (an endpoint that s3bench did not start).
void CleanUpList(const Env& env, const ListResult& res, std::vector<std::string>& problems) {
  std::vector<std::uint64_t> ids(res.keys_put);
  for (int i = 0; i < res.keys_put; ++i) ids[i] = i;
  std::string err;
  LoadSpec spec{Op::kDelete, 16, 0, &ids, res.bucket, kListKeyPrefix};
  auto del = RunLoad(env, spec, err);
  if (!del || del->http_errors || del->io_errors)
    problems.push_back("clean-up: some objects of " + res.bucket + " were not deleted: " +
                       (del ? del->first_error : err));
  SimpleResponse d = Simple(env, "DELETE", "/" + res.bucket);
  if (d.status / 100 != 2)
    problems.push_back("clean-up: DeleteBucket " + res.bucket + ": " + d.error + " " +
                       std::to_string(d.status));
}

// ------------------------------------------------------------ seeded data dir

struct SeededResult {
  std::string data_dir;
  std::string bucket;
  std::uint64_t keys = 0;
  std::vector<StartupRun> startup;
  double startup_median_ms = -1, startup_max_ms = -1;
  std::vector<IdleReading> idle;
  double first_page_cold_ms = -1;      // the first request after start-up
  std::vector<double> first_page_ms;   // the bucket's first page, warm
  std::vector<double> middle_page_ms;  // start-after the middle key
  std::string error;
};

bool CheckPage(const ListPage& p, int expect, const char* what, std::string& err) {
  if (!p.error.empty()) {
    err = std::string(what) + ": " + p.error;
    return false;
  }
  if (p.keys != static_cast<std::size_t>(expect) || !p.truncated) {
    err = std::string(what) + ": " + std::to_string(p.keys) + " keys (truncated: " +
          (p.truncated ? "yes" : "no") + "), expected " + std::to_string(expect) + " and more";
    return false;
  }
  return true;
}

// The seeded phase: start-up and memory of the server on a data dir that
// awslab-seed filled, and the time of one page from its big bucket.
SeededResult RunSeeded(Env& env, const Options& o) {
  SeededResult res;
  res.data_dir = o.seeded_dir;
  res.bucket = o.seeded_bucket;
  res.keys = o.seeded_keys;
  std::vector<double> times;
  for (int i = 0; i < o.startup_runs; ++i) {
    ServerProcess sp;
    if (!StartServer(o, sp, res.error, o.seeded_dir) || !WaitForFirstResponse(sp, 60s, res.error)) {
      StopServer(sp);
      res.error = "start-up run " + std::to_string(i + 1) + ": " + res.error;
      return res;
    }
    StopServer(sp);
    res.startup.push_back({sp.listening_ms, sp.first_response_ms, sp.stop_ms,
                           DescribeExit(sp.exit_status)});
    times.push_back(sp.first_response_ms);
  }
  res.startup_median_ms = Median(times);
  res.startup_max_ms = times.empty() ? -1 : *std::max_element(times.begin(), times.end());
  Progress("seeded: start-up median %.1f ms, max %.1f ms", res.startup_median_ms,
           res.startup_max_ms);

  ServerProcess sp;
  if (!StartServer(o, sp, res.error, o.seeded_dir) || !WaitForFirstResponse(sp, 60s, res.error)) {
    StopServer(sp);
    return res;
  }
  const pid_t old_pid = env.server_pid;
  const Endpoint old_endpoint = env.endpoint;
  const tcp::endpoint old_address = env.address;
  const std::unique_ptr<Signer> old_signer = std::move(env.signer);
  env.server_pid = sp.pid;
  env.endpoint.host_header = sp.host + ":" + std::to_string(sp.port);
  env.endpoint.url = "http://" + env.endpoint.host_header;
  env.address = tcp::endpoint(asio::ip::make_address(sp.host), sp.port);
  env.signer = std::make_unique<Signer>(
      awslab::sigv4::Credentials{o.access_key, o.secret_key, ""}, o.region,
      env.endpoint.host_header);
  auto idle = [&](const std::string& when) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.settle));
    ProcStatus st = ReadTreeStatus(sp.pid);
    res.idle.push_back({when, st});
    Progress("seeded %s: RSS %s (anon %s, file %s)", when.c_str(), Mib(st.rss_kb).c_str(),
             Mib(st.rss_anon_kb).c_str(), Mib(st.rss_file_kb).c_str());
  };
  [&] {
    idle("after start-up");
    SyncConnection conn(env);
    if (!conn.Connect(res.error)) return;
    const int page = std::min<std::uint64_t>(o.list_page, res.keys - 1);
    ListPage cold = ListOnePage(conn, res.bucket, page, "");
    if (!CheckPage(cold, page, "first page", res.error)) return;
    res.first_page_cold_ms = cold.ms;
    const std::string middle = KeyName(kSeedKeyPrefix, res.keys / 2);
    for (int i = 0; i < o.list_runs; ++i) {
      ListPage first = ListOnePage(conn, res.bucket, page, "");
      if (!CheckPage(first, page, "first page", res.error)) return;
      ListPage mid = ListOnePage(conn, res.bucket, page, "", middle);
      if (!CheckPage(mid, page, "middle page", res.error)) return;
      if (mid.first_key != KeyName(kSeedKeyPrefix, res.keys / 2 + 1)) {
        res.error = "the page after " + middle + " starts at " + mid.first_key;
        return;
      }
      res.first_page_ms.push_back(first.ms);
      res.middle_page_ms.push_back(mid.ms);
    }
    idle("after listing");
  }();
  StopServer(sp);
  if (res.error.empty() && !StoppedCleanly(o, sp.exit_status))
    res.error = "the server ended with " + DescribeExit(sp.exit_status) + " on SIGTERM";
  env.server_pid = old_pid;
  env.endpoint = old_endpoint;
  env.address = old_address;
  env.signer = std::make_unique<Signer>(
      awslab::sigv4::Credentials{o.access_key, o.secret_key, ""}, o.region,
      env.endpoint.host_header);
  return res;
}

// ---------------------------------------------------------------------- wrk

struct WrkResult {
  std::string skipped;  // why it did not run
  std::string command;
  int threads = 0, connections = 0;
  double seconds = 0;
  std::uint64_t requests = 0;
  double rps = 0;
  std::uint64_t non_2xx = 0, socket_errors = 0;
  double latency_mean_ms = -1, p50_ms = -1, p90_ms = -1, p99_ms = -1;
  double wrk_cpu_s = -1, server_cpu_s = -1, other_cpu_s = -1;
  std::string error;
};

const std::string kWrkKey = "s3bench/wrk-object";

// "1.23ms" -> 1.23; "850.00us" -> 0.85; "1.02s" -> 1020.
double WrkMillis(const std::string& s) {
  double v = std::strtod(s.c_str(), nullptr);
  if (s.ends_with("us")) return v / 1000;
  if (s.ends_with("ms")) return v;
  if (s.ends_with("m")) return v * 60000;
  if (s.ends_with("s")) return v * 1000;
  return v;
}

// The wrk phase: wrk GETs one small object over as many connections as the
// largest --concurrency, with the headers of one signed GET (a signature stays
// valid for minutes). wrk reads no body, so nothing is compared.
WrkResult RunWrk(const Env& env) {
  const Options& o = *env.options;
  WrkResult w;
  w.threads = o.wrk_threads;
  w.connections = *std::max_element(o.concurrency.begin(), o.concurrency.end());
  const std::string path = ObjectPath(env, kWrkKey);
  std::string body;
  FillSmallBody(env, 7, body);
  SimpleResponse put = Simple(env, "PUT", path, body);
  if (!put.error.empty() || put.status / 100 != 2) {
    w.error = "PUT " + path + ": " + put.error + " " + std::to_string(put.status);
    return w;
  }
  SimpleResponse check = Simple(env, "GET", path);
  if (check.status != 200 || check.body != body) {
    w.error = "GET " + path + " before wrk: status " + std::to_string(check.status) +
              (check.body != body ? ", body differs" : "");
    return w;
  }
  std::string head = env.signer->Head("GET", path, awslab::sigv4::kEmptySha256, std::nullopt);
  std::string dir = o.work_dir + "/s3bench-wrk-XXXXXX";
  if (!::mkdtemp(dir.data())) {
    w.error = "mkdtemp: " + std::string(std::strerror(errno));
    return w;
  }
  const std::string script = dir + "/get.lua", out_file = dir + "/out.txt";
  {
    std::ofstream f(script);
    f << "wrk.method = \"GET\"\nwrk.path = [[" << path << "]]\n";
    std::istringstream lines(head);
    std::string line;
    std::getline(lines, line);  // the request line
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(": ");
      if (colon == std::string::npos) continue;
      f << "wrk.headers[\"" << line.substr(0, colon) << "\"] = [[" << line.substr(colon + 2)
        << "]]\n";
    }
  }
  std::vector<std::string> args = {o.wrk, "-t", std::to_string(w.threads), "-c",
                                   std::to_string(w.connections), "-d",
                                   std::to_string(std::max(1, static_cast<int>(o.duration))) + "s",
                                   "--latency", "-s", script, env.endpoint.url + path};
  for (auto& a : args) w.command += (w.command.empty() ? "" : " ") + a;
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const std::vector<pid_t> tree = ProcessTree(env.server_pid);
  const double scpu0 = TreeCpuSeconds(tree);
  const double busy0 = MachineBusySeconds();
  const double self0 = SelfCpuSeconds();
  const auto t0 = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(out_fd, 1);
    ::dup2(out_fd, 2);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(out_fd);
  int status = 0;
  rusage ru{};
  if (pid > 0) ::wait4(pid, &status, 0, &ru);
  w.seconds = Seconds(Clock::now() - t0);
  const double scpu1 = TreeCpuSeconds(tree);
  if (scpu0 >= 0 && scpu1 >= 0) w.server_cpu_s = scpu1 - scpu0;
  w.wrk_cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
                ru.ru_stime.tv_usec / 1e6;
  const double self = SelfCpuSeconds() - self0;
  if (double busy1 = MachineBusySeconds(); busy0 >= 0 && busy1 >= 0)
    w.other_cpu_s =
        std::max(0.0, busy1 - busy0 - w.wrk_cpu_s - self - std::max(0.0, w.server_cpu_s));
  std::string text = ReadFile(out_file);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    w.error = "wrk failed (" + DescribeExit(status) + "): " + text.substr(0, 400);
    return w;
  }
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> f;
    for (std::string x; words >> x;) f.push_back(x);
    if (f.empty()) continue;
    if (f[0] == "Requests/sec:" && f.size() > 1) w.rps = std::strtod(f[1].c_str(), nullptr);
    else if (f.size() > 2 && f[1] == "requests" && f[2] == "in")
      w.requests = std::strtoull(f[0].c_str(), nullptr, 10);
    else if (f[0] == "Latency" && f.size() > 1 && f[1] != "Distribution")
      w.latency_mean_ms = WrkMillis(f[1]);
    else if (f[0] == "50%" && f.size() > 1) w.p50_ms = WrkMillis(f[1]);
    else if (f[0] == "90%" && f.size() > 1) w.p90_ms = WrkMillis(f[1]);
    else if (f[0] == "99%" && f.size() > 1) w.p99_ms = WrkMillis(f[1]);
    else if (line.find("Non-2xx or 3xx responses:") != line.npos)
      w.non_2xx = std::strtoull(f.back().c_str(), nullptr, 10);
    else if (f[0] == "Socket" && f.size() > 2 && f[1] == "errors:") {
      for (std::size_t i = 2; i + 1 < f.size(); i += 2)
        w.socket_errors += std::strtoull(f[i + 1].c_str(), nullptr, 10);
    }
  }
  if (w.rps <= 0) w.error = "no Requests/sec in wrk's output: " + text.substr(0, 400);
  return w;
}

struct Report {
  std::string date;
  std::string loadavg_start, loadavg_end;  // /proc/loadavg: was the machine busy with other work?
  std::vector<StartupRun> startup;
  double startup_median_ms = -1, startup_max_ms = -1;
  std::vector<IdleReading> idle;
  std::vector<LoadResult> small;
  std::vector<BigResult> big;
  std::optional<ListResult> list;
  std::optional<WrkResult> wrk;
  std::optional<SeededResult> seeded;
  std::vector<std::string> notes;
  std::vector<std::string> problems;
  std::string server_exit;
  std::vector<std::string> server_log;  // lines other than the start and stop lines
  double total_seconds = 0;
  double client_cpu_total_s = 0;
};

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
  json::object target{{"endpoint", env.endpoint.url},
                      {"region", o.region},
                      {"bucket", env.bucket},
                      {"plain", o.plain}};
  if (own_server) {
    json::array args;
    for (auto& a : o.server_args) args.emplace_back(a);
    if (!o.server.empty()) target["server"] = o.server;
    if (!o.server_cmd.empty()) target["server_cmd"] = o.server_cmd;
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
                      {"settle_s", o.settle},
                      {"list_keys", o.list_keys},
                      {"list_page", o.list_page},
                      {"list_runs", o.list_runs}};

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
  auto stats = [](const std::vector<double>& v) -> json::value {
    if (v.empty()) return nullptr;
    return {{"median", Round(Median(v), 3)},
            {"min", Round(*std::min_element(v.begin(), v.end()), 3)},
            {"max", Round(*std::max_element(v.begin(), v.end()), 3)},
            {"n", v.size()}};
  };
  auto num_or_null = [](double v, int digits) -> json::value {
    return v < 0 ? json::value(nullptr) : json::value(Round(v, digits));
  };
  if (rep.wrk) {
    const WrkResult& w = *rep.wrk;
    json::object x{{"command", w.command},
                   {"threads", w.threads},
                   {"connections", w.connections},
                   {"seconds", Round(w.seconds, 3)},
                   {"requests", w.requests},
                   {"req_per_s", Round(w.rps, 1)},
                   {"non_2xx", w.non_2xx},
                   {"socket_errors", w.socket_errors},
                   {"latency_ms",
                    {{"mean", num_or_null(w.latency_mean_ms, 4)},
                     {"p50", num_or_null(w.p50_ms, 4)},
                     {"p90", num_or_null(w.p90_ms, 4)},
                     {"p99", num_or_null(w.p99_ms, 4)}}},
                   {"wrk_cpu_s", num_or_null(w.wrk_cpu_s, 3)},
                   {"server_cpu_s", num_or_null(w.server_cpu_s, 3)},
                   {"other_processes_cpu_s", num_or_null(w.other_cpu_s, 3)}};
    if (!w.error.empty()) x["error"] = w.error;
    phases["wrk"] = std::move(x);
  }
  if (rep.list) {
    const ListResult& l = *rep.list;
    std::vector<double> totals, walls;
    json::array runs;
    for (auto& r : l.runs) {
      totals.push_back(r.total_ms);
      walls.push_back(r.wall_ms);
      runs.push_back({{"total_ms", Round(r.total_ms, 3)},
                      {"wall_ms", Round(r.wall_ms, 3)},
                      {"pages", r.pages},
                      {"keys", r.keys}});
    }
    json::object x{{"bucket", l.bucket},
                   {"keys", l.keys_put},
                   {"page_size", l.page_size},
                   {"put_seconds", Round(l.put_seconds, 3)},
                   {"all_keys_ms", stats(totals)},
                   {"all_keys_wall_ms", stats(walls)},
                   {"page_ms", stats(l.page_ms)},
                   {"runs", std::move(runs)}};
    if (!l.error.empty()) x["error"] = l.error;
    phases["list"] = std::move(x);
  }
  if (rep.seeded) {
    const SeededResult& sd = *rep.seeded;
    json::array runs, idle;
    for (auto& r : sd.startup)
      runs.push_back({{"listening_ms", Round(r.listening_ms, 3)},
                      {"first_response_ms", Round(r.first_response_ms, 3)},
                      {"stop_ms", Round(r.stop_ms, 3)},
                      {"exit", r.exit}});
    for (auto& i : sd.idle)
      idle.push_back({{"when", i.when},
                      {"rss_kb", KbJson(i.st.rss_kb)},
                      {"rss_anon_kb", KbJson(i.st.rss_anon_kb)},
                      {"rss_file_kb", KbJson(i.st.rss_file_kb)},
                      {"hwm_kb", KbJson(i.st.hwm_kb)},
                      {"threads", i.st.threads}});
    json::object x{{"data_dir", sd.data_dir},
                   {"bucket", sd.bucket},
                   {"keys", sd.keys},
                   {"startup", {{"median_ms", num_or_null(sd.startup_median_ms, 3)},
                                {"max_ms", num_or_null(sd.startup_max_ms, 3)},
                                {"runs", std::move(runs)}}},
                   {"idle", std::move(idle)},
                   {"page_size", std::min<std::uint64_t>(o.list_page, sd.keys - 1)},
                   {"first_page_cold_ms", num_or_null(sd.first_page_cold_ms, 3)},
                   {"first_page_ms", stats(sd.first_page_ms)},
                   {"middle_page_ms", stats(sd.middle_page_ms)}};
    if (!sd.error.empty()) x["error"] = sd.error;
    phases["seeded"] = std::move(x);
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
              own_server ? (" (" + (o.server.empty() ? o.server_cmd : o.server) +
                            ", started by s3bench)").c_str()
                         : "");
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
    std::printf("\nSmall objects: %zu B, SigV4 with the payload's SHA-256, keep-alive, %.0f s per run%s\n",
                o.object_size, o.duration,
                o.plain ? " (plain: PUT is a WebDAV PUT, the signature is ignored)" : "");
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
  if (rep.wrk && rep.wrk->error.empty()) {
    const WrkResult& w = *rep.wrk;
    std::printf("\nwrk: GET of one %zu B object, %d connections, %d thread(s), %.1f s\n",
                o.object_size, w.connections, w.threads, w.seconds);
    std::printf("  %.0f req/s, latency mean %.3f ms, p50 %.3f ms, p99 %.3f ms; %llu non-2xx, "
                "%llu socket errors\n  CPU: wrk %s, server %s, other %s\n",
                w.rps, w.latency_mean_ms, w.p50_ms, w.p99_ms,
                static_cast<unsigned long long>(w.non_2xx),
                static_cast<unsigned long long>(w.socket_errors),
                Percent(w.wrk_cpu_s, w.seconds).c_str(), Percent(w.server_cpu_s, w.seconds).c_str(),
                Percent(w.other_cpu_s, w.seconds).c_str());
  }
  if (rep.list && rep.list->error.empty()) {
    const ListResult& l = *rep.list;
    std::vector<double> totals, walls;
    for (auto& r : l.runs) {
      totals.push_back(r.total_ms);
      walls.push_back(r.wall_ms);
    }
    std::printf("\nListing: %d keys (put in %.2f s), ListObjectsV2 pages of %d, one connection, "
                "%zu runs\n",
                l.keys_put, l.put_seconds, l.page_size, l.runs.size());
    std::printf("  all keys: median %.2f ms (min %.2f, max %.2f); with the client's work between "
                "pages %.2f ms; one page: median %.3f ms\n",
                Median(totals), *std::min_element(totals.begin(), totals.end()),
                *std::max_element(totals.begin(), totals.end()), Median(walls),
                Median(l.page_ms));
  }
  if (rep.seeded) {
    const SeededResult& sd = *rep.seeded;
    std::printf("\nSeeded data dir %s: bucket %s with %llu keys\n", sd.data_dir.c_str(),
                sd.bucket.c_str(), static_cast<unsigned long long>(sd.keys));
    if (!sd.startup.empty()) {
      std::printf("  start-up: median %.1f ms, max %.1f ms (runs:", sd.startup_median_ms,
                  sd.startup_max_ms);
      for (auto& r : sd.startup) std::printf(" %.1f", r.first_response_ms);
      std::printf(")\n");
    }
    for (auto& i : sd.idle)
      std::printf("  idle %-15s VmRSS %s, RssAnon %s, RssFile %s, threads %ld\n", i.when.c_str(),
                  Mib(i.st.rss_kb).c_str(), Mib(i.st.rss_anon_kb).c_str(),
                  Mib(i.st.rss_file_kb).c_str(), i.st.threads);
    if (!sd.first_page_ms.empty())
      std::printf("  one page of %d keys: first request after start-up %.3f ms; first page median "
                  "%.3f ms; page after the middle key median %.3f ms\n",
                  static_cast<int>(std::min<std::uint64_t>(o.list_page, sd.keys - 1)),
                  sd.first_page_cold_ms, Median(sd.first_page_ms), Median(sd.middle_page_ms));
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
  const bool own_server = !o.server.empty() || !o.server_cmd.empty();
  if (!o.server.empty() && ::access(o.server.c_str(), X_OK) != 0)
    return Usage("--server " + o.server + ": " + std::strerror(errno));
  const auto run_start = Clock::now();
  const double cpu_start = SelfCpuSeconds();
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
  env.plain = o.plain;

  auto has = [&](const char* p) { return o.phases.count(p) > 0; };
  if (o.plain && has("list")) {
    rep.notes.push_back("list phase skipped: a plain file server has no ListObjectsV2");
    o.phases.erase("list");
  }
  if (!own_server && (has("startup") || has("idle"))) {
    if (!has("small") && !has("big") && !has("list") && !has("wrk"))
      return Usage("the startup and idle phases need --server or --server-cmd");
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
      if (!StoppedCleanly(o, sp.exit_status))
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
  const bool main_server =
      own_server && (has("idle") || has("small") || has("big") || has("list") || has("wrk"));
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
  } else if (own_server) {
    o.endpoint = "http://127.0.0.1:1";  // only the seeded phase: it sets its own
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
  if (env.signer->uses_reference())
    rep.notes.push_back("the cached-key signer differed from awslab::sigv4::SignRequest, so every "
                        "request was signed by SignRequest (slower client)");

  auto idle_reading = [&](const std::string& when) {
    if (!own_server || !has("idle")) return;
    std::this_thread::sleep_for(std::chrono::duration<double>(o.settle));
    ProcStatus st = ReadTreeStatus(server.pid);
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

  // The bucket (a plain file server has none: PUT creates the folders).
  const bool load = has("small") || has("big") || has("list") || has("wrk");
  bool created_bucket = false;
  if (load && !o.plain) {
    std::string err;
    if (!CreateBucket(env, env.bucket, err)) {
      std::fprintf(stderr, "s3bench: %s\n", err.c_str());
      StopServer(server);
      return 1;
    }
    created_bucket = o.bucket.empty();
  }

  // 3. Small objects.
  std::vector<std::uint64_t> all_written;
  if (has("small")) {
    for (int conns : o.concurrency) {
      if (!alive) break;
      std::string err;
      auto put = RunLoad(env, {Op::kPut, conns, o.duration, nullptr, {}, kSmallKeyPrefix}, err);
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
      auto get = RunLoad(env, {Op::kGet, conns, o.duration, &keys, {}, kSmallKeyPrefix}, err);
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

  // wrk on one small object, as a second opinion on the small GET rate.
  if (has("wrk") && alive) {
    Progress("wrk: %s, %d connections, %.0f s...", o.wrk.c_str(),
             *std::max_element(o.concurrency.begin(), o.concurrency.end()), o.duration);
    rep.wrk = RunWrk(env);
    if (!rep.wrk->error.empty()) rep.problems.push_back("wrk: " + rep.wrk->error);
    else
      Progress("wrk: %.0f req/s, %llu non-2xx, %llu socket errors", rep.wrk->rps,
               static_cast<unsigned long long>(rep.wrk->non_2xx),
               static_cast<unsigned long long>(rep.wrk->socket_errors));
    if (rep.wrk->non_2xx || rep.wrk->socket_errors)
      rep.problems.push_back("wrk: " + std::to_string(rep.wrk->non_2xx) + " non-2xx answers, " +
                             std::to_string(rep.wrk->socket_errors) + " socket errors");
    alive = server_alive("the wrk run");
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
    if (alive && !o.plain) {
      SimpleResponse d = Simple(env, "DELETE", ObjectPath(env, kBigKey));
      if (!d.error.empty() || d.status / 100 != 2)
        rep.problems.push_back("DELETE of the big object: " + d.error + " " +
                               std::to_string(d.status));
      idle_reading("after big object");
    }
  }

  // Listing.
  if (has("list") && alive) {
    Progress("list: %d objects, pages of %d, %d runs...", o.list_keys, o.list_page, o.list_runs);
    rep.list = RunList(env);
    if (!rep.list->error.empty()) rep.problems.push_back("list: " + rep.list->error);
    else {
      std::vector<double> totals;
      for (auto& r : rep.list->runs) totals.push_back(r.total_ms);
      Progress("list: all %d keys in %.2f ms (median of %zu runs)", rep.list->keys_put,
               Median(totals), totals.size());
    }
    alive = server_alive("the list phase");
  }

  // Clean-up of someone else's endpoint (our own server's data dir just goes).
  if (!own_server && rep.list && rep.list->keys_put > 0 && !o.keep && alive)
    CleanUpList(env, *rep.list, rep.problems);
  if (o.plain && !own_server && load)
    rep.notes.push_back("--plain: the files written were not deleted");
  if (!own_server && load && !o.keep && alive && !o.plain) {
    Progress("deleting %zu objects...", all_written.size());
    if (!all_written.empty()) {
      std::string err;
      auto del = RunLoad(env, {Op::kDelete, 16, 0, &all_written, {}, kSmallKeyPrefix}, err);
      if (!del || del->http_errors || del->io_errors)
        rep.problems.push_back("clean-up: some objects were not deleted");
    }
    if (rep.wrk) {
      SimpleResponse d = Simple(env, "DELETE", ObjectPath(env, kWrkKey));
      if (d.status / 100 != 2)
        rep.problems.push_back("clean-up: DELETE of the wrk object: " + d.error + " " +
                               std::to_string(d.status));
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
    if (!died && !StoppedCleanly(o, server.exit_status))
      rep.problems.push_back("the server ended with " + DescribeExit(server.exit_status) +
                             " on SIGTERM");
    std::istringstream log(ReadFile(server.log_file));
    for (std::string line; std::getline(log, line);) {
      if (line.starts_with("awslab-server listening on") || line == "awslab-server stopped")
        continue;
      if (rep.server_log.size() < (o.server_cmd.empty() ? 50u : 10u)) rep.server_log.push_back(line);
    }
    std::error_code ec;
    if (!o.keep_server_dir) std::filesystem::remove_all(dir, ec);
  }

  // The seeded data dir: after the main server stopped, so nothing competes.
  if (has("seeded")) {
    Progress("seeded: %s (bucket %s, %llu keys)...", o.seeded_dir.c_str(), o.seeded_bucket.c_str(),
             static_cast<unsigned long long>(o.seeded_keys));
    rep.seeded = RunSeeded(env, o);
    if (!rep.seeded->error.empty()) rep.problems.push_back("seeded: " + rep.seeded->error);
  }

  rep.total_seconds = Seconds(Clock::now() - run_start);
  rep.loadavg_end = loadavg();
  rep.client_cpu_total_s = SelfCpuSeconds() - cpu_start;
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
