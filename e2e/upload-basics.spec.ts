import { expect, test } from '@playwright/test';
import {
  emulatorRequest,
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  uploadItem,
} from './upload-support.ts';

test.describe('uploads through the service worker', () => {
  test('0 B, 150 KB, 5 MB and 64 MB files arrive intact with their headers, metadata, tagging and storage class', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    await openApp(page);
    const prefix = await keyPrefix(page);
    const run = Date.now();
    const files = [makeFile(0), makeFile(150 * 1024), makeFile(5 * MiB), makeFile(64 * MiB)];
    const keys = files.map((f) => `${prefix}e2e-basics-${run}/${f.name}`);
    await enqueueWithOptions(
      page,
      files,
      keys.map((key) => ({
        key,
        headers: {
          'Cache-Control': 'max-age=60',
          'Content-Disposition': 'attachment; filename="report.bin"',
          'x-oss-storage-class': 'IA',
          'x-oss-tagging': 'project=skylift&kind=e2e',
          'x-oss-forbid-overwrite': 'true',
        },
        meta: { owner: 'e2e' },
        mime: 'application/x-skylift-test',
      })),
    );
    for (const file of files) {
      await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 90_000 });
    }
    for (const [i, file] of files.entries()) {
      expect(await objectSha256(keys[i]!), file.name).toBe(file.sha256);
      const head = await emulatorRequest('HEAD', keys[i]!);
      expect(head.headers.get('cache-control')).toBe('max-age=60');
      expect(head.headers.get('content-disposition')).toBe('attachment; filename="report.bin"');
      expect(head.headers.get('content-type')).toBe('application/x-skylift-test');
      expect(head.headers.get('x-oss-storage-class')).toBe('IA');
      expect(head.headers.get('x-oss-meta-owner')).toBe('e2e');
      expect(head.headers.get('x-oss-tagging-count')).toBe('2');
    }
    // forbid-overwrite arrived too: the same key again is refused, with a message that says what to do.
    const again = makeFile(200 * 1024, files[1]!.name);
    await enqueueWithOptions(
      page,
      [again],
      [{ key: keys[1]!, headers: { 'x-oss-forbid-overwrite': 'true' } }],
    );
    await expect(uploadItem(page, again.name).first().getByRole('status')).toHaveText(
      /failed: .*already exists/,
      {
        timeout: 30_000,
      },
    );
    expect(await objectSha256(keys[1]!)).toBe(files[1]!.sha256);
  });

  test('files chosen in the page upload and show their bytes', async ({ page }) => {
    await openApp(page);
    const file = makeFile(3 * MiB + 17);
    await page.getByLabel('Choose files to upload').setInputFiles(file.path);
    const item = uploadItem(page, file.name);
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 30_000 });
    const prefix = await keyPrefix(page);
    expect(await objectSha256(`${prefix}${file.name}`)).toBe(file.sha256);
  });
});
