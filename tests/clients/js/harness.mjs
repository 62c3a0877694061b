// What the JavaScript client suites share: the real awslab-server started on
// a free loopback port with a fresh data dir and stopped by its pid, the
// client's isolation from the machine's AWS configuration, and what S3
// computes (CRC32, SHA-256, MD5 ETags), computed here independently of the SDK.

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";

import { S3Client } from "@aws-sdk/client-s3";

// ---------------------------------------------------------------------------
// The server: a fresh data dir, a free port, stopped by its pid.

export class Server {
  // `prefix` names the temporary folder (data dir and log).
  constructor(prefix = "awslab-js-") {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.portFile = path.join(this.root, "port");
    this.logFile = path.join(this.root, "server.log");
    this.proc = null;
    this.port = 0;
  }

  async start() {
    const binary = process.env.AWSLAB_SERVER;
    if (!binary) throw new Error("AWSLAB_SERVER is not set: point it at the awslab-server binary");
    const log = fs.openSync(this.logFile, "a");
    this.proc = spawn(binary, ["--host", "127.0.0.1", "--port", "0", "--port-file", this.portFile,
                               "--data-dir", path.join(this.root, "data"), "--quiet"],
                      { stdio: ["ignore", log, log] });
    fs.closeSync(log);
    let exited = null;
    this.exit = new Promise((resolve) => this.proc.on("exit", (code, signal) => {
      exited = code ?? signal;
      resolve(exited);
    }));
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (exited !== null) throw new Error(`awslab-server exited (${exited}): ${this.log()}`);
      if (fs.existsSync(this.portFile)) {
        const text = fs.readFileSync(this.portFile, "utf8").trim();
        if (text) {
          this.port = Number(text);
          return;
        }
      }
      await sleep(10);
    }
    this.proc.kill("SIGKILL");
    throw new Error(`awslab-server wrote no port file within 10 s: ${this.log()}`);
  }

  get endpoint() {
    return `http://127.0.0.1:${this.port}`;
  }

  log() {
    try {
      return fs.readFileSync(this.logFile, "utf8").slice(-4000);
    } catch {
      return "";
    }
  }

  async stop() {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill("SIGTERM");
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 5000);
      await this.exit;
      clearTimeout(timer);
    }
    fs.rmSync(this.root, { recursive: true, force: true });
  }
}

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
