"""S3 CORS against the real awslab-server: boto3 (Debian's python3-boto3)
sets, reads and deletes a bucket's CORS configuration; curl sends preflights
and cross-origin requests as a browser would; and a real headless browser
(Debian's chromium) runs a page from another origin that uploads to a bucket
and reads the object back, which works only because of the bucket's rules.

What each case expects is what S3 answers; see docs/server.md ("CORS") for
the sources.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_cors
"""

import base64
import hashlib
import html
import http.server
import json
import os
import shutil
import subprocess
import tempfile
import threading
import unittest
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

import harness
from harness import CURL

CHROMIUM = "/usr/bin/chromium"
VARY = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method"
NOT_ALLOWED = ("CORSResponse: This CORS request is not allowed. This is usually because the "
               "evalution of Origin, request method / Access-Control-Request-Method or "
               "Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.")
NOT_ENABLED = "CORSResponse: CORS is not enabled for this bucket."
CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-methods",
                "access-control-allow-headers", "access-control-expose-headers",
                "access-control-max-age", "access-control-allow-credentials", "vary")

SITE_RULES = {"CORSRules": [
    {"ID": "site",
     "AllowedOrigins": ["https://example.com", "https://*.example.com"],
     "AllowedMethods": ["GET", "PUT", "DELETE"],
     "AllowedHeaders": ["Content-Type", "x-amz-*"],
     "ExposeHeaders": ["ETag", "x-amz-request-id"],
     "MaxAgeSeconds": 3000},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "HEAD"]},
]}


class Boto3CorsTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="site")

    def assertS3Error(self, code, status, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"].get("Code"), code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        return response["Error"]

    def test_put_get_delete_round_trip(self):
        error = self.assertS3Error("NoSuchCORSConfiguration", 404, self.s3.get_bucket_cors,
                                   Bucket="site")
        self.assertEqual(error["Message"], "The CORS configuration does not exist")
        self.assertEqual(error["BucketName"], "site")

        put = self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=SITE_RULES)
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        got = self.s3.get_bucket_cors(Bucket="site")
        self.assertEqual(got["CORSRules"], SITE_RULES["CORSRules"])

        # A second PUT replaces the whole configuration.
        one = {"CORSRules": [{"AllowedOrigins": ["http://localhost:*"], "AllowedMethods": ["POST"]}]}
        self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=one)
        self.assertEqual(self.s3.get_bucket_cors(Bucket="site")["CORSRules"], one["CORSRules"])

        deleted = self.s3.delete_bucket_cors(Bucket="site")
        self.assertEqual(deleted["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error("NoSuchCORSConfiguration", 404, self.s3.get_bucket_cors, Bucket="site")
        # Deleting a configuration that is not there succeeds, as in S3.
        again = self.s3.delete_bucket_cors(Bucket="site")
        self.assertEqual(again["ResponseMetadata"]["HTTPStatusCode"], 204)

    def test_the_configuration_survives_a_restart(self):
        self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=SITE_RULES)
        self.server.restart()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        self.assertEqual(s3.get_bucket_cors(Bucket="site")["CORSRules"], SITE_RULES["CORSRules"])

    def test_invalid_rules_are_refused_with_aws_messages(self):
        cases = [
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET", "PATCH"]},
             "InvalidRequest",
             "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
            ({"AllowedOrigins": ["https://*.example.*"], "AllowedMethods": ["GET"]},
             "InvalidRequest",
             'AllowedOrigin "https://*.example.*" can not have more than one wildcard.'),
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-*-*"]},
             "InvalidRequest",
             'AllowedHeader "x-*-*" can not have more than one wildcard.'),
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ExposeHeaders": ["x-amz-*"]},
             "InvalidRequest",
             'ExposeHeader "x-amz-*" contains wildcard. We currently do not support wildcard '
             'for ExposeHeader.'),
            ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "ID": "x" * 256},
             "MalformedXML", None),
        ]
        for rule, code, message in cases:
            with self.subTest(rule=rule):
                error = self.assertS3Error(code, 400, self.s3.put_bucket_cors, Bucket="site",
                                           CORSConfiguration={"CORSRules": [rule]})
                if message is not None:
                    self.assertEqual(error["Message"], message)
        too_many = {"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}] * 101}
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_cors, Bucket="site",
                           CORSConfiguration=too_many)
        hundred = {"CORSRules": too_many["CORSRules"][:100]}
        self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=hundred)
        self.assertEqual(len(self.s3.get_bucket_cors(Bucket="site")["CORSRules"]), 100)

    def test_missing_bucket_and_other_accounts(self):
        self.assertS3Error("NoSuchBucket", 404, self.s3.put_bucket_cors, Bucket="nosuch",
                           CORSConfiguration=SITE_RULES)
        self.assertS3Error("NoSuchBucket", 404, self.s3.get_bucket_cors, Bucket="nosuch")
        self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=SITE_RULES)
        bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        self.addCleanup(bob.close)
        self.assertS3Error("AccessDenied", 403, bob.get_bucket_cors, Bucket="site")
        self.assertS3Error("AccessDenied", 403, bob.put_bucket_cors, Bucket="site",
                           CORSConfiguration=SITE_RULES)
        self.assertS3Error("AccessDenied", 403, bob.delete_bucket_cors, Bucket="site")
        self.assertEqual(self.s3.get_bucket_cors(Bucket="site")["CORSRules"],
                         SITE_RULES["CORSRules"])


class CurlResult:
    def __init__(self, status, body, headers):
        self.status = status
        self.body = body
        self.headers = headers  # lowercase name -> value

    def cors(self):
        return {k: v for k, v in self.headers.items() if k in CORS_HEADERS}

    def error(self):
        root = ET.fromstring(self.body)
        return {child.tag: child.text for child in root}


class CurlCase(harness.ServerTestCase):
    """curl as a browser's network stack: raw preflights and cross-origin requests."""

    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-cors-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="site")
        self.s3.put_object(Bucket="site", Key="page.txt", Body=b"hello")

    def curl(self, *args, signed=False, headers=()):
        body_path = os.path.join(self.work, "body")
        headers_path = os.path.join(self.work, "headers")
        for p in (body_path, headers_path):
            if os.path.exists(p):
                os.unlink(p)
        argv = [CURL, "--silent", "--show-error", "--max-time", "60", "--output", body_path,
                "--dump-header", headers_path, "--write-out", "%{http_code}"]
        if signed:
            argv += ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "test:test",
                     "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]
        for h in headers:
            argv += ["-H", h]
        argv += list(args)
        done = self.run_client(argv)
        self.assertEqual(done.returncode, 0, done.stderr.decode("utf-8", "replace"))
        with open(headers_path, "rb") as f:
            parsed = {}
            for line in f.read().decode("latin-1").splitlines():
                if line.startswith("HTTP/"):
                    parsed = {}
                elif ":" in line:
                    name, value = line.split(":", 1)
                    parsed[name.strip().lower()] = value.strip()
        body = b""
        if os.path.exists(body_path):
            with open(body_path, "rb") as f:
                body = f.read()
        return CurlResult(int(done.stdout.decode()), body, parsed)

    def preflight(self, path, origin=None, method=None, request_headers=None, query=""):
        headers = []
        if origin is not None:
            headers.append("Origin: " + origin)
        if method is not None:
            headers.append("Access-Control-Request-Method: " + method)
        if request_headers is not None:
            headers.append("Access-Control-Request-Headers: " + request_headers)
        return self.curl("-X", "OPTIONS", self.endpoint + path + query, headers=headers)


class CurlPreflightTest(CurlCase):
    def setUp(self):
        super().setUp()
        self.s3.put_bucket_cors(Bucket="site", CORSConfiguration=SITE_RULES)

    def test_allowed_preflight_answers_the_rule(self):
        r = self.preflight("/site/upload.bin", "https://app.example.com", "PUT",
                           "Content-Type,X-Amz-Date")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.headers.get("content-length"), "0")
        self.assertEqual(r.cors(), {
            "access-control-allow-origin": "https://app.example.com",
            "access-control-allow-methods": "GET, PUT, DELETE",
            "access-control-allow-headers": "content-type, x-amz-date",
            "access-control-expose-headers": "ETag, x-amz-request-id",
            "access-control-max-age": "3000",
            "access-control-allow-credentials": "true",
            "vary": VARY,
        })

    def test_any_origin_rule_answers_a_star_without_credentials(self):
        r = self.preflight("/site", "http://elsewhere.test:8080", "HEAD")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.cors(), {
            "access-control-allow-origin": "*",
            "access-control-allow-methods": "GET, HEAD",
            "vary": VARY,
        })

    def assertForbidden(self, r, message, method, resource_type):
        self.assertEqual(r.status, 403, r.body)
        error = r.error()
        self.assertEqual(error["Code"], "AccessForbidden")
        self.assertEqual(error["Message"], message)
        self.assertEqual(error["Method"], method)
        self.assertEqual(error["ResourceType"], resource_type)
        self.assertEqual(r.cors(), {}, "a refused preflight carries no CORS header")

    def test_wrong_origin_is_refused(self):
        for origin in ("https://example.org", "http://example.com", "https://EXAMPLE.com",
                       "https://example.com:8443"):
            with self.subTest(origin=origin):
                self.assertForbidden(self.preflight("/site/k", origin, "PUT"),
                                     NOT_ALLOWED, "PUT", "OBJECT")

    def test_method_no_rule_allows_is_refused(self):
        self.assertForbidden(self.preflight("/site", "https://example.com", "POST"),
                             NOT_ALLOWED, "POST", "BUCKET")

    def test_header_no_rule_allows_is_refused(self):
        self.assertForbidden(
            self.preflight("/site/k", "https://example.com", "PUT", "content-type,authorization"),
            NOT_ALLOWED, "PUT", "OBJECT")
        # The "*" rule allows GET from anywhere, but no requested header.
        self.assertForbidden(self.preflight("/site/k", "https://other.test", "GET", "x-amz-date"),
                             NOT_ALLOWED, "GET", "OBJECT")

    def test_missing_or_invalid_request_headers_are_400_BadRequest(self):
        cases = [
            (None, "GET", "Insufficient information. Origin request header needed."),
            (None, None, "Insufficient information. Origin request header needed."),
            ("https://example.com", None, "Invalid Access-Control-Request-Method: null"),
            ("https://example.com", "PATCH", "Invalid Access-Control-Request-Method: PATCH"),
        ]
        for origin, method, message in cases:
            with self.subTest(origin=origin, method=method):
                r = self.preflight("/site/k", origin, method)
                self.assertEqual(r.status, 400, r.body)
                self.assertEqual(r.error()["Code"], "BadRequest")
                self.assertEqual(r.error()["Message"], message)

    def test_a_signature_on_a_preflight_is_ignored(self):
        # A browser preflights a presigned URL with its query, and a bogus
        # Authorization header must not matter either.
        url = self.s3.generate_presigned_url("put_object", Params={"Bucket": "site", "Key": "k"},
                                             ExpiresIn=300)
        query = "?" + url.split("?", 1)[1]
        r = self.preflight("/site/k", "https://example.com", "PUT", query=query)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.headers["access-control-allow-origin"], "https://example.com")
        r = self.curl("-X", "OPTIONS", self.endpoint + "/site/k", headers=[
            "Origin: https://example.com", "Access-Control-Request-Method: PUT",
            "Authorization: AWS4-HMAC-SHA256 Credential=nobody/20200101/us-east-1/s3/aws4_request,"
            " SignedHeaders=host, Signature=0000"])
        self.assertEqual(r.status, 200, r.body)

    def test_actual_requests_carry_the_rules_headers_errors_too(self):
        r = self.curl(self.endpoint + "/site/page.txt", signed=True,
                      headers=["Origin: https://www.example.com"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.body, b"hello")
        self.assertEqual(r.cors(), {
            "access-control-allow-origin": "https://www.example.com",
            "access-control-allow-methods": "GET, PUT, DELETE",
            "access-control-expose-headers": "ETag, x-amz-request-id",
            "access-control-max-age": "3000",
            "access-control-allow-credentials": "true",
            "vary": VARY,
        })
        # A 404 is readable by the page too.
        r = self.curl(self.endpoint + "/site/missing", signed=True,
                      headers=["Origin: https://example.com"])
        self.assertEqual(r.status, 404)
        self.assertEqual(r.error()["Code"], "NoSuchKey")
        self.assertEqual(r.headers["access-control-allow-origin"], "https://example.com")
        # An unsigned GET is refused, and its 403 still says who may read it.
        r = self.curl(self.endpoint + "/site/page.txt", headers=["Origin: https://other.test"])
        self.assertEqual(r.status, 403)
        self.assertEqual(r.headers["access-control-allow-origin"], "*")
        self.assertEqual(r.headers["vary"], VARY)
        # So is a request whose signature is wrong.
        r = self.curl(self.endpoint + "/site/page.txt",
                      "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "test:wrong",
                      "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD",
                      headers=["Origin: https://example.com"])
        self.assertEqual((r.status, r.error()["Code"]), (403, "SignatureDoesNotMatch"))
        self.assertEqual(r.headers["access-control-allow-origin"], "https://example.com")

    def test_actual_requests_no_rule_matches_get_no_cors_headers(self):
        # Without an Origin, or with one no rule allows for the method.
        r = self.curl(self.endpoint + "/site/page.txt", signed=True)
        self.assertEqual((r.status, r.cors()), (200, {}))
        # S3 matches an actual request's Access-Control-Request-Method, when
        # it has one, in place of its method: the "*" rule does not allow PUT.
        r = self.curl(self.endpoint + "/site/page.txt", signed=True,
                      headers=["Origin: https://other.test", "Access-Control-Request-Method: PUT"])
        self.assertEqual((r.status, r.cors()), (200, {}))
        r = self.curl("-X", "DELETE", self.endpoint + "/site/page.txt", signed=True,
                      headers=["Origin: https://other.test"])
        self.assertEqual((r.status, r.cors()), (204, {}))


class CurlNoConfigurationTest(CurlCase):
    def test_preflight_without_configuration_is_403(self):
        r = self.preflight("/site/page.txt", "https://example.com", "PUT")
        self.assertEqual(r.status, 403, r.body)
        error = r.error()
        self.assertEqual((error["Code"], error["Message"], error["Method"], error["ResourceType"]),
                         ("AccessForbidden", NOT_ENABLED, "PUT", "BUCKET"))
        r = self.preflight("/site", "https://example.com")
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual((r.error()["Message"], r.error()["Method"]), (NOT_ENABLED, "OPTIONS"))

    def test_preflight_to_a_missing_bucket_is_403(self):
        r = self.preflight("/nosuch/k", "https://example.com", "GET")
        self.assertEqual(r.status, 403, r.body)
        self.assertEqual((r.error()["Code"], r.error()["Message"]),
                         ("AccessForbidden", "CORSResponse: Bucket not found"))

    def test_actual_request_gets_no_cors_headers(self):
        r = self.curl(self.endpoint + "/site/page.txt", signed=True,
                      headers=["Origin: https://example.com"])
        self.assertEqual((r.status, r.cors()), (200, {}))

    def test_put_bucket_cors_needs_a_body_digest(self):
        body = (b'<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule>'
                b'<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>'
                b'</CORSRule></CORSConfiguration>')
        path = os.path.join(self.work, "cors.xml")
        with open(path, "wb") as f:
            f.write(body)
        # curl 7.88 signs a bare "?cors" wrongly; "cors=" is the same sub-resource.
        url = self.endpoint + "/site?cors="
        r = self.curl("-X", "PUT", "--data-binary", "@" + path, url, signed=True)
        self.assertEqual(r.status, 400, r.body)
        self.assertEqual(r.error()["Code"], "InvalidRequest")
        self.assertEqual(r.error()["Message"], "Missing required header for this request: Content-MD5")
        wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
        r = self.curl("-X", "PUT", "--data-binary", "@" + path, url, signed=True,
                      headers=["Content-MD5: " + wrong])
        self.assertEqual((r.status, r.error()["Code"]), (400, "BadDigest"))
        right = base64.b64encode(hashlib.md5(body).digest()).decode()
        r = self.curl("-X", "PUT", "--data-binary", "@" + path, url, signed=True,
                      headers=["Content-MD5: " + right])
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.s3.get_bucket_cors(Bucket="site")["CORSRules"],
                         [{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}])


# ---------------------------------------------------------------------------
# A real browser.

PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>cors</title></head>
<body><pre id="out">running</pre>
<script>
const put_url = %(put_url)s, get_url = %(get_url)s, body = %(body)s;
async function run() {
  const out = {};
  try {
    // PUT is not a CORS-safelisted method and this Content-Type is not a
    // safelisted one: the browser preflights before it sends the body.
    const put = await fetch(put_url, {method: "PUT", body: body,
                                      headers: {"Content-Type": "application/x-awslab-test"}});
    out.put_status = put.status;
    out.put_etag = put.headers.get("ETag");  // readable only if exposed
    const get = await fetch(get_url);
    out.get_status = get.status;
    out.get_body = await get.text();
  } catch (e) {
    out.error = e.name + ": " + e.message;
  }
  document.getElementById("out").textContent = JSON.stringify(out);
}
run();
</script></body></html>
"""


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class BrowserTest(harness.ServerTestCase):
    """Debian's headless chromium loads a page from another origin (a static
    HTTP server on another loopback port) whose script PUTs an object through
    a presigned URL and reads it back. The test reads the page's DOM and the
    stored object. Without chromium (scripts/deps.sh test installs it) these
    fail: a browser test that does not run proves nothing."""

    def setUp(self):
        super().setUp()
        self.assertTrue(os.access(CHROMIUM, os.X_OK), CHROMIUM + " is not installed")
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="browser")
        self.site = tempfile.mkdtemp(prefix="awslab-cors-site-")
        self.addCleanup(shutil.rmtree, self.site, True)
        handler = lambda *a, **kw: _QuietHandler(*a, directory=self.site, **kw)  # noqa: E731
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.addCleanup(self.httpd.server_close)
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        self.addCleanup(self.httpd.shutdown)
        self.origin = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def run_page(self, key, body):
        """Writes and loads the page; returns what its script wrote into the DOM."""
        put_url = self.s3.generate_presigned_url(
            "put_object", Params={"Bucket": "browser", "Key": key}, ExpiresIn=600)
        get_url = self.s3.generate_presigned_url(
            "get_object", Params={"Bucket": "browser", "Key": key}, ExpiresIn=600)
        with open(os.path.join(self.site, "index.html"), "w") as f:
            f.write(PAGE % {"put_url": json.dumps(put_url), "get_url": json.dumps(get_url),
                            "body": json.dumps(body)})
        profile = tempfile.mkdtemp(prefix="awslab-chromium-")
        self.addCleanup(shutil.rmtree, profile, True)
        done = self.run_client(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--no-first-run", "--no-default-browser-check", "--no-proxy-server",
             "--user-data-dir=" + profile, "--virtual-time-budget=20000", "--dump-dom",
             self.origin + "/index.html"],
            timeout=120)
        dom = done.stdout.decode("utf-8", "replace")
        start, end = dom.find('<pre id="out">'), dom.find("</pre>")
        self.assertTrue(start >= 0 and end > start,
                        "no result in the DOM (chromium exited %d):\n%s\n%s" %
                        (done.returncode, dom[-2000:], done.stderr.decode("utf-8", "replace")[-2000:]))
        text = html.unescape(dom[start + len('<pre id="out">'):end])
        self.assertNotEqual(text, "running", "the page's script did not finish")
        return json.loads(text)

    def stored(self, key):
        try:
            return self.s3.get_object(Bucket="browser", Key=key)
        except ClientError as e:
            self.assertEqual(e.response["Error"]["Code"], "NoSuchKey")
            return None

    def test_a_page_from_another_origin_uploads_and_reads_back(self):
        self.s3.put_bucket_cors(Bucket="browser", CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": [self.origin], "AllowedMethods": ["PUT", "GET"],
            "AllowedHeaders": ["content-type"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 60}]})
        body = "written by a browser at " + self.origin
        result = self.run_page("from-browser.txt", body)
        self.assertEqual(result, {
            "put_status": 200,
            "put_etag": '"%s"' % hashlib.md5(body.encode()).hexdigest(),
            "get_status": 200,
            "get_body": body,
        })
        obj = self.stored("from-browser.txt")
        self.assertIsNotNone(obj)
        self.assertEqual(obj["Body"].read(), body.encode())
        self.assertEqual(obj["ContentType"], "application/x-awslab-test")

    def test_without_a_cors_rule_the_browser_blocks_the_upload(self):
        result = self.run_page("blocked.txt", "should never arrive")
        self.assertEqual(result, {"error": "TypeError: Failed to fetch"})
        # The preflight was refused, so the PUT itself was never sent.
        self.assertIsNone(self.stored("blocked.txt"))

    def test_a_rule_for_another_origin_does_not_let_this_page_in(self):
        self.s3.put_bucket_cors(Bucket="browser", CORSConfiguration={"CORSRules": [{
            "AllowedOrigins": ["http://127.0.0.1:1"], "AllowedMethods": ["PUT", "GET"],
            "AllowedHeaders": ["*"]}]})
        result = self.run_page("elsewhere.txt", "should never arrive")
        self.assertEqual(result, {"error": "TypeError: Failed to fetch"})
        self.assertIsNone(self.stored("elsewhere.txt"))


if __name__ == "__main__":
    unittest.main()
