// awslab-loadtest: many keep-alive connections mixing S3 and EC2 calls for a
// bounded time against awslab-server (issue 10's load test), with every answer
// checked. See bench/README.md ("awslab-loadtest").
//
// Given --server PATH it starts awslab-server itself (fresh temporary data
// directory, --port 0 --port-file F --quiet, 127.0.0.1 only, --accounts with
// --accounts N generated accounts), and stops it by its pid at the end; given
// --endpoint it drives a server that is already running with one account.
//
// Each connection is one keep-alive HTTP/1.1 connection, a C++20 coroutine on
// one io_context (one thread), driving a loop of random operations. It owns
// its keys (a prefix in its account's bucket) and its instances (tagged with
// its number), so every answer has exactly one right value: PUT answers the
// body's MD5 as ETag; GET returns the last body PUT byte for byte with that
// ETag; ListObjectsV2 lists exactly the keys it knows are there, with their
// sizes and ETags; GET of a deleted key is 404 NoSuchKey (an expected error);
// DescribeInstances shows its instances in the states and with the tags it
// gave them. Anything else is an unexpected error: a wrong status, a wrong
// body, a transport error or timeout, a connection the server closed.
//
// Beside the answers it samples, every second, the server's RSS
// (/proc/PID/status), its descriptors by kind (/proc/PID/fd: sockets,
// LevelDB files, blobs, other), its CPU time and the generator's; after the
// run it waits for the server's descriptors to come back to what they were
// before the connections opened. Exit status: 0 when every answer was right
// and the descriptors came back, 3 otherwise, 2 for a usage error, 1 when
// set-up failed.
#include <dirent.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <pugixml.hpp>
#include <random>
#include <set>
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
constexpr std::string_view kUserAgent = "awslab-loadtest/0.1";
constexpr std::string_view kEc2Version = "&Version=2016-11-15";
constexpr std::string_view kConnTag = "lt-conn";  // the tag naming an instance's connection
// PUT bodies: 1 B to 64 KiB (stored inline with the record), or 256 KiB to
// 1 MiB (put_big: a blob file each).
constexpr std::uint32_t kSmallMax = 64u << 10;

constexpr std::string_view kUsage = R"(usage: awslab-loadtest [flags]

Many keep-alive connections mixing PUT, GET, LIST, DELETE and EC2 calls for a
bounded time; every answer is checked, latencies, the server's memory,
descriptors and CPU are reported. Loopback only.

Server:
  --server PATH           start awslab-server (fresh temp data dir, --port 0
                          --port-file F --quiet --accounts F [--ec2-instance-limit N]
                          --ec2-terminated-visible S [ARG...]) and stop it at the end
  --server-arg ARG        one more argument for the server (repeatable)
  --endpoint URL          a running server instead (http://127.0.0.1:PORT); one
                          account (--access-key, --secret-key); start it with
                          --ec2-instance-limit of at least connections x --ec2-live
  --server-pid PID        with --endpoint: the server's pid, for memory,
                          descriptors and CPU
  --access-key KEY        with --endpoint (default test)
  --secret-key SECRET     with --endpoint (default test)
  --work-dir DIR          where the temp data dir goes (default $TMPDIR or /tmp)

Load:
  --connections N         concurrent keep-alive connections (default 500)
  --duration SECONDS      length of the run (default 300)
  --warmup SECONDS        first part of the run left out of latencies, rates and
                          the RSS slope (default 60: the EC2 state settles once
                          the first terminated instances stop being described)
  --accounts N            with --server: accounts made for the run, connection i
                          using account i mod N, each with its own bucket (default 100)
  --keys N                keys each connection owns (default 32)
  --ec2-live N            live instances per connection at most (default 2)
  --terminated-visible S  with --server: how long the server keeps describing a
                          terminated instance (default 30; AWS's hour would keep
                          every instance of a 5-minute run in memory, so the RSS
                          could not settle); DescribeInstances checks a
                          terminated instance for half of it
  --mix LIST              relative weights, kind=weight comma-separated (0 turns a
                          kind off); kinds and defaults:
                          put=22,put_big=2,get=27,get_big=3,list=8,delete=10,
                          get_deleted=6,
                          ec2_describe=6,ec2_run=1,ec2_terminate=1,ec2_tags=2,
                          ec2_regions=3,ec2_describe_missing=1
  --seed N                random seed (default 1)
  --fd-wait SECONDS       how long the server's descriptors may take to come back
                          after the connections close (default 10)

Output:
  --json FILE             also write the results as JSON
  --quiet                 no progress lines on stderr
  --help                  this text
)";

// ------------------------------------------------------------- operations

enum Kind : int {
  kPut,
  kPutBig,
  kGet,
  kGetBig,
  kList,
  kDelete,
  kGetDeleted,
  kEc2Describe,
  kEc2Run,
  kEc2Terminate,
  kEc2Tags,
  kEc2Regions,
  kEc2DescribeMissing,
  kKinds
};

constexpr std::array<std::string_view, kKinds> kKindNames = {
    "put",          "put_big",       "get",      "get_big",     "list",
    "delete",       "get_deleted",   "ec2_describe", "ec2_run", "ec2_terminate",
    "ec2_tags",     "ec2_regions",   "ec2_describe_missing"};
constexpr std::array<int, kKinds> kDefaultMix = {22, 2, 27, 3, 8, 10, 6, 6, 1, 1, 2, 3, 1};

// What became of one request.
enum Outcome : int {
  kOk,
  kExpected,   // the error the request was meant to get (NoSuchKey, InvalidInstanceID.NotFound)
  kTransport,  // connect, write or read failed or timed out
  kClosed,     // the server closed the connection (EOF, reset, or Connection: close)
  kStatus,     // an unexpected HTTP status
  kBody,       // the right status with a wrong body, ETag or listing
  kOutcomes
};
constexpr std::array<std::string_view, kOutcomes> kOutcomeNames = {
    "ok", "expected", "transport", "closed", "status", "body"};

// ---------------------------------------------------------------- utilities

// The server's open descriptors by what they are. LevelDB keeps up to
// max_open_files table files open in its cache, and the server one
// descriptor per pack that holds bodies (docs/server.md), so those are
// reported but not expected to come back; sockets, blobs and the rest must.
struct Fds {
  int total = -1;
  int sockets = 0;
  int leveldb = 0;  // files under DATA/metadata/
  int blobs = 0;    // files under DATA/blobs/
  int packs = 0;    // files under DATA/packs/
  int other = 0;    // the log, epoll, eventfd, pipes, /dev/null...
  bool Returned(const Fds& before) const {
    return total >= 0 && sockets <= before.sockets && blobs <= before.blobs &&
           other <= before.other;
  }
};

Fds CountFds(pid_t pid) {
  Fds f;
  if (pid <= 0) return f;
  std::string dir = "/proc/" + std::to_string(pid) + "/fd";
  DIR* d = ::opendir(dir.c_str());
  if (!d) return f;
  f.total = 0;
  char target[4096];
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    ssize_t n = ::readlink((dir + "/" + e->d_name).c_str(), target, sizeof target - 1);
    if (n < 0) continue;  // closed meanwhile
    std::string_view t(target, static_cast<std::size_t>(n));
    ++f.total;
    if (t.starts_with("socket:")) ++f.sockets;
    else if (t.find("/metadata/") != t.npos) ++f.leveldb;
    else if (t.find("/blobs/") != t.npos) ++f.blobs;
    else if (t.find("/packs/") != t.npos) ++f.packs;
    else ++f.other;
  }
  ::closedir(d);
  return f;
}

json::object FdsJson(const Fds& f) {
  return {{"total", f.total}, {"sockets", f.sockets}, {"leveldb", f.leveldb},
          {"blobs", f.blobs}, {"packs", f.packs}, {"other", f.other}};
}

// The text of the first element at a path of child names, or "".
std::string Text(pugi::xml_node n, std::initializer_list<const char*> path) {
  for (const char* p : path) n = n.child(p);
  return n.text().as_string();
}

std::string QuoteStrip(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

// --------------------------------------------------------------- options

// --server, --server-arg, --access-key, --secret-key, --work-dir, --json:
// CommonOptions.
struct Options : CommonOptions {
  std::string endpoint;
  pid_t server_pid = -1;
  int connections = 500;
  double duration = 300;
  double warmup = 60;
  int accounts = 100;
  int keys = 32;
  int ec2_live = 2;
  double terminated_visible = 30;
  std::array<int, kKinds> mix = kDefaultMix;
  std::uint64_t seed = 1;
  double fd_wait = 10;
  bool quiet = false;
};

int Usage(const std::string& message) {
  std::fprintf(stderr, "awslab-loadtest: %s (see --help)\n", message.c_str());
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
    auto number = [&](std::uint64_t lo, std::uint64_t hi) -> std::optional<std::uint64_t> {
      auto v = next() ? ParseUint(value) : std::nullopt;
      if (!v || *v < lo || *v > hi) return std::nullopt;
      return v;
    };
    if (name == "--help" || name == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    } else if (name == "--endpoint") {
      if (!next()) return need("a URL");
      o.endpoint = value;
    } else if (name == "--server-pid") {
      auto v = number(1, 1u << 30);
      if (!v) return need("a pid");
      o.server_pid = static_cast<pid_t>(*v);
    } else if (name == "--connections") {
      auto v = number(1, 10000);
      if (!v) return need("a number from 1 to 10000");
      o.connections = static_cast<int>(*v);
    } else if (name == "--duration" || name == "--warmup" || name == "--fd-wait") {
      auto v = next() ? ParseDouble(value) : std::nullopt;
      if (!v || *v < 0 || *v > 86400) return need("seconds");
      (name == "--duration" ? o.duration : name == "--warmup" ? o.warmup : o.fd_wait) = *v;
    } else if (name == "--accounts") {
      auto v = number(1, 10000);
      if (!v) return need("a number from 1 to 10000");
      o.accounts = static_cast<int>(*v);
    } else if (name == "--keys") {
      auto v = number(1, 1000);
      if (!v) return need("a number from 1 to 1000");
      o.keys = static_cast<int>(*v);
    } else if (name == "--ec2-live") {
      auto v = number(1, 50);
      if (!v) return need("a number from 1 to 50");
      o.ec2_live = static_cast<int>(*v);
    } else if (name == "--terminated-visible") {
      auto v = number(1, 86400);
      if (!v) return need("seconds from 1 to 86400");
      o.terminated_visible = static_cast<double>(*v);
    } else if (name == "--mix") {
      if (!next()) return need("a list");
      for (const std::string& item : awslab::args::SplitComma(value)) {
        auto eq = item.find('=');
        auto it = std::find(kKindNames.begin(), kKindNames.end(), item.substr(0, eq));
        auto w = eq == item.npos ? std::nullopt : ParseUint(item.substr(eq + 1));
        if (it == kKindNames.end() || !w || *w > 1000)
          return Usage("--mix: bad item " + item + " (kind=weight, weight 0 to 1000)");
        o.mix[it - kKindNames.begin()] = static_cast<int>(*w);
      }
    } else if (name == "--seed") {
      auto v = number(0, ~0ull);
      if (!v) return need("a number");
      o.seed = *v;
    } else if (name == "--quiet") {
      o.quiet = true;
    } else if (auto common = ReadCommonFlag(args, o)) {
      if (!common->empty()) return need(common->c_str());
    } else {
      return Usage("unknown flag " + std::string(args.arg()));
    }
  }
  if (o.server.empty() == o.endpoint.empty()) return Usage("give --server or --endpoint");
  if (o.server_pid > 0 && o.endpoint.empty()) return Usage("--server-pid goes with --endpoint");
  if (!o.endpoint.empty()) o.accounts = 1;
  if (o.warmup >= o.duration && o.duration > 0) return Usage("--warmup must be below --duration");
  if (o.mix[kPut] == 0 && o.mix[kPutBig] == 0) return Usage("--mix needs put or put_big");
  if (o.work_dir.empty()) o.work_dir = DefaultWorkDir();
  return std::nullopt;
}

// --------------------------------------------------------------- accounts

struct Account {
  std::string id;
  awslab::sigv4::Credentials creds;
  std::string bucket;
};

// The accounts a started server gets (--accounts FILE), and the file.
std::vector<Account> MakeAccounts(int n, const std::string& suffix) {
  std::vector<Account> out;
  for (int i = 0; i < n; ++i) {
    char id[16], key[32];
    std::snprintf(id, sizeof id, "%012d", 700000000 + i);
    std::snprintf(key, sizeof key, "AKIALOADTEST%08d", i);
    out.push_back({id, {key, "loadtest-secret-" + std::to_string(i), ""},
                   "loadtest-" + suffix + "-" + std::to_string(i)});
  }
  return out;
}

std::string AccountsJson(const std::vector<Account>& accounts) {
  json::array list;
  for (const Account& a : accounts)
    list.push_back(json::object{
        {"id", a.id},
        {"name", "load-" + a.id},
        {"access_keys",
         json::array{json::object{{"id", a.creds.access_key_id},
                                  {"secret", a.creds.secret_access_key}}}}});
  return json::serialize(json::object{{"accounts", list}});
}

// ------------------------------------------------------------ server process

// Starts awslab-server on a fresh temp dir with the accounts (JSON) and
// waits for its port file.
bool StartServer(const Options& o, const std::vector<std::string>& extra,
                 const std::string& accounts, ServerProcess& sp, std::string& err) {
  if (!MakeServerDir(o.work_dir, "awslab-loadtest", sp, err)) return false;
  const std::string accounts_file = sp.dir + "/accounts.json";
  {
    std::ofstream f(accounts_file);
    f << accounts;
    if (!f) {
      err = "cannot write " + accounts_file;
      return false;
    }
  }
  std::vector<std::string> args = AwslabServerArgs(o.server, sp);
  // Loopback only: the connections go to 127.0.0.1.
  args.insert(args.end(), {"--host", "127.0.0.1", "--accounts", accounts_file});
  args.insert(args.end(), extra.begin(), extra.end());
  // The user's arguments last: where a flag is given twice the last one counts.
  args.insert(args.end(), o.server_args.begin(), o.server_args.end());
  return SpawnServer(std::move(args), sp, err) && WaitForPortFile(sp, 30s, err);
}

// ------------------------------------------------------------------ signing

// The head (request line and headers) of a SigV4-signed request, signed by
// the library's one signer. S3: path-style, x-amz-content-sha256 with the
// payload's hash or UNSIGNED-PAYLOAD. EC2: a form POST, the body's hash signed.
std::string SignedHead(const Account& a, const std::string& host, std::string_view method,
                       const std::string& path, const std::string& query,
                       std::string_view payload_hash, std::optional<std::size_t> length,
                       bool ec2) {
  awslab::sigv4::HttpRequest req;
  req.method = std::string(method);
  req.path = path;
  req.query = query;
  req.headers.push_back({"Host", host});
  if (ec2)
    req.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  if (length) req.headers.push_back({"Content-Length", std::to_string(*length)});
  req.headers.push_back({"User-Agent", std::string(kUserAgent)});
  awslab::sigv4::SignOptions so;
  so.time = std::chrono::system_clock::now();
  so.region = "us-east-1";
  so.service = ec2 ? "ec2" : "s3";
  so.normalize_path = ec2;
  so.payload_hash = std::string(payload_hash);
  so.add_content_sha256_header = !ec2;
  awslab::sigv4::SignRequest(req, a.creds, so);
  std::string out;
  out.reserve(768);
  out.append(method).append(" ").append(path);
  if (!query.empty()) out.append("?").append(query);
  out.append(" HTTP/1.1\r\n");
  for (const auto& h : req.headers) out.append(h.name).append(": ").append(h.value).append("\r\n");
  out.append("\r\n");
  return out;
}

// One request on a fresh blocking connection (set-up).
struct SimpleReply {
  int status = 0;
  std::string body;
  std::string error;
};

SimpleReply Simple(const tcp::endpoint& ep, const std::string& head, const std::string& body) {
  SimpleReply r;
  try {
    asio::io_context ioc;
    tcp::socket s(ioc);
    s.connect(ep);
    std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body)};
    asio::write(s, bufs);
    beast::flat_buffer buf;
    http::response_parser<http::string_body> p;
    p.body_limit(16 << 20);
    http::read(s, buf, p);
    r.status = p.get().result_int();
    r.body = p.get().body();
  } catch (const std::exception& e) {
    r.error = e.what();
  }
  return r;
}

// ------------------------------------------------------------------ the run

struct KindStats {
  std::uint64_t ops = 0;       // requests answered or failed, whole run
  std::uint64_t measured = 0;  // of those, started after the warm-up
  std::vector<std::uint32_t> latency_us;  // measured ones
  std::array<std::uint64_t, kOutcomes> outcomes{};
  std::uint64_t check_failures = 0;  // a listing or describe wrong as a whole (kBody)
  std::vector<std::string> first_errors;  // up to 3
};

struct Sample {
  double t = 0;  // seconds since the connections started
  ProcStatus mem;
  Fds fds;
  double server_cpu_s = -1;
  double client_cpu_s = 0;
  double machine_busy_s = -1;
  std::uint64_t ops = 0;
};

struct Run;

struct KeyState {
  enum State : std::uint8_t { kAbsent, kPresent, kUnknown };
  State state = kAbsent;
  std::uint32_t size = 0;
  std::uint64_t offset = 0;
  std::string etag;  // unquoted MD5 hex
};

struct Instance {
  std::string id;
  bool terminated = false;
  bool tags_known = true;
  std::map<std::string, std::string> tags;
  Clock::time_point terminated_at{};
};

struct Conn {
  Conn(asio::io_context& ioc, int index, const Account& account, std::uint64_t seed, int keys)
      : index(index),
        account(account),
        stream(ioc),
        chunk(64 << 10),
        rng(seed * 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(index) + 1),
        keys(keys),
        prefix("c" + std::to_string(index) + "/") {}
  int index;
  const Account& account;
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::vector<char> chunk;
  std::vector<char> body;  // a GET's body being compared
  std::mt19937_64 rng;
  std::vector<KeyState> keys;
  std::string prefix;
  std::vector<Instance> instances;  // live ones and the last few terminated
  int live = 0;
  bool ec2_uncertain = false;  // an EC2 call failed in transport: the server may know more
};

struct Run {
  const Options* o = nullptr;
  tcp::endpoint address;
  std::string host;  // Host header
  std::vector<Account> accounts;
  std::string image;
  std::set<std::string> regions;
  Pattern pattern{0x10adb0a710ull};
  pid_t server_pid = -1;
  Clock::time_point start, warm, deadline;
  std::array<KindStats, kKinds> stats;
  std::atomic<std::uint64_t> ops{0};
  std::atomic<int> open_conns{0};
  int total_weight = 0;

  void Record(Kind k, Clock::time_point t0, Clock::time_point t1, Outcome out,
              const std::string& error = {}) {
    KindStats& s = stats[k];
    ++s.ops;
    ++s.outcomes[out];
    ops.fetch_add(1, std::memory_order_relaxed);
    if (t0 >= warm && t0 < deadline) {
      ++s.measured;
      s.latency_us.push_back(static_cast<std::uint32_t>(
          std::min<std::int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(t1 - t0)
                                     .count(),
                                 0xffffffff)));
    }
    if (out != kOk && out != kExpected) Note(k, error);
  }
  // A check over several answers failed (a listing): an error without a request.
  void Fail(Kind k, const std::string& error) {
    ++stats[k].check_failures;
    ++stats[k].outcomes[kBody];
    Note(k, error);
  }
  void Note(Kind k, const std::string& error) {
    auto& v = stats[k].first_errors;
    if (v.size() < 3) v.push_back(error.substr(0, 600));
    if (!o->quiet)
      std::fprintf(stderr, "awslab-loadtest: %s: %s\n", std::string(kKindNames[k]).c_str(),
                   error.substr(0, 300).c_str());
  }
};

// One answer, read piece by piece: a body checked against the pattern is
// never held whole (a GET of 1 MiB on each of 500 connections would be 500 MiB).
struct Reply {
  Outcome failure = kOk;  // kTransport or kClosed when the exchange failed
  std::string error;
  int status = 0;
  std::string etag;
  std::string body;  // when not compared
  std::uint64_t body_bytes = 0;
  bool body_matches = true;
  bool keep_alive = true;
};

struct Expected {
  std::string_view body;
};

Outcome Classify(const boost::system::error_code& ec) {
  if (ec == asio::error::eof || ec == http::error::end_of_stream ||
      ec == http::error::partial_message || ec == asio::error::connection_reset ||
      ec == asio::error::broken_pipe || ec == asio::error::connection_aborted)
    return kClosed;
  return kTransport;
}

asio::awaitable<void> Exchange(Run& run, Conn& c, const std::string& head, std::string_view body,
                               const Expected* compare, Reply& r) {
  auto fail = [&](const char* stage, const boost::system::error_code& ec) {
    r.failure = Classify(ec);
    r.error = std::string(stage) + ": " + ec.message();
    beast::error_code ignored;
    c.stream.socket().close(ignored);
  };
  if (!c.stream.socket().is_open()) {
    c.buffer.clear();
    c.stream.expires_after(60s);
    auto [ec] = co_await c.stream.async_connect(run.address, kTok);
    if (ec) {
      fail("connect", ec);
      r.failure = kTransport;
      co_return;
    }
    c.stream.socket().set_option(tcp::no_delay(true), ec);
  }
  // Generous: the server is saturated by design, and a timeout is an error.
  c.stream.expires_after(120s);
  std::array<asio::const_buffer, 2> bufs{asio::buffer(head), asio::buffer(body.data(), body.size())};
  auto [wec, wn] = co_await asio::async_write(c.stream, bufs, kTok);
  if (wec) {
    fail("write", wec);
    co_return;
  }
  http::response_parser<http::buffer_body> p;
  p.body_limit(8 << 20);
  auto [hec, hn] = co_await http::async_read_header(c.stream, c.buffer, p, kTok);
  if (hec) {
    fail("read", hec);
    co_return;
  }
  r.status = p.get().result_int();
  r.etag = QuoteStrip(std::string(p.get()[http::field::etag]));
  const bool check = compare && r.status == 200;
  if (check && p.content_length() == compare->body.size()) {
    // The body in one read straight into a buffer of its size, then one
    // memcmp: through the parser it would take an io_context turn per 64 KiB,
    // which on a busy generator adds more to a 1 MiB GET's latency than the
    // server takes (the buffer is freed after a big body: it is rarely needed).
    const std::size_t n = compare->body.size();
    c.body.resize(n);
    const std::size_t have = std::min(c.buffer.size(), n);
    asio::buffer_copy(asio::buffer(c.body.data(), have), c.buffer.data());
    c.buffer.consume(have);
    if (have < n) {
      auto [bec, bn] =
          co_await asio::async_read(c.stream, asio::buffer(c.body.data() + have, n - have), kTok);
      if (bec) {
        fail("read body", bec);
        co_return;
      }
    }
    r.body_bytes = n;
    r.body_matches = std::memcmp(c.body.data(), compare->body.data(), n) == 0;
    if (n > kSmallMax) std::vector<char>().swap(c.body);
    r.keep_alive = p.get().keep_alive();
    if (!r.keep_alive) {
      beast::error_code ignored;
      c.stream.socket().close(ignored);
    }
    co_return;
  }
  while (!p.is_done()) {
    p.get().body().data = c.chunk.data();
    p.get().body().size = c.chunk.size();
    auto [bec, bn] = co_await http::async_read(c.stream, c.buffer, p, kTok);
    if (bec == http::error::need_buffer) bec = {};
    if (bec) {
      fail("read body", bec);
      co_return;
    }
    std::size_t got = c.chunk.size() - p.get().body().size;
    if (check) {
      if (r.body_bytes + got > compare->body.size() ||
          std::memcmp(c.chunk.data(), compare->body.data() + r.body_bytes, got) != 0)
        r.body_matches = false;
    } else if (r.body.size() < (4u << 20)) {
      r.body.append(c.chunk.data(), got);
    }
    r.body_bytes += got;
  }
  if (check && r.body_bytes != compare->body.size()) r.body_matches = false;
  r.keep_alive = p.get().keep_alive();
  if (!r.keep_alive) {
    // A close the client did not ask for: the answer stands, the close is an error.
    beast::error_code ignored;
    c.stream.socket().close(ignored);
  }
}

std::string Snippet(const Reply& r) {
  std::string s = r.body.substr(0, 300);
  for (char& ch : s)
    if (ch == '\n' || ch == '\r') ch = ' ';
  return std::to_string(r.status) + " " + s;
}

std::string ErrorCode(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return {};
  if (auto e = doc.child("Error")) return e.child("Code").text().as_string();  // S3
  return Text(doc, {"Response", "Errors", "Error", "Code"});                  // EC2
}

// Records an exchange that failed in transport or whose connection the server
// closed; true when the answer may be checked further.
bool Recorded(Run& run, Kind k, Clock::time_point t0, const Reply& r, const std::string& what) {
  const auto t1 = Clock::now();
  if (r.failure != kOk) {
    run.Record(k, t0, t1, r.failure, what + ": " + r.error);
    return false;
  }
  if (!r.keep_alive) {
    run.Record(k, t0, t1, kClosed, what + ": the server closed the connection after " +
                                       std::to_string(r.status));
    return false;
  }
  return true;
}

std::string ObjectPath(const Conn& c, int key) {
  return "/" + c.account.bucket + "/" + c.prefix + "k" + std::to_string(key);
}

template <typename Pred>
std::optional<int> PickKey(Conn& c, Pred pred) {
  std::vector<int> fit;
  for (int i = 0; i < static_cast<int>(c.keys.size()); ++i)
    if (pred(c.keys[i])) fit.push_back(i);
  if (fit.empty()) return std::nullopt;
  return fit[c.rng() % fit.size()];
}

// ------------------------------------------------------------------ S3 ops

asio::awaitable<void> DoPut(Run& run, Conn& c, Kind kind, int key) {
  KeyState& k = c.keys[key];
  std::uint64_t offset = c.rng() % Pattern::kPeriod;
  if (k.state == KeyState::kPresent && offset == k.offset) offset = (offset + 1) % Pattern::kPeriod;
  const std::size_t size =
      kind == kPutBig ? (256u << 10) + c.rng() % ((768u << 10) + 1) : 1 + c.rng() % kSmallMax;
  const std::string_view body = run.pattern.Body(offset, size);
  // Small bodies carry their SHA-256, as the aws CLI signs them; big ones
  // UNSIGNED-PAYLOAD, as SDKs stream: the server verifies both kinds.
  const std::string hash = kind == kPutBig ? std::string(awslab::sigv4::kUnsignedPayload)
                                           : awslab::crypto::Sha256Hex(body);
  const std::string path = ObjectPath(c, key);
  const std::string head = SignedHead(c.account, run.host, "PUT", path, "", hash, size, false);
  const std::string md5 = awslab::crypto::Hex(awslab::crypto::Md5(body));
  const auto t0 = Clock::now();
  Reply r;
  co_await Exchange(run, c, head, body, nullptr, r);
  if (!Recorded(run, kind, t0, r, "PUT " + path)) {
    k.state = KeyState::kUnknown;  // written or not: either may be seen until the next write
    co_return;
  }
  const auto t1 = Clock::now();
  if (r.status != 200) {
    k.state = KeyState::kUnknown;
    run.Record(kind, t0, t1, kStatus, "PUT " + path + ": " + Snippet(r));
  } else if (r.etag != md5) {
    k.state = KeyState::kUnknown;
    run.Record(kind, t0, t1, kBody, "PUT " + path + ": ETag " + r.etag + ", MD5 " + md5);
  } else {
    k = {KeyState::kPresent, static_cast<std::uint32_t>(size), offset, md5};
    run.Record(kind, t0, t1, kOk);
  }
}

asio::awaitable<void> DoGet(Run& run, Conn& c, Kind kind, int key) {
  const KeyState& k = c.keys[key];
  const std::string path = ObjectPath(c, key);
  const std::string head = SignedHead(c.account, run.host, "GET", path, "",
                                      awslab::sigv4::kEmptySha256, std::nullopt, false);
  const Expected want{run.pattern.Body(k.offset, k.size)};
  const auto t0 = Clock::now();
  Reply r;
  co_await Exchange(run, c, head, {}, &want, r);
  if (!Recorded(run, kind, t0, r, "GET " + path)) co_return;
  const auto t1 = Clock::now();
  if (r.status != 200)
    run.Record(kind, t0, t1, kStatus, "GET " + path + ": " + Snippet(r));
  else if (!r.body_matches)
    run.Record(kind, t0, t1, kBody,
               "GET " + path + ": the body differs from the last PUT (" +
                   std::to_string(r.body_bytes) + " bytes, " + std::to_string(k.size) +
                   " written)");
  else if (r.etag != k.etag)
    run.Record(kind, t0, t1, kBody, "GET " + path + ": ETag " + r.etag + ", PUT gave " + k.etag);
  else
    run.Record(kind, t0, t1, kOk);
}

asio::awaitable<void> DoDelete(Run& run, Conn& c, int key) {
  KeyState& k = c.keys[key];
  const std::string path = ObjectPath(c, key);
  const std::string head = SignedHead(c.account, run.host, "DELETE", path, "",
                                      awslab::sigv4::kEmptySha256, std::nullopt, false);
  const auto t0 = Clock::now();
  Reply r;
  co_await Exchange(run, c, head, {}, nullptr, r);
  if (!Recorded(run, kDelete, t0, r, "DELETE " + path)) {
    k.state = KeyState::kUnknown;
    co_return;
  }
  const auto t1 = Clock::now();
  if (r.status != 204) {
    k.state = KeyState::kUnknown;
    run.Record(kDelete, t0, t1, kStatus, "DELETE " + path + ": " + Snippet(r));
  } else {
    k.state = KeyState::kAbsent;
    run.Record(kDelete, t0, t1, kOk);
  }
}

asio::awaitable<void> DoGetDeleted(Run& run, Conn& c, int key) {
  const std::string path = ObjectPath(c, key);
  const std::string head = SignedHead(c.account, run.host, "GET", path, "",
                                      awslab::sigv4::kEmptySha256, std::nullopt, false);
  const auto t0 = Clock::now();
  Reply r;
  co_await Exchange(run, c, head, {}, nullptr, r);
  if (!Recorded(run, kGetDeleted, t0, r, "GET " + path)) co_return;
  const auto t1 = Clock::now();
  if (r.status == 404 && ErrorCode(r.body) == "NoSuchKey")
    run.Record(kGetDeleted, t0, t1, kExpected);
  else
    run.Record(kGetDeleted, t0, t1, r.status == 404 ? kBody : kStatus,
               "GET of deleted " + path + ": " + Snippet(r));
}

// ListObjectsV2 of the connection's prefix, in pages of 1,000 or of 1 to 10
// keys (following the continuation tokens); each page is one request. The
// keys listed must be exactly those present, with their sizes and ETags.
asio::awaitable<void> DoList(Run& run, Conn& c) {
  const int max_keys = c.rng() % 2 ? 1000 : 1 + static_cast<int>(c.rng() % 10);
  const std::string list_path = "/" + c.account.bucket;
  std::map<std::string, std::pair<std::uint64_t, std::string>> seen;  // key -> size, ETag
  std::string token;
  const int max_pages = static_cast<int>(c.keys.size()) / max_keys + 2;
  for (int page = 0;; ++page) {
    if (page == max_pages) {
      run.Fail(kList, "LIST " + c.prefix + ": more than " + std::to_string(max_pages) +
                          " pages of " + std::to_string(max_keys));
      co_return;
    }
    // Sorted by name, as the canonical query is (not required, but tidy).
    std::string query;
    if (!token.empty())
      query += "continuation-token=" + awslab::sigv4::UriEncode(token, true) + "&";
    query += "list-type=2&max-keys=" + std::to_string(max_keys) +
             "&prefix=" + awslab::sigv4::UriEncode(c.prefix, true);
    const std::string head = SignedHead(c.account, run.host, "GET", list_path, query,
                                        awslab::sigv4::kEmptySha256, std::nullopt, false);
    const auto t0 = Clock::now();
    Reply r;
    co_await Exchange(run, c, head, {}, nullptr, r);
    const std::string what = "LIST " + c.prefix + " page " + std::to_string(page + 1);
    if (!Recorded(run, kList, t0, r, what)) co_return;
    const auto t1 = Clock::now();
    if (r.status != 200) {
      run.Record(kList, t0, t1, kStatus, what + ": " + Snippet(r));
      co_return;
    }
    pugi::xml_document doc;
    pugi::xml_node root;
    if (doc.load_buffer(r.body.data(), r.body.size())) root = doc.child("ListBucketResult");
    if (!root) {
      run.Record(kList, t0, t1, kBody, what + ": not a ListBucketResult: " + Snippet(r));
      co_return;
    }
    int count = 0;
    for (auto item : root.children("Contents")) {
      ++count;
      seen[item.child("Key").text().as_string()] = {
          item.child("Size").text().as_ullong(), QuoteStrip(item.child("ETag").text().as_string())};
    }
    if (count > max_keys || root.child("KeyCount").text().as_int(-1) != count) {
      run.Record(kList, t0, t1, kBody,
                 what + ": " + std::to_string(count) + " keys, KeyCount " +
                     root.child("KeyCount").text().as_string() + ", max-keys " +
                     std::to_string(max_keys));
      co_return;
    }
    run.Record(kList, t0, t1, kOk);
    if (std::string_view(root.child("IsTruncated").text().as_string()) != "true") break;
    token = root.child("NextContinuationToken").text().as_string();
    if (token.empty()) {
      run.Fail(kList, what + ": truncated without a NextContinuationToken");
      co_return;
    }
  }
  for (int i = 0; i < static_cast<int>(c.keys.size()); ++i) {
    const KeyState& k = c.keys[i];
    const std::string name = c.prefix + "k" + std::to_string(i);
    auto it = seen.find(name);
    if (k.state == KeyState::kPresent &&
        (it == seen.end() || it->second.first != k.size || it->second.second != k.etag)) {
      run.Fail(kList, "LIST " + c.prefix + ": " + name +
                          (it == seen.end() ? " missing"
                                            : " listed with size " +
                                                  std::to_string(it->second.first) + " ETag " +
                                                  it->second.second + ", PUT " +
                                                  std::to_string(k.size) + " " + k.etag));
      co_return;
    }
    if (k.state == KeyState::kAbsent && it != seen.end()) {
      run.Fail(kList, "LIST " + c.prefix + ": deleted key " + name + " listed");
      co_return;
    }
    if (it != seen.end()) seen.erase(it);
  }
  if (!seen.empty())
    run.Fail(kList, "LIST " + c.prefix + ": a key never written listed: " + seen.begin()->first);
}

// ----------------------------------------------------------------- EC2 ops

asio::awaitable<void> Ec2(Run& run, Conn& c, const std::string& form, Reply& r) {
  const std::string hash = awslab::crypto::Sha256Hex(form);
  const std::string head =
      SignedHead(c.account, run.host, "POST", "/", "", hash, form.size(), true);
  co_await Exchange(run, c, head, form, nullptr, r);
}

// Parses an EC2 answer; a null node (and an error recorded) when it is not
// `root` with status 200.
pugi::xml_node Ec2Answer(Run& run, Kind k, Clock::time_point t0, const Reply& r,
                         pugi::xml_document& doc, const char* root, const std::string& what) {
  const auto t1 = Clock::now();
  if (r.status != 200) {
    run.Record(k, t0, t1, kStatus, what + ": " + Snippet(r));
    return {};
  }
  pugi::xml_node n;
  if (doc.load_buffer(r.body.data(), r.body.size())) n = doc.child(root);
  if (!n) run.Record(k, t0, t1, kBody, what + ": not a " + root + ": " + Snippet(r));
  return n;
}

asio::awaitable<void> DoRun(Run& run, Conn& c) {
  const std::string form =
      "Action=RunInstances&ImageId=" + run.image +
      "&InstanceType=t2.micro&MinCount=1&MaxCount=1&Placement.AvailabilityZone=us-east-1" +
      "abcdef"[c.rng() % 6] + "&TagSpecification.1.ResourceType=instance" +
      "&TagSpecification.1.Tag.1.Key=" + std::string(kConnTag) +
      "&TagSpecification.1.Tag.1.Value=" + std::to_string(c.index) + std::string(kEc2Version);
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, form, r);
  if (!Recorded(run, kEc2Run, t0, r, "RunInstances")) {
    c.ec2_uncertain = true;
    co_return;
  }
  pugi::xml_document doc;
  auto root = Ec2Answer(run, kEc2Run, t0, r, doc, "RunInstancesResponse", "RunInstances");
  if (!root) co_return;
  auto items = root.child("instancesSet").children("item");
  const auto n = std::distance(items.begin(), items.end());
  auto item = root.child("instancesSet").child("item");
  const std::string id = item.child("instanceId").text().as_string();
  const std::string state = Text(item, {"instanceState", "name"});
  if (n != 1 || !id.starts_with("i-") || state != "pending") {
    run.Record(kEc2Run, t0, Clock::now(), kBody,
               "RunInstances: " + std::to_string(n) + " instances, " + id + " " + state);
    c.ec2_uncertain = true;
    co_return;
  }
  c.instances.push_back({id, false, true, {{std::string(kConnTag), std::to_string(c.index)}}});
  ++c.live;
  run.Record(kEc2Run, t0, Clock::now(), kOk);
}

Instance* PickLive(Conn& c) {
  std::vector<Instance*> live;
  for (auto& i : c.instances)
    if (!i.terminated) live.push_back(&i);
  return live.empty() ? nullptr : live[c.rng() % live.size()];
}

asio::awaitable<void> DoTerminate(Run& run, Conn& c) {
  Instance* inst = PickLive(c);
  const std::string id = inst->id;
  const std::string form = "Action=TerminateInstances&InstanceId.1=" + id + std::string(kEc2Version);
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, form, r);
  // From here on the instance is not counted live whatever the answer: an
  // unknown outcome drops it from the checks.
  --c.live;
  inst->terminated = true;
  inst->terminated_at = t0;
  const bool recorded = Recorded(run, kEc2Terminate, t0, r, "TerminateInstances " + id);
  pugi::xml_document doc;
  pugi::xml_node root;
  if (recorded)
    root = Ec2Answer(run, kEc2Terminate, t0, r, doc, "TerminateInstancesResponse",
                     "TerminateInstances " + id);
  if (root) {
    auto item = root.child("instancesSet").child("item");
    const std::string got = item.child("instanceId").text().as_string();
    const std::string now = Text(item, {"currentState", "name"});
    const std::string before = Text(item, {"previousState", "name"});
    if (got != id || (now != "shutting-down" && now != "terminated") ||
        (before != "pending" && before != "running")) {
      run.Record(kEc2Terminate, t0, Clock::now(), kBody,
                 "TerminateInstances " + id + ": " + got + " " + before + " -> " + now);
      root = {};
    } else {
      run.Record(kEc2Terminate, t0, Clock::now(), kOk);
    }
  }
  if (!root) {
    c.ec2_uncertain = true;
    std::erase_if(c.instances, [&](const Instance& i) { return i.id == id; });
  }
  // Keep the last two terminated instances for DescribeInstances to check.
  int terminated = 0;
  for (auto it = c.instances.rbegin(); it != c.instances.rend(); ++it)
    if (it->terminated) ++terminated;
  for (auto it = c.instances.begin(); terminated > 2 && it != c.instances.end();) {
    if (it->terminated) {
      it = c.instances.erase(it);
      --terminated;
    } else {
      ++it;
    }
  }
}

asio::awaitable<void> DoTags(Run& run, Conn& c) {
  Instance* inst = PickLive(c);
  const std::string id = inst->id;
  const std::string key = "k" + std::to_string(c.rng() % 5);
  const std::string value = "v" + std::to_string(c.rng() % 1000000);
  const std::string form = "Action=CreateTags&ResourceId.1=" + id + "&Tag.1.Key=" + key +
                           "&Tag.1.Value=" + value + std::string(kEc2Version);
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, form, r);
  if (!Recorded(run, kEc2Tags, t0, r, "CreateTags " + id)) {
    inst->tags_known = false;
    co_return;
  }
  pugi::xml_document doc;
  auto root = Ec2Answer(run, kEc2Tags, t0, r, doc, "CreateTagsResponse", "CreateTags " + id);
  if (!root) {
    inst->tags_known = false;
  } else if (std::string_view(root.child("return").text().as_string()) != "true") {
    inst->tags_known = false;
    run.Record(kEc2Tags, t0, Clock::now(), kBody, "CreateTags " + id + ": " + Snippet(r));
  } else {
    inst->tags[key] = value;
    run.Record(kEc2Tags, t0, Clock::now(), kOk);
  }
}

// DescribeInstances, either by the ids of the connection's instances (live
// and recently terminated) or with a filter on its tag and the live states:
// the answer must be exactly those instances, in the states and with the
// tags the connection gave them.
asio::awaitable<void> DoDescribe(Run& run, Conn& c) {
  const bool by_ids = c.rng() % 2 == 0 || c.live == 0;
  std::string form = "Action=DescribeInstances";
  std::map<std::string, const Instance*> want;
  for (const Instance& i : c.instances) {
    if (!by_ids && i.terminated) continue;
    want[i.id] = &i;
    if (by_ids) form += "&InstanceId." + std::to_string(want.size()) + "=" + i.id;
  }
  if (!by_ids)
    form += "&Filter.1.Name=tag%3A" + std::string(kConnTag) + "&Filter.1.Value.1=" +
            std::to_string(c.index) +
            "&Filter.2.Name=instance-state-name&Filter.2.Value.1=pending&Filter.2.Value.2=running";
  form += kEc2Version;
  const std::string what = by_ids ? "DescribeInstances by id" : "DescribeInstances by filter";
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, form, r);
  if (!Recorded(run, kEc2Describe, t0, r, what)) co_return;
  pugi::xml_document doc;
  auto root = Ec2Answer(run, kEc2Describe, t0, r, doc, "DescribeInstancesResponse", what);
  if (!root) co_return;
  std::string problem;
  std::set<std::string> got;
  for (auto res : root.child("reservationSet").children("item")) {
    for (auto item : res.child("instancesSet").children("item")) {
      const std::string id = item.child("instanceId").text().as_string();
      const std::string state = Text(item, {"instanceState", "name"});
      got.insert(id);
      auto it = want.find(id);
      if (it == want.end()) {
        // After a failed EC2 call the server may hold an instance we lost track of.
        if (!c.ec2_uncertain) problem = id + " (" + state + ") is not this connection's";
        continue;
      }
      const Instance& i = *it->second;
      bool state_ok = i.terminated ? state == "shutting-down" || state == "terminated"
                                   : state == "pending" || state == "running";
      if (!state_ok) {
        problem = id + " is " + state + (i.terminated ? ", terminated" : ", not terminated");
        continue;
      }
      if (!i.tags_known) continue;
      std::map<std::string, std::string> tags;
      for (auto t : item.child("tagSet").children("item"))
        tags[t.child("key").text().as_string()] = t.child("value").text().as_string();
      if (tags != i.tags) {
        problem = id + " has " + std::to_string(tags.size()) + " tags, " +
                  std::to_string(i.tags.size()) + " set";
        for (auto& [k, v] : i.tags)
          if (tags[k] != v) problem += "; " + k + "=" + tags[k] + ", set " + v;
      }
    }
  }
  for (auto& [id, i] : want)
    if (!got.count(id)) problem = id + " missing";
  if (!problem.empty())
    run.Record(kEc2Describe, t0, Clock::now(), kBody, what + ": " + problem);
  else
    run.Record(kEc2Describe, t0, Clock::now(), kOk);
}

asio::awaitable<void> DoRegions(Run& run, Conn& c) {
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, "Action=DescribeRegions" + std::string(kEc2Version), r);
  if (!Recorded(run, kEc2Regions, t0, r, "DescribeRegions")) co_return;
  pugi::xml_document doc;
  auto root = Ec2Answer(run, kEc2Regions, t0, r, doc, "DescribeRegionsResponse", "DescribeRegions");
  if (!root) co_return;
  std::set<std::string> got;
  for (auto item : root.child("regionInfo").children("item"))
    got.insert(item.child("regionName").text().as_string());
  if (got != run.regions)
    run.Record(kEc2Regions, t0, Clock::now(), kBody,
               "DescribeRegions: " + std::to_string(got.size()) + " regions, " +
                   std::to_string(run.regions.size()) + " at the start");
  else
    run.Record(kEc2Regions, t0, Clock::now(), kOk);
}

asio::awaitable<void> DoDescribeMissing(Run& run, Conn& c) {
  char id[24];
  std::snprintf(id, sizeof id, "i-0%016llx", static_cast<unsigned long long>(c.rng()));
  const auto t0 = Clock::now();
  Reply r;
  co_await Ec2(run, c, "Action=DescribeInstances&InstanceId.1=" + std::string(id) +
                           std::string(kEc2Version), r);
  const std::string what = std::string("DescribeInstances of the unknown ") + id;
  if (!Recorded(run, kEc2DescribeMissing, t0, r, what)) co_return;
  const auto t1 = Clock::now();
  if (r.status == 400 && ErrorCode(r.body) == "InvalidInstanceID.NotFound")
    run.Record(kEc2DescribeMissing, t0, t1, kExpected);
  else
    run.Record(kEc2DescribeMissing, t0, t1, r.status == 400 ? kBody : kStatus,
               what + ": " + Snippet(r));
}

// ------------------------------------------------------------------ worker

// A kind by the weights, changed to one that can run in the connection's
// state (no GET without a key...); nullopt when none can.
std::optional<Kind> PickKind(Run& run, Conn& c) {
  const auto& mix = run.o->mix;
  bool present = false, present_big = false, absent = false, not_absent = false;
  for (const KeyState& k : c.keys) {
    present |= k.state == KeyState::kPresent && k.size <= kSmallMax;
    present_big |= k.state == KeyState::kPresent && k.size > kSmallMax;
    absent |= k.state == KeyState::kAbsent;
    not_absent |= k.state != KeyState::kAbsent;
  }
  for (int attempt = 0; attempt < 20; ++attempt) {
    int x = static_cast<int>(c.rng() % run.total_weight);
    Kind k = kPut;
    for (int i = 0; i < kKinds; ++i) {
      if (x < mix[i]) {
        k = static_cast<Kind>(i);
        break;
      }
      x -= mix[i];
    }
    switch (k) {
      case kGet:
        if (!present) k = mix[kPut] ? kPut : kPutBig;
        break;
      case kGetBig:
        if (!present_big) k = mix[kPutBig] ? kPutBig : kPut;
        break;
      case kDelete:
        if (!not_absent) k = mix[kPut] ? kPut : kPutBig;
        break;
      case kGetDeleted:
        if (!absent) k = kDelete;
        break;
      case kEc2Terminate:
      case kEc2Tags:
        if (c.live == 0) k = kEc2Run;
        break;
      case kEc2Run:
        if (c.live >= run.o->ec2_live) k = kEc2Terminate;
        break;
      case kEc2Describe: {
        // A terminated instance is described for a while, then not at all:
        // it is checked for half of that while.
        const auto forget_before =
            Clock::now() - std::chrono::duration<double>(run.o->terminated_visible / 2);
        std::erase_if(c.instances, [&](const Instance& i) {
          return i.terminated && i.terminated_at < forget_before;
        });
        if (c.instances.empty()) k = kEc2Run;
        break;
      }
      default:
        break;
    }
    if (mix[k] > 0) return k;
  }
  return mix[kPut] ? kPut : kPutBig;
}

asio::awaitable<void> Worker(Run& run, Conn& c) {
  try {
    while (Clock::now() < run.deadline) {
      const Kind k = *PickKind(run, c);
      auto any = [](const KeyState&) { return true; };
      auto present = [](const KeyState& s) {
        return s.state == KeyState::kPresent && s.size <= kSmallMax;
      };
      auto present_big = [](const KeyState& s) {
        return s.state == KeyState::kPresent && s.size > kSmallMax;
      };
      auto absent = [](const KeyState& s) { return s.state == KeyState::kAbsent; };
      // A key in doubt (a write that failed in transport) may be deleted: 204 either way.
      auto not_absent = [](const KeyState& s) { return s.state != KeyState::kAbsent; };
      switch (k) {
        case kPut:
        case kPutBig: co_await DoPut(run, c, k, *PickKey(c, any)); break;
        case kGet:
        case kGetBig:
          co_await DoGet(run, c, k, *PickKey(c, k == kGet ? present : present_big));
          break;
        case kDelete: co_await DoDelete(run, c, *PickKey(c, not_absent)); break;
        case kGetDeleted: co_await DoGetDeleted(run, c, *PickKey(c, absent)); break;
        case kList: co_await DoList(run, c); break;
        case kEc2Run: co_await DoRun(run, c); break;
        case kEc2Terminate: co_await DoTerminate(run, c); break;
        case kEc2Tags: co_await DoTags(run, c); break;
        case kEc2Describe: co_await DoDescribe(run, c); break;
        case kEc2Regions: co_await DoRegions(run, c); break;
        case kEc2DescribeMissing: co_await DoDescribeMissing(run, c); break;
        default: break;
      }
    }
  } catch (const std::exception& e) {
    run.Note(kPut, std::string("connection ") + std::to_string(c.index) + ": exception " +
                       e.what());
    ++run.stats[kPut].outcomes[kTransport];
  }
  beast::error_code ignored;
  c.stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  c.stream.socket().close(ignored);
  run.open_conns.fetch_sub(1);
}

// ----------------------------------------------------------------- sampler

// Samples the server and the generator every second on its own thread, so a
// busy io_context does not delay the readings.
class Sampler {
 public:
  void Start(pid_t pid, Clock::time_point t0, const Run& run, bool quiet) {
    thread_ = std::thread([this, pid, t0, &run, quiet] {
      auto next = t0;
      int n = 0;
      while (!stop_.load()) {
        Sample s = Take(pid, t0, run);
        {
          std::lock_guard lock(mu_);
          samples_.push_back(s);
        }
        if (!quiet && n++ % 10 == 0)
          std::fprintf(stderr,
                       "awslab-loadtest: t=%3.0f s  ops %llu  server RSS %ld KiB  fds %d "
                       "(sockets %d)  connections open %d\n",
                       s.t, static_cast<unsigned long long>(s.ops), s.mem.rss_kb, s.fds.total,
                       s.fds.sockets, run.open_conns.load());
        next += 1s;
        std::unique_lock lock(mu_);
        cv_.wait_until(lock, next, [this] { return stop_.load(); });
      }
    });
  }
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  std::vector<Sample> samples() {
    std::lock_guard lock(mu_);
    return samples_;
  }
  static Sample Take(pid_t pid, Clock::time_point t0, const Run& run) {
    Sample s;
    s.t = Seconds(Clock::now() - t0);
    s.mem = ReadProcStatus(pid);
    s.fds = CountFds(pid);
    s.server_cpu_s = ProcessCpuSeconds(pid);
    s.client_cpu_s = SelfCpuSeconds();
    s.machine_busy_s = MachineBusySeconds();
    s.ops = run.ops.load(std::memory_order_relaxed);
    return s;
  }

 private:
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  std::vector<Sample> samples_;
};

// Least-squares slope of y over t, per minute.
double SlopePerMinute(const std::vector<std::pair<double, double>>& points) {
  if (points.size() < 2) return 0;
  double st = 0, sy = 0;
  for (auto [t, y] : points) {
    st += t;
    sy += y;
  }
  const double mt = st / points.size(), my = sy / points.size();
  double num = 0, den = 0;
  for (auto [t, y] : points) {
    num += (t - mt) * (y - my);
    den += (t - mt) * (t - mt);
  }
  return den > 0 ? num / den * 60 : 0;
}

// The sample taken closest to time t.
const Sample& At(const std::vector<Sample>& samples, double t) {
  const Sample* best = &samples.front();
  for (const Sample& s : samples)
    if (std::abs(s.t - t) < std::abs(best->t - t)) best = &s;
  return *best;
}

// -------------------------------------------------------------------- setup

bool Setup(Run& run, std::string& err) {
  // A bucket per account.
  for (const Account& a : run.accounts) {
    const std::string path = "/" + a.bucket;
    auto r = Simple(run.address,
                    SignedHead(a, run.host, "PUT", path, "", awslab::sigv4::kEmptySha256, 0, false),
                    "");
    if (r.status != 200) {
      err = "CreateBucket " + a.bucket + ": " + (r.error.empty() ? std::to_string(r.status) + " " + r.body : r.error);
      return false;
    }
  }
  auto ec2 = [&](const std::string& form) {
    return Simple(run.address,
                  SignedHead(run.accounts[0], run.host, "POST", "/", "",
                             awslab::crypto::Sha256Hex(form), form.size(), true),
                  form);
  };
  auto regions = ec2("Action=DescribeRegions" + std::string(kEc2Version));
  pugi::xml_document doc;
  if (regions.status == 200 && doc.load_buffer(regions.body.data(), regions.body.size()))
    for (auto item : doc.child("DescribeRegionsResponse").child("regionInfo").children("item"))
      run.regions.insert(item.child("regionName").text().as_string());
  if (run.regions.empty()) {
    err = "DescribeRegions: " + std::to_string(regions.status) + " " + regions.body + regions.error;
    return false;
  }
  auto images = ec2("Action=DescribeImages&Filter.1.Name=name&Filter.1.Value.1="
                    "ubuntu%2Fimages%2F%2Ajammy%2A" + std::string(kEc2Version));
  pugi::xml_document idoc;
  if (images.status == 200 && idoc.load_buffer(images.body.data(), images.body.size()))
    run.image = Text(idoc, {"DescribeImagesResponse", "imagesSet", "item", "imageId"});
  if (run.image.empty()) {
    err = "DescribeImages found no Ubuntu 22.04 image: " + std::to_string(images.status) + " " +
          images.body + images.error;
    return false;
  }
  return true;
}

// Waits until two readings a quarter second apart agree (the set-up
// connections are closed by then), at most 5 s.
Fds SettledFds(pid_t pid) {
  Fds last = CountFds(pid);
  for (int i = 0; i < 20; ++i) {
    std::this_thread::sleep_for(250ms);
    Fds now = CountFds(pid);
    if (now.total == last.total && now.sockets == last.sockets) return now;
    last = now;
  }
  return last;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (auto rc = ParseOptions(argc, argv, o)) return *rc;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  ::signal(SIGPIPE, SIG_IGN);
  // Each connection holds a descriptor.
  if (rlimit rl{}; ::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }

  auto run = std::make_unique<Run>();
  run->o = &o;
  for (int w : o.mix) run->total_weight += w;
  ServerProcess sp;
  std::string err;
  const std::string suffix = awslab::crypto::Hex(awslab::crypto::Sha256(
                                                     std::to_string(::getpid()) +
                                                     std::to_string(Clock::now().time_since_epoch().count())))
                                 .substr(0, 8);
  int conns_per_account = (o.connections + o.accounts - 1) / o.accounts;
  if (!o.server.empty()) {
    run->accounts = MakeAccounts(o.accounts, suffix);
    std::vector<std::string> extra;
    // Room for every connection's live instances, and for instances shutting
    // down (not counted live by the server either).
    if (conns_per_account * o.ec2_live > 20)
      extra = {"--ec2-instance-limit", std::to_string(conns_per_account * o.ec2_live)};
    extra.insert(extra.end(), {"--ec2-terminated-visible",
                               std::to_string(static_cast<int>(o.terminated_visible))});
    if (!StartServer(o, extra, AccountsJson(run->accounts), sp, err)) {
      std::fprintf(stderr, "awslab-loadtest: %s\n", err.c_str());
      StopServer(sp);
      return 1;
    }
    run->server_pid = sp.pid;
    run->address = tcp::endpoint(asio::ip::make_address("127.0.0.1"), sp.port);
    run->host = "127.0.0.1:" + std::to_string(sp.port);
  } else {
    std::string_view url = o.endpoint;
    if (!url.starts_with("http://")) return Usage("--endpoint must be http://HOST:PORT");
    url.remove_prefix(7);
    if (url.ends_with("/")) url.remove_suffix(1);
    auto colon = url.rfind(':');
    boost::system::error_code ec;
    auto addr = asio::ip::make_address(std::string(url.substr(0, colon)), ec);
    const std::uint64_t port =
        colon == url.npos ? 0 : ParseUint(url.substr(colon + 1)).value_or(0);
    if (ec || port == 0 || port > 65535 || !addr.is_loopback())
      return Usage("--endpoint must be http://<loopback address>:PORT");
    run->address = tcp::endpoint(addr, static_cast<std::uint16_t>(port));
    run->host = std::string(url);
    run->accounts.push_back({"", {o.access_key, o.secret_key, ""}, "loadtest-" + suffix});
    run->server_pid = o.server_pid;
  }
  auto fail_setup = [&](const std::string& what) {
    std::fprintf(stderr, "awslab-loadtest: %s\n", what.c_str());
    StopServer(sp);
    return 1;
  };
  if (!Setup(*run, err)) return fail_setup("set-up: " + err);

  const pid_t pid = run->server_pid;
  const Fds fds_before = SettledFds(pid);
  const ProcStatus mem_before = ReadProcStatus(pid);
  if (!o.quiet)
    std::fprintf(stderr,
                 "awslab-loadtest: %d connections, %d accounts, %.0f s (warm-up %.0f s), "
                 "server pid %d, RSS %ld KiB, %d fds\n",
                 o.connections, static_cast<int>(run->accounts.size()), o.duration, o.warmup,
                 static_cast<int>(pid), mem_before.rss_kb, fds_before.total);

  asio::io_context ioc(1);
  std::vector<std::unique_ptr<Conn>> conns;
  for (int i = 0; i < o.connections; ++i)
    conns.push_back(std::make_unique<Conn>(ioc, i, run->accounts[i % run->accounts.size()], o.seed,
                                           o.keys));
  const double busy0 = MachineBusySeconds();
  const double client_cpu0 = SelfCpuSeconds();
  const double server_cpu0 = ProcessCpuSeconds(pid);
  run->start = Clock::now();
  run->warm = run->start + std::chrono::duration_cast<Clock::duration>(
                               std::chrono::duration<double>(o.warmup));
  run->deadline = run->start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(o.duration));
  Sampler sampler;
  sampler.Start(pid, run->start, *run, o.quiet);
  run->open_conns = o.connections;
  Fds fds_peak;
  for (auto& c : conns) asio::co_spawn(ioc, Worker(*run, *c), asio::detached);
  ioc.run();
  const auto load_end = Clock::now();
  const double client_cpu1 = SelfCpuSeconds();
  const double server_cpu1 = ProcessCpuSeconds(pid);
  const double busy1 = MachineBusySeconds();
  const ProcStatus mem_end = ReadProcStatus(pid);
  conns.clear();

  // The descriptors must come back once the connections are closed.
  const auto close_time = Clock::now();
  Fds fds_after = CountFds(pid);
  bool fds_returned = pid <= 0;
  double fds_return_s = -1;
  if (pid > 0) {
    while (true) {
      fds_after = CountFds(pid);
      if (fds_after.Returned(fds_before)) {
        fds_returned = true;
        fds_return_s = Seconds(Clock::now() - close_time);
        break;
      }
      if (Clock::now() - close_time > std::chrono::duration<double>(o.fd_wait)) break;
      std::this_thread::sleep_for(100ms);
    }
  }
  sampler.Stop();
  const ProcStatus mem_after = ReadProcStatus(pid);
  std::vector<Sample> samples = sampler.samples();
  bool server_alive = pid <= 0 || ::kill(pid, 0) == 0;
  if (!o.server.empty()) {
    server_alive = !Reaped(sp);
    StopServer(sp, /*keep_dir=*/true);
  }
  const bool clean_exit =
      o.server.empty() || (WIFEXITED(sp.exit_status) && WEXITSTATUS(sp.exit_status) == 0);
  if (!o.server.empty()) {
    // The server's own words on why it stopped badly (a sanitizer's report
    // without a log_path, an exception), before its directory goes.
    if (!clean_exit) {
      const std::string log = ReadFile(sp.log_file);
      std::printf("the server's log ends:\n%s\n",
                  log.substr(log.size() > 4000 ? log.size() - 4000 : 0).c_str());
    }
    StopServer(sp);  // stopped already: removes the directory
  }

  // ------------------------------------------------------------------ report
  const double load_s = Seconds(load_end - run->start);
  const double window_s = std::max(1e-9, std::min(load_s, o.duration) - o.warmup);
  std::uint64_t unexpected = 0, expected = 0, total_ops = 0;
  std::vector<std::uint32_t> all;
  json::array kinds;
  // Latencies are kept in microseconds, reported in milliseconds.
  auto ms = [](const std::vector<std::uint32_t>& sorted_us, double p) {
    return Percentile(sorted_us, p) / 1e3;
  };
  std::printf("# awslab-loadtest: %d connections, %d accounts, %.0f s, warm-up %.0f s "
              "(latencies and rates from the %.0f s after it)\n",
              o.connections, static_cast<int>(run->accounts.size()), o.duration, o.warmup,
              window_s);
  std::printf("%-22s %9s %8s %8s %8s %8s %9s %9s %10s\n", "kind", "ops", "ops/s", "p50 ms",
              "p90 ms", "p99 ms", "max ms", "expected", "unexpected");
  for (int k = 0; k < kKinds; ++k) {
    KindStats& s = run->stats[k];
    std::sort(s.latency_us.begin(), s.latency_us.end());
    all.insert(all.end(), s.latency_us.begin(), s.latency_us.end());
    std::uint64_t bad = 0;
    for (int out = kTransport; out < kOutcomes; ++out) bad += s.outcomes[out];
    unexpected += bad;
    expected += s.outcomes[kExpected];
    total_ops += s.ops;
    const double p50 = ms(s.latency_us, 0.5), p90 = ms(s.latency_us, 0.9),
                 p99 = ms(s.latency_us, 0.99),
                 max = s.latency_us.empty() ? 0 : s.latency_us.back() / 1e3;
    std::printf("%-22s %9llu %8.1f %8.2f %8.2f %8.2f %9.1f %9llu %10llu\n",
                std::string(kKindNames[k]).c_str(), static_cast<unsigned long long>(s.ops),
                s.measured / window_s, p50, p90, p99, max,
                static_cast<unsigned long long>(s.outcomes[kExpected]),
                static_cast<unsigned long long>(bad));
    json::object errors;
    for (int out = kTransport; out < kOutcomes; ++out)
      errors[kOutcomeNames[out]] = s.outcomes[out];
    json::array first;
    for (auto& e : s.first_errors) first.push_back(json::string(e));
    kinds.push_back(json::object{{"kind", kKindNames[k]},
                                 {"weight", o.mix[k]},
                                 {"ops", s.ops},
                                 {"ok", s.outcomes[kOk]},
                                 {"measured_ops", s.measured},
                                 {"ops_per_s", Round(s.measured / window_s, 2)},
                                 {"p50_ms", Round(p50, 3)},
                                 {"p90_ms", Round(p90, 3)},
                                 {"p99_ms", Round(p99, 3)},
                                 {"max_ms", Round(max, 3)},
                                 {"expected_errors", s.outcomes[kExpected]},
                                 {"unexpected_errors", bad},
                                 {"unexpected_by_kind", errors},
                                 {"check_failures", s.check_failures},
                                 {"first_errors", first}});
  }
  std::sort(all.begin(), all.end());
  const double p50 = ms(all, 0.5), p90 = ms(all, 0.9), p99 = ms(all, 0.99),
               max = all.empty() ? 0 : all.back() / 1e3;
  std::printf("%-22s %9llu %8.1f %8.2f %8.2f %8.2f %9.1f %9llu %10llu\n", "all",
              static_cast<unsigned long long>(total_ops), all.size() / window_s, p50, p90, p99,
              max, static_cast<unsigned long long>(expected),
              static_cast<unsigned long long>(unexpected));
  for (int k = 0; k < kKinds; ++k)
    for (auto& e : run->stats[k].first_errors)
      std::printf("  error %s: %s\n", std::string(kKindNames[k]).c_str(), e.c_str());

  // Memory: at the end of the warm-up, the max after it, at the end, and the
  // slope of a straight line through the samples after the warm-up.
  json::object memory, fds_json, cpu;
  const bool have_server = pid > 0 && !samples.empty() && samples.front().mem.rss_kb >= 0;
  double slope = 0, anon_slope = 0;
  if (have_server) {
    std::vector<std::pair<double, double>> rss, anon;
    long max_after = -1;
    for (const Sample& s : samples) {
      if (s.t < o.warmup || s.t > load_s) continue;
      rss.emplace_back(s.t, s.mem.rss_kb);
      anon.emplace_back(s.t, s.mem.rss_anon_kb);
      max_after = std::max(max_after, s.mem.rss_kb);
    }
    slope = SlopePerMinute(rss);
    anon_slope = SlopePerMinute(anon);
    const Sample& warm = At(samples, o.warmup);
    std::printf("server RSS KiB: before %ld, end of warm-up %ld, max after warm-up %ld, end %ld, "
                "after close %ld; slope after warm-up %.0f KiB/min (RssAnon %.0f KiB/min); "
                "peak (VmHWM) %ld\n",
                mem_before.rss_kb, warm.mem.rss_kb, max_after, mem_end.rss_kb, mem_after.rss_kb,
                slope, anon_slope, mem_after.hwm_kb);
    memory = {{"before_kb", mem_before.rss_kb},   {"warmup_end_kb", warm.mem.rss_kb},
              {"max_after_warmup_kb", max_after}, {"end_kb", mem_end.rss_kb},
              {"after_close_kb", mem_after.rss_kb}, {"hwm_kb", mem_after.hwm_kb},
              {"anon_end_kb", mem_end.rss_anon_kb},   {"slope_kb_per_min", Round(slope, 1)},
              {"anon_slope_kb_per_min", Round(anon_slope, 1)}, {"threads", mem_end.threads}};
    for (const Sample& s : samples)
      if (s.t <= load_s && s.fds.total > fds_peak.total) fds_peak = s.fds;
    char returned[64] = "NOT returned";
    if (fds_returned) std::snprintf(returned, sizeof returned, "returned in %.1f s", fds_return_s);
    std::printf("server fds: before %d (sockets %d, leveldb %d, blobs %d, other %d), max during "
                "%d (sockets %d), after close %d (sockets %d, leveldb %d, blobs %d, packs %d, "
                "other %d): %s\n",
                fds_before.total, fds_before.sockets, fds_before.leveldb, fds_before.blobs,
                fds_before.other, fds_peak.total, fds_peak.sockets, fds_after.total,
                fds_after.sockets, fds_after.leveldb, fds_after.blobs, fds_after.packs,
                fds_after.other, returned);
    fds_json = {{"before", FdsJson(fds_before)}, {"max_during", FdsJson(fds_peak)},
                {"after", FdsJson(fds_after)},   {"returned", fds_returned},
                {"return_s", Round(fds_return_s, 2)}};
  }
  const double client_cpu = client_cpu1 - client_cpu0;
  const double server_cpu = server_cpu0 >= 0 && server_cpu1 >= 0 ? server_cpu1 - server_cpu0 : -1;
  const double other_cpu = busy0 >= 0 && busy1 >= 0
                               ? std::max(0.0, busy1 - busy0 - client_cpu - std::max(0.0, server_cpu))
                               : -1;
  std::printf("CPU over %.1f s: server %.1f s (%.2f cores), generator %.1f s (%.2f cores), "
              "other processes %.1f s (%.2f cores) of %ld cores\n",
              load_s, server_cpu, server_cpu / load_s, client_cpu, client_cpu / load_s, other_cpu,
              other_cpu / load_s, ::sysconf(_SC_NPROCESSORS_ONLN));
  cpu = {{"seconds", Round(load_s, 2)},
         {"server_s", Round(server_cpu, 2)},
         {"server_cores", Round(server_cpu / load_s, 3)},
         {"generator_s", Round(client_cpu, 2)},
         {"generator_cores", Round(client_cpu / load_s, 3)},
         {"other_s", Round(other_cpu, 2)},
         {"other_cores", Round(other_cpu / load_s, 3)},
         {"machine_cores", ::sysconf(_SC_NPROCESSORS_ONLN)}};

  const bool ok = unexpected == 0 && fds_returned && server_alive && clean_exit;
  if (!server_alive) std::printf("the server died during the run\n");
  if (!clean_exit)
    std::printf("the server did not stop cleanly: %s\n", DescribeExit(sp.exit_status).c_str());
  std::printf("result: %s (%llu unexpected errors, %llu expected)\n", ok ? "PASS" : "FAIL",
              static_cast<unsigned long long>(unexpected),
              static_cast<unsigned long long>(expected));

  if (!o.json_path.empty()) {
    json::array timeline;
    for (const Sample& s : samples)
      timeline.push_back(json::object{{"t", Round(s.t, 2)},
                                      {"rss_kb", s.mem.rss_kb},
                                      {"anon_kb", s.mem.rss_anon_kb},
                                      {"fds", s.fds.total},
                                      {"sockets", s.fds.sockets},
                                      {"leveldb_fds", s.fds.leveldb},
                                      {"server_cpu_s", Round(s.server_cpu_s, 2)},
                                      {"generator_cpu_s", Round(s.client_cpu_s, 2)},
                                      {"machine_busy_s", Round(s.machine_busy_s, 2)},
                                      {"ops", s.ops}});
    json::object out{
        {"tool", "awslab-loadtest"},
        {"command", o.command_line},
        {"connections", o.connections},
        {"accounts", run->accounts.size()},
        {"duration_s", o.duration},
        {"warmup_s", o.warmup},
        {"measured_s", Round(window_s, 2)},
        {"seed", o.seed},
        {"keys_per_connection", o.keys},
        {"kinds", kinds},
        {"overall",
         json::object{{"ops", total_ops},
                      {"measured_ops", all.size()},
                      {"ops_per_s", Round(all.size() / window_s, 2)},
                      {"p50_ms", Round(p50, 3)},
                      {"p90_ms", Round(p90, 3)},
                      {"p99_ms", Round(p99, 3)},
                      {"max_ms", Round(max, 3)},
                      {"expected_errors", expected},
                      {"unexpected_errors", unexpected}}},
        {"memory", memory},
        {"fds", fds_json},
        {"cpu", cpu},
        {"server_alive", server_alive},
        {"server_clean_exit", clean_exit},
        {"pass", ok},
        {"timeline", timeline}};
    std::ofstream f(o.json_path);
    f << json::serialize(out) << "\n";
    if (!f) std::fprintf(stderr, "awslab-loadtest: cannot write %s\n", o.json_path.c_str());
  }
  return ok ? 0 : 3;
}
