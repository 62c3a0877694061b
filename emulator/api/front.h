// The one Service the server runs: it hands each request to the admin API,
// Cost Explorer, IAM and STS, EC2 or S3, by what the request looks like (see each API's
// Claims), or serves the web console's files.
#ifndef AWSLAB_EMULATOR_API_FRONT_H_
#define AWSLAB_EMULATOR_API_FRONT_H_

#include "emulator/api/admin_api.h"
#include "emulator/api/ce_api.h"
#include "emulator/api/console_api.h"
#include "emulator/api/ec2_api.h"
#include "emulator/api/iam_api.h"
#include "emulator/api/s3_api.h"

namespace awslab::api {

class Front final : public Service {
 public:
  // `iam`: nullptr serves no IAM or STS (EC2 then answers such requests).
  Front(S3Api& s3, Ec2Api& ec2, AdminApi& admin, CeApi& ce, ConsoleApi& console,
        IamApi* iam = nullptr)
      : s3_(s3), ec2_(ec2), admin_(admin), ce_(ce), console_(console), iam_(iam) {}
  std::unique_ptr<Exchange> Begin(protocol::Request request) override {
    if (ConsoleApi::Claims(request)) return console_.Begin(std::move(request));
    if (AdminApi::Claims(request)) return admin_.Begin(std::move(request));
    if (CeApi::Claims(request)) return ce_.Begin(std::move(request));
    // Before EC2, which takes every Query request not signed for another service.
    if (iam_ && IamApi::Claims(request)) return iam_->Begin(std::move(request));
    if (Ec2Api::Claims(request)) return ec2_.Begin(std::move(request));
    return s3_.Begin(std::move(request));
  }

 private:
  S3Api& s3_;
  Ec2Api& ec2_;
  AdminApi& admin_;
  CeApi& ce_;
  ConsoleApi& console_;
  IamApi* iam_;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_FRONT_H_
