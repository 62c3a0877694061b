// Shared by libawslab's EC2, Cost Explorer and admin tests: the flags of a
// server on a frozen clock with instant EC2 states, and the clients of a
// RealServer.
//
// Thread-safety: one thread.
#ifndef AWSLAB_TESTS_CLIENT_LIB_EC2_TEST_UTIL_H_
#define AWSLAB_TESTS_CLIENT_LIB_EC2_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "client/include/awslab/admin.h"
#include "client/include/awslab/ce.h"
#include "client/include/awslab/config.h"
#include "client/include/awslab/ec2.h"
#include "tests/client/lib/server_fixture.h"

namespace awslab::testing {

// A frozen clock at the course's date, every EC2 state change instant.
// `extra` goes after (a later flag wins: "--ec2-pending", "5").
inline std::vector<std::string> FrozenFlags(std::vector<std::string> extra = {}) {
  std::vector<std::string> flags = {"--time-scale", "0", "--clock-start", "2013-04-01T00:00:00Z",
                                    "--ec2-pending", "0", "--ec2-stopping", "0",
                                    "--ec2-shutting-down", "0", "--ec2-spot-pending", "0"};
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

inline client::Config ConfigFor(const RealServer& server, const std::string& key = "test",
                                const std::string& secret = "test",
                                const std::string& region = "us-east-1") {
  client::Config config;
  config.credentials.access_key_id = key;
  config.credentials.secret_access_key = secret;
  config.region = region;
  config.endpoint_url = server.endpoint();
  config.max_attempts = 1;  // the tests look at single answers
  return config;
}

// A server and its three clients (admin key test/test).
struct Ec2Env {
  explicit Ec2Env(std::vector<std::string> flags = FrozenFlags())
      : server(std::move(flags)),
        ec2(client::ec2::Ec2Client::Create(ConfigFor(server)).value()),
        ce(client::ce::CostExplorerClient::Create(ConfigFor(server)).value()),
        admin(client::admin::AdminClient::Create(ConfigFor(server)).value()) {}

  // A WaiterOptions whose "sleep" moves the simulation clock by the delay:
  // waiting costs no wall time and is deterministic. `sleeps` counts them.
  client::ec2::WaiterOptions ClockWaiter(std::chrono::milliseconds delay, int max_attempts,
                                         int* sleeps = nullptr) {
    client::ec2::WaiterOptions o;
    o.delay = delay;
    o.max_attempts = max_attempts;
    o.sleep = [this, sleeps](std::chrono::milliseconds d) {
      if (sleeps) ++*sleeps;
      auto r = admin.AdvanceClock(std::chrono::duration<double>(d));
      ASSERT_TRUE(r) << r.error().ToString();
    };
    return o;
  }

  RealServer server;
  client::ec2::Ec2Client ec2;
  client::ce::CostExplorerClient ce;
  client::admin::AdminClient admin;
};

}  // namespace awslab::testing

#endif  // AWSLAB_TESTS_CLIENT_LIB_EC2_TEST_UTIL_H_
