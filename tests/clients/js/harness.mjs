// What the JavaScript client suites share: the real awslab-server started on
// a free loopback port with a fresh data dir and stopped by its pid, the
// client's isolation from the machine's AWS configuration, and what S3
// computes (CRC32, SHA-256, MD5 ETags), computed here independently of the SDK.

import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";

import { S3Client } from "@aws-sdk/client-s3";

export { Server } from "./server.mjs";

// ---------------------------------------------------------------------------
// Client isolation: no shared config, credentials, metadata service or proxy.

export function isolateEnvironment() {
  for (const name of Object.keys(process.env)) {
    const upper = name.toUpperCase();
    if (upper.startsWith("AWS_") || ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"].includes(upper)) {
      delete process.env[name];
    }
  }
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "awslab-js-home-"));
  for (const name of ["config", "credentials"]) fs.writeFileSync(path.join(home, name), "");
  Object.assign(process.env, {
    AWS_CONFIG_FILE: path.join(home, "config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    NO_PROXY: "*",
  });
  return home;
}

// ---------------------------------------------------------------------------
// CRC32 (IEEE), written out so the test does not trust the SDK's own.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

// The CRC32 of `buffer` as 4 big-endian bytes, and as S3's base64.
export function crc32Raw(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out;
}

export const crc32Base64 = (buffer) => crc32Raw(buffer).toString("base64");

export const sha256 = (b) => createHash("sha256").update(b).digest("hex");
export const md5Etag = (b) => `"${createHash("md5").update(b).digest("hex")}"`;

// A Readable that yields `data` in pieces, as a file or socket would.
export function streamOf(data, piece = 16 * 1024) {
  return Readable.from((function* () {
    for (let i = 0; i < data.length; i += piece) yield data.subarray(i, i + piece);
  })());
}

// An S3 client for `endpoint` with the server's default key, path-style, no
// retries; it appends {command, headers} of each request as sent (after
// signing) to `wire`.
export function wireLoggingClient(endpoint, wire) {
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  // The deserialize step runs after signing (finalizeRequest), right before
  // the HTTP handler: these are the headers on the wire.
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      wire.push({ command: context.commandName, headers: { ...args.request.headers } });
      return next(args);
    },
    { step: "deserialize", name: "recordWireHeaders", priority: "low" },
  );
  return s3;
}
