"""SIGKILL at random points, a hundred times, checked against a log of acknowledged writes.

Issue 10: the server is killed (SIGKILL, nothing flushed) at a random moment while
worker threads run S3 and EC2 operations against it, then restarted on the same
data dir, and every object and resource is compared with what the workers were
told. A hundred rounds on one data dir, so damage accumulates and is found.

How the log works. Each worker owns its resources alone (buckets named
crash-w<N>-*, keys k0..k5 in them, and one EC2 region for the default account),
and runs one request at a time, so at any moment it has a model of its world
that is exact, plus at most one operation in flight. A write is acknowledged
when the client got a success answer; the model then takes the operation's
effect. When the kill comes, the operation in flight (if any) is kept. After
the restart every resource must be in its acknowledged state OR in the state
the in-flight operation would give it, and an operation that the server makes
in one batch (everything but DeleteObjects) must be applied wholly or not at
all. What is checked, per worker, after every restart:

- buckets: exactly the acknowledged ones (a bucket whose delete was in flight
  is gone or still there, empty);
- objects: HEAD of every key a worker uses and ListObjectsV2 find the same keys
  (no ghost, no missing key) with the same ETag and size; GET returns the body
  byte for byte (SHA-256 and MD5 of what was written) with its ETag (MD5, the
  multipart "md5-of-md5s-N", the copy's MD5) and its x-amz-meta-*;
- multipart uploads: ListMultipartUploads and ListParts show every
  acknowledged upload that was neither completed nor aborted, with exactly its
  acknowledged parts (number, ETag, size);
- blobs: the sizes of the files in DATA_DIR/blobs are exactly the sizes of the
  blobs the objects and parts above need (a body over 64 KiB, each part): no
  orphan file, none missing;
- packs: bodies of 1 KiB to 64 KiB are appended to DATA_DIR/packs/*.pack,
  which hold nothing else and at least the bytes of those bodies (GET checks
  each body);
- EC2: DescribeInstances (state and tags), DescribeAddresses (association and
  tags), DescribeKeyPairs (fingerprint), DescribeSecurityGroups (ingress
  rules) match the log, nothing more; every live instance has exactly its
  root volume attached and there is no other volume.

The server runs with --ec2-pending 0 --ec2-stopping 0 --ec2-shutting-down 0
(and spot 0): every acknowledged transition has then settled when it is read,
so each instance has one exact expected state (running, stopped, terminated)
rather than "pending or running", and an instance whose StopInstances was
acknowledged must be stopped, never running, unless a StartInstances was in
flight. After each verification the simulation clock is moved 2 hours on, so
terminated instances are gone by the next one (checked too).

A round's kill comes after a random delay (KILL_DELAY), or, in one round in
five, right after one worker's Nth answer, which is then dropped: the kill
rarely lands between a commit and its answer by chance, and this puts the
other side of the check to use (an operation whose effect is there without
the client knowing it, with ids it never learned; it must be there, whole).
The seed of all random choices is printed, and AWSLAB_CRASH_SEED replays it
(the same operations and delays; where the kill lands among them still
depends on timing).

Run: AWSLAB_SERVER=build/emulator/awslab-server /usr/bin/python3 -m unittest -v test_crash
     AWSLAB_CRASH_ROUNDS=10 lowers the number of rounds for a quick local run.
"""

import collections
import hashlib
import os
import random
import sys
import threading
import time
import unittest

from botocore.exceptions import ClientError

import harness
from harness import md5_etag, multipart_etag

KiB = 1024
MiB = 1024 * KiB
INLINE_LIMIT = 64 * KiB  # bodies up to this are in the object's record or a pack, larger in a blob
PACK_MIN = 1 * KiB  # bodies of at least this (and at most INLINE_LIMIT) are in a pack
PART = 5 * MiB           # the smallest multipart part but the last

ROUNDS = 100
WORKERS = 4
# One region each: EC2's limits (instances, addresses) and listings are per region.
REGIONS = ("us-east-1", "us-east-2", "us-west-2", "eu-west-1")
KILL_DELAY = (0.02, 0.4)  # seconds between the workers' start and the SIGKILL
KEYS = tuple("k%d" % n for n in range(6))
BUCKETS_PER_WORKER = 3   # b0 always exists; b1 and b2 are created and deleted
MAX_LIVE_INSTANCES = 4
MAX_ADDRESSES = 3
MAX_OPEN_UPLOADS = 2
JOIN_TIMEOUT = 120.0
DROP_ANSWER_ROUNDS = 0.2  # the share of rounds that drop an answer (see the test)
DROP_TIMEOUT = 60.0       # the longest wait for that answer

SERVER_ARGS = ("--ec2-pending", "0", "--ec2-spot-pending", "0", "--ec2-stopping", "0",
               "--ec2-shutting-down", "0")


def rounds():
    value = int(os.environ.get("AWSLAB_CRASH_ROUNDS", ROUNDS))
    if value < 1:
        raise ValueError("AWSLAB_CRASH_ROUNDS must be at least 1")
    return value


# ---------------------------------------------------------------------------
# The model's values. A resource is a tuple key ("obj", bucket, key), ...; its
# value is one of these (hashable, compared with `same`), or None: absent.

# An object: digests of its body, its ETag with quotes, its metadata as sorted
# (name, value) pairs, and for a completed multipart upload the sizes of its
# parts (each part is a blob file). `parts` is the model's knowledge of how it
# is stored; an observed object has None there and `same` ignores it.
Obj = collections.namedtuple("Obj", "sha256 md5 size etag meta parts")
# An open multipart upload: frozenset of (part number, ETag without quotes, size).
Upload = collections.namedtuple("Upload", "parts")
# An instance: its state's name and its tags as a frozenset of (key, value).
Inst = collections.namedtuple("Inst", "state tags")
# An Elastic IP: the instance it is associated with (None) and its tags.
Addr = collections.namedtuple("Addr", "instance tags")


class _Any:
    """The value of a resource whose content the client learns only from the
    answer (a key pair's fingerprint): any present value matches."""

    def __repr__(self):
        return "<any>"


ANY = _Any()
NO_MATCH = object()
PLACEHOLDER = "?"  # the id of a resource an in-flight operation would create


def same(model, observed):
    if model is ANY:
        return observed is not None
    if isinstance(model, Obj) and isinstance(observed, Obj):
        return model._replace(parts=None) == observed._replace(parts=None)
    return model == observed


def blob_sizes(value):
    """The sizes of the blob files a resource's value needs."""
    if isinstance(value, Obj):
        if value.parts:
            return [s for s in value.parts if s > 0]
        return [value.size] if value.size > INLINE_LIMIT else []
    if isinstance(value, Upload):
        return [size for _, _, size in value.parts if size > 0]
    return []


def short(value):
    if isinstance(value, Obj):
        return "Obj(sha256 %s.., %d B, ETag %s, meta %s)" % (value.sha256[:12], value.size,
                                                            value.etag, dict(value.meta))
    return repr(value)


def tagset(tags):
    return frozenset((t["Key"], t["Value"]) for t in tags or [])


def digests(data):
    return hashlib.sha256(data).hexdigest(), hashlib.md5(data).hexdigest()


def error_code(e):
    return e.response.get("Error", {}).get("Code") or str(
        e.response["ResponseMetadata"]["HTTPStatusCode"])


class Op:
    """One request: its kind, the changes it makes to the model, whether the
    server applies them in one batch, and `call`, which sends it and returns
    the changes with the ids the answer named."""

    def __init__(self, kind, changes, call, atomic=True):
        self.kind = kind
        self.changes = changes
        self.call = call
        self.atomic = atomic
        self.started = None
        self.dropped = False  # answered, but the answer was dropped (see Worker.run)


class Plan:
    """The multipart upload a worker is building: its key, part data, id."""

    def __init__(self, bucket, key, sizes, meta):
        self.bucket = bucket
        self.key = key
        self.sizes = sizes      # part sizes, parts 1..n
        self.meta = meta        # the x-amz-meta-* given at creation
        self.upload_id = None   # known once CreateMultipartUpload is acknowledged or found
        self.data = {}          # part number -> the bytes sent for it

    def rkey(self):
        return ("upload", self.bucket, self.key, self.upload_id or PLACEHOLDER)


# ---------------------------------------------------------------------------

class Worker:
    """One client thread with its own clients, resources and exact model."""

    def __init__(self, index, seed, endpoint, region):
        self.index = index
        self.rng = random.Random("%s/%d" % (seed, index))
        self.region = region
        self.s3 = harness.boto3_client(endpoint)
        self.ec2 = harness.ec2_client(endpoint, region=region)
        self.prefix = "crash-w%d-" % index
        self.buckets = [self.prefix + "b%d" % n for n in range(BUCKETS_PER_WORKER)]
        self.known = {}          # the acknowledged state: resource key -> value
        self.inflight = None     # the Op sent and not answered when the kill came
        self.plan = None         # the multipart upload being built
        self.assoc = {}          # allocation id -> association id
        self.group_ids = {}      # security group name -> id
        self.problems = []       # unexpected answers while running
        self.acked = collections.Counter()
        self.serial = 0
        self.image_id = None

    def close(self):
        self.s3.close()
        self.ec2.close()

    def token(self):
        self.serial += 1
        return "w%d-%d" % (self.index, self.serial)

    # -- the model's views ---------------------------------------------------

    def items(self, kind):
        return [(k, v) for k, v in self.known.items() if k[0] == kind]

    def live_buckets(self):
        return sorted(k[1] for k, _ in self.items("bucket"))

    def objects(self):
        return sorted((k, v) for k, v in self.items("obj"))

    def uploads(self):
        return sorted(k for k, _ in self.items("upload"))

    def instances(self, *states):
        return sorted((k, v) for k, v in self.items("inst") if v.state in states)

    def addresses(self):
        return sorted(self.items("addr"))

    def apply(self, changes):
        for k, v in changes.items():
            if v is None:
                self.known.pop(k, None)
            else:
                self.known[k] = v

    # -- setup -----------------------------------------------------------------

    def setup(self):
        self.s3.create_bucket(Bucket=self.buckets[0])
        self.known[("bucket", self.buckets[0])] = True
        images = self.ec2.describe_images(
            Owners=["amazon"], Filters=[{"Name": "name", "Values": ["al2023-ami-2023*"]}])["Images"]
        if not images:
            raise AssertionError("no Amazon Linux 2023 image in %s" % self.region)
        self.image_id = images[0]["ImageId"]

    # -- running ---------------------------------------------------------------

    def run(self, stop, drop_after=0, dropped=None):
        """Runs operations until `stop` is set. The kill ends the one in flight.
        With `drop_after` N, the Nth answer is dropped instead (the operation
        stays in flight) and `dropped` is set: the main thread kills the
        server at once, as if the client had died with it."""
        answered = 0
        while not stop.is_set():
            op = self.choose()
            op.started = time.monotonic()
            self.inflight = op
            try:
                changes = op.call()
            except ClientError as e:
                # The server answered: nothing was lost, but the model expected success.
                self.inflight = None
                self.problems.append("%s in %s answered %s: %s" % (
                    op.kind, self.prefix, error_code(e),
                    e.response.get("Error", {}).get("Message")))
                return
            except Exception as e:  # the connection died: the kill, or a server crash
                if not stop.is_set():
                    self.problems.append("%s in %s failed before the kill: %r" % (
                        op.kind, self.prefix, e))
                return
            answered += 1
            if answered == drop_after:
                op.dropped = True
                dropped.set()
                return
            self.apply(changes)
            self.acked[op.kind] += 1
            self.inflight = None

    def choose(self):
        """A random operation that the model says will succeed."""
        candidates = []
        for weight, make in self.menu():
            if weight > 0:
                candidates.append((weight, make))
        while True:
            total = sum(w for w, _ in candidates)
            pick = self.rng.uniform(0, total)
            for i, (weight, make) in enumerate(candidates):
                pick -= weight
                if pick <= 0:
                    break
            op = make()
            if op is not None:
                return op
            del candidates[i]  # not possible now

    def menu(self):
        return [
            (8, self.op_put), (2, self.op_copy), (2, self.op_delete), (1, self.op_delete_objects),
            (1, self.op_create_bucket), (2, self.op_delete_bucket),
            (2, self.op_multipart), (1, self.op_abort_upload),
            (2, self.op_run), (2, self.op_stop), (2, self.op_start), (1, self.op_terminate),
            (1, self.op_allocate), (1, self.op_associate), (1, self.op_disassociate),
            (1, self.op_release), (1, self.op_create_tags),
            (1, self.op_create_key), (1, self.op_delete_key),
            (1, self.op_create_group), (1, self.op_authorize), (0.5, self.op_delete_group),
        ]

    # -- S3 operations -----------------------------------------------------------

    def body(self):
        r = self.rng.random()
        if r < 0.05:
            size = self.rng.choice([0, INLINE_LIMIT, INLINE_LIMIT + 1])
        elif r < 0.5:
            size = self.rng.randint(1, INLINE_LIMIT)
        else:
            size = self.rng.randint(100 * KiB, 2 * MiB)
        return os.urandom(size)

    def pick_bucket(self):
        live = self.live_buckets()
        # Mostly b0, so that b1 and b2 are often empty enough to delete.
        if self.buckets[0] in live and self.rng.random() < 0.7:
            return self.buckets[0]
        return self.rng.choice(live)

    def op_put(self):
        bucket, key, data = self.pick_bucket(), self.rng.choice(KEYS), self.body()
        meta = {"op": self.token()}
        sha, md5 = digests(data)
        changes = {("obj", bucket, key): Obj(sha, md5, len(data), md5_etag(data),
                                             tuple(sorted(meta.items())), None)}

        def call():
            got = self.s3.put_object(Bucket=bucket, Key=key, Body=data, Metadata=meta)
            if got["ETag"] != md5_etag(data):
                self.problems.append("PutObject %s/%s answered ETag %s" %
                                     (bucket, key, got["ETag"]))
            return changes
        return Op("PutObject", changes, call)

    def op_copy(self):
        objects = self.objects()
        if not objects:
            return None
        (_, src_bucket, src_key), src = self.rng.choice(objects)
        bucket, key = self.pick_bucket(), self.rng.choice(KEYS)
        replace = (bucket, key) == (src_bucket, src_key) or self.rng.random() < 0.5
        meta = {"op": self.token()} if replace else dict(src.meta)
        changes = {("obj", bucket, key): Obj(src.sha256, src.md5, src.size, '"%s"' % src.md5,
                                             tuple(sorted(meta.items())), None)}

        def call():
            kwargs = {"MetadataDirective": "REPLACE", "Metadata": meta} if replace else {}
            self.s3.copy_object(Bucket=bucket, Key=key,
                                CopySource={"Bucket": src_bucket, "Key": src_key}, **kwargs)
            return changes
        return Op("CopyObject", changes, call)

    def op_delete(self):
        objects = self.objects()
        if objects and self.rng.random() < 0.9:
            (_, bucket, key), _ = self.rng.choice(objects)
        else:
            bucket, key = self.pick_bucket(), self.rng.choice(KEYS)
        changes = {("obj", bucket, key): None}

        def call():
            self.s3.delete_object(Bucket=bucket, Key=key)
            return changes
        return Op("DeleteObject", changes, call)

    def op_delete_objects(self):
        bucket = self.pick_bucket()
        keys = self.rng.sample(KEYS, self.rng.randint(2, 3))
        changes = {("obj", bucket, key): None for key in keys}

        def call():
            got = self.s3.delete_objects(
                Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys]})
            deleted = sorted(d["Key"] for d in got.get("Deleted", []))
            if got.get("Errors") or deleted != sorted(keys):
                self.problems.append("DeleteObjects %s %s answered %r" % (bucket, keys, got))
            return changes
        # S3 deletes the keys one by one: each may be deleted or not.
        return Op("DeleteObjects", changes, call, atomic=False)

    def op_create_bucket(self):
        absent = [b for b in self.buckets if ("bucket", b) not in self.known]
        if not absent:
            return None
        bucket = self.rng.choice(absent)
        changes = {("bucket", bucket): True}

        def call():
            self.s3.create_bucket(Bucket=bucket)
            return changes
        return Op("CreateBucket", changes, call)

    def op_delete_bucket(self):
        busy = {k[1] for k, _ in self.known.items() if k[0] in ("obj", "upload")}
        if self.plan:
            busy.add(self.plan.bucket)
        empty = [b for b in self.live_buckets() if b != self.buckets[0] and b not in busy]
        if not empty:
            # Empty one: delete an object of a bucket that could go.
            for (_, bucket, key), _ in self.objects():
                if bucket != self.buckets[0]:
                    changes = {("obj", bucket, key): None}

                    def call(bucket=bucket, key=key, changes=changes):
                        self.s3.delete_object(Bucket=bucket, Key=key)
                        return changes
                    return Op("DeleteObject", changes, call)
            return None
        bucket = self.rng.choice(empty)
        changes = {("bucket", bucket): None}

        def call():
            self.s3.delete_bucket(Bucket=bucket)
            return changes
        return Op("DeleteBucket", changes, call)

    def op_multipart(self):
        """The next step of the current multipart upload, or a new one."""
        plan = self.plan
        if plan is None:
            if len(self.uploads()) >= MAX_OPEN_UPLOADS:
                return None
            parts = 3 if self.rng.random() < 0.2 else 2
            sizes = [PART] * (parts - 1) + [self.rng.randint(1, 512 * KiB)]
            plan = Plan(self.pick_bucket(), self.rng.choice(KEYS), sizes, {"op": self.token()})
            changes = {plan.rkey(): Upload(frozenset())}

            def create():
                got = self.s3.create_multipart_upload(Bucket=plan.bucket, Key=plan.key,
                                                      Metadata=plan.meta)
                plan.upload_id = got["UploadId"]
                return {plan.rkey(): Upload(frozenset())}
            self.plan = plan
            return Op("CreateMultipartUpload", changes, create)

        if plan.upload_id is None:  # its creation was lost in a crash
            self.plan = None
            return None
        upload = self.known[plan.rkey()]
        have = {n for n, _, _ in upload.parts}
        missing = [n for n in range(1, len(plan.sizes) + 1) if n not in have]
        if missing:
            number = missing[0]
            data = os.urandom(plan.sizes[number - 1])
            plan.data[number] = data
            etag = hashlib.md5(data).hexdigest()
            parts = frozenset(p for p in upload.parts if p[0] != number) | {
                (number, etag, len(data))}
            changes = {plan.rkey(): Upload(parts)}

            def upload_part():
                got = self.s3.upload_part(Bucket=plan.bucket, Key=plan.key,
                                          UploadId=plan.upload_id, PartNumber=number, Body=data)
                if got["ETag"].strip('"') != etag:
                    self.problems.append("UploadPart answered ETag %s" % got["ETag"])
                return changes
            return Op("UploadPart", changes, upload_part)

        # Every part is there: complete (mostly), or leave it open for good.
        if self.rng.random() < 0.1:
            self.plan = None  # stays in ListMultipartUploads, checked every round
            return None
        pieces = [plan.data[n] for n in range(1, len(plan.sizes) + 1)]
        whole = b"".join(pieces)
        sha, md5 = digests(whole)
        obj = Obj(sha, md5, len(whole), multipart_etag(pieces), tuple(sorted(plan.meta.items())),
                  tuple(len(p) for p in pieces))
        changes = {("obj", plan.bucket, plan.key): obj, plan.rkey(): None}

        def complete():
            parts = [{"PartNumber": n, "ETag": '"%s"' % hashlib.md5(p).hexdigest()}
                     for n, p in enumerate(pieces, 1)]
            got = self.s3.complete_multipart_upload(
                Bucket=plan.bucket, Key=plan.key, UploadId=plan.upload_id,
                MultipartUpload={"Parts": parts})
            if got["ETag"] != obj.etag:
                self.problems.append("CompleteMultipartUpload answered ETag %s, not %s" %
                                     (got["ETag"], obj.etag))
            self.plan = None
            return changes
        return Op("CompleteMultipartUpload", changes, complete)

    def op_abort_upload(self):
        current = self.plan.rkey() if self.plan else None
        others = [k for k in self.uploads() if k != current]
        if not others:
            return None
        rkey = self.rng.choice(others)
        changes = {rkey: None}

        def call():
            self.s3.abort_multipart_upload(Bucket=rkey[1], Key=rkey[2], UploadId=rkey[3])
            return changes
        return Op("AbortMultipartUpload", changes, call)

    # -- EC2 operations ------------------------------------------------------------

    def op_run(self):
        if len(self.instances("running", "stopped")) >= MAX_LIVE_INSTANCES:
            return None
        tags = {"crash-op": self.token()}
        value = Inst("running", frozenset(tags.items()))
        changes = {("inst", PLACEHOLDER): value}

        def call():
            got = self.ec2.run_instances(
                ImageId=self.image_id, InstanceType="t2.micro", MinCount=1, MaxCount=1,
                TagSpecifications=[{"ResourceType": "instance",
                                    "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])
            return {("inst", got["Instances"][0]["InstanceId"]): value}
        return Op("RunInstances", changes, call)

    def transition(self, kind, from_states, to_state, method):
        candidates = self.instances(*from_states)
        if not candidates:
            return None
        (_, iid), inst = self.rng.choice(candidates)
        changes = {("inst", iid): inst._replace(state=to_state)}
        if to_state == "terminated":
            # Terminating disassociates the instance's Elastic IP, in the same batch.
            for k, addr in self.addresses():
                if addr.instance == iid:
                    changes[k] = addr._replace(instance=None)

        def call():
            method(InstanceIds=[iid])
            return changes
        return Op(kind, changes, call)

    def op_stop(self):
        return self.transition("StopInstances", ["running"], "stopped", self.ec2.stop_instances)

    def op_start(self):
        return self.transition("StartInstances", ["stopped"], "running", self.ec2.start_instances)

    def op_terminate(self):
        return self.transition("TerminateInstances", ["running", "stopped"], "terminated",
                               self.ec2.terminate_instances)

    def op_allocate(self):
        if len(self.addresses()) >= MAX_ADDRESSES:
            return None
        tags = {"crash-op": self.token()}
        value = Addr(None, frozenset(tags.items()))
        changes = {("addr", PLACEHOLDER): value}

        def call():
            got = self.ec2.allocate_address(
                Domain="vpc",
                TagSpecifications=[{"ResourceType": "elastic-ip",
                                    "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}])
            return {("addr", got["AllocationId"]): value}
        return Op("AllocateAddress", changes, call)

    def op_associate(self):
        free = [(k, a) for k, a in self.addresses() if a.instance is None]
        with_address = {a.instance for _, a in self.addresses()}
        targets = [k[1] for k, _ in self.instances("running", "stopped")
                   if k[1] not in with_address]
        if not free or not targets:
            return None
        (kind, alloc), addr = self.rng.choice(free)
        iid = self.rng.choice(targets)
        changes = {(kind, alloc): addr._replace(instance=iid)}

        def call():
            got = self.ec2.associate_address(AllocationId=alloc, InstanceId=iid)
            self.assoc[alloc] = got["AssociationId"]
            return changes
        return Op("AssociateAddress", changes, call)

    def op_disassociate(self):
        bound = [(k, a) for k, a in self.addresses() if a.instance is not None]
        if not bound:
            return None
        (kind, alloc), addr = self.rng.choice(bound)
        changes = {(kind, alloc): addr._replace(instance=None)}

        def call():
            self.ec2.disassociate_address(AssociationId=self.assoc[alloc])
            return changes
        return Op("DisassociateAddress", changes, call)

    def op_release(self):
        free = [k for k, a in self.addresses() if a.instance is None]
        if not free:
            return None
        rkey = self.rng.choice(free)
        changes = {rkey: None}

        def call():
            self.ec2.release_address(AllocationId=rkey[1])
            return changes
        return Op("ReleaseAddress", changes, call)

    def op_create_tags(self):
        candidates = self.instances("running", "stopped")
        if not candidates:
            return None
        (_, iid), inst = self.rng.choice(candidates)
        name, value = self.rng.choice(["env", "role", "owner"]), self.token()
        tags = dict(inst.tags)
        tags[name] = value
        changes = {("inst", iid): inst._replace(tags=frozenset(tags.items()))}

        def call():
            self.ec2.create_tags(Resources=[iid], Tags=[{"Key": name, "Value": value}])
            return changes
        return Op("CreateTags", changes, call)

    def op_create_key(self):
        names = ["%skey%d" % (self.prefix, n) for n in range(3)]
        absent = [n for n in names if ("key", n) not in self.known]
        if not absent:
            return None
        name = self.rng.choice(absent)
        changes = {("key", name): ANY}  # the fingerprint comes with the answer

        # Mostly ED25519: an RSA key takes the server long enough to make
        # that kills would land there far more often than anywhere else.
        key_type = "rsa" if self.rng.random() < 0.25 else "ed25519"

        def call():
            got = self.ec2.create_key_pair(KeyName=name, KeyType=key_type)
            return {("key", name): got["KeyFingerprint"]}
        return Op("CreateKeyPair", changes, call)

    def op_delete_key(self):
        present = sorted(k for k, _ in self.items("key"))
        if not present:
            return None
        rkey = self.rng.choice(present)
        changes = {rkey: None}

        def call():
            self.ec2.delete_key_pair(KeyName=rkey[1])
            return changes
        return Op("DeleteKeyPair", changes, call)

    def op_create_group(self):
        names = ["%ssg%d" % (self.prefix, n) for n in range(2)]
        absent = [n for n in names if ("sg", n) not in self.known]
        if not absent:
            return None
        name = self.rng.choice(absent)
        changes = {("sg", name): frozenset()}

        def call():
            got = self.ec2.create_security_group(GroupName=name, Description="crash test")
            self.group_ids[name] = got["GroupId"]
            return changes
        return Op("CreateSecurityGroup", changes, call)

    def op_authorize(self):
        groups = [(k, rules) for k, rules in sorted(self.items("sg")) if len(rules) < 4]
        if not groups:
            return None
        rkey, rules = self.rng.choice(groups)
        port = self.rng.randint(1, 65535)
        cidr = "10.%d.%d.0/24" % (self.rng.randint(0, 255), self.rng.randint(0, 255))
        rule = ("tcp", port, port, cidr)
        if rule in rules:
            return None
        changes = {rkey: rules | {rule}}
        group_id = self.group_ids[rkey[1]]

        def call():
            self.ec2.authorize_security_group_ingress(
                GroupId=group_id, IpPermissions=[{"IpProtocol": "tcp", "FromPort": port,
                                                  "ToPort": port,
                                                  "IpRanges": [{"CidrIp": cidr}]}])
            return changes
        return Op("AuthorizeSecurityGroupIngress", changes, call)

    def op_delete_group(self):
        present = sorted(k for k, _ in self.items("sg"))
        if not present:
            return None
        rkey = self.rng.choice(present)
        changes = {rkey: None}
        group_id = self.group_ids[rkey[1]]

        def call():
            self.ec2.delete_security_group(GroupId=group_id)
            return changes
        return Op("DeleteSecurityGroup", changes, call)

    # -- after the restart ---------------------------------------------------------

    def observe(self):
        """What the server now holds of this worker's resources, and the
        inconsistencies between its own answers (listing against HEAD, ...)."""
        seen, problems = {}, []
        s3 = self.s3
        for bucket in s3.list_buckets()["Buckets"]:
            name = bucket["Name"]
            if not name.startswith(self.prefix):
                continue
            seen[("bucket", name)] = True
            listed = {}
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=name):
                for o in page.get("Contents", []):
                    listed[o["Key"]] = (o["ETag"], o["Size"])
            heads = {}
            for key in sorted(set(KEYS) | set(listed)):
                try:
                    heads[key] = s3.head_object(Bucket=name, Key=key)
                except ClientError as e:
                    if e.response["ResponseMetadata"]["HTTPStatusCode"] != 404:
                        raise
            if set(listed) != set(heads):
                problems.append("%s: ListObjectsV2 lists %s, HEAD finds %s" %
                                (name, sorted(listed), sorted(heads)))
            for key, head in sorted(heads.items()):
                got = s3.get_object(Bucket=name, Key=key)
                data = got["Body"].read()
                sha, md5 = digests(data)
                where = "%s/%s" % (name, key)
                if len(data) != got["ContentLength"] or len(data) != head["ContentLength"]:
                    problems.append("%s: GET gave %d bytes, Content-Length %d, HEAD %d" % (
                        where, len(data), got["ContentLength"], head["ContentLength"]))
                if got["ETag"] != head["ETag"] or got["Metadata"] != head["Metadata"]:
                    problems.append("%s: GET and HEAD disagree: %s %s / %s %s" % (
                        where, got["ETag"], got["Metadata"], head["ETag"], head["Metadata"]))
                if key in listed and listed[key] != (got["ETag"], len(data)):
                    problems.append("%s: listed as %r, GET gives %r" % (
                        where, listed[key], (got["ETag"], len(data))))
                seen[("obj", name, key)] = Obj(sha, md5, len(data), got["ETag"],
                                               tuple(sorted(got["Metadata"].items())), None)
            for page in s3.get_paginator("list_multipart_uploads").paginate(Bucket=name):
                for u in page.get("Uploads", []):
                    parts = []
                    for ppage in s3.get_paginator("list_parts").paginate(
                            Bucket=name, Key=u["Key"], UploadId=u["UploadId"]):
                        parts += [(p["PartNumber"], p["ETag"].strip('"'), p["Size"])
                                  for p in ppage.get("Parts", [])]
                    seen[("upload", name, u["Key"], u["UploadId"])] = Upload(frozenset(parts))

        ec2 = self.ec2
        instances = {}
        for page in ec2.get_paginator("describe_instances").paginate():
            for reservation in page["Reservations"]:
                for i in reservation["Instances"]:
                    instances[i["InstanceId"]] = i
                    seen[("inst", i["InstanceId"])] = Inst(i["State"]["Name"],
                                                           tagset(i.get("Tags")))
        self.assoc = {}
        for a in ec2.describe_addresses()["Addresses"]:
            seen[("addr", a["AllocationId"])] = Addr(a.get("InstanceId"), tagset(a.get("Tags")))
            if a.get("AssociationId"):
                self.assoc[a["AllocationId"]] = a["AssociationId"]
        for k in ec2.describe_key_pairs()["KeyPairs"]:
            seen[("key", k["KeyName"])] = k["KeyFingerprint"]
        self.group_ids = {}
        for g in ec2.describe_security_groups()["SecurityGroups"]:
            if g["GroupName"] == "default":
                continue
            rules = frozenset((p["IpProtocol"], p.get("FromPort"), p.get("ToPort"), r["CidrIp"])
                              for p in g.get("IpPermissions", []) for r in p.get("IpRanges", []))
            seen[("sg", g["GroupName"])] = rules
            self.group_ids[g["GroupName"]] = g["GroupId"]
        # Volumes follow their instance: one root volume per live instance, none else.
        attached = collections.Counter()
        for v in ec2.describe_volumes()["Volumes"]:
            owners = [a["InstanceId"] for a in v.get("Attachments", [])]
            if len(owners) != 1 or owners[0] not in instances:
                problems.append("%s: volume %s attached to %s" %
                                (self.region, v["VolumeId"], owners))
            attached.update(owners)
        for iid, i in instances.items():
            want = 0 if i["State"]["Name"] == "terminated" else 1
            if attached[iid] != want:
                problems.append("%s: %s instance %s has %d volumes, not %d" % (
                    self.region, i["State"]["Name"], iid, attached[iid], want))
        return seen, problems

    def check(self, seen):
        """Compares what the server holds with the log; adopts it as the new
        acknowledged state. Returns (problems, whether the in-flight
        operation's effect is there: True, False, or None if it has none)."""
        problems = []
        op = self.inflight
        changes = dict(op.changes) if op else {}
        # A resource the in-flight operation would have created under an id
        # the client never learned: the one new resource of that kind (and
        # bucket and key) with the expected value.
        for rkey in [k for k in changes if k[-1] == PLACEHOLDER]:
            value = changes.pop(rkey)
            found = [k for k in seen if k[:-1] == rkey[:-1] and k not in self.known and
                     same(value, seen[k])]
            if len(found) > 1:
                problems.append("%s made %d resources %s" % (op.kind, len(found), found))
            if found:
                changes[found[0]] = value
                if self.plan and rkey == self.plan.rkey():
                    self.plan.upload_id = found[0][3]
        applied, not_applied = [], []
        new_known = {}
        for rkey in sorted(set(self.known) | set(seen) | set(changes), key=repr):
            before, got = self.known.get(rkey), seen.get(rkey)
            expected = [before] + ([changes[rkey]] if rkey in changes else [])
            match = next((v for v in expected if same(v, got)), NO_MATCH)
            if match is NO_MATCH:
                problems.append("%s %s is %s; acknowledged: %s%s" % (
                    self.prefix, rkey, short(got), short(before),
                    "; in flight (%s): %s" % (op.kind, short(changes[rkey]))
                    if rkey in changes else ""))
                match = got
            elif rkey in changes and not same(changes[rkey], before):
                (applied if same(changes[rkey], got) else not_applied).append(rkey)
            if got is not None:
                new_known[rkey] = got if match is ANY else match
        if op and op.atomic and applied and not_applied:
            problems.append("%s %s half applied: %s applied, %s not" % (
                self.prefix, op.kind, applied, not_applied))
        self.known = new_known
        self.inflight = None
        if self.plan and (self.plan.upload_id is None or self.plan.rkey() not in self.known):
            self.plan = None  # lost in the crash, or completed before it
        effect = None
        if applied or not_applied:
            effect = bool(applied)
        return problems, effect

    def forget_terminated(self):
        """After the clock moved 2 hours: terminated instances are gone."""
        for rkey, inst in self.items("inst"):
            if inst.state == "terminated":
                del self.known[rkey]


class CrashTest(unittest.TestCase):
    def test_sigkill_at_random_points_keeps_every_acknowledged_write(self):
        seed = os.environ.get("AWSLAB_CRASH_SEED") or str(random.SystemRandom().randrange(10**9))
        count = rounds()
        sys.stderr.write("\ncrash test: seed %s (replay with AWSLAB_CRASH_SEED=%s), %d rounds\n"
                         % (seed, seed, count))
        rng = random.Random(seed)
        began = time.monotonic()

        server = harness.Server(accounts=False, extra_args=SERVER_ARGS)
        self.addCleanup(server.close)
        server.start()
        workers = [Worker(n, seed, server.endpoint, REGIONS[n]) for n in range(WORKERS)]
        for w in workers:
            self.addCleanup(w.close)
            w.setup()

        inflight = collections.Counter()   # kind -> kills that landed during it
        applied = collections.Counter()    # kind -> ... whose effect was there after the restart
        late = 0                           # operations begun after the kill (never sent)
        dropped_ops = collections.Counter()  # kind -> answers dropped before a kill
        for r in range(1, count + 1):
            stop = threading.Event()
            dropped = threading.Event()
            drop_after = [0] * WORKERS
            # One round in five: one worker's Nth answer is dropped and the kill
            # follows at once, so the state has the effect of an operation the
            # client never saw acknowledged (a random kill rarely lands between
            # a commit and its answer), and the check's "in-flight operation was
            # applied" side (atomicity, ids the client never learned) is used.
            if rng.random() < DROP_ANSWER_ROUNDS:
                drop_after[rng.randrange(WORKERS)] = rng.randint(1, 4)
            threads = [threading.Thread(target=w.run, args=(stop, n, dropped), daemon=True)
                       for w, n in zip(workers, drop_after)]
            for t in threads:
                t.start()
            delay = rng.uniform(*KILL_DELAY)
            dropped.wait(DROP_TIMEOUT if any(drop_after) else delay)
            stop.set()
            killed_at = time.monotonic()
            server.kill()
            for t in threads:
                t.join(JOIN_TIMEOUT)
                self.assertFalse(t.is_alive(), "a worker hung after the kill (round %d)" % r)
            ops = [w.inflight for w in workers]
            server.start()

            effects = self.verify(server, workers, "round %d of %d, seed %s" % (r, count, seed))
            for op, effect in zip(ops, effects):
                if op is None:
                    continue
                if op.dropped:
                    # The server did answer success: its effect must be there.
                    self.assertIsNot(effect, False, "round %d of seed %s: %s in %s was answered "
                                     "but its effect is gone" % (r, seed, op.kind, op.changes))
                    dropped_ops[op.kind] += 1
                elif op.started >= killed_at:
                    late += 1
                else:
                    inflight[op.kind] += 1
                    applied[op.kind] += bool(effect)
            # Terminated instances are listed for an hour: gone at the next check.
            harness.advance_clock(server.endpoint, "PT2H")
            for w in workers:
                w.forget_terminated()

        # And a graceful stop keeps the same state.
        self.assertEqual(server.stop(), 0, "SIGTERM ends the server cleanly")
        server.start()
        self.verify(server, workers, "after a graceful restart, seed %s" % seed)
        self.assertEqual(server.stop(), 0)

        acked = sum((w.acked for w in workers), collections.Counter())
        lines = ["crash test: seed %s, %d kills in %.0f s; %d operations acknowledged" % (
            seed, count, time.monotonic() - began, sum(acked.values()))]
        lines.append("  %-30s %6s %9s %8s %8s" % (
            "operation", "acked", "in flight", "applied", "dropped"))
        for kind in sorted(set(acked) | set(inflight) | set(dropped_ops)):
            lines.append("  %-30s %6d %9d %8d %8d" % (
                kind, acked[kind], inflight[kind], applied[kind], dropped_ops[kind]))
        lines.append("  kills during an operation: %d (its effect found after the restart: %d); "
                     "operations begun after the kill: %d" % (
                         sum(inflight.values()), sum(applied.values()), late))
        lines.append("  answers dropped before a kill (their effect was there): %d" %
                     sum(dropped_ops.values()))
        sys.stderr.write("\n".join(lines) + "\n")
        self.assertGreater(sum(inflight.values()), 0, "no kill landed during an operation")

    def verify(self, server, workers, where):
        """Checks every worker's resources and the blob files against the log
        (then adopts what was found as the acknowledged state). Returns, per
        worker, whether its in-flight operation's effect was found (see
        Worker.check); fails the test on any problem."""
        problems, effects = [], []
        for w in workers:
            problems += w.problems
            w.problems = []
            try:
                seen, found = w.observe()
            except ClientError as e:
                problems.append("%s: %s answered %s: %s" % (
                    w.prefix, e.operation_name, error_code(e),
                    e.response.get("Error", {}).get("Message")))
                effects.append(None)
                continue
            problems += found
            more, effect = w.check(seen)
            problems += more
            effects.append(effect)
        problems += self.blob_problems(server, workers)
        if problems:
            self.fail("%s: %d problems:\n  %s\n--- server log ---\n%s" % (
                where, len(problems), "\n  ".join(problems[:40]), server.log_text()))
        return effects

    def blob_problems(self, server, workers):
        """The blob files on disk are exactly those the objects and parts need."""
        want = collections.Counter()
        for w in workers:
            for value in w.known.values():
                want.update(blob_sizes(value))
        have = collections.Counter(os.path.getsize(f) for f in server.blob_files())
        problems = []
        if want != have:
            problems.append(
                "blob files: %d on disk, %d needed; sizes on disk and not needed %s, needed "
                "and missing %s" % (sum(have.values()), sum(want.values()),
                                    sorted((have - want).elements()),
                                    sorted((want - have).elements())))
        packed = sum(v.size for w in workers for v in w.known.values()
                     if isinstance(v, Obj) and not v.parts and PACK_MIN <= v.size <= INLINE_LIMIT)
        pack_dir = os.path.join(server.data_dir, "packs")
        files = os.listdir(pack_dir) if os.path.isdir(pack_dir) else []
        if any(not f.endswith(".pack") for f in files):
            problems.append("packs: stray files %s" % sorted(files))
        on_disk = sum(os.path.getsize(os.path.join(pack_dir, f)) for f in files)
        if on_disk < packed:
            problems.append("packs: %d bytes on disk, the objects need %d" % (on_disk, packed))
        return problems


if __name__ == "__main__":
    unittest.main()
