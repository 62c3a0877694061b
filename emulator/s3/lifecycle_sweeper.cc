#include "emulator/s3/lifecycle_sweeper.h"

#include <cstdio>

#include "emulator/s3/lifecycle.h"

namespace awslab::s3 {

LifecycleSweeper::~LifecycleSweeper() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LifecycleSweeper::Sweep() {
  std::lock_guard lock(sweep_mu_);
  swept_generation_ = store_.lifecycle_generation();
  swept_at_ = clock_.Now();
  auto swept = store_.ApplyLifecycle();
  if (!swept)
    std::fprintf(stderr, "lifecycle: sweep failed: %s\n",
                 std::string(swept.error().Message()).c_str());
}

void LifecycleSweeper::SweepIfDue() {
  {
    std::lock_guard lock(sweep_mu_);
    const TimePoint next_midnight = MidnightAtOrAfter(swept_at_ + std::chrono::nanoseconds(1));
    if (store_.lifecycle_generation() == swept_generation_ && clock_.Now() < next_midnight)
      return;
  }
  Sweep();
}

void LifecycleSweeper::Start(std::chrono::milliseconds period) {
  thread_ = std::thread([this, period] {
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      stop_cv_.wait_for(lock, period, [this] { return stopping_; });
      if (stopping_) break;
      lock.unlock();
      SweepIfDue();
      // The same thread moves bodies out of sparse packs (storage.h).
      if (auto moved = store_.CompactPacks(); !moved)
        std::fprintf(stderr, "packs: compaction failed, will retry: %s\n",
                     std::string(moved.error().Message()).c_str());
      lock.lock();
    }
  });
}

void LifecycleSweeper::Advance(std::chrono::nanoseconds by) {
  if (by <= std::chrono::nanoseconds(0)) return;
  if (store_.AnyLifecycle()) {
    // Step from midnight to midnight; the steps add up to `by` exactly.
    std::chrono::nanoseconds left = by;
    for (;;) {
      TimePoint now = clock_.Now();
      TimePoint next = MidnightAtOrAfter(now);
      if (next == now) next += std::chrono::hours(24);
      auto step = std::chrono::duration_cast<std::chrono::nanoseconds>(next - now);
      if (step >= left) break;
      clock_.Advance(step);
      left -= step;
      Sweep();
    }
    clock_.Advance(left);
  } else {
    clock_.Advance(by);
  }
  Sweep();
}

}  // namespace awslab::s3
