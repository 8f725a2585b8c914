// Scale: the largest part count OSS allows in one upload. (Folders of many files: many-files.ts.)

import { MAX_PARTS } from '../../lib/oss/limits.ts';
import { enqueueWithOptions, openApp } from './app-page.ts';
import { launchBrowser } from './browser.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import type { Stack } from './stack.ts';

export interface ManyPartsRun {
  seconds: number;
  partSize: number;
  partRequests: number;
}

/** A part request costs far more than its bytes here (preflight, signing, records, fsyncs): allow 30 ms each on a loaded machine. */
const perPartTimeoutMs = (parts: number) => 60_000 + parts * 30;

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
