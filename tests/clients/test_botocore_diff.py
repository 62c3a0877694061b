"""Differential tests of libawslab against botocore: for every case of
tests/client/diff/cases.json, the request our client sends (URL, method,
headers, body, canonical request and signature, at a fixed time) must equal,
byte for byte, the one Debian's botocore 1.29 (python3-botocore) sends for the
same call with the same credentials, region, endpoint and addressing style.
Nothing goes over the network: botocore's request is captured by a
'before-send' handler that answers with a canned response, ours by
awslab-sigdump (tests/client/diff/sigdump.cc), which replaces the Caller's
transport by a recorder. This is our proof that libawslab talks to real AWS.

Each case is compared twice, each time in a subTest named after the case:
  - signer "crt": botocore as Debian installs it. python3-awscrt is present,
    so botocore 1.29 signs SigV4 with the AWS Common Runtime
    (botocore.crt.auth), as the aws CLI and boto3 of a Debian user do;
  - signer "python": botocore's own Python signers (botocore.auth.SigV4Auth,
    S3SigV4Auth and their query variants), which botocore uses when awscrt
    is not installed. The two signers differ in one thing only: the order of
    the X-Amz-* parameters of a presigned URL; against this signer a
    presigned URL is compared with its query parameters sorted (its
    canonical request and signature exactly).
botocore's canonical request is computed with botocore.auth's
SigV4Auth/S3SigV4Auth.canonical_request on the captured request (restricted to
the headers botocore signed), and checked to reproduce botocore's own
signature, so it is exactly what botocore signed with either signer.

The case table (see its format in sigdump.cc) uses botocore's operation and
parameter names; the fixed time and the default credentials are set here and
given to sigdump with every case.

How botocore is set up, as a user would (nothing else is changed):
  - session.create_client(service, region_name, endpoint_url (None: AWS),
    aws_access_key_id, aws_secret_access_key, aws_session_token,
    config=Config(s3={"addressing_style": ...}) when the case names a style);
    no config or credentials file, no AWS_* variable.
  - Presigned URLs: Config(signature_version="s3v4"). botocore 1.29 presigns
    S3 URLs with SigV2 unless asked for SigV4; libawslab only does SigV4.
  - Parameter order. botocore serializes parameters in the order of the
    caller's dict (query string, form body, XML and JSON bodies), so a
    request depends on it and a case fixes it: parameters are given in the
    order of the operation's input shape in botocore's model, recursively,
    which is the order the aws CLI's API commands (aws s3api, aws ec2,
    aws ce) give them; a case with a "caller" reproduces the call of a
    higher-level tool instead (s3transfer's upload_part, aws s3 ls's
    list_objects_v2), its parameters given in the order written, which is
    that tool's (the "caller" text says where in its source).
  - A case with "paginate" {"pages": N, "page_size": ..., "truncated_answer":
    XML} compares the request of page N of botocore's paginator
    (get_paginator(...).paginate(..., PaginationConfig={"PageSize": ...}),
    as aws s3 ls and the aws CLI's auto-pagination use it) with that of
    libawslab's ListObjectsPaginator; both get truncated_answer for the
    pages before, so both follow its token.
  - The signing time: botocore 1.29 takes it from datetime.datetime.utcnow()
    in botocore.auth (Python signers) and botocore.crt.auth (CRT signers);
    both modules' `datetime` is replaced by one whose utcnow() is the fixed
    instant.

Run: AWSLAB_SIGDUMP=build/tests/client/diff/awslab-sigdump \
     /usr/bin/python3 -m unittest -v test_botocore_diff
"""

import copy
import datetime
import hashlib
import hmac
import io
import json
import os
import subprocess
import types
import unittest
from unittest import mock
from urllib.parse import urlsplit, urlunsplit

import botocore
import botocore.auth
import botocore.session
from botocore.awsrequest import AWSRequest, AWSResponse
from botocore.config import Config
from botocore.credentials import Credentials

try:
    import botocore.crt.auth as crt_auth
except ImportError:  # python3-awscrt not installed: only the Python signers
    crt_auth = None

HERE = os.path.dirname(os.path.abspath(__file__))
CASES_FILE = os.path.join(HERE, "..", "client", "diff", "cases.json")

# The instant every request is signed at (both sides), unless a case sets
# its own "time".
FIXED_TIME = "2013-05-24T00:00:00Z"

# Credentials of a case that gives none (the AWS documentation's examples).
DEFAULT_CREDENTIALS = {
    "access_key_id": "AKIDEXAMPLE",
    "secret_access_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
}


def _always(method, ours, theirs):
    return True


def _zero_length_of_bodiless_delete(method, ours, theirs):
    return method == "DELETE" and ours is None and theirs == "0"


# THE list of headers left out of the comparison: name -> (why, when). Only
# unsigned headers may be here (the comparison fails if either side signs
# one of them), each for a difference that is by design; `when` (method, our
# value or None, botocore's value or None) says in which requests.
EXCLUDED_HEADERS = {
    "user-agent": (
        "names the SDK (botocore's names Python, the OS and awscrt); never signed",
        _always),
    "amz-sdk-invocation-id": (
        "botocore's retry telemetry: a random UUID per call, added after signing; "
        "optional for AWS and not sent by libawslab",
        _always),
    "amz-sdk-request": (
        "botocore's retry telemetry ('attempt=1'), added after signing; optional, "
        "not sent by libawslab",
        _always),
    "expect": (
        "botocore asks for '100-continue' before a file-like body (PutObject, "
        "UploadPart); never signed; libawslab's HttpClient sends the body at once",
        _always),
    "content-length": (
        "only 'Content-Length: 0' on a bodiless DELETE (DeleteObject, DeleteBucket, "
        "AbortMultipartUpload, ...): botocore's AWSRequestPreparer adds it to every "
        "method but GET/HEAD/OPTIONS, libawslab's HttpClient only to requests with a "
        "body and to PUT and POST (RFC 9110 8.6: a user agent should not send it "
        "when there is no content and the method does not anticipate one); not "
        "signed by either. Every other Content-Length is compared",
        _zero_length_of_bodiless_delete),
}

# Whether the CRT signers are what this botocore uses (python3-awscrt).
HAS_CRT = bool(getattr(botocore.auth, "HAS_CRT", False))

PYTHON_SIGNERS = {
    "v4": botocore.auth.SigV4Auth,
    "v4-query": botocore.auth.SigV4QueryAuth,
    "s3v4": botocore.auth.S3SigV4Auth,
    "s3v4-query": botocore.auth.S3SigV4QueryAuth,
}


def sigdump_binary():
    path = os.environ.get("AWSLAB_SIGDUMP", "")
    if not path or not os.access(path, os.X_OK):
        raise RuntimeError("set AWSLAB_SIGDUMP to the awslab-sigdump binary (got %r)" % path)
    return path


def load_cases():
    with open(CASES_FILE, encoding="utf-8") as f:
        cases = json.load(f)
    names = [c["name"] for c in cases]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError("duplicate case names in cases.json: %s" % dupes)
    for c in cases:
        c.setdefault("time", FIXED_TIME)
        c.setdefault("credentials", {})
        for k, v in DEFAULT_CREDENTIALS.items():
            c["credentials"].setdefault(k, v)
    return cases


# ---------------------------------------------------------------------------
# botocore's side


def _fixed_datetime_module(instant):
    """A stand-in for the datetime module whose datetime.utcnow() is fixed."""

    class FrozenDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return instant

        @classmethod
        def now(cls, tz=None):
            return instant.replace(tzinfo=datetime.timezone.utc).astimezone(tz) if tz else instant

    module = types.ModuleType("datetime")
    module.__dict__.update(datetime.__dict__)
    module.datetime = FrozenDatetime
    return module


class _CannedRaw:
    """The raw body of a canned AWSResponse (botocore reads it as urllib3's)."""

    def __init__(self, body):
        self._body = io.BytesIO(body)

    def stream(self, **kwargs):
        data = self._body.read()
        if data:
            yield data

    def read(self, *args, **kwargs):
        return self._body.read(*args)

    def close(self):
        pass


# What botocore gets back: 200 with a body its parser accepts.
# (botocore treats an empty 200 answer to CopyObject and
# CompleteMultipartUpload as an error and retries it.)
_CANNED_BOTOCORE_BODIES = {
    ("s3", "GetBucketLocation"): b"<LocationConstraint/>",
    ("s3", "CopyObject"): b"<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>",
    ("s3", "CompleteMultipartUpload"):
        b"<CompleteMultipartUploadResult><ETag>\"e\"</ETag></CompleteMultipartUploadResult>",
    ("s3", "GetBucketPolicy"): b'{"Version":"2012-10-17","Statement":[]}',
    ("ce", "GetCostAndUsage"): b'{"ResultsByTime":[]}',
}


def _in_model_order(value, shape):
    """value with every structure's keys in the order of the shape's members."""
    if shape is None:
        return value
    if shape.type_name == "structure" and isinstance(value, dict):
        members = shape.members
        ordered = {}
        for name in members:
            if name in value:
                ordered[name] = _in_model_order(value[name], members[name])
        for name in value:  # unknown names: botocore's validator reports them
            if name not in ordered:
                ordered[name] = value[name]
        return ordered
    if shape.type_name == "list" and isinstance(value, list):
        return [_in_model_order(v, shape.member) for v in value]
    return value


def _body_bytes(body):
    if body is None:
        return b""
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (bytes, bytearray)):
        return bytes(body)
    if hasattr(body, "read"):
        pos = body.tell()
        data = body.read()
        body.seek(pos)
        return data if isinstance(data, bytes) else data.encode("utf-8")
    raise TypeError("unexpected body type %r" % type(body))


def _params_for_botocore(case, operation_model):
    params = copy.deepcopy(case.get("params", {}))
    if "Body" in params:
        params["Body"] = params["Body"].encode("utf-8")
    if case.get("caller"):  # that tool's order, as written
        return params
    return _in_model_order(params, operation_model.input_shape)


def _make_client(session, case, presign):
    cred = case["credentials"]
    config = {}
    if case.get("addressing_style"):
        config["s3"] = {"addressing_style": case["addressing_style"]}
    if presign:
        config["signature_version"] = "s3v4"
    return session.create_client(
        case["service"],
        region_name=case["region"],
        endpoint_url=case.get("endpoint_url"),
        aws_access_key_id=cred["access_key_id"],
        aws_secret_access_key=cred["secret_access_key"],
        aws_session_token=cred.get("session_token"),
        config=Config(**config) if config else None,
    )


def _parse_authorization(value):
    assert value.startswith("AWS4-HMAC-SHA256 "), value
    parts = {}
    for item in value[len("AWS4-HMAC-SHA256 "):].split(","):
        k, _, v = item.strip().partition("=")
        parts[k] = v
    return parts


def _signing_key(secret, date, region, service):
    k = hmac.new(("AWS4" + secret).encode(), date.encode(), hashlib.sha256).digest()
    for part in (region, service, "aws4_request"):
        k = hmac.new(k, part.encode(), hashlib.sha256).digest()
    return k


def _signature_of(canonical_request, amz_date, scope, secret):
    date, region, service, _ = scope.split("/")
    sts = "\n".join([
        "AWS4-HMAC-SHA256", amz_date, scope,
        hashlib.sha256(canonical_request.encode("utf-8")).hexdigest(),
    ])
    return hmac.new(_signing_key(secret, date, region, service), sts.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def _botocore_canonical_request(case, method, url, headers, body, signed_names, presigned):
    """botocore.auth's canonical request of a captured request: the class
    botocore signs with (S3SigV4Auth for S3, SigV4Auth otherwise, their
    query variants for presigned URLs), on the request as captured with only
    the headers that were signed."""
    s3 = case["service"] == "s3"
    signed = [(k, v) for k, v in headers if k.lower() in signed_names]
    if presigned:
        cls = botocore.auth.S3SigV4QueryAuth if s3 else botocore.auth.SigV4QueryAuth
        # The canonical query is all the parameters but X-Amz-Signature.
        parts = urlsplit(url)
        query = "&".join(p for p in parts.query.split("&")
                         if not p.startswith("X-Amz-Signature="))
        url = urlunsplit((parts[0], parts[1], parts[2], query, parts[4]))
    else:
        cls = botocore.auth.S3SigV4Auth if s3 else botocore.auth.SigV4Auth
    cred = case["credentials"]
    auth = cls(Credentials(cred["access_key_id"], cred["secret_access_key"],
                           cred.get("session_token")), case["service"], case["region"])
    request = AWSRequest(method=method, url=url, headers=dict(signed), data=body)
    return auth.canonical_request(request)


def botocore_request(case, signer):
    """botocore's request for a case as a dict like sigdump's output."""
    instant = datetime.datetime.strptime(case["time"], "%Y-%m-%dT%H:%M:%SZ")
    frozen = _fixed_datetime_module(instant)
    patches = [mock.patch.object(botocore.auth, "datetime", frozen)]
    if crt_auth is not None:
        patches.append(mock.patch.object(crt_auth, "datetime", frozen))
    if signer == "python":
        patches.append(mock.patch.dict(botocore.auth.AUTH_TYPE_MAPS, PYTHON_SIGNERS))
    captured = []
    presign = case.get("presign")
    paginate = case.get("paginate")

    def before_send(request, **kwargs):
        captured.append(request)
        key = (case["service"], case["operation"])
        body = _CANNED_BOTOCORE_BODIES.get(key, b"")
        if paginate and len(captured) < paginate["pages"]:
            # A page before the one compared: truncated, with the token.
            body = paginate["truncated_answer"].encode("utf-8")
        if case["service"] == "ec2":  # the EC2 parser wants an XML document
            body = ("<%sResponse><requestId>r</requestId></%sResponse>" %
                    (case["operation"], case["operation"])).encode()
        return AWSResponse(request.url, 200, {}, _CannedRaw(body))

    for p in patches:
        p.start()
    try:
        session = botocore.session.Session()
        client = _make_client(session, case, presign)
        client.meta.events.register("before-send", before_send)
        operation_model = client.meta.service_model.operation_model(case["operation"])
        params = _params_for_botocore(case, operation_model)
        method_name = botocore.xform_name(case["operation"])
        if presign:
            # The request being presigned, for the headers it signs besides
            # Host (ContentType of a PUT, ...).
            signing = []
            client.meta.events.register(
                "before-sign", lambda request, **kwargs: signing.append(request))
            url = client.generate_presigned_url(ClientMethod=method_name, Params=params,
                                                ExpiresIn=presign["expires"])
            headers = [(k, v) for k, v in signing[-1].headers.items()] if signing else []
            if not any(k.lower() == "host" for k, _ in headers):
                headers.append(("Host", botocore.auth._host_from_url(url)))
            return {
                "presigned": True,
                "method": operation_model.http["method"],
                "url": url,
                "headers": headers,
                "body": b"",
            }
        if paginate:
            # botocore's paginator (as aws s3 ls and the aws CLI's
            # auto-pagination use it), up to the page compared.
            config = {"PageSize": paginate["page_size"]} if paginate.get("page_size") else {}
            pages = client.get_paginator(method_name).paginate(**params, PaginationConfig=config)
            for n, _ in enumerate(pages, 1):
                if n == paginate["pages"]:
                    break
        else:
            getattr(client, method_name)(**params)
    finally:
        for p in reversed(patches):
            p.stop()
    expected = paginate["pages"] if paginate else 1
    if len(captured) != expected:
        raise AssertionError("botocore sent %d requests, not %d" % (len(captured), expected))
    request = captured[-1]
    headers = []
    for k, v in request.headers.items():
        headers.append((k if isinstance(k, str) else k.decode(),
                        v.decode("utf-8") if isinstance(v, bytes) else v))
    if not any(k.lower() == "host" for k, _ in headers):
        # botocore's Python signers leave the Host header to urllib3, which
        # sends the URL's host (with the port unless it is the default).
        headers.append(("Host", botocore.auth._host_from_url(request.url)))
    return {
        "presigned": False,
        "method": request.method,
        "url": request.url,
        "headers": headers,
        "body": _body_bytes(request.body),
    }


def finish(case, request):
    """Adds the signed header names, signature and canonical request."""
    if request["presigned"]:
        q = {}
        for p in urlsplit(request["url"]).query.split("&"):
            k, _, v = p.partition("=")
            q[k] = v
        signed_names = q["X-Amz-SignedHeaders"].split("%3B")
        signature = q["X-Amz-Signature"]
        amz_date = q["X-Amz-Date"]
        scope = q["X-Amz-Credential"].replace("%2F", "/").split("/", 1)[1]
    else:
        auth = next(v for k, v in request["headers"] if k.lower() == "authorization")
        parts = _parse_authorization(auth)
        signed_names = parts["SignedHeaders"].split(";")
        signature = parts["Signature"]
        amz_date = next(v for k, v in request["headers"] if k.lower() == "x-amz-date")
        scope = parts["Credential"].split("/", 1)[1]
    request["signed_headers"] = signed_names
    request["signature"] = signature
    request["canonical_request"] = _botocore_canonical_request(
        case, request["method"], request["url"], request["headers"], request["body"],
        set(signed_names), request["presigned"])
    request["canonical_signature"] = _signature_of(
        request["canonical_request"], amz_date, scope, case["credentials"]["secret_access_key"])
    return request


# ---------------------------------------------------------------------------
# libawslab's side


def run_sigdump(cases):
    proc = subprocess.run([sigdump_binary()], input=json.dumps(cases).encode("utf-8"),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError("awslab-sigdump failed (%d): %s" % (proc.returncode,
                                                               proc.stderr.decode(errors="replace")))
    out = json.loads(proc.stdout)
    return {r["name"]: r for r in out}


def _headers_dict(headers):
    d = {}
    for k, v in headers:
        d.setdefault(k.lower(), []).append(v)
    return {k: ",".join(v) for k, v in d.items()}


def _sorted_query(url):
    parts = urlsplit(url)
    return (urlunsplit((parts[0], parts[1], parts[2], "", parts[4])),
            sorted(parts.query.split("&")))


def _show_headers(headers):
    return "\n".join("  %s: %s" % (k, v) for k, v in sorted(headers.items()))


class BotocoreDiffTest(unittest.TestCase):
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        # Isolate botocore from the machine's AWS configuration.
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                    "AWS_EC2_METADATA_DISABLED": "true"})
        cls._env = mock.patch.dict(os.environ, env, clear=True)
        cls._env.start()
        cls.cases = load_cases()
        cls.ours = run_sigdump(cls.cases)

    @classmethod
    def tearDownClass(cls):
        cls._env.stop()

    def test_case_table(self):
        self.assertGreaterEqual(len(self.cases), 40)
        self.assertTrue(HAS_CRT, "python3-awscrt is expected (Debian's botocore signs with it)")

    def test_requests(self):
        signers = ["crt", "python"] if HAS_CRT else ["python"]
        for case in self.cases:
            for signer in signers:
                with self.subTest(case=case["name"], signer=signer):
                    self.compare(case, signer)

    def compare(self, case, signer):
        ours = self.ours.get(case["name"])
        self.assertIsNotNone(ours, "sigdump gave no result")
        self.assertNotIn("fatal", ours, "sigdump could not run the case: %s" % ours.get("fatal"))
        theirs = finish(case, botocore_request(case, signer))
        # The canonical request we show for botocore is the one it signed.
        self.assertEqual(theirs["canonical_signature"], theirs["signature"],
                         "harness: botocore.auth's canonical request does not reproduce "
                         "botocore's signature:\n" + theirs["canonical_request"])
        if case.get("presign"):
            self.assertIn("presigned_url", ours, "sigdump gave no presigned URL: %s" %
                          ours.get("error"))
            self.assertEqual(ours["canonical_request"], theirs["canonical_request"],
                             "canonical request")
            self.assertEqual(ours["signature"], theirs["signature"], "signature")
            if signer == "python":
                # botocore's two signers put the X-Amz-* parameters of a
                # presigned URL in different orders (CRT: ..., X-Amz-Date,
                # X-Amz-SignedHeaders, X-Amz-Expires, ...; Python: ...,
                # X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, ...), so one
                # URL cannot equal both byte for byte: against the Python
                # signer the URL is compared with its query parameters sorted
                # (the signature does not depend on their order); against the
                # CRT signer, the one Debian's botocore uses, byte for byte.
                self.assertEqual(_sorted_query(ours["presigned_url"]),
                                 _sorted_query(theirs["url"]), "presigned URL")
            else:
                self.assertEqual(ours["presigned_url"], theirs["url"], "presigned URL")
            return
        requests = ours.get("requests", [])
        expected = case["paginate"]["pages"] if case.get("paginate") else 1
        self.assertEqual(len(requests), expected, "libawslab sent %d requests (call error: %s)" %
                         (len(requests), ours.get("error")))
        mine = requests[-1]  # of a paginator, the page compared
        self.assertEqual(mine["method"], theirs["method"], "method")
        self.assertEqual(mine["url"], theirs["url"], "URL")
        my_headers = _headers_dict(mine["headers"])
        their_headers = _headers_dict(theirs["headers"])
        my_signed = set(mine["signed_headers"])
        their_signed = set(theirs["signed_headers"])
        for name, (_, when) in EXCLUDED_HEADERS.items():
            if when(mine["method"], my_headers.get(name), their_headers.get(name)):
                self.assertNotIn(name, my_signed | their_signed,
                                 "excluded header %s is signed" % name)
                my_headers.pop(name, None)
                their_headers.pop(name, None)
        self.assertEqual(sorted(my_signed), sorted(their_signed),
                         "signed headers\nours:\n%s\nbotocore:\n%s" %
                         (_show_headers(my_headers), _show_headers(their_headers)))
        self.assertEqual({k: v for k, v in my_headers.items() if k in my_signed},
                         {k: v for k, v in their_headers.items() if k in their_signed},
                         "signed header values")
        self.assertEqual(bytes.fromhex(mine["body_hex"]), theirs["body"], "body")
        self.assertEqual(mine["canonical_request"], theirs["canonical_request"],
                         "canonical request")
        self.assertEqual(mine["signature"], theirs["signature"], "signature")
        # Then everything else on the wire, Authorization and unsigned headers.
        self.assertEqual(my_headers, their_headers, "all headers (unsigned too)")


if __name__ == "__main__":
    unittest.main()
