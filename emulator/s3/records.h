// The S3 model's records as stored in LevelDB, and their encoding.
#ifndef AWSLAB_EMULATOR_S3_RECORDS_H_
#define AWSLAB_EMULATOR_S3_RECORDS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/cors.h"
#include "emulator/s3/lifecycle.h"
#include "emulator/s3/website.h"
#include "emulator/s3/encryption.h"

namespace awslab::s3 {

class BucketPolicy;  // policy.h

// Tags as (key, value) pairs in the order given.
using TagSet = std::vector<std::pair<std::string, std::string>>;

// Block Public Access for a bucket.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
struct PublicAccessBlock {
  bool block_public_acls = false;
  bool ignore_public_acls = false;
  bool block_public_policy = false;
  bool restrict_public_buckets = false;
  bool operator==(const PublicAccessBlock&) const = default;
};

// Object Ownership; kUnset: no ownership controls (objects belong to their
// writer, as ObjectWriter).
enum class ObjectOwnership : std::uint8_t {
  kUnset = 0,
  kObjectWriter = 1,
  kBucketOwnerPreferred = 2,
  kBucketOwnerEnforced = 3,
};

// A bucket's versioning state (PutBucketVersioning); kUnset: never
// versioned. Once set it is never kUnset again.
enum class VersioningState : std::uint8_t { kUnset = 0, kEnabled = 1, kSuspended = 2 };

// Object Lock retention modes (docs/s3-versioning.md, "Object Lock").
enum class RetentionMode : std::uint8_t { kNone = 0, kGovernance = 1, kCompliance = 2 };

// A bucket's default retention: `days` or `years` (one of them) from a write.
struct DefaultRetention {
  RetentionMode mode = RetentionMode::kNone;
  int days = 0;
  int years = 0;
};

// An ACL as stored: nullopt is the default, `private` (the owner has
// FULL_CONTROL, nobody else anything), which most resources keep.
using StoredAcl = std::optional<Grants>;
// The grants of a stored ACL, the default spelled out.
Grants EffectiveGrants(const StoredAcl& acl, std::string_view owner);

struct BucketRecord {
  std::string name;
  std::string owner_account_id;
  std::string region;
  TimePoint created;
  TagSet tags;
  bool has_tags = false;  // a TagSet was put (possibly empty)
  StoredAcl acl;
  std::string policy;  // the bucket policy's JSON as put; empty: none
  std::optional<PublicAccessBlock> public_access_block;
  ObjectOwnership ownership = ObjectOwnership::kUnset;
  // `policy` parsed; not stored: S3Store fills it when it loads the record.
  std::shared_ptr<const BucketPolicy> parsed_policy;
  std::optional<CorsConfiguration> cors = std::nullopt;  // PutBucketCors; absent: no CORS
  std::optional<WebsiteConfiguration> website = std::nullopt;      // PutBucketWebsite
  std::optional<LifecycleConfiguration> lifecycle = std::nullopt;  // PutBucketLifecycleConfiguration
  // PutBucketEncryption; absent: none (or SSE-S3 under Rules::kCurrent).
  std::optional<BucketEncryption> encryption = std::nullopt;
  VersioningState versioning = VersioningState::kUnset;  // docs/s3-versioning.md
  bool object_lock_enabled = false;  // created with x-amz-bucket-object-lock-enabled
  std::optional<DefaultRetention> default_retention;  // PutObjectLockConfiguration's Rule
};

// Headers stored with an object and returned on GET and HEAD.
struct ObjectMetadata {
  std::string content_type;  // empty: binary/octet-stream
  std::string content_encoding;
  std::string content_disposition;
  std::string content_language;
  std::string cache_control;
  std::string expires;  // as sent
  // x-amz-meta-* as (lowercase name without the prefix, value), in order.
  std::vector<std::pair<std::string, std::string>> user;
  std::string storage_class;  // empty: STANDARD
  // x-amz-checksum-*: algorithm name ("CRC32") and base64 value.
  std::string checksum_algorithm;
  std::string checksum_value;
  // x-amz-website-redirect-location: the website endpoint answers a GET of
  // the object with a 301 to it.
  std::string website_redirect_location;
  // Server-side encryption (encryption.h). x-amz-server-side-encryption:
  // "AES256", "aws:kms", "aws:kms:dsse"; empty: none.
  std::string sse;
  std::string sse_kms_key_arn;  // with aws:kms*
  std::string sse_context;      // x-amz-server-side-encryption-context as sent
  bool sse_bucket_key = false;
  // SSE-C: "AES256" when the body is encrypted with the customer's key.
  std::string sse_customer_algorithm;
  std::string sse_customer_key_md5;    // base64
  std::string sse_customer_salt;       // random; the key check's salt
  std::string sse_customer_key_check;  // CustomerKeyCheck(key, salt)
  // The IV of a single body (not of a multipart object's parts).
  std::string sse_customer_iv;
  // Object Lock: x-amz-object-lock-mode and -retain-until-date, or the
  // bucket's default retention; x-amz-object-lock-legal-hold.
  RetentionMode lock_mode = RetentionMode::kNone;
  TimePoint retain_until{};
  bool legal_hold = false;
};

struct ObjectRecord {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // without quotes: hex MD5, or hex MD5 of MD5s then "-N"
  TimePoint last_modified;
  std::string owner_account_id;  // "" when written anonymously
  ObjectMetadata meta;
  TagSet tags;
  StoredAcl acl;
  // The body: inline bytes, the id of a blob file, or (for an object made by
  // CompleteMultipartUpload) the parts' blobs in order.
  std::string inline_body;
  std::string blob_id;
  struct Part {
    std::string blob_id;  // empty for an empty part
    std::uint64_t size = 0;
    std::string sse_customer_iv;  // SSE-C: the part's IV
  };
  std::vector<Part> parts;
  // Versioning (docs/s3-versioning.md). The version id; empty for the null
  // version (written while the bucket was unversioned or suspended).
  std::string version_id;
  bool delete_marker = false;  // a delete marker: no body, no ETag
  // The version's place among the key's versions: strictly increasing per
  // key (nanoseconds of the simulation clock, bumped past the previous
  // version); 0 in records written before versioning existed (SeqOf).
  std::uint64_t seq = 0;
  // Not stored: the bucket's versioning state when this record was read or
  // written, so responses know whether to carry x-amz-version-id.
  VersioningState bucket_versioning = VersioningState::kUnset;

  // The version id as S3 shows it: "null" for the null version.
  std::string VersionIdOrNull() const { return version_id.empty() ? "null" : version_id; }
  // Every blob file this record links.
  std::vector<std::string> BlobIds() const;
};

// A multipart upload in progress.
struct UploadRecord {
  std::string bucket;
  std::string key;
  std::string upload_id;
  TimePoint initiated;
  std::string owner_account_id;  // the initiator
  ObjectMetadata meta;  // checksum_algorithm: the algorithm asked for at creation
  TagSet tags;
  StoredAcl acl;  // the ACL the object gets when the upload completes
};

// One uploaded part of a multipart upload.
struct PartRecord {
  int part_number = 0;
  std::uint64_t size = 0;
  std::string etag;  // hex MD5, without quotes
  TimePoint last_modified;
  std::string blob_id;  // empty for an empty part
  std::string checksum_value;  // base64, of the upload's algorithm; may be empty
  std::string sse_customer_iv;  // SSE-C: the IV the part's body is encrypted with
};

std::string EncodeBucket(const BucketRecord& b);
std::optional<BucketRecord> DecodeBucket(std::string_view name, std::string_view data);

std::string EncodeObject(const ObjectRecord& o);
// `key` is taken from the LevelDB key; with `with_body` false the inline body is skipped.
std::optional<ObjectRecord> DecodeObject(std::string_view key, std::string_view data,
                                         bool with_body = true);

std::string EncodeUpload(const UploadRecord& u);
std::optional<UploadRecord> DecodeUpload(std::string_view data);

std::string EncodePart(const PartRecord& p);
std::optional<PartRecord> DecodePart(std::string_view data);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_RECORDS_H_
