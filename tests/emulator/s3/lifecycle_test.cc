#include "emulator/s3/lifecycle.h"

#include <gtest/gtest.h>

#include "emulator/protocol/lifecycle_xml.h"

namespace awslab::s3 {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TimePoint At(std::int64_t epoch_seconds) { return TimePoint(seconds(epoch_seconds)); }
constexpr std::int64_t kDay = 86400;
// 2026-11-24T00:00:00Z
constexpr std::int64_t kMidnight = 1795478400;

TEST(Lifecycle, MidnightRounding) {
  EXPECT_EQ(MidnightAtOrAfter(At(kMidnight)), At(kMidnight));
  EXPECT_EQ(MidnightAtOrAfter(At(kMidnight + 1)), At(kMidnight + kDay));
  EXPECT_EQ(MidnightAtOrAfter(At(kMidnight) + std::chrono::nanoseconds(1)), At(kMidnight + kDay));
  EXPECT_TRUE(IsMidnightUtc(At(kMidnight)));
  EXPECT_FALSE(IsMidnightUtc(At(kMidnight + 3600)));
}

TEST(Lifecycle, DaysExpireAtTheNextMidnightAfterLastModifiedPlusDays) {
  // "an object created on 1/15/2014 10:30 AM UTC ... 3 days ... expires 1/19/2014 00:00 UTC".
  LifecycleRule rule;
  rule.id = "r";
  rule.enabled = true;
  rule.has_filter = true;
  rule.prefix = "logs/";
  rule.has_expiration = true;
  rule.expiration_days = 3;
  LifecycleConfiguration config{{rule}};
  const TimePoint created = At(kMidnight + 10 * 3600 + 1800);
  auto expiry = CurrentObjectExpiry(config, {"logs/a", 1, created, nullptr});
  ASSERT_TRUE(expiry);
  EXPECT_EQ(expiry->at, At(kMidnight + 4 * kDay));
  EXPECT_EQ(expiry->rule_id, "r");
  EXPECT_FALSE(CurrentObjectExpiry(config, {"other", 1, created, nullptr}));
  config.rules[0].enabled = false;
  EXPECT_FALSE(CurrentObjectExpiry(config, {"logs/a", 1, created, nullptr}));
}

TEST(Lifecycle, FiltersOnTagsAndSizes) {
  LifecycleRule rule;
  rule.enabled = true;
  rule.tags = {{"tier", "tmp"}};
  rule.size_greater_than = 10;
  rule.size_less_than = 100;
  std::vector<std::pair<std::string, std::string>> tmp = {{"a", "b"}, {"tier", "tmp"}};
  std::vector<std::pair<std::string, std::string>> gold = {{"tier", "gold"}};
  EXPECT_TRUE(RuleApplies(rule, {"k", 50, At(0), &tmp}));
  EXPECT_FALSE(RuleApplies(rule, {"k", 50, At(0), &gold}));
  EXPECT_FALSE(RuleApplies(rule, {"k", 50, At(0), nullptr}));
  EXPECT_FALSE(RuleApplies(rule, {"k", 10, At(0), &tmp}));  // strictly greater
  EXPECT_FALSE(RuleApplies(rule, {"k", 100, At(0), &tmp}));  // strictly less
}

TEST(Lifecycle, NoncurrentVersionsKeepTheNewestOnes) {
  LifecycleRule rule;
  rule.enabled = true;
  rule.has_filter = true;
  rule.has_noncurrent_expiration = true;
  rule.noncurrent_days = 1;
  rule.newer_noncurrent_versions = 1;
  LifecycleConfiguration config{{rule}};
  std::vector<NoncurrentVersion> versions = {
      {1, At(kMidnight + 3 * kDay), nullptr},  // newest: kept by NewerNoncurrentVersions
      {1, At(kMidnight + 2 * kDay), nullptr},
      {1, At(kMidnight + 5 * kDay), nullptr},  // not yet due
  };
  auto expired = ExpiredNoncurrentVersions(config, "k", versions, At(kMidnight + 5 * kDay));
  EXPECT_EQ(expired, std::vector<std::size_t>({1}));
}

TEST(Lifecycle, UploadsAbortedAfterDaysAfterInitiation) {
  LifecycleRule rule;
  rule.enabled = true;
  rule.legacy_prefix = "up/";
  rule.abort_incomplete_days = 2;
  LifecycleConfiguration config{{rule}};
  EXPECT_EQ(UploadAbortTime(config, "up/x", At(kMidnight + 60)), At(kMidnight + 3 * kDay));
  EXPECT_FALSE(UploadAbortTime(config, "down/x", At(kMidnight)));
}

TEST(LifecycleXml, ParsesEncodesAndRoundTrips) {
  auto config = protocol::ParseLifecycleConfiguration(
      "<LifecycleConfiguration><Rule><ID>a</ID><Filter><And><Prefix>p/</Prefix>"
      "<Tag><Key>k</Key><Value>v</Value></Tag><ObjectSizeGreaterThan>5</ObjectSizeGreaterThan>"
      "</And></Filter><Status>Enabled</Status><Expiration><Date>2030-01-01T00:00:00.000Z</Date>"
      "</Expiration><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition>"
      "<NoncurrentVersionExpiration><NoncurrentDays>7</NoncurrentDays>"
      "</NoncurrentVersionExpiration></Rule>"
      "<Rule><Prefix>old/</Prefix><Status>Disabled</Status>"
      "<AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation>"
      "</AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>");
  ASSERT_TRUE(config) << config.error().Message();
  ASSERT_EQ(config->rules.size(), 2u);
  EXPECT_TRUE(config->rules[0].filter_and);
  EXPECT_EQ(config->rules[0].size_greater_than, 5u);
  EXPECT_FALSE(config->rules[1].id.empty());
  auto decoded = DecodeLifecycle(EncodeLifecycle(*config));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, *config);
  auto again = protocol::ParseLifecycleConfiguration(protocol::LifecycleConfigurationXml(*config));
  ASSERT_TRUE(again) << again.error().Message();
  EXPECT_EQ(*again, *config);
}

TEST(LifecycleXml, RefusesWhatAwsRefuses) {
  auto rule = [](std::string body) {
    return "<LifecycleConfiguration><Rule>" + body + "</Rule></LifecycleConfiguration>";
  };
  const struct {
    std::string body;
    ErrorCode code;
  } kCases[] = {
      {"<LifecycleConfiguration/>", ErrorCode::kMalformedXML},
      {rule("<Filter/><Status>On</Status><Expiration><Days>1</Days></Expiration>"),
       ErrorCode::kMalformedXML},
      {rule("<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"),
       ErrorCode::kMalformedXML},
      {rule("<Filter><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></Filter>"
            "<Status>Enabled</Status><Expiration><Days>1</Days></Expiration>"),
       ErrorCode::kMalformedXML},
      {rule("<Filter/><Status>Enabled</Status><Expiration><Days>x</Days></Expiration>"),
       ErrorCode::kMalformedXML},
      {rule("<Filter/><Status>Enabled</Status><Expiration><Days>1</Days>"
            "<Date>2030-01-01T00:00:00Z</Date></Expiration>"),
       ErrorCode::kMalformedXML},
      {rule("<Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration>"),
       ErrorCode::kInvalidArgument},
      {rule("<Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T01:00:00Z</Date>"
            "</Expiration>"),
       ErrorCode::kInvalidArgument},
      {rule("<Filter/><Status>Enabled</Status>"), ErrorCode::kInvalidRequest},
  };
  for (const auto& c : kCases) {
    auto config = protocol::ParseLifecycleConfiguration(c.body);
    ASSERT_FALSE(config) << c.body;
    EXPECT_EQ(config.error().code, c.code) << c.body;
  }
}

}  // namespace
}  // namespace awslab::s3
