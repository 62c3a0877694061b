#include "emulator/protocol/cors_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <sstream>

#include "emulator/protocol/s3_xml.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

// An element's name without its namespace prefix ("s3:CORSRule" is CORSRule).
std::string_view LocalName(const pugi::xml_node& node) {
  std::string_view name = node.name();
  std::size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The text of a value element; nullopt when it holds an element.
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

// The children of `parent` that are elements, or nullopt when it holds text
// that is not whitespace.
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

Result<s3::CorsRule> ParseRule(const pugi::xml_node& node) {
  auto malformed = [] { return MakeError(ErrorCode::kMalformedXML); };
  auto elements = ElementsOf(node);
  if (!elements) return malformed();
  s3::CorsRule rule;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    auto value = ValueOf(e);
    if (!value) return malformed();
    if (name == "ID") {
      if (rule.id) return malformed();
      rule.id = std::move(*value);
    } else if (name == "AllowedOrigin") {
      rule.allowed_origins.push_back(std::move(*value));
    } else if (name == "AllowedMethod") {
      rule.allowed_methods.push_back(std::move(*value));
    } else if (name == "AllowedHeader") {
      rule.allowed_headers.push_back(std::move(*value));
    } else if (name == "ExposeHeader") {
      rule.expose_headers.push_back(std::move(*value));
    } else if (name == "MaxAgeSeconds") {
      if (rule.max_age_seconds) return malformed();
      // An xsd:int: whitespace around it is allowed.
      std::string_view v = *value;
      while (!v.empty() && IsBlank(v.substr(0, 1))) v.remove_prefix(1);
      while (!v.empty() && IsBlank(v.substr(v.size() - 1))) v.remove_suffix(1);
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      // Digits only: no sign, fraction, exponent or unit.
      if (v.empty() || v[0] == '-' || ec != std::errc() || end != v.data() + v.size())
        return malformed();
      rule.max_age_seconds = n;
    } else {
      return malformed();
    }
  }
  return rule;
}

}  // namespace

Result<s3::CorsConfiguration> ParseCorsConfiguration(std::string_view body) {
  auto malformed = [] { return MakeError(ErrorCode::kMalformedXML); };
  pugi::xml_document doc;
  if (!doc.load_buffer(body.data(), body.size(), xml::kParseOptions)) return malformed();
  pugi::xml_node root = doc.document_element();
  if (LocalName(root) != "CORSConfiguration") return malformed();
  auto elements = ElementsOf(root);
  if (!elements) return malformed();
  s3::CorsConfiguration config;
  for (const pugi::xml_node& e : *elements) {
    if (LocalName(e) != "CORSRule") return malformed();
    auto rule = ParseRule(e);
    if (!rule) return rule.error();
    config.rules.push_back(std::move(*rule));
  }
  if (Status st = s3::ValidateCorsConfiguration(config); !st) return st.error();
  return config;
}

std::string CorsConfigurationXml(const s3::CorsConfiguration& config) {
  pugi::xml_document doc;
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  auto root = doc.append_child("CORSConfiguration");
  root.append_attribute("xmlns") = std::string(kS3Namespace).c_str();
  auto text = [](pugi::xml_node parent, const char* name, const std::string& value) {
    parent.append_child(name).text().set(value.c_str());
  };
  for (const s3::CorsRule& rule : config.rules) {
    auto r = root.append_child("CORSRule");
    if (rule.id) text(r, "ID", *rule.id);
    for (const auto& v : rule.allowed_methods) text(r, "AllowedMethod", v);
    for (const auto& v : rule.allowed_origins) text(r, "AllowedOrigin", v);
    for (const auto& v : rule.allowed_headers) text(r, "AllowedHeader", v);
    if (rule.max_age_seconds) text(r, "MaxAgeSeconds", std::to_string(*rule.max_age_seconds));
    for (const auto& v : rule.expose_headers) text(r, "ExposeHeader", v);
  }
  return xml::Serialize(doc);
}

}  // namespace awslab::protocol
