// The word-count kernels against a reference written differently: at each
// position, the text either starts with one of the UTF-8 encodings of
// Python's whitespace (consumed whole) or it does not (one byte of a word).
// For valid UTF-8 this is Python's str.split(); for invalid bytes it is the
// rule word_counter.h states. Texts are random mixes of every whitespace,
// look-alikes that are not whitespace, letters, and invalid bytes; each is
// counted whole, in chunks of every size, at every split point, in owned
// ranges of every size, with the AVX2 and the portable kernel.
#include "client/wordcount/word_counter.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "client/wordcount/field_counter.h"

namespace awslab::wordcount {
namespace {

const std::vector<std::string>& WhitespaceEncodings() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (char c : std::string("\t\n\v\f\r\x1c\x1d\x1e\x1f ")) v.emplace_back(1, c);
    for (const char* s :
         {"\xc2\x85", "\xc2\xa0", "\xe1\x9a\x80", "\xe2\x80\xa8", "\xe2\x80\xa9", "\xe2\x80\xaf",
          "\xe2\x81\x9f", "\xe3\x80\x80"}) {
      v.emplace_back(s);
    }
    for (int c = 0x80; c <= 0x8A; ++c) v.push_back(std::string("\xe2\x80") + static_cast<char>(c));
    return v;
  }();
  return all;
}

// Pieces that are not whitespace, some of them one byte away from it.
const std::vector<std::string>& WordPieces() {
  static const std::vector<std::string> all = {
      "a", "word", "Z9", "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac",  // é, 日本
      "\xf0\x9f\x91\x8d",                                               // 👍
      "\xe2\x80\x8b",                                                   // U+200B
      "\xe2\x81\xa0",                                                   // U+2060
      "\xef\xbb\xbf",                                                   // U+FEFF
      "\xe1\xa0\x8e",                                                   // U+180E
      "\xc2\xa1", "\xc2\x84",                                           // ¡, U+0084
      "\xe2\x80\x90", "\xe2\x81\x9e", "\xe3\x80\x81", "\xe1\x9a\x81",   // near misses
      "\xe2", "\xe2\x80", "\xc2", "\xe1\x9a", "\xe3\x80",               // cut sequences
      "\x80", "\xff", "\x01", "\x7f", "\x1b"};
  return all;
}

struct Reference {
  std::uint64_t words = 0;
  std::vector<std::string> tokens;
  std::vector<std::uint64_t> starts;  // byte offsets of the words
};

Reference Split(const std::string& text) {
  Reference r;
  bool in_word = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t ws = 0;
    for (const std::string& w : WhitespaceEncodings()) {
      if (text.compare(i, w.size(), w) == 0) ws = w.size();
    }
    if (ws) {
      in_word = false;
      i += ws;
      continue;
    }
    if (!in_word) {
      in_word = true;
      ++r.words;
      r.tokens.emplace_back();
      r.starts.push_back(i);
    }
    r.tokens.back().push_back(text[i]);
    ++i;
  }
  return r;
}

std::string RandomText(std::mt19937& rng, std::size_t pieces, bool ascii_only = false) {
  std::string out;
  const auto& ws = WhitespaceEncodings();
  const auto& words = WordPieces();
  for (std::size_t k = 0; k < pieces; ++k) {
    if (ascii_only) {
      out += (rng() % 3 == 0) ? std::string(1, " \n\t"[rng() % 3]) : std::string(1 + rng() % 7, 'a' + rng() % 26);
      continue;
    }
    if (rng() % 3 == 0) {
      out += ws[rng() % ws.size()];
    } else {
      out += words[rng() % words.size()];
    }
  }
  return out;
}

class KernelTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override { UsePortableKernel(GetParam()); }
  void TearDown() override { UsePortableKernel(false); }
};

std::uint64_t CountInChunks(const std::string& text, std::size_t chunk) {
  WordCounter c;
  for (std::size_t i = 0; i < text.size(); i += chunk) c.Feed(std::string_view(text).substr(i, chunk));
  c.Finish();
  return c.words();
}

TEST_P(KernelTest, SmallCases) {
  EXPECT_EQ(CountWords(""), 0u);
  EXPECT_EQ(CountWords(" \n\t"), 0u);
  EXPECT_EQ(CountWords("one"), 1u);
  EXPECT_EQ(CountWords("  two words\n"), 2u);
  EXPECT_EQ(CountWords("a\xc2\xa0" "b"), 2u);          // NO-BREAK SPACE splits
  EXPECT_EQ(CountWords("a\xe2\x80\x8b" "b"), 1u);      // ZERO WIDTH SPACE does not
  EXPECT_EQ(CountWords("a\x1c" "b"), 2u);              // Python splits on 1C (wc does not)
  EXPECT_EQ(CountWords("\xe3\x80\x80"), 0u);           // IDEOGRAPHIC SPACE alone
  EXPECT_EQ(CountWords("\xe2\x80"), 1u);               // a cut sequence is a word
  EXPECT_EQ(CountWords(std::string(1000, 'x')), 1u);
  std::string many;
  for (int i = 0; i < 1000; ++i) many += "w ";
  EXPECT_EQ(CountWords(many), 1000u);
}

TEST_P(KernelTest, RandomTextsWholeAndInChunks) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const std::string text = RandomText(rng, 1 + rng() % 400, round % 5 == 0);
    const Reference ref = Split(text);
    ASSERT_EQ(CountWords(text), ref.words) << "round " << round;
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 7u, 63u, 64u, 65u, 100u}) {
      ASSERT_EQ(CountInChunks(text, chunk), ref.words) << "round " << round << " chunk " << chunk;
    }
  }
}

TEST_P(KernelTest, EverySplitPoint) {
  std::mt19937 rng(11);
  for (int round = 0; round < 20; ++round) {
    const std::string text = RandomText(rng, 120);
    const std::uint64_t expected = Split(text).words;
    for (std::size_t cut = 0; cut <= text.size(); ++cut) {
      WordCounter c;
      c.Feed(std::string_view(text).substr(0, cut));
      c.Feed(std::string_view(text).substr(cut));
      c.Finish();
      ASSERT_EQ(c.words(), expected) << "round " << round << " cut " << cut;
    }
  }
}

// Ranges as the job fetches them: [b - kLookBehind, e + kLookAhead) clamped,
// owning [b, e). The owned counts add up to the whole, and each range counts
// exactly the reference words that start in it.
TEST_P(KernelTest, OwnedRangesAddUp) {
  std::mt19937 rng(13);
  for (int round = 0; round < 40; ++round) {
    const std::string text = RandomText(rng, 200);
    const Reference ref = Split(text);
    for (std::size_t size : {1u, 2u, 3u, 4u, 5u, 7u, 16u, 64u, 65u, 130u}) {
      std::uint64_t sum = 0;
      for (std::size_t b = 0; b < text.size(); b += size) {
        const std::size_t e = std::min(text.size(), b + size);
        const std::size_t from = b > kLookBehind ? b - kLookBehind : 0;
        const std::size_t to = std::min<std::size_t>(text.size(), e + kLookAhead);
        WordCounter c;
        c.SetStreamOffset(from);
        c.SetOwned(b, e);
        const std::string_view piece = std::string_view(text).substr(from, to - from);
        c.Feed(piece.substr(0, piece.size() / 2));  // and a chunk boundary inside
        c.Feed(piece.substr(piece.size() / 2));
        c.Finish();
        std::uint64_t starts = 0;
        for (std::uint64_t s : ref.starts) starts += (s >= b && s < e);
        ASSERT_EQ(c.words(), starts) << "round " << round << " size " << size << " b " << b;
        sum += c.words();
      }
      ASSERT_EQ(sum, ref.words) << "round " << round << " size " << size;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Kernels, KernelTest, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "portable" : "best"; });

TEST(WordSplitterTest, TokensInChunksAndRanges) {
  std::mt19937 rng(17);
  for (int round = 0; round < 100; ++round) {
    const std::string text = RandomText(rng, 150);
    const Reference ref = Split(text);
    for (std::size_t chunk : {1u, 2u, 3u, 8u, 1000u}) {
      std::vector<std::string> got;
      WordSplitter s([&](std::string_view w) { got.emplace_back(w); });
      for (std::size_t i = 0; i < text.size(); i += chunk) s.Feed(std::string_view(text).substr(i, chunk));
      s.Finish();
      ASSERT_EQ(got, ref.tokens) << "round " << round << " chunk " << chunk;
    }
    // Ranges: fetch [b-3, e+2), then more while InOwnedWord(), as CountUnit does.
    for (std::size_t size : {1u, 3u, 10u}) {
      std::vector<std::string> got;
      for (std::size_t b = 0; b < text.size(); b += size) {
        const std::size_t e = std::min(text.size(), b + size);
        const std::size_t from = b > kLookBehind ? b - kLookBehind : 0;
        std::size_t to = std::min<std::size_t>(text.size(), e + kLookAhead);
        WordSplitter s([&](std::string_view w) { got.emplace_back(w); });
        s.SetStreamOffset(from);
        s.SetOwned(b, e);
        s.Feed(std::string_view(text).substr(from, to - from));
        while (s.InOwnedWord() && to < text.size()) {
          s.Feed(std::string_view(text).substr(to, 4));
          to = std::min(text.size(), to + 4);
        }
        s.Finish();
      }
      ASSERT_EQ(got, ref.tokens) << "round " << round << " size " << size;
    }
  }
}

TEST(FieldCounterTest, CountsTheFieldOfEachLine) {
  const std::string lines =
      "{\"reviewText\": \"I loved it. Really\\nloved it\", \"summary\": \"x y z\"}\n"
      "\n"
      "{\"summary\": \"no text\"}\n"
      "{\"reviewText\": \"\"}\n"
      "{\"reviewText\": 5}\r\n"
      "{\"reviewText\": \"caf\\u00e9\\u00a0au lait\"}";  // no final newline
  for (std::size_t chunk : {1u, 2u, 5u, 1000u}) {
    std::vector<std::string> words;
    FieldCounter c("reviewText", [&](std::string_view w) { words.emplace_back(w); });
    for (std::size_t i = 0; i < lines.size(); i += chunk) {
      ASSERT_TRUE(c.Feed(std::string_view(lines).substr(i, chunk)));
    }
    ASSERT_TRUE(c.Finish());
    EXPECT_EQ(c.words(), 6u + 0 + 0 + 0 + 3);
    EXPECT_EQ(c.records(), 5u);
    EXPECT_EQ(c.missing(), 2u);  // no field; not a string
    EXPECT_EQ(words.size(), 9u);
    EXPECT_EQ(words.back(), "lait");
  }
}

TEST(FieldCounterTest, RangesOwnTheLinesThatStartInThem) {
  std::string lines;
  std::uint64_t expected = 0;
  std::mt19937 rng(19);
  for (int i = 0; i < 40; ++i) {
    const int n = static_cast<int>(rng() % 6);
    std::string text;
    for (int k = 0; k < n; ++k) text += (k ? " w" : "w") + std::to_string(k);
    expected += static_cast<std::uint64_t>(n);
    lines += "{\"reviewText\": \"" + text + "\"}\n";
  }
  for (std::size_t size : {1u, 2u, 7u, 30u, 100u}) {
    std::uint64_t sum = 0, records = 0;
    for (std::size_t b = 0; b < lines.size(); b += size) {
      const std::size_t e = std::min(lines.size(), b + size);
      const std::size_t from = b > 0 ? b - 1 : 0;
      std::size_t to = e;
      FieldCounter c("reviewText");
      c.SetStreamOffset(from);
      c.SetOwned(b, e);
      ASSERT_TRUE(c.Feed(std::string_view(lines).substr(from, to - from)));
      while (c.WantsMore() && to < lines.size()) {
        ASSERT_TRUE(c.Feed(std::string_view(lines).substr(to, 5)));
        to = std::min(lines.size(), to + 5);
      }
      ASSERT_TRUE(c.Finish());
      sum += c.words();
      records += c.records();
    }
    EXPECT_EQ(sum, expected) << "size " << size;
    EXPECT_EQ(records, 40u) << "size " << size;
  }
}

TEST(FieldCounterTest, AMalformedLineIsAnError) {
  FieldCounter c("reviewText");
  ASSERT_TRUE(c.Feed("{\"reviewText\": \"ok\"}\n"));
  auto status = c.Feed("{\"reviewText\": \"cut\n");
  ASSERT_FALSE(status);
  EXPECT_NE(status.error().message.find("byte 21"), std::string::npos) << status.error().message;
  FieldCounter d("reviewText");
  ASSERT_TRUE(d.Feed("[1, 2]"));
  EXPECT_FALSE(d.Finish());
}

}  // namespace
}  // namespace awslab::wordcount
