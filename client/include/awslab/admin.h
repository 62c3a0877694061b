// The admin client of libawslab: awslab-server's own API under /_awslab/
// (not AWS's): the simulation clock, an account's bill, the class's bill and
// the list of accounts. JSON over HTTP, signed with SigV4 for service
// "awslab" in config.region (the server accepts any service name), with an
// admin account's key (an account's own bill needs only its key).
//
// The endpoint is config.EndpointUrlFor("awslab") (which falls back to
// config.endpoint_url); there is no AWS default: without one, Create fails
// with InvalidConfiguration.
//
// Errors are the server's {"error": {"code", "message"}} (AccessDenied,
// NoSuchAccount, InvalidArgument, NotFound, ...). Money stays a decimal
// string.
//
// Thread-safety: an AdminClient may be used from many threads at once.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_ADMIN_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_ADMIN_H_

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client::admin {

inline constexpr const char* kSigningService = "awslab";

struct ClockState {
  std::string now;        // ISO 8601 ("2013-04-01T03:00:00.000Z")
  double time_scale = 1;  // 0: frozen
};

struct BudgetAlert {
  int threshold_percent = 0;  // 50, 80, 100
  std::string month;          // "2013-04"
  std::string at;             // the clock hour it happened in
  std::string month_to_date;
};

struct Budget {
  std::string limit;
  std::string month_to_date;  // empty in the class bill (not sent there)
  std::vector<BudgetAlert> alerts;
};

struct BillLine {
  std::string service;
  std::string usage_type;
  std::string region;
  std::string resource_id;
  std::string instance_type;  // empty for usage without one
  std::string record_type;    // "Usage", "Credit"
  std::string quantity;
  std::string unit;
  std::string amount;
};

// (service, amount) in the server's order.
using ServiceAmounts = std::vector<std::pair<std::string, std::string>>;

struct Bill {
  std::string account_id;
  std::string name;
  std::string rules;  // "hourly", "per-second"
  bool free_tier = false;
  std::string start, end, now;
  std::string currency;
  std::string total;
  ServiceAmounts services;
  std::vector<BillLine> lines;
  std::optional<Budget> budget;
  std::string raw_json;  // the answer as received
};

// What an account holds now (the class bill's "resources").
struct AccountResources {
  long long instances_running = 0;
  // Instances by state name ("pending", "running", "stopped", ...), not
  // terminated ones.
  std::vector<std::pair<std::string, long long>> instances;
  long long elastic_ips = 0;
  long long volumes = 0;
  long long buckets = 0;
};

struct AccountBill {
  std::string account_id;
  std::string name;
  std::string total;
  ServiceAmounts services;
  std::optional<Budget> budget;
  bool admin = false;
  AccountResources resources;
};

struct ClassBill {
  std::string start, end, now;
  std::string currency;
  std::string total;
  std::vector<AccountBill> accounts;
  std::string raw_json;
};

// The period of a bill: dates ("2013-04-01") or times
// ("2013-04-01T05:00:00Z"); empty: the server's default (the clock's month
// so far).
struct BillingPeriod {
  std::string start;
  std::string end;
};

struct AccountInfo {
  std::string id;
  std::string name;
  bool admin = false;
  std::string email;
  std::string budget_usd;  // empty: none
  std::string canonical_user_id;  // S3's, 64 hex characters
};

// What to create: a name (unique on the server), the rest optional.
struct NewAccount {
  std::string name;
  bool admin = false;
  std::string email;
  std::string budget_usd;  // empty: none
};

// A created account and its access key (the secret is given this once).
struct CreatedAccount {
  AccountInfo account;
  std::string access_key_id;
  std::string secret_access_key;
};

class AdminClient {
 public:
  // Errors: no endpoint configured, one that does not parse
  // (InvalidConfiguration), an unreadable CA bundle.
  static Result<AdminClient> Create(const Config& config,
                                    std::shared_ptr<HttpClient> http = nullptr);
  AdminClient(std::shared_ptr<Caller> caller, Url endpoint);

  // GET /_awslab/clock
  Result<ClockState> GetClock();
  // POST /_awslab/clock {"advance": "PT3H"} (ISO 8601: weeks, days, hours,
  // minutes, seconds).
  Result<ClockState> AdvanceClock(std::string_view iso_duration);
  // POST /_awslab/clock {"advance_seconds": N}
  Result<ClockState> AdvanceClock(std::chrono::duration<double> by);

  // GET /_awslab/billing?account=&start=&end= (account empty: the caller's).
  Result<Bill> GetBilling(const std::string& account_id = "", const BillingPeriod& period = {});
  // GET /_awslab/billing/class?start=&end=
  Result<ClassBill> GetClassBilling(const BillingPeriod& period = {});
  // GET /_awslab/accounts
  Result<std::vector<AccountInfo>> ListAccounts();
  // POST /_awslab/accounts. Errors: EntityAlreadyExists (the name is taken),
  // InvalidArgument.
  Result<CreatedAccount> CreateAccount(const NewAccount& account);

  // Any admin call: method, path under the endpoint ("/_awslab/clock"), an
  // already-encoded query and a JSON body; the raw 2xx answer.
  Result<HttpResponse> Send(std::string_view method, std::string_view path,
                            std::string_view query = "", std::string_view json_body = "");

  const Url& endpoint() const { return endpoint_; }
  Caller& caller() { return *caller_; }

 private:
  std::shared_ptr<Caller> caller_;
  Url endpoint_;
};

}  // namespace awslab::client::admin

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_ADMIN_H_
