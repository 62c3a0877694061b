// The S3 model: buckets and objects, with the rules AWS applies to them. No
// HTTP and no XML here: callers pass plain values and get records or Errors.
//
// Access in this version: a bucket and its objects belong to the account that
// created the bucket; other accounts and anonymous callers get AccessDenied.
// (ACLs and bucket policies come with the access-control work.)
//
// Thread-safety: every method may be called from any thread. Bucket creation
// and deletion exclude object writes; writes to one key are serialized.
#ifndef AWSLAB_EMULATOR_S3_S3_STORE_H_
#define AWSLAB_EMULATOR_S3_S3_STORE_H_

#include <array>
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
#include "emulator/s3/records.h"
#include "emulator/storage/staged_body.h"
#include "emulator/storage/storage.h"

namespace awslab::s3 {

// "Object key names ... up to 1,024 bytes long."
inline constexpr std::size_t kMaxKeyBytes = 1024;
// "The user-defined metadata is limited to 2 KB in size."
inline constexpr std::size_t kMaxUserMetadataBytes = 2048;
inline constexpr int kMaxListKeys = 1000;

struct CreateBucketRequest {
  std::string name;
  // The body's LocationConstraint; empty when absent.
  std::string location_constraint;
  // The region the request was sent to (its signature's region).
  std::string endpoint_region;
};

struct ListObjectsRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  // List keys strictly after this one (from start-after, a continuation
  // token or a marker).
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

struct ObjectBody;

class S3Store {
 public:
  S3Store(storage::Storage& storage, const Clock& clock) : storage_(storage), clock_(clock) {}

  Result<std::vector<BucketRecord>> ListBuckets(const Principal& who);
  // Ok() also for the owner re-creating a us-east-1 bucket (legacy behaviour);
  // `created` tells whether anything was created.
  Result<BucketRecord> CreateBucket(const Principal& who, const CreateBucketRequest& request);
  // The bucket, when `who` may use it.
  Result<BucketRecord> GetBucket(const Principal& who, std::string_view bucket);
  Status DeleteBucket(const Principal& who, std::string_view bucket);

  // Stores an object whose body was staged; the staged blob is linked or
  // aborted, never left behind.
  Result<ObjectRecord> PutObject(const Principal& who, std::string_view bucket,
                                 std::string_view key, ObjectMetadata meta,
                                 storage::StagedBody body, std::string md5_hex);
  // The object with its inline body (or blob id).
  Result<ObjectRecord> GetObject(const Principal& who, std::string_view bucket,
                                 std::string_view key);
  // Deleting a key that does not exist succeeds, as in S3.
  Status DeleteObject(const Principal& who, std::string_view bucket, std::string_view key);
  Result<ListObjectsResult> ListObjects(const Principal& who, const ListObjectsRequest& request);

  storage::Storage& storage() { return storage_; }

 private:
  Result<BucketRecord> LoadBucket(std::string_view bucket) const;
  std::mutex& KeyLock(std::string_view bucket, std::string_view key);

  storage::Storage& storage_;
  const Clock& clock_;
  // Shared by object writes, exclusive for bucket creation and deletion, so
  // no object is written into a bucket being deleted.
  std::shared_mutex buckets_mu_;
  // Serializes writers of one key (read old record, write new, drop old blob).
  std::array<std::mutex, 64> key_mu_;
};

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_S3_STORE_H_
