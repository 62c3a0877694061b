#include "emulator/net/request_header.h"

#include <string_view>

namespace awslab::net {

bool RequestFromHeader(const RequestParser& parser, protocol::Request& request) {
  const auto& msg = parser.get();
  request.raw.method = std::string(msg.method_string());
  std::string_view target = msg.target();
  std::size_t qmark = target.find('?');
  request.raw.path = std::string(target.substr(0, qmark));
  if (qmark != target.npos) request.raw.query = std::string(target.substr(qmark + 1));
  request.raw.headers.reserve(16);
  for (const auto& field : msg)
    request.raw.headers.push_back({std::string(field.name_string()), std::string(field.value())});
  if (auto cl = parser.content_length()) request.content_length = *cl;
  request.has_body = !parser.is_done();
  return protocol::ParseTarget(request) && !request.raw.path.empty() &&
         request.raw.path[0] == '/';
}

}  // namespace awslab::net
