// The S3 model's records as stored in LevelDB, and their encoding.
#ifndef AWSLAB_EMULATOR_S3_RECORDS_H_
#define AWSLAB_EMULATOR_S3_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/clock.h"

namespace awslab::s3 {

struct BucketRecord {
  std::string name;
  std::string owner_account_id;
  std::string region;
  TimePoint created;
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
};

struct ObjectRecord {
  std::string key;
  std::uint64_t size = 0;
  std::string etag;  // without quotes: hex MD5, or hex MD5 of MD5s then "-N"
  TimePoint last_modified;
  std::string owner_account_id;
  ObjectMetadata meta;
  // The body: inline bytes, or the id of a blob file.
  std::string inline_body;
  std::string blob_id;
};

std::string EncodeBucket(const BucketRecord& b);
std::optional<BucketRecord> DecodeBucket(std::string_view name, std::string_view data);

std::string EncodeObject(const ObjectRecord& o);
// `key` is taken from the LevelDB key; with `with_body` false the inline body is skipped.
std::optional<ObjectRecord> DecodeObject(std::string_view key, std::string_view data,
                                         bool with_body = true);

}  // namespace awslab::s3

#endif  // AWSLAB_EMULATOR_S3_RECORDS_H_
