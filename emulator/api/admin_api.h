// The admin API under /_awslab/, JSON, signed (SigV4, any service name) by
// an admin account's key unless said otherwise:
//   GET  /_awslab/clock   {"now": "...Z", "time_scale": 1.0} (any account's key)
//   POST /_awslab/clock   {"advance": "PT3H"} (an ISO 8601 duration) or
//                         {"advance_seconds": 10800}: moves the simulation
//                         clock forward; {"time_scale": 60}: runs it at that
//                         speed from now on (until a restart); both may be
//                         given. Answers as GET does.
//   GET  /_awslab/whoami  {"account_id", "name", "admin", "access_key_id"}
//                         (any account's key: the web console's sign-in)
//   GET  /_awslab/prices  {"rules", "spot_fraction", "instance_types": [{"name",
//                         "vcpus", "memory_gib", "usd_per_hour",
//                         "free_tier_eligible"}]} (any account's key: the
//                         console's launch form; EC2's API has no prices)
//   GET  /_awslab/billing[?account=&start=&end=]
//                         one account's bill (any account's key reads its own)
//   GET  /_awslab/billing/class[?start=&end=]
//                         every account's totals and what it has now
//                         (instances by state, Elastic IPs, volumes, buckets)
//                         (admin only)
//   GET  /_awslab/accounts {"accounts": [{"id", "name", "admin", "email",
//                         "budget_usd", "canonical_user_id"}]} (admin only;
//                         never the secret keys)
// See docs/billing.md for the bill's JSON.
// State that depends on time is computed from the clock when read, so a
// move forward takes effect at once, with no timers.
//
// Thread-safety: Begin may be called from any thread.
#ifndef AWSLAB_EMULATOR_API_ADMIN_API_H_
#define AWSLAB_EMULATOR_API_ADMIN_API_H_

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "emulator/api/exchange.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/billing/biller.h"
#include "emulator/base/clock.h"
#include "emulator/ec2/ec2_store.h"
#include "emulator/s3/s3_store.h"
#include "emulator/storage/storage.h"

namespace awslab::api {

// "PT3H", "P1D", "P1DT2H30M", "PT0.5S", "P2W"; nullopt when malformed.
std::optional<std::chrono::nanoseconds> ParseIsoDuration(std::string_view text);

// The simulation clock's state across restarts: the simulated time and the
// wall time when it was saved. After a restart simulated time goes on from
// there at wall speed for the time the server was down.
std::optional<TimePoint> RestoreClockStart(const storage::Storage& storage);
Status SaveClock(storage::Storage& storage, const SimulationClock& clock);

class AdminApi final : public Service {
 public:
  AdminApi(SimulationClock& clock, storage::Storage& storage,
           const auth::Authenticator& authenticator)
      : clock_(clock), storage_(storage), auth_(authenticator) {}

  // Serves /_awslab/billing; without it those paths are 404.
  void set_billing(const billing::Biller* biller, auth::AccountStore* accounts,
                   std::optional<billing::Nano> default_budget) {
    biller_ = biller;
    accounts_ = accounts;
    default_budget_ = default_budget;
  }

  // Lets the class bill list what every account has now.
  void set_resources(const ec2::Ec2Store* ec2, s3::S3Store* s3) {
    ec2_ = ec2;
    s3_ = s3;
  }

  // How POST /_awslab/clock moves the clock forward (the lifecycle sweeper
  // steps through expiry times on the way); clock.Advance when not set.
  void set_advance(std::function<void(std::chrono::nanoseconds)> advance) {
    advance_ = std::move(advance);
  }

  std::unique_ptr<Exchange> Begin(protocol::Request request) override;
  static bool Claims(const protocol::Request& request) {
    return request.path.starts_with("/_awslab/");
  }
  protocol::Response Handle(const protocol::Request& request, const std::string& body);

 private:
  protocol::Response Billing(const protocol::Request& request, const Principal& caller);
  protocol::Response ClassBilling(const protocol::Request& request);
  protocol::Response Accounts(const protocol::Request& request, const std::string& body);
  protocol::Response Clock(const protocol::Request& request, const std::string& body);
  protocol::Response WhoAmI(const Principal& caller) const;
  protocol::Response Prices() const;
  boost::json::object ResourcesOf(const std::string& account_id) const;
  std::optional<billing::Nano> BudgetOf(const auth::Account& account) const;
  boost::json::array AlertsJson(const std::string& account_id, billing::Nano budget,
                                std::pair<billing::Seconds, billing::Seconds> period) const;

  std::function<void(std::chrono::nanoseconds)> advance_;
  SimulationClock& clock_;
  storage::Storage& storage_;
  const auth::Authenticator& auth_;
  const billing::Biller* biller_ = nullptr;
  auth::AccountStore* accounts_ = nullptr;  // POST /_awslab/accounts adds to it
  std::optional<billing::Nano> default_budget_;
  const ec2::Ec2Store* ec2_ = nullptr;
  s3::S3Store* s3_ = nullptr;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_ADMIN_API_H_
