// The console's file server without a network: what it serves, with which
// headers, and what it refuses.
#include "emulator/api/console_api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace awslab::api {
namespace {

protocol::Request Make(std::string method, std::string target,
                       std::vector<sigv4::Header> headers = {}) {
  protocol::Request r;
  r.raw.method = std::move(method);
  auto q = target.find('?');
  r.raw.path = target.substr(0, q);
  if (q != std::string::npos) r.raw.query = target.substr(q + 1);
  r.raw.headers = std::move(headers);
  r.raw.headers.push_back({"Host", "127.0.0.1:4566"});
  EXPECT_TRUE(protocol::ParseTarget(r));
  return r;
}

std::string HeaderOf(const protocol::Response& r, std::string_view name) {
  for (const auto& [n, v] : r.headers)
    if (n == name) return v;
  return "";
}

TEST(ConsoleApi, ClaimsItsFolderOnly) {
  EXPECT_TRUE(ConsoleApi::Claims(Make("GET", "/_awslab/console")));
  EXPECT_TRUE(ConsoleApi::Claims(Make("GET", "/_awslab/console/js/app.js")));
  EXPECT_FALSE(ConsoleApi::Claims(Make("GET", "/_awslab/consoles")));
  EXPECT_FALSE(ConsoleApi::Claims(Make("GET", "/_awslab/clock")));
  EXPECT_FALSE(ConsoleApi::Claims(Make("GET", "/console/index.html")));
}

TEST(ConsoleApi, ServesTheBuiltInPagesWithTheirTypesAndPolicy) {
  ConsoleApi console;
  protocol::Response index = console.Handle(Make("GET", "/_awslab/console/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(HeaderOf(index, "Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("js/app.js"), std::string::npos);
  EXPECT_EQ(index.body, std::string(EmbeddedConsoleFile("index.html")));
  EXPECT_NE(HeaderOf(index, "Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_EQ(HeaderOf(index, "Cache-Control"), "no-cache");

  protocol::Response js = console.Handle(Make("GET", "/_awslab/console/js/sigv4.js"));
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(HeaderOf(js, "Content-Type"), "text/javascript; charset=utf-8");
  protocol::Response css = console.Handle(Make("GET", "/_awslab/console/css/console.css"));
  EXPECT_EQ(HeaderOf(css, "Content-Type"), "text/css; charset=utf-8");
  protocol::Response svg = console.Handle(Make("GET", "/_awslab/console/favicon.svg"));
  EXPECT_EQ(HeaderOf(svg, "Content-Type"), "image/svg+xml");
}

TEST(ConsoleApi, RevalidatesWithTheEtagAndAnswersHeadWithoutABody) {
  ConsoleApi console;
  protocol::Response first = console.Handle(Make("GET", "/_awslab/console/js/app.js"));
  const std::string etag = HeaderOf(first, "ETag");
  ASSERT_EQ(etag.size(), 18u);
  protocol::Response again =
      console.Handle(Make("GET", "/_awslab/console/js/app.js", {{"If-None-Match", etag}}));
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
  protocol::Response other =
      console.Handle(Make("GET", "/_awslab/console/js/app.js", {{"If-None-Match", "\"0\""}}));
  EXPECT_EQ(other.status, 200);
  protocol::Response head = console.Handle(Make("HEAD", "/_awslab/console/js/app.js"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  ASSERT_TRUE(head.head_content_length);
  EXPECT_EQ(*head.head_content_length, first.body.size());
}

TEST(ConsoleApi, RefusesWhatIsNotAFileOfTheConsole) {
  ConsoleApi console;
  for (const char* target :
       {"/_awslab/console/nope.html", "/_awslab/console/js/../index.html",
        "/_awslab/console/js/%2e%2e/index.html", "/_awslab/console/..", "/_awslab/console/.git/config",
        "/_awslab/console//index.html", "/_awslab/console/js/app.js%00.html",
        "/_awslab/console/js\\app.js"})
    EXPECT_EQ(console.Handle(Make("GET", target)).status, 404) << target;
  protocol::Response put = console.Handle(Make("PUT", "/_awslab/console/index.html"));
  EXPECT_EQ(put.status, 405);
  EXPECT_EQ(HeaderOf(put, "Allow"), "GET, HEAD");
  protocol::Response bare = console.Handle(Make("GET", "/_awslab/console"));
  EXPECT_EQ(bare.status, 301);
  EXPECT_EQ(HeaderOf(bare, "Location"), "/_awslab/console/");
}

TEST(ConsoleApi, ServesAFolderInsteadWhenGivenOne) {
  auto dir = std::filesystem::temp_directory_path() / ("awslab-console-test-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir / "js");
  std::ofstream(dir / "index.html") << "<p>edited</p>";
  std::ofstream(dir / "js" / "app.js") << "export {};";
  std::ofstream(dir / "secret.bin") << "x";
  ConsoleApi console(dir.string());
  protocol::Response index = console.Handle(Make("GET", "/_awslab/console/"));
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.body, "<p>edited</p>");
  EXPECT_EQ(console.Handle(Make("GET", "/_awslab/console/js/app.js")).body, "export {};");
  EXPECT_EQ(HeaderOf(console.Handle(Make("GET", "/_awslab/console/secret.bin")), "Content-Type"),
            "application/octet-stream");
  // What is built in but not in the folder is not served from the folder.
  EXPECT_EQ(console.Handle(Make("GET", "/_awslab/console/js/sigv4.js")).status, 404);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace awslab::api
