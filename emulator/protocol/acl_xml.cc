#include "emulator/protocol/acl_xml.h"

#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::LoadRoot;
using xml::Root;
using xml::Serialize;
using xml::Text;

constexpr const char* kXsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

// The grantee's xsi:type, whatever prefix the client bound the namespace to.
std::string_view GranteeType(pugi::xml_node grantee) {
  for (auto attr : grantee.attributes()) {
    std::string_view name = attr.name();
    if (name == "type" || (name.size() > 5 && name.ends_with(":type"))) return attr.value();
  }
  return {};
}

Result<bool> ParseBool(pugi::xml_node parent, const char* name) {
  auto n = parent.child(name);
  if (!n) return false;  // "absent: false"
  std::string_view v = n.text().get();
  if (v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "false" || v == "FALSE" || v == "False") return false;
  return MakeError(ErrorCode::kMalformedXML);
}

}  // namespace

std::string AccessControlPolicyXml(const Owner& owner, const std::vector<ShownGrant>& grants) {
  pugi::xml_document doc;
  auto root = Root(doc, "AccessControlPolicy");
  auto o = root.append_child("Owner");
  Text(o, "ID", owner.id);
  Text(o, "DisplayName", owner.display_name);
  auto list = root.append_child("AccessControlList");
  for (const ShownGrant& g : grants) {
    auto grant = list.append_child("Grant");
    auto grantee = grant.append_child("Grantee");
    grantee.append_attribute("xmlns:xsi") = kXsiNamespace;
    if (g.type == s3::GranteeType::kAccount) {
      grantee.append_attribute("xsi:type") = "CanonicalUser";
      Text(grantee, "ID", g.user.id);
      if (!g.user.display_name.empty()) Text(grantee, "DisplayName", g.user.display_name);
    } else {
      grantee.append_attribute("xsi:type") = "Group";
      Text(grantee, "URI", s3::GroupUri(g.type));
    }
    Text(grant, "Permission", s3::PermissionName(g.permission));
  }
  return Serialize(doc);
}

Result<AclDocument> ParseAccessControlPolicy(std::string_view body) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "AccessControlPolicy", ErrorCode::kMalformedACLError);
  if (!root) return root.error();
  AclDocument out;
  if (auto owner = root->child("Owner")) {
    auto id = owner.child("ID");
    if (!id) return MakeError(ErrorCode::kMalformedACLError);
    out.owner_id = id.text().get();
  }
  auto list = root->child("AccessControlList");
  if (!list) return MakeError(ErrorCode::kMalformedACLError);
  for (auto grant : list.children("Grant")) {
    auto grantee = grant.child("Grantee");
    auto permission = s3::ParsePermission(grant.child("Permission").text().get());
    if (!grantee || !permission) return MakeError(ErrorCode::kMalformedACLError);
    std::string_view type = GranteeType(grantee);
    AclDocument::Entry entry{{s3::GranteeSpec::Kind::kId, {}}, *permission};
    if (type == "CanonicalUser") {
      entry.grantee = {s3::GranteeSpec::Kind::kId, grantee.child("ID").text().get()};
    } else if (type == "AmazonCustomerByEmail") {
      entry.grantee = {s3::GranteeSpec::Kind::kEmail, grantee.child("EmailAddress").text().get()};
    } else if (type == "Group") {
      entry.grantee = {s3::GranteeSpec::Kind::kUri, grantee.child("URI").text().get()};
    } else {
      return MakeError(ErrorCode::kMalformedACLError);
    }
    if (entry.grantee.value.empty()) return MakeError(ErrorCode::kMalformedACLError);
    out.grants.push_back(std::move(entry));
  }
  return out;
}

std::string PublicAccessBlockXml(const s3::PublicAccessBlock& b) {
  pugi::xml_document doc;
  auto root = Root(doc, "PublicAccessBlockConfiguration");
  Text(root, "BlockPublicAcls", b.block_public_acls ? "true" : "false");
  Text(root, "IgnorePublicAcls", b.ignore_public_acls ? "true" : "false");
  Text(root, "BlockPublicPolicy", b.block_public_policy ? "true" : "false");
  Text(root, "RestrictPublicBuckets", b.restrict_public_buckets ? "true" : "false");
  return Serialize(doc);
}

Result<s3::PublicAccessBlock> ParsePublicAccessBlock(std::string_view body) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "PublicAccessBlockConfiguration");
  if (!root) return root.error();
  s3::PublicAccessBlock b;
  for (auto [name, field] : {std::pair{"BlockPublicAcls", &b.block_public_acls},
                             std::pair{"IgnorePublicAcls", &b.ignore_public_acls},
                             std::pair{"BlockPublicPolicy", &b.block_public_policy},
                             std::pair{"RestrictPublicBuckets", &b.restrict_public_buckets}}) {
    auto v = ParseBool(*root, name);
    if (!v) return v.error();
    *field = *v;
  }
  return b;
}

std::string_view ObjectOwnershipName(s3::ObjectOwnership o) {
  switch (o) {
    case s3::ObjectOwnership::kBucketOwnerEnforced: return "BucketOwnerEnforced";
    case s3::ObjectOwnership::kBucketOwnerPreferred: return "BucketOwnerPreferred";
    case s3::ObjectOwnership::kObjectWriter:
    case s3::ObjectOwnership::kUnset: break;
  }
  return "ObjectWriter";
}

std::optional<s3::ObjectOwnership> ParseObjectOwnership(std::string_view name) {
  for (auto o : {s3::ObjectOwnership::kObjectWriter, s3::ObjectOwnership::kBucketOwnerPreferred,
                 s3::ObjectOwnership::kBucketOwnerEnforced})
    if (ObjectOwnershipName(o) == name) return o;
  return std::nullopt;
}

std::string OwnershipControlsXml(s3::ObjectOwnership ownership) {
  pugi::xml_document doc;
  auto root = Root(doc, "OwnershipControls");
  Text(root.append_child("Rule"), "ObjectOwnership", ObjectOwnershipName(ownership));
  return Serialize(doc);
}

Result<s3::ObjectOwnership> ParseOwnershipControls(std::string_view body) {
  pugi::xml_document doc;
  auto root = LoadRoot(doc, body, "OwnershipControls");
  if (!root) return root.error();
  auto rules = root->children("Rule");
  if (std::distance(rules.begin(), rules.end()) != 1) return MakeError(ErrorCode::kMalformedXML);
  auto o = ParseObjectOwnership(root->child("Rule").child("ObjectOwnership").text().get());
  if (!o) return MakeError(ErrorCode::kMalformedXML);
  return *o;
}

std::string PolicyStatusXml(bool is_public) {
  pugi::xml_document doc;
  auto root = Root(doc, "PolicyStatus");
  Text(root, "IsPublic", is_public ? "true" : "false");
  return Serialize(doc);
}

}  // namespace awslab::protocol
