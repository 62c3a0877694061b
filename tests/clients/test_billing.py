"""Billing (docs/billing.md) through the real awslab-server: the admin API's
bill (GET /_awslab/billing), Cost Explorer with Debian's aws CLI
(`aws ce get-cost-and-usage`) and boto3's `ce` client, under the course's
hourly rules and today's per-second rules, the free tier, spot, budgets, and
who may read which bill.

Every server runs on a frozen simulation clock that starts at
2013-04-01T00:00:00Z (April 2013 has 30 days: 30 days of a GiB is one GB-Mo)
with instant EC2 transitions; the clock moves only with harness.advance_clock.
Nothing sleeps and nothing depends on timing.

Every expected amount is computed here with decimal.Decimal from the rule and
the price, as docs/billing.md says the server does: base quantities summed as
integers, priced per usage type (per line in `lines`) in one step, rounded
half up to 9 decimals once; cells and totals are sums of those. Amounts are
compared as the exact strings the server prints.

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_billing
"""

import collections
import concurrent.futures
import datetime
import json
import os
import shutil
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from decimal import ROUND_HALF_UP, Decimal

from botocore.exceptions import ClientError

import harness
from harness import ALICE_ACCOUNT_ID, ALICE_KEY, AWS_CLI, BOB_ACCOUNT_ID, BOB_KEY, DEFAULT_KEY

D = Decimal
NANO = D("0.000000001")
GIB = 2 ** 30
HOUR = 3600
DAY = 86400
APRIL_SECONDS = 30 * DAY

MONTH_START = "2013-04-01T00:00:00Z"
CLOCK_ARGS = ("--time-scale", "0", "--clock-start", MONTH_START,
              "--ec2-pending", "0", "--ec2-spot-pending", "0",
              "--ec2-stopping", "0", "--ec2-shutting-down", "0")

DSI_TEMPLATE = "ami-d1737bb8"  # the course's image: 8 GiB gp2 root volume (fixtures/ec2/images.tsv)
ROOT_GIB = 8

# Prices (USD). Instances: fixtures/ec2/instance-types.tsv; the rest: docs/billing.md.
INSTANCE_PRICE = {"t2.micro": D("0.0116"), "t2.small": D("0.023"), "m4.xlarge": D("0.20")}
SPOT_FRACTION = D("0.3")
EBS_PRICE = {"gp2": D("0.10"), "gp3": D("0.08")}
S3_STORAGE_PRICE = D("0.023")      # per GB-Mo
TIER1_PRICE = D("0.005")           # per 1,000 requests
TIER2_PRICE = D("0.0004")          # per 1,000 requests
IPV4_PRICE = D("0.005")            # per hour: idle EIP (hourly), every public IPv4 (per-second)
DATA_OUT_PRICE = D("0.09")         # per GB after the month's free allowance
DATA_OUT_FREE_GB = {"hourly": D(1), "per-second": D(100)}

DEFAULT_ACCOUNT = harness.DEFAULT_ACCOUNT_ID

COMPUTE = "Amazon Elastic Compute Cloud - Compute"
EC2_OTHER = "EC2 - Other"
VPC = "Amazon Virtual Private Cloud"
S3 = "Amazon Simple Storage Service"


# ---------------------------------------------------------------------------
# Money, as docs/billing.md prints it.

def q9(x):
    return D(x).quantize(NANO, rounding=ROUND_HALF_UP)


def fmt(x):
    """A decimal string with at most 9 decimals and no trailing zeros ("0.0116", "0")."""
    s = format(q9(x), "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def hours(n):
    return int(n * HOUR)


# ---------------------------------------------------------------------------
# The expected bill: lines with base quantities, priced by the rules.

def _usage_kind(usage_type):
    """(service, unit, kind) of a usage type, without its region prefix."""
    if usage_type.startswith("BoxUsage:"):
        return COMPUTE, "Hrs", "box"
    if usage_type.startswith("SpotUsage:"):
        return COMPUTE, "Hrs", "spot"
    if usage_type.startswith("EBS:VolumeUsage"):
        return EC2_OTHER, "GB-Mo", "ebs"
    if usage_type == "ElasticIP:IdleAddress":
        return EC2_OTHER, "Hrs", "ipv4"
    if usage_type.startswith("PublicIPv4:"):
        return VPC, "Hrs", "ipv4"
    if usage_type == "TimedStorage-ByteHrs":
        return S3, "GB-Mo", "s3storage"
    if usage_type == "Requests-Tier1":
        return S3, "Requests", "tier1"
    if usage_type == "Requests-Tier2":
        return S3, "Requests", "tier2"
    if usage_type == "DataTransfer-Out-Bytes":
        return S3, "GB", "dataout"
    raise AssertionError("no rule for usage type %r" % usage_type)


REGION_PREFIX = {"us-east-1": "", "us-west-2": "USW2-"}


def strip_prefix(usage_type):
    for prefix in REGION_PREFIX.values():
        if prefix and usage_type.startswith(prefix):
            return usage_type[len(prefix):]
    return usage_type


class Line:
    """One expected bill line. base: the integer quantity in its base unit
    (seconds; GiB-seconds for EBS; byte-seconds for S3 storage; requests;
    bytes). A credit line carries its (negative) amount instead."""

    def __init__(self, usage_type, base=None, resource=None, region="us-east-1",
                 instance_type=None, record_type="Usage", credit=None):
        self.usage_type = REGION_PREFIX[region] + usage_type
        self.bare_type = usage_type
        self.base = base
        self.resource = resource
        self.region = region
        self.instance_type = instance_type
        self.record_type = record_type
        self.credit = None if credit is None else D(credit)
        self.service, self.unit, self.kind = _usage_kind(usage_type)

    def __repr__(self):
        return "Line(%s, %s, %s, %s)" % (self.usage_type, self.record_type, self.base,
                                         self.resource)


def exact_quantity(kind, base):
    """The quantity in the printed unit, exact (not rounded)."""
    base = D(base)
    if kind in ("box", "spot", "ipv4"):
        return base / HOUR
    if kind == "ebs":
        return base / APRIL_SECONDS
    if kind == "s3storage":
        return base / (GIB * APRIL_SECONDS)
    if kind in ("tier1", "tier2"):
        return base
    if kind == "dataout":
        return base / GIB
    raise AssertionError(kind)


def exact_amount(usage_type, kind, base, rules, free_gb_used=D(0)):
    """The exact (unrounded) amount of a base quantity of one usage type in April."""
    base = D(base)
    bare = strip_prefix(usage_type)
    if kind == "box":
        return base * INSTANCE_PRICE[bare.split(":", 1)[1]] / HOUR
    if kind == "spot":
        return base * INSTANCE_PRICE[bare.split(":", 1)[1]] * SPOT_FRACTION / HOUR
    if kind == "ebs":
        return base * EBS_PRICE[bare.rsplit(".", 1)[1]] / APRIL_SECONDS
    if kind == "ipv4":
        return base * IPV4_PRICE / HOUR
    if kind == "s3storage":
        return base * S3_STORAGE_PRICE / (GIB * APRIL_SECONDS)
    if kind == "tier1":
        return base * TIER1_PRICE / 1000
    if kind == "tier2":
        return base * TIER2_PRICE / 1000
    if kind == "dataout":
        gb = base / GIB
        free_left = max(D(0), DATA_OUT_FREE_GB[rules] - free_gb_used)
        return max(D(0), gb - free_left) * DATA_OUT_PRICE
    raise AssertionError(kind)


def line_amount(line, rules):
    if line.record_type == "Credit":
        return line.credit
    return q9(exact_amount(line.usage_type, line.kind, line.base, rules))


def usage_type_amounts(lines, rules):
    """{(service, usage_type, record_type): amount}: the base quantities of a
    usage type summed, then priced and rounded once (credits summed)."""
    bases = collections.defaultdict(int)
    credits = collections.defaultdict(D)
    meta = {}
    for line in lines:
        key = (line.service, line.usage_type, line.record_type)
        meta[key] = line
        if line.record_type == "Credit":
            credits[key] += line.credit
        else:
            bases[key] += line.base
    out = {}
    for key, base in bases.items():
        out[key] = q9(exact_amount(key[1], meta[key].kind, base, rules))
    out.update(credits)
    return out


def expected_services(lines, rules):
    services = collections.defaultdict(D)
    for (service, _, _), amount in usage_type_amounts(lines, rules).items():
        services[service] += amount
    return {service: fmt(amount) for service, amount in services.items()}


def expected_total(lines, rules):
    return fmt(sum(usage_type_amounts(lines, rules).values(), D(0)))


def expected_by_usage_type(lines, rules):
    """{usage_type: (amount, quantity)} of the Usage lines (CE's USAGE_TYPE groups)."""
    bases = collections.defaultdict(int)
    kinds = {}
    for line in lines:
        if line.record_type == "Usage":
            bases[line.usage_type] += line.base
            kinds[line.usage_type] = line.kind
    amounts = usage_type_amounts(lines, rules)
    out = {}
    for usage_type, base in bases.items():
        amount = sum((a for (s, u, r), a in amounts.items() if u == usage_type), D(0))
        out[usage_type] = (fmt(amount), fmt(exact_quantity(kinds[usage_type], base)))
    return out


# ---------------------------------------------------------------------------
# Reading the bill.

def billing_path(path="/_awslab/billing", **params):
    """The path and query of an admin billing call, the query URI-encoded as
    SigV4 canonicalizes it (botocore's signer takes the query as sent)."""
    params = {k: v for k, v in params.items() if v is not None}
    if not params:
        return path
    query = urllib.parse.urlencode(sorted(params.items()), quote_via=urllib.parse.quote,
                                   safe="-_.~")
    return path + "?" + query


def parse_time(text):
    """ "2013-04-01T00:00:00.000Z" (the clock's) -> an aware datetime."""
    return datetime.datetime.strptime(text.replace(".000Z", "Z").rstrip("Z")[:19],
                                      "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)


def get_billing(endpoint, key=DEFAULT_KEY, path="/_awslab/billing", **params):
    """GET /_awslab/billing (or /_awslab/billing/class) with query parameters,
    signed by harness._admin_call; raises harness.AdminApiError on an error."""
    return harness._admin_call(endpoint, "GET", billing_path(path, **params), key=key)


def ce_raw(endpoint, payload, key=DEFAULT_KEY, region="us-east-1"):
    """A raw Cost Explorer GetCostAndUsage call (JSON 1.1, SigV4 for service
    "ce"); returns (HTTP status, parsed JSON body)."""
    import botocore.auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials
    body = json.dumps(payload).encode("utf-8")
    headers = {"Content-Type": "application/x-amz-json-1.1",
               "X-Amz-Target": "AWSInsightsIndexService.GetCostAndUsage"}
    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers=headers)
    botocore.auth.SigV4Auth(Credentials(*key), "ce", region).add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(prepared.url, data=body, headers=dict(prepared.headers.items()),
                                 method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(req, timeout=30) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        text = e.read().decode("utf-8", "replace")
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, {"_raw": text}


# ---------------------------------------------------------------------------

def server_args(rules, *more):
    return CLOCK_ARGS + ("--billing", rules) + tuple(more)


class BillingCase(harness.ServerTestCase):
    rules = "hourly"
    server_args = server_args("hourly")

    def setUp(self):
        super().setUp()
        self.make_clients()

    def make_clients(self):
        self.ec2 = self.ec2_client()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)

    # -- clients ------------------------------------------------------------

    def ec2_client(self, key=DEFAULT_KEY, region="us-east-1"):
        client = harness.ec2_client(self.endpoint, key=key, region=region)
        self.addCleanup(client.close)
        return client

    def ce_client(self, key=DEFAULT_KEY):
        import boto3
        from botocore.config import Config
        config = Config(region_name="us-east-1",
                        retries={"total_max_attempts": 1, "mode": "standard"},
                        connect_timeout=5, read_timeout=60)
        session = boto3.session.Session(aws_access_key_id=key[0], aws_secret_access_key=key[1],
                                        region_name="us-east-1")
        client = session.client("ce", endpoint_url=self.endpoint, config=config)
        self.addCleanup(client.close)
        return client

    def aws(self, *args, key=DEFAULT_KEY):
        """Debian's aws CLI against the server; returns its parsed JSON output."""
        argv = [AWS_CLI, "--endpoint-url", self.endpoint, "--region", "us-east-1",
                "--no-cli-pager", "--output", "json"] + list(args)
        done = self.run_client(argv, env=harness.client_env(key[0], key[1], "us-east-1"),
                               timeout=60)
        out = done.stdout.decode("utf-8", "replace")
        if done.returncode != 0:
            self.fail("aws %s exited %d\nstdout:\n%s\nstderr:\n%s" %
                      (" ".join(args), done.returncode, out,
                       done.stderr.decode("utf-8", "replace")))
        return json.loads(out) if out.strip() else {}

    def advance(self, duration):
        return harness.advance_clock(self.endpoint, duration)

    # -- EC2 ------------------------------------------------------------------

    def run_instances(self, count=1, instance_type="t2.micro", client=None, **kwargs):
        client = client or self.ec2
        reservation = client.run_instances(ImageId=DSI_TEMPLATE, InstanceType=instance_type,
                                           MinCount=count, MaxCount=count, **kwargs)
        ids = [i["InstanceId"] for i in reservation["Instances"]]
        self.assertEqual(len(ids), count)
        for instance_id in ids:  # --ec2-pending 0: running at once
            self.assertEqual(self.describe(instance_id, client)["State"]["Name"], "running")
        return ids

    def describe(self, instance_id, client=None):
        reservations = (client or self.ec2).describe_instances(
            InstanceIds=[instance_id])["Reservations"]
        [instance] = [i for r in reservations for i in r["Instances"]]
        return instance

    def root_volume(self, instance_id, client=None):
        mappings = self.describe(instance_id, client)["BlockDeviceMappings"]
        [volume_id] = [m["Ebs"]["VolumeId"] for m in mappings]
        volume = (client or self.ec2).describe_volumes(VolumeIds=[volume_id])["Volumes"][0]
        self.assertEqual((volume["Size"], volume["VolumeType"]), (ROOT_GIB, "gp2"))
        return volume_id

    def stop(self, *ids, client=None):
        (client or self.ec2).stop_instances(InstanceIds=list(ids))
        for instance_id in ids:
            self.assertEqual(self.describe(instance_id, client)["State"]["Name"], "stopped")

    def start(self, *ids, client=None):
        (client or self.ec2).start_instances(InstanceIds=list(ids))
        for instance_id in ids:
            self.assertEqual(self.describe(instance_id, client)["State"]["Name"], "running")

    def terminate(self, *ids, client=None):
        (client or self.ec2).terminate_instances(InstanceIds=list(ids))
        for instance_id in ids:
            self.assertEqual(self.describe(instance_id, client)["State"]["Name"], "terminated")

    # -- the bill -------------------------------------------------------------

    def bill(self, key=DEFAULT_KEY, start="2013-04-01", end="2013-05-01", **params):
        """The admin API's bill (April by default; start=None, end=None: the server's default)."""
        return get_billing(self.endpoint, key=key, start=start, end=end, **params)

    def assertBill(self, bill, expected, rules=None):
        """bill's lines (those with a quantity), services and total are exactly
        what the expected Lines price to."""
        rules = rules or self.rules
        lines = bill["lines"]
        # lines are sorted by service, usage type and resource
        keys = [(l["service"], l["usage_type"], l.get("resource_id") or "") for l in lines]
        self.assertEqual(keys, sorted(keys), "lines are not sorted: %s" % json.dumps(lines))
        actual = [l for l in lines if D(l["quantity"]) != 0 or D(l["amount"]) != 0]
        unmatched = list(actual)
        for want in expected:
            candidates = [l for l in unmatched
                          if l["usage_type"] == want.usage_type
                          and l["record_type"] == want.record_type
                          and (want.resource is None or l.get("resource_id") == want.resource)]
            self.assertEqual(len(candidates), 1,
                             "expected one line %r, found %d among:\n%s" %
                             (want, len(candidates), json.dumps(lines, indent=1)))
            got = candidates[0]
            unmatched.remove(got)
            self.assertEqual(got["service"], want.service, got)
            self.assertEqual(got["region"], want.region, got)
            self.assertEqual(got["amount"], fmt(line_amount(want, rules)), got)
            if want.record_type == "Usage":
                self.assertEqual(got["unit"], want.unit, got)
                self.assertEqual(got["quantity"], fmt(exact_quantity(want.kind, want.base)), got)
            if want.instance_type:
                self.assertEqual(got.get("instance_type"), want.instance_type, got)
        self.assertEqual(unmatched, [], "lines the rules do not price: %s" %
                         json.dumps(unmatched, indent=1))
        services = dict(bill["services"])
        for service in list(services):
            if service not in {w.service for w in expected}:
                # a service of zero-quantity lines only may be listed, at "0"
                self.assertEqual(services.pop(service), "0", bill["services"])
        self.assertEqual(services, expected_services(expected, rules))
        self.assertEqual(bill["total"], expected_total(expected, rules))
        self.assertEqual(bill["currency"], "USD")
        self.assertEqual(bill["rules"], rules)

    def line(self, bill, usage_type, record_type="Usage"):
        found = [l for l in bill["lines"]
                 if l["usage_type"] == usage_type and l["record_type"] == record_type]
        self.assertEqual(len(found), 1, json.dumps(bill["lines"], indent=1))
        return found[0]

    # -- Cost Explorer --------------------------------------------------------

    @staticmethod
    def groups(result):
        """{group key (joined with |): Metrics} of one ResultsByTime entry."""
        return {"|".join(g["Keys"]): g["Metrics"] for g in result["Groups"]}

    def assertCeServices(self, result, expected_amounts):
        """One ResultsByTime entry grouped by SERVICE has exactly these UnblendedCost amounts."""
        groups = self.groups(result)
        self.assertEqual({k: m["UnblendedCost"]["Amount"] for k, m in groups.items()},
                         expected_amounts, result)
        for metrics in groups.values():
            self.assertEqual(metrics["UnblendedCost"]["Unit"], "USD")


# ---------------------------------------------------------------------------
# 1, 2: instance running time.

class HourlyInstanceTest(BillingCase):
    rules = "hourly"
    server_args = server_args("hourly")

    def test_run_and_stop_at_once_is_one_hour(self):
        [i] = self.run_instances()
        self.stop(i)
        self.terminate(i)  # the root volume goes now: no storage to price
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
        ])
        box = self.line(bill, "BoxUsage:t2.micro")
        self.assertEqual((box["quantity"], box["unit"], box["amount"]), ("1", "Hrs", "0.0116"))
        self.assertEqual(box["resource_id"], i)
        self.assertEqual(bill["total"], "0.0116")
        self.assertEqual((bill["account_id"], bill["name"]), ("000000000000", "default"))
        self.assertEqual((bill["start"], bill["end"], bill["now"]),
                         ("2013-04-01T00:00:00Z", "2013-05-01T00:00:00Z", "2013-04-01T01:00:00Z"))
        self.assertIs(bill["free_tier"], False)
        self.assertIsNone(bill["budget"])

    def test_ten_minutes_stop_start_ten_minutes_is_two_hours(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT10M")
        self.stop(i)
        self.start(i)
        self.advance("PT10M")
        self.stop(i)
        self.terminate(i)
        self.advance("PT2H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(2), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 1200, resource=root),
        ])
        self.assertEqual(self.line(bill, "BoxUsage:t2.micro")["amount"], "0.0232")
        # Both billed hours begin in clock hour 00:00 (at 00:00 and at 00:10).
        ce = self.ce_client()
        result = ce.get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01T00:00:00Z", "End": "2013-04-01T02:00:00Z"},
            Granularity="HOURLY", Metrics=["UnblendedCost"],
            Filter={"Dimensions": {"Key": "SERVICE", "Values": [COMPUTE]}})
        periods = [(r["TimePeriod"]["Start"], r["TimePeriod"]["End"], r["Groups"],
                    r["Total"]["UnblendedCost"]["Amount"]) for r in result["ResultsByTime"]]
        self.assertEqual(periods, [
            ("2013-04-01T00:00:00Z", "2013-04-01T01:00:00Z", [], "0.0232"),
            ("2013-04-01T01:00:00Z", "2013-04-01T02:00:00Z", [], "0"),
        ])

    def test_thirty_minutes_then_terminate_is_one_hour(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT30M")
        self.terminate(i)
        self.advance("PT1H")
        self.assertBill(self.bill(), [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 1800, resource=root),
        ])

    def test_an_instance_keeps_the_type_it_had_at_each_start(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT50M")
        self.stop(i)
        self.ec2.modify_instance_attribute(InstanceId=i, InstanceType={"Value": "t2.small"})
        self.start(i)
        self.advance("PT70M")
        self.stop(i)
        self.terminate(i)
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
            Line("BoxUsage:t2.small", hours(2), resource=i, instance_type="t2.small"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 2 * HOUR, resource=root),
        ])
        self.assertEqual(self.line(bill, "BoxUsage:t2.small")["amount"], "0.046")

    def test_reboot_starts_no_new_hour(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT10M")
        self.ec2.reboot_instances(InstanceIds=[i])
        self.advance("PT10M")
        self.terminate(i)
        self.assertBill(self.bill(), [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 1200, resource=root),
        ])


class PerSecondInstanceTest(BillingCase):
    rules = "per-second"
    server_args = server_args("per-second")

    def test_run_and_stop_at_once_is_sixty_seconds(self):
        [i] = self.run_instances()
        self.stop(i)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", 60, resource=i, instance_type="t2.micro"),
        ])
        box = self.line(bill, "BoxUsage:t2.micro")
        self.assertEqual((box["quantity"], box["unit"], box["amount"]),
                         ("0.016666667", "Hrs", "0.000193333"))
        self.assertEqual(bill["rules"], "per-second")

    def test_ten_minutes_stop_start_ten_minutes_is_1200_seconds(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT10M")
        self.stop(i)
        self.start(i)
        self.advance("PT10M")
        self.stop(i)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", 1200, resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 1200, resource=root),
            # the instance's own public address, from each start to its stop
            Line("PublicIPv4:InUseAddress", 1200),
        ])
        box = self.line(bill, "BoxUsage:t2.micro")
        self.assertEqual((box["quantity"], box["amount"]), ("0.333333333", "0.003866667"))

    def test_a_thirty_second_run_costs_sixty_seconds(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.advance("PT30S")
        self.stop(i)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", 60, resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 30, resource=root),
            Line("PublicIPv4:InUseAddress", 30),
        ])
        self.assertEqual(self.line(bill, "BoxUsage:t2.micro")["amount"], "0.000193333")


# ---------------------------------------------------------------------------
# 3: volumes.

class VolumeTest(BillingCase):
    def test_a_stopped_instance_pays_its_volume_for_thirty_days(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.stop(i)
        self.advance("P30D")
        self.assertEqual(harness.clock_now(self.endpoint)["now"][:19], "2013-05-01T00:00:00")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * APRIL_SECONDS, resource=root),
        ])
        ebs = self.line(bill, "EBS:VolumeUsage.gp2")
        self.assertEqual((ebs["service"], ebs["quantity"], ebs["unit"], ebs["amount"]),
                         (EC2_OTHER, "8", "GB-Mo", "0.8"))
        self.assertEqual(self.line(bill, "BoxUsage:t2.micro")["amount"], "0.0116")
        self.assertEqual(bill["total"], "0.8116")

    def test_a_volume_costs_from_creation_to_deletion(self):
        gp3 = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=100,
                                     VolumeType="gp3")["VolumeId"]
        gp2 = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=30,
                                     VolumeType="gp2")["VolumeId"]
        self.advance("P3D")
        self.ec2.delete_volume(VolumeId=gp3)
        self.advance("P3D")
        self.ec2.delete_volume(VolumeId=gp2)
        self.advance("P1D")
        bill = self.bill()
        self.assertBill(bill, [
            Line("EBS:VolumeUsage.gp3", 100 * 3 * DAY, resource=gp3),
            Line("EBS:VolumeUsage.gp2", 30 * 6 * DAY, resource=gp2),
        ])
        # 100 GiB x 3/30 month x $0.08 = $0.80; 30 GiB x 6/30 x $0.10 = $0.60
        self.assertEqual(self.line(bill, "EBS:VolumeUsage.gp3")["amount"], "0.8")
        self.assertEqual(self.line(bill, "EBS:VolumeUsage.gp2")["amount"], "0.6")
        self.assertEqual(bill["total"], "1.4")

    def test_a_month_of_31_days(self):
        volume = self.ec2.create_volume(AvailabilityZone="us-east-1a", Size=8,
                                        VolumeType="gp2")["VolumeId"]
        self.advance("P30D")  # all of April
        self.advance("P30D")  # 30 of May's 31 days
        self.ec2.delete_volume(VolumeId=volume)
        self.advance("P1D")
        may = self.bill(start="2013-05-01", end="2013-06-01")
        line = self.line(may, "EBS:VolumeUsage.gp2")
        may_gbmo = D(8 * 30) / 31                      # 7.741935483...
        may_amount = q9(may_gbmo * EBS_PRICE["gp2"])   # 0.774193548
        self.assertEqual((line["resource_id"], line["quantity"], line["amount"]),
                         (volume, "7.741935484", "0.774193548"))
        self.assertEqual((fmt(may_gbmo), fmt(may_amount)), ("7.741935484", "0.774193548"))
        self.assertEqual(may["total"], "0.774193548")
        # Two months: each month priced on its own, then summed.
        both = self.bill(start="2013-04-01", end="2013-06-01")
        self.assertEqual(both["services"], {EC2_OTHER: fmt(D("0.8") + may_amount)})
        self.assertEqual(both["total"], "1.574193548")


# ---------------------------------------------------------------------------
# 4: Elastic IPs and public IPv4 addresses.

class HourlyAddressTest(BillingCase):
    rules = "hourly"
    server_args = server_args("hourly")

    def test_an_idle_elastic_ip_for_a_day(self):
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.advance("P1D")
        self.ec2.release_address(AllocationId=allocation)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [Line("ElasticIP:IdleAddress", 24 * HOUR)])
        line = self.line(bill, "ElasticIP:IdleAddress")
        self.assertEqual((line["service"], line["quantity"], line["unit"], line["amount"]),
                         (EC2_OTHER, "24", "Hrs", "0.12"))
        self.assertEqual(bill["services"], {EC2_OTHER: "0.12"})

    def test_an_elastic_ip_on_a_running_instance_is_free(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        association = self.ec2.associate_address(AllocationId=allocation,
                                                 InstanceId=i)["AssociationId"]
        self.advance("PT2H")
        self.stop(i)
        self.ec2.disassociate_address(AssociationId=association)
        self.ec2.release_address(AllocationId=allocation)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(2), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 2 * HOUR, resource=root),
        ])
        self.assertNotIn("ElasticIP:IdleAddress",
                         [l["usage_type"] for l in bill["lines"] if D(l["amount"]) != 0])

    def test_an_elastic_ip_on_a_stopped_instance_costs(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        association = self.ec2.associate_address(AllocationId=allocation,
                                                 InstanceId=i)["AssociationId"]
        self.stop(i)
        self.advance("PT3H")
        self.ec2.disassociate_address(AssociationId=association)
        self.ec2.release_address(AllocationId=allocation)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(1), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 3 * HOUR, resource=root),
            Line("ElasticIP:IdleAddress", 3 * HOUR),
        ])
        self.assertEqual(self.line(bill, "ElasticIP:IdleAddress")["amount"], "0.015")

    def test_other_regions_prefix_their_usage_types(self):
        west = self.ec2_client(region="us-west-2")
        allocation = west.allocate_address(Domain="vpc")["AllocationId"]
        self.advance("PT10H")
        west.release_address(AllocationId=allocation)
        bill = self.bill()
        self.assertBill(bill, [Line("ElasticIP:IdleAddress", 10 * HOUR, region="us-west-2")])
        line = self.line(bill, "USW2-ElasticIP:IdleAddress")
        self.assertEqual((line["region"], line["quantity"], line["amount"]),
                         ("us-west-2", "10", "0.05"))
        result = self.ce_client().get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "REGION"}])
        [period] = result["ResultsByTime"]
        self.assertEqual({k: m["UnblendedCost"]["Amount"]
                          for k, m in self.groups(period).items()}, {"us-west-2": "0.05"})


class PerSecondAddressTest(BillingCase):
    rules = "per-second"
    server_args = server_args("per-second")

    def test_an_idle_elastic_ip_for_a_day(self):
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.advance("P1D")
        self.ec2.release_address(AllocationId=allocation)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [Line("PublicIPv4:IdleAddress", 24 * HOUR)])
        line = self.line(bill, "PublicIPv4:IdleAddress")
        self.assertEqual((line["service"], line["quantity"], line["unit"], line["amount"]),
                         (VPC, "24", "Hrs", "0.12"))
        self.assertEqual(bill["services"], {VPC: "0.12"})

    def test_an_elastic_ip_on_a_running_instance_costs(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        association = self.ec2.associate_address(AllocationId=allocation,
                                                 InstanceId=i)["AssociationId"]
        self.advance("PT2H")
        self.stop(i)
        self.ec2.disassociate_address(AssociationId=association)
        self.ec2.release_address(AllocationId=allocation)
        self.terminate(i)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", 2 * HOUR, resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 2 * HOUR, resource=root),
            Line("PublicIPv4:InUseAddress", 2 * HOUR),  # the Elastic IP replaced the own one
        ])
        self.assertEqual(self.line(bill, "PublicIPv4:InUseAddress")["amount"], "0.01")
        self.assertEqual(bill["services"][VPC], "0.01")


# ---------------------------------------------------------------------------
# 5, 6: S3.

class S3Test(BillingCase):
    def test_storage_is_bytes_times_time(self):
        self.s3.create_bucket(Bucket="storage-bill")
        sizes = {"a.bin": 5 * 2 ** 20, "b.bin": 3 * 2 ** 20, "c.bin": 2 * 2 ** 20}  # 10 MiB
        for name, size in sizes.items():
            self.s3.put_object(Bucket="storage-bill", Key=name, Body=b"\0" * size)
        self.advance("P15D")
        self.s3.delete_object(Bucket="storage-bill", Key="c.bin")  # DELETE is free
        self.advance("P15D")
        bill = self.bill()
        byte_seconds = 8 * 2 ** 20 * APRIL_SECONDS + 2 * 2 ** 20 * 15 * DAY
        self.assertBill(bill, [
            Line("TimedStorage-ByteHrs", byte_seconds, resource="storage-bill"),
            Line("Requests-Tier1", 4, resource="storage-bill"),  # CreateBucket and 3 PUTs
        ])
        storage = self.line(bill, "TimedStorage-ByteHrs")
        # 9 MiB-months = 9/1024 GB-Mo = 0.0087890625 -> 0.008789063 (half up)
        self.assertEqual((storage["service"], storage["unit"], storage["quantity"],
                          storage["amount"]), (S3, "GB-Mo", "0.008789063", "0.000202148"))

    def test_ten_mib_for_thirty_days(self):
        self.s3.create_bucket(Bucket="ten-mib")
        self.s3.put_object(Bucket="ten-mib", Key="x", Body=b"x" * (10 * 2 ** 20))
        self.advance("P30D")
        bill = self.bill()
        self.assertBill(bill, [
            Line("TimedStorage-ByteHrs", 10 * 2 ** 20 * APRIL_SECONDS, resource="ten-mib"),
            Line("Requests-Tier1", 2, resource="ten-mib"),
        ])
        storage = self.line(bill, "TimedStorage-ByteHrs")
        expected_quantity = D(10 * 2 ** 20) / GIB  # GB-Mo: the bytes for the whole month
        self.assertEqual(storage["quantity"], fmt(expected_quantity))
        self.assertEqual(storage["amount"], fmt(expected_quantity * S3_STORAGE_PRICE))

    def test_requests_and_data_out(self):
        bucket = "requests-bill"
        self.s3.create_bucket(Bucket=bucket)
        keys = ["k%04d" % n for n in range(1000)]
        body = bytes(range(100))

        def put(key):
            self.s3.put_object(Bucket=bucket, Key=key, Body=body)

        def get(n):
            key = keys[n % len(keys)]
            if n < 10:
                response = self.s3.get_object(Bucket=bucket, Key=key, Range="bytes=0-9")
                self.assertEqual(response["ResponseMetadata"]["HTTPStatusCode"], 206)
            else:
                response = self.s3.get_object(Bucket=bucket, Key=key)
            return len(response["Body"].read())

        def delete(key):
            self.s3.delete_object(Bucket=bucket, Key=key)

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(put, keys))
            sent = sum(pool.map(get, range(10000)))
            list(pool.map(delete, keys))
        self.s3.delete_bucket(Bucket=bucket)
        self.assertEqual(sent, 9990 * 100 + 10 * 10)
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("Requests-Tier1", 1001, resource=bucket),   # CreateBucket + 1,000 PUTs
            Line("Requests-Tier2", 10000, resource=bucket),  # 10,000 GETs; DELETEs free
            Line("DataTransfer-Out-Bytes", sent, resource=bucket),
        ])
        tier1 = self.line(bill, "Requests-Tier1")
        tier2 = self.line(bill, "Requests-Tier2")
        out = self.line(bill, "DataTransfer-Out-Bytes")
        self.assertEqual((tier1["quantity"], tier1["unit"], tier1["amount"]),
                         ("1001", "Requests", "0.005005"))
        self.assertEqual((tier2["quantity"], tier2["unit"], tier2["amount"]),
                         ("10000", "Requests", "0.004"))
        self.assertEqual((out["quantity"], out["unit"], out["amount"]),
                         (fmt(D(sent) / GIB), "GB", "0"))  # within the free GB
        self.assertEqual(bill["services"], {S3: "0.009005"})
        self.assertEqual(bill["total"], "0.009005")

    def test_data_out_beyond_the_free_gigabyte(self):
        # Hourly rules: the first GB of the month is free, the rest $0.09/GB.
        # 17 GETs of 64 MiB = 1.0625 GB: 0.0625 GB paid = $0.005625.
        bucket = "big-out"
        size = 64 * 2 ** 20
        self.s3.create_bucket(Bucket=bucket)
        self.s3.put_object(Bucket=bucket, Key="big", Body=os.urandom(size))

        def get(_):
            return len(self.s3.get_object(Bucket=bucket, Key="big")["Body"].read())

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            sent = sum(pool.map(get, range(17)))
        self.assertEqual(sent, 17 * size)
        self.s3.delete_object(Bucket=bucket, Key="big")
        self.advance("PT1H")
        bill = self.bill()
        out = [l for l in bill["lines"] if l["usage_type"] == "DataTransfer-Out-Bytes"]
        self.assertTrue(out, bill["lines"])
        self.assertEqual({(l["service"], l["unit"], l["region"]) for l in out},
                         {(S3, "GB", "us-east-1")})
        self.assertEqual(fmt(sum(D(l["quantity"]) for l in out)), "1.0625")
        paid = q9((D(sent) / GIB - DATA_OUT_FREE_GB["hourly"]) * DATA_OUT_PRICE)
        self.assertEqual(fmt(paid), "0.005625")
        self.assertEqual(fmt(sum(D(l["amount"]) for l in out)), fmt(paid))
        requests = q9(2 * TIER1_PRICE / 1000) + q9(17 * TIER2_PRICE / 1000)
        self.assertEqual(bill["services"], {S3: fmt(paid + requests)})
        self.assertEqual(bill["total"], fmt(paid + requests))


# ---------------------------------------------------------------------------
# 7: the free tier.

class FreeTierTest(BillingCase):
    server_args = server_args("hourly", "--free-tier")

    def test_a_t2_micro_all_april_is_covered(self):
        [i] = self.run_instances()
        root = self.root_volume(i)
        self.s3.create_bucket(Bucket="free-bucket")
        self.s3.put_object(Bucket="free-bucket", Key="one-mib", Body=b"1" * 2 ** 20)
        self.advance("P30D")
        self.stop(i)
        self.terminate(i)
        self.s3.delete_object(Bucket="free-bucket", Key="one-mib")
        bill = self.bill()
        self.assertIs(bill["free_tier"], True)
        box = q9(720 * INSTANCE_PRICE["t2.micro"])
        ebs = q9(ROOT_GIB * EBS_PRICE["gp2"])
        storage = q9(D(2 ** 20) / GIB * S3_STORAGE_PRICE)
        tier1 = q9(2 * TIER1_PRICE / 1000)
        self.assertEqual((fmt(box), fmt(ebs)), ("8.352", "0.8"))
        self.assertBill(bill, [
            Line("BoxUsage:t2.micro", hours(720), resource=i, instance_type="t2.micro"),
            Line("BoxUsage:t2.micro", record_type="Credit", credit=-box),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * APRIL_SECONDS, resource=root),
            Line("EBS:VolumeUsage.gp2", record_type="Credit", credit=-ebs),
            Line("TimedStorage-ByteHrs", 2 ** 20 * APRIL_SECONDS, resource="free-bucket"),
            Line("TimedStorage-ByteHrs", record_type="Credit", credit=-storage),
            Line("Requests-Tier1", 2, resource="free-bucket"),
            Line("Requests-Tier1", record_type="Credit", credit=-tier1),
        ])
        usage = self.line(bill, "BoxUsage:t2.micro")
        credit = self.line(bill, "BoxUsage:t2.micro", "Credit")
        self.assertEqual((usage["quantity"], usage["amount"]), ("720", "8.352"))
        self.assertEqual((credit["service"], credit["amount"]), (COMPUTE, "-8.352"))
        self.assertEqual(self.line(bill, "EBS:VolumeUsage.gp2", "Credit")["amount"], "-0.8")
        self.assertEqual(bill["services"], {COMPUTE: "0", EC2_OTHER: "0", S3: "0"})
        self.assertEqual(bill["total"], "0")
        # Cost Explorer by record type: the usage and the credit that covers it.
        result = self.ce_client().get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"], GroupBy=[{"Type": "DIMENSION", "Key": "RECORD_TYPE"}])
        [period] = result["ResultsByTime"]
        gross = box + ebs + storage + tier1
        self.assertEqual({k: m["UnblendedCost"]["Amount"] for k, m in self.groups(period).items()},
                         {"Usage": fmt(gross), "Credit": fmt(-gross)})


# ---------------------------------------------------------------------------
# 8: spot.

class SpotTest(BillingCase):
    def test_a_spot_t2_micro_for_two_hours(self):
        out = self.aws("ec2", "run-instances", "--image-id", DSI_TEMPLATE,
                       "--instance-type", "t2.micro", "--count", "1",
                       "--instance-market-options", "MarketType=spot")
        [instance] = out["Instances"]
        i = instance["InstanceId"]
        self.assertEqual(self.describe(i).get("InstanceLifecycle"), "spot")
        root = self.root_volume(i)
        self.advance("PT2H")
        self.terminate(i)  # a one-time spot instance cannot be stopped under --rules classic
        self.advance("PT1H")
        bill = self.bill()
        self.assertBill(bill, [
            Line("SpotUsage:t2.micro", hours(2), resource=i, instance_type="t2.micro"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 2 * HOUR, resource=root),
        ])
        spot = self.line(bill, "SpotUsage:t2.micro")
        self.assertEqual((spot["service"], spot["quantity"], spot["unit"], spot["amount"]),
                         (COMPUTE, "2", "Hrs", fmt(2 * SPOT_FRACTION * INSTANCE_PRICE["t2.micro"])))
        self.assertEqual(spot["amount"], "0.00696")


# ---------------------------------------------------------------------------
# 9: budgets.

class BudgetTest(BillingCase):
    server_args = server_args("hourly", "--budget", "1")

    def test_alerts_at_fifty_eighty_and_a_hundred_percent(self):
        # m4.xlarge at $0.20/h: each billed hour lands at the start of its clock
        # hour; the 8 GiB gp2 root volume adds $0.10 x 8 / 720 per hour.
        [i] = self.run_instances(instance_type="m4.xlarge")
        root = self.root_volume(i)
        self.advance("PT6H")
        self.stop(i)
        self.terminate(i)

        def month_to_date(through_hour):  # the cost of clock hours 0..through_hour
            n = through_hour + 1
            return (q9(n * INSTANCE_PRICE["m4.xlarge"]) +
                    q9(D(ROOT_GIB * n * HOUR) * EBS_PRICE["gp2"] / APRIL_SECONDS))

        limit = D(1)
        alerts = []
        for percent in (50, 80, 100):
            hour = next(h for h in range(6) if month_to_date(h) >= limit * percent / 100)
            alerts.append({"threshold_percent": percent, "month": "2013-04",
                           "at": "2013-04-01T%02d:00:00Z" % hour,
                           "month_to_date": fmt(month_to_date(hour))})
        self.assertEqual([a["at"] for a in alerts], ["2013-04-01T02:00:00Z",
                                                     "2013-04-01T03:00:00Z",
                                                     "2013-04-01T04:00:00Z"])
        bill = self.bill(start=None, end=None)  # the server's default: the month to now
        self.assertEqual((bill["start"], bill["end"], bill["now"]),
                         ("2013-04-01T00:00:00Z", "2013-04-01T06:00:00Z", "2013-04-01T06:00:00Z"))
        expected = [
            Line("BoxUsage:m4.xlarge", hours(6), resource=i, instance_type="m4.xlarge"),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * 6 * HOUR, resource=root),
        ]
        self.assertBill(bill, expected)
        # Each alert's month-to-date is what the admin API prices for the month
        # up to the end of the alert's clock hour.
        for alert in alerts:
            hour = int(alert["at"][11:13])
            through = get_billing(self.endpoint, start="2013-04-01",
                                  end="2013-04-01T%02d:00:00Z" % (hour + 1))
            self.assertEqual(through["total"], alert["month_to_date"], alert)
        budget = bill["budget"]
        self.assertEqual(budget["limit"], "1")
        self.assertEqual(budget["month_to_date"], expected_total(expected, "hourly"))
        self.assertEqual(budget["month_to_date"], "1.206666667")
        self.assertEqual(budget["alerts"], alerts)

    def test_no_alert_below_half(self):
        [i] = self.run_instances()
        self.advance("PT2H")
        self.stop(i)
        bill = self.bill()
        self.assertEqual(bill["budget"]["limit"], "1")
        self.assertEqual(bill["budget"]["alerts"], [])


ACCOUNTS_WITH_BUDGETS = {
    "accounts": [
        {"id": ALICE_ACCOUNT_ID, "name": "alice", "email": "alice@example.com",
         "budget_usd": "0.02",
         "access_keys": [{"id": ALICE_KEY[0], "secret": ALICE_KEY[1]}]},
        {"id": BOB_ACCOUNT_ID, "name": "bob", "email": "bob@example.com",
         "budget_usd": 5,
         "access_keys": [{"id": BOB_KEY[0], "secret": BOB_KEY[1]}]},
    ]
}


class AccountsFileBudgetTest(BillingCase):
    """Budgets from the accounts file (a string and a number); --budget for the rest."""

    def setUp(self):
        self.accounts_dir = tempfile.mkdtemp(prefix="awslab-billing-accounts-")
        self.addCleanup(shutil.rmtree, self.accounts_dir, True)
        path = os.path.join(self.accounts_dir, "accounts.json")
        with open(path, "w") as f:
            json.dump(ACCOUNTS_WITH_BUDGETS, f)
        # The harness's own accounts file is left out: this one replaces it.
        unittest.TestCase.setUp(self)
        self.server = harness.Server(
            accounts=False, extra_args=server_args("hourly", "--budget", "100", "--accounts", path))
        self.addCleanup(self.server.close)
        self.server.start()
        self.make_clients()

    def test_budgets_per_account(self):
        alice_ec2 = self.ec2_client(key=ALICE_KEY)
        [i] = self.run_instances(client=alice_ec2)
        self.advance("PT2H")
        self.stop(i, client=alice_ec2)
        alice = self.bill(key=ALICE_KEY)
        self.assertEqual(alice["account_id"], ALICE_ACCOUNT_ID)
        self.assertEqual(alice["budget"]["limit"], "0.02")
        # hour 0: $0.0116 of compute >= $0.01; hour 1: $0.0232 >= $0.02
        self.assertEqual([(a["threshold_percent"], a["month"], a["at"])
                          for a in alice["budget"]["alerts"]],
                         [(50, "2013-04", "2013-04-01T00:00:00Z"),
                          (80, "2013-04", "2013-04-01T01:00:00Z"),
                          (100, "2013-04", "2013-04-01T01:00:00Z")])
        bob = self.bill(key=BOB_KEY)
        self.assertEqual((bob["account_id"], bob["budget"]["limit"], bob["budget"]["alerts"]),
                         (BOB_ACCOUNT_ID, "5", []))
        default = self.bill()
        self.assertEqual((default["budget"]["limit"], default["budget"]["alerts"]), ("100", []))


# ---------------------------------------------------------------------------
# 10: the course's lab, end to end.

class LabTest(BillingCase):
    def test_the_lab_priced_in_full(self):
        # t = 0: a bucket with three objects, two instances, an Elastic IP on
        # the first, a 20 GiB data volume.
        bucket = "lab-data"
        sizes = {"data/train.csv": 2 ** 20, "data/test.csv": 2 * 2 ** 20,
                 "notes.txt": 512 * 1024}
        self.s3.create_bucket(Bucket=bucket)
        for key, size in sizes.items():
            self.s3.put_object(Bucket=bucket, Key=key, Body=os.urandom(size))
        a, b = self.run_instances(2)
        root_a, root_b = self.root_volume(a), self.root_volume(b)
        allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.ec2.associate_address(AllocationId=allocation, InstanceId=a)
        zone = self.describe(b)["Placement"]["AvailabilityZone"]
        data = self.ec2.create_volume(AvailabilityZone=zone, Size=20, VolumeType="gp2")["VolumeId"]

        # t = 1h30: the analysis reads the data ten times; B gets the volume and stops.
        self.advance("PT1H30M")
        listed = self.s3.list_objects_v2(Bucket=bucket)["KeyCount"]
        self.assertEqual(listed, 3)
        self.s3.head_object(Bucket=bucket, Key="notes.txt")
        sent = 0
        for _ in range(10):
            for key in sizes:
                sent += len(self.s3.get_object(Bucket=bucket, Key=key)["Body"].read())
        self.ec2.attach_volume(VolumeId=data, InstanceId=b, Device="/dev/sdf")
        self.stop(b)

        # t = 3h30: A is terminated; its Elastic IP stays allocated, idle.
        self.advance("PT2H")
        self.terminate(a)

        # t = 5h30: everything is cleaned up.
        self.advance("PT2H")
        self.ec2.release_address(AllocationId=allocation)
        self.ec2.detach_volume(VolumeId=data)
        self.ec2.delete_volume(VolumeId=data)
        self.terminate(b)
        for key in sizes:
            self.s3.delete_object(Bucket=bucket, Key=key)
        self.s3.delete_bucket(Bucket=bucket)
        self.advance("PT30M")

        t = 5 * HOUR + 1800
        expected = [
            Line("BoxUsage:t2.micro", hours(4), resource=a, instance_type="t2.micro"),  # 3h30
            Line("BoxUsage:t2.micro", hours(2), resource=b, instance_type="t2.micro"),  # 1h30
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * (3 * HOUR + 1800), resource=root_a),
            Line("EBS:VolumeUsage.gp2", ROOT_GIB * t, resource=root_b),
            Line("EBS:VolumeUsage.gp2", 20 * t, resource=data),
            Line("ElasticIP:IdleAddress", 2 * HOUR),                   # from 3h30 to 5h30
            Line("TimedStorage-ByteHrs", sum(sizes.values()) * t, resource=bucket),
            Line("Requests-Tier1", 1 + 3 + 1, resource=bucket),       # create, 3 PUTs, LIST
            Line("Requests-Tier2", 1 + 30, resource=bucket),          # HEAD, 30 GETs
            Line("DataTransfer-Out-Bytes", sent, resource=bucket),
        ]
        self.assertEqual(sent, 10 * sum(sizes.values()))
        bill = self.bill()
        self.assertBill(bill, expected)
        # The whole bill, written out: $0.0696 compute; EBS 182 GiB-hours of gp2
        # ($0.025277778); 2 idle hours ($0.01); S3 storage, 5 Tier-1 and 31
        # Tier-2 requests; 35 MiB out (free).
        self.assertEqual(bill["services"][COMPUTE], "0.0696")
        self.assertEqual(bill["services"][EC2_OTHER], fmt(q9(D(182) * D("0.10") / 720) +
                                                          D("0.01")))
        self.assertEqual(bill["total"], expected_total(expected, "hourly"))
        # Cost Explorer agrees.
        result = self.ce_client().get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"])
        [period] = result["ResultsByTime"]
        self.assertEqual(period["Total"]["UnblendedCost"]["Amount"], bill["total"])


# ---------------------------------------------------------------------------
# 11: Cost Explorer.

class CostExplorerTest(BillingCase):
    """Usage over three days: a t2.micro for 26 hours, its root volume and an
    idle Elastic IP for 50 hours, a 1 MiB object for 50 hours."""

    RUN_HOURS = 26
    END_HOURS = 50
    OBJECT = 2 ** 20

    def setUp(self):
        super().setUp()
        [self.instance] = self.run_instances()
        self.root = self.root_volume(self.instance)
        self.allocation = self.ec2.allocate_address(Domain="vpc")["AllocationId"]
        self.s3.create_bucket(Bucket="ce-bucket")
        self.s3.put_object(Bucket="ce-bucket", Key="object", Body=b"o" * self.OBJECT)
        self.advance("PT%dH" % self.RUN_HOURS)
        self.stop(self.instance)
        self.advance("PT%dH" % (self.END_HOURS - self.RUN_HOURS))
        self.ec2.release_address(AllocationId=self.allocation)
        self.terminate(self.instance)
        self.s3.delete_object(Bucket="ce-bucket", Key="object")
        # now: 2013-04-03T02:00:00Z

    def expected(self, first_hour, end_hour):
        """The Lines of the hours [first_hour, end_hour) of April."""
        def overlap(a, b):
            return max(0, min(b, end_hour) - max(a, first_hour)) * HOUR
        billed = len([h for h in range(self.RUN_HOURS) if first_hour <= h < end_hour])
        lines = []
        if billed:
            lines.append(Line("BoxUsage:t2.micro", hours(billed), resource=self.instance))
        if overlap(0, self.END_HOURS):
            lines += [
                Line("EBS:VolumeUsage.gp2", ROOT_GIB * overlap(0, self.END_HOURS),
                     resource=self.root),
                Line("ElasticIP:IdleAddress", overlap(0, self.END_HOURS)),
                Line("TimedStorage-ByteHrs", self.OBJECT * overlap(0, self.END_HOURS),
                     resource="ce-bucket"),
            ]
        if first_hour == 0:
            lines.append(Line("Requests-Tier1", 2, resource="ce-bucket"))
        return lines

    def test_cli_monthly_by_service_matches_the_admin_api(self):
        out = self.aws("ce", "get-cost-and-usage",
                       "--time-period", "Start=2013-04-01,End=2013-05-01",
                       "--granularity", "MONTHLY", "--metrics", "UnblendedCost", "UsageQuantity",
                       "--group-by", "Type=DIMENSION,Key=SERVICE")
        [period] = out["ResultsByTime"]
        self.assertEqual(period["TimePeriod"], {"Start": "2013-04-01", "End": "2013-05-01"})
        self.assertIs(period["Estimated"], True)  # April ends after the clock's now
        expected = self.expected(0, 720)
        services = expected_services(expected, "hourly")
        self.assertEqual(services, {COMPUTE: "0.3016", EC2_OTHER: "0.305555556",
                                    S3: fmt(q9(D(self.OBJECT * 50 * HOUR) * S3_STORAGE_PRICE /
                                               (GIB * APRIL_SECONDS)) + D("0.00001"))})
        self.assertCeServices(period, services)
        bill = self.bill()
        self.assertBill(bill, expected)
        self.assertEqual(self.groups(period).keys(), bill["services"].keys())
        for service, metrics in self.groups(period).items():
            self.assertEqual(metrics["UnblendedCost"]["Amount"], bill["services"][service])
        self.assertEqual(period.get("Total", {}), {})
        # "without a group by usage type the unit is N/A, as in AWS"
        self.assertEqual({k: m["UsageQuantity"]["Unit"] for k, m in self.groups(period).items()},
                         {service: "N/A" for service in services})

    def test_cli_daily_by_service_matches_the_admin_api(self):
        out = self.aws("ce", "get-cost-and-usage",
                       "--time-period", "Start=2013-04-01,End=2013-04-04",
                       "--granularity", "DAILY", "--metrics", "UnblendedCost",
                       "--group-by", "Type=DIMENSION,Key=SERVICE")
        periods = out["ResultsByTime"]
        self.assertEqual([p["TimePeriod"] for p in periods],
                         [{"Start": "2013-04-0%d" % d, "End": "2013-04-0%d" % (d + 1)}
                          for d in (1, 2, 3)])
        # now is 2013-04-03T02:00: the third day is still estimated
        self.assertEqual([p["Estimated"] for p in periods], [False, False, True])
        for day, period in enumerate(periods):
            expected = self.expected(24 * day, 24 * (day + 1))
            services = expected_services(expected, "hourly")
            self.assertCeServices(period, services)
            bill = self.bill(start="2013-04-0%d" % (day + 1), end="2013-04-0%d" % (day + 2))
            self.assertBill(bill, expected)
            self.assertEqual({k: m["UnblendedCost"]["Amount"]
                              for k, m in self.groups(period).items()}, bill["services"])
        # day 1: 24 hours of compute; day 2: 2; day 3: none
        self.assertEqual([self.groups(p).get(COMPUTE, {}).get("UnblendedCost", {}).get("Amount")
                          for p in periods], ["0.2784", "0.0232", None])

    def test_boto3_by_usage_type_with_a_service_filter(self):
        ce = self.ce_client()
        result = ce.get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost", "UsageQuantity"],
            GroupBy=[{"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
            Filter={"Dimensions": {"Key": "SERVICE", "Values": [EC2_OTHER]}})
        [period] = result["ResultsByTime"]
        self.assertNotIn("Total", {k: v for k, v in period.items() if v})
        expected = {u: v for u, v in expected_by_usage_type(self.expected(0, 720), "hourly").items()
                    if u in ("EBS:VolumeUsage.gp2", "ElasticIP:IdleAddress")}
        got = {k: (m["UnblendedCost"]["Amount"], m["UsageQuantity"]["Amount"])
               for k, m in self.groups(period).items()}
        self.assertEqual(got, expected)
        self.assertEqual(got, {"EBS:VolumeUsage.gp2": ("0.055555556", "0.555555556"),
                               "ElasticIP:IdleAddress": ("0.25", "50")})
        units = {k: m["UsageQuantity"]["Unit"] for k, m in self.groups(period).items()}
        self.assertEqual(units, {"EBS:VolumeUsage.gp2": "GB-Mo", "ElasticIP:IdleAddress": "Hrs"})

    def test_boto3_two_group_bys_and_filter_expressions(self):
        ce = self.ce_client()
        period = {"Start": "2013-04-01", "End": "2013-05-01"}
        result = ce.get_cost_and_usage(
            TimePeriod=period, Granularity="MONTHLY", Metrics=["UnblendedCost"],
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"},
                     {"Type": "DIMENSION", "Key": "USAGE_TYPE"}],
            Filter={"Not": {"Dimensions": {"Key": "SERVICE", "Values": [S3]}}})
        [month] = result["ResultsByTime"]
        self.assertEqual({k: m["UnblendedCost"]["Amount"] for k, m in self.groups(month).items()},
                         {COMPUTE + "|BoxUsage:t2.micro": "0.3016",
                          EC2_OTHER + "|EBS:VolumeUsage.gp2": "0.055555556",
                          EC2_OTHER + "|ElasticIP:IdleAddress": "0.25"})
        result = ce.get_cost_and_usage(
            TimePeriod=period, Granularity="MONTHLY", Metrics=["UnblendedCost"],
            Filter={"And": [
                {"Dimensions": {"Key": "SERVICE", "Values": [EC2_OTHER]}},
                {"Or": [{"Dimensions": {"Key": "USAGE_TYPE",
                                        "Values": ["ElasticIP:IdleAddress"]}},
                        {"Dimensions": {"Key": "REGION", "Values": ["eu-west-1"]}}]}]})
        self.assertEqual(result["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"], "0.25")

    def test_boto3_hourly(self):
        ce = self.ce_client()
        result = ce.get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01T00:00:00Z", "End": "2013-04-01T03:00:00Z"},
            Granularity="HOURLY", Metrics=["UnblendedCost"],
            GroupBy=[{"Type": "DIMENSION", "Key": "SERVICE"}])
        periods = result["ResultsByTime"]
        self.assertEqual([(p["TimePeriod"]["Start"], p["TimePeriod"]["End"]) for p in periods],
                         [("2013-04-01T0%d:00:00Z" % h, "2013-04-01T0%d:00:00Z" % (h + 1))
                          for h in range(3)])
        for h, period in enumerate(periods):
            self.assertCeServices(period, expected_services(self.expected(h, h + 1), "hourly"))
        self.assertEqual(self.groups(periods[0])[COMPUTE]["UnblendedCost"]["Amount"], "0.0116")
        self.assertEqual(self.groups(periods[1])[EC2_OTHER]["UnblendedCost"]["Amount"],
                         "0.006111111")  # 8 GiB gp2 for an hour + an idle hour

    def test_boto3_total_without_group_by(self):
        ce = self.ce_client()
        result = ce.get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost", "BlendedCost", "NetUnblendedCost", "AmortizedCost",
                     "UsageQuantity"])
        [period] = result["ResultsByTime"]
        self.assertEqual(period["Groups"], [])
        total = expected_total(self.expected(0, 720), "hourly")
        self.assertEqual(total, self.bill()["total"])
        for metric in ("UnblendedCost", "BlendedCost", "NetUnblendedCost", "AmortizedCost"):
            self.assertEqual(period["Total"][metric], {"Amount": total, "Unit": "USD"}, metric)
        self.assertEqual(period["Total"]["UsageQuantity"]["Unit"], "N/A")

    def test_malformed_time_periods_are_validation_errors(self):
        ce = self.ce_client()
        for start, end in (("2013-04-05", "2013-04-01"),   # start after end
                           ("2013-13-45", "2013-05-01"),   # no such date
                           ("April 1st", "2013-05-01")):
            with self.subTest(start=start, end=end):
                with self.assertRaises(ClientError) as ctx:
                    ce.get_cost_and_usage(TimePeriod={"Start": start, "End": end},
                                          Granularity="MONTHLY", Metrics=["UnblendedCost"])
                error = ctx.exception.response
                self.assertEqual(error["Error"]["Code"], "ValidationException", error)
                self.assertEqual(error["ResponseMetadata"]["HTTPStatusCode"], 400)
                status, body = ce_raw(self.endpoint, {
                    "TimePeriod": {"Start": start, "End": end}, "Granularity": "MONTHLY",
                    "Metrics": ["UnblendedCost"]})
                self.assertEqual(status, 400, body)
                self.assertIn("__type", body)
                self.assertEqual(body["__type"].split("#")[-1], "ValidationException", body)


# ---------------------------------------------------------------------------
# 12: who reads which bill.

class AccessTest(BillingCase):
    def setUp(self):
        super().setUp()
        self.alice_ec2 = self.ec2_client(key=ALICE_KEY)
        allocation = self.alice_ec2.allocate_address(Domain="vpc")["AllocationId"]
        [i] = self.run_instances()
        self.advance("PT2H")
        self.alice_ec2.release_address(AllocationId=allocation)
        self.stop(i)
        self.terminate(i)
        self.default_total = fmt(2 * INSTANCE_PRICE["t2.micro"] +
                                 q9(D(ROOT_GIB * 2 * HOUR) * EBS_PRICE["gp2"] / APRIL_SECONDS))

    def assertDenied(self, key, path="/_awslab/billing", **params):
        with self.assertRaises(harness.AdminApiError) as ctx:
            get_billing(self.endpoint, key=key, path=path, **params)
        self.assertEqual(ctx.exception.status, 403, ctx.exception.body)
        self.assertIn("AccessDenied", ctx.exception.body)

    def test_an_account_reads_its_own_bill(self):
        bill = self.bill(key=ALICE_KEY)
        self.assertEqual((bill["account_id"], bill["name"]), (ALICE_ACCOUNT_ID, "alice"))
        self.assertBill(bill, [Line("ElasticIP:IdleAddress", 2 * HOUR)])
        same = self.bill(key=ALICE_KEY, account=ALICE_ACCOUNT_ID)
        self.assertEqual(same["total"], "0.01")
        # Cost Explorer shows alice hers only.
        result = self.ce_client(key=ALICE_KEY).get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"])
        self.assertEqual(result["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"], "0.01")

    def test_an_account_cannot_read_another_bill(self):
        self.assertDenied(ALICE_KEY, account=DEFAULT_ACCOUNT)
        self.assertDenied(ALICE_KEY, account=BOB_ACCOUNT_ID)
        self.assertDenied(BOB_KEY, account=ALICE_ACCOUNT_ID)

    def test_only_an_admin_reads_the_class(self):
        self.assertDenied(ALICE_KEY, path="/_awslab/billing/class")
        self.assertDenied(BOB_KEY, path="/_awslab/billing/class")

    def test_only_an_admin_lists_the_accounts(self):
        self.assertDenied(ALICE_KEY, path="/_awslab/accounts")
        listed = harness._admin_call(self.endpoint, "GET", "/_awslab/accounts")
        accounts = {a["id"]: a for a in listed["accounts"]}
        self.assertEqual({k: (a["name"], a["admin"]) for k, a in accounts.items()},
                         {DEFAULT_ACCOUNT: ("default", True), ALICE_ACCOUNT_ID: ("alice", False),
                          BOB_ACCOUNT_ID: ("bob", False)})
        self.assertEqual(accounts[ALICE_ACCOUNT_ID]["email"], "alice@example.com")
        self.assertEqual(len(accounts[ALICE_ACCOUNT_ID]["canonical_user_id"]), 64)
        self.assertNotIn("secret", json.dumps(listed))
        # GET lists and POST creates (test_class.py); nothing else.
        with self.assertRaises(harness.AdminApiError) as ctx:
            harness._admin_call(self.endpoint, "DELETE", "/_awslab/accounts")
        self.assertEqual(ctx.exception.status, 405)

    def test_any_account_reads_the_clock_and_who_it_is_but_only_an_admin_moves_it(self):
        clock = harness._admin_call(self.endpoint, "GET", "/_awslab/clock", key=ALICE_KEY)
        self.assertEqual(clock["time_scale"], 0)
        self.assertEqual(clock["now"], harness._admin_call(self.endpoint, "GET", "/_awslab/clock")["now"])
        for body in ({"advance": "PT1H"}, {"time_scale": 60}):
            with self.assertRaises(harness.AdminApiError) as ctx:
                harness._admin_call(self.endpoint, "POST", "/_awslab/clock", body, key=ALICE_KEY)
            self.assertEqual(ctx.exception.status, 403, ctx.exception.body)
        me = harness._admin_call(self.endpoint, "GET", "/_awslab/whoami", key=ALICE_KEY)
        self.assertEqual(me, {"account_id": ALICE_ACCOUNT_ID, "name": "alice", "admin": False,
                              "access_key_id": ALICE_KEY[0]})
        admin = harness._admin_call(self.endpoint, "GET", "/_awslab/whoami")
        self.assertEqual((admin["account_id"], admin["name"], admin["admin"]),
                         (DEFAULT_ACCOUNT, "default", True))

    def test_the_price_list_of_the_launch_form(self):
        prices = harness._admin_call(self.endpoint, "GET", "/_awslab/prices", key=BOB_KEY)
        self.assertEqual((prices["rules"], prices["spot_fraction"]), ("hourly", "0.3"))
        types = {t["name"]: t for t in prices["instance_types"]}
        for name, price in INSTANCE_PRICE.items():
            self.assertEqual(D(types[name]["usd_per_hour"]), price, name)
        self.assertEqual((types["t2.micro"]["vcpus"], types["t2.micro"]["memory_gib"],
                          types["t2.micro"]["free_tier_eligible"]), (1, 1, True))
        self.assertFalse(types["m4.xlarge"]["free_tier_eligible"])
        # The same list as EC2's DescribeInstanceTypes.
        described = set()
        paginator = self.ec2.get_paginator("describe_instance_types")
        for page in paginator.paginate():
            described |= {t["InstanceType"] for t in page["InstanceTypes"]}
        self.assertEqual(set(types), described)

    def test_the_clock_runs_at_the_speed_an_admin_sets(self):
        fast = harness._admin_call(self.endpoint, "POST", "/_awslab/clock", {"time_scale": 3600})
        self.assertEqual(fast["time_scale"], 3600)
        started = harness._admin_call(self.endpoint, "GET", "/_awslab/clock")
        time.sleep(0.1)
        later = harness._admin_call(self.endpoint, "GET", "/_awslab/clock")
        self.assertEqual(later["time_scale"], 3600)
        # At least 0.1 wall seconds passed: at least 360 simulated ones (less a second of rounding).
        moved = parse_time(later["now"]) - parse_time(started["now"])
        self.assertGreaterEqual(moved.total_seconds(), 359)
        frozen = harness._admin_call(self.endpoint, "POST", "/_awslab/clock",
                                     {"time_scale": 0, "advance": "PT1H"})
        self.assertEqual(frozen["time_scale"], 0)
        self.assertGreaterEqual((parse_time(frozen["now"]) - parse_time(later["now"])).total_seconds(), 3600)
        self.assertEqual(harness._admin_call(self.endpoint, "GET", "/_awslab/clock")["now"], frozen["now"])
        for bad in ({"time_scale": -1}, {"time_scale": "fast"}, {"time_scale": 2e6}, {},
                    {"advance": "PT-1H"}, {"advance_seconds": -5}):
            with self.assertRaises(harness.AdminApiError) as ctx:
                harness._admin_call(self.endpoint, "POST", "/_awslab/clock", bad)
            self.assertEqual(ctx.exception.status, 400, (bad, ctx.exception.body))
            self.assertIn("InvalidArgument", ctx.exception.body)
        self.assertEqual(harness._admin_call(self.endpoint, "GET", "/_awslab/clock")["now"], frozen["now"])

    def test_the_class_lists_what_every_account_has_now(self):
        self.alice_ec2.allocate_address(Domain="vpc")
        [running] = self.run_instances(client=self.alice_ec2)
        [stopped] = self.run_instances(client=self.alice_ec2)
        self.alice_ec2.stop_instances(InstanceIds=[stopped])
        self.advance("PT1M")
        alice_s3 = harness.boto3_client(self.endpoint, key=ALICE_KEY)
        self.addCleanup(alice_s3.close)
        alice_s3.create_bucket(Bucket="alice-class-bucket")
        klass = get_billing(self.endpoint, path="/_awslab/billing/class")
        accounts = {a["account_id"]: a for a in klass["accounts"]}
        self.assertEqual(accounts[ALICE_ACCOUNT_ID]["resources"],
                         {"instances_running": 1, "instances": {"running": 1, "stopped": 1},
                          "elastic_ips": 1, "volumes": 2, "buckets": 1})
        self.assertFalse(accounts[ALICE_ACCOUNT_ID]["admin"])
        # The default account's only instance was terminated in setUp: not listed.
        self.assertEqual(accounts[DEFAULT_ACCOUNT]["resources"],
                         {"instances_running": 0, "instances": {}, "elastic_ips": 0, "volumes": 0,
                          "buckets": 0})
        self.assertTrue(accounts[DEFAULT_ACCOUNT]["admin"])
        self.assertEqual(accounts[BOB_ACCOUNT_ID]["resources"]["instances_running"], 0)

    def test_an_admin_reads_every_bill_and_the_class(self):
        alice = self.bill(account=ALICE_ACCOUNT_ID)
        self.assertEqual((alice["account_id"], alice["total"]), (ALICE_ACCOUNT_ID, "0.01"))
        own = self.bill()
        self.assertEqual((own["account_id"], own["total"]), (DEFAULT_ACCOUNT, self.default_total))
        klass = get_billing(self.endpoint, path="/_awslab/billing/class",
                            start="2013-04-01", end="2013-05-01")
        self.assertEqual((klass["start"], klass["end"], klass["currency"]),
                         ("2013-04-01T00:00:00Z", "2013-05-01T00:00:00Z", "USD"))
        accounts = {a["account_id"]: a for a in klass["accounts"]}
        self.assertEqual(set(accounts), {DEFAULT_ACCOUNT, ALICE_ACCOUNT_ID, BOB_ACCOUNT_ID})
        self.assertEqual({k: (a["name"], a["total"]) for k, a in accounts.items()},
                         {DEFAULT_ACCOUNT: ("default", self.default_total),
                          ALICE_ACCOUNT_ID: ("alice", "0.01"),
                          BOB_ACCOUNT_ID: ("bob", "0")})
        self.assertEqual(accounts[ALICE_ACCOUNT_ID]["services"], {EC2_OTHER: "0.01"})
        self.assertEqual(accounts[BOB_ACCOUNT_ID]["services"], {})
        self.assertIsNone(accounts[ALICE_ACCOUNT_ID]["budget"])
        self.assertEqual(klass["total"], fmt(D(self.default_total) + D("0.01")))
        # An admin key sees every account in Cost Explorer with LINKED_ACCOUNT.
        result = self.ce_client().get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"],
            GroupBy=[{"Type": "DIMENSION", "Key": "LINKED_ACCOUNT"}])
        [period] = result["ResultsByTime"]
        self.assertEqual({k: m["UnblendedCost"]["Amount"] for k, m in self.groups(period).items()},
                         {DEFAULT_ACCOUNT: self.default_total, ALICE_ACCOUNT_ID: "0.01"})
        result = self.ce_client().get_cost_and_usage(
            TimePeriod={"Start": "2013-04-01", "End": "2013-05-01"}, Granularity="MONTHLY",
            Metrics=["UnblendedCost"],
            Filter={"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": [ALICE_ACCOUNT_ID]}})
        self.assertEqual(result["ResultsByTime"][0]["Total"]["UnblendedCost"]["Amount"], "0.01")


if __name__ == "__main__":
    unittest.main()
