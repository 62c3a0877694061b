"""S3 lifecycle configuration against the real awslab-server: boto3 and the
aws CLI (Debian's) set, read and delete a bucket's lifecycle rules, with AWS's
validation errors; and the rules act on the simulation clock: once
harness.advance_clock moves past an object's expiry (LastModified + Days,
rounded up to the next midnight UTC, or a rule's Date), the object is gone
from GET, HEAD and listings, and incomplete multipart uploads are aborted.

What each case expects is what S3 answers; see docs/s3-lifecycle.md.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_lifecycle
"""

import datetime
import json
import os
import tempfile
import unittest


import harness

DAY = datetime.timedelta(days=1)


def parse_now(answer):
    return datetime.datetime.strptime(answer["now"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc)


def next_midnight(t):
    m = t.replace(hour=0, minute=0, second=0, microsecond=0)
    return m if m == t else m + DAY


def seconds(delta):
    return "PT%dS" % int(delta.total_seconds())


class LifecycleTestCase(harness.S3ErrorAssertions, harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="logs")

    def now(self):
        return parse_now(harness.clock_now(self.endpoint))

    def advance_to(self, t):
        now = self.now()
        self.assertLess(now, t)
        # Whole seconds, rounded up: never short of `t`.
        delta = t - now
        secs = int(delta.total_seconds()) + (1 if delta.microseconds else 0)
        harness.advance_clock(self.endpoint, "PT%dS" % secs)

    def keys(self, bucket="logs"):
        return [o["Key"] for o in self.s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


class Boto3LifecycleConfigTest(LifecycleTestCase):
    RULES = [
        {"ID": "expire-logs", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
         "Expiration": {"Days": 30}},
        {"ID": "tagged-big", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "data/", "Tags": [{"Key": "tier", "Value": "tmp"}],
                            "ObjectSizeGreaterThan": 1024, "ObjectSizeLessThan": 1048576}},
         "Expiration": {"Date": datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)}},
        {"ID": "archive", "Filter": {"Tag": {"Key": "archive", "Value": "yes"}},
         "Status": "Disabled",
         "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
         "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "STANDARD_IA"}],
         "NoncurrentVersionExpiration": {"NoncurrentDays": 365, "NewerNoncurrentVersions": 3}},
        {"ID": "uploads", "Filter": {}, "Status": "Enabled",
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
        {"ID": "markers", "Filter": {"ObjectSizeLessThan": 10}, "Status": "Enabled",
         "Expiration": {"ExpiredObjectDeleteMarker": True}},
    ]

    def test_round_trip_and_delete(self):
        self.assertS3Error("NoSuchLifecycleConfiguration", 404,
                           self.s3.get_bucket_lifecycle_configuration,
                           "The lifecycle configuration does not exist", Bucket="logs")
        self.s3.put_bucket_lifecycle_configuration(
            Bucket="logs", LifecycleConfiguration={"Rules": self.RULES})
        got = self.s3.get_bucket_lifecycle_configuration(Bucket="logs")["Rules"]
        self.assertEqual(got, self.RULES)
        r = self.s3.delete_bucket_lifecycle(Bucket="logs")
        self.assertEqual(r["ResponseMetadata"]["HTTPStatusCode"], 204)
        self.assertS3Error("NoSuchLifecycleConfiguration", 404,
                           self.s3.get_bucket_lifecycle_configuration, Bucket="logs")
        self.s3.delete_bucket_lifecycle(Bucket="logs")  # none: still 204

    def test_legacy_prefix_and_generated_id(self):
        self.s3.put_bucket_lifecycle_configuration(Bucket="logs", LifecycleConfiguration={
            "Rules": [{"Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 1}}]})
        rule = self.s3.get_bucket_lifecycle_configuration(Bucket="logs")["Rules"][0]
        self.assertEqual(rule["Prefix"], "old/")
        self.assertNotIn("Filter", rule)
        self.assertTrue(rule["ID"])  # S3 names a rule sent without one

    def test_validation_errors(self):
        def put(*rules):
            return dict(Bucket="logs", LifecycleConfiguration={"Rules": list(rules)})
        def rule(**kw):
            r = {"ID": "r", "Filter": {"Prefix": ""}, "Status": "Enabled"}
            r.update(kw)
            return r
        fn = self.s3.put_bucket_lifecycle_configuration
        self.assertS3Error("InvalidArgument", 400, fn,
                           "'Days' for Expiration action must be a positive integer",
                           **put(rule(Expiration={"Days": 0})))
        self.assertS3Error("InvalidArgument", 400, fn,
                           "'Days' for Expiration action must be a positive integer",
                           **put(rule(Expiration={"Days": -3})))
        self.assertS3Error("InvalidArgument", 400, fn, "'Date' must be at midnight GMT",
                           **put(rule(Expiration={"Date": datetime.datetime(
                               2030, 1, 1, 12, tzinfo=datetime.timezone.utc)})))
        self.assertS3Error("InvalidArgument", 400, fn,
                           "Rule ID must be unique. Found same ID for more than one rule",
                           **put(rule(Expiration={"Days": 1}), rule(Expiration={"Days": 2})))
        self.assertS3Error("InvalidArgument", 400, fn,
                           "ID length should not exceed allowed limit of 255",
                           **put(rule(ID="x" * 256, Expiration={"Days": 1})))
        self.assertS3Error("InvalidRequest", 400, fn,
                           "At least one action needs to be specified in a rule", **put(rule()))
        self.assertS3Error("InvalidRequest", 400, fn,
                           "ExpiredObjectDeleteMarker cannot be specified with Days or Date in "
                           "a Lifecycle Expiration Policy.",
                           **put(rule(Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True})))
        self.assertS3Error(
            "InvalidArgument", 400, fn,
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
            **put(rule(NoncurrentVersionExpiration={"NoncurrentDays": 0})))
        self.assertS3Error(
            "InvalidArgument", 400, fn,
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive "
            "integer", **put(rule(AbortIncompleteMultipartUpload={"DaysAfterInitiation": 0})))
        self.assertS3Error("InvalidRequest", 400, fn,
                           "AbortIncompleteMultipartUpload cannot be specified with Tags.",
                           **put(rule(Filter={"Tag": {"Key": "a", "Value": "b"}},
                                      AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1})))
        # What the schema does not allow.
        self.assertS3Error("MalformedXML", 400, fn,
                           **put(rule(Status="On", Expiration={"Days": 1})))
        no_filter = {"ID": "r", "Status": "Enabled", "Expiration": {"Days": 1}}
        self.assertS3Error("MalformedXML", 400, fn, **put(no_filter))
        both = dict(no_filter, Prefix="a/", Filter={"Prefix": "a/"})
        self.assertS3Error("MalformedXML", 400, fn, **put(both))
        two = rule(Filter={"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}},
                   Expiration={"Days": 1})
        self.assertS3Error("MalformedXML", 400, fn, **put(two))
        self.assertS3Error("MalformedXML", 400, fn, **put())
        # Nothing was stored.
        self.assertS3Error("NoSuchLifecycleConfiguration", 404,
                           self.s3.get_bucket_lifecycle_configuration, Bucket="logs")

    def test_bucket_and_access_errors(self):
        config = {"Rules": [{"ID": "r", "Filter": {}, "Status": "Enabled",
                             "Expiration": {"Days": 1}}]}
        self.assertS3Error("NoSuchBucket", 404, self.s3.put_bucket_lifecycle_configuration,
                           Bucket="nope", LifecycleConfiguration=config)
        alice = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.addCleanup(alice.close)
        self.assertS3Error("AccessDenied", 403, alice.put_bucket_lifecycle_configuration,
                           Bucket="logs", LifecycleConfiguration=config)
        self.assertS3Error("AccessDenied", 403, alice.get_bucket_lifecycle_configuration,
                           Bucket="logs")
        self.assertS3Error("AccessDenied", 403, alice.delete_bucket_lifecycle, Bucket="logs")

    def test_configuration_survives_restart(self):
        self.s3.put_bucket_lifecycle_configuration(
            Bucket="logs", LifecycleConfiguration={"Rules": self.RULES})
        self.server.restart()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        self.assertEqual(s3.get_bucket_lifecycle_configuration(Bucket="logs")["Rules"],
                         self.RULES)


class AwsCliLifecycleTest(harness.ServerTestCase):
    def test_put_get_delete(self):
        env = harness.client_env()
        def aws(*args):
            return self.run_client([harness.AWS_CLI, "--endpoint-url", self.endpoint] +
                                   list(args), env=env)
        self.assertEqual(aws("s3", "mb", "s3://cli-logs").returncode, 0)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump({"Rules": [{"ID": "week", "Filter": {"Prefix": "tmp/"},
                                  "Status": "Enabled", "Expiration": {"Days": 7}}]}, f)
        self.addCleanup(os.unlink, f.name)
        p = aws("s3api", "put-bucket-lifecycle-configuration", "--bucket", "cli-logs",
                "--lifecycle-configuration", "file://" + f.name)
        self.assertEqual(p.returncode, 0, p.stderr)
        p = aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", "cli-logs")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(json.loads(p.stdout)["Rules"],
                         [{"ID": "week", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                           "Expiration": {"Days": 7}}])
        self.assertEqual(aws("s3api", "delete-bucket-lifecycle", "--bucket",
                             "cli-logs").returncode, 0)
        p = aws("s3api", "get-bucket-lifecycle-configuration", "--bucket", "cli-logs")
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("NoSuchLifecycleConfiguration", p.stderr.decode())


class LifecycleExpiryTest(LifecycleTestCase):
    def put_rules(self, *rules, bucket="logs"):
        self.s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)})

    def test_days_rule_expires_at_the_next_midnight(self):
        self.put_rules({"ID": "two-days", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
                        "Expiration": {"Days": 2}})
        put = self.s3.put_object(Bucket="logs", Key="logs/a.txt", Body=b"a" * 100)
        self.s3.put_object(Bucket="logs", Key="keep.txt", Body=b"k")
        head = self.s3.head_object(Bucket="logs", Key="logs/a.txt")
        self.assertEqual(put["Expiration"], head["Expiration"])
        expiry = next_midnight(head["LastModified"] + 2 * DAY)
        self.assertEqual(head["Expiration"],
                         'expiry-date="%s", rule-id="two-days"' %
                         expiry.strftime("%a, %d %b %Y %H:%M:%S GMT"))
        self.assertNotIn("Expiration", self.s3.head_object(Bucket="logs", Key="keep.txt"))
        # A minute before: still there.
        self.advance_to(expiry - datetime.timedelta(minutes=1))
        self.assertEqual(self.keys(), ["keep.txt", "logs/a.txt"])
        # Past it: gone from listings, GET and HEAD.
        harness.advance_clock(self.endpoint, "PT2M")
        self.assertEqual(self.keys(), ["keep.txt"])
        self.assertS3Error("NoSuchKey", 404, self.s3.get_object, Bucket="logs", Key="logs/a.txt")
        # An object written later has its own expiry.
        self.s3.put_object(Bucket="logs", Key="logs/b.txt", Body=b"b")
        self.assertEqual(self.keys(), ["keep.txt", "logs/b.txt"])

    def test_date_rule_with_tag_and_size_filter(self):
        midnight = next_midnight(self.now() + 3 * DAY)
        self.put_rules({"ID": "cleanup", "Status": "Enabled",
                        "Filter": {"And": {"Tags": [{"Key": "tier", "Value": "tmp"}],
                                           "ObjectSizeGreaterThan": 10}},
                        "Expiration": {"Date": midnight}})
        self.s3.put_object(Bucket="logs", Key="big-tmp", Body=b"x" * 100, Tagging="tier=tmp")
        self.s3.put_object(Bucket="logs", Key="small-tmp", Body=b"x", Tagging="tier=tmp")
        self.s3.put_object(Bucket="logs", Key="big-kept", Body=b"x" * 100, Tagging="tier=gold")
        self.advance_to(midnight - datetime.timedelta(seconds=30))
        self.assertEqual(self.keys(), ["big-kept", "big-tmp", "small-tmp"])
        harness.advance_clock(self.endpoint, "PT1M")
        self.assertEqual(self.keys(), ["big-kept", "small-tmp"])

    def test_disabled_rule_does_nothing(self):
        self.put_rules({"ID": "off", "Filter": {}, "Status": "Disabled",
                        "Expiration": {"Days": 1}})
        self.s3.put_object(Bucket="logs", Key="a", Body=b"a")
        harness.advance_clock(self.endpoint, "P5D")
        self.assertEqual(self.keys(), ["a"])

    def test_a_long_jump_expires_everything_due(self):
        self.put_rules({"ID": "r", "Filter": {}, "Status": "Enabled",
                        "Expiration": {"Days": 30}})
        for i in range(5):
            self.s3.put_object(Bucket="logs", Key="k%d" % i, Body=b"x" * 1000)
        harness.advance_clock(self.endpoint, "P365D")
        self.assertEqual(self.keys(), [])
        # Emptied by the rules, the bucket can be deleted.
        self.s3.delete_bucket(Bucket="logs")

    def test_incomplete_uploads_are_aborted(self):
        self.put_rules({"ID": "uploads", "Filter": {"Prefix": "up/"}, "Status": "Enabled",
                        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}})
        stale = self.s3.create_multipart_upload(Bucket="logs", Key="up/big")["UploadId"]
        self.s3.upload_part(Bucket="logs", Key="up/big", UploadId=stale, PartNumber=1,
                            Body=b"p" * 1000)
        other = self.s3.create_multipart_upload(Bucket="logs", Key="other")["UploadId"]
        harness.advance_clock(self.endpoint, "P3D")
        uploads = self.s3.list_multipart_uploads(Bucket="logs").get("Uploads", [])
        self.assertEqual([u["UploadId"] for u in uploads], [other])
        self.assertS3Error("NoSuchUpload", 404, self.s3.list_parts, Bucket="logs",
                           Key="up/big", UploadId=stale)

    def test_expiry_after_restart(self):
        self.put_rules({"ID": "r", "Filter": {}, "Status": "Enabled",
                        "Expiration": {"Days": 1}})
        self.s3.put_object(Bucket="logs", Key="a", Body=b"a")
        self.server.restart()
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        self.assertEqual([o["Key"] for o in s3.list_objects_v2(Bucket="logs")["Contents"]], ["a"])
        harness.advance_clock(self.endpoint, "P3D")
        self.assertNotIn("Contents", s3.list_objects_v2(Bucket="logs"))

    def test_deleting_the_configuration_stops_expiry(self):
        self.put_rules({"ID": "r", "Filter": {}, "Status": "Enabled",
                        "Expiration": {"Days": 1}})
        self.s3.put_object(Bucket="logs", Key="a", Body=b"a")
        self.s3.delete_bucket_lifecycle(Bucket="logs")
        harness.advance_clock(self.endpoint, "P3D")
        self.assertEqual(self.keys(), ["a"])


class LateRuleTest(LifecycleTestCase):
    def test_a_rule_put_after_the_expiry_date_applies_within_a_second(self):
        # The periodic sweep runs when the clock passes a midnight or when a
        # configuration changes: an object already past a new rule's expiry
        # goes at once, without waiting for the next midnight.
        self.s3.put_object(Bucket="logs", Key="old/a", Body=b"a")
        harness.advance_clock(self.endpoint, "P5D")
        self.assertEqual(self.keys(), ["old/a"])
        self.s3.put_bucket_lifecycle_configuration(Bucket="logs", LifecycleConfiguration={
            "Rules": [{"ID": "r", "Filter": {"Prefix": "old/"}, "Status": "Enabled",
                       "Expiration": {"Days": 1}}]})
        self.assertTrue(harness.poll(lambda: self.keys() == [], timeout=10, interval=0.1))


class VersionedExpiryTest(LifecycleTestCase):
    """Lifecycle in a versioned bucket: Expiration adds a delete marker and
    keeps the data as a noncurrent version, NoncurrentVersionExpiration
    deletes noncurrent versions for good NoncurrentDays after they became
    noncurrent (at the next midnight), ExpiredObjectDeleteMarker removes a
    marker with no version left, and Object Lock keeps what it protects."""

    def versions(self, bucket="logs"):
        out = self.s3.list_object_versions(Bucket=bucket)
        return (sorted((v["Key"], v["IsLatest"]) for v in out.get("Versions", [])),
                sorted((m["Key"], m["IsLatest"]) for m in out.get("DeleteMarkers", [])))

    def test_expiration_noncurrent_expiration_and_expired_markers(self):
        self.s3.put_bucket_versioning(Bucket="logs",
                                      VersioningConfiguration={"Status": "Enabled"})
        self.s3.put_bucket_lifecycle_configuration(Bucket="logs", LifecycleConfiguration={
            "Rules": [{"ID": "age", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                       "Expiration": {"Days": 2},
                       "NoncurrentVersionExpiration": {"NoncurrentDays": 1}},
                      {"ID": "markers", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                       "Expiration": {"ExpiredObjectDeleteMarker": True}}]})
        self.s3.put_object(Bucket="logs", Key="tmp/a", Body=b"first")
        self.s3.put_object(Bucket="logs", Key="tmp/a", Body=b"second")
        self.s3.put_object(Bucket="logs", Key="keep", Body=b"k")
        # After a day and a bit (past the next midnight + 1 day), the first
        # version, noncurrent since the second was written, is gone for good.
        self.advance_to(next_midnight(self.now() + DAY) + datetime.timedelta(minutes=1))
        self.assertEqual(self.versions(), ([("keep", True), ("tmp/a", True)], []))
        self.assertEqual(self.s3.get_object(Bucket="logs", Key="tmp/a")["Body"].read(), b"second")
        # Past the current version's expiry: a delete marker on top, the data kept.
        harness.advance_clock(self.endpoint, "P2D")
        self.assertEqual(self.keys(), ["keep"])
        self.assertEqual(self.versions(), ([("keep", True), ("tmp/a", False)], [("tmp/a", True)]))
        # A day later that noncurrent version goes too, and then the marker,
        # left with no version, is an expired object delete marker: removed.
        harness.advance_clock(self.endpoint, "P2D")
        self.assertEqual(self.versions(), ([("keep", True)], []))

    def test_object_lock_keeps_a_noncurrent_version(self):
        self.s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
        self.s3.put_bucket_lifecycle_configuration(Bucket="locked", LifecycleConfiguration={
            "Rules": [{"ID": "old", "Filter": {}, "Status": "Enabled",
                       "NoncurrentVersionExpiration": {"NoncurrentDays": 1}}]})
        held = self.s3.put_object(Bucket="locked", Key="k", Body=b"held",
                                  ObjectLockLegalHoldStatus="ON")
        self.s3.put_object(Bucket="locked", Key="k", Body=b"free-1")
        self.s3.put_object(Bucket="locked", Key="k", Body=b"free-2")
        harness.advance_clock(self.endpoint, "P3D")
        left = self.s3.list_object_versions(Bucket="locked")["Versions"]
        self.assertEqual(sorted(v["VersionId"] for v in left if not v["IsLatest"]),
                         [held["VersionId"]])
        self.assertEqual(len(left), 2)


class FastClockExpiryTest(harness.ServerTestCase):
    """With --time-scale, the clock runs by itself: the periodic sweep expires
    objects with no POST to the clock."""

    server_args = ("--time-scale", "100000")  # a day in under a second

    def test_expires_as_the_clock_runs(self):
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        s3.create_bucket(Bucket="fast")
        s3.put_bucket_lifecycle_configuration(Bucket="fast", LifecycleConfiguration={
            "Rules": [{"ID": "r", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                       "Expiration": {"Days": 2}}]})
        s3.put_object(Bucket="fast", Key="tmp/a", Body=b"a")
        s3.put_object(Bucket="fast", Key="keep", Body=b"k")

        def keys():
            return [o["Key"] for o in s3.list_objects_v2(Bucket="fast").get("Contents", [])]
        self.assertEqual(harness.poll(lambda: keys() == ["keep"], timeout=15, interval=0.2), True)


import test_billing  # noqa: E402  (its BillingCase: a frozen clock from 2013-04-01)


class LifecycleBillTest(test_billing.BillingCase):
    def test_expired_bytes_leave_the_bill_at_their_expiry(self):
        # The clock stands at 2013-04-01T00:00:00Z; a 10-day rule expires the
        # object at 2013-04-11T00:00:00Z, in the middle of a 30-day jump.
        self.s3.create_bucket(Bucket="aging")
        self.s3.put_bucket_lifecycle_configuration(Bucket="aging", LifecycleConfiguration={
            "Rules": [{"ID": "ten-days", "Filter": {"Prefix": "tmp/"}, "Status": "Enabled",
                       "Expiration": {"Days": 10}}]})
        self.s3.put_object(Bucket="aging", Key="tmp/x", Body=b"\0" * 2 ** 20)
        self.s3.put_object(Bucket="aging", Key="keep", Body=b"\0" * 2 ** 20)
        self.advance("P30D")
        self.assertBill(self.bill(), [
            test_billing.Line("TimedStorage-ByteHrs",
                              2 ** 20 * 10 * test_billing.DAY + 2 ** 20 * 30 * test_billing.DAY,
                              resource="aging"),
            # CreateBucket, PutBucketLifecycleConfiguration and two PUTs.
            test_billing.Line("Requests-Tier1", 4, resource="aging"),
        ])
        self.assertEqual([o["Key"] for o in self.s3.list_objects_v2(Bucket="aging")["Contents"]],
                         ["keep"])


if __name__ == "__main__":
    unittest.main()
