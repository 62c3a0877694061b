"""awslab-wordcount-mpi (client/wordcount/mpi_main.cc, docs/wordcount.md) under
Open MPI's mpirun against the real awslab-server: 2 and 3 ranks (with
threads) give the totals of Python's str.split() and the document read back
with boto3 is `awslab wordcount`'s; --top, --field; an error on any rank
(a missing bucket, a line that is not JSON) makes every rank exit non-zero
and writes nothing.

mpirun runs every rank on this host over loopback TCP only: no shared-memory
transport (containers often forbid it), no InfiniBand/UCX/libfabric probing,
the out-of-band channel on lo (MPIRUN_ARGS). As root it needs
--allow-run-as-root. --oversubscribe lets 3 ranks run on fewer cores.

The binary is built only where CMake finds MPI; CI installs it, so a missing
binary FAILS here rather than skipping.

Run: AWSLAB_SERVER=build/emulator/awslab-server \\
     AWSLAB_MPI=build/client/awslab-wordcount-mpi \\
     /usr/bin/python3 -m unittest -v test_wordcount_mpi
"""

import collections
import json
import os
import random
import re
import shutil
import unittest

import harness

MPIRUN_ARGS = [
    "--allow-run-as-root", "--oversubscribe",
    "--mca", "btl", "self,tcp",              # no vader (shared memory), no openib/ofi
    "--mca", "btl_tcp_if_include", "lo",
    "--mca", "oob_tcp_if_include", "lo",     # mpirun <-> ranks on loopback
    "--mca", "pml", "ob1",                   # not UCX or libfabric (cm)
    "--mca", "osc", "^ucx",
    "--mca", "btl_base_warn_component_unused", "0",
]
USAGE = 252
SERVICE = 254
SUMMARY = re.compile(r"^total (\d+) objects (\d+) bytes (\d+) ranks (\d+) seconds (\d+\.\d{3})$")


def mpi_binary():
    path = os.environ.get("AWSLAB_MPI", "")
    if not path or not os.access(path, os.X_OK):
        raise AssertionError(
            "AWSLAB_MPI=%r is not an executable: awslab-wordcount-mpi was not built. It is built "
            "when CMake finds MPI: apt-get install libopenmpi-dev openmpi-bin, then configure "
            "again (ctest sets AWSLAB_MPI)" % path)
    return path


def mpirun_binary():
    path = os.environ.get("AWSLAB_MPIRUN") or shutil.which("mpirun", path="/usr/bin:/bin")
    if not path or not os.access(path, os.X_OK):
        raise AssertionError("mpirun not found (Debian: openmpi-bin); AWSLAB_MPIRUN=%r"
                             % os.environ.get("AWSLAB_MPIRUN"))
    return path


def words_of(data):
    return data.decode("utf-8").split()


def make_text(rng, n_words):
    """Words of a small vocabulary (so --top has ties and repeats) between
    runs of ASCII and Unicode whitespace, as str.split() knows it."""
    vocabulary = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta",
                  "S3", "bucket", "object", "rank", "caf\u00e9", "na\u00efve", "\u65e5\u672c",
                  "x", "longerwordthanthechunk" * 3]
    spaces = [" ", " ", " ", "\n", "\t", "  ", "\r\n", "\u00a0", "\u2003", "\u3000", " \x0b"]
    out = []
    for _ in range(n_words):
        out.append(rng.choice(vocabulary))
        out.append(rng.choice(spaces))
    return "".join(out).encode("utf-8")


def json_lines(rng, n, field="text", bad_line=False):
    lines = []
    for i in range(n):
        kind = i % 7
        if kind == 5:
            record = {"id": i}                                  # no field
        elif kind == 6:
            record = {"id": i, field: ["not", "a", "string"]}  # not a string
        else:
            record = {"id": i, field: make_text(rng, rng.randint(0, 12)).decode("utf-8"),
                      "other": "words that do not count"}
        lines.append(json.dumps(record, ensure_ascii=(i % 2 == 0)))
        if i % 11 == 3:
            lines.append("   ")  # blank lines are not records
    if bad_line:
        lines.insert(len(lines) // 2, "{this is not json")
    return ("\n".join(lines) + "\n").encode("utf-8")


class WordcountMpiTest(harness.ServerTestCase):

    def setUp(self):
        self.binary = mpi_binary()
        self.mpirun = mpirun_binary()
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)
        self.s3.create_bucket(Bucket="corpus")
        self.s3.create_bucket(Bucket="results")
        rng = random.Random(8)
        self.texts = {
            "texts/a.txt": b"the quick brown fox\njumps over the lazy dog\n",
            "texts/b.txt": b"   leading and trailing spaces   \n\n\n",
            "texts/empty.txt": b"",
            "texts/nested/c.txt": make_text(rng, 500),
            "texts/nested/d.txt": make_text(rng, 3000),
            "texts/big.txt": make_text(rng, 40000),  # ~300 KB: split at 4 KiB
        }
        for key, data in self.texts.items():
            self.s3.put_object(Bucket="corpus", Key=key, Body=data)
        # Outside the prefix: must not count.
        self.s3.put_object(Bucket="corpus", Key="other/x.txt", Body=b"not counted at all")

    def mpi(self, np, args, env=None):
        command = [self.mpirun] + MPIRUN_ARGS + ["-np", str(np), self.binary] + args
        env = dict(env or harness.client_env())
        if "ASAN_OPTIONS" in env:
            # Open MPI's libraries leak at MPI_Finalize; they are built without
            # frame pointers, so only the slow unwinder sees their frames and
            # lets scripts/lsan.supp name them (awslab's own leaks still count).
            env["ASAN_OPTIONS"] += ":fast_unwind_on_malloc=0"
        return self.run_client(command, env=env, timeout=180)

    def output(self, key="run.json"):
        body = self.s3.get_object(Bucket="results", Key=key)
        self.assertEqual(body["ContentType"], "application/json")
        return json.loads(body["Body"].read())

    def assertNoOutput(self):
        self.assertEqual(self.s3.list_objects_v2(Bucket="results").get("KeyCount"), 0)

    def assertSummary(self, done, total, objects, nbytes, ranks):
        lines = done.stdout.decode().splitlines()
        self.assertEqual(len(lines), 1, done)
        m = SUMMARY.match(lines[0])
        self.assertIsNotNone(m, done)
        self.assertEqual([int(g) for g in m.groups()[:4]], [total, objects, nbytes, ranks])

    def run_texts(self, np, threads):
        args = ["s3://corpus/texts/", "--split-size", "4096", "--output",
                "s3://results/run.json", "--endpoint-url", self.endpoint]
        if threads:
            args += ["--workers", str(threads)]
        done = self.mpi(np, args)
        self.assertEqual(done.returncode, 0, done)
        counts = {k: len(words_of(v)) for k, v in self.texts.items()}
        total = sum(counts.values())
        nbytes = sum(len(v) for v in self.texts.values())
        self.assertSummary(done, total, len(self.texts), nbytes, np)

        doc = self.output()
        t = threads or 1
        self.assertEqual(doc["bucket"], "corpus")
        self.assertEqual(doc["prefix"], "texts/")
        self.assertIsNone(doc["field"])
        self.assertEqual(doc["mode"], "mpi")
        self.assertEqual((doc["ranks"], doc["threads"], doc["workers"]), (np, t, np * t))
        self.assertEqual(doc["objects"], len(self.texts))
        self.assertEqual(doc["bytes"], nbytes)
        self.assertEqual(doc["total"], total)
        self.assertEqual(doc["counts"], counts)
        self.assertNotIn("top", doc)
        self.assertNotIn("records", doc)
        self.assertGreaterEqual(doc["seconds"], 0)
        self.assertGreaterEqual(doc["list_seconds"], 0)
        self.assertEqual(len(doc["runs"]), 1)
        run = doc["runs"][0]
        self.assertEqual((run["mode"], run["workers"]), ("mpi", np * t))
        self.assertEqual(run["seconds"], doc["seconds"])

    def test_two_ranks_count_as_python_splits(self):
        self.run_texts(2, None)

    def test_three_ranks_of_two_threads_count_as_python_splits(self):
        self.run_texts(3, 2)

    def test_top_words_are_the_most_frequent_of_all_ranks(self):
        done = self.mpi(2, ["s3://corpus/texts", "--split-size", "4096", "--top", "6",
                            "--output", "s3://results/top.json", "--endpoint-url", self.endpoint])
        self.assertEqual(done.returncode, 0, done)
        table = collections.Counter()
        for data in self.texts.values():
            table.update(words_of(data))
        # Most frequent first; ties by the words' bytes.
        want = sorted(table.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))[:6]
        doc = self.output("top.json")
        self.assertEqual([(t["word"], t["count"]) for t in doc["top"]], want)
        self.assertEqual(doc["total"], sum(table.values()))
        self.assertEqual(doc["prefix"], "texts")

    def test_field_counts_one_string_field_of_json_lines(self):
        rng = random.Random(9)
        logs = {"logs/small.jsonl": json_lines(rng, 30),
                "logs/big.jsonl": json_lines(rng, 3000)}  # split at 8 KiB
        for key, data in logs.items():
            self.s3.put_object(Bucket="corpus", Key=key, Body=data)
        counts, records, missing, table = {}, 0, 0, collections.Counter()
        for key, data in logs.items():
            counts[key] = 0
            for line in data.decode("utf-8").split("\n"):
                if not line.strip(" \t\r"):
                    continue
                records += 1
                value = json.loads(line).get("text")
                if isinstance(value, str):
                    counts[key] += len(value.split())
                    table.update(value.split())
                else:
                    missing += 1
        # Configuration from the environment this time, as LoadConfig reads it.
        env = harness.client_env()
        env["AWS_ENDPOINT_URL"] = self.endpoint
        done = self.mpi(3, ["s3://corpus/logs/", "--field", "text", "--split-size", "8192",
                            "--top", "3", "--workers", "2", "--output", "s3://results/run.json"],
                        env=env)
        self.assertEqual(done.returncode, 0, done)
        total = sum(counts.values())
        self.assertSummary(done, total, 2, sum(len(v) for v in logs.values()), 3)
        doc = self.output()
        self.assertEqual(doc["field"], "text")
        self.assertEqual(doc["total"], total)
        self.assertEqual(doc["counts"], counts)
        self.assertEqual(doc["records"], records)
        self.assertEqual(doc["records_without_field"], missing)
        want = sorted(table.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))[:3]
        self.assertEqual([(t["word"], t["count"]) for t in doc["top"]], want)

    def test_missing_bucket_fails_every_rank_and_writes_nothing(self):
        done = self.mpi(2, ["s3://no-such-bucket/texts/", "--output", "s3://results/run.json",
                            "--endpoint-url", self.endpoint])
        self.assertEqual(done.returncode, SERVICE, done)
        err = done.stderr.decode()
        self.assertIn("An error occurred (NoSuchBucket) when calling the ListObjectsV2 "
                      "operation: ", err)
        self.assertEqual(err.count("An error occurred"), 1, err)  # rank 0 alone prints
        self.assertEqual(done.stdout, b"")
        self.assertNoOutput()

    def test_a_bad_line_on_another_rank_fails_every_rank(self):
        # Largest unit first to the least-loaded rank: with two units and two
        # ranks the smaller object, with the bad line, is rank 1's.
        rng = random.Random(10)
        self.s3.put_object(Bucket="corpus", Key="bad/good.jsonl", Body=json_lines(rng, 200))
        self.s3.put_object(Bucket="corpus", Key="bad/broken.jsonl",
                           Body=json_lines(rng, 20, bad_line=True))
        done = self.mpi(2, ["s3://corpus/bad/", "--field", "text", "--split-size", "0",
                            "--output", "s3://results/run.json", "--endpoint-url", self.endpoint])
        self.assertEqual(done.returncode, USAGE, done)  # InvalidArgument, as the CLI's
        err = done.stderr.decode()
        self.assertRegex(err, r"\nAn error occurred \(InvalidArgument\) when calling the GetObject "
                              r"operation: .*the line at byte \d+ is not a JSON object")
        self.assertEqual(err.count("An error occurred"), 1, err)
        self.assertEqual(done.stdout, b"")
        self.assertNoOutput()

    def test_bad_arguments_are_refused_by_every_rank_alike(self):
        done = self.mpi(2, ["s3://corpus/texts/", "--workers", "0",
                            "--endpoint-url", self.endpoint])
        self.assertEqual(done.returncode, USAGE, done)
        self.assertIn("argument --workers: expected 1 to 1024, not '0'", done.stderr.decode())
        self.assertEqual(done.stderr.decode().count("usage:"), 1)


if __name__ == "__main__":
    unittest.main()
