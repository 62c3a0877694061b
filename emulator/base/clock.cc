#include "emulator/base/clock.h"

#include <cstdio>
#include <cstring>
#include <ctime>

namespace awslab {

SimulationClock::SimulationClock(double time_scale, std::optional<TimePoint> start)
    : time_scale_(time_scale),
      steady_start_(std::chrono::steady_clock::now()),
      sim_start_(start ? *start : std::chrono::system_clock::now()) {}

TimePoint SimulationClock::Now() const {
  auto steady_now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto scaled =
      std::chrono::duration_cast<std::chrono::nanoseconds>((steady_now - steady_start_) * time_scale_);
  return sim_start_ + std::chrono::duration_cast<TimePoint::duration>(scaled + advanced_);
}

void SimulationClock::SetTimeScale(double time_scale) {
  auto steady_now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto scaled =
      std::chrono::duration_cast<std::chrono::nanoseconds>((steady_now - steady_start_) * time_scale_);
  sim_start_ += std::chrono::duration_cast<TimePoint::duration>(scaled + advanced_);
  advanced_ = std::chrono::nanoseconds(0);
  steady_start_ = steady_now;
  time_scale_ = time_scale;
}

double SimulationClock::time_scale() const {
  std::lock_guard lock(mu_);
  return time_scale_;
}

void SimulationClock::Advance(std::chrono::nanoseconds by) {
  if (by.count() <= 0) return;
  std::lock_guard lock(mu_);
  advanced_ += by;
}

void SimulationClock::EnsureAtLeast(TimePoint t) {
  TimePoint now = Now();
  if (t > now) Advance(t - now);
}

namespace {

std::tm ToUtc(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

}  // namespace

std::string FormatIso8601(TimePoint t) {
  std::tm tm = ToUtc(t);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() %
            1000;
  if (ms < 0) ms += 1000;
  char buf[64];  // room for any int the compiler cannot rule out
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

std::string FormatIso8601Seconds(TimePoint t) {
  return FormatIso8601Seconds(static_cast<std::int64_t>(std::chrono::system_clock::to_time_t(t)));
}

std::string FormatIso8601Seconds(std::int64_t epoch_seconds) {
  std::time_t secs = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string FormatHttpDate(TimePoint t) {
  // Every GET's Last-Modified comes through here: from 1970 to 9999 the date
  // is computed with <chrono>'s calendar arithmetic and written digit by
  // digit (gmtime_r takes glibc's time zone lock, snprintf parses its
  // format); other dates, as before.
  using namespace std::chrono;
  const auto secs = floor<seconds>(t);
  const auto day = floor<days>(secs);
  const year_month_day ymd{day};
  const int y = static_cast<int>(ymd.year());
  if (t.time_since_epoch().count() >= 0 && y <= 9999) {
    const hh_mm_ss<seconds> hms{secs - day};
    const unsigned mday = static_cast<unsigned>(ymd.day());
    const auto h = static_cast<unsigned>(hms.hours().count());
    const auto m = static_cast<unsigned>(hms.minutes().count());
    const auto sec = static_cast<unsigned>(hms.seconds().count());
    std::string out = "Sun, 00 Jan 0000 00:00:00 GMT";
    const auto two = [&out](std::size_t at, unsigned v) {
      out[at] = static_cast<char>('0' + v / 10);
      out[at + 1] = static_cast<char>('0' + v % 10);
    };
    std::memcpy(out.data(), kDays[weekday(day).c_encoding()], 3);
    two(5, mday);
    std::memcpy(out.data() + 8, kMonths[static_cast<unsigned>(ymd.month()) - 1], 3);
    two(12, static_cast<unsigned>(y) / 100);
    two(14, static_cast<unsigned>(y) % 100);
    two(17, h);
    two(20, m);
    two(23, sec);
    return out;
  }
  std::tm tm = ToUtc(t);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::optional<TimePoint> ParseHttpDate(std::string_view s) {
  // "Mon, 23 Nov 2026 10:00:00 GMT"
  char day[4] = {}, mon[4] = {}, zone[4] = {};
  int mday = 0, year = 0, hh = 0, mm = 0, ss = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", day, &mday, mon, &year, &hh, &mm,
                  &ss, zone) != 8)
    return std::nullopt;
  int month = -1;
  for (int i = 0; i < 12; ++i)
    if (std::strcmp(mon, kMonths[i]) == 0) month = i;
  if (month < 0 || std::strcmp(zone, "GMT") != 0) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = mday;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace awslab
