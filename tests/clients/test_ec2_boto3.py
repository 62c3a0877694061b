"""boto3 (Debian's python3-boto3: boto3 1.26 / botocore 1.29) against the real
awslab-server's EC2 API: the course's EC2 walk-through (key pairs, security
groups, instances through their life cycle, Elastic IPs, volumes, tags, spot)
and the errors AWS answers.

Time: instance transitions run on the server's simulation clock (pending,
stopping, shutting-down 5 s each by default); the tests never sleep, they move
that clock with harness.advance_clock and then expect every waiter to succeed
at its first poll (WaiterConfig MaxAttempts=1).

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_ec2_boto3
"""

import base64
import ipaddress
import os
import re
import shutil
import tempfile
import unittest

from botocore.exceptions import ClientError, WaiterError

import harness
from harness import ALICE_KEY, DEFAULT_KEY, REGION

UBUNTU_OWNER = "099720109477"  # Canonical
DSI_TEMPLATE = "ami-d1737bb8"  # the course's community image, us-east-1 only
COURSE_PORTS = (22, 80, 8787)  # ssh, http, RStudio

INSTANCE_ID = re.compile(r"^i-[0-9a-f]{17}$")
RESERVATION_ID = re.compile(r"^r-[0-9a-f]{17}$")
VOLUME_ID = re.compile(r"^vol-[0-9a-f]{17}$")
GROUP_ID = re.compile(r"^sg-[0-9a-f]{8}([0-9a-f]{9})?$")
AMI_ID = re.compile(r"^ami-[0-9a-f]{8}([0-9a-f]{9})?$")
SHA1_COLON = re.compile(r"^([0-9a-f]{2}:){19}[0-9a-f]{2}$")
MD5_COLON = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")

STATE_CODES = {"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48,
               "stopping": 64, "stopped": 80}

SSH_KEYGEN = "/usr/bin/ssh-keygen"
OPENSSL = "/usr/bin/openssl"
SH = "/bin/sh"


def dashed(ip):
    return ip.replace(".", "-")


class Ec2TestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = self.client()
        self.work = tempfile.mkdtemp(prefix="awslab-ec2-boto3-")
        self.addCleanup(shutil.rmtree, self.work, True)

    # -- clients and the clock ----------------------------------------------

    def client(self, key=DEFAULT_KEY, region=REGION):
        client = harness.ec2_client(self.endpoint, key=key, region=region)
        self.addCleanup(client.close)
        return client

    def advance(self, duration):
        return harness.advance_clock(self.endpoint, duration)

    def assertEc2Error(self, code, fn, *args, status=400, **kwargs):
        """fn(*args, **kwargs) must fail with this EC2 error code (and HTTP
        status, unless status is None); returns the error response."""
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        response = ctx.exception.response
        self.assertEqual(response["Error"].get("Code"), code, response)
        if status is not None:
            self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], status, response)
        return response

    def wait(self, waiter_name, client=None, **kwargs):
        """The boto3 waiter must succeed at its first poll (the clock was moved)."""
        waiter = (client or self.ec2).get_waiter(waiter_name)
        try:
            waiter.wait(WaiterConfig={"Delay": 1, "MaxAttempts": 1}, **kwargs)
        except WaiterError as e:
            self.fail("waiter %s did not succeed at its first poll: %s (last response: %r)" %
                      (waiter_name, e, getattr(e, "last_response", None)))

    # -- the catalog --------------------------------------------------------

    def find_image(self, name, owners=None, client=None):
        """The newest image matching a name filter (and owners)."""
        kwargs = {"Filters": [{"Name": "name", "Values": [name]}]}
        if owners:
            kwargs["Owners"] = owners
        images = (client or self.ec2).describe_images(**kwargs)["Images"]
        self.assertTrue(images, "describe-images found no image named %r (owners %r)" %
                        (name, owners))
        return sorted(images, key=lambda i: i.get("CreationDate", ""))[-1]

    def ubuntu(self, client=None):
        return self.find_image("ubuntu/images/*jammy*", [UBUNTU_OWNER], client=client)

    # -- resources ----------------------------------------------------------

    def launch(self, count=1, client=None, image_id=None, **kwargs):
        """RunInstances of the Ubuntu 22.04 image (t2.micro); returns the reservation."""
        client = client or self.ec2
        if image_id is None:
            image_id = self.ubuntu(client)["ImageId"]
        kwargs.setdefault("InstanceType", "t2.micro")
        return client.run_instances(ImageId=image_id, MinCount=count, MaxCount=count, **kwargs)

    def launch_running(self, count=1, client=None, **kwargs):
        """Launches, moves the clock past pending, waits for running; returns the ids."""
        reservation = self.launch(count, client=client, **kwargs)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        self.advance("PT30S")
        self.wait("instance_running", client=client, InstanceIds=ids)
        return ids

    def describe(self, instance_id, client=None):
        reservations = (client or self.ec2).describe_instances(
            InstanceIds=[instance_id])["Reservations"]
        instances = [i for r in reservations for i in r["Instances"]]
        self.assertEqual([i["InstanceId"] for i in instances], [instance_id])
        return instances[0]

    def state(self, instance_id, client=None):
        return self.describe(instance_id, client)["State"]["Name"]

    def assertState(self, state, expected):
        self.assertEqual(state, {"Code": STATE_CODES[expected], "Name": expected})

    def all_instance_ids(self, client=None, **kwargs):
        reservations = (client or self.ec2).describe_instances(**kwargs)["Reservations"]
        return sorted(i["InstanceId"] for r in reservations for i in r["Instances"])

    def create_group(self, name="course-sg", ports=COURSE_PORTS, client=None):
        client = client or self.ec2
        group_id = client.create_security_group(GroupName=name,
                                                Description="ssh, http and rstudio")["GroupId"]
        if ports:
            client.authorize_security_group_ingress(GroupId=group_id, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": p, "ToPort": p,
                 "IpRanges": [{"CidrIp": "0.0.0.0/0"}]} for p in ports])
        return group_id

    def group(self, group_id, client=None):
        groups = (client or self.ec2).describe_security_groups(GroupIds=[group_id])["SecurityGroups"]
        self.assertEqual(len(groups), 1)
        return groups[0]

    def volume(self, volume_id, client=None):
        volumes = (client or self.ec2).describe_volumes(VolumeIds=[volume_id])["Volumes"]
        self.assertEqual(len(volumes), 1)
        return volumes[0]

    def visible_volume_ids(self, client=None):
        return sorted(v["VolumeId"] for v in (client or self.ec2).describe_volumes()["Volumes"])

    # -- local tools --------------------------------------------------------

    def path(self, name):
        return os.path.join(self.work, name)

    def write_key(self, name, material):
        path = self.path(name)
        with open(path, "w") as f:
            f.write(material)
        os.chmod(path, 0o400)
        return path

    def tool(self, *args, shell=None):
        """Runs a local program (or a shell pipeline); returns its stdout text."""
        argv = [SH, "-c", shell] if shell else list(args)
        done = self.run_client(argv, cwd=self.work)
        if done.returncode != 0:
            self.fail("%s exited %d: %s" % (shell or " ".join(args), done.returncode,
                                            done.stderr.decode("utf-8", "replace")))
        return done.stdout.decode("utf-8", "replace")

    def openssl_digest(self, pipeline):
        """'... | openssl sha1 -c' prints 'SHA1(stdin)= aa:bb:...': the digest."""
        return self.tool(shell=pipeline).strip().split("= ")[-1].strip()


# ---------------------------------------------------------------------------
# The simulation clock

class ClockTest(Ec2TestCase):
    def test_get_and_advance_the_clock(self):
        before = harness.clock_now(self.endpoint)
        self.assertRegex(before["now"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        self.assertIn("time_scale", before)
        after = self.advance("PT2H")
        self.assertRegex(after["now"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        import datetime
        parse = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
        delta = parse(after["now"]) - parse(before["now"])
        self.assertGreaterEqual(delta, datetime.timedelta(hours=2))
        self.assertLess(delta, datetime.timedelta(hours=2, minutes=1))
        self.assertGreaterEqual(parse(harness.clock_now(self.endpoint)["now"]), parse(after["now"]))


# ---------------------------------------------------------------------------
# Regions, zones, instance types, images

class CatalogTest(Ec2TestCase):
    def test_describe_regions_lists_the_course_regions(self):
        regions = self.ec2.describe_regions()["Regions"]
        names = [r["RegionName"] for r in regions]
        for name in ("us-east-1", "us-west-1", "us-west-2", "eu-west-1"):
            self.assertIn(name, names)
        self.assertEqual(len(names), len(set(names)))
        east = next(r for r in regions if r["RegionName"] == "us-east-1")
        self.assertEqual(east["Endpoint"], "ec2.us-east-1.amazonaws.com")
        only = self.ec2.describe_regions(RegionNames=["eu-west-1"])["Regions"]
        self.assertEqual([r["RegionName"] for r in only], ["eu-west-1"])

    def test_describe_availability_zones_of_the_signing_region(self):
        for region in ("us-east-1", "us-west-2"):
            with self.subTest(region=region):
                zones = self.client(region=region).describe_availability_zones()["AvailabilityZones"]
                self.assertGreaterEqual(len(zones), 2)
                for z in zones:
                    self.assertRegex(z["ZoneName"], r"^%s[a-f]$" % region)
                    self.assertEqual(z["RegionName"], region)
                    self.assertEqual(z["State"], "available")
                    self.assertTrue(z.get("ZoneId"), z)
                names = [z["ZoneName"] for z in zones]
                self.assertIn(region + "a", names)
                self.assertEqual(names, sorted(names))

    def test_describe_instance_types_t2_micro(self):
        types = self.ec2.describe_instance_types(InstanceTypes=["t2.micro"])["InstanceTypes"]
        self.assertEqual(len(types), 1)
        t2 = types[0]
        self.assertEqual(t2["InstanceType"], "t2.micro")
        self.assertEqual(t2["VCpuInfo"]["DefaultVCpus"], 1)
        self.assertEqual(t2["MemoryInfo"]["SizeInMiB"], 1024)
        self.assertTrue(t2.get("FreeTierEligible"), t2)
        self.assertEqual(t2.get("CurrentGeneration"), True)
        both = self.ec2.describe_instance_types(InstanceTypes=["t2.micro", "t2.small"])
        self.assertEqual(sorted(t["InstanceType"] for t in both["InstanceTypes"]),
                         ["t2.micro", "t2.small"])
        self.assertEc2Error("InvalidInstanceType", self.ec2.describe_instance_types,
                            InstanceTypes=["t2.gigantic"])

    def test_describe_images_finds_each_distribution_by_name_filter(self):
        cases = [
            ("amzn2-ami-hvm-*-x86_64-gp2", ["amazon"]),
            ("al2023-ami-2023*", ["amazon"]),
            ("ubuntu/images/*jammy*", [UBUNTU_OWNER]),
            ("ubuntu/images/*focal*", [UBUNTU_OWNER]),
            ("RHEL-9*", None),
            ("Windows_Server-2022-English-Full-Base-*", ["amazon"]),
        ]
        seen = set()
        for name, owners in cases:
            with self.subTest(name=name):
                image = self.find_image(name, owners)
                self.assertRegex(image["ImageId"], AMI_ID)
                self.assertNotIn(image["ImageId"], seen)
                seen.add(image["ImageId"])
                self.assertEqual(image["State"], "available")
                self.assertEqual(image["Architecture"], "x86_64")
                self.assertEqual(image["RootDeviceType"], "ebs")
                self.assertTrue(image["RootDeviceName"].startswith("/dev/"), image)
                self.assertEqual(image["Public"], True)
                self.assertEqual(image["ImageType"], "machine")
                if name.startswith("Windows"):
                    self.assertEqual(image.get("Platform"), "windows")
                else:
                    self.assertNotIn("Platform", image)
                if owners == [UBUNTU_OWNER]:
                    self.assertEqual(image["OwnerId"], UBUNTU_OWNER)
                if owners == ["amazon"]:
                    self.assertEqual(image.get("ImageOwnerAlias"), "amazon")

    def test_owner_filters_select_the_publisher(self):
        amazon = self.ec2.describe_images(Owners=["amazon"])["Images"]
        self.assertTrue(amazon)
        self.assertTrue(all(i.get("ImageOwnerAlias") == "amazon" for i in amazon))
        self.assertFalse([i for i in amazon if i["Name"].startswith("ubuntu/")])
        canonical = self.ec2.describe_images(Owners=[UBUNTU_OWNER])["Images"]
        self.assertTrue(canonical)
        self.assertTrue(all(i["OwnerId"] == UBUNTU_OWNER for i in canonical))
        by_alias = self.ec2.describe_images(
            Filters=[{"Name": "owner-alias", "Values": ["amazon"]}])["Images"]
        self.assertEqual(sorted(i["ImageId"] for i in by_alias),
                         sorted(i["ImageId"] for i in amazon))
        self.assertEqual(self.ec2.describe_images(Owners=["self"])["Images"], [])

    def test_the_course_community_image_exists_only_in_us_east_1(self):
        images = self.ec2.describe_images(ImageIds=[DSI_TEMPLATE])["Images"]
        self.assertEqual(len(images), 1)
        self.assertEqual(images[0]["ImageId"], DSI_TEMPLATE)
        self.assertIn("DSI-Template", images[0]["Name"])
        self.assertNotEqual(images[0].get("ImageOwnerAlias"), "amazon")
        west = self.client(region="us-west-2")
        self.assertEc2Error("InvalidAMIID.NotFound", west.describe_images, ImageIds=[DSI_TEMPLATE])

    def test_images_are_regional(self):
        east = self.ubuntu()
        west_client = self.client(region="us-west-2")
        west = self.ubuntu(west_client)
        self.assertEqual(west["Name"], east["Name"])
        self.assertNotEqual(west["ImageId"], east["ImageId"])
        self.assertEc2Error("InvalidAMIID.NotFound", west_client.describe_images,
                            ImageIds=[east["ImageId"]])
        self.assertEc2Error("InvalidAMIID.Malformed", self.ec2.describe_images,
                            ImageIds=["ami-nothex!"])


# ---------------------------------------------------------------------------
# Key pairs

class KeyPairTest(Ec2TestCase):
    def test_created_rsa_key_works_with_ssh_and_has_the_sha1_fingerprint(self):
        created = self.ec2.create_key_pair(KeyName="course-key")
        self.assertEqual(created["KeyName"], "course-key")
        self.assertTrue(created["KeyPairId"].startswith("key-"), created)
        material = created["KeyMaterial"]
        self.assertTrue(material.startswith("-----BEGIN RSA PRIVATE KEY-----"), material[:60])
        self.write_key("key.pem", material)

        public = self.tool(SSH_KEYGEN, "-y", "-f", "key.pem").split()
        self.assertEqual(public[0], "ssh-rsa")

        # SHA-1 of the PKCS#8 DER of the private key, as AWS documents.
        expected = self.openssl_digest(
            "%s pkcs8 -in key.pem -nocrypt -topk8 -outform DER | %s sha1 -c" % (OPENSSL, OPENSSL))
        self.assertRegex(expected, SHA1_COLON)
        self.assertEqual(created["KeyFingerprint"], expected)

        pairs = self.ec2.describe_key_pairs(KeyNames=["course-key"], IncludePublicKey=True)["KeyPairs"]
        self.assertEqual(len(pairs), 1)
        self.assertEqual(pairs[0]["KeyFingerprint"], expected)
        self.assertEqual(pairs[0]["KeyType"], "rsa")
        self.assertEqual(pairs[0]["KeyPairId"], created["KeyPairId"])
        self.assertEqual(pairs[0]["PublicKey"].split()[:2], public[:2])
        self.assertIn("CreateTime", pairs[0])

    def test_created_ed25519_key_works_with_ssh_and_has_the_sha256_fingerprint(self):
        created = self.ec2.create_key_pair(KeyName="ed-key", KeyType="ed25519")
        self.assertTrue(created["KeyMaterial"].startswith("-----BEGIN OPENSSH PRIVATE KEY-----"),
                        created["KeyMaterial"][:60])
        self.write_key("ed.pem", created["KeyMaterial"])
        public = self.tool(SSH_KEYGEN, "-y", "-f", "ed.pem").split()
        self.assertEqual(public[0], "ssh-ed25519")
        # "256 SHA256:base64 comment (ED25519)"; AWS may pad with "=".
        listed = self.tool(SSH_KEYGEN, "-l", "-E", "sha256", "-f", "ed.pem").split()[1]
        self.assertTrue(listed.startswith("SHA256:"))
        self.assertEqual(created["KeyFingerprint"].rstrip("="), listed[len("SHA256:"):])
        pairs = self.ec2.describe_key_pairs(KeyNames=["ed-key"], IncludePublicKey=True)["KeyPairs"]
        self.assertEqual(pairs[0]["KeyType"], "ed25519")
        self.assertEqual(pairs[0]["KeyFingerprint"], created["KeyFingerprint"])
        self.assertEqual(pairs[0]["PublicKey"].split()[:2], public[:2])

    def test_imported_rsa_key_has_the_md5_fingerprint_of_its_public_der(self):
        self.tool(SSH_KEYGEN, "-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "me@laptop",
                  "-f", "k")
        with open(self.path("k.pub"), "rb") as f:
            public_line = f.read()
        imported = self.ec2.import_key_pair(KeyName="laptop", PublicKeyMaterial=public_line)
        expected = self.openssl_digest(
            "%s -e -f k.pub -m PKCS8 | %s pkey -pubin -outform DER | %s md5 -c" %
            (SSH_KEYGEN, OPENSSL, OPENSSL))
        self.assertRegex(expected, MD5_COLON)
        self.assertEqual(imported["KeyName"], "laptop")
        self.assertEqual(imported["KeyFingerprint"], expected)
        pairs = self.ec2.describe_key_pairs(KeyNames=["laptop"], IncludePublicKey=True)["KeyPairs"]
        self.assertEqual(pairs[0]["KeyFingerprint"], expected)
        self.assertEqual(pairs[0]["KeyType"], "rsa")
        self.assertEqual(pairs[0]["PublicKey"].split()[:2], public_line.decode().split()[:2])
        self.assertNotIn("KeyMaterial", pairs[0])

    def test_imported_ed25519_key_has_the_sha256_fingerprint(self):
        self.tool(SSH_KEYGEN, "-q", "-t", "ed25519", "-N", "", "-f", "e")
        with open(self.path("e.pub"), "rb") as f:
            imported = self.ec2.import_key_pair(KeyName="ed-imported", PublicKeyMaterial=f.read())
        listed = self.tool(SSH_KEYGEN, "-l", "-E", "sha256", "-f", "e.pub").split()[1]
        self.assertEqual(imported["KeyFingerprint"].rstrip("="), listed[len("SHA256:"):])
        pairs = self.ec2.describe_key_pairs(KeyNames=["ed-imported"])["KeyPairs"]
        self.assertEqual(pairs[0]["KeyType"], "ed25519")

    def test_a_duplicate_name_is_InvalidKeyPair_Duplicate(self):
        self.ec2.create_key_pair(KeyName="dup")
        self.assertEc2Error("InvalidKeyPair.Duplicate", self.ec2.create_key_pair, KeyName="dup")
        self.tool(SSH_KEYGEN, "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", "k")
        with open(self.path("k.pub"), "rb") as f:
            material = f.read()
        self.assertEc2Error("InvalidKeyPair.Duplicate", self.ec2.import_key_pair,
                            KeyName="dup", PublicKeyMaterial=material)
        self.assertEqual([k["KeyName"] for k in self.ec2.describe_key_pairs()["KeyPairs"]], ["dup"])

    def test_garbage_public_key_material_is_refused(self):
        self.assertEc2Error("InvalidKey.Format", self.ec2.import_key_pair,
                            KeyName="bad", PublicKeyMaterial=b"not a key at all")

    def test_delete_key_pair(self):
        self.ec2.create_key_pair(KeyName="one")
        self.ec2.create_key_pair(KeyName="two")
        self.assertEqual(sorted(k["KeyName"] for k in self.ec2.describe_key_pairs()["KeyPairs"]),
                         ["one", "two"])
        self.ec2.delete_key_pair(KeyName="one")
        self.assertEqual([k["KeyName"] for k in self.ec2.describe_key_pairs()["KeyPairs"]], ["two"])
        self.assertEc2Error("InvalidKeyPair.NotFound", self.ec2.describe_key_pairs,
                            KeyNames=["one"])
        # Deleting an absent key pair succeeds, as in AWS.
        self.ec2.delete_key_pair(KeyName="one")
        # The name is free again.
        self.ec2.create_key_pair(KeyName="one")


# ---------------------------------------------------------------------------
# Security groups

class SecurityGroupTest(Ec2TestCase):
    def ingress(self, group_id):
        return sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"),
                       tuple(r["CidrIp"] for r in p.get("IpRanges", [])))
                      for p in self.group(group_id)["IpPermissions"])

    def test_create_group_in_the_default_vpc(self):
        created = self.ec2.create_security_group(GroupName="course-sg",
                                                 Description="ssh, http and rstudio")
        self.assertRegex(created["GroupId"], GROUP_ID)
        group = self.group(created["GroupId"])
        self.assertEqual(group["GroupName"], "course-sg")
        self.assertEqual(group["Description"], "ssh, http and rstudio")
        self.assertEqual(group["OwnerId"], harness.DEFAULT_ACCOUNT_ID)
        self.assertEqual(group["IpPermissions"], [])
        default = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"]
        self.assertEqual(len(default), 1)
        self.assertTrue(group["VpcId"].startswith("vpc-"), group)
        self.assertEqual(group["VpcId"], default[0]["VpcId"])
        # A VPC group allows all egress from its creation.
        egress = group["IpPermissionsEgress"]
        self.assertEqual(len(egress), 1, egress)
        self.assertEqual(egress[0]["IpProtocol"], "-1")
        self.assertEqual([r["CidrIp"] for r in egress[0]["IpRanges"]], ["0.0.0.0/0"])
        by_name = self.ec2.describe_security_groups(
            Filters=[{"Name": "group-name", "Values": ["course-sg"]}])["SecurityGroups"]
        self.assertEqual([g["GroupId"] for g in by_name], [created["GroupId"]])
        self.assertEc2Error("InvalidGroup.Duplicate", self.ec2.create_security_group,
                            GroupName="course-sg", Description="again")

    def test_authorize_describe_duplicate_and_revoke_ingress(self):
        group_id = self.ec2.create_security_group(GroupName="web", Description="d")["GroupId"]
        for port in COURSE_PORTS:
            self.ec2.authorize_security_group_ingress(
                GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": port,
                                                  "ToPort": port,
                                                  "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assertEqual(self.ingress(group_id),
                         [("tcp", p, p, ("0.0.0.0/0",)) for p in sorted(COURSE_PORTS)])

        response = self.assertEc2Error(
            "InvalidPermission.Duplicate", self.ec2.authorize_security_group_ingress,
            GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
                                              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assertIn("already exists", response["Error"]["Message"])
        # The old-style arguments name the same rule.
        self.assertEc2Error("InvalidPermission.Duplicate", self.ec2.authorize_security_group_ingress,
                            GroupId=group_id, IpProtocol="tcp", FromPort=80, ToPort=80,
                            CidrIp="0.0.0.0/0")

        self.ec2.revoke_security_group_ingress(
            GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                                              "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        self.assertEqual(self.ingress(group_id),
                         [("tcp", 22, 22, ("0.0.0.0/0",)), ("tcp", 8787, 8787, ("0.0.0.0/0",))])

    def test_by_group_name_in_the_default_vpc(self):
        self.ec2.create_security_group(GroupName="named", Description="d")
        self.ec2.authorize_security_group_ingress(GroupName="named", IpProtocol="tcp",
                                                  FromPort=22, ToPort=22, CidrIp="10.0.0.0/8")
        group = self.ec2.describe_security_groups(GroupNames=["named"])["SecurityGroups"][0]
        self.assertEqual(group["IpPermissions"][0]["IpRanges"], [{"CidrIp": "10.0.0.0/8"}])
        self.ec2.delete_security_group(GroupName="named")
        self.assertEc2Error("InvalidGroup.NotFound", self.ec2.describe_security_groups,
                            GroupNames=["named"])

    def test_the_default_group_exists_and_cannot_be_deleted(self):
        groups = self.ec2.describe_security_groups()["SecurityGroups"]
        default = [g for g in groups if g["GroupName"] == "default"]
        self.assertEqual(len(default), 1, groups)
        self.assertEqual(default[0]["Description"], "default VPC security group")
        self.assertEc2Error("CannotDelete", self.ec2.delete_security_group,
                            GroupId=default[0]["GroupId"])
        self.assertEqual(len(self.ec2.describe_security_groups(
            GroupIds=[default[0]["GroupId"]])["SecurityGroups"]), 1)

    def test_a_group_in_use_is_a_DependencyViolation_until_the_instance_is_terminated(self):
        group_id = self.create_group("busy")
        [instance_id] = self.launch_running(SecurityGroupIds=[group_id])
        self.assertEqual([g["GroupId"] for g in self.describe(instance_id)["SecurityGroups"]],
                         [group_id])
        self.assertEc2Error("DependencyViolation", self.ec2.delete_security_group, GroupId=group_id)
        self.ec2.terminate_instances(InstanceIds=[instance_id])
        self.advance("PT30S")
        self.wait("instance_terminated", InstanceIds=[instance_id])
        self.ec2.delete_security_group(GroupId=group_id)
        self.assertEc2Error("InvalidGroup.NotFound", self.ec2.describe_security_groups,
                            GroupIds=[group_id])

    def test_unknown_group_is_InvalidGroup_NotFound(self):
        self.assertEc2Error("InvalidGroup.NotFound", self.ec2.describe_security_groups,
                            GroupIds=["sg-0123456789abcdef0"])
        self.assertEc2Error("InvalidGroup.NotFound", self.ec2.delete_security_group,
                            GroupId="sg-0123456789abcdef0")


# ---------------------------------------------------------------------------
# Instances

class InstanceTest(Ec2TestCase):
    def test_run_instances_two_pending_in_one_reservation(self):
        self.ec2.create_key_pair(KeyName="course-key")
        group_id = self.create_group()
        image = self.ubuntu()
        reservation = self.ec2.run_instances(
            ImageId=image["ImageId"], InstanceType="t2.micro", MinCount=2, MaxCount=2,
            KeyName="course-key", SecurityGroupIds=[group_id],
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": "MyNewInstance"}]}])
        self.assertRegex(reservation["ReservationId"], RESERVATION_ID)
        self.assertEqual(reservation["OwnerId"], harness.DEFAULT_ACCOUNT_ID)
        instances = reservation["Instances"]
        self.assertEqual(len(instances), 2)
        self.assertEqual(sorted(i["AmiLaunchIndex"] for i in instances), [0, 1])
        for i in instances:
            self.assertRegex(i["InstanceId"], INSTANCE_ID)
            self.assertState(i["State"], "pending")
            self.assertEqual(i["ImageId"], image["ImageId"])
            self.assertEqual(i["InstanceType"], "t2.micro")
            self.assertEqual(i["KeyName"], "course-key")
            self.assertEqual([g["GroupId"] for g in i["SecurityGroups"]], [group_id])
            self.assertEqual([g["GroupName"] for g in i["SecurityGroups"]], ["course-sg"])
            self.assertEqual(i["Tags"], [{"Key": "Name", "Value": "MyNewInstance"}])
            self.assertTrue(i["VpcId"].startswith("vpc-"))
            self.assertTrue(i["SubnetId"].startswith("subnet-"))
            self.assertRegex(i["Placement"]["AvailabilityZone"], r"^us-east-1[a-f]$")
            self.assertIn("LaunchTime", i)
        self.assertEqual(len({i["InstanceId"] for i in instances}), 2)

        ids = sorted(i["InstanceId"] for i in instances)
        described = self.ec2.describe_instances(Filters=[
            {"Name": "tag:Name", "Values": ["MyNewInstance"]},
            {"Name": "instance-state-name", "Values": ["running", "pending"]}])["Reservations"]
        self.assertEqual(len(described), 1)
        self.assertEqual(described[0]["ReservationId"], reservation["ReservationId"])
        self.assertEqual(sorted(i["InstanceId"] for i in described[0]["Instances"]), ids)
        self.assertEqual({i["State"]["Name"] for i in described[0]["Instances"]}, {"pending"})

        # Filters that match nothing.
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "tag:Name",
                                                         "Values": ["Other"]}]), [])
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "instance-state-name",
                                                         "Values": ["running"]}]), [])

    def test_pending_until_the_clock_moves_then_running(self):
        [instance] = self.launch()["Instances"]
        instance_id = instance["InstanceId"]
        self.assertState(instance["State"], "pending")
        self.assertEqual(self.state(instance_id), "pending")
        # The waiter sees pending and gives up at its first poll.
        with self.assertRaises(WaiterError):
            self.ec2.get_waiter("instance_running").wait(
                InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 1})
        self.advance("PT10S")
        self.assertState(self.describe(instance_id)["State"], "running")
        self.wait("instance_running", InstanceIds=[instance_id])
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "instance-state-name",
                                                         "Values": ["running"]}]), [instance_id])

    def test_a_running_instance_has_addresses_names_and_a_root_volume(self):
        image = self.ubuntu()
        [instance_id] = self.launch_running(image_id=image["ImageId"])
        i = self.describe(instance_id)
        public_ip = i["PublicIpAddress"]
        self.assertIsInstance(ipaddress.ip_address(public_ip), ipaddress.IPv4Address)
        self.assertEqual(i["PublicDnsName"], "ec2-%s.compute-1.amazonaws.com" % dashed(public_ip))
        private_ip = i["PrivateIpAddress"]
        self.assertIn(ipaddress.ip_address(private_ip), ipaddress.ip_network("172.31.0.0/16"))
        self.assertEqual(i["PrivateDnsName"], "ip-%s.ec2.internal" % dashed(private_ip))
        self.assertNotEqual(public_ip, private_ip)

        self.assertEqual(i["RootDeviceType"], "ebs")
        self.assertEqual(i["RootDeviceName"], image["RootDeviceName"])
        self.assertEqual(len(i["BlockDeviceMappings"]), 1, i["BlockDeviceMappings"])
        root = i["BlockDeviceMappings"][0]
        self.assertEqual(root["DeviceName"], image["RootDeviceName"])
        self.assertRegex(root["Ebs"]["VolumeId"], VOLUME_ID)
        self.assertEqual(root["Ebs"]["Status"], "attached")
        self.assertEqual(root["Ebs"]["DeleteOnTermination"], True)

        volume = self.volume(root["Ebs"]["VolumeId"])
        self.assertEqual(volume["State"], "in-use")
        self.assertEqual(volume["AvailabilityZone"], i["Placement"]["AvailabilityZone"])
        image_root = [m for m in image.get("BlockDeviceMappings", [])
                      if m.get("DeviceName") == image["RootDeviceName"]]
        if image_root and "VolumeSize" in image_root[0].get("Ebs", {}):
            self.assertEqual(volume["Size"], image_root[0]["Ebs"]["VolumeSize"])
        self.assertEqual(len(volume["Attachments"]), 1)
        attachment = volume["Attachments"][0]
        self.assertEqual((attachment["InstanceId"], attachment["Device"], attachment["State"],
                          attachment["DeleteOnTermination"]),
                         (instance_id, image["RootDeviceName"], "attached", True))

        # Filters on the addresses.
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "ip-address",
                                                         "Values": [public_ip]}]), [instance_id])
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "private-ip-address",
                                                         "Values": [private_ip]}]), [instance_id])

    def test_public_dns_names_in_us_west_2(self):
        west = self.client(region="us-west-2")
        [instance_id] = self.launch_running(client=west)
        i = self.describe(instance_id, client=west)
        self.assertRegex(i["Placement"]["AvailabilityZone"], r"^us-west-2[a-f]$")
        self.assertEqual(i["PublicDnsName"],
                         "ec2-%s.us-west-2.compute.amazonaws.com" % dashed(i["PublicIpAddress"]))
        self.assertEqual(i["PrivateDnsName"],
                         "ip-%s.us-west-2.compute.internal" % dashed(i["PrivateIpAddress"]))

    def test_describe_instance_status(self):
        running, stopped = self.launch_running(2)
        statuses = self.ec2.describe_instance_status(InstanceIds=[running])["InstanceStatuses"]
        self.assertEqual(len(statuses), 1)
        s = statuses[0]
        self.assertEqual(s["InstanceId"], running)
        self.assertState(s["InstanceState"], "running")
        self.assertRegex(s["AvailabilityZone"], r"^us-east-1[a-f]$")
        self.assertIn(s["InstanceStatus"]["Status"], ("initializing", "ok"))
        self.assertIn(s["SystemStatus"]["Status"], ("initializing", "ok"))

        self.ec2.stop_instances(InstanceIds=[stopped])
        self.advance("PT30S")
        # Only running instances without IncludeAllInstances.
        listed = self.ec2.describe_instance_status()["InstanceStatuses"]
        self.assertEqual([s["InstanceId"] for s in listed], [running])
        everything = self.ec2.describe_instance_status(IncludeAllInstances=True)["InstanceStatuses"]
        states = {s["InstanceId"]: s["InstanceState"]["Name"] for s in everything}
        self.assertEqual(states, {running: "running", stopped: "stopped"})

    def test_get_console_output_shows_the_ssh_host_key_fingerprints(self):
        [instance_id] = self.launch_running()
        self.advance("PT5M")
        out = self.ec2.get_console_output(InstanceId=instance_id)
        self.assertEqual(out["InstanceId"], instance_id)
        # botocore decodes the base64 Output for us.
        self.assertIn("-----BEGIN SSH HOST KEY FINGERPRINTS-----", out["Output"])
        self.assertIn("-----END SSH HOST KEY FINGERPRINTS-----", out["Output"])
        self.assertIn("Timestamp", out)
        # The boot log is this instance's: its host name is ip-A-B-C-D.
        private_ip = self.describe(instance_id)["PrivateIpAddress"]
        self.assertIn("ip-%s" % dashed(private_ip), out["Output"])

    def test_stop_then_start_gives_a_new_public_ip(self):
        [instance_id] = self.launch_running()
        first_ip = self.describe(instance_id)["PublicIpAddress"]
        private_ip = self.describe(instance_id)["PrivateIpAddress"]
        stopping = self.ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"]
        self.assertEqual(len(stopping), 1)
        self.assertEqual(stopping[0]["InstanceId"], instance_id)
        self.assertState(stopping[0]["CurrentState"], "stopping")
        self.assertState(stopping[0]["PreviousState"], "running")
        self.assertEqual(self.state(instance_id), "stopping")
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[instance_id])

        stopped = self.describe(instance_id)
        self.assertState(stopped["State"], "stopped")
        self.assertNotIn("PublicIpAddress", stopped)
        self.assertEqual(stopped.get("PublicDnsName", ""), "")
        self.assertEqual(stopped["PrivateIpAddress"], private_ip)
        self.assertTrue(stopped["StateTransitionReason"].startswith("User initiated ("),
                        stopped["StateTransitionReason"])
        self.assertEqual(stopped.get("StateReason", {}).get("Code"), "Client.UserInitiatedShutdown")
        # Stopping a stopped instance is fine and says so.
        again = self.ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"]
        self.assertState(again[0]["CurrentState"], "stopped")

        starting = self.ec2.start_instances(InstanceIds=[instance_id])["StartingInstances"]
        self.assertState(starting[0]["CurrentState"], "pending")
        self.assertState(starting[0]["PreviousState"], "stopped")
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=[instance_id])
        started = self.describe(instance_id)
        self.assertNotEqual(started["PublicIpAddress"], first_ip)
        self.assertEqual(started["PublicDnsName"],
                         "ec2-%s.compute-1.amazonaws.com" % dashed(started["PublicIpAddress"]))
        self.assertEqual(started["PrivateIpAddress"], private_ip)

    def test_modify_instance_type_only_while_stopped(self):
        [instance_id] = self.launch_running()
        self.assertEc2Error("IncorrectInstanceState", self.ec2.modify_instance_attribute,
                            InstanceId=instance_id, InstanceType={"Value": "t2.small"})
        self.assertEqual(self.describe(instance_id)["InstanceType"], "t2.micro")
        self.ec2.stop_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[instance_id])
        self.ec2.modify_instance_attribute(InstanceId=instance_id,
                                           InstanceType={"Value": "t2.small"})
        self.assertEqual(self.describe(instance_id)["InstanceType"], "t2.small")
        attr = self.ec2.describe_instance_attribute(InstanceId=instance_id,
                                                    Attribute="instanceType")
        self.assertEqual(attr["InstanceType"], {"Value": "t2.small"})
        self.ec2.start_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=[instance_id])
        self.assertEqual(self.describe(instance_id)["InstanceType"], "t2.small")

    def test_reboot_keeps_the_instance_running(self):
        [instance_id] = self.launch_running()
        ip = self.describe(instance_id)["PublicIpAddress"]
        response = self.ec2.reboot_instances(InstanceIds=[instance_id])
        self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 200)
        after = self.describe(instance_id)
        self.assertEqual(after["State"]["Name"], "running")
        self.assertEqual(after["PublicIpAddress"], ip)
        self.advance("PT5M")
        self.assertEqual(self.describe(instance_id)["PublicIpAddress"], ip)
        self.assertEqual(self.state(instance_id), "running")

    def test_terminate_deletes_the_root_volume_keeps_an_attached_one_then_forgets(self):
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        root_volume = self.describe(instance_id)["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        data = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")["VolumeId"]
        self.advance("PT10S")
        self.wait("volume_available", VolumeIds=[data])
        self.ec2.attach_volume(VolumeId=data, InstanceId=instance_id, Device="/dev/sdf")
        self.advance("PT10S")
        self.wait("volume_in_use", VolumeIds=[data])

        terminating = self.ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
        self.assertState(terminating[0]["CurrentState"], "shutting-down")
        self.assertState(terminating[0]["PreviousState"], "running")
        self.assertEqual(self.state(instance_id), "shutting-down")
        self.advance("PT10S")
        self.wait("instance_terminated", InstanceIds=[instance_id])
        gone = self.describe(instance_id)
        self.assertNotIn("PublicIpAddress", gone)

        self.assertNotIn(root_volume, self.visible_volume_ids())
        self.assertEc2Error("InvalidVolume.NotFound", self.ec2.describe_volumes,
                            VolumeIds=[root_volume])
        survivor = self.volume(data)
        self.assertEqual(survivor["State"], "available")
        self.assertEqual(survivor["Attachments"], [])

        self.assertEc2Error("IncorrectInstanceState", self.ec2.start_instances,
                            InstanceIds=[instance_id])
        self.assertEc2Error("IncorrectInstanceState", self.ec2.stop_instances,
                            InstanceIds=[instance_id])
        # Terminating again is harmless.
        again = self.ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"]
        self.assertState(again[0]["CurrentState"], "terminated")

        self.assertEqual(self.all_instance_ids(), [instance_id])
        self.advance("PT2H")
        self.assertEqual(self.all_instance_ids(), [])
        self.assertEc2Error("InvalidInstanceID.NotFound", self.ec2.describe_instances,
                            InstanceIds=[instance_id])

    def test_run_instances_validates_its_arguments(self):
        image_id = self.ubuntu()["ImageId"]
        self.assertEc2Error("InvalidAMIID.NotFound", self.ec2.run_instances,
                            ImageId="ami-0123456789abcdef0", InstanceType="t2.micro",
                            MinCount=1, MaxCount=1)
        self.assertEc2Error("InvalidKeyPair.NotFound", self.ec2.run_instances,
                            ImageId=image_id, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                            KeyName="no-such-key")
        self.assertEc2Error("InvalidGroup.NotFound", self.ec2.run_instances,
                            ImageId=image_id, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                            SecurityGroupIds=["sg-0123456789abcdef0"])
        self.assertEc2Error("InvalidParameterValue", self.ec2.run_instances,
                            ImageId=image_id, InstanceType="t2.gigantic", MinCount=1, MaxCount=1)
        self.assertEqual(self.all_instance_ids(), [])

    def test_a_client_token_makes_run_instances_idempotent(self):
        first = self.launch(ClientToken="course-token-1")
        again = self.launch(ClientToken="course-token-1")
        self.assertEqual(again["ReservationId"], first["ReservationId"])
        self.assertEqual([i["InstanceId"] for i in again["Instances"]],
                         [i["InstanceId"] for i in first["Instances"]])
        self.assertEqual(len(self.all_instance_ids()), 1)
        self.launch(ClientToken="course-token-2")
        self.assertEqual(len(self.all_instance_ids()), 2)

    def test_the_default_group_when_none_is_named(self):
        [instance] = self.launch()["Instances"]
        self.assertEqual([g["GroupName"] for g in instance["SecurityGroups"]], ["default"])

    def test_instance_limit_of_20(self):
        self.assertEc2Error("InstanceLimitExceeded", self.launch, 21)
        self.assertEqual(self.all_instance_ids(), [])
        self.launch(20)
        self.assertEc2Error("InstanceLimitExceeded", self.launch, 1)


class DescribeFilterTest(Ec2TestCase):
    def test_describe_instances_filters(self):
        self.ec2.create_key_pair(KeyName="filter-key")
        group_id = self.create_group("filter-sg", ports=())
        image_id = self.ubuntu()["ImageId"]
        web = self.launch(KeyName="filter-key", SecurityGroupIds=[group_id],
                          Placement={"AvailabilityZone": "us-east-1a"},
                          TagSpecifications=[{"ResourceType": "instance",
                                              "Tags": [{"Key": "Name", "Value": "MyNewInstance"},
                                                       {"Key": "Role", "Value": "web"}]}])
        [web_id] = [i["InstanceId"] for i in web["Instances"]]
        db = self.launch(InstanceType="t2.small", Placement={"AvailabilityZone": "us-east-1b"},
                         TagSpecifications=[{"ResourceType": "instance",
                                             "Tags": [{"Key": "Name", "Value": "Database"}]}])
        [db_id] = [i["InstanceId"] for i in db["Instances"]]
        web_instance = self.describe(web_id)

        def ids(*filters):
            return self.all_instance_ids(Filters=[{"Name": n, "Values": list(v)}
                                                  for n, v in filters])

        both = sorted([web_id, db_id])
        cases = [
            ((("instance-id", [web_id]),), [web_id]),
            ((("image-id", [image_id]),), both),
            ((("instance-type", ["t2.small"]),), [db_id]),
            ((("availability-zone", ["us-east-1a"]),), [web_id]),
            ((("key-name", ["filter-key"]),), [web_id]),
            ((("instance.group-id", [group_id]),), [web_id]),
            ((("instance.group-name", ["filter-sg"]),), [web_id]),
            ((("vpc-id", [web_instance["VpcId"]]),), both),
            ((("subnet-id", [web_instance["SubnetId"]]),), [web_id]),
            ((("reservation-id", [db["ReservationId"]]),), [db_id]),
            ((("tag:Name", ["My*"]),), [web_id]),           # wildcards
            ((("tag:Name", ["MyNewInstance", "Database"]),), both),  # values OR
            ((("tag-key", ["Role"]),), [web_id]),
            ((("tag-value", ["web"]),), [web_id]),
            ((("tag:Name", ["MyNewInstance", "Database"]),  # filters AND
              ("instance-type", ["t2.micro"])), [web_id]),
            ((("instance-state-name", ["pending"]),), both),
            ((("instance-state-code", ["0"]),), both),
            ((("instance-state-name", ["stopped"]),), []),
        ]
        for filters, expected in cases:
            with self.subTest(filters=filters):
                self.assertEqual(ids(*filters), expected)
        self.assertEc2Error("InvalidParameterValue", self.ec2.describe_instances,
                            Filters=[{"Name": "no-such-filter", "Values": ["x"]}])

    def test_describe_images_filters(self):
        windows = self.ec2.describe_images(Owners=["amazon"], Filters=[
            {"Name": "platform", "Values": ["windows"]}])["Images"]
        self.assertTrue(windows)
        self.assertTrue(all(i.get("Platform") == "windows" for i in windows))
        ubuntu_id = self.ubuntu()["ImageId"]
        by_id = self.ec2.describe_images(Filters=[{"Name": "image-id",
                                                   "Values": [ubuntu_id]}])["Images"]
        self.assertEqual([i["ImageId"] for i in by_id], [ubuntu_id])
        self.assertEqual(self.ec2.describe_images(Filters=[
            {"Name": "name", "Values": ["no-such-image-*"]}])["Images"], [])


class InstanceStateEdgeTest(Ec2TestCase):
    def test_user_data_is_kept_base64(self):
        script = "#!/bin/bash\napt-get update\napt-get install -y r-base\n"
        [instance] = self.launch(UserData=script)["Instances"]
        attr = self.ec2.describe_instance_attribute(InstanceId=instance["InstanceId"],
                                                    Attribute="userData")
        self.assertEqual(base64.b64decode(attr["UserData"]["Value"]).decode(), script)

    def test_start_a_running_and_reboot_a_stopped_instance(self):
        [instance_id] = self.launch_running()
        starting = self.ec2.start_instances(InstanceIds=[instance_id])["StartingInstances"]
        self.assertState(starting[0]["CurrentState"], "running")
        self.assertState(starting[0]["PreviousState"], "running")
        self.ec2.stop_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.assertEc2Error("IncorrectInstanceState", self.ec2.reboot_instances,
                            InstanceIds=[instance_id])
        self.assertEqual(self.state(instance_id), "stopped")

    def test_terminated_instances_free_the_limit(self):
        ids = [i["InstanceId"] for i in self.launch(20)["Instances"]]
        self.assertEc2Error("InstanceLimitExceeded", self.launch, 1)
        self.ec2.terminate_instances(InstanceIds=ids[:2])
        self.advance("PT10S")
        self.launch(2)
        self.assertEc2Error("InstanceLimitExceeded", self.launch, 1)


class InstanceLimitFlagTest(Ec2TestCase):
    server_args = ("--ec2-instance-limit", "3")

    def test_the_limit_follows_the_flag(self):
        self.launch(3)
        response = self.assertEc2Error("InstanceLimitExceeded", self.launch, 1)
        self.assertIn("3", response["Error"]["Message"])


class TimingFlagsTest(Ec2TestCase):
    server_args = ("--ec2-pending", "60", "--ec2-stopping", "120")

    def test_the_transitions_take_what_the_flags_say(self):
        [instance] = self.launch()["Instances"]
        instance_id = instance["InstanceId"]
        self.advance("PT30S")
        self.assertEqual(self.state(instance_id), "pending")
        self.advance("PT40S")
        self.assertEqual(self.state(instance_id), "running")
        self.ec2.stop_instances(InstanceIds=[instance_id])
        self.advance("PT90S")
        self.assertEqual(self.state(instance_id), "stopping")
        self.advance("PT40S")
        self.assertEqual(self.state(instance_id), "stopped")


# ---------------------------------------------------------------------------
# Elastic IPs

class ElasticIpTest(Ec2TestCase):
    def test_an_elastic_ip_follows_the_instance_through_stop_and_start(self):
        [instance_id] = self.launch_running()
        auto_ip = self.describe(instance_id)["PublicIpAddress"]
        allocated = self.ec2.allocate_address(Domain="vpc")
        eip, allocation_id = allocated["PublicIp"], allocated["AllocationId"]
        self.assertEqual(allocated["Domain"], "vpc")
        self.assertTrue(allocation_id.startswith("eipalloc-"), allocated)
        self.assertIsInstance(ipaddress.ip_address(eip), ipaddress.IPv4Address)
        self.assertNotEqual(eip, auto_ip)
        listed = self.ec2.describe_addresses()["Addresses"]
        self.assertEqual([(a["PublicIp"], a["AllocationId"]) for a in listed],
                         [(eip, allocation_id)])
        self.assertNotIn("InstanceId", listed[0])

        association_id = self.ec2.associate_address(InstanceId=instance_id,
                                                    AllocationId=allocation_id)["AssociationId"]
        self.assertTrue(association_id.startswith("eipassoc-"), association_id)
        i = self.describe(instance_id)
        self.assertEqual(i["PublicIpAddress"], eip)
        self.assertEqual(i["PublicDnsName"], "ec2-%s.compute-1.amazonaws.com" % dashed(eip))
        address = self.ec2.describe_addresses(AllocationIds=[allocation_id])["Addresses"][0]
        self.assertEqual(address["InstanceId"], instance_id)
        self.assertEqual(address["AssociationId"], association_id)
        self.assertEqual(address["PrivateIpAddress"], i["PrivateIpAddress"])
        by_ip = self.ec2.describe_addresses(PublicIps=[eip])["Addresses"]
        self.assertEqual([a["AllocationId"] for a in by_ip], [allocation_id])

        self.ec2.stop_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[instance_id])
        # An Elastic IP stays associated with a stopped instance.
        self.assertEqual(self.describe(instance_id).get("PublicIpAddress"), eip)
        self.ec2.start_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=[instance_id])
        self.assertEqual(self.describe(instance_id)["PublicIpAddress"], eip)
        self.assertEqual(self.ec2.describe_addresses()["Addresses"][0]["InstanceId"], instance_id)

        self.ec2.disassociate_address(AssociationId=association_id)
        self.assertNotEqual(self.describe(instance_id).get("PublicIpAddress"), eip)
        address = self.ec2.describe_addresses()["Addresses"][0]
        self.assertNotIn("InstanceId", address)
        self.assertNotIn("AssociationId", address)
        self.ec2.release_address(AllocationId=allocation_id)
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])
        self.assertEc2Error("InvalidAllocationID.NotFound", self.ec2.describe_addresses,
                            AllocationIds=[allocation_id])

    def test_releasing_an_associated_address_is_InvalidIPAddress_InUse(self):
        [instance_id] = self.launch_running()
        allocation_id = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.ec2.associate_address(InstanceId=instance_id, AllocationId=allocation_id)
        self.assertEc2Error("InvalidIPAddress.InUse", self.ec2.release_address,
                            AllocationId=allocation_id)
        self.assertEqual(len(self.ec2.describe_addresses()["Addresses"]), 1)
        self.assertEc2Error("InvalidAllocationID.NotFound", self.ec2.release_address,
                            AllocationId="eipalloc-0123456789abcdef0")

    def test_reassociation_needs_AllowReassociation(self):
        first, second = self.launch_running(2)
        allocation_id = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.ec2.associate_address(InstanceId=first, AllocationId=allocation_id)
        self.assertEc2Error("Resource.AlreadyAssociated", self.ec2.associate_address,
                            InstanceId=second, AllocationId=allocation_id,
                            AllowReassociation=False)
        self.ec2.associate_address(InstanceId=second, AllocationId=allocation_id,
                                   AllowReassociation=True)
        address = self.ec2.describe_addresses(AllocationIds=[allocation_id])["Addresses"][0]
        self.assertEqual(address["InstanceId"], second)
        self.assertEqual(self.describe(second)["PublicIpAddress"], address["PublicIp"])
        self.assertNotEqual(self.describe(first).get("PublicIpAddress"), address["PublicIp"])

    def test_five_addresses_per_region(self):
        ips = {self.ec2.allocate_address(Domain="vpc")["PublicIp"] for _ in range(5)}
        self.assertEqual(len(ips), 5)
        self.assertEc2Error("AddressLimitExceeded", self.ec2.allocate_address, Domain="vpc")
        # Another region has its own five.
        self.client(region="us-west-2").allocate_address(Domain="vpc")

    def test_terminating_the_instance_disassociates_the_address(self):
        [instance_id] = self.launch_running()
        allocation_id = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.ec2.associate_address(InstanceId=instance_id, AllocationId=allocation_id)
        self.ec2.terminate_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_terminated", InstanceIds=[instance_id])
        address = self.ec2.describe_addresses(AllocationIds=[allocation_id])["Addresses"][0]
        self.assertNotIn("InstanceId", address)
        self.ec2.release_address(AllocationId=allocation_id)


# ---------------------------------------------------------------------------
# Spot instances

SPOT = {"MarketType": "spot"}
PERSISTENT_SPOT = {"MarketType": "spot",
                   "SpotOptions": {"SpotInstanceType": "persistent",
                                   "InstanceInterruptionBehavior": "stop"}}


class SpotClassicTest(Ec2TestCase):
    def test_a_spot_instance_cannot_be_stopped(self):
        [instance] = self.launch(InstanceMarketOptions=SPOT)["Instances"]
        instance_id = instance["InstanceId"]
        self.assertState(instance["State"], "pending")
        self.advance("PT2M")
        self.wait("instance_running", InstanceIds=[instance_id])
        i = self.describe(instance_id)
        self.assertEqual(i.get("InstanceLifecycle"), "spot")
        self.assertTrue(i.get("SpotInstanceRequestId", "").startswith("sir-"), i)
        self.assertEc2Error("UnsupportedOperation", self.ec2.stop_instances,
                            InstanceIds=[instance_id])
        self.assertEqual(self.state(instance_id), "running")
        self.ec2.terminate_instances(InstanceIds=[instance_id])
        self.advance("PT10S")
        self.wait("instance_terminated", InstanceIds=[instance_id])

    def test_an_on_demand_instance_has_no_lifecycle(self):
        [instance] = self.launch()["Instances"]
        self.assertNotIn("InstanceLifecycle", instance)
        self.assertNotIn("SpotInstanceRequestId", instance)


class SpotCurrentRulesTest(Ec2TestCase):
    server_args = ("--rules", "current")

    def test_a_persistent_spot_instance_can_be_stopped_and_started(self):
        [instance] = self.launch(InstanceMarketOptions=PERSISTENT_SPOT)["Instances"]
        instance_id = instance["InstanceId"]
        self.advance("PT2M")
        self.wait("instance_running", InstanceIds=[instance_id])
        self.assertEqual(self.describe(instance_id).get("InstanceLifecycle"), "spot")
        stopping = self.ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"]
        self.assertState(stopping[0]["CurrentState"], "stopping")
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[instance_id])
        self.ec2.start_instances(InstanceIds=[instance_id])
        self.advance("PT2M")
        self.wait("instance_running", InstanceIds=[instance_id])

    def test_a_one_time_spot_instance_cannot_be_stopped(self):
        [instance] = self.launch(InstanceMarketOptions=SPOT)["Instances"]
        instance_id = instance["InstanceId"]
        self.advance("PT2M")
        self.wait("instance_running", InstanceIds=[instance_id])
        self.assertEc2Error("UnsupportedOperation", self.ec2.stop_instances,
                            InstanceIds=[instance_id])
        self.assertEqual(self.state(instance_id), "running")


# ---------------------------------------------------------------------------
# Volumes

class VolumeTest(Ec2TestCase):
    def test_create_attach_detach_delete(self):
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        created = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")
        volume_id = created["VolumeId"]
        self.assertRegex(volume_id, VOLUME_ID)
        self.assertEqual(created["State"], "creating")
        self.assertEqual(created["Size"], 10)
        self.assertEqual(created["AvailabilityZone"], "us-east-1a")
        self.assertEqual(created["VolumeType"], "gp2")
        self.assertEqual(self.volume(volume_id)["State"], "creating")
        self.advance("PT10S")
        self.wait("volume_available", VolumeIds=[volume_id])
        self.assertEqual(self.volume(volume_id)["Attachments"], [])

        attached = self.ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id,
                                          Device="/dev/sdf")
        self.assertEqual((attached["VolumeId"], attached["InstanceId"], attached["Device"]),
                         (volume_id, instance_id, "/dev/sdf"))
        self.assertIn(attached["State"], ("attaching", "attached"))
        self.advance("PT10S")
        self.wait("volume_in_use", VolumeIds=[volume_id])
        v = self.volume(volume_id)
        self.assertEqual(len(v["Attachments"]), 1)
        self.assertEqual((v["Attachments"][0]["InstanceId"], v["Attachments"][0]["Device"],
                          v["Attachments"][0]["State"],
                          v["Attachments"][0]["DeleteOnTermination"]),
                         (instance_id, "/dev/sdf", "attached", False))
        devices = {m["DeviceName"]: m["Ebs"]["VolumeId"]
                   for m in self.describe(instance_id)["BlockDeviceMappings"]}
        self.assertEqual(devices.get("/dev/sdf"), volume_id)
        self.assertEqual(len(devices), 2)
        by_attachment = self.ec2.describe_volumes(Filters=[
            {"Name": "attachment.instance-id", "Values": [instance_id]}])["Volumes"]
        self.assertEqual(len(by_attachment), 2)

        detached = self.ec2.detach_volume(VolumeId=volume_id)
        self.assertEqual(detached["State"], "detaching")
        self.advance("PT10S")
        self.wait("volume_available", VolumeIds=[volume_id])
        self.assertNotIn("/dev/sdf", [m["DeviceName"] for m in
                                      self.describe(instance_id)["BlockDeviceMappings"]])

        self.ec2.delete_volume(VolumeId=volume_id)
        self.advance("PT10S")
        self.wait("volume_deleted", VolumeIds=[volume_id])
        self.assertEc2Error("InvalidVolume.NotFound", self.ec2.describe_volumes,
                            VolumeIds=[volume_id])

    def test_deleting_an_attached_volume_is_VolumeInUse(self):
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        volume_id = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")["VolumeId"]
        self.advance("PT10S")
        self.ec2.attach_volume(VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
        self.advance("PT10S")
        self.assertEc2Error("VolumeInUse", self.ec2.delete_volume, VolumeId=volume_id)
        root = self.describe(instance_id)["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        self.assertEc2Error("VolumeInUse", self.ec2.delete_volume, VolumeId=root)
        self.assertEqual(self.volume(volume_id)["State"], "in-use")

    def test_attach_an_attached_volume_and_detach_an_available_one(self):
        first, second = self.launch_running(2, Placement={"AvailabilityZone": "us-east-1a"})
        volume_id = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")["VolumeId"]
        self.advance("PT10S")
        self.assertEc2Error("IncorrectState", self.ec2.detach_volume, VolumeId=volume_id)
        self.ec2.attach_volume(VolumeId=volume_id, InstanceId=first, Device="/dev/sdf")
        self.advance("PT10S")
        self.assertEc2Error("VolumeInUse", self.ec2.attach_volume, VolumeId=volume_id,
                            InstanceId=second, Device="/dev/sdf")
        self.assertEqual(self.volume(volume_id)["Attachments"][0]["InstanceId"], first)

    def test_a_volume_still_creating_is_IncorrectState_to_attach(self):
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        volume_id = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1a")["VolumeId"]
        self.assertEqual(self.volume(volume_id)["State"], "creating")
        self.assertEc2Error("IncorrectState", self.ec2.attach_volume, VolumeId=volume_id,
                            InstanceId=instance_id, Device="/dev/sdf")

    def test_a_volume_attaches_only_in_its_own_zone(self):
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        volume_id = self.ec2.create_volume(Size=10, AvailabilityZone="us-east-1b")["VolumeId"]
        self.advance("PT10S")
        self.assertEc2Error("InvalidVolume.ZoneMismatch", self.ec2.attach_volume,
                            VolumeId=volume_id, InstanceId=instance_id, Device="/dev/sdf")
        self.assertEc2Error("InvalidVolume.NotFound", self.ec2.attach_volume,
                            VolumeId="vol-0123456789abcdef0", InstanceId=instance_id,
                            Device="/dev/sdg")


# ---------------------------------------------------------------------------
# Tags

class TagTest(Ec2TestCase):
    def test_create_describe_and_delete_tags_on_instance_volume_and_group(self):
        group_id = self.create_group("tagged", ports=())
        [instance_id] = self.launch_running(Placement={"AvailabilityZone": "us-east-1a"})
        volume_id = self.ec2.create_volume(Size=1, AvailabilityZone="us-east-1a")["VolumeId"]
        resources = [instance_id, volume_id, group_id]

        self.ec2.create_tags(Resources=resources, Tags=[{"Key": "Env", "Value": "course"},
                                                        {"Key": "Owner", "Value": "me"}])
        rows = self.ec2.describe_tags(Filters=[{"Name": "key", "Values": ["Env"]}])["Tags"]
        self.assertEqual(sorted((r["ResourceId"], r["ResourceType"], r["Key"], r["Value"])
                                for r in rows),
                         sorted([(instance_id, "instance", "Env", "course"),
                                 (volume_id, "volume", "Env", "course"),
                                 (group_id, "security-group", "Env", "course")]))
        rows = self.ec2.describe_tags(Filters=[{"Name": "resource-id",
                                                "Values": [volume_id]}])["Tags"]
        self.assertEqual(sorted((r["Key"], r["Value"]) for r in rows),
                         [("Env", "course"), ("Owner", "me")])
        rows = self.ec2.describe_tags(Filters=[{"Name": "resource-type",
                                                "Values": ["security-group"]}])["Tags"]
        self.assertEqual({r["ResourceId"] for r in rows}, {group_id})

        # The resources show them and filter on them.
        self.assertIn({"Key": "Env", "Value": "course"}, self.describe(instance_id)["Tags"])
        self.assertIn({"Key": "Owner", "Value": "me"}, self.volume(volume_id)["Tags"])
        self.assertIn({"Key": "Env", "Value": "course"}, self.group(group_id)["Tags"])
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "tag:Env",
                                                         "Values": ["course"]}]), [instance_id])
        volumes = self.ec2.describe_volumes(Filters=[{"Name": "tag:Env",
                                                      "Values": ["course"]}])["Volumes"]
        self.assertEqual([v["VolumeId"] for v in volumes], [volume_id])
        groups = self.ec2.describe_security_groups(
            Filters=[{"Name": "tag:Env", "Values": ["course"]}])["SecurityGroups"]
        self.assertEqual([g["GroupId"] for g in groups], [group_id])
        self.assertEqual(self.all_instance_ids(Filters=[{"Name": "tag-key",
                                                         "Values": ["Owner"]}]), [instance_id])

        # Overwrite a value.
        self.ec2.create_tags(Resources=[instance_id], Tags=[{"Key": "Env", "Value": "prod"}])
        self.assertIn({"Key": "Env", "Value": "prod"}, self.describe(instance_id)["Tags"])

        # Delete by key (any value), and by key and value (only when it matches).
        self.ec2.delete_tags(Resources=[volume_id], Tags=[{"Key": "Env"}])
        self.assertEqual(self.volume(volume_id)["Tags"], [{"Key": "Owner", "Value": "me"}])
        self.ec2.delete_tags(Resources=[group_id], Tags=[{"Key": "Env", "Value": "other"}])
        self.assertIn({"Key": "Env", "Value": "course"}, self.group(group_id)["Tags"])
        self.ec2.delete_tags(Resources=[group_id], Tags=[{"Key": "Env", "Value": "course"}])
        self.assertNotIn("Env", [t["Key"] for t in self.group(group_id).get("Tags", [])])
        self.ec2.delete_tags(Resources=resources)
        self.assertEqual(self.ec2.describe_tags(Filters=[{"Name": "resource-id",
                                                          "Values": resources}])["Tags"], [])

    def test_tag_specifications_tag_the_root_volume(self):
        [instance] = self.launch(TagSpecifications=[
            {"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "web"}]},
            {"ResourceType": "volume", "Tags": [{"Key": "Name", "Value": "web-root"}]}])["Instances"]
        self.advance("PT10S")
        root = self.describe(instance["InstanceId"])["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        self.assertEqual(self.volume(root)["Tags"], [{"Key": "Name", "Value": "web-root"}])

    def test_tags_on_an_unknown_resource_are_refused(self):
        self.assertEc2Error("InvalidInstanceID.NotFound", self.ec2.create_tags,
                            Resources=["i-0123456789abcdef0"], Tags=[{"Key": "a", "Value": "b"}])


# ---------------------------------------------------------------------------
# Accounts and regions isolate

class IsolationTest(Ec2TestCase):
    def test_another_account_sees_none_of_the_instances(self):
        self.ec2.create_key_pair(KeyName="shared-name")
        [instance_id] = self.launch_running(KeyName="shared-name")
        alice = self.client(key=ALICE_KEY)
        self.assertEqual(alice.describe_instances()["Reservations"], [])
        self.assertEc2Error("InvalidInstanceID.NotFound", alice.describe_instances,
                            InstanceIds=[instance_id])
        self.assertEc2Error("InvalidInstanceID.NotFound", alice.terminate_instances,
                            InstanceIds=[instance_id])
        self.assertEqual(alice.describe_key_pairs()["KeyPairs"], [])
        alice.create_key_pair(KeyName="shared-name")  # the name is hers too
        self.assertEqual(self.state(instance_id), "running")
        # Each account has its own default VPC and default group.
        mine = self.ec2.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
        hers = alice.describe_security_groups(GroupNames=["default"])["SecurityGroups"][0]
        self.assertNotEqual(mine["GroupId"], hers["GroupId"])
        self.assertEqual(hers["OwnerId"], harness.ALICE_ACCOUNT_ID)
        self.assertEc2Error("InvalidGroup.NotFound", alice.describe_security_groups,
                            GroupIds=[mine["GroupId"]])
        [hers_id] = self.launch_running(client=alice)
        self.assertEqual(self.all_instance_ids(), [instance_id])
        self.assertEqual(self.all_instance_ids(client=alice), [hers_id])
        reservation = alice.describe_instances()["Reservations"][0]
        self.assertEqual(reservation["OwnerId"], harness.ALICE_ACCOUNT_ID)

    def test_another_region_sees_none_of_the_instances(self):
        [instance_id] = self.launch_running()
        west = self.client(region="us-west-2")
        self.assertEqual(west.describe_instances()["Reservations"], [])
        self.assertEc2Error("InvalidInstanceID.NotFound", west.describe_instances,
                            InstanceIds=[instance_id])
        self.ec2.create_key_pair(KeyName="east-only")
        self.assertEqual(west.describe_key_pairs()["KeyPairs"], [])
        self.assertEqual(west.describe_volumes()["Volumes"], [])

    def test_an_ami_of_us_east_1_is_InvalidAMIID_NotFound_in_us_west_2(self):
        east_image = self.ubuntu()["ImageId"]
        west = self.client(region="us-west-2")
        for image_id in (east_image, DSI_TEMPLATE):
            with self.subTest(image_id=image_id):
                self.assertEc2Error("InvalidAMIID.NotFound", west.run_instances,
                                    ImageId=image_id, InstanceType="t2.micro",
                                    MinCount=1, MaxCount=1)
        self.assertEqual(west.describe_instances()["Reservations"], [])
        # The community image launches in its own region.
        [instance] = self.launch(image_id=DSI_TEMPLATE)["Instances"]
        self.assertEqual(instance["ImageId"], DSI_TEMPLATE)


# ---------------------------------------------------------------------------
# Errors and protocol

class ProtocolTest(Ec2TestCase):
    def test_an_unknown_instance_id_is_NotFound_with_400(self):
        response = self.assertEc2Error("InvalidInstanceID.NotFound", self.ec2.describe_instances,
                                       InstanceIds=["i-0123456789abcdef0"])
        self.assertIn("i-0123456789abcdef0", response["Error"]["Message"])
        for call in (self.ec2.stop_instances, self.ec2.start_instances,
                     self.ec2.terminate_instances, self.ec2.reboot_instances):
            with self.subTest(call=call.__name__):
                self.assertEc2Error("InvalidInstanceID.NotFound", call,
                                    InstanceIds=["i-0123456789abcdef0"])
        self.assertTrue(response["ResponseMetadata"].get("RequestId"), response)

    def test_responses_come_from_ec2(self):
        response = self.ec2.describe_regions()
        headers = response["ResponseMetadata"]["HTTPHeaders"]
        self.assertEqual(headers.get("server"), "AmazonEC2", headers)
        self.assertTrue(headers.get("content-type", "").startswith("text/xml"), headers)
        self.assertRegex(response["ResponseMetadata"]["RequestId"],
                         r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")

    def test_a_malformed_instance_id_is_Malformed(self):
        for bad in ("i-xyz", "foo", "i-0123456789ABCDEFG"):
            with self.subTest(id=bad):
                self.assertEc2Error("InvalidInstanceID.Malformed", self.ec2.describe_instances,
                                    InstanceIds=[bad])

    def test_dry_run_answers_DryRunOperation_and_changes_nothing(self):
        image_id = self.ubuntu()["ImageId"]
        response = self.assertEc2Error("DryRunOperation", self.ec2.run_instances,
                                       ImageId=image_id, InstanceType="t2.micro",
                                       MinCount=1, MaxCount=1, DryRun=True, status=412)
        self.assertIn("would have succeeded", response["Error"]["Message"])
        self.assertEc2Error("DryRunOperation", self.ec2.describe_instances, DryRun=True,
                            status=412)
        self.assertEqual(self.all_instance_ids(), [])
        self.assertEc2Error("DryRunOperation", self.ec2.create_key_pair, KeyName="dry",
                            DryRun=True, status=412)
        self.assertEqual(self.ec2.describe_key_pairs()["KeyPairs"], [])

    def test_bad_credentials_are_AuthFailure(self):
        unknown = self.client(key=("AKIAUNKNOWNKEY000000", "whatever"))
        self.assertEc2Error("AuthFailure", unknown.describe_instances, status=401)
        # A known key with the wrong secret: EC2 answers SignatureDoesNotMatch
        # (403), as it does to a request signed with a wrong secret.
        wrong_secret = self.client(key=(DEFAULT_KEY[0], "wrong-secret"))
        self.assertEc2Error("SignatureDoesNotMatch", wrong_secret.describe_instances, status=403)
        self.assertEc2Error("SignatureDoesNotMatch", wrong_secret.run_instances,
                            ImageId=DSI_TEMPLATE, MinCount=1, MaxCount=1, status=403)
        self.assertEqual(self.all_instance_ids(), [])

    def test_the_paginator_collects_12_instances_in_pages_of_5(self):
        launched = sorted(i["InstanceId"] for i in self.launch(12)["Instances"])
        seen = []
        pages = 0
        for page in self.ec2.get_paginator("describe_instances").paginate(
                PaginationConfig={"PageSize": 5}):
            pages += 1
            ids = [i["InstanceId"] for r in page["Reservations"] for i in r["Instances"]]
            self.assertLessEqual(len(ids), 5)
            seen.extend(ids)
        self.assertEqual(sorted(seen), launched)
        self.assertEqual(len(seen), 12)
        self.assertGreaterEqual(pages, 3)
        first = self.ec2.describe_instances(MaxResults=5)
        self.assertTrue(first.get("NextToken"), first)
        self.assertEc2Error("InvalidParameterValue", self.ec2.describe_instances, MaxResults=2)
        self.assertEc2Error("InvalidParameterCombination", self.ec2.describe_instances,
                            MaxResults=5, InstanceIds=[launched[0]])
        # Twelve instances, twelve different addresses once running.
        self.advance("PT10S")
        instances = [self.describe(i) for i in launched]
        self.assertEqual(len({i["PublicIpAddress"] for i in instances}), 12)
        self.assertEqual(len({i["PrivateIpAddress"] for i in instances}), 12)

    def test_state_survives_a_restart(self):
        created = self.ec2.create_key_pair(KeyName="kept")
        group_id = self.create_group("kept-sg")
        [instance_id, other_id] = self.launch_running(2, KeyName="kept",
                                                      SecurityGroupIds=[group_id])
        allocation = self.ec2.allocate_address(Domain="vpc")
        self.ec2.associate_address(InstanceId=instance_id, AllocationId=allocation["AllocationId"])
        self.ec2.stop_instances(InstanceIds=[other_id])
        self.advance("PT10S")
        before = harness.clock_now(self.endpoint)["now"]

        self.server.restart()
        ec2 = self.client()
        self.assertGreaterEqual(harness.clock_now(self.endpoint)["now"], before)
        self.assertEqual(self.all_instance_ids(client=ec2), sorted([instance_id, other_id]))
        i = self.describe(instance_id, client=ec2)
        self.assertEqual(i["State"]["Name"], "running")
        self.assertEqual(i["PublicIpAddress"], allocation["PublicIp"])
        self.assertEqual(i["KeyName"], "kept")
        self.assertEqual(self.state(other_id, client=ec2), "stopped")
        pairs = ec2.describe_key_pairs(KeyNames=["kept"])["KeyPairs"]
        self.assertEqual(pairs[0]["KeyFingerprint"], created["KeyFingerprint"])
        group = self.group(group_id, client=ec2)
        self.assertEqual(sorted(p["FromPort"] for p in group["IpPermissions"]),
                         sorted(COURSE_PORTS))
        address = ec2.describe_addresses()["Addresses"]
        self.assertEqual([(a["AllocationId"], a.get("InstanceId")) for a in address],
                         [(allocation["AllocationId"], instance_id)])
        # And it keeps working.
        ec2.start_instances(InstanceIds=[other_id])
        self.advance("PT10S")
        self.wait("instance_running", client=ec2, InstanceIds=[other_id])


# ---------------------------------------------------------------------------
# The course's walk-through, in its order

class WalkthroughTest(Ec2TestCase):
    def test_the_course_walkthrough(self):
        # Look around.
        self.assertIn("us-east-1", [r["RegionName"] for r in self.ec2.describe_regions()["Regions"]])
        zones = [z["ZoneName"] for z in self.ec2.describe_availability_zones()["AvailabilityZones"]]
        self.assertIn("us-east-1a", zones)
        image_id = self.ubuntu()["ImageId"]

        # A key pair, saved as key.pem with mode 400, usable by ssh.
        material = self.ec2.create_key_pair(KeyName="MyKeyPair")["KeyMaterial"]
        self.write_key("MyKeyPair.pem", material)
        self.assertTrue(self.tool(SSH_KEYGEN, "-y", "-f", "MyKeyPair.pem").startswith("ssh-rsa "))

        # A security group open for ssh, http and RStudio.
        group_id = self.ec2.create_security_group(GroupName="my-sg",
                                                  Description="My security group")["GroupId"]
        for port in COURSE_PORTS:
            self.ec2.authorize_security_group_ingress(
                GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": port,
                                                  "ToPort": port,
                                                  "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])

        # Two instances.
        reservation = self.ec2.run_instances(
            ImageId=image_id, InstanceType="t2.micro", MinCount=2, MaxCount=2,
            KeyName="MyKeyPair", SecurityGroupIds=[group_id],
            TagSpecifications=[{"ResourceType": "instance",
                                "Tags": [{"Key": "Name", "Value": "MyNewInstance"}]}])
        ids = sorted(i["InstanceId"] for i in reservation["Instances"])
        self.assertEqual([i["State"]["Name"] for i in reservation["Instances"]],
                         ["pending", "pending"])
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=ids)
        listed = self.ec2.describe_instances(Filters=[
            {"Name": "tag:Name", "Values": ["MyNewInstance"]},
            {"Name": "instance-state-name", "Values": ["running"]}])["Reservations"]
        instances = {i["InstanceId"]: i for r in listed for i in r["Instances"]}
        self.assertEqual(sorted(instances), ids)
        first = instances[ids[0]]
        ip = first["PublicIpAddress"]
        self.assertEqual(first["PublicDnsName"], "ec2-%s.compute-1.amazonaws.com" % dashed(ip))
        console = self.ec2.get_console_output(InstanceId=ids[0])["Output"]
        self.assertIn("SSH HOST KEY FINGERPRINTS", console)

        # Stop and start: a new public IP.
        self.ec2.stop_instances(InstanceIds=[ids[0]])
        self.assertEqual(self.state(ids[0]), "stopping")
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[ids[0]])
        self.assertNotIn("PublicIpAddress", self.describe(ids[0]))
        self.ec2.start_instances(InstanceIds=[ids[0]])
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=[ids[0]])
        self.assertNotEqual(self.describe(ids[0])["PublicIpAddress"], ip)

        # An Elastic IP keeps the address across a stop and start.
        allocation = self.ec2.allocate_address(Domain="vpc")
        association_id = self.ec2.associate_address(
            InstanceId=ids[0], AllocationId=allocation["AllocationId"])["AssociationId"]
        self.assertEqual(self.describe(ids[0])["PublicIpAddress"], allocation["PublicIp"])
        self.ec2.stop_instances(InstanceIds=[ids[0]])
        self.advance("PT10S")
        self.wait("instance_stopped", InstanceIds=[ids[0]])
        self.ec2.start_instances(InstanceIds=[ids[0]])
        self.advance("PT10S")
        self.wait("instance_running", InstanceIds=[ids[0]])
        self.assertEqual(self.describe(ids[0])["PublicIpAddress"], allocation["PublicIp"])

        # Clean up: terminate, release, delete.
        self.ec2.disassociate_address(AssociationId=association_id)
        self.ec2.release_address(AllocationId=allocation["AllocationId"])
        terminating = self.ec2.terminate_instances(InstanceIds=ids)["TerminatingInstances"]
        self.assertEqual({t["CurrentState"]["Name"] for t in terminating}, {"shutting-down"})
        self.advance("PT10S")
        self.wait("instance_terminated", InstanceIds=ids)
        self.ec2.delete_security_group(GroupId=group_id)
        self.ec2.delete_key_pair(KeyName="MyKeyPair")
        self.assertEqual(self.ec2.describe_addresses()["Addresses"], [])
        self.assertEqual(self.ec2.describe_volumes()["Volumes"], [])
        self.assertEqual(self.ec2.describe_key_pairs()["KeyPairs"], [])


if __name__ == "__main__":
    unittest.main()
