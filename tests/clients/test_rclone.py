"""Debian's rclone (/usr/bin/rclone) against the real awslab-server: mkdir,
copyto (put and get), cat, ls/lsf/lsjson, sync both ways (and deleting),
check, deletefile/delete/purge, and a multipart upload of a ~12 MiB file in
5 MiB chunks.

rclone is configured by environment variables only (a remote named awslab,
type s3, provider Other, path style) with an empty config file of the test's
own, so nothing of the machine's rclone configuration is read.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_rclone
"""

import base64
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
import unittest

import harness

RCLONE = "/usr/bin/rclone"
MiB = 1024 * 1024


class RcloneTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-rclone-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self.config = os.path.join(self.work, "rclone.conf")
        open(self.config, "w").close()
        self.env = harness.client_env()
        self.env.update({
            "RCLONE_CONFIG_AWSLAB_TYPE": "s3",
            "RCLONE_CONFIG_AWSLAB_PROVIDER": "Other",
            "RCLONE_CONFIG_AWSLAB_ENV_AUTH": "false",
            "RCLONE_CONFIG_AWSLAB_ENDPOINT": self.endpoint,
            "RCLONE_CONFIG_AWSLAB_ACCESS_KEY_ID": harness.DEFAULT_KEY[0],
            "RCLONE_CONFIG_AWSLAB_SECRET_ACCESS_KEY": harness.DEFAULT_KEY[1],
            "RCLONE_CONFIG_AWSLAB_REGION": harness.REGION,
            "RCLONE_CONFIG_AWSLAB_FORCE_PATH_STYLE": "true",
            "XDG_CACHE_HOME": os.path.join(self.work, "cache"),
        })
        self.assertTrue(os.access(RCLONE, os.X_OK), "rclone is not installed at %s" % RCLONE)
        self.s3 = harness.boto3_client(self.endpoint)  # to look at what rclone stored
        self.addCleanup(self.s3.close)

    def rclone(self, *args, check=True, timeout=180):
        argv = [RCLONE, "--config", self.config, "--retries", "1", "--low-level-retries", "1",
                "--contimeout", "5s", "--timeout", "60s"] + list(args)
        done = self.run_client(argv, env=self.env, cwd=self.work, timeout=timeout)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("rclone %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out[-3000:], err[-3000:]))
        return done.returncode, out, err

    def path(self, rel):
        return os.path.join(self.work, rel)

    def remote_sizes(self, remote):
        """{path: size} from `rclone lsjson -R` of files."""
        _, out, _ = self.rclone("lsjson", "-R", "--files-only", remote)
        return {e["Path"]: e["Size"] for e in json.loads(out)}

    def test_put_get_ls_and_delete(self):
        self.rclone("mkdir", "awslab:rc-bucket")
        _, out, _ = self.rclone("lsd", "awslab:")
        self.assertRegex(out, r"(?m)\s+rc-bucket$")
        buckets = [b["Name"] for b in self.s3.list_buckets()["Buckets"]]
        self.assertEqual(buckets, ["rc-bucket"])

        data = b"hello from rclone\n" * 500
        harness.write_tree(self.work, {"hello.txt": data})
        self.rclone("copyto", "hello.txt", "awslab:rc-bucket/docs/hello.txt")
        self.rclone("copyto", "hello.txt", "awslab:rc-bucket/top.txt")
        head = self.s3.head_object(Bucket="rc-bucket", Key="docs/hello.txt")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(data).hexdigest())

        _, out, _ = self.rclone("ls", "awslab:rc-bucket")
        rows = sorted(tuple(l.split(None, 1)) for l in out.splitlines() if l.strip())
        self.assertEqual(rows, [(str(len(data)), "docs/hello.txt"), (str(len(data)), "top.txt")])
        _, out, _ = self.rclone("lsf", "awslab:rc-bucket")
        self.assertEqual(sorted(out.split()), ["docs/", "top.txt"])
        _, out, _ = self.rclone("md5sum", "awslab:rc-bucket/docs")
        self.assertEqual(out.split(), [hashlib.md5(data).hexdigest(), "hello.txt"])

        _, out, _ = self.rclone("cat", "awslab:rc-bucket/docs/hello.txt")
        self.assertEqual(out.encode(), data)
        self.rclone("copyto", "awslab:rc-bucket/docs/hello.txt", "back.txt")
        with open(self.path("back.txt"), "rb") as f:
            self.assertEqual(f.read(), data)

        self.rclone("deletefile", "awslab:rc-bucket/docs/hello.txt")
        self.assertEqual(self.remote_sizes("awslab:rc-bucket"), {"top.txt": len(data)})
        with self.assertRaises(Exception) as ctx:
            self.s3.head_object(Bucket="rc-bucket", Key="docs/hello.txt")
        self.assertEqual(ctx.exception.response["Error"]["Code"], "404")

        self.rclone("purge", "awslab:rc-bucket")
        self.assertEqual(self.s3.list_buckets()["Buckets"], [])

    def test_multipart_upload_in_5_MiB_chunks(self):
        self.rclone("mkdir", "awslab:rc-mp")
        data = random.Random(11).randbytes(12 * MiB + 777)
        harness.write_tree(self.work, {"big.bin": data})
        self.rclone("copyto", "--s3-upload-cutoff", "5M", "--s3-chunk-size", "5M",
                    "big.bin", "awslab:rc-mp/big.bin")
        parts = [data[i:i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
        head = self.s3.head_object(Bucket="rc-mp", Key="big.bin")
        self.assertEqual(head["ContentLength"], len(data))
        self.assertEqual(head["ETag"], harness.multipart_etag(parts))
        self.assertTrue(head["ETag"].endswith('-3"'))
        # rclone keeps the whole file's MD5 in metadata for multipart objects.
        self.assertEqual(head["Metadata"].get("md5chksum"),
                         base64.b64encode(hashlib.md5(data).digest()).decode())
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="rc-mp"))

        # check: sizes and hashes (the stored MD5) agree with the local file.
        self.rclone("check", "--include", "big.bin", self.work, "awslab:rc-mp")
        self.rclone("copyto", "awslab:rc-mp/big.bin", "back.bin")
        with open(self.path("back.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                             hashlib.sha256(data).hexdigest())

    def test_rcat_streams_stdin_in_parts_and_server_side_copy_and_move(self):
        self.rclone("mkdir", "awslab:rc-stream")
        self.rclone("mkdir", "awslab:rc-other")
        data = random.Random(13).randbytes(11 * MiB + 5)
        argv = [RCLONE, "--config", self.config, "--retries", "1", "--low-level-retries", "1",
                "--s3-chunk-size", "5M", "--streaming-upload-cutoff", "1M",
                "rcat", "awslab:rc-stream/piped.bin"]
        done = self.run_client(argv, env=self.env, cwd=self.work, input=data)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        head = self.s3.head_object(Bucket="rc-stream", Key="piped.bin")
        self.assertEqual(head["ContentLength"], len(data))
        parts = [data[i:i + 5 * MiB] for i in range(0, len(data), 5 * MiB)]
        self.assertEqual(head["ETag"], harness.multipart_etag(parts))

        # Server-side: copy to another bucket, then move within it.
        self.rclone("copyto", "awslab:rc-stream/piped.bin", "awslab:rc-other/copy.bin")
        self.rclone("moveto", "awslab:rc-other/copy.bin", "awslab:rc-other/moved/final.bin")
        self.assertEqual(self.remote_sizes("awslab:rc-other"), {"moved/final.bin": len(data)})
        body = self.s3.get_object(Bucket="rc-other", Key="moved/final.bin")["Body"].read()
        self.assertEqual(hashlib.sha256(body).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_sync_up_and_down_check_and_delete(self):
        self.rclone("mkdir", "awslab:rc-sync")
        rng = random.Random(12)
        files = {os.path.join("d%d" % (i % 5), "s%d" % (i % 2), "f%02d.bin" % i):
                 rng.randbytes(rng.randrange(1, 30000)) for i in range(50)}
        files["with space/and+plus.txt"] = b"quoted names"
        files["empty.txt"] = b""
        harness.write_tree(self.path("tree"), files)

        _, out, err = self.rclone("sync", "-v", "tree", "awslab:rc-sync/tree")
        copied = re.findall(r"INFO\s+:\s+(.+?): Copied \(new\)", err)
        self.assertEqual(sorted(copied), sorted(files), err[-3000:])
        self.assertEqual(self.remote_sizes("awslab:rc-sync/tree"),
                         {rel: len(d) for rel, d in files.items()})
        self.rclone("check", "tree", "awslab:rc-sync/tree")

        _, out, err = self.rclone("sync", "-v", "tree", "awslab:rc-sync/tree")
        self.assertNotIn("Copied", err, err[-3000:])

        self.rclone("sync", "awslab:rc-sync/tree", "down")
        self.assertEqual(harness.tree_files(self.path("down")), files)

        removed = sorted(files)[:8]
        for rel in removed:
            os.unlink(os.path.join(self.path("tree"), rel))
            del files[rel]
        _, out, err = self.rclone("sync", "-v", "tree", "awslab:rc-sync/tree")
        deleted = re.findall(r"INFO\s+:\s+(.+?): Deleted", err)
        self.assertEqual(sorted(deleted), sorted(removed), err[-3000:])
        self.assertEqual(self.remote_sizes("awslab:rc-sync/tree"),
                         {rel: len(d) for rel, d in files.items()})
        self.rclone("sync", "awslab:rc-sync/tree", "down")
        self.assertEqual(harness.tree_files(self.path("down")), files)

        # delete: every file under a path, the bucket stays.
        self.rclone("delete", "awslab:rc-sync/tree/d1")
        self.assertEqual(set(self.remote_sizes("awslab:rc-sync/tree")),
                         {rel for rel in files if not rel.startswith("d1/")})
        self.rclone("delete", "awslab:rc-sync")
        self.assertEqual(self.remote_sizes("awslab:rc-sync"), {})
        self.assertEqual([b["Name"] for b in self.s3.list_buckets()["Buckets"]], ["rc-sync"])


if __name__ == "__main__":
    unittest.main()
