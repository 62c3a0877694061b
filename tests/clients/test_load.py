"""The load test (issue 10) in short: awslab-loadtest (bench/loadtest.cc) with
500 keep-alive connections mixing PUT, GET, LIST, DELETE and EC2 calls for
20 seconds against the real awslab-server, which it starts itself.

awslab-loadtest checks every answer (each connection owns its keys and
instances, so each answer has one right value) and the server's descriptors
after the connections close; this suite runs it and asserts on its JSON
report: no unexpected error, every kind of operation exercised, the expected
errors (GET of a deleted key, DescribeInstances of an unknown id) seen and
counted apart, the descriptors back where they were, a clean stop. No timing
or latency is asserted: those figures are for bench/ (bench/README.md has the
5-minute run). A second case puts a proxy that flips bits of body bytes
between the two and expects the load test to fail: its checks are not vacuous.

Run:
  AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_LOADTEST=build/bench/awslab-loadtest \\
      /usr/bin/python3 -m unittest -v test_load
"""

import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import unittest

import harness

KINDS = ["put", "put_big", "get", "get_big", "list", "delete", "get_deleted",
         "ec2_describe", "ec2_run", "ec2_terminate", "ec2_tags", "ec2_regions",
         "ec2_describe_missing"]
EXPECTED_ERROR_KINDS = {"get_deleted", "ec2_describe_missing"}
# Bounds on how long a run may take, not measurements: 20 s of load, set-up,
# up to 10 s for the descriptors, a server stop; on a loaded machine.
RUN_TIMEOUT = 300


def loadtest_binary():
    return harness.binary_from_env("AWSLAB_LOADTEST", "awslab-loadtest",
                                   "build/bench/awslab-loadtest")


class LoadTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="awslab-load-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def run_loadtest(self, *args):
        """Runs awslab-loadtest; returns (exit status, JSON report, output)."""
        report = os.path.join(self.tmp, "report.json")
        proc = subprocess.run(
            [loadtest_binary(), "--json", report, "--work-dir", self.tmp] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=RUN_TIMEOUT,
            env=harness.client_env())
        output = proc.stdout.decode("utf-8", "replace")
        self.assertTrue(os.path.exists(report),
                        "no report (exit %d):\n%s" % (proc.returncode, output[-4000:]))
        with open(report) as f:
            return proc.returncode, json.load(f), output

    def test_500_connections(self):
        code, report, output = self.run_loadtest(
            "--server", harness.server_binary(), "--connections", "500",
            "--duration", "20", "--warmup", "5")
        detail = output[-6000:]
        self.assertEqual(report["overall"]["unexpected_errors"], 0, detail)
        kinds = {k["kind"]: k for k in report["kinds"]}
        self.assertEqual(sorted(kinds), sorted(KINDS))
        for name, k in kinds.items():
            with self.subTest(kind=name):
                self.assertEqual(k["unexpected_errors"], 0, k["first_errors"])
                if name in EXPECTED_ERROR_KINDS:
                    # Each of these asks for an error: all of them must get it.
                    self.assertGreater(k["expected_errors"], 0)
                    self.assertEqual(k["expected_errors"], k["ops"])
                else:
                    self.assertGreater(k["ok"], 0)
                    self.assertEqual(k["ok"], k["ops"])
                    self.assertEqual(k["expected_errors"], 0)
        self.assertEqual(report["overall"]["expected_errors"],
                         sum(kinds[n]["expected_errors"] for n in EXPECTED_ERROR_KINDS))
        # All 500 connections were open at once, and the descriptors came back.
        fds = report["fds"]
        self.assertGreaterEqual(fds["max_during"]["sockets"], fds["before"]["sockets"] + 500)
        self.assertTrue(fds["returned"], fds)
        self.assertLessEqual(fds["after"]["sockets"], fds["before"]["sockets"])
        self.assertEqual(fds["after"]["blobs"], fds["before"]["blobs"])
        self.assertLessEqual(fds["after"]["other"], fds["before"]["other"])
        self.assertTrue(report["server_alive"], detail)
        self.assertTrue(report["server_clean_exit"], detail)
        self.assertTrue(report["pass"])
        self.assertEqual(code, 0, detail)

    def test_wrong_bodies_fail_the_run(self):
        with harness.Server() as server, BitFlipProxy(server.port) as proxy:
            code, report, output = self.run_loadtest(
                "--endpoint", "http://127.0.0.1:%d" % proxy.port, "--connections", "4",
                "--duration", "5", "--warmup", "1",
                "--mix", "put=0,put_big=5,get_big=5,get=2,list=1,delete=1")
        kinds = {k["kind"]: k for k in report["kinds"]}
        self.assertGreater(proxy.flipped, 0)
        self.assertGreater(kinds["get_big"]["unexpected_by_kind"]["body"], 0, output[-4000:])
        self.assertIn("body differs", " ".join(kinds["get_big"]["first_errors"]))
        self.assertFalse(report["pass"])
        self.assertEqual(code, 3, output[-4000:])


class BitFlipProxy:
    """A TCP proxy on 127.0.0.1 that passes requests through and, in answers,
    flips the lowest bit of one byte in every 50 KiB after a connection's
    first 64 KiB, only bytes >= 0x80: never a header or XML byte (all ASCII
    here), so only the generated binary bodies change, their lengths kept."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.flipped = 0
        self.lock = threading.Lock()
        self.sockets = []
        self.threads = []

    def __enter__(self):
        t = threading.Thread(target=self._accept, daemon=True)
        t.start()
        self.threads.append(t)
        return self

    def __exit__(self, *exc):
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()
        for t in self.threads:
            t.join(10)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self.lock:
                self.sockets += [client, upstream]
            for src, dst, flip in ((client, upstream, False), (upstream, client, True)):
                t = threading.Thread(target=self._pump, args=(src, dst, flip), daemon=True)
                t.start()
                self.threads.append(t)

    def _pump(self, src, dst, flip):
        seen = 0
        next_flip = 64 * 1024
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if flip:
                    data = bytearray(data)
                    i = max(0, next_flip - seen)
                    while i < len(data):
                        if data[i] < 0x80:
                            i += 1
                            continue
                        data[i] ^= 1
                        with self.lock:
                            self.flipped += 1
                        next_flip = seen + i + 50 * 1024
                        i = next_flip - seen
                    seen += len(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            try:
                dst.shutdown(socket.SHUT_WR)
            except OSError:
                pass


if __name__ == "__main__":
    unittest.main()
