#include "emulator/billing/prices.h"

#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "emulator/ec2/catalog.h"

namespace awslab::billing {

std::optional<PriceList> PriceList::Parse(std::string_view tsv) {
  PriceList list;
  bool header = true;
  while (!tsv.empty()) {
    std::size_t nl = tsv.find('\n');
    std::string_view line = tsv.substr(0, nl);
    tsv.remove_prefix(nl == std::string_view::npos ? tsv.size() : nl + 1);
    if (line.empty() || line[0] == '#') continue;
    if (header) {  // "key usd per"
      header = false;
      continue;
    }
    std::size_t t1 = line.find('\t');
    if (t1 == std::string_view::npos) return std::nullopt;
    std::string_view key = line.substr(0, t1);
    std::string_view rest = line.substr(t1 + 1);
    std::string_view amount = rest.substr(0, rest.find('\t'));
    auto v = ParseNano(amount);
    if (!v || key.empty()) return std::nullopt;
    list.values_[std::string(key)] = *v;
  }
  return list;
}

const PriceList& PriceList::Default() {
  static const PriceList list = [] {
    auto parsed = Parse(EmbeddedFixture("prices.tsv"));
    if (!parsed) {
      std::fprintf(stderr, "awslab: the built-in fixtures/billing/prices.tsv is malformed\n");
      std::abort();
    }
    return *parsed;
  }();
  return list;
}

Nano PriceList::Get(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? 0 : it->second;
}

std::optional<Nano> PriceList::InstanceHour(std::string_view type) {
  const ec2::InstanceType* t = ec2::FindInstanceType(type);
  if (!t) return std::nullopt;
  // The catalog's prices have at most 6 decimals; the double holds them to
  // well within a nano-dollar, so rounding recovers the exact amount.
  return static_cast<Nano>(std::llround(t->usd_per_hour * 1e9));
}

}  // namespace awslab::billing
