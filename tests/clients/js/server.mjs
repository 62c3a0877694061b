// The real awslab-server for the JavaScript suites (the SDK's and the web
// console's): a fresh data dir, a free loopback port, stopped by its pid.
// No dependencies beyond Node, so any suite can import it.

import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export class Server {
  // `prefix` names the temporary folder (data dir and log); `args` are more
  // flags for awslab-server.
  constructor(prefix = "awslab-js-", args = []) {
    this.args = args;
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
                               "--data-dir", path.join(this.root, "data"), "--quiet", ...this.args],
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

