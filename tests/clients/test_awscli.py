"""Debian's aws CLI (/usr/bin/aws, awscli 2.9) against the real awslab-server.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_awscli
"""

import filecmp
import hashlib
import json
import os
import shutil
import tempfile
import unittest

import harness
from harness import AWS_CLI

MiB = 1024 * 1024


class AwsCliTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-cli-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def aws(self, *args, check=True):
        """Runs /usr/bin/aws against the server; returns (exit code, stdout, stderr)."""
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "--region", harness.REGION,
                "--no-cli-pager", "--output", "json"] + list(args)
        done = self.run_client(argv, cwd=self.work)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("%s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out, err))
        return done.returncode, out, err

    def aws_json(self, *args):
        return json.loads(self.aws(*args)[1])

    def write(self, relpath, data):
        path = os.path.join(self.work, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def test_mb_then_ls_lists_the_bucket(self):
        _, out, _ = self.aws("s3", "mb", "s3://cli-bucket")
        self.assertIn("make_bucket: cli-bucket", out)
        self.aws("s3", "mb", "s3://another-bucket")
        _, out, _ = self.aws("s3", "ls")
        names = [line.split()[-1] for line in out.splitlines() if line.strip()]
        self.assertEqual(names, ["another-bucket", "cli-bucket"])
        for line in out.splitlines():
            self.assertRegex(line, r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \S+$")

    def test_cp_up_and_down_keeps_the_bytes(self):
        self.aws("s3", "mb", "s3://transfer")
        files = {
            "tree/a.txt": b"alpha\n",
            "tree/sub/b.txt": b"bravo\n" * 100,
            "tree/sub/deeper/c.bin": os.urandom(70 * 1024),
            "tree/empty": b"",
        }
        for rel, data in files.items():
            self.write(rel, data)
        big = os.urandom(5 * MiB + 123)
        self.write("big.bin", big)

        _, out, _ = self.aws("s3", "cp", "big.bin", "s3://transfer/big.bin")
        self.assertIn("upload: ./big.bin to s3://transfer/big.bin", out)
        self.aws("s3", "cp", "--recursive", "tree", "s3://transfer/tree/")

        self.aws("s3", "cp", "s3://transfer/big.bin", "down/big.bin")
        with open(os.path.join(self.work, "down/big.bin"), "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(), hashlib.sha256(big).hexdigest())
        self.aws("s3", "cp", "--recursive", "s3://transfer/tree/", "down/tree")
        for rel, data in files.items():
            with open(os.path.join(self.work, "down", rel), "rb") as f:
                self.assertEqual(f.read(), data, rel)
        cmp = filecmp.dircmp(os.path.join(self.work, "tree"), os.path.join(self.work, "down/tree"))
        self.assertEqual((cmp.left_only, cmp.right_only), ([], []))

        # The single-PUT ETag is the MD5 of the bytes.
        head = self.aws_json("s3api", "head-object", "--bucket", "transfer", "--key", "big.bin")
        self.assertEqual(head["ContentLength"], len(big))
        self.assertEqual(head["ETag"], '"%s"' % hashlib.md5(big).hexdigest())

    def test_ls_shows_prefixes_keys_and_recursive_listing(self):
        self.aws("s3", "mb", "s3://listing")
        self.write("one.txt", b"1")
        self.write("two.txt", b"22")
        self.aws("s3", "cp", "one.txt", "s3://listing/top.txt")
        self.aws("s3", "cp", "two.txt", "s3://listing/dir/two.txt")
        self.aws("s3", "cp", "one.txt", "s3://listing/dir/sub/one.txt")

        _, out, _ = self.aws("s3", "ls", "s3://listing/")
        lines = [l.split() for l in out.splitlines() if l.strip()]
        self.assertIn(["PRE", "dir/"], lines)
        objects = [(l[-2], l[-1]) for l in lines if l[0] != "PRE"]
        self.assertEqual(objects, [("1", "top.txt")])

        _, out, _ = self.aws("s3", "ls", "s3://listing/dir/")
        lines = [l.split() for l in out.splitlines() if l.strip()]
        self.assertIn(["PRE", "sub/"], lines)
        self.assertEqual([(l[-2], l[-1]) for l in lines if l[0] != "PRE"], [("2", "two.txt")])

        _, out, _ = self.aws("s3", "ls", "--recursive", "s3://listing")
        keys = [l.split()[-1] for l in out.splitlines() if l.strip()]
        self.assertEqual(keys, ["dir/sub/one.txt", "dir/two.txt", "top.txt"])

    def test_rm_deletes_the_object(self):
        self.aws("s3", "mb", "s3://removal")
        self.write("f.txt", b"x")
        self.aws("s3", "cp", "f.txt", "s3://removal/f.txt")
        self.aws("s3", "cp", "f.txt", "s3://removal/keep.txt")
        _, out, _ = self.aws("s3", "rm", "s3://removal/f.txt")
        self.assertIn("delete: s3://removal/f.txt", out)
        _, out, _ = self.aws("s3", "ls", "--recursive", "s3://removal")
        self.assertEqual([l.split()[-1] for l in out.splitlines() if l.strip()], ["keep.txt"])

    def test_rb_fails_while_not_empty_then_force_removes_everything(self):
        self.aws("s3", "mb", "s3://full-bucket")
        self.write("a", b"a")
        for key in ("a", "b/c", "b/d"):
            self.aws("s3", "cp", "a", "s3://full-bucket/" + key)
        code, out, err = self.aws("s3", "rb", "s3://full-bucket", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("BucketNotEmpty", err)
        _, out, _ = self.aws("s3", "ls")
        self.assertIn("full-bucket", out)

        _, out, _ = self.aws("s3", "rb", "--force", "s3://full-bucket")
        self.assertIn("remove_bucket: full-bucket", out)
        _, out, _ = self.aws("s3", "ls")
        self.assertNotIn("full-bucket", out)

    def test_s3api_put_object_head_object_and_get_object(self):
        self.aws("s3api", "create-bucket", "--bucket", "api-bucket")
        body = b"hello from the cli\n" * 10
        self.write("body.txt", body)
        put = self.aws_json("s3api", "put-object", "--bucket", "api-bucket", "--key", "docs/hello.txt",
                            "--body", "body.txt", "--content-type", "text/plain",
                            "--metadata", "color=blue,Owner=cli")
        etag = '"%s"' % hashlib.md5(body).hexdigest()
        self.assertEqual(put["ETag"], etag)

        head = self.aws_json("s3api", "head-object", "--bucket", "api-bucket",
                             "--key", "docs/hello.txt")
        self.assertEqual(head["ContentLength"], len(body))
        self.assertEqual(head["ETag"], etag)
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(head["Metadata"], {"color": "blue", "owner": "cli"})

        got = self.aws_json("s3api", "get-object", "--bucket", "api-bucket",
                            "--key", "docs/hello.txt", "out.txt")
        self.assertEqual(got["ContentLength"], len(body))
        self.assertEqual(got["ETag"], etag)
        with open(os.path.join(self.work, "out.txt"), "rb") as f:
            self.assertEqual(f.read(), body)

        ranged = self.aws_json("s3api", "get-object", "--bucket", "api-bucket",
                               "--key", "docs/hello.txt", "--range", "bytes=0-4", "part.txt")
        self.assertEqual(ranged["ContentRange"], "bytes 0-4/%d" % len(body))
        with open(os.path.join(self.work, "part.txt"), "rb") as f:
            self.assertEqual(f.read(), b"hello")

        listed = self.aws_json("s3api", "list-objects-v2", "--bucket", "api-bucket")
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["docs/hello.txt"])

        location = self.aws_json("s3api", "get-bucket-location", "--bucket", "api-bucket")
        self.assertIsNone(location.get("LocationConstraint"))

    def test_errors_print_the_aws_code_and_exit_non_zero(self):
        code, out, err = self.aws("s3", "ls", "s3://no-such-bucket", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("NoSuchBucket", err)

        self.aws("s3", "mb", "s3://errors")
        code, out, err = self.aws("s3api", "get-object", "--bucket", "errors", "--key", "missing",
                                  "out.bin", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("An error occurred (NoSuchKey) when calling the GetObject operation", err)
        self.assertFalse(os.path.exists(os.path.join(self.work, "out.bin")))

        code, out, err = self.aws("s3api", "create-bucket", "--bucket", "errors", "--create-bucket-configuration",
                                  "LocationConstraint=us-east-1", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("InvalidLocationConstraint", err)

        code, out, err = self.aws("s3", "mb", "s3://Bad_Bucket", check=False)
        self.assertNotEqual(code, 0)
        self.assertIn("InvalidBucketName", err)

    def test_wrong_credentials_are_refused(self):
        self.aws("s3", "mb", "s3://creds")
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "--no-cli-pager", "s3", "ls"]
        done = self.run_client(argv, env=harness.client_env("test", "wrong-secret"))
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"SignatureDoesNotMatch", done.stderr)
        done = self.run_client(argv, env=harness.client_env("AKIANOSUCHKEY0000000", "x"))
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"InvalidAccessKeyId", done.stderr)
        # Another account sees none of this account's buckets.
        done = self.run_client(argv, env=harness.client_env(*harness.ALICE_KEY))
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertNotIn(b"creds", done.stdout)


if __name__ == "__main__":
    unittest.main()
