#include "emulator/protocol/website_xml.h"

#include <pugixml.hpp>

#include <optional>

#include "emulator/protocol/xml_util.h"

namespace awslab::protocol {
namespace {

using xml::ElementsOf;
using xml::LocalName;
using xml::Malformed;
using xml::ReadValues;
using xml::ValueOf;

Result<s3::RoutingRule> ParseRule(const pugi::xml_node& node) {
  auto elements = ElementsOf(node);
  if (!elements) return Malformed();
  s3::RoutingRule rule;
  bool has_redirect = false;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    if (name == "Condition") {
      if (rule.has_condition) return Malformed();
      rule.has_condition = true;
      if (Status st = ReadValues(e, {{"KeyPrefixEquals", &rule.key_prefix_equals},
                                     {"HttpErrorCodeReturnedEquals",
                                      &rule.http_error_code_returned_equals}});
          !st)
        return st.error();
    } else if (name == "Redirect") {
      if (has_redirect) return Malformed();
      has_redirect = true;
      s3::WebsiteRedirect& r = rule.redirect;
      if (Status st = ReadValues(e, {{"Protocol", &r.protocol},
                                     {"HostName", &r.host_name},
                                     {"ReplaceKeyPrefixWith", &r.replace_key_prefix_with},
                                     {"ReplaceKeyWith", &r.replace_key_with},
                                     {"HttpRedirectCode", &r.http_redirect_code}});
          !st)
        return st.error();
    } else {
      return Malformed();
    }
  }
  if (!has_redirect) return Malformed();
  return rule;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 412: return "Precondition Failed";
    case 416: return "Requested Range Not Satisfiable";
    case 500: return "Internal Server Error";
    default: return "Error";
  }
}

void ListItems(std::string& out, const Error& error) {
  out += "<li>Code: " + Escape(Describe(error.code).code) + "</li>\n";
  out += "<li>Message: " + Escape(error.Message()) + "</li>\n";
  for (const auto& [name, value] : error.details)
    out += "<li>" + Escape(name) + ": " + Escape(value) + "</li>\n";
}

}  // namespace

Result<s3::WebsiteConfiguration> ParseWebsiteConfiguration(std::string_view body) {
  pugi::xml_document doc;
  auto elements = xml::RootElements(doc, body, "WebsiteConfiguration");
  if (!elements) return elements.error();
  s3::WebsiteConfiguration config;
  bool has_error_document = false;
  for (const pugi::xml_node& e : *elements) {
    std::string_view name = LocalName(e);
    if (name == "IndexDocument") {
      if (config.has_index_document) return Malformed();
      config.has_index_document = true;
      if (Status st = ReadValues(e, {{"Suffix", &config.index_suffix}}); !st) return st.error();
    } else if (name == "ErrorDocument") {
      if (has_error_document) return Malformed();
      has_error_document = true;
      if (Status st = ReadValues(e, {{"Key", &config.error_key}}); !st) return st.error();
      if (!config.error_key) return Malformed();
    } else if (name == "RedirectAllRequestsTo") {
      if (config.redirect_all) return Malformed();
      std::optional<std::string> host, protocol;
      if (Status st = ReadValues(e, {{"HostName", &host}, {"Protocol", &protocol}}); !st)
        return st.error();
      if (!host) return Malformed();
      config.redirect_all = s3::RedirectAllRequestsTo{std::move(*host), std::move(protocol)};
    } else if (name == "RoutingRules") {
      if (config.has_routing_rules) return Malformed();
      config.has_routing_rules = true;
      auto rules = ElementsOf(e);
      if (!rules) return Malformed();
      for (const pugi::xml_node& r : *rules) {
        if (LocalName(r) != "RoutingRule") return Malformed();
        auto rule = ParseRule(r);
        if (!rule) return rule.error();
        config.routing_rules.push_back(std::move(*rule));
      }
    } else {
      return Malformed();
    }
  }
  if (Status st = s3::ValidateWebsiteConfiguration(config); !st) return st.error();
  return config;
}

std::string WebsiteConfigurationXml(const s3::WebsiteConfiguration& config) {
  pugi::xml_document doc;
  auto root = xml::Root(doc, "WebsiteConfiguration");
  auto opt = [](pugi::xml_node parent, const char* name, const std::optional<std::string>& v) {
    if (v) xml::Text(parent, name, *v);
  };
  if (config.redirect_all) {
    auto r = root.append_child("RedirectAllRequestsTo");
    xml::Text(r, "HostName", config.redirect_all->host_name);
    opt(r, "Protocol", config.redirect_all->protocol);
  }
  if (config.index_suffix) {
    auto i = root.append_child("IndexDocument");
    xml::Text(i, "Suffix", *config.index_suffix);
  }
  if (config.error_key) {
    auto e = root.append_child("ErrorDocument");
    xml::Text(e, "Key", *config.error_key);
  }
  if (!config.routing_rules.empty()) {
    auto rules = root.append_child("RoutingRules");
    for (const s3::RoutingRule& rule : config.routing_rules) {
      auto r = rules.append_child("RoutingRule");
      if (rule.key_prefix_equals || rule.http_error_code_returned_equals) {
        auto c = r.append_child("Condition");
        opt(c, "HttpErrorCodeReturnedEquals", rule.http_error_code_returned_equals);
        opt(c, "KeyPrefixEquals", rule.key_prefix_equals);
      }
      auto d = r.append_child("Redirect");
      opt(d, "HostName", rule.redirect.host_name);
      opt(d, "HttpRedirectCode", rule.redirect.http_redirect_code);
      opt(d, "Protocol", rule.redirect.protocol);
      opt(d, "ReplaceKeyPrefixWith", rule.redirect.replace_key_prefix_with);
      opt(d, "ReplaceKeyWith", rule.redirect.replace_key_with);
    }
  }
  return xml::Serialize(doc);
}

std::string WebsiteErrorHtml(int status, const Error& error, std::string_view request_id,
                             std::string_view host_id, const Error* error_document_error) {
  const std::string title = std::to_string(status) + " " + std::string(ReasonPhrase(status));
  std::string out = "<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title +
                    "</h1>\n<ul>\n";
  ListItems(out, error);
  out += "<li>RequestId: " + Escape(request_id) + "</li>\n";
  out += "<li>HostId: " + Escape(host_id) + "</li>\n";
  out += "</ul>\n";
  if (error_document_error) {
    out += "<h3>An Error Occurred While Attempting to Retrieve a Custom Error Document</h3>\n<ul>\n";
    ListItems(out, *error_document_error);
    out += "</ul>\n";
  }
  out += "<hr/>\n</body>\n</html>\n";
  return out;
}

}  // namespace awslab::protocol
