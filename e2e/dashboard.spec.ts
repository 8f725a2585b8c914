import { expect, test } from '@playwright/test';
import { openOssDevice, withOss } from './dashboard-oss.ts';

test.describe('dashboard', () => {
  test('shows an upload started by another browser as an orphan with its parts, and aborts it', async ({
    browser,
    page,
  }) => {
    // Device A: a separate browser context (its own IndexedDB), uploading 2 parts and stopping.
    const deviceA = await browser.newContext();
    const other = await deviceA.newPage();
    const hosts = new Set<string>();
    other.on('request', (r) => hosts.add(new URL(r.url()).host));
    await openOssDevice(other);
    const key = `uploads/e2e-orphan-${Date.now()}.bin`;
    const started = await withOss(other, 'start', { key, parts: 2 });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    const uploadId = started.value as string;
    // ali-oss in virtual-host mode reaches the emulator through <bucket>.localhost.
    expect(
      [...hosts].some((h) => /^skylift-dev\.localhost:\d+$/.test(h)),
      [...hosts].join(),
    ).toBe(true);

    // Device B: the app's dashboard.
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto('/');
    // Device A's window took the focus (Firefox gives it to the newest window).
    await page.bringToFront();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await expect(page).toHaveURL(/#\/dashboard$/);
    await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeFocused();
    await expect(page.getByText('Refreshes every 10 s')).toBeVisible();

    const row = page.locator(`li[data-upload-id="${uploadId}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText(key);
    await expect(row.getByText('Orphan', { exact: true })).toBeVisible();

    await row.getByRole('button', { name: `Show parts of ${key}` }).click();
    await expect(page.getByText('2 parts · 200 KiB uploaded (204,800 bytes)')).toBeVisible();
    await expect(page.getByRole('img', { name: '2 of 2 parts done' })).toBeVisible();
    const table = page.getByRole('region', { name: `Parts of ${key}` });
    await expect(table.getByRole('row')).toHaveCount(3);
    await expect(table.getByRole('row').nth(1)).toContainText('102,400');

    // Abort asks first; Cancel keeps the upload.
    await row.getByRole('button', { name: `Abort ${key}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Abort this upload?' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(row).toBeVisible();

    await row.getByRole('button', { name: `Abort ${key}` }).click();
    await dialog.getByRole('button', { name: 'Abort upload' }).click();
    await expect(row).toHaveCount(0);
    await expect(page.getByText(`Aborted ${key}.`)).toBeAttached();

    // Still gone after the next poll, and OSS itself no longer knows it.
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await expect(page.getByText('Refreshes every 10 s · last checked')).toBeVisible();
    await expect(row).toHaveCount(0);
    const listed = await withOss(other, 'listParts', { key, uploadId });
    expect(listed).toMatchObject({ ok: false, code: 'NoSuchUpload' });
    expect((await withOss(other, 'listUploads')).value).not.toContain(uploadId);
    expect(problems).toEqual([]);
    await deviceA.close();
  });

  test('bulk-aborts orphans older than N hours after a confirmation that says how many', async ({
    browser,
    page,
  }) => {
    const deviceA = await browser.newContext();
    const other = await deviceA.newPage();
    await openOssDevice(other);
    const keys = [`uploads/e2e-bulk-a-${Date.now()}.bin`, `uploads/e2e-bulk-b-${Date.now()}.bin`];
    const ids: string[] = [];
    for (const key of keys) ids.push((await withOss(other, 'start', { key, parts: 1 })).value as string);

    await page.goto('/#/dashboard');
    for (const id of ids) await expect(page.locator(`li[data-upload-id="${id}"]`)).toBeVisible();
    // Just started: none is older than 24 h.
    const hours = page.getByLabel('Orphans older than (hours)');
    await expect(hours).toHaveValue('24');
    await expect(page.getByRole('button', { name: 'Abort orphans…' })).toBeDisabled();
    // Cleared first: over WebDriver BiDi, fill() on a number field adds to what is there (240).
    await hours.clear();
    await hours.fill('0');
    await expect(hours).toHaveValue('0');
    await expect(page.getByRole('button', { name: 'Abort orphans…' })).toBeEnabled();
    const matching = Number((await page.locator('#orphan-count').textContent())!.trim().match(/\d+/)?.[0]);
    expect(matching).toBeGreaterThanOrEqual(2);
    await page.getByRole('button', { name: 'Abort orphans…' }).click();
    const dialog = page.getByRole('dialog', { name: `Abort ${matching} orphans?` });
    await expect(dialog).toContainText(`${matching} uploads that this browser did not start`);
    await dialog.getByRole('button', { name: `Abort ${matching}` }).click();
    for (const id of ids) await expect(page.locator(`li[data-upload-id="${id}"]`)).toHaveCount(0);
    await expect(page.getByText('0 unfinished, 0 orphans.')).toBeVisible();
    for (const [i, key] of keys.entries()) {
      expect(await withOss(other, 'listParts', { key, uploadId: ids[i] })).toMatchObject({
        code: 'NoSuchUpload',
      });
    }
    await deviceA.close();
  });

  test('shows OSS errors with their code and request id, not XML', async ({ page }) => {
    await page.goto('/#/dashboard?key=uploads/no-such.bin&uploadId=0000DOESNOTEXIST0000');
    const alert = page.getByRole('alert').filter({ hasText: 'Listing parts failed' });
    await expect(alert).toContainText('NoSuchUpload');
    await expect(alert).toContainText('The specified upload does not exist');
    await expect(alert.locator('.request-id')).toHaveText(/^[0-9A-F]{24}$/);
    await expect(alert).not.toContainText('<');

    // Outside the prefix the STS session policy allows: OSS refuses.
    await page.goto('/#/dashboard?key=elsewhere/secret.bin&uploadId=0000DOESNOTEXIST0000');
    const denied = page.getByRole('alert').filter({ hasText: 'Listing parts failed' });
    await expect(denied).toContainText('AccessDenied');
    await expect(denied.locator('.request-id')).toHaveText(/^[0-9A-F]{24}$/);
  });

  test('renders hostile upload names as text', async ({ browser, page }) => {
    const deviceA = await browser.newContext();
    const other = await deviceA.newPage();
    await openOssDevice(other);
    const key = `uploads/<img src=x onerror="window.__pwned=1"> "q" '\u202Eexe.txt 😀 ${'x'.repeat(200)}`;
    const started = await withOss(other, 'start', { key, parts: 1 });
    expect(started.ok, JSON.stringify(started)).toBe(true);
    await page.goto('/#/dashboard');
    const row = page.locator(`li[data-upload-id="${started.value}"]`);
    await expect(row).toContainText('<img src=x onerror="window.__pwned=1">');
    await expect(row.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    // Long names wrap inside the page at phone width instead of widening it.
    await page.setViewportSize({ width: 360, height: 800 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await row.getByRole('button', { name: /^Abort / }).click();
    const dialog = page.getByRole('dialog', { name: 'Abort this upload?' });
    await expect(dialog).toContainText('<img src=x onerror="window.__pwned=1">');
    await dialog.getByRole('button', { name: 'Abort upload' }).click();
    await expect(row).toHaveCount(0);
    await deviceA.close();
  });
});
