#include "emulator/ec2/catalog.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "emulator/ec2/fixtures.h"

namespace awslab::ec2 {
namespace {

// ---------------------------------------------------------------------------
// Regions and zones: few and fixed, so a table here rather than a fixture.
// ---------------------------------------------------------------------------

// Endpoints: https://docs.aws.amazon.com/general/latest/gr/ec2-service.html ("ec2.<region>.
// amazonaws.com"). DNS names: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html
// "ec2-public-ipv4-address.compute-1.amazonaws.com for the us-east-1 Region, and
// ec2-public-ipv4-address.region.compute.amazonaws.com for other Regions";
// "ip-private-ipv4-address.ec2.internal for the us-east-1 Region, and
// ip-private-ipv4-address.region.compute.internal for other Regions".
constexpr Region kRegions[] = {
    {"us-east-1", "ec2.us-east-1.amazonaws.com", "US East (N. Virginia)", "compute-1.amazonaws.com",
     "ec2.internal"},
    {"us-east-2", "ec2.us-east-2.amazonaws.com", "US East (Ohio)",
     "us-east-2.compute.amazonaws.com", "us-east-2.compute.internal"},
    {"us-west-1", "ec2.us-west-1.amazonaws.com", "US West (N. California)",
     "us-west-1.compute.amazonaws.com", "us-west-1.compute.internal"},
    {"us-west-2", "ec2.us-west-2.amazonaws.com", "US West (Oregon)",
     "us-west-2.compute.amazonaws.com", "us-west-2.compute.internal"},
    {"eu-west-1", "ec2.eu-west-1.amazonaws.com", "Europe (Ireland)",
     "eu-west-1.compute.amazonaws.com", "eu-west-1.compute.internal"},
    {"eu-central-1", "ec2.eu-central-1.amazonaws.com", "Europe (Frankfurt)",
     "eu-central-1.compute.amazonaws.com", "eu-central-1.compute.internal"},
};

// Zone names map to zone ids differently in each account ("AZ IDs ... are the same across all
// accounts", https://docs.aws.amazon.com/ram/latest/userguide/working-with-az-ids.html); the
// emulator uses one fixed mapping. us-west-1 offers two zones to an account; here b and c, on
// usw1-az1 and usw1-az3 (there is no usw1-az2 open to new accounts).
constexpr AvailabilityZone kZones[] = {
    {"us-east-1a", "use1-az1", "us-east-1"},       {"us-east-1b", "use1-az2", "us-east-1"},
    {"us-east-1c", "use1-az4", "us-east-1"},       {"us-east-1d", "use1-az6", "us-east-1"},
    {"us-east-1e", "use1-az3", "us-east-1"},       {"us-east-1f", "use1-az5", "us-east-1"},
    {"us-east-2a", "use2-az1", "us-east-2"},       {"us-east-2b", "use2-az2", "us-east-2"},
    {"us-east-2c", "use2-az3", "us-east-2"},       {"us-west-1b", "usw1-az1", "us-west-1"},
    {"us-west-1c", "usw1-az3", "us-west-1"},       {"us-west-2a", "usw2-az1", "us-west-2"},
    {"us-west-2b", "usw2-az2", "us-west-2"},       {"us-west-2c", "usw2-az3", "us-west-2"},
    {"us-west-2d", "usw2-az4", "us-west-2"},       {"eu-west-1a", "euw1-az1", "eu-west-1"},
    {"eu-west-1b", "euw1-az2", "eu-west-1"},       {"eu-west-1c", "euw1-az3", "eu-west-1"},
    {"eu-central-1a", "euc1-az2", "eu-central-1"}, {"eu-central-1b", "euc1-az3", "eu-central-1"},
    {"eu-central-1c", "euc1-az1", "eu-central-1"},
};

// ---------------------------------------------------------------------------
// Fixture tables: "#" comment lines, then a header naming the tab-separated
// columns, then one row per line. The data is built in, so a malformed row is
// a build defect: it is reported and the process stops at first use (the unit
// tests load every table).
// ---------------------------------------------------------------------------

using Row = std::vector<std::string_view>;

[[noreturn]] void BadFixture(std::string_view file, std::string_view problem) {
  std::fprintf(stderr, "awslab: fixtures/ec2/%.*s: %.*s\n", static_cast<int>(file.size()),
               file.data(), static_cast<int>(problem.size()), problem.data());
  std::abort();
}

Row SplitTabs(std::string_view line) {
  Row fields;
  std::size_t start = 0;
  for (std::size_t tab; (tab = line.find('\t', start)) != line.npos; start = tab + 1)
    fields.push_back(line.substr(start, tab - start));
  fields.push_back(line.substr(start));
  return fields;
}

struct Table {
  std::string_view file;
  Row columns;
  std::vector<Row> rows;

  // The index of a column, which the table must have.
  std::size_t Column(std::string_view name) const {
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
    BadFixture(file, "no column " + std::string(name));
  }
};

Table ReadTable(std::string_view file) {
  Table table{file, {}, {}};
  std::string_view text = EmbeddedFixture(file);
  if (text.empty()) BadFixture(file, "not embedded");
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == text.npos ? std::string_view() : text.substr(end + 1);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (line.empty() || line.starts_with('#')) continue;
    Row fields = SplitTabs(line);
    if (table.columns.empty()) {
      table.columns = std::move(fields);
    } else if (fields.size() != table.columns.size()) {
      BadFixture(file, "wrong number of fields: " + std::string(line));
    } else {
      table.rows.push_back(std::move(fields));
    }
  }
  return table;
}

template <class Number>
Number ParseNumber(const Table& table, std::string_view text) {
  Number value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size())
    BadFixture(table.file, "not a number: " + std::string(text));
  return value;
}

// "-" marks an empty field, so that every column of a row is visible.
std::string_view Text(std::string_view field) { return field == "-" ? std::string_view() : field; }

// DescribeInstanceTypes' FreeTierEligible: "t2.micro (or t3.micro in Regions where t2.micro is
// unavailable)", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-free-tier-usage.html
bool IsFreeTierEligible(std::string_view type) { return type == "t2.micro" || type == "t3.micro"; }

std::vector<InstanceType> LoadInstanceTypes() {
  Table table = ReadTable("instance-types.tsv");
  std::size_t name = table.Column("type"), price = table.Column("usd_per_hour"),
              vcpus = table.Column("vcpus"), memory = table.Column("memory_gib"),
              gpus = table.Column("gpus"), generation = table.Column("generation");
  std::vector<InstanceType> types;
  for (const Row& row : table.rows) {
    InstanceType t;
    t.name = row[name];
    t.usd_per_hour = ParseNumber<double>(table, row[price]);
    t.vcpus = ParseNumber<int>(table, row[vcpus]);
    t.memory_gib = ParseNumber<double>(table, row[memory]);
    t.gpus = ParseNumber<int>(table, row[gpus]);
    if (row[generation] != "current" && row[generation] != "previous")
      BadFixture(table.file, "generation is current or previous: " + std::string(row[generation]));
    // The price table calls t2 "previous", but DescribeInstanceTypes answers
    // CurrentGeneration true for t2 (it is not on AWS's previous-generation
    // page), and that answer is what clients see.
    t.current_generation = row[generation] == "current" || t.name.starts_with("t2.");
    t.free_tier_eligible = IsFreeTierEligible(t.name);
    types.push_back(t);
  }
  return types;
}

Image ImageFromRow(const Table& table, const Row& row) {
  auto field = [&](std::string_view column) { return Text(row[table.Column(column)]); };
  Image image;
  image.image_id = field("image_id");
  image.region = field("region");
  if (!FindRegion(image.region))
    BadFixture(table.file, "unknown region " + std::string(image.region));
  image.name = field("name");
  image.description = field("description");
  image.owner_id = field("owner_id");
  image.owner_alias = field("owner_alias");
  image.platform = field("platform");
  image.platform_details = field("platform_details");
  image.architecture = field("architecture");
  image.root_device_name = field("root_device_name");
  image.root_volume_gib = ParseNumber<int>(table, field("root_volume_gib"));
  image.root_volume_type = field("root_volume_type");
  image.default_user = field("default_user");
  image.creation_date = field("creation_date");
  image.is_public = field("public") == "true";
  image.distribution = field("distribution");
  return image;
}

std::vector<Image> LoadImages() {
  Table table = ReadTable("images.tsv");
  std::vector<Image> images;
  for (const Row& row : table.rows) images.push_back(ImageFromRow(table, row));
  return images;
}

// Parsed once, at first use; C++ makes the initialization thread-safe.
const std::vector<InstanceType>& InstanceTypeTable() {
  static const std::vector<InstanceType> types = LoadInstanceTypes();
  return types;
}

const std::vector<Image>& ImageTable() {
  static const std::vector<Image> images = LoadImages();
  return images;
}

}  // namespace

std::span<const Region> Regions() { return kRegions; }

const Region* FindRegion(std::string_view name) {
  for (const Region& region : kRegions)
    if (region.name == name) return &region;
  return nullptr;
}

std::vector<const AvailabilityZone*> ZonesOf(std::string_view region) {
  std::vector<const AvailabilityZone*> zones;
  for (const AvailabilityZone& zone : kZones)
    if (zone.region == region) zones.push_back(&zone);
  return zones;
}

const AvailabilityZone* FindZone(std::string_view name) {
  for (const AvailabilityZone& zone : kZones)
    if (zone.name == name) return &zone;
  return nullptr;
}

std::span<const InstanceType> InstanceTypes() { return InstanceTypeTable(); }

// The tables hold a few dozen rows: a linear search costs less than a map's hashing.
const InstanceType* FindInstanceType(std::string_view name) {
  for (const InstanceType& type : InstanceTypeTable())
    if (type.name == name) return &type;
  return nullptr;
}

std::span<const Image> Images() { return ImageTable(); }

const Image* FindImage(std::string_view region, std::string_view image_id) {
  for (const Image& image : ImageTable())
    if (image.region == region && image.image_id == image_id) return &image;
  return nullptr;
}

}  // namespace awslab::ec2
