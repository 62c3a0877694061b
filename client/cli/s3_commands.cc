// `awslab s3 ...`: ls, mb, rb, cp, mv, rm, sync and presign, shaped like the
// aws CLI's high-level s3 commands (the same paths, the same
// "upload: ./x to s3://b/x" lines, the same return codes), on libawslab's
// S3Client and TransferManager.
//
// Transfers of a command run on a few worker threads (one file each; a
// large file is itself sent in parallel parts by the TransferManager).
// Lines are printed whole through Out()/Err().
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "client/cli/cli.h"
#include "client/cli/console.h"
#include "client/include/awslab/s3.h"
#include "client/include/awslab/transfer.h"

namespace awslab::cli {

namespace fs = std::filesystem;
namespace s3 = client::s3;
using client::S3Client;
using client::TransferManager;

namespace {

// Files moved in parallel by one command (each may itself use the
// TransferManager's parallel parts).
constexpr int kFileConcurrency = 4;

struct S3Uri {
  std::string bucket;
  std::string key;
  std::string ToString() const { return "s3://" + bucket + (key.empty() ? "" : "/" + key); }
};

bool IsS3(std::string_view s) { return s.starts_with("s3://"); }

S3Uri ParseS3(std::string_view s) {
  s.remove_prefix(5);
  S3Uri u;
  std::size_t slash = s.find('/');
  u.bucket = std::string(s.substr(0, slash));
  if (slash != s.npos) u.key = std::string(s.substr(slash + 1));
  return u;
}

std::string Basename(std::string_view path) {
  std::size_t slash = path.rfind('/');
  return std::string(slash == path.npos ? path : path.substr(slash + 1));
}

// The aws CLI's relative_path(): the file's folder relative to the current
// directory, joined with its name ("./x", "../../tmp/x", "dir/x").
std::string DisplayLocal(const std::string& path) {
  if (path == "-") return "-";
  std::error_code ec;
  fs::path cwd = fs::current_path(ec);
  fs::path p(path);
  fs::path abs = (p.is_absolute() ? p : cwd / p).lexically_normal();
  fs::path dir = abs.parent_path();
  fs::path rel = dir.lexically_relative(cwd);
  if (rel.empty()) rel = ".";
  std::string name = abs.filename().string();
  if (name.empty()) return rel.string();
  return (rel / name).string();
}

// A source or destination prefix of a directory operation ends with '/'
// (the aws CLI's FileFormat for --recursive and sync): "dir" names the
// folder "dir/", never "dir2/".
std::string DirPrefix(std::string key) {
  if (!key.empty() && key.back() != '/') key += '/';
  return key;
}

std::string LocalJoin(const std::string& dir, const std::string& rel) {
  if (dir.empty()) return rel;
  if (dir.back() == '/') return dir + rel;
  return dir + "/" + rel;
}

// --exclude / --include, the aws CLI's rule: every filter is tried in order
// and the last one that matches decides; no match means included. Patterns
// are matched against the path relative to the source (or destination)
// folder with fnmatch, where '*' also matches '/'.
struct Filters {
  std::vector<std::pair<bool, std::string>> rules;  // (include, pattern)
  bool Included(const std::string& rel) const {
    bool included = true;
    for (const auto& [include, pattern] : rules)
      if (fnmatch(pattern.c_str(), rel.c_str(), 0) == 0) included = include;
    return included;
  }
};

// The filters in command-line order: the option parser groups values by
// name, so the order is taken from the words themselves.
Filters FiltersFrom(const std::vector<std::string>& words) {
  Filters f;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w == "--") break;
    if ((w == "--exclude" || w == "--include") && i + 1 < words.size())
      f.rules.push_back({w == "--include", words[++i]});
    else if (w.starts_with("--exclude=") || w.starts_with("--include="))
      f.rules.push_back({w.starts_with("--include="), w.substr(10)});
  }
  return f;
}

// Content types as the aws CLI guesses them (Python's mimetypes, which on
// Debian reads /etc/mime.types): by the file name's extension, nothing when
// unknown (S3 then stores binary/octet-stream).
std::string GuessContentType(const std::string& path) {
  static const std::map<std::string, std::string>* types = [] {
    auto* m = new std::map<std::string, std::string>{
        {"txt", "text/plain"},        {"html", "text/html"},       {"htm", "text/html"},
        {"css", "text/css"},          {"csv", "text/csv"},         {"js", "text/javascript"},
        {"json", "application/json"}, {"xml", "text/xml"},         {"png", "image/png"},
        {"jpg", "image/jpeg"},        {"jpeg", "image/jpeg"},      {"gif", "image/gif"},
        {"svg", "image/svg+xml"},     {"pdf", "application/pdf"},  {"zip", "application/zip"},
        {"tar", "application/x-tar"}, {"py", "text/x-python"},     {"md", "text/markdown"},
        {"sh", "application/x-sh"},   {"gz", "application/gzip"},  {"mp4", "video/mp4"},
    };
    std::ifstream in("/etc/mime.types");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream words(line);
      std::string type, ext;
      words >> type;
      while (words >> ext) (*m)[ext] = type;
    }
    return m;
  }();
  std::string name = Basename(path);
  std::size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return "";
  std::string ext = name.substr(dot + 1);
  for (char& c : ext)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  auto it = types->find(ext);
  return it == types->end() ? "" : it->second;
}

// ---- one command's transfers ----

struct TaskError {
  Error error;
  std::string operation;
};

struct Task {
  std::string verb;  // "upload", "download", "copy", "move", "delete"
  std::string src, dest;  // as printed; dest empty for a delete
  std::uint64_t size = 0;
  // Runs the transfer; reports progress (bytes done) through the callback.
  std::function<std::optional<TaskError>(const client::ProgressCallback&)> run;
};

struct PrintOptions {
  bool quiet = false;
  bool only_show_errors = false;
  bool dryrun = false;
  bool progress = false;
};

struct Outcome {
  int failed = 0;
  int skipped = 0;  // warnings
  int Code() const { return failed ? kExitS3Failed : skipped ? kExitS3Skipped : kExitOk; }
};

void Warn(Outcome& outcome, const PrintOptions& p, const std::string& message) {
  ++outcome.skipped;
  if (!p.quiet) Err("warning: " + message + "\n");
}

std::string Location(const Task& t) { return t.dest.empty() ? t.src : t.src + " to " + t.dest; }

// Runs the tasks on up to kFileConcurrency threads; prints a line per task.
void RunTasks(std::vector<Task>& tasks, const PrintOptions& p, Outcome& outcome) {
  if (tasks.empty()) return;
  if (p.dryrun) {
    for (const Task& t : tasks)
      if (!p.quiet && !p.only_show_errors) Out("(dryrun) " + t.verb + ": " + Location(t) + "\n");
    return;
  }
  Progress progress(p.progress);
  std::uint64_t total = 0;
  for (const Task& t : tasks) total += t.size;
  progress.AddExpected(tasks.size(), total);
  std::atomic<std::size_t> next{0};
  std::atomic<int> failed{0};
  auto worker = [&](std::size_t slot) {
    while (true) {
      std::size_t i = next.fetch_add(1);
      if (i >= tasks.size()) return;
      Task& t = tasks[i];
      auto error = t.run([&](std::uint64_t done, std::int64_t) { progress.Update(slot, done); });
      progress.FileDone(slot, t.size, !error);
      if (error) {
        ++failed;
        if (!p.quiet)
          Err(t.verb + " failed: " + Location(t) + " " +
              DescribeError(error->error, error->operation) + "\n");
      } else if (!p.quiet && !p.only_show_errors) {
        Out(t.verb + ": " + Location(t) + "\n");
      }
    }
  };
  std::size_t n = std::min<std::size_t>(kFileConcurrency, tasks.size());
  if (n == 1) {
    worker(0);
  } else {
    std::vector<std::thread> threads;
    for (std::size_t s = 0; s < n; ++s) threads.emplace_back(worker, s);
    for (std::thread& th : threads) th.join();
  }
  progress.Finish();
  outcome.failed += failed.load();
}

// ---- what is where ----

struct FileStat {
  std::uint64_t size = 0;
  std::int64_t mtime = 0;  // Unix seconds
  std::string key;         // S3: the whole key; local: the path
};

std::optional<FileStat> StatLocal(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileStat{static_cast<std::uint64_t>(st.st_size), st.st_mtim.tv_sec, path};
}

// Every regular file under `root` by its path relative to root ('/'
// separated), symlinks followed as the aws CLI follows them. Other kinds
// (sockets, devices) and unreadable files are skipped with a warning.
std::map<std::string, FileStat> ListLocal(const std::string& root, const PrintOptions& p,
                                          Outcome& outcome) {
  std::map<std::string, FileStat> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path& path = it->path();
    std::error_code sec;
    auto status = fs::status(path, sec);
    if (fs::is_directory(status)) continue;
    std::string rel = path.lexically_relative(root).generic_string();
    std::string shown = DisplayLocal(path.string());
    if (!fs::is_regular_file(status)) {
      Warn(outcome, p,
           "Skipping file " + shown +
               (sec ? ". File does not exist." : ". File is not a regular file."));
      continue;
    }
    if (::access(path.c_str(), R_OK) != 0) {
      Warn(outcome, p, "Skipping file " + shown + ". File/Directory is not readable.");
      continue;
    }
    auto st = StatLocal(path.string());
    if (st) out[rel] = *st;
  }
  return out;
}

// Every object under a prefix, by its key relative to the prefix.
Result<std::map<std::string, FileStat>> ListS3(S3Client& s3, const std::string& bucket,
                                               const std::string& prefix) {
  std::map<std::string, FileStat> out;
  s3::ListObjectsOptions options;
  options.prefix = prefix;
  client::ListObjectsPaginator pages(s3, bucket, options);
  auto st = pages.ForEach([&](const s3::ObjectSummary& o) {
    FileStat f;
    f.size = o.size;
    f.mtime = ParseTimeSeconds(o.last_modified).value_or(0);
    f.key = o.key;
    out[o.key.substr(prefix.size())] = f;
    return true;
  });
  if (!st) return st.error();
  return out;
}

// A key relative to a download folder is safe when it names a file inside
// it: no empty, "." or ".." segment, not a folder marker.
bool SafeRelative(const std::string& rel) {
  if (rel.empty() || rel.back() == '/' || rel.front() == '/') return false;
  std::size_t start = 0;
  while (start <= rel.size()) {
    std::size_t slash = rel.find('/', start);
    std::string seg = rel.substr(start, slash == rel.npos ? rel.npos : slash - start);
    if (seg.empty() || seg == "." || seg == "..") return false;
    if (slash == rel.npos) break;
    start = slash + 1;
  }
  return true;
}

void SetMtime(const std::string& path, std::int64_t seconds) {
  struct timespec times[2];
  times[0].tv_sec = times[1].tv_sec = static_cast<time_t>(seconds);
  times[0].tv_nsec = times[1].tv_nsec = 0;
  ::utimensat(AT_FDCWD, path.c_str(), times, 0);
}

// ---- the command's shared state ----

struct S3Command {
  Context* ctx = nullptr;
  std::optional<S3Client> s3;
  std::optional<TransferManager> transfer;
  ParsedArgs args;
  std::vector<std::string> words;  // the command's own words (filters keep their order)
  PrintOptions print;
  Filters filters;
  s3::PutObjectOptions put;  // --content-type, --acl, ...
  bool content_type_given = false;
};

std::string UploadOperation(std::uint64_t size, const TransferManager& tm) {
  return size >= tm.options().multipart_threshold ? "CreateMultipartUpload" : "PutObject";
}

std::string DownloadOperation(const Error& e) {
  return e.http_status != 0 && e.code.find("NoSuch") == std::string::npos ? "HeadObject"
                                                                            : "GetObject";
}

Task UploadTask(S3Command& c, const std::string& path, std::uint64_t size, const S3Uri& dest,
                bool move) {
  Task t;
  t.verb = move ? "move" : "upload";
  t.src = DisplayLocal(path);
  t.dest = dest.ToString();
  t.size = size;
  t.run = [&c, path, dest, size, move](const client::ProgressCallback& progress)
      -> std::optional<TaskError> {
    s3::PutObjectOptions put = c.put;
    if (!c.content_type_given) put.content_type = GuessContentType(path);
    auto r = c.transfer->UploadFile(path, dest.bucket, dest.key, put, progress);
    if (!r) return TaskError{r.error(), UploadOperation(size, *c.transfer)};
    if (move && ::unlink(path.c_str()) != 0)
      return TaskError{client::MakeError(client::codes::kIo, path + ": " + std::strerror(errno)),
                       ""};
    return std::nullopt;
  };
  return t;
}

Task DownloadTask(S3Command& c, const S3Uri& src, std::uint64_t size, const std::string& path,
                  bool move) {
  Task t;
  t.verb = move ? "move" : "download";
  t.src = src.ToString();
  t.dest = DisplayLocal(path);
  t.size = size;
  t.run = [&c, src, path, move](const client::ProgressCallback& progress)
      -> std::optional<TaskError> {
    std::error_code ec;
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) fs::create_directories(parent, ec);
    auto r = c.transfer->DownloadFile(src.bucket, src.key, path, progress);
    if (!r) return TaskError{r.error(), DownloadOperation(r.error())};
    // The aws CLI gives a downloaded file the object's time, so that sync
    // sees it as up to date.
    if (auto t = ParseTimeSeconds(r->info.last_modified)) SetMtime(path, *t);
    if (move) {
      auto d = c.s3->DeleteObject(src.bucket, src.key);
      if (!d) return TaskError{d.error(), "DeleteObject"};
    }
    return std::nullopt;
  };
  return t;
}

Task CopyTask(S3Command& c, const S3Uri& src, std::uint64_t size, const S3Uri& dest, bool move) {
  Task t;
  t.verb = move ? "move" : "copy";
  t.src = src.ToString();
  t.dest = dest.ToString();
  t.size = size;
  t.run = [&c, src, dest, size, move](const client::ProgressCallback& progress)
      -> std::optional<TaskError> {
    s3::CopyObjectOptions options;
    if (c.content_type_given) {
      options.metadata_directive = "REPLACE";
      options.replace = c.put;
    } else {
      options.replace.acl = c.put.acl;
    }
    auto r = c.s3->CopyObject(src.bucket, src.key, dest.bucket, dest.key, options);
    if (!r) return TaskError{r.error(), "CopyObject"};
    progress(size, static_cast<std::int64_t>(size));
    if (move) {
      auto d = c.s3->DeleteObject(src.bucket, src.key);
      if (!d) return TaskError{d.error(), "DeleteObject"};
    }
    return std::nullopt;
  };
  return t;
}

Task DeleteLocalTask(const std::string& path) {
  Task t;
  t.verb = "delete";
  t.src = DisplayLocal(path);
  t.run = [path](const client::ProgressCallback&) -> std::optional<TaskError> {
    if (::unlink(path.c_str()) != 0)
      return TaskError{client::MakeError(client::codes::kIo, path + ": " + std::strerror(errno)),
                       ""};
    return std::nullopt;
  };
  return t;
}

// Deletes keys with DeleteObjects, 1,000 a request, printing a line per key.
void DeleteKeys(S3Command& c, const std::string& bucket, const std::vector<std::string>& keys,
                Outcome& outcome) {
  for (std::size_t start = 0; start < keys.size(); start += 1000) {
    std::vector<std::string> batch(keys.begin() + start,
                                   keys.begin() + std::min(keys.size(), start + 1000));
    if (c.print.dryrun) {
      for (const std::string& k : batch)
        if (!c.print.quiet && !c.print.only_show_errors)
          Out("(dryrun) delete: s3://" + bucket + "/" + k + "\n");
      continue;
    }
    auto r = c.s3->DeleteObjects(bucket, batch);
    if (!r) {
      outcome.failed += static_cast<int>(batch.size());
      for (const std::string& k : batch)
        if (!c.print.quiet)
          Err("delete failed: s3://" + bucket + "/" + k + " " +
              DescribeError(r.error(), "DeleteObjects") + "\n");
      continue;
    }
    std::map<std::string, const s3::DeleteObjectError*> errors;
    for (const auto& e : r->errors) errors[e.key] = &e;
    for (const std::string& k : batch) {
      if (auto it = errors.find(k); it != errors.end()) {
        ++outcome.failed;
        if (!c.print.quiet) {
          Error e = client::MakeError(it->second->code, it->second->message);
          Err("delete failed: s3://" + bucket + "/" + k + " " + DescribeError(e, "DeleteObjects") +
              "\n");
        }
      } else if (!c.print.quiet && !c.print.only_show_errors) {
        Out("delete: s3://" + bucket + "/" + k + "\n");
      }
    }
  }
}

// ---- ls ----

int Ls(S3Command& c) {
  if (c.args.positional.size() > 1)
    return ReportUsage(UsageOf("s3 ls"), "Unknown options: " + c.args.positional[1]);
  std::string path = c.args.positional.empty() ? "s3://" : c.args.positional[0];
  if (!IsS3(path)) path = "s3://" + path;  // the aws CLI takes a bare bucket too
  S3Uri uri = ParseS3(path);
  bool human = c.args.Has("--human-readable");
  bool json_out = c.ctx->global.output == OutputFormat::kJson;
  if (uri.bucket.empty()) {
    auto r = c.s3->ListBuckets();
    if (!r) return ReportError(r.error(), "ListBuckets");
    if (json_out) {
      json::array buckets;
      for (const auto& b : r->buckets)
        buckets.push_back({{"Name", b.name}, {"CreationDate", b.creation_date}});
      Out(PrettyJson(json::object{{"Buckets", std::move(buckets)}}) + "\n");
      return kExitOk;
    }
    std::string out;
    for (const auto& b : r->buckets) out += LocalTimeString(b.creation_date) + " " + b.name + "\n";
    Out(out);
    return kExitOk;
  }
  bool recursive = c.args.Has("--recursive");
  s3::ListObjectsOptions options;
  options.prefix = uri.key;
  if (!recursive) options.delimiter = "/";
  if (auto ps = c.args.Get("--page-size")) {
    char* end = nullptr;
    long n = std::strtol(ps->c_str(), &end, 10);
    if (ps->empty() || *end || n < 1 || n > 1000)
      return ReportUsage(UsageOf("s3 ls"), "argument --page-size: a number from 1 to 1000");
    options.max_keys = static_cast<int>(n);
  }
  client::ListObjectsPaginator pages(*c.s3, uri.bucket, options);
  std::uint64_t total_size = 0, total_objects = 0;
  bool empty_first_page = false, at_first_page = true;
  json::array prefixes, contents;
  while (pages.HasMorePages()) {
    auto page = pages.NextPage();
    if (!page) return ReportError(page.error(), "ListObjectsV2");
    if (page->contents.empty() && page->common_prefixes.empty()) {
      empty_first_page = at_first_page;
      continue;
    }
    std::string out;
    for (const std::string& p : page->common_prefixes) {
      // The last folder name of the prefix, as the aws CLI prints it.
      std::string trimmed = p.substr(0, p.size() - (p.ends_with('/') ? 1 : 0));
      if (json_out) prefixes.push_back(json::object{{"Prefix", p}});
      out += std::string(27, ' ') + "PRE " + Basename(trimmed) + "/\n";
    }
    for (const s3::ObjectSummary& o : page->contents) {
      total_size += o.size;
      ++total_objects;
      if (json_out) {
        contents.push_back({{"Key", o.key},
                            {"LastModified", o.last_modified},
                            {"ETag", o.etag},
                            {"Size", o.size},
                            {"StorageClass", o.storage_class}});
        continue;
      }
      std::string size = human ? HumanSize(o.size) : std::to_string(o.size);
      if (size.size() < 10) size.insert(0, 10 - size.size(), ' ');
      out += LocalTimeString(o.last_modified) + " " + size + " " +
             (recursive ? o.key : Basename(o.key)) + "\n";
    }
    if (!json_out) Out(out);
    at_first_page = false;
  }
  if (json_out) {
    json::object doc{{"CommonPrefixes", std::move(prefixes)}, {"Contents", std::move(contents)}};
    if (c.args.Has("--summarize")) {
      doc["TotalObjects"] = total_objects;
      doc["TotalSize"] = total_size;
    }
    Out(PrettyJson(doc) + "\n");
  } else if (c.args.Has("--summarize")) {
    Out("\nTotal Objects: " + std::to_string(total_objects) + "\n   Total Size: " +
        (human ? HumanSize(total_size) : std::to_string(total_size)) + "\n");
  }
  // The aws CLI returns 1 when a prefix was named and nothing matched it.
  if (!uri.key.empty() && empty_first_page) return kExitS3Failed;
  return kExitOk;
}

// ---- mb, rb ----

int Mb(S3Command& c) {
  if (c.args.positional.size() != 1 || !IsS3(c.args.positional[0]))
    return ReportUsage(UsageOf("s3 mb"), "mb needs one path: s3://bucket");
  S3Uri uri = ParseS3(c.args.positional[0]);
  if (uri.bucket.empty() || !uri.key.empty())
    return ReportUsage(UsageOf("s3 mb"), "Please specify a valid bucket name only. E.g. s3://" +
                                             uri.bucket);
  auto r = c.s3->CreateBucket(uri.bucket);
  if (!r) {
    Err("make_bucket failed: " + c.args.positional[0] + " " +
        DescribeError(r.error(), "CreateBucket") + "\n");
    return r.error().http_status ? kExitS3Failed : ExitCodeFor(r.error());
  }
  Out("make_bucket: " + uri.bucket + "\n");
  return kExitOk;
}

int RmRecursive(S3Command& c, const S3Uri& uri, Outcome& outcome);

int Rb(S3Command& c) {
  if (c.args.positional.size() != 1 || !IsS3(c.args.positional[0]))
    return ReportUsage(UsageOf("s3 rb"), "rb needs one path: s3://bucket");
  S3Uri uri = ParseS3(c.args.positional[0]);
  if (uri.bucket.empty() || !uri.key.empty())
    return ReportUsage(UsageOf("s3 rb"), "Please specify a valid bucket name only. E.g. s3://" +
                                             uri.bucket);
  if (c.args.Has("--force")) {
    Outcome outcome;
    int code = RmRecursive(c, S3Uri{uri.bucket, ""}, outcome);
    if (code != kExitOk) {
      Err("remove_bucket failed: Unable to delete all objects in the bucket, bucket will not be "
          "deleted.\n");
      return code == kExitS3Failed ? kExitS3Failed : code;
    }
  }
  auto r = c.s3->DeleteBucket(uri.bucket);
  if (!r) {
    Err("remove_bucket failed: " + c.args.positional[0] + " " +
        DescribeError(r.error(), "DeleteBucket") + "\n");
    return r.error().http_status ? kExitS3Failed : ExitCodeFor(r.error());
  }
  Out("remove_bucket: " + uri.bucket + "\n");
  return kExitOk;
}

// ---- rm ----

int RmRecursive(S3Command& c, const S3Uri& uri, Outcome& outcome) {
  std::string prefix = DirPrefix(uri.key);
  auto objects = ListS3(*c.s3, uri.bucket, prefix);
  if (!objects) return ReportError(objects.error(), "ListObjectsV2");
  std::vector<std::string> keys;
  for (const auto& [rel, f] : *objects)
    if (c.filters.Included(rel)) keys.push_back(f.key);
  DeleteKeys(c, uri.bucket, keys, outcome);
  return outcome.Code();
}

int Rm(S3Command& c) {
  if (c.args.positional.size() != 1 || !IsS3(c.args.positional[0]))
    return ReportUsage(UsageOf("s3 rm"), "rm needs one path: s3://bucket/key");
  S3Uri uri = ParseS3(c.args.positional[0]);
  Outcome outcome;
  if (c.args.Has("--recursive")) return RmRecursive(c, uri, outcome);
  if (uri.key.empty())
    return ReportUsage(UsageOf("s3 rm"), "rm without --recursive needs a key: s3://bucket/key");
  if (!c.filters.Included(Basename(uri.key))) return kExitOk;
  if (c.print.dryrun) {
    if (!c.print.quiet && !c.print.only_show_errors) Out("(dryrun) delete: " + uri.ToString() + "\n");
    return kExitOk;
  }
  auto r = c.s3->DeleteObject(uri.bucket, uri.key);
  if (!r) {
    if (!c.print.quiet)
      Err("delete failed: " + uri.ToString() + " " + DescribeError(r.error(), "DeleteObject") +
          "\n");
    return kExitS3Failed;
  }
  if (!c.print.quiet && !c.print.only_show_errors) Out("delete: " + uri.ToString() + "\n");
  return kExitOk;
}

// ---- cp, mv ----

int CopyStdin(S3Command& c, const S3Uri& dest) {
  if (dest.key.empty() || dest.key.back() == '/')
    return ReportUsage(UsageOf("s3 cp"), "a stream upload needs a full key: s3://bucket/key");
  Progress progress(c.print.progress);
  progress.AddExpected(1, 0);
  auto r = c.transfer->UploadStream(stdin, dest.bucket, dest.key, c.put,
                                    [&](std::uint64_t done, std::int64_t) {
                                      progress.Update(0, done);
                                    });
  progress.Finish();
  if (!r) {
    if (!c.print.quiet)
      Err("upload failed: - to " + dest.ToString() + " " + DescribeError(r.error(), "PutObject") +
          "\n");
    return kExitS3Failed;
  }
  return kExitOk;
}

int CopyStdout(S3Command& c, const S3Uri& src) {
  if (src.key.empty())
    return ReportUsage(UsageOf("s3 cp"), "a stream download needs a key: s3://bucket/key");
  auto r = c.transfer->DownloadStream(src.bucket, src.key, stdout);
  if (!r) {
    if (!c.print.quiet)
      Err("download failed: " + src.ToString() + " to - " +
          DescribeError(r.error(), DownloadOperation(r.error())) + "\n");
    return kExitS3Failed;
  }
  return kExitOk;
}

int CpMv(S3Command& c, bool move) {
  std::string name = move ? "s3 mv" : "s3 cp";
  if (c.args.positional.size() != 2)
    return ReportUsage(UsageOf(name), c.args.positional.size() < 2
                                          ? "the following arguments are required: paths"
                                          : "Unknown options: " + c.args.positional[2]);
  const std::string& src = c.args.positional[0];
  const std::string& dest = c.args.positional[1];
  bool recursive = c.args.Has("--recursive");
  bool src_s3 = IsS3(src), dest_s3 = IsS3(dest);
  if (!src_s3 && !dest_s3)
    return ReportUsage(UsageOf(name),
                       "Invalid argument type: <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or "
                       "<S3Uri> <S3Uri>");
  if (src == "-" || dest == "-") {
    if (recursive || move)
      return ReportUsage(UsageOf(name), "streaming (-) works with cp and without --recursive");
    if (src == "-") return CopyStdin(c, ParseS3(dest));
    return CopyStdout(c, ParseS3(src));
  }
  if (move && src == dest)
    return ReportUsage(UsageOf(name), "Cannot mv a file onto itself: " + src + " - " + dest);
  Outcome outcome;
  std::vector<Task> tasks;
  if (!recursive) {
    if (!src_s3) {
      auto st = StatLocal(src);
      if (!st) {
        Err("The user-provided path " + src + " does not exist.\n");
        return kExitOther;
      }
      if (!c.filters.Included(Basename(src))) return kExitOk;
      S3Uri d = ParseS3(dest);
      if (d.key.empty() || d.key.back() == '/') d.key += Basename(src);
      tasks.push_back(UploadTask(c, src, st->size, d, move));
    } else {
      S3Uri s = ParseS3(src);
      if (s.key.empty())
        return ReportUsage(UsageOf(name),
                           "without --recursive the source needs a key: s3://bucket/key");
      if (!c.filters.Included(Basename(s.key))) return kExitOk;
      // The size for the progress line; a missing object fails in the task.
      std::uint64_t size = 0;
      if (c.print.progress)
        if (auto h = c.s3->HeadObject(s.bucket, s.key)) size = h->content_length;
      if (dest_s3) {
        S3Uri d = ParseS3(dest);
        if (d.key.empty() || d.key.back() == '/') d.key += Basename(s.key);
        tasks.push_back(CopyTask(c, s, size, d, move));
      } else {
        std::string path = dest;
        std::error_code ec;
        if (path.ends_with('/') || fs::is_directory(path, ec)) path = LocalJoin(path, Basename(s.key));
        tasks.push_back(DownloadTask(c, s, size, path, move));
      }
    }
  } else if (!src_s3) {
    std::error_code ec;
    if (!fs::is_directory(src, ec)) {
      Err("The user-provided path " + src + " does not exist.\n");
      return kExitOther;
    }
    S3Uri d = ParseS3(dest);
    d.key = DirPrefix(d.key);
    for (const auto& [rel, f] : ListLocal(src, c.print, outcome))
      if (c.filters.Included(rel))
        tasks.push_back(UploadTask(c, f.key, f.size, S3Uri{d.bucket, d.key + rel}, move));
  } else {
    S3Uri s = ParseS3(src);
    s.key = DirPrefix(s.key);
    auto objects = ListS3(*c.s3, s.bucket, s.key);
    if (!objects) return ReportError(objects.error(), "ListObjectsV2");
    S3Uri d = dest_s3 ? ParseS3(dest) : S3Uri{};
    d.key = DirPrefix(d.key);
    for (const auto& [rel, f] : *objects) {
      if (!c.filters.Included(rel)) continue;
      S3Uri from{s.bucket, f.key};
      if (dest_s3) {
        tasks.push_back(CopyTask(c, from, f.size, S3Uri{d.bucket, d.key + rel}, move));
      } else if (!SafeRelative(rel)) {
        Warn(outcome, c.print,
             "Skipping file " + from.ToString() +
                 ". Object's key does not name a file inside the destination folder.");
      } else {
        tasks.push_back(DownloadTask(c, from, f.size, LocalJoin(dest, rel), move));
      }
    }
  }
  RunTasks(tasks, c.print, outcome);
  return outcome.Code();
}

// ---- sync ----

// Whether a file must be copied to where one of the same name exists: the
// aws CLI's size-and-last-modified rule. Sizes differ, or the source is
// newer (in whole seconds, as S3 keeps times). --exact-timestamps: the
// times differ at all; --size-only: sizes only.
bool ShouldSync(const FileStat& src, const FileStat& dest, bool exact, bool size_only) {
  if (src.size != dest.size) return true;
  if (size_only) return false;
  if (exact) return src.mtime != dest.mtime;
  return src.mtime > dest.mtime;
}

int Sync(S3Command& c) {
  if (c.args.positional.size() != 2)
    return ReportUsage(UsageOf("s3 sync"), "the following arguments are required: paths");
  const std::string& src = c.args.positional[0];
  const std::string& dest = c.args.positional[1];
  bool src_s3 = IsS3(src), dest_s3 = IsS3(dest);
  if (!src_s3 && !dest_s3)
    return ReportUsage(UsageOf("s3 sync"),
                       "Invalid argument type: <LocalPath> <S3Uri> or <S3Uri> <LocalPath> or "
                       "<S3Uri> <S3Uri>");
  bool exact = c.args.Has("--exact-timestamps");
  bool size_only = c.args.Has("--size-only");
  Outcome outcome;
  std::map<std::string, FileStat> from, to;
  S3Uri s = src_s3 ? ParseS3(src) : S3Uri{};
  S3Uri d = dest_s3 ? ParseS3(dest) : S3Uri{};
  s.key = DirPrefix(s.key);
  d.key = DirPrefix(d.key);
  if (src_s3) {
    auto objects = ListS3(*c.s3, s.bucket, s.key);
    if (!objects) return ReportError(objects.error(), "ListObjectsV2");
    from = std::move(*objects);
  } else {
    std::error_code ec;
    if (!fs::is_directory(src, ec)) {
      Err("The user-provided path " + src + " does not exist.\n");
      return kExitOther;
    }
    from = ListLocal(src, c.print, outcome);
  }
  if (dest_s3) {
    auto objects = ListS3(*c.s3, d.bucket, d.key);
    if (!objects) return ReportError(objects.error(), "ListObjectsV2");
    to = std::move(*objects);
  } else {
    std::error_code ec;
    Outcome ignored;  // files the destination cannot compare are copied over
    if (fs::is_directory(dest, ec)) to = ListLocal(dest, PrintOptions{true}, ignored);
  }
  std::vector<Task> tasks;
  for (const auto& [rel, f] : from) {
    if (!c.filters.Included(rel)) continue;
    auto it = to.find(rel);
    if (it != to.end() && !ShouldSync(f, it->second, exact, size_only)) continue;
    if (!src_s3) {
      tasks.push_back(UploadTask(c, f.key, f.size, S3Uri{d.bucket, d.key + rel}, false));
    } else if (dest_s3) {
      tasks.push_back(CopyTask(c, S3Uri{s.bucket, f.key}, f.size, S3Uri{d.bucket, d.key + rel},
                               false));
    } else if (!SafeRelative(rel)) {
      Warn(outcome, c.print,
           "Skipping file s3://" + s.bucket + "/" + f.key +
               ". Object's key does not name a file inside the destination folder.");
    } else {
      tasks.push_back(DownloadTask(c, S3Uri{s.bucket, f.key}, f.size, LocalJoin(dest, rel), false));
    }
  }
  RunTasks(tasks, c.print, outcome);
  if (c.args.Has("--delete")) {
    std::vector<std::string> keys;
    std::vector<Task> deletes;
    for (const auto& [rel, f] : to) {
      if (from.count(rel) || !c.filters.Included(rel)) continue;
      if (dest_s3) keys.push_back(f.key);
      else deletes.push_back(DeleteLocalTask(f.key));
    }
    if (dest_s3) DeleteKeys(c, d.bucket, keys, outcome);
    RunTasks(deletes, c.print, outcome);
  }
  return outcome.Code();
}

// ---- presign ----

int Presign(S3Command& c) {
  if (c.args.positional.size() != 1 || !IsS3(c.args.positional[0]))
    return ReportUsage(UsageOf("s3 presign"), "presign needs one path: s3://bucket/key");
  S3Uri uri = ParseS3(c.args.positional[0]);
  if (uri.bucket.empty() || uri.key.empty())
    return ReportUsage(UsageOf("s3 presign"), "presign needs a key: s3://bucket/key");
  long expires = 3600;
  if (auto e = c.args.Get("--expires-in")) {
    char* end = nullptr;
    expires = std::strtol(e->c_str(), &end, 10);
    if (e->empty() || *end != '\0' || expires < 1 || expires > 604800)
      return ReportUsage(UsageOf("s3 presign"),
                         "argument --expires-in: a number of seconds from 1 to 604800 (7 days)");
  }
  auto url = c.s3->PresignGetObject(uri.bucket, uri.key, std::chrono::seconds(expires));
  if (!url) return ReportError(url.error(), "GetObject");
  Out(*url + "\n");
  return kExitOk;
}

// ---- dispatch ----

struct Subcommand {
  std::string_view name;
  std::vector<OptionSpec> options;
  int (*run)(S3Command&);
};

const std::vector<OptionSpec> kTransferOptions = {
    {"--quiet"},          {"--only-show-errors"},         {"--no-progress"},
    {"--dryrun"},         {"--exclude", Arity::kOne, true}, {"--include", Arity::kOne, true},
    {"--content-type", Arity::kOne}, {"--acl", Arity::kOne}, {"--storage-class", Arity::kOne},
    {"--cache-control", Arity::kOne}, {"--expected-size", Arity::kOne},
};

std::vector<OptionSpec> With(std::vector<OptionSpec> base, std::vector<OptionSpec> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

}  // namespace

int RunS3(const GlobalOptions& global, const std::vector<std::string>& words) {
  static const std::vector<Subcommand> kSubcommands = {
      {"ls", {{"--recursive"}, {"--human-readable"}, {"--summarize"}, {"--page-size", Arity::kOne}},
       Ls},
      {"mb", {}, Mb},
      {"rb", {{"--force"}}, Rb},
      {"cp", With(kTransferOptions, {{"--recursive"}}), [](S3Command& c) { return CpMv(c, false); }},
      {"mv", With(kTransferOptions, {{"--recursive"}}), [](S3Command& c) { return CpMv(c, true); }},
      {"rm",
       {{"--recursive"}, {"--quiet"}, {"--only-show-errors"}, {"--dryrun"},
        {"--exclude", Arity::kOne, true}, {"--include", Arity::kOne, true}},
       Rm},
      {"sync",
       With(kTransferOptions, {{"--delete"}, {"--exact-timestamps"}, {"--size-only"}}), Sync},
      {"presign", {{"--expires-in", Arity::kOne}}, Presign},
  };
  if (words.empty() && !global.help)
    return ReportUsage("awslab s3 <subcommand> [parameters]",
                       "the following arguments are required: subcommand");
  if (words.empty() || words[0] == "help") {
    PrintHelp("s3");
    return kExitOk;
  }
  const Subcommand* sub = nullptr;
  for (const Subcommand& s : kSubcommands)
    if (s.name == words[0]) sub = &s;
  if (!sub)
    return ReportUsage("awslab s3 <subcommand> [parameters]",
                       "argument subcommand: Invalid choice '" + words[0] +
                           "', valid choices are: ls | mb | rb | cp | mv | rm | sync | presign");
  std::string topic = "s3 " + std::string(sub->name);
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (global.help || (!rest.empty() && rest[0] == "help")) {
    PrintHelp(topic);
    return kExitOk;
  }
  S3Command c;
  c.words = rest;
  std::string error;
  if (!ParseArgs(rest, sub->options, c.args, error)) return ReportUsage(UsageOf(topic), error);

  int code = kExitOk;
  auto ctx = MakeContext(global, code);
  if (!ctx) return code;
  if (ctx->config.sign && ctx->config.credentials.access_key_id.empty())
    return ReportError(client::MakeError(client::codes::kNoCredentials, ""), "");
  c.ctx = ctx.get();
  auto s3 = S3Client::Create(ctx->caller);
  if (!s3) return ReportError(s3.error(), "");
  c.s3.emplace(std::move(*s3));
  client::TransferOptions transfer_options;
  transfer_options.cancel = &CancelFlag();
  c.transfer.emplace(*c.s3, transfer_options);
  TransfersInProgress transferring;
  c.print.quiet = c.args.Has("--quiet");
  c.print.only_show_errors = c.args.Has("--only-show-errors");
  c.print.dryrun = c.args.Has("--dryrun");
  c.print.progress = ctx->stdout_tty && !c.args.Has("--no-progress") && !c.print.quiet &&
                     !c.print.only_show_errors;
  c.filters = FiltersFrom(rest);
  if (auto t = c.args.Get("--content-type")) {
    c.put.content_type = *t;
    c.content_type_given = true;
  }
  if (auto a = c.args.Get("--acl")) c.put.acl = *a;
  if (auto s = c.args.Get("--storage-class")) c.put.storage_class = *s;
  if (auto cc = c.args.Get("--cache-control")) c.put.cache_control = *cc;
  return sub->run(c);
}

}  // namespace awslab::cli
