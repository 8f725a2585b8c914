// The browser stops the service worker in the middle of an upload (as Chromium does to a worker whose
// event ran too long, or under memory pressure). Its sync event then counts as failed, and Chromium
// retries it only after minutes; registering the sync again does not bring that forward.
import { expect, test } from './fixtures/upload-stack.ts';
import { MiB, makeFile, objectSha256, openApp, queueInFolder, uploadItem } from './upload-support.ts';

test.use({ stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 2 * MiB } } });

test('the worker is stopped mid-upload: opening the app resumes the upload at once', async ({
  page,
  stack,
}) => {
  test.setTimeout(120_000);
  await openApp(page);
  const file = makeFile(16 * MiB);
  const { key } = await queueInFolder(page, file, 'e2e-worker-stopped', { partSize: 1 * MiB, parallel: 2 });
  await stack.log.partsAcknowledged(2);

  const devtools = await page.context().newCDPSession(page);
  await devtools.send('ServiceWorker.enable');
  await devtools.send('ServiceWorker.stopAllWorkers');
  const acknowledged = stack.log.of('UploadPart').filter((r) => r.status === 200).length;
  expect(acknowledged).toBeLessThan(16);

  // The person opens the app again.
  await stack.setFaults({});
  await openApp(page);
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 60_000 });
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
});
