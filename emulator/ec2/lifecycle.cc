#include "emulator/ec2/lifecycle.h"

namespace awslab::ec2 {

std::string_view StateName(State s) {
  switch (s) {
    case State::kPending: return "pending";
    case State::kRunning: return "running";
    case State::kShuttingDown: return "shutting-down";
    case State::kTerminated: return "terminated";
    case State::kStopping: return "stopping";
    case State::kStopped: return "stopped";
  }
  return "pending";
}

namespace {

std::chrono::milliseconds TransitionOf(const Instance& i, const Timings& t) {
  switch (i.action) {
    case Action::kStart: return i.spot_type.empty() ? t.pending : t.spot_pending;
    case Action::kStop: return t.stopping;
    case Action::kTerminate: return t.shutting_down;
  }
  return t.pending;
}

}  // namespace

State StateAt(const Instance& i, TimePoint now, const Timings& t) {
  const bool settled = now >= i.action_at + TransitionOf(i, t);
  switch (i.action) {
    case Action::kStart: return settled ? State::kRunning : State::kPending;
    case Action::kStop: return settled ? State::kStopped : State::kStopping;
    case Action::kTerminate: return settled ? State::kTerminated : State::kShuttingDown;
  }
  return State::kPending;
}

TimePoint StateSince(const Instance& i, TimePoint now, const Timings& t) {
  TimePoint settled = i.action_at + TransitionOf(i, t);
  return now >= settled ? settled : i.action_at;
}

bool Gone(const Instance& i, TimePoint now, const Timings& t) {
  return i.action == Action::kTerminate &&
         now >= i.action_at + t.shutting_down + t.terminated_visible;
}

}  // namespace awslab::ec2
