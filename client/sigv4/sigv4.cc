#include "client/include/awslab/sigv4.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>

namespace awslab::sigv4 {

namespace {

constexpr std::array<bool, 256> MakeUnreservedTable() {
  std::array<bool, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  t['-'] = t['_'] = t['.'] = t['~'] = true;
  return t;
}
constexpr std::array<bool, 256> kUnreserved = MakeUnreservedTable();

constexpr char kUpperHex[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Header values may be folded over several lines (obs-fold) and may carry
// tabs; SigV4 treats every such run as one space.
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

void AppendEncodedByte(std::string* out, unsigned char c, bool encode_slash) {
  if (kUnreserved[c] || (c == '/' && !encode_slash)) {
    out->push_back(static_cast<char>(c));
  } else {
    const char esc[3] = {'%', kUpperHex[c >> 4], kUpperHex[c & 0x0f]};
    out->append(esc, 3);
  }
}

void AppendUriEncoded(std::string* out, std::string_view s, bool encode_slash) {
  for (char c : s) AppendEncodedByte(out, static_cast<unsigned char>(c), encode_slash);
}

// Decodes %XX escapes of `s` and re-encodes the result in one pass, so a
// canonical form costs no intermediate string.
void AppendRecoded(std::string* out, std::string_view s, bool encode_slash) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<unsigned char>(hi * 16 + lo);
        i += 2;
      }
    }
    AppendEncodedByte(out, c, encode_slash);
  }
}

// Whether the percent-decoded form of `raw` equals `decoded`, without
// building the decoded string.
bool DecodedEquals(std::string_view raw, std::string_view decoded) {
  std::size_t j = 0;
  for (std::size_t i = 0; i < raw.size(); ++i, ++j) {
    if (j >= decoded.size()) return false;
    char c = raw[i];
    if (c == '%' && i + 2 < raw.size()) {
      int hi = HexValue(raw[i + 1]);
      int lo = HexValue(raw[i + 2]);
      if (hi >= 0 && lo >= 0) {
        c = static_cast<char>(hi * 16 + lo);
        i += 2;
      }
    }
    if (c != decoded[j]) return false;
  }
  return j == decoded.size();
}

// Appends `value` trimmed, with inner whitespace runs collapsed to one space.
void AppendCanonicalHeaderValue(std::string* out, std::string_view value) {
  value = Trim(value);
  bool in_space = false;
  for (char c : value) {
    if (IsSpace(c)) {
      in_space = true;
      continue;
    }
    if (in_space) out->push_back(' ');
    in_space = false;
    out->push_back(c);
  }
}

bool HasHeader(const std::vector<Header>& headers, std::string_view lower_name) {
  return std::any_of(headers.begin(), headers.end(),
                     [&](const Header& h) { return EqualsIgnoreCase(h.name, lower_name); });
}

void EraseHeader(std::vector<Header>* headers, std::string_view lower_name) {
  headers->erase(std::remove_if(headers->begin(), headers->end(),
                                [&](const Header& h) { return EqualsIgnoreCase(h.name, lower_name); }),
                 headers->end());
}

// Lowercase, sorted, unique names of the headers present that are signed.
std::vector<std::string> SignedHeaderNames(const std::vector<Header>& headers,
                                           const std::vector<std::string>& unsigned_headers) {
  std::vector<std::string> names;
  names.reserve(headers.size());
  for (const Header& h : headers) {
    std::string name = ToLower(h.name);
    if (std::find(unsigned_headers.begin(), unsigned_headers.end(), name) !=
        unsigned_headers.end()) {
      continue;
    }
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

std::string JoinSignedHeaders(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) {
    if (!out.empty()) out.push_back(';');
    out += n;
  }
  return out;
}

// Calls fn with each `sep`-separated part of s, empty ones included, until
// fn returns false; false then. Parsing the Authorization header this way
// builds no vector of parts.
template <class Fn>
bool EachPart(std::string_view s, char sep, Fn&& fn) {
  std::size_t start = 0;
  while (true) {
    std::size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) return fn(s.substr(start));
    if (!fn(s.substr(start, pos - start))) return false;
    start = pos + 1;
  }
}

std::string CredentialString(std::string_view access_key_id, const Scope& scope) {
  std::string out(access_key_id);
  out.push_back('/');
  out += scope.ToString();
  return out;
}

}  // namespace

std::string Scope::ToString() const {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out += date;
  out.push_back('/');
  out += region;
  out.push_back('/');
  out += service;
  out += "/aws4_request";
  return out;
}

std::string AmzDate(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto day = floor<days>(t);
  const year_month_day ymd{day};
  const hh_mm_ss<seconds> hms{floor<seconds>(t - day)};
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s) {
  using namespace std::chrono;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  if (!IsDigits(s.substr(0, 8)) || !IsDigits(s.substr(9, 6))) return std::nullopt;
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const year_month_day ymd{year{num(0, 4)}, month{static_cast<unsigned>(num(4, 2))},
                           day{static_cast<unsigned>(num(6, 2))}};
  const int h = num(9, 2), m = num(11, 2), sec = num(13, 2);
  if (!ymd.ok() || h > 23 || m > 59 || sec > 59) return std::nullopt;
  // A time point (nanoseconds) holds only the years 1678 to 2261, and the
  // emulator adds a week to a date and takes its distance to now: a year
  // outside 1970-2200 is no date a client signs at.
  if (ymd.year() < year{1970} || ymd.year() > year{2200}) return std::nullopt;
  return system_clock::time_point(sys_days{ymd} + hours{h} + minutes{m} + seconds{sec});
}

std::string UriEncode(std::string_view s, bool encode_slash) {
  std::string out;
  out.reserve(s.size() + s.size() / 2);
  AppendUriEncoded(&out, s, encode_slash);
  return out;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = HexValue(s[i + 1]);
      int lo = HexValue(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

namespace {

// CanonicalUri, CanonicalHeaders and the signed header list appended to the
// canonical request being built, rather than each in a string of its own.
void AppendCanonicalUri(std::string& out, std::string_view raw_path, bool normalize) {
  if (!normalize) {
    // Segment by segment so that an encoded slash ("%2F") inside a key
    // stays encoded instead of becoming a path separator.
    if (raw_path.empty() || raw_path.front() != '/') out.push_back('/');
    std::size_t start = 0;
    while (start <= raw_path.size()) {
      std::size_t slash = raw_path.find('/', start);
      std::size_t end = slash == std::string_view::npos ? raw_path.size() : slash;
      AppendRecoded(&out, raw_path.substr(start, end - start), /*encode_slash=*/true);
      if (slash == std::string_view::npos) break;
      out.push_back('/');
      start = slash + 1;
    }
    return;
  }

  // Normalized form: the raw path is the once-encoded wire form, so
  // encoding it once more gives the double encoding the generic services
  // expect ("/a%20b" -> "/a%2520b"). Decoding first would break that and
  // would not match the test suite (a raw "/example space/" must give
  // "/example%20space/").
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= raw_path.size()) {
    std::size_t slash = raw_path.find('/', start);
    std::size_t end = slash == std::string_view::npos ? raw_path.size() : slash;
    std::string_view seg = raw_path.substr(start, end - start);
    if (seg == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segments.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (std::string_view seg : segments) {
    out.push_back('/');
    AppendUriEncoded(&out, seg, /*encode_slash=*/true);
  }
  if (segments.empty() || (!raw_path.empty() && raw_path.back() == '/')) out.push_back('/');
}

void AppendCanonicalHeaders(std::string& out, const std::vector<Header>& headers,
                            const std::vector<std::string>& signed_headers) {
  for (const std::string& name : signed_headers) {
    out += name;
    out.push_back(':');
    bool first = true;
    for (const Header& h : headers) {
      if (!EqualsIgnoreCase(h.name, name)) continue;
      if (!first) out.push_back(',');
      first = false;
      AppendCanonicalHeaderValue(&out, h.value);
    }
    out.push_back('\n');
  }
}

}  // namespace

std::string CanonicalUri(std::string_view raw_path, bool normalize) {
  std::string out;
  out.reserve(raw_path.size() + raw_path.size() / 2 + 1);
  AppendCanonicalUri(out, raw_path, normalize);
  return out;
}


std::string CanonicalQuery(std::string_view raw_query,
                           const std::vector<std::string_view>& exclude) {
  if (raw_query.empty()) return {};
  // All encoded names and values live in one buffer; entries refer to it by
  // offset, so the whole function allocates a handful of times however many
  // parameters there are.
  struct Entry {
    std::uint32_t name_pos, name_len, value_pos, value_len;
  };
  std::string arena;
  arena.reserve(raw_query.size() + raw_query.size() / 2);
  std::vector<Entry> entries;
  entries.reserve(static_cast<std::size_t>(std::count(raw_query.begin(), raw_query.end(), '&')) +
                  1);

  std::size_t start = 0;
  while (start < raw_query.size()) {
    std::size_t amp = raw_query.find('&', start);
    std::size_t end = amp == std::string_view::npos ? raw_query.size() : amp;
    std::string_view part = raw_query.substr(start, end - start);
    start = end + 1;
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    std::string_view name = part.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : part.substr(eq + 1);
    if (std::any_of(exclude.begin(), exclude.end(),
                    [&](std::string_view x) { return DecodedEquals(name, x); })) {
      continue;
    }
    Entry e;
    e.name_pos = static_cast<std::uint32_t>(arena.size());
    AppendRecoded(&arena, name, /*encode_slash=*/true);
    e.name_len = static_cast<std::uint32_t>(arena.size() - e.name_pos);
    e.value_pos = static_cast<std::uint32_t>(arena.size());
    AppendRecoded(&arena, value, /*encode_slash=*/true);
    e.value_len = static_cast<std::uint32_t>(arena.size() - e.value_pos);
    entries.push_back(e);
  }

  const std::string_view a(arena);
  std::sort(entries.begin(), entries.end(), [&](const Entry& x, const Entry& y) {
    int c = a.substr(x.name_pos, x.name_len).compare(a.substr(y.name_pos, y.name_len));
    if (c != 0) return c < 0;
    return a.substr(x.value_pos, x.value_len) < a.substr(y.value_pos, y.value_len);
  });

  std::string out;
  out.reserve(arena.size() + 2 * entries.size());
  for (const Entry& e : entries) {
    if (!out.empty()) out.push_back('&');
    out.append(a.substr(e.name_pos, e.name_len));
    out.push_back('=');
    out.append(a.substr(e.value_pos, e.value_len));
  }
  return out;
}

std::string CanonicalHeaders(const std::vector<Header>& headers,
                             const std::vector<std::string>& signed_headers) {
  std::string out;
  AppendCanonicalHeaders(out, headers, signed_headers);
  return out;
}

std::string CanonicalRequest(const HttpRequest& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash, bool normalize_path,
                             const std::vector<std::string_view>& exclude_query) {
  std::string out;
  AppendCanonicalRequest(out, request, signed_headers, payload_hash, normalize_path,
                         exclude_query);
  return out;
}

void AppendCanonicalRequest(std::string& out, const HttpRequest& request,
                            const std::vector<std::string>& signed_headers,
                            std::string_view payload_hash, bool normalize_path,
                            const std::vector<std::string_view>& exclude_query) {
  std::size_t header_bytes = 0;
  for (const Header& h : request.headers) header_bytes += h.name.size() + h.value.size() + 2;
  out.reserve(out.size() + 256 + request.method.size() + 2 * request.path.size() +
              2 * request.query.size() + 2 * header_bytes);
  out += request.method;
  out.push_back('\n');
  AppendCanonicalUri(out, request.path, normalize_path);
  out.push_back('\n');
  if (!request.query.empty()) out += CanonicalQuery(request.query, exclude_query);
  out.push_back('\n');
  AppendCanonicalHeaders(out, request.headers, signed_headers);
  out.push_back('\n');
  // As JoinSignedHeaders: a separator only after something (an empty name
  // first, which only a malformed request has, adds none; sigv4_fuzzer).
  const std::size_t list_start = out.size();
  for (const std::string& name : signed_headers) {
    if (out.size() > list_start) out.push_back(';');
    out += name;
  }
  out.push_back('\n');
  out += payload_hash;
}

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request) {
  std::string out(kAlgorithm);
  out.push_back('\n');
  out += amz_date;
  out.push_back('\n');
  out += scope.ToString();
  out.push_back('\n');
  out += crypto::Sha256Hex(canonical_request);
  return out;
}

crypto::Sha256Digest SigningKey(std::string_view secret_access_key, const Scope& scope) {
  auto view = [](const crypto::Sha256Digest& d) {
    return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
  };
  std::string k_secret = "AWS4";
  k_secret += secret_access_key;
  const crypto::Sha256Digest k_date = crypto::HmacSha256(k_secret, scope.date);
  const crypto::Sha256Digest k_region = crypto::HmacSha256(view(k_date), scope.region);
  const crypto::Sha256Digest k_service = crypto::HmacSha256(view(k_region), scope.service);
  return crypto::HmacSha256(view(k_service), "aws4_request");
}

std::string Signature(const crypto::Sha256Digest& signing_key, std::string_view string_to_sign) {
  return crypto::Hex(crypto::HmacSha256(
      std::string_view(reinterpret_cast<const char*>(signing_key.data()), signing_key.size()),
      string_to_sign));
}

std::string Signature(const crypto::HmacSha256Key& signing_key, std::string_view string_to_sign) {
  return crypto::Hex(signing_key.Sign(string_to_sign));
}

std::string ChunkStringToSign(std::string_view amz_date, const Scope& scope,
                              std::string_view previous_signature,
                              std::string_view chunk_data_sha256_hex) {
  std::string out = "AWS4-HMAC-SHA256-PAYLOAD\n";
  out += amz_date;
  out.push_back('\n');
  out += scope.ToString();
  out.push_back('\n');
  out += previous_signature;
  out.push_back('\n');
  out += kEmptySha256;
  out.push_back('\n');
  out += chunk_data_sha256_hex;
  return out;
}

std::string TrailerStringToSign(std::string_view amz_date, const Scope& scope,
                                std::string_view previous_signature,
                                std::string_view trailer_sha256_hex) {
  std::string out = "AWS4-HMAC-SHA256-TRAILER\n";
  out += amz_date;
  out.push_back('\n');
  out += scope.ToString();
  out.push_back('\n');
  out += previous_signature;
  out.push_back('\n');
  out += trailer_sha256_hex;
  return out;
}

std::string SignRequest(HttpRequest& request, const Credentials& credentials,
                        const SignOptions& options) {
  if (!HasHeader(request.headers, "host")) return std::string();
  const std::string amz_date = AmzDate(options.time);
  const Scope scope{amz_date.substr(0, 8), options.region, options.service};

  // Re-signing a request must not leave the previous date or signature
  // beside the new ones.
  EraseHeader(&request.headers, "x-amz-date");
  EraseHeader(&request.headers, "authorization");
  if (!credentials.session_token.empty()) {
    EraseHeader(&request.headers, "x-amz-security-token");
    request.headers.push_back({"X-Amz-Security-Token", credentials.session_token});
  }
  request.headers.push_back({"X-Amz-Date", amz_date});
  if (options.add_content_sha256_header) {
    EraseHeader(&request.headers, "x-amz-content-sha256");
    request.headers.push_back({"x-amz-content-sha256", options.payload_hash});
  }

  const std::vector<std::string> signed_headers =
      SignedHeaderNames(request.headers, options.unsigned_headers);
  const std::string canonical =
      CanonicalRequest(request, signed_headers, options.payload_hash, options.normalize_path);
  const std::string signature =
      Signature(SigningKey(credentials.secret_access_key, scope),
                StringToSign(amz_date, scope, canonical));

  std::string authorization(kAlgorithm);
  authorization += " Credential=";
  authorization += CredentialString(credentials.access_key_id, scope);
  authorization += ", SignedHeaders=";
  authorization += JoinSignedHeaders(signed_headers);
  authorization += ", Signature=";
  authorization += signature;
  request.headers.push_back({"Authorization", std::move(authorization)});
  return signature;
}

std::string PresignRequest(HttpRequest& request, const Credentials& credentials,
                           const SignOptions& options, std::chrono::seconds expires) {
  if (!HasHeader(request.headers, "host")) return std::string();
  const std::string amz_date = AmzDate(options.time);
  const Scope scope{amz_date.substr(0, 8), options.region, options.service};
  const std::vector<std::string> signed_headers =
      SignedHeaderNames(request.headers, options.unsigned_headers);

  std::string& q = request.query;
  if (!q.empty() && q.back() != '&') q.push_back('&');
  q += "X-Amz-Algorithm=";
  q += kAlgorithm;
  q += "&X-Amz-Credential=";
  AppendUriEncoded(&q, CredentialString(credentials.access_key_id, scope), true);
  q += "&X-Amz-Date=";
  q += amz_date;
  q += "&X-Amz-SignedHeaders=";
  AppendUriEncoded(&q, JoinSignedHeaders(signed_headers), true);
  q += "&X-Amz-Expires=";
  q += std::to_string(expires.count());
  if (!credentials.session_token.empty()) {
    q += "&X-Amz-Security-Token=";
    AppendUriEncoded(&q, credentials.session_token, true);
  }

  const std::string canonical =
      CanonicalRequest(request, signed_headers, options.payload_hash, options.normalize_path);
  const std::string signature =
      Signature(SigningKey(credentials.secret_access_key, scope),
                StringToSign(amz_date, scope, canonical));
  q += "&X-Amz-Signature=";
  q += signature;
  return signature;
}

std::optional<std::pair<std::string, Scope>> ParseCredential(std::string_view credential) {
  std::array<std::string_view, 5> parts;
  std::size_t count = 0;
  const bool fits = EachPart(credential, '/', [&](std::string_view p) {
    if (count == parts.size()) return false;
    parts[count++] = p;
    return true;
  });
  if (!fits || count != parts.size() || parts[4] != "aws4_request") return std::nullopt;
  for (std::string_view p : parts) {
    if (p.empty()) return std::nullopt;
  }
  if (parts[1].size() != 8 || !IsDigits(parts[1])) return std::nullopt;
  return std::make_pair(std::string(parts[0]),
                        Scope{std::string(parts[1]), std::string(parts[2]), std::string(parts[3])});
}

std::optional<ParsedAuthorization> ParseAuthorization(std::string_view header_value) {
  std::string_view s = Trim(header_value);
  if (s.size() <= kAlgorithm.size() || s.substr(0, kAlgorithm.size()) != kAlgorithm ||
      s[kAlgorithm.size()] != ' ') {
    return std::nullopt;
  }
  s.remove_prefix(kAlgorithm.size());

  std::optional<std::string_view> credential, signed_headers, signature;
  const bool well_formed = EachPart(s, ',', [&](std::string_view part) {
    part = Trim(part);
    std::size_t eq = part.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") {
      slot = &credential;
    } else if (key == "SignedHeaders") {
      slot = &signed_headers;
    } else if (key == "Signature") {
      slot = &signature;
    } else {
      return false;
    }
    if (slot->has_value() || value.empty()) return false;
    *slot = value;
    return true;
  });
  if (!well_formed || !credential || !signed_headers || !signature) return std::nullopt;

  auto cred = ParseCredential(*credential);
  if (!cred || !IsLowerHex(*signature)) return std::nullopt;
  ParsedAuthorization out;
  out.access_key_id = std::move(cred->first);
  out.scope = std::move(cred->second);
  out.signed_headers.reserve(
      static_cast<std::size_t>(std::count(signed_headers->begin(), signed_headers->end(), ';')) +
      1);
  const bool names_ok = EachPart(*signed_headers, ';', [&](std::string_view name) {
    if (name.empty()) return false;
    out.signed_headers.emplace_back(name);
    return true;
  });
  if (!names_ok) return std::nullopt;
  out.signature = std::string(*signature);
  return out;
}

}  // namespace awslab::sigv4
