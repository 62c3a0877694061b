// The XML request bodies S3 parses (emulator/protocol/s3_xml.h, acl_xml.h,
// cors_xml.h) on arbitrary bytes. The first byte chooses the parser (a letter,
// so that seeds stay readable; any other byte picks one by its value):
//
//   C 1 2 3 4  CompleteMultipartUpload (without a checksum element, or with
//              ChecksumCRC32, ChecksumCRC32C, ChecksumSHA1, ChecksumSHA256)
//   D          Delete (DeleteObjects)
//   A          AccessControlPolicy (PutBucketAcl / PutObjectAcl)
//   t T        Tagging (PutObjectTagging: at most 10 tags; PutBucketTagging: 50)
//   H          the x-amz-tagging header, then GetObjectTagging's document of it
//   R          CORSConfiguration (PutBucketCors)
//   E          a stored CORS configuration (s3::DecodeCors, corrupt records)
//   B          CreateBucketConfiguration (CreateBucket)
//   P          PublicAccessBlockConfiguration (PutPublicAccessBlock)
//   O          OwnershipControls (PutBucketOwnershipControls)
//
// Besides memory safety it checks, and std::abort()s when one fails:
//  - a refusal is one of the AWS error codes that operation answers with
//    (MalformedXML, MalformedACLError, InvalidTag, BadRequest,
//    InvalidArgument, InvalidRequest), a 400;
//  - what a parse accepts keeps the limits the code and docs/api-coverage.md
//    promise (1 to 1,000 keys to delete; at most 10 or 50 tags, keys of 1 to
//    128 characters not starting with "aws:", values of at most 256, no key
//    twice; 1 to 100 CORS rules, each with an origin and a method of GET, PUT,
//    HEAD, POST or DELETE, an ID of at most 255 characters, a MaxAgeSeconds of
//    0 to 2^31-1, at most one '*' in an origin or allowed header, none in an
//    expose header);
//  - round trip: the parsed value written back as XML (with the server's own
//    writer where it has one: TaggingXml, AccessControlPolicyXml,
//    CorsConfigurationXml, PublicAccessBlockXml, OwnershipControlsXml; else a
//    writer here that writes the document as an SDK does) parses again to the
//    same value; a CORS configuration also survives its storage encoding.
#include <pugixml.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/protocol/acl_xml.h"
#include "emulator/protocol/cors_xml.h"
#include "emulator/protocol/s3_xml.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/cors.h"
#include "emulator/s3/records.h"
#include "emulator/s3/s3_store.h"

namespace {

using awslab::ErrorCode;
namespace protocol = awslab::protocol;
namespace s3 = awslab::s3;

// A refusal must be an S3 error the operation documents, sent as a 400.
void ExpectRefusal(const awslab::Error& error, std::initializer_list<ErrorCode> allowed) {
  bool known = false;
  for (ErrorCode code : allowed) known = known || code == error.code;
  if (!known) std::abort();
  const awslab::ErrorInfo& info = awslab::Describe(error.code);
  if (info.code.empty() || info.http_status != 400) std::abort();
}

// The writers an SDK uses for the request documents the server has no writer
// for (the server only reads them), in S3's namespace. A carriage return is
// written as a character reference, as S3 asks ("XML related object key
// constraints"): a raw one is a line end, which XML parsers read as "\n".
std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  std::string raw = out.str(), escaped;
  for (char c : raw) {
    if (c == '\r') escaped += "&#13;";
    else escaped += c;
  }
  return escaped;
}

pugi::xml_node Root(pugi::xml_document& doc, const char* name) {
  auto root = doc.append_child(name);
  root.append_attribute("xmlns") = std::string(protocol::kS3Namespace).c_str();
  return root;
}

void Text(pugi::xml_node parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xc0) != 0x80;
  return n;
}

// --- CompleteMultipartUpload -------------------------------------------------

void FuzzCompleteMultipartUpload(std::string_view body, std::string_view checksum_element) {
  auto parts = protocol::ParseCompleteMultipartUpload(body, checksum_element);
  if (!parts) {
    ExpectRefusal(parts.error(), {ErrorCode::kMalformedXML});
    return;
  }
  for (const s3::CompletedPart& p : *parts) {
    // ETag quotes (and the spaces around them) are removed.
    if (!p.etag.empty() && (p.etag.front() == '"' || p.etag.back() == '"' ||
                            p.etag.front() == ' ' || p.etag.back() == ' '))
      std::abort();
    if (checksum_element.empty() && !p.checksum.empty()) std::abort();
  }
  // As boto3 writes it: each Part with its checksum, ETag (quoted) and number.
  pugi::xml_document doc;
  auto root = Root(doc, "CompleteMultipartUpload");
  for (const s3::CompletedPart& p : *parts) {
    auto part = root.append_child("Part");
    if (!checksum_element.empty())
      Text(part, std::string(checksum_element).c_str(), p.checksum);
    Text(part, "ETag", protocol::QuotedEtag(p.etag));
    Text(part, "PartNumber", std::to_string(p.part_number));
  }
  auto again = protocol::ParseCompleteMultipartUpload(Serialize(doc), checksum_element);
  if (!again || again->size() != parts->size()) std::abort();
  for (std::size_t i = 0; i < parts->size(); ++i) {
    const s3::CompletedPart &a = (*parts)[i], &b = (*again)[i];
    if (a.part_number != b.part_number || a.etag != b.etag || a.checksum != b.checksum)
      std::abort();
  }
}

// --- DeleteObjects -----------------------------------------------------------

void FuzzDelete(std::string_view body) {
  auto request = protocol::ParseDeleteRequest(body);
  if (!request) {
    ExpectRefusal(request.error(), {ErrorCode::kMalformedXML});
    return;
  }
  // "The request can contain a list of up to 1,000 keys."
  if (request->keys.empty() || request->keys.size() > 1000) std::abort();
  pugi::xml_document doc;
  auto root = Root(doc, "Delete");
  for (const std::string& key : request->keys) Text(root.append_child("Object"), "Key", key);
  if (request->quiet) Text(root, "Quiet", "true");
  auto again = protocol::ParseDeleteRequest(Serialize(doc));
  if (!again || again->quiet != request->quiet || again->keys != request->keys) std::abort();
}

// --- AccessControlPolicy -----------------------------------------------------

void FuzzAcl(std::string_view body) {
  auto acl = protocol::ParseAccessControlPolicy(body);
  if (!acl) {
    ExpectRefusal(acl.error(), {ErrorCode::kMalformedACLError});
    return;
  }
  // Written back as GetBucketAcl shows an ACL: canonical users and groups (an
  // e-mail grantee or an unknown group is resolved, or refused, before that).
  std::vector<protocol::ShownGrant> shown;
  for (const auto& entry : acl->grants) {
    if (entry.grantee.value.empty()) std::abort();  // refused as MalformedACLError
    protocol::ShownGrant g;
    g.permission = entry.permission;
    switch (entry.grantee.kind) {
      case s3::GranteeSpec::Kind::kId:
        g.type = s3::GranteeType::kAccount;
        g.user.id = entry.grantee.value;
        break;
      case s3::GranteeSpec::Kind::kUri: {
        auto group = s3::GroupFromUri(entry.grantee.value);
        if (!group) return;
        g.type = *group;
        break;
      }
      case s3::GranteeSpec::Kind::kEmail:
        return;
    }
    shown.push_back(std::move(g));
  }
  protocol::Owner owner{acl->owner_id.value_or(""), "owner"};
  auto again = protocol::ParseAccessControlPolicy(protocol::AccessControlPolicyXml(owner, shown));
  if (!again || again->owner_id != owner.id || again->grants.size() != acl->grants.size())
    std::abort();
  for (std::size_t i = 0; i < acl->grants.size(); ++i) {
    const auto &a = acl->grants[i], &b = again->grants[i];
    if (a.permission != b.permission || a.grantee.kind != b.grantee.kind ||
        a.grantee.value != b.grantee.value)
      std::abort();
  }
}

// --- Tagging -----------------------------------------------------------------

// The tag rules every accepted tag set keeps.
void CheckTagLimits(const s3::TagSet& tags, int max_tags) {
  if (static_cast<int>(tags.size()) > max_tags) std::abort();
  for (std::size_t i = 0; i < tags.size(); ++i) {
    const auto& [key, value] = tags[i];
    if (key.empty() || Utf8Length(key) > 128 || Utf8Length(value) > 256) std::abort();
    if (key.starts_with("aws:")) std::abort();
    for (std::size_t j = 0; j < i; ++j)
      if (tags[j].first == key) std::abort();
  }
}

void FuzzTagging(std::string_view body, int max_tags) {
  auto tags = protocol::ParseTagging(body, max_tags);
  if (!tags) {
    ExpectRefusal(tags.error(),
                  {ErrorCode::kMalformedXML, ErrorCode::kInvalidTag, ErrorCode::kBadRequest});
    // More than 10 object tags is BadRequest, as S3 answers; the rest InvalidTag.
    if (tags.error().code == ErrorCode::kBadRequest && max_tags != s3::kMaxObjectTags)
      std::abort();
    return;
  }
  CheckTagLimits(*tags, max_tags);
  auto again = protocol::ParseTagging(protocol::TaggingXml(*tags), max_tags);
  if (!again || *again != *tags) std::abort();
}

// x-amz-tagging on PutObject, then the tags as GetObjectTagging gives them
// back: what a client put by header, awslab's own document must carry whole.
void FuzzTaggingHeader(std::string_view value) {
  auto tags = protocol::ParseTaggingHeader(value, s3::kMaxObjectTags);
  if (!tags) {
    ExpectRefusal(tags.error(),
                  {ErrorCode::kInvalidArgument, ErrorCode::kInvalidTag, ErrorCode::kBadRequest});
    return;
  }
  CheckTagLimits(*tags, s3::kMaxObjectTags);
  for (const auto& [k, v] : *tags) {
    // An XML document cannot carry a NUL character at all.
    if (k.find('\0') != std::string::npos || v.find('\0') != std::string::npos) return;
  }
  auto again = protocol::ParseTagging(protocol::TaggingXml(*tags), s3::kMaxObjectTags);
  if (!again || *again != *tags) std::abort();
}

// --- CORSConfiguration -------------------------------------------------------

void CheckCorsLimits(const s3::CorsConfiguration& config) {
  if (config.rules.empty() || config.rules.size() > s3::kMaxCorsRules) std::abort();
  auto stars = [](const std::string& s) { return std::count(s.begin(), s.end(), '*'); };
  for (const s3::CorsRule& rule : config.rules) {
    if (rule.allowed_origins.empty() || rule.allowed_methods.empty()) std::abort();
    if (rule.id && rule.id->size() > s3::kMaxCorsRuleIdLength) std::abort();
    if (rule.max_age_seconds &&
        (*rule.max_age_seconds < 0 || *rule.max_age_seconds > s3::kMaxCorsMaxAgeSeconds))
      std::abort();
    for (const std::string& m : rule.allowed_methods)
      if (m != "GET" && m != "PUT" && m != "HEAD" && m != "POST" && m != "DELETE") std::abort();
    for (const std::string& o : rule.allowed_origins)
      if (stars(o) > 1) std::abort();
    for (const std::string& h : rule.allowed_headers)
      if (stars(h) > 1) std::abort();
    for (const std::string& h : rule.expose_headers)
      if (stars(h) > 0) std::abort();
  }
}

void FuzzCors(std::string_view body) {
  auto config = protocol::ParseCorsConfiguration(body);
  if (!config) {
    ExpectRefusal(config.error(), {ErrorCode::kMalformedXML, ErrorCode::kInvalidRequest});
    return;
  }
  CheckCorsLimits(*config);
  auto again = protocol::ParseCorsConfiguration(protocol::CorsConfigurationXml(*config));
  if (!again || *again != *config) std::abort();
  auto stored = s3::DecodeCors(s3::EncodeCors(*config));
  if (!stored || *stored != *config) std::abort();
  // A rule that names an origin literally lets an actual request from it, with
  // one of its methods, through (by that rule or an earlier one); an empty
  // Origin header is no cross-origin request at all.
  for (const s3::CorsRule& rule : config->rules) {
    for (const std::string& origin : rule.allowed_origins) {
      if (origin.find('*') != std::string::npos) continue;
      for (const std::string& method : rule.allowed_methods) {
        if (!s3::MatchCorsRule(*config, origin, method, {})) std::abort();
        if (origin.empty()) continue;
        auto grant = s3::EvaluateActualRequest(*config, origin, method);
        if (!grant) std::abort();
        if (grant->allow_origin != origin && grant->allow_origin != "*") std::abort();
      }
    }
  }
}

// A stored configuration read back from a record that may be corrupt.
void FuzzStoredCors(std::string_view data) {
  auto config = s3::DecodeCors(data);
  if (!config) return;
  auto again = s3::DecodeCors(s3::EncodeCors(*config));
  if (!again || *again != *config) std::abort();
}

// --- CreateBucketConfiguration ------------------------------------------------

void FuzzCreateBucketConfiguration(std::string_view body) {
  auto location = protocol::ParseCreateBucketConfiguration(body);
  if (!location) {
    ExpectRefusal(location.error(), {ErrorCode::kMalformedXML});
    return;
  }
  pugi::xml_document doc;
  auto root = Root(doc, "CreateBucketConfiguration");
  if (!location->empty()) Text(root, "LocationConstraint", *location);
  auto again = protocol::ParseCreateBucketConfiguration(Serialize(doc));
  if (!again || *again != *location) std::abort();
}

// --- PublicAccessBlockConfiguration, OwnershipControls ------------------------

void FuzzPublicAccessBlock(std::string_view body) {
  auto block = protocol::ParsePublicAccessBlock(body);
  if (!block) {
    ExpectRefusal(block.error(), {ErrorCode::kMalformedXML});
    return;
  }
  auto again = protocol::ParsePublicAccessBlock(protocol::PublicAccessBlockXml(*block));
  if (!again || *again != *block) std::abort();
}

void FuzzOwnershipControls(std::string_view body) {
  auto ownership = protocol::ParseOwnershipControls(body);
  if (!ownership) {
    ExpectRefusal(ownership.error(), {ErrorCode::kMalformedXML});
    return;
  }
  if (*ownership == s3::ObjectOwnership::kUnset) std::abort();
  auto again = protocol::ParseOwnershipControls(protocol::OwnershipControlsXml(*ownership));
  if (!again || *again != *ownership) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  static constexpr std::string_view kSelectors = "C1234DAtTHREBPO";
  char selector = static_cast<char>(data[0]);
  if (kSelectors.find(selector) == std::string_view::npos)
    selector = kSelectors[data[0] % kSelectors.size()];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (selector) {
    case 'C': FuzzCompleteMultipartUpload(body, ""); break;
    case '1': FuzzCompleteMultipartUpload(body, "ChecksumCRC32"); break;
    case '2': FuzzCompleteMultipartUpload(body, "ChecksumCRC32C"); break;
    case '3': FuzzCompleteMultipartUpload(body, "ChecksumSHA1"); break;
    case '4': FuzzCompleteMultipartUpload(body, "ChecksumSHA256"); break;
    case 'D': FuzzDelete(body); break;
    case 'A': FuzzAcl(body); break;
    case 't': FuzzTagging(body, s3::kMaxObjectTags); break;
    case 'T': FuzzTagging(body, s3::kMaxBucketTags); break;
    case 'H': FuzzTaggingHeader(body); break;
    case 'R': FuzzCors(body); break;
    case 'E': FuzzStoredCors(body); break;
    case 'B': FuzzCreateBucketConfiguration(body); break;
    case 'P': FuzzPublicAccessBlock(body); break;
    case 'O': FuzzOwnershipControls(body); break;
  }
  return 0;
}
