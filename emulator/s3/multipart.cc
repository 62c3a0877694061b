// Multipart uploads: S3Store's methods for CreateMultipartUpload through
// CompleteMultipartUpload.
//
// Each part is a blob of its own, linked by its m/ record. Completing an
// upload writes, in one batch, the object record that lists the chosen
// parts' blobs, and deletes the u/ and m/ records; parts left out are
// dropped. No data is copied.
#include <leveldb/write_batch.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "client/include/awslab/crypto.h"
#include "emulator/base/ids.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/key_schema.h"

namespace awslab::s3 {
namespace keys = storage::keys;

namespace {

Error NoSuchUpload(std::string_view upload_id) {
  Error e = MakeError(ErrorCode::kNoSuchUpload);
  e.details.emplace_back("UploadId", std::string(upload_id));
  return e;
}

// Upload ids sort by creation: 16 hex digits of the creation time, then
// random ones.
std::string NewUploadId(TimePoint now) {
  auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  char head[17];
  std::snprintf(head, sizeof head, "%016" PRIx64, static_cast<std::uint64_t>(ns));
  return std::string(head) + NewBlobId();
}

bool ValidUploadId(std::string_view id) {
  if (id.size() != 48) return false;
  for (char c : id)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::mutex& S3Store::UploadLock(std::string_view upload_id) {
  return upload_mu_[std::hash<std::string_view>()(upload_id) % upload_mu_.size()];
}

Result<UploadRecord> S3Store::LoadUpload(std::string_view bucket, std::string_view key,
                                         std::string_view upload_id) {
  if (!ValidUploadId(upload_id)) return NoSuchUpload(upload_id);
  auto data = storage_.Get(keys::Upload(bucket, key, upload_id));
  if (!data) return data.error();
  if (!*data) return NoSuchUpload(upload_id);
  auto record = DecodeUpload(**data);
  if (!record) return MakeError(ErrorCode::kInternalError, "corrupt upload record");
  return *record;
}

Result<UploadRecord> S3Store::CreateMultipartUpload(const Caller& who,
                                                    std::string_view bucket,
                                                    std::string_view key, ObjectMetadata meta,
                                                    TagSet tags, const AclSpec& acl) {
  if (key.size() > kMaxKeyBytes) return MakeError(ErrorCode::kKeyTooLongError);
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObject, key);
  if (!b) return b.error();
  UploadRecord upload;
  std::string object_owner;
  if (Status st = ResolveObjectAcl(who, *b, acl, object_owner, upload.acl); !st)
    return st.error();
  upload.bucket = bucket;
  upload.key = key;
  upload.initiated = clock_.Now();
  upload.upload_id = NewUploadId(upload.initiated);
  upload.owner_account_id = who.account_id();
  upload.meta = std::move(meta);
  upload.tags = std::move(tags);
  if (auto st = storage_.Put(keys::Upload(bucket, key, upload.upload_id), EncodeUpload(upload));
      !st)
    return st.error();
  return upload;
}

Result<UploadRecord> S3Store::GetUpload(const Caller& who, std::string_view bucket,
                                        std::string_view key, std::string_view upload_id,
                                        const Action& action) {
  auto b = LoadBucket(bucket);
  if (!b) return b.error();
  auto upload = LoadUpload(bucket, key, upload_id);
  if (!upload) {
    if (Status st = Authorize({who, *b, action, key}); !st) return st.error();
    return upload;
  }
  ObjectAccess access{upload->owner_account_id, &upload->acl};
  if (Status st = Authorize({who, *b, action, key, &access}); !st) return st.error();
  return upload;
}

Result<PartRecord> S3Store::PutPart(const Caller& who, std::string_view bucket,
                                    std::string_view key, std::string_view upload_id,
                                    PartRecord part, storage::StagedBody body) {
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObject, key);
  if (!b) return b.error();
  std::lock_guard upload_lock(UploadLock(upload_id));
  // The upload may have been completed or aborted while the body arrived.
  auto upload = LoadUpload(bucket, key, upload_id);
  if (!upload) return upload.error();

  part.size = body.size();
  part.last_modified = clock_.Now();
  std::vector<std::string> linked;
  if (body.in_blob()) {
    part.blob_id = body.blob_id();
    linked.push_back(part.blob_id);
  } else if (body.size() > 0) {
    // Parts always live in blobs, so that completing never copies.
    return MakeError(ErrorCode::kInternalError, "part body was not staged to a blob");
  }
  std::string part_key = keys::Part(upload_id, part.part_number);
  std::vector<std::string> dropped;
  auto old = storage_.Get(part_key);
  if (!old) return old.error();
  if (*old) {
    auto old_part = DecodePart(**old);
    if (old_part && !old_part->blob_id.empty()) dropped.push_back(old_part->blob_id);
  }
  leveldb::WriteBatch batch;
  batch.Put(part_key, EncodePart(part));
  if (auto st = storage_.Commit(batch, linked, dropped); !st) return st.error();
  body.Release();
  return part;
}

Result<PartRecord> S3Store::CopyPart(const Caller& who, const ObjectRecord& source,
                                     ByteRange range, std::string_view bucket,
                                     std::string_view key, std::string_view upload_id,
                                     int part_number, const BodyTransform& transform,
                                     std::string sse_customer_iv) {
  {
    auto upload = GetUpload(who, bucket, key, upload_id);
    if (!upload) return upload.error();
  }
  std::string md5_hex;
  auto body = CopyBody(source, range, /*inline_threshold=*/0, md5_hex, transform);
  if (!body) return body.error();
  PartRecord part;
  part.part_number = part_number;
  part.etag = std::move(md5_hex);
  part.sse_customer_iv = std::move(sse_customer_iv);
  return PutPart(who, bucket, key, upload_id, std::move(part), std::move(*body));
}

Result<ListPartsResult> S3Store::ListParts(const Caller& who, std::string_view bucket,
                                           std::string_view key, std::string_view upload_id,
                                           int part_number_marker, int max_parts) {
  auto upload = GetUpload(who, bucket, key, upload_id, action::kListMultipartUploadParts);
  if (!upload) return upload.error();
  ListPartsResult result;
  result.upload = std::move(*upload);
  std::string prefix = keys::PartsOf(upload_id);
  auto it = storage_.NewIterator();
  it->Seek(part_number_marker > 0 ? keys::Part(upload_id, part_number_marker + 1) : prefix);
  for (; it->Valid() && it->key().starts_with(prefix); it->Next()) {
    if (static_cast<int>(result.parts.size()) == max_parts) {
      result.truncated = true;
      break;
    }
    auto part = DecodePart(std::string_view(it->value().data(), it->value().size()));
    if (!part) return MakeError(ErrorCode::kInternalError, "corrupt part record");
    result.parts.push_back(std::move(*part));
  }
  if (!result.parts.empty()) result.next_part_number_marker = result.parts.back().part_number;
  return result;
}

Result<ListUploadsResult> S3Store::ListUploads(const Caller& who,
                                               const ListUploadsRequest& request) {
  auto b = GetBucket(who, request.bucket, action::kListBucketMultipartUploads);
  if (!b) return b.error();
  ListUploadsResult result;
  if (request.max_uploads <= 0) return result;
  const std::string base = keys::UploadsOf(request.bucket);
  const std::string scan_prefix = base + request.prefix;
  std::string start = scan_prefix;
  if (!request.key_marker.empty()) {
    // "If upload-id-marker is not specified, only the keys lexicographically
    // greater than the specified key-marker will be included"; with it,
    // uploads of key-marker after that id are included too.
    std::string after = base + request.key_marker;
    if (!request.upload_id_marker.empty()) {
      after.push_back('\0');
      after.append(request.upload_id_marker);
      after.push_back('\0');
    } else {
      after.push_back('\1');  // past every "key\0id" of key-marker itself
    }
    if (after > start) start = after;
  }
  auto it = storage_.NewIterator();
  int count = 0;
  for (it->Seek(start); it->Valid();) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(scan_prefix)) break;
    std::string_view rest = k.substr(base.size());
    std::size_t nul = rest.rfind('\0');
    if (nul == std::string_view::npos) {
      it->Next();
      continue;
    }
    std::string_view key = rest.substr(0, nul);
    if (count == request.max_uploads) {
      result.truncated = true;
      break;
    }
    if (std::string_view rolled = CommonPrefixOf(key, request.prefix, request.delimiter);
        !rolled.empty()) {
      std::string common(rolled);
      result.common_prefixes.push_back(common);
      result.next_key_marker = common;
      result.next_upload_id_marker.clear();
      ++count;
      std::string skip_to = keys::PrefixEnd(base + common);
      if (skip_to.empty()) break;
      it->Seek(skip_to);
      continue;
    }
    auto upload = DecodeUpload(std::string_view(it->value().data(), it->value().size()));
    if (!upload) return MakeError(ErrorCode::kInternalError, "corrupt upload record");
    result.next_key_marker = upload->key;
    result.next_upload_id_marker = upload->upload_id;
    result.uploads.push_back(std::move(*upload));
    ++count;
    it->Next();
  }
  return result;
}

Status S3Store::AbortUpload(const Caller& who, std::string_view bucket, std::string_view key,
                            std::string_view upload_id) {
  std::shared_lock buckets(buckets_mu_);
  std::lock_guard upload_lock(UploadLock(upload_id));
  auto upload = GetUpload(who, bucket, key, upload_id, action::kAbortMultipartUpload);
  if (!upload) return upload.error();
  leveldb::WriteBatch batch;
  std::vector<std::string> dropped;
  std::string prefix = keys::PartsOf(upload_id);
  auto it = storage_.NewIterator();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto part = DecodePart(std::string_view(it->value().data(), it->value().size()));
    if (part && !part->blob_id.empty()) dropped.push_back(part->blob_id);
    batch.Delete(it->key());
  }
  batch.Delete(keys::Upload(bucket, key, upload_id));
  return storage_.Commit(batch, {}, dropped);
}

Result<ObjectRecord> S3Store::CompleteUpload(const Caller& who, std::string_view bucket,
                                             std::string_view key, std::string_view upload_id,
                                             const std::vector<CompletedPart>& wanted,
                                             const PartsChecksum& checksum) {
  std::shared_lock buckets(buckets_mu_);
  auto b = GetBucket(who, bucket, action::kPutObject, key);
  if (!b) return b.error();
  std::lock_guard upload_lock(UploadLock(upload_id));
  auto upload = LoadUpload(bucket, key, upload_id);
  if (!upload) return upload.error();
  if (wanted.empty())
    return MakeError(ErrorCode::kMalformedXML,
                     "The XML you provided was not well-formed or did not validate against our "
                     "published schema");
  for (std::size_t i = 1; i < wanted.size(); ++i)
    if (wanted[i].part_number <= wanted[i - 1].part_number)
      return MakeError(ErrorCode::kInvalidPartOrder);

  // Every uploaded part, by number.
  std::vector<PartRecord> uploaded;
  leveldb::WriteBatch batch;
  std::string prefix = keys::PartsOf(upload_id);
  auto it = storage_.NewIterator();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    auto part = DecodePart(std::string_view(it->value().data(), it->value().size()));
    if (!part) return MakeError(ErrorCode::kInternalError, "corrupt part record");
    uploaded.push_back(std::move(*part));
    batch.Delete(it->key());
  }
  auto invalid_part = [&](const CompletedPart& p) {
    Error e = MakeError(ErrorCode::kInvalidPart);
    e.details.emplace_back("UploadId", std::string(upload_id));
    e.details.emplace_back("PartNumber", std::to_string(p.part_number));
    e.details.emplace_back("ETag", p.etag);
    return e;
  };
  std::vector<PartRecord> used;
  std::size_t u = 0;
  for (const CompletedPart& p : wanted) {
    while (u < uploaded.size() && uploaded[u].part_number < p.part_number) ++u;
    if (u == uploaded.size() || uploaded[u].part_number != p.part_number ||
        uploaded[u].etag != p.etag)
      return invalid_part(p);
    if (!p.checksum.empty() && p.checksum != uploaded[u].checksum_value) return invalid_part(p);
    used.push_back(uploaded[u]);
  }
  // "Each part must be at least 5 MB in size, except the last part."
  for (std::size_t i = 0; i + 1 < used.size(); ++i) {
    if (used[i].size < min_part_size_) {
      Error e = MakeError(ErrorCode::kEntityTooSmall);
      e.details.emplace_back("ProposedSize", std::to_string(used[i].size));
      e.details.emplace_back("MinSizeAllowed", std::to_string(min_part_size_));
      e.details.emplace_back("PartNumber", std::to_string(used[i].part_number));
      e.details.emplace_back("ETag", used[i].etag);
      return e;
    }
  }

  ObjectRecord record;
  record.key = key;
  // The object belongs to the upload's initiator, or to the bucket owner
  // when Object Ownership says so (BucketOwnerPreferred: when the upload
  // asked for bucket-owner-full-control, which left that grant in its ACL).
  bool bucket_owner_full_control =
      upload->acl && std::find(upload->acl->begin(), upload->acl->end(),
                               Grant{GranteeType::kAccount, b->owner_account_id,
                                     Permission::kFullControl}) != upload->acl->end();
  record.owner_account_id =
      ObjectOwnerFor(*b, Caller(Principal{upload->owner_account_id, {}, false}),
                     bucket_owner_full_control ? "bucket-owner-full-control" : "");
  record.acl = upload->acl;
  record.meta = upload->meta;
  record.tags = upload->tags;
  record.last_modified = clock_.Now();
  std::string md5s;
  for (const PartRecord& p : used) {
    record.size += p.size;
    record.parts.push_back({p.blob_id, p.size, p.sse_customer_iv});
    for (std::size_t i = 0; i + 1 < p.etag.size(); i += 2)
      md5s.push_back(static_cast<char>(std::stoi(p.etag.substr(i, 2), nullptr, 16)));
  }
  crypto::Digest md5(crypto::Digest::Kind::kMd5);
  md5.Update(md5s);
  std::string raw = md5.Finish();
  record.etag = crypto::Hex(raw.data(), raw.size()) + "-" + std::to_string(used.size());
  record.meta.checksum_value.clear();
  if (checksum && !record.meta.checksum_algorithm.empty())
    record.meta.checksum_value = checksum(*upload, used);

  std::vector<std::string> dropped;
  std::size_t k = 0;
  for (const PartRecord& p : uploaded) {
    bool kept = k < used.size() && used[k].part_number == p.part_number;
    if (kept) ++k;
    else if (!p.blob_id.empty()) dropped.push_back(p.blob_id);
  }
  batch.Delete(keys::Upload(bucket, key, upload_id));
  // The parts' blobs are already linked by their m/ records; the object
  // record takes them over in the same batch.
  return CommitObject(bucket, key, std::move(record), batch, {}, std::move(dropped));
}

}  // namespace awslab::s3
