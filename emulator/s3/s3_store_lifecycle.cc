// S3Store's lifecycle configuration (kept in the bucket record) and the sweep
// that applies it on the simulation clock.
#include <leveldb/write_batch.h>

#include <set>

#include "emulator/s3/s3_store.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {
namespace action {
// GetBucketLifecycleConfiguration and DeleteBucketLifecycle are
// s3:GetLifecycleConfiguration and s3:PutLifecycleConfiguration.
inline constexpr Action kGetLifecycleConfiguration{"s3:GetLifecycleConfiguration", false,
                                                   AclScope::kNone, Permission::kRead};
inline constexpr Action kPutLifecycleConfiguration{"s3:PutLifecycleConfiguration", false,
                                                   AclScope::kNone, Permission::kWrite};
}  // namespace action

namespace keys = storage::keys;

Status S3Store::PutBucketLifecycle(const Caller& who, std::string_view bucket,
                                   std::optional<LifecycleConfiguration> config) {
  // DeleteBucketLifecycle is s3:PutLifecycleConfiguration too.
  Status st =
      UpdateBucket(who, bucket, action::kPutLifecycleConfiguration, [&](BucketRecord& record) {
        record.lifecycle = std::move(config);
        return Ok();
      });
  if (st) ++lifecycle_generation_;
  return st;
}

Result<LifecycleConfiguration> S3Store::GetBucketLifecycle(const Caller& who,
                                                           std::string_view bucket) {
  auto record = GetBucket(who, bucket, action::kGetLifecycleConfiguration);
  if (!record) return record.error();
  if (!record->lifecycle) {
    Error e = MakeError(ErrorCode::kNoSuchLifecycleConfiguration);
    e.details.emplace_back("BucketName", std::string(bucket));
    return e;
  }
  return std::move(*record->lifecycle);
}

namespace {

// Every bucket that has a lifecycle configuration, with it.
std::vector<std::pair<std::string, LifecycleConfiguration>> LifecycleBuckets(
    storage::Storage& storage) {
  std::vector<std::pair<std::string, LifecycleConfiguration>> out;
  auto it = storage.NewIterator();
  for (it->Seek(std::string(keys::kBucketPrefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(keys::kBucketPrefix)) break;
    std::string_view name = k.substr(keys::kBucketPrefix.size());
    auto b = DecodeBucket(name, std::string_view(it->value().data(), it->value().size()));
    if (b && b->lifecycle) out.emplace_back(std::string(name), std::move(*b->lifecycle));
  }
  return out;
}

// The current object records of `bucket` (delete markers too), without their
// bodies, that `keep` accepts. All are read before the caller writes, so that
// no iterator is held across writes.
template <typename Keep>
std::vector<ObjectRecord> CurrentObjects(storage::Storage& storage, std::string_view bucket,
                                         Keep keep) {
  std::vector<ObjectRecord> out;
  const std::string prefix = keys::ObjectsOf(bucket);
  auto it = storage.NewIterator();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    auto o = DecodeObject(k.substr(prefix.size()),
                          std::string_view(it->value().data(), it->value().size()),
                          /*with_body=*/false);
    if (o && keep(*o)) out.push_back(std::move(*o));
  }
  return out;
}

}  // namespace

bool S3Store::AnyLifecycle() const { return !LifecycleBuckets(storage_).empty(); }

std::optional<Expiry> S3Store::ObjectExpiry(std::string_view bucket,
                                            const ObjectRecord& object) const {
  auto b = LoadBucket(bucket);
  if (!b || !b->lifecycle) return std::nullopt;
  return CurrentObjectExpiry(*b->lifecycle,
                             {object.key, object.size, object.last_modified, &object.tags});
}

Result<S3Store::LifecycleSweep> S3Store::ApplyLifecycle() {
  LifecycleSweep sweep;
  const TimePoint now = clock_.Now();
  for (const auto& [bucket, bucket_config] : LifecycleBuckets(storage_)) {
    // A structured binding cannot be captured by a lambda in clang 14 (the
    // fuzz build's compiler): a plain reference can.
    const LifecycleConfiguration& config = bucket_config;
    // Objects: read first, deleted one by one after (each its own batch, as
    // a DeleteObject).
    const std::vector<ObjectRecord> due =
        CurrentObjects(storage_, bucket, [&](const ObjectRecord& o) {
          if (o.delete_marker) return false;  // already deleted; see the markers below
          auto expiry = CurrentObjectExpiry(config, {o.key, o.size, o.last_modified, &o.tags});
          return expiry && expiry->at <= now;
        });
    for (const ObjectRecord& o : due) {
      if (Status st = ExpireCurrentObject(bucket, o); !st) return st.error();
      ++sweep.objects_expired;
    }
    if (auto st = ExpireVersions(bucket, config, now, sweep); !st) return st.error();
    // Incomplete multipart uploads.
    std::vector<UploadRecord> stale;
    {
      const std::string prefix = keys::UploadsOf(bucket);
      auto it = storage_.NewIterator();
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        auto u = DecodeUpload(std::string_view(it->value().data(), it->value().size()));
        if (!u) continue;
        auto at = UploadAbortTime(config, u->key, u->initiated);
        if (at && *at <= now) stale.push_back(std::move(*u));
      }
    }
    for (const UploadRecord& u : stale) {
      if (Status st = AbortExpiredUpload(u); !st) return st.error();
      ++sweep.uploads_aborted;
    }
  }
  return sweep;
}

Status S3Store::ExpireCurrentObject(std::string_view bucket, const ObjectRecord& seen) {
  std::shared_lock buckets(buckets_mu_);
  auto b = LoadBucket(bucket);
  if (!b) return Ok();  // deleted since the sweep read it
  std::lock_guard key_lock(KeyLock(bucket, seen.key));
  const std::string object_key = keys::Object(bucket, seen.key);
  auto old = storage_.Get(object_key);
  if (!old) return old.error();
  if (!*old) return Ok();
  // With its body: in a versioned bucket it becomes a noncurrent version.
  auto current = DecodeObject(seen.key, **old);
  // Written again since the sweep read it: the new object has its own expiry.
  if (!current || current->delete_marker || current->etag != seen.etag ||
      current->last_modified != seen.last_modified || current->version_id != seen.version_id)
    return Ok();
  leveldb::WriteBatch batch;
  std::int64_t delta = 0;
  std::vector<std::string> dropped;
  if (b->versioning == VersioningState::kUnset) {
    batch.Delete(object_key);
    delta = -static_cast<std::int64_t>(current->size);
    dropped = current->BlobIds();
  } else {
    // "In a versioning-enabled bucket ... Amazon S3 adds a delete marker,
    // which becomes the current version"; the data stays, noncurrent.
    ObjectRecord marker;
    marker.key = seen.key;
    marker.delete_marker = true;
    marker.last_modified = clock_.Now();
    marker.owner_account_id = b->owner_account_id;
    if (auto st = StackVersion(bucket, seen.key, b->versioning, current, marker, batch, delta,
                               dropped);
        !st)
      return st.error();
    batch.Put(object_key, EncodeObject(marker));
  }
  return WriteMetered(bucket, delta, batch, {}, dropped);
}

Status S3Store::ExpireVersions(std::string_view bucket, const LifecycleConfiguration& config,
                               TimePoint now, LifecycleSweep& sweep) {
  bool any_noncurrent = false, any_marker = false;
  for (const LifecycleRule& rule : config.rules) {
    any_noncurrent |= rule.enabled && rule.has_noncurrent_expiration && rule.noncurrent_days;
    any_marker |= rule.enabled && rule.expired_object_delete_marker.value_or(false);
  }
  if (!any_noncurrent && !any_marker) return Ok();
  // Each key's noncurrent versions, newest first, as v/ holds them.
  struct KeyVersions {
    std::string key;
    std::vector<ObjectRecord> versions;
  };
  std::vector<KeyVersions> keyed;
  {
    const std::string prefix = keys::VersionsOf(bucket);
    auto it = storage_.NewIterator();
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      std::string_view k(it->key().data(), it->key().size());
      k.remove_prefix(prefix.size());
      const std::size_t nul = k.rfind('\0');
      if (nul == std::string_view::npos) continue;
      const std::string_view key = k.substr(0, nul);
      auto v = DecodeObject(key, std::string_view(it->value().data(), it->value().size()),
                            /*with_body=*/false);
      if (!v) continue;
      if (keyed.empty() || keyed.back().key != key) keyed.push_back({std::string(key), {}});
      keyed.back().versions.push_back(std::move(*v));
    }
  }
  // Noncurrent versions: each became noncurrent when the next newer one was
  // written (the newest of them, when the current one was).
  if (any_noncurrent) {
    for (KeyVersions& kv : keyed) {
      auto data = storage_.Get(keys::Object(bucket, kv.key));
      if (!data) return data.error();
      if (!*data) continue;
      auto current = DecodeObject(kv.key, **data, /*with_body=*/false);
      if (!current) continue;
      std::vector<NoncurrentVersion> listed;
      TimePoint successor = current->last_modified;
      for (const ObjectRecord& v : kv.versions) {
        listed.push_back({v.size, successor, &v.tags});
        successor = v.last_modified;
      }
      std::vector<std::size_t> gone;
      for (std::size_t i : ExpiredNoncurrentVersions(config, kv.key, listed, now)) {
        bool expired = false;
        if (auto st = ExpireNoncurrentVersion(bucket, kv.key, kv.versions[i], expired); !st)
          return st.error();
        if (expired) {
          ++sweep.noncurrent_expired;
          gone.push_back(i);
        }
      }
      for (auto i = gone.rbegin(); i != gone.rend(); ++i)
        kv.versions.erase(kv.versions.begin() + static_cast<std::ptrdiff_t>(*i));
    }
  }
  if (!any_marker) return Ok();
  // "A delete marker with zero noncurrent versions is referred to as an
  // expired object delete marker": removed by ExpiredObjectDeleteMarker.
  std::set<std::string, std::less<>> with_versions;
  for (const KeyVersions& kv : keyed)
    if (!kv.versions.empty()) with_versions.insert(kv.key);
  const std::vector<ObjectRecord> markers =
      CurrentObjects(storage_, bucket, [&](const ObjectRecord& o) {
        if (!o.delete_marker || with_versions.count(o.key)) return false;
        for (const LifecycleRule& rule : config.rules)
          if (rule.expired_object_delete_marker.value_or(false) &&
              RuleApplies(rule, {o.key, 0, o.last_modified, &o.tags}))
            return true;
        return false;
      });
  for (const ObjectRecord& m : markers) {
    bool removed = false;
    if (auto st = RemoveExpiredMarker(bucket, m.key, m, removed); !st) return st.error();
    if (removed) ++sweep.markers_removed;
  }
  return Ok();
}

Status S3Store::ExpireNoncurrentVersion(std::string_view bucket, std::string_view key,
                                        const ObjectRecord& seen, bool& expired) {
  std::shared_lock buckets(buckets_mu_);
  auto b = LoadBucket(bucket);
  if (!b) return Ok();
  std::lock_guard key_lock(KeyLock(bucket, key));
  auto found = FindNoncurrent(bucket, key, seen.VersionIdOrNull(), /*with_body=*/false);
  if (!found) return found.error();
  if (!*found || (*found)->second.seq != seen.seq) return Ok();
  // Lifecycle never removes what Object Lock protects.
  Caller owner{Principal{}};
  owner.principal.account_id = b->owner_account_id;
  if (!CheckNotLocked(owner, *b, (*found)->second, /*bypass_governance=*/false)) return Ok();
  leveldb::WriteBatch batch;
  batch.Delete((*found)->first);
  if (auto st = WriteMetered(bucket, -static_cast<std::int64_t>((*found)->second.size), batch, {},
                             (*found)->second.BlobIds());
      !st)
    return st;
  expired = true;
  return Ok();
}

Status S3Store::RemoveExpiredMarker(std::string_view bucket, std::string_view key,
                                    const ObjectRecord& seen, bool& removed) {
  std::shared_lock buckets(buckets_mu_);
  std::lock_guard key_lock(KeyLock(bucket, key));
  const std::string object_key = keys::Object(bucket, key);
  auto data = storage_.Get(object_key);
  if (!data) return data.error();
  if (!*data) return Ok();
  auto current = DecodeObject(key, **data, /*with_body=*/false);
  if (!current || !current->delete_marker || current->version_id != seen.version_id) return Ok();
  const std::string prefix = keys::VersionsOfKey(bucket, key);
  auto it = storage_.NewIterator();
  it->Seek(prefix);
  if (it->Valid() && it->key().starts_with(prefix)) return Ok();  // versions came back
  it.reset();
  leveldb::WriteBatch batch;
  batch.Delete(object_key);
  if (auto st = WriteMetered(bucket, 0, batch, {}, {}); !st) return st;
  removed = true;
  return Ok();
}

Status S3Store::AbortExpiredUpload(const UploadRecord& seen) {
  std::shared_lock buckets(buckets_mu_);
  std::lock_guard upload_lock(UploadLock(seen.upload_id));
  const std::string upload_key = keys::Upload(seen.bucket, seen.key, seen.upload_id);
  auto data = storage_.Get(upload_key);
  if (!data) return data.error();
  if (!*data) return Ok();  // completed or aborted meanwhile
  leveldb::WriteBatch batch;
  std::vector<std::string> dropped;
  const std::string prefix = keys::PartsOf(seen.upload_id);
  auto it = storage_.NewIterator();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto part = DecodePart(std::string_view(it->value().data(), it->value().size()));
    if (part && !part->blob_id.empty()) dropped.push_back(part->blob_id);
    batch.Delete(it->key());
  }
  batch.Delete(upload_key);
  return storage_.Commit(batch, {}, dropped);
}

}  // namespace awslab::s3
