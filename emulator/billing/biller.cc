#include "emulator/billing/biller.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace awslab::billing {
namespace {

constexpr __int128 kGiB = __int128(1) << 30;

// Base units in one shown unit, in the month holding `hour`.
__int128 BasePerShown(BaseUnit unit, Seconds hour) {
  switch (unit) {
    case BaseUnit::kSeconds: return kHour;
    case BaseUnit::kGibSeconds: return MonthSeconds(hour);
    case BaseUnit::kByteSeconds: return kGiB * MonthSeconds(hour);
    case BaseUnit::kRequests: return 1;
    case BaseUnit::kBytes: return kGiB;
  }
  return 1;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view RecordType(const UsageRow& r) { return r.credit ? "Credit" : "Usage"; }

std::string DimensionValue(const UsageRow& r, Dimension d) {
  switch (d) {
    case Dimension::kService: return r.service;
    case Dimension::kUsageType: return r.usage_type;
    case Dimension::kInstanceType: return r.instance_type.empty() ? "NoInstanceType" : r.instance_type;
    case Dimension::kRegion: return r.region;
    case Dimension::kLinkedAccount: return r.account_id;
    case Dimension::kRecordType: return std::string(RecordType(r));
    case Dimension::kResourceId: return r.resource_id;
  }
  return {};
}

bool Matches(const UsageRow& r, const Filter& f) {
  switch (f.kind) {
    case Filter::Kind::kDimension: {
      std::string v = DimensionValue(r, f.dimension);
      return std::find(f.values.begin(), f.values.end(), v) != f.values.end();
    }
    case Filter::Kind::kAnd:
      return std::all_of(f.children.begin(), f.children.end(),
                         [&](const Filter& c) { return Matches(r, c); });
    case Filter::Kind::kOr:
      return std::any_of(f.children.begin(), f.children.end(),
                         [&](const Filter& c) { return Matches(r, c); });
    case Filter::Kind::kNot:
      return !f.children.empty() && !Matches(r, f.children[0]);
  }
  return false;
}

// What prices a row: rows that agree on all of it are summed before pricing.
using PriceKey = std::tuple<std::string, std::string, Nano, std::int64_t, int, Seconds, bool>;
PriceKey PriceKeyOf(const UsageRow& r) {
  return {r.usage_type, r.region, r.price, r.price_per, static_cast<int>(r.unit),
          MonthStart(r.hour), r.credit};
}

Seconds CellStart(Granularity g, Seconds t, Seconds query_start) {
  switch (g) {
    case Granularity::kHourly: return std::max(query_start, FloorHour(t));
    case Granularity::kDaily: return std::max(query_start, FloorDay(t));
    case Granularity::kMonthly: return std::max(query_start, MonthStart(t));
    case Granularity::kWhole: return query_start;
  }
  return query_start;
}

Seconds CellEnd(Granularity g, Seconds start, Seconds query_end) {
  switch (g) {
    case Granularity::kHourly: return std::min(query_end, FloorHour(start) + kHour);
    case Granularity::kDaily: return std::min(query_end, FloorDay(start) + kDay);
    case Granularity::kMonthly: return std::min(query_end, NextMonthStart(start));
    case Granularity::kWhole: return query_end;
  }
  return query_end;
}

}  // namespace

Nano PriceOf(const UsageRow& row, __int128 quantity) {
  Nano cost = MulDivRound(quantity, row.price, BasePerShown(row.unit, row.hour) * row.price_per);
  return row.credit ? -cost : cost;
}

Nano ShownQuantity(const UsageRow& row, __int128 quantity) {
  return MulDivRound(quantity, kNanoPerUnit, BasePerShown(row.unit, row.hour));
}

std::optional<Dimension> ParseDimension(std::string_view name) {
  if (name == "SERVICE") return Dimension::kService;
  if (name == "USAGE_TYPE") return Dimension::kUsageType;
  if (name == "INSTANCE_TYPE") return Dimension::kInstanceType;
  if (name == "REGION") return Dimension::kRegion;
  if (name == "LINKED_ACCOUNT") return Dimension::kLinkedAccount;
  if (name == "RECORD_TYPE") return Dimension::kRecordType;
  return std::nullopt;
}

std::string_view DimensionName(Dimension d) {
  switch (d) {
    case Dimension::kService: return "SERVICE";
    case Dimension::kUsageType: return "USAGE_TYPE";
    case Dimension::kInstanceType: return "INSTANCE_TYPE";
    case Dimension::kRegion: return "REGION";
    case Dimension::kLinkedAccount: return "LINKED_ACCOUNT";
    case Dimension::kRecordType: return "RECORD_TYPE";
    case Dimension::kResourceId: return "RESOURCE_ID";
  }
  return "";
}

Biller::Biller(const ec2::Ec2Store& ec2, const S3Meters& s3, const Clock& clock,
               BillingOptions options, const PriceList& prices)
    : ec2_(ec2), s3_(s3), clock_(clock), options_(options), prices_(prices) {
  ec2_pricing_.rules = options_.rules;
  ec2_pricing_.spot_fraction = options_.spot_fraction.value_or(prices_.Get("spot.fraction"));
  ec2_pricing_.ipv4_hour = prices_.Get("ipv4");
  ec2_pricing_.eip_idle_hour = prices_.Get("eip.idle");
  for (std::string_view t : {"gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"})
    ec2_pricing_.ebs.emplace(std::string(t), prices_.Get("ebs." + std::string(t)));
  s3_pricing_.storage_gb_month = prices_.Get("s3.storage");
  s3_pricing_.tier1_per_1000 = prices_.Get("s3.tier1");
  s3_pricing_.tier2_per_1000 = prices_.Get("s3.tier2");
  s3_pricing_.data_out_gb = prices_.Get("data_out");
  data_out_free_gb_ = prices_.Get(options_.rules == Rules::kHourly ? "data_out.free.hourly"
                                                                   : "data_out.free.per-second");
}

Seconds Biller::Now() const { return ToSeconds(clock_.Now()); }

std::vector<UsageRow> Biller::Rows(std::string_view account_id) const {
  const Seconds now = Now();
  std::vector<UsageRow> rows;
  for (const auto& records : ec2_.AllRecords(account_id))
    Ec2Usage(records, ec2_.options().timings, ec2_pricing_, now, rows);
  s3_.Usage(account_id, now, s3_pricing_, rows);
  std::stable_sort(rows.begin(), rows.end(),
                   [](const UsageRow& a, const UsageRow& b) { return a.hour < b.hour; });

  // Per account and month, in time order: the free part of data out, then
  // the free tier's credits.
  struct Pools {
    __int128 data_out_free = 0;
    __int128 micro = 0, ebs = 0, s3_storage = 0, tier1 = 0, tier2 = 0;
  };
  auto month_pools = [&](Seconds month) {
    Pools p;
    p.data_out_free = data_out_free_gb_ * kGiB / kNanoPerUnit;
    if (options_.free_tier) {
      const __int128 month_s = MonthSeconds(month);
      p.micro = prices_.Get("free.micro_hours") * kHour / kNanoPerUnit;
      p.ebs = prices_.Get("free.ebs") * month_s / kNanoPerUnit;
      p.s3_storage = prices_.Get("free.s3_storage") * kGiB / kNanoPerUnit * month_s;
      p.tier1 = prices_.Get("free.s3_tier1") / kNanoPerUnit;
      p.tier2 = prices_.Get("free.s3_tier2") / kNanoPerUnit;
    }
    return p;
  };
  std::map<std::pair<std::string, Seconds>, Pools> pools;
  std::vector<UsageRow> out;
  out.reserve(rows.size());
  for (UsageRow& r : rows) {
    const Seconds month = MonthStart(r.hour);
    auto [it, fresh] = pools.try_emplace({r.account_id, month});
    if (fresh) it->second = month_pools(month);
    Pools& p = it->second;
    if (r.unit == BaseUnit::kBytes && p.data_out_free > 0) {
      std::int64_t free = static_cast<std::int64_t>(std::min<__int128>(p.data_out_free, r.quantity));
      p.data_out_free -= free;
      UsageRow f = r;
      f.quantity = free;
      f.price = 0;
      out.push_back(std::move(f));
      r.quantity -= free;
      if (r.quantity == 0) continue;
    }
    __int128* pool = nullptr;
    if (options_.free_tier) {
      std::string_view u = r.usage_type;
      if (EndsWith(u, "BoxUsage:t2.micro") || EndsWith(u, "BoxUsage:t3.micro")) pool = &p.micro;
      else if (EndsWith(u, "EBS:VolumeUsage.gp2") || EndsWith(u, "EBS:VolumeUsage.gp3") ||
               EndsWith(u, "EBS:VolumeUsage"))
        pool = &p.ebs;
      else if (EndsWith(u, "TimedStorage-ByteHrs")) pool = &p.s3_storage;
      else if (EndsWith(u, "Requests-Tier1")) pool = &p.tier1;
      else if (EndsWith(u, "Requests-Tier2")) pool = &p.tier2;
    }
    if (pool && *pool > 0 && r.quantity > 0) {
      UsageRow c = r;
      c.quantity = static_cast<std::int64_t>(std::min<__int128>(*pool, r.quantity));
      c.credit = true;
      *pool -= c.quantity;
      out.push_back(r);
      out.push_back(std::move(c));
      continue;
    }
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<BillPeriod> Biller::Query(const BillQuery& q) const {
  std::vector<BillPeriod> periods;
  if (q.end <= q.start) return periods;
  const Seconds now = Now();
  for (Seconds s = CellStart(q.granularity, q.start, q.start); s < q.end;) {
    Seconds e = CellEnd(q.granularity, s, q.end);
    BillPeriod p;
    p.start = s;
    p.end = e;
    p.estimated = e > now;
    periods.push_back(std::move(p));
    s = e;
  }
  auto period_of = [&](Seconds t) -> BillPeriod* {
    auto it = std::upper_bound(periods.begin(), periods.end(), t,
                               [](Seconds x, const BillPeriod& p) { return x < p.start; });
    if (it == periods.begin()) return nullptr;
    --it;
    return t < it->end ? &*it : nullptr;
  };

  // (period start, group keys, price key) -> base quantity, and an example row.
  struct Sum {
    __int128 quantity = 0;
    const UsageRow* example = nullptr;
  };
  std::map<std::tuple<Seconds, std::vector<std::string>, PriceKey>, Sum> sums;
  const std::vector<UsageRow> rows = Rows(q.account_id);
  for (const UsageRow& r : rows) {
    if (r.hour < q.start || r.hour >= q.end) continue;
    if (q.filter && !Matches(r, *q.filter)) continue;
    BillPeriod* p = period_of(r.hour);
    if (!p) continue;
    std::vector<std::string> keys;
    for (Dimension d : q.group_by) keys.push_back(DimensionValue(r, d));
    Sum& s = sums[{p->start, std::move(keys), PriceKeyOf(r)}];
    s.quantity += r.quantity;
    s.example = &r;
  }

  // Price each sum once; roll the sums up into groups and totals.
  auto add = [](Amount& a, Nano cost, Nano quantity, std::string_view unit, bool credit) {
    a.cost += cost;
    if (credit) return;
    a.quantity += quantity;
    if (a.unit.empty()) a.unit = unit;
    else if (a.unit != unit) a.unit = "N/A";
  };
  std::map<std::pair<Seconds, std::vector<std::string>>, Amount> groups;
  for (const auto& [key, s] : sums) {
    const auto& [start, keys, price_key] = key;
    const UsageRow& r = *s.example;
    Nano cost = PriceOf(r, s.quantity);
    Nano shown = ShownQuantity(r, s.quantity);
    BillPeriod* p = period_of(start);
    add(p->total, cost, shown, UnitName(r.unit), r.credit);
    if (!q.group_by.empty()) add(groups[{start, keys}], cost, shown, UnitName(r.unit), r.credit);
  }
  // A unit is shown only for groups of one usage type, as Cost Explorer
  // does; elsewhere the quantity adds up unlike things.
  const bool by_usage_type = std::find(q.group_by.begin(), q.group_by.end(),
                                       Dimension::kUsageType) != q.group_by.end();
  for (auto& [key, amount] : groups) {
    if (amount.unit.empty() || !by_usage_type) amount.unit = "N/A";
    period_of(key.first)->groups.push_back({key.second, amount});
  }
  for (BillPeriod& p : periods) p.total.unit = "N/A";
  return periods;
}

std::vector<BudgetAlert> Biller::Alerts(std::string_view account_id, Nano budget, Seconds start,
                                        Seconds end) const {
  std::vector<BudgetAlert> alerts;
  if (budget <= 0 || account_id.empty()) return alerts;
  const Seconds now = Now();
  for (Seconds month = MonthStart(start); month < end && month <= now;
       month = NextMonthStart(month)) {
    BillQuery q;
    q.account_id = account_id;
    q.start = month;
    q.end = std::min(NextMonthStart(month), FloorHour(now) + kHour);
    q.granularity = Granularity::kHourly;
    // The hourly costs find the hour of each crossing; the month-to-date
    // there is then priced in one step (the sum of hours, each rounded, can
    // differ from it in the last nano-dollar).
    auto month_to_date = [&](Seconds until) {
      BillQuery whole = q;
      whole.end = until;
      whole.granularity = Granularity::kWhole;
      return Query(whole)[0].total.cost;
    };
    Nano running = 0;
    int next = 0;
    constexpr int kThresholds[] = {50, 80, 100};
    auto reached = [&](Nano cost) {
      return static_cast<__int128>(cost) * 100 >= static_cast<__int128>(budget) * kThresholds[next];
    };
    for (const BillPeriod& p : Query(q)) {
      running += p.total.cost;
      // Within rounding (a nano-dollar per priced hour at most) of a crossing?
      if (next >= 3 || !reached(running + 1000)) continue;
      Nano exact = month_to_date(p.end);
      while (next < 3 && reached(exact)) {
        alerts.push_back({kThresholds[next], MonthName(month), p.start, exact});
        ++next;
      }
    }
  }
  return alerts;
}

Nano Biller::MonthToDate(std::string_view account_id) const {
  const Seconds now = Now();
  BillQuery q;
  q.account_id = account_id;
  q.start = MonthStart(now);
  q.end = NextMonthStart(now);
  q.granularity = Granularity::kWhole;
  auto periods = Query(q);
  return periods.empty() ? 0 : periods[0].total.cost;
}

}  // namespace awslab::billing
