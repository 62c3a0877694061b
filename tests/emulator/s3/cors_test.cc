#include "emulator/s3/cors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>

#include "emulator/protocol/cors_xml.h"
#include "emulator/s3/records.h"
#include "emulator/s3/s3_store.h"

namespace awslab::s3 {
namespace {

constexpr std::string_view kNotAllowed =
    "CORSResponse: This CORS request is not allowed. This is usually because the evalution of "
    "Origin, request method / Access-Control-Request-Method or Access-Control-Request-Headers "
    "are not whitelisted by the resource's CORS spec.";

// A <CORSConfiguration> with one <CORSRule> per argument.
std::string Doc(std::initializer_list<std::string> rules) {
  std::string out = "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">";
  for (const auto& r : rules) out += "<CORSRule>" + r + "</CORSRule>";
  return out + "</CORSConfiguration>";
}

const std::string kMinimal =
    "<AllowedOrigin>https://example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod>";

CorsRule Rule(std::vector<std::string> origins, std::vector<std::string> methods,
              std::vector<std::string> headers = {}) {
  CorsRule r;
  r.allowed_origins = std::move(origins);
  r.allowed_methods = std::move(methods);
  r.allowed_headers = std::move(headers);
  return r;
}

TEST(CorsXml, ReadsEveryElementAndKeepsValuesAsSent) {
  auto config = protocol::ParseCorsConfiguration(R"(<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <CORSRule>
    <ID>rule &amp; one</ID>
    <AllowedOrigin>https://Example.com</AllowedOrigin>
    <AllowedOrigin>https://*.example.org</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>Content-Type</AllowedHeader>
    <AllowedHeader>x-amz-*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds> 0042 </MaxAgeSeconds>
  </CORSRule>
  <CORSRule><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>*</AllowedOrigin></CORSRule>
</CORSConfiguration>)");
  ASSERT_TRUE(config) << config.error().Message();
  ASSERT_EQ(config->rules.size(), 2u);
  const CorsRule& r = config->rules[0];
  EXPECT_EQ(r.id, "rule & one");
  EXPECT_EQ(r.allowed_origins, (std::vector<std::string>{"https://Example.com", "https://*.example.org"}));
  EXPECT_EQ(r.allowed_methods, (std::vector<std::string>{"PUT", "GET"}));
  EXPECT_EQ(r.allowed_headers, (std::vector<std::string>{"Content-Type", "x-amz-*"}));
  EXPECT_EQ(r.expose_headers, (std::vector<std::string>{"ETag"}));
  EXPECT_EQ(r.max_age_seconds, 42);
  EXPECT_FALSE(config->rules[1].id);
  EXPECT_FALSE(config->rules[1].max_age_seconds);
}

TEST(CorsXml, AcceptsTheDocumentWithoutNamespaceOrWithAPrefix) {
  EXPECT_TRUE(protocol::ParseCorsConfiguration("<CORSConfiguration><CORSRule>" + kMinimal +
                                               "</CORSRule></CORSConfiguration>"));
  EXPECT_TRUE(protocol::ParseCorsConfiguration(
      "<s3:CORSConfiguration xmlns:s3=\"http://s3.amazonaws.com/doc/2006-03-01/\"><s3:CORSRule>"
      "<s3:AllowedOrigin>*</s3:AllowedOrigin><s3:AllowedMethod>GET</s3:AllowedMethod>"
      "</s3:CORSRule></s3:CORSConfiguration>"));
}

TEST(CorsXml, RefusesWhatIsNotTheDocumentAsMalformedXML) {
  std::string hundred_and_one;
  for (int i = 0; i < 101; ++i) hundred_and_one += "<CORSRule>" + kMinimal + "</CORSRule>";
  const std::string kCases[] = {
      "",
      "not xml",
      "<CORSConfiguration><CORSRule>" + kMinimal + "</CORSConfiguration>",
      "<CORSRules><CORSRule>" + kMinimal + "</CORSRule></CORSRules>",
      "<CORSRule>" + kMinimal + "</CORSRule>",
      Doc({}),
      "<CORSConfiguration>" + kMinimal + "</CORSConfiguration>",
      "<CORSConfiguration>" + hundred_and_one + "</CORSConfiguration>",
      "<CORSConfiguration>text<CORSRule>" + kMinimal + "</CORSRule></CORSConfiguration>",
      Doc({""}),
      Doc({"<AllowedMethod>GET</AllowedMethod>"}),
      Doc({"<AllowedOrigin>*</AllowedOrigin>"}),
      Doc({kMinimal, "<AllowedOrigin>*</AllowedOrigin>"}),
      Doc({kMinimal + "<AllowedHeaders>*</AllowedHeaders>"}),
      Doc({kMinimal + "<allowedheader>*</allowedheader>"}),
      Doc({kMinimal + "text"}),
      Doc({"<AllowedOrigin><Origin>*</Origin></AllowedOrigin><AllowedMethod>GET</AllowedMethod>"}),
      Doc({kMinimal + "<MaxAgeSeconds></MaxAgeSeconds>"}),
      Doc({kMinimal + "<MaxAgeSeconds>hour</MaxAgeSeconds>"}),
      Doc({kMinimal + "<MaxAgeSeconds>-1</MaxAgeSeconds>"}),
      Doc({kMinimal + "<MaxAgeSeconds>1.5</MaxAgeSeconds>"}),
      Doc({kMinimal + "<MaxAgeSeconds>2147483648</MaxAgeSeconds>"}),
      Doc({kMinimal + "<MaxAgeSeconds>1</MaxAgeSeconds><MaxAgeSeconds>1</MaxAgeSeconds>"}),
      Doc({kMinimal + "<ID>a</ID><ID>b</ID>"}),
      Doc({kMinimal + "<ID>" + std::string(256, 'a') + "</ID>"}),
      // The shape of the whole document is checked before any value.
      Doc({"<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>",
           "<AllowedMethod>GET</AllowedMethod>"}),
  };
  for (const auto& body : kCases) {
    auto config = protocol::ParseCorsConfiguration(body);
    ASSERT_FALSE(config) << body;
    EXPECT_EQ(config.error().code, ErrorCode::kMalformedXML) << body;
  }
}

TEST(CorsXml, AcceptsTheLimits) {
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "<CORSRule>" + kMinimal + "</CORSRule>";
  auto config = protocol::ParseCorsConfiguration("<CORSConfiguration>" + hundred +
                                                 "</CORSConfiguration>");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->rules.size(), 100u);
  EXPECT_TRUE(protocol::ParseCorsConfiguration(
      Doc({kMinimal + "<ID>" + std::string(255, 'a') + "</ID>"})));
  EXPECT_TRUE(protocol::ParseCorsConfiguration(
      Doc({kMinimal + "<MaxAgeSeconds>2147483647</MaxAgeSeconds>"})));
  EXPECT_TRUE(protocol::ParseCorsConfiguration(
      Doc({"<AllowedOrigin></AllowedOrigin><AllowedMethod>GET</AllowedMethod>"})));
}

TEST(CorsXml, RefusesValuesAsAwsDoesWithInvalidRequest) {
  const struct {
    std::string rules;
    std::string message;
  } kCases[] = {
      {Doc({"<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"
            "<AllowedMethod>PATCH</AllowedMethod>"}),
       "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"},
      {Doc({"<AllowedOrigin>*</AllowedOrigin><AllowedMethod>OPTIONS</AllowedMethod>"}),
       "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS"},
      {Doc({"<AllowedOrigin>*</AllowedOrigin><AllowedMethod>get</AllowedMethod>"}),
       "Found unsupported HTTP method in CORS config. Unsupported method is get"},
      {Doc({"<AllowedOrigin>*</AllowedOrigin><AllowedMethod></AllowedMethod>"}),
       "Found unsupported HTTP method in CORS config. Unsupported method is "},
      {Doc({"<AllowedOrigin>https://*.example.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"}),
       "AllowedOrigin \"https://*.example.*\" can not have more than one wildcard."},
      {Doc({kMinimal + "<AllowedHeader>x-*-meta-*</AllowedHeader>"}),
       "AllowedHeader \"x-*-meta-*\" can not have more than one wildcard."},
      {Doc({kMinimal + "<ExposeHeader>x-amz-*</ExposeHeader>"}),
       "ExposeHeader \"x-amz-*\" contains wildcard. We currently do not support wildcard for "
       "ExposeHeader."},
      // Within a rule: methods, then origins, then headers, then expose headers.
      {Doc({"<ExposeHeader>*</ExposeHeader><AllowedHeader>**</AllowedHeader>"
            "<AllowedOrigin>**</AllowedOrigin><AllowedMethod>TRACE</AllowedMethod>"}),
       "Found unsupported HTTP method in CORS config. Unsupported method is TRACE"},
      {Doc({"<ExposeHeader>*</ExposeHeader><AllowedHeader>**</AllowedHeader>"
            "<AllowedOrigin>**</AllowedOrigin><AllowedMethod>GET</AllowedMethod>"}),
       "AllowedOrigin \"**\" can not have more than one wildcard."},
      // Rules in order.
      {Doc({kMinimal, kMinimal + "<ExposeHeader>*</ExposeHeader>",
            "<AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod>"}),
       "ExposeHeader \"*\" contains wildcard. We currently do not support wildcard for "
       "ExposeHeader."},
  };
  for (const auto& c : kCases) {
    auto config = protocol::ParseCorsConfiguration(c.rules);
    ASSERT_FALSE(config) << c.rules;
    EXPECT_EQ(config.error().code, ErrorCode::kInvalidRequest) << c.rules;
    EXPECT_EQ(config.error().Message(), c.message);
  }
}

TEST(CorsXml, WritesTheRulesInS3sElementOrderAndReadsThemBack) {
  CorsConfiguration config;
  CorsRule r = Rule({"https://example.com", "https://*.example.org"}, {"GET", "PUT"},
                    {"Authorization", "x-amz-*"});
  r.id = "rule-1";
  r.expose_headers = {"ETag", "x-amz-request-id"};
  r.max_age_seconds = 3000;
  config.rules.push_back(r);
  CorsRule empty_id = Rule({"a&b<c>"}, {"HEAD"});
  empty_id.id = "";
  empty_id.max_age_seconds = 0;
  config.rules.push_back(empty_id);
  std::string xml = protocol::CorsConfigurationXml(config);
  EXPECT_EQ(xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
            "<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
            "<CORSRule><ID>rule-1</ID><AllowedMethod>GET</AllowedMethod>"
            "<AllowedMethod>PUT</AllowedMethod><AllowedOrigin>https://example.com</AllowedOrigin>"
            "<AllowedOrigin>https://*.example.org</AllowedOrigin>"
            "<AllowedHeader>Authorization</AllowedHeader><AllowedHeader>x-amz-*</AllowedHeader>"
            "<MaxAgeSeconds>3000</MaxAgeSeconds><ExposeHeader>ETag</ExposeHeader>"
            "<ExposeHeader>x-amz-request-id</ExposeHeader></CORSRule>"
            "<CORSRule><ID></ID><AllowedMethod>HEAD</AllowedMethod>"
            "<AllowedOrigin>a&amp;b&lt;c&gt;</AllowedOrigin><MaxAgeSeconds>0</MaxAgeSeconds>"
            "</CORSRule></CORSConfiguration>");
  auto back = protocol::ParseCorsConfiguration(xml);
  ASSERT_TRUE(back) << back.error().Message();
  EXPECT_EQ(*back, config);
}

TEST(Cors, OriginPatternsHaveOneWildcardAndAreCaseSensitive) {
  const struct {
    std::string_view pattern, origin;
    bool matches;
  } kCases[] = {
      {"*", "https://example.com", true},
      {"*", "null", true},
      {"https://example.com", "https://example.com", true},
      {"https://example.com", "http://example.com", false},
      {"https://example.com", "https://example.com:443", false},
      {"https://example.com", "https://example.com/", false},
      {"https://example.com", "https://EXAMPLE.com", false},
      {"https://*.example.com", "https://www.example.com", true},
      {"https://*.example.com", "https://a.b.example.com", true},
      {"https://*.example.com", "https://example.com", false},
      {"https://*.example.com", "https://www.example.com.evil", false},
      {"http://*.sample.com", "http://this.sample.com:80", false},
      {"http://localhost:*", "http://localhost:8000", true},
      {"prefix*", "prefix", true},  // '*' matches nothing too
      {"start*end", "startend", true},
      {"start*end", "0start12end", false},
      {"ab*ba", "aba", false},  // prefix and suffix do not overlap
      {"", "", true},
      {"", "https://example.com", false},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(CorsOriginMatches(c.pattern, c.origin), c.matches)
        << c.pattern << " vs " << c.origin;
}

TEST(Cors, HeaderPatternsIgnoreCase) {
  const struct {
    std::string_view pattern, header;
    bool matches;
  } kCases[] = {
      {"*", "content-type", true},
      {"Content-Type", "content-type", true},
      {"X-Amz-*", "x-amz-date", true},
      {"x-amz-*", "x-amzn-trace-id", false},
      {"x-amz-*", "my-x-amz-date", false},
      {"*-type", "content-type", true},
      {"content-type", "content-length", false},
  };
  for (const auto& c : kCases)
    EXPECT_EQ(CorsHeaderMatches(c.pattern, c.header), c.matches)
        << c.pattern << " vs " << c.header;
}

TEST(Cors, RequestHeaderListIsTrimmedLowercasedAndKeepsItsOrder) {
  EXPECT_EQ(ParseCorsHeaderList("X-Amz-Date, Content-Type ,, ,x-amz-meta-Name"),
            (std::vector<std::string>{"x-amz-date", "content-type", "x-amz-meta-name"}));
  EXPECT_TRUE(ParseCorsHeaderList("").empty());
}

TEST(Cors, TheFirstRuleThatMatchesOriginMethodAndEveryHeaderWins) {
  CorsConfiguration config;
  config.rules = {Rule({"https://example.com"}, {"GET", "PUT"}),
                  Rule({"https://*.com"}, {"GET"}, {"*"}),
                  Rule({"*"}, {"GET", "HEAD"})};
  auto match = [&](std::string_view origin, std::string_view method,
                   std::vector<std::string> headers) -> int {
    const CorsRule* r = MatchCorsRule(config, origin, method, headers);
    return r ? static_cast<int>(r - config.rules.data()) : -1;
  };
  EXPECT_EQ(match("https://example.com", "GET", {}), 0);
  EXPECT_EQ(match("https://example.com", "PUT", {}), 0);
  // The first rule allows no requested header.
  EXPECT_EQ(match("https://example.com", "GET", {"x-amz-date"}), 1);
  EXPECT_EQ(match("https://example.com", "HEAD", {}), 2);
  EXPECT_EQ(match("https://example.org", "GET", {}), 2);
  EXPECT_EQ(match("https://example.org", "GET", {"x-amz-date"}), -1);
  EXPECT_EQ(match("https://example.com", "DELETE", {}), -1);
  EXPECT_EQ(match("https://example.com", "get", {}), -1);
}

class PreflightTest : public ::testing::Test {
 protected:
  PreflightTest() {
    CorsRule site = Rule({"https://example.com", "https://*.example.com"}, {"GET", "PUT", "DELETE"},
                         {"Content-Type", "x-amz-*"});
    site.expose_headers = {"ETag", "x-amz-request-id"};
    site.max_age_seconds = 3000;
    config_.rules = {site, Rule({"*"}, {"GET", "HEAD"})};
  }
  static PreflightRequest Request(std::optional<std::string_view> origin,
                                  std::optional<std::string_view> method,
                                  std::optional<std::string_view> headers = std::nullopt,
                                  bool object = true) {
    return {origin, method, headers, object};
  }
  // Code, message and the Method and ResourceType details of a refusal.
  static std::string Refusal(const Result<CorsGrant>& r) {
    if (r) return "granted";
    std::string out = std::string(Describe(r.error().code).code) + ": " +
                      std::string(r.error().Message());
    for (const auto& [k, v] : r.error().details) out += " " + k + "=" + v;
    return out;
  }
  CorsConfiguration config_;
};

TEST_F(PreflightTest, GrantsTheMatchingRule) {
  auto grant = EvaluatePreflight(true, &config_,
                                 Request("https://app.example.com", "PUT",
                                         "Content-Type,X-Amz-Date"));
  ASSERT_TRUE(grant) << Refusal(grant);
  CorsGrant expected;
  expected.allow_origin = "https://app.example.com";
  expected.allow_methods = {"GET", "PUT", "DELETE"};
  expected.allow_headers = {"content-type", "x-amz-date"};
  expected.expose_headers = {"ETag", "x-amz-request-id"};
  expected.max_age_seconds = 3000;
  expected.allow_credentials = true;
  EXPECT_EQ(*grant, expected);
}

TEST_F(PreflightTest, AnyOriginRuleAnswersAStarWithoutCredentials) {
  auto grant = EvaluatePreflight(true, &config_, Request("https://other.org", "HEAD"));
  ASSERT_TRUE(grant) << Refusal(grant);
  EXPECT_EQ(grant->allow_origin, "*");
  EXPECT_FALSE(grant->allow_credentials);
  EXPECT_EQ(grant->allow_methods, (std::vector<std::string>{"GET", "HEAD"}));
  EXPECT_TRUE(grant->allow_headers.empty());
  EXPECT_FALSE(grant->max_age_seconds);
  // A rule that lists "*" beside the origin answers "*" too.
  CorsConfiguration both;
  both.rules = {Rule({"https://example.com", "*"}, {"GET"})};
  auto g = EvaluatePreflight(true, &both, Request("https://example.com", "GET"));
  ASSERT_TRUE(g);
  EXPECT_EQ(g->allow_origin, "*");
}

TEST_F(PreflightTest, RefusesInS3sOrder) {
  const std::string kNotEnabled = "CORSResponse: CORS is not enabled for this bucket.";
  const struct {
    bool exists;
    bool configured;
    PreflightRequest request;
    std::string refusal;
  } kCases[] = {
      {true, true, Request(std::nullopt, "GET"),
       "BadRequest: Insufficient information. Origin request header needed."},
      {true, true, Request("", "GET"),
       "BadRequest: Insufficient information. Origin request header needed."},
      {false, false, Request(std::nullopt, std::nullopt),
       "BadRequest: Insufficient information. Origin request header needed."},
      {true, false, Request("https://example.com", "PATCH"),
       "BadRequest: Invalid Access-Control-Request-Method: PATCH"},
      {true, true, Request("https://example.com", "get"),
       "BadRequest: Invalid Access-Control-Request-Method: get"},
      {false, false, Request("https://example.com", "PUT"),
       "AccessForbidden: CORSResponse: Bucket not found Method=PUT ResourceType=BUCKET"},
      {true, false, Request("https://example.com", "PUT"),
       "AccessForbidden: " + kNotEnabled + " Method=PUT ResourceType=BUCKET"},
      {true, false, Request("https://example.com", std::nullopt),
       "AccessForbidden: " + kNotEnabled + " Method=OPTIONS ResourceType=BUCKET"},
      {true, true, Request("https://example.com", std::nullopt),
       "BadRequest: Invalid Access-Control-Request-Method: null"},
      {true, true, Request("https://example.org", "PUT"),
       "AccessForbidden: " + std::string(kNotAllowed) + " Method=PUT ResourceType=OBJECT"},
      {true, true, Request("https://EXAMPLE.com", "PUT"),
       "AccessForbidden: " + std::string(kNotAllowed) + " Method=PUT ResourceType=OBJECT"},
      {true, true, Request("https://example.com", "POST", std::nullopt, false),
       "AccessForbidden: " + std::string(kNotAllowed) + " Method=POST ResourceType=BUCKET"},
      {true, true, Request("https://example.com", "PUT", "content-type, authorization"),
       "AccessForbidden: " + std::string(kNotAllowed) + " Method=PUT ResourceType=OBJECT"},
      // The "*" rule allows no requested header.
      {true, true, Request("https://example.org", "GET", "content-type"),
       "AccessForbidden: " + std::string(kNotAllowed) + " Method=GET ResourceType=OBJECT"},
  };
  for (const auto& c : kCases) {
    auto r = EvaluatePreflight(c.exists, c.configured ? &config_ : nullptr, c.request);
    EXPECT_EQ(Refusal(r), c.refusal);
    if (!r) {
      EXPECT_EQ(Describe(r.error().code).http_status,
                r.error().code == ErrorCode::kBadRequest ? 400 : 403);
    }
  }
}

TEST_F(PreflightTest, AnEmptyRequestHeaderListAsksForNothing) {
  auto grant = EvaluatePreflight(true, &config_, Request("https://example.org", "GET", " , ,"));
  ASSERT_TRUE(grant) << Refusal(grant);
  EXPECT_TRUE(grant->allow_headers.empty());
}

TEST_F(PreflightTest, ActualRequestsMatchOriginAndMethodOnly) {
  auto grant = EvaluateActualRequest(config_, "https://www.example.com", "DELETE");
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->allow_origin, "https://www.example.com");
  EXPECT_TRUE(grant->allow_headers.empty());
  EXPECT_EQ(grant->max_age_seconds, 3000);
  EXPECT_FALSE(EvaluateActualRequest(config_, "https://other.org", "PUT"));
  EXPECT_FALSE(EvaluateActualRequest(config_, "", "GET"));
  EXPECT_EQ(EvaluateActualRequest(config_, "https://other.org", "GET")->allow_origin, "*");
}

TEST(CorsRecord, SurvivesTheBucketRecord) {
  BucketRecord b;
  b.name = "bucket";
  b.owner_account_id = "111122223333";
  b.region = "us-east-1";
  CorsConfiguration config;
  CorsRule r = Rule({"https://example.com", ""}, {"GET", "GET"}, {"*"});
  r.id = "";
  r.expose_headers = {"ETag"};
  r.max_age_seconds = 0;
  config.rules = {r, Rule({"*"}, {"HEAD"})};
  b.cors = config;
  auto back = DecodeBucket("bucket", EncodeBucket(b));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->cors, config);
  b.cors.reset();
  back = DecodeBucket("bucket", EncodeBucket(b));
  ASSERT_TRUE(back);
  EXPECT_FALSE(back->cors);
  EXPECT_FALSE(DecodeCors("\x01\x05\x01\x10x"));  // a rule field longer than its data
}

class CorsStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-cors-test-" + std::to_string(std::random_device()()));
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    store_ = std::make_unique<S3Store>(*storage_, clock_);
    ASSERT_TRUE(store_->CreateBucket(alice_, {"site", "", "us-east-1", {}, std::nullopt}));
  }
  void TearDown() override {
    store_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  ManualClock clock_{std::chrono::system_clock::from_time_t(1700000000)};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<S3Store> store_;
  Principal alice_{"111122223333", "AKIAALICE", false};
  Principal bob_{"444455556666", "AKIABOB", false};
};

TEST_F(CorsStoreTest, PutGetDeleteAndEvaluation) {
  auto none = store_->GetBucketCors(alice_, "site");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, ErrorCode::kNoSuchCORSConfiguration);
  ASSERT_TRUE(store_->CorsForEvaluation("site"));
  EXPECT_FALSE(*store_->CorsForEvaluation("site"));

  CorsConfiguration config;
  config.rules = {Rule({"*"}, {"GET"})};
  ASSERT_TRUE(store_->PutBucketCors(alice_, "site", config));
  auto got = store_->GetBucketCors(alice_, "site");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, config);
  // Evaluation needs no principal; the configuration itself is the owner's.
  EXPECT_EQ(**store_->CorsForEvaluation("site"), config);
  EXPECT_EQ(store_->GetBucketCors(bob_, "site").error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(store_->PutBucketCors(bob_, "site", config).error().code, ErrorCode::kAccessDenied);

  ASSERT_TRUE(store_->DeleteBucketCors(alice_, "site"));
  EXPECT_FALSE(*store_->CorsForEvaluation("site"));
  EXPECT_TRUE(store_->DeleteBucketCors(alice_, "site"));  // none left: still Ok
  EXPECT_EQ(store_->CorsForEvaluation("nosuch").error().code, ErrorCode::kNoSuchBucket);
  EXPECT_EQ(store_->PutBucketCors(alice_, "nosuch", config).error().code,
            ErrorCode::kNoSuchBucket);
}

TEST_F(CorsStoreTest, TheConfigurationSurvivesReopening) {
  CorsConfiguration config;
  config.rules = {Rule({"https://example.com"}, {"PUT"}, {"x-amz-*"})};
  ASSERT_TRUE(store_->PutBucketCors(alice_, "site", config));
  // A fresh store has no cached bucket records: it reads LevelDB.
  store_ = std::make_unique<S3Store>(*storage_, clock_);
  auto got = store_->GetBucketCors(alice_, "site");
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, config);
}

}  // namespace
}  // namespace awslab::s3
