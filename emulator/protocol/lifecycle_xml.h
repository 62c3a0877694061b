// The LifecycleConfiguration document of PutBucketLifecycleConfiguration and
// GetBucketLifecycleConfiguration.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_PROTOCOL_LIFECYCLE_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_LIFECYCLE_XML_H_

#include <string>
#include <string_view>

#include "emulator/base/error.h"
#include "emulator/s3/lifecycle.h"

namespace awslab::protocol {

// Reads a <LifecycleConfiguration> (S3's namespace, another prefix or none)
// and validates it with s3::ValidateLifecycleConfiguration. MalformedXML when
// the schema does not allow it: not XML, another root, no Rule, an unknown or
// repeated element, a Status other than Enabled or Disabled, both or neither
// of Filter and the legacy Prefix, a Filter with more than one condition
// outside <And>, a number or date that does not parse, Days and Date
// together. A rule without an ID gets one made up, as S3 does.
Result<s3::LifecycleConfiguration> ParseLifecycleConfiguration(std::string_view body);

// GetBucketLifecycleConfiguration's answer.
std::string LifecycleConfigurationXml(const s3::LifecycleConfiguration& config);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_LIFECYCLE_XML_H_
