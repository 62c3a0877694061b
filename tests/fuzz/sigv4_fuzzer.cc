// SigV4's canonical forms (client/include/awslab/sigv4.h) on arbitrary
// requests: the one signer the client signs with and the emulator verifies
// with, so a canonical form that is not a function of the request's meaning
// is a forgery or a spurious SignatureDoesNotMatch.
//
// Input: a request as the AWS SigV4 test suite writes one (request.txt):
//   GET /path?a=1&b=2 HTTP/1.1      the request line (" HTTP/..." optional)
//   Host:example.amazonaws.com      headers, "Name:value"
//     folded                        a line starting with a blank continues the value
//                                   an empty line, then
//   body                            the body (hashed as the payload)
//
// What it checks besides memory safety:
// - UriEncode's output is unreserved characters and uppercase %XX only (and
//   '/' when kept), and UriDecode undoes it exactly;
// - CanonicalQuery is sorted by name then value, every pair has '=', only
//   canonical characters; it is idempotent, ignores the parameters' order,
//   and excluding X-Amz-Signature drops exactly those pairs;
// - CanonicalUri (S3, not normalized) is idempotent and keeps the decoded
//   path; normalized, it has no empty, "." or ".." segment and normalizing
//   its decoded form again changes nothing;
// - CanonicalHeaders has one "name:value" line per signed name, values
//   trimmed with no run of blanks, whatever the headers' order or case;
// - CanonicalRequest is the concatenation of those parts, deterministic;
// - SignRequest's Authorization header parses back to its key, scope, signed
//   headers and signature, and that signature is the one recomputed from the
//   signed request; PresignRequest's query likewise;
// - ParseAmzDate accepts only what AmzDate writes back byte for byte, and
//   a parsed Authorization header or credential re-serializes to itself.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/fuzz/request_text.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"

namespace sigv4 = awslab::sigv4;

namespace {

[[noreturn]] void Fail(const char* what, std::string_view a = {}, std::string_view b = {}) {
  std::fprintf(stderr, "sigv4_fuzzer: property violated: %s\n  a: [%.*s]\n  b: [%.*s]\n", what,
               static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data());
  std::abort();
}

void Check(bool ok, const char* what, std::string_view a = {}, std::string_view b = {}) {
  if (!ok) Fail(what, a, b);
}

// A request in the SigV4 suite's request.txt form (request_text.h).
using Parsed = awslab::fuzz::RequestText;
using awslab::fuzz::ParseRequestText;

bool IsUnreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == '~';
}
bool IsUpperHex(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); }
char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string LowerString(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Only unreserved characters, "%XX" with uppercase hex, and `extra`.
bool IsCanonicalEncoding(std::string_view s, std::string_view extra) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsUnreserved(c) || extra.find(c) != extra.npos) continue;
    if (c != '%' || i + 2 >= s.size() || !IsUpperHex(s[i + 1]) || !IsUpperHex(s[i + 2]))
      return false;
    i += 2;
  }
  return true;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  while (true) {
    std::size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == s.npos) return out;
    s.remove_prefix(at + 1);
  }
}

// An HTTP token (RFC 9110 tchar): what a header name can be on the wire.
bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (IsUnreserved(c)) continue;
    if (std::string_view("!#$%&'*+^`|").find(c) == std::string_view::npos) return false;
  }
  return true;
}

void CheckUriEncoding(std::string_view s) {
  for (bool slash : {true, false}) {
    std::string e = sigv4::UriEncode(s, slash);
    Check(IsCanonicalEncoding(e, slash ? "" : "/"), "UriEncode: non-canonical output", s, e);
    Check(e.size() <= 3 * s.size(), "UriEncode: output too long", s, e);
    Check(sigv4::UriDecode(e) == s, "UriDecode(UriEncode(s)) != s", s, e);
  }
  Check(sigv4::UriDecode(s).size() <= s.size(), "UriDecode: output longer than input", s);
}

void CheckQuery(std::string_view raw) {
  const std::string cq = sigv4::CanonicalQuery(raw);
  Check(cq == sigv4::CanonicalQuery(raw), "CanonicalQuery: not deterministic", raw, cq);
  std::size_t parts = 0;
  for (std::string_view part : Split(raw, '&')) parts += !part.empty();
  std::vector<std::pair<std::string_view, std::string_view>> pairs;
  if (!cq.empty()) {
    for (std::string_view pair : Split(cq, '&')) {
      std::size_t eq = pair.find('=');
      Check(eq != pair.npos, "CanonicalQuery: a pair without '='", raw, cq);
      std::string_view name = pair.substr(0, eq), value = pair.substr(eq + 1);
      Check(IsCanonicalEncoding(name, "") && IsCanonicalEncoding(value, ""),
            "CanonicalQuery: non-canonical characters", raw, cq);
      pairs.emplace_back(name, value);
    }
  }
  Check(pairs.size() == parts, "CanonicalQuery: pair count differs from the query's", raw, cq);
  Check(std::is_sorted(pairs.begin(), pairs.end()), "CanonicalQuery: not sorted", raw, cq);
  Check(sigv4::CanonicalQuery(cq) == cq, "CanonicalQuery: not idempotent", raw, cq);

  // The parameters' order on the wire does not matter.
  std::vector<std::string_view> wire = Split(raw, '&');
  std::reverse(wire.begin(), wire.end());
  std::string reversed;
  for (std::string_view part : wire) {
    if (!reversed.empty()) reversed += '&';
    reversed += part;
  }
  Check(sigv4::CanonicalQuery(reversed) == cq, "CanonicalQuery: depends on the order", raw,
        reversed);

  // Excluding X-Amz-Signature drops exactly the pairs of that name.
  std::string without;
  for (const auto& [name, value] : pairs) {
    if (name == "X-Amz-Signature") continue;
    if (!without.empty()) without += '&';
    without.append(name);
    without += '=';
    without.append(value);
  }
  Check(sigv4::CanonicalQuery(raw, {"X-Amz-Signature"}) == without,
        "CanonicalQuery: exclusion drops other pairs", raw, without);
}

void CheckUri(std::string_view raw) {
  // S3: decoded then encoded once, '/' kept, "%2F" kept encoded.
  const std::string s3 = sigv4::CanonicalUri(raw, false);
  Check(!s3.empty() && s3[0] == '/', "CanonicalUri(S3): not absolute", raw, s3);
  Check(IsCanonicalEncoding(s3, "/"), "CanonicalUri(S3): non-canonical characters", raw, s3);
  Check(sigv4::CanonicalUri(s3, false) == s3, "CanonicalUri(S3): not idempotent", raw, s3);
  std::string decoded = raw.starts_with('/') ? std::string() : std::string("/");
  decoded += sigv4::UriDecode(raw);
  Check(sigv4::UriDecode(s3) == decoded, "CanonicalUri(S3): changes the decoded path", raw, s3);

  // Normalized: no empty, "." or ".." segment; the normalization of its
  // decoded form is itself.
  const std::string n = sigv4::CanonicalUri(raw, true);
  Check(!n.empty() && n[0] == '/', "CanonicalUri: not absolute", raw, n);
  Check(IsCanonicalEncoding(n, "/"), "CanonicalUri: non-canonical characters", raw, n);
  if (n != "/") {
    std::string_view inner(n);
    inner.remove_prefix(1);
    if (inner.ends_with('/')) inner.remove_suffix(1);
    for (std::string_view seg : Split(inner, '/'))
      Check(!seg.empty() && seg != "." && seg != "..", "CanonicalUri: a segment left", raw, n);
  }
  const std::string d = sigv4::UriDecode(n);
  Check(sigv4::UriDecode(sigv4::CanonicalUri(d, true)) == d, "CanonicalUri: not idempotent", raw,
        n);
}

// Lowercase, sorted, unique names of the headers.
std::vector<std::string> HeaderNames(const std::vector<sigv4::Header>& headers,
                                     const std::vector<std::string>& leave_out = {}) {
  std::vector<std::string> names;
  for (const auto& h : headers) {
    std::string n = LowerString(h.name);
    if (std::find(leave_out.begin(), leave_out.end(), n) == leave_out.end()) names.push_back(n);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

void CheckHeaders(const std::vector<sigv4::Header>& headers) {
  std::vector<std::string> names = HeaderNames(headers);
  names.push_back("zzzz-absent-header");
  const std::string ch = sigv4::CanonicalHeaders(headers, names);
  std::vector<std::string_view> lines = Split(ch, '\n');
  Check(!lines.empty() && lines.back().empty(), "CanonicalHeaders: no final newline", ch);
  lines.pop_back();
  // A name may itself hold ':' or '\n' only if it was sent so; count on the
  // names that are tokens.
  bool tokens = std::all_of(headers.begin(), headers.end(),
                            [](const sigv4::Header& h) { return IsToken(h.name); });
  if (tokens) {
    Check(lines.size() == names.size(), "CanonicalHeaders: one line per name", ch);
    for (std::size_t i = 0; i < names.size(); ++i) {
      Check(lines[i].starts_with(names[i]) && lines[i].size() > names[i].size() &&
                lines[i][names[i].size()] == ':',
            "CanonicalHeaders: a line is not name:value", lines[i], names[i]);
      std::string_view value = lines[i].substr(names[i].size() + 1);
      Check(value.find("  ") == value.npos && value.find('\t') == value.npos &&
                value.find('\r') == value.npos && !value.starts_with(' ') &&
                !value.ends_with(' '),
            "CanonicalHeaders: a value not trimmed", value);
    }
    Check(lines.back() == "zzzz-absent-header:", "CanonicalHeaders: an absent header", ch);
  }
  // Order of distinct names and the names' case do not matter.
  std::vector<sigv4::Header> shuffled = headers;
  std::stable_sort(shuffled.begin(), shuffled.end(), [](const auto& a, const auto& b) {
    return LowerString(a.name) > LowerString(b.name);
  });
  for (auto& h : shuffled)
    for (char& c : h.name)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  Check(sigv4::CanonicalHeaders(shuffled, names) == ch,
        "CanonicalHeaders: depends on order or case", ch);
}

void CheckAmzDate(std::string_view s) {
  auto t = sigv4::ParseAmzDate(s);
  if (t) Check(sigv4::AmzDate(*t) == s, "ParseAmzDate accepts what AmzDate does not write", s);
}

void CheckAuthorizationParse(std::string_view s) {
  if (auto c = sigv4::ParseCredential(s)) {
    std::string again = c->first + "/" + c->second.ToString();
    Check(again == s, "ParseCredential: does not re-serialize", s, again);
  }
  auto a = sigv4::ParseAuthorization(s);
  if (!a) return;
  std::string sh;
  for (const auto& h : a->signed_headers) sh += (sh.empty() ? "" : ";") + h;
  std::string again = std::string(sigv4::kAlgorithm) + " Credential=" + a->access_key_id + "/" +
                      a->scope.ToString() + ", SignedHeaders=" + sh +
                      ", Signature=" + a->signature;
  auto b = sigv4::ParseAuthorization(again);
  Check(b && b->access_key_id == a->access_key_id && b->scope.date == a->scope.date &&
            b->scope.region == a->scope.region && b->scope.service == a->scope.service &&
            b->signed_headers == a->signed_headers && b->signature == a->signature,
        "ParseAuthorization: does not re-parse to itself", s, again);
}

const sigv4::Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                                      ""};

void CheckSigning(const Parsed& p, std::uint64_t seed) {
  sigv4::HttpRequest request = p.request;
  bool has_host = std::any_of(request.headers.begin(), request.headers.end(),
                              [](const auto& h) { return LowerString(h.name) == "host"; });
  if (!has_host) request.headers.push_back({"Host", "example.amazonaws.com"});
  bool tokens = std::all_of(request.headers.begin(), request.headers.end(),
                            [](const sigv4::Header& h) { return IsToken(h.name); });

  sigv4::SignOptions options;
  // Any second from 1970 to 2099, from the input.
  options.time = std::chrono::system_clock::time_point(
      std::chrono::seconds(static_cast<std::int64_t>(seed % 4102444800ULL)));
  options.region = "us-east-1";
  options.service = (seed & 1) ? "s3" : "service";
  options.normalize_path = options.service != "s3";
  options.payload_hash = (seed & 2) ? std::string(sigv4::kUnsignedPayload)
                                    : awslab::crypto::Sha256Hex(p.body);
  options.add_content_sha256_header = options.service == "s3";
  const std::string amz_date = sigv4::AmzDate(options.time);
  Check(sigv4::ParseAmzDate(amz_date) ==
            std::chrono::floor<std::chrono::seconds>(options.time),
        "ParseAmzDate(AmzDate(t)) != t", amz_date);
  const sigv4::Scope scope{amz_date.substr(0, 8), options.region, options.service};
  const auto key = sigv4::SigningKey(kCredentials.secret_access_key, scope);

  // The Authorization header.
  sigv4::HttpRequest signed_request = request;
  std::string signature = sigv4::SignRequest(signed_request, kCredentials, options);
  Check(signature.size() == 64 && IsCanonicalEncoding(signature, ""),
        "SignRequest: not a hex signature", signature);
  const std::string* authz = nullptr;
  for (const auto& h : signed_request.headers)
    if (LowerString(h.name) == "authorization") authz = &h.value;
  Check(authz != nullptr, "SignRequest: no Authorization header");
  const std::vector<std::string> expected_names =
      HeaderNames(signed_request.headers, options.unsigned_headers);
  if (tokens) {
    auto parsed = sigv4::ParseAuthorization(*authz);
    Check(parsed.has_value(), "SignRequest's Authorization does not parse", *authz);
    Check(parsed->access_key_id == kCredentials.access_key_id &&
              parsed->scope.ToString() == scope.ToString() && parsed->signature == signature,
          "SignRequest's Authorization: wrong credential or signature", *authz);
    Check(parsed->signed_headers == expected_names,
          "SignRequest's Authorization: wrong signed headers", *authz);
  }
  const std::string canonical = sigv4::CanonicalRequest(signed_request, expected_names,
                                                        options.payload_hash,
                                                        options.normalize_path);
  Check(sigv4::Signature(key, sigv4::StringToSign(amz_date, scope, canonical)) == signature,
        "SignRequest's signature is not the recomputed one", canonical);

  // Presigned.
  sigv4::HttpRequest presigned = request;
  std::string presignature =
      sigv4::PresignRequest(presigned, kCredentials, options, std::chrono::seconds(3600));
  Check(presigned.query.ends_with("X-Amz-Signature=" + presignature),
        "PresignRequest: the signature is not the last parameter", presigned.query);
  std::vector<std::string> names = HeaderNames(request.headers, options.unsigned_headers);
  // The signature covers every parameter before it (an X-Amz-Signature the
  // request already had included).
  sigv4::HttpRequest unsigned_presigned = presigned;
  unsigned_presigned.query.resize(presigned.query.size() - presignature.size() -
                                  std::string_view("X-Amz-Signature=").size());
  const std::string pre_canonical = sigv4::CanonicalRequest(
      unsigned_presigned, names, options.payload_hash, options.normalize_path);
  Check(sigv4::Signature(key, sigv4::StringToSign(amz_date, scope, pre_canonical)) ==
            presignature,
        "PresignRequest's signature is not the recomputed one", pre_canonical);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return 0;  // canonical forms are linear; long inputs only slow the search
  std::string_view in(reinterpret_cast<const char*>(data), size);
  Parsed p = ParseRequestText(in);
  const sigv4::HttpRequest& r = p.request;

  CheckUriEncoding(r.path);
  CheckUriEncoding(r.query);
  CheckQuery(r.query);
  CheckUri(r.path);
  CheckHeaders(r.headers);
  for (const auto& h : r.headers) {
    CheckAmzDate(h.value);
    CheckAuthorizationParse(h.value);
  }
  CheckAmzDate(p.body.substr(0, 16));

  for (bool normalize : {true, false}) {
    std::vector<std::string> names = HeaderNames(r.headers);
    std::string sh;
    for (const auto& n : names) sh += (sh.empty() ? "" : ";") + n;
    const std::string hash = awslab::crypto::Sha256Hex(p.body);
    const std::string c = sigv4::CanonicalRequest(r, names, hash, normalize);
    Check(c == sigv4::CanonicalRequest(r, names, hash, normalize),
          "CanonicalRequest: not deterministic", c);
    const std::string parts = r.method + "\n" + sigv4::CanonicalUri(r.path, normalize) + "\n" +
                              sigv4::CanonicalQuery(r.query) + "\n" +
                              sigv4::CanonicalHeaders(r.headers, names) + "\n" + sh + "\n" + hash;
    Check(c == parts, "CanonicalRequest: not the concatenation of its parts", c, parts);
  }

  std::uint64_t seed = 0;
  for (std::size_t i = 0; i < size && i < 64; ++i) seed = seed * 131 + data[i];
  CheckSigning(p, seed);
  return 0;
}
