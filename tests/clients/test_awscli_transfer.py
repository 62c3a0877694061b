"""Debian's aws CLI v2 (/usr/bin/aws) against the real awslab-server for real
workloads: `s3 sync` of a 1,000-file tree both ways (and again, and with
--delete), a 200 MiB multipart `s3 cp` up and down, `s3 ls --recursive`,
`s3 rm --recursive`, and list-objects-v2 pagination as the CLI does it
(--max-items/--page-size/--starting-token) and raw (--max-keys with
NextContinuationToken).

Each test gets its own AWS config file (for `s3.multipart_chunksize`), written
with `aws configure set`, on top of the harness's isolation.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_awscli_transfer
"""

import hashlib
import json
import os
import random
import shutil
import tempfile
import time
import unittest

import harness
from harness import AWS_CLI

MiB = 1024 * 1024


def file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(MiB), b""):
            digest.update(block)
    return digest.hexdigest()


def make_tree(root, count, seed):
    """count files in nested folders with pseudo-random sizes (0 to 6 KiB)
    and names a CLI must quote; returns {relative path: bytes}. Their
    modification time is set an hour back, so that a sync's size-and-time
    comparison is not left to the same second."""
    rng = random.Random(seed)
    files = {}
    specials = ["with space.txt", "caf\u00e9.txt", "plus+sign.txt", "semi;colon.txt",
                "paren (1).txt", "amp&er.txt"]
    for i in range(count):
        folder = "d%d/s%d" % (i % 10, (i // 10) % 10)
        name = specials[i] if i < len(specials) else "file-%04d.dat" % i
        data = rng.randbytes(rng.choice([0, 1, 17, 512, 1024, 4096, 6000]) if i else 0)
        files[os.path.join(folder, name)] = data
    past = time.time() - 3600
    for rel, data in files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        os.utime(path, (past, past))
    return files


def lines_starting(text, word):
    return [l for l in text.splitlines() if l.startswith(word)]


class AwsCliTransferTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-cli-transfer-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # This test's own config file: the harness's shared one stays empty.
        self.env = harness.client_env()
        self.env["AWS_CONFIG_FILE"] = os.path.join(self.work, "aws-config")
        open(self.env["AWS_CONFIG_FILE"], "w").close()
        self.aws("configure", "set", "default.s3.multipart_chunksize", "8MB", endpoint=False)
        self.aws("configure", "set", "default.s3.multipart_threshold", "8MB", endpoint=False)
        with open(self.env["AWS_CONFIG_FILE"]) as f:
            config = f.read()
        self.assertIn("multipart_chunksize = 8MB", config)

    def aws(self, *args, check=True, endpoint=True, timeout=300):
        """Runs /usr/bin/aws; returns (exit code, stdout, stderr)."""
        argv = [AWS_CLI]
        if endpoint:
            argv += ["--endpoint-url", self.endpoint, "--region", harness.REGION,
                     "--no-cli-pager", "--output", "json"]
        argv += list(args)
        done = self.run_client(argv, env=self.env, cwd=self.work, timeout=timeout)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("aws %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out[-3000:], err[-3000:]))
        return done.returncode, out, err

    def aws_json(self, *args):
        out = self.aws(*args)[1]
        return json.loads(out) if out.strip() else {}

    def path(self, rel):
        return os.path.join(self.work, rel)

    def remote_keys(self, bucket, prefix=""):
        """{key: size} by list-objects-v2 (the CLI pages through all of them)."""
        args = ["s3api", "list-objects-v2", "--bucket", bucket]
        if prefix:
            args += ["--prefix", prefix]
        listed = self.aws_json(*args)
        return {o["Key"]: o["Size"] for o in listed.get("Contents", [])}

    # ------------------------------------------------------------------

    def test_sync_a_tree_of_1000_files_both_ways(self):
        self.aws("s3", "mb", "s3://sync-bucket")
        files = make_tree(self.path("tree"), 1000, seed=1)
        self.assertEqual(len(files), 1000)

        # Up: every file uploaded once.
        _, out, _ = self.aws("s3", "sync", "--no-progress", "tree", "s3://sync-bucket/tree")
        self.assertEqual(len(lines_starting(out, "upload: ")), 1000, out[-2000:])
        remote = self.remote_keys("sync-bucket")
        self.assertEqual(remote, {"tree/" + rel: len(data) for rel, data in files.items()})

        # ls --recursive pages through all 1,000 (ListObjectsV2 answers 1,000 a page).
        _, out, _ = self.aws("s3", "ls", "--recursive", "s3://sync-bucket/")
        rows = [l.split(None, 3) for l in out.splitlines() if l.strip()]
        self.assertEqual({r[3]: int(r[2]) for r in rows},
                         {"tree/" + rel: len(data) for rel, data in files.items()})
        self.assertEqual(len(rows), 1000)

        # Again: nothing to transfer.
        _, out, _ = self.aws("s3", "sync", "--no-progress", "tree", "s3://sync-bucket/tree")
        self.assertEqual(out.strip(), "", out[-2000:])

        # Down: the same tree, byte for byte.
        _, out, _ = self.aws("s3", "sync", "--no-progress", "s3://sync-bucket/tree", "down")
        self.assertEqual(len(lines_starting(out, "download: ")), 1000, out[-2000:])
        self.assertEqual(harness.tree_files(self.path("down")), files)
        _, out, _ = self.aws("s3", "sync", "--no-progress", "s3://sync-bucket/tree", "down")
        self.assertEqual(out.strip(), "", out[-2000:])

        # Remove 100 local files and change 5: sync --delete mirrors that.
        names = sorted(files)
        removed = names[100:200]
        changed = names[300:305]
        for rel in removed:
            os.unlink(os.path.join(self.path("tree"), rel))
            del files[rel]
        for rel in changed:
            files[rel] = b"changed and longer than before " * 300
            with open(os.path.join(self.path("tree"), rel), "wb") as f:
                f.write(files[rel])
        _, out, _ = self.aws("s3", "sync", "--no-progress", "--delete", "tree",
                             "s3://sync-bucket/tree")
        deleted = sorted(l.split("delete: ", 1)[1] for l in lines_starting(out, "delete: "))
        self.assertEqual(deleted, sorted("s3://sync-bucket/tree/" + r for r in removed))
        self.assertEqual(len(lines_starting(out, "upload: ")), 5, out[-2000:])
        self.assertEqual(self.remote_keys("sync-bucket"),
                         {"tree/" + rel: len(data) for rel, data in files.items()})

        _, out, _ = self.aws("s3", "sync", "--no-progress", "--delete", "s3://sync-bucket/tree",
                             "down")
        self.assertEqual(len(lines_starting(out, "delete: ")), 100, out[-2000:])
        self.assertEqual(len(lines_starting(out, "download: ")), 5, out[-2000:])
        self.assertEqual(harness.tree_files(self.path("down")), files)

    def test_cp_of_a_200_MiB_file_goes_multipart_in_8_MiB_parts(self):
        self.aws("s3", "mb", "s3://big-bucket")
        size = 200 * MiB
        part_md5s = []
        whole = hashlib.sha256()
        with open(self.path("big.bin"), "wb") as f:
            for _ in range(size // (8 * MiB)):
                block = os.urandom(8 * MiB)
                whole.update(block)
                part_md5s.append(hashlib.md5(block).digest())
                f.write(block)
        expected_etag = '"%s-25"' % hashlib.md5(b"".join(part_md5s)).hexdigest()

        started = time.monotonic()
        _, out, _ = self.aws("s3", "cp", "--no-progress", "big.bin", "s3://big-bucket/big.bin")
        self.assertIn("upload: ./big.bin to s3://big-bucket/big.bin", out)
        head = self.aws_json("s3api", "head-object", "--bucket", "big-bucket", "--key", "big.bin")
        self.assertEqual(head["ContentLength"], size)
        self.assertTrue(head["ETag"].endswith('-25"'), head["ETag"])
        self.assertEqual(head["ETag"], expected_etag)
        uploads = self.aws_json("s3api", "list-multipart-uploads", "--bucket", "big-bucket")
        self.assertFalse(uploads.get("Uploads"), uploads)

        _, out, _ = self.aws("s3", "cp", "--no-progress", "s3://big-bucket/big.bin", "back.bin")
        self.assertIn("download: s3://big-bucket/big.bin to ./back.bin", out)
        self.assertEqual(os.path.getsize(self.path("back.bin")), size)
        self.assertEqual(file_sha256(self.path("back.bin")), whole.hexdigest())

        # S3 to S3: the CLI copies it in the server, part by part (UploadPartCopy).
        _, out, _ = self.aws("s3", "cp", "--no-progress", "s3://big-bucket/big.bin",
                             "s3://big-bucket/copy/big.bin")
        self.assertIn("copy: s3://big-bucket/big.bin to s3://big-bucket/copy/big.bin", out)
        head = self.aws_json("s3api", "head-object", "--bucket", "big-bucket",
                             "--key", "copy/big.bin")
        self.assertEqual(head["ContentLength"], size)
        self.assertEqual(head["ETag"], expected_etag)
        ranged = self.aws_json("s3api", "get-object", "--bucket", "big-bucket", "--key",
                               "copy/big.bin", "--range", "bytes=%d-%d" % (100 * MiB, 101 * MiB - 1),
                               "slice.bin")
        self.assertEqual(ranged["ContentLength"], MiB)
        with open(self.path("big.bin"), "rb") as f, open(self.path("slice.bin"), "rb") as g:
            f.seek(100 * MiB)
            self.assertEqual(g.read(), f.read(MiB))
        self.assertLess(time.monotonic() - started, 240)

    def test_cp_from_stdin_and_to_stdout_streams_in_parts(self):
        self.aws("s3", "mb", "s3://streams")
        data = random.Random(4).randbytes(20 * MiB + 11)
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "s3", "cp", "-", "s3://streams/piped.bin"]
        done = self.run_client(argv, env=self.env, cwd=self.work, input=data)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        head = self.aws_json("s3api", "head-object", "--bucket", "streams", "--key", "piped.bin")
        self.assertEqual(head["ContentLength"], len(data))
        parts = [data[i:i + 8 * MiB] for i in range(0, len(data), 8 * MiB)]
        self.assertEqual(head["ETag"], '"%s-3"' % hashlib.md5(
            b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest())
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "s3", "cp", "s3://streams/piped.bin", "-"]
        done = self.run_client(argv, env=self.env, cwd=self.work)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        self.assertEqual(hashlib.sha256(done.stdout).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_ls_recursive_and_rm_recursive(self):
        self.aws("s3", "mb", "s3://listing")
        files = make_tree(self.path("tree"), 150, seed=2)
        self.aws("s3", "cp", "--recursive", "--no-progress", "tree", "s3://listing/data/")
        self.aws("s3", "cp", "--no-progress", os.path.join("tree", sorted(files)[0]),
                 "s3://listing/top.txt")

        _, out, _ = self.aws("s3", "ls", "--recursive", "s3://listing")
        rows = [l.split(None, 3) for l in out.splitlines() if l.strip()]
        listed = {r[3]: int(r[2]) for r in rows}
        expected = {"data/" + rel: len(d) for rel, d in files.items()}
        expected["top.txt"] = len(files[sorted(files)[0]])
        self.assertEqual(listed, expected)
        self.assertEqual([r[3] for r in rows], sorted(expected))
        for r in rows:
            self.assertRegex(r[0] + " " + r[1], r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")

        # Only a prefix.
        _, out, _ = self.aws("s3", "ls", "--recursive", "s3://listing/data/d3/")
        keys = [l.split(None, 3)[3] for l in out.splitlines() if l.strip()]
        self.assertEqual(keys, sorted(k for k in expected if k.startswith("data/d3/")))
        self.assertEqual(len(keys), 15)

        # S3 to S3 sync: server-side copies; again, nothing.
        _, out, _ = self.aws("s3", "sync", "--no-progress", "s3://listing/data",
                             "s3://listing/mirror")
        self.assertEqual(len(lines_starting(out, "copy: s3://listing/data/")), 150, out[-2000:])
        _, out, _ = self.aws("s3", "sync", "--no-progress", "s3://listing/data",
                             "s3://listing/mirror")
        self.assertEqual(out.strip(), "", out[-2000:])
        self.aws("s3", "rm", "--recursive", "--quiet", "s3://listing/mirror")
        # mv: a copy, then the source deleted.
        _, out, _ = self.aws("s3", "mv", "--no-progress", "s3://listing/top.txt",
                             "s3://listing/moved.txt")
        self.assertIn("move: s3://listing/top.txt to s3://listing/moved.txt", out)
        del expected["top.txt"]
        expected["moved.txt"] = len(files[sorted(files)[0]])
        self.assertEqual(self.remote_keys("listing"), expected)

        _, out, _ = self.aws("s3", "rm", "--recursive", "s3://listing/data/d3/")
        self.assertEqual(len(lines_starting(out, "delete: s3://listing/data/d3/")), 15, out)
        self.assertEqual(set(self.remote_keys("listing")),
                         {k for k in expected if not k.startswith("data/d3/")})

        _, out, _ = self.aws("s3", "rm", "--recursive", "s3://listing")
        self.assertEqual(len(lines_starting(out, "delete: ")), len(expected) - 15)
        self.assertEqual(self.remote_keys("listing"), {})
        _, out, _ = self.aws("s3", "rb", "s3://listing")
        self.assertIn("remove_bucket: listing", out)

    def test_list_objects_v2_pagination(self):
        self.aws("s3", "mb", "s3://paged")
        files = make_tree(self.path("tree"), 250, seed=3)
        self.aws("s3", "sync", "--no-progress", "tree", "s3://paged")
        all_keys = sorted(files)
        self.assertEqual(sorted(self.remote_keys("paged")), all_keys)

        # The CLI's pagination: --max-items, --page-size, --starting-token.
        seen = []
        token = None
        rounds = 0
        while True:
            args = ["s3api", "list-objects-v2", "--bucket", "paged", "--max-items", "100",
                    "--page-size", "30"]
            if token:
                args += ["--starting-token", token]
            page = self.aws_json(*args)
            rounds += 1
            seen += [o["Key"] for o in page["Contents"]]
            token = page.get("NextToken")
            if not token:
                break
            self.assertEqual(len(page["Contents"]), 100)
            self.assertLess(rounds, 10)
        self.assertEqual(rounds, 3)
        self.assertEqual(seen, all_keys)

        # Raw: --max-keys turns the CLI's pagination off; the server's
        # NextContinuationToken goes back as --continuation-token.
        seen = []
        token = None
        pages = []
        while True:
            args = ["s3api", "list-objects-v2", "--bucket", "paged", "--max-keys", "100"]
            if token:
                args += ["--continuation-token", token]
            page = self.aws_json(*args)
            pages.append(page)
            self.assertEqual(page["MaxKeys"], 100)
            self.assertEqual(page["KeyCount"], len(page["Contents"]))
            if token:
                self.assertEqual(page["ContinuationToken"], token)
            seen += [o["Key"] for o in page["Contents"]]
            if not page["IsTruncated"]:
                self.assertNotIn("NextContinuationToken", page)
                break
            token = page["NextContinuationToken"]
            self.assertLess(len(pages), 10)
        self.assertEqual([p["KeyCount"] for p in pages], [100, 100, 50])
        self.assertEqual(seen, all_keys)

        # With a delimiter, raw: common prefixes count toward --max-keys.
        page = self.aws_json("s3api", "list-objects-v2", "--bucket", "paged", "--delimiter", "/",
                             "--max-keys", "4")
        self.assertEqual([p["Prefix"] for p in page["CommonPrefixes"]], ["d0/", "d1/", "d2/", "d3/"])
        self.assertTrue(page["IsTruncated"])
        rest = self.aws_json("s3api", "list-objects-v2", "--bucket", "paged", "--delimiter", "/",
                             "--max-keys", "100", "--continuation-token",
                             page["NextContinuationToken"])
        self.assertEqual([p["Prefix"] for p in rest["CommonPrefixes"]],
                         ["d%d/" % i for i in range(4, 10)])
        self.assertFalse(rest["IsTruncated"])


if __name__ == "__main__":
    unittest.main()
