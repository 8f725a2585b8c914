// Resume cost: the browser is SIGKILLed (all its processes at once) when the emulator has read half of
// the file's bytes, then started again on the same profile and the app opened, which resumes the upload
// from the worker's records. Whatever the emulator reads beyond the file's size was sent twice.

import { openApp, selectInUi } from './app-page.ts';
import { launchBrowser } from './browser.ts';
import { uploadTimeoutMs } from './skylift.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import { type Stack, storedFrom } from './stack.ts';

export interface ResumeRun {
  /** Upload body bytes the emulator read in total, minus the file's size. */
  resentBytes: number;
  /** Bytes read when the kill was sent (polled every 20 ms, so a little past half). */
  killedAtBytes: number;
  /** The largest part sent before the kill (parts are sized to the link). */
  largestPartBytes: number;
  /** From opening the app again to the object being stored. */
  secondsAfterRelaunch: number;
}

export async function measureResume(stack: Stack, file: SourceFile): Promise<ResumeRun> {
  const first = await launchBrowser();
  const { profileDir } = first;
  let killedAtBytes = 0;
  let largestPartBytes = 0;
  try {
    await openApp(first.page, stack.appUrl);
    await stack.resetTraffic();
    await selectInUi(first.page, [file.path]);
    const half = await stack.waitForTraffic(
      (t) => t.bodyBytes >= file.size / 2,
      uploadTimeoutMs(file.size),
      'half the upload',
      20,
    );
    await first.kill();
    killedAtBytes = half.bodyBytes;
    largestPartBytes = half.largestBody;
  } catch (error) {
    await first.close();
    throw error;
  }
  const second = await launchBrowser({ profileDir });
  try {
    const reopened = Date.now();
    await openApp(second.page, stack.appUrl);
    const traffic = await stack.waitForTraffic(
      (t) => storedFrom(t, file) !== undefined,
      uploadTimeoutMs(file.size),
      'the resumed upload',
    );
    const stored = storedFrom(traffic, file)!;
    await expectStored(stack.oss, stored.key, file);
    await deleteObject(stack.oss, stored.key);
    return {
      resentBytes: traffic.bodyBytes - file.size,
      killedAtBytes,
      largestPartBytes,
      secondsAfterRelaunch: (stored.at - reopened) / 1000,
    };
  } finally {
    await second.close();
  }
}
