// The XML of a bucket's default encryption (PutBucketEncryption,
// GetBucketEncryption).
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
#ifndef AWSLAB_EMULATOR_PROTOCOL_ENCRYPTION_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_ENCRYPTION_XML_H_

#include <string>
#include <string_view>

#include "emulator/base/error.h"
#include "emulator/s3/encryption.h"

namespace awslab::protocol {

// A ServerSideEncryptionConfiguration with exactly one Rule. MalformedXML for
// a document S3's schema refuses (no rule, two rules, no or an unknown
// SSEAlgorithm, a BucketKeyEnabled that is not a boolean); InvalidArgument
// for a KMSMasterKeyID with AES256.
Result<s3::BucketEncryption> ParseServerSideEncryptionConfiguration(std::string_view body);
std::string ServerSideEncryptionConfigurationXml(const s3::BucketEncryption& encryption);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_ENCRYPTION_XML_H_
