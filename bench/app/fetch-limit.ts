// (a) The limit of the browser: plain `fetch` PUTs of Blob slices from a page, with presigned UploadPart
// URLs, the part size and parallelism Skylift picks for the file (lib/upload-plan/part-plan.ts). Initiate and
// Complete are made from here with the root key and are not timed: only the part PUTs are, which is
// all a browser has to do at best. Skylift's figure includes everything from selection to completion.

import { presignV4 } from '../../lib/oss/sign-v4.ts';
import { objectUrl } from '../../lib/oss-client/object-url.ts';
import { clampParallel, planParts } from '../../lib/upload-plan/part-plan.ts';
import { EMULATOR_DEFAULTS } from '../../server/config/emulator-defaults.ts';
import { completeBody, completeUpload, initiateUpload, type UploadedPart } from '../emulator/multipart.ts';
import { BARE_INPUT_ID, openBarePage, setBareFiles } from './app-page.ts';
import { launchBrowser, measureWork, type Work } from './browser.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import type { Stack } from './stack.ts';

export interface LimitRun {
  seconds: number;
  partSize: number;
  parallel: number;
}

async function presignedPartUrls(
  stack: Stack,
  key: string,
  uploadId: string,
  count: number,
): Promise<string[]> {
  const credentials = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const now = new Date();
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const query: [string, string][] = [
        ['partNumber', String(i + 1)],
        ['uploadId', uploadId],
      ];
      const signature = await presignV4({ method: 'PUT', bucket: stack.bucket, key, query }, credentials, {
        region: EMULATOR_DEFAULTS.region,
        now,
        expiresSeconds: 3600,
      });
      return objectUrl(stack.emulatorUrl, stack.bucket, key, [...query, ...signature]);
    }),
  );
}

export async function measureFetchLimit(stack: Stack, file: SourceFile): Promise<Work<LimitRun>> {
  const { partSize, partCount } = planParts(file.size);
  const parallel = clampParallel(undefined);
  const key = `bench/limit-${file.name}`;
  const uploadId = await initiateUpload(stack.oss, key);
  const urls = await presignedPartUrls(stack, key, uploadId, partCount);
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  try {
    await openBarePage(browser.page, stack.appUrl);
    await setBareFiles(browser.page, [file.path]);
    const work = await measureWork(browser, stack.emulatorPid, () =>
      browser.page.evaluate(
        async ({ id, urls, partSize, parallel }) => {
          const blob = (document.getElementById(id) as HTMLInputElement).files![0]!;
          const etags: string[] = [];
          let next = 0;
          const lane = async () => {
            while (next < urls.length) {
              const i = next++;
              const body = blob.slice(i * partSize, (i + 1) * partSize);
              const response = await fetch(urls[i]!, { method: 'PUT', body });
              if (!response.ok)
                throw new Error(`part ${i + 1}: HTTP ${response.status} ${await response.text()}`);
              etags[i] = response.headers.get('ETag') ?? '';
            }
          };
          const start = performance.now();
          await Promise.all(Array.from({ length: parallel }, lane));
          return { ms: performance.now() - start, etags };
        },
        { id: BARE_INPUT_ID, urls, partSize, parallel },
      ),
    );
    const { ms, etags } = work.result;
    const parts = etags.map((etag, i) => ({ partNumber: i + 1, etag }) as UploadedPart);
    await completeUpload(stack.oss, key, uploadId, completeBody(parts));
    await expectStored(stack.oss, key, file);
    await deleteObject(stack.oss, key);
    return { ...work, result: { seconds: ms / 1000, partSize, parallel } };
  } finally {
    await browser.close();
  }
}
