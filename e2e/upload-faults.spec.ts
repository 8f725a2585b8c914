// The engine against a misbehaving OSS: injected 503s and connection resets on parts, and an
// emulator that crashes and restarts mid-upload. Each test runs its own stack (fixtures/upload-stack.ts).
import { expect, expectEachPartAcknowledgedOnce, test } from './fixtures/upload-stack.ts';
import {
  enqueueWithOptions,
  keyPrefix,
  MiB,
  makeFile,
  objectSha256,
  openApp,
  queueInFolder,
  uploadItem,
} from './upload-support.ts';

const PART_SIZE = 1 * MiB;

test.describe('5 % of parts answered 503 and 2 % reset mid-body', () => {
  test.use({
    stackOptions: {
      faults: { operations: ['UploadPart'], errorRate: 0.05, errorStatus: 503, resetRate: 0.02, seed: 42 },
    },
  });

  test('every object completes intact and no acknowledged part is sent again', async ({ page, stack }) => {
    await openApp(page);
    const prefix = await keyPrefix(page);
    const files = [makeFile(32 * MiB), makeFile(32 * MiB + 123), makeFile(32 * MiB), makeFile(31 * MiB)];
    const keys = files.map((f) => `${prefix}e2e-faults/${f.name}`);
    await enqueueWithOptions(
      page,
      files,
      keys.map((key) => ({ key, partSize: PART_SIZE })),
    );
    for (const file of files) {
      await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 50_000 });
    }
    for (const [i, file] of files.entries()) {
      expect(await objectSha256(keys[i]!, stack.target), file.name).toBe(file.sha256);
    }

    // The faults really happened, and the request log saw exactly what the emulator injected.
    const { counters } = await stack.faultState();
    expect(counters.errors).toBeGreaterThan(0);
    expect(counters.resets).toBeGreaterThan(0);
    const parts = stack.log.of('UploadPart');
    expect(parts).toHaveLength(counters.requests);
    expect(parts.filter((r) => r.status === 503)).toHaveLength(counters.errors);
    expect(parts.filter((r) => r.status === 0)).toHaveLength(counters.resets);

    const partsTotal = files.reduce((sum, f) => sum + Math.ceil(f.size / PART_SIZE), 0);
    expectEachPartAcknowledgedOnce(stack.log, partsTotal);
    expect(stack.log.of('CompleteMultipartUpload').filter((r) => r.status === 200)).toHaveLength(
      files.length,
    );
  });
});

test.describe('the emulator restarts mid-upload', () => {
  // Slow enough that parts are in flight when the emulator goes down.
  test.use({ stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 6 * MiB } } });

  test('the upload completes intact', async ({ page, stack }) => {
    await openApp(page);
    const file = makeFile(40 * MiB);
    const { key } = await queueInFolder(page, file, 'e2e-restart', { partSize: PART_SIZE, parallel: 3 });
    await stack.log.partsAcknowledged(3);
    await stack.log.inFlight('UploadPart');

    const restartedAt = Date.now();
    await stack.restartEmulator();
    const item = uploadItem(page, file.name).getByRole('status');
    await expect(item).toHaveText('done', { timeout: 50_000 });
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);

    // The restart cut parts in flight, and parts were confirmed both before and after it.
    const parts = stack.log.of('UploadPart');
    const before = parts.filter((r) => r.receivedAt < restartedAt);
    expect(before.filter((r) => r.status === 0).length).toBeGreaterThan(0);
    expect(before.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(parts.filter((r) => r.receivedAt > restartedAt && r.status === 200).length).toBeGreaterThan(0);
    expectEachPartAcknowledgedOnce(stack.log, Math.ceil(file.size / PART_SIZE));
  });
});
