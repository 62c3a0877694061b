"""Durability of the real awslab-server across restarts and crashes.

Objects up to 64 KiB live inline in the metadata store; larger ones in blob
files under DATA_DIR/blobs/. A SIGKILL (the process's crash) must keep every
acknowledged object byte for byte, drop an upload that was not acknowledged,
and leave no blob file that no object owns.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_restart
"""

import hashlib
import os
import socket
import unittest

from botocore.exceptions import ClientError

import awssig
import harness
from harness import DEFAULT_KEY, poll

KiB = 1024
MiB = 1024 * KiB
INLINE_LIMIT = 64 * KiB  # the largest body kept inline




class RawUpload:
    """A PUT sent by hand over a socket (UNSIGNED-PAYLOAD, SigV4 header auth),
    so that a test can stop sending in the middle of the body."""

    def __init__(self, port, bucket, key, total_size):
        self.path = "/%s/%s" % (bucket, key)
        self.total = total_size
        self.sent = 0
        host = "127.0.0.1:%d" % port
        signed = awssig.sign_request("PUT", self.path, host, {"Content-Length": str(total_size)},
                                     awssig.UNSIGNED_PAYLOAD, *DEFAULT_KEY)
        head = "PUT %s HTTP/1.1\r\n" % self.path
        head += "".join("%s: %s\r\n" % kv for kv in signed.headers.items())
        head += "\r\n"
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(head.encode("ascii"))

    def send(self, data):
        self.sock.sendall(data)
        self.sent += len(data)

    def response_so_far(self):
        """Whatever the server has answered already (an early error), without waiting."""
        self.sock.setblocking(False)
        try:
            return self.sock.recv(65536)
        except (BlockingIOError, OSError):
            return b""
        finally:
            self.sock.setblocking(True)

    def finish(self):
        """Reads the response to the end of its headers; returns the status line."""
        self.sock.settimeout(30)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data.split(b"\r\n", 1)[0].decode("latin-1")

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class RestartTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = self.client()
        self.s3.create_bucket(Bucket="durable")
        self.expected = {}  # key -> sha256 hex of the acknowledged body

    def client(self):
        client = harness.boto3_client(self.endpoint)
        self.addCleanup(client.close)
        return client

    def put(self, key, body, **kwargs):
        response = self.s3.put_object(Bucket="durable", Key=key, Body=body, **kwargs)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.expected[key] = hashlib.sha256(body).hexdigest()

    def assertAllReadBack(self, s3):
        listed = s3.list_objects_v2(Bucket="durable").get("Contents", [])
        self.assertEqual(sorted(o["Key"] for o in listed), sorted(self.expected))
        for key, digest in self.expected.items():
            with self.subTest(key=key):
                got = s3.get_object(Bucket="durable", Key=key)
                h = hashlib.sha256()
                for chunk in got["Body"].iter_chunks(MiB):
                    h.update(chunk)
                self.assertEqual(h.hexdigest(), digest)

    def assertNoSuchKey(self, s3, key):
        with self.assertRaises(ClientError) as ctx:
            s3.get_object(Bucket="durable", Key=key)
        self.assertEqual(ctx.exception.response["Error"]["Code"], "NoSuchKey")

    def restart_client(self):
        self.s3 = self.client()
        return self.s3

    def write_fixture(self):
        """Small (inline) and large (blob) objects; returns the number of large ones."""
        self.sizes = {}
        # (The empty body goes last: see test_boto3's
        # test_put_after_an_empty_put_on_the_same_connection_answers_promptly.)
        for key, size in [("small/10", 10), ("small/1k", KiB), ("small/limit", INLINE_LIMIT),
                          ("large/limit+1", INLINE_LIMIT + 1), ("large/1m", MiB),
                          ("large/20m", 20 * MiB), ("small/empty", 0)]:
            body = os.urandom(size)
            self.put(key, body, Metadata={"size": str(size)})
            self.sizes[key] = size
        large = sum(1 for s in self.sizes.values() if s > INLINE_LIMIT)
        self.assertEqual(len(self.server.blob_files()), large,
                         "one blob file per object over %d bytes" % INLINE_LIMIT)
        return large

    def start_interrupted_upload(self, key, baseline_blobs):
        """Starts a 200 MiB PUT, sends part of it and waits until the server is
        writing it to a new blob file. Returns the upload (still open)."""
        upload = RawUpload(self.server.port, "durable", key, 200 * MiB)
        self.addCleanup(upload.close)
        block = os.urandom(MiB)
        for _ in range(8):
            upload.send(block)

        def staged():
            files = self.server.blob_files()
            if len(files) <= baseline_blobs:
                return False
            return max(os.path.getsize(f) for f in files) >= 4 * MiB
        if not poll(staged):
            self.fail("the server staged no blob for the upload; it answered: %r" %
                      upload.response_so_far())
        return upload

    def test_sigkill_keeps_acknowledged_objects_and_drops_the_interrupted_upload(self):
        large = self.write_fixture()
        upload = self.start_interrupted_upload("interrupted/200m", large)
        self.assertEqual(len(self.server.blob_files()), large + 1)
        self.server.kill()
        upload.close()
        self.assertEqual(len(self.server.blob_files()), large + 1,
                         "the killed server could not have cleaned up")
        port = self.server.port
        self.server.start()
        self.assertEqual(self.server.port, port)

        s3 = self.restart_client()
        self.assertAllReadBack(s3)
        for key, size in self.sizes.items():
            self.assertEqual(s3.head_object(Bucket="durable", Key=key)["Metadata"],
                             {"size": str(size)})
        self.assertNoSuchKey(s3, "interrupted/200m")
        self.assertEqual(len(self.server.blob_files()), large,
                         "the unacknowledged upload's blob was swept at startup")

    def test_graceful_restart_keeps_everything_on_the_same_port(self):
        large = self.write_fixture()
        port = self.server.port
        self.assertEqual(self.server.stop(), 0, "SIGTERM ends the server cleanly")
        self.server.start()
        self.assertEqual(self.server.port, port)
        s3 = self.restart_client()
        self.assertAllReadBack(s3)
        self.assertEqual(len(self.server.blob_files()), large)
        # Still writable after the restart.
        self.put("after/restart", b"new")
        self.assertAllReadBack(s3)

    def test_client_that_disconnects_mid_upload_leaves_no_blob(self):
        large = self.write_fixture()
        upload = self.start_interrupted_upload("abandoned", large)
        upload.close()
        self.assertTrue(poll(lambda: len(self.server.blob_files()) == large),
                        "the staged blob of an abandoned upload is removed: %s" %
                        self.server.blob_files())
        self.assertNoSuchKey(self.s3, "abandoned")
        self.assertAllReadBack(self.s3)

    def test_raw_upload_completes_when_sent_in_full(self):
        # The raw PUT used above is a valid request: sent whole, it is stored.
        body = os.urandom(3 * MiB)
        upload = RawUpload(self.server.port, "durable", "raw/whole", len(body))
        self.addCleanup(upload.close)
        upload.send(body)
        self.assertEqual(upload.finish(), "HTTP/1.1 200 OK")
        self.expected["raw/whole"] = hashlib.sha256(body).hexdigest()
        self.assertAllReadBack(self.s3)

    def test_overwriting_or_deleting_a_large_object_removes_its_blob(self):
        self.sizes = {}
        self.put("big", os.urandom(2 * MiB))
        first = self.server.blob_files()
        self.assertEqual(len(first), 1)

        self.put("big", os.urandom(3 * MiB))  # large over large
        second = self.server.blob_files()
        self.assertEqual(len(second), 1)
        self.assertNotEqual(first, second)
        self.assertFalse(os.path.exists(first[0]))
        self.assertEqual(os.path.getsize(second[0]), 3 * MiB)

        self.put("big", b"now small")  # small over large
        self.assertEqual(self.server.blob_files(), [])
        self.assertAllReadBack(self.s3)

        self.put("big", os.urandom(MiB))  # large over small
        self.assertEqual(len(self.server.blob_files()), 1)
        self.s3.delete_object(Bucket="durable", Key="big")
        del self.expected["big"]
        self.assertEqual(self.server.blob_files(), [])
        self.assertNoSuchKey(self.s3, "big")

        # And across a crash: the state on disk is what the server reports.
        self.put("big2", os.urandom(MiB))
        self.put("big3", os.urandom(MiB))
        self.s3.delete_object(Bucket="durable", Key="big2")
        del self.expected["big2"]
        self.server.kill()
        self.server.start()
        s3 = self.restart_client()
        self.assertAllReadBack(s3)
        self.assertEqual(len(self.server.blob_files()), 1)


if __name__ == "__main__":
    unittest.main()
