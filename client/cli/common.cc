// The awslab CLI's shared parts: global options, the option parser, the run
// context, error reporting and output formats (see cli.h).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>

#include "client/cli/cli.h"
#include "client/cli/console.h"
#include "client/include/awslab/http.h"

namespace awslab::cli {

namespace {

struct GlobalSpec {
  std::string_view name;
  bool takes_value;
};

// The aws CLI's global options that awslab knows. --no-paginate and
// --no-cli-pager are accepted and change nothing (awslab pages itself and
// has no pager).
constexpr GlobalSpec kGlobals[] = {
    {"--profile", true},       {"--region", true},         {"--endpoint-url", true},
    {"--output", true},        {"--ca-bundle", true},      {"--cli-connect-timeout", true},
    {"--cli-read-timeout", true}, {"--no-verify-ssl", false}, {"--no-sign-request", false},
    {"--debug", false},        {"--no-paginate", false},   {"--no-cli-pager", false},
    {"--help", false},         {"-h", false},
};

std::optional<OutputFormat> ParseOutputFormat(std::string_view s) {
  if (s == "table") return OutputFormat::kTable;
  if (s == "json") return OutputFormat::kJson;
  if (s == "text") return OutputFormat::kText;
  return std::nullopt;
}

std::optional<int> ParseSeconds(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

std::mutex g_url_mu;
std::string g_last_url;

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The output format of the profile when --output is not given:
// AWS_DEFAULT_OUTPUT, then `output` in the profile's section of the config
// file (the aws CLI's order). LoadConfig does not read it: it is the CLI's.
Result<std::optional<OutputFormat>> ConfiguredOutput(const client::Config& config) {
  std::optional<std::string> value;
  if (const char* env = std::getenv("AWS_DEFAULT_OUTPUT"); env && *env) {
    value = env;
  } else {
    std::string path;
    if (const char* f = std::getenv("AWS_CONFIG_FILE"); f && *f) path = f;
    else path = std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + "/.aws/config";
    if (path.starts_with("~/"))
      path = std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + path.substr(1);
    if (auto text = ReadFile(path)) {
      client::IniFile ini = client::ParseIni(*text);
      std::string section =
          config.profile == "default" ? "default" : "profile " + config.profile;
      auto it = ini.find(section);
      if (it == ini.end()) it = ini.find("profile " + config.profile);
      if (it != ini.end())
        if (auto o = it->second.find("output"); o != it->second.end() && !o->second.empty())
          value = o->second;
    }
  }
  if (!value) return std::optional<OutputFormat>();
  auto format = ParseOutputFormat(*value);
  if (!format)
    return client::MakeError(client::codes::kInvalidConfig,
                             "output must be table, json or text, not " + *value);
  return format;
}

// Counts UTF-8 code points (column widths of names with accents).
std::size_t DisplayWidth(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

void PrettyInto(const json::value& v, int depth, std::string& out) {
  auto indent = [&](int d) { out.append(static_cast<std::size_t>(d) * 4, ' '); };
  switch (v.kind()) {
    case json::kind::object: {
      const json::object& o = v.get_object();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += "{\n";
      bool first = true;
      for (const auto& [k, val] : o) {
        if (!first) out += ",\n";
        first = false;
        indent(depth + 1);
        out += json::serialize(json::string(k));
        out += ": ";
        PrettyInto(val, depth + 1, out);
      }
      out += "\n";
      indent(depth);
      out += "}";
      return;
    }
    case json::kind::array: {
      const json::array& a = v.get_array();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += "[\n";
      bool first = true;
      for (const json::value& val : a) {
        if (!first) out += ",\n";
        first = false;
        indent(depth + 1);
        PrettyInto(val, depth + 1, out);
      }
      out += "\n";
      indent(depth);
      out += "]";
      return;
    }
    default:
      out += json::serialize(v);
  }
}

}  // namespace

// ---- global options ----

bool ExtractGlobalOptions(int argc, char** argv, GlobalOptions& out,
                          std::vector<std::string>& rest, std::string& error) {
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (options_done) {
      rest.emplace_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      rest.emplace_back(arg);  // the command's parser sees it too
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string> inline_value;
    if (arg.starts_with("--")) {
      if (auto eq = arg.find('='); eq != arg.npos) {
        name = arg.substr(0, eq);
        inline_value = std::string(arg.substr(eq + 1));
      }
    }
    const GlobalSpec* spec = nullptr;
    for (const GlobalSpec& g : kGlobals)
      if (g.name == name) spec = &g;
    if (!spec) {
      rest.emplace_back(arg);
      continue;
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = *inline_value;
      } else if (i + 1 < argc) {
        value = argv[++i];
      } else {
        error = "argument " + std::string(name) + ": expected one argument";
        return false;
      }
    } else if (inline_value) {
      error = "argument " + std::string(name) + ": ignored explicit argument '" + *inline_value +
              "'";
      return false;
    }
    if (name == "--profile") out.profile = value;
    else if (name == "--region") out.region = value;
    else if (name == "--endpoint-url") out.endpoint_url = value;
    else if (name == "--ca-bundle") out.ca_bundle = value;
    else if (name == "--output" && value.starts_with("s3://")) {
      // `awslab wordcount --output s3://BUCKET/KEY`: the command's own option.
      rest.emplace_back("--output");
      rest.push_back(value);
    } else if (name == "--output") {
      out.output = ParseOutputFormat(value);
      if (!out.output) {
        error = "argument --output: Invalid choice '" + value +
                "', valid choices are: table | json | text";
        return false;
      }
    } else if (name == "--cli-connect-timeout" || name == "--cli-read-timeout") {
      auto s = ParseSeconds(value);
      if (!s) {
        error = "argument " + std::string(name) + ": expected a number of seconds, not '" + value +
                "'";
        return false;
      }
      (name == "--cli-connect-timeout" ? out.connect_timeout_s : out.read_timeout_s) = *s;
    } else if (name == "--no-verify-ssl") out.no_verify_ssl = true;
    else if (name == "--no-sign-request") out.no_sign_request = true;
    else if (name == "--debug") out.debug = true;
    else if (name == "--help" || name == "-h") out.help = true;
  }
  return true;
}

// ---- command options ----

std::optional<std::string> ParsedArgs::Get(std::string_view name) const {
  auto it = options.find(name);
  if (it == options.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::All(std::string_view name) const {
  auto it = options.find(name);
  return it == options.end() ? std::vector<std::string>{} : it->second;
}

bool ParseArgs(const std::vector<std::string>& words, const std::vector<OptionSpec>& spec,
               ParsedArgs& out, std::string& error) {
  std::vector<std::string> unknown;
  bool options_done = false;
  for (std::size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (options_done || w == "-" || !w.starts_with("-")) {
      out.positional.push_back(w);
      continue;
    }
    if (w == "--") {
      options_done = true;
      continue;
    }
    std::string name = w;
    std::optional<std::string> inline_value;
    if (auto eq = w.find('='); w.starts_with("--") && eq != w.npos) {
      name = w.substr(0, eq);
      inline_value = w.substr(eq + 1);
    }
    const OptionSpec* s = nullptr;
    for (const OptionSpec& o : spec)
      if (o.name == name) s = &o;
    if (!s) {
      unknown.push_back(w);
      continue;
    }
    if (out.Has(name) && !s->repeatable) {
      error = "argument " + name + ": given more than once";
      return false;
    }
    std::vector<std::string>& values = out.options[name];
    switch (s->arity) {
      case Arity::kFlag:
        if (inline_value) {
          error = "argument " + name + ": ignored explicit argument '" + *inline_value + "'";
          return false;
        }
        break;
      case Arity::kOne:
        if (inline_value) {
          values.push_back(*inline_value);
        } else if (i + 1 < words.size() && !(words[i + 1].starts_with("--"))) {
          values.push_back(words[++i]);
        } else {
          error = "argument " + name + ": expected one argument";
          return false;
        }
        break;
      case Arity::kMany: {
        std::size_t before = values.size();
        if (inline_value) values.push_back(*inline_value);
        while (i + 1 < words.size() && !words[i + 1].starts_with("--")) values.push_back(words[++i]);
        if (values.size() == before) {
          error = "argument " + name + ": expected at least one argument";
          return false;
        }
        break;
      }
    }
  }
  if (!unknown.empty()) {
    error = "Unknown options: ";
    for (std::size_t i = 0; i < unknown.size(); ++i) error += (i ? ", " : "") + unknown[i];
    return false;
  }
  return true;
}

// ---- context ----

std::string LastRequestUrl() {
  std::lock_guard lock(g_url_mu);
  return g_last_url;
}

std::unique_ptr<Context> MakeContext(const GlobalOptions& global, int& exit_code) {
  client::ConfigOptions options;
  options.profile = global.profile;
  options.region = global.region;
  options.endpoint_url = global.endpoint_url;
  options.ca_bundle = global.ca_bundle;
  if (global.no_verify_ssl) options.verify_tls = false;
  if (global.no_sign_request) options.sign = false;
  auto config = client::LoadConfig(options);
  if (!config) {
    exit_code = ReportError(config.error(), "");
    return nullptr;
  }
  auto ctx = std::make_unique<Context>();
  ctx->global = global;
  ctx->config = std::move(*config);
  if (global.connect_timeout_s)
    ctx->config.connect_timeout = std::chrono::seconds(*global.connect_timeout_s);
  if (global.read_timeout_s)
    ctx->config.read_timeout = std::chrono::seconds(*global.read_timeout_s);
  // 0 means "no timeout" to the aws CLI; the HTTP client needs a bound.
  if (ctx->config.connect_timeout.count() == 0) ctx->config.connect_timeout = std::chrono::hours(24);
  if (ctx->config.read_timeout.count() == 0) ctx->config.read_timeout = std::chrono::hours(24);
  if (global.output) {
    ctx->output = *global.output;
  } else {
    auto configured = ConfiguredOutput(ctx->config);
    if (!configured) {
      exit_code = ReportError(configured.error(), "");
      return nullptr;
    }
    ctx->output = configured->value_or(OutputFormat::kTable);
  }
  ctx->stdout_tty = isatty(STDOUT_FILENO) == 1;
  ctx->stderr_tty = isatty(STDERR_FILENO) == 1;

  client::HttpOptions http_options;
  http_options.ca_bundle = ctx->config.ca_bundle;
  http_options.verify_tls = ctx->config.verify_tls;
  http_options.connect_timeout = ctx->config.connect_timeout;
  http_options.read_timeout = ctx->config.read_timeout;
  auto http = client::HttpClient::Create(http_options);
  if (!http) {
    exit_code = ReportError(http.error(), "");
    return nullptr;
  }
  ctx->caller = std::make_shared<client::Caller>(ctx->config, *http);
  // Every request goes through here: it remembers the URL (for "Could not
  // connect to the endpoint URL") and, with --debug, prints the request
  // line and the answer's status, retries included.
  std::shared_ptr<client::HttpClient> shared_http = *http;
  bool debug = global.debug;
  ctx->caller->set_transport([shared_http, debug](const client::Url& origin,
                                                  const sigv4::HttpRequest& request,
                                                  client::BodySource* body,
                                                  client::BodySink* sink)
                                 -> Result<client::HttpResponse> {
    std::string url = origin.Origin() + request.path;
    if (!request.query.empty()) url += "?" + request.query;
    {
      std::lock_guard lock(g_url_mu);
      g_last_url = origin.Origin() + request.path;
    }
    auto start = std::chrono::steady_clock::now();
    auto response = shared_http->Send(origin, request, body, sink);
    if (debug) {
      auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - start)
                    .count();
      std::string line = "debug: " + request.method + " " + url + " -> ";
      if (response) {
        line += std::to_string(response->status);
        const std::string* id = response->Header("x-amz-request-id");
        if (!id) id = response->Header("x-amzn-RequestId");
        if (id) line += " (request id " + *id + ")";
      } else {
        line += response.error().code + ": " + response.error().message;
      }
      line += " " + std::to_string(ms) + " ms\n";
      Err(line);
    }
    return response;
  });
  return ctx;
}

// ---- errors ----

int ExitCodeFor(const Error& e) {
  if (e.http_status != 0) return kExitService;
  if (e.code == client::codes::kNoCredentials || e.code == client::codes::kInvalidConfig)
    return kExitConfig;
  if (e.code == client::codes::kInvalidArgument) return kExitUsage;
  if (e.code == client::codes::kConnection || e.code == client::codes::kTimeout ||
      e.code == client::codes::kTls || e.code == client::codes::kIo ||
      e.code == client::codes::kBadResponse)
    return kExitOther;
  return kExitService;  // a code of AWS's without a status (should not happen)
}

std::string DescribeError(const Error& e, std::string_view operation) {
  namespace codes = client::codes;
  if (e.http_status == 0) {
    if (e.code == codes::kNoCredentials)
      return "Unable to locate credentials. You can configure credentials by running \"aws "
             "configure\" or by setting AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.";
    if (e.code == codes::kConnection)
      return "Could not connect to the endpoint URL: \"" + LastRequestUrl() + "\" (" + e.message +
             ")";
    if (e.code == codes::kTimeout)
      return std::string(e.message.find("connect") != std::string::npos ? "Connect" : "Read") +
             " timeout on endpoint URL: \"" + LastRequestUrl() + "\"";
    if (e.code == codes::kTls)
      return "SSL validation failed for " + LastRequestUrl() + " " + e.message;
    if (e.code == codes::kInvalidConfig || e.code == codes::kInvalidArgument ||
        e.code == codes::kIo || e.code == codes::kBadResponse)
      return e.message;
  }
  std::string out = "An error occurred (" + e.code + ")";
  if (!operation.empty()) out += " when calling the " + std::string(operation) + " operation";
  out += ": " + (e.message.empty() ? std::string("Unknown") : e.message);
  if (e.stream_consumed) out += " (not retried: the input stream cannot be sent again)";
  return out;
}

int ReportError(const Error& e, std::string_view operation) {
  Err("\n" + DescribeError(e, operation) + "\n");
  return ExitCodeFor(e);
}

int ReportUsage(std::string_view usage, std::string_view message) {
  std::string text = "usage: " + std::string(usage.empty() ? "awslab [options] <command> "
                                                             "<subcommand> [parameters]"
                                                           : usage) +
                     "\nTo see help text, you can run:\n\n  awslab --help\n  awslab <command> "
                     "--help\n  awslab <command> <subcommand> --help\n\nawslab: error: " +
                     std::string(message) + "\n";
  Err(text);
  return kExitUsage;
}

// ---- output ----

std::string PrettyJson(const json::value& v) {
  std::string out;
  PrettyInto(v, 0, out);
  return out;
}

std::string FormatTable(const Section& section) {
  std::size_t columns = section.headers.size();
  for (const auto& row : section.rows) columns = std::max(columns, row.size());
  std::vector<std::size_t> width(columns, 0);
  auto cell = [](const std::vector<std::string>& row, std::size_t i) -> std::string {
    if (i >= row.size() || row[i].empty()) return "-";
    return row[i];
  };
  std::vector<std::string> headers;
  for (std::size_t i = 0; i < columns; ++i)
    headers.push_back(i < section.headers.size() ? Upper(section.headers[i]) : "");
  for (std::size_t i = 0; i < columns; ++i) {
    width[i] = DisplayWidth(headers[i]);
    for (const auto& row : section.rows) width[i] = std::max(width[i], DisplayWidth(cell(row, i)));
  }
  auto line = [&](const std::vector<std::string>& values, bool header) {
    std::string out;
    for (std::size_t i = 0; i < columns; ++i) {
      std::string v = header ? values[i] : cell(values, i);
      std::size_t pad = width[i] - DisplayWidth(v);
      bool right = i < section.right_align.size() && section.right_align[i];
      bool last = i + 1 == columns;
      if (right) out.append(pad, ' ');
      out += v;
      if (!right && !last) out.append(pad, ' ');
      if (!last) out += "  ";
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out;
  if (!headers.empty()) out += line(headers, true);
  for (const auto& row : section.rows) out += line(row, false);
  return out;
}

void PrintAnswer(const Context& ctx, const Answer& answer) {
  switch (ctx.output) {
    case OutputFormat::kJson:
      Out(PrettyJson(answer.document) + "\n");
      return;
    case OutputFormat::kText: {
      std::string out;
      bool tagged = answer.sections.size() > 1;
      for (const Section& s : answer.sections) {
        for (const auto& row : s.rows) {
          std::string line;
          if (tagged && !s.tag.empty()) line = s.tag;
          for (std::size_t i = 0; i < row.size(); ++i) {
            if (!line.empty() || i > 0) line += "\t";
            line += row[i].empty() ? "None" : row[i];
          }
          out += line + "\n";
        }
      }
      Out(out);
      return;
    }
    case OutputFormat::kTable: {
      std::string out;
      bool first = true;
      for (const Section& s : answer.sections) {
        if (!first) out += "\n";
        first = false;
        if (!s.title.empty()) out += s.title + "\n";
        out += FormatTable(s);
      }
      Out(out);
      return;
    }
  }
}

// ---- helpers ----

std::string HumanSize(std::uint64_t bytes) {
  // awscli/customizations/s3/utils.py human_readable_size.
  static const char* kSuffixes[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double b = static_cast<double>(bytes);
  if (bytes == 1) return "1 Byte";
  if (bytes < 1024) return std::to_string(bytes) + " Bytes";
  for (int i = 0; i < 6; ++i) {
    double unit = 1.0;
    for (int k = 0; k < i + 2; ++k) unit *= 1024.0;
    double scaled = b / unit * 1024.0;
    // Python's round() (half to even) of bytes/unit*base < base.
    if (std::nearbyint(scaled) < 1024.0 || i == 5) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.1f %s", scaled, kSuffixes[i]);
      return buf;
    }
  }
  return std::to_string(bytes) + " Bytes";
}

std::optional<std::int64_t> ParseTimeSeconds(std::string_view s) {
  std::tm tm{};
  int year, month, day, hour, minute, second;
  std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &year, &month, &day, &hour, &minute,
                  &second) == 6) {
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm));
  }
  char mon[4] = {};
  if (std::sscanf(text.c_str(), "%*3s, %2d %3s %4d %2d:%2d:%2d", &day, mon, &year, &hour, &minute,
                  &second) == 6) {
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (int m = 0; m < 12; ++m)
      if (std::string_view(mon) == kMonths[m]) {
        tm.tm_year = year - 1900;
        tm.tm_mon = m;
        tm.tm_mday = day;
        tm.tm_hour = hour;
        tm.tm_min = minute;
        tm.tm_sec = second;
        return static_cast<std::int64_t>(timegm(&tm));
      }
  }
  return std::nullopt;
}

std::string LocalTimeString(std::string_view iso) {
  auto t = ParseTimeSeconds(iso);
  if (!t) return std::string(iso);
  std::time_t tt = static_cast<std::time_t>(*t);
  std::tm local{};
  localtime_r(&tt, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
  return buf;
}

// ---- shared by the commands ----

bool WantsHelp(const GlobalOptions& global, const std::vector<std::string>& words,
               std::size_t at) {
  return global.help || (words.size() > at && words[at] == "help");
}

std::unique_ptr<Context> SignedContext(const GlobalOptions& global, int& code) {
  auto ctx = MakeContext(global, code);
  if (!ctx) return nullptr;
  if (ctx->config.sign && ctx->config.credentials.access_key_id.empty()) {
    code = ReportError(client::MakeError(client::codes::kNoCredentials, ""), "");
    return nullptr;
  }
  return ctx;
}

}  // namespace awslab::cli
