#include "emulator/auth/sigv2.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/storage/storage.h"

namespace awslab::auth {
namespace {

// The example credentials of AWS's RESTAuthentication page.
constexpr std::string_view kKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

sigv4::HttpRequest Make(std::string method, std::string target,
                        std::vector<sigv4::Header> headers) {
  sigv4::HttpRequest r;
  r.method = std::move(method);
  std::size_t q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  r.headers = std::move(headers);
  return r;
}

// The "Authentication examples" of
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
// in their original form, with the bucket "johnsmith" their signatures were
// computed for (later editions renamed it without re-signing).
TEST(SigV2, ReproducesTheDocumentedExamples) {
  const struct {
    std::string name;
    sigv4::HttpRequest request;
    std::string vhost_bucket;
    std::string date_line;
    std::string string_to_sign;
    std::string signature;
  } kCases[] = {
      {"Object GET",
       Make("GET", "/photos/puppy.jpg",
            {{"Host", "johnsmith.s3.amazonaws.com"}, {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"}}),
       "johnsmith", "Tue, 27 Mar 2007 19:36:42 +0000",
       "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/johnsmith/photos/puppy.jpg",
       "bWq2s1WEIj+Ydj0vQ697zp+IXMU="},
      {"Object PUT",
       Make("PUT", "/photos/puppy.jpg",
            {{"Content-Type", "image/jpeg"},
             {"Content-Length", "94328"},
             {"Host", "johnsmith.s3.amazonaws.com"},
             {"Date", "Tue, 27 Mar 2007 21:15:45 +0000"}}),
       "johnsmith", "Tue, 27 Mar 2007 21:15:45 +0000",
       "PUT\n\nimage/jpeg\nTue, 27 Mar 2007 21:15:45 +0000\n/johnsmith/photos/puppy.jpg",
       "MyyxeRY7whkBe+bq8fHCL/2kKUg="},
      {"List",
       Make("GET", "/?prefix=photos&max-keys=50&marker=puppy",
            {{"User-Agent", "Mozilla/5.0"},
             {"Host", "johnsmith.s3.amazonaws.com"},
             {"Date", "Tue, 27 Mar 2007 19:42:41 +0000"}}),
       "johnsmith", "Tue, 27 Mar 2007 19:42:41 +0000",
       "GET\n\n\nTue, 27 Mar 2007 19:42:41 +0000\n/johnsmith/", "htDYFYduRNen8P9ZfE/s9SuKy0U="},
      {"Fetch",
       Make("GET", "/?acl",
            {{"Host", "johnsmith.s3.amazonaws.com"}, {"Date", "Tue, 27 Mar 2007 19:44:46 +0000"}}),
       "johnsmith", "Tue, 27 Mar 2007 19:44:46 +0000",
       "GET\n\n\nTue, 27 Mar 2007 19:44:46 +0000\n/johnsmith/?acl",
       "c2WLPFtWHVgbEmeEG93a4cG37dM="},
      {"Upload (CNAME-style bucket)",
       Make("PUT", "/db-backup.dat.gz",
            {{"User-Agent", "curl/7.15.5"},
             {"Host", "static.johnsmith.net:8080"},
             {"Date", "Tue, 27 Mar 2007 21:06:08 +0000"},
             {"x-amz-acl", "public-read"},
             {"content-type", "application/x-download"},
             {"Content-MD5", "4gJE4saaMU4BqNR0kLY+lw=="},
             {"X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"},
             {"X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"},
             {"X-Amz-Meta-FileChecksum", "0x02661779"},
             {"X-Amz-Meta-ChecksumAlgorithm", "crc32"},
             {"Content-Disposition", "attachment; filename=database.dat"},
             {"Content-Encoding", "gzip"},
             {"Content-Length", "5913339"}}),
       "static.johnsmith.net", "Tue, 27 Mar 2007 21:06:08 +0000",
       "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n"
       "x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\n"
       "x-amz-meta-filechecksum:0x02661779\n"
       "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n"
       "/static.johnsmith.net/db-backup.dat.gz",
       "ilyl83RwaSoYIEdixDQcA4OnAnc="},
      {"List all my buckets",
       Make("GET", "/",
            {{"Host", "s3.amazonaws.com"}, {"Date", "Wed, 28 Mar 2007 01:29:59 +0000"}}),
       "", "Wed, 28 Mar 2007 01:29:59 +0000", "GET\n\n\nWed, 28 Mar 2007 01:29:59 +0000\n/",
       "qGdzdERIC03wnaRNKh6OqZehG9s="},
      {"Unicode keys (signed as sent, escapes and their case kept)",
       Make("GET", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
            {{"Host", "s3.amazonaws.com"}, {"Date", "Wed, 28 Mar 2007 01:49:49 +0000"}}),
       "", "Wed, 28 Mar 2007 01:49:49 +0000",
       "GET\n\n\nWed, 28 Mar 2007 01:49:49 +0000\n/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
       "DNEZGsoieTZ92F3bUfSPQcbGmlM="},
  };
  for (const auto& c : kCases) {
    std::string sts = sigv2::StringToSign(c.request, c.date_line, c.vhost_bucket, false);
    EXPECT_EQ(sts, c.string_to_sign) << c.name;
    EXPECT_EQ(sigv2::Signature(kSecret, sts), c.signature) << c.name;
  }
}

TEST(SigV2, ReproducesTheDocumentedQueryStringExample) {
  auto request = Make("GET",
                      "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&"
                      "Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
                      {{"Host", "johnsmith.s3.amazonaws.com"}});
  std::string sts = sigv2::StringToSign(request, "1175139620", "johnsmith", true);
  EXPECT_EQ(sts, "GET\n\n\n1175139620\n/johnsmith/photos/puppy.jpg");
  EXPECT_EQ(sigv2::Signature(kSecret, sts), "NpgCjnDzrM+WFzoENXmpNDUsSn8=");
}

// The page's Delete example prints the x-amz-date value in the Date position
// and no x-amz-date line (signature lx3byBScXR6KzyMaifNkardMwNk=), against
// its own rule: "if you include the x-amz-date header, use the empty string
// for the Date when constructing the StringToSign", and x-amz-date is an
// x-amz-* header. boto 2 (utils.canonical_string) and S3 follow the rule.
// The expected signature is Python's hmac over the expected string.
TEST(SigV2, AnXAmzDateIsSignedAsAnAmzHeaderWithAnEmptyDateLine) {
  auto request = Make("DELETE", "/johnsmith/photos/puppy.jpg",
                      {{"User-Agent", "dotnet"},
                       {"Host", "s3.amazonaws.com"},
                       {"Date", "Tue, 27 Mar 2007 21:20:27 +0000"},
                       {"x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"}});
  std::string sts = sigv2::StringToSign(request, "", "", false);
  EXPECT_EQ(sts,
            "DELETE\n\n\n\nx-amz-date:Tue, 27 Mar 2007 21:20:26 +0000\n"
            "/johnsmith/photos/puppy.jpg");
  EXPECT_EQ(sigv2::Signature(kSecret, sts), "R4dJ53KECjStyBO5iTBJZ4XVOaI=");
}

TEST(SigV2, CanonicalizedResourceKeepsOnlySortedSubresourcesWithDecodedValues) {
  const struct {
    std::string target;
    std::string vhost_bucket;
    std::string resource;
  } kCases[] = {
      {"/b/k?prefix=a&delimiter=%2F&max-keys=5", "", "/b/k"},
      {"/b/k?uploadId=abc&partNumber=2", "", "/b/k?partNumber=2&uploadId=abc"},
      // Byte order: "versionId" before "versioning", capitals first.
      {"/b?versioning&versionId=3", "", "/b?versionId=3&versioning"},
      // A value is signed decoded; a name without '=' stays bare, an empty value keeps it.
      {"/b/k?response-content-disposition=attachment%3B%20filename%3Da%2Bb.txt&acl=",
       "", "/b/k?acl=&response-content-disposition=attachment; filename=a+b.txt"},
      {"/b/k?response-content-type=text%2Fplain&x-id=GetObject", "",
       "/b/k?response-content-type=text/plain"},
      // The signature's own parameters are not sub-resources.
      {"/b/k?AWSAccessKeyId=x&Expires=1&Signature=s%3D", "", "/b/k"},
      {"/b?uploads&delete&tagging&cors&lifecycle&policy&location&logging", "",
       "/b?cors&delete&lifecycle&location&logging&policy&tagging&uploads"},
      // Virtual-hosted: the bucket comes first; the path is signed as sent.
      {"/", "bucket", "/bucket/"},
      {"/a%20b/c+d%2Fe", "bucket", "/bucket/a%20b/c+d%2Fe"},
      {"", "", "/"},
  };
  for (const auto& c : kCases) {
    EXPECT_EQ(sigv2::CanonicalizedResource(Make("GET", c.target, {}), c.vhost_bucket),
              c.resource)
        << c.target;
  }
}

TEST(SigV2, AmzHeadersAreLoweredSortedJoinedTrimmedAndUnfolded) {
  auto request = Make("PUT", "/b/k?x-amz-security-token=tok%2Fen",
                      {{"X-Amz-Meta-B", "  two  words  "},
                       {"x-amz-meta-a", "first\r\n   folded"},
                       {"X-AMZ-META-A", "second"},
                       {"x-amzfoo", "not amz"},
                       {"Content-Type", "text/plain"}});
  EXPECT_EQ(sigv2::CanonicalizedAmzHeaders(request, false),
            "x-amz-meta-a:first folded,second\nx-amz-meta-b:two  words\n");
  // Query authentication: x-amz-* parameters are headers too.
  EXPECT_EQ(sigv2::CanonicalizedAmzHeaders(request, true),
            "x-amz-meta-a:first folded,second\nx-amz-meta-b:two  words\n"
            "x-amz-security-token:tok/en\n");
}

TEST(SigV2, ParsesTheDateFormsOfHttp) {
  const TimePoint expected = std::chrono::system_clock::from_time_t(1175024202);
  const struct {
    std::string text;
    bool ok;
  } kCases[] = {
      {"Tue, 27 Mar 2007 19:36:42 GMT", true},
      {"Tue, 27 Mar 2007 19:36:42 +0000", true},
      {"Tue, 27 Mar 2007 20:36:42 +0100", true},
      {"Tue, 27 Mar 2007 14:36:42 -0500", true},
      {"Tuesday, 27-Mar-07 19:36:42 GMT", true},
      {"Tue Mar 27 19:36:42 2007", true},
      {"20070327T193642Z", true},
      {"", false},
      {"yesterday", false},
      {"Tue, 27 Mar 2007 19:36:42", false},
      {"Tue, 27 Foo 2007 19:36:42 GMT", false},
      {"Tue, 31 Feb 2007 19:36:42 GMT", false},
      {"Tue, 27 Mar 2007 25:36:42 GMT", false},
      {"2007-03-27T19:36:42Z", false},
  };
  for (const auto& c : kCases) {
    auto t = sigv2::ParseDate(c.text);
    EXPECT_EQ(t.has_value(), c.ok) << c.text;
    if (t && c.ok) {
      EXPECT_EQ(*t, expected) << c.text;
    }
  }
}

TEST(SigV2, SubresourceSetIncludesWhatBoto2Signs) {
  for (std::string_view name :
       {"acl", "cors", "delete", "lifecycle", "location", "logging", "partNumber", "policy",
        "requestPayment", "restore", "tagging", "torrent", "uploadId", "uploads", "versionId",
        "versioning", "versions", "website", "response-content-type", "response-expires"})
    EXPECT_TRUE(sigv2::IsSignedSubresource(name)) << name;
  for (std::string_view name : {"prefix", "marker", "max-keys", "delimiter", "Signature",
                                "Expires", "AWSAccessKeyId", "list-type", "ACL", "x-id"})
    EXPECT_FALSE(sigv2::IsSignedSubresource(name)) << name;
}

// ---------------------------------------------------------------------------
// The Authenticator with SigV2: a real AccountStore on a temporary data
// directory and a manual wall clock.

class SigV2AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-sigv2-test-" + std::to_string(std::random_device()()));
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    auto a = AccountStore::Open(*storage_);
    ASSERT_TRUE(a);
    accounts_ = std::move(*a);
    ASSERT_TRUE(accounts_->LoadJson(R"({"accounts": [{"id": "111122223333", "name": "john",
        "access_keys": [{"id": "AKIAIOSFODNN7EXAMPLE",
                         "secret": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}]}]})"));
    auth_ = std::make_unique<Authenticator>(*accounts_, clock_);
  }
  void TearDown() override {
    auth_.reset();
    accounts_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  // The documented Object GET, virtual-hosted on johnsmith.
  sigv4::HttpRequest ObjectGet(std::string authorization) {
    return Make("GET", "/photos/puppy.jpg",
                {{"Host", "johnsmith.s3.amazonaws.com"},
                 {"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
                 {"Authorization", std::move(authorization)}});
  }
  static std::string Detail(const Error& e, std::string_view name) {
    for (const auto& [k, v] : e.details)
      if (k == name) return v;
    return "<absent>";
  }

  std::filesystem::path dir_;
  // The documented examples' time: Tue, 27 Mar 2007 19:36:42 GMT.
  ManualClock clock_{std::chrono::system_clock::from_time_t(1175024202)};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<Authenticator> auth_;
};

TEST_F(SigV2AuthTest, AcceptsTheDocumentedHeaderSignature) {
  auto r = auth_->Authenticate(ObjectGet("AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="),
                               "johnsmith");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_EQ(r->principal.account_id, "111122223333");
  EXPECT_EQ(r->principal.access_key_id, kKeyId);
  EXPECT_EQ(r->service, "s3");
  EXPECT_EQ(r->region, "");
  EXPECT_FALSE(r->presigned);
  EXPECT_EQ(r->payload_mode, PayloadMode::kUnsigned);
  // The scheme is matched without case, as S3 matches it.
  EXPECT_TRUE(auth_->Authenticate(
      ObjectGet("aws AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="), "johnsmith"));
}

TEST_F(SigV2AuthTest, AWrongSignatureNamesTheStringToSign) {
  // The same request path-style signs "/photos/puppy.jpg", not the bucket:
  // the signature of the virtual-hosted form does not match it.
  auto r = auth_->Authenticate(ObjectGet("AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kSignatureDoesNotMatch);
  ASSERT_EQ(r.error().details.size(), 4u);
  EXPECT_EQ(r.error().details[0].first, "AWSAccessKeyId");
  EXPECT_EQ(r.error().details[0].second, kKeyId);
  EXPECT_EQ(r.error().details[1].first, "StringToSign");
  EXPECT_EQ(r.error().details[1].second,
            "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/photos/puppy.jpg");
  EXPECT_EQ(r.error().details[2].first, "SignatureProvided");
  EXPECT_EQ(r.error().details[2].second, "bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
  EXPECT_EQ(r.error().details[3].first, "StringToSignBytes");
  EXPECT_TRUE(r.error().details[3].second.starts_with("47 45 54 0a 0a 0a 54 75 65"));
}

TEST_F(SigV2AuthTest, RefusesMalformedHeadersUnknownKeysAndBadDates) {
  const struct {
    std::string name;
    sigv4::HttpRequest request;
    ErrorCode code;
    std::string message;
  } kCases[] = {
      {"two spaces", ObjectGet("AWS  AKIAIOSFODNN7EXAMPLE:sig"), ErrorCode::kInvalidArgument,
       "Authorization header is invalid -- one and only one ' ' (space) required"},
      {"no colon", ObjectGet("AWS AKIAIOSFODNN7EXAMPLE"), ErrorCode::kInvalidArgument,
       "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"},
      {"empty signature", ObjectGet("AWS AKIAIOSFODNN7EXAMPLE:"), ErrorCode::kInvalidArgument,
       "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"},
      {"two colons", ObjectGet("AWS AKIAIOSFODNN7EXAMPLE:a:b"), ErrorCode::kInvalidArgument,
       "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"},
      {"unknown key", ObjectGet("AWS AKIANOSUCHKEY:bWq2s1WEIj+Ydj0vQ697zp+IXMU="),
       ErrorCode::kInvalidAccessKeyId,
       "The AWS Access Key Id you provided does not exist in our records."},
      {"no date",
       Make("GET", "/photos/puppy.jpg",
            {{"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="}}),
       ErrorCode::kAccessDenied, "AWS authentication requires a valid Date or x-amz-date header"},
      // An x-amz-date is read whenever it is sent, even beside a good Date.
      {"unreadable x-amz-date",
       Make("GET", "/photos/puppy.jpg",
            {{"Date", "Tue, 27 Mar 2007 19:36:42 +0000"},
             {"x-amz-date", "soon"},
             {"Authorization", "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU="}}),
       ErrorCode::kAccessDenied, "AWS authentication requires a valid Date or x-amz-date header"},
  };
  for (const auto& c : kCases) {
    auto r = auth_->Authenticate(c.request, "johnsmith");
    ASSERT_FALSE(r) << c.name;
    EXPECT_EQ(r.error().code, c.code) << c.name;
    EXPECT_EQ(r.error().Message(), c.message) << c.name;
    if (c.code == ErrorCode::kInvalidArgument) {
      EXPECT_EQ(Detail(r.error(), "ArgumentName"), "Authorization") << c.name;
      EXPECT_EQ(Detail(r.error(), "ArgumentValue"), *FindHeader(c.request, "authorization"))
          << c.name;
    }
  }
  auto unknown = auth_->Authenticate(ObjectGet("AWS AKIANOSUCHKEY:x="), "johnsmith");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(Detail(unknown.error(), "AWSAccessKeyId"), "AKIANOSUCHKEY");
}

TEST_F(SigV2AuthTest, AClockMoreThanFifteenMinutesOffIsRequestTimeTooSkewed) {
  const std::string authz = "AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=";
  clock_.Advance(std::chrono::minutes(15));
  EXPECT_TRUE(auth_->Authenticate(ObjectGet(authz), "johnsmith"));
  clock_.Advance(std::chrono::seconds(1));
  auto r = auth_->Authenticate(ObjectGet(authz), "johnsmith");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kRequestTimeTooSkewed);
  EXPECT_EQ(Detail(r.error(), "RequestTime"), "Tue, 27 Mar 2007 19:36:42 +0000");
  EXPECT_EQ(Detail(r.error(), "ServerTime"), "2007-03-27T19:51:43Z");
  EXPECT_EQ(Detail(r.error(), "MaxAllowedSkewMilliseconds"), "900000");
}

TEST_F(SigV2AuthTest, QueryAuthenticationIsVerifiedUntilExpires) {
  // The documented query-string example; Expires is 1175139620.
  auto request = Make("GET",
                      "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&"
                      "Signature=NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D&Expires=1175139620",
                      {{"Host", "johnsmith.s3.amazonaws.com"}});
  auto r = auth_->Authenticate(request, "johnsmith");
  ASSERT_TRUE(r) << r.error().Message();
  EXPECT_TRUE(r->presigned);
  EXPECT_EQ(r->principal.access_key_id, kKeyId);

  // Any Date header is ignored, however far off.
  request.headers.push_back({"Date", "Mon, 01 Jan 2001 00:00:00 GMT"});
  EXPECT_TRUE(auth_->Authenticate(request, "johnsmith"));

  clock_.Advance(std::chrono::seconds(1175139620 - 1175024202));  // at Expires
  EXPECT_TRUE(auth_->Authenticate(request, "johnsmith"));
  clock_.Advance(std::chrono::seconds(1));
  auto expired = auth_->Authenticate(request, "johnsmith");
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, ErrorCode::kAccessDenied);
  EXPECT_EQ(expired.error().Message(), "Request has expired");
  ASSERT_EQ(expired.error().details.size(), 2u);
  EXPECT_EQ(expired.error().details[0].first, "Expires");
  EXPECT_EQ(expired.error().details[0].second, "2007-03-29T03:40:20Z");
  EXPECT_EQ(expired.error().details[1].first, "ServerTime");
  EXPECT_EQ(expired.error().details[1].second, "2007-03-29T03:40:21Z");
}

TEST_F(SigV2AuthTest, RefusesIncompleteAndMalformedQueries) {
  const struct {
    std::string query;
    ErrorCode code;
    std::string message;
  } kCases[] = {
      {"Signature=x&Expires=1175139620", ErrorCode::kAccessDenied,
       "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
       "parameters"},
      {"Signature=x&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE", ErrorCode::kAccessDenied,
       "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
       "parameters"},
      {"Signature=x&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=soon", ErrorCode::kAccessDenied,
       "Invalid date (should be seconds since epoch): soon"},
      {"Signature=x&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=2147483648",
       ErrorCode::kAccessDenied, "Invalid date (should be seconds since epoch): 2147483648"},
      {"Signature=x&AWSAccessKeyId=AKIANOSUCHKEY&Expires=2147483647",
       ErrorCode::kInvalidAccessKeyId,
       "The AWS Access Key Id you provided does not exist in our records."},
      {"Signature=x&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=-5", ErrorCode::kAccessDenied,
       "Request has expired"},
      {"Signature=x&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=2147483647",
       ErrorCode::kSignatureDoesNotMatch,
       "The request signature we calculated does not match the signature you provided. Check "
       "your key and signing method."},
      {"Signature=x&X-Amz-Algorithm=AWS4-HMAC-SHA256", ErrorCode::kInvalidArgument,
       "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
       "query string parameter or the Authorization header should be specified"},
  };
  for (const auto& c : kCases) {
    auto r = auth_->Authenticate(Make("GET", "/photos/puppy.jpg?" + c.query, {}), "johnsmith");
    ASSERT_FALSE(r) << c.query;
    EXPECT_EQ(r.error().code, c.code) << c.query;
    EXPECT_EQ(r.error().Message(), c.message) << c.query;
  }
  // An AWSAccessKeyId with no Signature is no signature: anonymous.
  auto anonymous =
      auth_->Authenticate(Make("GET", "/photos/puppy.jpg?AWSAccessKeyId=AKIANOSUCHKEY", {}));
  ASSERT_TRUE(anonymous);
  EXPECT_TRUE(anonymous->principal.anonymous());
}

TEST_F(SigV2AuthTest, AHeaderBesideAQuerySignatureIsRefused) {
  auto request = ObjectGet("AWS AKIAIOSFODNN7EXAMPLE:bWq2s1WEIj+Ydj0vQ697zp+IXMU=");
  request.query = "Signature=x";
  auto r = auth_->Authenticate(request, "johnsmith");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Detail(r.error(), "ArgumentName"), "Authorization");
}

}  // namespace
}  // namespace awslab::auth
