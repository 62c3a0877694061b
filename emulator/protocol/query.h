// AWS's Query protocol (EC2): parameters of a form-encoded body or a query
// string, with the flattened list and structure names it uses:
// "InstanceId.1", "Filter.1.Name", "Filter.1.Value.2",
// "TagSpecification.1.Tag.1.Key".
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/Query-Requests.html
#ifndef AWSLAB_EMULATOR_PROTOCOL_QUERY_H_
#define AWSLAB_EMULATOR_PROTOCOL_QUERY_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace awslab::protocol {

class QueryParams {
 public:
  // Parses "a=1&b=x%20y" ('+' is a space); nullopt on a malformed escape.
  static std::optional<QueryParams> Parse(std::string_view form);

  void Set(std::string name, std::string value) { params_[std::move(name)] = std::move(value); }
  const std::string* Get(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name) != nullptr; }
  // The members of a flattened list "<prefix>.N", ordered by N.
  std::vector<std::string> List(std::string_view prefix) const;
  // The N of every "<prefix>.N" and "<prefix>.N.<more>", ascending.
  std::vector<int> Indices(std::string_view prefix) const;
  // The parameters under "<prefix>." with that prefix removed.
  QueryParams Sub(std::string_view prefix) const;
  const std::map<std::string, std::string, std::less<>>& all() const { return params_; }

 private:
  std::map<std::string, std::string, std::less<>> params_;
};

// A minimal XML writer for responses: elements in order, text escaped.
class XmlWriter {
 public:
  XmlWriter() { out_ = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"; }
  // <name xmlns="ns">
  void Open(std::string_view name, std::string_view xmlns = {});
  void Close();
  // <name>text</name>
  void Leaf(std::string_view name, std::string_view text);
  void Leaf(std::string_view name, long long value) { Leaf(name, std::to_string(value)); }
  void Bool(std::string_view name, bool value) { Leaf(name, value ? "true" : "false"); }
  // Appends escaped text.
  static void Escape(std::string_view text, std::string& out);
  std::string Take();

 private:
  std::string out_;
  std::vector<std::string> open_;
};

}  // namespace awslab::protocol

#endif  // AWSLAB_EMULATOR_PROTOCOL_QUERY_H_
