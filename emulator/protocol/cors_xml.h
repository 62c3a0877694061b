// The CORSConfiguration document of PutBucketCors and GetBucketCors.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_CORSConfiguration.html
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_PROTOCOL_CORS_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_CORS_XML_H_

#include <string>
#include <string_view>

#include "emulator/base/error.h"
#include "emulator/s3/cors.h"

namespace awslab::protocol {

// Reads a <CORSConfiguration> (with S3's namespace, another prefix or none)
// and validates it with s3::ValidateCorsConfiguration. MalformedXML when the
// body is not that document: not XML, another root, an element or text where
// the schema has none, a second ID or MaxAgeSeconds in a rule, a
// MaxAgeSeconds that is not a decimal integer. Values are kept as sent.
Result<s3::CorsConfiguration> ParseCorsConfiguration(std::string_view body);

// GetBucketCors' answer: the rules with their elements in the order S3 writes
// them (ID, AllowedMethod, AllowedOrigin, AllowedHeader, MaxAgeSeconds,
// ExposeHeader), each only when set.
std::string CorsConfigurationXml(const s3::CorsConfiguration& config);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_CORS_XML_H_
