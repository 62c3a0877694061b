// The console's files as the server serves them, and its shell in Chromium:
// sign-in (refused with a clear message for a wrong key), who is signed in,
// the navigation by keyboard, sign-out.

import assert from "node:assert/strict";
import http from "node:http";
import { after, before, describe, test } from "node:test";

import { ALICE, TEACHER, newPage, screenshot, serverAndBrowser, signIn, startServer } from "./harness.mjs";

function rawStatus(port, rawPath) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: rawPath, method: "GET" }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("console files", () => {
  let server;
  before(async () => { server = await startServer(); });
  after(async () => { await server?.stop(); });

  test("the index page, with its type, cache validator and a policy that allows only this origin", async () => {
    const r = await fetch(`${server.endpoint}/_awslab/console/`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "text/html; charset=utf-8");
    const csp = r.headers.get("content-security-policy");
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /script-src 'self'/);
    assert.equal(r.headers.get("x-content-type-options"), "nosniff");
    const body = await r.text();
    assert.match(body, /<script type="module" src="js\/app.js"><\/script>/);
    const etag = r.headers.get("etag");
    assert.match(etag, /^"[0-9a-f]{16}"$/);
    const again = await fetch(`${server.endpoint}/_awslab/console/index.html`, { headers: { "If-None-Match": etag } });
    assert.equal(again.status, 304);
  });

  test("modules and styles with their types; HEAD tells the length without a body", async () => {
    const js = await fetch(`${server.endpoint}/_awslab/console/js/sigv4.js`);
    assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
    const text = await js.text();
    assert.match(text, /export async function signRequest/);
    const css = await fetch(`${server.endpoint}/_awslab/console/css/console.css`);
    assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
    const head = await fetch(`${server.endpoint}/_awslab/console/js/sigv4.js`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(Number(head.headers.get("content-length")), Buffer.byteLength(text));
  });

  test("a missing file is 404, a climb out of the folder is refused, a write is 405", async () => {
    assert.equal((await fetch(`${server.endpoint}/_awslab/console/nope.js`)).status, 404);
    // fetch would resolve the dots itself: send the path as written.
    for (const raw of ["/_awslab/console/js/../../main.cc", "/_awslab/console/js/%2e%2e/%2e%2e/main.cc",
                       "/_awslab/console/js//app.js"])
      assert.equal(await rawStatus(server.port, raw), 404, raw);
    assert.equal((await fetch(`${server.endpoint}/_awslab/console/.hidden`)).status, 404);
    const put = await fetch(`${server.endpoint}/_awslab/console/index.html`, { method: "PUT", body: "x" });
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "GET, HEAD");
  });

  test("/_awslab/console redirects to the folder", async () => {
    const r = await fetch(`${server.endpoint}/_awslab/console`, { redirect: "manual" });
    assert.equal(r.status, 301);
    assert.equal(r.headers.get("location"), "/_awslab/console/");
  });
});

describe("console shell in Chromium", () => {
  const env = serverAndBrowser();
  let server, browser;
  before(() => ({ server, browser } = env));

  test("a wrong secret is refused with a message; the right one signs in as the admin", async () => {
    const { page, problems, context } = await newPage(browser);
    await page.goto(`${server.endpoint}/_awslab/console/`);
    await screenshot(page, "01-sign-in");
    await page.getByLabel("Access key ID").fill("test");
    await page.getByLabel("Secret access key").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("#sign-in-error", { hasText: "not valid" }).waitFor();
    await page.getByLabel("Secret access key").fill("test");
    await page.getByRole("button", { name: "Sign in" }).click();
    const identity = page.locator("#identity");
    await identity.waitFor();
    assert.match(await identity.textContent(), /default \(000000000000\)admin/);
    // The signed-in shell reads the simulation clock (frozen at its start).
    await page.locator("#sim-clock", { hasText: "2013-04-01 00:00:00 UTC" }).waitFor();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Sign in" }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a student signs in with their own key and is no admin", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, ALICE);
    const text = await page.locator("#identity").textContent();
    assert.equal(text, "alice (111122223333)");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the session survives a reload of the tab; the navigation works from the keyboard", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    await page.reload();
    await page.locator("#identity").waitFor();
    // The skip link is the first stop of the Tab key and moves to the content.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement.textContent);
    assert.equal(focused, "Skip to content");
    assert.deepEqual(problems, []);
    await context.close();
  });
});
