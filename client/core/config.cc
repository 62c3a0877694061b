#include "client/include/awslab/config.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace awslab::client {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// "~/x" with the home directory.
std::string ExpandHome(const std::string& path, const EnvReader& env) {
  if (!path.starts_with("~/")) return path;
  return env("HOME").value_or("") + path.substr(1);
}

std::optional<std::string> NonEmpty(const EnvReader& env, const std::string& name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

const std::string* Find(const IniSection* section, std::string_view key) {
  if (!section) return nullptr;
  auto it = section->find(key);
  return it == section->end() ? nullptr : &it->second;
}

// The environment variable of a service's endpoint: AWS_ENDPOINT_URL_S3,
// _EC2, _COST_EXPLORER (the service id, upper case, spaces as '_').
std::string ServiceEnvName(std::string_view service) {
  if (service == "ce") return "AWS_ENDPOINT_URL_COST_EXPLORER";
  std::string name = "AWS_ENDPOINT_URL_";
  for (char c : service) name += static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return name;
}

// The config file's nested section key of a service ("s3", "ec2", "ce").
std::string ServiceConfigKey(std::string_view service) {
  if (service == "ce") return "cost_explorer";
  return std::string(service);
}

}  // namespace

std::optional<std::string> ProcessEnv(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

IniFile ParseIni(std::string_view text) {
  IniFile file;
  IniSection* section = nullptr;
  std::string nested;  // the key whose indented lines follow
  while (!text.empty()) {
    std::size_t nl = text.find('\n');
    std::string_view raw = text.substr(0, nl);
    text.remove_prefix(nl == text.npos ? text.size() : nl + 1);
    bool indented = !raw.empty() && (raw[0] == ' ' || raw[0] == '\t');
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      section = &file[std::string(Trim(line.substr(1, line.size() - 2)))];
      nested.clear();
      continue;
    }
    if (!section) continue;
    std::size_t eq = line.find('=');
    if (eq == line.npos) continue;
    std::string key = Lower(Trim(line.substr(0, eq)));
    std::string_view value = Trim(line.substr(eq + 1));
    if (indented && !nested.empty()) {
      (*section)[nested + "." + key] = std::string(value);
      continue;
    }
    nested.clear();
    if (value.empty()) nested = key;
    (*section)[key] = std::string(value);
  }
  return file;
}

std::string Config::EndpointUrlFor(std::string_view service) const {
  if (auto it = service_endpoint_urls.find(service); it != service_endpoint_urls.end())
    return it->second;
  return endpoint_url;
}

Result<Config> LoadConfig(const ConfigOptions& options, const EnvReader& env) {
  Config config;
  bool explicit_profile = options.profile.has_value();
  std::optional<std::string> profile = options.profile;
  if (!profile) profile = NonEmpty(env, "AWS_PROFILE");
  if (!profile) profile = NonEmpty(env, "AWS_DEFAULT_PROFILE");
  bool named_profile = profile.has_value();
  config.profile = profile.value_or("default");

  std::string credentials_path = ExpandHome(
      NonEmpty(env, "AWS_SHARED_CREDENTIALS_FILE").value_or("~/.aws/credentials"), env);
  std::string config_path =
      ExpandHome(NonEmpty(env, "AWS_CONFIG_FILE").value_or("~/.aws/config"), env);
  IniFile credentials_file, config_file;
  if (auto text = ReadFile(credentials_path)) credentials_file = ParseIni(*text);
  if (auto text = ReadFile(config_path)) config_file = ParseIni(*text);
  const IniSection* cred_section = nullptr;
  if (auto it = credentials_file.find(config.profile); it != credentials_file.end())
    cred_section = &it->second;
  const IniSection* conf_section = nullptr;
  for (const std::string& name : {config.profile == "default" ? std::string("default")
                                                               : "profile " + config.profile,
                                  "profile " + config.profile}) {
    if (auto it = config_file.find(name); it != config_file.end()) {
      conf_section = &it->second;
      break;
    }
  }
  if (named_profile && config.profile != "default" && !cred_section && !conf_section)
    return MakeError(codes::kInvalidConfig,
                     "The config profile (" + config.profile + ") could not be found");

  // A value of the profile: the credentials file first, then the config file.
  auto profile_value = [&](std::string_view key) -> std::optional<std::string> {
    if (const std::string* v = Find(cred_section, key); v && !v->empty()) return *v;
    if (const std::string* v = Find(conf_section, key); v && !v->empty()) return *v;
    return std::nullopt;
  };

  // Credentials: explicit, then the environment (unless a profile was named
  // explicitly, as the aws CLI's --profile), then the profile.
  if (options.access_key_id || options.secret_access_key) {
    config.credentials.access_key_id = options.access_key_id.value_or("");
    config.credentials.secret_access_key = options.secret_access_key.value_or("");
    config.credentials.session_token = options.session_token.value_or("");
  } else if (auto key = NonEmpty(env, "AWS_ACCESS_KEY_ID");
             key && !explicit_profile && NonEmpty(env, "AWS_SECRET_ACCESS_KEY")) {
    config.credentials.access_key_id = *key;
    config.credentials.secret_access_key = *NonEmpty(env, "AWS_SECRET_ACCESS_KEY");
    config.credentials.session_token = NonEmpty(env, "AWS_SESSION_TOKEN").value_or("");
  } else if (auto id = profile_value("aws_access_key_id")) {
    config.credentials.access_key_id = *id;
    config.credentials.secret_access_key = profile_value("aws_secret_access_key").value_or("");
    config.credentials.session_token = profile_value("aws_session_token").value_or("");
  }

  if (options.region) config.region = *options.region;
  else if (auto r = NonEmpty(env, "AWS_REGION")) config.region = *r;
  else if (auto r = NonEmpty(env, "AWS_DEFAULT_REGION")) config.region = *r;
  else if (const std::string* r = Find(conf_section, "region"); r && !r->empty()) config.region = *r;

  if (options.endpoint_url) {
    config.endpoint_url = *options.endpoint_url;
  } else {
    if (auto e = NonEmpty(env, "AWS_ENDPOINT_URL")) config.endpoint_url = *e;
    else if (const std::string* e = Find(conf_section, "endpoint_url")) config.endpoint_url = *e;
    for (std::string_view service : {"s3", "ec2", "ce"}) {
      if (auto e = NonEmpty(env, ServiceEnvName(service)))
        config.service_endpoint_urls[std::string(service)] = *e;
      else if (const std::string* e =
                   Find(conf_section, ServiceConfigKey(service) + ".endpoint_url"))
        config.service_endpoint_urls[std::string(service)] = *e;
    }
  }

  if (options.ca_bundle) config.ca_bundle = *options.ca_bundle;
  else if (auto c = NonEmpty(env, "AWS_CA_BUNDLE")) config.ca_bundle = *c;
  else if (const std::string* c = Find(conf_section, "ca_bundle")) config.ca_bundle = *c;
  config.ca_bundle = ExpandHome(config.ca_bundle, env);

  std::optional<std::string> style;
  if (const std::string* s = Find(conf_section, "s3.addressing_style")) style = *s;
  if (options.addressing_style) {
    config.addressing_style = *options.addressing_style;
  } else if (style) {
    if (*style == "path") config.addressing_style = AddressingStyle::kPath;
    else if (*style == "virtual") config.addressing_style = AddressingStyle::kVirtual;
    else if (*style == "auto") config.addressing_style = AddressingStyle::kAuto;
    else
      return MakeError(codes::kInvalidConfig,
                       "s3 addressing_style must be auto, virtual or path, not " + *style);
  }

  std::optional<std::string> attempts = NonEmpty(env, "AWS_MAX_ATTEMPTS");
  if (!attempts)
    if (const std::string* a = Find(conf_section, "max_attempts")) attempts = *a;
  if (options.max_attempts) {
    config.max_attempts = *options.max_attempts;
  } else if (attempts) {
    char* end = nullptr;
    long n = std::strtol(attempts->c_str(), &end, 10);
    if (attempts->empty() || *end != '\0' || n < 1 || n > 100)
      return MakeError(codes::kInvalidConfig, "max_attempts must be a number from 1 to 100");
    config.max_attempts = static_cast<int>(n);
  }
  if (options.verify_tls) config.verify_tls = *options.verify_tls;
  if (options.sign) config.sign = *options.sign;
  return config;
}

}  // namespace awslab::client
