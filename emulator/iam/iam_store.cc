#include "emulator/iam/iam_store.h"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <cctype>
#include <chrono>
#include <utility>

#include "client/include/awslab/crypto.h"
#include "emulator/iam/managed_policies.h"
#include "emulator/storage/key_schema.h"

namespace awslab::iam {
namespace {

namespace json = boost::json;

constexpr std::string_view kUserKind = "user";
constexpr std::string_view kGroupKind = "group";
constexpr std::string_view kKeyKind = "key";

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::int64_t Millis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}
TimePoint FromMillis(std::int64_t ms) {
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(std::chrono::milliseconds(ms)));
}

json::array Array(const std::vector<std::string>& v) {
  json::array out;
  for (const std::string& s : v) out.emplace_back(s);
  return out;
}
std::vector<std::string> Vector(const json::value* v) {
  std::vector<std::string> out;
  if (v && v->is_array())
    for (const json::value& s : v->get_array())
      if (s.is_string()) out.emplace_back(s.get_string());
  return out;
}
std::string Str(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
std::int64_t Int(const json::object& o, std::string_view name) {
  const json::value* v = o.if_contains(name);
  return v && v->is_int64() ? v->get_int64() : 0;
}

std::string Encode(const User& u) {
  json::object inline_policies;
  for (const auto& [name, doc] : u.inline_policies) inline_policies[name] = doc;
  return json::serialize(json::object{{"name", u.name},
                                      {"path", u.path},
                                      {"id", u.id},
                                      {"created_ms", Millis(u.created)},
                                      {"groups", Array(u.groups)},
                                      {"attached", Array(u.attached_policies)},
                                      {"inline", std::move(inline_policies)}});
}
std::string Encode(const Group& g) {
  return json::serialize(json::object{{"name", g.name},
                                      {"path", g.path},
                                      {"id", g.id},
                                      {"created_ms", Millis(g.created)},
                                      {"attached", Array(g.attached_policies)}});
}
std::string Encode(const UserAccessKey& k) {
  return json::serialize(json::object{{"id", k.id},
                                      {"secret", k.secret},
                                      {"user", k.user_name},
                                      {"active", k.active},
                                      {"created_ms", Millis(k.created)}});
}

std::string InlineCacheKey(std::string_view account, std::string_view user,
                           std::string_view policy) {
  std::string out(account);
  out.push_back('\0');
  out += Lower(user);
  out.push_back('\0');
  out.append(policy);
  return out;
}

Error NoSuchUser(std::string_view name) {
  return MakeError(ErrorCode::kNoSuchEntity,
                   "The user with name " + std::string(name) + " cannot be found.");
}
Error NoSuchGroup(std::string_view name) {
  return MakeError(ErrorCode::kNoSuchEntity,
                   "The group with name " + std::string(name) + " cannot be found.");
}
Error NoSuchKey(std::string_view id) {
  return MakeError(ErrorCode::kNoSuchEntity,
                   "The Access Key with id " + std::string(id) + " cannot be found.");
}
Error DeleteConflict(std::string_view message) {
  return MakeError(ErrorCode::kDeleteConflict, std::string(message));
}

// A policy ARN as IAM reads it: arn:<partition>:iam::<account or aws>:policy/...
bool IsPolicyArn(std::string_view arn) {
  int colons = 0;
  for (char c : arn) colons += c == ':';
  return arn.starts_with("arn:") && colons == 5 && arn.find(":iam::") != std::string_view::npos;
}

std::size_t InlineSize(const std::map<std::string, std::string>& policies,
                       std::string_view replaced, std::size_t added) {
  std::size_t total = added;
  for (const auto& [name, doc] : policies) {
    if (name == replaced) continue;
    auto parsed = IdentityPolicy::Parse(doc);
    total += parsed ? parsed->normalized_size() : doc.size();
  }
  return total;
}

}  // namespace

std::string IamStore::UserArn(std::string_view account_id, std::string_view path,
                              std::string_view name) {
  return "arn:aws:iam::" + std::string(account_id) + ":user" + std::string(path) +
         std::string(name);
}
std::string IamStore::GroupArn(std::string_view account_id, std::string_view path,
                               std::string_view name) {
  return "arn:aws:iam::" + std::string(account_id) + ":group" + std::string(path) +
         std::string(name);
}

Status IamStore::Load() {
  std::lock_guard lock(mu_);
  accounts_.clear();
  keys_.clear();
  inline_cache_.clear();
  auto it = storage_.NewIterator();
  const std::string prefix(storage::keys::kIamPrefix);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    std::string_view key(it->key().data(), it->key().size());
    key.remove_prefix(prefix.size());
    const std::size_t a = key.find('/');
    const std::size_t k = a == key.npos ? key.npos : key.find('/', a + 1);
    if (k == key.npos) return MakeError(ErrorCode::kInternalError, "bad IAM key");
    const std::string account(key.substr(0, a));
    const std::string_view kind = key.substr(a + 1, k - a - 1);
    boost::system::error_code ec;
    json::value v = json::parse(json::string_view(it->value().data(), it->value().size()), ec);
    if (ec || !v.is_object()) return MakeError(ErrorCode::kInternalError, "bad IAM record");
    const json::object& o = v.get_object();
    if (kind == kUserKind) {
      User u;
      u.name = Str(o, "name");
      u.path = Str(o, "path");
      u.id = Str(o, "id");
      u.arn = UserArn(account, u.path, u.name);
      u.created = FromMillis(Int(o, "created_ms"));
      u.groups = Vector(o.if_contains("groups"));
      u.attached_policies = Vector(o.if_contains("attached"));
      if (const json::value* p = o.if_contains("inline"); p && p->is_object())
        for (const auto& [name, doc] : p->get_object())
          if (doc.is_string()) u.inline_policies[std::string(name)] = std::string(doc.get_string());
      for (const auto& [name, doc] : u.inline_policies)
        if (auto parsed = IdentityPolicy::Parse(doc))
          inline_cache_.insert_or_assign(InlineCacheKey(account, u.name, name), *parsed);
      accounts_[account].users[Lower(u.name)] = std::move(u);
    } else if (kind == kGroupKind) {
      Group g;
      g.name = Str(o, "name");
      g.path = Str(o, "path");
      g.id = Str(o, "id");
      g.arn = GroupArn(account, g.path, g.name);
      g.created = FromMillis(Int(o, "created_ms"));
      g.attached_policies = Vector(o.if_contains("attached"));
      accounts_[account].groups[Lower(g.name)] = std::move(g);
    } else if (kind == kKeyKind) {
      UserAccessKey ak;
      ak.id = Str(o, "id");
      ak.secret = Str(o, "secret");
      ak.account_id = account;
      ak.user_name = Str(o, "user");
      const json::value* active = o.if_contains("active");
      ak.active = !active || !active->is_bool() || active->get_bool();
      ak.created = FromMillis(Int(o, "created_ms"));
      keys_[ak.id] = std::move(ak);
    }
  }
  return Ok();
}

const IamStore::AccountData* IamStore::Find(std::string_view account_id) const {
  auto it = accounts_.find(account_id);
  return it == accounts_.end() ? nullptr : &it->second;
}

Result<const User*> IamStore::FindUser(std::string_view account_id, std::string_view name) const {
  const AccountData* data = Find(account_id);
  if (data) {
    auto it = data->users.find(Lower(name));
    if (it != data->users.end()) return &it->second;
  }
  return NoSuchUser(name);
}
Result<User*> IamStore::FindUser(std::string_view account_id, std::string_view name) {
  auto found = std::as_const(*this).FindUser(account_id, name);
  if (!found) return found.error();
  return const_cast<User*>(*found);
}
Result<const Group*> IamStore::FindGroup(std::string_view account_id,
                                         std::string_view name) const {
  const AccountData* data = Find(account_id);
  if (data) {
    auto it = data->groups.find(Lower(name));
    if (it != data->groups.end()) return &it->second;
  }
  return NoSuchGroup(name);
}
Result<Group*> IamStore::FindGroup(std::string_view account_id, std::string_view name) {
  auto found = std::as_const(*this).FindGroup(account_id, name);
  if (!found) return found.error();
  return const_cast<Group*>(*found);
}

// IAM's unique ids and key ids: a prefix that says what the id is ("AIDA" a
// user, "AGPA" a group, "AKIA" an access key) and upper-case letters and
// digits, as AWS's look.
std::string IamStore::NewUniqueId(std::string_view prefix, std::size_t length) const {
  static constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out(prefix);
  unsigned char bytes[32];
  crypto::RandomBytes(bytes, length);
  for (std::size_t i = 0; i < length; ++i) out.push_back(kAlphabet[bytes[i] % kAlphabet.size()]);
  return out;
}

Result<User> IamStore::CreateUser(std::string_view account_id, std::string_view name,
                                  std::string_view path) {
  std::lock_guard lock(mu_);
  AccountData& data = accounts_[std::string(account_id)];
  const std::string lower = Lower(name);
  if (data.users.contains(lower))
    return MakeError(ErrorCode::kEntityAlreadyExists,
                     "User with name " + std::string(name) + " already exists.");
  User u;
  u.name = std::string(name);
  u.path = std::string(path);
  u.id = NewUniqueId("AIDA", 17);
  u.arn = UserArn(account_id, path, name);
  u.created = clock_.Now();
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kUserKind, lower), Encode(u)); !st)
    return st.error();
  data.users[lower] = u;
  return u;
}

Result<User> IamStore::GetUser(std::string_view account_id, std::string_view name) const {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, name);
  if (!u) return u.error();
  return **u;
}

std::vector<User> IamStore::ListUsers(std::string_view account_id) const {
  std::lock_guard lock(mu_);
  std::vector<User> out;
  if (const AccountData* data = Find(account_id))
    for (const auto& [lower, u] : data->users) out.push_back(u);
  return out;
}

Status IamStore::DeleteUser(std::string_view account_id, std::string_view name) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, name);
  if (!u) return u.error();
  for (const auto& [id, key] : keys_)
    if (key.account_id == account_id && key.user_name == (*u)->name)
      return DeleteConflict("Cannot delete entity, must delete access keys first.");
  if (!(*u)->inline_policies.empty())
    return DeleteConflict("Cannot delete entity, must delete policies first.");
  if (!(*u)->attached_policies.empty())
    return DeleteConflict("Cannot delete entity, must detach all policies first.");
  if (!(*u)->groups.empty())
    return DeleteConflict("Cannot delete entity, must remove user from all groups first.");
  const std::string lower = Lower(name);
  leveldb::WriteBatch batch;
  batch.Delete(storage::keys::Iam(account_id, kUserKind, lower));
  if (auto st = storage_.Write(batch); !st) return st;
  accounts_[std::string(account_id)].users.erase(lower);
  return Ok();
}

Result<UserAccessKey> IamStore::CreateAccessKey(std::string_view account_id,
                                                std::string_view user) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  std::size_t count = 0;
  for (const auto& [id, key] : keys_)
    count += key.account_id == account_id && key.user_name == (*u)->name;
  if (count >= kMaxAccessKeysPerUser)
    return MakeError(ErrorCode::kLimitExceeded, "Cannot exceed quota for AccessKeysPerUser: 2");
  UserAccessKey k;
  do {
    k.id = NewUniqueId("AKIA", 16);
  } while (keys_.contains(k.id));
  // 30 random bytes are 40 characters of base64, as long as AWS's secrets.
  unsigned char secret[30];
  crypto::RandomBytes(secret, sizeof secret);
  k.secret = crypto::Base64(secret, sizeof secret);
  k.account_id = std::string(account_id);
  k.user_name = (*u)->name;
  k.created = clock_.Now();
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kKeyKind, k.id), Encode(k)); !st)
    return st.error();
  keys_[k.id] = k;
  return k;
}

Result<std::vector<UserAccessKey>> IamStore::ListAccessKeys(std::string_view account_id,
                                                            std::string_view user) const {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  std::vector<UserAccessKey> out;
  for (const auto& [id, key] : keys_)
    if (key.account_id == account_id && key.user_name == (*u)->name) out.push_back(key);
  std::sort(out.begin(), out.end(),
            [](const UserAccessKey& a, const UserAccessKey& b) { return a.created < b.created; });
  return out;
}

Status IamStore::UpdateAccessKey(std::string_view account_id, std::string_view user,
                                 std::string_view key_id, bool active) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  auto it = keys_.find(key_id);
  if (it == keys_.end() || it->second.account_id != account_id ||
      it->second.user_name != (*u)->name)
    return NoSuchKey(key_id);
  UserAccessKey updated = it->second;
  updated.active = active;
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kKeyKind, key_id), Encode(updated));
      !st)
    return st;
  it->second = std::move(updated);
  return Ok();
}

Status IamStore::DeleteAccessKey(std::string_view account_id, std::string_view user,
                                 std::string_view key_id) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  auto it = keys_.find(key_id);
  if (it == keys_.end() || it->second.account_id != account_id ||
      it->second.user_name != (*u)->name)
    return NoSuchKey(key_id);
  leveldb::WriteBatch batch;
  batch.Delete(storage::keys::Iam(account_id, kKeyKind, key_id));
  if (auto st = storage_.Write(batch); !st) return st;
  keys_.erase(it);
  return Ok();
}

std::optional<UserAccessKey> IamStore::FindKey(std::string_view access_key_id) const {
  std::lock_guard lock(mu_);
  auto it = keys_.find(access_key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

Result<Group> IamStore::CreateGroup(std::string_view account_id, std::string_view name,
                                    std::string_view path) {
  std::lock_guard lock(mu_);
  AccountData& data = accounts_[std::string(account_id)];
  const std::string lower = Lower(name);
  if (data.groups.contains(lower))
    return MakeError(ErrorCode::kEntityAlreadyExists,
                     "Group with name " + std::string(name) + " already exists.");
  Group g;
  g.name = std::string(name);
  g.path = std::string(path);
  g.id = NewUniqueId("AGPA", 17);
  g.arn = GroupArn(account_id, path, name);
  g.created = clock_.Now();
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kGroupKind, lower), Encode(g)); !st)
    return st.error();
  data.groups[lower] = g;
  return g;
}

Result<Group> IamStore::GetGroup(std::string_view account_id, std::string_view name) const {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, name);
  if (!g) return g.error();
  return **g;
}

Result<std::vector<User>> IamStore::GroupMembers(std::string_view account_id,
                                                 std::string_view name) const {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, name);
  if (!g) return g.error();
  std::vector<User> out;
  for (const auto& [lower, u] : Find(account_id)->users)
    for (const std::string& member_of : u.groups)
      if (member_of == (*g)->name) out.push_back(u);
  return out;
}

std::vector<Group> IamStore::ListGroups(std::string_view account_id) const {
  std::lock_guard lock(mu_);
  std::vector<Group> out;
  if (const AccountData* data = Find(account_id))
    for (const auto& [lower, g] : data->groups) out.push_back(g);
  return out;
}

Status IamStore::DeleteGroup(std::string_view account_id, std::string_view name) {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, name);
  if (!g) return g.error();
  for (const auto& [lower, u] : Find(account_id)->users)
    for (const std::string& member_of : u.groups)
      if (member_of == (*g)->name)
        return DeleteConflict("Cannot delete entity, must remove users from group first.");
  if (!(*g)->attached_policies.empty())
    return DeleteConflict("Cannot delete entity, must detach all policies first.");
  const std::string lower = Lower(name);
  leveldb::WriteBatch batch;
  batch.Delete(storage::keys::Iam(account_id, kGroupKind, lower));
  if (auto st = storage_.Write(batch); !st) return st;
  accounts_[std::string(account_id)].groups.erase(lower);
  return Ok();
}

Status IamStore::AddUserToGroup(std::string_view account_id, std::string_view group,
                                std::string_view user) {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, group);
  if (!g) return g.error();
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  std::vector<std::string>& groups = (*u)->groups;
  if (std::find(groups.begin(), groups.end(), (*g)->name) != groups.end()) return Ok();
  if (groups.size() >= kMaxGroupsPerUser)
    return MakeError(ErrorCode::kLimitExceeded, "Cannot exceed quota for GroupsPerUser: 10");
  User updated = **u;
  updated.groups.push_back((*g)->name);
  return Save(account_id, *u, std::move(updated));
}

Status IamStore::RemoveUserFromGroup(std::string_view account_id, std::string_view group,
                                     std::string_view user) {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, group);
  if (!g) return g.error();
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  User updated = **u;
  auto it = std::find(updated.groups.begin(), updated.groups.end(), (*g)->name);
  if (it == updated.groups.end())
    return MakeError(ErrorCode::kNoSuchEntity, "The user with name " + std::string(user) +
                                                   " cannot be found.");
  updated.groups.erase(it);
  return Save(account_id, *u, std::move(updated));
}

Result<std::vector<Group>> IamStore::ListGroupsForUser(std::string_view account_id,
                                                       std::string_view user) const {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  std::vector<Group> out;
  for (const std::string& name : (*u)->groups)
    if (auto g = FindGroup(account_id, name)) out.push_back(**g);
  return out;
}

Status IamStore::Save(std::string_view account_id, User* stored, User updated) {
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kUserKind, Lower(updated.name)),
                             Encode(updated));
      !st)
    return st;
  *stored = std::move(updated);
  return Ok();
}

Status IamStore::Save(std::string_view account_id, Group* stored, Group updated) {
  if (auto st = storage_.Put(storage::keys::Iam(account_id, kGroupKind, Lower(updated.name)),
                             Encode(updated));
      !st)
    return st;
  *stored = std::move(updated);
  return Ok();
}

Status IamStore::AttachOrDetach(std::vector<std::string>& attached, std::string_view policy_arn,
                                bool attach) {
  if (!IsPolicyArn(policy_arn))
    return MakeError(ErrorCode::kInvalidInput, "ARN " + std::string(policy_arn) + " is not valid.");
  auto it = std::find(attached.begin(), attached.end(), policy_arn);
  if (attach) {
    if (!FindManagedPolicy(policy_arn))
      return MakeError(ErrorCode::kNoSuchEntity, "Policy " + std::string(policy_arn) +
                                                     " does not exist or is not attachable.");
    if (it != attached.end()) return Ok();
    if (attached.size() >= kMaxAttachedPolicies)
      return MakeError(ErrorCode::kLimitExceeded, "Cannot exceed quota for PoliciesPerUser: 10");
    attached.emplace_back(policy_arn);
  } else {
    if (it == attached.end())
      return MakeError(ErrorCode::kNoSuchEntity,
                       "Policy " + std::string(policy_arn) + " was not found.");
    attached.erase(it);
  }
  return Ok();
}

Status IamStore::AttachUserPolicy(std::string_view account_id, std::string_view user,
                                  std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  User updated = **u;
  if (auto st = AttachOrDetach(updated.attached_policies, policy_arn, true); !st) return st;
  return Save(account_id, *u, std::move(updated));
}

Status IamStore::DetachUserPolicy(std::string_view account_id, std::string_view user,
                                  std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  User updated = **u;
  if (auto st = AttachOrDetach(updated.attached_policies, policy_arn, false); !st) return st;
  return Save(account_id, *u, std::move(updated));
}

Status IamStore::AttachGroupPolicy(std::string_view account_id, std::string_view group,
                                   std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, group);
  if (!g) return g.error();
  Group updated = **g;
  if (auto st = AttachOrDetach(updated.attached_policies, policy_arn, true); !st) return st;
  return Save(account_id, *g, std::move(updated));
}

Status IamStore::DetachGroupPolicy(std::string_view account_id, std::string_view group,
                                   std::string_view policy_arn) {
  std::lock_guard lock(mu_);
  auto g = FindGroup(account_id, group);
  if (!g) return g.error();
  Group updated = **g;
  if (auto st = AttachOrDetach(updated.attached_policies, policy_arn, false); !st) return st;
  return Save(account_id, *g, std::move(updated));
}

Status IamStore::PutUserPolicy(std::string_view account_id, std::string_view user,
                               std::string_view policy_name, std::string_view document) {
  auto parsed = IdentityPolicy::Parse(document);
  if (!parsed) return parsed.error();
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  if (InlineSize((*u)->inline_policies, policy_name, parsed->normalized_size()) >
      kMaxUserPolicySize)
    return MakeError(ErrorCode::kLimitExceeded, "Maximum policy size of 2048 bytes exceeded for user " +
                                                    (*u)->name);
  User updated = **u;
  updated.inline_policies[std::string(policy_name)] = std::string(document);
  if (auto st = Save(account_id, *u, std::move(updated)); !st) return st;
  inline_cache_.insert_or_assign(InlineCacheKey(account_id, (*u)->name, policy_name), *parsed);
  return Ok();
}

Result<std::string> IamStore::GetUserPolicy(std::string_view account_id, std::string_view user,
                                            std::string_view policy_name) const {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  auto it = (*u)->inline_policies.find(std::string(policy_name));
  if (it == (*u)->inline_policies.end())
    return MakeError(ErrorCode::kNoSuchEntity, "The user policy with name " +
                                                   std::string(policy_name) + " cannot be found.");
  return it->second;
}

Status IamStore::DeleteUserPolicy(std::string_view account_id, std::string_view user,
                                  std::string_view policy_name) {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user);
  if (!u) return u.error();
  User updated = **u;
  if (updated.inline_policies.erase(std::string(policy_name)) == 0)
    return MakeError(ErrorCode::kNoSuchEntity, "The user policy with name " +
                                                   std::string(policy_name) + " cannot be found.");
  if (auto st = Save(account_id, *u, std::move(updated)); !st) return st;
  inline_cache_.erase(InlineCacheKey(account_id, (*u)->name, policy_name));
  return Ok();
}

Decision IamStore::Evaluate(std::string_view account_id, std::string_view user_name,
                            std::string_view action, std::string_view resource,
                            const Context& context) const {
  std::lock_guard lock(mu_);
  auto u = FindUser(account_id, user_name);
  if (!u) return Decision::kNone;
  const User& user = **u;
  Context full = context;
  full.emplace_back("aws:username", user.name);
  full.emplace_back("aws:userid", user.id);
  full.emplace_back("aws:principalarn", user.arn);
  full.emplace_back("aws:principalaccount", std::string(account_id));
  full.emplace_back("aws:principaltype", "User");

  bool allowed = false;
  // Every identity policy: a Deny anywhere decides at once.
  auto consider = [&](const IdentityPolicy& policy) {
    switch (policy.Evaluate(action, resource, full)) {
      case Decision::kDeny:
        return true;
      case Decision::kAllow:
        allowed = true;
        return false;
      case Decision::kNone:
        return false;
    }
    return false;
  };
  for (const auto& [name, doc] : user.inline_policies) {
    auto it = inline_cache_.find(InlineCacheKey(account_id, user.name, name));
    if (it != inline_cache_.end() && consider(it->second)) return Decision::kDeny;
  }
  std::vector<const std::vector<std::string>*> attached = {&user.attached_policies};
  for (const std::string& group : user.groups)
    if (auto g = FindGroup(account_id, group)) attached.push_back(&(*g)->attached_policies);
  for (const auto* arns : attached)
    for (const std::string& arn : *arns)
      if (const ManagedPolicy* p = FindManagedPolicy(arn); p && consider(ManagedPolicyDocument(*p)))
        return Decision::kDeny;
  return allowed ? Decision::kAllow : Decision::kNone;
}

}  // namespace awslab::iam
