#include "emulator/billing/money.h"

#include <chrono>
#include <cstdio>

#include "emulator/base/clock.h"

namespace awslab::billing {

std::string FormatNano(Nano v) {
  bool negative = v < 0;
  // -2^63 has no positive counterpart; amounts never come near it.
  unsigned long long a = negative ? 0ULL - static_cast<unsigned long long>(v)
                                  : static_cast<unsigned long long>(v);
  std::string out = std::to_string(a / kNanoPerUnit);
  unsigned long long frac = a % kNanoPerUnit;
  if (frac != 0) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09llu", frac);
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "." + f;
  }
  return negative && a != 0 ? "-" + out : out;
}

std::optional<Nano> ParseNano(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  Nano whole = 0, frac = 0;
  int frac_digits = 0;
  bool dot = false, any = false;
  for (char c : s) {
    if (c == '.') {
      if (dot) return std::nullopt;
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return std::nullopt;
    any = true;
    if (dot) {
      if (++frac_digits > 9) return std::nullopt;
      frac = frac * 10 + (c - '0');
    } else {
      if (whole > 9'000'000'000LL / 10) return std::nullopt;
      whole = whole * 10 + (c - '0');
    }
  }
  if (!any) return std::nullopt;
  for (int i = frac_digits; i < 9; ++i) frac *= 10;
  Nano v = whole * kNanoPerUnit + frac;
  return negative ? -v : v;
}

Nano MulDivRound(__int128 a, __int128 b, __int128 c) {
  __int128 p = a * b;
  bool negative = p < 0;
  if (negative) p = -p;
  __int128 q = (p + c / 2) / c;
  return static_cast<Nano>(negative ? -q : q);
}

namespace {

using namespace std::chrono;

year_month_day Civil(Seconds t) { return year_month_day{floor<days>(sys_seconds{seconds{t}})}; }

Seconds ToSeconds(year_month_day ymd) {
  return sys_seconds{sys_days{ymd}}.time_since_epoch().count();
}

}  // namespace

Seconds MonthStart(Seconds t) {
  year_month_day d = Civil(t);
  return ToSeconds(d.year() / d.month() / day{1});
}

Seconds NextMonthStart(Seconds t) {
  year_month_day d = Civil(t);
  year_month next = d.year() / d.month() + months{1};
  return ToSeconds(next / day{1});
}

std::string MonthName(Seconds t) { return FormatDateTime(t).substr(0, 7); }

std::optional<Seconds> ParseDateTime(std::string_view s) {
  auto digits = [&](std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d))
    return std::nullopt;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  if (s.size() > 10) {
    if (s[10] != 'T' || !digits(11, 2, h) || s.size() < 20 || s[13] != ':' ||
        !digits(14, 2, mi) || s[16] != ':' || !digits(17, 2, sec) || h > 23 || mi > 59 ||
        sec > 59)
      return std::nullopt;
    std::size_t pos = 19;
    if (s[pos] == '.') {
      ++pos;
      std::size_t start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
      if (pos == start) return std::nullopt;
    }
    if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
  }
  return ToSeconds(ymd) + h * 3600 + mi * 60 + sec;
}

std::string FormatDate(Seconds t) { return FormatDateTime(t).substr(0, 10); }

std::string FormatDateTime(Seconds t) { return FormatIso8601Seconds(t); }

}  // namespace awslab::billing
