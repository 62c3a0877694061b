// Configuration as every AWS SDK reads it: explicit values first, then the
// environment, then the shared files (~/.aws/credentials and ~/.aws/config)
// of the chosen profile. See docs/client.md for the whole order.
//
// Thread-safety: LoadConfig reads the environment and files; a Config is a
// plain value.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_CONFIG_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_CONFIG_H_

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "client/include/awslab/error.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client {

enum class AddressingStyle { kAuto, kVirtual, kPath };

struct Config {
  sigv4::Credentials credentials;  // empty access key: none found
  std::string region = "us-east-1";
  // One endpoint for every service ("http://localhost:4566"); empty: AWS's.
  std::string endpoint_url;
  // Per service ("s3", "ec2", "ce"), ahead of endpoint_url.
  std::map<std::string, std::string, std::less<>> service_endpoint_urls;
  AddressingStyle addressing_style = AddressingStyle::kAuto;
  std::string ca_bundle;  // PEM file; empty: the system's trust store
  bool verify_tls = true;
  bool sign = true;       // false: anonymous requests (--no-sign-request)
  int max_attempts = 3;   // standard retry mode: the first try and two retries
  std::chrono::milliseconds connect_timeout{60'000};
  std::chrono::milliseconds read_timeout{60'000};
  std::string profile = "default";  // the profile that was read

  // The endpoint URL configured for a service, or empty for AWS's own.
  std::string EndpointUrlFor(std::string_view service) const;
};

// Values given explicitly (flags, code): they win over everything else.
struct ConfigOptions {
  std::optional<std::string> profile;
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
  std::optional<std::string> ca_bundle;
  std::optional<AddressingStyle> addressing_style;
  std::optional<bool> verify_tls;
  std::optional<bool> sign;
  std::optional<int> max_attempts;
};

// Reads an environment variable; the default reads the process's.
using EnvReader = std::function<std::optional<std::string>(const std::string& name)>;
std::optional<std::string> ProcessEnv(const std::string& name);

// Errors: a profile named explicitly that neither file has
// (InvalidConfiguration, as botocore's ProfileNotFound), an unreadable
// value (max_attempts not a number, addressing_style unknown).
Result<Config> LoadConfig(const ConfigOptions& options = {}, const EnvReader& env = ProcessEnv);

// An INI file as the AWS CLI reads it: sections of key = value, a key with
// an empty value followed by indented lines is a nested section
// ("s3 =\n  addressing_style = path" gives key "s3.addressing_style").
using IniSection = std::map<std::string, std::string, std::less<>>;
using IniFile = std::map<std::string, IniSection, std::less<>>;
IniFile ParseIni(std::string_view text);

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_CONFIG_H_
