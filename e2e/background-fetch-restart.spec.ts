// After a browser restart with no page of the app open, and no automation attached (DevTools lifts
// Chromium's own limits, so an attached browser proves nothing about a person's), Background Fetch
// resumes and the worker completes the upload: Debian's Chromium is started directly on the profile,
// and the test watches only the emulator.
//
// E2E_BGFETCH_RESTART_MIB and E2E_BGFETCH_RESTART_RATE (bytes/s) turn it into the measurement in
// README ("300 MiB over 1 MB/s after a restart").
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';
import { BACKGROUND_FETCH_MIN_BYTES_SETTING } from '../sw/background-fetch/transport.ts';
import { killBrowser, launchProfile } from './browsers.ts';
import { expect, test } from './fixtures/upload-stack.ts';
import { temporaryParts } from './oss-listing.ts';
import { MiB, makeFile, objectSha256, openApp, queueInFolder, setWorkerSetting } from './upload-support.ts';

const FILE_MIB = Number(process.env.E2E_BGFETCH_RESTART_MIB ?? 8);
const RATE = Number(process.env.E2E_BGFETCH_RESTART_RATE ?? 1 * MiB);
const PART_SIZE = (FILE_MIB >= 64 ? 8 : 1) * MiB;

test.use({ stackOptions: { faults: { operations: ['PostObject'], bandwidthBytesPerSecond: RATE } } });

/** Chromium as a person starts it: no DevTools, no page of the app (about:blank only). */
function startChromium(profile: string): ChildProcess {
  return spawn(
    chromiumExecutable() ?? 'chromium',
    ['--headless=new', `--user-data-dir=${profile}`, ...CHROMIUM_ARGS, 'about:blank'],
    { detached: true, stdio: 'ignore' },
  );
}

test('@needs-background-fetch after a restart with no app page and no automation, Background Fetch completes the upload', async ({
  stack,
}) => {
  const expectedSeconds = (FILE_MIB * MiB) / RATE;
  test.setTimeout(120_000 + expectedSeconds * 2_000);
  const profile = mkdtempSync(join(tmpdir(), 'skylift-bgfetch-restart-'));
  let chromium: ChildProcess | undefined;
  try {
    const context = await launchProfile('chromium', profile, { baseURL: stack.appUrl });
    const page = context.pages()[0] ?? (await context.newPage());
    await openApp(page);
    await setWorkerSetting(page, BACKGROUND_FETCH_MIN_BYTES_SETTING, 1);
    const file = makeFile(FILE_MIB * MiB);
    const { key } = await queueInFolder(page, file, 'e2e-bgfetch-restart', {
      partSize: PART_SIZE,
      parallel: 2,
    });
    await expect
      .poll(() => stack.log.of('PostObject').filter((r) => r.status === 200).length, { timeout: 30_000 })
      .toBeGreaterThan(0);
    killBrowser(profile);
    await context.close().catch(() => undefined);
    const postsBefore = stack.log.of('PostObject').length;

    const restartedAt = Date.now();
    chromium = startChromium(profile);
    await expect
      .poll(() => objectSha256(key, stack.target), {
        timeout: 60_000 + expectedSeconds * 2_000,
        intervals: [1000],
      })
      .toBe(file.sha256);
    const seconds = (Date.now() - restartedAt) / 1000;
    test.info().annotations.push({ type: 'completed after restart', description: `${seconds.toFixed(0)} s` });
    console.log(
      `${FILE_MIB} MiB at ${RATE} B/s: complete and verified ${seconds.toFixed(0)} s after the restart`,
    );
    // The forms went on after the restart, with no page and no DevTools; the temporaries are gone.
    expect(stack.log.of('PostObject').length).toBeGreaterThan(postsBefore);
    expect(stack.log.of('CompleteMultipartUpload').filter((r) => r.status === 200)).toHaveLength(1);
    await expect.poll(() => temporaryParts(stack.target), { timeout: 30_000 }).toEqual([]);
  } catch (error) {
    console.log(
      JSON.stringify(
        stack.log.requests.map((r) => [r.operation, r.partNumber, r.status, r.receivedAt % 1000000]),
      ),
    );
    throw error;
  } finally {
    if (chromium?.pid) process.kill(-chromium.pid, 'SIGKILL');
    rmSync(profile, { recursive: true, force: true });
  }
});
