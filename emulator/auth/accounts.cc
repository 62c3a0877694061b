#include "emulator/auth/accounts.h"

#include <leveldb/write_batch.h>

#include <boost/json.hpp>
#include <algorithm>
#include <fstream>
#include <random>
#include <mutex>
#include <sstream>

#include "client/include/awslab/crypto.h"
#include "emulator/base/strings.h"
#include "emulator/storage/key_schema.h"
#include "emulator/storage/record.h"

namespace awslab::auth {
namespace keys = storage::keys;
using storage::RecordReader;
using storage::RecordWriter;

namespace {

enum AccountTag : std::uint32_t { kAName = 1, kAAdmin = 2, kAEmail = 3, kABudget = 4 };
enum KeyTag : std::uint32_t { kKSecret = 1, kKAccount = 2 };

bool IsAccountId(std::string_view id) {
  if (id.size() != 12) return false;
  for (char c : id)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string Account::CanonicalUserId() const {
  return crypto::Sha256Hex("awslab-canonical-user:" + id);
}

Result<std::unique_ptr<AccountStore>> AccountStore::Open(storage::Storage& storage) {
  std::unique_ptr<AccountStore> store(new AccountStore(storage));
  auto it = storage.NewIterator();
  for (it->Seek(std::string(keys::kAccountPrefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(keys::kAccountPrefix)) break;
    Account a;
    a.id = k.substr(keys::kAccountPrefix.size());
    RecordReader r(std::string_view(it->value().data(), it->value().size()));
    std::uint32_t tag;
    std::string_view v;
    while (r.Next(tag, v)) {
      if (tag == kAName) a.name = v;
      if (tag == kAAdmin) a.admin = RecordReader::AsU64(v) != 0;
      if (tag == kAEmail) a.email = v;
      if (tag == kABudget) a.budget_usd = v;
    }
    store->accounts_[a.id] = a;
  }
  for (it->Seek(std::string(keys::kAccessKeyPrefix)); it->Valid(); it->Next()) {
    std::string_view k(it->key().data(), it->key().size());
    if (!k.starts_with(keys::kAccessKeyPrefix)) break;
    AccessKey key;
    key.id = k.substr(keys::kAccessKeyPrefix.size());
    RecordReader r(std::string_view(it->value().data(), it->value().size()));
    std::uint32_t tag;
    std::string_view v;
    while (r.Next(tag, v)) {
      if (tag == kKSecret) key.secret = v;
      if (tag == kKAccount) key.account_id = v;
    }
    store->keys_[key.id] = key;
  }
  if (store->accounts_.empty()) {
    Account def{std::string(kDefaultAccountId), "default", true, {}};
    AccessKey key{std::string(kDefaultAccessKeyId), std::string(kDefaultSecretKey),
                  def.id};
    if (auto st = store->Upsert(def, {key}); !st) return st.error();
  }
  return store;
}

Status AccountStore::Upsert(const Account& account, const std::vector<AccessKey>& keys_in) {
  leveldb::WriteBatch batch;
  RecordWriter w;
  w.Put(kAName, account.name);
  w.PutBool(kAAdmin, account.admin);
  if (!account.email.empty()) w.Put(kAEmail, account.email);
  if (!account.budget_usd.empty()) w.Put(kABudget, account.budget_usd);
  batch.Put(keys::Account(account.id), w.data());
  for (const auto& key : keys_in) {
    RecordWriter kw;
    kw.Put(kKSecret, key.secret);
    kw.Put(kKAccount, key.account_id);
    batch.Put(keys::AccessKey(key.id), kw.data());
  }
  if (auto st = storage_.Write(batch); !st) return st;
  std::unique_lock lock(mu_);
  accounts_[account.id] = account;
  for (const auto& key : keys_in) keys_[key.id] = key;
  return Ok();
}

Status AccountStore::LoadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(ErrorCode::kInvalidArgument, "cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return LoadJson(ss.str());
}

Status AccountStore::LoadJson(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(json, ec);
  auto bad = [](std::string why) {
    return MakeError(ErrorCode::kInvalidArgument, "accounts file: " + why);
  };
  if (ec) return bad(ec.message());
  const auto* root = doc.if_object();
  const auto* list = root ? root->if_contains("accounts") : nullptr;
  if (!list || !list->is_array()) return bad("expected {\"accounts\": [...]}");
  for (const auto& entry : list->get_array()) {
    const auto* obj = entry.if_object();
    if (!obj) return bad("each account must be an object");
    Account account;
    const auto* id = obj->if_contains("id");
    if (!id || !id->is_string() || !IsAccountId(id->get_string()))
      return bad("each account needs an \"id\" of 12 digits");
    account.id = id->get_string();
    if (const auto* name = obj->if_contains("name"); name && name->is_string())
      account.name = name->get_string();
    else
      account.name = account.id;
    if (const auto* admin = obj->if_contains("admin"); admin && admin->is_bool())
      account.admin = admin->get_bool();
    if (const auto* email = obj->if_contains("email"); email && email->is_string())
      account.email = email->get_string();
    if (const auto* budget = obj->if_contains("budget_usd")) {
      // "25.00" or 25: kept as the decimal text, checked by billing.
      if (budget->is_string()) account.budget_usd = budget->get_string();
      else if (budget->is_int64()) account.budget_usd = std::to_string(budget->get_int64());
      else if (budget->is_double()) account.budget_usd = boost::json::serialize(*budget);
      else return bad("\"budget_usd\" must be a number or a decimal string");
    }
    std::vector<AccessKey> keys_in;
    if (const auto* ks = obj->if_contains("access_keys")) {
      if (!ks->is_array()) return bad("\"access_keys\" must be an array");
      for (const auto& k : ks->get_array()) {
        const auto* ko = k.if_object();
        const auto* kid = ko ? ko->if_contains("id") : nullptr;
        const auto* sec = ko ? ko->if_contains("secret") : nullptr;
        if (!kid || !kid->is_string() || !sec || !sec->is_string() ||
            kid->get_string().empty() || sec->get_string().empty())
          return bad("each access key needs an \"id\" and a \"secret\"");
        auto existing = FindKey(std::string_view(kid->get_string()));
        if (existing && existing->account_id != account.id)
          return bad("access key " + std::string(kid->get_string()) +
                     " belongs to another account");
        keys_in.push_back({std::string(kid->get_string()), std::string(sec->get_string()),
                           account.id});
      }
    }
    if (auto st = Upsert(account, keys_in); !st) return st;
  }
  return Ok();
}

Result<std::pair<Account, AccessKey>> AccountStore::CreateAccount(Account account) {
  const std::string& name = account.name;
  if (name.empty() || name.size() > 64 ||
      !std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               std::string_view("._-+@").find(c) != std::string_view::npos;
      }))
    return MakeError(ErrorCode::kInvalidArgument,
                     "an account name is 1 to 64 letters, digits and ._-+@");
  std::lock_guard create(create_mu_);
  for (const Account& a : ListAccounts())
    if (a.name == name)
      return MakeError(ErrorCode::kEntityAlreadyExists, "an account named " + name + " exists: " + a.id);
  std::random_device rd;
  std::mt19937_64 rng(rd());
  auto draw = [&](std::string_view alphabet, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += alphabet[rng() % alphabet.size()];
    return out;
  };
  do {
    // 12 digits, not starting with 0: never the default 000000000000.
    account.id = draw("123456789", 1) + draw("0123456789", 11);
  } while (FindAccount(account.id));
  AccessKey key;
  do {
    key.id = "AKIA" + draw("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16);
  } while (FindKey(key.id));
  key.secret = draw("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
  key.account_id = account.id;
  if (auto st = Upsert(account, {key}); !st) return st.error();
  return std::pair{account, key};
}

std::optional<AccessKey> AccountStore::FindKey(std::string_view access_key_id) const {
  std::shared_lock lock(mu_);
  auto it = keys_.find(access_key_id);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

std::optional<Account> AccountStore::FindAccount(std::string_view account_id) const {
  std::shared_lock lock(mu_);
  auto it = accounts_.find(account_id);
  if (it == accounts_.end()) return std::nullopt;
  return it->second;
}

std::optional<Account> AccountStore::FindByCanonicalId(std::string_view canonical_id) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, a] : accounts_)
    if (a.CanonicalUserId() == canonical_id) return a;
  return std::nullopt;
}

std::optional<Account> AccountStore::FindByEmail(std::string_view email) const {
  std::shared_lock lock(mu_);
  for (const auto& [id, a] : accounts_)
    if (!a.email.empty() && IEquals(a.email, email)) return a;
  return std::nullopt;
}

std::vector<Account> AccountStore::ListAccounts() const {
  std::shared_lock lock(mu_);
  std::vector<Account> out;
  for (const auto& [id, a] : accounts_) out.push_back(a);
  return out;
}

}  // namespace awslab::auth
