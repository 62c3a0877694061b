#include "emulator/protocol/object_lock_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <ctime>

#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::Text;

bool Digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// The elements of `node` other than white space; false if it holds text.
bool OnlyElements(pugi::xml_node node) {
  for (auto child : node.children())
    if (child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) return false;
  return true;
}

}  // namespace

std::optional<TimePoint> ParseIso8601(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!Digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !Digits(s, 5, 2, month) ||
      s[7] != '-' || !Digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't') ||
      !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute) || s[16] != ':' ||
      !Digits(s, 17, 2, second))
    return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
    return std::nullopt;
  std::size_t pos = 19;
  long long nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      if (digits < 9) nanos = nanos * 10 + (s[pos] - '0'), ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    while (digits++ < 9) nanos *= 10;
  }
  long offset = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!Digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !Digits(s, pos + 4, 2, om))
      return std::nullopt;
    offset = (s[pos] == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = minute;
  tm.tm_sec = second;
  std::time_t t = timegm(&tm) - offset;
  return std::chrono::system_clock::from_time_t(t) +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(nanos));
}

std::optional<s3::RetentionMode> ParseRetentionMode(std::string_view s) {
  if (s == "GOVERNANCE") return s3::RetentionMode::kGovernance;
  if (s == "COMPLIANCE") return s3::RetentionMode::kCompliance;
  return std::nullopt;
}

std::string_view RetentionModeName(s3::RetentionMode mode) {
  switch (mode) {
    case s3::RetentionMode::kGovernance: return "GOVERNANCE";
    case s3::RetentionMode::kCompliance: return "COMPLIANCE";
    case s3::RetentionMode::kNone: break;
  }
  return "";
}

Result<std::optional<s3::DefaultRetention>> ParseObjectLockConfiguration(std::string_view body) {
  using Out = std::optional<s3::DefaultRetention>;
  auto malformed = [] { return MakeError(ErrorCode::kMalformedXML); };
  pugi::xml_document doc;
  auto root = xml::LoadRoot(doc, body, "ObjectLockConfiguration");
  if (!root) return root.error();
  if (!OnlyElements(*root)) return malformed();
  Out rule;
  for (auto child : root->children()) {
    if (child.type() != pugi::node_element) continue;
    std::string_view name = child.name();
    if (name == "ObjectLockEnabled") {
      if (std::string_view(child.text().get()) != "Enabled") return malformed();
    } else if (name == "Rule") {
      auto d = child.child("DefaultRetention");
      if (!d) return malformed();
      auto mode = ParseRetentionMode(d.child("Mode").text().get());
      if (!mode) return malformed();
      auto days = d.child("Days"), years = d.child("Years");
      if (bool(days) == bool(years)) return malformed();
      std::string_view text = (days ? days : years).text().get();
      int n = 0;
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || p != text.data() + text.size() || n <= 0)
        return MakeError(ErrorCode::kInvalidArgument,
                         "Default retention period must be a positive integer value.");
      s3::DefaultRetention r;
      r.mode = *mode;
      (days ? r.days : r.years) = n;
      rule = r;
    } else {
      return malformed();
    }
  }
  return rule;
}

std::string ObjectLockConfigurationXml(const std::optional<s3::DefaultRetention>& rule) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "ObjectLockConfiguration");
  Text(root, "ObjectLockEnabled", "Enabled");
  if (rule) {
    auto d = root.append_child("Rule").append_child("DefaultRetention");
    Text(d, "Mode", RetentionModeName(rule->mode));
    if (rule->days) Text(d, "Days", std::to_string(rule->days));
    if (rule->years) Text(d, "Years", std::to_string(rule->years));
  }
  return xml::Serialize(doc);
}

Result<Retention> ParseRetention(std::string_view body) {
  auto malformed = [] { return MakeError(ErrorCode::kMalformedXML); };
  pugi::xml_document doc;
  auto root = xml::LoadRoot(doc, body, "Retention");
  if (!root) return root.error();
  if (!OnlyElements(*root)) return malformed();
  auto mode_node = root->child("Mode"), date_node = root->child("RetainUntilDate");
  for (auto child : root->children())
    if (child.type() == pugi::node_element && child != mode_node && child != date_node)
      return malformed();
  Retention r;
  if (!mode_node && !date_node) return r;  // removes the retention
  if (!mode_node || !date_node) return malformed();
  auto mode = ParseRetentionMode(mode_node.text().get());
  auto until = ParseIso8601(date_node.text().get());
  if (!mode || !until) return malformed();
  r.mode = *mode;
  r.until = *until;
  return r;
}

std::string RetentionXml(s3::RetentionMode mode, TimePoint until) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "Retention");
  Text(root, "Mode", RetentionModeName(mode));
  Text(root, "RetainUntilDate", FormatIso8601(until));
  return xml::Serialize(doc);
}

Result<bool> ParseLegalHold(std::string_view body) {
  pugi::xml_document doc;
  auto root = xml::LoadRoot(doc, body, "LegalHold");
  if (!root) return root.error();
  std::string_view status = root->child("Status").text().get();
  if (status == "ON") return true;
  if (status == "OFF") return false;
  return MakeError(ErrorCode::kMalformedXML);
}

std::string LegalHoldXml(bool on) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "LegalHold");
  Text(root, "Status", on ? "ON" : "OFF");
  return xml::Serialize(doc);
}

}  // namespace awslab::protocol
