#include "emulator/auth/sigv2.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <map>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "emulator/base/strings.h"

namespace awslab::auth::sigv2 {
namespace {

// Sorted (byte order) for binary search. S3's documented list (acl,
// lifecycle, location, logging, notification, partNumber, policy,
// requestPayment, torrent, uploadId, uploads, versionId, versioning, versions,
// website, the response-* overrides, delete) and what the clients add to it
// for later features (cors, tagging, restore, accelerate, ...): a name that
// a client signs and the server does not, or the reverse, is a
// SignatureDoesNotMatch.
constexpr std::string_view kSubresources[] = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};
static_assert(std::is_sorted(std::begin(kSubresources), std::end(kSubresources)));

// Calls fn(name, value, has_value) for each "name=value" of a raw query,
// both decoded ('+' kept as '+', as boto 2's unquote does).
template <class Fn>
void ForEachQueryParam(std::string_view query, Fn fn) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    query = amp == query.npos ? std::string_view() : query.substr(amp + 1);
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    std::string name = sigv4::UriDecode(part.substr(0, eq));
    std::string value = eq == part.npos ? std::string() : sigv4::UriDecode(part.substr(eq + 1));
    fn(std::move(name), std::move(value), eq != part.npos);
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// Trims, and replaces folding whitespace (a run of blanks with a line break
// in it) by one space: "Unfold long headers that span multiple lines ... by
// replacing the folding whitespace (including new-line) by a single space."
std::string CanonicalValue(std::string_view v) {
  while (!v.empty() && IsSpace(v.front())) v.remove_prefix(1);
  while (!v.empty() && IsSpace(v.back())) v.remove_suffix(1);
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size();) {
    if (!IsSpace(v[i])) {
      out.push_back(v[i++]);
      continue;
    }
    std::size_t end = i;
    bool folded = false;
    for (; end < v.size() && IsSpace(v[end]); ++end) folded |= v[end] == '\r' || v[end] == '\n';
    if (folded) {
      out.push_back(' ');
    } else {
      out.append(v.substr(i, end - i));
    }
    i = end;
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view FirstHeader(const sigv4::HttpRequest& request, std::string_view name) {
  for (const auto& h : request.headers)
    if (IEquals(h.name, name)) return h.value;
  return {};
}

// A non-empty run of ASCII digits (callers bound the length).
bool Digits(std::string_view s, int& out) {
  if (s.empty()) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  return true;
}

int MonthIndex(std::string_view m) {
  static constexpr std::string_view kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int i = 0; i < 12; ++i)
    if (m == kMonths[i]) return i;
  return -1;
}

bool IsDayName(std::string_view d) {
  static constexpr std::string_view kDays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::string_view kLong[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                               "Friday", "Saturday", "Sunday"};
  for (int i = 0; i < 7; ++i)
    if (d == kDays[i] || d == kLong[i]) return true;
  return false;
}

// "19:36:42"
bool ParseClock(std::string_view s, int& h, int& m, int& sec) {
  return s.size() == 8 && s[2] == ':' && s[5] == ':' && Digits(s.substr(0, 2), h) &&
         Digits(s.substr(3, 2), m) && Digits(s.substr(6, 2), sec) && h < 24 && m < 60 &&
         sec < 61;
}

// "GMT", "UTC", "UT", "Z" or "+hhmm"/"-hhmm": the offset east of UTC in seconds.
std::optional<long> ParseZone(std::string_view z) {
  if (z == "GMT" || z == "UTC" || z == "UT" || z == "Z") return 0;
  int hh = 0, mm = 0;
  if (z.size() == 5 && (z[0] == '+' || z[0] == '-') && Digits(z.substr(1, 2), hh) &&
      Digits(z.substr(3, 2), mm) && mm < 60) {
    long off = hh * 3600L + mm * 60L;
    return z[0] == '-' ? -off : off;
  }
  return std::nullopt;
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> out;
  while (!s.empty()) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    if (s.empty()) break;
    std::size_t sp = s.find(' ');
    out.push_back(s.substr(0, sp));
    s = sp == s.npos ? std::string_view() : s.substr(sp);
  }
  return out;
}

std::optional<TimePoint> MakeTime(int year, int month, int mday, int h, int m, int s,
                                  long zone_offset) {
  // A TimePoint (nanoseconds) holds only the years 1678 to 2261, and its
  // distance to now is taken: later years are no date a client signs at.
  if (year < 1970 || year > 2200 || month < 0 || mday < 1 || mday > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = mday;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm);
  // timegm normalises 31 February into March; a date that moved is not a date.
  std::tm check{};
  gmtime_r(&t, &check);
  if (check.tm_mday != mday || check.tm_mon != month) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t - zone_offset);
}

}  // namespace

bool IsSignedSubresource(std::string_view name) {
  return std::binary_search(std::begin(kSubresources), std::end(kSubresources), name);
}

std::string CanonicalizedResource(const sigv4::HttpRequest& request,
                                  std::string_view virtual_host_bucket) {
  std::string out;
  if (!virtual_host_bucket.empty()) {
    out.push_back('/');
    out.append(virtual_host_bucket);
  }
  out.append(request.path.empty() ? std::string_view("/") : std::string_view(request.path));
  std::vector<std::string> subresources;
  ForEachQueryParam(request.query, [&](std::string name, std::string value, bool has_value) {
    if (!IsSignedSubresource(name)) return;
    if (has_value) name += "=" + value;
    subresources.push_back(std::move(name));
  });
  // By name only: two values of one name keep their order, as boto 2's
  // stable sort keeps them.
  std::stable_sort(subresources.begin(), subresources.end(),
                   [](const std::string& a, const std::string& b) {
                     return std::string_view(a).substr(0, a.find('=')) <
                            std::string_view(b).substr(0, b.find('='));
                   });
  for (std::size_t i = 0; i < subresources.size(); ++i) {
    out.push_back(i == 0 ? '?' : '&');
    out.append(subresources[i]);
  }
  return out;
}

std::string CanonicalizedAmzHeaders(const sigv4::HttpRequest& request, bool query_auth) {
  std::map<std::string, std::string> headers;  // sorted by lowercase name
  auto add = [&](std::string name, std::string_view value) {
    auto [it, inserted] = headers.try_emplace(std::move(name));
    if (!inserted) it->second.push_back(',');
    it->second.append(CanonicalValue(value));
  };
  for (const auto& h : request.headers)
    if (IStartsWith(h.name, "x-amz-")) add(Lower(h.name), h.value);
  if (query_auth) {
    ForEachQueryParam(request.query, [&](std::string name, std::string value, bool) {
      if (IStartsWith(name, "x-amz-")) add(Lower(name), value);
    });
  }
  std::string out;
  for (const auto& [name, value] : headers) {
    out.append(name);
    out.push_back(':');
    out.append(value);
    out.push_back('\n');
  }
  return out;
}

std::string StringToSign(const sigv4::HttpRequest& request, std::string_view date_line,
                         std::string_view virtual_host_bucket, bool query_auth) {
  std::string out = request.method;
  out.push_back('\n');
  out.append(CanonicalValue(FirstHeader(request, "content-md5")));
  out.push_back('\n');
  out.append(CanonicalValue(FirstHeader(request, "content-type")));
  out.push_back('\n');
  out.append(date_line);
  out.push_back('\n');
  out.append(CanonicalizedAmzHeaders(request, query_auth));
  out.append(CanonicalizedResource(request, virtual_host_bucket));
  return out;
}

std::string Signature(std::string_view secret_access_key, std::string_view string_to_sign) {
  return crypto::Base64(crypto::HmacSha1(secret_access_key, string_to_sign));
}

std::optional<TimePoint> ParseDate(std::string_view text) {
  if (auto iso = sigv4::ParseAmzDate(text)) return iso;
  std::vector<std::string_view> f = SplitSpaces(text);
  int mday = 0, year = 0, h = 0, m = 0, s = 0;
  if (f.size() == 6 && f[0].size() == 4 && f[0].back() == ',' && IsDayName(f[0].substr(0, 3))) {
    // RFC 1123: "Tue, 27 Mar 2007 19:36:42 GMT"
    auto zone = ParseZone(f[5]);
    int month = MonthIndex(f[2]);
    if (!zone || month < 0 || f[1].size() > 2 || !Digits(f[1], mday) || f[3].size() != 4 ||
        !Digits(f[3], year) || !ParseClock(f[4], h, m, s))
      return std::nullopt;
    return MakeTime(year, month, mday, h, m, s, *zone);
  }
  if (f.size() == 4 && f[0].size() > 4 && f[0].back() == ',' &&
      IsDayName(f[0].substr(0, f[0].size() - 1))) {
    // RFC 850: "Tuesday, 27-Mar-07 19:36:42 GMT"; a two-digit year before
    // 70 is in this century.
    std::string_view d = f[1];
    auto zone = ParseZone(f[3]);
    if (!zone || d.size() != 9 || d[2] != '-' || d[6] != '-' || !Digits(d.substr(0, 2), mday) ||
        !Digits(d.substr(7, 2), year) || !ParseClock(f[2], h, m, s))
      return std::nullopt;
    int month = MonthIndex(d.substr(3, 3));
    if (month < 0) return std::nullopt;
    year += year < 70 ? 2000 : 1900;
    return MakeTime(year, month, mday, h, m, s, *zone);
  }
  if (f.size() == 5 && f[0].size() == 3 && IsDayName(f[0])) {
    // asctime: "Tue Mar 27 19:36:42 2007" (the day may be space-padded).
    int month = MonthIndex(f[1]);
    if (month < 0 || f[2].size() > 2 || !Digits(f[2], mday) || !ParseClock(f[3], h, m, s) ||
        f[4].size() != 4 || !Digits(f[4], year))
      return std::nullopt;
    return MakeTime(year, month, mday, h, m, s, 0);
  }
  return std::nullopt;
}

}  // namespace awslab::auth::sigv2
