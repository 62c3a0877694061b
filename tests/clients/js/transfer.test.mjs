// The AWS SDK for JavaScript v3 (pinned in package.json: @aws-sdk/client-s3
// and @aws-sdk/lib-storage) against the real awslab-server for real
// workloads: lib-storage's Upload of a 50 MiB stream in 5 MiB parts, 4 at a
// time, read back and compared; paginateListObjectsV2 over 1,050 keys;
// CopyObject; DeleteObjects.
//
// With its default checksums (requestChecksumCalculation: WHEN_SUPPORTED),
// lib-storage creates the multipart upload with ChecksumAlgorithm CRC32, sends
// each part with its CRC32 and names them all in CompleteMultipartUpload: the
// object gets S3's composite checksum "<base64>-<parts>".
//
// Run (after `npm ci` here):
//   AWSLAB_SERVER=../../../build/emulator/awslab-server node --test transfer.test.mjs

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import { Readable } from "node:stream";

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

import {
  Server, crc32Raw, isolateEnvironment, md5Etag, wireLoggingClient, sha256, streamOf,
} from "./harness.mjs";

const MiB = 1024 * 1024;

// ---------------------------------------------------------------------------
// What S3 computes for multipart uploads.

function split(data, size) {
  const parts = [];
  for (let i = 0; i < data.length; i += size) parts.push(data.subarray(i, i + size));
  return parts;
}

function multipartEtag(parts) {
  const digests = Buffer.concat(parts.map((p) => createHash("md5").update(p).digest()));
  return `"${createHash("md5").update(digests).digest("hex")}-${parts.length}"`;
}

function compositeCrc32(parts) {
  const raw = crc32Raw(Buffer.concat(parts.map(crc32Raw)));
  return `${raw.toString("base64")}-${parts.length}`;
}

async function readAll(body) {
  const hash = createHash("sha256");
  let length = 0;
  for await (const chunk of body) {
    hash.update(chunk);
    length += chunk.length;
  }
  return { length, sha256: hash.digest("hex") };
}

// Runs fn over items, `width` at a time.
async function inParallel(items, width, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]);
  }));
}

// ---------------------------------------------------------------------------

describe("AWS SDK for JavaScript v3 transfers against awslab-server", () => {
  const server = new Server("awslab-js-transfer-");
  let home;
  let s3;
  const wire = []; // each request's command and headers as sent, after signing

  before(async () => {
    home = isolateEnvironment();
    await server.start();
    s3 = wireLoggingClient(server.endpoint, wire);
    await s3.send(new CreateBucketCommand({ Bucket: "js-transfer" }));
  });

  after(async () => {
    s3?.destroy();
    await server.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  test("lib-storage Upload of a 50 MiB stream in 5 MiB parts, 4 at a time", async () => {
    const data = randomBytes(50 * MiB);
    const parts = split(data, 5 * MiB);
    assert.equal(parts.length, 10);
    const before = wire.length;

    const upload = new Upload({
      client: s3,
      params: { Bucket: "js-transfer", Key: "big/stream.bin", Body: streamOf(data, 64 * 1024),
                ContentType: "application/x-stream-test", Metadata: { origin: "lib-storage" } },
      partSize: 5 * MiB,
      queueSize: 4,
      leavePartsOnError: false,
      tags: [{ Key: "source", Value: "stream" }],
    });
    const progress = [];
    upload.on("httpUploadProgress", (p) => progress.push(p.loaded));
    const done = await upload.done();

    const sent = wire.slice(before).map((w) => w.command);
    assert.equal(sent.filter((c) => c === "CreateMultipartUploadCommand").length, 1);
    assert.equal(sent.filter((c) => c === "UploadPartCommand").length, 10);
    assert.equal(sent.filter((c) => c === "CompleteMultipartUploadCommand").length, 1);
    assert.equal(sent.filter((c) => c === "PutObjectCommand").length, 0);
    assert.equal(Math.max(...progress), data.length);

    const etag = multipartEtag(parts);
    assert.ok(etag.endsWith('-10"'));
    assert.equal(done.ETag, etag);
    assert.equal(done.Bucket, "js-transfer");
    assert.equal(done.Key, "big/stream.bin");
    assert.equal(done.ChecksumCRC32, compositeCrc32(parts));

    const head = await s3.send(new HeadObjectCommand({
      Bucket: "js-transfer", Key: "big/stream.bin", ChecksumMode: "ENABLED",
    }));
    assert.equal(head.ContentLength, data.length);
    assert.equal(head.ETag, etag);
    assert.equal(head.ContentType, "application/x-stream-test");
    assert.deepEqual(head.Metadata, { origin: "lib-storage" });
    assert.equal(head.ChecksumCRC32, compositeCrc32(parts));

    const got = await s3.send(new GetObjectCommand({ Bucket: "js-transfer", Key: "big/stream.bin" }));
    assert.equal(got.ContentLength, data.length);
    const back = await readAll(got.Body);
    assert.equal(back.length, data.length);
    assert.equal(back.sha256, sha256(data));

    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: "js-transfer" }));
    assert.equal((uploads.Uploads ?? []).length, 0);
    // lib-storage puts the tags after completing.
    const tagging = await s3.send(new GetObjectTaggingCommand({ Bucket: "js-transfer", Key: "big/stream.bin" }));
    assert.deepEqual(tagging.TagSet, [{ Key: "source", Value: "stream" }]);
  });

  test("lib-storage Upload whose stream fails aborts the multipart upload", async () => {
    const before = wire.length;
    const failing = Readable.from((async function* () {
      for (let i = 0; i < 12; i++) yield randomBytes(MiB);
      throw new Error("the source went away");
    })());
    const upload = new Upload({
      client: s3, params: { Bucket: "js-transfer", Key: "broken.bin", Body: failing },
      partSize: 5 * MiB, queueSize: 2,
    });
    await assert.rejects(upload.done(), /the source went away/);
    const sent = wire.slice(before).map((w) => w.command);
    assert.equal(sent.filter((c) => c === "CreateMultipartUploadCommand").length, 1);
    assert.equal(sent.filter((c) => c === "AbortMultipartUploadCommand").length, 1);
    assert.equal(sent.filter((c) => c === "CompleteMultipartUploadCommand").length, 0);
    const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: "js-transfer" }));
    assert.equal((uploads.Uploads ?? []).length, 0);
    await assert.rejects(
      s3.send(new HeadObjectCommand({ Bucket: "js-transfer", Key: "broken.bin" })),
      (err) => err.$metadata.httpStatusCode === 404,
    );
  });

  test("lib-storage Upload under one part is a single PutObject", async () => {
    const data = randomBytes(MiB + 17);
    const before = wire.length;
    const done = await new Upload({
      client: s3, params: { Bucket: "js-transfer", Key: "small.bin", Body: streamOf(data, 64 * 1024) },
      partSize: 5 * MiB, queueSize: 4,
    }).done();
    assert.deepEqual(wire.slice(before).map((w) => w.command), ["PutObjectCommand"]);
    assert.equal(done.ETag, md5Etag(data));
    const got = await s3.send(new GetObjectCommand({ Bucket: "js-transfer", Key: "small.bin" }));
    assert.equal(sha256(Buffer.from(await got.Body.transformToByteArray())), sha256(data));
  });

  test("paginateListObjectsV2 over 1,050 keys, with and without a delimiter", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "js-many" }));
    const keys = [];
    for (let i = 0; i < 50; i++) keys.push(`top-${String(i).padStart(3, "0")}`);
    for (let d = 0; d < 100; d++) {
      for (let j = 0; j < 10; j++) keys.push(`dir-${String(d).padStart(3, "0")}/k${j}`);
    }
    await inParallel(keys, 16, (key) =>
      s3.send(new PutObjectCommand({ Bucket: "js-many", Key: key, Body: key })));
    const sorted = [...keys].sort();

    const pages = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 100 },
                                                   { Bucket: "js-many" })) {
      pages.push(page);
    }
    assert.equal(pages.length, 11);
    assert.deepEqual(pages.map((p) => p.KeyCount), [...Array(10).fill(100), 50]);
    assert.deepEqual(pages.flatMap((p) => p.Contents.map((o) => o.Key)), sorted);
    assert.ok(pages.slice(0, -1).every((p) => p.IsTruncated && p.NextContinuationToken));
    assert.equal(pages.at(-1).IsTruncated, false);
    assert.equal(pages.at(-1).NextContinuationToken, undefined);
    const first = pages[0].Contents[0];
    assert.equal(first.Size, Buffer.byteLength(first.Key));
    assert.equal(first.ETag, md5Etag(Buffer.from(first.Key)));

    const grouped = [];
    for await (const page of paginateListObjectsV2({ client: s3, pageSize: 40 },
                                                   { Bucket: "js-many", Delimiter: "/" })) {
      grouped.push(page);
    }
    const prefixes = grouped.flatMap((p) => (p.CommonPrefixes ?? []).map((c) => c.Prefix));
    const topKeys = grouped.flatMap((p) => (p.Contents ?? []).map((o) => o.Key));
    assert.equal(prefixes.length, 100);
    assert.deepEqual(prefixes, [...new Set(prefixes)].sort());
    assert.deepEqual(topKeys, sorted.filter((k) => !k.includes("/")));
    assert.equal(grouped.length, 4); // 150 entries, 40 a page
    for (const page of grouped) {
      assert.ok(page.KeyCount <= 40);
      assert.equal(page.KeyCount, (page.Contents ?? []).length + (page.CommonPrefixes ?? []).length);
    }
  });

  test("CopyObject: same bucket, across buckets, metadata COPY and REPLACE", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "js-copy-dst" }));
    const data = randomBytes(300 * 1024);
    await s3.send(new PutObjectCommand({
      Bucket: "js-transfer", Key: "copy/source file.bin", Body: data,
      ContentType: "image/jpeg", Metadata: { camera: "js" },
    }));
    const source = `js-transfer/${encodeURIComponent("copy/source file.bin")}`;

    const same = await s3.send(new CopyObjectCommand({
      Bucket: "js-transfer", Key: "copy/same.bin", CopySource: source,
    }));
    assert.equal(same.CopyObjectResult.ETag, md5Etag(data));
    let head = await s3.send(new HeadObjectCommand({ Bucket: "js-transfer", Key: "copy/same.bin" }));
    assert.equal(head.ContentType, "image/jpeg");
    assert.deepEqual(head.Metadata, { camera: "js" });

    await s3.send(new CopyObjectCommand({
      Bucket: "js-copy-dst", Key: "replaced.bin", CopySource: source,
      MetadataDirective: "REPLACE", ContentType: "text/plain", Metadata: { lens: "wide" },
    }));
    head = await s3.send(new HeadObjectCommand({ Bucket: "js-copy-dst", Key: "replaced.bin" }));
    assert.equal(head.ContentType, "text/plain");
    assert.deepEqual(head.Metadata, { lens: "wide" });
    const got = await s3.send(new GetObjectCommand({ Bucket: "js-copy-dst", Key: "replaced.bin" }));
    assert.equal(sha256(Buffer.from(await got.Body.transformToByteArray())), sha256(data));

    await assert.rejects(
      s3.send(new CopyObjectCommand({ Bucket: "js-transfer", Key: "copy/x", CopySource: "js-transfer/missing" })),
      (err) => err.name === "NoSuchKey" && err.$metadata.httpStatusCode === 404,
    );
  });

  test("DeleteObjects: verbose reports every key, quiet reports none", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "js-delete" }));
    const keys = ["a", "b/c", "b/d", "e & f", "keep"];
    for (const key of keys) {
      await s3.send(new PutObjectCommand({ Bucket: "js-delete", Key: key, Body: key }));
    }
    const verbose = await s3.send(new DeleteObjectsCommand({
      Bucket: "js-delete",
      Delete: { Objects: [{ Key: "a" }, { Key: "b/c" }, { Key: "e & f" }, { Key: "never-existed" }] },
    }));
    assert.deepEqual(verbose.Deleted.map((d) => d.Key).sort(), ["a", "b/c", "e & f", "never-existed"]);
    assert.equal(verbose.Errors, undefined);

    const quiet = await s3.send(new DeleteObjectsCommand({
      Bucket: "js-delete", Delete: { Objects: [{ Key: "b/d" }], Quiet: true },
    }));
    assert.equal((quiet.Deleted ?? []).length, 0);
    assert.equal(quiet.Errors, undefined);

    const left = await s3.send(new ListObjectsV2Command({ Bucket: "js-delete" }));
    assert.deepEqual(left.Contents.map((o) => o.Key), ["keep"]);
  });
});
