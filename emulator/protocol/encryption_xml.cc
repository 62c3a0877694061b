#include "emulator/protocol/encryption_xml.h"

#include <pugixml.hpp>

#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::LocalName;
using xml::Malformed;

}  // namespace

Result<s3::BucketEncryption> ParseServerSideEncryptionConfiguration(std::string_view body) {
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), xml::kParseOptions)) return Malformed();
  pugi::xml_node root = doc.document_element();
  if (LocalName(root) != "ServerSideEncryptionConfiguration") return Malformed();
  s3::BucketEncryption out;
  int rules = 0;
  bool has_algorithm = false, has_key = false;
  for (pugi::xml_node rule : root.children()) {
    if (rule.type() != pugi::node_element) continue;
    if (LocalName(rule) != "Rule") return Malformed();
    // "Rules: ... Container for information about a particular server-side
    // encryption configuration rule": S3 takes one.
    if (++rules > 1) return Malformed();
    for (pugi::xml_node field : rule.children()) {
      if (field.type() != pugi::node_element) continue;
      std::string_view name = LocalName(field);
      if (name == "ApplyServerSideEncryptionByDefault") {
        for (pugi::xml_node e : field.children()) {
          if (e.type() != pugi::node_element) continue;
          std::string_view n = LocalName(e);
          if (n == "SSEAlgorithm") {
            out.algorithm = e.text().get();
            has_algorithm = true;
          } else if (n == "KMSMasterKeyID") {
            out.kms_key_id = e.text().get();
            has_key = true;
          } else {
            return Malformed();
          }
        }
        if (!has_algorithm) return Malformed();
      } else if (name == "BucketKeyEnabled") {
        std::string_view v = field.text().get();
        if (v != "true" && v != "false") return Malformed();
        out.bucket_key = v == "true";
      } else {
        return Malformed();
      }
    }
  }
  if (rules == 0 || !has_algorithm || !s3::IsSseAlgorithm(out.algorithm)) return Malformed();
  if (has_key && !s3::IsKmsAlgorithm(out.algorithm)) {
    Error e = MakeError(ErrorCode::kInvalidArgument,
                        "a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                        "aws:kms or aws:kms:dsse");
    e.details.emplace_back("ArgumentName", "ApplyServerSideEncryptionByDefault");
    return e;
  }
  return out;
}

std::string ServerSideEncryptionConfigurationXml(const s3::BucketEncryption& encryption) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "ServerSideEncryptionConfiguration");
  auto rule = root.append_child("Rule");
  auto by_default = rule.append_child("ApplyServerSideEncryptionByDefault");
  xml::Text(by_default, "SSEAlgorithm", encryption.algorithm);
  if (!encryption.kms_key_id.empty())
    xml::Text(by_default, "KMSMasterKeyID", encryption.kms_key_id);
  xml::Text(rule, "BucketKeyEnabled", encryption.bucket_key ? "true" : "false");
  return xml::Serialize(doc);
}

}  // namespace awslab::protocol
