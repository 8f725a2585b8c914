// Test support: a real emulator on an ephemeral port over a temp data dir, and a plain node:http client
// (plain so tests can set Host, omit Content-Length, or cut a body off mid-stream).

import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc64, crc64ToHeader } from '../../../lib/oss/crc64.ts';
import type { OssAction } from '../auth/auth-types.ts';
import type { Authenticator } from '../auth/authenticate.ts';
import { type EmulatorOptions, type RunningEmulator, startEmulator } from '../server.ts';

export const BUCKET = 'test-bucket';

/**
 * Accepts every request as the root account. Only for tests of the layers below authentication; the
 * real authenticator has its own tests in auth/. Records each authorize() call so tests can check the
 * RAM action every operation asks for.
 */
export function allowAllAuthenticator(): Authenticator & { actions: [OssAction, string, string][] } {
  const actions: [OssAction, string, string][] = [];
  return {
    actions,
    authenticate: async () => ({ accessKeyId: 'test-root', kind: 'root' }),
    authenticateForm: async () => ({ accessKeyId: 'test-root', kind: 'root' }),
    authorize: (_principal, action, bucket, key) => {
      actions.push([action, bucket, key]);
    },
  };
}

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestInit {
  headers?: Record<string, string | number>;
  body?: Buffer | string;
}

export function send(
  baseUrl: string,
  method: string,
  path: string,
  init: RequestInit = {},
): Promise<TestResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path, headers: init.headers ?? {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}

export interface TestEmulator extends RunningEmulator {
  dataDir: string;
  auth: ReturnType<typeof allowAllAuthenticator>;
  request(method: string, path: string, init?: RequestInit): Promise<TestResponse>;
  /** Closes and starts again on the same data dir (and options). */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-'));
  const auth = allowAllAuthenticator();
  const all: EmulatorOptions = {
    host: '127.0.0.1',
    port: 0,
    dataDir,
    authenticator: auth,
    createBuckets: [BUCKET],
    defaultBucket: BUCKET,
    // Tests of the emulator talk to its bucket from pages of any origin; the product's own CORS
    // default (the app's origins) has tests of its own (cors/emulator-cors.test.ts).
    corsOrigins: ['*'],
    ...options,
  };
  let running = await startEmulator(all);
  let closed = false;
  const closeOnce = async () => {
    if (closed) return;
    closed = true;
    await running.close();
  };
  const fixture: TestEmulator = {
    dataDir,
    auth,
    get url() {
      return running.url;
    },
    get port() {
      return running.port;
    },
    get faults() {
      return running.faults;
    },
    close: closeOnce,
    sweepLifecycle: (now) => running.sweepLifecycle(now),
    setCorsOrigins: (origins) => running.setCorsOrigins(origins),
    request: (method, path, init) => send(running.url, method, path, init),
    restart: async () => {
      await closeOnce();
      running = await startEmulator({ ...all, port: running.port });
      closed = false;
    },
    dispose: async () => {
      await closeOnce();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/** Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
export function testBytes(size: number, seed = 1): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const md5HexOf = (data: Buffer) => createHash('md5').update(data).digest('hex').toUpperCase();
export const md5Base64Of = (data: Buffer) => createHash('md5').update(data).digest('base64');
export const crcHeaderOf = async (data: Buffer) => crc64ToHeader(await crc64(data));

/** Text of the first <name> element in an XML body. */
export function xmlText(xml: string, name: string): string | undefined {
  return xml.match(new RegExp(`<${name}>([^<]*)</${name}>`))?.[1];
}

export function xmlTexts(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!);
}
