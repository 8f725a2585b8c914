// The "uploads paused" notice after Chromium's last sync try: only with uploads left, no page open,
// and notifications permitted; uploads Background Fetch carries do not count.
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type NoticeScope,
  noticeStalledUploads,
  STALLED_NOTIFICATION_TAG,
  stalledInWords,
} from '../../../sw/notifications/stalled-uploads.ts';
import type { UploadRecord } from '../../../sw/store/schema.ts';
import { openUploadDb, UploadStore } from '../../../sw/store/upload-store.ts';

let store: UploadStore;
let count = 0;
let shown: { title: string; options?: NotificationOptions }[];

beforeEach(async () => {
  store = new UploadStore(await openUploadDb(`stalled-${++count}`));
  shown = [];
});
afterEach(() => store.db.close());

function scope(windows: number, permission: NotificationPermission = 'granted'): NoticeScope {
  return {
    registration: {
      showNotification: async (title: string, options?: NotificationOptions) => {
        shown.push({ title, options });
      },
    },
    clients: { matchAll: async () => Array.from({ length: windows }) },
    permission: () => permission,
  };
}

async function add(id: string, extra: Partial<UploadRecord> = {}): Promise<void> {
  const upload = {
    id,
    key: `uploads/${id}`,
    fileName: id,
    size: 1,
    lastModified: 0,
    mime: 'application/octet-stream',
    options: { key: `uploads/${id}` },
    method: 'put',
    partSize: 1,
    partCount: 1,
    parallel: 1,
    state: 'uploading',
    bytesConfirmed: 0,
    partsDone: 0,
    createdAt: count,
    updatedAt: 0,
    ...extra,
  } as UploadRecord;
  await store.create(upload, new Blob(['x']), []);
}

describe('stalled uploads notice', () => {
  it('names how many uploads wait for a page', async () => {
    await add('a');
    await add('b', { state: 'queued' });
    await add('c', { state: 'paused' });
    await add('d', {
      backgroundFetch: { id: 'f', parts: [1], startedAt: 0, partsPrefix: 'uploads/~parts/' },
    });
    expect(await noticeStalledUploads(store, scope(0))).toBe(true);
    expect(shown).toEqual([
      {
        title: '2 uploads paused — open Skylift to continue',
        options: expect.objectContaining({ tag: STALLED_NOTIFICATION_TAG }),
      },
    ]);
  });

  it('says nothing with a page open, without permission, or with nothing left', async () => {
    expect(await noticeStalledUploads(store, scope(0))).toBe(false);
    await add('a');
    expect(await noticeStalledUploads(store, scope(1))).toBe(false);
    expect(await noticeStalledUploads(store, scope(0, 'default'))).toBe(false);
    expect(shown).toEqual([]);
    expect(stalledInWords(1)).toBe('1 upload paused — open Skylift to continue');
  });
});
