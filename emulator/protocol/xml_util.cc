#include "emulator/protocol/xml_util.h"

namespace awslab::protocol::xml {

Error Malformed() { return MakeError(ErrorCode::kMalformedXML); }

std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string_view Trim(std::string_view v) {
  while (!v.empty() && IsBlank(v.substr(0, 1))) v.remove_prefix(1);
  while (!v.empty() && IsBlank(v.substr(v.size() - 1))) v.remove_suffix(1);
  return v;
}

std::optional<std::string> ValueOf(const pugi::xml_node& element) {
  std::string out;
  for (const pugi::xml_node& child : element.children()) {
    switch (child.type()) {
      case pugi::node_pcdata:
      case pugi::node_cdata: out += child.value(); break;
      case pugi::node_comment:
      case pugi::node_pi: break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::optional<std::vector<pugi::xml_node>> ElementsOf(const pugi::xml_node& parent) {
  std::vector<pugi::xml_node> out;
  for (const pugi::xml_node& child : parent.children()) {
    if (child.type() == pugi::node_element) out.push_back(child);
    else if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
             !IsBlank(child.value()))
      return std::nullopt;
  }
  return out;
}

Status ReadValues(const pugi::xml_node& parent,
                  std::initializer_list<std::pair<std::string_view, std::optional<std::string>*>>
                      slots) {
  auto elements = ElementsOf(parent);
  if (!elements) return Malformed();
  for (const pugi::xml_node& e : *elements) {
    bool known = false;
    for (const auto& [name, slot] : slots) {
      if (LocalName(e) != name) continue;
      known = true;
      if (slot->has_value()) return Malformed();
      auto v = ValueOf(e);
      if (!v) return Malformed();
      *slot = std::move(*v);
    }
    if (!known) return Malformed();
  }
  return Ok();
}

Result<std::vector<pugi::xml_node>> RootElements(pugi::xml_document& doc, std::string_view body,
                                                 std::string_view root_name) {
  if (!doc.load_buffer(body.data(), body.size(), kParseOptions)) return Malformed();
  pugi::xml_node root = doc.document_element();
  if (LocalName(root) != root_name) return Malformed();
  auto elements = ElementsOf(root);
  if (!elements) return Malformed();
  return std::move(*elements);
}

}  // namespace awslab::protocol::xml
