#include "emulator/protocol/lifecycle_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <ctime>
#include <optional>

#include "client/include/awslab/crypto.h"
#include "emulator/base/ids.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::ElementsOf;
using xml::LocalName;
using xml::Malformed;
using xml::ReadValues;
using xml::Trim;
using xml::ValueOf;

// An xsd:int or xsd:long, signed (a negative count parses, and is refused
// later with AWS's InvalidArgument).
std::optional<std::int64_t> ParseInt(std::string_view v) {
  v = Trim(v);
  if (!v.empty() && v[0] == '+') v.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc() || end != v.data() + v.size()) return std::nullopt;
  return n;
}

// An ISO 8601 timestamp: "2027-01-01", "2027-01-01T00:00:00Z",
// "2027-01-01T00:00:00.000Z" or with an offset "+00:00".
std::optional<TimePoint> ParseDate(std::string_view v) {
  v = Trim(v);
  int Y, M, D, h = 0, m = 0, s = 0;
  auto num = [&](std::size_t at, std::size_t len, int& out) {
    if (at + len > v.size()) return false;
    auto [e, ec] = std::from_chars(v.data() + at, v.data() + at + len, out);
    return ec == std::errc() && e == v.data() + at + len;
  };
  if (!num(0, 4, Y) || v.size() < 10 || v[4] != '-' || !num(5, 2, M) || v[7] != '-' ||
      !num(8, 2, D))
    return std::nullopt;
  std::size_t pos = 10;
  std::int64_t offset = 0;
  std::int64_t fraction_ns = 0;
  if (pos < v.size()) {
    if (v[pos] != 'T' || !num(pos + 1, 2, h) || v.size() < pos + 9 || v[pos + 3] != ':' ||
        !num(pos + 4, 2, m) || v[pos + 6] != ':' || !num(pos + 7, 2, s))
      return std::nullopt;
    pos += 9;
    if (pos < v.size() && v[pos] == '.') {
      ++pos;
      std::int64_t scale = 100'000'000;
      while (pos < v.size() && v[pos] >= '0' && v[pos] <= '9') {
        fraction_ns += (v[pos] - '0') * scale;
        scale /= 10;
        ++pos;
      }
    }
    if (pos < v.size() && v[pos] == 'Z') {
      ++pos;
    } else if (pos < v.size() && (v[pos] == '+' || v[pos] == '-')) {
      int oh, om;
      if (!num(pos + 1, 2, oh) || v.size() < pos + 6 || v[pos + 3] != ':' || !num(pos + 4, 2, om))
        return std::nullopt;
      offset = (v[pos] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
      pos += 6;
    }
    if (pos != v.size()) return std::nullopt;
  }
  if (M < 1 || M > 12 || D < 1 || D > 31 || h > 23 || m > 59 || s > 60) return std::nullopt;
  std::tm tm{};
  tm.tm_year = Y - 1900;
  tm.tm_mon = M - 1;
  tm.tm_mday = D;
  tm.tm_hour = h;
  tm.tm_min = m;
  tm.tm_sec = s;
  std::time_t t = timegm(&tm);
  if (tm.tm_mday != D) return std::nullopt;  // 31 February
  return TimePoint(std::chrono::seconds(t - offset)) +
         std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(fraction_ns));
}

template <typename T>
Status IntInto(const std::optional<std::string>& text, std::optional<T>& out) {
  if (!text) return Ok();
  auto n = ParseInt(*text);
  if (!n) return Malformed();
  if constexpr (std::is_unsigned_v<T>) {
    if (*n < 0) return Malformed();
  }
  out = static_cast<T>(*n);
  return Ok();
}

Status ParseTag(const pugi::xml_node& node, s3::LifecycleRule& rule) {
  std::optional<std::string> key, value;
  if (Status st = ReadValues(node, {{"Key", &key}, {"Value", &value}}); !st) return st;
  if (!key) return Malformed();
  rule.tags.emplace_back(std::move(*key), value.value_or(""));
  return Ok();
}

// The conditions of a <Filter> or of its <And>. Outside <And> at most one.
Status ParseConditions(const pugi::xml_node& node, s3::LifecycleRule& rule, bool in_and) {
  auto elements = ElementsOf(node);
  if (!elements) return Malformed();
  if (!in_and && elements->size() > 1) return Malformed();
  std::optional<std::string> gt, lt;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    if (name == "Prefix") {
      if (rule.prefix) return Malformed();
      auto v = ValueOf(e);
      if (!v) return Malformed();
      rule.prefix = std::move(*v);
    } else if (name == "Tag") {
      if (Status st = ParseTag(e, rule); !st) return st;
    } else if (name == "ObjectSizeGreaterThan" || name == "ObjectSizeLessThan") {
      auto& slot = name == "ObjectSizeGreaterThan" ? gt : lt;
      if (slot) return Malformed();
      slot = ValueOf(e);
      if (!slot) return Malformed();
    } else if (name == "And" && !in_and) {
      rule.filter_and = true;
      if (Status st = ParseConditions(e, rule, true); !st) return st;
    } else {
      return Malformed();
    }
  }
  if (Status st = IntInto(gt, rule.size_greater_than); !st) return st;
  if (Status st = IntInto(lt, rule.size_less_than); !st) return st;
  return Ok();
}

Result<s3::LifecycleTransition> ParseTransition(const pugi::xml_node& node, bool noncurrent) {
  std::optional<std::string> days, date, storage_class, newer;
  Status st = noncurrent ? ReadValues(node, {{"NoncurrentDays", &days},
                                             {"StorageClass", &storage_class},
                                             {"NewerNoncurrentVersions", &newer}})
                         : ReadValues(node, {{"Days", &days},
                                             {"Date", &date},
                                             {"StorageClass", &storage_class}});
  if (!st) return st.error();
  s3::LifecycleTransition t;
  if (!storage_class || (days && date)) return Malformed();
  t.storage_class = std::move(*storage_class);
  if (Status s = IntInto(days, t.days); !s) return s.error();
  if (Status s = IntInto(newer, t.newer_noncurrent_versions); !s) return s.error();
  if (date) {
    t.date = ParseDate(*date);
    if (!t.date) return Malformed();
  }
  return t;
}

Result<s3::LifecycleRule> ParseRule(const pugi::xml_node& node) {
  auto elements = ElementsOf(node);
  if (!elements) return Malformed();
  s3::LifecycleRule rule;
  std::optional<std::string> id, status;
  bool has_abort = false;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    auto value = [&](std::optional<std::string>& slot) -> Status {
      if (slot) return Malformed();
      slot = ValueOf(e);
      if (!slot) return Malformed();
      return Ok();
    };
    if (name == "ID") {
      if (Status st = value(id); !st) return st.error();
    } else if (name == "Status") {
      if (Status st = value(status); !st) return st.error();
    } else if (name == "Prefix") {
      if (Status st = value(rule.legacy_prefix); !st) return st.error();
    } else if (name == "Filter") {
      if (rule.has_filter) return Malformed();
      rule.has_filter = true;
      if (Status st = ParseConditions(e, rule, false); !st) return st.error();
    } else if (name == "Expiration") {
      if (rule.has_expiration) return Malformed();
      rule.has_expiration = true;
      std::optional<std::string> days, date, marker;
      if (Status st = ReadValues(e, {{"Days", &days}, {"Date", &date},
                                     {"ExpiredObjectDeleteMarker", &marker}});
          !st)
        return st.error();
      if (days && date) return Malformed();
      if (Status st = IntInto(days, rule.expiration_days); !st) return st.error();
      if (date) {
        rule.expiration_date = ParseDate(*date);
        if (!rule.expiration_date) return Malformed();
      }
      if (marker) {
        std::string_view m = Trim(*marker);
        if (m != "true" && m != "false") return Malformed();
        rule.expired_object_delete_marker = m == "true";
      }
    } else if (name == "NoncurrentVersionExpiration") {
      if (rule.has_noncurrent_expiration) return Malformed();
      rule.has_noncurrent_expiration = true;
      std::optional<std::string> days, newer;
      if (Status st = ReadValues(e, {{"NoncurrentDays", &days},
                                     {"NewerNoncurrentVersions", &newer}});
          !st)
        return st.error();
      if (Status st = IntInto(days, rule.noncurrent_days); !st) return st.error();
      if (Status st = IntInto(newer, rule.newer_noncurrent_versions); !st) return st.error();
    } else if (name == "AbortIncompleteMultipartUpload") {
      if (has_abort) return Malformed();
      has_abort = true;
      std::optional<std::string> days;
      if (Status st = ReadValues(e, {{"DaysAfterInitiation", &days}}); !st) return st.error();
      if (!days) return Malformed();
      if (Status st = IntInto(days, rule.abort_incomplete_days); !st) return st.error();
    } else if (name == "Transition" || name == "NoncurrentVersionTransition") {
      bool noncurrent = name == "NoncurrentVersionTransition";
      auto t = ParseTransition(e, noncurrent);
      if (!t) return t.error();
      (noncurrent ? rule.noncurrent_transitions : rule.transitions).push_back(std::move(*t));
    } else {
      return Malformed();
    }
  }
  if (!status || (*status != "Enabled" && *status != "Disabled")) return Malformed();
  rule.enabled = *status == "Enabled";
  // Filter or the legacy Prefix: one of them, not both.
  if (rule.has_filter == rule.legacy_prefix.has_value()) return Malformed();
  if (id) {
    rule.id = std::move(*id);
  } else {
    // S3 names a rule sent without an ID: base64 of a random UUID.
    rule.id = crypto::Base64(NewUuid());
  }
  return rule;
}

}  // namespace

Result<s3::LifecycleConfiguration> ParseLifecycleConfiguration(std::string_view body) {
  pugi::xml_document doc;
  auto elements = xml::RootElements(doc, body, "LifecycleConfiguration");
  if (!elements) return elements.error();
  s3::LifecycleConfiguration config;
  for (const pugi::xml_node& e : *elements) {
    if (LocalName(e) != "Rule") return Malformed();
    auto rule = ParseRule(e);
    if (!rule) return rule.error();
    config.rules.push_back(std::move(*rule));
  }
  if (Status st = s3::ValidateLifecycleConfiguration(config); !st) return st.error();
  return config;
}

std::string LifecycleConfigurationXml(const s3::LifecycleConfiguration& config) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "LifecycleConfiguration");
  auto num = [](pugi::xml_node parent, const char* name, std::int64_t n) {
    xml::Text(parent, name, std::to_string(n));
  };
  for (const s3::LifecycleRule& rule : config.rules) {
    auto r = root.append_child("Rule");
    if (rule.has_expiration) {
      auto e = r.append_child("Expiration");
      if (rule.expiration_date) xml::Text(e, "Date", FormatIso8601(*rule.expiration_date));
      if (rule.expiration_days) num(e, "Days", *rule.expiration_days);
      if (rule.expired_object_delete_marker)
        xml::Text(e, "ExpiredObjectDeleteMarker",
                  *rule.expired_object_delete_marker ? "true" : "false");
    }
    xml::Text(r, "ID", rule.id);
    if (rule.legacy_prefix) xml::Text(r, "Prefix", *rule.legacy_prefix);
    if (rule.has_filter) {
      auto f = r.append_child("Filter");
      pugi::xml_node where = rule.filter_and ? f.append_child("And") : f;
      if (rule.prefix) xml::Text(where, "Prefix", *rule.prefix);
      for (const auto& [k, v] : rule.tags) {
        auto t = where.append_child("Tag");
        xml::Text(t, "Key", k);
        xml::Text(t, "Value", v);
      }
      if (rule.size_greater_than)
        xml::Text(where, "ObjectSizeGreaterThan", std::to_string(*rule.size_greater_than));
      if (rule.size_less_than)
        xml::Text(where, "ObjectSizeLessThan", std::to_string(*rule.size_less_than));
    }
    xml::Text(r, "Status", rule.enabled ? "Enabled" : "Disabled");
    for (const auto& t : rule.transitions) {
      auto x = r.append_child("Transition");
      if (t.date) xml::Text(x, "Date", FormatIso8601(*t.date));
      if (t.days) num(x, "Days", *t.days);
      xml::Text(x, "StorageClass", t.storage_class);
    }
    for (const auto& t : rule.noncurrent_transitions) {
      auto x = r.append_child("NoncurrentVersionTransition");
      if (t.days) num(x, "NoncurrentDays", *t.days);
      xml::Text(x, "StorageClass", t.storage_class);
      if (t.newer_noncurrent_versions) num(x, "NewerNoncurrentVersions", *t.newer_noncurrent_versions);
    }
    if (rule.has_noncurrent_expiration) {
      auto x = r.append_child("NoncurrentVersionExpiration");
      if (rule.noncurrent_days) num(x, "NoncurrentDays", *rule.noncurrent_days);
      if (rule.newer_noncurrent_versions)
        num(x, "NewerNoncurrentVersions", *rule.newer_noncurrent_versions);
    }
    if (rule.abort_incomplete_days) {
      auto x = r.append_child("AbortIncompleteMultipartUpload");
      num(x, "DaysAfterInitiation", *rule.abort_incomplete_days);
    }
  }
  return xml::Serialize(doc);
}

}  // namespace awslab::protocol
