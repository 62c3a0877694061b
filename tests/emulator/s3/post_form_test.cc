// The pieces of POST Object that need no server: the streaming
// multipart/form-data parser and the policy document.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emulator/protocol/multipart_form.h"
#include "emulator/s3/post_policy.h"

namespace awslab {
namespace {

using protocol::FormDataBoundary;
using protocol::FormPart;
using protocol::MultipartFormParser;

// Records every event as text.
struct Recorder : protocol::FormListener {
  std::vector<std::string> events;
  std::string stop_at;  // a part name whose beginning stops the parse
  bool OnPartBegin(const FormPart& part) override {
    events.push_back("begin " + part.name + (part.filename ? " file=" + *part.filename : "") +
                     (part.content_type.empty() ? "" : " type=" + part.content_type));
    events.push_back("");
    return part.name != stop_at;
  }
  bool OnPartData(std::string_view data) override {
    events.back().append(data);
    return true;
  }
  bool OnPartEnd() override {
    events.push_back("end");
    return true;
  }
};

const std::string kBody =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"key\"\r\n\r\n"
    "uploads/${filename}\r\n"
    "--XyZ\r\n"
    "content-disposition: form-data; name=\"file\"; filename=\"C:\\\\dir\\\\a \\\"b\\\".txt\"\r\n"
    "Content-Type: text/plain\r\n\r\n"
    "line 1\r\n--XyY is not a delimiter\r\n-\r\n--Xy\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"after\"\r\n\r\n"
    "ignored\r\n"
    "--XyZ--\r\n";

const std::vector<std::string> kEvents = {
    "begin key", "uploads/${filename}", "end",
    "begin file file=C:\\dir\\a \"b\".txt type=text/plain",
    "line 1\r\n--XyY is not a delimiter\r\n-\r\n--Xy", "end",
    "begin after", "ignored", "end"};

TEST(MultipartFormParser, ParsesWholeBody) {
  Recorder r;
  MultipartFormParser p("XyZ", r);
  ASSERT_TRUE(p.Feed(kBody));
  EXPECT_TRUE(p.Finish());
  EXPECT_EQ(r.events, kEvents);
}

TEST(MultipartFormParser, GivesTheSameEventsForEverySplitOfTheBody) {
  for (std::size_t step : {1, 2, 3, 5, 7, 11, 64}) {
    Recorder r;
    MultipartFormParser p("XyZ", r);
    for (std::size_t i = 0; i < kBody.size(); i += step)
      ASSERT_TRUE(p.Feed(std::string_view(kBody).substr(i, step))) << step;
    EXPECT_TRUE(p.Finish()) << step;
    EXPECT_EQ(r.events, kEvents) << step;
  }
}

TEST(MultipartFormParser, StopsWhenTheListenerSaysSo) {
  Recorder r;
  r.stop_at = "file";
  MultipartFormParser p("XyZ", r);
  ASSERT_TRUE(p.Feed(kBody));
  EXPECT_TRUE(p.done());
  EXPECT_EQ(r.events.size(), 5u);
}

TEST(MultipartFormParser, RefusesWhatIsNotFormData) {
  const std::string kCases[] = {
      "--XyZ\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n--XyZ--",
      "--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
      "--XyZjunk",
  };
  for (const auto& body : kCases) {
    Recorder r;
    MultipartFormParser p("XyZ", r);
    Status st = p.Feed(body);
    if (st) st = p.Finish();
    ASSERT_FALSE(st) << body;
    EXPECT_EQ(st.error().code, ErrorCode::kMalformedPOSTRequest) << body;
  }
  // A body cut short has no closing delimiter.
  Recorder r;
  MultipartFormParser p("XyZ", r);
  ASSERT_TRUE(p.Feed(kBody.substr(0, 80)));
  EXPECT_FALSE(p.Finish());
}

TEST(FormDataBoundary, ReadsTheContentType) {
  EXPECT_EQ(FormDataBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(FormDataBoundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b\""), "a b");
  EXPECT_EQ(FormDataBoundary("multipart/form-data"), std::nullopt);
  EXPECT_EQ(FormDataBoundary("application/x-www-form-urlencoded"), std::nullopt);
  EXPECT_EQ(FormDataBoundary("multipart/mixed; boundary=abc"), std::nullopt);
}

TimePoint At(std::time_t t) { return std::chrono::system_clock::from_time_t(t); }

constexpr std::time_t k2030 = 1893456000;  // 2030-01-01T00:00:00Z

TEST(PostPolicy, ParsesConditionsAndExpiration) {
  auto p = s3::ParsePostPolicy(R"({"expiration": "2030-01-01T00:00:00.000Z", "conditions": [
      {"bucket": "b"}, ["starts-with", "$Key", "user/"], ["eq", "$acl", "private"],
      ["content-length-range", 1, "10"], {"success_action_status": 201}]})");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->expiration, At(k2030));
  ASSERT_EQ(p->conditions.size(), 5u);
  EXPECT_EQ(p->conditions[0].text, R"(["eq", "$bucket", "b"])");
  EXPECT_EQ(p->conditions[1].field, "key");
  EXPECT_EQ(p->conditions[1].text, R"(["starts-with", "$Key", "user/"])");
  EXPECT_EQ(p->conditions[3].max, 10u);
  EXPECT_EQ(p->conditions[4].value, "201");
  auto plain = s3::ParsePostPolicy(R"({"expiration": "2030-01-01T00:00:01Z", "conditions": []})");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->expiration, At(k2030 + 1));
}

TEST(PostPolicy, RefusesMalformedDocuments) {
  const struct {
    std::string json, message;
  } kCases[] = {
      {"not json", "Invalid Policy: Invalid JSON."},
      {R"({"conditions": []})", "Invalid Policy: Policy missing expiration."},
      {R"({"expiration": "2030-01-01T00:00:00Z"})", "Invalid Policy: Policy missing conditions."},
      {R"({"expiration": "tomorrow", "conditions": []})",
       "Invalid Policy: Invalid 'expiration' value: 'tomorrow'"},
      {R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [{"a": "1", "b": "2"}]})",
       "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one "
       "property specified."},
      {R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [["matches", "$key", "x"]]})",
       "Invalid Policy: Invalid Condition: unknown operation 'matches'."},
  };
  for (const auto& c : kCases) {
    auto p = s3::ParsePostPolicy(c.json);
    ASSERT_FALSE(p) << c.json;
    EXPECT_EQ(p.error().code, ErrorCode::kInvalidPolicyDocument);
    EXPECT_EQ(p.error().message, c.message);
  }
}

TEST(PostPolicy, ChecksFieldsAsS3Does) {
  auto policy = s3::ParsePostPolicy(R"({"expiration": "2030-01-01T00:00:00Z", "conditions": [
      {"bucket": "b"}, ["starts-with", "$key", "user/"], ["starts-with", "$Content-Type", ""],
      ["content-length-range", 2, 4]]})");
  ASSERT_TRUE(policy);
  const TimePoint before = At(k2030 - 1);
  const struct {
    std::vector<s3::FormField> fields;
    std::string bucket;
    TimePoint now;
    std::string message;  // empty: allowed
  } kCases[] = {
      {{{"key", "user/a"}, {"policy", "p"}, {"x-amz-signature", "s"}, {"x-ignore-me", "1"}}, "b",
       before, ""},
      {{{"key", "user/a"}, {"content-type", "text/plain"}}, "b", before, ""},
      {{{"key", "user/a"}}, "b", At(k2030), "Invalid according to Policy: Policy expired."},
      {{{"key", "other/a"}}, "b", before,
       R"(Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"])"},
      {{{"key", "user/a"}}, "c", before,
       R"(Invalid according to Policy: Policy Condition failed: ["eq", "$bucket", "b"])"},
      {{{"key", "user/a"}, {"x-amz-meta-a", "1"}, {"acl", "private"}}, "b", before,
       "Invalid according to Policy: Extra input fields: x-amz-meta-a, acl"},
  };
  for (const auto& c : kCases) {
    Status st = s3::CheckPostPolicy(*policy, c.fields, c.bucket, c.now);
    if (c.message.empty()) {
      EXPECT_TRUE(st) << st.error().message;
    } else {
      ASSERT_FALSE(st) << c.message;
      EXPECT_EQ(st.error().code, ErrorCode::kAccessDenied);
      EXPECT_EQ(st.error().message, c.message);
    }
  }
  EXPECT_TRUE(s3::CheckContentLength(*policy, 2));
  EXPECT_TRUE(s3::CheckContentLength(*policy, 4));
  EXPECT_EQ(s3::CheckContentLength(*policy, 1).error().code, ErrorCode::kEntityTooSmall);
  EXPECT_EQ(s3::CheckContentLength(*policy, 5).error().code, ErrorCode::kEntityTooLarge);
}

TEST(PostPolicy, JoinsFieldsOfOneNameWithCommas) {
  std::vector<s3::FormField> fields = {{"x-amz-meta-tag", "Ninja"}, {"X-Amz-Meta-Tag", "Stallman"}};
  EXPECT_EQ(s3::FieldValue(fields, "b", "x-amz-meta-tag"), "Ninja,Stallman");
  EXPECT_EQ(s3::FieldValue(fields, "b", "bucket"), "b");
  EXPECT_EQ(s3::FieldValue(fields, "b", "key"), std::nullopt);
}

}  // namespace
}  // namespace awslab
