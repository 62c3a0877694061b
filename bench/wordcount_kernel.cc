// awslab-wordcount-kernel-bench: the word-count kernels on a buffer in memory,
// on one thread, so the rate is the rate of one core.
//
//   awslab-wordcount-kernel-bench [--file PATH | --size BYTES [--utf8]] [--seconds S]
//                                 [--chunk BYTES] [--json FILE]
//
// The text is a file read whole into memory (bench/wordcount.sh passes the
// awslab-corpus output there), or generated: review-like English words
// separated by spaces and line breaks, and with --utf8 some accented words,
// curly quotes and no-break spaces. Each variant runs repeatedly for about
// --seconds (after one warm-up pass) and reports the best and the median
// pass in GB/s (1e9 bytes per second):
//
//   avx2       CountWords(text), the AVX2 mask (when the CPU has AVX2)
//   portable   CountWords(text), the byte-at-a-time mask
//   stream64k  WordCounter fed 64 KiB at a time, as a download feeds it
//              (the kernel the CPU selects)
//
// Every variant must give the same count; exit 3 when they differ, 2 on a
// usage error, 1 when the file cannot be read.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "client/wordcount/word_counter.h"

namespace {

namespace wc = awslab::wordcount;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kUsage = R"(usage: awslab-wordcount-kernel-bench [flags]

Counts the words of a buffer in memory on one thread with each kernel and
prints GB/s (one core).

  --file PATH     count this file (read whole into memory)
  --size BYTES    without --file: generate this much text (default 256M; K, M, G)
  --utf8          generated text has some non-ASCII characters and curly quotes
  --seconds S     time each variant for about S seconds (default 1)
  --chunk BYTES   the streaming variant's chunk size (default 65536)
  --json FILE     also write the figures as JSON
)";

int Usage(const std::string& message) {
  std::fprintf(stderr, "awslab-wordcount-kernel-bench: %s\n%s", message.c_str(), kUsage.data());
  return 2;
}

// Bytes, with an optional suffix K, M or G (powers of 1024).
bool ParseU64(std::string_view s, std::uint64_t& out) {
  int shift = 0;
  if (!s.empty()) {
    switch (s.back()) {
      case 'K': shift = 10; break;
      case 'M': shift = 20; break;
      case 'G': shift = 30; break;
    }
    if (shift) s.remove_suffix(1);
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || out > (~std::uint64_t{0} >> shift)) {
    return false;
  }
  out <<= shift;
  return true;
}

// xorshift64*: enough for picking words.
struct Rng {
  std::uint64_t s;
  std::uint64_t Next() {
    s ^= s >> 12;
    s ^= s << 25;
    s ^= s >> 27;
    return s * 0x2545F4914F6CDD1Dull;
  }
};

std::string Generate(std::size_t size, bool utf8) {
  static const char* const kWords[] = {
      "the",     "and",     "a",       "to",      "it",       "I",      "of",      "is",
      "this",    "for",     "was",     "in",      "that",     "my",     "with",    "but",
      "not",     "you",     "on",      "have",    "great",    "product", "works",  "well",
      "very",    "good",    "would",   "recommend", "quality", "price",  "love",    "use",
      "bought",  "after",   "months",  "battery", "sound",    "easy",   "case",    "fits",
      "perfectly", "returned", "disappointed", "excellent", "cheap", "sturdy", "years", "again"};
  static const char* const kUtf8Words[] = {"café", "naïve", "\xE2\x80\x9Cgreat\xE2\x80\x9D",
                                           "it\xE2\x80\x99s", "5\xC2\xA0stars", "déjà",
                                           "\xE2\x80\x94", "über"};
  constexpr std::size_t kWordCount = sizeof kWords / sizeof kWords[0];
  constexpr std::size_t kUtf8Count = sizeof kUtf8Words / sizeof kUtf8Words[0];
  std::string text;
  text.reserve(size + 64);
  Rng rng{0x9E3779B97F4A7C15ull};
  int column = 0;
  while (text.size() < size) {
    const std::uint64_t r = rng.Next();
    const char* w = (utf8 && (r & 63) == 0) ? kUtf8Words[(r >> 8) % kUtf8Count]
                                             : kWords[(r >> 8) % kWordCount];
    text += w;
    if (((r >> 20) & 15) == 0) text += (((r >> 24) & 3) == 0) ? "." : ",";
    column += static_cast<int>(std::strlen(w)) + 1;
    if (column > 72) {
      text += '\n';
      column = 0;
    } else {
      text += ' ';
    }
  }
  text.resize(size);
  return text;
}

struct Variant {
  std::string name;
  std::vector<double> gbps;  // one per pass
  std::uint64_t words = 0;
  double Best() const { return *std::max_element(gbps.begin(), gbps.end()); }
  double Median() const {
    std::vector<double> v = gbps;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  }
};

template <class F>
Variant Time(const std::string& name, std::size_t bytes, double seconds, F count) {
  Variant v;
  v.name = name;
  v.words = count();  // warm-up
  const auto stop = Clock::now() + std::chrono::duration<double>(seconds);
  do {
    const auto start = Clock::now();
    const std::uint64_t words = count();
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    if (words != v.words) v.words = ~std::uint64_t{0};  // unstable: reported as a mismatch
    v.gbps.push_back(static_cast<double>(bytes) / s / 1e9);
  } while (Clock::now() < stop || v.gbps.size() < 3);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, json;
  std::uint64_t size = 256ull << 20;
  std::uint64_t chunk = 64 << 10;
  double seconds = 1.0;
  bool utf8 = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage.data(), stdout);
      return 0;
    } else if (a == "--utf8") {
      utf8 = true;
    } else if (a == "--file" || a == "--json" || a == "--size" || a == "--seconds" ||
               a == "--chunk") {
      const char* v = value();
      if (!v) return Usage(std::string(a) + " needs a value");
      if (a == "--file") {
        file = v;
      } else if (a == "--json") {
        json = v;
      } else if (a == "--seconds") {
        char* end = nullptr;
        seconds = std::strtod(v, &end);
        if (*end != '\0' || seconds <= 0) return Usage("bad --seconds");
      } else if (!ParseU64(v, a == "--size" ? size : chunk) || (a == "--chunk" && chunk == 0)) {
        return Usage("bad " + std::string(a));
      }
    } else {
      return Usage("unknown argument " + std::string(a));
    }
  }

  std::string text;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "awslab-wordcount-kernel-bench: cannot read %s\n", file.c_str());
      return 1;
    }
    in.seekg(0, std::ios::end);
    text.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    if (!in) {
      std::fprintf(stderr, "awslab-wordcount-kernel-bench: cannot read %s\n", file.c_str());
      return 1;
    }
  } else {
    text = Generate(size, utf8);
  }
  if (text.empty()) return Usage("the text is empty");
  const std::size_t bytes = text.size();
  std::size_t non_ascii = 0;
  for (unsigned char c : text) non_ascii += c >= 0x80;

  std::vector<Variant> variants;
  const std::string best_kernel = wc::KernelName();
  if (best_kernel != "portable") {
    variants.push_back(Time(best_kernel, bytes, seconds, [&] { return wc::CountWords(text); }));
  }
  wc::UsePortableKernel(true);
  variants.push_back(Time("portable", bytes, seconds, [&] { return wc::CountWords(text); }));
  wc::UsePortableKernel(false);
  const std::size_t step = static_cast<std::size_t>(chunk);
  variants.push_back(Time("stream" + std::to_string(chunk >> 10) + "k (" + best_kernel + ")",
                          bytes, seconds, [&] {
                            wc::WordCounter counter;
                            const std::string_view all(text);
                            for (std::size_t i = 0; i < all.size(); i += step) {
                              counter.Feed(all.substr(i, step));
                            }
                            counter.Finish();
                            return counter.words();
                          }));

  bool same = true;
  for (const Variant& v : variants) same &= v.words == variants.front().words;

  std::printf("text: %s, %zu bytes, %.2f%% non-ASCII bytes, %llu words\n",
              file.empty() ? (utf8 ? "generated (utf8)" : "generated (ascii)") : file.c_str(),
              bytes, 100.0 * static_cast<double>(non_ascii) / static_cast<double>(bytes),
              static_cast<unsigned long long>(variants.front().words));
  std::printf("%-22s %8s %12s %12s %14s\n", "kernel", "passes", "best GB/s", "median GB/s",
              "words");
  for (const Variant& v : variants) {
    std::printf("%-22s %8zu %12.2f %12.2f %14llu\n", v.name.c_str(), v.gbps.size(), v.Best(),
                v.Median(), static_cast<unsigned long long>(v.words));
  }
  if (!same) std::printf("MISMATCH: the variants disagree on the count\n");

  if (!json.empty()) {
    std::FILE* f = std::fopen(json.c_str(), "w");
    if (!f) {
      std::fprintf(stderr, "awslab-wordcount-kernel-bench: cannot write %s\n", json.c_str());
      return 1;
    }
    std::fprintf(f, "{\"bytes\": %zu, \"words\": %llu, \"non_ascii_bytes\": %zu, \"variants\": [",
                 bytes, static_cast<unsigned long long>(variants.front().words), non_ascii);
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const Variant& v = variants[i];
      std::fprintf(f, "%s{\"kernel\": \"%s\", \"passes\": %zu, \"best_gbps\": %.4f, "
                      "\"median_gbps\": %.4f, \"words\": %llu}",
                   i ? ", " : "", v.name.c_str(), v.gbps.size(), v.Best(), v.Median(),
                   static_cast<unsigned long long>(v.words));
    }
    std::fprintf(f, "]}\n");
    std::fclose(f);
  }
  return same ? 0 : 3;
}
