// HttpClient: Beast over a per-connection io_context. Every operation is
// asynchronous with a deadline (beast::tcp_stream's expiry), run to
// completion on the calling thread; so a connection is used by one thread at
// a time and never needs a strand.
#include "client/include/awslab/http.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

namespace awslab::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

// ---- Url ----

Result<Url> Url::Parse(std::string_view text) {
  Url url;
  std::size_t colon = text.find("://");
  if (colon == text.npos)
    return MakeError(codes::kInvalidConfig, "not a URL (no scheme): " + std::string(text));
  url.scheme = std::string(text.substr(0, colon));
  for (char& c : url.scheme)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  if (url.scheme != "http" && url.scheme != "https")
    return MakeError(codes::kInvalidConfig, "the URL's scheme must be http or https: " + std::string(text));
  std::string_view rest = text.substr(colon + 3);
  std::size_t slash = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == rest.npos ? std::string_view() : rest.substr(slash);
  if (std::size_t q = path.find_first_of("?#"); q != path.npos) path = path.substr(0, q);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.path = std::string(path);
  if (std::size_t at = authority.rfind('@'); at != authority.npos) authority.remove_prefix(at + 1);
  std::string_view port;
  if (!authority.empty() && authority[0] == '[') {
    std::size_t close = authority.find(']');
    if (close == authority.npos) return MakeError(codes::kInvalidConfig, "bad IPv6 host in " + std::string(text));
    url.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (after.starts_with(":")) port = after.substr(1);
  } else {
    std::size_t c = authority.rfind(':');
    url.host = std::string(authority.substr(0, c));
    if (c != authority.npos) port = authority.substr(c + 1);
  }
  if (url.host.empty()) return MakeError(codes::kInvalidConfig, "no host in URL " + std::string(text));
  for (char& c : url.host)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  url.port = url.tls() ? 443 : 80;
  if (!port.empty()) {
    unsigned p = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
    if (ec != std::errc() || end != port.data() + port.size() || p == 0 || p > 65535)
      return MakeError(codes::kInvalidConfig, "bad port in URL " + std::string(text));
    url.port = static_cast<std::uint16_t>(p);
  }
  return url;
}

std::string Url::HostHeader() const {
  std::string h = host.find(':') != host.npos ? "[" + host + "]" : host;
  if (!default_port()) h += ":" + std::to_string(port);
  return h;
}

std::string Url::Origin() const {
  std::string h = host.find(':') != host.npos ? "[" + host + "]" : host;
  return scheme + "://" + h + ":" + std::to_string(port);
}

// ---- bodies ----

Result<std::size_t> StringSource::Read(char* buf, std::size_t n) {
  std::size_t k = std::min(n, data_.size() - pos_);
  // An empty view may have no data at all: memcpy's pointers must not be null.
  if (k > 0) std::memcpy(buf, data_.data() + pos_, k);
  pos_ += k;
  return k;
}

Result<std::unique_ptr<FileSource>> FileSource::Open(const std::string& path, std::uint64_t offset,
                                                     std::uint64_t length) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return MakeError(codes::kIo, path + ": " + std::strerror(errno));
  off_t end = ::lseek(fd, 0, SEEK_END);
  if (end < 0 || static_cast<std::uint64_t>(end) < offset) {
    ::close(fd);
    return MakeError(codes::kIo, path + ": shorter than the range asked for");
  }
  length = std::min<std::uint64_t>(length, static_cast<std::uint64_t>(end) - offset);
  return std::unique_ptr<FileSource>(new FileSource(fd, offset, length));
}

FileSource::~FileSource() { ::close(fd_); }

Result<std::size_t> FileSource::Read(char* buf, std::size_t n) {
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, length_ - pos_));
  if (want == 0) return std::size_t{0};
  ssize_t got;
  do got = ::pread(fd_, buf, want, static_cast<off_t>(offset_ + pos_));
  while (got < 0 && errno == EINTR);
  if (got < 0) return MakeError(codes::kIo, std::string("read: ") + std::strerror(errno));
  if (got == 0) return MakeError(codes::kIo, "the file shrank while it was sent");
  pos_ += static_cast<std::uint64_t>(got);
  return static_cast<std::size_t>(got);
}

Result<std::size_t> StreamSource::Read(char* buf, std::size_t n) {
  std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(n, size_ - pos_));
  if (want == 0) return std::size_t{0};
  std::size_t got = std::fread(buf, 1, want, file_);
  if (got == 0) return MakeError(codes::kIo, std::ferror(file_) ? "read error" : "the stream ended early");
  pos_ += got;
  return got;
}

const std::string* HttpResponse::Header(std::string_view name) const {
  for (const sigv4::Header& h : headers) {
    if (h.name.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < name.size() && same; ++i)
      same = std::tolower(static_cast<unsigned char>(h.name[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    if (same) return &h.value;
  }
  return nullptr;
}

// ---- connections ----

namespace {

struct Connection {
  asio::io_context ioc{1};
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  // Beast reads as much as the buffer has room for (at least 512 bytes):
  // without room reserved a body arrives 512 bytes a read.
  Connection() { buffer.reserve(64 << 10); }

  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }

  // Starts an asynchronous operation and runs it to completion within
  // `timeout`.
  template <class Start>
  error_code Run(std::chrono::milliseconds timeout, Start&& start) {
    error_code result = asio::error::would_block;
    lowest().expires_after(timeout);
    start([&result](error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }
};

bool IsIpAddress(const std::string& host) {
  error_code ec;
  asio::ip::make_address(host, ec);
  return !ec;
}

std::string OpenSslErrors() {
  std::string s;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!s.empty()) s += "; ";
    s += buf;
  }
  return s;
}

}  // namespace

struct HttpClient::Impl {
  HttpOptions options;
  // Made on first use: an OpenSSL context costs milliseconds (providers,
  // the trust store), which every plain-http client would pay for nothing.
  std::once_flag tls_once;
  std::optional<ssl::context> tls;
  std::string tls_error;  // the CA bundle could not be read
  std::mutex mu;

  ssl::context& Tls() {
    std::call_once(tls_once, [this] {
      tls.emplace(ssl::context::tls_client);
      tls->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                       ssl::context::no_tlsv1_1);
      if (!options.ca_bundle.empty()) {
        error_code ec;
        tls->load_verify_file(options.ca_bundle, ec);
        if (ec) {
          tls_error = "cannot read the CA bundle " + options.ca_bundle + ": " + ec.message() +
                      " " + OpenSslErrors();
        }
      } else {
        error_code ignored;  // no system trust store: verification fails later, clearly
        tls->set_default_verify_paths(ignored);
      }
    });
    return *tls;
  }
  std::map<std::string, std::vector<std::unique_ptr<Connection>>, std::less<>> idle;
  std::atomic<std::uint64_t> opened{0};

  Error TransportError(const error_code& ec, Connection* c, const std::string& what) {
    if (ec == beast::error::timeout)
      return MakeError(codes::kTimeout, what + ": timed out");
    if (ec.category() == asio::error::get_ssl_category() ||
        ec.category() == ssl::error::get_stream_category()) {
      std::string detail = ec.message();
      if (c && c->secure) {
        long v = SSL_get_verify_result(c->secure->native_handle());
        if (v != X509_V_OK)
          detail = std::string("certificate verify failed: ") + X509_verify_cert_error_string(v);
      }
      return MakeError(codes::kTls, what + ": " + detail);
    }
    return MakeError(codes::kConnection, what + ": " + ec.message());
  }

  Result<std::unique_ptr<Connection>> Take(const Url& origin, bool fresh, bool& reused) {
    std::string key = origin.Origin();
    if (!fresh) {
      std::lock_guard lock(mu);
      auto it = idle.find(key);
      if (it != idle.end() && !it->second.empty()) {
        std::unique_ptr<Connection> c = std::move(it->second.back());
        it->second.pop_back();
        reused = true;
        return c;
      }
    }
    reused = false;
    auto c = std::make_unique<Connection>();
    tcp::resolver resolver(c->ioc);
    error_code ec;
    // RFC 6761 6.3: names under .localhost are loopback, which glibc does not
    // know without nss-myhostname; so "bucket.localhost" (virtual-hosted S3
    // on awslab-server) resolves as "localhost" does. TLS still checks the
    // full name.
    std::string_view name = origin.host;
    if (name.size() > 10 && name.ends_with(".localhost")) name = "localhost";
    auto endpoints = resolver.resolve(name, std::to_string(origin.port), ec);
    if (ec) return MakeError(codes::kConnection, "could not resolve " + origin.host + ": " + ec.message());
    if (origin.tls()) {
      ssl::context& context = Tls();
      if (!tls_error.empty()) return MakeError(codes::kTls, tls_error);
      c->secure.emplace(c->ioc, context);
    } else {
      c->plain.emplace(c->ioc);
    }
    ec = c->Run(options.connect_timeout, [&](auto handler) {
      c->lowest().async_connect(endpoints, std::move(handler));
    });
    if (ec) return TransportError(ec, c.get(), "could not connect to " + origin.Origin());
    c->lowest().socket().set_option(tcp::no_delay(true), ec);
    opened.fetch_add(1, std::memory_order_relaxed);
    if (origin.tls()) {
      SSL* handle = c->secure->native_handle();
      if (options.verify_tls) {
        c->secure->set_verify_mode(ssl::verify_peer);
        X509_VERIFY_PARAM* param = SSL_get0_param(handle);
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        bool ok = IsIpAddress(origin.host) ? X509_VERIFY_PARAM_set1_ip_asc(param, origin.host.c_str())
                                           : X509_VERIFY_PARAM_set1_host(param, origin.host.c_str(), 0);
        if (!ok) return MakeError(codes::kTls, "cannot verify host name " + origin.host);
      } else {
        c->secure->set_verify_mode(ssl::verify_none);
      }
      if (!IsIpAddress(origin.host)) SSL_set_tlsext_host_name(handle, origin.host.c_str());
      ec = c->Run(options.connect_timeout, [&](auto handler) {
        c->secure->async_handshake(ssl::stream_base::client, std::move(handler));
      });
      if (ec) return TransportError(ec, c.get(), "TLS handshake with " + origin.Origin());
    }
    return c;
  }

  void Give(const Url& origin, std::unique_ptr<Connection> c) {
    c->lowest().expires_never();
    std::lock_guard lock(mu);
    auto& list = idle[origin.Origin()];
    if (list.size() < options.max_idle_per_origin) list.push_back(std::move(c));
  }

  // One exchange on one connection. `answered` tells whether any byte of
  // the answer arrived (after which the request is never silently resent).
  template <class Stream>
  Result<HttpResponse> Exchange(Connection& c, Stream& stream, const sigv4::HttpRequest& request,
                                BodySource* body, BodySink* sink, bool& answered, bool& keep) {
    http::request<http::buffer_body> req;
    req.method(http::string_to_verb(request.method));
    if (req.method() == http::verb::unknown) req.method_string(request.method);
    req.target(request.query.empty() ? request.path : request.path + "?" + request.query);
    req.version(11);
    bool has_length = false;
    for (const sigv4::Header& h : request.headers) {
      if (beast::iequals(h.name, "content-length")) has_length = true;
      req.insert(h.name, h.value);
    }
    std::uint64_t size = body ? body->size() : 0;
    if (!has_length && (body || request.method == "PUT" || request.method == "POST"))
      req.content_length(size);
    req.body().data = nullptr;
    req.body().more = size > 0;
    http::request_serializer<http::buffer_body> sr(req);
    error_code ec = c.Run(options.read_timeout, [&](auto handler) {
      http::async_write_header(stream, sr, std::move(handler));
    });
    if (ec) return TransportError(ec, &c, "sending the request");
    std::vector<char> buf;
    if (size > 0) {
      buf.resize(static_cast<std::size_t>(std::min<std::uint64_t>(size, 256 * 1024)));
      std::uint64_t sent = 0;
      while (true) {
        std::size_t n = 0;
        if (sent < size) {
          auto r = body->Read(buf.data(), buf.size());
          if (!r) return r.error();
          n = *r;
          if (n == 0) return MakeError(codes::kIo, "the request body ended before its length");
          sent += n;
        }
        req.body().data = n ? buf.data() : nullptr;
        req.body().size = n;
        req.body().more = n > 0;
        ec = c.Run(options.read_timeout, [&](auto handler) {
          http::async_write(stream, sr, std::move(handler));
        });
        if (ec == http::error::need_buffer) ec = {};
        if (ec) return TransportError(ec, &c, "sending the request body");
        if (n == 0) break;
      }
    }

    http::response_parser<http::buffer_body> parser;
    parser.body_limit(boost::none);
    parser.header_limit(64 * 1024);
    if (request.method == "HEAD") parser.skip(true);
    ec = c.Run(options.read_timeout, [&](auto handler) {
      http::async_read_header(stream, c.buffer, parser, std::move(handler));
    });
    if (c.buffer.size() > 0 || parser.got_some()) answered = true;
    if (ec) return TransportError(ec, &c, "reading the answer");
    answered = true;
    HttpResponse response;
    response.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get())
      response.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    BodySink* to = sink && response.status >= 200 && response.status < 300 ? sink : nullptr;
    if (buf.size() < 64 * 1024) buf.resize(64 * 1024);
    while (!parser.is_done()) {
      parser.get().body().data = buf.data();
      parser.get().body().size = buf.size();
      ec = c.Run(options.read_timeout, [&](auto handler) {
        http::async_read(stream, c.buffer, parser, std::move(handler));
      });
      if (ec == http::error::need_buffer) ec = {};
      if (ec) return TransportError(ec, &c, "reading the answer's body");
      std::size_t n = buf.size() - parser.get().body().size;
      if (n == 0) continue;
      if (to) {
        if (auto st = to->Write(std::string_view(buf.data(), n)); !st) return st.error();
      } else {
        response.body.append(buf.data(), n);
      }
    }
    keep = parser.get().keep_alive();
    return response;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::~HttpClient() = default;

Result<std::shared_ptr<HttpClient>> HttpClient::Create(HttpOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->options = std::move(options);
  return std::shared_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

std::uint64_t HttpClient::connections_opened() const { return impl_->opened.load(); }

Result<HttpResponse> HttpClient::Send(const Url& origin, const sigv4::HttpRequest& request,
                                      BodySource* body, BodySink* sink) {
  for (int round = 0;; ++round) {
    bool reused = false;
    auto conn = impl_->Take(origin, round > 0, reused);
    if (!conn) return conn.error();
    Connection& c = **conn;
    bool answered = false, keep = false;
    Result<HttpResponse> r = c.secure ? impl_->Exchange(c, *c.secure, request, body, sink, answered, keep)
                                      : impl_->Exchange(c, *c.plain, request, body, sink, answered, keep);
    if (r) {
      if (keep) impl_->Give(origin, std::move(*conn));
      return r;
    }
    // A pooled connection the server closed while it was idle: once more on a
    // new one, when the body can start over.
    bool transport = r.error().code == codes::kConnection || r.error().code == codes::kTls;
    if (reused && !answered && transport && round == 0 && (!body || body->Rewind())) continue;
    return r;
  }
}

}  // namespace awslab::client
