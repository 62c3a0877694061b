// The documents of S3 Object Lock: ObjectLockConfiguration (Put and
// GetObjectLockConfiguration), Retention (Put and GetObjectRetention),
// LegalHold (Put and GetObjectLegalHold), and the ISO 8601 dates they use.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_PROTOCOL_OBJECT_LOCK_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_OBJECT_LOCK_XML_H_

#include <optional>
#include <string>
#include <string_view>

#include "emulator/base/clock.h"
#include "emulator/base/error.h"
#include "emulator/s3/records.h"

namespace awslab::protocol {

// "2030-01-02T03:04:05Z", with optional fractional seconds and a numeric
// offset instead of Z; nullopt when malformed.
std::optional<TimePoint> ParseIso8601(std::string_view s);
// "GOVERNANCE" / "COMPLIANCE"; nullopt for anything else.
std::optional<s3::RetentionMode> ParseRetentionMode(std::string_view s);
std::string_view RetentionModeName(s3::RetentionMode mode);

// The Rule's DefaultRetention (nullopt: no rule). MalformedXML when not the
// document, ObjectLockEnabled is not "Enabled", a Mode is unknown, or both or
// neither of Days and Years are given; InvalidArgument for a period that is
// not a positive integer.
Result<std::optional<s3::DefaultRetention>> ParseObjectLockConfiguration(std::string_view body);
std::string ObjectLockConfigurationXml(const std::optional<s3::DefaultRetention>& rule);

struct Retention {
  s3::RetentionMode mode = s3::RetentionMode::kNone;  // kNone: remove
  TimePoint until{};
};
// MalformedXML when not the document, the Mode is unknown, the date does not
// parse, or only one of Mode and RetainUntilDate is given.
Result<Retention> ParseRetention(std::string_view body);
std::string RetentionXml(s3::RetentionMode mode, TimePoint until);

// ON / OFF; MalformedXML otherwise.
Result<bool> ParseLegalHold(std::string_view body);
std::string LegalHoldXml(bool on);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_OBJECT_LOCK_XML_H_
