// The word-count job (see job.h): listing, planning, counting one unit as it
// downloads, and the sequential and threaded runs. The process run is in
// processes.cc.
#include "client/wordcount/job.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "client/wordcount/field_counter.h"
#include "client/wordcount/processes.h"
#include "client/wordcount/word_counter.h"

namespace awslab::wordcount {
namespace {

constexpr std::uint64_t kExtension = 64 << 10;  // bytes fetched past a range at a time

// The counter of one unit: a WordCounter for plain text, a WordSplitter when
// words are tabled (its emits are the count), a FieldCounter for --field.
class Counter {
 public:
  Counter(const JobOptions& options, std::uint64_t stream_offset, std::uint64_t own_begin,
          std::uint64_t own_end, WordTable* table) {
    WordSplitter::Emit emit;
    if (table) {
      emit = [this, table](std::string_view word) {
        ++split_words_;
        auto [it, inserted] = table->try_emplace(std::string(word), 1);
        if (!inserted) ++it->second;
      };
    }
    if (!options.field.empty()) {
      field_.emplace(options.field, std::move(emit));
      field_->SetStreamOffset(stream_offset);
      field_->SetOwned(own_begin, own_end);
    } else if (table) {
      splitter_.emplace(std::move(emit));
      splitter_->SetStreamOffset(stream_offset);
      splitter_->SetOwned(own_begin, own_end);
    } else {
      plain_.SetStreamOffset(stream_offset);
      plain_.SetOwned(own_begin, own_end);
    }
  }
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  Status Feed(std::string_view chunk) {
    if (field_) return field_->Feed(chunk);
    if (splitter_) {
      splitter_->Feed(chunk);
    } else {
      plain_.Feed(chunk);
    }
    return {};
  }
  Status Finish() {
    if (field_) return field_->Finish();
    if (splitter_) {
      splitter_->Finish();
    } else {
      plain_.Finish();
    }
    return {};
  }
  bool WantsMore() const {
    if (field_) return field_->WantsMore();
    if (splitter_) return splitter_->InOwnedWord();
    return false;  // the look-ahead bytes settle the last owned byte
  }
  void Into(UnitCount& out) const {
    if (field_) {
      out.words = field_->words();
      out.records = field_->records();
      out.missing = field_->missing();
    } else {
      out.words = splitter_ ? split_words_ : plain_.words();
    }
  }

 private:
  WordCounter plain_;
  std::optional<WordSplitter> splitter_;
  std::optional<FieldCounter> field_;
  std::uint64_t split_words_ = 0;
};

// The body of a GET, fed to the counter (in pieces of at most chunk_size).
// A retry of the first GET starts the unit again; a retry of a later GET
// (past the range) is possible only before its first byte.
class CountingSink : public client::BodySink {
 public:
  CountingSink(const JobOptions& options, std::uint64_t stream_offset, std::uint64_t begin,
               std::uint64_t end, bool tabled)
      : options_(options), offset_(stream_offset), begin_(begin), end_(end), tabled_(tabled) {
    Start();
  }

  Status Write(std::string_view chunk) override {
    if (options_.cancel && options_.cancel->load(std::memory_order_relaxed)) {
      return client::MakeError(client::codes::kCancelled, "cancelled");
    }
    bytes_ += chunk.size();
    written_this_get_ += chunk.size();
    if (!options_.count) return {};
    const std::size_t step = options_.chunk_size ? options_.chunk_size : chunk.size();
    while (!chunk.empty()) {
      const std::size_t n = std::min(step, chunk.size());
      auto status = counter_->Feed(chunk.substr(0, n));
      if (!status) return status;
      chunk.remove_prefix(n);
    }
    return {};
  }
  bool Reset() override {
    if (written_this_get_ == 0) return true;
    if (gets_ > 1) return false;
    Start();
    return true;
  }

  void NextGet() {
    ++gets_;
    written_this_get_ = 0;
  }
  Counter& counter() { return *counter_; }
  WordTable& table() { return table_; }
  std::uint64_t bytes() const { return bytes_; }

 private:
  void Start() {
    table_.clear();
    counter_.emplace(options_, offset_, begin_, end_, tabled_ ? &table_ : nullptr);
    bytes_ = 0;
    written_this_get_ = 0;
  }

  const JobOptions& options_;
  std::uint64_t offset_, begin_, end_;
  bool tabled_;
  WordTable table_;
  std::optional<Counter> counter_;
  std::uint64_t bytes_ = 0;
  std::uint64_t written_this_get_ = 0;
  int gets_ = 0;
};

std::string RangeHeader(std::uint64_t from, std::uint64_t to) {  // [from, to)
  return "bytes=" + std::to_string(from) + "-" + std::to_string(to - 1);
}

// A counter's own error (a line that is not JSON), returned by Finish or
// through the GET's sink, names the object; S3's errors stay as they are.
Error InObject(const JobOptions& options, const CorpusObject& object, Error e) {
  if (e.http_status == 0 && e.code == client::codes::kInvalidArgument) {
    e.message = "s3://" + options.bucket + "/" + object.key + ": " + e.message;
  }
  return e;
}

}  // namespace

namespace {
std::uint64_t Sum(const std::vector<UnitCount>& units, std::uint64_t UnitCount::*field) {
  std::uint64_t n = 0;
  for (const UnitCount& u : units) n += u.*field;
  return n;
}
}  // namespace

std::uint64_t Tally::Words() const { return Sum(units, &UnitCount::words); }
std::uint64_t Tally::Records() const { return Sum(units, &UnitCount::records); }
std::uint64_t Tally::Missing() const { return Sum(units, &UnitCount::missing); }
std::uint64_t Tally::BytesDownloaded() const { return Sum(units, &UnitCount::bytes); }
std::vector<std::uint64_t> Tally::ObjectWords(const std::vector<Unit>& plan,
                                              std::size_t objects) const {
  std::vector<std::uint64_t> words(objects, 0);
  for (std::size_t i = 0; i < plan.size() && i < units.size(); ++i) {
    words[plan[i].object] += units[i].words;
  }
  return words;
}

Result<std::vector<CorpusObject>> ListCorpus(client::S3Client& s3, const std::string& bucket,
                                             const std::string& prefix) {
  client::s3::ListObjectsOptions options;
  options.prefix = prefix;
  client::ListObjectsPaginator pages(s3, bucket, options);
  std::vector<CorpusObject> objects;
  auto status = pages.ForEach([&](const client::s3::ObjectSummary& o) {
    objects.push_back({o.key, o.size});
    return true;
  });
  if (!status) return status.error();
  return objects;
}

std::vector<Unit> PlanUnits(const std::vector<CorpusObject>& objects, std::uint64_t split_size) {
  std::vector<Unit> plan;
  plan.reserve(objects.size());
  for (std::size_t i = 0; i < objects.size(); ++i) {
    const std::uint64_t size = objects[i].size;
    const auto index = static_cast<std::uint32_t>(i);
    if (split_size == 0 || size <= split_size) {
      plan.push_back({index, 0, size});
      continue;
    }
    for (std::uint64_t b = 0; b < size; b += split_size) {
      plan.push_back({index, b, std::min(size, b + split_size)});
    }
  }
  return plan;
}

Status CountUnit(client::S3Client& s3, const JobOptions& options, const CorpusObject& object,
                 const Unit& unit, UnitCount& out, WordTable* table) {
  const std::uint64_t size = object.size;
  const bool whole = unit.begin == 0 && unit.end >= size;
  const std::uint64_t behind = options.field.empty() ? kLookBehind : 1;
  const std::uint64_t from = whole ? 0 : (unit.begin > behind ? unit.begin - behind : 0);
  std::uint64_t to = whole ? size : std::min(size, unit.end + kLookAhead);
  const bool tabled = table != nullptr && options.count;
  CountingSink sink(options, from, whole ? 0 : unit.begin, whole ? kNoEnd : unit.end, tabled);

  client::s3::GetObjectOptions get;
  if (!whole) get.range = RangeHeader(from, to);
  sink.NextGet();
  auto got = s3.GetObject(options.bucket, object.key, sink, get);
  if (!got) return InObject(options, object, got.error());
  // Past the range: the word or line that started in it may go on.
  while (options.count && sink.counter().WantsMore() && !whole && to < size) {
    const std::uint64_t next = std::min(size, to + kExtension);
    get.range = RangeHeader(to, next);
    sink.NextGet();
    got = s3.GetObject(options.bucket, object.key, sink, get);
    if (!got) return InObject(options, object, got.error());
    to = next;
  }
  if (options.count) {
    auto status = sink.counter().Finish();
    if (!status) return InObject(options, object, status.error());
    sink.counter().Into(out);
  }
  out.bytes = sink.bytes();
  if (tabled) MergeTables(*table, std::move(sink.table()));
  return {};
}

std::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kSequential:
      return "sequential";
    case Mode::kThreads:
      return "threads";
    case Mode::kProcesses:
      return "processes";
  }
  return "?";
}

Result<Tally> RunThreads(const client::Config& config, const JobOptions& job,
                         const std::vector<CorpusObject>& objects, const std::vector<Unit>& plan,
                         const std::vector<std::size_t>& indexes, int workers,
                         const std::atomic<bool>* cancel) {
  JobOptions options = job;
  options.cancel = cancel;
  Tally tally;
  tally.units.resize(indexes.size());
  workers = std::max(1, std::min<int>(workers, static_cast<int>(std::max<std::size_t>(
                                                   indexes.size(), 1))));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::optional<Error> first_error;
  std::vector<WordTable> tables(static_cast<std::size_t>(workers));

  auto fail = [&](Error e) {
    std::lock_guard<std::mutex> lock(mu);
    if (!first_error) first_error = std::move(e);
    stop = true;
  };
  auto work = [&](int w) {
    auto s3 = client::S3Client::Create(config);  // its own connection pool
    if (!s3) return fail(s3.error());
    WordTable* table = options.top > 0 ? &tables[static_cast<std::size_t>(w)] : nullptr;
    while (!stop.load(std::memory_order_relaxed)) {
      if (cancel && cancel->load()) {
        return fail(client::MakeError(client::codes::kCancelled, "cancelled"));
      }
      const std::size_t i = next.fetch_add(1);
      if (i >= indexes.size()) return;
      const std::size_t u = indexes[i];
      auto status =
          CountUnit(*s3, options, objects[plan[u].object], plan[u], tally.units[i], table);
      if (!status) return fail(status.error());
    }
  };
  if (workers == 1) {
    work(0);
  } else {
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(workers));
    for (int w = 0; w < workers; ++w) threads.emplace_back(work, w);
    for (std::thread& t : threads) t.join();
  }
  if (first_error) return *first_error;
  for (WordTable& t : tables) MergeTables(tally.table, std::move(t));
  return tally;
}

Result<Tally> RunMode(Mode mode, const client::Config& config, const JobOptions& options,
                      const std::vector<CorpusObject>& objects, const std::vector<Unit>& plan,
                      int workers, const std::atomic<bool>* cancel) {
  std::vector<std::size_t> all(plan.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  switch (mode) {
    case Mode::kSequential:
      return RunThreads(config, options, objects, plan, all, 1, cancel);
    case Mode::kThreads:
      return RunThreads(config, options, objects, plan, all, workers, cancel);
    case Mode::kProcesses:
      return RunProcesses(config, options, objects, plan, workers, cancel);
  }
  return client::MakeError(client::codes::kInvalidArgument, "unknown mode");
}

namespace {
// The length of the valid UTF-8 character at s[i], or 0 (RFC 3629: no
// overlong forms, no surrogates, nothing past U+10FFFF).
std::size_t Utf8CharAt(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const std::size_t left = s.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k) { return k < left && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && b(1) < 0xA0) return 0;  // overlong
    if (c == 0xED && b(1) > 0x9F) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && b(1) < 0x90) return 0;  // overlong
    if (c == 0xF4 && b(1) > 0x8F) return 0;  // past U+10FFFF
    return 4;
  }
  return 0;
}
}  // namespace

std::string ValidUtf8(std::string s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t n = Utf8CharAt(s, i);
    if (n == 0) break;
    i += n;
  }
  if (i == s.size()) return s;
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    const std::size_t n = Utf8CharAt(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      out.append(s, i, n);
      i += n;
    }
  }
  return out;
}

std::optional<S3Path> ParseS3Path(std::string_view s) {
  if (!s.starts_with("s3://")) return std::nullopt;
  s.remove_prefix(5);
  S3Path p;
  const auto slash = s.find('/');
  p.bucket = std::string(s.substr(0, slash));
  if (slash != s.npos) p.key = std::string(s.substr(slash + 1));
  if (p.bucket.empty()) return std::nullopt;
  return p;
}

std::vector<std::pair<std::string, std::uint64_t>> TopWords(const WordTable& table, int k) {
  std::vector<std::pair<std::string, std::uint64_t>> words(table.begin(), table.end());
  auto better = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const std::size_t n = std::min<std::size_t>(words.size(), static_cast<std::size_t>(std::max(k, 0)));
  std::partial_sort(words.begin(), words.begin() + static_cast<std::ptrdiff_t>(n), words.end(),
                    better);
  words.resize(n);
  for (auto& w : words) w.first = ValidUtf8(std::move(w.first));
  return words;
}

std::uint64_t TotalBytes(const std::vector<CorpusObject>& objects) {
  std::uint64_t bytes = 0;
  for (const CorpusObject& o : objects) bytes += o.size;
  return bytes;
}

boost::json::object ResultDocument(const JobOptions& options, std::string_view mode, int workers,
                                   const boost::json::object& extra,
                                   const std::vector<CorpusObject>& objects,
                                   const std::vector<Unit>& plan, const Tally* tally,
                                   double list_seconds, boost::json::array runs) {
  namespace json = boost::json;
  json::object doc;
  doc["bucket"] = options.bucket;
  doc["prefix"] = options.prefix;
  doc["field"] = options.field.empty() ? json::value(nullptr) : json::value(options.field);
  doc["mode"] = mode;
  doc["workers"] = workers;
  for (const auto& member : extra) doc[member.key()] = member.value();
  doc["objects"] = objects.size();
  doc["bytes"] = TotalBytes(objects);
  doc["total"] = tally ? json::value(tally->Words()) : json::value(nullptr);
  if (tally && !options.field.empty()) {
    doc["records"] = tally->Records();
    doc["records_without_field"] = tally->Missing();
  }
  double seconds = 0;
  for (const json::value& run : runs) seconds += run.at("seconds").as_double();
  doc["seconds"] = seconds;
  doc["list_seconds"] = list_seconds;
  doc["runs"] = std::move(runs);
  if (tally) {
    json::object counts;
    const auto per_object = tally->ObjectWords(plan, objects.size());
    for (std::size_t i = 0; i < objects.size(); ++i) counts[objects[i].key] = per_object[i];
    doc["counts"] = std::move(counts);
    if (options.top > 0) {
      json::array top;
      for (auto& [word, n] : TopWords(tally->table, options.top)) {
        json::object t;
        t["word"] = std::move(word);
        t["count"] = n;
        top.push_back(std::move(t));
      }
      doc["top"] = std::move(top);
    }
  }
  return doc;
}

Status PutResult(client::S3Client& s3, const S3Path& to, const boost::json::object& document) {
  client::s3::PutObjectOptions put;
  put.content_type = "application/json";
  auto done = s3.PutObject(to.bucket, to.key, boost::json::serialize(document), put);
  if (!done) return done.error();
  return {};
}

void MergeTables(WordTable& into, WordTable&& from) {
  if (into.empty()) {
    into = std::move(from);
    return;
  }
  for (auto& [word, n] : from) into[word] += n;
  from.clear();
}

}  // namespace awslab::wordcount
