// The key schema: the one place that knows every LevelDB key prefix. Keys
// sort so that each listing is one range scan.
//
//   _meta/version           schema version
//   a/<account id>          account record
//   k/<access key id>       access key record (secret, account id)
//   b/<bucket>              bucket record
//   o/<bucket>/<key>        object record; keys of one bucket are contiguous and
//                           in S3's order (bytewise UTF-8), since bucket names
//                           cannot contain '/'
//   v/<bucket>/<key>\0<order>
//                           a noncurrent version or delete marker of a
//                           versioned bucket's key (the current one stays at
//                           o/); <order> is 16 hex digits of ~seq, so a key's
//                           versions sort newest first, and is the first half
//                           of the version id (docs/s3-versioning.md). A key
//                           has v/ records only while it has an o/ record.
//   u/<bucket>/<key>\0<id>  multipart upload in progress; upload ids grow
//                           with time, so uploads of one key sort by
//                           initiation, as ListMultipartUploads lists them
//   m/<upload id>/<nnnnn>   an uploaded part (part number, 5 digits)
//   e/<account>/<region>/<kind>/<id>
//                           an EC2 resource (JSON); kind is one of instance,
//                           key-pair, group, address, volume
//   i/<account>/<kind>/<name>
//                           an IAM record (JSON); kind is user or group (name
//                           lowercase: IAM names ignore case) or key (the
//                           access key id)
//   _meta/clock             the simulation clock when last saved
//   g/l/<bucket>            the bucket's stored bytes for billing (its level)
//   g/s/<account>/<bucket>/<hour>  closed hours of stored byte-seconds
//   g/r/<account>/<bucket>/<hour>  requests and bytes out per hour
//                           (see emulator/billing/s3_meters.h)
//   p/<blob id>             a blob file not referenced by any record: being
//                           written, or dropped and not yet unlinked. Swept on
//                           start.
//   _pack/live/<pack>       the bytes of pack file <pack> (16 hex digits) that
//                           records link (storage.h, "Packs")
//   _meta/pack-next         the number the next pack file gets
#ifndef AWSLAB_EMULATOR_STORAGE_KEY_SCHEMA_H_
#define AWSLAB_EMULATOR_STORAGE_KEY_SCHEMA_H_

#include <string>
#include <string_view>

namespace awslab::storage::keys {

inline constexpr std::string_view kSchemaVersion = "_meta/version";
inline constexpr std::string_view kAccountPrefix = "a/";
inline constexpr std::string_view kAccessKeyPrefix = "k/";
inline constexpr std::string_view kBucketPrefix = "b/";
inline constexpr std::string_view kObjectPrefix = "o/";
inline constexpr std::string_view kPendingBlobPrefix = "p/";
inline constexpr std::string_view kUploadPrefix = "u/";
inline constexpr std::string_view kVersionPrefix = "v/";
inline constexpr std::string_view kPartPrefix = "m/";
inline constexpr std::string_view kEc2Prefix = "e/";
inline constexpr std::string_view kIamPrefix = "i/";
inline constexpr std::string_view kClock = "_meta/clock";
inline constexpr std::string_view kPackLivePrefix = "_pack/live/";
inline constexpr std::string_view kPackNext = "_meta/pack-next";

std::string Account(std::string_view account_id);
std::string AccessKey(std::string_view access_key_id);
std::string Bucket(std::string_view bucket);
// Every object key of `bucket` starts with this.
std::string ObjectsOf(std::string_view bucket);
std::string Object(std::string_view bucket, std::string_view key);
std::string PendingBlob(std::string_view blob_id);
// Every noncurrent version of `bucket` starts with this.
std::string VersionsOf(std::string_view bucket);
// Every noncurrent version of `key` starts with this ("v/<bucket>/<key>\0").
std::string VersionsOfKey(std::string_view bucket, std::string_view key);
// `order`: 16 hex digits (s3::VersionOrder).
std::string Version(std::string_view bucket, std::string_view key, std::string_view order);
// Every upload key of `bucket` starts with this.
std::string UploadsOf(std::string_view bucket);
std::string Upload(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string PartsOf(std::string_view upload_id);
std::string Part(std::string_view upload_id, int part_number);
std::string Ec2(std::string_view account_id, std::string_view region, std::string_view kind,
                std::string_view id);
std::string Iam(std::string_view account_id, std::string_view kind, std::string_view name);

// The smallest key greater than every key that starts with `prefix`; empty
// when there is none (prefix of 0xff bytes).
std::string PrefixEnd(std::string_view prefix);

}  // namespace awslab::storage::keys

#endif  // AWSLAB_EMULATOR_STORAGE_KEY_SCHEMA_H_
