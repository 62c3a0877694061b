"""The course's labs (docs/labs/NN-*.md) run as tests against the real awslab-server.

Each lab is one test (test_01_iam, test_02_s3, ...), made when this module is
imported from the files in docs/labs/. A lab's runnable blocks (```sh, run
with `bash -e -o pipefail`, and ```python, run with /usr/bin/python3) run in
order in one work directory, against a fresh awslab-server started with the
flags of the lab's `<!-- lab-server: ... -->` comment; a block followed by an
```output block must print what it says (stdout, then stderr), ```output
exit=N makes it exit N. The format is described for readers in
docs/labs/README.md; the rules are in `match_lines` and `LabRunner` below.

A failing lab names its file, the block (its first line in the file), the
command, and the expected against the actual output as a diff, with the
end of the server's log.

Run (from tests/clients):

    AWSLAB_SERVER=build/emulator/awslab-server AWSLAB_CLI=build/client/awslab \
    AWSLAB_CORPUS=build/fixtures/corpus/awslab-corpus \
    /usr/bin/python3 -m unittest -v test_labs

(absolute paths, or relative to tests/clients). One lab:
`... -m unittest -v test_labs.LabsTest.test_02_s3`. AWSLAB_LABS_KEEP=1 keeps
each lab's home and work directory and prints where they are.
"""

import difflib
import glob
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import unittest

import harness

HERE = os.path.dirname(os.path.abspath(__file__))
LABS_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "docs", "labs"))

# How students write the endpoint; the runner puts the real one in its place.
STUDENT_URL = "http://localhost:4566"
STUDENT_HOSTPORT = "localhost:4566"

BASH = "/bin/bash"
PYTHON = harness.PYTHON

# The longest a block may run (the word count's biggest corpus takes a minute).
BLOCK_TIMEOUT = 300

FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
SERVER_COMMENT = re.compile(r"<!--\s*lab-server:(?P<args>.*?)-->", re.S)
OUTPUT_INFO = re.compile(r"^output(?:\s+exit=(?P<code>\d+))?$")
# `<…>` inside an expected line: any text on that line.
PLACEHOLDER = re.compile(r"<[^<>]*>")
ELLIPSIS = "..."


class LabFormatError(Exception):
    pass


class Block:
    """A fenced block of a lab: its info string, its text and the line (1-based)
    of its opening fence."""

    def __init__(self, info, text, line):
        self.info = info
        self.text = text
        self.line = line

    @property
    def kind(self):
        if self.info in ("sh", "python"):
            return self.info
        if OUTPUT_INFO.match(self.info):
            return "output"
        return "shown"


class Step:
    """A runnable block and what it must print and return."""

    def __init__(self, block, expected=None, exit_code=0, output_line=None):
        self.block = block
        self.expected = expected      # None: output not checked
        self.exit_code = exit_code
        self.output_line = output_line


def parse_blocks(text):
    """The fenced blocks of a Markdown text, with what lies between them
    (whether anything but blank lines does: an output block must follow its
    runnable block with nothing in between)."""
    lines = text.split("\n")
    blocks = []
    i = 0
    gap_has_text = False
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            if lines[i].strip():
                gap_has_text = True
            i += 1
            continue
        fence = m.group("fence")
        info = m.group("info").strip()
        start = i + 1
        body = []
        i += 1
        while i < len(lines):
            close = lines[i].strip()
            if close and set(close) == {fence[0]} and len(close) >= len(fence) and \
                    len(lines[i]) - len(lines[i].lstrip(" ")) <= 3:
                break
            body.append(lines[i])
            i += 1
        else:
            raise LabFormatError("line %d: the block that starts here is never closed" % start)
        i += 1
        blocks.append((gap_has_text, Block(info, "\n".join(body) + "\n" if body else "", start)))
        gap_has_text = False
    return blocks


def parse_lab(text):
    """(server flags, [Step]) of a lab's Markdown."""
    server_args = []
    m = SERVER_COMMENT.search(text)
    if m:
        server_args = shlex.split(m.group("args"))
    steps = []
    previous = None  # the last block, if runnable and still without output
    for gap_has_text, block in parse_blocks(text):
        kind = block.kind
        if kind == "output":
            if previous is None or gap_has_text:
                raise LabFormatError(
                    "line %d: an output block must come right after a sh or python block"
                    % block.line)
            code = OUTPUT_INFO.match(block.info).group("code")
            previous.expected = block.text
            previous.exit_code = int(code) if code else 0
            previous.output_line = block.line
            previous = None
        elif kind in ("sh", "python"):
            previous = Step(block)
            steps.append(previous)
        else:
            previous = None
    return server_args, steps


# ---------------------------------------------------------------------------
# Comparing output.

def screen_lines(text):
    """The lines a terminal shows of `text`: a carriage return (a progress
    bar) keeps only what follows it; trailing spaces and trailing empty lines
    go."""
    out = []
    for line in text.split("\n"):
        if "\r" in line:
            parts = [p for p in line.split("\r") if p.strip()]
            line = parts[-1] if parts else ""
        out.append(line.rstrip())
    while out and not out[-1]:
        out.pop()
    return out


def line_pattern(expected):
    """The regular expression of one expected line: `<…>` matches any text."""
    pieces = []
    last = 0
    for m in PLACEHOLDER.finditer(expected):
        pieces.append(re.escape(expected[last:m.start()]))
        pieces.append(".*")
        last = m.end()
    pieces.append(re.escape(expected[last:]))
    return re.compile("".join(pieces), re.S)


def match_lines(expected, actual):
    """Whether the actual lines match the expected ones: line by line, `...`
    alone on a line matching any number of lines (zero included)."""
    patterns = [None if e.strip() == ELLIPSIS else line_pattern(e) for e in expected]
    # reachable[j]: the first i expected lines can match the first j actual lines.
    reachable = [True] + [False] * len(actual)
    for pattern in patterns:
        nxt = [False] * (len(actual) + 1)
        if pattern is None:
            seen = False
            for j in range(len(actual) + 1):
                seen = seen or reachable[j]
                nxt[j] = seen
        else:
            for j in range(len(actual)):
                if reachable[j] and pattern.fullmatch(actual[j]):
                    nxt[j + 1] = True
        reachable = nxt
    return reachable[len(actual)]


# ---------------------------------------------------------------------------
# Running a lab.

class LabRunner:
    """Runs one lab's steps against a server at `endpoint`, in a fresh home
    and work directory under `root`."""

    def __init__(self, lab_path, root, endpoint):
        self.lab_path = lab_path
        self.name = os.path.splitext(os.path.basename(lab_path))[0]
        self.endpoint = endpoint  # http://127.0.0.1:PORT
        self.port = endpoint.rsplit(":", 1)[1]
        self.home = os.path.join(root, "home")
        self.work = os.path.join(self.home, self.name)
        self.scripts = os.path.join(root, "blocks")
        self.bin = os.path.join(root, "bin")
        for d in (self.home, self.work, self.scripts, self.bin):
            os.makedirs(d)
        aws = os.path.join(self.home, ".aws")
        os.makedirs(aws)
        with open(os.path.join(aws, "credentials"), "w") as f:
            f.write("[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                    % harness.DEFAULT_KEY)
        with open(os.path.join(aws, "config"), "w") as f:
            f.write("[default]\nregion = %s\n" % harness.REGION)
        os.symlink(harness.cli_binary(), os.path.join(self.bin, "awslab"))
        corpus = os.environ.get("AWSLAB_CORPUS", "")
        if corpus:
            if not os.access(corpus, os.X_OK):
                raise RuntimeError("AWSLAB_CORPUS=%s is not an executable file" % corpus)
            os.symlink(os.path.abspath(corpus), os.path.join(self.bin, "awslab-corpus"))

    def substitute(self, text):
        """The student's endpoint replaced by the server's."""
        text = text.replace(STUDENT_URL, self.endpoint)
        return text.replace(STUDENT_HOSTPORT, "localhost:" + self.port)

    def env(self):
        env = {
            "PATH": "/usr/bin:/bin:" + self.bin,
            "HOME": self.home,
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        }
        # Sanitizer options (scripts/test.sh): a sanitized binary must report.
        env.update({k: v for k, v in os.environ.items() if k.endswith("SAN_OPTIONS")})
        return env

    def run_step(self, index, step):
        """(exit code, stdout + stderr) of one runnable block."""
        text = self.substitute(step.block.text)
        suffix = ".py" if step.block.kind == "python" else ".sh"
        script = os.path.join(self.scripts, "%s.block%02d.line%d%s"
                              % (self.name, index, step.block.line, suffix))
        with open(script, "w") as f:
            f.write(text)
        if step.block.kind == "python":
            args = [PYTHON, script]
        else:
            args = [BASH, "-e", "-o", "pipefail", script]
        proc = subprocess.Popen(args, cwd=self.work, env=self.env(), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=BLOCK_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            out, err = proc.communicate()
            return None, (out + err).decode("utf-8", "replace")
        finally:
            # Whatever the block left running in its session goes with it.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return proc.returncode, (out + err).decode("utf-8", "replace")

    def check_step(self, index, step):
        """None if the block did what the lab says, else why not."""
        code, output = self.run_step(index, step)
        actual = screen_lines(output)
        where = "docs/labs/%s, the %s block at line %d" % (
            os.path.basename(self.lab_path), step.block.kind, step.block.line)
        command = "\n".join("    " + l for l in step.block.text.rstrip("\n").split("\n"))
        problems = []
        if code is None:
            problems.append("it ran longer than %d s and was killed" % BLOCK_TIMEOUT)
        elif code != step.exit_code:
            problems.append("exit code %d, expected %d" % (code, step.exit_code))
        diff = ""
        if step.expected is not None:
            expected = screen_lines(self.substitute(step.expected))
            if not match_lines(expected, actual):
                problems.append("its output differs from the output block at line %d"
                                % step.output_line)
                diff = "\n".join(difflib.unified_diff(
                    expected, actual, "expected", "got", n=3, lineterm=""))
        if not problems:
            return None
        message = ["%s: %s" % (where, "; ".join(problems)), "command:", command]
        if diff:
            message += ["expected vs got (`...` and `<…>` are wildcards, so not every "
                        "line marked is wrong):", diff]
        else:
            message += ["output:"] + ["    " + l for l in actual[-60:]]
        return "\n".join(message)


def lab_files():
    return sorted(glob.glob(os.path.join(LABS_DIR, "[0-9][0-9]-*.md")))


class LabsTest(unittest.TestCase):
    """One test per lab; the methods are added below from docs/labs/."""

    maxDiff = None

    def run_lab(self, path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        try:
            server_args, steps = parse_lab(text)
        except LabFormatError as e:
            self.fail("%s: %s" % (path, e))
        self.assertTrue(steps, "%s has no sh or python block" % path)
        if "awslab-corpus" in text and not os.environ.get("AWSLAB_CORPUS"):
            self.fail("%s runs awslab-corpus: set AWSLAB_CORPUS to the binary "
                      "(build/fixtures/corpus/awslab-corpus)" % path)
        root = tempfile.mkdtemp(prefix="awslab-lab-")
        if os.environ.get("AWSLAB_LABS_KEEP"):
            print("\n%s: home and work directory in %s" % (os.path.basename(path), root))
        else:
            self.addCleanup(shutil.rmtree, root, True)
        server = harness.Server(accounts=False, extra_args=server_args)
        self.addCleanup(server.close)
        server.start()
        runner = LabRunner(path, root, server.endpoint)
        for index, step in enumerate(steps, 1):
            failure = runner.check_step(index, step)
            if failure:
                server.stop()
                log = server.log_text().strip()
                if log:
                    failure += "\n--- awslab-server log (end) ---\n" + log
                self.fail(failure)


def _make_test(path):
    def test(self):
        self.run_lab(path)
    test.__doc__ = "docs/labs/%s" % os.path.basename(path)
    return test


for _path in lab_files():
    _name = "test_" + re.sub(r"\W", "_", os.path.splitext(os.path.basename(_path))[0])
    setattr(LabsTest, _name, _make_test(_path))


class FormatTest(unittest.TestCase):
    """The runner's own rules, so that a lab cannot pass by accident."""

    def test_wildcards(self):
        self.assertTrue(match_lines(["a", "...", "d"], ["a", "b", "c", "d"]))
        self.assertTrue(match_lines(["a", "...", "b"], ["a", "b"]))
        self.assertTrue(match_lines(["key AKIA<key>, <n> characters"],
                                    ["key AKIA0123, 40 characters"]))
        self.assertFalse(match_lines(["key AKIA<key>"], ["key ASIA0123"]))
        self.assertFalse(match_lines(["a", "b"], ["a", "b", "c"]))
        self.assertFalse(match_lines(["a", "...", "d"], ["a", "b"]))
        self.assertFalse(match_lines([], ["a"]))
        self.assertTrue(match_lines(["..."], []))

    def test_screen_lines(self):
        self.assertEqual(screen_lines("Completed 1/2\rupload: x   \n\n"), ["upload: x"])
        self.assertEqual(screen_lines("a  \n b\r\n"), ["a", " b"])

    def test_parse(self):
        args, steps = parse_lab(
            "<!-- lab-server: --time-scale 0 -->\n# T\n```sh\necho hi\n```\n\n"
            "```output exit=3\nhi\n```\n```sh no-run\nrm -rf /\n```\n"
            "```python\nprint(1)\n```\n")
        self.assertEqual(args, ["--time-scale", "0"])
        self.assertEqual([(s.block.kind, s.expected, s.exit_code) for s in steps],
                         [("sh", "hi\n", 3), ("python", None, 0)])
        with self.assertRaises(LabFormatError):
            parse_lab("```sh\necho\n```\ntext\n```output\n\n```\n")
        with self.assertRaises(LabFormatError):
            parse_lab("```output\nx\n```\n")


if __name__ == "__main__":
    unittest.main()
