// The forms of Ec2Client and the JSON body of CostExplorerClient, byte for
// byte as botocore 1.29.27 builds them. The expected strings were produced
// with Debian's botocore (EC2Serializer / JSONSerializer over its models,
// then urllib's urlencode or json.dumps as AWSRequest does) from the same
// inputs given in the model's member order. No server needed.
#include <gtest/gtest.h>

#include "client/include/awslab/ce.h"
#include "client/include/awslab/ec2.h"

namespace awslab::client {
namespace {

using ec2::Ec2Client;
using ec2::EncodeForm;

TEST(Ec2ParamsTest, RunInstancesEverything) {
  ec2::RunInstancesRequest r;
  r.block_device_mappings = {{"/dev/sda1", true, 20, "gp3", std::nullopt}};
  r.image_id = "ami-d1737bb8";
  r.instance_type = "t2.micro";
  r.key_name = "course key";
  r.max_count = 2;
  r.min_count = 1;
  r.availability_zone = "us-east-1c";
  r.security_group_ids = {"sg-1", "sg-2"};
  r.security_groups = {"web"};
  r.subnet_id = "subnet-1";
  r.user_data = "#!/bin/sh\n";
  r.client_token = "tok";
  r.dry_run = false;
  r.tags = {{"Name", "vm 1"}};
  r.tag_specifications = {{"volume", {{"disk", ""}}}};
  r.spot = ec2::SpotOptions{"0.05", "persistent", "stop"};
  EXPECT_EQ(
      EncodeForm("RunInstances", Ec2Client::Params(r)),
      "Action=RunInstances&Version=2016-11-15&BlockDeviceMapping.1.DeviceName=%2Fdev%2Fsda1&"
      "BlockDeviceMapping.1.Ebs.DeleteOnTermination=true&BlockDeviceMapping.1.Ebs.VolumeSize=20&"
      "BlockDeviceMapping.1.Ebs.VolumeType=gp3&ImageId=ami-d1737bb8&InstanceType=t2.micro&"
      "KeyName=course+key&MaxCount=2&MinCount=1&Placement.AvailabilityZone=us-east-1c&"
      "SecurityGroupId.1=sg-1&SecurityGroupId.2=sg-2&SecurityGroup.1=web&SubnetId=subnet-1&"
      "UserData=IyEvYmluL3NoCg%3D%3D&ClientToken=tok&DryRun=false&"
      "TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&"
      "TagSpecification.1.Tag.1.Value=vm+1&TagSpecification.2.ResourceType=volume&"
      "TagSpecification.2.Tag.1.Key=disk&TagSpecification.2.Tag.1.Value=&"
      "InstanceMarketOptions.MarketType=spot&InstanceMarketOptions.SpotOptions.MaxPrice=0.05&"
      "InstanceMarketOptions.SpotOptions.SpotInstanceType=persistent&"
      "InstanceMarketOptions.SpotOptions.InstanceInterruptionBehavior=stop");
}

// Without a ClientToken, a fresh UUID goes last, as botocore's
// generate_idempotent_uuid appends it.
TEST(Ec2ParamsTest, RunInstancesGeneratesTheClientTokenLast) {
  ec2::RunInstancesRequest r;
  r.image_id = "ami-1";
  r.dry_run = true;
  ec2::QueryParams p = Ec2Client::Params(r);
  ASSERT_EQ(p.size(), 5u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"ImageId", "ami-1"}));
  EXPECT_EQ(p[1].first, "MaxCount");
  EXPECT_EQ(p[2].first, "MinCount");
  EXPECT_EQ(p[3].first, "DryRun");
  EXPECT_EQ(p[4].first, "ClientToken");
  EXPECT_EQ(p[4].second.size(), 36u);
  EXPECT_EQ(p[4].second[14], '4');  // a version 4 UUID
  EXPECT_NE(Ec2Client::Params(r)[4].second, p[4].second);
}

TEST(Ec2ParamsTest, DescribeInstancesEncodesAsUrlencode) {
  ec2::DescribeInstancesRequest r;
  r.filters = {{"tag:Name", {"a b", "c*"}}};
  r.instance_ids = {"i-1", "i-2"};
  r.dry_run = true;
  r.max_results = 10;
  r.next_token = "abc/+=";
  EXPECT_EQ(EncodeForm("DescribeInstances", Ec2Client::Params(r)),
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&"
            "Filter.1.Value.1=a+b&Filter.1.Value.2=c%2A&InstanceId.1=i-1&InstanceId.2=i-2&"
            "DryRun=true&MaxResults=10&NextToken=abc%2F%2B%3D");
  // Python's quote_plus: only A-Z a-z 0-9 _ . - ~ stay.
  EXPECT_EQ(EncodeForm("DescribeInstances", {{"Filter.1.Name", "tag:Name"},
                                             {"Filter.1.Value.1", "a b+c/d=\xc3\xa9*~!'()"},
                                             {"Filter.1.Value.2", ""}}),
            "Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=tag%3AName&"
            "Filter.1.Value.1=a+b%2Bc%2Fd%3D%C3%A9%2A~%21%27%28%29&Filter.1.Value.2=");
}

TEST(Ec2ParamsTest, KeyPairs) {
  ec2::CreateKeyPairRequest c;
  c.key_name = "k";
  c.dry_run = false;
  c.key_type = "ed25519";
  c.tags = {{"a", "b"}};
  c.key_format = "pem";
  EXPECT_EQ(EncodeForm("CreateKeyPair", Ec2Client::Params(c)),
            "Action=CreateKeyPair&Version=2016-11-15&KeyName=k&DryRun=false&KeyType=ed25519&"
            "TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Key=a&"
            "TagSpecification.1.Tag.1.Value=b&KeyFormat=pem");
  ec2::ImportKeyPairRequest i;
  i.key_name = "k";
  i.public_key_material = "ssh-ed25519 AAAA me";
  i.tags = {{"a", "b"}};
  EXPECT_EQ(EncodeForm("ImportKeyPair", Ec2Client::Params(i)),
            "Action=ImportKeyPair&Version=2016-11-15&KeyName=k&"
            "PublicKeyMaterial=c3NoLWVkMjU1MTkgQUFBQSBtZQ%3D%3D&"
            "TagSpecification.1.ResourceType=key-pair&TagSpecification.1.Tag.1.Key=a&"
            "TagSpecification.1.Tag.1.Value=b");
}

TEST(Ec2ParamsTest, SecurityGroups) {
  ec2::IngressRequest in;
  in.group_id = "sg-1";
  ec2::IpPermission p = ec2::TcpPermission(22, "0.0.0.0/0");
  p.ip_ranges[0].description = "ssh";
  p.ipv6_ranges = {{"::/0", ""}};
  p.user_id_group_pairs = {{"", "sg-2", "", "123"}};
  in.ip_permissions = {p};
  EXPECT_EQ(EncodeForm("AuthorizeSecurityGroupIngress", Ec2Client::Params(in)),
            "Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId=sg-1&"
            "IpPermissions.1.FromPort=22&IpPermissions.1.IpProtocol=tcp&"
            "IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0&IpPermissions.1.IpRanges.1.Description=ssh&"
            "IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0&IpPermissions.1.ToPort=22&"
            "IpPermissions.1.Groups.1.GroupId=sg-2&IpPermissions.1.Groups.1.UserId=123");
  ec2::EgressRequest out;
  out.dry_run = true;
  out.group_id = "sg-1";
  ec2::IpPermission all;
  all.ip_protocol = "-1";
  all.ip_ranges = {{"10.0.0.0/8", ""}};
  out.ip_permissions = {all};
  EXPECT_EQ(EncodeForm("AuthorizeSecurityGroupEgress", Ec2Client::Params(out)),
            "Action=AuthorizeSecurityGroupEgress&Version=2016-11-15&DryRun=true&GroupId=sg-1&"
            "IpPermissions.1.IpProtocol=-1&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F8");
  ec2::CreateSecurityGroupRequest c;
  c.description = "d e";
  c.group_name = "g";
  c.vpc_id = "vpc-1";
  c.tags = {{"a", "b"}};
  c.dry_run = true;
  EXPECT_EQ(EncodeForm("CreateSecurityGroup", Ec2Client::Params(c)),
            "Action=CreateSecurityGroup&Version=2016-11-15&GroupDescription=d+e&GroupName=g&"
            "VpcId=vpc-1&TagSpecification.1.ResourceType=security-group&"
            "TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=b&DryRun=true");
  ec2::DescribeSecurityGroupsRequest d;
  d.filters = {{"group-name", {"d*"}}};
  d.group_names = {"g"};
  d.next_token = "n";
  d.max_results = 5;
  EXPECT_EQ(EncodeForm("DescribeSecurityGroups", Ec2Client::Params(d)),
            "Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-name&"
            "Filter.1.Value.1=d%2A&GroupName.1=g&NextToken=n&MaxResults=5");
}

TEST(Ec2ParamsTest, VolumesAddressesImages) {
  ec2::CreateVolumeRequest v;
  v.availability_zone = "us-east-1a";
  v.encrypted = true;
  v.iops = 300;
  v.size = 10;
  v.volume_type = "io1";
  v.tags = {{"a", "b"}};
  v.throughput = 125;
  v.client_token = "ct";
  EXPECT_EQ(EncodeForm("CreateVolume", Ec2Client::Params(v)),
            "Action=CreateVolume&Version=2016-11-15&AvailabilityZone=us-east-1a&Encrypted=true&"
            "Iops=300&Size=10&VolumeType=io1&TagSpecification.1.ResourceType=volume&"
            "TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=b&Throughput=125&"
            "ClientToken=ct");
  ec2::AssociateAddressRequest a;
  a.allocation_id = "eipalloc-1";
  a.instance_id = "i-1";
  a.allow_reassociation = true;
  EXPECT_EQ(EncodeForm("AssociateAddress", Ec2Client::Params(a)),
            "Action=AssociateAddress&Version=2016-11-15&AllocationId=eipalloc-1&InstanceId=i-1&"
            "AllowReassociation=true");
  ec2::DescribeImagesRequest i;
  i.executable_users = {"self"};
  i.filters = {{"name", {"x"}}};
  i.image_ids = {"ami-1"};
  i.owners = {"amazon"};
  i.include_deprecated = true;
  EXPECT_EQ(EncodeForm("DescribeImages", Ec2Client::Params(i)),
            "Action=DescribeImages&Version=2016-11-15&ExecutableBy.1=self&Filter.1.Name=name&"
            "Filter.1.Value.1=x&ImageId.1=ami-1&Owner.1=amazon&IncludeDeprecated=true");
}

TEST(CeBodyTest, AsJsonDumps) {
  ce::GetCostAndUsageRequest r;
  r.time_period = {"2013-04-01", "2013-05-01"};
  r.granularity = "MONTHLY";
  ce::Expression not_eu = ce::Expression::Dimension("REGION", {"eu-west-1"});
  not_eu.dimensions->match_options = {"EQUALS"};
  r.filter = ce::Expression::And(
      {ce::Expression::Dimension("SERVICE", {"Amazon Elastic Compute Cloud - Compute"}),
       ce::Expression::Not(not_eu)});
  r.metrics = {"UnblendedCost", "UsageQuantity"};
  r.group_by = {{"DIMENSION", "SERVICE"}, {"DIMENSION", "USAGE_TYPE"}};
  r.next_page_token = "t\"ok\xc3\xa9\xf0\x9f\x98\x80\n";
  EXPECT_EQ(ce::CostExplorerClient::Body(r),
            R"({"TimePeriod": {"Start": "2013-04-01", "End": "2013-05-01"}, "Granularity": )"
            R"("MONTHLY", "Filter": {"And": [{"Dimensions": {"Key": "SERVICE", "Values": )"
            R"(["Amazon Elastic Compute Cloud - Compute"]}}, {"Not": {"Dimensions": {"Key": )"
            R"("REGION", "Values": ["eu-west-1"], "MatchOptions": ["EQUALS"]}}}]}, "Metrics": )"
            R"(["UnblendedCost", "UsageQuantity"], "GroupBy": [{"Type": "DIMENSION", "Key": )"
            R"("SERVICE"}, {"Type": "DIMENSION", "Key": "USAGE_TYPE"}], "NextPageToken": )"
            R"("t\"ok\u00e9\ud83d\ude00\n"})");
  ce::GetCostAndUsageRequest minimal;
  minimal.time_period = {"2013-04-01", "2013-04-02"};
  minimal.granularity = "DAILY";
  EXPECT_EQ(ce::CostExplorerClient::Body(minimal),
            R"({"TimePeriod": {"Start": "2013-04-01", "End": "2013-04-02"}, )"
            R"("Granularity": "DAILY", "Metrics": ["UnblendedCost"]})");
}

}  // namespace
}  // namespace awslab::client
