"""boto3 (Debian's python3-boto3: boto3 1.26 / botocore 1.29) against the real
awslab-server: every implemented S3 operation and the errors AWS answers.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_boto3
"""

import base64
import contextlib
import datetime
import hashlib
import os
import socket
import tempfile
import time
import types
import unittest
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from unittest import mock

import botocore
import botocore.auth
import urllib3
from botocore.awsrequest import AWSRequest
try:
    import botocore.crt.auth as crt_auth
except ImportError:  # python3-awscrt not installed
    crt_auth = None
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

import awssig
import harness
from harness import ALICE_KEY, DEFAULT_KEY, REGION

MiB = 1024 * 1024


make_client = harness.boto3_client


class _ShiftedDatetime(datetime.datetime):
    shift = datetime.timedelta(0)

    @classmethod
    def utcnow(cls):
        return datetime.datetime.utcnow() + cls.shift


@contextlib.contextmanager
def botocore_clock_shifted(delta):
    """botocore's signers read datetime.datetime.utcnow() to date a signature:
    shift it. Both the Python signer (botocore.auth) and, where python3-awscrt
    is installed as with Debian's awscli, the CRT signer that botocore then
    prefers (botocore.crt.auth)."""
    shifted = type("ShiftedDatetime", (_ShiftedDatetime,), {"shift": delta})
    fake_module = types.ModuleType("datetime")
    fake_module.__dict__.update(vars(datetime))
    fake_module.datetime = shifted
    modules = [botocore.auth] + ([crt_auth] if crt_auth else [])
    with contextlib.ExitStack() as stack:
        for module in modules:
            stack.enter_context(mock.patch.object(module, "datetime", fake_module))
        yield


_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo_localhost_subdomains(host, *args, **kwargs):
    # RFC 6761 6.3: names under .localhost are loopback. glibc without
    # nss-myhostname does not resolve them, so the test does (curl and
    # browsers do the same); the client itself is unchanged.
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def raw_http():
    return urllib3.PoolManager(retries=False, timeout=urllib3.Timeout(connect=5, read=60))


def b64(raw):
    return base64.b64encode(raw).decode("ascii")


class S3TestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.http = raw_http()
        self.addCleanup(self.http.clear)
        self.s3 = self.client()

    def client(self, endpoint=None, **kw):
        client = make_client(endpoint or self.endpoint, **kw)
        self.addCleanup(client.close)
        return client

    def assertS3Error(self, code, status, fn, *args, **kwargs):
        """fn(*args, **kwargs) must fail with this code and HTTP status; returns the response."""
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"].get("Code"), code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        return response

    def assertNoObject(self, bucket, key):
        self.assertS3Error("404", 404, self.s3.head_object, Bucket=bucket, Key=key)

    def raw_signed(self, method, path, body=b"", headers=None, key=DEFAULT_KEY, region=REGION):
        """A request signed by botocore's own S3 SigV4 signer, ready to send raw."""
        request = AWSRequest(method=method, url=self.endpoint + path, data=body,
                             headers=dict(headers or {}))
        botocore.auth.S3SigV4Auth(Credentials(*key), "s3", region).add_auth(request)
        return request.prepare()

    def send(self, prepared, body=None):
        return self.http.request(prepared.method, prepared.url,
                                  body=prepared.body if body is None else body,
                                  headers=dict(prepared.headers.items()))


# ---------------------------------------------------------------------------
# Buckets

VALID_BUCKET_NAMES = [
    "myawsbucket", "my.aws.bucket", "myawsbucket.1",  # the course's examples
    "abc", "a" * 63, "1bucket", "my-aws-bucket", "bucket.with.many.dots"]
INVALID_BUCKET_NAMES = [
    ".myawsbucket", "myawsbucket.", "my..examplebucket",  # the course's examples
    "192.168.5.4", "ab", "a" * 64, "My-Bucket", "my_bucket", "-bucket", "bucket-",
    "xn--abc", "sthree-bucket", "amzn-s3-demo-bucket",
    "bucket-s3alias", "bucket--ol-s3", "bucket.mrap", "bucket--x-s3", "bucket--table-s3"]


class BucketTest(S3TestCase):
    def test_valid_bucket_names_are_created(self):
        for name in VALID_BUCKET_NAMES:
            with self.subTest(name=name):
                response = self.s3.create_bucket(Bucket=name)
                self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
                self.assertEqual(response["Location"], "/" + name)
                self.s3.head_bucket(Bucket=name)
        names = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertEqual(names, sorted(VALID_BUCKET_NAMES))

    def test_invalid_bucket_names_are_InvalidBucketName(self):
        for name in INVALID_BUCKET_NAMES:
            with self.subTest(name=name):
                response = self.assertS3Error("InvalidBucketName", 400, self.s3.create_bucket,
                                              Bucket=name)
                self.assertEqual(response["Error"].get("BucketName"), name)
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])

    def test_list_buckets_shows_only_the_callers_buckets(self):
        self.s3.create_bucket(Bucket="mine-b")
        self.s3.create_bucket(Bucket="mine-a")
        alice = self.client(key=ALICE_KEY)
        alice.create_bucket(Bucket="alices")
        mine = self.s3.list_buckets()
        self.assertEqual([b["Name"] for b in mine["Buckets"]], ["mine-a", "mine-b"])
        for b in mine["Buckets"]:
            self.assertIsInstance(b["CreationDate"], datetime.datetime)
        self.assertTrue(mine["Owner"]["ID"])
        theirs = alice.list_buckets()
        self.assertEqual([b["Name"] for b in theirs["Buckets"]], ["alices"])
        self.assertNotEqual(mine["Owner"]["ID"], theirs["Owner"]["ID"])

    def test_name_taken_by_another_account_is_BucketAlreadyExists(self):
        self.s3.create_bucket(Bucket="shared-name")
        alice = self.client(key=ALICE_KEY)
        response = self.assertS3Error("BucketAlreadyExists", 409, alice.create_bucket,
                                      Bucket="shared-name")
        self.assertEqual(response["Error"].get("BucketName"), "shared-name")
        # Also from another region.
        alice_eu = self.client(key=ALICE_KEY, region="eu-west-1")
        self.assertS3Error("BucketAlreadyExists", 409, alice_eu.create_bucket, Bucket="shared-name",
                           CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        self.assertEqual(alice.list_buckets()["Buckets"], [])

    def test_recreating_own_bucket_in_us_east_1_answers_200(self):
        self.s3.create_bucket(Bucket="legacy")
        self.s3.put_object(Bucket="legacy", Key="k", Body=b"kept")
        response = self.s3.create_bucket(Bucket="legacy")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(self.s3.get_object(Bucket="legacy", Key="k")["Body"].read(), b"kept")

    def test_recreating_own_bucket_elsewhere_is_BucketAlreadyOwnedByYou(self):
        for region in ("eu-west-1", "us-west-2"):
            with self.subTest(region=region):
                client = self.client(region=region)
                name = "owned-" + region
                config = {"LocationConstraint": region}
                client.create_bucket(Bucket=name, CreateBucketConfiguration=config)
                response = self.assertS3Error("BucketAlreadyOwnedByYou", 409, client.create_bucket,
                                              Bucket=name, CreateBucketConfiguration=config)
                self.assertEqual(response["Error"].get("BucketName"), name)

    def test_no_location_constraint_outside_us_east_1_is_IllegalLocationConstraintException(self):
        eu = self.client(region="eu-west-1")
        self.assertS3Error("IllegalLocationConstraintException", 400, eu.create_bucket,
                           Bucket="no-constraint")
        # A constraint naming another region than the endpoint's.
        self.assertS3Error("IllegalLocationConstraintException", 400, eu.create_bucket,
                           Bucket="wrong-constraint",
                           CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])

    def test_us_east_1_as_location_constraint_is_InvalidLocationConstraint(self):
        response = self.assertS3Error("InvalidLocationConstraint", 400, self.s3.create_bucket,
                                      Bucket="explicit-east",
                                      CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
        self.assertEqual(response["Error"].get("LocationConstraint"), "us-east-1")
        self.assertS3Error("InvalidLocationConstraint", 400, self.s3.create_bucket,
                           Bucket="bogus-constraint",
                           CreateBucketConfiguration={"LocationConstraint": "not-a-region"})
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])

    def test_get_bucket_location_is_empty_for_us_east_1_and_the_region_otherwise(self):
        self.s3.create_bucket(Bucket="east")
        self.assertIsNone(self.s3.get_bucket_location(Bucket="east").get("LocationConstraint"))
        for region in ("eu-west-1", "ap-southeast-2"):
            client = self.client(region=region)
            client.create_bucket(Bucket="in-" + region,
                                 CreateBucketConfiguration={"LocationConstraint": region})
            location = client.get_bucket_location(Bucket="in-" + region)
            self.assertEqual(location["LocationConstraint"], region)

    def test_get_bucket_location_xml_is_an_empty_element_for_us_east_1(self):
        self.s3.create_bucket(Bucket="east")
        response = self.send(self.raw_signed("GET", "/east?location"))
        self.assertEqual(response.status, 200)
        root = ET.fromstring(response.data)
        self.assertEqual(root.tag, "{http://s3.amazonaws.com/doc/2006-03-01/}LocationConstraint")
        self.assertFalse(root.text)

    def test_head_bucket_answers_200_404_and_403(self):
        self.s3.create_bucket(Bucket="headed")
        ok = self.s3.head_bucket(Bucket="headed")
        self.assertEqual(ok["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(ok["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region"),
                         "us-east-1")
        self.assertS3Error("404", 404, self.s3.head_bucket, Bucket="missing-bucket")
        alice = self.client(key=ALICE_KEY)
        self.assertS3Error("403", 403, alice.head_bucket, Bucket="headed")

    def test_missing_bucket_is_NoSuchBucket(self):
        calls = [
            (self.s3.list_objects_v2, {}),
            (self.s3.get_bucket_location, {}),
            (self.s3.delete_bucket, {}),
            (self.s3.put_object, {"Key": "k", "Body": b"x"}),
            (self.s3.get_object, {"Key": "k"}),
            (self.s3.delete_object, {"Key": "k"}),
        ]
        for fn, kwargs in calls:
            with self.subTest(op=fn.__name__):
                response = self.assertS3Error("NoSuchBucket", 404, fn, Bucket="no-such-bucket",
                                              **kwargs)
                self.assertEqual(response["Error"].get("BucketName"), "no-such-bucket")

    def test_delete_bucket_removes_an_empty_bucket(self):
        self.s3.create_bucket(Bucket="doomed")
        response = self.s3.delete_bucket(Bucket="doomed")
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error("404", 404, self.s3.head_bucket, Bucket="doomed")
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])
        # The name is free again, also for another account.
        self.client(key=ALICE_KEY).create_bucket(Bucket="doomed")

    def test_deleting_a_bucket_with_objects_is_BucketNotEmpty(self):
        self.s3.create_bucket(Bucket="full")
        self.s3.put_object(Bucket="full", Key="a/b", Body=b"x")
        response = self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket="full")
        self.assertEqual(response["Error"].get("BucketName"), "full")
        self.s3.head_bucket(Bucket="full")
        self.s3.delete_object(Bucket="full", Key="a/b")
        self.s3.delete_bucket(Bucket="full")


# ---------------------------------------------------------------------------
# Objects

class ObjectTest(S3TestCase):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="objects")

    def test_put_then_get_returns_the_bytes_and_md5_etag(self):
        body = os.urandom(1000)
        put = self.s3.put_object(Bucket="objects", Key="dir/file.bin", Body=body)
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        self.assertEqual(put["ETag"], etag)
        got = self.s3.get_object(Bucket="objects", Key="dir/file.bin")
        self.assertEqual(got["Body"].read(), body)
        self.assertEqual(got["ETag"], etag)
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["ContentType"], "binary/octet-stream")
        self.assertEqual(got["AcceptRanges"], "bytes")
        self.assertIsInstance(got["LastModified"], datetime.datetime)

    def test_empty_object_round_trips(self):
        put = self.s3.put_object(Bucket="objects", Key="empty", Body=b"")
        self.assertEqual(put["ETag"], '"d41d8cd98f00b204e9800998ecf8427e"')
        got = self.s3.get_object(Bucket="objects", Key="empty")
        self.assertEqual(got["Body"].read(), b"")
        self.assertEqual(got["ContentLength"], 0)

    def test_put_after_an_empty_put_on_the_same_connection_answers_promptly(self):
        # botocore sends "Expect: 100-continue" with every PutObject. When the
        # server answers an empty-bodied one with its final status and no
        # 100 Continue, botocore 1.29 keeps that status for its next
        # Expect request on the connection, reads the next response's status
        # line as a header, loses Content-Length and waits for the server to
        # close the connection. Creating a "folder/" marker and then
        # uploading is common: it must not stall.
        client = self.client(read_timeout=5)
        sent = []
        client.meta.events.register(
            "before-send.s3", lambda request, **kw: sent.append(request.headers.get("Expect")))
        client.put_object(Bucket="objects", Key="folder/", Body=b"")
        started = time.monotonic()
        try:
            client.put_object(Bucket="objects", Key="folder/file", Body=b"0123456789")
        except botocore.exceptions.ReadTimeoutError as e:
            self.fail("the PutObject after an empty PutObject stalled: %s" % e)
        self.assertLess(time.monotonic() - started, 2.0)
        self.assertEqual(sent, [b"100-continue", b"100-continue"])
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="folder/file")["Body"].read(),
                         b"0123456789")

    def test_overwrite_replaces_the_object(self):
        self.s3.put_object(Bucket="objects", Key="k", Body=b"first version")
        self.s3.put_object(Bucket="objects", Key="k", Body=b"second")
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="k")["Body"].read(), b"second")
        listed = self.s3.list_objects_v2(Bucket="objects")["Contents"]
        self.assertEqual([(o["Key"], o["Size"]) for o in listed], [("k", 6)])

    def test_head_object_has_the_headers_of_get_without_a_body(self):
        self.s3.put_object(Bucket="objects", Key="h", Body=b"12345", ContentType="text/plain",
                           Metadata={"a": "b"})
        head = self.s3.head_object(Bucket="objects", Key="h")
        self.assertEqual(head["ContentLength"], 5)
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(b"12345").hexdigest())
        self.assertEqual(head["Metadata"], {"a": "b"})

    def test_missing_key_is_NoSuchKey_with_the_key(self):
        response = self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="objects",
                                      Key="no/such key")
        self.assertEqual(response["Error"].get("Key"), "no/such key")
        self.assertEqual(response["Error"].get("Message"), "The specified key does not exist.")
        # HEAD: 404 with no body, so no code.
        self.assertNoObject("objects", "no/such key")

    def test_delete_object_removes_it_and_is_idempotent(self):
        self.s3.put_object(Bucket="objects", Key="gone", Body=b"x")
        first = self.s3.delete_object(Bucket="objects", Key="gone")
        self.assertEqual(first["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNoObject("objects", "gone")
        again = self.s3.delete_object(Bucket="objects", Key="gone")
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket="objects"))

    def test_key_of_1024_bytes_is_accepted_and_1025_is_KeyTooLongError(self):
        ok_ascii = "k" * 1024
        ok_utf8 = "\u00e9" * 512  # 1024 bytes of UTF-8
        for key in (ok_ascii, ok_utf8):
            self.s3.put_object(Bucket="objects", Key=key, Body=b"long")
            self.assertEqual(self.s3.get_object(Bucket="objects", Key=key)["Body"].read(), b"long")
        for key in ("k" * 1025, "\u00e9" * 512 + "x"):
            with self.subTest(bytes=len(key.encode())):
                self.assertS3Error("KeyTooLongError", 400, self.s3.put_object, Bucket="objects",
                                   Key=key, Body=b"x")
                self.assertNoObject("objects", key)
        keys = sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket="objects")["Contents"])
        self.assertEqual(keys, sorted([ok_ascii, ok_utf8]))

    def test_user_metadata_over_2_KB_is_MetadataTooLarge(self):
        self.s3.put_object(Bucket="objects", Key="fits", Body=b"x",
                           Metadata={"k1": "v" * 1000, "k2": "w" * 990})
        self.assertEqual(len(self.s3.head_object(Bucket="objects", Key="fits")["Metadata"]["k1"]),
                         1000)
        self.assertS3Error("MetadataTooLarge", 400, self.s3.put_object, Bucket="objects",
                           Key="big-meta", Body=b"x", Metadata={"k1": "v" * 1100, "k2": "w" * 1000})
        self.assertNoObject("objects", "big-meta")

    def test_user_metadata_and_standard_headers_round_trip(self):
        expires = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        self.s3.put_object(
            Bucket="objects", Key="page.html", Body=b"<html></html>",
            Metadata={"Color": "blue", "owner-name": "Zoe Example", "empty": ""},
            ContentType="text/html; charset=utf-8",
            ContentEncoding="identity",
            ContentDisposition='attachment; filename="page.html"',
            ContentLanguage="en-GB",
            CacheControl="max-age=3600, public",
            Expires=expires)
        for fn in (self.s3.get_object, self.s3.head_object):
            with self.subTest(op=fn.__name__):
                got = fn(Bucket="objects", Key="page.html")
                # Metadata names come back in lowercase, as from S3.
                self.assertEqual(got["Metadata"],
                                 {"color": "blue", "owner-name": "Zoe Example", "empty": ""})
                self.assertEqual(got["ContentType"], "text/html; charset=utf-8")
                self.assertEqual(got["ContentEncoding"], "identity")
                self.assertEqual(got["ContentDisposition"], 'attachment; filename="page.html"')
                self.assertEqual(got["ContentLanguage"], "en-GB")
                self.assertEqual(got["CacheControl"], "max-age=3600, public")
                self.assertEqual(got["Expires"], expires)

    def test_range_get_answers_206_with_content_range(self):
        body = bytes(range(256)) * 4  # 1024 bytes
        self.s3.put_object(Bucket="objects", Key="r", Body=body)
        cases = [("bytes=0-9", 0, 9), ("bytes=100-199", 100, 199), ("bytes=1000-", 1000, 1023),
                 ("bytes=-24", 1000, 1023), ("bytes=1020-5000", 1020, 1023),
                 ("bytes=-5000", 0, 1023)]
        for header, first, last in cases:
            with self.subTest(range=header):
                got = self.s3.get_object(Bucket="objects", Key="r", Range=header)
                self.assertEqual(got["ResponseMetadata"]["HTTPStatusCode"], 206)
                self.assertEqual(got["ContentRange"], "bytes %d-%d/1024" % (first, last))
                self.assertEqual(got["ContentLength"], last - first + 1)
                self.assertEqual(got["Body"].read(), body[first:last + 1])

    def test_unsatisfiable_range_is_416_InvalidRange(self):
        self.s3.put_object(Bucket="objects", Key="r", Body=b"0123456789")
        for header in ("bytes=10-", "bytes=10-20", "bytes=5000-6000"):
            with self.subTest(range=header):
                response = self.assertS3Error("InvalidRange", 416, self.s3.get_object,
                                              Bucket="objects", Key="r", Range=header)
                self.assertEqual(response["Error"].get("ActualObjectSize"), "10")

    def test_wrong_content_md5_is_BadDigest_and_stores_nothing(self):
        wrong = b64(hashlib.md5(b"other bytes").digest())
        self.assertS3Error("BadDigest", 400, self.s3.put_object, Bucket="objects", Key="md5",
                           Body=b"these bytes", ContentMD5=wrong)
        self.assertNoObject("objects", "md5")
        right = b64(hashlib.md5(b"these bytes").digest())
        self.s3.put_object(Bucket="objects", Key="md5", Body=b"these bytes", ContentMD5=right)
        self.assertEqual(self.s3.get_object(Bucket="objects", Key="md5")["Body"].read(),
                         b"these bytes")

    def test_malformed_content_md5_is_InvalidDigest(self):
        self.assertS3Error("InvalidDigest", 400, self.s3.put_object, Bucket="objects", Key="md5",
                           Body=b"x", ContentMD5="not base64 at all")
        self.assertNoObject("objects", "md5")

    def test_wrong_checksum_header_is_BadDigest(self):
        wrong = b64(hashlib.sha256(b"other").digest())
        self.assertS3Error("BadDigest", 400, self.s3.put_object, Bucket="objects", Key="sum",
                           Body=b"payload", ChecksumSHA256=wrong)
        self.assertNoObject("objects", "sum")

    def test_checksums_are_stored_and_returned_with_checksum_mode(self):
        body = b"checksummed payload " * 100
        crc32 = b64(zlib.crc32(body).to_bytes(4, "big"))
        sha256 = b64(hashlib.sha256(body).digest())
        put = self.s3.put_object(Bucket="objects", Key="crc", Body=body, ChecksumAlgorithm="CRC32")
        self.assertEqual(put.get("ChecksumCRC32"), crc32)
        put = self.s3.put_object(Bucket="objects", Key="sha", Body=body, ChecksumSHA256=sha256)
        self.assertEqual(put.get("ChecksumSHA256"), sha256)
        got = self.s3.get_object(Bucket="objects", Key="crc", ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumCRC32"), crc32)
        self.assertEqual(got["Body"].read(), body)
        head = self.s3.head_object(Bucket="objects", Key="sha", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumSHA256"), sha256)
        # Without the mode, no checksum header.
        plain = self.s3.head_object(Bucket="objects", Key="sha")
        self.assertNotIn("ChecksumSHA256", plain)
        # A range is not the object the checksum is of: none is returned.
        ranged = self.s3.get_object(Bucket="objects", Key="crc", Range="bytes=0-9",
                                    ChecksumMode="ENABLED")
        self.assertNotIn("ChecksumCRC32", ranged)
        self.assertEqual(ranged["Body"].read(), body[:10])

    def test_body_that_differs_from_signed_sha256_is_XAmzContentSHA256Mismatch(self):
        signed_body = b"A" * 100
        prepared = self.raw_signed("PUT", "/objects/tampered", body=signed_body)
        sent = b"B" * 100
        response = self.send(prepared, body=sent)
        self.assertEqual(response.status, 400, response.data)
        error = ET.fromstring(response.data)
        self.assertEqual(error.findtext("Code"), "XAmzContentSHA256Mismatch")
        self.assertEqual(error.findtext("ClientComputedContentSHA256"),
                         hashlib.sha256(signed_body).hexdigest())
        self.assertEqual(error.findtext("S3ComputedContentSHA256"),
                         hashlib.sha256(sent).hexdigest())
        self.assertNoObject("objects", "tampered")
        # The same request unaltered is accepted: the signer is right.
        ok = self.send(self.raw_signed("PUT", "/objects/tampered", body=signed_body))
        self.assertEqual(ok.status, 200, ok.data)

    def test_100_MiB_object_streams_in_and_out_intact(self):
        size = 100 * MiB
        digest = hashlib.sha256()
        with tempfile.TemporaryFile() as f:
            for _ in range(size // (4 * MiB)):
                block = os.urandom(4 * MiB)
                digest.update(block)
                f.write(block)
            f.seek(0)
            put = self.s3.put_object(Bucket="objects", Key="big.bin", Body=f)
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        head = self.s3.head_object(Bucket="objects", Key="big.bin")
        self.assertEqual(head["ContentLength"], size)
        got = self.s3.get_object(Bucket="objects", Key="big.bin")
        self.assertEqual(got["ContentLength"], size)
        readback = hashlib.sha256()
        n = 0
        for chunk in got["Body"].iter_chunks(MiB):
            readback.update(chunk)
            n += len(chunk)
        self.assertEqual(n, size)
        self.assertEqual(readback.hexdigest(), digest.hexdigest())
        # A range from the middle of the blob.
        part = self.s3.get_object(Bucket="objects", Key="big.bin",
                                  Range="bytes=%d-%d" % (50 * MiB, 50 * MiB + 9))
        self.assertEqual(part["ContentLength"], 10)
        self.assertEqual(len(self.server.blob_files()), 1)


# ---------------------------------------------------------------------------
# ListObjectsV2

class ListObjectsTest(S3TestCase):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="listed")

    def put_keys(self, keys):
        for key in keys:
            self.s3.put_object(Bucket="listed", Key=key, Body=key.encode())

    def test_list_returns_keys_in_order_with_size_and_etag(self):
        self.put_keys(["b", "a", "c/d"])
        listed = self.s3.list_objects_v2(Bucket="listed")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["a", "b", "c/d"])
        self.assertEqual(listed["KeyCount"], 3)
        self.assertFalse(listed["IsTruncated"])
        self.assertEqual(listed["Name"], "listed")
        self.assertEqual(listed["MaxKeys"], 1000)
        for o in listed["Contents"]:
            self.assertEqual(o["Size"], len(o["Key"]))
            self.assertEqual(o["ETag"], '"%s"' % hashlib.md5(o["Key"].encode()).hexdigest())
            self.assertEqual(o["StorageClass"], "STANDARD")

    def test_prefix_and_delimiter_give_common_prefixes(self):
        self.put_keys(["photos/2023/a.jpg", "photos/2023/b.jpg", "photos/2024/c.jpg",
                       "photos/top.jpg", "docs/readme", "root.txt"])
        top = self.s3.list_objects_v2(Bucket="listed", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in top["CommonPrefixes"]], ["docs/", "photos/"])
        self.assertEqual([o["Key"] for o in top["Contents"]], ["root.txt"])
        self.assertEqual(top["KeyCount"], 3)
        photos = self.s3.list_objects_v2(Bucket="listed", Prefix="photos/", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in photos["CommonPrefixes"]],
                         ["photos/2023/", "photos/2024/"])
        self.assertEqual([o["Key"] for o in photos["Contents"]], ["photos/top.jpg"])
        self.assertEqual(photos["Prefix"], "photos/")
        only = self.s3.list_objects_v2(Bucket="listed", Prefix="photos/2023/")
        self.assertEqual([o["Key"] for o in only["Contents"]],
                         ["photos/2023/a.jpg", "photos/2023/b.jpg"])
        self.assertNotIn("CommonPrefixes", only)
        none = self.s3.list_objects_v2(Bucket="listed", Prefix="zzz")
        self.assertEqual(none["KeyCount"], 0)
        self.assertNotIn("Contents", none)

    def test_start_after_skips_keys(self):
        self.put_keys(["a", "b", "c", "d"])
        listed = self.s3.list_objects_v2(Bucket="listed", StartAfter="b")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["c", "d"])
        self.assertEqual(listed["StartAfter"], "b")

    def test_paginator_walks_250_keys_in_pages_of_100(self):
        keys = ["key-%04d" % i for i in range(250)]
        self.put_keys(keys)
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="listed", PaginationConfig={"PageSize": 100}))
        self.assertEqual([p["KeyCount"] for p in pages], [100, 100, 50])
        self.assertEqual([p["IsTruncated"] for p in pages], [True, True, False])
        self.assertIn("NextContinuationToken", pages[0])
        self.assertEqual(pages[1]["ContinuationToken"], pages[0]["NextContinuationToken"])
        self.assertNotIn("NextContinuationToken", pages[2])
        got = [o["Key"] for p in pages for o in p["Contents"]]
        self.assertEqual(got, keys)

    def test_pagination_with_delimiter_counts_common_prefixes(self):
        keys = ["dir%02d/file" % i for i in range(30)] + ["loose%02d" % i for i in range(30)]
        self.put_keys(keys)
        pages = list(self.s3.get_paginator("list_objects_v2").paginate(
            Bucket="listed", Delimiter="/", PaginationConfig={"PageSize": 25}))
        prefixes = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
        loose = [o["Key"] for page in pages for o in page.get("Contents", [])]
        self.assertEqual(prefixes, ["dir%02d/" % i for i in range(30)])
        self.assertEqual(loose, ["loose%02d" % i for i in range(30)])
        self.assertEqual([p["KeyCount"] for p in pages], [25, 25, 10])

    def test_keys_with_special_characters_round_trip_through_url_encoding(self):
        # botocore asks for encoding-type=url and decodes the answer.
        keys = ["space here", "plus+sign", "\u00fcml\u00e4ut/\u65e5\u672c", "pct%20literal",
                "amp&lt;", "q?uery#frag", "tilde~star*", "a//double"]
        self.put_keys(keys)
        listed = self.s3.list_objects_v2(Bucket="listed")
        self.assertEqual([o["Key"] for o in listed["Contents"]], sorted(keys, key=str.encode))
        for key in keys:
            self.assertEqual(self.s3.get_object(Bucket="listed", Key=key)["Body"].read(),
                             key.encode())
        by_prefix = self.s3.list_objects_v2(Bucket="listed", Prefix="\u00fcml", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in by_prefix["CommonPrefixes"]],
                         ["\u00fcml\u00e4ut/"])

    def test_encoding_type_url_encodes_keys_in_the_xml(self):
        self.put_keys(["a b+c"])
        response = self.send(self.raw_signed("GET", "/listed?list-type=2&encoding-type=url"))
        self.assertEqual(response.status, 200)
        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        root = ET.fromstring(response.data)
        self.assertEqual(root.findtext(ns + "EncodingType"), "url")
        key = root.find(ns + "Contents").findtext(ns + "Key")
        self.assertIn(key, ("a%20b%2Bc", "a+b%2Bc"))

    def test_max_keys_and_continuation_token_page_by_hand(self):
        self.put_keys(["a", "b", "c", "d", "e"])
        first = self.s3.list_objects_v2(Bucket="listed", MaxKeys=2)
        self.assertEqual([o["Key"] for o in first["Contents"]], ["a", "b"])
        self.assertEqual((first["KeyCount"], first["MaxKeys"], first["IsTruncated"]), (2, 2, True))
        second = self.s3.list_objects_v2(Bucket="listed", MaxKeys=2,
                                         ContinuationToken=first["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in second["Contents"]], ["c", "d"])
        self.assertEqual(second["ContinuationToken"], first["NextContinuationToken"])
        third = self.s3.list_objects_v2(Bucket="listed", MaxKeys=2,
                                        ContinuationToken=second["NextContinuationToken"])
        self.assertEqual([o["Key"] for o in third["Contents"]], ["e"])
        self.assertFalse(third["IsTruncated"])
        self.assertNotIn("NextContinuationToken", third)

    def test_bad_continuation_token_is_InvalidArgument(self):
        self.put_keys(["a"])
        self.assertS3Error("InvalidArgument", 400, self.s3.list_objects_v2, Bucket="listed",
                           ContinuationToken="!!not-a-token!!")


# ---------------------------------------------------------------------------
# Authentication and access

class AuthTest(S3TestCase):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="private")
        self.s3.put_object(Bucket="private", Key="secret.txt", Body=b"for the owner only")

    def test_unknown_access_key_is_InvalidAccessKeyId(self):
        stranger = self.client(key=("AKIANOSUCHKEY0000000", "whatever"))
        response = self.assertS3Error("InvalidAccessKeyId", 403, stranger.list_buckets)
        self.assertEqual(response["Error"].get("AWSAccessKeyId"), "AKIANOSUCHKEY0000000")
        self.assertS3Error("InvalidAccessKeyId", 403, stranger.get_object, Bucket="private",
                           Key="secret.txt")

    def test_wrong_secret_is_SignatureDoesNotMatch(self):
        wrong = self.client(key=("test", "not-the-secret"))
        for fn, kwargs in ((wrong.list_buckets, {}),
                           (wrong.get_object, {"Bucket": "private", "Key": "secret.txt"}),
                           (wrong.put_object, {"Bucket": "private", "Key": "new", "Body": b"x"})):
            with self.subTest(op=fn.__name__):
                response = self.assertS3Error("SignatureDoesNotMatch", 403, fn, **kwargs)
                self.assertEqual(response["Error"].get("AWSAccessKeyId"), "test")
                self.assertTrue(response["Error"].get("StringToSign", "").startswith(
                    "AWS4-HMAC-SHA256\n"))
        self.assertNoObject("private", "new")

    def test_request_signed_20_minutes_ago_is_RequestTimeTooSkewed(self):
        with botocore_clock_shifted(datetime.timedelta(minutes=-20)):
            response = self.assertS3Error("RequestTimeTooSkewed", 403, self.s3.list_buckets)
            self.assertEqual(response["Error"].get("MaxAllowedSkewMilliseconds"), "900000")
        with botocore_clock_shifted(datetime.timedelta(minutes=20)):
            self.assertS3Error("RequestTimeTooSkewed", 403, self.s3.get_object, Bucket="private",
                               Key="secret.txt")
        # Within the 15 minutes, accepted.
        with botocore_clock_shifted(datetime.timedelta(minutes=-10)):
            self.s3.list_buckets()

    def test_private_bucket_is_refused_to_another_account(self):
        alice = self.client(key=ALICE_KEY)
        for fn, kwargs in ((alice.get_object, {"Key": "secret.txt"}),
                           (alice.put_object, {"Key": "intruder", "Body": b"x"}),
                           (alice.list_objects_v2, {}),
                           (alice.delete_object, {"Key": "secret.txt"}),
                           (alice.get_bucket_location, {}),
                           (alice.delete_bucket, {})):
            with self.subTest(op=fn.__name__):
                self.assertS3Error("AccessDenied", 403, fn, Bucket="private", **kwargs)
        self.assertS3Error("403", 403, alice.head_object, Bucket="private", Key="secret.txt")
        self.assertS3Error("403", 403, alice.head_object, Bucket="private", Key="missing")
        # Nothing changed.
        self.assertEqual(self.s3.get_object(Bucket="private", Key="secret.txt")["Body"].read(),
                         b"for the owner only")
        self.assertNoObject("private", "intruder")

    def test_private_bucket_is_refused_to_anonymous(self):
        anonymous = self.client(signed=False)
        for fn, kwargs in ((anonymous.get_object, {"Bucket": "private", "Key": "secret.txt"}),
                           (anonymous.put_object, {"Bucket": "private", "Key": "anon",
                                                   "Body": b"x"}),
                           (anonymous.list_objects_v2, {"Bucket": "private"}),
                           (anonymous.delete_object, {"Bucket": "private", "Key": "secret.txt"}),
                           (anonymous.create_bucket, {"Bucket": "anon-bucket"}),
                           (anonymous.list_buckets, {})):
            with self.subTest(op=fn.__name__):
                self.assertS3Error("AccessDenied", 403, fn, **kwargs)
        self.assertS3Error("403", 403, anonymous.head_object, Bucket="private", Key="secret.txt")
        self.assertNoObject("private", "anon")
        self.assertEqual(self.s3.get_object(Bucket="private", Key="secret.txt")["Body"].read(),
                         b"for the owner only")

    def test_presigned_get_url_works_with_urllib(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": "private", "Key": "secret.txt"}, ExpiresIn=300)
        self.assertIn("X-Amz-Signature=", url)
        with urllib.request.urlopen(url, timeout=30) as response:
            self.assertEqual(response.status, 200)
            self.assertEqual(response.read(), b"for the owner only")

    def test_expired_presigned_url_is_AccessDenied_request_has_expired(self):
        with botocore_clock_shifted(datetime.timedelta(hours=-1)):
            url = self.s3.generate_presigned_url(
                "get_object", Params={"Bucket": "private", "Key": "secret.txt"}, ExpiresIn=60)
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(url, timeout=30)
        self.assertEqual(ctx.exception.code, 403)
        error = ET.fromstring(ctx.exception.read())
        self.assertEqual(error.findtext("Code"), "AccessDenied")
        self.assertEqual(error.findtext("Message"), "Request has expired")

    def test_tampered_presigned_url_is_SignatureDoesNotMatch(self):
        url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": "private", "Key": "secret.txt"}, ExpiresIn=300)
        url = url.replace("secret.txt", "secret.txX")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(url, timeout=30)
        self.assertEqual(ctx.exception.code, 403)
        self.assertEqual(ET.fromstring(ctx.exception.read()).findtext("Code"),
                         "SignatureDoesNotMatch")

    def test_every_response_has_request_id_headers(self):
        calls = [
            lambda: self.s3.list_buckets(),
            lambda: self.s3.head_bucket(Bucket="private"),
            lambda: self.s3.get_bucket_location(Bucket="private"),
            lambda: self.s3.put_object(Bucket="private", Key="k", Body=b"x"),
            lambda: self.s3.get_object(Bucket="private", Key="k"),
            lambda: self.s3.head_object(Bucket="private", Key="k"),
            lambda: self.s3.list_objects_v2(Bucket="private"),
            lambda: self.s3.delete_object(Bucket="private", Key="k"),
            lambda: self.s3.get_object(Bucket="private", Key="missing"),
            lambda: self.s3.head_object(Bucket="private", Key="missing"),
            lambda: self.s3.head_bucket(Bucket="missing"),
            lambda: self.s3.create_bucket(Bucket="Bad_Name"),
            lambda: self.s3.get_object(Bucket="private", Key="secret.txt", Range="bytes=999-"),
            lambda: self.client(signed=False).list_buckets(),
            lambda: self.client(key=("test", "wrong")).list_buckets(),
            lambda: self.s3.delete_bucket(Bucket="private"),
        ]
        headers = []
        for call in calls:
            try:
                result = call()
                headers.append(result["ResponseMetadata"]["HTTPHeaders"])
            except ClientError as e:
                headers.append(e.response["ResponseMetadata"]["HTTPHeaders"])
        ids = set()
        for i, h in enumerate(headers):
            with self.subTest(call=i):
                self.assertTrue(h.get("x-amz-request-id"), h)
                self.assertTrue(h.get("x-amz-id-2"), h)
                ids.add(h.get("x-amz-request-id"))
        self.assertEqual(len(ids), len(calls), "request ids are unique")

    def test_error_document_has_the_aws_shape(self):
        response = self.http.request("GET", self.endpoint + "/private/secret.txt")
        self.assertEqual(response.status, 403)
        self.assertTrue(response.headers["Content-Type"].startswith("application/xml"))
        root = ET.fromstring(response.data)
        self.assertEqual(root.tag, "Error")  # no namespace on S3 errors
        self.assertEqual(root.findtext("Code"), "AccessDenied")
        self.assertEqual(root.findtext("Message"), "Access Denied")
        self.assertEqual(root.findtext("RequestId"), response.headers["x-amz-request-id"])
        self.assertEqual(root.findtext("HostId"), response.headers["x-amz-id-2"])


# ---------------------------------------------------------------------------
# Operations outside the implemented set

class NotImplementedTest(S3TestCase):
    def test_unimplemented_operations_answer_501_NotImplemented(self):
        self.s3.create_bucket(Bucket="later")
        self.s3.put_object(Bucket="later", Key="k", Body=b"x")
        calls = [
            (self.s3.get_bucket_logging, {}),
            (self.s3.get_bucket_accelerate_configuration, {}),
            (self.s3.get_object_attributes, {"Key": "k", "ObjectAttributes": ["ETag"]}),
        ]
        for fn, kwargs in calls:
            with self.subTest(op=fn.__name__):
                self.assertS3Error("NotImplemented", 501, fn, Bucket="later", **kwargs)
        # None of them touched the object.
        self.assertEqual(self.s3.get_object(Bucket="later", Key="k")["Body"].read(), b"x")


# ---------------------------------------------------------------------------
# Addressing

class VirtualHostTest(S3TestCase):
    def test_virtual_hosted_style_addressing_reaches_the_bucket(self):
        vhost = self.client(endpoint=self.server.vhost_endpoint, addressing="virtual")
        urls = []
        vhost.meta.events.register("before-send.s3", lambda request, **kw: urls.append(request.url))
        with mock.patch("socket.getaddrinfo", _getaddrinfo_localhost_subdomains):
            vhost.create_bucket(Bucket="vhosted")
            vhost.put_object(Bucket="vhosted", Key="dir/obj.txt", Body=b"virtual")
            self.assertEqual(vhost.get_object(Bucket="vhosted", Key="dir/obj.txt")["Body"].read(),
                             b"virtual")
            listed = vhost.list_objects_v2(Bucket="vhosted")
            self.assertEqual(listed["Name"], "vhosted")
            self.assertEqual([o["Key"] for o in listed["Contents"]], ["dir/obj.txt"])
            vhost.head_bucket(Bucket="vhosted")
        prefix = "http://vhosted.localhost:%d/" % self.server.port
        self.assertTrue(urls and all(u.startswith(prefix) for u in urls), urls)
        # The same bucket and object by path style.
        self.assertEqual(self.s3.get_object(Bucket="vhosted", Key="dir/obj.txt")["Body"].read(),
                         b"virtual")


# ---------------------------------------------------------------------------
# STREAMING-AWS4-HMAC-SHA256-PAYLOAD, encoded by awssig.py from AWS's spec.

class StreamingSignedUploadTest(S3TestCase):
    def test_chunk_signer_reproduces_the_aws_documented_example(self):
        # https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
        when = datetime.datetime(2013, 5, 24, tzinfo=datetime.timezone.utc)
        signed = awssig.sign_request(
            "PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com",
            {"x-amz-storage-class": "REDUCED_REDUNDANCY", "Content-Encoding": "aws-chunked",
             "x-amz-decoded-content-length": "66560", "Content-Length": "66824"},
            awssig.STREAMING_PAYLOAD, "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", when=when)
        self.assertEqual(signed.signature,
                         "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
        body, signatures = awssig.encode_signed_chunks(signed, [b"a" * 65536, b"a" * 1024])
        self.assertEqual(signatures, [
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"])
        self.assertEqual(len(body), 66824)
        self.assertEqual(awssig.chunked_length([65536, 1024]), 66824)

    def put_streaming(self, key, chunks, tamper=None):
        sizes = [len(c) for c in chunks]
        headers = {
            "Content-Encoding": "aws-chunked",
            "x-amz-decoded-content-length": str(sum(sizes)),
            "Content-Length": str(awssig.chunked_length(sizes)),
            "Content-Type": "text/plain",
        }
        path = "/streams/" + key
        signed = awssig.sign_request("PUT", path, "127.0.0.1:%d" % self.server.port, headers,
                                     awssig.STREAMING_PAYLOAD, *DEFAULT_KEY)
        body, _ = awssig.encode_signed_chunks(signed, chunks, tamper)
        self.assertEqual(len(body), int(headers["Content-Length"]))
        send_headers = {k: v for k, v in signed.headers.items() if k != "Host"}
        return self.http.request("PUT", self.endpoint + path, body=body, headers=send_headers)

    def test_signed_aws_chunked_upload_of_three_chunks_is_stored_decoded(self):
        self.s3.create_bucket(Bucket="streams")
        chunks = [os.urandom(64 * 1024), os.urandom(64 * 1024), os.urandom(1024)]
        payload = b"".join(chunks)
        response = self.put_streaming("chunked.txt", chunks)
        self.assertEqual(response.status, 200, response.data)
        self.assertEqual(response.headers["ETag"], '"%s"' % hashlib.md5(payload).hexdigest())
        got = self.s3.get_object(Bucket="streams", Key="chunked.txt")
        self.assertEqual(got["ContentLength"], len(payload))
        self.assertEqual(hashlib.sha256(got["Body"].read()).hexdigest(),
                         hashlib.sha256(payload).hexdigest())
        self.assertEqual(got["ContentType"], "text/plain")
        # aws-chunked describes the transfer only: it is not stored.
        self.assertNotIn("ContentEncoding", got)

    def test_tampered_chunk_signature_is_SignatureDoesNotMatch_and_stores_nothing(self):
        self.s3.create_bucket(Bucket="streams")
        chunks = [os.urandom(64 * 1024), os.urandom(64 * 1024), os.urandom(1024)]

        def tamper(index, signature):
            if index != 1:
                return signature
            return ("0" if signature[0] != "0" else "1") + signature[1:]

        response = self.put_streaming("tampered.txt", chunks, tamper)
        self.assertEqual(response.status, 403, response.data)
        self.assertEqual(ET.fromstring(response.data).findtext("Code"), "SignatureDoesNotMatch")
        self.assertNoObject("streams", "tampered.txt")
        self.assertEqual(self.server.blob_files(), [])

    def test_tampered_chunk_data_is_SignatureDoesNotMatch(self):
        self.s3.create_bucket(Bucket="streams")
        chunks = [b"x" * (64 * 1024), b"y" * 1024]
        sizes = [len(c) for c in chunks]
        headers = {"Content-Encoding": "aws-chunked",
                   "x-amz-decoded-content-length": str(sum(sizes)),
                   "Content-Length": str(awssig.chunked_length(sizes))}
        signed = awssig.sign_request("PUT", "/streams/flipped", "127.0.0.1:%d" % self.server.port,
                                     headers, awssig.STREAMING_PAYLOAD, *DEFAULT_KEY)
        body, _ = awssig.encode_signed_chunks(signed, chunks)
        flipped = body.replace(b"y" * 1024, b"z" + b"y" * 1023)
        send_headers = {k: v for k, v in signed.headers.items() if k != "Host"}
        response = self.http.request("PUT", self.endpoint + "/streams/flipped", body=flipped,
                                      headers=send_headers)
        self.assertEqual(response.status, 403, response.data)
        self.assertEqual(ET.fromstring(response.data).findtext("Code"), "SignatureDoesNotMatch")
        self.assertNoObject("streams", "flipped")


if __name__ == "__main__":
    unittest.main()
