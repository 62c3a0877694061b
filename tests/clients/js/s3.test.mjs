// The AWS SDK for JavaScript v3 (@aws-sdk/client-s3, pinned in package.json)
// against the real awslab-server, with the SDK's default integrity checksums.
//
// Recent v3 clients add a CRC32 checksum to every PutObject by default
// (requestChecksumCalculation: WHEN_SUPPORTED): for a string or Buffer body
// as an x-amz-checksum-crc32 header; for a stream body as an aws-chunked
// trailer (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER, sent with
// Transfer-Encoding: chunked). A middleware records each request's headers as
// they go on the wire, so each case asserts which mode it exercised.
//
// Run (after `npm ci` here):
//   AWSLAB_SERVER=../../../build/emulator/awslab-server node --test

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import fs from "node:fs";

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";

import {
  Server, crc32Base64, isolateEnvironment, md5Etag, wireLoggingClient, sha256, streamOf,
} from "./harness.mjs";

// ---------------------------------------------------------------------------

describe("AWS SDK for JavaScript v3 against awslab-server", () => {
  const server = new Server();
  let home;
  let s3;
  const wire = []; // the headers of each request as sent, after signing

  before(async () => {
    home = isolateEnvironment();
    await server.start();
    s3 = wireLoggingClient(server.endpoint, wire);
    await s3.send(new CreateBucketCommand({ Bucket: "js-bucket" }));
  });

  after(async () => {
    s3?.destroy();
    await server.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  const lastPut = () => wire.filter((w) => w.command === "PutObjectCommand").at(-1).headers;

  async function readBack(key, extra = {}) {
    const got = await s3.send(new GetObjectCommand({ Bucket: "js-bucket", Key: key, ...extra }));
    return { got, body: Buffer.from(await got.Body.transformToByteArray()) };
  }

  test("a string body is sent with a CRC32 checksum header and stored", async () => {
    const text = "hello from the JavaScript SDK\n".repeat(100);
    const put = await s3.send(new PutObjectCommand({
      Bucket: "js-bucket", Key: "string.txt", Body: text, ContentType: "text/plain",
    }));
    const headers = lastPut();
    // Wire mode: a whole-body checksum header, the payload hash signed.
    assert.equal(headers["x-amz-checksum-crc32"], crc32Base64(Buffer.from(text)));
    assert.equal(headers["x-amz-content-sha256"], sha256(Buffer.from(text)));
    assert.equal(headers["content-encoding"], undefined);
    assert.equal(headers["x-amz-trailer"], undefined);

    assert.equal(put.ETag, md5Etag(Buffer.from(text)));
    assert.equal(put.ChecksumCRC32, crc32Base64(Buffer.from(text)));
    const { got, body } = await readBack("string.txt");
    assert.equal(body.toString(), text);
    assert.equal(got.ContentType, "text/plain");
  });

  test("a Buffer body is sent with a CRC32 checksum header and stored", async () => {
    const data = Buffer.alloc(200 * 1024);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    const put = await s3.send(new PutObjectCommand({ Bucket: "js-bucket", Key: "buffer.bin", Body: data }));
    const headers = lastPut();
    assert.equal(headers["x-amz-checksum-crc32"], crc32Base64(data));
    assert.equal(headers["x-amz-trailer"], undefined);
    assert.equal(put.ETag, md5Etag(data));
    const { body } = await readBack("buffer.bin");
    assert.equal(sha256(body), sha256(data));
  });

  test("a Readable body goes aws-chunked with an unsigned CRC32 trailer", async () => {
    const data = Buffer.alloc(1024 * 1024 + 333);
    for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 10)) & 0xff;
    const put = await s3.send(new PutObjectCommand({
      Bucket: "js-bucket", Key: "stream.bin", Body: streamOf(data), ContentLength: data.length,
      ContentType: "application/octet-stream",
    }));
    const headers = lastPut();
    // Wire mode: STREAMING-UNSIGNED-PAYLOAD-TRAILER over HTTP chunked transfer.
    assert.equal(headers["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    assert.equal(headers["content-encoding"], "aws-chunked");
    assert.equal(headers["x-amz-trailer"], "x-amz-checksum-crc32");
    assert.equal(headers["x-amz-decoded-content-length"], String(data.length));
    assert.equal(headers["transfer-encoding"], "chunked");
    assert.equal(headers["content-length"], undefined);

    assert.equal(put.ETag, md5Etag(data));
    assert.equal(put.ChecksumCRC32, crc32Base64(data));
    const { got, body } = await readBack("stream.bin");
    assert.equal(got.ContentLength, data.length);
    assert.equal(sha256(body), sha256(data));
    // aws-chunked described the transfer only: it is not stored.
    assert.equal(got.ContentEncoding, undefined);
    // The trailer's checksum was stored with the object.
    const head = await s3.send(new HeadObjectCommand({
      Bucket: "js-bucket", Key: "stream.bin", ChecksumMode: "ENABLED",
    }));
    assert.equal(head.ChecksumCRC32, crc32Base64(data));
  });

  test("a Readable body with a SHA256 checksum goes in a SHA256 trailer", async () => {
    const data = Buffer.from("streamed with sha256\n".repeat(5000));
    const put = await s3.send(new PutObjectCommand({
      Bucket: "js-bucket", Key: "stream-sha.txt", Body: streamOf(data, 4096),
      ContentLength: data.length, ChecksumAlgorithm: "SHA256",
    }));
    const headers = lastPut();
    assert.equal(headers["x-amz-content-sha256"], "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
    assert.equal(headers["x-amz-trailer"], "x-amz-checksum-sha256");
    const expected = createHash("sha256").update(data).digest("base64");
    assert.equal(put.ChecksumSHA256, expected);
    const { got, body } = await readBack("stream-sha.txt", { ChecksumMode: "ENABLED" });
    assert.equal(got.ChecksumSHA256, expected);
    assert.equal(body.toString(), data.toString());
  });

  test("GetObject with ChecksumMode ENABLED returns the stored checksum", async () => {
    const data = Buffer.from("checksum mode\n".repeat(1000));
    await s3.send(new PutObjectCommand({ Bucket: "js-bucket", Key: "mode.txt", Body: data }));
    const { got, body } = await readBack("mode.txt", { ChecksumMode: "ENABLED" });
    assert.equal(got.ChecksumCRC32, crc32Base64(data));
    assert.equal(body.toString(), data.toString());
    const getHeaders = wire.filter((w) => w.command === "GetObjectCommand").at(-1).headers;
    assert.equal(getHeaders["x-amz-checksum-mode"], "ENABLED");

    // Without checksum mode, no checksum.
    const plain = await s3.send(new HeadObjectCommand({ Bucket: "js-bucket", Key: "mode.txt" }));
    assert.equal(plain.ChecksumCRC32, undefined);
  });

  test("ListObjectsV2 and DeleteObject", async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "js-bucket" }));
    const keys = listed.Contents.map((o) => o.Key);
    assert.deepEqual(keys, [...keys].sort());
    assert.ok(keys.includes("stream.bin") && keys.includes("string.txt"));
    await s3.send(new DeleteObjectCommand({ Bucket: "js-bucket", Key: "string.txt" }));
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: "js-bucket", Key: "string.txt" })),
      (err) => err.name === "NoSuchKey" && err.$metadata.httpStatusCode === 404,
    );
  });

  test("errors carry AWS's code and status", async () => {
    await assert.rejects(
      s3.send(new GetObjectCommand({ Bucket: "no-such-bucket-js", Key: "k" })),
      (err) => err.name === "NoSuchBucket" && err.$metadata.httpStatusCode === 404,
    );
    const wrong = new S3Client({
      endpoint: server.endpoint, region: "us-east-1", forcePathStyle: true, maxAttempts: 1,
      credentials: { accessKeyId: "test", secretAccessKey: "wrong" },
    });
    try {
      await assert.rejects(
        wrong.send(new PutObjectCommand({ Bucket: "js-bucket", Key: "x", Body: "x" })),
        (err) => err.name === "SignatureDoesNotMatch" && err.$metadata.httpStatusCode === 403,
      );
    } finally {
      wrong.destroy();
    }
  });
});
