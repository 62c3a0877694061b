// Small pugixml helpers shared by the S3 XML encoders and decoders.
#ifndef AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_
#define AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_

#include <pugixml.hpp>

#include <sstream>
#include <string>
#include <string_view>

#include "emulator/base/error.h"

namespace awslab::protocol::xml {

inline constexpr std::string_view kS3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

inline std::string Serialize(const pugi::xml_document& doc) {
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw, pugi::encoding_utf8);
  return out.str();
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

// Parses `body`; MalformedXML unless its root element is `root_name`.
inline Result<pugi::xml_node> LoadRoot(pugi::xml_document& doc, std::string_view body,
                                       std::string_view root_name,
                                       ErrorCode malformed = ErrorCode::kMalformedXML) {
  if (!doc.load_buffer(body.data(), body.size())) return MakeError(malformed);
  auto root = doc.document_element();
  if (std::string_view(root.name()) != root_name) return MakeError(malformed);
  return root;
}

}  // namespace awslab::protocol::xml

#endif  // AWSLAB_EMULATOR_PROTOCOL_XML_UTIL_H_
