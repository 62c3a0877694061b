// awslab-sigdump: what libawslab puts on the wire, for the differential
// tests against botocore (tests/clients/test_botocore_diff.py).
//
// Reads a JSON array of cases (the file named by the first argument, or
// stdin) and, for each, makes the call with the library's S3Client,
// Ec2Client or CostExplorerClient on a Caller whose clock is fixed at the
// case's time and whose transport is a recorder: it keeps the request as it
// would go on the wire and answers 200 with a minimal body of the
// operation's kind, so the call completes without a network. Presign cases
// call the presign API instead. Writes a JSON array of results to stdout.
//
// A case (cases.json; the test fills in "time" and "credentials", which
// default to 2013-05-24T00:00:00Z and AKIDEXAMPLE when sigdump runs alone):
//   {"name": "s3_put_object_key_plus",
//    "service": "s3" | "ec2" | "ce",
//    "operation": "PutObject",             botocore's operation name
//    "params": {"Bucket": ..., "Key": ..., "Body": "text"},  botocore's parameters
//    "region": "us-east-1",
//    "endpoint_url": "http://localhost:4566",        optional: none is real AWS
//    "addressing_style": "auto" | "path" | "virtual",  optional (S3)
//    "credentials": {"access_key_id", "secret_access_key", "session_token"?},
//    "presign": {"expires": 3600},                   optional (S3 GetObject/PutObject)
//    "caller": "s3transfer ...",   optional: whose parameter order botocore gets
//    "paginate": {"pages": 2, "page_size": 100, "truncated_answer": "<ListBucketResult>..."},
//        optional (ListObjects, ListObjectsV2): page N of ListObjectsPaginator
//        (max_keys = page_size), the pages before answered with truncated_answer
//    "time": "2013-05-24T00:00:00Z"}
// Parameters are botocore's, mapped onto the library's API; a parameter the
// library has no way to express makes the case "fatal" (named in the
// message), so the test fails and names it rather than dropping it.
//
// A result:
//   {"name", "requests": [{"method", "url", "headers": [[name, value], ...],
//     "body_hex", "signed_headers": [...], "canonical_request", "signature"}],
//    "error": "..." (the call's own error, if any: the request was still recorded),
//    "presigned_url", "canonical_request", "signature" (presign cases),
//    "fatal": "..." (the case could not be run)}
// The headers are those the HttpClient would send: the signed request's, the
// User-Agent Caller::Send adds, and Content-Length as HttpClient::Send adds
// it (for a body, and for every PUT and POST). The canonical request is
// recomputed from the recorded request with sigv4::CanonicalRequest and the
// SignedHeaders of its Authorization header, as a server verifies it.
//
// Thread-safety: a single-threaded program.
#include <boost/json.hpp>
#include <cctype>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "client/include/awslab/ce.h"
#include "client/include/awslab/config.h"
#include "client/include/awslab/crypto.h"
#include "client/include/awslab/ec2.h"
#include "client/include/awslab/http.h"
#include "client/include/awslab/s3.h"
#include "client/include/awslab/service.h"
#include "client/include/awslab/sigv4.h"

namespace json = boost::json;
using namespace awslab::client;  // NOLINT: a test tool
namespace sigv4 = awslab::sigv4;
namespace crypto = awslab::crypto;

namespace {

// For a case without them (sigdump run by hand on cases.json); the test
// always gives both, the same.
constexpr const char* kDefaultTime = "2013-05-24T00:00:00Z";
constexpr const char* kDefaultAccessKeyId = "AKIDEXAMPLE";
constexpr const char* kDefaultSecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

// A case that cannot be run as written (a parameter the library cannot
// express, a malformed case). Caught per case and reported as "fatal"; the
// exception never leaves this tool (the library's API has none).
struct Fatal : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A JSON object whose members are taken one by one; Done() rejects any
// member nobody took, so that no parameter of a case is silently ignored.
class Params {
 public:
  Params(const json::object& o, std::string where) : o_(o), where_(std::move(where)) {}

  bool Has(std::string_view k) const { return o_.contains(k); }
  const json::value* Take(std::string_view k) {
    const json::value* v = o_.if_contains(k);
    if (v) taken_.insert(std::string(k));
    return v;
  }
  std::string Str(std::string_view k, std::string fallback = "") {
    const json::value* v = Take(k);
    if (!v) return fallback;
    if (!v->is_string()) throw Fatal(where_ + "." + std::string(k) + " is not a string");
    return std::string(v->as_string());
  }
  std::optional<std::string> OptStr(std::string_view k) {
    if (!Has(k)) return std::nullopt;
    return Str(k);
  }
  std::optional<int> Int(std::string_view k) {
    const json::value* v = Take(k);
    if (!v) return std::nullopt;
    if (!v->is_int64()) throw Fatal(where_ + "." + std::string(k) + " is not an integer");
    return static_cast<int>(v->as_int64());
  }
  std::optional<bool> Bool(std::string_view k) {
    const json::value* v = Take(k);
    if (!v) return std::nullopt;
    if (!v->is_bool()) throw Fatal(where_ + "." + std::string(k) + " is not a boolean");
    return v->as_bool();
  }
  std::vector<std::string> Strings(std::string_view k) {
    std::vector<std::string> out;
    const json::value* v = Take(k);
    if (!v) return out;
    if (!v->is_array()) throw Fatal(where_ + "." + std::string(k) + " is not a list");
    for (const json::value& e : v->as_array()) {
      if (!e.is_string()) throw Fatal(where_ + "." + std::string(k) + " holds a non-string");
      out.emplace_back(e.as_string());
    }
    return out;
  }
  // Sub-objects and lists of objects, each checked by its own Params.
  std::optional<Params> Object(std::string_view k) {
    const json::value* v = Take(k);
    if (!v) return std::nullopt;
    if (!v->is_object()) throw Fatal(where_ + "." + std::string(k) + " is not an object");
    return Params(v->as_object(), where_ + "." + std::string(k));
  }
  std::vector<Params> Objects(std::string_view k) {
    std::vector<Params> out;
    const json::value* v = Take(k);
    if (!v) return out;
    if (!v->is_array()) throw Fatal(where_ + "." + std::string(k) + " is not a list");
    int i = 0;
    for (const json::value& e : v->as_array()) {
      if (!e.is_object()) throw Fatal(where_ + "." + std::string(k) + " holds a non-object");
      out.emplace_back(e.as_object(), where_ + "." + std::string(k) + "[" + std::to_string(i++) + "]");
    }
    return out;
  }
  // Throws for the members nobody took: libawslab has no way to send them.
  void Done() const {
    for (const auto& kv : o_)
      if (!taken_.count(std::string(kv.key())))
        throw Fatal("parameter " + where_ + "." + std::string(kv.key()) +
                    " is not in libawslab's API (or not mapped by sigdump)");
  }

 private:
  const json::object& o_;
  std::string where_;
  std::set<std::string> taken_;
};

// ---------------------------------------------------------------------------
// The recorder: the Caller's transport.

struct Recorded {
  Url origin;
  sigv4::HttpRequest request;
  std::string body;
};

// The answer the recorder gives: 200 and a minimal body the operation's
// parser accepts.
struct Canned {
  std::string body;
  std::vector<sigv4::Header> headers;
};

std::string Ec2Response(const std::string& action, const std::string& inner) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + action +
         "Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">"
         "<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId>" +
         inner + "</" + action + "Response>";
}

Canned CannedFor(const std::string& service, const std::string& op) {
  Canned c;
  c.headers = {{"x-amz-request-id", "SIGDUMP0000000001"},
               {"Date", "Fri, 24 May 2013 00:00:00 GMT"}};
  const std::string ns = " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"";
  if (service == "s3") {
    c.headers.push_back({"ETag", "\"5d41402abc4b2a76b9719d911017c592\""});
    if (op == "ListBuckets")
      c.body = "<ListAllMyBucketsResult" + ns +
               "><Owner><ID>owner</ID><DisplayName>owner</DisplayName></Owner><Buckets/>"
               "</ListAllMyBucketsResult>";
    else if (op == "GetBucketLocation")
      c.body = "<LocationConstraint" + ns + "/>";
    else if (op == "ListObjects" || op == "ListObjectsV2")
      c.body = "<ListBucketResult" + ns +
               "><Name>b</Name><Prefix/><MaxKeys>1000</MaxKeys><KeyCount>0</KeyCount>"
               "<IsTruncated>false</IsTruncated></ListBucketResult>";
    else if (op == "GetBucketAcl" || op == "GetObjectAcl")
      c.body = "<AccessControlPolicy" + ns +
               "><Owner><ID>owner</ID><DisplayName>owner</DisplayName></Owner>"
               "<AccessControlList/></AccessControlPolicy>";
    else if (op == "GetBucketPolicy")
      c.body = R"({"Version":"2012-10-17","Statement":[]})";
    else if (op == "GetBucketTagging" || op == "GetObjectTagging")
      c.body = "<Tagging" + ns + "><TagSet/></Tagging>";
    else if (op == "CreateMultipartUpload")
      c.body = "<InitiateMultipartUploadResult" + ns +
               "><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId>"
               "</InitiateMultipartUploadResult>";
    else if (op == "CompleteMultipartUpload")
      c.body = "<CompleteMultipartUploadResult" + ns +
               "><Location>l</Location><Bucket>b</Bucket><Key>k</Key>"
               "<ETag>\"3858f62230ac3c915f300c664312c11f-2\"</ETag></CompleteMultipartUploadResult>";
    else if (op == "CopyObject")
      c.body = "<CopyObjectResult" + ns +
               "><LastModified>2013-05-24T00:00:00.000Z</LastModified>"
               "<ETag>\"5d41402abc4b2a76b9719d911017c592\"</ETag></CopyObjectResult>";
    else if (op == "DeleteObjects")
      c.body = "<DeleteResult" + ns + "/>";
    else if (op == "ListParts")
      c.body = "<ListPartsResult" + ns +
               "><Bucket>b</Bucket><Key>k</Key><UploadId>u</UploadId><MaxParts>1000</MaxParts>"
               "<IsTruncated>false</IsTruncated></ListPartsResult>";
    else if (op == "ListMultipartUploads")
      c.body = "<ListMultipartUploadsResult" + ns +
               "><Bucket>b</Bucket><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>";
    if (op == "GetBucketPolicy")
      c.headers.push_back({"Content-Type", "application/json"});
    else if (!c.body.empty())
      c.headers.push_back({"Content-Type", "application/xml"});
  } else if (service == "ec2") {
    std::string inner;
    if (op == "RunInstances")
      inner = "<reservationId>r-1</reservationId><ownerId>000000000000</ownerId><groupSet/>"
              "<instancesSet><item><instanceId>i-1</instanceId><imageId>ami-1</imageId>"
              "<instanceState><code>0</code><name>pending</name></instanceState>"
              "</item></instancesSet>";
    else if (op == "DescribeInstances")
      inner = "<reservationSet/>";
    else if (op == "StartInstances" || op == "StopInstances" || op == "TerminateInstances")
      inner = "<instancesSet/>";
    else if (op == "CreateKeyPair")
      inner = "<keyName>k</keyName><keyFingerprint>f</keyFingerprint>"
              "<keyMaterial>m</keyMaterial><keyPairId>key-1</keyPairId>";
    else if (op == "AllocateAddress")
      inner = "<publicIp>198.51.100.1</publicIp><domain>vpc</domain>"
              "<allocationId>eipalloc-1</allocationId>";
    else if (op == "AssociateAddress")
      inner = "<return>true</return><associationId>eipassoc-1</associationId>";
    else if (op == "CreateVolume")
      inner = "<volumeId>vol-1</volumeId><size>8</size><availabilityZone>us-east-1a"
              "</availabilityZone><status>creating</status><createTime>2013-05-24T00:00:00.000Z"
              "</createTime><volumeType>gp3</volumeType><encrypted>false</encrypted>";
    else if (op == "DescribeRegions")
      inner = "<regionInfo/>";
    else
      inner = "<return>true</return>";
    c.body = Ec2Response(op, inner);
    c.headers.push_back({"Content-Type", "text/xml;charset=UTF-8"});
  } else {
    c.body = R"({"GroupDefinitions":[],"ResultsByTime":[],"DimensionValueAttributes":[]})";
    c.headers.push_back({"Content-Type", "application/x-amz-json-1.1"});
  }
  return c;
}

// Reads a body without consuming it for the caller (rewound after).
std::string ReadAll(BodySource* body) {
  if (!body) return {};
  if (!body->Rewind()) throw Fatal("the request body cannot be rewound to be recorded");
  std::string out;
  char buf[64 * 1024];
  while (true) {
    auto n = body->Read(buf, sizeof buf);
    if (!n) throw Fatal("reading the request body: " + n.error().ToString());
    if (*n == 0) break;
    out.append(buf, *n);
  }
  body->Rewind();
  return out;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

const std::string* FindHeader(const std::vector<sigv4::Header>& headers, std::string_view name) {
  for (const sigv4::Header& h : headers)
    if (IEquals(h.name, name)) return &h.value;
  return nullptr;
}

// ---------------------------------------------------------------------------
// Output

json::value RequestJson(const Recorded& r, bool s3) {
  json::object o;
  o["method"] = r.request.method;
  std::string url = r.origin.scheme + "://" + r.origin.HostHeader() + r.request.path;
  if (!r.request.query.empty()) url += "?" + r.request.query;
  o["url"] = url;
  // As HttpClient::Send writes them: the request's headers, then
  // Content-Length for a body and for every PUT and POST.
  std::vector<sigv4::Header> headers = r.request.headers;
  if (!FindHeader(headers, "content-length") &&
      (!r.body.empty() || r.request.method == "PUT" || r.request.method == "POST"))
    headers.push_back({"Content-Length", std::to_string(r.body.size())});
  json::array hs;
  for (const sigv4::Header& h : headers) hs.push_back(json::array{json::string(h.name), json::string(h.value)});
  o["headers"] = std::move(hs);
  o["body_hex"] = crypto::Hex(r.body.data(), r.body.size());
  const std::string* auth = FindHeader(r.request.headers, "authorization");
  auto parsed = auth ? sigv4::ParseAuthorization(*auth) : std::nullopt;
  if (parsed) {
    json::array signed_headers;
    for (const std::string& s : parsed->signed_headers) signed_headers.push_back(json::string(s));
    o["signed_headers"] = std::move(signed_headers);
    o["signature"] = parsed->signature;
    const std::string* sha = FindHeader(r.request.headers, "x-amz-content-sha256");
    std::string payload = sha ? *sha : crypto::Sha256Hex(r.body);
    o["canonical_request"] =
        sigv4::CanonicalRequest(r.request, parsed->signed_headers, payload, !s3);
  } else {
    o["signed_headers"] = json::array();
    o["signature"] = "";
    o["canonical_request"] = "";
  }
  return o;
}

// ---------------------------------------------------------------------------
// Config and clients

std::chrono::system_clock::time_point ParseTime(const std::string& iso) {
  std::string amz;
  for (char c : iso)
    if (c != '-' && c != ':') amz += c;
  auto t = sigv4::ParseAmzDate(amz);
  if (!t) throw Fatal("bad time " + iso);
  return *t;
}

Config ConfigOf(const json::object& c) {
  Config config;
  Params p(c, "case");
  // Members read elsewhere.
  for (const char* k : {"name", "service", "operation", "params", "presign", "time", "paginate"})
    p.Take(k);
  // Whose call the case reproduces: it fixes botocore's parameter order
  // (see test_botocore_diff.py); libawslab has one order per operation.
  p.Take("caller");
  config.region = p.Str("region", "us-east-1");
  config.endpoint_url = p.Str("endpoint_url");
  std::string style = p.Str("addressing_style", "auto");
  if (style == "auto") config.addressing_style = AddressingStyle::kAuto;
  else if (style == "path") config.addressing_style = AddressingStyle::kPath;
  else if (style == "virtual") config.addressing_style = AddressingStyle::kVirtual;
  else throw Fatal("unknown addressing_style " + style);
  if (auto cred = p.Object("credentials")) {
    config.credentials.access_key_id = cred->Str("access_key_id");
    config.credentials.secret_access_key = cred->Str("secret_access_key");
    config.credentials.session_token = cred->Str("session_token");
    cred->Done();
  }
  p.Done();
  return config;
}

template <class T>
T Need(Result<T> r, const char* what) {
  if (!r) throw Fatal(std::string(what) + ": " + r.error().ToString());
  return std::move(*r);
}

std::string Required(Params& p, std::string_view k) {
  if (!p.Has(k)) throw Fatal("missing parameter " + std::string(k));
  return p.Str(k);
}

// ---------------------------------------------------------------------------
// S3

s3::PutObjectOptions PutOptions(Params& p) {
  s3::PutObjectOptions o;
  o.content_type = p.Str("ContentType");
  o.content_encoding = p.Str("ContentEncoding");
  o.content_disposition = p.Str("ContentDisposition");
  o.content_language = p.Str("ContentLanguage");
  o.cache_control = p.Str("CacheControl");
  if (const json::value* m = p.Take("Metadata")) {
    if (!m->is_object()) throw Fatal("Metadata is not an object");
    for (const auto& kv : m->as_object()) {
      if (!kv.value().is_string()) throw Fatal("Metadata values are strings");
      o.metadata[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  o.acl = p.Str("ACL");
  o.grant_full_control = p.Str("GrantFullControl");
  o.grant_read = p.Str("GrantRead");
  o.grant_read_acp = p.Str("GrantReadACP");
  o.grant_write_acp = p.Str("GrantWriteACP");
  o.storage_class = p.Str("StorageClass");
  o.tagging = p.Str("Tagging");
  return o;
}

s3::GetObjectOptions GetOptions(Params& p) {
  s3::GetObjectOptions o;
  o.range = p.Str("Range");
  o.if_match = p.Str("IfMatch");
  o.if_none_match = p.Str("IfNoneMatch");
  o.part_number = p.Int("PartNumber");
  o.response_content_type = p.Str("ResponseContentType");
  o.response_content_language = p.Str("ResponseContentLanguage");
  o.response_cache_control = p.Str("ResponseCacheControl");
  o.response_content_disposition = p.Str("ResponseContentDisposition");
  o.response_content_encoding = p.Str("ResponseContentEncoding");
  return o;
}

s3::PutAclOptions AclOptions(Params& p) {
  s3::PutAclOptions o;
  if (auto policy = p.Object("AccessControlPolicy")) {
    s3::AccessControlPolicy acp;
    for (Params& g : policy->Objects("Grants")) {
      s3::Grant grant;
      if (auto grantee = g.Object("Grantee")) {
        grant.grantee.display_name = grantee->Str("DisplayName");
        grant.grantee.email_address = grantee->Str("EmailAddress");
        grant.grantee.id = grantee->Str("ID");
        grant.grantee.type = grantee->Str("Type");
        grant.grantee.uri = grantee->Str("URI");
        grantee->Done();
      }
      grant.permission = g.Str("Permission");
      g.Done();
      acp.grants.push_back(grant);
    }
    if (auto owner = policy->Object("Owner")) {
      acp.owner.display_name = owner->Str("DisplayName");
      acp.owner.id = owner->Str("ID");
      owner->Done();
    }
    policy->Done();
    o.policy = acp;
  }
  o.acl = p.Str("ACL");
  o.grant_full_control = p.Str("GrantFullControl");
  o.grant_read = p.Str("GrantRead");
  o.grant_read_acp = p.Str("GrantReadACP");
  o.grant_write = p.Str("GrantWrite");
  o.grant_write_acp = p.Str("GrantWriteACP");
  return o;
}

// Runs one S3 operation; returns the call's error (empty on success).
std::string RunS3(S3Client& s3c, const std::string& op, Params& p) {
  auto status = [](const auto& r) { return r ? std::string() : r.error().ToString(); };
  if (op == "ListBuckets") {
    p.Done();
    return status(s3c.ListBuckets());
  }
  std::string bucket = Required(p, "Bucket");
  if (op == "CreateBucket") {
    s3::CreateBucketOptions o;
    // botocore sends a CreateBucketConfiguration only when given one.
    o.location_constraint = "";
    if (auto cfg = p.Object("CreateBucketConfiguration")) {
      o.location_constraint = cfg->Str("LocationConstraint");
      cfg->Done();
    }
    o.acl = p.Str("ACL");
    o.grant_full_control = p.Str("GrantFullControl");
    o.grant_read = p.Str("GrantRead");
    o.grant_read_acp = p.Str("GrantReadACP");
    o.grant_write = p.Str("GrantWrite");
    o.grant_write_acp = p.Str("GrantWriteACP");
    o.object_ownership = p.Str("ObjectOwnership");
    p.Done();
    return status(s3c.CreateBucket(bucket, o));
  }
  if (op == "HeadBucket") {
    p.Done();
    return status(s3c.HeadBucket(bucket));
  }
  if (op == "DeleteBucket") {
    p.Done();
    return status(s3c.DeleteBucket(bucket));
  }
  if (op == "GetBucketLocation") {
    p.Done();
    return status(s3c.GetBucketLocation(bucket));
  }
  if (op == "GetBucketAcl") {
    p.Done();
    return status(s3c.GetBucketAcl(bucket));
  }
  if (op == "PutBucketAcl") {
    auto o = AclOptions(p);
    p.Done();
    return status(s3c.PutBucketAcl(bucket, o));
  }
  if (op == "GetBucketPolicy") {
    p.Done();
    return status(s3c.GetBucketPolicy(bucket));
  }
  if (op == "DeleteBucketPolicy") {
    p.Done();
    return status(s3c.DeleteBucketPolicy(bucket));
  }
  if (op == "PutBucketPolicy") {
    std::string policy = Required(p, "Policy");
    p.Done();
    return status(s3c.PutBucketPolicy(bucket, policy));
  }
  if (op == "GetBucketTagging") {
    p.Done();
    return status(s3c.GetBucketTagging(bucket));
  }
  if (op == "DeleteBucketTagging") {
    p.Done();
    return status(s3c.DeleteBucketTagging(bucket));
  }
  if (op == "PutBucketTagging") {
    std::vector<s3::Tag> tags;
    if (auto t = p.Object("Tagging")) {
      for (Params& tag : t->Objects("TagSet")) {
        tags.push_back({tag.Str("Key"), tag.Str("Value")});
        tag.Done();
      }
      t->Done();
    }
    p.Done();
    return status(s3c.PutBucketTagging(bucket, tags));
  }
  if (op == "ListObjects" || op == "ListObjectsV2") {
    s3::ListObjectsOptions o;
    o.prefix = p.Str("Prefix");
    o.delimiter = p.Str("Delimiter");
    o.max_keys = p.Int("MaxKeys");
    // libawslab always asks for encoding-type=url, as botocore does when
    // the caller names none.
    if (std::string e = p.Str("EncodingType", "url"); e != "url")
      throw Fatal("EncodingType other than url is not in libawslab's API");
    if (op == "ListObjects") {
      o.marker = p.Str("Marker");
      p.Done();
      return status(s3c.ListObjects(bucket, o));
    }
    o.continuation_token = p.Str("ContinuationToken");
    o.start_after = p.Str("StartAfter");
    o.fetch_owner = p.Bool("FetchOwner").value_or(false);
    p.Done();
    return status(s3c.ListObjectsV2(bucket, o));
  }
  if (op == "DeleteObjects") {
    std::vector<std::string> keys;
    bool quiet = false;
    if (auto d = p.Object("Delete")) {
      for (Params& obj : d->Objects("Objects")) {
        keys.push_back(Required(obj, "Key"));
        obj.Done();
      }
      quiet = d->Bool("Quiet").value_or(false);
      d->Done();
    }
    p.Done();
    return status(s3c.DeleteObjects(bucket, keys, quiet));
  }
  if (op == "ListMultipartUploads") {
    s3::ListMultipartUploadsOptions o;
    o.prefix = p.Str("Prefix");
    o.delimiter = p.Str("Delimiter");
    o.key_marker = p.Str("KeyMarker");
    o.upload_id_marker = p.Str("UploadIdMarker");
    o.max_uploads = p.Int("MaxUploads");
    p.Done();
    return status(s3c.ListMultipartUploads(bucket, o));
  }

  std::string key = Required(p, "Key");
  if (op == "PutObject") {
    std::string body = p.Str("Body");
    auto o = PutOptions(p);
    p.Done();
    return status(s3c.PutObject(bucket, key, std::string_view(body), o));
  }
  if (op == "GetObject") {
    auto o = GetOptions(p);
    p.Done();
    return status(s3c.GetObject(bucket, key, o));
  }
  if (op == "HeadObject") {
    auto o = GetOptions(p);
    p.Done();
    return status(s3c.HeadObject(bucket, key, o));
  }
  if (op == "DeleteObject") {
    p.Done();
    return status(s3c.DeleteObject(bucket, key));
  }
  if (op == "CopyObject") {
    s3::CopyObjectOptions o;
    std::string src_bucket, src_key;
    if (auto src = p.Object("CopySource")) {
      src_bucket = Required(*src, "Bucket");
      src_key = Required(*src, "Key");
      o.source_version_id = src->Str("VersionId");
      src->Done();
    } else {
      throw Fatal("CopySource must be a {Bucket, Key} object");
    }
    o.metadata_directive = p.Str("MetadataDirective");
    o.tagging_directive = p.Str("TaggingDirective");
    o.copy_source_if_match = p.Str("CopySourceIfMatch");
    o.copy_source_if_none_match = p.Str("CopySourceIfNoneMatch");
    o.replace = PutOptions(p);
    p.Done();
    return status(s3c.CopyObject(src_bucket, src_key, bucket, key, o));
  }
  if (op == "GetObjectAcl") {
    p.Done();
    return status(s3c.GetObjectAcl(bucket, key));
  }
  if (op == "PutObjectAcl") {
    auto o = AclOptions(p);
    p.Done();
    return status(s3c.PutObjectAcl(bucket, key, o));
  }
  if (op == "PutObjectTagging") {
    std::vector<s3::Tag> tags;
    if (auto t = p.Object("Tagging")) {
      for (Params& tag : t->Objects("TagSet")) {
        tags.push_back({tag.Str("Key"), tag.Str("Value")});
        tag.Done();
      }
      t->Done();
    }
    p.Done();
    return status(s3c.PutObjectTagging(bucket, key, tags));
  }
  if (op == "GetObjectTagging") {
    p.Done();
    return status(s3c.GetObjectTagging(bucket, key));
  }
  if (op == "CreateMultipartUpload") {
    auto o = PutOptions(p);
    p.Done();
    return status(s3c.CreateMultipartUpload(bucket, key, o));
  }
  std::string upload_id = Required(p, "UploadId");
  if (op == "UploadPart") {
    auto part = p.Int("PartNumber");
    if (!part) throw Fatal("missing parameter PartNumber");
    std::string body = p.Str("Body");
    p.Done();
    StringSource source(body);
    return status(s3c.UploadPart(bucket, key, upload_id, *part, source));
  }
  if (op == "CompleteMultipartUpload") {
    std::vector<s3::CompletedPart> parts;
    if (auto mu = p.Object("MultipartUpload")) {
      for (Params& part : mu->Objects("Parts")) {
        s3::CompletedPart cp;
        cp.etag = part.Str("ETag");
        cp.part_number = part.Int("PartNumber").value_or(0);
        part.Done();
        parts.push_back(cp);
      }
      mu->Done();
    }
    p.Done();
    return status(s3c.CompleteMultipartUpload(bucket, key, upload_id, parts));
  }
  if (op == "AbortMultipartUpload") {
    p.Done();
    return status(s3c.AbortMultipartUpload(bucket, key, upload_id));
  }
  if (op == "ListParts") {
    s3::ListPartsOptions o;
    o.max_parts = p.Int("MaxParts");
    o.part_number_marker = p.Int("PartNumberMarker");
    p.Done();
    return status(s3c.ListParts(bucket, key, upload_id, o));
  }
  throw Fatal("S3 operation " + op + " is not mapped by sigdump");
}

// ---------------------------------------------------------------------------
// EC2

std::vector<ec2::Filter> Filters(Params& p) {
  std::vector<ec2::Filter> out;
  for (Params& f : p.Objects("Filters")) {
    out.push_back({f.Str("Name"), f.Strings("Values")});
    f.Done();
  }
  return out;
}

std::vector<ec2::Tag> Tags(std::vector<Params> list) {
  std::vector<ec2::Tag> out;
  for (Params& t : list) {
    out.push_back({t.Str("Key"), t.Str("Value")});
    t.Done();
  }
  return out;
}

std::vector<ec2::TagSpecification> TagSpecs(Params& p) {
  std::vector<ec2::TagSpecification> out;
  for (Params& s : p.Objects("TagSpecifications")) {
    ec2::TagSpecification spec;
    spec.resource_type = s.Str("ResourceType");
    spec.tags = Tags(s.Objects("Tags"));
    s.Done();
    out.push_back(std::move(spec));
  }
  return out;
}

// The tags of a call whose API takes a plain tag list for one resource type.
std::vector<ec2::Tag> TagsFor(Params& p, const std::string& resource_type) {
  auto specs = TagSpecs(p);
  if (specs.empty()) return {};
  if (specs.size() != 1 || specs[0].resource_type != resource_type)
    throw Fatal("TagSpecifications other than one for " + resource_type +
                " are not in libawslab's API for this call");
  return specs[0].tags;
}

std::vector<ec2::IpPermission> Permissions(Params& p) {
  std::vector<ec2::IpPermission> out;
  for (Params& perm : p.Objects("IpPermissions")) {
    ec2::IpPermission ip;
    ip.from_port = perm.Int("FromPort");
    ip.ip_protocol = perm.Str("IpProtocol");
    for (Params& r : perm.Objects("IpRanges")) {
      ip.ip_ranges.push_back({r.Str("CidrIp"), r.Str("Description")});
      r.Done();
    }
    for (Params& r : perm.Objects("Ipv6Ranges")) {
      ip.ipv6_ranges.push_back({r.Str("CidrIpv6"), r.Str("Description")});
      r.Done();
    }
    ip.to_port = perm.Int("ToPort");
    for (Params& g : perm.Objects("UserIdGroupPairs")) {
      ip.user_id_group_pairs.push_back(
          {g.Str("Description"), g.Str("GroupId"), g.Str("GroupName"), g.Str("UserId")});
      g.Done();
    }
    perm.Done();
    out.push_back(std::move(ip));
  }
  return out;
}

std::string RunEc2(ec2::Ec2Client& c, const std::string& op, Params& p) {
  auto status = [](const auto& r) { return r ? std::string() : r.error().ToString(); };
  if (op == "DescribeInstances") {
    ec2::DescribeInstancesRequest r;
    r.filters = Filters(p);
    r.instance_ids = p.Strings("InstanceIds");
    r.dry_run = p.Bool("DryRun");
    r.max_results = p.Int("MaxResults");
    r.next_token = p.Str("NextToken");
    p.Done();
    return status(c.DescribeInstances(r));
  }
  if (op == "RunInstances") {
    ec2::RunInstancesRequest r;
    for (Params& b : p.Objects("BlockDeviceMappings")) {
      ec2::BlockDeviceMappingSpec spec;
      spec.device_name = b.Str("DeviceName");
      if (auto ebs = b.Object("Ebs")) {
        spec.delete_on_termination = ebs->Bool("DeleteOnTermination");
        spec.volume_size = ebs->Int("VolumeSize");
        spec.volume_type = ebs->Str("VolumeType");
        spec.iops = ebs->Int("Iops");
        ebs->Done();
      }
      b.Done();
      r.block_device_mappings.push_back(spec);
    }
    r.image_id = p.Str("ImageId");
    r.instance_type = p.Str("InstanceType");
    r.key_name = p.Str("KeyName");
    r.max_count = p.Int("MaxCount").value_or(1);
    r.min_count = p.Int("MinCount").value_or(1);
    if (auto pl = p.Object("Placement")) {
      r.availability_zone = pl->Str("AvailabilityZone");
      pl->Done();
    }
    r.security_group_ids = p.Strings("SecurityGroupIds");
    r.security_groups = p.Strings("SecurityGroups");
    r.subnet_id = p.Str("SubnetId");
    // Given as the instance sees it: both botocore (a handler) and
    // libawslab base64-encode it.
    r.user_data = p.Str("UserData");
    r.client_token = p.Str("ClientToken");
    r.dry_run = p.Bool("DryRun");
    r.tag_specifications = TagSpecs(p);
    p.Done();
    return status(c.RunInstances(r));
  }
  if (op == "StartInstances" || op == "StopInstances" || op == "TerminateInstances" ||
      op == "RebootInstances") {
    auto ids = p.Strings("InstanceIds");
    auto dry = p.Bool("DryRun");
    std::optional<bool> force;
    if (op == "StopInstances") force = p.Bool("Force");
    p.Done();
    if (op == "StartInstances") return status(c.StartInstances(ids, dry));
    if (op == "StopInstances") return status(c.StopInstances(ids, force, dry));
    if (op == "TerminateInstances") return status(c.TerminateInstances(ids, dry));
    return status(c.RebootInstances(ids, dry));
  }
  if (op == "CreateKeyPair") {
    ec2::CreateKeyPairRequest r;
    r.key_name = p.Str("KeyName");
    r.dry_run = p.Bool("DryRun");
    r.key_type = p.Str("KeyType");
    r.tags = TagsFor(p, "key-pair");
    r.key_format = p.Str("KeyFormat");
    p.Done();
    return status(c.CreateKeyPair(r));
  }
  if (op == "AuthorizeSecurityGroupIngress") {
    ec2::IngressRequest r;
    r.group_id = p.Str("GroupId");
    r.group_name = p.Str("GroupName");
    r.ip_permissions = Permissions(p);
    r.dry_run = p.Bool("DryRun");
    p.Done();
    return status(c.AuthorizeSecurityGroupIngress(r));
  }
  if (op == "AllocateAddress") {
    ec2::AllocateAddressRequest r;
    r.domain = p.Str("Domain");  // botocore sends none unless given
    r.dry_run = p.Bool("DryRun");
    r.tags = TagsFor(p, "elastic-ip");
    p.Done();
    return status(c.AllocateAddress(r));
  }
  if (op == "AssociateAddress") {
    ec2::AssociateAddressRequest r;
    r.allocation_id = p.Str("AllocationId");
    r.instance_id = p.Str("InstanceId");
    r.public_ip = p.Str("PublicIp");
    r.allow_reassociation = p.Bool("AllowReassociation");
    r.dry_run = p.Bool("DryRun");
    r.network_interface_id = p.Str("NetworkInterfaceId");
    r.private_ip_address = p.Str("PrivateIpAddress");
    p.Done();
    return status(c.AssociateAddress(r));
  }
  if (op == "CreateVolume") {
    ec2::CreateVolumeRequest r;
    r.availability_zone = p.Str("AvailabilityZone");
    r.encrypted = p.Bool("Encrypted");
    r.iops = p.Int("Iops");
    r.size = p.Int("Size");
    r.snapshot_id = p.Str("SnapshotId");
    r.volume_type = p.Str("VolumeType");
    r.dry_run = p.Bool("DryRun");
    r.tags = TagsFor(p, "volume");
    r.throughput = p.Int("Throughput");
    r.client_token = p.Str("ClientToken");
    p.Done();
    return status(c.CreateVolume(r));
  }
  if (op == "CreateTags") {
    auto resources = p.Strings("Resources");
    auto tags = Tags(p.Objects("Tags"));
    auto dry = p.Bool("DryRun");
    p.Done();
    return status(c.CreateTags(resources, tags, dry));
  }
  if (op == "DescribeRegions") {
    ec2::DescribeRegionsRequest r;
    r.filters = Filters(p);
    r.region_names = p.Strings("RegionNames");
    r.dry_run = p.Bool("DryRun");
    r.all_regions = p.Bool("AllRegions");
    p.Done();
    return status(c.DescribeRegions(r));
  }
  throw Fatal("EC2 operation " + op + " is not mapped by sigdump");
}

// ---------------------------------------------------------------------------
// Cost Explorer

ce::DimensionValues DimensionValuesOf(Params& p) {
  ce::DimensionValues d;
  d.key = p.Str("Key");
  d.values = p.Strings("Values");
  d.match_options = p.Strings("MatchOptions");
  p.Done();
  return d;
}

ce::Expression ExpressionOf(Params& p) {
  ce::Expression e;
  for (Params& sub : p.Objects("Or")) e.or_.push_back(ExpressionOf(sub));
  for (Params& sub : p.Objects("And")) e.and_.push_back(ExpressionOf(sub));
  if (auto n = p.Object("Not")) e.not_ = std::make_shared<ce::Expression>(ExpressionOf(*n));
  if (auto d = p.Object("Dimensions")) e.dimensions = DimensionValuesOf(*d);
  if (auto t = p.Object("Tags")) e.tags = DimensionValuesOf(*t);
  if (auto cc = p.Object("CostCategories")) e.cost_categories = DimensionValuesOf(*cc);
  p.Done();
  return e;
}

std::string RunCe(ce::CostExplorerClient& c, const std::string& op, Params& p) {
  if (op != "GetCostAndUsage") throw Fatal("Cost Explorer operation " + op + " is not mapped");
  ce::GetCostAndUsageRequest r;
  if (auto tp = p.Object("TimePeriod")) {
    r.time_period.start = tp->Str("Start");
    r.time_period.end = tp->Str("End");
    tp->Done();
  }
  r.granularity = p.Str("Granularity");  // botocore sends none unless given
  if (auto f = p.Object("Filter")) r.filter = ExpressionOf(*f);
  r.metrics = p.Strings("Metrics");
  for (Params& g : p.Objects("GroupBy")) {
    r.group_by.push_back({g.Str("Type"), g.Str("Key")});
    g.Done();
  }
  r.next_page_token = p.Str("NextPageToken");
  p.Done();
  auto result = c.GetCostAndUsage(r);
  return result ? std::string() : result.error().ToString();
}

// ---------------------------------------------------------------------------

// Page `pages` of ListObjectsPaginator (the recorder answers the pages
// before with the case's truncated answer).
std::string RunPaginator(S3Client& s3c, const std::string& op, Params& p, int pages,
                         std::optional<int> page_size) {
  std::string bucket = Required(p, "Bucket");
  s3::ListObjectsOptions o;
  o.prefix = p.Str("Prefix");
  o.delimiter = p.Str("Delimiter");
  o.max_keys = page_size;
  s3::ListVersion version;
  if (op == "ListObjectsV2") {
    version = s3::ListVersion::kV2;
    o.start_after = p.Str("StartAfter");
    o.fetch_owner = p.Bool("FetchOwner").value_or(false);
  } else if (op == "ListObjects") {
    version = s3::ListVersion::kV1;
  } else {
    throw Fatal("no paginator for " + op + " in sigdump");
  }
  p.Done();
  ListObjectsPaginator paginator(s3c, bucket, o, version);
  for (int n = 1; n <= pages; ++n) {
    auto page = paginator.NextPage();
    if (!page) return page.error().ToString();
  }
  return {};
}

std::string MethodOf(const std::string& op) {
  if (op == "GetObject") return "GET";
  if (op == "PutObject") return "PUT";
  if (op == "HeadObject") return "HEAD";
  if (op == "DeleteObject") return "DELETE";
  throw Fatal("presigning " + op + " is not mapped by sigdump");
}

std::string QueryParam(std::string_view query, std::string_view name) {
  std::size_t pos = 0;
  while (pos <= query.size()) {
    std::size_t amp = query.find('&', pos);
    if (amp == query.npos) amp = query.size();
    std::string_view pair = query.substr(pos, amp - pos);
    std::size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) return sigv4::UriDecode(eq == pair.npos ? "" : pair.substr(eq + 1));
    pos = amp + 1;
  }
  return {};
}

// The canonical request of a presigned URL as a server recomputes it.
std::string PresignCanonical(const std::string& url, const std::string& method,
                             const std::vector<sigv4::Header>& headers) {
  std::size_t scheme_end = url.find("://");
  std::size_t path_start = url.find('/', scheme_end + 3);
  std::size_t q = url.find('?', path_start);
  sigv4::HttpRequest request;
  request.method = method;
  request.path = url.substr(path_start, q == url.npos ? url.npos : q - path_start);
  request.query = q == url.npos ? "" : url.substr(q + 1);
  request.headers.push_back({"Host", url.substr(scheme_end + 3, path_start - scheme_end - 3)});
  for (const sigv4::Header& h : headers) request.headers.push_back(h);
  std::vector<std::string> signed_headers;
  std::string list = QueryParam(request.query, "X-Amz-SignedHeaders");
  for (std::size_t pos = 0; pos <= list.size();) {
    std::size_t semi = list.find(';', pos);
    if (semi == list.npos) semi = list.size();
    if (semi > pos) signed_headers.push_back(list.substr(pos, semi - pos));
    pos = semi + 1;
  }
  return sigv4::CanonicalRequest(request, signed_headers, sigv4::kUnsignedPayload, false,
                                 {"X-Amz-Signature"});
}

json::object RunCase(const json::object& c) {
  json::object out;
  const json::value* name = c.if_contains("name");
  if (!name || !name->is_string()) throw Fatal("a case without a name");
  out["name"] = name->as_string();
  std::string service(c.at("service").as_string());
  std::string op(c.at("operation").as_string());
  const json::value* time = c.if_contains("time");
  if (time && !time->is_string()) throw Fatal("time is not a string");
  auto now = ParseTime(time ? std::string(time->as_string()) : kDefaultTime);
  Config config = ConfigOf(c);
  if (config.credentials.access_key_id.empty()) {
    config.credentials.access_key_id = kDefaultAccessKeyId;
    config.credentials.secret_access_key = kDefaultSecretAccessKey;
  }

  // Paginated cases: the pages before the one compared are answered with
  // the case's truncated answer.
  int pages = 1;
  std::optional<int> page_size;
  std::string truncated_answer;
  if (const json::value* pg = c.if_contains("paginate")) {
    Params pp(pg->as_object(), "paginate");
    pages = pp.Int("pages").value_or(1);
    page_size = pp.Int("page_size");
    truncated_answer = pp.Str("truncated_answer");
    pp.Done();
  }

  std::vector<Recorded> recorded;
  auto http = Need(HttpClient::Create({}), "HttpClient");
  auto caller = std::make_shared<Caller>(config, http, [now] { return now; });
  Canned canned = CannedFor(service, op);
  caller->set_transport([&](const Url& origin, const sigv4::HttpRequest& request,
                            BodySource* body, BodySink* sink) -> Result<HttpResponse> {
    recorded.push_back({origin, request, ReadAll(body)});
    const std::string& answer = static_cast<int>(recorded.size()) < pages ? truncated_answer
                                                                          : canned.body;
    HttpResponse response;
    response.status = 200;
    response.headers = canned.headers;
    response.headers.push_back({"Content-Length", std::to_string(answer.size())});
    if (sink && request.method != "HEAD") {
      if (auto s = sink->Write(answer); !s) return s.error();
    } else if (request.method != "HEAD") {
      response.body = answer;
    }
    return response;
  });

  json::object empty;
  const json::value* pv = c.if_contains("params");
  Params p(pv && pv->is_object() ? pv->as_object() : empty, "params");
  std::string error;
  if (service == "s3") {
    S3Client s3c = Need(S3Client::Create(caller), "S3Client::Create");
    if (const json::value* presign = c.if_contains("presign")) {
      std::chrono::seconds expires(presign->at("expires").as_int64());
      std::string method = MethodOf(op);
      std::string bucket = Required(p, "Bucket");
      std::string key = Required(p, "Key");
      std::vector<sigv4::Header> headers;
      if (auto ct = p.OptStr("ContentType")) headers.push_back({"Content-Type", *ct});
      p.Done();
      // The dedicated calls when they can say it all, Presign otherwise.
      Result<std::string> url =
          headers.empty() && method == "GET"   ? s3c.PresignGetObject(bucket, key, expires)
          : headers.empty() && method == "PUT" ? s3c.PresignPutObject(bucket, key, expires)
                                               : s3c.Presign(method, bucket, key, expires, headers);
      if (!url) {
        out["error"] = url.error().ToString();
        return out;
      }
      out["presigned_url"] = *url;
      out["canonical_request"] = PresignCanonical(*url, method, headers);
      out["signature"] = QueryParam(url->substr(url->find('?') + 1), "X-Amz-Signature");
      return out;
    }
    if (c.contains("paginate"))
      error = RunPaginator(s3c, op, p, pages, page_size);
    else
      error = RunS3(s3c, op, p);
  } else if (service == "ec2") {
    // The library's own endpoint choice, on our caller.
    auto probe = Need(ec2::Ec2Client::Create(config, http), "Ec2Client::Create");
    ec2::Ec2Client client(caller, probe.endpoint());
    error = RunEc2(client, op, p);
  } else if (service == "ce") {
    auto probe = Need(ce::CostExplorerClient::Create(config, http), "CostExplorerClient::Create");
    ce::CostExplorerClient client(caller, probe.endpoint());
    error = RunCe(client, op, p);
  } else {
    throw Fatal("unknown service " + service);
  }
  if (!error.empty()) out["error"] = error;
  json::array requests;
  for (const Recorded& r : recorded) requests.push_back(RequestJson(r, service == "s3"));
  out["requests"] = std::move(requests);
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::string text;
  if (argc > 1) {
    std::ifstream in(argv[1], std::ios::binary);
    if (!in) {
      std::cerr << "awslab-sigdump: cannot read " << argv[1] << "\n";
      return 2;
    }
    text.assign(std::istreambuf_iterator<char>(in), {});
  } else {
    text.assign(std::istreambuf_iterator<char>(std::cin), {});
  }
  boost::system::error_code ec;
  json::value cases = json::parse(text, ec);
  if (ec || !cases.is_array()) {
    std::cerr << "awslab-sigdump: the input is not a JSON array of cases\n";
    return 2;
  }
  json::array results;
  for (const json::value& c : cases.as_array()) {
    if (!c.is_object()) {
      std::cerr << "awslab-sigdump: a case is not an object\n";
      return 2;
    }
    try {
      results.push_back(RunCase(c.as_object()));
    } catch (const std::exception& e) {  // Fatal, or a malformed case (json's at())
      json::object o;
      const json::value* name = c.as_object().if_contains("name");
      o["name"] = name && name->is_string() ? name->as_string() : json::string("?");
      o["fatal"] = e.what();
      results.push_back(std::move(o));
    }
  }
  std::cout << json::serialize(results) << "\n";
  return 0;
}
