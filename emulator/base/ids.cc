#include "emulator/base/ids.h"

#include <cstdint>
#include <random>

namespace awslab {
namespace {

// Ids need to be unique, not secret: a per-thread generator seeded from the
// OS avoids a lock and a syscall per request.
std::mt19937_64& Generator() {
  thread_local std::mt19937_64 gen([] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }());
  return gen;
}

void AppendHex(std::string& out, std::uint64_t v, int digits, const char* alphabet) {
  for (int i = digits - 1; i >= 0; --i) out.push_back(alphabet[(v >> (i * 4)) & 0xf]);
}

}  // namespace

std::string NewRequestId() {
  std::string id;
  id.reserve(16);
  AppendHex(id, Generator()(), 16, "0123456789ABCDEF");
  return id;
}

std::string NewExtendedRequestId() {
  static constexpr char kB64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  // 76 characters, ten from each 64-bit draw (the last draw gives six).
  std::string id(76, '\0');
  for (std::size_t i = 0; i < id.size();) {
    std::uint64_t v = Generator()();
    for (int k = 0; k < 10 && i < id.size(); ++k, ++i, v >>= 6) id[i] = kB64[v & 63];
  }
  return id;
}

std::string NewBlobId() {
  std::string id;
  id.reserve(32);
  AppendHex(id, Generator()(), 16, "0123456789abcdef");
  AppendHex(id, Generator()(), 16, "0123456789abcdef");
  return id;
}

std::string NewUuid() {
  std::mt19937_64& rng = Generator();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  std::uint64_t a = rng(), b = rng();
  for (int i = 0; i < 32; ++i) {
    std::uint64_t& bits = i < 16 ? a : b;
    char c = kHex[bits & 15];
    bits >>= 4;
    if (i == 12) c = '4';
    out += c;
    if (i == 7 || i == 11 || i == 15 || i == 19) out += '-';
  }
  return out;
}

}  // namespace awslab
