#include "emulator/protocol/s3_xml.h"

#include <pugixml.hpp>
#include <sstream>

#include "client/include/awslab/sigv4.h"
#include "emulator/base/clock.h"

namespace awslab::protocol {
namespace {

std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  return out.str();
}

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
  Text(root, "Message", error.Message());
  for (const auto& [name, value] : error.details) Text(root, name.c_str(), value);
  if (!resource.empty()) Text(root, "Resource", resource);
  Text(root, "RequestId", request_id);
  Text(root, "HostId", host_id);
  return Serialize(doc);
}

std::string ListAllMyBucketsXml(const Owner& owner, const std::vector<s3::BucketRecord>& buckets) {
  pugi::xml_document doc;
  auto root = Root(doc, "ListAllMyBucketsResult");
  auto o = root.append_child("Owner");
  Text(o, "ID", owner.id);
  Text(o, "DisplayName", owner.display_name);
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
  for (const auto& o : r.objects) {
    auto c = root.append_child("Contents");
    Text(c, "Key", MaybeEncode(o.key, page.url_encode));
    Text(c, "LastModified", FormatIso8601(o.last_modified));
    Text(c, "ETag", QuotedEtag(o.etag));
    if (!o.meta.checksum_algorithm.empty()) Text(c, "ChecksumAlgorithm", o.meta.checksum_algorithm);
    Text(c, "Size", std::to_string(o.size));
    if (page.fetch_owner && page.owner_of) {
      Owner owner = page.owner_of(o.owner_account_id, page.owner_ctx);
      auto on = c.append_child("Owner");
      Text(on, "ID", owner.id);
      Text(on, "DisplayName", owner.display_name);
    }
    Text(c, "StorageClass", o.meta.storage_class.empty() ? "STANDARD" : o.meta.storage_class);
  }
  for (const auto& p : r.common_prefixes) {
    auto c = root.append_child("CommonPrefixes");
    Text(c, "Prefix", MaybeEncode(p, page.url_encode));
  }
  return Serialize(doc);
}

Result<std::string> ParseCreateBucketConfiguration(std::string_view body) {
  bool blank = true;
  for (char c : body) blank &= c == ' ' || c == '\n' || c == '\r' || c == '\t';
  if (blank) return std::string();
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size())) return MakeError(ErrorCode::kMalformedXML);
  auto root = doc.document_element();
  if (std::string_view(root.name()) != "CreateBucketConfiguration")
    return MakeError(ErrorCode::kMalformedXML);
  return std::string(root.child("LocationConstraint").text().get());
}

}  // namespace awslab::protocol
