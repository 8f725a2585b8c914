// (b) What most OSS web apps do today: ali-oss `multipartUpload` in a page, with STS credentials from the
// same token service Skylift uses, against the same emulator. The prebuilt browser SDK is loaded into a
// bare page of the app's origin; the default transport (XHR) and signature version, as apps ship it.

import { createRequire } from 'node:module';
import { BARE_INPUT_ID, openBarePage, setBareFiles } from './app-page.ts';
import { launchBrowser, measureWork, type Work } from './browser.ts';
import { deleteObject, expectStored, type SourceFile } from './source-files.ts';
import type { Stack } from './stack.ts';

const SDK_PATH = createRequire(import.meta.url).resolve('ali-oss/dist/aliyun-oss-sdk.min.js');

export interface AliOssConfig {
  partSize: number;
  parallel: number;
}

/** Seconds of `multipartUpload` (Initiate, parts, Complete), with CPU and memory around it. */
export async function measureAliOss(
  stack: Stack,
  file: SourceFile,
  config: AliOssConfig,
): Promise<Work<number>> {
  const key = `${stack.prefix}bench-ali-oss-${file.name}`;
  const browser = await launchBrowser({ serviceWorkers: 'block' });
  try {
    await openBarePage(browser.page, stack.appUrl);
    await browser.page.addScriptTag({ path: SDK_PATH });
    await setBareFiles(browser.page, [file.path]);
    const work = await measureWork(browser, stack.emulatorPid, () =>
      browser.page.evaluate(
        async ({ id, key, config }) => {
          const file = (document.getElementById(id) as HTMLInputElement).files![0]!;
          const c = await (await fetch('/api/credentials', { method: 'POST' })).json();
          // biome-ignore lint/suspicious/noExplicitAny: the page global of the prebuilt SDK is untyped.
          const OSS = (globalThis as any).OSS;
          // An IP endpoint has no bucket sub-domain: cname mode sends /key to it, the emulator's default bucket.
          const client = new OSS({
            accessKeyId: c.accessKeyId,
            accessKeySecret: c.accessKeySecret,
            stsToken: c.securityToken,
            bucket: c.bucket,
            region: c.region,
            endpoint: c.endpoint,
            cname: true,
            secure: false,
          });
          const start = performance.now();
          await client.multipartUpload(key, file, config);
          return (performance.now() - start) / 1000;
        },
        { id: BARE_INPUT_ID, key, config },
      ),
    );
    await expectStored(stack.oss, key, file);
    await deleteObject(stack.oss, key);
    return work;
  } finally {
    await browser.close();
  }
}
