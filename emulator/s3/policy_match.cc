#include "emulator/s3/policy_match.h"

#include <arpa/inet.h>

#include <cctype>
#include <cstdlib>
#include <cstring>

namespace awslab::s3 {
namespace {

constexpr int kStar = -1;
constexpr int kAnyOne = -2;

// The pattern as tokens: a byte to match literally (0..255), kStar or kAnyOne.
std::vector<int> Tokenize(std::string_view pattern) {
  std::vector<int> tokens;
  tokens.reserve(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      tokens.push_back(static_cast<unsigned char>(pattern[++i]));
    } else if (c == '*') {
      tokens.push_back(kStar);
    } else if (c == '?') {
      tokens.push_back(kAnyOne);
    } else {
      tokens.push_back(static_cast<unsigned char>(c));
    }
  }
  return tokens;
}

// The length of the UTF-8 sequence starting at text[at]: `?` stands for one
// character, not one byte.
std::size_t CharLength(std::string_view text, std::size_t at) {
  std::size_t n = 1;
  while (at + n < text.size() && (static_cast<unsigned char>(text[at + n]) & 0xC0) == 0x80) ++n;
  return n;
}

bool SameByte(int token, char c, bool ignore_case) {
  const unsigned char b = static_cast<unsigned char>(c);
  if (token == b) return true;
  return ignore_case && std::tolower(token) == std::tolower(b);
}

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

int ToInt(std::string_view digits) {
  int n = 0;
  for (char c : digits) n = n * 10 + (c - '0');
  return n;
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  const std::vector<int> p = Tokenize(pattern);
  std::size_t pi = 0, ti = 0;
  // Where to resume after the last `*`: the token after it, and the text
  // position it has swallowed up to.
  std::size_t star_pi = std::string_view::npos, star_ti = 0;
  while (ti < text.size()) {
    if (pi < p.size() && p[pi] == kStar) {
      star_pi = ++pi;
      star_ti = ti;
    } else if (pi < p.size() && p[pi] == kAnyOne) {
      ++pi;
      ti += CharLength(text, ti);
    } else if (pi < p.size() && SameByte(p[pi], text[ti], ignore_case)) {
      ++pi;
      ++ti;
    } else if (star_pi != std::string_view::npos) {
      pi = star_pi;
      ti = ++star_ti;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == kStar) ++pi;
  return pi == p.size();
}

std::string EscapeWildcards(std::string_view literal) {
  std::string out;
  out.reserve(literal.size());
  for (char c : literal) {
    if (c == '*' || c == '?' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

std::optional<std::string> ExpandPolicyValue(std::string_view value, bool variables,
                                             const PolicyContext* context, bool as_pattern) {
  std::string out;
  out.reserve(value.size());
  auto literal = [&](std::string_view s) {
    out += as_pattern ? EscapeWildcards(s) : std::string(s);
  };
  for (std::size_t i = 0; i < value.size();) {
    const std::size_t close = variables && value.compare(i, 2, "${") == 0 ? value.find('}', i + 2)
                                                                          : std::string_view::npos;
    if (close == std::string_view::npos) {
      const char c = value[i++];
      if (as_pattern && c == '\\') {
        out += "\\\\";
      } else {
        out.push_back(c);
      }
      continue;
    }
    std::string_view inner = value.substr(i + 2, close - i - 2);
    i = close + 1;
    if (inner == "*" || inner == "?" || inner == "$") {
      literal(inner);
      continue;
    }
    // ${key} or ${key, 'default'}; key names are case-insensitive.
    std::string_view name = inner;
    std::optional<std::string_view> fallback;
    if (std::size_t comma = inner.find(','); comma != std::string_view::npos) {
      name = inner.substr(0, comma);
      std::string_view rest = inner.substr(comma + 1);
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
      if (rest.size() >= 2 && rest.front() == '\'' && rest.back() == '\'') {
        fallback = rest.substr(1, rest.size() - 2);
      }
    }
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    std::string key(name);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    const std::string* found = nullptr;
    if (context != nullptr) {
      for (const auto& [k, v] : *context) {
        if (k == key) {
          found = &v;
          break;
        }
      }
    }
    if (found != nullptr) {
      literal(*found);
    } else if (fallback) {
      literal(*fallback);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

std::optional<IpRange> ParseCidr(std::string_view text) {
  std::string_view address = text;
  std::optional<std::string_view> prefix;
  if (std::size_t slash = text.find('/'); slash != std::string_view::npos) {
    address = text.substr(0, slash);
    prefix = text.substr(slash + 1);
  }
  if (address.empty() || address.size() > 45) return std::nullopt;
  const std::string nul_terminated(address);
  IpRange range;
  int max_prefix = 32;
  if (inet_pton(AF_INET, nul_terminated.c_str(), range.address.data()) == 1) {
    range.v6 = false;
  } else if (inet_pton(AF_INET6, nul_terminated.c_str(), range.address.data()) == 1) {
    range.v6 = true;
    max_prefix = 128;
  } else {
    return std::nullopt;
  }
  range.prefix = max_prefix;
  if (prefix) {
    if (prefix->size() > 3 || !AllDigits(*prefix)) return std::nullopt;
    range.prefix = ToInt(*prefix);
    if (range.prefix > max_prefix) return std::nullopt;
  }
  // ::ffff:a.b.c.d is the IPv4 address a.b.c.d.
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (range.v6 && range.prefix >= 96 && std::memcmp(range.address.data(), kMapped, 12) == 0) {
    std::memmove(range.address.data(), range.address.data() + 12, 4);
    std::memset(range.address.data() + 4, 0, 12);
    range.v6 = false;
    range.prefix -= 96;
  }
  return range;
}

bool IpInRange(const IpRange& range, const IpRange& address) {
  if (range.v6 != address.v6) return false;
  int bits = range.prefix;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    const std::uint8_t mask = bits >= 8 ? 0xff : static_cast<std::uint8_t>(0xff << (8 - bits));
    if ((range.address[i] & mask) != (address.address[i] & mask)) return false;
  }
  return true;
}

std::optional<std::int64_t> ParsePolicyDate(std::string_view text) {
  // Epoch seconds.
  {
    std::string_view digits = text;
    const bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.remove_prefix(1);
    if (AllDigits(digits) && digits.size() <= 12) {
      const std::int64_t seconds = std::strtoll(std::string(digits).c_str(), nullptr, 10);
      return (negative ? -seconds : seconds) * 1000;
    }
  }
  // YYYY-MM-DD
  if (text.size() < 10 || text[4] != '-' || text[7] != '-' || !AllDigits(text.substr(0, 4)) ||
      !AllDigits(text.substr(5, 2)) || !AllDigits(text.substr(8, 2))) {
    return std::nullopt;
  }
  const int year = ToInt(text.substr(0, 4));
  const int month = ToInt(text.substr(5, 2));
  const int day = ToInt(text.substr(8, 2));
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) return std::nullopt;
  std::int64_t millis = DaysFromCivil(year, month, day) * 86400000;
  std::string_view rest = text.substr(10);
  if (rest.empty()) return millis;
  // Thh:mm[:ss[.fff]]
  if (rest.size() < 6 || (rest[0] != 'T' && rest[0] != 't') || rest[3] != ':' ||
      !AllDigits(rest.substr(1, 2)) || !AllDigits(rest.substr(4, 2))) {
    return std::nullopt;
  }
  const int hour = ToInt(rest.substr(1, 2));
  const int minute = ToInt(rest.substr(4, 2));
  int second = 0;
  rest.remove_prefix(6);
  if (!rest.empty() && rest[0] == ':') {
    if (rest.size() < 3 || !AllDigits(rest.substr(1, 2))) return std::nullopt;
    second = ToInt(rest.substr(1, 2));
    rest.remove_prefix(3);
    if (!rest.empty() && rest[0] == '.') {
      std::size_t n = 1;
      int fraction_ms = 0, scale = 100;
      while (n < rest.size() && std::isdigit(static_cast<unsigned char>(rest[n]))) {
        fraction_ms += (rest[n] - '0') * scale;
        scale /= 10;
        ++n;
      }
      if (n == 1) return std::nullopt;
      millis += fraction_ms;
      rest.remove_prefix(n);
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
  millis += (hour * 3600 + minute * 60 + second) * std::int64_t{1000};
  if (rest.empty() || rest == "Z" || rest == "z") return millis;
  // +hh:mm, -hh:mm, +hhmm, -hhmm: local time, so UTC is local minus offset.
  if (rest[0] != '+' && rest[0] != '-') return std::nullopt;
  const int sign = rest[0] == '+' ? 1 : -1;
  std::string_view offset = rest.substr(1);
  std::string hhmm;
  if (offset.size() == 5 && offset[2] == ':') {
    hhmm = std::string(offset.substr(0, 2)) + std::string(offset.substr(3, 2));
  } else if (offset.size() == 4) {
    hhmm = std::string(offset);
  } else {
    return std::nullopt;
  }
  if (!AllDigits(hhmm)) return std::nullopt;
  const int oh = ToInt(std::string_view(hhmm).substr(0, 2));
  const int om = ToInt(std::string_view(hhmm).substr(2, 2));
  if (oh > 23 || om > 59) return std::nullopt;
  return millis - sign * (oh * 3600 + om * 60) * std::int64_t{1000};
}

std::optional<double> ParsePolicyNumber(std::string_view text) {
  std::string_view s = text;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  const std::size_t dot = s.find('.');
  const std::string_view whole = s.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : s.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  if ((!whole.empty() && !AllDigits(whole)) || (!fraction.empty() && !AllDigits(fraction))) {
    return std::nullopt;
  }
  if (s.size() > 64) return std::nullopt;
  return std::strtod(std::string(text).c_str(), nullptr);
}

}  // namespace awslab::s3
