// The price list: fixtures/billing/prices.tsv (built into the binary) and
// the EC2 catalog's instance prices, as exact nano-dollar amounts.
//
// Thread-safety: immutable after construction.
#ifndef AWSLAB_EMULATOR_BILLING_PRICES_H_
#define AWSLAB_EMULATOR_BILLING_PRICES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "emulator/billing/money.h"

namespace awslab::billing {

// The text of fixtures/billing/<name> as built in.
std::string_view EmbeddedFixture(std::string_view name);

class PriceList {
 public:
  // The built-in list.
  static const PriceList& Default();
  // Parses a prices.tsv text; nullopt when a line is malformed.
  static std::optional<PriceList> Parse(std::string_view tsv);

  // The amount of a key of prices.tsv ("ebs.gp2"); 0 when absent.
  Nano Get(std::string_view key) const;
  bool Has(std::string_view key) const { return values_.count(std::string(key)) != 0; }
  // On-demand USD per hour of an instance type (catalog); nullopt when unknown.
  static std::optional<Nano> InstanceHour(std::string_view type);

 private:
  std::map<std::string, Nano, std::less<>> values_;
};

}  // namespace awslab::billing

#endif  // AWSLAB_EMULATOR_BILLING_PRICES_H_
