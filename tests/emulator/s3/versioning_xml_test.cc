// The versioning and Object Lock documents (protocol/versioning_xml.h,
// protocol/object_lock_xml.h): what they accept and how they refuse.
#include <gtest/gtest.h>

#include "emulator/protocol/object_lock_xml.h"
#include "emulator/protocol/versioning_xml.h"

namespace awslab::protocol {
namespace {

constexpr std::string_view kNs = "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";

ErrorCode CodeOf(const auto& result) {
  return result ? ErrorCode::kInternalError : result.error().code;
}

TEST(VersioningConfiguration, AcceptsTheTwoStatesAndRefusesAsS3) {
  auto doc = [](std::string_view inner) {
    return "<VersioningConfiguration " + std::string(kNs) + ">" + std::string(inner) +
           "</VersioningConfiguration>";
  };
  auto enabled = ParseVersioningConfiguration(doc("<Status>Enabled</Status>"));
  ASSERT_TRUE(enabled);
  EXPECT_EQ(*enabled, s3::VersioningState::kEnabled);
  auto suspended = ParseVersioningConfiguration(
      doc("<MfaDelete>Disabled</MfaDelete><Status>Suspended</Status>"));
  ASSERT_TRUE(suspended);
  EXPECT_EQ(*suspended, s3::VersioningState::kSuspended);
  const struct {
    std::string body;
    ErrorCode code;
  } kCases[] = {
      {"not xml", ErrorCode::kMalformedXML},
      {"<Other/>", ErrorCode::kMalformedXML},
      {doc("<Status>enabled</Status>"), ErrorCode::kMalformedXML},
      {doc("<Status>Enabled</Status><Status>Enabled</Status>"), ErrorCode::kMalformedXML},
      {doc("<Status>Enabled</Status><Extra/>"), ErrorCode::kMalformedXML},
      {doc("<MfaDelete>Maybe</MfaDelete><Status>Enabled</Status>"), ErrorCode::kMalformedXML},
      {doc(""), ErrorCode::kIllegalVersioningConfigurationException},
      {doc("<MfaDelete>Disabled</MfaDelete>"), ErrorCode::kIllegalVersioningConfigurationException},
      {doc("<MfaDelete>Enabled</MfaDelete><Status>Enabled</Status>"), ErrorCode::kInvalidRequest},
  };
  for (const auto& c : kCases) EXPECT_EQ(CodeOf(ParseVersioningConfiguration(c.body)), c.code) << c.body;
  EXPECT_EQ(VersioningConfigurationXml(s3::VersioningState::kUnset),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><VersioningConfiguration " +
                std::string(kNs) + "/>");
}

TEST(Iso8601, ParsesTheFormsSdksSend) {
  auto base = ParseIso8601("2030-01-02T03:04:05Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(std::chrono::system_clock::to_time_t(*base), 1893553445);
  EXPECT_EQ(ParseIso8601("2030-01-02T03:04:05.000Z"), base);
  EXPECT_EQ(ParseIso8601("2030-01-02T04:04:05+01:00"), base);
  EXPECT_EQ(*ParseIso8601("2030-01-02T03:04:05.5Z") - *base, std::chrono::milliseconds(500));
  for (std::string_view bad : {"", "2030-01-02", "2030-01-02T03:04:05", "2030-13-02T03:04:05Z",
                               "2030-01-02 03:04:05Z", "2030-01-02T03:04:05Zjunk",
                               "Wed, 02 Jan 2030 03:04:05 GMT"})
    EXPECT_FALSE(ParseIso8601(bad)) << bad;
}

TEST(ObjectLockConfiguration, ADefaultRetentionNeedsAModeAndOnePeriod) {
  auto doc = [](std::string_view rule) {
    return "<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled>" +
           std::string(rule) + "</ObjectLockConfiguration>";
  };
  auto none = ParseObjectLockConfiguration(doc(""));
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);
  auto days = ParseObjectLockConfiguration(
      doc("<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>3</Days></DefaultRetention></Rule>"));
  ASSERT_TRUE(days && *days);
  EXPECT_EQ((*days)->mode, s3::RetentionMode::kCompliance);
  EXPECT_EQ((*days)->days, 3);
  const struct {
    std::string body;
    ErrorCode code;
  } kCases[] = {
      {doc("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode></DefaultRetention></Rule>"),
       ErrorCode::kMalformedXML},
      {doc("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>"
           "</DefaultRetention></Rule>"),
       ErrorCode::kMalformedXML},
      {doc("<Rule><DefaultRetention><Mode>LOCKED</Mode><Days>1</Days></DefaultRetention></Rule>"),
       ErrorCode::kMalformedXML},
      {doc("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>0</Days></DefaultRetention></Rule>"),
       ErrorCode::kInvalidArgument},
      {doc("<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Years>x</Years></DefaultRetention></Rule>"),
       ErrorCode::kInvalidArgument},
      {"<ObjectLockConfiguration><ObjectLockEnabled>Disabled</ObjectLockEnabled>"
       "</ObjectLockConfiguration>",
       ErrorCode::kMalformedXML},
  };
  for (const auto& c : kCases) EXPECT_EQ(CodeOf(ParseObjectLockConfiguration(c.body)), c.code) << c.body;
}

TEST(Retention, EmptyRemovesAndHalfIsMalformed) {
  auto empty = ParseRetention("<Retention/>");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->mode, s3::RetentionMode::kNone);
  auto full = ParseRetention(
      "<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>2030-01-02T03:04:05Z</RetainUntilDate>"
      "</Retention>");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->mode, s3::RetentionMode::kGovernance);
  EXPECT_EQ(CodeOf(ParseRetention("<Retention><Mode>GOVERNANCE</Mode></Retention>")),
            ErrorCode::kMalformedXML);
  EXPECT_EQ(CodeOf(ParseRetention("<Retention><Mode>GOVERNANCE</Mode><RetainUntilDate>soon"
                                  "</RetainUntilDate></Retention>")),
            ErrorCode::kMalformedXML);
  EXPECT_EQ(CodeOf(ParseLegalHold("<LegalHold><Status>on</Status></LegalHold>")),
            ErrorCode::kMalformedXML);
  EXPECT_TRUE(*ParseLegalHold("<LegalHold><Status>ON</Status></LegalHold>"));
}

}  // namespace
}  // namespace awslab::protocol
