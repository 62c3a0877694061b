"""Consistency under concurrency: many clients writing one key while others
read it, against the real awslab-server with Debian's boto3.

Every write carries a body no other write has and metadata naming the
SHA-256 of that body, so a reader can tell which write it is looking at. The
promise checked (issue 10, docs/reliability.md): whatever the interleaving,
a GET answers one of the bodies written, whole, with the ETag and the
x-amz-meta-* of that same write; a HEAD the ETag and metadata of one write.
The same for a key deleted while it is written (a reader sees a whole write
or NoSuchKey), and for a key that CopyObject and PutObject overwrite at once
while the copy's source is itself being overwritten. Afterwards the key holds
one whole write, and the data dir holds exactly that write's blob files.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_concurrency
"""

import hashlib
import os
import shutil
import sys
import tempfile
import threading
import unittest

from botocore.exceptions import ClientError

import harness
from harness import md5_etag, multipart_etag

KiB = 1024
MiB = 1024 * KiB
INLINE_LIMIT = 64 * KiB    # bodies up to this are kept in the object's record
PART = 5 * MiB             # the smallest multipart part S3 allows
WRITERS = 16
BUCKET = "race"


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def error_code(e):
    if isinstance(e, ClientError):
        return e.response.get("Error", {}).get("Code") or str(
            e.response["ResponseMetadata"]["HTTPStatusCode"])
    return type(e).__name__


class Version:
    """One write: its body's digest and size, the ETags it may carry, its metadata."""

    def __init__(self, body, etags, metadata, blobs):
        self.sha = sha256(body)
        self.size = len(body)
        self.body = body
        self.etags = set(etags)
        self.metadata = metadata
        self.blobs = {blobs}  # how many blob files the server may keep for it


class Versions:
    """Every write, registered before it is sent, so that a reader that sees
    it can check it."""

    def __init__(self):
        self.lock = threading.Lock()
        self.by_sha = {}

    def add(self, version):
        with self.lock:
            self.by_sha[version.sha] = version
        return version

    def get(self, sha):
        with self.lock:
            return self.by_sha.get(sha)


class Failures:
    def __init__(self):
        self.lock = threading.Lock()
        self.items = []

    def add(self, text):
        with self.lock:
            if len(self.items) < 50:
                self.items.append(text)

    def __bool__(self):
        return bool(self.items)


def make_body(tag, size):
    """size bytes (at least the tag's) that no other write has: the tag, then random."""
    prefix = ("%s " % tag).encode("ascii")
    return prefix + os.urandom(max(0, size - len(prefix)))


class ConcurrencyCase(harness.ServerTestCase):
    # More I/O threads than cores: more interleavings inside the server.
    server_args = ("--threads", "4")

    def setUp(self):
        super().setUp()
        self.main = self.client()
        self.main.create_bucket(Bucket=BUCKET)
        self.versions = Versions()
        self.failures = Failures()
        self.stop_readers = threading.Event()
        self.stats = {"gets": 0, "heads": 0, "ranges": 0, "missing": 0, "seen": set()}
        self.stats_lock = threading.Lock()
        self.work = tempfile.mkdtemp(prefix="awslab-concurrency-")
        self.addCleanup(shutil.rmtree, self.work, True)
        # CopyObject onto the key: a copy keeps its source's body and metadata
        # but is one part, with the MD5 of its bytes as ETag, in one blob.
        self.copies = False

    def client(self):
        c = harness.boto3_client(self.endpoint)
        self.addCleanup(c.close)
        return c

    # -- writes ---------------------------------------------------------------

    def metadata(self, body, tag):
        return {"sha256": sha256(body), "writer": tag}

    def put(self, s3, key, tag, size):
        body = make_body(tag, size)
        meta = self.metadata(body, tag)
        version = self.register(Version(body, [md5_etag(body)], meta,
                                        0 if size <= INLINE_LIMIT else 1))
        response = s3.put_object(Bucket=BUCKET, Key=key, Body=body, Metadata=meta)
        if response["ETag"] not in version.etags:
            self.failures.add("PUT %s answered ETag %s, not %s" % (tag, response["ETag"],
                                                                  version.etags))

    def upload_multipart(self, s3, key, tag, size, path):
        """upload_file with a 5 MiB threshold and part size: a multipart upload."""
        from boto3.s3.transfer import TransferConfig
        body = make_body(tag, size)
        meta = self.metadata(body, tag)
        parts = [body[i:i + PART] for i in range(0, len(body), PART)]
        self.register(Version(body, [multipart_etag(parts)], meta, len(parts)))
        with open(path, "wb") as f:
            f.write(body)
        config = TransferConfig(multipart_threshold=PART, multipart_chunksize=PART,
                                max_concurrency=2)
        s3.upload_file(path, BUCKET, key, ExtraArgs={"Metadata": meta}, Config=config)

    def register(self, version):
        if self.copies:
            version.etags.add(md5_etag(version.body))
            version.blobs.add(0 if version.size <= INLINE_LIMIT else 1)
        return self.versions.add(version)

    def write(self, s3, key, tag, size, n):
        if size == "mp":
            # 2 full parts and a third of 100 KB and some: 3 part files.
            self.upload_multipart(s3, key, tag, 2 * PART + 100 * KiB + n,
                                  os.path.join(self.work, tag.replace(" ", "_")))
        else:
            self.put(s3, key, tag, size)

    # -- reads ----------------------------------------------------------------

    def check_version(self, what, etag, metadata, size, body=None, body_range=None):
        """The answer is one write's, whole: its body, its ETag, its metadata."""
        sha = metadata.get("sha256")
        version = self.versions.get(sha) if sha else None
        if version is None:
            self.failures.add("%s: metadata %r names no write" % (what, metadata))
            return None
        if metadata != version.metadata:
            self.failures.add("%s: metadata %r is not that write's %r" %
                              (what, metadata, version.metadata))
        if etag not in version.etags:
            self.failures.add("%s: ETag %s is not that write's (%s, %s)" %
                              (what, etag, version.etags, metadata["writer"]))
        if size is not None and size != version.size:
            self.failures.add("%s: size %d, the write's is %d" % (what, size, version.size))
        if body is not None and sha256(body) != version.sha:
            self.failures.add("%s: the body (%d bytes) is not the one of %s (%d bytes)" %
                              (what, len(body), metadata["writer"], version.size))
        if body_range is not None:
            first, data = body_range
            if data != version.body[first:first + len(data)]:
                self.failures.add("%s: bytes %d-%d are not those of %s" %
                                  (what, first, first + len(data) - 1, metadata["writer"]))
        with self.stats_lock:
            self.stats["seen"].add(version.sha)
        return version

    def reader(self, s3, key, may_be_missing=False):
        n = 0
        while not self.stop_readers.is_set():
            n += 1
            kind = n % 4  # GET, GET, HEAD, ranged GET
            try:
                if kind == 2:
                    r = s3.head_object(Bucket=BUCKET, Key=key)
                    self.check_version("HEAD", r["ETag"], r["Metadata"], r["ContentLength"])
                    stat = "heads"
                elif kind == 3:
                    r = s3.get_object(Bucket=BUCKET, Key=key, Range="bytes=10-65545")
                    data = r["Body"].read()
                    self.check_version("ranged GET", r["ETag"], r["Metadata"], None,
                                       body_range=(10, data))
                    stat = "ranges"
                else:
                    r = s3.get_object(Bucket=BUCKET, Key=key)
                    data = r["Body"].read()
                    if len(data) != r["ContentLength"]:
                        self.failures.add("GET: %d bytes of a Content-Length of %d" %
                                          (len(data), r["ContentLength"]))
                    self.check_version("GET", r["ETag"], r["Metadata"], len(data), body=data)
                    stat = "gets"
            except ClientError as e:
                code = error_code(e)
                if may_be_missing and code in ("NoSuchKey", "404"):
                    stat = "missing"
                elif code == "InvalidRange":
                    stat = "ranges"  # a body shorter than 11 bytes
                else:
                    self.failures.add("reader of %s: %s %s" % (key, code, e))
                    continue
            except Exception as e:  # a cut connection, a short body
                self.failures.add("reader of %s: %r" % (key, e))
                continue
            with self.stats_lock:
                self.stats[stat] += 1

    # -- running --------------------------------------------------------------

    def run_threads(self, writers, readers):
        """Runs writer callables to the end while reader callables loop; a
        writer's exception is a failure."""
        start = threading.Barrier(len(writers) + len(readers))

        def wrap(fn, is_writer):
            def run():
                start.wait()
                try:
                    fn()
                except Exception as e:
                    self.failures.add("%s: %s %s" % ("writer" if is_writer else "reader",
                                                     error_code(e), e))
            return threading.Thread(target=run, daemon=True)

        w_threads = [wrap(fn, True) for fn in writers]
        r_threads = [wrap(fn, False) for fn in readers]
        for t in w_threads + r_threads:
            t.start()
        for t in w_threads:
            t.join(240)
        self.stop_readers.set()
        for t in r_threads:
            t.join(60)
        self.assertFalse(any(t.is_alive() for t in w_threads + r_threads), "a thread hangs")

    def report(self, name):
        s = self.stats
        sys.stderr.write("\n  [%s] %d writes, %d GETs, %d HEADs, %d ranged GETs, %d NoSuchKey; "
                         "%d distinct writes seen by readers\n" %
                         (name, len(self.versions.by_sha), s["gets"], s["heads"], s["ranges"],
                          s["missing"], len(s["seen"])))

    def assertSettled(self, key, may_be_missing=False):
        """After the storm: the key holds one whole write (or none), the
        listing agrees, and the blob files are exactly that write's."""
        self.assertEqual(self.failures.items, [], "\n".join(self.failures.items))
        try:
            r = self.main.get_object(Bucket=BUCKET, Key=key)
        except ClientError as e:
            if not may_be_missing or error_code(e) != "NoSuchKey":
                raise
            listed = self.main.list_objects_v2(Bucket=BUCKET, Prefix=key).get("Contents", [])
            self.assertEqual([o["Key"] for o in listed if o["Key"] == key], [])
            return None
        data = r["Body"].read()
        version = self.check_version("final GET", r["ETag"], r["Metadata"], len(data), body=data)
        self.assertEqual(self.failures.items, [], "\n".join(self.failures.items))
        listed = [o for o in self.main.list_objects_v2(Bucket=BUCKET, Prefix=key)["Contents"]
                  if o["Key"] == key]
        self.assertEqual([(o["ETag"], o["Size"]) for o in listed], [(r["ETag"], len(data))])
        uploads = self.main.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])
        self.assertEqual(uploads, [], "no multipart upload is left open")
        return version


class OverwriteTest(ConcurrencyCase):
    def test_sixteen_writers_one_key_readers_see_whole_writes(self):
        sizes = [17, 1000, INLINE_LIMIT, INLINE_LIMIT + 1, 300 * KiB, 2 * MiB + 5, "mp"]
        seed = self.client()
        self.put(seed, "hot", "seed", 1000)
        clients = [self.client() for _ in range(WRITERS)]
        readers = [self.client() for _ in range(6)]

        def writer(i):
            def run():
                mine = sizes[i % len(sizes):] + sizes[:i % len(sizes)]  # a mix at all times
                for n, size in enumerate(mine):
                    self.write(clients[i], "hot", "w%02d-%d" % (i, n), size, n)
            return run

        self.run_threads([writer(i) for i in range(WRITERS)],
                         [lambda c=c: self.reader(c, "hot") for c in readers])
        self.report("overwrite")
        version = self.assertSettled("hot")
        self.assertEqual(len(self.versions.by_sha), WRITERS * len(sizes) + 1)
        self.assertGreater(len(self.stats["seen"]), 1, "the readers saw the key change")
        self.assertIn(len(self.server.blob_files()), version.blobs,
                      "only the last write's blob files are left")


class DeleteWhileWritingTest(ConcurrencyCase):
    def test_delete_and_put_race_on_one_key(self):
        sizes = [10, 5000, INLINE_LIMIT + 1, 700 * KiB, 3 * MiB]
        putters = [self.client() for _ in range(8)]
        deleters = [self.client() for _ in range(8)]
        readers = [self.client() for _ in range(4)]

        def putter(i):
            def run():
                for n in range(10):
                    self.put(putters[i], "flicker", "p%d-%d" % (i, n), sizes[(i + n) % len(sizes)])
            return run

        def deleter(i):
            def run():
                for _ in range(20):
                    r = deleters[i].delete_object(Bucket=BUCKET, Key="flicker")
                    if r["ResponseMetadata"]["HTTPStatusCode"] != 204:
                        self.failures.add("DELETE answered %r" % r["ResponseMetadata"])
            return run

        self.run_threads([putter(i) for i in range(8)] + [deleter(i) for i in range(8)],
                         [lambda c=c: self.reader(c, "flicker", may_be_missing=True)
                          for c in readers])
        self.report("delete-vs-put")
        version = self.assertSettled("flicker", may_be_missing=True)
        self.assertIn(len(self.server.blob_files()), version.blobs if version else {0})
        # The key still works normally.
        self.main.delete_object(Bucket=BUCKET, Key="flicker")
        self.assertEqual(self.server.blob_files(), [])


class CopyWhileWritingTest(ConcurrencyCase):
    def test_copy_onto_a_key_being_overwritten_from_a_source_being_overwritten(self):
        self.copies = True
        src_sizes = [1000, INLINE_LIMIT + 7, 1 * MiB, "mp", 3 * MiB]
        dst_sizes = [40, 200 * KiB, 2 * MiB]
        seed = self.client()
        self.put(seed, "src", "src-seed", 100 * KiB)
        self.put(seed, "dst", "dst-seed", 100)
        src_writers = [self.client() for _ in range(4)]
        dst_writers = [self.client() for _ in range(4)]
        copiers = [self.client() for _ in range(6)]
        readers = [self.client() for _ in range(4)]

        def src_writer(i):
            def run():
                for n in range(len(src_sizes)):
                    self.write(src_writers[i], "src", "s%d-%d" % (i, n),
                               src_sizes[(i + n) % len(src_sizes)], n)
            return run

        def dst_writer(i):
            def run():
                for n in range(6):
                    self.put(dst_writers[i], "dst", "d%d-%d" % (i, n),
                             dst_sizes[(i + n) % len(dst_sizes)])
            return run

        def copier(i):
            def run():
                for _ in range(8):
                    r = copiers[i].copy_object(Bucket=BUCKET, Key="dst",
                                               CopySource={"Bucket": BUCKET, "Key": "src"})
                    etag = r["CopyObjectResult"]["ETag"]
                    with self.versions.lock:
                        known = [v for v in self.versions.by_sha.values()
                                 if md5_etag(v.body) == etag]
                    if not known:
                        self.failures.add("CopyObject answered ETag %s of no write" % etag)
            return run

        self.run_threads([src_writer(i) for i in range(4)] + [dst_writer(i) for i in range(4)]
                         + [copier(i) for i in range(6)],
                         [lambda c=c: self.reader(c, "dst") for c in readers[:2]]
                         + [lambda c=c: self.reader(c, "src") for c in readers[2:]])
        self.report("copy-vs-put")
        dst = self.assertSettled("dst")
        src = self.assertSettled("src")
        self.assertIn(len(self.server.blob_files()), {a + b for a in dst.blobs for b in src.blobs})


# ---------------------------------------------------------------------------
# The same race at the rate a compiled client reaches: processes with raw
# HTTP/1.1 keep-alive connections (boto3 in threads shares one interpreter
# lock, and rarely lands a read between an overwrite's commit and its unlink).

STRESS_SECONDS = 8.0
STRESS_BODY = 70 * KiB  # over the inline limit: every write is a blob file


def _signed_request(conn, port, method, path, query="", body=b"", headers=None):
    """One SigV4-signed request (awssig, UNSIGNED-PAYLOAD) on a kept-alive
    http.client connection; returns (status, headers dict, body)."""
    import awssig
    h = {"Content-Length": str(len(body))}
    h.update(headers or {})
    signed = awssig.sign_request(method, path, "127.0.0.1:%d" % port, h, awssig.UNSIGNED_PAYLOAD,
                                 *harness.DEFAULT_KEY, query=query)
    conn.request(method, path + ("?" + query if query else ""), body=body,
                 headers=signed.headers)
    r = conn.getresponse()
    data = r.read()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, data


def _stress_worker(kind, port, deadline, upload_id, results):
    import http.client
    import time
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    done, bad = 0, []
    while time.time() < deadline:
        if kind == "put":
            body = os.urandom(STRESS_BODY)
            status, headers, data = _signed_request(
                conn, port, "PUT", "/%s/hot" % BUCKET, body=body,
                headers={"x-amz-meta-sha256": sha256(body)})
            ok = status == 200 and headers.get("etag") == md5_etag(body)
        elif kind == "get":
            status, headers, data = _signed_request(conn, port, "GET", "/%s/hot" % BUCKET)
            ok = (status == 200 and headers.get("x-amz-meta-sha256") == sha256(data)
                  and headers.get("etag") == md5_etag(data))
        elif kind == "copy":
            status, headers, data = _signed_request(
                conn, port, "PUT", "/%s/copy" % BUCKET,
                headers={"x-amz-copy-source": "/%s/hot" % BUCKET})
            ok = status == 200 and b"<CopyObjectResult" in data
        else:  # UploadPartCopy
            status, headers, data = _signed_request(
                conn, port, "PUT", "/%s/assembled" % BUCKET,
                query="partNumber=1&uploadId=%s" % upload_id,
                headers={"x-amz-copy-source": "/%s/hot" % BUCKET})
            ok = status == 200 and b"<CopyPartResult" in data
        done += 1
        if not ok and len(bad) < 5:
            bad.append("%s: %d %s" % (kind, status, data[:300]))
    conn.close()
    results.put((kind, done, bad))


class RaceStressTest(ConcurrencyCase):
    def test_reads_and_copies_racing_overwrites_never_fail(self):
        import multiprocessing
        import time
        self.put(self.main, "hot", "seed", STRESS_BODY)
        upload_id = self.main.create_multipart_upload(Bucket=BUCKET, Key="assembled")["UploadId"]
        ctx = multiprocessing.get_context("fork")
        results = ctx.Queue()
        deadline = time.time() + STRESS_SECONDS
        kinds = ["put", "put", "get", "get", "copy", "part-copy"]
        procs = [ctx.Process(target=_stress_worker,
                             args=(k, self.server.port, deadline, upload_id, results))
                 for k in kinds]
        for p in procs:
            p.start()
        got = [results.get(timeout=STRESS_SECONDS + 60) for _ in procs]
        for p in procs:
            p.join(30)
        counts = {}
        for kind, done, bad in got:
            counts[kind] = counts.get(kind, 0) + done
            for b in bad:
                self.failures.add(b)
        sys.stderr.write("\n  [stress] %s in %.0f s\n" % (
            ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())), STRESS_SECONDS))
        self.assertEqual(self.failures.items, [], "\n".join(self.failures.items))
        self.main.abort_multipart_upload(Bucket=BUCKET, Key="assembled", UploadId=upload_id)
        # hot and copy are one blob each; nothing else is left.
        self.assertEqual(len(self.server.blob_files()), 2)


if __name__ == "__main__":
    unittest.main()
