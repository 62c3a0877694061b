#include "emulator/api/s3_api.h"

#include <strings.h>

#include <charconv>
#include <functional>
#include <optional>

#include "client/include/awslab/crypto.h"
#include "emulator/auth/aws_chunked.h"
#include "emulator/auth/checksum.h"
#include "emulator/base/clock.h"
#include "emulator/protocol/s3_xml.h"
#include "emulator/storage/staged_body.h"

namespace awslab::api {
namespace {

using protocol::Request;
using protocol::Response;
using router::S3Op;

bool IStartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && ::strncasecmp(s.data(), prefix.data(), prefix.size()) == 0;
}

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

// An exchange whose answer is known before any body.
class FixedExchange final : public Exchange {
 public:
  explicit FixedExchange(Response response) { early = std::move(response); }
  bool OnBody(std::string_view) override { return false; }
  Response Finish(bool) override { return std::move(*early); }
};

// Collects a small body (an XML document), then runs the handler.
class BufferedExchange final : public Exchange {
 public:
  using Handler = std::function<Response(const std::string& body)>;
  BufferedExchange(const Request& request, Handler handler)
      : request_(request), handler_(std::move(handler)) {}
  bool OnBody(std::string_view data) override {
    body_.append(data);
    return true;
  }
  Response Finish(bool complete) override {
    if (!complete) return S3Api::ErrorResponse(MakeError(ErrorCode::kIncompleteBody), request_);
    return handler_(body_);
  }

 private:
  const Request& request_;
  Handler handler_;
  std::string body_;
};

std::unique_ptr<Exchange> Fixed(Response response) {
  return std::make_unique<FixedExchange>(std::move(response));
}

std::optional<std::uint64_t> ParseU64(std::string_view s) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

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
    if (token.empty() || ::strncasecmp(token.data(), "aws-chunked", token.size()) == 0 &&
                             token.size() == 11)
      continue;
    if (!out.empty()) out.push_back(',');
    out.append(token);
  }
  return out;
}

// The headers of a PutObject that become the object's metadata.
Result<s3::ObjectMetadata> MetadataFromHeaders(const Request& request) {
  s3::ObjectMetadata meta;
  std::size_t user_bytes = 0;
  for (const auto& h : request.raw.headers) {
    std::string_view name = h.name;
    auto is = [&](std::string_view n) {
      return name.size() == n.size() && ::strncasecmp(name.data(), n.data(), n.size()) == 0;
    };
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
    } else if (is("x-amz-storage-class")) {
      bool known = false;
      for (auto sc : kStorageClasses) known |= sc == h.value;
      if (!known) return MakeError(ErrorCode::kInvalidStorageClass);
      if (h.value != "STANDARD") meta.storage_class = h.value;
    }
  }
  if (user_bytes > s3::kMaxUserMetadataBytes) {
    Error e = MakeError(ErrorCode::kMetadataTooLarge);
    e.details.emplace_back("Size", std::to_string(user_bytes));
    e.details.emplace_back("MaxSizeAllowed", std::to_string(s3::kMaxUserMetadataBytes));
    return e;
  }
  return meta;
}

// PutObject: the body streams through the aws-chunked decoder (when used),
// the digests and checksums, into a staged body; the object is committed
// only when every check passed.
class PutObjectExchange final : public Exchange {
 public:
  PutObjectExchange(S3Api& api, const Request& request, auth::AuthResult auth,
                    router::S3Route route, s3::ObjectMetadata meta)
      : api_(api),
        request_(request),
        auth_(std::move(auth)),
        route_(std::move(route)),
        meta_(std::move(meta)),
        body_(api.store().storage()),
        md5_(crypto::Digest::Kind::kMd5) {}

  // Reads the integrity headers; an error here is answered before the body.
  Status Prepare() {
    using auth::PayloadMode;
    const auto mode = auth_.payload_mode;
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
    auto stored = api_.store().PutObject(auth_.principal, route_.bucket, route_.key,
                                         std::move(meta_), std::move(body_),
                                         crypto::Hex(md5_raw_.data(), md5_raw_.size()));
    if (!stored) return S3Api::ErrorResponse(stored.error(), request_);
    Response r = Empty(200);
    r.SetHeader("ETag", protocol::QuotedEtag(stored->etag));
    if (!stored->meta.checksum_algorithm.empty()) {
      auto alg = auth::ParseChecksumAlgorithm(stored->meta.checksum_algorithm);
      if (alg) r.SetHeader(std::string(auth::ChecksumHeaderName(*alg)), stored->meta.checksum_value);
    }
    return r;
  }

 private:
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
  // "x-amz-checksum-mode: To retrieve the checksum, this mode must be enabled."
  if (const std::string* mode = request.Header("x-amz-checksum-mode");
      mode && ::strcasecmp(mode->c_str(), "ENABLED") == 0 && !m.checksum_algorithm.empty()) {
    if (auto alg = auth::ParseChecksumAlgorithm(m.checksum_algorithm))
      r.SetHeader(std::string(auth::ChecksumHeaderName(*alg)), m.checksum_value);
  }
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

Response GetObject(S3Api& api, const Request& request, const auth::AuthResult& auth,
                   const router::S3Route& route, bool head) {
  auto object = api.store().GetObject(auth.principal, route.bucket, route.key);
  if (!object) return S3Api::ErrorResponse(object.error(), request);
  auto range = ParseRange(request, object->size);
  if (!range) return S3Api::ErrorResponse(range.error(), request);
  std::uint64_t begin = 0, length = object->size;
  Response r = Empty(200);
  if (*range) {
    begin = (*range)->first;
    length = (*range)->second - begin + 1;
    r.status = 206;
    r.SetHeader("Content-Range", "bytes " + std::to_string(begin) + "-" +
                                     std::to_string((*range)->second) + "/" +
                                     std::to_string(object->size));
  }
  AddObjectHeaders(r, *object, request);
  if (head) {
    r.head_content_length = length;
    return r;
  }
  if (object->blob_id.empty()) {
    r.body = object->inline_body.substr(begin, length);
    return r;
  }
  auto fd = api.store().storage().OpenBlob(object->blob_id);
  if (!fd) return S3Api::ErrorResponse(fd.error(), request);
  r.file = std::make_unique<protocol::FileBody>(*fd);
  r.file->offset = begin;
  r.file->size = length;
  return r;
}

protocol::Owner OwnerOf(const auth::AccountStore& accounts, const std::string& account_id) {
  auto account = accounts.FindAccount(account_id);
  if (!account) return {auth::Account{account_id, account_id, false}.CanonicalUserId(), account_id};
  return {account->CanonicalUserId(), account->name};
}

// Continuation tokens are opaque to clients: base64 of a kind letter ('K'
// after a key, 'P' after a common prefix) and the key.
std::string EncodeToken(const std::string& after, bool is_prefix) {
  return crypto::Base64((is_prefix ? "P" : "K") + after);
}

Response ListObjectsV2(S3Api& api, const Request& request, const auth::AuthResult& auth,
                       const router::S3Route& route) {
  s3::ListObjectsRequest list;
  list.bucket = route.bucket;
  auto q = [&](std::string_view name) {
    const std::string* v = request.Query(name);
    return v ? *v : std::string();
  };
  list.prefix = q("prefix");
  list.delimiter = q("delimiter");
  std::string start_after = q("start-after");
  std::string token = q("continuation-token");
  if (request.HasQuery("max-keys")) {
    auto n = ParseU64(q("max-keys"));
    if (!n) {
      Error e = MakeError(ErrorCode::kInvalidArgument, "Provided max-keys not an integer or within integer range");
      e.details.emplace_back("ArgumentName", "max-keys");
      e.details.emplace_back("ArgumentValue", q("max-keys"));
      return S3Api::ErrorResponse(e, request);
    }
    list.max_keys = static_cast<int>(std::min<std::uint64_t>(*n, s3::kMaxListKeys));
  }
  std::string encoding = q("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    Error e = MakeError(ErrorCode::kInvalidArgument, "Invalid Encoding Method specified in Request");
    e.details.emplace_back("ArgumentName", "encoding-type");
    e.details.emplace_back("ArgumentValue", encoding);
    return S3Api::ErrorResponse(e, request);
  }
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
  auto result = api.store().ListObjects(auth.principal, list);
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
  page.url_encode = encoding == "url";
  page.fetch_owner = q("fetch-owner") == "true";
  page.result = &*result;
  page.owner_ctx = const_cast<auth::AccountStore*>(&api.accounts());
  page.owner_of = [](const std::string& id, void* ctx) {
    return OwnerOf(*static_cast<const auth::AccountStore*>(ctx), id);
  };
  return Xml(200, protocol::ListBucketV2Xml(page));
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

std::unique_ptr<Exchange> S3Api::Begin(Request request_in) {
  // The exchange keeps the request; handlers refer to it there.
  struct Holder {
    Request request;
  };
  auto holder = std::make_shared<Holder>(Holder{std::move(request_in)});
  const Request& request = holder->request;
  auto fail = [&](const Error& e) { return Fixed(ErrorResponse(e, request)); };

  auto authenticated = auth_.Authenticate(request.raw);
  if (!authenticated) return fail(authenticated.error());
  auth::AuthResult auth = std::move(*authenticated);
  router::S3Route route = router::RouteS3(request, options_.addressing);

  // Every exchange below captures `holder` so the request outlives it.
  std::unique_ptr<Exchange> exchange;
  switch (route.op) {
    case S3Op::kListBuckets: {
      auto buckets = store_.ListBuckets(auth.principal);
      if (!buckets) return fail(buckets.error());
      exchange = Fixed(Xml(200, protocol::ListAllMyBucketsXml(
                                    OwnerOf(accounts_, auth.principal.account_id), *buckets)));
      break;
    }
    case S3Op::kCreateBucket: {
      std::string endpoint_region = auth.region.empty() ? options_.region : auth.region;
      exchange = std::make_unique<BufferedExchange>(
          request, [this, holder, auth, route, endpoint_region](const std::string& body) {
            auto lc = protocol::ParseCreateBucketConfiguration(body);
            if (!lc) return ErrorResponse(lc.error(), holder->request);
            auto created = store_.CreateBucket(auth.principal, {route.bucket, *lc, endpoint_region});
            if (!created) return ErrorResponse(created.error(), holder->request);
            Response r = Empty(200);
            r.SetHeader("Location", "/" + route.bucket);
            return r;
          });
      break;
    }
    case S3Op::kDeleteBucket: {
      if (Status st = store_.DeleteBucket(auth.principal, route.bucket); !st)
        return fail(st.error());
      exchange = Fixed(Empty(204));
      break;
    }
    case S3Op::kHeadBucket: {
      auto bucket = store_.GetBucket(auth.principal, route.bucket);
      if (!bucket) return fail(bucket.error());
      Response r = Empty(200);
      r.SetHeader("x-amz-bucket-region", bucket->region);
      r.SetHeader("x-amz-access-point-alias", "false");
      exchange = Fixed(std::move(r));
      break;
    }
    case S3Op::kGetBucketLocation: {
      auto bucket = store_.GetBucket(auth.principal, route.bucket);
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
      auto put = std::make_unique<PutObjectExchange>(*this, request, std::move(auth), route,
                                                     std::move(*meta));
      if (Status st = put->Prepare(); !st) return fail(st.error());
      exchange = std::move(put);
      break;
    }
    case S3Op::kGetObject:
    case S3Op::kHeadObject:
      exchange = Fixed(GetObject(*this, request, auth, route, route.op == S3Op::kHeadObject));
      break;
    case S3Op::kDeleteObject: {
      if (Status st = store_.DeleteObject(auth.principal, route.bucket, route.key); !st)
        return fail(st.error());
      exchange = Fixed(Empty(204));
      break;
    }
    case S3Op::kListObjects:
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
