// Logging: one line per event to stderr, whole lines only (never interleaved).
//
// Thread-safety: every function may be called from any thread.
#ifndef AWSLAB_EMULATOR_BASE_LOG_H_
#define AWSLAB_EMULATOR_BASE_LOG_H_

#include <string_view>

namespace awslab {

// Writes `line` and a newline to stderr atomically.
void LogLine(std::string_view line);

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_LOG_H_
