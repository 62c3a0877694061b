// The S3 REST API: routes, authenticates, decodes each request, calls the
// model and encodes its answer. One handler per operation.
//
// Thread-safety: Begin may be called from any thread; each Exchange is used
// by one thread at a time.
#ifndef AWSLAB_EMULATOR_API_S3_API_H_
#define AWSLAB_EMULATOR_API_S3_API_H_

#include <memory>
#include <string>

#include "emulator/api/exchange.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/authenticator.h"
#include "emulator/router/s3_router.h"
#include "emulator/s3/s3_store.h"

namespace awslab::api {

struct S3ApiOptions {
  router::S3Addressing addressing;
  std::string region = "us-east-1";
  // The largest single PUT: "Upload an object in a single operation ... up to 5 GB."
  std::uint64_t max_put_size = 5ull << 30;
};

class S3Api final : public Service {
 public:
  S3Api(s3::S3Store& store, const auth::AccountStore& accounts,
        const auth::Authenticator& authenticator, S3ApiOptions options)
      : store_(store), accounts_(accounts), auth_(authenticator), options_(std::move(options)) {}

  std::unique_ptr<Exchange> Begin(protocol::Request request) override;

  // Billing: counts requests and bytes out per bucket; may be null.
  void set_meters(billing::S3Meters* meters) { meters_ = meters; }
  void Meter(std::string_view bucket, billing::RequestTier tier, std::uint64_t bytes_out);
  static billing::RequestTier TierOf(router::S3Op op, std::string_view method);

  // Builds an S3 error response (XML body, except for HEAD).
  static protocol::Response ErrorResponse(const Error& error, const protocol::Request& request);

  s3::S3Store& store() { return store_; }
  const auth::AccountStore& accounts() const { return accounts_; }
  const auth::Authenticator& authenticator() const { return auth_; }
  const S3ApiOptions& options() const { return options_; }

 private:
  // Routes, authenticates and starts one operation; Begin adds the CORS
  // headers to whatever it answers.
  std::unique_ptr<Exchange> Dispatch(protocol::Request request);

  s3::S3Store& store_;
  const auth::AccountStore& accounts_;
  const auth::Authenticator& auth_;
  S3ApiOptions options_;
  billing::S3Meters* meters_ = nullptr;
};

}  // namespace awslab::api

#endif  // AWSLAB_EMULATOR_API_S3_API_H_
