// The source file changes on disk after it was chosen. What Chromium does depends on the profile
// (measured here, Chromium 156):
// - on-disk profile: IndexedDB copies the bytes at `put`, so a change after queueing does not matter
//   (the object is the file as chosen); a change between choosing and queueing fails the `put`;
// - in-memory profile (a private window, Playwright's default context): the stored Blob still
//   refers to the file, and reading it after the change fails with NotReadableError.
// Whatever happens, OSS must never end up with an object that mixes or misstates the bytes.
import { randomBytes } from 'node:crypto';
import { copyFileSync, utimesSync, writeFileSync } from 'node:fs';
import { expect, persistentContext, test } from './fixtures/upload-stack.ts';
import {
  type DiskFile,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  queueInFolder,
  sha256OfFile,
  uploadItem,
} from './upload-support.ts';

/** Other random bytes of the same size in the same file (same name, new modification time). */
function replaceContents(file: DiskFile): void {
  writeFileSync(file.path, randomBytes(file.size));
}

test.describe('the source file is replaced on disk', () => {
  // Slow parts, so the upload is still under way when the file changes.
  test.use({ stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 4 * MiB } } });

  test('after queueing (on-disk profile): the object has the bytes as they were chosen', async ({
    stack,
  }) => {
    const browser = await persistentContext(stack.appUrl);
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await openApp(page);
      const file = makeFile(16 * MiB);
      const { key } = await queueInFolder(page, file, 'e2e-replaced-queued', {
        partSize: 1 * MiB,
        parallel: 2,
      });
      replaceContents(file);
      expect(await objectSha256(key, stack.target)).toBeUndefined();
      await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 40_000 });
      expect(await objectSha256(key, stack.target)).toBe(file.sha256);
    } finally {
      await browser.close();
    }
  });

  test('between choosing and queueing (on-disk profile): the page says to select it again', async ({
    stack,
  }) => {
    const browser = await persistentContext(stack.appUrl);
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await openApp(page);
      const file = makeFile(6 * MiB);
      // The page looks up the key prefix before it queues: hold that answer until the file changed.
      let replaced: () => void = () => undefined;
      const fileReplaced = new Promise<void>((resolve) => {
        replaced = resolve;
      });
      await page.route('**/api/credentials', async (route) => {
        await fileReplaced;
        await route.continue();
      });
      const chooser = page.getByLabel('Choose files to upload');
      await chooser.setInputFiles(file.path);
      replaceContents(file);
      replaced();
      await expect(page.getByRole('alert')).toContainText(
        `${file.name} changed or was removed on disk after it was chosen, so it cannot be read. Select this file again.`,
      );
      await expect(uploadItem(page, file.name)).toHaveCount(0);

      // Choosing it again queues the file as it is now.
      const current = sha256OfFile(file.path);
      await chooser.setInputFiles(file.path);
      await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
      expect(await objectSha256(`${await keyPrefix(page)}${file.name}`, stack.target)).toBe(current);
    } finally {
      await browser.close();
    }
  });

  test('mid-upload (in-memory profile): "select this file again", and the original selected again completes', async ({
    page,
    stack,
  }) => {
    await openApp(page);
    const file = makeFile(16 * MiB);
    const original = `${file.path}.original`;
    copyFileSync(file.path, original);
    // A whole-second modification time, so the restored copy's is exactly the same (File.lastModified
    // is in ms; the file system keeps ns, which a restore through Date would not reproduce).
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(file.path, mtime, mtime);
    const { key } = await queueInFolder(page, file, 'e2e-replaced-mid', { partSize: 1 * MiB, parallel: 2 });
    await stack.log.partsAcknowledged(2);
    replaceContents(file);

    const item = uploadItem(page, file.name);
    await expect(item.getByRole('status')).toHaveText('needs the file again', { timeout: 30_000 });
    expect(await objectSha256(key, stack.target)).toBeUndefined();

    // The user puts the original back (as `cp -p` would) and selects it again.
    copyFileSync(original, file.path);
    utimesSync(file.path, mtime, mtime);
    await item.getByLabel(`Select ${file.name} again`).setInputFiles(file.path);
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  });

  test('mid-upload, rewritten in place with the same size and date (in-memory profile): never an object of both versions', async ({
    page,
    stack,
  }) => {
    await openApp(page);
    const file = makeFile(16 * MiB);
    const mtime = new Date(Math.floor(Date.now() / 1000) * 1000);
    utimesSync(file.path, mtime, mtime);
    const { key } = await queueInFolder(page, file, 'e2e-rewritten-in-place', {
      partSize: 1 * MiB,
      parallel: 2,
    });
    await stack.log.partsAcknowledged(2);
    // New bytes, same size, and the date put back: nothing the browser itself can notice.
    replaceContents(file);
    utimesSync(file.path, mtime, mtime);

    const item = uploadItem(page, file.name);
    await expect(item.getByRole('status')).toHaveText('needs the file again', { timeout: 30_000 });
    await expect(item).toContainText('changed after it was chosen');
    expect(await objectSha256(key, stack.target)).toBeUndefined();

    // Selected again, it uploads as it is now.
    const current = sha256OfFile(file.path);
    await item.getByLabel(`Select ${file.name} again`).setInputFiles(file.path);
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
    expect(await objectSha256(key, stack.target)).toBe(current);
  });
});
