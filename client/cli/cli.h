// The awslab command-line tool's shared parts: exit codes, global options,
// the per-command option parser, the run context (configuration and the one
// Caller every client shares), error reporting and output formatting.
// Commands live in s3_commands.cc, ec2_commands.cc and account_commands.cc;
// main.cc dispatches. See docs/cli.md for the user's view.
//
// Thread-safety: a Context is built once on the main thread; its Caller may
// be used from many threads (transfers). Printing helpers write whole lines
// under one lock (Out(), Err()), so lines of parallel transfers never mix.
#ifndef AWSLAB_CLIENT_CLI_CLI_H_
#define AWSLAB_CLIENT_CLI_CLI_H_

#include <atomic>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/service.h"

namespace awslab::cli {

namespace json = boost::json;
using client::Error;
template <class T>
using Result = client::Result<T>;

// Ctrl-C. While an s3 command transfers (TransfersInProgress alive), the
// first Ctrl-C sets CancelFlag(): the TransferManager stops, aborts its
// multipart uploads and removes its temporary files, and the command ends
// with 130. A second Ctrl-C, or one at any other time, ends the process at
// once with 130.
std::atomic<bool>& CancelFlag();
// `forward_to_main`: whether a watcher thread sends the signal on to the
// main thread, which may be blocked in a read of stdin (`cp -`). The word
// count needs none, and must have no other thread when it forks its workers.
class TransfersInProgress {
 public:
  explicit TransfersInProgress(bool forward_to_main = true);
  ~TransfersInProgress();
  TransfersInProgress(const TransfersInProgress&) = delete;
  TransfersInProgress& operator=(const TransfersInProgress&) = delete;

 private:
  bool forward_to_main_;
};

// The aws CLI v2's return codes (docs "Understand return codes from the AWS
// CLI"), so scripts written for aws work unchanged.
enum ExitCode : int {
  kExitOk = 0,
  kExitS3Failed = 1,     // an s3 transfer command had failures (also mb/rb failures, ls of nothing)
  kExitS3Skipped = 2,    // an s3 transfer command skipped files (unreadable, special)
  kExitInterrupted = 130,  // SIGINT
  kExitUsage = 252,      // unknown command or option, missing or bad argument
  kExitConfig = 253,     // configuration or credentials missing or invalid
  kExitService = 254,    // the service answered with an error
  kExitOther = 255,      // anything else (connection refused, local I/O, ...)
};

enum class OutputFormat { kTable, kJson, kText };

// Options the aws CLI accepts anywhere on the command line.
struct GlobalOptions {
  std::optional<std::string> profile, region, endpoint_url, ca_bundle;
  std::optional<OutputFormat> output;  // given with --output
  std::optional<int> connect_timeout_s, read_timeout_s;
  bool no_verify_ssl = false;
  bool no_sign_request = false;
  bool debug = false;
  bool help = false;  // --help / -h anywhere, or the word "help"
};

// Takes the global options out of argv (before or after the command) and
// returns the rest in order. "--" ends option processing: what follows is
// kept as positional words.
// False on a usage error (a missing or bad value), described in `error`.
bool ExtractGlobalOptions(int argc, char** argv, GlobalOptions& out,
                          std::vector<std::string>& rest, std::string& error);

// ---- per-command options ----

enum class Arity {
  kFlag,  // --recursive
  kOne,   // --expires-in 3600
  kMany,  // --security-group-ids sg-1 sg-2 (one or more, up to the next option)
};

struct OptionSpec {
  std::string name;  // "--recursive"
  Arity arity = Arity::kFlag;
  bool repeatable = false;  // may be given several times (values accumulate)
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>, std::less<>> options;

  bool Has(std::string_view name) const { return options.count(name) != 0; }
  // The (last) value of an option.
  std::optional<std::string> Get(std::string_view name) const;
  // Every value given (empty when absent).
  std::vector<std::string> All(std::string_view name) const;
};

// Parses a command's arguments. Unknown options, missing values and options
// given twice (unless repeatable) are usage errors.
bool ParseArgs(const std::vector<std::string>& words, const std::vector<OptionSpec>& spec,
               ParsedArgs& out, std::string& error);

// ---- the run context ----

struct Context {
  GlobalOptions global;
  client::Config config;
  OutputFormat output = OutputFormat::kTable;
  std::shared_ptr<client::Caller> caller;  // shared by every client of the run
  bool stdout_tty = false;
  bool stderr_tty = false;

  // True when the endpoint of `service` is configured (an emulator), false
  // for AWS's own endpoints.
  bool CustomEndpoint(std::string_view service) const {
    return !config.EndpointUrlFor(service).empty();
  }
};

// Loads the configuration (flags, environment, ~/.aws files) and makes the
// shared Caller. On failure prints the error and sets exit_code (253).
std::unique_ptr<Context> MakeContext(const GlobalOptions& global, int& exit_code);

// True when the command asks for help: --help anywhere, or the word "help"
// at position `at` of the command's words.
bool WantsHelp(const GlobalOptions& global, const std::vector<std::string>& words,
               std::size_t at);

// MakeContext, then: signing without credentials is the aws CLI's
// NoCredentials error (253).
std::unique_ptr<Context> SignedContext(const GlobalOptions& global, int& code);

// The URL of the request the calling thread sent last (for connection error
// messages, as the aws CLI names the endpoint it could not reach).
std::string LastRequestUrl();

// ---- errors ----

// The exit code an error maps to: 254 for an answer of the service, 253
// for missing credentials or bad configuration, 255 otherwise.
int ExitCodeFor(const Error& e);

// "An error occurred (NoSuchBucket) when calling the ListObjectsV2
// operation: The specified bucket does not exist", or for errors without an
// answer the aws CLI's wording ("Unable to locate credentials...",
// "Could not connect to the endpoint URL: ...").
std::string DescribeError(const Error& e, std::string_view operation);

// Prints DescribeError on stderr (with a leading newline as the aws CLI
// prints it) and returns ExitCodeFor.
int ReportError(const Error& e, std::string_view operation);

// The endpoint of awslab's admin API: the general endpoint URL, or (when
// only per-service ones are set, as AWS_ENDPOINT_URL_S3) the S3 or EC2 one,
// since awslab serves every API on one port. Empty: none (real AWS).
std::string AdminEndpoint(const Context& ctx);

// `awslab admin class create|report` (class_commands.cc).
int AdminClass(Context& ctx, const ParsedArgs& args);

// Prints "awslab: error: MESSAGE" with the usage line and returns 252.
int ReportUsage(std::string_view usage, std::string_view message);

// ---- output ----

// Thread-safe whole-line writers (stdout and stderr). A line goes out
// whole; progress lines on stderr are cleared first.
void Out(std::string_view text);
void Err(std::string_view text);

// One table of a command's answer: a title (table output), a tag (the first
// field of every text line when the output has several sections), column
// headers and rows of cells.
struct Section {
  std::string title;
  std::string tag;
  std::vector<std::string> headers;
  std::vector<bool> right_align;  // per column; missing: left
  std::vector<std::vector<std::string>> rows;
};

// A command's answer in the three formats: `document` for json, the
// sections for table and text.
struct Answer {
  json::value document;
  std::vector<Section> sections;
};

void PrintAnswer(const Context& ctx, const Answer& answer);

// JSON with 4-space indents and keys in the order they were inserted (the
// order each command defines), as the aws CLI prints.
std::string PrettyJson(const json::value& v);

// Aligned columns, two spaces apart, headers in upper case.
std::string FormatTable(const Section& section);

// ---- small helpers ----

// "1.5 MiB" as the aws CLI prints sizes (--human-readable).
std::string HumanSize(std::uint64_t bytes);
// ISO 8601 ("2013-04-01T00:00:00.000Z") as "2013-04-01 00:00:00" in the
// local time zone (TZ), as aws s3 ls prints it.
std::string LocalTimeString(std::string_view iso);
// Unix seconds of an ISO 8601 / RFC 1123 time; nullopt if unreadable.
std::optional<std::int64_t> ParseTimeSeconds(std::string_view s);

// Command entry points. `words` are the arguments after the service word
// (after "s3", "ec2", ...), global options removed.
int RunS3(const GlobalOptions& global, const std::vector<std::string>& words);
int RunEc2(const GlobalOptions& global, const std::vector<std::string>& words);
int RunBill(const GlobalOptions& global, const std::vector<std::string>& words);
int RunAdmin(const GlobalOptions& global, const std::vector<std::string>& words);
int RunWordcount(const GlobalOptions& global, const std::vector<std::string>& words);

// Help texts (help.cc). Topic: "" (top level), "s3", "s3 cp", "ec2", ...
// Returns false for an unknown topic.
bool PrintHelp(std::string_view topic);
// The usage line of a command ("awslab s3 cp <source> <dest> [--recursive] ...").
std::string UsageOf(std::string_view topic);

}  // namespace awslab::cli

#endif  // AWSLAB_CLIENT_CLI_CLI_H_
