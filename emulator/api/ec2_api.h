// EC2's Query API: a form-encoded POST (or a GET with the same parameters in
// the query string) naming Action= and Version=, signed with SigV4 for
// service "ec2" over the body; XML answers in the 2016-11-15 namespace and
// EC2's own error document.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
//
// Thread-safety: Begin may be called from any thread.
#ifndef AWSLAB_EMULATOR_API_EC2_API_H_
#define AWSLAB_EMULATOR_API_EC2_API_H_

#include <memory>
#include <string>

#include "emulator/api/exchange.h"
#include "emulator/auth/authenticator.h"
#include "emulator/ec2/ec2_store.h"

namespace awslab::api {

class Ec2Api final : public Service {
 public:
  Ec2Api(ec2::Ec2Store& store, const auth::Authenticator& authenticator, std::string region)
      : store_(store), auth_(authenticator), default_region_(std::move(region)) {}

  std::unique_ptr<Exchange> Begin(protocol::Request request) override;

  // True when a request is EC2's: signed for service ec2, or an unsigned
  // form POST to "/" or a query naming Action=.
  static bool Claims(const protocol::Request& request);

  // The answer to a whole request (body read).
  protocol::Response Handle(const protocol::Request& request, const std::string& body);

 private:
  ec2::Ec2Store& store_;
  const auth::Authenticator& auth_;
  const std::string default_region_;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_EC2_API_H_
