"""`awslab wordcount` on a million tiny objects (the course's "many small
files" case), in every mode, against the real awslab-server. Apart from
test_wordcount.py so that ctest runs it in parallel with the other suites:
it takes about 4 minutes on 2 cores (seeding ~50 s with awslab-corpus,
listing ~5 s, sequential ~65 s, threads ~55 s, processes ~50 s).

Seeding: with AWSLAB_CORPUS (the awslab-corpus binary, fixtures/corpus/) the
objects are made and PUT by it (16 connections, ~20,000 objects/s), and the
counts are checked against its --print-count (Python's str.split()) and, for
a sample of objects, against boto3's get_object and str.split(). Without it,
boto3 from 4 processes PUTs objects whose text this file defines (~2,400
objects/s: 7 minutes more), and every object's count is checked.

AWSLAB_WORDCOUNT_OBJECTS=N runs it on N objects instead (a quick try;
scripts/test.sh runs 50,000 under AddressSanitizer and the full million on the
plain build).

Run: AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_CLI=build/client/awslab \\
     AWSLAB_CORPUS=build/fixtures/corpus/awslab-corpus \\
     /usr/bin/python3 -m unittest -v test_wordcount_million
"""

import json
import multiprocessing
import os
import random
import re
import sys
import time
import unittest

import harness
from test_wordcount import WordcountMixin

OBJECTS = int(os.environ.get("AWSLAB_WORDCOUNT_OBJECTS", "1000000"))


def corpus_binary():
    path = os.environ.get("AWSLAB_CORPUS", "")
    return path if path and os.access(path, os.X_OK) else None


def tiny_body(i):
    """Object i of the boto3 seeding: i % 5 words, so every fifth is empty."""
    return " ".join(["w%d" % i] * (i % 5)).encode()


def _put_share(args):
    endpoint, share, processes, n = args
    s3 = harness.boto3_client(endpoint)
    for i in range(share, n, processes):
        s3.put_object(Bucket="million", Key="docs/doc-%07d.txt" % i, Body=tiny_body(i))
    return share


class MillionObjectsTest(WordcountMixin, harness.ServerTestCase):

    def log(self, text):
        sys.stderr.write("\n[million] %s" % text)
        sys.stderr.flush()

    def seed_with_corpus_tool(self, tool):
        out = self.run_client([tool, "--documents", str(OBJECTS), "--size", "16",
                               "--upload", "s3://million/docs/", "--create-bucket",
                               "--workers", "16", "--endpoint-url", self.endpoint,
                               "--print-count"], timeout=1200)
        self.assertEqual(out.returncode, 0, out.stderr.decode("utf-8", "replace"))
        m = re.search(rb"words (\d+) bytes (\d+) documents (\d+)", out.stdout)
        self.assertIsNotNone(m, out.stdout)
        words, size, documents = map(int, m.groups())
        self.assertEqual(documents, OBJECTS)
        width = max(6, len(str(OBJECTS - 1)))
        names = ["docs/doc-%0*d.txt" % (width, i) for i in range(OBJECTS)]
        return words, size, names, None

    def seed_with_boto3(self):
        harness.boto3_client(self.endpoint).create_bucket(Bucket="million")
        processes = 4
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            pool.map(_put_share, [(self.endpoint, p, processes, OBJECTS)
                                  for p in range(processes)])
        names = ["docs/doc-%07d.txt" % i for i in range(OBJECTS)]
        counts = {names[i]: i % 5 for i in range(OBJECTS)}
        size = sum(len(tiny_body(i)) for i in range(OBJECTS))
        return sum(counts.values()), size, names, counts

    def test_million_tiny_objects_every_mode(self):
        s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(s3.close)
        tool = corpus_binary()
        start = time.monotonic()
        if tool:
            words, size, names, exact = self.seed_with_corpus_tool(tool)
        else:
            words, size, names, exact = self.seed_with_boto3()
        self.log("seeded %d objects with %s in %.1f s" % (
            OBJECTS, "awslab-corpus" if tool else "boto3", time.monotonic() - start))
        s3.create_bucket(Bucket="results")

        # One listing, then sequential, threads and processes one after the
        # other; the command itself fails if their totals differ.
        start = time.monotonic()
        done = self.run_cli("wordcount", "s3://million/docs/", "--mode", "all", "--workers", "4",
                            "--output", "s3://results/million.json", timeout=1200)
        self.assertEqual(done.rc, 0, done)
        self.log("counted in %.1f s" % (time.monotonic() - start))

        doc = json.loads(s3.get_object(Bucket="results", Key="million.json")["Body"].read())
        self.log("list %.1f s, %s" % (doc["list_seconds"], ", ".join(
            "%s %.1f s" % (r["mode"], r["seconds"]) for r in doc["runs"])))
        self.assertEqual([r["mode"] for r in doc["runs"]], ["sequential", "threads", "processes"])
        self.assertEqual(doc["objects"], OBJECTS)
        self.assertEqual(doc["bytes"], size)
        self.assertEqual(doc["total"], words)
        counts = doc["counts"]
        self.assertEqual(len(counts), OBJECTS)
        self.assertEqual(sorted(counts), names)
        self.assertEqual(sum(counts.values()), words)
        if exact is not None:
            self.assertEqual(counts, exact)
        # Objects read back by boto3 and split by Python.
        rng = random.Random(7)
        for key in rng.sample(names, min(300, OBJECTS)) + [names[0], names[-1]]:
            body = s3.get_object(Bucket="million", Key=key)["Body"].read()
            self.assertEqual(counts[key], len(body.decode("utf-8").split()), key)


if __name__ == "__main__":
    unittest.main()
