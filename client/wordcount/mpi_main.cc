// awslab-wordcount-mpi: `awslab wordcount` across the ranks of an MPI job,
// on one host or many (docs/wordcount.md).
//
//   mpirun -np 4 awslab-wordcount-mpi s3://corpus/books/ --workers 2 --top 10
//       --output s3://results/books.json   (one command line)
//
// Rank 0 lists the corpus, cuts it into units (job.h) and broadcasts the
// object list and the plan. Every rank deals the plan the same way (largest
// unit first, to the rank with the fewest bytes so far), counts its share
// with RunThreads (--workers threads per rank) and the counts meet on rank
// 0: an MPI_Reduce of the totals and an MPI_Gatherv of each rank's per-unit
// counts and word table. Rank 0 then writes the document `awslab wordcount`
// writes (mode "mpi") and prints one line of summary.
//
// An error on any rank (an S3 error, a line that is not JSON) is every
// rank's: after each step the ranks agree, with an MPI_Allreduce, on the
// lowest rank that failed, which broadcasts its error; rank 0 prints it as
// the CLI does and every rank exits with the CLI's code for it. Nothing is
// written then.
//
// Configuration (credentials, region, endpoint) comes from each rank's
// environment and shared files as libawslab's LoadConfig reads them; mpirun
// -x passes variables on to the other hosts. MPI is called from the main
// thread only (MPI_THREAD_FUNNELED); the counting threads never call it.
#include <mpi.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "client/include/awslab/args.h"
#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/s3.h"
#include "client/wordcount/job.h"

namespace awslab::wordcount {
namespace {

namespace json = boost::json;
namespace codes = client::codes;
using args::ParseCount;

constexpr int kRoot = 0;

// The exit codes of the awslab CLI (client/cli/cli.h), as the aws CLI's.
constexpr int kExitOk = 0;
constexpr int kExitUsage = 252;
constexpr int kExitConfig = 253;
constexpr int kExitService = 254;
constexpr int kExitOther = 255;

constexpr const char* kUsage =
    "usage: mpirun -np N awslab-wordcount-mpi s3://bucket[/prefix] [--workers T] "
    "[--output s3://B/K.json] [--top K] [--field NAME] [--split-size BYTES] "
    "[--endpoint-url URL]";

// ---- the command line ----

struct Args {
  JobOptions options;
  int threads = 1;
  std::optional<S3Path> output;
  std::optional<std::string> endpoint_url;
  bool help = false;
};

// Every rank parses the same argv, so every rank reaches the same verdict
// without a word to the others. Returns the usage error, if any.
std::optional<std::string> ParseArgs(int argc, char** argv, Args& args) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string word = argv[i];
    if (word == "-h" || word == "--help") {
      args.help = true;
      return std::nullopt;
    }
    if (!word.starts_with("--")) {
      positional.push_back(std::move(word));
      continue;
    }
    std::string name = word;
    std::optional<std::string> value;
    if (auto eq = word.find('='); eq != std::string::npos) {
      name = word.substr(0, eq);
      value = word.substr(eq + 1);
    }
    static const char* const kOptions[] = {"--workers", "--output",     "--top",
                                           "--field",   "--split-size", "--endpoint-url"};
    if (std::find(std::begin(kOptions), std::end(kOptions), name) == std::end(kOptions)) {
      return "unknown option: " + name;
    }
    if (!value) {
      if (i + 1 >= argc) return "argument " + name + ": expected one argument";
      value = argv[++i];
    }
    if (name == "--workers") {
      auto n = ParseCount(*value);
      if (!n || *n < 1 || *n > 1024) {
        return "argument --workers: expected 1 to 1024, not '" + *value + "'";
      }
      args.threads = static_cast<int>(*n);
    } else if (name == "--output") {
      args.output = ParseS3Path(*value);
      if (!args.output || args.output->key.empty() || args.output->key.back() == '/') {
        return "argument --output: expected s3://bucket/key, not '" + *value + "'";
      }
    } else if (name == "--top") {
      auto n = ParseCount(*value);
      if (!n || *n < 1 || *n > 1'000'000) {
        return "argument --top: expected 1 to 1000000, not '" + *value + "'";
      }
      args.options.top = static_cast<int>(*n);
    } else if (name == "--field") {
      if (value->empty()) return "argument --field: expected a field name";
      args.options.field = *value;
    } else if (name == "--split-size") {
      auto n = ParseCount(*value);
      if (!n) return "argument --split-size: expected bytes, not '" + *value + "'";
      args.options.split_size = *n;
    } else {
      args.endpoint_url = *value;
    }
  }
  if (positional.size() != 1) return "one path is needed: s3://bucket[/prefix]";
  auto source = ParseS3Path(positional[0]);
  if (!source) return "the corpus must be an S3 path: s3://bucket[/prefix]";
  args.options.bucket = source->bucket;
  args.options.prefix = source->key;
  return std::nullopt;
}

// ---- errors, as the CLI reports them (client/cli/common.cc) ----

int ExitCodeFor(const Error& e) {
  if (e.http_status != 0) return kExitService;
  if (e.code == codes::kNoCredentials || e.code == codes::kInvalidConfig) return kExitConfig;
  if (e.code == codes::kInvalidArgument) return kExitUsage;
  if (e.code == codes::kConnection || e.code == codes::kTimeout || e.code == codes::kTls ||
      e.code == codes::kIo || e.code == codes::kBadResponse) {
    return kExitOther;
  }
  return kExitService;
}

// The CLI's wording, except that an error of an operation always names it:
// a rank's error reaches rank 0 as a code and a message, and "An error
// occurred (InvalidArgument) when calling the GetObject operation: s3://...:
// the line at byte 10 is not a JSON object" says where it came from.
std::string Describe(const Error& e, std::string_view operation) {
  if (e.http_status == 0 && e.code == codes::kNoCredentials) {
    return "Unable to locate credentials. You can configure credentials by running \"aws "
           "configure\" or by setting AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";
  }
  if (operation.empty() && e.http_status == 0) return e.message;
  std::string out = "An error occurred (" + e.code + ")";
  if (!operation.empty()) out += " when calling the " + std::string(operation) + " operation";
  out += ": " + (e.message.empty() ? std::string("Unknown") : e.message);
  return out;
}

// ---- bytes on the wire: little-endian, whatever the hosts are ----

class Writer {
 public:
  void U64(std::uint64_t v) {
    char b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
    out_.append(b, 8);
  }
  void String(std::string_view s) {
    U64(s.size());
    out_.append(s);
  }
  std::string& bytes() { return out_; }

 private:
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U64(std::uint64_t& v) {
    if (in_.size() < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[i])) << (8 * i);
    }
    in_.remove_prefix(8);
    return true;
  }
  bool String(std::string& s) {
    std::uint64_t n;
    if (!U64(n) || in_.size() < n) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  bool Done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

Error Garbled(std::string_view what) {
  return client::MakeError("InternalError", "a rank sent garbled " + std::string(what));
}

// ---- collectives on byte strings (MPI counts are ints: 2 GiB at most) ----

class World {
 public:
  World() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const { return rank_; }
  int size() const { return size_; }
  bool root() const { return rank_ == kRoot; }

  // `bytes` of rank `from`, on every rank.
  void Broadcast(std::string& bytes, int from) const {
    std::uint64_t n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, from, MPI_COMM_WORLD);
    bytes.resize(n);
    for (std::uint64_t at = 0; at < n; at += kMaxMessage) {
      const int len = static_cast<int>(std::min<std::uint64_t>(kMaxMessage, n - at));
      MPI_Bcast(bytes.data() + at, len, MPI_BYTE, from, MPI_COMM_WORLD);
    }
  }

  // Every rank's `mine`, on rank 0 (indexed by rank; empty elsewhere).
  // MPI_Gatherv in rounds of at most 2 GiB in all: one round unless the
  // word tables are huge.
  std::vector<std::string> Gather(const std::string& mine) const {
    const std::uint64_t n = mine.size();
    std::vector<std::uint64_t> sizes(root() ? size_ : 1);
    MPI_Gather(&n, 1, MPI_UINT64_T, sizes.data(), 1, MPI_UINT64_T, kRoot, MPI_COMM_WORLD);
    std::uint64_t longest = 0;
    MPI_Allreduce(&n, &longest, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    const std::uint64_t per_rank = std::max<std::uint64_t>(1, kMaxMessage / size_);

    std::vector<std::string> all(root() ? size_ : 0);
    for (int r = 0; root() && r < size_; ++r) all[r].resize(sizes[r]);
    std::vector<int> counts(size_), displs(size_);
    std::string round;
    for (std::uint64_t at = 0; at < longest; at += per_rank) {
      auto piece = [&](std::uint64_t total) {
        return static_cast<int>(total > at ? std::min(per_rank, total - at) : 0);
      };
      if (root()) {
        int offset = 0;
        for (int r = 0; r < size_; ++r) {
          counts[r] = piece(sizes[r]);
          displs[r] = offset;
          offset += counts[r];
        }
        round.resize(static_cast<std::size_t>(offset));
      }
      MPI_Gatherv(mine.data() + std::min(at, n), piece(n), MPI_BYTE, round.data(), counts.data(),
                  displs.data(), MPI_BYTE, kRoot, MPI_COMM_WORLD);
      for (int r = 0; root() && r < size_; ++r) {
        std::copy_n(round.data() + displs[r], counts[r], all[r].data() + at);
      }
    }
    return all;
  }

  // Every rank learns whether any failed, and the error of the lowest rank
  // that did.
  std::optional<Error> FirstError(const std::optional<Error>& mine) const {
    const int failing = mine ? rank_ : size_;
    int first = size_;
    MPI_Allreduce(&failing, &first, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    if (first == size_) return std::nullopt;
    Writer w;
    if (rank_ == first) {
      w.String(mine->code);
      w.String(mine->message);
      w.U64(static_cast<std::uint64_t>(mine->http_status));
      w.String(mine->request_id);
    }
    Broadcast(w.bytes(), first);
    Reader r(w.bytes());
    Error e;
    std::uint64_t status = 0;
    if (!r.String(e.code) || !r.String(e.message) || !r.U64(status) || !r.String(e.request_id)) {
      return Garbled("an error");
    }
    e.http_status = static_cast<int>(status);
    return e;
  }

 private:
  static constexpr std::uint64_t kMaxMessage = INT_MAX;
  int rank_ = 0;
  int size_ = 1;
};

// ---- the corpus and the plan, from rank 0 to all ----

std::string EncodeCorpus(const std::vector<CorpusObject>& objects, const std::vector<Unit>& plan) {
  Writer w;
  w.U64(objects.size());
  for (const CorpusObject& o : objects) {
    w.String(o.key);
    w.U64(o.size);
  }
  w.U64(plan.size());
  for (const Unit& u : plan) {
    w.U64(u.object);
    w.U64(u.begin);
    w.U64(u.end);
  }
  return std::move(w.bytes());
}

Status DecodeCorpus(std::string_view bytes, std::vector<CorpusObject>& objects,
                    std::vector<Unit>& plan) {
  Reader r(bytes);
  std::uint64_t n;
  if (!r.U64(n)) return Garbled("the object list");
  objects.resize(n);
  for (CorpusObject& o : objects) {
    if (!r.String(o.key) || !r.U64(o.size)) return Garbled("the object list");
  }
  if (!r.U64(n)) return Garbled("the plan");
  plan.resize(n);
  for (Unit& u : plan) {
    std::uint64_t object;
    if (!r.U64(object) || !r.U64(u.begin) || !r.U64(u.end) || object >= objects.size()) {
      return Garbled("the plan");
    }
    u.object = static_cast<std::uint32_t>(object);
  }
  if (!r.Done()) return Garbled("the plan");
  return {};
}

// Deals the plan to `ranks` ranks, balanced by bytes: the largest unit
// first, each to the rank with the fewest bytes so far (then the fewest
// units, then the lowest rank, so that empty objects spread too). Each
// rank's share stays largest first, which its threads' queue likes. The
// same on every rank, so nothing needs sending.
std::vector<std::vector<std::size_t>> DealPlan(const std::vector<Unit>& plan, int ranks) {
  std::vector<std::size_t> order(plan.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto bytes = [&](std::size_t i) { return plan[i].end - plan[i].begin; };
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bytes(a) > bytes(b); });
  using Load = std::tuple<std::uint64_t, std::uint64_t, int>;  // bytes, units, rank
  std::priority_queue<Load, std::vector<Load>, std::greater<Load>> least;
  for (int r = 0; r < ranks; ++r) least.push({0, 0, r});
  std::vector<std::vector<std::size_t>> shares(static_cast<std::size_t>(ranks));
  for (std::size_t i : order) {
    auto [load, units, r] = least.top();
    least.pop();
    shares[static_cast<std::size_t>(r)].push_back(i);
    least.push({load + bytes(i), units + 1, r});
  }
  return shares;
}

// ---- the counts, from all to rank 0 ----

std::string EncodeShare(const std::vector<std::size_t>& indexes, const Tally& tally) {
  Writer w;
  w.U64(indexes.size());
  for (std::size_t i = 0; i < indexes.size(); ++i) {
    const UnitCount& c = tally.units[i];
    w.U64(indexes[i]);
    w.U64(c.words);
    w.U64(c.records);
    w.U64(c.missing);
    w.U64(c.bytes);
  }
  w.U64(tally.table.size());
  for (const auto& [word, n] : tally.table) {
    w.String(word);
    w.U64(n);
  }
  return std::move(w.bytes());
}

// Adds one rank's share into `all` (units in plan order).
Status DecodeShare(std::string_view bytes, Tally& all, std::vector<bool>& seen) {
  Reader r(bytes);
  std::uint64_t n;
  if (!r.U64(n)) return Garbled("counts");
  for (std::uint64_t k = 0; k < n; ++k) {
    std::uint64_t index;
    UnitCount c;
    if (!r.U64(index) || !r.U64(c.words) || !r.U64(c.records) || !r.U64(c.missing) ||
        !r.U64(c.bytes) || index >= all.units.size() || seen[index]) {
      return Garbled("counts");
    }
    all.units[index] = c;
    seen[index] = true;
  }
  if (!r.U64(n)) return Garbled("a word table");
  WordTable table;
  table.reserve(n);
  std::string word;
  for (std::uint64_t k = 0; k < n; ++k) {
    std::uint64_t count;
    if (!r.String(word) || !r.U64(count)) return Garbled("a word table");
    table.emplace(std::move(word), count);
  }
  if (!r.Done()) return Garbled("counts");
  MergeTables(all.table, std::move(table));
  return {};
}

// ---- the job ----

class Job {
 public:
  Job(const World& world, Args args) : world_(world), args_(std::move(args)) {}

  int Run() {
    client::ConfigOptions config_options;
    config_options.endpoint_url = args_.endpoint_url;
    std::optional<Error> error;
    if (auto config = client::LoadConfig(config_options)) {
      config_ = std::move(*config);
    } else {
      error = config.error();
    }
    if (auto e = world_.FirstError(error)) return Fail(*e, "");

    // Rank 0 lists; everyone gets the list and the plan.
    using Clock = std::chrono::steady_clock;
    std::string corpus;
    if (world_.root()) {
      const auto list_start = Clock::now();
      error = List(corpus);
      list_seconds_ = std::chrono::duration<double>(Clock::now() - list_start).count();
    }
    if (auto e = world_.FirstError(error)) return Fail(*e, "ListObjectsV2");
    const double start = MPI_Wtime();
    world_.Broadcast(corpus, kRoot);
    if (auto s = DecodeCorpus(corpus, objects_, plan_); !s) error = s.error();
    if (auto e = world_.FirstError(error)) return Fail(*e, "");
    corpus = std::string();

    // Each rank counts its share.
    const auto shares = DealPlan(plan_, world_.size());
    const auto& mine = shares[static_cast<std::size_t>(world_.rank())];
    auto tally = RunThreads(config_, args_.options, objects_, plan_, mine, args_.threads, nullptr);
    if (!tally) error = tally.error();
    if (auto e = world_.FirstError(error)) return Fail(*e, "GetObject");

    // The counts meet on rank 0.
    std::uint64_t sums[4] = {tally->Words(), tally->Records(), tally->Missing(),
                             tally->BytesDownloaded()};
    std::uint64_t totals[4] = {0, 0, 0, 0};
    MPI_Reduce(sums, totals, 4, MPI_UINT64_T, MPI_SUM, kRoot, MPI_COMM_WORLD);
    auto shares_bytes = world_.Gather(EncodeShare(mine, *tally));
    tally = Tally();
    if (world_.root()) {
      seconds_ = MPI_Wtime() - start;
      error = Merge(shares_bytes, totals);
      if (!error) error = Report();
    }
    if (auto e = world_.FirstError(error)) {
      return Fail(*e, e->code == "InternalError" ? "" : "PutObject");
    }
    return kExitOk;
  }

 private:
  int Fail(const Error& e, std::string_view operation) const {
    if (world_.root()) std::fprintf(stderr, "\n%s\n", Describe(e, operation).c_str());
    return ExitCodeFor(e);
  }

  std::optional<Error> List(std::string& corpus) {
    auto s3 = client::S3Client::Create(config_);
    if (!s3) return s3.error();
    auto objects = ListCorpus(*s3, args_.options.bucket, args_.options.prefix);
    if (!objects) return objects.error();
    if (objects->size() > 0xFFFFFFFFu) {
      return client::MakeError(codes::kInvalidArgument,
                               "more than 4294967295 objects under the prefix");
    }
    corpus = EncodeCorpus(*objects, PlanUnits(*objects, args_.options.split_size));
    return std::nullopt;
  }

  // Rank 0: the shares into one tally, checked against the reduced totals.
  std::optional<Error> Merge(const std::vector<std::string>& shares, const std::uint64_t* totals) {
    result_.units.assign(plan_.size(), UnitCount{});
    std::vector<bool> seen(plan_.size(), false);
    for (const std::string& share : shares) {
      if (auto s = DecodeShare(share, result_, seen); !s) return s.error();
    }
    if (std::count(seen.begin(), seen.end(), false) != 0 || result_.Words() != totals[0] ||
        result_.Records() != totals[1] || result_.Missing() != totals[2]) {
      return client::MakeError("InternalError",
                               "the ranks' counts do not add up to the reduced total");
    }
    words_ = totals[0];
    return std::nullopt;
  }

  // Rank 0: the document of `awslab wordcount` (client/cli/wordcount_command.cc)
  // to --output, and the summary line.
  std::optional<Error> Report() const {
    const std::uint64_t bytes = TotalBytes(objects_);
    const int ranks = world_.size();
    const int workers = ranks * args_.threads;

    json::object shape;  // the ranks and threads behind `workers`
    shape["ranks"] = ranks;
    shape["threads"] = args_.threads;
    json::object run;
    run["mode"] = "mpi";
    run["workers"] = workers;
    for (const auto& member : shape) run[member.key()] = member.value();
    run["seconds"] = seconds_;
    run["mb_per_s"] = seconds_ > 0 ? static_cast<double>(bytes) / 1e6 / seconds_ : 0.0;
    const json::object doc = ResultDocument(args_.options, "mpi", workers, shape, objects_, plan_,
                                            &result_, list_seconds_, json::array{std::move(run)});

    if (args_.output) {
      auto s3 = client::S3Client::Create(config_);
      if (!s3) return s3.error();
      auto done = PutResult(*s3, *args_.output, doc);
      if (!done) return done.error();
    }
    std::printf("total %llu objects %zu bytes %llu ranks %d seconds %.3f\n",
                static_cast<unsigned long long>(words_), objects_.size(),
                static_cast<unsigned long long>(bytes), ranks, seconds_);
    std::fflush(stdout);
    return std::nullopt;
  }

  const World& world_;
  const Args args_;
  client::Config config_;
  std::vector<CorpusObject> objects_;
  std::vector<Unit> plan_;
  Tally result_;  // rank 0
  std::uint64_t words_ = 0;
  double list_seconds_ = 0;
  double seconds_ = 0;
};

// MPI_Finalize on every way out.
class MpiSession {
 public:
  MpiSession(int& argc, char**& argv) {
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  }
  ~MpiSession() {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Finalize();
  }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

int Main(int argc, char** argv) {
  MpiSession session(argc, argv);
  World world;
  Args args;
  if (auto usage_error = ParseArgs(argc, argv, args)) {
    if (world.root()) {
      std::fprintf(stderr, "%s\nawslab-wordcount-mpi: error: %s\n", kUsage, usage_error->c_str());
    }
    return kExitUsage;
  }
  if (args.help) {
    if (world.root()) std::printf("%s\n", kUsage);
    return kExitOk;
  }
  return Job(world, std::move(args)).Run();
}

}  // namespace
}  // namespace awslab::wordcount

int main(int argc, char** argv) { return awslab::wordcount::Main(argc, argv); }
