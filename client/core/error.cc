#include "client/include/awslab/error.h"

#include <stdexcept>

namespace awslab::client {

std::string Error::ToString() const {
  std::string s = code;
  if (!message.empty()) s += ": " + message;
  if (http_status != 0 || !request_id.empty()) {
    s += " (";
    if (http_status != 0) s += "HTTP " + std::to_string(http_status);
    if (!request_id.empty()) s += std::string(http_status != 0 ? ", " : "") + "request id " + request_id;
    s += ")";
  }
  return s;
}

Error MakeError(std::string code, std::string message, int http_status) {
  Error e;
  e.code = std::move(code);
  e.message = std::move(message);
  e.http_status = http_status;
  return e;
}

void throw_exception_from_error(const Error& e, const boost::source_location&) {
  throw std::runtime_error(e.ToString());
}

}  // namespace awslab::client
