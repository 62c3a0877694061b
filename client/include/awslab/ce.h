// The Cost Explorer client of libawslab: GetCostAndUsage over JSON 1.1
// (POST / with X-Amz-Target AWSInsightsIndexService.GetCostAndUsage).
//
// The body is what botocore 1.29 sends: json.dumps of the input in the order
// of the input shape's members (TimePeriod, Granularity, Filter, Metrics,
// GroupBy, NextPageToken), with Python's default separators (", " and ": ")
// and non-ASCII escaped as \uXXXX; members left empty are not sent. Cost
// Explorer is global: its endpoint is config.EndpointUrlFor("ce") or
// https://ce.us-east-1.amazonaws.com, and requests are signed for region
// us-east-1, service "ce", whatever config.region says.
//
// Money stays a decimal string ("0.0116"), never a double.
//
// Thread-safety: a CostExplorerClient may be used from many threads at once.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_CE_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_CE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client::ce {

// Dimensions {Key, Values, MatchOptions}: Key "SERVICE", "USAGE_TYPE",
// "REGION", "LINKED_ACCOUNT", "INSTANCE_TYPE", "RECORD_TYPE", ...
struct DimensionValues {
  std::string key;
  std::vector<std::string> values;
  std::vector<std::string> match_options;  // "EQUALS", ...; empty: not sent
};

// Tags and CostCategories have the same shape.
using TagValues = DimensionValues;
using CostCategoryValues = DimensionValues;

// A filter expression: exactly one of its parts is set.
struct Expression {
  std::vector<Expression> or_;
  std::vector<Expression> and_;
  std::shared_ptr<Expression> not_;
  std::optional<DimensionValues> dimensions;
  std::optional<TagValues> tags;
  std::optional<CostCategoryValues> cost_categories;

  static Expression Dimension(std::string key, std::vector<std::string> values);
  static Expression And(std::vector<Expression> parts);
  static Expression Or(std::vector<Expression> parts);
  static Expression Not(Expression part);
};

struct GroupDefinition {
  std::string type = "DIMENSION";  // "DIMENSION", "TAG", "COST_CATEGORY"
  std::string key;                 // "SERVICE", ...
};

struct DateInterval {
  std::string start;  // "2013-04-01" (or "2013-04-01T00:00:00Z" with HOURLY)
  std::string end;    // exclusive
};

struct GetCostAndUsageRequest {
  DateInterval time_period;
  std::string granularity = "MONTHLY";  // "DAILY", "MONTHLY", "HOURLY"
  std::optional<Expression> filter;
  std::vector<std::string> metrics = {"UnblendedCost"};
  std::vector<GroupDefinition> group_by;
  std::string next_page_token;
};

struct MetricValue {
  std::string amount;  // decimal string, as sent
  std::string unit;    // "USD", "Hrs", "N/A", ...
};

struct Group {
  std::vector<std::string> keys;
  std::map<std::string, MetricValue> metrics;  // by metric name
};

struct ResultByTime {
  DateInterval time_period;
  std::map<std::string, MetricValue> total;  // by metric name; empty with GroupBy
  std::vector<Group> groups;
  bool estimated = false;
};

struct DimensionValueAttribute {
  std::string value;
  std::map<std::string, std::string> attributes;
};

struct GetCostAndUsageResult {
  std::string next_page_token;
  std::vector<GroupDefinition> group_definitions;
  std::vector<ResultByTime> results_by_time;
  std::vector<DimensionValueAttribute> dimension_value_attributes;
  std::string raw_json;  // the answer as received
};

class CostExplorerClient {
 public:
  // Errors: an endpoint URL that does not parse, an unreadable CA bundle.
  static Result<CostExplorerClient> Create(const Config& config,
                                           std::shared_ptr<HttpClient> http = nullptr);
  CostExplorerClient(std::shared_ptr<Caller> caller, Url endpoint);

  // Errors: Cost Explorer's (ValidationException, ...), BadResponse for an
  // answer that is not the expected JSON.
  Result<GetCostAndUsageResult> GetCostAndUsage(const GetCostAndUsageRequest& request);

  // The JSON body botocore would send for the request (byte for byte).
  static std::string Body(const GetCostAndUsageRequest& request);

  const Url& endpoint() const { return endpoint_; }
  Caller& caller() { return *caller_; }

 private:
  std::shared_ptr<Caller> caller_;
  Url endpoint_;
};

// "https://ce.us-east-1.amazonaws.com"
inline constexpr const char* kDefaultEndpoint = "https://ce.us-east-1.amazonaws.com";
inline constexpr const char* kSigningRegion = "us-east-1";

}  // namespace awslab::client::ce

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_CE_H_
