#include "emulator/protocol/http.h"
#include "emulator/base/strings.h"


namespace awslab::protocol {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF).
bool IsUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (s.size() - i < n) return false;
    unsigned char c1 = static_cast<unsigned char>(s[i + 1]);
    if (c1 < lo || c1 > hi) return false;
    for (std::size_t k = 2; k < n; ++k) {
      unsigned char ck = static_cast<unsigned char>(s[i + k]);
      if (ck < 0x80 || ck > 0xBF) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out) {
  out.clear();
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

const std::string* Request::Header(std::string_view name) const {
  for (const auto& h : raw.headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

const std::string* Request::Query(std::string_view name) const {
  for (const auto& [k, v] : query)
    if (k == name) return &v;
  return nullptr;
}

bool ParseTarget(Request& request) {
  if (!PercentDecode(request.raw.path, /*plus_is_space=*/false, request.path)) return false;
  // An object key is UTF-8: S3 answers a path that decodes to anything else
  // 400 InvalidURI, as for a bad escape (and a listing could not show it).
  if (!IsUtf8(request.path)) return false;
  request.query.clear();
  std::string_view q = request.raw.query;
  while (!q.empty()) {
    std::size_t amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == q.npos ? std::string_view() : q.substr(amp + 1);
    if (part.empty()) continue;
    std::size_t eq = part.find('=');
    std::string k, v;
    if (!PercentDecode(part.substr(0, eq), true, k)) return false;
    if (eq != part.npos && !PercentDecode(part.substr(eq + 1), true, v)) return false;
    request.query.emplace_back(std::move(k), std::move(v));
  }
  if (const std::string* host = request.Header("host")) {
    std::string_view h = *host;
    if (h.starts_with('[')) {
      std::size_t close = h.find(']');
      request.host = std::string(h.substr(0, close == h.npos ? h.npos : close + 1));
    } else {
      request.host = std::string(h.substr(0, h.rfind(':')));
    }
  }
  return true;
}

}  // namespace awslab::protocol
