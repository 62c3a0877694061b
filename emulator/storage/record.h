// A small tagged encoding for LevelDB values: a sequence of (tag, bytes)
// fields, each as varint tag, varint length, bytes. Readers skip tags they do
// not know, so later versions can add fields without a migration.
//
// Thread-safety: values are used by one thread at a time.
#ifndef AWSLAB_EMULATOR_STORAGE_RECORD_H_
#define AWSLAB_EMULATOR_STORAGE_RECORD_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace awslab::storage {

class RecordWriter {
 public:
  void Put(std::uint32_t tag, std::string_view value);
  void PutU64(std::uint32_t tag, std::uint64_t value);
  void PutI64(std::uint32_t tag, std::int64_t value) {
    PutU64(tag, static_cast<std::uint64_t>(value));
  }
  void PutBool(std::uint32_t tag, bool value) { PutU64(tag, value ? 1 : 0); }
  const std::string& data() const { return out_; }
  std::string Release() { return std::move(out_); }

 private:
  std::string out_;
};

class RecordReader {
 public:
  explicit RecordReader(std::string_view data) : rest_(data) {}
  // Reads the next field; false at the end or on corrupt data (see ok()).
  bool Next(std::uint32_t& tag, std::string_view& value);
  bool ok() const { return ok_; }
  static std::uint64_t AsU64(std::string_view value);
  static std::int64_t AsI64(std::string_view value) {
    return static_cast<std::int64_t>(AsU64(value));
  }

 private:
  std::string_view rest_;
  bool ok_ = true;
};

void AppendVarint(std::string& out, std::uint64_t v);
// Reads a varint from the front of `in`, advancing it; false when truncated.
bool ReadVarint(std::string_view& in, std::uint64_t& v);

}  // namespace awslab::storage

#endif  // AWSLAB_EMULATOR_STORAGE_RECORD_H_
