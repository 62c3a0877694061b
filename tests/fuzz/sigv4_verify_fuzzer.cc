// The Authenticator (emulator/auth/authenticator.h) on requests an attacker
// makes: SigV4 in the Authorization header, over the body (EC2's Query API),
// presigned, and SigV2 in the header and in the query, over an AccountStore
// with known keys and a fixed clock.
//
// Input: a control line, then a request in the AWS SigV4 test suite's form
// (see sigv4_fuzzer.cc):
//   <mode> <service> <mutation> <a> <b> <c>
//   GET /key?acl HTTP/1.1
//   Host:bucket.s3.amazonaws.com
//
//   body
// mode: raw (the request as given, checked as is), header (S3's, with
//   x-amz-content-sha256; for another service it is body), body (the body's
//   hash signed, as EC2's Query API), presign, v2header, v2query (signed
//   first with the client's signer / SigV2);
// service: the credential scope's service (s3, ec2, iam, ...);
// mutation: what is done to the signed request before it is verified:
//   none, flip (XOR byte b of component a with c), insert, erase, drop
//   (header a), dup (header a), addheader, addparam, permute (the query's
//   parameters), case (of every header name), reencode (one unreserved
//   character of the query or path as %XX), body (flip a body byte);
//   components: 0 method, 1 path, 2 query, 3 body, 4+2i header i's name,
//   5+2i its value. Unknown words and numbers select by their hash.
//
// What it checks besides memory safety:
// - a request the client's signer signed (SigV2: signed as boto 2 signs) is
//   accepted, as the key's account, with the scope's service and region, and
//   the payload mode its x-amz-content-sha256 names (the chunk signing of a
//   streaming upload seeded with its signature and signing key);
// - a mutated request is accepted only as anonymous or as the same principal
//   with the same payload mode, and only when what the server makes of it is
//   the same: method, path (decoded for S3, dot-segment-normalized for the
//   other services, as sent for SigV2), query parameters as the server
//   decodes them (but see kPlusIsSpace), the signed headers' values (SigV2:
//   Date, Content-MD5, Content-Type, x-amz-*), the body when it is signed;
// - mutations that change nothing the server reads (the query's order, the
//   case of header names, %XX for an unreserved character) are accepted;
// - every refusal is one of the errors authenticator.h names, a 4xx.
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/fuzz/request_text.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/auth/sigv2.h"
#include "emulator/base/clock.h"
#include "emulator/storage/storage.h"

namespace sigv4 = awslab::sigv4;
namespace auth = awslab::auth;
using awslab::ErrorCode;

namespace {

constexpr std::string_view kKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAccountId = "111122223333";
// 2015-08-30T12:36:00Z, the test suite's time.
const awslab::TimePoint kNow = std::chrono::system_clock::from_time_t(1440938160);


[[noreturn]] void Fail(const char* what, std::string_view a = {}, std::string_view b = {}) {
  std::fprintf(stderr, "sigv4_verify_fuzzer: property violated: %s\n  a: [%.*s]\n  b: [%.*s]\n",
               what, static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

// One AccountStore over LevelDB's in-memory Env, opened once.
struct World {
  std::filesystem::path dir;
  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<awslab::storage::Storage> storage;
  std::unique_ptr<auth::AccountStore> accounts;
  awslab::ManualClock clock{kNow};
  std::unique_ptr<auth::Authenticator> authenticator;

  World() {
    dir = std::filesystem::temp_directory_path() /
          ("awslab-fuzz-sigv4-verify-" + std::to_string(std::random_device()()));
    env.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    auto s = awslab::storage::Storage::Open({dir, false, env.get()});
    if (!s) Fail("cannot open the storage");
    storage = std::move(*s);
    auto a = auth::AccountStore::Open(*storage);
    if (!a) Fail("cannot open the account store");
    accounts = std::move(*a);
    std::string json = R"({"accounts": [{"id": ")" + std::string(kAccountId) +
                       R"(", "name": "john", "access_keys": [{"id": ")" + std::string(kKeyId) +
                       R"(", "secret": ")" + std::string(kSecret) + R"("}]}]})";
    if (!accounts->LoadJson(json)) Fail("cannot load the accounts");
    authenticator = std::make_unique<auth::Authenticator>(*accounts, clock);
  }
  ~World() {
    authenticator.reset();
    accounts.reset();
    storage.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& TheWorld() {
  static World world;
  return world;
}

// ---------------------------------------------------------------------------
// Input.

enum class Mode { kRaw, kHeader, kBody, kPresign, kV2Header, kV2Query };
enum class Mutation {
  kNone, kFlip, kInsert, kErase, kDrop, kDup, kAddHeader, kAddParam, kPermute, kCase,
  kReencode, kBody,
};

std::uint32_t Hash(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::uint32_t Number(std::string_view s) {
  if (s.empty()) return 0;
  std::uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Hash(s);
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  return v;
}

template <class T, std::size_t N>
T Pick(std::string_view word, const std::pair<std::string_view, T> (&table)[N]) {
  for (const auto& [name, value] : table)
    if (word == name) return value;
  return table[Hash(word) % N].second;
}

struct Control {
  Mode mode = Mode::kRaw;
  std::string service = "s3";
  Mutation mutation = Mutation::kNone;
  std::uint32_t a = 0, b = 0, c = 0;
};

std::vector<std::string_view> Words(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) break;
    std::size_t sp = line.find(' ');
    out.push_back(line.substr(0, sp));
    line = sp == line.npos ? std::string_view() : line.substr(sp);
  }
  return out;
}

Control ParseControl(std::string_view line) {
  static constexpr std::pair<std::string_view, Mode> kModes[] = {
      {"raw", Mode::kRaw},         {"header", Mode::kHeader},     {"body", Mode::kBody},
      {"presign", Mode::kPresign}, {"v2header", Mode::kV2Header}, {"v2query", Mode::kV2Query}};
  static constexpr std::pair<std::string_view, Mutation> kMutations[] = {
      {"none", Mutation::kNone},         {"flip", Mutation::kFlip},
      {"insert", Mutation::kInsert},     {"erase", Mutation::kErase},
      {"drop", Mutation::kDrop},         {"dup", Mutation::kDup},
      {"addheader", Mutation::kAddHeader}, {"addparam", Mutation::kAddParam},
      {"permute", Mutation::kPermute},   {"case", Mutation::kCase},
      {"reencode", Mutation::kReencode}, {"body", Mutation::kBody}};
  static constexpr std::pair<std::string_view, std::string_view> kServices[] = {
      {"s3", "s3"}, {"ec2", "ec2"}, {"iam", "iam"}, {"sts", "sts"}, {"ce", "ce"}};
  std::vector<std::string_view> w = Words(line);
  w.resize(6);
  Control c;
  c.mode = Pick(w[0], kModes);
  c.service = std::string(Pick(w[1], kServices));
  c.mutation = Pick(w[2], kMutations);
  c.a = Number(w[3]);
  c.b = Number(w[4]);
  c.c = Number(w[5]);
  return c;
}

// A request in the SigV4 suite's request.txt form (request_text.h).
using Input = awslab::fuzz::RequestText;
using awslab::fuzz::ParseRequestText;

// ---------------------------------------------------------------------------
// Helpers.

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}
bool IEq(std::string_view a, std::string_view b) { return LowerString(a) == LowerString(b); }
bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!IsUnreserved(c) && std::string_view("!#$%&'*+^`|").find(c) == std::string_view::npos)
      return false;
  return true;
}
bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// What an HTTP parser can hand over: token method and names, an origin-form
// target with no blanks or controls, values with no line break but an
// obs-fold.
bool WirePossible(const sigv4::HttpRequest& r) {
  if (!IsToken(r.method)) return false;
  for (std::string_view s : {std::string_view(r.path), std::string_view(r.query)})
    for (unsigned char c : s)
      if (c <= 0x20 || c == 0x7f || c == '#') return false;
  // The net layer refuses a target that is not origin-form (net/request_header.cc).
  if (r.path.find('?') != std::string::npos || !r.path.starts_with('/')) return false;
  for (const auto& h : r.headers) {
    if (!IsToken(h.name)) return false;
    const std::string& v = h.value;
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '\0') return false;
      if (v[i] == '\r' && !(i + 1 < v.size() && v[i + 1] == '\n')) return false;
      if (v[i] == '\n' && !(i + 1 < v.size() && (v[i + 1] == ' ' || v[i + 1] == '\t')))
        return false;
    }
  }
  return true;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// As the server decodes (protocol::PercentDecode): a malformed escape fails.
bool Decode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%') {
      if (i + 2 >= in.size() || Hex(in[i + 1]) < 0 || Hex(in[i + 2]) < 0) return false;
      out.push_back(static_cast<char>(Hex(in[i + 1]) * 16 + Hex(in[i + 2])));
      i += 2;
    } else {
      out.push_back(in[i] == '+' && plus_is_space ? ' ' : in[i]);
    }
  }
  return true;
}

// The server reads '+' in a query as a space (protocol::ParseTarget), but
// SigV4's canonical query, as AWS computes it (and the SDKs since), takes a
// raw '+' for a literal plus ("%2B"), as does SigV2's boto 2 form: "a+b" and
// "a%2Bb" sign alike yet mean "a b" and "a+b". An ambiguity AWS has too, not
// a forgery this target reports: '+' is compared as a plus here.
constexpr bool kPlusIsSpace = false;

struct Param {
  std::string raw;  // "name=value" as sent
  std::string name, value;
  bool has_value = false;
  bool ok = true;  // decodes
};

std::vector<Param> Params(std::string_view query) {
  std::vector<Param> out;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == query.npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    Param p;
    p.raw = std::string(part);
    std::size_t eq = part.find('=');
    p.has_value = eq != part.npos;
    p.ok = Decode(part.substr(0, eq), kPlusIsSpace, p.name) &&
           (!p.has_value || Decode(part.substr(eq + 1), kPlusIsSpace, p.value));
    out.push_back(std::move(p));
  }
  return out;
}

std::string JoinParams(const std::vector<Param>& params) {
  std::string out;
  for (const auto& p : params) {
    if (!out.empty()) out += '&';
    out += p.raw;
  }
  return out;
}

void EraseHeaders(sigv4::HttpRequest& r, std::string_view name) {
  r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                 [&](const sigv4::Header& h) { return IEq(h.name, name); }),
                  r.headers.end());
}

const std::string* First(const sigv4::HttpRequest& r, std::string_view name) {
  for (const auto& h : r.headers)
    if (IEq(h.name, name)) return &h.value;
  return nullptr;
}

// SigV4's value rule: trimmed, every run of blanks one space.
std::string V4Value(std::string_view v) {
  std::string out;
  bool blank = false;
  for (char c : v) {
    if (IsBlank(c)) {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += c;
  }
  return out;
}

// SigV2's: trimmed, a run of blanks with a line break in it one space.
std::string V2Value(std::string_view v) {
  while (!v.empty() && IsBlank(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsBlank(v.back())) v.remove_suffix(1);
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    if (!IsBlank(v[i])) {
      out += v[i++];
      continue;
    }
    std::size_t end = i;
    bool folded = false;
    for (; end < v.size() && IsBlank(v[end]); ++end) folded |= v[end] == '\r' || v[end] == '\n';
    out += folded ? std::string(" ") : std::string(v.substr(i, end - i));
    i = end;
  }
  return out;
}

// "/a/./b/../c/" as every service but S3 reads it: no empty, "." or ".."
// segment; the trailing slash kept.
std::string NormalizedPath(std::string_view raw) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw.size()) {
    std::size_t slash = raw.find('/', start);
    std::size_t end = slash == raw.npos ? raw.size() : slash;
    std::string_view seg = raw.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == raw.npos) break;
    start = slash + 1;
  }
  std::string out;
  for (std::string_view seg : segments) {
    out += '/';
    out += seg;
  }
  if (segments.empty() || raw.ends_with('/')) out += '/';
  return out;
}

// What the server makes of a request, in the parts a signature covers.
struct Meaning {
  bool malformed = false;  // the server refuses it (a bad %XX) whatever its signature
  std::string method, path;
  std::vector<std::pair<std::string, std::string>> query;
  std::map<std::string, std::string> headers;
  std::string body;
  bool operator==(const Meaning& o) const {
    return method == o.method && path == o.path && query == o.query && headers == o.headers &&
           body == o.body;
  }
};

Meaning V4Meaning(const sigv4::HttpRequest& r, std::string_view body, bool s3, bool presigned,
                  bool body_signed, const std::vector<std::string>& signed_headers) {
  Meaning m;
  m.method = r.method;
  if (s3) {
    if (!Decode(r.path, false, m.path)) m.malformed = true;
  } else {
    m.path = NormalizedPath(r.path);
  }
  for (auto& p : Params(r.query)) {
    if (!p.ok) m.malformed = true;
    if (presigned && p.name == "X-Amz-Signature") continue;
    m.query.emplace_back(p.name, p.value);
  }
  std::sort(m.query.begin(), m.query.end());
  // Values of one name are joined with ',' (the spec's rule: "a,b" in one
  // header reads as "a" and "b" in two).
  for (const auto& name : signed_headers) {
    std::string joined;
    bool first = true;
    for (const auto& h : r.headers) {
      if (!IEq(h.name, name)) continue;
      if (!first) joined += ',';
      first = false;
      joined += V4Value(h.value);
    }
    m.headers[name] = joined;
  }
  if (body_signed) m.body = std::string(body);
  return m;
}

Meaning V2Meaning(const sigv4::HttpRequest& r, bool query_auth) {
  Meaning m;
  m.method = r.method;
  m.path = r.path;
  std::vector<Param> params = Params(r.query);
  for (auto& p : params) {
    if (!p.ok) m.malformed = true;
    if (auth::sigv2::IsSignedSubresource(p.name))
      m.query.emplace_back(p.name, p.has_value ? "=" + p.value : std::string());
  }
  std::stable_sort(m.query.begin(), m.query.end(),
                   [](const auto& x, const auto& y) { return x.first < y.first; });
  for (std::string_view name : {"content-md5", "content-type"})
  {
    // An absent header signs as an empty one.
    const std::string* v = First(r, name);
    m.headers[std::string(name)] = v ? V2Value(*v) : std::string();
  }
  auto add = [&](std::string name, std::string_view value) {
    auto [it, inserted] = m.headers.try_emplace(std::move(name));
    if (!inserted) it->second += ',';
    it->second += V2Value(value);
  };
  bool amz_date = false;
  for (const auto& h : r.headers) {
    std::string n = LowerString(h.name);
    if (n.starts_with("x-amz-")) add(n, h.value);
    amz_date |= n == "x-amz-date";
  }
  if (query_auth) {
    for (auto& p : params)
      if (LowerString(p.name).starts_with("x-amz-")) add(LowerString(p.name), p.value);
    for (auto& p : params)
      if (p.name == "Expires") {
        m.headers["(date)"] = p.value;
        break;
      }
  } else if (!amz_date) {
    if (const std::string* d = First(r, "date")) m.headers["(date)"] = *d;
  }
  return m;
}

bool AllowedError(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidAccessKeyId:
    case ErrorCode::kSignatureDoesNotMatch:
    case ErrorCode::kRequestTimeTooSkewed:
    case ErrorCode::kAuthorizationHeaderMalformed:
    case ErrorCode::kAuthorizationQueryParametersError:
    case ErrorCode::kAccessDenied:
    case ErrorCode::kInvalidRequest:
    case ErrorCode::kInvalidArgument:
      break;
    default:
      return false;
  }
  int status = awslab::Describe(code).http_status;
  return status >= 400 && status < 500 && !awslab::Describe(code).code.empty();
}

using AuthResult = awslab::Result<auth::AuthResult>;

void CheckError(const AuthResult& r) {
  if (!r && !AllowedError(r.error().code))
    Fail("an error the Authenticator does not name", awslab::Describe(r.error().code).code,
         r.error().Message());
}

bool SameResult(const auth::AuthResult& x, const auth::AuthResult& y) {
  return x.principal.account_id == y.principal.account_id &&
         x.principal.access_key_id == y.principal.access_key_id &&
         x.principal.admin == y.principal.admin && x.service == y.service &&
         x.region == y.region && x.presigned == y.presigned &&
         x.payload_mode == y.payload_mode && x.payload_sha256 == y.payload_sha256 &&
         x.chunk_signing.has_value() == y.chunk_signing.has_value() &&
         (!x.chunk_signing || (x.chunk_signing->seed_signature == y.chunk_signing->seed_signature &&
                               x.chunk_signing->amz_date == y.chunk_signing->amz_date &&
                               x.chunk_signing->signing_key == y.chunk_signing->signing_key));
}

std::string Dump(const sigv4::HttpRequest& r, std::string_view body) {
  std::string out = r.method + " " + r.path + (r.query.empty() ? "" : "?" + r.query) + "\n";
  for (const auto& h : r.headers) out += h.name + ":" + h.value + "\n";
  out += "\n";
  out += body;
  return out;
}

// ---------------------------------------------------------------------------
// Signing and mutating.

const char* const kAuthParams[] = {
    "X-Amz-Algorithm",     "X-Amz-Credential", "X-Amz-Date",           "X-Amz-Expires",
    "X-Amz-SignedHeaders", "X-Amz-Signature",  "X-Amz-Security-Token", "X-Amz-Content-Sha256",
    "Signature",           "AWSAccessKeyId",   "Expires"};

// Makes the request one the signer can sign and the Authenticator can read:
// token header names, a Host, no signature of another kind.
void Sanitize(Input& in, Mode mode) {
  sigv4::HttpRequest& r = in.request;
  if (!IsToken(r.method)) r.method = "GET";
  // An origin-form target, what the net layer hands over.
  auto encode_controls = [](std::string& s, std::string_view also) {
    std::string out;
    for (char ch : s) {
      auto u = static_cast<unsigned char>(ch);
      if (u <= 0x20 || u == 0x7f || also.find(ch) != also.npos) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        out += '%';
        out += kHex[u >> 4];
        out += kHex[u & 15];
      } else {
        out += ch;
      }
    }
    s = std::move(out);
  };
  if (!r.path.starts_with('/')) r.path.insert(0, 1, '/');
  encode_controls(r.path, "#?");
  encode_controls(r.query, "#");
  for (auto& h : r.headers) {
    std::string& v = h.value;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const bool fold = (v[i] == '\r' && i + 1 < v.size() && v[i + 1] == '\n') ||
                        (v[i] == '\n' && i + 1 < v.size() && (v[i + 1] == ' ' || v[i + 1] == '\t'));
      if (v[i] == '\0' || ((v[i] == '\r' || v[i] == '\n') && !fold)) v[i] = ' ';
    }
  }
  r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                 [](const sigv4::Header& h) {
                                   return !IsToken(h.name) || IEq(h.name, "authorization");
                                 }),
                  r.headers.end());
  if (!First(r, "host")) r.headers.push_back({"Host", "examplebucket.s3.amazonaws.com"});
  std::vector<Param> params = Params(r.query);
  params.erase(std::remove_if(params.begin(), params.end(),
                              [](const Param& p) {
                                std::string n = sigv4::UriDecode(p.raw.substr(0, p.raw.find('=')));
                                return std::any_of(std::begin(kAuthParams), std::end(kAuthParams),
                                                   [&](const char* a) { return n == a; });
                              }),
               params.end());
  r.query = JoinParams(params);
  if (mode == Mode::kBody) EraseHeaders(r, "x-amz-content-sha256");
  if (mode == Mode::kV2Header || mode == Mode::kV2Query) {
    EraseHeaders(r, "x-amz-date");
    EraseHeaders(r, "date");
  }
}

const sigv4::Credentials kCredentials{std::string(kKeyId), std::string(kSecret), ""};

// The x-amz-content-sha256 of the header mode, and the payload mode it gives.
std::string PayloadHash(const Control& c, std::string_view body) {
  switch (c.c % 5) {
    case 1: return std::string(sigv4::kUnsignedPayload);
    case 2: return std::string(sigv4::kStreamingSignedPayload);
    case 3: return std::string(sigv4::kStreamingSignedPayloadTrailer);
    case 4: return std::string(sigv4::kStreamingUnsignedPayloadTrailer);
    default: return awslab::crypto::Sha256Hex(body);
  }
}
auth::PayloadMode ExpectedPayloadMode(const Control& c) {
  // A presigned request signs UNSIGNED-PAYLOAD for S3, the empty body's hash otherwise.
  if (c.mode == Mode::kBody || (c.mode == Mode::kPresign && c.service != "s3"))
    return auth::PayloadMode::kSha256;
  if (c.mode != Mode::kHeader) return auth::PayloadMode::kUnsigned;
  static constexpr auth::PayloadMode kModes[] = {
      auth::PayloadMode::kSha256, auth::PayloadMode::kUnsigned,
      auth::PayloadMode::kStreamingSigned, auth::PayloadMode::kStreamingSignedTrailer,
      auth::PayloadMode::kStreamingUnsignedTrailer};
  return kModes[c.c % 5];
}

// Signs `r` in `mode`; returns the names of the signed headers (SigV4).
std::vector<std::string> Sign(sigv4::HttpRequest& r, std::string_view body, const Control& c) {
  sigv4::SignOptions options;
  options.time = kNow;
  options.region = "us-east-1";
  options.service = c.service;
  options.normalize_path = c.service != "s3";
  auto parsed_names = [&]() {
    const std::string* authz = First(r, "authorization");
    auto parsed = authz ? sigv4::ParseAuthorization(*authz) : std::nullopt;
    if (!parsed) Fail("the signer's Authorization header does not parse", authz ? *authz : "");
    return parsed->signed_headers;
  };
  switch (c.mode) {
    case Mode::kHeader:
      options.payload_hash = PayloadHash(c, body);
      options.add_content_sha256_header = true;
      sigv4::SignRequest(r, kCredentials, options);
      return parsed_names();
    case Mode::kBody:
      options.payload_hash = awslab::crypto::Sha256Hex(body);
      options.add_content_sha256_header = c.c % 2 == 1;
      sigv4::SignRequest(r, kCredentials, options);
      return parsed_names();
    case Mode::kPresign: {
      options.payload_hash = c.service == "s3" ? std::string(sigv4::kUnsignedPayload)
                                               : std::string(sigv4::kEmptySha256);
      std::vector<std::string> names;
      for (const auto& h : r.headers) {
        std::string n = LowerString(h.name);
        if (std::find(options.unsigned_headers.begin(), options.unsigned_headers.end(), n) ==
            options.unsigned_headers.end())
          names.push_back(n);
      }
      std::sort(names.begin(), names.end());
      names.erase(std::unique(names.begin(), names.end()), names.end());
      sigv4::PresignRequest(r, kCredentials, options, std::chrono::seconds(1 + c.b % 604800));
      return names;
    }
    case Mode::kV2Header: {
      r.headers.push_back({"Date", "Sun, 30 Aug 2015 12:36:00 GMT"});
      std::string sts =
          auth::sigv2::StringToSign(r, "Sun, 30 Aug 2015 12:36:00 GMT", "", false);
      r.headers.push_back({"Authorization", "AWS " + std::string(kKeyId) + ":" +
                                                auth::sigv2::Signature(kSecret, sts)});
      return {};
    }
    case Mode::kV2Query: {
      std::string expires = std::to_string(1440938160 + 1 + c.b % 100000);
      std::string sts = auth::sigv2::StringToSign(r, expires, "", true);
      if (!r.query.empty()) r.query += '&';
      r.query += "AWSAccessKeyId=" + std::string(kKeyId) + "&Expires=" + expires +
                 "&Signature=" + sigv4::UriEncode(auth::sigv2::Signature(kSecret, sts), true);
      return {};
    }
    case Mode::kRaw:
      break;
  }
  return {};
}

std::string* Component(sigv4::HttpRequest& r, std::string& body, std::uint32_t a) {
  std::size_t n = 4 + 2 * r.headers.size();
  std::size_t k = a % n;
  if (k == 0) return &r.method;
  if (k == 1) return &r.path;
  if (k == 2) return &r.query;
  if (k == 3) return &body;
  auto& h = r.headers[(k - 4) / 2];
  return (k - 4) % 2 == 0 ? &h.name : &h.value;
}

// Applies the mutation; returns true when it must not change the verdict
// (the server reads the same request).
bool Mutate(sigv4::HttpRequest& r, std::string& body, const Control& c, bool s3_v4) {
  const char x = static_cast<char>(c.c % 255 + 1);
  switch (c.mutation) {
    case Mutation::kNone:
      return true;
    case Mutation::kFlip: {
      std::string* s = Component(r, body, c.a);
      if (s->empty())
        s->push_back(x);
      else
        (*s)[c.b % s->size()] ^= x;
      return false;
    }
    case Mutation::kInsert: {
      std::string* s = Component(r, body, c.a);
      s->insert(s->begin() + static_cast<std::ptrdiff_t>(c.b % (s->size() + 1)),
                static_cast<char>(c.c));
      return false;
    }
    case Mutation::kErase: {
      std::string* s = Component(r, body, c.a);
      if (!s->empty()) s->erase(c.b % s->size(), 1);
      return false;
    }
    case Mutation::kDrop:
      if (!r.headers.empty()) r.headers.erase(r.headers.begin() + c.a % r.headers.size());
      return false;
    case Mutation::kDup:
      if (!r.headers.empty()) r.headers.push_back(r.headers[c.a % r.headers.size()]);
      return false;
    case Mutation::kAddHeader: {
      static constexpr std::string_view kNames[] = {
          "User-Agent", "X-Amz-Meta-Fuzz", "Content-Type", "Host", "X-Amz-Date", "Expect",
          "Authorization", "x-amz-content-sha256", "Date", "Content-MD5", "X-Amzn-Trace-Id",
          "X-Amz-Security-Token"};
      r.headers.push_back({std::string(kNames[c.a % std::size(kNames)]), "v" + std::to_string(c.b)});
      return false;
    }
    case Mutation::kAddParam: {
      static constexpr std::string_view kNames[] = {
          "acl", "versionId", "prefix", "X-Amz-Signature", "Signature", "X-Amz-Date", "Action",
          "uploads", "x-amz-meta-a", "Expires", "X-Amz-Credential", "AWSAccessKeyId"};
      if (!r.query.empty()) r.query += '&';
      r.query += std::string(kNames[c.a % std::size(kNames)]);
      if (c.c % 2) r.query += "=" + std::to_string(c.b);
      return false;
    }
    case Mutation::kPermute: {
      std::vector<Param> params = Params(r.query);
      if (params.empty()) return true;
      std::rotate(params.begin(), params.begin() + c.b % params.size(), params.end());
      if (c.c % 2) std::reverse(params.begin(), params.end());
      // Parameters of one name keep their meaning in any order only for
      // SigV4 (sorted by value too); SigV2 keeps their order.
      std::vector<std::string> names;
      for (const auto& p : params) names.push_back(LowerString(p.name));
      std::sort(names.begin(), names.end());
      bool distinct = std::adjacent_find(names.begin(), names.end()) == names.end();
      r.query = JoinParams(params);
      return distinct;
    }
    case Mutation::kCase:
      for (auto& h : r.headers)
        for (char& ch : h.name)
          if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) ch ^= 0x20;
      return true;
    case Mutation::kReencode: {
      // The path keeps its meaning re-encoded only for S3's SigV4 (decoded
      // before it is signed); the query always does.
      std::string* s = (c.a % 2 && s3_v4) ? &r.path : &r.query;
      if (s->empty()) return true;
      std::size_t at = c.b % s->size();
      char ch = (*s)[at];
      // Within a "%XX" escape a character is no character of its own.
      bool escaped = false;
      for (std::size_t k = at >= 2 ? at - 2 : 0; k < at; ++k)
        escaped |= (*s)[k] == '%' && k + 2 < s->size() && Hex((*s)[k + 1]) >= 0 &&
                   Hex((*s)[k + 2]) >= 0;
      static constexpr char kHex[] = "0123456789ABCDEF";
      const char esc[3] = {'%', kHex[(ch >> 4) & 15], kHex[ch & 15]};
      s->replace(at, 1, esc, 3);
      return IsUnreserved(ch) && !escaped;
    }
    case Mutation::kBody:
      if (body.empty())
        body.push_back(x);
      else
        body[c.b % body.size()] ^= x;
      return false;
  }
  return false;
}

AuthResult Verify(const sigv4::HttpRequest& r, std::string_view body, Mode mode) {
  const auth::Authenticator& a = *TheWorld().authenticator;
  if (mode == Mode::kBody) return a.AuthenticateSignedBody(r, awslab::crypto::Sha256Hex(body));
  return a.Authenticate(r);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::size_t nl = in.find('\n');
  Control c = ParseControl(in.substr(0, nl));
  Input input = ParseRequestText(nl == in.npos ? std::string_view() : in.substr(nl + 1));
  const auth::Authenticator& authenticator = *TheWorld().authenticator;

  if (c.mode == Mode::kRaw) {
    // As sent: whatever it holds, a verdict among the documented ones.
    AuthResult r = authenticator.Authenticate(input.request);
    CheckError(r);
    AuthResult b =
        authenticator.AuthenticateSignedBody(input.request, awslab::crypto::Sha256Hex(input.body));
    CheckError(b);
    return 0;
  }

  // S3 signs the payload hash in x-amz-content-sha256 (Authenticate); the
  // other services sign the body's hash (AuthenticateSignedBody), the header
  // at most one more signed header.
  if (c.mode == Mode::kBody && c.service == "s3") c.service = "ec2";
  if (c.mode == Mode::kHeader && c.service != "s3") c.mode = Mode::kBody;
  Sanitize(input, c.mode);
  sigv4::HttpRequest signed_request = input.request;
  const std::vector<std::string> names = Sign(signed_request, input.body, c);
  const std::string described = Dump(signed_request, input.body);

  AuthResult original = Verify(signed_request, input.body, c.mode);
  if (!original) {
    std::string why(original.error().Message());
    for (const auto& [k, v] : original.error().details) why += "\n" + k + ": " + v;
    Fail("a correctly signed request is refused", described, why);
  }
  const bool v2 = c.mode == Mode::kV2Header || c.mode == Mode::kV2Query;
  if (original->principal.account_id != kAccountId ||
      original->principal.access_key_id != kKeyId ||
      original->service != (v2 ? std::string("s3") : c.service) ||
      original->region != (v2 ? "" : "us-east-1") ||
      original->presigned != (c.mode == Mode::kPresign || c.mode == Mode::kV2Query))
    Fail("a correctly signed request is accepted as someone else", described);
  // The body is then checked as the signature says: its hash, or the chunks'
  // signatures, chained from this one with this key.
  if (original->payload_mode != ExpectedPayloadMode(c))
    Fail("a correctly signed request gets the wrong payload mode", described);
  if (original->payload_mode == auth::PayloadMode::kSha256 &&
      original->payload_sha256 != (c.mode == Mode::kPresign ? std::string(sigv4::kEmptySha256)
                                                            : awslab::crypto::Sha256Hex(input.body)))
    Fail("a correctly signed request gets the wrong payload hash", described);
  const bool chunks_signed = original->payload_mode == auth::PayloadMode::kStreamingSigned ||
                             original->payload_mode == auth::PayloadMode::kStreamingSignedTrailer;
  if (chunks_signed != original->chunk_signing.has_value())
    Fail("a streaming signed request without its chunk signing (or the reverse)", described);
  if (chunks_signed) {
    const auto& cs = *original->chunk_signing;
    const sigv4::Scope scope{"20150830", "us-east-1", c.service};
    auto parsed = sigv4::ParseAuthorization(*First(signed_request, "authorization"));
    if (cs.amz_date != "20150830T123600Z" || cs.scope.ToString() != scope.ToString() ||
        !parsed || cs.seed_signature != parsed->signature ||
        cs.signing_key != sigv4::SigningKey(kSecret, scope))
      Fail("the chunk signing is not the request's", described);
  }

  sigv4::HttpRequest mutated = signed_request;
  std::string body = input.body;
  const bool s3 = c.service == "s3";
  const bool keeps_meaning = Mutate(mutated, body, c, s3 && !v2);
  AuthResult verdict = Verify(mutated, body, c.mode);
  CheckError(verdict);
  const std::string described_mutated = Dump(mutated, body);
  if (keeps_meaning) {
    if (!verdict)
      Fail("a mutation that keeps the request's meaning is refused", described_mutated,
           verdict.error().Message());
    if (!SameResult(*verdict, *original))
      Fail("a mutation that keeps the request's meaning changes the principal",
           described_mutated);
    return 0;
  }
  if (!verdict || verdict->principal.anonymous()) return 0;
  if (!SameResult(*verdict, *original))
    Fail("a mutated request is accepted as another principal or payload", described_mutated,
         described);
  if (!WirePossible(signed_request)) Fail("the signed request is not one HTTP carries", described);
  if (!WirePossible(mutated)) return 0;  // no HTTP parser hands this over
  Meaning before, after;
  if (v2) {
    before = V2Meaning(signed_request, c.mode == Mode::kV2Query);
    after = V2Meaning(mutated, c.mode == Mode::kV2Query);
  } else {
    const bool presigned = c.mode == Mode::kPresign;
    before = V4Meaning(signed_request, input.body, s3, presigned, c.mode == Mode::kBody, names);
    after = V4Meaning(mutated, body, s3, presigned, c.mode == Mode::kBody, names);
  }
  if (before.malformed || after.malformed) return 0;  // the server refuses it anyway
  if (!(before == after))
    Fail("a mutated request that means something else is accepted", described_mutated,
         described);
  return 0;
}
