#include "client/wordcount/field_counter.h"

#include <boost/json.hpp>
#include <cstring>

namespace awslab::wordcount {

namespace json = boost::json;

FieldCounter::FieldCounter(std::string field, WordSplitter::Emit split)
    : field_(std::move(field)), split_(std::move(split)) {}

void FieldCounter::SetStreamOffset(std::uint64_t offset) {
  pos_ = offset;
  line_start_ = offset;
  // A stream that starts inside the object starts inside a line that began
  // before it: not ours. The first newline ends it.
  in_owned_line_ = offset == 0 && Owned(0);
}

void FieldCounter::SetOwned(std::uint64_t begin, std::uint64_t end) {
  owned_ = {begin, end};
  in_owned_line_ = pos_ == 0 && Owned(0);
}

client::Status FieldCounter::Feed(std::string_view chunk) {
  while (!chunk.empty()) {
    const void* nl = std::memchr(chunk.data(), '\n', chunk.size());
    const std::size_t len = nl ? static_cast<const char*>(nl) - chunk.data() : chunk.size();
    if (in_owned_line_) line_.append(chunk.data(), len);
    if (!nl) {
      pos_ += len;
      break;
    }
    if (in_owned_line_) {
      auto status = Line();
      if (!status) return status;
    }
    pos_ += len + 1;
    line_start_ = pos_;
    in_owned_line_ = Owned(pos_);
    chunk.remove_prefix(len + 1);
  }
  return {};
}

client::Status FieldCounter::Finish() {
  if (!in_owned_line_) return {};
  in_owned_line_ = false;
  return Line();
}

client::Status FieldCounter::Line() {
  std::string_view text = line_;
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) {
    line_.clear();
    return {};
  }
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) {
    line_.clear();
    return client::MakeError(client::codes::kInvalidArgument,
                             "the line at byte " + std::to_string(line_start_) +
                                 " is not a JSON object" + (ec ? ": " + ec.message() : ""));
  }
  ++records_;
  const json::value* value = v.as_object().if_contains(field_);
  if (value && value->is_string()) {
    const json::string& s = value->get_string();
    const std::string_view words(s.data(), s.size());
    words_ += CountWords(words);
    if (split_) {
      WordSplitter splitter(split_);
      splitter.Feed(words);
      splitter.Finish();
    }
  } else {
    ++missing_;
  }
  line_.clear();
  return {};
}

}  // namespace awslab::wordcount
