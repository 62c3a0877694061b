// HttpClient and Caller against a scripted HTTP server in the test: the
// keep-alive pool, timeouts, and the standard retry mode (which answers are
// retried, how often, and that a consumed stream is never replayed).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client {
namespace {

// What the server does with the next request.
struct Action {
  enum Kind { kAnswer, kReset, kHang, kCloseAfterAnswer } kind = kAnswer;
  int status = 200;
  std::string body;
  std::string extra_headers;  // "X: y\r\n"
};

Action Answer(int status, std::string body, std::string extra_headers = {},
              Action::Kind kind = Action::kAnswer) {
  Action a;
  a.kind = kind;
  a.status = status;
  a.body = std::move(body);
  a.extra_headers = std::move(extra_headers);
  return a;
}

Action Do(Action::Kind kind) {
  Action a;
  a.kind = kind;
  return a;
}

// One thread, one connection at a time: reads a request (headers and a
// Content-Length body), records it, and does the next scripted action; when
// the script is empty it answers 200 "ok".
class ScriptedServer {
 public:
  ScriptedServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 16);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { Loop(); });
  }
  ~ScriptedServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  void Push(Action a) {
    std::lock_guard lock(mu_);
    script_.push_back(std::move(a));
  }
  int requests() const { return requests_; }
  int connections() const { return connections_; }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<std::string> heads() {
    std::lock_guard lock(mu_);
    return heads_;
  }
  Url url() const { return *Url::Parse("http://127.0.0.1:" + std::to_string(port_)); }

 private:
  void Loop() {
    while (!stop_) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      ++connections_;
      Serve(c);
    }
  }
  void Serve(int c) {
    std::string in;
    char buf[65536];
    while (true) {
      std::size_t end;
      while ((end = in.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) { close(c); return; }
        in.append(buf, n);
      }
      std::string head = in.substr(0, end);
      std::size_t length = 0;
      if (auto p = head.find("Content-Length: "); p != std::string::npos)
        length = std::stoul(head.substr(p + 16));
      else if (auto q = head.find("content-length: "); q != std::string::npos)
        length = std::stoul(head.substr(q + 16));
      while (in.size() < end + 4 + length) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) { close(c); return; }
        in.append(buf, n);
      }
      Action a;
      {
        std::lock_guard lock(mu_);
        heads_.push_back(head);
        bodies_.push_back(in.substr(end + 4, length));
        if (!script_.empty()) {
          a = script_.front();
          script_.pop_front();
        } else {
          a.body = "ok";
        }
      }
      in.erase(0, end + 4 + length);
      ++requests_;
      if (a.kind == Action::kReset) {
        linger l{1, 0};
        setsockopt(c, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        close(c);
        return;
      }
      if (a.kind == Action::kHang) {
        std::this_thread::sleep_for(std::chrono::milliseconds(600));
        close(c);
        return;
      }
      std::string out = "HTTP/1.1 " + std::to_string(a.status) + " X\r\nContent-Length: " +
                        std::to_string(a.body.size()) + "\r\n" + a.extra_headers + "\r\n" + a.body;
      if (write(c, out.data(), out.size()) < 0) { close(c); return; }
      if (a.kind == Action::kCloseAfterAnswer) { close(c); return; }
    }
  }

  int fd_;
  std::uint16_t port_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::deque<Action> script_;
  std::vector<std::string> bodies_, heads_;
  std::atomic<int> requests_{0}, connections_{0};
};

std::shared_ptr<HttpClient> Http(std::chrono::milliseconds read_timeout = std::chrono::seconds(5)) {
  HttpOptions o;
  o.read_timeout = read_timeout;
  return HttpClient::Create(o).value();
}

std::unique_ptr<Caller> MakeCaller(std::shared_ptr<HttpClient> http) {
  Config c;
  c.credentials = {"AKID", "secret", ""};
  auto caller = std::make_unique<Caller>(c, std::move(http));
  RetryOptions r;
  r.base_delay = std::chrono::milliseconds(1);
  caller->set_retry_options(r);
  return caller;
}

Call Put(const Url& url, BodySource* body) {
  Call call;
  call.method = "PUT";
  call.origin = url;
  call.path = "/b/k";
  call.body = body;
  call.signing_service = "s3";
  call.signing_region = "us-east-1";
  call.s3 = true;
  return call;
}

TEST(HttpClientTest, KeepsConnectionsAlive) {
  ScriptedServer server;
  auto http = Http();
  sigv4::HttpRequest r{"GET", "/", "", {{"Host", "x"}}};
  for (int i = 0; i < 5; ++i) {
    auto resp = http->Send(server.url(), r);
    ASSERT_TRUE(resp.has_value()) << resp.error().ToString();
    EXPECT_EQ(resp->status, 200);
    EXPECT_EQ(resp->body, "ok");
  }
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(http->connections_opened(), 1u);
}

TEST(HttpClientTest, ResendsOnceWhenAPooledConnectionWasClosed) {
  ScriptedServer server;
  auto http = Http();
  sigv4::HttpRequest r{"GET", "/", "", {{"Host", "x"}}};
  server.Push(Answer(200, "first", {}, Action::kCloseAfterAnswer));
  ASSERT_TRUE(http->Send(server.url(), r).has_value());
  // The pooled connection is closed by now: the client notices and opens a
  // new one without reporting an error.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto resp = http->Send(server.url(), r);
  ASSERT_TRUE(resp.has_value()) << resp.error().ToString();
  EXPECT_EQ(resp->body, "ok");
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientTest, ReadTimeoutIsAnError) {
  ScriptedServer server;
  auto http = Http(std::chrono::milliseconds(200));
  server.Push(Do(Action::kHang));
  sigv4::HttpRequest r{"GET", "/", "", {{"Host", "x"}}};
  auto resp = http->Send(server.url(), r);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "Timeout");
}

TEST(HttpClientTest, RefusedConnectionIsAConnectionError) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  close(fd);  // nothing listens there now
  auto http = Http();
  sigv4::HttpRequest r{"GET", "/", "", {{"Host", "x"}}};
  auto resp = http->Send(*Url::Parse("http://127.0.0.1:" + std::to_string(port)), r);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "ConnectionError");
}

TEST(CallerTest, RetriesServerErrorsAndSlowDownThenSucceeds) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  server.Push(Answer(503, "<Error><Code>SlowDown</Code><Message>m</Message></Error>"));
  server.Push(Answer(500, "<Error><Code>InternalError</Code></Error>"));
  StringSource body("hello");
  Call call = Put(server.url(), &body);
  auto resp = caller->Send(call);
  ASSERT_TRUE(resp.has_value()) << resp.error().ToString();
  EXPECT_EQ(Caller::last_attempts(), 3);
  // Every attempt sent the whole body again.
  EXPECT_EQ(server.bodies(), (std::vector<std::string>{"hello", "hello", "hello"}));
}

TEST(CallerTest, GivesUpAfterThreeAttempts) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  for (int i = 0; i < 3; ++i)
    server.Push(Answer(503,
                 "<Error><Code>SlowDown</Code><Message>Reduce</Message><RequestId>R1</RequestId></Error>"));
  Call call = Put(server.url(), nullptr);
  auto resp = caller->Send(call);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "SlowDown");
  EXPECT_EQ(resp.error().message, "Reduce");
  EXPECT_EQ(resp.error().http_status, 503);
  EXPECT_EQ(resp.error().request_id, "R1");
  EXPECT_EQ(server.requests(), 3);
}

TEST(CallerTest, ClientErrorsAreNotRetried) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  server.Push(Answer(404,
               "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message>"
               "</Error>", "x-amz-request-id: REQ\r\n"));
  Call call = Put(server.url(), nullptr);
  auto resp = caller->Send(call);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "NoSuchBucket");
  EXPECT_EQ(resp.error().request_id, "REQ");
  EXPECT_EQ(server.requests(), 1);
}

TEST(CallerTest, Ec2ThrottlingAndJsonErrorsAreRead) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  server.Push(Answer(503,
               "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>slow</Message>"
               "</Error></Errors><RequestID>E1</RequestID></Response>"));
  server.Push(Answer(400, R"({"__type":"com.amazon#ValidationException","message":"bad"})"));
  Call call = Put(server.url(), nullptr);
  auto resp = caller->Send(call);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "ValidationException");
  EXPECT_EQ(resp.error().message, "bad");
  EXPECT_EQ(server.requests(), 2);  // the throttled one was retried
}

TEST(CallerTest, ConnectionResetIsRetried) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  server.Push(Do(Action::kReset));
  StringSource body("data");
  Call call = Put(server.url(), &body);
  auto resp = caller->Send(call);
  ASSERT_TRUE(resp.has_value()) << resp.error().ToString();
  EXPECT_EQ(server.requests(), 2);
  EXPECT_EQ(server.bodies().back(), "data");
}

TEST(CallerTest, AConsumedStreamIsNeverReplayed) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  server.Push(Answer(500, "<Error><Code>InternalError</Code></Error>"));
  std::FILE* f = std::tmpfile();
  std::fputs("streamed", f);
  std::rewind(f);
  StreamSource body(f, 8);
  Call call = Put(server.url(), &body);
  call.payload_hash = std::string(sigv4::kUnsignedPayload);  // a stream is not hashed first
  auto resp = caller->Send(call);
  std::fclose(f);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "InternalError");
  EXPECT_TRUE(resp.error().stream_consumed);
  EXPECT_EQ(server.requests(), 1);
}

TEST(CallerTest, SignsWithTheConfiguredKeyAndUserAgent) {
  ScriptedServer server;
  auto caller = MakeCaller(Http());
  StringSource body("x");
  Call call = Put(server.url(), &body);
  ASSERT_TRUE(caller->Send(call).has_value());
  std::string head = server.heads().at(0);
  EXPECT_NE(head.find("Authorization: AWS4-HMAC-SHA256 Credential=AKID/"), std::string::npos) << head;
  EXPECT_NE(head.find("/us-east-1/s3/aws4_request"), std::string::npos);
  EXPECT_NE(head.find("x-amz-content-sha256: 2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"),
            std::string::npos) << head;  // SHA-256 of "x"
  EXPECT_NE(head.find("User-Agent: awslab/"), std::string::npos);
}

TEST(CallerTest, NoCredentialsIsAnErrorBeforeSending) {
  ScriptedServer server;
  Config c;
  Caller caller(c, Http());
  Call call = Put(server.url(), nullptr);
  auto resp = caller.Send(call);
  ASSERT_FALSE(resp.has_value());
  EXPECT_EQ(resp.error().code, "NoCredentials");
  EXPECT_EQ(server.requests(), 0);
}

TEST(ErrorFromResponseTest, HeadErrorsTakeTheirCodeFromTheStatus) {
  HttpResponse r;
  r.status = 404;
  r.headers = {{"x-amz-request-id", "abc"}};
  Error e = ErrorFromResponse(r);
  EXPECT_EQ(e.code, "NotFound");
  EXPECT_EQ(e.request_id, "abc");
  r.status = 403;
  EXPECT_EQ(ErrorFromResponse(r).code, "Forbidden");
  r.status = 304;
  EXPECT_EQ(ErrorFromResponse(r).code, "NotModified");
}

}  // namespace
}  // namespace awslab::client
