// AWS Signature Version 2 for S3, as boto 2 signs it: the string to sign of
// an "Authorization: AWS AccessKeyId:Signature" header and of query-string
// authentication (?AWSAccessKeyId=...&Expires=...&Signature=...).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
//
//   StringToSign = HTTP-Verb + "\n" + Content-MD5 + "\n" + Content-Type + "\n" +
//                  Date + "\n" + CanonicalizedAmzHeaders + CanonicalizedResource
//
// These are the pure parts; the Authenticator chooses the date line, checks
// the time and the key, and names the errors.
//
// Thread-safety: pure functions.
#ifndef AWSLAB_EMULATOR_AUTH_SIGV2_H_
#define AWSLAB_EMULATOR_AUTH_SIGV2_H_

#include <optional>
#include <string>
#include <string_view>

#include "client/include/awslab/sigv4.h"
#include "emulator/base/clock.h"

namespace awslab::auth::sigv2 {

// Whether a query parameter enters the CanonicalizedResource: the
// sub-resources ("?acl", "?uploadId=...", ...), the response-* header
// overrides of GetObject and "delete". The set is the one boto 2 and botocore
// sign (their QSA of interest), less Google Cloud Storage's own names.
bool IsSignedSubresource(std::string_view name);

// "/" + virtual_host_bucket when the Host header names the bucket (empty for
// path style and for requests that name no bucket), then the path exactly as
// sent (percent-encoding and case kept), then "?" and the signed
// sub-resources sorted by name, each "name" or "name=value" as sent, with the
// value percent-decoded ("When signing, you do not encode these values").
std::string CanonicalizedResource(const sigv4::HttpRequest& request,
                                  std::string_view virtual_host_bucket);

// Every x-amz-* header as "name:value\n": names lowercased and sorted, values
// trimmed and unfolded, headers of one name joined with ',' in the order
// sent. With query_auth, x-amz-* query parameters (decoded) count as headers
// too: boto 2's generate_url moves signed x-amz-* headers into the URL.
std::string CanonicalizedAmzHeaders(const sigv4::HttpRequest& request, bool query_auth);

// The whole string to sign. date_line: the Date header as sent, empty when
// an x-amz-date header is sent (it is signed among the x-amz-* headers), or
// the Expires parameter for query authentication.
std::string StringToSign(const sigv4::HttpRequest& request, std::string_view date_line,
                         std::string_view virtual_host_bucket, bool query_auth);

// Base64(HMAC-SHA1(secret, string_to_sign)).
std::string Signature(std::string_view secret_access_key, std::string_view string_to_sign);

// A Date or x-amz-date value: RFC 1123 ("Tue, 27 Mar 2007 19:36:42 GMT", or
// a numeric zone such as "+0000"), RFC 850 ("Tuesday, 27-Mar-07 19:36:42
// GMT"), asctime ("Tue Mar 27 19:36:42 2007") or ISO 8601 basic
// ("20070327T193642Z"). nullopt when it is none of them, or not in the
// years 1970 to 2200.
std::optional<TimePoint> ParseDate(std::string_view text);

}  // namespace awslab::auth::sigv2

#endif  // AWSLAB_EMULATOR_AUTH_SIGV2_H_
