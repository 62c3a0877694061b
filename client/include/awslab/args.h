// Command-line arguments of the form "--name value" and "--name=value", as
// awslab-server and s3bench take them.
//
// Thread-safety: a Reader belongs to one thread.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_ARGS_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_ARGS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awslab::args {

class Reader {
 public:
  Reader(int argc, char** argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false after the last.
  bool Next() {
    if (++index_ >= argc_) return false;
    arg_ = argv_[index_];
    name_ = arg_;
    inline_value_.reset();
    if (auto eq = arg_.find('='); arg_.starts_with("--") && eq != std::string_view::npos) {
      name_ = arg_.substr(0, eq);
      inline_value_ = arg_.substr(eq + 1);
    }
    return true;
  }

  // The argument as given, and its name ("--port" of "--port=80").
  std::string_view arg() const { return arg_; }
  std::string_view name() const { return name_; }

  // The argument's value: what follows '=', or else the next argument, which
  // is then consumed. False when there is none.
  bool Value(std::string& out) {
    if (inline_value_) {
      out = std::string(*inline_value_);
      return true;
    }
    if (index_ + 1 >= argc_) return false;
    out = argv_[++index_];
    return true;
  }

 private:
  int argc_;
  char** argv_;
  int index_ = 0;
  std::string_view arg_;
  std::string_view name_;
  std::optional<std::string_view> inline_value_;
};

// "a,b,,c" -> {"a", "b", "c"}: a comma-separated flag value, empty items
// dropped.
inline std::vector<std::string> SplitComma(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    if (comma != 0) out.emplace_back(s.substr(0, comma));
    if (comma == s.npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

// A count given on the command line: decimal digits only, at most 19 of
// them (no sign, no spaces); nullopt otherwise.
inline std::optional<std::uint64_t> ParseCount(std::string_view s) {
  if (s.empty() || s.size() > 19) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return n;
}

}  // namespace awslab::args

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_ARGS_H_
