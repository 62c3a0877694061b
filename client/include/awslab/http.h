// HTTP/1.1 over TCP and over TLS (OpenSSL: certificate and host-name
// verification, SNI, the system trust store or a CA bundle), with a
// keep-alive connection pool and timeouts. It knows nothing of AWS: the
// retry policy and signing live in service.h.
//
// Thread-safety: an HttpClient may be used from many threads at once; each
// Send takes a connection of its own from the pool. Body sources and sinks
// belong to the calling thread.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_HTTP_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_HTTP_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/error.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client {

// "https://s3.us-east-1.amazonaws.com", "http://localhost:4566/base".
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  std::uint16_t port = 0;
  std::string path;    // the base path, "" or "/base" (no trailing slash)

  static Result<Url> Parse(std::string_view text);
  bool tls() const { return scheme == "https"; }
  bool default_port() const { return port == (tls() ? 443 : 80); }
  // The Host header: "host" or "host:port" when the port is not the default.
  std::string HostHeader() const;
  // scheme://host[:port]
  std::string Origin() const;
};

// A request body. Sources that can start over (strings, files) make a
// request retryable; a stream that has been read cannot be replayed.
class BodySource {
 public:
  virtual ~BodySource() = default;
  // The body's length in bytes (sent as Content-Length).
  virtual std::uint64_t size() const = 0;
  // Up to n bytes into buf; 0 at the end.
  virtual Result<std::size_t> Read(char* buf, std::size_t n) = 0;
  // Back to the start; false when that is impossible.
  virtual bool Rewind() = 0;
};

class StringSource : public BodySource {
 public:
  explicit StringSource(std::string_view data) : data_(data) {}
  std::uint64_t size() const override { return data_.size(); }
  Result<std::size_t> Read(char* buf, std::size_t n) override;
  bool Rewind() override { pos_ = 0; return true; }

 private:
  std::string_view data_;  // not owned
  std::size_t pos_ = 0;
};

// A byte range of a file (the whole file by default).
class FileSource : public BodySource {
 public:
  static Result<std::unique_ptr<FileSource>> Open(const std::string& path, std::uint64_t offset = 0,
                                                  std::uint64_t length = UINT64_MAX);
  ~FileSource() override;
  std::uint64_t size() const override { return length_; }
  Result<std::size_t> Read(char* buf, std::size_t n) override;
  bool Rewind() override { pos_ = 0; return true; }

 private:
  FileSource(int fd, std::uint64_t offset, std::uint64_t length)
      : fd_(fd), offset_(offset), length_(length) {}
  int fd_;
  std::uint64_t offset_, length_, pos_ = 0;
};

// A stream of known length read once (stdin, a pipe): not rewindable.
class StreamSource : public BodySource {
 public:
  StreamSource(std::FILE* file, std::uint64_t size) : file_(file), size_(size) {}
  std::uint64_t size() const override { return size_; }
  Result<std::size_t> Read(char* buf, std::size_t n) override;
  bool Rewind() override { return pos_ == 0; }

 private:
  std::FILE* file_;
  std::uint64_t size_, pos_ = 0;
};

// Where a response body goes when it is not collected in memory.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Write(std::string_view chunk) = 0;
  // Forget what was written, for a retry; false when that is impossible.
  virtual bool Reset() = 0;
};

struct HttpResponse {
  int status = 0;
  std::vector<sigv4::Header> headers;
  std::string body;  // unless it went to a sink
  // The first header of that name (case-insensitive), or nullptr.
  const std::string* Header(std::string_view name) const;
};

struct HttpOptions {
  std::string ca_bundle;  // empty: the system trust store
  bool verify_tls = true;
  std::chrono::milliseconds connect_timeout{60'000};
  std::chrono::milliseconds read_timeout{60'000};  // the longest wait for the next bytes
  std::size_t max_idle_per_origin = 32;
};

class HttpClient {
 public:
  // Never fails today. The TLS context is made at the first https
  // connection (as botocore does): an unreadable CA bundle is that
  // request's SSLError.
  static Result<std::shared_ptr<HttpClient>> Create(HttpOptions options);
  ~HttpClient();

  // Sends one request to `origin` and reads the answer. request.path and
  // query are sent as they are (already encoded). Content-Length is added
  // for a body. A 2xx body goes to `sink` when one is given (and not HEAD);
  // otherwise to response.body. Errors are transport errors only (code
  // ConnectionError, Timeout, SSLError, IOError): every HTTP status is a
  // response. A request that fails on a pooled connection before any answer
  // is sent once more on a new connection (the server may have closed it).
  Result<HttpResponse> Send(const Url& origin, const sigv4::HttpRequest& request,
                            BodySource* body = nullptr, BodySink* sink = nullptr);

  // Connections made so far (for tests of the pool).
  std::uint64_t connections_opened() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_HTTP_H_
