"""The ACL matrix: for each canned ACL on a bucket and on an object, what the
bucket's owner, another account and an anonymous caller may do, answered by
the real awslab-server to Debian's boto3 (signed as alice or bob, or unsigned).

S3's rules (https://docs.aws.amazon.com/AmazonS3/latest/userguide/acl-overview.html):
the bucket's ACL decides listing (READ) and writing or deleting objects
(WRITE); the object's ACL alone decides reading the object (READ) and its ACL
(READ_ACP). So the matrix is the product of two small tables, written out
below as the data the test checks; docs/access-control.md shows the product.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_acl_matrix
"""

import itertools
import unittest

from botocore.exceptions import ClientError

import harness

# who: "owner" (alice, who owns the bucket and the object), "other" (bob, another
# account), "anon" (no signature). Y: allowed (2xx); n: 403 AccessDenied.

# Bucket ACL -> operations that the bucket's ACL decides.
#                         list        put         delete
BUCKET_TABLE = {
    "private": {
        "owner":          ("Y",       "Y",        "Y"),
        "other":          ("n",       "n",        "n"),
        "anon":           ("n",       "n",        "n"),
    },
    "public-read": {
        "owner":          ("Y",       "Y",        "Y"),
        "other":          ("Y",       "n",        "n"),
        "anon":           ("Y",       "n",        "n"),
    },
    "public-read-write": {
        "owner":          ("Y",       "Y",        "Y"),
        "other":          ("Y",       "Y",        "Y"),
        "anon":           ("Y",       "Y",        "Y"),
    },
    "authenticated-read": {
        "owner":          ("Y",       "Y",        "Y"),
        "other":          ("Y",       "n",        "n"),
        "anon":           ("n",       "n",        "n"),
    },
}
BUCKET_OPS = ("list", "put", "delete")

# Object ACL -> operations that the object's ACL decides (the object is alice's).
#                               get         get-acl
OBJECT_TABLE = {
    "private": {
        "owner":                ("Y",       "Y"),
        "other":                ("n",       "n"),
        "anon":                 ("n",       "n"),
    },
    "public-read": {
        "owner":                ("Y",       "Y"),
        "other":                ("Y",       "n"),
        "anon":                 ("Y",       "n"),
    },
    "public-read-write": {
        "owner":                ("Y",       "Y"),
        "other":                ("Y",       "n"),
        "anon":                 ("Y",       "n"),
    },
    "authenticated-read": {
        "owner":                ("Y",       "Y"),
        "other":                ("Y",       "n"),
        "anon":                 ("n",       "n"),
    },
    # The object's owner is the bucket's owner here, so these add nothing.
    "bucket-owner-read": {
        "owner":                ("Y",       "Y"),
        "other":                ("n",       "n"),
        "anon":                 ("n",       "n"),
    },
    "bucket-owner-full-control": {
        "owner":                ("Y",       "Y"),
        "other":                ("n",       "n"),
        "anon":                 ("n",       "n"),
    },
}
OBJECT_OPS = ("get", "get-acl")

WHO = ("owner", "other", "anon")


def expected(bucket_acl, object_acl, who, op):
    if op in BUCKET_OPS:
        return BUCKET_TABLE[bucket_acl][who][BUCKET_OPS.index(op)] == "Y"
    return OBJECT_TABLE[object_acl][who][OBJECT_OPS.index(op)] == "Y"


def status_of(fn, *args, **kwargs):
    """The HTTP status of a call, and the error code when it failed."""
    try:
        response = fn(*args, **kwargs)
        return response["ResponseMetadata"]["HTTPStatusCode"], None
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"].get("Code")


class AclMatrixTest(unittest.TestCase):
    """One server for the whole matrix (24 buckets, 360 checks)."""

    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server()
        cls.server.start()
        endpoint = cls.server.endpoint
        cls.clients = {
            "owner": harness.boto3_client(endpoint, key=harness.ALICE_KEY),
            "other": harness.boto3_client(endpoint, key=harness.BOB_KEY),
            "anon": harness.boto3_client(endpoint, signed=False),
        }

    @classmethod
    def tearDownClass(cls):
        for c in cls.clients.values():
            c.close()
        cls.server.close()

    def test_every_canned_acl_pair_for_every_caller_and_operation(self):
        alice = self.clients["owner"]
        failures = []
        checks = 0
        for n, (bucket_acl, object_acl) in enumerate(
                itertools.product(BUCKET_TABLE, OBJECT_TABLE)):
            bucket = "matrix-%02d" % n
            alice.create_bucket(Bucket=bucket, ACL=bucket_acl)
            alice.put_object(Bucket=bucket, Key="object", Body=b"payload", ACL=object_acl)
            for who in WHO:
                client = self.clients[who]
                victim = "victim-%s" % who
                alice.put_object(Bucket=bucket, Key=victim, Body=b"x")
                calls = {
                    "list": lambda: client.list_objects_v2(Bucket=bucket),
                    "get": lambda: client.get_object(Bucket=bucket, Key="object"),
                    "put": lambda: client.put_object(Bucket=bucket, Key="new-%s" % who,
                                                     Body=b"new"),
                    "delete": lambda: client.delete_object(Bucket=bucket, Key=victim),
                    "get-acl": lambda: client.get_object_acl(Bucket=bucket, Key="object"),
                }
                for op in BUCKET_OPS + OBJECT_OPS:
                    checks += 1
                    status, code = status_of(calls[op])
                    want = expected(bucket_acl, object_acl, who, op)
                    ok = (200 <= status < 300) if want else (status == 403 and
                                                              code == "AccessDenied")
                    if not ok:
                        failures.append("bucket %s, object %s, %s %s: got %s %s, want %s" % (
                            bucket_acl, object_acl, who, op, status, code,
                            "2xx" if want else "403 AccessDenied"))
                # What an allowed delete did, and a refused one did not.
                still_there = status_of(alice.head_object, Bucket=bucket, Key=victim)[0] == 200
                if still_there == expected(bucket_acl, object_acl, who, "delete"):
                    failures.append("bucket %s, %s delete: object still there = %s" % (
                        bucket_acl, who, still_there))
        self.assertEqual(checks, 4 * 6 * 3 * 5)
        self.assertEqual(failures, [], "\n".join(failures))


class AclSemanticsTest(harness.ServerTestCase):
    """The course's pop quizzes and the cross-account rules around ownership."""

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

    def test_public_read_object_in_private_bucket_reads_anonymously(self):
        self.alice.create_bucket(Bucket="quiz-private")
        self.alice.put_object(Bucket="quiz-private", Key="open.txt", Body=b"hello",
                              ACL="public-read")
        self.alice.put_object(Bucket="quiz-private", Key="closed.txt", Body=b"secret")
        body = self.anon.get_object(Bucket="quiz-private", Key="open.txt")["Body"].read()
        self.assertEqual(body, b"hello")
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="quiz-private",
                          Key="closed.txt")
        self.assertStatus(403, "AccessDenied", self.anon.list_objects_v2, Bucket="quiz-private")

    def test_private_object_in_public_read_bucket_is_listed_but_not_readable(self):
        self.alice.create_bucket(Bucket="quiz-public", ACL="public-read")
        self.alice.put_object(Bucket="quiz-public", Key="private.txt", Body=b"secret")
        listing = self.anon.list_objects_v2(Bucket="quiz-public")
        self.assertEqual([o["Key"] for o in listing["Contents"]], ["private.txt"])
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="quiz-public",
                          Key="private.txt")
        self.assertStatus(403, None, self.anon.head_object, Bucket="quiz-public",
                          Key="private.txt")

    def test_a_missing_key_is_404_for_who_may_list_and_403_for_others(self):
        self.alice.create_bucket(Bucket="missing-keys", ACL="public-read")
        self.alice.create_bucket(Bucket="missing-private")
        self.assertStatus(404, "NoSuchKey", self.anon.get_object, Bucket="missing-keys",
                          Key="nothing")
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="missing-private",
                          Key="nothing")
        self.assertStatus(404, "NoSuchKey", self.alice.get_object, Bucket="missing-private",
                          Key="nothing")
        self.assertStatus(404, "NoSuchBucket", self.anon.get_object, Bucket="no-such-bucket",
                          Key="k")

    def test_objects_written_by_another_account_belong_to_it(self):
        self.alice.create_bucket(Bucket="dropbox", ACL="public-read-write")
        self.bob.put_object(Bucket="dropbox", Key="bobs-private", Body=b"b1")
        self.bob.put_object(Bucket="dropbox", Key="bobs-shared", Body=b"b2",
                            ACL="bucket-owner-read")
        self.bob.put_object(Bucket="dropbox", Key="bobs-full", Body=b"b3",
                            ACL="bucket-owner-full-control")
        # The bucket owner cannot read what bob kept private...
        self.assertStatus(403, "AccessDenied", self.alice.get_object, Bucket="dropbox",
                          Key="bobs-private")
        self.assertStatus(403, "AccessDenied", self.alice.get_object_acl, Bucket="dropbox",
                          Key="bobs-private")
        # ...reads what bob shared, and its ACL only with full control...
        self.assertEqual(self.alice.get_object(Bucket="dropbox", Key="bobs-shared")["Body"].read(),
                         b"b2")
        self.assertStatus(403, "AccessDenied", self.alice.get_object_acl, Bucket="dropbox",
                          Key="bobs-shared")
        acl = self.alice.get_object_acl(Bucket="dropbox", Key="bobs-full")
        self.assertEqual(acl["Owner"]["DisplayName"], "bob")
        perms = sorted((g["Grantee"].get("DisplayName"), g["Permission"]) for g in acl["Grants"])
        self.assertEqual(perms, [("alice", "FULL_CONTROL"), ("bob", "FULL_CONTROL")])
        # ...and may always delete objects in her bucket.
        self.alice.delete_object(Bucket="dropbox", Key="bobs-private")
        self.assertStatus(404, "NoSuchKey", self.bob.get_object, Bucket="dropbox",
                          Key="bobs-private")
        # Listing shows each object's owner.
        listing = self.alice.list_objects_v2(Bucket="dropbox", FetchOwner=True)
        owners = {o["Key"]: o["Owner"]["DisplayName"] for o in listing["Contents"]}
        self.assertEqual(owners, {"bobs-full": "bob", "bobs-shared": "bob"})

    def test_an_anonymous_upload_belongs_to_the_anonymous_user(self):
        self.alice.create_bucket(Bucket="anon-drop", ACL="public-read-write")
        self.anon.put_object(Bucket="anon-drop", Key="from-nobody", Body=b"?")
        self.assertStatus(403, "AccessDenied", self.alice.get_object, Bucket="anon-drop",
                          Key="from-nobody")
        self.assertEqual(self.anon.get_object(Bucket="anon-drop", Key="from-nobody")["Body"].read(),
                         b"?")
        listing = self.alice.list_objects_v2(Bucket="anon-drop", FetchOwner=True)
        self.assertEqual(listing["Contents"][0]["Owner"]["ID"],
                         "65a011a29cdf8ec533ec3d1ccaae921c")

    def test_acl_documents_round_trip_with_every_kind_of_grantee(self):
        self.alice.create_bucket(Bucket="acl-docs")
        owner = self.alice.get_bucket_acl(Bucket="acl-docs")["Owner"]
        self.assertEqual(owner["DisplayName"], "alice")
        self.assertEqual(len(owner["ID"]), 64)
        bob_id = self.bob.list_buckets()["Owner"]["ID"]
        all_users = "http://acs.amazonaws.com/groups/global/AllUsers"
        self.alice.put_bucket_acl(Bucket="acl-docs", AccessControlPolicy={
            "Owner": owner,
            "Grants": [
                {"Grantee": {"Type": "CanonicalUser", "ID": owner["ID"]},
                 "Permission": "FULL_CONTROL"},
                {"Grantee": {"Type": "AmazonCustomerByEmail",
                             "EmailAddress": "bob@example.com"},
                 "Permission": "WRITE"},
                {"Grantee": {"Type": "Group", "URI": all_users}, "Permission": "READ"},
            ]})
        grants = self.alice.get_bucket_acl(Bucket="acl-docs")["Grants"]
        shown = sorted((g["Grantee"]["Type"], g["Grantee"].get("ID") or g["Grantee"].get("URI"),
                        g["Permission"]) for g in grants)
        self.assertEqual(shown, sorted([("CanonicalUser", owner["ID"], "FULL_CONTROL"),
                                        ("CanonicalUser", bob_id, "WRITE"),
                                        ("Group", all_users, "READ")]))
        # The grants work: bob writes, anyone lists.
        self.bob.put_object(Bucket="acl-docs", Key="by-bob", Body=b"1")
        self.assertEqual(self.anon.list_objects_v2(Bucket="acl-docs")["KeyCount"], 1)
        # Header grants: read for bob by id, on an object.
        self.alice.put_object(Bucket="acl-docs", Key="granted", Body=b"g",
                              GrantRead='id="%s"' % bob_id)
        self.assertEqual(self.bob.get_object(Bucket="acl-docs", Key="granted")["Body"].read(),
                         b"g")
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="acl-docs",
                          Key="granted")
        # put_object_acl with a canned ACL makes it public.
        self.alice.put_object_acl(Bucket="acl-docs", Key="granted", ACL="public-read")
        self.assertEqual(self.anon.get_object(Bucket="acl-docs", Key="granted")["Body"].read(),
                         b"g")

    def test_acl_errors(self):
        self.alice.create_bucket(Bucket="acl-errors")
        self.assertStatus(400, "InvalidArgument", self.alice.put_object, Bucket="acl-errors",
                          Key="k", Body=b"", ACL="world-readable")
        self.assertStatus(400, "InvalidRequest", self.alice.put_object, Bucket="acl-errors",
                          Key="k", Body=b"", ACL="private",
                          GrantRead='uri="http://acs.amazonaws.com/groups/global/AllUsers"')
        self.assertStatus(400, "UnresolvableGrantByEmailAddress", self.alice.put_bucket_acl,
                          Bucket="acl-errors", GrantRead='emailAddress="nobody@example.com"')
        self.assertStatus(400, "InvalidArgument", self.alice.put_bucket_acl,
                          Bucket="acl-errors", GrantRead='id="%s"' % ("0" * 64))
        self.assertStatus(400, "MalformedACLError", self.alice.put_bucket_acl,
                          Bucket="acl-errors", AccessControlPolicy={
                              "Grants": [{"Grantee": {"Type": "Group", "URI": ""},
                                          "Permission": "READ"}]})
        # Only who holds WRITE_ACP changes an ACL; only READ_ACP reads it.
        self.alice.put_bucket_acl(Bucket="acl-errors", ACL="public-read-write")
        self.assertStatus(403, "AccessDenied", self.bob.put_bucket_acl, Bucket="acl-errors",
                          ACL="private")
        self.assertStatus(403, "AccessDenied", self.anon.get_bucket_acl, Bucket="acl-errors")
        # The failed calls changed nothing.
        grants = self.alice.get_bucket_acl(Bucket="acl-errors")["Grants"]
        self.assertEqual(sorted(g["Permission"] for g in grants), ["FULL_CONTROL", "READ", "WRITE"])
        self.assertStatus(404, "NoSuchKey", self.alice.get_object,
                          Bucket="acl-errors", Key="k")

    def test_copy_and_multipart_take_an_acl_too(self):
        self.alice.create_bucket(Bucket="acl-copy")
        self.alice.put_object(Bucket="acl-copy", Key="src", Body=b"source")
        self.alice.copy_object(Bucket="acl-copy", Key="public-copy", ACL="public-read",
                               CopySource={"Bucket": "acl-copy", "Key": "src"})
        self.alice.copy_object(Bucket="acl-copy", Key="private-copy",
                               CopySource={"Bucket": "acl-copy", "Key": "public-copy"})
        self.assertEqual(self.anon.get_object(Bucket="acl-copy", Key="public-copy")["Body"].read(),
                         b"source")
        # A copy does not take its source's ACL.
        self.assertStatus(403, "AccessDenied", self.anon.get_object, Bucket="acl-copy",
                          Key="private-copy")
        # Copying needs READ on the source.
        self.bob.create_bucket(Bucket="bobs-bucket")
        self.assertStatus(403, "AccessDenied", self.bob.copy_object, Bucket="bobs-bucket",
                          Key="stolen", CopySource={"Bucket": "acl-copy", "Key": "src"})
        self.bob.copy_object(Bucket="bobs-bucket", Key="shared",
                             CopySource={"Bucket": "acl-copy", "Key": "public-copy"})
        upload = self.alice.create_multipart_upload(Bucket="acl-copy", Key="mp",
                                                    ACL="public-read")
        etag = self.alice.upload_part(Bucket="acl-copy", Key="mp", UploadId=upload["UploadId"],
                                      PartNumber=1, Body=b"part")["ETag"]
        # Another account can neither list nor abort alice's upload.
        self.assertStatus(403, "AccessDenied", self.bob.list_parts, Bucket="acl-copy", Key="mp",
                          UploadId=upload["UploadId"])
        self.assertStatus(403, "AccessDenied", self.bob.abort_multipart_upload,
                          Bucket="acl-copy", Key="mp", UploadId=upload["UploadId"])
        self.alice.complete_multipart_upload(
            Bucket="acl-copy", Key="mp", UploadId=upload["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertEqual(self.anon.get_object(Bucket="acl-copy", Key="mp")["Body"].read(), b"part")


if __name__ == "__main__":
    unittest.main()
