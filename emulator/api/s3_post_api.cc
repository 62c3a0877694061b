// POST Object: a browser form upload (POST /{bucket}, multipart/form-data).
// https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html
//
// The body streams through the multipart parser: the fields before `file`
// are kept (at most kMaxPreData bytes); when `file` begins, the form is
// checked (signature, policy, permission) and the file streams into a staged
// body as PutObject's does; the parts after it are ignored, as S3 ignores
// them. The object is stored through S3Store::PutObject.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/include/awslab/crypto.h"
#include "emulator/api/s3_internal.h"
#include "emulator/base/strings.h"
#include "emulator/protocol/multipart_form.h"
#include "emulator/protocol/xml_util.h"
#include "emulator/s3/post_policy.h"
#include "emulator/storage/staged_body.h"

namespace awslab::api::internal {
namespace {

using protocol::Request;
using protocol::Response;

// "The form data and boundaries (excluding the contents of the file) cannot
// exceed 20 KB." Counted here as the fields' names and values.
constexpr std::size_t kMaxPreData = 20 * 1024;

// Form fields that become the object's headers, as PutObject's request
// headers would (acl is x-amz-acl).
bool IsHeaderField(std::string_view name) {
  constexpr std::string_view kHeaders[] = {"cache-control", "content-type", "content-disposition",
                                           "content-encoding", "content-language", "expires"};
  for (auto h : kHeaders)
    if (IEquals(name, h)) return true;
  // The signature's own fields are not headers of the object.
  constexpr std::string_view kSignature[] = {"x-amz-algorithm", "x-amz-credential", "x-amz-date",
                                             "x-amz-signature", "x-amz-security-token"};
  for (auto s : kSignature)
    if (IEquals(name, s)) return false;
  return IStartsWith(name, "x-amz-");
}

// "If the browser or client provides a full or partial path to the file, only
// the text following the last slash (/) or backslash (\) will be used."
std::string BaseName(std::string_view filename) {
  std::size_t slash = filename.find_last_of("/\\");
  return std::string(slash == std::string_view::npos ? filename : filename.substr(slash + 1));
}

std::string ExpandFilename(std::string value, std::string_view filename) {
  static constexpr std::string_view kVariable = "${filename}";
  for (std::size_t at = value.find(kVariable); at != std::string::npos;
       at = value.find(kVariable, at + filename.size()))
    value.replace(at, kVariable.size(), filename);
  return value;
}

Error InvalidField(std::string message, std::string_view name, std::string_view value) {
  return InvalidArgument(std::move(message), name, value);
}

class PostObjectExchange final : public Exchange, public protocol::FormListener {
 public:
  PostObjectExchange(S3Api& api, const Request& request, router::S3Route route,
                     std::string boundary)
      : api_(api),
        request_(request),
        route_(std::move(route)),
        parser_(std::move(boundary), *this),
        md5_(crypto::Digest::Kind::kMd5) {
    // The largest object, and the fields and boundaries around it.
    body_limit = api_.options().max_put_size + (1 << 20);
  }

  // Read whole even after an error (never stopped early): browsers and HTTP
  // libraries send the whole form before they read the answer.
  bool OnBody(std::string_view data) override {
    if (error_ || file_done_) return true;
    if (Status st = parser_.Feed(data); !st && !error_) error_ = st.error();
    return true;
  }

  Response Finish(bool complete) override {
    if (!complete) return S3Api::ErrorResponse(MakeError(ErrorCode::kIncompleteBody), request_);
    if (!error_ && !file_done_) error_ = NoFile();
    if (error_) return S3Api::ErrorResponse(*error_, request_);
    if (Status st = s3::CheckContentLength(policy_ ? *policy_ : s3::PostPolicy{}, size_); !st)
      return S3Api::ErrorResponse(st.error(), request_);
    if (Status st = body_->Finish(); !st) return S3Api::ErrorResponse(st.error(), request_);
    std::string md5 = md5_.Finish();
    auto stored = api_.store().PutObject(CallerOf(form_request_, auth_), route_.bucket, key_,
                                         std::move(meta_), std::move(*body_),
                                         crypto::Hex(md5.data(), md5.size()), std::move(tags_),
                                         acl_);
    if (!stored) return S3Api::ErrorResponse(stored.error(), request_);
    Response r = Answer(stored->etag);
    AddVersionHeader(r, *stored);
    AddEncryptionHeaders(r, stored->meta);
    return r;
  }

  // FormListener.
  bool OnPartBegin(const protocol::FormPart& part) override {
    if (IEquals(part.name, "file")) {
      if (Status st = StartFile(part); !st) {
        error_ = st.error();
        return false;
      }
      in_file_ = true;
      return true;
    }
    field_ = s3::FormField{part.name, ""};
    return AddPreData(part.name.size());
  }

  bool OnPartData(std::string_view data) override {
    if (!in_file_) {
      field_.value.append(data);
      return AddPreData(data.size());
    }
    size_ += data.size();
    if (size_ > api_.options().max_put_size) {
      Error e = MakeError(ErrorCode::kEntityTooLarge);
      e.details.emplace_back("ProposedSize", std::to_string(size_));
      e.details.emplace_back("MaxSizeAllowed", std::to_string(api_.options().max_put_size));
      error_ = std::move(e);
      return false;
    }
    md5_.Update(data);
    if (Status st = body_->Append(data); !st) {
      error_ = st.error();
      return false;
    }
    return true;
  }

  bool OnPartEnd() override {
    if (in_file_) {
      // "Any fields below it are ignored."
      file_done_ = true;
      return false;
    }
    fields_.push_back(std::move(field_));
    return true;
  }

 private:
  bool AddPreData(std::size_t n) {
    pre_data_ += n;
    if (pre_data_ <= kMaxPreData) return true;
    error_ = MakeError(ErrorCode::kMaxPostPreDataLengthExceededError);
    return false;
  }

  const std::string* Field(std::string_view lowercase_name) const {
    for (const auto& f : fields_)
      if (IEquals(f.name, lowercase_name)) return &f.value;
    return nullptr;
  }

  Error MissingKey() const {
    return InvalidField(
        "Bucket POST must contain a field named 'key'.  If it is specified, please check the "
        "order of the fields.",
        "key", "");
  }

  // The body ended without a file.
  Error NoFile() const {
    if (Status st = parser_.Finish(); !st) return st.error();
    if (!Field("key")) return MissingKey();
    return InvalidField("POST requires exactly one file upload per request.", "file", "0");
  }

  // The file begins: everything the form says is checked now, before any of
  // the file is stored.
  Status StartFile(const protocol::FormPart& part) {
    // "The variable ${filename} is automatically replaced with the name of
    // the file provided by the user and is recognized by all form fields."
    std::string filename = BaseName(part.filename.value_or(""));
    for (auto& f : fields_) {
      if (IEquals(f.name, "policy") || s3::IsExemptFromPolicy(f.name)) continue;
      f.value = ExpandFilename(std::move(f.value), filename);
    }
    const std::string* key = Field("key");
    if (!key || key->empty()) return MissingKey();
    key_ = *key;

    if (const std::string* policy = Field("policy")) {
      auto signer = api_.authenticator().AuthenticatePostForm(
          [this](std::string_view name) { return Field(name); }, *policy);
      if (!signer) return signer.error();
      auth_ = std::move(*signer);
      auto decoded = crypto::Base64Decode(*policy);
      if (!decoded)
        return MakeError(ErrorCode::kInvalidPolicyDocument, "Invalid Policy: Invalid JSON.");
      auto parsed = s3::ParsePostPolicy(*decoded);
      if (!parsed) return parsed.error();
      // The simulation clock: a lesson moves it past a policy's expiration.
      TimePoint now{std::chrono::seconds(api_.store().NowSeconds())};
      if (Status st = s3::CheckPostPolicy(*parsed, fields_, route_.bucket, now); !st) return st;
      policy_ = std::move(*parsed);
    } else if (Field("awsaccesskeyid") || Field("x-amz-credential") || Field("signature") ||
               Field("x-amz-signature")) {
      // A signature signs the policy: one without a policy signs nothing.
      return InvalidField(
          "Bucket POST must contain a field named 'Policy'.  If it is specified, please check "
          "the order of the fields.",
          "Policy", "");
    }
    // Without a policy the upload is anonymous: "Requests without a security
    // policy are considered anonymous and will succeed only on publicly
    // writable buckets."

    // The form's fields as the headers of a PutObject, for the metadata, the
    // ACL and the bucket policy's conditions.
    form_request_ = request_;
    form_request_.raw.headers.clear();
    for (const auto& h : request_.raw.headers)
      if (IEquals(h.name, "user-agent") || IEquals(h.name, "referer"))
        form_request_.raw.headers.push_back(h);
    for (const auto& f : fields_) {
      if (IEquals(f.name, "acl")) form_request_.raw.headers.push_back({"x-amz-acl", f.value});
      else if (IsHeaderField(f.name)) form_request_.raw.headers.push_back({f.name, f.value});
    }
    auto meta = MetadataFromHeaders(form_request_);
    if (!meta) return meta.error();
    meta_ = std::move(*meta);
    auto acl = AclSpecFromHeaders(api_, form_request_);
    if (!acl) return acl.error();
    acl_ = std::move(*acl);
    if (const std::string* tagging = Field("tagging")) {
      auto tags = protocol::ParseTagging(*tagging, s3::kMaxObjectTags);
      if (!tags) return tags.error();
      tags_ = std::move(*tags);
    }
    if (!route_.bucket.empty()) api_.Meter(route_.bucket, billing::RequestTier::kTier1, 0);
    auto b = api_.store().GetBucket(CallerOf(form_request_, auth_), route_.bucket,
                                    s3::action::kPutObject, key_);
    if (!b) return b.error();
    // x-amz-server-side-encryption* fields, else the bucket's default
    // encryption, as for a PutObject.
    auto customer_key = ApplyWriteEncryption(api_, form_request_, *b, meta_);
    if (!customer_key) return customer_key.error();
    if (*customer_key)
      return MakeError(ErrorCode::kNotImplemented,
                       "awslab does not implement SSE-C (customer-provided keys) for POST Object "
                       "uploads; use PutObject.");
    const std::uint64_t announced = request_.content_length.value_or(0);
    if (Status st = api_.store().storage().HasSpace(announced, announced > storage::kSmallWrite);
        !st)
      return st;
    body_.emplace(api_.store().storage(), storage::kDefaultInlineThreshold);
    return Ok();
  }

  // The object's URL, as S3 answers it in Location.
  std::string ObjectUrl() const {
    const std::string* host = request_.Header("host");
    std::string url = "http://" + (host ? *host : std::string("localhost"));
    if (!route_.virtual_hosted) url += "/" + sigv4::UriEncode(route_.bucket, true);
    return url + "/" + sigv4::UriEncode(key_, false);
  }

  Response Answer(const std::string& etag) const {
    const std::string quoted = protocol::QuotedEtag(etag);
    // "success_action_redirect, redirect: The URL to which the client is
    // redirected upon successful upload. Amazon S3 appends the bucket, key,
    // and etag values as query string parameters to the URL." "If Amazon S3
    // cannot interpret the URL, it ignores the field."
    const std::string* redirect = Field("success_action_redirect");
    if (!redirect) redirect = Field("redirect");
    if (redirect && (IStartsWith(*redirect, "http://") || IStartsWith(*redirect, "https://"))) {
      std::string location = *redirect;
      location += location.find('?') == std::string::npos ? '?' : '&';
      location += "bucket=" + sigv4::UriEncode(route_.bucket, true) +
                  "&key=" + sigv4::UriEncode(key_, true) +
                  "&etag=" + sigv4::UriEncode(quoted, true);
      Response r = Empty(303);
      r.SetHeader("Location", location);
      r.SetHeader("ETag", quoted);
      return r;
    }
    // "Valid values are 200, 201, or 204 (default)." "If the value is not set
    // or if it is set to an invalid value, Amazon S3 returns an empty
    // document with a 204 status code."
    const std::string* status = Field("success_action_status");
    Response r;
    if (status && *status == "201") {
      pugi::xml_document doc;
      auto root = protocol::xml::Root(doc, "PostResponse", /*with_namespace=*/false);
      protocol::xml::Text(root, "Location", ObjectUrl());
      protocol::xml::Text(root, "Bucket", route_.bucket);
      protocol::xml::Text(root, "Key", key_);
      protocol::xml::Text(root, "ETag", quoted);
      r = Xml(201, protocol::xml::Serialize(doc));
    } else {
      r = Empty(status && *status == "200" ? 200 : 204);
    }
    r.SetHeader("ETag", quoted);
    r.SetHeader("Location", ObjectUrl());
    return r;
  }

  S3Api& api_;
  const Request& request_;
  router::S3Route route_;
  protocol::MultipartFormParser parser_;
  std::optional<Error> error_;

  std::vector<s3::FormField> fields_;  // before the file
  s3::FormField field_;                // the field being read
  std::size_t pre_data_ = 0;

  bool in_file_ = false;
  bool file_done_ = false;
  std::optional<storage::StagedBody> body_;
  crypto::Digest md5_;
  std::uint64_t size_ = 0;

  // Known once the file begins.
  std::string key_;
  auth::AuthResult auth_;  // anonymous without a policy
  std::optional<s3::PostPolicy> policy_;
  Request form_request_;
  s3::ObjectMetadata meta_;
  s3::TagSet tags_;
  s3::AclSpec acl_;
};

}  // namespace

std::unique_ptr<Exchange> PostObject(S3Api& api, const Request& request,
                                     const router::S3Route& route) {
  const std::string* type = request.Header("content-type");
  auto boundary = type ? protocol::FormDataBoundary(*type) : std::nullopt;
  if (!boundary) {
    Error e = MakeError(ErrorCode::kPreconditionFailed);
    e.details.emplace_back("Condition", "Bucket POST must be of the enclosure-type multipart/form-data");
    return Fixed(S3Api::ErrorResponse(e, request));
  }
  return std::make_unique<PostObjectExchange>(api, request, route, std::move(*boundary));
}

}  // namespace awslab::api::internal
