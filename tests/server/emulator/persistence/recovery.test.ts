// Startup recovery of a data dir with damaged records, over real HTTP and the data directory itself: a
// damaged record is quarantined and reported, and loses only itself.

import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DataLayout } from '../../../../server/emulator/persistence/layout.ts';
import {
  BUCKET,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
  xmlTexts,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
let layout: DataLayout;
let stderr: MockInstance<typeof console.error>;

beforeEach(async () => {
  emu = await startTestEmulator();
  layout = new DataLayout(emu.dataDir);
  stderr = vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(async () => {
  stderr.mockRestore();
  await emu.dispose();
});

/** What recovery reported, one string per line. */
const reported = () => stderr.mock.calls.map((args) => args.join(' '));

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

/** Every file in quarantine, as `<path it had in the data dir>`. */
async function quarantined(): Promise<string[]> {
  const stamps = await readdir(layout.quarantineDir).catch(() => []);
  expect(stamps.length).toBeLessThanOrEqual(1);
  if (stamps.length === 0) return [];
  const folder = join(layout.quarantineDir, stamps[0]!);
  return (await walk(folder)).map((file) => relative(folder, file)).sort();
}

const inDataDir = (path: string) => relative(emu.dataDir, path);

async function put(path: string, body: Buffer | string): Promise<void> {
  expect((await emu.request('PUT', path, { body })).status).toBe(200);
}

/** Cuts a record file short, as a disk failure or a power cut in the middle of a copy would. */
async function cutShort(path: string): Promise<void> {
  await truncate(path, Math.floor((await stat(path)).size / 2));
}

async function initiate(key: string): Promise<string> {
  return xmlText((await emu.request('POST', `/${key}?uploads=`)).text, 'UploadId')!;
}

async function uploadPart(key: string, uploadId: string, n: number, body: Buffer): Promise<string> {
  const res = await emu.request('PUT', `/${key}?partNumber=${n}&uploadId=${uploadId}`, { body });
  expect(res.status).toBe(200);
  return res.headers.etag!;
}

describe('a damaged bucket.json', () => {
  it('cut short: the bucket keeps its objects and its start-up settings, and the damaged file is kept', async () => {
    const data = testBytes(3000, 1);
    await put('/kept.bin', data);
    const bucketFile = layout.bucketFile(BUCKET);
    const original = await readFile(bucketFile, 'utf8');
    await emu.close();
    await cutShort(bucketFile);

    await emu.restart();
    expect((await emu.request('GET', '/kept.bin')).body.equals(data)).toBe(true);
    // The bucket --bucket / createBuckets names gets its permissive CORS again, as at its creation.
    expect(xmlText((await emu.request('GET', '/?cors=')).text, 'AllowedOrigin')).toBe('*');
    expect(JSON.parse(await readFile(bucketFile, 'utf8'))).toMatchObject({ name: BUCKET, cors: {} });
    expect(await quarantined()).toEqual([inDataDir(bucketFile)]);
    const kept = await readFile(join(await quarantineFolder(), inDataDir(bucketFile)), 'utf8');
    expect(kept).toBe(original.slice(0, kept.length));
    expect(kept.length).toBeGreaterThan(0);
    const lines = reported();
    expect(lines).toContainEqual(expect.stringContaining(`Damaged bucket record ${inDataDir(bucketFile)}`));
    expect(lines).toContainEqual(
      expect.stringContaining(`bucket "${BUCKET}" was rebuilt with default settings`),
    );
  });

  it('cut short, of a bucket created at run time: rebuilt with default settings, objects kept', async () => {
    expect((await emu.request('PUT', '/-/admin/buckets/side-bucket')).status).toBe(200);
    await put('/side-bucket/a.txt', 'side a');
    await emu.close();
    await cutShort(layout.bucketFile('side-bucket'));

    await emu.restart();
    expect((await emu.request('GET', '/side-bucket/a.txt')).text).toBe('side a');
    expect((await emu.request('GET', '/side-bucket/?cors=')).status).toBe(404); // default: no CORS rules
    expect(reported()).toContainEqual(expect.stringContaining('bucket "side-bucket" was rebuilt'));
  });

  it('unreadable: its objects are kept on disk, unserved, until a bucket of its name is created again', async () => {
    expect((await emu.request('PUT', '/-/admin/buckets/lost-name')).status).toBe(200);
    const data = testBytes(200 * 1024, 2);
    await put('/lost-name/big.bin', data);
    const uploadId = await initiate('lost-name/mp.bin');
    const etag = await uploadPart('lost-name/mp.bin', uploadId, 1, testBytes(1000, 3));
    await emu.close();
    const blobsBefore = (await readdir(layout.blobsDir)).sort();
    await writeFile(layout.bucketFile('lost-name'), '\0\0\0\0');

    await emu.restart();
    expect((await emu.request('GET', '/lost-name/big.bin')).status).toBe(404);
    expect((await readdir(layout.blobsDir)).sort()).toEqual(blobsBefore); // not one data file deleted
    expect(reported()).toContainEqual(
      expect.stringMatching(/Damaged bucket record .* kept but not served; create the bucket again/),
    );

    // Kept across another start too, and served again once the bucket is created.
    await emu.restart();
    expect((await readdir(layout.blobsDir)).sort()).toEqual(blobsBefore);
    expect((await emu.request('PUT', '/-/admin/buckets/lost-name')).status).toBe(200);
    expect((await emu.request('GET', '/lost-name/big.bin')).body.equals(data)).toBe(true);
    const parts = await emu.request('GET', `/lost-name/mp.bin?uploadId=${uploadId}`);
    expect(xmlTexts(parts.text, 'ETag')).toEqual([etag]);
  });
});

describe('a damaged record', () => {
  it('of one object: the emulator starts, that object alone is gone, and its data is kept', async () => {
    const good = testBytes(4000, 4);
    await put('/good.bin', good);
    await put('/bad.bin', testBytes(5000, 5));
    const badRecord = layout.objectFile(BUCKET, 'bad.bin');
    const badBlob = (JSON.parse(await readFile(badRecord, 'utf8')) as { extents: { blob: string }[] })
      .extents[0]!.blob;
    await emu.close();
    await cutShort(badRecord);

    await emu.restart();
    expect((await emu.request('GET', '/good.bin')).body.equals(good)).toBe(true);
    expect((await emu.request('GET', '/bad.bin')).status).toBe(404);
    expect(xmlTexts((await emu.request('GET', '/')).text, 'Key')).toEqual(['good.bin']);
    expect(await quarantined()).toEqual(
      [inDataDir(badRecord), inDataDir(join(layout.blobsDir, badBlob))].sort(),
    );
    const lines = reported();
    expect(lines).toContainEqual(
      expect.stringContaining(`Damaged object record ${inDataDir(badRecord)} (not JSON`),
    );
    expect(lines).toContainEqual(expect.stringContaining('1 data file(s) that no readable record points to'));
    expect(lines).toContainEqual(expect.stringContaining('To restore one, stop the emulator'));
  });

  it('of the wrong shape, or filed under another key, counts as damaged too', async () => {
    await put('/a.txt', 'a');
    await put('/b.txt', 'b');
    const a = layout.objectFile(BUCKET, 'a.txt');
    const b = layout.objectFile(BUCKET, 'b.txt');
    await emu.close();
    await writeFile(a, JSON.stringify({ ...JSON.parse(await readFile(a, 'utf8')), extents: 'x' }));
    await writeFile(b, JSON.stringify({ ...JSON.parse(await readFile(b, 'utf8')), key: 'c.txt' }));

    await emu.restart();
    expect((await emu.request('GET', '/')).status).toBe(200);
    expect(xmlTexts((await emu.request('GET', '/')).text, 'Key')).toEqual([]);
    expect(reported()).toContainEqual(expect.stringContaining('"extents" is missing or malformed'));
    expect(reported()).toContainEqual(expect.stringContaining('it is filed under another key'));
  });

  it('of one part: only that part is lost; of one upload: only that upload and its parts', async () => {
    const kept = await initiate('kept.bin');
    const keptEtags = [];
    for (const n of [1, 2, 3]) keptEtags.push(await uploadPart('kept.bin', kept, n, testBytes(1000, n)));
    const lost = await initiate('lost.bin');
    await uploadPart('lost.bin', lost, 1, testBytes(1000, 9));
    await emu.close();
    await writeFile(layout.partFile(BUCKET, kept, 2), '');
    await cutShort(layout.uploadFile(BUCKET, lost));

    await emu.restart();
    const parts = await emu.request('GET', `/kept.bin?uploadId=${kept}`);
    expect(xmlTexts(parts.text, 'PartNumber')).toEqual(['1', '3']);
    expect(xmlTexts(parts.text, 'ETag')).toEqual([keptEtags[0], keptEtags[2]]);
    expect((await emu.request('GET', `/lost.bin?uploadId=${lost}`)).status).toBe(404);
    expect(xmlTexts((await emu.request('GET', '/?uploads=')).text, 'UploadId')).toEqual([kept]);
    const files = await quarantined();
    expect(files).toEqual(
      expect.arrayContaining([
        inDataDir(layout.partFile(BUCKET, kept, 2)),
        inDataDir(layout.uploadFile(BUCKET, lost)),
        inDataDir(layout.partFile(BUCKET, lost, 1)),
      ]),
    );
    expect(files.filter((f) => f.startsWith('blobs/'))).toHaveLength(2); // part 2's data and lost's part 1
    expect(reported()).toContainEqual(expect.stringContaining(`Damaged part record`));
    expect(reported()).toContainEqual(expect.stringContaining(`part 2 of upload ${kept}`));
    expect(reported()).toContainEqual(expect.stringContaining('Damaged multipart upload record'));

    // The upload that kept its other parts can be completed with them after re-sending part 2.
    const again = await uploadPart('kept.bin', kept, 2, testBytes(1000, 2));
    expect(again).toBe(keptEtags[1]);
  });

  it('leaves no quarantine and says nothing when nothing is damaged', async () => {
    await put('/x.txt', 'x');
    await emu.restart();
    expect(await readdir(layout.quarantineDir).catch(() => [])).toEqual([]);
    expect(reported()).toEqual([]);
  });
});

async function quarantineFolder(): Promise<string> {
  const [stamp] = await readdir(layout.quarantineDir);
  return join(layout.quarantineDir, stamp!);
}
