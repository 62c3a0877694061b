// The S3 model: buckets and objects, with the rules AWS applies to them. No
// HTTP and no XML here: callers pass plain values and get records or Errors.
//
// Every method checks that the caller may do what it asks (access.h):
// AccessDenied otherwise; a missing object is NoSuchKey only for a caller who
// may list the bucket, AccessDenied for others, as in S3.
//
// Thread-safety: every method may be called from any thread. Bucket creation
// and deletion exclude object writes; writes to one key are serialized.
#ifndef AWSLAB_EMULATOR_S3_S3_STORE_H_
#define AWSLAB_EMULATOR_S3_S3_STORE_H_

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <cstdint>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/base/principal.h"
#include "emulator/base/rules.h"
#include "emulator/billing/s3_meters.h"
#include "emulator/s3/access.h"
#include "emulator/s3/records.h"
#include "emulator/storage/staged_body.h"
#include <leveldb/write_batch.h>
#include "emulator/storage/storage.h"

namespace awslab::s3 {

// "Object key names ... up to 1,024 bytes long."
inline constexpr std::size_t kMaxKeyBytes = 1024;
// "The user-defined metadata is limited to 2 KB in size."
inline constexpr std::size_t kMaxUserMetadataBytes = 2048;
inline constexpr int kMaxListKeys = 1000;
// "Part numbers can be any number from 1 to 10,000, inclusive."
inline constexpr int kMaxPartNumber = 10000;
// "5 MiB to 5 GiB. There is no minimum size limit on the last part."
inline constexpr std::uint64_t kMinPartSize = 5ull << 20;
inline constexpr std::uint64_t kMaxPartSize = 5ull << 30;
inline constexpr int kMaxObjectTags = 10;
inline constexpr int kMaxBucketTags = 50;

struct CreateBucketRequest {
  std::string name;
  // The body's LocationConstraint; empty when absent.
  std::string location_constraint;
  // The region the request was sent to (its signature's region).
  std::string endpoint_region;
  AclSpec acl;
  // x-amz-object-ownership; nullopt: the rules' default.
  std::optional<ObjectOwnership> ownership;
  // x-amz-bucket-object-lock-enabled: true (versioning is enabled with it).
  bool object_lock_enabled = false;
};

// The common prefix `key` rolls up into with `delimiter` after `prefix`
// (everything up to and including the first delimiter past the prefix), or
// "" when it does not roll up. `key` starts with `prefix`.
inline std::string_view CommonPrefixOf(std::string_view key, std::string_view prefix,
                                       std::string_view delimiter) {
  if (delimiter.empty()) return {};
  std::size_t pos = key.find(delimiter, prefix.size());
  if (pos == std::string_view::npos) return {};
  return key.substr(0, pos + delimiter.size());
}

struct ListObjectsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  // List keys strictly after this one (from start-after, a continuation
  // token or a marker). With a delimiter, keys that roll up into a common
  // prefix that this one also falls into are skipped too: that prefix was
  // on an earlier page.
  std::string start_after;
  // start_after is a common prefix: skip every key that starts with it.
  bool start_after_is_prefix = false;
  int max_keys = kMaxListKeys;
};

struct ListObjectsResult {
  std::vector<ObjectRecord> objects;  // without bodies
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  // The last key or common prefix of this page; where the next page starts after.
  std::string next_start_after;
  bool next_start_after_is_prefix = false;
};

// A part named in a CompleteMultipartUpload request.
struct CompletedPart {
  int part_number = 0;
  std::string etag;      // without quotes
  std::string checksum;  // base64 of the upload's algorithm; empty when not sent
};

struct ListPartsResult {
  UploadRecord upload;
  std::vector<PartRecord> parts;
  bool truncated = false;
  int next_part_number_marker = 0;
};

struct ListUploadsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
};

struct ListUploadsResult {
  std::vector<UploadRecord> uploads;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_upload_id_marker;
};

// ListObjectVersions (docs/s3-versioning.md).
struct ListVersionsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  // Start after this key's versions; with version_id_marker, after that
  // version of it. A key-marker that rolls up into a common prefix skips
  // the whole prefix (it was on an earlier page).
  std::string key_marker;
  std::string version_id_marker;
  int max_keys = kMaxListKeys;
};

struct ListVersionsResult {
  // Versions and delete markers (without bodies), keys ascending, each
  // key's versions newest first; latest[i] tells whether versions[i] is
  // its key's current version.
  std::vector<ObjectRecord> versions;
  std::vector<bool> latest;
  std::vector<std::string> common_prefixes;
  bool truncated = false;
  std::string next_key_marker;
  std::string next_version_id_marker;  // empty after a common prefix
};

// What a DELETE did to a key's versions.
struct DeletedVersion {
  std::string version_id;      // the version removed or the marker added ("null" too)
  bool delete_marker = false;  // a delete marker was added, or the version removed was one
  VersioningState bucket_versioning = VersioningState::kUnset;
};

// A byte range [begin, begin + length) of an object's body.
struct ByteRange {
  std::uint64_t begin = 0;
  std::uint64_t length = 0;
};

// Applied to a copy's bytes as they are read (SSE-C: decrypts the source,
// encrypts the copy): `source_offset` is where `data` lies in the source.
using BodyTransform =
    std::function<void(std::uint64_t source_offset, char* data, std::size_t size)>;

class S3Store {
 public:
  S3Store(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  Result<std::vector<BucketRecord>> ListBuckets(const Caller& who);
  // Ok() also for the owner re-creating a us-east-1 bucket (legacy behaviour);
  // `created` tells whether anything was created.
  Result<BucketRecord> CreateBucket(const Caller& who, const CreateBucketRequest& request);
  // The bucket, when `who` may do `action` on it.
  Result<BucketRecord> GetBucket(const Caller& who, std::string_view bucket,
                                 const Action& action, std::string_view key = {},
                                 const Conditions* conditions = nullptr);
  Status DeleteBucket(const Caller& who, std::string_view bucket);

  // Stores an object whose body was staged; the staged blob is linked or
  // aborted, never left behind.
  Result<ObjectRecord> PutObject(const Caller& who, std::string_view bucket,
                                 std::string_view key, ObjectMetadata meta,
                                 storage::StagedBody body, std::string md5_hex,
                                 TagSet tags = {}, const AclSpec& acl = {});
  // The object with its inline body (or blob id), when `who` may do `action` on it.
  Result<ObjectRecord> GetObject(const Caller& who, std::string_view bucket,
                                 std::string_view key,
                                 const Action& action = action::kGetObject);
  // Deleting a key that does not exist succeeds, as in S3.
  Status DeleteObject(const Caller& who, std::string_view bucket, std::string_view key);
  Result<ListObjectsResult> ListObjects(const Caller& who, const ListObjectsRequest& request);

  // Copies `range` of `source` (a record from GetObject, with its inline
  // body) into a new object; `record` carries the new object's metadata,
  // tags and owner-independent fields. The data is copied.
  Result<ObjectRecord> CopyObject(const Caller& who, const ObjectRecord& source,
                                  std::string_view bucket, std::string_view key,
                                  ObjectMetadata meta, TagSet tags, const AclSpec& acl = {},
                                  const BodyTransform& transform = {});
  // Replaces an object's tags (an empty set deletes them: `action` is
  // s3:PutObjectTagging or s3:DeleteObjectTagging).
  // With `version_id` (valid, IsValidVersionId), that version's tags.
  Status PutObjectTagging(const Caller& who, std::string_view bucket, std::string_view key,
                          TagSet tags, const Action& action = action::kPutObjectTagging,
                          std::string_view version_id = {});
  // Sets (or, with nullopt, deletes) a bucket's tags.
  Status PutBucketTagging(const Caller& who, std::string_view bucket,
                          std::optional<TagSet> tags);

  // Versioning (s3_store_versioning.cc, docs/s3-versioning.md).
  Status PutBucketVersioning(const Caller& who, std::string_view bucket, VersioningState state);
  // A version of an object, with its inline body: the current one when
  // `version_id` is empty (NoSuchKey when there is none), else the one it
  // names ("null": the null version; NoSuchVersion when there is none).
  // May be a delete marker: callers decide what that answers.
  Result<ObjectRecord> GetObjectVersion(const Caller& who, std::string_view bucket,
                                        std::string_view key, std::string_view version_id,
                                        const Action& action);
  // DELETE of a key: without `version_id`, removes the object (unversioned
  // bucket) or adds a delete marker; with one, removes that version for good
  // (the next newest becomes current). A version that does not exist is no
  // error, as in S3. `version_id` must be valid (IsValidVersionId).
  // A version under Object Lock (a legal hold, or a retention date not yet
  // passed) is refused with AccessDenied; GOVERNANCE yields to
  // `bypass_governance` from a caller allowed s3:BypassGovernanceRetention.
  Result<DeletedVersion> DeleteObjectVersion(const Caller& who, std::string_view bucket,
                                             std::string_view key, std::string_view version_id,
                                             bool bypass_governance = false);
  Result<ListVersionsResult> ListObjectVersions(const Caller& who,
                                                const ListVersionsRequest& request);

  // Object Lock (s3_store_object_lock.cc, docs/s3-versioning.md). Only for
  // buckets created with Object Lock: InvalidBucketState (configuration) or
  // InvalidRequest "Bucket is missing Object Lock Configuration" otherwise.
  Status PutObjectLockConfiguration(const Caller& who, std::string_view bucket,
                                    std::optional<DefaultRetention> rule);
  // A version's retention (`version_id` empty: the current one). Shortening
  // or removing (mode kNone) a GOVERNANCE retention needs `bypass_governance`;
  // a COMPLIANCE one can only be extended. AccessDenied otherwise.
  Status PutObjectRetention(const Caller& who, std::string_view bucket, std::string_view key,
                            std::string_view version_id, RetentionMode mode, TimePoint until,
                            bool bypass_governance);
  Status PutObjectLegalHold(const Caller& who, std::string_view bucket, std::string_view key,
                            std::string_view version_id, bool on);

  // Access control (access_control.cc).
  Status PutBucketAcl(const Caller& who, std::string_view bucket, const AclSpec& acl);
  // With `version_id` (valid, IsValidVersionId), that version's ACL.
  Status PutObjectAcl(const Caller& who, std::string_view bucket, std::string_view key,
                      const AclSpec& acl, std::string_view version_id = {});
  // Sets (or, with nullopt, deletes) the bucket policy; MalformedPolicy.
  Status PutBucketPolicy(const Caller& who, std::string_view bucket,
                         std::optional<std::string> policy);
  Status PutPublicAccessBlock(const Caller& who, std::string_view bucket,
                              std::optional<PublicAccessBlock> block);
  // kUnset deletes the ownership controls.
  Status PutOwnershipControls(const Caller& who, std::string_view bucket,
                              ObjectOwnership ownership);
  // A bucket's CORS configuration (s3_store_cors.cc). Put replaces it (or,
  // with nullopt, deletes it; deleting none succeeds); Get answers
  // NoSuchCORSConfiguration when there is none.
  Status PutBucketCors(const Caller& who, std::string_view bucket,
                       std::optional<CorsConfiguration> cors);
  Result<CorsConfiguration> GetBucketCors(const Caller& who, std::string_view bucket);
  Status DeleteBucketCors(const Caller& who, std::string_view bucket) {
    return PutBucketCors(who, bucket, std::nullopt);
  }
  // The configuration that S3 evaluates a cross-origin request against,
  // whoever sends it (a preflight is anonymous): NoSuchBucket when the bucket
  // does not exist, nullopt when it has no configuration.
  Result<std::optional<CorsConfiguration>> CorsForEvaluation(std::string_view bucket) const;

  // Static website hosting (s3_store_website.cc). Put replaces the
  // configuration (nullopt deletes it, as s3:DeleteBucketWebsite; deleting
  // none succeeds); Get answers NoSuchWebsiteConfiguration when there is none.
  Status PutBucketWebsite(const Caller& who, std::string_view bucket,
                          std::optional<WebsiteConfiguration> config);
  Result<WebsiteConfiguration> GetBucketWebsite(const Caller& who, std::string_view bucket);
  // What the website endpoint serves a bucket by, whoever asks: NoSuchBucket,
  // or nullopt when it has no website configuration.
  Result<std::optional<WebsiteConfiguration>> WebsiteForServing(std::string_view bucket) const;

  // Lifecycle configuration (s3_store_lifecycle.cc). Put replaces it (nullopt
  // deletes it); Get answers NoSuchLifecycleConfiguration when there is none.
  Status PutBucketLifecycle(const Caller& who, std::string_view bucket,
                            std::optional<LifecycleConfiguration> config);
  Result<LifecycleConfiguration> GetBucketLifecycle(const Caller& who, std::string_view bucket);
  // Applies every bucket's lifecycle rules at the clock's now: each current
  // object whose expiry has come is deleted (its bytes leave the bill then),
  // each incomplete upload past its DaysAfterInitiation is aborted. An object
  // written again since it was read is kept. Safe to call from several
  // threads and beside any request.
  struct LifecycleSweep {
    std::size_t objects_expired = 0;
    std::size_t uploads_aborted = 0;
    std::size_t noncurrent_expired = 0;  // versions deleted for good
    std::size_t markers_removed = 0;     // expired object delete markers
  };
  Result<LifecycleSweep> ApplyLifecycle();
  // Moves the bodies still linked in sparse packs (Storage::SparsePacks) to
  // the current pack, once the sparse packs hold `min_reclaim` bytes that
  // nothing links; returns how many it moved. Readers of a moved body find
  // its new place as they find an overwrite (Superseded).
  Result<std::uint64_t> CompactPacks(std::uint64_t min_reclaim = storage::kPackBytes);
  // Whether any bucket has a lifecycle configuration.
  bool AnyLifecycle() const;
  // Bumped by every change of a lifecycle configuration (the sweeper then
  // sweeps again without waiting for the next midnight).
  std::uint64_t lifecycle_generation() const { return lifecycle_generation_.load(); }
  // The x-amz-expiration of an object: when the bucket's rules expire it.
  std::optional<Expiry> ObjectExpiry(std::string_view bucket, const ObjectRecord& object) const;
  // A bucket's default encryption (s3_store_encryption.cc). Put replaces it
  // (nullopt deletes it); Get answers nullopt when there is none.
  Status PutBucketEncryption(const Caller& who, std::string_view bucket,
                             std::optional<BucketEncryption> encryption);
  Result<std::optional<BucketEncryption>> GetBucketEncryption(const Caller& who,
                                                              std::string_view bucket);

  // Multipart uploads (multipart.cc).
  Result<UploadRecord> CreateMultipartUpload(const Caller& who, std::string_view bucket,
                                             std::string_view key, ObjectMetadata meta,
                                             TagSet tags, const AclSpec& acl = {});
  // The upload, when `who` may do `action` on it.
  Result<UploadRecord> GetUpload(const Caller& who, std::string_view bucket,
                                 std::string_view key, std::string_view upload_id,
                                 const Action& action = action::kPutObject);
  // Stores a part; replaces an earlier part of the same number.
  Result<PartRecord> PutPart(const Caller& who, std::string_view bucket, std::string_view key,
                             std::string_view upload_id, PartRecord part,
                             storage::StagedBody body);
  // Copies `range` of `source` into a part (`sse_customer_iv`: the IV
  // `transform` encrypts it with, for an SSE-C upload).
  Result<PartRecord> CopyPart(const Caller& who, const ObjectRecord& source, ByteRange range,
                              std::string_view bucket, std::string_view key,
                              std::string_view upload_id, int part_number,
                              const BodyTransform& transform = {},
                              std::string sse_customer_iv = {});
  Result<ListPartsResult> ListParts(const Caller& who, std::string_view bucket,
                                    std::string_view key, std::string_view upload_id,
                                    int part_number_marker, int max_parts);
  Result<ListUploadsResult> ListUploads(const Caller& who, const ListUploadsRequest& request);
  Status AbortUpload(const Caller& who, std::string_view bucket, std::string_view key,
                     std::string_view upload_id);
  // Makes the object from the listed parts without copying data. `checksum`
  // computes the object's checksum from the parts used (may be null).
  using PartsChecksum = std::function<std::string(const UploadRecord&,
                                                  const std::vector<PartRecord>&)>;
  Result<ObjectRecord> CompleteUpload(const Caller& who, std::string_view bucket,
                                      std::string_view key, std::string_view upload_id,
                                      const std::vector<CompletedPart>& parts,
                                      const PartsChecksum& checksum);

  // Opens the blob files behind `range` of `object`, for a response body.
  // Segments are (fd, offset, length); inline bodies are not handled here.
  struct Segment {
    int fd;
    std::uint64_t offset;
    std::uint64_t length;
  };
  Result<std::vector<Segment>> OpenSegments(const ObjectRecord& object, ByteRange range);
  // Whether `object`, read earlier from `bucket`, is no longer the key's
  // record: overwritten or deleted since, so its blob files may be unlinked.
  // A reader that read the record before such a commit and could not open
  // its blobs after it reads the key again (OpenSegments alone cannot tell
  // that race from a lost file).
  bool Superseded(std::string_view bucket, const ObjectRecord& object) const;

  // The rules new buckets follow (base/rules.h).
  void set_rules(Rules rules) { rules_ = rules; }
  // Meters every change of a bucket's stored bytes (billing); may be null.
  void set_meters(billing::S3Meters* meters) { meters_ = meters; }
  billing::Seconds NowSeconds() const { return billing::ToSeconds(clock_.Now()); }
  // What S3Meters needs of a bucket it has no level for.
  std::optional<billing::S3Meters::BucketInfo> Survey(std::string_view bucket) const;
  Rules rules() const { return rules_; }

  // Overrides the minimum part size (tests).
  void set_min_part_size(std::uint64_t n) { min_part_size_ = n; }

  storage::Storage& storage() { return storage_; }

 private:
  Result<BucketRecord> LoadBucket(std::string_view bucket) const;
  // Loads, authorizes, lets `change` edit and stores a bucket record,
  // holding buckets_mu_ exclusively.
  Status UpdateBucket(const Caller& who, std::string_view bucket, const Action& action,
                      const std::function<Status(BucketRecord&)>& change);
  // The ACL a write of `spec` by `who` gives a new object in `bucket`, and
  // its owner; AccessControlListNotSupported or AccessDenied when the
  // bucket's settings refuse it.
  Status ResolveObjectAcl(const Caller& who, const BucketRecord& bucket, const AclSpec& spec,
                          std::string& owner, StoredAcl& acl) const;
  // The object with its inline body; NoSuchKey when absent.
  Result<ObjectRecord> LoadObject(std::string_view bucket, std::string_view key) const;
  // Every request reads its bucket's record: they are kept in memory. Callers
  // that write a bucket record hold buckets_mu_ exclusively and call this
  // after the write.
  void ForgetBucket(std::string_view bucket) const;
  std::mutex& KeyLock(std::string_view bucket, std::string_view key);
  // Commits `batch` (storage_.Commit) with the bucket's stored bytes changed
  // by `delta` on its meter.
  Status WriteMetered(std::string_view bucket, std::int64_t delta, leveldb::WriteBatch& batch,
                      const std::vector<std::string>& linked,
                      const std::vector<std::string>& dropped);
  std::mutex& UploadLock(std::string_view upload_id);
  // Writes `record` as bucket/key, dropping the blobs of the object it
  // replaces, in one batch with `batch`'s own updates. Takes the key lock.
  Result<ObjectRecord> CommitObject(std::string_view bucket, std::string_view key,
                                    ObjectRecord record, leveldb::WriteBatch& batch,
                                    std::vector<std::string> linked,
                                    std::vector<std::string> dropped);
  // Gives `record` (about to become the key's current version, written in
  // `batch`) its version id and seq under `state`, and archives `current`
  // to v/ or drops it (with a noncurrent null version that a null write
  // replaces), adjusting `delta` and `dropped`. Holds: the key lock.
  Status StackVersion(std::string_view bucket, std::string_view key, VersioningState state,
                      const std::optional<ObjectRecord>& current, ObjectRecord& record,
                      leveldb::WriteBatch& batch, std::int64_t& delta,
                      std::vector<std::string>& dropped);
  // Lets `change` edit one version's record (not a delete marker: 405
  // MethodNotAllowed) and stores it where it lives. Holds: the key lock.
  Status UpdateVersion(const Caller& who, std::string_view bucket, std::string_view key,
                       std::string_view version_id, const Action& action,
                       const std::function<Status(ObjectRecord&)>& change);
  // AccessDenied when Object Lock protects `version` from deletion now.
  Status CheckNotLocked(const Caller& who, const BucketRecord& bucket, const ObjectRecord& version,
                        bool bypass_governance) const;
  // Deletes the key's noncurrent null version in `batch`, if there is one.
  Status DropNoncurrentNull(std::string_view bucket, std::string_view key,
                            leveldb::WriteBatch& batch, std::int64_t& delta,
                            std::vector<std::string>& dropped);
  // The noncurrent version `version_id` names, with its v/ key; nullopt when none.
  Result<std::optional<std::pair<std::string, ObjectRecord>>> FindNoncurrent(
      std::string_view bucket, std::string_view key, std::string_view version_id,
      bool with_body) const;
  // Copies `range` of `source` into a staged body.
  Result<storage::StagedBody> CopyBody(const ObjectRecord& source, ByteRange range,
                                       std::uint64_t inline_threshold, std::string& md5_hex,
                                       const BodyTransform& transform = {});
  Result<UploadRecord> LoadUpload(std::string_view bucket, std::string_view key,
                                  std::string_view upload_id);
  // Lifecycle expiry of one current object / upload, when it is still the
  // record `seen` (s3_store_lifecycle.cc): deleted in an unversioned bucket,
  // a delete marker on top of it in a versioned (or suspended) one.
  Status ExpireCurrentObject(std::string_view bucket, const ObjectRecord& seen);
  // NoncurrentVersionExpiration and ExpiredObjectDeleteMarker of one bucket.
  Status ExpireVersions(std::string_view bucket, const LifecycleConfiguration& config,
                        TimePoint now, LifecycleSweep& sweep);
  // Deletes the noncurrent version `seen` of `key` for good, unless Object
  // Lock protects it or it is gone.
  Status ExpireNoncurrentVersion(std::string_view bucket, std::string_view key,
                                 const ObjectRecord& seen, bool& expired);
  // Removes the delete marker `seen` when it is still `key`'s current
  // version and the key has no other version left.
  Status RemoveExpiredMarker(std::string_view bucket, std::string_view key,
                             const ObjectRecord& seen, bool& removed);
  Status AbortExpiredUpload(const UploadRecord& seen);

  storage::Storage& storage_;
  const Clock& clock_;
  std::atomic<std::uint64_t> lifecycle_generation_{0};
  // Shared by object writes, exclusive for bucket creation and deletion, so
  // no object is written into a bucket being deleted.
  std::shared_mutex buckets_mu_;
  mutable std::shared_mutex bucket_cache_mu_;
  mutable std::map<std::string, BucketRecord, std::less<>> bucket_cache_;
  // Bumped by every ForgetBucket: a load that raced with a write does not
  // put what it read into the cache.
  mutable std::uint64_t bucket_cache_generation_ = 0;
  // Serializes writers of one key (read old record, write new, drop old blob).
  std::array<std::mutex, 64> key_mu_;
  // Serializes part commits against completion and abort of one upload.
  std::array<std::mutex, 64> upload_mu_;
  std::uint64_t min_part_size_ = kMinPartSize;
  Rules rules_ = Rules::kClassic;
  billing::S3Meters* meters_ = nullptr;
};

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_S3_STORE_H_
