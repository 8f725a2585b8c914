import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';
import { pngSize } from './png-size.ts';

test.describe('installable app shell', () => {
  test('loads, registers its service worker and is controlled after a reload', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Skylift' })).toBeVisible();
    const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(new URL('/', page.url()).href);
    await page.reload();
    const controller = await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL);
    expect(controller).toMatch(/\/sw\.js$/);
  });

  test('opens from the precache with the network off', async ({ page, context }) => {
    await page.goto('/');
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Skylift' })).toBeVisible();
    await expect(page.getByText('You are offline')).toBeVisible();
    await context.setOffline(false);
    await expect(page.getByText('You are offline')).toBeHidden();
  });

  test('serves a valid manifest whose icons exist at their declared sizes', async ({ page, request }) => {
    await page.goto('/');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBeTruthy();
    const response = await request.get(href!);
    expect(response.ok()).toBe(true);
    const manifest = await response.json();
    for (const field of [
      'name',
      'short_name',
      'description',
      'start_url',
      'scope',
      'theme_color',
      'background_color',
    ]) {
      expect(manifest[field], field).toBeTruthy();
    }
    expect(manifest.display).toBe('standalone');
    const purposes = new Set<string>();
    for (const icon of manifest.icons as { src: string; sizes: string; type: string; purpose?: string }[]) {
      const bytes = await (await request.get(icon.src)).body();
      const [w, h] = icon.sizes.split('x').map(Number);
      expect(pngSize(bytes), icon.src).toEqual({ width: w, height: h });
      purposes.add(`${icon.purpose ?? 'any'}:${icon.sizes}`);
    }
    expect(purposes).toEqual(new Set(['any:192x192', 'any:512x512', 'maskable:512x512']));
  });

  test('meets Chromium installability criteria', async ({ baseURL }) => {
    // Chromium never offers installation in incognito, and Playwright's default contexts are
    // incognito, so this check runs in a real profile.
    const profile = mkdtempSync(join(tmpdir(), 'skylift-profile-'));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
      baseURL,
    });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto('/');
      await page.evaluate(async () => navigator.serviceWorker.ready);
      const cdp = await context.newCDPSession(page);
      const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
      expect(installabilityErrors).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });

  test('has no console errors', async ({ page }) => {
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto('/');
    await page.evaluate(async () => navigator.serviceWorker.ready);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Skylift' })).toBeVisible();
    expect(problems).toEqual([]);
  });
});
