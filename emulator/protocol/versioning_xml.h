// The documents of bucket versioning: VersioningConfiguration (Put and
// GetBucketVersioning) and ListVersionsResult (ListObjectVersions).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_PROTOCOL_VERSIONING_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_VERSIONING_XML_H_

#include <string>
#include <string_view>

#include "emulator/base/error.h"
#include "emulator/protocol/s3_xml.h"
#include "emulator/s3/records.h"
#include "emulator/s3/s3_store.h"

namespace awslab::protocol {

// A <VersioningConfiguration>: its Status (Enabled or Suspended).
// MalformedXML when the body is not that document or a value is not one of
// the schema's; IllegalVersioningConfigurationException when Status is
// missing; MfaDelete may only be Disabled (awslab has no MFA devices).
Result<s3::VersioningState> ParseVersioningConfiguration(std::string_view body);

// GetBucketVersioning's answer: an empty <VersioningConfiguration/> for a
// bucket that was never versioned.
std::string VersioningConfigurationXml(s3::VersioningState state);

struct ListVersionsPage {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;
  std::string version_id_marker;
  int max_keys = 1000;
  bool url_encode = false;
  const s3::ListVersionsResult* result = nullptr;
  Owner (*owner_of)(const std::string& account_id, void* ctx) = nullptr;
  void* owner_ctx = nullptr;
};
std::string ListVersionsResultXml(const ListVersionsPage& page);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_VERSIONING_XML_H_
