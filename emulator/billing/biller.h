// The bill: usage rows from EC2's records and S3's meters, free tier and
// allowances applied, priced exactly, cut by time and grouped by dimension.
// One query serves Cost Explorer, the admin API and budgets, so they agree
// to the nano-dollar.
//
// Thread-safety: every method may be called from any thread.
#ifndef AWSLAB_EMULATOR_BILLING_BILLER_H_
#define AWSLAB_EMULATOR_BILLING_BILLER_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/billing/money.h"
#include "emulator/billing/prices.h"
#include "emulator/billing/s3_meters.h"
#include "emulator/billing/usage.h"
#include "emulator/ec2/ec2_store.h"

namespace awslab::billing {

struct BillingOptions {
  Rules rules = Rules::kHourly;
  bool free_tier = false;
  // Spot price as a fraction of on-demand; the price list's when absent.
  std::optional<Nano> spot_fraction;
};

enum class Dimension {
  kService,
  kUsageType,
  kInstanceType,
  kRegion,
  kLinkedAccount,
  kRecordType,
  kResourceId,  // not a Cost Explorer dimension here; for the admin API's lines
};
// "SERVICE" -> kService ...; nullopt for names Cost Explorer does not take here.
std::optional<Dimension> ParseDimension(std::string_view name);
std::string_view DimensionName(Dimension d);

// A Cost Explorer Expression over dimensions.
struct Filter {
  enum class Kind { kDimension, kAnd, kOr, kNot };
  Kind kind = Kind::kDimension;
  Dimension dimension = Dimension::kService;
  std::vector<std::string> values;
  std::vector<Filter> children;  // kAnd, kOr: two or more; kNot: one
};

enum class Granularity { kHourly, kDaily, kMonthly, kWhole };

struct BillQuery {
  std::string account_id;  // empty: every account
  Seconds start = 0;       // [start, end)
  Seconds end = 0;
  Granularity granularity = Granularity::kMonthly;
  std::vector<Dimension> group_by;
  std::optional<Filter> filter;
};

struct Amount {
  Nano cost = 0;      // credits included
  Nano quantity = 0;  // usage (credits excluded), in nano-units of `unit`
  std::string unit;   // "Hrs", "GB-Mo", ...; "N/A" when the units differ
};

struct BillGroup {
  std::vector<std::string> keys;  // one per group_by dimension
  Amount amount;
};

struct BillPeriod {
  Seconds start = 0;
  Seconds end = 0;
  Amount total;
  std::vector<BillGroup> groups;  // sorted by keys; only groups with usage
  bool estimated = false;         // the period ends after the clock's now
};

struct BudgetAlert {
  int threshold_percent = 0;  // 50, 80, 100
  std::string month;          // "2013-04"
  Seconds at = 0;             // the clock hour in which it was crossed
  Nano month_to_date = 0;     // the cost at the end of that hour
};

class Biller {
 public:
  Biller(const ec2::Ec2Store& ec2, const S3Meters& s3, const Clock& clock, BillingOptions options,
         const PriceList& prices = PriceList::Default());

  Seconds Now() const;
  const BillingOptions& options() const { return options_; }
  // The spot price as a fraction of on-demand, in nano-units (0.3 = 300000000).
  Nano spot_fraction() const { return ec2_pricing_.spot_fraction; }

  std::vector<BillPeriod> Query(const BillQuery& query) const;
  // Alerts of a monthly budget for every month [start, end) touches, up to now.
  std::vector<BudgetAlert> Alerts(std::string_view account_id, Nano budget, Seconds start,
                                  Seconds end) const;
  // The month-to-date cost of the month holding `now`.
  Nano MonthToDate(std::string_view account_id) const;

  // Every usage row of `account_id` (all when empty) up to now, free tier
  // credits and allowances applied. For tests and the queries above.
  std::vector<UsageRow> Rows(std::string_view account_id) const;

 private:
  const ec2::Ec2Store& ec2_;
  const S3Meters& s3_;
  const Clock& clock_;
  const BillingOptions options_;
  Ec2Pricing ec2_pricing_;
  S3Pricing s3_pricing_;
  Nano data_out_free_gb_ = 0;
  const PriceList& prices_;
};

// The cost and shown quantity of `quantity` base units of rows like `row`
// (usage type, unit, price) in the month holding `row.hour`.
Nano PriceOf(const UsageRow& row, __int128 quantity);
Nano ShownQuantity(const UsageRow& row, __int128 quantity);

}  // namespace awslab::billing

#endif  // AWSLAB_EMULATOR_BILLING_BILLER_H_
