"""IAM users' identity policies enforced on S3, EC2 and Cost Explorer, with
bucket policies and ACLs, as AWS evaluates them (docs/iam.md), through boto3
and the aws CLI against the real awslab-server: AWS's managed policies, an
inline Deny, a bucket policy naming a user, public objects, another account's
bucket, and the error each service gives (S3 AccessDenied, EC2
UnauthorizedOperation, Cost Explorer AccessDeniedException).

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_iam_enforcement
"""

import json
import unittest

import harness
from harness import ALICE_ACCOUNT_ID, ALICE_KEY, AWS_CLI, DEFAULT_ACCOUNT_ID, DEFAULT_KEY, REGION

POLICY = "arn:aws:iam::aws:policy/"
IMAGE = "ami-d1737bb8"


def client(service, endpoint, key):
    import boto3
    from botocore.config import Config
    config = Config(region_name=REGION, retries={"total_max_attempts": 1, "mode": "standard"},
                    s3={"addressing_style": "path"})
    return boto3.session.Session(aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                 region_name=REGION).client(service, endpoint_url=endpoint,
                                                            config=config)


class EnforcementTest(harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.iam = client("iam", self.endpoint, DEFAULT_KEY)
        self.root_s3 = client("s3", self.endpoint, DEFAULT_KEY)
        self.root_s3.create_bucket(Bucket="course-data")
        self.root_s3.put_object(Bucket="course-data", Key="private.csv", Body=b"a,b\n1,2\n")
        self.root_s3.put_object(Bucket="course-data", Key="public.csv", Body=b"x\n",
                                ACL="public-read")

    def user(self, name, *policies, inline=None):
        self.iam.create_user(UserName=name)
        for p in policies:
            self.iam.attach_user_policy(UserName=name, PolicyArn=POLICY + p)
        if inline:
            self.iam.put_user_policy(UserName=name, PolicyName="inline",
                                     PolicyDocument=json.dumps(inline))
        k = self.iam.create_access_key(UserName=name)["AccessKey"]
        return k["AccessKeyId"], k["SecretAccessKey"]

    def assertRefused(self, call, code, status=403):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as e:
            call()
        self.assertEqual(e.exception.response["Error"]["Code"], code)
        self.assertEqual(e.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        return e.exception

    def test_read_only_user_reads_and_writes_nothing(self):
        key = self.user("reader", "AmazonS3ReadOnlyAccess")
        s3 = client("s3", self.endpoint, key)
        self.assertEqual([b["Name"] for b in s3.list_buckets()["Buckets"]], ["course-data"])
        self.assertEqual(s3.get_object(Bucket="course-data", Key="private.csv")["Body"].read(),
                         b"a,b\n1,2\n")
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="course-data")["Contents"]]
        self.assertEqual(keys, ["private.csv", "public.csv"])
        self.assertRefused(lambda: s3.put_object(Bucket="course-data", Key="k", Body=b"x"),
                           "AccessDenied")
        self.assertRefused(lambda: s3.delete_object(Bucket="course-data", Key="private.csv"),
                           "AccessDenied")
        self.assertRefused(lambda: s3.create_bucket(Bucket="reader-own"), "AccessDenied")
        ec2 = client("ec2", self.endpoint, key)
        self.assertRefused(lambda: ec2.describe_instances(), "UnauthorizedOperation")
        ce = client("ce", self.endpoint, key)
        self.assertRefused(lambda: ce.get_cost_and_usage(
            TimePeriod={"Start": "2026-11-01", "End": "2026-12-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"]), "AccessDeniedException", 400)
        # The root user's object is untouched.
        self.assertEqual(self.root_s3.head_object(Bucket="course-data",
                                                  Key="private.csv")["ContentLength"], 8)

    def test_user_without_policies_gets_only_what_is_granted_to_it_or_everyone(self):
        key = self.user("nobody")
        s3 = client("s3", self.endpoint, key)
        self.assertRefused(lambda: s3.list_buckets(), "AccessDenied")
        self.assertRefused(lambda: s3.get_object(Bucket="course-data", Key="private.csv"),
                           "AccessDenied")
        self.assertRefused(lambda: s3.list_objects_v2(Bucket="course-data"), "AccessDenied")
        # A public-read object is everyone's, this user's too.
        self.assertEqual(s3.get_object(Bucket="course-data", Key="public.csv")["Body"].read(),
                         b"x\n")
        # A bucket policy naming the user grants it without any identity policy.
        arn = "arn:aws:iam::%s:user/nobody" % DEFAULT_ACCOUNT_ID
        self.root_s3.put_bucket_policy(Bucket="course-data", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": arn},
                           "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::course-data/*"}]}))
        self.assertEqual(s3.get_object(Bucket="course-data", Key="private.csv")["Body"].read(),
                         b"a,b\n1,2\n")
        self.assertRefused(lambda: s3.list_objects_v2(Bucket="course-data"), "AccessDenied")
        # Naming the account instead grants the account, not its users.
        self.root_s3.put_bucket_policy(Bucket="course-data", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": DEFAULT_ACCOUNT_ID},
                           "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::course-data/*"}]}))
        self.assertRefused(lambda: s3.get_object(Bucket="course-data", Key="private.csv"),
                           "AccessDenied")

    def test_admin_user_is_stopped_by_an_explicit_deny_anywhere(self):
        key = self.user("admin", "AdministratorAccess", inline={
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "s3:DeleteObject",
                           "Resource": "arn:aws:s3:::course-data/*"}]})
        s3 = client("s3", self.endpoint, key)
        s3.create_bucket(Bucket="admin-made")
        s3.put_object(Bucket="course-data", Key="new.txt", Body=b"n")
        self.assertRefused(lambda: s3.delete_object(Bucket="course-data", Key="new.txt"),
                           "AccessDenied")
        s3.put_object(Bucket="admin-made", Key="k", Body=b"v")
        s3.delete_object(Bucket="admin-made", Key="k")  # the Deny is for course-data only
        # A bucket policy denying the user refuses what its policies allow.
        arn = "arn:aws:iam::%s:user/admin" % DEFAULT_ACCOUNT_ID
        self.root_s3.put_bucket_policy(Bucket="admin-made", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Principal": {"AWS": arn}, "Action": "s3:*",
                           "Resource": ["arn:aws:s3:::admin-made", "arn:aws:s3:::admin-made/*"]}]}))
        self.assertRefused(lambda: s3.list_objects_v2(Bucket="admin-made"), "AccessDenied")
        self.root_s3.list_objects_v2(Bucket="admin-made")  # the root user is not named
        # EC2 and Cost Explorer are the admin's too.
        ec2 = client("ec2", self.endpoint, key)
        run = ec2.run_instances(ImageId=IMAGE, InstanceType="t2.micro", MinCount=1, MaxCount=1)
        self.assertEqual(len(run["Instances"]), 1)
        ce = client("ce", self.endpoint, key)
        ce.get_cost_and_usage(TimePeriod={"Start": "2026-11-01", "End": "2026-12-01"},
                              Granularity="MONTHLY", Metrics=["UnblendedCost"])

    def test_ec2_only_user_with_the_aws_cli(self):
        key = self.user("operator", "AmazonEC2FullAccess")
        env = harness.client_env(key[0], key[1], REGION)

        def aws(*args):
            return self.run_client([AWS_CLI, "--endpoint-url", self.endpoint, "--output", "json"]
                                   + list(args), env=env)
        done = aws("ec2", "run-instances", "--image-id", IMAGE, "--instance-type", "t2.micro")
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        done = aws("ec2", "describe-instances", "--dry-run")
        self.assertIn(b"DryRunOperation", done.stderr)
        done = aws("s3", "ls")
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"AccessDenied", done.stderr)

    def test_another_accounts_bucket_needs_both_accounts_to_allow(self):
        alice_s3 = client("s3", self.endpoint, ALICE_KEY)
        alice_s3.create_bucket(Bucket="alice-shared")
        alice_s3.put_object(Bucket="alice-shared", Key="data.txt", Body=b"shared")
        alice_s3.put_bucket_policy(Bucket="alice-shared", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": DEFAULT_ACCOUNT_ID},
                           "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::alice-shared/*"}]}))
        # The account's root user is granted by alice's policy alone.
        self.assertEqual(self.root_s3.get_object(Bucket="alice-shared",
                                                 Key="data.txt")["Body"].read(), b"shared")
        reader = client("s3", self.endpoint, self.user("reader", "AmazonS3ReadOnlyAccess"))
        self.assertEqual(reader.get_object(Bucket="alice-shared", Key="data.txt")["Body"].read(),
                         b"shared")
        # Without its own account's allow, alice's grant is not enough.
        nobody = client("s3", self.endpoint, self.user("nobody"))
        self.assertRefused(lambda: nobody.get_object(Bucket="alice-shared", Key="data.txt"),
                           "AccessDenied")
        # And its account's allow is not enough without alice's grant.
        self.assertRefused(lambda: reader.list_objects_v2(Bucket="alice-shared"), "AccessDenied")
        self.assertNotEqual(ALICE_ACCOUNT_ID, DEFAULT_ACCOUNT_ID)


if __name__ == "__main__":
    unittest.main()
