#include "emulator/storage/key_schema.h"

#include <cstdio>

namespace awslab::storage::keys {
namespace {

std::string Join(std::string_view a, std::string_view b) {
  std::string out;
  out.reserve(a.size() + b.size());
  out.append(a);
  out.append(b);
  return out;
}

}  // namespace

std::string Account(std::string_view account_id) { return Join(kAccountPrefix, account_id); }
std::string AccessKey(std::string_view access_key_id) {
  return Join(kAccessKeyPrefix, access_key_id);
}
std::string Bucket(std::string_view bucket) { return Join(kBucketPrefix, bucket); }

std::string ObjectsOf(std::string_view bucket) {
  std::string out = Join(kObjectPrefix, bucket);
  out.push_back('/');
  return out;
}

std::string Object(std::string_view bucket, std::string_view key) {
  std::string out;
  out.reserve(kObjectPrefix.size() + bucket.size() + 1 + key.size());
  out.append(kObjectPrefix);
  out.append(bucket);
  out.push_back('/');
  out.append(key);
  return out;
}

std::string PendingBlob(std::string_view blob_id) { return Join(kPendingBlobPrefix, blob_id); }

std::string VersionsOf(std::string_view bucket) {
  std::string out = Join(kVersionPrefix, bucket);
  out.push_back('/');
  return out;
}

std::string VersionsOfKey(std::string_view bucket, std::string_view key) {
  std::string out = VersionsOf(bucket);
  out.append(key);
  out.push_back('\0');
  return out;
}

std::string Version(std::string_view bucket, std::string_view key, std::string_view order) {
  std::string out = VersionsOfKey(bucket, key);
  out.append(order);
  return out;
}

std::string UploadsOf(std::string_view bucket) {
  std::string out = Join(kUploadPrefix, bucket);
  out.push_back('/');
  return out;
}

std::string Upload(std::string_view bucket, std::string_view key, std::string_view upload_id) {
  std::string out = UploadsOf(bucket);
  out.append(key);
  out.push_back('\0');
  out.append(upload_id);
  return out;
}

std::string PartsOf(std::string_view upload_id) {
  std::string out = Join(kPartPrefix, upload_id);
  out.push_back('/');
  return out;
}

std::string Part(std::string_view upload_id, int part_number) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "%05d", part_number);
  return PartsOf(upload_id) + digits;
}

std::string Iam(std::string_view account_id, std::string_view kind, std::string_view name) {
  std::string out(kIamPrefix);
  out.append(account_id);
  out.push_back('/');
  out.append(kind);
  out.push_back('/');
  out.append(name);
  return out;
}

std::string Ec2(std::string_view account_id, std::string_view region, std::string_view kind,
                std::string_view id) {
  std::string out(kEc2Prefix);
  for (std::string_view part : {account_id, region, kind}) {
    out.append(part);
    out.push_back('/');
  }
  out.append(id);
  return out;
}

std::string PrefixEnd(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty()) {
    unsigned char c = static_cast<unsigned char>(end.back());
    if (c != 0xff) {
      end.back() = static_cast<char>(c + 1);
      return end;
    }
    end.pop_back();
  }
  return end;
}

}  // namespace awslab::storage::keys
