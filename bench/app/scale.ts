// Scale: the largest part count OSS allows in one upload, and a long queue of small files selected at
// once in the UI, whose page must stay responsive while the worker drains the queue.

import type { Page } from '@playwright/test';
import { MAX_PARTS } from '../../lib/oss/limits.ts';
import { forEachParallel } from '../lib/parallel.ts';
import { enqueueWithOptions, openApp, selectInUi } from './app-page.ts';
import { launchBrowser } from './browser.ts';
import { uploadTimeoutMs } from './skylift.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import { type Stack, storedFrom } from './stack.ts';

export interface ManyPartsRun {
  seconds: number;
  partSize: number;
  partRequests: number;
}

/** A part request costs far more than its bytes here (preflight, signing, records, fsyncs): allow 20 ms each. */
const perPartTimeoutMs = (parts: number) => 60_000 + parts * 20;

/**
 * One upload of exactly MAX_PARTS parts. Skylift would pick 8 MiB parts; the smallest part size that
 * still fits the file in 10,000 parts is forced through the upload options (`partSize`), so the last
 * part is the only smaller one.
 */
export async function measureManyParts(stack: Stack, file: SourceFile): Promise<ManyPartsRun> {
  const partSize = Math.ceil(file.size / MAX_PARTS);
  const key = `${stack.prefix}bench-many-parts-${file.name}`;
  const browser = await launchBrowser();
  try {
    await openApp(browser.page, stack.appUrl);
    await stack.resetTraffic();
    const sentAt = await enqueueWithOptions(browser.page, [file.path], [{ key, partSize }]);
    const traffic = await stack.waitForTraffic(
      (t) => t.stored.some((s) => s.key === key),
      perPartTimeoutMs(MAX_PARTS),
      `upload of ${MAX_PARTS} parts`,
    );
    const etag = await expectStored(stack.oss, key, file);
    if (!etag.endsWith(`-${MAX_PARTS}"`))
      throw new Error(`${key} has ETag ${etag}, not one of ${MAX_PARTS} parts`);
    await deleteObject(stack.oss, key);
    return {
      seconds: (traffic.stored.find((s) => s.key === key)!.at - sentAt) / 1000,
      partSize,
      partRequests: traffic.bodyRequests,
    };
  } finally {
    await browser.close();
  }
}

export interface QueueRun {
  /** Selection to the last object stored. */
  seconds: number;
  verified: number;
  /** Longest the page's main thread was late for a 50 ms timer while the queue drained. */
  longestStallMs: number;
  longTasks: number;
}

/** Installs a probe on the page: a 50 ms interval timer's lateness and the Long Tasks the page reports. */
async function startResponsivenessProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const probe = { longestStallMs: 0, longTasks: 0 };
    (window as unknown as { benchProbe: typeof probe }).benchProbe = probe;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      probe.longestStallMs = Math.max(probe.longestStallMs, now - last - 50);
      last = now;
    }, 50);
    new PerformanceObserver((list) => {
      probe.longTasks += list.getEntries().length;
    }).observe({ type: 'longtask' });
  });
}

export async function measureQueue(stack: Stack, files: SourceFile[]): Promise<QueueRun> {
  const browser = await launchBrowser();
  try {
    await openApp(browser.page, stack.appUrl);
    await startResponsivenessProbe(browser.page);
    await stack.resetTraffic();
    const selectedAt = await selectInUi(
      browser.page,
      files.map((f) => f.path),
    );
    const traffic = await stack.waitForTraffic(
      (t) => files.every((f) => storedFrom(t, f) !== undefined),
      perPartTimeoutMs(files.length * 3) + uploadTimeoutMs(files.reduce((sum, f) => sum + f.size, 0)),
      `${files.length} queued files`,
    );
    const lastStoredAt = Math.max(...traffic.stored.map((s) => s.at));
    const probe = await browser.page.evaluate(
      () => (window as unknown as { benchProbe: { longestStallMs: number; longTasks: number } }).benchProbe,
    );
    let verified = 0;
    await forEachParallel(files.length, 8, async (i) => {
      const { key } = storedFrom(traffic, files[i]!)!;
      await expectStored(stack.oss, key, files[i]!);
      await deleteObject(stack.oss, key);
      verified++;
    });
    return { seconds: (lastStoredAt - selectedAt) / 1000, verified, ...probe };
  } finally {
    await browser.close();
  }
}
