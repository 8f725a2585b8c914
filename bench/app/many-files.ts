// A folder of files: Skylift (every file selected at once in the UI, selection → last object stored)
// against the browser's limit for the same files (plain `fetch` PUTs of each whole file from a page,
// six at a time, to presigned PutObject URLs), and how smooth the page stays meanwhile (the longest
// main-thread task a PerformanceObserver reports).

import type { Page } from '@playwright/test';
import { presignV4 } from '../../lib/oss/sign-v4.ts';
import { objectUrl } from '../../lib/oss-client/object-url.ts';
import { DEFAULT_PARALLEL } from '../../lib/upload-plan/part-plan.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';
import { forEachParallel } from '../lib/parallel.ts';
import { BARE_INPUT_ID, openApp, openBarePage, selectInUi, setBareFiles } from './app-page.ts';
import { launchBrowser, measureWork } from './browser.ts';
import { uploadTimeoutMs } from './skylift.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import { type Stack, storedFrom } from './stack.ts';

/** Allowance per file beyond its bytes, for a loaded machine (records, a request, a preflight). */
const PER_FILE_TIMEOUT_MS = 100;

export interface ManyFilesRun {
  seconds: number;
  verified: number;
  /** CPU time of every browser process and of the emulator while the files went up. */
  browserCpuSeconds: number;
  emulatorCpuSeconds: number;
  /** Longest Long Task (main thread busy > 50 ms) the page reported while the files went up; 0 if none. */
  longestTaskMs: number;
}

export interface SkyliftManyRun extends ManyFilesRun {
  /** Selection → the emulator reading the first body byte: the hand-over and queueing of the batch. */
  firstByteSeconds: number;
  longTasks: number;
  /** Longest a 50 ms interval timer in the page was late. */
  longestStallMs: number;
}

const totalBytes = (files: SourceFile[]) => files.reduce((sum, f) => sum + f.size, 0);
const timeoutFor = (files: SourceFile[]) =>
  files.length * PER_FILE_TIMEOUT_MS + uploadTimeoutMs(totalBytes(files));

async function checkAndDelete(stack: Stack, keys: string[], files: SourceFile[]): Promise<number> {
  let verified = 0;
  await forEachParallel(files.length, 8, async (i) => {
    await expectStored(stack.oss, keys[i]!, files[i]!);
    await deleteObject(stack.oss, keys[i]!);
    verified++;
  });
  return verified;
}

/** The limit: each file PUT whole from a page with a presigned URL, DEFAULT_PARALLEL at a time; only the PUTs are timed. */
export async function measureManyFilesLimit(stack: Stack, files: SourceFile[]): Promise<ManyFilesRun> {
  const credentials = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const keys = files.map((f) => `bench/many-limit/${f.name}`);
  const now = new Date();
  const urls = await Promise.all(
    keys.map(async (key) => {
      const signature = await presignV4({ method: 'PUT', bucket: stack.bucket, key }, credentials, {
        region: EMULATOR_DEFAULTS.region,
        now,
        expiresSeconds: 3600,
      });
      return objectUrl(stack.emulatorUrl, stack.bucket, key, signature);
    }),
  );
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  try {
    await openBarePage(browser.page, stack.appUrl);
    await startResponsivenessProbe(browser.page);
    await setBareFiles(
      browser.page,
      files.map((f) => f.path),
    );
    const work = await measureWork(browser, stack.emulatorPid, () =>
      browser.page.evaluate(
        async ({ id, urls, parallel }) => {
          const chosen = [...(document.getElementById(id) as HTMLInputElement).files!];
          const byName = new Map(chosen.map((f) => [f.name, f]));
          let next = 0;
          const lane = async () => {
            while (next < urls.length) {
              const i = next++;
              const name = decodeURIComponent(new URL(urls[i]!).pathname.split('/').pop()!);
              // A slice has no type, so no Content-Type goes out that the presigned URL did not sign.
              const response = await fetch(urls[i]!, { method: 'PUT', body: byName.get(name)!.slice() });
              if (!response.ok) throw new Error(`${name}: HTTP ${response.status} ${await response.text()}`);
            }
          };
          const start = performance.now();
          await Promise.all(Array.from({ length: parallel }, lane));
          return performance.now() - start;
        },
        { id: BARE_INPUT_ID, urls, parallel: DEFAULT_PARALLEL },
      ),
    );
    return {
      seconds: work.result / 1000,
      longestTaskMs: (await readProbe(browser.page)).longestTaskMs,
      browserCpuSeconds: work.browserCpuSeconds,
      emulatorCpuSeconds: work.emulatorCpuSeconds,
      verified: await checkAndDelete(stack, keys, files),
    };
  } finally {
    await browser.close();
  }
}

/** Installs a probe on the page: Long Tasks (longest and count) and a 50 ms interval timer's lateness. */
async function startResponsivenessProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { longestTaskMs: 0, longTasks: 0, longestStallMs: 0 };
    (window as unknown as { benchProbe: typeof probe }).benchProbe = probe;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      probe.longestStallMs = Math.max(probe.longestStallMs, now - last - 50);
      last = now;
    }, 50);
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        probe.longTasks++;
        probe.longestTaskMs = Math.max(probe.longestTaskMs, entry.duration);
      }
    }).observe({ type: 'longtask' });
  });
}

type Probe = Pick<SkyliftManyRun, 'longestTaskMs' | 'longTasks' | 'longestStallMs'>;

function readProbe(page: Page): Promise<Probe> {
  return page.evaluate(() => (window as unknown as { benchProbe: Probe }).benchProbe);
}

/** Skylift: the files selected at once in the app's file input; selection → the last object stored. */
export async function measureManyFilesSkylift(stack: Stack, files: SourceFile[]): Promise<SkyliftManyRun> {
  const browser = await launchBrowser();
  try {
    await openApp(browser.page, stack.appUrl);
    await startResponsivenessProbe(browser.page);
    await stack.resetTraffic();
    const work = await measureWork(browser, stack.emulatorPid, async () => {
      const selectedAt = await selectInUi(
        browser.page,
        files.map((f) => f.path),
      );
      const traffic = await stack.waitForTraffic(
        (t) => t.stored.length >= files.length && files.every((f) => storedFrom(t, f) !== undefined),
        timeoutFor(files),
        `${files.length} files`,
        250,
      );
      return { selectedAt, traffic };
    });
    const { selectedAt, traffic } = work.result;
    const lastStoredAt = Math.max(...traffic.stored.map((s) => s.at));
    const probe = await readProbe(browser.page);
    const keys = files.map((f) => storedFrom(traffic, f)!.key);
    return {
      seconds: (lastStoredAt - selectedAt) / 1000,
      firstByteSeconds: ((traffic.firstBodyByteAt ?? lastStoredAt) - selectedAt) / 1000,
      browserCpuSeconds: work.browserCpuSeconds,
      emulatorCpuSeconds: work.emulatorCpuSeconds,
      verified: await checkAndDelete(stack, keys, files),
      ...probe,
    };
  } finally {
    await browser.close();
  }
}
