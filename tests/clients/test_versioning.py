"""S3 bucket versioning against the real awslab-server, driven by Debian's
boto3 and aws CLI: Put/GetBucketVersioning, version ids on every write,
GET/HEAD/DELETE/CopyObject by version id, delete markers, ListObjectVersions
with its markers and pages, the null version of suspended buckets, buckets
that are empty only when every version is gone, versions surviving a
restart, and the stored bytes a bill counts.

What each case expects is what S3 answers; see docs/s3-versioning.md for the
sources and for awslab's choices where S3 is silent.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_versioning
"""

import datetime
import hashlib
import json
import random
import re
import shutil
import tempfile
import threading
import time
import unittest
import urllib.parse
import xml.etree.ElementTree as ET

from botocore.exceptions import ClientError

import harness
import test_billing

VERSION_ID = re.compile(r"^[0-9a-f]{32}$")
# Well formed, but no version of this server has it.
UNKNOWN_VERSION = "0123456789abcdef0123456789abcdef"
BIG = 300 * 1024  # over the inline threshold: the body is a blob file


class VersioningCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)

    def versioned_bucket(self, name="ver", status="Enabled"):
        self.s3.create_bucket(Bucket=name)
        self.s3.put_bucket_versioning(Bucket=name,
                                      VersioningConfiguration={"Status": status})
        return name

    def assertS3Error(self, code, status, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        err = ctx.exception.response
        self.assertEqual(err["Error"]["Code"], code, err)
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], status, err)
        return err

    def body(self, bucket, key, **kw):
        return self.s3.get_object(Bucket=bucket, Key=key, **kw)["Body"].read()

    def all_versions(self, bucket, **kw):
        """[(key, version id, is latest, is a delete marker)] in the listing's
        order, read from the XML itself: boto3 splits a page's entries into
        Versions and DeleteMarkers and so loses their order."""
        out = []
        bodies = []

        def keep(http_response, **_):
            bodies.append(http_response.content)

        self.s3.meta.events.register("after-call.s3.ListObjectVersions", keep)
        try:
            paginator = self.s3.get_paginator("list_object_versions")
            for _ in paginator.paginate(Bucket=bucket, **kw):
                out += entries_of(bodies[-1])
        finally:
            self.s3.meta.events.unregister("after-call.s3.ListObjectVersions", keep)
        return out


def entries_of(xml_body):
    """(key, version id, is latest, is a delete marker) of a ListVersionsResult, in order."""
    ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
    root = ET.fromstring(xml_body)
    out = []
    for child in root:
        tag = child.tag[len(ns):]
        if tag in ("Version", "DeleteMarker"):
            out.append((urllib.parse.unquote(child.find(ns + "Key").text or "")
                        if root.find(ns + "EncodingType") is not None
                        else child.find(ns + "Key").text,
                        child.find(ns + "VersionId").text,
                        child.find(ns + "IsLatest").text == "true",
                        tag == "DeleteMarker"))
    return out


class BucketVersioningTest(VersioningCase):
    def test_a_new_bucket_answers_an_empty_configuration(self):
        self.s3.create_bucket(Bucket="plain")
        got = self.s3.get_bucket_versioning(Bucket="plain")
        self.assertNotIn("Status", got)
        self.assertNotIn("MFADelete", got)

    def test_enabled_then_suspended(self):
        self.s3.create_bucket(Bucket="bkt")
        self.s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="bkt")["Status"], "Enabled")
        self.s3.put_bucket_versioning(
            Bucket="bkt", VersioningConfiguration={"Status": "Suspended", "MFADelete": "Disabled"})
        self.assertEqual(self.s3.get_bucket_versioning(Bucket="bkt")["Status"], "Suspended")

    def test_bad_configurations_are_refused(self):
        self.s3.create_bucket(Bucket="bkt")
        self.assertS3Error("MalformedXML", 400, self.s3.put_bucket_versioning, Bucket="bkt",
                           VersioningConfiguration={"Status": "On"})
        self.assertS3Error("IllegalVersioningConfigurationException", 400,
                           self.s3.put_bucket_versioning, Bucket="bkt",
                           VersioningConfiguration={})
        self.assertS3Error("InvalidRequest", 400, self.s3.put_bucket_versioning, Bucket="bkt",
                           VersioningConfiguration={"Status": "Enabled", "MFADelete": "Enabled"})
        self.assertS3Error("NoSuchBucket", 404, self.s3.put_bucket_versioning, Bucket="nope",
                           VersioningConfiguration={"Status": "Enabled"})
        self.assertS3Error("NoSuchBucket", 404, self.s3.get_bucket_versioning, Bucket="nope")
        # Nothing was changed by the refusals.
        self.assertNotIn("Status", self.s3.get_bucket_versioning(Bucket="bkt"))

    def test_reading_a_version_needs_s3_GetObjectVersion(self):
        b = self.versioned_bucket("shared")
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
        bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        self.addCleanup(bob.close)

        def allow(*actions):
            self.s3.put_bucket_policy(Bucket=b, Policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow",
                               "Principal": {"AWS": "arn:aws:iam::%s:root" % harness.BOB_ACCOUNT_ID},
                               "Action": list(actions), "Resource": "arn:aws:s3:::%s/*" % b}]}))

        allow("s3:GetObject")
        self.assertEqual(bob.get_object(Bucket=b, Key="k")["Body"].read(), b"1")
        self.assertS3Error("AccessDenied", 403, bob.get_object, Bucket=b, Key="k", VersionId=v1)
        self.assertS3Error("AccessDenied", 403, bob.delete_object, Bucket=b, Key="k",
                           VersionId=v1)
        allow("s3:GetObjectVersion", "s3:DeleteObjectVersion")
        self.assertEqual(bob.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read(), b"1")
        self.assertS3Error("AccessDenied", 403, bob.get_object_tagging, Bucket=b, Key="k",
                           VersionId=v1)
        bob.delete_object(Bucket=b, Key="k", VersionId=v1)
        self.assertEqual(self.all_versions(b), [])

    def test_another_account_may_not_change_it(self):
        self.s3.create_bucket(Bucket="mine")
        bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        self.addCleanup(bob.close)
        self.assertS3Error("AccessDenied", 403, bob.put_bucket_versioning, Bucket="mine",
                           VersioningConfiguration={"Status": "Enabled"})
        self.assertS3Error("AccessDenied", 403, bob.get_bucket_versioning, Bucket="mine")
        self.assertS3Error("AccessDenied", 403, bob.list_object_versions, Bucket="mine")


class ObjectVersionsTest(VersioningCase):
    def test_unversioned_writes_carry_no_version_id(self):
        self.s3.create_bucket(Bucket="plain")
        put = self.s3.put_object(Bucket="plain", Key="k", Body=b"one")
        self.assertNotIn("VersionId", put)
        self.assertNotIn("VersionId", self.s3.get_object(Bucket="plain", Key="k"))
        deleted = self.s3.delete_object(Bucket="plain", Key="k")
        self.assertNotIn("VersionId", deleted)
        self.assertNotIn("DeleteMarker", deleted)
        # Gone for good: no marker, no versions.
        self.assertEqual(self.all_versions("plain"), [])

    def test_every_put_is_a_version_that_stays_readable(self):
        b = self.versioned_bucket()
        ids = []
        for n, data in enumerate([b"first", b"second" * 1000, b"x" * BIG]):
            put = self.s3.put_object(Bucket=b, Key="doc.txt", Body=data)
            self.assertRegex(put["VersionId"], VERSION_ID)
            ids.append(put["VersionId"])
        self.assertEqual(len(set(ids)), 3)
        self.assertEqual(self.body(b, "doc.txt"), b"x" * BIG)
        self.assertEqual(self.body(b, "doc.txt", VersionId=ids[0]), b"first")
        self.assertEqual(self.body(b, "doc.txt", VersionId=ids[1]), b"second" * 1000)
        got = self.s3.get_object(Bucket=b, Key="doc.txt", VersionId=ids[1], Range="bytes=6-11")
        self.assertEqual(got["Body"].read(), b"second")
        self.assertEqual(got["VersionId"], ids[1])
        head = self.s3.head_object(Bucket=b, Key="doc.txt", VersionId=ids[0])
        self.assertEqual((head["ContentLength"], head["VersionId"]), (5, ids[0]))
        self.assertEqual(self.s3.head_object(Bucket=b, Key="doc.txt")["VersionId"], ids[2])
        self.assertEqual(self.all_versions(b), [("doc.txt", ids[2], True, False),
                                                ("doc.txt", ids[1], False, False),
                                                ("doc.txt", ids[0], False, False)])
        # Listing shows the current version only.
        listed = self.s3.list_objects_v2(Bucket=b)["Contents"]
        self.assertEqual([(o["Key"], o["Size"]) for o in listed], [("doc.txt", BIG)])

    def test_malformed_and_unknown_version_ids(self):
        b = self.versioned_bucket()
        self.s3.put_object(Bucket=b, Key="k", Body=b"v")
        err = self.assertS3Error("InvalidArgument", 400, self.s3.get_object, Bucket=b, Key="k",
                                 VersionId="not-a-version")
        self.assertEqual(err["Error"]["Message"], "Invalid version id specified")
        self.assertS3Error("InvalidArgument", 400, self.s3.delete_object, Bucket=b, Key="k",
                           VersionId="not-a-version")
        err = self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket=b, Key="k",
                                 VersionId=UNKNOWN_VERSION)
        self.assertEqual(err["Error"]["VersionId"], UNKNOWN_VERSION)
        self.assertS3Error("404", 404, self.s3.head_object, Bucket=b, Key="k",
                           VersionId=UNKNOWN_VERSION)
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket=b, Key="other",
                           VersionId=UNKNOWN_VERSION)
        # Deleting a version that does not exist changes nothing and succeeds.
        gone = self.s3.delete_object(Bucket=b, Key="k", VersionId=UNKNOWN_VERSION)
        self.assertEqual(gone["VersionId"], UNKNOWN_VERSION)
        self.assertEqual(self.body(b, "k"), b"v")

    def test_delete_adds_a_marker_that_hides_the_key(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"kept")["VersionId"]
        deleted = self.s3.delete_object(Bucket=b, Key="k")
        self.assertTrue(deleted["DeleteMarker"])
        marker = deleted["VersionId"]
        self.assertRegex(marker, VERSION_ID)
        self.assertNotEqual(marker, v1)
        err = self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket=b, Key="k")
        headers = err["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers["x-amz-delete-marker"], "true")
        self.assertEqual(headers["x-amz-version-id"], marker)
        err = self.assertS3Error("404", 404, self.s3.head_object, Bucket=b, Key="k")
        self.assertEqual(err["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"], "true")
        # The marker itself, by version id: 405.
        err = self.assertS3Error("MethodNotAllowed", 405, self.s3.get_object, Bucket=b, Key="k",
                                 VersionId=marker)
        headers = err["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual((headers["x-amz-delete-marker"], headers["x-amz-version-id"]),
                         ("true", marker))
        self.assertIn("last-modified", headers)
        self.assertS3Error("405", 405, self.s3.head_object, Bucket=b, Key="k", VersionId=marker)
        # Listing skips the key; the old version is still there.
        self.assertEqual(self.s3.list_objects_v2(Bucket=b)["KeyCount"], 0)
        self.assertEqual(self.s3.list_objects(Bucket=b).get("Contents", []), [])
        self.assertEqual(self.body(b, "k", VersionId=v1), b"kept")
        self.assertEqual(self.all_versions(b), [("k", marker, True, True),
                                                ("k", v1, False, False)])
        # Tagging and copying see no object either.
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object_tagging, Bucket=b, Key="k")
        self.assertS3Error("NoSuchKey", 404, self.s3.copy_object, Bucket=b, Key="copy",
                           CopySource={"Bucket": b, "Key": "k"})
        err = self.assertS3Error("InvalidRequest", 400, self.s3.copy_object, Bucket=b,
                                 Key="copy", CopySource={"Bucket": b, "Key": "k",
                                                         "VersionId": marker})
        # A second delete stacks a second marker.
        again = self.s3.delete_object(Bucket=b, Key="k")
        self.assertTrue(again["DeleteMarker"])
        self.assertEqual([e[1] for e in self.all_versions(b)], [again["VersionId"], marker, v1])

    def test_a_prefix_of_deleted_keys_is_not_listed(self):
        b = self.versioned_bucket()
        self.s3.put_object(Bucket=b, Key="gone/a", Body=b"a")
        self.s3.put_object(Bucket=b, Key="here/b", Body=b"b")
        self.s3.delete_object(Bucket=b, Key="gone/a")
        listed = self.s3.list_objects_v2(Bucket=b, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in listed["CommonPrefixes"]], ["here/"])
        listed = self.s3.list_objects_v2(Bucket=b, MaxKeys=1)
        self.assertEqual([o["Key"] for o in listed["Contents"]], ["here/b"])
        self.assertFalse(listed["IsTruncated"])
        versions = self.s3.list_object_versions(Bucket=b, Delimiter="/")
        self.assertEqual([p["Prefix"] for p in versions["CommonPrefixes"]], ["gone/", "here/"])

    def test_deleting_versions_for_good(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"one")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="k", Body=b"two")["VersionId"]
        marker = self.s3.delete_object(Bucket=b, Key="k")["VersionId"]
        # Removing the marker brings the newest version back.
        gone = self.s3.delete_object(Bucket=b, Key="k", VersionId=marker)
        self.assertEqual((gone["VersionId"], gone["DeleteMarker"]), (marker, True))
        self.assertEqual(self.body(b, "k"), b"two")
        # Removing the current version makes the next newest current.
        gone = self.s3.delete_object(Bucket=b, Key="k", VersionId=v2)
        self.assertEqual(gone["VersionId"], v2)
        self.assertNotIn("DeleteMarker", gone)
        self.assertEqual(self.body(b, "k"), b"one")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="k")["VersionId"], v1)
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket=b, Key="k",
                           VersionId=v2)
        # A noncurrent version goes without touching the current one.
        v3 = self.s3.put_object(Bucket=b, Key="k", Body=b"three")["VersionId"]
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1)
        self.assertEqual(self.all_versions(b), [("k", v3, True, False)])
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v3)
        self.assertEqual(self.all_versions(b), [])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket=b, Key="k")

    def test_blob_files_go_only_with_their_version(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="big", Body=b"1" * BIG)["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="big", Body=b"2" * BIG)["VersionId"]
        self.assertEqual(len(self.server.blob_files()), 2)
        self.s3.delete_object(Bucket=b, Key="big")  # a marker frees nothing
        self.assertEqual(len(self.server.blob_files()), 2)
        self.s3.delete_object(Bucket=b, Key="big", VersionId=v1)
        harness.poll(lambda: len(self.server.blob_files()) == 1)
        self.assertEqual(self.body(b, "big", VersionId=v2), b"2" * BIG)

    def test_copy_from_a_version(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="src", Body=b"old",
                                Metadata={"n": "1"})["VersionId"]
        self.s3.put_object(Bucket=b, Key="src", Body=b"new")
        copied = self.s3.copy_object(Bucket=b, Key="dst",
                                     CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
        self.assertEqual(copied["CopySourceVersionId"], v1)
        self.assertRegex(copied["VersionId"], VERSION_ID)
        self.assertEqual(self.body(b, "dst"), b"old")
        self.assertEqual(self.s3.head_object(Bucket=b, Key="dst")["Metadata"], {"n": "1"})
        # Restoring an old version by copying it over its own key.
        restored = self.s3.copy_object(Bucket=b, Key="src",
                                       CopySource={"Bucket": b, "Key": "src", "VersionId": v1})
        self.assertEqual(self.body(b, "src"), b"old")
        self.assertEqual(self.s3.get_object(Bucket=b, Key="src")["VersionId"],
                         restored["VersionId"])
        self.assertEqual(len(self.all_versions(b, Prefix="src")), 3)
        self.assertS3Error("NoSuchVersion", 404, self.s3.copy_object, Bucket=b, Key="dst",
                           CopySource={"Bucket": b, "Key": "src", "VersionId": UNKNOWN_VERSION})
        self.assertS3Error("InvalidArgument", 400, self.s3.copy_object, Bucket=b, Key="dst",
                           CopySource={"Bucket": b, "Key": "src", "VersionId": "bogus"})

    def test_multipart_upload_makes_a_version(self):
        b = self.versioned_bucket()
        first = self.s3.put_object(Bucket=b, Key="mp", Body=b"before")["VersionId"]
        upload = self.s3.create_multipart_upload(Bucket=b, Key="mp")["UploadId"]
        part = self.s3.upload_part(Bucket=b, Key="mp", UploadId=upload, PartNumber=1,
                                   Body=b"after")
        done = self.s3.complete_multipart_upload(
            Bucket=b, Key="mp", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
        self.assertRegex(done["VersionId"], VERSION_ID)
        self.assertEqual(self.body(b, "mp"), b"after")
        self.assertEqual(self.body(b, "mp", VersionId=first), b"before")
        # A part copied from an old version.
        upload = self.s3.create_multipart_upload(Bucket=b, Key="mp2")["UploadId"]
        part = self.s3.upload_part_copy(Bucket=b, Key="mp2", UploadId=upload, PartNumber=1,
                                        CopySource={"Bucket": b, "Key": "mp", "VersionId": first})
        self.assertEqual(part["CopySourceVersionId"], first)
        self.s3.complete_multipart_upload(
            Bucket=b, Key="mp2", UploadId=upload,
            MultipartUpload={"Parts": [{"PartNumber": 1,
                                        "ETag": part["CopyPartResult"]["ETag"]}]})
        self.assertEqual(self.body(b, "mp2"), b"before")

    def test_delete_objects_with_version_ids(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="a", Body=b"a1")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="a", Body=b"a2")["VersionId"]
        self.s3.put_object(Bucket=b, Key="b", Body=b"b")
        result = self.s3.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "a", "VersionId": v1}, {"Key": "b"}, {"Key": "a", "VersionId": "bogus"}]})
        deleted = {(d["Key"], d.get("VersionId")): d for d in result["Deleted"]}
        self.assertEqual(set(deleted), {("a", v1), ("b", None)})
        self.assertNotIn("DeleteMarker", deleted[("a", v1)])
        marker = deleted[("b", None)]
        self.assertTrue(marker["DeleteMarker"])
        self.assertRegex(marker["DeleteMarkerVersionId"], VERSION_ID)
        [error] = result["Errors"]
        self.assertEqual((error["Key"], error["VersionId"], error["Code"]),
                         ("a", "bogus", "NoSuchVersion"))
        # Deleting the marker by version id says it was one.
        result = self.s3.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "b", "VersionId": marker["DeleteMarkerVersionId"]}]})
        [d] = result["Deleted"]
        self.assertEqual((d["VersionId"], d["DeleteMarker"], d["DeleteMarkerVersionId"]),
                         (marker["DeleteMarkerVersionId"], True, marker["DeleteMarkerVersionId"]))
        self.assertEqual(self.body(b, "b"), b"b")
        self.assertEqual(self.all_versions(b), [("a", v2, True, False), ("b", ANY, True, False)])

    def test_tagging_by_version(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"1", Tagging="v=1")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="k", Body=b"2", Tagging="v=2")["VersionId"]
        got = self.s3.get_object_tagging(Bucket=b, Key="k", VersionId=v1)
        self.assertEqual((got["VersionId"], got["TagSet"]), (v1, [{"Key": "v", "Value": "1"}]))
        put = self.s3.put_object_tagging(Bucket=b, Key="k", VersionId=v1,
                                         Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
        self.assertEqual(put["VersionId"], v1)
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="k", VersionId=v1)["TagSet"],
                         [{"Key": "old", "Value": "yes"}])
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="k")["TagSet"],
                         [{"Key": "v", "Value": "2"}])
        self.s3.delete_object_tagging(Bucket=b, Key="k", VersionId=v2)
        self.assertEqual(self.s3.get_object_tagging(Bucket=b, Key="k")["TagSet"], [])
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object_tagging, Bucket=b, Key="k",
                           VersionId=UNKNOWN_VERSION)

    def test_acl_by_version(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
        self.s3.put_object(Bucket=b, Key="k", Body=b"2")
        self.s3.put_object_acl(Bucket=b, Key="k", VersionId=v1, ACL="public-read")
        old = self.s3.get_object_acl(Bucket=b, Key="k", VersionId=v1)["Grants"]
        current = self.s3.get_object_acl(Bucket=b, Key="k")["Grants"]
        all_users = "http://acs.amazonaws.com/groups/global/AllUsers"
        self.assertIn(all_users, [g["Grantee"].get("URI") for g in old])
        self.assertNotIn(all_users, [g["Grantee"].get("URI") for g in current])
        # Anyone may now read that version, and only that one.
        anon = harness.boto3_client(self.endpoint, signed=False)
        self.addCleanup(anon.close)
        self.assertEqual(anon.get_object(Bucket=b, Key="k", VersionId=v1)["Body"].read(), b"1")
        self.assertS3Error("AccessDenied", 403, anon.get_object, Bucket=b, Key="k")
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object_acl, Bucket=b, Key="k",
                           VersionId=UNKNOWN_VERSION)


class _Any:
    def __eq__(self, other):
        return True

    def __repr__(self):
        return "ANY"


ANY = _Any()


class SuspendedTest(VersioningCase):
    def test_objects_from_before_versioning_are_the_null_version(self):
        self.s3.create_bucket(Bucket="bkt")
        self.s3.put_object(Bucket="bkt", Key="k", Body=b"plain")
        self.s3.put_bucket_versioning(Bucket="bkt", VersioningConfiguration={"Status": "Enabled"})
        self.assertEqual(self.s3.get_object(Bucket="bkt", Key="k")["VersionId"], "null")
        v1 = self.s3.put_object(Bucket="bkt", Key="k", Body=b"versioned")["VersionId"]
        self.assertEqual(self.all_versions("bkt"), [("k", v1, True, False),
                                                  ("k", "null", False, False)])
        self.assertEqual(self.body("bkt", "k", VersionId="null"), b"plain")

    def test_a_suspended_bucket_keeps_one_null_version(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"v1")["VersionId"]
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        put = self.s3.put_object(Bucket=b, Key="k", Body=b"null-1")
        self.assertEqual(put["VersionId"], "null")
        self.s3.put_object(Bucket=b, Key="k", Body=b"null-2")  # replaces the null version
        self.assertEqual(self.all_versions(b), [("k", "null", True, False),
                                                ("k", v1, False, False)])
        self.assertEqual(self.body(b, "k", VersionId="null"), b"null-2")
        # A delete puts a null marker in place of the null version.
        deleted = self.s3.delete_object(Bucket=b, Key="k")
        self.assertEqual((deleted["DeleteMarker"], deleted["VersionId"]), (True, "null"))
        self.assertEqual(self.all_versions(b), [("k", "null", True, True),
                                                ("k", v1, False, False)])
        # Re-enabled: new versions stack on the null marker.
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        v3 = self.s3.put_object(Bucket=b, Key="k", Body=b"v3")["VersionId"]
        self.assertEqual(self.all_versions(b), [("k", v3, True, False),
                                                ("k", "null", False, True),
                                                ("k", v1, False, False)])
        # Suspended again: a null write replaces the noncurrent null marker.
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Suspended"})
        self.s3.put_object(Bucket=b, Key="k", Body=b"null-3")
        self.assertEqual(self.all_versions(b), [("k", "null", True, False),
                                                ("k", v3, False, False),
                                                ("k", v1, False, False)])
        self.s3.delete_object(Bucket=b, Key="k", VersionId="null")
        self.assertEqual(self.body(b, "k"), b"v3")


class ListObjectVersionsTest(VersioningCase):
    def setUp(self):
        super().setUp()
        b = self.versioned_bucket("list")
        self.expected = []
        for key in ["a", "b/1", "b/2", "c"]:
            ids = [self.s3.put_object(Bucket=b, Key=key, Body=key.encode() * n)["VersionId"]
                   for n in (1, 2)]
            entries = [(key, ids[1], True, False), (key, ids[0], False, False)]
            if key == "c":
                marker = self.s3.delete_object(Bucket=b, Key=key)["VersionId"]
                entries = [(key, marker, True, True), (key, ids[1], False, False),
                           (key, ids[0], False, False)]
            self.expected += entries

    def test_everything_in_order(self):
        got = self.s3.list_object_versions(Bucket="list")
        self.assertFalse(got["IsTruncated"])
        self.assertEqual(got["MaxKeys"], 1000)
        self.assertEqual(self.all_versions("list"), self.expected)
        version = got["Versions"][0]
        self.assertEqual((version["Key"], version["Size"], version["StorageClass"]),
                         ("a", 2, "STANDARD"))
        self.assertEqual(version["ETag"], '"%s"' % hashlib.md5(b"aa").hexdigest())
        self.assertIn("ID", version["Owner"])
        self.assertIn("Owner", got["DeleteMarkers"][0])

    def test_pages_of_two_by_hand(self):
        seen, kw, pages = [], {}, 0
        bodies = []
        self.s3.meta.events.register("after-call.s3.ListObjectVersions",
                                     lambda http_response, **_: bodies.append(
                                         http_response.content))
        while True:
            page = self.s3.list_object_versions(Bucket="list", MaxKeys=2, **kw)
            pages += 1
            entries = entries_of(bodies[-1])
            self.assertLessEqual(len(entries), 2)
            seen += entries
            if not page["IsTruncated"]:
                break
            self.assertEqual(page["NextKeyMarker"], seen[-1][0])
            self.assertEqual(page["NextVersionIdMarker"], seen[-1][1])
            kw = {"KeyMarker": page["NextKeyMarker"],
                  "VersionIdMarker": page["NextVersionIdMarker"]}
        self.assertEqual(seen, self.expected)
        self.assertEqual(pages, 5)  # 9 entries

    def test_boto3_paginator(self):
        pages = list(self.s3.get_paginator("list_object_versions").paginate(
            Bucket="list", PaginationConfig={"PageSize": 2}))
        self.assertEqual(len(pages), 5)
        self.assertEqual(self.all_versions("list", PaginationConfig={"PageSize": 3}),
                         self.expected)

    def test_key_marker_alone_skips_the_whole_key(self):
        got = self.all_versions("list", KeyMarker="b/1")
        self.assertEqual(got, [e for e in self.expected if e[0] > "b/1"])

    def test_prefix_and_delimiter(self):
        got = self.s3.list_object_versions(Bucket="list", Delimiter="/")
        self.assertEqual([p["Prefix"] for p in got["CommonPrefixes"]], ["b/"])
        self.assertEqual(sorted({v["Key"] for v in got["Versions"]}), ["a", "c"])
        got = self.s3.list_object_versions(Bucket="list", Prefix="b/")
        self.assertEqual(len(got["Versions"]), 4)
        self.assertEqual(got["Prefix"], "b/")
        # A page boundary on the common prefix: the next page starts after it.
        first = self.s3.list_object_versions(Bucket="list", Delimiter="/", MaxKeys=3)
        self.assertTrue(first["IsTruncated"])
        self.assertEqual(first["NextKeyMarker"], "b/")
        self.assertNotIn("NextVersionIdMarker", first)
        rest = self.s3.list_object_versions(Bucket="list", Delimiter="/",
                                            KeyMarker=first["NextKeyMarker"])
        self.assertNotIn("CommonPrefixes", rest)
        self.assertEqual({v["Key"] for v in rest["Versions"]}, {"c"})

    def test_url_encoding(self):
        self.s3.put_object(Bucket="list", Key="sp ace+é", Body=b"x")
        got = self.s3.list_object_versions(Bucket="list", Prefix="sp", EncodingType="url")
        # The boto3 of Debian (1.26) leaves ListObjectVersions' keys encoded.
        self.assertEqual(got["Versions"][0]["Key"], "sp%20ace%2B%C3%A9")
        self.assertEqual(got["EncodingType"], "url")

    def test_bad_markers_and_max_keys(self):
        self.assertS3Error("InvalidArgument", 400, self.s3.list_object_versions, Bucket="list",
                           VersionIdMarker=self.expected[0][1])
        self.assertS3Error("InvalidArgument", 400, self.s3.list_object_versions, Bucket="list",
                           KeyMarker="a", VersionIdMarker="bogus")
        got = self.s3.list_object_versions(Bucket="list", MaxKeys=5000)
        self.assertEqual(got["MaxKeys"], 1000)
        self.assertEqual(len(got["Versions"]) + len(got["DeleteMarkers"]), 9)
        self.assertS3Error("NoSuchBucket", 404, self.s3.list_object_versions, Bucket="nope")


class EmptinessAndRestartTest(VersioningCase):
    def test_bucket_not_empty_until_every_version_is_gone(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"1")["VersionId"]
        marker = self.s3.delete_object(Bucket=b, Key="k")["VersionId"]
        self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket=b)
        self.s3.delete_object(Bucket=b, Key="k", VersionId=marker)
        self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket=b)
        self.s3.put_object(Bucket=b, Key="k", Body=b"2")
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1)
        self.assertS3Error("BucketNotEmpty", 409, self.s3.delete_bucket, Bucket=b)
        for key, version, _, _ in self.all_versions(b):
            self.s3.delete_object(Bucket=b, Key=key, VersionId=version)
        self.s3.delete_bucket(Bucket=b)
        self.assertS3Error("404", 404, self.s3.head_bucket, Bucket=b)

    def test_versions_survive_restart(self):
        b = self.versioned_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"small")["VersionId"]
        v2 = self.s3.put_object(Bucket=b, Key="k", Body=b"B" * BIG)["VersionId"]
        marker = self.s3.delete_object(Bucket=b, Key="k")["VersionId"]
        before = self.all_versions(b)
        self.server.restart()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
        self.assertEqual(self.all_versions(b), before)
        self.assertEqual(before, [("k", marker, True, True), ("k", v2, False, False),
                                  ("k", v1, False, False)])
        self.assertEqual(self.body(b, "k", VersionId=v1), b"small")
        self.assertEqual(self.body(b, "k", VersionId=v2), b"B" * BIG)
        # Ids stay ordered after a restart: a new version sorts first.
        v3 = self.s3.put_object(Bucket=b, Key="k", Body=b"after")["VersionId"]
        self.assertEqual(self.all_versions(b)[0], ("k", v3, True, False))


class CrashTest(VersioningCase):
    """SIGKILL while a client writes and deletes versions: after each restart
    the versions are exactly the acknowledged ones, or those plus the one
    operation in flight wholly applied; no blob file is orphaned or missing."""

    ROUNDS = 6

    def test_sigkill_keeps_exactly_the_acknowledged_versions(self):
        b = self.versioned_bucket()
        rng = random.Random(1234)
        model = {}  # key -> [(version id, is a marker, sha256 or None, size)] newest first
        for round_no in range(self.ROUNDS):
            stop = threading.Event()
            in_flight = []
            errors = []

            def work():
                s3 = harness.boto3_client(self.endpoint)
                try:
                    while not stop.is_set():
                        key = "k%d" % rng.randrange(3)
                        versions = model.setdefault(key, [])
                        choice = rng.random()
                        if choice < 0.5 or not versions:
                            body = bytes([rng.randrange(256)]) * rng.choice([10, BIG])
                            op = ("put", key, hashlib.sha256(body).hexdigest(), len(body))
                            in_flight[:] = [op]
                            v = s3.put_object(Bucket=b, Key=key, Body=body)["VersionId"]
                            versions.insert(0, (v, False, op[2], op[3]))
                        elif choice < 0.7:
                            in_flight[:] = [("mark", key)]
                            v = s3.delete_object(Bucket=b, Key=key)["VersionId"]
                            versions.insert(0, (v, True, None, 0))
                        else:
                            victim = rng.choice(versions)
                            in_flight[:] = [("drop", key, victim[0])]
                            s3.delete_object(Bucket=b, Key=key, VersionId=victim[0])
                            versions.remove(victim)
                        in_flight[:] = []
                except Exception as e:  # the kill ends the worker
                    errors.append(e)
                finally:
                    s3.close()

            worker = threading.Thread(target=work)
            worker.start()
            time.sleep(rng.uniform(0.05, 0.4))
            self.server.kill()
            stop.set()
            worker.join(30)
            self.server.start()
            self.s3 = harness.boto3_client(self.endpoint)
            self.addCleanup(self.s3.close)
            listed = {}
            for key, version, latest, marker in self.all_versions(b):
                listed.setdefault(key, []).append((version, marker))
            expected = {k: [(v[0], v[1]) for v in vs] for k, vs in model.items() if vs}
            if listed != expected:
                self.assertEqual(len(in_flight), 1, (round_no, listed, expected))
                op = in_flight[0]
                key = op[1]
                if op[0] == "drop":
                    expected[key] = [e for e in expected.get(key, []) if e[0] != op[2]]
                    if not expected[key]:
                        del expected[key]
                    model[key] = [v for v in model[key] if v[0] != op[2]]
                    self.assertEqual(listed, expected, round_no)
                else:
                    # Applied: one new version on top of that key, nothing else changed.
                    new = listed.get(key, [])[0]
                    self.assertEqual(new[1], op[0] == "mark")
                    expected[key] = [new] + expected.get(key, [])
                    self.assertEqual(listed, expected, round_no)
                    if op[0] == "put":
                        model[key].insert(0, (new[0], False, op[2], op[3]))
                    else:
                        model[key].insert(0, (new[0], True, None, 0))
            # Every version reads back byte for byte, and the blob files are exactly theirs.
            for key, versions in model.items():
                for v, marker, sha, size in versions:
                    if marker:
                        continue
                    data = self.body(b, key, VersionId=v)
                    self.assertEqual((hashlib.sha256(data).hexdigest(), len(data)), (sha, size))
            big = sum(1 for vs in model.values() for v in vs if v[3] == BIG)
            self.assertTrue(harness.poll(lambda: len(self.server.blob_files()) == big),
                            (round_no, len(self.server.blob_files()), big))


class VersionBillingTest(test_billing.BillingCase):
    def test_noncurrent_versions_are_stored_bytes(self):
        b = "versions-bill"
        self.s3.create_bucket(Bucket=b)
        self.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"\0" * (1 << 20))["VersionId"]
        self.s3.put_object(Bucket=b, Key="k", Body=b"\0" * (2 << 20))
        self.advance("P10D")
        self.s3.delete_object(Bucket=b, Key="k")  # a marker: nothing freed
        self.advance("P10D")
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1)  # 1 MiB freed
        self.advance("P10D")
        bill = self.bill()
        day = test_billing.DAY
        byte_seconds = (3 << 20) * 20 * day + (2 << 20) * 10 * day
        self.assertBill(bill, [
            test_billing.Line("TimedStorage-ByteHrs", byte_seconds, resource=b),
            # CreateBucket, PutBucketVersioning and two PUTs.
            test_billing.Line("Requests-Tier1", 4, resource=b),
        ])


class ObjectLockTest(VersioningCase):
    def now(self):
        text = harness.clock_now(self.endpoint)["now"]
        return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(
            tzinfo=datetime.timezone.utc)

    def locked_bucket(self, name="locked"):
        self.s3.create_bucket(Bucket=name, ObjectLockEnabledForBucket=True)
        return name

    def test_a_lock_bucket_is_versioned_for_good(self):
        b = self.locked_bucket()
        self.assertEqual(self.s3.get_bucket_versioning(Bucket=b)["Status"], "Enabled")
        config = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
        self.assertEqual(config, {"ObjectLockEnabled": "Enabled"})
        self.assertS3Error("InvalidBucketState", 409, self.s3.put_bucket_versioning, Bucket=b,
                           VersioningConfiguration={"Status": "Suspended"})

    def test_configuration_errors(self):
        self.s3.create_bucket(Bucket="plain")
        self.s3.put_object(Bucket="plain", Key="k", Body=b"x")
        self.assertS3Error("ObjectLockConfigurationNotFoundError", 404,
                           self.s3.get_object_lock_configuration, Bucket="plain")
        self.assertS3Error("InvalidBucketState", 409, self.s3.put_object_lock_configuration,
                           Bucket="plain",
                           ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
        err = self.assertS3Error("InvalidRequest", 400, self.s3.get_object_retention,
                                 Bucket="plain", Key="k")
        self.assertEqual(err["Error"]["Message"], "Bucket is missing Object Lock Configuration")
        self.assertS3Error("InvalidRequest", 400, self.s3.put_object, Bucket="plain", Key="k2",
                           Body=b"x", ObjectLockLegalHoldStatus="ON")
        b = self.locked_bucket()
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1, "Years": 1}}
        self.assertS3Error("MalformedXML", 400, self.s3.put_object_lock_configuration, Bucket=b,
                           ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule})
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 0}}
        self.assertS3Error("InvalidArgument", 400, self.s3.put_object_lock_configuration,
                           Bucket=b,
                           ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule})
        self.s3.put_object(Bucket=b, Key="free", Body=b"x")
        self.assertS3Error("NoSuchObjectLockConfiguration", 404, self.s3.get_object_retention,
                           Bucket=b, Key="free")
        past = self.now() - datetime.timedelta(days=1)
        self.assertS3Error("InvalidArgument", 400, self.s3.put_object_retention, Bucket=b,
                           Key="free", Retention={"Mode": "GOVERNANCE", "RetainUntilDate": past})
        self.assertS3Error("InvalidArgument", 400, self.s3.put_object, Bucket=b, Key="k",
                           Body=b"x", ObjectLockMode="GOVERNANCE")

    def test_default_governance_retention_and_its_bypass(self):
        b = self.locked_bucket()
        rule = {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}
        self.s3.put_object_lock_configuration(
            Bucket=b, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled", "Rule": rule})
        got = self.s3.get_object_lock_configuration(Bucket=b)["ObjectLockConfiguration"]
        self.assertEqual(got["Rule"], rule)
        start = self.now()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"kept")["VersionId"]
        head = self.s3.head_object(Bucket=b, Key="k")
        self.assertEqual(head["ObjectLockMode"], "GOVERNANCE")
        self.assertLessEqual(abs((head["ObjectLockRetainUntilDate"] - start).total_seconds()
                                 - 86400), 5)
        retention = self.s3.get_object_retention(Bucket=b, Key="k", VersionId=v1)["Retention"]
        self.assertEqual(retention["Mode"], "GOVERNANCE")
        err = self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket=b, Key="k",
                                 VersionId=v1)
        self.assertEqual(err["Error"]["Message"],
                         "Access Denied because object protected by object lock.")
        # A delete marker is no deletion of the version.
        self.assertTrue(self.s3.delete_object(Bucket=b, Key="k")["DeleteMarker"])
        result = self.s3.delete_objects(Bucket=b, Delete={"Objects": [
            {"Key": "k", "VersionId": v1}]})
        self.assertEqual(result["Errors"][0]["Code"], "AccessDenied")
        # Another account may not bypass, even when asking.
        bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        self.addCleanup(bob.close)
        self.assertS3Error("AccessDenied", 403, bob.delete_object, Bucket=b, Key="k",
                           VersionId=v1, BypassGovernanceRetention=True)
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1, BypassGovernanceRetention=True)
        self.assertS3Error("NoSuchVersion", 404, self.s3.get_object, Bucket=b, Key="k",
                           VersionId=v1)

    def test_compliance_yields_to_nobody_until_the_clock_passes(self):
        b = self.locked_bucket()
        until = self.now() + datetime.timedelta(days=1)
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"x", ObjectLockMode="COMPLIANCE",
                                ObjectLockRetainUntilDate=until)["VersionId"]
        got = self.s3.get_object(Bucket=b, Key="k")
        self.assertEqual((got["ObjectLockMode"], got["ObjectLockRetainUntilDate"]),
                         ("COMPLIANCE", until))
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket=b, Key="k",
                           VersionId=v1, BypassGovernanceRetention=True)
        shorter = until - datetime.timedelta(hours=1)
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket=b, Key="k",
                           Retention={"Mode": "COMPLIANCE", "RetainUntilDate": shorter},
                           BypassGovernanceRetention=True)
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket=b, Key="k",
                           Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until},
                           BypassGovernanceRetention=True)
        longer = until + datetime.timedelta(days=1)
        self.s3.put_object_retention(Bucket=b, Key="k",
                                     Retention={"Mode": "COMPLIANCE", "RetainUntilDate": longer})
        self.assertEqual(self.s3.get_object_retention(Bucket=b, Key="k")["Retention"],
                         {"Mode": "COMPLIANCE", "RetainUntilDate": longer})
        # Retention survives a restart, and the simulation clock ends it.
        self.server.restart()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket=b, Key="k",
                           VersionId=v1)
        harness.advance_clock(self.endpoint, "P3D")
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1)
        self.assertEqual(self.all_versions(b), [])

    def test_governance_retention_shortened_or_removed_only_with_bypass(self):
        b = self.locked_bucket()
        self.s3.put_object(Bucket=b, Key="k", Body=b"x")
        until = self.now() + datetime.timedelta(days=2)
        self.s3.put_object_retention(Bucket=b, Key="k",
                                     Retention={"Mode": "GOVERNANCE", "RetainUntilDate": until})
        shorter = until - datetime.timedelta(days=1)
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket=b, Key="k",
                           Retention={"Mode": "GOVERNANCE", "RetainUntilDate": shorter})
        self.s3.put_object_retention(Bucket=b, Key="k", BypassGovernanceRetention=True,
                                     Retention={"Mode": "GOVERNANCE", "RetainUntilDate": shorter})
        self.assertEqual(self.s3.get_object_retention(Bucket=b, Key="k")["Retention"],
                         {"Mode": "GOVERNANCE", "RetainUntilDate": shorter})
        self.assertS3Error("AccessDenied", 403, self.s3.put_object_retention, Bucket=b, Key="k",
                           Retention={})
        self.s3.put_object_retention(Bucket=b, Key="k", Retention={},
                                     BypassGovernanceRetention=True)
        self.assertS3Error("NoSuchObjectLockConfiguration", 404, self.s3.get_object_retention,
                           Bucket=b, Key="k")

    def test_legal_hold(self):
        b = self.locked_bucket()
        v1 = self.s3.put_object(Bucket=b, Key="k", Body=b"x",
                                ObjectLockLegalHoldStatus="ON")["VersionId"]
        self.assertEqual(self.s3.head_object(Bucket=b, Key="k")["ObjectLockLegalHoldStatus"], "ON")
        self.assertEqual(self.s3.get_object_legal_hold(Bucket=b, Key="k")["LegalHold"],
                         {"Status": "ON"})
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket=b, Key="k",
                           VersionId=v1, BypassGovernanceRetention=True)
        self.s3.put_object_legal_hold(Bucket=b, Key="k", VersionId=v1,
                                      LegalHold={"Status": "OFF"})
        self.assertEqual(self.s3.get_object_legal_hold(Bucket=b, Key="k")["LegalHold"],
                         {"Status": "OFF"})
        self.assertNotIn("ObjectLockLegalHoldStatus", self.s3.head_object(Bucket=b, Key="k"))
        self.s3.put_object_legal_hold(Bucket=b, Key="k", LegalHold={"Status": "ON"})
        self.assertS3Error("AccessDenied", 403, self.s3.delete_object, Bucket=b, Key="k",
                           VersionId=v1)
        self.s3.put_object_legal_hold(Bucket=b, Key="k", LegalHold={"Status": "OFF"})
        self.s3.delete_object(Bucket=b, Key="k", VersionId=v1)
        self.assertS3Error("InvalidArgument", 400, self.s3.put_object, Bucket=b, Key="k",
                           Body=b"x", ObjectLockLegalHoldStatus="MAYBE")


class AwsCliVersioningTest(harness.ServerTestCase):
    def aws(self, *args, check=True):
        argv = [harness.AWS_CLI, "--endpoint-url", self.endpoint, "--no-cli-pager",
                "--output", "json"] + list(args)
        done = self.run_client(argv, timeout=60)
        if check and done.returncode != 0:
            self.fail("aws %s exited %d: %s" % (" ".join(args), done.returncode,
                                                done.stderr.decode("utf-8", "replace")))
        out = done.stdout.decode("utf-8")
        return (json.loads(out) if out.strip() else {}), done

    def test_s3api_versioning_round_trip(self):
        self.aws("s3api", "create-bucket", "--bucket", "cli")
        got, _ = self.aws("s3api", "get-bucket-versioning", "--bucket", "cli")
        self.assertNotIn("Status", got)
        self.aws("s3api", "put-bucket-versioning", "--bucket", "cli",
                 "--versioning-configuration", "Status=Enabled")
        got, _ = self.aws("s3api", "get-bucket-versioning", "--bucket", "cli")
        self.assertEqual(got["Status"], "Enabled")
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = tmp + "/body"
        ids = []
        for text in ("one", "two"):
            with open(path, "w") as f:
                f.write(text)
            put, _ = self.aws("s3api", "put-object", "--bucket", "cli", "--key", "k",
                              "--body", path)
            self.assertRegex(put["VersionId"], VERSION_ID)
            ids.append(put["VersionId"])
        out = path + "-out"
        got, _ = self.aws("s3api", "get-object", "--bucket", "cli", "--key", "k",
                          "--version-id", ids[0], out)
        self.assertEqual(got["VersionId"], ids[0])
        with open(out) as f:
            self.assertEqual(f.read(), "one")
        listed, _ = self.aws("s3api", "list-object-versions", "--bucket", "cli",
                             "--max-items", "1")
        self.assertEqual([v["VersionId"] for v in listed["Versions"]], [ids[1]])
        self.assertIn("NextToken", listed)
        listed, _ = self.aws("s3api", "list-object-versions", "--bucket", "cli",
                             "--page-size", "1")
        self.assertEqual([v["VersionId"] for v in listed["Versions"]], [ids[1], ids[0]])
        deleted, _ = self.aws("s3api", "delete-object", "--bucket", "cli", "--key", "k")
        self.assertTrue(deleted["DeleteMarker"])
        _, done = self.aws("s3api", "get-object", "--bucket", "cli", "--key", "k", out,
                           check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"NoSuchKey", done.stderr)
        _, done = self.aws("s3api", "get-object", "--bucket", "cli", "--key", "k",
                           "--version-id", "bogus", out, check=False)
        self.assertIn(b"InvalidArgument", done.stderr)
        for version in [deleted["VersionId"]] + ids:
            gone, _ = self.aws("s3api", "delete-object", "--bucket", "cli", "--key", "k",
                               "--version-id", version)
            self.assertEqual(gone["VersionId"], version)
        _, done = self.aws("s3api", "delete-bucket", "--bucket", "cli")
        self.assertEqual(done.returncode, 0)

    def test_s3api_object_lock(self):
        self.aws("s3api", "create-bucket", "--bucket", "vault", "--object-lock-enabled-for-bucket")
        self.aws("s3api", "put-object-lock-configuration", "--bucket", "vault",
                 "--object-lock-configuration",
                 '{"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": '
                 '{"Mode": "GOVERNANCE", "Days": 1}}}')
        got, _ = self.aws("s3api", "get-object-lock-configuration", "--bucket", "vault")
        self.assertEqual(got["ObjectLockConfiguration"]["Rule"]["DefaultRetention"],
                         {"Mode": "GOVERNANCE", "Days": 1})
        tmp = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, tmp)
        path = tmp + "/body"
        with open(path, "w") as f:
            f.write("kept")
        put, _ = self.aws("s3api", "put-object", "--bucket", "vault", "--key", "k", "--body", path)
        retention, _ = self.aws("s3api", "get-object-retention", "--bucket", "vault", "--key", "k")
        self.assertEqual(retention["Retention"]["Mode"], "GOVERNANCE")
        # Deleting the protected version is refused, unless governance is bypassed.
        _, done = self.aws("s3api", "delete-object", "--bucket", "vault", "--key", "k",
                           "--version-id", put["VersionId"], check=False)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn(b"AccessDenied", done.stderr)
        # A legal hold protects it even from the bypass.
        self.aws("s3api", "put-object-legal-hold", "--bucket", "vault", "--key", "k",
                 "--legal-hold", "Status=ON")
        _, done = self.aws("s3api", "delete-object", "--bucket", "vault", "--key", "k",
                           "--version-id", put["VersionId"], "--bypass-governance-retention",
                           check=False)
        self.assertIn(b"AccessDenied", done.stderr)
        self.aws("s3api", "put-object-legal-hold", "--bucket", "vault", "--key", "k",
                 "--legal-hold", "Status=OFF")
        gone, _ = self.aws("s3api", "delete-object", "--bucket", "vault", "--key", "k",
                           "--version-id", put["VersionId"], "--bypass-governance-retention")
        self.assertEqual(gone["VersionId"], put["VersionId"])


if __name__ == "__main__":
    unittest.main()
