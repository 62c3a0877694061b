// The simulation clock's speed changes: time already passed stays, the new
// speed applies from the change on. FormatHttpDate writes what gmtime and
// strftime would.
#include "emulator/base/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>
#include <thread>

namespace awslab {
namespace {

using namespace std::chrono_literals;

const TimePoint kStart = std::chrono::sys_days{std::chrono::year{2013} / 4 / 1};

TEST(SimulationClock, AFrozenClockMovesOnlyWhenAdvanced) {
  SimulationClock clock(0, kStart);
  EXPECT_EQ(clock.Now(), kStart);
  std::this_thread::sleep_for(2ms);
  EXPECT_EQ(clock.Now(), kStart);
  clock.Advance(3h);
  EXPECT_EQ(clock.Now(), kStart + 3h);
  clock.Advance(-1h);  // never back
  EXPECT_EQ(clock.Now(), kStart + 3h);
}

TEST(SimulationClock, ANewSpeedKeepsTheTimeSoFarAndAppliesFromNowOn) {
  SimulationClock clock(0, kStart);
  clock.Advance(1h);
  clock.SetTimeScale(3600);
  EXPECT_EQ(clock.time_scale(), 3600);
  const TimePoint at_change = clock.Now();
  EXPECT_GE(at_change, kStart + 1h);
  std::this_thread::sleep_for(5ms);
  // 5 ms of wall time at 3600x: at least 18 simulated seconds.
  const TimePoint later = clock.Now();
  EXPECT_GE(later - at_change, 18s);
  clock.SetTimeScale(0);
  const TimePoint frozen = clock.Now();
  EXPECT_GE(frozen, later);
  std::this_thread::sleep_for(2ms);
  EXPECT_EQ(clock.Now(), frozen);
  clock.Advance(10min);
  EXPECT_EQ(clock.Now(), frozen + 10min);
  clock.EnsureAtLeast(frozen);  // behind: nothing moves
  EXPECT_EQ(clock.Now(), frozen + 10min);
}

}  // namespace
// What FormatHttpDate wrote before it computed dates itself: gmtime_r and
// the C locale's names.
std::string ReferenceHttpDate(TimePoint t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

// TimePoint counts nanoseconds in 64 bits: it ends in April 2262.
TEST(FormatHttpDate, MatchesGmtimeFrom1970To2262) {
  using namespace std::chrono;
  const TimePoint fixed[] = {
      TimePoint{},
      kStart,
      sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s + 999ms,
      sys_days{year{2000} / 3 / 1},
      sys_days{year{2026} / 11 / 24} + 10h + 5min + 7s,
      sys_days{year{2261} / 12 / 31} + 23h + 59min + 59s,
  };
  for (TimePoint t : fixed) EXPECT_EQ(FormatHttpDate(t), ReferenceHttpDate(t));
  std::mt19937_64 rng(42);
  const std::int64_t last = duration_cast<seconds>(fixed[5].time_since_epoch()).count();
  for (int i = 0; i < 20000; ++i) {
    const TimePoint t{seconds(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last)))};
    ASSERT_EQ(FormatHttpDate(t), ReferenceHttpDate(t));
  }
}

}  // namespace awslab
