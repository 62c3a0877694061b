// A streaming multipart/form-data parser (RFC 7578, RFC 2046 section 5.1):
// the body of a browser's form upload is fed in pieces of any size, and each
// part's data reaches the listener as it arrives, so a file of any size
// passes through in constant memory (the parser keeps at most one delimiter's
// length of bytes between calls).
//
// Thread-safety: one parser belongs to one request.
#ifndef AWSLAB_EMULATOR_PROTOCOL_MULTIPART_FORM_H_
#define AWSLAB_EMULATOR_PROTOCOL_MULTIPART_FORM_H_

#include <optional>
#include <string>
#include <string_view>

#include "emulator/base/error.h"

namespace awslab::protocol {

// The boundary of a "multipart/form-data; boundary=..." Content-Type (quotes
// removed); nullopt when the type is another one or names no boundary (1 to
// 70 characters).
std::optional<std::string> FormDataBoundary(std::string_view content_type);

// What a part's header says.
struct FormPart {
  std::string name;                     // Content-Disposition's name
  std::optional<std::string> filename;  // Content-Disposition's filename, when given
  std::string content_type;             // the part's Content-Type; empty when absent
};

class FormListener {
 public:
  virtual ~FormListener() = default;
  // A part begins; false stops the parse (Feed returns Ok and ignores the
  // rest of the body).
  virtual bool OnPartBegin(const FormPart& part) = 0;
  // The next bytes of the current part; false stops the parse.
  virtual bool OnPartData(std::string_view data) = 0;
  // The current part ended; false stops the parse.
  virtual bool OnPartEnd() = 0;
};

class MultipartFormParser {
 public:
  MultipartFormParser(std::string boundary, FormListener& listener);

  // The next bytes of the body. MalformedPOSTRequest when they are not
  // multipart/form-data (a part header without Content-Disposition form-data
  // or a name, a header longer than kMaxPartHeader, no CRLF after a
  // delimiter). After an error or a stop, further bytes are ignored.
  Status Feed(std::string_view data);
  // The body ended: Ok when the closing delimiter was seen or the listener
  // stopped the parse; MalformedPOSTRequest otherwise.
  Status Finish() const;

  bool done() const { return state_ == State::kDone; }

  static constexpr std::size_t kMaxPartHeader = 16 * 1024;

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeader, kData, kDone, kFailed };
  Status Fail();
  // Reads a part's header lines and tells the listener; MalformedPOSTRequest
  // without a Content-Disposition form-data with a name.
  Status BeginPart(std::string_view header);

  std::string delimiter_;  // "\r\n--" + boundary
  FormListener& listener_;
  State state_ = State::kPreamble;
  std::string buffer_;  // bytes not yet consumed
};

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_MULTIPART_FORM_H_
