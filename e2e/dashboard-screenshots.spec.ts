// Screenshots of the dashboard and settings, light and dark, phone and desktop width, kept as
// artifacts under test-results/screenshots/ and attached to the report. Each also checks that
// nothing overflows the viewport sideways.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { openOssDevice, withOss } from './dashboard-oss.ts';

const outDir = resolve(import.meta.dirname, '..', 'test-results', 'screenshots');

test('screenshots of the dashboard and settings views', async ({ browser, page }, testInfo) => {
  mkdirSync(outDir, { recursive: true });
  const deviceA = await browser.newContext();
  const other = await deviceA.newPage();
  await openOssDevice(other);
  const key = `uploads/holiday-video-${Date.now()}.mp4`;
  const started = await withOss(other, 'start', { key, parts: 3 });
  expect(started.ok).toBe(true);

  for (const colorScheme of ['light', 'dark'] as const) {
    for (const width of [360, 1280]) {
      await page.emulateMedia({ colorScheme });
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`/#/dashboard?key=${encodeURIComponent(key)}&uploadId=${started.value}`);
      await expect(page.getByRole('img', { name: '3 of 3 parts done' })).toBeVisible();
      await expect(page.locator(`li[data-upload-id="${started.value}"]`)).toBeVisible();
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe(colorScheme === 'dark' ? 'rgb(15, 23, 42)' : 'rgb(248, 250, 252)');
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const dashboard = resolve(outDir, `dashboard-${colorScheme}-${width}.png`);
      await page.screenshot({ path: dashboard, fullPage: true });
      await testInfo.attach(`dashboard-${colorScheme}-${width}`, {
        path: dashboard,
        contentType: 'image/png',
      });

      await page.goto('/#/settings');
      await expect(page.getByRole('button', { name: 'Save settings' })).toBeVisible();
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const settings = resolve(outDir, `settings-${colorScheme}-${width}.png`);
      await page.screenshot({ path: settings, fullPage: true });
      await testInfo.attach(`settings-${colorScheme}-${width}`, { path: settings, contentType: 'image/png' });
    }
  }
  await deviceA.close();
});
