"""Starts the real awslab-server for client tests and isolates the clients.

Every test case gets a fresh server on a free loopback port with a fresh data
directory (`ServerTestCase`), or a suite can drive one by hand (`Server`, a
context manager). The server binary comes from the environment variable
AWSLAB_SERVER, which ctest sets; run by hand with for example

    AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_boto3

The clients are the ones a user of Debian has (/usr/bin/python3 with
python3-boto3, /usr/bin/aws, curl): nothing here patches them. They are
isolated from the machine's AWS configuration: empty config and credentials
files, no instance metadata, no proxies, explicit keys and region.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))

REGION = "us-east-1"

# The server's built-in account.
DEFAULT_ACCOUNT_ID = "000000000000"
DEFAULT_KEY = ("test", "test")

# Accounts that the harness adds with --accounts.
ALICE_ACCOUNT_ID = "111122223333"
ALICE_KEY = ("AKIAALICEEXAMPLE0001", "alice-secret")
BOB_ACCOUNT_ID = "444455556666"
BOB_KEY = ("AKIABOBEXAMPLE000001", "bob-secret")

ACCOUNTS_JSON = """{
  "accounts": [
    {"id": "%s", "name": "alice", "email": "alice@example.com",
     "access_keys": [{"id": "%s", "secret": "%s"}]},
    {"id": "%s", "name": "bob", "email": "bob@example.com",
     "access_keys": [{"id": "%s", "secret": "%s"}]}
  ]
}
""" % (ALICE_ACCOUNT_ID, ALICE_KEY[0], ALICE_KEY[1], BOB_ACCOUNT_ID, BOB_KEY[0], BOB_KEY[1])

PORT_FILE_TIMEOUT = 10.0
STOP_GRACE = 5.0

# The real clients of a Debian user, never a pip install found on PATH.
PYTHON = "/usr/bin/python3"
AWS_CLI = "/usr/bin/aws"
CURL = "/usr/bin/curl"


def binary_from_env(variable, name, example):
    """The executable that the environment variable names (ctest sets it);
    a clear error when it is unset or not executable. `example` is the path
    to suggest for a run by hand."""
    path = os.environ.get(variable, "")
    if not path:
        raise RuntimeError(
            "%s is not set: point it at the %s binary (ctest sets it; by hand: %s=%s)"
            % (variable, name, variable, example))
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s=%s is not an executable file" % (variable, path))
    return path


def server_binary():
    return binary_from_env("AWSLAB_SERVER", "awslab-server", "build/emulator/awslab-server")


def cli_binary():
    return binary_from_env("AWSLAB_CLI", "awslab", "build/client/awslab")


# --------------------------------------------------------------------------
# Client isolation.

_ISOLATION_DIR = None


def _isolation_dir():
    """A temp folder with empty AWS config and credentials files (one per process)."""
    global _ISOLATION_DIR
    if _ISOLATION_DIR is None:
        _ISOLATION_DIR = tempfile.mkdtemp(prefix="awslab-clients-home-")
        for name in ("config", "credentials"):
            open(os.path.join(_ISOLATION_DIR, name), "w").close()
        import atexit
        atexit.register(shutil.rmtree, _ISOLATION_DIR, True)
    return _ISOLATION_DIR


def _isolation_vars(access_key, secret_key, region):
    home = _isolation_dir()
    return {
        "AWS_CONFIG_FILE": os.path.join(home, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_PAGER": "",
        "NO_PROXY": "*",
        "no_proxy": "*",
    }


def isolate_this_process():
    """Makes in-process clients (boto3) see only the isolated configuration."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith("AWS_") or upper in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
            del os.environ[name]
    os.environ.update(_isolation_vars(DEFAULT_KEY[0], DEFAULT_KEY[1], REGION))


def client_env(access_key=DEFAULT_KEY[0], secret_key=DEFAULT_KEY[1], region=REGION):
    """The whole environment of a client subprocess: nothing inherited but PATH,
    locale and the sanitizers' options (scripts/test.sh sets them so that a
    sanitized binary, ours or a server it starts, reports to a file and fails;
    without them a report goes to a stderr nobody reads)."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": _isolation_dir(),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
    }
    env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
    env.update(_isolation_vars(access_key, secret_key, region))
    return env


isolate_this_process()


def boto3_client(endpoint, key=DEFAULT_KEY, region=REGION, addressing="path", signed=True,
                 read_timeout=60, verify=None):
    """An S3 client of Debian's boto3: explicit keys and region, no retries.
    `verify`: for an https endpoint, the CA bundle to trust (None: botocore's default)."""
    import boto3
    import botocore
    from botocore.config import Config
    config = Config(
        region_name=region,
        s3={"addressing_style": addressing},
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=read_timeout,
        signature_version="s3v4" if signed else botocore.UNSIGNED,
    )
    session = boto3.session.Session(aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                    region_name=region)
    return session.client("s3", endpoint_url=endpoint, config=config, verify=verify)


# --------------------------------------------------------------------------
# The server.

class ServerError(RuntimeError):
    pass


class Server:
    """One awslab-server process with its own data directory.

    with Server() as s:
        s.endpoint  # http://127.0.0.1:PORT
        s.restart() # same data dir, same port
        s.kill()    # SIGKILL, then s.start() again
    """

    def __init__(self, accounts=True, extra_args=(), command_prefix=(), env=None):
        self.root = tempfile.mkdtemp(prefix="awslab-clients-")
        # Variables added to the server's environment (this process's otherwise).
        self.env = dict(env or {})
        # A command the server runs under (nsenter into a namespace): it must
        # exec the server, so that the pid stays the server's.
        self.command_prefix = list(command_prefix)
        self.data_dir = os.path.join(self.root, "data")
        self.port_file = os.path.join(self.root, "port")
        self.log_path = os.path.join(self.root, "server.log")
        self.accounts_file = None
        if accounts:
            self.accounts_file = os.path.join(self.root, "accounts.json")
            with open(self.accounts_file, "w") as f:
                f.write(ACCOUNTS_JSON)
        self.extra_args = list(extra_args)
        self.port = 0
        self.proc = None
        self._log = None

    # -- lifecycle ---------------------------------------------------------

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            raise ServerError("server already running (pid %d)" % self.proc.pid)
        if os.path.exists(self.port_file):
            os.unlink(self.port_file)
        args = self.command_prefix + [server_binary(), "--host", "127.0.0.1", "--port", str(self.port),
                "--port-file", self.port_file, "--data-dir", self.data_dir, "--quiet"]
        if self.accounts_file:
            args += ["--accounts", self.accounts_file]
        args += self.extra_args
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, close_fds=True,
                                     env=dict(os.environ, **self.env) if self.env else None)
        deadline = time.monotonic() + PORT_FILE_TIMEOUT
        while True:
            if os.path.exists(self.port_file):
                with open(self.port_file) as f:
                    text = f.read().strip()
                if text:
                    port = int(text)
                    if self.port and port != self.port:
                        raise ServerError("server came back on port %d, not %d" % (port, self.port))
                    self.port = port
                    return self
            code = self.proc.poll()
            if code is not None:
                raise ServerError("awslab-server exited with %d before listening:\n%s" %
                                  (code, self.log_text()))
            if time.monotonic() > deadline:
                self.kill()
                raise ServerError("awslab-server wrote no port file within %.0f s:\n%s" %
                                  (PORT_FILE_TIMEOUT, self.log_text()))
            time.sleep(0.01)

    def stop(self):
        """SIGTERM, then SIGKILL after 5 s. Returns the exit code (None if not running)."""
        if self.proc is None:
            return None
        code = self.proc.poll()
        if code is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                code = self.proc.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                code = self.proc.wait()
        self._close_log()
        self.proc = None
        return code

    def kill(self):
        """SIGKILL: the crash of the process, nothing flushed."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._close_log()
        self.proc = None

    def restart(self):
        self.stop()
        return self.start()

    def close(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()

    def _close_log(self):
        if self._log is not None:
            self._log.close()
            self._log = None

    # -- facts -------------------------------------------------------------

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    @property
    def endpoint(self):
        return "http://127.0.0.1:%d" % self.port

    @property
    def vhost_endpoint(self):
        return "http://localhost:%d" % self.port

    @property
    def blob_dir(self):
        return os.path.join(self.data_dir, "blobs")

    def blob_files(self):
        out = []
        for dirpath, _, files in os.walk(self.blob_dir):
            out.extend(os.path.join(dirpath, f) for f in files)
        return sorted(out)

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")[-4000:]
        except OSError:
            return ""


class S3ErrorAssertions:
    """assertS3Error for boto3 suites: fn(**kwargs) must fail with this S3
    error code and HTTP status (and message, when given); returns the error
    ({"Code", "Message", ...})."""

    def assertS3Error(self, code, status, fn, message=None, **kwargs):
        from botocore.exceptions import ClientError
        with self.assertRaises(ClientError) as ctx:
            fn(**kwargs)
        err = ctx.exception.response["Error"]
        self.assertEqual(err["Code"], code, err)
        self.assertEqual(ctx.exception.response["ResponseMetadata"]["HTTPStatusCode"], status)
        if message is not None:
            self.assertEqual(err["Message"], message)
        return err


class ServerTestCase(unittest.TestCase):
    """A fresh server for every test; it is always stopped and its data removed."""

    server_args = ()
    server_env = None

    def setUp(self):
        super().setUp()
        self.server = Server(extra_args=self.server_args, env=self.server_env)
        self.addCleanup(self.server.close)
        self.server.start()

    def tearDown(self):
        # Stop the server by its pid now (cleanups also remove the data dir);
        # print its log when the test failed, to explain the failure.
        outcome = getattr(self, "_outcome", None)
        failed = False
        if outcome is not None:
            result = getattr(outcome, "result", None)
            errors = list(getattr(result, "errors", [])) + list(getattr(result, "failures", []))
            failed = any(test is self for test, _ in errors)
        self.server.stop()
        if failed:
            log = self.server.log_text()
            if log.strip():
                sys.stderr.write("\n--- awslab-server log ---\n%s\n" % log)
        super().tearDown()

    @property
    def endpoint(self):
        return self.server.endpoint

    def run_client(self, args, env=None, input=None, timeout=120, **kw):
        """Runs a client program with the isolated environment; returns CompletedProcess."""
        return subprocess.run(args, env=env or client_env(), input=input, capture_output=True,
                              timeout=timeout, **kw)


# ---------------------------------------------------------------------------
# What the suites compare against: file trees and S3's ETags, computed here.

def tree_files(root):
    """{relative path: bytes} of every file under root."""
    out = {}
    for dirpath, _, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


def write_tree(root, files):
    """Writes {relative path: bytes} under root."""
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)


def md5_etag(data):
    """S3's ETag of an object from one PUT, with its quotes."""
    return '"%s"' % hashlib.md5(data).hexdigest()


def multipart_etag(parts):
    """S3's ETag of a completed multipart upload, with its quotes: MD5 of the
    concatenated binary MD5s of the parts, then "-" and the number of parts."""
    digests = b"".join(hashlib.md5(p).digest() for p in parts)
    return '"%s-%d"' % (hashlib.md5(digests).hexdigest(), len(parts))


# --------------------------------------------------------------------------
# EC2: the simulation clock (admin API) and an EC2 client.

def _admin_call(endpoint, method, path, payload=None, key=DEFAULT_KEY, region=REGION):
    """A request to the admin API (/_awslab/...), SigV4-signed by botocore's
    own signer (service "awslab"), sent with urllib; returns the JSON answer.
    Raises AdminApiError (with .status and .body) on an error status."""
    import json
    import urllib.error
    import urllib.request
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = b"" if payload is None else json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/json"} if payload is not None else {}
    request = AWSRequest(method=method, url=endpoint + path, data=body, headers=headers)
    botocore.auth.SigV4Auth(Credentials(*key), "awslab", region).add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=body if method != "GET" else None,
                                 headers=dict(prepared.headers.items()), method=method)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as response:
            return json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        body_text = e.read().decode("utf-8", "replace")
        raise AdminApiError(method, path, e.code, body_text) from None


class AdminApiError(RuntimeError):
    """An error status from the admin API."""

    def __init__(self, method, path, status, body):
        super().__init__("%s %s answered HTTP %d: %s" % (method, path, status, body[:2000]))
        self.status = status
        self.body = body


def advance_clock(endpoint, duration, key=DEFAULT_KEY):
    """Moves the server's simulation clock forward by an ISO 8601 duration
    ("PT10S", "PT2H"): POST /_awslab/clock {"advance": duration}. Returns the
    answer, {"now": "...Z", "time_scale": ...}."""
    return _admin_call(endpoint, "POST", "/_awslab/clock", {"advance": duration}, key=key)


def clock_now(endpoint, key=DEFAULT_KEY):
    """GET /_awslab/clock: {"now": "...Z", "time_scale": ...}."""
    return _admin_call(endpoint, "GET", "/_awslab/clock", key=key)


def ec2_client(endpoint, key=DEFAULT_KEY, region=REGION, verify=None):
    """An EC2 client of Debian's boto3: explicit keys and region, no retries.
    `verify`: as for boto3_client."""
    import boto3
    from botocore.config import Config
    config = Config(region_name=region,
                    retries={"total_max_attempts": 1, "mode": "standard"},
                    connect_timeout=5, read_timeout=60)
    session = boto3.session.Session(aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                    region_name=region)
    return session.client("ec2", endpoint_url=endpoint, config=config, verify=verify)


def poll(condition, timeout=10.0, interval=0.01):
    """Waits until condition() is true or `timeout` seconds pass; returns its
    last value (a test asserts on it)."""
    import time
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)
