// An upload that outlives its credentials: 2-second STS tokens, a multipart upload paced over more
// than two token lifetimes, every request signed by the shared V4 signer with whatever the
// credentials provider hands out. It must complete byte-exact, and the first token must by then be
// refused by the emulator, so the upload only finished because the provider kept refreshing.
import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  type CredentialsProvider,
  createCredentialsProvider,
} from '../../../lib/credentials/credentials-provider.ts';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { withFreshCredentials } from '../../../lib/credentials/with-fresh-credentials.ts';
import { crc64, crc64ToHeader } from '../../../lib/oss/crc64.ts';
import type { Credentials } from '../../../lib/oss/credentials.ts';
import { parseOssErrorXml } from '../../../lib/oss/errors.ts';
import type { QueryPairs } from '../../../lib/oss/request.ts';
import { signRequestV4 } from '../../../lib/oss/sign-v4.ts';
import { buildXml, parseXml } from '../../../lib/oss/xml.ts';
import { EMULATOR_DEFAULTS } from '../../../server/config/emulator-defaults.ts';
import {
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';

const TOKEN_SECONDS = 2;
const PART_BYTES = 100 * 1024; // OSS's minimum for every part but the last
const PARTS = 5;
const PAUSE_MS = 1_100;

let stack: TestEmulator;
let app: TestApp;

beforeAll(async () => {
  stack = await startProductEmulator();
  app = await startTestApp(stack.url, { OSS_STS_DURATION_SECONDS: String(TOKEN_SECONDS) });
});
afterAll(async () => {
  await app?.close();
  await stack?.dispose();
});

interface OssRequest {
  method: string;
  key: string;
  query?: QueryPairs;
  body?: Uint8Array<ArrayBuffer> | string;
  contentType?: string;
}

/** One OSS request against the emulator's default bucket, signed with V4 for `credentials`. */
async function ossFetch(
  target: { endpoint: string; bucket: string; region: string },
  credentials: Credentials,
  request: OssRequest,
): Promise<Response> {
  const headers: Record<string, string> = request.contentType ? { 'content-type': request.contentType } : {};
  const signed = await signRequestV4(
    { method: request.method, bucket: target.bucket, key: request.key, query: request.query, headers },
    credentials,
    { region: target.region, now: new Date() },
  );
  const query = (request.query ?? [])
    .map(([name, value]) => (value === '' ? name : `${name}=${encodeURIComponent(value)}`))
    .join('&');
  const url = `${target.endpoint}/${request.key.split('/').map(encodeURIComponent).join('/')}${query ? `?${query}` : ''}`;
  return fetch(url, { method: request.method, headers: { ...headers, ...signed }, body: request.body });
}

/** A field of a parsed XML response, as text. */
function xmlText(xml: string, root: string, field: string): string {
  const element = parseXml(xml)[root];
  const value = typeof element === 'object' && !Array.isArray(element) ? element[field] : undefined;
  if (typeof value !== 'string') throw new Error(`No ${root}/${field} in ${xml}`);
  return value;
}

async function ossCode(response: Response): Promise<string> {
  return parseOssErrorXml(await response.text())?.code ?? `HTTP ${response.status}`;
}

const KEY = 'uploads/long-upload.bin';

it('completes a multipart upload that lasts longer than two token lifetimes', {
  timeout: 30_000,
}, async () => {
  const provider = createCredentialsProvider({ url: app.credentialsUrl });
  const used = new Set<string>();
  let requests = 0;
  let attempts = 0;
  /** Every OSS request goes through the provider, as the page and the service worker send theirs. */
  const send = async (request: OssRequest, what: string) => {
    requests += 1;
    const response = await withFreshCredentials(provider, async (creds) => {
      attempts += 1;
      used.add(creds.accessKeyId);
      return ossFetch(creds, creds, request);
    });
    if (!response.ok) throw new Error(`${what}: HTTP ${response.status} ${await response.text()}`);
    return response;
  };

  const source = new Uint8Array(randomBytes(PART_BYTES * (PARTS - 1) + 12_345));
  const started = Date.now();
  const firstCredentials = await provider.get();

  const initiated = await send({ method: 'POST', key: KEY, query: [['uploads', '']] }, 'initiate');
  const uploadId = xmlText(await initiated.text(), 'InitiateMultipartUploadResult', 'UploadId');
  const etags: string[] = [];
  for (let part = 1; part <= PARTS; part += 1) {
    await sleep(PAUSE_MS);
    const body = source.slice((part - 1) * PART_BYTES, part * PART_BYTES);
    const query: QueryPairs = [
      ['partNumber', String(part)],
      ['uploadId', uploadId],
    ];
    const uploaded = await send({ method: 'PUT', key: KEY, query, body }, `part ${part}`);
    etags.push(uploaded.headers.get('etag') ?? '');
  }

  // By now the first token has lapsed, and the emulator says so.
  expect(Date.now() - started).toBeGreaterThan(2 * TOKEN_SECONDS * 1000);
  const stale = await ossFetch(firstCredentials, firstCredentials, {
    method: 'GET',
    key: KEY,
    query: [['uploadId', uploadId]],
  });
  expect(stale.status).toBe(403);
  expect(await ossCode(stale)).toBe('SecurityTokenExpired');

  const completion = buildXml('CompleteMultipartUpload', {
    Part: etags.map((etag, i) => ({ PartNumber: i + 1, ETag: etag })),
  });
  await send(
    {
      method: 'POST',
      key: KEY,
      query: [['uploadId', uploadId]],
      body: completion,
      contentType: 'application/xml',
    },
    'complete',
  );
  expect(used.size).toBeGreaterThanOrEqual(3);
  // Refreshing ahead of expiry meant no request was ever refused for a stale token and retried.
  expect(attempts).toBe(requests);

  // Tokens cannot read (least privilege), so the check reads with the emulator's root key.
  const root = {
    accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
    accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  };
  const stored = await ossFetch(firstCredentials, root, { method: 'GET', key: KEY });
  expect(stored.status).toBe(200);
  const bytes = new Uint8Array(await stored.arrayBuffer());
  expect(bytes.length).toBe(source.length);
  expect(createHash('md5').update(bytes).digest('hex')).toBe(createHash('md5').update(source).digest('hex'));
  expect(stored.headers.get('x-oss-hash-crc64ecma')).toBe(crc64ToHeader(await crc64(source)));
});

it('retries once with fresh credentials when OSS calls the token expired', { timeout: 15_000 }, async () => {
  const provider = createCredentialsProvider({ url: app.credentialsUrl });
  const expired = await provider.get();
  await sleep(TOKEN_SECONDS * 1000 + 1_100);
  // A provider whose clock is behind the server's hands out the lapsed token once, as a skewed device would.
  let handedOut = false;
  const skewed: CredentialsProvider = {
    get: async () => {
      if (handedOut) return provider.get();
      handedOut = true;
      return expired;
    },
    invalidate: (failed?: TemporaryCredentials) => provider.invalidate(failed),
  };
  const tried: string[] = [];
  const response = await withFreshCredentials(skewed, async (creds) => {
    tried.push(creds.accessKeyId);
    return ossFetch(creds, creds, {
      method: 'PUT',
      key: 'uploads/after-expiry.txt',
      body: new TextEncoder().encode('ok'),
    });
  });
  expect(response.status).toBe(200);
  expect(tried).toHaveLength(2);
  expect(tried[0]).toBe(expired.accessKeyId);
  expect(tried[1]).not.toBe(expired.accessKeyId);
});
