// The access-control documents of S3's REST-XML: AccessControlPolicy (ACLs),
// PublicAccessBlockConfiguration, OwnershipControls and PolicyStatus.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html
#ifndef AWSLAB_EMULATOR_PROTOCOL_ACL_XML_H_
#define AWSLAB_EMULATOR_PROTOCOL_ACL_XML_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/protocol/s3_xml.h"
#include "emulator/s3/acl.h"
#include "emulator/s3/records.h"

namespace awslab::protocol {

// A grant as shown: a canonical user (with its display name) or a group.
struct ShownGrant {
  s3::GranteeType type = s3::GranteeType::kAccount;
  Owner user;  // kAccount
  s3::Permission permission = s3::Permission::kRead;
};
std::string AccessControlPolicyXml(const Owner& owner, const std::vector<ShownGrant>& grants);

// An AccessControlPolicy body as sent, grantees not yet resolved.
struct AclDocument {
  std::optional<std::string> owner_id;  // Owner/ID when present
  struct Entry {
    s3::GranteeSpec grantee;
    s3::Permission permission;
  };
  std::vector<Entry> grants;
};
// MalformedACLError when the body is not such a document.
Result<AclDocument> ParseAccessControlPolicy(std::string_view body);

std::string PublicAccessBlockXml(const s3::PublicAccessBlock& block);
Result<s3::PublicAccessBlock> ParsePublicAccessBlock(std::string_view body);

std::string_view ObjectOwnershipName(s3::ObjectOwnership o);
std::string OwnershipControlsXml(s3::ObjectOwnership ownership);
// MalformedXML for anything but one Rule with a known ObjectOwnership.
Result<s3::ObjectOwnership> ParseOwnershipControls(std::string_view body);
std::optional<s3::ObjectOwnership> ParseObjectOwnership(std::string_view name);

std::string PolicyStatusXml(bool is_public);

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_ACL_XML_H_
