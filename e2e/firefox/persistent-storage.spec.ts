// Where the person grants persistent storage (Firefox's prompt answered "Allow", through its test
// switches), the page says so — and the upload never waited for that answer anyway.
import { launchOptionsFor } from '../browsers.ts';
import { expect, test } from '../fixtures/upload-stack.ts';
import { keyPrefix, makeFile, objectSha256, openApp, uploadItem } from '../upload-support.ts';

test.use({
  launchOptions: launchOptionsFor('firefox', {
    'dom.storageManager.prompt.testing': true,
    'dom.storageManager.prompt.testing.allow': true,
  }),
});

test('persistent storage granted at the prompt: the page says it is on', async ({ page, stack }) => {
  await openApp(page);
  const file = makeFile(300 * 1024);
  await page.getByLabel('Choose files to upload').setInputFiles(file.path);
  await expect(page.locator('#storage-persistence')).toHaveText(
    'Persistent storage is on: the browser keeps files waiting to upload even when the device runs low on space.',
  );
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(`${await keyPrefix(page)}${file.name}`, stack.target)).toBe(file.sha256);
  expect(await page.evaluate(() => navigator.storage.persisted())).toBe(true);
});
