#include "emulator/ec2/catalog.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace awslab::ec2 {
namespace {

// The data rows of a fixture, read from the source tree: every line that is neither a "#"
// comment nor blank, after the header line.
std::vector<std::string> FixtureRows(const std::string& name) {
  std::ifstream in(std::string(AWSLAB_SOURCE_DIR) + "/fixtures/ec2/" + name);
  EXPECT_TRUE(in) << name;
  std::vector<std::string> rows;
  bool header = true;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (header) {
      header = false;
      continue;
    }
    rows.push_back(line);
  }
  return rows;
}

std::string FirstField(const std::string& row) { return row.substr(0, row.find('\t')); }

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// ---------------------------------------------------------------------------
// Regions and zones
// ---------------------------------------------------------------------------

TEST(Regions, EveryRegionHasZonesInLetterOrder) {
  ASSERT_GE(Regions().size(), 6u);
  for (const Region& region : Regions()) {
    std::vector<const AvailabilityZone*> zones = ZonesOf(region.name);
    ASSERT_GE(zones.size(), 2u) << region.name;
    for (std::size_t i = 0; i < zones.size(); ++i) {
      EXPECT_EQ(zones[i]->region, region.name);
      EXPECT_EQ(zones[i]->name.size(), region.name.size() + 1);
      EXPECT_TRUE(zones[i]->name.starts_with(region.name)) << zones[i]->name;
      if (i > 0) {
        EXPECT_LT(zones[i - 1]->name, zones[i]->name);
      }
      EXPECT_EQ(FindZone(zones[i]->name), zones[i]);
    }
  }
}

TEST(Regions, ListedRegionsAndTheirNames) {
  struct Expected {
    const char* name;
    const char* display;
  };
  for (auto [name, display] :
       {Expected{"us-east-1", "US East (N. Virginia)"}, Expected{"us-east-2", "US East (Ohio)"},
        Expected{"us-west-1", "US West (N. California)"}, Expected{"us-west-2", "US West (Oregon)"},
        Expected{"eu-west-1", "Europe (Ireland)"},
        Expected{"eu-central-1", "Europe (Frankfurt)"}}) {
    const Region* region = FindRegion(name);
    ASSERT_NE(region, nullptr) << name;
    EXPECT_EQ(region->display, display);
    EXPECT_EQ(region->endpoint, "ec2." + std::string(name) + ".amazonaws.com");
  }
  EXPECT_EQ(FindRegion("us-east-3"), nullptr);
  EXPECT_EQ(FindRegion(""), nullptr);
  EXPECT_EQ(FindRegion("US-EAST-1"), nullptr);
}

TEST(Regions, DnsSuffixes) {
  EXPECT_EQ(FindRegion("us-east-1")->public_dns_suffix, "compute-1.amazonaws.com");
  EXPECT_EQ(FindRegion("us-east-1")->private_dns_suffix, "ec2.internal");
  EXPECT_EQ(FindRegion("us-west-2")->public_dns_suffix, "us-west-2.compute.amazonaws.com");
  EXPECT_EQ(FindRegion("us-west-2")->private_dns_suffix, "us-west-2.compute.internal");
  for (const Region& region : Regions()) {
    if (region.name == "us-east-1") continue;
    EXPECT_EQ(region.public_dns_suffix, std::string(region.name) + ".compute.amazonaws.com");
    EXPECT_EQ(region.private_dns_suffix, std::string(region.name) + ".compute.internal");
  }
}

TEST(Zones, ListedZones) {
  auto names = [](std::string_view region) {
    std::vector<std::string> out;
    for (const AvailabilityZone* zone : ZonesOf(region)) out.emplace_back(zone->name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("us-east-1"), (V{"us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d",
                                   "us-east-1e", "us-east-1f"}));
  EXPECT_EQ(names("us-west-1"), (V{"us-west-1b", "us-west-1c"}));
  EXPECT_EQ(names("us-west-2"), (V{"us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"}));
  EXPECT_EQ(names("eu-west-1"), (V{"eu-west-1a", "eu-west-1b", "eu-west-1c"}));
  EXPECT_TRUE(ZonesOf("mars-north-1").empty());
}

TEST(Zones, LookupAndStableIds) {
  const AvailabilityZone* zone = FindZone("us-east-1a");
  ASSERT_NE(zone, nullptr);
  EXPECT_EQ(zone->region, "us-east-1");
  EXPECT_EQ(zone->zone_id, "use1-az1");
  EXPECT_EQ(FindZone("us-west-1a"), nullptr);  // not offered: us-west-1 has b and c
  EXPECT_EQ(FindZone("us-east-1"), nullptr);
  std::set<std::string_view> ids;
  for (const Region& region : Regions())
    for (const AvailabilityZone* z : ZonesOf(region.name)) {
      EXPECT_TRUE(ids.insert(z->zone_id).second) << z->zone_id;
      EXPECT_TRUE(std::regex_match(std::string(z->zone_id), std::regex("[a-z]+[0-9]-az[0-9]")))
          << z->zone_id;
    }
}

// ---------------------------------------------------------------------------
// Instance types
// ---------------------------------------------------------------------------

TEST(InstanceTypes, EveryFixtureRowIsParsedInOrder) {
  std::vector<std::string> rows = FixtureRows("instance-types.tsv");
  ASSERT_GT(rows.size(), 20u);
  ASSERT_EQ(InstanceTypes().size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(InstanceTypes()[i].name, FirstField(rows[i]));
    EXPECT_GT(InstanceTypes()[i].usd_per_hour, 0) << rows[i];
    EXPECT_GT(InstanceTypes()[i].vcpus, 0) << rows[i];
    EXPECT_GT(InstanceTypes()[i].memory_gib, 0) << rows[i];
  }
}

TEST(InstanceTypes, T2Micro) {
  const InstanceType* t = FindInstanceType("t2.micro");
  ASSERT_NE(t, nullptr);
  EXPECT_DOUBLE_EQ(t->usd_per_hour, 0.0116);
  EXPECT_EQ(t->vcpus, 1);
  EXPECT_DOUBLE_EQ(t->memory_gib, 1);
  EXPECT_EQ(t->gpus, 0);
  EXPECT_TRUE(t->current_generation);  // as DescribeInstanceTypes answers, whatever the price table says
  EXPECT_TRUE(t->free_tier_eligible);
}

TEST(InstanceTypes, FreeTierIsT2AndT3MicroOnly) {
  std::set<std::string_view> eligible;
  for (const InstanceType& t : InstanceTypes())
    if (t.free_tier_eligible) eligible.insert(t.name);
  EXPECT_EQ(eligible, (std::set<std::string_view>{"t2.micro", "t3.micro"}));
}

TEST(InstanceTypes, OthersFromTheFixture) {
  // m3.xlarge is in the fixture (the course's examples use it).
  const InstanceType* m3 = FindInstanceType("m3.xlarge");
  ASSERT_NE(m3, nullptr);
  EXPECT_DOUBLE_EQ(m3->usd_per_hour, 0.266);
  EXPECT_EQ(m3->vcpus, 4);
  EXPECT_DOUBLE_EQ(m3->memory_gib, 15);
  EXPECT_FALSE(m3->current_generation);
  const InstanceType* t3 = FindInstanceType("t3.micro");
  ASSERT_NE(t3, nullptr);
  EXPECT_TRUE(t3->current_generation);
  EXPECT_EQ(t3->vcpus, 2);
  const InstanceType* p2 = FindInstanceType("p2.xlarge");
  ASSERT_NE(p2, nullptr);
  EXPECT_EQ(p2->gpus, 1);
  EXPECT_DOUBLE_EQ(FindInstanceType("m1.small")->memory_gib, 1.7);
  EXPECT_EQ(FindInstanceType("t2.mega"), nullptr);
  EXPECT_EQ(FindInstanceType("T2.MICRO"), nullptr);
}

// ---------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------

TEST(Images, EveryFixtureRowIsParsed) {
  std::vector<std::string> rows = FixtureRows("images.tsv");
  ASSERT_EQ(Images().size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i)
    EXPECT_EQ(Images()[i].region, FirstField(rows[i])) << rows[i];
}

TEST(Images, IdsAreUniqueAndWellFormed) {
  std::set<std::string_view> ids;
  std::regex modern("ami-[0-9a-f]{17}"), legacy("ami-[0-9a-f]{8}");
  for (const Image& image : Images()) {
    EXPECT_TRUE(ids.insert(image.image_id).second) << image.image_id;
    std::string id(image.image_id);
    EXPECT_TRUE(std::regex_match(id, modern) || std::regex_match(id, legacy)) << id;
    EXPECT_NE(FindRegion(image.region), nullptr) << id;
    EXPECT_EQ(image.owner_id.size(), 12u) << id;
    EXPECT_EQ(image.architecture, "x86_64") << id;
    EXPECT_FALSE(image.name.empty()) << id;
    EXPECT_FALSE(image.default_user.empty()) << id;
    EXPECT_TRUE(std::regex_match(std::string(image.creation_date),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z)")))
        << id;
    EXPECT_EQ(FindImage(image.region, image.image_id), &image);
  }
}

// Each region offers every OS, with its own ids.
TEST(Images, EveryRegionHasEachOperatingSystem) {
  std::map<std::string_view, std::set<std::string_view>> ids_by_os;
  for (const Region& region : Regions()) {
    std::set<std::string_view> distributions;
    for (const Image& image : Images()) {
      if (image.region != region.name) continue;
      distributions.insert(image.distribution);
      ids_by_os[image.distribution].insert(image.image_id);
    }
    for (std::string_view os :
         {"amzn2", "al2023", "ubuntu-22.04", "ubuntu-20.04", "rhel-9", "windows-2022"})
      EXPECT_TRUE(distributions.contains(os)) << region.name << " lacks " << os;
  }
  EXPECT_EQ(ids_by_os["amzn2"].size(), Regions().size());
}

const Image* ImageOf(std::string_view region, std::string_view distribution) {
  for (const Image& image : Images())
    if (image.region == region && image.distribution == distribution) return &image;
  return nullptr;
}

TEST(Images, PublishersConventions) {
  const Image* al2 = FindImage("us-east-1", "ami-0c02fb55956c7d316");
  ASSERT_NE(al2, nullptr);
  EXPECT_EQ(al2->distribution, "amzn2");
  EXPECT_EQ(al2->owner_id, "137112412989");
  EXPECT_EQ(al2->owner_alias, "amazon");
  EXPECT_EQ(al2->root_device_name, "/dev/xvda");
  EXPECT_EQ(al2->root_volume_gib, 8);
  EXPECT_EQ(al2->default_user, "ec2-user");
  EXPECT_EQ(al2->platform, "");
  EXPECT_EQ(al2->platform_details, "Linux/UNIX");
  for (const Region& region : Regions()) {
    const Image* ubuntu = ImageOf(region.name, "ubuntu-22.04");
    ASSERT_NE(ubuntu, nullptr);
    EXPECT_EQ(ubuntu->owner_id, "099720109477");
    EXPECT_EQ(ubuntu->owner_alias, "");
    EXPECT_EQ(ubuntu->root_device_name, "/dev/sda1");
    EXPECT_EQ(ubuntu->default_user, "ubuntu");
    EXPECT_TRUE(ubuntu->name.starts_with("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-"));
    const Image* rhel = ImageOf(region.name, "rhel-9");
    ASSERT_NE(rhel, nullptr);
    EXPECT_EQ(rhel->owner_id, "309956199498");
    EXPECT_EQ(rhel->platform_details, "Red Hat Enterprise Linux");
    EXPECT_EQ(rhel->root_volume_gib, 10);
    const Image* windows = ImageOf(region.name, "windows-2022");
    ASSERT_NE(windows, nullptr);
    EXPECT_EQ(windows->owner_id, "801119661308");
    EXPECT_EQ(windows->platform, "windows");
    EXPECT_EQ(windows->platform_details, "Windows");
    EXPECT_EQ(windows->root_device_name, "/dev/sda1");
    EXPECT_EQ(windows->root_volume_gib, 30);
    EXPECT_EQ(windows->default_user, "Administrator");
  }
}

TEST(Images, CourseImageIsInUsEast1Only) {
  const Image* dsi = FindImage("us-east-1", "ami-d1737bb8");
  ASSERT_NE(dsi, nullptr);
  EXPECT_EQ(dsi->name, "DSI-Template");
  EXPECT_EQ(dsi->owner_alias, "");
  EXPECT_EQ(dsi->default_user, "ubuntu");
  EXPECT_TRUE(dsi->distribution.starts_with("ubuntu"));
  EXPECT_EQ(FindImage("us-west-2", "ami-d1737bb8"), nullptr);
  for (const Region& region : Regions()) {
    if (region.name != "us-east-1") {
      EXPECT_EQ(FindImage(region.name, "ami-d1737bb8"), nullptr) << region.name;
    }
  }
}

TEST(Images, AmisAreRegional) {
  EXPECT_EQ(FindImage("us-west-2", "ami-0c02fb55956c7d316"), nullptr);
  EXPECT_EQ(FindImage("us-east-1", "ami-00000000000000000"), nullptr);
  EXPECT_EQ(FindImage("nowhere-1", "ami-0c02fb55956c7d316"), nullptr);
}

// ---------------------------------------------------------------------------
// Console output
// ---------------------------------------------------------------------------

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::string Base64Decode(const std::string& text) {
  std::string out(3 * text.size() / 4, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(text.data()),
                          static_cast<int>(text.size()));
  EXPECT_GE(n, 0) << text;
  std::size_t pad = text.ends_with("==") ? 2 : text.ends_with("=") ? 1 : 0;
  out.resize(static_cast<std::size_t>(n) - pad);
  return out;
}

// What `ssh-keygen -l` prints for a key: "SHA256:" + unpadded base64 of the blob's SHA-256.
std::string ExpectedFingerprint(const std::string& blob) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(blob.data()), blob.size(), digest);
  std::string b64 = Base64Encode(std::string(reinterpret_cast<char*>(digest), sizeof digest));
  while (b64.ends_with('=')) b64.pop_back();
  return "SHA256:" + b64;
}

// The lines between "-----BEGIN <what>-----" and "-----END <what>-----".
std::vector<std::string> Block(const std::string& console, const std::string& what) {
  std::vector<std::string> lines = Lines(console);
  std::vector<std::string> block;
  bool inside = false;
  for (const std::string& line : lines) {
    if (line == "-----END " + what + "-----") return block;
    if (inside) block.push_back(line);
    if (line == "-----BEGIN " + what + "-----") inside = true;
  }
  ADD_FAILURE() << "no complete " << what << " block";
  return {};
}

const Image& UsEast1(std::string_view distribution) {
  const Image* image = ImageOf("us-east-1", distribution);
  EXPECT_NE(image, nullptr) << distribution;
  return *image;
}

constexpr std::string_view kHost = "ip-172-31-18-7";

TEST(ConsoleOutput, LinuxBootLogShape) {
  std::string out =
      ConsoleOutput(UsEast1("ubuntu-22.04"), "i-0abc1234def567890", "172.31.18.7", kHost);
  std::vector<std::string> lines = Lines(out);
  EXPECT_GE(lines.size(), 40u);
  EXPECT_LE(lines.size(), 80u);
  EXPECT_TRUE(lines[0].starts_with("[    0.000000] Linux version 5.15.0-1028-aws")) << lines[0];
  EXPECT_NE(out.find("172.31.18.7"), std::string::npos);
  EXPECT_NE(out.find("ci-info: |  ens5  | True | 172.31.18.7 | 255.255.240.0 | global |"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("| 172.31.16.1 |"), std::string::npos) << "gateway of 172.31.16.0/20";
  EXPECT_NE(out.find("root@ip-172-31-18-7"), std::string::npos);
  EXPECT_NE(out.find("Cloud-init v. 22.4.2-0ubuntu0~22.04.1 finished at Sun, 15 Jan 2023 "),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Ubuntu 22.04.1 LTS ip-172-31-18-7 ttyS0"), std::string::npos);
  EXPECT_EQ(lines.back(), "ip-172-31-18-7 login: ");
}

TEST(ConsoleOutput, FingerprintsMatchThePrintedKeys) {
  std::string out = ConsoleOutput(UsEast1("amzn2"), "i-0123456789abcdef0", "172.31.3.4",
                                  "ip-172-31-3-4.ec2.internal");
  std::vector<std::string> fingerprints = Block(out, "SSH HOST KEY FINGERPRINTS");
  std::vector<std::string> keys = Block(out, "SSH HOST KEY KEYS");
  ASSERT_EQ(fingerprints.size(), 3u);
  ASSERT_EQ(keys.size(), 3u);
  const char* labels[] = {"ECDSA", "ED25519", "RSA"};
  const char* types[] = {"ecdsa-sha2-nistp256", "ssh-ed25519", "ssh-rsa"};
  const char* bits[] = {"256", "256", "3072"};
  std::regex fingerprint_line(R"((\d+) (SHA256:[A-Za-z0-9+/]{43}) root@(\S+) \((\w+)\))");
  std::regex key_line(R"((\S+) (AAAA[A-Za-z0-9+/]+=*) root@(\S+))");
  for (int i = 0; i < 3; ++i) {
    std::smatch f, k;
    ASSERT_TRUE(std::regex_match(fingerprints[i], f, fingerprint_line)) << fingerprints[i];
    ASSERT_TRUE(std::regex_match(keys[i], k, key_line)) << keys[i];
    EXPECT_EQ(f[1], bits[i]);
    EXPECT_EQ(f[3], "ip-172-31-3-4.ec2.internal");
    EXPECT_EQ(f[4], labels[i]);
    EXPECT_EQ(k[1], types[i]);
    EXPECT_EQ(k[3], "ip-172-31-3-4.ec2.internal");
    std::string blob = Base64Decode(k[2]);
    // The blob starts with its own type name (RFC 4253 section 6.6).
    ASSERT_GT(blob.size(), 4 + std::strlen(types[i]));
    EXPECT_EQ(blob.substr(4, std::strlen(types[i])), types[i]);
    EXPECT_EQ(f[2].str(), ExpectedFingerprint(blob)) << labels[i];
  }
  // cloud-init's key generation lines print the same fingerprints.
  EXPECT_NE(out.find("cloud-init[541]: " + fingerprints[2].substr(5, 50)), std::string::npos);
}

TEST(ConsoleOutput, DeterministicPerInstanceId) {
  const Image& image = UsEast1("rhel-9");
  std::string a = ConsoleOutput(image, "i-0aaaaaaaaaaaaaaaa", "172.31.40.2", "ip-172-31-40-2");
  EXPECT_EQ(a, ConsoleOutput(image, "i-0aaaaaaaaaaaaaaaa", "172.31.40.2", "ip-172-31-40-2"));
  std::string b = ConsoleOutput(image, "i-0bbbbbbbbbbbbbbbb", "172.31.40.2", "ip-172-31-40-2");
  std::vector<std::string> fa = Block(a, "SSH HOST KEY FINGERPRINTS");
  std::vector<std::string> fb = Block(b, "SSH HOST KEY FINGERPRINTS");
  ASSERT_EQ(fa.size(), 3u);
  ASSERT_EQ(fb.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_NE(fa[i], fb[i]);
  // The keys belong to the instance, not the image.
  std::string other =
      ConsoleOutput(UsEast1("amzn2"), "i-0aaaaaaaaaaaaaaaa", "172.31.40.2", "ip-172-31-40-2");
  EXPECT_EQ(Block(other, "SSH HOST KEY KEYS"), Block(a, "SSH HOST KEY KEYS"));
}

TEST(ConsoleOutput, EachLinuxDistributionHasItsOwnLog) {
  const std::map<std::string_view, std::string_view> marks = {
      {"amzn2", "\nAmazon Linux 2\nKernel 4.14."},
      {"al2023", "\nAmazon Linux 2023\nKernel 6.1."},
      {"ubuntu-22.04", "Ubuntu 22.04"},
      {"ubuntu-20.04", "Ubuntu 20.04"},
      {"ubuntu-16.04", "Ubuntu 16.04"},
      {"rhel-9", "Red Hat Enterprise Linux 9.1 (Plow)"},
  };
  for (const Image& image : Images()) {
    if (image.platform == "windows") continue;
    ASSERT_TRUE(marks.contains(image.distribution)) << image.image_id;
    std::string out = ConsoleOutput(image, "i-0123", "10.0.0.5", "ip-10-0-0-5");
    EXPECT_NE(out.find(marks.at(image.distribution)), std::string::npos) << image.image_id;
    EXPECT_EQ(Block(out, "SSH HOST KEY FINGERPRINTS").size(), 3u);
  }
}

TEST(ConsoleOutput, BootTimeDatesTheLog) {
  std::tm tm{};
  tm.tm_year = 2024 - 1900;
  tm.tm_mon = 2;
  tm.tm_mday = 5;
  tm.tm_hour = 14;
  auto boot = std::chrono::system_clock::from_time_t(timegm(&tm));
  std::string out = ConsoleOutput(UsEast1("al2023"), "i-1", "172.31.0.9", "ip-172-31-0-9", boot);
  EXPECT_NE(out.find("running 'init' at Tue, 05 Mar 2024 14:00:06 +0000. Up 6.20 seconds."),
            std::string::npos)
      << out;
}

TEST(ConsoleOutput, WindowsHasEc2LaunchLinesAndNoSshKeys) {
  const Image& windows = UsEast1("windows-2022");
  std::string out = ConsoleOutput(windows, "i-0feedfacecafe0001", "172.31.5.6", "ip-172-31-5-6");
  EXPECT_NE(out.find("Message: Windows is Ready to use"), std::string::npos) << out;
  EXPECT_NE(out.find("Instance-ID: i-0feedfacecafe0001"), std::string::npos);
  EXPECT_NE(out.find("AMI-ID: " + std::string(windows.image_id)), std::string::npos);
  EXPECT_NE(out.find("AMI Origin Name: Windows_Server-2022-English-Full-Base\n"),
            std::string::npos);
  EXPECT_EQ(out.find("SSH HOST KEY"), std::string::npos);
  EXPECT_EQ(out, ConsoleOutput(windows, "i-0feedfacecafe0001", "172.31.5.6", "ip-172-31-5-6"));
}

// What a student does: save the printed keys and let ssh-keygen fingerprint them.
TEST(ConsoleOutput, SshKeygenAgreesWithTheFingerprints) {
  // Installed by scripts/deps.sh test (openssh-client): its absence is a failure, not a skip.
  ASSERT_EQ(std::system("command -v ssh-keygen >/dev/null 2>&1"), 0) << "ssh-keygen not installed";
  std::string out = ConsoleOutput(UsEast1("ubuntu-20.04"), "i-0d1737bb8", "172.31.9.9", kHost);
  std::vector<std::string> fingerprints = Block(out, "SSH HOST KEY FINGERPRINTS");
  std::vector<std::string> keys = Block(out, "SSH HOST KEY KEYS");
  ASSERT_EQ(keys.size(), 3u);
  char path[] = "/tmp/awslab-catalog-test-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    std::ofstream(path) << keys[i] << "\n";
    FILE* pipe = popen(("ssh-keygen -l -f " + std::string(path) + " 2>&1").c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    char buf[512] = {};
    std::string printed = fgets(buf, sizeof buf, pipe) ? buf : "";
    pclose(pipe);
    if (printed.ends_with('\n')) printed.pop_back();
    EXPECT_EQ(printed, fingerprints[i]);
  }
  std::remove(path);
}

}  // namespace
}  // namespace awslab::ec2
