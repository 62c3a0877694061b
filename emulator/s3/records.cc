#include "emulator/s3/records.h"

#include "emulator/storage/record.h"

namespace awslab::s3 {
namespace {

using storage::RecordReader;
using storage::RecordWriter;

// Field tags: never reuse a number; add new ones at the end.
enum BucketTag : std::uint32_t { kBOwner = 1, kBRegion = 2, kBCreatedNs = 3 };
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

}  // namespace

std::string EncodeBucket(const BucketRecord& b) {
  RecordWriter w;
  w.Put(kBOwner, b.owner_account_id);
  w.Put(kBRegion, b.region);
  w.PutI64(kBCreatedNs, ToNs(b.created));
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
  const ObjectMetadata& m = o.meta;
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
  // The body goes last so that a metadata-only decode can stop early.
  if (!o.blob_id.empty()) w.Put(kOBlobId, o.blob_id);
  else w.Put(kOInlineBody, o.inline_body);
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
      case kOContentType: m.content_type = v; break;
      case kOContentEncoding: m.content_encoding = v; break;
      case kOContentDisposition: m.content_disposition = v; break;
      case kOContentLanguage: m.content_language = v; break;
      case kOCacheControl: m.cache_control = v; break;
      case kOExpires: m.expires = v; break;
      case kOUserMetaName: m.user.emplace_back(std::string(v), std::string()); break;
      case kOUserMetaValue:
        if (!m.user.empty()) m.user.back().second = v;
        break;
      case kOStorageClass: m.storage_class = v; break;
      case kOChecksumAlgorithm: m.checksum_algorithm = v; break;
      case kOChecksumValue: m.checksum_value = v; break;
      case kOInlineBody:
        if (with_body) o.inline_body = v;
        break;
      case kOBlobId: o.blob_id = v; break;
      default: break;
    }
  }
  if (!r.ok()) return std::nullopt;
  return o;
}

}  // namespace awslab::s3
