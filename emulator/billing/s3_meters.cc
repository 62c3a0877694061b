#include "emulator/billing/s3_meters.h"

#include <charconv>
#include <cstdio>
#include <sstream>

namespace awslab::billing {
namespace {

constexpr std::string_view kLevelPrefix = "g/l/";
constexpr std::string_view kStoredPrefix = "g/s/";
constexpr std::string_view kRequestsPrefix = "g/r/";

std::string HourKey(std::string_view prefix, std::string_view account, std::string_view bucket,
                    Seconds hour) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%012lld", static_cast<long long>(hour));
  std::string k(prefix);
  k.append(account).append("/").append(bucket).append("/").append(buf);
  return k;
}

// Splits "a b c" at spaces.
std::vector<std::string_view> Fields(std::string_view v) {
  std::vector<std::string_view> out;
  while (!v.empty()) {
    std::size_t sp = v.find(' ');
    out.push_back(v.substr(0, sp));
    if (sp == std::string_view::npos) break;
    v.remove_prefix(sp + 1);
  }
  return out;
}

template <class T>
bool Num(std::string_view s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

// A key "<prefix><account>/<bucket>/<hour>" split up.
bool SplitHourKey(std::string_view key, std::string_view prefix, std::string& account,
                  std::string& bucket, Seconds& hour) {
  key.remove_prefix(prefix.size());
  std::size_t a = key.find('/');
  std::size_t b = key.rfind('/');
  if (a == std::string_view::npos || b == a) return false;
  account = key.substr(0, a);
  bucket = key.substr(a + 1, b - a - 1);
  return Num(key.substr(b + 1), hour);
}

using Stored = S3Meters::Stored;

std::optional<Stored> DecodeStored(std::string_view v) {
  auto f = Fields(v);
  Stored s;
  if (f.size() != 3 || !Num(f[0], s.per_hour) || !Num(f[1], s.hours)) return std::nullopt;
  s.region = f[2];
  return s;
}

std::string EncodeStored(const Stored& s) {
  return std::to_string(s.per_hour) + " " + std::to_string(s.hours) + " " + s.region;
}

}  // namespace

S3Meters::S3Meters(storage::Storage& storage, Survey survey)
    : storage_(storage), survey_(std::move(survey)) {}

S3Meters::~S3Meters() {
  {
    std::lock_guard lock(stop_mu_);
    stopping_ = true;
  }
  stop_cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  (void)Flush();
}

void S3Meters::StartFlusher(std::chrono::milliseconds every) {
  flusher_ = std::thread([this, every] {
    std::unique_lock lock(stop_mu_);
    while (!stopping_) {
      stop_cv_.wait_for(lock, every, [this] { return stopping_; });
      lock.unlock();
      (void)Flush();
      lock.lock();
    }
  });
}

std::string S3Meters::EncodeLevel(const Level& l) {
  return l.account_id + " " + l.region + " " + std::to_string(l.bytes) + " " +
         std::to_string(l.since) + " " + std::to_string(l.hour) + " " +
         std::to_string(static_cast<long long>(l.acc));
}

std::optional<S3Meters::Level> S3Meters::DecodeLevel(std::string_view v) {
  auto f = Fields(v);
  Level l;
  long long acc = 0;
  if (f.size() != 6 || !Num(f[2], l.bytes) || !Num(f[3], l.since) || !Num(f[4], l.hour) ||
      !Num(f[5], acc))
    return std::nullopt;
  l.account_id = f[0];
  l.region = f[1];
  l.acc = acc;
  return l;
}

std::shared_ptr<S3Meters::Entry> S3Meters::EntryOf(std::string_view bucket) {
  std::lock_guard lock(map_mu_);
  if (auto it = entries_.find(bucket); it != entries_.end()) return it->second;
  return entries_.emplace(std::string(bucket), std::make_shared<Entry>()).first->second;
}

void S3Meters::Forget(std::string_view bucket) {
  std::shared_ptr<Entry> e;
  {
    std::lock_guard lock(map_mu_);
    auto it = entries_.find(bucket);
    if (it == entries_.end()) return;
    e = std::move(it->second);
    entries_.erase(it);
  }
  std::lock_guard lock(e->counts_mu);
  MovePendingCounts(bucket, *e);
  e->forgotten = true;
}

void S3Meters::AddCounts(const std::string& account_region, std::string_view bucket,
                         Seconds hour, const Counts& c) {
  std::lock_guard lock(counts_mu_);
  counts_[{account_region, std::string(bucket), hour}] += c;
}

void S3Meters::MovePendingCounts(std::string_view bucket, Entry& e) {
  if (e.counts.empty()) return;
  AddCounts(e.account_region, bucket, e.counts_hour, e.counts);
  e.counts = Counts{};
}

std::vector<std::pair<std::string, std::shared_ptr<S3Meters::Entry>>> S3Meters::Entries() const {
  std::lock_guard lock(map_mu_);
  std::vector<std::pair<std::string, std::shared_ptr<Entry>>> out(entries_.begin(), entries_.end());
  return out;
}

void S3Meters::GatherCounts() {
  for (const auto& [bucket, e] : Entries()) {
    std::lock_guard lock(e->counts_mu);
    MovePendingCounts(bucket, *e);
  }
}

void S3Meters::Load(std::string_view bucket, Entry& e, std::optional<Seconds> survey_at) {
  if (e.loaded) return;
  std::string key = std::string(kLevelPrefix) + std::string(bucket);
  auto v = storage_.Get(key);
  auto identify = [&e] {
    if (e.identified.load(std::memory_order_relaxed)) return;
    e.account_region = e.level->account_id + " " + e.level->region;
    e.identified.store(true, std::memory_order_release);
  };
  if (v && *v) {
    e.level = DecodeLevel(**v);
    e.loaded = e.level.has_value();
    if (e.loaded) {
      identify();
      return;
    }
  }
  // No level: a bucket from before billing (or none at all).
  if (!survey_at) return;  // counted requests need no first level
  auto info = survey_(bucket);
  if (!info) return;
  Level l;
  l.account_id = info->account_id;
  l.region = info->region;
  l.bytes = info->bytes;
  l.since = *survey_at;
  l.hour = FloorHour(*survey_at);
  e.level = l;
  e.loaded = true;
  identify();
}

void S3Meters::PutClosedHour(std::string_view bucket, std::string_view account, Seconds hour,
                             Stored s, leveldb::WriteBatch& batch) {
  std::string key = HourKey(kStoredPrefix, account, bucket, hour);
  if (auto old = storage_.Get(key); old && *old)
    if (auto o = DecodeStored(**old); o && o->hours == 1) s.per_hour += o->per_hour;
  batch.Put(key, EncodeStored(s));
}

void S3Meters::Advance(std::string_view bucket, Level& l, Seconds now,
                       leveldb::WriteBatch& batch) {
  if (now <= l.since) return;
  const Seconds hour_end = l.hour + kHour;
  if (now < hour_end) {
    l.acc += static_cast<__int128>(l.bytes) * (now - l.since);
    l.since = now;
    return;
  }
  // Close the level's hour (adding to a record a deleted bucket of the same
  // name and owner may have left there).
  Stored closed{static_cast<std::int64_t>(l.acc + static_cast<__int128>(l.bytes) * (hour_end - l.since)),
                1, l.region};
  if (closed.per_hour > 0) PutClosedHour(bucket, l.account_id, l.hour, closed, batch);
  const Seconds now_hour = FloorHour(now);
  const Seconds full = (now_hour - hour_end) / kHour;
  if (full > 0 && l.bytes > 0)
    batch.Put(HourKey(kStoredPrefix, l.account_id, bucket, hour_end),
              EncodeStored({l.bytes * kHour, full, l.region}));
  l.hour = now_hour;
  l.acc = static_cast<__int128>(l.bytes) * (now - now_hour);
  l.since = now;
}

Status S3Meters::ChangeStored(std::string_view bucket, std::int64_t delta, Seconds now,
                              leveldb::WriteBatch& batch, const std::function<Status()>& commit) {
  auto e = EntryOf(bucket);
  std::lock_guard lock(e->mu);
  Load(bucket, *e, now);
  if (!e->level) return commit();  // not a metered bucket (should not happen)
  Level next = *e->level;
  Advance(bucket, next, now, batch);
  next.bytes += delta;
  if (next.bytes < 0) next.bytes = 0;
  batch.Put(std::string(kLevelPrefix) + std::string(bucket), EncodeLevel(next));
  Status st = commit();
  if (st) e->level = std::move(next);
  else e->loaded = false;  // reload from storage next time
  return st;
}

void S3Meters::BucketCreated(std::string_view bucket, std::string_view account_id,
                             std::string_view region, Seconds now, leveldb::WriteBatch& batch) {
  Level l;
  l.account_id = account_id;
  l.region = region;
  l.since = now;
  l.hour = FloorHour(now);
  batch.Put(std::string(kLevelPrefix) + std::string(bucket), EncodeLevel(l));
}

void S3Meters::BucketDeleted(std::string_view bucket, Seconds now, leveldb::WriteBatch& batch) {
  auto e = EntryOf(bucket);
  {
    std::lock_guard lock(e->mu);
    Load(bucket, *e, std::nullopt);
    if (e->level) {
      Level l = *e->level;
      Advance(bucket, l, now, batch);
      if (l.acc > 0)
        PutClosedHour(bucket, l.account_id, l.hour,
                      {static_cast<std::int64_t>(l.acc), 1, l.region}, batch);
    }
  }
  batch.Delete(std::string(kLevelPrefix) + std::string(bucket));
}

void S3Meters::CountRequest(std::string_view bucket, RequestTier tier, std::uint64_t bytes_out,
                            Seconds now) {
  if (tier == RequestTier::kFree && bytes_out == 0) return;
  auto e = EntryOf(bucket);
  if (!e->identified.load(std::memory_order_acquire)) {
    std::lock_guard lock(e->mu);
    Load(bucket, *e, std::nullopt);
    if (!e->level) {
      // Not a bucket (or one from before billing, metered from its first
      // write): keep the map small.
      if (!e->loaded) Forget(bucket);
      return;
    }
  }
  Counts one;
  if (tier == RequestTier::kTier1) one.tier1 = 1;
  if (tier == RequestTier::kTier2) one.tier2 = 1;
  one.bytes_out = bytes_out;
  const Seconds hour = FloorHour(now);
  std::lock_guard lock(e->counts_mu);
  if (e->forgotten) return AddCounts(e->account_region, bucket, hour, one);
  if (hour != e->counts_hour) {
    MovePendingCounts(bucket, *e);
    e->counts_hour = hour;
  }
  e->counts += one;
}

Status S3Meters::Flush() {
  std::lock_guard flush(flush_mu_);
  GatherCounts();
  std::map<CountKey, Counts> counts;
  {
    std::lock_guard lock(counts_mu_);
    counts.swap(counts_);
  }
  if (counts.empty()) return Ok();
  leveldb::WriteBatch batch;
  for (const auto& [key, c] : counts) {
    const auto& [account_region, bucket, hour] = key;
    std::size_t sp = account_region.find(' ');
    std::string account = account_region.substr(0, sp);
    std::string region = account_region.substr(sp + 1);
    std::string k = HourKey(kRequestsPrefix, account, bucket, hour);
    Counts total = c;
    if (auto old = storage_.Get(k); old && *old) {
      auto f = Fields(**old);
      std::uint64_t t1 = 0, t2 = 0, b = 0;
      if (f.size() == 4 && Num(f[0], t1) && Num(f[1], t2) && Num(f[2], b)) total += {t1, t2, b};
    }
    batch.Put(k, std::to_string(total.tier1) + " " + std::to_string(total.tier2) + " " +
                     std::to_string(total.bytes_out) + " " + region);
  }
  Status st = storage_.Write(batch);
  if (!st) {  // keep the counts for the next try
    std::lock_guard lock(counts_mu_);
    for (const auto& [key, c] : counts) counts_[key] += c;
  }
  return st;
}

void S3Meters::Usage(std::string_view account_id, Seconds now, const S3Pricing& pricing,
                     std::vector<UsageRow>& out) const {
  std::lock_guard flush(flush_mu_);
  auto it = storage_.NewIterator();
  auto scan = [&](std::string_view prefix, const std::function<void(std::string_view,
                                                                   std::string_view)>& f) {
    std::string start(prefix);
    if (!account_id.empty() && prefix != kLevelPrefix) start.append(account_id).append("/");
    for (it->Seek(start); it->Valid() && it->key().starts_with(start); it->Next())
      f(std::string_view(it->key().data(), it->key().size()),
        std::string_view(it->value().data(), it->value().size()));
  };
  auto row = [&](std::string_view account, std::string_view region, std::string_view bucket) {
    UsageRow r;
    r.account_id = account;
    r.region = region;
    r.service = kServiceS3;
    r.resource_id = bucket;
    return r;
  };
  auto storage_row = [&](std::string_view account, std::string_view region,
                         std::string_view bucket) {
    UsageRow r = row(account, region, bucket);
    r.usage_type = RegionPrefix(region) + "TimedStorage-ByteHrs";
    r.unit = BaseUnit::kByteSeconds;
    r.price = pricing.storage_gb_month;
    return r;
  };
  // Closed hours.
  scan(kStoredPrefix, [&](std::string_view key, std::string_view value) {
    std::string account, bucket;
    Seconds hour = 0;
    auto s = DecodeStored(value);
    if (!s || !SplitHourKey(key, kStoredPrefix, account, bucket, hour)) return;
    UsageRow r = storage_row(account, s->region, bucket);
    for (std::int64_t h = 0; h < s->hours && hour + h * kHour < now; ++h) {
      r.hour = hour + h * kHour;
      r.quantity = s->per_hour;
      out.push_back(r);
    }
  });
  // The levels: the open hour and what accrues up to now.
  scan(kLevelPrefix, [&](std::string_view key, std::string_view value) {
    auto l = DecodeLevel(value);
    if (!l || (!account_id.empty() && l->account_id != account_id)) return;
    std::string_view bucket = key.substr(kLevelPrefix.size());
    UsageRow r = storage_row(l->account_id, l->region, bucket);
    Seconds hour_end = l->hour + kHour;
    __int128 first = l->acc + static_cast<__int128>(l->bytes) *
                                  (std::min(now, hour_end) - std::min(now, l->since));
    if (first > 0) {
      r.hour = l->hour;
      r.quantity = static_cast<std::int64_t>(first);
      out.push_back(r);
    }
    if (now > hour_end && l->bytes > 0) AddSpread(r, hour_end, now, l->bytes, out);
  });
  // Requests and bytes out: stored, then still in memory.
  auto add_counts = [&](std::string_view account, std::string_view region,
                        std::string_view bucket, Seconds hour, const Counts& c) {
    std::string prefix = RegionPrefix(region);
    UsageRow r = row(account, region, bucket);
    r.hour = hour;
    r.unit = BaseUnit::kRequests;
    r.price_per = 1000;
    if (c.tier1) {
      r.usage_type = prefix + "Requests-Tier1";
      r.quantity = static_cast<std::int64_t>(c.tier1);
      r.price = pricing.tier1_per_1000;
      out.push_back(r);
    }
    if (c.tier2) {
      r.usage_type = prefix + "Requests-Tier2";
      r.quantity = static_cast<std::int64_t>(c.tier2);
      r.price = pricing.tier2_per_1000;
      out.push_back(r);
    }
    if (c.bytes_out) {
      r.usage_type = prefix + "DataTransfer-Out-Bytes";
      r.unit = BaseUnit::kBytes;
      r.price_per = 1;
      r.quantity = static_cast<std::int64_t>(c.bytes_out);
      r.price = pricing.data_out_gb;
      out.push_back(r);
    }
  };
  scan(kRequestsPrefix, [&](std::string_view key, std::string_view value) {
    std::string account, bucket;
    Seconds hour = 0;
    auto f = Fields(value);
    Counts c;
    if (f.size() != 4 || !Num(f[0], c.tier1) || !Num(f[1], c.tier2) || !Num(f[2], c.bytes_out) ||
        !SplitHourKey(key, kRequestsPrefix, account, bucket, hour))
      return;
    add_counts(account, f[3], bucket, hour, c);
  });
  auto add_unwritten = [&](const std::string& account_region, std::string_view bucket,
                           Seconds hour, const Counts& c) {
    std::size_t sp = account_region.find(' ');
    std::string account = account_region.substr(0, sp);
    if (!account_id.empty() && account != account_id) return;
    add_counts(account, account_region.substr(sp + 1), bucket, hour, c);
  };
  {
    std::lock_guard lock(counts_mu_);
    for (const auto& [key, c] : counts_) {
      const auto& [account_region, bucket, hour] = key;
      add_unwritten(account_region, bucket, hour, c);
    }
  }
  for (const auto& [bucket, e] : Entries()) {
    std::lock_guard lock(e->counts_mu);
    if (!e->counts.empty()) add_unwritten(e->account_region, bucket, e->counts_hour, e->counts);
  }
}

}  // namespace awslab::billing
