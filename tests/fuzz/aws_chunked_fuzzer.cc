// The aws-chunked decoder (emulator/auth/aws_chunked.h) on arbitrary bodies,
// in each of its three modes, fed in pieces whose sizes come from the input
// too: framing, sizes, signatures and trailers from an attacker's upload.
// What it checks besides memory safety: the decoder never hands out more
// bytes than it was fed, and once failed it stays failed.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "emulator/auth/aws_chunked.h"

using awslab::auth::AwsChunkedDecoder;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::uint8_t mode_byte = data[0];
  const std::uint8_t piece_byte = data[1];
  std::string_view body(reinterpret_cast<const char*>(data + 2), size - 2);

  AwsChunkedDecoder::Mode mode = AwsChunkedDecoder::Mode::kUnsignedWithTrailer;
  if (mode_byte % 3 == 1) mode = AwsChunkedDecoder::Mode::kSigned;
  if (mode_byte % 3 == 2) mode = AwsChunkedDecoder::Mode::kSignedWithTrailer;
  std::optional<awslab::auth::ChecksumAlgorithm> trailer;
  if (mode != AwsChunkedDecoder::Mode::kSigned && (mode_byte & 4))
    trailer = (mode_byte & 8) ? awslab::auth::ChecksumAlgorithm::kSha256
                              : awslab::auth::ChecksumAlgorithm::kCrc32;
  std::optional<awslab::auth::ChunkSigning> signing;
  if (mode != AwsChunkedDecoder::Mode::kUnsignedWithTrailer) {
    awslab::sigv4::Scope scope{"20130524", "us-east-1", "s3"};
    signing = awslab::auth::ChunkSigning{
        awslab::sigv4::SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", scope),
        "20130524T000000Z", scope,
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"};
  }
  AwsChunkedDecoder decoder(mode, trailer, signing);

  const std::size_t piece = 1 + piece_byte % 64;
  std::uint64_t fed = 0, out = 0;
  bool failed = false;
  for (std::size_t at = 0; at < body.size(); at += piece) {
    std::string_view part = body.substr(at, piece);
    fed += part.size();
    awslab::Status st = decoder.Feed(part, [&](std::string_view bytes) { out += bytes.size(); });
    if (out > fed) std::abort();  // more out than in
    if (failed && st) std::abort();  // a failed decoder must stay failed
    if (!st) failed = true;
  }
  awslab::Status end = decoder.Finish();
  if (failed && end) std::abort();
  if (decoder.decoded_size() != out) std::abort();
  return 0;
}
