// The console's S3 pages in Chromium against the real server: bucket names
// refused in the page by the course's rules (nothing sent), buckets created
// and deleted, a file uploaded with progress and checked byte for byte by the
// awslab CLI, downloaded through the page's link, made public and private
// again (checked by anonymous requests from Node), the course's quiz (a
// private object in a public-read bucket), the bucket policy editor, and a
// student who does not see the teacher's buckets.

import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { encodePath, sha256Hex, signRequest } from "../../emulator/console/js/sigv4.js";
import { ALICE, TEACHER, awslabCli, newPage, screenshot, serverAndBrowser, signIn } from "./harness.mjs";

const BUCKET = "console-bucket.1";
const FOLDER = "notes 2013/";
// A key with a space, unicode, "+" and "%": each must be encoded once, right.
const FILE_NAME = "hello wörld+100%.txt";
const KEY = FOLDER + FILE_NAME;
const CONTENT = Buffer.concat([Buffer.from("Grüße from the console ✓\n", "utf8"),
                               Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
                               Buffer.alloc(200_000, "x")]);
const COURSE_POLICY = {
  Version: "2008-10-17",
  Statement: [{ Sid: "AllowPublicRead", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${BUCKET}/*` }],
};

function s3Path(bucket, key) {
  return key === undefined ? `/${encodePath(bucket)}` : `/${encodePath(bucket)}/${encodePath(key)}`;
}

// An S3 call from Node signed as the aws CLI signs (SigV4, header auth).
async function s3Call(server, { method = "GET", bucket, key, query = [], headers = {}, body = "", who = TEACHER }) {
  const url = new URL(s3Path(bucket, key), server.endpoint);
  for (const [k, v] of query) url.searchParams.append(k, v);
  const signed = await signRequest({
    method, host: url.host, path: url.pathname, query, headers, payloadHash: await sha256Hex(body),
    region: "us-east-1", service: "s3", credentials: { accessKeyId: who.keyId, secretAccessKey: who.secret },
  });
  return fetch(url, { method, headers: signed, body: body || undefined });
}

// The same, anonymous (no signature): what anyone on the internet could do.
function anonymous(server, bucket, key, query = "") {
  return fetch(`${server.endpoint}${s3Path(bucket, key)}${query}`);
}

async function bucketNames(server, who = TEACHER) {
  const out = await awslabCli(server, ["s3", "ls"], who);
  return out.split("\n").filter(Boolean).map((line) => line.trim().split(/\s+/).pop());
}

async function openBuckets(page) {
  await page.goto(page.url().replace(/#.*$/, "") + "#/s3");
  await page.getByRole("heading", { level: 1, name: "Buckets" }).waitFor();
}

async function openBucket(page, server, params = "") {
  await page.goto(`${server.endpoint}/_awslab/console/#/s3/bucket/${encodeURIComponent(BUCKET)}${params}`);
  await page.getByRole("heading", { level: 1, name: `Bucket ${BUCKET}` }).waitFor();
}

describe("S3 pages in Chromium", () => {
  const env = serverAndBrowser();
  let server, browser;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "awslab-console-s3-"));
  before(() => ({ server, browser } = env));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test("bucket names are checked in the page by the course's rules; a bucket is created", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    await page.getByRole("heading", { level: 1, name: "Buckets" }).waitFor();
    await page.locator("#buckets td.empty").waitFor();
    await screenshot(page, "s3-01-buckets-empty");

    // Every S3 request the page sends from here on.
    const sent = [];
    page.on("request", (req) => {
      if (!new URL(req.url()).pathname.startsWith("/_awslab/")) sent.push(`${req.method()} ${req.url()}`);
    });
    await page.getByRole("button", { name: "Create bucket" }).click();
    const dialog = page.getByRole("dialog", { name: "Create bucket" });
    await dialog.waitFor();
    const name = dialog.getByLabel("Bucket name");
    const problem = dialog.locator("#bucket-name-problem");
    const create = dialog.getByRole("button", { name: "Create bucket" });
    // [name, the rule named, what the page says is wrong with it]
    const cases = [
      [".myawsbucket", "separated by a single period", "it starts with a period"],
      ["myawsbucket.", "separated by a single period", "it ends with a period"],
      ["my..examplebucket", "separated by a single period", "it has two periods in a row"],
      ["My_Bucket", "no uppercase letters, no underscores", "it has uppercase letters"],
      ["my_bucket", "no uppercase letters, no underscores", "it has an underscore"],
      ["ab", "at least 3 and no more than 63 characters", "it has 2 characters"],
      ["a".repeat(64), "at least 3 and no more than 63 characters", "it has 64 characters"],
      ["192.168.5.4", "must not be formatted as an IP address", "it looks like an IP address"],
      ["my-.bucket", "each label must start and end with a lowercase letter or a number", 'the label "my-" ends with a hyphen'],
    ];
    for (const [bad, rule, why] of cases) {
      await name.fill(bad);
      await create.click();
      await problem.filter({ hasText: rule }).waitFor();
      assert.match(await problem.textContent(), new RegExp(`^Invalid name \\(${why.replace(/[.()]/g, "\\$&")}\\)`), bad);
      assert.equal(await name.getAttribute("aria-invalid"), "true", bad);
      assert.ok(await dialog.isVisible(), `the dialog stays open for ${bad}`);
    }
    await name.fill("my..examplebucket");
    await create.click();
    await problem.filter({ hasText: "separated by a single period" }).waitFor();
    // The broken rule is marked in the list of rules too.
    assert.equal(await dialog.locator("li.broken").getAttribute("data-rule"), "labels");
    await screenshot(page, "s3-02-invalid-name");
    // The course's valid examples pass the page's check.
    for (const good of ["myawsbucket", "my.aws.bucket", "myawsbucket.1"]) {
      await name.fill(good);
      assert.equal(await problem.textContent(), "", good);
    }
    // Nothing was sent: no request left the page, the server has no such bucket.
    assert.deepEqual(sent, []);
    assert.equal(await dialog.locator(".dialog-error").textContent(), "");
    assert.deepEqual(await bucketNames(server), []);
    for (const [bad] of cases) {
      const r = await s3Call(server, { method: "HEAD", bucket: bad });
      assert.notEqual(r.status, 200, bad);
    }

    // A name the page's rules let through but S3 refuses: AWS's code and message.
    await name.fill("xn--reserved-name");
    await create.click();
    await dialog.locator(".dialog-error", { hasText: "InvalidBucketName" }).waitFor();

    await name.fill(BUCKET);
    await dialog.getByLabel("Region").selectOption("eu-west-1");
    await create.click();
    await dialog.waitFor({ state: "detached" });
    const row = page.locator(`#buckets tr[data-bucket="${BUCKET}"]`);
    await row.locator('td[data-col="region"]', { hasText: "eu-west-1" }).waitFor();
    await row.locator("td[data-col=access] .acl-private", { hasText: "private" }).waitFor();
    await screenshot(page, "s3-03-bucket-created");
    assert.deepEqual(await bucketNames(server), [BUCKET]);
    const location = await (await s3Call(server, { bucket: BUCKET, query: [["location", ""]] })).text();
    assert.match(location, />eu-west-1</);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("upload with progress, bytes checked by the CLI, download, public URL, object ACLs", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    await page.getByRole("link", { name: BUCKET }).click();
    await page.getByRole("heading", { level: 1, name: `Bucket ${BUCKET}` }).waitFor();
    await page.locator("#objects td.empty").waitFor();

    // A folder, then into it by its link; the breadcrumbs lead back.
    await page.getByRole("button", { name: "Create folder" }).click();
    const folderDialog = page.getByRole("dialog", { name: "Create folder" });
    await folderDialog.getByLabel("Folder name").fill(FOLDER.slice(0, -1));
    await folderDialog.getByRole("button", { name: "Create folder" }).click();
    await page.getByRole("link", { name: FOLDER }).click();
    await page.getByRole("heading", { name: `Objects in ${FOLDER}` }).waitFor();
    assert.match(await page.getByRole("navigation", { name: "Breadcrumbs" }).textContent(), /Buckets.*console-bucket\.1.*notes 2013\//);

    // Upload through the file input: the progress ends, the object is listed.
    await page.getByLabel(`Upload files to ${BUCKET}/${FOLDER}`).setInputFiles(
      { name: FILE_NAME, mimeType: "text/plain", buffer: CONTENT });
    const item = page.locator("#uploads li.done", { hasText: FILE_NAME });
    await item.locator(".upload-status", { hasText: "uploaded" }).waitFor();
    const bar = await item.locator("progress").evaluate((p) => ({ value: p.value, max: p.max }));
    assert.equal(bar.value, CONTENT.length);
    assert.equal(bar.max, CONTENT.length);
    const row = page.locator("#objects tbody tr", { has: page.getByRole("button", { name: FILE_NAME, exact: true }) });
    await row.waitFor();
    assert.match(await row.locator('td[data-col="size"]').textContent(), /19\d\.\d KB|19\d KB/);
    assert.equal(await row.locator('td[data-col="storageClass"]').textContent(), "STANDARD");
    await row.locator("td[data-col=access] .acl-private").waitFor();
    await screenshot(page, "s3-04-uploaded");

    // The bytes, read back by the awslab CLI (its own signer and client).
    const copy = path.join(tmp, "cli-copy");
    await awslabCli(server, ["s3", "cp", `s3://${BUCKET}/${KEY}`, copy]);
    assert.ok(fs.readFileSync(copy).equals(CONTENT), "the CLI reads back the uploaded bytes");

    // Drag and drop: a file dropped on the upload area goes to the folder too.
    await page.locator(".dropzone").evaluate((zone) => {
      const data = new DataTransfer();
      data.items.add(new File(["dropped\n"], "dropped.txt", { type: "text/plain" }));
      zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    await page.locator('#objects tr[data-key="notes 2013/dropped.txt"]').waitFor();
    assert.equal(await awslabCli(server, ["s3", "cp", `s3://${BUCKET}/${FOLDER}dropped.txt`, "-"]), "dropped\n");

    // Download through the page's link.
    const link = row.getByRole("link", { name: `Download ${KEY}` });
    await row.locator("a.download[data-signed=true]").waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), link.click()]);
    assert.equal(download.suggestedFilename(), FILE_NAME);
    assert.ok(fs.readFileSync(await download.path()).equals(CONTENT), "the downloaded bytes are the file's");

    // The object's dialog: its public URL, refused while private.
    await page.getByRole("button", { name: FILE_NAME, exact: true }).click();
    const dialog = page.getByRole("dialog", { name: `Object ${KEY}` });
    await dialog.waitFor();
    await dialog.locator("#object-acl-badge .acl-private").waitFor();
    const url = await dialog.getByLabel("Public URL").inputValue();
    assert.equal(url, `${server.endpoint}/${BUCKET}/notes%202013/hello%20w%C3%B6rld%2B100%25.txt`);
    let r = await fetch(url);
    assert.equal(r.status, 403);
    assert.match(await r.text(), /<Code>AccessDenied<\/Code>/);
    await dialog.locator("#object-content-type", { hasText: "text/plain" }).waitFor();

    // public-read: anyone may GET it.
    await dialog.getByLabel("Canned ACL").selectOption("public-read");
    await dialog.getByRole("button", { name: "Apply ACL" }).click();
    await dialog.locator("#object-acl-badge .acl-public", { hasText: "public" }).waitFor();
    await dialog.getByRole("cell", { name: "AllUsers" }).waitFor();
    await screenshot(page, "s3-05-object-public");
    r = await fetch(url);
    assert.equal(r.status, 200);
    assert.ok(Buffer.from(await r.arrayBuffer()).equals(CONTENT));

    // private again: 403 AccessDenied.
    await dialog.getByLabel("Canned ACL").selectOption("private");
    await dialog.getByRole("button", { name: "Apply ACL" }).click();
    await dialog.locator("#object-acl-badge .acl-private").waitFor();
    r = await fetch(url);
    assert.equal(r.status, 403);
    assert.match(await r.text(), /<Code>AccessDenied<\/Code>/);
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "detached" });

    // Two files at once at the root, one public-read by the upload's canned ACL.
    await page.getByRole("navigation", { name: "Breadcrumbs" }).getByRole("link", { name: BUCKET }).click();
    await page.getByRole("heading", { name: "Objects", exact: true }).waitFor();
    await page.getByLabel("Canned ACL for the uploads").selectOption("public-read");
    await page.getByLabel(`Upload files to ${BUCKET}/`).setInputFiles([
      { name: "a.txt", mimeType: "text/plain", buffer: Buffer.from("file a\n") },
      { name: "b.txt", mimeType: "text/plain", buffer: Buffer.from("file b\n") },
    ]);
    await page.locator("#uploads li.done").nth(1).waitFor();
    await page.locator('#objects tr[data-key="b.txt"] .acl-public').waitFor();
    assert.equal((await anonymous(server, BUCKET, "a.txt")).status, 200);
    assert.equal(await awslabCli(server, ["s3", "cp", `s3://${BUCKET}/b.txt`, "-"]), "file b\n");

    // Pages of two (continuation tokens), in S3's key order: a.txt and b.txt, then the folder.
    await openBucket(page, server, "?max=2");
    await page.locator('#objects tr[data-key="b.txt"]').waitFor();
    assert.deepEqual(await page.locator("#objects tbody tr").evaluateAll((rows) => rows.map((r) => r.dataset.key)),
                     ["a.txt", "b.txt"]);
    assert.ok(await page.getByRole("button", { name: "Previous page" }).isDisabled());
    await page.getByRole("button", { name: "Next page" }).click();
    await page.locator(`#objects tr[data-key="${FOLDER}"]`).waitFor();
    assert.equal(await page.locator("#objects tbody tr").count(), 1);
    assert.ok(await page.getByRole("button", { name: "Next page" }).isDisabled());
    await page.locator("#page-number", { hasText: "Page 2" }).waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the course's quiz: a private object in a public-read bucket is listed but not readable", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    // a.txt private again (by the CLI-independent signed call).
    assert.equal((await s3Call(server, { method: "PUT", bucket: BUCKET, key: "a.txt", query: [["acl", ""]],
                                         headers: { "x-amz-acl": "private" } })).status, 200);
    await openBucket(page, server, "?tab=permissions");
    await page.locator("#bucket-acl-badge .acl-private").waitFor();
    assert.equal((await anonymous(server, BUCKET, undefined, "?list-type=2")).status, 403);
    await page.getByLabel("Canned ACL for the bucket").selectOption("public-read");
    await page.getByRole("button", { name: "Apply bucket ACL" }).click();
    await page.locator("#bucket-acl-badge .acl-public", { hasText: "public" }).waitFor();
    await page.locator("#bucket-access .acl-public").waitFor();
    await page.getByRole("table", { name: "Bucket grants" }).getByRole("cell", { name: "AllUsers" }).waitFor();
    await screenshot(page, "s3-06-bucket-public-read");
    const list = await anonymous(server, BUCKET, undefined, "?list-type=2");
    assert.equal(list.status, 200);
    assert.match(await list.text(), /<Key>a\.txt<\/Key>/);
    const get = await anonymous(server, BUCKET, "a.txt");
    assert.equal(get.status, 403);
    assert.match(await get.text(), /<Code>AccessDenied<\/Code>/);
    // The bucket list shows it public.
    await openBuckets(page);
    await page.locator(`#buckets tr[data-bucket="${BUCKET}"] td[data-col=access] .acl-public`).waitFor();
    // Back to private.
    await openBucket(page, server, "?tab=permissions");
    await page.getByLabel("Canned ACL for the bucket").selectOption("private");
    await page.getByRole("button", { name: "Apply bucket ACL" }).click();
    await page.locator("#bucket-acl-badge .acl-private").waitFor();
    assert.equal((await anonymous(server, BUCKET, undefined, "?list-type=2")).status, 403);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("the bucket policy editor: bad JSON refused in the page, MalformedPolicy as S3 says, the course's policy", async () => {
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, TEACHER);
    await openBucket(page, server, "?tab=permissions");
    await page.locator("#policy-status", { hasText: "no policy" }).waitFor();
    const editor = page.getByLabel("Policy document (JSON)");
    const error = page.locator("#policy-error");

    await editor.fill('{"Version": "2012-10-17", "Statement": [');
    await page.getByRole("button", { name: "Save policy" }).click();
    await error.filter({ hasText: "not valid JSON" }).waitFor();
    assert.equal(await editor.getAttribute("aria-invalid"), "true");
    await screenshot(page, "s3-07-policy-bad-json");
    let r = await s3Call(server, { bucket: BUCKET, query: [["policy", ""]] });
    assert.equal(r.status, 404, "nothing was sent");
    assert.match(await r.text(), /NoSuchBucketPolicy/);

    // Valid JSON S3 refuses: its code and message.
    await editor.fill(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*",
      Action: "s3:GetObject", Resource: "arn:aws:s3:::some-other-bucket/*" }] }));
    await page.getByRole("button", { name: "Save policy" }).click();
    await error.filter({ hasText: "MalformedPolicy: " }).waitFor();
    assert.match(await error.textContent(), /^MalformedPolicy: Policy has invalid resource/);
    assert.equal((await s3Call(server, { bucket: BUCKET, query: [["policy", ""]] })).status, 404);
    await screenshot(page, "s3-08-policy-malformed");

    // The course's policy, inserted by its button and saved: anyone may GET the private a.txt.
    await page.getByRole("button", { name: "Insert public-read policy" }).click();
    assert.deepEqual(JSON.parse(await editor.inputValue()), COURSE_POLICY);
    assert.equal(await error.textContent(), "");
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.locator("#policy-status .acl-policy", { hasText: "public via policy" }).waitFor();
    await page.locator("#bucket-access .acl-policy").waitFor();
    await screenshot(page, "s3-09-policy-saved");
    r = await s3Call(server, { bucket: BUCKET, query: [["policy", ""]] });
    assert.deepEqual(JSON.parse(await r.text()), COURSE_POLICY);
    r = await anonymous(server, BUCKET, "a.txt");
    assert.equal(r.status, 200);
    assert.equal(await r.text(), "file a\n");

    // The bucket list says so.
    await openBuckets(page);
    const access = page.locator(`#buckets tr[data-bucket="${BUCKET}"] td[data-col=access]`);
    await access.locator(".acl-policy", { hasText: "public via policy" }).waitFor();
    assert.match(await access.textContent(), /^private public via policy$/);
    await screenshot(page, "s3-10-buckets-public-via-policy");

    // Deleted: private again.
    await openBucket(page, server, "?tab=permissions");
    await page.getByRole("button", { name: "Delete policy" }).click();
    await page.getByRole("dialog", { name: "Delete policy" }).getByRole("button", { name: "Delete policy" }).click();
    await page.locator("#policy-status", { hasText: "no policy" }).waitFor();
    assert.equal(await editor.inputValue(), "");
    assert.equal((await anonymous(server, BUCKET, "a.txt")).status, 403);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("objects, a folder and the bucket deleted; BucketNotEmpty shown first", async () => {
    const { page, problems, context, httpErrors } = await newPage(browser);
    await signIn(page, server, TEACHER);
    const deleteBucket = async () => {
      await page.getByRole("button", { name: `Delete bucket ${BUCKET}` }).click();
      await page.getByRole("dialog", { name: "Delete bucket" }).getByRole("button", { name: "Delete bucket" }).click();
    };
    await deleteBucket();
    await page.getByRole("alert").filter({ hasText: "BucketNotEmpty: The bucket you tried to delete is not empty" }).waitFor();
    await screenshot(page, "s3-11-bucket-not-empty");
    assert.ok(httpErrors.some((e) => /status of 409/.test(e)), "the 409 came from the server");
    assert.deepEqual(await bucketNames(server), [BUCKET]);

    await openBucket(page, server);
    await page.getByRole("button", { name: "Delete a.txt" }).click();
    await page.getByRole("dialog", { name: "Delete object" }).getByRole("button", { name: "Delete object" }).click();
    await page.locator('#objects tr[data-key="a.txt"]').waitFor({ state: "detached" });
    assert.equal((await s3Call(server, { method: "HEAD", bucket: BUCKET, key: "a.txt" })).status, 404);
    await page.getByRole("button", { name: "Delete b.txt" }).click();
    await page.getByRole("dialog", { name: "Delete object" }).getByRole("button", { name: "Delete object" }).click();
    await page.locator('#objects tr[data-key="b.txt"]').waitFor({ state: "detached" });
    // The folder: its placeholder and the unicode key under it.
    await page.getByRole("button", { name: `Delete folder ${FOLDER}` }).click();
    const folderDialog = page.getByRole("dialog", { name: "Delete folder" });
    await folderDialog.getByText("3 objects").waitFor();
    await folderDialog.getByRole("button", { name: "Delete folder" }).click();
    await page.locator("#objects td.empty").waitFor();
    assert.equal((await s3Call(server, { method: "HEAD", bucket: BUCKET, key: KEY })).status, 404);
    await screenshot(page, "s3-12-bucket-emptied");

    await openBuckets(page);
    await deleteBucket();
    await page.locator(`#buckets tr[data-bucket="${BUCKET}"]`).waitFor({ state: "detached" });
    await page.locator("#buckets td.empty").waitFor();
    assert.deepEqual(await bucketNames(server), []);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test("a student sees only their own buckets; the teacher's name is taken", async () => {
    await awslabCli(server, ["s3", "mb", "s3://teacher-only"]);
    await awslabCli(server, ["s3", "mb", "s3://alice-bucket"], ALICE);
    const { page, problems, context } = await newPage(browser);
    await signIn(page, server, ALICE);
    await page.locator('#buckets tr[data-bucket="alice-bucket"]').waitFor();
    assert.equal(await page.locator("#buckets tbody tr").count(), 1);
    assert.equal(await page.locator('#buckets tr[data-bucket="teacher-only"]').count(), 0);
    await page.locator('#buckets tr[data-bucket="alice-bucket"] td[data-col=region]', { hasText: "us-east-1" }).waitFor();
    await screenshot(page, "s3-13-student-buckets");

    await page.getByRole("button", { name: "Create bucket" }).click();
    const dialog = page.getByRole("dialog", { name: "Create bucket" });
    await dialog.getByLabel("Bucket name").fill("teacher-only");
    await dialog.getByRole("button", { name: "Create bucket" }).click();
    await dialog.locator(".dialog-error", { hasText: "BucketAlreadyExists: " }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();

    await page.goto(`${server.endpoint}/_awslab/console/#/s3/bucket/teacher-only`);
    await page.locator("#objects-error", { hasText: "AccessDenied" }).waitFor();
    await screenshot(page, "s3-14-student-access-denied");
    assert.deepEqual(await bucketNames(server, ALICE), ["alice-bucket"]);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
