#include "emulator/ec2/keys.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "client/include/awslab/crypto.h"

namespace awslab::ec2 {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";
constexpr std::string_view kFormatMessage = "Key is not in valid OpenSSH public key format";

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// Runs a shell command; its stdout, or nullopt when it exits non-zero.
// stderr goes to the test's own, where a failure's reason shows.
std::optional<std::string> Shell(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
  const int status = ::pclose(pipe);
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return std::nullopt;
  return out;
}

// The digest `openssl md5 -c` / `openssl sha1 -c` prints: "MD5(stdin)= ab:cd:...".
std::string DigestFromOpensslOutput(const std::string& out) {
  const std::size_t eq = out.find("= ");
  return eq == out.npos ? out : Trim(out.substr(eq + 2));
}

std::string PutU32(std::uint32_t v) {
  std::string s;
  for (int shift = 24; shift >= 0; shift -= 8) s.push_back(static_cast<char>((v >> shift) & 0xff));
  return s;
}

std::string SshString(std::string_view s) {
  return PutU32(static_cast<std::uint32_t>(s.size())) + std::string(s);
}

std::string RandomBytes(std::size_t n) {
  std::string s(n, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(s.data()), static_cast<int>(n));
  return s;
}

// A positive mpint of exactly `bits` bits (odd, top bit set), random otherwise.
std::string RandomMpint(int bits) {
  std::string bytes = RandomBytes(static_cast<std::size_t>((bits + 7) / 8));
  const int top = (bits - 1) % 8;
  bytes[0] =
      static_cast<char>((static_cast<unsigned char>(bytes[0]) & ((2 << top) - 1)) | (1 << top));
  bytes.back() = static_cast<char>(bytes.back() | 1);
  if ((static_cast<unsigned char>(bytes[0]) & 0x80) != 0) bytes.insert(0, 1, '\0');
  return SshString(bytes);
}

std::string RsaLine(std::string_view e_mpint, std::string_view n_mpint) {
  return "ssh-rsa " +
         crypto::Base64(SshString("ssh-rsa") + std::string(e_mpint) + std::string(n_mpint));
}

const std::string kE65537 = SshString(std::string("\x01\x00\x01", 3));

void ExpectFormatError(std::string_view material, std::string_view why) {
  Result<ImportedKey> r = ImportKey(material);
  ASSERT_FALSE(r.has_value()) << why << ": accepted as " << r->public_key_openssh;
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidKeyFormat) << why;
  EXPECT_EQ(r.error().Message(), kFormatMessage) << why;
}

class KeysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Not a skip: scripts/deps.sh test installs both, and without them
    // nothing here would check the keys against real tools.
    ASSERT_EQ(::access(kSshKeygen, X_OK), 0)
        << kSshKeygen << " is missing: run scripts/deps.sh test (openssh-client)";
    ASSERT_TRUE(Shell("openssl version >/dev/null").has_value())
        << "the openssl command is missing: run scripts/deps.sh test (openssl)";
    std::string templ = (fs::temp_directory_path() / "awslab-keys-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
  }

  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }

  // Writes `content` to dir_/name with the given mode; returns the quoted path.
  std::string Write(const std::string& name, const std::string& content,
                    fs::perms mode = fs::perms::owner_read | fs::perms::owner_write) {
    const fs::path path = dir_ / name;
    {
      std::ofstream f(path, std::ios::binary | std::ios::trunc);
      f << content;
    }
    fs::permissions(path, mode);
    return "'" + path.string() + "'";
  }

  std::string Path(const std::string& name) const { return "'" + (dir_ / name).string() + "'"; }

  // ssh-keygen -q -t <type> [-b bits] -N '' -C comment -f dir_/name; returns
  // the public key file's content.
  std::string SshKeygen(const std::string& name, const std::string& args) {
    auto out = Shell(std::string(kSshKeygen) + " -q " + args + " -N '' -C 'alice@example' -f " +
                     Path(name) + " </dev/null");
    EXPECT_TRUE(out.has_value()) << "ssh-keygen " << args;
    std::ifstream f(dir_ / (name + ".pub"));
    return std::string(std::istreambuf_iterator<char>(f), {});
  }

  // What `ssh-keygen -y` derives from a private key file of mode 0400.
  std::string PublicFromPrivate(const std::string& name, const std::string& private_key) {
    const std::string path = Write(name, private_key, fs::perms::owner_read);
    auto out = Shell(std::string(kSshKeygen) + " -y -f " + path);
    EXPECT_TRUE(out.has_value()) << "ssh-keygen -y refused:\n" << private_key;
    return Trim(out.value_or(""));
  }

  // "SHA256:<base64 without padding>" as `ssh-keygen -l -E sha256` prints it.
  std::string SshKeygenSha256(const std::string& quoted_path) {
    auto out = Shell(std::string(kSshKeygen) + " -l -E sha256 -f " + quoted_path);
    EXPECT_TRUE(out.has_value());
    const std::string s = out.value_or("");
    const std::size_t start = s.find("SHA256:");
    if (start == s.npos) return s;
    return s.substr(start, s.find(' ', start) - start);
  }

  // AWS's guide for imported RSA keys, from the OpenSSH public key file:
  // MD5 of the SubjectPublicKeyInfo DER.
  std::string OpensslMd5OfPublicKey(const std::string& quoted_pub) {
    auto out = Shell(std::string(kSshKeygen) + " -e -m PKCS8 -f " + quoted_pub +
                     " | openssl pkey -pubin -outform DER | openssl md5 -c");
    EXPECT_TRUE(out.has_value());
    return DigestFromOpensslOutput(out.value_or(""));
  }

  // base64 of the DER SubjectPublicKeyInfo of an OpenSSH public key file.
  std::string DerBase64(const std::string& quoted_pub, int wrap) {
    auto out = Shell(std::string(kSshKeygen) + " -e -m PKCS8 -f " + quoted_pub +
                     " | openssl pkey -pubin -outform DER | base64 -w " + std::to_string(wrap));
    EXPECT_TRUE(out.has_value());
    return out.value_or("");
  }

  fs::path dir_;
};

std::string WithoutPadding(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

// The part of an OpenSSH line before the comment.
std::string TypeAndBlob(const std::string& line) {
  const std::size_t first = line.find(' ');
  return Trim(line.substr(0, line.find(' ', first + 1)));
}

bool AllLinesAtMost(const std::string& text, std::size_t width) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t eol = text.find('\n', start);
    if (eol == text.npos) eol = text.size();
    if (eol - start > width) return false;
    start = eol + 1;
  }
  return true;
}

TEST(KeyTypeName, IsTheApiSpelling) {
  EXPECT_EQ(KeyTypeName(KeyType::kRsa), "rsa");
  EXPECT_EQ(KeyTypeName(KeyType::kEd25519), "ed25519");
}

// ---------------------------------------------------------------------------
// CreateKeyPair.
// ---------------------------------------------------------------------------

TEST_F(KeysTest, CreatedRsaKeyIsAPkcs1PemThatSshKeygenReads) {
  Result<CreatedKey> key = CreateKey(KeyType::kRsa);
  ASSERT_TRUE(key.has_value()) << key.error().Message();
  EXPECT_EQ(key->type, KeyType::kRsa);
  EXPECT_TRUE(key->private_key.starts_with("-----BEGIN RSA PRIVATE KEY-----\n"));
  EXPECT_TRUE(Trim(key->private_key).ends_with("\n-----END RSA PRIVATE KEY-----"));
  EXPECT_TRUE(AllLinesAtMost(key->private_key, 64));
  EXPECT_TRUE(key->public_key_openssh.starts_with("ssh-rsa AAAAB3NzaC1yc2E"));
  EXPECT_EQ(PublicFromPrivate("rsa.pem", key->private_key), key->public_key_openssh);

  auto bits = Shell("openssl rsa -noout -text -in " + Path("rsa.pem") + " | head -1");
  ASSERT_TRUE(bits.has_value());
  EXPECT_NE(bits->find("2048 bit"), std::string::npos) << *bits;
}

TEST_F(KeysTest, CreatedRsaFingerprintIsSha1OfThePkcs8Der) {
  Result<CreatedKey> key = CreateKey(KeyType::kRsa);
  ASSERT_TRUE(key.has_value());
  const std::string path = Write("rsa.pem", key->private_key, fs::perms::owner_read);
  // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/verify-keys.html
  auto out = Shell("openssl pkcs8 -in " + path +
                   " -inform PEM -outform DER -topk8 -nocrypt | openssl sha1 -c");
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(key->fingerprint, DigestFromOpensslOutput(*out));
  EXPECT_EQ(key->fingerprint.size(), 59u);
}

TEST_F(KeysTest, CreatedEd25519KeyIsAnOpenSshPrivateKeyThatSshKeygenReads) {
  Result<CreatedKey> key = CreateKey(KeyType::kEd25519);
  ASSERT_TRUE(key.has_value()) << key.error().Message();
  EXPECT_EQ(key->type, KeyType::kEd25519);
  EXPECT_TRUE(key->private_key.starts_with("-----BEGIN OPENSSH PRIVATE KEY-----\n"));
  EXPECT_TRUE(key->private_key.ends_with("\n-----END OPENSSH PRIVATE KEY-----\n"));
  EXPECT_TRUE(AllLinesAtMost(key->private_key, 70));
  EXPECT_TRUE(key->public_key_openssh.starts_with("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5"));
  EXPECT_EQ(PublicFromPrivate("ed.pem", key->private_key), key->public_key_openssh);
}

TEST_F(KeysTest, CreatedEd25519FingerprintIsSshKeygensWithPadding) {
  Result<CreatedKey> key = CreateKey(KeyType::kEd25519);
  ASSERT_TRUE(key.has_value());
  // The private key file itself: ssh-keygen -l reads its public part.
  const std::string path = Write("ed.pem", key->private_key, fs::perms::owner_read);
  EXPECT_EQ("SHA256:" + WithoutPadding(key->fingerprint), SshKeygenSha256(path));
  EXPECT_EQ(key->fingerprint.size(), 44u);
  EXPECT_EQ(key->fingerprint.back(), '=');
}

TEST_F(KeysTest, TwoCreatedKeysDiffer) {
  for (KeyType type : {KeyType::kRsa, KeyType::kEd25519}) {
    Result<CreatedKey> a = CreateKey(type);
    Result<CreatedKey> b = CreateKey(type);
    ASSERT_TRUE(a.has_value() && b.has_value());
    EXPECT_NE(a->private_key, b->private_key);
    EXPECT_NE(a->public_key_openssh, b->public_key_openssh);
    EXPECT_NE(a->fingerprint, b->fingerprint);
  }
}

// A created key's public half imported again: same key, and for RSA the
// fingerprint AWS would give the import (MD5 of the public key).
TEST_F(KeysTest, CreatedKeysImportBack) {
  Result<CreatedKey> ed = CreateKey(KeyType::kEd25519);
  ASSERT_TRUE(ed.has_value());
  Result<ImportedKey> ed_back = ImportKey(ed->public_key_openssh);
  ASSERT_TRUE(ed_back.has_value());
  EXPECT_EQ(ed_back->public_key_openssh, ed->public_key_openssh);
  EXPECT_EQ(ed_back->fingerprint, ed->fingerprint);

  Result<CreatedKey> rsa = CreateKey(KeyType::kRsa);
  ASSERT_TRUE(rsa.has_value());
  Result<ImportedKey> rsa_back = ImportKey(rsa->public_key_openssh);
  ASSERT_TRUE(rsa_back.has_value());
  EXPECT_EQ(rsa_back->public_key_openssh, rsa->public_key_openssh);
  const std::string pem = Write("rsa.pem", rsa->private_key, fs::perms::owner_read);
  auto md5 = Shell("openssl rsa -in " + pem + " -pubout -outform DER 2>/dev/null | openssl md5 -c");
  ASSERT_TRUE(md5.has_value());
  EXPECT_EQ(rsa_back->fingerprint, DigestFromOpensslOutput(*md5));
}

// ---------------------------------------------------------------------------
// ImportKeyPair.
// ---------------------------------------------------------------------------

TEST_F(KeysTest, ImportsSshKeygenRsaKeysOfTheSupportedSizes) {
  for (int bits : {1024, 2048, 4096}) {
    SCOPED_TRACE(bits);
    const std::string name = "id_rsa" + std::to_string(bits);
    const std::string line = SshKeygen(name, "-t rsa -b " + std::to_string(bits));
    ASSERT_TRUE(line.starts_with("ssh-rsa ")) << line;
    Result<ImportedKey> key = ImportKey(line);
    ASSERT_TRUE(key.has_value()) << key.error().Message();
    EXPECT_EQ(key->type, KeyType::kRsa);
    EXPECT_EQ(key->public_key_openssh, TypeAndBlob(line));  // the comment dropped
    EXPECT_EQ(key->fingerprint, OpensslMd5OfPublicKey(Path(name + ".pub")));
    EXPECT_EQ(key->fingerprint.size(), 47u);
  }
}

TEST_F(KeysTest, ImportsSshKeygenEd25519Key) {
  const std::string line = SshKeygen("id_ed25519", "-t ed25519");
  Result<ImportedKey> key = ImportKey(line);
  ASSERT_TRUE(key.has_value()) << key.error().Message();
  EXPECT_EQ(key->type, KeyType::kEd25519);
  EXPECT_EQ(key->public_key_openssh, TypeAndBlob(line));
  EXPECT_EQ("SHA256:" + WithoutPadding(key->fingerprint), SshKeygenSha256(Path("id_ed25519.pub")));
}

TEST_F(KeysTest, OpenSshLineWithoutCommentOrWithSpaces) {
  const std::string line = Trim(SshKeygen("id_ed25519", "-t ed25519"));
  const std::string bare = TypeAndBlob(line);
  Result<ImportedKey> a = ImportKey(bare);
  Result<ImportedKey> b = ImportKey("  " + bare + "   a comment with spaces\r\n");
  Result<ImportedKey> c = ImportKey(line);
  ASSERT_TRUE(a.has_value() && b.has_value() && c.has_value());
  EXPECT_EQ(a->fingerprint, c->fingerprint);
  EXPECT_EQ(b->fingerprint, c->fingerprint);
  EXPECT_EQ(b->public_key_openssh, bare);
}

TEST_F(KeysTest, ImportsTheRfc4716Export) {
  for (const char* type : {"rsa", "ed25519"}) {
    SCOPED_TRACE(type);
    const std::string name = std::string("id_") + type;
    const std::string line = SshKeygen(name, std::string("-t ") + type);
    auto ssh2 = Shell(std::string(kSshKeygen) + " -e -f " + Path(name + ".pub"));
    ASSERT_TRUE(ssh2.has_value());
    ASSERT_TRUE(ssh2->starts_with("---- BEGIN SSH2 PUBLIC KEY ----\nComment: ")) << *ssh2;
    Result<ImportedKey> from_line = ImportKey(line);
    Result<ImportedKey> from_ssh2 = ImportKey(*ssh2);
    ASSERT_TRUE(from_line.has_value());
    ASSERT_TRUE(from_ssh2.has_value()) << *ssh2;
    EXPECT_EQ(from_ssh2->type, from_line->type);
    EXPECT_EQ(from_ssh2->public_key_openssh, from_line->public_key_openssh);
    EXPECT_EQ(from_ssh2->fingerprint, from_line->fingerprint);
  }
}

TEST_F(KeysTest, Rfc4716HeadersMayBeContinuedAndCrLf) {
  const std::string line = SshKeygen("id_ed25519", "-t ed25519");
  const std::string b64 = TypeAndBlob(line).substr(std::string("ssh-ed25519 ").size());
  const std::string ssh2 =
      "---- BEGIN SSH2 PUBLIC KEY ----\r\n"
      "Subject: alice\r\n"
      "Comment: \"a comment that goes on \\\r\n"
      "and on: over two lines\"\r\n"
      "x-private: whatever\r\n" +
      b64.substr(0, 20) + "\r\n" + b64.substr(20) + "\r\n---- END SSH2 PUBLIC KEY ----\r\n";
  Result<ImportedKey> key = ImportKey(ssh2);
  ASSERT_TRUE(key.has_value()) << ssh2;
  EXPECT_EQ(key->public_key_openssh, TypeAndBlob(line));
}

TEST_F(KeysTest, ImportsBase64Der) {
  const std::string line = SshKeygen("id_rsa", "-t rsa -b 2048");
  Result<ImportedKey> from_line = ImportKey(line);
  ASSERT_TRUE(from_line.has_value());
  for (int wrap : {0, 64}) {
    SCOPED_TRACE(wrap);
    const std::string der = DerBase64(Path("id_rsa.pub"), wrap);
    ASSERT_TRUE(der.starts_with("MII")) << der;
    Result<ImportedKey> from_der = ImportKey(der);
    ASSERT_TRUE(from_der.has_value()) << der;
    EXPECT_EQ(from_der->type, KeyType::kRsa);
    EXPECT_EQ(from_der->public_key_openssh, from_line->public_key_openssh);
    EXPECT_EQ(from_der->fingerprint, from_line->fingerprint);
  }
}

// ---------------------------------------------------------------------------
// What ImportKeyPair refuses.
// ---------------------------------------------------------------------------

TEST_F(KeysTest, RejectsDsaAndEcdsa) {
  // DSA by hand (OpenSSH 9 no longer makes them): string "ssh-dss", mpint p, q, g, y.
  const std::string dss = SshString("ssh-dss") + RandomMpint(1024) + RandomMpint(160) +
                          RandomMpint(1024) + RandomMpint(1024);
  ExpectFormatError("ssh-dss " + crypto::Base64(dss) + " bob", "ssh-dss");

  const std::string ecdsa = SshKeygen("id_ecdsa", "-t ecdsa");
  ASSERT_TRUE(ecdsa.starts_with("ecdsa-sha2-nistp256 ")) << ecdsa;
  ExpectFormatError(ecdsa, "ecdsa line");
  auto ecdsa_ssh2 = Shell(std::string(kSshKeygen) + " -e -f " + Path("id_ecdsa.pub"));
  ASSERT_TRUE(ecdsa_ssh2.has_value());
  ExpectFormatError(*ecdsa_ssh2, "ecdsa RFC 4716");
  auto ecdsa_der = Shell(std::string(kSshKeygen) + " -e -m PKCS8 -f " + Path("id_ecdsa.pub") +
                         " | openssl pkey -pubin -outform DER | base64 -w0");
  ASSERT_TRUE(ecdsa_der.has_value());
  ExpectFormatError(*ecdsa_der, "ecdsa DER");
}

TEST_F(KeysTest, RejectsGarbageAndEmpty) {
  ExpectFormatError("", "empty");
  ExpectFormatError(" \r\n\t", "blank");
  ExpectFormatError("hello world", "words");
  ExpectFormatError("ssh-rsa", "type alone");
  ExpectFormatError("ssh-rsa not*base64", "bad base64");
  ExpectFormatError("ssh-rsa " + crypto::Base64(RandomBytes(300)), "random blob");
  ExpectFormatError(crypto::Base64(RandomBytes(300)), "random DER");
  ExpectFormatError("---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n", "no END line");
  ExpectFormatError(std::string("ssh-ed25519 \0\0\0", 15), "NULs");
}

TEST_F(KeysTest, RejectsTruncatedKeys) {
  for (const char* type : {"rsa", "ed25519"}) {
    SCOPED_TRACE(type);
    const std::string name = std::string("id_") + type;
    const std::string bare = TypeAndBlob(SshKeygen(name, std::string("-t ") + type));
    const std::size_t space = bare.find(' ');
    const std::string prefix = bare.substr(0, space + 1);
    const std::optional<std::string> blob = crypto::Base64Decode(bare.substr(space + 1));
    ASSERT_TRUE(blob.has_value());
    // Cut anywhere: in the type, a length, e, n or the ED25519 key.
    for (std::size_t keep : {std::size_t{2}, std::size_t{10}, std::size_t{20}, blob->size() - 1}) {
      ExpectFormatError(prefix + crypto::Base64(blob->substr(0, keep)),
                        "blob cut to " + std::to_string(keep));
    }
    ExpectFormatError(bare.substr(0, bare.size() - 7), "base64 cut");
    ExpectFormatError(prefix + crypto::Base64(*blob + "x"), "trailing byte");
    if (std::string_view(type) != "rsa") continue;  // ssh-keygen has no DER for ED25519

    auto der = Shell(std::string(kSshKeygen) + " -e -m PKCS8 -f " + Path(name + ".pub") +
                     " | openssl pkey -pubin -outform DER");
    ASSERT_TRUE(der.has_value());
    ExpectFormatError(crypto::Base64(der->substr(0, der->size() - 1)), "DER cut");
  }
}

TEST_F(KeysTest, RejectsPrivateKeys) {
  Result<CreatedKey> rsa = CreateKey(KeyType::kRsa);
  Result<CreatedKey> ed = CreateKey(KeyType::kEd25519);
  ASSERT_TRUE(rsa.has_value() && ed.has_value());
  ExpectFormatError(rsa->private_key, "PKCS#1 private key");
  ExpectFormatError(ed->private_key, "OpenSSH private key");
  const std::string pem = Write("rsa.pem", rsa->private_key, fs::perms::owner_read);
  auto pkcs8 = Shell("openssl pkcs8 -in " + pem + " -topk8 -nocrypt -outform DER | base64 -w0");
  ASSERT_TRUE(pkcs8.has_value());
  ExpectFormatError(*pkcs8, "PKCS#8 DER private key");
}

TEST_F(KeysTest, RejectsMismatchedAndMalformedBlobs) {
  const std::string rsa_line = TypeAndBlob(SshKeygen("id_rsa", "-t rsa -b 2048"));
  const std::string ed_line = TypeAndBlob(SshKeygen("id_ed25519", "-t ed25519"));
  // The name before the blob must be the blob's.
  ExpectFormatError("ssh-ed25519 " + rsa_line.substr(8), "rsa blob named ed25519");
  ExpectFormatError("ssh-rsa " + ed_line.substr(12), "ed25519 blob named rsa");
  // ED25519 keys are 32 bytes.
  ExpectFormatError(
      "ssh-ed25519 " + crypto::Base64(SshString("ssh-ed25519") + SshString(RandomBytes(31))),
      "31-byte ed25519");
  ExpectFormatError(
      "ssh-ed25519 " + crypto::Base64(SshString("ssh-ed25519") + SshString(RandomBytes(33))),
      "33-byte ed25519");
  // A negative n, an even n, an even e.
  std::string negative = RandomMpint(2048);
  negative.erase(4, 1);  // drop the 0x00 that kept it positive
  negative.replace(0, 4, PutU32(static_cast<std::uint32_t>(negative.size() - 4)));
  ExpectFormatError(RsaLine(kE65537, negative), "negative n");
  std::string even = RandomMpint(2048);
  even.back() = static_cast<char>(even.back() & ~1);
  ExpectFormatError(RsaLine(kE65537, even), "even n");
  ExpectFormatError(RsaLine(SshString(std::string("\x01\x00\x00", 3)), RandomMpint(2048)),
                    "even e");
}

TEST_F(KeysTest, RsaSizesFrom1024To4096Bits) {
  ExpectFormatError(RsaLine(kE65537, RandomMpint(512)), "512 bits");
  ExpectFormatError(RsaLine(kE65537, RandomMpint(1023)), "1023 bits");
  ExpectFormatError(RsaLine(kE65537, RandomMpint(4097)), "4097 bits");
  ExpectFormatError(RsaLine(kE65537, RandomMpint(8192)), "8192 bits");
  // The blob alone is enough here (no primality test): sizes in range pass.
  for (int bits : {1024, 3072, 4096}) {
    Result<ImportedKey> key = ImportKey(RsaLine(kE65537, RandomMpint(bits)));
    EXPECT_TRUE(key.has_value()) << bits;
  }
}

TEST(KeysError, IsInvalidKeyFormat) {
  Result<ImportedKey> r = ImportKey("nonsense");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(Describe(r.error().code).code, "InvalidKey.Format");
  EXPECT_EQ(Describe(r.error().code).http_status, 400);
}

}  // namespace
}  // namespace awslab::ec2
