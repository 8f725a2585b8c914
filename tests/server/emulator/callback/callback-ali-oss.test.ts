// Upload callbacks as the real ali-oss 6.23 Node client sees them, with the real authenticator (V4).
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings are OSS callback variables.

import type OSS from 'ali-oss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ossClient, startSignedEmulator } from '../../../support/ali-oss-client.ts';
import {
  answerJson,
  type CallbackTestServer,
  startCallbackServer,
  verifyCallbackSignature,
} from '../../../support/callback-server.ts';
import { md5HexOf, type TestEmulator, testBytes } from '../../../support/emulator.ts';

let emulator: TestEmulator;
let client: OSS;
let app: CallbackTestServer;

beforeAll(async () => {
  // The app server listens on this machine, which callbacks may reach only when allowed.
  emulator = await startSignedEmulator({ callbackAllowedNetworks: ['127.0.0.1'] });
  app = await startCallbackServer();
  client = ossClient(emulator);
});
afterAll(async () => {
  await app.close();
  await emulator.dispose();
});
afterEach(() => {
  app.received.length = 0;
  app.respondWith(answerJson(200, '{"ok":true}'));
});

describe('ali-oss with upload callbacks', () => {
  it('put() returns the app server JSON as result.data', async () => {
    app.respondWith(answerJson(200, '{"stored":"put"}'));
    const data = Buffer.from('callback via ali-oss');
    const result = await client.put('ali/put.txt', data, {
      callback: {
        url: `${app.url}/put-hook`,
        body: 'object=${object}&size=${size}&etag=${etag}&user=${x:user}',
        contentType: 'application/x-www-form-urlencoded',
        customValue: { user: 'u-42' },
      },
    });
    expect(result.res.status).toBe(200);
    expect((result as unknown as { data: unknown }).data).toEqual({ stored: 'put' });
    expect(app.received).toHaveLength(1);
    expect(app.received[0]!.body).toBe(
      `object=ali%2Fput.txt&size=${data.length}&etag=${md5HexOf(data)}&user=u-42`,
    );
    expect((await verifyCallbackSignature(app.received[0]!)).valid).toBe(true);
  });

  it('multipartUpload() returns the app server JSON as result.data', async () => {
    app.respondWith(answerJson(200, '{"stored":"multipart"}'));
    const data = testBytes(250 * 1024, 9);
    const result = await client.multipartUpload('ali/multi.bin', data, {
      partSize: 100 * 1024,
      callback: {
        url: `${app.url}/mp-hook`,
        body: '{"object":${object},"size":${size},"operation":${operation}}',
        contentType: 'application/json',
      },
    });
    expect(result.res.status).toBe(200);
    expect((result as unknown as { data: unknown }).data).toEqual({ stored: 'multipart' });
    expect(JSON.parse(app.received[0]!.body)).toEqual({
      object: 'ali/multi.bin',
      size: data.length,
      operation: 'CompleteMultipartUpload',
    });
  });

  it('a failed callback rejects with CallbackFailedError, and the object is stored', async () => {
    app.respondWith(answerJson(500, '{"error":"boom"}'));
    const data = Buffer.from('kept although the callback failed');
    const error = await client
      .put('ali/failed.txt', data, {
        callback: { url: `${app.url}/fail-hook`, body: 'object=${object}' },
      })
      .then(
        () => undefined,
        (e: unknown) => e as { name: string; status: number; code: string; message: string },
      );
    expect(error).toMatchObject({
      name: 'CallbackFailedError',
      status: 203,
      code: 'CallbackFailed',
      message: 'Error status : 500.',
    });
    const stored = await client.get('ali/failed.txt');
    expect((stored.content as Buffer).equals(data)).toBe(true);
  });

  it('an invalid callback is refused before anything is stored', async () => {
    await expect(
      client.put('ali/invalid.txt', Buffer.from('x'), {
        callback: { url: `${app.url}/hook`, body: '' },
      }),
    ).rejects.toMatchObject({ status: 400, code: 'InvalidArgument' });
    await expect(client.head('ali/invalid.txt')).rejects.toMatchObject({ status: 404 });
  });

  it('checks a callback only once the request is authenticated: unsigned, it is refused as such', async () => {
    const response = await fetch(`${emulator.url}/cb/unsigned.txt`, {
      method: 'PUT',
      headers: { 'x-oss-callback': 'not base64 at all' },
      body: 'x',
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>AccessDenied</Code>');
    await expect(client.head('cb/unsigned.txt')).rejects.toMatchObject({ status: 404 });
  });
});
