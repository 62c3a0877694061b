// Accounts and their access keys, persisted in LevelDB and cached in memory
// (they change rarely and are read on every request).
//
// A fresh data directory gets the default account 000000000000 with the
// well-known key test/test, an admin, so every client works with no set-up.
// A classroom's accounts come from a JSON file (--accounts):
//   {"accounts": [{"id": "111122223333", "name": "alice", "admin": false,
//     "email": "alice@example.com", "budget_usd": "25.00",
//     "access_keys": [{"id": "AKIAALICEEXAMPLE0001", "secret": "alice-secret"}]}]}
//
// Thread-safety: every method may be called from any thread.
#ifndef AWSLAB_EMULATOR_AUTH_ACCOUNTS_H_
#define AWSLAB_EMULATOR_AUTH_ACCOUNTS_H_

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "emulator/base/error.h"
#include "emulator/storage/storage.h"

namespace awslab::auth {

inline constexpr std::string_view kDefaultAccountId = "000000000000";
inline constexpr std::string_view kDefaultAccessKeyId = "test";
inline constexpr std::string_view kDefaultSecretKey = "test";

struct Account {
  std::string id;    // 12 digits
  std::string name;  // S3's DisplayName
  bool admin = false;
  std::string email;  // for ACL grants by e-mail address; may be empty
  std::string budget_usd;  // a monthly budget ("25.00"); empty: none
  // S3's canonical user id: 64 hex characters, derived from the id.
  std::string CanonicalUserId() const;
};

struct AccessKey {
  std::string id;
  std::string secret;
  std::string account_id;
};

class AccountStore {
 public:
  // Loads every account; creates the default one when there is none.
  static Result<std::unique_ptr<AccountStore>> Open(storage::Storage& storage);

  // Adds or updates the accounts and keys of a JSON file (format above).
  Status LoadFile(const std::filesystem::path& path);
  Status LoadJson(std::string_view json);

  // A new account named `account.name` (unique; letters, digits and
  // "._-+@", 1 to 64), with a fresh 12-digit id and one fresh access key.
  // Errors: EntityAlreadyExists (the name is taken), InvalidArgument.
  Result<std::pair<Account, AccessKey>> CreateAccount(Account account);

  std::optional<AccessKey> FindKey(std::string_view access_key_id) const;
  std::optional<Account> FindAccount(std::string_view account_id) const;
  // The account whose canonical user id or e-mail address (any case) this is.
  std::optional<Account> FindByCanonicalId(std::string_view canonical_id) const;
  std::optional<Account> FindByEmail(std::string_view email) const;
  std::vector<Account> ListAccounts() const;

 private:
  explicit AccountStore(storage::Storage& storage) : storage_(storage) {}
  Status Upsert(const Account& account, const std::vector<AccessKey>& keys);

  storage::Storage& storage_;
  std::mutex create_mu_;  // one CreateAccount at a time: names stay unique
  mutable std::shared_mutex mu_;
  std::map<std::string, Account, std::less<>> accounts_;  // guarded by mu_
  std::map<std::string, AccessKey, std::less<>> keys_;    // guarded by mu_
};

}  // namespace awslab::auth

#endif  // AWSLAB_EMULATOR_AUTH_ACCOUNTS_H_
