"""Debian's aws CLI (/usr/bin/aws, awscli 2.9) against the real awslab-server's
EC2 API: the course's EC2 walk-through as its students type it (key pairs,
security groups, instances, Elastic IPs, volumes, tags, spot), and the errors
the CLI prints.

Time: instance transitions run on the server's simulation clock; the tests
never sleep, they move that clock (harness.advance_clock) and then expect
every `aws ec2 wait ...` to succeed at its first poll (the CLI's waiters poll
every 15 s, so a wait that needs a second poll fails here by timing out).

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_ec2_awscli
"""

import json
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import unittest

import harness
from harness import ALICE_KEY, AWS_CLI, DEFAULT_KEY, REGION

UBUNTU_OWNER = "099720109477"  # Canonical
DSI_TEMPLATE = "ami-d1737bb8"  # the course's community image, us-east-1 only
COURSE_PORTS = (22, 80, 8787)  # ssh, http, RStudio

INSTANCE_ID = re.compile(r"^i-[0-9a-f]{17}$")
SHA1_COLON = re.compile(r"^([0-9a-f]{2}:){19}[0-9a-f]{2}$")
MD5_COLON = re.compile(r"^([0-9a-f]{2}:){15}[0-9a-f]{2}$")

SSH_KEYGEN = "/usr/bin/ssh-keygen"
OPENSSL = "/usr/bin/openssl"
SH = "/bin/sh"

# A waiter that succeeds at its first poll returns in about a second (the
# CLI's start-up); one that needs a second poll sleeps 15 s first.
FIRST_POLL_TIMEOUT = 12

SPOT = '{"MarketType":"spot"}'
PERSISTENT_SPOT = ('{"MarketType":"spot","SpotOptions":{"SpotInstanceType":"persistent",'
                   '"InstanceInterruptionBehavior":"stop"}}')


def dashed(ip):
    return ip.replace(".", "-")


class Ec2CliTestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.work = tempfile.mkdtemp(prefix="awslab-ec2-cli-")
        self.addCleanup(shutil.rmtree, self.work, True)
        self._ubuntu = {}

    # -- the CLI ------------------------------------------------------------

    def argv(self, args, region=REGION, output="json"):
        return [AWS_CLI, "--endpoint-url", self.endpoint, "--region", region,
                "--no-cli-pager", "--output", output] + list(args)

    def aws(self, *args, check=True, region=REGION, key=DEFAULT_KEY, output="json",
            timeout=60):
        """Runs /usr/bin/aws against the server; returns (exit code, stdout, stderr)."""
        done = self.run_client(self.argv(args, region, output), cwd=self.work,
                               env=harness.client_env(key[0], key[1], region), timeout=timeout)
        out = done.stdout.decode("utf-8", "replace")
        err = done.stderr.decode("utf-8", "replace")
        if check and done.returncode != 0:
            self.fail("aws %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out, err))
        return done.returncode, out, err

    def aws_json(self, *args, **kwargs):
        out = self.aws(*args, **kwargs)[1]
        return json.loads(out) if out.strip() else {}

    def aws_error(self, code, *args, **kwargs):
        """The command must fail with this EC2 error code; returns stderr."""
        rc, out, err = self.aws(*args, check=False, **kwargs)
        self.assertNotEqual(rc, 0, "aws %s succeeded:\n%s" % (" ".join(args), out))
        self.assertIn("An error occurred (%s)" % code, err, "aws %s" % " ".join(args))
        return err

    def wait(self, *args, region=REGION, key=DEFAULT_KEY):
        """`aws ec2 wait ...` must return success at its first poll."""
        start = time.monotonic()
        try:
            rc, out, err = self.aws("ec2", "wait", *args, check=False, region=region, key=key,
                                    timeout=FIRST_POLL_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.fail("aws ec2 wait %s did not succeed at its first poll (still waiting after "
                      "%d s)" % (" ".join(args), FIRST_POLL_TIMEOUT))
        self.assertEqual(rc, 0, "aws ec2 wait %s failed after %.1f s: %s" %
                         (" ".join(args), time.monotonic() - start, err))

    def advance(self, duration):
        return harness.advance_clock(self.endpoint, duration)

    def shell(self, command):
        """A shell command line (with the isolated environment); returns stdout."""
        done = self.run_client([SH, "-c", command], cwd=self.work,
                               env=harness.client_env())
        if done.returncode != 0:
            self.fail("%s exited %d: %s" % (command, done.returncode,
                                            done.stderr.decode("utf-8", "replace")))
        return done.stdout.decode("utf-8", "replace")

    def aws_line(self):
        """The start of an aws command line for the shell (endpoint, region; no --output)."""
        return " ".join(shlex.quote(a) for a in [AWS_CLI, "--endpoint-url", self.endpoint,
                                                  "--region", REGION, "--no-cli-pager"])

    def openssl_digest(self, pipeline):
        return self.shell(pipeline).strip().split("= ")[-1].strip()

    def path(self, name):
        return os.path.join(self.work, name)

    # -- resources ----------------------------------------------------------

    def ubuntu_id(self, region=REGION):
        if region not in self._ubuntu:
            images = self.aws_json("ec2", "describe-images", "--owners", UBUNTU_OWNER,
                                   "--filters", "Name=name,Values=ubuntu/images/*jammy*",
                                   region=region)["Images"]
            self.assertTrue(images, "no Ubuntu 22.04 image in %s" % region)
            newest = sorted(images, key=lambda i: i.get("CreationDate", ""))[-1]
            self._ubuntu[region] = newest["ImageId"]
        return self._ubuntu[region]

    def launch(self, *extra, count=1, region=REGION, key=DEFAULT_KEY, image_id=None):
        """run-instances of Ubuntu 22.04 on t2.micro; returns the reservation."""
        image_id = image_id or self.ubuntu_id(region)
        return self.aws_json("ec2", "run-instances", "--image-id", image_id,
                             "--instance-type", "t2.micro", "--count", str(count), *extra,
                             region=region, key=key)

    def launch_running(self, *extra, count=1, region=REGION, key=DEFAULT_KEY):
        reservation = self.launch(*extra, count=count, region=region, key=key)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        self.advance("PT30S")
        self.wait("instance-running", "--instance-ids", *ids, region=region, key=key)
        return ids

    def describe(self, instance_id, region=REGION):
        reservations = self.aws_json("ec2", "describe-instances", "--instance-ids", instance_id,
                                     region=region)["Reservations"]
        instances = [i for r in reservations for i in r["Instances"]]
        self.assertEqual([i["InstanceId"] for i in instances], [instance_id])
        return instances[0]

    def instance_ids(self, *args, region=REGION, key=DEFAULT_KEY):
        reservations = self.aws_json("ec2", "describe-instances", *args, region=region,
                                     key=key)["Reservations"]
        return sorted(i["InstanceId"] for r in reservations for i in r["Instances"])

    def create_group(self, name="course-sg", ports=COURSE_PORTS):
        group_id = self.aws_json("ec2", "create-security-group", "--group-name", name,
                                 "--description", "ssh, http and rstudio")["GroupId"]
        for port in ports:
            self.aws("ec2", "authorize-security-group-ingress", "--group-id", group_id,
                     "--protocol", "tcp", "--port", str(port), "--cidr", "0.0.0.0/0")
        return group_id

    def volume(self, volume_id):
        [v] = self.aws_json("ec2", "describe-volumes", "--volume-ids", volume_id)["Volumes"]
        return v


# ---------------------------------------------------------------------------

class CatalogTest(Ec2CliTestCase):
    def test_regions_zones_instance_types_and_images(self):
        regions = [r["RegionName"] for r in self.aws_json("ec2", "describe-regions")["Regions"]]
        for name in ("us-east-1", "us-west-1", "us-west-2", "eu-west-1"):
            self.assertIn(name, regions)

        zones = self.aws_json("ec2", "describe-availability-zones")["AvailabilityZones"]
        self.assertIn("us-east-1a", [z["ZoneName"] for z in zones])
        self.assertEqual({z["State"] for z in zones}, {"available"})
        self.assertEqual({z["RegionName"] for z in zones}, {"us-east-1"})
        west = self.aws_json("ec2", "describe-availability-zones", "--query",
                             "AvailabilityZones[].ZoneName", region="us-west-2")
        self.assertIn("us-west-2a", west)
        self.assertTrue(all(z.startswith("us-west-2") for z in west), west)

        [t2] = self.aws_json("ec2", "describe-instance-types", "--instance-types",
                             "t2.micro")["InstanceTypes"]
        self.assertEqual(t2["VCpuInfo"]["DefaultVCpus"], 1)
        self.assertEqual(t2["MemoryInfo"]["SizeInMiB"], 1024)

        images = self.aws_json("ec2", "describe-images", "--owners", UBUNTU_OWNER, "--filters",
                               "Name=name,Values=ubuntu/images/*jammy*")["Images"]
        self.assertTrue(images)
        for image in images:
            self.assertIn("jammy", image["Name"])
            self.assertEqual(image["OwnerId"], UBUNTU_OWNER)
        amazon = self.aws_json("ec2", "describe-images", "--owners", "amazon", "--filters",
                               "Name=name,Values=al2023-ami-2023*")["Images"]
        self.assertTrue(amazon)
        self.assertTrue(all(i.get("ImageOwnerAlias") == "amazon" for i in amazon))

        [dsi] = self.aws_json("ec2", "describe-images", "--image-ids", DSI_TEMPLATE)["Images"]
        self.assertIn("DSI-Template", dsi["Name"])
        self.aws_error("InvalidAMIID.NotFound", "ec2", "describe-images", "--image-ids",
                       DSI_TEMPLATE, region="us-west-2")


class KeyPairTest(Ec2CliTestCase):
    def test_create_key_pair_into_a_pem_file_that_ssh_keygen_reads(self):
        # As the course types it: --query KeyMaterial --output text > key.pem
        self.shell("%s ec2 create-key-pair --key-name course-key --query KeyMaterial "
                   "--output text > key.pem" % self.aws_line())
        os.chmod(self.path("key.pem"), 0o400)
        with open(self.path("key.pem")) as f:
            self.assertTrue(f.read().startswith("-----BEGIN RSA PRIVATE KEY-----"))
        public = self.shell("%s -y -f key.pem" % SSH_KEYGEN).split()
        self.assertEqual(public[0], "ssh-rsa")

        [pair] = self.aws_json("ec2", "describe-key-pairs", "--key-names", "course-key",
                               "--include-public-key")["KeyPairs"]
        expected = self.openssl_digest(
            "%s pkcs8 -in key.pem -nocrypt -topk8 -outform DER | %s sha1 -c" % (OPENSSL, OPENSSL))
        self.assertRegex(expected, SHA1_COLON)
        self.assertEqual(pair["KeyFingerprint"], expected)
        self.assertEqual(pair["KeyType"], "rsa")
        self.assertEqual(pair["PublicKey"].split()[:2], public[:2])

        # ed25519
        self.shell("%s ec2 create-key-pair --key-name ed-key --key-type ed25519 "
                   "--query KeyMaterial --output text > ed.pem" % self.aws_line())
        os.chmod(self.path("ed.pem"), 0o400)
        self.assertEqual(self.shell("%s -y -f ed.pem" % SSH_KEYGEN).split()[0], "ssh-ed25519")
        listed = self.shell("%s -l -E sha256 -f ed.pem" % SSH_KEYGEN).split()[1]
        [ed] = self.aws_json("ec2", "describe-key-pairs", "--key-names", "ed-key")["KeyPairs"]
        self.assertEqual(ed["KeyType"], "ed25519")
        self.assertEqual(ed["KeyFingerprint"].rstrip("="), listed[len("SHA256:"):])

    def test_import_duplicate_and_delete(self):
        self.shell("%s -q -t rsa -b 2048 -N '' -C me@laptop -f k" % SSH_KEYGEN)
        imported = self.aws_json("ec2", "import-key-pair", "--key-name", "laptop",
                                 "--public-key-material", "fileb://k.pub")
        expected = self.openssl_digest(
            "%s -e -f k.pub -m PKCS8 | %s pkey -pubin -outform DER | %s md5 -c" %
            (SSH_KEYGEN, OPENSSL, OPENSSL))
        self.assertRegex(expected, MD5_COLON)
        self.assertEqual(imported["KeyFingerprint"], expected)
        fingerprints = self.aws_json("ec2", "describe-key-pairs", "--query",
                                     "KeyPairs[].[KeyName,KeyFingerprint]")
        self.assertEqual(fingerprints, [["laptop", expected]])

        self.aws_error("InvalidKeyPair.Duplicate", "ec2", "import-key-pair", "--key-name",
                       "laptop", "--public-key-material", "fileb://k.pub")
        self.aws_error("InvalidKeyPair.Duplicate", "ec2", "create-key-pair", "--key-name",
                       "laptop")
        self.aws("ec2", "delete-key-pair", "--key-name", "laptop")
        self.assertEqual(self.aws_json("ec2", "describe-key-pairs")["KeyPairs"], [])
        self.aws_error("InvalidKeyPair.NotFound", "ec2", "describe-key-pairs", "--key-names",
                       "laptop")


class SecurityGroupTest(Ec2CliTestCase):
    def ingress(self, group_id):
        [group] = self.aws_json("ec2", "describe-security-groups", "--group-ids",
                                group_id)["SecurityGroups"]
        return sorted((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"),
                       tuple(r["CidrIp"] for r in p.get("IpRanges", [])))
                      for p in group["IpPermissions"]), group

    def test_create_authorize_duplicate_revoke_and_the_default_group(self):
        group_id = self.create_group("course-sg")
        rules, group = self.ingress(group_id)
        self.assertEqual(rules, [("tcp", p, p, ("0.0.0.0/0",)) for p in sorted(COURSE_PORTS)])
        self.assertEqual(group["GroupName"], "course-sg")
        self.assertEqual(group["Description"], "ssh, http and rstudio")
        [default] = self.aws_json("ec2", "describe-security-groups", "--group-names",
                                  "default")["SecurityGroups"]
        self.assertEqual(group["VpcId"], default["VpcId"])

        self.aws_error("InvalidPermission.Duplicate", "ec2", "authorize-security-group-ingress",
                       "--group-id", group_id, "--protocol", "tcp", "--port", "22",
                       "--cidr", "0.0.0.0/0")
        self.aws_error("InvalidGroup.Duplicate", "ec2", "create-security-group", "--group-name",
                       "course-sg", "--description", "again")
        self.aws("ec2", "revoke-security-group-ingress", "--group-id", group_id,
                 "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0")
        rules, _ = self.ingress(group_id)
        self.assertEqual(rules, [("tcp", 22, 22, ("0.0.0.0/0",)),
                                 ("tcp", 8787, 8787, ("0.0.0.0/0",))])

        self.aws_error("CannotDelete", "ec2", "delete-security-group", "--group-id",
                       default["GroupId"])
        self.aws("ec2", "delete-security-group", "--group-id", group_id)
        self.aws_error("InvalidGroup.NotFound", "ec2", "describe-security-groups",
                       "--group-ids", group_id)

    def test_a_group_in_use_cannot_be_deleted(self):
        group_id = self.create_group("busy", ports=(22,))
        [instance_id] = self.launch_running("--security-group-ids", group_id)
        self.aws_error("DependencyViolation", "ec2", "delete-security-group", "--group-id",
                       group_id)
        self.aws("ec2", "terminate-instances", "--instance-ids", instance_id)
        self.advance("PT30S")
        self.aws("ec2", "delete-security-group", "--group-id", group_id)


class InstanceTest(Ec2CliTestCase):
    def test_run_two_instances_pending_then_running_with_addresses(self):
        self.aws("ec2", "create-key-pair", "--key-name", "course-key")
        group_id = self.create_group(ports=(22,))
        reservation = self.launch(
            "--key-name", "course-key", "--security-group-ids", group_id,
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=MyNewInstance}]",
            count=2)
        instances = reservation["Instances"]
        self.assertEqual(len(instances), 2)
        ids = sorted(i["InstanceId"] for i in instances)
        for i in instances:
            self.assertRegex(i["InstanceId"], INSTANCE_ID)
            self.assertEqual(i["State"], {"Code": 0, "Name": "pending"})
            self.assertEqual(i["KeyName"], "course-key")
            self.assertEqual(i["Tags"], [{"Key": "Name", "Value": "MyNewInstance"}])

        filters = ["--filters", "Name=tag:Name,Values=MyNewInstance",
                   "Name=instance-state-name,Values=running,pending"]
        listed = self.aws_json("ec2", "describe-instances", *filters)["Reservations"]
        self.assertEqual(len(listed), 1)
        self.assertEqual(listed[0]["ReservationId"], reservation["ReservationId"])
        self.assertEqual(sorted(i["InstanceId"] for i in listed[0]["Instances"]), ids)
        self.assertEqual({i["State"]["Name"] for i in listed[0]["Instances"]}, {"pending"})

        self.advance("PT10S")
        self.wait("instance-running", "--instance-ids", *ids)
        for instance_id in ids:
            i = self.describe(instance_id)
            self.assertEqual(i["State"]["Name"], "running")
            ip = i["PublicIpAddress"]
            self.assertRegex(ip, r"^\d+\.\d+\.\d+\.\d+$")
            self.assertEqual(i["PublicDnsName"], "ec2-%s.compute-1.amazonaws.com" % dashed(ip))
            self.assertTrue(i["PrivateIpAddress"].startswith("172.31."), i["PrivateIpAddress"])
            self.assertEqual(i["PrivateDnsName"], "ip-%s.ec2.internal" %
                             dashed(i["PrivateIpAddress"]))
            [root] = i["BlockDeviceMappings"]
            self.assertEqual(root["DeviceName"], i["RootDeviceName"])
            self.assertTrue(root["Ebs"]["VolumeId"].startswith("vol-"))
            self.assertEqual(root["Ebs"]["DeleteOnTermination"], True)

        # The course's query for the addresses, as text.
        _, text, _ = self.aws("ec2", "describe-instances", "--instance-ids", ids[0], "--query",
                              "Reservations[].Instances[].PublicDnsName", output="text")
        self.assertRegex(text.strip(), r"^ec2-\d+-\d+-\d+-\d+\.compute-1\.amazonaws\.com$")

        statuses = self.aws_json("ec2", "describe-instance-status", "--instance-ids",
                                 *ids)["InstanceStatuses"]
        self.assertEqual(sorted(s["InstanceId"] for s in statuses), ids)
        self.assertEqual({s["InstanceState"]["Name"] for s in statuses}, {"running"})

        console = self.aws_json("ec2", "get-console-output", "--instance-id", ids[0])
        self.assertIn("SSH HOST KEY FINGERPRINTS", console["Output"])

    def test_without_the_clock_the_instance_stays_pending(self):
        [instance] = self.launch()["Instances"]
        instance_id = instance["InstanceId"]
        self.assertEqual(self.describe(instance_id)["State"]["Name"], "pending")
        self.advance("PT10S")
        self.assertEqual(self.describe(instance_id)["State"]["Name"], "running")

    def test_public_dns_in_us_west_2(self):
        [instance_id] = self.launch_running(region="us-west-2")
        i = self.describe(instance_id, region="us-west-2")
        self.assertEqual(i["PublicDnsName"], "ec2-%s.us-west-2.compute.amazonaws.com" %
                         dashed(i["PublicIpAddress"]))

    def test_stop_start_modify_and_reboot(self):
        [instance_id] = self.launch_running()
        first_ip = self.describe(instance_id)["PublicIpAddress"]

        self.aws_error("IncorrectInstanceState", "ec2", "modify-instance-attribute",
                       "--instance-id", instance_id, "--instance-type", "Value=t2.small")
        self.aws("ec2", "reboot-instances", "--instance-ids", instance_id)
        self.assertEqual(self.describe(instance_id)["State"]["Name"], "running")

        stopping = self.aws_json("ec2", "stop-instances", "--instance-ids",
                                 instance_id)["StoppingInstances"]
        self.assertEqual(stopping[0]["CurrentState"]["Name"], "stopping")
        self.assertEqual(stopping[0]["PreviousState"]["Name"], "running")
        self.advance("PT10S")
        self.wait("instance-stopped", "--instance-ids", instance_id)
        stopped = self.describe(instance_id)
        self.assertNotIn("PublicIpAddress", stopped)

        self.aws("ec2", "modify-instance-attribute", "--instance-id", instance_id,
                 "--instance-type", "Value=t2.small")
        self.assertEqual(self.describe(instance_id)["InstanceType"], "t2.small")

        starting = self.aws_json("ec2", "start-instances", "--instance-ids",
                                 instance_id)["StartingInstances"]
        self.assertEqual(starting[0]["CurrentState"]["Name"], "pending")
        self.advance("PT10S")
        self.wait("instance-running", "--instance-ids", instance_id)
        started = self.describe(instance_id)
        self.assertEqual(started["InstanceType"], "t2.small")
        self.assertNotEqual(started["PublicIpAddress"], first_ip)

    def test_terminate_keeps_an_attached_volume_and_forgets_the_instance(self):
        [instance_id] = self.launch_running("--placement", "AvailabilityZone=us-east-1a")
        root = self.describe(instance_id)["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
        data = self.aws_json("ec2", "create-volume", "--size", "10", "--availability-zone",
                             "us-east-1a")["VolumeId"]
        self.advance("PT10S")
        self.aws("ec2", "attach-volume", "--volume-id", data, "--instance-id", instance_id,
                 "--device", "/dev/sdf")
        self.advance("PT10S")

        terminating = self.aws_json("ec2", "terminate-instances", "--instance-ids",
                                    instance_id)["TerminatingInstances"]
        self.assertEqual(terminating[0]["CurrentState"]["Name"], "shutting-down")
        self.advance("PT10S")
        self.wait("instance-terminated", "--instance-ids", instance_id)
        volumes = {v["VolumeId"]: v for v in self.aws_json("ec2", "describe-volumes")["Volumes"]}
        self.assertNotIn(root, volumes)
        self.assertIn(data, volumes)
        self.assertEqual(volumes[data]["State"], "available")
        self.aws_error("IncorrectInstanceState", "ec2", "start-instances", "--instance-ids",
                       instance_id)
        self.advance("PT2H")
        self.assertEqual(self.instance_ids(), [])
        self.aws_error("InvalidInstanceID.NotFound", "ec2", "describe-instances",
                       "--instance-ids", instance_id)


class ElasticIpTest(Ec2CliTestCase):
    def test_allocate_associate_stop_start_disassociate_release(self):
        [instance_id] = self.launch_running()
        allocated = self.aws_json("ec2", "allocate-address", "--domain", "vpc")
        eip, allocation_id = allocated["PublicIp"], allocated["AllocationId"]
        self.assertEqual(allocated["Domain"], "vpc")
        association_id = self.aws_json("ec2", "associate-address", "--instance-id", instance_id,
                                       "--allocation-id", allocation_id)["AssociationId"]
        self.assertEqual(self.describe(instance_id)["PublicIpAddress"], eip)

        self.aws("ec2", "stop-instances", "--instance-ids", instance_id)
        self.advance("PT10S")
        self.wait("instance-stopped", "--instance-ids", instance_id)
        self.aws("ec2", "start-instances", "--instance-ids", instance_id)
        self.advance("PT10S")
        self.wait("instance-running", "--instance-ids", instance_id)
        self.assertEqual(self.describe(instance_id)["PublicIpAddress"], eip)

        self.aws_error("InvalidIPAddress.InUse", "ec2", "release-address", "--allocation-id",
                       allocation_id)
        self.aws("ec2", "disassociate-address", "--association-id", association_id)
        [address] = self.aws_json("ec2", "describe-addresses")["Addresses"]
        self.assertNotIn("InstanceId", address)
        self.aws("ec2", "release-address", "--allocation-id", allocation_id)
        self.assertEqual(self.aws_json("ec2", "describe-addresses")["Addresses"], [])


class SpotClassicTest(Ec2CliTestCase):
    def test_a_spot_instance_cannot_be_stopped(self):
        [instance] = self.launch("--instance-market-options", SPOT)["Instances"]
        instance_id = instance["InstanceId"]
        self.advance("PT2M")
        self.wait("instance-running", "--instance-ids", instance_id)
        self.assertEqual(self.describe(instance_id).get("InstanceLifecycle"), "spot")
        self.aws_error("UnsupportedOperation", "ec2", "stop-instances", "--instance-ids",
                       instance_id)


class SpotCurrentRulesTest(Ec2CliTestCase):
    server_args = ("--rules", "current")

    def test_persistent_spot_stops_one_time_spot_does_not(self):
        [persistent] = self.launch("--instance-market-options", PERSISTENT_SPOT)["Instances"]
        [one_time] = self.launch("--instance-market-options", SPOT)["Instances"]
        ids = [persistent["InstanceId"], one_time["InstanceId"]]
        self.advance("PT2M")
        self.wait("instance-running", "--instance-ids", *ids)
        self.aws_error("UnsupportedOperation", "ec2", "stop-instances", "--instance-ids", ids[1])
        self.aws("ec2", "stop-instances", "--instance-ids", ids[0])
        self.advance("PT10S")
        self.wait("instance-stopped", "--instance-ids", ids[0])


class VolumeAndTagTest(Ec2CliTestCase):
    def test_create_attach_detach_delete_a_volume(self):
        [instance_id] = self.launch_running("--placement", "AvailabilityZone=us-east-1a")
        created = self.aws_json("ec2", "create-volume", "--size", "10", "--availability-zone",
                                "us-east-1a")
        volume_id = created["VolumeId"]
        self.assertEqual((created["State"], created["Size"]), ("creating", 10))
        self.advance("PT10S")
        self.wait("volume-available", "--volume-ids", volume_id)
        attached = self.aws_json("ec2", "attach-volume", "--volume-id", volume_id,
                                 "--instance-id", instance_id, "--device", "/dev/sdf")
        self.assertEqual(attached["Device"], "/dev/sdf")
        self.advance("PT10S")
        self.wait("volume-in-use", "--volume-ids", volume_id)
        self.aws_error("VolumeInUse", "ec2", "delete-volume", "--volume-id", volume_id)
        self.aws("ec2", "detach-volume", "--volume-id", volume_id)
        self.advance("PT10S")
        self.wait("volume-available", "--volume-ids", volume_id)
        self.aws("ec2", "delete-volume", "--volume-id", volume_id)
        self.aws_error("InvalidVolume.NotFound", "ec2", "describe-volumes", "--volume-ids",
                       volume_id)

    def test_tags_on_an_instance_a_volume_and_a_group(self):
        group_id = self.create_group("tagged", ports=())
        [instance] = self.launch("--placement", "AvailabilityZone=us-east-1a")["Instances"]
        instance_id = instance["InstanceId"]
        volume_id = self.aws_json("ec2", "create-volume", "--size", "1", "--availability-zone",
                                  "us-east-1a")["VolumeId"]
        self.aws("ec2", "create-tags", "--resources", instance_id, volume_id, group_id,
                 "--tags", "Key=Env,Value=course", "Key=Owner,Value=me")
        rows = self.aws_json("ec2", "describe-tags", "--filters", "Name=key,Values=Env")["Tags"]
        self.assertEqual(sorted((r["ResourceId"], r["ResourceType"], r["Value"]) for r in rows),
                         sorted([(instance_id, "instance", "course"),
                                 (volume_id, "volume", "course"),
                                 (group_id, "security-group", "course")]))
        self.assertEqual(self.instance_ids("--filters", "Name=tag:Env,Values=course"),
                         [instance_id])
        self.aws("ec2", "delete-tags", "--resources", volume_id, group_id, "--tags", "Key=Env")
        rows = self.aws_json("ec2", "describe-tags", "--filters", "Name=key,Values=Env")["Tags"]
        self.assertEqual([r["ResourceId"] for r in rows], [instance_id])
        self.assertEqual(self.volume(volume_id)["Tags"], [{"Key": "Owner", "Value": "me"}])


class IsolationAndErrorTest(Ec2CliTestCase):
    def test_another_account_and_another_region_see_nothing(self):
        [instance_id] = self.launch_running()
        self.assertEqual(self.instance_ids(key=ALICE_KEY), [])
        self.aws_error("InvalidInstanceID.NotFound", "ec2", "describe-instances",
                       "--instance-ids", instance_id, key=ALICE_KEY)
        self.assertEqual(self.instance_ids(region="us-west-2"), [])
        self.aws_error("InvalidAMIID.NotFound", "ec2", "run-instances", "--image-id",
                       self.ubuntu_id(), "--instance-type", "t2.micro", region="us-west-2")

    def test_errors(self):
        err = self.aws_error("InvalidInstanceID.NotFound", "ec2", "describe-instances",
                             "--instance-ids", "i-0123456789abcdef0")
        self.assertIn("i-0123456789abcdef0", err)
        self.aws_error("InvalidInstanceID.Malformed", "ec2", "stop-instances", "--instance-ids",
                       "i-xyz")
        err = self.aws_error("DryRunOperation", "ec2", "run-instances", "--dry-run",
                             "--image-id", self.ubuntu_id(), "--instance-type", "t2.micro")
        self.assertIn("Request would have succeeded, but DryRun flag is set", err)
        self.assertEqual(self.instance_ids(), [])
        self.aws_error("AuthFailure", "ec2", "describe-instances",
                       key=("AKIAUNKNOWNKEY000000", "whatever"))

    def test_the_cli_paginates_12_instances_in_pages_of_5(self):
        launched = sorted(i["InstanceId"] for i in self.launch(count=12)["Instances"])
        # --page-size 5: the CLI follows NextToken and merges every page.
        self.assertEqual(self.instance_ids("--page-size", "5"), launched)
        # --max-items counts reservations (the CLI's result key): one page of 5
        # instances of the one reservation, then the rest from its NextToken.
        first = self.aws_json("ec2", "describe-instances", "--page-size", "5", "--max-items", "1")
        self.assertEqual(len([i for r in first["Reservations"] for i in r["Instances"]]), 5)
        self.assertTrue(first.get("NextToken"), first)
        rest = self.aws_json("ec2", "describe-instances", "--page-size", "5",
                             "--starting-token", first["NextToken"])
        seen = [i["InstanceId"] for page in (first, rest)
                for r in page["Reservations"] for i in r["Instances"]]
        self.assertEqual(sorted(seen), launched)


class RestartTest(Ec2CliTestCase):
    def test_everything_survives_a_restart(self):
        self.aws("ec2", "create-key-pair", "--key-name", "kept")
        group_id = self.create_group("kept-sg", ports=(22,))
        [instance_id] = self.launch_running("--key-name", "kept", "--security-group-ids",
                                            group_id)
        allocation_id = self.aws_json("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
        self.aws("ec2", "associate-address", "--instance-id", instance_id, "--allocation-id",
                 allocation_id)
        self.server.restart()
        i = self.describe(instance_id)
        self.assertEqual(i["State"]["Name"], "running")
        self.assertEqual(i["KeyName"], "kept")
        self.assertEqual([k["KeyName"] for k in
                          self.aws_json("ec2", "describe-key-pairs")["KeyPairs"]], ["kept"])
        [group] = self.aws_json("ec2", "describe-security-groups", "--group-ids",
                                group_id)["SecurityGroups"]
        self.assertEqual([p["FromPort"] for p in group["IpPermissions"]], [22])
        [address] = self.aws_json("ec2", "describe-addresses")["Addresses"]
        self.assertEqual(address["InstanceId"], instance_id)
        self.assertEqual(i["PublicIpAddress"], address["PublicIp"])


# ---------------------------------------------------------------------------

class WalkthroughTest(Ec2CliTestCase):
    def test_the_course_walkthrough(self):
        self.assertIn("us-east-1", self.aws_json("ec2", "describe-regions", "--query",
                                                 "Regions[].RegionName"))
        image_id = self.ubuntu_id()

        # 1. A key pair saved as MyKeyPair.pem, readable only by its owner.
        self.shell("%s ec2 create-key-pair --key-name MyKeyPair --query KeyMaterial "
                   "--output text > MyKeyPair.pem" % self.aws_line())
        os.chmod(self.path("MyKeyPair.pem"), 0o400)
        self.assertTrue(self.shell("%s -y -f MyKeyPair.pem" % SSH_KEYGEN).startswith("ssh-rsa "))

        # 2. A security group open for ssh, http and RStudio.
        group_id = self.aws_json("ec2", "create-security-group", "--group-name", "my-sg",
                                 "--description", "My security group")["GroupId"]
        for port in COURSE_PORTS:
            self.aws("ec2", "authorize-security-group-ingress", "--group-id", group_id,
                     "--protocol", "tcp", "--port", str(port), "--cidr", "0.0.0.0/0")

        # 3. Two instances, tagged.
        reservation = self.aws_json(
            "ec2", "run-instances", "--image-id", image_id, "--instance-type", "t2.micro",
            "--count", "2", "--key-name", "MyKeyPair", "--security-group-ids", group_id,
            "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=MyNewInstance}]")
        ids = sorted(i["InstanceId"] for i in reservation["Instances"])
        self.assertEqual({i["State"]["Name"] for i in reservation["Instances"]}, {"pending"})
        self.advance("PT10S")
        self.wait("instance-running", "--instance-ids", *ids)
        found = self.instance_ids("--filters", "Name=tag:Name,Values=MyNewInstance",
                                  "Name=instance-state-name,Values=running")
        self.assertEqual(found, ids)
        ip = self.describe(ids[0])["PublicIpAddress"]
        _, console, _ = self.aws("ec2", "get-console-output", "--instance-id", ids[0],
                                 "--query", "Output", output="text")
        self.assertIn("SSH HOST KEY FINGERPRINTS", console)

        # 4. Stop and start: a new address.
        self.aws("ec2", "stop-instances", "--instance-ids", ids[0])
        self.advance("PT10S")
        self.wait("instance-stopped", "--instance-ids", ids[0])
        self.aws("ec2", "start-instances", "--instance-ids", ids[0])
        self.advance("PT10S")
        self.wait("instance-running", "--instance-ids", ids[0])
        self.assertNotEqual(self.describe(ids[0])["PublicIpAddress"], ip)

        # 5. An Elastic IP.
        allocated = self.aws_json("ec2", "allocate-address", "--domain", "vpc")
        association_id = self.aws_json("ec2", "associate-address", "--instance-id", ids[0],
                                       "--allocation-id", allocated["AllocationId"])["AssociationId"]
        self.assertEqual(self.describe(ids[0])["PublicIpAddress"], allocated["PublicIp"])

        # 6. Clean up.
        self.aws("ec2", "disassociate-address", "--association-id", association_id)
        self.aws("ec2", "release-address", "--allocation-id", allocated["AllocationId"])
        terminating = self.aws_json("ec2", "terminate-instances", "--instance-ids",
                                    *ids)["TerminatingInstances"]
        self.assertEqual({t["CurrentState"]["Name"] for t in terminating}, {"shutting-down"})
        self.advance("PT10S")
        self.wait("instance-terminated", "--instance-ids", *ids)
        self.aws("ec2", "delete-security-group", "--group-id", group_id)
        self.aws("ec2", "delete-key-pair", "--key-name", "MyKeyPair")
        self.assertEqual(self.aws_json("ec2", "describe-volumes")["Volumes"], [])


if __name__ == "__main__":
    unittest.main()
