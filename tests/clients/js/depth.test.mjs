// S3 in depth with the AWS SDK for JavaScript v3 (@aws-sdk/client-s3, pinned
// in package.json) against the real awslab-server: versioning (version ids,
// delete markers, ListObjectVersions page by page), server-side encryption
// (a bucket default, SSE-C with the SDK computing the key's MD5, ranges on an
// encrypted object, the wrong key refused), lifecycle and website
// configurations. The Python suites (test_versioning, test_encryption,
// test_lifecycle, test_website) cover every error path; this one proves the
// JavaScript SDK's serializers and parsers agree with the server.
//
// Run (after `npm ci` here):
//   AWSLAB_SERVER=../../../build/emulator/awslab-server node --test

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";

import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteBucketLifecycleCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketVersioningCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
} from "@aws-sdk/client-s3";

import { Server, isolateEnvironment, md5Etag, wireLoggingClient } from "./harness.mjs";

const bodyOf = async (got) => Buffer.from(await got.Body.transformToByteArray());

async function rejects(promise, name, status) {
  await assert.rejects(promise, (e) => {
    assert.equal(e.name, name, `${e.name}: ${e.message}`);
    if (status) assert.equal(e.$metadata.httpStatusCode, status);
    return true;
  });
}

describe("S3 in depth with the AWS SDK for JavaScript v3", () => {
  const server = new Server("awslab-js-depth-");
  let home;
  let s3;
  const wire = [];

  before(async () => {
    home = isolateEnvironment();
    await server.start();
    s3 = wireLoggingClient(server.endpoint, wire);
  });

  after(async () => {
    s3?.destroy();
    await server.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  test("versioning: ids on every write, delete markers, versions across pages", async () => {
    const Bucket = "js-versions";
    await s3.send(new CreateBucketCommand({ Bucket }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, undefined);
    await s3.send(new PutBucketVersioningCommand({
      Bucket, VersioningConfiguration: { Status: "Enabled" },
    }));
    assert.equal((await s3.send(new GetBucketVersioningCommand({ Bucket }))).Status, "Enabled");

    const ids = [];
    for (const text of ["one", "two", "three"]) {
      const put = await s3.send(new PutObjectCommand({ Bucket, Key: "doc.txt", Body: text }));
      assert.ok(put.VersionId && put.VersionId !== "null", put.VersionId);
      assert.equal(put.ETag, md5Etag(Buffer.from(text)));
      ids.push(put.VersionId);
    }
    assert.equal(new Set(ids).size, 3);
    const first = await s3.send(new GetObjectCommand({ Bucket, Key: "doc.txt", VersionId: ids[0] }));
    assert.equal((await bodyOf(first)).toString(), "one");
    assert.equal(first.VersionId, ids[0]);
    const latest = await s3.send(new GetObjectCommand({ Bucket, Key: "doc.txt" }));
    assert.equal((await bodyOf(latest)).toString(), "three");
    assert.equal(latest.VersionId, ids[2]);

    // A delete adds a marker; the key is gone from GET and the listing, not its versions.
    const del = await s3.send(new DeleteObjectCommand({ Bucket, Key: "doc.txt" }));
    assert.equal(del.DeleteMarker, true);
    assert.ok(del.VersionId);
    await rejects(s3.send(new GetObjectCommand({ Bucket, Key: "doc.txt" })), "NoSuchKey", 404);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket }))).KeyCount, 0);
    const listed = await s3.send(new ListObjectVersionsCommand({ Bucket }));
    assert.deepEqual(listed.Versions.map((v) => [v.VersionId, v.IsLatest]),
                     [[ids[2], false], [ids[1], false], [ids[0], false]]);
    assert.deepEqual(listed.DeleteMarkers.map((m) => [m.VersionId, m.IsLatest]),
                     [[del.VersionId, true]]);
    // Removing the marker brings the last version back.
    await s3.send(new DeleteObjectCommand({ Bucket, Key: "doc.txt", VersionId: del.VersionId }));
    const back = await s3.send(new GetObjectCommand({ Bucket, Key: "doc.txt" }));
    assert.equal((await bodyOf(back)).toString(), "three");

    // Versions two at a time, following NextKeyMarker/NextVersionIdMarker.
    for (let n = 0; n < 3; n++) {
      await s3.send(new PutObjectCommand({ Bucket, Key: `k${n}`, Body: `a${n}` }));
      await s3.send(new PutObjectCommand({ Bucket, Key: `k${n}`, Body: `b${n}` }));
    }
    const seen = [];
    let pages = 0;
    let markers = {};
    for (;;) {
      const page = await s3.send(new ListObjectVersionsCommand({
        Bucket, Prefix: "k", MaxKeys: 2, ...markers,
      }));
      pages++;
      for (const v of page.Versions ?? []) seen.push(v.Key);
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
    assert.deepEqual(seen, ["k0", "k0", "k1", "k1", "k2", "k2"]);
    assert.equal(pages, 3);
    // Not empty while versions remain.
    await rejects(s3.send(new DeleteBucketCommand({ Bucket })), "BucketNotEmpty", 409);
  });

  test("encryption: a bucket default, SSE-C with ranges, the wrong key refused", async () => {
    const Bucket = "js-sse";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
    }));
    const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket }));
    assert.equal(
      enc.ServerSideEncryptionConfiguration.Rules[0].ApplyServerSideEncryptionByDefault.SSEAlgorithm,
      "AES256");
    const plain = await s3.send(new PutObjectCommand({ Bucket, Key: "default", Body: "x" }));
    assert.equal(plain.ServerSideEncryption, "AES256");
    const head = await s3.send(new HeadObjectCommand({ Bucket, Key: "default" }));
    assert.equal(head.ServerSideEncryption, "AES256");

    // SSE-C: the SDK sends the key, and computes and sends its MD5 itself.
    const key = randomBytes(32);
    const body = Buffer.from(Array.from({ length: 5000 }, (_, i) => i % 251));
    const sse = { SSECustomerAlgorithm: "AES256", SSECustomerKey: key };
    const put = await s3.send(new PutObjectCommand({ Bucket, Key: "secret.bin", Body: body, ...sse }));
    assert.equal(put.SSECustomerAlgorithm, "AES256");
    assert.equal(put.SSECustomerKeyMD5, createHash("md5").update(key).digest("base64"));
    const sent = wire.filter((w) => w.command === "PutObjectCommand").at(-1).headers;
    assert.equal(sent["x-amz-server-side-encryption-customer-key-md5"],
                 createHash("md5").update(key).digest("base64"));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "secret.bin", ...sse }));
    assert.deepEqual(await bodyOf(got), body);
    const part = await s3.send(new GetObjectCommand({
      Bucket, Key: "secret.bin", Range: "bytes=1000-1999", ...sse,
    }));
    assert.equal(part.ContentRange, `bytes 1000-1999/${body.length}`);
    assert.deepEqual(await bodyOf(part), body.subarray(1000, 2000));
    // Without the key, and with another key.
    await rejects(s3.send(new GetObjectCommand({ Bucket, Key: "secret.bin" })),
                  "InvalidRequest", 400);
    await rejects(s3.send(new GetObjectCommand({
      Bucket, Key: "secret.bin", SSECustomerAlgorithm: "AES256", SSECustomerKey: randomBytes(32),
    })), "AccessDenied", 403);
  });

  test("lifecycle and website configurations round-trip", async () => {
    const Bucket = "js-config";
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(new PutBucketLifecycleConfigurationCommand({
      Bucket,
      LifecycleConfiguration: {
        Rules: [{
          ID: "logs", Status: "Enabled", Filter: { Prefix: "logs/" },
          Expiration: { Days: 30 },
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        }],
      },
    }));
    const lc = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }));
    assert.equal(lc.Rules.length, 1);
    assert.equal(lc.Rules[0].ID, "logs");
    assert.equal(lc.Rules[0].Filter.Prefix, "logs/");
    assert.equal(lc.Rules[0].Expiration.Days, 30);
    assert.equal(lc.Rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation, 7);
    await rejects(s3.send(new PutBucketLifecycleConfigurationCommand({
      Bucket,
      LifecycleConfiguration: {
        Rules: [{ ID: "bad", Status: "Enabled", Filter: { Prefix: "" }, Expiration: { Days: 0 } }],
      },
    })), "InvalidArgument", 400);
    await s3.send(new DeleteBucketLifecycleCommand({ Bucket }));
    await rejects(s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket })),
                  "NoSuchLifecycleConfiguration", 404);

    await s3.send(new PutBucketWebsiteCommand({
      Bucket,
      WebsiteConfiguration: {
        IndexDocument: { Suffix: "index.html" },
        ErrorDocument: { Key: "error.html" },
        RoutingRules: [{
          Condition: { KeyPrefixEquals: "old/" },
          Redirect: { ReplaceKeyPrefixWith: "new/" },
        }],
      },
    }));
    const site = await s3.send(new GetBucketWebsiteCommand({ Bucket }));
    assert.equal(site.IndexDocument.Suffix, "index.html");
    assert.equal(site.ErrorDocument.Key, "error.html");
    assert.equal(site.RoutingRules[0].Condition.KeyPrefixEquals, "old/");
    assert.equal(site.RoutingRules[0].Redirect.ReplaceKeyPrefixWith, "new/");
  });
});
