// The Billing and Class sections in Chromium against a real awslab-server:
// a student's bill (the same figures as `awslab bill`, to the nano-dollar),
// accruing as the simulation clock moves, the course's lesson (a start and a
// stop a minute later cost a full hour under the hourly rules), the budget's
// alerts, the chart of the month's cost, the teacher's class view (sortable,
// a student never gets it) and the clock page (jump forward, speed).

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";

import {
  ALICE, BOB, TEACHER, accessibilityViolations, adminCall, advanceClock, awslabCli, newPage, screenshot, serverAndBrowser,
} from "./harness.mjs";

const WAIT = { timeout: 15_000 };

// "$1,234.50" -> "1234.5"; "-$0.0116" -> "-0.0116"; "$0.00" -> "0": the
// server's decimal form, to compare shown amounts with the CLI's exactly.
function decimalOf(shown) {
  let t = shown.trim().replace(/[$,\s]/g, "");
  if (t.includes(".")) t = t.replace(/0+$/, "").replace(/\.$/, "");
  return t === "-0" ? "0" : t;
}

async function bill(server, who, account) {
  const args = ["bill", "--output", "json"];
  if (account) args.push("--account", account);
  return JSON.parse(await awslabCli(server, args, who));
}

async function runInstance(server, who, type) {
  const out = JSON.parse(await awslabCli(server, ["ec2", "run", "--image-id", "ami-d1737bb8", "--instance-type", type,
                                                  "--output", "json"], who));
  return out.Instances[0].InstanceId;
}

// Signs in from the console's URL with `hash`, so that the page shown after
// the sign-in is that one (not the S3 buckets, whose own requests on Alice's
// bucket would be billed while the test compares bills).
async function signInAt(page, server, who, hash) {
  await page.goto(`${server.endpoint}/_awslab/console/${hash}`);
  await page.getByLabel("Access key ID").fill(who.keyId);
  await page.getByLabel("Secret access key").fill(who.secret);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator("#identity").waitFor(WAIT);
  await page.locator("main h1").first().waitFor(WAIT);
}

// Goes to `hash` in the same document and waits for its heading.
async function openPage(page, hash, heading) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.getByRole("heading", { level: 1, name: heading, exact: true }).waitFor(WAIT);
}

// The rows' names and totals of the class table, in the order shown.
async function classRows(page) {
  return page.locator("#class-accounts-table tbody tr").evaluateAll((rows) => rows.map((r) => ({
    name: r.dataset.name, total: r.querySelector('td[data-col="total"] [data-amount]')?.dataset.amount,
  })));
}

describe("billing pages in Chromium", () => {
  const env = serverAndBrowser();
  let server, browser;
  let lessonId;

  before(async () => {
    ({ server, browser } = env);
    // Alice works as the course does: an instance for the lesson, one left
    // running, a bucket with a file.
    lessonId = await runInstance(server, ALICE, "t2.micro");
    await runInstance(server, ALICE, "m4.large");
    await awslabCli(server, ["s3", "mb", "s3://alice-course-data"], ALICE);
    const file = path.join(server.root, "notes.txt");
    fs.writeFileSync(file, "notes of the first lesson\n".repeat(1000));
    await awslabCli(server, ["s3", "cp", file, "s3://alice-course-data/notes.txt"], ALICE);
    // Running after 5 s (--ec2-pending); the lesson's instance stops a minute later.
    await advanceClock(server, 65);
    await awslabCli(server, ["ec2", "stop", lessonId], ALICE);
    await advanceClock(server, 2 * 3600);
  });

  test("a student's bill shows what `awslab bill` shows, and accrues as the clock moves", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAt(page, server, ALICE, "#/billing");
    await page.getByRole("heading", { level: 1, name: "Bills" }).waitFor(WAIT);
    assert.equal(await page.locator('nav a[aria-current="page"]').textContent(), "Bills");

    const cli = await bill(server, ALICE);
    assert.equal(cli.account_id, ALICE.id);
    assert.ok(Number(cli.total) > 0);
    const total = page.locator("#bill-total .value");
    await page.locator(`#bill-total .value[data-amount="${cli.total}"]`).waitFor(WAIT);
    assert.equal(decimalOf(await total.textContent()), cli.total);
    assert.equal(decimalOf(await page.locator("#services-total").textContent()), cli.total);

    // Per service: the same services, the same amounts, digit for digit.
    const shown = await page.locator("#services-table tbody tr").evaluateAll((rows) =>
      rows.map((r) => [r.dataset.service, r.querySelector("td[data-amount]").textContent]));
    assert.deepEqual(Object.fromEntries(shown.map(([s, a]) => [s, decimalOf(a)])), cli.services);
    assert.ok(Object.keys(cli.services).includes("Amazon Simple Storage Service"));
    assert.ok(Object.keys(cli.services).includes("Amazon Elastic Compute Cloud - Compute"));

    // Per resource and usage type: every line, its quantity and amount.
    const lines = await page.locator("#lines-table tbody tr").evaluateAll((rows) => rows.map((r) => ({
      resource: r.dataset.resource, usage: r.dataset.usageType,
      quantity: r.querySelector("[data-quantity]").dataset.quantity,
      amount: r.querySelector('td[data-col="amount"]').textContent,
    })));
    assert.deepEqual(lines.map((l) => ({ ...l, amount: decimalOf(l.amount) })),
                     cli.lines.map((l) => ({ resource: l.resource_id, usage: l.usage_type, quantity: l.quantity, amount: l.amount })));
    assert.ok(lines.some((l) => l.resource === "alice-course-data" && l.usage === "TimedStorage-ByteHrs"));

    // The rules in force, in one sentence.
    assert.match(await page.locator("#rules-sentence").textContent(), /^Hourly rules .*every start of an instance bills a full hour/);
    // The budget ($10 in the harness) is not near.
    assert.equal(await page.locator("#budget-alerts li.alert-pending").count(), 3);
    // The chart: a point per period, the figures in its label and table.
    const chart = page.locator("#cost-chart");
    await chart.waitFor(WAIT);
    assert.equal(await chart.getAttribute("role"), "img");
    assert.match(await chart.getAttribute("aria-label"), /^Cumulative cost of April 2013, month to date at the end of each hour: .*\$/);
    const points = await chart.locator("circle.point").evaluateAll((cs) => cs.map((c) => c.dataset.total));
    assert.ok(points.length >= 3, `points: ${points}`);
    assert.equal(points[0], "0");
    assert.ok(Math.abs(Number(points.at(-1)) - Number(cli.total)) < 1e-6, `${points.at(-1)} vs ${cli.total}`);
    assert.equal(await page.locator(".chart-figures tbody tr").count(), points.length - 1);
    await screenshot(page, "billing-01-bill");
    await page.locator(".chart-figures summary").click();
    assert.deepEqual(await accessibilityViolations(page), []);

    // The clock moves: the page follows without a reload.
    await page.evaluate(() => { window.__sameDocument = true; });
    await advanceClock(server, 3 * 3600);
    const later = await bill(server, ALICE);
    assert.ok(Number(later.total) > Number(cli.total), `${later.total} > ${cli.total}`);
    await page.locator(`#bill-total .value[data-amount="${later.total}"]`).waitFor(WAIT);
    for (const [service, amount] of Object.entries(later.services))
      assert.equal(decimalOf(await page.locator(`#services-table tr[data-service="${service}"] td[data-amount]`).textContent()), amount);
    assert.equal(await page.evaluate(() => window.__sameDocument), true);
    await page.waitForFunction((n) => document.querySelectorAll("#cost-chart circle.point").length > n, points.length, WAIT);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the course's lesson: a start and a stop a minute later cost a full hour (hourly rules)", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAt(page, server, ALICE, "#/billing");
    const prices = await adminCall(server, "GET", "/_awslab/prices", undefined, ALICE);
    const hourPrice = prices.instance_types.find((t) => t.name === "t2.micro").usd_per_hour;
    assert.equal(prices.rules, "hourly");
    const row = page.locator(`#lines-table tr[data-resource="${lessonId}"]`);
    await row.waitFor(WAIT);
    assert.equal(await row.locator("[data-quantity]").getAttribute("data-quantity"), "1");
    assert.equal(await row.locator('td[data-col="quantity"]').textContent(), "1 Hrs");
    assert.equal(decimalOf(await row.locator('td[data-col="amount"]').textContent()), hourPrice);
    // Started again for ten minutes: a second full hour.
    await awslabCli(server, ["ec2", "start", lessonId], ALICE);
    await advanceClock(server, 600);
    await awslabCli(server, ["ec2", "stop", lessonId], ALICE);
    await page.locator(`#lines-table tr[data-resource="${lessonId}"] [data-quantity="2"]`).waitFor(WAIT);
    const line = (await bill(server, ALICE)).lines.find((l) => l.resource_id === lessonId);
    assert.equal(line.quantity, "2");
    assert.equal(decimalOf(await row.locator('td[data-col="amount"]').textContent()), line.amount);
    assert.equal(line.amount, String(Number(hourPrice) * 2));
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("budget alerts appear as a student's month to date crosses 50%, 80% and 100% of the budget", async () => {
    await runInstance(server, BOB, "p3.2xlarge");
    const { page, problems, context } = await newPage(browser);
    await signInAt(page, server, BOB, "#/billing");
    await page.locator("#budget-alerts").waitFor(WAIT);
    assert.equal(await page.locator("#budget-alerts li.alert-pending").count(), 3);
    assert.match(await page.locator("#bill-budget-card .value").textContent(), /^\$10\.00$/);
    // Two billed hours ($6.12): past 50%.
    await advanceClock(server, 3700);
    await page.locator('#budget-alerts li.alert-reached[data-threshold="50"]').waitFor(WAIT);
    assert.equal(await page.locator("#budget-alerts li.alert-pending").count(), 2);
    // Four ($12.24): past 80% and 100%.
    await advanceClock(server, 2 * 3600);
    await page.locator('#budget-alerts li.alert-reached[data-threshold="100"]').waitFor(WAIT);
    const api = (await bill(server, BOB)).budget;
    assert.deepEqual(api.alerts.map((a) => a.threshold_percent), [50, 80, 100]);
    for (const a of api.alerts) {
      const item = page.locator(`#budget-alerts li[data-threshold="${a.threshold_percent}"]`);
      const text = await item.textContent();
      assert.ok(text.includes(a.at.replace("T", " ").replace("Z", " UTC")), text);
      assert.equal(await item.locator("[data-amount]").getAttribute("data-amount"), a.month_to_date);
    }
    assert.equal(await page.locator(".alert-over").first().textContent(), "100%");
    // The chart draws the budget line once the cost is near it.
    await page.locator("#cost-chart line.budget-line").waitFor({ state: "attached", ...WAIT });
    await screenshot(page, "billing-04-budget-alerts");
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the teacher's class view: every account's resources and bill, sortable, with a link to each bill", async () => {
    const { page, problems, context } = await newPage(browser);
    await signInAt(page, server, TEACHER, "#/billing");
    await page.getByRole("link", { name: "Class", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Class" }).waitFor(WAIT);
    await page.locator('#class-accounts-table tr[data-name="bob"]').waitFor(WAIT);
    const api = await adminCall(server, "GET", "/_awslab/billing/class");
    await page.locator(`#class-total .value[data-amount="${api.total}"]`).waitFor(WAIT);
    for (const who of [ALICE, BOB]) {
      const a = api.accounts.find((x) => x.account_id === who.id);
      const row = page.locator(`#class-accounts-table tr[data-account="${who.id}"]`);
      assert.equal(await row.getAttribute("data-name"), who.name);
      assert.equal(await row.locator('td[data-col="running"]').textContent(), String(a.resources.instances_running));
      assert.equal(await row.locator('td[data-col="total"] [data-amount]').getAttribute("data-amount"), a.total);
      assert.equal(decimalOf(await row.locator('td[data-col="total"]').textContent()), a.total);
      assert.equal(await row.locator('td[data-col="buckets"]').textContent(), String(a.resources.buckets));
    }
    // Alice: the m4.large running, the lesson's instance stopped, her bucket.
    const alice = page.locator(`#class-accounts-table tr[data-account="${ALICE.id}"]`);
    assert.equal(await alice.locator('td[data-col="running"]').textContent(), "1");
    assert.match(await alice.locator('td[data-col="instances"]').textContent(), /running 1.*stopped 1|stopped 1.*running 1/);
    assert.equal(await alice.locator('td[data-col="buckets"]').textContent(), "1");
    assert.equal(await alice.locator('td[data-col="alert"]').textContent(), "none");
    const bob = page.locator(`#class-accounts-table tr[data-account="${BOB.id}"]`);
    assert.equal(await bob.locator('td[data-col="running"]').textContent(), "1");
    assert.equal(await bob.locator('td[data-col="alert"]').textContent(), "100%");
    assert.equal(await page.locator("#class-running .value").textContent(), "2");

    // Sorted by the month to date: ascending, then descending.
    await page.getByRole("button", { name: "Month to date" }).click();
    await page.locator('th[aria-sort="ascending"] button[data-key="total"]').waitFor(WAIT);
    let rows = await classRows(page);
    assert.deepEqual(rows.map((r) => Number(r.total)), rows.map((r) => Number(r.total)).sort((a, b) => a - b));
    assert.equal(rows.at(-1).name, "bob");
    // Again from the keyboard (the header's sort button keeps the focus).
    await page.getByRole("button", { name: "Month to date" }).press("Enter");
    await page.locator('th[aria-sort="descending"] button[data-key="total"]').waitFor(WAIT);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.key), "total");
    rows = await classRows(page);
    assert.deepEqual(rows.map((r) => r.name).slice(0, 2), ["bob", "alice"]);
    assert.deepEqual(rows.map((r) => Number(r.total)), rows.map((r) => Number(r.total)).sort((a, b) => b - a));
    // The sort survives a live refresh (the clock moves; the table is redrawn).
    await advanceClock(server, 60);
    const moved = await adminCall(server, "GET", "/_awslab/billing/class");
    await page.locator(`#class-total .value[data-amount="${moved.total}"]`).waitFor(WAIT);
    assert.equal(await page.locator('th[aria-sort="descending"] button[data-key="total"]').count(), 1);
    assert.equal((await classRows(page))[0].name, "bob");
    await screenshot(page, "billing-02-class");
    assert.deepEqual(await accessibilityViolations(page), []);

    // A student's bill, as the teacher reads it.
    await page.getByRole("link", { name: "Bill of alice" }).click();
    await page.getByRole("heading", { level: 1, name: "Bills" }).waitFor(WAIT);
    assert.match(page.url(), new RegExp(`#/billing\\?account=${ALICE.id}$`));
    const aliceBill = await bill(server, TEACHER, ALICE.id);
    await page.locator(`#bill-total .value[data-amount="${aliceBill.total}"]`).waitFor(WAIT);
    assert.match(await page.locator("#bill-subtitle").textContent(), /alice \(111122223333\)/);
    assert.equal(await page.getByLabel("Account").inputValue(), ALICE.id);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a student gets no class page, and no other student's bill", async () => {
    const { page, problems, context, httpErrors } = await newPage(browser);
    await signInAt(page, server, ALICE, "#/clock");
    await page.getByRole("link", { name: "Bills", exact: true }).waitFor(WAIT);
    assert.equal(await page.getByRole("link", { name: "Class", exact: true }).count(), 0);
    await openPage(page, "#/class", "Not found");
    assert.equal(await page.locator("main h1").textContent(), "Not found");
    assert.match(await page.locator("main").textContent(), /No console page at #\/class/);
    await openPage(page, `#/billing?account=${BOB.id}`, "Bills");
    await page.locator("#bill-error", { hasText: "AccessDenied" }).waitFor(WAIT);
    assert.equal(httpErrors.length, 1);
    assert.match(httpErrors[0], /status of 403/);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the clock: an admin jumps forward and sets the speed; a student only sees it", async () => {
    const { page, problems, context, httpErrors } = await newPage(browser);
    await signInAt(page, server, TEACHER, "#/billing");
    await page.getByRole("link", { name: "Simulation clock" }).click();
    await page.getByRole("heading", { level: 1, name: "Simulation clock" }).waitFor(WAIT);
    const before = await adminCall(server, "GET", "/_awslab/clock");
    assert.equal(before.time_scale, 0);
    await page.locator(`#sim-clock[data-now="${before.now}"]`).waitFor(WAIT);
    await page.locator(`#clock-now[data-now="${before.now}"]`).waitFor(WAIT);
    assert.match(await page.locator("#clock-speed").textContent(), /^Frozen/);

    await page.getByRole("button", { name: "Jump 1 hour" }).click();
    const hourLater = new Date(Date.parse(before.now) + 3600_000).toISOString();
    await page.locator(`#clock-now[data-now="${hourLater}"]`).waitFor(WAIT);
    assert.equal((await adminCall(server, "GET", "/_awslab/clock")).now, hourLater);
    // The top bar follows.
    await page.locator(`#sim-clock[data-now="${hourLater}"]`).waitFor(WAIT);
    assert.equal(await page.locator("#sim-clock").textContent(), hourLater.replace("T", " ").replace(/\.\d+Z$/, " UTC"));

    // A custom jump; a bad duration gets the API's error.
    await page.getByLabel("Duration (ISO 8601)").fill("3 hours");
    await page.getByRole("button", { name: "Jump forward", exact: true }).click();
    await page.locator("#jump-error", { hasText: "InvalidArgument" }).waitFor(WAIT);
    assert.equal(await page.getByLabel("Duration (ISO 8601)").getAttribute("aria-invalid"), "true");
    await page.getByLabel("Duration (ISO 8601)").fill("PT3H");
    await page.getByRole("button", { name: "Jump forward", exact: true }).click();
    const threeLater = new Date(Date.parse(hourLater) + 3 * 3600_000).toISOString();
    await page.locator(`#clock-now[data-now="${threeLater}"]`).waitFor(WAIT);
    assert.equal(await page.locator("#jump-error").textContent(), "");
    assert.equal(await page.locator("#jump-done").textContent(),
                 `Moved forward PT3H: the clock is at ${threeLater.replace("T", " ").replace(/\.\d+Z$/, " UTC")}.`);

    // The speed.
    assert.equal(await page.getByRole("button", { name: "Set speed: Freeze (×0)" }).getAttribute("aria-pressed"), "true");
    await page.getByRole("button", { name: "Set speed: ×60", exact: true }).click();
    await page.locator('#clock-speed[data-scale="60"]').waitFor(WAIT);
    assert.equal(await page.locator("#speed-done").textContent(), "Speed set: ×60.");
    assert.equal(await page.getByRole("button", { name: "Set speed: ×60", exact: true }).getAttribute("aria-pressed"), "true");
    assert.equal((await adminCall(server, "GET", "/_awslab/clock")).time_scale, 60);
    await page.getByLabel(/Custom speed/).fill("-5");
    await page.getByRole("button", { name: "Set speed", exact: true }).click();
    await page.locator("#speed-error", { hasText: "InvalidArgument: time_scale must be a number" }).waitFor(WAIT);
    await page.getByLabel(/Custom speed/).fill("0");
    await page.getByRole("button", { name: "Set speed", exact: true }).click();
    await page.locator('#clock-speed[data-scale="0"]').waitFor(WAIT);
    const frozen = await adminCall(server, "GET", "/_awslab/clock");
    assert.equal(frozen.time_scale, 0);
    await page.locator(`#sim-clock[data-now="${frozen.now}"]`).waitFor(WAIT);
    await screenshot(page, "billing-03-clock");
    assert.deepEqual(await accessibilityViolations(page), []);
    assert.equal(httpErrors.length, 2);
    assert.ok(httpErrors.every((e) => /status of 400/.test(e)), String(httpErrors));
    assert.deepEqual(problems, []);
    await context.close();

    const student = await newPage(browser);
    await signInAt(student.page, server, ALICE, "#/clock");
    const now = (await adminCall(server, "GET", "/_awslab/clock")).now;
    await student.page.locator(`#clock-now[data-now="${now}"]`).waitFor(WAIT);
    await student.page.locator("#clock-no-controls").waitFor(WAIT);
    assert.equal(await student.page.getByRole("button", { name: "Jump 1 hour" }).count(), 0);
    assert.equal(await student.page.getByRole("button", { name: /Set speed/ }).count(), 0);
    await screenshot(student.page, "billing-05-clock-student");
    assert.deepEqual(await accessibilityViolations(student.page), []);
    assert.deepEqual(student.problems, []);
    await student.context.close();
  });
});
