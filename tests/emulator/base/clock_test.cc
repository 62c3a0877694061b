// The simulation clock's speed changes: time already passed stays, the new
// speed applies from the change on.
#include "emulator/base/clock.h"

#include <gtest/gtest.h>

#include <chrono>
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
}  // namespace awslab
