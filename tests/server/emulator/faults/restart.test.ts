// POST /-/admin/restart: an in-process crash and restart on the same port, over real HTTP.

import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultState } from '../../../../server/emulator/faults/fault-injection.ts';
import { startEmulator } from '../../../../server/emulator/server.ts';
import {
  BUCKET,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
} from '../../../support/emulator.ts';
import { answered, type SignedSend, signedClient } from '../../../support/signed-client.ts';

let emulator: TestEmulator;
let send: SignedSend;

beforeAll(async () => {
  emulator = await startTestEmulator({ authenticator: undefined });
  send = signedClient(emulator.url, BUCKET);
});
afterAll(() => emulator.dispose());

async function adminRestart(): Promise<void> {
  const res = await emulator.request('POST', '/-/admin/restart');
  expect(res.status, res.text).toBe(200);
  expect(JSON.parse(res.text)).toEqual({ restarted: true });
  expect(res.headers.connection).toBe('close');
}

async function initiate(key: string): Promise<string> {
  const res = answered(await send({ method: 'POST', key, query: [['uploads', '']] }));
  return /<UploadId>([^<]+)<\/UploadId>/.exec(res.text)![1]!;
}

const partQuery = (uploadId: string, n: number): [string, string][] => [
  ['partNumber', String(n)],
  ['uploadId', uploadId],
];

async function listedParts(key: string, uploadId: string): Promise<{ number: number; etag: string }[]> {
  const res = answered(await send({ method: 'GET', key, query: [['uploadId', uploadId]] }));
  expect(res.status).toBe(200);
  return [...res.text.matchAll(/<PartNumber>(\d+)<\/PartNumber>.*?<ETag>([^<]+)<\/ETag>/gs)].map((m) => ({
    number: Number(m[1]),
    etag: m[2]!,
  }));
}

const tmpFiles = () => readdir(join(emulator.dataDir, 'tmp'));

describe('crash restart', () => {
  it('keeps completed objects and acknowledged parts, drops the part cut mid-body, same port', async () => {
    const port = emulator.port;
    const kept = testBytes(5000, 1);
    expect(answered(await send({ method: 'PUT', key: 'kept.bin', body: kept })).status).toBe(200);
    const uploadId = await initiate('resume.bin');
    const parts = [testBytes(100 * 1024, 2), testBytes(100 * 1024, 3)];
    expect(
      answered(
        await send({ method: 'PUT', key: 'resume.bin', query: partQuery(uploadId, 1), body: parts[0] }),
      ).status,
    ).toBe(200);

    // Part 2 is half sent when the emulator goes down.
    const cut = send({
      method: 'PUT',
      key: 'resume.bin',
      query: partQuery(uploadId, 2),
      body: parts[1],
      stallAfter: 50 * 1024,
    });
    await expect.poll(tmpFiles).toHaveLength(1); // the emulator is writing it to a temp file
    await adminRestart();
    expect(await cut).toEqual({ error: 'ECONNRESET', ms: expect.any(Number), received: 0 });

    // Answering again on the same port, with what was acknowledged and nothing half-written.
    expect(emulator.port).toBe(port);
    const got = answered(await send({ method: 'GET', key: 'kept.bin' }));
    expect(got.status).toBe(200);
    expect(got.headers.etag).toBe(`"${md5HexOf(kept)}"`);
    expect(await listedParts('resume.bin', uploadId)).toEqual([
      { number: 1, etag: `"${md5HexOf(parts[0]!)}"` },
    ]);
    expect(await tmpFiles()).toEqual([]);

    // The client resumes: re-sends part 2 and completes.
    expect(
      answered(
        await send({ method: 'PUT', key: 'resume.bin', query: partQuery(uploadId, 2), body: parts[1] }),
      ).status,
    ).toBe(200);
    const complete = answered(
      await send({
        method: 'POST',
        key: 'resume.bin',
        query: [['uploadId', uploadId]],
        headers: { 'Content-Type': 'application/xml' },
        body: `<CompleteMultipartUpload>${parts
          .map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${md5HexOf(p)}"</ETag></Part>`)
          .join('')}</CompleteMultipartUpload>`,
      }),
    );
    expect(complete.status).toBe(200);
    const head = answered(await send({ method: 'HEAD', key: 'resume.bin' }));
    expect(head.headers['content-length']).toBe(String(200 * 1024));
  });

  it('cuts idle keep-alive connections too, as a crash would', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Wrapped in an object: resolving with a bare promise would wait for it.
      const { socketClosed } = await new Promise<{ socketClosed: Promise<void> }>((resolve, reject) => {
        httpRequest(`${emulator.url}/-/health`, { agent }, (res) => {
          res.resume();
          const socket = res.socket;
          const socketClosed = new Promise<void>((closed) => socket.once('close', () => closed()));
          res.on('end', () => resolve({ socketClosed }));
        })
          .on('error', reject)
          .end();
      });
      await adminRestart();
      await socketClosed;
    } finally {
      agent.destroy();
    }
  });

  it('keeps the fault config and its counters', async () => {
    await emulator.request('PUT', '/-/admin/faults', {
      body: JSON.stringify({ errorRate: 1, operations: ['PutObject'] }),
    });
    expect((await emulator.request('PUT', '/f.txt', { body: 'x' })).status).toBe(503);
    await adminRestart();
    expect((await emulator.request('PUT', '/f.txt', { body: 'x' })).status).toBe(503);
    const state = JSON.parse((await emulator.request('GET', '/-/admin/faults')).text) as FaultState;
    expect(state.counters).toMatchObject({ requests: 2, errors: 2 });
    await emulator.request('PUT', '/-/admin/faults', { body: '{}' });
  });

  it('during a burst of part uploads: every part it lists is whole, and every acknowledged part is listed', async () => {
    const uploadId = await initiate('burst.bin');
    const parts = Array.from({ length: 8 }, (_, i) => testBytes(256 * 1024, 10 + i));
    // Slow bodies, so the restart lands while some parts are mid-body and others are committing.
    await emulator.request('PUT', '/-/admin/faults', {
      body: JSON.stringify({ bandwidthBytesPerSecond: 4_000_000 }),
    });
    const uploads = parts.map((body, i) =>
      send({ method: 'PUT', key: 'burst.bin', query: partQuery(uploadId, i + 1), body }),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await adminRestart();
    const results = await Promise.all(uploads);
    await emulator.request('PUT', '/-/admin/faults', { body: '{}' });

    const acknowledged = results.flatMap((r, i) => ('status' in r && r.status === 200 ? [i + 1] : []));
    const cut = results.filter((r) => 'error' in r).length;
    expect(acknowledged.length + cut).toBe(parts.length);
    expect(cut).toBeGreaterThan(0); // the restart did hit the burst
    const listed = await listedParts('burst.bin', uploadId);
    for (const { number, etag } of listed) expect(etag).toBe(`"${md5HexOf(parts[number - 1]!)}"`);
    expect(listed.map((p) => p.number)).toEqual(expect.arrayContaining(acknowledged));
  });

  it('is also a method of the running emulator', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-restart-'));
    const running = await startEmulator({ port: 0, dataDir, createBuckets: [BUCKET], defaultBucket: BUCKET });
    try {
      const client = signedClient(running.url, BUCKET);
      expect(answered(await client({ method: 'PUT', key: 'm.txt', body: 'method' })).status).toBe(200);
      await running.restart();
      expect(answered(await client({ method: 'GET', key: 'm.txt' })).text).toBe('method');
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
