#include "emulator/protocol/cors_xml.h"

#include <pugixml.hpp>

#include <charconv>
#include <sstream>

#include "emulator/protocol/s3_xml.h"
#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::ElementsOf;
using xml::LocalName;
using xml::Malformed;
using xml::Trim;
using xml::ValueOf;

Result<s3::CorsRule> ParseRule(const pugi::xml_node& node) {
  auto elements = ElementsOf(node);
  if (!elements) return Malformed();
  s3::CorsRule rule;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    auto value = ValueOf(e);
    if (!value) return Malformed();
    if (name == "ID") {
      if (rule.id) return Malformed();
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
      if (rule.max_age_seconds) return Malformed();
      // An xsd:int: whitespace around it is allowed.
      std::string_view v = Trim(*value);
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      // Digits only: no sign, fraction, exponent or unit.
      if (v.empty() || v[0] == '-' || ec != std::errc() || end != v.data() + v.size())
        return Malformed();
      rule.max_age_seconds = n;
    } else {
      return Malformed();
    }
  }
  return rule;
}

}  // namespace

Result<s3::CorsConfiguration> ParseCorsConfiguration(std::string_view body) {
  pugi::xml_document doc;
  auto elements = xml::RootElements(doc, body, "CORSConfiguration");
  if (!elements) return elements.error();
  s3::CorsConfiguration config;
  for (const pugi::xml_node& e : *elements) {
    if (LocalName(e) != "CORSRule") return Malformed();
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
