// The multipart operations of the S3 API other than UploadPart and
// UploadPartCopy (which stream through s3_api.cc's PutObject pipeline).
#include "client/include/awslab/crypto.h"
#include "emulator/api/s3_internal.h"
#include "emulator/auth/checksum.h"

namespace awslab::api::internal {
namespace {

using protocol::Request;
using protocol::Response;

// A composite checksum: the checksum of the parts' raw checksums, then "-N".
// Empty when a part has none.
std::string CompositeChecksum(const s3::UploadRecord& upload,
                              const std::vector<s3::PartRecord>& parts) {
  auto alg = auth::ParseChecksumAlgorithm(upload.meta.checksum_algorithm);
  if (!alg) return {};
  auth::Checksum sum(*alg);
  for (const auto& p : parts) {
    auto raw = crypto::Base64Decode(p.checksum_value);
    if (p.checksum_value.empty() || !raw) return {};
    sum.Update(*raw);
  }
  return sum.FinishBase64() + "-" + std::to_string(parts.size());
}

}  // namespace

Response CreateMultipartUpload(S3Api& api, const Request& request, const auth::AuthResult& auth,
                               const router::S3Route& route) {
  auto meta = MetadataFromHeaders(request);
  if (!meta) return S3Api::ErrorResponse(meta.error(), request);
  auto tags = TagsFromHeader(request);
  if (!tags) return S3Api::ErrorResponse(tags.error(), request);
  if (const std::string* a = request.Header("x-amz-checksum-algorithm")) {
    auto alg = auth::ParseChecksumAlgorithm(*a);
    if (!alg)
      return S3Api::ErrorResponse(
          MakeError(ErrorCode::kInvalidRequest,
                    "Checksum algorithm provided is unsupported. Please try again with any of the "
                    "valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]"),
          request);
    meta->checksum_algorithm = std::string(auth::ChecksumAlgorithmName(*alg));
  }
  if (const std::string* type = request.Header("x-amz-checksum-type");
      type && *type != "COMPOSITE")
    return S3Api::ErrorResponse(
        MakeError(ErrorCode::kNotImplemented,
                  "Only the COMPOSITE checksum type is implemented by awslab for multipart "
                  "uploads."),
        request);
  auto acl = AclSpecFromHeaders(api, request);
  if (!acl) return S3Api::ErrorResponse(acl.error(), request);
  {
    auto b = api.store().GetBucket(CallerOf(request, auth), route.bucket, s3::action::kPutObject,
                                   route.key);
    if (!b) return S3Api::ErrorResponse(b.error(), request);
    auto key = ApplyWriteEncryption(api, request, *b, *meta);
    if (!key) return S3Api::ErrorResponse(key.error(), request);
    meta->sse_customer_iv.clear();  // each part has its own
  }
  auto upload = api.store().CreateMultipartUpload(CallerOf(request, auth), route.bucket, route.key,
                                                  std::move(*meta), std::move(*tags), *acl);
  if (!upload) return S3Api::ErrorResponse(upload.error(), request);
  Response r = Xml(200, protocol::InitiateMultipartUploadXml(route.bucket, route.key,
                                                             upload->upload_id));
  AddEncryptionHeaders(r, upload->meta);
  if (!upload->meta.checksum_algorithm.empty()) {
    r.SetHeader("x-amz-checksum-algorithm", upload->meta.checksum_algorithm);
    r.SetHeader("x-amz-checksum-type", "COMPOSITE");
  }
  return r;
}

std::unique_ptr<Exchange> CompleteMultipartUpload(S3Api& api, const Request& request,
                                                  const auth::AuthResult& auth,
                                                  const router::S3Route& route) {
  std::string upload_id = QueryValue(request, "uploadId");
  // An unknown upload is refused before its body.
  auto upload = api.store().GetUpload(CallerOf(request, auth), route.bucket, route.key, upload_id);
  if (!upload) return Fixed(S3Api::ErrorResponse(upload.error(), request));
  std::string checksum_element;
  if (!upload->meta.checksum_algorithm.empty())
    checksum_element = "Checksum" + upload->meta.checksum_algorithm;
  return std::make_unique<BufferedExchange>(
      request, [&api, &request, auth, route, upload_id, checksum_element](const std::string& body) {
        auto parts = protocol::ParseCompleteMultipartUpload(body, checksum_element);
        if (!parts) return S3Api::ErrorResponse(parts.error(), request);
        auto object = api.store().CompleteUpload(CallerOf(request, auth), route.bucket, route.key,
                                                 upload_id, *parts, CompositeChecksum);
        if (!object) return S3Api::ErrorResponse(object.error(), request);
        std::string host = request.Header("host") ? *request.Header("host") : "localhost";
        std::string location = "http://" + host + "/" + route.bucket + "/" +
                               sigv4::UriEncode(route.key, /*encode_slash=*/false);
        Response r = Xml(200, protocol::CompleteMultipartUploadXml(
                                  location, route.bucket, route.key, object->etag,
                                  object->meta.checksum_algorithm, object->meta.checksum_value));
        AddEncryptionHeaders(r, object->meta, /*with_customer=*/false);
        AddVersionHeader(r, *object);
        return r;
      });
}

Response AbortMultipartUpload(S3Api& api, const Request& request, const auth::AuthResult& auth,
                              const router::S3Route& route) {
  std::string upload_id = QueryValue(request, "uploadId");
  if (Status st = api.store().AbortUpload(CallerOf(request, auth), route.bucket, route.key, upload_id);
      !st)
    return S3Api::ErrorResponse(st.error(), request);
  return Empty(204);
}

Response ListParts(S3Api& api, const Request& request, const auth::AuthResult& auth,
                   const router::S3Route& route) {
  std::string upload_id = QueryValue(request, "uploadId");
  auto max_parts = MaxValue(request, "max-parts", 1000);
  if (!max_parts) return S3Api::ErrorResponse(max_parts.error(), request);
  int marker = 0;
  if (request.HasQuery("part-number-marker")) {
    std::string v = QueryValue(request, "part-number-marker");
    auto n = ParseU64(v);
    if (!n || *n > static_cast<std::uint64_t>(s3::kMaxPartNumber))
      return S3Api::ErrorResponse(
          InvalidArgument("Provided part-number-marker not an integer or within integer range",
                          "part-number-marker", v),
          request);
    marker = static_cast<int>(*n);
  }
  auto result =
      api.store().ListParts(CallerOf(request, auth), route.bucket, route.key, upload_id, marker, *max_parts);
  if (!result) return S3Api::ErrorResponse(result.error(), request);
  protocol::ListPartsPage page;
  page.bucket = route.bucket;
  page.part_number_marker = marker;
  page.max_parts = *max_parts;
  page.result = &*result;
  page.owner = OwnerOf(api.accounts(), result->upload.owner_account_id);
  return Xml(200, protocol::ListPartsXml(page));
}

Response ListMultipartUploads(S3Api& api, const Request& request, const auth::AuthResult& auth,
                              const router::S3Route& route) {
  s3::ListUploadsRequest list;
  list.bucket = route.bucket;
  list.prefix = QueryValue(request, "prefix");
  list.delimiter = QueryValue(request, "delimiter");
  list.key_marker = QueryValue(request, "key-marker");
  list.upload_id_marker = list.key_marker.empty() ? "" : QueryValue(request, "upload-id-marker");
  auto max_uploads = MaxValue(request, "max-uploads", 1000);
  if (!max_uploads) return S3Api::ErrorResponse(max_uploads.error(), request);
  list.max_uploads = *max_uploads;
  auto url_encode = UrlEncoding(request);
  if (!url_encode) return S3Api::ErrorResponse(url_encode.error(), request);
  auto result = api.store().ListUploads(CallerOf(request, auth), list);
  if (!result) return S3Api::ErrorResponse(result.error(), request);
  protocol::ListUploadsPage page;
  page.bucket = route.bucket;
  page.prefix = list.prefix;
  page.delimiter = list.delimiter;
  page.key_marker = list.key_marker;
  page.upload_id_marker = list.upload_id_marker;
  page.max_uploads = list.max_uploads;
  page.url_encode = *url_encode;
  page.result = &*result;
  page.owner_ctx = const_cast<auth::AccountStore*>(&api.accounts());
  page.owner_of = OwnerFromCtx;
  return Xml(200, protocol::ListMultipartUploadsXml(page));
}

}  // namespace awslab::api::internal
