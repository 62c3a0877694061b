// Counting one string field of JSON lines (--field reviewText): the course's
// reviews dataset has one JSON object a line, and the words to count are in
// one of its fields.
//
// A line is a record; its field, when it is a string, is decoded (JSON
// escapes included) and its words counted as word_counter.h defines them. A
// record without the field, or with a value that is not a string, has no
// words (`missing` counts them). Blank lines are skipped. A line that is not
// a JSON object is an error: the count stops there.
//
// Ranges: a range [b, e) owns the lines that start in it. It is fetched from
// b - 1 (to see whether the byte before b ends a line); its last line may go
// past e, so its reader goes on fetching while WantsMore().
#ifndef AWSLAB_CLIENT_WORDCOUNT_FIELD_COUNTER_H_
#define AWSLAB_CLIENT_WORDCOUNT_FIELD_COUNTER_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "client/include/awslab/error.h"
#include "client/wordcount/word_counter.h"

namespace awslab::wordcount {

class FieldCounter {
 public:
  // `split`, when given, gets every word of the counted fields (for --top).
  FieldCounter(std::string field, WordSplitter::Emit split = nullptr);

  void SetStreamOffset(std::uint64_t offset);
  void SetOwned(std::uint64_t begin, std::uint64_t end);

  // Errors: a line that is not a JSON object (InvalidArgument, with its
  // offset in the message).
  client::Status Feed(std::string_view chunk);
  client::Status Finish();
  bool WantsMore() const { return in_owned_line_; }

  std::uint64_t words() const { return words_; }
  std::uint64_t records() const { return records_; }
  std::uint64_t missing() const { return missing_; }

 private:
  client::Status Line();
  bool Owned(std::uint64_t offset) const { return owned_.Contains(offset); }

  std::string field_;
  WordSplitter::Emit split_;
  std::uint64_t pos_ = 0;
  OwnedRange owned_;
  bool in_owned_line_ = true;  // at offset 0 a line begins
  std::uint64_t line_start_ = 0;
  std::string line_;
  std::uint64_t words_ = 0, records_ = 0, missing_ = 0;
};

}  // namespace awslab::wordcount

#endif  // AWSLAB_CLIENT_WORDCOUNT_FIELD_COUNTER_H_
