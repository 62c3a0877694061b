// S3's meters: bytes stored per bucket over time, and requests and bytes out
// per bucket and clock hour.
//
// Storage is exact across crashes: every change of a bucket's stored bytes
// writes the bucket's new level in the same LevelDB batch as the change
// itself (ChangeStored), under a per-bucket lock so levels are written in
// the order they are computed. The level holds the bytes, since when, and
// the byte-seconds already accrued in the current clock hour; closed hours
// become records of their own:
//   g/l/<bucket>                        account region bytes since hour acc
//   g/s/<account>/<bucket>/<hour>       byte-seconds per hour, count of hours
//   g/r/<account>/<bucket>/<hour>       tier-1 requests, tier-2, bytes out
// Requests are counted in memory, per bucket without the bucket's lock, and
// written every second by a flusher thread (and at shutdown): a kill -9
// loses at most the last second's counts.
//
// Thread-safety: every method may be called from any thread.
#ifndef AWSLAB_EMULATOR_BILLING_S3_METERS_H_
#define AWSLAB_EMULATOR_BILLING_S3_METERS_H_

#include <leveldb/write_batch.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/billing/money.h"
#include "emulator/billing/usage.h"
#include "emulator/storage/storage.h"

namespace awslab::billing {

enum class RequestTier { kFree, kTier1, kTier2 };

struct S3Pricing {
  Nano storage_gb_month = 23'000'000;
  Nano tier1_per_1000 = 5'000'000;
  Nano tier2_per_1000 = 400'000;
  Nano data_out_gb = 90'000'000;
};

class S3Meters {
 public:
  // What a bucket holds when it has no level yet (a data dir from before
  // billing): its owner, region and the sum of its objects' sizes; nullopt
  // when the bucket does not exist.
  struct BucketInfo {
    std::string account_id;
    std::string region;
    std::int64_t bytes = 0;
  };
  using Survey = std::function<std::optional<BucketInfo>(std::string_view bucket)>;

  S3Meters(storage::Storage& storage, Survey survey);
  ~S3Meters();
  S3Meters(const S3Meters&) = delete;
  S3Meters& operator=(const S3Meters&) = delete;

  // Writes the counted requests every `every` until destroyed.
  void StartFlusher(std::chrono::milliseconds every);
  Status Flush();

  // The bucket's stored bytes change by `delta` at `now`: adds its new level
  // to `batch`, calls `commit` (which writes the batch) and keeps the level
  // when that succeeds.
  Status ChangeStored(std::string_view bucket, std::int64_t delta, Seconds now,
                      leveldb::WriteBatch& batch, const std::function<Status()>& commit);
  // A new bucket (its level, 0 bytes, goes into the creation's batch), and
  // a deleted one (its last hour is closed and its level removed). Call with
  // the bucket's creation or deletion serialized against its objects' writes,
  // and Forget the bucket once the batch is written.
  void BucketCreated(std::string_view bucket, std::string_view account_id,
                     std::string_view region, Seconds now, leveldb::WriteBatch& batch);
  void BucketDeleted(std::string_view bucket, Seconds now, leveldb::WriteBatch& batch);
  // Forgets the cached level (after a batch from BucketCreated/Deleted failed
  // or succeeded).
  void Forget(std::string_view bucket);

  // Counts one request on `bucket` (ignored when the bucket is unknown).
  void CountRequest(std::string_view bucket, RequestTier tier, std::uint64_t bytes_out,
                    Seconds now);

  // A record of closed hours: `hours` clock hours from its key's, each
  // with `per_hour` byte-seconds.
  struct Stored {
    std::int64_t per_hour = 0;
    std::int64_t hours = 1;
    std::string region;
  };

  // Usage rows of `account_id` (every account when empty) up to `now`.
  void Usage(std::string_view account_id, Seconds now, const S3Pricing& pricing,
             std::vector<UsageRow>& out) const;

 private:
  struct Level {
    std::string account_id;
    std::string region;
    std::int64_t bytes = 0;
    Seconds since = 0;
    Seconds hour = 0;        // the clock hour `acc` belongs to
    __int128 acc = 0;        // byte-seconds in `hour` before `since`
  };
  struct Counts {
    std::uint64_t tier1 = 0, tier2 = 0, bytes_out = 0;
    bool empty() const { return tier1 == 0 && tier2 == 0 && bytes_out == 0; }
    Counts& operator+=(const Counts& o) {
      tier1 += o.tier1;
      tier2 += o.tier2;
      bytes_out += o.bytes_out;
      return *this;
    }
  };
  // A mutex that spins a while before it sleeps: it is held across a
  // LevelDB write (a few microseconds), and the other I/O thread, which
  // would otherwise sleep and be woken, mostly gets it within that time.
  class SpinThenBlockMutex {
   public:
    void lock() {
      for (int i = 0; i < kSpins; ++i) {
        if (mu_.try_lock()) return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#elif defined(__aarch64__)
        asm volatile("yield");
#endif
      }
      mu_.lock();
    }
    void unlock() { mu_.unlock(); }
    bool try_lock() { return mu_.try_lock(); }

   private:
    static constexpr int kSpins = 400;
    std::mutex mu_;
  };
  struct Entry {
    SpinThenBlockMutex mu;       // held across a change of stored bytes
    std::optional<Level> level;  // nullopt: the bucket does not exist
    bool loaded = false;
    // "account region", written once under `mu` before `identified` is set,
    // so that counting a request needs neither `mu` (which a write to the
    // bucket holds across its commit) nor a string built per request.
    std::string account_region;
    std::atomic<bool> identified{false};
    // The requests of one clock hour not yet moved to counts_ (counts_mu).
    std::mutex counts_mu;
    Seconds counts_hour = 0;
    Counts counts;
    bool forgotten = false;  // out of entries_: count into counts_ directly
  };
  using CountKey = std::tuple<std::string, std::string, Seconds>;  // account, bucket, hour
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  std::shared_ptr<Entry> EntryOf(std::string_view bucket);
  // Adds `c` to counts_ (under counts_mu_).
  void AddCounts(const std::string& account_region, std::string_view bucket, Seconds hour,
                 const Counts& c);
  // Moves an entry's pending counts to counts_ (caller holds e.counts_mu).
  void MovePendingCounts(std::string_view bucket, Entry& e);
  // Moves every entry's pending counts to counts_.
  void GatherCounts();
  // The entries with their buckets, copied under map_mu_.
  std::vector<std::pair<std::string, std::shared_ptr<Entry>>> Entries() const;
  // Loads the entry's level (under its lock). With `survey_at`, a bucket
  // with no level yet gets a first one (surveyed) starting then.
  void Load(std::string_view bucket, Entry& e, std::optional<Seconds> survey_at);
  // Moves `level` to `now`: hours it leaves are written to `batch`.
  void Advance(std::string_view bucket, Level& level, Seconds now, leveldb::WriteBatch& batch);
  // Writes a closed hour, adding what a deleted bucket of the same name and
  // owner left in the same hour.
  void PutClosedHour(std::string_view bucket, std::string_view account, Seconds hour, Stored s,
                     leveldb::WriteBatch& batch);
  static std::string EncodeLevel(const Level& l);
  static std::optional<Level> DecodeLevel(std::string_view v);

  storage::Storage& storage_;
  Survey survey_;
  mutable std::mutex map_mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>, StringHash, std::equal_to<>>
      entries_;  // guarded by map_mu_
  mutable std::mutex flush_mu_;  // held while counts move from memory to storage
  mutable std::mutex counts_mu_;
  std::map<CountKey, Counts> counts_;  // guarded by counts_mu_
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;  // guarded by stop_mu_
  std::thread flusher_;
};

}  // namespace awslab::billing

#endif  // AWSLAB_EMULATOR_BILLING_S3_METERS_H_
