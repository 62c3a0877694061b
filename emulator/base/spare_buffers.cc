#include "emulator/base/spare_buffers.h"

#include <vector>

namespace awslab {
namespace {

constexpr std::size_t kMinCapacity = 1024;
constexpr std::size_t kMaxCapacity = 16 * 1024;
constexpr std::size_t kMaxSpares = 8;
thread_local std::vector<std::string> spares;

}  // namespace

void TakeSpareBuffer(std::string& s) {
  if (spares.empty()) return;
  s = std::move(spares.back());
  spares.pop_back();
  s.clear();
}

void GiveSpareBuffer(std::string& s) {
  if (s.capacity() >= kMinCapacity && s.capacity() <= kMaxCapacity && spares.size() < kMaxSpares) {
    if (spares.capacity() == 0) spares.reserve(kMaxSpares);
    spares.push_back(std::move(s));
  }
  std::string().swap(s);
}

}  // namespace awslab
