"""The awslab CLI (client/cli/, docs/cli.md) against the real awslab-server:
every command, its output as printed, its return codes (the aws CLI v2's),
global options before and after the command, configuration from profiles
and the environment, and cross-checks with Debian's boto3 (what awslab
uploads boto3 reads, and the reverse).

EC2 and billing cases run on a frozen simulation clock that starts at
2013-04-01T00:00:00Z with instant EC2 transitions: nothing sleeps, the clock
moves only through `awslab admin clock --advance`. S3 cases run on the wall
clock (sync compares file times with S3's).

HTTPS runs against the server's own --tls-self-signed CA, and the TLS options
(--ca-bundle, AWS_CA_BUNDLE, --no-verify-ssl) also against a small HTTPS
stand-in with a certificate made by openssl. `admin accounts` needs
GET /_awslab/accounts and HttpsTest needs --tls-self-signed: a server built
from this tree has both.

Run: AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_CLI=build/client/awslab \\
     /usr/bin/python3 -m unittest -v test_awslab_cli
"""

import hashlib
import http.server
import json
import os
import pty
import re
import select
import shutil
import signal
import ssl
import stat
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.error
import urllib.request

import harness
from harness import ALICE_ACCOUNT_ID, ALICE_KEY, DEFAULT_ACCOUNT_ID

MiB = 1024 * 1024
IMAGE = "ami-d1737bb8"  # the course's image (us-east-1)
CLOCK_ARGS = ("--time-scale", "0", "--clock-start", "2013-04-01T00:00:00Z",
              "--ec2-pending", "0", "--ec2-spot-pending", "0",
              "--ec2-stopping", "0", "--ec2-shutting-down", "0")
OPENSSL = "/usr/bin/openssl"
SSH_KEYGEN = "/usr/bin/ssh-keygen"

# aws s3 ls: "2013-04-01 00:00:00" then the size right-aligned in 10.
LS_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (.{10}) (.*)$")
USAGE = 252
CONFIG = 253
SERVICE = 254
OTHER = 255


class Done:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.raw = proc.stdout
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "rc=%d\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self.rc, self.out[:4000],
                                                                  self.err[:4000])


def env_without(*names, **extra):
    env = harness.client_env()
    for n in names:
        env.pop(n, None)
    env.update(extra)
    return env


class CliCase(harness.ServerTestCase):
    """A fresh server per test; helpers to run awslab against it."""

    def setUp(self):
        super().setUp()
        self.cli = harness.cli_binary()
        self.tmp = tempfile.mkdtemp(prefix="awslab-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_cli(self, *args, env=None, cwd=None, input=None, endpoint=True, timeout=300):
        argv = [self.cli] + (["--endpoint-url", self.endpoint] if endpoint else []) + list(args)
        kw = {"input": input} if input is not None else {"stdin": subprocess.DEVNULL}
        proc = subprocess.run(argv, env=env or harness.client_env(), cwd=cwd or self.tmp,
                              capture_output=True, timeout=timeout, **kw)
        return Done(proc)

    def ok(self, *args, **kw):
        done = self.run_cli(*args, **kw)
        self.assertEqual(done.rc, 0, "awslab %s: %r" % (" ".join(args), done))
        return done

    def fails(self, rc, *args, **kw):
        done = self.run_cli(*args, **kw)
        self.assertEqual(done.rc, rc, "awslab %s: %r" % (" ".join(args), done))
        return done

    def s3(self):
        return harness.boto3_client(self.endpoint)

    def ec2(self, key=harness.DEFAULT_KEY):
        return harness.ec2_client(self.endpoint, key=key)

    def write(self, rel, data):
        path = os.path.join(self.tmp, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def read(self, rel):
        with open(os.path.join(self.tmp, rel), "rb") as f:
            return f.read()


# ---------------------------------------------------------------------------
# Usage, help and return codes that need no server answer.

class UsageTest(CliCase):

    def test_help(self):
        for args in (["--help"], ["help"], ["-h"]):
            done = self.ok(*args, endpoint=False)
            self.assertIn("usage: awslab [options] <command> <subcommand>", done.out)
            for word in ("s3", "ec2", "bill", "admin", "--endpoint-url", "--profile", "252"):
                self.assertIn(word, done.out)
        done = self.ok("s3", "--help", endpoint=False)
        for sub in ("ls", "mb", "rb", "cp", "mv", "rm", "sync", "presign"):
            self.assertIn("  %s " % sub, done.out)
        done = self.ok("s3", "cp", "--help", endpoint=False)
        self.assertIn("usage: awslab s3 cp", done.out)
        self.assertIn("--recursive", done.out)
        self.assertEqual(self.ok("--help", "s3", "cp", endpoint=False).out, done.out)
        self.assertEqual(self.ok("help", "s3", "cp", endpoint=False).out, done.out)
        done = self.ok("ec2", "ssh-config", "help", endpoint=False)
        self.assertIn("HostName", done.out)
        self.assertIn("usage: awslab ec2 keypair create",
                      self.ok("ec2", "keypair", "create", "--help", endpoint=False).out)
        self.assertIn("usage: awslab bill", self.ok("bill", "--help", endpoint=False).out)
        self.assertIn("--advance", self.ok("admin", "clock", "--help", endpoint=False).out)

    def test_usage_errors_return_252(self):
        cases = [
            ([], "the following arguments are required: command"),
            (["frobnicate"], "Invalid choice 'frobnicate'"),
            (["s3"], "the following arguments are required: subcommand"),
            (["s3", "copy", "a", "b"], "Invalid choice 'copy'"),
            (["s3", "ls", "--bogus"], "Unknown options: --bogus"),
            (["s3", "cp", "onlyone"], "the following arguments are required: paths"),
            (["s3", "cp", "a", "b"], "Invalid argument type"),
            (["s3", "presign", "s3://bkt/k", "--expires-in", "604801"], "--expires-in"),
            (["s3", "presign", "s3://bkt/k", "--expires-in"], "expected one argument"),
            (["s3", "ls", "s3://bkt", "--page-size", "0"], "argument --page-size"),
            (["--output", "yaml", "s3", "ls"], "argument --output: Invalid choice 'yaml'"),
            (["s3", "ls", "--region"], "argument --region: expected one argument"),
            (["ec2", "run", "--instance-type", "t2.micro"], "required: --image-id"),
            (["ec2", "run", "--image-id", IMAGE, "--count", "0"], "--count"),
            (["ec2", "wait", "sleeping", "i-1"], "Invalid choice 'sleeping'"),
            (["ec2", "ls", "--filter", "nonsense"], "argument --filter"),
            (["ec2", "keypair"], "required: subcommand"),
            (["bill", "--start"], "argument --start: expected one argument"),
            (["admin", "clock", "extra"], "Unknown options: extra"),
        ]
        for args, message in cases:
            done = self.fails(USAGE, *args, endpoint=False)
            self.assertIn("awslab: error: ", done.err, args)
            self.assertIn(message, done.err, args)
            self.assertIn("usage: awslab", done.err, args)
            self.assertEqual(done.out, "", args)

    def test_missing_credentials_return_253(self):
        env = env_without("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        for args in (["s3", "ls"], ["ec2", "ls"], ["bill"], ["admin", "clock"],
                     ["s3", "cp", "-", "s3://bkt/k"]):
            done = self.fails(CONFIG, *args, env=env)
            self.assertIn("Unable to locate credentials", done.err)
        # An unknown profile is a configuration error too, as botocore's ProfileNotFound.
        done = self.fails(CONFIG, "--profile", "nosuch", "s3", "ls")
        self.assertIn("The config profile (nosuch) could not be found", done.err)
        # The admin commands have no AWS endpoint to talk to.
        done = self.fails(CONFIG, "admin", "clock", endpoint=False)
        self.assertIn("--endpoint-url", done.err)

    def test_connection_refused_returns_255(self):
        env = env_without(AWS_MAX_ATTEMPTS="1")
        with socketserver_closed_port() as port:
            done = self.fails(OTHER, "--endpoint-url", "http://127.0.0.1:%d" % port, "s3", "ls",
                              env=env, endpoint=False)
        self.assertIn('Could not connect to the endpoint URL: "http://127.0.0.1:%d/"' % port,
                      done.err)

    def test_version(self):
        self.assertRegex(self.ok("--version", endpoint=False).out, r"^awslab \d+\.\d+\.\d+\n$")


class socketserver_closed_port:
    """A loopback port nothing listens on (bound, then closed)."""

    def __enter__(self):
        import socket
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        self.port = s.getsockname()[1]
        s.close()
        return self.port

    def __exit__(self, *exc):
        return False


# ---------------------------------------------------------------------------
# S3

class S3Test(CliCase):

    def test_mb_ls_rb(self):
        self.assertEqual(self.ok("s3", "mb", "s3://course-data").out, "make_bucket: course-data\n")
        self.assertEqual([b["Name"] for b in self.s3().list_buckets()["Buckets"]], ["course-data"])
        done = self.ok("s3", "ls")
        self.assertRegex(done.out, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d course-data\n$")
        # mb of a bucket another account has: the aws CLI's "make_bucket failed:" and 1.
        harness.boto3_client(self.endpoint, key=ALICE_KEY).create_bucket(Bucket="alices-data")
        done = self.fails(1, "s3", "mb", "s3://alices-data")
        self.assertRegex(done.err, r"^make_bucket failed: s3://alices-data An error occurred "
                                   r"\(BucketAlreadyExists\) when calling the CreateBucket "
                                   r"operation: ")
        self.s3().put_object(Bucket="course-data", Key="a/b.txt", Body=b"x")
        done = self.fails(1, "s3", "rb", "s3://course-data")
        self.assertIn("remove_bucket failed: s3://course-data An error occurred (BucketNotEmpty)",
                      done.err)
        done = self.ok("s3", "rb", "s3://course-data", "--force")
        self.assertEqual(done.out, "delete: s3://course-data/a/b.txt\nremove_bucket: course-data\n")
        self.assertEqual(self.s3().list_buckets()["Buckets"], [])
        self.assertEqual(self.ok("s3", "ls").out, "")
        self.fails(USAGE, "s3", "rb", "s3://course-data/key")

    def test_ls_prints_as_the_aws_cli(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="lsb")
        s3.put_object(Bucket="lsb", Key="top.txt", Body=b"12345")
        s3.put_object(Bucket="lsb", Key="dir/one.bin", Body=b"a" * 1536)
        s3.put_object(Bucket="lsb", Key="dir/sub/two.bin", Body=b"b" * (3 * MiB))
        s3.put_object(Bucket="lsb", Key="other/x", Body=b"")
        done = self.ok("s3", "ls", "s3://lsb")
        lines = done.out.splitlines()
        self.assertEqual(lines[:2], [" " * 27 + "PRE dir/", " " * 27 + "PRE other/"])
        m = LS_LINE.match(lines[2])
        self.assertEqual(m.groups(), ("         5", "top.txt"), lines[2])
        self.assertEqual(len(lines), 3)
        # A prefix without the slash names the folder itself; with it, its content.
        self.assertEqual(self.ok("s3", "ls", "s3://lsb/dir").out, " " * 27 + "PRE dir/\n")
        lines = self.ok("s3", "ls", "s3://lsb/dir/").out.splitlines()
        self.assertEqual(lines[0], " " * 27 + "PRE sub/")
        self.assertEqual(LS_LINE.match(lines[1]).groups(), ("      1536", "one.bin"))
        # --recursive: every key with its whole name; --human-readable; --summarize.
        done = self.ok("s3", "ls", "s3://lsb", "--recursive", "--human-readable", "--summarize")
        lines = done.out.splitlines()
        got = [LS_LINE.match(l).groups() for l in lines[:4]]
        self.assertEqual(got, [("   1.5 KiB", "dir/one.bin"), ("   3.0 MiB", "dir/sub/two.bin"),
                               ("   0 Bytes", "other/x"),
                               ("   5 Bytes", "top.txt")])
        self.assertEqual(lines[4:], ["", "Total Objects: 4", "   Total Size: 3.0 MiB"])
        done = self.ok("s3", "ls", "lsb", "--recursive", "--summarize")
        self.assertTrue(done.out.endswith("\nTotal Objects: 4\n   Total Size: %d\n" %
                                          (5 + 1536 + 3 * MiB)), done.out)
        # Paging does not change the listing.
        self.assertEqual(self.ok("s3", "ls", "s3://lsb", "--recursive", "--page-size", "1").out,
                         self.ok("s3", "ls", "s3://lsb", "--recursive").out)
        # Nothing under a prefix: 1, as the aws CLI; a missing bucket: the service's error, 254.
        self.assertEqual(self.fails(1, "s3", "ls", "s3://lsb/nothing").out, "")
        done = self.fails(SERVICE, "s3", "ls", "s3://no-such-bucket-here")
        self.assertEqual(done.err.strip(), "An error occurred (NoSuchBucket) when calling the "
                                           "ListObjectsV2 operation: The specified bucket does "
                                           "not exist")
        # --output json given on the command line: the listing as JSON.
        doc = json.loads(self.ok("s3", "ls", "s3://lsb/dir/", "--output", "json").out)
        self.assertEqual(doc["CommonPrefixes"], [{"Prefix": "dir/sub/"}])
        self.assertEqual([(o["Key"], o["Size"]) for o in doc["Contents"]], [("dir/one.bin", 1536)])
        self.assertEqual(doc["Contents"][0]["ETag"], harness.md5_etag(b"a" * 1536))

    def test_cp_upload_and_download_cross_checked_with_boto3(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="xfer")
        self.write("notes.txt", b"hello from awslab\n")
        self.write("data.unknownext", b"\x00\x01\x02")
        done = self.ok("s3", "cp", "notes.txt", "s3://xfer/")
        self.assertEqual(done.out, "upload: ./notes.txt to s3://xfer/notes.txt\n")
        self.assertEqual(done.err, "")
        got = s3.get_object(Bucket="xfer", Key="notes.txt")
        self.assertEqual(got["Body"].read(), b"hello from awslab\n")
        self.assertEqual(got["ContentType"], "text/plain")  # guessed from the name, as aws does
        self.assertEqual(got["ETag"], harness.md5_etag(b"hello from awslab\n"))
        # An explicit key, an explicit content type, and a path outside the current folder.
        outside = tempfile.mkdtemp(prefix="awslab-cli-outside-")
        self.addCleanup(shutil.rmtree, outside, True)
        with open(os.path.join(outside, "o.csv"), "wb") as f:
            f.write(b"a,b\n1,2\n")
        done = self.ok("s3", "cp", os.path.join(outside, "o.csv"), "s3://xfer/in/table.csv",
                       "--content-type", "application/x-lab")
        rel = os.path.relpath(outside, self.tmp)
        self.assertEqual(done.out, "upload: %s/o.csv to s3://xfer/in/table.csv\n" % rel)
        self.assertEqual(s3.head_object(Bucket="xfer", Key="in/table.csv")["ContentType"],
                         "application/x-lab")
        self.ok("s3", "cp", "data.unknownext", "s3://xfer/d")
        self.assertEqual(s3.head_object(Bucket="xfer", Key="d")["ContentType"],
                         "binary/octet-stream")
        # boto3 writes, awslab reads: to a file, into a folder, to a new subfolder.
        s3.put_object(Bucket="xfer", Key="from/boto3.bin", Body=b"\xff" * 1000)
        done = self.ok("s3", "cp", "s3://xfer/from/boto3.bin", "got.bin")
        self.assertEqual(done.out, "download: s3://xfer/from/boto3.bin to ./got.bin\n")
        self.assertEqual(self.read("got.bin"), b"\xff" * 1000)
        os.mkdir(os.path.join(self.tmp, "folder"))
        done = self.ok("s3", "cp", "s3://xfer/from/boto3.bin", "folder")
        self.assertEqual(done.out, "download: s3://xfer/from/boto3.bin to folder/boto3.bin\n")
        self.ok("s3", "cp", "s3://xfer/from/boto3.bin", "new/deeper/")
        self.assertEqual(self.read("new/deeper/boto3.bin"), b"\xff" * 1000)
        # The downloaded file carries the object's time (as the aws CLI sets it).
        last_modified = s3.head_object(Bucket="xfer", Key="from/boto3.bin")["LastModified"]
        self.assertEqual(int(os.stat(os.path.join(self.tmp, "got.bin")).st_mtime),
                         int(last_modified.timestamp()))
        # S3 to S3.
        done = self.ok("s3", "cp", "s3://xfer/notes.txt", "s3://xfer/copies/")
        self.assertEqual(done.out, "copy: s3://xfer/notes.txt to s3://xfer/copies/notes.txt\n")
        self.assertEqual(s3.get_object(Bucket="xfer", Key="copies/notes.txt")["Body"].read(),
                         b"hello from awslab\n")
        # Failures: 1 with the aws CLI's "upload failed:" line.
        done = self.fails(1, "s3", "cp", "notes.txt", "s3://no-such-bucket-x/")
        self.assertEqual(done.err, "upload failed: ./notes.txt to s3://no-such-bucket-x/notes.txt "
                                   "An error occurred (NoSuchBucket) when calling the PutObject "
                                   "operation: The specified bucket does not exist\n")
        done = self.fails(1, "s3", "cp", "s3://xfer/missing", "m")
        self.assertIn("download failed: s3://xfer/missing to ./m An error occurred", done.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "m")))
        done = self.fails(OTHER, "s3", "cp", "nothere.txt", "s3://xfer/")
        self.assertIn("The user-provided path nothere.txt does not exist.", done.err)

    def test_cp_multipart_and_ranged(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="big")
        data = os.urandom(20 * MiB + 123)
        self.write("big.bin", data)
        done = self.ok("s3", "cp", "big.bin", "s3://big/big.bin")
        self.assertEqual(done.out, "upload: ./big.bin to s3://big/big.bin\n")
        parts = [data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
        head = s3.head_object(Bucket="big", Key="big.bin")
        self.assertEqual(head["ETag"], harness.multipart_etag(parts))  # 8 MiB parts, as aws
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(s3.list_multipart_uploads(Bucket="big").get("Uploads", []), [])
        # boto3 multipart upload (its own 5 MiB parts), awslab ranged download.
        from boto3.s3.transfer import TransferConfig
        data2 = os.urandom(17 * MiB)
        self.write("b2.bin", data2)
        s3.upload_file(os.path.join(self.tmp, "b2.bin"), "big", "b2.bin",
                       Config=TransferConfig(multipart_threshold=5 * MiB,
                                             multipart_chunksize=5 * MiB))
        self.ok("s3", "cp", "s3://big/b2.bin", "b2.down")
        self.assertEqual(hashlib.sha256(self.read("b2.down")).digest(),
                         hashlib.sha256(data2).digest())
        self.ok("s3", "cp", "s3://big/big.bin", "big.down")
        self.assertEqual(self.read("big.down"), data)
        # To stdout, bytes in order.
        done = self.ok("s3", "cp", "s3://big/big.bin", "-")
        self.assertEqual(done.raw, data)

    def test_cp_stdin_and_stdout(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="streams")
        done = self.ok("s3", "cp", "-", "s3://streams/small.txt", input=b"piped text\n")
        self.assertEqual(done.out, "")
        self.assertEqual(s3.get_object(Bucket="streams", Key="small.txt")["Body"].read(),
                         b"piped text\n")
        big = os.urandom(9 * MiB + 7)  # above the threshold: a multipart upload of a stream
        self.ok("s3", "cp", "-", "s3://streams/big", input=big)
        got = s3.get_object(Bucket="streams", Key="big")
        self.assertEqual(got["Body"].read(), big)
        self.assertTrue(got["ETag"].endswith('-2"'), got["ETag"])
        s3.put_object(Bucket="streams", Key="from-boto3", Body=b"\x00binary\xff")
        self.assertEqual(self.ok("s3", "cp", "s3://streams/from-boto3", "-").raw,
                         b"\x00binary\xff")
        self.fails(USAGE, "s3", "cp", "-", "s3://streams/", input=b"x")
        self.fails(USAGE, "s3", "cp", "-", "s3://streams/k", "--recursive", input=b"x")

    def test_cp_recursive_with_filters(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="tree")
        files = {"proj/a.txt": b"A", "proj/sub/b.csv": b"B,B", "proj/sub/deep/c.txt": b"C" * 10,
                 "proj/skip.tmp": b"tmp", "proj/sub/also.tmp": b"tmp2"}
        for rel, data in files.items():
            self.write(rel, data)
        done = self.ok("s3", "cp", "proj", "s3://tree/up", "--recursive", "--exclude", "*.tmp")
        self.assertEqual(sorted(done.out.splitlines()), sorted([
            "upload: proj/a.txt to s3://tree/up/a.txt",
            "upload: proj/sub/b.csv to s3://tree/up/sub/b.csv",
            "upload: proj/sub/deep/c.txt to s3://tree/up/sub/deep/c.txt"]))
        keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket="tree")["Contents"])
        self.assertEqual(keys, ["up/a.txt", "up/sub/b.csv", "up/sub/deep/c.txt"])
        # --include after --exclude brings one back (the last matching filter decides).
        self.ok("s3", "cp", "proj", "s3://tree/up2/", "--recursive", "--exclude=*",
                "--include", "sub/*.csv")
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket="tree", Prefix="up2/")
                          ["Contents"]], ["up2/sub/b.csv"])
        # Download the prefix: "up" names the folder up/ (not up2/).
        done = self.ok("s3", "cp", "s3://tree/up", "down", "--recursive")
        self.assertEqual(len(done.out.splitlines()), 3)
        self.assertEqual(harness.tree_files(os.path.join(self.tmp, "down")),
                         {"a.txt": b"A", "sub/b.csv": b"B,B", "sub/deep/c.txt": b"C" * 10})
        # S3 to S3, and --dryrun changes nothing.
        done = self.ok("s3", "cp", "s3://tree/up/", "s3://tree/copy/", "--recursive", "--dryrun")
        self.assertIn("(dryrun) copy: s3://tree/up/a.txt to s3://tree/copy/a.txt", done.out)
        self.assertNotIn("Contents", s3.list_objects_v2(Bucket="tree", Prefix="copy/"))
        self.ok("s3", "cp", "s3://tree/up/", "s3://tree/copy/", "--recursive", "--quiet")
        self.assertEqual(len(s3.list_objects_v2(Bucket="tree", Prefix="copy/")["Contents"]), 3)
        # A file that is not a regular file is skipped with a warning: return code 2.
        os.mkfifo(os.path.join(self.tmp, "proj", "pipe"))
        done = self.fails(2, "s3", "cp", "proj", "s3://tree/again", "--recursive", "--exclude",
                          "*.tmp")
        self.assertIn("warning: Skipping file proj/pipe. File is not a regular file.", done.err)
        self.assertEqual(len(done.out.splitlines()), 3)
        # A key that would land outside the destination folder is skipped too (2).
        s3.put_object(Bucket="tree", Key="bad/../../escape.txt", Body=b"x")
        s3.put_object(Bucket="tree", Key="bad/ok.txt", Body=b"y")
        done = self.fails(2, "s3", "cp", "s3://tree/bad", "inside", "--recursive")
        self.assertEqual(done.out, "download: s3://tree/bad/ok.txt to inside/ok.txt\n")
        self.assertIn("warning: Skipping file s3://tree/bad/../../escape.txt.", done.err)
        self.assertFalse(os.path.exists(os.path.join(os.path.dirname(self.tmp), "escape.txt")))
        self.assertEqual(harness.tree_files(os.path.join(self.tmp, "inside")), {"ok.txt": b"y"})

    def test_mv_and_rm(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="moves")
        self.write("m.txt", b"move me")
        done = self.ok("s3", "mv", "m.txt", "s3://moves/m.txt")
        self.assertEqual(done.out, "move: ./m.txt to s3://moves/m.txt\n")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "m.txt")))
        done = self.ok("s3", "mv", "s3://moves/m.txt", "s3://moves/n.txt")
        self.assertEqual(done.out, "move: s3://moves/m.txt to s3://moves/n.txt\n")
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket="moves")["Contents"]],
                         ["n.txt"])
        done = self.ok("s3", "mv", "s3://moves/n.txt", "back.txt")
        self.assertEqual(done.out, "move: s3://moves/n.txt to ./back.txt\n")
        self.assertEqual(self.read("back.txt"), b"move me")
        self.assertEqual(s3.list_objects_v2(Bucket="moves")["KeyCount"], 0)
        for k in ("logs/1", "logs/2", "logs/sub/3", "logsx/4", "keep"):
            s3.put_object(Bucket="moves", Key=k, Body=b"x")
        self.assertEqual(self.ok("s3", "rm", "s3://moves/keep").out, "delete: s3://moves/keep\n")
        done = self.ok("s3", "rm", "s3://moves/logs", "--recursive")
        self.assertEqual(sorted(done.out.splitlines()),
                         ["delete: s3://moves/logs/1", "delete: s3://moves/logs/2",
                          "delete: s3://moves/logs/sub/3"])
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket="moves")["Contents"]],
                         ["logsx/4"])
        self.fails(USAGE, "s3", "rm", "s3://moves")

    def test_sync_both_ways(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="syncb")
        self.write("site/index.html", b"<h1>hi</h1>")
        self.write("site/css/main.css", b"body{}")
        self.write("site/data.bin", b"12345678")
        done = self.ok("s3", "sync", "site", "s3://syncb/www")
        self.assertEqual(sorted(done.out.splitlines()), [
            "upload: site/css/main.css to s3://syncb/www/css/main.css",
            "upload: site/data.bin to s3://syncb/www/data.bin",
            "upload: site/index.html to s3://syncb/www/index.html"])
        self.assertEqual(s3.head_object(Bucket="syncb", Key="www/index.html")["ContentType"],
                         "text/html")
        # Nothing changed: nothing copied.
        self.assertEqual(self.ok("s3", "sync", "site", "s3://syncb/www").out, "")
        # A new size is copied; the same size with a newer time too; an older time is not.
        self.write("site/index.html", b"<h1>hello</h1>")
        future = time.time() + 86400
        os.utime(os.path.join(self.tmp, "site/data.bin"), (future, future))
        os.utime(os.path.join(self.tmp, "site/css/main.css"), (946684800, 946684800))
        done = self.ok("s3", "sync", "site", "s3://syncb/www")
        self.assertEqual(sorted(done.out.splitlines()), [
            "upload: site/data.bin to s3://syncb/www/data.bin",
            "upload: site/index.html to s3://syncb/www/index.html"])
        # --size-only ignores the time; --exclude leaves a file out.
        os.utime(os.path.join(self.tmp, "site/data.bin"), (future + 10, future + 10))
        self.assertEqual(self.ok("s3", "sync", "site", "s3://syncb/www", "--size-only").out, "")
        self.write("site/notes.tmp", b"scratch")
        self.assertEqual(self.ok("s3", "sync", "site", "s3://syncb/www", "--size-only",
                                 "--exclude", "*.tmp").out, "")
        # --delete removes what the source lacks (boto3 added it).
        s3.put_object(Bucket="syncb", Key="www/stale.txt", Body=b"old")
        done = self.ok("s3", "sync", "site", "s3://syncb/www", "--delete", "--size-only",
                       "--exclude", "*.tmp")
        self.assertEqual(done.out, "delete: s3://syncb/www/stale.txt\n")
        self.assertEqual(sorted(o["Key"] for o in s3.list_objects_v2(Bucket="syncb")["Contents"]),
                         ["www/css/main.css", "www/data.bin", "www/index.html"])

        # S3 to local.
        done = self.ok("s3", "sync", "s3://syncb/www", "mirror")
        self.assertEqual(sorted(done.out.splitlines()), [
            "download: s3://syncb/www/css/main.css to mirror/css/main.css",
            "download: s3://syncb/www/data.bin to mirror/data.bin",
            "download: s3://syncb/www/index.html to mirror/index.html"])
        self.assertEqual(harness.tree_files(os.path.join(self.tmp, "mirror")),
                         {"index.html": b"<h1>hello</h1>", "css/main.css": b"body{}",
                          "data.bin": b"12345678"})
        self.assertEqual(self.ok("s3", "sync", "s3://syncb/www", "mirror").out, "")
        # The source is newer than the local copy: downloaded; the local copy is newer: kept,
        # unless --exact-timestamps.
        os.utime(os.path.join(self.tmp, "mirror/index.html"), (946684800, 946684800))
        os.utime(os.path.join(self.tmp, "mirror/data.bin"), (future, future))
        self.assertEqual(self.ok("s3", "sync", "s3://syncb/www", "mirror").out,
                         "download: s3://syncb/www/index.html to mirror/index.html\n")
        self.assertEqual(self.ok("s3", "sync", "s3://syncb/www", "mirror",
                                 "--exact-timestamps").out,
                         "download: s3://syncb/www/data.bin to mirror/data.bin\n")
        self.write("mirror/local-only.txt", b"x")
        self.assertEqual(self.ok("s3", "sync", "s3://syncb/www", "mirror", "--delete").out,
                         "delete: mirror/local-only.txt\n")
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "mirror/local-only.txt")))
        # S3 to S3.
        done = self.ok("s3", "sync", "s3://syncb/www/", "s3://syncb/backup/")
        self.assertEqual(len(done.out.splitlines()), 3)
        self.assertEqual(self.ok("s3", "sync", "s3://syncb/www/", "s3://syncb/backup/").out, "")

    def test_presign_acl_and_anonymous_requests(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="shared")
        s3.put_object(Bucket="shared", Key="report v1+final.txt", Body=b"secret report")
        url = self.ok("s3", "presign", "s3://shared/report v1+final.txt", "--expires-in",
                      "600").out.strip()
        self.assertIn("X-Amz-Expires=600", url)
        self.assertIn("X-Amz-Signature=", url)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=30) as r:
            self.assertEqual(r.read(), b"secret report")
        # Unsigned GET of the private object: refused.
        with self.assertRaises(urllib.error.HTTPError) as cm:
            opener.open(url.split("?")[0], timeout=30)
        self.assertEqual(cm.exception.code, 403)
        # --acl public-read makes it readable with --no-sign-request.
        self.write("pub.txt", b"for everyone")
        self.ok("s3", "cp", "pub.txt", "s3://shared/pub.txt", "--acl", "public-read")
        grants = s3.get_object_acl(Bucket="shared", Key="pub.txt")["Grants"]
        self.assertIn(("http://acs.amazonaws.com/groups/global/AllUsers", "READ"),
                      [(g["Grantee"].get("URI"), g["Permission"]) for g in grants])
        env = env_without("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        done = self.ok("--no-sign-request", "s3", "cp", "s3://shared/pub.txt", "-", env=env)
        self.assertEqual(done.raw, b"for everyone")
        done = self.fails(1, "s3", "cp", "s3://shared/report v1+final.txt", "-",
                          "--no-sign-request", env=env)
        self.assertIn("download failed", done.err)

    def test_global_options_before_and_after_the_command(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="anywhere")
        s3.put_object(Bucket="anywhere", Key="k", Body=b"v")
        before = self.run_cli("--endpoint-url", self.endpoint, "--region", "us-east-1",
                              "--output", "json", "s3", "ls", "s3://anywhere", endpoint=False)
        after = self.run_cli("s3", "ls", "s3://anywhere", "--output", "json", "--region",
                             "us-east-1", "--endpoint-url", self.endpoint, endpoint=False)
        middle = self.run_cli("s3", "--output=json", "ls", "--endpoint-url=" + self.endpoint,
                              "s3://anywhere", endpoint=False)
        self.assertEqual(before.rc, 0, before)
        self.assertEqual(before.out, after.out)
        self.assertEqual(before.out, middle.out)
        self.assertEqual(json.loads(before.out)["Contents"][0]["Key"], "k")
        # --debug anywhere: each request's method, URL and status on stderr.
        for args in (["--debug", "s3", "ls", "s3://anywhere"],
                     ["s3", "ls", "s3://anywhere", "--debug"]):
            done = self.ok(*args)
            self.assertRegex(done.err, r"debug: GET %s/anywhere\?list-type=2&delimiter=%%2F"
                                       r"&encoding-type=url -> 200 \(request id \w+\) \d+ ms\n"
                             % re.escape(self.endpoint))
        done = self.fails(SERVICE, "s3", "ls", "s3://nope-bucket", "--debug")
        self.assertIn("/nope-bucket?", done.err)
        self.assertIn("-> 404", done.err)

    def test_profiles_and_environment(self):
        s3 = self.s3()
        s3.create_bucket(Bucket="profiled")
        s3.put_object(Bucket="profiled", Key="k.txt", Body=b"v")
        home = os.path.join(self.tmp, "home")
        os.makedirs(os.path.join(home, ".aws"))
        port = self.server.port
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write("[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n"
                    "[lab]\naws_access_key_id = test\naws_secret_access_key = test\n")
        with open(os.path.join(home, ".aws", "config"), "w") as f:
            f.write("[default]\nregion = us-east-1\n\n"
                    "[profile lab]\nregion = us-east-1\n"
                    "endpoint_url = http://localhost:%d\n"
                    "s3 =\n  addressing_style = path\n"
                    "output = json\n\n"
                    "[profile vhost]\nregion = us-east-1\naws_access_key_id = test\n"
                    "aws_secret_access_key = test\nendpoint_url = http://localhost:%d\n"
                    "s3 =\n    addressing_style = virtual\n"
                    % (port, port))
        env = env_without("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONFIG_FILE",
                          "AWS_SHARED_CREDENTIALS_FILE", HOME=home)
        # --profile (before or after): the profile's keys, endpoint and path style.
        for args in (["--profile", "lab", "--debug", "s3", "ls", "s3://profiled"],
                     ["s3", "ls", "s3://profiled", "--profile", "lab", "--debug"]):
            done = self.ok(*args, env=env, endpoint=False)
            self.assertIn("debug: GET http://localhost:%d/profiled?" % port, done.err)
            self.assertEqual(LS_LINE.match(done.out.splitlines()[0]).group(2), "k.txt")
        # AWS_PROFILE; the profile's `output = json` applies to tables (not to s3 ls).
        env_profile = dict(env, AWS_PROFILE="lab")
        doc = json.loads(self.ok("ec2", "keypair", "ls", env=env_profile, endpoint=False).out)
        self.assertEqual(doc, {"KeyPairs": []})
        # addressing_style = virtual: virtual-hosted on bucket.localhost (a custom endpoint
        # is path style otherwise, as botocore decides).
        done = self.ok("--profile", "vhost", "--debug", "s3", "ls", "s3://profiled", env=env,
                       endpoint=False)
        self.assertIn("debug: GET http://profiled.localhost:%d/?" % port, done.err)
        # The default profile's wrong key: the service's error.
        done = self.fails(SERVICE, "s3", "ls", env=env)
        self.assertIn("InvalidAccessKeyId", done.err)
        # AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE elsewhere than ~/.aws.
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        shutil.move(os.path.join(home, ".aws", "config"), os.path.join(elsewhere, "cfg"))
        shutil.move(os.path.join(home, ".aws", "credentials"), os.path.join(elsewhere, "creds"))
        env_files = dict(env, AWS_CONFIG_FILE=os.path.join(elsewhere, "cfg"),
                         AWS_SHARED_CREDENTIALS_FILE=os.path.join(elsewhere, "creds"))
        done = self.ok("--profile", "lab", "s3", "ls", "s3://profiled", env=env_files,
                       endpoint=False)
        self.assertIn("k.txt", done.out)
        self.fails(CONFIG, "--profile", "lab", "s3", "ls", env=env, endpoint=False)
        # AWS_ENDPOINT_URL_S3 alone (keys from the environment).
        env_s3 = dict(harness.client_env(), AWS_ENDPOINT_URL_S3=self.endpoint)
        done = self.ok("--debug", "s3", "ls", "s3://profiled", env=env_s3, endpoint=False)
        self.assertIn("debug: GET %s/profiled?" % self.endpoint, done.err)
        # The flag wins over the environment.
        env_bad = dict(harness.client_env(), AWS_ENDPOINT_URL="http://127.0.0.1:1",
                       AWS_ENDPOINT_URL_S3="http://127.0.0.1:1")
        self.ok("s3", "ls", "s3://profiled", env=env_bad)

    def test_progress_only_when_stdout_is_a_terminal(self):
        self.s3().create_bucket(Bucket="prog")
        self.write("p.bin", os.urandom(12 * MiB))
        # stdout a pipe: the upload line, no progress.
        done = self.ok("s3", "cp", "p.bin", "s3://prog/p1")
        self.assertEqual(done.out, "upload: ./p.bin to s3://prog/p1\n")
        self.assertNotIn("Completed", done.err)
        # stdout a terminal: a progress line on stderr, cleared at the end.
        master, slave = pty.openpty()
        try:
            proc = subprocess.Popen([self.cli, "--endpoint-url", self.endpoint, "s3", "cp",
                                     "p.bin", "s3://prog/p2"], stdin=subprocess.DEVNULL,
                                    stdout=slave, stderr=subprocess.PIPE, cwd=self.tmp,
                                    env=harness.client_env())
            os.close(slave)
            slave = None
            out = b""
            while True:
                ready, _, _ = select.select([master], [], [], 60)
                if not ready:
                    break
                try:
                    chunk = os.read(master, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            err = proc.stderr.read().decode()
            proc.stderr.close()
            self.assertEqual(proc.wait(60), 0, err)
        finally:
            os.close(master)
            if slave is not None:
                os.close(slave)
        self.assertIn(b"upload: ./p.bin to s3://prog/p2", out)
        self.assertRegex(err, r"Completed [\d.]+ (Bytes|KiB|MiB)/12\.0 MiB \([\d.]+ "
                              r"(Bytes|KiB|MiB|GiB)/s\) with 1 file\(s\) remaining")
        self.assertTrue(err.endswith("\r\x1b[K"), repr(err[-40:]))

    def test_ctrl_c_returns_130(self):
        self.s3().create_bucket(Bucket="intr")
        proc = subprocess.Popen([self.cli, "--endpoint-url", self.endpoint, "--debug", "s3", "cp",
                                 "-", "s3://intr/k"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=harness.client_env())
        # 9 MiB starts a multipart upload; the stream stays open, so the CLI waits for more.
        def write():
            try:
                proc.stdin.write(b"z" * (9 * MiB))
            except BrokenPipeError:
                pass  # the CLI is gone before it read everything: expected here

        writer = threading.Thread(target=write)
        writer.start()
        seen = b""
        deadline = time.monotonic() + 60
        while b"?uploads" not in seen and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1)
            if ready:
                seen += os.read(proc.stderr.fileno(), 4096)
        self.assertIn(b"?uploads", seen)
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(60)
        seen += proc.stderr.read()
        writer.join(60)
        proc.stdin.close()
        proc.stdout.close()
        proc.stderr.close()
        self.assertEqual(rc, 130)
        self.assertIn(b"cancelled: ctrl-c received", seen)
        # The multipart upload was aborted on the way out, as the aws CLI's is.
        self.assertIn(b"DELETE", seen)
        self.assertEqual(self.s3().list_multipart_uploads(Bucket="intr").get("Uploads", []), [])


# ---------------------------------------------------------------------------
# EC2, the bill and the admin commands, on the frozen clock.

class Ec2Test(CliCase):
    server_args = CLOCK_ARGS

    def instance(self, instance_id):
        r = self.ec2().describe_instances(InstanceIds=[instance_id])
        return r["Reservations"][0]["Instances"][0]

    def run_instances(self, *extra):
        doc = json.loads(self.ok("ec2", "run", "--image-id", IMAGE, "--instance-type",
                                 "t2.micro", "--output", "json", *extra).out)
        return [i["InstanceId"] for i in doc["Instances"]]

    def test_run_and_ls(self):
        done = self.ok("ec2", "run", "--image-id", IMAGE, "--instance-type", "t2.micro",
                       "--count", "2", "--tag", "Name=web", "course=dsi")
        lines = done.out.splitlines()
        self.assertEqual(lines[0].split(), ["INSTANCE", "ID", "STATE", "TYPE", "PUBLIC", "IP",
                                            "NAME"])
        web = [l.split()[0] for l in lines[1:]]
        self.assertEqual(len(web), 2)
        db = self.run_instances("--tag", "Name=db")
        for iid in web:
            i = self.instance(iid)
            self.assertEqual(i["InstanceType"], "t2.micro")
            self.assertEqual(i["ImageId"], IMAGE)
            self.assertEqual(sorted((t["Key"], t["Value"]) for t in i["Tags"]),
                             [("Name", "web"), ("course", "dsi")])
        # The table: aligned columns, one row per instance, values from EC2.
        lines = self.ok("ec2", "ls").out.splitlines()
        self.assertEqual(len(lines), 4)
        col = lines[0].index("STATE")
        for line in lines[1:]:
            iid = line.split()[0]
            i = self.instance(iid)
            self.assertEqual(line[col:].split()[:3], ["running", "t2.micro", i["PublicIpAddress"]])
            self.assertEqual(line.split()[-1], "web" if iid in web else "db")
        # Text: tab-separated fields; filters in the aws CLI's shorthand or NAME=V.
        text = self.ok("ec2", "ls", "--output", "text", "--filter",
                       "Name=tag:Name,Values=web").out
        rows = [l.split("\t") for l in text.splitlines()]
        self.assertEqual(sorted(r[0] for r in rows), sorted(web))
        self.assertEqual({tuple(r[1:3]) for r in rows}, {("running", "t2.micro")})
        self.assertEqual([l.split("\t")[0] for l in self.ok(
            "ec2", "ls", "--output", "text", "--filters", "tag:Name=db").out.splitlines()], db)
        # JSON: by id, with the details.
        doc = json.loads(self.ok("ec2", "ls", web[0], "--output", "json").out)
        i = self.instance(web[0])
        got = doc["Instances"][0]
        for k in ("InstanceId", "InstanceType", "PublicIpAddress", "PrivateIpAddress",
                  "PublicDnsName", "LaunchTime", "ImageId"):
            expected = i[k]
            if k == "LaunchTime":
                self.assertEqual(got[k][:19], expected.strftime("%Y-%m-%dT%H:%M:%S"))
            else:
                self.assertEqual(got[k], expected, k)
        self.assertEqual(got["State"], "running")
        self.assertEqual(got["Name"], "web")
        # An unknown id: the service's error and 254.
        done = self.fails(SERVICE, "ec2", "ls", "i-0123456789abcdef0")
        self.assertIn("An error occurred (InvalidInstanceID.NotFound) when calling the "
                      "DescribeInstances operation:", done.err)

    def test_run_options_spot_key_and_groups(self):
        ec2 = self.ec2()
        group = ec2.create_security_group(GroupName="ssh", Description="ssh")["GroupId"]
        self.ok("ec2", "keypair", "create", "course")
        [spot] = self.run_instances("--spot", "--key-name", "course", "--security-group-ids",
                                    group)
        i = self.instance(spot)
        self.assertEqual(i["InstanceLifecycle"], "spot")
        self.assertEqual(i["KeyName"], "course")
        self.assertEqual([g["GroupId"] for g in i["SecurityGroups"]], [group])
        [plain] = self.run_instances("--user-data", "#!/bin/sh\necho hi\n")
        self.assertNotIn("InstanceLifecycle", self.instance(plain))
        done = self.fails(SERVICE, "ec2", "run", "--image-id", "ami-00000000", "--instance-type",
                          "t2.micro")
        self.assertIn("An error occurred (InvalidAMIID.NotFound) when calling the RunInstances "
                      "operation", done.err)

    def test_start_stop_reboot_terminate_wait(self):
        [iid] = self.run_instances()
        self.ok("ec2", "wait", "running", iid)
        done = self.ok("ec2", "stop", iid)
        self.assertEqual(done.out.splitlines()[1].split(), [iid, "running", "stopped"])
        self.assertEqual(self.instance(iid)["State"]["Name"], "stopped")
        self.ok("ec2", "wait", "stopped", iid)
        doc = json.loads(self.ok("ec2", "start", iid, "--output", "json").out)
        self.assertEqual(doc, {"StartingInstances": [{
            "InstanceId": iid, "PreviousState": {"Code": 80, "Name": "stopped"},
            "CurrentState": {"Code": 16, "Name": "running"}}]})
        self.assertEqual(self.ok("ec2", "reboot", iid).out, "")
        self.assertEqual(self.instance(iid)["State"]["Name"], "running")
        text = self.ok("ec2", "terminate", iid, "--output", "text").out
        self.assertEqual(text, "%s\trunning\tterminated\n" % iid)
        self.ok("ec2", "wait", "terminated", iid)
        self.assertEqual(self.instance(iid)["State"]["Name"], "terminated")
        # A waiter that cannot succeed gives up at once (terminated is a failure state): 255.
        done = self.fails(OTHER, "ec2", "wait", "running", iid, "--delay", "0")
        self.assertIn("Waiter InstanceRunning failed", done.err)
        done = self.fails(SERVICE, "ec2", "start", iid)
        self.assertIn("An error occurred (IncorrectInstanceState) when calling the "
                      "StartInstances operation", done.err)

    def test_keypair_create_ls_delete(self):
        done = self.ok("ec2", "keypair", "create", "course")
        pem = os.path.join(self.tmp, "course.pem")
        self.assertEqual(stat.S_IMODE(os.stat(pem).st_mode), 0o400)
        with open(pem) as f:
            material = f.read()
        self.assertTrue(material.startswith("-----BEGIN RSA PRIVATE KEY-----"), material[:40])
        pub = subprocess.run([SSH_KEYGEN, "-y", "-f", pem], capture_output=True, timeout=60)
        self.assertEqual(pub.returncode, 0, pub.stderr)
        self.assertTrue(pub.stdout.startswith(b"ssh-rsa "))
        [key] = self.ec2().describe_key_pairs()["KeyPairs"]
        self.assertEqual(key["KeyName"], "course")
        self.assertEqual(done.out.splitlines()[1].split(),
                         ["course", key["KeyPairId"], key["KeyFingerprint"], "course.pem"])
        # Never overwrites a file, and makes no key it could not save.
        done = self.fails(OTHER, "ec2", "keypair", "create", "course2", "--out", "course.pem")
        self.assertIn("Refusing to overwrite course.pem", done.err)
        with open(pem) as f:
            self.assertEqual(f.read(), material)
        self.assertEqual(len(self.ec2().describe_key_pairs()["KeyPairs"]), 1)
        # --out elsewhere; ed25519.
        out = os.path.join(self.tmp, "keys", "other.key")
        os.makedirs(os.path.dirname(out))
        self.ok("ec2", "keypair", "create", "other", "--out", out, "--key-type", "ed25519")
        self.assertEqual(stat.S_IMODE(os.stat(out).st_mode), 0o400)
        # A duplicate name: EC2's error, and the file is not left behind.
        done = self.fails(SERVICE, "ec2", "keypair", "create", "course", "--out", "dup.pem")
        self.assertIn("InvalidKeyPair.Duplicate", done.err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "dup.pem")))
        lines = self.ok("ec2", "keypair", "ls").out.splitlines()
        self.assertEqual([l.split()[0] for l in lines[1:]], ["course", "other"])
        self.assertEqual(lines[2].split()[2], "ed25519")
        self.assertEqual(self.ok("ec2", "keypair", "delete", "course").out, "")
        self.assertEqual([k["KeyName"] for k in self.ec2().describe_key_pairs()["KeyPairs"]],
                         ["other"])

    def test_ssh_config(self):
        self.ok("ec2", "keypair", "create", "course")
        [iid] = self.run_instances("--key-name", "course", "--tag", "Name=lab-box")
        ip = self.instance(iid)["PublicIpAddress"]
        self.assertEqual(self.ok("ec2", "ssh-config", iid).out,
                         "Host lab-box\n    HostName %s\n    User ec2-user\n"
                         "    IdentityFile %s\n" % (ip, os.path.join(self.tmp, "course.pem")))
        # Every start gives a new address; ssh-config follows it.
        self.ok("ec2", "stop", iid)
        done = self.fails(OTHER, "ec2", "ssh-config", iid)
        self.assertIn("has no public address (it is stopped)", done.err)
        self.ok("ec2", "start", iid)
        new_ip = self.instance(iid)["PublicIpAddress"]
        self.assertNotEqual(new_ip, ip)
        done = self.ok("ec2", "ssh-config", iid, "--user", "ubuntu", "--identity",
                       "~/.ssh/dsi.pem", "--host-alias", "dsi")
        self.assertEqual(done.out, "Host dsi\n    HostName %s\n    User ubuntu\n"
                                   "    IdentityFile ~/.ssh/dsi.pem\n" % new_ip)
        dns = self.instance(iid)["PublicDnsName"]
        self.assertIn("    HostName %s\n" % dns, self.ok("ec2", "ssh-config", iid, "--use-dns").out)
        # Elsewhere than the key's folder: ~/.ssh/KEY.pem, and the id when there is no Name tag.
        [bare] = self.run_instances("--key-name", "course")
        other = os.path.join(self.tmp, "other")
        os.makedirs(other)
        done = self.ok("ec2", "ssh-config", bare, cwd=other)
        self.assertEqual(done.out, "Host %s\n    HostName %s\n    User ec2-user\n"
                                   "    IdentityFile ~/.ssh/course.pem\n"
                         % (bare, self.instance(bare)["PublicIpAddress"]))

    def test_admin_clock(self):
        doc = json.loads(self.ok("admin", "clock", "--output", "json").out)
        self.assertEqual(doc, {"now": "2013-04-01T00:00:00.000Z", "time_scale": 0})
        done = self.ok("admin", "clock", "--advance", "PT3H")
        self.assertEqual(done.out.splitlines(), ["NOW                       TIME SCALE",
                                                 "2013-04-01T03:00:00.000Z  0"])
        self.assertEqual(harness.clock_now(self.endpoint)["now"], "2013-04-01T03:00:00.000Z")
        self.assertEqual(self.ok("admin", "clock", "--advance", "P1DT30M", "--output",
                                 "text").out, "2013-04-02T03:30:00.000Z\t0\n")
        done = self.fails(SERVICE, "admin", "clock", "--advance", "3 hours")
        self.assertIn("An error occurred (InvalidArgument) when calling the AdvanceClock "
                      "operation", done.err)
        # A student's key may not move the clock.
        env = harness.client_env(*ALICE_KEY)
        done = self.fails(SERVICE, "admin", "clock", "--advance", "PT1H", env=env)
        self.assertIn("(AccessDenied)", done.err)

    def test_admin_accounts(self):
        doc = json.loads(self.ok("admin", "accounts", "--output", "json").out)
        ids = [a["id"] for a in doc["accounts"]]
        self.assertIn(DEFAULT_ACCOUNT_ID, ids)
        self.assertIn(ALICE_ACCOUNT_ID, ids)
        lines = self.ok("admin", "accounts").out.splitlines()
        self.assertEqual(lines[0].split()[:4], ["ACCOUNT", "ID", "NAME", "ADMIN"])
        alice = [l for l in lines if l.startswith(ALICE_ACCOUNT_ID)][0]
        self.assertEqual(alice.split()[1:4], ["alice", "false", "alice@example.com"])
        text = self.ok("admin", "accounts", "--output", "text").out
        self.assertIn("%s\talice\tfalse\talice@example.com\tNone\n" % ALICE_ACCOUNT_ID, text)
        done = self.fails(SERVICE, "admin", "accounts", env=harness.client_env(*ALICE_KEY))
        self.assertIn("(AccessDenied)", done.err)

    def test_bill_after_advancing_the_clock(self):
        [iid] = self.run_instances("--tag", "Name=billed")
        self.ok("admin", "clock", "--advance", "PT3H")
        expected = harness._admin_call(self.endpoint, "GET", "/_awslab/billing")
        doc = json.loads(self.ok("bill", "--output", "json").out)
        self.assertEqual(doc, expected)
        self.assertEqual(doc["services"]["Amazon Elastic Compute Cloud - Compute"], "0.0348")
        box = [l for l in doc["lines"] if l["usage_type"] == "BoxUsage:t2.micro"]
        self.assertEqual([(l["resource_id"], l["quantity"], l["amount"]) for l in box],
                         [(iid, "3", "0.0348")])
        # The table: by service with the total, then by resource and usage type.
        table = self.ok("bill").out
        self.assertIn("Bill of account %s (default) from 2013-04-01T00:00:00Z to "
                      "2013-04-01T03:00:00Z, USD, hourly rules" % DEFAULT_ACCOUNT_ID, table)
        self.assertRegex(table, r"\nAmazon Elastic Compute Cloud - Compute +0\.0348\n")
        self.assertRegex(table, r"\nTotal +%s\n" % re.escape(doc["total"]))
        self.assertRegex(table, r"BoxUsage:t2\.micro +us-east-1 +%s +Usage +3 +Hrs +0\.0348\n"
                         % iid)
        text = self.ok("bill", "--output", "text").out.splitlines()
        self.assertEqual(text[0], "BILL\t%s\tdefault\t2013-04-01T00:00:00Z\t"
                                  "2013-04-01T03:00:00Z\tUSD\t%s" % (DEFAULT_ACCOUNT_ID,
                                                                     doc["total"]))
        self.assertIn("SERVICE\tAmazon Elastic Compute Cloud - Compute\t0.0348", text)
        self.assertIn("LINE\tAmazon Elastic Compute Cloud - Compute\tBoxUsage:t2.micro\t"
                      "us-east-1\t%s\tUsage\t3\tHrs\t0.0348" % iid, text)
        # A period: --start/--end as the admin API takes them.
        doc = json.loads(self.ok("bill", "--start", "2013-04-01T01:00:00Z", "--end",
                                 "2013-04-01T02:00:00Z", "--output", "json").out)
        self.assertEqual(doc["services"]["Amazon Elastic Compute Cloud - Compute"], "0.0116")
        # Cost Explorer gives the same totals by service and usage type.
        ce = json.loads(self.ok("bill", "--cost-explorer", "--start", "2013-04-01", "--end",
                                "2013-05-01", "--output", "json").out)
        self.assertEqual(ce["source"], "cost-explorer")
        self.assertEqual(ce["services"], expected["services"])
        self.assertEqual(ce["total"], expected["total"])
        self.assertIn({"service": "Amazon Elastic Compute Cloud - Compute",
                       "usage_type": "BoxUsage:t2.micro", "quantity": "3", "unit": "Hrs",
                       "amount": "0.0348"}, ce["lines"])
        # Only AWS_ENDPOINT_URL_S3 set: the admin API is found on that port too.
        env = dict(harness.client_env(), AWS_ENDPOINT_URL_S3=self.endpoint)
        self.assertEqual(json.loads(self.ok("bill", "--output", "json", env=env,
                                            endpoint=False).out), expected)
        # A student reads their own bill, not another account's.
        env = harness.client_env(*ALICE_KEY)
        doc = json.loads(self.ok("bill", "--output", "json", env=env).out)
        self.assertEqual((doc["account_id"], doc["total"]), (ALICE_ACCOUNT_ID, "0"))
        done = self.fails(SERVICE, "bill", "--account", DEFAULT_ACCOUNT_ID, env=env)
        self.assertIn("(AccessDenied)", done.err)
        # The teacher's class bill.
        lines = self.ok("admin", "bill").out.splitlines()
        row = [l for l in lines if l.startswith(DEFAULT_ACCOUNT_ID)][0]
        self.assertEqual(row.split()[1:3], ["default", expected["total"]])


# ---------------------------------------------------------------------------
# TLS options: a small HTTPS stand-in for the admin API with a certificate
# made by openssl, to prove --ca-bundle, AWS_CA_BUNDLE and --no-verify-ssl
# reach the connection.

class _ClockHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b'{"now":"2013-04-01T00:00:00.000Z","time_scale":0}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class TlsOptionsTest(unittest.TestCase):

    def setUp(self):
        self.cli = harness.cli_binary()
        self.tmp = tempfile.mkdtemp(prefix="awslab-cli-tls-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        run = lambda *a: subprocess.run([OPENSSL] + list(a), cwd=self.tmp, capture_output=True,
                                        check=True, timeout=60)
        run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
            "ca.pem", "-days", "2", "-subj", "/CN=awslab test CA")
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
            "server.csr", "-subj", "/CN=localhost")
        with open(os.path.join(self.tmp, "ext"), "w") as f:
            f.write("subjectAltName=DNS:localhost,IP:127.0.0.1\n")
        run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "ext")
        self.httpd = http.server.HTTPServer(("127.0.0.1", 0), _ClockHandler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(self.tmp, "server.pem"),
                                os.path.join(self.tmp, "server.key"))
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        self.addCleanup(self.thread.join, 10)
        self.addCleanup(self.httpd.server_close)
        self.addCleanup(self.httpd.shutdown)
        self.url = "https://localhost:%d" % self.httpd.server_address[1]

    def clock(self, *args, env=None):
        proc = subprocess.run([self.cli, "--endpoint-url", self.url, "admin", "clock",
                               "--output", "text"] + list(args),
                              env=env or dict(harness.client_env(), AWS_MAX_ATTEMPTS="1"),
                              capture_output=True, stdin=subprocess.DEVNULL, timeout=120)
        return Done(proc)

    def test_ca_bundle_and_no_verify(self):
        done = self.clock()
        self.assertEqual(done.rc, OTHER, done)
        self.assertIn("SSL validation failed for %s/_awslab/clock" % self.url, done.err)
        ca = os.path.join(self.tmp, "ca.pem")
        for args, env in ((["--ca-bundle", ca], None),
                          ([], dict(harness.client_env(), AWS_CA_BUNDLE=ca)),
                          (["--no-verify-ssl"], None)):
            done = self.clock(*args, env=env)
            self.assertEqual(done.rc, 0, done)
            self.assertEqual(done.out, "2013-04-01T00:00:00.000Z\t0\n")
        done = self.clock("--ca-bundle", os.path.join(self.tmp, "missing.pem"))
        self.assertEqual(done.rc, OTHER, done)
        self.assertIn("missing.pem", done.err)


class HttpsTest(CliCase):
    """awslab-server --tls-self-signed: the CLI over HTTPS, trusting the server's CA."""
    server_args = ("--tls-self-signed",)

    def test_https_with_the_servers_ca(self):
        ca = os.path.join(self.server.data_dir, "tls", "ca.pem")
        https = "https://localhost:%d" % self.server.port
        env = dict(harness.client_env(), AWS_MAX_ATTEMPTS="1")
        # Not trusted by the system's store: refused, nothing retried.
        done = self.fails(OTHER, "--endpoint-url", https, "s3", "ls", env=env, endpoint=False)
        self.assertIn('SSL validation failed for %s/' % https, done.err)
        # --ca-bundle, AWS_CA_BUNDLE, or the profile's ca_bundle: trusted.
        common = ["--endpoint-url", https, "--ca-bundle", ca]
        self.assertEqual(self.ok(*common, "s3", "mb", "s3://tls-data", endpoint=False).out,
                         "make_bucket: tls-data\n")
        data = os.urandom(9 * MiB)  # multipart over TLS
        self.write("t.bin", data)
        self.ok(*common, "s3", "cp", "t.bin", "s3://tls-data/t.bin", endpoint=False)
        self.assertEqual(self.s3().get_object(Bucket="tls-data", Key="t.bin")["Body"].read(),
                         data)
        done = self.ok("--endpoint-url", https, "s3", "cp", "s3://tls-data/t.bin", "-",
                       env=dict(env, AWS_CA_BUNDLE=ca), endpoint=False)
        self.assertEqual(done.raw, data)
        done = self.ok(*common, "--debug", "ec2", "ls", endpoint=False)
        self.assertIn("debug: POST %s/ -> 200" % https, done.err)
        # Virtual-hosted on *.localhost: the certificate covers it.
        cfg = os.path.join(self.tmp, "config")
        with open(cfg, "w") as f:
            f.write("[default]\nca_bundle = %s\ns3 =\n    addressing_style = virtual\n" % ca)
        done = self.ok("--endpoint-url", https, "--debug", "s3", "ls", "s3://tls-data",
                       env=dict(env, AWS_CONFIG_FILE=cfg), endpoint=False)
        self.assertIn("debug: GET https://tls-data.localhost:%d/?" % self.server.port, done.err)
        self.assertIn(" t.bin\n", done.out)
        # Another CA (made by openssl): refused.
        subprocess.run([OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                        "other.key", "-out", "other.pem", "-days", "1", "-subj", "/CN=other"],
                       cwd=self.tmp, check=True, capture_output=True, timeout=60)
        done = self.fails(OTHER, "--endpoint-url", https, "--ca-bundle",
                          os.path.join(self.tmp, "other.pem"), "s3", "ls", env=env,
                          endpoint=False)
        self.assertIn("SSL validation failed", done.err)
        self.ok("--endpoint-url", https, "--no-verify-ssl", "s3", "ls", env=env, endpoint=False)


if __name__ == "__main__":
    unittest.main()
