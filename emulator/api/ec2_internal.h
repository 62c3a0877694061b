// Shared by the EC2 handlers (ec2_*.cc): one call's parameters, scope and
// response writer, and the parsing helpers of the Query protocol.
#ifndef AWSLAB_EMULATOR_API_EC2_INTERNAL_H_
#define AWSLAB_EMULATOR_API_EC2_INTERNAL_H_

#include <string>
#include <string_view>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/ec2/ec2_store.h"
#include "emulator/ec2/filters.h"
#include "emulator/protocol/query.h"

namespace awslab::api::ec2api {

inline constexpr std::string_view kXmlns = "http://ec2.amazonaws.com/doc/2016-11-15/";

struct Call {
  const protocol::QueryParams& params;
  ec2::Ec2Store& store;
  ec2::Scope scope;
  bool dry_run = false;
  // The response element (<ActionResponse>) and requestId are already open.
  protocol::XmlWriter& out;
};

using Handler = Status (*)(Call&);

// "Filter.N.Name" / "Filter.N.Value.M".
std::vector<ec2::Filter> Filters(const protocol::QueryParams& params);
// "TagSpecification.N.ResourceType" / ".Tag.M.Key" / ".Tag.M.Value" for one type.
ec2::Tags TagSpecs(const protocol::QueryParams& params, std::string_view resource_type);
// "Tag.N.Key" / "Tag.N.Value".
ec2::Tags TagList(const protocol::QueryParams& params, std::string_view prefix = "Tag");
// A required parameter; MissingParameter when absent.
Result<std::string> Required(const protocol::QueryParams& params, std::string_view name);
// An optional integer; InvalidParameterValue when not one.
Result<std::optional<long long>> Integer(const protocol::QueryParams& params,
                                         std::string_view name);
bool Flag(const protocol::QueryParams& params, std::string_view name);

void WriteTags(protocol::XmlWriter& out, const ec2::Tags& tags);
// <groupSet> with each group's id and name (looked up in `groups`).
void WriteGroupSet(protocol::XmlWriter& out, const std::vector<std::string>& group_ids,
                   const std::vector<ec2::SecurityGroup>& groups);
// Base64 user data (at most 16 KiB decoded) under `name`; "" when absent.
Result<std::string> UserData(const protocol::QueryParams& params, std::string_view name);
// A spot InstanceInterruptionBehavior (default "terminate"); only
// "terminate" for a one-time request.
Result<std::string> InterruptionBehavior(const protocol::QueryParams& params,
                                         std::string_view name, std::string_view spot_type);
// Pagination over `total` items: the start from NextToken and the page size
// from MaxResults (bounded by [min, max]; all when absent).
struct Page {
  std::size_t start = 0;
  std::size_t size = 0;
};
Result<Page> Paginate(const protocol::QueryParams& params, std::size_t total, int min, int max);
// The NextToken for the page after `page` (empty when it was the last).
std::string NextToken(const Page& page, std::size_t total);

// Handler families.
Status DescribeRegions(Call&);
Status DescribeAvailabilityZones(Call&);
Status DescribeInstanceTypes(Call&);
Status DescribeImages(Call&);
Status CreateKeyPair(Call&);
Status ImportKeyPair(Call&);
Status DescribeKeyPairs(Call&);
Status DeleteKeyPair(Call&);
Status CreateTags(Call&);
Status DeleteTags(Call&);
Status DescribeTags(Call&);
Status RunInstances(Call&);
Status DescribeInstances(Call&);
Status DescribeInstanceStatus(Call&);
Status StartInstances(Call&);
Status StopInstances(Call&);
Status RebootInstances(Call&);
Status TerminateInstances(Call&);
Status ModifyInstanceAttribute(Call&);
Status DescribeInstanceAttribute(Call&);
Status GetConsoleOutput(Call&);
Status CreateSecurityGroup(Call&);
Status DeleteSecurityGroup(Call&);
Status DescribeSecurityGroups(Call&);
Status AuthorizeSecurityGroupIngress(Call&);
Status AuthorizeSecurityGroupEgress(Call&);
Status RevokeSecurityGroupIngress(Call&);
Status RevokeSecurityGroupEgress(Call&);
Status AllocateAddress(Call&);
Status AssociateAddress(Call&);
Status DisassociateAddress(Call&);
Status ReleaseAddress(Call&);
Status DescribeAddresses(Call&);
Status CreateVolume(Call&);
Status AttachVolume(Call&);
Status DetachVolume(Call&);
Status DeleteVolume(Call&);
Status DescribeVolumes(Call&);
Status DescribeVpcs(Call&);
Status DescribeSubnets(Call&);
Status RequestSpotInstances(Call&);
Status DescribeSpotInstanceRequests(Call&);
Status CancelSpotInstanceRequests(Call&);
Status DescribeSpotPriceHistory(Call&);

}  // namespace awslab::api::ec2api

#endif  // AWSLAB_EMULATOR_API_EC2_INTERNAL_H_
