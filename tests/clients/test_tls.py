"""HTTPS: the real awslab-server with --tls-self-signed and with --tls-cert/--tls-key,
driven by curl, boto3 and the aws CLI as a Debian user has them, each told to
trust the server's CA (curl --cacert, boto3 verify=, aws --ca-bundle and
AWS_CA_BUNDLE) and nothing else. The same port keeps speaking plain HTTP.

The test CAs that are not the server's are made with the openssl command line,
so the server's certificates are checked against an independent implementation.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_tls
"""

import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import unittest
import xml.etree.ElementTree as ET
from unittest import mock

import botocore.exceptions

import harness
from harness import AWS_CLI, CURL

OPENSSL = "/usr/bin/openssl"
MiB = 1024 * 1024
UNSIGNED_PAYLOAD = ["-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD"]

_real_getaddrinfo = socket.getaddrinfo


def _getaddrinfo_localhost_subdomains(host, *args, **kwargs):
    # RFC 6761 6.3: names under .localhost are loopback. glibc without
    # nss-myhostname does not resolve them, so the test does (as test_boto3
    # does; curl resolves them by itself); the client is unchanged.
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _real_getaddrinfo(host, *args, **kwargs)


def run(args, env=None, timeout=120, **kw):
    return subprocess.run(args, env=env or harness.client_env(), capture_output=True,
                          timeout=timeout, stdin=subprocess.DEVNULL, **kw)


def openssl(*args, cwd=None):
    done = run([OPENSSL] + list(args), cwd=cwd)
    if done.returncode != 0:
        raise AssertionError("openssl %s exited %d: %s" % (
            " ".join(args), done.returncode, done.stderr.decode("utf-8", "replace")))
    return done.stdout.decode("utf-8", "replace")


def openssl_ca(directory, name):
    """A CA made by the openssl command line: (cert path, key path)."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + "-key.pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", cert, "-days", "30", "-subj", "/CN=" + name,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    return cert, key


def openssl_issue(directory, name, ca, ca_key, san=None, ca_ext=False):
    """A certificate signed by (ca, ca_key): a server's (san given) or an
    intermediate CA's (ca_ext). Returns (cert path, key path)."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + "-key.pem")
    csr = os.path.join(directory, name + ".csr")
    ext = os.path.join(directory, name + ".ext")
    with open(ext, "w") as f:
        if ca_ext:
            f.write("basicConstraints=critical,CA:TRUE,pathlen:0\n"
                    "keyUsage=critical,keyCertSign,cRLSign\n"
                    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n")
        else:
            f.write("basicConstraints=critical,CA:FALSE\n"
                    "keyUsage=critical,digitalSignature\n"
                    "extendedKeyUsage=serverAuth\n"
                    "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
                    "subjectAltName=%s\n" % san)
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", key, "-out", csr, "-subj", "/CN=" + name)
    openssl("x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-CAcreateserial",
            "-out", cert, "-days", "30", "-extfile", ext)
    return cert, key


def read(path):
    with open(path, "rb") as f:
        return f.read()


def certificate_text(path):
    return openssl("x509", "-in", path, "-noout", "-text")


class TlsServerMixin:
    """Clients of one HTTPS server; the class sets `server` and `ca`."""

    def https(self, host="localhost"):
        return "https://%s:%d" % (host, self.server.port)

    def curl(self, url, *args, cacert=None, signed=False):
        """Runs curl against url; returns (exit code, HTTP status, body, verbose trace)."""
        body_path = os.path.join(self.work, "curl-body.out")
        if os.path.exists(body_path):
            os.unlink(body_path)
        argv = [CURL, "-q", "--silent", "--show-error", "--verbose", "--max-time", "60",
                "--output", body_path, "--write-out", "%{http_code}"]
        if cacert:
            argv += ["--cacert", cacert]
        if signed:
            argv += ["--aws-sigv4", "aws:amz:us-east-1:s3", "--user", "test:test"]
            argv += UNSIGNED_PAYLOAD
        argv += list(args) + [url]
        done = run(argv)
        body = read(body_path) if os.path.exists(body_path) else b""
        status = int(done.stdout or b"0")
        return done.returncode, status, body, done.stderr.decode("utf-8", "replace")

    def aws(self, *args, endpoint=None, ca_bundle=None, env=None, check=True):
        """Runs /usr/bin/aws; returns (exit code, stdout, stderr)."""
        argv = [AWS_CLI, "--endpoint-url", endpoint or self.https(), "--region", harness.REGION,
                "--no-cli-pager", "--output", "json"]
        if ca_bundle:
            argv += ["--ca-bundle", ca_bundle]
        done = run(argv + list(args), env=env, cwd=self.work, timeout=300)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("aws %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out, err))
        return done.returncode, out, err

    def assert_serves_https(self, ca=None):
        """An anonymous request over verified HTTPS is answered with S3's XML error."""
        code, status, body, trace = self.curl(self.https() + "/", cacert=ca or self.ca)
        self.assertEqual(code, 0, trace)
        self.assertEqual(status, 403, body)
        self.assertEqual(ET.fromstring(body).findtext("Code"), "AccessDenied")

    def assert_serves_http(self):
        s3 = harness.boto3_client(self.server.endpoint)
        try:
            self.assertEqual(s3.list_buckets()["ResponseMetadata"]["HTTPStatusCode"], 200)
        finally:
            s3.close()


# ---------------------------------------------------------------------------
# --tls-self-signed: one server for the group.

class SelfSignedTest(TlsServerMixin, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server(extra_args=["--tls-self-signed"])
        cls.server.start()
        cls.tls_dir = os.path.join(os.path.realpath(cls.server.data_dir), "tls")
        cls.ca = os.path.join(cls.tls_dir, "ca.pem")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="awslab-tls-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.assertIsNone(self.server.proc.poll(), "the server died:\n" + self.server.log_text())

    def tearDown(self):
        self.assertIsNone(self.server.proc.poll(), "the server died:\n" + self.server.log_text())

    def s3(self, endpoint=None, verify=None, addressing="path"):
        client = harness.boto3_client(endpoint or self.https(), verify=verify or self.ca,
                                      addressing=addressing)
        self.addCleanup(client.close)
        return client

    # -- the files ---------------------------------------------------------

    def test_ca_and_server_files_with_private_keys_readable_by_the_owner_only(self):
        names = sorted(os.listdir(self.tls_dir))
        self.assertEqual(names, ["ca-key.pem", "ca.pem", "server-key.pem", "server.pem"])
        for name, mode in (("ca-key.pem", 0o600), ("server-key.pem", 0o600),
                           ("ca.pem", 0o644), ("server.pem", 0o644)):
            with self.subTest(name=name):
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(self.tls_dir, name)).st_mode),
                                 mode)
        for name in ("ca-key.pem", "server-key.pem"):
            self.assertIn(b"-----BEGIN PRIVATE KEY-----", read(os.path.join(self.tls_dir, name)))

    def test_the_ca_and_the_server_certificate_are_what_clients_expect(self):
        ca = certificate_text(self.ca)
        self.assertRegex(ca, r"X509v3 Basic Constraints: critical\s+CA:TRUE")
        self.assertRegex(ca, r"X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign")
        self.assertIn("Version: 3", ca)
        server_pem = os.path.join(self.tls_dir, "server.pem")
        server = certificate_text(server_pem)
        self.assertRegex(server, r"X509v3 Basic Constraints: critical\s+CA:FALSE")
        self.assertRegex(server, r"X509v3 Extended Key Usage: \s*TLS Web Server Authentication")
        san = re.search(r"X509v3 Subject Alternative Name: \s*\n\s*(.*)", server).group(1)
        entries = [e.strip() for e in san.split(",")]
        for want in ("DNS:localhost", "DNS:*.localhost", "DNS:s3.localhost", "DNS:*.s3.localhost",
                     "DNS:s3.amazonaws.com", "DNS:*.s3.amazonaws.com", "IP Address:127.0.0.1",
                     "IP Address:0:0:0:0:0:0:0:1"):
            self.assertIn(want, entries)
        self.assertIn("OK", openssl("verify", "-x509_strict", "-CAfile", self.ca, server_pem))
        # About two years for the server, ten for the CA.
        day = 86400
        self.assertEqual(run([OPENSSL, "x509", "-in", server_pem, "-noout", "-checkend",
                              str(720 * day)]).returncode, 0)
        self.assertEqual(run([OPENSSL, "x509", "-in", server_pem, "-noout", "-checkend",
                              str(740 * day)]).returncode, 1)
        self.assertEqual(run([OPENSSL, "x509", "-in", self.ca, "-noout", "-checkend",
                              str(3640 * day)]).returncode, 0)
        self.assertEqual(run([OPENSSL, "x509", "-in", self.ca, "-noout", "-checkend",
                              str(3660 * day)]).returncode, 1)

    def test_the_log_says_where_the_ca_is(self):
        log = self.server.log_text()
        self.assertIn("TLS: CA certificate at %s (use --ca-bundle %s)" % (self.ca, self.ca), log)
        self.assertTrue(os.path.isabs(self.ca))
        self.assertIn("https://127.0.0.1:%d" % self.server.port, log)

    # -- curl ----------------------------------------------------------------

    def test_curl_verifies_the_server_by_name_and_by_address(self):
        for host in ("localhost", "127.0.0.1"):
            with self.subTest(host=host):
                code, status, body, trace = self.curl(self.https(host) + "/", cacert=self.ca)
                self.assertEqual(code, 0, trace)
                self.assertIn("SSL certificate verify ok", trace)
                self.assertIn("ALPN: server accepted http/1.1", trace)
                self.assertEqual(status, 403)
                self.assertEqual(ET.fromstring(body).findtext("Code"), "AccessDenied")
        # Signed, it lists the buckets.
        code, status, body, trace = self.curl(self.https() + "/", cacert=self.ca, signed=True)
        self.assertEqual((code, status), (0, 200), trace)
        self.assertEqual(ET.fromstring(body).tag.split("}")[-1], "ListAllMyBucketsResult")

    def test_without_the_ca_curl_refuses_the_server(self):
        code, _, _, trace = self.curl(self.https() + "/")
        self.assertEqual(code, 60, trace)  # CURLE_PEER_FAILED_VERIFICATION

    # -- boto3 ---------------------------------------------------------------

    def test_boto3_puts_and_gets_1_and_20_MiB_over_https(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="tls-boto3")
        for size in (1 * MiB, 20 * MiB):
            with self.subTest(size=size):
                data = os.urandom(size)
                key = "obj-%d" % size
                put = s3.put_object(Bucket="tls-boto3", Key=key, Body=data)
                self.assertEqual(put["ETag"], harness.md5_etag(data))
                got = s3.get_object(Bucket="tls-boto3", Key=key)["Body"].read()
                self.assertEqual(len(got), size)
                self.assertEqual(hashlib.sha256(got).digest(), hashlib.sha256(data).digest())
        # Parallel connections (the server's threads each doing handshakes).
        data = os.urandom(MiB)
        s3.put_object(Bucket="tls-boto3", Key="shared", Body=data)

        def get(_):
            client = harness.boto3_client(self.https(), verify=self.ca)
            try:
                return client.get_object(Bucket="tls-boto3", Key="shared")["Body"].read()
            finally:
                client.close()

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(get, range(16)))
        self.assertTrue(all(r == data for r in results))

    def test_boto3_ec2_over_https(self):
        ec2 = harness.ec2_client(self.https(), verify=self.ca)
        self.addCleanup(ec2.close)
        regions = [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
        self.assertIn("us-east-1", regions)

    def test_plain_http_on_the_same_port_sees_what_https_wrote(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="tls-both")
        s3.put_object(Bucket="tls-both", Key="k", Body=b"written over https")
        plain = harness.boto3_client(self.server.endpoint)  # http://127.0.0.1:PORT
        self.addCleanup(plain.close)
        self.assertTrue(self.server.endpoint.startswith("http://"))
        self.assertEqual(plain.get_object(Bucket="tls-both", Key="k")["Body"].read(),
                         b"written over https")
        plain.put_object(Bucket="tls-both", Key="p", Body=b"written over http")
        self.assertEqual(s3.get_object(Bucket="tls-both", Key="p")["Body"].read(),
                         b"written over http")

    # -- the aws CLI ---------------------------------------------------------

    def test_aws_cli_cp_up_and_down_over_https(self):
        self.aws("s3", "mb", "s3://tls-cli", ca_bundle=self.ca)
        src = os.path.join(self.work, "up.bin")
        data = os.urandom(9 * MiB)  # above the CLI's 8 MiB: a multipart upload
        with open(src, "wb") as f:
            f.write(data)
        self.aws("s3", "cp", src, "s3://tls-cli/up.bin", ca_bundle=self.ca)
        dst = os.path.join(self.work, "down.bin")
        self.aws("s3", "cp", "s3://tls-cli/up.bin", dst, ca_bundle=self.ca)
        self.assertEqual(read(dst), data)
        # AWS_CA_BUNDLE instead of the flag.
        env = harness.client_env()
        env["AWS_CA_BUNDLE"] = self.ca
        _, out, _ = self.aws("s3", "ls", "s3://tls-cli/", env=env)
        self.assertIn("up.bin", out)

    def test_aws_cli_ec2_describe_regions_over_https(self):
        _, out, _ = self.aws("ec2", "describe-regions", ca_bundle=self.ca)
        self.assertIn("us-east-1", [r["RegionName"] for r in json.loads(out)["Regions"]])

    # -- virtual-hosted style ----------------------------------------------------

    def test_virtual_hosted_buckets_over_https(self):
        s3 = self.s3()
        for bucket in ("vh-tls", "dotted.vh-tls"):
            s3.create_bucket(Bucket=bucket)
            s3.put_object(Bucket=bucket, Key="obj.txt", Body=b"hello " + bucket.encode())
        # curl resolves *.localhost itself. bucket.localhost is not covered by
        # *.localhost for OpenSSL (a wildcard needs two labels after it), and
        # dotted.vh-tls.s3.localhost by no wildcard: the server signs a
        # certificate for such a name; bucket.s3.localhost is in *.s3.localhost.
        for host, bucket in (("vh-tls.localhost", "vh-tls"),
                             ("vh-tls.s3.localhost", "vh-tls"),
                             ("dotted.vh-tls.localhost", "dotted.vh-tls"),
                             ("dotted.vh-tls.s3.localhost", "dotted.vh-tls")):
            with self.subTest(host=host):
                code, status, body, trace = self.curl(self.https(host) + "/obj.txt",
                                                      cacert=self.ca, signed=True)
                self.assertEqual(code, 0, trace)
                self.assertIn("SSL certificate verify ok", trace)
                self.assertEqual(status, 200, body)
                self.assertEqual(body, b"hello " + bucket.encode())
        # Python's ssl module (OpenSSL's host-name check) gets a certificate for
        # exactly the name it asked for, where no wildcard would do.
        ctx = ssl.create_default_context(cafile=self.ca)
        for host in ("vh-tls.localhost", "dotted.vh-tls.s3.localhost"):
            with self.subTest(python_ssl=host):
                with ctx.wrap_socket(self._connect(), server_hostname=host) as tls:
                    san = tls.getpeercert()["subjectAltName"]
                self.assertEqual(san, (("DNS", host),))
        # boto3, virtual-hosted against https://localhost and https://s3.localhost.
        for base in ("localhost", "s3.localhost"):
            with self.subTest(base=base):
                vhost = self.s3(endpoint=self.https(base), addressing="virtual")
                urls = []
                vhost.meta.events.register("before-send.s3",
                                           lambda request, **kw: urls.append(request.url))
                with mock.patch("socket.getaddrinfo", _getaddrinfo_localhost_subdomains):
                    vhost.put_object(Bucket="vh-tls", Key="b3.txt", Body=b"via " + base.encode())
                    self.assertEqual(vhost.get_object(Bucket="vh-tls", Key="b3.txt")["Body"].read(),
                                     b"via " + base.encode())
                prefix = "https://vh-tls.%s:%d/" % (base, self.server.port)
                self.assertTrue(urls and all(u.startswith(prefix) for u in urls), urls)

    def test_no_certificate_for_a_name_outside_the_server_domains(self):
        # The server signs certificates only under its virtual-host domains.
        port = self.server.port
        code, _, _, trace = self.curl("https://bucket.example.com:%d/" % port,
                                      "--connect-to", "bucket.example.com:%d:127.0.0.1:%d" %
                                      (port, port), cacert=self.ca)
        self.assertEqual(code, 60, trace)
        self.assertIn("no alternative certificate subject name matches", trace)

    # -- a CA that is not the server's ------------------------------------------

    def test_clients_trusting_another_ca_refuse_the_server(self):
        other_ca, _ = openssl_ca(self.work, "unrelated-ca")
        code, _, _, trace = self.curl(self.https() + "/", cacert=other_ca)
        self.assertEqual(code, 60, trace)
        with self.assertRaises(botocore.exceptions.SSLError) as caught:
            self.s3(verify=other_ca).list_buckets()
        self.assertIn("CERTIFICATE_VERIFY_FAILED", str(caught.exception))
        code, out, err = self.aws("s3", "ls", ca_bundle=other_ca, check=False)
        self.assertNotEqual(code, 0, out)
        self.assertIn("SSL validation failed", err)
        self.assertIn("certificate verify failed", err)
        # The refusals did not hurt the server.
        self.assert_serves_https()

    # -- clients that misbehave --------------------------------------------------

    def _client_hello(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        obj = ctx.wrap_bio(incoming, outgoing, server_hostname="localhost")
        with self.assertRaises(ssl.SSLWantReadError):
            obj.do_handshake()
        hello = outgoing.read()
        self.assertEqual(hello[0], 0x16)
        return hello

    def _connect(self):
        return socket.create_connection(("127.0.0.1", self.server.port), timeout=10)

    def test_garbage_and_cut_handshakes_leave_the_server_serving(self):
        hello = self._client_hello()
        sends = [
            b"",                                        # connect, then close
            hello[:len(hello) // 2],                    # half a ClientHello
            hello,                                      # a whole one, then gone
            b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc" + os.urandom(500),  # a broken ClientHello
            b"\x16\x03",                                # two bytes of a record
            os.urandom(2048),                           # noise
        ]
        for data in sends:
            with self.subTest(first=data[:9]):
                with self._connect() as sock:
                    if data:
                        sock.sendall(data)
                self.assert_serves_https()
        # Bytes that are neither: plain HTTP's answer to non-HTTP, 400.
        with self._connect() as sock:
            sock.sendall(b"\x01\x02 not http at all\r\n\r\n")
            sock.settimeout(10)
            self.assertTrue(sock.recv(4096).startswith(b"HTTP/1.1 400"))
        # Garbage inside a good TLS connection: the same 400, over TLS.
        ctx = ssl.create_default_context(cafile=self.ca)
        with ctx.wrap_socket(self._connect(), server_hostname="localhost") as tls:
            tls.sendall(b"\x01\x02 not http at all\r\n\r\n")
            self.assertTrue(tls.recv(4096).startswith(b"HTTP/1.1 400"))
        # A TLS connection that is dropped after the handshake.
        tls = ctx.wrap_socket(self._connect(), server_hostname="localhost")
        tls.close()
        self.assert_serves_https()
        self.assert_serves_http()

    def test_keep_alive_over_tls_answers_several_requests_on_one_connection(self):
        ctx = ssl.create_default_context(cafile=self.ca)
        with ctx.wrap_socket(self._connect(), server_hostname="localhost") as tls:
            for _ in range(3):
                tls.sendall(b"GET /no-such-bucket HTTP/1.1\r\nHost: localhost\r\n\r\n")
                head = b""
                while b"\r\n\r\n" not in head:
                    chunk = tls.recv(4096)
                    self.assertTrue(chunk, "the server closed the connection")
                    head += chunk
                head, _, body = head.partition(b"\r\n\r\n")
                self.assertTrue(head.startswith(b"HTTP/1.1 "), head)
                length = int(re.search(rb"(?i)content-length: (\d+)", head).group(1))
                while len(body) < length:
                    body += tls.recv(4096)
                self.assertIn(b"<Error>", body)


# ---------------------------------------------------------------------------
# Restarts with --tls-self-signed.

class SelfSignedRestartTest(TlsServerMixin, unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="awslab-tls-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.server = harness.Server(extra_args=["--tls-self-signed"])
        self.addCleanup(self.server.close)
        self.server.start()
        self.tls_dir = os.path.join(os.path.realpath(self.server.data_dir), "tls")
        self.ca = os.path.join(self.tls_dir, "ca.pem")
        self.assertIn("TLS: made a new CA", self.server.log_text())

    def files(self):
        return {n: read(os.path.join(self.tls_dir, n))
                for n in ("ca.pem", "ca-key.pem", "server.pem", "server-key.pem")}

    def test_a_restart_keeps_the_ca_and_the_certificate(self):
        before = self.files()
        saved_ca = os.path.join(self.work, "saved-ca.pem")  # a client's copy
        shutil.copy(self.ca, saved_ca)
        log_size = len(self.server.log_text())
        self.server.restart()
        self.assertEqual(self.files(), before)
        restart_log = self.server.log_text()[log_size:]
        self.assertNotIn("made a new", restart_log)
        self.assertIn("TLS: CA certificate at %s" % self.ca, restart_log)
        self.assert_serves_https(ca=saved_ca)
        s3 = harness.boto3_client(self.https(), verify=saved_ca)
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="after-restart")

    def test_a_new_virtual_host_domain_renews_only_the_server_certificate(self):
        before = self.files()
        saved_ca = os.path.join(self.work, "saved-ca.pem")
        shutil.copy(self.ca, saved_ca)
        self.server.stop()
        self.server.extra_args = ["--tls-self-signed", "--virtual-host-domains",
                                  "localhost,s3.localhost,s3.example.test"]
        self.server.start()
        after = self.files()
        self.assertEqual(after["ca.pem"], before["ca.pem"])
        self.assertEqual(after["ca-key.pem"], before["ca-key.pem"])
        self.assertNotEqual(after["server.pem"], before["server.pem"])
        self.assertIn("TLS: made a new server certificate", self.server.log_text())
        server = certificate_text(os.path.join(self.tls_dir, "server.pem"))
        self.assertIn("DNS:*.s3.example.test", server)
        self.assertNotIn("s3.amazonaws.com", server)
        s3 = harness.boto3_client(self.https(), verify=saved_ca)
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="new-domain")
        s3.put_object(Bucket="new-domain", Key="k", Body=b"v")
        port = self.server.port
        code, status, body, trace = self.curl(
            "https://new-domain.s3.example.test:%d/k" % port, "--connect-to",
            "new-domain.s3.example.test:%d:127.0.0.1:%d" % (port, port), cacert=saved_ca,
            signed=True)
        self.assertEqual((code, status, body), (0, 200, b"v"), trace)
        # And the next start keeps the renewed certificate.
        self.server.restart()
        self.assertEqual(self.files(), after)

    def test_a_missing_ca_key_is_a_clear_error(self):
        self.server.stop()
        os.unlink(os.path.join(self.tls_dir, "ca-key.pem"))
        with self.assertRaises(harness.ServerError) as caught:
            self.server.start()
        message = str(caught.exception)
        self.assertIn("exited with 2", message)
        self.assertIn("ca-key.pem", message)
        self.assertIn("to make a new CA", message)


# ---------------------------------------------------------------------------
# --tls-cert and --tls-key, made by the openssl command line.

class UserCertificateTest(TlsServerMixin, unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="awslab-tls-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # A root, an intermediate, and a server certificate for localhost:
        # the server sends the chain, the clients trust only the root.
        self.ca, root_key = openssl_ca(self.work, "root-ca")
        inter, inter_key = openssl_issue(self.work, "intermediate-ca", self.ca, root_key,
                                         ca_ext=True)
        leaf, self.key = openssl_issue(self.work, "server", inter, inter_key,
                                       san="DNS:localhost,IP:127.0.0.1")
        self.chain = os.path.join(self.work, "chain.pem")
        with open(self.chain, "wb") as f:
            f.write(read(leaf) + read(inter))
        self.leaf = leaf

    def start_server(self, *args):
        self.server = harness.Server(extra_args=list(args))
        self.addCleanup(self.server.close)
        return self.server.start()

    def refused(self, *args):
        """Runs the server with args; it must exit 2 at once. Returns its stderr."""
        data_dir = os.path.join(self.work, "data")
        done = run([harness.server_binary(), "--port", "0", "--data-dir", data_dir] +
                   list(args), timeout=30)
        err = done.stderr.decode("utf-8", "replace")
        self.assertEqual(done.returncode, 2, err)
        self.assertIn("awslab-server:", err)
        return err

    def test_a_chain_and_key_from_openssl_serve_https(self):
        self.start_server("--tls-cert", self.chain, "--tls-key", self.key)
        self.assert_serves_https()
        s3 = harness.boto3_client(self.https(), verify=self.ca)
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="user-cert")
        data = os.urandom(3 * MiB)
        s3.put_object(Bucket="user-cert", Key="k", Body=data)
        self.assertEqual(s3.get_object(Bucket="user-cert", Key="k")["Body"].read(), data)
        _, out, _ = self.aws("s3", "ls", ca_bundle=self.ca)
        self.assertIn("user-cert", out)
        self.assert_serves_http()
        # No self-signed files when the user gives the certificate.
        self.assertFalse(os.path.exists(os.path.join(self.server.data_dir, "tls")))

    def test_a_missing_key_file_stops_the_start(self):
        missing = os.path.join(self.work, "no-such-key.pem")
        err = self.refused("--tls-cert", self.chain, "--tls-key", missing)
        self.assertIn(missing, err)
        self.assertIn("No such file or directory", err)
        # Checked before the data dir is made.
        self.assertFalse(os.path.exists(os.path.join(self.work, "data")))

    def test_a_missing_certificate_file_stops_the_start(self):
        missing = os.path.join(self.work, "no-such-cert.pem")
        err = self.refused("--tls-cert", missing, "--tls-key", self.key)
        self.assertIn(missing, err)
        self.assertIn("No such file or directory", err)

    def test_a_key_that_is_not_the_certificates_stops_the_start(self):
        _, other_key = openssl_ca(self.work, "other")
        err = self.refused("--tls-cert", self.chain, "--tls-key", other_key)
        self.assertIn("does not match", err)
        self.assertIn(other_key, err)

    def test_files_given_the_wrong_way_round_stop_the_start(self):
        err = self.refused("--tls-cert", self.key, "--tls-key", self.chain)
        self.assertIn("holds no PEM certificate", err)

    def test_an_encrypted_key_stops_the_start_without_asking_for_a_passphrase(self):
        encrypted = os.path.join(self.work, "encrypted-key.pem")
        openssl("pkey", "-in", self.key, "-aes256", "-passout", "pass:secret", "-out", encrypted)
        err = self.refused("--tls-cert", self.chain, "--tls-key", encrypted)
        self.assertIn("encrypted", err)

    def test_flags_that_do_not_go_together(self):
        self.assertIn("go together", self.refused("--tls-cert", self.chain))
        self.assertIn("go together", self.refused("--tls-key", self.key))
        self.assertIn("not both", self.refused("--tls-self-signed", "--tls-cert", self.chain,
                                               "--tls-key", self.key))


if __name__ == "__main__":
    unittest.main()
