// The HTTP server: one port, keep-alive, header and body limits, timeouts,
// 100-continue, streamed bodies in both directions, graceful shutdown. It
// knows nothing of S3: each request goes to an api::Service.
//
// With a TLS context the same port also speaks HTTPS: a connection whose
// first bytes are a TLS ClientHello is served over TLS, any other as plain
// HTTP, by the same session code.
//
// Thread-safety: Run() blocks on `threads` threads; Stop() may be called from
// any thread (and is called on SIGINT/SIGTERM).
#ifndef AWSLAB_EMULATOR_NET_SERVER_H_
#define AWSLAB_EMULATOR_NET_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "emulator/api/exchange.h"
#include "emulator/base/error.h"

namespace awslab::net {

class TlsContext;  // emulator/net/tls.h

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4566;  // 0: any free port
  int threads = 0;            // 0: one per core
  // A connection with no request in progress is closed after this, and a
  // request header must arrive whole within it (slowloris).
  std::chrono::seconds idle_timeout{60};
  // The longest wait for the next piece of a body, or for the client to take
  // the next piece of a response.
  std::chrono::seconds io_timeout{60};
  // "The PUT request header is limited to 8 KB in size." Beyond the limit the
  // answer is 400 RequestHeaderSectionTooLarge.
  std::uint32_t header_limit = 16 * 1024;
  bool access_log = true;
  // How long Stop() waits for requests in progress.
  std::chrono::seconds shutdown_grace{10};
  // HTTPS besides HTTP on the port; none: plain HTTP only.
  std::shared_ptr<const TlsContext> tls;
};

class Server {
 public:
  Server(ServerOptions options, api::Service& service);
  ~Server();
  // Binds and listens. Errors: the address is in use or invalid.
  Status Listen();
  // The bound port (after Listen).
  std::uint16_t port() const;
  // Serves until Stop() or SIGINT/SIGTERM; returns when every thread is done.
  void Run();
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace awslab::net

#endif  // AWSLAB_EMULATOR_NET_SERVER_H_
