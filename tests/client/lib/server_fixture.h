// Starts the real awslab-server for libawslab's tests: a fresh data directory,
// a free loopback port (--port 0 with --port-file), stopped by its process id
// (SIGTERM, then SIGKILL) when the object goes. The binary comes from the
// environment variable AWSLAB_SERVER (ctest sets it).
//
// Thread-safety: one thread.
#ifndef AWSLAB_TESTS_CLIENT_LIB_SERVER_FIXTURE_H_
#define AWSLAB_TESTS_CLIENT_LIB_SERVER_FIXTURE_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace awslab::testing {

class RealServer {
 public:
  // extra: more flags ("--time-scale", "0", ...).
  explicit RealServer(std::vector<std::string> extra = {}) {
    const char* binary = std::getenv("AWSLAB_SERVER");
    if (!binary || !*binary) throw std::runtime_error("AWSLAB_SERVER is not set");
    char tmpl[] = "/tmp/awslab-libtest-XXXXXX";
    if (!mkdtemp(tmpl)) throw std::runtime_error("mkdtemp failed");
    dir_ = tmpl;
    std::string port_file = dir_ + "/port";
    std::vector<std::string> args = {binary, "--port", "0", "--port-file", port_file,
                                     "--data-dir", dir_ + "/data", "--quiet"};
    args.insert(args.end(), extra.begin(), extra.end());
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      std::string log = dir_ + "/server.log";
      freopen(log.c_str(), "w", stdout);
      freopen(log.c_str(), "a", stderr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(port_file);
      int port = 0;
      if (in >> port && port > 0) {
        port_ = port;
        return;
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("awslab-server exited at start; see " + dir_ + "/server.log");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    Stop();
    throw std::runtime_error("awslab-server did not start within 20 s");
  }
  RealServer(const RealServer&) = delete;
  RealServer& operator=(const RealServer&) = delete;
  ~RealServer() {
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    for (int i = 0; i < 500; ++i) {
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid_, SIGKILL);
    int status;
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  int port() const { return port_; }
  // "http://127.0.0.1:PORT"
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace awslab::testing

#endif  // AWSLAB_TESTS_CLIENT_LIB_SERVER_FIXTURE_H_
