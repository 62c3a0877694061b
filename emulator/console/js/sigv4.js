// Signature Version 4 in the browser, with Web Crypto: the Authorization
// header for a request and presigned URLs, as botocore computes them.
//
// Paths are given already URI-encoded (see encodePath) and are signed as
// sent, S3's way (no second encoding); the console's other services all use
// "/" or plain ASCII paths, where the two ways agree.

const encoder = new TextEncoder();

export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
export const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";

function hex(buffer) {
  return Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");
}

function bytesOf(data) {
  if (data === undefined || data === null) return new Uint8Array(0);
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError("sigv4: a body to hash must be a string, an ArrayBuffer or a typed array");
}

export async function sha256Hex(data) {
  if (data instanceof Blob) data = await data.arrayBuffer();
  return hex(await crypto.subtle.digest("SHA-256", bytesOf(data)));
}

async function hmac(key, message) {
  const k = await crypto.subtle.importKey("raw", bytesOf(key), { name: "HMAC", hash: "SHA-256" },
                                          false, ["sign"]);
  return crypto.subtle.sign("HMAC", k, bytesOf(message));
}

// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - . _ ~ (and "/"
// when encodeSlash is false), on the UTF-8 bytes.
export function uriEncode(text, encodeSlash = true) {
  let out = "";
  for (const byte of encoder.encode(String(text))) {
    const c = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-._~]/.test(c) || (c === "/" && !encodeSlash)) out += c;
    else out += "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

// "/bucket/a key/ü" -> "/bucket/a%20key/%C3%BC": each segment encoded, the
// slashes kept (S3 keys may hold any character, "/" included).
export function encodePath(path) {
  return path.split("/").map((segment) => uriEncode(segment)).join("/");
}

// [[name, value], ...] sorted by encoded name, then value: SigV4's canonical
// query string.
export function canonicalQuery(params) {
  return params
    .map(([k, v]) => [uriEncode(k), uriEncode(v ?? "")])
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

// 20261123T101500Z and 20261123 for a Date.
export function amzDate(date) {
  const iso = date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  return { stamp: iso, day: iso.slice(0, 8) };
}

async function signingKey(secret, day, region, service) {
  const kDate = await hmac("AWS4" + secret, day);
  const kRegion = await hmac(kDate, region);
  const kService = await hmac(kRegion, service);
  return hmac(kService, "aws4_request");
}

function canonicalHeaders(headers) {
  const names = Object.keys(headers).map((n) => n.toLowerCase()).sort();
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  const block = names
    .map((n) => `${n}:${String(lower[n]).trim().replace(/\s+/g, " ")}\n`)
    .join("");
  return { block, signed: names.join(";") };
}

async function signature({ credentials, region, service, stamp, day, canonicalRequest }) {
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, await sha256Hex(canonicalRequest)].join("\n");
  const key = await signingKey(credentials.secretAccessKey, day, region, service);
  return { scope, signature: hex(await hmac(key, stringToSign)), stringToSign };
}

// Signs one request. `path` is encoded (encodePath), `query` is a list of
// [name, value] pairs (not encoded), `headers` the headers to sign besides
// host, x-amz-date and x-amz-content-sha256, which this adds; `payloadHash`
// is the body's SHA-256 in hex or UNSIGNED_PAYLOAD. Returns the headers to
// send (everything but Host, which the browser sets to `host`).
export async function signRequest({ method, host, path, query = [], headers = {}, payloadHash,
                                    region, service, credentials, now = new Date() }) {
  const { stamp, day } = amzDate(now);
  const toSign = { ...headers, host, "x-amz-date": stamp, "x-amz-content-sha256": payloadHash };
  if (credentials.sessionToken) toSign["x-amz-security-token"] = credentials.sessionToken;
  const { block, signed } = canonicalHeaders(toSign);
  const canonicalRequest = [method, path, canonicalQuery(query), block, signed, payloadHash].join("\n");
  const s = await signature({ credentials, region, service, stamp, day, canonicalRequest });
  const out = { ...toSign };
  delete out.host;
  out.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${s.scope}, ` +
                      `SignedHeaders=${signed}, Signature=${s.signature}`;
  return out;
}

// A presigned URL (query authentication, host signed, payload unsigned), as
// boto3's generate_presigned_url makes for S3.
export async function presignUrl({ method = "GET", origin, host, path, query = [], expiresIn = 3600,
                                   region, service = "s3", credentials, now = new Date() }) {
  const { stamp, day } = amzDate(now);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const params = [
    ...query,
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${credentials.accessKeyId}/${scope}`],
    ["X-Amz-Date", stamp],
    ["X-Amz-Expires", String(expiresIn)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  if (credentials.sessionToken) params.push(["X-Amz-Security-Token", credentials.sessionToken]);
  const canonicalRequest = [method, path, canonicalQuery(params), `host:${host}\n`, "host",
                            UNSIGNED_PAYLOAD].join("\n");
  const s = await signature({ credentials, region, service, stamp, day, canonicalRequest });
  params.push(["X-Amz-Signature", s.signature]);
  return `${origin}${path}?${canonicalQuery(params)}`;
}
