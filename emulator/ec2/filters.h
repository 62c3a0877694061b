// EC2's Filter.N.Name / Filter.N.Value.M: a resource matches when, for every
// filter, one of its values for that name matches one of the filter's
// values. Values may use '*' (any run of characters) and '?' (one).
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/Using_Filtering.html
#ifndef AWSLAB_EMULATOR_EC2_FILTERS_H_
#define AWSLAB_EMULATOR_EC2_FILTERS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/ec2/model.h"

namespace awslab::ec2 {

struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// '*' and '?' wildcards; '\' escapes the next character.
bool GlobMatch(std::string_view pattern, std::string_view text);

// The values a resource has for a filter name; nullopt when the name is not
// a filter of that resource.
using FilterValues = std::function<std::optional<std::vector<std::string>>(std::string_view)>;

// Errors: InvalidParameterValue naming the first unknown filter, whatever the
// others match (as EC2 answers "The filter 'x' is invalid").
Result<bool> Matches(const std::vector<Filter>& filters, const FilterValues& values);

// The values of the tag filters every resource has: "tag:<key>" (the
// values of that key), "tag-key", "tag-value"; nullopt for other names.
std::optional<std::vector<std::string>> TagFilterValues(const Tags& tags, std::string_view name);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_FILTERS_H_
