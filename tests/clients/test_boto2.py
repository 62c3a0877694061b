"""boto 2 (Debian's python3-boto 2.49) against the real awslab-server, as the
course writes it: S3Connection with OrdinaryCallingFormat on the local
endpoint, which signs every request with Signature Version 2 (the "AWS"
Authorization header; generate_url's AWSAccessKeyId/Expires/Signature query).

Each error case also checks the request that succeeds, so an error is not just
a server that refuses everything.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_boto2
"""

import base64
import hashlib
import os
import random
import socket
import subprocess
import tempfile
import time
import unittest
import warnings
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from unittest import mock

import harness

# boto 2 reads its configuration when imported: none of the machine's
# (~/.boto, /etc/boto.cfg) may change what it sends.
os.environ["BOTO_CONFIG"] = "/dev/null"
os.environ.pop("BOTO_PATH", None)

import boto  # noqa: E402
import boto.auth  # noqa: E402
from boto.exception import S3ResponseError  # noqa: E402
from boto.s3.connection import (OrdinaryCallingFormat, S3Connection,  # noqa: E402
                                SubdomainCallingFormat)

MiB = 1024 * 1024

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo_localhost_subdomains(host, *args, **kwargs):
    # RFC 6761 6.3: names under .localhost are loopback. glibc without
    # nss-myhostname does not resolve them, so the test does; boto is unchanged.
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def error_of(body):
    """{element: text} of an S3 error document."""
    root = ET.fromstring(body)
    return {child.tag: child.text or "" for child in root}


def fetch(url, method="GET", data=None, headers=None):
    """(status, headers, body) of a plain HTTP request, errors included."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.headers, e.read()


class Boto2TestCase(harness.ServerTestCase):
    def connect(self, key=harness.DEFAULT_KEY, calling_format=None, host="127.0.0.1"):
        conn = S3Connection(key[0], key[1], host=host, port=self.server.port, is_secure=False,
                            calling_format=calling_format or OrdinaryCallingFormat())
        # A refused request must fail at once, not be retried.
        conn.num_retries = 0
        self.addCleanup(conn.close)
        return conn

    def setUp(self):
        super().setUp()
        # boto 2 keeps its pooled sockets until they are collected
        # (S3Connection.close only drops a reference): not this suite's leak.
        warnings.filterwarnings("ignore", category=ResourceWarning, message="unclosed <socket")
        self.conn = self.connect()

    def assertS3Error(self, status, code, fn, *args, **kwargs):
        """fn(*args, **kwargs) must raise S3ResponseError with this status and code."""
        with self.assertRaises(S3ResponseError) as ctx:
            fn(*args, **kwargs)
        e = ctx.exception
        self.assertEqual((e.status, e.error_code), (status, code), e.body)
        return e


# ---------------------------------------------------------------------------
# What the course does

class BucketTest(Boto2TestCase):
    def test_boto2_signs_with_signature_version_2(self):
        # The premise of this suite: boto 2 chooses HMAC-SHA1 ("AWS key:sig")
        # for a non-AWS host, not SigV4.
        self.assertEqual(self.conn._required_auth_capability(), ["s3"])
        sent = []
        real = boto.auth.HmacAuthV1Handler.add_auth

        def spy(handler, request, **kwargs):
            real(handler, request, **kwargs)
            sent.append(request.headers["Authorization"])

        with mock.patch.object(boto.auth.HmacAuthV1Handler, "add_auth", spy):
            self.assertEqual(self.conn.get_all_buckets(), [])
        self.assertEqual(len(sent), 1)
        self.assertRegex(sent[0], r"^AWS test:[A-Za-z0-9+/]{27}=$")

    def test_create_get_list_and_delete_buckets(self):
        bucket = self.conn.create_bucket("course-bucket")
        self.assertEqual(bucket.name, "course-bucket")
        self.assertEqual(self.conn.get_bucket("course-bucket").name, "course-bucket")
        self.assertIn("course-bucket", [b.name for b in self.conn.get_all_buckets()])
        self.assertEqual(bucket.get_location(), "")  # ?location is a signed sub-resource
        self.assertIsNone(self.conn.lookup("no-such-bucket"))
        self.assertS3Error(404, "NoSuchBucket", self.conn.get_bucket, "no-such-bucket")

        self.conn.delete_bucket("course-bucket")
        self.assertIsNone(self.conn.lookup("course-bucket"))
        self.assertNotIn("course-bucket", [b.name for b in self.conn.get_all_buckets()])

    def test_a_bucket_with_keys_is_not_deleted(self):
        bucket = self.conn.create_bucket("full")
        bucket.new_key("k").set_contents_from_string("x")
        self.assertS3Error(409, "BucketNotEmpty", self.conn.delete_bucket, "full")
        bucket.delete_key("k")
        self.conn.delete_bucket("full")

    def test_each_key_pair_is_its_own_account(self):
        alice = self.connect(harness.ALICE_KEY)
        bob = self.connect(harness.BOB_KEY)
        alice.create_bucket("alices-bucket")
        self.assertEqual([b.name for b in alice.get_all_buckets()], ["alices-bucket"])
        self.assertEqual([b.name for b in bob.get_all_buckets()], [])
        self.assertNotIn("alices-bucket", [b.name for b in self.conn.get_all_buckets()])


class ObjectTest(Boto2TestCase):
    def setUp(self):
        super().setUp()
        self.bucket = self.conn.create_bucket("objects")

    def test_string_round_trip_with_content_type_and_metadata(self):
        key = self.bucket.new_key("notes/hello.txt")
        key.set_metadata("student", "Ann Lee")
        key.set_metadata("lab", "3")
        key.set_contents_from_string("hello, world\n", headers={"Content-Type": "text/plain"})

        fetched = self.bucket.get_key("notes/hello.txt")
        self.assertEqual(fetched.size, 13)
        self.assertEqual(fetched.content_type, "text/plain")
        self.assertEqual(fetched.etag, harness.md5_etag(b"hello, world\n"))
        self.assertEqual(fetched.metadata, {"student": "Ann Lee", "lab": "3"})
        self.assertEqual(fetched.get_contents_as_string(), b"hello, world\n")
        self.assertEqual(self.bucket.new_key("notes/hello.txt").get_contents_as_string(
            encoding="utf-8"), "hello, world\n")

    def test_file_round_trip(self):
        data = random.Random(2).randbytes(3 * MiB + 17)
        with tempfile.TemporaryDirectory() as tmp:
            src = os.path.join(tmp, "in.bin")
            dst = os.path.join(tmp, "out.bin")
            with open(src, "wb") as f:
                f.write(data)
            key = self.bucket.new_key("data/in.bin")
            # boto 2 sends the Content-MD5 it computes; it is signed too.
            key.set_contents_from_filename(src)
            self.assertEqual(key.etag, harness.md5_etag(data))
            self.bucket.get_key("data/in.bin").get_contents_to_filename(dst)
            with open(dst, "rb") as f:
                self.assertEqual(f.read(), data)

    def test_list_with_prefix_and_delimiter(self):
        for name in ["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/4.txt", "c.txt"]:
            self.bucket.new_key(name).set_contents_from_string(name)

        self.assertEqual([k.name for k in self.bucket.list()],
                         ["a/1.txt", "a/2.txt", "a/b/3.txt", "a/b/4.txt", "c.txt"])
        self.assertEqual([k.name for k in self.bucket.list(prefix="a/b/")],
                         ["a/b/3.txt", "a/b/4.txt"])
        # S3 lists the keys (Contents) before the common prefixes; boto 2
        # keeps the document's order.
        top = list(self.bucket.list(delimiter="/"))
        self.assertEqual([(type(e).__name__, e.name) for e in top],
                         [("Key", "c.txt"), ("Prefix", "a/")])
        under_a = list(self.bucket.list(prefix="a/", delimiter="/"))
        self.assertEqual([(type(e).__name__, e.name) for e in under_a],
                         [("Key", "a/1.txt"), ("Key", "a/2.txt"), ("Prefix", "a/b/")])
        sizes = {k.name: k.size for k in self.bucket.list()}
        self.assertEqual(sizes["a/b/3.txt"], len("a/b/3.txt"))

    def test_listing_pages_with_markers(self):
        names = ["k%02d" % i for i in range(7)]
        for name in names:
            self.bucket.new_key(name).set_contents_from_string("x")
        page = self.bucket.get_all_keys(max_keys=3)
        self.assertEqual([k.name for k in page], names[:3])
        self.assertTrue(page.is_truncated)
        page = self.bucket.get_all_keys(max_keys=3, marker="k02")
        self.assertEqual([k.name for k in page], names[3:6])
        page = self.bucket.get_all_keys(max_keys=3, marker="k05")
        self.assertEqual([k.name for k in page], names[6:])
        self.assertFalse(page.is_truncated)

    def test_delete_keys(self):
        for name in ["one", "two", "three"]:
            self.bucket.new_key(name).set_contents_from_string(name)
        self.bucket.get_key("one").delete()
        self.assertIsNone(self.bucket.get_key("one"))
        self.bucket.delete_key("two")
        self.assertIsNone(self.bucket.get_key("two"))
        self.assertEqual([k.name for k in self.bucket.list()], ["three"])
        # Deleting a key that is not there succeeds, as on S3.
        self.bucket.delete_key("two")

    def test_multi_object_delete(self):
        # POST ?delete: "delete" is signed in the resource, Content-MD5 in its place.
        for name in ["x1", "x2", "x3"]:
            self.bucket.new_key(name).set_contents_from_string(name)
        result = self.bucket.delete_keys(["x1", "x3", "never-there"])
        self.assertEqual(sorted(d.key for d in result.deleted), ["never-there", "x1", "x3"])
        self.assertEqual(result.errors, [])
        self.assertEqual([k.name for k in self.bucket.list()], ["x2"])

    def test_keys_with_spaces_unicode_and_special_characters(self):
        names = [
            "with space.txt",
            "plus+sign & ampersand.txt",
            "question?mark#hash.txt",
            "percent 100%.txt",
            "tilde~colon:equals=at@.txt",
            "quotes'(paren)*star!,semi;dollar$.txt",
            "unicode/é ü ñ/日本語/😀.txt",
            "brackets[1]{2}^caret`tick|pipe\\backslash",
        ]
        for i, name in enumerate(names):
            self.bucket.new_key(name).set_contents_from_string("body %d" % i)
        self.assertEqual(sorted(k.name for k in self.bucket.list()), sorted(names))
        for i, name in enumerate(names):
            key = self.bucket.get_key(name)
            self.assertIsNotNone(key, name)
            self.assertEqual(key.get_contents_as_string(), b"body %d" % i, name)
            url = key.generate_url(300)
            status, _, body = fetch(url)
            self.assertEqual((status, body), (200, b"body %d" % i), (name, url))
        for name in names:
            self.bucket.delete_key(name)
        self.assertEqual(list(self.bucket.list()), [])

    def test_a_key_with_repeated_slashes_is_signed_as_sent(self):
        # boto 2 folds "//" to "/" unless told not to; told, it sends and
        # signs the path with both slashes, and so must the server.
        keeps = S3Connection(*harness.DEFAULT_KEY, host="127.0.0.1", port=self.server.port,
                             is_secure=False, calling_format=OrdinaryCallingFormat(),
                             suppress_consec_slashes=False)
        self.addCleanup(keeps.close)
        bucket = keeps.get_bucket("objects")
        bucket.new_key("dir//double//slash").set_contents_from_string("two slashes")
        self.assertEqual([k.name for k in bucket.list()], ["dir//double//slash"])
        self.assertEqual(bucket.get_key("dir//double//slash").get_contents_as_string(),
                         b"two slashes")
        self.assertIsNone(bucket.get_key("dir/double/slash"))

    def test_copy_key_keeps_or_replaces_metadata(self):
        # x-amz-copy-source and x-amz-metadata-directive are signed x-amz-* headers.
        src = self.bucket.new_key("src")
        src.set_metadata("color", "blue")
        src.set_contents_from_string("copied body")
        self.bucket.copy_key("same-meta", "objects", "src")
        self.bucket.copy_key("new-meta", "objects", "src", metadata={"color": "red"})
        self.assertEqual(self.bucket.get_key("same-meta").get_contents_as_string(), b"copied body")
        self.assertEqual(self.bucket.get_key("same-meta").metadata, {"color": "blue"})
        self.assertEqual(self.bucket.get_key("new-meta").metadata, {"color": "red"})

    def test_multipart_upload(self):
        # ?uploads, ?partNumber=&uploadId= and ?uploadId= are signed sub-resources.
        parts = [random.Random(3).randbytes(5 * MiB), b"the tail"]
        upload = self.bucket.initiate_multipart_upload("big", metadata={"kind": "mp"})
        self.assertEqual([u.id for u in self.bucket.list_multipart_uploads()], [upload.id])
        for number, data in enumerate(parts, 1):
            with tempfile.NamedTemporaryFile() as f:
                f.write(data)
                f.seek(0)
                upload.upload_part_from_file(f, number)
        self.assertEqual([p.part_number for p in upload.get_all_parts()], [1, 2])
        upload.complete_upload()
        key = self.bucket.get_key("big")
        self.assertEqual(key.etag, harness.multipart_etag(parts))
        self.assertEqual(key.metadata, {"kind": "mp"})
        self.assertEqual(key.get_contents_as_string(), b"".join(parts))

        aborted = self.bucket.initiate_multipart_upload("never")
        aborted.cancel_upload()
        self.assertEqual(list(self.bucket.list_multipart_uploads()), [])
        self.assertIsNone(self.bucket.get_key("never"))


# ---------------------------------------------------------------------------
# generate_url: query-string authentication

class GenerateUrlTest(Boto2TestCase):
    def setUp(self):
        super().setUp()
        self.bucket = self.conn.create_bucket("shared")
        self.key = self.bucket.new_key("handout.txt")
        self.key.set_contents_from_string("read me", headers={"Content-Type": "text/plain"})

    def test_a_generated_url_is_fetched_by_urllib_and_curl(self):
        url = self.key.generate_url(300)
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        self.assertEqual(sorted(query), ["AWSAccessKeyId", "Expires", "Signature"])
        status, headers, body = fetch(url)
        self.assertEqual((status, body), (200, b"read me"))
        self.assertEqual(headers["Content-Type"], "text/plain")

        result = self.run_client([harness.CURL, "-sS", "--fail", "--noproxy", "*", url])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, b"read me")

        # The same URL without its signature is an anonymous request.
        bare = url.split("?")[0]
        status, _, body = fetch(bare)
        self.assertEqual((status, error_of(body)["Code"]), (403, "AccessDenied"))

    def test_response_header_overrides_are_signed_and_applied(self):
        url = self.key.generate_url(300, response_headers={
            "response-content-type": "application/x-course",
            "response-content-disposition": 'attachment; filename="lab 1+2.txt"',
        })
        status, headers, body = fetch(url)
        self.assertEqual((status, body), (200, b"read me"))
        self.assertEqual(headers["Content-Type"], "application/x-course")
        self.assertEqual(headers["Content-Disposition"], 'attachment; filename="lab 1+2.txt"')
        # Changing an override after signing breaks the signature.
        tampered = url.replace("x-course", "x-other")
        status, _, body = fetch(tampered)
        self.assertEqual((status, error_of(body)["Code"]), (403, "SignatureDoesNotMatch"))

    def test_a_generated_put_url_uploads_with_curl(self):
        url = self.conn.generate_url(300, "PUT", bucket="shared", key="upload.bin")
        data = random.Random(4).randbytes(100000)
        with tempfile.NamedTemporaryFile() as f:
            f.write(data)
            f.flush()
            result = self.run_client([harness.CURL, "-sS", "--fail", "--noproxy", "*",
                                      "-T", f.name, url])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(self.bucket.get_key("upload.bin").get_contents_as_string(), data)

    def test_an_expired_url_is_AccessDenied_request_has_expired(self):
        expires = int(time.time()) - 60
        url = self.key.generate_url(expires, expires_in_absolute=True)
        status, _, body = fetch(url)
        error = error_of(body)
        self.assertEqual(status, 403, body)
        self.assertEqual(error["Code"], "AccessDenied")
        self.assertEqual(error["Message"], "Request has expired")
        self.assertEqual(error["Expires"],
                         time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires)))
        server_time = time.mktime(time.strptime(error["ServerTime"], "%Y-%m-%dT%H:%M:%SZ"))
        self.assertLess(abs(server_time - time.mktime(time.gmtime())), 60)
        # The same object, signed until later, is served.
        self.assertEqual(fetch(self.key.generate_url(60))[0], 200)

    def test_a_url_for_another_key_or_from_a_wrong_secret_does_not_match(self):
        url = self.key.generate_url(300)
        other = url.replace("/handout.txt?", "/other.txt?")
        status, _, body = fetch(other)
        error = error_of(body)
        self.assertEqual((status, error["Code"]), (403, "SignatureDoesNotMatch"))
        expires = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["Expires"][0]
        self.assertEqual(error["StringToSign"], "GET\n\n\n%s\n/shared/other.txt" % expires)
        self.assertEqual(error["AWSAccessKeyId"], "test")

        wrong = self.connect(("test", "not-the-secret"))
        status, _, body = fetch(wrong.generate_url(300, "GET", bucket="shared", key="handout.txt"))
        self.assertEqual((status, error_of(body)["Code"]), (403, "SignatureDoesNotMatch"))

    def test_a_url_from_an_unknown_key_is_InvalidAccessKeyId(self):
        stranger = self.connect(("AKIANOSUCHKEY0000000", "whatever"))
        status, _, body = fetch(stranger.generate_url(300, "GET", bucket="shared",
                                                      key="handout.txt"))
        error = error_of(body)
        self.assertEqual((status, error["Code"]), (403, "InvalidAccessKeyId"))
        self.assertEqual(error["AWSAccessKeyId"], "AKIANOSUCHKEY0000000")


# ---------------------------------------------------------------------------
# Refused signatures

class SignatureErrorTest(Boto2TestCase):
    def test_a_wrong_secret_is_SignatureDoesNotMatch(self):
        self.conn.create_bucket("mine")
        wrong = self.connect(("test", "not-the-secret"))
        e = self.assertS3Error(403, "SignatureDoesNotMatch", wrong.get_all_buckets)
        error = error_of(e.body)
        self.assertEqual(error["AWSAccessKeyId"], "test")
        self.assertRegex(error["StringToSign"],
                         r"^GET\n\n\n[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} "
                         r"\d\d:\d\d:\d\d GMT\n/$")
        self.assertEqual(error["StringToSignBytes"],
                         " ".join("%02x" % b for b in error["StringToSign"].encode()))
        self.assertTrue(error["SignatureProvided"])
        # A PUT with a body and metadata: every signed part is named.
        e = self.assertS3Error(403, "SignatureDoesNotMatch",
                               wrong.get_bucket("mine", validate=False).new_key(
                                   "k").set_contents_from_string,
                               "body", headers={"Content-Type": "text/plain",
                                                "x-amz-meta-note": "  hi  "})
        sts = error_of(e.body)["StringToSign"].split("\n")
        self.assertEqual(sts[0], "PUT")
        self.assertEqual(sts[1], base64.b64encode(hashlib.md5(b"body").digest()).decode())
        self.assertEqual(sts[2], "text/plain")
        self.assertEqual(sts[4:], ["x-amz-meta-note:hi", "/mine/k"])
        # Nothing was written.
        self.assertIsNone(self.conn.get_bucket("mine").get_key("k"))

    def test_an_unknown_access_key_is_InvalidAccessKeyId(self):
        stranger = self.connect(("AKIANOSUCHKEY0000000", "whatever"))
        e = self.assertS3Error(403, "InvalidAccessKeyId", stranger.get_all_buckets)
        self.assertEqual(error_of(e.body)["AWSAccessKeyId"], "AKIANOSUCHKEY0000000")
        self.assertEqual(self.conn.get_all_buckets(), [])

    def test_a_date_far_from_the_server_clock_is_RequestTimeTooSkewed(self):
        old = "Mon, 01 Jan 2001 00:00:00 GMT"
        e = self.assertS3Error(403, "RequestTimeTooSkewed", self.conn.get_all_buckets,
                               headers={"Date": old})
        error = error_of(e.body)
        self.assertEqual(error["RequestTime"], old)
        self.assertEqual(error["MaxAllowedSkewMilliseconds"], "900000")
        # Fourteen minutes is within the fifteen allowed.
        near = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() - 14 * 60))
        self.assertEqual(self.conn.get_all_buckets(headers={"Date": near}), [])

    def test_an_unreadable_date_is_AccessDenied(self):
        e = self.assertS3Error(403, "AccessDenied", self.conn.get_all_buckets,
                               headers={"Date": "yesterday"})
        self.assertEqual(error_of(e.body)["Message"],
                         "AWS authentication requires a valid Date or x-amz-date header")

    def test_an_x_amz_date_replaces_the_date(self):
        # boto 2 then signs an empty Date line and the x-amz-date among the x-amz-* headers.
        now = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())
        self.conn.create_bucket("dated", headers={"x-amz-date": now,
                                                  "Date": "Mon, 01 Jan 2001 00:00:00 GMT"})
        self.assertEqual([b.name for b in self.conn.get_all_buckets()], ["dated"])


# ---------------------------------------------------------------------------
# Virtual-hosted style: SigV2 signs the bucket the Host header names

class VirtualHostTest(Boto2TestCase):
    def test_subdomain_calling_format_reaches_the_bucket(self):
        vhost = self.connect(calling_format=SubdomainCallingFormat(), host="localhost")
        with mock.patch("socket.getaddrinfo", _getaddrinfo_localhost_subdomains):
            bucket = vhost.create_bucket("vhosted")
            self.assertEqual(bucket.connection.calling_format.build_host(
                vhost.server_name(), "vhosted"), "vhosted.localhost:%d" % self.server.port)
            key = bucket.new_key("dir/a b.txt")
            key.set_contents_from_string("virtual")
            self.assertEqual(bucket.get_key("dir/a b.txt").get_contents_as_string(), b"virtual")
            self.assertEqual([k.name for k in bucket.list()], ["dir/a b.txt"])
            url = key.generate_url(300)
            self.assertTrue(url.startswith("http://vhosted.localhost:%d/" % self.server.port), url)
            status, _, body = fetch(url)
            self.assertEqual((status, body), (200, b"virtual"))
        # The same object by path style.
        self.assertEqual(self.conn.get_bucket("vhosted").get_key("dir/a b.txt")
                         .get_contents_as_string(), b"virtual")


class Boto2AclTest(Boto2TestCase):
    """The course's access-control steps, exactly as it writes them in boto 2."""

    def anonymous_get(self, bucket, key):
        return fetch("%s/%s/%s" % (self.endpoint, bucket, urllib.parse.quote(key)))

    def test_public_read_bucket_and_object_as_the_course_writes_them(self):
        bucket = self.conn.create_bucket("course-public", policy="public-read")
        key = bucket.new_key("hello.txt")
        key.set_contents_from_string("hello, world", policy="public-read")
        secret = bucket.new_key("secret.txt")
        secret.set_contents_from_string("not for you")
        # Pop quiz: the private object is listed anonymously, but not readable.
        status, _, body = fetch("%s/course-public" % self.endpoint)
        self.assertEqual(status, 200)
        listed = [e.text for e in ET.fromstring(body).iter(
            "{http://s3.amazonaws.com/doc/2006-03-01/}Key")]
        self.assertEqual(listed, ["hello.txt", "secret.txt"])
        self.assertEqual(self.anonymous_get("course-public", "hello.txt")[::2],
                         (200, b"hello, world"))
        status, _, body = self.anonymous_get("course-public", "secret.txt")
        self.assertEqual((status, error_of(body)["Code"]), (403, "AccessDenied"))
        # What boto 2 reads back.
        grants = {(g.type, g.uri, g.permission) for g in key.get_acl().acl.grants}
        self.assertIn(("Group", "http://acs.amazonaws.com/groups/global/AllUsers", "READ"), grants)
        self.assertEqual(bucket.get_acl().owner.display_name, "default")

    def test_set_acl_makes_a_private_object_public_and_back(self):
        bucket = self.conn.create_bucket("course-private")
        key = bucket.new_key("photo.jpg")
        key.set_contents_from_string("jpeg bytes")
        self.assertEqual(self.anonymous_get("course-private", "photo.jpg")[0], 403)
        key.set_acl("public-read")
        self.assertEqual(self.anonymous_get("course-private", "photo.jpg")[::2],
                         (200, b"jpeg bytes"))
        key.make_public()  # the same call under another name
        self.assertEqual(self.anonymous_get("course-private", "photo.jpg")[0], 200)
        key.set_acl("private")
        self.assertEqual(self.anonymous_get("course-private", "photo.jpg")[0], 403)
        # A public-read object in a private bucket is readable, the bucket not listable.
        self.assertEqual(fetch("%s/course-private" % self.endpoint)[0], 403)
        bucket.set_acl("public-read")
        self.assertEqual(fetch("%s/course-private" % self.endpoint)[0], 200)

    def test_grants_by_email_and_another_account(self):
        alice = self.connect(harness.ALICE_KEY)
        bob = self.connect(harness.BOB_KEY)
        bucket = alice.create_bucket("alice-shares")
        key = bucket.new_key("plan.txt")
        key.set_contents_from_string("the plan")
        bobs_view = bob.get_bucket("alice-shares", validate=False).new_key("plan.txt")
        self.assertS3Error(403, "AccessDenied", bobs_view.get_contents_as_string)
        key.add_email_grant("READ", "bob@example.com")
        got = bob.get_bucket("alice-shares", validate=False).get_key("plan.txt")
        self.assertEqual(got.get_contents_as_string(), b"the plan")
        self.assertS3Error(400, "UnresolvableGrantByEmailAddress", key.add_email_grant, "READ",
                           "nobody@example.com")


if __name__ == "__main__":
    unittest.main()
