#include "emulator/auth/aws_chunked.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace awslab::auth {
namespace {

using Mode = AwsChunkedDecoder::Mode;
using Trailers = std::vector<std::pair<std::string, std::string>>;

// The credentials and request of AWS's sigv4-streaming examples.
constexpr std::string_view kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr std::string_view kAmzDate = "20130524T000000Z";
constexpr std::string_view kSeed = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
// The seed of the sigv4-streaming-trailers example.
constexpr std::string_view kTrailerSeed =
    "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";

ChunkSigning Signing(std::string_view seed = kSeed) {
  sigv4::Scope scope{"20130524", "us-east-1", "s3"};
  ChunkSigning s;
  s.signing_key = sigv4::SigningKey(kSecret, scope);
  s.amz_date = std::string(kAmzDate);
  s.scope = scope;
  s.seed_signature = std::string(seed);
  return s;
}

std::string HexSize(std::size_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

// Encodes aws-chunked bodies as a client does, signing chunk by chunk.
class Encoder {
 public:
  explicit Encoder(Mode mode, ChunkSigning signing = Signing())
      : mode_(mode), signing_(std::move(signing)), previous_(signing_.seed_signature) {}

  std::string Chunk(std::string_view data) {
    std::string out = HexSize(data.size());
    if (mode_ != Mode::kUnsignedWithTrailer) out += ";chunk-signature=" + Sign(data);
    out += "\r\n";
    out += data;
    out += "\r\n";
    return out;
  }

  // The zero-length chunk and the trailer section.
  std::string Final(const Trailers& trailers = {}) {
    std::string out = "0";
    if (mode_ != Mode::kUnsignedWithTrailer) out += ";chunk-signature=" + Sign("");
    out += "\r\n";
    for (const auto& [name, value] : trailers) out += name + ":" + value + "\r\n";
    if (mode_ == Mode::kSignedWithTrailer) {
      Trailers sorted = trailers;
      std::sort(sorted.begin(), sorted.end());
      std::string canonical;
      for (const auto& [name, value] : sorted) canonical += name + ":" + value + "\n";
      const std::string sts = sigv4::TrailerStringToSign(
          signing_.amz_date, signing_.scope, previous_, crypto::Sha256Hex(canonical));
      out += "x-amz-trailer-signature:" + sigv4::Signature(signing_.signing_key, sts) + "\r\n";
    }
    out += "\r\n";
    return out;
  }

  std::string Encode(std::string_view payload, std::size_t chunk_size, const Trailers& trailers = {}) {
    std::string out;
    for (std::size_t pos = 0; pos < payload.size(); pos += chunk_size) {
      out += Chunk(payload.substr(pos, chunk_size));
    }
    out += Final(trailers);
    return out;
  }

 private:
  std::string Sign(std::string_view data) {
    const std::string sts = sigv4::ChunkStringToSign(signing_.amz_date, signing_.scope, previous_,
                                                     crypto::Sha256Hex(data));
    previous_ = sigv4::Signature(signing_.signing_key, sts);
    return previous_;
  }

  Mode mode_;
  ChunkSigning signing_;
  std::string previous_;
};

std::string ChecksumOf(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksum c(algorithm);
  c.Update(data);
  return c.FinishBase64();
}

std::string RandomPayload(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

enum class Split { kWhole, kBytes, kRandom };

struct Outcome {
  std::optional<ErrorCode> error;  // the first failure, of Feed or Finish
  std::string message;
  std::string payload;
  std::uint64_t decoded_size = 0;
  std::optional<std::string> trailer_checksum;
  bool failed_in_feed = false;
};

Outcome Decode(Mode mode, std::optional<ChecksumAlgorithm> trailer, std::string_view body,
               Split split = Split::kWhole, std::uint32_t seed = 0,
               std::optional<ChunkSigning> signing = Signing()) {
  AwsChunkedDecoder decoder(mode, trailer, std::move(signing));
  Outcome out;
  auto sink = [&](std::string_view data) { out.payload.append(data); };
  std::mt19937 rng(seed);
  std::size_t pos = 0;
  while (pos < body.size()) {
    std::size_t n = body.size() - pos;
    if (split == Split::kBytes) n = 1;
    if (split == Split::kRandom) {
      // Mostly tiny pieces (splitting lines and CRLFs), sometimes large ones.
      n = std::min<std::size_t>(n, rng() % 4 == 0 ? rng() % 9000 + 1 : rng() % 8 + 1);
    }
    Status st = decoder.Feed(body.substr(pos, n), sink);
    pos += n;
    if (!st) {
      out.error = st.error().code;
      out.message = std::string(st.error().Message());
      out.failed_in_feed = true;
      break;
    }
  }
  if (!out.error) {
    Status st = decoder.Finish();
    if (!st) {
      out.error = st.error().code;
      out.message = std::string(st.error().Message());
    }
  }
  out.decoded_size = decoder.decoded_size();
  out.trailer_checksum = decoder.trailer_checksum();
  return out;
}

// Decodes whole, one byte at a time and in random splits; the three must agree.
Outcome DecodeAllWays(Mode mode, std::optional<ChecksumAlgorithm> trailer, std::string_view body,
                      std::optional<ChunkSigning> signing = Signing()) {
  const Outcome whole = Decode(mode, trailer, body, Split::kWhole, 0, signing);
  const Outcome bytes = Decode(mode, trailer, body, Split::kBytes, 0, signing);
  EXPECT_EQ(bytes.error, whole.error);
  EXPECT_EQ(bytes.payload == whole.payload, true);
  EXPECT_EQ(bytes.trailer_checksum, whole.trailer_checksum);
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const Outcome random = Decode(mode, trailer, body, Split::kRandom, seed, signing);
    EXPECT_EQ(random.error, whole.error) << "seed " << seed;
    EXPECT_EQ(random.payload == whole.payload, true) << "seed " << seed;
    EXPECT_EQ(random.trailer_checksum, whole.trailer_checksum) << "seed " << seed;
  }
  return whole;
}

// The exact body of AWS's sigv4-streaming example.
std::string AwsSignedExampleBody() {
  return "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n";
}

// The exact body of AWS's sigv4-streaming-trailers example.
std::string AwsTrailerExampleBody() {
  return "10000;chunk-signature=b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2\r\n" +
         std::string(65536, 'a') +
         "\r\n400;chunk-signature=1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7\r\n" +
         std::string(1024, 'a') +
         "\r\n0;chunk-signature=2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992\r\n"
         "x-amz-checksum-crc32c:sOO8/Q==\r\n"
         "x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n"
         "\r\n";
}

// ---------------------------------------------------------------------------
// AWS's documented examples.

TEST(AwsChunkedDecoder, DecodesAwsDocumentedSignedExample) {
  const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, AwsSignedExampleBody());
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.payload, std::string(66560, 'a'));
  EXPECT_EQ(out.decoded_size, 66560u);
  EXPECT_EQ(out.trailer_checksum, std::nullopt);
}

TEST(AwsChunkedDecoder, DecodesAwsDocumentedSignedTrailerExample) {
  const Outcome out = DecodeAllWays(Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32c,
                                    AwsTrailerExampleBody(), Signing(kTrailerSeed));
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.payload, std::string(66560, 'a'));
  EXPECT_EQ(out.trailer_checksum, "sOO8/Q==");
}

TEST(AwsChunkedDecoder, EncoderHelperReproducesAwsExampleBodies) {
  Encoder signed_encoder(Mode::kSigned);
  EXPECT_EQ(signed_encoder.Encode(std::string(66560, 'a'), 65536) == AwsSignedExampleBody(), true);
  Encoder trailer_encoder(Mode::kSignedWithTrailer, Signing(kTrailerSeed));
  EXPECT_EQ(trailer_encoder.Encode(std::string(66560, 'a'), 65536,
                                   {{"x-amz-checksum-crc32c", "sOO8/Q=="}}) ==
                AwsTrailerExampleBody(),
            true);
}

TEST(AwsChunkedDecoder, DecodesWhatTheJavaScriptSdkSends) {
  const std::string payload = RandomPayload(65536 + 100, 7);
  const std::string body = "10000\r\n" + payload.substr(0, 65536) + "\r\n64\r\n" +
                           payload.substr(65536) + "\r\n0\r\nx-amz-checksum-crc32:" +
                           ChecksumOf(ChecksumAlgorithm::kCrc32, payload) + "\r\n\r\n";
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32, body);
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.payload == payload, true);
  EXPECT_EQ(out.trailer_checksum, ChecksumOf(ChecksumAlgorithm::kCrc32, payload));

  const Outcome empty = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32,
                                      "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
  EXPECT_EQ(empty.error, std::nullopt) << empty.message;
  EXPECT_EQ(empty.payload, "");
  EXPECT_EQ(empty.trailer_checksum, "AAAAAA==");
}

// ---------------------------------------------------------------------------
// Good bodies.

TEST(AwsChunkedDecoder, DecodesSignedBodiesOfManyShapes) {
  for (std::size_t size : {0, 1, 8191, 8192, 8193, 20000, 70000}) {
    for (std::size_t chunk : {8192, 10000, 65536}) {
      const std::string payload = RandomPayload(size, static_cast<std::uint32_t>(size));
      Encoder enc(Mode::kSigned);
      const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, enc.Encode(payload, chunk));
      EXPECT_EQ(out.error, std::nullopt) << size << "/" << chunk << ": " << out.message;
      EXPECT_EQ(out.payload == payload, true) << size << "/" << chunk;
      EXPECT_EQ(out.decoded_size, size);
    }
  }
}

TEST(AwsChunkedDecoder, DecodesSignedTrailerBodiesForEveryAlgorithm) {
  const std::string payload = RandomPayload(30000, 11);
  for (auto algorithm : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                         ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                         ChecksumAlgorithm::kSha256}) {
    const std::string sum = ChecksumOf(algorithm, payload);
    Encoder enc(Mode::kSignedWithTrailer);
    const std::string body =
        enc.Encode(payload, 8192, {{std::string(ChecksumHeaderName(algorithm)), sum}});
    const Outcome out = DecodeAllWays(Mode::kSignedWithTrailer, algorithm, body);
    EXPECT_EQ(out.error, std::nullopt) << ChecksumAlgorithmName(algorithm) << ": " << out.message;
    EXPECT_EQ(out.payload == payload, true);
    EXPECT_EQ(out.trailer_checksum, sum);
  }
}

TEST(AwsChunkedDecoder, DecodesUnsignedTrailerBodiesForEveryAlgorithm) {
  const std::string payload = RandomPayload(30000, 12);
  for (auto algorithm : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c,
                         ChecksumAlgorithm::kCrc64Nvme, ChecksumAlgorithm::kSha1,
                         ChecksumAlgorithm::kSha256}) {
    const std::string sum = ChecksumOf(algorithm, payload);
    // Unsigned chunks may be small: no 8 KiB minimum.
    for (std::size_t chunk : {1000, 65536}) {
      Encoder enc(Mode::kUnsignedWithTrailer);
      const std::string body =
          enc.Encode(payload, chunk, {{std::string(ChecksumHeaderName(algorithm)), sum}});
      const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, algorithm, body);
      EXPECT_EQ(out.error, std::nullopt) << ChecksumAlgorithmName(algorithm) << ": " << out.message;
      EXPECT_EQ(out.payload == payload, true);
      EXPECT_EQ(out.trailer_checksum, sum);
    }
  }
}

TEST(AwsChunkedDecoder, DecodesUnsignedBodyWithoutDeclaredTrailer) {
  const Outcome out =
      DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, "5\r\nhello\r\n0\r\n\r\n");
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.payload, "hello");
  EXPECT_EQ(out.trailer_checksum, std::nullopt);
}

TEST(AwsChunkedDecoder, AcceptsWhitespaceExtensionsAndCaseVariations) {
  const std::string payload = "hello world";
  const std::string sum = ChecksumOf(ChecksumAlgorithm::kCrc32, payload);
  const std::string body = "B ; foo=bar;baz\r\nhello world\r\n0;x=\"y\"\r\nX-Amz-Checksum-CRC32:  " +
                           sum + " \r\n\r\n";
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32, body);
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.payload, payload);
  EXPECT_EQ(out.trailer_checksum, sum);

  // A signed size line with spaces around the extension and an uppercase size.
  std::string signed_body = AwsSignedExampleBody();
  const std::string first = "10000;chunk-signature=";
  signed_body.replace(0, first.size(), "0010000 ; chunk-signature = ");
  const Outcome signed_out = DecodeAllWays(Mode::kSigned, std::nullopt, signed_body);
  EXPECT_EQ(signed_out.error, std::nullopt) << signed_out.message;
  EXPECT_EQ(signed_out.decoded_size, 66560u);
}

TEST(AwsChunkedDecoder, StreamsDataToTheSinkBeforeTheChunkEnds) {
  const std::string body = AwsSignedExampleBody();
  AwsChunkedDecoder decoder(Mode::kSigned, std::nullopt, Signing());
  std::size_t received = 0;
  auto sink = [&](std::string_view data) { received += data.size(); };
  // The size line (88 bytes with CRLF) and 1000 bytes of the first chunk.
  ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(0, 88 + 1000), sink));
  EXPECT_EQ(received, 1000u);
  EXPECT_EQ(decoder.decoded_size(), 1000u);
  ASSERT_TRUE(decoder.Feed(std::string_view(body).substr(88 + 1000), sink));
  EXPECT_TRUE(decoder.Finish());
  EXPECT_EQ(received, 66560u);
}

// ---------------------------------------------------------------------------
// Truncation.

void ExpectEveryProperPrefixIncomplete(Mode mode, std::optional<ChecksumAlgorithm> trailer,
                                       const std::string& body) {
  for (std::size_t cut = 0; cut < body.size(); ++cut) {
    const Outcome out = Decode(mode, trailer, std::string_view(body).substr(0, cut));
    ASSERT_EQ(out.error, ErrorCode::kIncompleteBody) << "cut at " << cut << ": " << out.message;
    ASSERT_FALSE(out.failed_in_feed) << "cut at " << cut;
    ASSERT_EQ(out.trailer_checksum, std::nullopt);
  }
  EXPECT_EQ(Decode(mode, trailer, body).error, std::nullopt);
}

TEST(AwsChunkedDecoder, EveryTruncatedSignedBodyIsIncomplete) {
  Encoder enc(Mode::kSigned);
  ExpectEveryProperPrefixIncomplete(Mode::kSigned, std::nullopt,
                                    enc.Encode(RandomPayload(8192 + 50, 21), 8192));
}

TEST(AwsChunkedDecoder, EveryTruncatedSignedTrailerBodyIsIncomplete) {
  const std::string payload = RandomPayload(8192 + 50, 22);
  Encoder enc(Mode::kSignedWithTrailer);
  ExpectEveryProperPrefixIncomplete(
      Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32,
      enc.Encode(payload, 8192,
                 {{"x-amz-checksum-crc32", ChecksumOf(ChecksumAlgorithm::kCrc32, payload)}}));
}

TEST(AwsChunkedDecoder, EveryTruncatedUnsignedTrailerBodyIsIncomplete) {
  const std::string payload = RandomPayload(300, 23);
  Encoder enc(Mode::kUnsignedWithTrailer);
  ExpectEveryProperPrefixIncomplete(
      Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kSha256,
      enc.Encode(payload, 100,
                 {{"x-amz-checksum-sha256", ChecksumOf(ChecksumAlgorithm::kSha256, payload)}}));
}

TEST(AwsChunkedDecoder, BodiesCutAtNamedPositionsAreIncomplete) {
  const std::string body = AwsSignedExampleBody();
  const std::size_t final_line = body.rfind("0;chunk-signature");
  const std::vector<std::pair<std::string, std::size_t>> cuts = {
      {"empty", 0},
      {"inside the first size line", 10},
      {"after the size line's CR", 87},
      {"inside data", 88 + 30000},
      {"between data and its CRLF", 88 + 65536},
      {"between CR and LF after data", 88 + 65537},
      {"inside the final size line", final_line + 5},
      {"before the final CRLF", body.size() - 2},
      {"before the final LF", body.size() - 1},
  };
  for (const auto& [what, cut] : cuts) {
    const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, body.substr(0, cut));
    EXPECT_EQ(out.error, ErrorCode::kIncompleteBody) << what;
  }

  const std::string trailer_body = AwsTrailerExampleBody();
  const std::size_t signature_line = trailer_body.find("x-amz-trailer-signature");
  for (std::size_t cut : {trailer_body.find("x-amz-checksum-crc32c") + 3, signature_line,
                          trailer_body.size() - 2, trailer_body.size() - 1}) {
    const Outcome out = DecodeAllWays(Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32c,
                                      trailer_body.substr(0, cut), Signing(kTrailerSeed));
    EXPECT_EQ(out.error, ErrorCode::kIncompleteBody) << "cut at " << cut;
  }

  // Before the blank line that ends the trailer section.
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32,
                                    "0\r\nx-amz-checksum-crc32:AAAAAA==\r\n");
  EXPECT_EQ(out.error, ErrorCode::kIncompleteBody);
}

// ---------------------------------------------------------------------------
// Signatures.

TEST(AwsChunkedDecoder, RejectsATamperedChunkByte) {
  for (std::size_t offset : {88u, 88u + 40000u, 88u + 65535u, 88u + 65536u + 2u + 90u + 7u}) {
    std::string body = AwsSignedExampleBody();
    body[offset] = 'b';
    const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, body);
    EXPECT_EQ(out.error, ErrorCode::kSignatureDoesNotMatch) << "offset " << offset;
    EXPECT_TRUE(out.failed_in_feed);
  }
}

TEST(AwsChunkedDecoder, RejectsAWrongChunkSignature) {
  const std::string good = AwsSignedExampleBody();
  for (std::string_view sig : {"ad80c730", "0055627c", "b6c6ea8a"}) {
    std::string body = good;
    const std::size_t at = body.find(sig);
    body[at] = body[at] == '0' ? '1' : '0';
    const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, body);
    EXPECT_EQ(out.error, ErrorCode::kSignatureDoesNotMatch) << sig;
  }
  // A signature chained from another seed.
  const Outcome out =
      DecodeAllWays(Mode::kSigned, std::nullopt, AwsSignedExampleBody(), Signing(kTrailerSeed));
  EXPECT_EQ(out.error, ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, RejectsSwappedChunks) {
  // Two valid chunks in the wrong order break the chain.
  Encoder enc(Mode::kSigned);
  const std::string a = enc.Chunk(std::string(8192, 'x'));
  const std::string b = enc.Chunk(std::string(8192, 'y'));
  const std::string body = b + a + enc.Final();
  EXPECT_EQ(DecodeAllWays(Mode::kSigned, std::nullopt, body).error,
            ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, RejectsAMissingChunkSignature) {
  const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, "0\r\n\r\n");
  EXPECT_TRUE(out.error.has_value());
  EXPECT_NE(out.error, ErrorCode::kIncompleteBody);
}

TEST(AwsChunkedDecoder, RejectsAWrongTrailerSignature) {
  std::string body = AwsTrailerExampleBody();
  const std::size_t at = body.find("d81f82fc");
  body[at] = 'e';
  const Outcome out = DecodeAllWays(Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32c, body,
                                    Signing(kTrailerSeed));
  EXPECT_EQ(out.error, ErrorCode::kSignatureDoesNotMatch);

  // The right signature over a different trailer value.
  body = AwsTrailerExampleBody();
  body.replace(body.find("sOO8/Q=="), 8, "AAAAAA==");
  EXPECT_EQ(DecodeAllWays(Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32c, body,
                          Signing(kTrailerSeed))
                .error,
            ErrorCode::kSignatureDoesNotMatch);
}

TEST(AwsChunkedDecoder, RejectsAMissingTrailerSignature) {
  std::string body = AwsTrailerExampleBody();
  const std::size_t at = body.find("x-amz-trailer-signature");
  body.erase(at, body.size() - 2 - at);
  const Outcome out = DecodeAllWays(Mode::kSignedWithTrailer, ChecksumAlgorithm::kCrc32c, body,
                                    Signing(kTrailerSeed));
  EXPECT_EQ(out.error, ErrorCode::kMalformedTrailerError);
}

TEST(AwsChunkedDecoder, RejectsASignedModeWithoutSigningContext) {
  const Outcome out = Decode(Mode::kSigned, std::nullopt, AwsSignedExampleBody(), Split::kWhole, 0,
                             std::nullopt);
  EXPECT_TRUE(out.error.has_value());
  EXPECT_EQ(out.payload, "");
}

// ---------------------------------------------------------------------------
// Checksums and trailers.

TEST(AwsChunkedDecoder, RejectsAWrongTrailerChecksumAsBadDigest) {
  const std::string payload = RandomPayload(20000, 31);
  Encoder unsigned_enc(Mode::kUnsignedWithTrailer);
  const Outcome out = DecodeAllWays(
      Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32,
      unsigned_enc.Encode(payload, 65536, {{"x-amz-checksum-crc32", "AAAAAA=="}}));
  EXPECT_EQ(out.error, ErrorCode::kBadDigest);
  EXPECT_EQ(out.message, "The CRC32 you specified did not match the calculated checksum.");
  EXPECT_EQ(out.trailer_checksum, std::nullopt);

  // Correctly signed, but the checksum is of other data.
  Encoder signed_enc(Mode::kSignedWithTrailer);
  const Outcome signed_out = DecodeAllWays(
      Mode::kSignedWithTrailer, ChecksumAlgorithm::kSha256,
      signed_enc.Encode(payload, 8192,
                        {{"x-amz-checksum-sha256", ChecksumOf(ChecksumAlgorithm::kSha256, "x")}}));
  EXPECT_EQ(signed_out.error, ErrorCode::kBadDigest);
  EXPECT_EQ(signed_out.message, "The SHA256 you specified did not match the calculated checksum.");
}

TEST(AwsChunkedDecoder, RejectsMalformedTrailers) {
  const std::string sum = ChecksumOf(ChecksumAlgorithm::kCrc32, "hello");
  const std::vector<std::pair<std::string, std::string>> sections = {
      {"no colon", "x-amz-checksum-crc32 " + sum + "\r\n\r\n"},
      {"empty name", ":" + sum + "\r\n\r\n"},
      {"space in name", "x-amz checksum:" + sum + "\r\n\r\n"},
      {"undeclared trailer", "x-amz-checksum-crc32c:AAAAAA==\r\n\r\n"},
      {"extra trailer", "x-amz-checksum-crc32:" + sum + "\r\nx-foo:bar\r\n\r\n"},
      {"duplicate trailer", "x-amz-checksum-crc32:" + sum + "\r\nx-amz-checksum-crc32:" + sum +
                                "\r\n\r\n"},
      {"declared trailer missing", "\r\n"},
      {"signature in unsigned mode",
       "x-amz-checksum-crc32:" + sum + "\r\nx-amz-trailer-signature:abc\r\n\r\n"},
  };
  for (const auto& [what, section] : sections) {
    const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32,
                                      "5\r\nhello\r\n0\r\n" + section);
    EXPECT_EQ(out.error, ErrorCode::kMalformedTrailerError) << what << ": " << out.message;
  }
  // The plain signed mode has no trailer section.
  Encoder enc(Mode::kSigned);
  std::string body = enc.Encode("hello", 8192);
  body.insert(body.size() - 2, "x-amz-checksum-crc32:" + sum + "\r\n");
  EXPECT_EQ(DecodeAllWays(Mode::kSigned, std::nullopt, body).error,
            ErrorCode::kMalformedTrailerError);
}

TEST(AwsChunkedDecoder, RejectsAnOversizeTrailerLine) {
  const std::string body = "0\r\nx-amz-checksum-crc32:" + std::string(5000, 'A');
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32, body);
  EXPECT_EQ(out.error, ErrorCode::kMalformedTrailerError);
  EXPECT_TRUE(out.failed_in_feed);
}

TEST(AwsChunkedDecoder, RejectsTooManyTrailerLines) {
  std::string body = "0\r\n";
  for (int i = 0; i < 1000; ++i) body += "x-amz-checksum-crc32:AAAAAA==\r\n";
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, ChecksumAlgorithm::kCrc32, body);
  EXPECT_EQ(out.error, ErrorCode::kMalformedTrailerError);
  EXPECT_TRUE(out.failed_in_feed);
}

// ---------------------------------------------------------------------------
// Framing.

TEST(AwsChunkedDecoder, RejectsASmallNonFinalSignedChunk) {
  Encoder enc(Mode::kSigned);
  std::string body = enc.Chunk(std::string(8191, 'a'));
  body += enc.Chunk(std::string(8192, 'b'));
  body += enc.Final();
  const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, body);
  EXPECT_EQ(out.error, ErrorCode::kInvalidChunkSizeError);

  Encoder trailer_enc(Mode::kSignedWithTrailer);
  body = trailer_enc.Chunk("tiny");
  body += trailer_enc.Chunk("tiny");
  body += trailer_enc.Final();
  EXPECT_EQ(DecodeAllWays(Mode::kSignedWithTrailer, std::nullopt, body).error,
            ErrorCode::kInvalidChunkSizeError);
}

TEST(AwsChunkedDecoder, AcceptsASmallLastSignedChunk) {
  Encoder enc(Mode::kSigned);
  std::string body = enc.Chunk(std::string(8192, 'a'));
  body += enc.Chunk("z");
  body += enc.Final();
  const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, body);
  EXPECT_EQ(out.error, std::nullopt) << out.message;
  EXPECT_EQ(out.decoded_size, 8193u);
}

TEST(AwsChunkedDecoder, RejectsDataAfterTheFinalChunk) {
  for (std::string extra : {"x", "\r\n", "0\r\n\r\n"}) {
    const Outcome out = DecodeAllWays(Mode::kSigned, std::nullopt, AwsSignedExampleBody() + extra);
    EXPECT_EQ(out.error, ErrorCode::kInvalidArgument) << extra;
    EXPECT_TRUE(out.failed_in_feed);
  }
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, "0\r\n\r\n0\r\n\r\n");
  EXPECT_EQ(out.error, ErrorCode::kInvalidArgument);
}

TEST(AwsChunkedDecoder, RejectsAnOversizeSizeLine) {
  // Fails as soon as the line passes the bound, without waiting for its end.
  const std::string body = "1;" + std::string(5000, 'x');
  const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, body);
  EXPECT_EQ(out.error, ErrorCode::kInvalidArgument);
  EXPECT_TRUE(out.failed_in_feed);
  // A size too large for 64 bits.
  EXPECT_EQ(DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, "10000000000000000\r\n").error,
            ErrorCode::kInvalidArgument);
}

TEST(AwsChunkedDecoder, RejectsBadSizeLines) {
  for (std::string body : {"\r\n", "xyz\r\n", "-5\r\nhello\r\n", "5 x\r\nhello\r\n",
                           "0x5\r\nhello\r\n", "5;\r\nhello\r\n", "5\rX\nhello\r\n"}) {
    const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, body);
    EXPECT_EQ(out.error, ErrorCode::kInvalidArgument) << body;
  }
}

TEST(AwsChunkedDecoder, RejectsAMissingCrlfAfterData) {
  for (std::string body : {"5\r\nhelloX\r\n0\r\n\r\n", "5\r\nhello\rX0\r\n\r\n",
                           "5\r\nhello\n0\r\n\r\n", "4\r\nhello\r\n0\r\n\r\n"}) {
    const Outcome out = DecodeAllWays(Mode::kUnsignedWithTrailer, std::nullopt, body);
    EXPECT_EQ(out.error, ErrorCode::kInvalidArgument) << body;
  }
}

TEST(AwsChunkedDecoder, StaysFailedAfterAnError) {
  AwsChunkedDecoder decoder(Mode::kUnsignedWithTrailer, std::nullopt, std::nullopt);
  auto sink = [](std::string_view) {};
  Status st = decoder.Feed("zz\r\n", sink);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  // Even a valid continuation is refused with the same error.
  Status again = decoder.Feed("0\r\n\r\n", sink);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::kInvalidArgument);
  Status empty = decoder.Feed("", sink);
  EXPECT_FALSE(empty);
  Status finish = decoder.Finish();
  ASSERT_FALSE(finish);
  EXPECT_EQ(finish.error().code, ErrorCode::kInvalidArgument);
}

// ---------------------------------------------------------------------------
// Splitting.

TEST(AwsChunkedDecoder, GivesTheSameResultForAnySplitOfTheBody) {
  std::mt19937 rng(99);
  for (int round = 0; round < 12; ++round) {
    const std::size_t size = rng() % 40000;
    const std::size_t chunk = 8192 + rng() % 20000;
    const std::string payload = RandomPayload(size, rng());
    const Mode mode = static_cast<Mode>(round % 3);
    const auto algorithm = static_cast<ChecksumAlgorithm>(rng() % 5);
    const std::optional<ChecksumAlgorithm> trailer =
        mode == Mode::kSigned ? std::nullopt : std::optional(algorithm);
    Trailers trailers;
    if (trailer) {
      trailers = {{std::string(ChecksumHeaderName(algorithm)), ChecksumOf(algorithm, payload)}};
    }
    Encoder enc(mode);
    std::string body = enc.Encode(payload, chunk, trailers);
    // Every other round, corrupt one byte somewhere: the outcome, good or
    // bad, must not depend on how the body is split.
    if (round % 2 == 1) body[rng() % body.size()] ^= 0x20;
    const Outcome out = DecodeAllWays(mode, trailer, body);
    if (round % 2 == 0) {
      EXPECT_EQ(out.error, std::nullopt) << "round " << round << ": " << out.message;
      EXPECT_EQ(out.payload == payload, true) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace awslab::auth
