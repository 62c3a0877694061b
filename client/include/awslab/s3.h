// The S3 client of libawslab: the bucket and object operations awslab-server
// has (docs/api-coverage.md), list paginators, ACLs, policies, multipart
// uploads, tagging and presigned URLs, built the way botocore 1.29 builds
// them (the same URLs, query parameters, headers and signatures), so the
// same code talks to awslab-server and to real AWS.
//
// Addressing, as botocore 1.29.27 does it (verified against it; details in
// s3/s3_address.cc):
//  - no endpoint configured: https://s3.amazonaws.com for us-east-1 (the
//    legacy global endpoint botocore keeps), https://s3.<region>.amazonaws.com
//    otherwise; virtual-hosted ("https://bucket.s3.amazonaws.com/key") when
//    the bucket is a valid host label (3-63 of a-z 0-9 '-', not an IP
//    address), path style otherwise (dots, upper case, '_');
//    addressing_style = path: path style;
//  - a custom endpoint (endpoint_url): PATH style unless addressing_style is
//    virtual ("http://localhost:4566/bucket/key": botocore forces path style
//    for a custom endpoint); with virtual, virtual-hosted on the endpoint's
//    host ("http://bucket.localhost:4566/key") except on an IP address
//    ("http://127.0.0.1:4566/bucket/key");
//  - GetBucketLocation is always path style; presigned URLs of hostable
//    buckets go to the global endpoint (https://bucket.s3.amazonaws.com) in
//    every region unless the style is path, as generate_presigned_url does.
// Keys are percent-encoded as botocore does ('/' and '~' kept).
//
// Errors: every call returns an Error with AWS's code ("NoSuchBucket",
// "NoSuchKey", "BucketAlreadyOwnedByYou", "AccessDenied", ...), the HTTP
// status and request id. Answers without a body (HEAD, 304) have no code of
// their own: botocore reports the status as the code ("404", message "Not
// Found"); libawslab gives the status's name ("NotFound", "Forbidden",
// "NotModified", "PreconditionFailed", "BadRequest") with http_status set
// and botocore's message ("Not Found"). Match on http_status to be sure.
//
// Thread-safety: an S3Client is a cheap handle (copies share the Caller and
// its connection pool) and may be used from many threads at once. Body
// sources and sinks belong to the calling thread. Paginators belong to one
// thread.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_S3_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_S3_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/include/awslab/config.h"
#include "client/include/awslab/error.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/service.h"

namespace awslab::client {

namespace s3 {

// ---- values ----

struct Owner {
  std::string id;
  std::string display_name;
};

struct Bucket {
  std::string name;
  std::string creation_date;  // ISO 8601 as S3 sends it: "2013-04-01T00:00:00.000Z"
  std::string region;         // BucketRegion (may be empty)
};

struct ListBucketsResult {
  std::vector<Bucket> buckets;
  Owner owner;
};

struct CreateBucketOptions {
  // The CreateBucketConfiguration/LocationConstraint body. nullopt: the
  // client's region, as `aws s3 mb` does (no body in us-east-1); "": no body.
  std::optional<std::string> location_constraint;
  std::string acl;               // canned ACL (x-amz-acl): "private", "public-read", ...
  std::string grant_full_control, grant_read, grant_read_acp, grant_write, grant_write_acp;
  std::string object_ownership;  // x-amz-object-ownership
};

struct HeadBucketResult {
  std::string region;  // x-amz-bucket-region
};

// Headers of an object as GetObject and HeadObject return them.
struct ObjectInfo {
  int status = 0;                   // 200, or 206 for a range or part
  std::uint64_t content_length = 0;
  std::string content_type;
  std::string etag;                 // with its quotes, as S3 sends it
  std::string last_modified;        // RFC 1123: "Mon, 01 Apr 2013 00:00:00 GMT"
  std::string content_range;        // "bytes 0-9/100" for a range
  std::string content_encoding, content_disposition, content_language, cache_control, expires;
  std::string storage_class;
  std::string accept_ranges;
  std::optional<int> parts_count;   // x-amz-mp-parts-count
  std::optional<int> tagging_count; // x-amz-tagging-count
  std::string version_id;
  // x-amz-meta-* without the prefix, names in lower case as S3 returns them.
  std::map<std::string, std::string> metadata;
  std::vector<sigv4::Header> headers;  // every header of the answer
  std::string request_id;
};

// GetObject into memory: the headers and the body.
struct GetObjectResult : ObjectInfo {
  std::string body;
};

// Headers of a PutObject, CreateMultipartUpload or CopyObject (REPLACE).
struct PutObjectOptions {
  std::string content_type;
  std::string content_encoding, content_disposition, content_language, cache_control;
  std::string expires;  // an HTTP date, sent as it is
  std::map<std::string, std::string> metadata;  // sent as x-amz-meta-<name>
  std::string acl;              // canned ACL
  std::string grant_full_control, grant_read, grant_read_acp, grant_write_acp;
  std::string storage_class;    // "STANDARD", ...
  std::string tagging;          // "k=v&k2=v2" (x-amz-tagging), already URL-encoded
  // Content-MD5 as botocore sends it (PutObject and UploadPart). Off only to
  // send a body that cannot be read twice (a stream).
  bool content_md5 = true;
  std::vector<sigv4::Header> extra_headers;  // anything else, sent as given
};

struct PutObjectResult {
  std::string etag;
  std::string version_id;
  std::string request_id;
};

struct GetObjectOptions {
  std::string range;  // "bytes=0-9"
  std::string if_match, if_none_match, if_modified_since, if_unmodified_since;
  std::optional<int> part_number;
  // response-content-type, response-cache-control, ... overrides.
  std::string response_content_type, response_content_language, response_expires,
      response_cache_control, response_content_disposition, response_content_encoding;
};

struct DeletedObject {
  std::string key;
  std::string version_id;
};
struct DeleteObjectError {
  std::string key;
  std::string version_id;
  std::string code;
  std::string message;
};
struct DeleteObjectsResult {
  std::vector<DeletedObject> deleted;  // empty in quiet mode
  std::vector<DeleteObjectError> errors;
};

struct CopyObjectOptions {
  // "COPY" (default on the server) or "REPLACE"; with REPLACE the headers
  // and metadata of `replace` are the copy's.
  std::string metadata_directive;
  std::string tagging_directive;
  PutObjectOptions replace;  // content_md5 is ignored
  std::string copy_source_if_match, copy_source_if_none_match, copy_source_if_modified_since,
      copy_source_if_unmodified_since;
  std::string source_version_id;
};

struct CopyObjectResult {
  std::string etag;
  std::string last_modified;  // ISO 8601
  std::string request_id;
};

enum class ListVersion { kV1, kV2 };

struct ListObjectsOptions {
  std::string prefix;
  std::string delimiter;
  std::optional<int> max_keys;
  std::string marker;              // v1
  std::string continuation_token;  // v2
  std::string start_after;         // v2
  bool fetch_owner = false;        // v2
};

struct ObjectSummary {
  std::string key;  // decoded (botocore asks for encoding-type=url and decodes)
  std::string last_modified;  // ISO 8601
  std::string etag;
  std::uint64_t size = 0;
  std::string storage_class;
  std::optional<Owner> owner;
};

// One page of ListObjects (v1) or ListObjectsV2.
struct ListObjectsPage {
  std::string name;
  std::string prefix;
  std::string delimiter;
  int max_keys = 0;
  bool is_truncated = false;
  std::vector<ObjectSummary> contents;
  std::vector<std::string> common_prefixes;
  std::string marker, next_marker;                        // v1
  std::string continuation_token, next_continuation_token, start_after;  // v2
  int key_count = 0;                                      // v2
};

// ---- access control ----

struct Grantee {
  // "CanonicalUser" (id), "AmazonCustomerByEmail" (email_address) or
  // "Group" (uri, e.g. kAllUsers).
  std::string type;
  std::string id;
  std::string display_name;
  std::string email_address;
  std::string uri;
};
inline constexpr const char* kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
inline constexpr const char* kAuthenticatedUsers =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

struct Grant {
  Grantee grantee;
  std::string permission;  // FULL_CONTROL, READ, WRITE, READ_ACP, WRITE_ACP
};

struct AccessControlPolicy {
  Owner owner;
  std::vector<Grant> grants;
};

// One of: a canned ACL, grant headers, or a whole policy.
struct PutAclOptions {
  std::string acl;  // canned: "private", "public-read", ...
  std::string grant_full_control, grant_read, grant_read_acp, grant_write, grant_write_acp;
  std::optional<AccessControlPolicy> policy;

  static PutAclOptions Canned(std::string canned) {
    PutAclOptions o;
    o.acl = std::move(canned);
    return o;
  }
  static PutAclOptions Policy(AccessControlPolicy p) {
    PutAclOptions o;
    o.policy = std::move(p);
    return o;
  }
};

struct Tag {
  std::string key;
  std::string value;
};

// ---- multipart ----

struct CompletedPart {
  int part_number = 0;
  std::string etag;
};

struct CompleteMultipartUploadResult {
  std::string location;
  std::string bucket;
  std::string key;
  std::string etag;  // "md5-of-md5s-N"
  std::string request_id;
};

struct Part {
  int part_number = 0;
  std::string etag;
  std::uint64_t size = 0;
  std::string last_modified;
};

struct ListPartsOptions {
  std::optional<int> max_parts;
  std::optional<int> part_number_marker;
};

struct ListPartsResult {
  std::string bucket, key, upload_id;
  std::vector<Part> parts;
  bool is_truncated = false;
  int part_number_marker = 0;
  int next_part_number_marker = 0;
  int max_parts = 0;
  std::string storage_class;
  Owner owner, initiator;
};

struct ListMultipartUploadsOptions {
  std::string prefix, delimiter, key_marker, upload_id_marker;
  std::optional<int> max_uploads;
};

struct MultipartUpload {
  std::string key;
  std::string upload_id;
  std::string initiated;  // ISO 8601
  std::string storage_class;
  Owner owner, initiator;
};

struct ListMultipartUploadsResult {
  std::string bucket;
  std::vector<MultipartUpload> uploads;
  std::vector<std::string> common_prefixes;
  bool is_truncated = false;
  std::string next_key_marker, next_upload_id_marker;
};

// ---- helpers ----

// Where a bucket (and key) is sent: the origin (host of a virtual-hosted
// bucket included) and the encoded path.
struct Address {
  Url origin;
  std::string path;  // "/key" or "/bucket/key", encoded, base path included
};

// botocore's check for a bucket name usable as a host label: 3-63
// characters of a-z 0-9 '-', starting and ending with a letter or digit,
// not an IP address. Names with dots pass only with allow_dots (plain http).
bool IsDnsCompatibleBucket(std::string_view bucket, bool allow_dots = false);

// A key as botocore puts it in the path: percent-encoded, '/' and '~' kept.
std::string EncodeKey(std::string_view key);

// Parses S3's times: ISO 8601 ("2013-04-01T00:00:00.000Z") and RFC 1123
// ("Mon, 01 Apr 2013 00:00:00 GMT"). nullopt when neither.
std::optional<std::chrono::system_clock::time_point> ParseTime(std::string_view s);

}  // namespace s3

class S3Client {
 public:
  // A client with its own HttpClient (TLS options from the config) or a
  // shared one. Errors: a bad endpoint URL, an unreadable CA bundle.
  static Result<S3Client> Create(const Config& config, std::shared_ptr<HttpClient> http = nullptr);
  // A client on an existing Caller (its config, pool, clock and transport):
  // clients share a pool, tests fix the time or replace the network.
  static Result<S3Client> Create(std::shared_ptr<Caller> caller);

  const Config& config() const { return caller_->config(); }
  Caller& caller() const { return *caller_; }
  std::shared_ptr<Caller> shared_caller() const { return caller_; }
  // The region requests are signed for.
  const std::string& region() const { return caller_->config().region; }

  // Where a request for bucket/key goes (bucket empty: the service, "/").
  Result<s3::Address> AddressOf(std::string_view bucket, std::string_view key = {}) const;

  // ---- buckets ----

  // GET /: the caller's buckets.
  Result<s3::ListBucketsResult> ListBuckets();
  // PUT /bucket (LocationConstraint outside us-east-1, see the options).
  Status CreateBucket(const std::string& bucket, const s3::CreateBucketOptions& options = {});
  // DELETE /bucket. BucketNotEmpty while it holds objects.
  Status DeleteBucket(const std::string& bucket);
  // HEAD /bucket: NotFound (404) or Forbidden (403) without a body.
  Result<s3::HeadBucketResult> HeadBucket(const std::string& bucket);
  // GET /bucket?location: "" for us-east-1.
  Result<std::string> GetBucketLocation(const std::string& bucket);

  // ---- objects ----

  // PUT /bucket/key from a body that can be read twice (for Content-MD5 and
  // the signed SHA-256) unless options.content_md5 is off and the endpoint
  // is https. Retried when the body can be rewound.
  Result<s3::PutObjectResult> PutObject(const std::string& bucket, const std::string& key,
                                        BodySource& body, const s3::PutObjectOptions& options = {});
  // PUT /bucket/key from memory.
  Result<s3::PutObjectResult> PutObject(const std::string& bucket, const std::string& key,
                                        std::string_view data,
                                        const s3::PutObjectOptions& options = {});
  // GET /bucket/key into a sink (a 2xx body only). The result's headers tell
  // the length and range.
  Result<s3::ObjectInfo> GetObject(const std::string& bucket, const std::string& key,
                                   BodySink& sink, const s3::GetObjectOptions& options = {});
  // GET /bucket/key into memory.
  Result<s3::GetObjectResult> GetObject(const std::string& bucket, const std::string& key,
                                        const s3::GetObjectOptions& options = {});
  // HEAD /bucket/key: NotFound (404), Forbidden (403), NotModified (304),
  // PreconditionFailed (412) without a body.
  Result<s3::ObjectInfo> HeadObject(const std::string& bucket, const std::string& key,
                                    const s3::GetObjectOptions& options = {});
  // DELETE /bucket/key (204 also for a key that does not exist).
  Status DeleteObject(const std::string& bucket, const std::string& key);
  // POST /bucket?delete for up to 1,000 keys (Content-MD5 as botocore).
  // Per-key failures are in the result's errors; quiet leaves out the
  // deleted keys.
  Result<s3::DeleteObjectsResult> DeleteObjects(const std::string& bucket,
                                                const std::vector<std::string>& keys,
                                                bool quiet = false);
  // PUT /bucket/key with x-amz-copy-source.
  Result<s3::CopyObjectResult> CopyObject(const std::string& source_bucket,
                                          const std::string& source_key,
                                          const std::string& bucket, const std::string& key,
                                          const s3::CopyObjectOptions& options = {});

  // ---- listing ----

  // GET /bucket (v1) or /bucket?list-type=2 (v2): one page. encoding-type=url
  // is asked for and keys and prefixes decoded, as botocore does.
  Result<s3::ListObjectsPage> ListObjects(const std::string& bucket,
                                          const s3::ListObjectsOptions& options = {});
  Result<s3::ListObjectsPage> ListObjectsV2(const std::string& bucket,
                                            const s3::ListObjectsOptions& options = {});

  // ---- access control ----

  Result<s3::AccessControlPolicy> GetBucketAcl(const std::string& bucket);
  Status PutBucketAcl(const std::string& bucket, const s3::PutAclOptions& acl);
  Result<s3::AccessControlPolicy> GetObjectAcl(const std::string& bucket, const std::string& key);
  Status PutObjectAcl(const std::string& bucket, const std::string& key,
                      const s3::PutAclOptions& acl);
  // The policy document as stored. NoSuchBucketPolicy when there is none.
  Result<std::string> GetBucketPolicy(const std::string& bucket);
  Status PutBucketPolicy(const std::string& bucket, const std::string& policy_json);
  Status DeleteBucketPolicy(const std::string& bucket);

  // ---- tagging ----

  // NoSuchTagSet for a bucket without tags.
  Result<std::vector<s3::Tag>> GetBucketTagging(const std::string& bucket);
  Status PutBucketTagging(const std::string& bucket, const std::vector<s3::Tag>& tags);
  Status DeleteBucketTagging(const std::string& bucket);
  Result<std::vector<s3::Tag>> GetObjectTagging(const std::string& bucket, const std::string& key);
  Status PutObjectTagging(const std::string& bucket, const std::string& key,
                          const std::vector<s3::Tag>& tags);
  Status DeleteObjectTagging(const std::string& bucket, const std::string& key);

  // ---- multipart ----

  // POST /bucket/key?uploads: the upload id.
  Result<std::string> CreateMultipartUpload(const std::string& bucket, const std::string& key,
                                            const s3::PutObjectOptions& options = {});
  // PUT /bucket/key?partNumber=N&uploadId=U: the part's ETag. Content-MD5 as
  // botocore unless content_md5 is false.
  Result<std::string> UploadPart(const std::string& bucket, const std::string& key,
                                 const std::string& upload_id, int part_number, BodySource& body,
                                 bool content_md5 = true);
  Result<s3::CompleteMultipartUploadResult> CompleteMultipartUpload(
      const std::string& bucket, const std::string& key, const std::string& upload_id,
      const std::vector<s3::CompletedPart>& parts);
  Status AbortMultipartUpload(const std::string& bucket, const std::string& key,
                              const std::string& upload_id);
  Result<s3::ListPartsResult> ListParts(const std::string& bucket, const std::string& key,
                                        const std::string& upload_id,
                                        const s3::ListPartsOptions& options = {});
  Result<s3::ListMultipartUploadsResult> ListMultipartUploads(
      const std::string& bucket, const s3::ListMultipartUploadsOptions& options = {});

  // ---- presigned URLs ----

  // A URL anyone can use until it expires (at most 7 days), signed for the
  // method on bucket/key with UNSIGNED-PAYLOAD, as botocore's
  // generate_presigned_url. headers: signed too (the user must send them).
  Result<std::string> Presign(const std::string& method, const std::string& bucket,
                              const std::string& key, std::chrono::seconds expires,
                              const std::vector<sigv4::Header>& headers = {});
  Result<std::string> PresignGetObject(const std::string& bucket, const std::string& key,
                                       std::chrono::seconds expires = std::chrono::seconds(3600));
  Result<std::string> PresignPutObject(const std::string& bucket, const std::string& key,
                                       std::chrono::seconds expires = std::chrono::seconds(3600));

 private:
  struct Op;  // one operation's request, before addressing and signing
  S3Client(std::shared_ptr<Caller> caller, Url endpoint, bool custom_endpoint)
      : caller_(std::move(caller)), endpoint_(std::move(endpoint)), custom_endpoint_(custom_endpoint) {}
  Result<s3::Address> AddressFor(std::string_view bucket, std::string_view key, bool force_path,
                                 bool presign) const;
  Result<HttpResponse> Send(Op& op);
  // Send for the operations whose answer says nothing but success.
  Status SendForStatus(Op& op);
  // ListObjects(V2) with the query in the model's order, or (for the
  // paginator) in the order botocore's paginator gets from its caller.
  Result<s3::ListObjectsPage> List(const std::string& bucket, const s3::ListObjectsOptions& options,
                                   s3::ListVersion version, bool paginator_order);
  friend class ListObjectsPaginator;

  std::shared_ptr<Caller> caller_;
  Url endpoint_;          // the service endpoint (no bucket)
  bool custom_endpoint_;  // configured, not AWS's
};

// Yields ListObjects (v1) or ListObjectsV2 pages one after another, as
// botocore's paginators: v2 follows NextContinuationToken; v1 follows
// NextMarker, or the last key of the page when S3 sends none.
class ListObjectsPaginator {
 public:
  ListObjectsPaginator(S3Client client, std::string bucket, s3::ListObjectsOptions options = {},
                       s3::ListVersion version = s3::ListVersion::kV2);

  // True until the last page has been returned (or an error).
  bool HasMorePages() const { return more_; }
  // The next page. After an error HasMorePages() is false.
  Result<s3::ListObjectsPage> NextPage();

  // Calls `page` for every page until it returns false or there are no more.
  Status ForEachPage(const std::function<bool(const s3::ListObjectsPage&)>& page);
  // Calls `object` for every key (and `prefix`, when given, for every common
  // prefix) of every page, until one returns false.
  Status ForEach(const std::function<bool(const s3::ObjectSummary&)>& object,
                 const std::function<bool(const std::string&)>& prefix = {});

 private:
  S3Client client_;
  std::string bucket_;
  s3::ListObjectsOptions options_;
  s3::ListVersion version_;
  bool more_ = true;
};

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_S3_H_
