// TransferManager against the real awslab-server over HTTP: a 50 MiB file up
// (multipart, parts in parallel) and down (ranged GETs in parallel, to a
// file and to a stream) with identical bytes, a small file as one PUT,
// streams of unknown length, progress totals, failures that abort the
// multipart upload and leave no file behind, and a 1 GiB transfer through a
// TCP proxy that resets one connection part-way, which the per-part retries
// recover from.
#include <fcntl.h>
#include <malloc.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
// The sanitizers' allocator interface (gcc ships the runtime, not the header).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#define AWSLAB_SANITIZED_HEAP 1
#endif

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/s3.h"
#include "client/include/awslab/transfer.h"
#include "tests/client/lib/server_fixture.h"

namespace awslab::testing {
namespace {

using client::Config;
using client::kMiB;
using client::S3Client;
using client::TransferManager;
using client::TransferOptions;

#define ASSERT_OK(expr)                         \
  do {                                          \
    auto&& ok_ = (expr);                        \
    ASSERT_TRUE(ok_) << ok_.error().ToString(); \
  } while (0)

// One server, started on first use and stopped by the environment below.
RealServer* g_server = nullptr;
RealServer& Server() {
  // HTTP and HTTPS on its one port.
  if (!g_server) g_server = new RealServer({"--tls-self-signed"});
  return *g_server;
}

class ServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

Config ConfigFor(int port) {
  Config c;
  c.credentials = {"test", "test", ""};
  c.region = "us-east-1";
  c.endpoint_url = "http://127.0.0.1:" + std::to_string(port);
  return c;
}

// A temporary directory removed with everything in it.
class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/awslab-transfer-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }
  const std::string& path() const { return path_; }
  std::vector<std::string> Names() const {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(path_)) out.push_back(e.path().filename());
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string path_;
};

// A 1 MiB block of pseudo-random bytes; block i of a file is this block with
// i stamped into its first 8 bytes, so no two blocks are equal and a part
// written at the wrong offset shows.
const std::string& RandomBlock() {
  static const std::string block = [] {
    std::string b(kMiB, '\0');
    std::mt19937_64 rng(20130401);
    for (std::size_t i = 0; i < b.size(); i += 8) {
      std::uint64_t v = rng();
      std::memcpy(&b[i], &v, 8);
    }
    return b;
  }();
  return block;
}

// Writes `size` bytes of stamped blocks.
void WriteTestFile(const std::string& path, std::uint64_t size) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ASSERT_GE(fd, 0) << std::strerror(errno);
  std::string block = RandomBlock();
  for (std::uint64_t off = 0, i = 0; off < size; off += kMiB, ++i) {
    std::memcpy(&block[0], &i, sizeof i);
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kMiB, size - off));
    ASSERT_EQ(::write(fd, block.data(), n), static_cast<ssize_t>(n));
  }
  ::close(fd);
}

std::string Sha256OfFile(const std::string& path) {
  crypto::Digest d(crypto::Digest::Kind::kSha256);
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    d.Update(buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  std::string raw = d.Finish();
  return crypto::Hex(raw.data(), raw.size());
}

std::string Md5Hex(std::string_view data) { return crypto::Hex(crypto::Md5(data)); }

// Compares two files byte for byte.
bool SameBytes(const std::string& a, const std::string& b) {
  std::ifstream x(a, std::ios::binary), y(b, std::ios::binary);
  std::vector<char> bx(1 << 20), by(1 << 20);
  while (true) {
    x.read(bx.data(), static_cast<std::streamsize>(bx.size()));
    y.read(by.data(), static_cast<std::streamsize>(by.size()));
    if (x.gcount() != y.gcount()) return false;
    if (x.gcount() == 0) return true;
    if (std::memcmp(bx.data(), by.data(), static_cast<std::size_t>(x.gcount())) != 0) return false;
  }
}

std::uint64_t FileSize(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
}

// Records every progress call.
struct ProgressLog {
  std::mutex mu;
  std::vector<std::pair<std::uint64_t, std::int64_t>> calls;
  client::ProgressCallback Callback() {
    return [this](std::uint64_t done, std::int64_t total) {
      std::lock_guard lock(mu);
      calls.emplace_back(done, total);
    };
  }
};

class TransferTest : public ::testing::Test {
 protected:
  TransferTest() : s3_(S3Client::Create(ConfigFor(Server().port())).value()) {
    static std::atomic<int> n{0};
    bucket_ = "transfer-" + std::to_string(++n);
    auto st = s3_.CreateBucket(bucket_);
    EXPECT_TRUE(st) << st.error().ToString();
  }

  S3Client s3_;
  std::string bucket_;
  TempDir dir_;
};

TEST_F(TransferTest, MultipartUploadAndRangedDownloadOf50MiB) {
  const std::uint64_t size = 50 * kMiB + 12345;
  std::string src = dir_ / "source.bin";
  WriteTestFile(src, size);
  const std::string want = Sha256OfFile(src);
  TransferManager tm(s3_);
  EXPECT_EQ(tm.options().multipart_threshold, 8 * kMiB);
  EXPECT_EQ(tm.options().part_size, 8 * kMiB);
  EXPECT_EQ(tm.options().concurrency, 10);

  ProgressLog up;
  auto uploaded = tm.UploadFile(src, bucket_, "data/50mib file.bin", {}, up.Callback());
  ASSERT_OK(uploaded);
  EXPECT_EQ(uploaded->parts, 7);  // 6 parts of 8 MiB and the rest
  EXPECT_EQ(uploaded->size, size);
  EXPECT_TRUE(uploaded->etag.ends_with("-7\"")) << uploaded->etag;
  ASSERT_FALSE(up.calls.empty());
  EXPECT_EQ(up.calls.back(), std::make_pair(size, static_cast<std::int64_t>(size)));
  for (std::size_t i = 1; i < up.calls.size(); ++i) EXPECT_LE(up.calls[i - 1].first, up.calls[i].first);

  auto head = s3_.HeadObject(bucket_, "data/50mib file.bin");
  ASSERT_OK(head);
  EXPECT_EQ(head->content_length, size);
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());

  ProgressLog down;
  std::string dst = dir_ / "downloaded.bin";
  auto downloaded = tm.DownloadFile(bucket_, "data/50mib file.bin", dst, down.Callback());
  ASSERT_OK(downloaded);
  EXPECT_EQ(downloaded->parts, 7);
  EXPECT_EQ(downloaded->size, size);
  EXPECT_EQ(downloaded->etag, uploaded->etag);
  EXPECT_EQ(Sha256OfFile(dst), want);
  ASSERT_FALSE(down.calls.empty());
  EXPECT_EQ(down.calls.back(), std::make_pair(size, static_cast<std::int64_t>(size)));
  // Nothing but the two files: the temporary file was renamed.
  EXPECT_EQ(dir_.Names(), (std::vector<std::string>{"downloaded.bin", "source.bin"}));

  // To a stream, in order.
  std::string streamed = dir_ / "streamed.bin";
  std::FILE* out = std::fopen(streamed.c_str(), "wb");
  ASSERT_NE(out, nullptr);
  TransferOptions small_parts;
  small_parts.part_size = 3 * kMiB;  // 17 parts, more than the window of 4
  small_parts.concurrency = 4;
  auto to_stream = TransferManager(s3_, small_parts).DownloadStream(bucket_, "data/50mib file.bin", out);
  std::fclose(out);
  ASSERT_OK(to_stream);
  EXPECT_EQ(to_stream->parts, 17);
  EXPECT_EQ(Sha256OfFile(streamed), want);
}

// The same multipart upload and ranged download over TLS, verified with the
// server's CA, virtual-hosted.
TEST_F(TransferTest, MultipartOverHttps) {
  Config c = ConfigFor(Server().port());
  c.endpoint_url = "https://localhost:" + std::to_string(Server().port());
  c.addressing_style = client::AddressingStyle::kVirtual;
  c.ca_bundle = Server().dir() + "/data/tls/ca.pem";
  S3Client tls = S3Client::Create(c).value();
  const std::uint64_t size = 20 * kMiB + 7;
  std::string src = dir_ / "source.bin";
  WriteTestFile(src, size);
  TransferManager tm(tls);
  auto uploaded = tm.UploadFile(src, bucket_, "over tls.bin");
  ASSERT_OK(uploaded);
  EXPECT_EQ(uploaded->parts, 3);
  std::string dst = dir_ / "back.bin";
  auto downloaded = tm.DownloadFile(bucket_, "over tls.bin", dst);
  ASSERT_OK(downloaded);
  EXPECT_EQ(downloaded->parts, 3);
  EXPECT_EQ(Sha256OfFile(dst), Sha256OfFile(src));
}

TEST_F(TransferTest, SmallFileIsOnePut) {
  std::string src = dir_ / "small.txt";
  std::string content = "a small file\n";
  std::ofstream(src) << content;
  TransferManager tm(s3_);
  client::s3::PutObjectOptions put;
  put.content_type = "text/plain";
  put.metadata = {{"origin", "transfer"}};
  ProgressLog log;
  auto r = tm.UploadFile(src, bucket_, "small.txt", put, log.Callback());
  ASSERT_OK(r);
  EXPECT_EQ(r->parts, 0);
  EXPECT_EQ(r->etag, "\"" + Md5Hex(content) + "\"");
  ASSERT_EQ(log.calls.size(), 1u);
  EXPECT_EQ(log.calls[0].first, content.size());
  EXPECT_EQ(log.calls[0].second, static_cast<std::int64_t>(content.size()));
  auto head = s3_.HeadObject(bucket_, "small.txt");
  ASSERT_OK(head);
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_EQ(head->metadata.at("origin"), "transfer");

  std::string dst = dir_ / "small-copy.txt";
  auto d = tm.DownloadFile(bucket_, "small.txt", dst);
  ASSERT_OK(d);
  EXPECT_EQ(d->parts, 0);
  EXPECT_TRUE(SameBytes(src, dst));
  // An empty file both ways.
  std::string empty = dir_ / "empty";
  std::ofstream(empty).close();
  ASSERT_OK(tm.UploadFile(empty, bucket_, "empty"));
  std::string empty_copy = dir_ / "empty-copy";
  ASSERT_OK(tm.DownloadFile(bucket_, "empty", empty_copy));
  EXPECT_TRUE(std::filesystem::exists(empty_copy));
  EXPECT_EQ(FileSize(empty_copy), 0u);
}

// A stream of unknown length through a pipe, written by another thread.
struct PipeWriter {
  std::FILE* read_end = nullptr;
  std::thread writer;
  explicit PipeWriter(std::uint64_t size) {
    std::signal(SIGPIPE, SIG_IGN);  // a reader that gives up must not kill the test
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    read_end = ::fdopen(fds[0], "rb");
    writer = std::thread([fd = fds[1], size] {
      std::string block = RandomBlock();
      for (std::uint64_t off = 0, i = 0; off < size; off += kMiB, ++i) {
        std::memcpy(&block[0], &i, sizeof i);
        std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(kMiB, size - off));
        for (std::size_t w = 0; w < n;) {
          ssize_t k = ::write(fd, block.data() + w, n - w);
          if (k <= 0) break;
          w += static_cast<std::size_t>(k);
        }
      }
      ::close(fd);
    });
  }
  ~PipeWriter() {
    std::fclose(read_end);  // first, so a writer blocked on a full pipe gets EPIPE
    writer.join();
  }
};

TEST_F(TransferTest, StreamUploadOfUnknownLength) {
  TransferManager tm(s3_);
  const std::uint64_t size = 20 * kMiB + 7;
  std::string expected = dir_ / "expected.bin";
  WriteTestFile(expected, size);
  {
    PipeWriter pipe(size);
    ProgressLog log;
    auto r = tm.UploadStream(pipe.read_end, bucket_, "from-pipe", {}, log.Callback());
    ASSERT_OK(r);
    EXPECT_EQ(r->size, size);
    EXPECT_EQ(r->parts, 3);
    ASSERT_FALSE(log.calls.empty());
    EXPECT_EQ(log.calls.front().second, -1);  // the total is unknown while reading
    EXPECT_EQ(log.calls.back(), std::make_pair(size, static_cast<std::int64_t>(size)));
  }
  std::string got = dir_ / "got.bin";
  ASSERT_OK(tm.DownloadFile(bucket_, "from-pipe", got));
  EXPECT_TRUE(SameBytes(expected, got));

  // Exactly the threshold: multipart with one part (the threshold is "at or above").
  {
    PipeWriter pipe(8 * kMiB);
    auto r = tm.UploadStream(pipe.read_end, bucket_, "exact", {});
    ASSERT_OK(r);
    EXPECT_EQ(r->parts, 1);
    EXPECT_EQ(r->size, 8 * kMiB);
  }
  // Under the threshold: one PUT.
  {
    PipeWriter pipe(1000);
    ProgressLog log;
    auto r = tm.UploadStream(pipe.read_end, bucket_, "short", {}, log.Callback());
    ASSERT_OK(r);
    EXPECT_EQ(r->parts, 0);
    EXPECT_EQ(r->size, 1000u);
    EXPECT_EQ(log.calls.back().first, 1000u);
    EXPECT_EQ(log.calls.back().second, 1000);
  }
  EXPECT_EQ(s3_.HeadObject(bucket_, "short").value().content_length, 1000u);
  // Down again to a stream under the threshold.
  std::FILE* out = std::tmpfile();
  auto d = tm.DownloadStream(bucket_, "short", out);
  ASSERT_OK(d);
  EXPECT_EQ(d->parts, 0);
  EXPECT_EQ(std::ftell(out), 1000);
  std::fclose(out);
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
}

// A field of /proc/self/status in KiB ("VmRSS", "VmHWM").
long StatusKiB(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(field + ":")) return std::stol(line.substr(field.size() + 1));
  return -1;
}

// Resets the peak resident size (VmHWM) to the current one.
bool ResetPeakRss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
  out.flush();
  return static_cast<bool>(out);
}

// How much more the process held at its peak while `run` ran, in KiB. In a
// plain build: VmHWM, reset first, against VmRSS (large blocks come straight
// from mmap and go back when freed, so the peak measures what is live at once,
// not where glibc's heap happened to place the parts). Under AddressSanitizer
// or ThreadSanitizer, whose allocators keep freed blocks for a while and ignore
// mallopt: the sanitizer's own count of live heap bytes, sampled every
// millisecond.
template <class Run>
long PeakGrowthKiB(Run&& run) {
#ifdef AWSLAB_SANITIZED_HEAP
  const std::size_t base = __sanitizer_get_current_allocated_bytes();
  std::atomic<bool> done{false};
  std::atomic<std::size_t> peak{base};
  std::thread sampler([&] {
    while (!done.load()) {
      std::size_t now = __sanitizer_get_current_allocated_bytes();
      if (now > peak.load()) peak.store(now);
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  });
  run();
  done.store(true);
  sampler.join();
  return static_cast<long>((peak.load() - base) / 1024);
#else
  static const bool mmap_large = mallopt(M_MMAP_THRESHOLD, 128 * 1024) == 1;
  EXPECT_TRUE(mmap_large);
  EXPECT_TRUE(ResetPeakRss());
  const long base = StatusKiB("VmRSS");
  run();
  return StatusKiB("VmHWM") - base;
#endif
}

// Streams keep at most part_size x concurrency in memory: 100 MiB go up and
// down with 5 MiB parts and 3 workers while the process's peak grows by far
// less than the stream.
TEST_F(TransferTest, StreamsStayWithinPartSizeTimesConcurrency) {
  TransferOptions o;
  o.part_size = 5 * kMiB;
  o.multipart_threshold = 5 * kMiB;
  o.concurrency = 3;
  TransferManager tm(s3_, o);
  const std::uint64_t size = 100 * kMiB;
  const long bound_kib = static_cast<long>(3 * 5 * kMiB / 1024);
  // The test's own 1 MiB blocks (2 MiB), HTTP buffers and thread stacks.
  const long slack_kib = 6 * 1024;

  long up_growth = PeakGrowthKiB([&] {
    PipeWriter pipe(size);
    auto r = tm.UploadStream(pipe.read_end, bucket_, "big-stream", {});
    ASSERT_OK(r);
    EXPECT_EQ(r->parts, 20);
  });
  EXPECT_LT(up_growth, bound_kib + slack_kib) << "upload peak grew by " << up_growth << " KiB";

  long down_growth = PeakGrowthKiB([&] {
    std::FILE* out = std::fopen("/dev/null", "wb");
    ASSERT_NE(out, nullptr);
    auto d = tm.DownloadStream(bucket_, "big-stream", out);
    std::fclose(out);
    ASSERT_OK(d);
    EXPECT_EQ(d->parts, 20);
  });
  EXPECT_LT(down_growth, bound_kib + slack_kib) << "download peak grew by " << down_growth << " KiB";
  std::printf("peak growth: upload %ld KiB, download %ld KiB (bound %ld KiB)\n", up_growth,
              down_growth, bound_kib);
}

// A Caller whose network fails chosen requests with a non-retryable answer.
S3Client FailingClient(int port, std::function<bool(const sigv4::HttpRequest&)> fail) {
  auto http = client::HttpClient::Create({}).value();
  auto caller = std::make_shared<client::Caller>(ConfigFor(port), http);
  caller->set_transport([http, fail](const client::Url& origin, const sigv4::HttpRequest& request,
                                     client::BodySource* body, client::BodySink* sink)
                            -> client::Result<client::HttpResponse> {
    if (fail(request)) {
      client::HttpResponse r;
      r.status = 403;
      r.body = "<Error><Code>AccessDenied</Code><Message>injected</Message></Error>";
      return r;
    }
    return http->Send(origin, request, body, sink);
  });
  return S3Client::Create(caller).value();
}

TEST_F(TransferTest, FailedUploadIsAborted) {
  std::string src = dir_ / "src.bin";
  WriteTestFile(src, 30 * kMiB);
  std::atomic<int> failed{0};
  S3Client failing = FailingClient(Server().port(), [&](const sigv4::HttpRequest& r) {
    bool part3 = r.method == "PUT" && r.query.find("partNumber=3") != std::string::npos;
    if (part3) ++failed;
    return part3;
  });
  TransferManager tm(failing);
  auto r = tm.UploadFile(src, bucket_, "doomed", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "AccessDenied");
  EXPECT_EQ(r.error().message, "injected");
  EXPECT_EQ(failed.load(), 1);  // not retried: a 403 is final
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
  EXPECT_EQ(s3_.HeadObject(bucket_, "doomed").error().http_status, 404);

  // The same for a stream.
  PipeWriter pipe(30 * kMiB);
  auto s = tm.UploadStream(pipe.read_end, bucket_, "doomed-stream", {});
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "AccessDenied");
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
}

// A cancel flag set part-way (as the CLI's Ctrl-C handler sets it): no new
// part starts, the upload is aborted, a download leaves no file.
TEST_F(TransferTest, CancelStopsAbortsAndCleansUp) {
  std::string src = dir_ / "src.bin";
  WriteTestFile(src, 40 * kMiB);
  std::atomic<bool> cancel{false};
  TransferOptions options;
  options.concurrency = 1;  // parts one after another: the flag is seen before the last
  options.cancel = &cancel;
  TransferManager tm(s3_, options);
  auto stop_after_first_part = [&](std::uint64_t done, std::int64_t) {
    if (done >= 8 * kMiB) cancel.store(true);
  };
  auto up = tm.UploadFile(src, bucket_, "cancelled", {}, stop_after_first_part);
  ASSERT_FALSE(up);
  EXPECT_EQ(up.error().code, "Cancelled");
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
  EXPECT_EQ(s3_.HeadObject(bucket_, "cancelled").error().http_status, 404);

  cancel.store(false);
  ASSERT_OK(tm.UploadFile(src, bucket_, "whole"));
  auto down = tm.DownloadFile(bucket_, "whole", dir_ / "target.bin", stop_after_first_part);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, "Cancelled");
  EXPECT_EQ(dir_.Names(), std::vector<std::string>{"src.bin"});  // no target, no temporary file

  // A stream upload stops too, even while it waits for input.
  cancel.store(false);
  PipeWriter pipe(40 * kMiB);
  auto s = tm.UploadStream(pipe.read_end, bucket_, "cancelled-stream", {}, stop_after_first_part);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, "Cancelled");
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
}

TEST_F(TransferTest, FailedDownloadLeavesNoFile) {
  std::string src = dir_ / "src.bin";
  WriteTestFile(src, 20 * kMiB);
  TransferManager good(s3_);
  ASSERT_OK(good.UploadFile(src, bucket_, "obj"));
  S3Client failing = FailingClient(Server().port(), [](const sigv4::HttpRequest& r) {
    for (const sigv4::Header& h : r.headers)
      if (h.name == "Range" && h.value.starts_with("bytes=16777216-")) return true;  // the third part
    return false;
  });
  TransferManager tm(failing);
  std::string target = dir_ / "target.bin";
  auto r = tm.DownloadFile(bucket_, "obj", target);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "AccessDenied");
  EXPECT_EQ(dir_.Names(), std::vector<std::string>{"src.bin"});  // no target, no temporary file

  // A file already there stays as it was.
  std::ofstream(target) << "previous contents";
  ASSERT_FALSE(tm.DownloadFile(bucket_, "obj", target));
  std::ifstream in(target);
  std::string kept((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(kept, "previous contents");
  EXPECT_EQ(dir_.Names(), (std::vector<std::string>{"src.bin", "target.bin"}));

  // A missing key: HeadObject's 404, no file.
  auto missing = good.DownloadFile(bucket_, "no such key", dir_ / "missing");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing"));
  // A directory that does not exist.
  EXPECT_FALSE(good.DownloadFile(bucket_, "obj", dir_ / "no/such/dir/file"));
  EXPECT_EQ(good.UploadFile(dir_ / "nope", bucket_, "k").error().code, "IOError");
}

// ---- a TCP proxy that resets a connection part-way ----

// Forwards 127.0.0.1:port() to the server. Once `arm` is called, the
// connection whose bytes in the armed direction pass `after_bytes` (counted
// over all connections since arming) is reset: SO_LINGER 0 and close, so the
// client sees a connection reset; the server's side is closed too.
class ResettingProxy {
 public:
  explicit ResettingProxy(int target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 64) != 0)
      throw std::runtime_error("proxy: bind/listen");
    socklen_t len = sizeof a;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    acceptor_ = std::thread([this] { Accept(); });
  }
  ~ResettingProxy() {
    stop_ = true;
    ::shutdown(listen_fd_, SHUT_RDWR);
    acceptor_.join();
    ::close(listen_fd_);
    std::lock_guard lock(mu_);
    for (std::thread& t : pumps_) t.join();
  }

  int port() const { return port_; }
  enum class Direction { kToServer, kToClient };
  void Arm(Direction d, std::uint64_t after_bytes) {
    armed_direction_ = d;
    counted_ = 0;
    reset_after_ = after_bytes;
    armed_ = true;
  }
  int resets() const { return resets_.load(); }
  int connections() const { return connections_.load(); }

 private:
  void Accept() {
    while (!stop_) {
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) {
        if (stop_) return;
        continue;
      }
      int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(target_port_));
      if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(client);
        ::close(server);
        continue;
      }
      int one = 1;
      ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      ++connections_;
      std::lock_guard lock(mu_);
      pumps_.emplace_back([this, client, server] { Pump(client, server); });
    }
  }

  // Both directions of one connection until either side closes.
  void Pump(int client, int server) {
    std::vector<char> buf(256 * 1024);
    pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
    bool reset = false;
    while (!stop_ && !reset) {
      int n = ::poll(fds, 2, 200);
      if (n < 0 && errno != EINTR) break;
      if (n <= 0) continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed && !reset; ++i) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int from = fds[i].fd, to = i == 0 ? server : client;
        Direction d = i == 0 ? Direction::kToServer : Direction::kToClient;
        ssize_t got = ::recv(from, buf.data(), buf.size(), 0);
        if (got <= 0) {
          closed = true;
          break;
        }
        if (armed_ && d == armed_direction_ && (counted_ += got) >= reset_after_) {
          armed_ = false;
          reset = true;
          break;
        }
        for (ssize_t sent = 0; sent < got;) {
          ssize_t k = ::send(to, buf.data() + sent, static_cast<std::size_t>(got - sent), MSG_NOSIGNAL);
          if (k <= 0) {
            closed = true;
            break;
          }
          sent += k;
        }
      }
      if (closed) break;
    }
    if (reset) {
      linger l{1, 0};  // close with RST
      ::setsockopt(client, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ::setsockopt(server, SOL_SOCKET, SO_LINGER, &l, sizeof l);
      ++resets_;
    }
    ::close(client);
    ::close(server);
  }

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> pumps_;
  std::atomic<int> connections_{0}, resets_{0};
  std::atomic<bool> armed_{false};
  std::atomic<Direction> armed_direction_{Direction::kToServer};
  std::atomic<std::uint64_t> counted_{0}, reset_after_{0};
};

TEST_F(TransferTest, OneGiBWithConnectionResetRecoversByRetry) {
  const std::uint64_t size = 1024 * kMiB;
  // Room for the source, the server's copy and the download.
  auto space = std::filesystem::space(dir_.path());
  ASSERT_GT(space.available, 4 * size) << "not enough room in /tmp for the 1 GiB test";
  auto started = std::chrono::steady_clock::now();
  std::string src = dir_ / "1gib.bin";
  WriteTestFile(src, size);
  auto written = std::chrono::steady_clock::now();

  ResettingProxy proxy(Server().port());
  S3Client through = S3Client::Create(ConfigFor(proxy.port())).value();
  TransferManager tm(through);

  proxy.Arm(ResettingProxy::Direction::kToServer, 300 * kMiB);
  ProgressLog up;
  auto uploaded = tm.UploadFile(src, bucket_, "1gib.bin", {}, up.Callback());
  ASSERT_OK(uploaded);
  EXPECT_EQ(proxy.resets(), 1);  // the upload met a reset...
  EXPECT_EQ(uploaded->parts, 128);
  EXPECT_EQ(up.calls.back(), std::make_pair(size, static_cast<std::int64_t>(size)));
  auto after_upload = std::chrono::steady_clock::now();

  proxy.Arm(ResettingProxy::Direction::kToClient, 500 * kMiB);
  std::string dst = dir_ / "1gib-down.bin";
  ProgressLog down;
  auto downloaded = tm.DownloadFile(bucket_, "1gib.bin", dst, down.Callback());
  ASSERT_OK(downloaded);
  EXPECT_EQ(proxy.resets(), 2);  // ...and so did the download
  EXPECT_EQ(downloaded->parts, 128);
  EXPECT_EQ(down.calls.back(), std::make_pair(size, static_cast<std::int64_t>(size)));
  auto after_download = std::chrono::steady_clock::now();

  EXPECT_EQ(FileSize(dst), size);
  EXPECT_TRUE(SameBytes(src, dst));
  EXPECT_TRUE(s3_.ListMultipartUploads(bucket_).value().uploads.empty());
  auto ms = [](auto d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); };
  std::printf("1 GiB: write %lld ms, upload %lld ms, download %lld ms, %d connections, %d resets\n",
              static_cast<long long>(ms(written - started)),
              static_cast<long long>(ms(after_upload - written)),
              static_cast<long long>(ms(after_download - after_upload)), proxy.connections(),
              proxy.resets());
  ASSERT_OK(s3_.DeleteObject(bucket_, "1gib.bin"));
  std::filesystem::remove(src);
  std::filesystem::remove(dst);
}

}  // namespace
}  // namespace awslab::testing
