import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PartRecord, UploadRecord } from '../../../sw/store/schema.ts';
import { MAX_HISTORY_RECORDS, openUploadDb, UploadStore } from '../../../sw/store/upload-store.ts';

let n = 0;
let store: UploadStore;
beforeEach(async () => {
  store = new UploadStore(await openUploadDb(`store-test-${++n}`), () => 1000);
});
afterEach(() => store.db.close());

const upload = (id: string): UploadRecord => ({
  id,
  key: `k/${id}`,
  fileName: `${id}.bin`,
  size: 300,
  lastModified: 1,
  mime: 'application/octet-stream',
  options: { key: `k/${id}` },
  method: 'multipart',
  partSize: 100,
  partCount: 3,
  parallel: 2,
  state: 'queued',
  bytesConfirmed: 0,
  partsDone: 0,
  createdAt: n,
  updatedAt: n,
});
const parts = (id: string): PartRecord[] =>
  [1, 2, 3].map((partNumber) => ({
    uploadId: id,
    partNumber,
    offset: (partNumber - 1) * 100,
    size: 100,
    state: 'pending',
    attempts: 0,
    nextTryAt: 0,
  }));

describe('UploadStore', () => {
  it('creates the upload, its file and its part plan in one transaction', async () => {
    await store.create(upload('a'), new Blob(['x'.repeat(300)]), parts('a'));
    expect(await store.get('a')).toMatchObject({ state: 'queued' });
    expect((await store.getFile('a'))?.size).toBe(300);
    expect((await store.parts('a')).map((p) => p.partNumber)).toEqual([1, 2, 3]);
    // A duplicate id fails as a whole: nothing of the second attempt is stored.
    await expect(store.create(upload('a'), new Blob(['y']), parts('a'))).rejects.toThrow();
    expect((await store.getFile('a'))?.size).toBe(300);
  });

  it('keeps the confirmed byte count in step with the part records', async () => {
    await store.create(upload('b'), new Blob(['x'.repeat(300)]), parts('b'));
    expect((await store.markPartSending('b', 2)).attempts).toBe(1);
    await store.markPartDone('b', 2, '"E2"', '42');
    await store.markPartDone('b', 2, '"E2"', '42'); // twice is still once
    expect(await store.get('b')).toMatchObject({ bytesConfirmed: 100, partsDone: 1 });
    const failed = await store.markPartFailed('b', 3, 5000, 'HTTP 503');
    expect(failed).toMatchObject({ state: 'pending', nextTryAt: 5000, lastError: 'HTTP 503' });
    const [, p2] = await store.parts('b');
    await store.saveParts('b', [{ ...p2!, state: 'pending', etag: undefined }], { state: 'uploading' });
    expect(await store.get('b')).toMatchObject({ bytesConfirmed: 0, partsDone: 0, state: 'uploading' });
  });

  it('lists unfinished uploads only, oldest first', async () => {
    await store.create(upload('c'), new Blob([]), []);
    await store.create({ ...upload('d'), state: 'paused' }, new Blob([]), []);
    expect((await store.listActive()).map((u) => u.id)).toEqual(['c']);
  });

  it('on finish deletes the file and parts and keeps a history record', async () => {
    await store.create(upload('e'), new Blob(['x'.repeat(300)]), parts('e'));
    const { id, key, fileName, size, lastModified, createdAt } = upload('e');
    await store.finish('e', { id, key, fileName, size, lastModified, createdAt, state: 'done' });
    expect(await store.get('e')).toBeUndefined();
    expect(await store.getFile('e')).toBeUndefined();
    expect(await store.parts('e')).toEqual([]);
    expect(await store.history(10)).toEqual({
      records: [expect.objectContaining({ id: 'e', state: 'done', finishedAt: 1000 })],
      more: false,
    });
  });

  it('pages history newest first, with ties in time neither skipped nor repeated', async () => {
    let clock = 0;
    const timed = new UploadStore(store.db, () => Math.floor(clock++ / 3) * 10);
    for (let i = 0; i < 25; i++) {
      const id = `h${String(i).padStart(2, '0')}`;
      await timed.create(upload(id), new Blob([]), []);
      await timed.finish(id, { ...upload(id), state: 'done' });
    }
    const seen: string[] = [];
    let page = await timed.history(7);
    seen.push(...page.records.map((r) => r.id));
    while (page.more) {
      const last = page.records.at(-1)!;
      page = await timed.history(7, last);
      seen.push(...page.records.map((r) => r.id));
    }
    const expected = Array.from({ length: 25 }, (_, i) => `h${String(24 - i).padStart(2, '0')}`);
    expect(seen).toEqual(expected);
    expect((await timed.finishedSince(70)).map((r) => r.id)).toEqual(['h21', 'h22', 'h23', 'h24']);
  });

  it('keeps at most MAX_HISTORY_RECORDS, forgetting the oldest first', async () => {
    // Seeded directly: ten thousand finishes through the API would only make the test slow.
    const tx = store.db.transaction('history', 'readwrite');
    for (let i = 0; i < MAX_HISTORY_RECORDS; i++) {
      void tx.store.put({ ...upload(`old-${i}`), state: 'done', finishedAt: i - MAX_HISTORY_RECORDS });
    }
    await tx.done;
    await store.create(upload('newest'), new Blob([]), []);
    await store.finish('newest', { ...upload('newest'), state: 'done' });
    expect(await store.db.count('history')).toBe(MAX_HISTORY_RECORDS);
    expect(await store.db.get('history', 'old-0')).toBeUndefined();
    expect(await store.db.get('history', 'old-1')).toBeDefined();
    expect((await store.history(1)).records[0]?.id).toBe('newest');
  });
});
