#include "client/include/awslab/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "client/include/awslab/crypto.h"

namespace awslab::sigv4 {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// ---------------------------------------------------------------------------
// The AWS SigV4 test suite (../shared/fixtures/sigv4-test-suite).

fs::path SuiteDir() { return fs::path(AWSLAB_SHARED_DIR) / "fixtures" / "sigv4-test-suite"; }

// Stands in for the case list when the fixtures are absent, so that the
// suite reports one clear skip instead of silently running nothing.
constexpr char kMissingSuite[] = "fixtures_missing";

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(SuiteDir(), ec)) {
    if (entry.is_directory() && fs::exists(entry.path() / "context.json")) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  if (names.empty()) names.push_back(kMissingSuite);
  return names;
}

std::optional<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct ParsedRequest {
  HttpRequest request;
  std::string body;
};

// Parses the suite's raw HTTP/1.1 text: a request line whose target may hold
// spaces ("GET /example space/ HTTP/1.1"), "Name:value" lines with obs-fold
// continuation lines (leading whitespace) kept in the value after a '\n',
// then an optional blank line and body.
std::optional<ParsedRequest> ParseRequestText(std::string_view text) {
  ParsedRequest out;
  std::size_t pos = 0;
  auto next_line = [&](std::string_view* line) {
    if (pos >= text.size()) return false;
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    *line = text.substr(pos, end - pos);
    if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    return true;
  };

  std::string_view line;
  if (!next_line(&line)) return std::nullopt;
  std::size_t first_space = line.find(' ');
  std::size_t last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || last_space <= first_space) return std::nullopt;
  out.request.method = std::string(line.substr(0, first_space));
  std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  std::size_t q = target.find('?');
  out.request.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) out.request.query = std::string(target.substr(q + 1));

  while (next_line(&line)) {
    if (line.empty()) {
      out.body = std::string(text.substr(pos));
      break;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (out.request.headers.empty()) return std::nullopt;
      out.request.headers.back().value += '\n';
      out.request.headers.back().value += line;
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    out.request.headers.push_back(
        {std::string(line.substr(0, colon)), std::string(line.substr(colon + 1))});
  }
  return out;
}

struct SuiteContext {
  Credentials credentials;
  bool omit_session_token = false;
  std::chrono::seconds expiration{0};
  bool normalize = true;
  bool sign_body = false;
  std::string region;
  std::string service;
  std::chrono::system_clock::time_point time;
};

std::optional<SuiteContext> ParseContext(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::object& o = v.as_object();
  SuiteContext c;
  const json::object& creds = o.at("credentials").as_object();
  c.credentials.access_key_id = json::value_to<std::string>(creds.at("access_key_id"));
  c.credentials.secret_access_key = json::value_to<std::string>(creds.at("secret_access_key"));
  if (const json::value* t = creds.if_contains("token")) {
    c.credentials.session_token = json::value_to<std::string>(*t);
  }
  if (const json::value* omit = o.if_contains("omit_session_token")) {
    c.omit_session_token = omit->as_bool();
  }
  c.expiration = std::chrono::seconds(o.at("expiration_in_seconds").to_number<std::int64_t>());
  c.normalize = o.at("normalize").as_bool();
  c.sign_body = o.at("sign_body").as_bool();
  c.region = json::value_to<std::string>(o.at("region"));
  c.service = json::value_to<std::string>(o.at("service"));
  // "2015-08-30T12:36:00Z" is the extended form of an X-Amz-Date.
  std::string ts = json::value_to<std::string>(o.at("timestamp"));
  ts.erase(std::remove_if(ts.begin(), ts.end(), [](char ch) { return ch == '-' || ch == ':'; }),
           ts.end());
  auto time = ParseAmzDate(ts);
  if (!time) return std::nullopt;
  c.time = *time;
  return c;
}

struct SuiteCase {
  SuiteContext context;
  ParsedRequest request;
  fs::path dir;

  std::string Expected(const char* file) const {
    auto text = ReadFile(dir / file);
    EXPECT_TRUE(text.has_value()) << "missing " << (dir / file);
    return text.value_or("");
  }
  // sign_body: the payload hash is that of the body (and the header form
  // sends it as x-amz-content-sha256); otherwise the empty-string hash.
  SignOptions Options() const {
    SignOptions o;
    o.time = context.time;
    o.region = context.region;
    o.service = context.service;
    o.normalize_path = context.normalize;
    o.payload_hash =
        context.sign_body ? crypto::Sha256Hex(request.body) : std::string(kEmptySha256);
    return o;
  }
  // The credentials given to the signer: a token the case adds only after
  // signing (omit_session_token) must not be signed.
  Credentials SigningCredentials() const {
    Credentials c = context.credentials;
    if (context.omit_session_token) c.session_token.clear();
    return c;
  }
  bool AddsTokenAfterSigning() const {
    return context.omit_session_token && !context.credentials.session_token.empty();
  }
};

std::optional<SuiteCase> LoadCase(const std::string& name) {
  SuiteCase c;
  c.dir = SuiteDir() / name;
  auto context_text = ReadFile(c.dir / "context.json");
  auto request_text = ReadFile(c.dir / "request.txt");
  if (!context_text || !request_text) return std::nullopt;
  auto context = ParseContext(*context_text);
  auto request = ParseRequestText(*request_text);
  if (!context || !request) return std::nullopt;
  c.context = std::move(*context);
  c.request = std::move(*request);
  return c;
}

std::vector<std::pair<std::string, std::string>> HeaderPairs(const std::vector<Header>& headers) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Header& h : headers) out.emplace_back(h.name, h.value);
  return out;
}

std::optional<std::string> HeaderValue(const HttpRequest& r, std::string_view name) {
  for (const Header& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return std::nullopt;
}

std::vector<std::string> QueryParts(std::string_view query) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t amp = query.find('&', start);
    std::size_t end = amp == std::string_view::npos ? query.size() : amp;
    if (end > start) parts.emplace_back(query.substr(start, end - start));
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  std::sort(parts.begin(), parts.end());
  return parts;
}

// The decoded value of the first parameter `name` of a raw query.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  for (const std::string& part : QueryParts(query)) {
    std::size_t eq = part.find('=');
    if (std::string_view(part).substr(0, eq) == name) {
      return eq == std::string::npos ? std::string() : UriDecode(part.substr(eq + 1));
    }
  }
  return std::nullopt;
}

std::vector<std::string> SplitSemicolons(std::string_view s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    std::size_t semi = s.find(';', start);
    out.emplace_back(s.substr(start, semi == std::string_view::npos ? s.npos : semi - start));
    if (semi == std::string_view::npos) return out;
    start = semi + 1;
  }
}

class SigV4Suite : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == kMissingSuite) {
      GTEST_SKIP() << "SigV4 test suite not found at " << SuiteDir()
                   << " (set AWSLAB_SHARED_DIR to the shared/ folder holding "
                      "fixtures/sigv4-test-suite)";
    }
    auto loaded = LoadCase(GetParam());
    ASSERT_TRUE(loaded.has_value()) << "cannot load case " << GetParam();
    case_ = std::move(*loaded);
  }

  SuiteCase case_;
};

TEST_P(SigV4Suite, HeaderFormMatchesCanonicalRequestStringToSignAndSignature) {
  HttpRequest request = case_.request.request;
  SignOptions options = case_.Options();
  options.add_content_sha256_header = case_.context.sign_body;
  const std::string signature = SignRequest(request, case_.SigningCredentials(), options);
  if (case_.AddsTokenAfterSigning()) {
    // Added unsigned, where the expected request has it: before X-Amz-Date.
    auto date = std::find_if(request.headers.begin(), request.headers.end(),
                             [](const Header& h) { return h.name == "X-Amz-Date"; });
    request.headers.insert(date, {"X-Amz-Security-Token", case_.context.credentials.session_token});
  }

  EXPECT_EQ(signature, case_.Expected("header-signature.txt"));

  auto expected = ParseRequestText(case_.Expected("header-signed-request.txt"));
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(request.method, expected->request.method);
  EXPECT_EQ(request.path, expected->request.path);
  EXPECT_EQ(request.query, expected->request.query);
  EXPECT_EQ(HeaderPairs(request.headers), HeaderPairs(expected->request.headers));
  EXPECT_EQ(case_.request.body, expected->body);

  // Verify the signed request as the emulator does: from what it carries.
  auto authorization = HeaderValue(request, "Authorization");
  ASSERT_TRUE(authorization.has_value());
  auto parsed = ParseAuthorization(*authorization);
  ASSERT_TRUE(parsed.has_value()) << *authorization;
  EXPECT_EQ(parsed->access_key_id, case_.context.credentials.access_key_id);
  EXPECT_EQ(parsed->signature, signature);
  auto amz_date = HeaderValue(request, "X-Amz-Date");
  ASSERT_TRUE(amz_date.has_value());

  const std::string canonical = CanonicalRequest(request, parsed->signed_headers,
                                                 options.payload_hash, case_.context.normalize);
  EXPECT_EQ(canonical, case_.Expected("header-canonical-request.txt"));
  const std::string string_to_sign = StringToSign(*amz_date, parsed->scope, canonical);
  EXPECT_EQ(string_to_sign, case_.Expected("header-string-to-sign.txt"));
  EXPECT_EQ(Signature(SigningKey(case_.context.credentials.secret_access_key, parsed->scope),
                      string_to_sign),
            case_.Expected("header-signature.txt"));
}

// Every case of the suite has a query form (checked: each folder holds the
// four query-*.txt files), so none is skipped here.
TEST_P(SigV4Suite, QueryFormMatchesCanonicalRequestStringToSignAndSignature) {
  HttpRequest request = case_.request.request;
  const SignOptions options = case_.Options();
  const std::string signature =
      PresignRequest(request, case_.SigningCredentials(), options, case_.context.expiration);
  std::vector<std::string_view> exclude = {"X-Amz-Signature"};
  if (case_.AddsTokenAfterSigning()) {
    request.query += "&X-Amz-Security-Token=";
    request.query += UriEncode(case_.context.credentials.session_token, true);
    exclude.push_back("X-Amz-Security-Token");
  }

  EXPECT_EQ(signature, case_.Expected("query-signature.txt"));

  // Only the set of parameters is compared: the canonical query is sorted,
  // so their order does not change the signature.
  auto expected = ParseRequestText(case_.Expected("query-signed-request.txt"));
  ASSERT_TRUE(expected.has_value());
  EXPECT_EQ(request.method, expected->request.method);
  EXPECT_EQ(request.path, expected->request.path);
  EXPECT_EQ(QueryParts(request.query), QueryParts(expected->request.query));
  EXPECT_EQ(HeaderPairs(request.headers), HeaderPairs(expected->request.headers));
  EXPECT_EQ(QueryParam(request.query, "X-Amz-Signature"), signature);

  // Verify from the presigned URL alone.
  auto credential = QueryParam(request.query, "X-Amz-Credential");
  auto amz_date = QueryParam(request.query, "X-Amz-Date");
  auto signed_headers = QueryParam(request.query, "X-Amz-SignedHeaders");
  ASSERT_TRUE(credential && amz_date && signed_headers);
  auto parsed_credential = ParseCredential(*credential);
  ASSERT_TRUE(parsed_credential.has_value()) << *credential;
  const Scope& scope = parsed_credential->second;

  const std::string canonical =
      CanonicalRequest(request, SplitSemicolons(*signed_headers), options.payload_hash,
                       case_.context.normalize, exclude);
  EXPECT_EQ(canonical, case_.Expected("query-canonical-request.txt"));
  const std::string string_to_sign = StringToSign(*amz_date, scope, canonical);
  EXPECT_EQ(string_to_sign, case_.Expected("query-string-to-sign.txt"));
  EXPECT_EQ(Signature(SigningKey(case_.context.credentials.secret_access_key, scope),
                      string_to_sign),
            case_.Expected("query-signature.txt"));
}

INSTANTIATE_TEST_SUITE_P(Fixtures, SigV4Suite, testing::ValuesIn(CaseNames()),
                         [](const testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// ---------------------------------------------------------------------------
// Streaming (aws-chunked) signatures: the example of
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html

TEST(SigV4Chunked, MatchesAwsDocumentedExample) {
  const Credentials credentials{"AKIAIOSFODNN7EXAMPLE",
                                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  HttpRequest request;
  request.method = "PUT";
  request.path = "/examplebucket/chunkObject.txt";
  request.headers = {{"Host", "s3.amazonaws.com"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                     {"Content-Encoding", "aws-chunked"},
                     {"x-amz-decoded-content-length", "66560"},
                     {"Content-Length", "66824"}};
  SignOptions options;
  options.time = *ParseAmzDate("20130524T000000Z");
  options.region = "us-east-1";
  options.service = "s3";
  options.normalize_path = false;
  options.payload_hash = std::string(kStreamingSignedPayload);
  options.add_content_sha256_header = true;

  const std::string seed = SignRequest(request, credentials, options);
  EXPECT_EQ(seed, "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");
  EXPECT_EQ(HeaderValue(request, "Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
            "x-amz-decoded-content-length;x-amz-storage-class, "
            "Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9");

  const Scope scope{"20130524", "us-east-1", "s3"};
  const crypto::Sha256Digest key = SigningKey(credentials.secret_access_key, scope);
  struct Chunk {
    std::size_t size;
    const char* signature;
  };
  const Chunk chunks[] = {
      {65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"},
      {1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"},
      {0, "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"},
  };
  std::string previous = seed;
  for (const Chunk& chunk : chunks) {
    const std::string sts = ChunkStringToSign("20130524T000000Z", scope, previous,
                                              crypto::Sha256Hex(std::string(chunk.size, 'a')));
    const std::string signature = Signature(key, sts);
    EXPECT_EQ(signature, chunk.signature) << "chunk of " << chunk.size << " bytes";
    previous = signature;
  }
}

TEST(SigV4Chunked, StringsToSignHaveTheDocumentedLayout) {
  const Scope scope{"20130524", "us-east-1", "s3"};
  EXPECT_EQ(ChunkStringToSign("20130524T000000Z", scope, "prev", "abc"),
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "prev\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nabc");
  EXPECT_EQ(TrailerStringToSign("20130524T000000Z", scope, "prev", "def"),
            "AWS4-HMAC-SHA256-TRAILER\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "prev\ndef");
}

// ---------------------------------------------------------------------------
// Authorization header and credential parsing.

TEST(SigV4ParseAuthorization, AcceptsWithAndWithoutSpacesAfterCommas) {
  for (std::string_view header : {
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host;x-amz-date, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request,"
           "SignedHeaders=host;x-amz-date,Signature=abcd",
           "AWS4-HMAC-SHA256 SignedHeaders=host;x-amz-date, Signature=abcd, "
           "Credential=AKID/20150830/us-east-1/s3/aws4_request",
       }) {
    auto parsed = ParseAuthorization(header);
    ASSERT_TRUE(parsed.has_value()) << header;
    EXPECT_EQ(parsed->access_key_id, "AKID");
    EXPECT_EQ(parsed->scope.date, "20150830");
    EXPECT_EQ(parsed->scope.region, "us-east-1");
    EXPECT_EQ(parsed->scope.service, "s3");
    EXPECT_EQ(parsed->signed_headers, (std::vector<std::string>{"host", "x-amz-date"}));
    EXPECT_EQ(parsed->signature, "abcd");
  }
}

TEST(SigV4ParseAuthorization, RejectsMalformedHeaders) {
  for (std::string_view header : {
           "",
           "AWS4-HMAC-SHA256",
           "AWS4-HMAC-SHA256 ",
           "AWS AKID:signature",
           "AWS4-HMAC-SHA512 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd",
           "AWS4-HMAC-SHA256Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd",
           // A part missing.
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, Signature=abcd",
           "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=abcd",
           // A part repeated, unknown, empty or misspelt.
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd, Extra=1",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=",
           "AWS4-HMAC-SHA256 credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=xyz",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request, "
           "SignedHeaders=host;;x-amz-date, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request "
           "SignedHeaders=host Signature=abcd",
           // Credentials not of exactly five parts ending in aws4_request.
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3, "
           "SignedHeaders=host, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request/x, "
           "SignedHeaders=host, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws5_request, "
           "SignedHeaders=host, Signature=abcd",
           "AWS4-HMAC-SHA256 Credential=AKID/2015-08-30/us-east-1/s3/aws4_request, "
           "SignedHeaders=host, Signature=abcd",
       }) {
    EXPECT_FALSE(ParseAuthorization(header).has_value()) << header;
  }
}

TEST(SigV4ParseCredential, SplitsKeyAndScope) {
  auto parsed = ParseCredential("AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "AKIDEXAMPLE");
  EXPECT_EQ(parsed->second.ToString(), "20150830/us-east-1/iam/aws4_request");
  for (std::string_view bad : {"", "AKID", "AKID/20150830/us-east-1/iam",
                               "/20150830/us-east-1/iam/aws4_request",
                               "AKID/20150830//iam/aws4_request",
                               "AKID/20150830/us-east-1/iam/aws4_request/",
                               "AKID/2015083/us-east-1/iam/aws4_request"}) {
    EXPECT_FALSE(ParseCredential(bad).has_value()) << bad;
  }
}

// ---------------------------------------------------------------------------
// Dates.

TEST(SigV4AmzDate, FormatsAndParsesUtc) {
  auto t = ParseAmzDate("20150830T123600Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(),
            1440938160);
  EXPECT_EQ(AmzDate(*t), "20150830T123600Z");
  // Sub-second parts are dropped, not rounded.
  EXPECT_EQ(AmzDate(*t + std::chrono::milliseconds(999)), "20150830T123600Z");
  EXPECT_EQ(AmzDate(std::chrono::system_clock::time_point()), "19700101T000000Z");
  EXPECT_EQ(AmzDate(*ParseAmzDate("20240229T235959Z")), "20240229T235959Z");
}

TEST(SigV4AmzDate, RejectsMalformedDates) {
  for (std::string_view bad : {"", "20150830T123600", "2015-08-30T12:36:00Z", "20150830t123600Z",
                               "20150830T123600Z ", "2015083OT123600Z", "20150230T000000Z",
                               "20151301T000000Z", "20150830T243600Z", "20150830T126000Z",
                               "20150830T123660Z", "+0150830T123600Z"}) {
    EXPECT_FALSE(ParseAmzDate(bad).has_value()) << bad;
  }
}

// ---------------------------------------------------------------------------
// Encoding and canonical forms.

TEST(SigV4UriEncode, EncodesAllButUnreservedBytes) {
  struct Case {
    std::string_view in;
    bool encode_slash;
    std::string_view out;
  };
  const Case cases[] = {
      {"", true, ""},
      {"AZaz09-_.~", true, "AZaz09-_.~"},
      {"a b", true, "a%20b"},
      {"a+b", true, "a%2Bb"},
      {"*", true, "%2A"},
      {"!'()", true, "%21%27%28%29"},
      {"=&?#", true, "%3D%26%3F%23"},
      {"%", true, "%25"},
      {"%20", true, "%2520"},
      {"/a/b", true, "%2Fa%2Fb"},
      {"/a/b", false, "/a/b"},
      {"\xe1\x88\xb4", true, "%E1%88%B4"},
      {std::string_view("\0\x7f\xff", 3), true, "%00%7F%FF"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(UriEncode(c.in, c.encode_slash), c.out) << c.in;
  }
}

TEST(SigV4UriDecode, DecodesEscapesAndKeepsEverythingElse) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"a%20b", "a b"},
      {"a+b", "a+b"},
      {"%E1%88%B4", "\xe1\x88\xb4"},
      {"%2f%2F", "//"},
      {"%7e", "~"},
      {"%zz", "%zz"},
      {"%4", "%4"},
      {"%", "%"},
      {"100%", "100%"},
      {"%%41", "%A"},
      {"%00", std::string_view("\0", 1)},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(UriDecode(c.in), c.out) << c.in;
  }
}

TEST(SigV4CanonicalQuery, DecodesReencodesAndSorts) {
  struct Case {
    std::string_view in, out;
  };
  const Case cases[] = {
      {"", ""},
      {"b=2&a=1", "a=1&b=2"},
      {"a=2&a=1", "a=1&a=2"},
      {"a", "a="},
      {"a=", "a="},
      {"a=1&&b=2&", "a=1&b=2"},
      {"&", ""},
      {"a=b=c", "a=b%3Dc"},
      {"my key=a b", "my%20key=a%20b"},
      {"my%20key=a%20b", "my%20key=a%20b"},
      {"a+b=c+d", "a%2Bb=c%2Bd"},
      {"k=%7E%2a", "k=~%2A"},
      {"k=~*", "k=~%2A"},
      {"k=a/b", "k=a%2Fb"},
      {"k=a%2fb", "k=a%2Fb"},
      {"\xe1\x88\xb4=bar", "%E1%88%B4=bar"},
      {"Z=2&%E1%88%B4=1", "%E1%88%B4=1&Z=2"},
      // Sorted by name first: "Param" before "Param-3" although '-' < '='.
      {"Param-3=x&Param=y", "Param=y&Param-3=x"},
      // Byte order, so upper case before lower case.
      {"b=1&B=2&a=3", "B=2&a=3&b=1"},
      {"prefix&list-type=2&delimiter=%2F", "delimiter=%2F&list-type=2&prefix="},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CanonicalQuery(c.in), c.out) << c.in;
  }
}

TEST(SigV4CanonicalQuery, DropsExcludedParametersByDecodedName) {
  EXPECT_EQ(CanonicalQuery("X-Amz-Signature=abc&a=1", {"X-Amz-Signature"}), "a=1");
  EXPECT_EQ(CanonicalQuery("X%2DAmz-Signature=abc&a=1", {"X-Amz-Signature"}), "a=1");
  EXPECT_EQ(CanonicalQuery("x-amz-signature=abc&a=1", {"X-Amz-Signature"}),
            "a=1&x-amz-signature=abc");
  EXPECT_EQ(CanonicalQuery("a=1&b=2&c=3", {"a", "c"}), "b=2");
}

TEST(SigV4CanonicalUri, NormalizesOnlyWhenAsked) {
  struct Case {
    std::string_view in;
    bool normalize;
    std::string_view out;
  };
  const Case cases[] = {
      {"", true, "/"},
      {"/", true, "/"},
      {"//", true, "/"},
      {"/./", true, "/"},
      {"/../..", true, "/"},
      {"/a/b/../c", true, "/a/c"},
      {"/a/./b/", true, "/a/b/"},
      {"//a//b//", true, "/a/b/"},
      {"/a/.", true, "/a"},
      {"/a%20b", true, "/a%2520b"},
      {"/a b/", true, "/a%20b/"},
      {"/\xe1\x88\xb4", true, "/%E1%88%B4"},
      {"/a%2Fb", true, "/a%252Fb"},
      {"", false, "/"},
      {"/", false, "/"},
      {"//a//", false, "//a//"},
      {"/./a/../b", false, "/./a/../b"},
      {"/a%20b", false, "/a%20b"},
      {"/a b", false, "/a%20b"},
      {"/a%2Fb", false, "/a%2Fb"},
      {"/%7E%41", false, "/~A"},
      {"/a+b*c", false, "/a%2Bb%2Ac"},
      {"/bucket/\xe1\x88\xb4.txt", false, "/bucket/%E1%88%B4.txt"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(CanonicalUri(c.in, c.normalize), c.out) << c.in << " normalize=" << c.normalize;
  }
}

TEST(SigV4CanonicalHeaders, TrimsCollapsesAndJoins) {
  const std::vector<Header> headers = {
      {"Host", "example.com"},
      {"X-Multi", " a "},
      {"x-multi", "b\t\tc"},
      {"X-Folded", "one\r\n   two\n\tthree  "},
      {"X-Quoted", "\"a   b\""},
  };
  EXPECT_EQ(CanonicalHeaders(headers, {"host", "x-absent", "x-folded", "x-multi", "x-quoted"}),
            "host:example.com\nx-absent:\nx-folded:one two three\nx-multi:a,b c\n"
            "x-quoted:\"a b\"\n");
  EXPECT_EQ(CanonicalHeaders(headers, {}), "");
}

// ---------------------------------------------------------------------------
// Signing.

TEST(SigV4SignRequest, RequiresHostHeader) {
  HttpRequest request{"GET", "/", "", {{"X-Other", "1"}}};
  const HttpRequest before = request;
  SignOptions options;
  options.time = *ParseAmzDate("20150830T123600Z");
  options.region = "us-east-1";
  options.service = "service";
  EXPECT_EQ(SignRequest(request, {"AKID", "secret", ""}, options), "");
  EXPECT_EQ(HeaderPairs(request.headers), HeaderPairs(before.headers));
  EXPECT_EQ(PresignRequest(request, {"AKID", "secret", ""}, options, std::chrono::seconds(60)),
            "");
  EXPECT_EQ(request.query, "");
}

TEST(SigV4SignRequest, ResigningReplacesPreviousSignature) {
  HttpRequest request{"GET", "/", "", {{"Host", "example.amazonaws.com"}}};
  SignOptions options;
  options.time = *ParseAmzDate("20150830T123600Z");
  options.region = "us-east-1";
  options.service = "service";
  const Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
  const std::string first = SignRequest(request, credentials, options);
  const std::string second = SignRequest(request, credentials, options);
  // get-vanilla of the suite.
  EXPECT_EQ(first, "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(second, first);
  EXPECT_EQ(request.headers.size(), 3u);
}

TEST(SigV4SignRequest, SkipsUnsignedHeadersAndAddsS3Headers) {
  HttpRequest request{"PUT",
                      "/bucket/my key",
                      "uploads",
                      {{"Host", "localhost:4566"},
                       {"User-Agent", "test"},
                       {"Expect", "100-continue"},
                       {"Content-Length", "0"}}};
  SignOptions options;
  options.time = *ParseAmzDate("20240102T030405Z");
  options.region = "eu-west-1";
  options.service = "s3";
  options.normalize_path = false;
  options.payload_hash = std::string(kUnsignedPayload);
  options.add_content_sha256_header = true;
  const Credentials credentials{"AKID", "SECRET", "TOKEN"};
  const std::string signature = SignRequest(request, credentials, options);

  auto parsed = ParseAuthorization(*HeaderValue(request, "Authorization"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->signed_headers,
            (std::vector<std::string>{"content-length", "host", "x-amz-content-sha256",
                                      "x-amz-date", "x-amz-security-token"}));
  EXPECT_EQ(HeaderValue(request, "x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_EQ(HeaderValue(request, "X-Amz-Security-Token"), "TOKEN");
  EXPECT_EQ(parsed->scope.ToString(), "20240102/eu-west-1/s3/aws4_request");

  const std::string canonical =
      CanonicalRequest(request, parsed->signed_headers, kUnsignedPayload, false);
  EXPECT_EQ(canonical,
            "PUT\n/bucket/my%20key\nuploads=\ncontent-length:0\nhost:localhost:4566\n"
            "x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20240102T030405Z\n"
            "x-amz-security-token:TOKEN\n\n"
            "content-length;host;x-amz-content-sha256;x-amz-date;x-amz-security-token\n"
            "UNSIGNED-PAYLOAD");
  EXPECT_EQ(Signature(SigningKey("SECRET", parsed->scope),
                      StringToSign("20240102T030405Z", parsed->scope, canonical)),
            signature);
}

TEST(SigV4PresignRequest, AppendsParametersInOrderAndVerifies) {
  HttpRequest request{"GET", "/bucket/key", "versionId=3", {{"Host", "localhost"}}};
  SignOptions options;
  options.time = *ParseAmzDate("20240102T030405Z");
  options.region = "us-east-1";
  options.service = "s3";
  options.normalize_path = false;
  options.payload_hash = std::string(kUnsignedPayload);
  const std::string signature = PresignRequest(request, {"AKID", "SECRET", "a/b+c="}, options,
                                               std::chrono::seconds(900));
  EXPECT_EQ(request.query,
            "versionId=3&X-Amz-Algorithm=AWS4-HMAC-SHA256"
            "&X-Amz-Credential=AKID%2F20240102%2Fus-east-1%2Fs3%2Faws4_request"
            "&X-Amz-Date=20240102T030405Z&X-Amz-SignedHeaders=host&X-Amz-Expires=900"
            "&X-Amz-Security-Token=a%2Fb%2Bc%3D&X-Amz-Signature=" +
                signature);
  const Scope scope{"20240102", "us-east-1", "s3"};
  const std::string canonical =
      CanonicalRequest(request, {"host"}, kUnsignedPayload, false, {"X-Amz-Signature"});
  EXPECT_EQ(Signature(SigningKey("SECRET", scope),
                      StringToSign("20240102T030405Z", scope, canonical)),
            signature);
}

}  // namespace
}  // namespace awslab::sigv4
