"""Spot Instance requests against the real awslab-server, driven by boto3
(Debian's python3-boto3) and Debian's aws CLI: the course's "bid a maximum
price" lesson. A bid below the spot price stays open (price-too-low) and
launches nothing; a bid at or above it is fulfilled and launches a spot
instance; the request's state follows its instance (stopped, terminated) and
its cancellation; everything survives a restart. The spot price is the
server's --spot-fraction (0.3 by default) of the on-demand price.

What each case expects is what EC2 answers; see docs/ec2.md ("Spot requests").

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_ec2_spot
"""

import json
import unittest

from botocore.exceptions import ClientError

import harness
from harness import AWS_CLI, DEFAULT_KEY, REGION

AMI = "ami-0c02fb55956c7d316"  # Amazon Linux 2, us-east-1
ZONES = ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"]
# t2.micro: $0.0116 an hour on demand; spot at 0.3 of it.
T2_SPOT = "0.003480"
M3_SPOT = "0.079800"  # m3.xlarge: $0.266


class SpotTestCase(harness.ServerTestCase):
    def setUp(self):
        super().setUp()
        self.ec2 = harness.ec2_client(self.endpoint)
        self.addCleanup(self.ec2.close)

    def request(self, price=None, count=1, kind="one-time", itype="t2.micro", **spec):
        args = {"InstanceCount": count, "Type": kind,
                "LaunchSpecification": dict({"ImageId": AMI, "InstanceType": itype}, **spec)}
        if price is not None:
            args["SpotPrice"] = price
        return self.ec2.request_spot_instances(**args)["SpotInstanceRequests"]

    def describe(self, *ids, **kwargs):
        if ids:
            kwargs["SpotInstanceRequestIds"] = list(ids)
        return self.ec2.describe_spot_instance_requests(**kwargs)["SpotInstanceRequests"]

    def one(self, rid):
        (r,) = self.describe(rid)
        return r

    def state_of(self, rid):
        r = self.one(rid)
        return r["State"], r["Status"]["Code"]

    def assertEc2Error(self, code, fn, *args, **kwargs):
        with self.assertRaises(ClientError) as ctx:
            fn(*args, **kwargs)
        self.assertEqual(ctx.exception.response["Error"]["Code"], code,
                         ctx.exception.response["Error"])
        return ctx.exception.response["Error"]["Message"]

    def instances(self):
        out = []
        for r in self.ec2.describe_instances()["Reservations"]:
            out.extend(r["Instances"])
        return out


class PriceTest(SpotTestCase):
    def test_price_history_is_a_fraction_of_on_demand_in_every_zone(self):
        history = self.ec2.describe_spot_price_history(
            InstanceTypes=["t2.micro", "m3.xlarge"])["SpotPriceHistory"]
        got = sorted((h["InstanceType"], h["AvailabilityZone"], h["SpotPrice"],
                      h["ProductDescription"]) for h in history)
        want = sorted([("t2.micro", z, T2_SPOT, "Linux/UNIX") for z in ZONES] +
                      [("m3.xlarge", z, M3_SPOT, "Linux/UNIX") for z in ZONES])
        self.assertEqual(got, want)
        one = self.ec2.describe_spot_price_history(
            InstanceTypes=["t2.micro"], AvailabilityZone="us-east-1c",
            ProductDescriptions=["Linux/UNIX"])["SpotPriceHistory"]
        self.assertEqual([(h["AvailabilityZone"], h["SpotPrice"]) for h in one],
                         [("us-east-1c", T2_SPOT)])
        self.assertEqual(self.ec2.describe_spot_price_history(
            InstanceTypes=["t2.micro"], ProductDescriptions=["Windows"])["SpotPriceHistory"], [])
        self.assertEc2Error("InvalidParameterValue", self.ec2.describe_spot_price_history,
                            InstanceTypes=["t9.huge"])

    def test_paginator_walks_every_type(self):
        pages = self.ec2.get_paginator("describe_spot_price_history").paginate(
            AvailabilityZone="us-east-1a", PaginationConfig={"PageSize": 7})
        rows = [h for page in pages for h in page["SpotPriceHistory"]]
        types = self.ec2.describe_instance_types()["InstanceTypes"]
        self.assertGreater(len(rows), 7)
        self.assertEqual(len(rows), len({h["InstanceType"] for h in rows}))
        self.assertLessEqual(len(rows), len(types) + 100)


class RequestTest(SpotTestCase):
    def test_a_bid_below_the_spot_price_stays_open_and_launches_nothing(self):
        (r,) = self.request(price="0.001")
        self.assertRegex(r["SpotInstanceRequestId"], r"^sir-[0-9a-f]{8}$")
        self.assertEqual(r["State"], "open")
        self.assertEqual(r["Status"]["Code"], "price-too-low")
        self.assertEqual(r["Status"]["Message"],
                         "Your Spot request price of 0.001000 is lower than the minimum required "
                         "Spot request fulfillment price of %s." % T2_SPOT)
        self.assertEqual(r["SpotPrice"], "0.001000")
        self.assertNotIn("InstanceId", r)
        self.assertEqual(r["ProductDescription"], "Linux/UNIX")
        self.assertEqual(r["LaunchSpecification"]["ImageId"], AMI)
        self.assertEqual(self.instances(), [])
        # Moving the clock changes nothing: prices never fall.
        harness.advance_clock(self.endpoint, "PT1H")
        self.assertEqual(self.state_of(r["SpotInstanceRequestId"]), ("open", "price-too-low"))
        self.assertEqual(self.instances(), [])
        # Cancelled before it was fulfilled.
        out = self.ec2.cancel_spot_instance_requests(
            SpotInstanceRequestIds=[r["SpotInstanceRequestId"]])
        self.assertEqual(out["CancelledSpotInstanceRequests"],
                         [{"SpotInstanceRequestId": r["SpotInstanceRequestId"],
                           "State": "cancelled"}])
        self.assertEqual(self.state_of(r["SpotInstanceRequestId"]),
                         ("cancelled", "canceled-before-fulfillment"))
        # Shown for four hours after, then gone.
        harness.advance_clock(self.endpoint, "PT4H1S")
        self.assertEqual(self.describe(), [])

    def test_a_bid_at_the_spot_price_is_fulfilled_and_launches_spot_instances(self):
        made = self.request(price=T2_SPOT, count=2, KeyName=self.key(),
                            Placement={"AvailabilityZone": "us-east-1b"})
        self.assertEqual(len(made), 2)
        by_instance = {}
        for r in made:
            self.assertEqual((r["State"], r["Status"]["Code"]), ("active", "fulfilled"))
            self.assertEqual(r["Status"]["Message"], "Your spot request is fulfilled.")
            self.assertEqual(r["LaunchedAvailabilityZone"], "us-east-1b")
            by_instance[r["InstanceId"]] = r["SpotInstanceRequestId"]
        instances = self.instances()
        self.assertEqual({i["InstanceId"]: i["SpotInstanceRequestId"] for i in instances},
                         by_instance)
        for i in instances:
            self.assertEqual(i["InstanceLifecycle"], "spot")
            self.assertEqual(i["State"]["Name"], "pending")  # spot is slower to start
            self.assertEqual(i["Placement"]["AvailabilityZone"], "us-east-1b")
            self.assertEqual(i["KeyName"], "course")
        # Filters.
        some = next(iter(by_instance))
        self.assertEqual([r["SpotInstanceRequestId"] for r in self.describe(
            Filters=[{"Name": "instance-id", "Values": [some]}])], [by_instance[some]])
        self.assertEqual(len(self.describe(Filters=[{"Name": "state", "Values": ["active"]}])), 2)
        self.assertEqual(self.describe(Filters=[{"Name": "state", "Values": ["open"]}]), [])
        self.assertEqual(len(self.describe(
            Filters=[{"Name": "launch.instance-type", "Values": ["t2.*"]}])), 2)
        self.assertEc2Error("InvalidParameterValue", self.describe,
                            Filters=[{"Name": "no-such-filter", "Values": ["x"]}])

    def test_without_a_price_the_bid_is_the_on_demand_price(self):
        (r,) = self.request(itype="m3.xlarge")
        self.assertEqual(r["SpotPrice"], "0.266000")
        self.assertEqual(r["State"], "active")

    def test_terminating_a_one_time_request_s_instance_closes_it(self):
        (r,) = self.request(price="0.01")
        rid, iid = r["SpotInstanceRequestId"], r["InstanceId"]
        harness.advance_clock(self.endpoint, "PT1M")
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.assertEqual(self.state_of(rid), ("closed", "instance-terminated-by-user"))
        # It leaves with its instance, an hour later.
        harness.advance_clock(self.endpoint, "PT1H1M")
        self.assertEqual(self.describe(), [])
        self.assertEc2Error("InvalidSpotInstanceRequestID.NotFound", self.describe, rid)

    def test_a_one_time_spot_instance_cannot_be_stopped(self):
        (r,) = self.request(price="0.01")
        harness.advance_clock(self.endpoint, "PT1M")
        self.assertEc2Error("UnsupportedOperation", self.ec2.stop_instances,
                            InstanceIds=[r["InstanceId"]])

    def test_cancelling_a_fulfilled_request_leaves_its_instance_running(self):
        (r,) = self.request(price="0.01")
        rid, iid = r["SpotInstanceRequestId"], r["InstanceId"]
        harness.advance_clock(self.endpoint, "PT1M")
        self.ec2.cancel_spot_instance_requests(SpotInstanceRequestIds=[rid])
        self.assertEqual(self.state_of(rid),
                         ("cancelled", "request-canceled-and-instance-running"))
        (i,) = self.instances()
        self.assertEqual(i["State"]["Name"], "running")
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.assertEqual(self.state_of(rid), ("cancelled", "instance-terminated-by-user"))

    def test_run_instances_with_spot_options_makes_a_request_too(self):
        out = self.ec2.run_instances(
            ImageId=AMI, InstanceType="t2.micro", MinCount=1, MaxCount=1,
            InstanceMarketOptions={"MarketType": "spot",
                                   "SpotOptions": {"MaxPrice": "0.02",
                                                   "SpotInstanceType": "persistent",
                                                   "InstanceInterruptionBehavior": "stop"}})
        (i,) = out["Instances"]
        (r,) = self.describe()
        self.assertEqual(r["SpotInstanceRequestId"], i["SpotInstanceRequestId"])
        self.assertEqual(r["InstanceId"], i["InstanceId"])
        self.assertEqual((r["Type"], r["SpotPrice"], r["InstanceInterruptionBehavior"]),
                         ("persistent", "0.020000", "stop"))

    def test_tags_of_the_request(self):
        out = self.ec2.request_spot_instances(
            SpotPrice="0.001", LaunchSpecification={"ImageId": AMI, "InstanceType": "t2.micro"},
            TagSpecifications=[{"ResourceType": "spot-instances-request",
                                "Tags": [{"Key": "lab", "Value": "03"}]}])
        (r,) = out["SpotInstanceRequests"]
        self.assertEqual(r["Tags"], [{"Key": "lab", "Value": "03"}])
        self.assertEqual(len(self.describe(Filters=[{"Name": "tag:lab", "Values": ["03"]}])), 1)

    def test_requests_survive_a_restart(self):
        (low,) = self.request(price="0.001")
        (high,) = self.request(price="0.01")
        before = {r["SpotInstanceRequestId"]: (r["State"], r.get("InstanceId"))
                  for r in self.describe()}
        self.server.restart()
        self.ec2 = harness.ec2_client(self.endpoint)
        self.addCleanup(self.ec2.close)
        after = {r["SpotInstanceRequestId"]: (r["State"], r.get("InstanceId"))
                 for r in self.describe()}
        self.assertEqual(after, before)
        self.assertEqual(after[low["SpotInstanceRequestId"]], ("open", None))
        self.assertEqual(after[high["SpotInstanceRequestId"]], ("active", high["InstanceId"]))

    def test_errors(self):
        self.assertEc2Error("InvalidSpotInstanceRequestID.NotFound", self.describe, "sir-12345678")
        self.assertEc2Error("InvalidSpotInstanceRequestID.Malformed", self.describe, "nope")
        self.assertEc2Error("InvalidSpotInstanceRequestID.NotFound",
                            self.ec2.cancel_spot_instance_requests,
                            SpotInstanceRequestIds=["sir-12345678"])
        self.assertEc2Error("InvalidParameterValue", self.request, price="cheap")
        self.assertEc2Error("InvalidParameterValue", self.request, price="-1")
        self.assertEc2Error("InvalidParameterValue", self.request, price="0.01", count=0)
        self.assertEc2Error("InvalidAMIID.NotFound", self.ec2.request_spot_instances,
                            SpotPrice="0.001",
                            LaunchSpecification={"ImageId": "ami-12345678"})
        self.assertEc2Error("InvalidKeyPair.NotFound", self.ec2.request_spot_instances,
                            SpotPrice="0.001",
                            LaunchSpecification={"ImageId": AMI, "KeyName": "missing"})
        self.assertEc2Error("InvalidParameterCombination", self.ec2.request_spot_instances,
                            SpotPrice="0.01", InstanceInterruptionBehavior="stop",
                            LaunchSpecification={"ImageId": AMI})
        self.assertEc2Error("DryRunOperation", self.ec2.request_spot_instances,
                            DryRun=True, SpotPrice="0.01", LaunchSpecification={"ImageId": AMI})
        self.assertEqual(self.describe(), [])
        self.assertEqual(self.instances(), [])

    def key(self):
        self.ec2.create_key_pair(KeyName="course")
        return "course"


class CurrentRulesTest(SpotTestCase):
    """Since January 2020 a persistent spot instance can be stopped (--rules current)."""

    server_args = ("--rules", "current")

    def test_a_persistent_request_follows_its_stopped_and_started_instance(self):
        (r,) = self.ec2.request_spot_instances(
            SpotPrice="0.01", Type="persistent", InstanceInterruptionBehavior="stop",
            LaunchSpecification={"ImageId": AMI, "InstanceType": "t2.micro"})["SpotInstanceRequests"]
        rid, iid = r["SpotInstanceRequestId"], r["InstanceId"]
        harness.advance_clock(self.endpoint, "PT1M")
        self.ec2.stop_instances(InstanceIds=[iid])
        self.assertEqual(self.state_of(rid), ("disabled", "instance-stopped-by-user"))
        harness.advance_clock(self.endpoint, "PT1M")
        self.ec2.start_instances(InstanceIds=[iid])
        self.assertEqual(self.state_of(rid), ("active", "fulfilled"))
        self.ec2.terminate_instances(InstanceIds=[iid])
        self.assertEqual(self.state_of(rid), ("open", "instance-terminated-by-user"))


class CliTest(SpotTestCase):
    def aws(self, *args):
        done = self.run_client([AWS_CLI, "--endpoint-url", self.endpoint, "--region", REGION,
                                "--no-cli-pager", "--output", "json"] + list(args),
                               env=harness.client_env(DEFAULT_KEY[0], DEFAULT_KEY[1], REGION))
        self.assertEqual(done.returncode, 0, done.stderr.decode())
        return json.loads(done.stdout) if done.stdout.strip() else {}

    def test_the_course_s_spot_request_with_the_cli(self):
        price = self.aws("ec2", "describe-spot-price-history", "--instance-types", "m3.xlarge",
                         "--availability-zone", "us-east-1a")["SpotPriceHistory"]
        self.assertEqual([p["SpotPrice"] for p in price], [M3_SPOT])
        spec = json.dumps({"ImageId": AMI, "InstanceType": "m3.xlarge"})
        low = self.aws("ec2", "request-spot-instances", "--spot-price", "0.05",
                       "--launch-specification", spec)["SpotInstanceRequests"][0]
        high = self.aws("ec2", "request-spot-instances", "--spot-price", "0.10",
                        "--launch-specification", spec)["SpotInstanceRequests"][0]
        listed = self.aws("ec2", "describe-spot-instance-requests", "--query",
                          "SpotInstanceRequests[].[SpotInstanceRequestId,State,Status.Code]")
        self.assertEqual(sorted(map(tuple, listed)),
                         sorted([(low["SpotInstanceRequestId"], "open", "price-too-low"),
                                 (high["SpotInstanceRequestId"], "active", "fulfilled")]))
        self.aws("ec2", "cancel-spot-instance-requests", "--spot-instance-request-ids",
                 low["SpotInstanceRequestId"])
        self.assertEqual(self.aws("ec2", "describe-spot-instance-requests",
                                  "--spot-instance-request-ids", low["SpotInstanceRequestId"],
                                  "--query", "SpotInstanceRequests[0].State"), "cancelled")


if __name__ == "__main__":
    unittest.main()
