// The contract between the net layer and the services: one Exchange per
// request. The net layer reads the header, calls Service::Begin, streams the
// body into OnBody, and sends what Finish returns. No Beast type crosses it.
#ifndef AWSLAB_EMULATOR_API_EXCHANGE_H_
#define AWSLAB_EMULATOR_API_EXCHANGE_H_

#include <cstdint>
#include <memory>
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

class Service {
 public:
  virtual ~Service() = default;
  // Never returns null.
  virtual std::unique_ptr<Exchange> Begin(protocol::Request request) = 0;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_EXCHANGE_H_
