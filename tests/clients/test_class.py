"""A class in one command (issue 11): `awslab admin class create` against the
real awslab-server, then each student's files used unchanged by Debian's aws
CLI and boto3, and `awslab admin class report` showing what each holds and
owes. The clock is frozen at 2013-04-01 with instant EC2 transitions, so the
bill moves only when the test moves the clock.

Run: AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_CLI=build/client/awslab \\
     /usr/bin/python3 -m unittest -v test_class
"""

import configparser
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import harness

AWS = "/usr/bin/aws"
IMAGE = "ami-d1737bb8"  # the course's image (us-east-1)


class ClassTest(harness.ServerTestCase):
    server_args = ("--time-scale", "0", "--clock-start", "2013-04-01T00:00:00Z",
                   "--ec2-pending", "0", "--ec2-shutting-down", "0")

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.mkdtemp(prefix="awslab-class-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.dir = os.path.join(self.tmp, "class")

    def awslab(self, *args, env=None):
        """The awslab CLI with the default (admin) key unless `env` says otherwise."""
        return self.run_client([harness.cli_binary(), "--endpoint-url", self.endpoint] +
                               list(args), env=env)

    def student_env(self, name):
        """A shell that sourced <name>/awslab.env: only the class's files, no key in
        the environment."""
        env = {"PATH": "/usr/bin:/bin", "HOME": self.tmp, "LANG": "C.UTF-8",
               "AWS_EC2_METADATA_DISABLED": "true", "AWS_PAGER": "", "NO_PROXY": "*"}
        env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
        with open(os.path.join(self.dir, name, "awslab.env")) as f:
            for line in f:
                if line.startswith("export "):
                    key, value = line[len("export "):].strip().split("=", 1)
                    env[key] = value.strip("'")
        return env

    def aws(self, name, *args):
        # Debian's aws CLI (2.9) does not read endpoint_url from a profile yet.
        proc = self.run_client([AWS, "--endpoint-url", self.endpoint, "--output", "json"] +
                               list(args), env=self.student_env(name))
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        out = proc.stdout.decode()
        return json.loads(out) if out.strip().startswith(("{", "[")) else out

    def create(self, *extra):
        proc = self.awslab("--output", "json", "admin", "class", "create", "--students", "30",
                           "--prefix", "student", "--dir", self.dir, *extra)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode() + proc.stdout.decode())
        return json.loads(proc.stdout)

    def test_create_writes_files_every_client_uses(self):
        made = self.create("--budget", "5")
        names = [a["name"] for a in made["accounts"]]
        self.assertEqual(names, ["teacher"] + ["student%02d" % i for i in range(1, 31)])

        with open(os.path.join(self.dir, "class.json")) as f:
            roster = json.load(f)
        self.assertEqual(roster["endpoint"], self.endpoint)
        self.assertEqual([a["name"] for a in roster["accounts"]], names)
        ids = {a["name"]: a["account_id"] for a in roster["accounts"]}
        self.assertEqual(len(set(ids.values())), 31)
        self.assertTrue(roster["accounts"][0]["admin"])
        self.assertFalse(any(a["admin"] for a in roster["accounts"][1:]))
        self.assertEqual(roster["accounts"][1]["budget_usd"], "5")
        # Secrets are the owner's only.
        for path in ("class.json", "sheet.txt", "sheet.html", "student01/credentials"):
            mode = stat.S_IMODE(os.stat(os.path.join(self.dir, path)).st_mode)
            self.assertEqual(mode & 0o077, 0, path)

        # Each folder: credentials and config as ~/.aws holds them.
        for entry in roster["accounts"]:
            creds = configparser.ConfigParser()
            creds.read(os.path.join(self.dir, entry["name"], "credentials"))
            self.assertEqual(creds["awslab"]["aws_access_key_id"], entry["access_key_id"])
            self.assertEqual(creds["awslab"]["aws_secret_access_key"],
                             entry["secret_access_key"])
            config = configparser.ConfigParser()
            config.read(os.path.join(self.dir, entry["name"], "config"))
            self.assertEqual(config["profile awslab"]["endpoint_url"], self.endpoint)
            self.assertEqual(config["profile awslab"]["region"], "us-east-1")

        # The printable sheet: a page per person, with the key and secret.
        with open(os.path.join(self.dir, "sheet.html")) as f:
            html = f.read()
        self.assertEqual(html.count("<section>"), 31)
        for entry in roster["accounts"]:
            self.assertIn(entry["access_key_id"], html)
            self.assertIn(entry["secret_access_key"], html)

        # The aws CLI with a student's files: each student is an account of
        # their own.
        who = self.aws("student01", "sts", "get-caller-identity")
        self.assertEqual(who["Account"], ids["student01"])
        self.assertEqual(who["Arn"], "arn:aws:iam::%s:root" % ids["student01"])
        self.assertIn("make_bucket: student01-notes",
                      self.aws("student01", "s3", "mb", "s3://student01-notes"))
        self.aws("student02", "s3api", "create-bucket", "--bucket", "student02-notes")
        listed = self.aws("student01", "s3api", "list-buckets")
        self.assertEqual([b["Name"] for b in listed["Buckets"]], ["student01-notes"])
        # boto3 from the same files (profile awslab, as a course notebook would).
        env = self.student_env("student02")
        code = ("import boto3, json\n"
                "s = boto3.Session(profile_name='awslab')\n"
                "c = s.client('s3', endpoint_url=%r)\n"
                "print(json.dumps([b['Name'] for b in c.list_buckets()['Buckets']]))\n"
                % self.endpoint)
        proc = self.run_client(["/usr/bin/python3", "-c", code], env=env)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(json.loads(proc.stdout), ["student02-notes"])
        # A student's key is no admin's.
        proc = self.run_client([harness.cli_binary(), "--endpoint-url", self.endpoint,
                                "admin", "accounts"], env=self.student_env("student03"))
        self.assertEqual(proc.returncode, 254, proc.stderr.decode())
        self.assertIn("AccessDenied", proc.stderr.decode())

        # An instance for student03, an hour on the clock: the report shows
        # who holds what and owes what.
        run = self.aws("student03", "ec2", "run-instances", "--image-id", IMAGE,
                       "--instance-type", "t2.micro", "--count", "1")
        self.assertEqual(len(run["Instances"]), 1)
        harness.advance_clock(self.endpoint, "PT1H")
        teacher = self.student_env("teacher")
        proc = self.run_client([harness.cli_binary(), "--endpoint-url", self.endpoint,
                                "--output", "json", "admin", "class", "report"], env=teacher)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        report = {a["name"]: a for a in json.loads(proc.stdout)["accounts"]}
        for name in names:
            self.assertIn(name, report)
        self.assertEqual(report["student01"]["resources"]["buckets"], 1)
        self.assertEqual(report["student02"]["resources"]["buckets"], 1)
        self.assertEqual(report["student03"]["resources"]["buckets"], 0)
        self.assertEqual(report["student03"]["resources"]["instances_running"], 1)
        self.assertEqual(report["student01"]["resources"]["instances_running"], 0)
        # An hour of t2.micro (0.0116) against a few S3 requests (0.005 per 1,000).
        self.assertGreaterEqual(float(report["student03"]["total"]), 0.0116)
        self.assertGreater(float(report["student02"]["total"]), 0)
        self.assertLess(float(report["student02"]["total"]), 0.001)
        self.assertEqual(report["student01"]["budget"]["limit"], "5")
        # The table: a row per account, the running instance in it.
        # (The profile says output json: the table is asked for.)
        proc = self.run_client([harness.cli_binary(), "--endpoint-url", self.endpoint,
                                "--output", "table", "admin", "class", "report"], env=teacher)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        lines = proc.stdout.decode().splitlines()
        rows = [line.split() for line in lines[2:]]
        # Admins first (the server's default account, the teacher), then by name.
        self.assertEqual([r[0] for r in rows if r[0] in names], names)
        self.assertEqual([r[0] for r in rows[:2]], ["default", "teacher"])
        row = next(r for r in rows if r[0] == "student03")
        self.assertEqual(row[1:4], [ids["student03"], "1", "-"])

    def test_a_taken_name_creates_nothing(self):
        self.create()
        before = json.loads(self.awslab("--output", "json", "admin", "accounts").stdout)
        other = os.path.join(self.tmp, "again")
        proc = self.awslab("admin", "class", "create", "--students", "5", "--dir", other)
        self.assertEqual(proc.returncode, 254, proc.stderr.decode())
        self.assertIn("EntityAlreadyExists", proc.stderr.decode())
        self.assertIn("student01", proc.stderr.decode())
        after = json.loads(self.awslab("--output", "json", "admin", "accounts").stdout)
        self.assertEqual(len(after), len(before))
        self.assertFalse(os.path.exists(other))
        # Another prefix and teacher make a second class beside the first.
        proc = self.awslab("admin", "class", "create", "--students", "2", "--prefix", "lab2-",
                           "--teacher", "lab2-teacher", "--dir", other)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertTrue(os.path.exists(os.path.join(other, "lab2-02", "credentials")))

    def test_usage_errors(self):
        for args in (["--students", "0"], ["--students", "x"], []):
            proc = self.awslab("admin", "class", "create", "--dir", self.dir, *args)
            self.assertEqual(proc.returncode, 252, (args, proc.stderr.decode()))
        proc = self.awslab("admin", "class", "destroy")
        self.assertEqual(proc.returncode, 252)
        self.assertIn("create | report", proc.stderr.decode())

    def test_admin_api_refuses_bad_accounts(self):
        for payload, code in (({"name": "bad name"}, "InvalidArgument"),
                              ({}, "InvalidArgument"),
                              ({"name": "ok", "budget_usd": "-3"}, "InvalidArgument")):
            with self.assertRaises(harness.AdminApiError) as e:
                harness._admin_call(self.endpoint, "POST", "/_awslab/accounts", payload)
            self.assertEqual(e.exception.status, 400, payload)
            self.assertIn(code, str(e.exception))
        made = harness._admin_call(self.endpoint, "POST", "/_awslab/accounts", {"name": "ok"})
        self.assertRegex(made["account"]["id"], r"^[1-9]\d{11}$")
        self.assertRegex(made["access_key"]["id"], r"^AKIA[A-Z2-7]{16}$")
        with self.assertRaises(harness.AdminApiError) as e:
            harness._admin_call(self.endpoint, "POST", "/_awslab/accounts", {"name": "ok"})
        self.assertEqual(e.exception.status, 409)
        # A student's key may not make accounts.
        student = (made["access_key"]["id"], made["access_key"]["secret"])
        with self.assertRaises(harness.AdminApiError) as e:
            harness._admin_call(self.endpoint, "POST", "/_awslab/accounts", {"name": "x"},
                                key=student)
        self.assertEqual(e.exception.status, 403)


if __name__ == "__main__":
    unittest.main()
