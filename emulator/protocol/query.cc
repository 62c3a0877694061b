#include "emulator/protocol/query.h"

#include <algorithm>
#include <charconv>

#include "emulator/protocol/http.h"

namespace awslab::protocol {

std::optional<QueryParams> QueryParams::Parse(std::string_view form) {
  QueryParams params;
  while (!form.empty()) {
    std::size_t amp = form.find('&');
    std::string_view pair = form.substr(0, amp);
    form = amp == form.npos ? std::string_view() : form.substr(amp + 1);
    if (pair.empty()) continue;
    std::size_t eq = pair.find('=');
    std::string name, value;
    if (!PercentDecode(pair.substr(0, eq), true, name)) return std::nullopt;
    if (eq != pair.npos && !PercentDecode(pair.substr(eq + 1), true, value)) return std::nullopt;
    params.params_[std::move(name)] = std::move(value);
  }
  return params;
}

const std::string* QueryParams::Get(std::string_view name) const {
  auto it = params_.find(name);
  return it == params_.end() ? nullptr : &it->second;
}

namespace {

// The N of "<prefix>.N" or "<prefix>.N.<rest>"; nullopt for other names.
std::optional<int> IndexOf(std::string_view name, std::string_view prefix, bool& has_rest) {
  if (name.size() <= prefix.size() + 1 || !name.starts_with(prefix) || name[prefix.size()] != '.')
    return std::nullopt;
  std::string_view rest = name.substr(prefix.size() + 1);
  int n = 0;
  auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (ec != std::errc() || p == rest.data()) return std::nullopt;
  has_rest = p != rest.data() + rest.size();
  if (has_rest && *p != '.') return std::nullopt;
  return n;
}

}  // namespace

std::vector<std::string> QueryParams::List(std::string_view prefix) const {
  std::map<int, std::string> by_index;
  for (auto it = params_.lower_bound(prefix); it != params_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(prefix)) break;
    bool has_rest = false;
    if (auto n = IndexOf(it->first, prefix, has_rest); n && !has_rest) by_index[*n] = it->second;
  }
  std::vector<std::string> out;
  for (auto& [n, v] : by_index) out.push_back(v);
  return out;
}

std::vector<int> QueryParams::Indices(std::string_view prefix) const {
  std::vector<int> out;
  for (auto it = params_.lower_bound(prefix); it != params_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(prefix)) break;
    bool has_rest = false;
    if (auto n = IndexOf(it->first, prefix, has_rest)) out.push_back(*n);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

QueryParams QueryParams::Sub(std::string_view prefix) const {
  QueryParams sub;
  std::string p = std::string(prefix) + ".";
  for (auto it = params_.lower_bound(p); it != params_.end(); ++it) {
    if (!std::string_view(it->first).starts_with(p)) break;
    sub.params_[it->first.substr(p.size())] = it->second;
  }
  return sub;
}

void XmlWriter::Escape(std::string_view text, std::string& out) {
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      default: out += c;
    }
  }
}

void XmlWriter::Open(std::string_view name, std::string_view xmlns) {
  out_ += '<';
  out_ += name;
  if (!xmlns.empty()) {
    out_ += " xmlns=\"";
    out_ += xmlns;
    out_ += '"';
  }
  out_ += '>';
  open_.emplace_back(name);
}

void XmlWriter::Close() {
  out_ += "</";
  out_ += open_.back();
  out_ += '>';
  open_.pop_back();
}

void XmlWriter::Leaf(std::string_view name, std::string_view text) {
  out_ += '<';
  out_ += name;
  out_ += '>';
  Escape(text, out_);
  out_ += "</";
  out_ += name;
  out_ += '>';
}

std::string XmlWriter::Take() {
  while (!open_.empty()) Close();
  return std::move(out_);
}

}  // namespace awslab::protocol
