// EC2's Query API on arbitrary form bodies: QueryParams (emulator/protocol/
// query.h), the list and structure helpers and filters the handlers use
// (emulator/api/ec2_internal.h, emulator/ec2/filters.h), and the whole of
// Ec2Api::Handle over an Ec2Store that holds a few resources.
//
// Input: a form body as the aws CLI sends it, e.g.
//   Action=DescribeInstances&Filter.1.Name=tag:Name&Filter.1.Value.1=web&Version=2016-11-15
// ("GET?" first: the same parameters in a GET's query string instead). The
// body may name the resources the store holds by placeholder, replaced with
// their ids before the request is signed: $I0 and $I1 (instances, the second
// stopped), $V0 (a volume), $V1 ($I0's root volume), $G0 (security group
// "web"), $A0 and $P0 (an Elastic IP's allocation id and address), $K0 (key
// pair "web-key"'s id). The request is signed with the client's signer for
// ec2 and a fixed clock, so every input reaches the handlers.
//
// The store: the accounts live in a LevelDB over an in-memory Env, opened
// once; the EC2 records are made once, and each input gets a LevelDB of its
// own (in memory) holding them, which a new Ec2Store loads.
//
// What it checks besides memory safety:
// - QueryParams: its parameters, encoded again, parse to themselves; Indices
//   are sorted and unique; List and Sub agree with the parameters;
// - Filters: one per Filter.N with a Name, its values Filter.N.Value.M in
//   order; Matches does not depend on the filters' order, never turns false
//   to true when a filter is added, and GlobMatch agrees with a reference
//   matcher;
// - the answer: 200 or a 4xx; a well-formed XML document (pugixml), valid
//   UTF-8 with no character XML forbids; <ActionResponse> with requestId, or
//   EC2's <Response><Errors><Error><Code> with a code of EC2's;
// - a refused call and a Describe* call change no record; what the store
//   holds after any call is what it reloads from LevelDB.
#include <leveldb/env.h>
#include <leveldb/helpers/memenv.h>
#include <leveldb/write_batch.h>

#include <pugixml.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"
#include "emulator/api/ec2_api.h"
#include "emulator/api/ec2_internal.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/base/clock.h"
#include "emulator/ec2/catalog.h"
#include "emulator/ec2/ec2_store.h"
#include "emulator/ec2/filters.h"
#include "emulator/protocol/query.h"
#include "emulator/storage/storage.h"

namespace ec2 = awslab::ec2;
namespace sigv4 = awslab::sigv4;
using awslab::ErrorCode;
using awslab::protocol::QueryParams;

namespace {

constexpr std::string_view kKeyId = "AKIAIOSFODNN7EXAMPLE";
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAccountId = "111122223333";
constexpr std::string_view kRegion = "us-east-1";
// The clock the resources were made at, and the one requests are signed and
// served at (their instances running or stopped by then).
const awslab::TimePoint kMadeAt = std::chrono::system_clock::from_time_t(1440936000);
const awslab::TimePoint kNow = kMadeAt + std::chrono::hours(1);

std::string g_body;  // for the report of a violated property

[[noreturn]] void Fail(const char* what, std::string_view a = {}, std::string_view b = {}) {
  std::fprintf(stderr,
               "ec2_query_fuzzer: property violated: %s\n  a: [%.*s]\n  b: [%.*s]\n  body: [%s]\n",
               what, static_cast<int>(a.size()), a.data(), static_cast<int>(b.size()), b.data(),
               g_body.c_str());
  std::abort();
}

void Check(bool ok, const char* what, std::string_view a = {}, std::string_view b = {}) {
  if (!ok) Fail(what, a, b);
}

// Every record of the account, serialized: what "the state" is here.
std::string Serialize(const ec2::Ec2Store& store) {
  const ec2::Scope scope{std::string(kAccountId), std::string(kRegion)};
  std::string out;
  for (const auto& records : store.AllRecords(kAccountId)) {
    out += "scope " + records.scope.account_id + "/" + records.scope.region + "\n";
    for (const auto& i : records.instances) out += boost::json::serialize(ec2::ToJson(i)) + "\n";
    for (const auto& v : records.volumes) out += boost::json::serialize(ec2::ToJson(v)) + "\n";
    for (const auto& a : records.addresses) out += boost::json::serialize(ec2::ToJson(a)) + "\n";
  }
  for (const auto& k : store.KeyPairs(scope)) out += boost::json::serialize(ec2::ToJson(k)) + "\n";
  for (const auto& g : store.SecurityGroups(scope))
    out += boost::json::serialize(ec2::ToJson(g)) + "\n";
  return out;
}

struct World {
  std::filesystem::path dir;
  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<awslab::storage::Storage> storage;
  std::unique_ptr<awslab::auth::AccountStore> accounts;
  awslab::ManualClock wall{kNow};
  std::unique_ptr<awslab::auth::Authenticator> authenticator;
  // The EC2 records every input starts from, and their placeholders.
  std::vector<std::pair<std::string, std::string>> records;
  std::vector<std::pair<std::string, std::string>> placeholders;
  std::string state;  // Serialize() of a store that loaded `records`

  World() {
    dir = std::filesystem::temp_directory_path() /
          ("awslab-fuzz-ec2-query-" + std::to_string(std::random_device()()));
    env.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    auto s = awslab::storage::Storage::Open({dir, false, env.get()});
    if (!s) Fail("cannot open the storage");
    storage = std::move(*s);
    auto a = awslab::auth::AccountStore::Open(*storage);
    if (!a) Fail("cannot open the account store");
    accounts = std::move(*a);
    std::string json = R"({"accounts": [{"id": ")" + std::string(kAccountId) +
                       R"(", "name": "student", "access_keys": [{"id": ")" +
                       std::string(kKeyId) + R"(", "secret": ")" + std::string(kSecret) +
                       R"("}]}]})";
    if (!accounts->LoadJson(json)) Fail("cannot load the accounts");
    authenticator = std::make_unique<awslab::auth::Authenticator>(*accounts, wall);
    MakeResources();
  }
  ~World() {
    authenticator.reset();
    accounts.reset();
    storage.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }

  void MakeResources() {
    awslab::ManualClock clock{kMadeAt};
    ec2::Ec2Store store(*storage, clock, {});
    const ec2::Scope scope{std::string(kAccountId), std::string(kRegion)};
    auto check = [](bool ok, const char* what) {
      if (!ok) Fail(what);
    };
    ec2::KeyPair key;
    key.name = "web-key";
    key.type = "ed25519";
    key.fingerprint = "SHA256:fuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuzzfuz";
    key.public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzzFuzz";
    key.tags = {{"Name", "web-key"}};
    auto k = store.AddKeyPair(scope, key, false);
    check(bool(k), "cannot add the key pair");
    auto g = store.CreateSecurityGroup(scope, "web", "web servers", store.DefaultVpc(scope),
                                       {{"Name", "web"}}, false);
    check(bool(g), "cannot create the security group");
    ec2::IpPermission ssh;
    ssh.protocol = "tcp";
    ssh.from_port = ssh.to_port = 22;
    ssh.cidrs = {"0.0.0.0/0"};
    check(bool(store.ChangePermissions(scope, g->id, "", false, true, {ssh}, false)),
          "cannot authorize ssh");
    ec2::RunRequest run;
    run.image_id = "ami-d1737bb8";
    run.instance_type = "t2.micro";
    run.key_name = "web-key";
    run.min_count = run.max_count = 2;
    run.group_ids = {g->id};
    run.instance_tags = {{"Name", "web"}, {"env", "prod"}};
    run.volume_tags = {{"Name", "web-root"}};
    auto launched = store.RunInstances(scope, run, false);
    check(launched && launched->size() == 2, "cannot run the instances");
    clock.Advance(std::chrono::minutes(10));
    check(bool(store.StopInstances(scope, {(*launched)[1].id}, false, false)),
          "cannot stop an instance");
    ec2::Volume volume;
    volume.zone = "us-east-1a";
    volume.size_gib = 20;
    volume.type = "gp3";
    volume.tags = {{"Name", "data"}};
    auto v = store.CreateVolume(scope, volume, false);
    check(bool(v), "cannot create the volume");
    auto address = store.AllocateAddress(scope, {{"Name", "web-ip"}}, false);
    check(bool(address), "cannot allocate the address");
    check(bool(store.AssociateAddress(scope, address->allocation_id, "", (*launched)[0].id,
                                      false, false)),
          "cannot associate the address");
    clock.Advance(std::chrono::minutes(10));

    auto it = storage->NewIterator();
    for (it->Seek("e/"); it->Valid() && it->key().starts_with("e/"); it->Next())
      records.emplace_back(it->key().ToString(), it->value().ToString());
    std::string root = (*launched)[0].devices.empty() ? "" : (*launched)[0].devices[0].volume_id;
    placeholders = {{"$I0", (*launched)[0].id}, {"$I1", (*launched)[1].id}, {"$V0", v->id},
                    {"$V1", root},              {"$G0", g->id},             {"$A0", address->allocation_id},
                    {"$P0", address->public_ip}, {"$K0", k->id}};
    ec2::Ec2Store loaded(*storage, wall, {});
    check(bool(loaded.Load()), "cannot load the records");
    state = Serialize(loaded);
    check(state == Serialize(store), "the records do not load as they were made");
  }

};

// The EC2 records of one input: a LevelDB of their own in a fresh in-memory
// Env, holding the records as they were made. Everything it allocates is
// freed with it, so an input leaves the heap as it found it (libFuzzer then
// has no leak to look for, and an input cannot depend on the ones before).
struct Records {
  std::unique_ptr<leveldb::Env> env;
  std::unique_ptr<awslab::storage::Storage> storage;

  explicit Records(const World& world) {
    env.reset(leveldb::NewMemEnv(leveldb::Env::Default()));
    auto s = awslab::storage::Storage::Open({world.dir / "ec2", false, env.get()});
    if (!s) Fail("cannot open the EC2 storage");
    storage = std::move(*s);
    leveldb::WriteBatch batch;
    for (const auto& [k, v] : world.records) batch.Put(k, v);
    if (!storage->Write(batch)) Fail("cannot write the records");
  }
  ~Records() { storage.reset(); }
};

World& TheWorld() {
  static World world;
  return world;
}

// ---------------------------------------------------------------------------
// Parameters and filters.

void CheckParams(const QueryParams& params) {
  // Encoded again, the parameters parse to themselves.
  std::string form;
  for (const auto& [name, value] : params.all()) {
    if (!form.empty()) form += '&';
    form += sigv4::UriEncode(name, true) + "=" + sigv4::UriEncode(value, true);
  }
  auto again = QueryParams::Parse(form);
  Check(again && again->all() == params.all(), "QueryParams: does not re-parse to itself", form);

  for (std::string_view prefix : {"Filter", "InstanceId", "TagSpecification", "Tag",
                                  "IpPermissions", "BlockDeviceMapping", "ResourceId"}) {
    std::vector<int> indices = params.Indices(prefix);
    Check(std::is_sorted(indices.begin(), indices.end()) &&
              std::adjacent_find(indices.begin(), indices.end()) == indices.end(),
          "Indices: not sorted and unique", prefix);
    // The members "<prefix>.N" by N ("1" and "01" are one N: the later name wins).
    std::map<int, std::string> members;
    const std::string dot = std::string(prefix) + ".";
    for (const auto& [name, value] : params.all()) {
      if (!name.starts_with(dot)) continue;
      int n = 0;
      const char* begin = name.data() + dot.size();
      const char* end = name.data() + name.size();
      auto [p, ec] = std::from_chars(begin, end, n);
      if (ec == std::errc() && p == end && p != begin) members[n] = value;
    }
    std::vector<std::string> list = params.List(prefix);
    Check(list.size() == members.size(), "List: not one member per N", prefix);
    std::size_t listed = 0;
    for (const auto& [n, value] : members) {
      Check(list[listed] == value, "List: not the members in order", std::to_string(n), value);
      Check(std::binary_search(indices.begin(), indices.end(), n), "Indices: a member missing",
            std::to_string(n));
      ++listed;
    }
    for (int n : indices) {
      const std::string member = std::string(prefix) + "." + std::to_string(n);
      const QueryParams sub = params.Sub(member);
      for (const auto& [k, v] : sub.all()) {
        const std::string* whole = params.Get(member + "." + k);
        Check(whole && *whole == v, "Sub: a parameter that is not there", member + "." + k, v);
      }
    }
  }
}

// The reference glob: '*' any run, '?' one character, '\' the next one
// literally (a final '\' matches nothing).
bool ReferenceGlob(std::string_view p, std::string_view t) {
  // Tokens of the pattern: kind 0 literal, 1 '?', 2 '*'.
  std::vector<std::pair<int, char>> tokens;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '*') tokens.emplace_back(2, 0);
    else if (p[i] == '?') tokens.emplace_back(1, 0);
    else if (p[i] == '\\') {
      if (i + 1 == p.size()) return false;
      tokens.emplace_back(0, p[++i]);
    } else tokens.emplace_back(0, p[i]);
  }
  // can[j]: tokens[0, i) can match t[0, j).
  std::vector<char> can(t.size() + 1, 0), next(t.size() + 1);
  can[0] = 1;
  for (const auto& [kind, ch] : tokens) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t j = 0; j <= t.size(); ++j) {
      if (kind == 2) {
        next[j] = can[j] || (j > 0 && next[j - 1]);
      } else if (j > 0 && can[j - 1]) {
        next[j] = kind == 1 || t[j - 1] == ch;
      }
    }
    can.swap(next);
  }
  return can[t.size()];
}

// A resource with fixed values: one instance, as its filters see it.
std::optional<std::vector<std::string>> InstanceValues(std::string_view name) {
  using V = std::vector<std::string>;
  if (name == "instance-id") return V{"i-0123456789abcdef0"};
  if (name == "instance-type") return V{"t2.micro"};
  if (name == "instance-state-name") return V{"running"};
  if (name == "availability-zone") return V{"us-east-1a"};
  if (name == "ip-address") return V{"54.0.0.1"};
  if (name == "tag-key") return V{"Name", "env"};
  if (name == "tag-value") return V{"web*", "prod"};
  if (name == "tag:Name") return V{"web*"};
  if (name == "tag:env") return V{"prod"};
  if (name == "group-name") return V{};
  if (name.starts_with("tag:")) return V{};
  return std::nullopt;
}

void CheckFilters(const QueryParams& params) {
  std::vector<ec2::Filter> filters = awslab::api::ec2api::Filters(params);
  std::size_t named = 0;
  for (int n : params.Indices("Filter")) {
    QueryParams f = params.Sub("Filter." + std::to_string(n));
    const std::string* name = f.Get("Name");
    if (!name) continue;
    Check(named < filters.size() && filters[named].name == *name &&
              filters[named].values == f.List("Value"),
          "Filters: not Filter.N.Name and its values in order", *name);
    ++named;
  }
  Check(named == filters.size(), "Filters: a filter without a Filter.N.Name");

  // Bounded: the reference matcher is quadratic.
  for (const auto& f : filters) {
    for (const auto& want : f.values) {
      if (want.size() > 256) continue;
      for (std::string_view have : {"i-0123456789abcdef0", "t2.micro", "web*", "", "a\\b?*",
                                    "running"})
        Check(ec2::GlobMatch(want, have) == ReferenceGlob(want, have),
              "GlobMatch differs from the reference", want, have);
      Check(ec2::GlobMatch(want, want) == ReferenceGlob(want, want),
            "GlobMatch differs from the reference on itself", want);
      std::string escaped;
      for (char c : want) {
        if (c == '*' || c == '?' || c == '\\') escaped += '\\';
        escaped += c;
      }
      Check(ec2::GlobMatch(escaped, want), "an escaped value does not match itself", escaped,
            want);
      Check(ec2::GlobMatch("*", want), "'*' does not match everything", want);
    }
  }

  auto verdict = ec2::Matches(filters, InstanceValues);
  auto none = ec2::Matches({}, InstanceValues);
  Check(none && *none, "no filter does not match");
  std::vector<ec2::Filter> reversed(filters.rbegin(), filters.rend());
  auto verdict_reversed = ec2::Matches(reversed, InstanceValues);
  Check(bool(verdict) == bool(verdict_reversed) &&
            (!verdict || *verdict == *verdict_reversed),
        "Matches: depends on the filters' order");
  if (verdict) {
    for (std::size_t drop = 0; drop < filters.size(); ++drop) {
      std::vector<ec2::Filter> fewer = filters;
      fewer.erase(fewer.begin() + static_cast<std::ptrdiff_t>(drop));
      auto v = ec2::Matches(fewer, InstanceValues);
      Check(bool(v), "Matches: a valid filter set minus one is invalid");
      Check(!*verdict || *v, "Matches: adding a filter turned false into true");
    }
  } else {
    Check(verdict.error().code == ErrorCode::kInvalidParameterValue,
          "Matches: not InvalidParameterValue");
  }
}

// ---------------------------------------------------------------------------
// The answer.

// Valid UTF-8 of characters XML 1.0 allows.
bool IsXmlText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t len = 0;
    if (c < 0x80) {
      cp = c;
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      cp = c & 0x1F;
      len = 2;
    } else if ((c & 0xF0) == 0xE0) {
      cp = c & 0x0F;
      len = 3;
    } else if ((c & 0xF8) == 0xF0) {
      cp = c & 0x07;
      len = 4;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    if (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') return false;
    if (cp == 0xFFFE || cp == 0xFFFF) return false;
    i += len;
  }
  return true;
}

std::set<std::string_view> Ec2Codes() {
  std::set<std::string_view> codes;
  for (int c = static_cast<int>(ErrorCode::kAuthFailure);
       c <= static_cast<int>(ErrorCode::kLastErrorCode); ++c)
    codes.insert(awslab::Describe(static_cast<ErrorCode>(c)).code);
  return codes;
}

void CheckResponse(const awslab::protocol::Response& r, const std::string* action) {
  Check(r.status == 200 || (r.status >= 400 && r.status < 500), "a status neither 200 nor 4xx",
        std::to_string(r.status), r.body);
  Check(IsXmlText(r.body), "the answer is not valid UTF-8 XML text", r.body);
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(r.body.data(), r.body.size());
  Check(bool(parsed), "the answer is not well-formed XML", parsed.description(), r.body);
  pugi::xml_node root = doc.document_element();
  if (r.status == 200) {
    Check(action != nullptr && root.name() == *action + "Response",
          "a 200 answer is not <ActionResponse>", root.name(), r.body);
    Check(std::string_view(root.attribute("xmlns").value()) == awslab::api::ec2api::kXmlns,
          "a 200 answer without EC2's namespace", r.body);
    Check(std::string_view(root.first_child().name()) == "requestId",
          "a 200 answer without requestId first", r.body);
    return;
  }
  static const std::set<std::string_view> codes = Ec2Codes();
  pugi::xml_node error = root.child("Errors").child("Error");
  Check(std::string_view(root.name()) == "Response" && error &&
            !std::string_view(root.child_value("RequestID")).empty(),
        "an error answer is not EC2's error document", r.body);
  std::string_view code = error.child_value("Code");
  Check(codes.count(code) == 1, "an error code that is not EC2's", code, r.body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;
  World& world = TheWorld();
  std::string input(reinterpret_cast<const char*>(data), size);
  const bool get = input.starts_with("GET?");
  if (get) input.erase(0, 4);
  for (const auto& [placeholder, id] : world.placeholders) {
    for (std::size_t at = input.find(placeholder); at != std::string::npos;
         at = input.find(placeholder, at + id.size()))
      input.replace(at, placeholder.size(), id);
  }
  g_body = input;

  auto params = QueryParams::Parse(input);
  if (params) {
    CheckParams(*params);
    CheckFilters(*params);
  }

  // The request as the aws CLI sends it, signed.
  awslab::protocol::Request request;
  request.raw.method = get ? "GET" : "POST";
  request.raw.path = "/";
  if (get) request.raw.query = input;
  request.raw.headers = {{"Host", "ec2.us-east-1.amazonaws.com"},
                         {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  const std::string body = get ? std::string() : input;
  sigv4::SignOptions options;
  options.time = kNow;
  options.region = std::string(kRegion);
  options.service = "ec2";
  options.payload_hash = awslab::crypto::Sha256Hex(body);
  sigv4::SignRequest(request.raw,
                     {std::string(kKeyId), std::string(kSecret), std::string()}, options);
  if (!awslab::protocol::ParseTarget(request)) return 0;  // the net layer's 400

  Records records(world);
  awslab::ManualClock clock{kNow};
  ec2::Ec2Store store(*records.storage, clock, {});
  if (!store.Load()) Fail("cannot load the records");
  awslab::api::Ec2Api api(store, *world.authenticator, std::string(kRegion));
  awslab::protocol::Response response = api.Handle(request, body);

  const std::string* action = params ? params->Get("Action") : nullptr;
  CheckResponse(response, action);
  if (!params)
    Check(response.status == 400, "a malformed form is not refused", response.body);

  const std::string state = Serialize(store);
  const bool unchanged = state == world.state;
  if (response.status != 200) Check(unchanged, "a refused call changed the records", response.body);
  if (action && (action->starts_with("Describe") || action->starts_with("Get")))
    Check(unchanged, "a Describe or Get call changed the records", *action);
  if (unchanged) {
    // Nothing changed in memory: nothing may have been written either.
    std::vector<std::pair<std::string, std::string>> stored;
    auto it = records.storage->NewIterator();
    for (it->Seek("e/"); it->Valid() && it->key().starts_with("e/"); it->Next())
      stored.emplace_back(it->key().ToString(), it->value().ToString());
    Check(stored == world.records, "the records were written with no change to the model");
  } else {
    ec2::Ec2Store reloaded(*records.storage, clock, {});
    if (!reloaded.Load()) Fail("cannot reload the records");
    const std::string again = Serialize(reloaded);
    Check(again == state, "the records reload differently", state, again);
  }
  return 0;
}
