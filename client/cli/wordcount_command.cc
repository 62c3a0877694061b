// `awslab wordcount`: the course's high-performance lesson on S3. Counts the
// words of every object under a prefix sequentially, with threads or with
// processes (or all three, timed side by side), and writes the result as a
// JSON object back to S3. docs/wordcount.md is the user's view; the counting
// is client/wordcount/.
#include <chrono>
#include <cstdio>
#include <thread>

#include "client/cli/cli.h"
#include "client/include/awslab/args.h"
#include "client/include/awslab/s3.h"
#include "client/wordcount/job.h"

namespace awslab::cli {

namespace {

using wordcount::Mode;
using args::ParseCount;
using wordcount::ParseS3Path;
using wordcount::S3Path;

struct Run {
  Mode mode;
  int workers;
  double seconds;
};

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

double Megabytes(std::uint64_t bytes) { return static_cast<double>(bytes) / 1e6; }

}  // namespace

int RunWordcount(const GlobalOptions& global, const std::vector<std::string>& words) {
  const std::string usage = UsageOf("wordcount");
  if (WantsHelp(global, words, 0)) {
    PrintHelp("wordcount");
    return kExitOk;
  }
  ParsedArgs args;
  std::string error;
  if (!ParseArgs(words,
                 {{"--mode", Arity::kOne},
                  {"--workers", Arity::kOne},
                  {"--output", Arity::kOne},
                  {"--top", Arity::kOne},
                  {"--field", Arity::kOne},
                  {"--split-size", Arity::kOne},
                  {"--chunk-size", Arity::kOne},
                  {"--download-only"}},
                 args, error)) {
    return ReportUsage(usage, error);
  }
  if (args.positional.size() != 1) {
    return ReportUsage(usage, "wordcount needs one path: s3://bucket[/prefix]");
  }
  auto source = ParseS3Path(args.positional[0]);
  if (!source) return ReportUsage(usage, "the corpus must be an S3 path: s3://bucket[/prefix]");

  std::vector<Mode> modes;
  const std::string mode = args.Get("--mode").value_or("threads");
  if (mode == "sequential") modes = {Mode::kSequential};
  else if (mode == "threads") modes = {Mode::kThreads};
  else if (mode == "processes") modes = {Mode::kProcesses};
  else if (mode == "all") modes = {Mode::kSequential, Mode::kThreads, Mode::kProcesses};
  else {
    return ReportUsage(usage, "argument --mode: Invalid choice '" + mode +
                                  "', valid choices are: sequential | threads | processes | all");
  }
  int workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (auto w = args.Get("--workers")) {
    auto n = ParseCount(*w);
    if (!n || *n < 1 || *n > 1024) {
      return ReportUsage(usage, "argument --workers: expected 1 to 1024, not '" + *w + "'");
    }
    workers = static_cast<int>(*n);
  }
  wordcount::JobOptions options;
  options.bucket = source->bucket;
  options.prefix = source->key;
  options.field = args.Get("--field").value_or("");
  options.count = !args.Has("--download-only");
  if (auto t = args.Get("--top")) {
    auto n = ParseCount(*t);
    if (!n || *n < 1 || *n > 1'000'000) {
      return ReportUsage(usage, "argument --top: expected 1 to 1000000, not '" + *t + "'");
    }
    options.top = static_cast<int>(*n);
  }
  if (auto s = args.Get("--split-size")) {
    auto n = ParseCount(*s);
    if (!n) return ReportUsage(usage, "argument --split-size: expected bytes, not '" + *s + "'");
    options.split_size = *n;
  }
  if (auto s = args.Get("--chunk-size")) {
    auto n = ParseCount(*s);
    if (!n || *n < 1) {
      return ReportUsage(usage, "argument --chunk-size: expected bytes >= 1, not '" + *s + "'");
    }
    options.chunk_size = static_cast<std::size_t>(*n);
  }
  std::optional<S3Path> output;
  if (auto o = args.Get("--output")) {
    output = ParseS3Path(*o);
    if (!output || output->key.empty() || output->key.back() == '/') {
      return ReportUsage(usage, "argument --output: expected s3://bucket/key, not '" + *o + "'");
    }
  }

  int code = kExitOk;
  auto ctx = SignedContext(global, code);
  if (!ctx) return code;
  auto s3 = client::S3Client::Create(ctx->caller);
  if (!s3) return ReportError(s3.error(), "ListObjectsV2");

  using Clock = std::chrono::steady_clock;
  const auto list_start = Clock::now();
  auto objects = wordcount::ListCorpus(*s3, options.bucket, options.prefix);
  if (!objects) return ReportError(objects.error(), "ListObjectsV2");
  const double list_seconds = std::chrono::duration<double>(Clock::now() - list_start).count();
  if (objects->size() > 0xFFFFFFFFu) {
    return ReportError(client::MakeError(client::codes::kInvalidArgument,
                                         "more than 4294967295 objects under the prefix"),
                       "");
  }
  const std::uint64_t bytes = wordcount::TotalBytes(*objects);

  const auto whole = wordcount::PlanUnits(*objects, 0);
  const auto split = wordcount::PlanUnits(*objects, options.split_size);
  std::vector<Run> runs;
  std::optional<wordcount::Tally> kept;
  const std::vector<wordcount::Unit>* kept_plan = nullptr;
  {
    // The first Ctrl-C stops the runs. No watcher thread: nothing here
    // blocks in a read only a signal interrupts, and the processes mode must
    // fork from a process without other threads (a child of a multithreaded
    // process may only make async-signal-safe calls; under AddressSanitizer
    // a worker forked while the watcher started deadlocked in its malloc).
    TransfersInProgress guard(/*forward_to_main=*/false);
    for (Mode m : modes) {
      const auto& plan = m == Mode::kSequential ? whole : split;
      const int n = m == Mode::kSequential ? 1 : workers;
      const auto start = Clock::now();
      auto tally = wordcount::RunMode(m, ctx->config, options, *objects, plan, n, &CancelFlag());
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      if (!tally) {
        if (tally.error().code == client::codes::kCancelled) return kExitInterrupted;
        // A corpus the counter cannot read (a line that is not JSON) is not
        // a usage error: 255, as other local errors.
        const int rc = ReportError(tally.error(), "GetObject");
        return rc == kExitUsage ? kExitOther : rc;
      }
      if (kept && options.count && kept->Words() != tally->Words()) {
        return ReportError(
            client::MakeError("InternalError",
                              "the modes disagree: " + std::to_string(kept->Words()) + " words " +
                                  std::string(ModeName(modes.front())) + ", " +
                                  std::to_string(tally->Words()) + " " +
                                  std::string(ModeName(m))),
            "");
      }
      runs.push_back({m, n, seconds});
      kept = std::move(*tally);
      kept_plan = &plan;
    }
  }
  if (CancelFlag().load()) return kExitInterrupted;

  // The result document (the same on stdout with --output json and in S3).
  const double sequential = runs.front().mode == Mode::kSequential ? runs.front().seconds : 0;
  json::array run_docs;
  Section runs_section{"Runs", "RUN", {"Mode", "Workers", "Seconds", "MB/s", "Speed-up"},
                       {false, true, true, true, true}, {}};
  for (const Run& r : runs) {
    json::object rd;
    rd["mode"] = std::string(ModeName(r.mode));
    rd["workers"] = r.workers;
    rd["seconds"] = r.seconds;
    const double rate = r.seconds > 0 ? Megabytes(bytes) / r.seconds : 0;
    rd["mb_per_s"] = rate;
    std::string speedup;
    if (sequential > 0 && r.seconds > 0) {
      rd["speedup"] = sequential / r.seconds;
      speedup = Fixed(sequential / r.seconds, 2);
    }
    run_docs.push_back(std::move(rd));
    runs_section.rows.push_back({std::string(ModeName(r.mode)), std::to_string(r.workers),
                                 Fixed(r.seconds, 3), Fixed(rate, 1), speedup});
  }
  json::object doc =
      wordcount::ResultDocument(options, mode, workers, {}, *objects, *kept_plan,
                                options.count ? &*kept : nullptr, list_seconds, std::move(run_docs));
  Section top_section{"Top words", "TOP", {"Word", "Count"}, {false, true}, {}};
  if (const json::value* top = doc.if_contains("top")) {
    for (const json::value& t : top->as_array()) {
      top_section.rows.push_back({std::string(t.at("word").as_string()),
                                  std::to_string(t.at("count").to_number<std::uint64_t>())});
    }
  }

  if (output) {
    auto put_result = wordcount::PutResult(*s3, *output, doc);
    if (!put_result) return ReportError(put_result.error(), "PutObject");
  }

  Answer answer;
  Section summary{"Word count", "TOTAL", {"Words", "Objects", "Bytes"}, {true, true, true}, {}};
  summary.rows.push_back({options.count ? std::to_string(kept->Words()) : "",
                          std::to_string(objects->size()), std::to_string(bytes)});
  answer.sections.push_back(std::move(summary));
  answer.sections.push_back(std::move(runs_section));
  if (!top_section.rows.empty()) answer.sections.push_back(std::move(top_section));
  answer.document = std::move(doc);
  PrintAnswer(*ctx, answer);
  return kExitOk;
}

}  // namespace awslab::cli
