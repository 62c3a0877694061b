// awslab-seed: fills an awslab-server data directory with one bucket of many
// small objects, straight through the server's own model (S3Store::PutObject
// over Storage), without HTTP. s3bench's `seeded` phase then starts the server
// on that directory to time start-up, idle memory and ListObjectsV2 pages.
//
//   awslab-seed --data-dir DIR [--bucket NAME] [--keys N] [--size BYTES] [--threads T]
//
// Keys are "seed/%010llu" (0 .. N-1), the names s3bench's seeded phase asks
// for; each body is `size` incompressible bytes that start with the key's number. The bucket
// belongs to the default account (000000000000, key test/test). The directory
// must not hold the bucket yet. Exit: 0 done, 1 failure, 2 usage.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "emulator/auth/accounts.h"
#include "emulator/base/clock.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/staged_body.h"
#include "emulator/storage/storage.h"

namespace {

constexpr std::string_view kUsage = R"(usage: awslab-seed --data-dir DIR [flags]

Writes one bucket of many small objects into an awslab-server data directory
(through S3Store::PutObject, no HTTP), for s3bench's seeded phase.

  --data-dir DIR   the data directory (created when absent)
  --bucket NAME    bucket to create (default s3bench-seeded)
  --keys N         number of objects, named seed/0000000000 ... (default 1000000)
  --size BYTES     body size of each object (default 256)
  --threads N      writer threads (default 2)
)";

bool ParseU64(std::string_view s, std::uint64_t& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "awslab-seed: %s (see --help)\n", message.c_str());
  return 2;
}

std::string SeedKey(std::uint64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "seed/%010llu", static_cast<unsigned long long>(i));
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data_dir, bucket = "s3bench-seeded";
  std::uint64_t keys = 1'000'000, size = 256, threads = 2;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string& out) {
      if (i + 1 >= argc) return false;
      out = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--help" || a == "-h") {
      std::fwrite(kUsage.data(), 1, kUsage.size(), stdout);
      return 0;
    } else if (a == "--data-dir") {
      if (!value(data_dir)) return Usage("--data-dir needs a directory");
    } else if (a == "--bucket") {
      if (!value(bucket)) return Usage("--bucket needs a name");
    } else if (a == "--keys") {
      if (!value(v) || !ParseU64(v, keys) || keys < 1) return Usage("--keys needs a number");
    } else if (a == "--size") {
      if (!value(v) || !ParseU64(v, size) || size < 8 || size > (1u << 20))
        return Usage("--size needs a number from 8 to 1048576");
    } else if (a == "--threads") {
      if (!value(v) || !ParseU64(v, threads) || threads < 1 || threads > 16)
        return Usage("--threads needs a number from 1 to 16");
    } else {
      return Usage("unknown flag " + std::string(a));
    }
  }
  if (data_dir.empty()) return Usage("--data-dir is required");

  using namespace awslab;
  const auto t0 = std::chrono::steady_clock::now();
  auto storage = storage::Storage::Open({data_dir, /*fsync=*/false, nullptr});
  if (!storage) {
    std::fprintf(stderr, "awslab-seed: cannot open %s: %s\n", data_dir.c_str(),
                 std::string(storage.error().Message()).c_str());
    return 1;
  }
  // As the server does on a fresh directory: the default account and its key.
  auto accounts = auth::AccountStore::Open(**storage);
  if (!accounts) {
    std::fprintf(stderr, "awslab-seed: %s\n", std::string(accounts.error().Message()).c_str());
    return 1;
  }
  SimulationClock clock;
  s3::S3Store store(**storage, clock);
  const Principal owner{std::string(auth::kDefaultAccountId),
                        std::string(auth::kDefaultAccessKeyId), true};
  auto created = store.CreateBucket(owner, {bucket, "", "us-east-1"});
  if (!created) {
    std::fprintf(stderr, "awslab-seed: CreateBucket %s: %s\n", bucket.c_str(),
                 std::string(created.error().Message()).c_str());
    return 1;
  }

  std::vector<std::string> errors(threads);
  std::vector<std::thread> pool;
  for (std::uint64_t t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      std::string body(size, '\0');
      for (std::uint64_t i = t; i < keys; i += threads) {
        // Incompressible bytes (splitmix64 of the key's number), as real data
        // would be: LevelDB compresses its blocks, and listing reads them.
        std::uint64_t state = (i + 1) * 0xd1b54a32d192ed03ull;  // not a multiple of the step
        for (std::size_t off = 0; off < body.size(); off += 8) {
          std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
          z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
          z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
          z ^= z >> 31;
          std::memcpy(body.data() + off, &z, std::min<std::size_t>(8, body.size() - off));
        }
        std::memcpy(body.data(), &i, sizeof i);
        storage::StagedBody staged(**storage);
        if (auto st = staged.Append(body); !st) {
          errors[t] = std::string(st.error().Message());
          return;
        }
        if (auto st = staged.Finish(); !st) {
          errors[t] = std::string(st.error().Message());
          return;
        }
        auto put = store.PutObject(owner, bucket, SeedKey(i), {}, std::move(staged),
                                   crypto::Hex(crypto::Md5(body)));
        if (!put) {
          errors[t] = SeedKey(i) + ": " + std::string(put.error().Message());
          return;
        }
        if (t == 0 && i % 100'000 == 0 && i > 0)
          std::fprintf(stderr, "awslab-seed: %llu objects...\n", static_cast<unsigned long long>(i));
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (!e.empty()) {
      std::fprintf(stderr, "awslab-seed: PutObject failed: %s\n", e.c_str());
      return 1;
    }
  }
  accounts->reset();
  storage->reset();  // closes LevelDB: flushes the memtable's log
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("seeded %llu objects of %llu B into bucket %s in %s: %.1f s (%.0f objects/s)\n",
              static_cast<unsigned long long>(keys), static_cast<unsigned long long>(size),
              bucket.c_str(), data_dir.c_str(), seconds, keys / seconds);
  return 0;
}
