// Ec2Client: sends EC2 Query calls (the forms of ec2_params.cc) and reads
// EC2's XML answers into the result structs of ec2.h.
//
// Thread-safety: see ec2.h; the client holds only a shared Caller.
#include <pugixml.hpp>

#include "client/ec2/client_util.h"
#include "client/ec2/ec2_internal.h"
#include "client/include/awslab/ec2.h"

namespace awslab::client::ec2 {

namespace {

using Node = pugi::xml_node;

std::string Text(const Node& n, const char* name) { return n.child(name).text().as_string(); }

bool Bool(const Node& n, const char* name) { return Text(n, name) == "true"; }

int Int(const Node& n, const char* name) { return n.child(name).text().as_int(); }

std::optional<int> OptInt(const Node& n, const char* name) {
  Node c = n.child(name);
  if (!c || std::string_view(c.text().as_string()).empty()) return std::nullopt;
  return c.text().as_int();
}

// The <item>s of a list element.
pugi::xml_object_range<pugi::xml_named_node_iterator> Items(const Node& n, const char* name) {
  return n.child(name).children("item");
}

std::vector<Tag> Tags(const Node& n) {
  std::vector<Tag> tags;
  for (Node item : Items(n, "tagSet")) tags.push_back({Text(item, "key"), Text(item, "value")});
  return tags;
}

std::vector<GroupIdentifier> Groups(const Node& n) {
  std::vector<GroupIdentifier> groups;
  for (Node item : Items(n, "groupSet"))
    groups.push_back({Text(item, "groupId"), Text(item, "groupName")});
  return groups;
}

InstanceState State(const Node& n) {
  return InstanceState{Int(n, "code"), Text(n, "name")};
}

Instance ParseInstance(const Node& n) {
  Instance i;
  i.instance_id = Text(n, "instanceId");
  i.image_id = Text(n, "imageId");
  i.state = State(n.child("instanceState"));
  i.private_dns_name = Text(n, "privateDnsName");
  i.public_dns_name = Text(n, "dnsName");
  i.state_transition_reason = Text(n, "reason");
  i.key_name = Text(n, "keyName");
  i.ami_launch_index = Int(n, "amiLaunchIndex");
  i.instance_type = Text(n, "instanceType");
  i.launch_time = Text(n, "launchTime");
  i.availability_zone = Text(n.child("placement"), "availabilityZone");
  i.private_ip_address = Text(n, "privateIpAddress");
  i.public_ip_address = Text(n, "ipAddress");
  i.subnet_id = Text(n, "subnetId");
  i.vpc_id = Text(n, "vpcId");
  i.architecture = Text(n, "architecture");
  i.root_device_type = Text(n, "rootDeviceType");
  i.root_device_name = Text(n, "rootDeviceName");
  i.instance_lifecycle = Text(n, "instanceLifecycle");
  i.spot_instance_request_id = Text(n, "spotInstanceRequestId");
  i.platform_details = Text(n, "platformDetails");
  i.client_token = Text(n, "clientToken");
  for (Node item : Items(n, "blockDeviceMapping")) {
    Node ebs = item.child("ebs");
    i.block_devices.push_back({Text(item, "deviceName"), Text(ebs, "volumeId"),
                               Text(ebs, "status"), Text(ebs, "attachTime"),
                               Bool(ebs, "deleteOnTermination")});
  }
  i.security_groups = Groups(n);
  i.tags = Tags(n);
  return i;
}

Reservation ParseReservation(const Node& n) {
  Reservation r;
  r.reservation_id = Text(n, "reservationId");
  r.owner_id = Text(n, "ownerId");
  r.groups = Groups(n);
  for (Node item : Items(n, "instancesSet")) r.instances.push_back(ParseInstance(item));
  return r;
}

std::vector<InstanceStateChange> StateChanges(const Node& root) {
  std::vector<InstanceStateChange> out;
  for (Node item : Items(root, "instancesSet"))
    out.push_back({Text(item, "instanceId"), State(item.child("currentState")),
                   State(item.child("previousState"))});
  return out;
}

std::vector<IpPermission> Permissions(const Node& n, const char* name) {
  std::vector<IpPermission> out;
  for (Node item : Items(n, name)) {
    IpPermission p;
    p.ip_protocol = Text(item, "ipProtocol");
    p.from_port = OptInt(item, "fromPort");
    p.to_port = OptInt(item, "toPort");
    for (Node r : Items(item, "ipRanges"))
      p.ip_ranges.push_back({Text(r, "cidrIp"), Text(r, "description")});
    for (Node r : Items(item, "ipv6Ranges"))
      p.ipv6_ranges.push_back({Text(r, "cidrIpv6"), Text(r, "description")});
    for (Node g : Items(item, "groups"))
      p.user_id_group_pairs.push_back(
          {Text(g, "description"), Text(g, "groupId"), Text(g, "groupName"), Text(g, "userId")});
    out.push_back(std::move(p));
  }
  return out;
}

SecurityGroup ParseSecurityGroup(const Node& n) {
  SecurityGroup g;
  g.description = Text(n, "groupDescription");
  g.group_name = Text(n, "groupName");
  g.ip_permissions = Permissions(n, "ipPermissions");
  g.owner_id = Text(n, "ownerId");
  g.group_id = Text(n, "groupId");
  g.ip_permissions_egress = Permissions(n, "ipPermissionsEgress");
  g.tags = Tags(n);
  g.vpc_id = Text(n, "vpcId");
  return g;
}

Address ParseAddress(const Node& n) {
  Address a;
  a.instance_id = Text(n, "instanceId");
  a.public_ip = Text(n, "publicIp");
  a.allocation_id = Text(n, "allocationId");
  a.association_id = Text(n, "associationId");
  a.domain = Text(n, "domain");
  a.network_interface_id = Text(n, "networkInterfaceId");
  a.network_interface_owner_id = Text(n, "networkInterfaceOwnerId");
  a.private_ip_address = Text(n, "privateIpAddress");
  a.tags = Tags(n);
  a.network_border_group = Text(n, "networkBorderGroup");
  return a;
}

VolumeAttachment ParseAttachment(const Node& n) {
  VolumeAttachment a;
  a.attach_time = Text(n, "attachTime");
  a.device = Text(n, "device");
  a.instance_id = Text(n, "instanceId");
  a.state = Text(n, "status");
  a.volume_id = Text(n, "volumeId");
  a.delete_on_termination = Bool(n, "deleteOnTermination");
  return a;
}

Volume ParseVolume(const Node& n) {
  Volume v;
  for (Node item : Items(n, "attachmentSet")) v.attachments.push_back(ParseAttachment(item));
  v.availability_zone = Text(n, "availabilityZone");
  v.create_time = Text(n, "createTime");
  v.encrypted = Bool(n, "encrypted");
  v.size = Int(n, "size");
  v.snapshot_id = Text(n, "snapshotId");
  v.state = Text(n, "status");
  v.volume_id = Text(n, "volumeId");
  v.iops = OptInt(n, "iops");
  v.tags = Tags(n);
  v.volume_type = Text(n, "volumeType");
  v.throughput = OptInt(n, "throughput");
  return v;
}

KeyPairInfo ParseKeyPairInfo(const Node& n) {
  KeyPairInfo k;
  k.key_pair_id = Text(n, "keyPairId");
  k.key_fingerprint = Text(n, "keyFingerprint");
  k.key_name = Text(n, "keyName");
  k.key_type = Text(n, "keyType");
  k.create_time = Text(n, "createTime");
  k.tags = Tags(n);
  return k;
}

Image ParseImage(const Node& n) {
  Image i;
  i.architecture = Text(n, "architecture");
  i.creation_date = Text(n, "creationDate");
  i.image_id = Text(n, "imageId");
  i.image_location = Text(n, "imageLocation");
  i.image_type = Text(n, "imageType");
  i.is_public = Bool(n, "isPublic");
  i.owner_id = Text(n, "imageOwnerId");
  i.platform = Text(n, "platform");
  i.platform_details = Text(n, "platformDetails");
  i.state = Text(n, "imageState");
  i.description = Text(n, "description");
  i.ena_support = Text(n, "enaSupport");
  i.hypervisor = Text(n, "hypervisor");
  i.image_owner_alias = Text(n, "imageOwnerAlias");
  i.name = Text(n, "name");
  i.root_device_name = Text(n, "rootDeviceName");
  i.root_device_type = Text(n, "rootDeviceType");
  i.virtualization_type = Text(n, "virtualizationType");
  i.deprecation_time = Text(n, "deprecationTime");
  i.tags = Tags(n);
  return i;
}

// A parsed 2xx answer: the document and its root element.
struct Answer {
  pugi::xml_document doc;
  Node root;
};

}  // namespace

std::vector<Instance> DescribeInstancesResult::Instances() const {
  std::vector<Instance> out;
  for (const Reservation& r : reservations) out.insert(out.end(), r.instances.begin(), r.instances.end());
  return out;
}

Result<Ec2Client> Ec2Client::Create(const Config& config, std::shared_ptr<HttpClient> http) {
  auto w = internal::Wire(config, "ec2", DefaultEndpoint(config.region), std::move(http));
  if (!w) return w.error();
  return Ec2Client(w->caller, w->endpoint);
}

Ec2Client::Ec2Client(std::shared_ptr<Caller> caller, Url endpoint)
    : caller_(std::move(caller)), endpoint_(std::move(endpoint)) {}

Result<HttpResponse> Ec2Client::Send(std::string_view action, const QueryParams& params) {
  std::string body = EncodeForm(action, params);
  StringSource source(body);
  Call call;
  call.method = "POST";
  call.origin = endpoint_;
  call.path = internal::RootPath(endpoint_);
  call.headers.push_back({"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"});
  call.body = &source;
  call.signing_service = "ec2";
  call.signing_region = caller_->config().region;
  return caller_->Send(call);
}

namespace {

// Sends and parses; BadResponse when a 2xx answer is not XML.
Result<std::shared_ptr<Answer>> Xml(Ec2Client& client, std::string_view action,
                                    const QueryParams& params) {
  auto response = client.Send(action, params);
  if (!response) return response.error();
  auto answer = std::make_shared<Answer>();
  if (!answer->doc.load_buffer(response->body.data(), response->body.size()) ||
      !answer->doc.document_element()) {
    Error e = MakeError(codes::kBadResponse,
                        "EC2's answer to " + std::string(action) + " is not XML", response->status);
    if (const std::string* id = response->Header("x-amzn-RequestId")) e.request_id = *id;
    return e;
  }
  answer->root = answer->doc.document_element();
  return answer;
}

}  // namespace

Result<RunInstancesResult> Ec2Client::RunInstances(const RunInstancesRequest& request) {
  auto a = Xml(*this, "RunInstances", Params(request));
  if (!a) return a.error();
  return RunInstancesResult{ParseReservation((*a)->root)};
}

Result<DescribeInstancesResult> Ec2Client::DescribeInstances(
    const DescribeInstancesRequest& request) {
  auto a = Xml(*this, "DescribeInstances", Params(request));
  if (!a) return a.error();
  DescribeInstancesResult out;
  for (Node item : Items((*a)->root, "reservationSet"))
    out.reservations.push_back(ParseReservation(item));
  out.next_token = Text((*a)->root, "nextToken");
  return out;
}

Result<Instance> Ec2Client::DescribeInstance(const std::string& instance_id) {
  DescribeInstancesRequest request;
  request.instance_ids = {instance_id};
  auto r = DescribeInstances(request);
  if (!r) return r.error();
  for (const Reservation& res : r->reservations)
    for (const Instance& i : res.instances)
      if (i.instance_id == instance_id) return i;
  return MakeError("InvalidInstanceID.NotFound",
                   "The instance ID '" + instance_id + "' does not exist", 400);
}

Result<std::vector<InstanceStateChange>> Ec2Client::StartInstances(
    const std::vector<std::string>& ids, std::optional<bool> dry_run) {
  auto a = Xml(*this, "StartInstances", InstanceIdsParams(ids, {{"DryRun", dry_run}}));
  if (!a) return a.error();
  return StateChanges((*a)->root);
}

Result<std::vector<InstanceStateChange>> Ec2Client::StopInstances(
    const std::vector<std::string>& ids, std::optional<bool> force, std::optional<bool> dry_run) {
  auto a = Xml(*this, "StopInstances",
               InstanceIdsParams(ids, {{"DryRun", dry_run}, {"Force", force}}));
  if (!a) return a.error();
  return StateChanges((*a)->root);
}

Status Ec2Client::RebootInstances(const std::vector<std::string>& ids,
                                  std::optional<bool> dry_run) {
  auto a = Xml(*this, "RebootInstances", InstanceIdsParams(ids, {{"DryRun", dry_run}}));
  if (!a) return a.error();
  return {};
}

Result<std::vector<InstanceStateChange>> Ec2Client::TerminateInstances(
    const std::vector<std::string>& ids, std::optional<bool> dry_run) {
  auto a = Xml(*this, "TerminateInstances", InstanceIdsParams(ids, {{"DryRun", dry_run}}));
  if (!a) return a.error();
  return StateChanges((*a)->root);
}

Result<KeyPair> Ec2Client::CreateKeyPair(const CreateKeyPairRequest& request) {
  auto a = Xml(*this, "CreateKeyPair", Params(request));
  if (!a) return a.error();
  const Node& r = (*a)->root;
  return KeyPair{Text(r, "keyName"), Text(r, "keyFingerprint"), Text(r, "keyMaterial"),
                 Text(r, "keyPairId"), Tags(r)};
}

Result<KeyPairInfo> Ec2Client::ImportKeyPair(const ImportKeyPairRequest& request) {
  auto a = Xml(*this, "ImportKeyPair", Params(request));
  if (!a) return a.error();
  return ParseKeyPairInfo((*a)->root);
}

Result<std::vector<KeyPairInfo>> Ec2Client::DescribeKeyPairs(
    const DescribeKeyPairsRequest& request) {
  auto a = Xml(*this, "DescribeKeyPairs", Params(request));
  if (!a) return a.error();
  std::vector<KeyPairInfo> out;
  for (Node item : Items((*a)->root, "keySet")) out.push_back(ParseKeyPairInfo(item));
  return out;
}

Status Ec2Client::DeleteKeyPair(const std::string& key_name, const std::string& key_pair_id,
                                std::optional<bool> dry_run) {
  QueryParams p;
  if (!key_name.empty()) p.emplace_back("KeyName", key_name);
  if (!key_pair_id.empty()) p.emplace_back("KeyPairId", key_pair_id);
  if (dry_run) p.emplace_back("DryRun", *dry_run ? "true" : "false");
  auto a = Xml(*this, "DeleteKeyPair", p);
  if (!a) return a.error();
  return {};
}

Result<std::string> Ec2Client::CreateSecurityGroup(const CreateSecurityGroupRequest& request) {
  auto a = Xml(*this, "CreateSecurityGroup", Params(request));
  if (!a) return a.error();
  return Text((*a)->root, "groupId");
}

Status Ec2Client::AuthorizeSecurityGroupIngress(const IngressRequest& request) {
  auto a = Xml(*this, "AuthorizeSecurityGroupIngress", Params(request));
  if (!a) return a.error();
  return {};
}

Status Ec2Client::AuthorizeSecurityGroupEgress(const EgressRequest& request) {
  auto a = Xml(*this, "AuthorizeSecurityGroupEgress", Params(request));
  if (!a) return a.error();
  return {};
}

Status Ec2Client::RevokeSecurityGroupIngress(const IngressRequest& request) {
  auto a = Xml(*this, "RevokeSecurityGroupIngress", Params(request));
  if (!a) return a.error();
  return {};
}

Result<DescribeSecurityGroupsResult> Ec2Client::DescribeSecurityGroups(
    const DescribeSecurityGroupsRequest& request) {
  auto a = Xml(*this, "DescribeSecurityGroups", Params(request));
  if (!a) return a.error();
  DescribeSecurityGroupsResult out;
  for (Node item : Items((*a)->root, "securityGroupInfo"))
    out.security_groups.push_back(ParseSecurityGroup(item));
  out.next_token = Text((*a)->root, "nextToken");
  return out;
}

Status Ec2Client::DeleteSecurityGroup(const std::string& group_id, const std::string& group_name,
                                      std::optional<bool> dry_run) {
  QueryParams p;
  if (!group_id.empty()) p.emplace_back("GroupId", group_id);
  if (!group_name.empty()) p.emplace_back("GroupName", group_name);
  if (dry_run) p.emplace_back("DryRun", *dry_run ? "true" : "false");
  auto a = Xml(*this, "DeleteSecurityGroup", p);
  if (!a) return a.error();
  return {};
}

Result<AllocateAddressResult> Ec2Client::AllocateAddress(const AllocateAddressRequest& request) {
  auto a = Xml(*this, "AllocateAddress", Params(request));
  if (!a) return a.error();
  const Node& r = (*a)->root;
  return AllocateAddressResult{Text(r, "publicIp"), Text(r, "allocationId"), Text(r, "domain")};
}

Result<std::string> Ec2Client::AssociateAddress(const AssociateAddressRequest& request) {
  auto a = Xml(*this, "AssociateAddress", Params(request));
  if (!a) return a.error();
  return Text((*a)->root, "associationId");
}

Status Ec2Client::DisassociateAddress(const std::string& association_id,
                                      const std::string& public_ip, std::optional<bool> dry_run) {
  QueryParams p;
  if (!association_id.empty()) p.emplace_back("AssociationId", association_id);
  if (!public_ip.empty()) p.emplace_back("PublicIp", public_ip);
  if (dry_run) p.emplace_back("DryRun", *dry_run ? "true" : "false");
  auto a = Xml(*this, "DisassociateAddress", p);
  if (!a) return a.error();
  return {};
}

Status Ec2Client::ReleaseAddress(const std::string& allocation_id, const std::string& public_ip,
                                 std::optional<bool> dry_run) {
  QueryParams p;
  if (!allocation_id.empty()) p.emplace_back("AllocationId", allocation_id);
  if (!public_ip.empty()) p.emplace_back("PublicIp", public_ip);
  if (dry_run) p.emplace_back("DryRun", *dry_run ? "true" : "false");
  auto a = Xml(*this, "ReleaseAddress", p);
  if (!a) return a.error();
  return {};
}

Result<std::vector<Address>> Ec2Client::DescribeAddresses(const DescribeAddressesRequest& request) {
  auto a = Xml(*this, "DescribeAddresses", Params(request));
  if (!a) return a.error();
  std::vector<Address> out;
  for (Node item : Items((*a)->root, "addressesSet")) out.push_back(ParseAddress(item));
  return out;
}

Result<Volume> Ec2Client::CreateVolume(const CreateVolumeRequest& request) {
  auto a = Xml(*this, "CreateVolume", Params(request));
  if (!a) return a.error();
  return ParseVolume((*a)->root);
}

Result<VolumeAttachment> Ec2Client::AttachVolume(const AttachVolumeRequest& request) {
  auto a = Xml(*this, "AttachVolume", Params(request));
  if (!a) return a.error();
  return ParseAttachment((*a)->root);
}

Result<VolumeAttachment> Ec2Client::DetachVolume(const DetachVolumeRequest& request) {
  auto a = Xml(*this, "DetachVolume", Params(request));
  if (!a) return a.error();
  return ParseAttachment((*a)->root);
}

Status Ec2Client::DeleteVolume(const std::string& volume_id, std::optional<bool> dry_run) {
  QueryParams p{{"VolumeId", volume_id}};
  if (dry_run) p.emplace_back("DryRun", *dry_run ? "true" : "false");
  auto a = Xml(*this, "DeleteVolume", p);
  if (!a) return a.error();
  return {};
}

Result<DescribeVolumesResult> Ec2Client::DescribeVolumes(const DescribeVolumesRequest& request) {
  auto a = Xml(*this, "DescribeVolumes", Params(request));
  if (!a) return a.error();
  DescribeVolumesResult out;
  for (Node item : Items((*a)->root, "volumeSet")) out.volumes.push_back(ParseVolume(item));
  out.next_token = Text((*a)->root, "nextToken");
  return out;
}

Status Ec2Client::CreateTags(const std::vector<std::string>& resources,
                             const std::vector<Tag>& tags, std::optional<bool> dry_run) {
  auto a = Xml(*this, "CreateTags", TagsParams(resources, tags, dry_run));
  if (!a) return a.error();
  return {};
}

Status Ec2Client::DeleteTags(const std::vector<std::string>& resources,
                             const std::vector<TagToDelete>& tags, std::optional<bool> dry_run) {
  auto a = Xml(*this, "DeleteTags", DeleteTagsParams(resources, tags, dry_run));
  if (!a) return a.error();
  return {};
}

Result<DescribeTagsResult> Ec2Client::DescribeTags(const DescribeTagsRequest& request) {
  auto a = Xml(*this, "DescribeTags", Params(request));
  if (!a) return a.error();
  DescribeTagsResult out;
  for (Node item : Items((*a)->root, "tagSet"))
    out.tags.push_back({Text(item, "key"), Text(item, "resourceId"), Text(item, "resourceType"),
                        Text(item, "value")});
  out.next_token = Text((*a)->root, "nextToken");
  return out;
}

Result<std::vector<Region>> Ec2Client::DescribeRegions(const DescribeRegionsRequest& request) {
  auto a = Xml(*this, "DescribeRegions", Params(request));
  if (!a) return a.error();
  std::vector<Region> out;
  for (Node item : Items((*a)->root, "regionInfo"))
    out.push_back({Text(item, "regionEndpoint"), Text(item, "regionName"),
                   Text(item, "optInStatus")});
  return out;
}

Result<std::vector<AvailabilityZone>> Ec2Client::DescribeAvailabilityZones(
    const DescribeAvailabilityZonesRequest& request) {
  auto a = Xml(*this, "DescribeAvailabilityZones", Params(request));
  if (!a) return a.error();
  std::vector<AvailabilityZone> out;
  for (Node item : Items((*a)->root, "availabilityZoneInfo"))
    out.push_back({Text(item, "zoneState"), Text(item, "optInStatus"), Text(item, "regionName"),
                   Text(item, "zoneName"), Text(item, "zoneId"), Text(item, "groupName"),
                   Text(item, "networkBorderGroup"), Text(item, "zoneType")});
  return out;
}

Result<DescribeImagesResult> Ec2Client::DescribeImages(const DescribeImagesRequest& request) {
  auto a = Xml(*this, "DescribeImages", Params(request));
  if (!a) return a.error();
  DescribeImagesResult out;
  for (Node item : Items((*a)->root, "imagesSet")) out.images.push_back(ParseImage(item));
  return out;
}

}  // namespace awslab::client::ec2
