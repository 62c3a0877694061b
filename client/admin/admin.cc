// AdminClient: awslab-server's /_awslab/ API (clock, bills, accounts) as
// signed JSON calls; see admin.h.
//
// Thread-safety: see admin.h.
#include "client/include/awslab/admin.h"

#include <boost/json.hpp>

#include "client/ec2/client_util.h"
#include "client/ec2/json_fields.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client::admin {

namespace json = boost::json;
using internal::ArrayOf;
using internal::ObjectOf;

namespace {

std::string StringOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return "";
  if (v->is_string()) return std::string(v->as_string());
  if (v->is_int64() || v->is_uint64() || v->is_double()) return json::serialize(*v);
  return "";
}

bool BoolOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->as_bool();
}

Error BadJson(std::string_view what, const HttpResponse& response) {
  Error e = MakeError(codes::kBadResponse, "the answer to " + std::string(what) +
                                               " is not the expected JSON object",
                      response.status);
  if (const std::string* id = response.Header("x-amzn-RequestId")) e.request_id = *id;
  return e;
}

Result<json::object> ParseObject(std::string_view what, const HttpResponse& response) {
  boost::system::error_code ec;
  json::value v = json::parse(response.body, ec);
  if (ec || !v.is_object()) return BadJson(what, response);
  return std::move(v.as_object());
}

ServiceAmounts Services(const json::object* o) {
  ServiceAmounts out;
  if (!o) return out;
  for (const auto& [name, amount] : *o)
    if (amount.is_string()) out.emplace_back(std::string(name), std::string(amount.as_string()));
  return out;
}

std::optional<Budget> BudgetOf(const json::object& o) {
  const json::object* b = ObjectOf(o, "budget");
  if (!b) return std::nullopt;  // null: no budget
  Budget budget;
  budget.limit = StringOf(*b, "limit");
  budget.month_to_date = StringOf(*b, "month_to_date");
  if (const json::array* alerts = ArrayOf(*b, "alerts")) {
    for (const json::value& av : *alerts) {
      if (!av.is_object()) continue;
      const json::object& a = av.as_object();
      BudgetAlert alert;
      if (const json::value* t = a.if_contains("threshold_percent"); t && t->is_number())
        alert.threshold_percent = static_cast<int>(t->to_number<double>());
      alert.month = StringOf(a, "month");
      alert.at = StringOf(a, "at");
      alert.month_to_date = StringOf(a, "month_to_date");
      budget.alerts.push_back(std::move(alert));
    }
  }
  return budget;
}

// "?start=...&end=..." parts of a billing query, URI-encoded.
void AppendParam(std::string& query, std::string_view name, const std::string& value) {
  if (value.empty()) return;
  if (!query.empty()) query += '&';
  query += name;
  query += '=';
  query += sigv4::UriEncode(value, /*encode_slash=*/true);
}

Result<ClockState> ClockOf(const HttpResponse& response) {
  auto o = ParseObject("the clock call", response);
  if (!o) return o.error();
  ClockState c;
  c.now = StringOf(*o, "now");
  if (const json::value* s = o->if_contains("time_scale"); s && s->is_number())
    c.time_scale = s->to_number<double>();
  if (c.now.empty()) return BadJson("the clock call", response);
  return c;
}

}  // namespace

Result<AdminClient> AdminClient::Create(const Config& config, std::shared_ptr<HttpClient> http) {
  if (config.EndpointUrlFor(kSigningService).empty())
    return MakeError(codes::kInvalidConfig,
                     "the admin API is awslab-server's own: give an endpoint URL "
                     "(--endpoint-url, AWS_ENDPOINT_URL or endpoint_url in the profile)");
  auto w = internal::Wire(config, kSigningService, "", std::move(http));
  if (!w) return w.error();
  return AdminClient(w->caller, w->endpoint);
}

AdminClient::AdminClient(std::shared_ptr<Caller> caller, Url endpoint)
    : caller_(std::move(caller)), endpoint_(std::move(endpoint)) {}

Result<HttpResponse> AdminClient::Send(std::string_view method, std::string_view path,
                                       std::string_view query, std::string_view json_body) {
  StringSource source(json_body);
  Call call;
  call.method = std::string(method);
  call.origin = endpoint_;
  call.path = endpoint_.path + std::string(path);
  call.query = std::string(query);
  if (!json_body.empty()) {
    call.headers.push_back({"Content-Type", "application/json"});
    call.body = &source;
  }
  call.signing_service = kSigningService;
  call.signing_region = caller_->config().region;
  return caller_->Send(call);
}

Result<ClockState> AdminClient::GetClock() {
  auto r = Send("GET", "/_awslab/clock");
  if (!r) return r.error();
  return ClockOf(*r);
}

Result<ClockState> AdminClient::AdvanceClock(std::string_view iso_duration) {
  json::object body{{"advance", iso_duration}};
  auto r = Send("POST", "/_awslab/clock", "", json::serialize(body));
  if (!r) return r.error();
  return ClockOf(*r);
}

Result<ClockState> AdminClient::AdvanceClock(std::chrono::duration<double> by) {
  if (by.count() < 0) return MakeError(codes::kInvalidArgument, "the clock never goes back");
  json::object body{{"advance_seconds", by.count()}};
  auto r = Send("POST", "/_awslab/clock", "", json::serialize(body));
  if (!r) return r.error();
  return ClockOf(*r);
}

Result<Bill> AdminClient::GetBilling(const std::string& account_id, const BillingPeriod& period) {
  std::string query;
  AppendParam(query, "account", account_id);
  AppendParam(query, "start", period.start);
  AppendParam(query, "end", period.end);
  auto r = Send("GET", "/_awslab/billing", query);
  if (!r) return r.error();
  auto o = ParseObject("GET /_awslab/billing", *r);
  if (!o) return o.error();
  Bill bill;
  bill.account_id = StringOf(*o, "account_id");
  bill.name = StringOf(*o, "name");
  bill.rules = StringOf(*o, "rules");
  bill.free_tier = BoolOf(*o, "free_tier");
  bill.start = StringOf(*o, "start");
  bill.end = StringOf(*o, "end");
  bill.now = StringOf(*o, "now");
  bill.currency = StringOf(*o, "currency");
  bill.total = StringOf(*o, "total");
  bill.services = Services(ObjectOf(*o, "services"));
  if (const json::array* lines = ArrayOf(*o, "lines")) {
    for (const json::value& lv : *lines) {
      if (!lv.is_object()) continue;
      const json::object& l = lv.as_object();
      bill.lines.push_back({StringOf(l, "service"), StringOf(l, "usage_type"),
                            StringOf(l, "region"), StringOf(l, "resource_id"),
                            StringOf(l, "instance_type"), StringOf(l, "record_type"),
                            StringOf(l, "quantity"), StringOf(l, "unit"),
                            StringOf(l, "amount")});
    }
  }
  bill.budget = BudgetOf(*o);
  bill.raw_json = std::move(r->body);
  return bill;
}

Result<ClassBill> AdminClient::GetClassBilling(const BillingPeriod& period) {
  std::string query;
  AppendParam(query, "start", period.start);
  AppendParam(query, "end", period.end);
  auto r = Send("GET", "/_awslab/billing/class", query);
  if (!r) return r.error();
  auto o = ParseObject("GET /_awslab/billing/class", *r);
  if (!o) return o.error();
  ClassBill bill;
  bill.start = StringOf(*o, "start");
  bill.end = StringOf(*o, "end");
  bill.now = StringOf(*o, "now");
  bill.currency = StringOf(*o, "currency");
  bill.total = StringOf(*o, "total");
  if (const json::array* accounts = ArrayOf(*o, "accounts")) {
    for (const json::value& av : *accounts) {
      if (!av.is_object()) continue;
      const json::object& a = av.as_object();
      AccountBill account{StringOf(a, "account_id"), StringOf(a, "name"),
                          StringOf(a, "total"), Services(ObjectOf(a, "services")),
                          BudgetOf(a), BoolOf(a, "admin"), {}};
      if (const json::object* r = ObjectOf(a, "resources")) {
        auto count = [&](std::string_view key) -> long long {
          const json::value* v = r->if_contains(key);
          return v && v->is_int64() ? v->as_int64() : 0;
        };
        account.resources.instances_running = count("instances_running");
        account.resources.elastic_ips = count("elastic_ips");
        account.resources.volumes = count("volumes");
        account.resources.buckets = count("buckets");
        if (const json::object* states = ObjectOf(*r, "instances"))
          for (const auto& [state, n] : *states)
            if (n.is_int64()) account.resources.instances.emplace_back(std::string(state), n.as_int64());
      }
      bill.accounts.push_back(std::move(account));
    }
  }
  bill.raw_json = std::move(r->body);
  return bill;
}

Result<CreatedAccount> AdminClient::CreateAccount(const NewAccount& account) {
  json::object body{{"name", account.name}, {"admin", account.admin}};
  if (!account.email.empty()) body["email"] = account.email;
  if (!account.budget_usd.empty()) body["budget_usd"] = account.budget_usd;
  auto r = Send("POST", "/_awslab/accounts", "", json::serialize(body));
  if (!r) return r.error();
  auto o = ParseObject("POST /_awslab/accounts", *r);
  if (!o) return o.error();
  const json::object* a = ObjectOf(*o, "account");
  const json::object* k = ObjectOf(*o, "access_key");
  if (!a || !k || StringOf(*a, "id").empty() || StringOf(*k, "id").empty())
    return BadJson("POST /_awslab/accounts", *r);
  CreatedAccount out;
  out.account = {StringOf(*a, "id"), StringOf(*a, "name"), BoolOf(*a, "admin"),
                 StringOf(*a, "email"), StringOf(*a, "budget_usd"),
                 StringOf(*a, "canonical_user_id")};
  out.access_key_id = StringOf(*k, "id");
  out.secret_access_key = StringOf(*k, "secret");
  return out;
}

Result<std::vector<AccountInfo>> AdminClient::ListAccounts() {
  auto r = Send("GET", "/_awslab/accounts");
  if (!r) return r.error();
  auto o = ParseObject("GET /_awslab/accounts", *r);
  if (!o) return o.error();
  const json::array* accounts = ArrayOf(*o, "accounts");
  if (!accounts) return BadJson("GET /_awslab/accounts", *r);
  std::vector<AccountInfo> out;
  for (const json::value& av : *accounts) {
    if (!av.is_object()) continue;
    const json::object& a = av.as_object();
    std::string id = StringOf(a, "id");
    if (id.empty()) id = StringOf(a, "account_id");
    out.push_back({id, StringOf(a, "name"), BoolOf(a, "admin"), StringOf(a, "email"),
                   StringOf(a, "budget_usd"), StringOf(a, "canonical_user_id")});
  }
  return out;
}

}  // namespace awslab::client::admin
