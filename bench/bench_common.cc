#include "bench/bench_common.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <thread>

namespace awslab::bench {

using namespace std::chrono_literals;

// ---------------------------------------------------------------- values

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Round(double v, int digits) {
  double f = std::pow(10.0, digits);
  return std::round(v * f) / f;
}

std::optional<std::uint64_t> ParseUint(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::optional<std::uint64_t> ParseSize(std::string_view s) {
  std::size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  auto v = ParseUint(s.substr(0, digits));
  if (!v) return std::nullopt;
  std::string_view suffix = s.substr(digits);
  std::uint64_t mult = 1;
  if (suffix.empty()) mult = 1;
  else if (suffix == "K" || suffix == "k" || suffix == "KiB") mult = 1ull << 10;
  else if (suffix == "M" || suffix == "m" || suffix == "MiB") mult = 1ull << 20;
  else if (suffix == "G" || suffix == "g" || suffix == "GiB") mult = 1ull << 30;
  else return std::nullopt;
  return *v * mult;
}

std::optional<double> ParseDouble(std::string_view s) {
  try {
    std::size_t used = 0;
    double v = std::stod(std::string(s), &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

std::string CommandLine(int argc, char** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    if (i) out += ' ';
    std::string a = argv[i];
    bool plain = !a.empty() && a.find_first_of(" \t'\"$\\") == a.npos;
    out += plain ? a : "'" + a + "'";
  }
  return out;
}

std::string DefaultWorkDir() {
  const char* t = std::getenv("TMPDIR");
  return t && *t ? t : "/tmp";
}

std::optional<std::string> ReadCommonFlag(awslab::args::Reader& args, CommonOptions& o) {
  const std::string_view name = args.name();
  std::string value;
  auto read = [&](std::string& to, const char* what) -> std::optional<std::string> {
    if (!args.Value(value)) return what;
    to = value;
    return "";
  };
  if (name == "--server") return read(o.server, "a path");
  if (name == "--server-arg") {
    if (!args.Value(value)) return "a value";
    o.server_args.push_back(value);
    return "";
  }
  if (name == "--access-key") return read(o.access_key, "a value");
  if (name == "--secret-key") return read(o.secret_key, "a value");
  if (name == "--work-dir") return read(o.work_dir, "a directory");
  if (name == "--json") return read(o.json_path, "a file");
  return std::nullopt;
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// ------------------------------------------------------------------- /proc

namespace {

// The fields of /proc/PID/stat after the command name, which is in
// parentheses and may hold spaces: [0] is field 3 (state), [1] the ppid.
// Empty when the process is gone.
std::vector<std::string> StatFields(const std::string& pid) {
  std::string all = ReadFile("/proc/" + pid + "/stat");
  std::size_t paren = all.rfind(')');
  if (paren == all.npos || paren + 2 > all.size()) return {};
  std::istringstream rest(all.substr(paren + 2));
  std::vector<std::string> fields;
  for (std::string w; rest >> w;) fields.push_back(w);
  return fields;
}

}  // namespace

double SelfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

double ProcessCpuSeconds(pid_t pid) {
  if (pid <= 0) return -1;
  std::vector<std::string> fields = StatFields(std::to_string(pid));
  // utime is field 14, stime field 15.
  if (fields.size() < 13) return -1;
  double ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  return (std::stod(fields[11]) + std::stod(fields[12])) / ticks;
}

std::vector<pid_t> ProcessTree(pid_t root) {
  std::vector<pid_t> out;
  if (root <= 0) return out;
  std::multimap<pid_t, pid_t> children;
  if (DIR* d = ::opendir("/proc")) {
    while (dirent* e = ::readdir(d)) {
      pid_t pid = static_cast<pid_t>(std::strtol(e->d_name, nullptr, 10));
      if (pid <= 0) continue;
      std::vector<std::string> fields = StatFields(e->d_name);
      if (fields.size() < 2) continue;
      children.emplace(static_cast<pid_t>(std::strtol(fields[1].c_str(), nullptr, 10)), pid);
    }
    ::closedir(d);
  }
  out.push_back(root);
  for (std::size_t i = 0; i < out.size(); ++i) {
    auto [b, e] = children.equal_range(out[i]);
    for (auto it = b; it != e; ++it) out.push_back(it->second);
  }
  return out;
}

double TreeCpuSeconds(const std::vector<pid_t>& pids) {
  double sum = 0;
  bool any = false;
  for (pid_t p : pids) {
    double v = ProcessCpuSeconds(p);
    if (v >= 0) {
      sum += v;
      any = true;
    }
  }
  return any ? sum : -1;
}

double MachineBusySeconds() {
  std::ifstream f("/proc/stat");
  std::string cpu;
  unsigned long long user, nice, system, idle, iowait, irq, softirq, steal;
  if (!(f >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal) ||
      cpu != "cpu")
    return -1;
  return static_cast<double>(user + nice + system + irq + softirq + steal) /
         static_cast<double>(::sysconf(_SC_CLK_TCK));
}

ProcStatus ReadProcStatus(pid_t pid) {
  ProcStatus st;
  if (pid <= 0) return st;
  std::ifstream f("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(f, line)) {
    auto value = [&](std::string_view name) -> std::optional<long> {
      if (!std::string_view(line).starts_with(name)) return std::nullopt;
      return std::strtol(line.c_str() + name.size(), nullptr, 10);
    };
    if (auto v = value("VmRSS:")) st.rss_kb = *v;
    else if (auto v2 = value("VmHWM:")) st.hwm_kb = *v2;
    else if (auto v3 = value("Threads:")) st.threads = *v3;
    else if (auto v4 = value("RssAnon:")) st.rss_anon_kb = *v4;
    else if (auto v5 = value("RssFile:")) st.rss_file_kb = *v5;
  }
  return st;
}

ProcStatus ReadTreeStatus(const std::vector<pid_t>& pids) {
  ProcStatus sum;
  auto add = [](long& to, long v) {
    if (v >= 0) to = (to < 0 ? 0 : to) + v;
  };
  for (pid_t p : pids) {
    ProcStatus st = ReadProcStatus(p);
    add(sum.rss_kb, st.rss_kb);
    add(sum.hwm_kb, st.hwm_kb);
    add(sum.rss_anon_kb, st.rss_anon_kb);
    add(sum.rss_file_kb, st.rss_file_kb);
    add(sum.threads, st.threads);
  }
  return sum;
}

ProcStatus ReadTreeStatus(pid_t root) { return ReadTreeStatus(ProcessTree(root)); }

// ------------------------------------------------------------------ bodies

Pattern::Pattern(std::uint64_t seed) : bytes_(kPeriod + kWindow) {
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < kPeriod; i += 8) {
    state += 0x9e3779b97f4a7c15ull;  // splitmix64
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    std::memcpy(&bytes_[i], &z, std::min<std::size_t>(8, kPeriod - i));
  }
  std::memcpy(&bytes_[kPeriod], &bytes_[0], kWindow);
}

bool Pattern::Matches(std::uint64_t offset, const char* data, std::size_t n) const {
  while (n > 0) {
    std::size_t k = std::min(n, kWindow);
    if (std::memcmp(data, At(offset), k) != 0) return false;
    data += k;
    n -= k;
    offset += k;
  }
  return true;
}

// ------------------------------------------------------------------ server

bool MakeServerDir(const std::string& work_dir, const std::string& prefix, ServerProcess& sp,
                   std::string& err, const std::string& data_dir) {
  std::string tmpl = work_dir + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    err = "mkdtemp in " + work_dir + ": " + std::strerror(errno);
    return false;
  }
  sp.dir = tmpl;
  sp.data_dir = data_dir.empty() ? sp.dir + "/data" : data_dir;
  sp.log_file = sp.dir + "/server.log";
  if (data_dir.empty()) ::mkdir(sp.data_dir.c_str(), 0700);
  return true;
}

std::vector<std::string> AwslabServerArgs(const std::string& binary, ServerProcess& sp) {
  sp.port_file = sp.dir + "/port";
  return {binary, "--port", "0", "--port-file", sp.port_file, "--quiet", "--data-dir",
          sp.data_dir};
}

bool SpawnServer(std::vector<std::string> args, ServerProcess& sp, std::string& err) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int log_fd = ::open(sp.log_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log_fd < 0 || null_fd < 0) {
    if (log_fd >= 0) ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    err = "cannot open " + sp.log_file;
    return false;
  }
  const pid_t parent = ::getpid();
  sp.forked = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    // Only async-signal-safe calls from here to exec.
    ::dup2(null_fd, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // never outlive the tool
    if (::getppid() != parent) ::_exit(1);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) {
    err = std::string("fork: ") + std::strerror(errno);
    return false;
  }
  sp.pid = pid;
  return true;
}

bool Reaped(ServerProcess& sp) {
  if (sp.pid <= 0 || sp.exit_status != -1) return true;
  int status = 0;
  if (::waitpid(sp.pid, &status, WNOHANG) == sp.pid) {
    sp.exit_status = status;
    return true;
  }
  return false;
}

std::string DescribeExit(int status) {
  if (status == -1) return "running";
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

bool ReadPortFile(ServerProcess& sp) {
  if (sp.port != 0) return true;
  if (sp.port_file.empty()) return false;
  std::string text = ReadFile(sp.port_file);
  unsigned long port = std::strtoul(text.c_str(), nullptr, 10);
  if (text.empty() || port == 0 || port >= 65536) return false;
  sp.port = static_cast<std::uint16_t>(port);
  sp.listening_ms = Millis(Clock::now() - sp.forked);
  return true;
}

bool WaitForPortFile(ServerProcess& sp, std::chrono::seconds timeout, std::string& err) {
  for (const auto deadline = sp.forked + timeout; Clock::now() < deadline;) {
    if (Reaped(sp)) {
      err = "the server exited (" + DescribeExit(sp.exit_status) + "); log:\n" +
            ReadFile(sp.log_file);
      return false;
    }
    if (ReadPortFile(sp)) return true;
    std::this_thread::sleep_for(10ms);
  }
  err = "no port file from the server within " + std::to_string(timeout.count()) + " s";
  return false;
}

void StopServer(ServerProcess& sp, bool keep_dir) {
  if (sp.pid > 0 && !Reaped(sp)) {
    std::vector<pid_t> tree = ProcessTree(sp.pid);
    auto t0 = Clock::now();
    ::kill(sp.pid, SIGTERM);
    while (!Reaped(sp)) {
      // Generous: a server that has just been under load may take a while
      // to drain; one that takes this long is stuck.
      if (Clock::now() - t0 > 30s) {
        ::kill(sp.pid, SIGKILL);
        int status = 0;
        ::waitpid(sp.pid, &status, 0);
        sp.exit_status = status;
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
    sp.stop_ms = Millis(Clock::now() - t0);
    for (std::size_t i = 1; i < tree.size(); ++i) {
      auto t1 = Clock::now();
      while (::kill(tree[i], 0) == 0 && Clock::now() - t1 < 2s) std::this_thread::sleep_for(5ms);
      if (::kill(tree[i], 0) == 0) ::kill(tree[i], SIGKILL);
    }
  }
  if (!keep_dir && !sp.dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(sp.dir, ec);
  }
}

}  // namespace awslab::bench
