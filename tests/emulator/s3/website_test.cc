#include "emulator/s3/website.h"

#include <gtest/gtest.h>

#include "emulator/protocol/website_xml.h"

namespace awslab::s3 {
namespace {

TEST(WebsiteConfiguration, ParsesValidatesAndRoundTrips) {
  auto config = protocol::ParseWebsiteConfiguration(
      "<WebsiteConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
      "<IndexDocument><Suffix>index.html</Suffix></IndexDocument>"
      "<ErrorDocument><Key>err.html</Key></ErrorDocument>"
      "<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a/</KeyPrefixEquals></Condition>"
      "<Redirect><ReplaceKeyPrefixWith>b/</ReplaceKeyPrefixWith></Redirect></RoutingRule>"
      "</RoutingRules></WebsiteConfiguration>");
  ASSERT_TRUE(config) << config.error().Message();
  EXPECT_EQ(config->index_suffix, "index.html");
  EXPECT_EQ(config->error_key, "err.html");
  ASSERT_EQ(config->routing_rules.size(), 1u);
  auto decoded = DecodeWebsite(EncodeWebsite(*config));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, *config);
  auto again = protocol::ParseWebsiteConfiguration(protocol::WebsiteConfigurationXml(*config));
  ASSERT_TRUE(again);
  EXPECT_EQ(again->routing_rules, config->routing_rules);
}

TEST(WebsiteConfiguration, RefusesWhatAwsRefuses) {
  const struct {
    const char* body;
    ErrorCode code;
  } kCases[] = {
      {"<WebsiteConfiguration/>", ErrorCode::kInvalidArgument},
      {"<WebsiteConfiguration><IndexDocument><Suffix>a/b</Suffix></IndexDocument>"
       "</WebsiteConfiguration>", ErrorCode::kInvalidArgument},
      {"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
       "<ErrorDocument/></WebsiteConfiguration>", ErrorCode::kMalformedXML},
      {"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
       "<RoutingRules/></WebsiteConfiguration>", ErrorCode::kMalformedXML},
      {"<WebsiteConfiguration><RedirectAllRequestsTo><Protocol>http</Protocol>"
       "</RedirectAllRequestsTo></WebsiteConfiguration>", ErrorCode::kMalformedXML},
      {"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
       "<RoutingRules><RoutingRule><Redirect><HttpRedirectCode>200</HttpRedirectCode>"
       "</Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>",
       ErrorCode::kInvalidRequest},
      {"<WebsiteConfiguration><IndexDocument><Suffix>i</Suffix></IndexDocument>"
       "<RoutingRules><RoutingRule><Condition><HttpErrorCodeReturnedEquals>200"
       "</HttpErrorCodeReturnedEquals></Condition><Redirect/></RoutingRule></RoutingRules>"
       "</WebsiteConfiguration>", ErrorCode::kInvalidRequest},
      {"<Other/>", ErrorCode::kMalformedXML},
  };
  for (const auto& c : kCases) {
    auto config = protocol::ParseWebsiteConfiguration(c.body);
    ASSERT_FALSE(config) << c.body;
    EXPECT_EQ(config.error().code, c.code) << c.body;
  }
}

TEST(WebsiteRoutingRules, MatchInOrderAndBuildTheLocation) {
  WebsiteConfiguration config;
  RoutingRule prefix;
  prefix.key_prefix_equals = "docs/";
  prefix.redirect.replace_key_prefix_with = "documents/";
  RoutingRule on404;
  on404.http_error_code_returned_equals = "404";
  on404.redirect.host_name = "example.com";
  on404.redirect.protocol = "https";
  on404.redirect.replace_key_with = "gone.html";
  on404.redirect.http_redirect_code = "302";
  config.routing_rules = {prefix, on404};

  const RoutingRule* r = MatchRoutingRule(config, "docs/a.html", 0);
  ASSERT_EQ(r, &config.routing_rules[0]);
  EXPECT_EQ(RoutingRuleLocation(*r, "docs/a.html", "h:1"), "http://h:1/documents/a.html");
  EXPECT_EQ(RoutingRuleStatus(*r), 301);
  EXPECT_EQ(MatchRoutingRule(config, "x.html", 0), nullptr);
  EXPECT_EQ(MatchRoutingRule(config, "x.html", 403), nullptr);
  r = MatchRoutingRule(config, "x.html", 404);
  ASSERT_EQ(r, &config.routing_rules[1]);
  EXPECT_EQ(RoutingRuleLocation(*r, "x.html", "h:1"), "https://example.com/gone.html");
  EXPECT_EQ(RoutingRuleStatus(*r), 302);
}

TEST(WebsiteRedirectLocation, NeedsASlashOrHttpPrefix) {
  EXPECT_TRUE(ValidateWebsiteRedirectLocation("/a"));
  EXPECT_TRUE(ValidateWebsiteRedirectLocation("https://example.com"));
  EXPECT_FALSE(ValidateWebsiteRedirectLocation("a.html"));
  EXPECT_FALSE(ValidateWebsiteRedirectLocation("ftp://x"));
  EXPECT_FALSE(ValidateWebsiteRedirectLocation("/" + std::string(2048, 'a')));
}

TEST(WebsiteErrorHtml, FollowsS3sPage) {
  Error e = MakeError(ErrorCode::kNoSuchKey);
  e.details.emplace_back("Key", "a<b");
  Error why = MakeError(ErrorCode::kAccessDenied);
  std::string html = protocol::WebsiteErrorHtml(404, e, "RID", "HID", &why);
  EXPECT_NE(html.find("<title>404 Not Found</title>"), std::string::npos);
  EXPECT_NE(html.find("<li>Code: NoSuchKey</li>"), std::string::npos);
  EXPECT_NE(html.find("<li>Key: a&lt;b</li>"), std::string::npos);
  EXPECT_NE(html.find("<li>RequestId: RID</li>"), std::string::npos);
  EXPECT_NE(html.find("Custom Error Document</h3>\n<ul>\n<li>Code: AccessDenied</li>"),
            std::string::npos);
}

}  // namespace
}  // namespace awslab::s3
