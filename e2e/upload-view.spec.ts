// The upload view, driven as people use it: files in by the file input, a folder and a drop;
// progress and the part map moving; pause, resume, abort; hostile names; the same file twice.
// Each test runs its own emulator and app (fixtures/upload-stack.ts), so faults stay its own, and
// every uploaded object is checked against its source's SHA-256.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openOssDevice, withOss } from './dashboard-oss.ts';
import { expect, test } from './fixtures/upload-stack.ts';
import {
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  uploadItem,
  uploadViews,
} from './upload-support.ts';
import {
  dropFiles,
  itemByKey,
  ossUploadId,
  partsDone,
  progressValue,
  useSettings,
} from './upload-view-support.ts';

test.describe('adding files', () => {
  // Playwright cannot set a folder on Firefox's folder input over WebDriver BiDi (it waits forever).
  test('by the file input, a folder and a drop: keys are prefix + relative path, objects intact', {
    tag: '@needs-folder-upload-automation',
  }, async ({ page, stack }) => {
    await openApp(page);
    // Asking for notifications waits until something was queued.
    await expect(page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);
    await page.getByLabel('Key prefix').fill('e2e-view/');
    const base = `${await keyPrefix(page)}e2e-view/`;

    const chosen = makeFile(300 * 1024);
    await page.getByLabel('Choose files to upload').setInputFiles(chosen.path);
    await expect(page.getByText('Added 1 file.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Notify me' })).toBeVisible();

    const folder = join(mkdtempSync(join(tmpdir(), 'skylift-e2e-folder-')), 'trip');
    mkdirSync(join(folder, 'day 1'), { recursive: true });
    const inFolder = [
      makeFile(2 * MiB + 5, 'a.bin', folder),
      makeFile(100, 'b #1.bin', join(folder, 'day 1')),
    ];
    await page.getByLabel('Choose a folder to upload').setInputFiles(folder);

    const dropped = [makeFile(6 * MiB + 1), makeFile(1234)];
    await dropFiles(
      page,
      dropped.map((f) => f.path),
    );

    const expected = [
      { file: chosen, key: `${base}${chosen.name}` },
      { file: inFolder[0]!, key: `${base}trip/a.bin` },
      { file: inFolder[1]!, key: `${base}trip/day 1/b #1.bin` },
      ...dropped.map((file) => ({ file, key: `${base}${file.name}` })),
    ];
    for (const { key } of expected) {
      await expect(itemByKey(page, key).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    }
    for (const { file, key } of expected)
      expect(await objectSha256(key, stack.target), key).toBe(file.sha256);
    await expect(page.getByText('5 uploads: 5 done')).toBeVisible();
    // "Not now" is remembered: the next file queued brings no offer.
    await page.getByRole('button', { name: 'Not now' }).click();
    await expect(page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);
    const another = makeFile(10);
    await page.getByLabel('Choose files to upload').setInputFiles(another.path);
    await expect(itemByKey(page, `${base}${another.name}`).getByRole('status')).toHaveText('done');
    await expect(page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);
  });

  test('hostile names render as text and upload under their exact keys; keys over 1023 bytes are refused first', async ({
    page,
    stack,
  }) => {
    await openApp(page);
    await page.evaluate(() => {
      (window as unknown as { pwned: number }).pwned = 0;
    });
    const base = await keyPrefix(page);
    const onDisk = [
      makeFile(1000, `<script>window.pwned=1<script> "quoted" 'single' <img src=x onerror=pwned=1>.bin`),
      makeFile(2000, '\u202Egnp.exe \u200F rtl 🚀✨ emoji.bin'),
      makeFile(3000, '100% a+b #1 ?x=1&y=2 spaces  here.bin'),
    ];
    await page.getByLabel('Choose files to upload').setInputFiles(onDisk.map((f) => f.path));

    // Names no file system allows, dropped as renamed Files: 1000 ASCII characters fit in a key
    // (1008 bytes with the prefix); 1000 two-byte characters do not (2000 bytes).
    const longAscii = `${'%+#? <b>'.repeat(124)}long.bin`;
    const longUtf8 = 'é'.repeat(1000);
    // A file system cannot hold a `/` in a name either; a dropped File can.
    const closingTag = '<script>window.pwned=1</script>.bin';
    const sources = [makeFile(4000), makeFile(5000), makeFile(6000)];
    await dropFiles(
      page,
      sources.map((f) => f.path),
      [longAscii, longUtf8, closingTag],
    );
    await expect(page.getByRole('alert')).toHaveText(
      `${'é'.repeat(79)}… was not queued: The object key is longer than 1023 bytes. Rename it or shorten the key prefix.`,
    );

    const expected = [
      ...onDisk.map((file) => ({ name: file.name, sha256: file.sha256 })),
      { name: longAscii, sha256: sources[0]!.sha256 },
      { name: closingTag, sha256: sources[2]!.sha256 },
    ];
    for (const { name, sha256 } of expected) {
      const item = itemByKey(page, `${base}${name}`);
      await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
      // Shown as the very characters, not as markup.
      await expect(item.locator('.file')).toHaveText(name, { useInnerText: false });
      expect(await objectSha256(`${base}${name}`, stack.target), name).toBe(sha256);
    }
    expect(await uploadViews(page)).toHaveLength(5);
    expect(await page.evaluate(() => (window as unknown as { pwned: number }).pwned)).toBe(0);
    const injected = await page.evaluate(() => {
      const queue = document.querySelector('skylift-app')!.shadowRoot!.querySelector('upload-queue')!;
      return [...queue.shadowRoot!.querySelectorAll('upload-item')].reduce(
        (n, item) => n + item.shadowRoot!.querySelectorAll('script, img').length,
        0,
      );
    });
    expect(injected).toBe(0);
  });

  test('the same file chosen twice is one upload, and the page says so', async ({ page, stack }) => {
    await openApp(page);
    // Slow parts keep the first upload unfinished while the file is chosen again.
    await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 4 * MiB });
    const file = makeFile(12 * MiB);
    const chooser = page.getByLabel('Choose files to upload');
    await chooser.setInputFiles(file.path);
    await chooser.setInputFiles(file.path);
    await expect(page.getByRole('status').filter({ hasText: 'is already in the list' })).toHaveText(
      new RegExp(
        `^${file.name} is already in the list \\((queued|uploading)\\), so it was not added again\\.$`,
      ),
    );
    await expect(uploadItem(page, file.name)).toHaveCount(1);
    await stack.setFaults({});
    await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    expect(await uploadViews(page)).toHaveLength(1);
    expect(stack.log.of('InitiateMultipartUpload')).toHaveLength(1);
    expect(await objectSha256(`${await keyPrefix(page)}${file.name}`, stack.target)).toBe(file.sha256);

    // Once it is done, the same file may go again (a new upload, overwriting).
    await chooser.setInputFiles(file.path);
    await expect(page.getByText('Added 1 file.')).toBeVisible();
    await expect(uploadItem(page, file.name)).toHaveCount(2);
  });
});

test.describe('telling people', () => {
  test('notifications are offered after the first upload, and sent for an upload that finishes while the page is hidden; the badge counts active uploads', {
    tag: '@needs-app-badge',
  }, async ({ page, context }) => {
    await page.addInitScript(() => {
      const record = window as unknown as { notes: unknown[]; badges: number[] };
      record.notes = [];
      record.badges = [];
      const show = ServiceWorkerRegistration.prototype.showNotification;
      ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
        record.notes.push({ title, body: options?.body });
        return show.call(this, title, options).catch(() => undefined);
      };
      const setBadge = Navigator.prototype.setAppBadge;
      Navigator.prototype.setAppBadge = function (count) {
        record.badges.push(count ?? 0);
        return setBadge.call(this, count).catch(() => undefined);
      };
      const clearBadge = Navigator.prototype.clearAppBadge;
      Navigator.prototype.clearAppBadge = function () {
        record.badges.push(0);
        return clearBadge.call(this).catch(() => undefined);
      };
    });
    await openApp(page);
    expect(await page.evaluate(() => Notification.permission)).toBe('default');
    await expect(page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);

    const first = makeFile(200 * 1024);
    await page.getByLabel('Choose files to upload').setInputFiles(first.path);
    await expect(uploadItem(page, first.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    // Chromium denies every permission not listed here, so the engine's Background Sync stays in.
    await context.grantPermissions(['notifications', 'background-sync']);
    await page.getByRole('button', { name: 'Notify me' }).click();
    await expect(page.getByText('Notifications are on')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Notify me' })).toHaveCount(0);

    // The person switches to another tab.
    await page.evaluate(() =>
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true }),
    );
    const second = makeFile(3 * MiB);
    await page.getByLabel('Choose files to upload').setInputFiles(second.path);
    await expect(uploadItem(page, second.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { notes: unknown[] }).notes))
      .toEqual([{ title: 'Upload finished', body: second.name }]);
    const badges = await page.evaluate(() => (window as unknown as { badges: number[] }).badges);
    expect(badges).toContain(1);
    expect(badges.at(-1)).toBe(0);
  });
});

test.describe('following an upload', () => {
  test('progress and the part map move; pause holds, resume finishes; abort removes it from OSS', async ({
    page,
    context,
    stack,
  }) => {
    test.setTimeout(120_000);
    await openApp(page);
    await useSettings(page, { partSize: 1, parallel: 2 });
    await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 3 * MiB });
    const file = makeFile(24 * MiB);
    await page.getByLabel('Choose files to upload').setInputFiles(file.path);
    const item = uploadItem(page, file.name);
    await expect(item.getByRole('img', { name: /^\d+ of 24 parts done/ })).toBeVisible();

    // Watch it move: done cells and bytes only ever grow, and grow several times.
    const seen: { done: number; bytes: number }[] = [];
    await expect
      .poll(
        async () => {
          seen.push({ done: await partsDone(item), bytes: await progressValue(item) });
          return seen.at(-1)!.done;
        },
        { timeout: 30_000, intervals: [250] },
      )
      .toBeGreaterThanOrEqual(6);
    const distinct = new Set(seen.map((s) => s.done));
    expect(distinct.size).toBeGreaterThanOrEqual(3);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.done).toBeGreaterThanOrEqual(seen[i - 1]!.done);
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
    }
    expect(seen.at(-1)!.bytes).toBeGreaterThan(seen[0]!.bytes);
    await expect(item.getByText(/MB\/s, .* left/)).toBeVisible();

    await item.getByRole('button', { name: `Pause ${file.name}` }).click();
    await expect(item.getByRole('status')).toHaveText('paused', { timeout: 15_000 });
    const held = await partsDone(item);
    await page.waitForTimeout(2000);
    expect(await partsDone(item)).toBe(held);
    expect(held).toBeLessThan(24);

    await stack.setFaults({});
    await item.getByRole('button', { name: `Resume ${file.name}` }).click();
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
    const key = `${await keyPrefix(page)}${file.name}`;
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);

    // Abort: confirmed first, then gone from OSS (ListParts: NoSuchUpload) and from the dashboard.
    // Slow enough to be still running when the abort comes, however slow the machine.
    await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 512 * 1024 });
    const doomed = makeFile(16 * MiB);
    await page.getByLabel('Choose files to upload').setInputFiles(doomed.path);
    const doomedItem = uploadItem(page, doomed.name);
    await expect.poll(() => partsDone(doomedItem), { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
    const engineId = (await doomedItem.getAttribute('data-upload-id'))!;
    const ossId = await ossUploadId(page, engineId);
    expect(ossId).toBeTruthy();
    const doomedKey = `${await keyPrefix(page)}${doomed.name}`;

    const device = await context.newPage();
    await openOssDevice(device);
    expect((await withOss(device, 'listUploads')).value).toContain(ossId);

    await doomedItem.getByRole('button', { name: `Abort ${doomed.name}` }).click();
    const dialog = page.getByRole('dialog', { name: 'Abort this upload?' });
    await expect(dialog).toContainText(doomedKey);
    await dialog.getByRole('button', { name: 'Abort upload' }).click();
    await expect(doomedItem.getByRole('status')).toHaveText('aborted', { timeout: 15_000 });
    await stack.setFaults({});

    expect(await withOss(device, 'listParts', { key: doomedKey, uploadId: ossId })).toMatchObject({
      ok: false,
      code: 'NoSuchUpload',
    });
    expect((await withOss(device, 'listUploads')).value).not.toContain(ossId);
    await page.goto('/#/dashboard');
    await expect(page.getByText(/\d+ unfinished, \d+ orphans?\./)).toBeVisible();
    await expect(page.locator(`li[data-upload-id="${ossId}"]`)).toHaveCount(0);
    expect(await objectSha256(doomedKey, stack.target)).toBeUndefined();
  });
});
