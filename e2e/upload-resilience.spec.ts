import { expect, type Page, test } from '@playwright/test';
import {
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  uploadViews,
} from './upload-support.ts';

// Small parts sent one at a time make a large file take long enough to interrupt it mid-way.
const SLOW = { partSize: 1 * MiB, parallel: 1 };

async function waitUntilStarted(page: Page, id: string): Promise<void> {
  await expect
    .poll(async () => (await uploadViews(page)).find((u) => u.id === id)?.bytesConfirmed ?? 0, {
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
}

async function pollObject(key: string, sha256: string, timeout = 90_000): Promise<void> {
  await expect.poll(() => objectSha256(key), { timeout, intervals: [500] }).toBe(sha256);
}

test.describe('the worker owns the upload', () => {
  // Background Sync carries it on; browsers without it stop soon after the page closes
  // (e2e/firefox/keep-going.spec.ts).
  test('the page closes mid-upload and the upload completes with no page open', {
    tag: '@needs-background-sync',
  }, async ({ context }) => {
    test.setTimeout(120_000);
    const page = await context.newPage();
    await openApp(page);
    const file = makeFile(200 * MiB);
    const key = `${await keyPrefix(page)}e2e-closed-${Date.now()}.bin`;
    const [id] = await enqueueWithOptions(page, [file], [{ key, ...SLOW }]);
    await waitUntilStarted(page, id!);
    const worker = context.serviceWorkers()[0];
    await page.close();
    expect(context.pages()).toHaveLength(0);
    await pollObject(key, file.sha256);
    expect(worker).toBeDefined();
  });

  // context.setOffline reaches Chromium's service worker, not Firefox's (outages on the emulator's side:
  // upload-faults.spec.ts).
  test('offline mid-upload shows "waiting for network", then completes once online', {
    tag: '@needs-offline-emulation',
  }, async ({ page, context }) => {
    test.setTimeout(120_000);
    await openApp(page);
    const file = makeFile(200 * MiB);
    const key = `${await keyPrefix(page)}e2e-offline-${Date.now()}.bin`;
    const [id] = await enqueueWithOptions(page, [file], [{ key, ...SLOW }]);
    await waitUntilStarted(page, id!);
    await context.setOffline(true);
    const item = page.locator(`[data-upload-id="${id}"]`);
    await expect(item.getByRole('status')).toHaveText('waiting for network', { timeout: 30_000 });
    await context.setOffline(false);
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 90_000 });
    expect(await objectSha256(key)).toBe(file.sha256);
  });
});
