// Ec2Client against the real awslab-server: the course's walk-through, the
// waiters on a frozen clock, pagination, filters, key pairs, security groups,
// Elastic IPs, volumes, tags, regions, zones, images and EC2's error codes.
// Every server runs on a frozen clock (FrozenFlags), so nothing sleeps: the
// waiters "sleep" by moving the simulation clock through the admin API.
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "client/include/awslab/crypto.h"
#include "tests/client/lib/ec2_test_util.h"

namespace awslab::testing {
namespace {

using namespace client::ec2;  // NOLINT: the test speaks EC2
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr const char* kCourseAmi = "ami-d1737bb8";

// Each evaluates its expression once (a call), then fails the test with the
// error's text, or checks the error's code.
#define ASSERT_OK(expr)                                 \
  do {                                                  \
    auto&& ok_ = (expr);                                \
    ASSERT_TRUE(ok_) << ok_.error().ToString();         \
  } while (0)
#define EXPECT_CODE(expr, c)                                          \
  do {                                                                \
    auto&& code_ = (expr);                                            \
    if (code_) {                                                      \
      ADD_FAILURE() << "expected the error " << (c);                  \
    } else {                                                          \
      EXPECT_EQ(code_.error().code, (c)) << code_.error().ToString(); \
    }                                                                 \
  } while (0)

RunInstancesRequest OneInstance(std::string type = "t2.micro") {
  RunInstancesRequest r;
  r.image_id = kCourseAmi;
  r.instance_type = std::move(type);
  return r;
}

std::string TempPath(const RealServer& server, const std::string& name) {
  return server.dir() + "/" + name;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// "ec2-A-B-C-D.compute-1.amazonaws.com" for public IP A.B.C.D (us-east-1).
std::string ExpectedDns(const std::string& ip) {
  std::string dashed = ip;
  std::replace(dashed.begin(), dashed.end(), '.', '-');
  return "ec2-" + dashed + ".compute-1.amazonaws.com";
}

// The course's walk-through, step by step as the students do it.
TEST(Ec2ClientTest, CourseWalkThrough) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;

  // 1. A key pair, its private key written as course.pem with mode 0400.
  CreateKeyPairRequest kp;
  kp.key_name = "course";
  auto key = ec2.CreateKeyPair(kp);
  ASSERT_OK(key);
  EXPECT_EQ(key->key_name, "course");
  EXPECT_TRUE(key->key_material.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
  EXPECT_TRUE(key->key_pair_id.starts_with("key-"));
  EXPECT_EQ(std::count(key->key_fingerprint.begin(), key->key_fingerprint.end(), ':'), 19);
  std::string pem = TempPath(env.server, "course.pem");
  ASSERT_OK(WritePrivateKey(*key, pem));
  struct stat st;
  ASSERT_EQ(stat(pem.c_str(), &st), 0);
  EXPECT_TRUE(S_ISREG(st.st_mode));
  EXPECT_EQ(st.st_mode & 07777, 0400);
  EXPECT_EQ(ReadAll(pem), key->key_material);
  // Never overwritten, not even by the same key.
  KeyPair other = *key;
  other.key_material = "not a key";
  auto again = WritePrivateKey(other, pem);
  EXPECT_CODE(again, client::codes::kInvalidArgument);
  EXPECT_EQ(ReadAll(pem), key->key_material);

  // 2. A security group that lets SSH in.
  CreateSecurityGroupRequest sg;
  sg.group_name = "course-ssh";
  sg.description = "SSH from anywhere";
  auto group_id = ec2.CreateSecurityGroup(sg);
  ASSERT_OK(group_id);
  EXPECT_TRUE(group_id->starts_with("sg-"));
  IngressRequest ingress;
  ingress.group_id = *group_id;
  ingress.ip_permissions = {TcpPermission(22, "0.0.0.0/0")};
  ASSERT_OK(ec2.AuthorizeSecurityGroupIngress(ingress));

  // 3. Run an instance with the key, the group and a Name tag.
  RunInstancesRequest run = OneInstance();
  run.key_name = "course";
  run.security_group_ids = {*group_id};
  run.tags = {{"Name", "course-vm"}};
  auto reservation = ec2.RunInstances(run);
  ASSERT_OK(reservation);
  ASSERT_EQ(reservation->reservation.instances.size(), 1u);
  EXPECT_EQ(reservation->reservation.owner_id, "000000000000");
  const std::string id = reservation->reservation.instances[0].instance_id;
  EXPECT_TRUE(id.starts_with("i-"));

  // 4. Wait until it runs; read its public address.
  auto running = ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(15), 40));
  ASSERT_OK(running);
  ASSERT_EQ(running->size(), 1u);
  Instance vm = (*running)[0];
  EXPECT_EQ(vm.instance_id, id);
  EXPECT_EQ(vm.state.name, "running");
  EXPECT_EQ(vm.state.code, 16);
  EXPECT_EQ(vm.image_id, kCourseAmi);
  EXPECT_EQ(vm.instance_type, "t2.micro");
  EXPECT_EQ(vm.key_name, "course");
  EXPECT_EQ(vm.launch_time, "2013-04-01T00:00:00.000Z");
  ASSERT_EQ(vm.security_groups.size(), 1u);
  EXPECT_EQ(vm.security_groups[0].group_id, *group_id);
  EXPECT_EQ(vm.security_groups[0].group_name, "course-ssh");
  EXPECT_EQ(vm.TagValue("Name"), "course-vm");
  EXPECT_FALSE(vm.TagValue("Owner").has_value());
  EXPECT_TRUE(std::regex_match(vm.public_ip_address, std::regex(R"(\d+\.\d+\.\d+\.\d+)")))
      << vm.public_ip_address;
  EXPECT_EQ(vm.public_dns_name, ExpectedDns(vm.public_ip_address));
  EXPECT_TRUE(vm.private_ip_address.starts_with("172.31.")) << vm.private_ip_address;
  EXPECT_TRUE(vm.availability_zone.starts_with("us-east-1"));
  EXPECT_TRUE(vm.subnet_id.starts_with("subnet-"));
  EXPECT_TRUE(vm.vpc_id.starts_with("vpc-"));
  ASSERT_EQ(vm.block_devices.size(), 1u);
  EXPECT_EQ(vm.block_devices[0].device_name, "/dev/sda1");
  EXPECT_TRUE(vm.block_devices[0].delete_on_termination);
  EXPECT_TRUE(vm.instance_lifecycle.empty());
  const std::string first_ip = vm.public_ip_address;
  const std::string private_ip = vm.private_ip_address;

  // 5. Stop it: it loses its public address.
  env.admin.AdvanceClock("PT1H").value();
  auto stop = ec2.StopInstances({id});
  ASSERT_OK(stop);
  ASSERT_EQ(stop->size(), 1u);
  EXPECT_EQ((*stop)[0].instance_id, id);
  EXPECT_EQ((*stop)[0].previous_state.name, "running");
  auto stopped = ec2.Wait(InstanceWaiter::kStopped, {id}, env.ClockWaiter(seconds(15), 40));
  ASSERT_OK(stopped);
  EXPECT_EQ((*stopped)[0].state.name, "stopped");
  EXPECT_EQ((*stopped)[0].state.code, 80);
  EXPECT_EQ((*stopped)[0].public_ip_address, "");
  EXPECT_EQ((*stopped)[0].public_dns_name, "");
  EXPECT_EQ((*stopped)[0].private_ip_address, private_ip);

  // 6. Start it again: a new public address, the same private one.
  env.admin.AdvanceClock("PT1H").value();
  auto start = ec2.StartInstances({id});
  ASSERT_OK(start);
  EXPECT_EQ((*start)[0].previous_state.name, "stopped");
  auto restarted = ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(15), 40));
  ASSERT_OK(restarted);
  vm = (*restarted)[0];
  EXPECT_FALSE(vm.public_ip_address.empty());
  EXPECT_NE(vm.public_ip_address, first_ip);
  EXPECT_EQ(vm.public_dns_name, ExpectedDns(vm.public_ip_address));
  EXPECT_EQ(vm.private_ip_address, private_ip);
  EXPECT_EQ(vm.launch_time, "2013-04-01T02:00:00.000Z");

  // 7. An Elastic IP: the instance's address from now on, across stop/start.
  auto eip = ec2.AllocateAddress();
  ASSERT_OK(eip);
  EXPECT_EQ(eip->domain, "vpc");
  EXPECT_TRUE(eip->allocation_id.starts_with("eipalloc-"));
  AssociateAddressRequest assoc;
  assoc.allocation_id = eip->allocation_id;
  assoc.instance_id = id;
  auto association = ec2.AssociateAddress(assoc);
  ASSERT_OK(association);
  EXPECT_TRUE(association->starts_with("eipassoc-")) << *association;
  auto described = ec2.DescribeInstance(id);
  ASSERT_OK(described);
  EXPECT_EQ(described->public_ip_address, eip->public_ip);
  EXPECT_EQ(described->public_dns_name, ExpectedDns(eip->public_ip));
  ASSERT_OK(ec2.StopInstances({id}));
  ASSERT_OK(ec2.Wait(InstanceWaiter::kStopped, {id}, env.ClockWaiter(seconds(15), 40)));
  described = ec2.DescribeInstance(id);
  ASSERT_OK(described);
  EXPECT_EQ(described->public_ip_address, eip->public_ip) << "an EIP stays while stopped";
  ASSERT_OK(ec2.StartInstances({id}));
  ASSERT_OK(ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(15), 40)));
  described = ec2.DescribeInstance(id);
  ASSERT_OK(described);
  EXPECT_EQ(described->public_ip_address, eip->public_ip) << "an EIP survives stop/start";
  DescribeAddressesRequest addresses;
  addresses.allocation_ids = {eip->allocation_id};
  auto listed = ec2.DescribeAddresses(addresses);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].instance_id, id);
  EXPECT_EQ((*listed)[0].association_id, *association);
  EXPECT_EQ((*listed)[0].public_ip, eip->public_ip);
  EXPECT_EQ((*listed)[0].private_ip_address, private_ip);

  // 8. Terminate; the address is let go, and can then be released.
  auto terminate = ec2.TerminateInstances({id});
  ASSERT_OK(terminate);
  EXPECT_EQ((*terminate)[0].previous_state.name, "running");
  auto terminated =
      ec2.Wait(InstanceWaiter::kTerminated, {id}, env.ClockWaiter(seconds(15), 40));
  ASSERT_OK(terminated);
  EXPECT_EQ((*terminated)[0].state.name, "terminated");
  EXPECT_EQ((*terminated)[0].state.code, 48);
  listed = ec2.DescribeAddresses(addresses);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].instance_id, "");
  EXPECT_EQ((*listed)[0].association_id, "");
  ASSERT_OK(ec2.ReleaseAddress(eip->allocation_id));
  listed = ec2.DescribeAddresses(addresses);
  EXPECT_CODE(listed, "InvalidAllocationID.NotFound");
  // The group is free once the instance is gone; the key can go too.
  ASSERT_OK(ec2.DeleteSecurityGroup(*group_id));
  ASSERT_OK(ec2.DeleteKeyPair("course"));
}

// The waiters on a clock that moves only when they "sleep".
TEST(Ec2ClientTest, WaitersFollowBotocoresModel) {
  Ec2Env env(FrozenFlags({"--ec2-pending", "5", "--ec2-stopping", "5", "--ec2-shutting-down", "5"}));
  Ec2Client& ec2 = env.ec2;
  auto run = ec2.RunInstances(OneInstance());
  ASSERT_OK(run);
  const std::string id = run->reservation.instances[0].instance_id;
  EXPECT_EQ(run->reservation.instances[0].state.name, "pending");
  EXPECT_EQ(run->reservation.instances[0].state.code, 0);

  // Pending for 5 s, polled every 2 s: seen at 0, 2, 4 (pending), 6 (running).
  int sleeps = 0;
  auto running = ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(2), 10, &sleeps));
  ASSERT_OK(running);
  EXPECT_EQ(sleeps, 3);
  EXPECT_EQ(env.admin.GetClock()->now, "2013-04-01T00:00:06.000Z");

  // Stopping: the running waiter fails at once (a failure state); the
  // stopped waiter gives up after its attempts, then succeeds with more.
  ASSERT_OK(ec2.StopInstances({id}));
  sleeps = 0;
  auto fail = ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(2), 10, &sleeps));
  EXPECT_CODE(fail, kWaiterFailure);
  EXPECT_NE(fail.error().message.find("stopping"), std::string::npos) << fail.error().message;
  EXPECT_EQ(sleeps, 0);
  auto too_few = ec2.Wait(InstanceWaiter::kStopped, {id}, env.ClockWaiter(seconds(1), 2, &sleeps));
  EXPECT_CODE(too_few, kWaiterMaxAttempts);
  EXPECT_EQ(sleeps, 1) << "no sleep after the last attempt";
  auto stopped = ec2.Wait(InstanceWaiter::kStopped, {id}, env.ClockWaiter(seconds(1), 10));
  ASSERT_OK(stopped);

  // Starting again: pending is a failure state for the stopped and
  // terminated waiters.
  ASSERT_OK(ec2.StartInstances({id}));
  EXPECT_CODE(ec2.Wait(InstanceWaiter::kStopped, {id}, env.ClockWaiter(seconds(1), 10)),
              kWaiterFailure);
  EXPECT_CODE(ec2.Wait(InstanceWaiter::kTerminated, {id}, env.ClockWaiter(seconds(1), 10)),
              kWaiterFailure);
  ASSERT_OK(ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(5), 10)));

  // Terminating: shutting-down fails the running waiter.
  ASSERT_OK(ec2.TerminateInstances({id}));
  EXPECT_CODE(ec2.Wait(InstanceWaiter::kRunning, {id}, env.ClockWaiter(seconds(1), 10)),
              kWaiterFailure);
  ASSERT_OK(ec2.Wait(InstanceWaiter::kTerminated, {id}, env.ClockWaiter(seconds(1), 10)));

  // An id that does not exist: retried by the running waiter (as
  // InvalidInstanceID.NotFound is in the model), an error for the others.
  const std::string missing = "i-0123456789abcdef0";
  sleeps = 0;
  EXPECT_CODE(ec2.Wait(InstanceWaiter::kRunning, {missing}, env.ClockWaiter(seconds(1), 3, &sleeps)),
              kWaiterMaxAttempts);
  EXPECT_EQ(sleeps, 2);
  EXPECT_CODE(ec2.Wait(InstanceWaiter::kStopped, {missing}, env.ClockWaiter(seconds(1), 3)),
              "InvalidInstanceID.NotFound");
}

// A real wait in wall time: the default sleep, a short delay.
TEST(Ec2ClientTest, WaiterSleepsByDefault) {
  Ec2Env env;
  auto run = env.ec2.RunInstances(OneInstance());
  ASSERT_OK(run);
  const std::string id = run->reservation.instances[0].instance_id;
  WaiterOptions o;
  o.delay = milliseconds(20);
  o.max_attempts = 3;
  auto start = std::chrono::steady_clock::now();
  EXPECT_CODE(env.ec2.Wait(InstanceWaiter::kStopped, {id}, o), kWaiterMaxAttempts);
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(40));
}

TEST(Ec2ClientTest, PaginatesThirtyInstancesInPagesOfTen) {
  Ec2Env env(FrozenFlags({"--ec2-instance-limit", "40"}));
  Ec2Client& ec2 = env.ec2;
  std::set<std::string> launched;
  for (int i = 0; i < 3; ++i) {
    RunInstancesRequest run = OneInstance();
    run.min_count = run.max_count = 10;
    run.tags = {{"batch", std::to_string(i)}};
    auto r = ec2.RunInstances(run);
    ASSERT_OK(r);
    ASSERT_EQ(r->reservation.instances.size(), 10u);
    for (const Instance& in : r->reservation.instances) launched.insert(in.instance_id);
  }
  ASSERT_EQ(launched.size(), 30u);

  DescribeInstancesRequest request;
  request.max_results = 10;
  InstancePaginator pages(ec2, request);
  int page_count = 0;
  std::set<std::string> seen;
  std::size_t listed = 0;
  while (pages.HasMorePages()) {
    auto page = pages.NextPage();
    ASSERT_OK(page);
    ++page_count;
    auto instances = page->Instances();
    EXPECT_LE(instances.size(), 10u);
    listed += instances.size();
    for (const Instance& in : instances) seen.insert(in.instance_id);
    ASSERT_LE(page_count, 10) << "the paginator does not end";
  }
  EXPECT_GE(page_count, 3);
  EXPECT_EQ(listed, 30u) << "an instance listed twice";
  EXPECT_EQ(seen, launched);
  auto after = pages.NextPage();
  EXPECT_CODE(after, client::codes::kInvalidArgument);

  auto all = ec2.DescribeAllInstances(request);
  ASSERT_OK(all);
  EXPECT_EQ(all->size(), 30u);
  // Pages of 10 from a filter: the second batch only.
  DescribeInstancesRequest filtered = request;
  filtered.max_results = 5;
  filtered.filters = {{"tag:batch", {"1"}}};
  auto batch = ec2.DescribeAllInstances(filtered);
  ASSERT_OK(batch);
  EXPECT_EQ(batch->size(), 10u);
  for (const Instance& in : *batch) EXPECT_EQ(in.TagValue("batch"), "1");
  // One page without MaxResults holds them all.
  auto one = ec2.DescribeInstances();
  ASSERT_OK(one);
  EXPECT_EQ(one->Instances().size(), 30u);
  EXPECT_EQ(one->next_token, "");
  // MaxResults below EC2's minimum (5) is refused.
  DescribeInstancesRequest tiny;
  tiny.max_results = 2;
  EXPECT_CODE(ec2.DescribeInstances(tiny), "InvalidParameterValue");
}

TEST(Ec2ClientTest, FiltersAndInstanceFields) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  RunInstancesRequest a = OneInstance("t2.micro");
  a.tags = {{"Name", "web-1"}, {"role", "web"}};
  RunInstancesRequest b = OneInstance("t2.nano");
  b.tags = {{"Name", "db-1"}, {"role", "db"}};
  auto ra = ec2.RunInstances(a);
  auto rb = ec2.RunInstances(b);
  ASSERT_OK(ra);
  ASSERT_OK(rb);
  const std::string ida = ra->reservation.instances[0].instance_id;
  const std::string idb = rb->reservation.instances[0].instance_id;
  ASSERT_OK(ec2.StopInstances({idb}));

  auto ids_of = [&](std::vector<Filter> filters) {
    DescribeInstancesRequest r;
    r.filters = std::move(filters);
    std::set<std::string> out;
    auto all = ec2.DescribeAllInstances(r);
    EXPECT_TRUE(all) << all.error().ToString();
    if (all)
      for (const Instance& i : *all) out.insert(i.instance_id);
    return out;
  };
  EXPECT_EQ(ids_of({{"tag:Name", {"web-*"}}}), std::set<std::string>{ida});
  EXPECT_EQ(ids_of({{"tag:role", {"db", "web"}}}), (std::set<std::string>{ida, idb}));
  EXPECT_EQ(ids_of({{"instance-state-name", {"stopped"}}}), std::set<std::string>{idb});
  EXPECT_EQ(ids_of({{"instance-type", {"t2.?ano"}}}), std::set<std::string>{idb});
  EXPECT_EQ(ids_of({{"tag-key", {"role"}}, {"instance-state-name", {"running"}}}),
            std::set<std::string>{ida});
  EXPECT_EQ(ids_of({{"tag-value", {"nothing"}}}), std::set<std::string>{});
  DescribeInstancesRequest bad;
  bad.filters = {{"no-such-filter", {"x"}}};
  auto refused = ec2.DescribeInstances(bad);
  EXPECT_CODE(refused, "InvalidParameterValue");
  EXPECT_EQ(refused.error().http_status, 400);

  // By ids; one instance; unknown ids.
  DescribeInstancesRequest by_ids;
  by_ids.instance_ids = {ida, idb};
  auto both = ec2.DescribeInstances(by_ids);
  ASSERT_OK(both);
  EXPECT_EQ(both->Instances().size(), 2u);
  auto one = ec2.DescribeInstance(idb);
  ASSERT_OK(one);
  EXPECT_EQ(one->instance_type, "t2.nano");
  EXPECT_EQ(one->state.name, "stopped");
  EXPECT_EQ(one->TagValue("role"), "db");
  auto missing = ec2.DescribeInstance("i-0123456789abcdef0");
  EXPECT_CODE(missing, "InvalidInstanceID.NotFound");
  EXPECT_EQ(missing.error().http_status, 400);
  EXPECT_FALSE(missing.error().request_id.empty());
  EXPECT_NE(missing.error().message.find("i-0123456789abcdef0"), std::string::npos);
  EXPECT_CODE(ec2.DescribeInstance("i-nothere"), "InvalidInstanceID.Malformed");
}

TEST(Ec2ClientTest, StateChangesAndTheirErrors) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  RunInstancesRequest run = OneInstance();
  run.min_count = 2;
  run.max_count = 3;
  auto r = ec2.RunInstances(run);
  ASSERT_OK(r);
  ASSERT_EQ(r->reservation.instances.size(), 3u);
  std::vector<std::string> ids;
  for (const Instance& i : r->reservation.instances) ids.push_back(i.instance_id);
  EXPECT_EQ(r->reservation.instances[2].ami_launch_index, 2);

  // Reboot keeps a running instance running.
  ASSERT_OK(ec2.RebootInstances(ids));
  auto after = ec2.DescribeInstance(ids[0]);
  ASSERT_OK(after);
  EXPECT_EQ(after->state.name, "running");
  // DryRun: the checks, then DryRunOperation (412), nothing changed.
  auto dry = ec2.StopInstances({ids[0]}, std::nullopt, true);
  EXPECT_CODE(dry, "DryRunOperation");
  EXPECT_EQ(dry.error().http_status, 412);
  EXPECT_EQ(ec2.DescribeInstance(ids[0])->state.name, "running");
  // Stopping a stopped one changes nothing and reports it.
  ASSERT_OK(ec2.StopInstances({ids[0]}, /*force=*/true));
  auto twice = ec2.StopInstances({ids[0]});
  ASSERT_OK(twice);
  EXPECT_EQ((*twice)[0].previous_state.name, "stopped");
  EXPECT_EQ((*twice)[0].current_state.name, "stopped");
  // Rebooting a stopped instance, starting a terminated one: refused.
  EXPECT_CODE(ec2.RebootInstances({ids[0]}), "IncorrectInstanceState");
  auto gone = ec2.TerminateInstances({ids[1], ids[2]});
  ASSERT_OK(gone);
  ASSERT_EQ(gone->size(), 2u);
  EXPECT_EQ((*gone)[0].current_state.name, "terminated");
  auto start = ec2.StartInstances({ids[1]});
  EXPECT_CODE(start, "IncorrectInstanceState");
  EXPECT_NE(start.error().message.find(ids[1]), std::string::npos);
  EXPECT_CODE(ec2.StopInstances({ids[2]}), "IncorrectInstanceState");
  EXPECT_CODE(ec2.TerminateInstances({"i-0123456789abcdef0"}), "InvalidInstanceID.NotFound");
  // A state change of several instances answers for each.
  auto started = ec2.StartInstances({ids[0]});
  ASSERT_OK(started);
  EXPECT_EQ((*started)[0].current_state.name, "running");
}

TEST(Ec2ClientTest, RunInstancesOptions) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  RunInstancesRequest run = OneInstance("m1.small");
  run.availability_zone = "us-east-1c";
  run.user_data = "#!/bin/bash\necho hello > /tmp/hello\n";
  run.client_token = "token-1";
  run.tag_specifications = {{"volume", {{"disk", "root"}}}};
  run.block_device_mappings = {{"/dev/sda1", true, 20, "gp3", std::nullopt}};
  auto r = ec2.RunInstances(run);
  ASSERT_OK(r);
  const Instance& i = r->reservation.instances[0];
  EXPECT_EQ(i.availability_zone, "us-east-1c");
  EXPECT_EQ(i.instance_type, "m1.small");
  EXPECT_EQ(i.client_token, "token-1");
  // ClientToken makes the call idempotent: the same reservation again.
  auto again = ec2.RunInstances(run);
  ASSERT_OK(again);
  EXPECT_EQ(again->reservation.instances[0].instance_id, i.instance_id);
  // The user data arrives as given (the client base64-encodes it).
  auto attr = ec2.Send("DescribeInstanceAttribute",
                       {{"Attribute", "userData"}, {"InstanceId", i.instance_id}});
  ASSERT_OK(attr);
  EXPECT_NE(attr->body.find(crypto::Base64(run.user_data)), std::string::npos) << attr->body;
  // The root volume: the mapping's size and type, tagged.
  ASSERT_EQ(i.block_devices.size(), 1u);
  DescribeVolumesRequest vr;
  vr.volume_ids = {i.block_devices[0].volume_id};
  auto vols = ec2.DescribeVolumes(vr);
  ASSERT_OK(vols);
  ASSERT_EQ(vols->volumes.size(), 1u);
  EXPECT_EQ(vols->volumes[0].size, 20);
  EXPECT_EQ(vols->volumes[0].volume_type, "gp3");
  EXPECT_EQ(FindTag(vols->volumes[0].tags, "disk"), "root");
  // Without a ClientToken a fresh one is made each time: two instances.
  RunInstancesRequest plain = OneInstance();
  auto p1 = ec2.RunInstances(plain);
  auto p2 = ec2.RunInstances(plain);
  ASSERT_OK(p1);
  ASSERT_OK(p2);
  EXPECT_NE(p1->reservation.instances[0].instance_id, p2->reservation.instances[0].instance_id);
  EXPECT_NE(p1->reservation.instances[0].client_token, p2->reservation.instances[0].client_token);
  // Unknown image, security group, key; a limit.
  RunInstancesRequest bad = OneInstance();
  bad.image_id = "ami-12345678";
  EXPECT_CODE(ec2.RunInstances(bad), "InvalidAMIID.NotFound");
  bad = OneInstance();
  bad.key_name = "nokey";
  EXPECT_CODE(ec2.RunInstances(bad), "InvalidKeyPair.NotFound");
  bad = OneInstance();
  bad.security_groups = {"nogroup"};
  EXPECT_CODE(ec2.RunInstances(bad), "InvalidGroup.NotFound");
  bad = OneInstance();
  bad.min_count = bad.max_count = 30;
  EXPECT_CODE(ec2.RunInstances(bad), "InstanceLimitExceeded");
  bad = OneInstance();
  bad.dry_run = true;
  EXPECT_CODE(ec2.RunInstances(bad), "DryRunOperation");
}

TEST(Ec2ClientTest, SpotInstances) {
  Ec2Env env;
  RunInstancesRequest run = OneInstance();
  run.spot = SpotOptions{"0.05", "one-time", "terminate"};
  auto r = env.ec2.RunInstances(run);
  ASSERT_OK(r);
  const std::string id = r->reservation.instances[0].instance_id;
  auto i = env.ec2.DescribeInstance(id);
  ASSERT_OK(i);
  EXPECT_EQ(i->instance_lifecycle, "spot");
  EXPECT_TRUE(i->spot_instance_request_id.starts_with("sir-")) << i->spot_instance_request_id;
  // The course's era: a spot instance cannot be stopped.
  EXPECT_CODE(env.ec2.StopInstances({id}), "UnsupportedOperation");
  ASSERT_OK(env.ec2.TerminateInstances({id}));
}

TEST(Ec2ClientTest, KeyPairs) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  CreateKeyPairRequest rsa;
  rsa.key_name = "rsa-key";
  rsa.tags = {{"owner", "alice"}};
  auto created = ec2.CreateKeyPair(rsa);
  ASSERT_OK(created);
  EXPECT_EQ(FindTag(created->tags, "owner"), "alice");
  auto duplicate = ec2.CreateKeyPair(rsa);
  EXPECT_CODE(duplicate, "InvalidKeyPair.Duplicate");
  EXPECT_EQ(duplicate.error().http_status, 400);

  CreateKeyPairRequest ed;
  ed.key_name = "ed-key";
  ed.key_type = "ed25519";
  auto ed_key = ec2.CreateKeyPair(ed);
  ASSERT_OK(ed_key);
  EXPECT_TRUE(ed_key->key_material.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----"));
  CreateKeyPairRequest ppk = ed;
  ppk.key_name = "ppk-key";
  ppk.key_format = "ppk";
  EXPECT_FALSE(ec2.CreateKeyPair(ppk));

  // An OpenSSH public key line, imported.
  std::string blob;
  auto put = [&](std::string_view s) {
    for (int shift = 24; shift >= 0; shift -= 8) blob.push_back(static_cast<char>((s.size() >> shift) & 0xff));
    blob += s;
  };
  put("ssh-ed25519");
  std::string point(32, '\0');
  for (int k = 0; k < 32; ++k) point[k] = static_cast<char>(k);
  put(point);
  ImportKeyPairRequest import;
  import.key_name = "imported";
  import.public_key_material = "ssh-ed25519 " + crypto::Base64(blob) + " me@laptop";
  auto imported = ec2.ImportKeyPair(import);
  ASSERT_OK(imported);
  EXPECT_EQ(imported->key_name, "imported");
  // ED25519: base64 of the SHA-256 of the key blob.
  EXPECT_EQ(imported->key_fingerprint, crypto::Base64(crypto::Sha256(blob)));
  EXPECT_CODE(ec2.ImportKeyPair(import), "InvalidKeyPair.Duplicate");

  auto all = ec2.DescribeKeyPairs();
  ASSERT_OK(all);
  std::set<std::string> names;
  for (const KeyPairInfo& k : *all) names.insert(k.key_name);
  EXPECT_EQ(names, (std::set<std::string>{"rsa-key", "ed-key", "imported"}));
  DescribeKeyPairsRequest by_name;
  by_name.key_names = {"ed-key"};
  auto one = ec2.DescribeKeyPairs(by_name);
  ASSERT_OK(one);
  ASSERT_EQ(one->size(), 1u);
  EXPECT_EQ((*one)[0].key_type, "ed25519");
  EXPECT_EQ((*one)[0].key_pair_id, ed_key->key_pair_id);
  EXPECT_EQ((*one)[0].create_time, "2013-04-01T00:00:00.000Z");
  DescribeKeyPairsRequest by_tag;
  by_tag.filters = {{"tag:owner", {"alice"}}};
  auto tagged = ec2.DescribeKeyPairs(by_tag);
  ASSERT_OK(tagged);
  ASSERT_EQ(tagged->size(), 1u);
  EXPECT_EQ((*tagged)[0].key_name, "rsa-key");
  DescribeKeyPairsRequest missing;
  missing.key_names = {"nope"};
  EXPECT_CODE(ec2.DescribeKeyPairs(missing), "InvalidKeyPair.NotFound");

  ASSERT_OK(ec2.DeleteKeyPair("rsa-key"));
  ASSERT_OK(ec2.DeleteKeyPair("", ed_key->key_pair_id));
  auto left = ec2.DescribeKeyPairs();
  ASSERT_OK(left);
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].key_name, "imported");
}

TEST(Ec2ClientTest, SecurityGroups) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  CreateSecurityGroupRequest web;
  web.group_name = "web";
  web.description = "web servers";
  web.tags = {{"tier", "front"}};
  auto web_id = ec2.CreateSecurityGroup(web);
  ASSERT_OK(web_id);
  EXPECT_CODE(ec2.CreateSecurityGroup(web), "InvalidGroup.Duplicate");
  CreateSecurityGroupRequest db;
  db.group_name = "db";
  db.description = "databases";
  auto db_id = ec2.CreateSecurityGroup(db);
  ASSERT_OK(db_id);

  // Ingress by name: SSH and HTTP from anywhere, with a description.
  IngressRequest in;
  in.group_name = "web";
  in.ip_permissions = {TcpPermission(22, "0.0.0.0/0"), TcpPermission(80, "0.0.0.0/0")};
  in.ip_permissions[1].ip_ranges[0].description = "http for all";
  ASSERT_OK(ec2.AuthorizeSecurityGroupIngress(in));
  EXPECT_CODE(ec2.AuthorizeSecurityGroupIngress(in), "InvalidPermission.Duplicate");
  // Ingress from another group (by id), egress to a CIDR.
  IngressRequest from_web;
  from_web.group_id = *db_id;
  IpPermission mysql;
  mysql.ip_protocol = "tcp";
  mysql.from_port = mysql.to_port = 3306;
  mysql.user_id_group_pairs = {{"", *web_id, "", ""}};
  from_web.ip_permissions = {mysql};
  ASSERT_OK(ec2.AuthorizeSecurityGroupIngress(from_web));
  EgressRequest out;
  out.group_id = *db_id;
  IpPermission backups;
  backups.ip_protocol = "tcp";
  backups.from_port = 443;
  backups.to_port = 443;
  backups.ip_ranges = {{"10.0.0.0/8", ""}};
  out.ip_permissions = {backups};
  ASSERT_OK(ec2.AuthorizeSecurityGroupEgress(out));

  DescribeSecurityGroupsRequest by_id;
  by_id.group_ids = {*web_id, *db_id};
  auto groups = ec2.DescribeSecurityGroups(by_id);
  ASSERT_OK(groups);
  ASSERT_EQ(groups->security_groups.size(), 2u);
  for (const SecurityGroup& g : groups->security_groups) {
    EXPECT_EQ(g.owner_id, "000000000000");
    EXPECT_TRUE(g.vpc_id.starts_with("vpc-"));
    if (g.group_id == *web_id) {
      EXPECT_EQ(g.group_name, "web");
      EXPECT_EQ(g.description, "web servers");
      EXPECT_EQ(FindTag(g.tags, "tier"), "front");
      ASSERT_EQ(g.ip_permissions.size(), 2u);
      std::set<int> ports;
      for (const IpPermission& p : g.ip_permissions) {
        EXPECT_EQ(p.ip_protocol, "tcp");
        ASSERT_TRUE(p.from_port && p.to_port);
        EXPECT_EQ(*p.from_port, *p.to_port);
        ports.insert(*p.from_port);
        ASSERT_EQ(p.ip_ranges.size(), 1u);
        EXPECT_EQ(p.ip_ranges[0].cidr_ip, "0.0.0.0/0");
        if (*p.from_port == 80) EXPECT_EQ(p.ip_ranges[0].description, "http for all");
      }
      EXPECT_EQ(ports, (std::set<int>{22, 80}));
      // The default egress rule: everything out.
      ASSERT_EQ(g.ip_permissions_egress.size(), 1u);
      EXPECT_EQ(g.ip_permissions_egress[0].ip_protocol, "-1");
      EXPECT_FALSE(g.ip_permissions_egress[0].from_port.has_value());
    } else {
      ASSERT_EQ(g.ip_permissions.size(), 1u);
      ASSERT_EQ(g.ip_permissions[0].user_id_group_pairs.size(), 1u);
      EXPECT_EQ(g.ip_permissions[0].user_id_group_pairs[0].group_id, *web_id);
      EXPECT_EQ(g.ip_permissions_egress.size(), 2u);
    }
  }

  // Revoke SSH; revoking it again is InvalidPermission.NotFound.
  IngressRequest revoke;
  revoke.group_id = *web_id;
  revoke.ip_permissions = {TcpPermission(22, "0.0.0.0/0")};
  ASSERT_OK(ec2.RevokeSecurityGroupIngress(revoke));
  EXPECT_CODE(ec2.RevokeSecurityGroupIngress(revoke), "InvalidPermission.NotFound");
  DescribeSecurityGroupsRequest by_name;
  by_name.group_names = {"web"};
  auto web_now = ec2.DescribeSecurityGroups(by_name);
  ASSERT_OK(web_now);
  ASSERT_EQ(web_now->security_groups.size(), 1u);
  ASSERT_EQ(web_now->security_groups[0].ip_permissions.size(), 1u);
  EXPECT_EQ(web_now->security_groups[0].ip_permissions[0].from_port, 80);

  // Filters, the default group, pages.
  DescribeSecurityGroupsRequest filtered;
  filtered.filters = {{"group-name", {"d*"}}};
  auto d = ec2.DescribeSecurityGroups(filtered);
  ASSERT_OK(d);
  std::set<std::string> names;
  for (const SecurityGroup& g : d->security_groups) names.insert(g.group_name);
  EXPECT_EQ(names, (std::set<std::string>{"db", "default"}));
  DescribeSecurityGroupsRequest paged;
  paged.max_results = 5;
  auto page = ec2.DescribeSecurityGroups(paged);
  ASSERT_OK(page);
  EXPECT_EQ(page->security_groups.size(), 3u);
  EXPECT_EQ(page->next_token, "");
  EXPECT_CODE(ec2.DeleteSecurityGroup("", "default"), "CannotDelete");

  // A group in use by an instance cannot go; by name once it is free.
  RunInstancesRequest run = OneInstance();
  run.security_group_ids = {*web_id};
  auto r = ec2.RunInstances(run);
  ASSERT_OK(r);
  EXPECT_CODE(ec2.DeleteSecurityGroup(*web_id), "DependencyViolation");
  ASSERT_OK(ec2.TerminateInstances({r->reservation.instances[0].instance_id}));
  ASSERT_OK(ec2.DeleteSecurityGroup(*db_id));
  ASSERT_OK(ec2.DeleteSecurityGroup("", "web"));
  DescribeSecurityGroupsRequest gone;
  gone.group_ids = {*web_id};
  EXPECT_CODE(ec2.DescribeSecurityGroups(gone), "InvalidGroup.NotFound");
}

TEST(Ec2ClientTest, ElasticIps) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  auto r = ec2.RunInstances([] {
    RunInstancesRequest run = OneInstance();
    run.min_count = run.max_count = 2;
    return run;
  }());
  ASSERT_OK(r);
  const std::string a = r->reservation.instances[0].instance_id;
  const std::string b = r->reservation.instances[1].instance_id;

  AllocateAddressRequest alloc;
  alloc.tags = {{"use", "web"}};
  auto eip = ec2.AllocateAddress(alloc);
  ASSERT_OK(eip);
  AssociateAddressRequest to_a;
  to_a.allocation_id = eip->allocation_id;
  to_a.instance_id = a;
  auto assoc = ec2.AssociateAddress(to_a);
  ASSERT_OK(assoc);
  // Moving it needs AllowReassociation.
  AssociateAddressRequest to_b = to_a;
  to_b.instance_id = b;
  EXPECT_CODE(ec2.AssociateAddress(to_b), "Resource.AlreadyAssociated");
  to_b.allow_reassociation = true;
  auto moved = ec2.AssociateAddress(to_b);
  ASSERT_OK(moved);
  EXPECT_EQ(ec2.DescribeInstance(b)->public_ip_address, eip->public_ip);
  EXPECT_NE(ec2.DescribeInstance(a)->public_ip_address, eip->public_ip);
  EXPECT_CODE(ec2.ReleaseAddress(eip->allocation_id), "InvalidIPAddress.InUse");

  DescribeAddressesRequest by_filter;
  by_filter.filters = {{"tag:use", {"web"}}};
  auto listed = ec2.DescribeAddresses(by_filter);
  ASSERT_OK(listed);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].instance_id, b);
  EXPECT_EQ((*listed)[0].association_id, *moved);
  EXPECT_EQ((*listed)[0].domain, "vpc");
  EXPECT_EQ(FindTag((*listed)[0].tags, "use"), "web");
  DescribeAddressesRequest by_ip;
  by_ip.public_ips = {eip->public_ip};
  ASSERT_EQ(ec2.DescribeAddresses(by_ip)->size(), 1u);

  ASSERT_OK(ec2.DisassociateAddress(*moved));
  EXPECT_CODE(ec2.DisassociateAddress(*moved), "InvalidAssociationID.NotFound");
  auto after = ec2.DescribeAddresses(by_ip);
  ASSERT_OK(after);
  EXPECT_EQ((*after)[0].instance_id, "");
  ASSERT_OK(ec2.ReleaseAddress(eip->allocation_id));
  EXPECT_CODE(ec2.ReleaseAddress(eip->allocation_id), "InvalidAllocationID.NotFound");
  // Five per region.
  for (int i = 0; i < 5; ++i) ASSERT_OK(ec2.AllocateAddress());
  EXPECT_CODE(ec2.AllocateAddress(), "AddressLimitExceeded");
}

TEST(Ec2ClientTest, Volumes) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  auto r = ec2.RunInstances(OneInstance());
  ASSERT_OK(r);
  const Instance& vm = r->reservation.instances[0];

  CreateVolumeRequest create;
  create.availability_zone = vm.availability_zone;
  create.size = 10;
  create.volume_type = "gp3";
  create.tags = {{"data", "yes"}};
  auto vol = ec2.CreateVolume(create);
  ASSERT_OK(vol);
  EXPECT_TRUE(vol->volume_id.starts_with("vol-"));
  EXPECT_EQ(vol->size, 10);
  EXPECT_EQ(vol->state, "creating");
  EXPECT_EQ(vol->volume_type, "gp3");
  EXPECT_EQ(vol->availability_zone, vm.availability_zone);
  EXPECT_EQ(FindTag(vol->tags, "data"), "yes");
  // "creating" for 2 s of the clock.
  AttachVolumeRequest attach;
  attach.device = "/dev/sdf";
  attach.instance_id = vm.instance_id;
  attach.volume_id = vol->volume_id;
  env.admin.AdvanceClock("PT2S").value();
  DescribeVolumesRequest one;
  one.volume_ids = {vol->volume_id};
  EXPECT_EQ(ec2.DescribeVolumes(one)->volumes[0].state, "available");

  auto attached = ec2.AttachVolume(attach);
  ASSERT_OK(attached);
  EXPECT_EQ(attached->volume_id, vol->volume_id);
  EXPECT_EQ(attached->instance_id, vm.instance_id);
  EXPECT_EQ(attached->device, "/dev/sdf");
  auto described = ec2.DescribeVolumes(one);
  ASSERT_OK(described);
  const Volume& v = described->volumes[0];
  EXPECT_EQ(v.state, "in-use");
  ASSERT_EQ(v.attachments.size(), 1u);
  EXPECT_EQ(v.attachments[0].instance_id, vm.instance_id);
  EXPECT_EQ(v.attachments[0].device, "/dev/sdf");
  EXPECT_EQ(v.attachments[0].state, "attached");
  EXPECT_FALSE(v.attachments[0].delete_on_termination);
  EXPECT_CODE(ec2.DeleteVolume(vol->volume_id), "VolumeInUse");
  EXPECT_EQ(ec2.DescribeInstance(vm.instance_id)->block_devices.size(), 2u);

  DetachVolumeRequest detach;
  detach.volume_id = vol->volume_id;
  auto detached = ec2.DetachVolume(detach);
  ASSERT_OK(detached);
  EXPECT_EQ(detached->instance_id, vm.instance_id);
  EXPECT_EQ(ec2.DescribeVolumes(one)->volumes[0].state, "available");
  ASSERT_OK(ec2.DeleteVolume(vol->volume_id));
  EXPECT_CODE(ec2.DescribeVolumes(one), "InvalidVolume.NotFound");
  EXPECT_CODE(ec2.DeleteVolume(vol->volume_id), "InvalidVolume.NotFound");

  // Pages of 5 over 7 volumes (6 new and the root volume).
  for (int i = 0; i < 6; ++i) {
    CreateVolumeRequest c;
    c.availability_zone = "us-east-1b";
    c.size = 1 + i;
    ASSERT_OK(ec2.CreateVolume(c));
  }
  DescribeVolumesRequest paged;
  paged.max_results = 5;
  std::set<std::string> seen;
  int pages = 0;
  do {
    auto page = ec2.DescribeVolumes(paged);
    ASSERT_OK(page);
    ++pages;
    EXPECT_LE(page->volumes.size(), 5u);
    for (const Volume& x : page->volumes) seen.insert(x.volume_id);
    paged.next_token = page->next_token;
  } while (!paged.next_token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  EXPECT_EQ(seen.size(), 7u);
  DescribeVolumesRequest by_size;
  by_size.filters = {{"size", {"3"}}};
  auto three = ec2.DescribeVolumes(by_size);
  ASSERT_OK(three);
  ASSERT_EQ(three->volumes.size(), 1u);
  EXPECT_EQ(three->volumes[0].size, 3);
  EXPECT_EQ(three->volumes[0].volume_type, "gp2");
}

// AWS refuses to attach a volume that is still being created with
// IncorrectState ("vol-c92fa384 is not 'available'.", as quoted in
// jsmartin/raidformer#5 and kubernetes/kops#3235).
TEST(Ec2ClientTest, AttachingACreatingVolumeIsIncorrectState) {
  Ec2Env env;
  auto r = env.ec2.RunInstances(OneInstance());
  ASSERT_OK(r);
  CreateVolumeRequest create;
  create.availability_zone = r->reservation.instances[0].availability_zone;
  create.size = 1;
  auto vol = env.ec2.CreateVolume(create);
  ASSERT_OK(vol);
  ASSERT_EQ(vol->state, "creating");
  AttachVolumeRequest attach;
  attach.device = "/dev/sdf";
  attach.instance_id = r->reservation.instances[0].instance_id;
  attach.volume_id = vol->volume_id;
  auto refused = env.ec2.AttachVolume(attach);
  EXPECT_CODE(refused, "IncorrectState");
}

TEST(Ec2ClientTest, Tags) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  auto r = ec2.RunInstances(OneInstance());
  ASSERT_OK(r);
  const std::string id = r->reservation.instances[0].instance_id;
  const std::string vol = r->reservation.instances[0].block_devices[0].volume_id;

  ASSERT_OK(ec2.CreateTags({id, vol}, {{"project", "course"}, {"empty", ""}, {"owner", "bob"}}));
  auto inst = ec2.DescribeInstance(id);
  ASSERT_OK(inst);
  EXPECT_EQ(inst->TagValue("project"), "course");
  EXPECT_EQ(inst->TagValue("empty"), "");

  DescribeTagsRequest all;
  auto tags = ec2.DescribeTags(all);
  ASSERT_OK(tags);
  EXPECT_EQ(tags->tags.size(), 6u);
  DescribeTagsRequest of_instance;
  of_instance.filters = {{"resource-type", {"instance"}}, {"key", {"o*"}}};
  tags = ec2.DescribeTags(of_instance);
  ASSERT_OK(tags);
  ASSERT_EQ(tags->tags.size(), 1u);
  EXPECT_EQ(tags->tags[0].resource_id, id);
  EXPECT_EQ(tags->tags[0].resource_type, "instance");
  EXPECT_EQ(tags->tags[0].key, "owner");
  EXPECT_EQ(tags->tags[0].value, "bob");

  // DeleteTags: a wrong value deletes nothing; no value deletes any value;
  // the empty value deletes only an empty one.
  ASSERT_OK(ec2.DeleteTags({id}, {{"owner", std::string("alice")}}));
  EXPECT_EQ(ec2.DescribeInstance(id)->TagValue("owner"), "bob");
  ASSERT_OK(ec2.DeleteTags({id}, {{"owner", std::nullopt}, {"empty", std::string()}}));
  inst = ec2.DescribeInstance(id);
  ASSERT_OK(inst);
  EXPECT_FALSE(inst->TagValue("owner").has_value());
  EXPECT_FALSE(inst->TagValue("empty").has_value());
  EXPECT_EQ(inst->TagValue("project"), "course");
  DescribeTagsRequest paged;
  paged.max_results = 5;
  tags = ec2.DescribeTags(paged);
  ASSERT_OK(tags);
  EXPECT_EQ(tags->tags.size(), 4u);
  EXPECT_CODE(ec2.CreateTags({"i-0123456789abcdef0"}, {{"a", "b"}}), "InvalidInstanceID.NotFound");
  EXPECT_CODE(ec2.CreateTags({id}, {{"a", "b"}}, true), "DryRunOperation");
}

TEST(Ec2ClientTest, RegionsZonesAndImages) {
  Ec2Env env;
  Ec2Client& ec2 = env.ec2;
  auto regions = ec2.DescribeRegions();
  ASSERT_OK(regions);
  std::set<std::string> names;
  for (const Region& r : *regions) {
    names.insert(r.region_name);
    EXPECT_EQ(r.endpoint, "ec2." + r.region_name + ".amazonaws.com");
    EXPECT_EQ(r.opt_in_status, "opt-in-not-required");
  }
  EXPECT_EQ(names, (std::set<std::string>{"us-east-1", "us-east-2", "us-west-1", "us-west-2",
                                          "eu-west-1", "eu-central-1"}));
  DescribeRegionsRequest eu;
  eu.filters = {{"region-name", {"eu-*"}}};
  EXPECT_EQ(ec2.DescribeRegions(eu)->size(), 2u);

  auto zones = ec2.DescribeAvailabilityZones();
  ASSERT_OK(zones);
  ASSERT_FALSE(zones->empty());
  for (const AvailabilityZone& z : *zones) {
    EXPECT_EQ(z.region_name, "us-east-1");
    EXPECT_TRUE(z.zone_name.starts_with("us-east-1"));
    EXPECT_EQ(z.state, "available");
    EXPECT_TRUE(z.zone_id.starts_with("use1-az"));
  }
  DescribeAvailabilityZonesRequest by_name;
  by_name.zone_names = {"us-east-1b"};
  auto b = ec2.DescribeAvailabilityZones(by_name);
  ASSERT_OK(b);
  ASSERT_EQ(b->size(), 1u);
  EXPECT_EQ((*b)[0].zone_name, "us-east-1b");

  DescribeImagesRequest course;
  course.image_ids = {kCourseAmi};
  auto images = ec2.DescribeImages(course);
  ASSERT_OK(images);
  ASSERT_EQ(images->images.size(), 1u);
  EXPECT_EQ(images->images[0].name, "DSI-Template");
  EXPECT_EQ(images->images[0].root_device_name, "/dev/sda1");
  EXPECT_EQ(images->images[0].state, "available");
  EXPECT_TRUE(images->images[0].is_public);
  DescribeImagesRequest amazon;
  amazon.owners = {"amazon"};
  amazon.filters = {{"name", {"amzn2-ami-hvm-*"}}};
  auto al2 = ec2.DescribeImages(amazon);
  ASSERT_OK(al2);
  ASSERT_FALSE(al2->images.empty());
  for (const Image& i : al2->images) {
    EXPECT_EQ(i.image_owner_alias, "amazon");
    EXPECT_TRUE(i.name.starts_with("amzn2-ami-hvm-"));
    EXPECT_EQ(i.platform_details, "Linux/UNIX");
  }
  DescribeImagesRequest missing;
  missing.image_ids = {"ami-12345678"};
  EXPECT_CODE(ec2.DescribeImages(missing), "InvalidAMIID.NotFound");
}

TEST(Ec2ClientTest, RegionsIsolate) {
  Ec2Env env;
  auto config = ConfigFor(env.server, "test", "test", "eu-west-1");
  auto eu = Ec2Client::Create(config);
  ASSERT_OK(eu);
  ASSERT_OK(env.ec2.RunInstances(OneInstance()));
  auto zones = eu->DescribeAvailabilityZones();
  ASSERT_OK(zones);
  for (const AvailabilityZone& z : *zones) EXPECT_EQ(z.region_name, "eu-west-1");
  auto none = eu->DescribeAllInstances();
  ASSERT_OK(none);
  EXPECT_TRUE(none->empty());
  // AMIs are regional.
  EXPECT_CODE(eu->RunInstances(OneInstance()), "InvalidAMIID.NotFound");
}

TEST(Ec2ClientTest, AuthErrors) {
  Ec2Env env;
  auto unknown = Ec2Client::Create(ConfigFor(env.server, "AKIDUNKNOWN", "x"));
  ASSERT_OK(unknown);
  auto r = unknown->DescribeInstances();
  EXPECT_CODE(r, "AuthFailure");
  EXPECT_EQ(r.error().http_status, 401);
  auto wrong = Ec2Client::Create(ConfigFor(env.server, "test", "wrong"));
  ASSERT_OK(wrong);
  auto w = wrong->DescribeInstances();
  EXPECT_CODE(w, "SignatureDoesNotMatch");
  EXPECT_EQ(w.error().http_status, 403);
}

// EC2, Cost Explorer and the admin API over HTTPS (--tls-self-signed: the
// one port speaks TLS too), trusting the server's CA.
TEST(Ec2ClientTest, OverHttps) {
  RealServer server(FrozenFlags({"--tls-self-signed"}));
  client::Config config = ConfigFor(server);
  config.endpoint_url = "https://localhost:" + std::to_string(server.port());
  config.ca_bundle = server.dir() + "/data/tls/ca.pem";
  auto ec2 = Ec2Client::Create(config);
  auto admin = client::admin::AdminClient::Create(config);
  auto ce = client::ce::CostExplorerClient::Create(config);
  ASSERT_OK(ec2);
  ASSERT_OK(admin);
  ASSERT_OK(ce);
  EXPECT_TRUE(ec2->endpoint().tls());
  auto run = ec2->RunInstances(OneInstance());
  ASSERT_OK(run);
  const std::string id = run->reservation.instances[0].instance_id;
  ASSERT_OK(admin->AdvanceClock("PT1H"));
  ASSERT_OK(ec2->TerminateInstances({id}));
  auto gone = ec2->Wait(InstanceWaiter::kTerminated, {id});
  ASSERT_OK(gone);
  client::ce::GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.filter = client::ce::Expression::Dimension("SERVICE", {"Amazon Elastic Compute Cloud - Compute"});
  auto cost = ce->GetCostAndUsage(q);
  ASSERT_OK(cost);
  ASSERT_EQ(cost->results_by_time.size(), 1u);
  EXPECT_EQ(cost->results_by_time[0].total.at("UnblendedCost").amount, "0.0116");
  // Without the CA the server's certificate is not trusted.
  config.ca_bundle.clear();
  auto untrusted = Ec2Client::Create(config);
  ASSERT_OK(untrusted);
  EXPECT_CODE(untrusted->DescribeRegions(), client::codes::kTls);
}

// The endpoint a config gives, without a server.
TEST(Ec2ClientTest, Endpoints) {
  client::Config config;
  config.region = "eu-west-1";
  auto aws = Ec2Client::Create(config);
  ASSERT_OK(aws);
  EXPECT_EQ(aws->endpoint().Origin(), "https://ec2.eu-west-1.amazonaws.com:443");
  config.endpoint_url = "http://localhost:4566";
  EXPECT_EQ(Ec2Client::Create(config)->endpoint().Origin(), "http://localhost:4566");
  config.service_endpoint_urls["ec2"] = "http://127.0.0.1:9999";
  EXPECT_EQ(Ec2Client::Create(config)->endpoint().Origin(), "http://127.0.0.1:9999");
  config.service_endpoint_urls["ec2"] = "ftp://x";
  EXPECT_CODE(Ec2Client::Create(config), client::codes::kInvalidConfig);
}

}  // namespace
}  // namespace awslab::testing
