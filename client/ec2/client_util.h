// Helpers shared by the EC2, Cost Explorer and admin clients (internal to
// libawslab): the HTTP client a Config asks for, an endpoint, a random UUID.
//
// Thread-safety: free functions without shared state.
#ifndef AWSLAB_CLIENT_EC2_CLIENT_UTIL_H_
#define AWSLAB_CLIENT_EC2_CLIENT_UTIL_H_

#include <memory>
#include <string>
#include <string_view>

#include "client/include/awslab/config.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client::internal {

// `http` when given, else a new HttpClient with the config's TLS settings
// and timeouts.
inline Result<std::shared_ptr<HttpClient>> HttpFor(const Config& config,
                                                   std::shared_ptr<HttpClient> http) {
  if (http) return http;
  HttpOptions options;
  options.ca_bundle = config.ca_bundle;
  options.verify_tls = config.verify_tls;
  options.connect_timeout = config.connect_timeout;
  options.read_timeout = config.read_timeout;
  return HttpClient::Create(options);
}

// What a client of one service is built from: a Caller (signing, retries,
// the connection pool) and the service's endpoint.
struct Wiring {
  std::shared_ptr<Caller> caller;
  Url endpoint;
};
// The configured endpoint of `service` ("ec2", "ce", ...), else `fallback`
// (AWS's own), with a Caller on `http` or on a new HttpClient.
inline Result<Wiring> Wire(const Config& config, std::string_view service,
                           const std::string& fallback, std::shared_ptr<HttpClient> http) {
  std::string endpoint = config.EndpointUrlFor(service);
  if (endpoint.empty()) endpoint = fallback;
  auto url = Url::Parse(endpoint);
  if (!url) return url.error();
  auto client = HttpFor(config, std::move(http));
  if (!client) return client.error();
  return Wiring{std::make_shared<Caller>(config, *client), *url};
}

// The request path of a service whose operations all go to "/": the
// endpoint's base path, or "/" (botocore's _urljoin).
inline std::string RootPath(const Url& endpoint) {
  return endpoint.path.empty() ? "/" : endpoint.path;
}

// A random (version 4) UUID, as Python's str(uuid.uuid4()).
inline std::string NewUuid() {
  unsigned char b[16];
  crypto::RandomBytes(b, sizeof b);
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string hex = crypto::Hex(b, sizeof b);
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

}  // namespace awslab::client::internal

#endif  // AWSLAB_CLIENT_EC2_CLIENT_UTIL_H_
