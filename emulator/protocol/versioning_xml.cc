#include "emulator/protocol/versioning_xml.h"

#include <pugixml.hpp>

#include "client/include/awslab/sigv4.h"
#include "emulator/base/clock.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::Text;

std::string MaybeEncode(const std::string& s, bool url_encode) {
  return url_encode ? sigv4::UriEncode(s, /*encode_slash=*/false) : s;
}

}  // namespace

Result<s3::VersioningState> ParseVersioningConfiguration(std::string_view body) {
  pugi::xml_document doc;
  auto root = xml::LoadRoot(doc, body, "VersioningConfiguration");
  if (!root) return root.error();
  std::optional<s3::VersioningState> state;
  for (auto child : root->children()) {
    if (child.type() != pugi::node_element) {
      if (child.type() == pugi::node_pcdata) return MakeError(ErrorCode::kMalformedXML);
      continue;
    }
    std::string_view name = child.name();
    std::string_view value = child.text().get();
    if (name == "Status") {
      if (state) return MakeError(ErrorCode::kMalformedXML);
      if (value == "Enabled") state = s3::VersioningState::kEnabled;
      else if (value == "Suspended") state = s3::VersioningState::kSuspended;
      else return MakeError(ErrorCode::kMalformedXML);
    } else if (name == "MfaDelete") {
      if (value == "Enabled")
        // S3 wants the x-amz-mfa header of the root account's MFA device;
        // awslab has none (docs/s3-versioning.md).
        return MakeError(ErrorCode::kInvalidRequest,
                         "MFA Delete is not supported by awslab: MfaDelete may only be Disabled.");
      if (value != "Disabled") return MakeError(ErrorCode::kMalformedXML);
    } else {
      return MakeError(ErrorCode::kMalformedXML);
    }
  }
  if (!state) return MakeError(ErrorCode::kIllegalVersioningConfigurationException);
  return *state;
}

std::string VersioningConfigurationXml(s3::VersioningState state) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "VersioningConfiguration");
  if (state == s3::VersioningState::kEnabled) Text(root, "Status", "Enabled");
  else if (state == s3::VersioningState::kSuspended) Text(root, "Status", "Suspended");
  return xml::Serialize(doc);
}

std::string ListVersionsResultXml(const ListVersionsPage& page) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "ListVersionsResult");
  const s3::ListVersionsResult& r = *page.result;
  const bool enc = page.url_encode;
  Text(root, "Name", page.bucket);
  Text(root, "Prefix", MaybeEncode(page.prefix, enc));
  Text(root, "KeyMarker", MaybeEncode(page.key_marker, enc));
  Text(root, "VersionIdMarker", page.version_id_marker);
  if (r.truncated) {
    Text(root, "NextKeyMarker", MaybeEncode(r.next_key_marker, enc));
    if (!r.next_version_id_marker.empty())
      Text(root, "NextVersionIdMarker", r.next_version_id_marker);
  }
  Text(root, "MaxKeys", std::to_string(page.max_keys));
  if (!page.delimiter.empty()) Text(root, "Delimiter", MaybeEncode(page.delimiter, enc));
  if (enc) Text(root, "EncodingType", "url");
  Text(root, "IsTruncated", r.truncated ? "true" : "false");
  for (std::size_t i = 0; i < r.versions.size(); ++i) {
    const s3::ObjectRecord& o = r.versions[i];
    auto v = root.append_child(o.delete_marker ? "DeleteMarker" : "Version");
    Text(v, "Key", MaybeEncode(o.key, enc));
    Text(v, "VersionId", o.VersionIdOrNull());
    Text(v, "IsLatest", r.latest[i] ? "true" : "false");
    Text(v, "LastModified", FormatIso8601(o.last_modified));
    if (!o.delete_marker) {
      Text(v, "ETag", QuotedEtag(o.etag));
      if (!o.meta.checksum_algorithm.empty())
        Text(v, "ChecksumAlgorithm", o.meta.checksum_algorithm);
      Text(v, "Size", std::to_string(o.size));
      Text(v, "StorageClass", o.meta.storage_class.empty() ? "STANDARD" : o.meta.storage_class);
    }
    if (page.owner_of) {
      Owner owner = page.owner_of(o.owner_account_id, page.owner_ctx);
      auto n = v.append_child("Owner");
      Text(n, "ID", owner.id);
      Text(n, "DisplayName", owner.display_name);
    }
  }
  for (const auto& p : r.common_prefixes)
    Text(root.append_child("CommonPrefixes"), "Prefix", MaybeEncode(p, enc));
  return xml::Serialize(doc);
}

}  // namespace awslab::protocol
