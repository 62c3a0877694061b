// The EC2 model: every resource of every account and region, kept in memory
// and written through to LevelDB (one batch per operation, so a crash keeps
// an operation whole or not at all). Loaded at start: EC2's state is small
// next to S3's, and DescribeInstances then filters in memory.
//
// Memory holds what EC2 shows: a terminated instance leaves it once it is no
// longer visible (an hour after termination, Timings::terminated_visible), a
// deleted volume or a released address at once. Their records stay in
// LevelDB, where billing (AllRecords) reads every record, so memory follows
// what is live, not everything ever launched.
//
// Accounts and regions isolate: every call names its Scope and sees only it.
//
// Thread-safety: every method may be called from any thread; one mutex
// orders them (EC2 calls are few next to S3's).
#ifndef AWSLAB_EMULATOR_EC2_EC2_STORE_H_
#define AWSLAB_EMULATOR_EC2_EC2_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/base/rules.h"
#include "emulator/ec2/catalog.h"
#include "emulator/ec2/lifecycle.h"
#include "emulator/ec2/model.h"
#include "emulator/storage/storage.h"

namespace awslab::ec2 {

struct Scope {
  std::string account_id;
  std::string region;
};

struct Ec2Options {
  Timings timings;
  Rules rules = Rules::kClassic;
  // Instances not terminated, per account and region ("You have requested
  // more instances (n) than your current instance limit of 20 allows").
  int instance_limit = 20;
  int address_limit = 5;  // Elastic IPs per region
};

struct DeviceSpec {
  std::string device_name;
  std::optional<int> size_gib;
  std::string volume_type;
  std::optional<bool> delete_on_termination;
  bool no_device = false;
};

struct RunRequest {
  std::string image_id;
  std::string instance_type = "m1.small";
  std::string key_name;
  int min_count = 1;
  int max_count = 1;
  std::vector<std::string> group_ids;
  std::vector<std::string> group_names;
  std::string subnet_id;
  std::string zone;
  std::string user_data;
  std::string client_token;
  Tags instance_tags;
  Tags volume_tags;
  bool spot = false;
  std::string spot_type = "one-time";  // or "persistent"
  std::string spot_max_price;
  std::string spot_interruption = "terminate";
  // TagSpecification for "spot-instances-request".
  Tags spot_request_tags;
  std::vector<DeviceSpec> devices;
};

struct StateChange {
  std::string instance_id;
  State previous = State::kPending;
  State current = State::kPending;
};

// The default VPC and its subnets, one per zone (computed, not stored).
struct Subnet {
  std::string id;
  std::string zone;
  std::string cidr;  // "172.31.0.0/20"
};

// Hourly prices of an instance type, in nano-dollars (billing's units).
struct SpotQuote {
  std::int64_t on_demand = 0;
  std::int64_t spot = 0;
};

class Ec2Store {
 public:
  Ec2Store(storage::Storage& storage, const Clock& clock, Ec2Options options);

  // Reads every stored EC2 record. Returns the latest time any record names
  // (for the clock: time never runs back behind it).
  Result<TimePoint> Load();

  TimePoint Now() const { return clock_.Now(); }
  const Ec2Options& options() const { return options_; }

  // The default VPC and subnets of a scope.
  std::string DefaultVpc(const Scope& scope) const;
  std::vector<Subnet> Subnets(const Scope& scope) const;

  // Instances.
  Result<std::vector<Instance>> RunInstances(const Scope& scope, const RunRequest& request,
                                             bool dry_run);
  // Every visible instance, in launch order.
  std::vector<Instance> Instances(const Scope& scope) const;
  // Errors: InvalidInstanceID.NotFound / .Malformed for any unknown id.
  Result<std::vector<Instance>> FindInstances(const Scope& scope,
                                              const std::vector<std::string>& ids) const;
  Result<std::vector<StateChange>> StartInstances(const Scope& scope,
                                                  const std::vector<std::string>& ids,
                                                  bool dry_run);
  Result<std::vector<StateChange>> StopInstances(const Scope& scope,
                                                 const std::vector<std::string>& ids, bool force,
                                                 bool dry_run);
  Result<std::vector<StateChange>> TerminateInstances(const Scope& scope,
                                                      const std::vector<std::string>& ids,
                                                      bool dry_run);
  Status RebootInstances(const Scope& scope, const std::vector<std::string>& ids, bool dry_run);
  Status ModifyInstanceType(const Scope& scope, const std::string& id, const std::string& type,
                            bool dry_run);
  // The instance's public address now: its Elastic IP, else the address of
  // its current start while pending or running.
  std::string PublicIpOf(const Scope& scope, const Instance& i) const;

  // Spot Instance requests. A spot launch (RunInstances with `spot`) makes
  // one fulfilled request per instance. OpenSpotRequests records `count`
  // requests that are not fulfilled: their price was below the spot price
  // `too_low_for`; `request` is checked as RunInstances would check it.
  Result<std::vector<SpotRequest>> OpenSpotRequests(const Scope& scope, const RunRequest& request,
                                                    int count, const std::string& too_low_for,
                                                    bool dry_run);
  // What an instance type costs on demand and as spot (set by the server
  // from the billing prices); nullopt for an unknown type or when unset.
  void set_prices(std::function<std::optional<SpotQuote>(std::string_view type)> prices) {
    prices_ = std::move(prices);
  }
  std::optional<SpotQuote> PricesOf(std::string_view type) const {
    return prices_ ? prices_(type) : std::nullopt;
  }
  // Every visible request, in creation order. A request leaves with its
  // instance (when the instance stops being shown); a cancelled one that
  // launched nothing four hours after it was cancelled.
  std::vector<SpotRequest> SpotRequests(const Scope& scope) const;
  // Errors: InvalidSpotInstanceRequestID.NotFound / .Malformed for any unknown id.
  Result<std::vector<SpotRequest>> FindSpotRequests(const Scope& scope,
                                                    const std::vector<std::string>& ids) const;
  // Cancels the requests (their instances keep running, as in AWS).
  Result<std::vector<SpotRequest>> CancelSpotRequests(const Scope& scope,
                                                      const std::vector<std::string>& ids,
                                                      bool dry_run);

  // Key pairs.
  Result<KeyPair> AddKeyPair(const Scope& scope, KeyPair key, bool dry_run);
  std::vector<KeyPair> KeyPairs(const Scope& scope) const;
  // Deleting an absent key succeeds, as in AWS.
  Status DeleteKeyPair(const Scope& scope, const std::string& name, const std::string& id,
                       bool dry_run);

  // Security groups.
  Result<SecurityGroup> CreateSecurityGroup(const Scope& scope, const std::string& name,
                                            const std::string& description,
                                            const std::string& vpc_id, const Tags& tags,
                                            bool dry_run);
  std::vector<SecurityGroup> SecurityGroups(const Scope& scope) const;
  // By id, else by name; errors InvalidGroup.NotFound.
  Result<SecurityGroup> FindSecurityGroup(const Scope& scope, const std::string& id,
                                          const std::string& name) const;
  Status DeleteSecurityGroup(const Scope& scope, const std::string& id, const std::string& name,
                             bool dry_run);
  // Adds (or removes) the permissions to the group's ingress (or egress).
  // Errors: InvalidPermission.Duplicate / .NotFound, InvalidGroup.NotFound.
  Status ChangePermissions(const Scope& scope, const std::string& id, const std::string& name,
                           bool egress, bool add, const std::vector<IpPermission>& permissions,
                           bool dry_run);

  // Elastic IPs.
  Result<Address> AllocateAddress(const Scope& scope, const Tags& tags, bool dry_run);
  std::vector<Address> Addresses(const Scope& scope) const;
  Result<Address> AssociateAddress(const Scope& scope, const std::string& allocation_id,
                                   const std::string& public_ip, const std::string& instance_id,
                                   bool allow_reassociation, bool dry_run);
  Status DisassociateAddress(const Scope& scope, const std::string& association_id,
                             const std::string& public_ip, bool dry_run);
  Status ReleaseAddress(const Scope& scope, const std::string& allocation_id,
                        const std::string& public_ip, bool dry_run);

  // Volumes.
  Result<Volume> CreateVolume(const Scope& scope, Volume volume, bool dry_run);
  std::vector<Volume> Volumes(const Scope& scope) const;
  Result<Volume> AttachVolume(const Scope& scope, const std::string& volume_id,
                              const std::string& instance_id, const std::string& device,
                              bool dry_run);
  Result<Volume> DetachVolume(const Scope& scope, const std::string& volume_id,
                              const std::string& instance_id, bool force, bool dry_run);
  Status DeleteVolume(const Scope& scope, const std::string& volume_id, bool dry_run);
  // "creating", "available", "in-use".
  std::string VolumeState(const Volume& v) const;

  // Tags on any resource of the scope, by id.
  Status CreateTags(const Scope& scope, const std::vector<std::string>& ids, const Tags& tags,
                    bool dry_run);
  // A tag with an empty value in `tags` removes the key whatever its value;
  // with `has_value` the value must match.
  struct TagSpec {
    std::string key;
    std::string value;
    bool has_value = false;
  };
  Status DeleteTags(const Scope& scope, const std::vector<std::string>& ids,
                    const std::vector<TagSpec>& tags, bool dry_run);
  struct TagRow {
    std::string resource_id;
    std::string resource_type;  // "instance", "volume", ...
    std::string key;
    std::string value;
  };
  std::vector<TagRow> AllTags(const Scope& scope) const;

  // Every record of every scope of `account_id` (every account when empty),
  // hidden ones included (terminated instances, deleted volumes, released
  // addresses): what billing reads. Read from LevelDB, one snapshot.
  struct ScopeRecords {
    Scope scope;
    std::vector<Instance> instances;
    std::vector<Volume> volumes;
    std::vector<Address> addresses;
  };
  std::vector<ScopeRecords> AllRecords(std::string_view account_id) const;

  // Instances, volumes and addresses held in memory, every scope (for tests
  // and the load test: memory follows what is visible).
  std::size_t ResidentRecords() const;

 private:
  struct RegionState {
    std::map<std::string, Instance> instances;
    std::map<std::string, KeyPair> key_pairs;  // by name
    std::map<std::string, SecurityGroup> groups;
    std::map<std::string, Address> addresses;  // by allocation id
    std::map<std::string, Volume> volumes;
    std::map<std::string, SpotRequest> spot_requests;
    // When terminated instances and volumes deleted with them stop being
    // visible: then they leave memory (Expire).
    std::multimap<TimePoint, std::string> expiring;
    bool has_default_group = false;
  };
  class Batch;

  // The scope's state, its default group made and what has expired dropped.
  RegionState& StateOf(const Scope& scope, Batch& batch);
  // Drops from memory the instances and volumes no longer visible at `now`.
  void Expire(RegionState& state, TimePoint now);
  // Queues a terminated instance (or a volume deleted with it) for Expire.
  void ExpireLater(RegionState& state, const Instance& i);
  // The instances an earlier RunInstances with this client token launched,
  // from memory or, when they have left it, from LevelDB.
  Result<std::vector<Instance>> ByClientToken(const Scope& scope, const RegionState& state,
                                              const std::string& token) const;
  const RegionState* FindState(const Scope& scope) const;
  static std::string ScopeKey(const Scope& scope);
  Result<Instance*> FindLive(RegionState& state, const std::string& id);
  static std::set<std::string> UsedPublicIps(const RegionState& state);
  std::set<std::string> UsedPrivateIps(const RegionState& state,
                                       const std::string& subnet_id) const;
  // A fresh address, added to `used`.
  static std::string NewPublicIp(std::set<std::string>& used);
  static std::string NewPrivateIp(std::set<std::string>& used, const Subnet& subnet);
  void ReleasePublicIp(RegionState& state, Instance& i);
  // Closes the address's open association, if any, at `now`.
  static void EndUse(Address& a, TimePoint now);

  storage::Storage& storage_;
  const Clock& clock_;
  const Ec2Options options_;
  mutable std::mutex mu_;
  std::map<std::string, RegionState> regions_;  // guarded by mu_
  std::function<std::optional<SpotQuote>(std::string_view)> prices_;
};

// "i-" + 17 lowercase hex digits, as EC2's ids since 2016.
std::string NewResourceId(std::string_view prefix);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_EC2_STORE_H_
