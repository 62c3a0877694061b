// Whole-line output and the progress line of the awslab CLI (console.h).
#include "client/cli/console.h"

#include <cstdio>

#include "client/cli/cli.h"

namespace awslab::cli {

namespace {

std::mutex g_console_mu;
std::string g_progress;  // the progress line drawn on stderr, "" when none

// Callers hold g_console_mu.
void ClearProgressLocked() {
  if (g_progress.empty()) return;
  std::fputs("\r\033[K", stderr);
  std::fflush(stderr);
}

void RedrawProgressLocked() {
  if (g_progress.empty()) return;
  std::fputs(g_progress.c_str(), stderr);
  std::fflush(stderr);
}

void Write(std::FILE* f, std::string_view text) {
  std::lock_guard lock(g_console_mu);
  ClearProgressLocked();
  std::fwrite(text.data(), 1, text.size(), f);
  std::fflush(f);
  RedrawProgressLocked();
}

void SetProgressLine(std::string line) {
  std::lock_guard lock(g_console_mu);
  ClearProgressLocked();
  g_progress = std::move(line);
  RedrawProgressLocked();
}

}  // namespace

void Out(std::string_view text) { Write(stdout, text); }
void Err(std::string_view text) { Write(stderr, text); }

Progress::Progress(bool enabled) : enabled_(enabled) {
  start_ = std::chrono::steady_clock::now();
}

Progress::~Progress() { Finish(); }

void Progress::AddExpected(std::uint64_t files, std::uint64_t bytes) {
  std::lock_guard lock(mu_);
  expected_files_ += files;
  expected_bytes_ += bytes;
}

void Progress::Update(std::size_t slot, std::uint64_t done) {
  std::lock_guard lock(mu_);
  if (slot >= in_flight_.size()) in_flight_.resize(slot + 1, 0);
  in_flight_[slot] = done;
  Draw(false);
}

void Progress::FileDone(std::size_t slot, std::uint64_t bytes, bool ok) {
  std::lock_guard lock(mu_);
  if (slot < in_flight_.size()) in_flight_[slot] = 0;
  ++files_done_;
  bytes_finished_ += bytes;  // failed ones count as done too (aws: bytes_failed_to_transfer)
  Draw(true);
}

void Progress::Finish() {
  if (!enabled_) return;
  std::lock_guard lock(mu_);
  enabled_ = false;
  SetProgressLine("");
}

void Progress::Draw(bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  std::uint64_t done = bytes_finished_;
  for (std::uint64_t b : in_flight_) done += b;
  if (expected_files_ > 0 && files_done_ >= expected_files_) {
    SetProgressLine("");
    return;
  }
  double seconds = std::chrono::duration<double>(now - start_).count();
  std::uint64_t speed = seconds > 0 ? static_cast<std::uint64_t>(done / seconds) : 0;
  constexpr int kBar = 20;
  int filled = expected_bytes_ ? static_cast<int>(kBar * std::min<double>(1.0, double(done) / double(expected_bytes_))) : 0;
  std::string bar = "[" + std::string(filled, '#') + std::string(kBar - filled, '.') + "] ";
  std::string line = bar + "Completed " + HumanSize(done) + "/" + HumanSize(expected_bytes_) +
                     " (" + HumanSize(speed) + "/s) with " +
                     std::to_string(expected_files_ - files_done_) + " file(s) remaining";
  SetProgressLine(line);
}

}  // namespace awslab::cli
