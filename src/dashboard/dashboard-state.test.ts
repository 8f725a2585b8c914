import { describe, expect, it } from 'vitest';
import { OssRequestError } from '../../lib/oss-client/errors.ts';
import type { ListedPart, ListedUpload } from '../../lib/oss-client/oss-client.ts';
import type { UploadView } from '../../lib/protocol/messages.ts';
import { DashboardState } from './dashboard-state.ts';
import type { MultipartApi } from './multipart-api.ts';
import { OwnUploads } from './own-uploads.ts';
import { Poller } from './poller.ts';

const HOUR = 3_600_000;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

function fakeBucket(uploads: ListedUpload[], parts: Record<string, ListedPart[]> = {}) {
  const aborted: string[] = [];
  const api: MultipartApi = {
    listUploads: async () => uploads.filter((u) => !aborted.includes(u.uploadId)),
    listParts: async (_key, id) => {
      if (aborted.includes(id) || !parts[id]) {
        throw new OssRequestError(404, 'NoSuchUpload', 'The specified upload does not exist.', 'REQ1', '');
      }
      return parts[id];
    },
    abort: async (_key, id) => {
      if (id === 'DENIED') throw new OssRequestError(403, 'AccessDenied', 'Denied.', 'REQ2', '');
      aborted.push(id);
    },
  };
  return { api, aborted };
}

function dashboard(api: MultipartApi, mine: string[] = [], now = () => NOW) {
  let changes = 0;
  const state = new DashboardState({
    connect: async () => ({ api, bucket: 'skylift-dev', prefix: 'uploads/', allUsers: false }),
    localUploadIds: async () => new Set(mine),
    now,
    onChange: () => changes++,
  });
  return { state, changes: () => changes };
}

describe('DashboardState', () => {
  const uploads: ListedUpload[] = [
    { key: 'uploads/mine.bin', uploadId: 'M', initiated: iso(NOW - 30 * HOUR) },
    { key: 'uploads/old.bin', uploadId: 'OLD', initiated: iso(NOW - 25 * HOUR) },
    { key: 'uploads/new.bin', uploadId: 'NEW', initiated: iso(NOW - 1 * HOUR) },
  ];

  it('marks uploads this browser recorded, and picks orphans older than N hours', async () => {
    const { api } = fakeBucket(uploads);
    const { state } = dashboard(api, ['M']);
    await state.poll();
    expect(state.uploads.map((u) => [u.uploadId, u.mine])).toEqual([
      ['M', true],
      ['OLD', false],
      ['NEW', false],
    ]);
    expect(state.orphansOlderThan(24).map((u) => u.uploadId)).toEqual(['OLD']);
    expect(state.orphansOlderThan(0).map((u) => u.uploadId)).toEqual(['OLD', 'NEW']);
  });

  it('lists the selected upload’s parts with their total, and the rate between polls', async () => {
    const parts = { OLD: [{ partNumber: 1, etag: '"a"', size: 1000 }] };
    const { api } = fakeBucket(uploads, parts);
    let now = NOW;
    const { state } = dashboard(api, [], () => now);
    await state.select({ key: 'uploads/old.bin', uploadId: 'OLD' });
    expect(state.selected).toMatchObject({ totalBytes: 1000, parts: parts.OLD });
    expect(state.selected?.rate).toBeUndefined();
    parts.OLD.push({ partNumber: 2, etag: '"b"', size: 3000 });
    now += 2000;
    await state.poll();
    expect(state.selected).toMatchObject({ totalBytes: 4000, rate: 1500 });
  });

  it('shows an OSS error with its code and request id instead of throwing', async () => {
    const { api } = fakeBucket(uploads);
    const { state } = dashboard(api);
    await state.select({ key: 'uploads/x', uploadId: 'GONE' });
    expect(state.selected?.problem).toEqual({
      code: 'NoSuchUpload',
      message: 'The specified upload does not exist.',
      requestId: 'REQ1',
    });
    const failing = dashboard({ ...api, listUploads: () => Promise.reject(new Error('offline')) }).state;
    await failing.poll();
    expect(failing.listProblem).toMatchObject({ code: 'Error', message: 'offline' });
  });

  it('aborts, drops aborted uploads from the list and the selection, and reports failures', async () => {
    const { api, aborted } = fakeBucket(
      [...uploads, { key: 'uploads/d', uploadId: 'DENIED', initiated: iso(NOW) }],
      {
        OLD: [],
      },
    );
    const { state } = dashboard(api);
    await state.poll();
    await state.select({ key: 'uploads/old.bin', uploadId: 'OLD' });
    const outcome = await state.abort([
      { key: 'uploads/old.bin', uploadId: 'OLD' },
      { key: 'uploads/d', uploadId: 'DENIED' },
    ]);
    expect(aborted).toEqual(['OLD']);
    expect(outcome.aborted).toBe(1);
    expect(outcome.failed).toEqual([
      {
        upload: { key: 'uploads/d', uploadId: 'DENIED' },
        problem: { code: 'AccessDenied', message: 'Denied.', requestId: 'REQ2' },
      },
    ]);
    expect(state.uploads.map((u) => u.uploadId)).toEqual(['M', 'NEW', 'DENIED']);
    expect(state.selected).toBeUndefined();
  });
});

describe('OwnUploads', () => {
  const view = (id: string, ossUploadId?: string) => ({ id, ossUploadId }) as UploadView;

  it('knows the OSS upload ids the worker reports, waiting for its first answer', async () => {
    const own = new OwnUploads();
    const known = own.known();
    own.update([view('local-1', 'OSS-1'), view('local-2')]); // local-2 not initiated yet: no OSS id
    expect(await known).toEqual(new Set(['OSS-1']));
    own.update([view('local-3', 'OSS-3')]);
    expect(await own.known()).toEqual(new Set(['OSS-3']));
  });
});

describe('Poller', () => {
  function fakeTimers() {
    const timers: { run: () => void; ms: number }[] = [];
    return {
      timers,
      setTimer: (run: () => void, ms: number) => timers.push({ run, ms }),
      clearTimer: (t: unknown) => {
        timers.splice((t as number) - 1, 1, { run: () => {}, ms: -1 });
      },
    };
  }

  it('runs at once, then every interval; pause stops the timer, refresh runs now, never two at once', async () => {
    let runs = 0;
    let release: () => void = () => {};
    const t = fakeTimers();
    const poller = new Poller(
      () =>
        new Promise<void>((resolve) => {
          runs++;
          release = resolve;
        }),
      { intervalMs: 10_000, setTimer: t.setTimer, clearTimer: t.clearTimer, now: () => NOW },
    );
    poller.start();
    expect(runs).toBe(1);
    expect(poller.busy).toBe(true);
    const joined = poller.refresh(); // joins the run in progress
    expect(runs).toBe(1);
    release();
    await joined;
    expect(poller.lastAt).toBe(NOW);
    expect(t.timers.at(-1)?.ms).toBe(10_000);
    t.timers.at(-1)!.run();
    expect(runs).toBe(2);
    release();
    await poller.refresh();
    poller.pause();
    const scheduled = t.timers.filter((x) => x.ms === 10_000).length;
    const done = poller.refresh();
    expect(runs).toBe(3); // a manual refresh still works while paused
    release();
    await done;
    expect(t.timers.filter((x) => x.ms === 10_000).length).toBe(scheduled); // …but schedules nothing
    poller.stop();
  });
});
