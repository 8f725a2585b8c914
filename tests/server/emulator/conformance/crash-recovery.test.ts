// kill -9 of the emulator process (the CLI) in the middle of uploads, then a restart on the same data
// dir: what was acknowledged is there, what was cut off is absent, nothing is ever half there.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type OSS from 'ali-oss';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { md5Hex, quoteEtag } from '../../../../lib/oss/etag.ts';
import { DataLayout } from '../../../../server/emulator/persistence/layout.ts';
import {
  expectedMultipartEtag,
  KIB,
  listParts,
  ossClient,
  sourceDigests,
  storedDigests,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import { type EmulatorProcess, spawnEmulator } from '../../../support/emulator-process.ts';

const BUCKET = 'crash-bucket';
const PART = 100 * KIB;

let dataDir: string;
let layout: DataLayout;
let running: EmulatorProcess | undefined;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-crash-'));
  layout = new DataLayout(dataDir);
});
afterEach(async () => {
  await running?.kill9();
  running = undefined;
  await rm(dataDir, { recursive: true, force: true });
});

async function start(): Promise<OSS> {
  running = await spawnEmulator(dataDir, BUCKET);
  return ossClient(running, { bucket: BUCKET });
}

async function crashAndRestart(): Promise<OSS> {
  await running!.kill9();
  return start();
}

/** Starts a PUT of `length` bytes and sends only half; resolves with how the request ended. */
function holdHalfSent(url: string, length: number): Promise<string> {
  const req = request(new URL(url), { method: 'PUT', headers: { 'Content-Length': length } });
  const ended = new Promise<string>((resolve) => {
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.on('response', (res) => resolve(`answered ${res.statusCode}`));
  });
  req.write(testBytes(length / 2));
  return ended;
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const slice = (source: Buffer, n: number) => source.subarray((n - 1) * PART, n * PART);
describe('kill -9 and restart', () => {
  it('keeps acknowledged parts, drops the part cut off mid-body, and completes afterwards', async () => {
    let client = await start();
    const source = testBytes(4 * PART + 777, 90);
    const name = 'crash/upload.bin';
    const { uploadId } = await client.initMultipartUpload(name);
    const acknowledged: { number: number; etag: string }[] = [];
    for (const n of [1, 2]) {
      const part = slice(source, n);
      acknowledged.push({
        number: n,
        etag: (await client.uploadPart(name, uploadId, n, part, 0, part.length)).etag,
      });
    }
    // Part 3 goes out over a presigned URL on a raw request, so the test controls when the bytes stop.
    const url = await client.signatureUrlV4('PUT', 60, { queries: { partNumber: 3, uploadId } }, name);
    const cutOff = holdHalfSent(url, PART);
    await waitFor(async () => (await readdir(layout.tmpDir)).length > 0);

    client = await crashAndRestart();
    expect(await cutOff).toMatch(/ECONNRESET|socket hang up/);
    const listed = (await listParts(client, name, uploadId)).parts;
    expect(listed.map((p) => [Number(p.PartNumber), p.ETag, Number(p.Size)])).toEqual(
      acknowledged.map((p) => [p.number, p.etag, PART]),
    );
    expect(await readdir(layout.tmpDir)).toEqual([]);
    expect(await readdir(layout.blobsDir)).toHaveLength(2);

    for (const n of [3, 4, 5]) {
      const part = slice(source, n);
      const { etag } = await client.uploadPart(name, uploadId, n, part, 0, part.length);
      expect(etag).toBe(quoteEtag(await md5Hex(part)));
      acknowledged.push({ number: n, etag });
    }
    const done = await client.completeMultipartUpload(name, uploadId, acknowledged);
    expect(done.etag).toBe(await expectedMultipartEtag(source, PART));
    expect(await storedDigests(client, name)).toEqual(await sourceDigests(source, { partSize: PART }));
  });

  it('after a kill during a burst of Puts and Completes, every object is whole or absent', async () => {
    let client = await start();
    const uploads = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        const name = `burst/mp-${i}.bin`;
        const source = testBytes(3 * PART, 100 + i);
        const { uploadId } = await client.initMultipartUpload(name);
        const parts: { number: number; etag: string }[] = [];
        for (const n of [1, 2, 3]) {
          const part = slice(source, n);
          parts.push({
            number: n,
            etag: (await client.uploadPart(name, uploadId, n, part, 0, part.length)).etag,
          });
        }
        return { name, source, uploadId, parts };
      }),
    );
    // Sizes 128 KiB … 2 MiB, so small Puts are acknowledged while large ones are still mid-body.
    const puts = Array.from({ length: 16 }, (_, i) => ({
      name: `burst/put-${i}.bin`,
      source: testBytes(128 * KIB * (i + 1) + i, 200 + i),
    }));
    // Three more Puts are held half-sent, so something is surely cut off however fast the rest is.
    const held: Promise<string>[] = [];
    for (const i of [0, 1, 2]) {
      const url = await client.signatureUrlV4('PUT', 60, undefined, `burst/held-${i}.bin`);
      held.push(holdHalfSent(url, 256 * KIB));
    }
    await waitFor(async () => (await readdir(layout.tmpDir)).length >= held.length);

    const acked = new Set<string>();
    let kill: () => void = () => {};
    const killSignal = new Promise<void>((resolve) => {
      kill = resolve;
    });
    const track = (name: string, promise: Promise<unknown>) =>
      promise.then(
        () => {
          acked.add(name);
          if (acked.size === 3) kill();
        },
        () => {},
      );
    const burst = [
      ...uploads.map((u) => track(u.name, client.completeMultipartUpload(u.name, u.uploadId, u.parts))),
      ...puts.map((p) => track(p.name, client.put(p.name, p.source))),
    ];
    await killSignal;
    client = await crashAndRestart();
    await Promise.all(burst);
    for (const cut of held) expect(await cut).toMatch(/ECONNRESET|socket hang up/);
    for (const i of [0, 1, 2]) {
      await expect(client.head(`burst/held-${i}.bin`)).rejects.toMatchObject({ status: 404 });
    }

    let present = 0;
    for (const { name, source } of puts) {
      const found = await client.head(name).then(
        () => true,
        (err: unknown) => {
          expect(err).toMatchObject({ status: 404, code: 'NoSuchKey' });
          return false;
        },
      );
      if (found) {
        present++;
        expect(await storedDigests(client, name)).toEqual(await sourceDigests(source));
      } else {
        expect(acked.has(name)).toBe(false);
      }
    }
    const pending = new Set(
      (await client.listUploads({ prefix: 'burst/' }, {})).uploads.map((u) => u.uploadId),
    );
    for (const { name, source, uploadId, parts } of uploads) {
      if (pending.has(uploadId)) {
        // Not committed: the object is absent and the upload, with every part, can still be completed.
        expect(acked.has(name)).toBe(false);
        await expect(client.head(name)).rejects.toMatchObject({ status: 404 });
        const listed = (await listParts(client, name, uploadId)).parts;
        expect(listed.map((p) => p.ETag)).toEqual(parts.map((p) => p.etag));
        await client.completeMultipartUpload(name, uploadId, parts);
      }
      expect(await storedDigests(client, name)).toEqual(await sourceDigests(source, { partSize: PART }));
    }
    expect(await readdir(layout.tmpDir)).toEqual([]);
    // Exactly the data files some record points at: each surviving Put's, and every part.
    expect(await readdir(layout.blobsDir)).toHaveLength(present + 3 * uploads.length);
  });
});
