#include "emulator/api/admin_api.h"

#include <boost/json.hpp>
#include <charconv>
#include <map>

#include "client/include/awslab/crypto.h"
#include "emulator/billing/prices.h"
#include "emulator/ec2/catalog.h"
#include "emulator/ec2/lifecycle.h"
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

}  // namespace

std::unique_ptr<Exchange> AdminApi::Begin(Request request) {
  return std::make_unique<WholeBodyExchange>(
      std::move(request), 64 * 1024,
      [this](bool complete, const Request& r, const std::string& body) {
        if (!complete) return JsonError(400, "IncompleteBody", "the body was cut short");
        return Handle(r, body);
      });
}

Response AdminApi::Handle(const Request& request, const std::string& body) {
  auto auth = auth_.AuthenticateSignedBody(request.raw, crypto::Sha256Hex(body));
  if (!auth) {
    const ErrorInfo& info = Describe(auth.error().code);
    return JsonError(info.http_status, info.code, auth.error().Message());
  }
  // Every path needs an account's key at least: an unsigned request is no one's.
  if (auth->principal.anonymous())
    return JsonError(403, "AccessDenied", "the admin API needs a request signed with an access key");
  if (biller_ && (request.path == "/_awslab/billing" || request.path == "/_awslab/billing/class")) {
    if (request.raw.method != "GET") return JsonError(405, "MethodNotAllowed", "use GET");
    if (request.path == "/_awslab/billing") return Billing(request, auth->principal);
    if (!auth->principal.admin)
      return JsonError(403, "AccessDenied", "the class's bill needs an admin account's key");
    return ClassBilling(request);
  }
  if (request.path == "/_awslab/whoami" || request.path == "/_awslab/prices") {
    if (request.raw.method != "GET") return JsonError(405, "MethodNotAllowed", "use GET");
    return request.path == "/_awslab/whoami" ? WhoAmI(auth->principal) : Prices();
  }
  // Any account reads the clock (the console shows it); only an admin moves it.
  if (request.path == "/_awslab/clock" && request.raw.method == "GET") return Clock(request, body);
  if (!auth->principal.admin)
    return JsonError(403, "AccessDenied", "the admin API needs an admin account's key");
  if (request.path == "/_awslab/accounts" && accounts_) return Accounts(request, body);
  if (request.path == "/_awslab/clock") return Clock(request, body);
  return JsonError(404, "NotFound", "no admin resource " + request.path);
}

Response AdminApi::Clock(const Request& request, const std::string& body) {
  const std::string& method = request.raw.method;
  if (method == "POST") {
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
      return JsonError(400, "MalformedJSON", "the body must be a JSON object");
    const json::object& o = v.as_object();
    std::optional<std::chrono::nanoseconds> by;
    bool asked_advance = false;
    if (const json::value* a = o.if_contains("advance"); a && a->is_string()) {
      asked_advance = true;
      by = ParseIsoDuration(a->as_string());
    } else if (const json::value* s = o.if_contains("advance_seconds");
               s && (s->is_int64() || s->is_double())) {
      asked_advance = true;
      if (s->to_number<double>() >= 0 && s->to_number<double>() <= 100.0 * 365 * 86400)
        by = std::chrono::nanoseconds(static_cast<long long>(s->to_number<double>() * 1e9));
    } else if (o.contains("advance") || o.contains("advance_seconds")) {
      asked_advance = true;
    }
    std::optional<double> scale;
    bool asked_scale = false;
    if (const json::value* t = o.if_contains("time_scale")) {
      asked_scale = true;
      if ((t->is_int64() || t->is_uint64() || t->is_double()) && t->to_number<double>() >= 0 &&
          t->to_number<double>() <= 1e6)
        scale = t->to_number<double>();
      else
        return JsonError(400, "InvalidArgument",
                         "time_scale must be a number from 0 (a frozen clock) to 1000000");
    }
    if ((asked_advance && !by) || (!asked_advance && !asked_scale))
      return JsonError(400, "InvalidArgument",
                       "give {\"advance\": \"PT3H\"} (an ISO 8601 duration in weeks, days, "
                       "hours, minutes, seconds), {\"advance_seconds\": N} or "
                       "{\"time_scale\": N}");
    if (by) {
      if (advance_) advance_(*by);
      else clock_.Advance(*by);
    }
    if (scale) clock_.SetTimeScale(*scale);
    if (auto st = SaveClock(storage_, clock_); !st)
      return JsonError(500, "InternalError", st.error().Message());
  } else if (method != "GET") {
    return JsonError(405, "MethodNotAllowed", "use GET or POST");
  }
  return Json(200, {{"now", FormatIso8601(clock_.Now())}, {"time_scale", clock_.time_scale()}});
}

Response AdminApi::WhoAmI(const Principal& caller) const {
  std::string name;
  if (accounts_)
    if (auto account = accounts_->FindAccount(caller.account_id)) name = account->name;
  return Json(200, {{"account_id", caller.account_id},
                    {"name", name},
                    {"admin", caller.admin},
                    {"access_key_id", caller.access_key_id}});
}

Response AdminApi::Prices() const {
  json::array types;
  for (const ec2::InstanceType& t : ec2::InstanceTypes()) {
    auto price = billing::PriceList::InstanceHour(t.name);
    types.push_back({{"name", t.name},
                     {"vcpus", t.vcpus},
                     {"memory_gib", t.memory_gib},
                     {"usd_per_hour", billing::FormatNano(price.value_or(0))},
                     {"free_tier_eligible", t.free_tier_eligible}});
  }
  json::object o{{"instance_types", std::move(types)}};
  if (biller_) {
    o["rules"] = billing::RulesName(biller_->options().rules);
    o["spot_fraction"] = billing::FormatNano(biller_->spot_fraction());
  }
  return Json(200, std::move(o));
}

json::object AdminApi::ResourcesOf(const std::string& account_id) const {
  json::object states;
  std::int64_t running = 0, addresses = 0, volumes = 0;
  if (ec2_) {
    const TimePoint now = ec2_->Now();
    for (const ec2::Ec2Store::ScopeRecords& r : ec2_->AllRecords(account_id)) {
      for (const ec2::Instance& i : r.instances) {
        ec2::State st = ec2::StateAt(i, now, ec2_->options().timings);
        if (st == ec2::State::kTerminated) continue;
        if (st == ec2::State::kRunning) ++running;
        json::value& n = states[std::string(ec2::StateName(st))];
        n = n.is_int64() ? n.as_int64() + 1 : 1;
      }
      for (const ec2::Address& a : r.addresses)
        if (!a.released_at) ++addresses;
      for (const ec2::Volume& v : r.volumes)
        if (!v.deleted_at) ++volumes;
    }
  }
  json::object o{{"instances_running", running},
                 {"instances", std::move(states)},
                 {"elastic_ips", addresses},
                 {"volumes", volumes}};
  if (s3_) {
    Principal owner;
    owner.account_id = account_id;
    if (auto buckets = s3_->ListBuckets(s3::Caller(owner)))
      o["buckets"] = static_cast<std::int64_t>(buckets->size());
  }
  return o;
}

namespace {

json::object Services(const billing::BillPeriod& p) {
  json::object o;
  for (const billing::BillGroup& g : p.groups) o[g.keys[0]] = billing::FormatNano(g.amount.cost);
  return o;
}

// The period a bill covers: ?start=&end= (dates or times), by default the
// clock's month so far.
std::optional<std::pair<billing::Seconds, billing::Seconds>> PeriodOf(const Request& request,
                                                                      billing::Seconds now,
                                                                      std::string& problem) {
  billing::Seconds start = billing::MonthStart(now), end = now;
  for (auto [name, target] : {std::pair{"start", &start}, std::pair{"end", &end}}) {
    if (const std::string* v = request.Query(name)) {
      auto t = billing::ParseDateTime(*v);
      if (!t) {
        problem = std::string(name) + " must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ";
        return std::nullopt;
      }
      *target = *t;
    }
  }
  if (end <= start) {
    problem = "start must be before end";
    return std::nullopt;
  }
  return std::pair{start, end};
}

}  // namespace

json::array AdminApi::AlertsJson(const std::string& account_id, billing::Nano budget,
                                 std::pair<billing::Seconds, billing::Seconds> period) const {
  json::array alerts;
  for (const billing::BudgetAlert& a : biller_->Alerts(account_id, budget, period.first, period.second))
    alerts.push_back({{"threshold_percent", a.threshold_percent},
                      {"month", a.month},
                      {"at", billing::FormatDateTime(a.at)},
                      {"month_to_date", billing::FormatNano(a.month_to_date)}});
  return alerts;
}

std::optional<billing::Nano> AdminApi::BudgetOf(const auth::Account& account) const {
  if (!account.budget_usd.empty())
    if (auto b = billing::ParseNano(account.budget_usd); b && *b > 0) return b;
  return default_budget_;
}

Response AdminApi::Accounts(const Request& request, const std::string& body) {
  if (request.raw.method == "POST") {
    // {"name": "student01", "admin": false, "email": "...", "budget_usd": "25.00"}:
    // a new account and its access key (the secret is shown this once).
    boost::system::error_code ec;
    json::value v = json::parse(body, ec);
    if (ec || !v.is_object())
      return JsonError(400, "MalformedJSON", "the body must be a JSON object");
    const json::object& o = v.as_object();
    auth::Account a;
    const json::value* name = o.if_contains("name");
    if (!name || !name->is_string())
      return JsonError(400, "InvalidArgument", "\"name\" (a string) is required");
    a.name = name->as_string();
    if (const json::value* admin = o.if_contains("admin")) {
      if (!admin->is_bool()) return JsonError(400, "InvalidArgument", "\"admin\" must be true or false");
      a.admin = admin->as_bool();
    }
    if (const json::value* email = o.if_contains("email")) {
      if (!email->is_string()) return JsonError(400, "InvalidArgument", "\"email\" must be a string");
      a.email = email->as_string();
    }
    if (const json::value* budget = o.if_contains("budget_usd"); budget && !budget->is_null()) {
      std::string text = budget->is_string() ? std::string(budget->as_string())
                         : budget->is_number() ? json::serialize(*budget)
                                               : std::string();
      auto parsed = billing::ParseNano(text);
      if (!parsed || *parsed <= 0)
        return JsonError(400, "InvalidArgument", "\"budget_usd\" must be a positive amount");
      a.budget_usd = text;
    }
    auto made = accounts_->CreateAccount(std::move(a));
    if (!made) {
      const ErrorInfo& info = Describe(made.error().code);
      return JsonError(info.http_status, info.code, made.error().Message());
    }
    const auto& [account, key] = *made;
    return Json(201, {{"account", {{"id", account.id},
                                   {"name", account.name},
                                   {"admin", account.admin},
                                   {"email", account.email},
                                   {"budget_usd", account.budget_usd},
                                   {"canonical_user_id", account.CanonicalUserId()}}},
                      {"access_key", {{"id", key.id}, {"secret", key.secret}}}});
  }
  if (request.raw.method != "GET") return JsonError(405, "MethodNotAllowed", "use GET or POST");
  json::array list;
  for (const auth::Account& a : accounts_->ListAccounts())
    list.push_back({{"id", a.id},
                    {"name", a.name},
                    {"admin", a.admin},
                    {"email", a.email},
                    {"budget_usd", a.budget_usd},
                    {"canonical_user_id", a.CanonicalUserId()}});
  return Json(200, {{"accounts", std::move(list)}});
}

Response AdminApi::Billing(const Request& request, const Principal& caller) {
  std::string account_id = caller.account_id;
  if (const std::string* a = request.Query("account")) account_id = *a;
  if (account_id != caller.account_id && !caller.admin)
    return JsonError(403, "AccessDenied", "you may read your own account's bill only");
  auto account = accounts_->FindAccount(account_id);
  if (!account) return JsonError(404, "NoSuchAccount", "no account " + account_id);
  const billing::Seconds now = biller_->Now();
  std::string problem;
  auto period = PeriodOf(request, now, problem);
  if (!period) return JsonError(400, "InvalidArgument", problem);

  billing::BillQuery q;
  q.account_id = account_id;
  q.start = period->first;
  q.end = period->second;
  q.granularity = billing::Granularity::kWhole;
  q.group_by = {billing::Dimension::kService, billing::Dimension::kUsageType,
                billing::Dimension::kRegion, billing::Dimension::kResourceId,
                billing::Dimension::kInstanceType, billing::Dimension::kRecordType};
  auto lines = biller_->Query(q);
  q.group_by = {billing::Dimension::kService};
  auto services = biller_->Query(q);

  json::array out_lines;
  for (const billing::BillGroup& g : lines[0].groups) {
    json::object line{{"service", g.keys[0]},
                      {"usage_type", g.keys[1]},
                      {"region", g.keys[2]},
                      {"resource_id", g.keys[3]},
                      {"record_type", g.keys[5]},
                      {"quantity", billing::FormatNano(g.amount.quantity)},
                      {"unit", g.amount.unit},
                      {"amount", billing::FormatNano(g.amount.cost)}};
    if (g.keys[4] != "NoInstanceType") line["instance_type"] = g.keys[4];
    out_lines.push_back(std::move(line));
  }
  json::object bill{{"account_id", account_id},
                    {"name", account->name},
                    {"rules", billing::RulesName(biller_->options().rules)},
                    {"free_tier", biller_->options().free_tier},
                    {"start", billing::FormatDateTime(period->first)},
                    {"end", billing::FormatDateTime(period->second)},
                    {"now", billing::FormatDateTime(now)},
                    {"currency", "USD"},
                    {"total", billing::FormatNano(services[0].total.cost)},
                    {"services", Services(services[0])},
                    {"lines", std::move(out_lines)}};
  if (auto budget = BudgetOf(*account)) {
    bill["budget"] = {{"limit", billing::FormatNano(*budget)},
                      {"month_to_date", billing::FormatNano(biller_->MonthToDate(account_id))},
                      {"alerts", AlertsJson(account_id, *budget, *period)}};
  } else {
    bill["budget"] = nullptr;
  }
  return Json(200, std::move(bill));
}

Response AdminApi::ClassBilling(const Request& request) {
  const billing::Seconds now = biller_->Now();
  std::string problem;
  auto period = PeriodOf(request, now, problem);
  if (!period) return JsonError(400, "InvalidArgument", problem);
  billing::BillQuery q;
  q.start = period->first;
  q.end = period->second;
  q.granularity = billing::Granularity::kWhole;
  q.group_by = {billing::Dimension::kLinkedAccount, billing::Dimension::kService};
  auto periods = biller_->Query(q);
  std::map<std::string, json::object> services;
  std::map<std::string, billing::Nano> totals;
  for (const billing::BillGroup& g : periods[0].groups) {
    services[g.keys[0]][g.keys[1]] = billing::FormatNano(g.amount.cost);
    totals[g.keys[0]] += g.amount.cost;
  }
  json::array accounts;
  for (const auth::Account& a : accounts_->ListAccounts()) {
    json::object o{{"account_id", a.id},
                   {"name", a.name},
                   {"admin", a.admin},
                   {"total", billing::FormatNano(totals[a.id])},
                   {"services", services[a.id]},
                   {"resources", ResourcesOf(a.id)}};
    if (auto budget = BudgetOf(a)) {
      o["budget"] = {{"limit", billing::FormatNano(*budget)},
                     {"alerts", AlertsJson(a.id, *budget, *period)}};
    } else {
      o["budget"] = nullptr;
    }
    accounts.push_back(std::move(o));
  }
  return Json(200, {{"start", billing::FormatDateTime(period->first)},
                    {"end", billing::FormatDateTime(period->second)},
                    {"now", billing::FormatDateTime(now)},
                    {"currency", "USD"},
                    {"total", billing::FormatNano(periods[0].total.cost)},
                    {"accounts", std::move(accounts)}});
}

}  // namespace awslab::api
