#include "emulator/base/log.h"

#include <unistd.h>

#include <string>

namespace awslab {

void LogLine(std::string_view line) {
  // One write(2) per line: lines from several threads never interleave.
  std::string buf;
  buf.reserve(line.size() + 1);
  buf.append(line);
  buf.push_back('\n');
  const char* p = buf.data();
  std::size_t left = buf.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) return;
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace awslab
