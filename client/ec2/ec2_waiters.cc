// EC2 over several calls: the DescribeInstances paginator, botocore's
// instance waiters, and writing a key pair's private key as the course does
// (`chmod 400`).
//
// Thread-safety: see ec2.h.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

#include "client/include/awslab/ec2.h"

namespace awslab::client::ec2 {

Result<DescribeInstancesResult> InstancePaginator::NextPage() {
  if (done_) return MakeError(codes::kInvalidArgument, "no more pages");
  auto page = client_.DescribeInstances(request_);
  if (!page) {
    done_ = true;
    return page.error();
  }
  // botocore's paginator refuses a token that repeats (a server that never
  // ends would loop forever).
  if (!page->next_token.empty() && page->next_token == request_.next_token) {
    done_ = true;
    return MakeError(codes::kBadResponse,
                     "DescribeInstances returned the same NextToken twice: " + page->next_token);
  }
  request_.next_token = page->next_token;
  done_ = page->next_token.empty();
  return page;
}

Result<std::vector<Instance>> Ec2Client::DescribeAllInstances(DescribeInstancesRequest request) {
  std::vector<Instance> out;
  InstancePaginator pages(*this, std::move(request));
  while (pages.HasMorePages()) {
    auto page = pages.NextPage();
    if (!page) return page.error();
    for (const Reservation& r : page->reservations)
      out.insert(out.end(), r.instances.begin(), r.instances.end());
  }
  return out;
}

namespace {

struct WaiterModel {
  const char* name;
  const char* success;
  std::vector<const char*> failures;
  bool retry_not_found;
};

// botocore/data/ec2/2016-11-15/waiters-2.json.
WaiterModel ModelOf(InstanceWaiter w) {
  switch (w) {
    case InstanceWaiter::kRunning:
      return {"InstanceRunning", "running", {"shutting-down", "terminated", "stopping"}, true};
    case InstanceWaiter::kStopped:
      return {"InstanceStopped", "stopped", {"pending", "terminated"}, false};
    case InstanceWaiter::kTerminated:
      return {"InstanceTerminated", "terminated", {"pending", "stopping"}, false};
  }
  return {"", "", {}, false};
}

}  // namespace

Result<std::vector<Instance>> Ec2Client::Wait(InstanceWaiter waiter,
                                              const std::vector<std::string>& ids,
                                              const WaiterOptions& options,
                                              const std::vector<Filter>& filters) {
  const WaiterModel model = ModelOf(waiter);
  DescribeInstancesRequest request;
  request.instance_ids = ids;
  request.filters = filters;
  const int attempts = std::max(1, options.max_attempts);
  std::string last;  // what the last attempt saw, for the error message
  for (int attempt = 1;; ++attempt) {
    auto page = DescribeInstances(request);
    if (page) {
      std::vector<Instance> instances = page->Instances();
      // Acceptors in the model's order: success (pathAll, which is false on
      // an empty list), then the failure states (pathAny).
      bool all = !instances.empty() &&
                 std::all_of(instances.begin(), instances.end(),
                             [&](const Instance& i) { return i.state.name == model.success; });
      if (all) return instances;
      for (const Instance& i : instances)
        for (const char* f : model.failures)
          if (i.state.name == f)
            return MakeError(kWaiterFailure,
                             std::string("Waiter ") + model.name +
                                 " failed: Waiter encountered a terminal failure state: " +
                                 i.instance_id + " is " + f);
      last.clear();
      for (const Instance& i : instances)
        last += (last.empty() ? "" : ", ") + i.instance_id + " " + i.state.name;
      if (instances.empty()) last = "no instances matched";
    } else if (model.retry_not_found && page.error().code == "InvalidInstanceID.NotFound") {
      last = page.error().ToString();
    } else {
      return page.error();
    }
    if (attempt >= attempts)
      return MakeError(kWaiterMaxAttempts, std::string("Waiter ") + model.name +
                                               " failed: Max attempts exceeded (" +
                                               std::to_string(attempts) + "; " + last + ")");
    if (options.sleep) options.sleep(options.delay);
    else std::this_thread::sleep_for(options.delay);
  }
}

Status WritePrivateKey(const KeyPair& key, const std::string& path) {
  if (key.key_material.empty())
    return MakeError(codes::kInvalidArgument, "the key pair has no private key material");
  // O_EXCL: never replace a key (or anything else) that is already there.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
  if (fd < 0) {
    int err = errno;
    if (err == EEXIST)
      return MakeError(codes::kInvalidArgument, path + " exists; not overwriting it");
    return MakeError(codes::kIo, "cannot create " + path + ": " + std::strerror(err));
  }
  auto fail = [&](const char* what) {
    int err = errno;
    ::close(fd);
    ::unlink(path.c_str());
    return MakeError(codes::kIo, std::string(what) + " " + path + ": " + std::strerror(err));
  };
  // The umask may have taken bits away from 0400 but never added any; set
  // it exactly.
  if (::fchmod(fd, 0400) != 0) return fail("cannot chmod");
  const char* p = key.key_material.data();
  std::size_t left = key.key_material.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot sync");
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(path.c_str());
    return MakeError(codes::kIo, "cannot close " + path + ": " + std::strerror(err));
  }
  return {};
}

}  // namespace awslab::client::ec2
