// The S3 API's server-side encryption: the x-amz-server-side-encryption*
// headers of writes and reads (SSE-S3, SSE-KMS, SSE-C), the bucket's default
// encryption (PutBucketEncryption, GetBucketEncryption,
// DeleteBucketEncryption), and reading SSE-C bodies.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/serv-side-encryption.html
// docs/s3-encryption.md says what is emulated and what is chosen.
#include <unistd.h>

#include <cerrno>

#include "client/include/awslab/crypto.h"
#include "emulator/api/s3_internal.h"
#include "emulator/base/strings.h"
#include "emulator/protocol/encryption_xml.h"

namespace awslab::api::internal {
namespace {

using protocol::Request;
using protocol::Response;

constexpr std::string_view kSseHeader = "x-amz-server-side-encryption";
constexpr std::string_view kKmsKeyHeader = "x-amz-server-side-encryption-aws-kms-key-id";
constexpr std::string_view kContextHeader = "x-amz-server-side-encryption-context";
constexpr std::string_view kBucketKeyHeader = "x-amz-server-side-encryption-bucket-key-enabled";

// The SSE-C headers of a request and of its copy source. Spelled out rather
// than built from a prefix: every GET looks them up, and building the names
// cost three allocations a request.
struct CustomerKeyHeaders {
  std::string_view algorithm, key, md5;
};
constexpr CustomerKeyHeaders kCustomerHeaders = {
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-MD5"};
constexpr CustomerKeyHeaders kCopySourceCustomerHeaders = {
    "x-amz-copy-source-server-side-encryption-customer-algorithm",
    "x-amz-copy-source-server-side-encryption-customer-key",
    "x-amz-copy-source-server-side-encryption-customer-key-MD5"};

std::string Or(const std::string* s, std::string_view fallback) {
  return s ? *s : std::string(fallback);
}

// The bucket's default encryption as S3 applies it: the configuration put,
// or, since January 2023 ("Amazon S3 now applies server-side encryption with
// Amazon S3 managed keys (SSE-S3) as the base level of encryption for every
// bucket"), SSE-S3 under the current rules.
std::optional<s3::BucketEncryption> EffectiveDefault(S3Api& api,
                                                     const s3::BucketRecord& bucket) {
  if (bucket.encryption) return bucket.encryption;
  if (api.store().rules() == Rules::kCurrent)
    return s3::BucketEncryption{std::string(s3::kSseS3), "", false};
  return std::nullopt;
}

}  // namespace

Result<std::optional<s3::CustomerKey>> CustomerKeyFromHeaders(const Request& request,
                                                              bool copy_source) {
  const CustomerKeyHeaders& names = copy_source ? kCopySourceCustomerHeaders : kCustomerHeaders;
  const std::string_view algorithm_name = names.algorithm;
  const std::string_view key_name = names.key;
  const std::string_view md5_name = names.md5;
  const std::string* algorithm = request.Header(algorithm_name);
  const std::string* key = request.Header(key_name);
  const std::string* md5 = request.Header(md5_name);
  if (!algorithm && !key && !md5) return std::optional<s3::CustomerKey>();
  // https://docs.aws.amazon.com/AmazonS3/latest/userguide/ServerSideEncryptionCustomerKeys.html:
  // "x-amz-server-side-encryption-customer-algorithm: Use this header to
  // specify the encryption algorithm. The header value must be AES256."
  if (!algorithm || *algorithm != "AES256")
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide a "
        "valid encryption algorithm.",
        algorithm_name, Or(algorithm, "null"));
  if (!key)
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide an "
        "appropriate secret key.",
        key_name, "null");
  auto raw = crypto::Base64Decode(*key);
  // "...customer-key: Use this header to provide the 256-bit, base64-encoded
  // encryption key".
  if (!raw || raw->size() != s3::kCustomerKeyBytes)
    return InvalidArgument("The secret key was invalid for the specified algorithm.", key_name,
                           "null");
  if (!md5)
    return InvalidArgument(
        "Requests specifying Server Side Encryption with Customer provided keys must provide the "
        "client calculated MD5 of the secret key.",
        md5_name, "null");
  std::string computed = crypto::Base64(crypto::Md5(*raw));
  if (computed != *md5)
    return InvalidArgument(
        "The calculated MD5 hash of the key did not match the hash that was provided.", md5_name,
        *md5);
  return std::optional<s3::CustomerKey>(s3::CustomerKey{std::move(*raw), computed});
}

Result<std::optional<s3::CustomerKey>> ApplyWriteEncryption(S3Api& api,
                                                            const Request& request,
                                                            const s3::BucketRecord& bucket,
                                                            s3::ObjectMetadata& meta) {
  auto customer = CustomerKeyFromHeaders(request, /*copy_source=*/false);
  if (!customer) return customer.error();
  const std::string* sse = request.Header(kSseHeader);
  const std::string* kms_key = request.Header(kKmsKeyHeader);
  const std::string* context = request.Header(kContextHeader);
  const std::string* bucket_key = request.Header(kBucketKeyHeader);
  if (sse && *customer)
    return InvalidArgument(
        "Server Side Encryption with Customer provided key is incompatible with the encryption "
        "method specified",
        kSseHeader, *sse);
  if (sse && !s3::IsSseAlgorithm(*sse))
    return InvalidArgument("The encryption method specified is not supported", kSseHeader, *sse);
  if ((kms_key || context) && (!sse || !s3::IsKmsAlgorithm(*sse)))
    return InvalidArgument(
        "Server Side Encryption with AWS KMS managed key requires HTTP header "
        "x-amz-server-side-encryption : aws:kms",
        kSseHeader, Or(sse, "null"));
  if (context && !crypto::Base64Decode(*context))
    return InvalidArgument(
        "The header 'x-amz-server-side-encryption-context' shall be Base64-encoded UTF-8 string "
        "holding JSON which represents a string-string map",
        kContextHeader, *context);
  if (bucket_key && !IEquals(*bucket_key, "true") && !IEquals(*bucket_key, "false"))
    return InvalidArgument("Invalid value for x-amz-server-side-encryption-bucket-key-enabled",
                           kBucketKeyHeader, *bucket_key);

  meta.sse.clear();
  meta.sse_kms_key_arn.clear();
  meta.sse_context.clear();
  meta.sse_bucket_key = false;
  meta.sse_customer_algorithm.clear();
  meta.sse_customer_key_md5.clear();
  meta.sse_customer_salt.clear();
  meta.sse_customer_key_check.clear();
  meta.sse_customer_iv.clear();
  if (*customer) {
    const s3::CustomerKey& key = **customer;
    meta.sse_customer_algorithm = "AES256";
    meta.sse_customer_key_md5 = key.key_md5;
    meta.sse_customer_salt = s3::NewIv();
    meta.sse_customer_key_check = s3::CustomerKeyCheck(key, meta.sse_customer_salt);
    meta.sse_customer_iv = s3::NewIv();
    return customer;
  }
  std::optional<s3::BucketEncryption> chosen;
  if (sse) {
    chosen = s3::BucketEncryption{*sse, kms_key ? *kms_key : "", false};
    if (bucket_key) chosen->bucket_key = IEquals(*bucket_key, "true");
    else if (bucket.encryption && s3::IsKmsAlgorithm(*sse))
      chosen->bucket_key = bucket.encryption->bucket_key;
  } else {
    chosen = EffectiveDefault(api, bucket);
    if (chosen && bucket_key) chosen->bucket_key = IEquals(*bucket_key, "true");
  }
  if (!chosen) return customer;
  meta.sse = chosen->algorithm;
  if (s3::IsKmsAlgorithm(chosen->algorithm)) {
    meta.sse_kms_key_arn =
        s3::KmsKeyArn(chosen->kms_key_id, bucket.region, bucket.owner_account_id);
    if (context) meta.sse_context = *context;
    // "S3 Bucket Keys aren't supported for DSSE-KMS."
    meta.sse_bucket_key = chosen->bucket_key && chosen->algorithm == s3::kSseKms;
  }
  return customer;
}

void AddEncryptionHeaders(Response& r, const s3::ObjectMetadata& meta, bool with_customer) {
  if (!meta.sse.empty()) {
    r.SetHeader(std::string(kSseHeader), meta.sse);
    if (!meta.sse_kms_key_arn.empty()) r.SetHeader(std::string(kKmsKeyHeader), meta.sse_kms_key_arn);
    if (!meta.sse_context.empty()) r.SetHeader(std::string(kContextHeader), meta.sse_context);
    if (meta.sse_bucket_key) r.SetHeader(std::string(kBucketKeyHeader), "true");
  }
  if (with_customer && !meta.sse_customer_algorithm.empty()) {
    r.SetHeader("x-amz-server-side-encryption-customer-algorithm", meta.sse_customer_algorithm);
    r.SetHeader("x-amz-server-side-encryption-customer-key-MD5", meta.sse_customer_key_md5);
  }
}

Result<std::optional<s3::CustomerKey>> ReadKeyFor(const Request& request,
                                                  const s3::ObjectMetadata& meta,
                                                  bool copy_source) {
  // A read names no SSE-S3 or SSE-KMS: S3 refuses the header on GET and HEAD.
  if (const std::string* sse = request.Header(kSseHeader); sse && !copy_source)
    return InvalidArgument("x-amz-server-side-encryption header is not supported for this "
                           "operation.",
                           kSseHeader, *sse);
  auto key = CustomerKeyFromHeaders(request, copy_source);
  if (!key) return key.error();
  const bool encrypted = !meta.sse_customer_algorithm.empty();
  if (encrypted && !*key)
    return MakeError(ErrorCode::kInvalidRequest,
                     copy_source
                         ? "The source object was stored using a form of Server Side Encryption. "
                           "The correct parameters must be provided to retrieve the object."
                         : "The object was stored using a form of Server Side Encryption. The "
                           "correct parameters must be provided to retrieve the object.");
  if (!encrypted && *key)
    return MakeError(ErrorCode::kInvalidRequest,
                     "The encryption parameters are not applicable to this object.");
  // A wrong key: 403, as S3 answers it ("If the key doesn't match, S3
  // returns HTTP 403 Forbidden").
  if (encrypted && !s3::CustomerKeyMatches(**key, meta.sse_customer_salt,
                                           meta.sse_customer_key_check))
    return MakeError(ErrorCode::kAccessDenied);
  return key;
}

Result<std::optional<s3::CustomerKey>> PartKeyFor(const Request& request,
                                                  const s3::ObjectMetadata& upload_meta) {
  auto key = CustomerKeyFromHeaders(request, /*copy_source=*/false);
  if (!key) return key.error();
  const bool encrypted = !upload_meta.sse_customer_algorithm.empty();
  if (encrypted && !*key)
    return MakeError(ErrorCode::kInvalidRequest,
                     "The multipart upload initiate requested encryption. Subsequent part "
                     "requests must include the appropriate encryption parameters.");
  if (!encrypted && *key)
    return MakeError(ErrorCode::kInvalidRequest,
                     "The multipart upload initiate did not request encryption. Subsequent part "
                     "requests must not include encryption parameters.");
  if (encrypted && !s3::CustomerKeyMatches(**key, upload_meta.sse_customer_salt,
                                           upload_meta.sse_customer_key_check))
    return MakeError(ErrorCode::kInvalidRequest,
                     "The provided encryption parameters did not match the ones used originally.");
  return key;
}

ObjectDecryptor::ObjectDecryptor(const s3::ObjectRecord& object, std::string key)
    : key_(std::move(key)) {
  if (object.parts.empty()) {
    pieces_.push_back({0, object.size, object.meta.sse_customer_iv});
  } else {
    std::uint64_t pos = 0;
    for (const auto& p : object.parts) {
      pieces_.push_back({pos, p.size, p.sse_customer_iv});
      pos += p.size;
    }
  }
}

void ObjectDecryptor::Apply(std::uint64_t offset, char* data, std::size_t size) const {
  for (const Piece& piece : pieces_) {
    if (size == 0) return;
    const std::uint64_t end = piece.begin + piece.size;
    if (offset >= end || piece.size == 0) continue;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(size, end - offset));
    s3::CtrCipher(key_, piece.iv, offset - piece.begin).Apply(data, n);
    data += n;
    size -= n;
    offset += n;
  }
}

Result<std::string> ReadDecrypted(S3Api& api, const s3::ObjectRecord& object,
                                  const s3::CustomerKey& key, std::uint64_t begin,
                                  std::uint64_t length) {
  std::string out;
  if (object.blob_id.empty() && object.parts.empty()) {
    out = object.inline_body.substr(std::min<std::uint64_t>(begin, object.inline_body.size()),
                                    length);
  } else {
    auto segments = api.store().OpenSegments(object, {begin, length});
    if (!segments) return segments.error();
    out.resize(static_cast<std::size_t>(length));
    std::size_t at = 0;
    Status status = Ok();
    for (const auto& seg : *segments) {
      std::uint64_t offset = seg.offset, left = seg.length;
      while (status && left > 0) {
        ssize_t got = ::pread(seg.fd, out.data() + at, static_cast<std::size_t>(left),
                              static_cast<off_t>(offset));
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          status = MakeError(ErrorCode::kInternalError, "could not read the object");
          break;
        }
        at += static_cast<std::size_t>(got);
        offset += static_cast<std::uint64_t>(got);
        left -= static_cast<std::uint64_t>(got);
      }
    }
    for (const auto& seg : *segments) ::close(seg.fd);
    if (!status) return status.error();
    out.resize(at);
  }
  ObjectDecryptor(object, key.key).Apply(begin, out.data(), out.size());
  return out;
}

// PUT /{bucket}?encryption — PutBucketEncryption: 200 with an empty body.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
std::unique_ptr<Exchange> PutBucketEncryption(S3Api& api, const Request& request,
                                              const auth::AuthResult& auth,
                                              const router::S3Route& route) {
  // "The existence check comes before XML validation": a missing bucket is
  // NoSuchBucket whatever the body.
  if (auto b = api.store().GetBucket(CallerOf(request, auth), route.bucket,
                                     s3::action::kListBucket);
      !b && b.error().code == ErrorCode::kNoSuchBucket)
    return Fixed(S3Api::ErrorResponse(b.error(), request));
  auto exchange = PutXmlBody(request, protocol::ParseServerSideEncryptionConfiguration,
                             [&api, &request, auth, route](s3::BucketEncryption config) {
                               return api.store().PutBucketEncryption(
                                   CallerOf(request, auth), route.bucket, std::move(config));
                             });
  exchange->body_limit = 64 * 1024;
  return exchange;
}

// GET /{bucket}?encryption — GetBucketEncryption;
// ServerSideEncryptionConfigurationNotFoundError when there is none.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
Response GetBucketEncryption(S3Api& api, const Request& request, const auth::AuthResult& auth,
                             const router::S3Route& route) {
  auto config = api.store().GetBucketEncryption(CallerOf(request, auth), route.bucket);
  if (!config) return S3Api::ErrorResponse(config.error(), request);
  if (!*config && api.store().rules() == Rules::kCurrent)
    *config = s3::BucketEncryption{std::string(s3::kSseS3), "", false};
  if (!*config) {
    Error e = MakeError(ErrorCode::kServerSideEncryptionConfigurationNotFoundError);
    e.details.emplace_back("BucketName", route.bucket);
    return S3Api::ErrorResponse(e, request);
  }
  return Xml(200, protocol::ServerSideEncryptionConfigurationXml(**config));
}

// DELETE /{bucket}?encryption — DeleteBucketEncryption: 204, also when there
// was none. Under the current rules the bucket falls back to SSE-S3.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
Response DeleteBucketEncryption(S3Api& api, const Request& request, const auth::AuthResult& auth,
                                const router::S3Route& route) {
  return EmptyOrError(
      api.store().PutBucketEncryption(CallerOf(request, auth), route.bucket, std::nullopt), 204,
      request);
}

}  // namespace awslab::api::internal
