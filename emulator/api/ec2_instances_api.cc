// EC2 instances: RunInstances, DescribeInstances and the lifecycle calls.
// Shapes as in https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Instance.html
#include <algorithm>
#include <cstdio>

#include "client/include/awslab/crypto.h"
#include "emulator/api/ec2_internal.h"
#include "emulator/ec2/catalog.h"

namespace awslab::api::ec2api {
namespace {

using ec2::Instance;
using ec2::State;
using protocol::QueryParams;
using protocol::XmlWriter;

std::string DnsLabel(const std::string& ip) {
  std::string out = ip;
  std::replace(out.begin(), out.end(), '.', '-');
  return out;
}

std::string PrivateDns(const ec2::Scope& scope, const std::string& ip) {
  const ec2::Region* r = ec2::FindRegion(scope.region);
  return "ip-" + DnsLabel(ip) + "." + std::string(r ? r->private_dns_suffix : "ec2.internal");
}

std::string PublicDns(const ec2::Scope& scope, const std::string& ip) {
  if (ip.empty()) return "";
  const ec2::Region* r = ec2::FindRegion(scope.region);
  return "ec2-" + DnsLabel(ip) + "." +
         std::string(r ? r->public_dns_suffix : "compute-1.amazonaws.com");
}

// "User initiated (2026-11-23 10:00:00 GMT)"
std::string UserInitiated(TimePoint t) {
  std::string iso = FormatIso8601Seconds(t);  // 2026-11-23T10:00:00Z
  return "User initiated (" + iso.substr(0, 10) + " " + iso.substr(11, 8) + " GMT)";
}

void WriteState(XmlWriter& out, std::string_view element, State s) {
  out.Open(element);
  out.Leaf("code", static_cast<int>(s));
  out.Leaf("name", ec2::StateName(s));
  out.Close();
}

struct View {
  State state;
  std::string public_ip;
};

View ViewOf(Call& c, const Instance& i) {
  return {ec2::StateAt(i, c.store.Now(), c.store.options().timings),
          c.store.PublicIpOf(c.scope, i)};
}

void WriteInstance(Call& c, const Instance& i, const std::vector<ec2::SecurityGroup>& groups) {
  XmlWriter& out = c.out;
  View v = ViewOf(c, i);
  const ec2::Image* image = ec2::FindImage(c.scope.region, i.image_id);
  const ec2::InstanceType* type = ec2::FindInstanceType(i.instance_type);
  out.Open("item");
  out.Leaf("instanceId", i.id);
  out.Leaf("imageId", i.image_id);
  WriteState(out, "instanceState", v.state);
  const bool terminated = v.state == State::kTerminated;
  out.Leaf("privateDnsName", terminated ? "" : PrivateDns(c.scope, i.private_ip));
  out.Leaf("dnsName", PublicDns(c.scope, v.public_ip));
  std::string reason;
  if (i.action != ec2::Action::kStart) reason = UserInitiated(i.action_at);
  out.Leaf("reason", reason);
  if (!i.key_name.empty()) out.Leaf("keyName", i.key_name);
  out.Leaf("amiLaunchIndex", i.launch_index);
  out.Open("productCodes");
  out.Close();
  out.Leaf("instanceType", i.instance_type);
  out.Leaf("launchTime", FormatIso8601(i.launch_time));
  out.Open("placement");
  out.Leaf("availabilityZone", i.zone);
  out.Leaf("groupName", "");
  out.Leaf("tenancy", "default");
  out.Close();
  if (image && image->platform == "windows") out.Leaf("platform", "windows");
  out.Open("monitoring");
  out.Leaf("state", "disabled");
  out.Close();
  if (!terminated) {
    out.Leaf("subnetId", i.subnet_id);
    out.Leaf("vpcId", i.vpc_id);
    out.Leaf("privateIpAddress", i.private_ip);
  }
  if (!v.public_ip.empty()) out.Leaf("ipAddress", v.public_ip);
  out.Bool("sourceDestCheck", true);
  WriteGroupSet(out, i.group_ids, groups);
  if (v.state == State::kStopped || v.state == State::kStopping ||
      v.state == State::kTerminated || v.state == State::kShuttingDown) {
    out.Open("stateReason");
    out.Leaf("code", "Client.UserInitiatedShutdown");
    out.Leaf("message", "Client.UserInitiatedShutdown: User initiated shutdown");
    out.Close();
  }
  out.Leaf("architecture", image ? image->architecture : "x86_64");
  out.Leaf("rootDeviceType", "ebs");
  out.Leaf("rootDeviceName", image ? image->root_device_name : "/dev/xvda");
  out.Open("blockDeviceMapping");
  if (!terminated) {
    for (const ec2::BlockDevice& d : i.devices) {
      out.Open("item");
      out.Leaf("deviceName", d.device_name);
      out.Open("ebs");
      out.Leaf("volumeId", d.volume_id);
      out.Leaf("status", "attached");
      out.Leaf("attachTime", FormatIso8601(d.attach_time));
      out.Bool("deleteOnTermination", d.delete_on_termination);
      out.Close();
      out.Close();
    }
  }
  out.Close();
  out.Leaf("virtualizationType", "hvm");
  out.Leaf("clientToken", i.client_token);
  WriteTags(out, i.tags);
  out.Leaf("hypervisor", "xen");
  if (!i.spot_type.empty()) {
    out.Leaf("instanceLifecycle", "spot");
    out.Leaf("spotInstanceRequestId", i.spot_request_id);
  }
  out.Bool("ebsOptimized", false);
  out.Bool("enaSupport", true);
  if (type) {
    out.Open("cpuOptions");
    out.Leaf("coreCount", std::max(1, type->vcpus / 2));
    out.Leaf("threadsPerCore", type->vcpus > 1 ? 2 : 1);
    out.Close();
  }
  out.Open("metadataOptions");
  out.Leaf("state", "applied");
  out.Leaf("httpTokens", "optional");
  out.Leaf("httpPutResponseHopLimit", 1);
  out.Leaf("httpEndpoint", "enabled");
  out.Close();
  out.Leaf("platformDetails", image ? image->platform_details : "Linux/UNIX");
  out.Leaf("usageOperation",
           image && image->platform == "windows" ? "RunInstances:0002" : "RunInstances");
  out.Leaf("bootMode", "legacy-bios");
  if (!terminated) {
    out.Leaf("privateDnsNameOptions", "");
  }
  out.Close();
}

std::optional<std::vector<std::string>> InstanceFilter(Call& c, const Instance& i,
                                                       std::string_view f,
                                                       const std::vector<ec2::SecurityGroup>& g) {
  using V = std::vector<std::string>;
  View v = ViewOf(c, i);
  if (f == "instance-id") return V{i.id};
  if (f == "instance-state-name") return V{std::string(ec2::StateName(v.state))};
  if (f == "instance-state-code") return V{std::to_string(static_cast<int>(v.state))};
  if (f == "instance-type") return V{i.instance_type};
  if (f == "availability-zone") return V{i.zone};
  if (f == "image-id") return V{i.image_id};
  if (f == "key-name") return V{i.key_name};
  if (f == "reservation-id") return V{i.reservation_id};
  if (f == "subnet-id") return V{i.subnet_id};
  if (f == "vpc-id") return V{i.vpc_id};
  if (f == "private-ip-address") return V{i.private_ip};
  if (f == "ip-address") return v.public_ip.empty() ? V{} : V{v.public_ip};
  if (f == "dns-name") return v.public_ip.empty() ? V{} : V{PublicDns(c.scope, v.public_ip)};
  if (f == "private-dns-name") return V{PrivateDns(c.scope, i.private_ip)};
  if (f == "instance-lifecycle") return i.spot_type.empty() ? V{} : V{"spot"};
  if (f == "owner-id") return V{c.scope.account_id};
  if (f == "launch-index") return V{std::to_string(i.launch_index)};
  if (f == "architecture") return V{"x86_64"};
  if (f == "root-device-type") return V{"ebs"};
  if (f == "instance.group-id" || f == "group-id") return i.group_ids;
  if (f == "instance.group-name" || f == "group-name") {
    V names;
    for (const auto& x : g)
      if (std::count(i.group_ids.begin(), i.group_ids.end(), x.id)) names.push_back(x.name);
    return names;
  }
  if (f == "block-device-mapping.volume-id") {
    V ids;
    for (const auto& d : i.devices) ids.push_back(d.volume_id);
    return ids;
  }
  return ec2::TagFilterValues(i.tags, f);
}

// Block device mappings: BlockDeviceMapping.N.DeviceName, .Ebs.VolumeSize,
// .Ebs.VolumeType, .Ebs.DeleteOnTermination, .NoDevice.
Result<std::vector<ec2::DeviceSpec>> DeviceSpecs(const QueryParams& params) {
  std::vector<ec2::DeviceSpec> out;
  for (int n : params.Indices("BlockDeviceMapping")) {
    QueryParams m = params.Sub("BlockDeviceMapping." + std::to_string(n));
    auto name = Required(m, "DeviceName");
    if (!name)
      return MakeError(ErrorCode::kMissingParameter,
                       "The request must contain the parameter BlockDeviceMapping.DeviceName");
    ec2::DeviceSpec d;
    d.device_name = *name;
    d.no_device = m.Has("NoDevice");
    auto size = Integer(m, "Ebs.VolumeSize");
    if (!size) return size.error();
    if (*size) {
      if (**size < 1 || **size > 16384)
        return MakeError(ErrorCode::kInvalidParameterValue,
                         "Volume size " + std::to_string(**size) + " is out of range 1-16384.");
      d.size_gib = static_cast<int>(**size);
    }
    if (const std::string* t = m.Get("Ebs.VolumeType")) d.volume_type = *t;
    if (const std::string* dot = m.Get("Ebs.DeleteOnTermination"))
      d.delete_on_termination = *dot == "true";
    out.push_back(std::move(d));
  }
  return out;
}

void WriteStateChanges(Call& c, const std::vector<ec2::StateChange>& changes) {
  c.out.Open("instancesSet");
  for (const auto& ch : changes) {
    c.out.Open("item");
    c.out.Leaf("instanceId", ch.instance_id);
    WriteState(c.out, "currentState", ch.current);
    WriteState(c.out, "previousState", ch.previous);
    c.out.Close();
  }
  c.out.Close();
}

Result<std::vector<std::string>> InstanceIds(Call& c) {
  std::vector<std::string> ids = c.params.List("InstanceId");
  if (ids.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter InstanceId");
  return ids;
}

}  // namespace

void WriteGroupSet(XmlWriter& out, const std::vector<std::string>& group_ids,
                   const std::vector<ec2::SecurityGroup>& groups) {
  out.Open("groupSet");
  for (const std::string& gid : group_ids) {
    out.Open("item");
    out.Leaf("groupId", gid);
    auto g = std::find_if(groups.begin(), groups.end(), [&](const auto& x) { return x.id == gid; });
    out.Leaf("groupName", g == groups.end() ? "" : g->name);
    out.Close();
  }
  out.Close();
}

Result<std::string> UserData(const protocol::QueryParams& params, std::string_view name) {
  const std::string* u = params.Get(name);
  if (!u) return std::string();
  // "The user data must be base64-encoded ... limited to 16 KB."
  auto raw = crypto::Base64Decode(*u);
  if (!raw)
    return MakeError(ErrorCode::kInvalidUserDataMalformed, "Invalid BASE64 encoding of user data.");
  if (raw->size() > 16 * 1024)
    return MakeError(ErrorCode::kInvalidParameterValue, "User data is limited to 16384 bytes");
  return *u;
}

Result<std::string> InterruptionBehavior(const protocol::QueryParams& params,
                                         std::string_view name, std::string_view spot_type) {
  const std::string* behaviour = params.Get(name);
  if (!behaviour) return std::string("terminate");
  if (*behaviour != "terminate" && *behaviour != "stop" && *behaviour != "hibernate")
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + *behaviour + "' for InstanceInterruptionBehavior.");
  if (spot_type == "one-time" && *behaviour != "terminate")
    return MakeError(ErrorCode::kInvalidParameterCombination,
                     "The parameter InstanceInterruptionBehavior '" + *behaviour +
                         "' is only supported for persistent spot requests.");
  return *behaviour;
}

Status RunInstances(Call& c) {
  ec2::RunRequest req;
  auto image = Required(c.params, "ImageId");
  if (!image) return image.error();
  req.image_id = *image;
  auto min = Integer(c.params, "MinCount");
  auto max = Integer(c.params, "MaxCount");
  if (!min) return min.error();
  if (!max) return max.error();
  if (!*min) return Required(c.params, "MinCount").error();
  if (!*max) return Required(c.params, "MaxCount").error();
  req.min_count = static_cast<int>(**min);
  req.max_count = static_cast<int>(**max);
  if (const std::string* t = c.params.Get("InstanceType")) req.instance_type = *t;
  if (const std::string* k = c.params.Get("KeyName")) req.key_name = *k;
  req.group_ids = c.params.List("SecurityGroupId");
  req.group_names = c.params.List("SecurityGroup");
  if (const std::string* s = c.params.Get("SubnetId")) req.subnet_id = *s;
  if (const std::string* z = c.params.Get("Placement.AvailabilityZone")) req.zone = *z;
  auto user_data = UserData(c.params, "UserData");
  if (!user_data) return user_data.error();
  req.user_data = std::move(*user_data);
  if (const std::string* t = c.params.Get("ClientToken")) req.client_token = *t;
  req.instance_tags = TagSpecs(c.params, "instance");
  req.volume_tags = TagSpecs(c.params, "volume");
  if (const std::string* market = c.params.Get("InstanceMarketOptions.MarketType")) {
    if (*market != "spot")
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid value '" + *market + "' for MarketType.");
    req.spot = true;
    if (const std::string* t = c.params.Get("InstanceMarketOptions.SpotOptions.SpotInstanceType"))
      req.spot_type = *t;
    if (const std::string* p = c.params.Get("InstanceMarketOptions.SpotOptions.MaxPrice"))
      req.spot_max_price = *p;
    auto behaviour = InterruptionBehavior(
        c.params, "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior", req.spot_type);
    if (!behaviour) return behaviour.error();
    req.spot_interruption = std::move(*behaviour);
    req.spot_request_tags = TagSpecs(c.params, "spot-instances-request");
  }
  auto devices = DeviceSpecs(c.params);
  if (!devices) return devices.error();
  req.devices = std::move(*devices);
  auto launched = c.store.RunInstances(c.scope, req, c.dry_run);
  if (!launched) return launched.error();
  auto groups = c.store.SecurityGroups(c.scope);
  c.out.Leaf("reservationId", launched->front().reservation_id);
  c.out.Leaf("ownerId", c.scope.account_id);
  c.out.Open("groupSet");
  c.out.Close();
  c.out.Open("instancesSet");
  for (const Instance& i : *launched) WriteInstance(c, i, groups);
  c.out.Close();
  return Ok();
}

Status DescribeInstances(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("InstanceId");
  auto filters = Filters(c.params);
  if (!ids.empty() && c.params.Has("MaxResults"))
    return MakeError(ErrorCode::kInvalidParameterCombination,
                     "The parameter instancesSet cannot be used with the parameter maxResults");
  std::vector<Instance> all;
  if (ids.empty()) {
    all = c.store.Instances(c.scope);
  } else {
    auto found = c.store.FindInstances(c.scope, ids);
    if (!found) return found.error();
    all = std::move(*found);
  }
  auto groups = c.store.SecurityGroups(c.scope);
  std::vector<const Instance*> matched;
  for (const Instance& i : all) {
    auto ok = ec2::Matches(filters, [&](std::string_view f) {
      return InstanceFilter(c, i, f, groups);
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(&i);
  }
  auto page = Paginate(c.params, matched.size(), 5, 1000);
  if (!page) return page.error();
  // Grouped by reservation, in launch order.
  c.out.Open("reservationSet");
  for (std::size_t n = page->start; n < page->start + page->size;) {
    const std::string& reservation = matched[n]->reservation_id;
    c.out.Open("item");
    c.out.Leaf("reservationId", reservation);
    c.out.Leaf("ownerId", c.scope.account_id);
    c.out.Open("groupSet");
    c.out.Close();
    c.out.Open("instancesSet");
    for (; n < page->start + page->size && matched[n]->reservation_id == reservation; ++n)
      WriteInstance(c, *matched[n], groups);
    c.out.Close();
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, matched.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

Status DescribeInstanceStatus(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("InstanceId");
  const bool all_states = Flag(c.params, "IncludeAllInstances");
  auto filters = Filters(c.params);
  std::vector<Instance> instances;
  if (ids.empty()) {
    instances = c.store.Instances(c.scope);
  } else {
    auto found = c.store.FindInstances(c.scope, ids);
    if (!found) return found.error();
    instances = std::move(*found);
  }
  const auto& t = c.store.options().timings;
  const TimePoint now = c.store.Now();
  std::vector<std::pair<const Instance*, std::string>> rows;
  for (const Instance& i : instances) {
    State s = ec2::StateAt(i, now, t);
    if (!all_states && s != State::kRunning) continue;
    // Status checks pass a while after the instance is running (as long
    // again as it was pending); until then they are "initializing".
    std::string status = "not-applicable";
    if (s == State::kRunning)
      status = now >= ec2::StateSince(i, now, t) + t.pending ? "ok" : "initializing";
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "availability-zone") return V{i.zone};
      if (f == "instance-state-name") return V{std::string(ec2::StateName(s))};
      if (f == "instance-state-code") return V{std::to_string(static_cast<int>(s))};
      if (f == "instance-status.status" || f == "system-status.status") return V{status};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (*ok) rows.emplace_back(&i, status);
  }
  auto page = Paginate(c.params, rows.size(), 5, 1000);
  if (!page) return page.error();
  c.out.Open("instanceStatusSet");
  for (std::size_t n = page->start; n < page->start + page->size; ++n) {
    const Instance& i = *rows[n].first;
    const std::string& status = rows[n].second;
    c.out.Open("item");
    c.out.Leaf("instanceId", i.id);
    c.out.Leaf("availabilityZone", i.zone);
    WriteState(c.out, "instanceState", ec2::StateAt(i, now, t));
    for (const char* check : {"systemStatus", "instanceStatus"}) {
      c.out.Open(check);
      c.out.Leaf("status", status);
      c.out.Open("details");
      if (status != "not-applicable") {
        c.out.Open("item");
        c.out.Leaf("name", "reachability");
        c.out.Leaf("status", status == "ok" ? "passed" : "initializing");
        c.out.Close();
      }
      c.out.Close();
      c.out.Close();
    }
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, rows.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

Status StartInstances(Call& c) {
  auto ids = InstanceIds(c);
  if (!ids) return ids.error();
  auto changes = c.store.StartInstances(c.scope, *ids, c.dry_run);
  if (!changes) return changes.error();
  WriteStateChanges(c, *changes);
  return Ok();
}

Status StopInstances(Call& c) {
  auto ids = InstanceIds(c);
  if (!ids) return ids.error();
  auto changes = c.store.StopInstances(c.scope, *ids, Flag(c.params, "Force"), c.dry_run);
  if (!changes) return changes.error();
  WriteStateChanges(c, *changes);
  return Ok();
}

Status TerminateInstances(Call& c) {
  auto ids = InstanceIds(c);
  if (!ids) return ids.error();
  auto changes = c.store.TerminateInstances(c.scope, *ids, c.dry_run);
  if (!changes) return changes.error();
  WriteStateChanges(c, *changes);
  return Ok();
}

Status RebootInstances(Call& c) {
  auto ids = InstanceIds(c);
  if (!ids) return ids.error();
  if (auto st = c.store.RebootInstances(c.scope, *ids, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status ModifyInstanceAttribute(Call& c) {
  auto id = Required(c.params, "InstanceId");
  if (!id) return id.error();
  // Either InstanceType.Value=t2.small or Attribute=instanceType&Value=t2.small.
  const std::string* type = c.params.Get("InstanceType.Value");
  const std::string* attribute = c.params.Get("Attribute");
  if (!type && attribute && *attribute == "instanceType") type = c.params.Get("Value");
  if (!type)
    return MakeError(ErrorCode::kUnsupportedOperation,
                     "awslab supports changing the instance type only (InstanceType.Value).");
  if (auto st = c.store.ModifyInstanceType(c.scope, *id, *type, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status DescribeInstanceAttribute(Call& c) {
  auto id = Required(c.params, "InstanceId");
  if (!id) return id.error();
  auto attribute = Required(c.params, "Attribute");
  if (!attribute) return attribute.error();
  auto found = c.store.FindInstances(c.scope, {*id});
  if (!found) return found.error();
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  const Instance& i = found->front();
  c.out.Leaf("instanceId", i.id);
  if (*attribute == "instanceType") {
    c.out.Open("instanceType");
    c.out.Leaf("value", i.instance_type);
    c.out.Close();
  } else if (*attribute == "userData") {
    c.out.Open("userData");
    if (!i.user_data.empty()) c.out.Leaf("value", i.user_data);
    c.out.Close();
  } else if (*attribute == "groupSet") {
    c.out.Open("groupSet");
    for (const std::string& g : i.group_ids) {
      c.out.Open("item");
      c.out.Leaf("groupId", g);
      c.out.Close();
    }
    c.out.Close();
  } else if (*attribute == "disableApiTermination") {
    c.out.Open("disableApiTermination");
    c.out.Bool("value", false);
    c.out.Close();
  } else {
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Value (" + *attribute + ") for parameter attribute is invalid.");
  }
  return Ok();
}

Status GetConsoleOutput(Call& c) {
  auto id = Required(c.params, "InstanceId");
  if (!id) return id.error();
  auto found = c.store.FindInstances(c.scope, {*id});
  if (!found) return found.error();
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  const Instance& i = found->front();
  c.out.Leaf("instanceId", i.id);
  c.out.Leaf("timestamp", FormatIso8601(c.store.Now()));
  // The log exists once the instance has booted.
  const TimePoint now = c.store.Now();
  if (i.history.size() > 1 || ec2::StateAt(i, now, c.store.options().timings) != State::kPending) {
    if (const ec2::Image* image = ec2::FindImage(c.scope.region, i.image_id)) {
      std::string host = "ip-" + DnsLabel(i.private_ip);
      c.out.Leaf("output", crypto::Base64(ec2::ConsoleOutput(*image, i.id, i.private_ip, host,
                                                                 i.launch_time)));
    }
  }
  return Ok();
}

}  // namespace awslab::api::ec2api
