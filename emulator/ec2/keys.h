// EC2 key pairs: real keys made with OpenSSL, and fingerprints as AWS
// computes them.
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-keys.html
//   - created RSA: SHA-1 of the private key in PKCS#8 DER, hex with colons;
//   - imported RSA: MD5 of the public key (SubjectPublicKeyInfo DER), hex with colons;
//   - ED25519 (created or imported): SHA-256 of the OpenSSH public key blob, base64.
//
// Thread-safety: every function may be called from any thread.
#ifndef AWSLAB_EMULATOR_EC2_KEYS_H_
#define AWSLAB_EMULATOR_EC2_KEYS_H_

#include <string>
#include <string_view>

#include "emulator/base/error.h"

namespace awslab::ec2 {

enum class KeyType { kRsa, kEd25519 };

// "rsa" / "ed25519", as the API names them (KeyType parameter and element).
std::string_view KeyTypeName(KeyType type);

struct CreatedKey {
  KeyType type = KeyType::kRsa;
  // What CreateKeyPair returns as KeyMaterial, which `ssh-keygen -y -f` reads:
  // RSA: "-----BEGIN RSA PRIVATE KEY-----" (PKCS#1, KeyFormat pem) or PKCS#8;
  // ED25519: "-----BEGIN OPENSSH PRIVATE KEY-----".
  std::string private_key;
  std::string public_key_openssh;  // "ssh-rsa AAAA..." / "ssh-ed25519 AAAA..."
  std::string fingerprint;
};

// Generates a key pair (RSA 2048 or ED25519). Errors: InternalError when
// OpenSSL fails.
Result<CreatedKey> CreateKey(KeyType type);

struct ImportedKey {
  KeyType type = KeyType::kRsa;
  std::string public_key_openssh;
  std::string fingerprint;
};

// Reads PublicKeyMaterial after the API's base64 decoding: the OpenSSH line
// ("ssh-rsa AAAA... comment"), base64 DER, or the SSH2 (RFC 4716) file. RSA
// keys of 1024 to 4096 bits and ED25519. Errors: InvalidKey.Format.
Result<ImportedKey> ImportKey(std::string_view material);

}  // namespace awslab::ec2

#endif  // AWSLAB_EMULATOR_EC2_KEYS_H_
