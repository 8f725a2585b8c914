// Firefox has no Background Sync: nothing but a page wakes the service worker, and Firefox stops it
// once it has been idle, or an event's extended lifetime has run out, even mid-upload (by default
// 30 s + 30 s; here 8 s + 8 s, so the test is short). An open page keeps the upload going (it nudges
// the worker); after the last page closes the upload stops; a page opened again resumes it.
import { launchOptionsFor } from '../browsers.ts';
import { expect, expectEachPartAcknowledgedOnce, test } from '../fixtures/upload-stack.ts';
import { MiB, makeFile, objectSha256, openApp, queueInFolder, uploadItem } from '../upload-support.ts';

/** How long Firefox lets the worker live after its last event, in all. */
const WORKER_LIFETIME_MS = 16_000;

test.use({
  launchOptions: launchOptionsFor('firefox', {
    'dom.serviceWorkers.idle_timeout': WORKER_LIFETIME_MS / 2,
    'dom.serviceWorkers.idle_extended_timeout': WORKER_LIFETIME_MS / 2,
  }),
  // One part takes 32 s: twice as long as the worker may live without another event.
  stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 32 * 1024 } },
});

test('an open page keeps a long upload going, closing the last page stops it, opening one resumes it', async ({
  context,
  page,
  stack,
}) => {
  test.setTimeout(150_000);
  await openApp(page);
  const file = makeFile(3 * MiB);
  const { key } = await queueInFolder(page, file, 'e2e-keep-going', { partSize: 1 * MiB, parallel: 1 });

  // The first part outlives the worker's lifetime without an event; the page's nudges keep it alive.
  await stack.log.partsAcknowledged(1, 60_000);
  const cut = () => stack.log.of('UploadPart').filter((r) => r.status === 0 && r.settledAt !== undefined);
  expect(cut()).toEqual([]);

  // No page: Firefox stops the worker, cutting the part in flight.
  await page.close();
  expect(context.pages()).toHaveLength(0);
  await expect.poll(() => cut().length, { timeout: WORKER_LIFETIME_MS + 20_000 }).toBe(1);
  expect(await objectSha256(key, stack.target)).toBeUndefined();

  // A page again: the upload resumes where it stopped, with the file as it was stored.
  await stack.setFaults({});
  const again = await context.newPage();
  await openApp(again);
  await expect(uploadItem(again, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  expectEachPartAcknowledgedOnce(stack.log, 3);
});
