"""boto3 (Debian's python3-boto3) against the real awslab-server for real
workloads: managed transfers (upload_file/download_file going multipart),
paginators over thousands of keys, the multipart operations themselves,
copies, batch deletes, ranges and part numbers, response header overrides,
checksums and tagging.

The error codes of these operations are in test_boto3_errors.py.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_boto3_transfer
"""

import base64
import concurrent.futures
import datetime
import hashlib
import os
import random
import shutil
import tempfile
import unittest
import zlib

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

import harness

MiB = 1024 * 1024


# ---------------------------------------------------------------------------
# What S3 computes, computed here independently.

def b64(raw):
    return base64.b64encode(raw).decode("ascii")


def crc32_raw(data):
    return zlib.crc32(data).to_bytes(4, "big")


def crc32_b64(data):
    return b64(crc32_raw(data))


def composite_crc32(parts):
    """The checksum of a multipart object: the CRC32 of the concatenated binary
    CRC32s of the parts, base64, then "-" and the number of parts."""
    return "%s-%d" % (b64(crc32_raw(b"".join(crc32_raw(p) for p in parts))), len(parts))


def pseudo_random(size, seed):
    return random.Random(seed).randbytes(size)


def split(data, size):
    return [data[i:i + size] for i in range(0, len(data), size)]


def status(response):
    return response["ResponseMetadata"]["HTTPStatusCode"]


def headers(response):
    return response["ResponseMetadata"]["HTTPHeaders"]


class S3Case(harness.ServerTestCase):
    """A fresh server per test, an isolated boto3 client, a scratch directory."""

    def setUp(self):
        super().setUp()
        self.s3 = self.client()
        self.work = tempfile.mkdtemp(prefix="awslab-boto3-transfer-")
        self.addCleanup(shutil.rmtree, self.work, True)

    def client(self, **kw):
        client = harness.boto3_client(self.endpoint, **kw)
        self.addCleanup(client.close)
        return client

    def assertS3Error(self, code, status_code, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"].get("Code"), code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status_code, response)
        return response

    def multipart(self, bucket, key, parts, **create_args):
        """Uploads `parts` as a multipart upload and completes it; returns the completion."""
        upload_id = self.s3.create_multipart_upload(Bucket=bucket, Key=key,
                                                    **create_args)["UploadId"]
        done = []
        for number, data in enumerate(parts, 1):
            etag = self.s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id,
                                       PartNumber=number, Body=data)["ETag"]
            done.append({"PartNumber": number, "ETag": etag})
        return self.s3.complete_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id,
                                                 MultipartUpload={"Parts": done})


# ---------------------------------------------------------------------------
# Managed transfers

class ManagedTransferTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="transfers")

    def test_upload_file_and_download_file_go_multipart_with_a_transfer_config(self):
        size = 23 * MiB + 321
        data = pseudo_random(size, 1)
        source = os.path.join(self.work, "source.bin")
        with open(source, "wb") as f:
            f.write(data)
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
                                max_concurrency=4, use_threads=True)
        uploads = []
        self.s3.meta.events.register(
            "after-call.s3.UploadPart", lambda **kw: uploads.append(kw["model"].name))
        self.s3.upload_file(source, "transfers", "dir/big.bin", Config=config,
                            ExtraArgs={"ContentType": "application/x-test",
                                       "Metadata": {"origin": "upload_file"}})
        self.assertEqual(len(uploads), 5)  # 5 + 5 + 5 + 5 + 3 MiB

        head = self.s3.head_object(Bucket="transfers", Key="dir/big.bin")
        self.assertEqual(head["ContentLength"], size)
        self.assertEqual(head["ETag"], harness.multipart_etag(split(data, 5 * MiB)))
        self.assertTrue(head["ETag"].endswith('-5"'), head["ETag"])
        self.assertEqual(head["ContentType"], "application/x-test")
        self.assertEqual(head["Metadata"], {"origin": "upload_file"})
        # The upload is complete: no upload is left in progress.
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="transfers"))
        listed = self.s3.list_objects_v2(Bucket="transfers")["Contents"]
        self.assertEqual([(o["Key"], o["Size"], o["ETag"]) for o in listed],
                         [("dir/big.bin", size, head["ETag"])])

        # download_file: a HEAD, then ranged GETs of 5 MiB in parallel.
        ranges = []
        self.s3.meta.events.register(
            "before-call.s3.GetObject", lambda params, **kw: ranges.append(
                params.get("headers", {}).get("Range")))
        target = os.path.join(self.work, "down", "big.bin")
        os.makedirs(os.path.dirname(target))
        self.s3.download_file("transfers", "dir/big.bin", target, Config=config)
        self.assertEqual(len(ranges), 5, ranges)
        self.assertTrue(all(r and r.startswith("bytes=") for r in ranges), ranges)
        with open(target, "rb") as f:
            self.assertEqual(hashlib.sha256(f.read()).hexdigest(),
                             hashlib.sha256(data).hexdigest())

    def test_managed_copy_goes_multipart_with_upload_part_copy(self):
        size = 23 * MiB + 99
        data = pseudo_random(size, 3)
        self.s3.put_object(Bucket="transfers", Key="source.bin", Body=data,
                           Metadata={"kind": "source"}, ContentType="application/x-src")
        self.s3.create_bucket(Bucket="transfers-copy")
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB,
                                max_concurrency=4)
        ranges = []
        self.s3.meta.events.register(
            "before-call.s3.UploadPartCopy", lambda params, **kw: ranges.append(
                params.get("headers", {}).get("x-amz-copy-source-range")))
        self.s3.copy({"Bucket": "transfers", "Key": "source.bin"}, "transfers-copy",
                     "copied.bin", Config=config)
        first_last = sorted(tuple(map(int, r[len("bytes="):].split("-"))) for r in ranges)
        self.assertEqual(first_last, [(i, min(i + 5 * MiB, size) - 1)
                                      for i in range(0, size, 5 * MiB)])
        head = self.s3.head_object(Bucket="transfers-copy", Key="copied.bin")
        self.assertEqual(head["ContentLength"], size)
        self.assertEqual(head["ETag"], harness.multipart_etag(split(data, 5 * MiB)))
        body = self.s3.get_object(Bucket="transfers-copy", Key="copied.bin")["Body"].read()
        self.assertEqual(hashlib.sha256(body).hexdigest(), hashlib.sha256(data).hexdigest())

    def test_upload_fileobj_under_the_threshold_is_one_put(self):
        data = pseudo_random(3 * MiB + 5, 2)
        config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB)
        path = os.path.join(self.work, "small.bin")
        with open(path, "wb") as f:
            f.write(data)
        with open(path, "rb") as f:
            self.s3.upload_fileobj(f, "transfers", "small.bin", Config=config)
        head = self.s3.head_object(Bucket="transfers", Key="small.bin")
        self.assertEqual(head["ETag"], harness.md5_etag(data))
        out = os.path.join(self.work, "small.out")
        with open(out, "wb") as f:
            self.s3.download_fileobj("transfers", "small.bin", f, Config=config)
        with open(out, "rb") as f:
            self.assertEqual(f.read(), data)


# ---------------------------------------------------------------------------
# Paginators over 2,500 keys: one server for the class, filled once, read only.

TOP_KEYS = ["top-%04d" % i for i in range(500)]
DIRS = ["dir-%03d/" % i for i in range(250)]
DIR_KEYS = [d + "obj-%d" % j for d in DIRS for j in range(8)]
ALL_KEYS = sorted(TOP_KEYS + DIR_KEYS)
assert len(ALL_KEYS) == 2500


class PaginatorTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = harness.Server()
        cls.server.start()
        try:
            cls.s3 = harness.boto3_client(cls.server.endpoint)
            cls.s3.create_bucket(Bucket="many")
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                list(pool.map(lambda k: cls.s3.put_object(Bucket="many", Key=k,
                                                          Body=k.encode()), ALL_KEYS))
        except BaseException:
            cls.server.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.s3.close()
        cls.server.close()

    def pages(self, operation, **kwargs):
        return list(self.s3.get_paginator(operation).paginate(Bucket="many", **kwargs))

    def test_list_objects_v2_paginator_default_pages_of_1000(self):
        pages = self.pages("list_objects_v2")
        self.assertEqual([p["KeyCount"] for p in pages], [1000, 1000, 500])
        self.assertEqual([p["IsTruncated"] for p in pages], [True, True, False])
        self.assertTrue(all("NextContinuationToken" in p for p in pages[:2]))
        self.assertNotIn("NextContinuationToken", pages[2])
        self.assertEqual(pages[1].get("ContinuationToken"), pages[0]["NextContinuationToken"])
        keys = [o["Key"] for p in pages for o in p["Contents"]]
        self.assertEqual(keys, ALL_KEYS)
        sizes = {o["Key"]: o["Size"] for p in pages for o in p["Contents"]}
        self.assertEqual(sizes["dir-123/obj-4"], len("dir-123/obj-4"))
        self.assertEqual(pages[0]["Contents"][0]["ETag"], harness.md5_etag(ALL_KEYS[0].encode()))

    def test_list_objects_v2_paginator_pages_of_100(self):
        pages = self.pages("list_objects_v2", PaginationConfig={"PageSize": 100})
        self.assertEqual(len(pages), 25)
        self.assertTrue(all(p["KeyCount"] == 100 and p["MaxKeys"] == 100 for p in pages))
        keys = [o["Key"] for p in pages for o in p["Contents"]]
        self.assertEqual(keys, ALL_KEYS)

    def test_list_objects_v2_paginator_with_a_delimiter_pages_common_prefixes(self):
        pages = self.pages("list_objects_v2", Delimiter="/", PaginationConfig={"PageSize": 100})
        keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
        prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
        self.assertEqual(keys, TOP_KEYS)
        self.assertEqual(prefixes, DIRS)
        # 750 entries, prefixes and keys each count toward MaxKeys.
        self.assertEqual(len(pages), 8)
        for page in pages:
            entries = len(page.get("Contents", [])) + len(page.get("CommonPrefixes", []))
            self.assertEqual(page["KeyCount"], entries)
            self.assertLessEqual(entries, 100)
            self.assertEqual(page["Delimiter"], "/")
        self.assertEqual(sum(p["KeyCount"] for p in pages), 750)

    def test_list_objects_v2_paginator_with_prefix_and_start_after(self):
        pages = self.pages("list_objects_v2", Prefix="dir-123/", Delimiter="/")
        self.assertEqual(len(pages), 1)
        self.assertEqual([o["Key"] for o in pages[0]["Contents"]],
                         ["dir-123/obj-%d" % j for j in range(8)])
        self.assertNotIn("CommonPrefixes", pages[0])
        self.assertEqual(pages[0]["Prefix"], "dir-123/")

        pages = self.pages("list_objects_v2", StartAfter="dir-249/obj-7",
                           PaginationConfig={"PageSize": 200})
        self.assertEqual([o["Key"] for p in pages for o in p["Contents"]], TOP_KEYS)
        self.assertEqual(len(pages), 3)

    def test_list_objects_v1_paginator_without_a_delimiter(self):
        pages = self.pages("list_objects")
        self.assertEqual([len(p["Contents"]) for p in pages], [1000, 1000, 500])
        self.assertEqual([p["IsTruncated"] for p in pages], [True, True, False])
        self.assertEqual(pages[1]["Marker"], ALL_KEYS[999])

        # Without a delimiter S3 sends no NextMarker: the client goes on from the last key.
        self.assertFalse(any("NextMarker" in p for p in pages))

        pages = self.pages("list_objects", PaginationConfig={"PageSize": 100})
        self.assertEqual(len(pages), 25)
        keys = [o["Key"] for p in pages for o in p["Contents"]]
        self.assertEqual(keys, ALL_KEYS)

    def test_list_objects_v1_paginator_with_a_delimiter_returns_next_marker(self):
        pages = self.pages("list_objects", Delimiter="/", PaginationConfig={"PageSize": 100})
        keys = [o["Key"] for p in pages for o in p.get("Contents", [])]
        prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
        self.assertEqual(keys, TOP_KEYS)
        self.assertEqual(prefixes, DIRS)
        self.assertEqual(len(pages), 8)
        for page in pages[:-1]:
            self.assertTrue(page["IsTruncated"])
            # With a delimiter, S3 names the last key or prefix of the page.
            last = max([o["Key"] for o in page.get("Contents", [])] +
                       [c["Prefix"] for c in page.get("CommonPrefixes", [])])
            self.assertEqual(page.get("NextMarker"), last, page.get("NextMarker"))
        self.assertFalse(pages[-1]["IsTruncated"])

    def test_list_objects_v1_paginator_with_a_prefix_and_delimiter(self):
        pages = self.pages("list_objects", Prefix="dir-0", Delimiter="/",
                           PaginationConfig={"PageSize": 30})
        prefixes = [c["Prefix"] for p in pages for c in p.get("CommonPrefixes", [])]
        self.assertEqual(prefixes, [d for d in DIRS if d.startswith("dir-0")])
        self.assertEqual(len(prefixes), 100)
        self.assertEqual(len(pages), 4)
        self.assertFalse(any("Contents" in p for p in pages))


# ---------------------------------------------------------------------------
# Multipart uploads

class MultipartTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="mpu")

    def test_multipart_upload_lifecycle(self):
        parts = [pseudo_random(5 * MiB, 10), pseudo_random(5 * MiB, 11),
                 pseudo_random(MiB + 7, 12)]
        created = self.s3.create_multipart_upload(
            Bucket="mpu", Key="docs/report.bin", ContentType="application/x-report",
            Metadata={"owner": "mpu-test"}, CacheControl="max-age=60")
        self.assertEqual(status(created), 200)
        self.assertEqual(created["Bucket"], "mpu")
        self.assertEqual(created["Key"], "docs/report.bin")
        upload_id = created["UploadId"]
        self.assertTrue(upload_id)

        listed = self.s3.list_multipart_uploads(Bucket="mpu")
        self.assertEqual([(u["Key"], u["UploadId"]) for u in listed["Uploads"]],
                         [("docs/report.bin", upload_id)])
        self.assertIsInstance(listed["Uploads"][0]["Initiated"], datetime.datetime)
        self.assertEqual(listed["Uploads"][0]["StorageClass"], "STANDARD")

        etags = []
        for number, data in enumerate(parts, 1):
            part = self.s3.upload_part(Bucket="mpu", Key="docs/report.bin", UploadId=upload_id,
                                       PartNumber=number, Body=data)
            self.assertEqual(part["ETag"], harness.md5_etag(data))
            etags.append(part["ETag"])

        # Not an object before completion.
        self.assertEqual(self.s3.list_objects_v2(Bucket="mpu")["KeyCount"], 0)
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="mpu", Key="docs/report.bin")

        listed_parts = self.s3.list_parts(Bucket="mpu", Key="docs/report.bin",
                                          UploadId=upload_id)
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in listed_parts["Parts"]],
                         [(n, etags[n - 1], len(parts[n - 1])) for n in (1, 2, 3)])
        self.assertTrue(all(isinstance(p["LastModified"], datetime.datetime)
                            for p in listed_parts["Parts"]))
        self.assertFalse(listed_parts["IsTruncated"])
        self.assertEqual(listed_parts["UploadId"], upload_id)
        self.assertEqual(listed_parts["Bucket"], "mpu")
        self.assertEqual(listed_parts["Key"], "docs/report.bin")
        self.assertEqual(listed_parts["StorageClass"], "STANDARD")

        done = self.s3.complete_multipart_upload(
            Bucket="mpu", Key="docs/report.bin", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n - 1]}
                                       for n in (1, 2, 3)]})
        expected = harness.multipart_etag(parts)
        self.assertTrue(expected.endswith('-3"'))
        self.assertEqual(done["ETag"], expected)
        self.assertEqual(done["Bucket"], "mpu")
        self.assertEqual(done["Key"], "docs/report.bin")

        head = self.s3.head_object(Bucket="mpu", Key="docs/report.bin")
        self.assertEqual(head["ETag"], expected)
        self.assertEqual(head["ContentLength"], sum(map(len, parts)))
        self.assertEqual(head["ContentType"], "application/x-report")
        self.assertEqual(head["Metadata"], {"owner": "mpu-test"})
        self.assertEqual(head["CacheControl"], "max-age=60")
        got = self.s3.get_object(Bucket="mpu", Key="docs/report.bin")
        self.assertEqual(hashlib.sha256(got["Body"].read()).hexdigest(),
                         hashlib.sha256(b"".join(parts)).hexdigest())
        listed = self.s3.list_objects_v2(Bucket="mpu")["Contents"]
        self.assertEqual([(o["Key"], o["ETag"], o["Size"]) for o in listed],
                         [("docs/report.bin", expected, sum(map(len, parts)))])
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="mpu"))

    def test_list_parts_pages_with_max_parts_and_part_number_marker(self):
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="k")["UploadId"]
        bodies = {n: ("part %d " % n).encode() * 10 for n in range(1, 8)}
        for n, body in bodies.items():
            self.s3.upload_part(Bucket="mpu", Key="k", UploadId=upload_id, PartNumber=n,
                                Body=body)
        first = self.s3.list_parts(Bucket="mpu", Key="k", UploadId=upload_id, MaxParts=3)
        self.assertEqual([p["PartNumber"] for p in first["Parts"]], [1, 2, 3])
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(first["NextPartNumberMarker"], 3)
        self.assertEqual(first["MaxParts"], 3)
        second = self.s3.list_parts(Bucket="mpu", Key="k", UploadId=upload_id, MaxParts=3,
                                    PartNumberMarker=3)
        self.assertEqual([p["PartNumber"] for p in second["Parts"]], [4, 5, 6])
        self.assertEqual(second["PartNumberMarker"], 3)
        self.assertTrue(second["IsTruncated"])
        self.assertEqual(second["NextPartNumberMarker"], 6)

        pages = list(self.s3.get_paginator("list_parts").paginate(
            Bucket="mpu", Key="k", UploadId=upload_id, PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 4)
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for pg in pages
                          for p in pg["Parts"]],
                         [(n, harness.md5_etag(b), len(b)) for n, b in bodies.items()])
        self.assertFalse(pages[-1]["IsTruncated"])

    def test_list_parts_of_more_than_1000_parts_is_truncated_at_1000(self):
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="many")["UploadId"]
        numbers = list(range(1, 1006))
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda n: self.s3.upload_part(
                Bucket="mpu", Key="many", UploadId=upload_id, PartNumber=n,
                Body=str(n).encode()), numbers))
        first = self.s3.list_parts(Bucket="mpu", Key="many", UploadId=upload_id)
        self.assertEqual(len(first["Parts"]), 1000)
        self.assertEqual(first["MaxParts"], 1000)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(first["NextPartNumberMarker"], 1000)
        pages = list(self.s3.get_paginator("list_parts").paginate(
            Bucket="mpu", Key="many", UploadId=upload_id))
        self.assertEqual([len(p["Parts"]) for p in pages], [1000, 5])
        self.assertEqual([p["PartNumber"] for pg in pages for p in pg["Parts"]], numbers)
        self.assertEqual(pages[1]["Parts"][-1]["ETag"], harness.md5_etag(b"1005"))
        self.s3.abort_multipart_upload(Bucket="mpu", Key="many", UploadId=upload_id)

    def test_uploading_a_part_again_replaces_it(self):
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="re")["UploadId"]
        self.s3.upload_part(Bucket="mpu", Key="re", UploadId=upload_id, PartNumber=1,
                            Body=b"first attempt")
        etag = self.s3.upload_part(Bucket="mpu", Key="re", UploadId=upload_id, PartNumber=1,
                                   Body=b"second attempt")["ETag"]
        parts = self.s3.list_parts(Bucket="mpu", Key="re", UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["ETag"], p["Size"]) for p in parts],
                         [(1, harness.md5_etag(b"second attempt"), 14)])
        done = self.s3.complete_multipart_upload(
            Bucket="mpu", Key="re", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]})
        self.assertEqual(done["ETag"], harness.multipart_etag([b"second attempt"]))
        self.assertEqual(self.s3.get_object(Bucket="mpu", Key="re")["Body"].read(),
                         b"second attempt")

    def test_completing_a_subset_of_the_uploaded_parts(self):
        # Parts 1, 2 and 4 of 1..4: the object is those three, in order.
        parts = {n: pseudo_random(5 * MiB if n < 4 else 1000, 20 + n) for n in (1, 2, 3, 4)}
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="subset")["UploadId"]
        etags = {}
        for n, data in parts.items():
            etags[n] = self.s3.upload_part(Bucket="mpu", Key="subset", UploadId=upload_id,
                                           PartNumber=n, Body=data)["ETag"]
        done = self.s3.complete_multipart_upload(
            Bucket="mpu", Key="subset", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": etags[n]} for n in (1, 2, 4)]})
        chosen = [parts[1], parts[2], parts[4]]
        self.assertEqual(done["ETag"], harness.multipart_etag(chosen))
        got = self.s3.get_object(Bucket="mpu", Key="subset")["Body"].read()
        self.assertEqual(got, b"".join(chosen))

    def test_upload_part_copy_with_copy_source_range(self):
        source = pseudo_random(12 * MiB + 100, 30)
        other = pseudo_random(2 * MiB, 31)
        self.s3.put_object(Bucket="mpu", Key="source.bin", Body=source)
        self.s3.create_bucket(Bucket="mpu-other")
        self.s3.put_object(Bucket="mpu-other", Key="tail.bin", Body=other)
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="assembled")["UploadId"]

        ranges = [(0, 5 * MiB - 1), (5 * MiB, 12 * MiB - 1)]
        etags = []
        for number, (first, last) in enumerate(ranges, 1):
            copied = self.s3.upload_part_copy(
                Bucket="mpu", Key="assembled", UploadId=upload_id, PartNumber=number,
                CopySource={"Bucket": "mpu", "Key": "source.bin"},
                CopySourceRange="bytes=%d-%d" % (first, last))
            self.assertEqual(copied["CopyPartResult"]["ETag"], harness.md5_etag(source[first:last + 1]))
            self.assertIsInstance(copied["CopyPartResult"]["LastModified"], datetime.datetime)
            etags.append(copied["CopyPartResult"]["ETag"])
        # A whole object of another bucket as the last part, no range.
        copied = self.s3.upload_part_copy(
            Bucket="mpu", Key="assembled", UploadId=upload_id, PartNumber=3,
            CopySource={"Bucket": "mpu-other", "Key": "tail.bin"})
        self.assertEqual(copied["CopyPartResult"]["ETag"], harness.md5_etag(other))
        etags.append(copied["CopyPartResult"]["ETag"])

        parts = self.s3.list_parts(Bucket="mpu", Key="assembled", UploadId=upload_id)["Parts"]
        self.assertEqual([(p["PartNumber"], p["Size"]) for p in parts],
                         [(1, 5 * MiB), (2, 7 * MiB), (3, 2 * MiB)])
        done = self.s3.complete_multipart_upload(
            Bucket="mpu", Key="assembled", UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e}
                                       for n, e in enumerate(etags, 1)]})
        pieces = [source[:5 * MiB], source[5 * MiB:12 * MiB], other]
        self.assertEqual(done["ETag"], harness.multipart_etag(pieces))
        body = self.s3.get_object(Bucket="mpu", Key="assembled")["Body"].read()
        self.assertEqual(len(body), 14 * MiB)
        self.assertEqual(hashlib.sha256(body).hexdigest(),
                         hashlib.sha256(b"".join(pieces)).hexdigest())

    def test_abort_discards_the_upload_and_its_parts(self):
        upload_id = self.s3.create_multipart_upload(Bucket="mpu", Key="aborted")["UploadId"]
        self.s3.upload_part(Bucket="mpu", Key="aborted", UploadId=upload_id, PartNumber=1,
                            Body=b"x" * 1000)
        aborted = self.s3.abort_multipart_upload(Bucket="mpu", Key="aborted", UploadId=upload_id)
        self.assertEqual(status(aborted), 204)
        self.assertNotIn("Uploads", self.s3.list_multipart_uploads(Bucket="mpu"))
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="mpu", Key="aborted",
                           UploadId=upload_id)
        self.assertEqual(self.s3.list_objects_v2(Bucket="mpu")["KeyCount"], 0)
        # With nothing left, the bucket can go.
        self.s3.delete_bucket(Bucket="mpu")

    def test_list_multipart_uploads_lists_every_upload_in_order(self):
        ids = {}
        for key in ("b/two", "a/one", "b/two", "c"):
            ids.setdefault(key, []).append(
                self.s3.create_multipart_upload(Bucket="mpu", Key=key)["UploadId"])
        listed = self.s3.list_multipart_uploads(Bucket="mpu")
        uploads = [(u["Key"], u["UploadId"]) for u in listed["Uploads"]]
        self.assertEqual([k for k, _ in uploads], ["a/one", "b/two", "b/two", "c"])
        self.assertEqual(sorted(u for k, u in uploads if k == "b/two"), sorted(ids["b/two"]))
        self.assertEqual(len({u for _, u in uploads}), 4)
        self.assertFalse(listed["IsTruncated"])
        self.assertEqual(listed["Bucket"], "mpu")

        prefixed = self.s3.list_multipart_uploads(Bucket="mpu", Prefix="b/")
        self.assertEqual([u["Key"] for u in prefixed["Uploads"]], ["b/two", "b/two"])
        grouped = self.s3.list_multipart_uploads(Bucket="mpu", Delimiter="/")
        self.assertEqual([u["Key"] for u in grouped.get("Uploads", [])], ["c"])
        self.assertEqual([p["Prefix"] for p in grouped.get("CommonPrefixes", [])], ["a/", "b/"])
        limited = self.s3.list_multipart_uploads(Bucket="mpu", MaxUploads=2)
        self.assertEqual(len(limited["Uploads"]), 2)
        self.assertTrue(limited["IsTruncated"])
        self.assertTrue(limited.get("NextKeyMarker"))
        self.assertTrue(limited.get("NextUploadIdMarker"))
        rest = self.s3.list_multipart_uploads(Bucket="mpu", KeyMarker=limited["NextKeyMarker"],
                                              UploadIdMarker=limited["NextUploadIdMarker"])
        self.assertEqual([(u["Key"], u["UploadId"]) for u in limited["Uploads"] + rest["Uploads"]],
                         uploads)

    def test_get_object_part_number_answers_206_with_the_parts_count(self):
        parts = [pseudo_random(5 * MiB, 40), pseudo_random(5 * MiB, 41), pseudo_random(999, 42)]
        total = sum(map(len, parts))
        etag = self.multipart("mpu", "parts.bin", parts)["ETag"]
        offset = 0
        for number, data in enumerate(parts, 1):
            with self.subTest(part=number):
                got = self.s3.get_object(Bucket="mpu", Key="parts.bin", PartNumber=number)
                self.assertEqual(status(got), 206)
                self.assertEqual(got["PartsCount"], 3)
                self.assertEqual(headers(got).get("x-amz-mp-parts-count"), "3")
                self.assertEqual(got["ContentLength"], len(data))
                self.assertEqual(got["ContentRange"],
                                 "bytes %d-%d/%d" % (offset, offset + len(data) - 1, total))
                self.assertEqual(got["ETag"], etag)
                self.assertEqual(got["Body"].read(), data)
                offset += len(data)
        head = self.s3.head_object(Bucket="mpu", Key="parts.bin", PartNumber=2)
        self.assertEqual(status(head), 206)
        self.assertEqual(head["PartsCount"], 3)
        self.assertEqual(head["ContentLength"], 5 * MiB)
        # A range across the boundary of parts 1 and 2.
        got = self.s3.get_object(Bucket="mpu", Key="parts.bin",
                                 Range="bytes=%d-%d" % (5 * MiB - 10, 5 * MiB + 9))
        self.assertEqual(status(got), 206)
        self.assertEqual(got["Body"].read(), parts[0][-10:] + parts[1][:10])
        self.assertEqual(got["ContentRange"],
                         "bytes %d-%d/%d" % (5 * MiB - 10, 5 * MiB + 9, total))

    def test_part_number_1_of_a_simple_object_is_the_whole_object(self):
        # AWS answers it as a range over the whole object: 206 with Content-Range.
        self.s3.put_object(Bucket="mpu", Key="simple", Body=b"0123456789")
        got = self.s3.get_object(Bucket="mpu", Key="simple", PartNumber=1)
        self.assertEqual(got["Body"].read(), b"0123456789")
        self.assertEqual(status(got), 206)
        self.assertEqual(got["ContentRange"], "bytes 0-9/10")
        self.assertEqual(got["ContentLength"], 10)


# ---------------------------------------------------------------------------
# CopyObject

class CopyObjectTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="src")
        self.s3.create_bucket(Bucket="dst")
        self.body = pseudo_random(100 * 1024, 50)
        self.s3.put_object(Bucket="src", Key="orig.bin", Body=self.body, ContentType="image/png",
                           Metadata={"color": "blue", "size": "big"},
                           ContentDisposition="inline", CacheControl="no-store")

    def test_copy_in_the_same_bucket_keeps_the_metadata_by_default(self):
        copied = self.s3.copy_object(Bucket="src", Key="copy.bin",
                                     CopySource={"Bucket": "src", "Key": "orig.bin"})
        self.assertEqual(copied["CopyObjectResult"]["ETag"], harness.md5_etag(self.body))
        self.assertIsInstance(copied["CopyObjectResult"]["LastModified"], datetime.datetime)
        head = self.s3.head_object(Bucket="src", Key="copy.bin")
        self.assertEqual(head["ContentType"], "image/png")
        self.assertEqual(head["Metadata"], {"color": "blue", "size": "big"})
        self.assertEqual(head["ContentDisposition"], "inline")
        self.assertEqual(head["CacheControl"], "no-store")
        self.assertEqual(head["ETag"], harness.md5_etag(self.body))
        self.assertEqual(self.s3.get_object(Bucket="src", Key="copy.bin")["Body"].read(),
                         self.body)
        # The source is untouched.
        self.assertEqual(self.s3.get_object(Bucket="src", Key="orig.bin")["Body"].read(),
                         self.body)

    def test_copy_across_buckets_with_metadata_directive_copy(self):
        self.s3.copy_object(Bucket="dst", Key="deep/copy.bin", MetadataDirective="COPY",
                            CopySource={"Bucket": "src", "Key": "orig.bin"},
                            Metadata={"ignored": "yes"})
        head = self.s3.head_object(Bucket="dst", Key="deep/copy.bin")
        self.assertEqual(head["Metadata"], {"color": "blue", "size": "big"})
        self.assertEqual(head["ContentType"], "image/png")
        self.assertEqual(self.s3.get_object(Bucket="dst", Key="deep/copy.bin")["Body"].read(),
                         self.body)

    def test_copy_across_buckets_with_metadata_directive_replace(self):
        copied = self.s3.copy_object(Bucket="dst", Key="replaced.bin",
                                     MetadataDirective="REPLACE",
                                     CopySource={"Bucket": "src", "Key": "orig.bin"},
                                     Metadata={"shape": "round"}, ContentType="application/json")
        self.assertEqual(copied["CopyObjectResult"]["ETag"], harness.md5_etag(self.body))
        head = self.s3.head_object(Bucket="dst", Key="replaced.bin")
        self.assertEqual(head["Metadata"], {"shape": "round"})
        self.assertEqual(head["ContentType"], "application/json")
        self.assertNotIn("ContentDisposition", head)
        self.assertNotIn("CacheControl", head)
        self.assertEqual(self.s3.get_object(Bucket="dst", Key="replaced.bin")["Body"].read(),
                         self.body)

    def test_copy_onto_itself_with_replace_changes_the_metadata(self):
        self.s3.copy_object(Bucket="src", Key="orig.bin", MetadataDirective="REPLACE",
                            CopySource={"Bucket": "src", "Key": "orig.bin"},
                            Metadata={"version": "2"}, ContentType="text/plain")
        head = self.s3.head_object(Bucket="src", Key="orig.bin")
        self.assertEqual(head["Metadata"], {"version": "2"})
        self.assertEqual(head["ContentType"], "text/plain")
        self.assertEqual(head["ETag"], harness.md5_etag(self.body))
        self.assertEqual(self.s3.get_object(Bucket="src", Key="orig.bin")["Body"].read(),
                         self.body)

    def test_copy_onto_itself_without_replace_is_InvalidRequest(self):
        response = self.assertS3Error("InvalidRequest", 400, self.s3.copy_object, Bucket="src",
                                      Key="orig.bin",
                                      CopySource={"Bucket": "src", "Key": "orig.bin"})
        self.assertIn("copy an object to itself", response["Error"].get("Message", ""))
        head = self.s3.head_object(Bucket="src", Key="orig.bin")
        self.assertEqual(head["Metadata"], {"color": "blue", "size": "big"})

    def test_copy_of_keys_that_need_url_encoding(self):
        for key in ("with space/and+plus.txt", "caf\u00e9/\u65e5\u672c.txt", "q?a=b&c#d"):
            with self.subTest(key=key):
                self.s3.put_object(Bucket="src", Key=key, Body=key.encode())
                self.s3.copy_object(Bucket="dst", Key=key,
                                    CopySource={"Bucket": "src", "Key": key})
                self.assertEqual(self.s3.get_object(Bucket="dst", Key=key)["Body"].read(),
                                 key.encode())

    def test_copy_of_a_multipart_object_keeps_the_bytes(self):
        parts = [pseudo_random(5 * MiB, 51), pseudo_random(1234, 52)]
        self.multipart("src", "mp.bin", parts)
        self.s3.copy_object(Bucket="dst", Key="mp-copy.bin",
                            CopySource={"Bucket": "src", "Key": "mp.bin"})
        head = self.s3.head_object(Bucket="dst", Key="mp-copy.bin")
        self.assertEqual(head["ContentLength"], 5 * MiB + 1234)
        body = self.s3.get_object(Bucket="dst", Key="mp-copy.bin")["Body"].read()
        self.assertEqual(body, b"".join(parts))


# ---------------------------------------------------------------------------
# DeleteObjects

class DeleteObjectsTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="batch")
        for key in ("a", "b/c", "b/d", "e", "keep"):
            self.s3.put_object(Bucket="batch", Key=key, Body=key.encode())

    def remaining(self):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket="batch").get("Contents", [])]

    def test_verbose_delete_reports_every_key_deleted_even_missing_ones(self):
        response = self.s3.delete_objects(Bucket="batch", Delete={"Objects": [
            {"Key": "a"}, {"Key": "b/c"}, {"Key": "b/d"}, {"Key": "never-was"},
            {"Key": "e"}, {"Key": "no/such/key"}]})
        self.assertEqual(status(response), 200)
        self.assertEqual(sorted(d["Key"] for d in response["Deleted"]),
                         sorted(["a", "b/c", "b/d", "never-was", "e", "no/such/key"]))
        self.assertNotIn("Errors", response)
        self.assertEqual(self.remaining(), ["keep"])

    def test_quiet_delete_reports_nothing_but_deletes(self):
        response = self.s3.delete_objects(Bucket="batch", Delete={
            "Objects": [{"Key": "a"}, {"Key": "e"}, {"Key": "missing"}], "Quiet": True})
        self.assertEqual(status(response), 200)
        self.assertEqual(response.get("Deleted", []), [])
        self.assertNotIn("Errors", response)
        self.assertEqual(self.remaining(), ["b/c", "b/d", "keep"])

    def test_a_thousand_keys_in_one_request(self):
        keys = ["gen/%04d" % i for i in range(1000)]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda k: self.s3.put_object(Bucket="batch", Key=k, Body=b"."),
                          keys[:200]))
        response = self.s3.delete_objects(Bucket="batch", Delete={
            "Objects": [{"Key": k} for k in keys]})
        self.assertEqual(len(response["Deleted"]), 1000)
        self.assertEqual(sorted(d["Key"] for d in response["Deleted"]), keys)
        self.assertEqual(self.remaining(), ["a", "b/c", "b/d", "e", "keep"])

    def test_keys_that_need_escaping_in_xml(self):
        keys = ["a&b", "<tag>", "quote\"s", "caf\u00e9 space"]
        for key in keys:
            self.s3.put_object(Bucket="batch", Key=key, Body=b"x")
        response = self.s3.delete_objects(Bucket="batch", Delete={
            "Objects": [{"Key": k} for k in keys]})
        self.assertEqual(sorted(d["Key"] for d in response["Deleted"]), sorted(keys))
        self.assertEqual(self.remaining(), ["a", "b/c", "b/d", "e", "keep"])


# ---------------------------------------------------------------------------
# GetObject: ranges and response header overrides

class GetObjectOptionsTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="get")
        self.body = bytes(range(256)) * 40  # 10240 bytes
        self.s3.put_object(Bucket="get", Key="file.bin", Body=self.body,
                           ContentType="application/octet-stream")

    def test_range_answers_206_with_content_range(self):
        for header, first, last in (("bytes=0-0", 0, 0), ("bytes=100-1123", 100, 1123),
                                    ("bytes=10000-", 10000, 10239), ("bytes=-40", 10200, 10239)):
            with self.subTest(range=header):
                got = self.s3.get_object(Bucket="get", Key="file.bin", Range=header)
                self.assertEqual(status(got), 206)
                self.assertEqual(got["ContentRange"], "bytes %d-%d/10240" % (first, last))
                self.assertEqual(got["ContentLength"], last - first + 1)
                self.assertEqual(got["Body"].read(), self.body[first:last + 1])
                self.assertEqual(got["ETag"], harness.md5_etag(self.body))

    def test_response_header_overrides(self):
        expires = datetime.datetime(2037, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
        got = self.s3.get_object(
            Bucket="get", Key="file.bin",
            ResponseContentType="text/csv; charset=utf-8",
            ResponseContentDisposition='attachment; filename="report.csv"',
            ResponseCacheControl="no-cache, max-age=0",
            ResponseContentLanguage="fr-CA",
            ResponseExpires=expires,
            ResponseContentEncoding="identity")
        self.assertEqual(status(got), 200)
        self.assertEqual(got["ContentType"], "text/csv; charset=utf-8")
        self.assertEqual(got["ContentDisposition"], 'attachment; filename="report.csv"')
        self.assertEqual(got["CacheControl"], "no-cache, max-age=0")
        self.assertEqual(got["ContentLanguage"], "fr-CA")
        self.assertEqual(got["ContentEncoding"], "identity")
        self.assertEqual(got.get("Expires"), expires, headers(got).get("expires"))
        self.assertEqual(got["Body"].read(), self.body)
        # The overrides change this response only, not the object.
        head = self.s3.head_object(Bucket="get", Key="file.bin")
        self.assertEqual(head["ContentType"], "application/octet-stream")
        for name in ("ContentDisposition", "CacheControl", "ContentLanguage", "ContentEncoding",
                     "Expires"):
            self.assertNotIn(name, head)

    def test_response_overrides_need_no_other_parameter(self):
        got = self.s3.get_object(Bucket="get", Key="file.bin", ResponseContentType="text/plain",
                                 Range="bytes=0-9")
        self.assertEqual(status(got), 206)
        self.assertEqual(got["ContentType"], "text/plain")
        self.assertEqual(got["Body"].read(), self.body[:10])


# ---------------------------------------------------------------------------
# Checksums

class ChecksumTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="sums")

    def test_put_object_with_sha256_and_crc32_checksum_algorithms(self):
        body = pseudo_random(300 * 1024, 60)
        sha = b64(hashlib.sha256(body).digest())
        crc = crc32_b64(body)
        sent = []
        self.s3.meta.events.register(
            "before-send.s3.PutObject", lambda request, **kw: sent.append(
                {k.lower(): v.decode() if isinstance(v, bytes) else v
                 for k, v in request.headers.items()}))
        put = self.s3.put_object(Bucket="sums", Key="sha.bin", Body=body,
                                 ChecksumAlgorithm="SHA256")
        self.assertEqual(put.get("ChecksumSHA256"), sha)
        self.assertEqual(sent[-1].get("x-amz-checksum-sha256"), sha)
        put = self.s3.put_object(Bucket="sums", Key="crc.bin", Body=body,
                                 ChecksumAlgorithm="CRC32")
        self.assertEqual(put.get("ChecksumCRC32"), crc)
        self.assertEqual(sent[-1].get("x-amz-checksum-crc32"), crc)

        got = self.s3.get_object(Bucket="sums", Key="sha.bin", ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumSHA256"), sha)
        self.assertEqual(got["Body"].read(), body)  # botocore also validates it
        head = self.s3.head_object(Bucket="sums", Key="sha.bin", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumSHA256"), sha)
        self.assertNotIn("ChecksumCRC32", head)

        got = self.s3.get_object(Bucket="sums", Key="crc.bin", ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumCRC32"), crc)
        self.assertEqual(got["Body"].read(), body)
        head = self.s3.head_object(Bucket="sums", Key="crc.bin", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumCRC32"), crc)
        self.assertNotIn("ChecksumCRC32", self.s3.head_object(Bucket="sums", Key="crc.bin"))

    def test_multipart_upload_with_crc32_has_a_composite_checksum(self):
        parts = [pseudo_random(5 * MiB, 61), pseudo_random(5 * MiB, 62), pseudo_random(4321, 63)]
        created = self.s3.create_multipart_upload(Bucket="sums", Key="mp.bin",
                                                  ChecksumAlgorithm="CRC32")
        self.assertEqual(created.get("ChecksumAlgorithm"), "CRC32")
        upload_id = created["UploadId"]
        done_parts = []
        for number, data in enumerate(parts, 1):
            part = self.s3.upload_part(Bucket="sums", Key="mp.bin", UploadId=upload_id,
                                       PartNumber=number, Body=data, ChecksumAlgorithm="CRC32")
            self.assertEqual(part.get("ChecksumCRC32"), crc32_b64(data))
            done_parts.append({"PartNumber": number, "ETag": part["ETag"],
                               "ChecksumCRC32": part["ChecksumCRC32"]})
        listed = self.s3.list_parts(Bucket="sums", Key="mp.bin", UploadId=upload_id)
        self.assertEqual([p.get("ChecksumCRC32") for p in listed["Parts"]],
                         [crc32_b64(p) for p in parts])
        done = self.s3.complete_multipart_upload(Bucket="sums", Key="mp.bin", UploadId=upload_id,
                                                 MultipartUpload={"Parts": done_parts})
        expected = composite_crc32(parts)
        self.assertTrue(expected.endswith("-3"))
        self.assertEqual(done.get("ChecksumCRC32"), expected)
        self.assertEqual(done["ETag"], harness.multipart_etag(parts))
        head = self.s3.head_object(Bucket="sums", Key="mp.bin", ChecksumMode="ENABLED")
        self.assertEqual(head.get("ChecksumCRC32"), expected)
        got = self.s3.get_object(Bucket="sums", Key="mp.bin", ChecksumMode="ENABLED")
        self.assertEqual(got.get("ChecksumCRC32"), expected)
        self.assertEqual(got["Body"].read(), b"".join(parts))


# ---------------------------------------------------------------------------
# Tagging

class TaggingTest(S3Case):
    def setUp(self):
        super().setUp()
        self.s3.create_bucket(Bucket="tags")

    @staticmethod
    def tagset(response):
        return sorted((t["Key"], t["Value"]) for t in response["TagSet"])

    def test_object_tagging_put_get_delete_and_tag_count(self):
        self.s3.put_object(Bucket="tags", Key="tagged", Body=b"t", Tagging="a=b&c=d")
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="tagged")),
                         [("a", "b"), ("c", "d")])
        got = self.s3.get_object(Bucket="tags", Key="tagged")
        self.assertEqual(got.get("TagCount"), 2)
        self.assertEqual(headers(got).get("x-amz-tagging-count"), "2")

        put = self.s3.put_object_tagging(Bucket="tags", Key="tagged", Tagging={"TagSet": [
            {"Key": "project", "Value": "awslab"}, {"Key": "env", "Value": "test lab"},
            {"Key": "empty", "Value": ""}]})
        self.assertEqual(status(put), 200)
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="tagged")),
                         [("empty", ""), ("env", "test lab"), ("project", "awslab")])
        self.assertEqual(self.s3.get_object(Bucket="tags", Key="tagged").get("TagCount"), 3)

        deleted = self.s3.delete_object_tagging(Bucket="tags", Key="tagged")
        self.assertEqual(status(deleted), 204)
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="tagged")["TagSet"], [])
        got = self.s3.get_object(Bucket="tags", Key="tagged")
        self.assertNotIn("TagCount", got)
        self.assertEqual(got["Body"].read(), b"t")

    def test_an_untagged_object_has_an_empty_tag_set(self):
        self.s3.put_object(Bucket="tags", Key="plain", Body=b"p")
        response = self.s3.get_object_tagging(Bucket="tags", Key="plain")
        self.assertEqual(status(response), 200)
        self.assertEqual(response["TagSet"], [])
        self.assertNotIn("TagCount", self.s3.get_object(Bucket="tags", Key="plain"))

    def test_tags_with_characters_that_need_encoding(self):
        self.s3.put_object(Bucket="tags", Key="enc", Body=b"e",
                           Tagging="path=a%2Fb&space=x%20y&eq=1%3D1")
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="enc")),
                         [("eq", "1=1"), ("path", "a/b"), ("space", "x y")])

    def test_overwriting_an_object_drops_its_tags(self):
        self.s3.put_object(Bucket="tags", Key="k", Body=b"1", Tagging="a=b")
        self.s3.put_object(Bucket="tags", Key="k", Body=b"2")
        self.assertEqual(self.s3.get_object_tagging(Bucket="tags", Key="k")["TagSet"], [])

    def test_copy_object_copies_the_tags_unless_told_to_replace_them(self):
        self.s3.put_object(Bucket="tags", Key="src", Body=b"s", Tagging="a=b&c=d")
        self.s3.copy_object(Bucket="tags", Key="copied", CopySource={"Bucket": "tags", "Key": "src"})
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="copied")),
                         [("a", "b"), ("c", "d")])
        self.s3.copy_object(Bucket="tags", Key="retagged", TaggingDirective="REPLACE",
                            Tagging="x=y", CopySource={"Bucket": "tags", "Key": "src"})
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="retagged")),
                         [("x", "y")])
        self.assertEqual(self.s3.get_object(Bucket="tags", Key="retagged").get("TagCount"), 1)

    def test_multipart_upload_with_tagging_tags_the_object(self):
        upload_id = self.s3.create_multipart_upload(Bucket="tags", Key="mp",
                                                    Tagging="stage=raw")["UploadId"]
        etag = self.s3.upload_part(Bucket="tags", Key="mp", UploadId=upload_id, PartNumber=1,
                                   Body=b"only")["ETag"]
        self.s3.complete_multipart_upload(Bucket="tags", Key="mp", UploadId=upload_id,
                                          MultipartUpload={"Parts": [{"PartNumber": 1,
                                                                      "ETag": etag}]})
        self.assertEqual(self.tagset(self.s3.get_object_tagging(Bucket="tags", Key="mp")),
                         [("stage", "raw")])

    def test_bucket_tagging_put_get_delete(self):
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="tags")
        put = self.s3.put_bucket_tagging(Bucket="tags", Tagging={"TagSet": [
            {"Key": "team", "Value": "storage"}, {"Key": "cost-center", "Value": "42"}]})
        self.assertEqual(status(put), 204)
        self.assertEqual(self.tagset(self.s3.get_bucket_tagging(Bucket="tags")),
                         [("cost-center", "42"), ("team", "storage")])
        # PUT replaces the whole set.
        self.s3.put_bucket_tagging(Bucket="tags", Tagging={"TagSet": [
            {"Key": "team", "Value": "compute"}]})
        self.assertEqual(self.tagset(self.s3.get_bucket_tagging(Bucket="tags")),
                         [("team", "compute")])
        deleted = self.s3.delete_bucket_tagging(Bucket="tags")
        self.assertEqual(status(deleted), 204)
        self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging, Bucket="tags")


if __name__ == "__main__":
    unittest.main()
