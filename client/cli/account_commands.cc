// `awslab bill` (this account's charges by service and by resource and
// usage type) and the teacher's `awslab admin accounts|clock|bill`.
//
// Against awslab the bill is GET /_awslab/billing (docs/billing.md): per
// resource, exact. Against AWS (no endpoint configured), or with
// --cost-explorer, it is Cost Explorer's GetCostAndUsage grouped by SERVICE
// and by SERVICE and USAGE_TYPE: AWS has no per-resource costs there.
#include <ctime>

#include "client/cli/cli.h"
#include "client/include/awslab/admin.h"
#include "client/include/awslab/ce.h"

namespace awslab::cli {

namespace admin = client::admin;
namespace ce = client::ce;

std::string AdminEndpoint(const Context& ctx) {
  for (std::string_view service : {"awslab", "s3", "ec2"})
    if (std::string e = ctx.config.EndpointUrlFor(service); !e.empty()) return e;
  return "";
}

Result<admin::AdminClient> MakeAdmin(const Context& ctx) {
  std::string endpoint = AdminEndpoint(ctx);
  if (endpoint.empty())
    return client::MakeError(client::codes::kInvalidConfig,
                             "The admin commands talk to awslab-server only: give --endpoint-url "
                             "or set AWS_ENDPOINT_URL (or endpoint_url in the profile).");
  auto url = client::Url::Parse(endpoint);
  if (!url) return url.error();
  return admin::AdminClient(ctx.caller, *url);
}

namespace {

// Decimal amounts added exactly (Cost Explorer's strings may have more
// decimals than awslab's nine): fixed point with 18 decimals.
struct Decimal {
  __int128 units = 0;  // 10^-18
  static constexpr int kScale = 18;

  static Decimal Parse(std::string_view s) {
    Decimal d;
    bool negative = !s.empty() && s[0] == '-';
    if (negative || (!s.empty() && s[0] == '+')) s.remove_prefix(1);
    int decimals = -1;
    for (char c : s) {
      if (c == '.') {
        decimals = 0;
        continue;
      }
      if (c < '0' || c > '9') break;
      if (decimals >= kScale) continue;  // beyond 10^-18: dropped
      d.units = d.units * 10 + (c - '0');
      if (decimals >= 0) ++decimals;
    }
    for (int i = decimals < 0 ? 0 : decimals; i < kScale; ++i) d.units *= 10;
    if (negative) d.units = -d.units;
    return d;
  }

  // At most 18 decimals, no trailing zeros ("0.0116", "0"), as awslab prints.
  std::string ToString() const {
    __int128 v = units < 0 ? -units : units;
    std::string digits;
    while (v > 0) {
      digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
      v /= 10;
    }
    if (digits.size() <= kScale) digits.insert(0, kScale + 1 - digits.size(), '0');
    std::string whole = digits.substr(0, digits.size() - kScale);
    std::string frac = digits.substr(digits.size() - kScale);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    std::string out = whole + (frac.empty() ? "" : "." + frac);
    if (units < 0 && out != "0") out = "-" + out;
    return out;
  }
  Decimal& operator+=(const Decimal& o) {
    units += o.units;
    return *this;
  }
};

std::string UtcDate(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// The current month so far by the wall clock (Cost Explorer's dates are
// days; End is exclusive, so tomorrow).
std::pair<std::string, std::string> DefaultCostExplorerPeriod() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char start[32];
  std::snprintf(start, sizeof start, "%04d-%02d-01", tm.tm_year + 1900, tm.tm_mon + 1);
  return {start, UtcDate(now + 86400)};
}

Section BudgetSection(const admin::Budget& b) {
  Section s;
  s.title = "Budget";
  s.tag = "BUDGET";
  s.headers = {"Limit", "Month to date", "Alert at %", "Month", "Reached at", "Month to date then"};
  s.right_align = {true, true, true, false, false, true};
  s.rows.push_back({b.limit, b.month_to_date, "", "", "", ""});
  for (const auto& a : b.alerts)
    s.rows.push_back({"", "", std::to_string(a.threshold_percent), a.month, a.at, a.month_to_date});
  return s;
}

int BillFromAdmin(Context& ctx, const ParsedArgs& args) {
  auto client = MakeAdmin(ctx);
  if (!client) return ReportError(client.error(), "");
  admin::BillingPeriod period{args.Get("--start").value_or(""), args.Get("--end").value_or("")};
  auto bill = client->GetBilling(args.Get("--account").value_or(""), period);
  if (!bill) return ReportError(bill.error(), "GetBilling");
  Answer a;
  boost::system::error_code ec;
  a.document = json::parse(bill->raw_json, ec);
  if (ec) a.document = json::object{};
  Section services;
  services.title = "Bill of account " + bill->account_id + " (" + bill->name + ") from " +
                   bill->start + " to " + bill->end + ", " + bill->currency + ", " + bill->rules +
                   " rules" + (bill->free_tier ? " with the free tier" : "") + " (clock: " +
                   bill->now + ")";
  services.tag = "SERVICE";
  services.headers = {"Service", "Amount"};
  services.right_align = {false, true};
  for (const auto& [service, amount] : bill->services) services.rows.push_back({service, amount});
  // The total is a row of the table; text output has it in the BILL line.
  if (ctx.output == OutputFormat::kTable) services.rows.push_back({"Total", bill->total});
  Section lines;
  lines.title = "By resource and usage type";
  lines.tag = "LINE";
  lines.headers = {"Service", "Usage type", "Region", "Resource", "Record", "Quantity", "Unit",
                   "Amount"};
  lines.right_align = {false, false, false, false, false, true, false, true};
  for (const auto& l : bill->lines)
    lines.rows.push_back({l.service, l.usage_type, l.region, l.resource_id, l.record_type,
                          l.quantity, l.unit, l.amount});
  Section head;
  head.tag = "BILL";
  head.headers = {"Account", "Name", "Start", "End", "Currency", "Total"};
  head.rows.push_back({bill->account_id, bill->name, bill->start, bill->end, bill->currency,
                       bill->total});
  if (ctx.output == OutputFormat::kText) a.sections.push_back(head);
  a.sections.push_back(std::move(services));
  a.sections.push_back(std::move(lines));
  if (bill->budget) a.sections.push_back(BudgetSection(*bill->budget));
  PrintAnswer(ctx, a);
  return kExitOk;
}

int BillFromCostExplorer(Context& ctx, const ParsedArgs& args) {
  if (args.Has("--account"))
    return ReportUsage(UsageOf("bill"),
                       "--account needs awslab's bill; with Cost Explorer filter by "
                       "LINKED_ACCOUNT in the aws CLI instead");
  std::string endpoint = ctx.config.EndpointUrlFor("ce");
  if (endpoint.empty()) {
    // --cost-explorer against awslab: its Cost Explorer is on the same port.
    endpoint = AdminEndpoint(ctx);
    if (endpoint.empty()) endpoint = ce::kDefaultEndpoint;
  }
  auto url = client::Url::Parse(endpoint);
  if (!url) return ReportError(url.error(), "");
  ce::CostExplorerClient client(ctx.caller, *url);
  auto [default_start, default_end] = DefaultCostExplorerPeriod();
  ce::GetCostAndUsageRequest r;
  r.time_period.start = args.Get("--start").value_or(default_start);
  r.time_period.end = args.Get("--end").value_or(default_end);
  r.granularity = "MONTHLY";
  r.metrics = {"UnblendedCost", "UsageQuantity"};

  // Sums every period's groups (the months the period touches), following
  // NextPageToken.
  struct Sum {
    Decimal amount, quantity;
    std::string unit, currency;
  };
  auto query = [&](std::vector<std::string> keys, std::map<std::vector<std::string>, Sum>& out,
                   std::vector<std::vector<std::string>>& order) -> std::optional<Error> {
    r.group_by.clear();
    for (const std::string& k : keys) r.group_by.push_back({"DIMENSION", k});
    r.next_page_token.clear();
    do {
      auto page = client.GetCostAndUsage(r);
      if (!page) return page.error();
      for (const auto& period : page->results_by_time)
        for (const auto& g : period.groups) {
          if (!out.count(g.keys)) order.push_back(g.keys);
          Sum& s = out[g.keys];
          if (auto m = g.metrics.find("UnblendedCost"); m != g.metrics.end()) {
            s.amount += Decimal::Parse(m->second.amount);
            s.currency = m->second.unit;
          }
          if (auto m = g.metrics.find("UsageQuantity"); m != g.metrics.end()) {
            s.quantity += Decimal::Parse(m->second.amount);
            s.unit = m->second.unit;
          }
        }
      r.next_page_token = page->next_page_token;
    } while (!r.next_page_token.empty());
    return std::nullopt;
  };
  std::map<std::vector<std::string>, Sum> by_service, by_usage;
  std::vector<std::vector<std::string>> service_order, usage_order;
  if (auto e = query({"SERVICE"}, by_service, service_order))
    return ReportError(*e, "GetCostAndUsage");
  if (auto e = query({"SERVICE", "USAGE_TYPE"}, by_usage, usage_order))
    return ReportError(*e, "GetCostAndUsage");

  Decimal total;
  json::object services;
  Section s;
  s.title = "Cost Explorer from " + r.time_period.start + " to " + r.time_period.end + ", USD";
  s.tag = "SERVICE";
  s.headers = {"Service", "Amount"};
  s.right_align = {false, true};
  for (const auto& keys : service_order) {
    const Sum& sum = by_service[keys];
    total += sum.amount;
    services[keys[0]] = sum.amount.ToString();
    s.rows.push_back({keys[0], sum.amount.ToString()});
  }
  if (ctx.output == OutputFormat::kTable) s.rows.push_back({"Total", total.ToString()});
  json::array lines;
  Section l;
  l.title = "By usage type";
  l.tag = "LINE";
  l.headers = {"Service", "Usage type", "Quantity", "Unit", "Amount"};
  l.right_align = {false, false, true, false, true};
  for (const auto& keys : usage_order) {
    const Sum& sum = by_usage[keys];
    lines.push_back({{"service", keys[0]},
                     {"usage_type", keys.size() > 1 ? keys[1] : ""},
                     {"quantity", sum.quantity.ToString()},
                     {"unit", sum.unit},
                     {"amount", sum.amount.ToString()}});
    l.rows.push_back({keys[0], keys.size() > 1 ? keys[1] : "", sum.quantity.ToString(), sum.unit,
                      sum.amount.ToString()});
  }
  Answer a;
  a.document = json::object{{"source", "cost-explorer"},
                            {"start", r.time_period.start},
                            {"end", r.time_period.end},
                            {"currency", "USD"},
                            {"total", total.ToString()},
                            {"services", std::move(services)},
                            {"lines", std::move(lines)}};
  Section head;
  head.tag = "BILL";
  head.rows.push_back({"", "", r.time_period.start, r.time_period.end, "USD", total.ToString()});
  if (ctx.output == OutputFormat::kText) a.sections.push_back(head);
  a.sections.push_back(std::move(s));
  a.sections.push_back(std::move(l));
  PrintAnswer(ctx, a);
  return kExitOk;
}

int AdminAccounts(Context& ctx, const ParsedArgs& args) {
  auto client = MakeAdmin(ctx);
  if (!client) return ReportError(client.error(), "");
  auto r = client->Send("GET", "/_awslab/accounts");
  if (!r) return ReportError(r.error(), "ListAccounts");
  boost::system::error_code ec;
  json::value doc = json::parse(r->body, ec);
  const json::array* list = nullptr;
  if (!ec && doc.is_object())
    if (const json::value* a = doc.as_object().if_contains("accounts"); a && a->is_array())
      list = &a->as_array();
  if (!list)
    return ReportError(client::MakeError(client::codes::kBadResponse,
                                         "GET /_awslab/accounts: not the expected JSON"),
                       "ListAccounts");
  auto str = [](const json::object& o, std::string_view k) -> std::string {
    const json::value* v = o.if_contains(k);
    if (!v) return "";
    if (v->is_string()) return std::string(v->as_string());
    if (v->is_bool()) return v->as_bool() ? "true" : "false";
    return json::serialize(*v);
  };
  Answer a;
  a.document = doc;
  Section s;
  s.headers = {"Account ID", "Name", "Admin", "Email", "Budget (USD)"};
  for (const json::value& v : *list) {
    if (!v.is_object()) continue;
    const json::object& o = v.as_object();
    s.rows.push_back({str(o, "id"), str(o, "name"), str(o, "admin"), str(o, "email"),
                      str(o, "budget_usd")});
  }
  a.sections.push_back(std::move(s));
  PrintAnswer(ctx, a);
  return kExitOk;
}

std::string FormatScale(double scale) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", scale);
  return buf;
}

int AdminClock(Context& ctx, const ParsedArgs& args) {
  auto client = MakeAdmin(ctx);
  if (!client) return ReportError(client.error(), "");
  Result<admin::ClockState> state = admin::ClockState{};
  if (auto by = args.Get("--advance")) state = client->AdvanceClock(*by);
  else state = client->GetClock();
  if (!state) return ReportError(state.error(), args.Has("--advance") ? "AdvanceClock" : "GetClock");
  Answer a;
  a.document = json::object{{"now", state->now}, {"time_scale", state->time_scale}};
  Section s;
  s.headers = {"Now", "Time scale"};
  s.rows.push_back({state->now, FormatScale(state->time_scale)});
  a.sections.push_back(std::move(s));
  PrintAnswer(ctx, a);
  return kExitOk;
}

int AdminBill(Context& ctx, const ParsedArgs& args) {
  auto client = MakeAdmin(ctx);
  if (!client) return ReportError(client.error(), "");
  admin::BillingPeriod period{args.Get("--start").value_or(""), args.Get("--end").value_or("")};
  auto bill = client->GetClassBilling(period);
  if (!bill) return ReportError(bill.error(), "GetClassBilling");
  Answer a;
  boost::system::error_code ec;
  a.document = json::parse(bill->raw_json, ec);
  if (ec) a.document = json::object{};
  Section s;
  s.title = "The class's bill from " + bill->start + " to " + bill->end + ", " + bill->currency +
            " (clock: " + bill->now + ")";
  s.headers = {"Account ID", "Name", "Total", "Budget", "Alerts"};
  s.right_align = {false, false, true, true, true};
  for (const auto& acc : bill->accounts)
    s.rows.push_back({acc.account_id, acc.name, acc.total, acc.budget ? acc.budget->limit : "",
                      acc.budget ? std::to_string(acc.budget->alerts.size()) : ""});
  if (ctx.output == OutputFormat::kTable) s.rows.push_back({"Total", "", bill->total, "", ""});
  a.sections.push_back(std::move(s));
  PrintAnswer(ctx, a);
  return kExitOk;
}

}  // namespace

int RunBill(const GlobalOptions& global, const std::vector<std::string>& words) {
  if (WantsHelp(global, words, 0)) {
    PrintHelp("bill");
    return kExitOk;
  }
  ParsedArgs args;
  std::string error;
  if (!ParseArgs(words,
                 {{"--start", Arity::kOne}, {"--end", Arity::kOne}, {"--account", Arity::kOne},
                  {"--cost-explorer"}},
                 args, error))
    return ReportUsage(UsageOf("bill"), error);
  if (!args.positional.empty())
    return ReportUsage(UsageOf("bill"), "Unknown options: " + args.positional[0]);
  int code = kExitOk;
  auto ctx = SignedContext(global, code);
  if (!ctx) return code;
  if (args.Has("--cost-explorer") || AdminEndpoint(*ctx).empty())
    return BillFromCostExplorer(*ctx, args);
  return BillFromAdmin(*ctx, args);
}

int RunAdmin(const GlobalOptions& global, const std::vector<std::string>& words) {
  struct Sub {
    std::string_view name;
    std::vector<OptionSpec> options;
    int (*run)(Context&, const ParsedArgs&);
  };
  static const std::vector<Sub> kSubs = {
      {"accounts", {}, AdminAccounts},
      {"clock", {{"--advance", Arity::kOne}}, AdminClock},
      {"bill", {{"--start", Arity::kOne}, {"--end", Arity::kOne}}, AdminBill},
      {"class",
       {{"--students", Arity::kOne}, {"--prefix", Arity::kOne}, {"--teacher", Arity::kOne},
        {"--dir", Arity::kOne}, {"--budget", Arity::kOne}, {"--student-endpoint", Arity::kOne},
        {"--start", Arity::kOne}, {"--end", Arity::kOne}},
       AdminClass},
  };
  if (words.empty() && !global.help)
    return ReportUsage("awslab admin accounts|clock|bill|class [parameters]",
                       "the following arguments are required: subcommand");
  if (words.empty() || words[0] == "help") {
    PrintHelp("admin");
    return kExitOk;
  }
  const Sub* sub = nullptr;
  for (const Sub& s : kSubs)
    if (s.name == words[0]) sub = &s;
  if (!sub)
    return ReportUsage("awslab admin accounts|clock|bill|class [parameters]",
                       "argument subcommand: Invalid choice '" + words[0] +
                           "', valid choices are: accounts | clock | bill | class");
  std::string topic = "admin " + std::string(sub->name);
  std::vector<std::string> rest(words.begin() + 1, words.end());
  if (WantsHelp(global, rest, 0)) {
    PrintHelp(topic);
    return kExitOk;
  }
  ParsedArgs args;
  std::string error;
  if (!ParseArgs(rest, sub->options, args, error)) return ReportUsage(UsageOf(topic), error);
  // `class` takes its action (create, report) as a word; the others none.
  const std::size_t words_allowed = sub->name == "class" ? 1 : 0;
  if (args.positional.size() > words_allowed)
    return ReportUsage(UsageOf(topic), "Unknown options: " + args.positional[words_allowed]);
  if (sub->name == "class" &&
      (args.positional.empty() ||
       (args.positional[0] != "create" && args.positional[0] != "report")))
    return ReportUsage(UsageOf(topic), args.positional.empty()
                                           ? "the following arguments are required: create|report"
                                           : "argument action: Invalid choice '" +
                                                 args.positional[0] +
                                                 "', valid choices are: create | report");
  int code = kExitOk;
  auto ctx = SignedContext(global, code);
  if (!ctx) return code;
  return sub->run(*ctx, args);
}

}  // namespace awslab::cli
