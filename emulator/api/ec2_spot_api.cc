// Spot Instance requests: RequestSpotInstances, DescribeSpotInstanceRequests,
// CancelSpotInstanceRequests, and DescribeSpotPriceHistory.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/spot-request-status.html
//
// The spot price of a type is a fixed fraction of its on-demand price (the
// server's --spot-fraction, as the bill charges). A request whose maximum
// price is at least the spot price is fulfilled at once: its instance is
// launched as RunInstances launches a spot instance (pending for
// --ec2-spot-pending). A lower one stays open with price-too-low until it is
// cancelled. A request's state and status follow from its instance:
//
//   instance pending or running        active     fulfilled
//   instance stopping or stopped       disabled   instance-stopped-by-user
//   instance terminated, one-time      closed     instance-terminated-by-user
//   instance terminated, persistent    open       instance-terminated-by-user
//   (AWS would then launch a replacement; awslab does not)
//   no instance, price below spot      open       price-too-low
//   cancelled, nothing launched        cancelled  canceled-before-fulfillment
//   cancelled, instance running        cancelled  request-canceled-and-instance-running
//   cancelled, instance terminated     cancelled  instance-terminated-by-user
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <map>

#include "emulator/api/ec2_internal.h"
#include "emulator/ec2/catalog.h"
#include "emulator/ec2/lifecycle.h"

namespace awslab::api::ec2api {
namespace {

using ec2::Instance;
using ec2::SpotRequest;
using ec2::State;
using protocol::XmlWriter;

constexpr std::string_view kProduct = "Linux/UNIX";

// Dollars with six decimals, as EC2 prints prices ("0.003480").
std::string Dollars(std::int64_t nano) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%06lld", static_cast<long long>(nano / 1'000'000'000),
                static_cast<long long>(nano % 1'000'000'000 / 1000));
  return buf;
}

// A price as given ("0.05", ".5", "1"): nano-dollars; nullopt unless a
// positive decimal number.
std::optional<std::int64_t> ParsePrice(std::string_view s) {
  std::int64_t units = 0, frac = 0, scale = 1'000'000'000;
  std::size_t dot = s.find('.');
  std::string_view whole = s.substr(0, dot);
  std::string_view part = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
  if (whole.empty() && part.empty()) return std::nullopt;
  if (whole.size() > 6) return std::nullopt;
  for (char ch : whole) {
    if (ch < '0' || ch > '9') return std::nullopt;
    units = units * 10 + (ch - '0');
  }
  for (char ch : part) {
    if (ch < '0' || ch > '9') return std::nullopt;
    scale /= 10;
    if (scale == 0) return std::nullopt;
    frac += (ch - '0') * scale;
  }
  std::int64_t nano = units * 1'000'000'000 + frac;
  if (nano <= 0) return std::nullopt;
  return nano;
}

struct SpotStatus {
  std::string_view state;
  std::string_view code;
  std::string message;
  TimePoint updated;
};

// The price a request names: its maximum, else the on-demand price.
std::string ShownPrice(const Call& c, const SpotRequest& r) {
  if (auto max = ParsePrice(r.max_price)) return Dollars(*max);
  auto prices = c.store.PricesOf(r.instance_type);
  return prices ? Dollars(prices->on_demand) : "";
}

SpotStatus StatusOf(const Call& c, const SpotRequest& r, const Instance* i, TimePoint now) {
  const ec2::Timings& t = c.store.options().timings;
  const State s = i ? ec2::StateAt(*i, now, t) : State::kPending;
  const bool ended = i && (s == State::kTerminated || s == State::kShuttingDown);
  const bool stopped = i && (s == State::kStopped || s == State::kStopping);
  const std::string terminated = "Spot Instance terminated due to user-initiated termination.";
  if (r.cancelled_at) {
    if (!i)
      return {"cancelled", "canceled-before-fulfillment",
              "Your Spot request is canceled before it was fulfilled.", *r.cancelled_at};
    if (ended) return {"cancelled", "instance-terminated-by-user", terminated, i->action_at};
    return {"cancelled", "request-canceled-and-instance-running",
            "Spot Instance request was canceled, but the Spot Instance is still running.",
            *r.cancelled_at};
  }
  if (!i)
    return {"open", "price-too-low",
            "Your Spot request price of " + ShownPrice(c, r) +
                " is lower than the minimum required Spot request fulfillment price of " +
                r.too_low_for + ".",
            r.created};
  if (ended)
    return {r.type == "persistent" ? "open" : "closed", "instance-terminated-by-user", terminated,
            i->action_at};
  if (stopped)
    return {"disabled", "instance-stopped-by-user",
            "Spot Instance stopped due to user-initiated stop.", i->action_at};
  return {"active", "fulfilled", "Your spot request is fulfilled.", i->launch_time};
}

std::map<std::string, Instance> InstancesById(Call& c) {
  std::map<std::string, Instance> out;
  for (Instance& i : c.store.Instances(c.scope)) out.emplace(i.id, std::move(i));
  return out;
}

void WriteRequest(Call& c, const SpotRequest& r, const std::map<std::string, Instance>& instances,
                  const std::vector<ec2::SecurityGroup>& groups, TimePoint now) {
  XmlWriter& out = c.out;
  auto it = r.instance_id.empty() ? instances.end() : instances.find(r.instance_id);
  const Instance* i = it == instances.end() ? nullptr : &it->second;
  const SpotStatus status = StatusOf(c, r, i, now);
  out.Open("item");
  out.Leaf("spotInstanceRequestId", r.id);
  out.Leaf("spotPrice", ShownPrice(c, r));
  out.Leaf("type", r.type);
  out.Leaf("state", status.state);
  out.Open("status");
  out.Leaf("code", status.code);
  out.Leaf("updateTime", FormatIso8601(status.updated));
  out.Leaf("message", status.message);
  out.Close();
  out.Open("launchSpecification");
  out.Leaf("imageId", r.image_id);
  if (!r.key_name.empty()) out.Leaf("keyName", r.key_name);
  WriteGroupSet(out, r.group_ids, groups);
  out.Leaf("instanceType", r.instance_type);
  if (const std::string& zone = i ? i->zone : r.zone; !zone.empty()) {
    out.Open("placement");
    out.Leaf("availabilityZone", zone);
    out.Close();
  }
  out.Open("monitoring");
  out.Bool("enabled", false);
  out.Close();
  out.Close();
  if (i) out.Leaf("instanceId", i->id);
  out.Leaf("createTime", FormatIso8601(r.created));
  out.Leaf("productDescription", kProduct);
  WriteTags(out, r.tags);
  if (i) out.Leaf("launchedAvailabilityZone", i->zone);
  out.Leaf("instanceInterruptionBehavior", r.interruption_behavior);
  out.Close();
}

std::optional<std::vector<std::string>> RequestFilterValues(
    const Call& c, const SpotRequest& r, const std::map<std::string, Instance>& instances,
    TimePoint now, std::string_view f) {
  using V = std::vector<std::string>;
  auto it = r.instance_id.empty() ? instances.end() : instances.find(r.instance_id);
  const Instance* i = it == instances.end() ? nullptr : &it->second;
  if (f == "spot-instance-request-id") return V{r.id};
  if (f == "state") return V{std::string(StatusOf(c, r, i, now).state)};
  if (f == "status-code") return V{std::string(StatusOf(c, r, i, now).code)};
  if (f == "instance-id") return i ? V{i->id} : V{};
  if (f == "type") return V{r.type};
  if (f == "spot-price") return V{ShownPrice(c, r)};
  if (f == "product-description") return V{std::string(kProduct)};
  if (f == "launch.instance-type") return V{r.instance_type};
  if (f == "launch.image-id") return V{r.image_id};
  if (f == "launch.key-name") return r.key_name.empty() ? V{} : V{r.key_name};
  if (f == "launch.group-id") return r.group_ids;
  if (f == "launched-availability-zone") return i ? V{i->zone} : V{};
  if (f == "create-time") return V{FormatIso8601(r.created)};
  return ec2::TagFilterValues(r.tags, f);
}

}  // namespace

Status RequestSpotInstances(Call& c) {
  ec2::RunRequest req;
  const protocol::QueryParams spec = c.params.Sub("LaunchSpecification");
  auto image = Required(spec, "ImageId");
  if (!image) return MakeError(ErrorCode::kMissingParameter,
                               "The request must contain the parameter LaunchSpecification.ImageId");
  req.image_id = *image;
  if (const std::string* t = spec.Get("InstanceType")) req.instance_type = *t;
  if (const std::string* k = spec.Get("KeyName")) req.key_name = *k;
  req.group_ids = spec.List("SecurityGroupId");
  req.group_names = spec.List("SecurityGroup");
  if (const std::string* s = spec.Get("SubnetId")) req.subnet_id = *s;
  if (const std::string* z = spec.Get("Placement.AvailabilityZone")) req.zone = *z;
  auto user_data = UserData(spec, "UserData");
  if (!user_data) return user_data.error();
  req.user_data = std::move(*user_data);
  req.spot = true;
  if (const std::string* t = c.params.Get("Type")) req.spot_type = *t;
  if (req.spot_type != "one-time" && req.spot_type != "persistent")
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + req.spot_type + "' for type.");
  auto behaviour = InterruptionBehavior(c.params, "InstanceInterruptionBehavior", req.spot_type);
  if (!behaviour) return behaviour.error();
  req.spot_interruption = std::move(*behaviour);
  req.spot_request_tags = TagSpecs(c.params, "spot-instances-request");
  if (const std::string* t = c.params.Get("ClientToken")) req.client_token = *t;
  auto count = Integer(c.params, "InstanceCount");
  if (!count) return count.error();
  const long long n = count->value_or(1);
  if (n < 1 || n > 20)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + std::to_string(n) + "' for instanceCount.");
  // Without SpotPrice the maximum is the on-demand price: always fulfilled.
  auto prices = c.store.PricesOf(req.instance_type);
  bool fulfil = true;
  if (const std::string* p = c.params.Get("SpotPrice")) {
    auto max = ParsePrice(*p);
    if (!max)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid value '" + *p + "' for spotPrice.");
    req.spot_max_price = *p;
    fulfil = !prices || *max >= prices->spot;
  }
  std::vector<SpotRequest> made;
  if (fulfil) {
    req.min_count = req.max_count = static_cast<int>(n);
    auto launched = c.store.RunInstances(c.scope, req, c.dry_run);
    if (!launched) return launched.error();
    std::vector<std::string> ids;
    for (const Instance& i : *launched) ids.push_back(i.spot_request_id);
    auto found = c.store.FindSpotRequests(c.scope, ids);
    if (!found) return found.error();
    made = std::move(*found);
  } else {
    auto open = c.store.OpenSpotRequests(c.scope, req, static_cast<int>(n),
                                         Dollars(prices->spot), c.dry_run);
    if (!open) return open.error();
    made = std::move(*open);
  }
  const auto instances = InstancesById(c);
  const auto groups = c.store.SecurityGroups(c.scope);
  const TimePoint now = c.store.Now();
  c.out.Open("spotInstanceRequestSet");
  for (const SpotRequest& r : made) WriteRequest(c, r, instances, groups, now);
  c.out.Close();
  return Ok();
}

Status DescribeSpotInstanceRequests(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("SpotInstanceRequestId");
  std::vector<SpotRequest> all;
  if (ids.empty()) {
    all = c.store.SpotRequests(c.scope);
  } else {
    auto found = c.store.FindSpotRequests(c.scope, ids);
    if (!found) return found.error();
    all = std::move(*found);
  }
  const auto instances = InstancesById(c);
  const TimePoint now = c.store.Now();
  const auto filters = Filters(c.params);
  std::vector<SpotRequest> matched;
  for (const SpotRequest& r : all) {
    auto ok = ec2::Matches(filters, [&](std::string_view f) {
      return RequestFilterValues(c, r, instances, now, f);
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(r);
  }
  auto page = Paginate(c.params, matched.size(), 5, 1000);
  if (!page) return page.error();
  const auto groups = c.store.SecurityGroups(c.scope);
  c.out.Open("spotInstanceRequestSet");
  for (std::size_t k = page->start; k < page->start + page->size; ++k)
    WriteRequest(c, matched[k], instances, groups, now);
  c.out.Close();
  if (auto next = NextToken(*page, matched.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

Status CancelSpotInstanceRequests(Call& c) {
  std::vector<std::string> ids = c.params.List("SpotInstanceRequestId");
  if (ids.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter SpotInstanceRequestId");
  auto cancelled = c.store.CancelSpotRequests(c.scope, ids, c.dry_run);
  if (!cancelled) return cancelled.error();
  c.out.Open("spotInstanceRequestSet");
  for (const SpotRequest& r : *cancelled) {
    c.out.Open("item");
    c.out.Leaf("spotInstanceRequestId", r.id);
    c.out.Leaf("state", "cancelled");
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

Status DescribeSpotPriceHistory(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> types = c.params.List("InstanceType");
  for (const std::string& t : types)
    if (!ec2::FindInstanceType(t))
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid value '" + t + "' for InstanceType.");
  if (types.empty())
    for (const ec2::InstanceType& t : ec2::InstanceTypes()) types.emplace_back(t.name);
  std::vector<std::string> products = c.params.List("ProductDescription");
  const bool linux =
      products.empty() || std::find_if(products.begin(), products.end(), [](const auto& p) {
                            return p == kProduct || p == "Linux/UNIX (Amazon VPC)";
                          }) != products.end();
  const std::string* zone = c.params.Get("AvailabilityZone");
  if (zone && !ec2::FindZone(*zone))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid availability zone: [" + *zone + "]");
  // Prices never change: the one in effect at the start of the window (now
  // when none is given) is the whole history.
  const TimePoint now = c.store.Now();
  struct Row {
    std::string type, zone, price;
  };
  std::vector<Row> rows;
  if (linux) {
    for (const std::string& t : types) {
      auto prices = c.store.PricesOf(t);
      if (!prices) continue;
      for (const ec2::AvailabilityZone* z : ec2::ZonesOf(c.scope.region)) {
        if (zone && z->name != *zone) continue;
        rows.push_back({t, std::string(z->name), Dollars(prices->spot)});
      }
    }
  }
  const auto filters = Filters(c.params);
  std::vector<Row> matched;
  for (const Row& r : rows) {
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "instance-type") return V{r.type};
      if (f == "availability-zone") return V{r.zone};
      if (f == "product-description") return V{std::string(kProduct)};
      if (f == "spot-price") return V{r.price};
      if (f == "timestamp") return V{FormatIso8601(now)};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(r);
  }
  auto page = Paginate(c.params, matched.size(), 5, 1000);
  if (!page) return page.error();
  c.out.Open("spotPriceHistorySet");
  for (std::size_t k = page->start; k < page->start + page->size; ++k) {
    const Row& r = matched[k];
    c.out.Open("item");
    c.out.Leaf("instanceType", r.type);
    c.out.Leaf("productDescription", kProduct);
    c.out.Leaf("spotPrice", r.price);
    c.out.Leaf("timestamp", FormatIso8601(now));
    c.out.Leaf("availabilityZone", r.zone);
    c.out.Close();
  }
  c.out.Close();
  c.out.Leaf("nextToken", NextToken(*page, matched.size()));
  return Ok();
}

}  // namespace awslab::api::ec2api
