// The instance state machine, on the simulation clock. An instance stores
// the last action asked of it (start, stop, terminate) and when; its state
// at any moment follows from that and the durations below:
//
//   start      → pending (for `pending`) → running
//   stop       → stopping (for `stopping`) → stopped
//   terminate  → shutting-down (for `shutting_down`) → terminated, shown for
//                `terminated_visible`, then gone
//
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-lifecycle.html
#ifndef AWSLAB_EMULATOR_EC2_LIFECYCLE_H_
#define AWSLAB_EMULATOR_EC2_LIFECYCLE_H_

#include <chrono>
#include <string_view>

#include "emulator/ec2/model.h"

namespace awslab::ec2 {

struct Timings {
  std::chrono::milliseconds pending{std::chrono::seconds(5)};
  // Spot capacity takes longer to find ("slower to start", as the course says).
  std::chrono::milliseconds spot_pending{std::chrono::seconds(15)};
  std::chrono::milliseconds stopping{std::chrono::seconds(5)};
  std::chrono::milliseconds shutting_down{std::chrono::seconds(5)};
  std::chrono::milliseconds volume_creating{std::chrono::seconds(2)};
  std::chrono::milliseconds volume_detaching{std::chrono::seconds(2)};
  // "Terminated instances remain visible ... for a short while (approximately one hour)".
  std::chrono::milliseconds terminated_visible{std::chrono::hours(1)};
};

// The codes AWS gives each state: the high byte is internal, the low one public.
enum class State {
  kPending = 0,
  kRunning = 16,
  kShuttingDown = 32,
  kTerminated = 48,
  kStopping = 64,
  kStopped = 80,
};

std::string_view StateName(State s);

// The state of `i` at `now`.
State StateAt(const Instance& i, TimePoint now, const Timings& t);
// When the state at `now` began.
TimePoint StateSince(const Instance& i, TimePoint now, const Timings& t);
// True once a terminated instance should no longer be shown.
bool Gone(const Instance& i, TimePoint now, const Timings& t);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_LIFECYCLE_H_
