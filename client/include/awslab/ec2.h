// The EC2 client of libawslab: EC2's Query API (POST / with a form body,
// Version 2016-11-15) for instances, waiters, key pairs, security groups,
// Elastic IPs, volumes, tags, regions, zones and images.
//
// Requests are built as botocore 1.29 builds them, so that a signed request
// is byte for byte the one the aws CLI sends: the form parameters come in the
// order of the input shape's members in botocore's model
// (data/ec2/2016-11-15/service-2.json), named as EC2Serializer names them
// (locationName capitalized, lists as Name.1, Name.2, ...), booleans as
// "true"/"false", blobs base64, and percent-encoded as Python's urlencode
// does (space as '+', every byte but A-Z a-z 0-9 _ . - ~ as %XX). An
// idempotency token botocore would generate (RunInstances' and
// CreateVolume's ClientToken) is a fresh UUID appended last when the caller
// gives none, as botocore appends it. Optional values left empty (an empty
// string, a nullopt, an empty list) are not sent; required members always
// are (MinCount, MaxCount, GroupDescription, PublicKeyMaterial), and so is a
// tag's Value, even "". UserData is the one difference from botocore: the
// client base64-encodes it, as the aws CLI does before calling botocore.
//
// Times (LaunchTime, CreateTime, ...) are kept as the ISO 8601 strings EC2
// answers ("2013-04-01T00:00:05.000Z").
//
// Errors are EC2's (<Response><Errors><Error>): Error::code is AWS's code
// ("InvalidInstanceID.NotFound", "InvalidKeyPair.Duplicate",
// "IncorrectInstanceState", "DryRunOperation"). Waiters add
// kWaiterFailure and kWaiterMaxAttempts.
//
// Thread-safety: an Ec2Client may be used from many threads at once (it
// holds only a shared Caller). A paginator belongs to one thread.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_EC2_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_EC2_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client::ec2 {

inline constexpr const char* kApiVersion = "2016-11-15";

// Codes of a waiter that gave up (botocore's WaiterError reasons).
inline constexpr const char* kWaiterFailure = "WaiterFailure";          // a failure state reached
inline constexpr const char* kWaiterMaxAttempts = "WaiterMaxAttempts";  // never reached success

// Form parameters in the order they are sent (unencoded names and values).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

// ---------------------------------------------------------------------------
// Common shapes

struct Tag {
  std::string key;
  std::string value;
};

// A Describe filter: Filter.N.Name and Filter.N.Value.M ("instance-state-name",
// "tag:Name", "tag-key", ...; values may hold * and ?).
struct Filter {
  std::string name;
  std::vector<std::string> values;
};

// TagSpecifications for a resource being created: ResourceType "instance",
// "volume", "security-group", "key-pair", "elastic-ip".
struct TagSpecification {
  std::string resource_type;
  std::vector<Tag> tags;
};

// The value of a tag, or nullopt.
std::optional<std::string> FindTag(const std::vector<Tag>& tags, std::string_view key);

// ---------------------------------------------------------------------------
// Instances

struct InstanceState {
  int code = 0;      // 0 pending, 16 running, 32 shutting-down, 48 terminated, 64 stopping, 80 stopped
  std::string name;  // "pending", "running", ...
};

struct GroupIdentifier {
  std::string group_id;
  std::string group_name;
};

// A volume attached to an instance (its BlockDeviceMapping in Describe).
struct InstanceBlockDevice {
  std::string device_name;  // "/dev/xvda"
  std::string volume_id;
  std::string status;       // "attached"
  std::string attach_time;
  bool delete_on_termination = false;
};

struct Instance {
  std::string instance_id;
  std::string image_id;
  InstanceState state;
  std::string private_dns_name;
  std::string public_dns_name;   // empty while it has no public address (stopped)
  std::string state_transition_reason;
  std::string key_name;          // empty: launched without a key
  int ami_launch_index = 0;
  std::string instance_type;
  std::string launch_time;       // the last start, ISO 8601
  std::string availability_zone; // Placement.AvailabilityZone
  std::string private_ip_address;
  std::string public_ip_address; // the Elastic IP when one is associated
  std::string subnet_id;
  std::string vpc_id;
  std::string architecture;
  std::string root_device_type;
  std::string root_device_name;
  std::string instance_lifecycle;        // "spot", or empty for on-demand
  std::string spot_instance_request_id;
  std::string platform_details;
  std::string client_token;
  std::vector<InstanceBlockDevice> block_devices;
  std::vector<GroupIdentifier> security_groups;
  std::vector<Tag> tags;

  std::optional<std::string> TagValue(std::string_view key) const { return FindTag(tags, key); }
};

struct Reservation {
  std::string reservation_id;
  std::string owner_id;
  std::vector<GroupIdentifier> groups;
  std::vector<Instance> instances;
};

// InstanceMarketOptions with MarketType=spot.
struct SpotOptions {
  std::string max_price;               // empty: the on-demand price
  std::string spot_instance_type;      // "one-time" or "persistent"; empty: EC2's default
  std::string interruption_behavior;   // "terminate", "stop", "hibernate"; empty: default
};

// A BlockDeviceMapping of RunInstances with an EBS volume.
struct BlockDeviceMappingSpec {
  std::string device_name;             // "/dev/xvda"
  std::optional<bool> delete_on_termination;
  std::optional<int> volume_size;      // GiB
  std::string volume_type;             // "gp2", "gp3", "io1", ...
  std::optional<int> iops;
};

struct RunInstancesRequest {
  std::vector<BlockDeviceMappingSpec> block_device_mappings;
  std::string image_id;
  std::string instance_type;                   // empty: EC2's default (m1.small)
  std::string key_name;
  int max_count = 1;
  int min_count = 1;
  std::string availability_zone;              // Placement.AvailabilityZone
  std::vector<std::string> security_group_ids;
  std::vector<std::string> security_groups;    // names (default VPC)
  std::string subnet_id;
  // The user data as the instance sees it: the client base64-encodes it, as
  // botocore 1.29 does (its base64_encode_user_data handler).
  std::string user_data;
  std::string client_token;                    // empty: a fresh UUID, as botocore
  std::optional<bool> dry_run;
  // Sent as TagSpecification.1 with ResourceType "instance", before
  // tag_specifications.
  std::vector<Tag> tags;
  std::vector<TagSpecification> tag_specifications;
  std::optional<SpotOptions> spot;             // InstanceMarketOptions
};

struct RunInstancesResult {
  Reservation reservation;
};

struct DescribeInstancesRequest {
  std::vector<Filter> filters;
  std::vector<std::string> instance_ids;
  std::optional<bool> dry_run;
  std::optional<int> max_results;  // 5..1000; not with instance_ids
  std::string next_token;
};

struct DescribeInstancesResult {
  std::vector<Reservation> reservations;
  std::string next_token;  // empty on the last page
  // Every instance of every reservation, in order.
  std::vector<Instance> Instances() const;
};

struct InstanceStateChange {
  std::string instance_id;
  InstanceState current_state;
  InstanceState previous_state;
};

// ---------------------------------------------------------------------------
// Key pairs

struct CreateKeyPairRequest {
  std::string key_name;
  std::optional<bool> dry_run;
  std::string key_type;    // "rsa" or "ed25519"; empty: rsa
  std::vector<Tag> tags;   // TagSpecification with ResourceType "key-pair"
  std::string key_format;  // "pem" or "ppk"; empty: pem
};

struct KeyPair {
  std::string key_name;
  std::string key_fingerprint;
  std::string key_material;  // the private key: PEM (RSA) or OpenSSH (ED25519)
  std::string key_pair_id;
  std::vector<Tag> tags;
};

// Writes key.key_material to `path` with mode 0400, as the course's
// `chmod 400 course.pem`. Refuses (InvalidArgument) when the file exists,
// so that a key is never overwritten; IOError when it cannot be written.
Status WritePrivateKey(const KeyPair& key, const std::string& path);

struct ImportKeyPairRequest {
  std::optional<bool> dry_run;
  std::string key_name;
  // The public key as a file holds it ("ssh-rsa AAAA... comment"): the client
  // base64-encodes it, as botocore does with a blob.
  std::string public_key_material;
  std::vector<Tag> tags;  // TagSpecification with ResourceType "key-pair"
};

struct KeyPairInfo {
  std::string key_pair_id;
  std::string key_fingerprint;
  std::string key_name;
  std::string key_type;
  std::string create_time;
  std::vector<Tag> tags;
};

struct DescribeKeyPairsRequest {
  std::vector<Filter> filters;
  std::vector<std::string> key_names;
  std::vector<std::string> key_pair_ids;
  std::optional<bool> dry_run;
};

// ---------------------------------------------------------------------------
// Security groups

struct IpRange {
  std::string cidr_ip;
  std::string description;
};

struct Ipv6Range {
  std::string cidr_ipv6;
  std::string description;
};

struct UserIdGroupPair {
  std::string description;
  std::string group_id;
  std::string group_name;
  std::string user_id;
};

struct IpPermission {
  std::optional<int> from_port;
  std::string ip_protocol = "tcp";  // "tcp", "udp", "icmp", "-1"
  std::vector<IpRange> ip_ranges;
  std::vector<Ipv6Range> ipv6_ranges;
  std::optional<int> to_port;
  std::vector<UserIdGroupPair> user_id_group_pairs;
};

// An ingress rule for one TCP port from one CIDR ("22", "0.0.0.0/0").
IpPermission TcpPermission(int port, std::string cidr);

struct CreateSecurityGroupRequest {
  std::string description;  // GroupDescription (required)
  std::string group_name;
  std::string vpc_id;
  std::vector<Tag> tags;    // TagSpecification with ResourceType "security-group"
  std::optional<bool> dry_run;
};

// AuthorizeSecurityGroupIngress, RevokeSecurityGroupIngress: the group by
// id or (default VPC) by name.
struct IngressRequest {
  std::string group_id;
  std::string group_name;
  std::vector<IpPermission> ip_permissions;
  std::optional<bool> dry_run;
};

// AuthorizeSecurityGroupEgress: by id only.
struct EgressRequest {
  std::optional<bool> dry_run;
  std::string group_id;
  std::vector<IpPermission> ip_permissions;
};

struct SecurityGroup {
  std::string description;
  std::string group_name;
  std::vector<IpPermission> ip_permissions;
  std::string owner_id;
  std::string group_id;
  std::vector<IpPermission> ip_permissions_egress;
  std::vector<Tag> tags;
  std::string vpc_id;
};

struct DescribeSecurityGroupsRequest {
  std::vector<Filter> filters;
  std::vector<std::string> group_ids;
  std::vector<std::string> group_names;
  std::optional<bool> dry_run;
  std::string next_token;
  std::optional<int> max_results;  // 5..1000; not with ids or names
};

struct DescribeSecurityGroupsResult {
  std::vector<SecurityGroup> security_groups;
  std::string next_token;
};

// ---------------------------------------------------------------------------
// Elastic IPs

struct AllocateAddressRequest {
  std::string domain = "vpc";
  std::optional<bool> dry_run;
  std::vector<Tag> tags;  // TagSpecification with ResourceType "elastic-ip"
};

struct AllocateAddressResult {
  std::string public_ip;
  std::string allocation_id;
  std::string domain;
};

struct AssociateAddressRequest {
  std::string allocation_id;
  std::string instance_id;
  std::string public_ip;  // EC2-Classic style; allocation_id is the VPC way
  std::optional<bool> allow_reassociation;
  std::optional<bool> dry_run;
  std::string network_interface_id;
  std::string private_ip_address;
};

struct Address {
  std::string instance_id;
  std::string public_ip;
  std::string allocation_id;
  std::string association_id;
  std::string domain;
  std::string network_interface_id;
  std::string network_interface_owner_id;
  std::string private_ip_address;
  std::vector<Tag> tags;
  std::string network_border_group;
};

struct DescribeAddressesRequest {
  std::vector<Filter> filters;
  std::vector<std::string> public_ips;
  std::vector<std::string> allocation_ids;
  std::optional<bool> dry_run;
};

// ---------------------------------------------------------------------------
// Volumes

struct CreateVolumeRequest {
  std::string availability_zone;
  std::optional<bool> encrypted;
  std::optional<int> iops;
  std::optional<int> size;   // GiB
  std::string snapshot_id;
  std::string volume_type;   // empty: gp2
  std::optional<bool> dry_run;
  std::vector<Tag> tags;     // TagSpecification with ResourceType "volume"
  std::optional<int> throughput;
  std::string client_token;  // empty: a fresh UUID, as botocore
};

struct VolumeAttachment {
  std::string attach_time;
  std::string device;
  std::string instance_id;
  std::string state;  // "attaching", "attached", "detaching", "detached"
  std::string volume_id;
  bool delete_on_termination = false;
};

struct Volume {
  std::vector<VolumeAttachment> attachments;
  std::string availability_zone;
  std::string create_time;
  bool encrypted = false;
  int size = 0;  // GiB
  std::string snapshot_id;
  std::string state;  // "creating", "available", "in-use", "deleting", ...
  std::string volume_id;
  std::optional<int> iops;
  std::vector<Tag> tags;
  std::string volume_type;
  std::optional<int> throughput;
};

struct AttachVolumeRequest {
  std::string device;  // "/dev/sdf"
  std::string instance_id;
  std::string volume_id;
  std::optional<bool> dry_run;
};

struct DetachVolumeRequest {
  std::string device;
  std::optional<bool> force;
  std::string instance_id;
  std::string volume_id;
  std::optional<bool> dry_run;
};

struct DescribeVolumesRequest {
  std::vector<Filter> filters;
  std::vector<std::string> volume_ids;
  std::optional<bool> dry_run;
  std::optional<int> max_results;  // 5..500; not with volume_ids
  std::string next_token;
};

struct DescribeVolumesResult {
  std::vector<Volume> volumes;
  std::string next_token;
};

// ---------------------------------------------------------------------------
// Tags

// DeleteTags: a tag with no value deletes the key whatever its value; with a
// value (even "") only when the value matches.
struct TagToDelete {
  std::string key;
  std::optional<std::string> value;
};

struct TagDescription {
  std::string key;
  std::string resource_id;
  std::string resource_type;  // "instance", "volume", "security-group", ...
  std::string value;
};

struct DescribeTagsRequest {
  std::optional<bool> dry_run;
  std::vector<Filter> filters;  // resource-id, resource-type, key, value
  std::optional<int> max_results;
  std::string next_token;
};

struct DescribeTagsResult {
  std::vector<TagDescription> tags;
  std::string next_token;
};

// ---------------------------------------------------------------------------
// Regions, zones, images

struct Region {
  std::string endpoint;
  std::string region_name;
  std::string opt_in_status;
};

struct DescribeRegionsRequest {
  std::vector<Filter> filters;
  std::vector<std::string> region_names;
  std::optional<bool> dry_run;
  std::optional<bool> all_regions;
};

struct AvailabilityZone {
  std::string state;
  std::string opt_in_status;
  std::string region_name;
  std::string zone_name;
  std::string zone_id;
  std::string group_name;
  std::string network_border_group;
  std::string zone_type;
};

struct DescribeAvailabilityZonesRequest {
  std::vector<Filter> filters;
  std::vector<std::string> zone_names;
  std::vector<std::string> zone_ids;
  std::optional<bool> all_availability_zones;
  std::optional<bool> dry_run;
};

struct Image {
  std::string architecture;
  std::string creation_date;
  std::string image_id;
  std::string image_location;
  std::string image_type;
  bool is_public = false;
  std::string owner_id;
  std::string platform;          // "windows" or empty
  std::string platform_details;  // "Linux/UNIX", "Windows", "Red Hat Enterprise Linux"
  std::string state;
  std::string description;
  std::string ena_support;
  std::string hypervisor;
  std::string image_owner_alias;  // "amazon"
  std::string name;
  std::string root_device_name;
  std::string root_device_type;
  std::string virtualization_type;
  std::string deprecation_time;
  std::vector<Tag> tags;
};

struct DescribeImagesRequest {
  std::vector<std::string> executable_users;
  std::vector<Filter> filters;
  std::vector<std::string> image_ids;
  std::vector<std::string> owners;  // "amazon", "self", an account id
  std::optional<bool> include_deprecated;
  std::optional<bool> dry_run;
};

// (botocore 1.29's model has no MaxResults/NextToken for DescribeImages.)
struct DescribeImagesResult {
  std::vector<Image> images;
};

// ---------------------------------------------------------------------------
// Waiters

// botocore's InstanceRunning, InstanceStopped and InstanceTerminated: poll
// DescribeInstances (by ids, and filters if any) every `delay` up to
// `max_attempts` times. Success when every instance is in the target state;
// failure (kWaiterFailure) as soon as one is in a failure state of the
// model (running: shutting-down, terminated, stopping; stopped: pending,
// terminated; terminated: pending, stopping); InvalidInstanceID.NotFound is
// retried for instance_running, as in the model; any other error ends the
// wait with that error. kWaiterMaxAttempts after the last attempt.
enum class InstanceWaiter { kRunning, kStopped, kTerminated };

struct WaiterOptions {
  std::chrono::milliseconds delay{15'000};  // botocore's: 15 s
  int max_attempts = 40;                   // botocore's: 40
  // Called between attempts with `delay`; the default sleeps. Tests on a
  // frozen clock give one that advances the simulation clock instead.
  std::function<void(std::chrono::milliseconds)> sleep;
};

// ---------------------------------------------------------------------------

class Ec2Client {
 public:
  // The endpoint is config.EndpointUrlFor("ec2"), or AWS's
  // https://ec2.<region>.amazonaws.com; requests are signed for service
  // "ec2" in config.region. `http` may be shared with other clients; null
  // makes one from the config's TLS settings and timeouts.
  // Errors: an endpoint URL that does not parse (InvalidConfiguration), an
  // unreadable CA bundle (SSLError).
  static Result<Ec2Client> Create(const Config& config, std::shared_ptr<HttpClient> http = nullptr);
  // Over an existing caller (tests give one with a transport of their own).
  Ec2Client(std::shared_ptr<Caller> caller, Url endpoint);

  // Any action with its parameters (Action and Version are added first):
  // the raw 2xx answer. For calls without a typed method.
  // (Differential tests capture the signed request with
  // caller().set_transport.)
  Result<HttpResponse> Send(std::string_view action, const QueryParams& params);

  // Instances
  Result<RunInstancesResult> RunInstances(const RunInstancesRequest& request);
  Result<DescribeInstancesResult> DescribeInstances(const DescribeInstancesRequest& request = {});
  // Every page, following NextToken (from request.next_token on).
  Result<std::vector<Instance>> DescribeAllInstances(DescribeInstancesRequest request = {});
  // One instance by id (InvalidInstanceID.NotFound when it does not exist).
  Result<Instance> DescribeInstance(const std::string& instance_id);
  Result<std::vector<InstanceStateChange>> StartInstances(const std::vector<std::string>& ids,
                                                          std::optional<bool> dry_run = {});
  Result<std::vector<InstanceStateChange>> StopInstances(const std::vector<std::string>& ids,
                                                         std::optional<bool> force = {},
                                                         std::optional<bool> dry_run = {});
  Status RebootInstances(const std::vector<std::string>& ids, std::optional<bool> dry_run = {});
  Result<std::vector<InstanceStateChange>> TerminateInstances(const std::vector<std::string>& ids,
                                                              std::optional<bool> dry_run = {});
  // Waits as botocore's waiter does; returns the instances as last described.
  Result<std::vector<Instance>> Wait(InstanceWaiter waiter, const std::vector<std::string>& ids,
                                     const WaiterOptions& options = {},
                                     const std::vector<Filter>& filters = {});

  // Key pairs
  Result<KeyPair> CreateKeyPair(const CreateKeyPairRequest& request);
  Result<KeyPairInfo> ImportKeyPair(const ImportKeyPairRequest& request);
  Result<std::vector<KeyPairInfo>> DescribeKeyPairs(const DescribeKeyPairsRequest& request = {});
  // By name, or by id when key_pair_id is given.
  Status DeleteKeyPair(const std::string& key_name, const std::string& key_pair_id = "",
                       std::optional<bool> dry_run = {});

  // Security groups
  // The new group's id.
  Result<std::string> CreateSecurityGroup(const CreateSecurityGroupRequest& request);
  Status AuthorizeSecurityGroupIngress(const IngressRequest& request);
  Status AuthorizeSecurityGroupEgress(const EgressRequest& request);
  Status RevokeSecurityGroupIngress(const IngressRequest& request);
  Result<DescribeSecurityGroupsResult> DescribeSecurityGroups(
      const DescribeSecurityGroupsRequest& request = {});
  // By id, or by name (default VPC) when group_id is empty.
  Status DeleteSecurityGroup(const std::string& group_id, const std::string& group_name = "",
                             std::optional<bool> dry_run = {});

  // Elastic IPs
  Result<AllocateAddressResult> AllocateAddress(const AllocateAddressRequest& request = {});
  // The association id.
  Result<std::string> AssociateAddress(const AssociateAddressRequest& request);
  // By association id, or by public IP when association_id is empty.
  Status DisassociateAddress(const std::string& association_id, const std::string& public_ip = "",
                             std::optional<bool> dry_run = {});
  // By allocation id, or by public IP when allocation_id is empty.
  Status ReleaseAddress(const std::string& allocation_id, const std::string& public_ip = "",
                        std::optional<bool> dry_run = {});
  Result<std::vector<Address>> DescribeAddresses(const DescribeAddressesRequest& request = {});

  // Volumes
  Result<Volume> CreateVolume(const CreateVolumeRequest& request);
  Result<VolumeAttachment> AttachVolume(const AttachVolumeRequest& request);
  Result<VolumeAttachment> DetachVolume(const DetachVolumeRequest& request);
  Status DeleteVolume(const std::string& volume_id, std::optional<bool> dry_run = {});
  Result<DescribeVolumesResult> DescribeVolumes(const DescribeVolumesRequest& request = {});

  // Tags
  Status CreateTags(const std::vector<std::string>& resources, const std::vector<Tag>& tags,
                    std::optional<bool> dry_run = {});
  Status DeleteTags(const std::vector<std::string>& resources,
                    const std::vector<TagToDelete>& tags, std::optional<bool> dry_run = {});
  Result<DescribeTagsResult> DescribeTags(const DescribeTagsRequest& request = {});

  // Regions, zones, images
  Result<std::vector<Region>> DescribeRegions(const DescribeRegionsRequest& request = {});
  Result<std::vector<AvailabilityZone>> DescribeAvailabilityZones(
      const DescribeAvailabilityZonesRequest& request = {});
  Result<DescribeImagesResult> DescribeImages(const DescribeImagesRequest& request = {});

  // The form parameters each typed call sends (for differential tests and
  // the CLI's --debug), in botocore's order, without Action and Version.
  static QueryParams Params(const RunInstancesRequest& r);
  static QueryParams Params(const DescribeInstancesRequest& r);
  static QueryParams Params(const CreateKeyPairRequest& r);
  static QueryParams Params(const ImportKeyPairRequest& r);
  static QueryParams Params(const DescribeKeyPairsRequest& r);
  static QueryParams Params(const CreateSecurityGroupRequest& r);
  static QueryParams Params(const IngressRequest& r);
  static QueryParams Params(const EgressRequest& r);
  static QueryParams Params(const DescribeSecurityGroupsRequest& r);
  static QueryParams Params(const AllocateAddressRequest& r);
  static QueryParams Params(const AssociateAddressRequest& r);
  static QueryParams Params(const DescribeAddressesRequest& r);
  static QueryParams Params(const CreateVolumeRequest& r);
  static QueryParams Params(const AttachVolumeRequest& r);
  static QueryParams Params(const DetachVolumeRequest& r);
  static QueryParams Params(const DescribeVolumesRequest& r);
  static QueryParams Params(const DescribeTagsRequest& r);
  static QueryParams Params(const DescribeRegionsRequest& r);
  static QueryParams Params(const DescribeAvailabilityZonesRequest& r);
  static QueryParams Params(const DescribeImagesRequest& r);

  const Url& endpoint() const { return endpoint_; }
  Caller& caller() { return *caller_; }

 private:
  std::shared_ptr<Caller> caller_;
  Url endpoint_;
};

// Walks DescribeInstances page by page (NextToken), as botocore's paginator.
class InstancePaginator {
 public:
  InstancePaginator(Ec2Client& client, DescribeInstancesRequest request)
      : client_(client), request_(std::move(request)) {}
  bool HasMorePages() const { return !done_; }
  // The next page; after an error, HasMorePages() is false.
  Result<DescribeInstancesResult> NextPage();

 private:
  Ec2Client& client_;
  DescribeInstancesRequest request_;
  bool done_ = false;
};

// The form body as botocore sends it: "Action=...&Version=...&k=v..."
// encoded as Python's urlencode.
std::string EncodeForm(std::string_view action, const QueryParams& params);

// "https://ec2.<region>.amazonaws.com" (for the default endpoint and tests).
std::string DefaultEndpoint(std::string_view region);

}  // namespace awslab::client::ec2

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_EC2_H_
