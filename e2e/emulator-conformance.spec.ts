// The browser build of ali-oss 6.23 in Chromium against the emulator: cross-origin (CORS), virtual-host
// addressing (`<bucket>.localhost:<port>`), real files from disk. The emulators run in this process
// on ephemeral ports; the app server of playwright.config.ts is not involved.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import type OSS from 'ali-oss';
import {
  assumeRole,
  BUCKET,
  KIB,
  ossClient,
  sourceDigests,
  startSignedEmulator,
  storedDigests,
  stsOptions,
  testBytes,
} from '../tests/support/ali-oss-client.ts';
import type { TestEmulator } from '../tests/support/emulator.ts';
import {
  browserClientOptions,
  type ConformancePage,
  type ConformanceWindow,
  serveConformancePage,
} from './emulator-page.ts';

const SKEW_MS = 20 * 60 * 1000;
const TOKEN_SECONDS = 2;

let emulator: TestEmulator;
let skewed: TestEmulator;
let node: OSS;
let site: ConformancePage;
let filesDir: string;
let tokensIssued = 0;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  emulator = await startSignedEmulator({ stsMinDurationSeconds: 1 });
  skewed = await startSignedEmulator({ now: () => Date.now() + SKEW_MS });
  node = ossClient(emulator);
  site = await serveConformancePage(async () => {
    tokensIssued++;
    return stsOptions(await assumeRole(emulator, TOKEN_SECONDS));
  });
  filesDir = await mkdtemp(join(tmpdir(), 'skylift-ali-oss-e2e-'));
});

test.afterAll(async () => {
  await site.close();
  await emulator.dispose();
  await skewed.dispose();
  await rm(filesDir, { recursive: true, force: true });
});

/** Opens the page with `source` (written to disk) in its file input. */
async function openWithFile(page: Page, name: string, source: Buffer): Promise<void> {
  const path = join(filesDir, name);
  await writeFile(path, source);
  await page.goto(site.url);
  await page.setInputFiles('#file', path);
}

test('multipartUpload sends parts in parallel, reports progress, and stores the file exactly', async ({
  page,
}) => {
  const source = testBytes(2 * 1024 * KIB + 321, 300);
  await openWithFile(page, 'parallel.bin', source);
  const result = await page.evaluate(
    async (options) => {
      const w = window as unknown as ConformanceWindow;
      const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
      const progress: number[] = [];
      const done = await new w.OSS(options).multipartUpload('browser/parallel.bin', file, {
        partSize: 256 * 1024,
        parallel: 4,
        progress: (p: number) => {
          progress.push(p);
        },
      });
      // Most part requests in flight at once, from the browser's own resource timings.
      const parts = performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('partNumber='))
        .map((e) => [e.startTime, (e as PerformanceResourceTiming).responseEnd] as const);
      const concurrency = Math.max(
        ...parts.map(([start]) => parts.filter(([s, end]) => s <= start && end > start).length),
      );
      return { progress, etag: done.etag, status: done.res.status, parts: parts.length, concurrency };
    },
    browserClientOptions(emulator, BUCKET),
  );
  expect(result.status).toBe(200);
  expect(result.parts).toBe(9);
  expect(result.concurrency).toBeGreaterThan(1);
  expect(result.concurrency).toBeLessThanOrEqual(4);
  expect(result.progress[0]).toBe(0);
  expect(result.progress.at(-1)).toBe(1);
  expect(result.progress).toHaveLength(9 + 2);
  for (let i = 1; i < result.progress.length; i++) {
    expect(result.progress[i]!).toBeGreaterThan(result.progress[i - 1]!);
  }
  const expected = await sourceDigests(source, { partSize: 256 * KIB });
  expect(result.etag).toBe(expected.etag);
  expect(await storedDigests(node, 'browser/parallel.bin')).toEqual(expected);
});

test('lists parts and uploads with pagination, and aborts', async ({ page }) => {
  await page.goto(site.url);
  const result = await page.evaluate(
    async (options) => {
      const w = window as unknown as ConformanceWindow;
      const client = new w.OSS(options);
      const name = 'browser/listed.bin';
      const { uploadId } = await client.initMultipartUpload(name);
      const other = await client.initMultipartUpload('browser/other.bin');
      for (const n of [3, 1, 2]) {
        const body = new File([new Uint8Array(1000 + n).fill(n)], 'part.bin');
        await client.uploadPart(name, uploadId, n, body, 0, body.size);
      }
      const query = (q: Record<string, number>) => q as unknown as OSS.ListPartsQuery;
      const first = await client.listParts(name, uploadId, query({ 'max-parts': 2 }));
      const second = await client.listParts(
        name,
        uploadId,
        query({ 'max-parts': 2, 'part-number-marker': Number(first.nextPartNumberMarker) }),
      );
      const uploads = await client.listUploads({ prefix: 'browser/', 'max-uploads': 1 }, {});
      const rest = await client.listUploads(
        {
          prefix: 'browser/',
          'key-marker': uploads.nextKeyMarker,
          'upload-id-marker': uploads.nextUploadIdMarker,
        },
        {},
      );
      await client.abortMultipartUpload(name, uploadId);
      await client.abortMultipartUpload('browser/other.bin', other.uploadId);
      const afterAbort = await client.listParts(name, uploadId, query({})).then(
        () => null,
        (e: { status: number; code: string }) => ({ status: e.status, code: e.code }),
      );
      const remaining = await client.listUploads({ prefix: 'browser/' }, {});
      return {
        uploadId,
        otherId: other.uploadId,
        first: { parts: first.parts, truncated: first.isTruncated },
        second: { parts: second.parts, truncated: second.isTruncated },
        pages: [uploads, rest].map((p) => ({
          names: p.uploads.map((u) => u.name),
          truncated: p.isTruncated,
        })),
        afterAbort,
        remaining: remaining.uploads.length,
      };
    },
    browserClientOptions(emulator, BUCKET),
  );
  const etag = async (n: number) => (await sourceDigests(Buffer.alloc(1000 + n, n))).etag;
  expect(result.first).toEqual({
    parts: [1, 2].map((n) => expect.objectContaining({ PartNumber: String(n), Size: String(1000 + n) })),
    truncated: 'true',
  });
  expect((result.first.parts as unknown as { ETag: string }[]).map((p) => p.ETag)).toEqual([
    await etag(1),
    await etag(2),
  ]);
  // A lone <Part> comes back as an object, not an array (xml2js explicitArray: false).
  expect(result.second).toEqual({
    parts: expect.objectContaining({ PartNumber: '3', ETag: await etag(3) }),
    truncated: 'false',
  });
  expect(result.pages).toEqual([
    { names: ['browser/listed.bin'], truncated: true },
    { names: ['browser/other.bin'], truncated: false },
  ]);
  expect(result.afterAbort).toEqual({ status: 404, code: 'NoSuchUpload' });
  expect(result.remaining).toBe(0);
});

for (const authorizationV4 of [false, true]) {
  const version = authorizationV4 ? 'V4' : 'V1';
  test(`${version}: put, get, head, signatureUrlV4 GET and delete`, async ({ page }) => {
    const source = testBytes(150 * KIB + 9, authorizationV4 ? 301 : 302);
    await openWithFile(page, `${version}.bin`, source);
    const name = `browser/${version}/photo 1+(x).png`;
    const result = await page.evaluate(
      async ({ options, name }) => {
        const w = window as unknown as ConformanceWindow;
        const client = new w.OSS(options);
        const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
        const put = await client.put(name, file);
        const got = await client.get(name);
        const head = await client.head(name);
        const url = await client.signatureUrlV4('GET', 60, undefined, name);
        const signed = await fetch(url);
        const signedBytes = w.toBase64(await signed.arrayBuffer());
        const deleted = await client.delete(name);
        const gone = await client.head(name).then(
          () => null,
          (e: { status: number; code: string }) => ({ status: e.status, code: e.code }),
        );
        const headers = head.res.headers as Record<string, string>;
        return {
          putEtag: (put.res.headers as Record<string, string>).etag,
          got: w.toBase64(got.content as Uint8Array),
          head: { status: head.status, etag: headers.etag, crc: headers['x-oss-hash-crc64ecma'] },
          signed: { status: signed.status, bytes: signedBytes, url },
          deleted: deleted.res.status,
          gone,
        };
      },
      { options: browserClientOptions(emulator, BUCKET, { authorizationV4 }), name },
    );
    const expected = await sourceDigests(source);
    expect(result.putEtag).toBe(expected.etag);
    expect(await sourceDigests(Buffer.from(result.got, 'base64'))).toEqual(expected);
    expect(result.head).toEqual({ status: 200, etag: expected.etag, crc: expected.headCrc64 });
    expect(new URL(result.signed.url).host).toBe(`${BUCKET}.localhost:${emulator.port}`);
    expect(result.signed.status).toBe(200);
    expect(await sourceDigests(Buffer.from(result.signed.bytes, 'base64'))).toEqual(expected);
    expect(result.deleted).toBe(204);
    expect(result.gone).toEqual({ status: 404, code: 'NoSuchKey' });
  });
}

test.describe('STS credentials in the page', () => {
  /** Uploads the page's file one part at a time with a pause after each, outliving one token. */
  const slowUpload = (page: Page, name: string, refresh: boolean) =>
    page.evaluate(
      async ({ options, name, refresh }) => {
        const w = window as unknown as ConformanceWindow;
        const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
        const credentials = await w.fetchToken();
        const client = new w.OSS({
          ...options,
          ...credentials,
          ...(refresh ? { refreshSTSToken: w.fetchToken, refreshSTSTokenInterval: 500 } : {}),
        });
        const started = Date.now();
        try {
          const done = await client.multipartUpload(name, file, {
            partSize: 100 * 1024,
            parallel: 1,
            progress: () => new Promise((r) => setTimeout(r, 350)),
          });
          return { ok: true, status: done.res.status, ms: Date.now() - started };
        } catch (e) {
          const err = e as { status: number; code: string };
          return { ok: false, status: err.status, code: err.code, ms: Date.now() - started };
        }
      },
      { options: browserClientOptions(emulator, BUCKET), name, refresh },
    );

  test('refreshSTSToken carries an upload across token expiry', async ({ page }) => {
    const source = testBytes(800 * KIB, 303);
    await openWithFile(page, 'sts.bin', source);
    const before = tokensIssued;
    const result = await slowUpload(page, 'browser/sts.bin', true);
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(result.ms).toBeGreaterThan(TOKEN_SECONDS * 1000);
    expect(tokensIssued - before).toBeGreaterThan(2);
    expect(await storedDigests(node, 'browser/sts.bin')).toEqual(
      await sourceDigests(source, { partSize: 100 * KIB }),
    );
  });

  test('without refreshSTSToken the upload fails with SecurityTokenExpired', async ({ page }) => {
    await openWithFile(page, 'sts-expired.bin', testBytes(800 * KIB, 304));
    const result = await slowUpload(page, 'browser/sts-expired.bin', false);
    expect(result).toMatchObject({ ok: false, status: 403, code: 'SecurityTokenExpired' });
    await expect(node.head('browser/sts-expired.bin')).rejects.toMatchObject({ status: 404 });
  });
});

test('a page clock 20 minutes behind: ali-oss amends from ServerTime and the put succeeds', async ({
  page,
}) => {
  const source = testBytes(20 * KIB, 305);
  await openWithFile(page, 'skew.bin', source);
  const result = await page.evaluate(
    async (options) => {
      const w = window as unknown as ConformanceWindow;
      const client = new w.OSS(options);
      const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
      const put = await client.put('browser/skew.bin', file);
      const got = await client.get('browser/skew.bin');
      return {
        status: put.res.status,
        amend: (client as unknown as { options: { amendTimeSkewed: number } }).options.amendTimeSkewed,
        got: w.toBase64(got.content as Uint8Array),
      };
    },
    browserClientOptions(skewed, BUCKET),
  );
  expect(result.status).toBe(200);
  expect(Math.abs(result.amend - SKEW_MS)).toBeLessThan(5000);
  expect(await sourceDigests(Buffer.from(result.got, 'base64'))).toEqual(await sourceDigests(source));
});

test('a bucket whose CORS rules do not expose ETag fails multipartUpload with ali-oss’s own hint', async ({
  page,
}) => {
  const bucket = 'no-etag-exposed';
  expect((await emulator.request('PUT', `/-/admin/buckets/${bucket}`)).status).toBe(200);
  // Path style, so this Node client names the new bucket rather than the default one.
  await ossClient(emulator, { cname: false, sldEnable: true } as Partial<OSS.Options>).putBucketCORS(bucket, [
    {
      allowedOrigin: '*',
      allowedMethod: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
      allowedHeader: '*',
      exposeHeader: ['x-oss-request-id'],
    },
  ]);
  await openWithFile(page, 'no-etag.bin', testBytes(300 * KIB, 306));
  const message = await page.evaluate(
    async (options) => {
      const w = window as unknown as ConformanceWindow;
      const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
      return new w.OSS(options).multipartUpload('browser/no-etag.bin', file, { partSize: 100 * 1024 }).then(
        () => 'uploaded',
        (e: Error) => e.message,
      );
    },
    browserClientOptions(emulator, bucket),
  );
  expect(message).toContain('Please set the etag of expose-headers in OSS');
  expect(message).toMatch(/^Failed to upload some parts with error: Error: Please set the etag/);
});
