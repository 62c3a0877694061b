"""awslab-corpus (fixtures/corpus/): the word-count corpus generator.

Checks that a seed gives the same bytes and another seed other bytes, that
the count it prints (--print-count) is what Python's str.split() counts on
the files it wrote (text and JSON lines, ASCII and --utf8, with and without
--exact-size cuts), that JSON lines are the course's review records, that
the words follow a Zipf-like law, and that --upload puts into a real
awslab-server exactly the bytes --out writes (boto3 reads them back).

Run: AWSLAB_SERVER=build/emulator/awslab-server \\
     AWSLAB_CORPUS=build/fixtures/corpus/awslab-corpus \\
     /usr/bin/python3 -m unittest -v test_corpus
"""

import collections
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

import harness

MiB = 1024 * 1024

# What str.split() splits on beyond ' ' and '\n', as --utf8 mixes them in.
UNICODE_SEPARATORS = ["\u00a0", "\u2009", "\u3000", "\u2028", "\u0085", "\u1680", "\u205f",
                      "\u202f", "\x1c", "\x1d", "\x1e", "\x1f", "\v", "\f", "\r", "\t"]
REVIEW_KEYS = ["reviewerID", "asin", "reviewerName", "helpful", "reviewText", "overall",
               "summary", "unixReviewTime", "reviewTime"]


def corpus_binary():
    return harness.binary_from_env("AWSLAB_CORPUS", "awslab-corpus",
                                   "build/fixtures/corpus/awslab-corpus")


def run_corpus(*args, env=None, timeout=300):
    return subprocess.run([corpus_binary()] + [str(a) for a in args], capture_output=True,
                          env=env or harness.client_env(), timeout=timeout)


def parse_count(stdout):
    m = re.fullmatch(rb"words (\d+) bytes (\d+) documents (\d+)\n", stdout)
    if not m:
        raise AssertionError("not a count line: %r" % stdout[-200:])
    return tuple(int(g) for g in m.groups())


def python_words(name, data):
    """What a word count in Python finds in one file."""
    if name.endswith(".txt"):
        return len(data.decode("utf-8", "surrogateescape").split())
    words = 0
    for line in data.split(b"\n"):
        if line:
            words += len(json.loads(line).get("reviewText", "").split())
    return words


class CorpusCase(unittest.TestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="awslab-corpus-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.runs = 0

    def generate(self, *args):
        """Runs the generator into a fresh folder: ({name: bytes}, (words, bytes, documents))."""
        self.runs += 1
        out = os.path.join(self.tmp, "out%d" % self.runs)
        p = run_corpus("--out", out, "--print-count", *args)
        self.assertEqual(p.returncode, 0, p.stderr.decode(errors="replace"))
        return harness.tree_files(out), parse_count(p.stdout)


class DeterminismTest(CorpusCase):

    def test_same_seed_gives_the_same_bytes(self):
        for args in (["--format", "text"], ["--format", "jsonl", "--utf8"],
                     ["--utf8", "--exact-size"]):
            with self.subTest(args=args):
                common = ["--documents", 4, "--size", "20K", "--seed", 42] + args
                a, count_a = self.generate(*common)
                b, count_b = self.generate(*common, "--workers", 1)
                self.assertEqual(a, b)
                self.assertEqual(count_a, count_b)

    def test_other_seed_gives_other_bytes(self):
        a, _ = self.generate("--documents", 3, "--size", "8K", "--seed", 1)
        b, _ = self.generate("--documents", 3, "--size", "8K", "--seed", 2)
        self.assertEqual(sorted(a), sorted(b))
        for name in a:
            self.assertNotEqual(a[name], b[name], name)

    def test_documents_differ_from_each_other(self):
        files, _ = self.generate("--documents", 5, "--size", "4K", "--exact-size")
        self.assertEqual(len(set(files.values())), 5)

    def test_default_seed_is_one(self):
        a, _ = self.generate("--size", "4K")
        b, _ = self.generate("--size", "4K", "--seed", 1)
        self.assertEqual(a, b)

    def test_known_corpora(self):
        # The bytes of a few corpora, the same on every machine and compiler.
        # A change here changes every corpus made before it (and whatever was
        # measured on one): update these only on purpose, and say so.
        cases = [
            (["--size", "64K"], 6173, 34766,
             "25fe277e52b493b07cbe7870ff105f01aab4e02c75dc0c74f9321aea5675c8cc"),
            (["--size", "64K", "--utf8", "--exact-size"], 11212, 65536,
             "3fd83f1890210604dc784de23e089792c65edf018d07070da0f9cf3f12674d95"),
            (["--size", "64K", "--format", "jsonl"], 3912, 34894,
             "ea0d42c83ba30bd59a772ec5d8838b94e7ba49ff6b54b03572124ddcd2955542"),
            (["--size", "64K", "--format", "jsonl", "--utf8", "--seed", "7"], 6527, 59099,
             "ca4a86c22a1adf6ab555682a88c98c73b1e4bb7dbd4597150b7313bd9defac85"),
            (["--documents", "3", "--size", "10K", "--seed", "123456789"], 5992, 34143,
             "8d4955996a6f61e6b4b14d1c80f5fd971842c8ca720837a0985bd7c3a7b4da40"),
        ]
        for args, words, size, sha256 in cases:
            with self.subTest(args=args):
                files, count = self.generate(*args)
                self.assertEqual(count[:2], (words, size))
                digest = hashlib.sha256(b"".join(files[n] for n in sorted(files))).hexdigest()
                self.assertEqual(digest, sha256)
        p = run_corpus("--stdout", "--size", 200, "--exact-size")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(p.stdout.startswith(b"Little this gredrea to the the"), p.stdout)


class CountTest(CorpusCase):
    """--print-count against Python's str.split()."""

    def check(self, *args):
        files, (words, size, documents) = self.generate(*args)
        self.assertEqual(documents, len(files))
        self.assertEqual(size, sum(len(d) for d in files.values()))
        self.assertEqual(words, sum(python_words(n, d) for n, d in files.items()))
        self.assertGreater(words, 0)
        return files

    def test_text(self):
        self.check("--documents", 20, "--size", "10K", "--seed", 3)

    def test_text_utf8(self):
        self.check("--documents", 20, "--size", "10K", "--seed", 4, "--utf8")

    def test_jsonl(self):
        self.check("--documents", 5, "--size", "40K", "--seed", 5, "--format", "jsonl")

    def test_jsonl_utf8(self):
        self.check("--documents", 5, "--size", "40K", "--seed", 6, "--format", "jsonl", "--utf8")

    def test_exact_size_cuts(self):
        # Many small documents: cuts fall inside words, inside multi-byte
        # characters and inside multi-byte white space.
        for args in ([], ["--utf8"]):
            for size in (1, 97, 1000, 1501):
                with self.subTest(args=args, size=size):
                    files = self.check("--documents", 300, "--size", size, "--exact-size",
                                       "--seed", size, *args)
                    self.assertEqual({len(d) for d in files.values()}, {size})

    def test_exact_size_jsonl(self):
        for args in ([], ["--utf8"]):
            with self.subTest(args=args):
                files = self.check("--documents", 40, "--size", 5000, "--exact-size",
                                   "--format", "jsonl", "--seed", 8, *args)
                self.assertEqual({len(d) for d in files.values()}, {5000})
                for data in files.values():
                    self.assertTrue(data.endswith(b"}\n") or data.endswith(b" \n"))

    def test_sizes_vary_around_the_mean(self):
        files, _ = self.generate("--documents", 40, "--size", 10000)
        sizes = [len(d) for d in files.values()]
        self.assertGreater(len(set(sizes)), 30)
        for s in sizes:
            self.assertGreaterEqual(s, 5000)
            self.assertLessEqual(s, 15000 + 100)  # passes its size by one word at most
        self.assertLess(abs(sum(sizes) / len(sizes) - 10000), 1500)

    def test_count_without_output(self):
        files, (words, size, _) = self.generate("--documents", 3, "--size", "30K", "--utf8")
        p = run_corpus("--documents", 3, "--size", "30K", "--utf8", "--print-count")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(parse_count(p.stdout), (words, size, 3))


class ShapeTest(CorpusCase):

    def test_default_text_is_ascii_with_spaces_and_newlines(self):
        files, _ = self.generate("--documents", 2, "--size", "200K")
        for name, data in files.items():
            self.assertTrue(name.startswith("doc-") and name.endswith(".txt"), name)
            self.assertTrue(data.isascii())
            self.assertEqual(set(re.findall(rb"\s", data)), {b" ", b"\n"})
            self.assertIn(b"\n\n", data)  # paragraphs
            lines = data.split(b"\n")
            self.assertLessEqual(max(len(line) for line in lines), 80 + 32)
            self.assertGreater(sum(len(line) > 60 for line in lines), len(lines) // 2)
            text = data.decode()
            for mark in (",", ".", "!", "?", '"', "(", ")"):
                self.assertIn(mark, text)
            self.assertRegex(text, r"\d")
            self.assertRegex(text, r"(^|\n)[A-Z]")

    def test_utf8_mixes_unicode_words_and_separators(self):
        files, _ = self.generate("--size", "2M", "--exact-size", "--utf8")
        text = files["doc-000000.txt"].decode("utf-8", "surrogateescape")
        for sep in UNICODE_SEPARATORS:
            self.assertIn(sep, text, repr(sep))
        for word in ("café", "naïve", "Straße", "日本語"):
            self.assertIn(word, text)
        self.assertTrue(re.search("[\U0001F300-\U0001FAFF]", text), "no emoji")
        # Zero-width space and word joiner are not white space: inside words.
        for invisible in ("\u200b", "\u2060"):
            tokens = [t for t in text.split() if invisible in t]
            self.assertTrue(tokens, repr(invisible))
            self.assertTrue(any(len(t) > 1 for t in tokens))

    def test_zipf_shape(self):
        files, _ = self.generate("--size", "4M", "--exact-size", "--seed", 11)
        words = [re.sub(r"[^a-z']", "", w.lower()) for w in files["doc-000000.txt"].decode().split()]
        counts = collections.Counter(w for w in words if w)
        ranked = [c for _, c in counts.most_common()]
        self.assertEqual(counts.most_common(1)[0][0], "the")
        self.assertGreater(ranked[0], 50 * ranked[99])
        self.assertGreater(ranked[9], 5 * ranked[99])
        self.assertGreater(len(counts), 20000)  # a long tail of rare words
        # The top word is about 1 / H(50000, 1.07) = 12% of all words.
        self.assertAlmostEqual(ranked[0] / len(words), 0.12, delta=0.02)

    def test_jsonl_records(self):
        files, (words, _, _) = self.generate("--documents", 3, "--size", "1M", "--format",
                                             "jsonl", "--utf8", "--seed", 12)
        records = []
        for name, data in sorted(files.items()):
            self.assertRegex(name, r"^reviews-\d{4}\.json$")
            self.assertTrue(data.endswith(b"\n"))
            for line in data.split(b"\n")[:-1]:
                records.append(json.loads(line))
        self.assertGreater(len(records), 3000)
        missing = empty = escaped = 0
        lengths = []
        for r in records:
            keys = [k for k in REVIEW_KEYS if k in r]
            self.assertEqual(list(r), keys)  # the data set's order
            self.assertRegex(r["reviewerID"], r"^A[A-Z0-9]{11,13}$")
            self.assertRegex(r["asin"], r"^(\d{9}[\dX]|B00[A-Z0-9]{7})$")
            helpful = r["helpful"]
            self.assertTrue(len(helpful) == 2 and 0 <= helpful[0] <= helpful[1])
            self.assertIn(r["overall"], (1.0, 2.0, 3.0, 4.0, 5.0))
            self.assertIsInstance(r["overall"], float)
            self.assertTrue(r["summary"].strip())
            day = datetime.datetime.fromtimestamp(r["unixReviewTime"], datetime.timezone.utc)
            self.assertEqual(r["reviewTime"], "%02d %d, %d" % (day.month, day.day, day.year))
            if "reviewText" not in r:
                missing += 1
            elif r["reviewText"] == "":
                empty += 1
            else:
                lengths.append(len(r["reviewText"].split()))
        self.assertTrue(0.01 < missing / len(records) < 0.035, missing)
        self.assertTrue(0.003 < empty / len(records) < 0.02, empty)
        self.assertEqual(min(lengths), 1)
        self.assertTrue(250 <= max(lengths) <= 300, max(lengths))
        self.assertEqual(sum(lengths), words)
        raw = b"".join(files.values())
        for escape in (rb"\"", rb"\\", rb"\n", rb"\t", rb"\u00", rb"\ud83d"):
            self.assertIn(escape, raw)
        self.assertIn("é".encode(), raw)  # raw UTF-8 too

    def test_stdout_is_the_first_document(self):
        files, _ = self.generate("--size", "50K", "--format", "jsonl", "--seed", 13)
        p = run_corpus("--stdout", "--size", "50K", "--format", "jsonl", "--seed", 13,
                       "--print-count")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout, files["reviews-0000.json"])
        self.assertRegex(p.stderr.decode(), r"^words \d+ bytes %d documents 1\n$" % len(p.stdout))

    def test_usage_errors(self):
        for args in (["--stdout", "--documents", "2"], ["--format", "xml"], ["--size", "12Q"],
                     ["--bogus"], ["--upload", "bucket/prefix"], ["--create-bucket"],
                     ["--workers", "0"], ["--exact-size", "--format", "jsonl", "--size", "100"]):
            with self.subTest(args=args):
                p = run_corpus(*args)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(b"usage: awslab-corpus", p.stderr)
        p = run_corpus("--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn(b"--exact-size", p.stdout)


class UploadTest(harness.ServerTestCase, CorpusCase):
    """--upload into a real awslab-server, read back with boto3."""

    def setUp(self):
        super().setUp()  # the server, then CorpusCase's folder
        self.s3 = harness.boto3_client(self.endpoint)
        self.addCleanup(self.s3.close)

    def env(self):
        env = harness.client_env()
        env["AWS_ENDPOINT_URL"] = self.endpoint
        return env

    def read_bucket(self, bucket, prefix=""):
        out = {}
        pages = self.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for page in pages:
            for obj in page.get("Contents", []):
                body = self.s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
                out[obj["Key"][len(prefix):]] = body
        return out

    def test_upload_with_out_puts_the_same_bytes(self):
        out = os.path.join(self.tmp, "out")
        p = run_corpus("--documents", 7, "--size", "20K", "--utf8", "--out", out, "--upload",
                       "s3://corpus/run1/", "--create-bucket", "--workers", 3,
                       "--endpoint-url", self.endpoint, "--print-count")
        self.assertEqual(p.returncode, 0, p.stderr)
        files = harness.tree_files(out)
        self.assertEqual(len(files), 7)
        self.assertEqual(self.read_bucket("corpus", "run1/"), files)
        words, size, _ = parse_count(p.stdout)
        self.assertEqual(size, sum(len(d) for d in files.values()))

    def test_upload_alone_equals_out(self):
        # Endpoint from the environment; the bucket exists already.
        self.s3.create_bucket(Bucket="reviews")
        args = ["--documents", 3, "--size", "30K", "--format", "jsonl", "--seed", 21]
        p = run_corpus(*args, "--upload", "s3://reviews", env=self.env())
        self.assertEqual(p.returncode, 0, p.stderr)
        files, _ = self.generate(*args)
        self.assertEqual(self.read_bucket("reviews"), files)

    def test_large_documents_go_multipart(self):
        # 9 MiB: over the 8 MiB threshold, so two parts of the transfer
        # manager; once streamed from the generator, once from the --out file.
        args = ["--size", "9M", "--exact-size", "--seed", 22]
        p = run_corpus(*args, "--upload", "s3://big/streamed-", "--create-bucket", env=self.env())
        self.assertEqual(p.returncode, 0, p.stderr)
        out = os.path.join(self.tmp, "big")
        p = run_corpus(*args, "--upload", "s3://big/file-", "--out", out, env=self.env())
        self.assertEqual(p.returncode, 0, p.stderr)
        data = harness.tree_files(out)["doc-000000.txt"]
        self.assertEqual(len(data), 9 * MiB)
        for key in ("streamed-doc-000000.txt", "file-doc-000000.txt"):
            obj = self.s3.get_object(Bucket="big", Key=key)
            self.assertTrue(obj["ETag"].endswith('-2"'), obj["ETag"])
            self.assertEqual(obj["Body"].read(), data)

    def test_missing_bucket_is_an_s3_error(self):
        p = run_corpus("--size", "1K", "--upload", "s3://no-such-bucket/x/", env=self.env())
        self.assertEqual(p.returncode, 1)
        self.assertRegex(p.stderr.decode(),
                         r"An error occurred \(NoSuchBucket\) when calling the PutObject "
                         r"operation: ")

    def test_wrong_secret_is_an_s3_error(self):
        env = self.env()
        env["AWS_SECRET_ACCESS_KEY"] = "wrong"
        p = run_corpus("--size", "1K", "--upload", "s3://any/", "--create-bucket", env=env)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"An error occurred (", p.stderr)


if __name__ == "__main__":
    unittest.main()
