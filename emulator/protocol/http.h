// HTTP requests and responses as the service layers see them: plain values,
// no Beast. The net layer fills a Request from the wire and sends a Response.
#ifndef AWSLAB_EMULATOR_PROTOCOL_HTTP_H_
#define AWSLAB_EMULATOR_PROTOCOL_HTTP_H_

#include <unistd.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "client/include/awslab/sigv4.h"

namespace awslab::protocol {

struct Request {
  sigv4::HttpRequest raw;  // method, raw path and query, headers as on the wire
  std::string path;        // the decoded path
  // Decoded query parameters in order ('+' is a space, as S3 decodes them).
  std::vector<std::pair<std::string, std::string>> query;
  std::string host;  // the Host header without the port
  std::string remote_address;
  std::optional<std::uint64_t> content_length;  // absent with chunked transfer
  bool has_body = false;
  std::string request_id;  // x-amz-request-id of the response
  std::string host_id;     // x-amz-id-2 of the response

  // Case-insensitive; the first header of that name.
  const std::string* Header(std::string_view name) const;
  const std::string* Query(std::string_view name) const;
  bool HasQuery(std::string_view name) const { return Query(name) != nullptr; }
};

// Decodes %XX escapes (and '+' as a space when plus_is_space) into out;
// false on a malformed or truncated escape.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out);

// Fills path, query and host from raw. False when the target cannot be parsed
// or its path does not decode to UTF-8 (S3: 400 InvalidURI).
bool ParseTarget(Request& request);

// File regions sent one after another as a response body (an object made
// of parts is several files). Owns the descriptors.
struct FileBody {
  struct Segment {
    int fd = -1;
    std::uint64_t offset = 0;
    std::uint64_t size = 0;
  };
  FileBody() = default;
  ~FileBody() {
    for (const Segment& s : segments)
      if (s.fd >= 0) ::close(s.fd);
  }
  FileBody(const FileBody&) = delete;
  FileBody& operator=(const FileBody&) = delete;
  void Add(int fd, std::uint64_t offset, std::uint64_t length) {
    segments.push_back({fd, offset, length});
    size += length;
  }
  std::vector<Segment> segments;
  std::uint64_t size = 0;  // the sum of the segments' sizes
  // Applied to each block as it is read, before it is sent (an SSE-C object
  // is decrypted there); `offset` is where the block lies in this body.
  // Empty: the blocks are sent as read.
  std::function<void(std::uint64_t offset, char* data, std::size_t size)> transform;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, the body is this file region instead (Content-Length = size).
  std::unique_ptr<FileBody> file;
  // For HEAD: the Content-Length to announce with no body sent.
  std::optional<std::uint64_t> head_content_length;
  bool close_connection = false;

  void SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
  }
};

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_HTTP_H_
