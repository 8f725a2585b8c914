// What the upload view says depends on the browser, found by feature detection, and nothing waits on
// a permission prompt: Firefox's persist() waits for the person to answer one (headless, forever),
// and Firefox has no Background Sync, so uploads need an open tab there. Runs in Chromium and Firefox.
import { expect, test } from './fixtures/upload-stack.ts';
import { keyPrefix, MiB, makeFile, objectSha256, openApp, uploadItem } from './upload-support.ts';

/** What the page says, browser by browser, while one upload runs. */
const EXPECTED: Record<string, { afterClose: RegExp; persistence: RegExp }> = {
  chromium: {
    afterClose:
      /^You can close this tab: the upload carries on in the background for a while, and whatever is left resumes when you open Skylift again\.$/,
    // Headless Chromium decides at once (no prompt); either answer is fine, it must be one.
    persistence: /^(Persistent storage is on|The browser did not grant persistent storage): /,
  },
  firefox: {
    afterClose:
      /^Keep a Skylift tab open until the upload finishes: this browser stops uploading soon after the last Skylift tab closes\. It resumes where it stopped when you open Skylift again, without choosing the files again\.$/,
    persistence:
      /^Skylift asked the browser for persistent storage and is waiting for its answer \(some browsers ask you first\); uploads go ahead meanwhile\. Without it, the browser may delete files waiting to upload when the device runs low on space, and they would then have to be added again\.$/,
  },
};

test('a chosen file uploads with no prompt answered, and the page says what closing the tab and storage mean here', async ({
  page,
  stack,
  browserName,
}) => {
  const expected = EXPECTED[browserName]!;
  await openApp(page);
  const persistence = page.locator('#storage-persistence');
  await expect(persistence).toHaveText(
    'Persistent storage is off; Skylift asks the browser for it when you add files. Without it, the browser may delete files waiting to upload when the device runs low on space, and they would then have to be added again.',
  );
  const afterClose = page.locator('#after-close');
  await expect(afterClose).toHaveCount(0);

  // Slow parts keep the upload running while the page is read.
  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 2 * MiB });
  const file = makeFile(8 * MiB + 3);
  await page.getByLabel('Choose files to upload').setInputFiles(file.path);
  await expect(afterClose).toHaveText(expected.afterClose);
  await expect(persistence).toHaveText(expected.persistence);
  await stack.setFaults({});
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(`${await keyPrefix(page)}${file.name}`, stack.target)).toBe(file.sha256);
  // Nothing unfinished: nothing to say about closing the tab.
  await expect(afterClose).toHaveCount(0);
});
