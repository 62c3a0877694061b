// S3Store's versioning: the version stack of a key, GET and DELETE by
// version id, ListObjectVersions. The layout and the rules are in
// docs/s3-versioning.md; the keys in storage/key_schema.h.
#include <leveldb/write_batch.h>

#include "emulator/s3/s3_store.h"
#include "emulator/s3/versioning.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {
namespace keys = storage::keys;

namespace {

Error NoSuchVersion(std::string_view key, std::string_view version_id) {
  Error e = MakeError(ErrorCode::kNoSuchVersion);
  e.details.emplace_back("Key", std::string(key));
  e.details.emplace_back("VersionId", std::string(version_id));
  return e;
}

std::string_view View(const leveldb::Slice& s) { return {s.data(), s.size()}; }

}  // namespace

Status S3Store::PutBucketVersioning(const Caller& who, std::string_view bucket,
                                    VersioningState state) {
  return UpdateBucket(who, bucket, action::kPutBucketVersioning, [&](BucketRecord& record) -> Status {
    if (record.object_lock_enabled && state != VersioningState::kEnabled)
      return MakeError(ErrorCode::kInvalidBucketState,
                       "An Object Lock configuration is present on this bucket, so the "
                       "versioning state cannot be changed.");
    record.versioning = state;
    return Ok();
  });
}

Result<std::optional<std::pair<std::string, ObjectRecord>>> S3Store::FindNoncurrent(
    std::string_view bucket, std::string_view key, std::string_view version_id,
    bool with_body) const {
  using Found = std::optional<std::pair<std::string, ObjectRecord>>;
  if (version_id == kNullVersionId) {
    // The null version has no order in its id: look through the key's versions.
    const std::string prefix = keys::VersionsOfKey(bucket, key);
    auto it = storage_.NewIterator();
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      auto r = DecodeObject(key, View(it->value()), with_body);
      if (!r) return MakeError(ErrorCode::kInternalError, "corrupt version record");
      if (r->version_id.empty()) return Found(std::make_pair(std::string(View(it->key())), *r));
    }
    return Found();
  }
  std::string vkey = keys::Version(bucket, key, OrderOf(version_id));
  auto data = storage_.Get(vkey);
  if (!data) return data.error();
  if (!*data) return Found();
  auto r = DecodeObject(key, **data, with_body);
  if (!r) return MakeError(ErrorCode::kInternalError, "corrupt version record");
  if (r->version_id != version_id) return Found();
  return Found(std::make_pair(std::move(vkey), std::move(*r)));
}

Status S3Store::DropNoncurrentNull(std::string_view bucket, std::string_view key,
                                   leveldb::WriteBatch& batch, std::int64_t& delta,
                                   std::vector<std::string>& dropped) {
  auto found = FindNoncurrent(bucket, key, kNullVersionId, /*with_body=*/false);
  if (!found) return found.error();
  if (!*found) return Ok();
  batch.Delete((*found)->first);
  delta -= static_cast<std::int64_t>((*found)->second.size);
  for (auto& id : (*found)->second.BlobIds()) dropped.push_back(std::move(id));
  return Ok();
}

Status S3Store::StackVersion(std::string_view bucket, std::string_view key,
                             VersioningState state, const std::optional<ObjectRecord>& current,
                             ObjectRecord& record, leveldb::WriteBatch& batch,
                             std::int64_t& delta, std::vector<std::string>& dropped) {
  record.seq = NextSeq(clock_.Now(), current);
  record.version_id =
      state == VersioningState::kEnabled ? NewVersionId(record.seq) : std::string();
  auto drop_current = [&] {
    delta -= static_cast<std::int64_t>(current->size);
    for (auto& id : current->BlobIds()) dropped.push_back(std::move(id));
  };
  if (state == VersioningState::kUnset) {
    if (current) drop_current();
    return Ok();
  }
  if (current) {
    if (state == VersioningState::kSuspended && current->version_id.empty()) {
      // "If there is a null version, it is replaced": its data is gone.
      drop_current();
    } else {
      // The current version becomes noncurrent, data and all.
      ObjectRecord archived = *current;
      archived.seq = SeqOf(*current);
      batch.Put(keys::Version(bucket, key, VersionOrder(archived.seq)), EncodeObject(archived));
    }
  }
  if (state == VersioningState::kSuspended)
    return DropNoncurrentNull(bucket, key, batch, delta, dropped);
  return Ok();
}

Result<ObjectRecord> S3Store::GetObjectVersion(const Caller& who, std::string_view bucket,
                                               std::string_view key,
                                               std::string_view version_id,
                                               const Action& action) {
  auto b = LoadBucket(bucket);
  if (!b) return b.error();
  auto object = LoadObject(bucket, key);
  if (object && !version_id.empty() && !IsVersion(*object, version_id)) {
    auto found = FindNoncurrent(bucket, key, version_id, /*with_body=*/true);
    if (!found) return found.error();
    if (*found) {
      object = std::move((*found)->second);
    } else {
      // Read without the key lock: a delete may have just made the version
      // current (moved it from v/ to o/). Look there once more.
      object = LoadObject(bucket, key);
      if (!object || !IsVersion(*object, version_id)) object = NoSuchVersion(key, version_id);
    }
  } else if (!object && !version_id.empty() &&
             object.error().code == ErrorCode::kNoSuchKey) {
    object = NoSuchVersion(key, version_id);
  }
  if (!object) {
    // "If you don't have the s3:ListBucket permission, Amazon S3 returns
    // HTTP status code 403 Access Denied" for a key that does not exist.
    if (object.error().code == ErrorCode::kNoSuchKey ||
        object.error().code == ErrorCode::kNoSuchVersion) {
      if (Status st = Authorize({who, *b, action::kListBucket}); !st) return st.error();
    }
    return object;
  }
  ObjectAccess access{object->owner_account_id, &object->acl};
  if (Status st = Authorize({who, *b, action, key, &access}); !st) return st.error();
  object->bucket_versioning = b->versioning;
  return object;
}

Status S3Store::UpdateVersion(const Caller& who, std::string_view bucket, std::string_view key,
                              std::string_view version_id, const Action& action,
                              const std::function<Status(ObjectRecord&)>& change) {
  auto record = GetObjectVersion(who, bucket, key, version_id, action);
  if (!record) return record.error();
  if (record->delete_marker) {
    Error e = MakeError(ErrorCode::kMethodNotAllowed);
    e.details.emplace_back("Method", "PUT");
    e.details.emplace_back("ResourceType", "DeleteMarker");
    return e;
  }
  if (Status st = change(*record); !st) return st;
  // The version lives at o/ when current, at v/ otherwise.
  auto current = LoadObject(bucket, key);
  if (current && (version_id.empty() || IsVersion(*current, version_id)))
    return storage_.Put(keys::Object(bucket, key), EncodeObject(*record));
  auto found = FindNoncurrent(bucket, key, version_id, /*with_body=*/false);
  if (!found) return found.error();
  if (!*found) return NoSuchVersion(key, version_id);
  return storage_.Put((*found)->first, EncodeObject(*record));
}

Result<DeletedVersion> S3Store::DeleteObjectVersion(const Caller& who, std::string_view bucket,
                                                    std::string_view key,
                                                    std::string_view version_id,
                                                    bool bypass_governance) {
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket,
                     version_id.empty() ? action::kDeleteObject : action::kDeleteObjectVersion,
                     key);
  if (!b) return b.error();
  DeletedVersion out;
  out.bucket_versioning = b->versioning;
  std::lock_guard key_lock(KeyLock(bucket, key));
  std::string object_key = keys::Object(bucket, key);
  auto old = storage_.Get(object_key);
  if (!old) return old.error();
  std::optional<ObjectRecord> current;
  if (*old) {
    current = DecodeObject(key, **old);
    if (!current) return MakeError(ErrorCode::kInternalError, "corrupt object record");
  }
  leveldb::WriteBatch batch;
  std::vector<std::string> dropped;
  std::int64_t delta = 0;

  if (version_id.empty()) {
    if (b->versioning == VersioningState::kUnset) {
      if (!current) return out;
      batch.Delete(object_key);
      delta -= static_cast<std::int64_t>(current->size);
      dropped = current->BlobIds();
    } else {
      // "Amazon S3 inserts a delete marker, which becomes the current
      // version of the object" (Suspended: with version id null, replacing
      // the null version).
      ObjectRecord marker;
      marker.key = key;
      marker.delete_marker = true;
      marker.last_modified = clock_.Now();
      marker.owner_account_id = who.account_id();
      if (auto st = StackVersion(bucket, key, b->versioning, current, marker, batch, delta,
                                 dropped);
          !st)
        return st.error();
      batch.Put(object_key, EncodeObject(marker));
      out.version_id = marker.VersionIdOrNull();
      out.delete_marker = true;
    }
    if (auto st = WriteMetered(bucket, delta, batch, {}, dropped); !st) return st.error();
    return out;
  }

  out.version_id = version_id;
  if (current && IsVersion(*current, version_id)) {
    if (Status st = CheckNotLocked(who, *b, *current, bypass_governance); !st) return st.error();
    // The current version goes; the next newest, if any, becomes current.
    batch.Delete(object_key);
    delta -= static_cast<std::int64_t>(current->size);
    dropped = current->BlobIds();
    out.delete_marker = current->delete_marker;
    const std::string prefix = keys::VersionsOfKey(bucket, key);
    auto it = storage_.NewIterator();
    it->Seek(prefix);
    if (it->Valid() && it->key().starts_with(prefix)) {
      batch.Put(object_key, it->value());
      batch.Delete(it->key());
    }
  } else if (current) {
    auto found = FindNoncurrent(bucket, key, version_id, /*with_body=*/false);
    if (!found) return found.error();
    if (!*found) return out;  // "a version that does not exist": nothing to do
    if (Status st = CheckNotLocked(who, *b, (*found)->second, bypass_governance); !st)
      return st.error();
    batch.Delete((*found)->first);
    delta -= static_cast<std::int64_t>((*found)->second.size);
    dropped = (*found)->second.BlobIds();
    out.delete_marker = (*found)->second.delete_marker;
  } else {
    return out;  // a key without versions has no noncurrent ones either
  }
  if (auto st = WriteMetered(bucket, delta, batch, {}, dropped); !st) return st.error();
  return out;
}

Result<ListVersionsResult> S3Store::ListObjectVersions(const Caller& who,
                                                       const ListVersionsRequest& request) {
  Conditions conditions;
  if (!request.prefix.empty()) conditions.emplace_back("s3:prefix", request.prefix);
  if (!request.delimiter.empty()) conditions.emplace_back("s3:delimiter", request.delimiter);
  conditions.emplace_back("s3:max-keys", std::to_string(request.max_keys));
  auto b = GetBucket(who, request.bucket, action::kListBucketVersions, {}, &conditions);
  if (!b) return b.error();
  ListVersionsResult result;
  if (request.max_keys <= 0) return result;
  const std::string base = keys::ObjectsOf(request.bucket);
  const std::string scan_prefix = base + request.prefix;

  // Where the o/ scan starts, and (for a key-marker with a version-id-marker)
  // the versions of the marker's key that come first.
  std::string start = scan_prefix;
  std::string marker_key;          // its remaining versions are listed first
  std::string marker_version_key;  // ...from strictly after this v/ key ("": from the first)
  bool resume_in_key = false;
  if (!request.key_marker.empty()) {
    std::string after = request.key_marker;
    bool after_prefix = false;
    if (after.starts_with(request.prefix)) {
      std::string_view common = CommonPrefixOf(after, request.prefix, request.delimiter);
      if (!common.empty()) {
        after.resize(common.size());
        after_prefix = true;
      }
    }
    if (after_prefix) {
      if (base + after >= start) {
        start = keys::PrefixEnd(base + after);
        if (start.empty()) return result;
      }
    } else {
      if (base + after >= start) {
        start = base + after;
        start.push_back('\0');  // strictly after the key
      }
      if (!request.version_id_marker.empty() && after.starts_with(request.prefix)) {
        // Resume inside the marker's key, after the version it names.
        auto cur = LoadObject(request.bucket, after);
        if (cur) {
          marker_key = after;
          resume_in_key = true;
          if (!IsVersion(*cur, request.version_id_marker)) {
            auto found = FindNoncurrent(request.bucket, after, request.version_id_marker, false);
            if (!found) return found.error();
            if (*found) marker_version_key = (*found)->first;
            else resume_in_key = false;  // an unknown version: the key is behind us
          }
        }
      }
    }
  }

  int count = 0;
  // Adds one entry; false when the page is full (and then truncated).
  auto add = [&](ObjectRecord record, bool latest) {
    if (count == request.max_keys) {
      result.truncated = true;
      return false;
    }
    result.next_key_marker = record.key;
    result.next_version_id_marker = record.VersionIdOrNull();
    result.versions.push_back(std::move(record));
    result.latest.push_back(latest);
    ++count;
    return true;
  };
  // The noncurrent versions of `key` from `from` (a v/ key; skipped itself
  // when `after`).
  auto vit = storage_.NewIterator();
  auto add_noncurrent = [&](const std::string& key, const std::string& from, bool after) {
    const std::string prefix = keys::VersionsOfKey(request.bucket, key);
    vit->Seek(from.empty() ? prefix : from);
    if (after && vit->Valid() && View(vit->key()) == from) vit->Next();
    for (; vit->Valid() && vit->key().starts_with(prefix); vit->Next()) {
      auto r = DecodeObject(key, View(vit->value()), /*with_body=*/false);
      if (!r) return false;
      if (!add(std::move(*r), false)) return false;
    }
    return true;
  };
  if (resume_in_key) {
    if (!add_noncurrent(marker_key, marker_version_key, !marker_version_key.empty()))
      return result;
  }

  auto it = storage_.NewIterator();
  for (it->Seek(start); it->Valid();) {
    std::string_view k = View(it->key());
    if (!k.starts_with(scan_prefix)) break;
    std::string key(k.substr(base.size()));
    if (std::string_view rolled = CommonPrefixOf(key, request.prefix, request.delimiter);
        !rolled.empty()) {
      std::string common(rolled);
      if (count == request.max_keys) {
        result.truncated = true;
        break;
      }
      result.common_prefixes.push_back(common);
      result.next_key_marker = common;
      result.next_version_id_marker.clear();
      ++count;
      std::string skip_to = keys::PrefixEnd(base + common);
      if (skip_to.empty()) break;
      it->Seek(skip_to);
      continue;
    }
    auto record = DecodeObject(key, View(it->value()), /*with_body=*/false);
    if (!record) return MakeError(ErrorCode::kInternalError, "corrupt object record");
    if (!add(std::move(*record), true)) break;
    if (!add_noncurrent(key, {}, false)) break;
    it->Next();
  }
  return result;
}

}  // namespace awslab::s3
