#include "emulator/storage/key_schema.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace awslab::storage {
namespace {

TEST(KeySchema, KeysOfOneBucketAreContiguousAndInS3Order) {
  // Buckets whose names are prefixes of each other, and keys whose bytes sort
  // around the separator, must not interleave.
  std::vector<std::pair<std::string, std::string>> objects = {
      {"a-b", "x"},   {"a", "z"},        {"a", "a/b"},   {"a", "a"},
      {"a", "a-b"},   {"a", "\xc3\xa9"}, {"a", "A"},     {"a.b", "k"},
      {"ab", ""},     {"a", "a/"},       {"a", "b"},     {"a", "0"},
  };
  std::vector<std::string> keys;
  for (const auto& [bucket, key] : objects) keys.push_back(keys::Object(bucket, key));
  std::sort(keys.begin(), keys.end());

  const std::string prefix = keys::ObjectsOf("a");
  std::vector<std::string> in_a;
  bool seen = false, left = false;
  for (const auto& k : keys) {
    bool mine = k.starts_with(prefix);
    if (mine) {
      EXPECT_FALSE(left) << "bucket a's keys are not contiguous";
      seen = true;
      in_a.push_back(k.substr(prefix.size()));
    } else if (seen) {
      left = true;
    }
  }
  // S3 lists keys in UTF-8 binary order.
  std::vector<std::string> expected = {"0", "A", "a", "a-b", "a/", "a/b", "b", "z", "\xc3\xa9"};
  EXPECT_EQ(in_a, expected);
}

TEST(KeySchema, TablesDoNotOverlap) {
  const std::string_view prefixes[] = {keys::kAccountPrefix, keys::kAccessKeyPrefix,
                                       keys::kBucketPrefix, keys::kObjectPrefix,
                                       keys::kPendingBlobPrefix};
  for (auto a : prefixes)
    for (auto b : prefixes)
      if (a != b) {
        EXPECT_FALSE(a.starts_with(b)) << a << " overlaps " << b;
      }
}

TEST(KeySchema, PrefixEndIsTheFirstKeyPastThePrefix) {
  EXPECT_EQ(keys::PrefixEnd("o/a/"), "o/a0");
  EXPECT_EQ(keys::PrefixEnd(std::string("a\xff", 2)), "b");
  EXPECT_EQ(keys::PrefixEnd(std::string("\xff\xff", 2)), "");
  EXPECT_GT(keys::PrefixEnd("o/a/"), keys::Object("a", "\xff\xff\xff"));
}

}  // namespace
}  // namespace awslab::storage
