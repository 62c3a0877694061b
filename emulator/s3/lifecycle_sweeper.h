// Runs S3Store::ApplyLifecycle on the simulation clock: once at start-up,
// through every forward move of the clock, stopping at each midnight UTC on
// the way (lifecycle expiry times are midnights), so an object is gone, and
// leaves the bill, at its expiry time even when the clock jumps a year; and,
// checked every `period` of wall time (the clock also runs by itself, faster
// with --time-scale), whenever the clock has passed a midnight since the last
// sweep or a lifecycle configuration has changed. Nothing can expire between
// two midnights, so a big bucket with a rule is not scanned every second.
//
// Its thread also runs S3Store::CompactPacks every period (storage.h,
// "Packs"), which costs a map lookup while no pack is worth compacting.
//
// Thread-safety: every method may be called from any thread; sweeps are
// serialized.
#ifndef AWSLAB_EMULATOR_S3_LIFECYCLE_SWEEPER_H_
#define AWSLAB_EMULATOR_S3_LIFECYCLE_SWEEPER_H_

#include <chrono>
#include <cstdint>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "emulator/base/clock.h"
#include "emulator/s3/s3_store.h"

namespace awslab::s3 {

class LifecycleSweeper {
 public:
  LifecycleSweeper(S3Store& store, SimulationClock& clock) : store_(store), clock_(clock) {}
  ~LifecycleSweeper();  // stops the thread

  // One sweep now; errors are logged (the next sweep tries again).
  void Sweep();
  // A sweep when something may have expired since the last one: the clock
  // passed a midnight, or a lifecycle configuration changed.
  void SweepIfDue();
  // Starts the periodic sweeps.
  void Start(std::chrono::milliseconds period);
  // Moves the clock forward by exactly `by`, sweeping at each midnight UTC
  // it passes (when some bucket has a lifecycle configuration) and at the end.
  void Advance(std::chrono::nanoseconds by);

 private:
  S3Store& store_;
  SimulationClock& clock_;
  std::mutex sweep_mu_;  // serializes sweeps
  // The clock and the store's lifecycle generation at the last sweep
  // (guarded by sweep_mu_).
  TimePoint swept_at_{};
  std::uint64_t swept_generation_ = ~std::uint64_t{0};
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread thread_;
};

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_LIFECYCLE_SWEEPER_H_
