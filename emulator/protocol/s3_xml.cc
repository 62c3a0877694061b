#include "emulator/protocol/s3_xml.h"

#include <pugixml.hpp>
#include <charconv>
#include <optional>
#include <sstream>

#include "client/include/awslab/sigv4.h"
#include "emulator/base/clock.h"
#include "emulator/protocol/http.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

std::string Serialize(const pugi::xml_document& doc) { return xml::Serialize(doc); }

pugi::xml_node Root(pugi::xml_document& doc, const char* name, bool with_namespace = true) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child(name);
  if (with_namespace) root.append_attribute("xmlns") = std::string(kS3Namespace).c_str();
  return root;
}

void Text(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(std::string(value).c_str());
}

std::string MaybeEncode(const std::string& s, bool url_encode) {
  return url_encode ? sigv4::UriEncode(s, /*encode_slash=*/false) : s;
}

void AppendOwner(pugi::xml_node parent, const char* name, const Owner& owner) {
  auto n = parent.append_child(name);
  Text(n, "ID", owner.id);
  Text(n, "DisplayName", owner.display_name);
}

using OwnerOf = Owner (*)(const std::string& account_id, void* ctx);

// The <Contents> of a ListObjects page; with an Owner when owner_of is set.
void AppendContents(pugi::xml_node root, const std::vector<s3::ObjectRecord>& objects,
                    bool url_encode, OwnerOf owner_of, void* owner_ctx) {
  for (const auto& o : objects) {
    auto c = root.append_child("Contents");
    Text(c, "Key", MaybeEncode(o.key, url_encode));
    Text(c, "LastModified", FormatIso8601(o.last_modified));
    Text(c, "ETag", QuotedEtag(o.etag));
    if (!o.meta.checksum_algorithm.empty()) Text(c, "ChecksumAlgorithm", o.meta.checksum_algorithm);
    Text(c, "Size", std::to_string(o.size));
    if (owner_of) AppendOwner(c, "Owner", owner_of(o.owner_account_id, owner_ctx));
    Text(c, "StorageClass", o.meta.storage_class.empty() ? "STANDARD" : o.meta.storage_class);
  }
}

void AppendCommonPrefixes(pugi::xml_node root, const std::vector<std::string>& prefixes,
                          bool url_encode) {
  for (const auto& p : prefixes) {
    auto c = root.append_child("CommonPrefixes");
    Text(c, "Prefix", MaybeEncode(p, url_encode));
  }
}

}  // namespace

std::string QuotedEtag(std::string_view etag) {
  std::string out;
  out.reserve(etag.size() + 2);
  out.push_back('"');
  out.append(etag);
  out.push_back('"');
  return out;
}

std::string ErrorXml(const Error& error, std::string_view resource, std::string_view request_id,
                     std::string_view host_id) {
  pugi::xml_document doc;
  auto root = Root(doc, "Error", /*with_namespace=*/false);
  Text(root, "Code", Describe(error.code).code);
  Text(root, "Message", xml::ErrorText(error.Message()));
  for (const auto& [name, value] : error.details) Text(root, name.c_str(), xml::ErrorText(value));
  if (!resource.empty()) Text(root, "Resource", xml::ErrorText(resource));
  Text(root, "RequestId", request_id);
  Text(root, "HostId", host_id);
  return Serialize(doc);
}

std::string ListAllMyBucketsXml(const Owner& owner, const std::vector<s3::BucketRecord>& buckets) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListAllMyBucketsResult");
  AppendOwner(root, "Owner", owner);
  auto list = root.append_child("Buckets");
  for (const auto& b : buckets) {
    auto n = list.append_child("Bucket");
    Text(n, "Name", b.name);
    Text(n, "CreationDate", FormatIso8601(b.created));
    Text(n, "BucketRegion", b.region);
  }
  return Serialize(doc);
}

std::string LocationConstraintXml(std::string_view region) {
  pugi::xml_document doc;
  auto root = Root(doc, "LocationConstraint");
  if (region != "us-east-1") root.text().set(std::string(region).c_str());
  return Serialize(doc);
}

std::string ListBucketV2Xml(const ListV2Page& page) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListBucketResult");
  const s3::ListObjectsResult& r = *page.result;
  Text(root, "Name", page.bucket);
  Text(root, "Prefix", MaybeEncode(page.prefix, page.url_encode));
  if (!page.delimiter.empty()) Text(root, "Delimiter", MaybeEncode(page.delimiter, page.url_encode));
  if (!page.start_after.empty())
    Text(root, "StartAfter", MaybeEncode(page.start_after, page.url_encode));
  if (!page.continuation_token.empty()) Text(root, "ContinuationToken", page.continuation_token);
  if (!page.next_continuation_token.empty())
    Text(root, "NextContinuationToken", page.next_continuation_token);
  Text(root, "KeyCount", std::to_string(r.objects.size() + r.common_prefixes.size()));
  Text(root, "MaxKeys", std::to_string(page.max_keys));
  if (page.url_encode) Text(root, "EncodingType", "url");
  Text(root, "IsTruncated", r.truncated ? "true" : "false");
  AppendContents(root, r.objects, page.url_encode,
                 page.fetch_owner ? page.owner_of : nullptr, page.owner_ctx);
  AppendCommonPrefixes(root, r.common_prefixes, page.url_encode);
  return Serialize(doc);
}

std::string ListBucketV1Xml(const ListV1Page& page) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListBucketResult");
  const s3::ListObjectsResult& r = *page.result;
  Text(root, "Name", page.bucket);
  Text(root, "Prefix", MaybeEncode(page.prefix, page.url_encode));
  Text(root, "Marker", MaybeEncode(page.marker, page.url_encode));
  if (!page.next_marker.empty())
    Text(root, "NextMarker", MaybeEncode(page.next_marker, page.url_encode));
  Text(root, "MaxKeys", std::to_string(page.max_keys));
  if (!page.delimiter.empty()) Text(root, "Delimiter", MaybeEncode(page.delimiter, page.url_encode));
  if (page.url_encode) Text(root, "EncodingType", "url");
  Text(root, "IsTruncated", r.truncated ? "true" : "false");
  AppendContents(root, r.objects, page.url_encode, page.owner_of, page.owner_ctx);
  AppendCommonPrefixes(root, r.common_prefixes, page.url_encode);
  return Serialize(doc);
}

namespace {

Result<pugi::xml_node> LoadRoot(pugi::xml_document& doc, std::string_view body,
                                std::string_view root_name) {
  if (!doc.load_buffer(body.data(), body.size(), xml::kParseOptions))
    return MakeError(ErrorCode::kMalformedXML);
  auto root = doc.document_element();
  if (std::string_view(root.name()) != root_name) return MakeError(ErrorCode::kMalformedXML);
  return root;
}

std::string StripQuotes(std::string_view etag) {
  while (!etag.empty() && (etag.front() == ' ' || etag.front() == '"')) etag.remove_prefix(1);
  while (!etag.empty() && (etag.back() == ' ' || etag.back() == '"')) etag.remove_suffix(1);
  return std::string(etag);
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

}  // namespace

Result<DeleteRequest> ParseDeleteRequest(std::string_view body) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "Delete");
  if (!root) return root.error();
  DeleteRequest request;
  std::string_view quiet = root->child("Quiet").text().get();
  request.quiet = quiet == "true" || quiet == "True" || quiet == "TRUE";
  for (auto object : root->children("Object")) {
    auto key = object.child("Key");
    if (!key) return MakeError(ErrorCode::kMalformedXML);
    request.keys.emplace_back(key.text().get());
    request.version_ids.emplace_back(object.child("VersionId").text().get());
  }
  // "The request can contain a list of up to 1,000 keys."
  if (request.keys.empty() || request.keys.size() > 1000)
    return MakeError(ErrorCode::kMalformedXML);
  return request;
}

std::string DeleteResultXml(const std::vector<DeleteOutcome>& outcomes, bool quiet) {
  pugi::xml_document doc;
  auto root = Root(doc, "DeleteResult");
  for (const auto& o : outcomes) {
    if (!o.error) {
      if (quiet) continue;
      auto d = root.append_child("Deleted");
      Text(d, "Key", o.key);
      if (!o.version_id.empty()) Text(d, "VersionId", o.version_id);
      if (o.delete_marker) {
        Text(d, "DeleteMarker", "true");
        Text(d, "DeleteMarkerVersionId", o.delete_marker_version_id);
      }
    } else {
      auto e = root.append_child("Error");
      Text(e, "Key", o.key);
      if (!o.version_id.empty()) Text(e, "VersionId", o.version_id);
      Text(e, "Code", Describe(o.error->code).code);
      Text(e, "Message", o.error->Message());
    }
  }
  return Serialize(doc);
}

std::string CopyResultXml(const char* root_name, std::string_view etag, TimePoint last_modified,
                          std::string_view checksum_algorithm, std::string_view checksum_value) {
  pugi::xml_document doc;
  auto root = Root(doc, root_name);
  Text(root, "LastModified", FormatIso8601(last_modified));
  Text(root, "ETag", QuotedEtag(etag));
  if (!checksum_algorithm.empty() && !checksum_value.empty())
    Text(root, ("Checksum" + std::string(checksum_algorithm)).c_str(), checksum_value);
  return Serialize(doc);
}

Status ValidateTags(const s3::TagSet& tags, int max_tags) {
  if (static_cast<int>(tags.size()) > max_tags) {
    if (max_tags == s3::kMaxObjectTags)
      return MakeError(ErrorCode::kBadRequest, "Object tags cannot be greater than 10");
    return MakeError(ErrorCode::kInvalidTag, "Bucket tag count cannot be greater than 50");
  }
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto& [k, v] = tags[i];
    if (k.empty() || Utf8Length(k) > 128)
      return MakeError(ErrorCode::kInvalidTag,
                       k.empty() ? "The TagKey you have provided is invalid"
                                 : "The TagKey you have provided is too long, max 128");
    if (Utf8Length(v) > 256)
      return MakeError(ErrorCode::kInvalidTag,
                       "The TagValue you have provided is too long, max 256");
    if (k.starts_with("aws:"))
      return MakeError(ErrorCode::kInvalidTag,
                       "System tags cannot be added/updated by requester");
    for (std::size_t j = 0; j < i; ++j)
      if (tags[j].first == k)
        return MakeError(ErrorCode::kInvalidTag, "Cannot provide multiple Tags with the same key");
  }
  return Ok();
}

Result<s3::TagSet> ParseTagging(std::string_view body, int max_tags) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "Tagging");
  if (!root) return root.error();
  auto set = root->child("TagSet");
  if (!set) return MakeError(ErrorCode::kMalformedXML);
  s3::TagSet tags;
  for (auto tag : set.children("Tag")) {
    auto key = tag.child("Key");
    auto value = tag.child("Value");
    if (!key || !value) return MakeError(ErrorCode::kMalformedXML);
    tags.emplace_back(key.text().get(), value.text().get());
  }
  if (Status st = ValidateTags(tags, max_tags); !st) return st.error();
  return tags;
}

std::string TaggingXml(const s3::TagSet& tags) {
  pugi::xml_document doc;
  auto root = Root(doc, "Tagging");
  auto set = root.append_child("TagSet");
  for (const auto& [k, v] : tags) {
    auto t = set.append_child("Tag");
    Text(t, "Key", k);
    Text(t, "Value", v);
  }
  return Serialize(doc);
}

Result<s3::TagSet> ParseTaggingHeader(std::string_view value, int max_tags) {
  s3::TagSet tags;
  while (!value.empty()) {
    std::size_t amp = value.find('&');
    std::string_view pair = value.substr(0, amp);
    value = amp == value.npos ? std::string_view() : value.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string k, v;
    if (!PercentDecode(pair.substr(0, eq), /*plus_is_space=*/true, k) ||
        !PercentDecode(eq == pair.npos ? std::string_view() : pair.substr(eq + 1),
                       /*plus_is_space=*/true, v))
      return MakeError(ErrorCode::kInvalidArgument, "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.");
    tags.emplace_back(std::move(k), std::move(v));
  }
  if (Status st = ValidateTags(tags, max_tags); !st) return st.error();
  return tags;
}

std::string InitiateMultipartUploadXml(std::string_view bucket, std::string_view key,
                                       std::string_view upload_id) {
  pugi::xml_document doc;
  auto root = Root(doc, "InitiateMultipartUploadResult");
  Text(root, "Bucket", bucket);
  Text(root, "Key", key);
  Text(root, "UploadId", upload_id);
  return Serialize(doc);
}

Result<std::vector<s3::CompletedPart>> ParseCompleteMultipartUpload(
    std::string_view body, std::string_view checksum_element) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "CompleteMultipartUpload");
  if (!root) return root.error();
  std::vector<s3::CompletedPart> parts;
  for (auto part : root->children("Part")) {
    s3::CompletedPart p;
    std::string_view number = part.child("PartNumber").text().get();
    int n = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), n);
    if (number.empty() || ec != std::errc() || ptr != number.data() + number.size())
      return MakeError(ErrorCode::kMalformedXML);
    p.part_number = n;
    p.etag = StripQuotes(part.child("ETag").text().get());
    if (!checksum_element.empty())
      p.checksum = part.child(std::string(checksum_element).c_str()).text().get();
    parts.push_back(std::move(p));
  }
  return parts;
}

std::string CompleteMultipartUploadXml(std::string_view location, std::string_view bucket,
                                       std::string_view key, std::string_view etag,
                                       std::string_view checksum_algorithm,
                                       std::string_view checksum_value) {
  pugi::xml_document doc;
  auto root = Root(doc, "CompleteMultipartUploadResult");
  Text(root, "Location", location);
  Text(root, "Bucket", bucket);
  Text(root, "Key", key);
  Text(root, "ETag", QuotedEtag(etag));
  if (!checksum_algorithm.empty() && !checksum_value.empty()) {
    Text(root, ("Checksum" + std::string(checksum_algorithm)).c_str(), checksum_value);
    Text(root, "ChecksumType", "COMPOSITE");
  }
  return Serialize(doc);
}

std::string ListPartsXml(const ListPartsPage& page) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListPartsResult");
  const s3::ListPartsResult& r = *page.result;
  Text(root, "Bucket", page.bucket);
  Text(root, "Key", r.upload.key);
  Text(root, "UploadId", r.upload.upload_id);
  Text(root, "PartNumberMarker", std::to_string(page.part_number_marker));
  Text(root, "NextPartNumberMarker", std::to_string(r.next_part_number_marker));
  Text(root, "MaxParts", std::to_string(page.max_parts));
  Text(root, "IsTruncated", r.truncated ? "true" : "false");
  AppendOwner(root, "Initiator", page.owner);
  AppendOwner(root, "Owner", page.owner);
  Text(root, "StorageClass",
       r.upload.meta.storage_class.empty() ? "STANDARD" : r.upload.meta.storage_class);
  if (!r.upload.meta.checksum_algorithm.empty()) {
    Text(root, "ChecksumAlgorithm", r.upload.meta.checksum_algorithm);
    Text(root, "ChecksumType", "COMPOSITE");
  }
  for (const auto& p : r.parts) {
    auto n = root.append_child("Part");
    Text(n, "PartNumber", std::to_string(p.part_number));
    Text(n, "LastModified", FormatIso8601(p.last_modified));
    Text(n, "ETag", QuotedEtag(p.etag));
    Text(n, "Size", std::to_string(p.size));
    if (!p.checksum_value.empty() && !r.upload.meta.checksum_algorithm.empty())
      Text(n, ("Checksum" + r.upload.meta.checksum_algorithm).c_str(), p.checksum_value);
  }
  return Serialize(doc);
}

std::string ListMultipartUploadsXml(const ListUploadsPage& page) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListMultipartUploadsResult");
  const s3::ListUploadsResult& r = *page.result;
  Text(root, "Bucket", page.bucket);
  Text(root, "KeyMarker", MaybeEncode(page.key_marker, page.url_encode));
  Text(root, "UploadIdMarker", page.upload_id_marker);
  Text(root, "NextKeyMarker", MaybeEncode(r.next_key_marker, page.url_encode));
  Text(root, "NextUploadIdMarker", r.next_upload_id_marker);
  if (!page.delimiter.empty()) Text(root, "Delimiter", MaybeEncode(page.delimiter, page.url_encode));
  Text(root, "Prefix", MaybeEncode(page.prefix, page.url_encode));
  Text(root, "MaxUploads", std::to_string(page.max_uploads));
  if (page.url_encode) Text(root, "EncodingType", "url");
  Text(root, "IsTruncated", r.truncated ? "true" : "false");
  for (const auto& u : r.uploads) {
    auto n = root.append_child("Upload");
    Text(n, "Key", MaybeEncode(u.key, page.url_encode));
    Text(n, "UploadId", u.upload_id);
    Owner owner = page.owner_of ? page.owner_of(u.owner_account_id, page.owner_ctx)
                                : Owner{u.owner_account_id, u.owner_account_id};
    AppendOwner(n, "Initiator", owner);
    AppendOwner(n, "Owner", owner);
    Text(n, "StorageClass", u.meta.storage_class.empty() ? "STANDARD" : u.meta.storage_class);
    Text(n, "Initiated", FormatIso8601(u.initiated));
    if (!u.meta.checksum_algorithm.empty()) Text(n, "ChecksumAlgorithm", u.meta.checksum_algorithm);
  }
  AppendCommonPrefixes(root, r.common_prefixes, page.url_encode);
  return Serialize(doc);
}

Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  bool blank = true;
  for (char c : body) blank &= c == ' ' || c == '\n' || c == '\r' || c == '\t';
  if (blank) return std::string();
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), xml::kParseOptions))
    return MakeError(ErrorCode::kMalformedXML);
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "CreateBucketConfiguration")
    return MakeError(ErrorCode::kMalformedXML);
  return std::string(root.child("LocationConstraint").text().get());
}

}  // namespace awslab::protocol
