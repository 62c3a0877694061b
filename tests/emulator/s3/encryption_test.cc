#include "emulator/s3/encryption.h"

#include <gtest/gtest.h>

#include <string>

#include "client/include/awslab/crypto.h"
#include "emulator/protocol/encryption_xml.h"
#include "emulator/s3/records.h"

namespace awslab::s3 {
namespace {

std::string FromHex(std::string_view hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

std::string Hex(const std::string& s) { return crypto::Hex(s.data(), s.size()); }

// NIST SP 800-38A, F.5.5 CTR-AES256.Encrypt.
const std::string kNistKey =
    FromHex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4");
const std::string kNistCounter = FromHex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
const std::string kNistPlain = FromHex(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
const std::string kNistCipher =
    "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
    "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6";

TEST(CtrCipher, MatchesNistVectors) {
  std::string data = kNistPlain;
  CtrCipher(kNistKey, kNistCounter).Apply(data);
  EXPECT_EQ(Hex(data), kNistCipher);
  CtrCipher(kNistKey, kNistCounter).Apply(data);  // decrypting is the same operation
  EXPECT_EQ(data, kNistPlain);
}

TEST(CtrCipher, StartsAtAnyOffsetAsTheWholeStreamWould) {
  for (std::uint64_t offset : {1u, 15u, 16u, 17u, 31u, 33u, 47u, 63u}) {
    std::string tail = kNistPlain.substr(offset);
    CtrCipher(kNistKey, kNistCounter, offset).Apply(tail);
    EXPECT_EQ(Hex(tail), kNistCipher.substr(offset * 2)) << offset;
  }
  // Piecewise application continues the stream.
  std::string data = kNistPlain;
  CtrCipher c(kNistKey, kNistCounter);
  c.Apply(data.data(), 5);
  c.Apply(data.data() + 5, 30);
  c.Apply(data.data() + 35, data.size() - 35);
  EXPECT_EQ(Hex(data), kNistCipher);
}

TEST(CtrCipher, CarriesAcrossTheCounterHalves) {
  // The counter's low 64 bits are all ones: block 1 carries into the high half.
  const std::string iv = FromHex("0000000000000001ffffffffffffffff");
  std::string whole(4096 + 37, 'x');
  std::string copy = whole;
  CtrCipher(kNistKey, iv).Apply(whole);
  for (std::uint64_t offset : {16u, 100u, 4096u}) {
    std::string tail = copy.substr(offset);
    CtrCipher(kNistKey, iv, offset).Apply(tail);
    EXPECT_EQ(tail, whole.substr(offset)) << offset;
  }
}

TEST(CustomerKey, CheckTellsTheRightKeyFromAWrongOne) {
  CustomerKey key{std::string(32, 'a'), ""};
  CustomerKey other{std::string(32, 'b'), ""};
  std::string salt = NewIv();
  std::string check = CustomerKeyCheck(key, salt);
  EXPECT_EQ(check.size(), 32u);
  EXPECT_EQ(check.find(key.key), std::string::npos);
  EXPECT_TRUE(CustomerKeyMatches(key, salt, check));
  EXPECT_FALSE(CustomerKeyMatches(other, salt, check));
  EXPECT_FALSE(CustomerKeyMatches(key, NewIv(), check));
  EXPECT_NE(NewIv(), NewIv());
}

TEST(KmsKeyArn, NamesKeysAsS3ReportsThem) {
  EXPECT_EQ(KmsKeyArn("arn:aws:kms:eu-west-1:111122223333:key/k", "us-east-1", "000000000000"),
            "arn:aws:kms:eu-west-1:111122223333:key/k");
  EXPECT_EQ(KmsKeyArn("1234", "us-east-1", "000000000000"),
            "arn:aws:kms:us-east-1:000000000000:key/1234");
  EXPECT_EQ(KmsKeyArn("alias/mine", "us-east-1", "000000000000"),
            "arn:aws:kms:us-east-1:000000000000:alias/mine");
  std::string managed = KmsKeyArn("", "us-east-1", "000000000000");
  EXPECT_EQ(managed, KmsKeyArn("", "us-east-1", "000000000000"));
  EXPECT_NE(managed, KmsKeyArn("", "us-west-2", "000000000000"));
  EXPECT_EQ(managed.size(), std::string("arn:aws:kms:us-east-1:000000000000:key/").size() + 36);
}

TEST(EncryptionRecords, SurviveEncoding) {
  ObjectRecord o;
  o.key = "k";
  o.meta.sse = "aws:kms";
  o.meta.sse_kms_key_arn = "arn:aws:kms:us-east-1:000000000000:key/1";
  o.meta.sse_context = "e30=";
  o.meta.sse_bucket_key = true;
  o.meta.sse_customer_algorithm = "AES256";
  o.meta.sse_customer_key_md5 = "md5";
  o.meta.sse_customer_salt = std::string("\0salt", 5);
  o.meta.sse_customer_key_check = "check";
  o.meta.sse_customer_iv = "iv";
  o.parts.push_back({"blob1", 10, "iv1"});
  o.parts.push_back({"blob2", 5, ""});
  auto d = DecodeObject("k", EncodeObject(o));
  ASSERT_TRUE(d);
  EXPECT_EQ(d->meta.sse, o.meta.sse);
  EXPECT_EQ(d->meta.sse_kms_key_arn, o.meta.sse_kms_key_arn);
  EXPECT_EQ(d->meta.sse_context, o.meta.sse_context);
  EXPECT_TRUE(d->meta.sse_bucket_key);
  EXPECT_EQ(d->meta.sse_customer_algorithm, "AES256");
  EXPECT_EQ(d->meta.sse_customer_key_md5, "md5");
  EXPECT_EQ(d->meta.sse_customer_salt, o.meta.sse_customer_salt);
  EXPECT_EQ(d->meta.sse_customer_key_check, "check");
  EXPECT_EQ(d->meta.sse_customer_iv, "iv");
  ASSERT_EQ(d->parts.size(), 2u);
  EXPECT_EQ(d->parts[0].sse_customer_iv, "iv1");
  EXPECT_EQ(d->parts[1].sse_customer_iv, "");

  UploadRecord u;
  u.meta = o.meta;
  auto du = DecodeUpload(EncodeUpload(u));
  ASSERT_TRUE(du);
  EXPECT_EQ(du->meta.sse_customer_key_check, "check");

  PartRecord p;
  p.part_number = 3;
  p.sse_customer_iv = "piv";
  auto dp = DecodePart(EncodePart(p));
  ASSERT_TRUE(dp);
  EXPECT_EQ(dp->sse_customer_iv, "piv");

  BucketRecord b;
  b.encryption = BucketEncryption{"aws:kms", "key", true};
  auto db = DecodeBucket("b", EncodeBucket(b));
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->encryption);
  EXPECT_EQ(*db->encryption, *b.encryption);
  BucketRecord none;
  EXPECT_FALSE(DecodeBucket("b", EncodeBucket(none))->encryption);
}

std::string Config(const std::string& rules) {
  return "<ServerSideEncryptionConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" +
         rules + "</ServerSideEncryptionConfiguration>";
}

TEST(EncryptionXml, ParsesOneRuleAndRefusesWhatS3Refuses) {
  auto kms = protocol::ParseServerSideEncryptionConfiguration(Config(
      "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
      "<KMSMasterKeyID>k1</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>"
      "<BucketKeyEnabled>true</BucketKeyEnabled></Rule>"));
  ASSERT_TRUE(kms);
  EXPECT_EQ(*kms, (BucketEncryption{"aws:kms", "k1", true}));
  auto back = protocol::ParseServerSideEncryptionConfiguration(
      protocol::ServerSideEncryptionConfigurationXml(*kms));
  ASSERT_TRUE(back);
  EXPECT_EQ(*back, *kms);

  const struct {
    std::string body;
    ErrorCode code;
  } kBad[] = {
      {Config(""), ErrorCode::kMalformedXML},
      {Config("<Rule/>"), ErrorCode::kMalformedXML},
      {Config("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>DES</SSEAlgorithm>"
              "</ApplyServerSideEncryptionByDefault></Rule>"),
       ErrorCode::kMalformedXML},
      {Config("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
              "</ApplyServerSideEncryptionByDefault></Rule>"
              "<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
              "</ApplyServerSideEncryptionByDefault></Rule>"),
       ErrorCode::kMalformedXML},
      {Config("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
              "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>yes</BucketKeyEnabled>"
              "</Rule>"),
       ErrorCode::kMalformedXML},
      {Config("<Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
              "<KMSMasterKeyID>k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault></Rule>"),
       ErrorCode::kInvalidArgument},
      {"<Other/>", ErrorCode::kMalformedXML},
      {"not xml", ErrorCode::kMalformedXML},
  };
  for (const auto& c : kBad) {
    auto r = protocol::ParseServerSideEncryptionConfiguration(c.body);
    ASSERT_FALSE(r) << c.body;
    EXPECT_EQ(r.error().code, c.code) << c.body;
  }
}

}  // namespace
}  // namespace awslab::s3
