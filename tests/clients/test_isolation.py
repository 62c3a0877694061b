"""Isolation between accounts, against the real awslab-server with Debian's
boto3: every S3 and EC2 operation a caller can aim at another account's
resources, the admin API for non-admin keys, secrets in the log, and where the
server listens.

- S3: alice's private bucket with everything a bucket can have (an object
  with tags and an ACL, bucket tags, a policy, CORS, Block Public Access,
  Object Ownership, a multipart upload in progress). Another account (bob)
  and an anonymous caller try every operation on it: each is 403
  AccessDenied (a HEAD: 403 without a body), and afterwards alice's bucket is
  exactly as it was.
- EC2: alice's instance, key pair, security group, Elastic IP (associated),
  volume, VPC and subnet. Bob names each in every operation that takes it:
  he gets the NotFound error EC2 gives for an id that is not his
  (InvalidInstanceID.NotFound, InvalidGroup.NotFound, ...), as if it did not
  exist, and alice's resources are unchanged.
- The admin API (/_awslab/) answers its admin-only routes 403 to alice and
  bob; every route 403 to an unsigned or badly signed request; Cost Explorer
  shows a non-admin key its own account only.
- The secrets of the accounts never appear in the server's log (run without
  --quiet), whatever the requests, good or bad.
- The server listens on 127.0.0.1 unless told otherwise, and says so loudly
  when told 0.0.0.0 (no connection is made from outside loopback).

Existing suites cover part of this and are not repeated here: test_boto3.py
(private bucket: Get/Put/List/DeleteObject, GetBucketLocation, DeleteBucket,
HeadObject and HeadBucket refused to another account; ListBuckets lists the
caller's), test_acl_matrix.py (canned ACLs x callers for list, get, put,
delete, get-acl; PutBucketAcl, ListParts, AbortMultipartUpload and a copy
from a private source refused to another account), test_cors.py (bucket CORS
calls refused), test_access.py (policies, Block Public Access), test_ec2_boto3.py
and test_ec2_awscli.py (another account's instance: DescribeInstances and
TerminateInstances are InvalidInstanceID.NotFound; its default group is
InvalidGroup.NotFound; key pair names are per account), test_billing.py
AccessTest (bills of other accounts, the class bill, the account list and
moving the clock refused to a non-admin key).

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_isolation
"""

import json
import os
import re
import secrets
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from botocore.exceptions import ClientError

import harness
from harness import (ALICE_ACCOUNT_ID, ALICE_KEY, BOB_ACCOUNT_ID, BOB_KEY, DEFAULT_ACCOUNT_ID,
                     DEFAULT_KEY)

DSI_TEMPLATE = "ami-d1737bb8"  # the course's image in us-east-1 (fixtures/ec2/images.tsv)
# The simulation clock stands still and instances change state at once.
EC2_ARGS = ("--time-scale", "0", "--ec2-pending", "0", "--ec2-stopping", "0",
            "--ec2-shutting-down", "0")


def outcome(fn, *args, **kwargs):
    """(HTTP status, error code or None) of a boto3 call."""
    try:
        response = fn(*args, **kwargs)
        return response["ResponseMetadata"]["HTTPStatusCode"], None
    except ClientError as e:
        return (e.response["ResponseMetadata"]["HTTPStatusCode"],
                e.response.get("Error", {}).get("Code"))


# ---------------------------------------------------------------------------
# S3

BUCKET = "alices-private"
OBJECT = "secret.txt"
BODY = b"for alice only"
POLICY = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Sid": "NoDeleteOfTheBucket", "Effect": "Deny", "Principal": "*",
                   "Action": "s3:DeleteBucket",
                   "Resource": "arn:aws:s3:::%s" % BUCKET}]})
CORS = {"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["https://alice.example"]}]}


class S3IsolationTest(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.alice = self.client(ALICE_KEY)
        self.bob = self.client(BOB_KEY)
        self.anon = self.client(None)
        a = self.alice
        a.create_bucket(Bucket=BUCKET)
        a.put_object(Bucket=BUCKET, Key=OBJECT, Body=BODY, Metadata={"owner": "alice"},
                     Tagging="class=secret")
        a.put_object(Bucket=BUCKET, Key="other.txt", Body=b"more")
        a.put_bucket_tagging(Bucket=BUCKET, Tagging={"TagSet": [{"Key": "team", "Value": "a"}]})
        a.put_bucket_policy(Bucket=BUCKET, Policy=POLICY)
        a.put_bucket_cors(Bucket=BUCKET, CORSConfiguration=CORS)
        a.put_public_access_block(Bucket=BUCKET, PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False,
            "RestrictPublicBuckets": False})
        a.put_bucket_ownership_controls(Bucket=BUCKET, OwnershipControls={
            "Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]})
        self.upload = a.create_multipart_upload(Bucket=BUCKET, Key="in-progress")["UploadId"]
        self.part_etag = a.upload_part(Bucket=BUCKET, Key="in-progress", UploadId=self.upload,
                                       PartNumber=1, Body=b"part one")["ETag"]
        # What the intruders own: a bucket, an object, an upload of their own.
        self.bob.create_bucket(Bucket="bobs-bucket")
        self.bob.put_object(Bucket="bobs-bucket", Key="bobs.txt", Body=b"bob's")
        self.bobs_upload = self.bob.create_multipart_upload(Bucket="bobs-bucket",
                                                            Key="assembled")["UploadId"]

    def client(self, key):
        c = harness.boto3_client(self.endpoint, key=key) if key else \
            harness.boto3_client(self.endpoint, signed=False)
        self.addCleanup(c.close)
        return c

    def snapshot(self):
        """Everything about alice's bucket, as alice sees it."""
        a = self.alice
        listing = a.list_objects_v2(Bucket=BUCKET)
        objects = {}
        for o in listing.get("Contents", []):
            got = a.get_object(Bucket=BUCKET, Key=o["Key"])
            objects[o["Key"]] = (got["Body"].read(), got["ETag"], got["Metadata"],
                                 a.get_object_tagging(Bucket=BUCKET, Key=o["Key"])["TagSet"],
                                 a.get_object_acl(Bucket=BUCKET, Key=o["Key"])["Grants"])
        parts = a.list_parts(Bucket=BUCKET, Key="in-progress", UploadId=self.upload)["Parts"]
        return {
            "objects": objects,
            "bucket_tags": a.get_bucket_tagging(Bucket=BUCKET)["TagSet"],
            "bucket_acl": a.get_bucket_acl(Bucket=BUCKET)["Grants"],
            "policy": a.get_bucket_policy(Bucket=BUCKET)["Policy"],
            "cors": a.get_bucket_cors(Bucket=BUCKET)["CORSRules"],
            "pab": a.get_public_access_block(Bucket=BUCKET)["PublicAccessBlockConfiguration"],
            "ownership": a.get_bucket_ownership_controls(Bucket=BUCKET)["OwnershipControls"],
            "uploads": [(u["Key"], u["UploadId"]) for u in
                        a.list_multipart_uploads(Bucket=BUCKET).get("Uploads", [])],
            "parts": [(p["PartNumber"], p["ETag"], p["Size"]) for p in parts],
            "buckets": [b["Name"] for b in a.list_buckets()["Buckets"]],
        }

    def operations(self, c):
        """Every S3 operation of the server's router, aimed at alice's bucket by c."""
        b, k, up = BUCKET, OBJECT, self.upload
        return [
            ("ListObjects", lambda: c.list_objects(Bucket=b)),
            ("ListObjectsV2", lambda: c.list_objects_v2(Bucket=b)),
            ("HeadBucket", lambda: c.head_bucket(Bucket=b)),
            ("GetBucketLocation", lambda: c.get_bucket_location(Bucket=b)),
            ("DeleteBucket", lambda: c.delete_bucket(Bucket=b)),
            ("PutObject (new key)", lambda: c.put_object(Bucket=b, Key="intruder", Body=b"x")),
            ("PutObject (overwrite)", lambda: c.put_object(Bucket=b, Key=k, Body=b"x")),
            ("GetObject", lambda: c.get_object(Bucket=b, Key=k)),
            ("GetObject (range)", lambda: c.get_object(Bucket=b, Key=k, Range="bytes=0-3")),
            ("GetObject (missing key)", lambda: c.get_object(Bucket=b, Key="missing")),
            ("HeadObject", lambda: c.head_object(Bucket=b, Key=k)),
            ("DeleteObject", lambda: c.delete_object(Bucket=b, Key=k)),
            ("DeleteObject (missing key)", lambda: c.delete_object(Bucket=b, Key="missing")),
            ("CopyObject (into alice's bucket)",
             lambda: c.copy_object(Bucket=b, Key="copied-in",
                                   CopySource={"Bucket": "bobs-bucket", "Key": "bobs.txt"})),
            ("CopyObject (alice's object out)",
             lambda: c.copy_object(Bucket="bobs-bucket", Key="stolen",
                                   CopySource={"Bucket": b, "Key": k})),
            ("CopyObject (onto itself)",
             lambda: c.copy_object(Bucket=b, Key=k, CopySource={"Bucket": b, "Key": k},
                                   MetadataDirective="REPLACE", Metadata={"owner": "bob"})),
            ("GetObjectTagging", lambda: c.get_object_tagging(Bucket=b, Key=k)),
            ("PutObjectTagging", lambda: c.put_object_tagging(
                Bucket=b, Key=k, Tagging={"TagSet": [{"Key": "class", "Value": "public"}]})),
            ("DeleteObjectTagging", lambda: c.delete_object_tagging(Bucket=b, Key=k)),
            ("GetBucketTagging", lambda: c.get_bucket_tagging(Bucket=b)),
            ("PutBucketTagging", lambda: c.put_bucket_tagging(
                Bucket=b, Tagging={"TagSet": [{"Key": "team", "Value": "b"}]})),
            ("DeleteBucketTagging", lambda: c.delete_bucket_tagging(Bucket=b)),
            ("CreateMultipartUpload", lambda: c.create_multipart_upload(Bucket=b, Key="mp")),
            ("UploadPart", lambda: c.upload_part(Bucket=b, Key="in-progress", UploadId=up,
                                                 PartNumber=2, Body=b"part two")),
            ("UploadPartCopy (into alice's upload)",
             lambda: c.upload_part_copy(Bucket=b, Key="in-progress", UploadId=up, PartNumber=2,
                                        CopySource={"Bucket": "bobs-bucket", "Key": "bobs.txt"})),
            ("UploadPartCopy (alice's object out)",
             lambda: c.upload_part_copy(Bucket="bobs-bucket", Key="assembled",
                                        UploadId=self.bobs_upload, PartNumber=1,
                                        CopySource={"Bucket": b, "Key": k})),
            ("CompleteMultipartUpload", lambda: c.complete_multipart_upload(
                Bucket=b, Key="in-progress", UploadId=up,
                MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": self.part_etag}]})),
            ("AbortMultipartUpload", lambda: c.abort_multipart_upload(
                Bucket=b, Key="in-progress", UploadId=up)),
            ("ListParts", lambda: c.list_parts(Bucket=b, Key="in-progress", UploadId=up)),
            ("ListMultipartUploads", lambda: c.list_multipart_uploads(Bucket=b)),
            ("GetBucketAcl", lambda: c.get_bucket_acl(Bucket=b)),
            ("PutBucketAcl", lambda: c.put_bucket_acl(Bucket=b, ACL="public-read")),
            ("GetObjectAcl", lambda: c.get_object_acl(Bucket=b, Key=k)),
            ("PutObjectAcl", lambda: c.put_object_acl(Bucket=b, Key=k, ACL="public-read")),
            ("GetBucketPolicy", lambda: c.get_bucket_policy(Bucket=b)),
            ("PutBucketPolicy", lambda: c.put_bucket_policy(Bucket=b, Policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                               "Resource": "arn:aws:s3:::%s/*" % b}]}))),
            ("DeleteBucketPolicy", lambda: c.delete_bucket_policy(Bucket=b)),
            ("GetBucketPolicyStatus", lambda: c.get_bucket_policy_status(Bucket=b)),
            ("GetPublicAccessBlock", lambda: c.get_public_access_block(Bucket=b)),
            ("PutPublicAccessBlock", lambda: c.put_public_access_block(
                Bucket=b, PublicAccessBlockConfiguration={
                    "BlockPublicAcls": False, "IgnorePublicAcls": False,
                    "BlockPublicPolicy": False, "RestrictPublicBuckets": False})),
            ("DeletePublicAccessBlock", lambda: c.delete_public_access_block(Bucket=b)),
            ("GetBucketOwnershipControls", lambda: c.get_bucket_ownership_controls(Bucket=b)),
            ("PutBucketOwnershipControls", lambda: c.put_bucket_ownership_controls(
                Bucket=b, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})),
            ("DeleteBucketOwnershipControls",
             lambda: c.delete_bucket_ownership_controls(Bucket=b)),
            ("GetBucketCors", lambda: c.get_bucket_cors(Bucket=b)),
            ("PutBucketCors", lambda: c.put_bucket_cors(Bucket=b, CORSConfiguration={
                "CORSRules": [{"AllowedMethods": ["PUT"], "AllowedOrigins": ["*"]}]})),
            ("DeleteBucketCors", lambda: c.delete_bucket_cors(Bucket=b)),
        ]

    def check_matrix(self, who, client):
        before = self.snapshot()
        failures = []
        for name, call in self.operations(client):
            status, code = outcome(call)
            # A HEAD has no body to name the error: boto3 reports the status.
            want = (403, "403") if name.startswith("Head") else (403, "AccessDenied")
            if (status, code) != want:
                failures.append("%s %s: %s %s, want %s %s" % ((who, name, status, code) + want))
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(self.snapshot(), before, "%s changed alice's bucket" % who)
        # Nothing was written into bob's bucket from alice's either.
        keys = [o["Key"] for o in self.bob.list_objects_v2(Bucket="bobs-bucket")["Contents"]]
        self.assertEqual(keys, ["bobs.txt"])
        parts = self.bob.list_parts(Bucket="bobs-bucket", Key="assembled",
                                    UploadId=self.bobs_upload).get("Parts", [])
        self.assertEqual(parts, [])
        return len(self.operations(client))

    def test_another_account_is_refused_every_operation_on_a_private_bucket(self):
        self.assertEqual(self.check_matrix("bob", self.bob), 47)

    def test_an_anonymous_caller_is_refused_every_operation_on_a_private_bucket(self):
        self.check_matrix("anonymous", self.anon)
        # And the account-wide calls: S3 answers an anonymous ListBuckets and
        # CreateBucket AccessDenied.
        self.assertEqual(outcome(self.anon.list_buckets), (403, "AccessDenied"))
        self.assertEqual(outcome(self.anon.create_bucket, Bucket="anons-bucket"),
                         (403, "AccessDenied"))

    def test_delete_objects_of_another_account_deletes_nothing(self):
        # DeleteObjects is answered per key: S3 answers 200 with an AccessDenied
        # error for each key the caller may not delete; or 403 at once when the
        # caller may not touch the bucket. Either way nothing is deleted.
        before = self.snapshot()
        for who, c in (("bob", self.bob), ("anonymous", self.anon)):
            with self.subTest(who=who):
                try:
                    r = c.delete_objects(Bucket=BUCKET, Delete={"Objects": [
                        {"Key": OBJECT}, {"Key": "other.txt"}, {"Key": "missing"}]})
                except ClientError as e:
                    self.assertEqual((e.response["ResponseMetadata"]["HTTPStatusCode"],
                                      e.response["Error"]["Code"]), (403, "AccessDenied"))
                else:
                    self.assertNotIn("Deleted", r)
                    self.assertEqual(sorted((e["Key"], e["Code"]) for e in r["Errors"]),
                                     [("missing", "AccessDenied"), ("other.txt", "AccessDenied"),
                                      (OBJECT, "AccessDenied")])
        self.assertEqual(self.snapshot(), before)

    def test_another_account_lists_none_of_alices_buckets_and_cannot_take_the_name(self):
        self.assertEqual([b["Name"] for b in self.bob.list_buckets()["Buckets"]], ["bobs-bucket"])
        self.assertEqual(outcome(self.bob.create_bucket, Bucket=BUCKET),
                         (409, "BucketAlreadyExists"))
        self.assertEqual(outcome(self.alice.create_bucket, Bucket="bobs-bucket"),
                         (409, "BucketAlreadyExists"))


# ---------------------------------------------------------------------------
# EC2

class Ec2IsolationTest(harness.ServerTestCase):
    server_args = EC2_ARGS

    def setUp(self):
        super().setUp()
        self.alice = self.client(ALICE_KEY)
        self.bob = self.client(BOB_KEY)
        a = self.alice
        a.create_key_pair(KeyName="alices-key")
        vpc = a.describe_vpcs()["Vpcs"][0]["VpcId"]
        self.vpc = vpc
        self.subnet = a.describe_subnets()["Subnets"][0]["SubnetId"]
        self.group = a.create_security_group(GroupName="alices-web", Description="web",
                                             VpcId=vpc)["GroupId"]
        a.authorize_security_group_ingress(GroupId=self.group, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        self.instance = a.run_instances(ImageId=DSI_TEMPLATE, InstanceType="t2.micro",
                                        MinCount=1, MaxCount=1, KeyName="alices-key",
                                        SecurityGroupIds=[self.group],
                                        TagSpecifications=[{"ResourceType": "instance",
                                                            "Tags": [{"Key": "Name",
                                                                      "Value": "alices"}]}]
                                        )["Instances"][0]["InstanceId"]
        address = a.allocate_address(Domain="vpc")
        self.allocation = address["AllocationId"]
        self.public_ip = address["PublicIp"]
        self.association = a.associate_address(AllocationId=self.allocation,
                                               InstanceId=self.instance)["AssociationId"]
        zone = a.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
        self.volume = a.create_volume(AvailabilityZone=zone, Size=1,
                                      VolumeType="gp2")["VolumeId"]
        # Bob's own: an instance, an address, a volume, to aim at alice's.
        b = self.bob
        self.bobs_instance = b.run_instances(ImageId=DSI_TEMPLATE, InstanceType="t2.micro",
                                             MinCount=1, MaxCount=1)["Instances"][0]["InstanceId"]
        self.bobs_allocation = b.allocate_address(Domain="vpc")["AllocationId"]
        self.bobs_volume = b.create_volume(AvailabilityZone=zone, Size=1,
                                           VolumeType="gp2")["VolumeId"]

    def client(self, key):
        c = harness.ec2_client(self.endpoint, key=key)
        self.addCleanup(c.close)
        return c

    def snapshot(self):
        """Alice's EC2 world as she sees it."""
        a = self.alice
        instances = [i for r in a.describe_instances()["Reservations"] for i in r["Instances"]]
        return {
            "instances": sorted((i["InstanceId"], i["State"]["Name"], i["InstanceType"],
                                 i.get("PublicIpAddress"), i.get("KeyName"),
                                 json.dumps(i.get("Tags", []), sort_keys=True),
                                 tuple(g["GroupId"] for g in i["SecurityGroups"]))
                                for i in instances),
            "key_pairs": sorted(k["KeyName"] for k in a.describe_key_pairs()["KeyPairs"]),
            "groups": sorted(json.dumps(g, sort_keys=True, default=str)
                             for g in a.describe_security_groups()["SecurityGroups"]),
            "addresses": sorted(json.dumps(x, sort_keys=True, default=str)
                                for x in a.describe_addresses()["Addresses"]),
            "volumes": sorted(json.dumps(v, sort_keys=True, default=str)
                              for v in a.describe_volumes()["Volumes"]),
            "tags": sorted(json.dumps(t, sort_keys=True) for t in a.describe_tags()["Tags"]),
            "vpcs": sorted(v["VpcId"] for v in a.describe_vpcs()["Vpcs"]),
        }

    def operations(self, b):
        """(name, call, EC2 error code) for every operation that takes one of
        alice's ids, made by bob."""
        i, g, al, vol = self.instance, self.group, self.allocation, self.volume
        rule = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                 "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
        tag = [{"Key": "Name", "Value": "bobs-now"}]
        instance_nf = "InvalidInstanceID.NotFound"
        return [
            ("DescribeInstances", lambda: b.describe_instances(InstanceIds=[i]), instance_nf),
            ("DescribeInstanceStatus", lambda: b.describe_instance_status(InstanceIds=[i]),
             instance_nf),
            ("StartInstances", lambda: b.start_instances(InstanceIds=[i]), instance_nf),
            ("StopInstances", lambda: b.stop_instances(InstanceIds=[i]), instance_nf),
            ("StopInstances (force)", lambda: b.stop_instances(InstanceIds=[i], Force=True),
             instance_nf),
            ("RebootInstances", lambda: b.reboot_instances(InstanceIds=[i]), instance_nf),
            ("TerminateInstances (with one of his own)",
             lambda: b.terminate_instances(InstanceIds=[self.bobs_instance, i]), instance_nf),
            ("ModifyInstanceAttribute", lambda: b.modify_instance_attribute(
                InstanceId=i, InstanceType={"Value": "t2.large"}), instance_nf),
            ("DescribeInstanceAttribute", lambda: b.describe_instance_attribute(
                InstanceId=i, Attribute="instanceType"), instance_nf),
            ("GetConsoleOutput", lambda: b.get_console_output(InstanceId=i), instance_nf),
            ("CreateTags (instance)", lambda: b.create_tags(Resources=[i], Tags=tag),
             instance_nf),
            # CreateTags names the kind of id it did not find; the server's
            # DeleteTags answers any unknown id "InvalidID" ("The ID '...' is
            # not valid"). Which one EC2 answers there is not documented.
            ("DeleteTags (instance)", lambda: b.delete_tags(Resources=[i],
                                                            Tags=[{"Key": "Name"}]),
             (instance_nf, "InvalidID")),
            ("DeleteTags (volume)", lambda: b.delete_tags(Resources=[vol]),
             ("InvalidVolume.NotFound", "InvalidID")),
            ("CreateTags (volume)", lambda: b.create_tags(Resources=[vol], Tags=tag),
             "InvalidVolume.NotFound"),
            ("CreateTags (security group)", lambda: b.create_tags(Resources=[g], Tags=tag),
             "InvalidGroup.NotFound"),
            ("DescribeKeyPairs", lambda: b.describe_key_pairs(KeyNames=["alices-key"]),
             "InvalidKeyPair.NotFound"),
            ("RunInstances (her key pair)", lambda: b.run_instances(
                ImageId=DSI_TEMPLATE, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                KeyName="alices-key"), "InvalidKeyPair.NotFound"),
            ("RunInstances (her security group)", lambda: b.run_instances(
                ImageId=DSI_TEMPLATE, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                SecurityGroupIds=[g]), "InvalidGroup.NotFound"),
            ("RunInstances (her subnet)", lambda: b.run_instances(
                ImageId=DSI_TEMPLATE, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                SubnetId=self.subnet), "InvalidSubnetID.NotFound"),
            ("DescribeSecurityGroups (id)", lambda: b.describe_security_groups(GroupIds=[g]),
             "InvalidGroup.NotFound"),
            ("DescribeSecurityGroups (name)",
             lambda: b.describe_security_groups(GroupNames=["alices-web"]),
             "InvalidGroup.NotFound"),
            ("DeleteSecurityGroup", lambda: b.delete_security_group(GroupId=g),
             "InvalidGroup.NotFound"),
            ("AuthorizeSecurityGroupIngress", lambda: b.authorize_security_group_ingress(
                GroupId=g, IpPermissions=[dict(rule[0], FromPort=80, ToPort=80)]),
             "InvalidGroup.NotFound"),
            ("AuthorizeSecurityGroupEgress", lambda: b.authorize_security_group_egress(
                GroupId=g, IpPermissions=[dict(rule[0], FromPort=80, ToPort=80)]),
             "InvalidGroup.NotFound"),
            ("RevokeSecurityGroupIngress", lambda: b.revoke_security_group_ingress(
                GroupId=g, IpPermissions=rule), "InvalidGroup.NotFound"),
            ("RevokeSecurityGroupEgress", lambda: b.revoke_security_group_egress(
                GroupId=g, IpPermissions=[{"IpProtocol": "-1",
                                           "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]),
             "InvalidGroup.NotFound"),
            ("CreateSecurityGroup (her VPC)", lambda: b.create_security_group(
                GroupName="in-her-vpc", Description="x", VpcId=self.vpc),
             "InvalidVpcID.NotFound"),
            ("DescribeAddresses (allocation id)",
             lambda: b.describe_addresses(AllocationIds=[al]), "InvalidAllocationID.NotFound"),
            ("DescribeAddresses (public IP)",
             lambda: b.describe_addresses(PublicIps=[self.public_ip]), "InvalidAddress.NotFound"),
            ("ReleaseAddress", lambda: b.release_address(AllocationId=al),
             "InvalidAllocationID.NotFound"),
            ("AssociateAddress (her address, his instance)", lambda: b.associate_address(
                AllocationId=al, InstanceId=self.bobs_instance), "InvalidAllocationID.NotFound"),
            ("AssociateAddress (his address, her instance)", lambda: b.associate_address(
                AllocationId=self.bobs_allocation, InstanceId=i), instance_nf),
            ("DisassociateAddress", lambda: b.disassociate_address(
                AssociationId=self.association), "InvalidAssociationID.NotFound"),
            ("DescribeVolumes", lambda: b.describe_volumes(VolumeIds=[vol]),
             "InvalidVolume.NotFound"),
            ("AttachVolume (her volume, his instance)", lambda: b.attach_volume(
                VolumeId=vol, InstanceId=self.bobs_instance, Device="/dev/sdf"),
             "InvalidVolume.NotFound"),
            ("AttachVolume (his volume, her instance)", lambda: b.attach_volume(
                VolumeId=self.bobs_volume, InstanceId=i, Device="/dev/sdf"), instance_nf),
            ("DetachVolume", lambda: b.detach_volume(VolumeId=vol), "InvalidVolume.NotFound"),
            ("DeleteVolume", lambda: b.delete_volume(VolumeId=vol), "InvalidVolume.NotFound"),
            ("DescribeVpcs", lambda: b.describe_vpcs(VpcIds=[self.vpc]), "InvalidVpcID.NotFound"),
            ("DescribeSubnets", lambda: b.describe_subnets(SubnetIds=[self.subnet]),
             "InvalidSubnetID.NotFound"),
        ]

    def test_another_accounts_ids_are_not_found_in_every_operation(self):
        before = self.snapshot()
        failures = []
        for name, call, codes in self.operations(self.bob):
            codes = codes if isinstance(codes, tuple) else (codes,)
            got = outcome(call)
            if got[0] != 400 or got[1] not in codes:
                failures.append("%s: %s %s, want 400 %s" % (name, got[0], got[1],
                                                             " or ".join(codes)))
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(self.snapshot(), before, "bob changed alice's resources")
        # Bob's instance survived his refused TerminateInstances of two (EC2
        # refuses the whole call when one id is not found).
        [r] = self.bob.describe_instances(InstanceIds=[self.bobs_instance])["Reservations"]
        self.assertEqual(r["Instances"][0]["State"]["Name"], "running")

    def test_another_account_sees_nothing_of_hers_in_listings_and_filters(self):
        b = self.bob
        mine = {self.bobs_instance}
        listed = {i["InstanceId"] for r in b.describe_instances()["Reservations"]
                  for i in r["Instances"]}
        self.assertEqual(listed, mine)
        for name, values in (("instance-id", [self.instance]), ("key-name", ["alices-key"]),
                             ("tag:Name", ["alices"])):
            r = b.describe_instances(Filters=[{"Name": name, "Values": values}])
            self.assertEqual(r["Reservations"], [], name)
        statuses = b.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]
        self.assertEqual({s["InstanceId"] for s in statuses}, mine)
        self.assertEqual(b.describe_key_pairs()["KeyPairs"], [])
        self.assertNotIn(self.group, [g["GroupId"] for g in
                                      b.describe_security_groups()["SecurityGroups"]])
        self.assertEqual(b.describe_security_groups(Filters=[
            {"Name": "group-name", "Values": ["alices-web"]}])["SecurityGroups"], [])
        self.assertEqual([a["AllocationId"] for a in b.describe_addresses()["Addresses"]],
                         [self.bobs_allocation])
        self.assertEqual(b.describe_addresses(Filters=[
            {"Name": "public-ip", "Values": [self.public_ip]}])["Addresses"], [])
        volumes = {v["VolumeId"] for v in b.describe_volumes()["Volumes"]}
        self.assertNotIn(self.volume, volumes)
        self.assertEqual(b.describe_volumes(Filters=[
            {"Name": "attachment.instance-id", "Values": [self.instance]}])["Volumes"], [])
        self.assertEqual(b.describe_tags(Filters=[
            {"Name": "resource-id", "Values": [self.instance]}])["Tags"], [])
        self.assertNotIn(self.vpc, [v["VpcId"] for v in b.describe_vpcs()["Vpcs"]])
        self.assertNotIn(self.subnet, [s["SubnetId"] for s in b.describe_subnets()["Subnets"]])

    def test_names_are_per_account(self):
        # Key pair and group names are the account's own: bob may use alice's,
        # and deleting "his" key pair of that name leaves hers alone (EC2
        # answers DeleteKeyPair of a name it does not know with success).
        before = self.snapshot()
        self.assertEqual(outcome(self.bob.delete_key_pair, KeyName="alices-key"), (200, None))
        self.assertEqual(self.snapshot(), before)
        self.bob.create_key_pair(KeyName="alices-key")
        self.bob.create_security_group(GroupName="alices-web", Description="his own")
        self.bob.delete_key_pair(KeyName="alices-key")
        self.assertEqual(self.snapshot(), before)


# ---------------------------------------------------------------------------
# The admin API

class AdminApiTest(harness.ServerTestCase):
    server_args = ("--time-scale", "0")

    def call(self, method, path, payload=None, key=DEFAULT_KEY):
        """(status, parsed JSON) of an admin API call signed with `key`."""
        try:
            return 200, harness._admin_call(self.endpoint, method, path, payload, key=key)
        except harness.AdminApiError as e:
            try:
                return e.status, json.loads(e.body)
            except ValueError:
                return e.status, {"_raw": e.body}

    def unsigned(self, method, path, payload=None, headers=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        req = urllib.request.Request(self.endpoint + path, data=body if method != "GET" else None,
                                     headers=headers or {}, method=method)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        try:
            with opener.open(req, timeout=30) as r:
                return r.status, r.read()
        except urllib.error.HTTPError as e:
            return e.code, e.read()

    ADMIN_ONLY = [
        ("GET", "/_awslab/accounts", None),
        ("POST", "/_awslab/accounts", {"accounts": []}),
        ("GET", "/_awslab/billing/class", None),
        ("GET", "/_awslab/billing?account=%s" % DEFAULT_ACCOUNT_ID, None),
        ("POST", "/_awslab/clock", {"advance": "PT1H"}),
        ("POST", "/_awslab/clock", {"time_scale": 3600}),
        ("POST", "/_awslab/clock", {"advance_seconds": 60}),
        ("PUT", "/_awslab/clock", {"advance": "PT1H"}),
        ("DELETE", "/_awslab/accounts", None),
        ("GET", "/_awslab/no-such-route", None),
    ]

    def test_every_admin_only_route_refuses_non_admin_keys(self):
        clock = self.call("GET", "/_awslab/clock")[1]
        failures = []
        for key, other in ((ALICE_KEY, BOB_ACCOUNT_ID), (BOB_KEY, ALICE_ACCOUNT_ID)):
            routes = self.ADMIN_ONLY + [("GET", "/_awslab/billing?account=%s" % other, None)]
            for method, path, payload in routes:
                status, body = self.call(method, path, payload, key=key)
                code = body.get("error", {}).get("code") if isinstance(body, dict) else None
                if (status, code) != (403, "AccessDenied"):
                    failures.append("%s %s %s: %s %s" % (key[0], method, path, status, body))
        self.assertEqual(failures, [], "\n".join(failures))
        self.assertEqual(self.call("GET", "/_awslab/clock")[1], clock, "the clock did not move")
        # The admin key is served on the same routes.
        self.assertEqual(self.call("GET", "/_awslab/accounts")[0], 200)
        self.assertEqual(self.call("GET", "/_awslab/billing/class")[0], 200)

    def test_unsigned_and_badly_signed_requests_are_refused_on_every_route(self):
        wrong_secret = (ALICE_KEY[0], "not-" + ALICE_KEY[1])
        unknown_key = ("AKIANOSUCHKEY0000000", "whatever")
        admin_wrong_secret = (DEFAULT_KEY[0], "wrong")
        open_routes = [("GET", "/_awslab/whoami", None), ("GET", "/_awslab/prices", None),
                       ("GET", "/_awslab/clock", None), ("GET", "/_awslab/billing", None)]
        failures = []
        for method, path, payload in self.ADMIN_ONLY + open_routes:
            for key, want in ((wrong_secret, "SignatureDoesNotMatch"),
                              (admin_wrong_secret, "SignatureDoesNotMatch"),
                              (unknown_key, "InvalidAccessKeyId")):
                status, body = self.call(method, path, payload, key=key)
                code = body.get("error", {}).get("code") if isinstance(body, dict) else None
                if (status, code) != (403, want):
                    failures.append("%s %s %s: %s %s" % (key[0], method, path, status, body))
        # docs/billing.md: even the console's routes (whoami, prices, the
        # clock, one's own bill) need a key; an unsigned request is no one's.
        for method, path, payload in self.ADMIN_ONLY + open_routes + [
                ("GET", "/_awslab/billing?account=%s" % ALICE_ACCOUNT_ID, None)]:
            status, body = self.unsigned(method, path, payload)
            if status != 403 or b"AccessDenied" not in body:
                failures.append("unsigned %s %s: %s %s" % (method, path, status, body[:200]))
        self.assertEqual(failures, [], "\n".join(failures))

    def test_cost_explorer_shows_a_non_admin_only_its_own_account(self):
        import boto3
        from botocore.config import Config
        session = boto3.session.Session(aws_access_key_id=ALICE_KEY[0],
                                        aws_secret_access_key=ALICE_KEY[1],
                                        region_name="us-east-1")
        ce = session.client("ce", endpoint_url=self.endpoint, config=Config(
            retries={"total_max_attempts": 1, "mode": "standard"}))
        self.addCleanup(ce.close)
        # The default account spends; alice asks for it by name.
        ec2 = harness.ec2_client(self.endpoint)
        self.addCleanup(ec2.close)
        ec2.allocate_address(Domain="vpc")
        harness.advance_clock(self.endpoint, "PT5H")
        now = harness.clock_now(self.endpoint)["now"][:10]
        start = time.strftime("%Y-%m-01", time.strptime(now, "%Y-%m-%d"))
        end = "%04d-%02d-01" % ((int(now[:4]) + int(now[5:7]) // 12), int(now[5:7]) % 12 + 1)
        for kwargs in ({"GroupBy": [{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}]},
                       {"Filter": {"Dimensions": {"Key": "LINKED_ACCOUNT",
                                                  "Values": [DEFAULT_ACCOUNT_ID]}}}):
            result = ce.get_cost_and_usage(TimePeriod={"Start": start, "End": end},
                                           Granularity="MONTHLY", Metrics=["UnblendedCost"],
                                           **kwargs)
            for period in result["ResultsByTime"]:
                for group in period.get("Groups", []):
                    self.assertEqual(group["Keys"], [ALICE_ACCOUNT_ID], result)
                total = period.get("Total", {}).get("UnblendedCost", {}).get("Amount", "0")
                self.assertEqual(float(total), 0.0, result)


# ---------------------------------------------------------------------------
# Logs and the listening address

class LoudServer(harness.Server):
    """harness.Server without --quiet (the access log on), with accounts whose
    secrets are made for this run, and stderr kept apart."""

    def __init__(self, extra_args=(), host="127.0.0.1"):
        super().__init__(accounts=True, extra_args=extra_args)
        self.host = host
        self.secrets = {
            "alice": "alice-" + secrets.token_urlsafe(24),
            "bob": "bob-" + secrets.token_urlsafe(24),
            "admin": "admin-" + secrets.token_urlsafe(24),
        }
        self.keys = {"alice": ALICE_KEY[0], "bob": BOB_KEY[0], "admin": "AKIAADMINEXAMPLE0001"}
        with open(self.accounts_file, "w") as f:
            json.dump({"accounts": [
                {"id": ALICE_ACCOUNT_ID, "name": "alice", "email": "alice@example.com",
                 "access_keys": [{"id": self.keys["alice"], "secret": self.secrets["alice"]}]},
                {"id": BOB_ACCOUNT_ID, "name": "bob", "email": "bob@example.com",
                 "access_keys": [{"id": self.keys["bob"], "secret": self.secrets["bob"]}]},
                {"id": "777788889999", "name": "teacher", "admin": True,
                 "access_keys": [{"id": self.keys["admin"], "secret": self.secrets["admin"]}]},
            ]}, f)

    def key(self, who):
        return (self.keys[who], self.secrets[who])

    def start(self):
        args = [harness.server_binary(), "--port", "0", "--port-file", self.port_file,
                "--data-dir", self.data_dir, "--accounts", self.accounts_file]
        if self.host is not None:
            args[1:1] = ["--host", self.host]
        args += self.extra_args
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log,
                                     stderr=subprocess.STDOUT, close_fds=True)
        deadline = time.monotonic() + harness.PORT_FILE_TIMEOUT
        while not (os.path.exists(self.port_file) and os.path.getsize(self.port_file)):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise harness.ServerError("awslab-server did not start:\n" + self.log_text())
            time.sleep(0.01)
        with open(self.port_file) as f:
            self.port = int(f.read())
        return self

    def log_bytes(self):
        with open(self.log_path, "rb") as f:
            return f.read()


def listening_addresses(pid):
    """The local addresses (ip, port) the process listens on, from /proc/net/tcp{,6}."""
    inodes = set()
    for name in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, name))
        except OSError:
            continue
        m = re.match(r"socket:\[(\d+)\]", target)
        if m:
            inodes.add(m.group(1))
    out = []
    for table, width in (("/proc/net/tcp", 4), ("/proc/net/tcp6", 16)):
        try:
            with open(table) as f:
                lines = f.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state != "0A" or inode not in inodes:  # 0A: LISTEN
                continue
            addr_hex, port_hex = local.split(":")
            raw = bytes.fromhex(addr_hex)
            if width == 4:
                ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
            else:
                ip = socket.inet_ntop(socket.AF_INET6, b"".join(
                    raw[i:i + 4][::-1] for i in range(0, 16, 4)))
            out.append((ip, int(port_hex, 16)))
    return out


class LogAndBindTest(unittest.TestCase):
    def start(self, **kw):
        server = LoudServer(**kw)
        self.addCleanup(server.close)
        return server.start()

    def test_secrets_never_appear_in_the_log(self):
        from botocore.config import Config
        server = self.start()
        ep = server.endpoint
        alice = harness.boto3_client(ep, key=server.key("alice"))
        bob = harness.boto3_client(ep, key=server.key("bob"))
        wrong = harness.boto3_client(ep, key=(server.keys["alice"], "not-the-secret"))
        admin = harness.boto3_client(ep, key=server.key("admin"))
        clients = [alice, bob, wrong, admin]
        # SigV2, as boto 2 and s3cmd sign.
        import boto3
        v2 = boto3.session.Session(
            aws_access_key_id=server.keys["bob"],
            aws_secret_access_key=server.secrets["bob"]).client(
            "s3", endpoint_url=ep, region_name="us-east-1",
            config=Config(signature_version="s3", s3={"addressing_style": "path"},
                          retries={"total_max_attempts": 1, "mode": "standard"}))
        v2_wrong = boto3.session.Session(
            aws_access_key_id=server.keys["bob"], aws_secret_access_key="wrong").client(
            "s3", endpoint_url=ep, region_name="us-east-1",
            config=Config(signature_version="s3", s3={"addressing_style": "path"},
                          retries={"total_max_attempts": 1, "mode": "standard"}))
        clients += [v2, v2_wrong]
        for c in clients:
            self.addCleanup(c.close)
        bodies = []

        def record(fn, *a, **kw):
            try:
                r = fn(*a, **kw)
                if "Body" in r:
                    bodies.append(r["Body"].read())
            except ClientError as e:
                bodies.append(json.dumps(e.response, default=str).encode())

        record(alice.create_bucket, Bucket="alices")
        record(alice.put_object, Bucket="alices", Key="k", Body=b"v")
        record(alice.get_object, Bucket="alices", Key="k")
        record(bob.get_object, Bucket="alices", Key="k")                  # AccessDenied
        record(wrong.list_objects_v2, Bucket="alices")                    # SignatureDoesNotMatch
        record(wrong.put_object, Bucket="alices", Key="w", Body=b"w")
        record(v2.list_buckets)
        record(v2_wrong.get_object, Bucket="alices", Key="k")             # SigV2, wrong
        record(admin.list_buckets)
        url = alice.generate_presigned_url("get_object", Params={"Bucket": "alices", "Key": "k"})
        bad_url = wrong.generate_presigned_url("get_object",
                                               Params={"Bucket": "alices", "Key": "k"})
        v2_url = v2.generate_presigned_url("get_object", Params={"Bucket": "alices", "Key": "k"})
        for u in (url, bad_url, v2_url):
            req = urllib.request.Request(u)
            try:
                with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(req) as r:
                    bodies.append(r.read())
            except urllib.error.HTTPError as e:
                bodies.append(e.read())
        for key in (server.key("alice"), (server.keys["alice"], "wrong")):
            ec2 = harness.ec2_client(ep, key=key)
            self.addCleanup(ec2.close)
            record(ec2.describe_instances)
            record(ec2.create_key_pair, KeyName="k")
        for key in (server.key("admin"), server.key("alice"), (server.keys["admin"], "wrong")):
            try:
                harness._admin_call(ep, "GET", "/_awslab/accounts", key=key)
            except harness.AdminApiError as e:
                bodies.append(e.body.encode())
        whoami = harness._admin_call(ep, "GET", "/_awslab/whoami", key=server.key("alice"))
        bodies.append(json.dumps(whoami).encode())
        server.stop()
        log = server.log_bytes()
        lines = log.decode("utf-8", "replace").splitlines()
        # The access log was on: a line per request, naming alice's key id in
        # the presigned URL, and never a secret.
        self.assertGreater(len([l for l in lines if " GET /alices/k" in l]), 3, log[-3000:])
        for who, secret in server.secrets.items():
            with self.subTest(who=who):
                self.assertNotIn(secret.encode(), log)
                for body in bodies:  # nor in any answer
                    self.assertNotIn(secret.encode(), body)
        self.assertNotIn(b"not-the-secret", log)
        self.assertNotIn(b"alice-secret", log)  # the harness's usual secret is not used here

    def test_loopback_by_default(self):
        server = self.start(host=None)  # no --host at all
        self.assertEqual(listening_addresses(server.pid), [("127.0.0.1", server.port)])
        time.sleep(0.1)
        log = server.log_text()
        self.assertIn("listening on http://127.0.0.1:%d" % server.port, log)
        self.assertNotIn("WARNING", log)
        s3 = harness.boto3_client(server.endpoint, key=server.key("alice"))
        self.addCleanup(s3.close)
        self.assertEqual(s3.list_buckets()["Buckets"], [])

    def test_a_warning_when_told_to_listen_on_every_address(self):
        server = self.start(host="0.0.0.0")
        self.assertEqual(listening_addresses(server.pid), [("0.0.0.0", server.port)])
        server.stop()  # at once: nothing connects to it from outside loopback
        log = server.log_text()
        self.assertIn("WARNING: listening on 0.0.0.0, not loopback: anyone who can reach this "
                      "address can use this server.", log)
        # Said before anything else of the start, where whoever starts it looks.
        self.assertLess(log.index("WARNING"), log.index("listening on http://"))


if __name__ == "__main__":
    unittest.main()
