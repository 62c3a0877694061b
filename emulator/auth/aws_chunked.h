// A streaming decoder of the aws-chunked content encoding that S3 clients
// use for signed streaming uploads and for checksum trailers.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
//
// Encoded body, signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD):
//   <hex size>;chunk-signature=<64 hex>\r\n<data>\r\n ... 0;chunk-signature=<sig>\r\n\r\n
// Signed with trailer (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER):
//   ... 0;chunk-signature=<sig>\r\n<name>:<value>\r\nx-amz-trailer-signature:<sig>\r\n\r\n
// Unsigned with trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER):
//   <hex size>\r\n<data>\r\n ... 0\r\n<name>:<value>\r\n\r\n
//
// Each chunk signature chains from the previous one, starting at the seed
// signature of the request's Authorization header (sigv4::ChunkStringToSign).
// A declared trailer (x-amz-trailer: x-amz-checksum-crc32) is a checksum of
// the decoded payload; the decoder computes it and compares.
//
// Thread-safety: one decoder belongs to one request, used by one thread.
#ifndef AWSLAB_EMULATOR_AUTH_AWS_CHUNKED_H_
#define AWSLAB_EMULATOR_AUTH_AWS_CHUNKED_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/sigv4.h"
#include "emulator/auth/checksum.h"
#include "emulator/base/error.h"

namespace awslab::auth {

// What verifying chunk signatures needs (signed modes only).
struct ChunkSigning {
  crypto::Sha256Digest signing_key;
  std::string amz_date;        // the request's X-Amz-Date
  sigv4::Scope scope;
  std::string seed_signature;  // the Authorization header's signature
};

class AwsChunkedDecoder {
 public:
  enum class Mode { kSigned, kSignedWithTrailer, kUnsignedWithTrailer };

  // trailer: the checksum named by the request's x-amz-trailer header, if any.
  // signing: required for the signed modes, ignored otherwise.
  AwsChunkedDecoder(Mode mode, std::optional<ChecksumAlgorithm> trailer,
                    std::optional<ChunkSigning> signing);
  ~AwsChunkedDecoder();

  // Feeds the next bytes of the encoded body, in pieces of any size. Decoded
  // payload bytes are passed to `sink` as they are verified (a signed chunk's
  // bytes may be passed before its signature is checked; the caller must not
  // commit anything until Finish() succeeds).
  // Errors: kIncompleteBody / kInvalidArgument for malformed framing (a bad
  // size line, a missing CRLF, data after the final chunk), kInvalidChunkSizeError
  // for a non-final signed chunk smaller than 8 KiB, kSignatureDoesNotMatch for a
  // wrong chunk or trailer signature, kMalformedTrailerError for a bad trailer
  // section, kBadDigest when the trailer checksum differs from the payload's.
  // After an error, the decoder stays failed.
  Status Feed(std::string_view encoded, const std::function<void(std::string_view)>& sink);

  // Called at the end of the encoded body: kIncompleteBody unless the final
  // chunk and trailer section were complete and verified.
  Status Finish();

  // Decoded payload bytes so far.
  std::uint64_t decoded_size() const;
  // The trailer's checksum value (base64) once Finish() succeeded and a
  // trailer was declared.
  std::optional<std::string> trailer_checksum() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace awslab::auth

#endif  // AWSLAB_EMULATOR_AUTH_AWS_CHUNKED_H_
