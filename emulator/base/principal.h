// Who is asking: an account's root user or one of its IAM users (through one
// of their access keys), or anonymous.
#ifndef AWSLAB_EMULATOR_BASE_PRINCIPAL_H_
#define AWSLAB_EMULATOR_BASE_PRINCIPAL_H_

#include <string>

namespace awslab {

struct Principal {
  std::string account_id;     // 12 digits; empty when anonymous
  std::string access_key_id;  // the key that signed; empty when anonymous
  bool admin = false;         // may use the admin API (never an IAM user)
  std::string user_name;  // the IAM user that signed; empty for the account's root user
  std::string user_arn;   // that user's ARN ("arn:aws:iam::<account>:user/<name>")

  bool anonymous() const { return account_id.empty(); }
  static Principal Anonymous() { return {}; }
};

}  // namespace awslab

#endif  // AWSLAB_EMULATOR_BASE_PRINCIPAL_H_
