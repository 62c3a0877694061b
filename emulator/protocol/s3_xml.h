// S3's REST-XML: error documents and the response bodies of the bucket and
// object operations, and the request bodies they take.
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html
#ifndef AWSLAB_EMULATOR_PROTOCOL_S3_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_S3_XML_H_

#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/s3/records.h"
#include "emulator/s3/s3_store.h"

namespace awslab::protocol {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

struct Owner {
  std::string id;            // canonical user id
  std::string display_name;
};

// <Error><Code/><Message/>[details]<Resource/><RequestId/><HostId/></Error>
std::string ErrorXml(const Error& error, std::string_view resource, std::string_view request_id,
                     std::string_view host_id);

std::string ListAllMyBucketsXml(const Owner& owner, const std::vector<s3::BucketRecord>& buckets);

// <LocationConstraint>: empty for us-east-1, as S3 answers.
std::string LocationConstraintXml(std::string_view region);

struct ListV2Page {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string start_after;
  std::string continuation_token;       // as received
  std::string next_continuation_token;  // empty when not truncated
  int max_keys = 1000;
  bool url_encode = false;              // encoding-type=url
  bool fetch_owner = false;
  const s3::ListObjectsResult* result = nullptr;
  // Owner per account id, for fetch-owner.
  Owner (*owner_of)(const std::string& account_id, void* ctx) = nullptr;
  void* owner_ctx = nullptr;
};
std::string ListBucketV2Xml(const ListV2Page& page);

// The LocationConstraint of a CreateBucketConfiguration body; empty body or
// element gives "". MalformedXML when the body is not that document.
Result<std::string> ParseCreateBucketConfiguration(std::string_view body);

// ListObjects (v1).
struct ListV1Page {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string marker;
  std::string next_marker;  // set only with a delimiter, when truncated
  int max_keys = 1000;
  bool url_encode = false;
  const s3::ListObjectsResult* result = nullptr;
  Owner (*owner_of)(const std::string& account_id, void* ctx) = nullptr;
  void* owner_ctx = nullptr;
};
std::string ListBucketV1Xml(const ListV1Page& page);

// DeleteObjects: the request's keys and the answer.
struct DeleteRequest {
  bool quiet = false;
  std::vector<std::string> keys;
  std::vector<std::string> version_ids;  // one per key; "" when none was given
};
// MalformedXML when not a <Delete> document or with more than 1,000 keys.
Result<DeleteRequest> ParseDeleteRequest(std::string_view body);
struct DeleteOutcome {
  std::string key;
  const Error* error = nullptr;  // null: deleted
  std::string version_id;        // as asked; "" when none was
  bool delete_marker = false;    // a marker was added or removed
  std::string delete_marker_version_id;
};
std::string DeleteResultXml(const std::vector<DeleteOutcome>& outcomes, bool quiet);

// <CopyObjectResult> or <CopyPartResult>.
std::string CopyResultXml(const char* root, std::string_view etag, TimePoint last_modified,
                          std::string_view checksum_algorithm, std::string_view checksum_value);

// Tagging documents. InvalidTag / MalformedXML / BadRequest on bad input.
Result<s3::TagSet> ParseTagging(std::string_view body, int max_tags);
std::string TaggingXml(const s3::TagSet& tags);
// The x-amz-tagging header: a URL query string "k1=v1&k2=v2".
Result<s3::TagSet> ParseTaggingHeader(std::string_view value, int max_tags);
// Checks a tag set against S3's rules (lengths, duplicates, count).
Status ValidateTags(const s3::TagSet& tags, int max_tags);

// Multipart documents.
std::string InitiateMultipartUploadXml(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id);
// MalformedXML when not a <CompleteMultipartUpload> document; part numbers
// and ETags as sent (ETag quotes removed).
Result<std::vector<s3::CompletedPart>> ParseCompleteMultipartUpload(std::string_view body,
                                                                   std::string_view checksum_element);
std::string CompleteMultipartUploadXml(std::string_view location, std::string_view bucket,
                                       std::string_view key, std::string_view etag,
                                       std::string_view checksum_algorithm,
                                       std::string_view checksum_value);
struct ListPartsPage {
  std::string bucket;
  int part_number_marker = 0;
  int max_parts = 1000;
  const s3::ListPartsResult* result = nullptr;
  Owner owner;
};
std::string ListPartsXml(const ListPartsPage& page);
struct ListUploadsPage {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string upload_id_marker;
  int max_uploads = 1000;
  bool url_encode = false;
  const s3::ListUploadsResult* result = nullptr;
  Owner (*owner_of)(const std::string& account_id, void* ctx) = nullptr;
  void* owner_ctx = nullptr;
};
std::string ListMultipartUploadsXml(const ListUploadsPage& page);

// "\"<etag>\"" as in ETag headers and XML.
std::string QuotedEtag(std::string_view etag);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_S3_XML_H_
