// The word-count kernels (see word_counter.h).
//
// The fast path classifies 64 bytes at a time into a 64-bit mask of
// whitespace bytes; the word starts are then the non-whitespace bytes whose
// predecessor is whitespace, `~ws & ((ws << 1) | carry)`, counted with one
// popcount. A block with a byte that can begin multi-byte whitespace (C2, E1,
// E2, E3) also gets masks of where the 2- and 3-byte whitespace characters
// start, from the bytes at p, p + 1 and p + 2; a character's bytes are all
// whitespace in the block's mask, and up to two of them spill into the next
// block. On x86-64 with AVX2 the masks take 32-byte loads and a few compares;
// elsewhere a portable loop builds them a byte at a time.
#include "client/wordcount/word_counter.h"

#include <array>
#include <atomic>
#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace awslab::wordcount {
namespace {

constexpr std::array<bool, 256> MakeAsciiWhitespace() {
  std::array<bool, 256> t{};
  for (int c = 0x09; c <= 0x0D; ++c) t[c] = true;
  for (int c = 0x1C; c <= 0x20; ++c) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kAsciiWhitespace = MakeAsciiWhitespace();

// The bytes that can begin a multi-byte whitespace character.
constexpr bool MayLeadWhitespace(unsigned char b) {
  return b == 0xC2 || b == 0xE1 || b == 0xE2 || b == 0xE3;
}

// Bit i of the mask: byte i of the 64 is ASCII whitespace. `plain`: no byte
// may begin a multi-byte whitespace character.
using MaskFn = std::uint64_t (*)(const unsigned char* p, bool& plain);

std::uint64_t MaskPortable(const unsigned char* p, bool& plain) {
  std::uint64_t mask = 0;
  bool lead = false;
  for (int i = 0; i < 64; ++i) {
    mask |= static_cast<std::uint64_t>(kAsciiWhitespace[p[i]]) << i;
    lead |= MayLeadWhitespace(p[i]);
  }
  plain = !lead;
  return mask;
}

// Bit i of ws2 (ws3): a 2-byte (3-byte) whitespace character starts at byte
// i of the 64 at p. Reads p[0, 66).
using WideFn = void (*)(const unsigned char* p, std::uint64_t& ws2, std::uint64_t& ws3);
inline constexpr std::size_t kWideReach = 66;

void WidePortable(const unsigned char* p, std::uint64_t& ws2, std::uint64_t& ws3) {
  ws2 = ws3 = 0;
  for (int i = 0; i < 64; ++i) {
    if (!MayLeadWhitespace(p[i])) continue;
    const int w = WhitespaceAt(p + i, 3);
    ws2 |= static_cast<std::uint64_t>(w == 2) << i;
    ws3 |= static_cast<std::uint64_t>(w == 3) << i;
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) inline __m256i Eq(__m256i v, int c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(c)));
}
// lo <= v <= lo + span, unsigned.
__attribute__((target("avx2"))) inline __m256i In(__m256i v, int lo, int span) {
  const __m256i d = _mm256_sub_epi8(v, _mm256_set1_epi8(static_cast<char>(lo)));
  return _mm256_cmpeq_epi8(_mm256_min_epu8(d, _mm256_set1_epi8(static_cast<char>(span))), d);
}

__attribute__((target("avx2"))) inline void Wide32Avx2(const unsigned char* p, std::uint32_t& ws2,
                                                       std::uint32_t& ws3) {
  const __m256i v0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i v1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 1));
  const __m256i v2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 2));
  const __m256i e2 = Eq(v0, 0xE2);
  const __m256i n80 = Eq(v1, 0x80);
  const __m256i t80 = Eq(v2, 0x80);
  // C2 85, C2 A0
  const __m256i two = _mm256_and_si256(Eq(v0, 0xC2), _mm256_or_si256(Eq(v1, 0x85), Eq(v1, 0xA0)));
  // E2 80 80-8A, E2 80 A8, E2 80 A9, E2 80 AF
  __m256i three = _mm256_and_si256(
      _mm256_and_si256(e2, n80),
      _mm256_or_si256(In(v2, 0x80, 10), _mm256_or_si256(In(v2, 0xA8, 1), Eq(v2, 0xAF))));
  // E2 81 9F
  three = _mm256_or_si256(three, _mm256_and_si256(_mm256_and_si256(e2, Eq(v1, 0x81)), Eq(v2, 0x9F)));
  // E1 9A 80
  three = _mm256_or_si256(three, _mm256_and_si256(_mm256_and_si256(Eq(v0, 0xE1), Eq(v1, 0x9A)), t80));
  // E3 80 80
  three = _mm256_or_si256(three, _mm256_and_si256(_mm256_and_si256(Eq(v0, 0xE3), n80), t80));
  ws2 = static_cast<std::uint32_t>(_mm256_movemask_epi8(two));
  ws3 = static_cast<std::uint32_t>(_mm256_movemask_epi8(three));
}

__attribute__((target("avx2"))) void WideAvx2(const unsigned char* p, std::uint64_t& ws2,
                                              std::uint64_t& ws3) {
  std::uint32_t a0, a1, b0, b1;
  Wide32Avx2(p, a0, b0);
  Wide32Avx2(p + 32, a1, b1);
  ws2 = a0 | static_cast<std::uint64_t>(a1) << 32;
  ws3 = b0 | static_cast<std::uint64_t>(b1) << 32;
}

__attribute__((target("avx2"))) inline std::uint32_t Mask32Avx2(__m256i v, bool& lead) {
  const __m256i space = _mm256_set1_epi8(0x20);
  // 09-0D: v - 9 <= 4 unsigned; 1C-1F: v - 0x1C <= 3 unsigned.
  const __m256i a = _mm256_sub_epi8(v, _mm256_set1_epi8(0x09));
  const __m256i b = _mm256_sub_epi8(v, _mm256_set1_epi8(0x1C));
  __m256i ws = _mm256_cmpeq_epi8(v, space);
  ws = _mm256_or_si256(ws, _mm256_cmpeq_epi8(_mm256_min_epu8(a, _mm256_set1_epi8(4)), a));
  ws = _mm256_or_si256(ws, _mm256_cmpeq_epi8(_mm256_min_epu8(b, _mm256_set1_epi8(3)), b));
  if (_mm256_movemask_epi8(v) != 0) {  // some byte >= 0x80: look for C2, E1, E2, E3
    __m256i l = _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(0xC2)));
    // E1..E3: v - 0xE1 <= 2 unsigned.
    const __m256i e = _mm256_sub_epi8(v, _mm256_set1_epi8(static_cast<char>(0xE1)));
    l = _mm256_or_si256(l, _mm256_cmpeq_epi8(_mm256_min_epu8(e, _mm256_set1_epi8(2)), e));
    lead |= _mm256_movemask_epi8(l) != 0;
  }
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(ws));
}

__attribute__((target("avx2"))) std::uint64_t MaskAvx2(const unsigned char* p, bool& plain) {
  bool lead = false;
  const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 32));
  std::uint64_t mask = Mask32Avx2(lo, lead);
  mask |= static_cast<std::uint64_t>(Mask32Avx2(hi, lead)) << 32;
  plain = !lead;
  return mask;
}
#endif

MaskFn BestMask() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return MaskAvx2;
#endif
  return MaskPortable;
}

WideFn BestWide() {
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) return WideAvx2;
#endif
  return WidePortable;
}

std::atomic<MaskFn> g_mask{BestMask()};
std::atomic<WideFn> g_wide{BestWide()};

}  // namespace

int WhitespaceAt(const unsigned char* p, std::size_t n) {
  const unsigned char b = p[0];
  if (b < 0x80) return kAsciiWhitespace[b] ? 1 : 0;
  switch (b) {
    case 0xC2:  // U+0085, U+00A0
      if (n < 2) return -1;
      return (p[1] == 0x85 || p[1] == 0xA0) ? 2 : 0;
    case 0xE1:  // U+1680
      if (n < 2) return -1;
      if (p[1] != 0x9A) return 0;
      if (n < 3) return -1;
      return p[2] == 0x80 ? 3 : 0;
    case 0xE2:
      if (n < 2) return -1;
      if (p[1] == 0x80) {  // U+2000-U+200A, U+2028, U+2029, U+202F
        if (n < 3) return -1;
        const unsigned char c = p[2];
        return ((c >= 0x80 && c <= 0x8A) || c == 0xA8 || c == 0xA9 || c == 0xAF) ? 3 : 0;
      }
      if (p[1] == 0x81) {  // U+205F
        if (n < 3) return -1;
        return p[2] == 0x9F ? 3 : 0;
      }
      return 0;
    case 0xE3:  // U+3000
      if (n < 2) return -1;
      if (p[1] != 0x80) return 0;
      if (n < 3) return -1;
      return p[2] == 0x80 ? 3 : 0;
    default:
      return 0;
  }
}

const char* KernelName() { return g_mask.load() == MaskPortable ? "portable" : "avx2"; }

void UsePortableKernel(bool portable) {
  g_mask.store(portable ? MaskPortable : BestMask());
  g_wide.store(portable ? WidePortable : BestWide());
}

// ---- WordCounter ----

std::size_t WordCounter::Scalar(const unsigned char* p, std::size_t n, std::size_t stop,
                                std::uint64_t base, bool final) {
  std::size_t i = 0;
  while (i < stop) {
    int w = WhitespaceAt(p + i, n - i);
    if (w < 0) {
      if (!final) break;
      w = 0;
    }
    if (w > 0) {
      prev_ws_ = true;
      i += static_cast<std::size_t>(w);
    } else {
      if (prev_ws_ && Owned(base + i)) ++words_;
      prev_ws_ = false;
      ++i;
    }
  }
  return i;
}

void WordCounter::Block(std::uint64_t ws, std::uint64_t base) {
  const std::uint64_t word = ~ws;
  const std::uint64_t starts = word & ((ws << 1) | (prev_ws_ ? 1u : 0u));
  std::uint64_t owned = ~std::uint64_t{0};
  if (base < owned_.begin || base + 64 > owned_.end) {
    owned = 0;
    for (int i = 0; i < 64; ++i) owned |= static_cast<std::uint64_t>(Owned(base + i)) << i;
  }
  words_ += static_cast<std::uint64_t>(std::popcount(starts & owned));
  prev_ws_ = (ws >> 63) != 0;
}

void WordCounter::Feed(std::string_view chunk) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  std::size_t n = chunk.size();
  std::size_t i = 0;
  if (carry_len_ > 0) {
    // Finish the held-back character with the first bytes of this chunk.
    unsigned char joined[2 + 8];
    const std::size_t take = n < 8 ? n : 8;
    std::memcpy(joined, carry_, carry_len_);
    std::memcpy(joined + carry_len_, p, take);
    const std::size_t m = carry_len_ + take;
    const std::size_t done = Scalar(joined, m, carry_len_, pos_, false);
    pos_ += done;
    if (done < carry_len_) {  // still undecided: the chunk was all of it
      carry_len_ = m - done;
      std::memmove(carry_, joined + done, carry_len_);
      return;
    }
    i = done - carry_len_;
    carry_len_ = 0;
  }
  const MaskFn mask_fn = g_mask.load(std::memory_order_relaxed);
  const WideFn wide_fn = g_wide.load(std::memory_order_relaxed);
  // The bytes at the start of the next block that end a multi-byte
  // whitespace character begun in this one (bit 0: its byte 0, bit 1: byte 1).
  std::uint64_t spill = 0;
  while (n - i >= kWideReach) {
    bool plain;
    std::uint64_t ws = mask_fn(p + i, plain);
    if (!plain || spill != 0) {
      std::uint64_t ws2 = 0, ws3 = 0;
      if (!plain) wide_fn(p + i, ws2, ws3);
      ws |= spill | ws2 | (ws2 << 1) | ws3 | (ws3 << 1) | (ws3 << 2);
      spill = ((ws2 | ws3) >> 63) | ((ws3 >> 62) & 1) | ((ws3 >> 63) << 1);
    }
    Block(ws, pos_);
    i += 64;
    pos_ += 64;
  }
  if (spill != 0) {  // the rest of a whitespace character that began in the last block
    const std::size_t k = (spill >> 1) != 0 ? 2 : 1;
    i += k;
    pos_ += k;
    prev_ws_ = true;
  }
  const std::size_t done = Scalar(p + i, n - i, n - i, pos_, false);
  i += done;
  pos_ += done;
  carry_len_ = n - i;  // at most 2 bytes of an undecided character
  std::memcpy(carry_, p + i, carry_len_);
}

void WordCounter::Finish() {
  if (carry_len_ == 0) return;
  const std::size_t done = Scalar(carry_, carry_len_, carry_len_, pos_, true);
  pos_ += done;
  carry_len_ = 0;
}

std::uint64_t CountWords(std::string_view text) {
  WordCounter counter;
  counter.Feed(text);
  counter.Finish();
  return counter.words();
}

// ---- WordSplitter ----

void WordSplitter::Run(const unsigned char* p, std::size_t n, bool final) {
  std::size_t i = 0;
  std::size_t seg = 0;  // where the current word's bytes begin in p
  while (i < n) {
    int w = WhitespaceAt(p + i, n - i);
    if (w < 0) {
      if (!final) break;
      w = 0;
    }
    if (w > 0) {
      if (in_word_) {
        if (Owned(word_start_)) {
          const std::string_view piece(reinterpret_cast<const char*>(p + seg), i - seg);
          if (partial_.empty()) {
            emit_(piece);
          } else {
            partial_.append(piece);
            emit_(partial_);
            partial_.clear();
          }
        }
        in_word_ = false;
      }
      i += static_cast<std::size_t>(w);
    } else {
      if (!in_word_) {
        in_word_ = true;
        word_start_ = pos_ + i;
        seg = i;
      }
      ++i;
    }
  }
  if (in_word_ && Owned(word_start_)) {
    partial_.append(reinterpret_cast<const char*>(p + seg), i - seg);
  }
  pos_ += i;
  carry_len_ = n - i;
  std::memcpy(carry_, p + i, carry_len_);
}

void WordSplitter::Feed(std::string_view chunk) {
  const auto* p = reinterpret_cast<const unsigned char*>(chunk.data());
  if (carry_len_ == 0) {
    Run(p, chunk.size(), false);
    return;
  }
  // Rare: a chunk ended inside what may be multi-byte whitespace.
  std::string joined(reinterpret_cast<const char*>(carry_), carry_len_);
  joined.append(chunk);
  carry_len_ = 0;
  Run(reinterpret_cast<const unsigned char*>(joined.data()), joined.size(), false);
}

void WordSplitter::Finish() {
  if (carry_len_ > 0) {
    unsigned char rest[2];
    const std::size_t len = carry_len_;
    std::memcpy(rest, carry_, len);
    carry_len_ = 0;
    Run(rest, len, true);
  }
  if (in_word_ && Owned(word_start_)) {
    emit_(partial_);
    partial_.clear();
  }
  in_word_ = false;
}

}  // namespace awslab::wordcount
