// The Background Fetch transport against the emulator, under the real session policy: each part
// goes as a PostObject form (a CORS-simple POST) to a temporary object under the token's partsPrefix,
// becomes a part by UploadPartCopy, the upload completes with the CRC64 of the whole file, and the
// temporaries are deleted. The token may read and delete the temporaries, and nothing else.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { crc64, crc64Combine } from '../../../lib/oss/crc64.ts';
import { OssRequestError } from '../../../lib/oss-client/errors.ts';
import { createOssClient, type OssClient } from '../../../lib/oss-client/oss-client.ts';
import { postObjectBody, signPostObjectForm } from '../../../lib/oss-client/post-object-form.ts';
import {
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';

let emulator: TestEmulator;
let app: TestApp;
let credentials: TemporaryCredentials;
let client: OssClient;

beforeAll(async () => {
  emulator = await startProductEmulator();
  app = await startTestApp(emulator.url);
  const response = await fetch(app.credentialsUrl, { method: 'POST' });
  credentials = (await response.json()) as TemporaryCredentials;
  client = createOssClient({ credentials: { get: async () => credentials, invalidate: () => undefined } });
});
afterAll(async () => {
  await app?.close();
  await emulator?.dispose();
});

async function postPart(key: string, bytes: Uint8Array, size = bytes.length, expiresInMs = 600_000) {
  const form = await signPostObjectForm({
    credentials,
    key,
    size,
    expiresAt: new Date(Date.now() + expiresInMs),
    now: new Date(),
  });
  const { body, contentType } = postObjectBody(form, new Blob([new Uint8Array(bytes)]));
  // No header but Content-Type (multipart/form-data is CORS-safelisted): a browser sends it unpreflighted.
  return fetch(form.url, { method: 'POST', headers: { 'Content-Type': contentType }, body });
}

const errorCode = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: unknown) => (error instanceof OssRequestError ? error.code : String(error)),
  );

describe('temporary parts: PostObject → UploadPartCopy → Complete → delete', () => {
  it('assembles a verified object and leaves no temporary behind', async () => {
    expect(credentials.partsPrefix).toBe('uploads/~parts/');
    const key = 'uploads/bgfetch/object.bin';
    const parts = [randomBytes(256 * 1024), randomBytes(10_000)];
    const uploadId = await client.initiateMultipartUpload(key, {});
    const temporaries = parts.map((_, i) => `${credentials.partsPrefix}local-id/${i + 1}`);
    const done: { partNumber: number; etag: string }[] = [];
    for (const [i, bytes] of parts.entries()) {
      const posted = await postPart(temporaries[i]!, bytes);
      expect(posted.status).toBe(200);
      expect(BigInt(posted.headers.get('x-oss-hash-crc64ecma')!)).toBe(await crc64(bytes));
      const copied = await client.uploadPartCopy(key, uploadId, i + 1, temporaries[i]!);
      expect(BigInt(copied.crc64)).toBe(await crc64(bytes));
      done.push({ partNumber: i + 1, etag: copied.etag });
    }
    const stored = await client.completeMultipartUpload(key, uploadId, done);
    const expected = crc64Combine(await crc64(parts[0]!), await crc64(parts[1]!), parts[1]!.length);
    expect(BigInt(stored.crc64)).toBe(expected);

    await client.deleteObjects(temporaries);
    for (const temporary of temporaries) expect(await client.headObject(temporary)).toBeUndefined();
  });

  it('a form writes only its one key at its one size, until its expiration', async () => {
    const key = `${credentials.partsPrefix}local-id/9`;
    const wrongSize = await postPart(key, randomBytes(1000), 999);
    expect(wrongSize.status).toBe(400);
    const expired = await postPart(key, randomBytes(1000), 1000, -1000);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Policy expired');
  });

  it('the token reads and deletes temporaries only', async () => {
    const key = 'uploads/bgfetch/readable.bin';
    await client.putObject(key, new Blob(['x'.repeat(10)]), {});
    expect(await errorCode(client.headObject(key))).toBe('AccessDenied');
    expect(await errorCode(client.deleteObjects([key]))).toBe('AccessDenied');
    // A temporary outside the token's own partsPrefix (another person's) cannot be copied.
    const uploadId = await client.initiateMultipartUpload(key, {});
    expect(await errorCode(client.uploadPartCopy(key, uploadId, 1, 'uploads/other/~parts/x/1'))).toBe(
      'AccessDenied',
    );
    await client.abortMultipartUpload(key, uploadId);
  });
});
