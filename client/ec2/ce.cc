// CostExplorerClient: GetCostAndUsage over JSON 1.1, the body written as
// Python's json.dumps writes botocore's dict (see ce.h), the answer read
// with Boost.JSON keeping amounts as strings.
//
// Thread-safety: see ce.h.
#include <boost/json.hpp>

#include "client/ec2/client_util.h"
#include "client/ec2/json_fields.h"
#include "client/include/awslab/ce.h"

namespace awslab::client::ce {

namespace json = boost::json;
using internal::ArrayOf;
using internal::ObjectOf;

namespace {

// Python's json.dumps string with ensure_ascii: \" \\ \n \r \t \b \f, every
// other byte outside ' '..'~' as \u00XX / \uXXXX (surrogate pairs above
// the BMP). Invalid UTF-8 bytes are taken as Latin-1 (Python would not have
// had them in a str).
void AppendString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  auto u = [&](unsigned cp) {
    out += "\\u";
    for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kHex[(cp >> shift) & 0xf]);
  };
  out.push_back('"');
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == '"') { out += "\\\""; ++i; continue; }
    if (c == '\\') { out += "\\\\"; ++i; continue; }
    if (c == '\n') { out += "\\n"; ++i; continue; }
    if (c == '\r') { out += "\\r"; ++i; continue; }
    if (c == '\t') { out += "\\t"; ++i; continue; }
    if (c == '\b') { out += "\\b"; ++i; continue; }
    if (c == '\f') { out += "\\f"; ++i; continue; }
    if (c >= 0x20 && c < 0x7f) { out.push_back(static_cast<char>(c)); ++i; continue; }
    // Decode one UTF-8 sequence.
    unsigned cp = c;
    std::size_t len = 1;
    if (c >= 0xc2 && c <= 0xdf) { cp = c & 0x1f; len = 2; }
    else if (c >= 0xe0 && c <= 0xef) { cp = c & 0x0f; len = 3; }
    else if (c >= 0xf0 && c <= 0xf4) { cp = c & 0x07; len = 4; }
    bool ok = len > 1 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) ok = false;
      else cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok) { u(c); ++i; continue; }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u(0xd800 + (cp >> 10));
      u(0xdc00 + (cp & 0x3ff));
    } else {
      u(cp);
    }
    i += len;
  }
  out.push_back('"');
}

// An object written member by member with Python's separators.
class Object {
 public:
  explicit Object(std::string& out) : out_(out) { out_.push_back('{'); }
  ~Object() { out_.push_back('}'); }
  std::string& Key(std::string_view k) {
    if (!first_) out_ += ", ";
    first_ = false;
    AppendString(out_, k);
    out_ += ": ";
    return out_;
  }
  void Str(std::string_view k, std::string_view v) { AppendString(Key(k), v); }
  void Strings(std::string_view k, const std::vector<std::string>& v) {
    std::string& o = Key(k);
    o.push_back('[');
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (i) o += ", ";
      AppendString(o, v[i]);
    }
    o.push_back(']');
  }

 private:
  std::string& out_;
  bool first_ = true;
};

void AppendValues(std::string& out, const DimensionValues& d) {
  Object o(out);
  if (!d.key.empty()) o.Str("Key", d.key);
  o.Strings("Values", d.values);
  if (!d.match_options.empty()) o.Strings("MatchOptions", d.match_options);
}

void AppendExpression(std::string& out, const Expression& e) {
  Object o(out);
  auto list = [&](std::string_view name, const std::vector<Expression>& parts) {
    std::string& s = o.Key(name);
    s.push_back('[');
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i) s += ", ";
      AppendExpression(s, parts[i]);
    }
    s.push_back(']');
  };
  if (!e.or_.empty()) list("Or", e.or_);
  if (!e.and_.empty()) list("And", e.and_);
  if (e.not_) AppendExpression(o.Key("Not"), *e.not_);
  if (e.dimensions) AppendValues(o.Key("Dimensions"), *e.dimensions);
  if (e.tags) AppendValues(o.Key("Tags"), *e.tags);
  if (e.cost_categories) AppendValues(o.Key("CostCategories"), *e.cost_categories);
}

std::string StringOf(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

DateInterval Interval(const json::object* o) {
  if (!o) return {};
  return {StringOf(*o, "Start"), StringOf(*o, "End")};
}

std::map<std::string, MetricValue> Metrics(const json::object* o) {
  std::map<std::string, MetricValue> out;
  if (!o) return out;
  for (const auto& [name, v] : *o) {
    if (!v.is_object()) continue;
    const json::object& m = v.as_object();
    // Amounts are strings in Cost Explorer's answers; keep a number's text
    // if a server ever sends one.
    std::string amount = StringOf(m, "Amount");
    if (const json::value* a = m.if_contains("Amount"); a && !a->is_string())
      amount = json::serialize(*a);
    out[std::string(name)] = {amount, StringOf(m, "Unit")};
  }
  return out;
}

}  // namespace

Expression Expression::Dimension(std::string key, std::vector<std::string> values) {
  Expression e;
  e.dimensions = DimensionValues{std::move(key), std::move(values), {}};
  return e;
}

Expression Expression::And(std::vector<Expression> parts) {
  Expression e;
  e.and_ = std::move(parts);
  return e;
}

Expression Expression::Or(std::vector<Expression> parts) {
  Expression e;
  e.or_ = std::move(parts);
  return e;
}

Expression Expression::Not(Expression part) {
  Expression e;
  e.not_ = std::make_shared<Expression>(std::move(part));
  return e;
}

std::string CostExplorerClient::Body(const GetCostAndUsageRequest& r) {
  std::string out;
  {
    Object o(out);
    {
      Object period(o.Key("TimePeriod"));
      period.Str("Start", r.time_period.start);
      period.Str("End", r.time_period.end);
    }
    if (!r.granularity.empty()) o.Str("Granularity", r.granularity);
    if (r.filter) AppendExpression(o.Key("Filter"), *r.filter);
    if (!r.metrics.empty()) o.Strings("Metrics", r.metrics);
    if (!r.group_by.empty()) {
      std::string& s = o.Key("GroupBy");
      s.push_back('[');
      for (std::size_t i = 0; i < r.group_by.size(); ++i) {
        if (i) s += ", ";
        Object g(s);
        if (!r.group_by[i].type.empty()) g.Str("Type", r.group_by[i].type);
        if (!r.group_by[i].key.empty()) g.Str("Key", r.group_by[i].key);
      }
      s.push_back(']');
    }
    if (!r.next_page_token.empty()) o.Str("NextPageToken", r.next_page_token);
  }
  return out;
}

Result<CostExplorerClient> CostExplorerClient::Create(const Config& config,
                                                      std::shared_ptr<HttpClient> http) {
  auto w = internal::Wire(config, "ce", std::string(kDefaultEndpoint), std::move(http));
  if (!w) return w.error();
  return CostExplorerClient(w->caller, w->endpoint);
}

CostExplorerClient::CostExplorerClient(std::shared_ptr<Caller> caller, Url endpoint)
    : caller_(std::move(caller)), endpoint_(std::move(endpoint)) {}

Result<GetCostAndUsageResult> CostExplorerClient::GetCostAndUsage(
    const GetCostAndUsageRequest& request) {
  std::string body = Body(request);
  StringSource source(body);
  Call call;
  call.method = "POST";
  call.origin = endpoint_;
  call.path = internal::RootPath(endpoint_);
  call.headers.push_back({"X-Amz-Target", "AWSInsightsIndexService.GetCostAndUsage"});
  call.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  call.body = &source;
  call.signing_service = "ce";
  call.signing_region = kSigningRegion;
  auto response = caller_->Send(call);
  if (!response) return response.error();

  boost::system::error_code ec;
  json::value v = json::parse(response->body, ec);
  if (ec || !v.is_object()) {
    Error e = MakeError(codes::kBadResponse, "Cost Explorer's answer is not a JSON object",
                        response->status);
    if (const std::string* id = response->Header("x-amzn-RequestId")) e.request_id = *id;
    return e;
  }
  const json::object& root = v.as_object();
  GetCostAndUsageResult out;
  out.raw_json = std::move(response->body);
  out.next_page_token = StringOf(root, "NextPageToken");
  if (const json::array* defs = ArrayOf(root, "GroupDefinitions"))
    for (const json::value& d : *defs)
      if (d.is_object())
        out.group_definitions.push_back(
            {StringOf(d.as_object(), "Type"), StringOf(d.as_object(), "Key")});
  if (const json::array* results = ArrayOf(root, "ResultsByTime")) {
    for (const json::value& rv : *results) {
      if (!rv.is_object()) continue;
      const json::object& r = rv.as_object();
      ResultByTime t;
      t.time_period = Interval(ObjectOf(r, "TimePeriod"));
      t.total = Metrics(ObjectOf(r, "Total"));
      if (const json::array* groups = ArrayOf(r, "Groups")) {
        for (const json::value& gv : *groups) {
          if (!gv.is_object()) continue;
          Group g;
          if (const json::array* keys = ArrayOf(gv.as_object(), "Keys"))
            for (const json::value& k : *keys)
              if (k.is_string()) g.keys.emplace_back(k.as_string());
          g.metrics = Metrics(ObjectOf(gv.as_object(), "Metrics"));
          t.groups.push_back(std::move(g));
        }
      }
      if (const json::value* e = r.if_contains("Estimated"); e && e->is_bool())
        t.estimated = e->as_bool();
      out.results_by_time.push_back(std::move(t));
    }
  }
  if (const json::array* attrs = ArrayOf(root, "DimensionValueAttributes")) {
    for (const json::value& av : *attrs) {
      if (!av.is_object()) continue;
      DimensionValueAttribute a;
      a.value = StringOf(av.as_object(), "Value");
      if (const json::object* m = ObjectOf(av.as_object(), "Attributes"))
        for (const auto& [k, val] : *m)
          if (val.is_string()) a.attributes[std::string(k)] = std::string(val.as_string());
      out.dimension_value_attributes.push_back(std::move(a));
    }
  }
  return out;
}

}  // namespace awslab::client::ce
