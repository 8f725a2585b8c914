// A measurement, run on demand (E2E_LONG_UPLOAD=1 npx playwright test --project=firefox-long): a
// long upload in Firefox with its default worker lifetime (30 s idle + 30 s) and the page open, where
// nothing but the page's nudges wakes the worker — 8 MiB parts at 96 KiB/s, each longer than the
// worker may live without an event. Prints a timeline of the parts.
import { expect, expectEachPartAcknowledgedOnce, test } from '../fixtures/upload-stack.ts';
import {
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  uploadItem,
} from '../upload-support.ts';

const FILE_SIZE = 24 * MiB;
const PART_SIZE = 8 * MiB;

test.use({ stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 96 * 1024 } } });

test('a 24 MiB upload at 96 KiB/s (over 4 minutes) completes with the page open', async ({ page, stack }) => {
  test.setTimeout(10 * 60_000);
  await openApp(page);
  const file = makeFile(FILE_SIZE);
  const key = `${await keyPrefix(page)}e2e-long/${file.name}`;
  const started = Date.now();
  await enqueueWithOptions(page, [file], [{ key, partSize: PART_SIZE, parallel: 1 }]);
  await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 9 * 60_000 });
  const seconds = (t: number | undefined) => (t === undefined ? '-' : ((t - started) / 1000).toFixed(0));
  console.log(`done after ${seconds(Date.now())} s`);
  for (const r of stack.log.requests) {
    console.log(
      `${r.operation} ${r.partNumber ?? ''} ${r.status} ${seconds(r.receivedAt)}–${seconds(r.settledAt)} s`,
    );
  }
  expect(await objectSha256(key, stack.target)).toBe(file.sha256);
  // The worker never died under a part: each was sent once.
  expect(stack.log.of('UploadPart').filter((r) => r.status !== 200)).toEqual([]);
  expectEachPartAcknowledgedOnce(stack.log, FILE_SIZE / PART_SIZE);
});
