#include "emulator/api/console_api.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace awslab::api {
using protocol::Request;
using protocol::Response;

namespace {

constexpr std::string_view kPrefix = "/_awslab/console/";

std::string_view ContentType(std::string_view name) {
  auto ends = [&](std::string_view ext) { return name.ends_with(ext); };
  if (ends(".html")) return "text/html; charset=utf-8";
  if (ends(".js") || ends(".mjs")) return "text/javascript; charset=utf-8";
  if (ends(".css")) return "text/css; charset=utf-8";
  if (ends(".svg")) return "image/svg+xml";
  if (ends(".json")) return "application/json";
  if (ends(".txt") || ends(".md")) return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

// FNV-1a, 64 bits: enough to tell two versions of a file apart.
std::string Etag(std::string_view body) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : body) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016llx\"", static_cast<unsigned long long>(h));
  return buf;
}

Response Plain(int status, std::string text) {
  Response r;
  r.status = status;
  r.body = std::move(text);
  r.SetHeader("Content-Type", "text/plain; charset=utf-8");
  return r;
}

// A relative name of letters, digits, '-', '_', '.' and '/', with no empty,
// "." or ".." segment: nothing can climb out of the console's folder.
bool SafeName(std::string_view name) {
  if (name.empty() || name.size() > 200) return false;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view seg = name.substr(start, end - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.front() == '.') return false;
    for (char c : seg)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '_' || c == '.'))
        return false;
    start = end + 1;
  }
  return true;
}

}  // namespace

std::unique_ptr<Exchange> ConsoleApi::Begin(Request request) {
  return std::make_unique<WholeBodyExchange>(
      std::move(request), 64 * 1024,
      [this](bool, const Request& r, const std::string&) { return Handle(r); });
}

std::optional<std::string> ConsoleApi::Read(std::string_view name) const {
  if (dir_.empty()) {
    std::string_view file = EmbeddedConsoleFile(name);
    if (file.empty()) return std::nullopt;
    return std::string(file);
  }
  std::ifstream in(dir_ + "/" + std::string(name), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream out;
  out << in.rdbuf();
  if (!in && !in.eof()) return std::nullopt;
  return std::move(out).str();
}

Response ConsoleApi::Handle(const Request& request) const {
  const std::string& method = request.raw.method;
  if (method != "GET" && method != "HEAD") {
    Response r = Plain(405, "The console's files are read with GET.\n");
    r.SetHeader("Allow", "GET, HEAD");
    return r;
  }
  if (request.path == "/_awslab/console") {
    Response r = Plain(301, "Moved to /_awslab/console/\n");
    r.SetHeader("Location", std::string(kPrefix));
    return r;
  }
  std::string name = request.path.substr(kPrefix.size());
  if (name.empty() || name.ends_with("/")) name += "index.html";
  std::optional<std::string> body;
  if (SafeName(name)) body = Read(name);
  if (!body) return Plain(404, "No console file " + request.path + "\n");

  Response r;
  const std::string etag = Etag(*body);
  r.SetHeader("ETag", etag);
  r.SetHeader("Cache-Control", "no-cache");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  r.SetHeader("Referrer-Policy", "no-referrer");
  r.SetHeader("X-Frame-Options", "DENY");
  r.SetHeader("Content-Security-Policy",
              "default-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
              "script-src 'self'; style-src 'self'; object-src 'none'; base-uri 'none'; "
              "form-action 'self'; frame-ancestors 'none'");
  if (const std::string* inm = request.Header("if-none-match");
      inm && (*inm == etag || *inm == "*")) {
    r.status = 304;
    return r;
  }
  r.SetHeader("Content-Type", std::string(ContentType(name)));
  if (method == "HEAD") {
    r.head_content_length = body->size();
  } else {
    r.body = std::move(*body);
  }
  return r;
}

}  // namespace awslab::api
