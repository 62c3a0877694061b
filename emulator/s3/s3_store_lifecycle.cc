// S3Store's lifecycle configuration (kept in the bucket record) and the sweep
// that applies it on the simulation clock.
#include <leveldb/write_batch.h>

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
  return UpdateBucket(who, bucket, action::kPutLifecycleConfiguration, [&](BucketRecord& record) {
    record.lifecycle = std::move(config);
    return Ok();
  });
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
  for (const auto& [bucket, config] : LifecycleBuckets(storage_)) {
    // Objects: read first, deleted one by one after (each its own batch, as
    // a DeleteObject), so no iterator is held across writes.
    std::vector<ObjectRecord> due;
    {
      const std::string prefix = keys::ObjectsOf(bucket);
      auto it = storage_.NewIterator();
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        std::string_view k(it->key().data(), it->key().size());
        auto o = DecodeObject(k.substr(prefix.size()),
                              std::string_view(it->value().data(), it->value().size()),
                              /*with_body=*/false);
        if (!o) continue;
        auto expiry = CurrentObjectExpiry(config, {o->key, o->size, o->last_modified, &o->tags});
        if (expiry && expiry->at <= now) due.push_back(std::move(*o));
      }
    }
    for (const ObjectRecord& o : due) {
      if (Status st = ExpireCurrentObject(bucket, o); !st) return st.error();
      ++sweep.objects_expired;
    }
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
  std::lock_guard key_lock(KeyLock(bucket, seen.key));
  const std::string object_key = keys::Object(bucket, seen.key);
  auto old = storage_.Get(object_key);
  if (!old) return old.error();
  if (!*old) return Ok();
  auto current = DecodeObject(seen.key, **old, /*with_body=*/false);
  // Written again since the sweep read it: the new object has its own expiry.
  if (!current || current->etag != seen.etag || current->last_modified != seen.last_modified)
    return Ok();
  leveldb::WriteBatch batch;
  batch.Delete(object_key);
  return WriteMetered(bucket, -static_cast<std::int64_t>(current->size), batch, {},
                      current->BlobIds());
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
