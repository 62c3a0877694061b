// The EC2 catalog: regions, availability zones, instance types (with their
// prices, for billing) and the per-region images. All of it is built into
// the binary from fixtures/ec2/ at build time, so the server needs no files.
//
// Thread-safety: immutable; every function may be called from any thread.
#ifndef AWSLAB_EMULATOR_EC2_CATALOG_H_
#define AWSLAB_EMULATOR_EC2_CATALOG_H_

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace awslab::ec2 {

struct Region {
  std::string_view name;      // "us-east-1"
  std::string_view endpoint;  // "ec2.us-east-1.amazonaws.com"
  std::string_view display;   // "US East (N. Virginia)"
  // "compute-1.amazonaws.com" in us-east-1, "<region>.compute.amazonaws.com"
  // elsewhere; public DNS names are "ec2-A-B-C-D." + this.
  std::string_view public_dns_suffix;
  std::string_view private_dns_suffix;  // "ec2.internal" / "<region>.compute.internal"
};

struct AvailabilityZone {
  std::string_view name;     // "us-east-1a"
  std::string_view zone_id;  // "use1-az1"
  std::string_view region;
};

struct InstanceType {
  std::string_view name;        // "t2.micro"
  double usd_per_hour = 0;      // on-demand Linux, us-east-1
  int vcpus = 0;
  double memory_gib = 0;
  int gpus = 0;
  bool current_generation = true;
  bool free_tier_eligible = false;  // t2.micro, t3.micro
};

struct Image {
  std::string_view image_id;  // "ami-0c02fb55956c7d316"
  std::string_view region;
  std::string_view name;
  std::string_view description;
  std::string_view owner_id;     // "137112412989" (amazon), "099720109477" (canonical), ...
  // "amazon"; "" for other owners (Canonical, Red Hat: no alias in DescribeImages) and
  // community images.
  std::string_view owner_alias;
  std::string_view platform;     // "" for Linux/UNIX, "windows"
  std::string_view platform_details;  // "Linux/UNIX", "Red Hat Enterprise Linux", "Windows"
  std::string_view architecture;      // "x86_64"
  std::string_view root_device_name;  // "/dev/xvda", "/dev/sda1"
  int root_volume_gib = 8;
  std::string_view root_volume_type;  // "gp2"
  std::string_view default_user;      // "ec2-user", "ubuntu", "Administrator"
  std::string_view creation_date;     // "2023-01-10T20:43:56.000Z"
  bool is_public = true;
  // Which boot log ConsoleOutput prints: "amzn2", "al2023", "ubuntu-22.04", "ubuntu-20.04",
  // "ubuntu-16.04", "rhel-9", "windows-2022" (not an API field).
  std::string_view distribution;
};

std::span<const Region> Regions();
const Region* FindRegion(std::string_view name);
// The zones of one region, in order (a, b, c, ...).
std::vector<const AvailabilityZone*> ZonesOf(std::string_view region);
const AvailabilityZone* FindZone(std::string_view name);

std::span<const InstanceType> InstanceTypes();
const InstanceType* FindInstanceType(std::string_view name);

std::span<const Image> Images();
// The image with this id in this region; null when absent there (an AMI of
// another region is absent: AMIs are regional).
const Image* FindImage(std::string_view region, std::string_view image_id);

// A plausible boot log for GetConsoleOutput: kernel and cloud-init lines for
// the image's distribution, the SSH host keys' fingerprints in cloud-init's
// "BEGIN SSH HOST KEY FINGERPRINTS" block, and the login prompt. Deterministic
// for one instance id (the host keys are derived from it). The boot is dated
// at the image's creation date; the overload below dates it at boot_time.
std::string ConsoleOutput(const Image& image, std::string_view instance_id,
                          std::string_view private_ip, std::string_view hostname);
std::string ConsoleOutput(const Image& image, std::string_view instance_id,
                          std::string_view private_ip, std::string_view hostname,
                          std::chrono::system_clock::time_point boot_time);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_CATALOG_H_
