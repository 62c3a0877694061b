// Authenticates a request: verifies its SigV4 signature (Authorization header
// or presigned query) with the one signer of client/, and finds the account.
// A request with neither is the anonymous principal.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
//
// Thread-safety: Authenticate may be called from any thread.
#ifndef AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_
#define AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_

#include <chrono>
#include <optional>
#include <string>

#include "client/include/awslab/sigv4.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/aws_chunked.h"
#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/base/principal.h"

namespace awslab::auth {

// "The difference between the request time and the server's time ... 15 minutes."
inline constexpr std::chrono::minutes kMaxClockSkew{15};
// "X-Amz-Expires ... maximum 604800 seconds (seven days)."
inline constexpr std::chrono::seconds kMaxPresignExpiry{604800};

// How the body must be checked, from x-amz-content-sha256.
enum class PayloadMode {
  kUnsigned,             // UNSIGNED-PAYLOAD, anonymous, or presigned
  kSha256,               // a hex SHA-256 to compare with the body's
  kStreamingSigned,      // STREAMING-AWS4-HMAC-SHA256-PAYLOAD
  kStreamingSignedTrailer,    // STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER
  kStreamingUnsignedTrailer,  // STREAMING-UNSIGNED-PAYLOAD-TRAILER
};

struct AuthResult {
  Principal principal;
  std::string service;  // from the credential scope: "s3", "ec2", ...; empty when anonymous
  std::string region;   // from the credential scope; empty when anonymous
  bool presigned = false;
  PayloadMode payload_mode = PayloadMode::kUnsigned;
  std::string payload_sha256;             // hex, for kSha256
  std::optional<ChunkSigning> chunk_signing;  // for the signed streaming modes
};

class Authenticator {
 public:
  Authenticator(const AccountStore& accounts, const Clock& wall_clock)
      : accounts_(accounts), wall_clock_(wall_clock) {}

  // `request` as received. Errors: InvalidAccessKeyId, SignatureDoesNotMatch,
  // RequestTimeTooSkewed, AuthorizationHeaderMalformed,
  // AuthorizationQueryParametersError, AccessDenied (expired presigned URL),
  // InvalidRequest (missing x-amz-content-sha256 for S3).
  Result<AuthResult> Authenticate(const sigv4::HttpRequest& request) const;

 private:
  Result<AuthResult> AuthenticateHeader(const sigv4::HttpRequest& request,
                                        std::string_view authorization) const;
  Result<AuthResult> AuthenticateQuery(const sigv4::HttpRequest& request) const;
  Result<AuthResult> Verify(const sigv4::HttpRequest& request, const AccessKey& key,
                            const sigv4::ParsedAuthorization& auth, std::string_view amz_date,
                            std::string_view payload_hash, bool presigned) const;

  const AccountStore& accounts_;
  const Clock& wall_clock_;
};

// Case-insensitive header lookup on a raw request; first match.
const std::string* FindHeader(const sigv4::HttpRequest& request, std::string_view name);

}  // namespace awslab::auth

#endif  // AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_
