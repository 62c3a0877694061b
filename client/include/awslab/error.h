// Errors as values: every call of libawslab returns a Result<T> that holds
// either the value or an Error with AWS's code, message, HTTP status and
// request id.
//
// Thread-safety: plain values.
#ifndef AWSLAB_CLIENT_INCLUDE_AWSLAB_ERROR_H_
#define AWSLAB_CLIENT_INCLUDE_AWSLAB_ERROR_H_

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <string>

namespace awslab::client {

// Codes the library itself gives when there is no AWS answer. An AWS answer
// carries AWS's own code ("NoSuchBucket", "InvalidInstanceID.NotFound").
namespace codes {
inline constexpr const char* kConnection = "ConnectionError";      // refused, reset, DNS
inline constexpr const char* kTimeout = "Timeout";                 // connect or read
inline constexpr const char* kTls = "SSLError";                    // handshake, verification
inline constexpr const char* kNoCredentials = "NoCredentials";
inline constexpr const char* kInvalidConfig = "InvalidConfiguration";
inline constexpr const char* kInvalidArgument = "InvalidArgument";  // a caller's mistake
inline constexpr const char* kIo = "IOError";                       // a local file or stream
inline constexpr const char* kBadResponse = "BadResponse";          // an answer we cannot read
inline constexpr const char* kCancelled = "Cancelled";              // the caller asked to stop
}  // namespace codes

struct Error {
  Error() = default;  // not an aggregate: Result<std::string> must not take a string as an Error
  std::string code;
  std::string message;
  int http_status = 0;     // 0: no HTTP answer
  std::string request_id;  // x-amz-request-id or the body's RequestId
  std::string host_id;     // S3's x-amz-id-2
  // A retry could not replay the request (a consumed stream), so the error
  // stands even though it was retryable.
  bool stream_consumed = false;

  // "NoSuchBucket: The specified bucket does not exist (HTTP 404, request id ...)"
  std::string ToString() const;
};

Error MakeError(std::string code, std::string message, int http_status = 0);

template <class T>
using Result = boost::system::result<T, Error>;
using Status = Result<void>;

// For Result<T>::value() on an error: throws std::runtime_error(e.ToString()).
[[noreturn]] void throw_exception_from_error(const Error& e, const boost::source_location& loc);

}  // namespace awslab::client

#endif  // AWSLAB_CLIENT_INCLUDE_AWSLAB_ERROR_H_
