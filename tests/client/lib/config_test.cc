// LoadConfig's order (explicit, environment, profile files) and the INI
// reader, on files written to a temporary HOME; Url parsing.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "client/include/awslab/config.h"
#include "client/include/awslab/http.h"

namespace awslab::client {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/awslab-config-XXXXXX";
    home_ = mkdtemp(tmpl);
    std::filesystem::create_directories(home_ + "/.aws");
    env_["HOME"] = home_;
  }
  void TearDown() override { std::filesystem::remove_all(home_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(home_ + "/.aws/" + name) << text;
  }
  EnvReader Env() {
    return [this](const std::string& name) -> std::optional<std::string> {
      auto it = env_.find(name);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  Config Load(const ConfigOptions& options = {}) {
    auto c = LoadConfig(options, Env());
    EXPECT_TRUE(c.has_value()) << (c ? "" : c.error().ToString());
    return c ? *c : Config{};
  }

  std::string home_;
  std::map<std::string, std::string> env_;
};

TEST_F(ConfigTest, NothingConfiguredMeansAwsDefaults) {
  Config c = Load();
  EXPECT_EQ(c.credentials.access_key_id, "");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.endpoint_url, "");
  EXPECT_EQ(c.EndpointUrlFor("s3"), "");
  EXPECT_EQ(c.addressing_style, AddressingStyle::kAuto);
  EXPECT_EQ(c.max_attempts, 3);
  EXPECT_EQ(c.profile, "default");
}

TEST_F(ConfigTest, DefaultProfileFromBothFiles) {
  Write("credentials", "[default]\naws_access_key_id = AKID\naws_secret_access_key=SECRET\n");
  Write("config",
        "# comment\n[default]\nregion = eu-west-1\nendpoint_url = http://localhost:4566\n"
        "s3 =\n  addressing_style = path\n  endpoint_url = http://localhost:4567\n"
        "ca_bundle = ~/ca.pem\nmax_attempts = 5\n");
  Config c = Load();
  EXPECT_EQ(c.credentials.access_key_id, "AKID");
  EXPECT_EQ(c.credentials.secret_access_key, "SECRET");
  EXPECT_EQ(c.region, "eu-west-1");
  EXPECT_EQ(c.endpoint_url, "http://localhost:4566");
  EXPECT_EQ(c.EndpointUrlFor("s3"), "http://localhost:4567");
  EXPECT_EQ(c.EndpointUrlFor("ec2"), "http://localhost:4566");
  EXPECT_EQ(c.addressing_style, AddressingStyle::kPath);
  EXPECT_EQ(c.ca_bundle, home_ + "/ca.pem");
  EXPECT_EQ(c.max_attempts, 5);
}

TEST_F(ConfigTest, NamedProfileUsesProfilePrefixInConfig) {
  Write("credentials", "[default]\naws_access_key_id = D\naws_secret_access_key = d\n"
                       "[lab]\naws_access_key_id = L\naws_secret_access_key = l\n"
                       "aws_session_token = T\n");
  Write("config", "[default]\nregion = eu-west-1\n[profile lab]\nregion = ap-south-1\n");
  env_["AWS_PROFILE"] = "lab";
  Config c = Load();
  EXPECT_EQ(c.profile, "lab");
  EXPECT_EQ(c.credentials.access_key_id, "L");
  EXPECT_EQ(c.credentials.session_token, "T");
  EXPECT_EQ(c.region, "ap-south-1");
}

TEST_F(ConfigTest, EnvironmentBeatsFilesButNotExplicitValues) {
  Write("credentials", "[default]\naws_access_key_id = FILE\naws_secret_access_key = f\n");
  Write("config", "[default]\nregion = eu-west-1\n");
  env_["AWS_ACCESS_KEY_ID"] = "ENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "e";
  env_["AWS_SESSION_TOKEN"] = "tok";
  env_["AWS_REGION"] = "us-west-2";
  env_["AWS_DEFAULT_REGION"] = "us-west-1";
  env_["AWS_ENDPOINT_URL"] = "http://a:1";
  env_["AWS_ENDPOINT_URL_EC2"] = "http://b:2";
  env_["AWS_CA_BUNDLE"] = "/x.pem";
  Config c = Load();
  EXPECT_EQ(c.credentials.access_key_id, "ENV");
  EXPECT_EQ(c.credentials.session_token, "tok");
  EXPECT_EQ(c.region, "us-west-2");
  EXPECT_EQ(c.EndpointUrlFor("s3"), "http://a:1");
  EXPECT_EQ(c.EndpointUrlFor("ec2"), "http://b:2");
  EXPECT_EQ(c.ca_bundle, "/x.pem");

  ConfigOptions o;
  o.access_key_id = "X";
  o.secret_access_key = "x";
  o.region = "sa-east-1";
  o.endpoint_url = "http://c:3";
  Config e = Load(o);
  EXPECT_EQ(e.credentials.access_key_id, "X");
  EXPECT_EQ(e.credentials.session_token, "");
  EXPECT_EQ(e.region, "sa-east-1");
  EXPECT_EQ(e.EndpointUrlFor("ec2"), "http://c:3");  // explicit beats the service's variable
}

TEST_F(ConfigTest, DefaultRegionVariableWhenNoAwsRegion) {
  env_["AWS_DEFAULT_REGION"] = "us-west-1";
  EXPECT_EQ(Load().region, "us-west-1");
}

TEST_F(ConfigTest, ExplicitProfileBeatsEnvironmentCredentials) {
  // As the aws CLI's --profile: the named profile's keys, not the variables'.
  Write("credentials", "[lab]\naws_access_key_id = L\naws_secret_access_key = l\n");
  env_["AWS_ACCESS_KEY_ID"] = "ENV";
  env_["AWS_SECRET_ACCESS_KEY"] = "e";
  ConfigOptions o;
  o.profile = "lab";
  EXPECT_EQ(Load(o).credentials.access_key_id, "L");
  // AWS_PROFILE does not: the variables win, as botocore has it.
  env_["AWS_PROFILE"] = "lab";
  EXPECT_EQ(Load().credentials.access_key_id, "ENV");
}

TEST_F(ConfigTest, MissingNamedProfileIsAnError) {
  ConfigOptions o;
  o.profile = "nope";
  auto c = LoadConfig(o, Env());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, "InvalidConfiguration");
  EXPECT_NE(c.error().message.find("nope"), std::string::npos);
}

TEST_F(ConfigTest, OtherFileLocationsFromTheEnvironment) {
  std::ofstream(home_ + "/creds") << "[default]\naws_access_key_id = OTHER\naws_secret_access_key = o\n";
  std::ofstream(home_ + "/conf") << "[default]\nregion = eu-north-1\n";
  env_["AWS_SHARED_CREDENTIALS_FILE"] = home_ + "/creds";
  env_["AWS_CONFIG_FILE"] = home_ + "/conf";
  Config c = Load();
  EXPECT_EQ(c.credentials.access_key_id, "OTHER");
  EXPECT_EQ(c.region, "eu-north-1");
}

TEST_F(ConfigTest, BadValuesAreErrors) {
  Write("config", "[default]\ns3 =\n  addressing_style = sideways\n");
  auto c = LoadConfig({}, Env());
  ASSERT_FALSE(c.has_value());
  EXPECT_EQ(c.error().code, "InvalidConfiguration");
  Write("config", "[default]\nmax_attempts = many\n");
  EXPECT_FALSE(LoadConfig({}, Env()).has_value());
}

TEST(IniTest, NestedSectionsCommentsAndSpaces) {
  IniFile f = ParseIni(
      "; top comment\n[profile x]\n  key = value with spaces  \nS3 =\n    max_concurrent_requests = 20\n"
      "    addressing_style=virtual\nafter = 1\n\n[empty]\n");
  ASSERT_TRUE(f.count("profile x"));
  const IniSection& s = f["profile x"];
  EXPECT_EQ(s.at("key"), "value with spaces");
  EXPECT_EQ(s.at("s3.max_concurrent_requests"), "20");
  EXPECT_EQ(s.at("s3.addressing_style"), "virtual");
  EXPECT_EQ(s.at("after"), "1");
  EXPECT_TRUE(f.count("empty"));
}

TEST(UrlTest, ParsesSchemesPortsAndPaths) {
  auto u = Url::Parse("http://localhost:4566");
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 4566);
  EXPECT_EQ(u->path, "");
  EXPECT_EQ(u->HostHeader(), "localhost:4566");
  auto h = Url::Parse("HTTPS://S3.Amazonaws.com/base/");
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(h->tls());
  EXPECT_EQ(h->port, 443);
  EXPECT_EQ(h->host, "s3.amazonaws.com");
  EXPECT_EQ(h->path, "/base");
  EXPECT_EQ(h->HostHeader(), "s3.amazonaws.com");
  auto v6 = Url::Parse("http://[::1]:80/");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->HostHeader(), "[::1]");
  EXPECT_FALSE(Url::Parse("ftp://x").has_value());
  EXPECT_FALSE(Url::Parse("localhost:4566").has_value());
  EXPECT_FALSE(Url::Parse("http://x:99999").has_value());
  EXPECT_FALSE(Url::Parse("http://:80").has_value());
}

}  // namespace
}  // namespace awslab::client
