"""Debian's s3cmd (/usr/bin/s3cmd) against the real awslab-server: mb, put,
get, ls, la, sync both ways (and --delete-removed), del, a multipart put of a
~12 MiB file in 5 MiB parts, rb.

s3cmd reads only the config file given with -c, written per test into a temp
dir: path-style addressing (host_bucket without %(bucket)s), plain HTTP,
Signature Version 4, keys test/test.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_s3cmd
"""

import hashlib
import os
import random
import re
import shutil
import tempfile
import unittest

import harness

S3CMD = "/usr/bin/s3cmd"
MiB = 1024 * 1024

CONFIG = """[default]
access_key = {key}
secret_key = {secret}
host_base = 127.0.0.1:{port}
host_bucket = 127.0.0.1:{port}
use_https = False
signature_v2 = False
bucket_location = {region}
check_ssl_certificate = False
guess_mime_type = False
progress_meter = False
"""


class S3cmdTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-s3cmd-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.config = os.path.join(self.work, "s3cfg")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(key=harness.DEFAULT_KEY[0], secret=harness.DEFAULT_KEY[1],
                                  port=self.server.port, region=harness.REGION))
        # A fresh server knows no buckets: s3cmd must be installed and talk to it.
        self.assertTrue(os.access(S3CMD, os.X_OK), "s3cmd is not installed at %s" % S3CMD)
        _, out, _ = self.s3cmd("ls")
        self.assertEqual(out.strip(), "")
        self.s3 = harness.boto3_client(self.endpoint)  # to look at what s3cmd stored
        self.addCleanup(self.s3.close)

    def s3cmd(self, *args, check=True, timeout=180):
        argv = [S3CMD, "-c", self.config, "--no-check-certificate"] + list(args)
        done = self.run_client(argv, cwd=self.work, timeout=timeout)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("s3cmd %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out[-3000:], err[-3000:]))
        return done.returncode, out, err

    def path(self, rel):
        return os.path.join(self.work, rel)

    def write(self, rel, data):
        harness.write_tree(self.work, {rel: data})
        return self.path(rel)

    def listing(self, url, *flags):
        """{url: size} from `s3cmd ls` (recursive when asked), prefixes excluded."""
        _, out, _ = self.s3cmd("ls", *flags, url)
        rows = {}
        for line in out.splitlines():
            m = re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d\s+(\d+)\s+(s3://.*)$", line)
            if m:
                rows[m.group(2)] = int(m.group(1))
        return rows

    def test_put_get_ls_del(self):
        _, out, _ = self.s3cmd("mb", "s3://s3cmd-bucket")
        self.assertIn("Bucket 's3://s3cmd-bucket/' created", out)
        _, out, _ = self.s3cmd("ls")
        self.assertRegex(out, r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d\s+s3://s3cmd-bucket$")

        data = b"hello from s3cmd\n" * 1000
        self.write("hello.txt", data)
        _, out, _ = self.s3cmd("put", "hello.txt", "s3://s3cmd-bucket/docs/hello.txt")
        self.assertIn("upload: 'hello.txt' -> 's3://s3cmd-bucket/docs/hello.txt'", out)
        self.s3cmd("put", "hello.txt", "s3://s3cmd-bucket/top.txt")

        self.assertEqual(self.listing("s3://s3cmd-bucket/", "--recursive"),
                         {"s3://s3cmd-bucket/docs/hello.txt": len(data),
                          "s3://s3cmd-bucket/top.txt": len(data)})
        _, out, _ = self.s3cmd("ls", "s3://s3cmd-bucket/")
        self.assertRegex(out, r"(?m)^\s+DIR\s+s3://s3cmd-bucket/docs/$")
        _, out, _ = self.s3cmd("ls", "--list-md5", "s3://s3cmd-bucket/top.txt")
        self.assertIn(hashlib.md5(data).hexdigest(), out)

        _, out, _ = self.s3cmd("get", "s3://s3cmd-bucket/docs/hello.txt", "back.txt")
        self.assertIn("download: 's3://s3cmd-bucket/docs/hello.txt' -> 'back.txt'", out)
        with open(self.path("back.txt"), "rb") as f:
            self.assertEqual(f.read(), data)

        _, out, _ = self.s3cmd("del", "s3://s3cmd-bucket/docs/hello.txt")
        self.assertIn("delete: 's3://s3cmd-bucket/docs/hello.txt'", out)
        self.assertEqual(self.listing("s3://s3cmd-bucket/", "--recursive"),
                         {"s3://s3cmd-bucket/top.txt": len(data)})
        code, out, err = self.s3cmd("get", "s3://s3cmd-bucket/docs/hello.txt", "gone.txt",
                                    check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("does not exist", out + err)

        code, out, err = self.s3cmd("rb", "s3://s3cmd-bucket", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("BucketNotEmpty", out + err)
        self.s3cmd("del", "s3://s3cmd-bucket/top.txt")
        _, out, _ = self.s3cmd("rb", "s3://s3cmd-bucket")
        self.assertIn("Bucket 's3://s3cmd-bucket/' removed", out)
        _, out, _ = self.s3cmd("ls")
        self.assertEqual(out.strip(), "")

    def test_multipart_put_of_12_MiB_in_5_MiB_chunks(self):
        self.s3cmd("mb", "s3://s3cmd-mp")
        data = random.Random(7).randbytes(12 * MiB + 4321)
        self.write("big.bin", data)
        _, out, err = self.s3cmd("put", "--progress", "--multipart-chunk-size-mb=5", "big.bin",
                                 "s3://s3cmd-mp/big.bin")
        # With its progress meter s3cmd names each part it sends: "[part 1 of 3, 5MB]".
        self.assertEqual(sorted(set(re.findall(r"\[part (\d) of 3, (\dMB)\]", out))),
                         [("1", "5MB"), ("2", "5MB"), ("3", "2MB")], out[-2000:])

        # What the server stored: a 3-part object, and s3cmd's attributes.
        head = self.s3.head_object(Bucket="s3cmd-mp", Key="big.bin")
        parts = [data[i:i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
        self.assertEqual(head["ETag"], harness.multipart_etag(parts))
        self.assertEqual(head["ContentLength"], len(data))
        self.assertIn("md5:" + hashlib.md5(data).hexdigest(),
                      head["Metadata"].get("s3cmd-attrs", ""))
        # ls --list-md5 shows the whole file's MD5 for a multipart object (from those attributes).
        _, out, _ = self.s3cmd("ls", "--list-md5", "s3://s3cmd-mp/big.bin")
        self.assertIn(hashlib.md5(data).hexdigest(), out)
        self.assertEqual(self.listing("s3://s3cmd-mp/big.bin"),
                         {"s3://s3cmd-mp/big.bin": len(data)})
        _, out, _ = self.s3cmd("multipart", "s3://s3cmd-mp")
        self.assertNotIn("big.bin", out)  # no upload left in progress

        _, out, err = self.s3cmd("get", "s3://s3cmd-mp/big.bin", "back.bin")
        self.assertNotIn("MD5 signatures do not match", out + err)
        with open(self.path("back.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                             hashlib.sha256(data).hexdigest())

    def test_sync_up_and_down_and_delete_removed(self):
        self.s3cmd("mb", "s3://s3cmd-sync")
        rng = random.Random(8)
        files = {os.path.join("d%d" % (i % 4), "sub%d" % (i % 3), "f%02d.bin" % i):
                 rng.randbytes(rng.randrange(0, 20000)) for i in range(40)}
        files["with space.txt"] = b"spaced"
        harness.write_tree(self.path("tree"), files)

        _, out, _ = self.s3cmd("sync", "tree/", "s3://s3cmd-sync/tree/")
        self.assertEqual(len(re.findall(r"(?m)^upload: ", out)), len(files), out)
        self.assertEqual(self.listing("s3://s3cmd-sync/", "--recursive"),
                         {"s3://s3cmd-sync/tree/" + rel: len(d) for rel, d in files.items()})
        _, out, _ = self.s3cmd("sync", "tree/", "s3://s3cmd-sync/tree/")
        self.assertEqual(re.findall(r"(?m)^upload: ", out), [], out)

        _, out, _ = self.s3cmd("sync", "s3://s3cmd-sync/tree/", "down/")
        self.assertEqual(len(re.findall(r"(?m)^download: ", out)), len(files), out)
        self.assertEqual(harness.tree_files(self.path("down")), files)

        removed = sorted(files)[:10]
        for rel in removed:
            os.unlink(os.path.join(self.path("tree"), rel))
            del files[rel]
        _, out, _ = self.s3cmd("sync", "--delete-removed", "tree/", "s3://s3cmd-sync/tree/")
        self.assertEqual(sorted(re.findall(r"(?m)^delete: '(s3://[^']*)'", out)),
                         sorted("s3://s3cmd-sync/tree/" + r for r in removed), out)
        self.assertEqual(self.listing("s3://s3cmd-sync/", "--recursive"),
                         {"s3://s3cmd-sync/tree/" + rel: len(d) for rel, d in files.items()})
        _, out, _ = self.s3cmd("sync", "--delete-removed", "s3://s3cmd-sync/tree/", "down/")
        self.assertEqual(harness.tree_files(self.path("down")), files)

    def test_recursive_del_and_la(self):
        self.s3cmd("mb", "s3://s3cmd-a")
        self.s3cmd("mb", "s3://s3cmd-b")
        self.write("x.txt", b"x")
        for key in ("keep/1", "gone/1", "gone/2", "gone/deeper/3"):
            self.s3cmd("put", "x.txt", "s3://s3cmd-a/" + key)
        self.s3cmd("put", "x.txt", "s3://s3cmd-b/only")
        _, out, _ = self.s3cmd("la")
        for url in ("s3://s3cmd-a/gone/", "s3://s3cmd-a/keep/", "s3://s3cmd-b/only"):
            self.assertIn(url, out)

        _, out, _ = self.s3cmd("del", "--recursive", "--force", "s3://s3cmd-a/gone/")
        self.assertEqual(len(re.findall(r"(?m)^delete: ", out)), 3, out)
        self.assertEqual(self.listing("s3://s3cmd-a/", "--recursive"), {"s3://s3cmd-a/keep/1": 1})
        # Server-side copy and move.
        _, out, _ = self.s3cmd("cp", "s3://s3cmd-a/keep/1", "s3://s3cmd-b/copied")
        self.assertIn("remote copy: 's3://s3cmd-a/keep/1' -> 's3://s3cmd-b/copied'", out)
        _, out, _ = self.s3cmd("mv", "s3://s3cmd-b/only", "s3://s3cmd-b/moved/only")
        self.assertIn("move: 's3://s3cmd-b/only' -> 's3://s3cmd-b/moved/only'", out)
        self.assertEqual(self.listing("s3://s3cmd-b/", "--recursive"),
                         {"s3://s3cmd-b/copied": 1, "s3://s3cmd-b/moved/only": 1})
        self.assertEqual(self.s3.get_object(Bucket="s3cmd-b", Key="copied")["Body"].read(), b"x")
        _, out, _ = self.s3cmd("rb", "--recursive", "--force", "s3://s3cmd-b")
        self.assertIn("removed", out)
        _, out, _ = self.s3cmd("ls")
        self.assertNotIn("s3cmd-b", out)


if __name__ == "__main__":
    unittest.main()
