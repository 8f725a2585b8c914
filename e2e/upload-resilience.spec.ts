import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, type Page, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';
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
  test('the page closes mid-upload and the upload completes with no page open', async ({ context }) => {
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

  test('offline mid-upload shows "waiting for network", then completes once online', async ({
    page,
    context,
  }) => {
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

  test('the browser is killed mid-upload; reopening the app completes it without selecting the file again', async ({
    baseURL,
  }) => {
    test.setTimeout(180_000);
    const profile = mkdtempSync(join(tmpdir(), 'skylift-restart-'));
    const launch = () =>
      chromium.launchPersistentContext(profile, {
        executablePath: chromiumExecutable(),
        args: CHROMIUM_ARGS,
        baseURL,
      });
    try {
      let context = await launch();
      let page = context.pages()[0] ?? (await context.newPage());
      await openApp(page);
      const file = makeFile(300 * MiB);
      const key = `${await keyPrefix(page)}e2e-restart-${Date.now()}.bin`;
      const [id] = await enqueueWithOptions(page, [file], [{ key, ...SLOW }]);
      await waitUntilStarted(page, id!);
      // Kill the browser (SIGKILL, no graceful shutdown): the main process is the oldest one
      // started with this test's own profile directory.
      const pid = Number(
        execFileSync('pgrep', ['-o', '-f', '--', `user-data-dir=${profile}`])
          .toString()
          .trim(),
      );
      process.kill(pid, 'SIGKILL');
      await context.close().catch(() => undefined);
      expect(await objectSha256(key)).toBeUndefined();

      context = await launch();
      page = context.pages()[0] ?? (await context.newPage());
      await openApp(page);
      await expect(page.locator(`[data-upload-id="${id}"]`).getByRole('status')).toHaveText('done', {
        timeout: 120_000,
      });
      expect(await objectSha256(key)).toBe(file.sha256);
      await context.close();
    } finally {
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
