// The awslab command-line tool: S3, EC2 and the bill against awslab-server
// or AWS, shaped like the aws CLI (docs/cli.md). This file takes the global
// options out of argv and dispatches to the command families.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <thread>
#include <string>
#include <vector>

#include "client/cli/cli.h"

namespace awslab::cli {
namespace {
std::atomic<bool> g_cancel{false};
std::atomic<int> g_transfers{0};
pthread_t g_main_thread;
std::atomic<bool> g_forwarded{false};
}  // namespace

std::atomic<bool>& CancelFlag() { return g_cancel; }

namespace {
// While transfers run, a watcher sends SIGINT on to the main thread every
// 50 ms once Ctrl-C was pressed: the main thread may be blocked in a read of
// stdin (`cp -`) that only a signal of its own interrupts, and it may have
// entered that read just after the first signal arrived.
std::mutex g_watch_mu;
std::condition_variable g_watch_cv;
std::thread g_watcher;

void Watch() {
  std::unique_lock lock(g_watch_mu);
  while (g_transfers.load() > 0) {
    g_watch_cv.wait_for(lock, std::chrono::milliseconds(50));
    if (g_cancel.load() && g_transfers.load() > 0) {
      g_forwarded.store(true);
      pthread_kill(g_main_thread, SIGINT);
    }
  }
}
}  // namespace

TransfersInProgress::TransfersInProgress(bool forward_to_main)
    : forward_to_main_(forward_to_main) {
  std::lock_guard lock(g_watch_mu);
  if (!forward_to_main_) {
    g_transfers.fetch_add(1);
    return;
  }
  if (g_transfers.fetch_add(1) == 0) {
    if (g_watcher.joinable()) g_watcher.join();
    g_watcher = std::thread(Watch);
  }
}
TransfersInProgress::~TransfersInProgress() {
  std::thread done;
  {
    std::lock_guard lock(g_watch_mu);
    if (g_transfers.fetch_sub(1) == 1 && forward_to_main_) done = std::move(g_watcher);
  }
  g_watch_cv.notify_all();
  if (done.joinable()) done.join();
}

namespace {

// Ctrl-C: the aws CLI's message and return code. Only async-signal-safe
// calls here (lock-free atomics, write, _exit). During transfers the first
// one only asks them to stop (they abort their multipart uploads, as the aws
// CLI's do, and remove their temporary files); SA_RESTART is off so a read
// of stdin is interrupted too.
// (A SIGINT the watcher sent on only interrupts the main thread's read.)
extern "C" void OnSigint(int) {
  if (g_forwarded.exchange(false)) return;
  static const char kMessage[] = "\ncancelled: ctrl-c received\n";
  ssize_t ignored = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  (void)ignored;
  if (g_transfers.load() > 0 && !g_cancel.exchange(true)) return;
  ::_exit(kExitInterrupted);
}

}  // namespace
}  // namespace awslab::cli

int main(int argc, char** argv) {
  using namespace awslab::cli;
  g_main_thread = pthread_self();
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = OnSigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);

  GlobalOptions global;
  std::vector<std::string> words;
  std::string error;
  if (!ExtractGlobalOptions(argc, argv, global, words, error)) return ReportUsage("", error);
  if (!words.empty() && words[0] == "--version") {
    Out("awslab 0.1.0\n");
    return kExitOk;
  }
  if (words.empty()) {
    if (global.help) {
      PrintHelp("");
      return kExitOk;
    }
    return ReportUsage("", "the following arguments are required: command");
  }
  std::string command = words[0];
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (command == "help") {
    std::string topic;
    for (const std::string& w : rest) topic += (topic.empty() ? "" : " ") + w;
    if (!PrintHelp(topic)) return ReportUsage("", "no help on '" + topic + "'");
    return kExitOk;
  }
  if (command == "s3") {
    int rc = RunS3(global, rest);
    return CancelFlag().load() ? kExitInterrupted : rc;
  }
  if (command == "ec2") return RunEc2(global, rest);
  if (command == "bill") return RunBill(global, rest);
  if (command == "admin") return RunAdmin(global, rest);
  if (command == "wordcount") return RunWordcount(global, rest);
  return ReportUsage("", "argument command: Invalid choice '" + command +
                             "', valid choices are: s3 | ec2 | bill | wordcount | admin");
}
