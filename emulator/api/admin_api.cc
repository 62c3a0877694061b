#include "emulator/api/admin_api.h"

#include <boost/json.hpp>
#include <charconv>

#include "client/include/awslab/crypto.h"
#include "emulator/storage/key_schema.h"

namespace awslab::api {
namespace json = boost::json;
using protocol::Request;
using protocol::Response;

std::optional<std::chrono::nanoseconds> ParseIsoDuration(std::string_view s) {
  if (s.size() < 3 || s[0] != 'P') return std::nullopt;
  s.remove_prefix(1);
  bool in_time = false, any = false;
  double total = 0;  // seconds
  while (!s.empty()) {
    if (s[0] == 'T') {
      if (in_time) return std::nullopt;
      in_time = true;
      s.remove_prefix(1);
      continue;
    }
    double n = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec != std::errc() || p == s.data() || p == s.data() + s.size() || n < 0)
      return std::nullopt;
    char unit = *p;
    s.remove_prefix(p - s.data() + 1);
    double scale = 0;
    if (!in_time && unit == 'W') scale = 7 * 86400;
    else if (!in_time && unit == 'D') scale = 86400;
    else if (in_time && unit == 'H') scale = 3600;
    else if (in_time && unit == 'M') scale = 60;
    else if (in_time && unit == 'S') scale = 1;
    else return std::nullopt;  // years and months have no fixed length
    total += n * scale;
    any = true;
  }
  if (!any || total > 100.0 * 365 * 86400) return std::nullopt;
  return std::chrono::nanoseconds(static_cast<long long>(total * 1e9));
}

std::optional<TimePoint> RestoreClockStart(const storage::Storage& storage) {
  auto value = storage.Get(storage::keys::kClock);
  if (!value || !*value) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(**value, ec);
  if (ec || !v.is_object()) return std::nullopt;
  const json::value* sim = v.as_object().if_contains("sim");
  const json::value* wall = v.as_object().if_contains("wall");
  if (!sim || !wall || !sim->is_int64() || !wall->is_int64()) return std::nullopt;
  TimePoint saved_sim{TimePoint::duration(sim->as_int64())};
  TimePoint saved_wall{TimePoint::duration(wall->as_int64())};
  TimePoint now = std::chrono::system_clock::now();
  return saved_sim + (now > saved_wall ? now - saved_wall : TimePoint::duration(0));
}

Status SaveClock(storage::Storage& storage, const SimulationClock& clock) {
  json::object o;
  o["sim"] = clock.Now().time_since_epoch().count();
  o["wall"] = std::chrono::system_clock::now().time_since_epoch().count();
  return storage.Put(storage::keys::kClock, json::serialize(o));
}

namespace {

Response Json(int status, json::object body) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  r.SetHeader("Content-Type", "application/json");
  return r;
}

Response JsonError(int status, std::string_view code, std::string_view message) {
  return Json(status, {{"error", {{"code", code}, {"message", message}}}});
}

class AdminExchange final : public Exchange {
 public:
  AdminExchange(AdminApi& api, Request request) : api_(api), request_(std::move(request)) {
    body_limit = 64 * 1024;
  }
  bool OnBody(std::string_view data) override {
    body_.append(data);
    return true;
  }
  Response Finish(bool complete) override {
    if (!complete) return JsonError(400, "IncompleteBody", "the body was cut short");
    return api_.Handle(request_, body_);
  }

 private:
  AdminApi& api_;
  Request request_;
  std::string body_;
};

}  // namespace

std::unique_ptr<Exchange> AdminApi::Begin(Request request) {
  return std::make_unique<AdminExchange>(*this, std::move(request));
}

Response AdminApi::Handle(const Request& request, const std::string& body) {
  auto auth = auth_.AuthenticateSignedBody(request.raw, crypto::Sha256Hex(body));
  if (!auth) {
    const ErrorInfo& info = Describe(auth.error().code);
    return JsonError(info.http_status, info.code, auth.error().Message());
  }
  if (!auth->principal.admin)
    return JsonError(403, "AccessDenied", "the admin API needs an admin account's key");
  if (request.path != "/_awslab/clock")
    return JsonError(404, "NotFound", "no admin resource " + request.path);
  const std::string& method = request.raw.method;
  if (method == "POST") {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
      return JsonError(400, "MalformedJSON", "the body must be a JSON object");
    std::optional<std::chrono::nanoseconds> by;
    if (const json::value* a = v.as_object().if_contains("advance"); a && a->is_string())
      by = ParseIsoDuration(a->as_string());
    else if (const json::value* s = v.as_object().if_contains("advance_seconds");
             s && (s->is_int64() || s->is_double()) && s->to_number<double>() >= 0)
      by = std::chrono::nanoseconds(static_cast<long long>(s->to_number<double>() * 1e9));
    if (!by)
      return JsonError(400, "InvalidArgument",
                       "give {\"advance\": \"PT3H\"} (an ISO 8601 duration in weeks, days, "
                       "hours, minutes, seconds) or {\"advance_seconds\": N}");
    clock_.Advance(*by);
    if (auto st = SaveClock(storage_, clock_); !st)
      return JsonError(500, "InternalError", st.error().Message());
  } else if (method != "GET") {
    return JsonError(405, "MethodNotAllowed", "use GET or POST");
  }
  return Json(200, {{"now", FormatIso8601(clock_.Now())}, {"time_scale", clock_.time_scale()}});
}

}  // namespace awslab::api
