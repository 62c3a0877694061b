#include "emulator/s3/s3_store.h"

#include <leveldb/write_batch.h>

#include <unistd.h>

#include <cerrno>
#include <functional>

#include "client/include/awslab/crypto.h"

#include "emulator/s3/bucket_name.h"
#include "emulator/s3/policy.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {
namespace keys = storage::keys;

namespace {

// "us-east-1" and its historic spellings.
bool IsUsEast1(std::string_view region) { return region.empty() || region == "us-east-1"; }

bool LooksLikeRegion(std::string_view s) {
  // e.g. us-west-2, eu-central-1, ap-southeast-1, us-gov-west-1.
  if (s.size() < 9 || s.size() > 25) return false;
  int dashes = 0;
  for (char c : s) {
    if (c == '-') ++dashes;
    else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return dashes >= 2 && s.back() >= '0' && s.back() <= '9';
}

Error NoSuchBucket(std::string_view bucket) {
  Error e = MakeError(ErrorCode::kNoSuchBucket, {}, std::string(bucket));
  e.details.emplace_back("BucketName", std::string(bucket));
  return e;
}

}  // namespace

Result<BucketRecord> S3Store::LoadBucket(std::string_view bucket) const {
  std::uint64_t generation;
  {
    std::shared_lock lock(bucket_cache_mu_);
    if (auto it = bucket_cache_.find(bucket); it != bucket_cache_.end()) return it->second;
    generation = bucket_cache_generation_;
  }
  auto data = storage_.Get(keys::Bucket(bucket));
  if (!data) return data.error();
  if (!*data) return NoSuchBucket(bucket);
  auto record = DecodeBucket(bucket, **data);
  if (!record) return MakeError(ErrorCode::kInternalError, "corrupt bucket record");
  if (!record->policy.empty()) {
    // Stored only after it parsed; a policy that no longer parses is kept
    // (GetBucketPolicy returns it) but grants and denies nothing.
    auto parsed = BucketPolicy::Parse(record->policy, bucket);
    if (parsed) record->parsed_policy = std::make_shared<const BucketPolicy>(std::move(*parsed));
  }
  std::unique_lock lock(bucket_cache_mu_);
  if (generation == bucket_cache_generation_) {
    // A bound for a server with very many buckets; refilled on demand.
    if (bucket_cache_.size() >= 10000) bucket_cache_.clear();
    bucket_cache_.insert_or_assign(std::string(bucket), *record);
  }
  return *record;
}

void S3Store::ForgetBucket(std::string_view bucket) const {
  std::unique_lock lock(bucket_cache_mu_);
  ++bucket_cache_generation_;
  if (auto it = bucket_cache_.find(bucket); it != bucket_cache_.end()) bucket_cache_.erase(it);
}

std::mutex& S3Store::KeyLock(std::string_view bucket, std::string_view key) {
  std::size_t h = std::hash<std::string_view>()(bucket) * 31 + std::hash<std::string_view>()(key);
  return key_mu_[h % key_mu_.size()];
}

Result<std::vector<BucketRecord>> S3Store::ListBuckets(const Caller& who) {
  if (auto st = AuthorizeIdentity(who, "s3:ListAllMyBuckets", "arn:aws:s3:::*"); !st)
    return st.error();
  std::vector<BucketRecord> out;
  auto it = storage_.NewIterator();
  for (it->Seek(std::string(keys::kBucketPrefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(keys::kBucketPrefix)) break;
    auto b = DecodeBucket(k.substr(keys::kBucketPrefix.size()),
                          std::string_view(it->value().data(), it->value().size()));
    if (b && b->owner_account_id == who.account_id()) out.push_back(std::move(*b));
  }
  return out;
}

Result<BucketRecord> S3Store::CreateBucket(const Caller& who,
                                           const CreateBucketRequest& request) {
  if (who.anonymous()) return MakeError(ErrorCode::kAccessDenied);
  if (std::string problem = BucketNameProblem(request.name); !problem.empty()) {
    Error e = MakeError(ErrorCode::kInvalidBucketName, {}, request.name);
    e.details.emplace_back("BucketName", request.name);
    return e;
  }
  if (auto st = AuthorizeIdentity(who, "s3:CreateBucket", "arn:aws:s3:::" + request.name); !st)
    return st.error();
  // https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html:
  // without a LocationConstraint the bucket is created in us-east-1, which
  // only the us-east-1 endpoint accepts; "us-east-1" itself is not a valid
  // constraint; "EU" is the legacy name of eu-west-1.
  std::string region;
  const std::string& lc = request.location_constraint;
  if (lc.empty()) {
    if (!IsUsEast1(request.endpoint_region))
      return MakeError(ErrorCode::kIllegalLocationConstraintException);
    region = "us-east-1";
  } else if (lc == "us-east-1" || (lc != "EU" && !LooksLikeRegion(lc))) {
    Error e = MakeError(ErrorCode::kInvalidLocationConstraint);
    e.details.emplace_back("LocationConstraint", lc);
    return e;
  } else {
    region = lc == "EU" ? "eu-west-1" : lc;
    if (!IsUsEast1(request.endpoint_region) && region != request.endpoint_region)
      return MakeError(ErrorCode::kIllegalLocationConstraintException,
                       "The " + lc +
                           " location constraint is incompatible for the region specific "
                           "endpoint this request was sent to.");
  }

  std::unique_lock lock(buckets_mu_);
  auto existing = LoadBucket(request.name);
  if (existing) {
    if (existing->owner_account_id != who.account_id()) {
      Error e = MakeError(ErrorCode::kBucketAlreadyExists, {}, request.name);
      e.details.emplace_back("BucketName", request.name);
      return e;
    }
    // "If you create a bucket that already exists and you own it, in us-east-1
    // you get 200 OK (legacy); in every other Region, 409 BucketAlreadyOwnedByYou."
    if (existing->region == "us-east-1" && region == "us-east-1") return *existing;
    Error e = MakeError(ErrorCode::kBucketAlreadyOwnedByYou, {}, request.name);
    e.details.emplace_back("BucketName", request.name);
    return e;
  }
  if (existing.error().code != ErrorCode::kNoSuchBucket) return existing.error();
  BucketRecord record;
  record.name = request.name;
  record.owner_account_id = who.account_id();
  record.region = region;
  record.created = clock_.Now();
  // Since April 2023 "S3 Block Public Access and ... ACLs disabled are
  // enabled by default for all new buckets"; the course's S3 had neither.
  record.ownership = request.ownership.value_or(
      rules_ == Rules::kCurrent ? ObjectOwnership::kBucketOwnerEnforced : ObjectOwnership::kUnset);
  if (rules_ == Rules::kCurrent) record.public_access_block = PublicAccessBlock{true, true, true, true};
  // "When you create a bucket with S3 Object Lock enabled, Amazon S3
  // automatically enables versioning for the bucket."
  if (request.object_lock_enabled) {
    record.object_lock_enabled = true;
    record.versioning = VersioningState::kEnabled;
  }
  record.acl = ResolveAcl(request.acl, who.account_id(), who.account_id());
  if (record.acl && record.ownership == ObjectOwnership::kBucketOwnerEnforced)
    return MakeError(ErrorCode::kInvalidBucketAclWithObjectOwnership);
  if (record.acl && record.public_access_block && record.public_access_block->block_public_acls &&
      IsPublic(*record.acl))
    return MakeError(ErrorCode::kAccessDenied);
  leveldb::WriteBatch create;
  create.Put(keys::Bucket(request.name), EncodeBucket(record));
  if (meters_)
    meters_->BucketCreated(request.name, record.owner_account_id, record.region,
                           billing::ToSeconds(record.created), create);
  auto st = storage_.Write(create);
  ForgetBucket(request.name);
  if (meters_) meters_->Forget(request.name);
  if (!st) return st.error();
  return record;
}

Result<BucketRecord> S3Store::GetBucket(const Caller& who, std::string_view bucket,
                                        const Action& action, std::string_view key,
                                        const Conditions* conditions) {
  auto record = LoadBucket(bucket);
  if (!record) return record;
  if (Status st = Authorize({who, *record, action, key, nullptr, conditions}); !st)
    return st.error();
  return record;
}

Status S3Store::UpdateBucket(const Caller& who, std::string_view bucket, const Action& action,
                             const std::function<Status(BucketRecord&)>& change) {
  std::unique_lock lock(buckets_mu_);
  auto record = GetBucket(who, bucket, action);
  if (!record) return record.error();
  if (Status st = change(*record); !st) return st;
  auto st = storage_.Put(keys::Bucket(bucket), EncodeBucket(*record));
  ForgetBucket(bucket);
  return st;
}

Status S3Store::ResolveObjectAcl(const Caller& who, const BucketRecord& bucket,
                                 const AclSpec& spec, std::string& owner,
                                 StoredAcl& acl) const {
  owner = ObjectOwnerFor(bucket, who, spec.canned_name);
  acl = ResolveAcl(spec, owner, bucket.owner_account_id);
  // "Requests that set ACLs other than bucket-owner-full-control (or its
  // equivalent) fail with AccessControlListNotSupported" when ACLs are disabled.
  if (acl && bucket.ownership == ObjectOwnership::kBucketOwnerEnforced)
    return MakeError(ErrorCode::kAccessControlListNotSupported);
  // BlockPublicAcls: "PUT Object calls fail if the request includes a public ACL."
  if (acl && bucket.public_access_block && bucket.public_access_block->block_public_acls &&
      IsPublic(*acl))
    return MakeError(ErrorCode::kAccessDenied);
  return Ok();
}

Status S3Store::DeleteBucket(const Caller& who, std::string_view bucket) {
  std::unique_lock lock(buckets_mu_);
  auto record = GetBucket(who, bucket, action::kDeleteBucket);
  if (!record) return record.error();
  auto it = storage_.NewIterator();
  std::string prefix = keys::ObjectsOf(bucket);
  it->Seek(prefix);
  bool has_objects = it->Valid() && it->key().starts_with(prefix);
  // "Before you can delete a bucket, you must delete all of its objects,
  // including all object versions and delete markers."
  std::string versions = keys::VersionsOf(bucket);
  it->Seek(versions);
  has_objects = has_objects || (it->Valid() && it->key().starts_with(versions));
  // "You must ... abort all in-progress multipart uploads before you can
  // delete the bucket": an unfinished upload keeps it non-empty.
  std::string uploads = keys::UploadsOf(bucket);
  it->Seek(uploads);
  bool has_uploads = it->Valid() && it->key().starts_with(uploads);
  if (has_objects || has_uploads) {
    Error e = MakeError(ErrorCode::kBucketNotEmpty, {}, std::string(bucket));
    e.details.emplace_back("BucketName", std::string(bucket));
    return e;
  }
  leveldb::WriteBatch batch;
  batch.Delete(keys::Bucket(bucket));
  if (meters_) meters_->BucketDeleted(bucket, billing::ToSeconds(clock_.Now()), batch);
  auto st = storage_.Write(batch);
  ForgetBucket(bucket);
  if (meters_) meters_->Forget(bucket);
  return st;
}

Result<ObjectRecord> S3Store::PutObject(const Caller& who, std::string_view bucket,
                                        std::string_view key, ObjectMetadata meta,
                                        storage::StagedBody body, std::string md5_hex,
                                        TagSet tags, const AclSpec& acl) {
  // `body` is owned here: returning early aborts its blob.
  if (key.size() > kMaxKeyBytes) return MakeError(ErrorCode::kKeyTooLongError);
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObject, key);
  if (!b) return b.error();

  ObjectRecord record;
  if (Status st = ResolveObjectAcl(who, *b, acl, record.owner_account_id, record.acl); !st)
    return st.error();
  record.key = key;
  record.size = body.size();
  record.etag = std::move(md5_hex);
  record.last_modified = clock_.Now();
  record.meta = std::move(meta);
  record.tags = std::move(tags);
  std::vector<std::string> linked;
  if (body.in_blob()) {
    record.blob_id = body.blob_id();
    linked.push_back(record.blob_id);
  } else {
    record.inline_body = body.TakeInlineData();
  }

  leveldb::WriteBatch batch;
  auto committed = CommitObject(bucket, key, std::move(record), batch, std::move(linked), {});
  if (committed) body.Release();
  return committed;
}

Result<ObjectRecord> S3Store::CommitObject(std::string_view bucket, std::string_view key,
                                           ObjectRecord record, leveldb::WriteBatch& batch,
                                           std::vector<std::string> linked,
                                           std::vector<std::string> dropped) {
  std::lock_guard key_lock(KeyLock(bucket, key));
  // Callers hold buckets_mu_ shared: the versioning state cannot change here.
  auto b = LoadBucket(bucket);
  if (!b) return b.error();
  std::string object_key = keys::Object(bucket, key);
  auto old = storage_.Get(object_key);
  if (!old) return old.error();
  std::int64_t delta = static_cast<std::int64_t>(record.size);
  ObjectMetadata& meta = record.meta;
  if ((meta.lock_mode != RetentionMode::kNone || meta.legal_hold) && !b->object_lock_enabled)
    return MakeError(ErrorCode::kInvalidRequest, "Bucket is missing Object Lock Configuration");
  if (meta.lock_mode != RetentionMode::kNone && meta.retain_until <= clock_.Now())
    return MakeError(ErrorCode::kInvalidArgument, "The retain until date must be in the future!");
  if (b->object_lock_enabled && meta.lock_mode == RetentionMode::kNone && b->default_retention) {
    // The bucket's default retention, from the time of the write.
    const DefaultRetention& d = *b->default_retention;
    meta.lock_mode = d.mode;
    meta.retain_until = clock_.Now() + std::chrono::hours(24) * (d.days + 365 * d.years);
  }
  std::optional<ObjectRecord> current;
  // With its body when versioned: the write keeps it as a noncurrent version.
  if (*old) current = DecodeObject(key, **old, b->versioning != VersioningState::kUnset);
  if (auto st = StackVersion(bucket, key, b->versioning, current, record, batch, delta, dropped);
      !st)
    return st.error();
  batch.Put(object_key, EncodeObject(record));
  if (auto st = WriteMetered(bucket, delta, batch, linked, dropped); !st) return st.error();
  record.inline_body.clear();
  record.bucket_versioning = b->versioning;
  return record;
}

Status S3Store::WriteMetered(std::string_view bucket, std::int64_t delta,
                             leveldb::WriteBatch& batch, const std::vector<std::string>& linked,
                             const std::vector<std::string>& dropped) {
  if (!meters_) return storage_.Commit(batch, linked, dropped);
  return meters_->ChangeStored(bucket, delta, billing::ToSeconds(clock_.Now()), batch,
                               [&] { return storage_.Commit(batch, linked, dropped); });
}

std::optional<billing::S3Meters::BucketInfo> S3Store::Survey(std::string_view bucket) const {
  auto b = LoadBucket(bucket);
  if (!b) return std::nullopt;
  billing::S3Meters::BucketInfo info{b->owner_account_id, b->region, 0};
  auto it = storage_.NewIterator();
  std::string prefix = keys::ObjectsOf(bucket);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    auto r = DecodeObject(k.substr(prefix.size()),
                          std::string_view(it->value().data(), it->value().size()),
                          /*with_body=*/false);
    if (r) info.bytes += static_cast<std::int64_t>(r->size);
  }
  // Noncurrent versions are stored and billed too.
  std::string versions = keys::VersionsOf(bucket);
  for (it->Seek(versions); it->Valid() && it->key().starts_with(versions); it->Next()) {
    auto r = DecodeObject({}, std::string_view(it->value().data(), it->value().size()),
                          /*with_body=*/false);
    if (r) info.bytes += static_cast<std::int64_t>(r->size);
  }
  return info;
}

Result<ObjectRecord> S3Store::GetObject(const Caller& who, std::string_view bucket,
                                        std::string_view key, const Action& action) {
  auto object = GetObjectVersion(who, bucket, key, {}, action);
  if (object && object->delete_marker) {
    // A key whose current version is a delete marker is, to everyone but
    // ListObjectVersions, a key that does not exist.
    Error e = MakeError(ErrorCode::kNoSuchKey, {}, std::string(key));
    e.details.emplace_back("Key", std::string(key));
    return e;
  }
  return object;
}

Result<ObjectRecord> S3Store::LoadObject(std::string_view bucket, std::string_view key) const {
  auto data = storage_.Get(keys::Object(bucket, key));
  if (!data) return data.error();
  if (!*data) {
    Error e = MakeError(ErrorCode::kNoSuchKey, {}, std::string(key));
    e.details.emplace_back("Key", std::string(key));
    return e;
  }
  auto record = DecodeObject(key, **data);
  if (!record) return MakeError(ErrorCode::kInternalError, "corrupt object record");
  return *record;
}

Status S3Store::DeleteObject(const Caller& who, std::string_view bucket,
                             std::string_view key) {
  auto deleted = DeleteObjectVersion(who, bucket, key, {});
  if (!deleted) return deleted.error();
  return Ok();
}

Result<ListObjectsResult> S3Store::ListObjects(const Caller& who,
                                               const ListObjectsRequest& request) {
  Conditions conditions;
  if (!request.prefix.empty()) conditions.emplace_back("s3:prefix", request.prefix);
  if (!request.delimiter.empty()) conditions.emplace_back("s3:delimiter", request.delimiter);
  conditions.emplace_back("s3:max-keys", std::to_string(request.max_keys));
  auto b = GetBucket(who, request.bucket, action::kListBucket, {}, &conditions);
  if (!b) return b.error();
  ListObjectsResult result;
  if (request.max_keys <= 0) return result;
  const std::string base = keys::ObjectsOf(request.bucket);
  const std::string scan_prefix = base + request.prefix;
  std::string start = scan_prefix;
  bool after_prefix = request.start_after_is_prefix;
  std::string after = request.start_after;
  if (!after_prefix && after.starts_with(request.prefix)) {
    // The marker rolls up into a common prefix: the whole group is behind us.
    std::string_view common = CommonPrefixOf(after, request.prefix, request.delimiter);
    if (!common.empty()) {
      after.resize(common.size());
      after_prefix = true;
    }
  }
  if (!after.empty() && base + after >= start) {
    if (after_prefix) {
      start = keys::PrefixEnd(base + after);
      if (start.empty()) return result;
    } else {
      start = base + after;
      start.push_back('\0');  // strictly after
    }
  }
  auto it = storage_.NewIterator();
  int count = 0;
  for (it->Seek(start); it->Valid();) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(scan_prefix)) break;
    std::string_view key = k.substr(base.size());
    auto is_marker = [&] {
      auto r = DecodeObject({}, std::string_view(it->value().data(), it->value().size()),
                            /*with_body=*/false);
      return r && r->delete_marker;
    };
    if (std::string_view rolled = CommonPrefixOf(key, request.prefix, request.delimiter);
        !rolled.empty()) {
      // The key rolls up into one common prefix; skip past all keys that
      // share it. A prefix whose keys are all delete markers lists nothing.
      std::string common(rolled);
      std::string skip_to = keys::PrefixEnd(base + common);
      const std::string group = base + common;
      bool visible = false;
      for (; it->Valid() && it->key().starts_with(group); it->Next()) {
        if (!is_marker()) {
          visible = true;
          break;
        }
      }
      if (visible) {
        if (count == request.max_keys) {
          result.truncated = true;
          break;
        }
        result.common_prefixes.push_back(common);
        result.next_start_after = common;
        result.next_start_after_is_prefix = true;
        ++count;
      }
      if (skip_to.empty()) break;
      it->Seek(skip_to);
      continue;
    }
    auto record = DecodeObject(key, std::string_view(it->value().data(), it->value().size()),
                               /*with_body=*/false);
    if (!record) return MakeError(ErrorCode::kInternalError, "corrupt object record");
    if (record->delete_marker) {  // the key is deleted; its versions are listed by ?versions
      it->Next();
      continue;
    }
    if (count == request.max_keys) {
      result.truncated = true;
      break;
    }
    result.next_start_after = record->key;
    result.next_start_after_is_prefix = false;
    result.objects.push_back(std::move(*record));
    ++count;
    it->Next();
  }
  return result;
}

Result<storage::StagedBody> S3Store::CopyBody(const ObjectRecord& source, ByteRange range,
                                              std::uint64_t inline_threshold,
                                              std::string& md5_hex,
                                              const BodyTransform& transform) {
  storage::StagedBody body(storage_, inline_threshold);
  crypto::Digest md5(crypto::Digest::Kind::kMd5);
  if (source.blob_id.empty() && source.parts.empty()) {
    std::string_view data(source.inline_body);
    data = data.substr(std::min<std::uint64_t>(range.begin, data.size()), range.length);
    std::string transformed;
    if (transform) {
      transformed = data;
      transform(range.begin, transformed.data(), transformed.size());
      data = transformed;
    }
    md5.Update(data);
    if (auto st = body.Append(data); !st) return st.error();
  } else {
    auto segments = OpenSegments(source, range);
    if (!segments) return segments.error();
    std::vector<char> buffer(1 << 18);
    std::uint64_t source_offset = range.begin;
    Status status = Ok();
    for (const Segment& seg : *segments) {
      std::uint64_t offset = seg.offset, left = seg.length;
      while (status && left > 0) {
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buffer.size()));
        ssize_t got = ::pread(seg.fd, buffer.data(), want, static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          status = MakeError(ErrorCode::kInternalError, "could not read the source object");
          break;
        }
        if (transform) transform(source_offset, buffer.data(), static_cast<std::size_t>(got));
        source_offset += static_cast<std::uint64_t>(got);
        std::string_view piece(buffer.data(), static_cast<std::size_t>(got));
        md5.Update(piece);
        status = body.Append(piece);
        offset += got;
        left -= got;
      }
    }
    for (const Segment& seg : *segments) ::close(seg.fd);
    if (!status) return status.error();
  }
  if (auto st = body.Finish(); !st) return st.error();
  std::string raw = md5.Finish();
  md5_hex = crypto::Hex(raw.data(), raw.size());
  return body;
}

bool S3Store::Superseded(std::string_view bucket, const ObjectRecord& object) const {
  auto now = LoadObject(bucket, object.key);
  // Blob ids are never reused: the same ids mean the same record's files.
  return !now || now->BlobIds() != object.BlobIds();
}

Result<std::vector<S3Store::Segment>> S3Store::OpenSegments(const ObjectRecord& object,
                                                           ByteRange range) {
  std::vector<Segment> out;
  auto close_all = [&] {
    for (const Segment& s : out) ::close(s.fd);
    out.clear();
  };
  std::vector<ObjectRecord::Part> pieces = object.parts;
  if (!object.blob_id.empty()) pieces.push_back({object.blob_id, object.size, {}});
  std::uint64_t pos = 0;  // offset of the current piece in the object
  std::uint64_t begin = range.begin, end = range.begin + range.length;
  for (const auto& piece : pieces) {
    std::uint64_t piece_end = pos + piece.size;
    if (piece_end > begin && pos < end && piece.size > 0) {
      auto blob = storage_.OpenBlob(piece.blob_id);
      if (!blob) {
        close_all();
        return blob.error();
      }
      std::uint64_t from = std::max(begin, pos), to = std::min(end, piece_end);
      out.push_back({blob->fd, blob->base + from - pos, to - from});
    }
    pos = piece_end;
    if (pos >= end) break;
  }
  return out;
}

Result<ObjectRecord> S3Store::CopyObject(const Caller& who, const ObjectRecord& source,
                                         std::string_view bucket, std::string_view key,
                                         ObjectMetadata meta, TagSet tags, const AclSpec& acl,
                                         const BodyTransform& transform) {
  if (key.size() > kMaxKeyBytes) return MakeError(ErrorCode::kKeyTooLongError);
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObject, key);
  if (!b) return b.error();
  std::string owner;
  StoredAcl object_acl;
  if (Status st = ResolveObjectAcl(who, *b, acl, owner, object_acl); !st) return st.error();
  std::string md5_hex;
  auto body = CopyBody(source, {0, source.size}, storage::kDefaultInlineThreshold, md5_hex,
                       transform);
  if (!body) return body.error();
  ObjectRecord record;
  record.key = key;
  record.size = body->size();
  // A copy of a multipart object is one part: its ETag is the MD5 of the data.
  record.etag = std::move(md5_hex);
  record.last_modified = clock_.Now();
  record.owner_account_id = std::move(owner);
  record.acl = std::move(object_acl);
  record.meta = std::move(meta);
  record.tags = std::move(tags);
  std::vector<std::string> linked;
  if (body->in_blob()) {
    record.blob_id = body->blob_id();
    linked.push_back(record.blob_id);
  } else {
    record.inline_body = body->TakeInlineData();
  }
  leveldb::WriteBatch batch;
  auto committed = CommitObject(bucket, key, std::move(record), batch, std::move(linked), {});
  if (committed) body->Release();
  return committed;
}

Status S3Store::PutObjectTagging(const Caller& who, std::string_view bucket,
                                 std::string_view key, TagSet tags, const Action& action,
                                 std::string_view version_id) {
  std::shared_lock buckets(buckets_mu_);
  std::lock_guard key_lock(KeyLock(bucket, key));
  if (!version_id.empty())
    return UpdateVersion(who, bucket, key, version_id, action, [&](ObjectRecord& r) {
      r.tags = std::move(tags);
      return Ok();
    });
  auto record = GetObject(who, bucket, key, action);
  if (!record) return record.error();
  record->tags = std::move(tags);
  return storage_.Put(keys::Object(bucket, key), EncodeObject(*record));
}

Status S3Store::PutBucketTagging(const Caller& who, std::string_view bucket,
                                 std::optional<TagSet> tags) {
  return UpdateBucket(who, bucket, action::kPutBucketTagging, [&](BucketRecord& record) {
    record.has_tags = tags.has_value();
    record.tags = tags ? std::move(*tags) : TagSet();
    return Ok();
  });
}

}  // namespace awslab::s3
