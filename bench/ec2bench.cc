// ec2bench: EC2 Query API throughput against a running awslab-server (or
// any EC2 endpoint): RunInstances and DescribeInstances per second while
// the account holds many instances. One keep-alive connection, SigV4-signed
// requests, like an SDK's.
//
//   ec2bench --endpoint 127.0.0.1:4566 [--instances 10000] [--batch 100]
//            [--image ami-...] [--describes 20] [--singles 200]
//
// The server needs room: start it with --ec2-instance-limit above --instances.
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "client/include/awslab/args.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

struct Client {
  asio::io_context io;
  beast::tcp_stream stream{io};
  std::string host;
  beast::flat_buffer buffer;

  // POSTs a Query request; returns the status and body.
  std::pair<int, std::string> Call(const std::string& form) {
    awslab::sigv4::HttpRequest raw{"POST", "/", "", {{"Host", host},
                                   {"Content-Type", "application/x-www-form-urlencoded"}}};
    awslab::sigv4::SignOptions o;
    o.time = std::chrono::system_clock::now();
    o.region = "us-east-1";
    o.service = "ec2";
    o.payload_hash = awslab::crypto::Sha256Hex(form);
    awslab::sigv4::SignRequest(raw, {"test", "test", ""}, o);
    http::request<http::string_body> req{http::verb::post, "/", 11};
    for (const auto& h : raw.headers) req.set(h.name, h.value);
    req.body() = form;
    req.prepare_payload();
    http::write(stream, req);
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    return {res.result_int(), std::move(res.body())};
  }
};

// Every <tag>value</tag> in a body.
std::vector<std::string> All(const std::string& body, const std::string& tag) {
  std::vector<std::string> out;
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (std::size_t p = body.find(open); p != std::string::npos; p = body.find(open, p)) {
    p += open.size();
    std::size_t e = body.find(close, p);
    out.push_back(body.substr(p, e - p));
  }
  return out;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string endpoint = "127.0.0.1:4566", image;
  long instances = 10000, batch = 100, describes = 20, singles = 200;
  for (awslab::args::Reader args(argc, argv); args.Next();) {
    std::string v;
    std::string_view name = args.name();
    if (!args.Value(v)) {
      std::fprintf(stderr, "ec2bench: %s needs a value\n", std::string(name).c_str());
      return 2;
    }
    if (name == "--endpoint") endpoint = v;
    else if (name == "--image") image = v;
    else if (name == "--instances") instances = std::stol(v);
    else if (name == "--batch") batch = std::stol(v);
    else if (name == "--describes") describes = std::stol(v);
    else if (name == "--singles") singles = std::stol(v);
    else {
      std::fprintf(stderr, "ec2bench: unknown flag %s\n", std::string(name).c_str());
      return 2;
    }
  }
  Client c;
  c.host = endpoint;
  std::size_t colon = endpoint.rfind(':');
  asio::ip::tcp::resolver resolver(c.io);
  c.stream.connect(resolver.resolve(endpoint.substr(0, colon), endpoint.substr(colon + 1)));
  const std::string v = "&Version=2016-11-15";
  if (image.empty()) {
    auto [status, body] = c.Call("Action=DescribeImages&Filter.1.Name=name&Filter.1.Value.1="
                                 "ubuntu%2Fimages%2F%2Ajammy%2A" + v);
    auto ids = All(body, "imageId");
    if (status != 200 || ids.empty()) {
      std::fprintf(stderr, "ec2bench: no image found (%d)\n%s\n", status, body.c_str());
      return 1;
    }
    image = ids.front();
  }
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  std::printf("# ec2bench against %s, image %s\n", endpoint.c_str(), image.c_str());

  // 1. Fill: RunInstances of `batch` instances until `instances` exist.
  auto start = Clock::now();
  long made = 0, calls = 0;
  while (made < instances) {
    long n = std::min(batch, instances - made);
    auto [status, body] = c.Call("Action=RunInstances&ImageId=" + image +
                                 "&InstanceType=t2.micro&MinCount=" + std::to_string(n) +
                                 // A default subnet holds 4,091 addresses: spread over the zones.
                                 "&Placement.AvailabilityZone=us-east-1" + "abcdef"[calls % 6] +
                                 "&MaxCount=" + std::to_string(n) +
                                 "&TagSpecification.1.ResourceType=instance"
                                 "&TagSpecification.1.Tag.1.Key=Name"
                                 "&TagSpecification.1.Tag.1.Value=bench-" +
                                 std::to_string(calls % 10) + v);
    if (status != 200) {
      std::fprintf(stderr, "RunInstances failed (%d): %s\n", status, body.c_str());
      return 1;
    }
    made += n;
    ++calls;
  }
  double fill = Seconds(Clock::now() - start);
  std::printf("run_instances_batched  calls=%ld batch=%ld  %.1f calls/s  %.0f instances/s\n",
              calls, batch, calls / fill, made / fill);

  // 2. RunInstances of one instance each, with `instances` already there.
  start = Clock::now();
  std::string last_id;
  for (long n = 0; n < singles; ++n) {
    auto [status, body] = c.Call("Action=RunInstances&ImageId=" + image +
                                 "&InstanceType=t2.micro&MinCount=1&MaxCount=1"
                                 "&Placement.AvailabilityZone=us-east-1" + "abcdef"[n % 6] + v);
    if (status != 200) {
      std::fprintf(stderr, "RunInstances failed (%d): %s\n", status, body.c_str());
      return 1;
    }
    last_id = All(body, "instanceId").front();
  }
  double single = Seconds(Clock::now() - start);
  std::printf("run_instances_single   calls=%ld  %.1f calls/s  (%ld instances present)\n",
              singles, singles / single, instances);

  // 3. DescribeInstances: every instance in pages of 1,000.
  start = Clock::now();
  long pages = 0, seen = 0;
  for (long d = 0; d < describes; ++d) {
    std::string token;
    do {
      auto [status, body] = c.Call("Action=DescribeInstances&MaxResults=1000" +
                                   (token.empty() ? "" : "&NextToken=" + token) + v);
      if (status != 200) {
        std::fprintf(stderr, "DescribeInstances failed (%d)\n", status);
        return 1;
      }
      seen += static_cast<long>(All(body, "instanceId").size());
      auto next = All(body, "nextToken");
      token = next.empty() ? "" : next.front();
      ++pages;
    } while (!token.empty());
  }
  double all = Seconds(Clock::now() - start);
  std::printf("describe_all_pages     %ld full listings  %.1f pages/s  %.0f instances/s  "
              "%.1f ms per listing of %ld\n",
              describes, pages / all, seen / all, 1000 * all / describes,
              seen / std::max(1L, describes));

  // 4. DescribeInstances of one instance by id, and by a tag filter.
  start = Clock::now();
  for (long n = 0; n < singles; ++n) {
    auto [status, body] = c.Call("Action=DescribeInstances&InstanceId.1=" + last_id + v);
    if (status != 200) return 1;
  }
  double by_id = Seconds(Clock::now() - start);
  std::printf("describe_by_id         calls=%ld  %.1f calls/s\n", singles, singles / by_id);
  start = Clock::now();
  long tagged = 0;
  for (long n = 0; n < describes; ++n) {
    auto [status, body] = c.Call("Action=DescribeInstances&MaxResults=1000"
                                 "&Filter.1.Name=tag%3AName&Filter.1.Value.1=bench-3" + v);
    if (status != 200) return 1;
    tagged = static_cast<long>(All(body, "instanceId").size());
  }
  double by_tag = Seconds(Clock::now() - start);
  std::printf("describe_by_tag        calls=%ld  %.1f calls/s  (%ld matches in the first page)\n",
              describes, describes / by_tag, tagged);
  return 0;
}
