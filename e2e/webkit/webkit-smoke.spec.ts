// WebKit (WebKitGTK, the engine of Safari) smoke suite: a file chosen in Skylift's own picker uploads
// intact, and an upload cut short by killing the browser completes after a relaunch on the same
// profile without the file being chosen again. WebKit has no Background Sync and no
// navigator.storage: the page must say so, and nothing may wait on them.
import { expectEachPartAcknowledgedOnce } from '../fixtures/upload-stack.ts';
import {
  emulatorRequest,
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  queueInFolder,
  uploadViews,
} from '../upload-support.ts';
import type { WebDriverPage } from './webdriver-page.ts';
import { expect, test } from './webkit-fixture.ts';

const QUEUE = ['skylift-app', 'upload-queue'];

/** How the worker reports the upload `id` (its state; undefined once it is unknown). */
async function stateOf(page: WebDriverPage, id: string): Promise<string | undefined> {
  return (await uploadViews(page)).find((u) => u.id === id)?.state;
}

test('a file chosen in the picker uploads intact, and the page says what this browser does', async ({
  webkit,
  stack,
}) => {
  const { page } = await webkit.launch();
  await openApp(page);
  // Nothing to persist with: WebKitGTK has no navigator.storage at all.
  await expect
    .poll(() => page.shadowText(...QUEUE, '#storage-persistence'))
    .toBe(
      'This browser offers no persistent storage: the browser may delete files waiting to upload when the device runs low on space, and they would then have to be added again.',
    );
  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 2 * MiB });
  const file = makeFile(6 * MiB + 5);
  const picker = await page.shadowElement(...QUEUE, 'upload-picker', 'label.primary input[type=file]');
  await picker.sendKeys(file.path);
  const key = `${await keyPrefix(page)}${file.name}`;
  // While it runs, the page tells the truth for a browser without Background Sync.
  await expect
    .poll(() => page.shadowText(...QUEUE, '#after-close').catch(() => ''))
    .toMatch(/^Keep a Skylift tab open until the upload finishes: this browser stops uploading soon after/);
  await stack.setFaults({});
  await expect
    .poll(async () => (await uploadViews(page)).map((u) => u.state), { timeout: 60_000 })
    .toEqual(['done']);
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  // WebKit gives a .bin file no type: the object gets the generic one.
  const head = await emulatorRequest('HEAD', key, stack.target);
  expect(head.headers.get('content-type')).toBe('application/octet-stream');
});

test('killed mid-upload, WebKit relaunched on the same profile completes the upload without the file chosen again', async ({
  webkit,
  stack,
}) => {
  test.setTimeout(120_000);
  const first = await webkit.launch();
  await openApp(first.page);
  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 1 * MiB });
  const file = makeFile(16 * MiB);
  const key = `${await keyPrefix(first.page)}e2e-webkit-restart/${file.name}`;
  const [id] = await enqueueWithOptions(first.page, [file], [{ key, partSize: 1 * MiB, parallel: 1 }]);
  await stack.log.partsAcknowledged(2);
  await first.kill();
  expect(await objectSha256(key, stack.target)).toBeUndefined();

  await stack.setFaults({});
  const second = await webkit.launch();
  await openApp(second.page);
  await expect.poll(() => stateOf(second.page, id!), { timeout: 60_000 }).toBe('done');
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  expectEachPartAcknowledgedOnce(stack.log, 16);
  expect(stack.log.of('InitiateMultipartUpload')).toHaveLength(1);
});

test('the last Skylift tab closes mid-upload: the upload stops, and resumes when Skylift is opened again', async ({
  webkit,
  stack,
}) => {
  test.setTimeout(120_000);
  const { page } = await webkit.launch();
  const driver = page.driver;
  await openApp(page);
  const appWindow = await driver.getWindowHandle();
  // Parts of 16 s each, one after the other: one is always in flight.
  await stack.setFaults({ operations: ['UploadPart'], bandwidthBytesPerSecond: 64 * 1024 });
  const file = makeFile(3 * MiB);
  const { key, id } = await queueInFolder(page, file, 'e2e-webkit-closed', {
    partSize: 1 * MiB,
    parallel: 1,
  });
  await stack.log.partsAcknowledged(1, 45_000);

  // WebKit stays open on another page; no Skylift page is left, and WebKit stops the worker.
  await driver.switchTo().newWindow('window');
  const otherWindow = await driver.getWindowHandle();
  await driver.switchTo().window(appWindow);
  await driver.close();
  await driver.switchTo().window(otherWindow);
  expect(await driver.getAllWindowHandles()).toEqual([otherWindow]);
  const cut = () => stack.log.of('UploadPart').filter((r) => r.status === 0 && r.settledAt !== undefined);
  await expect.poll(() => cut().length, { timeout: 45_000 }).toBe(1);
  expect(await objectSha256(key, stack.target)).toBeUndefined();

  // Skylift opened again in that window: the upload resumes where it stopped.
  await stack.setFaults({});
  await openApp(page);
  await expect.poll(() => stateOf(page, id!), { timeout: 60_000 }).toBe('done');
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  expectEachPartAcknowledgedOnce(stack.log, 3);
});
