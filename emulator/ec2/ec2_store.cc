#include "emulator/ec2/ec2_store.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <functional>
#include <set>
#include <tuple>

#include "client/include/awslab/crypto.h"
#include "emulator/storage/key_schema.h"

namespace awslab::ec2 {
namespace json = boost::json;

namespace {

constexpr std::string_view kInstanceKind = "instance";
constexpr std::string_view kKeyPairKind = "key-pair";
constexpr std::string_view kGroupKind = "group";
constexpr std::string_view kAddressKind = "address";
constexpr std::string_view kVolumeKind = "volume";
constexpr std::string_view kSpotRequestKind = "spot-request";
// "Spot Instance requests ... are deleted four hours after they are closed or
// cancelled" (here: those that launched nothing; the others leave with their
// instance).
constexpr auto kCancelledSpotVisible = std::chrono::hours(4);
// A client token's instance ids (a JSON array): RunInstances stays idempotent
// after the instances have left memory.
constexpr std::string_view kClientTokenKind = "client-token";
// Addresses of a default subnet (a /20) that instances can have.
constexpr int kSubnetHosts = 4091;

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

// 17 hex digits from a hash of the parts: ids of the default VPC, subnets
// and security group are the same each time they are computed.
std::string StableHex(std::initializer_list<std::string_view> parts) {
  std::string joined;
  for (std::string_view p : parts) {
    joined.append(p);
    joined.push_back('/');
  }
  return crypto::Sha256Hex(joined).substr(0, 17);
}

Error NotFound(ErrorCode code, std::string_view what, const std::string& id) {
  return MakeError(code, "The " + std::string(what) + " '" + id + "' does not exist");
}

bool HasPrefixId(std::string_view id, std::string_view prefix) {
  if (!id.starts_with(prefix)) return false;
  std::string_view hex = id.substr(prefix.size());
  if (hex.size() != 8 && hex.size() != 17) return false;
  return std::all_of(hex.begin(), hex.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

std::string IpString(std::uint32_t ip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255,
                ip & 255);
  return buf;
}

std::string InstanceStateError(const std::string& id, std::string_view verb) {
  return "The instance '" + id + "' is not in a state from which it can be " + std::string(verb) +
         ".";
}

// A spot request for what `req` launches.
SpotRequest SpotRequestFor(const RunRequest& req, const std::vector<std::string>& groups,
                           TimePoint now) {
  SpotRequest r;
  r.type = req.spot_type;
  r.max_price = req.spot_max_price;
  r.image_id = req.image_id;
  r.instance_type = req.instance_type;
  r.key_name = req.key_name;
  r.group_ids = groups;
  r.interruption_behavior = req.spot_interruption;
  r.created = now;
  r.tags = req.spot_request_tags;
  return r;
}

}  // namespace

std::string NewResourceId(std::string_view prefix) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(prefix);
  std::uint64_t bits = Rng()();
  for (int i = 0; i < 16; ++i, bits >>= 4) out += kHex[bits & 15];
  out += kHex[Rng()() & 15];
  return out;
}

// The records one operation changes, written in one LevelDB batch.
class Ec2Store::Batch {
 public:
  explicit Batch(const Scope& scope) : scope_(scope) {}
  template <class T>
  void Put(std::string_view kind, const std::string& id, const T& record) {
    batch_.Put(storage::keys::Ec2(scope_.account_id, scope_.region, kind, id),
               json::serialize(ToJson(record)));
    ++count_;
  }
  void PutJson(std::string_view kind, const std::string& id, const json::value& v) {
    batch_.Put(storage::keys::Ec2(scope_.account_id, scope_.region, kind, id), json::serialize(v));
    ++count_;
  }
  void Delete(std::string_view kind, const std::string& id) {
    batch_.Delete(storage::keys::Ec2(scope_.account_id, scope_.region, kind, id));
    ++count_;
  }
  Status Commit(storage::Storage& storage) {
    if (count_ == 0) return Ok();
    return storage.Write(batch_);
  }

 private:
  const Scope& scope_;
  leveldb::WriteBatch batch_;
  int count_ = 0;
};

Ec2Store::Ec2Store(storage::Storage& storage, const Clock& clock, Ec2Options options)
    : storage_(storage), clock_(clock), options_(std::move(options)) {}

std::string Ec2Store::ScopeKey(const Scope& scope) {
  return scope.account_id + "/" + scope.region;
}

Result<TimePoint> Ec2Store::Load() {
  std::lock_guard lock(mu_);
  TimePoint latest{};
  // Before the clock is moved up to `latest`: what counts as gone now stays
  // gone then.
  const TimePoint now = clock_.Now();
  // Client tokens with an index record, and those of instances (records
  // written before the index existed get one).
  std::set<std::pair<std::string, std::string>> indexed;
  // (scope, token) -> (launch index, id)
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<int, std::string>>>
      token_ids;
  auto it = storage_.NewIterator();
  for (it->Seek(leveldb::Slice(storage::keys::kEc2Prefix.data(),
                               storage::keys::kEc2Prefix.size()));
       it->Valid() && it->key().starts_with(leveldb::Slice("e/")); it->Next()) {
    std::string key = it->key().ToString();
    // e/<account>/<region>/<kind>/<id>
    std::vector<std::string> parts;
    std::size_t start = 2;
    for (int n = 0; n < 3; ++n) {
      std::size_t slash = key.find('/', start);
      if (slash == key.npos) break;
      parts.push_back(key.substr(start, slash - start));
      start = slash + 1;
    }
    if (parts.size() != 3) continue;
    std::string id = key.substr(start);
    boost::system::error_code ec;
    json::value v = json::parse(it->value().ToString(), ec);
    if (ec) return MakeError(ErrorCode::kInternalError, "corrupt EC2 record " + key);
    RegionState& state = regions_[parts[0] + "/" + parts[1]];
    const std::string& kind = parts[2];
    bool ok = true;
    const std::string scope_key = parts[0] + "/" + parts[1];
    if (kind == kInstanceKind) {
      Instance i;
      ok = FromJson(v, i);
      latest = std::max(latest, i.action_at);
      if (ok && !i.client_token.empty())
        token_ids[{scope_key, i.client_token}].emplace_back(i.launch_index, i.id);
      if (ok && !Gone(i, now, options_.timings)) {
        if (i.action == Action::kTerminate) ExpireLater(state, i);
        state.instances[id] = std::move(i);
      }
    } else if (kind == kClientTokenKind) {
      indexed.insert({scope_key, id});
      ok = v.is_array();
    } else if (kind == kKeyPairKind) {
      KeyPair k;
      ok = FromJson(v, k);
      latest = std::max(latest, k.created);
      state.key_pairs[id] = std::move(k);
    } else if (kind == kGroupKind) {
      SecurityGroup g;
      ok = FromJson(v, g);
      if (g.name == "default") state.has_default_group = true;
      state.groups[id] = std::move(g);
    } else if (kind == kAddressKind) {
      Address a;
      ok = FromJson(v, a);
      latest = std::max({latest, a.allocated, a.associated, a.released_at.value_or(latest)});
      if (!a.released_at) state.addresses[id] = std::move(a);
    } else if (kind == kSpotRequestKind) {
      SpotRequest r;
      ok = FromJson(v, r);
      latest = std::max({latest, r.created, r.cancelled_at.value_or(latest)});
      // Instances sort before spot requests: one whose instance is gone is gone too.
      if (ok && !r.instance_id.empty() && !state.instances.count(r.instance_id)) continue;
      if (ok && r.instance_id.empty() && r.cancelled_at) {
        if (now >= *r.cancelled_at + kCancelledSpotVisible) continue;
        state.expiring.emplace(*r.cancelled_at + kCancelledSpotVisible, id);
      }
      state.spot_requests[id] = std::move(r);
    } else if (kind == kVolumeKind) {
      Volume vol;
      ok = FromJson(v, vol);
      latest = std::max(latest, vol.created);
      if (ok && vol.deleted_at && now >= *vol.deleted_at) continue;
      if (vol.deleted_at) state.expiring.emplace(*vol.deleted_at, id);
      state.volumes[id] = std::move(vol);
    }
    if (!ok) return MakeError(ErrorCode::kInternalError, "corrupt EC2 record " + key);
  }
  it.reset();
  leveldb::WriteBatch index;
  for (auto& [scope_token, launched] : token_ids) {
    if (indexed.count(scope_token)) continue;
    std::sort(launched.begin(), launched.end());  // launch order, as RunInstances answered
    json::array ids;
    for (const auto& [n, id] : launched) ids.push_back(json::value(id));
    const std::string& scope_key = scope_token.first;
    const std::size_t slash = scope_key.find('/');
    index.Put(storage::keys::Ec2(scope_key.substr(0, slash), scope_key.substr(slash + 1),
                                 kClientTokenKind, scope_token.second),
              json::serialize(ids));
  }
  if (index.ApproximateSize() > leveldb::WriteBatch().ApproximateSize())
    if (auto st = storage_.Write(index); !st) return st.error();
  return latest;
}

std::string Ec2Store::DefaultVpc(const Scope& scope) const {
  return "vpc-" + StableHex({scope.account_id, scope.region, "vpc"}).substr(0, 8);
}

std::vector<Subnet> Ec2Store::Subnets(const Scope& scope) const {
  std::vector<Subnet> out;
  int n = 0;
  for (const AvailabilityZone* zone : ZonesOf(scope.region)) {
    out.push_back({"subnet-" + StableHex({scope.account_id, scope.region, zone->name}),
                   std::string(zone->name), "172.31." + std::to_string(16 * n) + ".0/20"});
    ++n;
  }
  return out;
}

void Ec2Store::ExpireLater(RegionState& state, const Instance& i) {
  const Timings& t = options_.timings;
  state.expiring.emplace(i.action_at + t.shutting_down + t.terminated_visible, i.id);
}

void Ec2Store::Expire(RegionState& state, TimePoint now) {
  while (!state.expiring.empty() && state.expiring.begin()->first <= now) {
    const std::string id = state.expiring.begin()->second;
    state.expiring.erase(state.expiring.begin());
    if (auto i = state.instances.find(id); i != state.instances.end()) {
      if (Gone(i->second, now, options_.timings)) {
        state.instances.erase(i);
        std::erase_if(state.spot_requests,
                      [&](const auto& r) { return r.second.instance_id == id; });
      }
    } else if (auto r = state.spot_requests.find(id); r != state.spot_requests.end()) {
      state.spot_requests.erase(r);
    } else if (auto v = state.volumes.find(id); v != state.volumes.end()) {
      if (v->second.deleted_at && now >= *v->second.deleted_at) state.volumes.erase(v);
    }
  }
}

Result<std::vector<Instance>> Ec2Store::ByClientToken(const Scope& scope,
                                                      const RegionState& state,
                                                      const std::string& token) const {
  std::vector<Instance> out;
  auto ids = storage_.Get(
      storage::keys::Ec2(scope.account_id, scope.region, kClientTokenKind, token));
  if (!ids) return ids.error();
  if (!*ids) return out;
  boost::system::error_code ec;
  json::value list = json::parse(**ids, ec);
  if (ec || !list.is_array())
    return MakeError(ErrorCode::kInternalError, "corrupt EC2 client-token record " + token);
  for (const json::value& idv : list.as_array()) {
    if (!idv.is_string()) continue;
    const std::string id(idv.as_string());
    if (auto it = state.instances.find(id); it != state.instances.end()) {
      out.push_back(it->second);
      continue;
    }
    auto record = storage_.Get(storage::keys::Ec2(scope.account_id, scope.region, kInstanceKind, id));
    if (!record) return record.error();
    if (!*record) continue;
    Instance i;
    json::value v = json::parse(**record, ec);
    if (ec || !FromJson(v, i))
      return MakeError(ErrorCode::kInternalError, "corrupt EC2 record for " + id);
    out.push_back(std::move(i));
  }
  return out;
}

Ec2Store::RegionState& Ec2Store::StateOf(const Scope& scope, Batch& batch) {
  RegionState& state = regions_[ScopeKey(scope)];
  Expire(state, clock_.Now());
  if (!state.has_default_group) {
    // "Your default VPC comes with a default security group": all traffic in
    // from members of the group itself, all traffic out.
    SecurityGroup g;
    g.id = "sg-" + StableHex({scope.account_id, scope.region, "default-sg"});
    g.name = "default";
    g.description = "default VPC security group";
    g.vpc_id = DefaultVpc(scope);
    IpPermission self;
    self.protocol = "-1";
    self.group_ids = {g.id};
    g.ingress.push_back(self);
    IpPermission out;
    out.protocol = "-1";
    out.cidrs = {"0.0.0.0/0"};
    g.egress.push_back(out);
    batch.Put(kGroupKind, g.id, g);
    state.groups[g.id] = std::move(g);
    state.has_default_group = true;
  }
  return state;
}

const Ec2Store::RegionState* Ec2Store::FindState(const Scope& scope) const {
  auto it = regions_.find(ScopeKey(scope));
  return it == regions_.end() ? nullptr : &it->second;
}

std::set<std::string> Ec2Store::UsedPublicIps(const RegionState& state) {
  std::set<std::string> used;
  for (const auto& [id, i] : state.instances) used.insert(i.public_ip);
  for (const auto& [id, a] : state.addresses) used.insert(a.public_ip);
  return used;
}

std::string Ec2Store::NewPublicIp(std::set<std::string>& used) {
  // Public ranges AWS hands out in us-east-1 (54.160.0.0/11, 3.80.0.0/12,
  // ...); one address never serves two resources of a region at once.
  static constexpr std::uint32_t kBases[] = {(54u << 24) | (160u << 16), (3u << 24) | (80u << 16),
                                            (18u << 24) | (204u << 16)};
  for (;;) {
    std::uint64_t r = Rng()();
    std::uint32_t ip = kBases[r % 3] | static_cast<std::uint32_t>((r >> 8) & 0xffff);
    if ((ip & 255) == 0 || (ip & 255) == 255) continue;
    std::string s = IpString(ip);
    if (used.insert(s).second) return s;
  }
}

std::set<std::string> Ec2Store::UsedPrivateIps(const RegionState& state,
                                               const std::string& subnet_id) const {
  std::set<std::string> used;
  const TimePoint now = clock_.Now();
  for (const auto& [id, i] : state.instances)
    if (i.subnet_id == subnet_id && StateAt(i, now, options_.timings) != State::kTerminated)
      used.insert(i.private_ip);
  return used;
}

std::string Ec2Store::NewPrivateIp(std::set<std::string>& used, const Subnet& subnet) {
  // A /20: 4,096 addresses; AWS keeps the first four and the last. The
  // caller has checked that one is free.
  unsigned third = 0;
  std::sscanf(subnet.cidr.c_str(), "172.31.%u.", &third);
  for (;;) {
    std::uint32_t host = 4 + static_cast<std::uint32_t>(Rng()() % kSubnetHosts);
    std::uint32_t ip = (172u << 24) | (31u << 16) | ((third + (host >> 8)) << 8) | (host & 255);
    std::string s = IpString(ip);
    if (used.insert(s).second) return s;
  }
}

Result<Instance*> Ec2Store::FindLive(RegionState& state, const std::string& id) {
  if (!HasPrefixId(id, "i-"))
    return MakeError(ErrorCode::kInvalidInstanceIDMalformed, "Invalid id: \"" + id + "\"");
  auto it = state.instances.find(id);
  if (it == state.instances.end() || Gone(it->second, clock_.Now(), options_.timings))
    return MakeError(ErrorCode::kInvalidInstanceIDNotFound,
                     "The instance ID '" + id + "' does not exist");
  return &it->second;
}

// ---------------------------------------------------------------------------
// Instances.

Result<std::vector<Instance>> Ec2Store::RunInstances(const Scope& scope, const RunRequest& req,
                                                     bool dry_run) {
  const TimePoint now = clock_.Now();
  if (req.min_count < 1 || req.max_count < req.min_count)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + std::to_string(req.min_count) +
                         "' for minCount. Must be between 1 and maxCount.");
  const Image* image = FindImage(scope.region, req.image_id);
  if (!image) {
    if (!HasPrefixId(req.image_id, "ami-"))
      return MakeError(ErrorCode::kInvalidAMIIDMalformed,
                       "Invalid id: \"" + req.image_id + "\" (expecting \"ami-...\")");
    return MakeError(ErrorCode::kInvalidAMIIDNotFound,
                     "The image id '[" + req.image_id + "]' does not exist");
  }
  if (!FindInstanceType(req.instance_type))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + req.instance_type + "' for InstanceType.");
  if (req.spot && req.spot_type != "one-time" && req.spot_type != "persistent")
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + req.spot_type + "' for SpotInstanceType.");

  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  // Idempotency: "If you repeat the request with the same client token, the
  // same instances are returned."
  if (!req.client_token.empty()) {
    auto same = ByClientToken(scope, state, req.client_token);
    if (!same) return same.error();
    if (!same->empty()) return std::move(*same);
  }
  if (!req.key_name.empty() && !state.key_pairs.count(req.key_name))
    return MakeError(ErrorCode::kInvalidKeyPairNotFound,
                     "The key pair '" + req.key_name + "' does not exist");
  // Placement: the subnet's zone, else the zone asked for, else the first.
  std::vector<Subnet> subnets = Subnets(scope);
  const Subnet* subnet = &subnets.front();
  if (!req.subnet_id.empty()) {
    auto it = std::find_if(subnets.begin(), subnets.end(),
                           [&](const Subnet& s) { return s.id == req.subnet_id; });
    if (it == subnets.end())
      return MakeError(ErrorCode::kInvalidSubnetIDNotFound,
                       "The subnet ID '" + req.subnet_id + "' does not exist");
    subnet = &*it;
  } else if (!req.zone.empty()) {
    auto it = std::find_if(subnets.begin(), subnets.end(),
                           [&](const Subnet& s) { return s.zone == req.zone; });
    if (it == subnets.end())
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid availability zone: [" + req.zone + "]");
    subnet = &*it;
  }
  std::vector<std::string> groups;
  for (const std::string& id : req.group_ids) {
    if (!state.groups.count(id))
      return MakeError(ErrorCode::kInvalidGroupNotFound,
                       "The security group '" + id + "' does not exist");
    groups.push_back(id);
  }
  for (const std::string& name : req.group_names) {
    auto it = std::find_if(state.groups.begin(), state.groups.end(),
                           [&](const auto& g) { return g.second.name == name; });
    if (it == state.groups.end())
      return MakeError(ErrorCode::kInvalidGroupNotFound,
                       "The security group '" + name + "' does not exist in default VPC '" +
                           DefaultVpc(scope) + "'");
    groups.push_back(it->first);
  }
  if (groups.empty())
    for (const auto& [id, g] : state.groups)
      if (g.name == "default") groups.push_back(id);

  // The root device and any other mapping. The root's size defaults to the
  // image's, and may not be smaller.
  struct Planned {
    std::string device;
    int size;
    std::string type;
    bool dot;
  };
  std::vector<Planned> planned;
  bool root_mapped = false;
  for (const DeviceSpec& d : req.devices) {
    if (d.no_device) continue;
    const bool root = d.device_name == image->root_device_name;
    root_mapped |= root;
    int size = d.size_gib.value_or(root ? image->root_volume_gib : 0);
    if (size <= 0)
      return MakeError(ErrorCode::kInvalidBlockDeviceMapping,
                       "The device '" + d.device_name + "' needs a volume size.");
    if (root && size < image->root_volume_gib)
      return MakeError(ErrorCode::kInvalidBlockDeviceMapping,
                       "Volume of size " + std::to_string(size) +
                           "GB is smaller than snapshot, expect size >= " +
                           std::to_string(image->root_volume_gib) + "GB");
    std::string type = d.volume_type.empty() ? std::string(image->root_volume_type) : d.volume_type;
    if (type != "gp2" && type != "gp3" && type != "io1" && type != "io2" && type != "st1" &&
        type != "sc1" && type != "standard")
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Value (" + type + ") for parameter volumeType is invalid.");
    planned.push_back({d.device_name, size, type, d.delete_on_termination.value_or(root)});
  }
  if (!root_mapped)
    planned.insert(planned.begin(), {std::string(image->root_device_name), image->root_volume_gib,
                                     std::string(image->root_volume_type), true});

  int live = 0;
  for (const auto& [id, i] : state.instances) {
    State s = StateAt(i, now, options_.timings);
    if (s != State::kTerminated && s != State::kShuttingDown) ++live;
  }
  int room = options_.instance_limit - live;
  if (room < req.min_count)
    return MakeError(ErrorCode::kInstanceLimitExceeded,
                     "You have requested more instances (" + std::to_string(req.min_count + live) +
                         ") than your current instance limit of " +
                         std::to_string(options_.instance_limit) +
                         " allows for the specified instance type. Please visit "
                         "http://aws.amazon.com/contact-us/ec2-request to request an adjustment "
                         "to this limit.");
  std::set<std::string> used_private = UsedPrivateIps(state, subnet->id);
  const int free_addresses = kSubnetHosts - static_cast<int>(used_private.size());
  if (free_addresses < req.min_count)
    return MakeError(ErrorCode::kInsufficientFreeAddressesInSubnet,
                     "There are not enough free addresses in subnet '" + subnet->id +
                         "' to satisfy the requested number of instances.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  const int count = std::min({req.max_count, room, free_addresses});
  std::set<std::string> used_public = UsedPublicIps(state);

  std::vector<Instance> launched;
  std::vector<SpotRequest> spot_requests;
  const std::string reservation = NewResourceId("r-");
  for (int n = 0; n < count; ++n) {
    Instance i;
    i.id = NewResourceId("i-");
    i.reservation_id = reservation;
    i.image_id = req.image_id;
    i.instance_type = req.instance_type;
    i.key_name = req.key_name;
    i.zone = subnet->zone;
    i.subnet_id = subnet->id;
    i.vpc_id = DefaultVpc(scope);
    i.private_ip = NewPrivateIp(used_private, *subnet);
    i.public_ip = NewPublicIp(used_public);
    i.group_ids = groups;
    i.user_data = req.user_data;
    i.client_token = req.client_token;
    i.launch_index = n;
    i.tags = req.instance_tags;
    if (req.spot) {
      i.spot_type = req.spot_type;
      i.spot_request_id = NewResourceId("sir-").substr(0, 12);
      i.spot_max_price = req.spot_max_price;
      SpotRequest r = SpotRequestFor(req, groups, now);
      r.id = i.spot_request_id;
      r.instance_id = i.id;
      r.zone = subnet->zone;
      batch.Put(kSpotRequestKind, r.id, r);
      spot_requests.push_back(std::move(r));
    }
    i.launch_time = now;
    i.action = Action::kStart;
    i.action_at = now;
    i.history.push_back({Action::kStart, now, i.instance_type});
    for (const Planned& p : planned) {
      Volume v;
      v.id = NewResourceId("vol-");
      v.zone = subnet->zone;
      v.size_gib = p.size;
      v.type = p.type;
      v.iops = std::max(100, std::min(16000, 3 * p.size));
      if (p.type == "gp3") v.iops = 3000;
      v.snapshot_id = p.device == image->root_device_name
                          ? "snap-" + StableHex({image->image_id, "root"})
                          : "";
      v.created = now;
      v.instance_id = i.id;
      v.device = p.device;
      v.attach_time = now;
      v.delete_on_termination = p.dot;
      v.tags = req.volume_tags;
      i.devices.push_back({p.device, v.id, p.dot, now});
      batch.Put(kVolumeKind, v.id, v);
      state.volumes[v.id] = std::move(v);
    }
    batch.Put(kInstanceKind, i.id, i);
    state.instances[i.id] = i;
    launched.push_back(std::move(i));
  }
  if (!req.client_token.empty()) {
    json::array ids;
    for (const Instance& i : launched) ids.push_back(json::value(i.id));
    batch.PutJson(kClientTokenKind, req.client_token, ids);
  }
  if (auto st = batch.Commit(storage_); !st) {
    for (const Instance& i : launched) {
      for (const BlockDevice& d : i.devices) state.volumes.erase(d.volume_id);
      state.instances.erase(i.id);
    }
    return st.error();
  }
  for (SpotRequest& r : spot_requests) state.spot_requests[r.id] = std::move(r);
  return launched;
}

Result<std::vector<SpotRequest>> Ec2Store::OpenSpotRequests(const Scope& scope,
                                                            const RunRequest& request, int count,
                                                            const std::string& too_low_for,
                                                            bool dry_run) {
  if (count < 1)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + std::to_string(count) + "' for InstanceCount.");
  // Everything RunInstances checks (image, type, key, groups, zone), without launching.
  RunRequest check = request;
  check.min_count = check.max_count = 1;
  check.client_token.clear();
  if (auto r = RunInstances(scope, check, /*dry_run=*/true);
      r || r.error().code != ErrorCode::kDryRunOperation)
    return r ? MakeError(ErrorCode::kInternalError, "spot request check launched") : r.error();
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  std::vector<std::string> groups = request.group_ids;
  for (const std::string& name : request.group_names)
    for (const auto& [id, g] : state.groups)
      if (g.name == name) groups.push_back(id);
  if (groups.empty())
    for (const auto& [id, g] : state.groups)
      if (g.name == "default") groups.push_back(id);
  std::vector<SpotRequest> out;
  for (int n = 0; n < count; ++n) {
    SpotRequest r = SpotRequestFor(request, groups, now);
    r.id = NewResourceId("sir-").substr(0, 12);
    r.zone = request.zone;
    r.too_low_for = too_low_for;
    batch.Put(kSpotRequestKind, r.id, r);
    out.push_back(std::move(r));
  }
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (const SpotRequest& r : out) state.spot_requests[r.id] = r;
  return out;
}

std::vector<SpotRequest> Ec2Store::SpotRequests(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<SpotRequest> out;
  const RegionState* state = FindState(scope);
  if (state == nullptr) return out;
  const TimePoint now = clock_.Now();
  for (const auto& [id, r] : state->spot_requests) {
    if (!r.instance_id.empty()) {
      auto i = state->instances.find(r.instance_id);
      if (i == state->instances.end() || Gone(i->second, now, options_.timings)) continue;
    } else if (r.cancelled_at && now >= *r.cancelled_at + kCancelledSpotVisible) {
      continue;
    }
    out.push_back(r);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const SpotRequest& a, const SpotRequest& b) { return a.created < b.created; });
  return out;
}

Result<std::vector<SpotRequest>> Ec2Store::FindSpotRequests(
    const Scope& scope, const std::vector<std::string>& ids) const {
  std::vector<SpotRequest> visible = SpotRequests(scope);
  std::vector<SpotRequest> out;
  for (const std::string& id : ids) {
    auto it = std::find_if(visible.begin(), visible.end(),
                           [&](const SpotRequest& r) { return r.id == id; });
    if (it == visible.end()) {
      if (!HasPrefixId(id, "sir-"))
        return MakeError(ErrorCode::kInvalidSpotInstanceRequestIDMalformed,
                         "Invalid id: \"" + id + "\" (expecting \"sir-...\")");
      return MakeError(ErrorCode::kInvalidSpotInstanceRequestIDNotFound,
                       "The spot instance request ID '" + id + "' does not exist");
    }
    out.push_back(*it);
  }
  return out;
}

Result<std::vector<SpotRequest>> Ec2Store::CancelSpotRequests(const Scope& scope,
                                                              const std::vector<std::string>& ids,
                                                              bool dry_run) {
  auto found = FindSpotRequests(scope, ids);
  if (!found) return found.error();
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  std::vector<SpotRequest> out;
  for (const SpotRequest& f : *found) {
    auto it = state.spot_requests.find(f.id);
    if (it == state.spot_requests.end()) continue;
    SpotRequest r = it->second;
    if (!r.cancelled_at) r.cancelled_at = now;
    batch.Put(kSpotRequestKind, r.id, r);
    out.push_back(std::move(r));
  }
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (const SpotRequest& r : out) {
    if (r.instance_id.empty()) state.expiring.emplace(*r.cancelled_at + kCancelledSpotVisible, r.id);
    state.spot_requests[r.id] = r;
  }
  return out;
}

std::vector<Instance> Ec2Store::Instances(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<Instance> out;
  const RegionState* state = FindState(scope);
  if (!state) return out;
  const TimePoint now = clock_.Now();
  for (const auto& [id, i] : state->instances)
    if (!Gone(i, now, options_.timings)) out.push_back(i);
  std::sort(out.begin(), out.end(), [](const Instance& a, const Instance& b) {
    if (a.history.front().at != b.history.front().at)
      return a.history.front().at < b.history.front().at;
    if (a.reservation_id != b.reservation_id) return a.reservation_id < b.reservation_id;
    return a.launch_index < b.launch_index;
  });
  return out;
}

Result<std::vector<Instance>> Ec2Store::FindInstances(const Scope& scope,
                                                      const std::vector<std::string>& ids) const {
  std::vector<Instance> out;
  std::vector<std::string> missing;
  std::lock_guard lock(mu_);
  const RegionState* state = FindState(scope);
  const TimePoint now = clock_.Now();
  for (const std::string& id : ids) {
    if (!HasPrefixId(id, "i-"))
      return MakeError(ErrorCode::kInvalidInstanceIDMalformed, "Invalid id: \"" + id + "\"");
    auto it = state ? state->instances.find(id) : decltype(state->instances.end()){};
    if (!state || it == state->instances.end() || Gone(it->second, now, options_.timings))
      missing.push_back(id);
    else
      out.push_back(it->second);
  }
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    return MakeError(ErrorCode::kInvalidInstanceIDNotFound,
                     (missing.size() == 1 ? "The instance ID '" : "The instance IDs '") + list +
                         (missing.size() == 1 ? "' does not exist" : "' do not exist"));
  }
  return out;
}

std::string Ec2Store::PublicIpOf(const Scope& scope, const Instance& i) const {
  std::lock_guard lock(mu_);
  if (const RegionState* state = FindState(scope)) {
    for (const auto& [id, a] : state->addresses)
      if (a.instance_id == i.id) return a.public_ip;
  }
  State s = StateAt(i, clock_.Now(), options_.timings);
  return s == State::kPending || s == State::kRunning ? i.public_ip : "";
}

namespace {

// Every instance named exists (and is not gone) or the whole call fails
// naming the first missing one, as EC2 does.
template <class F>
Result<std::vector<StateChange>> ChangeEach(const std::vector<std::string>& ids, F&& change) {
  std::vector<StateChange> out;
  for (const std::string& id : ids) {
    auto c = change(id);
    if (!c) return c.error();
    out.push_back(*c);
  }
  return out;
}

}  // namespace

Result<std::vector<StateChange>> Ec2Store::StartInstances(const Scope& scope,
                                                          const std::vector<std::string>& ids,
                                                          bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  std::map<std::string, Instance> changed;
  // Check all first: one impossible start fails the call and starts none.
  for (const std::string& id : ids) {
    auto i = FindLive(state, id);
    if (!i) return i.error();
    State s = StateAt(**i, now, options_.timings);
    if (s == State::kStopping || s == State::kShuttingDown || s == State::kTerminated)
      return MakeError(ErrorCode::kIncorrectInstanceState, InstanceStateError(id, "started"));
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::set<std::string> used_public = UsedPublicIps(state);
  auto result = ChangeEach(ids, [&](const std::string& id) -> Result<StateChange> {
    Instance i = changed.count(id) ? changed[id] : state.instances[id];
    State before = StateAt(i, now, options_.timings);
    if (before == State::kStopped) {
      i.action = Action::kStart;
      i.action_at = now;
      i.launch_time = now;
      i.forced_stop = false;
      i.history.push_back({Action::kStart, now, i.instance_type});
      // "When you stop and start an instance, it gets a new public IPv4
      // address" (unless an Elastic IP is associated).
      i.public_ip = NewPublicIp(used_public);
      batch.Put(kInstanceKind, id, i);
      changed[id] = i;
    }
    return StateChange{id, before, StateAt(i, now, options_.timings)};
  });
  if (!result) return result;
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (auto& [id, i] : changed) state.instances[id] = std::move(i);
  return result;
}

Result<std::vector<StateChange>> Ec2Store::StopInstances(const Scope& scope,
                                                         const std::vector<std::string>& ids,
                                                         bool force, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  for (const std::string& id : ids) {
    auto found = FindLive(state, id);
    if (!found) return found.error();
    const Instance& i = **found;
    State s = StateAt(i, now, options_.timings);
    if (s == State::kShuttingDown || s == State::kTerminated)
      return MakeError(ErrorCode::kIncorrectInstanceState, InstanceStateError(id, "stopped"));
    if (!i.spot_type.empty()) {
      // Before January 2020 no spot instance could be stopped; since, one
      // whose request is persistent can.
      if (options_.rules == Rules::kClassic)
        return MakeError(ErrorCode::kUnsupportedOperation,
                         "The instance '" + id + "' is a spot instance and cannot be stopped.");
      if (i.spot_type != "persistent")
        return MakeError(ErrorCode::kUnsupportedOperation,
                         "You can't stop the Spot Instance '" + id +
                             "' because it is associated with a one-time Spot Instance request. "
                             "You can only stop Spot Instances associated with persistent Spot "
                             "Instance requests.");
    }
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::map<std::string, Instance> changed;
  auto result = ChangeEach(ids, [&](const std::string& id) -> Result<StateChange> {
    Instance i = changed.count(id) ? changed[id] : state.instances[id];
    State before = StateAt(i, now, options_.timings);
    if (before == State::kPending || before == State::kRunning ||
        (force && before == State::kStopping)) {
      if (before != State::kStopping) {
        i.action = Action::kStop;
        i.action_at = now;
        i.history.push_back({Action::kStop, now});
      } else {
        // A forced stop ends the stopping at once.
        i.action_at = now - options_.timings.stopping;
      }
      i.forced_stop = force;
      batch.Put(kInstanceKind, id, i);
      changed[id] = i;
    }
    return StateChange{id, before, StateAt(i, now, options_.timings)};
  });
  if (!result) return result;
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (auto& [id, i] : changed) state.instances[id] = std::move(i);
  return result;
}

Result<std::vector<StateChange>> Ec2Store::TerminateInstances(const Scope& scope,
                                                              const std::vector<std::string>& ids,
                                                              bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  for (const std::string& id : ids)
    if (auto found = FindLive(state, id); !found) return found.error();
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::map<std::string, Instance> changed;
  std::map<std::string, Volume> volumes;
  std::map<std::string, Address> addresses;
  auto result = ChangeEach(ids, [&](const std::string& id) -> Result<StateChange> {
    Instance i = changed.count(id) ? changed[id] : state.instances[id];
    State before = StateAt(i, now, options_.timings);
    if (i.action != Action::kTerminate) {
      i.action = Action::kTerminate;
      i.action_at = now;
      i.history.push_back({Action::kTerminate, now});
      batch.Put(kInstanceKind, id, i);
      changed[id] = i;
      const TimePoint ended = now + options_.timings.shutting_down;
      // Volumes: "deleted when the instance terminates" when
      // DeleteOnTermination, otherwise detached and kept.
      for (auto& [vid, v] : state.volumes) {
        if (v.instance_id != id || v.deleted_at) continue;
        Volume nv = v;
        if (nv.delete_on_termination) nv.deleted_at = ended;
        else nv.instance_id.clear(), nv.device.clear();
        batch.Put(kVolumeKind, vid, nv);
        volumes[vid] = std::move(nv);
      }
      // An Elastic IP is disassociated from a terminated instance.
      for (auto& [aid, a] : state.addresses) {
        if (a.instance_id != id) continue;
        Address na = a;
        na.instance_id.clear();
        na.association_id.clear();
        EndUse(na, now);
        batch.Put(kAddressKind, aid, na);
        addresses[aid] = std::move(na);
      }
    }
    return StateChange{id, before, StateAt(i, now, options_.timings)};
  });
  if (!result) return result;
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (auto& [id, i] : changed) {
    ExpireLater(state, i);
    state.instances[id] = std::move(i);
  }
  for (auto& [id, v] : volumes) {
    if (v.deleted_at) state.expiring.emplace(*v.deleted_at, id);
    state.volumes[id] = std::move(v);
  }
  for (auto& [id, a] : addresses) state.addresses[id] = std::move(a);
  return result;
}

Status Ec2Store::RebootInstances(const Scope& scope, const std::vector<std::string>& ids,
                                 bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  for (const std::string& id : ids) {
    auto found = FindLive(state, id);
    if (!found) return found.error();
    State s = StateAt(**found, now, options_.timings);
    if (s != State::kRunning && s != State::kPending)
      return MakeError(ErrorCode::kIncorrectInstanceState, InstanceStateError(id, "rebooted"));
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  // "An instance reboot is equivalent to an operating system reboot ... the
  // instance remains on the same host": it stays running, no new hour.
  return batch.Commit(storage_);
}

Status Ec2Store::ModifyInstanceType(const Scope& scope, const std::string& id,
                                    const std::string& type, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto found = FindLive(state, id);
  if (!found) return found.error();
  if (!FindInstanceType(type))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + type + "' for InstanceType.");
  if (StateAt(**found, clock_.Now(), options_.timings) != State::kStopped)
    return MakeError(ErrorCode::kIncorrectInstanceState,
                     "The instance '" + id + "' is not in the 'stopped' state.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  Instance i = **found;
  i.instance_type = type;
  batch.Put(kInstanceKind, id, i);
  if (auto st = batch.Commit(storage_); !st) return st;
  **found = std::move(i);
  return Ok();
}

// ---------------------------------------------------------------------------
// Key pairs.

Result<KeyPair> Ec2Store::AddKeyPair(const Scope& scope, KeyPair key, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  if (state.key_pairs.count(key.name))
    return MakeError(ErrorCode::kInvalidKeyPairDuplicate,
                     "The keypair '" + key.name + "' already exists.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  key.id = NewResourceId("key-");
  key.created = clock_.Now();
  batch.Put(kKeyPairKind, key.name, key);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  state.key_pairs[key.name] = key;
  return key;
}

std::vector<KeyPair> Ec2Store::KeyPairs(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<KeyPair> out;
  if (const RegionState* state = FindState(scope))
    for (const auto& [name, k] : state->key_pairs) out.push_back(k);
  return out;
}

Status Ec2Store::DeleteKeyPair(const Scope& scope, const std::string& name, const std::string& id,
                               bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto it = state.key_pairs.end();
  if (!name.empty()) it = state.key_pairs.find(name);
  else
    it = std::find_if(state.key_pairs.begin(), state.key_pairs.end(),
                      [&](const auto& k) { return k.second.id == id; });
  if (it == state.key_pairs.end() && !id.empty())
    return NotFound(ErrorCode::kInvalidKeyPairNotFound, "key pair", id);
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  if (it == state.key_pairs.end()) return batch.Commit(storage_);
  batch.Delete(kKeyPairKind, it->first);
  if (auto st = batch.Commit(storage_); !st) return st;
  state.key_pairs.erase(it);
  return Ok();
}

// ---------------------------------------------------------------------------
// Security groups.

Result<SecurityGroup> Ec2Store::CreateSecurityGroup(const Scope& scope, const std::string& name,
                                                    const std::string& description,
                                                    const std::string& vpc_id, const Tags& tags,
                                                    bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const std::string vpc = vpc_id.empty() ? DefaultVpc(scope) : vpc_id;
  if (vpc != DefaultVpc(scope))
    return MakeError(ErrorCode::kInvalidVpcIDNotFound, "The vpc ID '" + vpc + "' does not exist");
  for (const auto& [id, g] : state.groups)
    if (g.name == name)
      return MakeError(ErrorCode::kInvalidGroupDuplicate,
                       "The security group '" + name + "' already exists for VPC '" + vpc + "'");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  SecurityGroup g;
  g.id = NewResourceId("sg-");
  g.name = name;
  g.description = description;
  g.vpc_id = vpc;
  g.tags = tags;
  // A new VPC group allows all traffic out and nothing in.
  IpPermission out;
  out.protocol = "-1";
  out.cidrs = {"0.0.0.0/0"};
  g.egress.push_back(out);
  batch.Put(kGroupKind, g.id, g);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  state.groups[g.id] = g;
  return g;
}

std::vector<SecurityGroup> Ec2Store::SecurityGroups(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<SecurityGroup> out;
  // Every region has its default group, even before anything else is made.
  auto& self = const_cast<Ec2Store&>(*this);
  Batch batch(scope);
  RegionState& state = self.StateOf(scope, batch);
  (void)batch.Commit(storage_);
  for (const auto& [id, g] : state.groups) out.push_back(g);
  return out;
}

namespace {

// By id, else by name; the caller holds the store's lock.
Result<SecurityGroup> FindGroupIn(const std::map<std::string, SecurityGroup>& groups,
                                  const std::string& id, const std::string& name,
                                  const std::string& default_vpc) {
  for (const auto& [gid, g] : groups)
    if ((!id.empty() && g.id == id) || (id.empty() && g.name == name)) return g;
  if (!id.empty() && !HasPrefixId(id, "sg-"))
    return MakeError(ErrorCode::kInvalidGroupIdMalformed,
                     "Invalid id: \"" + id + "\" (expecting \"sg-...\")");
  if (!id.empty())
    return MakeError(ErrorCode::kInvalidGroupNotFound,
                     "The security group '" + id + "' does not exist");
  return MakeError(ErrorCode::kInvalidGroupNotFound,
                   "The security group '" + name + "' does not exist in default VPC '" +
                       default_vpc + "'");
}

}  // namespace

Result<SecurityGroup> Ec2Store::FindSecurityGroup(const Scope& scope, const std::string& id,
                                                  const std::string& name) const {
  std::lock_guard lock(mu_);
  // Every region has its default group, even before anything else is made.
  auto& self = const_cast<Ec2Store&>(*this);
  Batch batch(scope);
  RegionState& state = self.StateOf(scope, batch);
  (void)batch.Commit(storage_);
  return FindGroupIn(state.groups, id, name, DefaultVpc(scope));
}

Status Ec2Store::DeleteSecurityGroup(const Scope& scope, const std::string& id,
                                     const std::string& name, bool dry_run) {
  auto found = FindSecurityGroup(scope, id, name);
  if (!found) return found.error();
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  if (found->name == "default")
    return MakeError(ErrorCode::kCannotDelete,
                     "the specified group: \"" + found->id + "\" name: \"default\" cannot be "
                     "deleted by a user");
  const TimePoint now = clock_.Now();
  for (const auto& [iid, i] : state.instances) {
    if (StateAt(i, now, options_.timings) == State::kTerminated) continue;
    if (std::count(i.group_ids.begin(), i.group_ids.end(), found->id))
      return MakeError(ErrorCode::kDependencyViolation,
                       "resource " + found->id + " has a dependent object");
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  batch.Delete(kGroupKind, found->id);
  if (auto st = batch.Commit(storage_); !st) return st;
  state.groups.erase(found->id);
  return Ok();
}

namespace {

std::string RuleText(const IpPermission& p, const std::string& peer) {
  std::string proto = p.protocol == "-1" ? "ALL" : p.protocol;
  for (char& c : proto) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return "peer: " + peer + ", " + proto + ", from port: " + std::to_string(p.from_port) +
         ", to port: " + std::to_string(p.to_port) + ", ALLOW";
}

bool SameRange(const IpPermission& a, const IpPermission& b) {
  return a.protocol == b.protocol && a.from_port == b.from_port && a.to_port == b.to_port;
}

// Adds or removes the peers of `p` in `rules`; the error names the first
// duplicate (adding) or missing (removing) peer.
Status Apply(std::vector<IpPermission>& rules, const IpPermission& p, bool add) {
  auto it = std::find_if(rules.begin(), rules.end(),
                         [&](const IpPermission& r) { return SameRange(r, p); });
  auto change = [&](std::vector<std::string> IpPermission::*list,
                    const std::vector<std::string>& peers) -> Status {
    for (std::size_t n = 0; n < peers.size(); ++n) {
      const std::string& peer = peers[n];
      bool present = it != rules.end() &&
                     std::count(((*it).*list).begin(), ((*it).*list).end(), peer) > 0;
      if (add && present)
        return MakeError(ErrorCode::kInvalidPermissionDuplicate,
                         "the specified rule \"" + RuleText(p, peer) + "\" already exists");
      if (!add && !present)
        return MakeError(ErrorCode::kInvalidPermissionNotFound,
                         "The specified rule does not exist in this security group.");
      if (add) {
        if (it == rules.end()) {
          IpPermission fresh = p;
          fresh.cidrs.clear(), fresh.cidrs_v6.clear(), fresh.group_ids.clear();
          fresh.descriptions.clear();
          rules.push_back(std::move(fresh));
          it = rules.end() - 1;
        }
        ((*it).*list).push_back(peer);
        if (list == &IpPermission::cidrs) {
          it->descriptions.resize(it->cidrs.size() - 1);
          it->descriptions.push_back(n < p.descriptions.size() ? p.descriptions[n] : "");
        }
      } else {
        auto& l = (*it).*list;
        auto pos = std::find(l.begin(), l.end(), peer);
        if (list == &IpPermission::cidrs && it->descriptions.size() > std::size_t(pos - l.begin()))
          it->descriptions.erase(it->descriptions.begin() + (pos - l.begin()));
        l.erase(pos);
      }
    }
    return Ok();
  };
  if (auto st = change(&IpPermission::cidrs, p.cidrs); !st) return st;
  if (auto st = change(&IpPermission::cidrs_v6, p.cidrs_v6); !st) return st;
  if (auto st = change(&IpPermission::group_ids, p.group_ids); !st) return st;
  if (it != rules.end() && it->cidrs.empty() && it->cidrs_v6.empty() && it->group_ids.empty())
    rules.erase(it);
  return Ok();
}

}  // namespace

Status Ec2Store::ChangePermissions(const Scope& scope, const std::string& id,
                                   const std::string& name, bool egress, bool add,
                                   const std::vector<IpPermission>& permissions, bool dry_run) {
  // Read, change and write the group under one lock: two changes at once
  // would each write back the group as they read it, losing one acknowledged
  // rule, and a change could put back a group deleted meanwhile.
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto found = FindGroupIn(state.groups, id, name, DefaultVpc(scope));
  if (!found) return found.error();
  SecurityGroup g = *found;
  for (const IpPermission& p : permissions) {
    for (const std::string& gid : p.group_ids)
      if (auto peer = FindGroupIn(state.groups, gid, "", DefaultVpc(scope)); !peer)
        return peer.error();
    if (auto st = Apply(egress ? g.egress : g.ingress, p, add); !st) return st;
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  batch.Put(kGroupKind, g.id, g);
  if (auto st = batch.Commit(storage_); !st) return st;
  state.groups[g.id] = std::move(g);
  return Ok();
}

// ---------------------------------------------------------------------------
// Elastic IPs.

Result<Address> Ec2Store::AllocateAddress(const Scope& scope, const Tags& tags, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  if (static_cast<int>(state.addresses.size()) >= options_.address_limit)
    return MakeError(ErrorCode::kAddressLimitExceeded,
                     "The maximum number of addresses has been reached.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  Address a;
  a.allocation_id = NewResourceId("eipalloc-");
  std::set<std::string> used = UsedPublicIps(state);
  a.public_ip = NewPublicIp(used);
  a.allocated = clock_.Now();
  a.tags = tags;
  batch.Put(kAddressKind, a.allocation_id, a);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  state.addresses[a.allocation_id] = a;
  return a;
}

std::vector<Address> Ec2Store::Addresses(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<Address> out;
  if (const RegionState* state = FindState(scope))
    for (const auto& [id, a] : state->addresses) out.push_back(a);
  return out;
}

namespace {

template <class Map>
auto FindAddress(Map& addresses, const std::string& allocation_id, const std::string& public_ip) {
  return std::find_if(addresses.begin(), addresses.end(), [&](const auto& a) {
    return allocation_id.empty() ? a.second.public_ip == public_ip
                                 : a.second.allocation_id == allocation_id;
  });
}

Error AddressNotFound(const std::string& allocation_id, const std::string& public_ip) {
  if (!allocation_id.empty())
    return MakeError(ErrorCode::kInvalidAllocationIDNotFound,
                     "The allocation ID '" + allocation_id + "' does not exist");
  return MakeError(ErrorCode::kInvalidAddressNotFound,
                   "The address '" + public_ip + "' does not belong to you.");
}

}  // namespace

Result<Address> Ec2Store::AssociateAddress(const Scope& scope, const std::string& allocation_id,
                                           const std::string& public_ip,
                                           const std::string& instance_id,
                                           bool allow_reassociation, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto it = FindAddress(state.addresses, allocation_id, public_ip);
  if (it == state.addresses.end()) return AddressNotFound(allocation_id, public_ip);
  auto found = FindLive(state, instance_id);
  if (!found) return found.error();
  State s = StateAt(**found, clock_.Now(), options_.timings);
  if (s == State::kShuttingDown || s == State::kTerminated)
    return MakeError(ErrorCode::kIncorrectInstanceState,
                     "The instance '" + instance_id + "' is not in a valid state for this "
                     "operation.");
  if (!it->second.instance_id.empty() && it->second.instance_id != instance_id &&
      !allow_reassociation)
    return MakeError(ErrorCode::kResourceAlreadyAssociated,
                     "resource " + it->second.allocation_id +
                         " is already associated with associate-id " +
                         it->second.association_id);
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::map<std::string, Address> changed;
  // An instance has one public address: another Elastic IP it had is
  // disassociated.
  for (const auto& [aid, other] : state.addresses) {
    if (aid == it->first || other.instance_id != instance_id) continue;
    Address o = other;
    o.instance_id.clear();
    o.association_id.clear();
    EndUse(o, clock_.Now());
    changed[aid] = o;
  }
  Address a = it->second;
  EndUse(a, clock_.Now());
  a.instance_id = instance_id;
  a.association_id = NewResourceId("eipassoc-");
  a.associated = clock_.Now();
  a.uses.push_back({instance_id, a.associated, std::nullopt});
  changed[a.allocation_id] = a;
  for (const auto& [aid, x] : changed) batch.Put(kAddressKind, aid, x);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  for (auto& [aid, x] : changed) state.addresses[aid] = std::move(x);
  return a;
}

Status Ec2Store::DisassociateAddress(const Scope& scope, const std::string& association_id,
                                     const std::string& public_ip, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto it = std::find_if(state.addresses.begin(), state.addresses.end(), [&](const auto& a) {
    return association_id.empty() ? a.second.public_ip == public_ip
                                  : a.second.association_id == association_id;
  });
  if (it == state.addresses.end() || it->second.association_id.empty()) {
    if (!association_id.empty())
      return MakeError(ErrorCode::kInvalidAssociationIDNotFound,
                       "The association ID '" + association_id + "' does not exist");
    return AddressNotFound("", public_ip);
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  Address a = it->second;
  std::string instance_id = a.instance_id;
  a.instance_id.clear();
  a.association_id.clear();
  EndUse(a, clock_.Now());
  batch.Put(kAddressKind, a.allocation_id, a);
  // The instance gets an ordinary public address again.
  std::optional<Instance> inst;
  if (auto i = state.instances.find(instance_id); i != state.instances.end()) {
    inst = i->second;
    std::set<std::string> used = UsedPublicIps(state);
    inst->public_ip = NewPublicIp(used);
    batch.Put(kInstanceKind, inst->id, *inst);
  }
  if (auto st = batch.Commit(storage_); !st) return st;
  it->second = std::move(a);
  if (inst) state.instances[inst->id] = std::move(*inst);
  return Ok();
}

Status Ec2Store::ReleaseAddress(const Scope& scope, const std::string& allocation_id,
                                const std::string& public_ip, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto it = FindAddress(state.addresses, allocation_id, public_ip);
  if (it == state.addresses.end()) return AddressNotFound(allocation_id, public_ip);
  if (!it->second.association_id.empty())
    return MakeError(ErrorCode::kInvalidIPAddressInUse,
                     "Address " + it->second.public_ip + " is in use.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  // Kept in LevelDB, hidden, for billing; gone from memory.
  Address a = it->second;
  a.released_at = clock_.Now();
  batch.Put(kAddressKind, it->first, a);
  if (auto st = batch.Commit(storage_); !st) return st;
  state.addresses.erase(it);
  return Ok();
}

// ---------------------------------------------------------------------------
// Volumes.

std::string Ec2Store::VolumeState(const Volume& v) const {
  if (!v.instance_id.empty()) return "in-use";
  if (clock_.Now() < v.created + options_.timings.volume_creating) return "creating";
  return "available";
}

Result<Volume> Ec2Store::CreateVolume(const Scope& scope, Volume volume, bool dry_run) {
  if (!FindZone(volume.zone) || FindZone(volume.zone)->region != scope.region)
    return MakeError(ErrorCode::kInvalidZoneNotFound,
                     "The zone '" + volume.zone + "' does not exist.");
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  volume.id = NewResourceId("vol-");
  volume.created = clock_.Now();
  batch.Put(kVolumeKind, volume.id, volume);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  state.volumes[volume.id] = volume;
  return volume;
}

std::vector<Volume> Ec2Store::Volumes(const Scope& scope) const {
  std::lock_guard lock(mu_);
  std::vector<Volume> out;
  const TimePoint now = clock_.Now();
  if (const RegionState* state = FindState(scope))
    for (const auto& [id, v] : state->volumes)
      if (!v.deleted_at || now < *v.deleted_at) out.push_back(v);
  return out;
}

namespace {

template <class Map>
Result<typename Map::mapped_type*> LiveVolume(Map& volumes, const std::string& id, TimePoint now) {
  if (!HasPrefixId(id, "vol-"))
    return MakeError(ErrorCode::kInvalidVolumeIDMalformed,
                     "Invalid id: \"" + id + "\" (expecting \"vol-...\")");
  auto it = volumes.find(id);
  if (it == volumes.end() || (it->second.deleted_at && now >= *it->second.deleted_at))
    return MakeError(ErrorCode::kInvalidVolumeNotFound,
                     "The volume '" + id + "' does not exist.");
  return &it->second;
}

}  // namespace

Result<Volume> Ec2Store::AttachVolume(const Scope& scope, const std::string& volume_id,
                                      const std::string& instance_id, const std::string& device,
                                      bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  auto vol = LiveVolume(state.volumes, volume_id, now);
  if (!vol) return vol.error();
  auto inst = FindLive(state, instance_id);
  if (!inst) return inst.error();
  if ((*vol)->instance_id.size())
    return MakeError(ErrorCode::kVolumeInUse, volume_id + " is already attached to an instance");
  // Still creating: AWS's answer is "IncorrectState: vol-... is not 'available'."
  if (VolumeState(**vol) != "available")
    return MakeError(ErrorCode::kIncorrectState, volume_id + " is not 'available'.");
  if ((*vol)->zone != (*inst)->zone)
    return MakeError(ErrorCode::kInvalidVolumeZoneMismatch,
                     "The volume '" + volume_id + "' is not in the same availability zone as "
                     "instance '" + instance_id + "'");
  State s = StateAt(**inst, now, options_.timings);
  if (s != State::kRunning && s != State::kStopped)
    return MakeError(ErrorCode::kIncorrectState,
                     "Instance '" + instance_id + "' is not 'running' or 'stopped'.");
  for (const BlockDevice& d : (*inst)->devices)
    if (d.device_name == device)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Invalid value '" + device + "' for unixDevice. Attachment point " +
                           device + " is already in use");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  Volume v = **vol;
  v.instance_id = instance_id;
  v.device = device;
  v.attach_time = now;
  v.delete_on_termination = false;
  Instance i = **inst;
  i.devices.push_back({device, volume_id, false, now});
  batch.Put(kVolumeKind, v.id, v);
  batch.Put(kInstanceKind, i.id, i);
  if (auto st = batch.Commit(storage_); !st) return st.error();
  **vol = v;
  **inst = std::move(i);
  return v;
}

Result<Volume> Ec2Store::DetachVolume(const Scope& scope, const std::string& volume_id,
                                      const std::string& instance_id, bool force, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto vol = LiveVolume(state.volumes, volume_id, clock_.Now());
  if (!vol) return vol.error();
  if ((*vol)->instance_id.empty() ||
      (!instance_id.empty() && (*vol)->instance_id != instance_id))
    return MakeError(ErrorCode::kIncorrectState,
                     "Volume '" + volume_id + "' is in the 'available' state.");
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  Volume before = **vol;
  Volume v = before;
  v.instance_id.clear();
  v.device.clear();
  batch.Put(kVolumeKind, v.id, v);
  std::optional<Instance> inst;
  if (auto it = state.instances.find(before.instance_id); it != state.instances.end()) {
    inst = it->second;
    std::erase_if(inst->devices, [&](const BlockDevice& d) { return d.volume_id == volume_id; });
    batch.Put(kInstanceKind, inst->id, *inst);
  }
  if (auto st = batch.Commit(storage_); !st) return st.error();
  **vol = std::move(v);
  if (inst) state.instances[inst->id] = std::move(*inst);
  return before;
}

Status Ec2Store::DeleteVolume(const Scope& scope, const std::string& volume_id, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  auto vol = LiveVolume(state.volumes, volume_id, now);
  if (!vol) return vol.error();
  if (!(*vol)->instance_id.empty())
    return MakeError(ErrorCode::kVolumeInUse, "Volume " + volume_id + " is currently attached to " +
                                                  (*vol)->instance_id);
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  // Kept in LevelDB, hidden, with the time it went (billing charges up to
  // then); gone from memory.
  Volume v = **vol;
  v.deleted_at = now;
  batch.Put(kVolumeKind, v.id, v);
  if (auto st = batch.Commit(storage_); !st) return st;
  state.volumes.erase(v.id);
  return Ok();
}

// ---------------------------------------------------------------------------
// Tags.

namespace {

constexpr std::size_t kMaxTags = 50;

Status CheckTags(const Tags& tags) {
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Tag key exceeds the maximum length of 128 characters");
    if (k.starts_with("aws:"))
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Tag keys starting with 'aws:' are reserved for internal use");
    if (v.size() > 256)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Tag value exceeds the maximum length of 256 characters");
  }
  return Ok();
}

void SetTags(Tags& on, const Tags& tags) {
  for (const auto& tag : tags) {
    // (No structured binding here: clang 14, the fuzzing build's, cannot capture one.)
    auto it = std::find_if(on.begin(), on.end(), [&](const auto& t) { return t.first == tag.first; });
    if (it != on.end()) it->second = tag.second;
    else on.push_back(tag);
  }
}

}  // namespace

Status Ec2Store::CreateTags(const Scope& scope, const std::vector<std::string>& ids,
                            const Tags& tags, bool dry_run) {
  if (auto st = CheckTags(tags); !st) return st;
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  const TimePoint now = clock_.Now();
  // Stage every change, then write once.
  std::map<std::string, Instance> instances;
  std::map<std::string, Volume> volumes;
  std::map<std::string, SecurityGroup> groups;
  std::map<std::string, Address> addresses;
  std::map<std::string, KeyPair> keys;
  for (const std::string& id : ids) {
    Tags* on = nullptr;
    if (id.starts_with("i-")) {
      auto i = FindLive(state, id);
      if (!i) return i.error();
      on = &(instances.emplace(id, **i).first->second.tags);
    } else if (id.starts_with("vol-")) {
      auto v = LiveVolume(state.volumes, id, now);
      if (!v) return v.error();
      on = &(volumes.emplace(id, **v).first->second.tags);
    } else if (id.starts_with("sg-")) {
      auto g = state.groups.find(id);
      if (g == state.groups.end())
        return MakeError(ErrorCode::kInvalidGroupNotFound,
                         "The security group '" + id + "' does not exist");
      on = &(groups.emplace(id, g->second).first->second.tags);
    } else if (id.starts_with("eipalloc-")) {
      auto a = state.addresses.find(id);
      if (a == state.addresses.end()) return AddressNotFound(id, "");
      on = &(addresses.emplace(id, a->second).first->second.tags);
    } else if (id.starts_with("key-")) {
      auto k = std::find_if(state.key_pairs.begin(), state.key_pairs.end(),
                            [&](const auto& kp) { return kp.second.id == id; });
      if (k == state.key_pairs.end())
        return NotFound(ErrorCode::kInvalidKeyPairNotFound, "key pair", id);
      on = &(keys.emplace(k->first, k->second).first->second.tags);
    } else {
      return MakeError(ErrorCode::kInvalidIDMalformed,
                       "The ID '" + id + "' is not valid");
    }
    SetTags(*on, tags);
    if (on->size() > kMaxTags)
      return MakeError(ErrorCode::kTagLimitExceeded,
                       "The maximum number of Tags for a resource has been reached.");
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  for (const auto& [id, x] : instances) batch.Put(kInstanceKind, id, x);
  for (const auto& [id, x] : volumes) batch.Put(kVolumeKind, id, x);
  for (const auto& [id, x] : groups) batch.Put(kGroupKind, id, x);
  for (const auto& [id, x] : addresses) batch.Put(kAddressKind, id, x);
  for (const auto& [name, x] : keys) batch.Put(kKeyPairKind, name, x);
  if (auto st = batch.Commit(storage_); !st) return st;
  for (auto& [id, x] : instances) state.instances[id] = std::move(x);
  for (auto& [id, x] : volumes) state.volumes[id] = std::move(x);
  for (auto& [id, x] : groups) state.groups[id] = std::move(x);
  for (auto& [id, x] : addresses) state.addresses[id] = std::move(x);
  for (auto& [name, x] : keys) state.key_pairs[name] = std::move(x);
  return Ok();
}

Status Ec2Store::DeleteTags(const Scope& scope, const std::vector<std::string>& ids,
                            const std::vector<TagSpec>& tags, bool dry_run) {
  std::lock_guard lock(mu_);
  Batch batch(scope);
  RegionState& state = StateOf(scope, batch);
  auto strip = [&](Tags& on) {
    // "If you omit the tag list, we delete all user-defined tags."
    if (tags.empty()) return on.clear();
    std::erase_if(on, [&](const auto& t) {
      return std::any_of(tags.begin(), tags.end(), [&](const TagSpec& s) {
        return s.key == t.first && (!s.has_value || s.value == t.second);
      });
    });
  };
  std::vector<std::function<void()>> apply;
  for (const std::string& id : ids) {
    if (auto it = state.instances.find(id); it != state.instances.end()) {
      Instance x = it->second;
      strip(x.tags);
      batch.Put(kInstanceKind, id, x);
      apply.push_back([&state, id, x] { state.instances[id] = x; });
    } else if (auto v = state.volumes.find(id); v != state.volumes.end()) {
      Volume x = v->second;
      strip(x.tags);
      batch.Put(kVolumeKind, id, x);
      apply.push_back([&state, id, x] { state.volumes[id] = x; });
    } else if (auto g = state.groups.find(id); g != state.groups.end()) {
      SecurityGroup x = g->second;
      strip(x.tags);
      batch.Put(kGroupKind, id, x);
      apply.push_back([&state, id, x] { state.groups[id] = x; });
    } else if (auto a = state.addresses.find(id); a != state.addresses.end()) {
      Address x = a->second;
      strip(x.tags);
      batch.Put(kAddressKind, id, x);
      apply.push_back([&state, id, x] { state.addresses[id] = x; });
    } else {
      auto k = std::find_if(state.key_pairs.begin(), state.key_pairs.end(),
                            [&](const auto& kp) { return kp.second.id == id; });
      if (k == state.key_pairs.end())
        return MakeError(ErrorCode::kInvalidIDMalformed, "The ID '" + id + "' is not valid");
      KeyPair x = k->second;
      strip(x.tags);
      batch.Put(kKeyPairKind, x.name, x);
      apply.push_back([&state, x] { state.key_pairs[x.name] = x; });
    }
  }
  if (dry_run) return MakeError(ErrorCode::kDryRunOperation);
  if (auto st = batch.Commit(storage_); !st) return st;
  for (auto& f : apply) f();
  return Ok();
}

std::vector<Ec2Store::TagRow> Ec2Store::AllTags(const Scope& scope) const {
  std::vector<TagRow> out;
  auto add = [&](const std::string& id, const char* type, const Tags& tags) {
    for (const auto& [k, v] : tags) out.push_back({id, type, k, v});
  };
  for (const Instance& i : Instances(scope)) add(i.id, "instance", i.tags);
  for (const Volume& v : Volumes(scope)) add(v.id, "volume", v.tags);
  for (const SecurityGroup& g : SecurityGroups(scope)) add(g.id, "security-group", g.tags);
  for (const Address& a : Addresses(scope)) add(a.allocation_id, "elastic-ip", a.tags);
  for (const KeyPair& k : KeyPairs(scope)) add(k.id, "key-pair", k.tags);
  std::sort(out.begin(), out.end(), [](const TagRow& a, const TagRow& b) {
    return std::tie(a.resource_id, a.key) < std::tie(b.resource_id, b.key);
  });
  return out;
}

}  // namespace awslab::ec2

namespace awslab::ec2 {

void Ec2Store::EndUse(Address& a, TimePoint now) {
  if (!a.uses.empty() && !a.uses.back().to) a.uses.back().to = now;
}

std::size_t Ec2Store::ResidentRecords() const {
  std::lock_guard lock(mu_);
  std::size_t n = 0;
  for (const auto& [key, state] : regions_)
    n += state.instances.size() + state.volumes.size() + state.addresses.size();
  return n;
}

std::vector<Ec2Store::ScopeRecords> Ec2Store::AllRecords(std::string_view account_id) const {
  // From LevelDB, not memory: the records that have left memory are here
  // too, and the iterator's snapshot makes the whole answer one moment's.
  std::string prefix(storage::keys::kEc2Prefix);
  if (!account_id.empty()) prefix.append(account_id).push_back('/');
  std::vector<ScopeRecords> out;
  std::map<std::string, std::size_t> index;  // "account/region" -> out[]
  auto it = storage_.NewIterator();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    // e/<account>/<region>/<kind>/<id>
    std::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(storage::keys::kEc2Prefix.size());
    const std::size_t a = key.find('/');
    const std::size_t r = a == key.npos ? a : key.find('/', a + 1);
    const std::size_t k = r == key.npos ? r : key.find('/', r + 1);
    if (k == key.npos) continue;
    const std::string_view kind = key.substr(r + 1, k - r - 1);
    if (kind != kInstanceKind && kind != kVolumeKind && kind != kAddressKind) continue;
    auto [slot, fresh] = index.try_emplace(std::string(key.substr(0, r)), out.size());
    if (fresh) {
      ScopeRecords records;
      records.scope = {std::string(key.substr(0, a)), std::string(key.substr(a + 1, r - a - 1))};
      out.push_back(std::move(records));
    }
    ScopeRecords& records = out[slot->second];
    boost::system::error_code ec;
    json::value v = json::parse(it->value().ToString(), ec);
    if (ec) continue;  // Load refused to start on a corrupt record
    if (kind == kInstanceKind) {
      Instance i;
      if (FromJson(v, i)) records.instances.push_back(std::move(i));
    } else if (kind == kVolumeKind) {
      Volume vol;
      if (FromJson(v, vol)) records.volumes.push_back(std::move(vol));
    } else {
      Address addr;
      if (FromJson(v, addr)) records.addresses.push_back(std::move(addr));
    }
  }
  return out;
}

}  // namespace awslab::ec2
