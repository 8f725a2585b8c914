// Bytes delivered with no page open, sync chain vs Background Fetch, on a 1 MB/s link: each transport
// gets its own emulator (UploadPart and PostObject read at 1 MB/s) and its own Chromium. A large
// upload is started with the app open; the browser is then killed and started again as a person
// would (no DevTools attached, which would lift Chromium's limits on sync events) with no page of the
// app, and the parts OSS acknowledges are counted for BENCH_NO_PAGE_MINUTES (default 30).
// Both transports run at the same time: the link of each is its own emulator.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@playwright/test';
import { killBrowser, launchProfile } from '../../e2e/browsers.ts';
import { startUploadStack } from '../../e2e/fixtures/upload-stack.ts';
import {
  type DiskFile,
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  openApp,
  setWorkerSetting,
} from '../../e2e/upload-support.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../harness/chromium.ts';
import { BACKGROUND_FETCH_MIN_BYTES_SETTING } from '../../sw/background-fetch/transport.ts';
import { info, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';

export const name = 'no-page';
export const description =
  'MB delivered with no page open over 30 minutes on a 1 MB/s link: Background Sync vs Background Fetch';

const RATE = 1_000_000;
const PART_SIZE = 8 * MiB;
const MINUTES = Number(process.env.BENCH_NO_PAGE_MINUTES ?? 30);
const DIST_DIR = resolve(import.meta.dirname, '../../dist');

type Transport = 'sync' | 'background-fetch';

interface Delivered {
  /** MB acknowledged by OSS (UploadPart or PostObject answered 200) at the end of each minute. */
  perMinute: number[];
  /** Minutes in which nothing arrived. */
  idleMinutes: number;
}

async function noPage(transport: Transport, file: DiskFile): Promise<Delivered> {
  const operation = transport === 'sync' ? 'UploadPart' : 'PostObject';
  const stack = await startUploadStack({
    distDir: DIST_DIR,
    faults: { operations: ['UploadPart', 'PostObject'], bandwidthBytesPerSecond: RATE },
  });
  const profile = mkdtempSync(join(tmpdir(), `skylift-bench-no-page-${transport}-`));
  let chromium: ChildProcess | undefined;
  try {
    const context = await launchProfile('chromium', profile, { baseURL: stack.appUrl });
    const page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    await setWorkerSetting(
      page,
      BACKGROUND_FETCH_MIN_BYTES_SETTING,
      transport === 'sync' ? Number.MAX_SAFE_INTEGER : 1,
    );
    const key = `${await keyPrefix(page)}bench-no-page/${transport}/${file.name}`;
    await enqueueWithOptions(page, [file], [{ key, partSize: PART_SIZE, parallel: 2 }]);
    const acknowledged = () => stack.log.of(operation).filter((r) => r.status === 200).length;
    await expect.poll(acknowledged, { timeout: 600_000, intervals: [1000] }).toBeGreaterThan(0);
    killBrowser(profile);
    await context.close().catch(() => undefined);
    const before = acknowledged();
    progress(`${transport}: browser restarted with no page; counting for ${MINUTES} min`);
    chromium = spawn(
      chromiumExecutable() ?? 'chromium',
      ['--headless=new', `--user-data-dir=${profile}`, ...CHROMIUM_ARGS, 'about:blank'],
      { detached: true, stdio: 'ignore' },
    );
    const perMinute: number[] = [];
    for (let minute = 1; minute <= MINUTES; minute++) {
      await sleep(60_000);
      perMinute.push(((acknowledged() - before) * PART_SIZE) / 1e6);
      progress(`${transport}: ${minute} min, ${perMinute.at(-1)!.toFixed(0)} MB`);
    }
    const idleMinutes = perMinute.filter((mb, i) => mb === (perMinute[i - 1] ?? 0)).length;
    return { perMinute, idleMinutes };
  } finally {
    if (chromium?.pid) process.kill(-chromium.pid, 'SIGKILL');
    await stack.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function run(): Promise<Measurement[]> {
  const file = makeFile(Math.ceil((MINUTES * 60 * RATE * 1.1) / PART_SIZE) * PART_SIZE);
  try {
    const [sync, fetch] = await Promise.all([noPage('sync', file), noPage('background-fetch', file)]);
    const at = (d: Delivered) => d.perMinute.at(-1) ?? 0;
    const series = (d: Delivered) => `MB by minute: ${d.perMinute.map((mb) => mb.toFixed(0)).join(' ')}`;
    return [
      info(`No page, ${MINUTES} min at 1 MB/s: Background Sync`, at(sync), 'MB', {
        note: `${sync.idleMinutes} idle minutes; ${series(sync)}`,
      }),
      info(`No page, ${MINUTES} min at 1 MB/s: Background Fetch`, at(fetch), 'MB', {
        note: `${fetch.idleMinutes} idle minutes; ${series(fetch)}`,
      }),
    ];
  } finally {
    rmSync(resolve(file.path, '..'), { recursive: true, force: true });
  }
}
