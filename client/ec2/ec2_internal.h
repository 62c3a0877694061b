// Form builders of the EC2 calls that take plain arguments (internal to
// libawslab; defined in ec2_params.cc next to the typed requests' Params).
//
// Thread-safety: pure functions.
#ifndef AWSLAB_CLIENT_EC2_EC2_INTERNAL_H_
#define AWSLAB_CLIENT_EC2_EC2_INTERNAL_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "client/include/awslab/ec2.h"

namespace awslab::client::ec2 {

// InstanceId.N, then the flags that are set, in the order given (the model's:
// StopInstances is Hibernate, DryRun, Force).
QueryParams InstanceIdsParams(const std::vector<std::string>& ids,
                              std::initializer_list<std::pair<const char*, std::optional<bool>>>
                                  flags);
// CreateTags: DryRun, ResourceId.N, Tag.N.Key/Value.
QueryParams TagsParams(const std::vector<std::string>& resources, const std::vector<Tag>& tags,
                       std::optional<bool> dry_run);
// DeleteTags: as CreateTags; a tag without a value sends its key only.
QueryParams DeleteTagsParams(const std::vector<std::string>& resources,
                             const std::vector<TagToDelete>& tags, std::optional<bool> dry_run);

}  // namespace awslab::client::ec2

#endif  // AWSLAB_CLIENT_EC2_EC2_INTERNAL_H_
