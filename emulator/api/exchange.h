// The contract between the net layer and the services: one Exchange per
// request. The net layer reads the header, calls Service::Begin, streams the
// body into OnBody, and sends what Finish returns. No Beast type crosses it.
#ifndef AWSLAB_EMULATOR_API_EXCHANGE_H_
#define AWSLAB_EMULATOR_API_EXCHANGE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <optional>
#include <string_view>

#include "emulator/protocol/http.h"

namespace awslab::api {

class Exchange {
 public:
  virtual ~Exchange() = default;
  // Set by Begin when the answer is known before the body (an auth failure,
  // a body too large): the net layer sends it without reading the body (and
  // closes the connection if a body was announced), and calls nothing else.
  std::optional<protocol::Response> early;
  // The largest body this exchange accepts; a longer one is refused by the
  // net layer with Finish(false).
  std::uint64_t body_limit = 1 << 20;

  // The next bytes of the body. False: stop reading; Finish has the error.
  virtual bool OnBody(std::string_view data) = 0;
  // The body ended (complete = true) or could not be read whole (false:
  // the client stalled or went away; the response may never be sent).
  virtual protocol::Response Finish(bool complete) = 0;
};

// An exchange that keeps its request, reads the whole body (at most
// `limit` bytes) and answers with `finish(complete, request, body)`: the
// shape of every API whose requests are small documents (EC2, Cost
// Explorer, the admin API).
class WholeBodyExchange final : public Exchange {
 public:
  using Finisher = std::function<protocol::Response(bool complete, const protocol::Request& request,
                                                    const std::string& body)>;
  WholeBodyExchange(protocol::Request request, std::uint64_t limit, Finisher finish)
      : request_(std::move(request)), finish_(std::move(finish)) {
    body_limit = limit;
  }
  bool OnBody(std::string_view data) override {
    body_.append(data);
    return true;
  }
  protocol::Response Finish(bool complete) override { return finish_(complete, request_, body_); }

 private:
  protocol::Request request_;
  Finisher finish_;
  std::string body_;
};

class Service {
 public:
  virtual ~Service() = default;
  // Never returns null.
  virtual std::unique_ptr<Exchange> Begin(protocol::Request request) = 0;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_EXCHANGE_H_
