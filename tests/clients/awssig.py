"""A small, independent Signature Version 4 signer for the tests that need
requests no Debian client sends: streaming aws-chunked uploads with chunk
signatures, and a raw-socket PUT that can be cut off mid-body.

Written from AWS's documents with hashlib and hmac only, sharing no code with
the server:
  https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
  https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
"""

import datetime
import hashlib
import hmac
import urllib.parse

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
STREAMING_PAYLOAD = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def signing_key(secret, date, region, service="s3"):
    k = _hmac(("AWS4" + secret).encode("utf-8"), date)
    k = _hmac(k, region)
    k = _hmac(k, service)
    return _hmac(k, "aws4_request")


def amz_date(when=None):
    when = when or datetime.datetime.now(datetime.timezone.utc)
    return when.strftime("%Y%m%dT%H%M%SZ")


def uri_encode(s, encode_slash=True):
    safe = "-_.~" if encode_slash else "-_.~/"
    return urllib.parse.quote(s, safe=safe)


class Signed:
    """The result of sign_request: headers to send and the seed signature."""

    def __init__(self, headers, signature, scope, date, key):
        self.headers = headers
        self.signature = signature
        self.scope = scope
        self.date = date
        self.key = key


def sign_request(method, path, host, headers, payload_hash, access_key, secret,
                 region="us-east-1", query="", when=None):
    """Signs a request for S3 (path not normalized, already URI-encoded).

    headers: dict of the headers to sign besides host, x-amz-date and
    x-amz-content-sha256, which this adds. Returns Signed, whose headers
    include Authorization.
    """
    date_time = amz_date(when)
    date = date_time[:8]
    all_headers = dict(headers)
    all_headers["Host"] = host
    all_headers["x-amz-date"] = date_time
    all_headers["x-amz-content-sha256"] = payload_hash
    canon = sorted((k.lower(), " ".join(str(v).strip().split())) for k, v in all_headers.items())
    signed_headers = ";".join(k for k, _ in canon)
    canonical_query = "&".join(sorted(
        "%s=%s" % (uri_encode(k), uri_encode(v))
        for k, v in urllib.parse.parse_qsl(query, keep_blank_values=True)))
    canonical_request = "\n".join([
        method, path, canonical_query,
        "".join("%s:%s\n" % kv for kv in canon),
        signed_headers, payload_hash])
    scope = "%s/%s/s3/aws4_request" % (date, region)
    string_to_sign = "\n".join([ALGORITHM, date_time, scope,
                                sha256_hex(canonical_request.encode("utf-8"))])
    key = signing_key(secret, date, region)
    signature = hmac.new(key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    all_headers["Authorization"] = "%s Credential=%s/%s, SignedHeaders=%s, Signature=%s" % (
        ALGORITHM, access_key, scope, signed_headers, signature)
    return Signed(all_headers, signature, scope, date_time, key)


def chunk_signature(signed, previous_signature, chunk):
    string_to_sign = "\n".join([
        "AWS4-HMAC-SHA256-PAYLOAD", signed.date, signed.scope, previous_signature,
        EMPTY_SHA256, sha256_hex(chunk)])
    return hmac.new(signed.key, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def chunked_length(chunk_sizes):
    """Content-Length of the aws-chunked encoding of chunks of these sizes (+ the final 0)."""
    total = 0
    for n in list(chunk_sizes) + [0]:
        total += len("%x" % n) + len(";chunk-signature=") + 64 + 2 + n + 2
    return total


def encode_signed_chunks(signed, chunks, tamper=None):
    """The aws-chunked body: each chunk then the final empty one, signatures chained
    from the seed. tamper(index, signature) may return a different signature to send.
    Returns (body bytes, list of the signatures computed)."""
    out = []
    signatures = []
    previous = signed.signature
    for i, chunk in enumerate(list(chunks) + [b""]):
        sig = chunk_signature(signed, previous, chunk)
        signatures.append(sig)
        previous = sig
        sent = tamper(i, sig) if tamper else sig
        out.append(b"%x;chunk-signature=%s\r\n" % (len(chunk), sent.encode("ascii")))
        out.append(chunk)
        out.append(b"\r\n")
    return b"".join(out), signatures
