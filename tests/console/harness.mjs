// What the web console's browser tests share: the real awslab-server (a
// fresh data dir, a class of accounts, a frozen simulation clock), Debian's
// Chromium driven headless by playwright-core, sign-in, screenshots saved as
// test artifacts, and the page's console errors collected so a test can
// require that there were none.

import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { after, before } from "node:test";

import { chromium } from "playwright-core";

import { Server } from "../clients/js/server.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

// The class: the teacher is the server's default admin account (test/test);
// two students with keys of their own.
export const TEACHER = { id: "000000000000", keyId: "test", secret: "test" };
export const ALICE = { id: "111122223333", name: "alice", keyId: "AKIAALICEEXAMPLE0001", secret: "alice-secret" };
export const BOB = { id: "444455556666", name: "bob", keyId: "AKIABOBEXAMPLE000001", secret: "bob-secret" };

// Where screenshots go: $AWSLAB_ARTIFACTS (ctest sets it under the build
// tree), or tests/console/artifacts.
export const ARTIFACTS = process.env.AWSLAB_ARTIFACTS || path.join(here, "artifacts");

// Starts awslab-server with the class's accounts, the clock frozen at
// 2013-04-01T00:00:00Z (it moves only when a test, or the console's clock
// page, moves it) and `args`.
export async function startServer(args = [], prefix = "awslab-console-") {
  const server = new Server(prefix);
  const accounts = path.join(server.root, "accounts.json");
  fs.writeFileSync(accounts, JSON.stringify({
    accounts: [ALICE, BOB].map((s) => ({
      id: s.id, name: s.name, admin: false, email: `${s.name}@example.com`, budget_usd: "10",
      access_keys: [{ id: s.keyId, secret: s.secret }],
    })),
  }));
  server.args = ["--accounts", accounts, "--time-scale", "0", "--clock-start", "2013-04-01T00:00:00Z",
                 ...args];
  // While working on the pages: serve them from the source tree, no rebuild.
  if (process.env.AWSLAB_CONSOLE_DIR) server.args.push("--console-dir", process.env.AWSLAB_CONSOLE_DIR);
  await server.start();
  return server;
}

// A server (startServer(args)) and a browser for the tests of the enclosing
// describe (or file): started by a before hook, stopped by an after hook.
// Answers an object whose .server and .browser are set once the hook ran.
export function serverAndBrowser(args = []) {
  const env = { server: null, browser: null };
  before(async () => {
    env.server = await startServer(args);
    env.browser = await launchBrowser();
  });
  after(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

export function chromiumPath() {
  return process.env.AWSLAB_CHROMIUM || "/usr/bin/chromium";
}

// Debian's Chromium, headless, with nothing reaching outside the machine.
export async function launchBrowser() {
  const executablePath = chromiumPath();
  if (!fs.existsSync(executablePath))
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium (scripts/deps.sh does)`);
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage"],
  });
}

// A new page at 1280×800 (a laptop), downloads accepted, with its console
// errors and uncaught exceptions collected in `problems`. The browser
// reports every 4xx/5xx answer as a console error ("Failed to load
// resource"); those are the API's answers, which the page shows, so they are
// kept apart in `httpErrors` and the test decides which it expects.
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  const problems = [];
  const httpErrors = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (/Failed to load resource: the server responded with a status of \d{3}/.test(text)) httpErrors.push(text);
    else problems.push(`console.error: ${text}`);
  });
  page.on("pageerror", (e) => problems.push(`uncaught: ${e.message}`));
  return { context, page, problems, httpErrors };
}

// Saves a full-page screenshot as ARTIFACTS/<name>.png.
export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

// Opens the console and signs in with `who`'s key; waits for the shell.
export async function signIn(page, server, who = TEACHER) {
  await page.goto(`${server.endpoint}/_awslab/console/`);
  await page.getByLabel("Access key ID").fill(who.keyId);
  await page.getByLabel("Secret access key").fill(who.secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#identity").waitFor();
}

// Runs the awslab CLI ($AWSLAB_CLI) against the server as `who`; answers
// stdout (throws with stderr on a non-zero exit).
export async function awslabCli(server, args, who = TEACHER) {
  const cli = process.env.AWSLAB_CLI;
  if (!cli) throw new Error("AWSLAB_CLI is not set: point it at the awslab binary");
  const env = { PATH: process.env.PATH, HOME: server.root,
                AWS_ACCESS_KEY_ID: who.keyId, AWS_SECRET_ACCESS_KEY: who.secret,
                AWS_DEFAULT_REGION: "us-east-1", AWS_CONFIG_FILE: "/dev/null",
                AWS_SHARED_CREDENTIALS_FILE: "/dev/null" };
  const { stdout } = await run(cli, ["--endpoint-url", server.endpoint, ...args], { env, cwd: server.root, maxBuffer: 1 << 24 });
  return stdout;
}

// A signed admin-API call from Node (moving the clock, reading the bill),
// with the console's own signer: Node has Web Crypto, TextEncoder and fetch.
export async function adminCall(server, method, apiPath, body, who = TEACHER) {
  const { signRequest, sha256Hex } = await import("../../emulator/console/js/sigv4.js");
  const payload = body === undefined ? "" : JSON.stringify(body);
  const url = new URL(apiPath, server.endpoint);
  const headers = await signRequest({
    method, host: url.host, path: url.pathname,
    query: [...url.searchParams.entries()],
    headers: payload ? { "content-type": "application/json" } : {},
    payloadHash: await sha256Hex(payload), region: "us-east-1", service: "awslab",
    credentials: { accessKeyId: who.keyId, secretAccessKey: who.secret },
  });
  const response = await fetch(url, { method, headers, body: payload || undefined });
  const data = await response.json();
  if (!response.ok) throw new Error(`${method} ${apiPath}: ${response.status} ${JSON.stringify(data)}`);
  return data;
}

export async function advanceClock(server, seconds) {
  return adminCall(server, "POST", "/_awslab/clock", { advance_seconds: seconds });
}

// Runs axe-core (from npm, pinned) in the page and answers its violations of
// WCAG 2 A and AA as "rule: description (n elements: selectors)" lines.
// page.evaluate runs through the DevTools protocol, so the console's
// Content-Security-Policy stays on for the page's own scripts.
export async function accessibilityViolations(page) {
  const source = fs.readFileSync(path.join(here, "node_modules", "axe-core", "axe.min.js"), "utf8");
  await page.evaluate(source);
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
  return result.map((v) => `${v.id}: ${v.help} (${v.nodes.length}: ${v.nodes.slice(0, 5).join(", ")})`);
}
