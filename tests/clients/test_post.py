"""POST Object (browser form uploads) against the real awslab-server: forms
signed with SigV4 by boto3's generate_presigned_post and with SigV2 by boto 2's
build_post_form_args, sent with Debian's python3-requests as a browser sends
them, and a plain HTML form submitted by a real headless browser (Debian's
chromium).

Each refused form is checked beside one that is accepted, and a refused
upload must leave nothing behind.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_post
"""

import base64
import hashlib
import html
import http.client
import http.server
import json
import os
import shutil
import tempfile
import threading
import unittest
import urllib.parse
import warnings
import xml.etree.ElementTree as ET
from unittest import mock

import requests
from botocore.exceptions import ClientError

import harness

os.environ["BOTO_CONFIG"] = "/dev/null"
os.environ.pop("BOTO_PATH", None)

from boto.s3.connection import OrdinaryCallingFormat, S3Connection  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
MiB = 1024 * 1024


def error_of(response):
    """{element: text} of an S3 error document."""
    root = ET.fromstring(response.content)
    return {child.tag: child.text or "" for child in root}


class PostTestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="forms")
        self.http = requests.Session()
        self.http.trust_env = False  # no proxies from the machine
        self.addCleanup(self.http.close)

    def presign(self, key, fields=None, conditions=None, expires=600, client=None):
        return (client or self.s3).generate_presigned_post(
            "forms", key, Fields=fields, Conditions=conditions, ExpiresIn=expires)

    def post(self, form, data=b"hello", filename="hello.txt", fields=None, url=None):
        """POSTs the form's fields (with `fields` changed) and a file."""
        values = dict(form["fields"])
        values.update(fields or {})
        values = {k: v for k, v in values.items() if v is not None}
        return self.http.post(url or form["url"], data=values,
                              files={"file": (filename, data, "application/octet-stream")},
                              allow_redirects=False, timeout=60)

    def assertRefused(self, response, status, code, message=None):
        self.assertEqual(response.status_code, status, response.text)
        error = error_of(response)
        self.assertEqual(error["Code"], code, response.text)
        if message is not None:
            self.assertEqual(error["Message"], message)
        return error

    def keys(self):
        return sorted(o["Key"] for o in self.s3.list_objects_v2(Bucket="forms").get("Contents", []))


class SigV4FormTest(PostTestCase):
    def test_upload_with_fields_and_201_answer_survives_restart(self):
        form = self.presign(
            "uploads/${filename}",
            fields={"Content-Type": "text/plain", "x-amz-meta-color": "blue",
                    "success_action_status": "201", "Cache-Control": "max-age=60",
                    "x-amz-storage-class": "STANDARD_IA",
                    "tagging": "<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag>"
                               "</TagSet></Tagging>"},
            conditions=[{"Content-Type": "text/plain"}, ["starts-with", "$x-amz-meta-color", ""],
                        {"success_action_status": "201"}, ["starts-with", "$Cache-Control", "max"],
                        ["starts-with", "$tagging", ""], ["content-length-range", 1, 100],
                        {"x-amz-storage-class": "STANDARD_IA"},
                        ["starts-with", "$key", "uploads/"]])
        r = self.post(form, b"hello form", filename="hello.txt")
        self.assertEqual(r.status_code, 201, r.text)
        etag = '"%s"' % hashlib.md5(b"hello form").hexdigest()
        root = ET.fromstring(r.content)
        self.assertEqual(root.tag, "PostResponse")
        answer = {child.tag: child.text for child in root}
        self.assertEqual(answer["Bucket"], "forms")
        self.assertEqual(answer["Key"], "uploads/hello.txt")
        self.assertEqual(answer["ETag"], etag)
        self.assertEqual(answer["Location"], self.endpoint + "/forms/uploads/hello.txt")
        self.assertEqual(r.headers["ETag"], etag)
        self.assertEqual(r.headers["Location"], answer["Location"])

        self.server.restart()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        obj = s3.get_object(Bucket="forms", Key="uploads/hello.txt")
        self.assertEqual(obj["Body"].read(), b"hello form")
        self.assertEqual(obj["ContentType"], "text/plain")
        self.assertEqual(obj["CacheControl"], "max-age=60")
        self.assertEqual(obj["Metadata"], {"color": "blue"})
        self.assertEqual(obj["ETag"], etag)
        self.assertEqual(obj["StorageClass"], "STANDARD_IA")
        tags = s3.get_object_tagging(Bucket="forms", Key="uploads/hello.txt")["TagSet"]
        self.assertEqual(tags, [{"Key": "k", "Value": "v"}])

    def test_versions_and_encryption_apply_to_form_uploads(self):
        # A versioned bucket with a default encryption: the form's upload gets
        # a version id and is encrypted, as a PutObject would be.
        self.s3.put_bucket_versioning(Bucket="forms",
                                      VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_encryption(Bucket="forms", ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        first = self.post(self.presign("doc.txt"), b"one")
        second = self.post(self.presign("doc.txt"), b"two")
        self.assertEqual((first.status_code, second.status_code), (204, 204))
        self.assertEqual(first.headers["x-amz-server-side-encryption"], "AES256")
        versions = self.s3.list_object_versions(Bucket="forms", Prefix="doc.txt")["Versions"]
        self.assertEqual(sorted(v["VersionId"] for v in versions),
                         sorted([first.headers["x-amz-version-id"],
                                 second.headers["x-amz-version-id"]]))
        got = self.s3.get_object(Bucket="forms", Key="doc.txt",
                                 VersionId=first.headers["x-amz-version-id"])
        self.assertEqual((got["Body"].read(), got["ServerSideEncryption"]), (b"one", "AES256"))
        # A form field asks for SSE-KMS instead.
        kms = self.post(self.presign("kms.txt", fields={"x-amz-server-side-encryption": "aws:kms"},
                                     conditions=[{"x-amz-server-side-encryption": "aws:kms"}]),
                        b"k")
        self.assertEqual(kms.status_code, 204, kms.text)
        self.assertEqual(kms.headers["x-amz-server-side-encryption"], "aws:kms")
        # SSE-C through a form is refused, not stored unencrypted.
        key = b"k" * 32
        sse_c = {"x-amz-server-side-encryption-customer-algorithm": "AES256",
                 "x-amz-server-side-encryption-customer-key": base64.b64encode(key).decode(),
                 "x-amz-server-side-encryption-customer-key-MD5":
                     base64.b64encode(hashlib.md5(key).digest()).decode()}
        refused = self.post(self.presign("c.txt", fields=sse_c,
                                         conditions=[{k: v} for k, v in sse_c.items()]), b"c")
        self.assertRefused(refused, 501, "NotImplemented")
        self.assertNotIn("c.txt", self.keys())

    def test_success_action_status_200_201_204_and_default(self):
        for status, expected in (("200", 200), ("204", 204), ("299", 204), (None, 204)):
            fields = {"success_action_status": status} if status else {}
            conditions = [["starts-with", "$success_action_status", ""]] if status else []
            form = self.presign("status-%s" % status, fields=fields, conditions=conditions)
            r = self.post(form, b"x")
            self.assertEqual(r.status_code, expected, (status, r.text))
            self.assertEqual(r.content, b"")
            self.assertEqual(r.headers["ETag"], '"%s"' % hashlib.md5(b"x").hexdigest())
            self.assertEqual(r.headers["Location"], self.endpoint + "/forms/status-%s" % status)
        self.assertEqual(self.keys(), ["status-200", "status-204", "status-299", "status-None"])

    def test_success_action_redirect_and_redirect_answer_303(self):
        for field in ("success_action_redirect", "redirect"):
            target = "http://example.com/done?from=" + field
            form = self.presign("a b/%s.txt" % field, fields={field: target},
                                conditions=[{field: target}])
            r = self.post(form, b"redirected")
            self.assertEqual(r.status_code, 303, r.text)
            location = urllib.parse.urlsplit(r.headers["Location"])
            self.assertEqual(location[:3], ("http", "example.com", "/done"))
            self.assertEqual(urllib.parse.parse_qs(location.query), {
                "from": [field], "bucket": ["forms"], "key": ["a b/%s.txt" % field],
                "etag": ['"%s"' % hashlib.md5(b"redirected").hexdigest()]})
        # A value S3 cannot read as a URL is ignored.
        form = self.presign("not-a-url", fields={"success_action_redirect": "done.html"},
                            conditions=[["starts-with", "$success_action_redirect", ""]])
        self.assertEqual(self.post(form).status_code, 204)

    def test_virtual_hosted_form(self):
        # action="http://forms.localhost:PORT/": the Host names the bucket.
        form = self.presign("vhost.txt", fields={"success_action_status": "201"},
                            conditions=[{"success_action_status": "201"}])
        host = "forms.localhost:%d" % self.server.port
        values = dict(form["fields"])
        r = self.http.post(self.endpoint + "/", data=values, headers={"Host": host},
                           files={"file": ("v.txt", b"virtual")}, timeout=60)
        self.assertEqual(r.status_code, 201, r.text)
        self.assertEqual(r.headers["Location"], "http://%s/vhost.txt" % host)
        self.assertEqual(ET.fromstring(r.content).find("Bucket").text, "forms")
        self.assertEqual(self.s3.get_object(Bucket="forms", Key="vhost.txt")["Body"].read(),
                         b"virtual")

    def test_expired_policy_on_the_simulation_clock(self):
        form = self.presign("soon", expires=60)
        self.assertEqual(self.post(form, b"in time").status_code, 204)
        harness.advance_clock(self.endpoint, "PT2M")
        r = self.post(form, b"too late", fields={"key": "soon"})
        self.assertRefused(r, 403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        self.assertEqual(self.s3.get_object(Bucket="forms", Key="soon")["Body"].read(), b"in time")

    def test_content_length_range(self):
        form = self.presign("sized-${filename}", conditions=[["content-length-range", 10, 20]])
        e = self.assertRefused(self.post(form, b"x" * 9, filename="small"), 400, "EntityTooSmall",
                               "Your proposed upload is smaller than the minimum allowed size")
        self.assertEqual((e["ProposedSize"], e["MinSizeAllowed"]), ("9", "10"))
        e = self.assertRefused(self.post(form, b"x" * 21, filename="large"), 400,
                               "EntityTooLarge",
                               "Your proposed upload exceeds the maximum allowed size")
        self.assertEqual((e["ProposedSize"], e["MaxSizeAllowed"]), ("21", "20"))
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.post(form, b"x" * 10, filename="min").status_code, 204)
        self.assertEqual(self.post(form, b"x" * 20, filename="max").status_code, 204)
        self.assertEqual(self.keys(), ["sized-max", "sized-min"])

    def test_key_outside_starts_with_and_failed_conditions(self):
        form = self.presign("user/${filename}", conditions=[["starts-with", "$key", "user/"]])
        r = self.post(form, fields={"key": "other/x"})
        self.assertRefused(r, 403, "AccessDenied",
                           'Invalid according to Policy: Policy Condition failed: '
                           '["starts-with", "$key", "user/"]')
        # The bucket is a condition too: the same form POSTed to another bucket.
        self.s3.create_bucket(Bucket="elsewhere")
        r = self.post(form, url=self.endpoint + "/elsewhere")
        self.assertRefused(r, 403, "AccessDenied",
                           'Invalid according to Policy: Policy Condition failed: '
                           '["eq", "$bucket", "forms"]')
        # A field the policy does not name.
        r = self.post(form, fields={"x-amz-meta-extra": "1"})
        self.assertRefused(r, 403, "AccessDenied",
                           "Invalid according to Policy: Extra input fields: x-amz-meta-extra")
        # x-ignore- fields need no condition.
        self.assertEqual(self.post(form, fields={"x-ignore-submit": "Upload"}).status_code, 204)
        self.assertEqual(self.keys(), ["user/hello.txt"])

    def test_tampered_policy_wrong_signature_and_unknown_key(self):
        form = self.presign("signed.txt")
        policy = json.loads(base64.b64decode(form["fields"]["policy"]))
        policy["conditions"] = [c for c in policy["conditions"] if c != {"key": "signed.txt"}]
        tampered = base64.b64encode(json.dumps(policy).encode()).decode()
        e = self.assertRefused(self.post(form, fields={"policy": tampered, "key": "any.txt"}), 403,
                               "SignatureDoesNotMatch")
        self.assertEqual(e["StringToSign"], tampered)
        self.assertEqual(e["AWSAccessKeyId"], "test")
        self.assertRefused(self.post(form, fields={"x-amz-signature": "0" * 64}), 403,
                           "SignatureDoesNotMatch")
        credential = form["fields"]["x-amz-credential"].replace("test/", "AKIANOSUCHKEY/", 1)
        e = self.assertRefused(self.post(form, fields={"x-amz-credential": credential}), 403,
                               "InvalidAccessKeyId")
        self.assertEqual(e["AWSAccessKeyId"], "AKIANOSUCHKEY")
        e = self.assertRefused(self.post(form, fields={"x-amz-signature": None}), 400,
                               "InvalidArgument")
        self.assertEqual(e["ArgumentName"], "X-Amz-Signature")
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.post(form).status_code, 204)
        self.assertEqual(self.keys(), ["signed.txt"])

    def test_invalid_policy_document(self):
        # Signed correctly, but not a policy S3 can read.
        for document, message in (
                (b"{not json", "Invalid Policy: Invalid JSON."),
                (b'{"conditions": []}', "Invalid Policy: Policy missing expiration."),
                (b'{"expiration": "2099-01-01T00:00:00Z", "conditions": [{"a": "1", "b": "2"}]}',
                 "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly "
                 "one property specified.")):
            form = self.presign("bad-policy")
            policy = base64.b64encode(document).decode()
            form["fields"]["policy"] = policy
            form["fields"]["x-amz-signature"] = sign_v4(policy, form["fields"]["x-amz-credential"])
            self.assertRefused(self.post(form), 400, "InvalidPolicyDocument", message)
        self.assertEqual(self.keys(), [])

    def test_missing_key_file_and_malformed_forms(self):
        form = self.presign("k")
        e = self.assertRefused(self.post(form, fields={"key": None}), 400, "InvalidArgument",
                               "Bucket POST must contain a field named 'key'.  If it is "
                               "specified, please check the order of the fields.")
        self.assertEqual(e["ArgumentName"], "key")
        r = self.http.post(form["url"], files={k: (None, v) for k, v in form["fields"].items()},
                           timeout=60)
        e = self.assertRefused(r, 400, "InvalidArgument",
                               "POST requires exactly one file upload per request.")
        self.assertEqual((e["ArgumentName"], e["ArgumentValue"]), ("file", "0"))
        r = self.http.post(form["url"], data=form["fields"], timeout=60)
        e = self.assertRefused(r, 412, "PreconditionFailed")
        self.assertEqual(e["Condition"], "Bucket POST must be of the enclosure-type "
                                          "multipart/form-data")
        r = self.http.post(form["url"], data=b"--other\r\nnot a part\r\n",
                           headers={"Content-Type": "multipart/form-data; boundary=xyz"},
                           timeout=60)
        self.assertRefused(r, 400, "MalformedPOSTRequest")
        self.assertEqual(self.keys(), [])

    def test_fields_after_the_file_are_ignored(self):
        form = self.presign("ordered")
        boundary = "----awslabBoundary"
        parts = []
        for name, value in form["fields"].items():
            parts.append('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                         % (boundary, name, value))
        parts.append('--%s\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n'
                     'Content-Type: text/plain\r\n\r\nthe file\r\n' % boundary)
        # Not in the policy, and after the file: S3 ignores it.
        parts.append('--%s\r\nContent-Disposition: form-data; name="x-amz-meta-late"\r\n\r\n'
                     'late\r\n--%s--\r\n' % (boundary, boundary))
        r = self.http.post(form["url"], data="".join(parts).encode(), timeout=60,
                           headers={"Content-Type": "multipart/form-data; boundary=" + boundary})
        self.assertEqual(r.status_code, 204, r.text)
        obj = self.s3.get_object(Bucket="forms", Key="ordered")
        self.assertEqual(obj["Body"].read(), b"the file")
        self.assertEqual(obj["Metadata"], {})

    def test_a_file_larger_than_8_MiB_streams_through(self):
        data = os.urandom(9 * MiB + 12345)
        form = self.presign("big.bin", conditions=[["content-length-range", 0, 10 * MiB]])
        r = self.post(form, data, filename="big.bin")
        self.assertEqual(r.status_code, 204, r.text)
        md5 = hashlib.md5(data).hexdigest()
        self.assertEqual(r.headers["ETag"], '"%s"' % md5)
        obj = self.s3.get_object(Bucket="forms", Key="big.bin")
        self.assertEqual(obj["ContentLength"], len(data))
        self.assertEqual(hashlib.md5(obj["Body"].read()).hexdigest(), md5)
        # Stored in a blob file, as a PutObject of that size is.
        self.assertTrue(any(os.path.getsize(f) == len(data) for f in self.server.blob_files()))
        self.assertEqual(self.post(form, data + b"!", filename="big.bin").status_code, 204)
        too_big = self.presign("too-big.bin", conditions=[["content-length-range", 0, 8 * MiB]])
        self.assertRefused(self.post(too_big, data), 400, "EntityTooLarge")
        self.assertEqual(self.keys(), ["big.bin"])

    def test_the_server_streams_the_file_instead_of_holding_it(self):
        # The server's peak resident memory grows by far less than the file:
        # the form is never held whole.
        def peak_rss():
            with open("/proc/%d/status" % self.server.pid) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) * 1024
        form = self.presign("huge.bin")
        self.assertEqual(self.post(form, b"warm up").status_code, 204)
        before = peak_rss()
        data = os.urandom(64 * MiB)
        r = self.post(form, data, filename="huge.bin")
        self.assertEqual(r.status_code, 204, r.text)
        self.assertEqual(r.headers["ETag"], '"%s"' % hashlib.md5(data).hexdigest())
        grown = peak_rss() - before
        self.assertLess(grown, 16 * MiB, "peak RSS grew by %d bytes" % grown)

    def test_the_signer_needs_put_object_permission(self):
        # Alice signs a form for the default account's private bucket.
        alice = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.addCleanup(alice.close)
        form = self.presign("from-alice", client=alice)
        self.assertRefused(self.post(form), 403, "AccessDenied", "Access Denied")
        self.s3.put_bucket_acl(Bucket="forms", GrantWrite="id=" + alice.list_buckets()["Owner"]["ID"],
                               GrantFullControl="id=" + self.s3.list_buckets()["Owner"]["ID"])
        self.assertEqual(self.post(form).status_code, 204)
        self.assertEqual(self.keys(), ["from-alice"])

    def test_without_a_policy_the_upload_is_anonymous(self):
        fields = {"key": "anonymous.txt"}
        files = {"file": ("a.txt", b"from anyone")}
        r = self.http.post(self.endpoint + "/forms", data=fields, files=files, timeout=60)
        self.assertRefused(r, 403, "AccessDenied")
        self.s3.create_bucket(Bucket="dropbox", ACL="public-read-write")
        r = self.http.post(self.endpoint + "/dropbox", data=fields, files=files, timeout=60)
        self.assertEqual(r.status_code, 204, r.text)
        anon = harness.boto3_client(self.endpoint, signed=False)
        self.addCleanup(anon.close)
        self.assertEqual(anon.get_object(Bucket="dropbox", Key="anonymous.txt")["Body"].read(),
                         b"from anyone")
        listing = self.s3.list_objects_v2(Bucket="dropbox", FetchOwner=True)
        self.assertEqual(listing["Contents"][0]["Owner"]["ID"], "65a011a29cdf8ec533ec3d1ccaae921c")

    def test_a_kill_mid_upload_leaves_nothing_and_keeps_what_was_answered(self):
        form = self.presign("crash-${filename}")
        self.assertEqual(self.post(form, b"before the kill", filename="done").status_code, 204)
        # A form whose file is half sent when the server is killed (SIGKILL).
        boundary = "----awslabCrash"
        head = "".join('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
                       % (boundary, k, v) for k, v in form["fields"].items())
        head += ('--%s\r\nContent-Disposition: form-data; name="file"; filename="half"\r\n\r\n'
                 % boundary)
        data = os.urandom(4 * MiB)
        tail = "\r\n--%s--\r\n" % boundary
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        self.addCleanup(conn.close)
        conn.putrequest("POST", "/forms")
        conn.putheader("Content-Type", "multipart/form-data; boundary=" + boundary)
        conn.putheader("Content-Length", str(len(head) + len(data) + len(tail)))
        conn.endheaders()
        conn.send(head.encode() + data[:2 * MiB])
        # The file is being staged in a blob when the kill comes.
        self.assertTrue(harness.poll(lambda: self.server.blob_files(), timeout=10),
                        "the upload never reached a staged blob")
        self.server.kill()
        self.server.start()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="forms").get("Contents", [])]
        self.assertEqual(keys, ["crash-done"])
        self.assertEqual(s3.get_object(Bucket="forms", Key="crash-done")["Body"].read(),
                         b"before the kill")
        self.assertEqual(self.server.blob_files(), [])


def sign_v4(policy, credential, secret="test"):
    import hmac
    _, date, region, service, _ = credential.split("/")
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, policy.encode(), hashlib.sha256).hexdigest()


class _StrBase64:
    @staticmethod
    def b64encode(s):
        return base64.b64encode(s.encode() if isinstance(s, str) else s).decode()


class SigV2FormTest(PostTestCase):
    """boto 2's build_post_form_args: a SigV2 policy (AWSAccessKeyId, signature)."""

    def setUp(self):
        super().setUp()
        warnings.filterwarnings("ignore", category=ResourceWarning, message="unclosed <socket")
        self.conn = S3Connection(harness.DEFAULT_KEY[0], harness.DEFAULT_KEY[1], host="127.0.0.1",
                                 port=self.server.port, is_secure=False,
                                 calling_format=OrdinaryCallingFormat())

    def form(self, key, **kw):
        # boto 2.49's build_post_form_args hands base64.b64encode the policy as
        # a str, a TypeError on Python 3: its own module's base64 is given a
        # b64encode that takes the str; every other line of boto runs as is.
        with mock.patch("boto.s3.connection.base64", _StrBase64):
            args = self.conn.build_post_form_args("forms", key, expires_in=600, **kw)
        return {"url": self.endpoint + "/forms",
                "fields": {f["name"]: f["value"] for f in args["fields"]}}

    def test_boto2_form_uploads_with_acl_and_size_limit(self):
        form = self.form("boto2/${filename}", acl="public-read", max_content_length=100)
        self.assertIn("AWSAccessKeyId", form["fields"])
        r = self.post(form, b"signed with SigV2", filename="v2.txt")
        self.assertEqual(r.status_code, 204, r.text)
        anon = harness.boto3_client(self.endpoint, signed=False)
        self.addCleanup(anon.close)
        # public-read from the form's acl field.
        self.assertEqual(anon.get_object(Bucket="forms", Key="boto2/v2.txt")["Body"].read(),
                         b"signed with SigV2")
        self.assertRefused(self.post(form, b"x" * 101), 400, "EntityTooLarge")

    def test_boto2_form_with_a_wrong_signature_or_a_missing_field(self):
        form = self.form("v2-key")
        e = self.assertRefused(self.post(form, fields={"signature": "AAAA" + form["fields"]["signature"][4:]}),
                               403, "SignatureDoesNotMatch")
        self.assertEqual(e["StringToSign"], form["fields"]["policy"])
        e = self.assertRefused(self.post(form, fields={"signature": None}), 400, "InvalidArgument")
        self.assertEqual(e["ArgumentName"], "Signature")
        e = self.assertRefused(self.post(form, fields={"AWSAccessKeyId": "nobody"}), 403,
                               "InvalidAccessKeyId")
        self.assertEqual(self.keys(), [])
        self.assertEqual(self.post(form).status_code, 204)


PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>upload</title></head>
<body>
<form id="upload" action="%(action)s" method="post" enctype="multipart/form-data">
%(inputs)s
<input type="file" name="file">
<input type="submit" name="x-ignore-submit" value="Upload">
</form>
<script>
// A person would pick a file; the script puts one in the file input, as a
// drop would, and the form is submitted as a plain HTML form.
const input = document.querySelector("input[type=file]");
const transfer = new DataTransfer();
transfer.items.add(new File([%(body)s], "from browser.txt", {type: "text/plain"}));
input.files = transfer.files;
document.getElementById("upload").submit();
</script></body></html>
"""

DONE = """<!doctype html>
<html><body><pre id="out">waiting</pre>
<script>document.getElementById("out").textContent = location.search;</script>
</body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class BrowserFormTest(PostTestCase):
    """Debian's headless chromium loads a page with a plain HTML form (hidden
    fields from generate_presigned_post, a file input) and submits it to
    awslab; awslab redirects the browser to the page's site with the bucket,
    key and ETag. Without chromium these fail: a browser test that does not
    run proves nothing."""

    def setUp(self):
        super().setUp()
        self.assertTrue(os.access(CHROMIUM, os.X_OK), CHROMIUM + " is not installed")
        self.site = tempfile.mkdtemp(prefix="awslab-post-site-")
        self.addCleanup(shutil.rmtree, self.site, True)
        handler = lambda *a, **kw: _QuietHandler(*a, directory=self.site, **kw)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.addCleanup(self.httpd.server_close)
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.httpd.shutdown)
        self.origin = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def test_a_plain_html_form_uploads_a_file(self):
        done = self.origin + "/done.html"
        form = self.presign("browser/${filename}",
                            fields={"success_action_redirect": done, "Content-Type": "text/plain"},
                            conditions=[{"success_action_redirect": done},
                                        ["starts-with", "$Content-Type", "text/"],
                                        ["starts-with", "$key", "browser/"],
                                        ["content-length-range", 1, 1000]])
        inputs = "\n".join('<input type="hidden" name="%s" value="%s">'
                           % (html.escape(k), html.escape(v)) for k, v in form["fields"].items())
        body = "uploaded by a plain HTML form"
        with open(os.path.join(self.site, "index.html"), "w") as f:
            f.write(PAGE % {"action": html.escape(form["url"]), "inputs": inputs,
                            "body": json.dumps(body)})
        with open(os.path.join(self.site, "done.html"), "w") as f:
            f.write(DONE)
        profile = tempfile.mkdtemp(prefix="awslab-chromium-")
        self.addCleanup(shutil.rmtree, profile, True)
        run = self.run_client(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--no-proxy-server",
             "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--dump-dom",
             self.origin + "/index.html"],
            timeout=120)
        dom = run.stdout.decode("utf-8", "replace")
        start, end = dom.find('<pre id="out">'), dom.find("</pre>")
        self.assertTrue(start >= 0 and end > start,
                        "no result in the DOM (chromium exited %d):\n%s\n%s" %
                        (run.returncode, dom[-2000:], run.stderr.decode("utf-8", "replace")[-2000:]))
        query = html.unescape(dom[start + len('<pre id="out">'):end])
        etag = '"%s"' % hashlib.md5(body.encode()).hexdigest()
        self.assertEqual(urllib.parse.parse_qs(query.lstrip("?")), {
            "bucket": ["forms"], "key": ["browser/from browser.txt"], "etag": [etag]})
        obj = self.s3.get_object(Bucket="forms", Key="browser/from browser.txt")
        self.assertEqual(obj["Body"].read(), body.encode())
        self.assertEqual(obj["ContentType"], "text/plain")


if __name__ == "__main__":
    unittest.main()
