"""curl (Debian's 7.88, with --aws-sigv4) against the real awslab-server.

S3 requires x-amz-content-sha256 on every SigV4 request; curl 7.88 does not
add it by itself, so a curl user passes -H "x-amz-content-sha256: ..." and
curl signs it like any other x-amz- header.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_curl
"""

import hashlib
import os
import shutil
import tempfile
import unittest
import xml.etree.ElementTree as ET

import harness
from harness import CURL

UNSIGNED_PAYLOAD = ["-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


class CurlResult:
    def __init__(self, status, size_download, body, headers, trace):
        self.status = status
        self.size_download = size_download  # bytes of body received (not headers)
        self.body = body
        self.headers = headers  # lowercase name -> value, of the final response
        self.trace = trace      # curl -v output


class CurlTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-curl-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # The fixture: a bucket with one object, made with curl itself.
        self.assertEqual(self.curl("-X", "PUT", self.url("/curl-bucket"), signed=True).status, 200)
        self.object_body = b"curl can read this\n"
        src = self.file("obj.txt", self.object_body)
        self.assertEqual(self.curl("-T", src, self.url("/curl-bucket/obj.txt"),
                                   signed=True).status, 200)

    def url(self, path):
        return self.endpoint + path

    def file(self, name, data):
        path = os.path.join(self.work, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def curl(self, *args, signed=False, user=None, content_sha256=True):
        """Runs curl; returns the final status, body, headers and the -v trace."""
        body_path = os.path.join(self.work, "body.out")
        headers_path = os.path.join(self.work, "headers.out")
        for p in (body_path, headers_path):
            if os.path.exists(p):
                os.unlink(p)
        argv = [CURL, "--silent", "--show-error", "--verbose", "--max-time", "60",
                "--output", body_path, "--dump-header", headers_path,
                "--write-out", "%{http_code} %{size_download}"]
        if signed:
            argv += ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", user or "test:test"]
            if content_sha256:
                argv += UNSIGNED_PAYLOAD
        argv += list(args)
        done = self.run_client(argv)
        self.assertEqual(done.returncode, 0, done.stderr.decode("utf-8", "replace"))
        body = b""
        if os.path.exists(body_path):
            with open(body_path, "rb") as f:
                body = f.read()
        headers = {}
        with open(headers_path, "rb") as f:
            for line in f.read().decode("latin-1").splitlines():
                if line.startswith("HTTP/"):
                    headers = {}  # a 100 Continue comes before the final response
                elif ":" in line:
                    name, value = line.split(":", 1)
                    headers[name.strip().lower()] = value.strip()
        status, size = done.stdout.split()
        return CurlResult(int(status), int(size), body, headers, done.stderr.decode("utf-8", "replace"))

    def error_code(self, result):
        root = ET.fromstring(result.body)
        self.assertEqual(root.tag, "Error")
        return root.findtext("Code")

    def test_anonymous_get_of_an_object_is_403_AccessDenied_xml(self):
        r = self.curl(self.url("/curl-bucket/obj.txt"))
        self.assertEqual(r.status, 403)
        self.assertTrue(r.headers.get("content-type", "").startswith("application/xml"))
        self.assertEqual(self.error_code(r), "AccessDenied")
        self.assertEqual(ET.fromstring(r.body).findtext("RequestId"), r.headers["x-amz-request-id"])
        self.assertTrue(r.headers.get("x-amz-id-2"))
        # Nor can anonymous list the bucket or all buckets.
        for path in ("/curl-bucket?list-type=2", "/"):
            with self.subTest(path=path):
                r = self.curl(self.url(path))
                self.assertEqual(r.status, 403)
                self.assertEqual(self.error_code(r), "AccessDenied")

    def test_signed_get_returns_the_object(self):
        r = self.curl(self.url("/curl-bucket/obj.txt"), signed=True)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, self.object_body)
        self.assertEqual(r.headers["etag"], '"%s"' % hashlib.md5(self.object_body).hexdigest())
        self.assertEqual(r.headers["content-length"], str(len(self.object_body)))
        # The empty payload's hash works as well as UNSIGNED-PAYLOAD.
        r = self.curl("-H", "x-amz-content-sha256: " + EMPTY_SHA256,
                      self.url("/curl-bucket/obj.txt"), signed=True, content_sha256=False)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, self.object_body)

    def test_signed_get_without_content_sha256_is_InvalidRequest_as_in_aws(self):
        r = self.curl(self.url("/curl-bucket/obj.txt"), signed=True, content_sha256=False)
        self.assertEqual(r.status, 400)
        self.assertEqual(self.error_code(r), "InvalidRequest")
        self.assertIn("x-amz-content-sha256", ET.fromstring(r.body).findtext("Message"))

    def test_wrong_secret_is_403_SignatureDoesNotMatch(self):
        r = self.curl(self.url("/curl-bucket/obj.txt"), signed=True, user="test:wrong-secret")
        self.assertEqual(r.status, 403)
        self.assertEqual(self.error_code(r), "SignatureDoesNotMatch")
        root = ET.fromstring(r.body)
        self.assertEqual(root.findtext("AWSAccessKeyId"), "test")
        self.assertTrue(root.findtext("CanonicalRequest").startswith("GET\n/curl-bucket/obj.txt\n"))

    def test_head_of_a_missing_key_is_404_without_body(self):
        # -X HEAD: curl reads whatever body the response announces or sends.
        r = self.curl("-X", "HEAD", self.url("/curl-bucket/missing.txt"), signed=True)
        self.assertEqual(r.status, 404)
        self.assertEqual(r.size_download, 0)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers.get("content-length", "0"), "0")
        self.assertNotIn("Excess found", r.trace)
        self.assertTrue(r.headers.get("x-amz-request-id"))
        # HEAD of the object that exists: its length, no body.
        r = self.curl("--head", self.url("/curl-bucket/obj.txt"), signed=True)
        self.assertEqual(r.status, 200)
        self.assertEqual(r.size_download, 0)
        self.assertTrue(r.body.endswith(b"\r\n\r\n"), r.body)
        self.assertEqual(r.headers["content-length"], str(len(self.object_body)))

    def test_upload_with_expect_100_continue(self):
        data = os.urandom(2 * 1024 * 1024 + 7)
        src = self.file("upload.bin", data)
        r = self.curl("-H", "Expect: 100-continue", "-T", src, self.url("/curl-bucket/upload.bin"),
                      signed=True)
        self.assertIn("> Expect: 100-continue", r.trace)
        self.assertIn("< HTTP/1.1 100 Continue", r.trace)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["etag"], '"%s"' % hashlib.md5(data).hexdigest())
        got = self.curl(self.url("/curl-bucket/upload.bin"), signed=True)
        self.assertEqual(got.status, 200)
        self.assertEqual(hashlib.sha256(got.body).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_upload_refused_before_the_body_gets_no_100_continue(self):
        # A denied PUT is answered at once: the client need not send its body.
        src = self.file("denied.bin", os.urandom(1024 * 1024))
        r = self.curl("-H", "Expect: 100-continue", "-T", src, self.url("/curl-bucket/denied.bin"),
                      signed=True, user="test:wrong-secret")
        self.assertEqual(r.status, 403)
        self.assertEqual(self.error_code(r), "SignatureDoesNotMatch")
        self.assertNotIn("< HTTP/1.1 100 Continue", r.trace)
        r = self.curl("--head", self.url("/curl-bucket/denied.bin"), signed=True)
        self.assertEqual(r.status, 404)

    def test_virtual_hosted_get_with_curl(self):
        # curl resolves *.localhost to loopback by itself.
        r = self.curl("http://curl-bucket.localhost:%d/obj.txt" % self.server.port, signed=True)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, self.object_body)


if __name__ == "__main__":
    unittest.main()
