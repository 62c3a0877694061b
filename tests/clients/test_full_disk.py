"""A full disk under the real awslab-server, driven by Debian's boto3.

The server's data dir is a small tmpfs (TMPFS_MIB) in a mount namespace of
its own, made with unshare(1) by a holder process that only sleeps; the
server is started inside it with nsenter(1), so that it can be killed and
started again on the same tmpfs. This process reaches the tmpfs through
/proc/HOLDER/root.

What is promised (docs/reliability.md):
- writes that would leave less than --min-free-space are refused with S3's
  503 SlowDown (EC2: 500 InternalError), before their body is read;
- nothing acknowledged is lost and nothing refused is half there: every
  acknowledged object reads back whole, a listing shows exactly those, and
  no blob file is left that no object owns;
- deletes still work on a full disk, and writes work again once there is
  room, without a restart;
- with the check off (--min-free-space 0) LevelDB itself meets ENOSPC: the
  server refuses writes until there is room, then reopens its database,
  and a SIGKILL and restart after that still find everything acknowledged.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_full_disk
"""

import errno
import hashlib
import os
import shutil
import signal
import subprocess
import unittest

from botocore.exceptions import ClientError

import harness

KiB = 1024
MiB = 1024 * KiB
TMPFS_MIB = 48
MIN_FREE = 8 * MiB
BUCKET = "full-disk"


class Tmpfs:
    """A tmpfs of `size_mib` at `path`, in a mount (and user) namespace held
    by a sleeping process."""

    def __init__(self, path, size_mib):
        os.makedirs(path, exist_ok=True)
        self.path = path
        script = 'mount -t tmpfs -o size=%dm awslab-test "$0" && echo ready && exec sleep 100000'
        self.holder = subprocess.Popen(
            ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script % size_mib,
             path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        line = self.holder.stdout.readline()
        if line.strip() != b"ready":
            self.holder.kill()
            _, err = self.holder.communicate()
            raise RuntimeError("cannot make a tmpfs in a namespace (unshare --user --mount): %s"
                               % err.decode(errors="replace"))

    def command_prefix(self):
        """Runs a command inside the namespace (nsenter execs it: same pid)."""
        return ["nsenter", "--target", str(self.holder.pid), "--user", "--mount",
                "--preserve-credentials"]

    def outside(self, *parts):
        """A path in the tmpfs as this process reaches it."""
        return os.path.join("/proc/%d/root" % self.holder.pid, self.path.lstrip("/"), *parts)

    def free_bytes(self):
        st = os.statvfs(self.outside())
        return st.f_bavail * st.f_frsize

    def fill(self, name="filler", leave=0):
        """Writes a file until at most `leave` bytes are free (ENOSPC ends it)."""
        chunk = b"\0" * MiB
        with open(self.outside(name), "wb", buffering=0) as f:
            while True:
                room = self.free_bytes() - leave
                if room <= 0:
                    break
                try:
                    f.write(chunk[:min(len(chunk), room)])
                except OSError as e:
                    if e.errno != errno.ENOSPC:
                        raise
                    break

    def remove(self, name="filler"):
        os.unlink(self.outside(name))

    def close(self):
        if self.holder.poll() is None:
            self.holder.send_signal(signal.SIGKILL)
        self.holder.wait()
        self.holder.stdout.close()
        self.holder.stderr.close()


def error_of(call):
    """(HTTP status, error code) of a call that must fail."""
    try:
        call()
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    raise AssertionError("the call succeeded")


class TmpfsServerCase(unittest.TestCase):
    """A server on a fresh tmpfs, an S3 bucket, and the log of acknowledged
    objects; subclasses set server_args."""

    server_args = ()

    def setUp(self):
        super().setUp()
        self.server = harness.Server(extra_args=self.server_args)
        self.addCleanup(self.server.close)
        os.makedirs(self.server.data_dir)
        self.disk = Tmpfs(self.server.data_dir, TMPFS_MIB)
        self.addCleanup(self.disk.close)
        self.server.command_prefix = self.disk.command_prefix()
        self.server.start()
        self.s3 = harness.boto3_client(self.server.endpoint)
        self.ec2 = harness.ec2_client(self.server.endpoint)
        self.s3.create_bucket(Bucket=BUCKET)
        self.acked = {}  # key -> sha256 of the acknowledged body

    def tearDown(self):
        if self.server.proc is not None and self.server.proc.poll() is not None:
            self.fail("the server died:\n" + self.server.log_text())
        self.server.stop()
        super().tearDown()

    def put(self, key, size):
        body = os.urandom(size)
        self.s3.put_object(Bucket=BUCKET, Key=key, Body=body)
        self.acked[key] = hashlib.sha256(body).hexdigest()

    def fill_with_puts(self, size=MiB):
        """PUTs `size` objects until the server refuses one; returns the refusal."""
        for i in range(2 * TMPFS_MIB * MiB // size + 100):
            try:
                self.put("fill/%05d" % i, size)
            except ClientError as e:
                return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                        e.response["Error"]["Code"], "fill/%05d" % i)
        self.fail("the disk never filled")

    def check_objects(self):
        """Every acknowledged object whole, nothing else listed, no stray blob."""
        listed = []
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            listed += [o["Key"] for o in page.get("Contents", [])]
        self.assertEqual(sorted(listed), sorted(self.acked))
        blobs = 0
        for key, digest in self.acked.items():
            got = self.s3.get_object(Bucket=BUCKET, Key=key)
            body = got["Body"].read()
            self.assertEqual(hashlib.sha256(body).hexdigest(), digest, key)
            self.assertEqual(got["ETag"], harness.md5_etag(body), key)
            blobs += len(body) > 64 * KiB
        files = [f for _, _, names in os.walk(self.disk.outside("blobs")) for f in names]
        self.assertEqual(len(files), blobs, "blob files that no object owns (or missing ones)")

    def try_put(self, key, size):
        try:
            self.put(key, size)
            return True
        except ClientError:
            return False


class FullDiskTest(TmpfsServerCase):
    """The free-space check on (--min-free-space 8M)."""

    server_args = ("--min-free-space", "8M")

    def test_puts_fill_the_disk_then_deletes_make_room(self):
        status, code, refused = self.fill_with_puts()
        self.assertEqual((status, code), (503, "SlowDown"))
        # 48 MiB less the 8 MiB kept: about forty 1 MiB objects went in.
        self.assertGreaterEqual(len(self.acked), 25)
        # The reserve is still there (records may use all but a quarter).
        self.assertGreaterEqual(self.disk.free_bytes(), MIN_FREE // 4)
        self.assertNotIn(refused, self.acked)
        self.assertEqual(error_of(lambda: self.s3.head_object(Bucket=BUCKET, Key=refused))[0], 404)

        # Every way of adding a body is refused alike.
        upload = self.s3.create_multipart_upload(Bucket=BUCKET, Key="mp")["UploadId"]
        self.assertEqual(error_of(lambda: self.s3.upload_part(
            Bucket=BUCKET, Key="mp", UploadId=upload, PartNumber=1, Body=os.urandom(6 * MiB))),
            (503, "SlowDown"))
        self.assertEqual(error_of(lambda: self.s3.copy_object(
            Bucket=BUCKET, Key="copy", CopySource={"Bucket": BUCKET, "Key": "fill/00000"})),
            (503, "SlowDown"))
        self.s3.abort_multipart_upload(Bucket=BUCKET, Key="mp", UploadId=upload)
        self.check_objects()

        # Deletes work on the full disk, and make room for new writes.
        victims = sorted(self.acked)[:8]
        for key in victims[:4]:
            self.s3.delete_object(Bucket=BUCKET, Key=key)
            del self.acked[key]
        self.s3.delete_objects(Bucket=BUCKET, Delete={
            "Objects": [{"Key": k} for k in victims[4:]]})
        for key in victims[4:]:
            del self.acked[key]
        self.assertGreater(self.disk.free_bytes(), MIN_FREE + 3 * MiB)
        self.put("after/1", MiB)
        self.put("after/2", 100)
        self.s3.copy_object(Bucket=BUCKET, Key="after/copy",
                            CopySource={"Bucket": BUCKET, "Key": "after/1"})
        self.acked["after/copy"] = self.acked["after/1"]
        self.check_objects()
        self.assertNotIn("reopened", self.server.log_text())  # LevelDB never failed

    def test_another_program_fills_the_disk(self):
        for i in range(5):
            self.put("small/%d" % i, 1000)
            self.put("big/%d" % i, 200 * KiB)
        self.disk.fill()
        self.assertEqual(error_of(lambda: self.put("refused/big", 300 * KiB)), (503, "SlowDown"))
        self.assertEqual(error_of(lambda: self.put("refused/small", 10)), (503, "SlowDown"))
        # EC2 has no SlowDown: its word for this is InternalError.
        self.assertEqual(error_of(lambda: self.ec2.create_key_pair(KeyName="full")),
                         (500, "InternalError"))
        self.check_objects()  # reads go on

        self.disk.remove()
        self.put("after/big", 300 * KiB)
        self.put("after/small", 10)
        self.ec2.create_key_pair(KeyName="room")
        self.check_objects()
        self.assertEqual([k["KeyName"] for k in self.ec2.describe_key_pairs()["KeyPairs"]],
                         ["room"])


    def test_deleting_small_objects_makes_room(self):
        # Bodies of 1 to 64 KiB share pack files (docs/server.md): fill the
        # disk with them.
        status, code, refused = self.fill_with_puts(size=48 * KiB)
        self.assertEqual((status, code), (503, "SlowDown"))
        self.assertEqual(error_of(lambda: self.put("refused/big", 4 * MiB)), (503, "SlowDown"))
        # Delete nineteen in twenty: the packs are then mostly bytes that
        # nothing links, which the server moves out of the way in the
        # background once what is left fits in half the reserve.
        for i, key in enumerate(sorted(self.acked)):
            if i % 20:
                self.s3.delete_object(Bucket=BUCKET, Key=key)
                del self.acked[key]
        self.assertTrue(harness.poll(lambda: self.try_put("after/big", 4 * MiB), timeout=20,
                                     interval=0.2))
        self.check_objects()
        # Deleting the rest unlinks their pack at once.
        for key in [k for k in self.acked if k.startswith("fill/")]:
            self.s3.delete_object(Bucket=BUCKET, Key=key)
            del self.acked[key]
        self.assertEqual(os.listdir(self.disk.outside("packs")), [])
        self.check_objects()


class UncheckedFullDiskTest(TmpfsServerCase):
    """The check off (--min-free-space 0): LevelDB's own writes meet ENOSPC."""

    server_args = ("--min-free-space", "0")

    def test_a_failed_database_write_stops_writes_until_there_is_room(self):
        for i in range(5):
            self.put("before/%d" % i, 30 * KiB)
        self.disk.fill()

        def refusal(prefix, size):
            for i in range(2000):
                try:
                    self.put("%s/%04d" % (prefix, i), size)
                except ClientError as e:
                    return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                            e.response["Error"]["Code"])
            return None

        # Bodies of 1 to 64 KiB go to a pack: one of them meets ENOSPC there
        # (or its record in LevelDB's log does).
        self.assertEqual(refusal("packed", 60 * KiB), (503, "SlowDown"))
        # Bodies under 1 KiB go to LevelDB's log with their record: one of
        # them meets ENOSPC, unless a record already did.
        self.assertEqual(refusal("inline", 500), (503, "SlowDown"))
        self.assertIn("writes stop until the database reopens", self.server.log_text())
        self.check_objects()

        self.disk.remove()
        # The next write reopens the database (at most 200 ms after a failed try).
        self.assertTrue(harness.poll(lambda: self.try_put("after/1", 1000), timeout=10,
                                     interval=0.05))
        self.assertIn("reopened the database", self.server.log_text())
        self.put("after/2", 200 * KiB)
        self.check_objects()

        # Nothing acknowledged was lost in the torn log.
        self.server.kill()
        self.server.start()
        self.check_objects()
