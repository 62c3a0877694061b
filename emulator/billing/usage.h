// Usage rows: what an account used, per clock hour, resource and usage type,
// as an integer in a base unit. Everything billing knows is a list of rows;
// pricing (biller.h) reads nothing else.
//
// Thread-safety: plain values and pure functions.
#ifndef AWSLAB_EMULATOR_BILLING_USAGE_H_
#define AWSLAB_EMULATOR_BILLING_USAGE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/billing/money.h"
#include "emulator/ec2/ec2_store.h"

namespace awslab::billing {

enum class Rules { kHourly, kPerSecond };
std::string_view RulesName(Rules r);  // "hourly", "per-second"
std::optional<Rules> ParseRules(std::string_view s);

// The base unit of a row's quantity, and what a bill shows for it.
enum class BaseUnit {
  kSeconds,      // shown as Hrs
  kGibSeconds,   // GB-Mo: GiB for the whole calendar month
  kByteSeconds,  // GB-Mo
  kRequests,     // Requests
  kBytes,        // GB
};
std::string_view UnitName(BaseUnit u);

inline constexpr std::string_view kServiceCompute = "Amazon Elastic Compute Cloud - Compute";
inline constexpr std::string_view kServiceEc2Other = "EC2 - Other";
inline constexpr std::string_view kServiceVpc = "Amazon Virtual Private Cloud";
inline constexpr std::string_view kServiceS3 = "Amazon Simple Storage Service";

struct UsageRow {
  Seconds hour = 0;  // the clock hour's first second
  std::string account_id;
  std::string region;
  std::string service;
  std::string usage_type;     // region-prefixed: "BoxUsage:t2.micro", "USW2-EBS:VolumeUsage.gp2"
  std::string instance_type;  // empty when none
  std::string resource_id;    // "i-...", "vol-...", "eipalloc-...", a bucket name
  BaseUnit unit = BaseUnit::kSeconds;
  std::int64_t quantity = 0;  // in `unit`
  // Price: `price` USD-nanos per `price_per` shown units (1,000 requests).
  Nano price = 0;
  std::int64_t price_per = 1;
  bool credit = false;  // a free-tier credit: priced negative, no usage quantity
};

// "USW2-" for us-west-2, "" for us-east-1.
std::string RegionPrefix(std::string_view region);

// Time intervals [from, to) in seconds.
struct Interval {
  Seconds from = 0;
  Seconds to = 0;
};
// `a` without any part of `b` (both sorted, disjoint).
std::vector<Interval> Subtract(const std::vector<Interval>& a, const std::vector<Interval>& b);
std::vector<Interval> Intersect(const std::vector<Interval>& a, const std::vector<Interval>& b);

// Appends `per_second` units for every second of [from, to), cut at clock
// hours, as rows copied from `proto`.
void AddSpread(const UsageRow& proto, Seconds from, Seconds to, std::int64_t per_second,
               std::vector<UsageRow>& out);

struct Ec2Pricing {
  Rules rules = Rules::kHourly;
  Nano spot_fraction = 300'000'000;  // 0.3
  Nano ipv4_hour = 5'000'000;
  Nano eip_idle_hour = 5'000'000;
  // EBS per GB-month by volume type ("gp2" -> 0.10); unknown types use gp2's.
  std::map<std::string, Nano, std::less<>> ebs;
};

// The rows of one scope's EC2 records up to `now` (seconds).
void Ec2Usage(const ec2::Ec2Store::ScopeRecords& records, const ec2::Timings& timings,
              const Ec2Pricing& pricing, Seconds now, std::vector<UsageRow>& out);

// The seconds an instance was running: from each entry into running to the
// next stop or terminate (or `now`), with the type of that start.
struct RunningInterval {
  Interval interval;
  std::string instance_type;
  bool open = false;  // still running at `now`
};
std::vector<RunningInterval> RunningIntervals(const ec2::Instance& i, const ec2::Timings& t,
                                              Seconds now);

Seconds ToSeconds(TimePoint t);

}  // namespace awslab::billing

#endif  // AWSLAB_EMULATOR_BILLING_USAGE_H_
