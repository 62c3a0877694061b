// S3Client against the real awslab-server over HTTP: every operation of
// s3.h, with path-style (http://127.0.0.1:PORT) and virtual-hosted
// (http://localhost:PORT with addressing_style = virtual, so
// http://bucket.localhost:PORT) endpoints; keys with spaces, unicode, '+',
// '~' and '/'; AWS's error codes; presigned URLs used by an unsigned
// HttpClient; the paginators over 2,500 keys; ACL and policy round trips;
// anonymous access. Also the addressing rules (no server needed), checked
// against URLs captured from botocore 1.29.27. And a few calls over HTTPS
// (--tls-self-signed, the server's CA as the bundle), with wrong CAs refused.
#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "client/include/awslab/s3.h"
#include "tests/client/lib/server_fixture.h"

namespace awslab::testing {
namespace {

using client::AddressingStyle;
using client::Caller;
using client::Config;
using client::HttpClient;
using client::Result;
using client::S3Client;
using namespace client::s3;  // NOLINT: the test speaks S3

#define ASSERT_OK(expr)                         \
  do {                                          \
    auto&& ok_ = (expr);                        \
    ASSERT_TRUE(ok_) << ok_.error().ToString(); \
  } while (0)
#define EXPECT_OK(expr)                         \
  do {                                          \
    auto&& ok_ = (expr);                        \
    EXPECT_TRUE(ok_) << ok_.error().ToString(); \
  } while (0)
#define EXPECT_CODE(expr, c, status)                                         \
  do {                                                                       \
    auto&& code_ = (expr);                                                   \
    if (code_) {                                                             \
      ADD_FAILURE() << "expected the error " << (c);                         \
    } else {                                                                 \
      EXPECT_EQ(code_.error().code, (c)) << code_.error().ToString();        \
      EXPECT_EQ(code_.error().http_status, (status)) << code_.error().ToString(); \
    }                                                                        \
  } while (0)

Config BaseConfig(const std::string& endpoint, AddressingStyle style) {
  Config c;
  c.credentials = {"test", "test", ""};
  c.region = "us-east-1";
  c.endpoint_url = endpoint;
  c.addressing_style = style;
  return c;
}

S3Client MakeClient(const Config& config) { return S3Client::Create(config).value(); }

// ---- addressing (no server) ----

std::string UrlOf(const Config& config, const std::string& bucket, const std::string& key) {
  S3Client c = MakeClient(config);
  auto a = c.AddressOf(bucket, key);
  if (!a) return "error: " + a.error().ToString();
  return a->origin.scheme + "://" + a->origin.HostHeader() + a->path;
}

Config Aws(const std::string& region, AddressingStyle style = AddressingStyle::kAuto) {
  Config c = BaseConfig("", style);
  c.region = region;
  return c;
}

// Every expectation is a URL botocore 1.29.27 produced for the same
// configuration (captured with its before-send event).
TEST(S3AddressingTest, MatchesBotocore) {
  const std::string k = "a b/c~d+e";
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "mybucket", k), "https://mybucket.s3.amazonaws.com/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("eu-west-1"), "mybucket", k),
            "https://mybucket.s3.eu-west-1.amazonaws.com/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "my.bucket", k), "https://s3.amazonaws.com/my.bucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("eu-west-1"), "my.bucket", k),
            "https://s3.eu-west-1.amazonaws.com/my.bucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "MyBucket", k), "https://s3.amazonaws.com/MyBucket/a%20b/c~d%2Be");
  for (const char* b : {"ab", "my_bucket", "mybucket-", "192.168.1.1", "my..bucket"})
    EXPECT_EQ(UrlOf(Aws("us-east-1"), b, "k"), std::string("https://s3.amazonaws.com/") + b + "/k");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), std::string(64, 'a'), "k"),
            "https://s3.amazonaws.com/" + std::string(64, 'a') + "/k");
  EXPECT_EQ(UrlOf(Aws("us-east-1", AddressingStyle::kPath), "mybucket", k),
            "https://s3.amazonaws.com/mybucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("eu-west-1", AddressingStyle::kVirtual), "my.bucket", k),
            "https://s3.eu-west-1.amazonaws.com/my.bucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(Aws("cn-north-1"), "mybucket", ""), "https://mybucket.s3.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "mybucket", ""), "https://mybucket.s3.amazonaws.com/");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "my.bucket", ""), "https://s3.amazonaws.com/my.bucket");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "mybucket", "/lead//double/"),
            "https://mybucket.s3.amazonaws.com//lead//double/");
  EXPECT_EQ(UrlOf(Aws("us-east-1"), "mybucket", "\xC3\xBC/%/?#&=;:@,$!'()*[] "),
            "https://mybucket.s3.amazonaws.com/%C3%BC/%25/%3F%23%26%3D%3B%3A%40%2C%24%21%27%28%29%2A%5B%5D%20");

  // A custom endpoint: path style unless the style is virtual (botocore's
  // ForcePathStyle for endpoint_url), and path style on an IP address.
  auto custom = [](const std::string& e, AddressingStyle s) { return BaseConfig(e, s); };
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kAuto), "mybucket", k),
            "http://localhost:4566/mybucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(custom("http://127.0.0.1:4566", AddressingStyle::kAuto), "mybucket", k),
            "http://127.0.0.1:4566/mybucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kVirtual), "mybucket", k),
            "http://mybucket.localhost:4566/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(custom("http://127.0.0.1:4566", AddressingStyle::kVirtual), "mybucket", k),
            "http://127.0.0.1:4566/mybucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(custom("http://[::1]:4566", AddressingStyle::kVirtual), "mybucket", "k"),
            "http://[::1]:4566/mybucket/k");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kVirtual), "my.bucket", "k"),
            "http://localhost:4566/my.bucket/k");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kVirtual), "abc.def", "k"),
            "http://abc.def.localhost:4566/k");
  EXPECT_EQ(UrlOf(custom("https://localhost:4566", AddressingStyle::kVirtual), "abc.def", "k"),
            "https://localhost:4566/abc.def/k");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kVirtual), "MyBucket", "k"),
            "http://localhost:4566/MyBucket/k");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566/base", AddressingStyle::kAuto), "mybucket", k),
            "http://localhost:4566/base/mybucket/a%20b/c~d%2Be");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566/base/", AddressingStyle::kAuto), "mybucket", ""),
            "http://localhost:4566/base/mybucket");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566/base", AddressingStyle::kVirtual), "mybucket", ""),
            "http://mybucket.localhost:4566/base");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kAuto), "mybucket", ""),
            "http://localhost:4566/mybucket");
  EXPECT_EQ(UrlOf(custom("http://localhost:4566", AddressingStyle::kAuto), "", ""),
            "http://localhost:4566/");
}

TEST(S3AddressingTest, DnsCompatibleNames) {
  EXPECT_TRUE(IsDnsCompatibleBucket("abc"));
  EXPECT_TRUE(IsDnsCompatibleBucket("a-b-c1"));
  EXPECT_TRUE(IsDnsCompatibleBucket(std::string(63, 'a')));
  EXPECT_FALSE(IsDnsCompatibleBucket(std::string(64, 'a')));
  EXPECT_FALSE(IsDnsCompatibleBucket("ab"));
  EXPECT_FALSE(IsDnsCompatibleBucket("Abc"));
  EXPECT_FALSE(IsDnsCompatibleBucket("-abc"));
  EXPECT_FALSE(IsDnsCompatibleBucket("abc-"));
  EXPECT_FALSE(IsDnsCompatibleBucket("a_bc"));
  EXPECT_FALSE(IsDnsCompatibleBucket("abc.def"));
  EXPECT_TRUE(IsDnsCompatibleBucket("abc.def", true));
  EXPECT_FALSE(IsDnsCompatibleBucket("ab.def", true));  // every label 3+ characters
  EXPECT_FALSE(IsDnsCompatibleBucket("10.0.0.1", true));
  EXPECT_EQ(EncodeKey("a b/c~d+e/\xC3\xBC"), "a%20b/c~d%2Be/%C3%BC");
}

TEST(S3AddressingTest, ParseTime) {
  auto iso = ParseTime("2013-04-01T00:00:01.000Z");
  auto http = ParseTime("Mon, 01 Apr 2013 00:00:01 GMT");
  ASSERT_TRUE(iso && http);
  EXPECT_EQ(*iso, *http);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*iso), 1364774401);
  EXPECT_FALSE(ParseTime("yesterday"));
}

// Presigned URLs go to the global endpoint for hostable names, as botocore's
// generate_presigned_url (signed for the client's region all the same).
TEST(S3AddressingTest, PresignedUrlsLikeBotocore) {
  auto fixed = [] {
    return std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));  // 2013-05-24
  };
  auto presign = [&](Config config, const std::string& bucket) {
    auto http = HttpClient::Create({}).value();
    auto caller = std::make_shared<Caller>(config, http, fixed);
    S3Client c = S3Client::Create(caller).value();
    return c.PresignGetObject(bucket, "a b", std::chrono::seconds(60)).value();
  };
  Config eu = Aws("eu-west-1");
  eu.credentials = {"AK", "SK", ""};
  std::string url = presign(eu, "mybucket");
  EXPECT_TRUE(url.starts_with("https://mybucket.s3.amazonaws.com/a%20b?")) << url;
  EXPECT_NE(url.find("X-Amz-Credential=AK%2F20130524%2Feu-west-1%2Fs3%2Faws4_request"), url.npos) << url;
  EXPECT_NE(url.find("X-Amz-Expires=60"), url.npos);
  EXPECT_NE(url.find("X-Amz-SignedHeaders=host"), url.npos);
  EXPECT_TRUE(presign(eu, "my.bucket").starts_with("https://s3.eu-west-1.amazonaws.com/my.bucket/a%20b?"));
  Config path = Aws("eu-west-1", AddressingStyle::kPath);
  path.credentials = eu.credentials;
  EXPECT_TRUE(presign(path, "mybucket").starts_with("https://s3.eu-west-1.amazonaws.com/mybucket/a%20b?"));
  Config local = BaseConfig("http://localhost:4566", AddressingStyle::kAuto);
  EXPECT_TRUE(presign(local, "mybucket").starts_with("http://localhost:4566/mybucket/a%20b?"));
}

// ---- against the server ----

// One server for the tests that need it, started on first use and stopped
// by the environment below.
class S3Server {
 public:
  static RealServer& Get() {
    // HTTP and HTTPS on its one port: the suite runs over both.
    if (!server_) server_ = new RealServer({"--tls-self-signed"});
    return *server_;
  }
  static void StopIfStarted() {
    delete server_;
    server_ = nullptr;
  }

 private:
  static inline RealServer* server_ = nullptr;
};

class ServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override { S3Server::StopIfStarted(); }
};
const auto* const kEnv = ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

std::string UniqueBucket(const std::string& prefix) {
  static std::atomic<int> n{0};
  return prefix + "-" + std::to_string(++n);
}

// kHttps: virtual-hosted over TLS, verified with the server's own CA.
enum class Style { kPath, kVirtual, kHttps };

Config ServerConfig(Style style) {
  int port = S3Server::Get().port();
  if (style == Style::kPath)
    return BaseConfig("http://127.0.0.1:" + std::to_string(port), AddressingStyle::kAuto);
  if (style == Style::kVirtual)
    return BaseConfig("http://localhost:" + std::to_string(port), AddressingStyle::kVirtual);
  Config c = BaseConfig("https://localhost:" + std::to_string(port), AddressingStyle::kVirtual);
  c.ca_bundle = S3Server::Get().dir() + "/data/tls/ca.pem";
  return c;
}

class S3ClientTest : public ::testing::TestWithParam<Style> {
 protected:
  S3ClientTest() : s3_(MakeClient(ServerConfig(GetParam()))) {}

  std::string NewBucket(const std::string& prefix = "bucket") {
    std::string b = UniqueBucket(prefix);
    auto st = s3_.CreateBucket(b);
    EXPECT_TRUE(st) << st.error().ToString();
    return b;
  }

  S3Client s3_;
};

INSTANTIATE_TEST_SUITE_P(Addressing, S3ClientTest,
                         ::testing::Values(Style::kPath, Style::kVirtual, Style::kHttps),
                         [](const auto& info) {
                           return info.param == Style::kPath      ? "PathStyle"
                                  : info.param == Style::kVirtual ? "VirtualHosted"
                                                                  : "VirtualHostedHttps";
                         });

TEST_P(S3ClientTest, AddressingIsTheOneAskedFor) {
  auto a = s3_.AddressOf("some-bucket", "k");
  ASSERT_OK(a);
  if (GetParam() == Style::kPath) {
    EXPECT_EQ(a->origin.host, "127.0.0.1");
    EXPECT_EQ(a->path, "/some-bucket/k");
  } else {
    EXPECT_EQ(a->origin.host, "some-bucket.localhost");
    EXPECT_EQ(a->path, "/k");
  }
}

TEST_P(S3ClientTest, BucketLifecycle) {
  std::string b = UniqueBucket("life");
  ASSERT_OK(s3_.CreateBucket(b));
  auto head = s3_.HeadBucket(b);
  ASSERT_OK(head);
  EXPECT_EQ(head->region, "us-east-1");
  auto location = s3_.GetBucketLocation(b);
  ASSERT_OK(location);
  EXPECT_EQ(*location, "");  // us-east-1
  auto list = s3_.ListBuckets();
  ASSERT_OK(list);
  EXPECT_FALSE(list->owner.id.empty());
  bool found = false;
  for (const Bucket& x : list->buckets)
    if (x.name == b) {
      found = true;
      EXPECT_TRUE(ParseTime(x.creation_date)) << x.creation_date;
    }
  EXPECT_TRUE(found);
  // us-east-1 answers 200 to your own bucket again (legacy behaviour).
  EXPECT_OK(s3_.CreateBucket(b));
  ASSERT_OK(s3_.PutObject(b, "k", std::string_view("x")));
  EXPECT_CODE(s3_.DeleteBucket(b), "BucketNotEmpty", 409);
  ASSERT_OK(s3_.DeleteObject(b, "k"));
  ASSERT_OK(s3_.DeleteBucket(b));
  // HEAD answers have no body: the status's name, botocore's message.
  auto gone = s3_.HeadBucket(b);
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, "NotFound");
  EXPECT_EQ(gone.error().message, "Not Found");
  EXPECT_EQ(gone.error().http_status, 404);
  EXPECT_FALSE(gone.error().request_id.empty());
  EXPECT_CODE(s3_.DeleteBucket(b), "NoSuchBucket", 404);
  EXPECT_CODE(s3_.CreateBucket("Invalid_Name"), "InvalidBucketName", 400);
}

TEST_P(S3ClientTest, BucketInAnotherRegion) {
  Config config = ServerConfig(GetParam());
  config.region = "eu-west-1";
  S3Client eu = MakeClient(config);
  std::string b = UniqueBucket("eu");
  ASSERT_OK(eu.CreateBucket(b));  // LocationConstraint eu-west-1 by default
  auto location = eu.GetBucketLocation(b);
  ASSERT_OK(location);
  EXPECT_EQ(*location, "eu-west-1");
  auto head = eu.HeadBucket(b);
  ASSERT_OK(head);
  EXPECT_EQ(head->region, "eu-west-1");
  EXPECT_CODE(eu.CreateBucket(b), "BucketAlreadyOwnedByYou", 409);
  CreateBucketOptions us;
  us.location_constraint = "us-east-1";
  EXPECT_CODE(eu.CreateBucket(UniqueBucket("eu"), us), "InvalidLocationConstraint", 400);
  ASSERT_OK(eu.DeleteBucket(b));
}

const std::vector<std::string>& AwkwardKeys() {
  static const std::vector<std::string> keys = {
      "plain.txt",
      "with space/and more spaces.txt",
      "unicode/\xC3\xBC\xC3\xB1\xC3\xAF\xC3\xA7\xC3\xB6\xC3\xB0\xC3\xA9-\xE6\x97\xA5\xE6\x9C\xAC.txt",
      "plus+sign+key",
      "tilde~key~",
      "deep/nested/path/to/file",
      "double//slash",
      "/leading-slash",
      "trailing-slash/",
      "special !$&'()*,;=:@[]%.txt",
      "question?hash#.txt",
      "dots/./and/../here",
  };
  return keys;
}

TEST_P(S3ClientTest, AwkwardKeysRoundTrip) {
  std::string b = NewBucket("keys");
  for (const std::string& key : AwkwardKeys()) {
    SCOPED_TRACE(key);
    ASSERT_OK(s3_.PutObject(b, key, std::string_view("body of " + key)));
    auto got = s3_.GetObject(b, key);
    ASSERT_OK(got);
    EXPECT_EQ(got->body, "body of " + key);
    ASSERT_OK(s3_.HeadObject(b, key));
  }
  for (ListVersion v : {ListVersion::kV1, ListVersion::kV2}) {
    auto page = v == ListVersion::kV1 ? s3_.ListObjects(b) : s3_.ListObjectsV2(b);
    ASSERT_OK(page);
    std::set<std::string> listed;
    for (const ObjectSummary& o : page->contents) listed.insert(o.key);
    EXPECT_EQ(listed, std::set<std::string>(AwkwardKeys().begin(), AwkwardKeys().end()));
  }
  // A prefix with a space and a '+' (sent encoded, returned url-encoded and decoded).
  ListObjectsOptions o;
  o.prefix = "with space/";
  auto page = s3_.ListObjectsV2(b, o);
  ASSERT_OK(page);
  ASSERT_EQ(page->contents.size(), 1u);
  EXPECT_EQ(page->prefix, "with space/");
  o.prefix = "plus+";
  page = s3_.ListObjectsV2(b, o);
  ASSERT_OK(page);
  ASSERT_EQ(page->contents.size(), 1u);
  EXPECT_EQ(page->contents[0].key, "plus+sign+key");
  for (const std::string& key : AwkwardKeys()) ASSERT_OK(s3_.DeleteObject(b, key));
  ASSERT_OK(s3_.DeleteBucket(b));
}

TEST_P(S3ClientTest, PutAndGetHeadersAndMetadata) {
  std::string b = NewBucket("meta");
  PutObjectOptions put;
  put.content_type = "text/plain; charset=utf-8";
  put.cache_control = "max-age=60";
  put.content_disposition = "attachment; filename=\"a.txt\"";
  put.content_encoding = "identity";
  put.content_language = "en";
  put.expires = "Thu, 01 Dec 2033 16:00:00 GMT";
  put.metadata = {{"colour", "blue"}, {"owner", "course"}};
  put.storage_class = "STANDARD";
  put.tagging = "a=1&b=two";
  auto r = s3_.PutObject(b, "doc.txt", std::string_view("0123456789"), put);
  ASSERT_OK(r);
  EXPECT_EQ(r->etag, "\"781e5e245d69b566979b86e28d23f2c7\"");  // md5 of the body
  EXPECT_FALSE(r->request_id.empty());
  auto got = s3_.GetObject(b, "doc.txt");
  ASSERT_OK(got);
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "0123456789");
  EXPECT_EQ(got->content_length, 10u);
  EXPECT_EQ(got->content_type, put.content_type);
  EXPECT_EQ(got->cache_control, put.cache_control);
  EXPECT_EQ(got->content_disposition, put.content_disposition);
  EXPECT_EQ(got->content_language, "en");
  EXPECT_EQ(got->expires, put.expires);
  EXPECT_EQ(got->etag, r->etag);
  EXPECT_TRUE(ParseTime(got->last_modified)) << got->last_modified;
  EXPECT_EQ(got->metadata, (std::map<std::string, std::string>{{"colour", "blue"}, {"owner", "course"}}));
  ASSERT_TRUE(got->tagging_count);
  EXPECT_EQ(*got->tagging_count, 2);
  auto head = s3_.HeadObject(b, "doc.txt");
  ASSERT_OK(head);
  EXPECT_EQ(head->content_length, 10u);
  EXPECT_EQ(head->metadata, got->metadata);
  EXPECT_EQ(head->etag, r->etag);

  // Range, part number and conditionals.
  GetObjectOptions range;
  range.range = "bytes=2-5";
  auto part = s3_.GetObject(b, "doc.txt", range);
  ASSERT_OK(part);
  EXPECT_EQ(part->status, 206);
  EXPECT_EQ(part->body, "2345");
  EXPECT_EQ(part->content_range, "bytes 2-5/10");
  GetObjectOptions pn;
  pn.part_number = 1;
  auto p1 = s3_.GetObject(b, "doc.txt", pn);
  ASSERT_OK(p1);
  EXPECT_EQ(p1->body, "0123456789");
  EXPECT_EQ(p1->status, 206);
  EXPECT_FALSE(p1->parts_count);  // a single PUT's object is its own part 1, without a count
  GetObjectOptions none_match;
  none_match.if_none_match = r->etag;
  EXPECT_CODE(s3_.GetObject(b, "doc.txt", none_match), "NotModified", 304);
  GetObjectOptions match;
  match.if_match = "\"0000\"";
  EXPECT_CODE(s3_.GetObject(b, "doc.txt", match), "PreconditionFailed", 412);
  EXPECT_CODE(s3_.HeadObject(b, "doc.txt", match), "PreconditionFailed", 412);
  match.if_match = r->etag;
  EXPECT_OK(s3_.GetObject(b, "doc.txt", match));
  GetObjectOptions modified;
  modified.if_modified_since = "Sat, 01 Jan 2000 00:00:00 GMT";
  EXPECT_OK(s3_.GetObject(b, "doc.txt", modified));
  GetObjectOptions unmodified;
  unmodified.if_unmodified_since = "Sat, 01 Jan 2000 00:00:00 GMT";
  EXPECT_CODE(s3_.GetObject(b, "doc.txt", unmodified), "PreconditionFailed", 412);
  GetObjectOptions beyond;
  beyond.range = "bytes=100-200";
  EXPECT_CODE(s3_.GetObject(b, "doc.txt", beyond), "InvalidRange", 416);
  GetObjectOptions overrides;
  overrides.response_content_type = "application/x-test";
  auto over = s3_.GetObject(b, "doc.txt", overrides);
  ASSERT_OK(over);
  EXPECT_EQ(over->content_type, "application/x-test");

  // Into a sink.
  struct Collect : client::BodySink {
    std::string data;
    client::Status Write(std::string_view c) override {
      data.append(c);
      return {};
    }
    bool Reset() override {
      data.clear();
      return true;
    }
  } sink;
  auto info = s3_.GetObject(b, "doc.txt", sink);
  ASSERT_OK(info);
  EXPECT_EQ(sink.data, "0123456789");
  EXPECT_EQ(info->content_length, 10u);

  // From a BodySource (a file range), and an empty object.
  std::string path = S3Server::Get().dir() + "/src-" + b;
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("abcdefghij", f);
    std::fclose(f);
  }
  auto file = client::FileSource::Open(path, 3, 4);
  ASSERT_OK(file);
  ASSERT_OK(s3_.PutObject(b, "from-file", **file));
  EXPECT_EQ(s3_.GetObject(b, "from-file").value().body, "defg");
  ASSERT_OK(s3_.PutObject(b, "empty", std::string_view()));
  auto empty = s3_.GetObject(b, "empty");
  ASSERT_OK(empty);
  EXPECT_EQ(empty->body, "");
  EXPECT_EQ(empty->content_length, 0u);
}

TEST_P(S3ClientTest, ErrorsCarryAwsCodes) {
  std::string b = NewBucket("errors");
  auto missing = s3_.GetObject(b, "nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, "NoSuchKey");
  EXPECT_EQ(missing.error().http_status, 404);
  EXPECT_FALSE(missing.error().message.empty());
  EXPECT_FALSE(missing.error().request_id.empty());
  EXPECT_CODE(s3_.HeadObject(b, "nope"), "NotFound", 404);
  EXPECT_CODE(s3_.GetObject("no-such-bucket-here", "k"), "NoSuchBucket", 404);
  EXPECT_CODE(s3_.ListObjectsV2("no-such-bucket-here"), "NoSuchBucket", 404);
  EXPECT_CODE(s3_.PutObject("no-such-bucket-here", "k", std::string_view("x")), "NoSuchBucket", 404);
  EXPECT_OK(s3_.DeleteObject(b, "never-existed"));  // 204 for a missing key
  EXPECT_CODE(s3_.GetBucketPolicy(b), "NoSuchBucketPolicy", 404);
  EXPECT_CODE(s3_.GetBucketTagging(b), "NoSuchTagSet", 404);
  EXPECT_CODE(s3_.AbortMultipartUpload(b, "k", "no-such-upload"), "NoSuchUpload", 404);
  // A wrong secret: the server's SignatureDoesNotMatch.
  Config wrong = ServerConfig(GetParam());
  wrong.credentials.secret_access_key = "wrong";
  EXPECT_CODE(MakeClient(wrong).ListBuckets(), "SignatureDoesNotMatch", 403);
  Config unknown = ServerConfig(GetParam());
  unknown.credentials.access_key_id = "AKIDUNKNOWN";
  EXPECT_CODE(MakeClient(unknown).ListBuckets(), "InvalidAccessKeyId", 403);
}

TEST_P(S3ClientTest, DeleteObjectsQuietAndVerbose) {
  std::string b = NewBucket("delete");
  for (const char* k : {"a", "b", "c & <d>", "e"}) ASSERT_OK(s3_.PutObject(b, k, std::string_view(k)));
  auto verbose = s3_.DeleteObjects(b, {"a", "c & <d>", "missing"});
  ASSERT_OK(verbose);
  std::set<std::string> deleted;
  for (const DeletedObject& d : verbose->deleted) deleted.insert(d.key);
  EXPECT_EQ(deleted, (std::set<std::string>{"a", "c & <d>", "missing"}));  // missing: deleted too
  EXPECT_TRUE(verbose->errors.empty());
  auto quiet = s3_.DeleteObjects(b, {"b", "e"}, true);
  ASSERT_OK(quiet);
  EXPECT_TRUE(quiet->deleted.empty());
  EXPECT_TRUE(quiet->errors.empty());
  auto left = s3_.ListObjectsV2(b);
  ASSERT_OK(left);
  EXPECT_TRUE(left->contents.empty());
  // Over 1,000 keys is the server's MalformedXML.
  std::vector<std::string> many(1001, "k");
  for (std::size_t i = 0; i < many.size(); ++i) many[i] += std::to_string(i);
  EXPECT_CODE(s3_.DeleteObjects(b, many), "MalformedXML", 400);
}

TEST_P(S3ClientTest, DeleteObjectsReportsPerKeyErrors) {
  // An anonymous caller may list a public-read bucket but not delete from
  // it: the answer is 200 with an Error per key, as S3 gives it.
  std::string b = NewBucket("delerr");
  ASSERT_OK(s3_.PutObject(b, "k1", std::string_view("1")));
  ASSERT_OK(s3_.PutObject(b, "k 2+", std::string_view("2")));
  ASSERT_OK(s3_.PutBucketAcl(b, PutAclOptions::Canned("public-read")));
  Config anon = ServerConfig(GetParam());
  anon.sign = false;
  auto r = MakeClient(anon).DeleteObjects(b, {"k1", "k 2+"});
  ASSERT_OK(r);
  EXPECT_TRUE(r->deleted.empty());
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].key, "k1");
  EXPECT_EQ(r->errors[0].code, "AccessDenied");
  EXPECT_FALSE(r->errors[0].message.empty());
  EXPECT_EQ(r->errors[1].key, "k 2+");
  EXPECT_EQ(s3_.ListObjectsV2(b).value().contents.size(), 2u);
}

TEST_P(S3ClientTest, CopyObjectWithDirectives) {
  std::string b = NewBucket("copy");
  std::string other = NewBucket("copy-target");
  PutObjectOptions put;
  put.content_type = "text/x-source";
  put.metadata = {{"origin", "source"}};
  const std::string src = "src dir/\xC3\xBC+~.txt";
  auto source = s3_.PutObject(b, src, std::string_view("copy me"), put);
  ASSERT_OK(source);
  auto copied = s3_.CopyObject(b, src, other, "copy 1");
  ASSERT_OK(copied);
  EXPECT_EQ(copied->etag, source->etag);
  EXPECT_TRUE(ParseTime(copied->last_modified)) << copied->last_modified;
  auto c1 = s3_.GetObject(other, "copy 1");
  ASSERT_OK(c1);
  EXPECT_EQ(c1->body, "copy me");
  EXPECT_EQ(c1->metadata.at("origin"), "source");
  EXPECT_EQ(c1->content_type, "text/x-source");

  CopyObjectOptions replace;
  replace.metadata_directive = "REPLACE";
  replace.replace.content_type = "text/x-replaced";
  replace.replace.metadata = {{"origin", "replaced"}};
  ASSERT_OK(s3_.CopyObject(b, src, b, src, replace));  // onto itself needs REPLACE
  auto c2 = s3_.HeadObject(b, src);
  ASSERT_OK(c2);
  EXPECT_EQ(c2->metadata, (std::map<std::string, std::string>{{"origin", "replaced"}}));
  EXPECT_EQ(c2->content_type, "text/x-replaced");

  EXPECT_CODE(s3_.CopyObject(b, src, b, src), "InvalidRequest", 400);
  CopyObjectOptions cond;
  cond.copy_source_if_match = "\"nope\"";
  EXPECT_CODE(s3_.CopyObject(b, src, other, "copy 2", cond), "PreconditionFailed", 412);
  EXPECT_CODE(s3_.CopyObject(b, "missing", other, "copy 3"), "NoSuchKey", 404);
}

TEST_P(S3ClientTest, ListingOptions) {
  std::string b = NewBucket("listing");
  for (const char* k : {"a/1", "a/2", "a/b/3", "c", "d/4", "e"})
    ASSERT_OK(s3_.PutObject(b, k, std::string_view("x")));
  ListObjectsOptions o;
  o.delimiter = "/";
  auto v2 = s3_.ListObjectsV2(b, o);
  ASSERT_OK(v2);
  EXPECT_EQ(v2->common_prefixes, (std::vector<std::string>{"a/", "d/"}));
  ASSERT_EQ(v2->contents.size(), 2u);
  EXPECT_EQ(v2->contents[0].key, "c");
  EXPECT_EQ(v2->key_count, 4);
  EXPECT_EQ(v2->delimiter, "/");
  EXPECT_FALSE(v2->contents[0].owner);  // no fetch-owner
  o.prefix = "a/";
  auto v1 = s3_.ListObjects(b, o);
  ASSERT_OK(v1);
  EXPECT_EQ(v1->common_prefixes, (std::vector<std::string>{"a/b/"}));
  ASSERT_EQ(v1->contents.size(), 2u);
  EXPECT_TRUE(v1->contents[0].owner);  // v1 always has owners
  EXPECT_EQ(v1->contents[0].size, 1u);
  EXPECT_EQ(v1->contents[0].etag, "\"9dd4e461268c8034f5c8564e155c67a6\"");
  ListObjectsOptions after;
  after.start_after = "c";
  after.fetch_owner = true;
  after.max_keys = 2;
  auto page = s3_.ListObjectsV2(b, after);
  ASSERT_OK(page);
  ASSERT_EQ(page->contents.size(), 2u);
  EXPECT_EQ(page->contents[0].key, "d/4");
  EXPECT_TRUE(page->contents[0].owner);
  EXPECT_TRUE(page->is_truncated || page->contents.back().key == "e");
  EXPECT_EQ(page->max_keys, 2);
  ListObjectsOptions marker;
  marker.marker = "c";
  auto m = s3_.ListObjects(b, marker);
  ASSERT_OK(m);
  ASSERT_EQ(m->contents.size(), 2u);
  EXPECT_EQ(m->marker, "c");
}

// 2,500 keys written in parallel, then every paginator walks them.
TEST_P(S3ClientTest, PaginatorsOver2500Keys) {
  std::string b = NewBucket("pages");
  constexpr int kKeys = 2500;
  auto key = [](int i) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "dir%d/key %04d+", i % 5, i);
    return std::string(buf);
  };
  {
    std::vector<std::thread> writers;
    std::atomic<int> next{0}, failures{0};
    for (int t = 0; t < 8; ++t)
      writers.emplace_back([&] {
        for (int i; (i = next.fetch_add(1)) < kKeys;)
          if (!s3_.PutObject(b, key(i), std::string_view("v"))) ++failures;
      });
    for (std::thread& t : writers) t.join();
    ASSERT_EQ(failures.load(), 0);
  }
  std::set<std::string> all;
  for (int i = 0; i < kKeys; ++i) all.insert(key(i));

  for (ListVersion v : {ListVersion::kV2, ListVersion::kV1}) {
    SCOPED_TRACE(v == ListVersion::kV2 ? "v2" : "v1");
    client::ListObjectsPaginator pages(s3_, b, {}, v);
    int count = 0;
    std::set<std::string> seen;
    while (pages.HasMorePages()) {
      auto page = pages.NextPage();
      ASSERT_OK(page);
      ++count;
      for (const ObjectSummary& o : page->contents) EXPECT_TRUE(seen.insert(o.key).second) << o.key;
    }
    EXPECT_EQ(count, 3);  // 1,000 + 1,000 + 500
    EXPECT_EQ(seen, all);

    // Smaller pages, a prefix.
    ListObjectsOptions o;
    o.prefix = "dir3/";
    o.max_keys = 100;
    client::ListObjectsPaginator prefixed(s3_, b, o, v);
    int objects = 0, pages_seen = 0;
    ASSERT_OK(prefixed.ForEachPage([&](const ListObjectsPage& p) {
      ++pages_seen;
      objects += static_cast<int>(p.contents.size());
      return true;
    }));
    EXPECT_EQ(objects, 500);
    EXPECT_EQ(pages_seen, 5);

    // With a delimiter: five common prefixes, no keys at the top.
    ListObjectsOptions d;
    d.delimiter = "/";
    d.max_keys = 2;
    client::ListObjectsPaginator delimited(s3_, b, d, v);
    std::vector<std::string> prefixes;
    int keys = 0;
    ASSERT_OK(delimited.ForEach([&](const ObjectSummary&) { return ++keys, true; },
                                [&](const std::string& p) { return prefixes.push_back(p), true; }));
    EXPECT_EQ(keys, 0);
    EXPECT_EQ(prefixes, (std::vector<std::string>{"dir0/", "dir1/", "dir2/", "dir3/", "dir4/"}));

    // Inside one prefix with a delimiter: 500 keys over pages of 1,000.
    ListObjectsOptions inside;
    inside.prefix = "dir1/";
    inside.delimiter = "/";
    client::ListObjectsPaginator one(s3_, b, inside, v);
    int in_dir = 0;
    ASSERT_OK(one.ForEach([&](const ObjectSummary& s) {
      EXPECT_TRUE(s.key.starts_with("dir1/key "));
      return ++in_dir, true;
    }));
    EXPECT_EQ(in_dir, 500);

    // ForEach stops when asked.
    client::ListObjectsPaginator early(s3_, b, {}, v);
    int taken = 0;
    ASSERT_OK(early.ForEach([&](const ObjectSummary&) { return ++taken < 10; }));
    EXPECT_EQ(taken, 10);
  }
}

TEST_P(S3ClientTest, AclRoundTrips) {
  std::string b = NewBucket("acl");
  auto initial = s3_.GetBucketAcl(b);
  ASSERT_OK(initial);
  ASSERT_EQ(initial->grants.size(), 1u);
  EXPECT_EQ(initial->grants[0].permission, "FULL_CONTROL");
  EXPECT_EQ(initial->grants[0].grantee.type, "CanonicalUser");
  const Owner owner = initial->owner;
  EXPECT_FALSE(owner.id.empty());
  EXPECT_EQ(initial->grants[0].grantee.id, owner.id);

  ASSERT_OK(s3_.PutBucketAcl(b, PutAclOptions::Canned("public-read")));
  auto pub = s3_.GetBucketAcl(b);
  ASSERT_OK(pub);
  bool all_users_read = false;
  for (const Grant& g : pub->grants)
    all_users_read |= g.grantee.type == "Group" && g.grantee.uri == kAllUsers && g.permission == "READ";
  EXPECT_TRUE(all_users_read);

  // A whole policy on an object, read back as written.
  ASSERT_OK(s3_.PutObject(b, "obj key+", std::string_view("x")));
  AccessControlPolicy policy;
  policy.owner = owner;
  Grant full;
  full.grantee.type = "CanonicalUser";
  full.grantee.id = owner.id;
  full.permission = "FULL_CONTROL";
  Grant read;
  read.grantee.type = "Group";
  read.grantee.uri = kAuthenticatedUsers;
  read.permission = "READ";
  Grant read_acp;
  read_acp.grantee.type = "Group";
  read_acp.grantee.uri = kAllUsers;
  read_acp.permission = "READ_ACP";
  policy.grants = {full, read, read_acp};
  ASSERT_OK(s3_.PutObjectAcl(b, "obj key+", PutAclOptions::Policy(policy)));
  auto back = s3_.GetObjectAcl(b, "obj key+");
  ASSERT_OK(back);
  EXPECT_EQ(back->owner.id, owner.id);
  ASSERT_EQ(back->grants.size(), 3u);
  std::set<std::string> got, want;
  for (const Grant& g : back->grants) got.insert(g.grantee.type + "|" + g.grantee.id + "|" + g.grantee.uri + "|" + g.permission);
  for (const Grant& g : policy.grants) want.insert(g.grantee.type + "|" + g.grantee.id + "|" + g.grantee.uri + "|" + g.permission);
  EXPECT_EQ(got, want);

  // Grant headers, then the canned private ACL again.
  PutAclOptions headers;
  headers.grant_read = "uri=\"" + std::string(kAllUsers) + "\"";
  headers.grant_full_control = "id=\"" + owner.id + "\"";
  ASSERT_OK(s3_.PutObjectAcl(b, "obj key+", headers));
  EXPECT_EQ(s3_.GetObjectAcl(b, "obj key+").value().grants.size(), 2u);
  ASSERT_OK(s3_.PutObjectAcl(b, "obj key+", PutAclOptions::Canned("private")));
  EXPECT_EQ(s3_.GetObjectAcl(b, "obj key+").value().grants.size(), 1u);

  // The server's ACL errors come back with their codes.
  PutAclOptions both;
  both.acl = "public-read";
  both.grant_read = headers.grant_read;
  EXPECT_CODE(s3_.PutBucketAcl(b, both), "InvalidRequest", 400);
  AccessControlPolicy bad_id;
  bad_id.owner = owner;
  Grant unknown;
  unknown.grantee.type = "CanonicalUser";
  unknown.grantee.id = std::string(64, 'f');
  unknown.permission = "READ";
  bad_id.grants = {unknown};
  EXPECT_CODE(s3_.PutBucketAcl(b, PutAclOptions::Policy(bad_id)), "InvalidArgument", 400);
}

TEST_P(S3ClientTest, PolicyRoundTrip) {
  std::string b = NewBucket("policy");
  const std::string policy =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow",)"
      R"("Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::)" +
      b + R"(/*"}]})";
  ASSERT_OK(s3_.PutBucketPolicy(b, policy));
  auto got = s3_.GetBucketPolicy(b);
  ASSERT_OK(got);
  EXPECT_EQ(*got, policy);
  // The policy makes a private object readable anonymously.
  ASSERT_OK(s3_.PutObject(b, "open", std::string_view("open data")));
  Config anon = ServerConfig(GetParam());
  anon.sign = false;
  auto read = MakeClient(anon).GetObject(b, "open");
  ASSERT_OK(read);
  EXPECT_EQ(read->body, "open data");
  ASSERT_OK(s3_.DeleteBucketPolicy(b));
  EXPECT_CODE(s3_.GetBucketPolicy(b), "NoSuchBucketPolicy", 404);
  EXPECT_CODE(MakeClient(anon).GetObject(b, "open"), "AccessDenied", 403);
  EXPECT_CODE(s3_.PutBucketPolicy(b, "{not json"), "MalformedPolicy", 400);
}

// The course's lesson: a public-read bucket lists for anyone, but an object
// keeps its own (private) ACL.
TEST_P(S3ClientTest, AnonymousReadOfPublicBucketPrivateObject) {
  std::string b = UniqueBucket("public");
  CreateBucketOptions public_read;
  public_read.acl = "public-read";
  ASSERT_OK(s3_.CreateBucket(b, public_read));
  ASSERT_OK(s3_.PutObject(b, "private.txt", std::string_view("secret")));
  PutObjectOptions readable;
  readable.acl = "public-read";
  ASSERT_OK(s3_.PutObject(b, "public.txt", std::string_view("hello"), readable));
  Config anon_config = ServerConfig(GetParam());
  anon_config.sign = false;
  anon_config.credentials = {};
  S3Client anon = MakeClient(anon_config);
  auto listed = anon.ListObjectsV2(b);
  ASSERT_OK(listed);
  EXPECT_EQ(listed->contents.size(), 2u);
  EXPECT_CODE(anon.GetObject(b, "private.txt"), "AccessDenied", 403);
  EXPECT_CODE(anon.HeadObject(b, "private.txt"), "Forbidden", 403);
  auto pub = anon.GetObject(b, "public.txt");
  ASSERT_OK(pub);
  EXPECT_EQ(pub->body, "hello");
  EXPECT_CODE(anon.PutObject(b, "intruder", std::string_view("x")), "AccessDenied", 403);
  // Without credentials a signed client fails before sending.
  Config no_keys = ServerConfig(GetParam());
  no_keys.credentials = {};
  EXPECT_CODE(MakeClient(no_keys).ListBuckets(), "NoCredentials", 0);
}

TEST_P(S3ClientTest, MultipartCalls) {
  std::string b = NewBucket("multipart");
  const std::string key = "big file+~.bin";
  PutObjectOptions put;
  put.content_type = "application/x-parts";
  put.metadata = {{"kind", "multipart"}};
  auto id = s3_.CreateMultipartUpload(b, key, put);
  ASSERT_OK(id);
  std::string part1(5 * 1024 * 1024, 'a'), part2 = "the tail";
  for (std::size_t i = 0; i < part1.size(); i += 4096) part1[i] = static_cast<char>('a' + (i / 4096) % 26);
  client::StringSource s1(part1), s2(part2);
  auto e1 = s3_.UploadPart(b, key, *id, 1, s1);
  ASSERT_OK(e1);
  auto e2 = s3_.UploadPart(b, key, *id, 2, s2);
  ASSERT_OK(e2);
  auto parts = s3_.ListParts(b, key, *id);
  ASSERT_OK(parts);
  ASSERT_EQ(parts->parts.size(), 2u);
  EXPECT_EQ(parts->parts[0].part_number, 1);
  EXPECT_EQ(parts->parts[0].etag, *e1);
  EXPECT_EQ(parts->parts[0].size, part1.size());
  EXPECT_EQ(parts->parts[1].size, part2.size());
  EXPECT_EQ(parts->upload_id, *id);
  ListPartsOptions one;
  one.max_parts = 1;
  auto first = s3_.ListParts(b, key, *id, one);
  ASSERT_OK(first);
  EXPECT_TRUE(first->is_truncated);
  EXPECT_EQ(first->next_part_number_marker, 1);
  one.part_number_marker = 1;
  auto second = s3_.ListParts(b, key, *id, one);
  ASSERT_OK(second);
  ASSERT_EQ(second->parts.size(), 1u);
  EXPECT_EQ(second->parts[0].part_number, 2);

  auto other = s3_.CreateMultipartUpload(b, "other/key");
  ASSERT_OK(other);
  auto uploads = s3_.ListMultipartUploads(b);
  ASSERT_OK(uploads);
  ASSERT_EQ(uploads->uploads.size(), 2u);
  EXPECT_EQ(uploads->uploads[0].key, key);
  EXPECT_EQ(uploads->uploads[0].upload_id, *id);
  ListMultipartUploadsOptions grouped;
  grouped.delimiter = "/";
  auto by_prefix = s3_.ListMultipartUploads(b, grouped);
  ASSERT_OK(by_prefix);
  EXPECT_EQ(by_prefix->common_prefixes, std::vector<std::string>{"other/"});
  ASSERT_OK(s3_.AbortMultipartUpload(b, "other/key", *other));
  EXPECT_CODE(s3_.ListParts(b, "other/key", *other), "NoSuchUpload", 404);

  // Parts out of order, a wrong ETag: the server's errors.
  EXPECT_CODE(s3_.CompleteMultipartUpload(b, key, *id, {{2, *e2}, {1, *e1}}), "InvalidPartOrder", 400);
  EXPECT_CODE(s3_.CompleteMultipartUpload(b, key, *id, {{1, "\"00\""}, {2, *e2}}), "InvalidPart", 400);
  auto done = s3_.CompleteMultipartUpload(b, key, *id, {{1, *e1}, {2, *e2}});
  ASSERT_OK(done);
  EXPECT_TRUE(done->etag.ends_with("-2\"")) << done->etag;
  EXPECT_EQ(done->key, key);
  auto got = s3_.GetObject(b, key);
  ASSERT_OK(got);
  EXPECT_EQ(got->body, part1 + part2);
  EXPECT_EQ(got->etag, done->etag);
  EXPECT_EQ(got->content_type, "application/x-parts");
  EXPECT_EQ(got->metadata.at("kind"), "multipart");
  GetObjectOptions p2;
  p2.part_number = 2;
  auto tail = s3_.GetObject(b, key, p2);
  ASSERT_OK(tail);
  EXPECT_EQ(tail->body, part2);
  EXPECT_EQ(tail->parts_count.value_or(0), 2);
  EXPECT_TRUE(s3_.ListMultipartUploads(b).value().uploads.empty());

  // A part that is too small (not the last) is EntityTooSmall.
  auto small = s3_.CreateMultipartUpload(b, "small");
  ASSERT_OK(small);
  client::StringSource t1(part2), t2(part2);
  auto se1 = s3_.UploadPart(b, "small", *small, 1, t1);
  auto se2 = s3_.UploadPart(b, "small", *small, 2, t2);
  ASSERT_OK(se1);
  ASSERT_OK(se2);
  EXPECT_CODE(s3_.CompleteMultipartUpload(b, "small", *small, {{1, *se1}, {2, *se2}}), "EntityTooSmall", 400);
  ASSERT_OK(s3_.AbortMultipartUpload(b, "small", *small));
}

TEST_P(S3ClientTest, Tagging) {
  std::string b = NewBucket("tags");
  ASSERT_OK(s3_.PutObject(b, "t key", std::string_view("x")));
  std::vector<Tag> tags = {{"project", "course & <lab>"}, {"owner", "me"}};
  ASSERT_OK(s3_.PutObjectTagging(b, "t key", tags));
  auto got = s3_.GetObjectTagging(b, "t key");
  ASSERT_OK(got);
  ASSERT_EQ(got->size(), 2u);
  std::map<std::string, std::string> m;
  for (const Tag& t : *got) m[t.key] = t.value;
  EXPECT_EQ(m, (std::map<std::string, std::string>{{"project", "course & <lab>"}, {"owner", "me"}}));
  ASSERT_OK(s3_.DeleteObjectTagging(b, "t key"));
  EXPECT_TRUE(s3_.GetObjectTagging(b, "t key").value().empty());
  EXPECT_CODE(s3_.PutObjectTagging(b, "t key", {{"aws:reserved", "x"}}), "InvalidTag", 400);

  ASSERT_OK(s3_.PutBucketTagging(b, {{"cost-center", "42"}}));
  auto bucket_tags = s3_.GetBucketTagging(b);
  ASSERT_OK(bucket_tags);
  ASSERT_EQ(bucket_tags->size(), 1u);
  EXPECT_EQ((*bucket_tags)[0].value, "42");
  ASSERT_OK(s3_.DeleteBucketTagging(b));
  EXPECT_CODE(s3_.GetBucketTagging(b), "NoSuchTagSet", 404);
}

// Presigned URLs used by a plain, unsigned HttpClient.
TEST_P(S3ClientTest, PresignedGetAndPut) {
  std::string b = NewBucket("presign");
  const std::string key = "shared file+~/\xC3\xBC.txt";
  ASSERT_OK(s3_.PutObject(b, key, std::string_view("shared bytes")));
  client::HttpOptions http_options;
  http_options.ca_bundle = ServerConfig(GetParam()).ca_bundle;
  auto http = HttpClient::Create(http_options).value();
  auto send = [&](const std::string& method, const std::string& url, std::string body = {},
                  bool with_body = false) {
    client::Url u = client::Url::Parse(url).value();
    std::size_t scheme_end = url.find("://") + 3;
    std::size_t path_start = url.find('/', scheme_end);
    std::string target = url.substr(path_start);
    std::size_t q = target.find('?');
    sigv4::HttpRequest req;
    req.method = method;
    req.path = target.substr(0, q);
    req.query = q == target.npos ? "" : target.substr(q + 1);
    req.headers.push_back({"Host", u.HostHeader()});
    client::StringSource source(body);
    return http->Send(u, req, with_body ? &source : nullptr);
  };

  auto get_url = s3_.PresignGetObject(b, key, std::chrono::seconds(300));
  ASSERT_OK(get_url);
  if (GetParam() != Style::kPath) {
    EXPECT_NE(get_url->find("://" + b + ".localhost:"), std::string::npos) << *get_url;
  }
  auto got = send("GET", *get_url);
  ASSERT_OK(got);
  EXPECT_EQ(got->status, 200) << got->body;
  EXPECT_EQ(got->body, "shared bytes");

  auto put_url = s3_.PresignPutObject(b, "uploaded by url", std::chrono::seconds(300));
  ASSERT_OK(put_url);
  auto put = send("PUT", *put_url, "sent with a presigned URL", true);
  ASSERT_OK(put);
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(s3_.GetObject(b, "uploaded by url").value().body, "sent with a presigned URL");

  // A URL for GET does not allow PUT; a tampered URL is refused.
  auto wrong_method = send("PUT", *get_url, "x", true);
  ASSERT_OK(wrong_method);
  EXPECT_EQ(wrong_method->status, 403);
  std::string tampered = *get_url;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  auto bad = send("GET", tampered);
  ASSERT_OK(bad);
  EXPECT_EQ(bad->status, 403);
  EXPECT_EQ(client::ErrorFromResponse(*bad).code, "SignatureDoesNotMatch");

  // Signed two hours ago for one hour: expired.
  auto old_caller = std::make_shared<Caller>(ServerConfig(GetParam()), http, [] {
    return std::chrono::system_clock::now() - std::chrono::hours(2);
  });
  S3Client old = S3Client::Create(old_caller).value();
  auto expired_url = old.PresignGetObject(b, key, std::chrono::seconds(3600));
  ASSERT_OK(expired_url);
  auto expired = send("GET", *expired_url);
  ASSERT_OK(expired);
  EXPECT_EQ(expired->status, 403);
  client::Error e = client::ErrorFromResponse(*expired);
  EXPECT_EQ(e.code, "AccessDenied");
  EXPECT_EQ(e.message, "Request has expired");
  EXPECT_CODE(s3_.PresignGetObject(b, key, std::chrono::seconds(604801)), "InvalidArgument", 0);
}

// Clients sharing one HttpClient share its connections.
TEST(S3ClientSharing, SharedPoolKeepsConnections) {
  auto http = HttpClient::Create({}).value();
  S3Client a = S3Client::Create(ServerConfig(Style::kPath), http).value();
  S3Client b = S3Client::Create(ServerConfig(Style::kPath), http).value();
  ASSERT_OK(a.ListBuckets());
  std::uint64_t opened = http->connections_opened();
  for (int i = 0; i < 5; ++i) {
    ASSERT_OK(a.ListBuckets());
    ASSERT_OK(b.ListBuckets());
  }
  EXPECT_EQ(http->connections_opened(), opened);
}

// ---- over HTTPS: awslab-server --tls-self-signed, its CA as the bundle ----

class S3HttpsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new RealServer({"--tls-self-signed"}); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static std::string CaBundle() { return server_->dir() + "/data/tls/ca.pem"; }
  static Config HttpsConfig(const std::string& host, AddressingStyle style) {
    Config c = BaseConfig("https://" + host + ":" + std::to_string(server_->port()), style);
    c.ca_bundle = CaBundle();
    return c;
  }
  static RealServer* server_;
};
RealServer* S3HttpsTest::server_ = nullptr;

TEST_F(S3HttpsTest, CallsOverTlsWithTheCaBundle) {
  // Path style on localhost and 127.0.0.1 (an IP address in the
  // certificate), virtual-hosted on bucket.localhost (the server signs a
  // certificate for the SNI name).
  S3Client path = MakeClient(HttpsConfig("localhost", AddressingStyle::kAuto));
  S3Client ip = MakeClient(HttpsConfig("127.0.0.1", AddressingStyle::kAuto));
  S3Client vhost = MakeClient(HttpsConfig("localhost", AddressingStyle::kVirtual));
  EXPECT_EQ(vhost.AddressOf("tls-bucket", "k").value().origin.host, "tls-bucket.localhost");
  ASSERT_OK(path.CreateBucket("tls-bucket"));
  const std::string key = "over tls/\xC3\xBC+~.txt";
  // Over https PutObject is UNSIGNED-PAYLOAD with Content-MD5, as botocore.
  ASSERT_OK(vhost.PutObject("tls-bucket", key, std::string_view("secret bytes")));
  for (S3Client* c : {&path, &ip, &vhost}) {
    auto got = c->GetObject("tls-bucket", key);
    ASSERT_OK(got);
    EXPECT_EQ(got->body, "secret bytes");
    auto listed = c->ListObjectsV2("tls-bucket");
    ASSERT_OK(listed);
    ASSERT_EQ(listed->contents.size(), 1u);
    EXPECT_EQ(listed->contents[0].key, key);
  }
  // A multipart upload and a ranged download over TLS.
  std::string big(12 * 1024 * 1024, 'z');
  for (std::size_t i = 0; i < big.size(); i += 997) big[i] = static_cast<char>('a' + i % 26);
  auto id = vhost.CreateMultipartUpload("tls-bucket", "big");
  ASSERT_OK(id);
  client::StringSource p1(std::string_view(big).substr(0, 6 * 1024 * 1024));
  client::StringSource p2(std::string_view(big).substr(6 * 1024 * 1024));
  auto e1 = vhost.UploadPart("tls-bucket", "big", *id, 1, p1);
  auto e2 = vhost.UploadPart("tls-bucket", "big", *id, 2, p2);
  ASSERT_OK(e1);
  ASSERT_OK(e2);
  ASSERT_OK(vhost.CompleteMultipartUpload("tls-bucket", "big", *id, {{1, *e1}, {2, *e2}}));
  GetObjectOptions range;
  range.range = "bytes=6291454-6291457";
  EXPECT_EQ(path.GetObject("tls-bucket", "big", range).value().body, big.substr(6291454, 4));
  EXPECT_EQ(path.GetObject("tls-bucket", "big").value().body, big);

  // A presigned URL fetched by an unsigned HttpClient that trusts the CA.
  client::HttpOptions o;
  o.ca_bundle = CaBundle();
  auto http = HttpClient::Create(o).value();
  auto url = vhost.PresignGetObject("tls-bucket", key, std::chrono::seconds(60));
  ASSERT_OK(url);
  EXPECT_TRUE(url->starts_with("https://tls-bucket.localhost:")) << *url;
  client::Url u = client::Url::Parse(*url).value();
  std::string target = url->substr(url->find('/', 8));
  sigv4::HttpRequest req;
  req.method = "GET";
  req.path = target.substr(0, target.find('?'));
  req.query = target.substr(target.find('?') + 1);
  req.headers.push_back({"Host", u.HostHeader()});
  auto fetched = http->Send(u, req);
  ASSERT_OK(fetched);
  EXPECT_EQ(fetched->status, 200);
  EXPECT_EQ(fetched->body, "secret bytes");
}

TEST_F(S3HttpsTest, WrongCaIsRefused) {
  // The system's trust store does not know awslab's CA.
  Config system = HttpsConfig("localhost", AddressingStyle::kAuto);
  system.ca_bundle.clear();
  auto r = MakeClient(system).ListBuckets();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "SSLError") << r.error().ToString();
  EXPECT_NE(r.error().message.find("certificate verify failed"), std::string::npos) << r.error().message;
  // Nor does a CA of another server's data directory.
  RealServer other({"--tls-self-signed"});
  Config wrong = HttpsConfig("localhost", AddressingStyle::kAuto);
  wrong.ca_bundle = other.dir() + "/data/tls/ca.pem";
  auto w = MakeClient(wrong).ListBuckets();
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, "SSLError") << w.error().ToString();
  // verify_tls = false talks to it anyway (--no-verify-ssl).
  Config insecure = wrong;
  insecure.verify_tls = false;
  EXPECT_OK(MakeClient(insecure).ListBuckets());
}

}  // namespace
}  // namespace awslab::testing
