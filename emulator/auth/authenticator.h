// Authenticates a request: verifies its SigV4 signature (Authorization header
// or presigned query) with the one signer of client/, or its Signature
// Version 2 ("Authorization: AWS key:signature" or ?AWSAccessKeyId=...&
// Expires=...&Signature=..., as boto 2 signs S3 requests; see sigv2.h), and
// finds the account, and the IAM user when an IAM user's key signed. A
// request with none of them is the anonymous principal.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
//
// Thread-safety: Authenticate may be called from any thread.
#ifndef AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_
#define AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "client/include/awslab/sigv4.h"
#include "emulator/auth/accounts.h"
#include "emulator/auth/aws_chunked.h"
#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/base/principal.h"
#include "emulator/iam/iam_store.h"

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
  // What principal.user_name's identity policies say (set for IAM users).
  const iam::IamStore* iam = nullptr;
  // From the credential scope: "s3", "ec2", ...; "s3" for SigV2; empty when anonymous.
  std::string service;
  // From the credential scope; empty when anonymous or SigV2 (which names no region).
  std::string region;
  bool presigned = false;
  PayloadMode payload_mode = PayloadMode::kUnsigned;
  std::string payload_sha256;             // hex, for kSha256
  std::optional<ChunkSigning> chunk_signing;  // for the signed streaming modes
};

class Authenticator {
 public:
  // `iam`: IAM users' access keys, looked up when the accounts have no such
  // key; nullptr: none (accounts' keys only).
  Authenticator(const AccountStore& accounts, const Clock& wall_clock,
                const iam::IamStore* iam = nullptr)
      : accounts_(accounts), wall_clock_(wall_clock), iam_(iam) {}

  // IAM users' identity policies, for the services that check them; nullptr
  // when there is no IAM.
  const iam::IamStore* iam() const { return iam_; }

  // `request` as received. virtual_host_bucket: the bucket the Host header
  // names (virtual-hosted style), empty otherwise; SigV2 signs it at the
  // start of its CanonicalizedResource. Errors: InvalidAccessKeyId,
  // SignatureDoesNotMatch, RequestTimeTooSkewed, AuthorizationHeaderMalformed,
  // AuthorizationQueryParametersError, AccessDenied (expired presigned URL, no
  // valid date, incomplete SigV2 query), InvalidRequest (missing
  // x-amz-content-sha256 for S3), InvalidArgument (malformed SigV2 header,
  // more than one kind of signature).
  Result<AuthResult> Authenticate(const sigv4::HttpRequest& request,
                                  std::string_view virtual_host_bucket = {}) const;
  // For the services whose signature covers the body without an
  // x-amz-content-sha256 header (EC2's Query API, the admin API): SigV4 in
  // the Authorization header, checked against the body's SHA-256 (hex),
  // which the caller computes once the body is read. No header: anonymous.
  Result<AuthResult> AuthenticateSignedBody(const sigv4::HttpRequest& request,
                                            std::string_view body_sha256) const;
  // A browser form upload's signature (POST Object, post_form_auth.cc):
  // SigV4 (x-amz-algorithm, x-amz-credential, x-amz-date and x-amz-signature,
  // the hex HMAC-SHA256 of the base64 policy under the SigV4 signing key) or
  // SigV2 (AWSAccessKeyId and signature, the base64 HMAC-SHA1 of the base64
  // policy). `field` gives a form field's value by its lowercase name
  // (nullptr when absent). Errors: InvalidArgument naming a missing field,
  // InvalidAccessKeyId, SignatureDoesNotMatch.
  using FormFieldLookup = std::function<const std::string*(std::string_view lowercase_name)>;
  Result<AuthResult> AuthenticatePostForm(const FormFieldLookup& field,
                                          std::string_view policy_base64) const;

 private:
  Result<AuthResult> AuthenticateHeader(const sigv4::HttpRequest& request,
                                        std::string_view authorization,
                                        std::string_view body_sha256 = {}) const;
  Result<AuthResult> AuthenticateQuery(const sigv4::HttpRequest& request) const;
  Result<AuthResult> AuthenticateV2Header(const sigv4::HttpRequest& request,
                                          std::string_view authorization,
                                          std::string_view virtual_host_bucket) const;
  Result<AuthResult> AuthenticateV2Query(const sigv4::HttpRequest& request,
                                         std::string_view virtual_host_bucket) const;
  // A key that signs: an account's (its root user's) or an IAM user's.
  struct SigningKey {
    AccessKey key;
    std::string user_name;  // empty for the root user
  };
  // The key with this id; an IAM user's Inactive key is none, as AWS refuses
  // it as it refuses an unknown key.
  std::optional<SigningKey> FindKey(std::string_view access_key_id) const;
  Result<AuthResult> VerifyV2(const SigningKey& key, const std::string& string_to_sign,
                              std::string_view signature, bool presigned) const;
  Principal PrincipalOf(const SigningKey& key) const;
  Result<AuthResult> Verify(const sigv4::HttpRequest& request, const SigningKey& key,
                            const sigv4::ParsedAuthorization& auth, std::string_view amz_date,
                            std::string_view payload_hash, bool presigned) const;

  const AccountStore& accounts_;
  const Clock& wall_clock_;
  const iam::IamStore* iam_;
};

// How an error shows what was signed (StringToSignBytes,
// CanonicalRequestBytes): space-separated lowercase hex of each byte.
std::string SpacedHex(std::string_view s);

// Case-insensitive header lookup on a raw request; first match.
const std::string* FindHeader(const sigv4::HttpRequest& request, std::string_view name);

}  // namespace awslab::auth

#endif  // AWSLAB_EMULATOR_AUTH_AUTHENTICATOR_H_
