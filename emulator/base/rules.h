// Which era of AWS the server imitates, chosen per server with --rules.
//   classic: the course's (2017-era) AWS: new buckets have no Block Public
//            Access and no Object Ownership controls, so ACLs work as taught.
//   current: AWS since April 2023: new buckets block public access and
//            enforce bucket-owner ownership (ACLs disabled).
// The same flag later governs EC2's and billing's defaults.
#ifndef AWSLAB_EMULATOR_BASE_RULES_H_
#define AWSLAB_EMULATOR_BASE_RULES_H_

#include <optional>
#include <string_view>

namespace awslab {

enum class Rules { kClassic, kCurrent };

inline std::optional<Rules> ParseRules(std::string_view s) {
  if (s == "classic") return Rules::kClassic;
  if (s == "current") return Rules::kCurrent;
  return std::nullopt;
}

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_RULES_H_
