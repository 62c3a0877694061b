// The signature of a browser form upload (POST Object): what a form signs is
// its base64 policy document, nothing of the HTTP request.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-authentication-HTTPPOST.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
#include "emulator/auth/authenticator.h"
#include "emulator/auth/sigv2.h"

namespace awslab::auth {
namespace {

// "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is
// specified, please check the order of the fields." (S3 names the field in
// the case of its documentation.)
Error MissingField(std::string_view name) {
  Error e = MakeError(ErrorCode::kInvalidArgument,
                      "Bucket POST must contain a field named '" + std::string(name) +
                          "'.  If it is specified, please check the order of the fields.");
  e.details.emplace_back("ArgumentName", std::string(name));
  e.details.emplace_back("ArgumentValue", "");
  return e;
}

Error Mismatch(std::string_view access_key_id, std::string_view policy,
               std::string_view signature) {
  Error e = MakeError(ErrorCode::kSignatureDoesNotMatch);
  e.details.emplace_back("AWSAccessKeyId", std::string(access_key_id));
  e.details.emplace_back("StringToSign", std::string(policy));
  e.details.emplace_back("SignatureProvided", std::string(signature));
  e.details.emplace_back("StringToSignBytes", SpacedHex(policy));
  return e;
}

Error UnknownKey(std::string_view access_key_id) {
  Error e = MakeError(ErrorCode::kInvalidAccessKeyId);
  e.details.emplace_back("AWSAccessKeyId", std::string(access_key_id));
  return e;
}

}  // namespace

Result<AuthResult> Authenticator::AuthenticatePostForm(const FormFieldLookup& field,
                                                       std::string_view policy) const {
  const std::string* algorithm = field("x-amz-algorithm");
  const std::string* credential = field("x-amz-credential");
  const std::string* date = field("x-amz-date");
  const std::string* v4_signature = field("x-amz-signature");
  const bool v4 = algorithm || credential || date || v4_signature;
  AuthResult result;
  result.service = "s3";
  if (v4) {
    if (!algorithm) return MissingField("X-Amz-Algorithm");
    if (!credential) return MissingField("X-Amz-Credential");
    if (!date) return MissingField("X-Amz-Date");
    if (!v4_signature) return MissingField("X-Amz-Signature");
    if (*algorithm != sigv4::kAlgorithm) {
      Error e = MakeError(ErrorCode::kInvalidArgument,
                          "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
      e.details.emplace_back("ArgumentName", "X-Amz-Algorithm");
      e.details.emplace_back("ArgumentValue", *algorithm);
      return e;
    }
    auto cred = sigv4::ParseCredential(*credential);
    if (!cred) {
      Error e = MakeError(ErrorCode::kInvalidArgument,
                          "Error parsing the X-Amz-Credential parameter; the Credential is "
                          "mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/"
                          "aws4_request\".");
      e.details.emplace_back("ArgumentName", "X-Amz-Credential");
      e.details.emplace_back("ArgumentValue", *credential);
      return e;
    }
    auto key = FindKey(cred->first);
    if (!key) return UnknownKey(cred->first);
    // "StringToSign = Base64(policy)"; "Signature = Hex(HMAC-SHA256(SigningKey,
    // StringToSign))" with the signing key of the credential's scope.
    std::string expected = sigv4::Signature(sigv4::SigningKey(key->key.secret, cred->second),
                                            policy);
    if (!crypto::ConstantTimeEquals(expected, *v4_signature))
      return Mismatch(key->key.id, policy, *v4_signature);
    result.principal = PrincipalOf(*key);
    result.region = cred->second.region;
  } else {
    const std::string* access_key_id = field("awsaccesskeyid");
    const std::string* signature = field("signature");
    if (!access_key_id) return MissingField("AWSAccessKeyId");
    if (!signature) return MissingField("Signature");
    auto key = FindKey(*access_key_id);
    if (!key) return UnknownKey(*access_key_id);
    // "Sign the policy with your secret access key by using HMAC SHA-1" and
    // "Encode the SHA-1 signature by using Base64."
    if (!crypto::ConstantTimeEquals(sigv2::Signature(key->key.secret, policy), *signature))
      return Mismatch(key->key.id, policy, *signature);
    result.principal = PrincipalOf(*key);
  }
  if (!result.principal.user_name.empty()) result.iam = iam_;
  result.payload_mode = PayloadMode::kUnsigned;
  return result;
}

}  // namespace awslab::auth
