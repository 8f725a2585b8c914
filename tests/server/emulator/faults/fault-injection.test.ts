// Fault injection over real HTTP: faults switched through the admin endpoint of a running emulator with
// the real authenticator, requests signed with the shared V4 signer.

import { readdir } from 'node:fs/promises';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { FaultConfig } from '../../../../server/emulator/faults/fault-config.ts';
import type { FaultState } from '../../../../server/emulator/faults/fault-injection.ts';
import { seededRandom } from '../../../../server/emulator/faults/seeded-random.ts';
import { openExchange } from '../../../../server/emulator/http/exchange.ts';
import { localToolsOnly } from '../../../../server/emulator/security/local-tools-only.ts';
import { isLoopbackAddress } from '../../../../server/net/addresses.ts';
import { startCallbackServer } from '../../../support/callback-server.ts';
import {
  BUCKET,
  crcHeaderOf,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
} from '../../../support/emulator.ts';
import {
  answered,
  type SignedResult,
  type SignedSend,
  signedClient,
} from '../../../support/signed-client.ts';

let emulator: TestEmulator;
let send: SignedSend;

beforeAll(async () => {
  // The lost-answer callback test calls a callback server on this machine.
  emulator = await startTestEmulator({ authenticator: undefined, callbackAllowedNetworks: ['127.0.0.1'] });
  send = signedClient(emulator.url, BUCKET);
});
afterAll(() => emulator.dispose());
beforeEach(async () => {
  await setFaults({});
});

async function setFaults(config: FaultConfig | Record<string, unknown>): Promise<FaultState> {
  const res = await emulator.request('PUT', '/-/admin/faults', { body: JSON.stringify(config) });
  expect(res.status, res.text).toBe(200);
  return JSON.parse(res.text) as FaultState;
}

async function getFaults(): Promise<FaultState> {
  const res = await emulator.request('GET', '/-/admin/faults');
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as FaultState;
}

async function initiate(key: string): Promise<string> {
  const res = answered(await send({ method: 'POST', key, query: [['uploads', '']] }));
  expect(res.status).toBe(200);
  return /<UploadId>([^<]+)<\/UploadId>/.exec(res.text)![1]!;
}

const uploadPart = (key: string, uploadId: string, partNumber: number, body: Buffer) =>
  send({
    method: 'PUT',
    key,
    query: [
      ['partNumber', String(partNumber)],
      ['uploadId', uploadId],
    ],
    body,
  });

async function listedParts(key: string, uploadId: string): Promise<{ number: number; etag: string }[]> {
  const res = answered(await send({ method: 'GET', key, query: [['uploadId', uploadId]] }));
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>.*?<ETag>([^<]+)<\/ETag>/gs)].map((m) => ({
    number: Number(m[1]),
    etag: m[2]!,
  }));
}

describe('errors', () => {
  it('answers the seeded fraction of UploadParts with 503 SlowDown, the same ones on every run', async () => {
    const config = { errorRate: 0.3, seed: 42 };
    // The injector rolls three times per request (error, reset, lost answer): the error roll decides.
    const dice = seededRandom(42);
    const expected = Array.from({ length: 40 }, () => {
      const [errorRoll] = [dice(), dice(), dice()];
      return errorRoll! < 0.3 ? 503 : 200;
    });
    const runs: number[][] = [];
    for (let run = 0; run < 2; run++) {
      await setFaults(config);
      const uploadId = await initiate(`errors-${run}.bin`);
      const statuses: number[] = [];
      for (let n = 1; n <= 40; n++) {
        const res = answered(await uploadPart(`errors-${run}.bin`, uploadId, n, testBytes(100, n)));
        statuses.push(res.status);
        if (res.status === 503) {
          expect(res.text).toContain('<Code>SlowDown</Code>');
          expect(res.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);
        }
      }
      runs.push(statuses);
      const failed = statuses.filter((s) => s === 503).length;
      expect((await getFaults()).counters).toMatchObject({
        requests: 40,
        errors: failed,
        passed: 40 - failed,
      });
      // Only the parts that were not refused exist.
      expect((await listedParts(`errors-${run}.bin`, uploadId)).map((p) => p.number)).toEqual(
        statuses.flatMap((s, i) => (s === 200 ? [i + 1] : [])),
      );
    }
    expect(runs[0]).toEqual(expected);
    expect(runs[1]).toEqual(expected);
    const failures = expected.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(4); // roughly 30% of 40, not none and not all
    expect(failures).toBeLessThan(20);
  });

  it('leaves operations that are not configured alone, and can target any operation by name', async () => {
    await setFaults({ errorRate: 1 });
    expect(answered(await send({ method: 'PUT', key: 'plain.txt', body: 'x' })).status).toBe(200);

    await setFaults({ errorRate: 1, errorStatus: 500, operations: ['PutObject', 'GetObject'] });
    const put = answered(await send({ method: 'PUT', key: 'plain.txt', body: 'y' }));
    expect(put.status).toBe(500);
    expect(put.text).toContain('<Code>InternalError</Code>');
    expect(answered(await send({ method: 'GET', key: 'plain.txt' })).status).toBe(500);
    expect(answered(await send({ method: 'HEAD', key: 'plain.txt' })).status).toBe(200);

    await setFaults({ errorRate: 1, operations: ['*'] });
    expect(answered(await send({ method: 'HEAD', key: 'plain.txt' })).status).toBe(503);
    await setFaults({});
    expect(answered(await send({ method: 'GET', key: 'plain.txt' })).text).toBe('x');
  });
});

describe('connection faults', () => {
  it('cuts the connection mid-body and stores nothing of the part', async () => {
    const uploadId = await initiate('resets.bin');
    await setFaults({ resetRate: 1 });
    const part = testBytes(512 * 1024, 7);
    const result = await uploadPart('resets.bin', uploadId, 1, part);
    expect('error' in result).toBe(true);
    expect(await listedParts('resets.bin', uploadId)).toEqual([]);
    expect((await getFaults()).counters).toMatchObject({ requests: 1, resets: 1, passed: 0 });
    // The half-received body is not left behind in the emulator's temp dir either.
    await expect.poll(() => readdir(`${emulator.dataDir}/tmp`)).toEqual([]);

    await setFaults({});
    expect(answered(await uploadPart('resets.bin', uploadId, 1, part)).status).toBe(200);
    expect(await listedParts('resets.bin', uploadId)).toEqual([{ number: 1, etag: `"${md5HexOf(part)}"` }]);
  });

  it('drops the next N requests without reading or answering them', async () => {
    const uploadId = await initiate('drops.bin');
    await setFaults({ dropNext: 2 });
    const results = [];
    for (let n = 1; n <= 3; n++) results.push(await uploadPart('drops.bin', uploadId, n, testBytes(1000, n)));
    expect(results.map((r) => ('error' in r ? 'cut' : r.status))).toEqual(['cut', 'cut', 200]);
    expect((await listedParts('drops.bin', uploadId)).map((p) => p.number)).toEqual([3]);
    const { counters, config } = await getFaults();
    expect(counters).toMatchObject({ requests: 3, dropped: 2, passed: 1 });
    expect(config.dropNext).toBeUndefined();
  });
});

describe('slow links', () => {
  it('adds latency', async () => {
    await setFaults({ latencyMs: 300, operations: ['PutObject'] });
    const slow = answered(await send({ method: 'PUT', key: 'latency.txt', body: 'x' }));
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    expect((await getFaults()).counters).toMatchObject({ requests: 1, delayed: 1, passed: 1 });
    await setFaults({});
    // Compared, not timed: a loaded test machine may be slow, but not 300 ms slower for no reason.
    expect(answered(await send({ method: 'PUT', key: 'latency.txt', body: 'x' })).ms).toBeLessThan(slow.ms);
  });

  it('delays the CORS preflights of the operations it delays, as a link delays every round trip', async () => {
    await setFaults({ latencyMs: 300, operations: ['UploadPart'] });
    const preflight = async (query: string) => {
      const started = performance.now();
      const res = await emulator.request('OPTIONS', `/${BUCKET}/link.bin${query}`, {
        headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'PUT' },
      });
      return { status: res.status, ms: performance.now() - started };
    };
    const part = await preflight('?partNumber=1&uploadId=x');
    expect(part.status).toBe(200);
    expect(part.ms).toBeGreaterThanOrEqual(290);
    // A preflight for PutObject (no part query) is not on the delayed operations: it is answered at once.
    expect((await preflight('')).ms).toBeLessThan(part.ms);
    // Preflights are not requests with a fate of their own: the counters stay as they were.
    expect((await getFaults()).counters.requests).toBe(0);
  });

  it('caps the bandwidth of request bodies, shared by all connections, without altering the bytes', async () => {
    const uploadId = await initiate('bandwidth.bin');
    const parts = [testBytes(200 * 1024, 1), testBytes(200 * 1024, 2)];
    await setFaults({ bandwidthBytesPerSecond: 400_000 });
    const started = performance.now();
    const both = await Promise.all(parts.map((p, i) => uploadPart('bandwidth.bin', uploadId, i + 1, p)));
    const elapsed = performance.now() - started;
    // 400 KiB at 400 kB/s, less the 40 kB burst: ~0.9 s together, where each alone would need ~0.5 s.
    expect(elapsed).toBeGreaterThan(800);
    expect(elapsed).toBeLessThan(5000);
    expect(both.map((r) => answered(r).status)).toEqual([200, 200]);
    expect(await listedParts('bandwidth.bin', uploadId)).toEqual(
      parts.map((p, i) => ({ number: i + 1, etag: `"${md5HexOf(p)}"` })),
    );
    expect((await getFaults()).counters).toMatchObject({ requests: 2, throttled: 2, passed: 2 });
  });
});

describe('lost answers', () => {
  /** The connection broke before one byte of an answer came back. */
  const expectLost = (result: SignedResult) =>
    expect(result).toEqual({ error: 'ECONNRESET', ms: expect.any(Number), received: 0 });

  async function pendingUploads(): Promise<{ key: string; uploadId: string }[]> {
    const res = answered(await send({ method: 'GET', key: '', query: [['uploads', '']] }));
    expect(res.status).toBe(200);
    return [...res.text.matchAll(/<Key>([^<]*)<\/Key>\s*<UploadId>([^<]+)<\/UploadId>/g)].map((m) => ({
      key: m[1]!,
      uploadId: m[2]!,
    }));
  }

  it('applies Initiate, UploadPart, Complete and PutObject, then cuts the connection before a byte of the answer', async () => {
    const key = 'lost/answer.bin';
    await setFaults({ loseAnswerNext: 1, operations: ['InitiateMultipartUpload'] });
    expectLost(await send({ method: 'POST', key, query: [['uploads', '']] }));
    expect((await getFaults()).counters).toMatchObject({ requests: 1, answersLost: 1, passed: 0 });
    const initiated = (await pendingUploads()).filter((u) => u.key === key);
    expect(initiated).toHaveLength(1); // the client never got this id, but the upload exists
    const { uploadId } = initiated[0]!;

    await setFaults({ loseAnswerNext: 1 }); // UploadPart, the default operation
    const parts = [testBytes(100 * 1024, 21), testBytes(3000, 22)];
    expectLost(await uploadPart(key, uploadId, 1, parts[0]!));
    expect(answered(await uploadPart(key, uploadId, 2, parts[1]!)).status).toBe(200); // only the next one
    expect(await listedParts(key, uploadId)).toEqual(
      parts.map((p, i) => ({ number: i + 1, etag: `"${md5HexOf(p)}"` })),
    );
    expect((await getFaults()).counters).toMatchObject({ requests: 2, answersLost: 1, passed: 1 });

    await setFaults({ loseAnswerNext: 1, operations: ['CompleteMultipartUpload'] });
    const completeXml = `<CompleteMultipartUpload>${parts
      .map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${md5HexOf(p)}"</ETag></Part>`)
      .join('')}</CompleteMultipartUpload>`;
    expectLost(await send({ method: 'POST', key, query: [['uploadId', uploadId]], body: completeXml }));
    const object = answered(await send({ method: 'HEAD', key }));
    expect(object.status).toBe(200);
    expect(object.headers['content-length']).toBe(String(100 * 1024 + 3000));
    expect(object.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(Buffer.concat(parts)));
    expect((await pendingUploads()).filter((u) => u.key === key)).toEqual([]);

    await setFaults({ loseAnswerNext: 1, operations: ['PutObject'] });
    const body = testBytes(5000, 23);
    expectLost(await send({ method: 'PUT', key: 'lost/put.bin', body }));
    expect(answered(await send({ method: 'HEAD', key: 'lost/put.bin' })).headers.etag).toBe(
      `"${md5HexOf(body)}"`,
    );
    expect((await getFaults()).counters).toMatchObject({ requests: 1, answersLost: 1 });
    expect((await getFaults()).config).toEqual({ operations: ['PutObject'] }); // none left to lose
  });

  it('delivers the upload callback before cutting the connection', async () => {
    const app = await startCallbackServer();
    try {
      await setFaults({ loseAnswerNext: 1, operations: ['PutObject'] });
      const callback = Buffer.from(
        JSON.stringify({
          callbackUrl: `${app.url}/done`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: ${...} are OSS callback variables.
          callbackBody: 'object=${object}&size=${size}',
        }),
      ).toString('base64');
      const result = await send({
        method: 'PUT',
        key: 'lost/called-back.txt',
        body: 'hello',
        headers: { 'x-oss-callback': callback },
      });
      expectLost(result);
      expect(app.received.map((c) => c.body)).toEqual(['object=lost%2Fcalled-back.txt&size=5']);
    } finally {
      await app.close();
    }
  });

  it('loses the seeded fraction of answers, the same requests on every run, and applies every one', async () => {
    const dice = seededRandom(7);
    const expected = Array.from({ length: 12 }, () => {
      const [, , loseRoll] = [dice(), dice(), dice()];
      return loseRoll! < 0.5 ? 'lost' : 'answered';
    });
    expect(expected).toContain('lost');
    expect(expected).toContain('answered');
    for (let run = 0; run < 2; run++) {
      await setFaults({ loseAnswerRate: 0.5, seed: 7, operations: ['PutObject'] });
      const fates: string[] = [];
      for (let n = 0; n < expected.length; n++) {
        const result = await send({ method: 'PUT', key: `lost/rate-${run}-${n}.txt`, body: `body ${n}` });
        fates.push('error' in result ? 'lost' : 'answered');
        if ('error' in result) expectLost(result);
      }
      expect(fates).toEqual(expected);
      const lost = expected.filter((f) => f === 'lost').length;
      expect((await getFaults()).counters).toMatchObject({
        requests: expected.length,
        answersLost: lost,
        passed: expected.length - lost,
      });
      await setFaults({});
      for (let n = 0; n < expected.length; n++) {
        const got = answered(await send({ method: 'GET', key: `lost/rate-${run}-${n}.txt` }));
        expect(got.text).toBe(`body ${n}`);
      }
    }
  });
});

describe('the admin endpoint', () => {
  it('refuses configs it cannot apply, keeping the current one', async () => {
    await setFaults({ errorRate: 0.5, seed: 1 });
    for (const bad of [
      { errorRate: 2 },
      { errorStatus: 404 },
      { operations: ['UploadParts'] },
      { latency: 5 },
      { bandwidthBytesPerSecond: 0 },
      { loseAnswerRate: 1.5 },
      { loseAnswerNext: -1 },
    ]) {
      const res = await emulator.request('PUT', '/-/admin/faults', { body: JSON.stringify(bad) });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(JSON.parse(res.text).error).toEqual(expect.any(String));
    }
    expect((await emulator.request('PUT', '/-/admin/faults', { body: '{not json' })).status).toBe(400);
    expect((await getFaults()).config).toEqual({ errorRate: 0.5, seed: 1 });
    // An empty body clears, as {} does.
    expect(JSON.parse((await emulator.request('PUT', '/-/admin/faults')).text).config).toEqual({});
  });

  it('applies the startEmulator faults option from the first request', async () => {
    const other = await startTestEmulator({ faults: { errorRate: 1, operations: ['PutObject'] } });
    try {
      expect((await other.request('PUT', '/x.txt', { body: 'x' })).status).toBe(503);
      expect(other.faults.state().counters).toMatchObject({ requests: 1, errors: 1 });
      other.faults.configure({});
      expect((await other.request('PUT', '/x.txt', { body: 'x' })).status).toBe(200);
    } finally {
      await other.dispose();
    }
  });

  it('knows which peers are on this machine', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1'])
      expect(isLoopbackAddress(address), address).toBe(true);
    for (const address of ['10.0.0.1', '192.168.1.2', '::ffff:10.0.0.1', 'fe80::1', '128.0.0.1', undefined])
      expect(isLoopbackAddress(address), address).toBe(false);
  });

  it('answers 403 to a peer that is not on this machine', async () => {
    let handled = false;
    const route = localToolsOnly({
      method: 'GET',
      path: /^admin\/x$/,
      handle: async () => {
        handled = true;
      },
    });
    // A real HTTP exchange whose peer address is made to look remote.
    const server = createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '203.0.113.9' });
      void route.handle({
        exchange: openExchange(req, res, Date.now()),
        path: 'admin/x',
        query: new Map(),
        params: [],
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const status = await new Promise<number>((resolve, reject) => {
        httpRequest({ port: (server.address() as AddressInfo).port, path: '/-/admin/x' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on('error', reject)
          .end();
      });
      expect(status).toBe(403);
      expect(handled).toBe(false);
    } finally {
      server.close();
    }
  });
});
