// AWS Signature Version 4: the one signer of awslab. The client library signs
// with it; the emulator verifies a request by recomputing the signature of
// the canonical request it received with the same functions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
//
// Every function is pure and thread-safe. Nothing here performs I/O.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_SIGV4_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_SIGV4_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"

namespace awslab::sigv4 {

inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
inline constexpr std::string_view kStreamingSignedPayloadTrailer =
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
inline constexpr std::string_view kStreamingUnsignedPayloadTrailer =
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER";
// Hex SHA-256 of the empty string.
inline constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

struct Header {
  std::string name;   // as sent; compared case-insensitively
  std::string value;  // as sent (untrimmed)
};

// A request as it is (or will be) on the wire.
struct HttpRequest {
  std::string method;            // "GET"
  std::string path;              // raw path as sent, percent-encoded, without the query: "/a%20b"
  std::string query;             // raw query as sent, without '?': "b=2&a=1"
  std::vector<Header> headers;   // order kept, duplicates allowed
};

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty: none
};

// Where and when a request is signed.
struct Scope {
  std::string date;     // "20150830" (UTC)
  std::string region;   // "us-east-1"
  std::string service;  // "s3"
  // "20150830/us-east-1/s3/aws4_request"
  std::string ToString() const;
};

// "20150830T123600Z" for a time point (UTC).
std::string AmzDate(std::chrono::system_clock::time_point t);
// Parses "20150830T123600Z"; nullopt when malformed or not in the years
// 1970 to 2200.
std::optional<std::chrono::system_clock::time_point> ParseAmzDate(std::string_view s);

// Percent-encodes as SigV4 requires: every byte except A-Z a-z 0-9 - _ . ~
// is %XX with uppercase hex; '/' is kept when encode_slash is false.
std::string UriEncode(std::string_view s, bool encode_slash);
// Decodes %XX escapes; '+' is kept as '+'. Invalid escapes are kept as is.
std::string UriDecode(std::string_view s);

// The canonical URI of a raw path.
// normalize = true (every service but S3): remove dot segments and repeated
// slashes, then encode each segment of the raw path once more. The raw path
// is the once-encoded wire form and is not decoded first, so "/a%20b" gives
// "/a%2520b" (double encoding) and a raw "/a b" gives "/a%20b", as the AWS
// test suite expects.
// normalize = false (S3): decode, then encode once, slashes (and dots and
// repeated slashes) kept; an encoded "%2F" stays encoded.
std::string CanonicalUri(std::string_view raw_path, bool normalize);

// The canonical query string of a raw query: each name and value decoded and
// re-encoded, sorted by name then value, "a=1&b=" (empty values keep '=').
// Parameters named in `exclude` (e.g. "X-Amz-Signature") are dropped.
std::string CanonicalQuery(std::string_view raw_query,
                           const std::vector<std::string_view>& exclude = {});

// "host:example.com\nx-amz-date:...\n" for the named headers (lowercase,
// sorted): values trimmed, inner runs of spaces collapsed, duplicates joined
// with ','. A name in signed_headers with no header gives "name:\n".
std::string CanonicalHeaders(const std::vector<Header>& headers,
                             const std::vector<std::string>& signed_headers);

// The whole canonical request.
// signed_headers: lowercase and sorted. exclude_query: parameters left out
// of the canonical query (presigned verification drops X-Amz-Signature).
std::string CanonicalRequest(const HttpRequest& request,
                             const std::vector<std::string>& signed_headers,
                             std::string_view payload_hash, bool normalize_path,
                             const std::vector<std::string_view>& exclude_query = {});
// The same, appended to `out` (a server reuses one buffer per thread).
void AppendCanonicalRequest(std::string& out, const HttpRequest& request,
                            const std::vector<std::string>& signed_headers,
                            std::string_view payload_hash, bool normalize_path,
                            const std::vector<std::string_view>& exclude_query = {});

std::string StringToSign(std::string_view amz_date, const Scope& scope,
                         std::string_view canonical_request);

crypto::Sha256Digest SigningKey(std::string_view secret_access_key, const Scope& scope);

// Lowercase hex HMAC-SHA256 of string_to_sign under the signing key.
std::string Signature(const crypto::Sha256Digest& signing_key, std::string_view string_to_sign);
// The same with the key's HMAC blocks already hashed (a server verifying
// many requests under one signing key).
std::string Signature(const crypto::HmacSha256Key& signing_key, std::string_view string_to_sign);

// The string to sign of one aws-chunked chunk:
// "AWS4-HMAC-SHA256-PAYLOAD\n<amz_date>\n<scope>\n<previous_signature>\n"
// "<sha256 of empty>\n<chunk_data_sha256_hex>", the last being the hex
// SHA-256 of the chunk's data.
std::string ChunkStringToSign(std::string_view amz_date, const Scope& scope,
                              std::string_view previous_signature,
                              std::string_view chunk_data_sha256_hex);
// Of the trailer: "AWS4-HMAC-SHA256-TRAILER\n<amz_date>\n<scope>\n<previous_signature>\n"
// "<hex sha256 of the canonical trailer headers>"
std::string TrailerStringToSign(std::string_view amz_date, const Scope& scope,
                                std::string_view previous_signature,
                                std::string_view trailer_sha256_hex);

// Options for signing a request.
struct SignOptions {
  std::chrono::system_clock::time_point time;
  std::string region;
  std::string service;
  bool normalize_path = true;  // false for S3
  // Hex SHA-256 of the body, or UNSIGNED-PAYLOAD, or a STREAMING-* value.
  std::string payload_hash = std::string(kEmptySha256);
  // Add an "x-amz-content-sha256" header (S3 requires it).
  bool add_content_sha256_header = false;
  // Headers that are signed: every header present except these (lowercase).
  std::vector<std::string> unsigned_headers = {"user-agent", "expect", "x-amzn-trace-id",
                                               "authorization"};
};

// Signs in the Authorization header: adds X-Amz-Date (and
// X-Amz-Security-Token, x-amz-content-sha256 when asked) and Authorization.
// A Host header must already be present. Returns the signature (hex), or an
// empty string (request unchanged) when there is no Host header.
std::string SignRequest(HttpRequest& request, const Credentials& credentials,
                        const SignOptions& options);

// Presigns: appends X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date,
// X-Amz-SignedHeaders, X-Amz-Expires (, X-Amz-Security-Token) and finally
// X-Amz-Signature to request.query: the order of AWS's test suite and of
// botocore's CRT signer, so a presigned URL is byte for byte botocore's. Signs only the host header unless others
// are present and not in unsigned_headers. The payload hash is
// options.payload_hash (UNSIGNED-PAYLOAD for S3). Returns the signature, or
// an empty string (request unchanged) when there is no Host header.
std::string PresignRequest(HttpRequest& request, const Credentials& credentials,
                           const SignOptions& options, std::chrono::seconds expires);

// The parts of "AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/s3/aws4_request,
// SignedHeaders=host;x-amz-date, Signature=abcd" (spaces after commas optional).
struct ParsedAuthorization {
  std::string access_key_id;
  Scope scope;
  std::vector<std::string> signed_headers;
  std::string signature;
};
// nullopt when the header does not have that form.
std::optional<ParsedAuthorization> ParseAuthorization(std::string_view header_value);
// Parses the X-Amz-Credential value "AKID/20150830/us-east-1/s3/aws4_request".
std::optional<std::pair<std::string, Scope>> ParseCredential(std::string_view credential);

}  // namespace awslab::sigv4

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_SIGV4_H_
