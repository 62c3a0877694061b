// Cost Explorer's GetCostAndUsage (JSON 1.1: POST / with X-Amz-Target
// AWSInsightsIndexService.GetCostAndUsage, signed for service "ce"), read
// from the Biller. A caller sees its own account; an admin key, every
// account (as an organization's management account does).
//
// Thread-safety: Begin may be called from any thread.
#ifndef AWSLAB_EMULATOR_API_CE_API_H_
#define AWSLAB_EMULATOR_API_CE_API_H_

#include <memory>
#include <string>

#include "emulator/api/exchange.h"
#include "emulator/auth/authenticator.h"
#include "emulator/billing/biller.h"

namespace awslab::api {

class CeApi final : public Service {
 public:
  CeApi(const billing::Biller& biller, const auth::Authenticator& authenticator)
      : biller_(biller), auth_(authenticator) {}

  std::unique_ptr<Exchange> Begin(protocol::Request request) override;
  static bool Claims(const protocol::Request& request);
  protocol::Response Handle(const protocol::Request& request, const std::string& body);

 private:
  const billing::Biller& biller_;
  const auth::Authenticator& auth_;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_CE_API_H_
