// The HTTP request path, in process and without sockets: raw request bytes
// are parsed by Beast as the net layer parses them (the header first, with
// the server's header limit, then the body through a buffer_body, chunked or
// not), turned into a protocol::Request by the net layer's own
// RequestFromHeader (emulator/net/request_header.h) and handed to api::Front
// (console, admin API, Cost Explorer, EC2, S3), whose Exchange gets the body
// in pieces, then Finish; each Response is checked.
//
// The services are built as emulator/main.cc builds them: LevelDB (in
// memory; blobs in a folder of /dev/shm), the default account test/test, the
// S3 and EC2 stores, the meters (no flusher thread) and the biller, an
// Authenticator whose wall clock is fixed and a simulation clock that is
// frozen (time scale 0). Every input starts from that fresh state: after an
// input that may have changed it (a request this fuzzer signed, or any
// success but a console file), everything is built again, so an input
// replays alone and state never grows.
//
// An input: byte 0 says which requests are signed, byte 1 how the bytes
// arrive, then up to kMaxRequests HTTP/1.1 requests back to back, as on one
// keep-alive connection:
//   byte 0 % 4 = 0: none is signed: each goes as sent, and whatever
//                   signature it carries must fail (the clock is months
//                   past the seeds' dates)
//                1: each is signed again with test/test at the fixed time,
//                   by the client's SigV4 signer (client/include/awslab/
//                   sigv4.h; S3's payload hash is the request's own
//                   x-amz-content-sha256 when it has one, else its body's;
//                   the other services sign the body), so the fuzzer gets
//                   past authentication into the handlers
//                2: the same, but S3 requests are presigned (query)
//                3: request i is signed when bit i of byte 0 >> 2 is set
//                   (seeds: "O" signs requests 0, 1 and 4)
//   byte 1 & 3:  the socket's reads are 65536, 512, 64 or 7 bytes long;
//   byte 1 >> 2: the body goes to the Exchange in pieces of 1 + 61 × that.
// The seeds (fixtures/fuzz/http_request/) start with two printable bytes:
// "@0" as sent, "A0" signed, "B0" presigned. A signed request may name the
// last id a response of the same input gave, which seeds cannot know: the
// words UPLOADID, INSTANCEID, ALLOCATIONID, ASSOCIATIONID, VOLUMEID and
// GROUPID in its query (or an EC2 form body) are replaced with it. EC2's
// CreateKeyPair is asked for ED25519 keys (an RSA key takes longer than all
// the rest of an input).
//
// What it checks besides memory safety and undefined behaviour:
// - no exception escapes a service (the server would answer 500: a bug);
// - every status is 200 to 599; every header name is a token and no header
//   value holds CR, LF or NUL (no response splitting, e.g. through
//   ?response-content-disposition or a stored header);
// - an error with a body is AWS's error document for its API: S3
//   <Error><Code>..</Code><Message>..</Message>..</Error> and EC2
//   <Response><Errors><Error><Code>..</Code><Message>.., both XML that any
//   parser reads (UTF-8, no characters XML 1.0 forbids, even as references);
//   the admin API's JSON {"error": {"code", "message"}} and Cost Explorer's
//   {"__type", "Message"}; the successes of EC2, the admin API and Cost
//   Explorer are well-formed XML or JSON too; S3 answers HEAD with no body;
// - a request without a valid signature (unsigned, or signed by anything but
//   this fuzzer) never gets a 2xx, except the console's files, unless a
//   request this fuzzer signed may have made something public (ACL or grant
//   headers, ?acl, ?policy, ?cors);
// - a request this fuzzer signed is never refused for its signature, its
//   date or its key (SignatureDoesNotMatch, RequestTimeTooSkewed,
//   InvalidAccessKeyId, AuthFailure): the signer and the verifier
//   canonicalize alike. (Chunk signatures of a STREAMING-AWS4-HMAC-SHA256
//   body are not this fuzzer's, so those may fail.)
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/json.hpp>
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>
#include <pugixml.hpp>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"
#include "emulator/api/admin_api.h"
#include "emulator/api/ce_api.h"
#include "emulator/api/console_api.h"
#include "emulator/api/ec2_api.h"
#include "emulator/api/front.h"
#include "emulator/api/s3_api.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/base/clock.h"
#include "emulator/base/strings.h"
#include "emulator/billing/biller.h"
#include "emulator/billing/s3_meters.h"
#include "emulator/ec2/ec2_store.h"
#include "emulator/net/request_header.h"
#include "emulator/net/server.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/storage.h"

namespace {

namespace http = boost::beast::http;
using namespace awslab;
using protocol::Request;
using protocol::Response;

constexpr int kMaxRequests = 8;
// The fixed wall clock (what clients sign with) and the frozen simulation
// clock: months after the seeds were captured, so their own signatures are
// stale.
const TimePoint kNow = TimePoint(std::chrono::seconds(1803902400));  // 2027-03-01T12:00:00Z

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "http_request_fuzzer: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// The server's services, as emulator/main.cc builds them.
struct World {
  explicit World(const std::filesystem::path& dir) {
    env.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    auto opened = storage::Storage::Open({dir, false, env.get()});
    if (!opened) Fail("cannot open storage", std::string(opened.error().Message()));
    store = std::move(*opened);
    auto acc = auth::AccountStore::Open(*store);
    if (!acc) Fail("cannot open accounts", std::string(acc.error().Message()));
    accounts = std::move(*acc);
    sim = std::make_unique<SimulationClock>(0.0, kNow);
    ec2_store = std::make_unique<ec2::Ec2Store>(*store, *sim, ec2::Ec2Options{});
    auto latest = ec2_store->Load();
    if (!latest) Fail("cannot load EC2", std::string(latest.error().Message()));
    sim->EnsureAtLeast(*latest);
    s3_store = std::make_unique<s3::S3Store>(*store, *sim);
    s3_store->set_rules(Rules::kClassic);
    meters = std::make_unique<billing::S3Meters>(
        *store, [s = s3_store.get()](std::string_view bucket) { return s->Survey(bucket); });
    s3_store->set_meters(meters.get());  // no flusher thread: counts stay in memory
    billing::BillingOptions billing_options;
    billing_options.rules = billing::Rules::kHourly;
    biller = std::make_unique<billing::Biller>(*ec2_store, *meters, *sim, billing_options);
    authenticator = std::make_unique<auth::Authenticator>(*accounts, WallClock());
    api::S3ApiOptions s3_options;
    s3_api = std::make_unique<api::S3Api>(*s3_store, *accounts, *authenticator, s3_options);
    s3_api->set_meters(meters.get());
    ec2_api = std::make_unique<api::Ec2Api>(*ec2_store, *authenticator, "us-east-1");
    admin_api = std::make_unique<api::AdminApi>(*sim, *store, *authenticator);
    admin_api->set_billing(biller.get(), accounts.get(), std::nullopt);
    admin_api->set_resources(ec2_store.get(), s3_store.get());
    ce_api = std::make_unique<api::CeApi>(*biller, *authenticator);
    console_api = std::make_unique<api::ConsoleApi>();
    front = std::make_unique<api::Front>(*s3_api, *ec2_api, *admin_api, *ce_api, *console_api);
  }

  static const ManualClock& WallClock() {
    static const ManualClock clock(kNow);
    return clock;
  }

  // Destroyed in reverse: the front first, the memory Env last.
  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<storage::Storage> store;
  std::unique_ptr<auth::AccountStore> accounts;
  std::unique_ptr<SimulationClock> sim;
  std::unique_ptr<ec2::Ec2Store> ec2_store;
  std::unique_ptr<s3::S3Store> s3_store;
  std::unique_ptr<billing::S3Meters> meters;
  std::unique_ptr<billing::Biller> biller;
  std::unique_ptr<auth::Authenticator> authenticator;
  std::unique_ptr<api::S3Api> s3_api;
  std::unique_ptr<api::Ec2Api> ec2_api;
  std::unique_ptr<api::AdminApi> admin_api;
  std::unique_ptr<api::CeApi> ce_api;
  std::unique_ptr<api::ConsoleApi> console_api;
  std::unique_ptr<api::Front> front;
};

// Where the blobs go (tmpfs when there is one), removed at exit.
const std::filesystem::path& DataDir() {
  static const std::filesystem::path* dir = [] {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm", ec)
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    // A run that crashed (abort skips atexit) left its folder: sweep those of
    // processes that are gone.
    constexpr std::string_view kPrefix = "awslab-fuzz-http-";
    for (const auto& entry : std::filesystem::directory_iterator(base, ec)) {
      const std::string name = entry.path().filename().string();
      if (!name.starts_with(kPrefix)) continue;
      const long pid = std::strtol(name.c_str() + kPrefix.size(), nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) {
        std::error_code e;
        std::filesystem::remove_all(entry.path(), e);
      }
    }
    auto* d = new std::filesystem::path(base / (std::string(kPrefix) + std::to_string(::getpid())));
    std::filesystem::remove_all(*d, ec);
    std::atexit([] {
      std::error_code e;
      std::filesystem::remove_all(DataDir(), e);
    });
    return d;
  }();
  return *dir;
}

std::unique_ptr<World>& TheWorld() {
  static std::unique_ptr<World> world;
  return world;
}

void Rebuild() {
  std::unique_ptr<World>& world = TheWorld();
  world.reset();
  std::error_code ec;
  std::filesystem::remove_all(DataDir(), ec);
  world = std::make_unique<World>(DataDir());
}

// A socket that returns the input, at most `chunk` bytes a read.
class MemoryStream {
 public:
  MemoryStream(std::string_view data, std::size_t chunk) : data_(data), chunk_(chunk) {}
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    if (data_.empty()) {
      ec = boost::asio::error::eof;
      return 0;
    }
    ec = {};
    std::size_t n = boost::asio::buffer_copy(
        buffers, boost::asio::buffer(data_.data(), std::min(chunk_, data_.size())));
    data_.remove_prefix(n);
    return n;
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  const std::size_t chunk_;
};

enum class Api { kConsole, kAdmin, kCe, kEc2, kS3 };

// Front's choice, in its order.
Api ApiOf(const Request& r) {
  if (api::ConsoleApi::Claims(r)) return Api::kConsole;
  if (api::AdminApi::Claims(r)) return Api::kAdmin;
  if (api::CeApi::Claims(r)) return Api::kCe;
  if (api::Ec2Api::Claims(r)) return Api::kEc2;
  return Api::kS3;
}

const char* ApiName(Api a) {
  switch (a) {
    case Api::kConsole: return "console";
    case Api::kAdmin: return "admin";
    case Api::kCe: return "ce";
    case Api::kEc2: return "ec2";
    case Api::kS3: return "s3";
  }
  return "?";
}

bool IsQueryAuthName(std::string_view name) {
  for (std::string_view n : {"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
                             "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token",
                             "Signature", "AWSAccessKeyId"})
    if (IEquals(name, n)) return true;
  return false;
}

// Drops every signature the request carries (headers and query), so the
// signer's are the only ones.
void StripAuth(Request& r) {
  auto& h = r.raw.headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const sigv4::Header& x) {
                           return IEquals(x.name, "authorization") ||
                                  IEquals(x.name, "x-amz-date") ||
                                  IEquals(x.name, "x-amz-security-token");
                         }),
          h.end());
  std::string kept;
  std::string_view q = r.raw.query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == q.npos ? std::string_view() : q.substr(amp + 1);
    std::string_view name = part.substr(0, part.find('='));
    if (IsQueryAuthName(name)) continue;
    if (!kept.empty()) kept += '&';
    kept += part;
  }
  r.raw.query = std::move(kept);
}

// Could this signed request make something public (so that an unsigned one
// may then succeed)?
bool MayGrant(const Request& r) {
  for (const auto& h : r.raw.headers)
    if (IStartsWith(h.name, "x-amz-acl") || IStartsWith(h.name, "x-amz-grant-")) return true;
  return r.HasQuery("acl") || r.HasQuery("policy") || r.HasQuery("cors");
}

// Signs `r` as an AWS client would, with test/test at the fixed time.
// False when it cannot be (no Host header, or a target that no longer parses).
bool Sign(Request& r, const std::string& body, bool presign) {
  StripAuth(r);
  const Api api = ApiOf(r);
  sigv4::Credentials creds{std::string(auth::kDefaultAccessKeyId),
                           std::string(auth::kDefaultSecretKey), ""};
  sigv4::SignOptions o;
  o.time = kNow;
  o.region = "us-east-1";
  std::string signature;
  if (api == Api::kS3 || api == Api::kConsole) {
    o.service = "s3";
    o.normalize_path = false;
    if (presign) {
      o.payload_hash = std::string(sigv4::kUnsignedPayload);
      signature = sigv4::PresignRequest(r.raw, creds, o, std::chrono::seconds(3600));
    } else {
      if (const std::string* given = r.Header("x-amz-content-sha256")) {
        o.payload_hash = *given;
      } else {
        o.payload_hash = crypto::Sha256Hex(body);
        o.add_content_sha256_header = true;
      }
      signature = sigv4::SignRequest(r.raw, creds, o);
    }
  } else {
    o.service = api == Api::kEc2 ? "ec2" : api == Api::kCe ? "ce" : "awslab";
    o.payload_hash = crypto::Sha256Hex(body);
    signature = sigv4::SignRequest(r.raw, creds, o);
  }
  if (signature.empty()) return false;
  return protocol::ParseTarget(r);
}

bool IsTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

// Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing
// above U+10FFFF) holding only XML 1.0's characters: no C0 controls but tab,
// line feed and carriage return, no U+FFFE or U+FFFF, raw or as a character
// reference; what an XML parser such as expat (Python's, the aws CLI's)
// accepts.
bool XmlCharacters(std::string_view s) {
  auto allowed = [](std::uint32_t cp) {
    return cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp != 0xFFFE && cp != 0xFFFF);
  };
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    std::uint32_t cp = 0;
    std::size_t n = 1;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c < 0x80) {
      cp = c;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3, cp = c & 0x0F;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4, cp = c & 0x07;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    for (std::size_t k = 1; k < n; ++k) {
      const unsigned char ck = s[i + k];
      if (ck < (k == 1 ? lo : 0x80) || ck > (k == 1 ? hi : 0xBF)) return false;
      cp = (cp << 6) | (ck & 0x3F);
    }
    if (!allowed(cp)) return false;
    if (c == '&' && i + 2 < s.size() && s[i + 1] == '#') {
      // A character reference: &#10; or &#xA;
      const bool hex = s[i + 2] == 'x';
      std::uint32_t ref = 0;
      std::size_t j = i + (hex ? 3 : 2);
      for (; j < s.size() && s[j] != ';' && ref <= 0x10FFFF; ++j) {
        const char d = s[j];
        const int v = d >= '0' && d <= '9' ? d - '0'
                      : hex && (d | 0x20) >= 'a' && (d | 0x20) <= 'f' ? (d | 0x20) - 'a' + 10
                                                                     : -1;
        if (v < 0) return false;
        ref = ref * (hex ? 16 : 10) + v;
      }
      if (!allowed(ref) || ref > 0x10FFFF || (ref >= 0xD800 && ref <= 0xDFFF)) return false;
    }
    i += n;
  }
  return true;
}

std::string Describe(const Request& request, const Response& response, Api api) {
  std::string d = std::string(ApiName(api)) + " " + request.raw.method + " " + request.raw.path +
                  (request.raw.query.empty() ? "" : "?" + request.raw.query) + " -> " +
                  std::to_string(response.status) + "\n";
  for (const auto& [n, v] : response.headers) d += n + ": " + v + "\n";
  d += response.body.substr(0, 2000);
  return d;
}

// Returns the error's code.
std::string CheckXmlError(const std::string& body, bool ec2, const std::string& what) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) Fail("error document is not XML", what);
  if (!XmlCharacters(body)) Fail("error document holds bytes or characters XML 1.0 forbids", what);
  pugi::xml_node error = ec2 ? doc.child("Response").child("Errors").child("Error")
                             : doc.child("Error");
  if (!error) Fail(ec2 ? "no <Response><Errors><Error>" : "no <Error>", what);
  if (std::string_view(error.child_value("Code")).empty()) Fail("error without a Code", what);
  if (!error.child("Message")) Fail("error without a Message", what);
  return error.child_value("Code");
}

boost::json::object JsonObject(const std::string& body, const std::string& what) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) Fail("not a JSON object", what);
  return v.as_object();
}

void CheckResponse(const Request& request, const Response& response, Api api, bool authenticated,
                   bool may_be_public) {
  auto what = [&] { return Describe(request, response, api); };
  // AWSLAB_FUZZ_TRACE=1: a line per request (to see where seeds get).
  static const bool trace = std::getenv("AWSLAB_FUZZ_TRACE") != nullptr;
  if (trace)
    std::fprintf(stderr, "%s%s %s %s%s%s -> %d %.160s\n", authenticated ? "signed " : "",
                 ApiName(api), request.raw.method.c_str(), request.raw.path.c_str(),
                 request.raw.query.empty() ? "" : "?", request.raw.query.c_str(), response.status,
                 response.body.c_str());
  if (response.status < 200 || response.status > 599) Fail("status out of range", what());
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !std::all_of(name.begin(), name.end(),
                                     [](char c) { return IsTokenChar(static_cast<unsigned char>(c)); }))
      Fail("header name is not a token", what());
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos)
      Fail("header value holds CR, LF or NUL", what());
  }
  const bool head = request.raw.method == "HEAD";
  const bool success = response.status >= 200 && response.status < 300;
  if (api == Api::kS3 && head && !response.body.empty()) Fail("S3 HEAD with a body", what());
  std::string code;  // of an error document
  if (!response.body.empty() && !head) {
    if (!success) {
      switch (api) {
        case Api::kS3: code = CheckXmlError(response.body, false, what()); break;
        case Api::kEc2: code = CheckXmlError(response.body, true, what()); break;
        case Api::kAdmin: {
          auto o = JsonObject(response.body, what());
          const boost::json::value* e = o.if_contains("error");
          if (!e || !e->is_object()) Fail("admin error without \"error\"", what());
          const boost::json::value* c = e->as_object().if_contains("code");
          const boost::json::value* message = e->as_object().if_contains("message");
          if (!c || !c->is_string() || c->as_string().empty() || !message ||
              !message->is_string())
            Fail("admin error without code and message", what());
          code = c->as_string();
          break;
        }
        case Api::kCe: {
          auto o = JsonObject(response.body, what());
          const boost::json::value* type = o.if_contains("__type");
          const boost::json::value* message = o.if_contains("Message");
          if (!type || !type->is_string() || type->as_string().empty() || !message ||
              !message->is_string())
            Fail("Cost Explorer error without __type and Message", what());
          code = type->as_string();
          break;
        }
        case Api::kConsole: break;  // plain text
      }
    } else if (api == Api::kEc2) {
      pugi::xml_document doc;
      if (!doc.load_buffer(response.body.data(), response.body.size()))
        Fail("EC2 answer is not XML", what());
    } else if (api == Api::kAdmin || api == Api::kCe) {
      JsonObject(response.body, what());
    }
  }
  if (success && !authenticated && api != Api::kConsole && !may_be_public)
    Fail("a request without a valid signature succeeded", what());
  // What this fuzzer signed (with the client's signer, a known key, the
  // server's time) the server verifies: the two canonicalize alike. Chunk
  // signatures of a signed aws-chunked body are not this fuzzer's, so they
  // may fail.
  const std::string* content_sha = request.Header("x-amz-content-sha256");
  const bool signed_chunks = content_sha && content_sha->starts_with("STREAMING-AWS4-HMAC");
  if (authenticated && !signed_chunks &&
      (code == "SignatureDoesNotMatch" || code == "RequestTimeTooSkewed" ||
       code == "InvalidAccessKeyId" || code == "AuthFailure"))
    Fail("a request signed right was refused", what());
}

// The ids a response names (an upload, an instance, an Elastic IP...) and
// stand-ins for them: a later request of the same input may write UPLOADID,
// INSTANCEID, ALLOCATIONID, ASSOCIATIONID, VOLUMEID or GROUPID in its query
// (or, when signed, in its form body), and gets the last id of that kind, as
// a client would; generated ids are random, so seeds could not name them.
struct Ids {
  static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"UPLOADID", "<UploadId>"},         {"INSTANCEID", "<instanceId>"},
      {"ALLOCATIONID", "<allocationId>"}, {"ASSOCIATIONID", "<associationId>"},
      {"VOLUMEID", "<volumeId>"},         {"GROUPID", "<groupId>"}};
  std::string last[std::size(kKinds)];

  void Learn(const std::string& body) {
    for (std::size_t k = 0; k < std::size(kKinds); ++k) {
      std::size_t at = body.find(kKinds[k].second);
      if (at == body.npos) continue;
      at += kKinds[k].second.size();
      std::size_t end = body.find('<', at);
      if (end == body.npos || end - at > 128) continue;
      last[k] = body.substr(at, end - at);
    }
  }
  static bool Replace(std::string& s, std::string_view token, const std::string& value) {
    bool any = false;
    for (std::size_t at = s.find(token); at != s.npos; at = s.find(token, at + value.size())) {
      s.replace(at, token.size(), value);
      any = true;
    }
    return any;
  }
  void Substitute(Request& r, std::string& body) const {
    bool query = false, in_body = false;
    for (std::size_t k = 0; k < std::size(kKinds); ++k) {
      if (last[k].empty()) continue;
      query |= Replace(r.raw.query, kKinds[k].first, last[k]);
      if (ApiOf(r) != Api::kS3) in_body |= Replace(body, kKinds[k].first, last[k]);
    }
    if (query) protocol::ParseTarget(r);
    if (in_body) {
      r.content_length = body.size();
      for (auto& h : r.raw.headers)
        if (IEquals(h.name, "content-length")) h.value = std::to_string(body.size());
    }
  }
};

// CreateKeyPair makes an RSA key of 2048 bits unless told otherwise, which
// takes longer than everything else an input does: this fuzzer asks for
// ED25519 keys (KeyType=ed25519 replaces any KeyType of the form or query).
void CheapKeyPairs(Request& r, std::string& body) {
  auto rewrite = [](std::string& form) {
    if (form.find("CreateKeyPair") == std::string::npos) return false;
    std::string out;
    std::string_view rest = form;
    while (!rest.empty()) {
      std::size_t amp = rest.find('&');
      std::string_view part = rest.substr(0, amp);
      rest = amp == rest.npos ? std::string_view() : rest.substr(amp + 1);
      if (part.starts_with("KeyType=")) continue;
      out.append(part).push_back('&');
    }
    form = out + "KeyType=ed25519";
    return true;
  };
  if (ApiOf(r) != Api::kEc2) return;
  if (rewrite(r.raw.query)) protocol::ParseTarget(r);
  if (rewrite(body)) {
    r.content_length = body.size();
    for (auto& h : r.raw.headers)
      if (IEquals(h.name, "content-length")) h.value = std::to_string(body.size());
  }
}

// Reads the body of the request whose header `parser` holds, as the net layer
// does, into `body` (at most `limit` bytes: then stopped). Returns whether
// the body arrived whole.
bool ReadBody(MemoryStream& stream, boost::beast::flat_buffer& buffer, net::RequestParser& parser,
              std::size_t piece, std::uint64_t limit, std::string& body, bool& stopped) {
  std::vector<char> io(piece);
  while (!parser.is_done()) {
    parser.get().body().data = io.data();
    parser.get().body().size = io.size();
    boost::system::error_code ec;
    http::read_some(stream, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    std::size_t got = io.size() - parser.get().body().size;
    body.append(io.data(), got);
    if (body.size() > limit) {
      stopped = true;
      return false;
    }
    if (ec) break;
  }
  return parser.is_done();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  if (!TheWorld()) Rebuild();
  const std::uint8_t mode = data[0], sizes = data[1];
  static constexpr std::size_t kReads[] = {65536, 512, 64, 7};
  const std::size_t read_size = kReads[sizes & 3];
  const std::size_t piece = 1 + 61 * (sizes >> 2);
  const int signing = mode % 4;
  MemoryStream stream(std::string_view(reinterpret_cast<const char*>(data + 2), size - 2),
                      read_size);
  boost::beast::flat_buffer buffer;
  World& world = *TheWorld();
  bool dirty = false, may_be_public = false;
  Ids ids;

  for (int n = 0; n < kMaxRequests; ++n) {
    net::RequestParser parser;
    parser.header_limit(net::ServerOptions{}.header_limit);
    parser.body_limit(boost::none);  // each exchange sets its own limit
    boost::system::error_code ec;
    http::read_header(stream, buffer, parser, ec);
    if (ec) break;  // the server answers 400 (or nothing) and hangs up

    Request request;
    const bool parsed = net::RequestFromHeader(parser, request);
    request.remote_address = "127.0.0.1";
    request.request_id = "FUZZREQUEST" + std::to_string(n);
    request.host_id = "fuzz-host-id";
    const bool keep_alive = parser.get().keep_alive();
    if (!parsed) {
      // 400 InvalidURI; the body is not read.
      if (!parser.is_done()) break;
      continue;
    }
    const bool want_signed =
        signing == 1 || signing == 2 || (signing == 3 && n < 6 && ((mode >> (2 + n)) & 1));
    // A request to sign needs its body first (EC2, Cost Explorer and the
    // admin API sign its hash); the others get theirs streamed, as the server
    // does.
    std::string early_body;
    bool early_complete = true, early_stopped = false;
    const bool pre_read = want_signed;
    bool sign = false;
    if (pre_read) {
      early_complete =
          ReadBody(stream, buffer, parser, 64 * 1024, 8 << 20, early_body, early_stopped);
      ids.Substitute(request, early_body);
      CheapKeyPairs(request, early_body);
      Request signed_request = request;
      if (Sign(signed_request, early_body, signing == 2)) {
        request = std::move(signed_request);
        sign = true;
        dirty = true;
        if (MayGrant(request)) may_be_public = true;
      }
    } else {
      ids.Substitute(request, early_body);
    }
    const Api api = ApiOf(request);
    const Request copy = request;  // for the checks: Begin takes the request

    Response response;
    bool complete = true;
    try {
      std::unique_ptr<api::Exchange> exchange = world.front->Begin(std::move(request));
      if (exchange->early) {
        response = std::move(*exchange->early);
        CheckResponse(copy, response, api, sign, may_be_public);
        ids.Learn(response.body);
        if (response.status < 300 && !(api == Api::kConsole)) dirty = true;
        if (!parser.is_done() || (pre_read && !early_complete)) break;
        if (!keep_alive) break;
        continue;
      }
      std::uint64_t bytes_in = 0;
      bool stopped = false;
      if (pre_read) {
        // The body read before signing, in pieces.
        for (std::size_t at = 0; at < early_body.size(); at += piece) {
          std::string_view part = std::string_view(early_body).substr(at, piece);
          bytes_in += part.size();
          if (bytes_in > exchange->body_limit || !exchange->OnBody(part)) {
            stopped = true;
            break;
          }
        }
        complete = early_complete && !stopped && !early_stopped;
      } else if (!parser.is_done()) {
        std::vector<char> io(piece);
        while (!parser.is_done()) {
          parser.get().body().data = io.data();
          parser.get().body().size = io.size();
          boost::system::error_code rec;
          http::read_some(stream, buffer, parser, rec);
          if (rec == http::error::need_buffer) rec = {};
          std::size_t got = io.size() - parser.get().body().size;
          if (got > 0) {
            bytes_in += got;
            if (bytes_in > exchange->body_limit) {
              stopped = true;
              break;
            }
            if (!exchange->OnBody(std::string_view(io.data(), got))) {
              stopped = true;
              break;
            }
          }
          if (rec) break;
        }
        complete = parser.is_done() && !stopped;
      }
      if (bytes_in > exchange->body_limit) {
        exchange.reset();  // the server answers 400 MaxMessageLengthExceeded
      } else {
        response = exchange->Finish(complete);
        exchange.reset();
        CheckResponse(copy, response, api, sign, may_be_public);
        ids.Learn(response.body);
        if (response.status < 300 && api != Api::kConsole) dirty = true;
      }
    } catch (const std::exception& e) {
      Fail("exception from a service (the server answers 500)",
           std::string(e.what()) + "\n" + copy.raw.method + " " + copy.raw.path + "?" +
               copy.raw.query);
    }
    if (!complete || !keep_alive) break;
  }
  if (dirty) Rebuild();
  return 0;
}
