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
