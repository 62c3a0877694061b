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

// "\"<etag>\"" as in ETag headers and XML.
std::string QuotedEtag(std::string_view etag);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_S3_XML_H_
