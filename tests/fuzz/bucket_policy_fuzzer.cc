// Bucket policies (emulator/s3/policy.h, policy_condition.h, policy_match.h):
// PutBucketPolicy's check of an attacker's document, and the judgement of
// requests against what it accepts.
//
// The input is a request, then the policy: lines `name=value` up to the first
// line that starts with '{', and from there the policy document (an input that
// starts with '{' is a policy alone). The names:
//   bucket=NAME        the bucket the policy is put on (else the resource's, or BUCKET)
//   principal=ID       a 12-digit account, or "anonymous" (the default)
//   action=s3:Name     one of S3's actions (another name picks one of them)
//   resource=ARN       the resource asked for (default arn:aws:s3:::BUCKET/key)
//   aws:..., s3:...    condition keys with a value; repeated: multivalued
//   pattern=P, text=T  one more pair for the wildcard check below
// The request gets the keys awslab's access check always gives
// (emulator/s3/access.cc: aws:SecureTransport, aws:CurrentTime,
// aws:EpochTime, aws:PrincipalType, aws:PrincipalAccount, aws:SourceIp) unless
// the input sets them. Besides it, a fixed set of requests (three callers,
// bucket and object actions, two keys) is judged on every policy.
//
// Checked besides memory safety, std::abort() when one fails:
//  - a refused policy is MalformedPolicy (400) with a message;
//  - a policy judges deterministically: twice, through a copy, and parsed again
//    from the text it keeps;
//  - a policy without an Allow statement never allows, and is never public;
//  - every statement made Deny: Deny exactly for the requests some statement
//    applied to (kAllow or kDeny before), nothing for the others; every
//    statement made Allow (when none is a NotPrincipal): Allow exactly there;
//  - each Allow statement followed by a Deny twin: an explicit Deny wins, what
//    was allowed is now denied; the statements in reverse order: the same answers;
//  - WildcardMatch agrees with a plain reference matcher written here for `*`,
//    `?` (one UTF-8 character) and `\` escapes on short strings, with and
//    without case, and a literal escaped with EscapeWildcards matches itself.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/auth/accounts.h"
#include "emulator/base/error.h"
#include "emulator/s3/policy.h"
#include "emulator/s3/policy_actions.h"
#include "emulator/s3/policy_match.h"

namespace {

namespace json = boost::json;
namespace s3 = awslab::s3;
using s3::BucketPolicy;
using s3::PolicyEffect;

// --- The reference wildcard matcher ------------------------------------------

// A text as its characters: a lead byte with the continuation bytes after it.
std::vector<std::string_view> Characters(std::string_view s) {
  std::vector<std::string_view> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

struct Token {
  enum Kind { kLiteral, kStar, kOne } kind;
  std::string_view text;  // kLiteral: one character
};

std::vector<Token> PatternTokens(std::string_view pattern) {
  std::vector<std::string_view> chars = Characters(pattern);
  std::vector<Token> out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (chars[i] == "\\" && i + 1 < chars.size()) {
      out.push_back({Token::kLiteral, chars[++i]});
    } else if (chars[i] == "*") {
      out.push_back({Token::kStar, {}});
    } else if (chars[i] == "?") {
      out.push_back({Token::kOne, {}});
    } else {
      out.push_back({Token::kLiteral, chars[i]});
    }
  }
  return out;
}

bool SameCharacter(std::string_view a, std::string_view b, bool ignore_case) {
  if (a == b) return true;
  if (!ignore_case || a.size() != 1 || b.size() != 1) return false;
  return std::tolower(static_cast<unsigned char>(a[0])) ==
         std::tolower(static_cast<unsigned char>(b[0]));
}

// Dynamic programming over (token, character): can tokens[i..] match chars[j..]?
bool ReferenceMatch(std::string_view pattern, std::string_view text, bool ignore_case) {
  const std::vector<Token> p = PatternTokens(pattern);
  const std::vector<std::string_view> t = Characters(text);
  const std::size_t w = t.size() + 1;
  std::vector<char> m((p.size() + 1) * w, 0);
  m[p.size() * w + t.size()] = 1;
  for (std::size_t i = p.size(); i-- > 0;) {
    for (std::size_t j = t.size() + 1; j-- > 0;) {
      bool ok = false;
      switch (p[i].kind) {
        case Token::kStar:
          ok = m[(i + 1) * w + j] || (j < t.size() && m[i * w + j + 1]);
          break;
        case Token::kOne:
          ok = j < t.size() && m[(i + 1) * w + j + 1];
          break;
        case Token::kLiteral:
          ok = j < t.size() && SameCharacter(p[i].text, t[j], ignore_case) &&
               m[(i + 1) * w + j + 1];
          break;
      }
      m[i * w + j] = ok;
    }
  }
  return m[0];
}

// Whether `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates
// or code points past U+10FFFF).
bool IsUtf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    std::size_t n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80) n = 0;
    else if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c == 0xE0) n = 2, lo = 0xA0;
    else if (c == 0xED) n = 2, hi = 0x9F;
    else if (c >= 0xE1 && c <= 0xEF) n = 2;
    else if (c == 0xF0) n = 3, lo = 0x90;
    else if (c == 0xF4) n = 3, hi = 0x8F;
    else if (c >= 0xF1 && c <= 0xF3) n = 3;
    else return false;
    if (i + n >= s.size() && n > 0) return false;
    for (std::size_t k = 1; k <= n; ++k) {
      const unsigned char d = s[i + k];
      if (d < (k == 1 ? lo : 0x80) || d > (k == 1 ? hi : 0xBF)) return false;
    }
    i += n + 1;
  }
  return true;
}

// Compared on characters: in text that is not UTF-8 a character is not
// well defined (the matcher takes a stray continuation byte as one).
void CheckWildcard(std::string_view pattern, std::string_view text, bool ignore_case) {
  const bool got = s3::WildcardMatch(pattern, text, ignore_case);
  if (!IsUtf8(pattern) || !IsUtf8(text)) return;
  if (got != ReferenceMatch(pattern, text, ignore_case)) {
    std::fprintf(stderr, "WildcardMatch(\"%s\", \"%s\", ignore_case=%d) is %d\n",
                 std::string(pattern).c_str(), std::string(text).c_str(), ignore_case, got);
    std::abort();
  }
}

// Short patterns and texts over a small alphabet, made from the input's bytes:
// mostly the characters that matter (wildcards, escapes, '/', case, two- and
// three-byte characters).
void CheckWildcardsFrom(std::string_view bytes) {
  static constexpr std::string_view kPattern[] = {"a", "b", "A", "/", "*", "?", "\\", "é", "中", "*"};
  static constexpr std::string_view kText[] = {"a", "b", "A", "B", "/", "*", "?", "\\", "é", "中"};
  for (int round = 0; round < 4 && bytes.size() >= 2; ++round) {
    const std::size_t plen = static_cast<unsigned char>(bytes[0]) % 9;
    const std::size_t tlen = static_cast<unsigned char>(bytes[1]) % 11;
    const bool ignore_case = bytes[0] & 0x80;
    bytes.remove_prefix(2);
    std::string pattern, text;
    for (std::size_t i = 0; i < plen && !bytes.empty(); ++i, bytes.remove_prefix(1))
      pattern += kPattern[static_cast<unsigned char>(bytes[0]) % std::size(kPattern)];
    for (std::size_t i = 0; i < tlen && !bytes.empty(); ++i, bytes.remove_prefix(1))
      text += kText[static_cast<unsigned char>(bytes[0]) % std::size(kText)];
    CheckWildcard(pattern, text, ignore_case);
    // A literal made safe matches itself, and `*` matches anything.
    if (!s3::WildcardMatch(s3::EscapeWildcards(text), text)) std::abort();
    if (!s3::WildcardMatch(s3::EscapeWildcards(pattern), pattern)) std::abort();
  }
}

// --- The request -------------------------------------------------------------

struct Input {
  std::string bucket;
  std::string principal;  // 12 digits, or "" for anonymous
  std::string action;
  std::string resource;
  s3::PolicyContext conditions;  // as given (lowercase keys)
  std::vector<std::pair<std::string, std::string>> wildcard_pairs;
  std::string_view policy;
};

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The action named, or one of S3's chosen by the name's bytes.
std::string ChooseAction(std::string_view name) {
  auto actions = s3::S3Actions();
  for (const s3::S3ActionInfo& a : actions)
    if (a.name == name) return std::string(a.name);
  std::size_t sum = 0;
  for (unsigned char c : name) sum = sum * 31 + c;
  return std::string(actions[sum % actions.size()].name);
}

Input ReadInput(std::string_view data) {
  Input in;
  std::optional<std::string> pattern;
  while (!data.empty() && data.front() != '{') {
    std::size_t eol = data.find('\n');
    std::string_view line = data.substr(0, eol);
    data = eol == std::string_view::npos ? std::string_view() : data.substr(eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = line.substr(0, eq), value = line.substr(eq + 1);
    if (name == "bucket") {
      in.bucket = value;
    } else if (name == "principal") {
      in.principal = value == "anonymous" ? "" : std::string(value);
    } else if (name == "action") {
      in.action = ChooseAction(value);
    } else if (name == "resource") {
      in.resource = value;
    } else if (name == "pattern") {
      pattern = value;
    } else if (name == "text") {
      in.wildcard_pairs.emplace_back(pattern.value_or(""), value);
    } else if (name.find(':') != std::string_view::npos) {
      in.conditions.emplace_back(Lower(name), value);
    }
  }
  in.policy = data;
  if (in.bucket.empty()) {
    std::string_view r = in.resource;
    if (r.starts_with("arn:aws:s3:::")) {
      r.remove_prefix(13);
      in.bucket = r.substr(0, r.find('/'));
    }
    if (in.bucket.empty()) in.bucket = "BUCKET";
  }
  if (in.action.empty()) in.action = "s3:GetObject";
  if (in.resource.empty()) in.resource = "arn:aws:s3:::" + in.bucket + "/key";
  return in;
}

// A request with the context awslab's access check builds for it.
struct Request {
  std::string action;
  std::string resource;
  std::string account;
  std::string canonical;
  s3::PolicyContext context;

  s3::PolicyRequest View() const {
    s3::PolicyRequest r;
    r.action = action;
    r.resource = resource;
    r.account_id = account;
    r.canonical_user_id = canonical;
    r.context = &context;
    return r;
  }
};

Request MakeRequest(std::string action, std::string resource, const std::string& account,
                    const s3::PolicyContext& given) {
  Request r{std::move(action), std::move(resource), account, "", given};
  if (!account.empty()) {
    awslab::auth::Account caller;
    caller.id = account;
    r.canonical = caller.CanonicalUserId();
  }
  auto add = [&](const char* key, std::string value) {
    for (const auto& [k, v] : given)
      if (k == key) return;
    r.context.emplace_back(key, std::move(value));
  };
  add("aws:sourceip", "127.0.0.1");
  add("aws:securetransport", "false");
  add("aws:currenttime", "2026-11-01T12:00:00Z");
  add("aws:epochtime", "1793534400");
  add("aws:principaltype", account.empty() ? "Anonymous" : "Account");
  if (!account.empty()) add("aws:principalaccount", account);
  return r;
}

std::vector<Request> Requests(const Input& in) {
  std::vector<Request> out;
  out.push_back(MakeRequest(in.action, in.resource, in.principal, in.conditions));
  const std::string bucket_arn = "arn:aws:s3:::" + in.bucket;
  static constexpr const char* kObjectActions[] = {"s3:GetObject", "s3:PutObject",
                                                   "s3:DeleteObject", "s3:GetObjectTagging"};
  static constexpr const char* kBucketActions[] = {"s3:ListBucket", "s3:GetBucketPolicy",
                                                   "s3:PutBucketAcl"};
  for (const char* account : {"", "111122223333", "444455556666"}) {
    for (const char* action : kObjectActions) {
      out.push_back(MakeRequest(action, bucket_arn + "/key", account, in.conditions));
      out.push_back(MakeRequest(action, bucket_arn + "/home/bob/notes.txt", account,
                                in.conditions));
    }
    for (const char* action : kBucketActions)
      out.push_back(MakeRequest(action, bucket_arn, account, in.conditions));
  }
  return out;
}

// --- Policies made from the input's ------------------------------------------

// The statements of a document that parsed (an object or a list of objects).
std::vector<json::object> Statements(const json::object& root) {
  std::vector<json::object> out;
  const json::value& s = root.at("Statement");
  if (s.is_object()) {
    out.push_back(s.get_object());
  } else {
    for (const json::value& item : s.get_array()) out.push_back(item.get_object());
  }
  return out;
}

std::string WithStatements(json::object root, const std::vector<json::object>& statements) {
  json::array list;
  for (const json::object& s : statements) list.emplace_back(s);
  root["Statement"] = std::move(list);
  return json::serialize(root);
}

// The policy a variant's text makes; nullopt only when it outgrew S3's limit.
std::optional<BucketPolicy> ParseVariant(const std::string& text, const std::string& bucket) {
  auto parsed = BucketPolicy::Parse(text, bucket);
  if (parsed) return *parsed;
  if (parsed.error().message.find("exceeds the maximum allowed size") != std::string::npos)
    return std::nullopt;
  std::abort();  // the same statements with another Effect or order must parse
}

bool IsAllow(const json::object& statement) {
  return statement.at("Effect").as_string() == "Allow";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  CheckWildcardsFrom(bytes);
  const Input in = ReadInput(bytes);
  for (const auto& [pattern, text] : in.wildcard_pairs) {
    CheckWildcard(pattern, text, false);
    CheckWildcard(pattern, text, true);
  }
  for (const auto& [key, value] : in.conditions) {
    if (!s3::WildcardMatch(s3::EscapeWildcards(value), value)) std::abort();
    if (!s3::WildcardMatch("*", value)) std::abort();
  }

  auto policy = BucketPolicy::Parse(in.policy, in.bucket);
  if (!policy) {
    const awslab::Error& e = policy.error();
    if (e.code != awslab::ErrorCode::kMalformedPolicy || e.Message().empty()) std::abort();
    if (awslab::Describe(e.code).http_status != 400) std::abort();
    return 0;
  }
  if (policy->text() != in.policy) std::abort();  // kept as put

  // Parsed once more from the text it keeps, and as boost::json reads it.
  auto reparsed = BucketPolicy::Parse(policy->text(), in.bucket);
  if (!reparsed) std::abort();
  boost::system::error_code ec;
  json::value root = json::parse(json::string_view(in.policy.data(), in.policy.size()), ec);
  if (ec || !root.is_object()) std::abort();
  const std::vector<json::object> statements = Statements(root.get_object());

  bool any_allow = false, any_not_principal = false;
  for (const json::object& s : statements) {
    any_allow = any_allow || IsAllow(s);
    any_not_principal = any_not_principal || s.contains("NotPrincipal");
  }

  std::vector<json::object> all_deny, all_allow, twins, reversed;
  for (const json::object& s : statements) {
    json::object deny = s;
    deny["Effect"] = "Deny";
    all_deny.push_back(deny);
    json::object allow = s;
    allow["Effect"] = "Allow";
    all_allow.push_back(std::move(allow));
    twins.push_back(s);
    if (IsAllow(s)) twins.push_back(std::move(deny));
  }
  reversed.assign(statements.rbegin(), statements.rend());
  const json::object& root_object = root.get_object();
  auto deny_policy = ParseVariant(WithStatements(root_object, all_deny), in.bucket);
  std::optional<BucketPolicy> allow_policy;
  if (!any_not_principal)
    allow_policy = ParseVariant(WithStatements(root_object, all_allow), in.bucket);
  auto twin_policy = ParseVariant(WithStatements(root_object, twins), in.bucket);
  auto reversed_policy = ParseVariant(WithStatements(root_object, reversed), in.bucket);

  const bool is_public = policy->IsPublic();
  if (is_public && !any_allow) std::abort();
  if (reparsed->IsPublic() != is_public || BucketPolicy(*policy).IsPublic() != is_public)
    std::abort();
  if (deny_policy && deny_policy->IsPublic()) std::abort();
  if (reversed_policy && reversed_policy->IsPublic() != is_public) std::abort();

  const BucketPolicy copy = *policy;
  for (const Request& request : Requests(in)) {
    const s3::PolicyRequest r = request.View();
    const PolicyEffect effect = policy->Evaluate(r);
    if (policy->Evaluate(r) != effect || copy.Evaluate(r) != effect ||
        reparsed->Evaluate(r) != effect)
      std::abort();
    if (!any_allow && effect == PolicyEffect::kAllow) std::abort();
    const bool applies = effect != PolicyEffect::kNone;
    if (deny_policy &&
        deny_policy->Evaluate(r) != (applies ? PolicyEffect::kDeny : PolicyEffect::kNone))
      std::abort();
    if (allow_policy &&
        allow_policy->Evaluate(r) != (applies ? PolicyEffect::kAllow : PolicyEffect::kNone))
      std::abort();
    if (twin_policy &&
        twin_policy->Evaluate(r) != (applies ? PolicyEffect::kDeny : PolicyEffect::kNone))
      std::abort();
    if (reversed_policy && reversed_policy->Evaluate(r) != effect) std::abort();
  }
  return 0;
}
