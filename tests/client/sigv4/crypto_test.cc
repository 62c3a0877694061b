#include "client/include/awslab/crypto.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace awslab::crypto {
namespace {

TEST(CryptoSha256, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Hex(Sha256("abc")), Sha256Hex("abc"));
}

TEST(CryptoMd5, MatchesKnownVectors) {
  EXPECT_EQ(Hex(Md5("")), "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(Hex(Md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(Hex(Md5("The quick brown fox jumps over the lazy dog")),
            "9e107d9d372bb6826bd81d3542a419d6");
}

TEST(CryptoHmacSha256, MatchesRfc4231Vectors) {
  // RFC 4231 test case 2: a key shorter than the block.
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // Test case 1: 20 bytes of 0x0b.
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(Hex(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(CryptoHmacSha256, AcceptsEmptyKeyAndData) {
  EXPECT_EQ(Hex(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(CryptoHmacSha1, MatchesRfc2202Vectors) {
  // RFC 2202 test case 1: 20 bytes of 0x0b.
  EXPECT_EQ(Hex(HmacSha1(std::string(20, '\x0b'), "Hi There")),
            "b617318655057264e28bc0b6fb378c8ef146be00");
  // Test case 2: a key shorter than the block.
  EXPECT_EQ(Hex(HmacSha1("Jefe", "what do ya want for nothing?")),
            "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  // Test case 6: a key longer than the block is hashed first.
  EXPECT_EQ(Hex(HmacSha1(std::string(80, '\xaa'),
                         "Test Using Larger Than Block-Size Key - Hash Key First")),
            "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TEST(CryptoHmacSha1, AcceptsEmptyKeyAndData) {
  EXPECT_EQ(Hex(HmacSha1("", "")), "fbdb1d1b18aa6c08324b7d64b71fb76370690e1d");
}

TEST(CryptoHex, IsLowercaseAndCoversAllNibbles) {
  const unsigned char bytes[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
  EXPECT_EQ(Hex(bytes, sizeof(bytes)), "00017f80abff");
  EXPECT_EQ(Hex(nullptr, 0), "");
}

TEST(CryptoBase64, EncodesRfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64(plain), encoded) << plain;
    auto decoded = Base64Decode(encoded);
    ASSERT_TRUE(decoded.has_value()) << encoded;
    EXPECT_EQ(*decoded, plain);
  }
}

TEST(CryptoBase64, RoundTripsEveryByteValue) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    std::string data = all.substr(0, len);
    auto decoded = Base64Decode(Base64(data));
    ASSERT_TRUE(decoded.has_value()) << len;
    EXPECT_EQ(*decoded, data) << len;
  }
  // The array overload is what Content-MD5 uses.
  EXPECT_EQ(Base64(Md5("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
}

TEST(CryptoBase64, StrictDecodeRejectsMalformedInput) {
  for (std::string_view bad : {
           "Zg",         // missing padding
           "Zg=",        // length not a multiple of 4
           "Zm9v\n",     // whitespace
           "Zm 9",       // inner space
           "Z===",       // too much padding
           "====",       // only padding
           "Zg==Zm9v",   // padding in the middle
           "Zm9-",       // URL-safe alphabet
           "Zm9_",       // URL-safe alphabet
           "Zm=v",       // '=' before data
           "Zm9v\x80" "AAA",  // non-ASCII
       }) {
    EXPECT_FALSE(Base64Decode(bad).has_value()) << bad;
  }
  EXPECT_EQ(Base64Decode("").value_or("x"), "");
}

TEST(CryptoDigest, IncrementalEqualsOneShot) {
  std::string data;
  for (int i = 0; i < 100000; ++i) data.push_back(static_cast<char>('a' + i % 26));
  Digest sha(Digest::Kind::kSha256);
  Digest md5(Digest::Kind::kMd5);
  std::size_t pos = 0;
  for (std::size_t step = 1; pos < data.size(); step = step * 3 + 1) {
    std::string_view piece = std::string_view(data).substr(pos, step);
    sha.Update(piece);
    md5.Update(piece.data(), piece.size());
    pos += piece.size();
  }
  const Sha256Digest expect_sha = Sha256(data);
  const Md5Digest expect_md5 = Md5(data);
  EXPECT_EQ(sha.Finish(), std::string(expect_sha.begin(), expect_sha.end()));
  EXPECT_EQ(md5.Finish(), std::string(expect_md5.begin(), expect_md5.end()));
}

TEST(CryptoDigest, Sha1MatchesKnownVector) {
  Digest d(Digest::Kind::kSha1);
  d.Update("ab");
  d.Update("c");
  std::string raw = d.Finish();
  EXPECT_EQ(Hex(raw.data(), raw.size()), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(CryptoDigest, SizesFollowTheKind) {
  EXPECT_EQ(Digest(Digest::Kind::kMd5).Finish().size(), 16u);
  EXPECT_EQ(Digest(Digest::Kind::kSha1).Finish().size(), 20u);
  EXPECT_EQ(Digest(Digest::Kind::kSha256).Finish().size(), 32u);
}

TEST(CryptoDigest, MovedDigestKeepsState) {
  Digest a(Digest::Kind::kSha256);
  a.Update("ab");
  Digest b(std::move(a));
  b.Update("c");
  Digest c(Digest::Kind::kMd5);
  c = std::move(b);
  std::string raw = c.Finish();
  EXPECT_EQ(Hex(raw.data(), raw.size()), Sha256Hex("abc"));
}

TEST(CryptoDigest, FinishTwiceReturnsEmpty) {
  Digest d(Digest::Kind::kSha256);
  d.Update("abc");
  EXPECT_EQ(d.Finish().size(), 32u);
  d.Update("more");  // ignored
  EXPECT_EQ(d.Finish(), "");
}

TEST(CryptoConstantTimeEquals, ComparesContentAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoRandomBytes, FillsTheBufferDifferentlyEachTime) {
  std::string a(32, '\0'), b(32, '\0');
  RandomBytes(a.data(), a.size());
  RandomBytes(b.data(), b.size());
  EXPECT_NE(a, std::string(32, '\0'));
  EXPECT_NE(a, b);
  RandomBytes(nullptr, 0);  // no-op
}

}  // namespace
}  // namespace awslab::crypto
