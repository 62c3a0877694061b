"""S3 server-side encryption against the real awslab-server, with Debian's
boto3 and aws CLI: SSE-S3 and SSE-KMS headers (stored and returned), the
bucket's default encryption (Put/Get/DeleteBucketEncryption), and SSE-C,
whose bodies are encrypted at rest with the customer's key: every error S3
answers for a missing, short or wrong key or a bad key MD5, ranges, multipart
uploads and copies, restart, and the bytes on disk.

What each case expects is what S3 answers; docs/s3-encryption.md gives the
sources and what awslab chooses where S3 is silent.

Run: AWSLAB_SERVER=build-h/emulator/awslab-server /usr/bin/python3 -m unittest -v test_encryption
"""

import base64
import hashlib
import json
import os
import re
import shutil
import tempfile
import unittest

from botocore.exceptions import ClientError

import harness
from harness import AWS_CLI

MiB = 1024 * 1024
KEY = bytes(range(32))                  # a customer key (SSE-C)
OTHER_KEY = bytes(range(100, 132))
KEY_MD5 = base64.b64encode(hashlib.md5(KEY).digest()).decode()
ACCOUNT_ARN_PREFIX = re.compile(r"^arn:aws:kms:us-east-1:\d{12}:")
MANAGED_KEY = re.compile(r"^arn:aws:kms:us-east-1:\d{12}:key/"
                         r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

NEEDS_KEY = ("The object was stored using a form of Server Side Encryption. The correct "
             "parameters must be provided to retrieve the object.")


def sse_c(key=KEY):
    return {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}


def copy_source_sse_c(key=KEY):
    return {"CopySourceSSECustomerAlgorithm": "AES256", "CopySourceSSECustomerKey": key}


def pattern(size, label):
    """`size` bytes of recognizable text: what a scan of the disk looks for."""
    unit = ("%s-plaintext-that-must-not-reach-the-disk|" % label).encode()
    return (unit * (size // len(unit) + 1))[:size]


class EncryptionTestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="vault")

    def assertS3Error(self, code, status, fn, *args, message=None, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        err = ctx.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        if code is not None:  # HEAD errors have no body, so no code
            self.assertEqual(err["Error"]["Code"], code, err)
        if message is not None:
            self.assertEqual(err["Error"]["Message"], message, err)
        return err

    def tamper(self, operation, change):
        """Edits the headers of every `operation` request just before signing."""
        def handler(request, **kwargs):
            change(request.headers)
        self.s3.meta.events.register("before-sign.s3.%s" % operation, handler)
        self.addCleanup(self.s3.meta.events.unregister, "before-sign.s3.%s" % operation, handler)


class SseS3AndKmsTest(EncryptionTestCase):
    def test_sse_s3_is_stored_and_returned(self):
        put = self.s3.put_object(Bucket="vault", Key="a", Body=b"abc", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertEqual(put["ETag"], harness.md5_etag(b"abc"))  # SSE-S3 keeps the MD5 ETag
        self.assertEqual(self.s3.head_object(Bucket="vault", Key="a")["ServerSideEncryption"], "AES256")
        got = self.s3.get_object(Bucket="vault", Key="a")
        self.assertEqual(got["ServerSideEncryption"], "AES256")
        self.assertEqual(got["Body"].read(), b"abc")
        # A read cannot ask for SSE-S3.
        self.tamper("GetObject", lambda h: h.__setitem__("x-amz-server-side-encryption", "AES256"))
        self.assertS3Error("InvalidArgument", 400, self.s3.get_object, Bucket="vault", Key="a",
                           message="x-amz-server-side-encryption header is not supported for this "
                                   "operation.")
        # Under the classic rules an object written without SSE has none.
        put = self.s3.put_object(Bucket="vault", Key="plain", Body=b"abc")
        self.assertNotIn("ServerSideEncryption", put)
        self.assertNotIn("ServerSideEncryption", self.s3.head_object(Bucket="vault", Key="plain"))

    def test_sse_kms_reports_the_key_arn(self):
        put = self.s3.put_object(Bucket="vault", Key="managed", Body=b"x", ServerSideEncryption="aws:kms")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        managed = put["SSEKMSKeyId"]
        self.assertRegex(managed, MANAGED_KEY)
        # The account's AWS managed key is the same key every time.
        again = self.s3.put_object(Bucket="vault", Key="managed2", Body=b"x",
                                   ServerSideEncryption="aws:kms")
        self.assertEqual(again["SSEKMSKeyId"], managed)

        key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
        put = self.s3.put_object(Bucket="vault", Key="byid", Body=b"x", ServerSideEncryption="aws:kms",
                                 SSEKMSKeyId=key_id)
        self.assertRegex(put["SSEKMSKeyId"], ACCOUNT_ARN_PREFIX)
        self.assertTrue(put["SSEKMSKeyId"].endswith(":key/" + key_id), put["SSEKMSKeyId"])
        arn = "arn:aws:kms:us-east-1:111122223333:key/" + key_id
        context = base64.b64encode(json.dumps({"project": "lab"}).encode()).decode()
        put = self.s3.put_object(Bucket="vault", Key="byarn", Body=b"x", ServerSideEncryption="aws:kms",
                                 SSEKMSKeyId=arn, SSEKMSEncryptionContext=context,
                                 BucketKeyEnabled=True)
        self.assertEqual(put["SSEKMSKeyId"], arn)
        self.assertTrue(put["BucketKeyEnabled"])
        for response in (self.s3.head_object(Bucket="vault", Key="byarn"),
                         self.s3.get_object(Bucket="vault", Key="byarn")):
            self.assertEqual(response["ServerSideEncryption"], "aws:kms")
            self.assertEqual(response["SSEKMSKeyId"], arn)
            self.assertTrue(response["BucketKeyEnabled"])
        put = self.s3.put_object(Bucket="vault", Key="dsse", Body=b"x",
                                 ServerSideEncryption="aws:kms:dsse")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms:dsse")
        self.assertRegex(put["SSEKMSKeyId"], MANAGED_KEY)

    def test_invalid_values_are_refused_as_s3_words_them(self):
        err = self.assertS3Error("InvalidArgument", 400, self.s3.put_object, Bucket="vault", Key="k",
                                 Body=b"x", ServerSideEncryption="AES512",
                                 message="The encryption method specified is not supported")
        self.assertEqual(err["Error"]["ArgumentName"], "x-amz-server-side-encryption")
        self.assertEqual(err["Error"]["ArgumentValue"], "AES512")
        self.assertS3Error(
            "InvalidArgument", 400, self.s3.put_object, Bucket="vault", Key="k", Body=b"x",
            ServerSideEncryption="AES256", SSEKMSKeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
            message="Server Side Encryption with AWS KMS managed key requires HTTP header "
                    "x-amz-server-side-encryption : aws:kms")
        self.assertS3Error(
            "InvalidArgument", 400, self.s3.put_object, Bucket="vault", Key="k", Body=b"x",
            ServerSideEncryption="AES256", **sse_c(),
            message="Server Side Encryption with Customer provided key is incompatible with the "
                    "encryption method specified")
        self.assertS3Error("InvalidArgument", 400, self.s3.create_multipart_upload, Bucket="vault",
                           Key="k", ServerSideEncryption="bogus")
        self.s3.put_object(Bucket="vault", Key="src", Body=b"x")
        self.assertS3Error("InvalidArgument", 400, self.s3.copy_object, Bucket="vault", Key="k",
                           CopySource="vault/src", ServerSideEncryption="bogus")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="vault", Prefix="k"))

    def test_multipart_upload_and_copy_report_their_encryption(self):
        created = self.s3.create_multipart_upload(Bucket="vault", Key="big", ServerSideEncryption="aws:kms")
        self.assertEqual(created["ServerSideEncryption"], "aws:kms")
        self.assertRegex(created["SSEKMSKeyId"], MANAGED_KEY)
        upload_id = created["UploadId"]
        part = self.s3.upload_part(Bucket="vault", Key="big", UploadId=upload_id, PartNumber=1,
                                   Body=b"part one")
        self.assertEqual(part["ServerSideEncryption"], "aws:kms")
        self.assertEqual(part["SSEKMSKeyId"], created["SSEKMSKeyId"])
        done = self.s3.complete_multipart_upload(
            Bucket="vault", Key="big", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertEqual(done["ServerSideEncryption"], "aws:kms")
        self.assertEqual(done["SSEKMSKeyId"], created["SSEKMSKeyId"])
        self.assertEqual(self.s3.head_object(Bucket="vault", Key="big")["ServerSideEncryption"], "aws:kms")

        # A copy is encrypted as its own request (or its bucket) says, not as the source.
        copied = self.s3.copy_object(Bucket="vault", Key="copy", CopySource="vault/big",
                                     ServerSideEncryption="AES256")
        self.assertEqual(copied["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", copied)
        self.assertEqual(self.s3.head_object(Bucket="vault", Key="copy")["ServerSideEncryption"], "AES256")
        copied = self.s3.copy_object(Bucket="vault", Key="copy2", CopySource="vault/big")
        self.assertNotIn("ServerSideEncryption", copied)
        self.assertNotIn("ServerSideEncryption", self.s3.head_object(Bucket="vault", Key="copy2"))
        # Copying an object onto itself is allowed when it changes the encryption.
        itself = self.s3.copy_object(Bucket="vault", Key="copy2", CopySource="vault/copy2",
                                     ServerSideEncryption="aws:kms")
        self.assertEqual(itself["ServerSideEncryption"], "aws:kms")
        self.assertS3Error("InvalidRequest", 400, self.s3.copy_object, Bucket="vault", Key="copy2",
                           CopySource="vault/copy2")


class BucketEncryptionTest(EncryptionTestCase):
    KMS_RULE = {"Rules": [{"ApplyServerSideEncryptionByDefault": {
        "SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "1234abcd-12ab-34cd-56ef-1234567890ab"},
        "BucketKeyEnabled": True}]}

    def test_default_encryption_applies_to_new_objects(self):
        self.assertS3Error("ServerSideEncryptionConfigurationNotFoundError", 404,
                           self.s3.get_bucket_encryption, Bucket="vault",
                           message="The server side encryption configuration was not found")
        self.s3.put_bucket_encryption(Bucket="vault", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        rules = self.s3.get_bucket_encryption(Bucket="vault")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules, [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
                                  "BucketKeyEnabled": False}])
        self.assertEqual(self.s3.put_object(Bucket="vault", Key="a", Body=b"1")["ServerSideEncryption"],
                         "AES256")

        self.s3.put_bucket_encryption(Bucket="vault", ServerSideEncryptionConfiguration=self.KMS_RULE)
        rules = self.s3.get_bucket_encryption(Bucket="vault")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules, self.KMS_RULE["Rules"])
        put = self.s3.put_object(Bucket="vault", Key="b", Body=b"2")
        self.assertEqual(put["ServerSideEncryption"], "aws:kms")
        self.assertTrue(put["SSEKMSKeyId"].endswith(":key/1234abcd-12ab-34cd-56ef-1234567890ab"))
        self.assertTrue(put["BucketKeyEnabled"])
        created = self.s3.create_multipart_upload(Bucket="vault", Key="c")
        self.assertEqual(created["ServerSideEncryption"], "aws:kms")
        self.s3.abort_multipart_upload(Bucket="vault", Key="c", UploadId=created["UploadId"])
        # A request that names its own encryption overrides the default.
        put = self.s3.put_object(Bucket="vault", Key="d", Body=b"3", ServerSideEncryption="AES256")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertNotIn("SSEKMSKeyId", put)
        # SSE-C too.
        put = self.s3.put_object(Bucket="vault", Key="e", Body=b"4", **sse_c())
        self.assertNotIn("ServerSideEncryption", put)
        self.assertEqual(put["SSECustomerAlgorithm"], "AES256")
        # Objects written before keep what they had.
        self.assertEqual(self.s3.head_object(Bucket="vault", Key="a")["ServerSideEncryption"], "AES256")

        self.server.restart()
        rules = self.s3.get_bucket_encryption(Bucket="vault")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules, self.KMS_RULE["Rules"])

        self.s3.delete_bucket_encryption(Bucket="vault")
        self.s3.delete_bucket_encryption(Bucket="vault")  # deleting none succeeds
        self.assertS3Error("ServerSideEncryptionConfigurationNotFoundError", 404,
                           self.s3.get_bucket_encryption, Bucket="vault")
        self.assertNotIn("ServerSideEncryption", self.s3.put_object(Bucket="vault", Key="f", Body=b"5"))

    def test_invalid_configurations_are_refused(self):
        err = self.assertS3Error(
            "InvalidArgument", 400, self.s3.put_bucket_encryption, Bucket="vault",
            ServerSideEncryptionConfiguration={"Rules": [{"ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "AES256", "KMSMasterKeyID": "abc"}}]},
            message="a KMSMasterKeyID is not applicable if the default sse algorithm is not "
                    "aws:kms or aws:kms:dsse")
        self.assertEqual(err["Error"]["ArgumentName"], "ApplyServerSideEncryptionByDefault")
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_encryption, Bucket="vault",
                           ServerSideEncryptionConfiguration={"Rules": [
                               {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "DES"}}]})
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_encryption, Bucket="vault",
                           ServerSideEncryptionConfiguration={"Rules": []})
        two = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_encryption, Bucket="vault",
                           ServerSideEncryptionConfiguration={"Rules": [two, two]})
        self.assertS3Error("NoSuchBucket", 404, self.s3.put_bucket_encryption, Bucket="nowhere",
                           ServerSideEncryptionConfiguration={"Rules": [two]})
        self.assertS3Error("ServerSideEncryptionConfigurationNotFoundError", 404,
                           self.s3.get_bucket_encryption, Bucket="vault")

    def test_another_account_may_not_read_or_set_it(self):
        other = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.addCleanup(other.close)
        self.assertS3Error("AccessDenied", 403, other.get_bucket_encryption, Bucket="vault")
        self.assertS3Error("AccessDenied", 403, other.put_bucket_encryption, Bucket="vault",
                           ServerSideEncryptionConfiguration=self.KMS_RULE)
        self.assertS3Error("AccessDenied", 403, other.delete_bucket_encryption, Bucket="vault")


class CurrentRulesTest(EncryptionTestCase):
    """--rules current: since January 2023 every new object is SSE-S3."""
    server_args = ("--rules", "current")

    def test_every_object_is_sse_s3_by_default(self):
        put = self.s3.put_object(Bucket="vault", Key="a", Body=b"abc")
        self.assertEqual(put["ServerSideEncryption"], "AES256")
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="a")["ServerSideEncryption"], "AES256")
        rules = self.s3.get_bucket_encryption(Bucket="vault")["ServerSideEncryptionConfiguration"]["Rules"]
        self.assertEqual(rules[0]["ApplyServerSideEncryptionByDefault"], {"SSEAlgorithm": "AES256"})
        self.s3.put_bucket_encryption(Bucket="vault", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]})
        self.assertEqual(self.s3.put_object(Bucket="vault", Key="b", Body=b"x")["ServerSideEncryption"],
                         "aws:kms")
        # Deleting the configuration goes back to SSE-S3, not to none.
        self.s3.delete_bucket_encryption(Bucket="vault")
        self.assertEqual(self.s3.put_object(Bucket="vault", Key="c", Body=b"x")["ServerSideEncryption"],
                         "AES256")


class SseCTest(EncryptionTestCase):
    def test_round_trip_with_the_key(self):
        body = b"customer secret " * 10
        put = self.s3.put_object(Bucket="vault", Key="c", Body=body, **sse_c())
        self.assertEqual(put["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(put["SSECustomerKeyMD5"], KEY_MD5)
        self.assertNotIn("ServerSideEncryption", put)
        # S3's ETag of an SSE-C object is not the MD5 of its data.
        self.assertNotEqual(put["ETag"], harness.md5_etag(body))
        got = self.s3.get_object(Bucket="vault", Key="c", **sse_c())
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(got["SSECustomerKeyMD5"], KEY_MD5)
        self.assertEqual(got["ETag"], put["ETag"])
        head = self.s3.head_object(Bucket="vault", Key="c", **sse_c())
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["SSECustomerKeyMD5"], KEY_MD5)
        # Listing needs no key.
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket="vault")["Contents"]], ["c"])

    def test_reads_without_the_right_key_are_refused(self):
        self.s3.put_object(Bucket="vault", Key="c", Body=b"secret", **sse_c())
        self.assertS3Error("InvalidRequest", 400, self.s3.get_object, Bucket="vault", Key="c",
                           message=NEEDS_KEY)
        self.assertS3Error(None, 400, self.s3.head_object, Bucket="vault", Key="c")
        self.assertS3Error("AccessDenied", 403, self.s3.get_object, Bucket="vault", Key="c",
                           **sse_c(OTHER_KEY))
        self.assertS3Error(None, 403, self.s3.head_object, Bucket="vault", Key="c", **sse_c(OTHER_KEY))
        # A key for an object that was not stored with one.
        self.s3.put_object(Bucket="vault", Key="plain", Body=b"plain")
        self.assertS3Error("InvalidRequest", 400, self.s3.get_object, Bucket="vault", Key="plain",
                           **sse_c(), message="The encryption parameters are not applicable to this object.")

    def test_key_header_errors(self):
        def put(**kwargs):
            return self.s3.put_object(Bucket="vault", Key="c", Body=b"x", **kwargs)
        # A 16-byte key.
        self.assertS3Error("InvalidArgument", 400, put, **sse_c(b"0123456789abcdef"),
                           message="The secret key was invalid for the specified algorithm.")
        self.assertS3Error(
            "InvalidArgument", 400, put, SSECustomerAlgorithm="AES128", SSECustomerKey=KEY,
            message="Requests specifying Server Side Encryption with Customer provided keys must "
                    "provide a valid encryption algorithm.")

        # A wrong key MD5, then none, then no key at all.
        def wrong_md5(headers):
            # botocore's headers keep repeats: replace, do not add.
            del headers["x-amz-server-side-encryption-customer-key-MD5"]
            headers["x-amz-server-side-encryption-customer-key-MD5"] = base64.b64encode(
                hashlib.md5(OTHER_KEY).digest()).decode()
        self.tamper("PutObject", wrong_md5)
        self.assertS3Error("InvalidArgument", 400, put, **sse_c(),
                           message="The calculated MD5 hash of the key did not match the hash "
                                   "that was provided.")

        def drop(name):
            def change(headers):
                del headers[name]
            return change
        s3 = self.s3
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.tamper("PutObject", drop("x-amz-server-side-encryption-customer-key-MD5"))
        self.assertS3Error(
            "InvalidArgument", 400, put, **sse_c(),
            message="Requests specifying Server Side Encryption with Customer provided keys must "
                    "provide the client calculated MD5 of the secret key.")
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.tamper("PutObject", drop("x-amz-server-side-encryption-customer-key"))
        self.assertS3Error(
            "InvalidArgument", 400, put, **sse_c(),
            message="Requests specifying Server Side Encryption with Customer provided keys must "
                    "provide an appropriate secret key.")
        self.s3 = s3
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="vault"))

    def test_ranges_on_inline_and_blob_bodies(self):
        small = os.urandom(5000)
        large = os.urandom(300 * 1024 + 7)  # above the inline threshold: a blob file
        for key, body in (("small", small), ("large", large)):
            self.s3.put_object(Bucket="vault", Key=key, Body=body, **sse_c())
            size = len(body)
            for first, last in ((0, 0), (1, 15), (15, 16), (17, 4000), (size - 17, size - 1),
                                (4095, 4999), (65530, 70000), (100000, size - 1)):
                if first >= size:
                    continue
                got = self.s3.get_object(Bucket="vault", Key=key, Range="bytes=%d-%d" % (first, last),
                                         **sse_c())
                self.assertEqual(got["Body"].read(), body[first:last + 1], (key, first, last))
                self.assertEqual(got["ContentRange"], "bytes %d-%d/%d" % (first, min(last, size - 1), size))
            got = self.s3.get_object(Bucket="vault", Key=key, Range="bytes=-33", **sse_c())
            self.assertEqual(got["Body"].read(), body[-33:])
            self.assertEqual(self.s3.get_object(Bucket="vault", Key=key, **sse_c())["Body"].read(), body)
        # Sent from the blob file in 256 KiB blocks, each decrypted on the way out.
        huge = os.urandom(3 * MiB + 11)
        self.s3.put_object(Bucket="vault", Key="huge", Body=huge, **sse_c())
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="huge", **sse_c())["Body"].read(), huge)
        got = self.s3.get_object(Bucket="vault", Key="huge", Range="bytes=100001-2900000", **sse_c())
        self.assertEqual(got["Body"].read(), huge[100001:2900001])

    def test_multipart_upload_needs_the_key_on_every_part(self):
        part1, part2 = os.urandom(5 * MiB + 3), os.urandom(1000)
        created = self.s3.create_multipart_upload(Bucket="vault", Key="mp", **sse_c())
        self.assertEqual(created["SSECustomerAlgorithm"], "AES256")
        self.assertEqual(created["SSECustomerKeyMD5"], KEY_MD5)
        uid = created["UploadId"]
        self.assertS3Error(
            "InvalidRequest", 400, self.s3.upload_part, Bucket="vault", Key="mp", UploadId=uid,
            PartNumber=1, Body=part1,
            message="The multipart upload initiate requested encryption. Subsequent part requests "
                    "must include the appropriate encryption parameters.")
        self.assertS3Error(
            "InvalidRequest", 400, self.s3.upload_part, Bucket="vault", Key="mp", UploadId=uid,
            PartNumber=1, Body=part1, **sse_c(OTHER_KEY),
            message="The provided encryption parameters did not match the ones used originally.")
        p1 = self.s3.upload_part(Bucket="vault", Key="mp", UploadId=uid, PartNumber=1, Body=part1,
                                 **sse_c())
        self.assertEqual(p1["SSECustomerKeyMD5"], KEY_MD5)
        # A part copied from an SSE-C object, re-encrypted for this upload.
        self.s3.put_object(Bucket="vault", Key="src", Body=part2, **sse_c(OTHER_KEY))
        p2 = self.s3.upload_part_copy(Bucket="vault", Key="mp", UploadId=uid, PartNumber=2,
                                      CopySource="vault/src", **sse_c(),
                                      **copy_source_sse_c(OTHER_KEY))
        done = self.s3.complete_multipart_upload(
            Bucket="vault", Key="mp", UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]},
                                       {"PartNumber": 2, "ETag": p2["CopyPartResult"]["ETag"]}]})
        self.assertTrue(done["ETag"].endswith('-2"'))
        body = part1 + part2
        self.assertS3Error("InvalidRequest", 400, self.s3.get_object, Bucket="vault", Key="mp")
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="mp", **sse_c())["Body"].read(), body)
        edge = len(part1)
        got = self.s3.get_object(Bucket="vault", Key="mp", Range="bytes=%d-%d" % (edge - 5, edge + 9),
                                 **sse_c())
        self.assertEqual(got["Body"].read(), body[edge - 5:edge + 10])
        got = self.s3.get_object(Bucket="vault", Key="mp", PartNumber=2, **sse_c())
        self.assertEqual(got["Body"].read(), part2)

    def test_copies_decrypt_and_encrypt(self):
        body = os.urandom(100 * 1024)
        self.s3.put_object(Bucket="vault", Key="src", Body=body, **sse_c())
        self.assertS3Error(
            "InvalidRequest", 400, self.s3.copy_object, Bucket="vault", Key="dst",
            CopySource="vault/src",
            message="The source object was stored using a form of Server Side Encryption. The "
                    "correct parameters must be provided to retrieve the object.")
        self.assertS3Error("AccessDenied", 403, self.s3.copy_object, Bucket="vault", Key="dst",
                           CopySource="vault/src", **copy_source_sse_c(OTHER_KEY))
        # SSE-C to SSE-C under another key.
        copied = self.s3.copy_object(Bucket="vault", Key="rekeyed", CopySource="vault/src",
                                     **copy_source_sse_c(), **sse_c(OTHER_KEY))
        self.assertEqual(copied["SSECustomerKeyMD5"],
                         base64.b64encode(hashlib.md5(OTHER_KEY).digest()).decode())
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="rekeyed", **sse_c(OTHER_KEY))["Body"].read(),
                         body)
        self.assertS3Error("AccessDenied", 403, self.s3.get_object, Bucket="vault", Key="rekeyed",
                           **sse_c())
        # SSE-C to a plain object, and back.
        copied = self.s3.copy_object(Bucket="vault", Key="plain", CopySource="vault/src",
                                     **copy_source_sse_c())
        self.assertEqual(copied["CopyObjectResult"]["ETag"], harness.md5_etag(body))
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="plain")["Body"].read(), body)
        self.s3.copy_object(Bucket="vault", Key="again", CopySource="vault/plain", **sse_c())
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="again", **sse_c())["Body"].read(), body)
        self.assertS3Error("InvalidRequest", 400, self.s3.get_object, Bucket="vault", Key="again")

    def test_bodies_survive_restart(self):
        small, large = os.urandom(1000), os.urandom(200 * 1024)
        self.s3.put_object(Bucket="vault", Key="small", Body=small, **sse_c())
        self.s3.put_object(Bucket="vault", Key="large", Body=large, **sse_c())
        self.server.restart()
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="small", **sse_c())["Body"].read(), small)
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="large", **sse_c())["Body"].read(), large)
        got = self.s3.get_object(Bucket="vault", Key="large", Range="bytes=70000-70100", **sse_c())
        self.assertEqual(got["Body"].read(), large[70000:70101])
        self.assertS3Error("AccessDenied", 403, self.s3.get_object, Bucket="vault", Key="large",
                           **sse_c(OTHER_KEY))
        # A crash (SIGKILL) right after an overwrite and a multipart upload: each object is
        # the old or the new one whole, readable with its own key, never a mix.
        replaced = os.urandom(150 * 1024)
        self.s3.put_object(Bucket="vault", Key="large", Body=replaced, **sse_c(OTHER_KEY))
        created = self.s3.create_multipart_upload(Bucket="vault", Key="mp", **sse_c())
        p1 = self.s3.upload_part(Bucket="vault", Key="mp", UploadId=created["UploadId"],
                                 PartNumber=1, Body=small, **sse_c())
        self.s3.complete_multipart_upload(
            Bucket="vault", Key="mp", UploadId=created["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}]})
        self.server.kill()
        self.server.start()
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="large", **sse_c(OTHER_KEY))["Body"].read(),
                         replaced)
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="mp", **sse_c())["Body"].read(), small)
        self.assertEqual(self.s3.list_multipart_uploads(Bucket="vault").get("Uploads", []), [])

    def data_files_containing(self, needle):
        """The files under the data dir (LevelDB's and the blobs) that hold `needle`."""
        found = []
        for dirpath, _, files in os.walk(self.server.data_dir):
            for name in files:
                path = os.path.join(dirpath, name)
                with open(path, "rb") as f:
                    if needle in f.read():
                        found.append(os.path.relpath(path, self.server.data_dir))
        return found

    def test_plaintext_never_reaches_the_disk(self):
        small = pattern(3000, "small")    # inline, in LevelDB's log and tables
        large = pattern(400 * 1024, "large")  # a blob file
        control = pattern(3000, "control")  # stored plain: proves the scan finds plaintext
        self.s3.put_object(Bucket="vault", Key="small", Body=small, **sse_c())
        self.s3.put_object(Bucket="vault", Key="large", Body=large, **sse_c())
        self.s3.put_object(Bucket="vault", Key="control", Body=control)
        created = self.s3.create_multipart_upload(Bucket="vault", Key="mp", **sse_c())
        part = pattern(5 * MiB, "part")
        p1 = self.s3.upload_part(Bucket="vault", Key="mp", UploadId=created["UploadId"], PartNumber=1,
                                 Body=part, **sse_c())
        self.s3.complete_multipart_upload(
            Bucket="vault", Key="mp", UploadId=created["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}]})
        self.server.restart()  # LevelDB writes its log into a table on reopen
        self.assertTrue(self.data_files_containing(control[:200]))
        for label, body in (("small", small), ("large", large), ("part", part)):
            self.assertEqual(self.data_files_containing(body[:64]), [], label)
        # Nor the key.
        self.assertEqual(self.data_files_containing(KEY), [])
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="small", **sse_c())["Body"].read(), small)
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="large", **sse_c())["Body"].read(), large)
        self.assertEqual(self.s3.get_object(Bucket="vault", Key="mp", **sse_c())["Body"].read(), part)


class AwsCliEncryptionTest(harness.ServerTestCase):
    CLI_KEY = "0123456789abcdef0123456789abcdef"  # --sse-c-key takes the raw 32 bytes

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-cli-sse-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.env = harness.client_env()
        self.aws("s3", "mb", "s3://vault")

    def aws(self, *args, check=True):
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "--region", harness.REGION,
                "--no-cli-pager", "--output", "json"] + list(args)
        done = self.run_client(argv, env=self.env, cwd=self.work, timeout=300)
        out, err = done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("aws %s exited %d\n%s\n%s" % (" ".join(args), done.returncode, out[-2000:],
                                                     err[-2000:]))
        return done.returncode, out, err

    def head(self, key, *extra):
        return json.loads(self.aws("s3api", "head-object", "--bucket", "vault", "--key", key, *extra)[1])

    def path(self, name):
        return os.path.join(self.work, name)

    def test_cp_with_sse_and_sse_kms(self):
        with open(self.path("a.txt"), "wb") as f:
            f.write(b"hello")
        self.aws("s3", "cp", self.path("a.txt"), "s3://vault/a.txt", "--sse", "AES256")
        self.assertEqual(self.head("a.txt")["ServerSideEncryption"], "AES256")
        self.aws("s3", "cp", self.path("a.txt"), "s3://vault/k.txt", "--sse", "aws:kms",
                 "--sse-kms-key-id", "1234abcd-12ab-34cd-56ef-1234567890ab")
        head = self.head("k.txt")
        self.assertEqual(head["ServerSideEncryption"], "aws:kms")
        self.assertTrue(head["SSEKMSKeyId"].endswith(":key/1234abcd-12ab-34cd-56ef-1234567890ab"))
        self.aws("s3api", "put-bucket-encryption", "--bucket", "vault",
                 "--server-side-encryption-configuration",
                 json.dumps({"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]}))
        got = json.loads(self.aws("s3api", "get-bucket-encryption", "--bucket", "vault")[1])
        self.assertEqual(got["ServerSideEncryptionConfiguration"]["Rules"][0]
                         ["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"], "aws:kms")
        self.aws("s3", "cp", self.path("a.txt"), "s3://vault/default.txt")
        self.assertEqual(self.head("default.txt")["ServerSideEncryption"], "aws:kms")
        self.aws("s3api", "delete-bucket-encryption", "--bucket", "vault")
        code, _, err = self.aws("s3api", "get-bucket-encryption", "--bucket", "vault", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("ServerSideEncryptionConfigurationNotFoundError", err)

    def test_cp_with_sse_c_small_and_multipart(self):
        small = os.urandom(1000)
        large = os.urandom(20 * MiB + 5)  # the CLI uploads and downloads it in 8 MiB parts
        for name, data in (("small.bin", small), ("large.bin", large)):
            with open(self.path(name), "wb") as f:
                f.write(data)
            self.aws("s3", "cp", self.path(name), "s3://vault/" + name, "--sse-c", "AES256",
                     "--sse-c-key", self.CLI_KEY)
            head = self.head(name, "--sse-customer-algorithm", "AES256",
                             "--sse-customer-key", self.CLI_KEY)
            self.assertEqual(head["SSECustomerAlgorithm"], "AES256")
            self.assertEqual(head["ContentLength"], len(data))
            self.aws("s3", "cp", "s3://vault/" + name, self.path("back-" + name), "--sse-c", "AES256",
                     "--sse-c-key", self.CLI_KEY)
            with open(self.path("back-" + name), "rb") as f:
                self.assertEqual(f.read(), data, name)
            code, _, err = self.aws("s3", "cp", "s3://vault/" + name, self.path("nokey-" + name),
                                    check=False)
            self.assertNotEqual(code, 0)
            self.assertIn("400", err)
        # An S3-to-S3 copy that re-keys the object.
        other = "fedcba9876543210fedcba9876543210"
        self.aws("s3", "cp", "s3://vault/small.bin", "s3://vault/rekeyed.bin",
                 "--sse-c-copy-source", "AES256", "--sse-c-copy-source-key", self.CLI_KEY,
                 "--sse-c", "AES256", "--sse-c-key", other)
        self.aws("s3", "cp", "s3://vault/rekeyed.bin", self.path("rekeyed.bin"), "--sse-c", "AES256",
                 "--sse-c-key", other)
        with open(self.path("rekeyed.bin"), "rb") as f:
            self.assertEqual(f.read(), small)


if __name__ == "__main__":
    unittest.main()
