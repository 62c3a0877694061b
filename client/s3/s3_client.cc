// S3Client's operations: each builds the request botocore 1.29.27 builds
// for it (checked by capturing botocore's requests: query parameter names
// and order, headers, XML bodies, Content-MD5) and reads S3's answer.
//
// Query parameters, and the members of XML bodies, are in the order botocore
// sends them when it is given the parameters in the order of the
// operation's input shape in its model (the order of `aws s3api`), since
// botocore's rest serializer follows the caller's order. Two callers are
// followed instead, being the real users of those calls: UploadPart sends
// s3transfer's order (upload_part(Bucket, Key, UploadId, PartNumber, Body):
// "uploadId, partNumber"), and ListObjectsPaginator sends what botocore's
// paginator sends for `aws s3 ls` (list_objects_v2(Bucket, Prefix,
// Delimiter), then MaxKeys, then ContinuationToken). encoding-type=url comes
// last (added by botocore's handler). The order never changes a signature:
// the canonical query is sorted.
//
// Payload signing (botocore's S3SigV4Auth): over http every body's SHA-256
// is signed; over https PutObject and UploadPart, which carry Content-MD5,
// are UNSIGNED-PAYLOAD. Content-MD5 is sent where botocore sends it: PutObject,
// UploadPart (conditionally_calculate_md5) and the operations whose model
// requires a checksum (DeleteObjects, Put{Bucket,Object}Acl, PutBucketPolicy,
// Put{Bucket,Object}Tagging), also for an empty body. botocore's
// "Expect: 100-continue" is not sent (it is not signed; the HttpClient does
// not wait for 100 Continue).
//
// Thread-safety: see s3.h; nothing here keeps state between calls.
#include <pugixml.hpp>

#include "client/include/awslab/crypto.h"
#include "client/include/awslab/s3.h"
#include "client/include/awslab/sigv4.h"

namespace awslab::client {

// One operation's request (S3Client::Op is it; free helpers take this).
struct S3Request {
  std::string method = "GET";
  std::string bucket, key;
  // name, value (nullopt: a bare sub-resource such as "acl"); encoded when sent.
  std::vector<std::pair<std::string, std::optional<std::string>>> query;
  std::vector<sigv4::Header> headers;
  BodySource* body = nullptr;
  BodySink* sink = nullptr;
  bool content_md5 = false;       // send Content-MD5 of the body
  bool streaming_input = false;   // PutObject, UploadPart
  bool unsigned_payload = false;  // the body is read once (no digests)
  bool force_path = false;        // GetBucketLocation
};
struct S3Client::Op : S3Request {};

namespace {

using s3::ObjectInfo;

constexpr const char* kXmlNs = "http://s3.amazonaws.com/doc/2006-03-01/";
constexpr const char* kEmptyMd5 = "1B2M2Y8AsgTpgAmY7PhCfg==";

// Escapes text as Python's ElementTree does (what botocore's serializer
// writes): & < > only.
std::string XmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string Element(std::string_view name, std::string_view text) {
  return "<" + std::string(name) + ">" + XmlEscape(text) + "</" + std::string(name) + ">";
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 412: return "Precondition Failed";
    case 416: return "Requested Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

std::string BuildQuery(const std::vector<std::pair<std::string, std::optional<std::string>>>& q) {
  std::string out;
  for (const auto& [name, value] : q) {
    if (!out.empty()) out += '&';
    out += sigv4::UriEncode(name, true);
    if (value) out += "=" + sigv4::UriEncode(*value, true);
  }
  return out;
}

std::string Text(const pugi::xml_node& n) { return n.text().as_string(); }

// "%2B+a" -> "+ a": urllib's unquote_plus, which botocore applies to keys of
// lists asked for with encoding-type=url.
std::string UnquotePlus(std::string_view s) {
  std::string spaced(s);
  for (char& c : spaced)
    if (c == '+') c = ' ';
  return sigv4::UriDecode(spaced);
}

Result<pugi::xml_document*> ParseXml(const HttpResponse& response, pugi::xml_document& doc) {
  if (!doc.load_buffer(response.body.data(), response.body.size()))
    return MakeError(codes::kBadResponse, "S3's answer is not XML: " + response.body.substr(0, 200),
                     response.status);
  return &doc;
}

s3::Owner ParseOwner(const pugi::xml_node& n) {
  return {Text(n.child("ID")), Text(n.child("DisplayName"))};
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

ObjectInfo ParseObjectInfo(const HttpResponse& r) {
  ObjectInfo info;
  info.status = r.status;
  info.headers = r.headers;
  for (const sigv4::Header& h : r.headers) {
    std::string name = ToLower(h.name);
    if (name == "content-length") info.content_length = std::strtoull(h.value.c_str(), nullptr, 10);
    else if (name == "content-type") info.content_type = h.value;
    else if (name == "etag") info.etag = h.value;
    else if (name == "last-modified") info.last_modified = h.value;
    else if (name == "content-range") info.content_range = h.value;
    else if (name == "content-encoding") info.content_encoding = h.value;
    else if (name == "content-disposition") info.content_disposition = h.value;
    else if (name == "content-language") info.content_language = h.value;
    else if (name == "cache-control") info.cache_control = h.value;
    else if (name == "expires") info.expires = h.value;
    else if (name == "x-amz-storage-class") info.storage_class = h.value;
    else if (name == "accept-ranges") info.accept_ranges = h.value;
    else if (name == "x-amz-mp-parts-count") info.parts_count = std::atoi(h.value.c_str());
    else if (name == "x-amz-tagging-count") info.tagging_count = std::atoi(h.value.c_str());
    else if (name == "x-amz-version-id") info.version_id = h.value;
    else if (name == "x-amz-request-id") info.request_id = h.value;
    else if (name.starts_with("x-amz-meta-")) info.metadata[name.substr(11)] = h.value;
  }
  return info;
}

std::string RequestId(const HttpResponse& r) {
  const std::string* id = r.Header("x-amz-request-id");
  return id ? *id : std::string();
}

void AddHeader(std::vector<sigv4::Header>& headers, std::string name, const std::string& value) {
  if (!value.empty()) headers.push_back({std::move(name), value});
}

void AddPutHeaders(std::vector<sigv4::Header>& h, const s3::PutObjectOptions& o) {
  AddHeader(h, "x-amz-acl", o.acl);
  AddHeader(h, "Cache-Control", o.cache_control);
  AddHeader(h, "Content-Disposition", o.content_disposition);
  AddHeader(h, "Content-Encoding", o.content_encoding);
  AddHeader(h, "Content-Language", o.content_language);
  AddHeader(h, "Content-Type", o.content_type);
  AddHeader(h, "Expires", o.expires);
  AddHeader(h, "x-amz-grant-full-control", o.grant_full_control);
  AddHeader(h, "x-amz-grant-read", o.grant_read);
  AddHeader(h, "x-amz-grant-read-acp", o.grant_read_acp);
  AddHeader(h, "x-amz-grant-write-acp", o.grant_write_acp);
  for (const auto& [name, value] : o.metadata) h.push_back({"x-amz-meta-" + name, value});
  AddHeader(h, "x-amz-storage-class", o.storage_class);
  AddHeader(h, "x-amz-tagging", o.tagging);
  for (const sigv4::Header& x : o.extra_headers) h.push_back(x);
}

void AddGetHeaders(S3Request& op, const s3::GetObjectOptions& o);

// The AccessControlPolicy body. botocore writes a structure's members in the
// order the caller's dict has them; this is the order of the model's members
// (what a round trip of botocore's parsed GetBucketAcl gives): Grants
// (AccessControlList) before Owner, DisplayName before ID, Grantee's
// DisplayName, EmailAddress, ID, URI.
std::string AclBody(const s3::AccessControlPolicy& p) {
  std::string b = std::string("<AccessControlPolicy xmlns=\"") + kXmlNs + "\"><AccessControlList>";
  for (const s3::Grant& g : p.grants) {
    b += "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"" +
         XmlEscape(g.grantee.type) + "\">";
    if (!g.grantee.display_name.empty()) b += Element("DisplayName", g.grantee.display_name);
    if (!g.grantee.email_address.empty()) b += Element("EmailAddress", g.grantee.email_address);
    if (!g.grantee.id.empty()) b += Element("ID", g.grantee.id);
    if (!g.grantee.uri.empty()) b += Element("URI", g.grantee.uri);
    b += "</Grantee>" + Element("Permission", g.permission) + "</Grant>";
  }
  b += "</AccessControlList>";
  if (!p.owner.id.empty() || !p.owner.display_name.empty()) {
    b += "<Owner>";
    if (!p.owner.display_name.empty()) b += Element("DisplayName", p.owner.display_name);
    if (!p.owner.id.empty()) b += Element("ID", p.owner.id);
    b += "</Owner>";
  }
  b += "</AccessControlPolicy>";
  return b;
}

Result<s3::AccessControlPolicy> ParseAcl(const HttpResponse& r) {
  pugi::xml_document doc;
  if (auto p = ParseXml(r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("AccessControlPolicy");
  if (!root) return MakeError(codes::kBadResponse, "no AccessControlPolicy in the answer");
  s3::AccessControlPolicy policy;
  policy.owner = ParseOwner(root.child("Owner"));
  for (pugi::xml_node g : root.child("AccessControlList").children("Grant")) {
    s3::Grant grant;
    pugi::xml_node grantee = g.child("Grantee");
    for (pugi::xml_attribute a : grantee.attributes()) {
      std::string_view name = a.name();
      if (name == "type" || name.ends_with(":type")) grant.grantee.type = a.value();
    }
    grant.grantee.id = Text(grantee.child("ID"));
    grant.grantee.display_name = Text(grantee.child("DisplayName"));
    grant.grantee.email_address = Text(grantee.child("EmailAddress"));
    grant.grantee.uri = Text(grantee.child("URI"));
    grant.permission = Text(g.child("Permission"));
    policy.grants.push_back(std::move(grant));
  }
  return policy;
}

std::string TaggingBody(const std::vector<s3::Tag>& tags) {
  std::string b = std::string("<Tagging xmlns=\"") + kXmlNs + "\"><TagSet>";
  for (const s3::Tag& t : tags) b += "<Tag>" + Element("Key", t.key) + Element("Value", t.value) + "</Tag>";
  return b + "</TagSet></Tagging>";
}

Result<std::vector<s3::Tag>> ParseTagging(const HttpResponse& r) {
  pugi::xml_document doc;
  if (auto p = ParseXml(r, doc); !p) return p.error();
  std::vector<s3::Tag> tags;
  for (pugi::xml_node t : doc.child("Tagging").child("TagSet").children("Tag"))
    tags.push_back({Text(t.child("Key")), Text(t.child("Value"))});
  return tags;
}

void AddAclHeaders(S3Request& op, const s3::PutAclOptions& acl) {
  AddHeader(op.headers, "x-amz-acl", acl.acl);
  AddHeader(op.headers, "x-amz-grant-full-control", acl.grant_full_control);
  AddHeader(op.headers, "x-amz-grant-read", acl.grant_read);
  AddHeader(op.headers, "x-amz-grant-read-acp", acl.grant_read_acp);
  AddHeader(op.headers, "x-amz-grant-write", acl.grant_write);
  AddHeader(op.headers, "x-amz-grant-write-acp", acl.grant_write_acp);
}

// S3 may answer CopyObject and CompleteMultipartUpload with 200 and an
// <Error> body (the failure came after the headers); botocore turns that
// into an error too.
std::optional<Error> ErrorIn200(const HttpResponse& r) {
  std::size_t first = r.body.find_first_not_of(" \t\r\n");
  if (first == r.body.npos) return std::nullopt;
  std::string_view rest = std::string_view(r.body).substr(first);
  if (rest.starts_with("<?xml")) {
    std::size_t end = rest.find("?>");
    if (end != rest.npos) rest = rest.substr(end + 2);
    std::size_t lt = rest.find('<');
    if (lt != rest.npos) rest = rest.substr(lt);
  }
  if (!rest.starts_with("<Error>")) return std::nullopt;
  HttpResponse copy = r;
  copy.status = 500;  // retryable, as botocore treats it
  Error e = ErrorFromResponse(copy);
  e.http_status = r.status;
  return e;
}

}  // namespace

Status S3Client::SendForStatus(Op& op) {
  auto r = Send(op);
  if (!r) return r.error();
  return {};
}

Result<HttpResponse> S3Client::Send(Op& op) {
  auto address = AddressFor(op.bucket, op.key, op.force_path, false);
  if (!address) return address.error();
  Call call;
  call.method = op.method;
  call.origin = address->origin;
  call.path = address->path;
  call.query = BuildQuery(op.query);
  call.headers = std::move(op.headers);
  call.body = op.body;
  call.sink = op.sink;
  call.signing_service = "s3";
  call.signing_region = region() == "aws-global" ? "us-east-1" : region();
  call.s3 = true;

  bool sign = config().sign;
  bool https = call.origin.tls();
  if (op.unsigned_payload) {
    call.payload_hash = std::string(sigv4::kUnsignedPayload);
  } else {
    bool unsigned_body = https && op.streaming_input && op.content_md5;
    if (unsigned_body) call.payload_hash = std::string(sigv4::kUnsignedPayload);
    bool want_sha = sign && !unsigned_body;
    if (op.content_md5 || want_sha) {
      if (op.body) {
        auto d = DigestBody(*op.body, want_sha, op.content_md5);
        if (!d) return d.error();
        if (op.content_md5) call.headers.push_back({"Content-MD5", d->md5_base64});
        if (want_sha) call.payload_hash = d->sha256_hex;
      } else {
        if (op.content_md5) call.headers.push_back({"Content-MD5", kEmptyMd5});
        if (want_sha) call.payload_hash = std::string(sigv4::kEmptySha256);
      }
    }
  }
  auto response = caller_->Send(call);
  if (!response) {
    Error e = response.error();
    if (e.message.empty() && e.http_status > 0) e.message = ReasonPhrase(e.http_status);
    return e;
  }
  return response;
}

// ---- buckets ----

Result<s3::ListBucketsResult> S3Client::ListBuckets() {
  Op op;
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("ListAllMyBucketsResult");
  s3::ListBucketsResult out;
  out.owner = ParseOwner(root.child("Owner"));
  for (pugi::xml_node b : root.child("Buckets").children("Bucket"))
    out.buckets.push_back(
        {Text(b.child("Name")), Text(b.child("CreationDate")), Text(b.child("BucketRegion"))});
  return out;
}

Status S3Client::CreateBucket(const std::string& bucket, const s3::CreateBucketOptions& options) {
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  AddHeader(op.headers, "x-amz-acl", options.acl);
  AddHeader(op.headers, "x-amz-grant-full-control", options.grant_full_control);
  AddHeader(op.headers, "x-amz-grant-read", options.grant_read);
  AddHeader(op.headers, "x-amz-grant-read-acp", options.grant_read_acp);
  AddHeader(op.headers, "x-amz-grant-write", options.grant_write);
  AddHeader(op.headers, "x-amz-grant-write-acp", options.grant_write_acp);
  AddHeader(op.headers, "x-amz-object-ownership", options.object_ownership);
  std::string constraint = options.location_constraint.value_or(
      region() == "us-east-1" || region() == "aws-global" ? std::string() : region());
  std::string body;
  if (!constraint.empty())
    body = std::string("<CreateBucketConfiguration xmlns=\"") + kXmlNs + "\">" +
           Element("LocationConstraint", constraint) + "</CreateBucketConfiguration>";
  StringSource source(body);
  if (!body.empty()) op.body = &source;
  return SendForStatus(op);
}

Status S3Client::DeleteBucket(const std::string& bucket) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  return SendForStatus(op);
}

Result<s3::HeadBucketResult> S3Client::HeadBucket(const std::string& bucket) {
  Op op;
  op.method = "HEAD";
  op.bucket = bucket;
  auto r = Send(op);
  if (!r) return r.error();
  s3::HeadBucketResult out;
  if (const std::string* region = r->Header("x-amz-bucket-region")) out.region = *region;
  return out;
}

Result<std::string> S3Client::GetBucketLocation(const std::string& bucket) {
  Op op;
  op.bucket = bucket;
  op.query = {{"location", std::nullopt}};
  op.force_path = true;
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  return Text(doc.child("LocationConstraint"));
}

// ---- objects ----

Result<s3::PutObjectResult> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                                BodySource& body,
                                                const s3::PutObjectOptions& options) {
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.key = key;
  AddPutHeaders(op.headers, options);
  op.body = &body;
  op.streaming_input = true;
  op.content_md5 = options.content_md5;
  op.unsigned_payload = !options.content_md5;
  auto r = Send(op);
  if (!r) return r.error();
  s3::PutObjectResult out;
  if (const std::string* etag = r->Header("ETag")) out.etag = *etag;
  if (const std::string* v = r->Header("x-amz-version-id")) out.version_id = *v;
  out.request_id = RequestId(*r);
  return out;
}

Result<s3::PutObjectResult> S3Client::PutObject(const std::string& bucket, const std::string& key,
                                                std::string_view data,
                                                const s3::PutObjectOptions& options) {
  StringSource source(data);
  s3::PutObjectOptions o = options;
  o.content_md5 = true;  // memory can always be read twice
  return PutObject(bucket, key, source, o);
}

namespace {

void AddGetHeaders(S3Request& op, const s3::GetObjectOptions& o) {
  AddHeader(op.headers, "If-Match", o.if_match);
  AddHeader(op.headers, "If-Modified-Since", o.if_modified_since);
  AddHeader(op.headers, "If-None-Match", o.if_none_match);
  AddHeader(op.headers, "If-Unmodified-Since", o.if_unmodified_since);
  AddHeader(op.headers, "Range", o.range);
  auto q = [&op](const char* name, const std::string& v) {
    if (!v.empty()) op.query.push_back({name, v});
  };
  q("response-cache-control", o.response_cache_control);
  q("response-content-disposition", o.response_content_disposition);
  q("response-content-encoding", o.response_content_encoding);
  q("response-content-language", o.response_content_language);
  q("response-content-type", o.response_content_type);
  q("response-expires", o.response_expires);
  if (o.part_number) op.query.push_back({"partNumber", std::to_string(*o.part_number)});
}

}  // namespace

Result<s3::ObjectInfo> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                           BodySink& sink, const s3::GetObjectOptions& options) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  AddGetHeaders(op, options);
  op.sink = &sink;
  auto r = Send(op);
  if (!r) return r.error();
  return ParseObjectInfo(*r);
}

Result<s3::GetObjectResult> S3Client::GetObject(const std::string& bucket, const std::string& key,
                                                const s3::GetObjectOptions& options) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  AddGetHeaders(op, options);
  auto r = Send(op);
  if (!r) return r.error();
  s3::GetObjectResult out;
  static_cast<ObjectInfo&>(out) = ParseObjectInfo(*r);
  out.body = std::move(r->body);
  return out;
}

Result<s3::ObjectInfo> S3Client::HeadObject(const std::string& bucket, const std::string& key,
                                            const s3::GetObjectOptions& options) {
  Op op;
  op.method = "HEAD";
  op.bucket = bucket;
  op.key = key;
  AddGetHeaders(op, options);
  auto r = Send(op);
  if (!r) return r.error();
  return ParseObjectInfo(*r);
}

Status S3Client::DeleteObject(const std::string& bucket, const std::string& key) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  op.key = key;
  return SendForStatus(op);
}

Result<s3::DeleteObjectsResult> S3Client::DeleteObjects(const std::string& bucket,
                                                        const std::vector<std::string>& keys,
                                                        bool quiet) {
  std::string body = std::string("<Delete xmlns=\"") + kXmlNs + "\">";
  for (const std::string& k : keys) body += "<Object>" + Element("Key", k) + "</Object>";
  if (quiet) body += "<Quiet>true</Quiet>";
  body += "</Delete>";
  StringSource source(body);
  Op op;
  op.method = "POST";
  op.bucket = bucket;
  op.query = {{"delete", std::nullopt}};
  op.body = &source;
  op.content_md5 = true;
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  s3::DeleteObjectsResult out;
  pugi::xml_node root = doc.child("DeleteResult");
  for (pugi::xml_node d : root.children("Deleted"))
    out.deleted.push_back({Text(d.child("Key")), Text(d.child("VersionId"))});
  for (pugi::xml_node e : root.children("Error"))
    out.errors.push_back({Text(e.child("Key")), Text(e.child("VersionId")), Text(e.child("Code")),
                          Text(e.child("Message"))});
  return out;
}

Result<s3::CopyObjectResult> S3Client::CopyObject(const std::string& source_bucket,
                                                  const std::string& source_key,
                                                  const std::string& bucket, const std::string& key,
                                                  const s3::CopyObjectOptions& options) {
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.key = key;
  std::string source = source_bucket + "/" + s3::EncodeKey(source_key);
  if (!options.source_version_id.empty()) source += "?versionId=" + options.source_version_id;
  op.headers.push_back({"x-amz-copy-source", source});
  AddHeader(op.headers, "x-amz-copy-source-if-match", options.copy_source_if_match);
  AddHeader(op.headers, "x-amz-copy-source-if-modified-since", options.copy_source_if_modified_since);
  AddHeader(op.headers, "x-amz-copy-source-if-none-match", options.copy_source_if_none_match);
  AddHeader(op.headers, "x-amz-copy-source-if-unmodified-since",
            options.copy_source_if_unmodified_since);
  AddHeader(op.headers, "x-amz-metadata-directive", options.metadata_directive);
  AddHeader(op.headers, "x-amz-tagging-directive", options.tagging_directive);
  AddPutHeaders(op.headers, options.replace);
  auto r = Send(op);
  if (!r) return r.error();
  if (auto e = ErrorIn200(*r)) return *e;
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("CopyObjectResult");
  return s3::CopyObjectResult{Text(root.child("ETag")), Text(root.child("LastModified")),
                              RequestId(*r)};
}

// ---- listing ----

namespace {

s3::ListObjectsPage ParseListPage(const pugi::xml_node& root) {
  s3::ListObjectsPage page;
  bool url = Text(root.child("EncodingType")) == "url";
  auto dec = [url](std::string s) { return url ? UnquotePlus(s) : s; };
  page.name = Text(root.child("Name"));
  page.prefix = dec(Text(root.child("Prefix")));
  page.delimiter = dec(Text(root.child("Delimiter")));
  page.max_keys = root.child("MaxKeys").text().as_int();
  page.is_truncated = Text(root.child("IsTruncated")) == "true";
  page.marker = dec(Text(root.child("Marker")));
  page.next_marker = dec(Text(root.child("NextMarker")));
  page.continuation_token = Text(root.child("ContinuationToken"));
  page.next_continuation_token = Text(root.child("NextContinuationToken"));
  page.start_after = dec(Text(root.child("StartAfter")));
  page.key_count = root.child("KeyCount").text().as_int();
  for (pugi::xml_node c : root.children("Contents")) {
    s3::ObjectSummary o;
    o.key = dec(Text(c.child("Key")));
    o.last_modified = Text(c.child("LastModified"));
    o.etag = Text(c.child("ETag"));
    o.size = c.child("Size").text().as_ullong();
    o.storage_class = Text(c.child("StorageClass"));
    if (pugi::xml_node owner = c.child("Owner")) o.owner = ParseOwner(owner);
    page.contents.push_back(std::move(o));
  }
  for (pugi::xml_node p : root.children("CommonPrefixes"))
    page.common_prefixes.push_back(dec(Text(p.child("Prefix"))));
  return page;
}

}  // namespace

Result<s3::ListObjectsPage> S3Client::ListObjects(const std::string& bucket,
                                                  const s3::ListObjectsOptions& options) {
  return List(bucket, options, s3::ListVersion::kV1, false);
}

Result<s3::ListObjectsPage> S3Client::ListObjectsV2(const std::string& bucket,
                                                    const s3::ListObjectsOptions& options) {
  return List(bucket, options, s3::ListVersion::kV2, false);
}

Result<s3::ListObjectsPage> S3Client::List(const std::string& bucket,
                                           const s3::ListObjectsOptions& options,
                                           s3::ListVersion version, bool paginator_order) {
  Op op;
  op.bucket = bucket;
  auto q = [&op](const char* name, const std::string& v) {
    if (!v.empty()) op.query.push_back({name, v});
  };
  std::string max_keys = options.max_keys ? std::to_string(*options.max_keys) : std::string();
  std::string fetch_owner = options.fetch_owner ? "true" : "";
  if (version == s3::ListVersion::kV1) {
    if (!paginator_order) {  // the model's order
      q("delimiter", options.delimiter);
      q("marker", options.marker);
      q("max-keys", max_keys);
      q("prefix", options.prefix);
    } else {  // botocore's paginator: the caller's parameters, then MaxKeys, then Marker
      q("delimiter", options.delimiter);
      q("prefix", options.prefix);
      q("max-keys", max_keys);
      q("marker", options.marker);
    }
  } else {
    op.query.push_back({"list-type", "2"});  // part of the operation's URI
    if (!paginator_order) {  // the model's order
      q("delimiter", options.delimiter);
      q("max-keys", max_keys);
      q("prefix", options.prefix);
      q("continuation-token", options.continuation_token);
      q("fetch-owner", fetch_owner);
      q("start-after", options.start_after);
    } else {
      // aws s3 ls: list_objects_v2(Bucket, Prefix, Delimiter) through
      // botocore's paginator, which adds MaxKeys (the page size) and then
      // ContinuationToken from the second page on.
      q("prefix", options.prefix);
      q("delimiter", options.delimiter);
      q("fetch-owner", fetch_owner);
      q("start-after", options.start_after);
      q("max-keys", max_keys);
      q("continuation-token", options.continuation_token);
    }
  }
  // botocore's set_list_objects_encoding_type_url adds it after the caller's parameters.
  op.query.push_back({"encoding-type", "url"});
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("ListBucketResult");
  if (!root) return MakeError(codes::kBadResponse, "no ListBucketResult in the answer");
  return ParseListPage(root);
}

ListObjectsPaginator::ListObjectsPaginator(S3Client client, std::string bucket,
                                           s3::ListObjectsOptions options, s3::ListVersion version)
    : client_(std::move(client)),
      bucket_(std::move(bucket)),
      options_(std::move(options)),
      version_(version) {}

Result<s3::ListObjectsPage> ListObjectsPaginator::NextPage() {
  if (!more_) return MakeError(codes::kInvalidArgument, "no more pages");
  auto page = client_.List(bucket_, options_, version_, true);
  if (!page) {
    more_ = false;
    return page.error();
  }
  more_ = page->is_truncated;
  if (more_) {
    if (version_ == s3::ListVersion::kV2) {
      if (page->next_continuation_token.empty() ||
          page->next_continuation_token == options_.continuation_token) {
        more_ = false;
        return MakeError(codes::kBadResponse, "a truncated page without a new continuation token");
      }
      options_.continuation_token = page->next_continuation_token;
    } else {
      // botocore's output token: NextMarker || Contents[-1].Key
      std::string next = page->next_marker;
      if (next.empty() && !page->contents.empty()) next = page->contents.back().key;
      if (next.empty() || next == options_.marker) {
        more_ = false;
        return MakeError(codes::kBadResponse, "a truncated page without a new marker");
      }
      options_.marker = next;
    }
  }
  return page;
}

Status ListObjectsPaginator::ForEachPage(const std::function<bool(const s3::ListObjectsPage&)>& fn) {
  while (more_) {
    auto page = NextPage();
    if (!page) return page.error();
    if (!fn(*page)) break;
  }
  return {};
}

Status ListObjectsPaginator::ForEach(const std::function<bool(const s3::ObjectSummary&)>& object,
                                     const std::function<bool(const std::string&)>& prefix) {
  bool go = true;
  return ForEachPage([&](const s3::ListObjectsPage& page) {
    for (const s3::ObjectSummary& o : page.contents)
      if (object && !object(o)) return go = false;
    if (prefix)
      for (const std::string& p : page.common_prefixes)
        if (!prefix(p)) return go = false;
    return go;
  });
}

// ---- access control ----

namespace {

Status PutAcl(S3Request& op, const s3::PutAclOptions& acl,
              const std::function<Result<HttpResponse>()>& send) {
  op.method = "PUT";
  op.query = {{"acl", std::nullopt}};
  AddAclHeaders(op, acl);
  std::string body;
  if (acl.policy) body = AclBody(*acl.policy);
  StringSource source(body);
  if (acl.policy) op.body = &source;
  op.content_md5 = true;
  auto r = send();
  if (!r) return r.error();
  return {};
}

}  // namespace

Result<s3::AccessControlPolicy> S3Client::GetBucketAcl(const std::string& bucket) {
  Op op;
  op.bucket = bucket;
  op.query = {{"acl", std::nullopt}};
  auto r = Send(op);
  if (!r) return r.error();
  return ParseAcl(*r);
}

Status S3Client::PutBucketAcl(const std::string& bucket, const s3::PutAclOptions& acl) {
  Op op;
  op.bucket = bucket;
  return PutAcl(op, acl, [this, &op] { return Send(op); });
}

Result<s3::AccessControlPolicy> S3Client::GetObjectAcl(const std::string& bucket,
                                                       const std::string& key) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  op.query = {{"acl", std::nullopt}};
  auto r = Send(op);
  if (!r) return r.error();
  return ParseAcl(*r);
}

Status S3Client::PutObjectAcl(const std::string& bucket, const std::string& key,
                              const s3::PutAclOptions& acl) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  return PutAcl(op, acl, [this, &op] { return Send(op); });
}

Result<std::string> S3Client::GetBucketPolicy(const std::string& bucket) {
  Op op;
  op.bucket = bucket;
  op.query = {{"policy", std::nullopt}};
  auto r = Send(op);
  if (!r) return r.error();
  return std::move(r->body);
}

Status S3Client::PutBucketPolicy(const std::string& bucket, const std::string& policy_json) {
  StringSource source(policy_json);
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.query = {{"policy", std::nullopt}};
  op.body = &source;
  op.content_md5 = true;
  return SendForStatus(op);
}

Status S3Client::DeleteBucketPolicy(const std::string& bucket) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  op.query = {{"policy", std::nullopt}};
  return SendForStatus(op);
}

// ---- tagging ----

Result<std::vector<s3::Tag>> S3Client::GetBucketTagging(const std::string& bucket) {
  Op op;
  op.bucket = bucket;
  op.query = {{"tagging", std::nullopt}};
  auto r = Send(op);
  if (!r) return r.error();
  return ParseTagging(*r);
}

Status S3Client::PutBucketTagging(const std::string& bucket, const std::vector<s3::Tag>& tags) {
  std::string body = TaggingBody(tags);
  StringSource source(body);
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.query = {{"tagging", std::nullopt}};
  op.body = &source;
  op.content_md5 = true;
  return SendForStatus(op);
}

Status S3Client::DeleteBucketTagging(const std::string& bucket) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  op.query = {{"tagging", std::nullopt}};
  return SendForStatus(op);
}

Result<std::vector<s3::Tag>> S3Client::GetObjectTagging(const std::string& bucket,
                                                        const std::string& key) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  op.query = {{"tagging", std::nullopt}};
  auto r = Send(op);
  if (!r) return r.error();
  return ParseTagging(*r);
}

Status S3Client::PutObjectTagging(const std::string& bucket, const std::string& key,
                                  const std::vector<s3::Tag>& tags) {
  std::string body = TaggingBody(tags);
  StringSource source(body);
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"tagging", std::nullopt}};
  op.body = &source;
  op.content_md5 = true;
  return SendForStatus(op);
}

Status S3Client::DeleteObjectTagging(const std::string& bucket, const std::string& key) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"tagging", std::nullopt}};
  return SendForStatus(op);
}

// ---- multipart ----

Result<std::string> S3Client::CreateMultipartUpload(const std::string& bucket,
                                                    const std::string& key,
                                                    const s3::PutObjectOptions& options) {
  Op op;
  op.method = "POST";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"uploads", std::nullopt}};
  AddPutHeaders(op.headers, options);
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  std::string id = Text(doc.child("InitiateMultipartUploadResult").child("UploadId"));
  if (id.empty()) return MakeError(codes::kBadResponse, "no UploadId in the answer");
  return id;
}

Result<std::string> S3Client::UploadPart(const std::string& bucket, const std::string& key,
                                         const std::string& upload_id, int part_number,
                                         BodySource& body, bool content_md5) {
  Op op;
  op.method = "PUT";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"uploadId", upload_id}, {"partNumber", std::to_string(part_number)}};
  op.body = &body;
  op.streaming_input = true;
  op.content_md5 = content_md5;
  op.unsigned_payload = !content_md5;
  auto r = Send(op);
  if (!r) return r.error();
  const std::string* etag = r->Header("ETag");
  if (!etag) return MakeError(codes::kBadResponse, "no ETag in UploadPart's answer");
  return *etag;
}

Result<s3::CompleteMultipartUploadResult> S3Client::CompleteMultipartUpload(
    const std::string& bucket, const std::string& key, const std::string& upload_id,
    const std::vector<s3::CompletedPart>& parts) {
  std::string body = std::string("<CompleteMultipartUpload xmlns=\"") + kXmlNs + "\">";
  for (const s3::CompletedPart& p : parts)
    body += "<Part>" + Element("ETag", p.etag) +
            Element("PartNumber", std::to_string(p.part_number)) + "</Part>";
  body += "</CompleteMultipartUpload>";
  StringSource source(body);
  Op op;
  op.method = "POST";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"uploadId", upload_id}};
  op.body = &source;
  auto r = Send(op);
  if (!r) return r.error();
  if (auto e = ErrorIn200(*r)) return *e;
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("CompleteMultipartUploadResult");
  return s3::CompleteMultipartUploadResult{Text(root.child("Location")), Text(root.child("Bucket")),
                                           Text(root.child("Key")), Text(root.child("ETag")),
                                           RequestId(*r)};
}

Status S3Client::AbortMultipartUpload(const std::string& bucket, const std::string& key,
                                      const std::string& upload_id) {
  Op op;
  op.method = "DELETE";
  op.bucket = bucket;
  op.key = key;
  op.query = {{"uploadId", upload_id}};
  return SendForStatus(op);
}

Result<s3::ListPartsResult> S3Client::ListParts(const std::string& bucket, const std::string& key,
                                                const std::string& upload_id,
                                                const s3::ListPartsOptions& options) {
  Op op;
  op.bucket = bucket;
  op.key = key;
  if (options.max_parts) op.query.push_back({"max-parts", std::to_string(*options.max_parts)});
  if (options.part_number_marker)
    op.query.push_back({"part-number-marker", std::to_string(*options.part_number_marker)});
  op.query.push_back({"uploadId", upload_id});
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("ListPartsResult");
  s3::ListPartsResult out;
  out.bucket = Text(root.child("Bucket"));
  out.key = Text(root.child("Key"));
  out.upload_id = Text(root.child("UploadId"));
  out.is_truncated = Text(root.child("IsTruncated")) == "true";
  out.part_number_marker = root.child("PartNumberMarker").text().as_int();
  out.next_part_number_marker = root.child("NextPartNumberMarker").text().as_int();
  out.max_parts = root.child("MaxParts").text().as_int();
  out.storage_class = Text(root.child("StorageClass"));
  out.owner = ParseOwner(root.child("Owner"));
  out.initiator = ParseOwner(root.child("Initiator"));
  for (pugi::xml_node p : root.children("Part"))
    out.parts.push_back({p.child("PartNumber").text().as_int(), Text(p.child("ETag")),
                         p.child("Size").text().as_ullong(), Text(p.child("LastModified"))});
  return out;
}

Result<s3::ListMultipartUploadsResult> S3Client::ListMultipartUploads(
    const std::string& bucket, const s3::ListMultipartUploadsOptions& options) {
  Op op;
  op.bucket = bucket;
  op.query = {{"uploads", std::nullopt}};
  auto q = [&op](const char* name, const std::string& v) {
    if (!v.empty()) op.query.push_back({name, v});
  };
  q("delimiter", options.delimiter);
  q("key-marker", options.key_marker);
  if (options.max_uploads) op.query.push_back({"max-uploads", std::to_string(*options.max_uploads)});
  q("prefix", options.prefix);
  q("upload-id-marker", options.upload_id_marker);
  auto r = Send(op);
  if (!r) return r.error();
  pugi::xml_document doc;
  if (auto p = ParseXml(*r, doc); !p) return p.error();
  pugi::xml_node root = doc.child("ListMultipartUploadsResult");
  s3::ListMultipartUploadsResult out;
  out.bucket = Text(root.child("Bucket"));
  out.is_truncated = Text(root.child("IsTruncated")) == "true";
  out.next_key_marker = Text(root.child("NextKeyMarker"));
  out.next_upload_id_marker = Text(root.child("NextUploadIdMarker"));
  for (pugi::xml_node u : root.children("Upload"))
    out.uploads.push_back({Text(u.child("Key")), Text(u.child("UploadId")),
                           Text(u.child("Initiated")), Text(u.child("StorageClass")),
                           ParseOwner(u.child("Owner")), ParseOwner(u.child("Initiator"))});
  for (pugi::xml_node p : root.children("CommonPrefixes"))
    out.common_prefixes.push_back(Text(p.child("Prefix")));
  return out;
}

// ---- presigned URLs ----

Result<std::string> S3Client::Presign(const std::string& method, const std::string& bucket,
                                      const std::string& key, std::chrono::seconds expires,
                                      const std::vector<sigv4::Header>& headers) {
  if (expires.count() < 1 || expires.count() > 604800)
    return MakeError(codes::kInvalidArgument,
                     "a presigned URL expires after 1 to 604800 seconds (7 days)");
  auto address = AddressFor(bucket, key, false, true);
  if (!address) return address.error();
  Call call;
  call.method = method;
  call.origin = address->origin;
  call.path = address->path;
  call.headers = headers;
  call.signing_service = "s3";
  call.signing_region = region() == "aws-global" ? "us-east-1" : region();
  call.s3 = true;
  return caller_->Presign(call, expires);
}

Result<std::string> S3Client::PresignGetObject(const std::string& bucket, const std::string& key,
                                               std::chrono::seconds expires) {
  return Presign("GET", bucket, key, expires);
}

Result<std::string> S3Client::PresignPutObject(const std::string& bucket, const std::string& key,
                                               std::chrono::seconds expires) {
  return Presign("PUT", bucket, key, expires);
}

}  // namespace awslab::client
