// EC2's resources as records: what is stored per account and region. State
// that depends on time (an instance's state, a volume's) is not stored: it
// is computed from the last action and the simulation clock when read (see
// lifecycle.h), so moving the clock needs no timers.
#ifndef AWSLAB_EMULATOR_EC2_MODEL_H_
#define AWSLAB_EMULATOR_EC2_MODEL_H_

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emulator/base/clock.h"

namespace awslab::ec2 {

using Tags = std::vector<std::pair<std::string, std::string>>;

// What the user last asked of an instance; the state follows from it.
enum class Action { kStart, kStop, kTerminate };

// One state change the user asked for, kept for billing and history.
struct Event {
  Action action = Action::kStart;
  TimePoint at;
  // For a start: the instance type it ran as (the type can change only while
  // stopped). Empty in records written before billing: the current type.
  std::string instance_type;
};

struct BlockDevice {
  std::string device_name;  // "/dev/xvda"
  std::string volume_id;
  bool delete_on_termination = true;
  TimePoint attach_time;
};

struct Instance {
  std::string id;              // "i-0123456789abcdef0"
  std::string reservation_id;  // "r-..."
  std::string image_id;
  std::string instance_type;
  std::string key_name;
  std::string zone;
  std::string subnet_id;
  std::string vpc_id;
  std::string private_ip;
  std::string public_ip;  // the last one given at a start; empty when none
  std::vector<std::string> group_ids;
  std::vector<BlockDevice> devices;
  std::string user_data;  // base64, as given
  std::string client_token;
  int launch_index = 0;
  Tags tags;
  // Spot: "one-time" or "persistent"; empty for on-demand.
  std::string spot_type;
  std::string spot_request_id;
  std::string spot_max_price;
  TimePoint launch_time;  // of the last start, as AWS reports LaunchTime
  Action action = Action::kStart;
  TimePoint action_at;
  bool forced_stop = false;
  std::vector<Event> history;
};

struct KeyPair {
  std::string id;  // "key-..."
  std::string name;
  std::string type;  // "rsa" / "ed25519"
  std::string fingerprint;
  std::string public_key;  // OpenSSH line
  TimePoint created;
  Tags tags;
};

struct IpPermission {
  std::string protocol;  // "tcp", "udp", "icmp", "-1"
  int from_port = -1;
  int to_port = -1;
  std::vector<std::string> cidrs;        // IPv4 ranges
  std::vector<std::string> cidrs_v6;     // IPv6 ranges
  std::vector<std::string> group_ids;    // source security groups
  std::vector<std::string> descriptions; // per cidr, parallel to cidrs (may be shorter)
};

struct SecurityGroup {
  std::string id;  // "sg-..."
  std::string name;
  std::string description;
  std::string vpc_id;
  std::vector<IpPermission> ingress;
  std::vector<IpPermission> egress;
  Tags tags;
};

// One association of an Elastic IP with an instance, for billing.
struct AddressUse {
  std::string instance_id;
  TimePoint from;
  std::optional<TimePoint> to;  // absent while associated
};

struct Address {
  std::string allocation_id;  // "eipalloc-..."
  std::string public_ip;
  std::string association_id;  // "eipassoc-..."; empty when not associated
  std::string instance_id;
  TimePoint allocated;
  TimePoint associated;
  Tags tags;
  std::vector<AddressUse> uses;
  // Set when released: hidden from then on, kept for billing.
  std::optional<TimePoint> released_at;
};

struct Volume {
  std::string id;  // "vol-..."
  std::string zone;
  int size_gib = 8;
  std::string type = "gp2";
  std::string snapshot_id;
  int iops = 100;
  TimePoint created;
  std::string instance_id;  // attached to; empty when not
  std::string device;
  TimePoint attach_time;
  bool delete_on_termination = false;
  // Set when the volume goes away (deleted, or its instance terminated with
  // DeleteOnTermination): hidden from then on.
  std::optional<TimePoint> deleted_at;
  Tags tags;
};

// A Spot Instance request: made by RequestSpotInstances, or by RunInstances
// with InstanceMarketOptions (one per instance). Its state and status are not
// stored: they follow from the request, its instance and the clock (spot.h).
struct SpotRequest {
  std::string id;          // "sir-" + 8 hex digits
  std::string type = "one-time";  // or "persistent"
  std::string max_price;   // as given ("0.05"); empty: the on-demand price
  std::string image_id;
  std::string instance_type;
  std::string key_name;
  std::string zone;        // asked for (Placement.AvailabilityZone); may be empty
  std::vector<std::string> group_ids;
  std::string interruption_behavior = "terminate";
  TimePoint created;
  // The instance that fulfilled it; empty while open.
  std::string instance_id;
  // Why it is open: the spot price (formatted) it was below when made; empty
  // when it was fulfilled at once.
  std::string too_low_for;
  std::optional<TimePoint> cancelled_at;
  Tags tags;
};

boost::json::value ToJson(const Instance& i);
boost::json::value ToJson(const KeyPair& k);
boost::json::value ToJson(const SecurityGroup& g);
boost::json::value ToJson(const Address& a);
boost::json::value ToJson(const Volume& v);
// False when the value is not a record of that kind.
bool FromJson(const boost::json::value& v, Instance& out);
bool FromJson(const boost::json::value& v, KeyPair& out);
bool FromJson(const boost::json::value& v, SecurityGroup& out);
bool FromJson(const boost::json::value& v, Address& out);
bool FromJson(const boost::json::value& v, Volume& out);
boost::json::value ToJson(const SpotRequest& r);
bool FromJson(const boost::json::value& v, SpotRequest& out);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_MODEL_H_
