// (c) Skylift end to end: a person selects the file in the app's UI; the clock runs from that `change`
// event to the emulator storing the completed object (its CompleteMultipartUpload), both stamped with
// Date.now() on this machine. The same run gives the time to the first part byte, CPU and memory.

import { openApp, selectInUi } from './app-page.ts';
import { launchBrowser, measureWork, type Work } from './browser.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import { type Stack, storedFrom } from './stack.ts';

export interface SkyliftRun {
  /** Selection to object stored. */
  seconds: number;
  /** Selection to the emulator reading the first body byte of the first part. */
  firstByteSeconds: number;
  /** Selection to InitiateMultipartUpload arriving: the page's and the worker's work before any part. */
  initiateSeconds: number;
  /** Selection to the first part request's headers arriving (its body follows on the same socket). */
  firstPartRequestSeconds: number;
}

/** Generous (1 MB/s): a loaded 2-core machine has been seen to run ten times slower than an idle one. */
export const uploadTimeoutMs = (bytes: number) => 60_000 + bytes / 1000;

export async function measureSkylift(stack: Stack, file: SourceFile): Promise<Work<SkyliftRun>> {
  const browser = await launchBrowser();
  try {
    await openApp(browser.page, stack.appUrl);
    await stack.resetTraffic();
    let key = '';
    const work = await measureWork(browser, stack.emulatorPid, async () => {
      const selectedAt = await selectInUi(browser.page, [file.path]);
      const traffic = await stack.waitForTraffic(
        (t) => storedFrom(t, file) !== undefined,
        uploadTimeoutMs(file.size),
        `Skylift upload of ${file.name}`,
      );
      const stored = storedFrom(traffic, file)!;
      key = stored.key;
      const since = (at: number | undefined) => (at! - selectedAt) / 1000;
      return {
        seconds: since(stored.at),
        firstByteSeconds: since(traffic.firstBodyByteAt),
        initiateSeconds: since(traffic.firstAt.InitiateMultipartUpload),
        firstPartRequestSeconds: since(traffic.firstAt.UploadPart),
      };
    });
    await expectStored(stack.oss, key, file);
    await deleteObject(stack.oss, key);
    return work;
  } finally {
    await browser.close();
  }
}
