#include "emulator/api/ce_api.h"

#include <boost/json.hpp>

#include "client/include/awslab/crypto.h"
#include "emulator/base/ids.h"
#include "emulator/iam/iam_store.h"

namespace awslab::api {
namespace json = boost::json;
using protocol::Request;
using protocol::Response;

namespace {

constexpr std::string_view kTargetPrefix = "AWSInsightsIndexService.";
constexpr std::string_view kContentType = "application/x-amz-json-1.1";

Response JsonResponse(int status, const json::value& body, const std::string& request_id) {
  Response r;
  r.status = status;
  r.body = json::serialize(body);
  r.SetHeader("Content-Type", std::string(kContentType));
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

// JSON 1.1 errors: {"__type": code, "Message": ...}; the SDKs read both.
Response Fail(int status, std::string_view code, std::string_view message,
              const std::string& request_id) {
  Response r = JsonResponse(status, json::object{{"__type", code}, {"Message", message}},
                            request_id);
  r.SetHeader("x-amzn-ErrorType", std::string(code));
  return r;
}

struct Invalid {
  std::string message;
};

const json::object& Object(const json::value* v, std::string_view what) {
  if (!v || !v->is_object()) throw Invalid{std::string(what) + " must be an object"};
  return v->as_object();
}

std::string String(const json::value* v, std::string_view what) {
  if (!v || !v->is_string()) throw Invalid{std::string(what) + " must be a string"};
  return std::string(v->as_string());
}

billing::Filter ParseFilter(const json::object& o, int depth) {
  if (depth > 10) throw Invalid{"Filter is nested too deeply"};
  int kinds = 0;
  billing::Filter f;
  if (const json::value* d = o.if_contains("Dimensions")) {
    ++kinds;
    const json::object& dim = Object(d, "Filter.Dimensions");
    std::string key = String(dim.if_contains("Key"), "Filter.Dimensions.Key");
    auto parsed = billing::ParseDimension(key);
    if (!parsed) throw Invalid{"Dimension " + key + " is not allowed. Allowed: SERVICE, "
                                                    "USAGE_TYPE, INSTANCE_TYPE, REGION, "
                                                    "LINKED_ACCOUNT, RECORD_TYPE"};
    f.kind = billing::Filter::Kind::kDimension;
    f.dimension = *parsed;
    const json::value* values = dim.if_contains("Values");
    if (!values || !values->is_array()) throw Invalid{"Filter.Dimensions.Values must be a list"};
    for (const json::value& v : values->as_array()) f.values.push_back(String(&v, "a value"));
    if (const json::value* m = dim.if_contains("MatchOptions")) {
      if (!m->is_array()) throw Invalid{"MatchOptions must be a list"};
      for (const json::value& x : m->as_array())
        if (String(&x, "a match option") != "EQUALS")
          throw Invalid{"Only the EQUALS match option is supported for dimensions"};
    }
  }
  for (std::string_view name : {"And", "Or"}) {
    if (const json::value* list = o.if_contains(name)) {
      ++kinds;
      if (!list->is_array() || list->as_array().size() < 2)
        throw Invalid{std::string(name) + " needs at least two expressions"};
      f.kind = name == "And" ? billing::Filter::Kind::kAnd : billing::Filter::Kind::kOr;
      for (const json::value& c : list->as_array())
        f.children.push_back(ParseFilter(Object(&c, "an expression"), depth + 1));
    }
  }
  if (const json::value* n = o.if_contains("Not")) {
    ++kinds;
    f.kind = billing::Filter::Kind::kNot;
    f.children.push_back(ParseFilter(Object(n, "Not"), depth + 1));
  }
  for (std::string_view unsupported : {"Tags", "CostCategories"})
    if (o.contains(unsupported))
      throw Invalid{std::string(unsupported) + " filters are not supported by awslab"};
  if (kinds != 1)
    throw Invalid{"Expression must have exactly one of Dimensions, And, Or, Not"};
  return f;
}

bool IsCostMetric(std::string_view m) {
  return m == "UnblendedCost" || m == "BlendedCost" || m == "AmortizedCost" ||
         m == "NetUnblendedCost" || m == "NetAmortizedCost";
}

bool IsUsageMetric(std::string_view m) {
  return m == "UsageQuantity" || m == "NormalizedUsageAmount";
}

json::object Metrics(const std::vector<std::string>& metrics, const billing::Amount& a) {
  json::object o;
  for (const std::string& m : metrics) {
    if (IsCostMetric(m))
      o[m] = {{"Amount", billing::FormatNano(a.cost)}, {"Unit", "USD"}};
    else
      o[m] = {{"Amount", billing::FormatNano(a.quantity)}, {"Unit", a.unit}};
  }
  return o;
}

}  // namespace

bool CeApi::Claims(const Request& request) {
  const std::string* target = request.Header("x-amz-target");
  return request.raw.method == "POST" && target && target->starts_with(kTargetPrefix);
}

std::unique_ptr<Exchange> CeApi::Begin(Request request) {
  return std::make_unique<WholeBodyExchange>(
      std::move(request), 256 * 1024,
      [this](bool complete, const Request& r, const std::string& body) {
        if (!complete) return Fail(400, "SerializationException", "the body was cut short", NewUuid());
        return Handle(r, body);
      });
}

Response CeApi::Handle(const Request& request, const std::string& body) {
  const std::string request_id = NewUuid();
  auto auth = auth_.AuthenticateSignedBody(request.raw, crypto::Sha256Hex(body));
  if (!auth) {
    const ErrorInfo& info = Describe(auth.error().code);
    return Fail(info.http_status, info.code, auth.error().Message(), request_id);
  }
  if (auth->principal.anonymous())
    return Fail(400, "MissingAuthenticationTokenException", "Missing Authentication Token",
                request_id);
  std::string_view target = *request.Header("x-amz-target");
  target.remove_prefix(kTargetPrefix.size());
  if (target != "GetCostAndUsage")
    return Fail(400, "UnknownOperationException",
                "awslab's Cost Explorer answers GetCostAndUsage only", request_id);
  // An IAM user needs ce:GetCostAndUsage from its identity policies.
  if (!auth->principal.user_name.empty() && auth->iam &&
      auth->iam->Evaluate(auth->principal.account_id, auth->principal.user_name,
                          "ce:GetCostAndUsage", "*") != iam::Decision::kAllow)
    return Fail(400, "AccessDeniedException",
                "User: " + auth->principal.user_arn +
                    " is not authorized to perform: ce:GetCostAndUsage on resource: arn:aws:ce:" +
                    (auth->region.empty() ? "us-east-1" : auth->region) + ":" +
                    auth->principal.account_id + ":/GetCostAndUsage",
                request_id);

  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object())
    return Fail(400, "SerializationException", "the body is not a JSON object", request_id);
  const json::object& in = parsed.as_object();

  billing::BillQuery q;
  std::vector<std::string> metrics;
  json::array definitions;
  try {
    const json::object& period = Object(in.if_contains("TimePeriod"), "TimePeriod");
    std::string start = String(period.if_contains("Start"), "TimePeriod.Start");
    std::string end = String(period.if_contains("End"), "TimePeriod.End");
    std::string granularity = in.contains("Granularity")
                                  ? String(in.if_contains("Granularity"), "Granularity")
                                  : "";
    if (granularity == "DAILY") q.granularity = billing::Granularity::kDaily;
    else if (granularity == "MONTHLY") q.granularity = billing::Granularity::kMonthly;
    else if (granularity == "HOURLY") q.granularity = billing::Granularity::kHourly;
    else throw Invalid{"Granularity must be one of DAILY, MONTHLY, HOURLY"};
    // Dates; HOURLY also takes times on the hour.
    auto date = [&](const std::string& s) -> billing::Seconds {
      auto t = billing::ParseDateTime(s);
      if (!t || (s.size() > 10 && (q.granularity != billing::Granularity::kHourly ||
                                   *t % billing::kHour != 0)))
        throw Invalid{"Invalid date format: " + s + ". Expected yyyy-MM-dd" +
                      std::string(q.granularity == billing::Granularity::kHourly
                                      ? " or yyyy-MM-ddTHH:mm:ssZ"
                                      : "")};
      return *t;
    };
    q.start = date(start);
    q.end = date(end);
    if (q.start >= q.end)
      throw Invalid{"Start date (and hour) should be before end date (and hour)"};
    const json::value* m = in.if_contains("Metrics");
    if (!m || !m->is_array() || m->as_array().empty())
      throw Invalid{"Metrics is required and must not be empty"};
    for (const json::value& x : m->as_array()) {
      std::string name = String(&x, "a metric");
      if (!IsCostMetric(name) && !IsUsageMetric(name))
        throw Invalid{"Metric " + name + " is not supported. Supported: AmortizedCost, "
                      "BlendedCost, NetAmortizedCost, NetUnblendedCost, NormalizedUsageAmount, "
                      "UnblendedCost, UsageQuantity"};
      metrics.push_back(name);
    }
    if (const json::value* g = in.if_contains("GroupBy")) {
      if (!g->is_array()) throw Invalid{"GroupBy must be a list"};
      if (g->as_array().size() > 2) throw Invalid{"You can only group by up to two dimensions"};
      for (const json::value& x : g->as_array()) {
        const json::object& def = Object(&x, "a group definition");
        std::string type = String(def.if_contains("Type"), "GroupBy.Type");
        std::string key = String(def.if_contains("Key"), "GroupBy.Key");
        if (type != "DIMENSION")
          throw Invalid{"Group by " + type + " is not supported by awslab; use DIMENSION"};
        auto d = billing::ParseDimension(key);
        if (!d) throw Invalid{"Group Definition dimension is invalid. Valid values are SERVICE, "
                              "USAGE_TYPE, INSTANCE_TYPE, REGION, LINKED_ACCOUNT, RECORD_TYPE"};
        q.group_by.push_back(*d);
        definitions.push_back({{"Type", "DIMENSION"}, {"Key", key}});
      }
    }
    if (const json::value* f = in.if_contains("Filter"))
      q.filter = ParseFilter(Object(f, "Filter"), 0);
  } catch (const Invalid& e) {
    return Fail(400, "ValidationException", e.message, request_id);
  }
  if (!auth->principal.admin) q.account_id = auth->principal.account_id;

  json::array results;
  auto date_text = [&](billing::Seconds t) {
    return q.granularity == billing::Granularity::kHourly ? billing::FormatDateTime(t)
                                                          : billing::FormatDate(t);
  };
  for (const billing::BillPeriod& p : biller_.Query(q)) {
    json::object r;
    r["TimePeriod"] = {{"Start", date_text(p.start)}, {"End", date_text(p.end)}};
    json::array groups;
    if (q.group_by.empty()) {
      r["Total"] = Metrics(metrics, p.total);
    } else {
      r["Total"] = json::object{};
      for (const billing::BillGroup& g : p.groups) {
        json::array keys;
        for (const std::string& k : g.keys) keys.emplace_back(k);
        groups.push_back({{"Keys", std::move(keys)}, {"Metrics", Metrics(metrics, g.amount)}});
      }
    }
    r["Groups"] = std::move(groups);
    r["Estimated"] = p.estimated;
    results.push_back(std::move(r));
  }
  json::object out;
  if (!definitions.empty()) out["GroupDefinitions"] = std::move(definitions);
  out["ResultsByTime"] = std::move(results);
  out["DimensionValueAttributes"] = json::array{};
  return JsonResponse(200, out, request_id);
}

}  // namespace awslab::api
