// EC2 requests as botocore 1.29 serializes them (EC2Serializer over the
// 2016-11-15 model): each Params() lists the input shape's members in the
// model's order, named as the serializer names them, and EncodeForm
// percent-encodes the form as Python's urlencode does.
//
// Thread-safety: pure functions.
#include <array>

#include "client/ec2/client_util.h"
#include "client/ec2/ec2_internal.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/ec2.h"

namespace awslab::client::ec2 {

namespace {

// Builds the parameters of one request in order.
class Form {
 public:
  void Add(std::string name, std::string value) {
    params_.emplace_back(std::move(name), std::move(value));
  }
  // Strings, integers and booleans that are set.
  void Str(const std::string& name, const std::string& v) {
    if (!v.empty()) Add(name, v);
  }
  void Int(const std::string& name, std::optional<int> v) {
    if (v) Add(name, std::to_string(*v));
  }
  void Bool(const std::string& name, std::optional<bool> v) {
    if (v) Add(name, *v ? "true" : "false");
  }
  // EC2Serializer's list: prefix.1, prefix.2, ... (an empty list sends
  // nothing, unlike the plain query protocol).
  void List(const std::string& prefix, const std::vector<std::string>& v) {
    for (std::size_t i = 0; i < v.size(); ++i) Add(prefix + "." + std::to_string(i + 1), v[i]);
  }
  void Filters(const std::vector<Filter>& filters) {
    for (std::size_t i = 0; i < filters.size(); ++i) {
      std::string p = "Filter." + std::to_string(i + 1);
      Add(p + ".Name", filters[i].name);
      List(p + ".Value", filters[i].values);
    }
  }
  void Tags(const std::string& prefix, const std::vector<Tag>& tags) {
    for (std::size_t i = 0; i < tags.size(); ++i) {
      std::string p = prefix + "." + std::to_string(i + 1);
      Add(p + ".Key", tags[i].key);
      Add(p + ".Value", tags[i].value);
    }
  }
  void TagSpecs(const std::vector<TagSpecification>& specs) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
      std::string p = "TagSpecification." + std::to_string(i + 1);
      Add(p + ".ResourceType", specs[i].resource_type);
      Tags(p + ".Tag", specs[i].tags);
    }
  }
  // A TagSpecifications member with one resource type, when there are tags.
  void TagSpec(const std::string& resource_type, const std::vector<Tag>& tags) {
    if (tags.empty()) return;
    TagSpecs({TagSpecification{resource_type, tags}});
  }
  void Permissions(const std::vector<IpPermission>& permissions) {
    for (std::size_t i = 0; i < permissions.size(); ++i) {
      const IpPermission& p = permissions[i];
      std::string n = "IpPermissions." + std::to_string(i + 1);
      Int(n + ".FromPort", p.from_port);
      Str(n + ".IpProtocol", p.ip_protocol);
      for (std::size_t j = 0; j < p.ip_ranges.size(); ++j) {
        std::string r = n + ".IpRanges." + std::to_string(j + 1);
        Str(r + ".CidrIp", p.ip_ranges[j].cidr_ip);
        Str(r + ".Description", p.ip_ranges[j].description);
      }
      for (std::size_t j = 0; j < p.ipv6_ranges.size(); ++j) {
        std::string r = n + ".Ipv6Ranges." + std::to_string(j + 1);
        Str(r + ".CidrIpv6", p.ipv6_ranges[j].cidr_ipv6);
        Str(r + ".Description", p.ipv6_ranges[j].description);
      }
      Int(n + ".ToPort", p.to_port);
      // UserIdGroupPairs has locationName "Groups".
      for (std::size_t j = 0; j < p.user_id_group_pairs.size(); ++j) {
        const UserIdGroupPair& g = p.user_id_group_pairs[j];
        std::string r = n + ".Groups." + std::to_string(j + 1);
        Str(r + ".Description", g.description);
        Str(r + ".GroupId", g.group_id);
        Str(r + ".GroupName", g.group_name);
        Str(r + ".UserId", g.user_id);
      }
    }
  }

  QueryParams Take() { return std::move(params_); }

 private:
  QueryParams params_;
};

// Python's urllib.parse.quote_plus: A-Z a-z 0-9 _ . - ~ stay, space is '+',
// every other byte %XX (upper-case hex).
void AppendQuotePlus(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
        c == '.' || c == '-' || c == '~') {
      out.push_back(ch);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0x0f]);
    }
  }
}

}  // namespace

std::string EncodeForm(std::string_view action, const QueryParams& params) {
  std::string out = "Action=";
  AppendQuotePlus(out, action);
  out += "&Version=";
  out += kApiVersion;
  for (const auto& [name, value] : params) {
    out.push_back('&');
    AppendQuotePlus(out, name);
    out.push_back('=');
    AppendQuotePlus(out, value);
  }
  return out;
}

std::string DefaultEndpoint(std::string_view region) {
  return "https://ec2." + std::string(region) + ".amazonaws.com";
}

std::optional<std::string> FindTag(const std::vector<Tag>& tags, std::string_view key) {
  for (const Tag& t : tags)
    if (t.key == key) return t.value;
  return std::nullopt;
}

IpPermission TcpPermission(int port, std::string cidr) {
  IpPermission p;
  p.ip_protocol = "tcp";
  p.from_port = port;
  p.to_port = port;
  p.ip_ranges.push_back({std::move(cidr), ""});
  return p;
}

QueryParams Ec2Client::Params(const RunInstancesRequest& r) {
  Form f;
  for (std::size_t i = 0; i < r.block_device_mappings.size(); ++i) {
    const BlockDeviceMappingSpec& m = r.block_device_mappings[i];
    std::string p = "BlockDeviceMapping." + std::to_string(i + 1);
    f.Str(p + ".DeviceName", m.device_name);
    f.Bool(p + ".Ebs.DeleteOnTermination", m.delete_on_termination);
    f.Int(p + ".Ebs.Iops", m.iops);
    f.Int(p + ".Ebs.VolumeSize", m.volume_size);
    f.Str(p + ".Ebs.VolumeType", m.volume_type);
  }
  f.Str("ImageId", r.image_id);
  f.Str("InstanceType", r.instance_type);
  f.Str("KeyName", r.key_name);
  f.Add("MaxCount", std::to_string(r.max_count));
  f.Add("MinCount", std::to_string(r.min_count));
  f.Str("Placement.AvailabilityZone", r.availability_zone);
  f.List("SecurityGroupId", r.security_group_ids);
  f.List("SecurityGroup", r.security_groups);
  f.Str("SubnetId", r.subnet_id);
  if (!r.user_data.empty()) f.Add("UserData", crypto::Base64(r.user_data));
  f.Str("ClientToken", r.client_token);
  f.Bool("DryRun", r.dry_run);
  std::vector<TagSpecification> specs;
  if (!r.tags.empty()) specs.push_back({"instance", r.tags});
  specs.insert(specs.end(), r.tag_specifications.begin(), r.tag_specifications.end());
  f.TagSpecs(specs);
  if (r.spot) {
    f.Add("InstanceMarketOptions.MarketType", "spot");
    f.Str("InstanceMarketOptions.SpotOptions.MaxPrice", r.spot->max_price);
    f.Str("InstanceMarketOptions.SpotOptions.SpotInstanceType", r.spot->spot_instance_type);
    f.Str("InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior",
          r.spot->interruption_behavior);
  }
  // botocore's generate_idempotent_uuid adds the token after the caller's
  // parameters.
  if (r.client_token.empty()) f.Add("ClientToken", internal::NewUuid());
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeInstancesRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("InstanceId", r.instance_ids);
  f.Bool("DryRun", r.dry_run);
  f.Int("MaxResults", r.max_results);
  f.Str("NextToken", r.next_token);
  return f.Take();
}

QueryParams Ec2Client::Params(const CreateKeyPairRequest& r) {
  Form f;
  f.Str("KeyName", r.key_name);
  f.Bool("DryRun", r.dry_run);
  f.Str("KeyType", r.key_type);
  f.TagSpec("key-pair", r.tags);
  f.Str("KeyFormat", r.key_format);
  return f.Take();
}

QueryParams Ec2Client::Params(const ImportKeyPairRequest& r) {
  Form f;
  f.Bool("DryRun", r.dry_run);
  f.Str("KeyName", r.key_name);
  // A blob: base64, even when empty (the member is required).
  f.Add("PublicKeyMaterial", crypto::Base64(r.public_key_material));
  f.TagSpec("key-pair", r.tags);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeKeyPairsRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("KeyName", r.key_names);
  f.List("KeyPairId", r.key_pair_ids);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const CreateSecurityGroupRequest& r) {
  Form f;
  f.Add("GroupDescription", r.description);  // required, even when empty
  f.Str("GroupName", r.group_name);
  f.Str("VpcId", r.vpc_id);
  f.TagSpec("security-group", r.tags);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const IngressRequest& r) {
  Form f;
  f.Str("GroupId", r.group_id);
  f.Str("GroupName", r.group_name);
  f.Permissions(r.ip_permissions);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const EgressRequest& r) {
  Form f;
  f.Bool("DryRun", r.dry_run);
  f.Str("GroupId", r.group_id);
  f.Permissions(r.ip_permissions);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeSecurityGroupsRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("GroupId", r.group_ids);
  f.List("GroupName", r.group_names);
  f.Bool("DryRun", r.dry_run);
  f.Str("NextToken", r.next_token);
  f.Int("MaxResults", r.max_results);
  return f.Take();
}

QueryParams Ec2Client::Params(const AllocateAddressRequest& r) {
  Form f;
  f.Str("Domain", r.domain);
  f.Bool("DryRun", r.dry_run);
  f.TagSpec("elastic-ip", r.tags);
  return f.Take();
}

QueryParams Ec2Client::Params(const AssociateAddressRequest& r) {
  Form f;
  f.Str("AllocationId", r.allocation_id);
  f.Str("InstanceId", r.instance_id);
  f.Str("PublicIp", r.public_ip);
  f.Bool("AllowReassociation", r.allow_reassociation);
  f.Bool("DryRun", r.dry_run);
  f.Str("NetworkInterfaceId", r.network_interface_id);
  f.Str("PrivateIpAddress", r.private_ip_address);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeAddressesRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("PublicIp", r.public_ips);
  f.List("AllocationId", r.allocation_ids);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const CreateVolumeRequest& r) {
  Form f;
  f.Str("AvailabilityZone", r.availability_zone);
  f.Bool("Encrypted", r.encrypted);
  f.Int("Iops", r.iops);
  f.Int("Size", r.size);
  f.Str("SnapshotId", r.snapshot_id);
  f.Str("VolumeType", r.volume_type);
  f.Bool("DryRun", r.dry_run);
  f.TagSpec("volume", r.tags);
  f.Int("Throughput", r.throughput);
  f.Add("ClientToken", r.client_token.empty() ? internal::NewUuid() : r.client_token);
  return f.Take();
}

QueryParams Ec2Client::Params(const AttachVolumeRequest& r) {
  Form f;
  f.Str("Device", r.device);
  f.Str("InstanceId", r.instance_id);
  f.Str("VolumeId", r.volume_id);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const DetachVolumeRequest& r) {
  Form f;
  f.Str("Device", r.device);
  f.Bool("Force", r.force);
  f.Str("InstanceId", r.instance_id);
  f.Str("VolumeId", r.volume_id);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeVolumesRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("VolumeId", r.volume_ids);
  f.Bool("DryRun", r.dry_run);
  f.Int("MaxResults", r.max_results);
  f.Str("NextToken", r.next_token);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeTagsRequest& r) {
  Form f;
  f.Bool("DryRun", r.dry_run);
  f.Filters(r.filters);
  f.Int("MaxResults", r.max_results);
  f.Str("NextToken", r.next_token);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeRegionsRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("RegionName", r.region_names);
  f.Bool("DryRun", r.dry_run);
  f.Bool("AllRegions", r.all_regions);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeAvailabilityZonesRequest& r) {
  Form f;
  f.Filters(r.filters);
  f.List("ZoneName", r.zone_names);
  f.List("ZoneId", r.zone_ids);
  f.Bool("AllAvailabilityZones", r.all_availability_zones);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

QueryParams Ec2Client::Params(const DescribeImagesRequest& r) {
  Form f;
  f.List("ExecutableBy", r.executable_users);
  f.Filters(r.filters);
  f.List("ImageId", r.image_ids);
  f.List("Owner", r.owners);
  f.Bool("IncludeDeprecated", r.include_deprecated);
  f.Bool("DryRun", r.dry_run);
  return f.Take();
}

// The calls whose parameters are few take them as arguments; these build
// their forms (declared in ec2_client.cc).
QueryParams InstanceIdsParams(const std::vector<std::string>& ids,
                              std::initializer_list<std::pair<const char*, std::optional<bool>>>
                                  flags) {
  Form f;
  f.List("InstanceId", ids);
  for (const auto& [name, value] : flags) f.Bool(name, value);
  return f.Take();
}

QueryParams TagsParams(const std::vector<std::string>& resources, const std::vector<Tag>& tags,
                       std::optional<bool> dry_run) {
  Form f;
  f.Bool("DryRun", dry_run);
  f.List("ResourceId", resources);
  f.Tags("Tag", tags);
  return f.Take();
}

QueryParams DeleteTagsParams(const std::vector<std::string>& resources,
                             const std::vector<TagToDelete>& tags, std::optional<bool> dry_run) {
  Form f;
  f.Bool("DryRun", dry_run);
  f.List("ResourceId", resources);
  for (std::size_t i = 0; i < tags.size(); ++i) {
    std::string p = "Tag." + std::to_string(i + 1);
    f.Add(p + ".Key", tags[i].key);
    if (tags[i].value) f.Add(p + ".Value", *tags[i].value);
  }
  return f.Take();
}

}  // namespace awslab::client::ec2
