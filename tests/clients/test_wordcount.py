"""`awslab wordcount` (client/cli/wordcount_command.cc, client/wordcount/,
docs/wordcount.md) against the real awslab-server, with every corpus uploaded
by Debian's boto3 and every count checked against an independent reference:

- `wc -w` (GNU coreutils, LC_ALL=C and C.UTF-8) on ASCII text written to a
  temp file;
- Python's `str.split()` on UTF-8 text holding every character Python splits
  on and the characters that look like it but are not whitespace;
- `collections.Counter(text.split()).most_common` for --top (ties by bytes);
- `json.loads` line by line for --field;
- boto3's get_object for --output s3://.

Every mode (sequential, threads, processes, all) with 1 to 4 workers; chunk
boundaries (--chunk-size 1..9, 13, 64, 65) and range boundaries
(--split-size 1..9 and more) fall inside every kind of word and inside
multi-byte whitespace. Errors (NoSuchBucket, AccessDenied between the
harness's accounts, a malformed JSON line, a missing output bucket) and
Ctrl-C write nothing. The million-object test is test_wordcount_million.py.

Run: AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_CLI=build/client/awslab \\
     /usr/bin/python3 -m unittest -v test_wordcount
"""

import collections
import json
import os
import random
import signal
import subprocess
import tempfile
import time
import unittest

from botocore.exceptions import ClientError

import harness

WC = "/usr/bin/wc"
MODES = ("sequential", "threads", "processes", "all")
SERVICE = 254
OTHER = 255
INTERRUPTED = 130


# ---------------------------------------------------------------------------
# The characters. The test checks its own lists against Python's isspace().

# Every character Python 3's str.split() splits on.
WHITESPACE = (["\t", "\n", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f", " ",
               "\x85", "\xa0", "\u1680"] + [chr(c) for c in range(0x2000, 0x200b)] +
              ["\u2028", "\u2029", "\u202f", "\u205f", "\u3000"])
# The ASCII whitespace that wc and Python agree on (wc counts 1C-1F as word bytes).
WC_WHITESPACE = ["\t", "\n", "\x0b", "\x0c", "\r", " "]

# Characters that are not whitespace, chosen to look like it: zero-width and
# format characters, and every character whose UTF-8 starts with a byte that
# can start multi-byte whitespace (C2, E1, E2, E3) or differs from a
# whitespace encoding in its last byte only.
LOOKALIKES = [
    "\u200b", "\u2060", "\ufeff", "\u180e", "\u200c", "\u200d", "\u200e", "\u200f",
    "\x80", "\x84", "\x86", "\x9f", "\xa1", "\xbf", "\xc0",          # C2 80 .. C3 80
    "\u1600", "\u167f", "\u1681", "\u16a0", "\u1a80",                 # E1 ..
    "\u1fff", "\u2010", "\u2027", "\u202a", "\u202e", "\u2030", "\u203f",  # E1 BF BF, E2 80 ..
    "\u2040", "\u205e", "\u2060", "\u207f", "\u2080", "\u20ac",       # E2 81 .., E2 82 ..
    "\u2fff", "\u3001", "\u303f", "\u3040", "\u3100",                 # E2 BF BF, E3 ..
    "\x00", "\x01", "\x08", "\x0e", "\x1b", "\x7f",                   # ASCII controls
]
LETTERS = ["é", "ß", "ж", "Ω", "中", "文", "ア", "한", "𝔘", "𐍈", "😀", "👍🏽",
           "👩\u200d👩\u200d👧", "e\u0301", "ﬁ"]
ASCII_PIECES = ["a", "the", "The", "the.", "x", "Word", "42", "don't", "--", "(a)",
                "!", "\"q\"", "http://e.org/a?b=c", "~", "{}", "a_b"]
ALL_CHARS = WHITESPACE + LOOKALIKES + LETTERS


def check_character_lists():
    python_ws = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert sorted(WHITESPACE) == python_ws, "WHITESPACE is not Python's whitespace"
    for c in LOOKALIKES + LETTERS + ASCII_PIECES:
        assert not any(ch.isspace() for ch in c), repr(c)
    for c in WC_WHITESPACE:
        assert c in WHITESPACE


check_character_lists()


def py_words(data):
    """The reference: Python's split of the bytes decoded from UTF-8."""
    return len(data.decode("utf-8").split())


def random_text(rng, size, pieces, separators, line_every=12):
    """Words of 1-5 pieces, separated by runs of 1-3 separators, about `size` chars."""
    out = []
    n = 0
    words = 0
    while n < size:
        word = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 5)))
        sep = "".join(rng.choice(separators) for _ in range(rng.randint(1, 3)))
        words += 1
        if words % line_every == 0:
            sep += "\n"
        out.append(word)
        out.append(sep)
        n += len(word) + len(sep)
    return "".join(out)


def ascii_corpus(seed):
    """{name: bytes} of printable ASCII words and wc's whitespace."""
    rng = random.Random(seed)
    pieces = ASCII_PIECES + [chr(c) for c in range(0x21, 0x7f)]
    docs = {
        "a-small.txt": random_text(rng, 300, pieces, WC_WHITESPACE),
        "b-medium.txt": random_text(rng, 40000, pieces, WC_WHITESPACE),
        "c-spaces.txt": "  leading and trailing \t\r\n\x0b\x0c  " * 50,
        "d-lines.txt": "".join("line %d has some words\n" % i for i in range(2000)),
        "e-no-newline.txt": "the last word has no newline",
        "f-dense.txt": " ".join(chr(c) for c in range(0x21, 0x7f)) * 40,
        "g-big.txt": random_text(rng, 600000, pieces, [" ", " ", " ", "\n", "\t"]),
    }
    return {k: v.encode("ascii") for k, v in docs.items()}


def utf8_corpus(seed):
    """{name: bytes} of UTF-8 text with every whitespace and look-alike."""
    rng = random.Random(seed)
    nonspace = ASCII_PIECES + LOOKALIKES + LETTERS
    every = "".join("a%sb%s%s " % (c, c, c) for c in ALL_CHARS)
    pairs = "".join(a + b for a in ALL_CHARS for b in ALL_CHARS)
    docs = {
        "a-every.txt": every,
        "b-pairs.txt": pairs,
        "c-random.txt": random_text(rng, 60000, nonspace, WHITESPACE),
        # Long runs with bytes >= 0x80 but no byte that can start whitespace
        # (the 64-byte fast path), then the same with whitespace sprinkled in.
        "d-cjk.txt": random_text(rng, 30000, ["中", "文", "ж", "😀", "é", "ア"], [" ", "\n"]),
        "e-mixed.txt": random_text(rng, 200000, nonspace + ["lorem", "ipsum", "dolor"] * 10,
                                   [" "] * 30 + WHITESPACE),
        "f-ws-only.txt": "".join(WHITESPACE) * 20,
        "g-lookalikes-only.txt": "".join(LOOKALIKES) * 20,
    }
    return {k: v.encode("utf-8") for k, v in docs.items()}


def wc_words(data, locale):
    with tempfile.NamedTemporaryFile(prefix="awslab-wc-") as f:
        f.write(data)
        f.flush()
        out = subprocess.run([WC, "-w", f.name], capture_output=True, check=True,
                             env={"PATH": "/usr/bin:/bin", "LC_ALL": locale, "LANG": locale})
    return int(out.stdout.split()[0])


def expected_top(texts, k):
    """Counter(text.split()).most_common(k), ties broken by the word's bytes."""
    counter = collections.Counter()
    for t in texts:
        counter.update(t.split())
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0].encode("utf-8")))
    return [{"word": w, "count": n} for w, n in ordered[:k]]


# ---------------------------------------------------------------------------
# Running the CLI.

class Done:
    def __init__(self, proc):
        self.rc = proc.returncode
        self.out = proc.stdout.decode("utf-8", "replace")
        self.err = proc.stderr.decode("utf-8", "replace")

    def __repr__(self):
        return "rc=%d\n--- stdout ---\n%s\n--- stderr ---\n%s" % (self.rc, self.out[:3000],
                                                                  self.err[:3000])


class WordcountMixin:
    """Runs awslab wordcount against self.endpoint."""

    def run_cli(self, *args, key=harness.DEFAULT_KEY, timeout=300):
        argv = [harness.cli_binary(), "--endpoint-url", self.endpoint] + list(args)
        proc = subprocess.run(argv, env=harness.client_env(*key), stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=timeout)
        return Done(proc)

    def count(self, url, *args, **kw):
        """`awslab --output json wordcount url args...`: the result document."""
        done = self.run_cli("--output", "json", "wordcount", url, *args, **kw)
        self.assertEqual(done.rc, 0, "wordcount %s %s: %r" % (url, " ".join(args), done))
        try:
            return json.loads(done.out)
        except ValueError:
            self.fail("wordcount %s %s printed no JSON: %r" % (url, " ".join(args), done))

    def assertCounts(self, doc, expected, prefix, what=""):
        """`expected`: {key relative to prefix: words}."""
        want = {prefix + k: v for k, v in expected.items()}
        self.assertEqual(doc["counts"], want, what)
        self.assertEqual(doc["total"], sum(want.values()), what)
        self.assertEqual(doc["objects"], len(want), what)

    def assertRuns(self, doc, mode, workers):
        names = ["sequential", "threads", "processes"] if mode == "all" else [mode]
        self.assertEqual([r["mode"] for r in doc["runs"]], names)
        for r in doc["runs"]:
            self.assertEqual(r["workers"], 1 if r["mode"] == "sequential" else workers)
            self.assertGreaterEqual(r["seconds"], 0)
        self.assertEqual(doc["mode"], mode)
        self.assertEqual(doc["workers"], workers)


class SharedServerCase(WordcountMixin, unittest.TestCase):
    """One server for the class, corpora uploaded once in setUpClass."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = harness.Server()
        try:
            cls.server.start()
        except Exception:
            cls.server.close()
            raise
        cls.endpoint = cls.server.endpoint
        cls.s3 = harness.boto3_client(cls.endpoint)

    @classmethod
    def tearDownClass(cls):
        cls.s3.close()
        cls.server.close()
        super().tearDownClass()

    @classmethod
    def upload(cls, bucket, prefix, docs):
        for name, data in docs.items():
            cls.s3.put_object(Bucket=bucket, Key=prefix + name, Body=data)


# ---------------------------------------------------------------------------
# 1. Totals against wc -w and str.split(), every mode and worker count.

class TotalsTest(SharedServerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="corpus")
        cls.ascii = ascii_corpus(1)
        cls.utf8 = utf8_corpus(2)
        cls.upload("corpus", "ascii/", cls.ascii)
        cls.upload("corpus", "utf8/", cls.utf8)

    def test_references_agree_on_ascii(self):
        # The ASCII corpus is what wc and Python agree on, in both locales.
        for name, data in self.ascii.items():
            n = wc_words(data, "C")
            self.assertEqual(n, wc_words(data, "C.UTF-8"), name)
            self.assertEqual(n, py_words(data), name)
            self.assertEqual(n, len(data.split()), name)

    def test_ascii_equals_wc_in_every_mode(self):
        expected = {name: wc_words(data, "C") for name, data in self.ascii.items()}
        expected_utf8_locale = {name: wc_words(data, "C.UTF-8")
                                for name, data in self.ascii.items()}
        self.assertEqual(expected, expected_utf8_locale)
        for mode in MODES:
            for workers in (1, 2, 3, 4):
                with self.subTest(mode=mode, workers=workers):
                    doc = self.count("s3://corpus/ascii/", "--mode", mode,
                                     "--workers", str(workers))
                    self.assertCounts(doc, expected, "ascii/")
                    self.assertRuns(doc, mode, workers)
                    self.assertEqual(doc["bytes"], sum(map(len, self.ascii.values())))
                    self.assertEqual(doc["bucket"], "corpus")
                    self.assertEqual(doc["prefix"], "ascii/")
                    self.assertIsNone(doc["field"])
        # Ranges of the big object (split 4 KiB: boundaries in words and spaces).
        for mode in ("threads", "processes"):
            doc = self.count("s3://corpus/ascii/", "--mode", mode, "--workers", "3",
                             "--split-size", "4093")
            self.assertCounts(doc, expected, "ascii/", mode)

    def test_utf8_equals_python_split_in_every_mode(self):
        expected = {name: py_words(data) for name, data in self.utf8.items()}
        # The corpus is not trivially split: bytes.split() (ASCII only) disagrees.
        self.assertNotEqual(sum(expected.values()),
                            sum(len(d.split()) for d in self.utf8.values()))
        self.assertEqual(expected["f-ws-only.txt"], 0)
        self.assertEqual(expected["g-lookalikes-only.txt"], 1)
        for mode in MODES:
            for workers in (1, 2, 3, 4):
                with self.subTest(mode=mode, workers=workers):
                    doc = self.count("s3://corpus/utf8/", "--mode", mode,
                                     "--workers", str(workers))
                    self.assertCounts(doc, expected, "utf8/")
                    self.assertRuns(doc, mode, workers)
                    self.assertEqual(doc["bytes"], sum(map(len, self.utf8.values())))
        for mode in ("threads", "processes"):
            doc = self.count("s3://corpus/utf8/", "--mode", mode, "--workers", "4",
                             "--split-size", "4099")
            self.assertCounts(doc, expected, "utf8/", mode)

    def test_prefix_selects_objects(self):
        doc = self.count("s3://corpus/utf8/a-", "--mode", "sequential")
        self.assertCounts(doc, {"every.txt": py_words(self.utf8["a-every.txt"])}, "utf8/a-")
        # The whole bucket: both prefixes.
        doc = self.count("s3://corpus", "--mode", "threads", "--workers", "2")
        self.assertEqual(doc["objects"], len(self.ascii) + len(self.utf8))
        self.assertEqual(doc["total"], sum(map(py_words, self.ascii.values())) +
                         sum(map(py_words, self.utf8.values())))
        self.assertEqual(doc["prefix"], "")

    def test_empty_prefix_counts_nothing(self):
        for mode in MODES:
            doc = self.count("s3://corpus/nothing-here/", "--mode", mode, "--workers", "3")
            self.assertEqual((doc["total"], doc["objects"], doc["bytes"], doc["counts"]),
                             (0, 0, 0, {}), mode)


class ManyObjectsTest(SharedServerCase):
    """More objects than one ListObjectsV2 page (1000), uploaded from threads."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="many")
        cls.expected = {"%05d.txt" % i: i % 7 for i in range(2345)}
        import concurrent.futures
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            list(pool.map(lambda kv: cls.s3.put_object(
                Bucket="many", Key="docs/" + kv[0],
                Body=" ".join(["w%d" % kv[1]] * kv[1]).encode()), cls.expected.items()))

    def test_every_page_counted_in_every_mode(self):
        for mode in MODES:
            with self.subTest(mode=mode):
                doc = self.count("s3://many/docs/", "--mode", mode, "--workers", "4")
                self.assertCounts(doc, self.expected, "docs/")


# ---------------------------------------------------------------------------
# 2. Edge objects.

EDGE = {
    "empty": b"",
    "one-word": b"word",
    "one-word-newline": b"word\n",
    "one-char": b"x",
    "one-multibyte-char": "中".encode(),
    "one-lookalike": "\u200b".encode(),
    "only-ascii-space": b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f  ",
    "only-unicode-space": "".join(WHITESPACE).encode(),
    "one-unicode-space": "\u3000".encode(),
    "no-trailing-newline": b"a b\nc d e",
    "leading-space": "\u2028\u2029x".encode(),
    "words-around-block": (b"w" * 63 + b" " + b"v" * 64 + b"\xe2\x80\x80" + b"u" * 62),
    # Keys that need URL encoding in the listing and in the GETs.
    "odd key é中 +%25&=?~*.txt": b"an odd key",
    "dir/sub dir/ü.txt": "deeper\u3000key".encode(),
}
LONG = {
    "long-ascii-word": b"x" * (300 * 1024 + 7),
    "long-words": b"  ".join([b"a" * 70000, "中".encode() * 30000, b"b" * 130001]) + b"\n",
    "long-lookalike-word": "\u200b\u2060\ufeff\u180e\u2027\u3001".encode() * 20000,
    "long-space": "\u3000\xa0\u2003\x85".encode() * 30000 + b"end",
    "long-word-no-newline": b"start " + "é".encode() * 100000,
}


class EdgeTest(SharedServerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="edge")
        cls.upload("edge", "small/", EDGE)
        cls.upload("edge", "long/", LONG)

    def test_small_edges_every_mode(self):
        expected = {k: py_words(v) for k, v in EDGE.items()}
        self.assertEqual(expected["empty"], 0)
        self.assertEqual(expected["one-word"], 1)
        self.assertEqual(expected["only-unicode-space"], 0)
        self.assertEqual(expected["one-lookalike"], 1)
        for mode in MODES:
            for split in ("0", "1", "2", "3", "1000"):
                with self.subTest(mode=mode, split=split):
                    doc = self.count("s3://edge/small/", "--mode", mode, "--workers", "3",
                                     "--split-size", split)
                    self.assertCounts(doc, expected, "small/")
                    self.assertEqual(doc["counts"]["small/empty"], 0)
        # wc agrees where it can (no 1C-1F, no multi-byte spaces).
        for name in ("empty", "one-word", "one-word-newline", "no-trailing-newline"):
            self.assertEqual(expected[name], wc_words(EDGE[name], "C"), name)

    def test_long_words_every_mode(self):
        expected = {k: py_words(v) for k, v in LONG.items()}
        self.assertEqual(expected["long-ascii-word"], 1)
        self.assertEqual(expected["long-lookalike-word"], 1)
        for mode in MODES:
            for split in ("0", "65536", "10007", "4097"):
                for chunk in ((), ("--chunk-size", "4093")):
                    with self.subTest(mode=mode, split=split, chunk=chunk):
                        doc = self.count("s3://edge/long/", "--mode", mode, "--workers", "4",
                                         "--split-size", split, *chunk)
                        self.assertCounts(doc, expected, "long/")

    def test_long_words_top_whole(self):
        # --top needs the words whole: the range that owns a long word reads
        # past its end (64 KiB at a time) until the word ends.
        texts = [v.decode() for v in LONG.values()]
        want = expected_top(texts, 100)
        for mode in ("sequential", "threads", "processes"):
            for split in ("0", "10007", "1000"):
                with self.subTest(mode=mode, split=split):
                    doc = self.count("s3://edge/long/", "--mode", mode, "--workers", "3",
                                     "--split-size", split, "--top", "100")
                    self.assertEqual(doc["top"], want)


# ---------------------------------------------------------------------------
# 3. Chunk and range boundaries everywhere; 4. --top.

def boundary_corpus():
    """Small objects (ranges of 1 byte mean a GET per byte) holding every
    whitespace and look-alike character inside and between words."""
    rng = random.Random(3)
    nonspace = ASCII_PIECES + LOOKALIKES + LETTERS
    every = "".join("a%sb%s%s\u3000" % (c, c, c) for c in ALL_CHARS)
    return {
        "every.txt": every.encode(),
        "random.txt": random_text(rng, 700, nonspace, WHITESPACE).encode(),
        "spaces-then-words.txt": ("".join(WHITESPACE) + "".join(LOOKALIKES)).encode(),
        "tiny.txt": "\u2000x\u2000".encode(),
    }


class BoundaryTest(SharedServerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="cuts")
        cls.docs = boundary_corpus()
        cls.big = utf8_corpus(4)
        cls.upload("cuts", "small/", cls.docs)
        cls.upload("cuts", "big/", cls.big)
        cls.small_expected = {k: py_words(v) for k, v in cls.docs.items()}
        cls.big_expected = {k: py_words(v) for k, v in cls.big.items()}

    def test_chunk_boundaries_everywhere(self):
        texts = [v.decode() for v in self.big.values()]
        top = expected_top(texts, 1000000)
        for chunk in list(range(1, 10)) + [13, 64, 65, 127]:
            with self.subTest(chunk=chunk):
                doc = self.count("s3://cuts/big/", "--mode", "sequential",
                                 "--chunk-size", str(chunk))
                self.assertCounts(doc, self.big_expected, "big/")
                # The word splitter (--top) holds back its own carry.
                doc = self.count("s3://cuts/big/", "--mode", "sequential",
                                 "--chunk-size", str(chunk), "--top", "1000000")
                self.assertCounts(doc, self.big_expected, "big/")
                self.assertEqual(doc["top"], top)
        for mode in ("threads", "processes", "all"):
            doc = self.count("s3://cuts/big/", "--mode", mode, "--workers", "2",
                             "--chunk-size", "3")
            self.assertCounts(doc, self.big_expected, "big/", mode)

    def test_range_boundaries_everywhere(self):
        sizes = list(range(1, 10)) + [11, 13, 16, 31, 64, 65, 100]
        for mode in ("threads", "processes"):
            for split in sizes:
                with self.subTest(mode=mode, split=split):
                    doc = self.count("s3://cuts/small/", "--mode", mode, "--workers", "4",
                                     "--split-size", str(split))
                    self.assertCounts(doc, self.small_expected, "small/")
        # Ranges and chunks together.
        for split, chunk in ((1, 1), (2, 1), (5, 2), (7, 3), (64, 5)):
            doc = self.count("s3://cuts/small/", "--mode", "threads", "--workers", "2",
                             "--split-size", str(split), "--chunk-size", str(chunk))
            self.assertCounts(doc, self.small_expected, "small/", (split, chunk))

    def test_range_boundaries_with_top(self):
        texts = [v.decode() for v in self.docs.values()]
        want = expected_top(texts, 1000000)
        for mode, splits in (("threads", list(range(1, 10)) + [13, 64]),
                             ("processes", [1, 2, 3, 5, 8])):
            for split in splits:
                with self.subTest(mode=mode, split=split):
                    doc = self.count("s3://cuts/small/", "--mode", mode, "--workers", "3",
                                     "--split-size", str(split), "--top", "1000000")
                    self.assertCounts(doc, self.small_expected, "small/")
                    self.assertEqual(doc["top"], want)
        doc = self.count("s3://cuts/small/", "--mode", "threads", "--split-size", "3",
                         "--chunk-size", "1", "--top", "1000000")
        self.assertEqual(doc["top"], want)

    def test_top_k(self):
        texts = [v.decode() for v in self.big.values()]
        for k in (1, 2, 10, 57):
            want = expected_top(texts, k)
            for mode, extra in (("sequential", ()), ("threads", ("--split-size", "997")),
                                ("processes", ("--split-size", "333")), ("all", ())):
                with self.subTest(k=k, mode=mode):
                    doc = self.count("s3://cuts/big/", "--mode", mode, "--workers", "3",
                                     "--top", str(k), *extra)
                    self.assertEqual(doc["top"], want)
                    self.assertCounts(doc, self.big_expected, "big/")

    def test_top_ties_by_bytes(self):
        # Equal counts: ordered by the words' UTF-8 bytes (= code points; not
        # UTF-16 units, where U+1F600 comes before U+FF21; not first seen).
        words = ["é", "a", "😀", "B", "\uff21", "aa", "a\u200b", "\u200b"]
        text = "\n".join(" ".join(words) for _ in range(3)) + " zz zz zz zz"
        self.s3.put_object(Bucket="cuts", Key="ties/t.txt", Body=text.encode())
        want = expected_top([text], 100)
        self.assertEqual([t["word"] for t in want],
                         ["zz", "B", "a", "aa", "a\u200b", "é", "\u200b", "\uff21", "😀"])
        for mode in ("sequential", "threads", "processes"):
            for k in (3, 9, 100):
                doc = self.count("s3://cuts/ties/", "--mode", mode, "--top", str(k),
                                 "--split-size", "5")
                self.assertEqual(doc["top"], want[:k], (mode, k))


# ---------------------------------------------------------------------------
# 5. --field on JSON lines.

def review_lines(seed, n):
    """JSON lines of every kind, and the expected (words, records, missing)."""
    rng = random.Random(seed)
    nonspace = ASCII_PIECES + LOOKALIKES + LETTERS
    lines = []
    for i in range(n):
        kind = rng.randrange(12)
        text = random_text(rng, rng.randint(0, 120), nonspace, WHITESPACE + ["\n", "\n\n"])
        obj = {"reviewerID": "A%05d" % i, "overall": rng.randint(1, 5)}
        if kind == 0:
            pass  # no field
        elif kind == 1:
            obj["reviewText"] = ""
        elif kind == 2:
            obj["reviewText"] = rng.choice([5, None, True, ["a b"], {"reviewText": "a b"}])
        elif kind == 3:
            obj["reviewTextX"] = "not this one"
            obj["nested"] = {"reviewText": "nor this"}
        elif kind == 4:
            obj["reviewText"] = 'quotes " and \\ backslashes / and \ttab\nnew\x00line \x1c'
        else:
            obj["reviewText"] = text
            obj["summary"] = "a summary with words"
        items = list(obj.items())
        rng.shuffle(items)
        line = json.dumps(dict(items), ensure_ascii=rng.random() < 0.5)
        lines.append(line)
        r = rng.random()
        if r < 0.05:
            lines.append("")
        elif r < 0.08:
            lines.append("  \t ")
    return lines


def field_expected(lines):
    words = records = missing = 0
    for line in lines:
        if not line.strip(" \t\r"):
            continue
        records += 1
        value = json.loads(line).get("reviewText")
        if isinstance(value, str):
            words += len(value.split())
        else:
            missing += 1
    return words, records, missing


class FieldTest(SharedServerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="reviews")
        cls.docs = {}
        for i, (n, end) in enumerate(((400, "\n"), (30, ""), (25, "\n"), (1, ""), (0, ""))):
            lines = review_lines(10 + i, n)
            cls.docs["part-%d.json" % i] = lines
            cls.s3.put_object(Bucket="reviews", Key="all/part-%d.json" % i,
                              Body=("\n".join(lines) + end).encode())
        # CRLF line ends, and a line far longer than the 64 KiB that a range
        # reads past its end at a time.
        rng = random.Random(20)
        long_text = random_text(rng, 300000, ASCII_PIECES + LETTERS + LOOKALIKES, WHITESPACE)
        lines = review_lines(21, 10)
        lines.insert(3, json.dumps({"reviewText": long_text, "overall": 1},
                                   ensure_ascii=False))
        lines.insert(5, "")
        cls.docs["part-crlf.json"] = lines
        cls.s3.put_object(Bucket="reviews", Key="all/part-crlf.json",
                          Body=("\r\n".join(lines) + "\r\n").encode())
        # Small ones for 1-byte ranges.
        cls.small = {k: v for k, v in cls.docs.items() if k in ("part-1.json", "part-2.json",
                                                                "part-3.json", "part-4.json")}
        for k, lines in cls.small.items():
            end = "\r\n" if k == "part-2.json" else "\n"
            cls.s3.put_object(Bucket="reviews", Key="small/" + k,
                              Body=(end.join(lines) + end).encode())

    def check(self, doc, docs, prefix, what):
        expected = {k: field_expected(v) for k, v in docs.items()}
        self.assertCounts(doc, {k: v[0] for k, v in expected.items()}, prefix, what)
        self.assertEqual(doc["records"], sum(v[1] for v in expected.values()), what)
        self.assertEqual(doc["records_without_field"], sum(v[2] for v in expected.values()),
                         what)
        self.assertEqual(doc["field"], "reviewText")

    def test_reference_is_not_trivial(self):
        words, records, missing = field_expected(sum(self.docs.values(), []))
        self.assertGreater(words, 1000)
        self.assertGreater(missing, 20)
        self.assertLess(records, sum(len(v) for v in self.docs.values()))  # blank lines

    def test_field_every_mode(self):
        for mode in MODES:
            for workers in (1, 2, 3, 4):
                with self.subTest(mode=mode, workers=workers):
                    doc = self.count("s3://reviews/all/", "--mode", mode, "--workers",
                                     str(workers), "--field", "reviewText")
                    self.check(doc, self.docs, "all/", (mode, workers))
        doc = self.count("s3://reviews/all/", "--mode", "sequential", "--field", "reviewText",
                         "--chunk-size", "7")
        self.check(doc, self.docs, "all/", "chunk 7")

    def test_field_ranges_cut_lines(self):
        for mode in ("threads", "processes"):
            for split in (1, 2, 3, 4, 5, 7, 9, 17, 64, 100, 1000):
                with self.subTest(mode=mode, split=split):
                    doc = self.count("s3://reviews/small/", "--mode", mode, "--workers", "4",
                                     "--field", "reviewText", "--split-size", str(split))
                    self.check(doc, self.small, "small/", (mode, split))
        doc = self.count("s3://reviews/all/", "--mode", "processes", "--workers", "3",
                         "--field", "reviewText", "--split-size", "1031", "--chunk-size", "2")
        self.check(doc, self.docs, "all/", "all, split 1031")

    def test_field_top(self):
        texts = []
        for lines in self.docs.values():
            for line in lines:
                if line.strip():
                    v = json.loads(line).get("reviewText")
                    if isinstance(v, str):
                        texts.append(v)
        want = expected_top(texts, 25)
        for mode, split in (("sequential", "0"), ("threads", "211"), ("processes", "97")):
            doc = self.count("s3://reviews/all/", "--mode", mode, "--field", "reviewText",
                             "--top", "25", "--split-size", split)
            self.assertEqual(doc["top"], want, mode)

    def test_malformed_line_fails_and_writes_nothing(self):
        self.s3.create_bucket(Bucket="results")
        good = review_lines(99, 50)
        for name, bad in (("truncated", '{"reviewText": "cut'), ("array", '["reviewText"]'),
                          ("text", "not json at all"), ("trailing", '{"reviewText": "a"} x')):
            key = "bad-%s/part.json" % name
            body = "\n".join(good[:20] + [bad] + good[20:]) + "\n"
            offset = len("\n".join(good[:20]).encode()) + 1
            self.s3.put_object(Bucket="reviews", Key=key, Body=body.encode())
            for mode, extra in (("sequential", ()), ("threads", ("--split-size", "50")),
                                ("processes", ("--split-size", "50")), ("all", ())):
                with self.subTest(bad=name, mode=mode):
                    out = "s3://results/%s-%s.json" % (name, mode)
                    done = self.run_cli("wordcount", "s3://reviews/bad-%s/" % name,
                                        "--mode", mode, "--field", "reviewText",
                                        "--output", out, *extra)
                    # docs/wordcount.md: a local error, 255, naming the object
                    # and the line's offset.
                    self.assertEqual(done.rc, OTHER, done)
                    self.assertIn("not a JSON object", done.err, done)
                    self.assertIn("s3://reviews/bad-%s/part.json" % name, done.err, done)
                    if mode == "sequential":
                        self.assertIn("at byte %d " % offset, done.err, done)
                    self.assertEqual(done.out, "", done)
        listed = self.s3.list_objects_v2(Bucket="results")
        self.assertEqual(listed.get("KeyCount"), 0, listed.get("Contents"))


# ---------------------------------------------------------------------------
# 6. --output s3://bucket/key.

class OutputTest(SharedServerCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="corpus")
        cls.s3.create_bucket(Bucket="results")
        cls.docs = utf8_corpus(5)
        cls.upload("corpus", "docs/", cls.docs)

    def get_json(self, bucket, key):
        got = self.s3.get_object(Bucket=bucket, Key=key)
        self.assertEqual(got["ContentType"], "application/json")
        return json.loads(got["Body"].read())

    def test_output_document(self):
        expected = {k: py_words(v) for k, v in self.docs.items()}
        for mode, workers in (("all", 3), ("sequential", 1), ("threads", 2), ("processes", 4)):
            with self.subTest(mode=mode):
                key = "runs/%s.json" % mode
                done = self.run_cli("wordcount", "s3://corpus/docs/", "--mode", mode,
                                    "--workers", str(workers), "--top", "5",
                                    "--output", "s3://results/" + key)
                self.assertEqual(done.rc, 0, done)
                doc = self.get_json("results", key)
                self.assertCounts(doc, expected, "docs/")
                self.assertRuns(doc, mode, workers)
                self.assertEqual(doc["objects"], len(self.docs))
                self.assertEqual(doc["bytes"], sum(map(len, self.docs.values())))
                self.assertEqual(doc["bucket"], "corpus")
                self.assertEqual(doc["prefix"], "docs/")
                self.assertIsNone(doc["field"])
                self.assertEqual(doc["top"], expected_top([v.decode() for v in
                                                           self.docs.values()], 5))
                self.assertEqual(len(doc["runs"]), 3 if mode == "all" else 1)
                if mode == "all":
                    self.assertIn("speedup", doc["runs"][1])
                for name in ("seconds", "list_seconds"):
                    self.assertIsInstance(doc[name], (int, float))
                # The table on stdout has the total.
                self.assertIn(str(doc["total"]), done.out)

    def test_stdout_json_equals_stored_document(self):
        done = self.run_cli("--output", "json", "wordcount", "s3://corpus/docs/",
                            "--mode", "threads", "--workers", "2",
                            "--output", "s3://results/same.json")
        self.assertEqual(done.rc, 0, done)
        printed = json.loads(done.out)
        stored = self.get_json("results", "same.json")
        self.assertEqual(printed, stored)

    def test_output_into_the_corpus_prefix_is_not_counted_twice(self):
        # The listing is taken before the result is written.
        done = self.run_cli("wordcount", "s3://corpus/docs/", "--mode", "sequential",
                            "--output", "s3://corpus/docs/zz-result.json")
        self.assertEqual(done.rc, 0, done)
        doc = self.get_json("corpus", "docs/zz-result.json")
        self.assertEqual(doc["objects"], len(self.docs))
        self.s3.delete_object(Bucket="corpus", Key="docs/zz-result.json")

    def test_download_only(self):
        done = self.run_cli("wordcount", "s3://corpus/docs/", "--mode", "all", "--download-only",
                            "--output", "s3://results/dl.json")
        self.assertEqual(done.rc, 0, done)
        doc = self.get_json("results", "dl.json")
        self.assertIsNone(doc["total"])
        self.assertNotIn("counts", doc)
        self.assertEqual(doc["bytes"], sum(map(len, self.docs.values())))
        self.assertEqual(len(doc["runs"]), 3)


# ---------------------------------------------------------------------------
# 7. Errors: nothing written.

class ErrorTest(WordcountMixin, harness.ServerTestCase):

    def setUp(self):
        super().setUp()
        self.s3 = harness.boto3_client(self.endpoint)
        self.alice = harness.boto3_client(self.endpoint, key=harness.ALICE_KEY)
        self.bob = harness.boto3_client(self.endpoint, key=harness.BOB_KEY)
        for c in (self.s3, self.alice, self.bob):
            self.addCleanup(c.close)

    def assertNothingIn(self, client, bucket):
        listed = client.list_objects_v2(Bucket=bucket)
        self.assertEqual(listed.get("KeyCount"), 0, listed.get("Contents"))

    def test_missing_bucket(self):
        self.s3.create_bucket(Bucket="results")
        for mode in MODES:
            with self.subTest(mode=mode):
                done = self.run_cli("wordcount", "s3://no-such-corpus/x/", "--mode", mode,
                                    "--output", "s3://results/out.json")
                self.assertEqual(done.rc, SERVICE, done)
                self.assertIn("NoSuchBucket", done.err)
                self.assertIn("An error occurred (NoSuchBucket) when calling the ListObjectsV2 "
                              "operation", done.err)
                self.assertEqual(done.out, "")
        self.assertNothingIn(self.s3, "results")

    def test_access_denied_between_accounts(self):
        self.bob.create_bucket(Bucket="bobs-private")
        self.bob.put_object(Bucket="bobs-private", Key="secret.txt", Body=b"bob's words here")
        self.alice.create_bucket(Bucket="alices-results")
        for mode in MODES:
            with self.subTest(mode=mode):
                done = self.run_cli("wordcount", "s3://bobs-private/", "--mode", mode,
                                    "--output", "s3://alices-results/out.json",
                                    key=harness.ALICE_KEY)
                self.assertEqual(done.rc, SERVICE, done)
                self.assertIn("An error occurred (AccessDenied)", done.err)
                self.assertEqual(done.out, "")
        self.assertNothingIn(self.alice, "alices-results")
        # bob's own keys count it.
        doc = self.count("s3://bobs-private/", "--mode", "sequential", key=harness.BOB_KEY)
        self.assertEqual(doc["total"], 3)

    def test_access_denied_on_get_in_the_workers(self):
        # bob lets alice list the bucket but not read the objects: the error
        # comes from a GetObject in a worker thread or process.
        self.bob.create_bucket(Bucket="bobs-list-only")
        for i in range(20):
            self.bob.put_object(Bucket="bobs-list-only", Key="d%02d.txt" % i, Body=b"a b c " * 100)
        self.bob.put_bucket_policy(Bucket="bobs-list-only", Policy=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Principal": {"AWS": "arn:aws:iam::%s:root" % harness.ALICE_ACCOUNT_ID},
                           "Action": "s3:ListBucket",
                           "Resource": "arn:aws:s3:::bobs-list-only"}]}))
        self.alice.list_objects_v2(Bucket="bobs-list-only")  # allowed
        with self.assertRaises(ClientError):
            self.alice.get_object(Bucket="bobs-list-only", Key="d00.txt")
        self.alice.create_bucket(Bucket="alices-results")
        for mode in MODES:
            for extra in ((), ("--split-size", "100")):
                with self.subTest(mode=mode, extra=extra):
                    done = self.run_cli("wordcount", "s3://bobs-list-only/", "--mode", mode,
                                        "--workers", "3", "--output",
                                        "s3://alices-results/out.json", *extra,
                                        key=harness.ALICE_KEY)
                    self.assertEqual(done.rc, SERVICE, done)
                    self.assertIn("An error occurred (AccessDenied) when calling the GetObject "
                                  "operation", done.err)
                    self.assertEqual(done.out, "")
        self.assertNothingIn(self.alice, "alices-results")

    def test_missing_output_bucket(self):
        self.s3.create_bucket(Bucket="corpus")
        self.s3.put_object(Bucket="corpus", Key="a.txt", Body=b"one two three")
        for mode in MODES:
            with self.subTest(mode=mode):
                done = self.run_cli("wordcount", "s3://corpus/", "--mode", mode,
                                    "--output", "s3://no-such-results/out.json")
                self.assertEqual(done.rc, SERVICE, done)
                self.assertIn("An error occurred (NoSuchBucket) when calling the PutObject "
                              "operation", done.err)
                self.assertEqual(done.out, "")
        with self.assertRaises(ClientError):
            self.s3.head_bucket(Bucket="no-such-results")

    def test_usage_errors(self):
        for args in (["s3://corpus/", "--mode", "fibers"], ["s3://corpus/", "--workers", "0"],
                     ["/local/path"], ["s3://corpus/", "--chunk-size", "0"],
                     ["s3://corpus/", "--output", "s3://results/"], []):
            done = self.run_cli("wordcount", *args)
            self.assertEqual(done.rc, 252, (args, done))


# ---------------------------------------------------------------------------
# 9. Ctrl-C.

class InterruptTest(SharedServerCase):
    """SIGINT in the middle of a count, to the command's process group (what
    a terminal's Ctrl-C does: the worker processes get it too) or to the
    command alone: exit 130 at once, nothing written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.create_bucket(Bucket="corpus")
        cls.s3.create_bucket(Bucket="results")
        # Counts of several seconds from little data. Sequential (and the
        # first run of --mode all) reads 12 x 16 MB a byte at a time with a
        # word table (--chunk-size 1 --top): ~70 MB/s. The parallel modes
        # count 256 KB in 1-byte ranges: a GET per byte. A Ctrl-C lets the
        # unit in progress finish (a whole object in sequential mode), so
        # the objects are not larger.
        body = b"lorem ipsum dolor sit amet " * (16 * 1000 * 1000 // 27)
        for i in range(12):
            cls.s3.put_object(Bucket="corpus", Key="big/%02d.txt" % i, Body=body)
        cls.s3.put_object(Bucket="corpus", Key="small/0.txt", Body=body[:256 * 1024])

    def interrupt(self, mode, group):
        if mode in ("sequential", "all"):
            args = ["s3://corpus/big/", "--chunk-size", "1", "--top", "10"]
        else:
            args = ["s3://corpus/small/", "--split-size", "1", "--top", "10"]
        argv = [harness.cli_binary(), "--endpoint-url", self.endpoint, "--debug", "wordcount",
                "--mode", mode, "--workers", "2", "--output", "s3://results/out.json"] + args
        proc = subprocess.Popen(argv, env=harness.client_env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            # --debug prints the listing's request: the count starts after it.
            err = b""
            while b"list-type=2" not in err:
                line = proc.stderr.readline()
                self.assertTrue(line, "no listing: %r" % err)
                err += line
            time.sleep(0.3)
            self.assertIsNone(proc.poll(), "the count ended before Ctrl-C: make it longer")
            sent = time.monotonic()
            if group:
                os.killpg(proc.pid, signal.SIGINT)
            else:
                os.kill(proc.pid, signal.SIGINT)
            out, rest = proc.communicate(timeout=60)
            took = time.monotonic() - sent
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        return proc.returncode, out, err + rest, took

    def test_ctrl_c_exits_130_and_writes_nothing(self):
        for mode in MODES:
            for group in (True, False):
                with self.subTest(mode=mode, group=group):
                    rc, out, err, took = self.interrupt(mode, group)
                    self.assertEqual(rc, INTERRUPTED, (out, err))
                    self.assertEqual(out, b"")
                    self.assertLess(took, 10, "Ctrl-C took %.1f s to stop the count" % took)
                    with self.assertRaises(ClientError):
                        self.s3.head_object(Bucket="results", Key="out.json")
        # The same output argument without Ctrl-C writes the result.
        done = self.run_cli("wordcount", "s3://corpus/small/", "--mode", "processes",
                            "--output", "s3://results/out.json")
        self.assertEqual(done.rc, 0, done)
        self.s3.head_object(Bucket="results", Key="out.json")


if __name__ == "__main__":
    unittest.main()
