// AdminClient against the real awslab-server: the simulation clock, an
// account's bill, the class's bill, and who may read what.
#include <cstdio>
#include <fstream>

#include "tests/client/lib/ec2_test_util.h"

namespace awslab::testing {
namespace {

using namespace client::admin;  // NOLINT: the test speaks the admin API
namespace ec2 = client::ec2;

#define ASSERT_OK(expr)                         \
  do {                                          \
    auto&& ok_ = (expr);                        \
    ASSERT_TRUE(ok_) << ok_.error().ToString(); \
  } while (0)

// An accounts file with a student, alice (budget $1), removed when the
// object goes (the server has read it by then).
class AccountsFile {
 public:
  AccountsFile() {
    char tmpl[] = "/tmp/awslab-admin-accounts-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd >= 0) close(fd);
    path_ = tmpl;
    std::ofstream out(path_);
    out << R"({"accounts": [{"id": "111122223333", "name": "alice", "admin": false,)"
        << R"( "email": "alice@example.com", "budget_usd": "1",)"
        << R"( "access_keys": [{"id": "AKIAALICE", "secret": "alice-secret"}]}]})";
  }
  ~AccountsFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(AdminClientTest, Clock) {
  Ec2Env env;
  auto now = env.admin.GetClock();
  ASSERT_OK(now);
  EXPECT_EQ(now->now, "2013-04-01T00:00:00.000Z");
  EXPECT_EQ(now->time_scale, 0);
  auto later = env.admin.AdvanceClock("P1DT2H");
  ASSERT_OK(later);
  EXPECT_EQ(later->now, "2013-04-02T02:00:00.000Z");
  later = env.admin.AdvanceClock(std::chrono::seconds(90));
  ASSERT_OK(later);
  EXPECT_EQ(later->now, "2013-04-02T02:01:30.000Z");
  later = env.admin.AdvanceClock(std::chrono::milliseconds(250));
  ASSERT_OK(later);
  EXPECT_EQ(later->now, "2013-04-02T02:01:30.250Z");
  EXPECT_EQ(env.admin.GetClock()->now, "2013-04-02T02:01:30.250Z");

  auto bad = env.admin.AdvanceClock("P1M");  // months have no fixed length
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, "InvalidArgument");
  EXPECT_EQ(bad.error().http_status, 400);
  auto back = env.admin.AdvanceClock(std::chrono::seconds(-5));
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, client::codes::kInvalidArgument);
  auto unknown = env.admin.Send("GET", "/_awslab/nothing");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, "NotFound");
  EXPECT_EQ(unknown.error().http_status, 404);
}

// Under a running clock (--time-scale 1000) the clock moves by itself.
TEST(AdminClientTest, RunningClock) {
  Ec2Env env({"--time-scale", "1000", "--clock-start", "2013-04-01T00:00:00Z"});
  auto c = env.admin.GetClock();
  ASSERT_OK(c);
  EXPECT_EQ(c->time_scale, 1000);
  EXPECT_TRUE(c->now.starts_with("2013-04-01T")) << c->now;
}

TEST(AdminClientTest, BillOfAnAccount) {
  AccountsFile accounts;
  Ec2Env env(FrozenFlags({"--accounts", accounts.path()}));
  ec2::RunInstancesRequest run;
  run.image_id = "ami-d1737bb8";
  run.instance_type = "t2.micro";
  auto r = env.ec2.RunInstances(run);
  ASSERT_OK(r);
  const std::string id = r->reservation.instances[0].instance_id;
  ASSERT_OK(env.admin.AdvanceClock("PT3H"));
  ASSERT_OK(env.ec2.StopInstances({id}));

  auto bill = env.admin.GetBilling("", {"2013-04-01", "2013-05-01"});
  ASSERT_OK(bill);
  EXPECT_EQ(bill->account_id, "000000000000");
  EXPECT_EQ(bill->name, "default");
  EXPECT_EQ(bill->rules, "hourly");
  EXPECT_FALSE(bill->free_tier);
  EXPECT_EQ(bill->start, "2013-04-01T00:00:00Z");
  EXPECT_EQ(bill->end, "2013-05-01T00:00:00Z");
  EXPECT_EQ(bill->now, "2013-04-01T03:00:00Z");
  EXPECT_EQ(bill->currency, "USD");
  // 3 h of t2.micro; 8 GiB of gp2 for 3 h: 8 × 3 / 720 × 0.10.
  EXPECT_EQ(bill->total, "0.038133333");
  EXPECT_EQ(bill->services,
            (ServiceAmounts{{"Amazon Elastic Compute Cloud - Compute", "0.0348"},
                            {"EC2 - Other", "0.003333333"}}));
  ASSERT_EQ(bill->lines.size(), 2u);
  const BillLine& box = bill->lines[0];
  EXPECT_EQ(box.service, "Amazon Elastic Compute Cloud - Compute");
  EXPECT_EQ(box.usage_type, "BoxUsage:t2.micro");
  EXPECT_EQ(box.region, "us-east-1");
  EXPECT_EQ(box.resource_id, id);
  EXPECT_EQ(box.instance_type, "t2.micro");
  EXPECT_EQ(box.record_type, "Usage");
  EXPECT_EQ(box.quantity, "3");
  EXPECT_EQ(box.unit, "Hrs");
  EXPECT_EQ(box.amount, "0.0348");
  const BillLine& ebs = bill->lines[1];
  EXPECT_EQ(ebs.usage_type, "EBS:VolumeUsage.gp2");
  EXPECT_EQ(ebs.resource_id, r->reservation.instances[0].block_devices[0].volume_id);
  EXPECT_EQ(ebs.instance_type, "");
  EXPECT_EQ(ebs.unit, "GB-Mo");
  EXPECT_EQ(ebs.quantity, "0.033333333");
  EXPECT_FALSE(bill->budget.has_value());
  EXPECT_NE(bill->raw_json.find("\"lines\""), std::string::npos);

  // The default period: the clock's month so far.
  auto month = env.admin.GetBilling();
  ASSERT_OK(month);
  EXPECT_EQ(month->start, "2013-04-01T00:00:00Z");
  EXPECT_EQ(month->end, "2013-04-01T03:00:00Z");
  EXPECT_EQ(month->total, "0.038133333");
  // A period by times: the first hour only.
  auto hour = env.admin.GetBilling("000000000000", {"2013-04-01T00:00:00Z", "2013-04-01T01:00:00Z"});
  ASSERT_OK(hour);
  EXPECT_EQ(hour->services[0].second, "0.0116");

  // Errors: a reversed period, an unknown account.
  auto reversed = env.admin.GetBilling("", {"2013-05-01", "2013-04-01"});
  ASSERT_FALSE(reversed);
  EXPECT_EQ(reversed.error().code, "InvalidArgument");
  auto nobody = env.admin.GetBilling("999999999999");
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error().code, "NoSuchAccount");
  EXPECT_EQ(nobody.error().http_status, 404);

  // Alice's own bill (empty, with her budget); not someone else's.
  auto alice = AdminClient::Create(ConfigFor(env.server, "AKIAALICE", "alice-secret"));
  ASSERT_OK(alice);
  auto hers = alice->GetBilling();
  ASSERT_OK(hers);
  EXPECT_EQ(hers->account_id, "111122223333");
  EXPECT_EQ(hers->name, "alice");
  EXPECT_EQ(hers->total, "0");
  EXPECT_TRUE(hers->lines.empty());
  ASSERT_TRUE(hers->budget.has_value());
  EXPECT_EQ(hers->budget->limit, "1");
  EXPECT_EQ(hers->budget->month_to_date, "0");
  EXPECT_TRUE(hers->budget->alerts.empty());
  auto admins = alice->GetBilling("000000000000");
  ASSERT_FALSE(admins);
  EXPECT_EQ(admins.error().code, "AccessDenied");
  EXPECT_EQ(admins.error().http_status, 403);
  // Nor the clock nor the class.
  auto clock = alice->AdvanceClock("PT1H");
  ASSERT_FALSE(clock);
  EXPECT_EQ(clock.error().code, "AccessDenied");
  auto cls = alice->GetClassBilling();
  ASSERT_FALSE(cls);
  EXPECT_EQ(cls.error().code, "AccessDenied");
  // A key the server does not know.
  auto stranger = AdminClient::Create(ConfigFor(env.server, "AKIDUNKNOWN", "x"));
  ASSERT_OK(stranger);
  auto refused = stranger->GetClock();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "InvalidAccessKeyId");
}

TEST(AdminClientTest, BudgetAlertsAndTheClassBill) {
  AccountsFile accounts;
  Ec2Env env(FrozenFlags({"--accounts", accounts.path()}));
  auto alice_ec2 = ec2::Ec2Client::Create(ConfigFor(env.server, "AKIAALICE", "alice-secret"));
  ASSERT_OK(alice_ec2);
  ec2::RunInstancesRequest run;
  run.image_id = "ami-d1737bb8";
  // m1.small, $0.044/h billed at the start of each hour: $0.50 within the
  // 12th hour, $0.80 within the 19th, $1 not before the 23rd.
  run.instance_type = "m1.small";
  ASSERT_OK(alice_ec2->RunInstances(run));
  ASSERT_OK(env.admin.AdvanceClock("PT20H"));

  auto bill = env.admin.GetBilling("111122223333", {"2013-04-01", "2013-05-01"});
  ASSERT_OK(bill);
  ASSERT_TRUE(bill->budget.has_value());
  EXPECT_EQ(bill->budget->limit, "1");
  ASSERT_EQ(bill->budget->alerts.size(), 2u);
  EXPECT_EQ(bill->budget->alerts[0].threshold_percent, 50);
  EXPECT_EQ(bill->budget->alerts[0].month, "2013-04");
  EXPECT_EQ(bill->budget->alerts[1].threshold_percent, 80);
  EXPECT_FALSE(bill->budget->alerts[0].at.empty());
  EXPECT_FALSE(bill->budget->alerts[1].month_to_date.empty());

  auto cls = env.admin.GetClassBilling({"2013-04-01", "2013-05-01"});
  ASSERT_OK(cls);
  EXPECT_EQ(cls->currency, "USD");
  EXPECT_EQ(cls->start, "2013-04-01T00:00:00Z");
  EXPECT_EQ(cls->now, "2013-04-01T20:00:00Z");
  ASSERT_EQ(cls->accounts.size(), 2u);
  const AccountBill* alice = nullptr;
  const AccountBill* admin = nullptr;
  for (const AccountBill& a : cls->accounts) {
    if (a.account_id == "111122223333") alice = &a;
    if (a.account_id == "000000000000") admin = &a;
  }
  ASSERT_TRUE(alice && admin);
  EXPECT_EQ(alice->name, "alice");
  EXPECT_EQ(alice->total, bill->total);
  EXPECT_EQ(alice->services, bill->services);
  ASSERT_TRUE(alice->budget.has_value());
  EXPECT_EQ(alice->budget->alerts.size(), 2u);
  EXPECT_EQ(admin->total, "0");
  EXPECT_TRUE(admin->services.empty());
  EXPECT_FALSE(admin->budget.has_value());
  EXPECT_EQ(cls->total, bill->total);
}

TEST(AdminClientTest, ListAccounts) {
  AccountsFile accounts;
  Ec2Env env(FrozenFlags({"--accounts", accounts.path()}));
  auto list = env.admin.ListAccounts();
  ASSERT_OK(list);
  ASSERT_EQ(list->size(), 2u);
  const AccountInfo* alice = nullptr;
  const AccountInfo* admin = nullptr;
  for (const AccountInfo& a : *list) {
    if (a.id == "111122223333") alice = &a;
    if (a.id == "000000000000") admin = &a;
  }
  ASSERT_TRUE(alice && admin);
  EXPECT_EQ(admin->name, "default");
  EXPECT_TRUE(admin->admin);
  EXPECT_EQ(admin->budget_usd, "");
  EXPECT_EQ(alice->name, "alice");
  EXPECT_FALSE(alice->admin);
  EXPECT_EQ(alice->email, "alice@example.com");
  EXPECT_EQ(alice->budget_usd, "1");
  EXPECT_EQ(alice->canonical_user_id.size(), 64u);
  // A student may not list the class.
  auto student = AdminClient::Create(ConfigFor(env.server, "AKIAALICE", "alice-secret"));
  ASSERT_OK(student);
  auto refused = student->ListAccounts();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, "AccessDenied");
  EXPECT_EQ(refused.error().http_status, 403);
}

TEST(AdminClientTest, NeedsAnEndpoint) {
  client::Config config;
  auto none = AdminClient::Create(config);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, client::codes::kInvalidConfig);
  config.endpoint_url = "http://127.0.0.1:4566";
  auto some = AdminClient::Create(config);
  ASSERT_OK(some);
  EXPECT_EQ(some->endpoint().Origin(), "http://127.0.0.1:4566");
  config.service_endpoint_urls["awslab"] = "http://localhost:4570";
  EXPECT_EQ(AdminClient::Create(config)->endpoint().Origin(), "http://localhost:4570");
}

}  // namespace
}  // namespace awslab::testing
