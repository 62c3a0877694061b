#include "emulator/net/server.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <type_traits>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_cat.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <openssl/ssl.h>
#include <cerrno>
#include <cstring>
#include <thread>
#include <tuple>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/ids.h"
#include "emulator/base/log.h"
#include "emulator/base/spare_buffers.h"
#include "emulator/net/request_header.h"
#include "emulator/net/tls.h"

namespace awslab::net {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTok = asio::as_tuple(asio::use_awaitable);
// Bodies move through a buffer of at most this size, so a transfer of any
// size keeps memory flat.
constexpr std::size_t kMaxIoBuffer = 256 * 1024;

// The Date header, formatted once a second per thread.
const std::string& DateHeader() {
  thread_local std::string cached;
  thread_local std::time_t cached_at = 0;
  std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    cached = FormatHttpDate(std::chrono::system_clock::from_time_t(now));
    cached_at = now;
  }
  return cached;
}

bool StatusHasNoBody(int status) { return status == 204 || status == 304 || status < 200; }

// The socket's timer, whether the stream is plain or TLS.
beast::tcp_stream& Tcp(beast::tcp_stream& stream) { return stream; }
beast::tcp_stream& Tcp(beast::ssl_stream<beast::tcp_stream>& stream) { return stream.next_layer(); }

// An asio context that shares the server's TlsContext (one more reference
// to its SSL_CTX, which asio's context frees).
std::unique_ptr<asio::ssl::context> WrapTls(const TlsContext* tls) {
  if (!tls) return nullptr;
  SSL_CTX_up_ref(tls->native_handle());
  return std::make_unique<asio::ssl::context>(tls->native_handle());
}

// After an answer that refused a body the client may still be sending, the
// rest of it is read and dropped for a while before the socket closes, as
// nginx's lingering close does: closing with unread bytes makes the kernel
// answer them with a reset, which can destroy the answer before the client
// has read it (a client that sends its whole body first, as urllib3 does,
// would see a broken connection instead of SlowDown or EntityTooLarge).
constexpr auto kLingerTime = std::chrono::seconds(3);
constexpr auto kLingerIdle = std::chrono::milliseconds(500);

asio::awaitable<void> LingeringClose(beast::tcp_stream& stream) {
  boost::system::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) co_return;
  const auto deadline = std::chrono::steady_clock::now() + kLingerTime;
  std::vector<char> sink(16384);
  for (;;) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    stream.expires_after(std::min<std::chrono::steady_clock::duration>(kLingerIdle, deadline - now));
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kTok);
    if (rec) break;
  }
}

// What writing a response needs to know of its request.
struct ReplyInfo {
  std::string method;
  std::string request_id;
  std::string host_id;
};

// A header value as Beast's fields store it: without leading or trailing
// spaces and tabs.
std::string_view TrimOws(std::string_view v) {
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return v;
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  value = TrimOws(value);
  // Beast's limit for one field, kept so that such a response fails as before.
  if (name.size() + 2 > 0xffff || value.size() + 2 > 0xffff)
    throw std::length_error("field too large");
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

// The status line and header fields of a response, byte for byte what
// Beast's response<empty_body> and serializer made of them: the status
// line, S3's Server and request ids (unless the service named its own
// server), Date, the service's headers in order, then Connection: close and
// Content-Length, each of which, like Beast's set(), first drops any header
// of the same name the service gave. Written into one string: Beast
// allocated a node per field and handed the socket a buffers_cat_view over
// them, whose iteration cost more than the rest of writing a small response.
void AppendResponseHead(std::string& out, const protocol::Response& response,
                        const ReplyInfo& request, bool close,
                        std::optional<std::uint64_t> content_length) {
  const unsigned code = static_cast<unsigned>(response.status);
  if (code > 999) throw std::invalid_argument{"invalid status-code"};  // as Beast's result()
  const char line[] = {'H', 'T', 'T', 'P', '/', '1', '.', '1', ' ',
                       static_cast<char>('0' + code / 100),
                       static_cast<char>('0' + (code / 10) % 10),
                       static_cast<char>('0' + code % 10), ' '};
  out.append(line, sizeof line);
  out.append(http::obsolete_reason(static_cast<http::status>(code)));
  out.append("\r\n");
  const bool own_server = std::any_of(response.headers.begin(), response.headers.end(),
                                      [](const auto& h) { return h.first == "Server"; });
  if (!own_server) {
    AppendField(out, "Server", "AmazonS3");
    AppendField(out, "x-amz-request-id", request.request_id);
    AppendField(out, "x-amz-id-2", request.host_id);
  }
  AppendField(out, "Date", DateHeader());
  for (const auto& [name, value] : response.headers) {
    if (close && beast::iequals(name, "Connection")) continue;
    if (content_length && beast::iequals(name, "Content-Length")) continue;
    AppendField(out, name, value);
  }
  if (close) AppendField(out, "Connection", "close");
  if (content_length) {
    char digits[24];
    auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *content_length);
    AppendField(out, "Content-Length", std::string_view(digits, end - digits));
  }
  out.append("\r\n");
}

}  // namespace

struct Server::Impl {
  Impl(ServerOptions o, api::Service& s)
      : options(std::move(o)),
        service(s),
        ioc(1),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        tls(WrapTls(options.tls.get())) {
    int n = options.threads > 0 ? options.threads
                                : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    contexts.push_back(&ioc);
    for (int i = 1; i < n; ++i) {
      workers.push_back(std::make_unique<asio::io_context>(1));
      contexts.push_back(workers.back().get());
      guards.emplace_back(workers.back()->get_executor());
    }
  }

  asio::awaitable<void> Accept();
  asio::awaitable<void> Connection(tcp::socket socket);
  asio::awaitable<void> TlsConnection(beast::tcp_stream stream, beast::flat_buffer& buffer,
                                      const std::string& remote_address);
  // The HTTP exchanges of one connection, over a beast::tcp_stream or a
  // beast::ssl_stream<beast::tcp_stream>; `buffer` may hold bytes already read.
  template <class Stream>
  asio::awaitable<void> Session(Stream& stream, beast::flat_buffer& buffer,
                                const std::string& remote_address);
  template <class Stream>
  asio::awaitable<bool> WriteResponse(Stream& stream, protocol::Response& response,
                                      const ReplyInfo& request, bool close,
                                      std::vector<char>& io_buffer, std::uint64_t& bytes_out);
  void BeginShutdown();
  void WaitForRequests(std::chrono::steady_clock::time_point deadline);

  ServerOptions options;
  api::Service& service;
  // One io_context per thread, each run by that thread alone, as nginx has
  // one event loop per worker: a connection lives on one context for its
  // whole life, so its handlers need no strand and the contexts share no
  // lock. The first context also holds the acceptor and the signals.
  // The workers are declared first so that they outlive it: an accept still
  // pending in `ioc` at exit holds a socket of a worker context, which it
  // destroys with itself (AddressSanitizer found the other order).
  std::vector<std::unique_ptr<asio::io_context>> workers;
  asio::io_context ioc;
  std::vector<asio::io_context*> contexts;  // ioc, then the workers
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::size_t next_context = 0;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::atomic<int> in_flight{0};
  std::unique_ptr<asio::steady_timer> shutdown_timer;
  // After `options`, which holds the TlsContext whose SSL_CTX this shares.
  std::unique_ptr<asio::ssl::context> tls;
};

Server::Server(ServerOptions options, api::Service& service)
    : impl_(std::make_unique<Impl>(std::move(options), service)) {}

Server::~Server() = default;

Status Server::Listen() {
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) return MakeError(ErrorCode::kInvalidArgument, "invalid --host: " + impl_->options.host);
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    return MakeError(ErrorCode::kInternalError, "cannot listen on " + impl_->options.host + ":" +
                                                    std::to_string(impl_->options.port) + ": " +
                                                    ec.message());
  return Ok();
}

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void Server::Run() {
  Impl& impl = *impl_;
  impl.signals.async_wait([&impl](const boost::system::error_code& ec, int) {
    if (!ec) impl.BeginShutdown();
  });
  asio::co_spawn(impl.acceptor.get_executor(), impl.Accept(), asio::detached);
  std::vector<std::thread> threads;
  for (auto& worker : impl.workers) threads.emplace_back([ctx = worker.get()] { ctx->run(); });
  impl.ioc.run();
  for (auto& t : threads) t.join();
}

void Server::Stop() {
  asio::post(impl_->ioc, [impl = impl_.get()] { impl->BeginShutdown(); });
}

void Server::Impl::BeginShutdown() {
  if (stopping.exchange(true)) return;
  boost::system::error_code ec;
  acceptor.close(ec);
  signals.cancel(ec);
  WaitForRequests(std::chrono::steady_clock::now() + options.shutdown_grace);
}

// Requests in progress finish (up to the grace period); idle connections are
// simply dropped, as a client must expect of any keep-alive connection.
void Server::Impl::WaitForRequests(std::chrono::steady_clock::time_point deadline) {
  if (in_flight.load() == 0 || std::chrono::steady_clock::now() >= deadline) {
    for (auto* ctx : contexts) ctx->stop();
    return;
  }
  shutdown_timer = std::make_unique<asio::steady_timer>(ioc, std::chrono::milliseconds(20));
  shutdown_timer->async_wait([this, deadline](const boost::system::error_code&) {
    WaitForRequests(deadline);
  });
}

asio::awaitable<void> Server::Impl::Accept() {
  while (!stopping) {
    asio::io_context& target = *contexts[next_context++ % contexts.size()];
    auto [ec, socket] = co_await acceptor.async_accept(target, kTok);
    if (ec) {
      if (stopping || ec == asio::error::operation_aborted) break;
      // Out of descriptors and the like: pause rather than spin.
      LogLine("accept: " + ec.message());
      asio::steady_timer t(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await t.async_wait(kTok);
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto executor = socket.get_executor();
    asio::co_spawn(executor, Connection(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> Server::Impl::Connection(tcp::socket socket) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  std::string remote_address = ec ? "-" : remote.address().to_string();
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  if (!tls) {
    co_await Session(stream, buffer, remote_address);
  } else {
    // The connection's first bytes say which: a TLS record of a ClientHello
    // (0x16, version, length, 0x01) or anything else, served as HTTP. The
    // bytes read stay in `buffer` for the handshake or the HTTP parser: the
    // first read is the one the parser would have made, so plain HTTP costs
    // no extra system call.
    stream.expires_after(options.idle_timeout);
    auto [dec, is_tls] = co_await beast::async_detect_ssl(stream, buffer, kTok);
    if (dec) {
      // Closed or timed out before saying anything.
    } else if (is_tls) {
      co_await TlsConnection(std::move(stream), buffer, remote_address);
      co_return;
    } else {
      co_await Session(stream, buffer, remote_address);
    }
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.socket().close(ec);
}

asio::awaitable<void> Server::Impl::TlsConnection(beast::tcp_stream plain,
                                                  beast::flat_buffer& buffer,
                                                  const std::string& remote_address) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(plain), *tls);
  Tcp(stream).expires_after(options.idle_timeout);
  auto [ec, used] =
      co_await stream.async_handshake(asio::ssl::stream_base::server, buffer.data(), kTok);
  buffer.consume(used);
  if (ec) {
    // A client that does not trust the certificate says so here ("tlsv1
    // alert unknown ca"): worth a line to whoever wonders why it fails.
    if (options.access_log && ec != beast::error::timeout && ec != asio::error::eof &&
        ec != asio::error::connection_reset)
      LogLine(FormatIso8601(std::chrono::system_clock::now()) + " " + remote_address +
              " TLS handshake failed: " + ec.message());
  } else {
    co_await Session(stream, buffer, remote_address);
    // close_notify, and a short wait for the client's, so that it can tell
    // the end of the connection from a cut one.
    Tcp(stream).expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(kTok);
  }
  Tcp(stream).socket().shutdown(tcp::socket::shutdown_send, ec);
  Tcp(stream).socket().close(ec);
}

template <class Stream>
asio::awaitable<bool> Server::Impl::WriteResponse(Stream& stream, protocol::Response& response,
                                                  const ReplyInfo& request, bool close,
                                                  std::vector<char>& io_buffer,
                                                  std::uint64_t& bytes_out) {
  std::uint64_t length = response.file ? response.file->size
                         : response.head_content_length ? *response.head_content_length
                                                        : response.body.size();
  const bool send_body = request.method != "HEAD" && !StatusHasNoBody(response.status);

  std::string head_bytes;
  head_bytes.reserve(512);
  AppendResponseHead(head_bytes, response, request, close,
                     StatusHasNoBody(response.status) ? std::nullopt
                                                      : std::optional<std::uint64_t>(length));
  if (!response.file) {
    Tcp(stream).expires_after(options.io_timeout);
    if (!send_body) {
      auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head_bytes), kTok);
      co_return !ec;
    }
    // Head and body in one gathered write (one sendmsg), as Beast's
    // serializer sent them.
    boost::system::error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      const std::array<asio::const_buffer, 2> buffers = {asio::buffer(head_bytes),
                                                         asio::buffer(response.body)};
      std::tie(ec, std::ignore) = co_await asio::async_write(stream, buffers, kTok);
    } else {
      // Not a two-buffer std::array over TLS: once the head is out, asio
      // passes that array on with an empty first buffer, of which Beast's
      // flat_stream (inside ssl_stream) then writes nothing when the body is
      // over 16 KiB, and the response stalls. A buffers_cat_view, as Beast's
      // serializer used, is passed on from the body.
      std::tie(ec, std::ignore) = co_await asio::async_write(
          stream, beast::buffers_cat(asio::buffer(head_bytes), asio::buffer(response.body)), kTok);
    }
    bytes_out += response.body.size();
    co_return !ec;
  }

  Tcp(stream).expires_after(options.io_timeout);
  auto [ec, n] = co_await asio::async_write(stream, asio::buffer(head_bytes), kTok);
  if (ec) co_return false;
  if (!send_body) co_return true;
  protocol::FileBody& file = *response.file;
  io_buffer.resize(std::min<std::uint64_t>(kMaxIoBuffer, std::max<std::uint64_t>(file.size, 1)));
  std::uint64_t body_offset = 0;
  for (const auto& segment : file.segments) {
    std::uint64_t offset = segment.offset, left = segment.size;
    while (left > 0) {
      std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, io_buffer.size()));
      ssize_t got = ::pread(segment.fd, io_buffer.data(), want, static_cast<off_t>(offset));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        // The headers are gone; all that is left is to cut the connection so
        // the client sees a short body rather than a wrong one.
        LogLine("read blob: " + std::string(got < 0 ? std::strerror(errno) : "short file"));
        co_return false;
      }
      if (file.transform) file.transform(body_offset, io_buffer.data(), static_cast<std::size_t>(got));
      body_offset += static_cast<std::uint64_t>(got);
      Tcp(stream).expires_after(options.io_timeout);
      auto [wec, wn] =
          co_await asio::async_write(stream, asio::buffer(io_buffer.data(), got), kTok);
      if (wec) co_return false;
      offset += got;
      left -= got;
      bytes_out += got;
    }
  }
  co_return true;
}

template <class Stream>
asio::awaitable<void> Server::Impl::Session(Stream& stream, beast::flat_buffer& buffer,
                                            const std::string& remote_address) {
  std::vector<char> io_buffer;
  // Whether the last request's body was left unread (the connection closes).
  bool unread_body = false;

  while (!stopping) {
    http::request_parser<http::buffer_body> parser;
    parser.header_limit(options.header_limit);
    parser.body_limit(boost::none);  // each exchange sets its own limit
    Tcp(stream).expires_after(options.idle_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, kTok);
    if (ec) {
      if (ec == http::error::header_limit) {
        ReplyInfo req{"GET", NewRequestId(), NewExtendedRequestId()};
        protocol::Response res;
        res.status = 400;
        res.SetHeader("Content-Type", "application/xml");
        res.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                   "RequestHeaderSectionTooLarge</Code><Message>Your request header section "
                   "exceeds the maximum allowed size.</Message><MaxSizeAllowed>" +
                   std::to_string(options.header_limit) + "</MaxSizeAllowed><RequestId>" +
                   req.request_id + "</RequestId><HostId>" + req.host_id + "</HostId></Error>";
        std::uint64_t out = 0;
        co_await WriteResponse(stream, res, req, /*close=*/true, io_buffer, out);
      } else if (ec != http::error::end_of_stream && ec != beast::error::timeout &&
                 ec != asio::error::eof && ec != asio::error::connection_reset &&
                 ec != asio::error::operation_aborted && buffer.size() > 0) {
        // A request line or header that is not HTTP: answer 400 and hang up.
        static constexpr std::string_view kBad =
            "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        Tcp(stream).expires_after(std::chrono::seconds(5));
        co_await asio::async_write(stream, asio::buffer(kBad.data(), kBad.size()), kTok);
      }
      break;
    }

    const auto started = std::chrono::steady_clock::now();
    in_flight.fetch_add(1);
    auto& msg = parser.get();
    protocol::Request request;
    const bool parsed = RequestFromHeader(parser, request);
    request.remote_address = remote_address;
    request.request_id = NewRequestId();
    request.host_id = NewExtendedRequestId();
    bool close = !msg.keep_alive();
    const ReplyInfo reply{request.raw.method, request.request_id, request.host_id};
    const std::string log_target(msg.target());

    std::unique_ptr<api::Exchange> exchange;
    protocol::Response response;
    std::uint64_t bytes_in = 0;
    try {
      if (!parsed) {
        response.status = 400;
        response.SetHeader("Content-Type", "application/xml");
        response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InvalidURI</Code>"
                        "<Message>Couldn't parse the specified URI.</Message><RequestId>" +
                        request.request_id + "</RequestId></Error>";
        if (request.has_body) close = unread_body = true;
      } else {
        exchange = service.Begin(std::move(request));
        if (exchange->early) {
          response = std::move(*exchange->early);
          // The body was not read: the connection cannot carry another request.
          if (!parser.is_done()) close = unread_body = true;
        } else {
          bool complete = parser.is_done();
          bool stopped = false;
          // Always answer an accepted Expect with 100 Continue, even for an
          // empty body: botocore 1.29 (Debian 12) otherwise takes the final
          // response for the interim one and misreads the next response on
          // the connection (boto/botocore#3755).
          if (auto expect = msg[http::field::expect]; beast::iequals(expect, "100-continue")) {
            http::response<http::empty_body> cont{http::status::continue_, 11};
            Tcp(stream).expires_after(options.io_timeout);
            co_await http::async_write(stream, cont, kTok);
          }
          if (!complete) {
            std::uint64_t hint = parser.content_length().value_or(kMaxIoBuffer);
            io_buffer.resize(std::clamp<std::uint64_t>(hint, 4096, kMaxIoBuffer));
            // Beast sizes each socket read by the free space of `buffer`,
            // which so far only held the header: without room, a large body
            // arrives 512 bytes a read and costs a syscall each. Room for
            // the header as well lets the connection's next small request,
            // header and body, arrive in one read.
            buffer.reserve(io_buffer.size() + n);
            while (!parser.is_done()) {
              msg.body().data = io_buffer.data();
              msg.body().size = io_buffer.size();
              Tcp(stream).expires_after(options.io_timeout);
              auto [rec, rn] = co_await http::async_read_some(stream, buffer, parser, kTok);
              if (rec == http::error::need_buffer) rec = {};
              std::size_t got = io_buffer.size() - msg.body().size;
              if (got > 0) {
                bytes_in += got;
                if (bytes_in > exchange->body_limit) {
                  stopped = true;
                  break;
                }
                if (!exchange->OnBody(std::string_view(io_buffer.data(), got))) {
                  stopped = true;
                  break;
                }
              }
              if (rec) break;
            }
            complete = parser.is_done() && !stopped;
          }
          if (bytes_in > exchange->body_limit) {
            // Only small documents have a limit below the maximum object size.
            exchange.reset();
            response.status = 400;
            response.SetHeader("Content-Type", "application/xml");
            response.body =
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>MaxMessageLengthExceeded"
                "</Code><Message>Your request was too big.</Message><RequestId>" +
                reply.request_id + "</RequestId></Error>";
          } else {
            response = exchange->Finish(complete);
          }
          if (!complete) close = unread_body = true;
        }
      }
    } catch (const std::exception& e) {
      // The one catch: a bug becomes a 500 and a log line, not a dead server.
      LogLine(std::string("internal error: ") + e.what());
      response = protocol::Response();
      response.status = 500;
      response.SetHeader("Content-Type", "application/xml");
      response.body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>"
                      "<Message>We encountered an internal error. Please try again.</Message>"
                      "</Error>";
      close = true;
    }
    exchange.reset();  // frees staged bodies and buffers before the write
    if (stopping) close = true;
    std::uint64_t bytes_out = 0;
    bool written = co_await WriteResponse(stream, response, reply, close, io_buffer, bytes_out);
    GiveSpareBuffer(response.body);
    in_flight.fetch_sub(1);
    if (options.access_log) {
      auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
      char ms[32];
      std::snprintf(ms, sizeof ms, "%.3fms", micros / 1000.0);
      LogLine(FormatIso8601(std::chrono::system_clock::now()) + " " + remote_address + " " +
              reply.method + " " + log_target + " " + std::to_string(response.status) +
              " in=" + std::to_string(bytes_in) + " out=" + std::to_string(bytes_out) + " " + ms +
              " " + reply.request_id + (written ? "" : " (response not delivered)"));
    }
    // An idle connection keeps no large buffers.
    if (io_buffer.capacity() > 64 * 1024) std::vector<char>().swap(io_buffer);
    if (buffer.capacity() > 64 * 1024 && buffer.size() == 0) buffer.shrink_to_fit();
    if (close || !written) {
      if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        if (written && unread_body) co_await LingeringClose(stream);
      }
      break;
    }
  }
}

}  // namespace awslab::net
