#include "emulator/s3/lifecycle.h"

#include <algorithm>
#include <set>

#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

constexpr std::int64_t kDay = 86400;

Error InvalidArgument(std::string message, std::string_view name = {},
                      std::string_view value = {}) {
  Error e = MakeError(ErrorCode::kInvalidArgument, std::move(message));
  if (!name.empty()) {
    e.details.emplace_back("ArgumentName", std::string(name));
    e.details.emplace_back("ArgumentValue", std::string(value));
  }
  return e;
}

std::int64_t Seconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

TimePoint FromSeconds(std::int64_t s) { return TimePoint(std::chrono::seconds(s)); }

// The prefix a rule selects by ("" when none).
std::string_view PrefixOf(const LifecycleRule& rule) {
  if (rule.legacy_prefix) return *rule.legacy_prefix;
  if (rule.prefix) return *rule.prefix;
  return {};
}

}  // namespace

TimePoint MidnightAtOrAfter(TimePoint t) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  constexpr std::int64_t kDayNs = kDay * 1'000'000'000LL;
  std::int64_t days = ns / kDayNs;
  if (ns % kDayNs != 0 && ns > 0) ++days;
  return FromSeconds(days * kDay);
}

bool IsMidnightUtc(TimePoint t) { return MidnightAtOrAfter(t) == t; }

Status ValidateLifecycleConfiguration(const LifecycleConfiguration& config) {
  if (config.rules.empty() || config.rules.size() > kMaxLifecycleRules)
    return MakeError(ErrorCode::kMalformedXML);
  std::set<std::string_view> ids;
  for (const LifecycleRule& rule : config.rules) {
    if (rule.id.size() > kMaxLifecycleRuleIdLength)
      return InvalidArgument("ID length should not exceed allowed limit of 255", "ID", rule.id);
    if (!ids.insert(rule.id).second)
      return InvalidArgument("Rule ID must be unique. Found same ID for more than one rule", "ID",
                             rule.id);
  }
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.has_expiration && !rule.has_noncurrent_expiration && !rule.abort_incomplete_days &&
        rule.transitions.empty() && rule.noncurrent_transitions.empty())
      return MakeError(ErrorCode::kInvalidRequest,
                       "At least one action needs to be specified in a rule");
    if (rule.has_expiration) {
      if (rule.expired_object_delete_marker && (rule.expiration_days || rule.expiration_date))
        return MakeError(ErrorCode::kInvalidRequest,
                         "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a "
                         "Lifecycle Expiration Policy.");
      if (rule.expiration_days && *rule.expiration_days <= 0)
        return InvalidArgument("'Days' for Expiration action must be a positive integer");
      if (rule.expiration_date && !IsMidnightUtc(*rule.expiration_date))
        return InvalidArgument("'Date' must be at midnight GMT");
      if (!rule.expiration_days && !rule.expiration_date && !rule.expired_object_delete_marker)
        return MakeError(ErrorCode::kMalformedXML);
    }
    if (rule.has_noncurrent_expiration) {
      if (!rule.noncurrent_days || *rule.noncurrent_days <= 0)
        return InvalidArgument(
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
      if (rule.newer_noncurrent_versions && *rule.newer_noncurrent_versions <= 0)
        return InvalidArgument(
            "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive "
            "integer");
    }
    if (rule.abort_incomplete_days) {
      if (*rule.abort_incomplete_days <= 0)
        return InvalidArgument(
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
            "integer");
      if (!rule.tags.empty())
        return MakeError(ErrorCode::kInvalidRequest,
                         "AbortIncompleteMultipartUpload cannot be specified with Tags.");
    }
    for (const LifecycleTransition& t : rule.transitions) {
      if (t.days && *t.days < 0)
        return InvalidArgument("'Days' for Transition action must be a positive integer");
      if (t.date && !IsMidnightUtc(*t.date))
        return InvalidArgument("'Date' must be at midnight GMT");
    }
    for (const LifecycleTransition& t : rule.noncurrent_transitions) {
      if (t.days && *t.days < 0)
        return InvalidArgument(
            "'NoncurrentDays' for NoncurrentVersionTransition action must be a positive integer");
    }
  }
  return Ok();
}

bool RuleApplies(const LifecycleRule& rule, const LifecycleObject& object) {
  if (!rule.enabled) return false;
  if (!object.key.starts_with(PrefixOf(rule))) return false;
  for (const auto& [k, v] : rule.tags) {
    if (!object.tags) return false;
    bool found = false;
    for (const auto& [ok, ov] : *object.tags) found |= ok == k && ov == v;
    if (!found) return false;
  }
  if (rule.size_greater_than && !(object.size > *rule.size_greater_than)) return false;
  if (rule.size_less_than && !(object.size < *rule.size_less_than)) return false;
  return true;
}

std::optional<Expiry> CurrentObjectExpiry(const LifecycleConfiguration& config,
                                          const LifecycleObject& object) {
  std::optional<Expiry> best;
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.has_expiration || !RuleApplies(rule, object)) continue;
    std::optional<TimePoint> at;
    if (rule.expiration_days)
      at = MidnightAtOrAfter(object.last_modified + std::chrono::seconds(*rule.expiration_days * kDay));
    else if (rule.expiration_date)
      at = *rule.expiration_date;
    if (at && (!best || *at < best->at)) best = Expiry{*at, rule.id};
  }
  return best;
}

std::optional<TimePoint> UploadAbortTime(const LifecycleConfiguration& config,
                                         std::string_view key, TimePoint initiated) {
  std::optional<TimePoint> best;
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.enabled || !rule.abort_incomplete_days || !key.starts_with(PrefixOf(rule)))
      continue;
    TimePoint at =
        MidnightAtOrAfter(initiated + std::chrono::seconds(*rule.abort_incomplete_days * kDay));
    if (!best || at < *best) best = at;
  }
  return best;
}

std::vector<std::size_t> ExpiredNoncurrentVersions(const LifecycleConfiguration& config,
                                                   std::string_view key,
                                                   const std::vector<NoncurrentVersion>& versions,
                                                   TimePoint now) {
  std::vector<bool> expired(versions.size(), false);
  for (const LifecycleRule& rule : config.rules) {
    if (!rule.has_noncurrent_expiration || !rule.noncurrent_days) continue;
    // "NewerNoncurrentVersions: the number of noncurrent versions Amazon S3
    // will retain" — counted among the versions this rule selects.
    std::int64_t kept = 0;
    for (std::size_t i = 0; i < versions.size(); ++i) {
      const NoncurrentVersion& v = versions[i];
      LifecycleObject o{key, v.size, v.noncurrent_since, v.tags};
      if (!RuleApplies(rule, o)) continue;
      if (rule.newer_noncurrent_versions && kept < *rule.newer_noncurrent_versions) {
        ++kept;
        continue;
      }
      TimePoint at = MidnightAtOrAfter(v.noncurrent_since +
                                       std::chrono::seconds(*rule.noncurrent_days * kDay));
      if (at <= now) expired[i] = true;
    }
  }
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < expired.size(); ++i)
    if (expired[i]) out.push_back(i);
  return out;
}

namespace {
enum LifecycleTag : std::uint32_t { kLRule = 1 };
enum RuleTag : std::uint32_t {
  kRId = 1,
  kREnabled = 2,
  kRLegacyPrefix = 3,
  kRHasFilter = 4,
  kRFilterAnd = 5,
  kRPrefix = 6,
  kRTag = 7,  // nested: kPairKey, kPairValue
  kRSizeGt = 8,
  kRSizeLt = 9,
  kRHasExpiration = 10,
  kRExpDays = 11,
  kRExpDate = 12,  // seconds since the epoch
  kRExpMarker = 13,
  kRHasNoncurrent = 14,
  kRNoncurrentDays = 15,
  kRNewerNoncurrent = 16,
  kRAbortDays = 17,
  kRTransition = 18,            // nested: kT*
  kRNoncurrentTransition = 19,  // nested: kT*
};
enum PairTag : std::uint32_t { kPairKey = 1, kPairValue = 2 };
enum TransitionTag : std::uint32_t { kTDays = 1, kTDate = 2, kTNewer = 3, kTClass = 4 };

std::string EncodeTransition(const LifecycleTransition& t) {
  storage::RecordWriter w;
  if (t.days) w.PutI64(kTDays, *t.days);
  if (t.date) w.PutI64(kTDate, Seconds(*t.date));
  if (t.newer_noncurrent_versions) w.PutI64(kTNewer, *t.newer_noncurrent_versions);
  w.Put(kTClass, t.storage_class);
  return w.Release();
}

std::optional<LifecycleTransition> DecodeTransition(std::string_view data) {
  LifecycleTransition t;
  storage::RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  while (r.Next(tag, v)) {
    switch (tag) {
      case kTDays: t.days = storage::RecordReader::AsI64(v); break;
      case kTDate: t.date = FromSeconds(storage::RecordReader::AsI64(v)); break;
      case kTNewer: t.newer_noncurrent_versions = storage::RecordReader::AsI64(v); break;
      case kTClass: t.storage_class = v; break;
      default: break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return t;
}
}  // namespace

std::string EncodeLifecycle(const LifecycleConfiguration& config) {
  storage::RecordWriter w;
  for (const LifecycleRule& rule : config.rules) {
    storage::RecordWriter r;
    r.Put(kRId, rule.id);
    if (rule.enabled) r.PutBool(kREnabled, true);
    if (rule.legacy_prefix) r.Put(kRLegacyPrefix, *rule.legacy_prefix);
    if (rule.has_filter) r.PutBool(kRHasFilter, true);
    if (rule.filter_and) r.PutBool(kRFilterAnd, true);
    if (rule.prefix) r.Put(kRPrefix, *rule.prefix);
    for (const auto& [k, v] : rule.tags) {
      storage::RecordWriter p;
      p.Put(kPairKey, k);
      p.Put(kPairValue, v);
      r.Put(kRTag, p.data());
    }
    if (rule.size_greater_than) r.PutU64(kRSizeGt, *rule.size_greater_than);
    if (rule.size_less_than) r.PutU64(kRSizeLt, *rule.size_less_than);
    if (rule.has_expiration) r.PutBool(kRHasExpiration, true);
    if (rule.expiration_days) r.PutI64(kRExpDays, *rule.expiration_days);
    if (rule.expiration_date) r.PutI64(kRExpDate, Seconds(*rule.expiration_date));
    if (rule.expired_object_delete_marker)
      r.PutU64(kRExpMarker, *rule.expired_object_delete_marker ? 1 : 2);
    if (rule.has_noncurrent_expiration) r.PutBool(kRHasNoncurrent, true);
    if (rule.noncurrent_days) r.PutI64(kRNoncurrentDays, *rule.noncurrent_days);
    if (rule.newer_noncurrent_versions) r.PutI64(kRNewerNoncurrent, *rule.newer_noncurrent_versions);
    if (rule.abort_incomplete_days) r.PutI64(kRAbortDays, *rule.abort_incomplete_days);
    for (const auto& t : rule.transitions) r.Put(kRTransition, EncodeTransition(t));
    for (const auto& t : rule.noncurrent_transitions)
      r.Put(kRNoncurrentTransition, EncodeTransition(t));
    w.Put(kLRule, r.data());
  }
  return w.Release();
}

std::optional<LifecycleConfiguration> DecodeLifecycle(std::string_view data) {
  LifecycleConfiguration config;
  storage::RecordReader reader(data);
  std::uint32_t tag;
  std::string_view value;
  using storage::RecordReader;
  while (reader.Next(tag, value)) {
    if (tag != kLRule) continue;
    LifecycleRule rule;
    RecordReader r(value);
    std::uint32_t t;
    std::string_view v;
    while (r.Next(t, v)) {
      switch (t) {
        case kRId: rule.id = v; break;
        case kREnabled: rule.enabled = true; break;
        case kRLegacyPrefix: rule.legacy_prefix = std::string(v); break;
        case kRHasFilter: rule.has_filter = true; break;
        case kRFilterAnd: rule.filter_and = true; break;
        case kRPrefix: rule.prefix = std::string(v); break;
        case kRTag: {
          RecordReader p(v);
          std::uint32_t pt;
          std::string_view pv;
          std::pair<std::string, std::string> pair;
          while (p.Next(pt, pv)) {
            if (pt == kPairKey) pair.first = pv;
            else if (pt == kPairValue) pair.second = pv;
          }
          if (!p.ok()) return std::nullopt;
          rule.tags.push_back(std::move(pair));
          break;
        }
        case kRSizeGt: rule.size_greater_than = RecordReader::AsU64(v); break;
        case kRSizeLt: rule.size_less_than = RecordReader::AsU64(v); break;
        case kRHasExpiration: rule.has_expiration = true; break;
        case kRExpDays: rule.expiration_days = RecordReader::AsI64(v); break;
        case kRExpDate: rule.expiration_date = FromSeconds(RecordReader::AsI64(v)); break;
        case kRExpMarker: rule.expired_object_delete_marker = RecordReader::AsU64(v) == 1; break;
        case kRHasNoncurrent: rule.has_noncurrent_expiration = true; break;
        case kRNoncurrentDays: rule.noncurrent_days = RecordReader::AsI64(v); break;
        case kRNewerNoncurrent: rule.newer_noncurrent_versions = RecordReader::AsI64(v); break;
        case kRAbortDays: rule.abort_incomplete_days = RecordReader::AsI64(v); break;
        case kRTransition:
        case kRNoncurrentTransition: {
          auto tr = DecodeTransition(v);
          if (!tr) return std::nullopt;
          (t == kRTransition ? rule.transitions : rule.noncurrent_transitions)
              .push_back(std::move(*tr));
          break;
        }
        default: break;
      }
    }
    if (!r.ok()) return std::nullopt;
    config.rules.push_back(std::move(rule));
  }
  if (!reader.ok()) return std::nullopt;
  return config;
}

}  // namespace awslab::s3
