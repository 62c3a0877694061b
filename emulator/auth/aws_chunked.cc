#include "emulator/auth/aws_chunked.h"

#include <algorithm>
#include <cstring>

namespace awslab::auth {

namespace {

// Longest line (size line or trailer line, CRLF included) the decoder keeps.
// A chunk-signature size line is about 90 bytes and a trailer line about 80.
constexpr std::size_t kMaxLine = 4096;
// Most lines the trailer section may hold (the checksum, the signature and
// some slack for liberal clients).
constexpr std::size_t kMaxTrailerLines = 16;
// Signed chunks other than the last data chunk must hold at least this much.
constexpr std::uint64_t kMinSignedChunk = 8192;

constexpr std::string_view kChunkSignature = "chunk-signature";
constexpr std::string_view kTrailerSignature = "x-amz-trailer-signature";

bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

char ToLowerAscii(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ToLowerAscii(c);
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 9110 token characters, for trailer field names.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

Error Framing(std::string message) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(message));
}

Error MalformedTrailer(std::string message) {
  return MakeError(ErrorCode::kMalformedTrailerError, std::move(message));
}

// A parsed size line: "<hex>[;ext[=value]]...". Only chunk-signature is
// interpreted; other extensions are accepted and ignored.
struct SizeLine {
  std::uint64_t size = 0;
  std::optional<std::string_view> signature;
};

Result<SizeLine> ParseSizeLine(std::string_view line) {
  line = TrimOws(line);
  SizeLine out;
  std::size_t i = 0;
  int significant = 0;
  while (i < line.size() && HexValue(line[i]) >= 0) {
    const int v = HexValue(line[i]);
    if (significant > 0 || v != 0) {
      if (++significant > 16) return Framing("Chunk size is too large.");
      out.size = (out.size << 4) | static_cast<std::uint64_t>(v);
    }
    ++i;
  }
  if (i == 0) return Framing("Invalid chunk size line: no hexadecimal size.");
  std::string_view rest = TrimOws(line.substr(i));
  while (!rest.empty()) {
    if (rest.front() != ';') return Framing("Invalid chunk size line.");
    rest.remove_prefix(1);
    const std::size_t end = rest.find(';');
    std::string_view ext = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    std::string_view name = ext;
    std::string_view value;
    if (const std::size_t eq = ext.find('='); eq != std::string_view::npos) {
      name = ext.substr(0, eq);
      value = TrimOws(ext.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
    }
    name = TrimOws(name);
    if (name.empty()) return Framing("Invalid chunk extension.");
    if (EqualsIgnoreCase(name, kChunkSignature)) {
      if (out.signature) return Framing("Duplicate chunk-signature.");
      out.signature = value;
    }
  }
  return out;
}

}  // namespace

struct AwsChunkedDecoder::State {
  enum class Phase { kSizeLine, kData, kDataCr, kDataLf, kTrailer, kDone, kFailed };

  Mode mode;
  std::optional<ChecksumAlgorithm> trailer;  // nullopt in kSigned mode
  std::optional<ChunkSigning> signing;
  bool signed_mode = false;

  Phase phase = Phase::kSizeLine;
  std::optional<Error> error;

  // The partial line being read (size or trailer line), bounded by kMaxLine.
  std::string line;
  // Data bytes left in the current chunk.
  std::uint64_t remaining = 0;
  std::uint64_t decoded = 0;
  // Whether a data chunk has been seen and the last one was under 8 KiB
  // (allowed only for the last data chunk in the signed modes).
  bool previous_chunk_small = false;

  // Signed modes: the signature the current chunk claims, the running hash
  // of its data, and the signature of the previous chunk (the seed first).
  std::string chunk_signature;
  std::optional<crypto::Digest> chunk_hash;
  std::string previous_signature;

  std::optional<Checksum> checksum;
  std::vector<std::pair<std::string, std::string>> trailer_lines;  // lowercase name, trimmed value
  std::optional<std::string> trailer_checksum;

  Status Fail(Error e) {
    phase = Phase::kFailed;
    error = e;
    return e;
  }

  Status VerifyChunkSignature(std::string_view data_sha256_hex) {
    const std::string sts = sigv4::ChunkStringToSign(signing->amz_date, signing->scope,
                                                     previous_signature, data_sha256_hex);
    std::string expected = sigv4::Signature(signing->signing_key, sts);
    if (!crypto::ConstantTimeEquals(expected, chunk_signature)) {
      return MakeError(ErrorCode::kSignatureDoesNotMatch,
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your key and signing method.");
    }
    previous_signature = std::move(expected);
    return Ok();
  }

  Status OnSizeLine(std::string_view text) {
    auto parsed = ParseSizeLine(text);
    if (!parsed) return parsed.error();
    const SizeLine& sl = *parsed;
    if (signed_mode) {
      if (!sl.signature) return Framing("Missing chunk-signature in chunk size line.");
      chunk_signature.assign(sl.signature->data(), sl.signature->size());
      if (sl.size > 0 && previous_chunk_small) {
        return MakeError(ErrorCode::kInvalidChunkSizeError);
      }
    }
    if (sl.size == 0) {
      if (signed_mode) {
        if (Status st = VerifyChunkSignature(sigv4::kEmptySha256); !st) return st;
      }
      phase = Phase::kTrailer;
      return Ok();
    }
    previous_chunk_small = sl.size < kMinSignedChunk;
    remaining = sl.size;
    if (signed_mode) chunk_hash.emplace(crypto::Digest::Kind::kSha256);
    phase = Phase::kData;
    return Ok();
  }

  Status OnDataEnd() {
    if (signed_mode) {
      const std::string digest = chunk_hash->Finish();
      chunk_hash.reset();
      if (Status st = VerifyChunkSignature(crypto::Hex(digest.data(), digest.size())); !st)
        return st;
    }
    phase = Phase::kDataCr;
    return Ok();
  }

  Status OnTrailerLine(std::string_view text) {
    if (text.empty()) return OnTrailerEnd();
    if (mode == Mode::kSigned) return MalformedTrailer("Unexpected data after the final chunk.");
    if (trailer_lines.size() >= kMaxTrailerLines) return MalformedTrailer("Too many trailers.");
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos) return MalformedTrailer("Trailer line without ':'.");
    const std::string_view name = TrimOws(text.substr(0, colon));
    if (name.empty() || !std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return MalformedTrailer("Invalid trailer name.");
    }
    trailer_lines.emplace_back(ToLower(name), std::string(TrimOws(text.substr(colon + 1))));
    return Ok();
  }

  Status OnTrailerEnd() {
    // Split the signature off the checksum trailers.
    std::optional<std::string> trailer_signature;
    std::vector<std::pair<std::string, std::string>> headers;
    for (auto& [name, value] : trailer_lines) {
      if (name == kTrailerSignature) {
        if (mode != Mode::kSignedWithTrailer)
          return MalformedTrailer("Unexpected x-amz-trailer-signature.");
        if (trailer_signature) return MalformedTrailer("Duplicate x-amz-trailer-signature.");
        trailer_signature = value;
      } else {
        headers.emplace_back(name, value);
      }
    }
    if (mode == Mode::kSignedWithTrailer) {
      if (!trailer_signature) return MalformedTrailer("Missing x-amz-trailer-signature.");
      // The canonical trailer: "name:value\n" per header, sorted by name.
      std::vector<std::pair<std::string, std::string>> sorted = headers;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string canonical;
      for (const auto& [name, value] : sorted) {
        canonical += name;
        canonical += ':';
        canonical += value;
        canonical += '\n';
      }
      const std::string sts =
          sigv4::TrailerStringToSign(signing->amz_date, signing->scope, previous_signature,
                                     crypto::Sha256Hex(canonical));
      const std::string expected = sigv4::Signature(signing->signing_key, sts);
      if (!crypto::ConstantTimeEquals(expected, *trailer_signature)) {
        return MakeError(ErrorCode::kSignatureDoesNotMatch,
                         "The trailer signature we calculated does not match the signature you "
                         "provided.");
      }
    }
    const std::string_view declared = trailer ? ChecksumHeaderName(*trailer) : std::string_view();
    const std::string* sent = nullptr;
    for (const auto& [name, value] : headers) {
      if (name != declared) {
        return MalformedTrailer("Trailer " + name + " was not declared in x-amz-trailer.");
      }
      if (sent) return MalformedTrailer("Duplicate trailer " + name + ".");
      sent = &value;
    }
    if (trailer) {
      if (!sent) {
        return MalformedTrailer("The trailer " + std::string(declared) +
                                " declared in x-amz-trailer is missing.");
      }
      std::string computed = checksum->FinishBase64();
      if (computed != *sent) {
        return MakeError(ErrorCode::kBadDigest,
                         "The " + std::string(ChecksumAlgorithmName(*trailer)) +
                             " you specified did not match the calculated checksum.");
      }
      trailer_checksum = std::move(computed);
    }
    phase = Phase::kDone;
    return Ok();
  }

  // Appends to `line` the bytes of `in` up to and including the next LF.
  // Returns true with the line complete (CR LF or LF stripped), false when
  // `in` ended first; fails when the line would exceed kMaxLine.
  Result<bool> ReadLine(std::string_view& in, bool is_trailer) {
    const std::size_t lf = in.find('\n');
    const std::size_t take = lf == std::string_view::npos ? in.size() : lf + 1;
    if (line.size() + take > kMaxLine) {
      return is_trailer ? MalformedTrailer("Trailer line too long.")
                        : Framing("Chunk size line too long.");
    }
    line.append(in.data(), take);
    in.remove_prefix(take);
    if (lf == std::string_view::npos) return false;
    line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return true;
  }

  Status Feed(std::string_view in, const std::function<void(std::string_view)>& sink) {
    while (!in.empty()) {
      switch (phase) {
        case Phase::kFailed:
          return *error;
        case Phase::kDone:
          return Fail(Framing("Unexpected data after the final chunk."));
        case Phase::kSizeLine:
        case Phase::kTrailer: {
          const bool is_trailer = phase == Phase::kTrailer;
          auto complete = ReadLine(in, is_trailer);
          if (!complete) return Fail(complete.error());
          if (!*complete) break;
          Status st = is_trailer ? OnTrailerLine(line) : OnSizeLine(line);
          line.clear();
          if (!st) return Fail(st.error());
          break;
        }
        case Phase::kData: {
          const std::size_t n =
              static_cast<std::size_t>(std::min<std::uint64_t>(remaining, in.size()));
          const std::string_view data = in.substr(0, n);
          in.remove_prefix(n);
          remaining -= n;
          decoded += n;
          if (chunk_hash) chunk_hash->Update(data);
          if (checksum) checksum->Update(data);
          sink(data);
          if (remaining == 0) {
            if (Status st = OnDataEnd(); !st) return Fail(st.error());
          }
          break;
        }
        case Phase::kDataCr:
          if (in.front() != '\r') return Fail(Framing("Missing CRLF after chunk data."));
          in.remove_prefix(1);
          phase = Phase::kDataLf;
          break;
        case Phase::kDataLf:
          if (in.front() != '\n') return Fail(Framing("Missing CRLF after chunk data."));
          in.remove_prefix(1);
          phase = Phase::kSizeLine;
          break;
      }
    }
    if (phase == Phase::kFailed) return *error;
    return Ok();
  }
};

AwsChunkedDecoder::AwsChunkedDecoder(Mode mode, std::optional<ChecksumAlgorithm> trailer,
                                     std::optional<ChunkSigning> signing)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.mode = mode;
  s.signed_mode = mode != Mode::kUnsignedWithTrailer;
  // The plain signed mode has no trailer section: a declared trailer cannot
  // be sent, so it is not expected.
  if (mode != Mode::kSigned) s.trailer = trailer;
  if (s.trailer) s.checksum.emplace(*s.trailer);
  if (s.signed_mode) {
    if (signing) {
      s.signing = std::move(signing);
      s.previous_signature = s.signing->seed_signature;
    } else {
      s.Fail(MakeError(ErrorCode::kInternalError, "aws-chunked: signed mode without signing key"));
    }
  }
}

AwsChunkedDecoder::~AwsChunkedDecoder() = default;

Status AwsChunkedDecoder::Feed(std::string_view encoded,
                               const std::function<void(std::string_view)>& sink) {
  return state_->Feed(encoded, sink);
}

Status AwsChunkedDecoder::Finish() {
  State& s = *state_;
  switch (s.phase) {
    case State::Phase::kDone:
      return Ok();
    case State::Phase::kFailed:
      return *s.error;
    default:
      return s.Fail(MakeError(ErrorCode::kIncompleteBody,
                              "The aws-chunked body ended before its final chunk and trailers."));
  }
}

std::uint64_t AwsChunkedDecoder::decoded_size() const { return state_->decoded; }

std::optional<std::string> AwsChunkedDecoder::trailer_checksum() const {
  if (state_->phase != State::Phase::kDone) return std::nullopt;
  return state_->trailer_checksum;
}

}  // namespace awslab::auth
