#include "emulator/protocol/multipart_form.h"

#include <utility>
#include <vector>

#include "emulator/base/strings.h"

namespace awslab::protocol {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The parameters of a header value after its first token: `; a=b; c="d;e"`.
// Quoted values lose their quotes and backslash escapes.
std::vector<std::pair<std::string, std::string>> Parameters(std::string_view s) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t i = s.find(';');
  while (i != std::string_view::npos && i < s.size()) {
    ++i;  // past ';'
    std::size_t eq = s.find('=', i);
    std::size_t semi = s.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      i = semi;
      continue;
    }
    std::string name(Trim(s.substr(i, eq - i)));
    for (char& c : name) c = static_cast<char>(::tolower(static_cast<unsigned char>(c)));
    std::size_t j = eq + 1;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\t')) ++j;
    std::string value;
    if (j < s.size() && s[j] == '"') {
      ++j;
      while (j < s.size() && s[j] != '"') {
        if (s[j] == '\\' && j + 1 < s.size()) ++j;
        value.push_back(s[j++]);
      }
      i = s.find(';', j);
    } else {
      std::size_t end = s.find(';', j);
      value = std::string(Trim(s.substr(j, end == std::string_view::npos ? end : end - j)));
      i = end;
    }
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

}  // namespace

std::optional<std::string> FormDataBoundary(std::string_view content_type) {
  std::string_view type = Trim(content_type.substr(0, content_type.find(';')));
  if (!IEquals(type, "multipart/form-data")) return std::nullopt;
  for (auto& [name, value] : Parameters(content_type)) {
    // "Boundary delimiters must not appear within the encapsulated material,
    // and must be no longer than 70 characters" (RFC 2046 5.1.1).
    if (name == "boundary" && !value.empty() && value.size() <= 70) return value;
  }
  return std::nullopt;
}

MultipartFormParser::MultipartFormParser(std::string boundary, FormListener& listener)
    : delimiter_("\r\n--" + boundary), listener_(listener) {
  // The first delimiter has no CRLF before it when the body starts with it
  // (it always does from browsers and HTTP libraries): a CRLF put in front
  // lets one search find every delimiter.
  buffer_ = "\r\n";
}

Status MultipartFormParser::Fail() {
  state_ = State::kFailed;
  buffer_.clear();
  return MakeError(ErrorCode::kMalformedPOSTRequest);
}

Status MultipartFormParser::BeginPart(std::string_view header) {
  FormPart part;
  bool form_data = false;
  while (!header.empty()) {
    std::size_t eol = header.find("\r\n");
    std::string_view line = header.substr(0, eol);
    header = eol == std::string_view::npos ? std::string_view() : header.substr(eol + 2);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = Trim(line.substr(0, colon));
    std::string_view value = Trim(line.substr(colon + 1));
    if (IEquals(name, "content-disposition")) {
      if (!IEquals(Trim(value.substr(0, value.find(';'))), "form-data")) continue;
      for (auto& [pname, pvalue] : Parameters(value)) {
        if (pname == "name") {
          part.name = std::move(pvalue);
          form_data = true;
        } else if (pname == "filename") {
          part.filename = std::move(pvalue);
        }
      }
    } else if (IEquals(name, "content-type")) {
      part.content_type = std::string(value);
    }
  }
  if (!form_data) return Fail();
  state_ = State::kData;
  if (!listener_.OnPartBegin(part)) state_ = State::kDone;
  return Ok();
}

Status MultipartFormParser::Feed(std::string_view data) {
  if (state_ == State::kDone || state_ == State::kFailed) return Ok();
  buffer_.append(data);
  std::size_t pos = 0;  // consumed bytes of buffer_
  auto rest = [&] { return std::string_view(buffer_).substr(pos); };
  for (;;) {
    switch (state_) {
      case State::kPreamble: {
        std::size_t found = rest().find(delimiter_);
        if (found == std::string_view::npos) {
          // Keep what may be the start of a delimiter.
          if (rest().size() >= delimiter_.size()) pos = buffer_.size() - (delimiter_.size() - 1);
          buffer_.erase(0, pos);
          return Ok();
        }
        pos += found + delimiter_.size();
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter: {
        // "--" closes the body; CRLF starts a part; transport padding
        // (spaces and tabs) may come first.
        while (pos < buffer_.size() && (buffer_[pos] == ' ' || buffer_[pos] == '\t')) ++pos;
        std::string_view r = rest();
        if (r.size() < 2) {
          buffer_.erase(0, pos);
          return Ok();
        }
        if (r.starts_with("--")) {
          state_ = State::kDone;
          buffer_.clear();
          return Ok();
        }
        if (!r.starts_with("\r\n")) return Fail();
        pos += 2;
        state_ = State::kHeader;
        break;
      }
      case State::kHeader: {
        std::string_view r = rest();
        std::size_t end = r.starts_with("\r\n") ? 0 : r.find("\r\n\r\n");
        if (end == std::string_view::npos) {
          if (r.size() > kMaxPartHeader) return Fail();
          buffer_.erase(0, pos);
          return Ok();
        }
        if (end > kMaxPartHeader) return Fail();
        std::string header(r.substr(0, end));
        pos += end + (end == 0 ? 2 : 4);
        if (Status st = BeginPart(header); !st) return st;
        if (state_ == State::kDone) {
          buffer_.clear();
          return Ok();
        }
        break;
      }
      case State::kData: {
        std::string_view r = rest();
        std::size_t found = r.find(delimiter_);
        if (found == std::string_view::npos) {
          // Everything but a possible delimiter's start is data.
          std::size_t safe = r.size() >= delimiter_.size() ? r.size() - (delimiter_.size() - 1) : 0;
          if (safe > 0 && !listener_.OnPartData(r.substr(0, safe))) {
            state_ = State::kDone;
            buffer_.clear();
            return Ok();
          }
          buffer_.erase(0, pos + safe);
          return Ok();
        }
        if ((found > 0 && !listener_.OnPartData(r.substr(0, found))) || !listener_.OnPartEnd()) {
          state_ = State::kDone;
          buffer_.clear();
          return Ok();
        }
        pos += found + delimiter_.size();
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kDone:
      case State::kFailed:
        buffer_.clear();
        return Ok();
    }
  }
}

Status MultipartFormParser::Finish() const {
  if (state_ == State::kDone) return Ok();
  return MakeError(ErrorCode::kMalformedPOSTRequest);
}

}  // namespace awslab::protocol
