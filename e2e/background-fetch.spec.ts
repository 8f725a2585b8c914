// Background Fetch carries large uploads with no page open (Chromium): each part goes as a PostObject
// to a temporary object, the worker turns them into parts with UploadPartCopy, completes, verifies,
// and deletes the temporaries. Aborting from the page leaves nothing in OSS.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKGROUND_FETCH_MIN_BYTES_SETTING } from '../sw/background-fetch/transport.ts';
import { launchProfile } from './browsers.ts';
import { expect, test } from './fixtures/upload-stack.ts';
import { listBucket, temporaryParts } from './oss-listing.ts';
import {
  askWorker,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  queueInFolder,
  setWorkerSetting,
} from './upload-support.ts';

/** 12 MiB at 1 MiB/s: the page is long closed before the last part arrives. */
const FILE_SIZE = 12 * MiB;
const PART_SIZE = 1 * MiB;
const SLOW_FORMS = { operations: ['PostObject' as const], bandwidthBytesPerSecond: 1 * MiB };

test.use({ stackOptions: { faults: SLOW_FORMS } });

test('@needs-background-fetch the page closes mid-upload; Background Fetch carries it to a verified object and no temporary is left', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const profile = mkdtempSync(join(tmpdir(), 'skylift-bgfetch-'));
  try {
    const context = await launchProfile('chromium', profile, { baseURL: stack.appUrl });
    const page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    await setWorkerSetting(page, BACKGROUND_FETCH_MIN_BYTES_SETTING, 1);
    const file = makeFile(FILE_SIZE);
    const { key } = await queueInFolder(page, file, 'e2e-bgfetch', { partSize: PART_SIZE, parallel: 2 });
    await expect.poll(() => stack.log.of('PostObject').length, { timeout: 30_000 }).toBeGreaterThan(0);
    // The engine may have sent a part or two before the page handed the upload over; not after.
    const handedOverAt = Math.min(...stack.log.of('PostObject').map((r) => r.receivedAt));
    const sentBefore = stack.log.of('UploadPart').filter((r) => r.status === 200).length;
    // The page shows the bytes the browser's background fetch has sent (no temporary is a part yet).
    const shown = page.getByLabel(`Progress of ${file.name}`);
    await expect
      .poll(() => shown.evaluate((bar: HTMLProgressElement) => bar.value), { timeout: 30_000 })
      .toBeGreaterThan((sentBefore + 1) * PART_SIZE);
    expect(stack.log.of('UploadPartCopy')).toHaveLength(0);
    // A tab of some other site stays, so the browser runs on; no page of the app is open.
    const other = await context.newPage();
    await page.close();
    await expect(other).toHaveURL('about:blank');

    await expect.poll(() => objectSha256(key, stack.target), { timeout: 90_000 }).toBe(file.sha256);
    // After the hand-over every part went as a form and became a part by copy: the engine sent none
    // itself, and each part of the object is either one of those or one it sent before (answered, or
    // cut off by the hand-over after OSS had stored it, and adopted from ListParts).
    const parts = FILE_SIZE / PART_SIZE;
    expect(stack.log.of('UploadPart').filter((r) => r.receivedAt >= handedOverAt)).toHaveLength(0);
    const sent = stack.log.of('UploadPart');
    const copied = stack.log.of('UploadPartCopy').filter((r) => r.status === 200);
    expect(copied.length).toBeGreaterThanOrEqual(parts / 2);
    expect(new Set([...sent, ...copied].map((r) => r.partNumber)).size).toBe(parts);
    expect(stack.log.of('CompleteMultipartUpload').filter((r) => r.status === 200)).toHaveLength(1);
    await expect.poll(() => temporaryParts(stack.target), { timeout: 30_000 }).toEqual([]);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('@needs-background-fetch abort during a background fetch leaves no object, no multipart upload and no temporary', async ({
  page,
  stack,
}) => {
  await openApp(page);
  await setWorkerSetting(page, BACKGROUND_FETCH_MIN_BYTES_SETTING, 1);
  const file = makeFile(FILE_SIZE);
  const { key, id } = await queueInFolder(page, file, 'e2e-bgfetch-abort', {
    partSize: PART_SIZE,
    parallel: 2,
  });
  await expect
    .poll(() => stack.log.of('PostObject').filter((r) => r.status === 200).length, { timeout: 30_000 })
    .toBeGreaterThanOrEqual(2);
  await askWorker(page, { type: 'upload/command', uploadId: id!, command: 'abort' });

  await expect.poll(() => temporaryParts(stack.target), { timeout: 30_000 }).toEqual([]);
  await expect
    .poll(async () => (await listBucket(stack.target, 'uploads')).uploads, { timeout: 30_000 })
    .toEqual([]);
  expect(await objectSha256(key, stack.target)).toBeUndefined();
  // The fetch was aborted: no form arrives later to leave a temporary behind.
  const forms = stack.log.of('PostObject').length;
  await page.waitForTimeout(3000);
  expect(stack.log.of('PostObject').length).toBe(forms);
  expect(await temporaryParts(stack.target)).toEqual([]);
});
