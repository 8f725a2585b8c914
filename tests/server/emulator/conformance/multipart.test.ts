// Multipart conformance: ali-oss's managed upload (parallel parts, progress, checkpoints) and the raw
// multipart calls, against the emulator with real V4 signatures.

import { Agent } from 'node:http';
import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex, quoteEtag } from '../../../../lib/oss/etag.ts';
import {
  expectedMultipartEtag,
  headerOf,
  KIB,
  listParts,
  ossClient,
  rejection,
  sourceDigests,
  sourceFile,
  startSignedEmulator,
  storedDigests,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import type { TestEmulator } from '../../../support/emulator.ts';

let emulator: TestEmulator;
let client: OSS;

beforeAll(async () => {
  emulator = await startSignedEmulator();
  client = ossClient(emulator);
});
afterAll(() => emulator.dispose());

describe('multipartUpload', () => {
  it('uploads parts in parallel with monotonic progress ending at 1', async () => {
    const source = testBytes(1100 * KIB, 31);
    const path = await sourceFile(emulator, 'parallel.bin', source);
    const progress: number[] = [];
    // A keep-alive agent opens a new socket only when every open one is busy, so the number of
    // sockets it opens is the most requests ali-oss had in flight at once.
    const agent = new Agent({ keepAlive: true });
    let sockets = 0;
    const createConnection = agent.createConnection.bind(agent);
    agent.createConnection = (...args: Parameters<Agent['createConnection']>) => {
      sockets++;
      return createConnection(...args);
    };
    const result = await ossClient(emulator, { agent } as Partial<OSS.Options>).multipartUpload(
      'mp/parallel.bin',
      path,
      {
        partSize: 100 * KIB,
        parallel: 4,
        progress: (p: number) => {
          progress.push(p);
        },
      },
    );
    agent.destroy();
    expect(result.res.status).toBe(200);
    expect(progress[0]).toBe(0);
    expect(progress.at(-1)).toBe(1);
    // Initiate (0), one per part (k / (parts + 1)), Complete (1).
    expect(progress).toHaveLength(11 + 2);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!).toBeGreaterThan(progress[i - 1]!);
    expect(result.etag).toBe(await expectedMultipartEtag(source, 100 * KIB));
    expect(await storedDigests(client, 'mp/parallel.bin')).toEqual(
      await sourceDigests(source, { partSize: 100 * KIB }),
    );
    const head = await client.head('mp/parallel.bin');
    expect(headerOf(head.res, 'x-oss-object-type')).toBe('Multipart');
    expect(headerOf(head.res, 'etag')).toBe(result.etag);
    expect(sockets).toBeGreaterThan(1);
    expect(sockets).toBeLessThanOrEqual(4);
  });

  it('resumes from a checkpoint after cancel(), uploading only the missing parts', async () => {
    const partSize = 100 * KIB;
    const source = testBytes(1000 * KIB + 123, 32);
    const path = await sourceFile(emulator, 'resume.bin', source);
    const parts = Math.ceil(source.length / partSize);
    let saved: OSS.Checkpoint | undefined;
    const first = await rejection(
      client.multipartUpload('mp/resume.bin', path, {
        partSize,
        parallel: 2,
        progress: (_p: number, checkpoint?: OSS.Checkpoint) => {
          if (saved || !checkpoint || checkpoint.doneParts.length < 3) return;
          saved = { ...checkpoint, doneParts: [...checkpoint.doneParts] };
          client.cancel();
        },
      }),
    );
    expect(first).toMatchObject({ name: 'cancel' });
    expect(saved?.doneParts.length).toBe(3);
    const { uploadId } = saved!;
    // Parts cut off by cancel() were discarded; every part the emulator kept is the source's slice.
    const listed = (await listParts(client, 'mp/resume.bin', uploadId)).parts;
    expect(listed.length).toBeGreaterThanOrEqual(3);
    for (const part of listed) {
      const n = Number(part.PartNumber);
      expect(part.ETag).toBe(quoteEtag(await md5Hex(source.subarray((n - 1) * partSize, n * partSize))));
    }
    for (const done of saved!.doneParts) expect(listed.map((p) => p.ETag)).toContain(done.etag);

    const resumed: number[] = [];
    const result = await client.multipartUpload('mp/resume.bin', path, {
      checkpoint: saved,
      partSize,
      progress: (p: number) => {
        resumed.push(p);
      },
    });
    expect(result.res.status).toBe(200);
    // One progress call per missing part, then Complete; counting starts at the 3 parts already done.
    expect(resumed).toHaveLength(parts - 3 + 1);
    expect(resumed[0]).toBe(4 / (parts + 1));
    expect(resumed.at(-1)).toBe(1);
    expect(result.etag).toBe(await expectedMultipartEtag(source, partSize));
    expect(await storedDigests(client, 'mp/resume.bin')).toEqual(await sourceDigests(source, { partSize }));
    const uploads = await client.listUploads({ prefix: 'mp/resume.bin' }, {});
    expect(uploads.uploads).toEqual([]);
  });

  it('reports an aborted upload to a resuming client as its abort event', async () => {
    const source = testBytes(300 * KIB, 33);
    let saved: OSS.Checkpoint | undefined;
    await rejection(
      client.multipartUpload('mp/aborted.bin', source, {
        partSize: 100 * KIB,
        parallel: 1,
        progress: (_p: number, checkpoint?: OSS.Checkpoint) => {
          if (saved || !checkpoint || checkpoint.doneParts.length < 1) return;
          saved = { ...checkpoint, doneParts: [...checkpoint.doneParts] };
          client.cancel();
        },
      }),
    );
    await client.abortMultipartUpload('mp/aborted.bin', saved!.uploadId);
    const listErr = await rejection(listParts(client, 'mp/aborted.bin', saved!.uploadId));
    expect(listErr).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    // ali-oss turns a 404 on UploadPart into { status: 0, name: 'abort' } (managed-upload.js).
    const resumeErr = await rejection(
      client.multipartUpload('mp/aborted.bin', source, { checkpoint: saved, partSize: 100 * KIB }),
    );
    expect(resumeErr).toMatchObject({ status: 0, name: 'abort' });
    const again = await rejection(client.abortMultipartUpload('mp/aborted.bin', saved!.uploadId));
    expect(again).toMatchObject({ status: 404, code: 'NoSuchUpload' });
    await expect(client.head('mp/aborted.bin')).rejects.toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('refuses to overwrite at Complete with x-oss-forbid-overwrite (FileAlreadyExists)', async () => {
    const winner = testBytes(5 * KIB, 34);
    const other = ossClient(emulator);
    let raced = false;
    const err = await rejection(
      client.multipartUpload('mp/forbid.bin', testBytes(250 * KIB, 35), {
        partSize: 100 * KIB,
        headers: { 'x-oss-forbid-overwrite': 'true' },
        progress: async (p: number) => {
          // After Initiate (which checked that the key was free), someone else writes the key.
          if (p > 0 && !raced) {
            raced = true;
            await other.put('mp/forbid.bin', winner);
          }
        },
      }),
    );
    expect(raced).toBe(true);
    expect(err).toMatchObject({ status: 409, code: 'FileAlreadyExists', ecCode: '0042-00000214' });
    expect(await storedDigests(client, 'mp/forbid.bin')).toEqual(await sourceDigests(winner));
    // A new managed upload with the header is refused already at Initiate.
    const early = await rejection(
      client.multipartUpload('mp/forbid.bin', testBytes(250 * KIB, 36), {
        partSize: 100 * KIB,
        headers: { 'x-oss-forbid-overwrite': 'true' },
      }),
    );
    expect(early).toMatchObject({ status: 409, code: 'FileAlreadyExists' });
    expect(await storedDigests(client, 'mp/forbid.bin')).toEqual(await sourceDigests(winner));
  });
});

describe('listParts / listUploads', () => {
  it('pages parts with max-parts and part-number-marker, in part-number order', async () => {
    const { uploadId } = await client.initMultipartUpload('lp/parts.bin');
    const bodies = new Map<number, Buffer>();
    for (const n of [5, 2, 4, 1, 3]) {
      const body = testBytes(1000 + n, 40 + n);
      bodies.set(n, body);
      const res = await client.uploadPart('lp/parts.bin', uploadId, n, body, 0, body.length);
      expect(res.etag).toBe(quoteEtag(await md5Hex(body)));
    }
    const pages: { numbers: number[]; truncated: unknown; next: unknown }[] = [];
    let marker = 0;
    for (;;) {
      const page = await listParts(client, 'lp/parts.bin', uploadId, {
        'max-parts': 2,
        'part-number-marker': marker,
      });
      const { parts } = page;
      for (const part of parts) {
        const body = bodies.get(Number(part.PartNumber))!;
        expect(part.ETag).toBe(quoteEtag(await md5Hex(body)));
        expect(part.Size).toBe(String(body.length));
      }
      pages.push({
        numbers: parts.map((p) => Number(p.PartNumber)),
        truncated: page.isTruncated,
        next: page.nextPartNumberMarker,
      });
      if (page.isTruncated !== 'true') break;
      marker = Number(page.nextPartNumberMarker);
    }
    const all = [...bodies.keys()].sort((a, b) => a - b);
    expect(pages.map((p) => p.numbers)).toEqual([all.slice(0, 2), all.slice(2, 4), all.slice(4)]);
    // ali-oss hands these through as the XML's strings.
    expect(pages.map((p) => p.truncated)).toEqual(['true', 'true', 'false']);
    expect(pages.slice(0, 2).map((p) => p.next)).toEqual([String(all[1]), String(all[3])]);
    await client.abortMultipartUpload('lp/parts.bin', uploadId);
  });

  it('pages uploads with max-uploads, key-marker and upload-id-marker, by key then upload id', async () => {
    const created: { name: string; uploadId: string }[] = [];
    for (const name of ['lu/c.bin', 'lu/b.bin', 'lu/a.bin', 'lu/b.bin']) {
      created.push({ name, uploadId: (await client.initMultipartUpload(name)).uploadId });
    }
    const expected = [...created].sort((x, y) =>
      x.name === y.name ? (x.uploadId < y.uploadId ? -1 : 1) : x.name < y.name ? -1 : 1,
    );
    const seen: { name: string; uploadId: string }[][] = [];
    const markers: OSS.ListUploadsQuery = {};
    for (;;) {
      const page = await client.listUploads({ prefix: 'lu/', 'max-uploads': 3, ...markers }, {});
      seen.push(page.uploads.map((u) => ({ name: u.name, uploadId: u.uploadId })));
      if (!page.isTruncated) break;
      expect(page.nextKeyMarker).toBe(seen.at(-1)!.at(-1)!.name);
      expect(page.nextUploadIdMarker).toBe(seen.at(-1)!.at(-1)!.uploadId);
      markers['key-marker'] = page.nextKeyMarker;
      markers['upload-id-marker'] = page.nextUploadIdMarker;
    }
    expect(seen).toEqual([expected.slice(0, 3), expected.slice(3)]);
    // key-marker alone skips every upload of that key; upload-id-marker alone is ignored.
    const afterB = await client.listUploads({ prefix: 'lu/', 'key-marker': 'lu/b.bin' }, {});
    expect(afterB.uploads.map((u) => u.name)).toEqual(['lu/c.bin']);
    const idOnly = await client.listUploads(
      { prefix: 'lu/', 'upload-id-marker': expected.at(-1)!.uploadId },
      {},
    );
    expect(idOnly.uploads.map((u) => u.uploadId)).toEqual(expected.map((u) => u.uploadId));
    for (const { name, uploadId } of created) await client.abortMultipartUpload(name, uploadId);
    expect((await client.listUploads({ prefix: 'lu/' }, {})).uploads).toEqual([]);
  });
});
