// Persistence behaviour, observed through real HTTP and the data directory itself.

import { cp, readdir, stat, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { multipartEtag } from '../../../../lib/oss/etag.ts';
import { DataLayout } from '../../../../server/emulator/persistence/layout.ts';
import {
  BUCKET,
  crcHeaderOf,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
  xmlTexts,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
let layout: DataLayout;
beforeEach(async () => {
  emu = await startTestEmulator();
  layout = new DataLayout(emu.dataDir);
});
afterEach(async () => {
  await emu.dispose();
});

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function initiate(key: string): Promise<string> {
  return xmlText((await emu.request('POST', `/${key}?uploads=`)).text, 'UploadId')!;
}

const completeXml = (etags: string[]) =>
  `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;

async function waitFor(check: () => Promise<boolean>, ms = 3000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('persistence', () => {
  it('keeps hostile keys inside the data dir, under hashed names', async () => {
    const keys = [
      '../../escape.txt',
      '%2e%2e%2f%2e%2e%2fencoded.txt',
      '..\\..\\win.txt',
      'nul%00byte.txt',
      'C:%5Cabs.txt',
    ];
    for (const key of keys) expect((await emu.request('PUT', `/${key}`, { body: key })).status).toBe(200);
    const decoded = [
      '../../escape.txt',
      '../../encoded.txt',
      '..\\..\\win.txt',
      'nul\0byte.txt',
      'C:\\abs.txt',
    ];
    for (const [i, key] of keys.entries()) expect((await emu.request('GET', `/${key}`)).text).toBe(keys[i]);
    const list = await emu.request('GET', '/');
    expect(xmlTexts(list.text, 'Key').sort()).toEqual([...decoded].sort());
    for (const name of ['escape.txt', 'encoded.txt', 'win.txt', 'abs.txt']) {
      await expect(stat(resolve(emu.dataDir, '..', name))).rejects.toThrow();
      await expect(stat(resolve(emu.dataDir, '..', '..', name))).rejects.toThrow();
    }
    for (const file of await walk(emu.dataDir)) {
      expect(relative(emu.dataDir, file).startsWith('..')).toBe(false);
      expect(file).toMatch(
        /\/(emulator\.lock|blobs\/[0-9A-F]{32}|buckets\/[0-9a-f]{64}\/(bucket\.json|objects\/[0-9a-f]{64}\.json))$/,
      );
    }
  });

  it('keeps objects and acknowledged parts across a restart', async () => {
    const data = testBytes(5000, 3);
    await emu.request('PUT', '/kept.bin', { body: data, headers: { 'x-oss-meta-a': 'b' } });
    const uploadId = await initiate('upload.bin');
    const parts = [testBytes(100 * 1024, 4), testBytes(10, 5)];
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      etags.push(
        (await emu.request('PUT', `/upload.bin?partNumber=${i + 1}&uploadId=${uploadId}`, { body: p }))
          .headers.etag!,
      );
    }
    await emu.restart();
    const get = await emu.request('GET', '/kept.bin');
    expect(get.body.equals(data)).toBe(true);
    expect(get.headers['x-oss-meta-a']).toBe('b');
    const listed = await emu.request('GET', `/upload.bin?uploadId=${uploadId}`);
    expect(xmlTexts(listed.text, 'ETag')).toEqual(etags);
    const done = await emu.request('POST', `/upload.bin?uploadId=${uploadId}`, { body: completeXml(etags) });
    expect(done.status).toBe(200);
    expect((await emu.request('GET', '/upload.bin')).body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('discards a part whose body was cut off mid-stream', async () => {
    const uploadId = await initiate('cut.bin');
    const socket = connect(emu.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    socket.write(
      `PUT /cut.bin?partNumber=1&uploadId=${uploadId} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n`,
    );
    socket.write(testBytes(300_000));
    // Wait until the server has started spooling the body, then hang up.
    await waitFor(async () => (await readdir(layout.tmpDir)).length > 0);
    socket.destroy();
    await waitFor(async () => (await readdir(layout.tmpDir)).length === 0);
    const parts = await emu.request('GET', `/cut.bin?uploadId=${uploadId}`);
    expect(parts.status).toBe(200);
    expect(xmlTexts(parts.text, 'PartNumber')).toEqual([]);
    expect(await readdir(layout.blobsDir)).toEqual([]);
  });

  it('rolls a Complete that committed before a crash forward, and removes orphans at start', async () => {
    const uploadId = await initiate('crash.bin');
    const body = testBytes(1000, 6);
    const etag = (await emu.request('PUT', `/crash.bin?partNumber=1&uploadId=${uploadId}`, { body })).headers
      .etag!;
    const bucketDir = (await readdir(layout.bucketsDir))[0]!;
    const uploadsDir = join(layout.bucketsDir, bucketDir, 'uploads');
    const partsDir = join(layout.bucketsDir, bucketDir, 'parts');
    // Inside dataDir (so dispose() removes it) but outside the folders the store manages.
    const saved = join(emu.dataDir, 'copy-before-complete');
    await cp(join(layout.bucketsDir, bucketDir), saved, { recursive: true });
    expect(
      (await emu.request('POST', `/crash.bin?uploadId=${uploadId}`, { body: completeXml([etag]) })).status,
    ).toBe(200);
    await emu.close();
    // Simulate a crash right after the object record's rename: upload record and part records still there,
    // plus a temp file of an interrupted body and a data file no record points to.
    await cp(join(saved, 'uploads'), uploadsDir, { recursive: true });
    await cp(join(saved, 'parts'), partsDir, { recursive: true });
    await writeFile(join(layout.tmpDir, 'ABCDEF'), 'partial body');
    await writeFile(join(layout.blobsDir, 'F'.repeat(32)), 'orphan');
    await emu.restart();
    expect(xmlText((await emu.request('GET', '/?uploads=')).text, 'Key')).toBeUndefined();
    expect((await emu.request('GET', '/crash.bin')).body.equals(body)).toBe(true);
    expect(await readdir(layout.tmpDir)).toEqual([]);
    expect(await readdir(layout.blobsDir)).toHaveLength(1);
    expect(await readdir(partsDir)).toEqual([]);
  });

  it('moves finished part records to the trash in one rename, empties it after replying, and at start', async () => {
    const uploadId = await initiate('trash.bin');
    const etag = (await emu.request('PUT', `/trash.bin?partNumber=1&uploadId=${uploadId}`, { body: 'x' }))
      .headers.etag!;
    const partsRoot = layout.partsRoot(BUCKET);
    expect(await readdir(partsRoot)).toEqual([uploadId]);
    const done = await emu.request('POST', `/trash.bin?uploadId=${uploadId}`, { body: completeXml([etag]) });
    expect(done.status).toBe(200);
    expect(await readdir(partsRoot)).toEqual([]);
    await waitFor(async () => (await readdir(layout.trashDir)).length === 0);
    // A crash before the trash was emptied: the next start empties it.
    await writeFile(join(layout.trashDir, 'leftover'), 'part records');
    await emu.restart();
    expect(await readdir(layout.trashDir)).toEqual([]);
  });

  it('frees data files on overwrite and delete', async () => {
    await emu.request('PUT', '/o.bin', { body: testBytes(100) });
    await emu.request('PUT', '/o.bin', { body: testBytes(200) });
    expect(await readdir(layout.blobsDir)).toHaveLength(1);
    await emu.request('DELETE', '/o.bin');
    expect(await readdir(layout.blobsDir)).toHaveLength(0);
  });

  it('completes 2,000 parts of 100 KB by reference, without copying part data', async () => {
    const count = 2000;
    const size = 100 * 1024;
    const uploadId = await initiate('many.bin');
    const source = testBytes(count * size, 42);
    const etags: string[] = new Array(count);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < count) {
          const n = next++;
          const body = source.subarray(n * size, (n + 1) * size);
          const res = await emu.request('PUT', `/many.bin?partNumber=${n + 1}&uploadId=${uploadId}`, {
            body,
          });
          expect(res.status).toBe(200);
          etags[n] = res.headers.etag!;
        }
      }),
    );
    const inodesBefore = new Map<string, number>();
    for (const name of await readdir(layout.blobsDir))
      inodesBefore.set(name, (await stat(join(layout.blobsDir, name))).ino);
    expect(inodesBefore.size).toBe(count);

    const started = performance.now();
    const res = await emu.request('POST', `/many.bin?uploadId=${uploadId}`, { body: completeXml(etags) });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(await multipartEtag(etags));
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(source));
    // Same data files, same inodes, nothing new: the object is the part files, referenced in order.
    const inodesAfter = new Map<string, number>();
    for (const name of await readdir(layout.blobsDir))
      inodesAfter.set(name, (await stat(join(layout.blobsDir, name))).ino);
    expect(inodesAfter).toEqual(inodesBefore);
    // 200 MB could not be read, let alone copied, this fast on any disk this test runs on.
    expect(elapsed).toBeLessThan(3000);

    const get = await emu.request('GET', '/many.bin');
    expect(get.body.length).toBe(source.length);
    expect(md5HexOf(get.body)).toBe(md5HexOf(source));
  }, 120_000);
});
