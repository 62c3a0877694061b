// CostExplorerClient against the real awslab-server: GetCostAndUsage after
// running instances for some hours of the frozen clock, priced as
// docs/billing.md says (t2.micro $0.0116/h; gp2 $0.10/GB-Mo; public IPv4
// $0.005/h under per-second rules), with granularities, filters, group-bys
// and Cost Explorer's errors.
#include <cstdio>
#include <fstream>

#include "tests/client/lib/ec2_test_util.h"

namespace awslab::testing {
namespace {

using namespace client::ce;  // NOLINT: the test speaks Cost Explorer
namespace ec2 = client::ec2;

#define ASSERT_OK(expr)                         \
  do {                                          \
    auto&& ok_ = (expr);                        \
    ASSERT_TRUE(ok_) << ok_.error().ToString(); \
  } while (0)

constexpr const char* kCompute = "Amazon Elastic Compute Cloud - Compute";
constexpr const char* kOther = "EC2 - Other";
constexpr const char* kVpc = "Amazon Virtual Private Cloud";

std::string RunT2Micro(Ec2Env& env) {
  ec2::RunInstancesRequest run;
  run.image_id = "ami-d1737bb8";  // 8 GiB gp2 root volume
  run.instance_type = "t2.micro";
  auto r = env.ec2.RunInstances(run);
  EXPECT_TRUE(r) << r.error().ToString();
  return r ? r->reservation.instances[0].instance_id : "";
}

// group key -> UnblendedCost amount of one period.
std::map<std::string, std::string> Costs(const ResultByTime& t) {
  std::map<std::string, std::string> out;
  for (const Group& g : t.groups) {
    std::string key;
    for (const std::string& k : g.keys) key += (key.empty() ? "" : "|") + k;
    out[key] = g.metrics.at("UnblendedCost").amount;
  }
  return out;
}

// Hourly rules (the course's): 2 h 30 min of running is billed 3 hours; the
// root volume is prorated by the second.
TEST(CeClientTest, HourlyBillOfOneInstance) {
  Ec2Env env;
  std::string id = RunT2Micro(env);
  ASSERT_FALSE(id.empty());
  ASSERT_OK(env.admin.AdvanceClock("PT2H30M"));
  ASSERT_OK(env.ec2.StopInstances({id}));

  GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.granularity = "MONTHLY";
  q.metrics = {"UnblendedCost", "UsageQuantity"};
  q.group_by = {{"DIMENSION", "SERVICE"}};
  auto r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->results_by_time.size(), 1u);
  const ResultByTime& april = r->results_by_time[0];
  EXPECT_EQ(april.time_period.start, "2013-04-01");
  EXPECT_EQ(april.time_period.end, "2013-05-01");
  EXPECT_TRUE(april.estimated) << "April ends after the clock's now";
  EXPECT_TRUE(april.total.empty()) << "Total is left out with GroupBy";
  ASSERT_EQ(r->group_definitions.size(), 1u);
  EXPECT_EQ(r->group_definitions[0].key, "SERVICE");
  // 3 h × $0.0116; 8 GiB × 2.5 h / (30 × 24 h) × $0.10 = $0.002777778.
  EXPECT_EQ(Costs(april), (std::map<std::string, std::string>{{kCompute, "0.0348"},
                                                              {kOther, "0.002777778"}}));
  for (const Group& g : april.groups) EXPECT_EQ(g.metrics.at("UnblendedCost").unit, "USD");

  // By usage type: 3 Hrs of BoxUsage:t2.micro, 0.027777778 GB-Mo of gp2.
  q.group_by = {{"DIMENSION", "USAGE_TYPE"}};
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  std::map<std::string, MetricValue> usage;
  for (const Group& g : r->results_by_time[0].groups) usage[g.keys[0]] = g.metrics.at("UsageQuantity");
  ASSERT_EQ(usage.size(), 2u);
  EXPECT_EQ(usage["BoxUsage:t2.micro"].amount, "3");
  EXPECT_EQ(usage["BoxUsage:t2.micro"].unit, "Hrs");
  EXPECT_EQ(usage["EBS:VolumeUsage.gp2"].amount, "0.027777778");
  EXPECT_EQ(usage["EBS:VolumeUsage.gp2"].unit, "GB-Mo");

  // Without GroupBy: a Total (N/A as the unit of a mixed UsageQuantity).
  q.group_by.clear();
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  const ResultByTime& total = r->results_by_time[0];
  EXPECT_TRUE(total.groups.empty());
  EXPECT_EQ(total.total.at("UnblendedCost").amount, "0.037577778");
  EXPECT_EQ(total.total.at("UnblendedCost").unit, "USD");
  EXPECT_EQ(total.total.at("UsageQuantity").unit, "N/A");
  // The admin API's bill says the same.
  auto bill = env.admin.GetBilling("", {"2013-04-01", "2013-05-01"});
  ASSERT_OK(bill);
  EXPECT_EQ(bill->total, total.total.at("UnblendedCost").amount);
  EXPECT_FALSE(r->raw_json.empty());
}

TEST(CeClientTest, GranularitiesAndFilters) {
  Ec2Env env;
  std::string id = RunT2Micro(env);
  ASSERT_FALSE(id.empty());
  // 10 minutes, stop, start, 10 minutes: two billed hours (docs/billing.md).
  ASSERT_OK(env.admin.AdvanceClock("PT10M"));
  ASSERT_OK(env.ec2.StopInstances({id}));
  ASSERT_OK(env.admin.AdvanceClock("PT50M"));
  ASSERT_OK(env.ec2.StartInstances({id}));
  ASSERT_OK(env.admin.AdvanceClock("PT10M"));
  ASSERT_OK(env.ec2.TerminateInstances({id}));
  ASSERT_OK(env.admin.AdvanceClock("P1D"));

  GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-04-04"};
  q.granularity = "DAILY";
  q.filter = Expression::Dimension("SERVICE", {kCompute});
  auto r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->results_by_time.size(), 3u);
  EXPECT_EQ(r->results_by_time[0].time_period.start, "2013-04-01");
  EXPECT_EQ(r->results_by_time[0].time_period.end, "2013-04-02");
  EXPECT_EQ(r->results_by_time[0].total.at("UnblendedCost").amount, "0.0232");
  EXPECT_EQ(r->results_by_time[1].total.at("UnblendedCost").amount, "0");
  EXPECT_FALSE(r->results_by_time[0].estimated);
  EXPECT_TRUE(r->results_by_time[2].estimated);

  // Hourly: the billed hours sit in the clock hours they begin in.
  q.time_period = {"2013-04-01T00:00:00Z", "2013-04-01T03:00:00Z"};
  q.granularity = "HOURLY";
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  ASSERT_EQ(r->results_by_time.size(), 3u);
  EXPECT_EQ(r->results_by_time[0].total.at("UnblendedCost").amount, "0.0116");
  EXPECT_EQ(r->results_by_time[1].total.at("UnblendedCost").amount, "0.0116");
  EXPECT_EQ(r->results_by_time[2].total.at("UnblendedCost").amount, "0");

  // Not compute: the root volume only; Or of both: everything.
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.granularity = "MONTHLY";
  q.filter = Expression::Not(Expression::Dimension("SERVICE", {kCompute}));
  q.group_by = {{"DIMENSION", "SERVICE"}, {"DIMENSION", "REGION"}};
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  auto costs = Costs(r->results_by_time[0]);
  ASSERT_EQ(costs.size(), 1u);
  EXPECT_EQ(costs.begin()->first, std::string(kOther) + "|us-east-1");
  q.filter = Expression::Or({Expression::Dimension("SERVICE", {kCompute}),
                             Expression::Dimension("SERVICE", {kOther})});
  q.group_by = {{"DIMENSION", "SERVICE"}};
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  EXPECT_EQ(Costs(r->results_by_time[0]).size(), 2u);
  // And with a region that has nothing: no groups.
  q.filter = Expression::And({Expression::Dimension("SERVICE", {kCompute}),
                              Expression::Dimension("REGION", {"eu-west-1"})});
  r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  EXPECT_TRUE(r->results_by_time[0].groups.empty());
}

// Per-second rules (AWS today): 90 minutes are 1.5 hours, and the
// instance's public address costs $0.005/h.
TEST(CeClientTest, PerSecondBill) {
  Ec2Env env(FrozenFlags({"--billing", "per-second"}));
  std::string id = RunT2Micro(env);
  ASSERT_FALSE(id.empty());
  ASSERT_OK(env.admin.AdvanceClock("PT1H30M"));
  ASSERT_OK(env.ec2.TerminateInstances({id}));
  GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.group_by = {{"DIMENSION", "SERVICE"}};
  auto r = env.ce.GetCostAndUsage(q);
  ASSERT_OK(r);
  auto costs = Costs(r->results_by_time[0]);
  EXPECT_EQ(costs[kCompute], "0.0174");
  EXPECT_EQ(costs[kVpc], "0.0075");
  // 8 GiB × 1.5 h / 720 h × $0.10 (deleted with the instance).
  EXPECT_EQ(costs[kOther], "0.001666667");
}

TEST(CeClientTest, ValidationErrors) {
  Ec2Env env;
  GetCostAndUsageRequest q;
  q.time_period = {"2013-05-01", "2013-04-01"};
  auto reversed = env.ce.GetCostAndUsage(q);
  ASSERT_FALSE(reversed);
  EXPECT_EQ(reversed.error().code, "ValidationException");
  EXPECT_EQ(reversed.error().http_status, 400);
  EXPECT_FALSE(reversed.error().message.empty());
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.granularity = "WEEKLY";
  auto weekly = env.ce.GetCostAndUsage(q);
  ASSERT_FALSE(weekly);
  EXPECT_EQ(weekly.error().code, "ValidationException");
  q.granularity = "MONTHLY";
  q.group_by = {{"TAG", "Name"}};
  auto by_tag = env.ce.GetCostAndUsage(q);
  ASSERT_FALSE(by_tag);
  EXPECT_EQ(by_tag.error().code, "ValidationException");
}

// A student's key sees its own account; the admin's key every account.
TEST(CeClientTest, AccountsSeeTheirOwnCosts) {
  char path[] = "/tmp/awslab-ce-accounts-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  {
    std::ofstream out(path);
    out << R"({"accounts": [{"id": "111122223333", "name": "alice", "admin": false,)"
        << R"( "access_keys": [{"id": "AKIAALICE", "secret": "alice-secret"}]}]})";
  }
  Ec2Env env(FrozenFlags({"--accounts", path}));
  std::remove(path);
  auto alice_ec2 = ec2::Ec2Client::Create(ConfigFor(env.server, "AKIAALICE", "alice-secret"));
  auto alice_ce = CostExplorerClient::Create(ConfigFor(env.server, "AKIAALICE", "alice-secret"));
  ASSERT_OK(alice_ec2);
  ASSERT_OK(alice_ce);
  ec2::RunInstancesRequest run;
  run.image_id = "ami-d1737bb8";
  run.instance_type = "t2.nano";  // $0.0058/h
  ASSERT_OK(alice_ec2->RunInstances(run));
  RunT2Micro(env);
  ASSERT_OK(env.admin.AdvanceClock("PT1H"));

  GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-05-01"};
  q.filter = Expression::Dimension("SERVICE", {kCompute});
  q.group_by = {{"DIMENSION", "LINKED_ACCOUNT"}};
  auto mine = alice_ce->GetCostAndUsage(q);
  ASSERT_OK(mine);
  EXPECT_EQ(Costs(mine->results_by_time[0]),
            (std::map<std::string, std::string>{{"111122223333", "0.0058"}}));
  auto all = env.ce.GetCostAndUsage(q);
  ASSERT_OK(all);
  EXPECT_EQ(Costs(all->results_by_time[0]),
            (std::map<std::string, std::string>{{"000000000000", "0.0116"},
                                                {"111122223333", "0.0058"}}));
}

// Cost Explorer is global: us-east-1 whatever the profile's region.
TEST(CeClientTest, EndpointAndSigningRegion) {
  client::Config config;
  config.region = "eu-west-1";
  auto aws = CostExplorerClient::Create(config);
  ASSERT_OK(aws);
  EXPECT_EQ(aws->endpoint().Origin(), "https://ce.us-east-1.amazonaws.com:443");
  Ec2Env env;
  auto eu = CostExplorerClient::Create(ConfigFor(env.server, "test", "test", "eu-west-1"));
  ASSERT_OK(eu);
  std::string scope;
  eu->caller().set_transport([&](const client::Url&, const sigv4::HttpRequest& request,
                                 client::BodySource*, client::BodySink*)
                                 -> client::Result<client::HttpResponse> {
    for (const sigv4::Header& h : request.headers)
      if (h.name == "Authorization") scope = h.value;
    client::HttpResponse response;
    response.status = 200;
    response.body = R"({"ResultsByTime": [], "GroupDefinitions": []})";
    return response;
  });
  GetCostAndUsageRequest q;
  q.time_period = {"2013-04-01", "2013-05-01"};
  ASSERT_OK(eu->GetCostAndUsage(q));
  EXPECT_NE(scope.find("/us-east-1/ce/aws4_request"), std::string::npos) << scope;
}

}  // namespace
}  // namespace awslab::testing
