// The browser is killed mid-upload (SIGKILL: a crash, a power cut) and started again on the same
// profile: opening the app completes the upload without the file being chosen again, and no part
// OSS already has is sent again. Runs in Chromium and Firefox (WebKit: e2e/webkit/).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killBrowser, launchProfile, type PlaywrightBrowser } from './browsers.ts';
import { expect, expectEachPartAcknowledgedOnce, test } from './fixtures/upload-stack.ts';
import { MiB, makeFile, objectSha256, openApp, queueInFolder } from './upload-support.ts';

// Slow parts: the browser is killed with most of the file still to send.
test.use({ stackOptions: { faults: { operations: ['UploadPart'], bandwidthBytesPerSecond: 2 * MiB } } });

test('the browser is killed mid-upload; reopening the app completes it without selecting the file again', async ({
  stack,
  browserName,
}) => {
  test.setTimeout(120_000);
  const profile = mkdtempSync(join(tmpdir(), 'skylift-restart-'));
  const launch = () => launchProfile(browserName as PlaywrightBrowser, profile, { baseURL: stack.appUrl });
  try {
    let context = await launch();
    let page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    const file = makeFile(16 * MiB);
    const { key, id } = await queueInFolder(page, file, 'e2e-restart', { partSize: 1 * MiB, parallel: 2 });
    await stack.log.partsAcknowledged(2);
    killBrowser(profile);
    await context.close().catch(() => undefined);
    expect(await objectSha256(key, stack.target)).toBeUndefined();

    await stack.setFaults({});
    context = await launch();
    page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    await expect(page.locator(`[data-upload-id="${id}"]`).getByRole('status')).toHaveText('done', {
      timeout: 60_000,
    });
    expect(await objectSha256(key, stack.target)).toBe(file.sha256);
    expectEachPartAcknowledgedOnce(stack.log, 16);
    expect(stack.log.of('InitiateMultipartUpload')).toHaveLength(1);
    await context.close();
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
});
