// Where an S3 request goes: the endpoint, virtual-hosted or path-style
// addressing, and the encoding of keys, as botocore 1.29.27 (Debian's
// python3-botocore) decides them. Verified against that botocore by
// capturing its requests (before-send) for every case below:
//
//  - No endpoint configured: https://s3.amazonaws.com in us-east-1 (the
//    endpoint ruleset's UseGlobalEndpoint, set by botocore's default
//    us_east_1_regional_endpoint = legacy), https://s3.<region>.amazonaws.com
//    elsewhere (.amazonaws.com.cn in the China partition).
//  - Auto or virtual style on AWS's endpoint: virtual-hosted
//    (https://bucket.s3.amazonaws.com/key) when the bucket is a valid
//    virtual-host label (aws.isVirtualHostableS3Bucket without subdomains:
//    3-63 of a-z 0-9 '-', not starting or ending with '-', not an IPv4
//    address); otherwise path style (names with dots, upper case or '_').
//    addressing_style = path: path style.
//  - A custom endpoint_url: botocore sets ForcePathStyle unless the style is
//    "virtual" (args.py compute_endpoint_resolver_builtin_defaults), so auto
//    and path style are PATH style (http://localhost:4566/bucket/key), not
//    virtual-hosted as one might expect. With addressing_style = virtual it
//    is virtual-hosted on the endpoint's host and path
//    (http://bucket.localhost:4566/base/key) unless the endpoint's host is
//    an IP address (path style); over http a name with dots whose every
//    label is hostable is virtual-hosted too (http://abc.def.localhost/).
//  - GetBucketLocation is always path style (handlers.py
//    customize_endpoint_resolver_builtins).
//  - Presigned URLs (signers.py generate_presigned_url sets
//    use_global_endpoint): in the aws partition, without a custom endpoint
//    and unless the style is path, a bucket that is a valid host label
//    (upper case allowed) goes to the global endpoint s3.amazonaws.com in
//    every region (https://bucket.s3.amazonaws.com/key, still signed for the
//    client's region).
//  - Paths: path style "/bucket" or "/bucket/key"; virtual-hosted "/" or
//    "/key"; an endpoint's base path comes first ("/base/bucket/key",
//    virtual "/base" or "/base/key"). Keys are percent-encoded with '/' and
//    '~' kept (and never normalized: "//a/./b" stays as it is).
//
// Thread-safety: pure functions.
#include <arpa/inet.h>

#include <cstring>
#include <ctime>

#include "client/include/awslab/s3.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client {

namespace s3 {

namespace {

bool IsIpv4(std::string_view s) {
  // botocore's IPV4_RE: four dot-separated groups of 1-3 digits.
  int groups = 0;
  std::size_t i = 0;
  while (i <= s.size()) {
    std::size_t j = i;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == i || j - i > 3) return false;
    ++groups;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return groups == 4;
}

// botocore's VALID_HOST_LABEL_RE: ^(?!-)[a-zA-Z\d-]{1,63}(?<!-)$
bool IsValidHostLabel(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'))
      return false;
  return true;
}

bool IsVirtualHostableLabel(std::string_view s) {
  if (s.size() < 3 || IsIpv4(s)) return false;
  for (char c : s)
    if (c >= 'A' && c <= 'Z') return false;
  return IsValidHostLabel(s);
}

}  // namespace

bool IsDnsCompatibleBucket(std::string_view bucket, bool allow_dots) {
  if (bucket.size() < 3 || IsIpv4(bucket)) return false;
  if (!allow_dots) return IsVirtualHostableLabel(bucket);
  std::size_t start = 0;
  while (true) {
    std::size_t dot = bucket.find('.', start);
    if (!IsVirtualHostableLabel(bucket.substr(start, dot - start))) return false;
    if (dot == bucket.npos) return true;
    start = dot + 1;
  }
}

std::string EncodeKey(std::string_view key) { return sigv4::UriEncode(key, false); }

std::optional<std::chrono::system_clock::time_point> ParseTime(std::string_view s) {
  std::tm tm{};
  std::string text(s);
  const char* end = nullptr;
  if (text.size() >= 19 && text[4] == '-') {  // 2013-04-01T00:00:00[.000]Z
    end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    if (!end) return std::nullopt;
    if (*end == '.') {
      ++end;
      while (*end >= '0' && *end <= '9') ++end;
    }
    if (*end != 'Z' && *end != '\0') return std::nullopt;
  } else {  // Mon, 01 Apr 2013 00:00:00 GMT
    end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S", &tm);
    if (!end) return std::nullopt;
  }
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace s3

namespace {

bool IsIpAddress(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

Result<s3::Address> S3Client::AddressOf(std::string_view bucket, std::string_view key) const {
  return AddressFor(bucket, key, false, false);
}

Result<s3::Address> S3Client::AddressFor(std::string_view bucket, std::string_view key,
                                         bool force_path, bool presign) const {
  if (bucket.empty() && !key.empty())
    return MakeError(codes::kInvalidArgument, "a key needs a bucket");
  s3::Address a;
  a.origin = endpoint_;
  AddressingStyle style = config().addressing_style;
  bool virtual_hosted = false;
  if (!bucket.empty()) {
    if (custom_endpoint_) {
      bool path = force_path || style != AddressingStyle::kVirtual;
      virtual_hosted = !path && !IsIpAddress(a.origin.host) &&
                       s3::IsDnsCompatibleBucket(bucket, a.origin.scheme == "http");
    } else {
      bool path = force_path || style == AddressingStyle::kPath;
      if (presign && !path && s3::IsValidHostLabel(bucket) && !region().starts_with("cn-") &&
          !region().starts_with("us-gov-") && !region().starts_with("us-iso"))
        a.origin.host = "s3.amazonaws.com";
      virtual_hosted = !path && s3::IsDnsCompatibleBucket(bucket, false);
    }
  }
  std::string encoded_key = key.empty() ? std::string() : "/" + s3::EncodeKey(key);
  if (virtual_hosted) {
    a.origin.host = std::string(bucket) + "." + a.origin.host;
    a.path = a.origin.path + encoded_key;
  } else {
    a.path = a.origin.path;
    if (!bucket.empty()) a.path += "/" + sigv4::UriEncode(bucket, true) + encoded_key;
  }
  if (a.path.empty()) a.path = "/";
  a.origin.path.clear();
  return a;
}

Result<S3Client> S3Client::Create(const Config& config, std::shared_ptr<HttpClient> http) {
  if (!http) {
    HttpOptions options;
    options.ca_bundle = config.ca_bundle;
    options.verify_tls = config.verify_tls;
    options.connect_timeout = config.connect_timeout;
    options.read_timeout = config.read_timeout;
    auto created = HttpClient::Create(std::move(options));
    if (!created) return created.error();
    http = std::move(*created);
  }
  return Create(std::make_shared<Caller>(config, std::move(http)));
}

Result<S3Client> S3Client::Create(std::shared_ptr<Caller> caller) {
  if (!caller) return MakeError(codes::kInvalidArgument, "no Caller");
  const Config& config = caller->config();
  std::string configured = config.EndpointUrlFor("s3");
  Url endpoint;
  bool custom = !configured.empty();
  if (custom) {
    auto url = Url::Parse(configured);
    if (!url) return url.error();
    endpoint = std::move(*url);
  } else {
    const std::string& region = config.region;
    if (region.empty()) return MakeError(codes::kInvalidConfig, "no region for S3");
    for (char c : region)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return MakeError(codes::kInvalidConfig, "Invalid region: region was not a valid DNS name.");
    endpoint.scheme = "https";
    endpoint.port = 443;
    if (region == "us-east-1" || region == "aws-global")
      endpoint.host = "s3.amazonaws.com";
    else if (region.starts_with("cn-"))
      endpoint.host = "s3." + region + ".amazonaws.com.cn";
    else
      endpoint.host = "s3." + region + ".amazonaws.com";
  }
  return S3Client(std::move(caller), std::move(endpoint), custom);
}

}  // namespace awslab::client
