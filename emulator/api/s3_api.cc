#include "emulator/api/s3_api.h"
#include "emulator/base/strings.h"
#include "emulator/api/s3_internal.h"


#include <charconv>
#include <functional>
#include <optional>

#include "client/include/awslab/crypto.h"
#include "emulator/auth/aws_chunked.h"
#include "emulator/auth/checksum.h"
#include "emulator/base/clock.h"
#include "emulator/base/spare_buffers.h"
#include "emulator/protocol/acl_xml.h"
#include "emulator/protocol/s3_xml.h"
#include "emulator/s3/versioning.h"
#include "emulator/storage/staged_body.h"

namespace awslab::api {
namespace internal {

using protocol::Request;
using protocol::Response;

Response Xml(int status, std::string body) {
  Response r;
  r.status = status;
  r.SetHeader("Content-Type", "application/xml");
  r.body = std::move(body);
  return r;
}

Response Empty(int status) {
  Response r;
  r.status = status;
  return r;
}

namespace {
// An exchange whose answer is known before any body.
class FixedExchange final : public Exchange {
 public:
  explicit FixedExchange(Response response) { early = std::move(response); }
  bool OnBody(std::string_view) override { return false; }
  Response Finish(bool) override { return std::move(*early); }
};
}  // namespace

Response BufferedExchange::Finish(bool complete) {
  if (!complete) return S3Api::ErrorResponse(MakeError(ErrorCode::kIncompleteBody), request_);
  return handler_(body_);
}

std::unique_ptr<Exchange> Fixed(Response response) {
  return std::make_unique<FixedExchange>(std::move(response));
}

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

Error InvalidArgument(std::string message, std::string_view name, std::string_view value) {
  Error e = MakeError(ErrorCode::kInvalidArgument, std::move(message));
  e.details.emplace_back("ArgumentName", std::string(name));
  e.details.emplace_back("ArgumentValue", std::string(value));
  return e;
}

std::string QueryValue(const Request& request, std::string_view name) {
  const std::string* v = request.Query(name);
  return v ? *v : std::string();
}

Result<int> MaxValue(const Request& request, std::string_view name, int cap) {
  if (!request.HasQuery(name)) return cap;
  std::string v = QueryValue(request, name);
  auto n = ParseU64(v);
  if (!n)
    return InvalidArgument("Provided " + std::string(name) +
                               " not an integer or within integer range",
                           name, v);
  return static_cast<int>(std::min<std::uint64_t>(*n, static_cast<std::uint64_t>(cap)));
}

Result<bool> UrlEncoding(const Request& request) {
  std::string encoding = QueryValue(request, "encoding-type");
  if (!encoding.empty() && encoding != "url")
    return InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type",
                           encoding);
  return encoding == "url";
}

Status CheckRequiredBodyDigest(const Request& request, std::string_view body) {
  // PutBucketCors and DeleteObjects: "Content-MD5 ... must be used as a
  // message integrity check"; SDKs that use flexible checksums send
  // x-amz-checksum-* instead, which S3 accepts.
  const std::string* md5 = request.Header("content-md5");
  bool has_checksum = false;
  for (const auto& h : request.raw.headers)
    has_checksum |= auth::ChecksumAlgorithmFromHeader(h.name).has_value();
  if (!md5 && !has_checksum)
    return MakeError(ErrorCode::kInvalidRequest,
                     "Missing required header for this request: Content-MD5");
  if (md5) {
    auto raw = crypto::Base64Decode(*md5);
    if (!raw || raw->size() != 16) return MakeError(ErrorCode::kInvalidDigest);
    crypto::Digest d(crypto::Digest::Kind::kMd5);
    d.Update(body);
    if (d.Finish() != *raw) return MakeError(ErrorCode::kBadDigest);
  }
  for (const auto& h : request.raw.headers) {
    if (auto alg = auth::ChecksumAlgorithmFromHeader(h.name)) {
      auth::Checksum c(*alg);
      c.Update(body);
      if (c.FinishBase64() != h.value)
        return MakeError(ErrorCode::kBadDigest,
                         "The " + std::string(auth::ChecksumAlgorithmName(*alg)) +
                             " you specified did not match the calculated checksum.");
    }
  }
  return Ok();
}

protocol::Owner OwnerOf(const auth::AccountStore& accounts, const std::string& account_id) {
  if (account_id.empty()) return {std::string(s3::kAnonymousCanonicalId), ""};  // the anonymous user
  auto account = accounts.FindAccount(account_id);
  if (!account) return {auth::Account{account_id, account_id, false, {}}.CanonicalUserId(), account_id};
  return {account->CanonicalUserId(), account->name};
}

protocol::Owner OwnerFromCtx(const std::string& account_id, void* ctx) {
  return OwnerOf(*static_cast<const auth::AccountStore*>(ctx), account_id);
}

Result<s3::TagSet> TagsFromHeader(const Request& request) {
  const std::string* h = request.Header("x-amz-tagging");
  if (!h) return s3::TagSet();
  return protocol::ParseTaggingHeader(*h, s3::kMaxObjectTags);
}

namespace {

constexpr std::string_view kStorageClasses[] = {
    "STANDARD",   "REDUCED_REDUNDANCY", "STANDARD_IA",  "ONEZONE_IA", "INTELLIGENT_TIERING",
    "GLACIER",    "DEEP_ARCHIVE",       "GLACIER_IR",   "OUTPOSTS",   "SNOW",
    "EXPRESS_ONEZONE"};

// Content-Encoding without the aws-chunked token, which only describes the
// transfer: "aws-chunked,gzip" is stored as "gzip".
std::string StoredContentEncoding(std::string_view value) {
  std::string out;
  while (!value.empty()) {
    std::size_t comma = value.find(',');
    std::string_view token = value.substr(0, comma);
    value = comma == value.npos ? std::string_view() : value.substr(comma + 1);
    while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
    while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
    if (token.empty() || IEquals(token, "aws-chunked"))
      continue;
    if (!out.empty()) out.push_back(',');
    out.append(token);
  }
  return out;
}

}  // namespace

Result<s3::ObjectMetadata> MetadataFromHeaders(const Request& request) {
  s3::ObjectMetadata meta;
  std::size_t user_bytes = 0;
  for (const auto& h : request.raw.headers) {
    std::string_view name = h.name;
    auto is = [&](std::string_view n) { return IEquals(name, n); };
    if (is("content-type")) meta.content_type = h.value;
    else if (is("content-encoding")) meta.content_encoding = StoredContentEncoding(h.value);
    else if (is("content-disposition")) meta.content_disposition = h.value;
    else if (is("content-language")) meta.content_language = h.value;
    else if (is("cache-control")) meta.cache_control = h.value;
    else if (is("expires")) meta.expires = h.value;
    else if (IStartsWith(name, "x-amz-meta-")) {
      std::string key(name.substr(11));
      for (char& c : key) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
      // "The size of user-defined metadata is measured by taking the sum of
      // the number of bytes in the UTF-8 encoding of each key and value."
      user_bytes += key.size() + h.value.size();
      meta.user.emplace_back(std::move(key), h.value);
    } else if (is("x-amz-website-redirect-location")) {
      if (Status st = s3::ValidateWebsiteRedirectLocation(h.value); !st) return st.error();
      meta.website_redirect_location = h.value;
    } else if (is("x-amz-storage-class")) {
      bool known = false;
      for (auto sc : kStorageClasses) known |= sc == h.value;
      if (!known) return MakeError(ErrorCode::kInvalidStorageClass);
      if (h.value != "STANDARD") meta.storage_class = h.value;
    }
  }
  if (Status st = LockFromHeaders(request, meta); !st) return st.error();
  if (user_bytes > s3::kMaxUserMetadataBytes) {
    Error e = MakeError(ErrorCode::kMetadataTooLarge);
    e.details.emplace_back("Size", std::to_string(user_bytes));
    e.details.emplace_back("MaxSizeAllowed", std::to_string(s3::kMaxUserMetadataBytes));
    return e;
  }
  return meta;
}

}  // namespace internal

namespace {

using namespace internal;
using router::S3Op;

// PutObject: the body streams through the aws-chunked decoder (when used),
// the digests and checksums, into a staged body; the object is committed
// only when every check passed.
//
// UploadPart uses the same pipeline with a part as its target; a part's body
// always goes to a blob of its own.
struct PartTarget {
  std::string upload_id;
  int part_number = 0;
};

void AddExpirationHeader(S3Api& api, Response& r, std::string_view bucket,
                         const s3::ObjectRecord& o);

class PutObjectExchange final : public Exchange {
 public:
  PutObjectExchange(S3Api& api, const Request& request, auth::AuthResult auth,
                    router::S3Route route, s3::ObjectMetadata meta, s3::TagSet tags,
                    std::optional<PartTarget> part = std::nullopt)
      : api_(api),
        request_(request),
        auth_(std::move(auth)),
        route_(std::move(route)),
        meta_(std::move(meta)),
        tags_(std::move(tags)),
        part_(std::move(part)),
        body_(api.store().storage(), part_ ? 0 : storage::kDefaultInlineThreshold),
        md5_(crypto::Digest::Kind::kMd5) {}

  // SSE-C: the body is stored encrypted with `key` from `iv` on (the
  // object's ETag is then the MD5 of what is stored). `response_meta`: the
  // upload whose encryption an UploadPart's response reports.
  void EncryptWith(const s3::CustomerKey& key, std::string iv) {
    cipher_.emplace(key.key, iv);
    stored_md5_.emplace(crypto::Digest::Kind::kMd5);
    iv_ = std::move(iv);
  }
  void set_response_meta(s3::ObjectMetadata meta) { response_meta_ = std::move(meta); }

  // Reads the integrity headers; an error here is answered before the body.
  Status Prepare() {
    using auth::PayloadMode;
    const auto mode = auth_.payload_mode;
    if (!part_) {
      auto acl = AclSpecFromHeaders(api_, request_);
      if (!acl) return acl.error();
      acl_ = std::move(*acl);
    }
    if (mode == PayloadMode::kSha256) sha256_.emplace(crypto::Digest::Kind::kSha256);

    if (const std::string* md5 = request_.Header("content-md5")) {
      auto raw = crypto::Base64Decode(*md5);
      if (!raw || raw->size() != 16) return MakeError(ErrorCode::kInvalidDigest);
      expected_md5_ = *raw;
    }
    std::optional<auth::ChecksumAlgorithm> trailer;
    if (const std::string* t = request_.Header("x-amz-trailer")) {
      trailer = auth::ChecksumAlgorithmFromHeader(*t);
      if (!trailer)
        return MakeError(ErrorCode::kInvalidRequest,
                         "The value specified in the x-amz-trailer header is not supported");
    }
    // A checksum sent as a header is checked against the body.
    for (const auto& h : request_.raw.headers) {
      auto alg = auth::ChecksumAlgorithmFromHeader(h.name);
      if (!alg) continue;
      if (checksum_)
        return MakeError(ErrorCode::kInvalidRequest,
                         "Expecting a single x-amz-checksum- header. Multiple checksum Types are "
                         "not allowed.");
      checksum_.emplace(*alg);
      expected_checksum_ = h.value;
    }
    if (!checksum_ && !trailer) {
      if (const std::string* a = request_.Header("x-amz-sdk-checksum-algorithm")) {
        auto alg = auth::ParseChecksumAlgorithm(*a);
        if (!alg)
          return MakeError(ErrorCode::kInvalidRequest,
                           "Value for x-amz-sdk-checksum-algorithm header is invalid.");
        checksum_.emplace(*alg);  // computed and stored, nothing to compare
      }
    }
    trailer_algorithm_ = trailer;

    if (mode == PayloadMode::kStreamingSigned || mode == PayloadMode::kStreamingSignedTrailer ||
        mode == PayloadMode::kStreamingUnsignedTrailer) {
      auto decoder_mode = mode == PayloadMode::kStreamingSigned
                              ? auth::AwsChunkedDecoder::Mode::kSigned
                          : mode == PayloadMode::kStreamingSignedTrailer
                              ? auth::AwsChunkedDecoder::Mode::kSignedWithTrailer
                              : auth::AwsChunkedDecoder::Mode::kUnsignedWithTrailer;
      decoder_.emplace(decoder_mode, trailer, auth_.chunk_signing);
      if (const std::string* d = request_.Header("x-amz-decoded-content-length")) {
        decoded_length_ = ParseU64(*d);
        if (!decoded_length_)
          return MakeError(ErrorCode::kInvalidArgument,
                           "x-amz-decoded-content-length must be a number");
        if (*decoded_length_ > api_.options().max_put_size) return TooLarge(*decoded_length_);
      } else if (!request_.content_length) {
        return MakeError(ErrorCode::kMissingContentLength);
      }
      // The encoded body is a little longer than the payload: allow the
      // framing of the smallest legal chunks.
      body_limit = api_.options().max_put_size + api_.options().max_put_size / 64 + 65536;
    } else {
      if (!request_.content_length && !request_.has_body) {
        // PUT with neither Content-Length nor a chunked body.
        return MakeError(ErrorCode::kMissingContentLength);
      }
      if (request_.content_length && *request_.content_length > api_.options().max_put_size)
        return TooLarge(*request_.content_length);
      body_limit = api_.options().max_put_size;
    }
    // A body that would not fit is refused before it is sent (with Expect:
    // 100-continue) or read.
    const std::uint64_t announced = decoded_length_.value_or(request_.content_length.value_or(0));
    if (Status st = api_.store().storage().HasSpace(announced, announced > storage::kSmallWrite);
        !st)
      return st.error();
    return Ok();
  }

  bool OnBody(std::string_view data) override {
    if (error_) return false;
    if (decoder_) {
      Status st = decoder_->Feed(data, [this](std::string_view payload) { Consume(payload); });
      if (!st) error_ = st.error();
    } else {
      Consume(data);
    }
    return !error_;
  }

  Response Finish(bool complete) override {
    if (!error_ && !complete) error_ = MakeError(ErrorCode::kIncompleteBody);
    if (!error_) {
      if (Status st = Verify(); !st) error_ = st.error();
    }
    if (error_) return S3Api::ErrorResponse(*error_, request_);

    if (trailer_algorithm_) {
      meta_.checksum_algorithm = std::string(auth::ChecksumAlgorithmName(*trailer_algorithm_));
      meta_.checksum_value = decoder_ ? decoder_->trailer_checksum().value_or("") : "";
    } else if (checksum_) {
      meta_.checksum_algorithm = std::string(auth::ChecksumAlgorithmName(checksum_->algorithm()));
      meta_.checksum_value = computed_checksum_;
    }
    if (part_) return FinishPart();
    auto stored = api_.store().PutObject(CallerOf(request_, auth_), route_.bucket, route_.key,
                                         std::move(meta_), std::move(body_), StoredEtag(),
                                         std::move(tags_), acl_);
    if (!stored) return S3Api::ErrorResponse(stored.error(), request_);
    Response r = Empty(200);
    r.SetHeader("ETag", protocol::QuotedEtag(stored->etag));
    AddExpirationHeader(api_, r, route_.bucket, *stored);
    AddEncryptionHeaders(r, stored->meta);
    AddVersionHeader(r, *stored);
    if (!stored->meta.checksum_algorithm.empty()) {
      auto alg = auth::ParseChecksumAlgorithm(stored->meta.checksum_algorithm);
      if (alg) r.SetHeader(std::string(auth::ChecksumHeaderName(*alg)), stored->meta.checksum_value);
    }
    return r;
  }

 private:
  Response FinishPart() {
    s3::PartRecord part;
    part.part_number = part_->part_number;
    part.etag = StoredEtag();
    part.checksum_value = meta_.checksum_value;
    part.sse_customer_iv = iv_;
    auto stored = api_.store().PutPart(CallerOf(request_, auth_), route_.bucket, route_.key,
                                       part_->upload_id, std::move(part), std::move(body_));
    if (!stored) return S3Api::ErrorResponse(stored.error(), request_);
    Response r = Empty(200);
    r.SetHeader("ETag", protocol::QuotedEtag(stored->etag));
    AddEncryptionHeaders(r, response_meta_);
    if (!meta_.checksum_algorithm.empty() && !stored->checksum_value.empty()) {
      auto alg = auth::ParseChecksumAlgorithm(meta_.checksum_algorithm);
      if (alg) r.SetHeader(std::string(auth::ChecksumHeaderName(*alg)), stored->checksum_value);
    }
    return r;
  }

  // The ETag of what was stored: the body's MD5, or for SSE-C the MD5 of
  // the ciphertext (S3's ETag of an SSE-C object is not the MD5 of its data).
  std::string StoredEtag() {
    std::string raw = stored_md5_ ? stored_md5_->Finish() : md5_raw_;
    return crypto::Hex(raw.data(), raw.size());
  }

  s3::AclSpec acl_;

  Error TooLarge(std::uint64_t size) {
    Error e = MakeError(ErrorCode::kEntityTooLarge);
    e.details.emplace_back("ProposedSize", std::to_string(size));
    e.details.emplace_back("MaxSizeAllowed", std::to_string(api_.options().max_put_size));
    return e;
  }

  void Consume(std::string_view payload) {
    if (error_) return;
    md5_.Update(payload);
    if (sha256_) sha256_->Update(payload);
    if (checksum_) checksum_->Update(payload);
    if (body_.size() + payload.size() > api_.options().max_put_size) {
      error_ = TooLarge(body_.size() + payload.size());
      return;
    }
    if (cipher_) {
      std::string encrypted(payload);
      cipher_->Apply(encrypted);
      stored_md5_->Update(encrypted);
      if (Status st = body_.Append(encrypted); !st) error_ = st.error();
      return;
    }
    if (Status st = body_.Append(payload); !st) error_ = st.error();
  }

  Status Verify() {
    auto fail = [](Error e) { return Status(std::move(e)); };
    if (decoder_) {
      if (Status st = decoder_->Finish(); !st) return fail(st.error());
      if (decoded_length_ && *decoded_length_ != decoder_->decoded_size())
        return fail(MakeError(ErrorCode::kIncompleteBody));
    }
    if (request_.content_length && !decoder_ && *request_.content_length != body_.size())
      return fail(MakeError(ErrorCode::kIncompleteBody));
    if (sha256_) {
      std::string got = sha256_->Finish();
      if (crypto::Hex(got.data(), got.size()) != auth_.payload_sha256) {
        Error e = MakeError(ErrorCode::kXAmzContentSHA256Mismatch);
        e.details.emplace_back("ClientComputedContentSHA256", auth_.payload_sha256);
        e.details.emplace_back("S3ComputedContentSHA256", crypto::Hex(got.data(), got.size()));
        return fail(std::move(e));
      }
    }
    md5_raw_ = md5_.Finish();
    if (expected_md5_) {
      if (md5_raw_ != *expected_md5_) {
        Error e = MakeError(ErrorCode::kBadDigest);
        e.details.emplace_back("ExpectedDigest", crypto::Base64(*expected_md5_));
        return fail(std::move(e));
      }
    }
    if (checksum_) {
      computed_checksum_ = checksum_->FinishBase64();
      if (expected_checksum_ && *expected_checksum_ != computed_checksum_)
        return fail(MakeError(ErrorCode::kBadDigest,
                              "The " + std::string(auth::ChecksumAlgorithmName(checksum_->algorithm())) +
                                  " you specified did not match the calculated checksum."));
    }
    if (Status st = body_.Finish(); !st) return fail(st.error());
    return Ok();
  }

  S3Api& api_;
  const Request& request_;
  auth::AuthResult auth_;
  router::S3Route route_;
  s3::ObjectMetadata meta_;
  s3::TagSet tags_;
  std::optional<PartTarget> part_;
  storage::StagedBody body_;
  crypto::Digest md5_;
  std::string md5_raw_;  // the body's MD5, once verified
  std::optional<crypto::Digest> sha256_;
  std::optional<auth::Checksum> checksum_;
  std::optional<std::string> expected_checksum_;
  std::string computed_checksum_;
  std::optional<auth::ChecksumAlgorithm> trailer_algorithm_;
  std::optional<std::string> expected_md5_;
  std::optional<auth::AwsChunkedDecoder> decoder_;
  std::optional<std::uint64_t> decoded_length_;
  std::optional<Error> error_;
  std::optional<s3::CtrCipher> cipher_;
  std::optional<crypto::Digest> stored_md5_;
  std::string iv_;
  s3::ObjectMetadata response_meta_;
};

// Adds an object's stored headers to a GET or HEAD response.
void AddObjectHeaders(Response& r, const s3::ObjectRecord& o, const Request& request) {
  const s3::ObjectMetadata& m = o.meta;
  r.SetHeader("Content-Type", m.content_type.empty() ? "binary/octet-stream" : m.content_type);
  r.SetHeader("ETag", protocol::QuotedEtag(o.etag));
  r.SetHeader("Last-Modified", FormatHttpDate(o.last_modified));
  r.SetHeader("Accept-Ranges", "bytes");
  if (!m.content_encoding.empty()) r.SetHeader("Content-Encoding", m.content_encoding);
  if (!m.content_disposition.empty()) r.SetHeader("Content-Disposition", m.content_disposition);
  if (!m.content_language.empty()) r.SetHeader("Content-Language", m.content_language);
  if (!m.cache_control.empty()) r.SetHeader("Cache-Control", m.cache_control);
  if (!m.expires.empty()) r.SetHeader("Expires", m.expires);
  for (const auto& [name, value] : m.user) r.SetHeader("x-amz-meta-" + name, value);
  if (!m.storage_class.empty()) r.SetHeader("x-amz-storage-class", m.storage_class);
  if (!m.website_redirect_location.empty())
    r.SetHeader("x-amz-website-redirect-location", m.website_redirect_location);
  // "x-amz-checksum-mode: To retrieve the checksum, this mode must be enabled."
  if (const std::string* mode = request.Header("x-amz-checksum-mode");
      mode && IEquals(*mode, "ENABLED") && !m.checksum_algorithm.empty() &&
      !m.checksum_value.empty()) {
    if (auto alg = auth::ParseChecksumAlgorithm(m.checksum_algorithm)) {
      r.SetHeader(std::string(auth::ChecksumHeaderName(*alg)), m.checksum_value);
      r.SetHeader("x-amz-checksum-type",
                  m.checksum_value.find('-') != std::string::npos ? "COMPOSITE" : "FULL_OBJECT");
    }
  }
  if (!o.tags.empty()) r.SetHeader("x-amz-tagging-count", std::to_string(o.tags.size()));
  AddEncryptionHeaders(r, m);
}

// x-amz-expiration: when the bucket's lifecycle rules expire the object,
// 'expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"'.
void AddExpirationHeader(S3Api& api, Response& r, std::string_view bucket,
                         const s3::ObjectRecord& o) {
  if (auto expiry = api.store().ObjectExpiry(bucket, o))
    r.SetHeader("x-amz-expiration", "expiry-date=\"" + FormatHttpDate(expiry->at) +
                                        "\", rule-id=\"" + expiry->rule_id + "\"");
}

// Sets a header, replacing one of the same name.
void ReplaceHeader(Response& r, std::string_view name, std::string value) {
  for (auto& [n, v] : r.headers) {
    if (IEquals(n, name)) {
      v = std::move(value);
      return;
    }
  }
  r.SetHeader(std::string(name), std::move(value));
}

// Whether an If-Match / If-None-Match list names `etag` ("*" names any).
bool EtagListMatches(std::string_view list, std::string_view etag) {
  while (!list.empty()) {
    std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    list = comma == list.npos ? std::string_view() : list.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"')
      item = item.substr(1, item.size() - 2);
    if (item == "*" || item == etag) return true;
  }
  return false;
}

// The four conditional headers: as looked up, and as named in a
// PreconditionFailed error's Condition.
struct ConditionHeader {
  std::string_view header;
  std::string_view name;
};
struct ConditionHeaders {
  ConditionHeader if_match, if_unmodified_since, if_none_match, if_modified_since;
};
constexpr ConditionHeaders kObjectConditions = {
    {"if-match", "If-Match"},
    {"if-unmodified-since", "If-Unmodified-Since"},
    {"if-none-match", "If-None-Match"},
    {"if-modified-since", "If-Modified-Since"}};
constexpr ConditionHeaders kCopySourceConditions = {
    {"x-amz-copy-source-if-match", "x-amz-copy-source-If-Match"},
    {"x-amz-copy-source-if-unmodified-since", "x-amz-copy-source-If-Unmodified-Since"},
    {"x-amz-copy-source-if-none-match", "x-amz-copy-source-If-None-Match"},
    {"x-amz-copy-source-if-modified-since", "x-amz-copy-source-If-Modified-Since"}};

struct FailedCondition {
  ErrorCode code;         // kPreconditionFailed or kNotModified
  std::string_view name;  // the condition that failed
};

// The conditional headers of GetObject/HeadObject or of a copy's source, in
// AWS's precedence: a true If-Match makes If-Unmodified-Since irrelevant, and
// a false If-None-Match (the ETag matches) answers 304 whatever
// If-Modified-Since says.
std::optional<FailedCondition> CheckConditions(const Request& request, const s3::ObjectRecord& o,
                                               const ConditionHeaders& headers) {
  auto seconds = [](TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
  };
  const long long modified = seconds(o.last_modified);
  if (const std::string* h = request.Header(headers.if_match.header)) {
    if (!EtagListMatches(*h, o.etag))
      return FailedCondition{ErrorCode::kPreconditionFailed, headers.if_match.name};
  } else if (const std::string* h = request.Header(headers.if_unmodified_since.header)) {
    if (auto t = ParseHttpDate(*h); t && modified > seconds(*t))
      return FailedCondition{ErrorCode::kPreconditionFailed, headers.if_unmodified_since.name};
  }
  if (const std::string* h = request.Header(headers.if_none_match.header)) {
    if (EtagListMatches(*h, o.etag))
      return FailedCondition{ErrorCode::kNotModified, headers.if_none_match.name};
  } else if (const std::string* h = request.Header(headers.if_modified_since.header)) {
    if (auto t = ParseHttpDate(*h); t && modified <= seconds(*t))
      return FailedCondition{ErrorCode::kNotModified, headers.if_modified_since.name};
  }
  return std::nullopt;
}

Error PreconditionFailed(std::string_view condition) {
  Error e = MakeError(ErrorCode::kPreconditionFailed);
  e.details.emplace_back("Condition", std::string(condition));
  return e;
}

// A single byte range "bytes=a-b", "bytes=a-" or "bytes=-n" of `size`.
// nullopt: no usable Range (absent, or a form S3 ignores such as multiple
// ranges); an error: not satisfiable.
Result<std::optional<std::pair<std::uint64_t, std::uint64_t>>> ParseRange(const Request& request,
                                                                         std::uint64_t size) {
  using Range = std::optional<std::pair<std::uint64_t, std::uint64_t>>;
  const std::string* header = request.Header("range");
  if (!header) return Range();
  std::string_view v = *header;
  if (!v.starts_with("bytes=") || v.find(',') != v.npos) return Range();
  v.remove_prefix(6);
  std::size_t dash = v.find('-');
  if (dash == v.npos) return Range();
  std::string_view first = v.substr(0, dash), last = v.substr(dash + 1);
  std::uint64_t begin = 0, end = 0;  // inclusive
  auto unsatisfiable = [&] {
    Error e = MakeError(ErrorCode::kInvalidRange);
    e.details.emplace_back("RangeRequested", *header);
    e.details.emplace_back("ActualObjectSize", std::to_string(size));
    return e;
  };
  if (first.empty()) {
    auto n = ParseU64(last);
    if (!n) return Range();
    if (*n == 0 || size == 0) return unsatisfiable();
    begin = *n >= size ? 0 : size - *n;
    end = size - 1;
  } else {
    auto a = ParseU64(first);
    if (!a) return Range();
    std::optional<std::uint64_t> b = last.empty() ? std::optional<std::uint64_t>(size - 1)
                                                  : ParseU64(last);
    if (!b) return Range();
    // "If the first byte position is beyond the object's size, the range is
    // not satisfiable" comes before the syntactic check of the last position.
    if (*a >= size) return unsatisfiable();
    if (*b < *a) return Range();
    begin = *a;
    end = std::min(*b, size - 1);
  }
  return Range(std::make_pair(begin, end));
}

// The response-* query parameters of GetObject and HeadObject.
constexpr std::pair<std::string_view, std::string_view> kResponseOverrides[] = {
    {"response-content-type", "Content-Type"},
    {"response-content-language", "Content-Language"},
    {"response-expires", "Expires"},
    {"response-cache-control", "Cache-Control"},
    {"response-content-disposition", "Content-Disposition"},
    {"response-content-encoding", "Content-Encoding"},
};

// How often a GET or a copy reads its source again after losing the race
// with a commit that replaced it (see S3Store::Superseded).
constexpr int kSupersededRetries = 16;

// Runs `once(superseded)` until it answers without losing that race; the
// last attempt gets no flag, so it answers whatever happens.
template <typename Once>
Response RetryWhileSuperseded(Once once) {
  for (int attempt = 0;; ++attempt) {
    bool superseded = false;
    Response r = once(attempt < kSupersededRetries ? &superseded : nullptr);
    if (!superseded) return r;
  }
}

// One attempt of GetObject. When the record read was replaced before its blob
// files could be opened, sets *superseded (if given) and the answer is void.
Response GetObjectOnce(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route, bool head, bool* superseded) {
  auto version_id = VersionIdOf(request);
  if (!version_id) return S3Api::ErrorResponse(version_id.error(), request);
  auto object = api.store().GetObjectVersion(
      CallerOf(request, auth), route.bucket, route.key, *version_id,
      version_id->empty() ? s3::action::kGetObject : s3::action::kGetObjectVersion);
  if (!object) return S3Api::ErrorResponse(object.error(), request);
  if (object->delete_marker) {
    if (version_id->empty()) {
      // The key's current version is a delete marker: "404 Not Found" with
      // "x-amz-delete-marker: true" in the response.
      Error e = MakeError(ErrorCode::kNoSuchKey, {}, route.key);
      e.details.emplace_back("Key", route.key);
      return DeleteMarkerError(e, request, *object);
    }
    // "If the specified version is a delete marker, the response returns a
    // 405 Method Not Allowed error and the Last-Modified: timestamp response header."
    Error e = MakeError(ErrorCode::kMethodNotAllowed);
    e.details.emplace_back("Method", request.raw.method);
    e.details.emplace_back("ResourceType", "DeleteMarker");
    Response r = DeleteMarkerError(e, request, *object);
    r.SetHeader("Last-Modified", FormatHttpDate(object->last_modified));
    return r;
  }
  auto customer_key = ReadKeyFor(request, object->meta, /*copy_source=*/false);
  if (!customer_key) return S3Api::ErrorResponse(customer_key.error(), request);
  if (auto failed = CheckConditions(request, *object, kObjectConditions)) {
    if (failed->code == ErrorCode::kNotModified) {
      // "304 Not Modified" carries the validators and no body.
      Response r = Empty(304);
      r.SetHeader("ETag", protocol::QuotedEtag(object->etag));
      r.SetHeader("Last-Modified", FormatHttpDate(object->last_modified));
      return r;
    }
    return S3Api::ErrorResponse(PreconditionFailed(failed->name), request);
  }
  bool any_override = false;
  for (const auto& [param, header] : kResponseOverrides) any_override |= request.HasQuery(param);
  if (any_override && auth.principal.anonymous())
    return S3Api::ErrorResponse(
        MakeError(ErrorCode::kInvalidRequest,
                  "Request specific response headers cannot be used for anonymous GET requests."),
        request);

  std::uint64_t begin = 0, length = object->size;
  Response r = Empty(200);
  auto content_range = [&](std::uint64_t first, std::uint64_t last) {
    r.status = 206;
    r.SetHeader("Content-Range", "bytes " + std::to_string(first) + "-" + std::to_string(last) +
                                     "/" + std::to_string(object->size));
  };
  if (const std::string* part = request.Query("partNumber")) {
    auto n = ParseU64(*part);
    if (!n || *n < 1 || *n > static_cast<std::uint64_t>(s3::kMaxPartNumber))
      return S3Api::ErrorResponse(
          InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                          "partNumber", *part),
          request);
    if (request.Header("range"))
      return S3Api::ErrorResponse(
          MakeError(ErrorCode::kInvalidRequest,
                    "Cannot specify both Range header and partNumber query parameter"),
          request);
    const std::size_t count = object->parts.size();
    if (count == 0) {
      // An object from a single PUT is its own part 1.
      if (*n != 1) return S3Api::ErrorResponse(MakeError(ErrorCode::kInvalidPartNumber), request);
    } else {
      if (*n > count) return S3Api::ErrorResponse(MakeError(ErrorCode::kInvalidPartNumber), request);
      for (std::size_t i = 0; i + 1 < *n; ++i) begin += object->parts[i].size;
      length = object->parts[*n - 1].size;
      r.SetHeader("x-amz-mp-parts-count", std::to_string(count));
    }
    if (object->size > 0) content_range(begin, begin + length - 1);
  } else {
    auto range = ParseRange(request, object->size);
    if (!range) return S3Api::ErrorResponse(range.error(), request);
    if (*range) {
      begin = (*range)->first;
      length = (*range)->second - begin + 1;
      content_range(begin, (*range)->second);
    }
  }
  AddObjectHeaders(r, *object, request);
  if (r.status == 206) {
    // The stored checksum is the whole object's: a range (or one part) of it
    // answers without one, as S3 does, or clients that check it would fail.
    std::erase_if(r.headers, [](const auto& h) {
      return IStartsWith(h.first, "x-amz-checksum-");
    });
  }
  AddExpirationHeader(api, r, route.bucket, *object);
  AddVersionHeader(r, *object);
  AddObjectLockHeaders(r, *object);
  for (const auto& [param, header] : kResponseOverrides)
    if (const std::string* v = request.Query(param)) ReplaceHeader(r, header, *v);
  if (head) {
    r.head_content_length = length;
    return r;
  }
  // A read that failed because an overwrite or a delete committed between
  // reading the record and opening its bytes, and unlinked them, reads the
  // key again; any other failure is the answer.
  auto read_failed = [&](const Error& e) -> Response {
    if (superseded && api.store().Superseded(route.bucket, *object)) {
      *superseded = true;
      return std::move(r);
    }
    return S3Api::ErrorResponse(e, request);
  };
  if (*customer_key && object->blob_id.empty() && object->parts.empty()) {
    auto plain = ReadDecrypted(api, *object, **customer_key, begin, length);
    if (!plain) return read_failed(plain.error());
    api.Meter(route.bucket, billing::RequestTier::kFree, length);  // data out
    r.body = std::move(*plain);
    return r;
  }
  if (object->blob_id.empty() && object->parts.empty()) {
    api.Meter(route.bucket, billing::RequestTier::kFree, length);  // data out
    if (begin == 0 && length == object->inline_body.size()) r.body = std::move(object->inline_body);
    else r.body = object->inline_body.substr(begin, length);
    return r;
  }
  if (!*customer_key && object->parts.empty() && storage::IsPackedId(object->blob_id)) {
    // A small body in a pack: one pread, no descriptor of its own.
    std::string body;
    if (length >= 1024) TakeSpareBuffer(body);  // given back once sent (server.cc)
    body.resize(static_cast<std::size_t>(length));
    if (Status st = api.store().storage().ReadBlob(object->blob_id, begin, length, body.data());
        !st)
      return read_failed(st.error());
    api.Meter(route.bucket, billing::RequestTier::kFree, length);  // data out
    r.body = std::move(body);
    return r;
  }
  auto segments = api.store().OpenSegments(*object, {begin, length});
  if (!segments) return read_failed(segments.error());
  api.Meter(route.bucket, billing::RequestTier::kFree, length);  // data out
  r.file = std::make_unique<protocol::FileBody>();
  for (const auto& seg : *segments) r.file->Add(seg.fd, seg.offset, seg.length);
  if (*customer_key) {
    // SSE-C: decrypted block by block as the files are sent.
    auto decrypt = std::make_shared<ObjectDecryptor>(*object, (*customer_key)->key);
    r.file->transform = [decrypt, begin](std::uint64_t offset, char* data, std::size_t size) {
      decrypt->Apply(begin + offset, data, size);
    };
  }
  return r;
}

Response GetObject(S3Api& api, const Request& request, const auth::AuthResult& auth,
                   const router::S3Route& route, bool head) {
  return RetryWhileSuperseded(
      [&](bool* superseded) { return GetObjectOnce(api, request, auth, route, head, superseded); });
}

}  // namespace

Response internal::GetObjectResponse(S3Api& api, const Request& request,
                                     const auth::AuthResult& auth, const router::S3Route& route,
                                     bool head) {
  return GetObject(api, request, auth, route, head);
}

namespace {

// Continuation tokens are opaque to clients: base64 of a kind letter ('K'
// after a key, 'P' after a common prefix) and the key.
std::string EncodeToken(const std::string& after, bool is_prefix) {
  return crypto::Base64((is_prefix ? "P" : "K") + after);
}

Response ListObjectsV2(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route) {
  s3::ListObjectsRequest list;
  list.bucket = route.bucket;
  auto q = [&](std::string_view name) { return QueryValue(request, name); };
  list.prefix = q("prefix");
  list.delimiter = q("delimiter");
  std::string start_after = q("start-after");
  std::string token = q("continuation-token");
  auto max_keys = MaxValue(request, "max-keys", s3::kMaxListKeys);
  if (!max_keys) return S3Api::ErrorResponse(max_keys.error(), request);
  list.max_keys = *max_keys;
  auto url_encode = UrlEncoding(request);
  if (!url_encode) return S3Api::ErrorResponse(url_encode.error(), request);
  if (request.HasQuery("continuation-token")) {
    auto decoded = crypto::Base64Decode(token);
    if (!decoded || decoded->empty() || ((*decoded)[0] != 'K' && (*decoded)[0] != 'P')) {
      Error e = MakeError(ErrorCode::kInvalidArgument, "The continuation token provided is incorrect");
      e.details.emplace_back("ArgumentName", "continuation-token");
      return S3Api::ErrorResponse(e, request);
    }
    list.start_after = decoded->substr(1);
    list.start_after_is_prefix = (*decoded)[0] == 'P';
  } else {
    list.start_after = start_after;
  }
  auto result = api.store().ListObjects(CallerOf(request, auth), list);
  if (!result) return S3Api::ErrorResponse(result.error(), request);

  protocol::ListV2Page page;
  page.bucket = route.bucket;
  page.prefix = list.prefix;
  page.delimiter = list.delimiter;
  page.start_after = start_after;
  page.continuation_token = token;
  if (result->truncated)
    page.next_continuation_token =
        EncodeToken(result->next_start_after, result->next_start_after_is_prefix);
  page.max_keys = list.max_keys;
  page.url_encode = *url_encode;
  page.fetch_owner = q("fetch-owner") == "true";
  page.result = &*result;
  page.owner_ctx = const_cast<auth::AccountStore*>(&api.accounts());
  page.owner_of = OwnerFromCtx;
  return Xml(200, protocol::ListBucketV2Xml(page));
}

Response ListObjectsV1(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route) {
  s3::ListObjectsRequest list;
  list.bucket = route.bucket;
  list.prefix = QueryValue(request, "prefix");
  list.delimiter = QueryValue(request, "delimiter");
  list.start_after = QueryValue(request, "marker");
  auto max_keys = MaxValue(request, "max-keys", s3::kMaxListKeys);
  if (!max_keys) return S3Api::ErrorResponse(max_keys.error(), request);
  list.max_keys = *max_keys;
  auto url_encode = UrlEncoding(request);
  if (!url_encode) return S3Api::ErrorResponse(url_encode.error(), request);
  auto result = api.store().ListObjects(CallerOf(request, auth), list);
  if (!result) return S3Api::ErrorResponse(result.error(), request);
  protocol::ListV1Page page;
  page.bucket = route.bucket;
  page.prefix = list.prefix;
  page.delimiter = list.delimiter;
  page.marker = list.start_after;
  // "This element is returned only if you have the delimiter request
  // parameter specified."
  if (result->truncated && !list.delimiter.empty()) page.next_marker = result->next_start_after;
  page.max_keys = list.max_keys;
  page.url_encode = *url_encode;
  page.result = &*result;
  page.owner_ctx = const_cast<auth::AccountStore*>(&api.accounts());
  page.owner_of = OwnerFromCtx;
  return Xml(200, protocol::ListBucketV1Xml(page));
}

// DeleteObjects needs Content-MD5 or an x-amz-checksum-* header; the MD5 is
// checked.

Response DeleteObjects(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route, const std::string& body) {
  if (Status st = CheckRequiredBodyDigest(request, body); !st)
    return S3Api::ErrorResponse(st.error(), request);
  auto parsed = protocol::ParseDeleteRequest(body);
  if (!parsed) return S3Api::ErrorResponse(parsed.error(), request);
  const s3::Caller caller = CallerOf(request, auth);
  // A missing bucket fails the request; a refusal is per key (a policy may
  // allow some keys and not others).
  if (auto b = api.store().GetBucket(caller, route.bucket, s3::action::kDeleteObject);
      !b && b.error().code != ErrorCode::kAccessDenied)
    return S3Api::ErrorResponse(b.error(), request);
  std::vector<Error> errors;
  errors.reserve(parsed->keys.size());
  std::vector<protocol::DeleteOutcome> outcomes;
  for (std::size_t i = 0; i < parsed->keys.size(); ++i) {
    const std::string& key = parsed->keys[i];
    const std::string& version_id = parsed->version_ids[i];
    protocol::DeleteOutcome outcome{key, nullptr};
    outcome.version_id = version_id;
    if (!version_id.empty() && !s3::IsValidVersionId(version_id)) {
      errors.push_back(MakeError(ErrorCode::kNoSuchVersion));
      outcome.error = &errors.back();
    } else if (auto deleted = api.store().DeleteObjectVersion(caller, route.bucket, key,
                                                              version_id, BypassGovernance(request));
               !deleted) {
      errors.push_back(deleted.error());
      outcome.error = &errors.back();
    } else if (deleted->delete_marker) {
      // A marker added (no VersionId asked) or the marker removed.
      outcome.delete_marker = true;
      outcome.delete_marker_version_id = deleted->version_id;
    }
    outcomes.push_back(std::move(outcome));
  }
  return Xml(200, protocol::DeleteResultXml(outcomes, parsed->quiet));
}

// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, with an
// optional "?versionId=".
struct CopySource {
  std::string bucket;
  std::string key;
  std::string version_id;  // empty: the current version
};

Result<CopySource> ParseCopySource(const Request& request) {
  const std::string* h = request.Header("x-amz-copy-source");
  auto invalid = [] {
    return MakeError(ErrorCode::kInvalidArgument,
                     "Invalid copy source object key");
  };
  if (!h) return invalid();
  std::string_view v = *h;
  std::string_view version;
  if (std::size_t q = v.find('?'); q != v.npos) {
    std::string_view query = v.substr(q + 1);
    v = v.substr(0, q);
    if (query.starts_with("versionId=")) version = query.substr(10);
  }
  if (!version.empty() && !s3::IsValidVersionId(version))
    return MakeError(ErrorCode::kInvalidArgument, "Invalid version id specified");
  if (v.starts_with('/')) v.remove_prefix(1);
  std::string decoded;
  if (!protocol::PercentDecode(v, /*plus_is_space=*/false, decoded)) return invalid();
  std::size_t slash = decoded.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == decoded.size()) return invalid();
  return CopySource{decoded.substr(0, slash), decoded.substr(slash + 1), std::string(version)};
}

// The source object of a copy, after its conditions (a copy answers 412 for
// every failed condition, 304 included).
Result<s3::ObjectRecord> LoadCopySource(S3Api& api, const Request& request,
                                        const auth::AuthResult& auth, const CopySource& source) {
  auto object = source.version_id.empty()
                    ? api.store().GetObject(CallerOf(request, auth), source.bucket, source.key)
                    : api.store().GetObjectVersion(CallerOf(request, auth), source.bucket,
                                                   source.key, source.version_id,
                                                   s3::action::kGetObjectVersion);
  if (!object) return object.error();
  if (object->delete_marker)
    return MakeError(ErrorCode::kInvalidRequest,
                     "The source of a copy request may not specifically refer to a delete "
                     "marker by version id.");
  if (auto failed = CheckConditions(request, *object, kCopySourceConditions))
    return PreconditionFailed(failed->name);
  return object;
}

Response CopyObjectOnce(S3Api& api, const Request& request, const auth::AuthResult& auth,
                        const router::S3Route& route, bool* superseded) {
  auto src = ParseCopySource(request);
  if (!src) return S3Api::ErrorResponse(src.error(), request);
  auto source = LoadCopySource(api, request, auth, *src);
  if (!source) return S3Api::ErrorResponse(source.error(), request);
  auto source_key = ReadKeyFor(request, source->meta, /*copy_source=*/true);
  if (!source_key) return S3Api::ErrorResponse(source_key.error(), request);
  auto directive = [&](std::string_view name) -> Result<bool> {  // true: REPLACE
    const std::string* v = request.Header(name);
    if (!v || *v == "COPY") return false;
    if (*v == "REPLACE") return true;
    return MakeError(ErrorCode::kInvalidArgument,
                     name == "x-amz-metadata-directive" ? "Unknown metadata directive."
                                                        : "Unknown tagging directive.");
  };
  auto replace_meta = directive("x-amz-metadata-directive");
  if (!replace_meta) return S3Api::ErrorResponse(replace_meta.error(), request);
  auto replace_tags = directive("x-amz-tagging-directive");
  if (!replace_tags) return S3Api::ErrorResponse(replace_tags.error(), request);

  s3::ObjectMetadata meta;
  if (*replace_meta) {
    auto m = MetadataFromHeaders(request);
    if (!m) return S3Api::ErrorResponse(m.error(), request);
    meta = std::move(*m);
  } else {
    meta = source->meta;
    // Object Lock settings are the request's (or the bucket's default), never the source's.
    meta.lock_mode = s3::RetentionMode::kNone;
    meta.retain_until = {};
    meta.legal_hold = false;
    if (Status st = LockFromHeaders(request, meta); !st)
      return S3Api::ErrorResponse(st.error(), request);
    if (request.Header("x-amz-storage-class")) {
      auto m = MetadataFromHeaders(request);  // validates the class
      if (!m) return S3Api::ErrorResponse(m.error(), request);
      meta.storage_class = m->storage_class;
    }
    // x-amz-website-redirect-location "is unique to each object and is not
    // copied when using the x-amz-metadata-directive header": the request's.
    meta.website_redirect_location.clear();
    if (const std::string* w = request.Header("x-amz-website-redirect-location")) {
      if (Status st = s3::ValidateWebsiteRedirectLocation(*w); !st)
        return S3Api::ErrorResponse(st.error(), request);
      meta.website_redirect_location = *w;
    }
  }
  // The data is the same, so a full-object checksum carries over; a
  // composite one describes parts, and the copy is a single part.
  if (source->meta.checksum_value.find('-') == std::string::npos) {
    meta.checksum_algorithm = source->meta.checksum_algorithm;
    meta.checksum_value = source->meta.checksum_value;
  } else {
    meta.checksum_algorithm.clear();
    meta.checksum_value.clear();
  }
  s3::TagSet tags = source->tags;
  if (*replace_tags) {
    auto t = TagsFromHeader(request);
    if (!t) return S3Api::ErrorResponse(t.error(), request);
    tags = std::move(*t);
  }
  // The copy is encrypted as its headers or its bucket say, not as the source.
  auto dest_bucket =
      api.store().GetBucket(CallerOf(request, auth), route.bucket, s3::action::kPutObject, route.key);
  if (!dest_bucket) return S3Api::ErrorResponse(dest_bucket.error(), request);
  auto dest_key = ApplyWriteEncryption(api, request, *dest_bucket, meta);
  if (!dest_key) return S3Api::ErrorResponse(dest_key.error(), request);
  const bool changes_encryption =
      request.Header("x-amz-server-side-encryption") || *dest_key || *source_key;
  if (src->bucket == route.bucket && src->key == route.key && src->version_id.empty() &&
      !*replace_meta &&
      !request.Header("x-amz-storage-class") && !*replace_tags && !changes_encryption &&
      !request.Header("x-amz-website-redirect-location"))
    return S3Api::ErrorResponse(
        MakeError(ErrorCode::kInvalidRequest,
                  "This copy request is illegal because it is trying to copy an object to itself "
                  "without changing the object's metadata, storage class, website redirect "
                  "location or encryption attributes."),
        request);
  // "The copy gets the default ACL (private) unless x-amz-acl says otherwise."
  auto acl = AclSpecFromHeaders(api, request);
  if (!acl) return S3Api::ErrorResponse(acl.error(), request);
  s3::BodyTransform transform;
  if (*source_key || *dest_key) {
    // Decrypts the source, encrypts the copy, as the bytes stream through.
    auto decrypt = *source_key ? std::make_shared<ObjectDecryptor>(*source, (*source_key)->key)
                               : nullptr;
    auto encrypt = *dest_key ? std::make_shared<s3::CtrCipher>((*dest_key)->key,
                                                               meta.sse_customer_iv)
                             : nullptr;
    transform = [decrypt, encrypt](std::uint64_t offset, char* data, std::size_t size) {
      if (decrypt) decrypt->Apply(offset, data, size);
      if (encrypt) encrypt->Apply(data, size);
    };
  }
  auto copied = api.store().CopyObject(CallerOf(request, auth), *source, route.bucket, route.key,
                                       std::move(meta), std::move(tags), *acl, transform);
  if (!copied) {
    // The source was replaced while it was being read (GetObjectOnce).
    if (superseded && copied.error().code == ErrorCode::kInternalError &&
        api.store().Superseded(src->bucket, *source)) {
      *superseded = true;
      return Response();
    }
    return S3Api::ErrorResponse(copied.error(), request);
  }
  Response r = Xml(200, protocol::CopyResultXml("CopyObjectResult", copied->etag,
                                                copied->last_modified,
                                                copied->meta.checksum_algorithm,
                                                copied->meta.checksum_value));
  AddEncryptionHeaders(r, copied->meta);
  if (*source_key) {
    r.SetHeader("x-amz-copy-source-server-side-encryption-customer-algorithm", "AES256");
    r.SetHeader("x-amz-copy-source-server-side-encryption-customer-key-MD5",
                (*source_key)->key_md5);
  }
  AddVersionHeader(r, *copied);
  if (!src->version_id.empty() || source->bucket_versioning != s3::VersioningState::kUnset)
    r.SetHeader("x-amz-copy-source-version-id", source->VersionIdOrNull());
  return r;
}

Response CopyObject(S3Api& api, const Request& request, const auth::AuthResult& auth,
                    const router::S3Route& route) {
  return RetryWhileSuperseded(
      [&](bool* superseded) { return CopyObjectOnce(api, request, auth, route, superseded); });
}

// partNumber of UploadPart and UploadPartCopy.
Result<int> PartNumberOf(const Request& request) {
  std::string v = QueryValue(request, "partNumber");
  auto n = ParseU64(v);
  if (!n || *n < 1 || *n > static_cast<std::uint64_t>(s3::kMaxPartNumber))
    return InvalidArgument("Part number must be an integer between 1 and 10000, inclusive",
                           "partNumber", v);
  return static_cast<int>(*n);
}

Response UploadPartCopyOnce(S3Api& api, const Request& request, const auth::AuthResult& auth,
                            const router::S3Route& route, bool* superseded) {
  auto part_number = PartNumberOf(request);
  if (!part_number) return S3Api::ErrorResponse(part_number.error(), request);
  std::string upload_id = QueryValue(request, "uploadId");
  auto upload = api.store().GetUpload(CallerOf(request, auth), route.bucket, route.key, upload_id);
  if (!upload) return S3Api::ErrorResponse(upload.error(), request);
  auto src = ParseCopySource(request);
  if (!src) return S3Api::ErrorResponse(src.error(), request);
  auto source = LoadCopySource(api, request, auth, *src);
  if (!source) return S3Api::ErrorResponse(source.error(), request);
  auto source_key = ReadKeyFor(request, source->meta, /*copy_source=*/true);
  if (!source_key) return S3Api::ErrorResponse(source_key.error(), request);
  auto part_key = PartKeyFor(request, upload->meta);
  if (!part_key) return S3Api::ErrorResponse(part_key.error(), request);
  s3::ByteRange range{0, source->size};
  if (const std::string* h = request.Header("x-amz-copy-source-range")) {
    std::string_view v = *h;
    std::size_t dash = v.find('-');
    std::optional<std::uint64_t> first, last;
    if (v.starts_with("bytes=") && dash != v.npos) {
      first = ParseU64(v.substr(6, dash - 6));
      last = ParseU64(v.substr(dash + 1));
    }
    if (!first || !last || *last < *first)
      return S3Api::ErrorResponse(
          InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last "
                          "where first and last are the zero-based offsets of the first and last "
                          "bytes to copy",
                          "x-amz-copy-source-range", *h),
          request);
    if (*last >= source->size)
      return S3Api::ErrorResponse(
          MakeError(ErrorCode::kInvalidArgument,
                    "Range specified is not valid for source object of size: " +
                        std::to_string(source->size)),
          request);
    range = {*first, *last - *first + 1};
  }
  if (range.length > s3::kMaxPartSize) {
    Error e = MakeError(ErrorCode::kEntityTooLarge);
    e.details.emplace_back("ProposedSize", std::to_string(range.length));
    e.details.emplace_back("MaxSizeAllowed", std::to_string(s3::kMaxPartSize));
    return S3Api::ErrorResponse(e, request);
  }
  s3::BodyTransform transform;
  std::string part_iv;
  if (*source_key || *part_key) {
    if (*part_key) part_iv = s3::NewIv();
    auto decrypt = *source_key ? std::make_shared<ObjectDecryptor>(*source, (*source_key)->key)
                               : nullptr;
    auto encrypt = *part_key ? std::make_shared<s3::CtrCipher>((*part_key)->key, part_iv)
                             : nullptr;
    transform = [decrypt, encrypt](std::uint64_t offset, char* data, std::size_t size) {
      if (decrypt) decrypt->Apply(offset, data, size);
      if (encrypt) encrypt->Apply(data, size);
    };
  }
  auto part = api.store().CopyPart(CallerOf(request, auth), *source, range, route.bucket, route.key,
                                   upload_id, *part_number, transform, part_iv);
  if (!part) {
    // The source was replaced while it was being read (GetObjectOnce).
    if (superseded && part.error().code == ErrorCode::kInternalError &&
        api.store().Superseded(src->bucket, *source)) {
      *superseded = true;
      return Response();
    }
    return S3Api::ErrorResponse(part.error(), request);
  }
  Response r = Xml(200, protocol::CopyResultXml("CopyPartResult", part->etag,
                                                part->last_modified, "", ""));
  AddEncryptionHeaders(r, upload->meta);
  if (!src->version_id.empty() || source->bucket_versioning != s3::VersioningState::kUnset)
    r.SetHeader("x-amz-copy-source-version-id", source->VersionIdOrNull());
  return r;
}

Response UploadPartCopy(S3Api& api, const Request& request, const auth::AuthResult& auth,
                        const router::S3Route& route) {
  return RetryWhileSuperseded(
      [&](bool* superseded) { return UploadPartCopyOnce(api, request, auth, route, superseded); });
}

Response GetObjectTagging(S3Api& api, const Request& request, const auth::AuthResult& auth,
                          const router::S3Route& route) {
  auto version_id = VersionIdOf(request);
  if (!version_id) return S3Api::ErrorResponse(version_id.error(), request);
  auto object = version_id->empty()
                    ? api.store().GetObject(CallerOf(request, auth), route.bucket, route.key,
                                            s3::action::kGetObjectTagging)
                    : api.store().GetObjectVersion(CallerOf(request, auth), route.bucket,
                                                   route.key, *version_id,
                                                   s3::action::kGetObjectVersionTagging);
  if (!object) return S3Api::ErrorResponse(object.error(), request);
  if (object->delete_marker) {
    Error e = MakeError(ErrorCode::kMethodNotAllowed);
    e.details.emplace_back("Method", "GET");
    e.details.emplace_back("ResourceType", "DeleteMarker");
    return DeleteMarkerError(e, request, *object);
  }
  Response r = Xml(200, protocol::TaggingXml(object->tags));
  AddVersionHeader(r, *object);
  return r;
}

Response GetBucketTagging(S3Api& api, const Request& request, const auth::AuthResult& auth,
                          const router::S3Route& route) {
  auto bucket = api.store().GetBucket(CallerOf(request, auth), route.bucket,
                                      s3::action::kGetBucketTagging);
  if (!bucket) return S3Api::ErrorResponse(bucket.error(), request);
  if (!bucket->has_tags) {
    Error e = MakeError(ErrorCode::kNoSuchTagSet);
    e.details.emplace_back("BucketName", route.bucket);
    return S3Api::ErrorResponse(e, request);
  }
  return Xml(200, protocol::TaggingXml(bucket->tags));
}

// Keeps a request alive as long as the exchange that refers to it.
template <class Holder>
class KeepAlive final : public Exchange {
 public:
  KeepAlive(std::shared_ptr<Holder> holder, std::unique_ptr<Exchange> inner)
      : holder_(std::move(holder)), inner_(std::move(inner)) {
    early = std::move(inner_->early);
    body_limit = inner_->body_limit;
  }
  bool OnBody(std::string_view data) override { return inner_->OnBody(data); }
  Response Finish(bool complete) override {
    if (early) return std::move(*early);
    return inner_->Finish(complete);
  }

 private:
  std::shared_ptr<Holder> holder_;   // destroyed after inner_
  std::unique_ptr<Exchange> inner_;
};

}  // namespace

Response S3Api::ErrorResponse(const Error& error, const Request& request) {
  const ErrorInfo& info = Describe(error.code);
  Response r;
  r.status = info.http_status;
  if (request.raw.method == "HEAD") return r;  // S3 sends no body with HEAD errors
  // S3's Resource is the path the request named ("/bucket/key").
  const std::string& resource = request.raw.path;
  r.SetHeader("Content-Type", "application/xml");
  r.body = protocol::ErrorXml(error, resource, request.request_id, request.host_id);
  return r;
}

billing::RequestTier S3Api::TierOf(S3Op op, std::string_view method) {
  // "PUT, COPY, POST, LIST requests" and "GET, SELECT, and all other
  // requests"; "DELETE and CANCEL requests are free"
  // (https://aws.amazon.com/s3/pricing/, Requests & data retrievals).
  switch (op) {
    case S3Op::kListObjects:
    case S3Op::kListObjectsV2:
    case S3Op::kListMultipartUploads:
    case S3Op::kListParts:
    case S3Op::kListObjectVersions:
      return billing::RequestTier::kTier1;
    default:
      break;
  }
  if (method == "PUT" || method == "POST") return billing::RequestTier::kTier1;
  if (method == "DELETE" || method == "OPTIONS") return billing::RequestTier::kFree;
  return billing::RequestTier::kTier2;
}

void S3Api::Meter(std::string_view bucket, billing::RequestTier tier, std::uint64_t bytes_out) {
  if (meters_) meters_->CountRequest(bucket, tier, bytes_out, store_.NowSeconds());
}

std::unique_ptr<Exchange> S3Api::Begin(Request request) {
  // The static website endpoint (BUCKET.s3-website.localhost) answers
  // anyone, in HTML (s3_website_api.cc).
  if (std::string site = router::WebsiteBucketOf(request.host, options_.addressing);
      !site.empty()) {
    Response r = internal::ServeWebsite(*this, request, site);
    return Fixed(std::move(r));
  }
  // Every S3 answer, errors included, carries the headers of the bucket's
  // CORS rule that matches the request's Origin (s3_cors_api.cc).
  ResponseHeaders cors = CorsHeadersFor(*this, request);
  return WithHeaders(Dispatch(std::move(request)), std::move(cors));
}

std::unique_ptr<Exchange> S3Api::Dispatch(Request request_in) {
  // The exchange keeps the request; handlers refer to it there.
  struct Holder {
    Request request;
  };
  auto holder = std::make_shared<Holder>(Holder{std::move(request_in)});
  const Request& request = holder->request;
  auto fail = [&](const Error& e) { return Fixed(ErrorResponse(e, request)); };

  // Routed first: SigV2 signs the bucket a virtual-hosted request names.
  router::S3Route route = router::RouteS3(request, options_.addressing);
  // A CORS preflight is answered for anyone, before and without a signature check.
  if (route.op == S3Op::kPreflight) return Fixed(internal::Preflight(*this, request, route));
  // A form upload carries its signature in the form: checked when the form
  // is read (the request itself is unsigned).
  if (route.op == S3Op::kPostObject)
    return std::make_unique<KeepAlive<Holder>>(holder, internal::PostObject(*this, request, route));
  auto authenticated = auth_.Authenticate(
      request.raw, route.virtual_hosted ? std::string_view(route.bucket) : std::string_view());
  if (!authenticated) return fail(authenticated.error());
  auth::AuthResult auth = std::move(*authenticated);
  // Requests are billed to the bucket's owner once authenticated (CreateBucket
  // when it has created the bucket).
  if (!route.bucket.empty() && route.op != S3Op::kCreateBucket)
    Meter(route.bucket, TierOf(route.op, request.raw.method), 0);

  // Every exchange below captures `holder` so the request outlives it.
  std::unique_ptr<Exchange> exchange;
  switch (route.op) {
    case S3Op::kListBuckets: {
      auto buckets = store_.ListBuckets(CallerOf(request, auth));
      if (!buckets) return fail(buckets.error());
      exchange = Fixed(Xml(200, protocol::ListAllMyBucketsXml(
                                    OwnerOf(accounts_, auth.principal.account_id), *buckets)));
      break;
    }
    case S3Op::kCreateBucket: {
      std::string endpoint_region = auth.region.empty() ? options_.region : auth.region;
      auto acl = AclSpecFromHeaders(*this, request);
      if (!acl) return fail(acl.error());
      std::optional<s3::ObjectOwnership> ownership;
      if (const std::string* o = request.Header("x-amz-object-ownership")) {
        ownership = protocol::ParseObjectOwnership(*o);
        if (!ownership)
          return fail(InvalidArgument("Invalid x-amz-object-ownership header",
                                      "x-amz-object-ownership", *o));
      }
      const std::string* lock = request.Header("x-amz-bucket-object-lock-enabled");
      const bool object_lock = lock && IEquals(*lock, "true");
      exchange = std::make_unique<BufferedExchange>(
          request, [this, holder, auth, route, endpoint_region, acl = *acl,
                    ownership, object_lock](const std::string& body) {
            auto lc = protocol::ParseCreateBucketConfiguration(body);
            if (!lc) return ErrorResponse(lc.error(), holder->request);
            auto created = store_.CreateBucket(
                CallerOf(holder->request, auth),
                {route.bucket, *lc, endpoint_region, acl, ownership, object_lock});
            if (!created) return ErrorResponse(created.error(), holder->request);
            Meter(route.bucket, billing::RequestTier::kTier1, 0);
            Response r = Empty(200);
            r.SetHeader("Location", "/" + route.bucket);
            return r;
          });
      break;
    }
    case S3Op::kDeleteBucket: {
      if (Status st = store_.DeleteBucket(CallerOf(request, auth), route.bucket); !st)
        return fail(st.error());
      exchange = Fixed(Empty(204));
      break;
    }
    case S3Op::kHeadBucket: {
      auto bucket = store_.GetBucket(CallerOf(request, auth), route.bucket, s3::action::kListBucket);
      if (!bucket) return fail(bucket.error());
      Response r = Empty(200);
      r.SetHeader("x-amz-bucket-region", bucket->region);
      r.SetHeader("x-amz-access-point-alias", "false");
      exchange = Fixed(std::move(r));
      break;
    }
    case S3Op::kGetBucketLocation: {
      auto bucket = store_.GetBucket(CallerOf(request, auth), route.bucket,
                                     s3::action::kGetBucketLocation);
      if (!bucket) return fail(bucket.error());
      exchange = Fixed(Xml(200, protocol::LocationConstraintXml(bucket->region)));
      break;
    }
    case S3Op::kListObjectsV2:
      exchange = Fixed(ListObjectsV2(*this, request, auth, route));
      break;
    case S3Op::kPutObject: {
      auto meta = MetadataFromHeaders(request);
      if (!meta) return fail(meta.error());
      auto tags = TagsFromHeader(request);
      if (!tags) return fail(tags.error());
      // Refused before the body is read, as S3 does (with Expect: 100-continue
      // the client sends nothing); checked again when the object is stored.
      auto b = store_.GetBucket(CallerOf(request, auth), route.bucket, s3::action::kPutObject,
                                route.key);
      if (!b) return fail(b.error());
      auto customer_key = ApplyWriteEncryption(*this, request, *b, *meta);
      if (!customer_key) return fail(customer_key.error());
      std::string iv = meta->sse_customer_iv;
      auto put = std::make_unique<PutObjectExchange>(*this, request, std::move(auth), route,
                                                     std::move(*meta), std::move(*tags));
      if (*customer_key) put->EncryptWith(**customer_key, std::move(iv));
      if (Status st = put->Prepare(); !st) return fail(st.error());
      exchange = std::move(put);
      break;
    }
    case S3Op::kUploadPart: {
      auto part_number = PartNumberOf(request);
      if (!part_number) return fail(part_number.error());
      std::string upload_id = QueryValue(request, "uploadId");
      // Refuse an unknown upload before its body arrives.
      auto upload = store_.GetUpload(CallerOf(request, auth), route.bucket, route.key, upload_id,
                                     s3::action::kPutObject);
      if (!upload) return fail(upload.error());
      auto customer_key = PartKeyFor(request, upload->meta);
      if (!customer_key) return fail(customer_key.error());
      auto put = std::make_unique<PutObjectExchange>(
          *this, request, std::move(auth), route, s3::ObjectMetadata{}, s3::TagSet{},
          PartTarget{upload_id, *part_number});
      // Each part is encrypted with an IV of its own.
      if (*customer_key) put->EncryptWith(**customer_key, s3::NewIv());
      put->set_response_meta(upload->meta);
      if (Status st = put->Prepare(); !st) return fail(st.error());
      exchange = std::move(put);
      break;
    }
    case S3Op::kUploadPartCopy:
      exchange = Fixed(UploadPartCopy(*this, request, auth, route));
      break;
    case S3Op::kCopyObject:
      exchange = Fixed(CopyObject(*this, request, auth, route));
      break;
    case S3Op::kDeleteObjects:
      exchange = std::make_unique<BufferedExchange>(
          request, [this, holder, auth, route](const std::string& body) {
            return DeleteObjects(*this, holder->request, auth, route, body);
          });
      break;
    case S3Op::kGetObjectTagging:
      exchange = Fixed(GetObjectTagging(*this, request, auth, route));
      break;
    case S3Op::kPutObjectTagging: {
      auto version_id = VersionIdOf(request);
      if (!version_id) return fail(version_id.error());
      exchange = std::make_unique<BufferedExchange>(
          request, [this, holder, auth, route, version_id = *version_id](const std::string& body) {
            auto tags = protocol::ParseTagging(body, s3::kMaxObjectTags);
            if (!tags) return ErrorResponse(tags.error(), holder->request);
            if (Status st = store_.PutObjectTagging(CallerOf(holder->request, auth), route.bucket, route.key,
                                                    std::move(*tags),
                                                    version_id.empty()
                                                        ? s3::action::kPutObjectTagging
                                                        : s3::action::kPutObjectVersionTagging,
                                                    version_id);
                !st)
              return ErrorResponse(st.error(), holder->request);
            Response r = Empty(200);
            if (!version_id.empty()) r.SetHeader("x-amz-version-id", version_id);
            return r;
          });
      break;
    }
    case S3Op::kDeleteObjectTagging: {
      auto version_id = VersionIdOf(request);
      if (!version_id) return fail(version_id.error());
      if (Status st = store_.PutObjectTagging(CallerOf(request, auth), route.bucket, route.key, {},
                                              version_id->empty()
                                                  ? s3::action::kDeleteObjectTagging
                                                  : s3::action::kDeleteObjectVersionTagging,
                                              *version_id);
          !st)
        return fail(st.error());
      Response r = Empty(204);
      if (!version_id->empty()) r.SetHeader("x-amz-version-id", *version_id);
      exchange = Fixed(std::move(r));
      break;
    }
    case S3Op::kGetBucketTagging:
      exchange = Fixed(GetBucketTagging(*this, request, auth, route));
      break;
    case S3Op::kPutBucketTagging:
      exchange = std::make_unique<BufferedExchange>(
          request, [this, holder, auth, route](const std::string& body) {
            auto tags = protocol::ParseTagging(body, s3::kMaxBucketTags);
            if (!tags) return ErrorResponse(tags.error(), holder->request);
            if (Status st = store_.PutBucketTagging(CallerOf(holder->request, auth), route.bucket, std::move(*tags));
                !st)
              return ErrorResponse(st.error(), holder->request);
            return Empty(204);
          });
      break;
    case S3Op::kDeleteBucketTagging: {
      if (Status st = store_.PutBucketTagging(CallerOf(request, auth), route.bucket, std::nullopt); !st)
        return fail(st.error());
      exchange = Fixed(Empty(204));
      break;
    }
    case S3Op::kCreateMultipartUpload:
      exchange = Fixed(internal::CreateMultipartUpload(*this, request, auth, route));
      break;
    case S3Op::kCompleteMultipartUpload:
      exchange = internal::CompleteMultipartUpload(*this, request, auth, route);
      break;
    case S3Op::kAbortMultipartUpload:
      exchange = Fixed(internal::AbortMultipartUpload(*this, request, auth, route));
      break;
    case S3Op::kListParts:
      exchange = Fixed(internal::ListParts(*this, request, auth, route));
      break;
    case S3Op::kListMultipartUploads:
      exchange = Fixed(internal::ListMultipartUploads(*this, request, auth, route));
      break;
    case S3Op::kListObjects:
      exchange = Fixed(ListObjectsV1(*this, request, auth, route));
      break;
    case S3Op::kGetObject:
    case S3Op::kHeadObject:
      exchange = Fixed(GetObject(*this, request, auth, route, route.op == S3Op::kHeadObject));
      break;
    case S3Op::kDeleteObject: {
      auto version_id = VersionIdOf(request);
      if (!version_id) return fail(version_id.error());
      auto deleted = store_.DeleteObjectVersion(CallerOf(request, auth), route.bucket, route.key,
                                                *version_id, BypassGovernance(request));
      if (!deleted) return fail(deleted.error());
      Response r = Empty(204);
      if (deleted->delete_marker) r.SetHeader("x-amz-delete-marker", "true");
      if (!version_id->empty() || deleted->bucket_versioning != s3::VersioningState::kUnset)
        r.SetHeader("x-amz-version-id", deleted->version_id);
      exchange = Fixed(std::move(r));
      break;
    }
    case S3Op::kGetBucketVersioning:
      exchange = Fixed(internal::GetBucketVersioning(*this, request, auth, route));
      break;
    case S3Op::kPutBucketVersioning:
      exchange = internal::PutBucketVersioning(*this, request, auth, route);
      break;
    case S3Op::kListObjectVersions:
      exchange = Fixed(internal::ListObjectVersions(*this, request, auth, route));
      break;
    case S3Op::kGetObjectLockConfiguration:
      exchange = Fixed(internal::GetObjectLockConfiguration(*this, request, auth, route));
      break;
    case S3Op::kPutObjectLockConfiguration:
      exchange = internal::PutObjectLockConfiguration(*this, request, auth, route);
      break;
    case S3Op::kGetObjectRetention:
      exchange = Fixed(internal::GetObjectRetention(*this, request, auth, route));
      break;
    case S3Op::kPutObjectRetention:
      exchange = internal::PutObjectRetention(*this, request, auth, route);
      break;
    case S3Op::kGetObjectLegalHold:
      exchange = Fixed(internal::GetObjectLegalHold(*this, request, auth, route));
      break;
    case S3Op::kPutObjectLegalHold:
      exchange = internal::PutObjectLegalHold(*this, request, auth, route);
      break;
    case S3Op::kGetBucketCors:
      exchange = Fixed(internal::GetBucketCors(*this, request, auth, route));
      break;
    case S3Op::kPutBucketCors:
      exchange = internal::PutBucketCors(*this, request, auth, route);
      break;
    case S3Op::kDeleteBucketCors:
      exchange = Fixed(internal::DeleteBucketCors(*this, request, auth, route));
      break;
    case S3Op::kGetBucketWebsite:
      exchange = Fixed(internal::GetBucketWebsite(*this, request, auth, route));
      break;
    case S3Op::kPutBucketWebsite:
      exchange = internal::PutBucketWebsite(*this, request, auth, route);
      break;
    case S3Op::kDeleteBucketWebsite:
      exchange = Fixed(internal::DeleteBucketWebsite(*this, request, auth, route));
      break;
    case S3Op::kGetBucketLifecycleConfiguration:
      exchange = Fixed(internal::GetBucketLifecycle(*this, request, auth, route));
      break;
    case S3Op::kPutBucketLifecycleConfiguration:
      exchange = internal::PutBucketLifecycle(*this, request, auth, route);
      break;
    case S3Op::kDeleteBucketLifecycle:
      exchange = Fixed(internal::DeleteBucketLifecycle(*this, request, auth, route));
      break;
    case S3Op::kGetBucketEncryption:
      exchange = Fixed(internal::GetBucketEncryption(*this, request, auth, route));
      break;
    case S3Op::kPutBucketEncryption:
      exchange = internal::PutBucketEncryption(*this, request, auth, route);
      break;
    case S3Op::kDeleteBucketEncryption:
      exchange = Fixed(internal::DeleteBucketEncryption(*this, request, auth, route));
      break;
    case S3Op::kPreflight:  // answered above, before authentication
      return Fixed(internal::Preflight(*this, request, route));
    case S3Op::kPostObject:  // started above, before authentication
      return internal::PostObject(*this, request, route);
    case S3Op::kGetBucketAcl:
    case S3Op::kPutBucketAcl:
    case S3Op::kGetObjectAcl:
    case S3Op::kPutObjectAcl:
    case S3Op::kGetBucketPolicy:
    case S3Op::kPutBucketPolicy:
    case S3Op::kDeleteBucketPolicy:
    case S3Op::kGetBucketPolicyStatus:
    case S3Op::kGetPublicAccessBlock:
    case S3Op::kPutPublicAccessBlock:
    case S3Op::kDeletePublicAccessBlock:
    case S3Op::kGetBucketOwnershipControls:
    case S3Op::kPutBucketOwnershipControls:
    case S3Op::kDeleteBucketOwnershipControls:
      exchange = internal::AccessControl(*this, request, auth, route);
      break;
    case S3Op::kNotImplemented:
      return fail(MakeError(ErrorCode::kNotImplemented,
                            "This operation is not implemented by awslab yet."));
    case S3Op::kMethodNotAllowed: {
      Error e = MakeError(ErrorCode::kMethodNotAllowed);
      e.details.emplace_back("Method", request.raw.method);
      e.details.emplace_back("ResourceType", route.key.empty() ? "BUCKET" : "OBJECT");
      return fail(e);
    }
  }
  return std::make_unique<KeepAlive<Holder>>(std::move(holder), std::move(exchange));
}

}  // namespace awslab::api
