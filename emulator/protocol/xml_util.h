// Small pugixml helpers shared by the S3 XML encoders and decoders.
#ifndef AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_
#define AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_

#include <pugixml.hpp>

#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"

namespace awslab::protocol::xml {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

// The document as sent. pugixml writes a carriage return in text as is, and
// an XML parser reads a raw one as a line end ("\n"): a key or value holding
// one would come back changed, so it is written as "&#13;" (as S3 does; raw
// ones can only be in text, since format_raw adds no line ends and attribute
// values escape theirs).
inline std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  std::string raw = out.str();
  if (raw.find('\r') == std::string::npos) return raw;
  std::string escaped;
  escaped.reserve(raw.size() + 16);
  for (char c : raw) {
    if (c == '\r') {
      escaped += "&#13;";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

// The XML declaration and the root element, in S3's namespace by default.
inline pugi::xml_node Root(pugi::xml_document& doc, const char* name,
                           bool with_namespace = true) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child(name);
  if (with_namespace) root.append_attribute("xmlns") = std::string(kS3Namespace).c_str();
  return root;
}

inline void Text(pugi::xml_node parent, const char* name, std::string_view value) {
  parent.append_child(name).text().set(std::string(value).c_str());
}

// How request bodies are read: pugixml's defaults, but an element whose only
// content is white space keeps it (<Key> </Key> is the key " ", as S3 reads
// it, not the empty key); white space between elements is still dropped.
inline constexpr unsigned kParseOptions = pugi::parse_default | pugi::parse_ws_pcdata_single;

// Parses `body`; MalformedXML unless its root element is `root_name`.
inline Result<pugi::xml_node> LoadRoot(pugi::xml_document& doc, std::string_view body,
                                       std::string_view root_name,
                                       ErrorCode malformed = ErrorCode::kMalformedXML) {
  if (!doc.load_buffer(body.data(), body.size(), kParseOptions)) return MakeError(malformed);
  auto root = doc.document_element();
  if (std::string_view(root.name()) != root_name) return MakeError(malformed);
  return root;
}

// Strict readers for request bodies (bucket configurations), defined in
// xml_util.cc. Each refusal is S3's MalformedXML.

// The MalformedXML error, without a message.
Error Malformed();

// An element's name without its namespace prefix ("s3:CORSRule" is CORSRule).
std::string_view LocalName(const pugi::xml_node& node);

// Whether `s` is empty or only spaces, tabs, carriage returns and line feeds.
bool IsBlank(std::string_view s);

// `v` without the white space IsBlank knows at either end.
std::string_view Trim(std::string_view v);

// The text of a value element (comments and processing instructions
// skipped); nullopt when it holds an element.
std::optional<std::string> ValueOf(const pugi::xml_node& element);

// The element children of `parent`, or nullopt when it holds text that is not
// white space.
std::optional<std::vector<pugi::xml_node>> ElementsOf(const pugi::xml_node& parent);

// Reads the value elements of `parent` into the slots named; MalformedXML for
// an unknown element, a repeated one, or one that holds elements.
Status ReadValues(const pugi::xml_node& parent,
                  std::initializer_list<std::pair<std::string_view, std::optional<std::string>*>>
                      slots);

// Parses `body` with kParseOptions and returns the element children of its
// root (nodes of `doc`); MalformedXML unless it parses, the root's local name
// is `root_name`, and the root holds no text other than white space.
Result<std::vector<pugi::xml_node>> RootElements(pugi::xml_document& doc, std::string_view body,
                                                 std::string_view root_name);

// Text for an error document. An error may echo what the request sent (a
// header's or a query's value, a copy source, an access key id), which need
// not be UTF-8 and may hold control characters XML 1.0 has no place for, not
// even as a character reference: each such byte or character becomes U+FFFD,
// so that every client's XML parser reads the error and its code.
inline std::string ErrorText(std::string_view s) {
  static constexpr std::string_view kReplacement = "\xEF\xBF\xBD";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;  // the length of a well-formed sequence (RFC 3629)
    unsigned char lo = 0x80, hi = 0xBF;  // the range of its second byte
    if (c < 0x80) n = (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? 1 : 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) n = 3, lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
    else if (c >= 0xF0 && c <= 0xF4) n = 4, lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
    for (std::size_t k = 1; k < n; ++k) {
      const unsigned char ck = i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
      if (ck < (k == 1 ? lo : 0x80) || ck > (k == 1 ? hi : 0xBF)) n = 0;
    }
    // U+FFFE and U+FFFF are not XML characters either.
    if (n == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        static_cast<unsigned char>(s[i + 2]) >= 0xBE)
      n = 0;
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace awslab::protocol::xml

#endif  // AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_
