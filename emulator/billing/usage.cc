#include "emulator/billing/usage.h"

#include <algorithm>
#include <chrono>
#include <map>

#include "emulator/billing/prices.h"

namespace awslab::billing {

std::string_view RulesName(Rules r) { return r == Rules::kHourly ? "hourly" : "per-second"; }

std::optional<Rules> ParseRules(std::string_view s) {
  if (s == "hourly") return Rules::kHourly;
  if (s == "per-second") return Rules::kPerSecond;
  return std::nullopt;
}

std::string_view UnitName(BaseUnit u) {
  switch (u) {
    case BaseUnit::kSeconds: return "Hrs";
    case BaseUnit::kGibSeconds:
    case BaseUnit::kByteSeconds: return "GB-Mo";
    case BaseUnit::kRequests: return "Requests";
    case BaseUnit::kBytes: return "GB";
  }
  return "N/A";
}

std::string RegionPrefix(std::string_view region) {
  static const std::map<std::string_view, std::string_view> kPrefixes = {
      {"us-east-1", ""},         {"us-east-2", "USE2-"},      {"us-west-1", "USW1-"},
      {"us-west-2", "USW2-"},    {"eu-west-1", "EU-"},        {"eu-west-2", "EUW2-"},
      {"eu-west-3", "EUW3-"},    {"eu-central-1", "EUC1-"},   {"eu-north-1", "EUN1-"},
      {"ap-southeast-1", "APS1-"}, {"ap-southeast-2", "APS2-"}, {"ap-northeast-1", "APN1-"},
      {"ap-northeast-2", "APN2-"}, {"ap-south-1", "APS3-"},   {"sa-east-1", "SAE1-"},
      {"ca-central-1", "CAN1-"},
  };
  auto it = kPrefixes.find(region);
  if (it != kPrefixes.end()) return std::string(it->second);
  // Unknown regions: their name in capitals, as a readable stand-in.
  std::string p;
  for (char c : region)
    if (c != '-') p += static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
  return p + "-";
}

Seconds ToSeconds(TimePoint t) {
  return std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::vector<Interval> Subtract(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  for (Interval x : a) {
    Seconds cur = x.from;
    for (const Interval& y : b) {
      if (y.to <= cur || y.from >= x.to) continue;
      if (y.from > cur) out.push_back({cur, y.from});
      cur = std::max(cur, y.to);
      if (cur >= x.to) break;
    }
    if (cur < x.to) out.push_back({cur, x.to});
  }
  return out;
}

std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b) {
  std::vector<Interval> out;
  for (const Interval& x : a)
    for (const Interval& y : b) {
      Seconds from = std::max(x.from, y.from), to = std::min(x.to, y.to);
      if (from < to) out.push_back({from, to});
    }
  std::sort(out.begin(), out.end(), [](const Interval& p, const Interval& q) { return p.from < q.from; });
  return out;
}

void AddSpread(const UsageRow& proto, Seconds from, Seconds to, std::int64_t per_second,
               std::vector<UsageRow>& out) {
  for (Seconds t = from; t < to;) {
    Seconds hour = FloorHour(t);
    Seconds end = std::min(to, hour + kHour);
    UsageRow r = proto;
    r.hour = hour;
    r.quantity = (end - t) * per_second;
    out.push_back(std::move(r));
    t = end;
  }
}

std::vector<RunningInterval> RunningIntervals(const ec2::Instance& i, const ec2::Timings& t,
                                              Seconds now) {
  std::vector<RunningInterval> out;
  const auto pending = i.spot_type.empty() ? t.pending : t.spot_pending;
  for (std::size_t k = 0; k < i.history.size(); ++k) {
    const ec2::Event& e = i.history[k];
    if (e.action != ec2::Action::kStart) continue;
    Seconds running = ToSeconds(e.at + pending);
    bool open = k + 1 == i.history.size();
    Seconds end = open ? now : ToSeconds(i.history[k + 1].at);
    if (running > end || (open && running > now)) continue;  // never got to running
    out.push_back({{running, end}, e.instance_type.empty() ? i.instance_type : e.instance_type,
                   open});
  }
  return out;
}

namespace {

// From each start to the next stop or terminate (or now): while the
// instance holds a public address of its own.
std::vector<Interval> StartedIntervals(const ec2::Instance& i, Seconds now) {
  std::vector<Interval> out;
  for (std::size_t k = 0; k < i.history.size(); ++k) {
    if (i.history[k].action != ec2::Action::kStart) continue;
    Seconds from = ToSeconds(i.history[k].at);
    Seconds to = k + 1 == i.history.size() ? now : ToSeconds(i.history[k + 1].at);
    if (from < to) out.push_back({from, to});
  }
  return out;
}

std::string EbsUsageType(std::string_view type) {
  if (type == "standard") return "EBS:VolumeUsage";
  if (type == "io1") return "EBS:VolumeUsage.piops";
  return "EBS:VolumeUsage." + std::string(type);
}

}  // namespace

void Ec2Usage(const ec2::Ec2Store::ScopeRecords& records, const ec2::Timings& timings,
              const Ec2Pricing& pricing, Seconds now, std::vector<UsageRow>& out) {
  const std::string prefix = RegionPrefix(records.scope.region);
  UsageRow base;
  base.account_id = records.scope.account_id;
  base.region = records.scope.region;

  std::map<std::string, std::vector<Interval>> running_of;  // instance id -> running time
  std::map<std::string, std::vector<Interval>> started_of;
  for (const ec2::Instance& i : records.instances) {
    auto runs = RunningIntervals(i, timings, now);
    for (const RunningInterval& run : runs) {
      running_of[i.id].push_back(run.interval);
      UsageRow r = base;
      r.service = kServiceCompute;
      const bool spot = !i.spot_type.empty();
      r.usage_type = prefix + (spot ? "SpotUsage:" : "BoxUsage:") + run.instance_type;
      r.instance_type = run.instance_type;
      r.resource_id = i.id;
      r.unit = BaseUnit::kSeconds;
      Nano od = PriceList::InstanceHour(run.instance_type).value_or(0);
      r.price = spot ? MulDivRound(od, pricing.spot_fraction, kNanoPerUnit) : od;
      const Seconds length = run.interval.to - run.interval.from;
      if (pricing.rules == Rules::kHourly) {
        // Every entry into running begins a billed hour; partial hours count
        // whole. Each billed hour is placed at the clock hour it begins in.
        Seconds hours = std::max<Seconds>(1, (length + kHour - 1) / kHour);
        for (Seconds h = 0; h < hours; ++h) {
          UsageRow x = r;
          x.hour = FloorHour(run.interval.from + h * kHour);
          x.quantity = kHour;
          out.push_back(std::move(x));
        }
      } else {
        // Per second, with a minimum of 60 seconds for each start.
        AddSpread(r, run.interval.from, run.interval.from + std::max<Seconds>(60, length), 1, out);
      }
    }
    started_of[i.id] = StartedIntervals(i, now);
  }

  for (const ec2::Volume& v : records.volumes) {
    Seconds from = ToSeconds(v.created);
    Seconds to = v.deleted_at ? std::min(now, ToSeconds(*v.deleted_at)) : now;
    if (from >= to) continue;
    UsageRow r = base;
    r.service = kServiceEc2Other;
    r.usage_type = prefix + EbsUsageType(v.type);
    r.resource_id = v.id;
    r.unit = BaseUnit::kGibSeconds;
    auto price = pricing.ebs.find(v.type);
    if (price == pricing.ebs.end()) price = pricing.ebs.find("gp2");
    r.price = price == pricing.ebs.end() ? 0 : price->second;
    AddSpread(r, from, to, v.size_gib, out);
  }

  // Elastic IPs: when each was associated, and which time of it was spent
  // on a running (or, for IPv4 charges, started) instance.
  std::map<std::string, std::vector<Interval>> eip_on;  // instance id -> covered by an EIP
  for (const ec2::Address& a : records.addresses) {
    Seconds from = ToSeconds(a.allocated);
    Seconds to = a.released_at ? std::min(now, ToSeconds(*a.released_at)) : now;
    if (from >= to) continue;
    std::vector<Interval> associated, on_running;
    for (const ec2::AddressUse& u : a.uses) {
      Interval x{ToSeconds(u.from), u.to ? std::min(now, ToSeconds(*u.to)) : now};
      if (x.from >= x.to) continue;
      associated.push_back(x);
      eip_on[u.instance_id].push_back(x);
      auto run = running_of.find(u.instance_id);
      if (run != running_of.end())
        for (const Interval& y : Intersect({x}, run->second)) on_running.push_back(y);
    }
    std::sort(on_running.begin(), on_running.end(),
              [](const Interval& p, const Interval& q) { return p.from < q.from; });
    UsageRow r = base;
    r.resource_id = a.allocation_id;
    r.unit = BaseUnit::kSeconds;
    if (pricing.rules == Rules::kHourly) {
      r.service = kServiceEc2Other;
      r.usage_type = prefix + "ElasticIP:IdleAddress";
      r.price = pricing.eip_idle_hour;
      for (const Interval& x : Subtract({{from, to}}, on_running)) AddSpread(r, x.from, x.to, 1, out);
    } else {
      r.service = kServiceVpc;
      r.price = pricing.ipv4_hour;
      // In use while on a running instance; idle otherwise (unassociated, or
      // on a stopped instance). The price is the same.
      r.usage_type = prefix + "PublicIPv4:InUseAddress";
      for (const Interval& x : Intersect({{from, to}}, on_running)) AddSpread(r, x.from, x.to, 1, out);
      r.usage_type = prefix + "PublicIPv4:IdleAddress";
      for (const Interval& x : Subtract({{from, to}}, on_running)) AddSpread(r, x.from, x.to, 1, out);
    }
  }

  // Under per-second rules an instance's own public address costs too, from
  // each start to its stop, while no Elastic IP stands in for it.
  if (pricing.rules == Rules::kPerSecond) {
    for (const ec2::Instance& i : records.instances) {
      std::vector<Interval> own = started_of[i.id];
      auto covered = eip_on.find(i.id);
      if (covered != eip_on.end()) {
        std::sort(covered->second.begin(), covered->second.end(),
                  [](const Interval& p, const Interval& q) { return p.from < q.from; });
        own = Subtract(own, covered->second);
      }
      UsageRow r = base;
      r.service = kServiceVpc;
      r.usage_type = prefix + "PublicIPv4:InUseAddress";
      r.resource_id = i.id;
      r.unit = BaseUnit::kSeconds;
      r.price = pricing.ipv4_hour;
      for (const Interval& x : own) AddSpread(r, x.from, x.to, 1, out);
    }
  }
}

}  // namespace awslab::billing
