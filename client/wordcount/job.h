// The word-count job: list a corpus in S3, cut it into units of work, count
// them sequentially, with threads or with processes, and report.
//
// A unit is one object, or (in the parallel modes) one byte range of an
// object larger than the split size. Each unit is counted as it downloads:
// the GET's body goes chunk by chunk into a counter (word_counter.h, or
// field_counter.h for --field), never into memory whole.
//
//   auto objects = ListCorpus(s3, "bucket", "prefix/");
//   auto units = PlanUnits(*objects, options.split_size);
//   auto tally = RunMode(Mode::kThreads, config, options, *objects, *units, 4, nullptr);
//
// Thread-safety: the functions are reentrant; RunMode makes its own clients
// (one per thread or process) from the configuration.
#ifndef AWSLAB_CLIENT_WORDCOUNT_JOB_H_
#define AWSLAB_CLIENT_WORDCOUNT_JOB_H_

#include <atomic>
#include <boost/json.hpp>
#include <boost/unordered/unordered_flat_map.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/s3.h"

namespace awslab::wordcount {

using client::Error;
using client::Status;
template <class T>
using Result = client::Result<T>;

// Word -> how often (for --top).
using WordTable = boost::unordered_flat_map<std::string, std::uint64_t>;

struct JobOptions {
  std::string bucket;
  std::string prefix;
  std::string field;  // count this string field of JSON lines; empty: plain text
  int top = 0;        // keep a table of words for the top K (0: no table)
  // The parallel modes split objects larger than this into ranges of this
  // size (0: never split). Sequential never splits.
  std::uint64_t split_size = 8ull << 20;
  // Feed counters at most this many bytes at a time (0: as they arrive);
  // tests use it to put chunk boundaries everywhere.
  std::size_t chunk_size = 0;
  bool count = true;  // false: only download (the bench's baseline)
  // Set: a unit stops at its next chunk with Cancelled (RunMode sets it).
  const std::atomic<bool>* cancel = nullptr;
};

struct CorpusObject {
  std::string key;
  std::uint64_t size = 0;
};

// The byte range [begin, end) of object `object` (an index into the list).
struct Unit {
  std::uint32_t object = 0;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

struct UnitCount {
  std::uint64_t words = 0;
  std::uint64_t records = 0;  // --field: JSON lines read
  std::uint64_t missing = 0;  // --field: lines without the field
  std::uint64_t bytes = 0;    // bytes downloaded (ranges overlap by a few)
};

// What a run counted: one entry per unit, in the order of the plan.
struct Tally {
  std::vector<UnitCount> units;
  WordTable table;  // with JobOptions::top

  std::uint64_t Words() const;
  std::uint64_t Records() const;
  std::uint64_t Missing() const;
  std::uint64_t BytesDownloaded() const;
  // Words per object (index as in the object list).
  std::vector<std::uint64_t> ObjectWords(const std::vector<Unit>& plan,
                                         std::size_t objects) const;
};

// Every object under the prefix, in key order (ListObjectsV2 pages).
Result<std::vector<CorpusObject>> ListCorpus(client::S3Client& s3, const std::string& bucket,
                                             const std::string& prefix);

// One unit per object, objects larger than split_size cut into ranges of
// split_size (the last one shorter). Objects over 2^32 are refused by the
// caller, not here.
std::vector<Unit> PlanUnits(const std::vector<CorpusObject>& objects, std::uint64_t split_size);

// Counts one unit with `s3`: a GET of the object (or of its range with the
// look-behind and look-ahead bytes), then, while the counter is inside a
// word or line that started in the range, further GETs of 64 KiB past it.
// `table` gets the words when options.top > 0.
Status CountUnit(client::S3Client& s3, const JobOptions& options, const CorpusObject& object,
                 const Unit& unit, UnitCount& out, WordTable* table);

enum class Mode { kSequential, kThreads, kProcesses };
std::string_view ModeName(Mode mode);

// Counts every unit of the plan:
// - kSequential: one unit after another on one client (one connection);
// - kThreads: `workers` threads, each with its own client, taking units
//   from a shared queue;
// - kProcesses: `workers` processes forked from this one, each with its own
//   client, taking units from a queue in shared memory and sending their
//   counts back over a pipe.
// The first error stops the run (the others finish the unit they hold) and
// is returned. `cancel`, when set, stops it with Cancelled.
// The calling process must not have other threads running for kProcesses.
Result<Tally> RunMode(Mode mode, const client::Config& config, const JobOptions& options,
                      const std::vector<CorpusObject>& objects, const std::vector<Unit>& plan,
                      int workers, const std::atomic<bool>* cancel);

// Counts the units whose plan index is in `indexes` with `workers` threads
// (MPI ranks use it for their share). The tally has an entry per index.
Result<Tally> RunThreads(const client::Config& config, const JobOptions& options,
                         const std::vector<CorpusObject>& objects, const std::vector<Unit>& plan,
                         const std::vector<std::size_t>& indexes, int workers,
                         const std::atomic<bool>* cancel);

// "s3://bucket/prefix" as a bucket and a key or prefix (which may be empty);
// nullopt when it is not an S3 path.
struct S3Path {
  std::string bucket;
  std::string key;
};
std::optional<S3Path> ParseS3Path(std::string_view s);

// The K most frequent words, most frequent first (ties: by bytes).
// Bytes that are not UTF-8 are shown as U+FFFD (JSON holds UTF-8 only).
std::vector<std::pair<std::string, std::uint64_t>> TopWords(const WordTable& table, int k);

// `s` with every byte that is not part of valid UTF-8 replaced by U+FFFD.
std::string ValidUtf8(std::string s);

// The objects' total size.
std::uint64_t TotalBytes(const std::vector<CorpusObject>& objects);

// The result document of `awslab wordcount` and awslab-wordcount-mpi
// (docs/wordcount.md, "The result"): bucket, prefix, field, mode, workers,
// then `extra`'s members, objects, bytes, total, records (with --field),
// seconds (the runs' sum), list_seconds, runs, counts and top. `tally` is
// the counted run's (null with --download-only: total is null, no counts).
boost::json::object ResultDocument(const JobOptions& options, std::string_view mode, int workers,
                                   const boost::json::object& extra,
                                   const std::vector<CorpusObject>& objects,
                                   const std::vector<Unit>& plan, const Tally* tally,
                                   double list_seconds, boost::json::array runs);

// Writes the document to S3 (Content-Type: application/json).
Status PutResult(client::S3Client& s3, const S3Path& to, const boost::json::object& document);

// Adds `from` into `into`.
void MergeTables(WordTable& into, WordTable&& from);

}  // namespace awslab::wordcount

#endif  // AWSLAB_CLIENT_WORDCOUNT_JOB_H_
