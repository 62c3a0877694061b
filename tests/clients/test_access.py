"""Bucket policies, Block Public Access, Object Ownership (--rules classic and
current) and presigned sharing, driven through Debian's boto3, curl and pandas
against the real awslab-server.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_access
"""

import json
import subprocess
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

import harness


def status_of(fn, *args, **kwargs):
    try:
        response = fn(*args, **kwargs)
        return response["ResponseMetadata"]["HTTPStatusCode"], None
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code")


def public_read_policy(bucket):
    """The course's AllowPublicRead policy."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "AllowPublicRead",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::%s/*" % bucket,
        }],
    })


class AccessCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.alice = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        self.anon = harness.boto3_client(self.endpoint, signed=False)
        for c in (self.alice, self.bob, self.anon):
            self.addCleanup(c.close)

    def assertStatus(self, status, code, fn, *args, **kwargs):
        got = status_of(fn, *args, **kwargs)
        self.assertEqual(got[0], status, got)
        if code is not None:
            self.assertEqual(got[1], code, got)

    def curl(self, *args):
        """curl's status code and body for a URL on the server."""
        out = self.run_client([harness.CURL, "-s", "-o", "-", "-w", "\n%{http_code}"] + list(args))
        body, _, code = out.stdout.rpartition(b"\n")
        return int(code), body


class PolicyTest(AccessCase):
    def test_allow_public_read_makes_every_object_anonymously_readable(self):
        self.alice.create_bucket(Bucket="site")
        self.alice.put_object(Bucket="site", Key="index.html", Body=b"<h1>hi</h1>")
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="site",
                          Key="index.html")
        self.alice.put_bucket_policy(Bucket="site", Policy=public_read_policy("site"))
        self.assertEqual(self.anon.get_object(Bucket="site", Key="index.html")["Body"].read(),
                         b"<h1>hi</h1>")
        code, body = self.curl("%s/site/index.html" % self.endpoint)
        self.assertEqual((code, body), (200, b"<h1>hi</h1>"))
        # GetObject only: listing and writing stay closed.
        self.assertStatus(403, "AccessDenied", self.anon.list_objects_v2, Bucket="site")
        self.assertStatus(403, "AccessDenied", self.anon.put_object, Bucket="site", Key="x",
                          Body=b"x")
        stored = json.loads(self.alice.get_bucket_policy(Bucket="site")["Policy"])
        self.assertEqual(stored["Statement"][0]["Sid"], "AllowPublicRead")
        self.assertTrue(self.alice.get_bucket_policy_status(Bucket="site")
                        ["PolicyStatus"]["IsPublic"])
        self.alice.delete_bucket_policy(Bucket="site")
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="site",
                          Key="index.html")
        self.assertStatus(404, "NoSuchBucketPolicy", self.alice.get_bucket_policy, Bucket="site")

    def test_an_explicit_deny_beats_an_allow_and_the_owner(self):
        self.alice.create_bucket(Bucket="guarded", ACL="public-read")
        self.alice.put_object(Bucket="guarded", Key="public/a", Body=b"a", ACL="public-read")
        self.alice.put_object(Bucket="guarded", Key="secret/b", Body=b"b", ACL="public-read")
        self.alice.put_bucket_policy(Bucket="guarded", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::guarded/*"},
                {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::guarded/secret/*"},
            ]}))
        self.assertEqual(self.anon.get_object(Bucket="guarded", Key="public/a")["Body"].read(),
                         b"a")
        # Denied despite the object's public-read ACL and the Allow, even to its owner.
        for client in (self.anon, self.bob, self.alice):
            self.assertStatus(403, "AccessDenied", client.get_object, Bucket="guarded",
                              Key="secret/b")
        # The owner can still read and remove the policy that locks her out.
        self.alice.get_bucket_policy(Bucket="guarded")
        self.alice.delete_bucket_policy(Bucket="guarded")
        self.assertEqual(self.alice.get_object(Bucket="guarded", Key="secret/b")["Body"].read(),
                         b"b")

    def test_source_ip_conditions(self):
        self.alice.create_bucket(Bucket="by-ip")
        self.alice.put_object(Bucket="by-ip", Key="k", Body=b"v")

        def policy(effect, operator, cidr):
            return json.dumps({"Version": "2012-10-17", "Statement": [
                {"Effect": effect, "Principal": "*", "Action": "s3:GetObject",
                 "Resource": "arn:aws:s3:::by-ip/*",
                 "Condition": {operator: {"aws:SourceIp": cidr}}}]})

        self.alice.put_bucket_policy(Bucket="by-ip", Policy=policy("Allow", "IpAddress",
                                                                   "127.0.0.0/8"))
        self.assertEqual(self.anon.get_object(Bucket="by-ip", Key="k")["Body"].read(), b"v")
        self.alice.put_bucket_policy(Bucket="by-ip", Policy=policy("Allow", "IpAddress",
                                                                   "10.0.0.0/8"))
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="by-ip", Key="k")
        # A Deny for every address but the campus network (10/8) locks out loopback callers.
        self.alice.put_bucket_policy(Bucket="by-ip", Policy=policy("Deny", "NotIpAddress",
                                                                   "10.0.0.0/8"))
        self.assertStatus(403, "AccessDenied", self.bob.get_object, Bucket="by-ip", Key="k")
        self.assertStatus(403, "AccessDenied", self.alice.get_object, Bucket="by-ip", Key="k")

    def test_prefix_condition_on_listing_for_another_account(self):
        self.alice.create_bucket(Bucket="homes")
        for key in ("bob/notes.txt", "bob/todo.txt", "carol/diary.txt"):
            self.alice.put_object(Bucket="homes", Key=key, Body=b"x")
        self.alice.put_bucket_policy(Bucket="homes", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::%s:root" %
                                                  harness.BOB_ACCOUNT_ID},
                 "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::homes",
                 "Condition": {"StringLike": {"s3:prefix": ["bob/*"]}}},
                {"Effect": "Allow", "Principal": {"AWS": harness.BOB_ACCOUNT_ID},
                 "Action": ["s3:GetObject", "s3:PutObject"],
                 "Resource": "arn:aws:s3:::homes/bob/*"},
            ]}))
        listing = self.bob.list_objects_v2(Bucket="homes", Prefix="bob/")
        self.assertEqual([o["Key"] for o in listing["Contents"]],
                         ["bob/notes.txt", "bob/todo.txt"])
        self.assertStatus(403, "AccessDenied", self.bob.list_objects_v2, Bucket="homes")
        self.assertStatus(403, "AccessDenied", self.bob.list_objects_v2, Bucket="homes",
                          Prefix="carol/")
        self.bob.put_object(Bucket="homes", Key="bob/new.txt", Body=b"new")
        self.assertEqual(self.bob.get_object(Bucket="homes", Key="bob/notes.txt")["Body"].read(),
                         b"x")
        self.assertStatus(403, "AccessDenied", self.bob.get_object, Bucket="homes",
                          Key="carol/diary.txt")
        self.assertStatus(403, "AccessDenied", self.anon.list_objects_v2, Bucket="homes",
                          Prefix="bob/")
        # Policy operations belong to the bucket owner only.
        self.assertStatus(403, "AccessDenied", self.bob.get_bucket_policy, Bucket="homes")

    def test_malformed_policies_are_refused_and_change_nothing(self):
        self.alice.create_bucket(Bucket="strict")
        for bad in ("not json", "{}",
                    json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::another-bucket/*"}]}),
                    json.dumps({"Version": "2012-10-17", "Statement": [
                        {"Effect": "Permit", "Principal": "*", "Action": "s3:GetObject",
                         "Resource": "arn:aws:s3:::strict/*"}]})):
            with self.subTest(policy=bad):
                self.assertStatus(400, "MalformedPolicy", self.alice.put_bucket_policy,
                                  Bucket="strict", Policy=bad)
        self.assertStatus(404, "NoSuchBucketPolicy", self.alice.get_bucket_policy,
                          Bucket="strict")


class ClassicRulesTest(AccessCase):
    """--rules classic (the default): the course's S3."""

    def test_new_buckets_have_no_public_access_block_and_no_ownership_controls(self):
        self.alice.create_bucket(Bucket="classic", ACL="public-read")
        self.assertStatus(404, "NoSuchPublicAccessBlockConfiguration",
                          self.alice.get_public_access_block, Bucket="classic")
        self.assertStatus(404, "OwnershipControlsNotFoundError",
                          self.alice.get_bucket_ownership_controls, Bucket="classic")
        self.alice.put_object(Bucket="classic", Key="k", Body=b"v", ACL="public-read")
        self.assertEqual(self.anon.get_object(Bucket="classic", Key="k")["Body"].read(), b"v")

    def test_block_public_access_when_turned_on(self):
        self.alice.create_bucket(Bucket="blocked")
        self.alice.put_object(Bucket="blocked", Key="old-public", Body=b"v", ACL="public-read")
        self.alice.put_bucket_policy(Bucket="blocked", Policy=public_read_policy("blocked"))
        self.assertEqual(self.anon.get_object(Bucket="blocked", Key="old-public")["Body"].read(),
                         b"v")
        self.alice.put_public_access_block(Bucket="blocked", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True,
            "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        got = self.alice.get_public_access_block(Bucket="blocked")
        self.assertEqual(got["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                          "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        # Existing public ACLs and policies stop working...
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="blocked",
                          Key="old-public")
        # ...and new ones are refused.
        self.assertStatus(403, "AccessDenied", self.alice.put_object, Bucket="blocked", Key="new",
                          Body=b"x", ACL="public-read")
        self.assertStatus(403, "AccessDenied", self.alice.put_bucket_acl, Bucket="blocked",
                          ACL="public-read")
        self.assertStatus(403, "AccessDenied", self.alice.put_bucket_policy, Bucket="blocked",
                          Policy=public_read_policy("blocked"))
        self.alice.put_object(Bucket="blocked", Key="new", Body=b"x", ACL="private")
        self.alice.delete_public_access_block(Bucket="blocked")
        self.assertEqual(self.anon.get_object(Bucket="blocked", Key="old-public")["Body"].read(),
                         b"v")


class CurrentRulesTest(AccessCase):
    """--rules current: AWS since April 2023."""

    server_args = ("--rules", "current")

    def test_new_buckets_block_public_access_and_disable_acls(self):
        self.assertStatus(400, "InvalidBucketAclWithObjectOwnership", self.alice.create_bucket,
                          Bucket="modern", ACL="public-read")
        self.alice.create_bucket(Bucket="modern")
        self.assertEqual(self.alice.get_public_access_block(Bucket="modern")
                         ["PublicAccessBlockConfiguration"],
                         {"BlockPublicAcls": True, "IgnorePublicAcls": True,
                          "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        rules = self.alice.get_bucket_ownership_controls(Bucket="modern")
        self.assertEqual(rules["OwnershipControls"]["Rules"],
                         [{"ObjectOwnership": "BucketOwnerEnforced"}])
        self.assertStatus(400, "AccessControlListNotSupported", self.alice.put_object,
                          Bucket="modern", Key="k", Body=b"v", ACL="public-read")
        self.alice.put_object(Bucket="modern", Key="k", Body=b"v",
                              ACL="bucket-owner-full-control")
        self.assertStatus(400, "AccessControlListNotSupported", self.alice.put_bucket_acl,
                          Bucket="modern", ACL="public-read")
        self.assertStatus(403, "AccessDenied", self.alice.put_bucket_policy, Bucket="modern",
                          Policy=public_read_policy("modern"))
        # The course's way back: lift the block, turn ACLs on, then share.
        self.alice.delete_public_access_block(Bucket="modern")
        self.alice.put_bucket_ownership_controls(Bucket="modern", OwnershipControls={
            "Rules": [{"ObjectOwnership": "ObjectWriter"}]})
        self.alice.put_object_acl(Bucket="modern", Key="k", ACL="public-read")
        self.assertEqual(self.anon.get_object(Bucket="modern", Key="k")["Body"].read(), b"v")

    def test_bucket_owner_enforced_owns_every_object(self):
        self.alice.create_bucket(Bucket="owned")
        self.alice.put_bucket_policy(Bucket="owned", Policy=json.dumps({
            "Version": "2012-10-17", "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": harness.BOB_ACCOUNT_ID},
                 "Action": "s3:PutObject", "Resource": "arn:aws:s3:::owned/*"}]}))
        self.bob.put_object(Bucket="owned", Key="from-bob", Body=b"b")
        acl = self.alice.get_object_acl(Bucket="owned", Key="from-bob")
        self.assertEqual(acl["Owner"]["DisplayName"], "alice")
        self.assertEqual(self.alice.get_object(Bucket="owned", Key="from-bob")["Body"].read(),
                         b"b")
        # An object ACL is not accepted with BucketOwnerEnforced...
        self.assertStatus(400, "AccessControlListNotSupported", self.bob.put_object,
                          Bucket="owned", Key="x", Body=b"x", ACL="public-read")
        # ...and x-amz-object-ownership chooses another setting at creation.
        self.alice.create_bucket(Bucket="writer-owned", ObjectOwnership="ObjectWriter")
        self.assertEqual(self.alice.get_bucket_ownership_controls(Bucket="writer-owned")
                         ["OwnershipControls"]["Rules"], [{"ObjectOwnership": "ObjectWriter"}])


class PresignedSharingTest(AccessCase):
    def fetch(self, url, data=None, method=None):
        request = urllib.request.Request(url, data=data, method=method)
        try:
            with urllib.request.urlopen(request, timeout=10) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    def test_presigned_get_and_put_for_someone_without_credentials(self):
        self.alice.create_bucket(Bucket="shared")
        self.alice.put_object(Bucket="shared", Key="report.txt", Body=b"quarterly")
        url = self.alice.generate_presigned_url(
            "get_object", Params={"Bucket": "shared", "Key": "report.txt"}, ExpiresIn=300)
        self.assertEqual(self.fetch(url), (200, b"quarterly"))
        put_url = self.alice.generate_presigned_url(
            "put_object", Params={"Bucket": "shared", "Key": "upload.txt"}, ExpiresIn=300)
        self.assertEqual(self.fetch(put_url, data=b"from a guest", method="PUT")[0], 200)
        self.assertEqual(self.alice.get_object(Bucket="shared", Key="upload.txt")["Body"].read(),
                         b"from a guest")
        # An unsigned URL to the same object is refused.
        self.assertEqual(self.fetch("%s/shared/report.txt" % self.endpoint)[0], 403)

    def test_a_presigned_url_carries_only_what_its_signer_may_do_when_used(self):
        self.alice.create_bucket(Bucket="lent")
        self.alice.put_object(Bucket="lent", Key="doc", Body=b"d", ACL="authenticated-read")
        # Bob may read the object now, so his URL works now...
        url = self.bob.generate_presigned_url("get_object", Params={"Bucket": "lent",
                                                                    "Key": "doc"})
        self.assertEqual(self.fetch(url), (200, b"d"))
        # ...and stops working when alice takes the grant away.
        self.alice.put_object_acl(Bucket="lent", Key="doc", ACL="private")
        status, body = self.fetch(url)
        self.assertEqual(status, 403)
        self.assertEqual(ET.fromstring(body).findtext("Code"), "AccessDenied")
        # A URL for what the signer may never do fails from the start.
        put_url = self.bob.generate_presigned_url("put_object", Params={"Bucket": "lent",
                                                                        "Key": "x"})
        self.assertEqual(self.fetch(put_url, data=b"x", method="PUT")[0], 403)


class PublicDataTest(AccessCase):
    """curl and pandas reading a public CSV by its plain URL."""

    CSV = b"city,students\nLyon,31\nOslo,24\nPerth,17\nQuito,29\nRiga,12\n"

    def setUp(self):
        super().setUp()
        self.alice.create_bucket(Bucket="course-data")
        self.alice.put_object(Bucket="course-data", Key="file.csv", Body=self.CSV,
                              ACL="public-read", ContentType="text/csv")
        self.alice.put_object(Bucket="course-data", Key="private.csv", Body=self.CSV)

    def pandas(self, script):
        out = self.run_client([harness.PYTHON, "-c", script])
        self.assertEqual(out.returncode, 0, out.stderr.decode())
        return out.stdout.decode()

    def test_curl_reads_public_and_gets_an_s3_error_for_private(self):
        code, body = self.curl("%s/course-data/file.csv" % self.endpoint)
        self.assertEqual((code, body), (200, self.CSV))
        code, body = self.curl("%s/course-data/private.csv" % self.endpoint)
        self.assertEqual(code, 403)
        root = ET.fromstring(body)
        self.assertEqual(root.findtext("Code"), "AccessDenied")
        self.assertEqual(root.findtext("Message"), "Access Denied")

    def test_pandas_read_csv_of_a_public_object(self):
        url = "%s/course-data/file.csv" % self.endpoint
        out = self.pandas(
            "import pandas as pd\n"
            "df = pd.read_csv(%r)\n"
            "print(len(df), int(df['students'].sum()), ','.join(df['city']))\n" % url)
        self.assertEqual(out.split(), ["5", "113", "Lyon,Oslo,Perth,Quito,Riga"])
        out = self.pandas(
            "import pandas as pd\n"
            "sizes = [len(c) for c in pd.read_csv(%r, chunksize=2)]\n"
            "print(sizes)\n" % url)
        self.assertEqual(out.strip(), "[2, 2, 1]")

    def test_pandas_gets_403_for_a_private_object(self):
        url = "%s/course-data/private.csv" % self.endpoint
        out = self.pandas(
            "import urllib.error\n"
            "import pandas as pd\n"
            "try:\n"
            "    pd.read_csv(%r)\n"
            "    print('read')\n"
            "except urllib.error.HTTPError as e:\n"
            "    print(e.code, b'<Code>AccessDenied</Code>' in e.read())\n" % url)
        self.assertEqual(out.strip(), "403 True")


if __name__ == "__main__":
    unittest.main()
