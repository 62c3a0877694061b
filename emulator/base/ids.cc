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
  std::string id;
  id.reserve(76);
  while (id.size() < 76) {
    std::uint64_t v = Generator()();
    for (int i = 0; i < 10 && id.size() < 76; ++i, v >>= 6) id.push_back(kB64[v & 63]);
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

}  // namespace awslab
