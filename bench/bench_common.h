// What s3bench and awslab-loadtest share: flag values, readers of a
// process's CPU time and memory from /proc, a deterministic byte pattern for
// bodies, percentiles, and a server of their own started on a fresh temp
// dir and stopped by its pid. One copy, so the two tools measure the same way.
//
// Thread-safety: the free functions may be called from any thread (they
// touch no shared state); a ServerProcess belongs to one thread; a Pattern is
// read-only once built.
#ifndef AWSLAB_BENCH_BENCH_COMMON_H_
#define AWSLAB_BENCH_BENCH_COMMON_H_

#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/args.h"

namespace awslab::bench {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- values

double Seconds(Clock::duration d);
double Millis(Clock::duration d);
// `v` rounded to `digits` decimals (for JSON that a person reads).
double Round(double v, int digits);

// A whole string of decimal digits, or nullopt.
std::optional<std::uint64_t> ParseUint(std::string_view s);
// Digits with an optional K, M or G suffix (also k, m, g, KiB, MiB, GiB;
// powers of 1024), or nullopt.
std::optional<std::uint64_t> ParseSize(std::string_view s);
// A whole string that std::stod reads, or nullopt.
std::optional<double> ParseDouble(std::string_view s);

// argv joined by spaces, words with spaces or shell characters in single
// quotes: the command as the report shows it.
std::string CommandLine(int argc, char** argv);
// $TMPDIR, or /tmp when it is unset or empty.
std::string DefaultWorkDir();

// The flags both tools take, with the same meaning; each tool's Options
// derives from this and reads its own flags besides.
struct CommonOptions {
  std::string server;                    // --server PATH: an awslab-server to start
  std::vector<std::string> server_args;  // --server-arg ARG (repeatable): appended last
  std::string access_key = "test";       // --access-key KEY
  std::string secret_key = "test";       // --secret-key SECRET
  std::string work_dir;                  // --work-dir DIR: where temp dirs go
  std::string json_path;                 // --json FILE
  std::string command_line;              // for the report
};

// Reads the flag `args` is on when it is one of CommonOptions'. nullopt: it
// is not; "": read; otherwise what its value should be ("a path"), for the
// tool's usage error.
std::optional<std::string> ReadCommonFlag(awslab::args::Reader& args, CommonOptions& o);
// The whole file, or "" when it cannot be read.
std::string ReadFile(const std::string& path);

// ------------------------------------------------------------------- /proc

// The CPU time (user + system) of this process.
double SelfCpuSeconds();
// utime + stime of a process from /proc/PID/stat, or -1.
double ProcessCpuSeconds(pid_t pid);
// The process and all its descendants (nginx's master and its workers), from
// the ppid field of every /proc/N/stat; empty when `root` is not running.
std::vector<pid_t> ProcessTree(pid_t root);
// The CPU time of a set of processes (those still running), or -1 when none is.
double TreeCpuSeconds(const std::vector<pid_t>& pids);
// CPU seconds the whole machine spent busy (all cores; /proc/stat), or -1.
// Busy minus the tool's and the server's own time is what other processes
// took: a run with a lot of it was disturbed.
double MachineBusySeconds();

// Lines of /proc/PID/status, in KiB; -1 when unknown.
struct ProcStatus {
  long rss_kb = -1;       // VmRSS
  long hwm_kb = -1;       // VmHWM: peak VmRSS since start (or since the peak was reset)
  long rss_anon_kb = -1;  // RssAnon: heap, stacks: the process's own memory
  long rss_file_kb = -1;  // RssFile: mapped files (binary, libraries, mmapped data files)
  long threads = -1;
};

ProcStatus ReadProcStatus(pid_t pid);
// The sum over a set of processes (a peer's master and workers); VmHWM is the
// sum of the peaks of each, an upper bound of the peak of the sum.
ProcStatus ReadTreeStatus(const std::vector<pid_t>& pids);
ProcStatus ReadTreeStatus(pid_t root);

// ------------------------------------------------------------------ bodies

// A deterministic byte stream: byte i is Pattern[i % kPeriod]. The buffer
// holds one period plus a window, so any piece of up to kWindow bytes from
// any offset is contiguous: bodies are sent and compared without copies, and
// big ones stream from here without being held whole. Each tool has its own
// seed, so its bodies stay what they were.
class Pattern {
 public:
  static constexpr std::size_t kPeriod = (1u << 20) + 4093;  // not a power of two
  static constexpr std::size_t kWindow = 1u << 20;

  explicit Pattern(std::uint64_t seed);

  // The next kWindow bytes of the stream from `offset`.
  const char* At(std::uint64_t offset) const { return bytes_.data() + offset % kPeriod; }
  // `size` (at most kWindow) bytes from `offset`.
  std::string_view Body(std::uint64_t offset, std::size_t size) const {
    return {At(offset), size};
  }
  // Whether `data` is the stream from `offset` on, for any length.
  bool Matches(std::uint64_t offset, const char* data, std::size_t n) const;

 private:
  std::vector<char> bytes_;
};

// The nearest-rank p-quantile (0 < p <= 1) of sorted values, 0 when there
// are none; the caller scales it (s3bench keeps nanoseconds, the load test
// microseconds).
template <typename T>
double Percentile(const std::vector<T>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t rank = static_cast<std::size_t>(std::ceil(p * sorted.size()));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return static_cast<double>(sorted[rank - 1]);
}

// ------------------------------------------------------------------ server

// A server the tool started: its own temp dir (data/, port, server.log, and
// what else the tool puts there), its pid, and when it got where.
struct ServerProcess {
  pid_t pid = -1;
  std::string dir;       // the temp dir, removed by StopServer
  std::string data_dir;  // dir/data, or a data dir given to MakeServerDir
  std::string port_file;  // awslab-server writes its port here (AwslabServerArgs)
  std::string log_file;   // dir/server.log: the server's stdout and stderr
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  Clock::time_point forked;
  double listening_ms = -1;  // from fork to the port file (ReadPortFile)
  double first_response_ms = -1;
  int exit_status = -1;  // raw waitpid status once reaped
  double stop_ms = -1;   // from SIGTERM to the exit (StopServer)
};

// Makes a fresh temp dir WORK_DIR/PREFIX-XXXXXX for `sp`, with an empty
// data/ in it, or with sp.data_dir = `data_dir` when one is given (used as it
// is, never removed).
bool MakeServerDir(const std::string& work_dir, const std::string& prefix, ServerProcess& sp,
                   std::string& err, const std::string& data_dir = {});

// awslab-server's own arguments for `sp` (after MakeServerDir): BINARY --port
// 0 --port-file DIR/port --quiet --data-dir DATA. Sets sp.port_file. A tool
// appends its own and then the user's (where a flag is given twice the last
// one counts).
std::vector<std::string> AwslabServerArgs(const std::string& binary, ServerProcess& sp);

// Forks and execs args[0] (searched in PATH when it has no '/') with
// stdin from /dev/null and stdout and stderr to sp.log_file; the child gets
// SIGTERM if the tool dies, so it never outlives it. Sets sp.pid and
// sp.forked.
bool SpawnServer(std::vector<std::string> args, ServerProcess& sp, std::string& err);

// True once the process has exited (and reaps it, keeping its status).
bool Reaped(ServerProcess& sp);
// "exit code 0", "killed by signal Killed", "running" (-1).
std::string DescribeExit(int status);

// Reads sp.port_file once (awslab-server writes it whole, by rename, once it
// listens); sets sp.port and sp.listening_ms when it is there. True once
// sp.port is known.
bool ReadPortFile(ServerProcess& sp);
// Polls the port file until it is there; false (and why, with the server's
// log when it exited) after `timeout` from the fork or when the server exits.
bool WaitForPortFile(ServerProcess& sp, std::chrono::seconds timeout, std::string& err);

// SIGTERM to the server's pid, SIGKILL after 30 s; descendants still there
// 2 s after the server ended get SIGKILL (a peer's workers). Sets stop_ms and
// exit_status. Removes the temp dir unless keep_dir.
void StopServer(ServerProcess& sp, bool keep_dir = false);

}  // namespace awslab::bench

#endif  // AWSLAB_BENCH_BENCH_COMMON_H_
