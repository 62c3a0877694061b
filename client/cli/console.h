// The terminal of the awslab CLI: whole lines to stdout and stderr from any
// thread, and one progress line on stderr that stays below them (cleared
// before a line is printed, drawn again after). Progress is shown only when
// stdout is a terminal, as the aws CLI shows it; with stdout redirected the
// output is the plain "upload: ./x to s3://b/x" lines.
//
// Thread-safety: every function may be called from any thread; a mutex
// keeps lines whole.
#ifndef AWSLAB_CLIENT_CLI_CONSOLE_H_
#define AWSLAB_CLIENT_CLI_CONSOLE_H_

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace awslab::cli {

// Progress of one command's transfers: expected files and bytes, bytes
// done per transfer (a transfer's count may go down when a part is sent
// again), finished files. Draws "Completed 1.0 MiB/8.0 MiB (2.1 MiB/s) with
// 3 file(s) remaining" (the aws CLI's line) with a bar, at most ten times
// a second.
class Progress {
 public:
  // enabled: draw at all (stdout is a terminal and --no-progress not given).
  explicit Progress(bool enabled);
  ~Progress();

  void AddExpected(std::uint64_t files, std::uint64_t bytes);
  // The bytes of transfer `slot` done so far (absolute, not a delta).
  void Update(std::size_t slot, std::uint64_t done);
  // Transfer `slot` ended (its bytes count as done on success).
  void FileDone(std::size_t slot, std::uint64_t bytes, bool ok);
  // Clears the line for good.
  void Finish();

 private:
  void Draw(bool force);

  bool enabled_;
  std::mutex mu_;
  std::uint64_t expected_files_ = 0, expected_bytes_ = 0;
  std::uint64_t files_done_ = 0, bytes_finished_ = 0;
  std::vector<std::uint64_t> in_flight_;  // per slot
  std::chrono::steady_clock::time_point start_, last_draw_;
};

}  // namespace awslab::cli

#endif  // AWSLAB_CLIENT_CLI_CONSOLE_H_
