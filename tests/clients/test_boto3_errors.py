"""boto3 (Debian's python3-boto3) against the real awslab-server: the error
codes and statuses AWS answers for multipart uploads, ranges, conditional
requests, copies, missing keys and buckets, bucket deletion and batch deletes.

Each case also checks the request that succeeds, so an error is not just a
server that refuses everything.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_boto3_errors
"""

import base64
import datetime
import hashlib
import random
import unittest

from botocore.exceptions import ClientError

import harness

MiB = 1024 * 1024

UNKNOWN_UPLOAD_ID = "VXBsb2FkIElEIGZvciBlbHZpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA"


def pseudo_random(size, seed):
    return random.Random(seed).randbytes(size)


def utc(*args):
    return datetime.datetime(*args, tzinfo=datetime.timezone.utc)


def now():
    return datetime.datetime.now(datetime.timezone.utc)


class ErrorCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="errors")

    def assertS3Error(self, code, status, fn, *args, **kwargs):
        """fn(*args, **kwargs) must fail with this code and HTTP status; returns the response."""
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"].get("Code"), code, response)
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        return response

    def start_upload(self, key="mp", parts=()):
        """Creates an upload and uploads `parts` (numbered from 1); returns (id, etags)."""
        upload_id = self.s3.create_multipart_upload(Bucket="errors", Key=key)["UploadId"]
        etags = []
        for number, data in enumerate(parts, 1):
            etags.append(self.s3.upload_part(Bucket="errors", Key=key, UploadId=upload_id,
                                             PartNumber=number, Body=data)["ETag"])
        return upload_id, etags

    def complete(self, upload_id, parts, key="mp"):
        return self.s3.complete_multipart_upload(
            Bucket="errors", Key=key, UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in parts]})


# ---------------------------------------------------------------------------
# Multipart uploads

class MultipartErrorTest(ErrorCase):
    def test_a_non_last_part_under_5_MiB_is_EntityTooSmall(self):
        small = [b"a" * MiB, b"b" * MiB]
        upload_id, etags = self.start_upload(parts=small)
        response = self.assertS3Error("EntityTooSmall", 400, self.complete, upload_id,
                                      [(1, etags[0]), (2, etags[1])])
        self.assertIn("smaller than the minimum allowed size",
                      response["Error"].get("Message", ""))
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="errors", Key="mp")
        # The upload is still there: the client can fix the request.
        parts = self.s3.list_parts(Bucket="errors", Key="mp", UploadId=upload_id)["Parts"]
        self.assertEqual([p["PartNumber"] for p in parts], [1, 2])
        # A small part is fine when it is the last (here: the only) one.
        done = self.complete(upload_id, [(2, etags[1])])
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="mp")["Body"].read(), small[1])
        self.assertTrue(done["ETag"].endswith('-1"'), done["ETag"])

    def test_5_MiB_parts_then_a_small_last_part_complete(self):
        parts = [pseudo_random(5 * MiB, 1), b"tail"]
        upload_id, etags = self.start_upload(parts=parts)
        self.complete(upload_id, list(zip((1, 2), etags)))
        self.assertEqual(self.s3.head_object(Bucket="errors", Key="mp")["ContentLength"],
                         5 * MiB + 4)

    def test_a_wrong_etag_or_an_unknown_part_is_InvalidPart(self):
        parts = [pseudo_random(5 * MiB, 2), b"last part"]
        upload_id, etags = self.start_upload(parts=parts)
        self.assertS3Error("InvalidPart", 400, self.complete, upload_id,
                           [(1, harness.md5_etag(b"something else")), (2, etags[1])])
        self.assertS3Error("InvalidPart", 400, self.complete, upload_id,
                           [(1, etags[0]), (2, etags[1]), (3, etags[1])])
        self.assertS3Error("InvalidPart", 400, self.complete, upload_id,
                           [(1, etags[0]), (7, etags[1])])
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="errors", Key="mp")
        # The right list completes: the upload survived the failed attempts.
        self.complete(upload_id, [(1, etags[0]), (2, etags[1])])
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="mp")["Body"].read(),
                         b"".join(parts))

    def test_parts_not_in_ascending_order_are_InvalidPartOrder(self):
        parts = [pseudo_random(5 * MiB, 3), pseudo_random(5 * MiB, 4), b"end"]
        upload_id, etags = self.start_upload(parts=parts)
        self.assertS3Error("InvalidPartOrder", 400, self.complete, upload_id,
                           [(2, etags[1]), (1, etags[0]), (3, etags[2])])
        self.assertS3Error("InvalidPartOrder", 400, self.complete, upload_id,
                           [(1, etags[0]), (3, etags[2]), (2, etags[1])])
        self.complete(upload_id, [(1, etags[0]), (2, etags[1]), (3, etags[2])])
        self.assertEqual(self.s3.head_object(Bucket="errors", Key="mp")["ContentLength"],
                         10 * MiB + 3)

    def test_an_unknown_upload_id_is_NoSuchUpload(self):
        calls = [
            (self.s3.upload_part, dict(PartNumber=1, Body=b"data")),
            (self.s3.complete_multipart_upload,
             dict(MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": harness.md5_etag(b"data")}]})),
            (self.s3.abort_multipart_upload, {}),
            (self.s3.list_parts, {}),
        ]
        for fn, extra in calls:
            with self.subTest(op=fn.__name__):
                response = self.assertS3Error("NoSuchUpload", 404, fn, Bucket="errors", Key="mp",
                                              UploadId=UNKNOWN_UPLOAD_ID, **extra)
                self.assertIn("upload does not exist", response["Error"].get("Message", ""))
        self.s3.put_object(Bucket="errors", Key="src", Body=b"copy me")
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part_copy, Bucket="errors",
                           Key="mp", UploadId=UNKNOWN_UPLOAD_ID, PartNumber=1,
                           CopySource={"Bucket": "errors", "Key": "src"})

    def test_an_upload_id_of_another_key_is_NoSuchUpload(self):
        upload_id, _ = self.start_upload(key="one")
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="errors",
                           Key="two", UploadId=upload_id, PartNumber=1, Body=b"x")
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="errors", Key="two",
                           UploadId=upload_id)

    def test_a_completed_or_aborted_upload_is_gone(self):
        upload_id, etags = self.start_upload(parts=[b"only part"])
        self.complete(upload_id, [(1, etags[0])])
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="errors", Key="mp",
                           UploadId=upload_id, PartNumber=2, Body=b"late")
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="errors", Key="mp",
                           UploadId=upload_id)

        upload_id, _ = self.start_upload(key="aborted", parts=[b"x"])
        self.s3.abort_multipart_upload(Bucket="errors", Key="aborted", UploadId=upload_id)
        self.assertS3Error("NoSuchUpload", 404, self.s3.upload_part, Bucket="errors",
                           Key="aborted", UploadId=upload_id, PartNumber=1, Body=b"x")
        self.assertS3Error("NoSuchUpload", 404, self.complete, upload_id, [(1, harness.md5_etag(b"x"))],
                           key="aborted")

    def test_a_part_number_outside_1_to_10000_is_InvalidArgument(self):
        upload_id, _ = self.start_upload()
        for number in (0, 10001):
            with self.subTest(part=number):
                self.assertS3Error("InvalidArgument", 400, self.s3.upload_part, Bucket="errors",
                                   Key="mp", UploadId=upload_id, PartNumber=number, Body=b"x")
        self.s3.upload_part(Bucket="errors", Key="mp", UploadId=upload_id, PartNumber=10000,
                            Body=b"x")

    def test_a_part_number_past_the_parts_of_an_object_is_InvalidPartNumber(self):
        upload_id, etags = self.start_upload(parts=[pseudo_random(5 * MiB, 5), b"end"])
        self.complete(upload_id, [(1, etags[0]), (2, etags[1])])
        self.assertS3Error("InvalidPartNumber", 416, self.s3.get_object, Bucket="errors",
                           Key="mp", PartNumber=3)
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="mp", PartNumber=2)["Body"]
                         .read(), b"end")

    def test_completing_with_no_parts_is_MalformedXML(self):
        upload_id, _ = self.start_upload(parts=[b"part"])
        self.assertS3Error("MalformedXML", 400, self.complete, upload_id, [])

    def test_a_part_with_a_wrong_content_md5_is_BadDigest(self):
        upload_id, _ = self.start_upload()
        self.assertS3Error("BadDigest", 400, self.s3.upload_part, Bucket="errors", Key="mp",
                           UploadId=upload_id, PartNumber=1, Body=b"these bytes",
                           ContentMD5=base64.b64encode(hashlib.md5(b"other").digest()).decode())
        parts = self.s3.list_parts(Bucket="errors", Key="mp", UploadId=upload_id)
        self.assertEqual(parts.get("Parts", []), [])

    def test_range_and_part_number_together_are_InvalidRequest(self):
        upload_id, etags = self.start_upload(parts=[pseudo_random(5 * MiB, 6), b"end"])
        self.complete(upload_id, [(1, etags[0]), (2, etags[1])])
        response = self.assertS3Error("InvalidRequest", 400, self.s3.get_object,
                                      Bucket="errors", Key="mp", PartNumber=1,
                                      Range="bytes=0-9")
        self.assertIn("Cannot specify both Range header and partNumber query parameter",
                      response["Error"].get("Message", ""))

    def test_an_unfinished_upload_keeps_the_bucket_from_being_deleted(self):
        self.s3.create_bucket(Bucket="pending")
        upload_id = self.s3.create_multipart_upload(Bucket="pending", Key="half")["UploadId"]
        self.s3.upload_part(Bucket="pending", Key="half", UploadId=upload_id, PartNumber=1,
                            Body=b"half done")
        self.assertEqual(self.s3.list_objects_v2(Bucket="pending")["KeyCount"], 0)
        self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket="pending")
        self.s3.head_bucket(Bucket="pending")
        self.s3.abort_multipart_upload(Bucket="pending", Key="half", UploadId=upload_id)
        self.s3.delete_bucket(Bucket="pending")
        self.assertS3Error("NoSuchBucket", 404, self.s3.list_objects_v2, Bucket="pending")


# ---------------------------------------------------------------------------
# Ranges and conditional requests

class ConditionalErrorTest(ErrorCase):
    def setUp(self):
        super().setUp()
        self.body = b"0123456789" * 10
        put = self.s3.put_object(Bucket="errors", Key="obj", Body=self.body)
        self.etag = put["ETag"]
        self.last_modified = self.s3.head_object(Bucket="errors", Key="obj")["LastModified"]
        self.past = utc(2001, 1, 1)
        self.future = now() + datetime.timedelta(days=2)

    def test_a_range_past_the_end_is_416_InvalidRange(self):
        for header in ("bytes=100-", "bytes=100-200", "bytes=1000-2000"):
            with self.subTest(range=header):
                response = self.assertS3Error("InvalidRange", 416, self.s3.get_object,
                                              Bucket="errors", Key="obj", Range=header)
                self.assertEqual(response["Error"].get("ActualObjectSize"), "100")
                self.assertEqual(response["Error"].get("RangeRequested"), header)
        got = self.s3.get_object(Bucket="errors", Key="obj", Range="bytes=99-")
        self.assertEqual(got["Body"].read(), b"9")

    def test_if_match_mismatch_is_412_PreconditionFailed(self):
        response = self.assertS3Error("PreconditionFailed", 412, self.s3.get_object,
                                      Bucket="errors", Key="obj", IfMatch=harness.md5_etag(b"other"))
        self.assertEqual(response["Error"].get("Condition"), "If-Match")
        self.assertS3Error("412", 412, self.s3.head_object, Bucket="errors", Key="obj",
                           IfMatch=harness.md5_etag(b"other"))
        got = self.s3.get_object(Bucket="errors", Key="obj", IfMatch=self.etag)
        self.assertEqual(got["Body"].read(), self.body)
        self.s3.head_object(Bucket="errors", Key="obj", IfMatch=self.etag)

    def test_if_unmodified_since_in_the_past_is_412_PreconditionFailed(self):
        response = self.assertS3Error("PreconditionFailed", 412, self.s3.get_object,
                                      Bucket="errors", Key="obj", IfUnmodifiedSince=self.past)
        self.assertEqual(response["Error"].get("Condition"), "If-Unmodified-Since")
        self.assertS3Error("412", 412, self.s3.head_object, Bucket="errors", Key="obj",
                           IfUnmodifiedSince=self.past)
        got = self.s3.get_object(Bucket="errors", Key="obj", IfUnmodifiedSince=self.future)
        self.assertEqual(got["Body"].read(), self.body)
        # If-Match true wins over If-Unmodified-Since false: 200.
        got = self.s3.get_object(Bucket="errors", Key="obj", IfMatch=self.etag,
                                 IfUnmodifiedSince=self.past)
        self.assertEqual(got["Body"].read(), self.body)

    def test_if_none_match_matching_is_304_not_modified(self):
        response = self.assertS3Error("304", 304, self.s3.get_object, Bucket="errors",
                                      Key="obj", IfNoneMatch=self.etag)
        self.assertEqual(response["ResponseMetadata"]["HTTPHeaders"].get("etag"), self.etag)
        self.assertS3Error("304", 304, self.s3.head_object, Bucket="errors", Key="obj",
                           IfNoneMatch=self.etag)
        got = self.s3.get_object(Bucket="errors", Key="obj", IfNoneMatch=harness.md5_etag(b"other"))
        self.assertEqual(got["Body"].read(), self.body)

    def test_if_modified_since_in_the_future_is_304_not_modified(self):
        self.assertS3Error("304", 304, self.s3.get_object, Bucket="errors", Key="obj",
                           IfModifiedSince=self.future)
        self.assertS3Error("304", 304, self.s3.head_object, Bucket="errors", Key="obj",
                           IfModifiedSince=self.future)
        # Not modified since its own Last-Modified: 304 as well.
        self.assertS3Error("304", 304, self.s3.get_object, Bucket="errors", Key="obj",
                           IfModifiedSince=self.last_modified)
        got = self.s3.get_object(Bucket="errors", Key="obj", IfModifiedSince=self.past)
        self.assertEqual(got["Body"].read(), self.body)
        # If-None-Match false and If-Modified-Since true: 304.
        self.assertS3Error("304", 304, self.s3.get_object, Bucket="errors", Key="obj",
                           IfNoneMatch=self.etag, IfModifiedSince=self.past)

    def test_copy_source_conditions_failing_are_412_PreconditionFailed(self):
        source = {"Bucket": "errors", "Key": "obj"}
        failing = [
            {"CopySourceIfMatch": harness.md5_etag(b"other")},
            {"CopySourceIfNoneMatch": self.etag},
            {"CopySourceIfUnmodifiedSince": self.past},
            {"CopySourceIfModifiedSince": self.future},
        ]
        for condition in failing:
            with self.subTest(condition=list(condition)[0]):
                self.assertS3Error("PreconditionFailed", 412, self.s3.copy_object,
                                   Bucket="errors", Key="copy", CopySource=source, **condition)
                self.assertS3Error("404", 404, self.s3.head_object, Bucket="errors", Key="copy")
        upload_id = self.s3.create_multipart_upload(Bucket="errors", Key="mp")["UploadId"]
        self.assertS3Error("PreconditionFailed", 412, self.s3.upload_part_copy, Bucket="errors",
                           Key="mp", UploadId=upload_id, PartNumber=1, CopySource=source,
                           CopySourceIfMatch=harness.md5_etag(b"other"))
        # Conditions that hold copy.
        self.s3.copy_object(Bucket="errors", Key="copy", CopySource=source,
                            CopySourceIfMatch=self.etag,
                            CopySourceIfModifiedSince=self.past)
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="copy")["Body"].read(),
                         self.body)

    def test_a_copy_source_range_past_the_source_is_InvalidArgument(self):
        # AWS: 400 InvalidArgument "Range specified is not valid for source
        # object of size: 100" (not the 416 of GetObject).
        upload_id = self.s3.create_multipart_upload(Bucket="errors", Key="mp")["UploadId"]
        response = self.assertS3Error("InvalidArgument", 400, self.s3.upload_part_copy,
                                      Bucket="errors", Key="mp", UploadId=upload_id,
                                      PartNumber=1, CopySource={"Bucket": "errors", "Key": "obj"},
                                      CopySourceRange="bytes=50-150")
        self.assertIn("Range specified is not valid for source object of size: 100",
                      response["Error"].get("Message", ""))
        copied = self.s3.upload_part_copy(Bucket="errors", Key="mp", UploadId=upload_id,
                                          PartNumber=1,
                                          CopySource={"Bucket": "errors", "Key": "obj"},
                                          CopySourceRange="bytes=50-99")
        self.assertEqual(copied["CopyPartResult"]["ETag"], harness.md5_etag(self.body[50:]))


# ---------------------------------------------------------------------------
# Missing keys and buckets, batch deletes

class MissingErrorTest(ErrorCase):
    def test_missing_key_is_NoSuchKey(self):
        response = self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="errors",
                                      Key="nope")
        self.assertEqual(response["Error"].get("Key"), "nope")
        self.assertS3Error("404", 404, self.s3.head_object, Bucket="errors", Key="nope")
        self.assertS3Error("NoSuchKey", 404, self.s3.copy_object, Bucket="errors", Key="dst",
                           CopySource={"Bucket": "errors", "Key": "nope"})
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object_tagging, Bucket="errors",
                           Key="nope")
        self.assertS3Error("NoSuchKey", 404, self.s3.put_object_tagging, Bucket="errors",
                           Key="nope", Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})
        upload_id = self.s3.create_multipart_upload(Bucket="errors", Key="mp")["UploadId"]
        self.assertS3Error("NoSuchKey", 404, self.s3.upload_part_copy, Bucket="errors",
                           Key="mp", UploadId=upload_id, PartNumber=1,
                           CopySource={"Bucket": "errors", "Key": "nope"})

    def test_missing_bucket_is_NoSuchBucket(self):
        calls = [
            (self.s3.put_object, dict(Key="k", Body=b"x")),
            (self.s3.get_object, dict(Key="k")),
            (self.s3.list_objects_v2, {}),
            (self.s3.list_objects, {}),
            (self.s3.create_multipart_upload, dict(Key="k")),
            (self.s3.list_multipart_uploads, {}),
            (self.s3.delete_objects, dict(Delete={"Objects": [{"Key": "k"}]})),
            (self.s3.get_bucket_tagging, {}),
            (self.s3.put_bucket_tagging, dict(Tagging={"TagSet": [{"Key": "a", "Value": "b"}]})),
            (self.s3.delete_bucket, {}),
        ]
        for fn, extra in calls:
            with self.subTest(op=fn.__name__):
                response = self.assertS3Error("NoSuchBucket", 404, fn, Bucket="no-such-bucket",
                                              **extra)
                self.assertEqual(response["Error"].get("BucketName"), "no-such-bucket")
        self.s3.put_object(Bucket="errors", Key="k", Body=b"x")
        self.assertS3Error("NoSuchBucket", 404, self.s3.copy_object, Bucket="errors",
                           Key="copy", CopySource={"Bucket": "no-such-bucket", "Key": "k"})
        self.assertS3Error("NoSuchBucket", 404, self.s3.copy_object, Bucket="no-such-bucket",
                           Key="copy", CopySource={"Bucket": "errors", "Key": "k"})

    def test_delete_objects_with_more_than_1000_keys_is_MalformedXML(self):
        self.s3.put_object(Bucket="errors", Key="k0000", Body=b"x")
        keys = [{"Key": "k%04d" % i} for i in range(1001)]
        self.assertS3Error("MalformedXML", 400, self.s3.delete_objects, Bucket="errors",
                           Delete={"Objects": keys})
        # Nothing was deleted.
        self.assertEqual(self.s3.get_object(Bucket="errors", Key="k0000")["Body"].read(), b"x")
        self.s3.delete_objects(Bucket="errors", Delete={"Objects": keys[:1000]})
        self.assertEqual(self.s3.list_objects_v2(Bucket="errors")["KeyCount"], 0)

    def test_more_than_10_object_tags_is_BadRequest(self):
        self.s3.put_object(Bucket="errors", Key="t", Body=b"t")
        tags = [{"Key": "k%d" % i, "Value": "v"} for i in range(11)]
        response = self.assertS3Error("BadRequest", 400, self.s3.put_object_tagging,
                                      Bucket="errors", Key="t", Tagging={"TagSet": tags})
        self.assertEqual(response["Error"].get("Message"),
                         "Object tags cannot be greater than 10")
        self.s3.put_object_tagging(Bucket="errors", Key="t", Tagging={"TagSet": tags[:10]})
        self.assertEqual(len(self.s3.get_object_tagging(Bucket="errors", Key="t")["TagSet"]), 10)

    def test_duplicate_tag_keys_are_InvalidTag(self):
        self.s3.put_object(Bucket="errors", Key="t", Body=b"t")
        response = self.assertS3Error("InvalidTag", 400, self.s3.put_object_tagging,
                                      Bucket="errors", Key="t", Tagging={"TagSet": [
                                          {"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
        self.assertIn("Cannot provide multiple Tags with the same key",
                      response["Error"].get("Message", ""))

    def test_bucket_tagging_of_an_untagged_bucket_is_NoSuchTagSet(self):
        response = self.assertS3Error("NoSuchTagSet", 404, self.s3.get_bucket_tagging,
                                      Bucket="errors")
        self.assertEqual(response["Error"].get("Message"), "The TagSet does not exist")


if __name__ == "__main__":
    unittest.main()
