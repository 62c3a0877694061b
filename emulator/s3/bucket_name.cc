#include "emulator/s3/bucket_name.h"

#include <array>

namespace awslab::s3 {
namespace {

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// "Bucket names must not be formatted as an IP address (for example, 192.168.5.4)."
bool LooksLikeIpAddress(std::string_view name) {
  int parts = 0;
  std::size_t start = 0;
  while (start <= name.size()) {
    std::size_t dot = name.find('.', start);
    std::string_view part = name.substr(start, dot == std::string_view::npos ? name.npos : dot - start);
    if (part.empty() || part.size() > 3) return false;
    for (char c : part)
      if (c < '0' || c > '9') return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

constexpr std::array<std::string_view, 3> kReservedPrefixes = {"xn--", "sthree-", "amzn-s3-demo-"};
constexpr std::array<std::string_view, 5> kReservedSuffixes = {"-s3alias", "--ol-s3", ".mrap",
                                                               "--x-s3", "--table-s3"};

}  // namespace

std::string BucketNameProblem(std::string_view name) {
  // "Bucket names must be between 3 (min) and 63 (max) characters long."
  if (name.size() < 3 || name.size() > 63)
    return "Bucket names must be between 3 and 63 characters long.";
  // "Bucket names can consist only of lowercase letters, numbers, periods (.), and hyphens (-)."
  for (char c : name)
    if (!IsLowerAlnum(c) && c != '.' && c != '-')
      return "Bucket names can consist only of lowercase letters, numbers, periods (.), and "
             "hyphens (-).";
  // "Bucket names must begin and end with a letter or number."
  if (!IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back()))
    return "Bucket names must begin and end with a letter or number.";
  // "Bucket names must not contain two adjacent periods." Labels between
  // periods start and end with a letter or number (the DNS rule the course
  // teaches), which also excludes "a.-b" and "a-.b".
  for (std::size_t i = 0; i + 1 < name.size(); ++i) {
    if (name[i] == '.' && name[i + 1] == '.')
      return "Bucket names must not contain two adjacent periods.";
    if ((name[i] == '.' && name[i + 1] == '-') || (name[i] == '-' && name[i + 1] == '.'))
      return "Each label of a bucket name must begin and end with a letter or number.";
  }
  if (LooksLikeIpAddress(name))
    return "Bucket names must not be formatted as an IP address (for example, 192.168.5.4).";
  for (auto prefix : kReservedPrefixes)
    if (name.starts_with(prefix))
      return "Bucket names must not start with the prefix '" + std::string(prefix) + "'.";
  for (auto suffix : kReservedSuffixes)
    if (name.ends_with(suffix))
      return "Bucket names must not end with the suffix '" + std::string(suffix) + "'.";
  return {};
}

}  // namespace awslab::s3
