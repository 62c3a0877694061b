#include "emulator/storage/record.h"

namespace awslab::storage {

void AppendVarint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

bool ReadVarint(std::string_view& in, std::uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    v |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void RecordWriter::Put(std::uint32_t tag, std::string_view value) {
  AppendVarint(out_, tag);
  AppendVarint(out_, value.size());
  out_.append(value);
}

void RecordWriter::PutU64(std::uint32_t tag, std::uint64_t value) {
  std::string buf;
  AppendVarint(buf, value);
  Put(tag, buf);
}

bool RecordReader::Next(std::uint32_t& tag, std::string_view& value) {
  if (rest_.empty() || !ok_) return false;
  std::uint64_t t = 0, len = 0;
  if (!ReadVarint(rest_, t) || !ReadVarint(rest_, len) || len > rest_.size()) {
    ok_ = false;
    return false;
  }
  tag = static_cast<std::uint32_t>(t);
  value = rest_.substr(0, len);
  rest_.remove_prefix(len);
  return true;
}

std::uint64_t RecordReader::AsU64(std::string_view value) {
  std::uint64_t v = 0;
  ReadVarint(value, v);
  return v;
}

}  // namespace awslab::storage
