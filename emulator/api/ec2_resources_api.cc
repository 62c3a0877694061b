// EC2 security groups, Elastic IPs and volumes.
#include <algorithm>

#include "emulator/api/ec2_internal.h"

namespace awslab::api::ec2api {
namespace {

using protocol::QueryParams;
using protocol::XmlWriter;

std::string Param(const QueryParams& p, std::string_view name) {
  const std::string* v = p.Get(name);
  return v ? *v : "";
}

// ---------------------------------------------------------------------------
// Security groups.

void WritePermissions(XmlWriter& out, std::string_view element,
                      const std::vector<ec2::IpPermission>& rules, const std::string& account) {
  out.Open(element);
  for (const ec2::IpPermission& p : rules) {
    out.Open("item");
    out.Leaf("ipProtocol", p.protocol);
    if (p.protocol != "-1") {
      out.Leaf("fromPort", p.from_port);
      out.Leaf("toPort", p.to_port);
    }
    out.Open("groups");
    for (const std::string& g : p.group_ids) {
      out.Open("item");
      out.Leaf("userId", account);
      out.Leaf("groupId", g);
      out.Close();
    }
    out.Close();
    out.Open("ipRanges");
    for (std::size_t n = 0; n < p.cidrs.size(); ++n) {
      out.Open("item");
      out.Leaf("cidrIp", p.cidrs[n]);
      if (n < p.descriptions.size() && !p.descriptions[n].empty())
        out.Leaf("description", p.descriptions[n]);
      out.Close();
    }
    out.Close();
    out.Open("ipv6Ranges");
    for (const std::string& c : p.cidrs_v6) {
      out.Open("item");
      out.Leaf("cidrIpv6", c);
      out.Close();
    }
    out.Close();
    out.Open("prefixListIds");
    out.Close();
    out.Close();
  }
  out.Close();
}

Status CheckCidr(const std::string& cidr, bool v6) {
  // a.b.c.d/n with each part in range (IPv4), or something with ':' and /n (IPv6).
  std::size_t slash = cidr.find('/');
  bool ok = slash != std::string::npos;
  if (ok && !v6) {
    unsigned a, b, c, d, n;
    char tail;
    ok = std::sscanf(cidr.c_str(), "%u.%u.%u.%u/%u%c", &a, &b, &c, &d, &n, &tail) == 5 &&
         a < 256 && b < 256 && c < 256 && d < 256 && n <= 32;
  } else if (ok) {
    ok = cidr.find(':') < slash;
  }
  if (!ok)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "CIDR block " + cidr + " is malformed");
  return Ok();
}

// IpPermissions.N.{IpProtocol,FromPort,ToPort,IpRanges.M.CidrIp,
// IpRanges.M.Description,Ipv6Ranges.M.CidrIpv6,Groups.M.GroupId}, or the
// older flat IpProtocol/FromPort/ToPort/CidrIp/SourceSecurityGroupName.
Result<std::vector<ec2::IpPermission>> Permissions(Call& c) {
  std::vector<ec2::IpPermission> out;
  auto one = [&](const QueryParams& p, std::string_view ranges, std::string_view ranges6,
                 std::string_view groups) -> Status {
    ec2::IpPermission perm;
    perm.protocol = Param(p, "IpProtocol");
    if (perm.protocol.empty())
      return MakeError(ErrorCode::kMissingParameter,
                       "The request must contain the parameter ipProtocol");
    for (char& ch : perm.protocol) ch = static_cast<char>(std::tolower(ch));
    static const std::pair<const char*, const char*> kNumbers[] = {
        {"6", "tcp"}, {"17", "udp"}, {"1", "icmp"}, {"all", "-1"}};
    for (auto [number, name] : kNumbers)
      if (perm.protocol == number) perm.protocol = name;
    if (perm.protocol != "tcp" && perm.protocol != "udp" && perm.protocol != "icmp" &&
        perm.protocol != "-1")
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid value '" + perm.protocol + "' for IP protocol. Unknown protocol.");
    auto from = Integer(p, "FromPort");
    auto to = Integer(p, "ToPort");
    if (!from) return from.error();
    if (!to) return to.error();
    if (perm.protocol == "tcp" || perm.protocol == "udp") {
      if (!*from || !*to)
        return MakeError(ErrorCode::kInvalidParameterValue,
                         "Invalid value 'Must specify both from and to ports with TCP/UDP.' for "
                         "portRange");
      if (**from < 0 || **to > 65535 || **from > **to)
        return MakeError(ErrorCode::kInvalidParameterValue,
                         "Invalid value 'Invalid TCP/UDP port range' for portRange");
      perm.from_port = static_cast<int>(**from);
      perm.to_port = static_cast<int>(**to);
    } else if (perm.protocol == "icmp") {
      perm.from_port = static_cast<int>(from->value_or(-1));
      perm.to_port = static_cast<int>(to->value_or(-1));
    }
    for (int n : p.Indices(ranges)) {
      QueryParams r = p.Sub(std::string(ranges) + "." + std::to_string(n));
      std::string cidr = Param(r, "CidrIp");
      if (auto st = CheckCidr(cidr, false); !st) return st;
      perm.cidrs.push_back(cidr);
      perm.descriptions.push_back(Param(r, "Description"));
    }
    for (int n : p.Indices(ranges6)) {
      std::string cidr = Param(p.Sub(std::string(ranges6) + "." + std::to_string(n)), "CidrIpv6");
      if (auto st = CheckCidr(cidr, true); !st) return st;
      perm.cidrs_v6.push_back(cidr);
    }
    for (int n : p.Indices(groups)) {
      QueryParams g = p.Sub(std::string(groups) + "." + std::to_string(n));
      std::string id = Param(g, "GroupId");
      if (id.empty()) {
        auto found = c.store.FindSecurityGroup(c.scope, "", Param(g, "GroupName"));
        if (!found) return found.error();
        id = found->id;
      }
      perm.group_ids.push_back(id);
    }
    if (perm.cidrs.empty() && perm.cidrs_v6.empty() && perm.group_ids.empty())
      return MakeError(ErrorCode::kMissingParameter,
                       "Either CidrIp, Ipv6Ranges or a source security group must be given");
    out.push_back(std::move(perm));
    return Ok();
  };
  for (int n : c.params.Indices("IpPermissions"))
    if (auto st = one(c.params.Sub("IpPermissions." + std::to_string(n)), "IpRanges",
                      "Ipv6Ranges", "Groups");
        !st)
      return st.error();
  if (c.params.Has("IpProtocol")) {
    QueryParams flat;
    for (const auto& [k, v] : c.params.all()) flat.Set(k, v);
    if (const std::string* cidr = c.params.Get("CidrIp")) flat.Set("Flat.1.CidrIp", *cidr);
    if (const std::string* g = c.params.Get("SourceSecurityGroupName"))
      flat.Set("FlatGroup.1.GroupName", *g);
    if (auto st = one(flat, "Flat", "FlatV6", "FlatGroup"); !st) return st.error();
  }
  if (out.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter IpPermissions");
  return out;
}

Status ChangePermissions(Call& c, bool egress, bool add) {
  std::string id = Param(c.params, "GroupId");
  std::string name = Param(c.params, "GroupName");
  if (id.empty() && name.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter groupName or groupId");
  auto permissions = Permissions(c);
  if (!permissions) return permissions.error();
  if (auto st = c.store.ChangePermissions(c.scope, id, name, egress, add, *permissions, c.dry_run);
      !st)
    return st;
  c.out.Bool("return", true);
  return Ok();
}

}  // namespace

Status CreateSecurityGroup(Call& c) {
  auto name = Required(c.params, "GroupName");
  if (!name) return name.error();
  auto description = Required(c.params, "GroupDescription");
  if (!description) return description.error();
  // "Constraints: Up to 255 characters in length. Cannot start with sg-."
  if (name->empty() || name->size() > 255 || name->starts_with("sg-"))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + *name + "' for groupName. It may not begin with 'sg-' "
                     "and must be 1 to 255 characters.");
  if (description->size() > 255)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value for GroupDescription: up to 255 characters.");
  auto g = c.store.CreateSecurityGroup(c.scope, *name, *description, Param(c.params, "VpcId"),
                                       TagSpecs(c.params, "security-group"), c.dry_run);
  if (!g) return g.error();
  c.out.Bool("return", true);
  c.out.Leaf("groupId", g->id);
  WriteTags(c.out, g->tags);
  return Ok();
}

Status DeleteSecurityGroup(Call& c) {
  std::string id = Param(c.params, "GroupId");
  std::string name = Param(c.params, "GroupName");
  if (id.empty() && name.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter groupName or groupId");
  if (auto st = c.store.DeleteSecurityGroup(c.scope, id, name, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  c.out.Leaf("groupId", id);
  return Ok();
}

Status DescribeSecurityGroups(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("GroupId");
  std::vector<std::string> names = c.params.List("GroupName");
  for (const std::string& id : ids)
    if (auto g = c.store.FindSecurityGroup(c.scope, id, ""); !g) return g.error();
  for (const std::string& n : names)
    if (auto g = c.store.FindSecurityGroup(c.scope, "", n); !g) return g.error();
  auto filters = Filters(c.params);
  std::vector<ec2::SecurityGroup> matched;
  for (ec2::SecurityGroup& g : c.store.SecurityGroups(c.scope)) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), g.id) == ids.end()) continue;
    if (!names.empty() && std::find(names.begin(), names.end(), g.name) == names.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "group-id") return V{g.id};
      if (f == "group-name") return V{g.name};
      if (f == "description") return V{g.description};
      if (f == "vpc-id") return V{g.vpc_id};
      if (f == "owner-id") return V{c.scope.account_id};
      if (f == "ip-permission.from-port" || f == "ip-permission.to-port" ||
          f == "ip-permission.cidr" || f == "ip-permission.protocol") {
        V out;
        for (const auto& p : g.ingress) {
          if (f == "ip-permission.from-port") out.push_back(std::to_string(p.from_port));
          if (f == "ip-permission.to-port") out.push_back(std::to_string(p.to_port));
          if (f == "ip-permission.protocol") out.push_back(p.protocol);
          if (f == "ip-permission.cidr") out.insert(out.end(), p.cidrs.begin(), p.cidrs.end());
        }
        return out;
      }
      return ec2::TagFilterValues(g.tags, f);
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(std::move(g));
  }
  auto page = Paginate(c.params, matched.size(), 5, 1000);
  if (!page) return page.error();
  c.out.Open("securityGroupInfo");
  for (std::size_t n = page->start; n < page->start + page->size; ++n) {
    const ec2::SecurityGroup& g = matched[n];
    c.out.Open("item");
    c.out.Leaf("ownerId", c.scope.account_id);
    c.out.Leaf("groupId", g.id);
    c.out.Leaf("groupName", g.name);
    c.out.Leaf("groupDescription", g.description);
    c.out.Leaf("vpcId", g.vpc_id);
    WritePermissions(c.out, "ipPermissions", g.ingress, c.scope.account_id);
    WritePermissions(c.out, "ipPermissionsEgress", g.egress, c.scope.account_id);
    WriteTags(c.out, g.tags);
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, matched.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

Status AuthorizeSecurityGroupIngress(Call& c) { return ChangePermissions(c, false, true); }
Status AuthorizeSecurityGroupEgress(Call& c) { return ChangePermissions(c, true, true); }
Status RevokeSecurityGroupIngress(Call& c) { return ChangePermissions(c, false, false); }
Status RevokeSecurityGroupEgress(Call& c) { return ChangePermissions(c, true, false); }

// ---------------------------------------------------------------------------
// Elastic IPs (VPC addresses: every address has an allocation id).

Status AllocateAddress(Call& c) {
  std::string domain = Param(c.params, "Domain");
  if (!domain.empty() && domain != "vpc" && domain != "standard")
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + domain + "' for domain.");
  auto a = c.store.AllocateAddress(c.scope, TagSpecs(c.params, "elastic-ip"), c.dry_run);
  if (!a) return a.error();
  c.out.Leaf("publicIp", a->public_ip);
  c.out.Leaf("domain", "vpc");
  c.out.Leaf("allocationId", a->allocation_id);
  c.out.Leaf("publicIpv4Pool", "amazon");
  c.out.Leaf("networkBorderGroup", c.scope.region);
  return Ok();
}

Status AssociateAddress(Call& c) {
  std::string allocation = Param(c.params, "AllocationId");
  std::string ip = Param(c.params, "PublicIp");
  if (allocation.empty() && ip.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter AllocationId or PublicIp");
  auto instance = Required(c.params, "InstanceId");
  if (!instance) return instance.error();
  auto a = c.store.AssociateAddress(c.scope, allocation, ip, *instance,
                                    Flag(c.params, "AllowReassociation"), c.dry_run);
  if (!a) return a.error();
  c.out.Bool("return", true);
  c.out.Leaf("associationId", a->association_id);
  return Ok();
}

Status DisassociateAddress(Call& c) {
  std::string association = Param(c.params, "AssociationId");
  std::string ip = Param(c.params, "PublicIp");
  if (association.empty() && ip.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter AssociationId or PublicIp");
  if (auto st = c.store.DisassociateAddress(c.scope, association, ip, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status ReleaseAddress(Call& c) {
  std::string allocation = Param(c.params, "AllocationId");
  std::string ip = Param(c.params, "PublicIp");
  if (allocation.empty() && ip.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter AllocationId or PublicIp");
  if (auto st = c.store.ReleaseAddress(c.scope, allocation, ip, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status DescribeAddresses(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("AllocationId");
  std::vector<std::string> ips = c.params.List("PublicIp");
  auto filters = Filters(c.params);
  std::vector<ec2::Address> all = c.store.Addresses(c.scope);
  for (const std::string& id : ids)
    if (std::none_of(all.begin(), all.end(), [&](const auto& a) { return a.allocation_id == id; }))
      return MakeError(ErrorCode::kInvalidAllocationIDNotFound,
                       "The allocation ID '" + id + "' does not exist");
  for (const std::string& ip : ips)
    if (std::none_of(all.begin(), all.end(), [&](const auto& a) { return a.public_ip == ip; }))
      return MakeError(ErrorCode::kInvalidAddressNotFound,
                       "Address '" + ip + "' not found.");
  std::vector<ec2::Instance> instances = c.store.Instances(c.scope);
  c.out.Open("addressesSet");
  for (const ec2::Address& a : all) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), a.allocation_id) == ids.end()) continue;
    if (!ips.empty() && std::find(ips.begin(), ips.end(), a.public_ip) == ips.end()) continue;
    auto inst = std::find_if(instances.begin(), instances.end(),
                             [&](const ec2::Instance& i) { return i.id == a.instance_id; });
    std::string private_ip = inst == instances.end() ? "" : inst->private_ip;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "allocation-id") return V{a.allocation_id};
      if (f == "association-id") return a.association_id.empty() ? V{} : V{a.association_id};
      if (f == "instance-id") return a.instance_id.empty() ? V{} : V{a.instance_id};
      if (f == "public-ip") return V{a.public_ip};
      if (f == "domain") return V{"vpc"};
      if (f == "private-ip-address") return private_ip.empty() ? V{} : V{private_ip};
      return ec2::TagFilterValues(a.tags, f);
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    c.out.Leaf("publicIp", a.public_ip);
    c.out.Leaf("allocationId", a.allocation_id);
    c.out.Leaf("domain", "vpc");
    if (!a.instance_id.empty()) {
      c.out.Leaf("instanceId", a.instance_id);
      c.out.Leaf("associationId", a.association_id);
      c.out.Leaf("networkInterfaceOwnerId", c.scope.account_id);
      c.out.Leaf("privateIpAddress", private_ip);
    }
    WriteTags(c.out, a.tags);
    c.out.Leaf("publicIpv4Pool", "amazon");
    c.out.Leaf("networkBorderGroup", c.scope.region);
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

// ---------------------------------------------------------------------------
// Volumes.

namespace {

void WriteAttachment(XmlWriter& out, const ec2::Volume& v, std::string_view status) {
  out.Leaf("volumeId", v.id);
  out.Leaf("instanceId", v.instance_id);
  out.Leaf("device", v.device);
  out.Leaf("status", status);
  out.Leaf("attachTime", FormatIso8601(v.attach_time));
  out.Bool("deleteOnTermination", v.delete_on_termination);
}

void WriteVolumeBody(Call& c, const ec2::Volume& v) {
  c.out.Leaf("volumeId", v.id);
  c.out.Leaf("size", v.size_gib);
  c.out.Leaf("snapshotId", v.snapshot_id);
  c.out.Leaf("availabilityZone", v.zone);
  c.out.Leaf("status", c.store.VolumeState(v));
  c.out.Leaf("createTime", FormatIso8601(v.created));
  c.out.Leaf("volumeType", v.type);
  if (v.type != "standard" && v.type != "st1" && v.type != "sc1") c.out.Leaf("iops", v.iops);
  if (v.type == "gp3") c.out.Leaf("throughput", 125);
  c.out.Bool("encrypted", false);
  c.out.Bool("multiAttachEnabled", false);
  WriteTags(c.out, v.tags);
}

}  // namespace

Status CreateVolume(Call& c) {
  auto zone = Required(c.params, "AvailabilityZone");
  if (!zone) return zone.error();
  auto size = Integer(c.params, "Size");
  if (!size) return size.error();
  ec2::Volume v;
  v.zone = *zone;
  v.type = c.params.Has("VolumeType") ? Param(c.params, "VolumeType") : "gp2";
  static const std::pair<const char*, std::pair<int, int>> kSizes[] = {
      {"gp2", {1, 16384}}, {"gp3", {1, 16384}}, {"io1", {4, 16384}}, {"io2", {4, 16384}},
      {"st1", {125, 16384}}, {"sc1", {125, 16384}}, {"standard", {1, 1024}}};
  auto range = std::find_if(std::begin(kSizes), std::end(kSizes),
                            [&](const auto& s) { return v.type == s.first; });
  if (range == std::end(kSizes))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Value (" + v.type + ") for parameter volumeType is invalid.");
  if (!*size) {
    if (!c.params.Has("SnapshotId"))
      return MakeError(ErrorCode::kMissingParameter,
                       "The request must contain the parameter size or snapshotId");
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Snapshots are not modelled by awslab: give Size.");
  }
  if (**size < range->second.first || **size > range->second.second)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Volume of " + std::to_string(**size) + "GiB is too " +
                         (**size < range->second.first ? "small" : "large") + "; minimum is " +
                         std::to_string(range->second.first) + "GiB, maximum is " +
                         std::to_string(range->second.second) + "GiB.");
  v.size_gib = static_cast<int>(**size);
  v.iops = v.type == "gp3" ? 3000 : std::max(100, std::min(16000, 3 * v.size_gib));
  if (auto iops = Integer(c.params, "Iops"); iops && *iops) v.iops = static_cast<int>(**iops);
  v.tags = TagSpecs(c.params, "volume");
  auto created = c.store.CreateVolume(c.scope, std::move(v), c.dry_run);
  if (!created) return created.error();
  WriteVolumeBody(c, *created);
  return Ok();
}

Status AttachVolume(Call& c) {
  auto volume = Required(c.params, "VolumeId");
  if (!volume) return volume.error();
  auto instance = Required(c.params, "InstanceId");
  if (!instance) return instance.error();
  auto device = Required(c.params, "Device");
  if (!device) return device.error();
  auto v = c.store.AttachVolume(c.scope, *volume, *instance, *device, c.dry_run);
  if (!v) return v.error();
  WriteAttachment(c.out, *v, "attaching");
  return Ok();
}

Status DetachVolume(Call& c) {
  auto volume = Required(c.params, "VolumeId");
  if (!volume) return volume.error();
  auto v = c.store.DetachVolume(c.scope, *volume, Param(c.params, "InstanceId"),
                                Flag(c.params, "Force"), c.dry_run);
  if (!v) return v.error();
  WriteAttachment(c.out, *v, "detaching");
  return Ok();
}

Status DeleteVolume(Call& c) {
  auto volume = Required(c.params, "VolumeId");
  if (!volume) return volume.error();
  if (auto st = c.store.DeleteVolume(c.scope, *volume, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status DescribeVolumes(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("VolumeId");
  auto filters = Filters(c.params);
  std::vector<ec2::Volume> all = c.store.Volumes(c.scope);
  for (const std::string& id : ids)
    if (std::none_of(all.begin(), all.end(), [&](const auto& v) { return v.id == id; }))
      return MakeError(ErrorCode::kInvalidVolumeNotFound,
                       "The volume '" + id + "' does not exist.");
  std::vector<const ec2::Volume*> matched;
  for (const ec2::Volume& v : all) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), v.id) == ids.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "volume-id") return V{v.id};
      if (f == "status") return V{c.store.VolumeState(v)};
      if (f == "availability-zone") return V{v.zone};
      if (f == "size") return V{std::to_string(v.size_gib)};
      if (f == "volume-type") return V{v.type};
      if (f == "attachment.instance-id") return v.instance_id.empty() ? V{} : V{v.instance_id};
      if (f == "attachment.device") return v.device.empty() ? V{} : V{v.device};
      if (f == "attachment.status") return v.instance_id.empty() ? V{} : V{"attached"};
      if (f == "attachment.delete-on-termination")
        return V{v.delete_on_termination ? "true" : "false"};
      if (f == "snapshot-id") return V{v.snapshot_id};
      return ec2::TagFilterValues(v.tags, f);
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(&v);
  }
  auto page = Paginate(c.params, matched.size(), 5, 500);
  if (!page) return page.error();
  c.out.Open("volumeSet");
  for (std::size_t n = page->start; n < page->start + page->size; ++n) {
    const ec2::Volume& v = *matched[n];
    c.out.Open("item");
    WriteVolumeBody(c, v);
    c.out.Open("attachmentSet");
    if (!v.instance_id.empty()) {
      c.out.Open("item");
      WriteAttachment(c.out, v, "attached");
      c.out.Close();
    }
    c.out.Close();
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, matched.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

}  // namespace awslab::api::ec2api
