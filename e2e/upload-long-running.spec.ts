// Uploads that outlast what one wake-up or one token allows: a 3 s sync-event budget, and STS
// tokens that live 3 s. Each test runs its own stack (fixtures/upload-stack.ts) with a
// bandwidth-capped emulator, so the upload clearly takes longer than the budget or the token.

import { SYNC_BUDGET_SETTING } from '../sw/store/schema.ts';
import { expect, expectEachPartAcknowledgedOnce, test } from './fixtures/upload-stack.ts';
import {
  MiB,
  makeFile,
  objectSha256,
  openApp,
  queueInFolder,
  setWorkerSetting,
  uploadItem,
} from './upload-support.ts';

const PART_SIZE = 1 * MiB;
/** 24 MiB at 3 MiB/s: about 8 s of parts. */
const FILE_SIZE = 24 * MiB;
const SLOW_PARTS = { operations: ['UploadPart' as const], bandwidthBytesPerSecond: 3 * MiB };

test.describe('a 3 s sync-event budget', () => {
  test.use({ stackOptions: { faults: SLOW_PARTS } });

  test('a large upload completes across several sync events', async ({ page, stack }) => {
    await openApp(page);
    const budgetMs = 3000;
    await setWorkerSetting(page, SYNC_BUDGET_SETTING, budgetMs);
    const file = makeFile(FILE_SIZE);
    const { key } = await queueInFolder(page, file, 'e2e-budget', { partSize: PART_SIZE, parallel: 2 });
    await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 50_000 });
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);

    // The first run initiates; every later run reconciles with ListParts before sending more. The
    // parts took well over two budgets, so at least three runs (sync events) were needed.
    const parts = stack.log.of('UploadPart');
    const sendingMs =
      Math.max(...parts.map((r) => r.settledAt ?? 0)) - Math.min(...parts.map((r) => r.receivedAt));
    expect(sendingMs).toBeGreaterThan(2 * budgetMs);
    expect(stack.log.of('InitiateMultipartUpload')).toHaveLength(1);
    expect(stack.log.of('ListParts').length).toBeGreaterThanOrEqual(2);
    // No run started a part after its budget ran out: each run's parts start within the budget of
    // the ListParts (or Initiate) that opened it.
    const runStarts = [...stack.log.of('InitiateMultipartUpload'), ...stack.log.of('ListParts')].map(
      (r) => r.receivedAt,
    );
    for (const part of parts) {
      const opened = Math.max(...runStarts.filter((t) => t <= part.receivedAt));
      expect(part.receivedAt - opened).toBeLessThan(budgetMs + 1000);
    }
    expectEachPartAcknowledgedOnce(stack.log, Math.ceil(FILE_SIZE / PART_SIZE));
  });
});

test.describe('STS tokens that live 3 s', () => {
  test.use({ stackOptions: { env: { OSS_STS_DURATION_SECONDS: '3' }, faults: SLOW_PARTS } });

  test('an upload longer than the token lifetime completes, refreshing credentials as it goes', async ({
    page,
    stack,
  }) => {
    await openApp(page);
    const file = makeFile(FILE_SIZE);
    const { key } = await queueInFolder(page, file, 'e2e-sts', { partSize: PART_SIZE, parallel: 2 });
    await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 50_000 });
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);

    // Parts went out over more than two token lifetimes, signed with several successive tokens.
    const parts = stack.log.of('UploadPart');
    const sendingMs =
      Math.max(...parts.map((r) => r.settledAt ?? 0)) - Math.min(...parts.map((r) => r.receivedAt));
    expect(sendingMs).toBeGreaterThan(2 * 3000);
    const tokens = new Set(parts.filter((r) => r.status === 200).map((r) => r.securityToken));
    expect(tokens.has(undefined)).toBe(false);
    expect(tokens.size).toBeGreaterThanOrEqual(3);
    expectEachPartAcknowledgedOnce(stack.log, Math.ceil(FILE_SIZE / PART_SIZE));
  });
});
