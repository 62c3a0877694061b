// `awslab ec2 ...`: run, ls, start, stop, reboot, terminate, wait, keypair
// (create, ls, delete) and ssh-config, on libawslab's Ec2Client. The answers
// print as a table, JSON (AWS's member names: InstanceId, State, ...) or
// tab-separated text.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "client/cli/cli.h"
#include "client/include/awslab/args.h"
#include "client/include/awslab/ec2.h"

namespace awslab::cli {

namespace ec2 = client::ec2;

namespace {

Result<ec2::Ec2Client> MakeEc2(const Context& ctx) {
  std::string endpoint = ctx.config.EndpointUrlFor("ec2");
  if (endpoint.empty()) endpoint = ec2::DefaultEndpoint(ctx.config.region);
  auto url = client::Url::Parse(endpoint);
  if (!url) return url.error();
  return ec2::Ec2Client(ctx.caller, *url);
}

json::array TagsJson(const std::vector<ec2::Tag>& tags) {
  json::array out;
  for (const ec2::Tag& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

json::object InstanceJson(const ec2::Instance& i) {
  json::array groups;
  for (const auto& g : i.security_groups)
    groups.push_back({{"GroupId", g.group_id}, {"GroupName", g.group_name}});
  json::object o{{"InstanceId", i.instance_id},
                 {"State", i.state.name},
                 {"InstanceType", i.instance_type},
                 {"PublicIpAddress", i.public_ip_address},
                 {"Name", i.TagValue("Name").value_or("")},
                 {"ImageId", i.image_id},
                 {"KeyName", i.key_name},
                 {"LaunchTime", i.launch_time},
                 {"AvailabilityZone", i.availability_zone},
                 {"PrivateIpAddress", i.private_ip_address},
                 {"PublicDnsName", i.public_dns_name},
                 {"PrivateDnsName", i.private_dns_name},
                 {"InstanceLifecycle", i.instance_lifecycle},
                 {"SecurityGroups", std::move(groups)},
                 {"Tags", TagsJson(i.tags)}};
  return o;
}

// The instance table of `ec2 ls` and `ec2 run`.
Answer InstancesAnswer(const std::vector<ec2::Instance>& instances) {
  Answer a;
  json::array list;
  Section s;
  s.headers = {"Instance ID", "State", "Type", "Public IP", "Name"};
  for (const ec2::Instance& i : instances) {
    list.push_back(InstanceJson(i));
    s.rows.push_back({i.instance_id, i.state.name, i.instance_type, i.public_ip_address,
                      i.TagValue("Name").value_or("")});
  }
  a.document = json::object{{"Instances", std::move(list)}};
  a.sections.push_back(std::move(s));
  return a;
}

bool ParseTag(const std::string& text, ec2::Tag& tag) {
  std::size_t eq = text.find('=');
  tag.key = text.substr(0, eq);
  tag.value = eq == std::string::npos ? "" : text.substr(eq + 1);
  return !tag.key.empty();
}

// "Name=instance-state-name,Values=running,stopped" (the aws CLI's
// shorthand), or "instance-state-name=running,stopped".
bool ParseFilter(const std::string& text, ec2::Filter& filter) {
  if (text.starts_with("Name=")) {
    std::size_t values = text.find(",Values=");
    if (values == std::string::npos) return false;
    filter.name = text.substr(5, values - 5);
    filter.values = args::SplitComma(text.substr(values + 8));
  } else {
    std::size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) return false;
    filter.name = text.substr(0, eq);
    filter.values = args::SplitComma(text.substr(eq + 1));
  }
  return !filter.name.empty() && !filter.values.empty();
}

struct Ec2Command {
  Context* ctx = nullptr;
  std::optional<ec2::Ec2Client> ec2;
  ParsedArgs args;
  std::string topic;
};

int Run(Ec2Command& c) {
  if (!c.args.positional.empty())
    return ReportUsage(UsageOf(c.topic), "Unknown options: " + c.args.positional[0]);
  ec2::RunInstancesRequest r;
  auto image = c.args.Get("--image-id");
  if (!image) return ReportUsage(UsageOf(c.topic), "the following arguments are required: --image-id");
  r.image_id = *image;
  r.instance_type = c.args.Get("--instance-type").value_or("");
  if (auto n = c.args.Get("--count")) {
    char* end = nullptr;
    long count = std::strtol(n->c_str(), &end, 10);
    if (n->empty() || *end || count < 1 || count > 1000)
      return ReportUsage(UsageOf(c.topic), "argument --count: a number from 1 to 1000");
    r.min_count = r.max_count = static_cast<int>(count);
  }
  r.key_name = c.args.Get("--key-name").value_or("");
  r.security_group_ids = c.args.All("--security-group-ids");
  r.security_groups = c.args.All("--security-groups");
  r.subnet_id = c.args.Get("--subnet-id").value_or("");
  r.availability_zone = c.args.Get("--availability-zone").value_or("");
  if (auto u = c.args.Get("--user-data")) {
    if (u->starts_with("file://")) {
      std::ifstream in(u->substr(7), std::ios::binary);
      if (!in) {
        Err("Error parsing parameter '--user-data': Unable to load paramfile " + *u + "\n");
        return kExitUsage;
      }
      std::ostringstream s;
      s << in.rdbuf();
      r.user_data = s.str();
    } else {
      r.user_data = *u;
    }
  }
  for (const std::string& t : c.args.All("--tag")) {
    ec2::Tag tag;
    if (!ParseTag(t, tag)) return ReportUsage(UsageOf(c.topic), "argument --tag: KEY=VALUE, not " + t);
    r.tags.push_back(tag);
  }
  if (c.args.Has("--spot")) r.spot = ec2::SpotOptions{};
  auto result = c.ec2->RunInstances(r);
  if (!result) return ReportError(result.error(), "RunInstances");
  PrintAnswer(*c.ctx, InstancesAnswer(result->reservation.instances));
  return kExitOk;
}

int Ls(Ec2Command& c) {
  ec2::DescribeInstancesRequest r;
  r.instance_ids = c.args.positional;
  for (const std::string& f : c.args.All("--filter")) {
    ec2::Filter filter;
    if (!ParseFilter(f, filter))
      return ReportUsage(UsageOf(c.topic),
                         "argument --filter: Name=NAME,Values=V1,V2 (or NAME=V1,V2), not " + f);
    r.filters.push_back(filter);
  }
  auto instances = c.ec2->DescribeAllInstances(r);
  if (!instances) return ReportError(instances.error(), "DescribeInstances");
  PrintAnswer(*c.ctx, InstancesAnswer(*instances));
  return kExitOk;
}

int StateChange(Ec2Command& c, std::string_view verb) {
  if (c.args.positional.empty())
    return ReportUsage(UsageOf(c.topic), "the following arguments are required: instance ids");
  const std::vector<std::string>& ids = c.args.positional;
  Result<std::vector<ec2::InstanceStateChange>> changes = std::vector<ec2::InstanceStateChange>{};
  std::string op, root;
  if (verb == "start") {
    op = "StartInstances", root = "StartingInstances";
    changes = c.ec2->StartInstances(ids);
  } else if (verb == "stop") {
    op = "StopInstances", root = "StoppingInstances";
    std::optional<bool> force;
    if (c.args.Has("--force")) force = true;
    changes = c.ec2->StopInstances(ids, force);
  } else if (verb == "terminate") {
    op = "TerminateInstances", root = "TerminatingInstances";
    changes = c.ec2->TerminateInstances(ids);
  } else {
    auto r = c.ec2->RebootInstances(ids);
    if (!r) return ReportError(r.error(), "RebootInstances");
    return kExitOk;  // the aws CLI prints nothing either
  }
  if (!changes) return ReportError(changes.error(), op);
  Answer a;
  json::array list;
  Section s;
  s.headers = {"Instance ID", "Previous State", "Current State"};
  for (const auto& ch : *changes) {
    list.push_back({{"InstanceId", ch.instance_id},
                    {"PreviousState", {{"Code", ch.previous_state.code},
                                       {"Name", ch.previous_state.name}}},
                    {"CurrentState", {{"Code", ch.current_state.code},
                                      {"Name", ch.current_state.name}}}});
    s.rows.push_back({ch.instance_id, ch.previous_state.name, ch.current_state.name});
  }
  a.document = json::object{{root, std::move(list)}};
  a.sections.push_back(std::move(s));
  PrintAnswer(*c.ctx, a);
  return kExitOk;
}

int Wait(Ec2Command& c) {
  if (c.args.positional.size() < 2)
    return ReportUsage(UsageOf(c.topic),
                       "usage: awslab ec2 wait running|stopped|terminated ID [ID...]");
  const std::string& state = c.args.positional[0];
  ec2::InstanceWaiter waiter;
  if (state == "running") waiter = ec2::InstanceWaiter::kRunning;
  else if (state == "stopped") waiter = ec2::InstanceWaiter::kStopped;
  else if (state == "terminated") waiter = ec2::InstanceWaiter::kTerminated;
  else
    return ReportUsage(UsageOf(c.topic), "argument state: Invalid choice '" + state +
                                             "', valid choices are: running | stopped | terminated");
  ec2::WaiterOptions options;
  if (auto d = c.args.Get("--delay")) {
    char* end = nullptr;
    double seconds = std::strtod(d->c_str(), &end);
    if (d->empty() || *end || seconds < 0)
      return ReportUsage(UsageOf(c.topic), "argument --delay: a number of seconds");
    options.delay = std::chrono::milliseconds(static_cast<long long>(seconds * 1000));
  }
  if (auto m = c.args.Get("--max-attempts")) {
    char* end = nullptr;
    long n = std::strtol(m->c_str(), &end, 10);
    if (m->empty() || *end || n < 1)
      return ReportUsage(UsageOf(c.topic), "argument --max-attempts: a positive number");
    options.max_attempts = static_cast<int>(n);
  }
  std::vector<std::string> ids(c.args.positional.begin() + 1, c.args.positional.end());
  auto r = c.ec2->Wait(waiter, ids, options);
  if (!r) {
    const Error& e = r.error();
    if (e.code == ec2::kWaiterFailure || e.code == ec2::kWaiterMaxAttempts) {
      // The aws CLI's wording and return code (255) for a waiter that gave up.
      std::string name = state == "running" ? "InstanceRunning"
                         : state == "stopped" ? "InstanceStopped"
                                              : "InstanceTerminated";
      Err("\nWaiter " + name + " failed: " + e.message + "\n");
      return kExitOther;
    }
    return ReportError(e, "DescribeInstances");
  }
  return kExitOk;
}

int KeypairCreate(Ec2Command& c) {
  if (c.args.positional.size() != 1)
    return ReportUsage(UsageOf(c.topic), "the following arguments are required: NAME");
  const std::string& name = c.args.positional[0];
  std::string path = c.args.Get("--out").value_or(name + ".pem");
  // Checked before the key is made: a key whose private half cannot be
  // saved is useless (EC2 keeps only the public half).
  struct stat st;
  if (::lstat(path.c_str(), &st) == 0) {
    Err("\nRefusing to overwrite " + path + ": it exists (remove it or give --out FILE)\n");
    return kExitOther;
  }
  ec2::CreateKeyPairRequest r;
  r.key_name = name;
  r.key_type = c.args.Get("--key-type").value_or("");
  auto key = c.ec2->CreateKeyPair(r);
  if (!key) return ReportError(key.error(), "CreateKeyPair");
  if (auto w = ec2::WritePrivateKey(*key, path); !w) {
    // Do not leave a key pair nobody holds the private key of.
    auto d = c.ec2->DeleteKeyPair(name);
    Err("\nCould not write " + path + ": " + w.error().message +
        (d ? " (the key pair was deleted again)\n" : "\n"));
    return kExitOther;
  }
  Answer a;
  a.document = json::object{{"KeyName", key->key_name},
                            {"KeyFingerprint", key->key_fingerprint},
                            {"KeyPairId", key->key_pair_id},
                            {"File", path}};
  Section s;
  s.headers = {"Key Name", "Key Pair ID", "Fingerprint", "File"};
  s.rows.push_back({key->key_name, key->key_pair_id, key->key_fingerprint, path});
  a.sections.push_back(std::move(s));
  PrintAnswer(*c.ctx, a);
  return kExitOk;
}

int KeypairLs(Ec2Command& c) {
  ec2::DescribeKeyPairsRequest r;
  r.key_names = c.args.positional;
  auto keys = c.ec2->DescribeKeyPairs(r);
  if (!keys) return ReportError(keys.error(), "DescribeKeyPairs");
  Answer a;
  json::array list;
  Section s;
  s.headers = {"Key Name", "Key Pair ID", "Type", "Fingerprint", "Created"};
  for (const auto& k : *keys) {
    list.push_back({{"KeyName", k.key_name},
                    {"KeyPairId", k.key_pair_id},
                    {"KeyType", k.key_type},
                    {"KeyFingerprint", k.key_fingerprint},
                    {"CreateTime", k.create_time},
                    {"Tags", TagsJson(k.tags)}});
    s.rows.push_back({k.key_name, k.key_pair_id, k.key_type, k.key_fingerprint, k.create_time});
  }
  a.document = json::object{{"KeyPairs", std::move(list)}};
  a.sections.push_back(std::move(s));
  PrintAnswer(*c.ctx, a);
  return kExitOk;
}

int KeypairDelete(Ec2Command& c) {
  if (c.args.positional.size() != 1)
    return ReportUsage(UsageOf(c.topic), "the following arguments are required: NAME");
  // EC2 answers success for a name that does not exist; the aws CLI too.
  auto r = c.ec2->DeleteKeyPair(c.args.positional[0]);
  if (!r) return ReportError(r.error(), "DeleteKeyPair");
  return kExitOk;
}

// The ~/.ssh/config block the course writes by hand.
int SshConfig(Ec2Command& c) {
  if (c.args.positional.size() != 1)
    return ReportUsage(UsageOf(c.topic), "the following arguments are required: INSTANCE_ID");
  auto instance = c.ec2->DescribeInstance(c.args.positional[0]);
  if (!instance) return ReportError(instance.error(), "DescribeInstances");
  bool dns = c.args.Has("--use-dns");
  std::string host = dns ? instance->public_dns_name : instance->public_ip_address;
  if (host.empty()) {
    Err("\nInstance " + instance->instance_id + " has no public " +
        (dns ? "DNS name" : "address") + " (it is " + instance->state.name +
        "): start it and run ssh-config again\n");
    return kExitOther;
  }
  std::string alias = c.args.Get("--host-alias")
                          .value_or(instance->TagValue("Name").value_or(instance->instance_id));
  std::string identity;
  if (auto id = c.args.Get("--identity")) {
    identity = *id;
  } else if (!instance->key_name.empty()) {
    // The file `awslab ec2 keypair create NAME` wrote in this folder, else
    // where the course keeps keys.
    std::string local = instance->key_name + ".pem";
    std::error_code ec;
    if (std::filesystem::exists(local, ec))
      identity = std::filesystem::absolute(local, ec).lexically_normal().string();
    else
      identity = "~/.ssh/" + local;
  }
  std::string user = c.args.Get("--user").value_or("ec2-user");
  std::string block = "Host " + alias + "\n    HostName " + host + "\n    User " + user + "\n";
  if (!identity.empty()) block += "    IdentityFile " + identity + "\n";
  if (c.ctx->output == OutputFormat::kJson && c.ctx->global.output) {
    Out(PrettyJson(json::object{{"Host", alias},
                                {"HostName", host},
                                {"User", user},
                                {"IdentityFile", identity}}) +
        "\n");
  } else {
    Out(block);
  }
  return kExitOk;
}

struct Subcommand {
  std::string_view name;
  std::vector<OptionSpec> options;
  int (*run)(Ec2Command&);
};

}  // namespace

int RunEc2(const GlobalOptions& global, const std::vector<std::string>& words) {
  static const std::vector<Subcommand> kSubcommands = {
      {"run",
       {{"--image-id", Arity::kOne}, {"--instance-type", Arity::kOne}, {"--count", Arity::kOne},
        {"--key-name", Arity::kOne}, {"--security-group-ids", Arity::kMany, true},
        {"--security-groups", Arity::kMany, true}, {"--subnet-id", Arity::kOne},
        {"--availability-zone", Arity::kOne}, {"--user-data", Arity::kOne}, {"--spot"},
        {"--tag", Arity::kMany, true}},
       Run},
      {"ls", {{"--filter", Arity::kMany, true}, {"--filters", Arity::kMany, true}}, Ls},
      {"start", {}, [](Ec2Command& c) { return StateChange(c, "start"); }},
      {"stop", {{"--force"}}, [](Ec2Command& c) { return StateChange(c, "stop"); }},
      {"reboot", {}, [](Ec2Command& c) { return StateChange(c, "reboot"); }},
      {"terminate", {}, [](Ec2Command& c) { return StateChange(c, "terminate"); }},
      {"wait", {{"--delay", Arity::kOne}, {"--max-attempts", Arity::kOne}}, Wait},
      {"ssh-config",
       {{"--user", Arity::kOne}, {"--identity", Arity::kOne}, {"--host-alias", Arity::kOne},
        {"--use-dns"}},
       SshConfig},
  };
  static const std::vector<Subcommand> kKeypair = {
      {"create", {{"--out", Arity::kOne}, {"--key-type", Arity::kOne}}, KeypairCreate},
      {"ls", {}, KeypairLs},
      {"delete", {}, KeypairDelete},
  };
  if (words.empty() && !global.help)
    return ReportUsage("awslab ec2 <subcommand> [parameters]",
                       "the following arguments are required: subcommand");
  if (words.empty() || words[0] == "help") {
    PrintHelp("ec2");
    return kExitOk;
  }
  const std::vector<Subcommand>* table = &kSubcommands;
  std::size_t first = 1;
  std::string topic = "ec2";
  if (words[0] == "keypair") {
    table = &kKeypair;
    topic = "ec2 keypair";
    if (words.size() < 2 && !global.help)
      return ReportUsage("awslab ec2 keypair create|ls|delete ...",
                         "the following arguments are required: subcommand");
    if (words.size() < 2 || words[1] == "help") {
      PrintHelp(topic);
      return kExitOk;
    }
    first = 2;
  }
  const std::string& name = words[first - 1];
  const Subcommand* sub = nullptr;
  for (const Subcommand& s : *table)
    if (s.name == name) sub = &s;
  if (!sub) {
    std::string choices = table == &kKeypair
                              ? "create | ls | delete"
                              : "run | ls | start | stop | reboot | terminate | wait | keypair | "
                                "ssh-config";
    return ReportUsage("awslab " + topic + " <subcommand> [parameters]",
                       "argument subcommand: Invalid choice '" + name +
                           "', valid choices are: " + choices);
  }
  Ec2Command c;
  c.topic = topic + " " + std::string(sub->name);
  std::vector<std::string> rest(words.begin() + static_cast<long>(first), words.end());
  if (global.help || (!rest.empty() && rest[0] == "help")) {
    PrintHelp(c.topic);
    return kExitOk;
  }
  std::string error;
  if (!ParseArgs(rest, sub->options, c.args, error)) return ReportUsage(UsageOf(c.topic), error);
  if (c.args.Has("--filters")) {  // the aws CLI's spelling
    auto& f = c.args.options["--filter"];
    for (const std::string& v : c.args.All("--filters")) f.push_back(v);
  }
  int code = kExitOk;
  auto ctx = MakeContext(global, code);
  if (!ctx) return code;
  if (ctx->config.sign && ctx->config.credentials.access_key_id.empty())
    return ReportError(client::MakeError(client::codes::kNoCredentials, ""), "");
  c.ctx = ctx.get();
  auto client = MakeEc2(*ctx);
  if (!client) return ReportError(client.error(), "");
  c.ec2.emplace(std::move(*client));
  return sub->run(c);
}

}  // namespace awslab::cli
