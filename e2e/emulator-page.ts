// For the emulator conformance specs: a bare page that loads the browser build of ali-oss
// (dist/aliyun-oss-sdk.min.js, what bundlers ship) from an origin of its own, so every OSS request
// is cross-origin and goes through the emulator's CORS, plus a token endpoint like the app's.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type OSS from 'ali-oss';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';

const SDK = join(import.meta.dirname, '..', 'node_modules', 'ali-oss', 'dist', 'aliyun-oss-sdk.min.js');

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>ali-oss conformance</title>
<input type="file" id="file">
<script src="/aliyun-oss-sdk.min.js"></script>
<script>
  // What refreshSTSToken returns: fresh STS credentials from this page's own server.
  window.fetchToken = async () => (await fetch('/token')).json();
  // Bytes back to the test as base64: Playwright serializes number arrays element by element (slow).
  window.toBase64 = (data) => {
    const bytes = new Uint8Array(data);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  };
</script>`;

/** What the page's globals look like to the specs' page.evaluate() callbacks. */
export type ConformanceWindow = Window & {
  OSS: new (options: OSS.Options & Record<string, unknown>) => OSS;
  fetchToken(): Promise<{ accessKeyId: string; accessKeySecret: string; stsToken: string }>;
  toBase64(data: ArrayBuffer | Uint8Array): string;
};

export interface ConformancePage {
  url: string;
  close(): Promise<void>;
}

/** Serves the page on 127.0.0.1; `token()` answers GET /token (the refreshSTSToken shape). */
export async function serveConformancePage(token: () => Promise<object>): Promise<ConformancePage> {
  const server = createServer((req, res) => {
    const send = (type: string, body: string | Buffer) =>
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    const route = async () => {
      if (req.url === '/') return send('text/html; charset=utf-8', PAGE);
      if (req.url === '/aliyun-oss-sdk.min.js') return send('text/javascript', await readFile(SDK));
      if (req.url === '/token') return send('application/json', JSON.stringify(await token()));
      res.writeHead(404).end();
    };
    route().catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Options for the page's client: virtual-host addressing (`<bucket>.localhost:<port>`, which Chromium
 * resolves to loopback) and the emulator's root key unless STS credentials are given.
 */
export function browserClientOptions(
  emulator: { port: number },
  bucket: string,
  overrides: Record<string, unknown> = {},
): OSS.Options & Record<string, unknown> {
  return {
    region: EMULATOR_DEFAULTS.region,
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
    endpoint: `http://localhost:${emulator.port}`,
    bucket,
    authorizationV4: true,
    ...overrides,
  };
}
