#include "emulator/s3/records.h"

#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

using storage::RecordReader;
using storage::RecordWriter;

// Field tags: never reuse a number; add new ones at the end.
enum BucketTag : std::uint32_t {
  kBOwner = 1,
  kBRegion = 2,
  kBCreatedNs = 3,
  kBTag = 4,  // nested: kPairKey, kPairValue
  kBHasTags = 5,
  kBAclGrant = 10,  // nested: kGrant*
  kBAclEmpty = 11,  // an ACL with no grants at all
  kBPolicy = 12,
  kBPublicAccessBlock = 13,  // bits: 1 BlockPublicAcls, 2 IgnorePublicAcls, 4 BlockPublicPolicy, 8 RestrictPublicBuckets
  kBOwnership = 14,
  kBCors = 6,  // nested: EncodeCors
  kBWebsite = 30,    // nested: EncodeWebsite
  kBLifecycle = 31,  // nested: EncodeLifecycle
  kBEncryption = 25,  // nested: EncodeBucketEncryption
  kBVersioning = 15,  // VersioningState
  kBObjectLock = 16,
  kBDefaultRetentionMode = 17,  // RetentionMode
  kBDefaultRetentionDays = 18,
  kBDefaultRetentionYears = 19,
};
enum ObjectTag : std::uint32_t {
  kOSize = 1,
  kOEtag = 2,
  kOModifiedNs = 3,
  kOOwner = 4,
  kOContentType = 5,
  kOContentEncoding = 6,
  kOContentDisposition = 7,
  kOContentLanguage = 8,
  kOCacheControl = 9,
  kOExpires = 10,
  kOUserMetaName = 11,  // followed by kOUserMetaValue
  kOUserMetaValue = 12,
  kOStorageClass = 13,
  kOChecksumAlgorithm = 14,
  kOChecksumValue = 15,
  kOInlineBody = 16,
  kOBlobId = 17,
  kOTag = 18,   // nested: kPairKey, kPairValue
  kOPart = 19,  // nested: kPartRefBlob, kPartRefSize
  kOAclGrant = 20,  // nested: kGrant*
  kOAclEmpty = 21,
  kOWebsiteRedirectLocation = 40,  // also an upload's (metadata fields are shared)
  // Server-side encryption (metadata fields, so uploads carry them too).
  kOSse = 30,
  kOSseKmsKeyArn = 31,
  kOSseContext = 32,
  kOSseBucketKey = 33,
  kOSseCustomerAlgorithm = 34,
  kOSseCustomerKeyMd5 = 35,
  kOSseCustomerSalt = 36,
  kOSseCustomerKeyCheck = 37,
  kOSseCustomerIv = 38,
  kOVersionId = 22,
  kODeleteMarker = 23,
  kOSeq = 24,
  kOLockMode = 25,  // RetentionMode; metadata (uploads carry it too)
  kORetainUntilNs = 26,
  kOLegalHold = 27,
};
enum GrantTag : std::uint32_t { kGrantType = 1, kGrantAccount = 2, kGrantPermission = 3 };
enum PairTag : std::uint32_t { kPairKey = 1, kPairValue = 2 };
enum PartRefTag : std::uint32_t { kPartRefBlob = 1, kPartRefSize = 2, kPartRefSseCustomerIv = 30 };
enum UploadTag : std::uint32_t {
  kUBucket = 101,
  kUKey = 102,
  kUUploadId = 103,
  kUInitiatedNs = 104,
  kUOwner = 105,
  kUTag = 106,
  kUAclGrant = 107,
  kUAclEmpty = 108,
  // Metadata fields use the object's tags (kOContentType ...).
};
enum PartTag : std::uint32_t {
  kPNumber = 1,
  kPSize = 2,
  kPEtag = 3,
  kPModifiedNs = 4,
  kPBlobId = 5,
  kPChecksum = 6,
  kPSseCustomerIv = 30,
};

std::int64_t ToNs(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}
TimePoint FromNs(std::int64_t ns) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::nanoseconds(ns)));
}

void PutIf(RecordWriter& w, std::uint32_t tag, const std::string& v) {
  if (!v.empty()) w.Put(tag, v);
}

void PutPair(RecordWriter& w, std::uint32_t tag, const std::string& k, const std::string& v) {
  RecordWriter n;
  n.Put(kPairKey, k);
  n.Put(kPairValue, v);
  w.Put(tag, n.data());
}

bool ReadPair(std::string_view data, TagSet& out) {
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  std::pair<std::string, std::string> p;
  while (r.Next(tag, v)) {
    if (tag == kPairKey) p.first = v;
    else if (tag == kPairValue) p.second = v;
  }
  if (!r.ok()) return false;
  out.push_back(std::move(p));
  return true;
}

void EncodeMeta(RecordWriter& w, const ObjectMetadata& m) {
  PutIf(w, kOContentType, m.content_type);
  PutIf(w, kOContentEncoding, m.content_encoding);
  PutIf(w, kOContentDisposition, m.content_disposition);
  PutIf(w, kOContentLanguage, m.content_language);
  PutIf(w, kOCacheControl, m.cache_control);
  PutIf(w, kOExpires, m.expires);
  for (const auto& [name, value] : m.user) {
    w.Put(kOUserMetaName, name);
    w.Put(kOUserMetaValue, value);
  }
  PutIf(w, kOStorageClass, m.storage_class);
  PutIf(w, kOChecksumAlgorithm, m.checksum_algorithm);
  PutIf(w, kOChecksumValue, m.checksum_value);
  PutIf(w, kOWebsiteRedirectLocation, m.website_redirect_location);
  PutIf(w, kOSse, m.sse);
  PutIf(w, kOSseKmsKeyArn, m.sse_kms_key_arn);
  PutIf(w, kOSseContext, m.sse_context);
  if (m.sse_bucket_key) w.PutBool(kOSseBucketKey, true);
  PutIf(w, kOSseCustomerAlgorithm, m.sse_customer_algorithm);
  PutIf(w, kOSseCustomerKeyMd5, m.sse_customer_key_md5);
  PutIf(w, kOSseCustomerSalt, m.sse_customer_salt);
  PutIf(w, kOSseCustomerKeyCheck, m.sse_customer_key_check);
  PutIf(w, kOSseCustomerIv, m.sse_customer_iv);
  if (m.lock_mode != RetentionMode::kNone) {
    w.PutU64(kOLockMode, static_cast<std::uint64_t>(m.lock_mode));
    w.PutI64(kORetainUntilNs, ToNs(m.retain_until));
  }
  if (m.legal_hold) w.PutBool(kOLegalHold, true);
}

void EncodeAcl(RecordWriter& w, std::uint32_t grant_tag, std::uint32_t empty_tag,
               const StoredAcl& acl) {
  if (!acl) return;
  if (acl->empty()) w.PutBool(empty_tag, true);
  for (const Grant& g : *acl) {
    RecordWriter n;
    n.PutU64(kGrantType, static_cast<std::uint64_t>(g.type));
    if (!g.account_id.empty()) n.Put(kGrantAccount, g.account_id);
    n.PutU64(kGrantPermission, static_cast<std::uint64_t>(g.permission));
    w.Put(grant_tag, n.data());
  }
}

bool ReadGrant(std::string_view data, StoredAcl& acl) {
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  Grant g;
  while (r.Next(tag, v)) {
    if (tag == kGrantType) g.type = static_cast<GranteeType>(RecordReader::AsU64(v));
    else if (tag == kGrantAccount) g.account_id = v;
    else if (tag == kGrantPermission) g.permission = static_cast<Permission>(RecordReader::AsU64(v));
  }
  if (!r.ok()) return false;
  if (!acl) acl.emplace();
  acl->push_back(std::move(g));
  return true;
}

// True when `tag` is a metadata field (and stores it).
bool DecodeMetaField(std::uint32_t tag, std::string_view v, ObjectMetadata& m) {
  switch (tag) {
    case kOContentType: m.content_type = v; return true;
    case kOContentEncoding: m.content_encoding = v; return true;
    case kOContentDisposition: m.content_disposition = v; return true;
    case kOContentLanguage: m.content_language = v; return true;
    case kOCacheControl: m.cache_control = v; return true;
    case kOExpires: m.expires = v; return true;
    case kOUserMetaName: m.user.emplace_back(std::string(v), std::string()); return true;
    case kOUserMetaValue:
      if (!m.user.empty()) m.user.back().second = v;
      return true;
    case kOStorageClass: m.storage_class = v; return true;
    case kOChecksumAlgorithm: m.checksum_algorithm = v; return true;
    case kOChecksumValue: m.checksum_value = v; return true;
    case kOWebsiteRedirectLocation: m.website_redirect_location = v; return true;
    case kOSse: m.sse = v; return true;
    case kOSseKmsKeyArn: m.sse_kms_key_arn = v; return true;
    case kOSseContext: m.sse_context = v; return true;
    case kOSseBucketKey: m.sse_bucket_key = RecordReader::AsU64(v) != 0; return true;
    case kOSseCustomerAlgorithm: m.sse_customer_algorithm = v; return true;
    case kOSseCustomerKeyMd5: m.sse_customer_key_md5 = v; return true;
    case kOSseCustomerSalt: m.sse_customer_salt = v; return true;
    case kOSseCustomerKeyCheck: m.sse_customer_key_check = v; return true;
    case kOSseCustomerIv: m.sse_customer_iv = v; return true;
    case kOLockMode: m.lock_mode = static_cast<RetentionMode>(RecordReader::AsU64(v)); return true;
    case kORetainUntilNs: m.retain_until = FromNs(RecordReader::AsI64(v)); return true;
    case kOLegalHold: m.legal_hold = RecordReader::AsU64(v) != 0; return true;
    default: return false;
  }
}

}  // namespace

std::string EncodeBucket(const BucketRecord& b) {
  RecordWriter w;
  w.Put(kBOwner, b.owner_account_id);
  w.Put(kBRegion, b.region);
  w.PutI64(kBCreatedNs, ToNs(b.created));
  if (b.has_tags) w.PutBool(kBHasTags, true);
  for (const auto& [k, v] : b.tags) PutPair(w, kBTag, k, v);
  EncodeAcl(w, kBAclGrant, kBAclEmpty, b.acl);
  PutIf(w, kBPolicy, b.policy);
  if (const auto& p = b.public_access_block)
    w.PutU64(kBPublicAccessBlock, (p->block_public_acls ? 1 : 0) | (p->ignore_public_acls ? 2 : 0) |
                                      (p->block_public_policy ? 4 : 0) |
                                      (p->restrict_public_buckets ? 8 : 0));
  if (b.ownership != ObjectOwnership::kUnset)
    w.PutU64(kBOwnership, static_cast<std::uint64_t>(b.ownership));
  if (b.cors) w.Put(kBCors, EncodeCors(*b.cors));
  if (b.website) w.Put(kBWebsite, EncodeWebsite(*b.website));
  if (b.lifecycle) w.Put(kBLifecycle, EncodeLifecycle(*b.lifecycle));
  if (b.encryption) w.Put(kBEncryption, EncodeBucketEncryption(*b.encryption));
  if (b.versioning != VersioningState::kUnset)
    w.PutU64(kBVersioning, static_cast<std::uint64_t>(b.versioning));
  if (b.object_lock_enabled) w.PutBool(kBObjectLock, true);
  if (const auto& d = b.default_retention) {
    w.PutU64(kBDefaultRetentionMode, static_cast<std::uint64_t>(d->mode));
    if (d->days) w.PutU64(kBDefaultRetentionDays, static_cast<std::uint64_t>(d->days));
    if (d->years) w.PutU64(kBDefaultRetentionYears, static_cast<std::uint64_t>(d->years));
  }
  return w.Release();
}

std::optional<BucketRecord> DecodeBucket(std::string_view name, std::string_view data) {
  BucketRecord b;
  b.name = name;
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  while (r.Next(tag, v)) {
    switch (tag) {
      case kBOwner: b.owner_account_id = v; break;
      case kBRegion: b.region = v; break;
      case kBCreatedNs: b.created = FromNs(RecordReader::AsI64(v)); break;
      case kBHasTags: b.has_tags = RecordReader::AsU64(v) != 0; break;
      case kBTag:
        if (!ReadPair(v, b.tags)) return std::nullopt;
        break;
      case kBAclGrant:
        if (!ReadGrant(v, b.acl)) return std::nullopt;
        break;
      case kBAclEmpty:
        if (!b.acl) b.acl.emplace();
        break;
      case kBPolicy: b.policy = v; break;
      case kBPublicAccessBlock: {
        std::uint64_t bits = RecordReader::AsU64(v);
        b.public_access_block =
            PublicAccessBlock{(bits & 1) != 0, (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0};
        break;
      }
      case kBOwnership: b.ownership = static_cast<ObjectOwnership>(RecordReader::AsU64(v)); break;
      case kBCors:
        b.cors = DecodeCors(v);
        if (!b.cors) return std::nullopt;
        break;
      case kBWebsite:
        b.website = DecodeWebsite(v);
        if (!b.website) return std::nullopt;
        break;
      case kBLifecycle:
        b.lifecycle = DecodeLifecycle(v);
        if (!b.lifecycle) return std::nullopt;
        break;
      case kBEncryption:
        b.encryption = DecodeBucketEncryption(v);
        if (!b.encryption) return std::nullopt;
        break;
      case kBVersioning: b.versioning = static_cast<VersioningState>(RecordReader::AsU64(v)); break;
      case kBObjectLock: b.object_lock_enabled = RecordReader::AsU64(v) != 0; break;
      case kBDefaultRetentionMode:
        if (!b.default_retention) b.default_retention.emplace();
        b.default_retention->mode = static_cast<RetentionMode>(RecordReader::AsU64(v));
        break;
      case kBDefaultRetentionDays:
        if (!b.default_retention) b.default_retention.emplace();
        b.default_retention->days = static_cast<int>(RecordReader::AsU64(v));
        break;
      case kBDefaultRetentionYears:
        if (!b.default_retention) b.default_retention.emplace();
        b.default_retention->years = static_cast<int>(RecordReader::AsU64(v));
        break;
      default: break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return b;
}

std::string EncodeObject(const ObjectRecord& o) {
  RecordWriter w;
  w.PutU64(kOSize, o.size);
  w.Put(kOEtag, o.etag);
  w.PutI64(kOModifiedNs, ToNs(o.last_modified));
  w.Put(kOOwner, o.owner_account_id);
  EncodeMeta(w, o.meta);
  for (const auto& [k, v] : o.tags) PutPair(w, kOTag, k, v);
  for (const auto& part : o.parts) {
    RecordWriter n;
    if (!part.blob_id.empty()) n.Put(kPartRefBlob, part.blob_id);
    n.PutU64(kPartRefSize, part.size);
    if (!part.sse_customer_iv.empty()) n.Put(kPartRefSseCustomerIv, part.sse_customer_iv);
    w.Put(kOPart, n.data());
  }
  EncodeAcl(w, kOAclGrant, kOAclEmpty, o.acl);
  PutIf(w, kOVersionId, o.version_id);
  if (o.delete_marker) w.PutBool(kODeleteMarker, true);
  if (o.seq != 0) w.PutU64(kOSeq, o.seq);
  // The body goes last so that a metadata-only decode can stop early.
  if (!o.blob_id.empty()) w.Put(kOBlobId, o.blob_id);
  else if (o.parts.empty()) w.Put(kOInlineBody, o.inline_body);
  return w.Release();
}

std::optional<ObjectRecord> DecodeObject(std::string_view key, std::string_view data,
                                         bool with_body) {
  ObjectRecord o;
  o.key = key;
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  ObjectMetadata& m = o.meta;
  while (r.Next(tag, v)) {
    switch (tag) {
      case kOSize: o.size = RecordReader::AsU64(v); break;
      case kOEtag: o.etag = v; break;
      case kOModifiedNs: o.last_modified = FromNs(RecordReader::AsI64(v)); break;
      case kOOwner: o.owner_account_id = v; break;
      case kOTag:
        if (!ReadPair(v, o.tags)) return std::nullopt;
        break;
      case kOPart: {
        RecordReader n(v);
        std::uint32_t t;
        std::string_view x;
        ObjectRecord::Part part;
        while (n.Next(t, x)) {
          if (t == kPartRefBlob) part.blob_id = x;
          else if (t == kPartRefSize) part.size = RecordReader::AsU64(x);
          else if (t == kPartRefSseCustomerIv) part.sse_customer_iv = x;
        }
        if (!n.ok()) return std::nullopt;
        o.parts.push_back(std::move(part));
        break;
      }
      case kOAclGrant:
        if (!ReadGrant(v, o.acl)) return std::nullopt;
        break;
      case kOAclEmpty:
        if (!o.acl) o.acl.emplace();
        break;
      case kOInlineBody:
        if (with_body) o.inline_body = v;
        break;
      case kOBlobId: o.blob_id = v; break;
      case kOVersionId: o.version_id = v; break;
      case kODeleteMarker: o.delete_marker = RecordReader::AsU64(v) != 0; break;
      case kOSeq: o.seq = RecordReader::AsU64(v); break;
      default: DecodeMetaField(tag, v, m); break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return o;
}

Grants EffectiveGrants(const StoredAcl& acl, std::string_view owner) {
  if (acl) return *acl;
  return {Grant{GranteeType::kAccount, std::string(owner), Permission::kFullControl}};
}

std::vector<std::string> ObjectRecord::BlobIds() const {
  std::vector<std::string> out;
  if (!blob_id.empty()) out.push_back(blob_id);
  for (const auto& p : parts)
    if (!p.blob_id.empty()) out.push_back(p.blob_id);
  return out;
}

std::string EncodeUpload(const UploadRecord& u) {
  RecordWriter w;
  w.Put(kUBucket, u.bucket);
  w.Put(kUKey, u.key);
  w.Put(kUUploadId, u.upload_id);
  w.PutI64(kUInitiatedNs, ToNs(u.initiated));
  w.Put(kUOwner, u.owner_account_id);
  EncodeMeta(w, u.meta);
  for (const auto& [k, v] : u.tags) PutPair(w, kUTag, k, v);
  EncodeAcl(w, kUAclGrant, kUAclEmpty, u.acl);
  return w.Release();
}

std::optional<UploadRecord> DecodeUpload(std::string_view data) {
  UploadRecord u;
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  while (r.Next(tag, v)) {
    switch (tag) {
      case kUBucket: u.bucket = v; break;
      case kUKey: u.key = v; break;
      case kUUploadId: u.upload_id = v; break;
      case kUInitiatedNs: u.initiated = FromNs(RecordReader::AsI64(v)); break;
      case kUOwner: u.owner_account_id = v; break;
      case kUTag:
        if (!ReadPair(v, u.tags)) return std::nullopt;
        break;
      case kUAclGrant:
        if (!ReadGrant(v, u.acl)) return std::nullopt;
        break;
      case kUAclEmpty:
        if (!u.acl) u.acl.emplace();
        break;
      default: DecodeMetaField(tag, v, u.meta); break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return u;
}

std::string EncodePart(const PartRecord& p) {
  RecordWriter w;
  w.PutU64(kPNumber, static_cast<std::uint64_t>(p.part_number));
  w.PutU64(kPSize, p.size);
  w.Put(kPEtag, p.etag);
  w.PutI64(kPModifiedNs, ToNs(p.last_modified));
  PutIf(w, kPBlobId, p.blob_id);
  PutIf(w, kPChecksum, p.checksum_value);
  PutIf(w, kPSseCustomerIv, p.sse_customer_iv);
  return w.Release();
}

std::optional<PartRecord> DecodePart(std::string_view data) {
  PartRecord p;
  RecordReader r(data);
  std::uint32_t tag;
  std::string_view v;
  while (r.Next(tag, v)) {
    switch (tag) {
      case kPNumber: p.part_number = static_cast<int>(RecordReader::AsU64(v)); break;
      case kPSize: p.size = RecordReader::AsU64(v); break;
      case kPEtag: p.etag = v; break;
      case kPModifiedNs: p.last_modified = FromNs(RecordReader::AsI64(v)); break;
      case kPBlobId: p.blob_id = v; break;
      case kPChecksum: p.checksum_value = v; break;
      case kPSseCustomerIv: p.sse_customer_iv = v; break;
      default: break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return p;
}

}  // namespace awslab::s3
