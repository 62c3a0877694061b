// IAM's Query API (Version 2010-05-08) and STS's (Version 2011-06-15): a
// form-encoded POST naming Action= and Version=, signed with SigV4 for
// service "iam" or "sts" over the body; XML answers in each service's
// namespace with ResponseMetadata/RequestId, and IAM's error document
// (<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>).
// https://docs.aws.amazon.com/IAM/latest/APIReference/iam-api.pdf
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
//
// Who may call IAM: the account's root user always; an IAM user when its
// identity policies allow iam:<Action> on the resource (IamStore::Evaluate);
// GetCallerIdentity always ("No permissions are required to perform this
// operation"). See docs/iam.md.
//
// Thread-safety: Begin may be called from any thread.
#ifndef AWSLAB_EMULATOR_API_IAM_API_H_
#define AWSLAB_EMULATOR_API_IAM_API_H_

#include <memory>
#include <string>

#include "emulator/api/exchange.h"
#include "emulator/auth/authenticator.h"
#include "emulator/iam/iam_store.h"

namespace awslab::api {

class IamApi final : public Service {
 public:
  IamApi(iam::IamStore& store, const auth::Authenticator& authenticator)
      : store_(store), auth_(authenticator) {}

  std::unique_ptr<Exchange> Begin(protocol::Request request) override;

  // True when a request is signed for service iam or sts (its SigV4
  // credential scope ends /iam/aws4_request or /sts/aws4_request).
  static bool Claims(const protocol::Request& request);

  // The answer to a whole request (body read).
  protocol::Response Handle(const protocol::Request& request, const std::string& body);

 private:
  iam::IamStore& store_;
  const auth::Authenticator& auth_;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_IAM_API_H_
