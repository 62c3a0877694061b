// The EC2 Query API's frame (body, authentication, dispatch, error document)
// and the handlers of the catalog, key pairs, tags, VPCs and subnets.
#include "emulator/api/ec2_api.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <map>
#include <random>

#include "client/include/awslab/crypto.h"
#include "emulator/api/ec2_internal.h"
#include "emulator/base/ids.h"
#include "emulator/ec2/catalog.h"
#include "emulator/ec2/keys.h"
#include "emulator/iam/iam_store.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::api {
namespace {

using protocol::QueryParams;
using protocol::Request;
using protocol::Response;
using protocol::XmlWriter;
namespace e = ec2api;


const std::map<std::string_view, e::Handler>& Handlers() {
  static const std::map<std::string_view, e::Handler> handlers = {
      {"DescribeRegions", e::DescribeRegions},
      {"DescribeAvailabilityZones", e::DescribeAvailabilityZones},
      {"DescribeInstanceTypes", e::DescribeInstanceTypes},
      {"DescribeImages", e::DescribeImages},
      {"CreateKeyPair", e::CreateKeyPair},
      {"ImportKeyPair", e::ImportKeyPair},
      {"DescribeKeyPairs", e::DescribeKeyPairs},
      {"DeleteKeyPair", e::DeleteKeyPair},
      {"CreateTags", e::CreateTags},
      {"DeleteTags", e::DeleteTags},
      {"DescribeTags", e::DescribeTags},
      {"RunInstances", e::RunInstances},
      {"DescribeInstances", e::DescribeInstances},
      {"DescribeInstanceStatus", e::DescribeInstanceStatus},
      {"StartInstances", e::StartInstances},
      {"StopInstances", e::StopInstances},
      {"RebootInstances", e::RebootInstances},
      {"TerminateInstances", e::TerminateInstances},
      {"ModifyInstanceAttribute", e::ModifyInstanceAttribute},
      {"DescribeInstanceAttribute", e::DescribeInstanceAttribute},
      {"GetConsoleOutput", e::GetConsoleOutput},
      {"CreateSecurityGroup", e::CreateSecurityGroup},
      {"DeleteSecurityGroup", e::DeleteSecurityGroup},
      {"DescribeSecurityGroups", e::DescribeSecurityGroups},
      {"AuthorizeSecurityGroupIngress", e::AuthorizeSecurityGroupIngress},
      {"AuthorizeSecurityGroupEgress", e::AuthorizeSecurityGroupEgress},
      {"RevokeSecurityGroupIngress", e::RevokeSecurityGroupIngress},
      {"RevokeSecurityGroupEgress", e::RevokeSecurityGroupEgress},
      {"AllocateAddress", e::AllocateAddress},
      {"AssociateAddress", e::AssociateAddress},
      {"DisassociateAddress", e::DisassociateAddress},
      {"ReleaseAddress", e::ReleaseAddress},
      {"DescribeAddresses", e::DescribeAddresses},
      {"CreateVolume", e::CreateVolume},
      {"AttachVolume", e::AttachVolume},
      {"DetachVolume", e::DetachVolume},
      {"DeleteVolume", e::DeleteVolume},
      {"DescribeVolumes", e::DescribeVolumes},
      {"DescribeVpcs", e::DescribeVpcs},
      {"DescribeSubnets", e::DescribeSubnets},
      {"RequestSpotInstances", e::RequestSpotInstances},
      {"DescribeSpotInstanceRequests", e::DescribeSpotInstanceRequests},
      {"CancelSpotInstanceRequests", e::CancelSpotInstanceRequests},
      {"DescribeSpotPriceHistory", e::DescribeSpotPriceHistory},
  };
  return handlers;
}

// Whether `s` is UTF-8 (no overlong form, no surrogate) of characters XML
// 1.0 allows (no control character but tab, line feed and carriage return).
bool IsXmlText(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3
                                   : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size()) return false;
    std::uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) || cp == 0xFFFE ||
        cp == 0xFFFF || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r'))
      return false;
    i += len;
  }
  return true;
}

// EC2's error document:
// <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/errors-overview.html
Response ErrorResponse(const Error& error, const std::string& request_id) {
  // SlowDown is S3's word; EC2 has none for a full disk and says InternalError.
  const ErrorInfo& info =
      Describe(error.code == ErrorCode::kSlowDown ? ErrorCode::kInternalError : error.code);
  XmlWriter w;
  w.Open("Response");
  w.Open("Errors");
  w.Open("Error");
  w.Leaf("Code", info.code);
  w.Leaf("Message", protocol::xml::ErrorText(error.Message()));
  w.Close();
  w.Close();
  w.Leaf("RequestID", request_id);
  Response r;
  // EC2 answers client errors with 400 (401 for AuthFailure, 412 for DryRun,
  // 403 for UnauthorizedOperation) and its own failures with 500 or 503.
  r.status = info.http_status;
  if (error.code == ErrorCode::kSignatureDoesNotMatch || error.code == ErrorCode::kAccessDenied)
    r.status = 403;
  r.body = w.Take();
  r.SetHeader("Content-Type", "text/xml;charset=UTF-8");
  r.SetHeader("Server", "AmazonEC2");
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

// Authentication errors in EC2's words: it names a bad key or signature
// AuthFailure, where S3 has InvalidAccessKeyId and SignatureDoesNotMatch.
Error AsEc2Error(Error error) {
  switch (error.code) {
    case ErrorCode::kInvalidAccessKeyId:
      return MakeError(ErrorCode::kAuthFailure);
    case ErrorCode::kSignatureDoesNotMatch:
      return MakeError(ErrorCode::kSignatureDoesNotMatch,
                       "The request signature we calculated does not match the signature you "
                       "provided. Check your AWS Secret Access Key and signing method. Consult "
                       "the service documentation for details.");
    case ErrorCode::kRequestTimeTooSkewed:
      return MakeError(ErrorCode::kAuthFailure,
                       "Request has expired: the request time is more than 15 minutes off the "
                       "server's.");
    default:
      return error;
  }
}

}  // namespace

bool Ec2Api::Claims(const Request& request) {
  if (const std::string* authz = request.Header("authorization"))
    return authz->find("/ec2/aws4_request") != std::string::npos;
  if (request.HasQuery("Action")) return true;
  const std::string* type = request.Header("content-type");
  return request.raw.method == "POST" && request.path == "/" && type &&
         type->starts_with("application/x-www-form-urlencoded");
}

std::unique_ptr<Exchange> Ec2Api::Begin(Request request) {
  return std::make_unique<WholeBodyExchange>(
      std::move(request), 4 << 20,
      [this](bool complete, const Request& r, const std::string& body) {
        if (!complete) return ErrorResponse(MakeError(ErrorCode::kIncompleteBody), NewUuid());
        return Handle(r, body);
      });
}

Response Ec2Api::Handle(const Request& request, const std::string& body) {
  const std::string request_id = NewUuid();
  auto auth = auth_.AuthenticateSignedBody(request.raw, crypto::Sha256Hex(body));
  if (!auth) return ErrorResponse(AsEc2Error(auth.error()), request_id);
  if (auth->principal.anonymous())
    return ErrorResponse(MakeError(ErrorCode::kAuthFailure,
                                   "AWS was not able to validate the provided access credentials"),
                         request_id);
  // Parameters: the form body of a POST, else the query string.
  std::optional<QueryParams> params =
      request.raw.method == "POST" ? QueryParams::Parse(body) : QueryParams::Parse(request.raw.query);
  if (!params)
    return ErrorResponse(MakeError(ErrorCode::kInvalidParameterValue, "Malformed form encoding"),
                         request_id);
  // Any parameter may come back in the XML answer (a tag, an error message):
  // one that XML cannot carry is refused, and not named.
  for (const auto& [name, value] : params->all())
    if (!IsXmlText(name) || !IsXmlText(value))
      return ErrorResponse(MakeError(ErrorCode::kInvalidParameterValue,
                                     "A parameter's name or value is not UTF-8 text (or holds a "
                                     "control character)"),
                           request_id);
  const std::string* action = params->Get("Action");
  if (!action) return ErrorResponse(MakeError(ErrorCode::kMissingAction), request_id);
  auto it = Handlers().find(*action);
  if (it == Handlers().end())
    return ErrorResponse(MakeError(ErrorCode::kInvalidAction,
                                   "The action " + *action + " is not valid for this web service."),
                         request_id);
  std::string region = auth->region.empty() ? default_region_ : auth->region;
  if (!ec2::FindRegion(region))
    return ErrorResponse(MakeError(ErrorCode::kAuthFailure,
                                   "AWS was not able to validate the provided access credentials"),
                         request_id);

  // An IAM user needs its identity policies to allow ec2:<Action> (on "*":
  // awslab checks no resource-level permissions), DryRun or not.
  if (!auth->principal.user_name.empty() && auth->iam) {
    const iam::Context context{{"aws:sourceip", request.remote_address},
                               {"aws:securetransport", "false"},
                               {"ec2:region", region},
                               {"aws:requestedregion", region}};
    if (auth->iam->Evaluate(auth->principal.account_id, auth->principal.user_name,
                            "ec2:" + *action, "*", context) != iam::Decision::kAllow)
      return ErrorResponse(MakeError(ErrorCode::kUnauthorizedOperation), request_id);
  }

  XmlWriter out;
  out.Open(*action + "Response", ec2api::kXmlns);
  out.Leaf("requestId", request_id);
  ec2api::Call call{*params, store_, {auth->principal.account_id, region},
                    ec2api::Flag(*params, "DryRun"), out};
  if (auto st = it->second(call); !st) return ErrorResponse(st.error(), request_id);
  Response r;
  r.body = out.Take();
  r.SetHeader("Content-Type", "text/xml;charset=UTF-8");
  r.SetHeader("Server", "AmazonEC2");
  r.SetHeader("x-amzn-RequestId", request_id);
  return r;
}

namespace ec2api {

std::vector<ec2::Filter> Filters(const QueryParams& params) {
  std::vector<ec2::Filter> out;
  for (int n : params.Indices("Filter")) {
    QueryParams f = params.Sub("Filter." + std::to_string(n));
    const std::string* name = f.Get("Name");
    if (!name) continue;
    out.push_back({*name, f.List("Value")});
  }
  return out;
}

ec2::Tags TagList(const QueryParams& params, std::string_view prefix) {
  ec2::Tags out;
  for (int n : params.Indices(prefix)) {
    QueryParams t = params.Sub(std::string(prefix) + "." + std::to_string(n));
    const std::string* key = t.Get("Key");
    const std::string* value = t.Get("Value");
    if (key) out.emplace_back(*key, value ? *value : "");
  }
  return out;
}

ec2::Tags TagSpecs(const QueryParams& params, std::string_view resource_type) {
  ec2::Tags out;
  for (int n : params.Indices("TagSpecification")) {
    QueryParams spec = params.Sub("TagSpecification." + std::to_string(n));
    const std::string* type = spec.Get("ResourceType");
    if (type && *type == resource_type)
      for (auto& tag : TagList(spec)) out.push_back(std::move(tag));
  }
  return out;
}

Result<std::string> Required(const QueryParams& params, std::string_view name) {
  if (const std::string* v = params.Get(name)) return *v;
  return MakeError(ErrorCode::kMissingParameter,
                   "The request must contain the parameter " + std::string(name));
}

Result<std::optional<long long>> Integer(const QueryParams& params, std::string_view name) {
  const std::string* v = params.Get(name);
  if (!v) return std::optional<long long>();
  long long n = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
  if (ec != std::errc() || p != v->data() + v->size())
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + *v + "' for " + std::string(name));
  return std::optional<long long>(n);
}

bool Flag(const QueryParams& params, std::string_view name) {
  const std::string* v = params.Get(name);
  return v && (*v == "true" || *v == "True" || *v == "1");
}

void WriteTags(XmlWriter& out, const ec2::Tags& tags) {
  if (tags.empty()) return;
  out.Open("tagSet");
  for (const auto& [k, v] : tags) {
    out.Open("item");
    out.Leaf("key", k);
    out.Leaf("value", v);
    out.Close();
  }
  out.Close();
}

// NextToken: the index of the next item, in a form that is not mistaken for
// a number the client could make up.
Result<Page> Paginate(const QueryParams& params, std::size_t total, int min, int max) {
  Page page;
  page.size = total;
  auto max_results = Integer(params, "MaxResults");
  if (!max_results) return max_results.error();
  if (*max_results) {
    // Above the maximum AWS returns the maximum ("if MaxResults is given a
    // value larger than 500, only 500 items are returned"); below, an error.
    if (**max_results > max) **max_results = max;
    if (**max_results < min)
      return MakeError(ErrorCode::kInvalidParameterValue,
                       "Value ( " + std::to_string(**max_results) +
                           " ) for parameter maxResults is invalid. Expecting a value between " +
                           std::to_string(min) + " and " + std::to_string(max) + ".");
    page.size = static_cast<std::size_t>(**max_results);
  }
  if (const std::string* token = params.Get("NextToken")) {
    std::size_t start = 0;
    std::string_view t = *token;
    if (!t.starts_with("awslab-") ||
        std::from_chars(t.data() + 7, t.data() + t.size(), start).ec != std::errc() ||
        start > total)
      return MakeError(ErrorCode::kInvalidPaginationToken,
                       "Invalid pagination token: " + *token);
    page.start = start;
  }
  page.size = std::min(page.size, total - page.start);
  return page;
}

std::string NextToken(const Page& page, std::size_t total) {
  std::size_t next = page.start + page.size;
  return next < total ? "awslab-" + std::to_string(next) : "";
}

// ---------------------------------------------------------------------------
// Catalog.

Status DescribeRegions(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> names = c.params.List("RegionName");
  auto filters = Filters(c.params);
  c.out.Open("regionInfo");
  for (const ec2::Region& r : ec2::Regions()) {
    if (!names.empty() && std::find(names.begin(), names.end(), r.name) == names.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      if (f == "region-name") return std::vector<std::string>{std::string(r.name)};
      if (f == "endpoint") return std::vector<std::string>{std::string(r.endpoint)};
      if (f == "opt-in-status") return std::vector<std::string>{"opt-in-not-required"};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    c.out.Leaf("regionName", r.name);
    c.out.Leaf("regionEndpoint", r.endpoint);
    c.out.Leaf("optInStatus", "opt-in-not-required");
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

Status DescribeAvailabilityZones(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> names = c.params.List("ZoneName");
  auto filters = Filters(c.params);
  c.out.Open("availabilityZoneInfo");
  for (const ec2::AvailabilityZone* z : ec2::ZonesOf(c.scope.region)) {
    if (!names.empty() && std::find(names.begin(), names.end(), z->name) == names.end())
      continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      if (f == "zone-name") return std::vector<std::string>{std::string(z->name)};
      if (f == "zone-id") return std::vector<std::string>{std::string(z->zone_id)};
      if (f == "region-name") return std::vector<std::string>{std::string(z->region)};
      if (f == "state") return std::vector<std::string>{"available"};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    c.out.Leaf("zoneName", z->name);
    c.out.Leaf("zoneState", "available");
    c.out.Leaf("regionName", z->region);
    c.out.Leaf("zoneId", z->zone_id);
    c.out.Leaf("zoneType", "availability-zone");
    c.out.Leaf("optInStatus", "opt-in-not-required");
    c.out.Leaf("groupName", z->region);
    c.out.Leaf("networkBorderGroup", z->region);
    c.out.Open("messageSet");
    c.out.Close();
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

Status DescribeInstanceTypes(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> names = c.params.List("InstanceType");
  auto filters = Filters(c.params);
  std::vector<const ec2::InstanceType*> matched;
  for (const ec2::InstanceType& t : ec2::InstanceTypes()) {
    if (!names.empty() && std::find(names.begin(), names.end(), t.name) == names.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "instance-type") return V{std::string(t.name)};
      if (f == "vcpu-info.default-vcpus") return V{std::to_string(t.vcpus)};
      if (f == "memory-info.size-in-mib")
        return V{std::to_string(static_cast<long long>(t.memory_gib * 1024))};
      if (f == "current-generation") return V{t.current_generation ? "true" : "false"};
      if (f == "free-tier-eligible") return V{t.free_tier_eligible ? "true" : "false"};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (*ok) matched.push_back(&t);
  }
  for (const std::string& n : names)
    if (!ec2::FindInstanceType(n))
      return MakeError(ErrorCode::kInvalidInstanceType,
                       "The following supplied instance types do not exist: [" + n + "]");
  auto page = Paginate(c.params, matched.size(), 5, 100);
  if (!page) return page.error();
  c.out.Open("instanceTypeSet");
  for (std::size_t n = page->start; n < page->start + page->size; ++n) {
    const ec2::InstanceType& t = *matched[n];
    c.out.Open("item");
    c.out.Leaf("instanceType", t.name);
    c.out.Bool("currentGeneration", t.current_generation);
    c.out.Bool("freeTierEligible", t.free_tier_eligible);
    c.out.Open("supportedUsageClasses");
    c.out.Leaf("item", "on-demand");
    c.out.Leaf("item", "spot");
    c.out.Close();
    c.out.Open("supportedRootDeviceTypes");
    c.out.Leaf("item", "ebs");
    c.out.Close();
    c.out.Open("processorInfo");
    c.out.Open("supportedArchitectures");
    c.out.Leaf("item", "x86_64");
    c.out.Close();
    c.out.Close();
    c.out.Open("vCpuInfo");
    c.out.Leaf("defaultVCpus", t.vcpus);
    c.out.Close();
    c.out.Open("memoryInfo");
    c.out.Leaf("sizeInMiB", static_cast<long long>(t.memory_gib * 1024));
    c.out.Close();
    if (t.gpus > 0) {
      c.out.Open("gpuInfo");
      c.out.Open("gpus");
      c.out.Open("item");
      c.out.Leaf("count", t.gpus);
      c.out.Close();
      c.out.Close();
      c.out.Close();
    }
    c.out.Leaf("hypervisor", t.name.starts_with("t2.") ? "xen" : "nitro");
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, matched.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

Status DescribeImages(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("ImageId");
  std::vector<std::string> owners = c.params.List("Owner");
  auto filters = Filters(c.params);
  for (const std::string& id : ids) {
    bool well_formed = id.size() == 12 || id.size() == 21;
    well_formed = well_formed && id.starts_with("ami-") &&
                  std::all_of(id.begin() + 4, id.end(), [](char ch) {
                    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f');
                  });
    if (!well_formed)
      return MakeError(ErrorCode::kInvalidAMIIDMalformed,
                       "Invalid id: \"" + id + "\" (expecting \"ami-...\")");
  }
  for (const std::string& id : ids)
    if (!ec2::FindImage(c.scope.region, id))
      return MakeError(ErrorCode::kInvalidAMIIDNotFound,
                       "The image id '[" + id + "]' does not exist");
  c.out.Open("imagesSet");
  for (const ec2::Image& img : ec2::Images()) {
    if (img.region != c.scope.region) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), img.image_id) == ids.end()) continue;
    if (!owners.empty() &&
        std::none_of(owners.begin(), owners.end(), [&](const std::string& o) {
          return o == img.owner_id || (!img.owner_alias.empty() && o == img.owner_alias);
        }))
      continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "image-id") return V{std::string(img.image_id)};
      if (f == "name") return V{std::string(img.name)};
      if (f == "description") return V{std::string(img.description)};
      if (f == "owner-id") return V{std::string(img.owner_id)};
      if (f == "owner-alias") return V{std::string(img.owner_alias)};
      if (f == "architecture") return V{std::string(img.architecture)};
      if (f == "platform") return img.platform.empty() ? V{} : V{std::string(img.platform)};
      if (f == "platform-details") return V{std::string(img.platform_details)};
      if (f == "root-device-type") return V{"ebs"};
      if (f == "virtualization-type") return V{"hvm"};
      if (f == "state") return V{"available"};
      if (f == "is-public") return V{img.is_public ? "true" : "false"};
      if (f == "image-type") return V{"machine"};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    c.out.Leaf("imageId", img.image_id);
    c.out.Leaf("imageLocation", std::string(img.owner_alias.empty() ? img.owner_id
                                                                    : img.owner_alias) +
                                    "/" + std::string(img.name));
    c.out.Leaf("imageState", "available");
    c.out.Leaf("imageOwnerId", img.owner_id);
    c.out.Leaf("creationDate", img.creation_date);
    c.out.Bool("isPublic", img.is_public);
    c.out.Leaf("architecture", img.architecture);
    c.out.Leaf("imageType", "machine");
    if (!img.platform.empty()) c.out.Leaf("platform", img.platform);
    c.out.Leaf("platformDetails", img.platform_details);
    c.out.Leaf("usageOperation", img.platform.empty() ? "RunInstances" : "RunInstances:0002");
    if (!img.owner_alias.empty()) c.out.Leaf("imageOwnerAlias", img.owner_alias);
    c.out.Leaf("name", img.name);
    c.out.Leaf("description", img.description);
    c.out.Leaf("rootDeviceType", "ebs");
    c.out.Leaf("rootDeviceName", img.root_device_name);
    c.out.Open("blockDeviceMapping");
    c.out.Open("item");
    c.out.Leaf("deviceName", img.root_device_name);
    c.out.Open("ebs");
    c.out.Bool("deleteOnTermination", true);
    c.out.Leaf("volumeSize", img.root_volume_gib);
    c.out.Leaf("volumeType", img.root_volume_type);
    c.out.Bool("encrypted", false);
    c.out.Close();
    c.out.Close();
    c.out.Close();
    c.out.Leaf("virtualizationType", "hvm");
    c.out.Leaf("hypervisor", "xen");
    c.out.Bool("enaSupport", true);
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

// ---------------------------------------------------------------------------
// Key pairs.

namespace {

void WriteKeyPairHead(XmlWriter& out, const ec2::KeyPair& k) {
  out.Leaf("keyPairId", k.id);
  out.Leaf("keyName", k.name);
  out.Leaf("keyFingerprint", k.fingerprint);
}

Result<ec2::KeyType> KeyTypeParam(const QueryParams& params) {
  const std::string* type = params.Get("KeyType");
  if (!type || *type == "rsa") return ec2::KeyType::kRsa;
  if (*type == "ed25519") return ec2::KeyType::kEd25519;
  return MakeError(ErrorCode::kInvalidParameterValue,
                   "Invalid value '" + *type + "' for KeyType. Valid values: rsa, ed25519");
}

Status CheckKeyName(const std::string& name) {
  // "Constraints: Up to 255 ASCII characters"
  if (name.empty() || name.size() > 255 ||
      std::any_of(name.begin(), name.end(), [](char ch) { return ch < 32 || ch > 126; }))
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + name + "' for KeyName.");
  return Ok();
}

}  // namespace

Status CreateKeyPair(Call& c) {
  auto name = Required(c.params, "KeyName");
  if (!name) return name.error();
  if (auto st = CheckKeyName(*name); !st) return st;
  auto type = KeyTypeParam(c.params);
  if (!type) return type.error();
  if (const std::string* format = c.params.Get("KeyFormat"); format && *format != "pem")
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Invalid value '" + *format + "' for KeyFormat: only pem is supported "
                     "here (ppk is PuTTY's).");
  if (c.dry_run) {
    auto st = c.store.AddKeyPair(c.scope, {.name = *name}, true);
    return st.error();
  }
  auto created = ec2::CreateKey(*type);
  if (!created) return created.error();
  ec2::KeyPair k;
  k.name = *name;
  k.type = std::string(ec2::KeyTypeName(*type));
  k.fingerprint = created->fingerprint;
  k.public_key = created->public_key_openssh;
  k.tags = TagSpecs(c.params, "key-pair");
  auto stored = c.store.AddKeyPair(c.scope, std::move(k), false);
  if (!stored) return stored.error();
  c.out.Leaf("keyName", stored->name);
  c.out.Leaf("keyFingerprint", stored->fingerprint);
  c.out.Leaf("keyMaterial", created->private_key);
  c.out.Leaf("keyPairId", stored->id);
  WriteTags(c.out, stored->tags);
  return Ok();
}

Status ImportKeyPair(Call& c) {
  auto name = Required(c.params, "KeyName");
  if (!name) return name.error();
  if (auto st = CheckKeyName(*name); !st) return st;
  auto material = Required(c.params, "PublicKeyMaterial");
  if (!material) return material.error();
  // The material is base64 on the wire (the SDKs encode the blob).
  auto decoded = crypto::Base64Decode(*material);
  if (!decoded)
    return MakeError(ErrorCode::kInvalidParameterValue,
                     "Value for parameter PublicKeyMaterial is invalid. Length exceeds maximum "
                     "of 2048.");
  auto imported = ec2::ImportKey(*decoded);
  if (!imported) return imported.error();
  ec2::KeyPair k;
  k.name = *name;
  k.type = std::string(ec2::KeyTypeName(imported->type));
  k.fingerprint = imported->fingerprint;
  k.public_key = imported->public_key_openssh;
  k.tags = TagSpecs(c.params, "key-pair");
  auto stored = c.store.AddKeyPair(c.scope, std::move(k), c.dry_run);
  if (!stored) return stored.error();
  c.out.Leaf("keyFingerprint", stored->fingerprint);
  c.out.Leaf("keyName", stored->name);
  c.out.Leaf("keyPairId", stored->id);
  WriteTags(c.out, stored->tags);
  return Ok();
}

Status DescribeKeyPairs(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> names = c.params.List("KeyName");
  std::vector<std::string> ids = c.params.List("KeyPairId");
  auto filters = Filters(c.params);
  std::vector<ec2::KeyPair> keys = c.store.KeyPairs(c.scope);
  for (const std::string& n : names)
    if (std::none_of(keys.begin(), keys.end(), [&](const auto& k) { return k.name == n; }))
      return MakeError(ErrorCode::kInvalidKeyPairNotFound,
                       "The key pair '" + n + "' does not exist");
  for (const std::string& id : ids)
    if (std::none_of(keys.begin(), keys.end(), [&](const auto& k) { return k.id == id; }))
      return MakeError(ErrorCode::kInvalidKeyPairNotFound,
                       "The key pair '" + id + "' does not exist");
  const bool with_public = Flag(c.params, "IncludePublicKey");
  c.out.Open("keySet");
  for (const ec2::KeyPair& k : keys) {
    if (!names.empty() && std::find(names.begin(), names.end(), k.name) == names.end()) continue;
    if (!ids.empty() && std::find(ids.begin(), ids.end(), k.id) == ids.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "key-name") return V{k.name};
      if (f == "key-pair-id") return V{k.id};
      if (f == "fingerprint") return V{k.fingerprint};
      return ec2::TagFilterValues(k.tags, f);
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    WriteKeyPairHead(c.out, k);
    c.out.Leaf("keyType", k.type);
    WriteTags(c.out, k.tags);
    if (with_public) c.out.Leaf("publicKey", k.public_key);
    c.out.Leaf("createTime", FormatIso8601(k.created));
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

Status DeleteKeyPair(Call& c) {
  const std::string* name = c.params.Get("KeyName");
  const std::string* id = c.params.Get("KeyPairId");
  if (!name && !id)
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter KeyName or KeyPairId");
  if (auto st = c.store.DeleteKeyPair(c.scope, name ? *name : "", id ? *id : "", c.dry_run); !st)
    return st;
  c.out.Bool("return", true);
  return Ok();
}

// ---------------------------------------------------------------------------
// Tags.

Status CreateTags(Call& c) {
  std::vector<std::string> ids = c.params.List("ResourceId");
  // (A "ResourceId" with no index is no member of the list, yet present:
  // Required would not fail on it.)
  if (ids.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter ResourceId");
  ec2::Tags tags = TagList(c.params);
  if (tags.empty()) return Required(c.params, "Tag.1.Key").error();
  if (auto st = c.store.CreateTags(c.scope, ids, tags, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status DeleteTags(Call& c) {
  std::vector<std::string> ids = c.params.List("ResourceId");
  if (ids.empty())
    return MakeError(ErrorCode::kMissingParameter,
                     "The request must contain the parameter ResourceId");
  std::vector<ec2::Ec2Store::TagSpec> tags;
  for (int n : c.params.Indices("Tag")) {
    QueryParams t = c.params.Sub("Tag." + std::to_string(n));
    const std::string* key = t.Get("Key");
    if (!key) continue;
    const std::string* value = t.Get("Value");
    tags.push_back({*key, value ? *value : "", value != nullptr});
  }
  if (auto st = c.store.DeleteTags(c.scope, ids, tags, c.dry_run); !st) return st;
  c.out.Bool("return", true);
  return Ok();
}

Status DescribeTags(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  auto filters = Filters(c.params);
  std::vector<ec2::Ec2Store::TagRow> rows;
  for (auto& row : c.store.AllTags(c.scope)) {
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "resource-id") return V{row.resource_id};
      if (f == "resource-type") return V{row.resource_type};
      if (f == "key") return V{row.key};
      if (f == "value") return V{row.value};
      return std::nullopt;
    });
    if (!ok) return ok.error();
    if (*ok) rows.push_back(std::move(row));
  }
  auto page = Paginate(c.params, rows.size(), 5, 1000);
  if (!page) return page.error();
  c.out.Open("tagSet");
  for (std::size_t n = page->start; n < page->start + page->size; ++n) {
    c.out.Open("item");
    c.out.Leaf("resourceId", rows[n].resource_id);
    c.out.Leaf("resourceType", rows[n].resource_type);
    c.out.Leaf("key", rows[n].key);
    c.out.Leaf("value", rows[n].value);
    c.out.Close();
  }
  c.out.Close();
  if (auto next = NextToken(*page, rows.size()); !next.empty()) c.out.Leaf("nextToken", next);
  return Ok();
}

// ---------------------------------------------------------------------------
// The default VPC and its subnets (one per zone), which instances name.

Status DescribeVpcs(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  const std::string vpc = c.store.DefaultVpc(c.scope);
  std::vector<std::string> ids = c.params.List("VpcId");
  for (const std::string& id : ids)
    if (id != vpc)
      return MakeError(ErrorCode::kInvalidVpcIDNotFound, "The vpc ID '" + id + "' does not exist");
  auto ok = ec2::Matches(Filters(c.params), [&](std::string_view f)
                                                -> std::optional<std::vector<std::string>> {
    using V = std::vector<std::string>;
    if (f == "vpc-id") return V{vpc};
    if (f == "is-default" || f == "isDefault") return V{"true"};
    if (f == "cidr" || f == "cidr-block") return V{"172.31.0.0/16"};
    if (f == "state") return V{"available"};
    return V{};
  });
  if (!ok) return ok.error();
  c.out.Open("vpcSet");
  if (*ok) {
    c.out.Open("item");
    c.out.Leaf("vpcId", vpc);
    c.out.Leaf("ownerId", c.scope.account_id);
    c.out.Leaf("state", "available");
    c.out.Leaf("cidrBlock", "172.31.0.0/16");
    c.out.Leaf("dhcpOptionsId", "dopt-" + vpc.substr(4));
    c.out.Leaf("instanceTenancy", "default");
    c.out.Bool("isDefault", true);
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

Status DescribeSubnets(Call& c) {
  if (c.dry_run) return MakeError(ErrorCode::kDryRunOperation);
  std::vector<std::string> ids = c.params.List("SubnetId");
  auto filters = Filters(c.params);
  auto subnets = c.store.Subnets(c.scope);
  for (const std::string& id : ids)
    if (std::none_of(subnets.begin(), subnets.end(), [&](const auto& s) { return s.id == id; }))
      return MakeError(ErrorCode::kInvalidSubnetIDNotFound,
                       "The subnet ID '" + id + "' does not exist");
  const std::string vpc = c.store.DefaultVpc(c.scope);
  c.out.Open("subnetSet");
  for (const ec2::Subnet& s : subnets) {
    if (!ids.empty() && std::find(ids.begin(), ids.end(), s.id) == ids.end()) continue;
    auto ok = ec2::Matches(filters, [&](std::string_view f)
                                        -> std::optional<std::vector<std::string>> {
      using V = std::vector<std::string>;
      if (f == "subnet-id") return V{s.id};
      if (f == "vpc-id") return V{vpc};
      if (f == "availability-zone") return V{s.zone};
      if (f == "default-for-az") return V{"true"};
      if (f == "cidr-block") return V{s.cidr};
      return V{};
    });
    if (!ok) return ok.error();
    if (!*ok) continue;
    c.out.Open("item");
    c.out.Leaf("subnetId", s.id);
    c.out.Leaf("state", "available");
    c.out.Leaf("vpcId", vpc);
    c.out.Leaf("cidrBlock", s.cidr);
    c.out.Leaf("availableIpAddressCount", 4091);
    c.out.Leaf("availabilityZone", s.zone);
    c.out.Bool("defaultForAz", true);
    c.out.Bool("mapPublicIpOnLaunch", true);
    c.out.Leaf("ownerId", c.scope.account_id);
    c.out.Close();
  }
  c.out.Close();
  return Ok();
}

}  // namespace ec2api
}  // namespace awslab::api
