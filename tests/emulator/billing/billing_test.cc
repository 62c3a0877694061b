// Billing from the rules, with a manual clock: each case's expected amount
// is worked out by hand from the rule and the price list.
#include "emulator/billing/biller.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

namespace awslab::billing {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr std::int64_t kGiB = std::int64_t(1) << 30;
// 2013-04-01T00:00:00Z: April has 30 days.
const TimePoint kApril1 = std::chrono::system_clock::from_time_t(1364774400);

TEST(MoneyTest, FormatsAndParsesExactly) {
  EXPECT_EQ(FormatNano(11'600'000), "0.0116");
  EXPECT_EQ(FormatNano(-8'352'000'000), "-8.352");
  EXPECT_EQ(FormatNano(0), "0");
  EXPECT_EQ(FormatNano(12 * kNanoPerUnit), "12");
  EXPECT_EQ(ParseNano("0.0116"), 11'600'000);
  EXPECT_EQ(ParseNano("25.00"), 25 * kNanoPerUnit);
  EXPECT_EQ(ParseNano("-1.5"), -1'500'000'000);
  EXPECT_FALSE(ParseNano("0.0000000001"));  // 10 decimals
  EXPECT_FALSE(ParseNano("1e3"));
  EXPECT_FALSE(ParseNano("."));
  EXPECT_EQ(MulDivRound(1200, 11'600'000, 3600), 3'866'667);  // half up
  EXPECT_EQ(MulDivRound(-1200, 11'600'000, 3600), -3'866'667);
}

TEST(MoneyTest, CalendarArithmetic) {
  Seconds april = ToSeconds(kApril1);
  EXPECT_EQ(ParseDateTime("2013-04-01"), april);
  EXPECT_EQ(ParseDateTime("2013-04-01T05:00:00Z"), april + 5 * kHour);
  EXPECT_EQ(ParseDateTime("2013-04-01T05:00:00.123Z"), april + 5 * kHour);
  EXPECT_FALSE(ParseDateTime("2013-02-30"));
  EXPECT_FALSE(ParseDateTime("2013-04-01T25:00:00Z"));
  EXPECT_FALSE(ParseDateTime("2013-04-01 05:00:00"));
  EXPECT_EQ(MonthSeconds(april + 10 * kDay), 30 * kDay);
  EXPECT_EQ(MonthSeconds(april - kDay), 31 * kDay);  // March
  EXPECT_EQ(MonthSeconds(ToSeconds(kApril1) - 40 * kDay), 28 * kDay);  // February 2013
  EXPECT_EQ(MonthName(april), "2013-04");
  EXPECT_EQ(FormatDateTime(april + 5 * kHour + 61), "2013-04-01T05:01:01Z");
}

class BillingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("awslab-billing-test-" + std::to_string(std::random_device()()));
    Open(Rules::kHourly);
  }
  void TearDown() override {
    biller_.reset();
    meters_.reset();
    ec2_.reset();
    storage_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Open(Rules rules, bool free_tier = false) {
    biller_.reset();
    meters_.reset();
    ec2_.reset();
    storage_.reset();
    auto s = storage::Storage::Open({dir_, false, nullptr});
    ASSERT_TRUE(s);
    storage_ = std::move(*s);
    ec2::Ec2Options options;
    options.timings.pending = options.timings.spot_pending = options.timings.stopping =
        options.timings.shutting_down = options.timings.volume_creating =
            std::chrono::milliseconds(0);
    ec2_ = std::make_unique<ec2::Ec2Store>(*storage_, clock_, options);
    ASSERT_TRUE(ec2_->Load());
    meters_ = std::make_unique<S3Meters>(
        *storage_, [](std::string_view) { return std::optional<S3Meters::BucketInfo>(); });
    BillingOptions b;
    b.rules = rules;
    b.free_tier = free_tier;
    biller_ = std::make_unique<Biller>(*ec2_, *meters_, clock_, b);
  }
  Seconds Now() const { return ToSeconds(clock_.Now()); }
  std::string Launch(const std::string& type = "t2.micro", bool spot = false) {
    ec2::RunRequest req;
    req.image_id = "ami-0c02fb55956c7d316";  // Amazon Linux 2: an 8 GiB gp2 root volume
    req.instance_type = type;
    req.spot = spot;
    auto r = ec2_->RunInstances(scope_, req, false);
    EXPECT_TRUE(r) << r.error().Message();
    return r ? r->front().id : "";
  }
  void Stop(const std::string& id) { ASSERT_TRUE(ec2_->StopInstances(scope_, {id}, false, false)); }
  void Start(const std::string& id) { ASSERT_TRUE(ec2_->StartInstances(scope_, {id}, false)); }
  // Cost per usage type over [from, to), and the usage quantity shown.
  std::map<std::string, Amount> ByUsageType(Seconds from, Seconds to,
                                            std::string_view record_type = "") {
    BillQuery q;
    q.account_id = scope_.account_id;
    q.start = from;
    q.end = to;
    q.granularity = Granularity::kWhole;
    q.group_by = {Dimension::kUsageType};
    if (!record_type.empty())
      q.filter = Filter{Filter::Kind::kDimension, Dimension::kRecordType, {std::string(record_type)}, {}};
    std::map<std::string, Amount> out;
    auto periods = biller_->Query(q);
    for (const BillGroup& g : periods[0].groups) out[g.keys[0]] = g.amount;
    return out;
  }
  std::map<std::string, Amount> April() {
    Seconds a = ToSeconds(kApril1);
    return ByUsageType(a, a + 30 * kDay);
  }

  std::filesystem::path dir_;
  ManualClock clock_{kApril1};
  std::unique_ptr<storage::Storage> storage_;
  std::unique_ptr<ec2::Ec2Store> ec2_;
  std::unique_ptr<S3Meters> meters_;
  std::unique_ptr<Biller> biller_;
  ec2::Scope scope_{"111122223333", "us-east-1"};
};

TEST_F(BillingTest, HourlyStartThenStopAtOnceIsOneHour) {
  Stop(Launch());
  auto bill = April();
  EXPECT_EQ(bill["BoxUsage:t2.micro"].cost, 11'600'000);
  EXPECT_EQ(bill["BoxUsage:t2.micro"].quantity, kNanoPerUnit);
  EXPECT_EQ(bill["BoxUsage:t2.micro"].unit, "Hrs");
}

TEST_F(BillingTest, PerSecondStartThenStopAtOnceIsSixtySeconds) {
  Open(Rules::kPerSecond);
  Stop(Launch());
  // 60 s of $0.0116/h = $0.000193333...
  EXPECT_EQ(April()["BoxUsage:t2.micro"].cost, 193'333);
}

TEST_F(BillingTest, TenMinutesTwiceIsTwoHoursHourly) {
  std::string id = Launch();
  clock_.Advance(minutes(10));
  Stop(id);
  Start(id);
  clock_.Advance(minutes(10));
  Stop(id);
  EXPECT_EQ(April()["BoxUsage:t2.micro"].cost, 2 * 11'600'000);
  EXPECT_EQ(April()["BoxUsage:t2.micro"].quantity, 2 * kNanoPerUnit);
}

TEST_F(BillingTest, TenMinutesTwiceIsTwentyMinutesPerSecond) {
  Open(Rules::kPerSecond);
  std::string id = Launch();
  clock_.Advance(minutes(10));
  Stop(id);
  Start(id);
  clock_.Advance(minutes(10));
  Stop(id);
  // 1,200 s: $0.0116 / 3 = 0.003866666... -> 0.003866667
  EXPECT_EQ(April()["BoxUsage:t2.micro"].cost, 3'866'667);
  // A 30-second run is billed 60 seconds.
  Start(id);
  clock_.Advance(seconds(30));
  Stop(id);
  EXPECT_EQ(April()["BoxUsage:t2.micro"].cost, MulDivRound(1260, 11'600'000, 3600));
}

TEST_F(BillingTest, StoppedInstanceWithRootVolumeForThirtyDays) {
  Stop(Launch());
  clock_.Advance(hours(24 * 30));
  auto bill = April();
  EXPECT_EQ(bill["EBS:VolumeUsage.gp2"].cost, 800'000'000);  // 8 GB-Mo x $0.10
  EXPECT_EQ(bill["EBS:VolumeUsage.gp2"].quantity, 8 * kNanoPerUnit);
  EXPECT_EQ(bill["EBS:VolumeUsage.gp2"].unit, "GB-Mo");
  // No compute after the first hour.
  Seconds a = ToSeconds(kApril1);
  EXPECT_EQ(ByUsageType(a + kHour, a + 30 * kDay).count("BoxUsage:t2.micro"), 0u);
}

TEST_F(BillingTest, IdleElasticIpForADay) {
  ASSERT_TRUE(ec2_->AllocateAddress(scope_, {}, false));
  clock_.Advance(hours(24));
  EXPECT_EQ(April()["ElasticIP:IdleAddress"].cost, 120'000'000);
  Open(Rules::kPerSecond);
  EXPECT_EQ(April()["PublicIPv4:IdleAddress"].cost, 120'000'000);
}

TEST_F(BillingTest, ElasticIpOnRunningInstanceIsFreeHourlyNotPerSecond) {
  std::string id = Launch();
  auto a = ec2_->AllocateAddress(scope_, {}, false);
  ASSERT_TRUE(a);
  ASSERT_TRUE(ec2_->AssociateAddress(scope_, a->allocation_id, "", id, false, false));
  clock_.Advance(hours(2));
  EXPECT_EQ(April().count("ElasticIP:IdleAddress"), 0u);
  // Stopped, the address costs.
  Stop(id);
  clock_.Advance(hours(3));
  EXPECT_EQ(April()["ElasticIP:IdleAddress"].cost, 3 * 5'000'000);
  // Per second: the Elastic IP costs all 5 h, in use for the 2 h on the
  // running instance, idle for the 3 h on the stopped one; the instance's own
  // address was replaced by it from the association on (at the launch instant).
  Open(Rules::kPerSecond);
  auto bill = April();
  EXPECT_EQ(bill["PublicIPv4:InUseAddress"].cost, 2 * 5'000'000);
  EXPECT_EQ(bill["PublicIPv4:IdleAddress"].cost, 3 * 5'000'000);
}

TEST_F(BillingTest, TenGibInS3ForAMonth) {
  leveldb::WriteBatch create;
  meters_->BucketCreated("lab-bucket", scope_.account_id, "us-east-1", Now(), create);
  ASSERT_TRUE(storage_->Write(create));
  leveldb::WriteBatch put;
  ASSERT_TRUE(meters_->ChangeStored("lab-bucket", 10 * kGiB, Now(), put,
                                    [&] { return storage_->Write(put); }));
  clock_.Advance(hours(24 * 30));
  auto bill = April();
  EXPECT_EQ(bill["TimedStorage-ByteHrs"].cost, 230'000'000);  // 10 GB-Mo x $0.023
  EXPECT_EQ(bill["TimedStorage-ByteHrs"].quantity, 10 * kNanoPerUnit);
  // The levels and closed hours survive a restart.
  Open(Rules::kHourly);
  EXPECT_EQ(April()["TimedStorage-ByteHrs"].cost, 230'000'000);
}

TEST_F(BillingTest, StorageChangesMidHourAndDeletion) {
  leveldb::WriteBatch create;
  meters_->BucketCreated("b", scope_.account_id, "us-west-2", Now(), create);
  ASSERT_TRUE(storage_->Write(create));
  auto change = [&](std::int64_t delta) {
    leveldb::WriteBatch batch;
    ASSERT_TRUE(meters_->ChangeStored("b", delta, Now(), batch, [&] { return storage_->Write(batch); }));
  };
  change(kGiB);
  clock_.Advance(minutes(30));
  change(kGiB);              // 2 GiB from 00:30
  clock_.Advance(hours(2));  // to 02:30
  change(-2 * kGiB);
  clock_.Advance(minutes(10));
  leveldb::WriteBatch del;
  meters_->BucketDeleted("b", Now(), del);
  ASSERT_TRUE(storage_->Write(del));
  clock_.Advance(hours(5));
  // GiB-seconds: 1 x 1800 + 2 x 7200 = 16,200 GiB-s; a 30-day month is
  // 2,592,000 s: 0.00625 GB-Mo, $0.00014375.
  auto bill = April();
  EXPECT_EQ(bill["USW2-TimedStorage-ByteHrs"].quantity, 6'250'000);
  EXPECT_EQ(bill["USW2-TimedStorage-ByteHrs"].cost, 143'750);
}

TEST_F(BillingTest, RequestsAndDataOut) {
  leveldb::WriteBatch create;
  meters_->BucketCreated("b", scope_.account_id, "us-east-1", Now(), create);
  ASSERT_TRUE(storage_->Write(create));
  for (int i = 0; i < 1000; ++i) meters_->CountRequest("b", RequestTier::kTier1, 0, Now());
  ASSERT_TRUE(meters_->Flush());
  for (int i = 0; i < 10000; ++i) meters_->CountRequest("b", RequestTier::kTier2, 0, Now());
  meters_->CountRequest("b", RequestTier::kFree, 2 * kGiB, Now());
  meters_->CountRequest("no-such-bucket", RequestTier::kTier1, 0, Now());
  auto bill = April();  // half flushed, half in memory
  EXPECT_EQ(bill["Requests-Tier1"].cost, 5'000'000);   // 1,000 x $0.005 / 1,000
  EXPECT_EQ(bill["Requests-Tier2"].cost, 4'000'000);   // 10,000 x $0.0004 / 1,000
  EXPECT_EQ(bill["Requests-Tier1"].quantity, 1000 * kNanoPerUnit);
  // 2 GiB out, the first GB of the month free under hourly rules.
  EXPECT_EQ(bill["DataTransfer-Out-Bytes"].cost, 90'000'000);
  EXPECT_EQ(bill["DataTransfer-Out-Bytes"].quantity, 2 * kNanoPerUnit);
  ASSERT_TRUE(meters_->Flush());
  Open(Rules::kPerSecond);  // 100 GB free
  bill = April();
  EXPECT_EQ(bill["Requests-Tier2"].cost, 4'000'000);
  EXPECT_EQ(bill["DataTransfer-Out-Bytes"].cost, 0);
}

// Requests are counted per bucket and clock hour without the bucket's lock:
// counts of an hour the clock has left, of a bucket deleted before the
// flush, and of two threads at once all reach the bill.
TEST_F(BillingTest, RequestCountsKeepTheirHourAndOutliveTheBucket) {
  leveldb::WriteBatch create;
  meters_->BucketCreated("b", scope_.account_id, "us-east-1", Now(), create);
  meters_->BucketCreated("gone", scope_.account_id, "us-east-1", Now(), create);
  ASSERT_TRUE(storage_->Write(create));
  std::vector<std::thread> threads;
  for (int t = 0; t < 2; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) meters_->CountRequest("b", RequestTier::kTier1, 0, Now());
    });
  for (auto& t : threads) t.join();
  meters_->CountRequest("gone", RequestTier::kTier1, 0, Now());
  meters_->Forget("gone");  // as DeleteBucket does, before any flush
  clock_.Advance(hours(1));
  for (int i = 0; i < 1000; ++i) meters_->CountRequest("b", RequestTier::kTier1, 0, Now());
  const Seconds first = ToSeconds(kApril1);
  auto in_hour = [&](Seconds from) {
    return ByUsageType(from, from + 3600, "Usage")["Requests-Tier1"].quantity;
  };
  EXPECT_EQ(in_hour(first), 10'001 * kNanoPerUnit);  // unflushed
  EXPECT_EQ(in_hour(first + 3600), 1000 * kNanoPerUnit);
  ASSERT_TRUE(meters_->Flush());
  Open(Rules::kHourly);  // from storage alone
  EXPECT_EQ(in_hour(first), 10'001 * kNanoPerUnit);
  EXPECT_EQ(in_hour(first + 3600), 1000 * kNanoPerUnit);
}

TEST_F(BillingTest, FreeTierCoversAMicroMonth) {
  Open(Rules::kHourly, /*free_tier=*/true);
  Launch();
  clock_.Advance(hours(24 * 30));
  auto usage = ByUsageType(ToSeconds(kApril1), ToSeconds(kApril1) + 30 * kDay, "Usage");
  auto credit = ByUsageType(ToSeconds(kApril1), ToSeconds(kApril1) + 30 * kDay, "Credit");
  EXPECT_EQ(usage["BoxUsage:t2.micro"].cost, Nano{720} * 11'600'000);  // $8.352
  EXPECT_EQ(credit["BoxUsage:t2.micro"].cost, -Nano{720} * 11'600'000);
  EXPECT_EQ(credit["EBS:VolumeUsage.gp2"].cost, -800'000'000);
  EXPECT_EQ(April()["BoxUsage:t2.micro"].cost, 0);
  EXPECT_EQ(April()["BoxUsage:t2.micro"].quantity, 720 * kNanoPerUnit);
}

TEST_F(BillingTest, FreeTierIsPooledAndLimited) {
  Open(Rules::kHourly, /*free_tier=*/true);
  Launch();
  Launch();  // two micros: 1,440 hours, 750 free
  Launch("t2.small");
  clock_.Advance(hours(24 * 30));
  auto bill = April();
  EXPECT_EQ(bill["BoxUsage:t2.micro"].cost, Nano{1440 - 750} * 11'600'000);
  EXPECT_EQ(bill["BoxUsage:t2.small"].cost, Nano{720} * 23'000'000);
  // 3 x 8 GiB = 24 GB-Mo, within the 30 free.
  EXPECT_EQ(bill["EBS:VolumeUsage.gp2"].cost, 0);
}

TEST_F(BillingTest, SpotCostsTheFraction) {
  std::string id = Launch("t2.micro", /*spot=*/true);
  clock_.Advance(minutes(90));
  ASSERT_TRUE(ec2_->TerminateInstances(scope_, {id}, false));
  // 2 hours at 0.3 x $0.0116 = $0.00348 an hour.
  EXPECT_EQ(April()["SpotUsage:t2.micro"].cost, 2 * 3'480'000);
}

TEST_F(BillingTest, BudgetAlertsAtFiftyEightyAndHundred) {
  Launch("m5.large");  // $0.096 an hour; a budget of $1 crosses 50% in hour 6
  clock_.Advance(hours(20));
  Seconds a = ToSeconds(kApril1);
  auto alerts = biller_->Alerts(scope_.account_id, kNanoPerUnit, a, a + 30 * kDay);
  ASSERT_EQ(alerts.size(), 3u);
  // Hour k (from 0) brings $0.096 x (k + 1) plus the root volume's share.
  EXPECT_EQ(alerts[0].threshold_percent, 50);
  EXPECT_EQ(alerts[0].at, a + 5 * kHour);
  EXPECT_EQ(alerts[1].threshold_percent, 80);
  EXPECT_EQ(alerts[1].at, a + 8 * kHour);
  EXPECT_EQ(alerts[2].threshold_percent, 100);
  EXPECT_EQ(alerts[2].at, a + 10 * kHour);
  EXPECT_EQ(alerts[0].month, "2013-04");
}

TEST_F(BillingTest, GranularityCutsPeriods) {
  std::string id = Launch();
  clock_.Advance(hours(30));
  Stop(id);
  BillQuery q;
  q.account_id = scope_.account_id;
  q.start = ToSeconds(kApril1);
  q.end = q.start + 3 * kDay;
  q.granularity = Granularity::kDaily;
  q.filter = Filter{Filter::Kind::kDimension, Dimension::kService, {std::string(kServiceCompute)}, {}};
  auto days = biller_->Query(q);
  ASSERT_EQ(days.size(), 3u);
  EXPECT_EQ(days[0].total.cost, 24 * 11'600'000);
  EXPECT_EQ(days[1].total.cost, 6 * 11'600'000);
  EXPECT_EQ(days[2].total.cost, 0);
  EXPECT_EQ(days[2].total.unit, "N/A");
  EXPECT_FALSE(days[0].estimated);
  EXPECT_TRUE(days[2].estimated);
  q.granularity = Granularity::kHourly;
  EXPECT_EQ(biller_->Query(q).size(), 72u);
}

TEST_F(BillingTest, AccountsAreSeparate) {
  Stop(Launch());
  ec2::Scope other{"444455556666", "us-west-2"};
  ec2::RunRequest req;
  req.image_id = "ami-0c02fb55956c7d316";
  (void)other;  // the other account has nothing
  BillQuery q;
  q.account_id = "444455556666";
  q.start = ToSeconds(kApril1);
  q.end = q.start + kDay;
  q.granularity = Granularity::kWhole;
  EXPECT_EQ(biller_->Query(q)[0].total.cost, 0);
  q.account_id.clear();  // every account
  EXPECT_GT(biller_->Query(q)[0].total.cost, 0);
}

}  // namespace
}  // namespace awslab::billing
