// The simulation clock: one clock for the domain (S3 timestamps now; EC2
// transitions and billing later). It runs at wall speed by default, faster
// with a time scale, and can be moved forward. Signature checks never use it;
// they use the wall clock, since clients sign with theirs.
//
// Thread-safety: every method may be called from any thread.
#ifndef AWSLAB_EMULATOR_BASE_CLOCK_H_
#define AWSLAB_EMULATOR_BASE_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace awslab {

using TimePoint = std::chrono::system_clock::time_point;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// The wall clock.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
};

// Simulated time = start + scale × (wall - wall_start) + advanced.
class SimulationClock final : public Clock {
 public:
  // Starts at `start` (the wall clock's now when absent) and runs at
  // `time_scale` simulated seconds per wall second.
  explicit SimulationClock(double time_scale = 1.0, std::optional<TimePoint> start = {});
  TimePoint Now() const override;
  // Moves simulated time forward by `by` (never back).
  void Advance(std::chrono::nanoseconds by);
  // Moves simulated time forward to `t` when it is behind it: after a
  // restart, time never runs back behind what the state already recorded.
  void EnsureAtLeast(TimePoint t);
  // From now on, runs at `time_scale` (0 to 1e6) simulated seconds per wall
  // second; the time already passed stays as it was.
  void SetTimeScale(double time_scale);
  double time_scale() const;

 private:
  mutable std::mutex mu_;
  double time_scale_;                                    // guarded by mu_
  std::chrono::steady_clock::time_point steady_start_;   // guarded by mu_
  TimePoint sim_start_;                                  // guarded by mu_
  std::chrono::nanoseconds advanced_{0};                 // guarded by mu_
};

// A clock that moves only when told; for tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override {
    std::lock_guard lock(mu_);
    return now_;
  }
  void Advance(std::chrono::nanoseconds by) {
    std::lock_guard lock(mu_);
    now_ += std::chrono::duration_cast<TimePoint::duration>(by);
  }

 private:
  mutable std::mutex mu_;
  TimePoint now_;  // guarded by mu_
};

// "2026-11-23T10:00:00.000Z" (ISO 8601 with milliseconds, as S3 lists).
std::string FormatIso8601(TimePoint t);
// "2026-11-23T10:00:00Z" (whole seconds, as S3 names ServerTime and Expires
// in its authentication errors).
std::string FormatIso8601Seconds(TimePoint t);
// The same for seconds since the epoch, which reach further than a TimePoint
// (years 1 to 9999).
std::string FormatIso8601Seconds(std::int64_t epoch_seconds);
// "Mon, 23 Nov 2026 10:00:00 GMT" (RFC 7231, as in Last-Modified).
std::string FormatHttpDate(TimePoint t);
// Parses the RFC 7231 form; nullopt when malformed.
std::optional<TimePoint> ParseHttpDate(std::string_view s);

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_CLOCK_H_
