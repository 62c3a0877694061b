// The course's lab, start to finish, as one student does it in the browser:
// sign in; a bucket name refused with its rule, then a bucket; a file up,
// down, public and fetched anonymously; an instance launched with a new key
// pair, watched to running, stopped; an Elastic IP allocated and associated;
// the instance terminated and the address released; and the bill, which must
// match `awslab bill` to the nano-dollar. Then the teacher sees the student
// in the class view with the same total.

import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { before, describe, test } from "node:test";

import { ALICE, TEACHER, advanceClock, awslabCli, newPage, screenshot, serverAndBrowser,
         signIn } from "./harness.mjs";

const WAIT = { timeout: 20_000 };
const BUCKET = "alice-lab-data";
const FILE = "reviews.csv";
const CONTENT = "id,review\n1,great course\n2,too many hours billed\n";

describe("the course's lab", () => {
  const env = serverAndBrowser();
  let server, browser;
  before(() => ({ server, browser } = env));

  test("a student's lab in the console, and the bill it costs", async () => {
    const { page, problems, context } = await newPage(browser);
    const nav = (name) => page.getByRole("navigation", { name: "Services" }).getByRole("link", { name, exact: true }).click();
    await signIn(page, server, ALICE);
    await page.getByRole("heading", { level: 1, name: "Buckets" }).waitFor(WAIT);

    // S3: the course's invalid name is refused with its rule; a valid one is made.
    await page.getByRole("button", { name: "Create bucket" }).click();
    const create = page.getByRole("dialog", { name: "Create bucket" });
    await create.getByLabel("Bucket name").fill("my..examplebucket");
    await create.getByRole("button", { name: "Create bucket" }).click();
    await create.locator("#bucket-name-problem", { hasText: "separated by a single period" }).waitFor(WAIT);
    await screenshot(page, "lab-01-invalid-bucket-name");
    await create.getByLabel("Bucket name").fill(BUCKET);
    await create.getByRole("button", { name: "Create bucket" }).click();
    await page.locator(`#buckets tr[data-bucket="${BUCKET}"]`).waitFor(WAIT);
    assert.match(await awslabCli(server, ["s3", "ls"], ALICE), new RegExp(BUCKET));

    // Upload through the file input, download through the page's link.
    await page.getByRole("link", { name: BUCKET }).click();
    await page.getByRole("heading", { level: 1, name: `Bucket ${BUCKET}` }).waitFor(WAIT);
    const file = path.join(server.root, FILE);
    fs.writeFileSync(file, CONTENT);
    await page.getByLabel(`Upload files to ${BUCKET}/`).setInputFiles(file);
    await page.locator("#uploads li.done").first().waitFor(WAIT);
    const row = page.locator(`#objects tr[data-key="${FILE}"]`);
    await row.waitFor(WAIT);
    assert.equal(await awslabCli(server, ["s3", "cp", `s3://${BUCKET}/${FILE}`, "-"], ALICE), CONTENT);
    await row.locator("a.download[data-signed=true]").waitFor(WAIT);
    const [download] = await Promise.all([page.waitForEvent("download"),
                                          row.getByRole("link", { name: `Download ${FILE}` }).click()]);
    assert.equal(fs.readFileSync(await download.path(), "utf8"), CONTENT);

    // Public: anyone can fetch its URL, with no credentials at all.
    await page.getByRole("button", { name: FILE, exact: true }).click();
    const object = page.getByRole("dialog", { name: `Object ${FILE}` });
    const url = await object.getByLabel("Public URL").inputValue();
    assert.equal((await fetch(url)).status, 403);
    await object.getByLabel("Canned ACL").selectOption("public-read");
    await object.getByRole("button", { name: "Apply ACL" }).click();
    await object.locator("#object-acl-badge .acl-public").waitFor(WAIT);
    const anonymous = await fetch(url);
    assert.equal(anonymous.status, 200);
    assert.equal(await anonymous.text(), CONTENT);
    await screenshot(page, "lab-02-public-object");
    await object.getByRole("button", { name: "Close" }).click();

    // EC2: launch with a new key pair (its .pem downloaded) and a new group.
    await nav("Launch instance");
    await page.getByRole("heading", { name: "Launch an instance", level: 1 }).waitFor(WAIT);
    await page.getByLabel("Name", { exact: true }).fill("lab-box");
    await page.getByLabel("Instance type", { exact: true }).selectOption("t2.micro");
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Create new key pair" }).click();
    const keyDialog = page.getByRole("dialog", { name: "Create key pair" });
    await keyDialog.getByLabel("Key pair name").fill("lab-key");
    await keyDialog.getByRole("button", { name: "Create key pair" }).click();
    const pem = await downloading;
    assert.equal(pem.suggestedFilename(), "lab-key.pem");
    assert.match(fs.readFileSync(await pem.path(), "utf8"), /^-----BEGIN RSA PRIVATE KEY-----/);
    await page.getByLabel("Create security group").check();
    await page.getByLabel("Security group name").fill("lab-ssh");
    await page.getByRole("button", { name: "Launch instance", exact: true }).click();
    await page.waitForURL(/#\/ec2\/instances/);
    const instanceRow = page.locator("#instances-table tbody tr", { hasText: "lab-box" });
    await instanceRow.waitFor(WAIT);
    const id = await instanceRow.getAttribute("data-id");
    const state = (s) => instanceRow.locator('td[data-col="state"]').getByText(s, { exact: true }).waitFor(WAIT);
    await state("pending");
    await screenshot(page, "lab-03-pending");
    // The teacher's clock moves (as in class); the table follows by itself.
    await advanceClock(server, 10);
    await state("running");
    await screenshot(page, "lab-04-running");

    // Stop, a minute after it started running.
    await advanceClock(server, 60);
    await page.getByRole("radio", { name: `Select lab-box (${id})` }).check();
    await page.getByRole("button", { name: "Stop instance" }).click();
    await page.getByRole("dialog", { name: "Stop instance?" }).getByRole("button", { name: "Stop", exact: true }).click();
    await state("stopping");
    await advanceClock(server, 10);
    await state("stopped");

    // An Elastic IP, associated: the stopped instance shows it.
    await nav("Elastic IPs");
    await page.getByRole("button", { name: "Allocate Elastic IP address" }).click();
    const eip = page.locator("#addresses-table tbody tr.selected");
    await eip.waitFor(WAIT);
    const allocation = await eip.getAttribute("data-id");
    const ip = (await eip.locator('td[data-col="publicIp"]').textContent()).trim();
    await page.getByRole("button", { name: "Associate Elastic IP address", exact: true }).click();
    const associate = page.getByRole("dialog", { name: "Associate Elastic IP address" });
    await associate.getByLabel("Instance").selectOption(id);
    await associate.getByRole("button", { name: "Associate", exact: true }).click();
    await eip.locator('td[data-col="instanceId"]', { hasText: id }).waitFor(WAIT);
    await nav("Instances");
    await instanceRow.locator('td[data-col="publicIp"]').getByText(ip).waitFor(WAIT);
    await screenshot(page, "lab-05-elastic-ip");

    // The end of the lab: terminate, then release the address.
    await page.getByRole("radio", { name: `Select lab-box (${id})` }).check();
    await page.getByRole("button", { name: "Terminate instance" }).click();
    await page.getByRole("dialog", { name: "Terminate instance?" }).getByRole("button", { name: "Terminate", exact: true }).click();
    await state("shutting-down");
    await advanceClock(server, 10);
    await state("terminated");
    await nav("Elastic IPs");
    await page.getByRole("radio", { name: `Select ${ip} (${allocation})` }).check();
    await page.getByRole("button", { name: "Release Elastic IP address" }).click();
    await page.getByRole("dialog", { name: "Release Elastic IP address?" }).getByRole("button", { name: "Release", exact: true }).click();
    await page.locator("#addresses-table td.empty").waitFor(WAIT);

    // The bill, an hour later: the page and `awslab bill` agree exactly.
    await advanceClock(server, 3600);
    await nav("Bills");
    await page.getByRole("heading", { level: 1, name: "Bills" }).waitFor(WAIT);
    const cli = JSON.parse(await awslabCli(server, ["bill", "--output", "json"], ALICE));
    await page.locator(`#bill-total .value[data-amount="${cli.total}"]`).waitFor(WAIT);
    const services = await page.locator("#services-table tbody tr").evaluateAll((rows) =>
      Object.fromEntries(rows.map((r) => [r.dataset.service, r.querySelector("td[data-amount]").dataset.amount])));
    assert.deepEqual(services, cli.services);
    // The course's lesson, on the bill: a minute of running is a full hour.
    const box = cli.lines.find((l) => l.resource_id === id && l.usage_type === "BoxUsage:t2.micro");
    assert.equal(box.quantity, "1");
    assert.equal(box.amount, "0.0116");
    await page.locator(`#lines-table tr[data-resource="${id}"]`).waitFor(WAIT);
    await screenshot(page, "lab-06-bill");
    assert.deepEqual(problems, []);
    await context.close();

    // The teacher sees the student, with the same total.
    const teacher = await newPage(browser);
    await signIn(teacher.page, server, TEACHER);
    await teacher.page.goto(`${server.endpoint}/_awslab/console/#/class`);
    const alice = teacher.page.locator(`#class-table tr[data-account="${ALICE.id}"]`);
    await alice.waitFor(WAIT);
    await alice.locator(`[data-amount="${cli.total}"]`).waitFor(WAIT);
    await screenshot(teacher.page, "lab-07-class");
    assert.deepEqual(teacher.problems, []);
    await teacher.context.close();
  });
});
