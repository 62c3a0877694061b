// A request written as the SigV4 test suite's request.txt (request line,
// headers, a blank line, the body), parsed for the SigV4 fuzzers. Lines end
// at '\n' ('\r' stays in values); a line starting with a space or tab
// continues the previous header's value.
#ifndef AWSLAB_TESTS_FUZZ_REQUEST_TEXT_H_
#define AWSLAB_TESTS_FUZZ_REQUEST_TEXT_H_

#include <string>
#include <string_view>

#include "client/include/awslab/sigv4.h"

namespace awslab::fuzz {

struct RequestText {
  sigv4::HttpRequest request;
  std::string body;
};

inline RequestText ParseRequestText(std::string_view in) {
  RequestText p;
  std::size_t nl = in.find('\n');
  std::string_view line = in.substr(0, nl);
  in = nl == in.npos ? std::string_view() : in.substr(nl + 1);
  if (std::size_t v = line.rfind(" HTTP/"); v != line.npos) line = line.substr(0, v);
  std::size_t sp = line.find(' ');
  p.request.method = std::string(line.substr(0, sp));
  std::string_view target = sp == line.npos ? std::string_view() : line.substr(sp + 1);
  std::size_t q = target.find('?');
  p.request.path = std::string(target.substr(0, q));
  if (q != target.npos) p.request.query = std::string(target.substr(q + 1));
  while (!in.empty()) {
    nl = in.find('\n');
    line = in.substr(0, nl);
    in = nl == in.npos ? std::string_view() : in.substr(nl + 1);
    if (line.empty()) {
      p.body = std::string(in);
      break;
    }
    if ((line[0] == ' ' || line[0] == '\t') && !p.request.headers.empty()) {
      p.request.headers.back().value += '\n';
      p.request.headers.back().value += line;
      continue;
    }
    std::size_t colon = line.find(':');
    p.request.headers.push_back(
        {std::string(line.substr(0, colon)),
         colon == line.npos ? std::string() : std::string(line.substr(colon + 1))});
  }
  return p;
}

}  // namespace awslab::fuzz

#endif  // AWSLAB_TESTS_FUZZ_REQUEST_TEXT_H_
