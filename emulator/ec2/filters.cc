#include "emulator/ec2/filters.h"

namespace awslab::ec2 {

bool GlobMatch(std::string_view p, std::string_view t) {
  // Iterative matching with one backtrack point for the last '*'.
  std::size_t pi = 0, ti = 0, star = std::string_view::npos, mark = 0;
  while (ti < t.size()) {
    if (pi < p.size() && p[pi] == '*') {
      star = pi++;
      mark = ti;
    } else if (pi < p.size() && p[pi] == '\\' && pi + 1 < p.size() && p[pi + 1] == t[ti]) {
      pi += 2;
      ++ti;
    } else if (pi < p.size() && (p[pi] == '?' || (p[pi] == t[ti] && p[pi] != '\\'))) {
      ++pi;
      ++ti;
    } else if (star != std::string_view::npos) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

Result<bool> Matches(const std::vector<Filter>& filters, const FilterValues& values) {
  // Every name first: an unknown filter is an error whatever the filters
  // before it say, in any order.
  std::vector<std::vector<std::string>> values_of;
  values_of.reserve(filters.size());
  for (const Filter& f : filters) {
    auto have = values(f.name);
    if (!have)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "The filter '" + f.name + "' is invalid");
    values_of.push_back(std::move(*have));
  }
  for (std::size_t i = 0; i < filters.size(); ++i) {
    const Filter& f = filters[i];
    bool any = false;
    for (const std::string& want : f.values) {
      for (const std::string& v : values_of[i]) {
        if (GlobMatch(want, v)) {
          any = true;
          break;
        }
      }
      if (any) break;
    }
    if (!any) return false;
  }
  return true;
}

std::optional<std::vector<std::string>> TagFilterValues(const Tags& tags, std::string_view name) {
  std::vector<std::string> out;
  if (name.starts_with("tag:")) {
    std::string_view key = name.substr(4);
    for (const auto& [k, v] : tags)
      if (k == key) out.push_back(v);
    return out;
  }
  if (name == "tag-key" || name == "tag-value") {
    for (const auto& [k, v] : tags) out.push_back(name == "tag-key" ? k : v);
    return out;
  }
  return std::nullopt;
}

}  // namespace awslab::ec2
