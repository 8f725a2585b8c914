// The JSONL request log over real HTTP: one line per OSS request with how it ended, including the
// requests a fault cut off, and the bytes each body carried.

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createRequestLog,
  parseRequestLog,
  type RequestLog,
} from '../../../../server/emulator/faults/request-log.ts';
import { BUCKET, startTestEmulator, type TestEmulator, testBytes } from '../../../support/emulator.ts';
import { answered, type SignedSend, signedClient } from '../../../support/signed-client.ts';

let dir: string;
let log: RequestLog;
let emulator: TestEmulator;
let send: SignedSend;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'request-log-'));
  log = createRequestLog(join(dir, 'requests.jsonl'));
  emulator = await startTestEmulator({ authenticator: undefined, faultInjector: log.faultInjector });
  send = signedClient(emulator.url, BUCKET);
});
afterAll(async () => {
  await emulator.dispose();
  log.close();
  await rm(dir, { recursive: true, force: true });
});

async function lines() {
  // A line is written when the emulator lets go of the connection, a moment after the client's answer.
  await expect
    .poll(async () => parseRequestLog(await readFile(join(dir, 'requests.jsonl'), 'utf8')).length)
    .toBe(4);
  return parseRequestLog(await readFile(join(dir, 'requests.jsonl'), 'utf8'));
}

it('logs each request with its key, upload id, part number, status, body bytes and lost answers', async () => {
  const key = 'logged/file.bin';
  const initiated = answered(await send({ method: 'POST', key, query: [['uploads', '']] }));
  const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(initiated.text)![1]!;
  const part = testBytes(200 * 1024, 3);
  const partQuery: [string, string][] = [
    ['partNumber', '2'],
    ['uploadId', uploadId],
  ];
  expect(answered(await send({ method: 'PUT', key, query: partQuery, body: part })).status).toBe(200);

  await emulator.faults.configure({ loseAnswerNext: 1 });
  const lost = await send({ method: 'PUT', key, query: partQuery, body: part });
  expect('error' in lost).toBe(true);
  await emulator.faults.configure({ resetRate: 1 });
  const reset = await send({ method: 'PUT', key, query: partQuery, body: part });
  expect('error' in reset).toBe(true);
  await emulator.faults.configure({});

  const [initiate, acknowledged, applied, cut] = await lines();
  expect(initiate).toMatchObject({
    operation: 'InitiateMultipartUpload',
    method: 'POST',
    bucket: BUCKET,
    key,
    status: 200,
    answerLost: false,
    bytes: 0,
  });
  expect(initiate!.uploadId).toBeUndefined();
  expect(acknowledged).toMatchObject({
    operation: 'UploadPart',
    key,
    uploadId,
    partNumber: 2,
    status: 200,
    answerLost: false,
    bytes: part.length,
  });
  expect(acknowledged!.settledAt).toBeGreaterThanOrEqual(acknowledged!.receivedAt);
  // Stored, but the client never heard: status 0, and marked as applied.
  expect(applied).toMatchObject({ operation: 'UploadPart', partNumber: 2, status: 0, answerLost: true });
  expect(applied!.bytes).toBe(part.length);
  // Cut mid-body: not applied, fewer bytes than the part.
  expect(cut).toMatchObject({ operation: 'UploadPart', partNumber: 2, status: 0, answerLost: false });
  expect(cut!.bytes).toBeLessThan(part.length);
});
