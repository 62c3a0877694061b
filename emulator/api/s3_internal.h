// Pieces shared by the S3 API's handler files (s3_api.cc, s3_multipart_api.cc).
// Not part of the API layer's interface.
#ifndef AWSLAB_EMULATOR_API_S3_INTERNAL_H_
#define AWSLAB_EMULATOR_API_S3_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/api/exchange.h"
#include "emulator/api/s3_api.h"
#include "emulator/protocol/s3_xml.h"

namespace awslab::api::internal {

protocol::Response Xml(int status, std::string body);
protocol::Response Empty(int status);
std::unique_ptr<Exchange> Fixed(protocol::Response response);

// Collects a small body (an XML document), then runs the handler.
class BufferedExchange final : public Exchange {
 public:
  using Handler = std::function<protocol::Response(const std::string& body)>;
  BufferedExchange(const protocol::Request& request, Handler handler)
      : request_(request), handler_(std::move(handler)) {}
  bool OnBody(std::string_view data) override {
    body_.append(data);
    return true;
  }
  protocol::Response Finish(bool complete) override;

 private:
  const protocol::Request& request_;
  Handler handler_;
  std::string body_;
};

std::optional<std::uint64_t> ParseU64(std::string_view s);
// An InvalidArgument naming the argument, as S3 reports bad query values.
Error InvalidArgument(std::string message, std::string_view name, std::string_view value);

// Who asks, with the facts about the request that bucket policies test.
s3::Caller CallerOf(const protocol::Request& request, const auth::AuthResult& auth);
// The ACL asked for by x-amz-acl or the x-amz-grant-* headers (not given
// when neither is sent). InvalidArgument for an unknown canned ACL or grantee,
// UnresolvableGrantByEmailAddress, InvalidRequest for both kinds at once.
Result<s3::AclSpec> AclSpecFromHeaders(const S3Api& api, const protocol::Request& request);

// The access-control operations (s3_access_api.cc); nullptr when `route.op`
// is none of them.
std::unique_ptr<Exchange> AccessControl(S3Api& api, const protocol::Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route);

protocol::Owner OwnerOf(const auth::AccountStore& accounts, const std::string& account_id);
protocol::Owner OwnerFromCtx(const std::string& account_id, void* ctx);

// The headers of a PutObject (or CreateMultipartUpload, or a CopyObject with
// REPLACE) that become the object's metadata.
Result<s3::ObjectMetadata> MetadataFromHeaders(const protocol::Request& request);
// x-amz-tagging, when present.
Result<s3::TagSet> TagsFromHeader(const protocol::Request& request);

// The query value or "".
std::string QueryValue(const protocol::Request& request, std::string_view name);
// A max-keys / max-parts / max-uploads parameter: `cap` when absent, at most
// `cap`; InvalidArgument when not a number.
Result<int> MaxValue(const protocol::Request& request, std::string_view name, int cap);
// encoding-type: true for "url", false when absent; InvalidArgument otherwise.
Result<bool> UrlEncoding(const protocol::Request& request);

// Multipart operations other than UploadPart and UploadPartCopy.
protocol::Response CreateMultipartUpload(S3Api& api, const protocol::Request& request,
                                         const auth::AuthResult& auth,
                                         const router::S3Route& route);
std::unique_ptr<Exchange> CompleteMultipartUpload(S3Api& api, const protocol::Request& request,
                                                  const auth::AuthResult& auth,
                                                  const router::S3Route& route);
protocol::Response AbortMultipartUpload(S3Api& api, const protocol::Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route);
protocol::Response ListParts(S3Api& api, const protocol::Request& request,
                             const auth::AuthResult& auth, const router::S3Route& route);
protocol::Response ListMultipartUploads(S3Api& api, const protocol::Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route);

// A body whose integrity S3 requires to be declared (PutBucketCors):
// Content-MD5 or an x-amz-checksum-* header must be sent, and is checked.
// InvalidRequest "Missing required header for this request: Content-MD5",
// InvalidDigest, BadDigest. (DeleteObjects applies the same rule inline.)
Status CheckRequiredBodyDigest(const protocol::Request& request, std::string_view body);

// `status` with an empty body when `st` is Ok, else its error.
inline protocol::Response EmptyOrError(const Status& st, int status,
                                       const protocol::Request& request) {
  return st ? Empty(status) : S3Api::ErrorResponse(st.error(), request);
}

// A PUT whose body is a small XML document (a bucket's CORS, lifecycle,
// website, encryption, versioning or Object Lock configuration; an object's
// retention or legal hold): buffers the body, checks its required digest
// (CheckRequiredBodyDigest), reads it with `parse` (a Result<T> of the body)
// and hands the value to `apply` (a Status); 200 with an empty body, or the
// first error. `request` must outlive the exchange (S3Api::Dispatch keeps
// it); the caller sets body_limit.
template <typename Parse, typename Apply>
std::unique_ptr<BufferedExchange> PutXmlBody(const protocol::Request& request, Parse parse,
                                             Apply apply) {
  return std::make_unique<BufferedExchange>(
      request, [&request, parse = std::move(parse), apply = std::move(apply)](
                   const std::string& body) -> protocol::Response {
        if (Status st = CheckRequiredBodyDigest(request, body); !st)
          return S3Api::ErrorResponse(st.error(), request);
        auto value = parse(body);
        if (!value) return S3Api::ErrorResponse(value.error(), request);
        return EmptyOrError(apply(std::move(*value)), 200, request);
      });
}

// CORS (s3_cors_api.cc).
std::unique_ptr<Exchange> PutBucketCors(S3Api& api, const protocol::Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route);
protocol::Response GetBucketCors(S3Api& api, const protocol::Request& request,
                                 const auth::AuthResult& auth, const router::S3Route& route);
protocol::Response DeleteBucketCors(S3Api& api, const protocol::Request& request,
                                    const auth::AuthResult& auth, const router::S3Route& route);
// OPTIONS on a bucket or object: answered from the bucket's CORS
// configuration, for anyone (no authentication).
protocol::Response Preflight(S3Api& api, const protocol::Request& request,
                             const router::S3Route& route);
// The Access-Control-* and Vary headers that the bucket's CORS rules give
// the response to `request` (not a preflight), errors included; empty when
// the request has no Origin or no rule matches.
using ResponseHeaders = std::vector<std::pair<std::string, std::string>>;
ResponseHeaders CorsHeadersFor(S3Api& api, const protocol::Request& request);
// Adds `headers` to whatever `exchange` answers.
std::unique_ptr<Exchange> WithHeaders(std::unique_ptr<Exchange> exchange, ResponseHeaders headers);

// POST /{bucket} with a form (s3_post_api.cc): authenticated by the form's
// own signature, not the request's.
std::unique_ptr<Exchange> PostObject(S3Api& api, const protocol::Request& request,
                                     const router::S3Route& route);
// GetObject (or HeadObject) of route.bucket/route.key as `auth` asks it
// (s3_api.cc); the website endpoint serves objects with it.
protocol::Response GetObjectResponse(S3Api& api, const protocol::Request& request,
                                     const auth::AuthResult& auth, const router::S3Route& route,
                                     bool head);

// Static website hosting (s3_website_api.cc).
std::unique_ptr<Exchange> PutBucketWebsite(S3Api& api, const protocol::Request& request,
                                           const auth::AuthResult& auth,
                                           const router::S3Route& route);
protocol::Response GetBucketWebsite(S3Api& api, const protocol::Request& request,
                                    const auth::AuthResult& auth, const router::S3Route& route);
protocol::Response DeleteBucketWebsite(S3Api& api, const protocol::Request& request,
                                       const auth::AuthResult& auth,
                                       const router::S3Route& route);
// A request to the website endpoint of `bucket`, for anyone (no
// authentication): GET and HEAD of objects, HTML errors, redirects.
protocol::Response ServeWebsite(S3Api& api, const protocol::Request& request,
                                const std::string& bucket);

// Lifecycle configuration (s3_lifecycle_api.cc).
std::unique_ptr<Exchange> PutBucketLifecycle(S3Api& api, const protocol::Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route);
protocol::Response GetBucketLifecycle(S3Api& api, const protocol::Request& request,
                                      const auth::AuthResult& auth, const router::S3Route& route);
protocol::Response DeleteBucketLifecycle(S3Api& api, const protocol::Request& request,
                                         const auth::AuthResult& auth,
                                         const router::S3Route& route);
// Server-side encryption (s3_encryption_api.cc).
// The customer key (SSE-C) sent in the x-amz-server-side-encryption-customer-*
// headers (or, with `copy_source`, the x-amz-copy-source-...-customer-* ones);
// nullopt when none of them is sent. InvalidArgument for a missing or wrong
// algorithm, a missing or invalid key, a missing or wrong key MD5.
Result<std::optional<s3::CustomerKey>> CustomerKeyFromHeaders(const protocol::Request& request,
                                                              bool copy_source);
// Sets the encryption fields of a new object's (or upload's) `meta` from the
// request's headers, else from `bucket`'s default encryption, else from the
// rules' default; returns the customer key for SSE-C (meta then holds its
// check, salt and a fresh IV for a single body). InvalidArgument as S3 words it.
Result<std::optional<s3::CustomerKey>> ApplyWriteEncryption(S3Api& api,
                                                            const protocol::Request& request,
                                                            const s3::BucketRecord& bucket,
                                                            s3::ObjectMetadata& meta);
// The key a read (GET, HEAD; a copy's source with `copy_source`) of an object
// with `meta` sends, checked: InvalidRequest when an SSE-C object is read
// without one (or another object with one), AccessDenied for a wrong key.
Result<std::optional<s3::CustomerKey>> ReadKeyFor(const protocol::Request& request,
                                                  const s3::ObjectMetadata& meta,
                                                  bool copy_source);
// The key an UploadPart (or UploadPartCopy) into an upload with `upload_meta`
// sends, checked: every part of an SSE-C upload carries the upload's key.
Result<std::optional<s3::CustomerKey>> PartKeyFor(const protocol::Request& request,
                                                  const s3::ObjectMetadata& upload_meta);
// x-amz-server-side-encryption* response headers for an object with `meta`
// (the customer-algorithm and key-MD5 ones only `with_customer`).
void AddEncryptionHeaders(protocol::Response& r, const s3::ObjectMetadata& meta,
                          bool with_customer = true);
// Decrypts bytes of an SSE-C object in place, given where they lie in it.
class ObjectDecryptor {
 public:
  ObjectDecryptor(const s3::ObjectRecord& object, std::string key);
  void Apply(std::uint64_t offset, char* data, std::size_t size) const;

 private:
  struct Piece {
    std::uint64_t begin;
    std::uint64_t size;
    std::string iv;
  };
  std::string key_;
  std::vector<Piece> pieces_;
};
// [begin, begin + length) of an SSE-C object, decrypted, in memory (GET sends
// bodies kept in blob files through FileBody::transform instead).
Result<std::string> ReadDecrypted(S3Api& api, const s3::ObjectRecord& object,
                                  const s3::CustomerKey& key, std::uint64_t begin,
                                  std::uint64_t length);
std::unique_ptr<Exchange> PutBucketEncryption(S3Api& api, const protocol::Request& request,
                                              const auth::AuthResult& auth,
                                              const router::S3Route& route);
protocol::Response GetBucketEncryption(S3Api& api, const protocol::Request& request,
                                       const auth::AuthResult& auth, const router::S3Route& route);
protocol::Response DeleteBucketEncryption(S3Api& api, const protocol::Request& request,
                                          const auth::AuthResult& auth,
                                          const router::S3Route& route);
// Versioning (s3_versioning_api.cc).
// The versionId query parameter: "" when absent; InvalidArgument ("Invalid
// version id specified") when it is not one this server gives.
Result<std::string> VersionIdOf(const protocol::Request& request);
// x-amz-version-id for a version of a bucket whose versioning was ever set
// ("null" for the null version).
void AddVersionHeader(protocol::Response& r, const s3::ObjectRecord& o);
// `error` with x-amz-delete-marker: true and the marker's x-amz-version-id.
protocol::Response DeleteMarkerError(const Error& error, const protocol::Request& request,
                                     const s3::ObjectRecord& marker);
std::unique_ptr<Exchange> PutBucketVersioning(S3Api& api, const protocol::Request& request,
                                              const auth::AuthResult& auth,
                                              const router::S3Route& route);
protocol::Response GetBucketVersioning(S3Api& api, const protocol::Request& request,
                                       const auth::AuthResult& auth,
                                       const router::S3Route& route);
protocol::Response ListObjectVersions(S3Api& api, const protocol::Request& request,
                                      const auth::AuthResult& auth,
                                      const router::S3Route& route);

// Object Lock (s3_object_lock_api.cc).
// x-amz-object-lock-mode, -retain-until-date and -legal-hold into `meta`;
// InvalidArgument as S3 words it.
Status LockFromHeaders(const protocol::Request& request, s3::ObjectMetadata& meta);
// The x-amz-object-lock-* headers of a GET or HEAD.
void AddObjectLockHeaders(protocol::Response& r, const s3::ObjectRecord& o);
// x-amz-bypass-governance-retention: true.
bool BypassGovernance(const protocol::Request& request);
std::unique_ptr<Exchange> PutObjectLockConfiguration(S3Api& api, const protocol::Request& request,
                                                     const auth::AuthResult& auth,
                                                     const router::S3Route& route);
protocol::Response GetObjectLockConfiguration(S3Api& api, const protocol::Request& request,
                                              const auth::AuthResult& auth,
                                              const router::S3Route& route);
std::unique_ptr<Exchange> PutObjectRetention(S3Api& api, const protocol::Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route);
protocol::Response GetObjectRetention(S3Api& api, const protocol::Request& request,
                                      const auth::AuthResult& auth,
                                      const router::S3Route& route);
std::unique_ptr<Exchange> PutObjectLegalHold(S3Api& api, const protocol::Request& request,
                                             const auth::AuthResult& auth,
                                             const router::S3Route& route);
protocol::Response GetObjectLegalHold(S3Api& api, const protocol::Request& request,
                                      const auth::AuthResult& auth,
                                      const router::S3Route& route);

}  // namespace awslab::api::internal

#endif  // AWSLAB_EMULATOR_API_S3_INTERNAL_H_
