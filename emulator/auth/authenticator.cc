#include "emulator/auth/authenticator.h"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "emulator/auth/sigv2.h"
#include "emulator/base/strings.h"

namespace awslab::auth {
namespace {


// The decoded value of a query parameter, nullptr-like empty optional when absent.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    std::string_view part = query.substr(pos, amp == query.npos ? query.npos : amp - pos);
    std::size_t eq = part.find('=');
    std::string_view k = part.substr(0, eq);
    if (sigv4::UriDecode(k) == name)
      return eq == part.npos ? std::string() : sigv4::UriDecode(part.substr(eq + 1));
    if (amp == query.npos) break;
    pos = amp + 1;
  }
  return std::nullopt;
}

Error Malformed(std::string message) {
  return MakeError(ErrorCode::kAuthorizationHeaderMalformed, std::move(message));
}

// 0001-01-01T00:00:00Z in seconds since the epoch.
constexpr std::int64_t kFirstDayOfYearOne = -62135596800;

constexpr std::string_view kNoDate =
    "AWS authentication requires a valid Date or x-amz-date header";

// InvalidArgument naming the Authorization header, as S3 refuses a header it
// cannot read.
Error InvalidAuthorization(std::string message, std::string_view authorization) {
  Error e = MakeError(ErrorCode::kInvalidArgument, std::move(message));
  e.details.emplace_back("ArgumentName", "Authorization");
  e.details.emplace_back("ArgumentValue", std::string(authorization));
  return e;
}

Error UnknownKey(std::string_view access_key_id) {
  Error e = MakeError(ErrorCode::kInvalidAccessKeyId);
  e.details.emplace_back("AWSAccessKeyId", std::string(access_key_id));
  return e;
}

// A SigV2 query's Expires: seconds since the epoch, optionally signed, read
// as S3 reads it: a 64-bit number below 2^31 (2147483647 is a date,
// 2147483648 is not; negative ones are dates long past). nullopt otherwise.
std::optional<std::int64_t> ParseExpires(std::string_view s) {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  while (s.size() > 1 && s.front() == '0') s.remove_prefix(1);
  if (s.size() > 19) return std::nullopt;
  unsigned long long v = 0;
  for (char c : s) v = v * 10 + static_cast<unsigned>(c - '0');  // < 10^19 < 2^64
  if (negative) {
    if (v > (1ULL << 63)) return std::nullopt;
    return v == (1ULL << 63) ? INT64_MIN : -static_cast<std::int64_t>(v);
  }
  if (v >= (1ULL << 31)) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

}  // namespace

std::string SpacedHex(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 3);
  for (unsigned char c : s) {
    if (!out.empty()) out.push_back(' ');
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

const std::string* FindHeader(const sigv4::HttpRequest& request, std::string_view name) {
  for (const auto& h : request.headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

Result<AuthResult> Authenticator::AuthenticateSignedBody(const sigv4::HttpRequest& request,
                                                         std::string_view body_sha256) const {
  const std::string* authz = FindHeader(request, "authorization");
  if (!authz) return AuthResult{};  // anonymous
  if (IStartsWith(*authz, "AWS ")) return Malformed("Unsupported Authorization Type");
  return AuthenticateHeader(request, *authz, body_sha256);
}

Result<AuthResult> Authenticator::Authenticate(const sigv4::HttpRequest& request,
                                               std::string_view virtual_host_bucket) const {
  const std::string* authz = FindHeader(request, "authorization");
  // By the parameters' decoded names: "X-Amz-Credential=" inside another
  // parameter's value is not a presigned query.
  const bool v4_query = QueryParam(request.query, "X-Amz-Algorithm").has_value() ||
                        QueryParam(request.query, "X-Amz-Credential").has_value();
  // A SigV2 query is one with a Signature; an AWSAccessKeyId alone is not a
  // signature, and S3 serves such a request as anonymous.
  const bool v2_query = QueryParam(request.query, "Signature").has_value();
  // "Only one auth mechanism allowed": S3 refuses a header beside either
  // query form before reading any of them.
  static constexpr std::string_view kOneMechanism =
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
      "query string parameter or the Authorization header should be specified";
  if (authz && (v4_query || v2_query))
    return InvalidAuthorization(std::string(kOneMechanism), *authz);
  if (authz) {
    if (IStartsWith(*authz, "AWS "))
      return AuthenticateV2Header(request, *authz, virtual_host_bucket);
    return AuthenticateHeader(request, *authz);
  }
  if (v4_query && v2_query) {
    Error e = MakeError(ErrorCode::kInvalidArgument, std::string(kOneMechanism));
    e.details.emplace_back("ArgumentName", "Authorization");
    return e;
  }
  if (v4_query) return AuthenticateQuery(request);
  if (v2_query) return AuthenticateV2Query(request, virtual_host_bucket);
  return AuthResult{};  // anonymous
}

// Authorization: AWS AWSAccessKeyId:Signature
// Checked in S3's order: the header's form, the date, the clock skew, the
// key, the signature.
Result<AuthResult> Authenticator::AuthenticateV2Header(
    const sigv4::HttpRequest& request, std::string_view authorization,
    std::string_view virtual_host_bucket) const {
  std::string_view rest = authorization.substr(4);  // after "AWS "
  if (rest.starts_with(' '))
    return InvalidAuthorization(
        "Authorization header is invalid -- one and only one ' ' (space) required",
        authorization);
  std::size_t colon = rest.find(':');
  if (colon == rest.npos || colon + 1 == rest.size() || rest.find(':', colon + 1) != rest.npos)
    return InvalidAuthorization(
        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", authorization);
  std::string_view access_key_id = rest.substr(0, colon);
  std::string_view signature = rest.substr(colon + 1);

  // "When an x-amz-date header is present in a request, the system will
  // ignore any Date header when computing the request signature. Therefore,
  // if you include the x-amz-date header, use the empty string for the Date
  // when constructing the StringToSign."
  const std::string* amz_date = FindHeader(request, "x-amz-date");
  const std::string* date = amz_date ? amz_date : FindHeader(request, "date");
  std::optional<TimePoint> signed_at = date ? sigv2::ParseDate(*date) : std::nullopt;
  if (!signed_at) return MakeError(ErrorCode::kAccessDenied, std::string(kNoDate));
  TimePoint now = wall_clock_.Now();
  auto skew = now > *signed_at ? now - *signed_at : *signed_at - now;
  if (skew > kMaxClockSkew) {
    Error e = MakeError(ErrorCode::kRequestTimeTooSkewed);
    e.details.emplace_back("RequestTime", *date);
    e.details.emplace_back("ServerTime", FormatIso8601Seconds(now));
    e.details.emplace_back("MaxAllowedSkewMilliseconds", "900000");
    return e;
  }
  auto key = FindKey(access_key_id);
  if (!key) return UnknownKey(access_key_id);
  std::string string_to_sign = sigv2::StringToSign(request, amz_date ? std::string_view() : *date,
                                                   virtual_host_bucket, /*query_auth=*/false);
  return VerifyV2(*key, string_to_sign, signature, /*presigned=*/false);
}

// ?AWSAccessKeyId=...&Expires=...&Signature=... (boto 2's generate_url).
// Checked in S3's order: the three parameters, Expires' form, the expiry,
// the key, the signature. A query has no clock-skew check: Expires is the
// client's to choose.
Result<AuthResult> Authenticator::AuthenticateV2Query(const sigv4::HttpRequest& request,
                                                      std::string_view virtual_host_bucket) const {
  auto access_key_id = QueryParam(request.query, "AWSAccessKeyId");
  auto expires = QueryParam(request.query, "Expires");
  auto signature = QueryParam(request.query, "Signature");
  if (!access_key_id || !expires || !signature)
    return MakeError(ErrorCode::kAccessDenied,
                     "Query-string authentication requires the Signature, Expires and "
                     "AWSAccessKeyId parameters");
  auto expires_s = ParseExpires(*expires);
  if (!expires_s)
    return MakeError(ErrorCode::kAccessDenied,
                     "Invalid date (should be seconds since epoch): " + *expires);
  TimePoint now = wall_clock_.Now();
  // In seconds: a TimePoint (nanoseconds) cannot hold every Expires.
  const auto now_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  if (*expires_s < now_ms / 1000 || (*expires_s == now_ms / 1000 && now_ms % 1000 > 0)) {
    Error e = MakeError(ErrorCode::kAccessDenied, "Request has expired");
    // Before year 1 there is no date to name; S3 itself fails there.
    e.details.emplace_back("Expires", FormatIso8601Seconds(std::max<std::int64_t>(
                                          *expires_s, kFirstDayOfYearOne)));
    e.details.emplace_back("ServerTime", FormatIso8601Seconds(now));
    return e;
  }
  auto key = FindKey(*access_key_id);
  if (!key) return UnknownKey(*access_key_id);
  // "In the query string authentication method, you do not use the Date or
  // the x-amz-date request header when calculating the string to sign."
  std::string string_to_sign =
      sigv2::StringToSign(request, *expires, virtual_host_bucket, /*query_auth=*/true);
  return VerifyV2(*key, string_to_sign, *signature, /*presigned=*/true);
}

std::optional<Authenticator::SigningKey> Authenticator::FindKey(
    std::string_view access_key_id) const {
  if (auto key = accounts_.FindKey(access_key_id)) return SigningKey{std::move(*key), {}};
  if (iam_ == nullptr) return std::nullopt;
  auto user_key = iam_->FindKey(access_key_id);
  // "Inactive: the access key is not valid for API calls": AWS answers such a
  // key as one it does not know (InvalidAccessKeyId, AuthFailure,
  // InvalidClientTokenId).
  if (!user_key || !user_key->active) return std::nullopt;
  return SigningKey{AccessKey{user_key->id, user_key->secret, user_key->account_id},
                    user_key->user_name};
}

Result<AuthResult> Authenticator::VerifyV2(const SigningKey& signer,
                                           const std::string& string_to_sign,
                                           std::string_view signature, bool presigned) const {
  const AccessKey& key = signer.key;
  std::string expected = sigv2::Signature(key.secret, string_to_sign);
  if (!crypto::ConstantTimeEquals(expected, signature)) {
    // SigV2 has no canonical request: S3 names the string to sign alone.
    Error e = MakeError(ErrorCode::kSignatureDoesNotMatch);
    e.details.emplace_back("AWSAccessKeyId", key.id);
    e.details.emplace_back("StringToSign", string_to_sign);
    e.details.emplace_back("SignatureProvided", std::string(signature));
    e.details.emplace_back("StringToSignBytes", SpacedHex(string_to_sign));
    return e;
  }
  AuthResult result;
  result.principal = PrincipalOf(signer);
  if (!result.principal.user_name.empty()) result.iam = iam_;
  result.service = "s3";  // SigV2 is S3's; its region is the server's
  result.presigned = presigned;
  // SigV2 signs no payload hash; Content-MD5, when sent, is checked where the
  // body is read, as for every other request.
  result.payload_mode = PayloadMode::kUnsigned;
  return result;
}

Principal Authenticator::PrincipalOf(const SigningKey& signer) const {
  const AccessKey& key = signer.key;
  auto account = accounts_.FindAccount(key.account_id);
  Principal principal;
  principal.account_id = key.account_id;
  principal.access_key_id = key.id;
  principal.user_name = signer.user_name;
  if (!signer.user_name.empty() && iam_ != nullptr) {
    auto user = iam_->GetUser(key.account_id, signer.user_name);
    principal.user_arn = user ? user->arn
                              : iam::IamStore::UserArn(key.account_id, "/", signer.user_name);
  }
  // The admin API is the teacher's: an IAM user of an admin account is not.
  principal.admin = account && account->admin && signer.user_name.empty();
  return principal;
}

Result<AuthResult> Authenticator::AuthenticateHeader(const sigv4::HttpRequest& request,
                                                     std::string_view authorization,
                                                     std::string_view body_sha256) const {
  if (!authorization.starts_with(sigv4::kAlgorithm))
    return Malformed("Unsupported Authorization Type");
  auto parsed = sigv4::ParseAuthorization(authorization);
  if (!parsed) return Malformed("The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  auto key = FindKey(parsed->access_key_id);
  if (!key) return UnknownKey(parsed->access_key_id);
  const std::string* amz_date = FindHeader(request, "x-amz-date");
  if (!amz_date) return MakeError(ErrorCode::kAccessDenied, std::string(kNoDate));
  std::string payload_hash;
  if (parsed->scope.service == "s3") {
    const std::string* sha = FindHeader(request, "x-amz-content-sha256");
    if (!sha)
      return MakeError(ErrorCode::kInvalidRequest,
                       "Missing required header for this request: x-amz-content-sha256");
    payload_hash = *sha;
  } else {
    // The other services sign the body itself: an x-amz-content-sha256
    // header is at most one more signed header, never the payload hash
    // (which would let a captured request carry another body).
    payload_hash = body_sha256;
  }
  return Verify(request, *key, *parsed, *amz_date, payload_hash, /*presigned=*/false);
}

Result<AuthResult> Authenticator::AuthenticateQuery(const sigv4::HttpRequest& request) const {
  auto param_error = [](std::string message) {
    return MakeError(ErrorCode::kAuthorizationQueryParametersError, std::move(message));
  };
  auto algorithm = QueryParam(request.query, "X-Amz-Algorithm");
  auto credential = QueryParam(request.query, "X-Amz-Credential");
  auto date = QueryParam(request.query, "X-Amz-Date");
  auto expires = QueryParam(request.query, "X-Amz-Expires");
  auto signed_headers = QueryParam(request.query, "X-Amz-SignedHeaders");
  auto signature = QueryParam(request.query, "X-Amz-Signature");
  if (!algorithm || *algorithm != sigv4::kAlgorithm)
    return param_error("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
  if (!credential || !date || !expires || !signed_headers || !signature)
    return param_error(
        "Query-string authentication version 4 requires the X-Amz-Algorithm, "
        "X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires "
        "parameters.");
  auto cred = sigv4::ParseCredential(*credential);
  if (!cred)
    return param_error(
        "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting "
        "\"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".");
  long long expires_s = -1;
  try {
    std::size_t used = 0;
    expires_s = std::stoll(*expires, &used);
    if (used != expires->size()) expires_s = -1;
  } catch (...) {
  }
  if (expires_s < 0) return param_error("X-Amz-Expires should be a number");
  if (expires_s > kMaxPresignExpiry.count())
    return param_error(
        "X-Amz-Expires must be less than a week (in seconds) that is 604800");
  auto signed_at = sigv4::ParseAmzDate(*date);
  if (!signed_at)
    return param_error("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");

  auto key = FindKey(cred->first);
  if (!key) return UnknownKey(cred->first);
  TimePoint now = wall_clock_.Now();
  if (now > *signed_at + std::chrono::seconds(expires_s)) {
    Error e = MakeError(ErrorCode::kAccessDenied, "Request has expired");
    e.details.emplace_back("X-Amz-Expires", *expires);
    e.details.emplace_back("Expires", FormatIso8601(*signed_at + std::chrono::seconds(expires_s)));
    e.details.emplace_back("ServerTime", FormatIso8601(now));
    return e;
  }
  if (*signed_at > now + kMaxClockSkew) {
    Error e = MakeError(ErrorCode::kAccessDenied, "Request is not valid yet");
    e.details.emplace_back("ServerTime", FormatIso8601(now));
    return e;
  }
  sigv4::ParsedAuthorization auth;
  auth.access_key_id = cred->first;
  auth.scope = cred->second;
  auth.signature = *signature;
  std::string_view sh = *signed_headers;
  while (!sh.empty()) {
    std::size_t semi = sh.find(';');
    auth.signed_headers.emplace_back(sh.substr(0, semi));
    if (semi == sh.npos) break;
    sh.remove_prefix(semi + 1);
  }
  std::string payload_hash = std::string(sigv4::kUnsignedPayload);
  if (auto h = QueryParam(request.query, "X-Amz-Content-Sha256")) payload_hash = *h;
  else if (auth.scope.service != "s3") payload_hash = std::string(sigv4::kEmptySha256);
  return Verify(request, *key, auth, *date, payload_hash, /*presigned=*/true);
}

Result<AuthResult> Authenticator::Verify(const sigv4::HttpRequest& request,
                                         const SigningKey& signer,
                                         const sigv4::ParsedAuthorization& auth,
                                         std::string_view amz_date,
                                         std::string_view payload_hash, bool presigned) const {
  const AccessKey& key = signer.key;
  auto signed_at = sigv4::ParseAmzDate(amz_date);
  if (!signed_at) return MakeError(ErrorCode::kAccessDenied, std::string(kNoDate));
  if (!presigned) {
    TimePoint now = wall_clock_.Now();
    auto skew = now > *signed_at ? now - *signed_at : *signed_at - now;
    if (skew > kMaxClockSkew) {
      Error e = MakeError(ErrorCode::kRequestTimeTooSkewed);
      e.details.emplace_back("RequestTime", std::string(amz_date));
      e.details.emplace_back("ServerTime", FormatIso8601(now));
      e.details.emplace_back("MaxAllowedSkewMilliseconds", "900000");
      return e;
    }
  }
  if (amz_date.substr(0, 8) != auth.scope.date) {
    return Malformed("The authorization header is malformed; Invalid credential date. Date is "
                     "not the same as X-Amz-Date.");
  }
  bool has_host = false;
  for (const auto& h : auth.signed_headers) has_host |= h == "host";
  if (!has_host) {
    return presigned
               ? MakeError(ErrorCode::kAuthorizationQueryParametersError,
                           "Query-string authentication requires the host header to be signed.")
               : MakeError(ErrorCode::kAccessDenied,
                           "Host header is not signed; it must be signed.");
  }

  const bool s3 = auth.scope.service == "s3";
  std::vector<std::string_view> exclude;
  if (presigned) exclude.push_back("X-Amz-Signature");
  // One buffer per thread: a canonical request is over a kilobyte, which
  // malloc serves slowly.
  thread_local std::string canonical;
  if (canonical.capacity() > 64 * 1024) std::string().swap(canonical);  // after a huge one
  canonical.clear();
  sigv4::AppendCanonicalRequest(canonical, request, auth.signed_headers, payload_hash,
                                /*normalize_path=*/!s3, exclude);
  std::string string_to_sign = sigv4::StringToSign(amz_date, auth.scope, canonical);
  // The signing key changes once a day per key and region: each thread
  // keeps the last one it derived (four HMACs saved per request).
  // It is kept with its HMAC blocks hashed (two SHA-256 blocks fewer per
  // request).
  struct CachedKey {
    std::string secret, date, region, service;
    crypto::Sha256Digest key;
    crypto::HmacSha256Key hmac{std::string_view()};
  };
  thread_local CachedKey cached;
  if (cached.secret != key.secret || cached.date != auth.scope.date ||
      cached.region != auth.scope.region || cached.service != auth.scope.service) {
    const crypto::Sha256Digest derived = sigv4::SigningKey(key.secret, auth.scope);
    cached = {key.secret, auth.scope.date, auth.scope.region, auth.scope.service, derived,
              crypto::HmacSha256Key(std::string_view(
                  reinterpret_cast<const char*>(derived.data()), derived.size()))};
  }
  const crypto::Sha256Digest& signing_key = cached.key;
  std::string expected = sigv4::Signature(cached.hmac, string_to_sign);
  if (!crypto::ConstantTimeEquals(expected, auth.signature)) {
    Error e = MakeError(ErrorCode::kSignatureDoesNotMatch);
    e.details.emplace_back("AWSAccessKeyId", key.id);
    e.details.emplace_back("StringToSign", string_to_sign);
    e.details.emplace_back("SignatureProvided", auth.signature);
    e.details.emplace_back("StringToSignBytes", SpacedHex(string_to_sign));
    e.details.emplace_back("CanonicalRequest", canonical);
    e.details.emplace_back("CanonicalRequestBytes", SpacedHex(canonical));
    return e;
  }

  AuthResult result;
  result.principal = PrincipalOf(signer);
  if (!result.principal.user_name.empty()) result.iam = iam_;
  result.service = auth.scope.service;
  result.region = auth.scope.region;
  result.presigned = presigned;
  if (payload_hash == sigv4::kUnsignedPayload || payload_hash.empty()) {
    result.payload_mode = PayloadMode::kUnsigned;
  } else if (payload_hash == sigv4::kStreamingSignedPayload ||
             payload_hash == sigv4::kStreamingSignedPayloadTrailer) {
    result.payload_mode = payload_hash == sigv4::kStreamingSignedPayload
                              ? PayloadMode::kStreamingSigned
                              : PayloadMode::kStreamingSignedTrailer;
    result.chunk_signing =
        ChunkSigning{signing_key, std::string(amz_date), auth.scope, auth.signature};
  } else if (payload_hash == sigv4::kStreamingUnsignedPayloadTrailer) {
    result.payload_mode = PayloadMode::kStreamingUnsignedTrailer;
  } else {
    bool hex = payload_hash.size() == 64;
    for (char c : payload_hash) hex &= (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex)
      return MakeError(ErrorCode::kInvalidArgument,
                       "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, "
                       "STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
                       "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
    result.payload_mode = PayloadMode::kSha256;
    result.payload_sha256 = payload_hash;
  }
  return result;
}

}  // namespace awslab::auth
