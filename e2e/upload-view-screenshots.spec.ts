// Screenshots of the upload view with uploads in every kind of state — done, failed, paused
// mid-way with its part map, and one moving — light and dark, phone and desktop width, kept under
// test-results/screenshots/ and attached to the report. Each also checks nothing overflows sideways.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures/upload-stack.ts';
import { keyPrefix, MiB, makeFile, objectSha256, openApp, uploadItem } from './upload-support.ts';
import { partsDone, useSettings } from './upload-view-support.ts';

const outDir = resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

test('screenshots of the upload view', async ({ page, stack }, testInfo) => {
  test.setTimeout(120_000);
  mkdirSync(outDir, { recursive: true });
  await page.setViewportSize({ width: 1280, height: 900 });
  await openApp(page);
  await useSettings(page, { partSize: 1, parallel: 2 });
  await page.getByLabel('Key prefix').fill('holiday-2024/');
  const chooser = page.getByLabel('Choose files to upload');
  const dir = () => mkdtempSync(join(tmpdir(), 'skylift-shots-'));

  const done = makeFile(3 * MiB + 4321, 'beach-photos.zip', dir());
  await chooser.setInputFiles(done.path);
  await expect(uploadItem(page, done.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(`${await keyPrefix(page)}holiday-2024/${done.name}`, stack.target)).toBe(
    done.sha256,
  );

  // The same key again with "never overwrite" on: OSS refuses, and the view says what to do.
  await useSettings(page, { partSize: 1, parallel: 2, forbidOverwrite: true });
  await chooser.setInputFiles(makeFile(2 * MiB, 'beach-photos.zip', dir()).path);
  await expect(uploadItem(page, done.name).getByRole('status').filter({ hasText: 'failed' })).toBeAttached({
    timeout: 30_000,
  });
  await useSettings(page, { partSize: 1, parallel: 2 });

  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 3 * MiB });
  const paused = makeFile(48 * MiB, 'drone-footage.mp4', dir());
  await chooser.setInputFiles(paused.path);
  const pausedItem = uploadItem(page, paused.name);
  await expect.poll(() => partsDone(pausedItem), { timeout: 30_000 }).toBeGreaterThanOrEqual(14);
  await pausedItem.getByRole('button', { name: `Pause ${paused.name}` }).click();
  await expect(pausedItem.getByRole('status')).toHaveText('paused', { timeout: 15_000 });

  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 1 * MiB });
  const moving = makeFile(64 * MiB, 'family-video.mov', dir());
  await chooser.setInputFiles(moving.path);
  const movingItem = uploadItem(page, moving.name);
  await expect(movingItem.getByText(/MB\/s, .* left/)).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => partsDone(movingItem), { timeout: 30_000 }).toBeGreaterThanOrEqual(4);

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [360, 1280]) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 900 });
      await expect(page.getByRole('list', { name: 'Uploads' }).locator('li[data-upload-id]')).toHaveCount(4);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const path = resolve(outDir, `uploads-${colorScheme}-${width}.png`);
      await page.screenshot({ path, fullPage: true });
      await testInfo.attach(`uploads-${colorScheme}-${width}`, { path, contentType: 'image/png' });
    }
  }
  await stack.setFaults({});
});
