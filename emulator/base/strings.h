// ASCII case-insensitive comparisons, as HTTP header names and S3's tokens
// need them.
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_BASE_STRINGS_H_
#define AWSLAB_EMULATOR_BASE_STRINGS_H_

#include <strings.h>

#include <string_view>

namespace awslab {

inline bool IEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

inline bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && IEquals(s.substr(0, prefix.size()), prefix);
}

inline bool IEndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && IEquals(s.substr(s.size() - suffix.size()), suffix);
}

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_STRINGS_H_
