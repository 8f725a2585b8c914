// Nothing is marked done unverified, and nothing verified is marked failed: the cases where the
// answer that proves an upload never reaches the browser, or cannot be read there.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import OSS from 'ali-oss';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import { expect, test } from './fixtures/upload-stack.ts';
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

test('the browser is killed after Complete was sent and applied; reopened, the upload is done and verified', async ({
  stack,
}) => {
  test.setTimeout(120_000);
  const profile = mkdtempSync(join(tmpdir(), 'skylift-complete-'));
  const launch = () =>
    chromium.launchPersistentContext(profile, {
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
      baseURL: stack.appUrl,
    });
  try {
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    const file = makeFile(3 * MiB);
    const key = `${await keyPrefix(page)}e2e-complete-killed/${file.name}`;
    const release = stack.log.holdAnswers('CompleteMultipartUpload');
    const [id] = await enqueueWithOptions(page, [file], [{ key, partSize: 1 * MiB }]);
    // OSS has assembled the object; the answer saying so is still on its way.
    await expect.poll(() => objectSha256(key, stack.target), { timeout: 30_000 }).toBe(file.sha256);
    const pid = Number(
      execFileSync('pgrep', ['-o', '-f', '--', `user-data-dir=${profile}`])
        .toString()
        .trim(),
    );
    process.kill(pid, 'SIGKILL');
    await context.close().catch(() => undefined);
    release();

    context = await launch();
    page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    const item = page.locator(`[data-upload-id="${id}"]`);
    await expect(item.getByRole('status')).toHaveText('done', { timeout: 60_000 });
    await expect(item).not.toContainText(/AccessDenied|failed/);
    expect(stack.log.of('CompleteMultipartUpload')).toHaveLength(1);
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});

test('a bucket whose CORS rule hides x-oss-hash-crc64ecma: the upload stops, naming the fix, here and on the dashboard', async ({
  page,
  stack,
}) => {
  // The bucket owner's own configuration, with the emulator's root keys (not the app's token).
  const owner = new OSS({
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    endpoint: stack.target.url,
    bucket: stack.target.bucket,
    region: EMULATOR_DEFAULTS.region,
    cname: true,
  });
  await owner.putBucketCORS(stack.target.bucket, [
    {
      allowedOrigin: '*',
      allowedMethod: ['GET', 'PUT', 'POST', 'DELETE', 'HEAD'],
      allowedHeader: '*',
      exposeHeader: ['ETag', 'x-oss-request-id'],
    },
  ]);
  await openApp(page);
  const file = makeFile(3 * MiB);
  const { key } = await queueInFolder(page, file, 'e2e-cors-crc', { partSize: 1 * MiB });
  const item = uploadItem(page, file.name);
  await expect(item.getByRole('status')).toHaveText(/^failed/, { timeout: 30_000 });
  await expect(item).toContainText(
    'Add ETag and x-oss-hash-crc64ecma to ExposeHeader in the bucket CORS rule',
  );
  expect(await objectSha256(key, stack.target)).toBeUndefined();

  await page.getByRole('link', { name: 'Dashboard' }).click();
  const problem = page
    .getByRole('region', { name: 'This browser’s uploads' })
    .locator('oss-problem')
    .filter({ hasText: 'HeaderNotExposed' });
  await expect(problem).toContainText('Verifying uploads failed');
  await expect(problem).toContainText('x-oss-hash-crc64ecma');
});
