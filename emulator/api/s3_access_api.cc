// The S3 access-control operations: ACLs, bucket policies, Block Public
// Access and Object Ownership; and the request facts that access checks use.
#include "emulator/api/s3_internal.h"
#include "emulator/base/strings.h"
#include "emulator/protocol/acl_xml.h"
#include "emulator/s3/policy.h"

namespace awslab::api::internal {

using protocol::Request;
using protocol::Response;
using router::S3Op;

s3::Caller CallerOf(const Request& request, const auth::AuthResult& auth) {
  s3::Caller caller(auth.principal);
  caller.iam = auth.iam;
  caller.source_ip = request.remote_address;
  // awslab serves plain HTTP (TLS is terminated elsewhere, if anywhere).
  caller.secure_transport = false;
  if (const std::string* v = request.Header("referer")) caller.referer = *v;
  if (const std::string* v = request.Header("user-agent")) caller.user_agent = *v;
  if (const std::string* v = request.Header("x-amz-acl")) caller.acl_header = *v;
  return caller;
}

namespace {

Error InvalidGrantee(std::string message, std::string_view name, std::string_view value) {
  return InvalidArgument(std::move(message), name, value);
}

// One grantee of a header or a document, as an account or a group.
Result<s3::Grant> ResolveGrantee(const S3Api& api, const s3::GranteeSpec& spec,
                                 s3::Permission permission) {
  s3::Grant g;
  g.permission = permission;
  switch (spec.kind) {
    case s3::GranteeSpec::Kind::kId: {
      if (spec.value == s3::kAnonymousCanonicalId) return g;  // the anonymous user
      auto account = api.accounts().FindByCanonicalId(spec.value);
      if (!account) return InvalidGrantee("Invalid id", "CanonicalUser/ID", spec.value);
      g.account_id = account->id;
      return g;
    }
    case s3::GranteeSpec::Kind::kEmail: {
      auto account = api.accounts().FindByEmail(spec.value);
      if (!account) {
        Error e = MakeError(ErrorCode::kUnresolvableGrantByEmailAddress);
        e.details.emplace_back("EmailAddress", spec.value);
        return e;
      }
      g.account_id = account->id;
      return g;
    }
    case s3::GranteeSpec::Kind::kUri: {
      auto group = s3::GroupFromUri(spec.value);
      if (!group) return InvalidGrantee("Invalid group uri", "Group/URI", spec.value);
      g.type = *group;
      return g;
    }
  }
  return g;
}

Result<s3::AclSpec> AclSpecFromDocument(const S3Api& api, const protocol::AclDocument& doc) {
  s3::AclSpec spec;
  spec.grants.emplace();
  for (const auto& entry : doc.grants) {
    auto g = ResolveGrantee(api, entry.grantee, entry.permission);
    if (!g) return g.error();
    spec.grants->push_back(std::move(*g));
  }
  return spec;
}

// The grants as GetBucketAcl and GetObjectAcl show them.
std::vector<protocol::ShownGrant> Shown(const S3Api& api, const s3::Grants& grants) {
  std::vector<protocol::ShownGrant> out;
  for (const s3::Grant& g : grants) {
    protocol::ShownGrant s;
    s.type = g.type;
    s.permission = g.permission;
    if (g.type == s3::GranteeType::kAccount) s.user = OwnerOf(api.accounts(), g.account_id);
    out.push_back(std::move(s));
  }
  return out;
}

Response AclResponse(const S3Api& api, const std::string& owner, const s3::StoredAcl& acl) {
  return Xml(200, protocol::AccessControlPolicyXml(
                      OwnerOf(api.accounts(), owner), Shown(api, s3::EffectiveGrants(acl, owner))));
}

// PutBucketAcl and PutObjectAcl take the ACL from the headers or from the
// body, not both.
Result<s3::AclSpec> AclSpecOfPut(const S3Api& api, const Request& request, const std::string& body,
                                 const std::string& owner) {
  auto from_headers = AclSpecFromHeaders(api, request);
  if (!from_headers) return from_headers.error();
  bool has_body = body.find_first_not_of(" \t\r\n") != std::string::npos;
  if (from_headers->given()) {
    if (has_body)
      return MakeError(ErrorCode::kUnexpectedContent,
                       "This request does not support content");
    return from_headers;
  }
  if (!has_body)
    return MakeError(ErrorCode::kMissingSecurityHeader,
                     "Your request was missing a required header");
  auto doc = protocol::ParseAccessControlPolicy(body);
  if (!doc) return doc.error();
  // The document's owner must be the resource's.
  if (doc->owner_id && *doc->owner_id != OwnerOf(api.accounts(), owner).id)
    return MakeError(ErrorCode::kAccessDenied);
  return AclSpecFromDocument(api, *doc);
}

using Handler = std::function<Response(const std::string& body)>;
std::unique_ptr<Exchange> Buffered(const Request& request, Handler handler) {
  return std::make_unique<BufferedExchange>(request, std::move(handler));
}

Response Fail(const Error& e, const Request& request) { return S3Api::ErrorResponse(e, request); }

}  // namespace

Result<s3::AclSpec> AclSpecFromHeaders(const S3Api& api, const Request& request) {
  s3::AclSpec spec;
  if (const std::string* canned = request.Header("x-amz-acl")) {
    spec.canned = s3::ParseCannedAcl(*canned);
    spec.canned_name = *canned;
    if (!spec.canned) return InvalidArgument("", "x-amz-acl", *canned);
  }
  for (const auto& header : s3::kGrantHeaders) {
    const std::string* value = request.Header(header.name);
    if (!value) continue;
    if (spec.canned)
      return MakeError(ErrorCode::kInvalidRequest,
                       "Specifying both Canned ACLs and Header Grants is not allowed");
    auto grantees = s3::ParseGrantHeader(*value);
    if (!grantees) return grantees.error();
    if (!spec.grants) spec.grants.emplace();
    for (const auto& g : *grantees) {
      auto grant = ResolveGrantee(api, g, header.permission);
      if (!grant) return grant.error();
      spec.grants->push_back(std::move(*grant));
    }
  }
  return spec;
}

std::unique_ptr<Exchange> AccessControl(S3Api& api, const Request& request,
                                        const auth::AuthResult& auth,
                                        const router::S3Route& route) {
  s3::S3Store& store = api.store();
  const s3::Caller caller = CallerOf(request, auth);
  const std::string bucket = route.bucket;
  const std::string key = route.key;
  auto fail = [&](const Error& e) { return Fixed(Fail(e, request)); };

  switch (route.op) {
    case S3Op::kGetBucketAcl: {
      auto b = store.GetBucket(caller, bucket, s3::action::kGetBucketAcl);
      if (!b) return fail(b.error());
      // With ACLs disabled, "the bucket owner has full control", whatever was stored.
      bool enforced = b->ownership == s3::ObjectOwnership::kBucketOwnerEnforced;
      return Fixed(AclResponse(api, b->owner_account_id, enforced ? s3::StoredAcl() : b->acl));
    }
    case S3Op::kGetObjectAcl: {
      auto version_id = VersionIdOf(request);
      if (!version_id) return fail(version_id.error());
      auto o = version_id->empty()
                   ? store.GetObject(caller, bucket, key, s3::action::kGetObjectAcl)
                   : store.GetObjectVersion(caller, bucket, key, *version_id,
                                            s3::action::kGetObjectVersionAcl);
      if (!o) return fail(o.error());
      if (o->delete_marker) {
        Error e = MakeError(ErrorCode::kMethodNotAllowed);
        e.details.emplace_back("Method", "GET");
        e.details.emplace_back("ResourceType", "DeleteMarker");
        return Fixed(DeleteMarkerError(e, request, *o));
      }
      Response r = AclResponse(api, o->owner_account_id, o->acl);
      AddVersionHeader(r, *o);
      return Fixed(std::move(r));
    }
    case S3Op::kPutBucketAcl:
      return Buffered(request, [&api, &request, caller, bucket](const std::string& body) {
        auto b = api.store().GetBucket(caller, bucket, s3::action::kPutBucketAcl);
        if (!b) return Fail(b.error(), request);
        auto spec = AclSpecOfPut(api, request, body, b->owner_account_id);
        if (!spec) return Fail(spec.error(), request);
        if (Status st = api.store().PutBucketAcl(caller, bucket, *spec); !st)
          return Fail(st.error(), request);
        return Empty(200);
      });
    case S3Op::kPutObjectAcl: {
      auto version_id = VersionIdOf(request);
      if (!version_id) return fail(version_id.error());
      return Buffered(request, [&api, &request, caller, bucket, key,
                                version_id = *version_id](const std::string& body) {
        auto o = version_id.empty()
                     ? api.store().GetObject(caller, bucket, key, s3::action::kPutObjectAcl)
                     : api.store().GetObjectVersion(caller, bucket, key, version_id,
                                                    s3::action::kPutObjectVersionAcl);
        if (!o) return Fail(o.error(), request);
        auto spec = AclSpecOfPut(api, request, body, o->owner_account_id);
        if (!spec) return Fail(spec.error(), request);
        if (Status st = api.store().PutObjectAcl(caller, bucket, key, *spec, version_id); !st)
          return Fail(st.error(), request);
        Response r = Empty(200);
        if (!version_id.empty()) r.SetHeader("x-amz-version-id", version_id);
        return r;
      });
    }

    case S3Op::kGetBucketPolicy: {
      auto b = store.GetBucket(caller, bucket, s3::action::kGetBucketPolicy);
      if (!b) return fail(b.error());
      if (b->policy.empty()) {
        Error e = MakeError(ErrorCode::kNoSuchBucketPolicy);
        e.details.emplace_back("BucketName", bucket);
        return fail(e);
      }
      Response r;
      r.status = 200;
      r.SetHeader("Content-Type", "application/json");
      r.body = b->policy;
      return Fixed(std::move(r));
    }
    case S3Op::kGetBucketPolicyStatus: {
      auto b = store.GetBucket(caller, bucket, s3::action::kGetBucketPolicyStatus);
      if (!b) return fail(b.error());
      if (!b->parsed_policy) {
        Error e = MakeError(ErrorCode::kNoSuchBucketPolicy);
        e.details.emplace_back("BucketName", bucket);
        return fail(e);
      }
      return Fixed(Xml(200, protocol::PolicyStatusXml(b->parsed_policy->IsPublic())));
    }
    case S3Op::kPutBucketPolicy: {
      auto put = Buffered(request, [&api, &request, caller, bucket](const std::string& body) {
        if (Status st = api.store().PutBucketPolicy(caller, bucket, body); !st)
          return Fail(st.error(), request);
        return Empty(204);
      });
      // "Maximum size 20 KB" is checked by the parser; refuse far larger bodies unread.
      put->body_limit = 64 << 10;
      return put;
    }
    case S3Op::kDeleteBucketPolicy: {
      if (Status st = store.PutBucketPolicy(caller, bucket, std::nullopt); !st)
        return fail(st.error());
      return Fixed(Empty(204));
    }

    case S3Op::kGetPublicAccessBlock: {
      auto b = store.GetBucket(caller, bucket, s3::action::kGetPublicAccessBlock);
      if (!b) return fail(b.error());
      if (!b->public_access_block) {
        Error e = MakeError(ErrorCode::kNoSuchPublicAccessBlockConfiguration);
        e.details.emplace_back("BucketName", bucket);
        return fail(e);
      }
      return Fixed(Xml(200, protocol::PublicAccessBlockXml(*b->public_access_block)));
    }
    case S3Op::kPutPublicAccessBlock:
      return Buffered(request, [&api, &request, caller, bucket](const std::string& body) {
        auto block = protocol::ParsePublicAccessBlock(body);
        if (!block) return Fail(block.error(), request);
        if (Status st = api.store().PutPublicAccessBlock(caller, bucket, *block); !st)
          return Fail(st.error(), request);
        return Empty(200);
      });
    case S3Op::kDeletePublicAccessBlock: {
      if (Status st = store.PutPublicAccessBlock(caller, bucket, std::nullopt); !st)
        return fail(st.error());
      return Fixed(Empty(204));
    }

    case S3Op::kGetBucketOwnershipControls: {
      auto b = store.GetBucket(caller, bucket, s3::action::kGetOwnershipControls);
      if (!b) return fail(b.error());
      if (b->ownership == s3::ObjectOwnership::kUnset) {
        Error e = MakeError(ErrorCode::kOwnershipControlsNotFoundError);
        e.details.emplace_back("BucketName", bucket);
        return fail(e);
      }
      return Fixed(Xml(200, protocol::OwnershipControlsXml(b->ownership)));
    }
    case S3Op::kPutBucketOwnershipControls:
      return Buffered(request, [&api, &request, caller, bucket](const std::string& body) {
        auto ownership = protocol::ParseOwnershipControls(body);
        if (!ownership) return Fail(ownership.error(), request);
        if (Status st = api.store().PutOwnershipControls(caller, bucket, *ownership); !st)
          return Fail(st.error(), request);
        return Empty(200);
      });
    case S3Op::kDeleteBucketOwnershipControls: {
      if (Status st = store.PutOwnershipControls(caller, bucket, s3::ObjectOwnership::kUnset);
          !st)
        return fail(st.error());
      return Fixed(Empty(204));
    }
    default:
      return nullptr;
  }
}

}  // namespace awslab::api::internal
