// The word-count kernels (see word_counter.h).
//
// The fast path classifies 64 bytes at a time into a 64-bit mask of
// whitespace bytes; the word starts are then the non-whitespace bytes whose
// predecessor is whitespace, `~ws & ((ws << 1) | carry)`, counted with one
// popcount. A block with a byte that can begin multi-byte whitespace (C2, E1,
// E2, E3) goes through the scalar path, which reads whole characters. On
// x86-64 with AVX2 the mask takes two 32-byte loads and a few compares;
// elsewhere a portable loop builds it a byte at a time.
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

#if defined(__x86_64__)
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

std::atomic<MaskFn> g_mask{BestMask()};

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

void UsePortableKernel(bool portable) { g_mask.store(portable ? MaskPortable : BestMask()); }

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
  if (base < own_begin_ || base + 64 > own_end_) {
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
  while (n - i >= 64) {
    bool plain;
    const std::uint64_t ws = mask_fn(p + i, plain);
    if (plain) {
      Block(ws, pos_);
      i += 64;
      pos_ += 64;
    } else {
      const std::size_t done = Scalar(p + i, n - i, 64, pos_, false);
      i += done;
      pos_ += done;
    }
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
