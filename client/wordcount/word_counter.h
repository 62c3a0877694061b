// The word-count kernels: what a word is, counted fast and in pieces.
//
// A word is a maximal run of characters that are not whitespace, as
// Python's str.split() with no argument splits text decoded from UTF-8.
// Whitespace is the ASCII bytes 09-0D, 1C-1F and 20, and the UTF-8 encodings
// of U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F
// and U+3000 (Python 3.11's str.isspace()). Bytes that are not valid UTF-8
// are not whitespace (Python would refuse to decode them; wc counts them as
// word characters too). On ASCII text without the separators 1C-1F the count
// equals `wc -w`.
//
// Streams: a counter is fed an object chunk by chunk as it downloads. A word
// (or a multi-byte whitespace character) cut by a chunk boundary counts once:
// the counter carries whether the last byte was whitespace, and holds back at
// most two bytes that could begin a multi-byte whitespace character.
//
// Ranges: one large object is split into byte ranges counted in parallel.
// Each range owns the words whose first byte lies in it. A range [b, e) of
// an object is fetched from b - kLookBehind (the bytes that decide whether
// the byte before b is whitespace) to e + kLookAhead (the bytes that decide
// whether the last owned byte is), both clamped to the object, and counted
// with SetOwned(b, e) and SetStreamOffset(fetch start).
//
// Thread-safety: none; one counter per stream.
#ifndef AWSLAB_CLIENT_WORDCOUNT_WORD_COUNTER_H_
#define AWSLAB_CLIENT_WORDCOUNT_WORD_COUNTER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <string_view>

namespace awslab::wordcount {

inline constexpr std::uint64_t kLookBehind = 3;
inline constexpr std::uint64_t kLookAhead = 2;
inline constexpr std::uint64_t kNoEnd = std::numeric_limits<std::uint64_t>::max();

// The stream offsets [begin, end) whose words (or lines) a counter counts.
struct OwnedRange {
  std::uint64_t begin = 0;
  std::uint64_t end = kNoEnd;
  bool Contains(std::uint64_t offset) const { return offset >= begin && offset < end; }
};

// The length (1 to 3) of the whitespace character that starts at `p`, 0 when
// the character there is not whitespace, or -1 when the `n` bytes available
// are a proper prefix of a multi-byte whitespace character (undecided).
int WhitespaceAt(const unsigned char* p, std::size_t n);

class WordCounter {
 public:
  // The absolute offset of the next byte fed (default 0), and the offsets
  // whose word starts count (default: all). Call before the first Feed.
  void SetStreamOffset(std::uint64_t offset) { pos_ = offset; }
  void SetOwned(std::uint64_t begin, std::uint64_t end) { owned_ = {begin, end}; }

  void Feed(std::string_view chunk);
  // The end of the stream: bytes held back are classified as they are.
  void Finish();

  std::uint64_t words() const { return words_; }

 private:
  // Classifies the characters that start in p[0, stop) (stop <= n; the last
  // may end up to two bytes later), counting owned word starts. `base` is
  // the absolute offset of p[0]. Stops early, before an undecided prefix,
  // unless `final`. Returns the bytes consumed.
  std::size_t Scalar(const unsigned char* p, std::size_t n, std::size_t stop, std::uint64_t base,
                     bool final);
  // Counts the owned word starts of the 64 bytes at `base`, given which of
  // them are whitespace (every byte of a multi-byte whitespace character).
  void Block(std::uint64_t whitespace_mask, std::uint64_t base);
  bool Owned(std::uint64_t offset) const { return owned_.Contains(offset); }

  std::uint64_t words_ = 0;
  std::uint64_t pos_ = 0;  // absolute offset of the first unclassified byte
  OwnedRange owned_;
  bool prev_ws_ = true;  // the last classified byte was whitespace (or none yet)
  unsigned char carry_[2];
  std::size_t carry_len_ = 0;
};

// The words of one whole text.
std::uint64_t CountWords(std::string_view text);

// The kernel in use ("avx2" where the CPU has it, else "portable"), and a
// switch to the portable one (tests and benches compare the two).
const char* KernelName();
void UsePortableKernel(bool portable);

// Splits a stream into its words (for --top): `emit` gets every owned word,
// whole even when chunks cut it. Ownership and offsets as WordCounter.
class WordSplitter {
 public:
  using Emit = std::function<void(std::string_view word)>;
  explicit WordSplitter(Emit emit) : emit_(std::move(emit)) {}

  void SetStreamOffset(std::uint64_t offset) { pos_ = offset; }
  void SetOwned(std::uint64_t begin, std::uint64_t end) { owned_ = {begin, end}; }
  void Feed(std::string_view chunk);
  void Finish();
  // Inside an owned word that has not ended yet: a range reader must fetch
  // bytes past its range until this is false.
  bool InOwnedWord() const { return carry_len_ > 0 || (in_word_ && Owned(word_start_)); }

 private:
  void Run(const unsigned char* p, std::size_t n, bool final);
  bool Owned(std::uint64_t offset) const { return owned_.Contains(offset); }

  Emit emit_;
  std::uint64_t pos_ = 0;
  OwnedRange owned_;
  bool in_word_ = false;
  std::uint64_t word_start_ = 0;
  std::string partial_;  // the owned word's bytes from earlier chunks
  unsigned char carry_[2];
  std::size_t carry_len_ = 0;
};

}  // namespace awslab::wordcount

#endif  // AWSLAB_CLIENT_WORDCOUNT_WORD_COUNTER_H_
