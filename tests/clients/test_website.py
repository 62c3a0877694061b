"""S3 static website hosting against the real awslab-server: boto3 and the
aws CLI (Debian's) set, read and delete a bucket's website configuration,
with AWS's validation errors; curl and Python's urllib fetch pages from the
website endpoint (BUCKET.s3-website.localhost:PORT, by --resolve or a Host
header) as a browser would: index documents, the 302 to a folder, error
documents, AWS's HTML error pages, object redirects, routing rules and
redirect-all.

What each case expects is what S3 answers; see docs/s3-website.md.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_website
"""

import http.client
import json
import subprocess
import unittest
import urllib.error
import urllib.request


import harness
from harness import CURL

SITE = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}


class Boto3WebsiteConfigTest(harness.S3ErrorAssertions, harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="site")

    def test_round_trip_and_delete(self):
        config = dict(SITE, RoutingRules=[
            {"Condition": {"KeyPrefixEquals": "docs/"},
             "Redirect": {"ReplaceKeyPrefixWith": "documents/", "HttpRedirectCode": "302"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404"},
             "Redirect": {"HostName": "example.com", "Protocol": "https",
                          "ReplaceKeyWith": "gone.html"}},
        ])
        self.assertS3Error("NoSuchWebsiteConfiguration", 404, self.s3.get_bucket_website,
                           "The specified bucket does not have a website configuration",
                           Bucket="site")
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration=config)
        got = self.s3.get_bucket_website(Bucket="site")
        self.assertEqual(got["IndexDocument"], {"Suffix": "index.html"})
        self.assertEqual(got["ErrorDocument"], {"Key": "error.html"})
        self.assertEqual(got["RoutingRules"], config["RoutingRules"])
        self.assertEqual(
            self.s3.delete_bucket_website(Bucket="site")["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error("NoSuchWebsiteConfiguration", 404, self.s3.get_bucket_website,
                           Bucket="site")
        # Deleting none succeeds.
        self.s3.delete_bucket_website(Bucket="site")

    def test_redirect_all_round_trip(self):
        config = {"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}}
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration=config)
        got = self.s3.get_bucket_website(Bucket="site")
        self.assertEqual(got["RedirectAllRequestsTo"], config["RedirectAllRequestsTo"])
        self.assertNotIn("IndexDocument", got)

    def test_validation_errors(self):
        put = self.s3.put_bucket_website
        err = self.assertS3Error(
            "InvalidArgument", 400, put,
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            Bucket="site", WebsiteConfiguration={"ErrorDocument": {"Key": "e.html"}})
        self.assertEqual((err["ArgumentName"], err["ArgumentValue"]), ("IndexDocument", "null"))
        err = self.assertS3Error("InvalidArgument", 400, put,
                                 "The IndexDocument Suffix is not well formed", Bucket="site",
                                 WebsiteConfiguration={"IndexDocument": {"Suffix": "a/b.html"}})
        self.assertEqual(err["ArgumentValue"], "a/b.html")
        self.assertS3Error("InvalidArgument", 400, put,
                           "The IndexDocument Suffix is not well formed", Bucket="site",
                           WebsiteConfiguration={"IndexDocument": {"Suffix": ""}})
        err = self.assertS3Error(
            "InvalidArgument", 400, put,
            "RedirectAllRequestsTo cannot be provided in conjunction with other Routing Rules.",
            Bucket="site", WebsiteConfiguration=dict(
                SITE, RedirectAllRequestsTo={"HostName": "example.com"}))
        self.assertEqual(err["ArgumentName"], "RedirectAllRequestsTo")
        bad_protocol = ("Invalid protocol, protocol can be http or https. If not defined the "
                        "protocol will be selected automatically.")
        self.assertS3Error("InvalidRequest", 400, put, bad_protocol, Bucket="site",
                           WebsiteConfiguration={"RedirectAllRequestsTo": {
                               "HostName": "example.com", "Protocol": "ftp"}})
        self.assertS3Error("InvalidRequest", 400, put,
                           "You can only define ReplaceKeyPrefix or ReplaceKey but not both.",
                           Bucket="site", WebsiteConfiguration=dict(SITE, RoutingRules=[
                               {"Redirect": {"ReplaceKeyPrefixWith": "a/",
                                             "ReplaceKeyWith": "b"}}]))
        self.assertS3Error("InvalidRequest", 400, put, bad_protocol, Bucket="site",
                           WebsiteConfiguration=dict(SITE, RoutingRules=[
                               {"Redirect": {"Protocol": "gopher"}}]))
        # Nothing was stored by the refused requests.
        self.assertS3Error("NoSuchWebsiteConfiguration", 404, self.s3.get_bucket_website,
                           Bucket="site")

    def test_malformed_documents(self):
        # Documents boto3 would not build, sent as raw bodies.
        def put_raw(body):
            return self._raw_put("site", body)
        self.assertEqual(put_raw(b"<WebsiteConfiguration><Nope/></WebsiteConfiguration>")[1],
                         "MalformedXML")
        self.assertEqual(put_raw(b"not xml")[1], "MalformedXML")
        # A routing rule needs a Redirect.
        self.assertEqual(put_raw(
            b"<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument>"
            b"<RoutingRules><RoutingRule><Condition><KeyPrefixEquals>a</KeyPrefixEquals>"
            b"</Condition></RoutingRule></RoutingRules></WebsiteConfiguration>")[1],
            "MalformedXML")
        status, code, message = put_raw(
            b"<WebsiteConfiguration><IndexDocument><Suffix>i.html</Suffix></IndexDocument>"
            b"<RoutingRules><RoutingRule><Condition></Condition><Redirect><HostName>x</HostName>"
            b"</Redirect></RoutingRule></RoutingRules></WebsiteConfiguration>")
        self.assertEqual((status, code), (400, "InvalidRequest"))
        self.assertEqual(message, "Condition cannot be empty. To redirect all requests without a "
                                  "condition, the condition element shouldn't be present.")

    def _raw_put(self, bucket, body):
        import base64
        import hashlib
        import xml.etree.ElementTree as ET
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
        url = "%s/%s?website" % (self.endpoint, bucket)
        headers = {"Content-MD5": base64.b64encode(hashlib.md5(body).digest()).decode()}
        request = AWSRequest(method="PUT", url=url, data=body, headers=headers)
        botocore.auth.S3SigV4Auth(Credentials(*harness.DEFAULT_KEY), "s3",
                                  harness.REGION).add_auth(request)
        prepared = request.prepare()
        req = urllib.request.Request(prepared.url, data=body, method="PUT",
                                     headers=dict(prepared.headers.items()))
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, None, None
        except urllib.error.HTTPError as e:
            root = ET.fromstring(e.read())
            return e.code, root.findtext("Code"), root.findtext("Message")

    def test_errors_of_bucket_and_access(self):
        self.assertS3Error("NoSuchBucket", 404, self.s3.get_bucket_website, Bucket="nope")
        alice = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.addCleanup(alice.close)
        self.assertS3Error("AccessDenied", 403, alice.put_bucket_website, Bucket="site",
                           WebsiteConfiguration=SITE)
        self.assertS3Error("AccessDenied", 403, alice.get_bucket_website, Bucket="site")

    def test_website_redirect_location_is_stored(self):
        self.s3.put_object(Bucket="site", Key="old.html", Body=b"",
                           WebsiteRedirectLocation="/new.html")
        head = self.s3.head_object(Bucket="site", Key="old.html")
        self.assertEqual(head["WebsiteRedirectLocation"], "/new.html")
        got = self.s3.get_object(Bucket="site", Key="old.html")
        self.assertEqual(got["WebsiteRedirectLocation"], "/new.html")
        self.assertS3Error(
            "InvalidArgument", 400, self.s3.put_object,
            "The website redirect location must have a prefix of 'http://' or 'https://' or '/'",
            Bucket="site", Key="bad.html", Body=b"", WebsiteRedirectLocation="new.html")
        # Not copied with the metadata; a copy may set its own.
        self.s3.copy_object(Bucket="site", Key="copy.html", CopySource="site/old.html")
        self.assertNotIn("WebsiteRedirectLocation",
                         self.s3.head_object(Bucket="site", Key="copy.html"))
        self.s3.copy_object(Bucket="site", Key="copy.html", CopySource="site/old.html",
                            WebsiteRedirectLocation="/elsewhere.html")
        self.assertEqual(self.s3.head_object(Bucket="site", Key="copy.html")
                         ["WebsiteRedirectLocation"], "/elsewhere.html")
        # A multipart upload keeps it to the object it completes.
        upload = self.s3.create_multipart_upload(Bucket="site", Key="mp.html",
                                                 WebsiteRedirectLocation="/mp")["UploadId"]
        etag = self.s3.upload_part(Bucket="site", Key="mp.html", UploadId=upload, PartNumber=1,
                                   Body=b"x")["ETag"]
        self.s3.complete_multipart_upload(Bucket="site", Key="mp.html", UploadId=upload,
                                          MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                      "ETag": etag}]})
        self.assertEqual(self.s3.head_object(Bucket="site", Key="mp.html")
                         ["WebsiteRedirectLocation"], "/mp")

    def test_configuration_survives_restart(self):
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration=SITE)
        self.s3.put_object(Bucket="site", Key="old.html", Body=b"",
                           WebsiteRedirectLocation="https://example.com/")
        self.server.restart()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        self.assertEqual(s3.get_bucket_website(Bucket="site")["IndexDocument"],
                         {"Suffix": "index.html"})
        self.assertEqual(s3.head_object(Bucket="site", Key="old.html")["WebsiteRedirectLocation"],
                         "https://example.com/")


class AwsCliWebsiteTest(harness.ServerTestCase):
    def aws(self, *args):
        p = self.run_client([harness.AWS_CLI, "--endpoint-url", self.endpoint] + list(args))
        return p

    def test_s3_website_command_and_s3api(self):
        self.assertEqual(self.aws("s3", "mb", "s3://cli-site").returncode, 0)
        p = self.aws("s3", "website", "s3://cli-site", "--index-document", "index.html",
                     "--error-document", "error.html")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.aws("s3api", "get-bucket-website", "--bucket", "cli-site")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = json.loads(p.stdout)
        self.assertEqual(got["IndexDocument"], {"Suffix": "index.html"})
        self.assertEqual(got["ErrorDocument"], {"Key": "error.html"})
        p = self.aws("s3api", "delete-bucket-website", "--bucket", "cli-site")
        self.assertEqual(p.returncode, 0, p.stderr)
        p = self.aws("s3api", "get-bucket-website", "--bucket", "cli-site")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("NoSuchWebsiteConfiguration", p.stderr.decode())


class WebsiteEndpointTest(harness.ServerTestCase):
    """Pages fetched from BUCKET.s3-website.localhost:PORT."""

    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        # A public bucket (classic rules: ACLs on): anyone may list it, so a
        # missing key is a 404 rather than a 403, as on AWS.
        self.s3.create_bucket(Bucket="site", ACL="public-read")
        pages = {"index.html": b"<h1>home</h1>", "docs/index.html": b"<h1>docs</h1>",
                 "error.html": b"<h1>custom error</h1>", "a.css": b"body{}"}
        for key, body in pages.items():
            self.s3.put_object(Bucket="site", Key=key, Body=body, ACL="public-read",
                               ContentType="text/css" if key.endswith(".css") else "text/html")
        self.s3.put_object(Bucket="site", Key="private.html", Body=b"secret")
        self.s3.put_object(Bucket="site", Key="moved.html", Body=b"", ACL="public-read",
                           WebsiteRedirectLocation="/docs/")
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration=SITE)

    def host(self, bucket="site", form="s3-website"):
        return "%s.%s.localhost" % (bucket, form)

    def get(self, path, bucket="site", method="GET", form="s3-website"):
        """One request with Python's http.client; no redirect is followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request(method, path,
                         headers={"Host": "%s:%d" % (self.host(bucket, form), self.server.port)})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def curl(self, path, bucket="site", *extra):
        host = self.host(bucket)
        p = subprocess.run(
            [CURL, "-s", "-i", "--resolve", "%s:%d:127.0.0.1" % (host, self.server.port),
             "http://%s:%d%s" % (host, self.server.port, path)] + list(extra),
            capture_output=True, timeout=30)
        head, _, body = p.stdout.partition(b"\r\n\r\n")
        lines = head.decode().split("\r\n")
        status = int(lines[0].split()[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        return status, headers, body

    def test_index_documents_and_folder_redirect(self):
        status, headers, body = self.curl("/")
        self.assertEqual((status, body), (200, b"<h1>home</h1>"))
        self.assertEqual(headers["content-type"], "text/html")
        self.assertEqual(self.curl("/docs/")[::2], (200, b"<h1>docs</h1>"))
        status, headers, _ = self.curl("/docs")
        self.assertEqual((status, headers["location"]), (302, "/docs/"))
        # curl follows the 302 to the folder's index as a browser does.
        self.assertEqual(self.curl("/docs", "site", "-L")[2].split(b"\r\n\r\n")[-1],
                         b"<h1>docs</h1>")
        self.assertEqual(self.curl("/a.css")[::2], (200, b"body{}"))

    def test_urllib_follows_the_folder_redirect(self):
        # urllib sends the Host header given; it follows the relative 302.
        req = urllib.request.Request("http://127.0.0.1:%d/docs" % self.server.port,
                                     headers={"Host": "%s:%d" % (self.host(),
                                                                 self.server.port)})
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(req, timeout=30) as r:
            self.assertEqual(r.status, 200)
            self.assertEqual(r.read(), b"<h1>docs</h1>")

    def test_head(self):
        status, headers, body = self.get("/", method="HEAD")
        self.assertEqual((status, body), (200, b""))
        self.assertEqual(headers["content-length"], str(len(b"<h1>home</h1>")))
        status, headers, body = self.get("/missing.html", method="HEAD")
        self.assertEqual((status, body), (404, b""))

    def test_error_document_served_with_the_error_status(self):
        status, headers, body = self.curl("/missing.html")
        self.assertEqual((status, body), (404, b"<h1>custom error</h1>"))
        self.assertEqual(headers["content-type"], "text/html")
        status, _, body = self.curl("/private.html")
        self.assertEqual((status, body), (403, b"<h1>custom error</h1>"))

    def test_html_errors_without_error_document(self):
        self.s3.put_bucket_website(Bucket="site",
                                   WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        status, headers, body = self.get("/missing.html")
        self.assertEqual(status, 404)
        self.assertEqual(headers["content-type"], "text/html; charset=utf-8")
        text = body.decode()
        self.assertIn("<title>404 Not Found</title>", text)
        self.assertIn("<li>Code: NoSuchKey</li>", text)
        self.assertIn("<li>Message: The specified key does not exist.</li>", text)
        self.assertIn("<li>Key: missing.html</li>", text)
        self.assertIn("<li>RequestId: %s</li>" % headers["x-amz-request-id"], text)
        status, headers, body = self.get("/private.html")
        self.assertEqual(status, 403)
        self.assertIn("<title>403 Forbidden</title>", body.decode())
        self.assertIn("<li>Code: AccessDenied</li>", body.decode())
        self.assertIn("<li>Message: Access Denied</li>", body.decode())

    def test_missing_error_document_is_reported(self):
        self.s3.delete_object(Bucket="site", Key="error.html")
        status, _, body = self.get("/missing.html")
        text = body.decode()
        self.assertEqual(status, 404)
        self.assertIn("<li>Code: NoSuchKey</li>", text)
        self.assertIn("<h3>An Error Occurred While Attempting to Retrieve a Custom Error "
                      "Document</h3>", text)
        self.assertIn("<li>Key: error.html</li>", text)

    def test_private_bucket_missing_key_is_403(self):
        # Anyone may read the objects (a policy), not list: S3 answers 403.
        self.s3.create_bucket(Bucket="closed")
        self.s3.put_bucket_policy(Bucket="closed", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                           "Resource": "arn:aws:s3:::closed/*"}]}))
        self.s3.put_object(Bucket="closed", Key="index.html", Body=b"open")
        self.s3.put_bucket_website(Bucket="closed",
                                   WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}})
        self.assertEqual(self.get("/", "closed")[::2], (200, b"open"))
        status, _, body = self.get("/nothing", "closed")
        self.assertEqual(status, 403)
        self.assertIn("<li>Code: AccessDenied</li>", body.decode())

    def test_no_configuration_and_no_bucket(self):
        self.s3.create_bucket(Bucket="plain")
        status, _, body = self.get("/", "plain")
        text = body.decode()
        self.assertEqual(status, 404)
        self.assertIn("<li>Code: NoSuchWebsiteConfiguration</li>", text)
        self.assertIn("<li>Message: The specified bucket does not have a website "
                      "configuration</li>", text)
        self.assertIn("<li>BucketName: plain</li>", text)
        status, _, body = self.get("/", "no-such-bucket")
        self.assertEqual(status, 404)
        self.assertIn("<li>Code: NoSuchBucket</li>", body.decode())
        self.assertIn("<li>BucketName: no-such-bucket</li>", body.decode())

    def test_only_get_and_head(self):
        status, _, body = self.get("/index.html", method="PUT")
        self.assertEqual(status, 405)
        self.assertIn("<li>Code: MethodNotAllowed</li>", body.decode())
        self.assertIn("<li>Method: PUT</li>", body.decode())
        # Nothing was written.
        self.assertEqual(self.s3.get_object(Bucket="site", Key="index.html")["Body"].read(),
                         b"<h1>home</h1>")

    def test_object_redirect(self):
        status, headers, body = self.curl("/moved.html")
        self.assertEqual((status, headers["location"], body), (301, "/docs/", b""))

    def test_routing_rules(self):
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration=dict(SITE, RoutingRules=[
            {"Condition": {"KeyPrefixEquals": "old/"},
             "Redirect": {"ReplaceKeyPrefixWith": "docs/"}},
            {"Condition": {"KeyPrefixEquals": "shop"},
             "Redirect": {"HostName": "shop.example.com", "Protocol": "https",
                          "ReplaceKeyWith": "", "HttpRedirectCode": "307"}},
            {"Condition": {"HttpErrorCodeReturnedEquals": "404", "KeyPrefixEquals": "img/"},
             "Redirect": {"HostName": "images.example.com"}},
        ]))
        status, headers, _ = self.curl("/old/page.html")
        here = "%s:%d" % (self.host(), self.server.port)
        self.assertEqual((status, headers["location"]), (301, "http://%s/docs/page.html" % here))
        status, headers, _ = self.curl("/shop/cart")
        self.assertEqual((status, headers["location"]), (307, "https://shop.example.com/"))
        # The error-code rule applies only when the lookup failed with that code.
        self.s3.put_object(Bucket="site", Key="img/there.png", Body=b"png", ACL="public-read")
        self.assertEqual(self.curl("/img/there.png")[::2], (200, b"png"))
        status, headers, _ = self.curl("/img/gone.png")
        self.assertEqual((status, headers["location"]), (301, "http://images.example.com/img/gone.png"))
        # Other misses still get the error document.
        self.assertEqual(self.curl("/other.html")[::2], (404, b"<h1>custom error</h1>"))

    def test_redirect_all_requests(self):
        self.s3.put_bucket_website(Bucket="site", WebsiteConfiguration={
            "RedirectAllRequestsTo": {"HostName": "www.example.com", "Protocol": "https"}})
        status, headers, _ = self.curl("/a/b.html")
        self.assertEqual((status, headers["location"]), (301, "https://www.example.com/a/b.html"))

    def test_regional_host_names(self):
        for form in ("s3-website-us-east-1", "s3-website.us-east-1"):
            self.assertEqual(self.get("/", form=form)[::2], (200, b"<h1>home</h1>"), form)

    def test_rest_endpoint_is_unchanged(self):
        # The same bucket on the REST endpoint still answers XML errors.
        status, _, body = self.get("/missing.html", form="s3")
        self.assertEqual(status, 404)
        self.assertIn(b"<Code>NoSuchKey</Code>", body)

    def test_served_after_restart(self):
        self.server.restart()
        self.assertEqual(self.curl("/")[::2], (200, b"<h1>home</h1>"))
        self.assertEqual(self.curl("/moved.html")[1]["location"], "/docs/")


if __name__ == "__main__":
    unittest.main()
