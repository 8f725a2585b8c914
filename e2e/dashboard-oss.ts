// "Another device" for the dashboard tests: a browser context of its own that talks to the OSS
// emulator with ali-oss's prebuilt browser bundle (another client than the app's own), using STS
// credentials from the app's token service — exactly what a second browser would have.
import { resolve } from 'node:path';
import type { Page } from '@playwright/test';

const SDK = resolve(import.meta.dirname, '..', 'node_modules', 'ali-oss', 'dist', 'aliyun-oss-sdk.min.js');

export interface OssResult {
  ok: boolean;
  value?: unknown;
  code?: string;
  requestId?: string;
}

/** Opens a same-origin page with the `OSS` global loaded. */
export async function openOssDevice(page: Page): Promise<void> {
  await page.goto('/api/health');
  await page.addScriptTag({ path: SDK });
}

/**
 * Runs `op` on `client` (an ali-oss client in virtual-host mode: the emulator's 127.0.0.1 endpoint
 * is addressed as localhost, so requests go to <bucket>.localhost). Errors come back as data.
 */
export function withOss(
  page: Page,
  op: 'start' | 'listParts' | 'listUploads',
  args: { key?: string; uploadId?: string; parts?: number } = {},
): Promise<OssResult> {
  return page.evaluate(
    async ({ op, args }) => {
      const c = await (await fetch('/api/credentials', { method: 'POST' })).json();
      const endpoint = new URL(c.endpoint);
      endpoint.hostname = 'localhost';
      // biome-ignore lint/suspicious/noExplicitAny: the page global of the prebuilt SDK is untyped.
      const OSS = (globalThis as any).OSS;
      const client = new OSS({
        accessKeyId: c.accessKeyId,
        accessKeySecret: c.accessKeySecret,
        stsToken: c.securityToken,
        bucket: c.bucket,
        region: c.region,
        endpoint: endpoint.origin,
        secure: false,
        authorizationV4: true,
      });
      try {
        if (op === 'start') {
          const { uploadId } = await client.initMultipartUpload(args.key);
          // Parts other than the last must be at least 100 KiB.
          const part = new Blob([new Uint8Array(100 * 1024).fill(7)]);
          for (let n = 1; n <= (args.parts ?? 2); n++) {
            await client.uploadPart(args.key, uploadId, n, part, 0, part.size);
          }
          return { ok: true, value: uploadId };
        }
        if (op === 'listParts') {
          const result = await client.listParts(args.key, args.uploadId, {});
          return { ok: true, value: result.parts };
        }
        // Under `key` when given, else the credentials' own prefix.
        const result = await client.listUploads({ prefix: args.key ?? c.prefix, 'max-uploads': 1000 });
        return { ok: true, value: result.uploads.map((u: { uploadId: string }) => u.uploadId) };
      } catch (error) {
        const e = error as { code?: string; requestId?: string; message?: string };
        return { ok: false, code: e.code ?? e.message, requestId: e.requestId };
      }
    },
    { op, args },
  );
}
