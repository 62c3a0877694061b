// The console's only way to the server: signed calls to S3 (REST-XML), EC2
// (Query API), Cost Explorer (JSON 1.1) and the admin API (JSON), the same
// APIs every other client uses. Errors become AwsError with AWS's code and
// message, whatever the API's error format.

import { EMPTY_SHA256, UNSIGNED_PAYLOAD, canonicalQuery, encodePath, presignUrl, sha256Hex,
         signRequest } from "./sigv4.js";

export class AwsError extends Error {
  constructor(status, code, message, requestId = "") {
    super(message ? `${code}: ${message}` : code);
    this.name = "AwsError";
    this.status = status;
    this.code = code;
    this.awsMessage = message;
    this.requestId = requestId;
  }
}

// --- XML helpers (EC2 and S3 answer in XML with a default namespace) -------

export function parseXml(text) {
  const doc = new DOMParser().parseFromString(text, "application/xml");
  if (doc.getElementsByTagName("parsererror").length) throw new Error("the server sent XML that does not parse");
  return doc;
}

// The direct children of `el` named `name` (local name, any namespace).
export function children(el, name) {
  if (!el) return [];
  return Array.from(el.children).filter((c) => c.localName === name);
}

export function child(el, name) {
  return children(el, name)[0] ?? null;
}

// Follows "a/b/c" through direct children; null when a step is missing.
export function at(el, path) {
  let cur = el;
  for (const step of path.split("/")) {
    cur = child(cur, step);
    if (!cur) return null;
  }
  return cur;
}

// The text at "a/b/c" under `el`, or `fallback`.
export function text(el, path, fallback = "") {
  const node = at(el, path);
  return node ? node.textContent : fallback;
}

// EC2's lists: <listName><item>...</item>...</listName>, as an array of items.
export function items(el, listPath) {
  return children(at(el, listPath), "item");
}

// EC2's tag sets as an object: {Name: "web", ...}.
export function tagsOf(el) {
  const out = {};
  for (const item of items(el, "tagSet")) out[text(item, "key")] = text(item, "value");
  return out;
}

// --- The session -------------------------------------------------------------

const STORAGE_KEY = "awslab.console.session";

export class Session {
  // credentials: {accessKeyId, secretAccessKey}; region: the EC2 region shown.
  constructor({ accessKeyId, secretAccessKey, region = "us-east-1", identity = null }) {
    this.credentials = { accessKeyId, secretAccessKey };
    this.region = region;
    this.identity = identity; // {account_id, name, admin, access_key_id}
    this.origin = location.origin;
    this.host = location.host;
  }

  // The session of this browser tab (sessionStorage: gone when the tab closes).
  static load() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || "null");
      return saved ? new Session(saved) : null;
    } catch {
      return null;
    }
  }

  save() {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify({
      ...this.credentials, region: this.region, identity: this.identity,
    }));
  }

  static clear() {
    sessionStorage.removeItem(STORAGE_KEY);
  }

  async signedFetch({ method = "GET", path = "/", query = [], headers = {}, body, service, region,
                      unsigned = false }) {
    let payloadHash = EMPTY_SHA256;
    if (unsigned) payloadHash = UNSIGNED_PAYLOAD;
    else if (body !== undefined && body !== null) payloadHash = await sha256Hex(body);
    const signed = await signRequest({
      method, host: this.host, path, query, headers, payloadHash,
      region: region ?? this.region, service, credentials: this.credentials,
    });
    const qs = canonicalQuery(query);
    let response;
    try {
      response = await fetch(`${this.origin}${path}${qs ? "?" + qs : ""}`, {
        method, headers: signed, body: body ?? undefined, cache: "no-store", credentials: "omit",
      });
    } catch (e) {
      throw new AwsError(0, "NetworkError", `the server did not answer (${e.message})`);
    }
    return response;
  }

  // --- S3 ---------------------------------------------------------------------

  // The encoded path of a bucket or an object.
  static s3Path(bucket, key) {
    if (!bucket) return "/";
    return key === undefined || key === null ? `/${encodePath(bucket)}` : `/${encodePath(bucket)}/${encodePath(key)}`;
  }

  // One S3 call; `query` as [[name, value]] ("acl" with value "" for ?acl).
  // Answers the Response when 2xx (or 304), throws AwsError otherwise.
  async s3({ method = "GET", bucket, key, query = [], headers = {}, body, unsigned = false } = {}) {
    const response = await this.signedFetch({
      method, path: Session.s3Path(bucket, key), query, headers, body, service: "s3",
      region: "us-east-1", unsigned,
    });
    if (response.ok || response.status === 304) return response;
    throw await s3Error(response);
  }

  // The same, the body parsed as XML.
  async s3Xml(options) {
    const response = await this.s3(options);
    return parseXml(await response.text()).documentElement;
  }

  // A URL that GETs (or `method`s) the object for `expiresIn` seconds without
  // credentials: what the console's download links are.
  presign(bucket, key, { expiresIn = 3600, method = "GET", query = [] } = {}) {
    return presignUrl({ method, origin: this.origin, host: this.host, path: Session.s3Path(bucket, key),
                        query, expiresIn, region: "us-east-1", credentials: this.credentials });
  }

  // The object's plain (unsigned) URL: what anyone can fetch when it is public.
  publicUrl(bucket, key) {
    return `${this.origin}${Session.s3Path(bucket, key)}`;
  }

  // PUT of a File or Blob with progress (fetch cannot report upload
  // progress): signed with UNSIGNED-PAYLOAD, so the file is not read twice.
  // onProgress(loaded, total). Resolves to the ETag.
  async uploadObject(bucket, key, blob, { headers = {}, onProgress, signal } = {}) {
    const path = Session.s3Path(bucket, key);
    const toSign = { ...headers };
    if (blob.type && !Object.keys(toSign).some((h) => h.toLowerCase() === "content-type"))
      toSign["content-type"] = blob.type;
    const signed = await signRequest({
      method: "PUT", host: this.host, path, headers: toSign, payloadHash: UNSIGNED_PAYLOAD,
      region: "us-east-1", service: "s3", credentials: this.credentials,
    });
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", `${this.origin}${path}`);
      for (const [name, value] of Object.entries(signed)) xhr.setRequestHeader(name, value);
      xhr.upload.onprogress = (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : blob.size);
      xhr.onload = () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          onProgress?.(blob.size, blob.size);
          resolve(xhr.getResponseHeader("ETag") ?? "");
        } else {
          reject(s3ErrorFromText(xhr.status, xhr.responseText));
        }
      };
      xhr.onerror = () => reject(new AwsError(0, "NetworkError", "the upload was cut off"));
      xhr.onabort = () => reject(new AwsError(0, "Aborted", "the upload was cancelled"));
      signal?.addEventListener("abort", () => xhr.abort());
      xhr.send(blob);
    });
  }

  // --- EC2 --------------------------------------------------------------------

  // One Query API call: params is {Name: value} or [[name, value]]; lists are
  // spelled out by the caller ("InstanceId.1"). Answers the response's root
  // element (<DescribeInstancesResponse>).
  async ec2(action, params = {}, { region } = {}) {
    const form = new URLSearchParams();
    form.set("Action", action);
    form.set("Version", "2016-11-15");
    const entries = Array.isArray(params) ? params : Object.entries(params);
    for (const [k, v] of entries) if (v !== undefined && v !== null) form.append(k, String(v));
    const body = form.toString();
    const response = await this.signedFetch({
      method: "POST", path: "/", body, service: "ec2", region: region ?? this.region,
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    });
    const textBody = await response.text();
    if (!response.ok) {
      let code = `HTTP${response.status}`, message = textBody.slice(0, 300), requestId = "";
      try {
        const root = parseXml(textBody).documentElement;
        const err = at(root, "Errors/Error");
        if (err) {
          code = text(err, "Code");
          message = text(err, "Message");
        }
        requestId = text(root, "RequestID") || text(root, "RequestId");
      } catch { /* not XML: keep the text */ }
      throw new AwsError(response.status, code, message, requestId);
    }
    return parseXml(textBody).documentElement;
  }

  // --- Cost Explorer -------------------------------------------------------------

  async ce(operation, request) {
    const body = JSON.stringify(request);
    const response = await this.signedFetch({
      method: "POST", path: "/", body, service: "ce", region: "us-east-1",
      headers: { "content-type": "application/x-amz-json-1.1",
                 "x-amz-target": `AWSInsightsIndexService.${operation}` },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      const code = String(data.__type ?? `HTTP${response.status}`).split("#").pop();
      throw new AwsError(response.status, code, data.message ?? data.Message ?? "");
    }
    return data;
  }

  // --- The admin API (/_awslab/...) ----------------------------------------------

  async admin(method, path, { query = [], body } = {}) {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const response = await this.signedFetch({
      method, path, query, body: payload, service: "awslab", region: "us-east-1",
      headers: payload === undefined ? {} : { "content-type": "application/json" },
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new AwsError(response.status, data.error?.code ?? `HTTP${response.status}`,
                         data.error?.message ?? "");
    }
    return data;
  }
}

async function s3Error(response) {
  return s3ErrorFromText(response.status, await response.text().catch(() => ""));
}

function s3ErrorFromText(status, body) {
  let code = `HTTP${status}`, message = "", requestId = "";
  if (body) {
    try {
      const root = parseXml(body).documentElement;
      code = text(root, "Code") || code;
      message = text(root, "Message");
      requestId = text(root, "RequestId");
    } catch { /* no XML body (HEAD) */ }
  }
  if (!message) {
    // HEAD answers have no body: name the usual causes as AWS's codes do.
    if (status === 404) code = "NotFound";
    else if (status === 403) code = "Forbidden";
  }
  return new AwsError(status, code, message, requestId);
}
