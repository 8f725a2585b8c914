// Upload callbacks over real HTTP: a real emulator, a real app server on its own port, raw requests.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings are OSS callback variables.

import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callbackKeyFile } from '../../../../server/emulator/callback/callback-signing-key.ts';
import {
  answerJson,
  type CallbackTestServer,
  startCallbackServer,
  verifyCallbackSignature,
} from '../../../support/callback-server.ts';
import {
  BUCKET,
  crcHeaderOf,
  md5Base64Of,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
} from '../../../support/emulator.ts';

const b64 = (value: unknown) =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

let emulator: TestEmulator;
let app: CallbackTestServer;
/** A port nothing listens on: a server bound and closed again. */
let deadPort: number;

beforeAll(async () => {
  // The app server listens on this machine, which callbacks may reach only when allowed.
  emulator = await startTestEmulator({ callbackTimeoutMs: 400, callbackAllowedNetworks: ['127.0.0.1'] });
  app = await startCallbackServer();
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  deadPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await app.close();
  await emulator.dispose();
});
afterEach(() => {
  app.received.length = 0;
  app.respondWith(answerJson(200, '{"ok":true}'));
});

const formCallback = (extra: Record<string, unknown> = {}) => ({
  callbackUrl: `${app.url}/hook`,
  callbackBody: 'bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}',
  ...extra,
});

async function putWithCallback(key: string, body: Buffer, headers: Record<string, string>) {
  return emulator.request('PUT', `/${key.split('/').map(encodeURIComponent).join('/')}`, {
    headers: { 'Content-Type': 'text/plain', 'Content-Length': body.length, ...headers },
    body,
  });
}

describe('successful callbacks', () => {
  it('POSTs a signed form body with every system and custom variable, and relays the JSON answer', async () => {
    app.respondWith(answerJson(200, '{"saved":"yes","n":1}'));
    const body = Buffer.from('hello');
    const template =
      'bucket=${bucket}&object=${object}&etag=${etag}&size=${size}&mimeType=${mimeType}' +
      '&imageInfo.height=${imageInfo.height}&imageInfo.width=${imageInfo.width}&imageInfo.format=${imageInfo.format}' +
      '&crc64=${crc64}&contentMd5=${contentMd5}&clientIp=${clientIp}&reqId=${reqId}&operation=${operation}' +
      '&var1=${x:var1}&missing=${x:missing}';
    const res = await putWithCallback('dir/a b.txt', body, {
      'x-oss-callback': b64({
        callbackUrl: `${app.url}/index.php?id=1&index=2`,
        callbackHost: 'app.example.com',
        callbackBody: template,
      }),
      'x-oss-callback-var': b64({ 'x:var1': 'for callback & test' }),
    });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('{"saved":"yes","n":1}');
    expect(res.headers.etag).toBe(`"${md5HexOf(body)}"`);
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(body));
    const requestId = String(res.headers['x-oss-request-id']);
    expect(requestId).toMatch(/^[0-9A-F]{24}$/);

    expect(app.received).toHaveLength(1);
    const [callback] = app.received;
    expect(callback!.method).toBe('POST');
    expect(callback!.target).toBe('/index.php?id=1&index=2');
    expect(callback!.headers.host).toBe('app.example.com');
    expect(callback!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(callback!.body).toBe(
      `bucket=${BUCKET}&object=dir%2Fa%20b.txt&etag=${md5HexOf(body)}&size=5&mimeType=text%2Fplain` +
        '&imageInfo.height=&imageInfo.width=&imageInfo.format=' +
        `&crc64=${await crcHeaderOf(body)}&contentMd5=${encodeURIComponent(md5Base64Of(body))}` +
        `&clientIp=127.0.0.1&reqId=${requestId}&operation=PutObject` +
        '&var1=for%20callback%20%26%20test&missing=',
    );
    const signature = await verifyCallbackSignature(callback!);
    expect(signature.publicKeyUrl).toBe(`${emulator.url}/-/callback-public-key.pem`);
    expect(signature.valid).toBe(true);
    expect(signature.digestInfoMatches).toBe(true);
    // The object is stored as with a plain PutObject.
    expect((await emulator.request('GET', '/dir/a%20b.txt')).text).toBe('hello');
  });

  it('sends JSON bodies with JSON literals, and signs the URL-decoded path', async () => {
    const body = testBytes(1000, 3);
    const res = await putWithCallback('j.bin', body, {
      'x-oss-callback': b64({
        callbackUrl: `${app.url}/hooks/a%20b?x=1`,
        callbackBody:
          '{"bucket":${bucket},"object":${object},"size":${size},"crc64":${crc64},"v":${x:v},"h":${imageInfo.height}}',
        callbackBodyType: 'application/json',
      }),
      'x-oss-callback-var': b64({ 'x:v': 'quote " and \\ backslash' }),
    });
    expect(res.status).toBe(200);
    const [callback] = app.received;
    expect(callback!.headers['content-type']).toBe('application/json');
    expect(callback!.headers.host).toBe(new URL(app.url).host);
    expect(JSON.parse(callback!.body)).toEqual({
      bucket: BUCKET,
      object: 'j.bin',
      size: 1000,
      crc64: Number(await crcHeaderOf(body)),
      v: 'quote " and \\ backslash',
      h: '',
    });
    // The exact crc64 digits survive in the text even where a JS number would round them.
    expect(callback!.body).toContain(`"crc64":${await crcHeaderOf(body)}`);
    expect(callback!.target).toBe('/hooks/a%20b?x=1');
    const signature = await verifyCallbackSignature(callback!);
    expect(signature.valid).toBe(true);
    expect(signature.digestInfoMatches).toBe(true);
  });

  it('calls back after CompleteMultipartUpload, with the callback in the query string', async () => {
    const init = await emulator.request('POST', '/mp.bin?uploads', {
      headers: { 'Content-Type': 'video/mp4' },
    });
    const uploadId = xmlText(init.text, 'UploadId')!;
    const parts = [testBytes(100 * 1024, 5), testBytes(2000, 6)];
    for (const [i, part] of parts.entries()) {
      const up = await emulator.request('PUT', `/mp.bin?partNumber=${i + 1}&uploadId=${uploadId}`, {
        headers: { 'Content-Length': part.length },
        body: part,
      });
      expect(up.status).toBe(200);
    }
    const xml = `<CompleteMultipartUpload>${parts
      .map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${md5HexOf(p)}"</ETag></Part>`)
      .join('')}</CompleteMultipartUpload>`;
    const callback = encodeURIComponent(
      b64(
        formCallback({
          callbackBody: 'etag=${etag}&size=${size}&mimeType=${mimeType}&md5=${contentMd5}&op=${operation}',
        }),
      ),
    );
    app.respondWith(answerJson(200, '{"multipart":true}'));
    const res = await emulator.request('POST', `/mp.bin?uploadId=${uploadId}&callback=${callback}`, {
      headers: { 'Content-Type': 'application/xml' },
      body: xml,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.text).toBe('{"multipart":true}');
    const etag = String(res.headers.etag);
    expect(etag).toMatch(/^"[0-9A-F]{32}-2"$/);
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(Buffer.concat(parts)));
    expect(app.received[0]!.body).toBe(
      `etag=${etag.slice(1, -1)}&size=${100 * 1024 + 2000}&mimeType=video%2Fmp4&md5=&op=CompleteMultipartUpload`,
    );
  });

  it('tries the URLs in order until one answers', async () => {
    const res = await putWithCallback('multi-url.txt', Buffer.from('x'), {
      'x-oss-callback': b64(formCallback({ callbackUrl: `http://127.0.0.1:${deadPort}/a;${app.url}/b` })),
    });
    expect(res.status).toBe(200);
    expect(app.received.map((c) => c.target)).toEqual(['/b']);
  });
});

describe('failed callbacks: 203 CallbackFailed, object stored', () => {
  async function expectCallbackFailed(key: string, message: string, ec: string, callback = formCallback()) {
    const body = Buffer.from(`data of ${key}`);
    const res = await putWithCallback(key, body, { 'x-oss-callback': b64(callback) });
    expect(res.status).toBe(203);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(xmlText(res.text, 'Code')).toBe('CallbackFailed');
    expect(xmlText(res.text, 'Message')).toBe(message);
    expect(xmlText(res.text, 'EC')).toBe(ec);
    expect(res.headers['x-oss-ec']).toBe(ec);
    expect(xmlText(res.text, 'RequestId')).toBe(res.headers['x-oss-request-id']);
    expect(res.headers.etag).toBe(`"${md5HexOf(body)}"`);
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(body));
    const stored = await emulator.request('GET', `/${key}`);
    expect(stored.status).toBe(200);
    expect(stored.body.equals(body)).toBe(true);
  }

  it('when the app server answers non-200', async () => {
    app.respondWith(answerJson(502, '{"error":"down"}'));
    await expectCallbackFailed('fail-502.txt', 'Error status : 502.', '0007-00000203');
  });

  it('when the answer is not JSON', async () => {
    app.respondWith((_c, res) => res.end('<html>ok</html>'));
    await expectCallbackFailed('fail-json.txt', 'Response body is not valid json format.', '0007-00000205');
  });

  it('when the app server takes longer than the timeout', async () => {
    app.respondWith((_c, res) => {
      setTimeout(() => answerJson(200, '{}')(_c, res), 2000).unref();
    });
    const started = performance.now();
    await expectCallbackFailed('fail-slow.txt', 'Cost too long time', '0007-00000203');
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('when nothing listens at the URL', async () => {
    await expectCallbackFailed(
      'fail-refused.txt',
      'Error Status : -1.OSS can not connect to your callbackUrl, please check it',
      '0007-00000203',
      formCallback({ callbackUrl: `http://127.0.0.1:${deadPort}/hook` }),
    );
  });

  it('when the answer is larger than 3 MB', async () => {
    app.respondWith(answerJson(200, JSON.stringify({ big: 'x'.repeat(3 * 1024 * 1024) })));
    await expectCallbackFailed(
      'fail-big.txt',
      'Error Status : 400.User server return too long content-length value',
      '0007-00000203',
    );
  });
});

describe('invalid callbacks: 400 InvalidArgument, nothing stored', () => {
  const cases: [name: string, headers: () => Record<string, string>, message: string][] = [
    [
      'not base64',
      () => ({ 'x-oss-callback': 'x123-*&' }),
      'The callback configuration is not base64 encoded.',
    ],
    [
      'not JSON',
      () => ({ 'x-oss-callback': b64('{callbackUrl:') }),
      'The callback configuration is not json format.',
    ],
    [
      'more than 5 URLs',
      () => ({
        'x-oss-callback': b64(
          formCallback({ callbackUrl: [1, 2, 3, 4, 5, 6].map((n) => `${app.url}/${n}`).join(';') }),
        ),
      }),
      'The callbackUrl contains more than 5 urls.',
    ],
    [
      'a port that is not a number',
      () => ({ 'x-oss-callback': b64(formCallback({ callbackUrl: 'www.callback-example.com:test' })) }),
      'The callbackUrl is invalid: www.callback-example.com:test',
    ],
    [
      'an empty callbackBody',
      () => ({ 'x-oss-callback': b64(formCallback({ callbackBody: '' })) }),
      'The callbackBody is empty.',
    ],
    [
      'an unknown callbackBodyType',
      () => ({ 'x-oss-callback': b64(formCallback({ callbackBodyType: 'text/plain' })) }),
      'The callbackBodyType is invalid, it must be application/x-www-form-urlencoded or application/json.',
    ],
    [
      'an unclosed variable',
      () => ({ 'x-oss-callback': b64(formCallback({ callbackBody: 'size=${size' })) }),
      'The callbackBody is malformed: unclosed variable at offset 5',
    ],
    [
      'a callback-var key without x:',
      () => ({ 'x-oss-callback': b64(formCallback()), 'x-oss-callback-var': b64({ var1: 'v' }) }),
      'The callback-var key "var1" is invalid: keys must start with "x:", be lowercase and have string values.',
    ],
    [
      'an uppercase callback-var key',
      () => ({ 'x-oss-callback': b64(formCallback()), 'x-oss-callback-var': b64({ 'x:Var': 'v' }) }),
      'The callback-var key "x:Var" is invalid: keys must start with "x:", be lowercase and have string values.',
    ],
  ];

  it.each(cases)('refuses %s', async (_name, headers, message) => {
    const key = `invalid-${Math.random().toString(36).slice(2)}.txt`;
    const res = await putWithCallback(key, Buffer.from('never stored'), headers());
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
    expect(xmlText(res.text, 'Message')).toBe(message);
    expect((await emulator.request('HEAD', `/${key}`)).status).toBe(404);
    expect(app.received).toHaveLength(0);
  });

  it('refuses a callback given both as header and as query parameter', async () => {
    const callback = b64(formCallback());
    const res = await emulator.request('PUT', `/both.txt?callback=${encodeURIComponent(callback)}`, {
      headers: { 'Content-Length': 1, 'x-oss-callback': callback },
      body: 'x',
    });
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
    expect(xmlText(res.text, 'ArgumentName')).toBe('callback');
    expect((await emulator.request('HEAD', '/both.txt')).status).toBe(404);
  });

  it('refuses a Complete with a bad callback and keeps the upload', async () => {
    const init = await emulator.request('POST', '/bad-complete.bin?uploads');
    const uploadId = xmlText(init.text, 'UploadId')!;
    const part = testBytes(10);
    await emulator.request('PUT', `/bad-complete.bin?partNumber=1&uploadId=${uploadId}`, {
      headers: { 'Content-Length': part.length },
      body: part,
    });
    const res = await emulator.request('POST', `/bad-complete.bin?uploadId=${uploadId}`, {
      headers: { 'x-oss-callback': b64(formCallback({ callbackBody: '' })) },
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"${md5HexOf(part)}"</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'EC')).toBe('0007-00000011');
    expect((await emulator.request('HEAD', '/bad-complete.bin')).status).toBe(404);
    expect((await emulator.request('GET', `/bad-complete.bin?uploadId=${uploadId}`)).status).toBe(200);
  });

  it('treats an empty callbackUrl as no callback, as OSS does', async () => {
    const res = await putWithCallback('no-url.txt', Buffer.from('x'), {
      'x-oss-callback': b64(formCallback({ callbackUrl: '' })),
    });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(app.received).toHaveLength(0);
  });
});

describe('the signing key', () => {
  it('is kept in the data dir and served unchanged across restarts', async () => {
    const before = await emulator.request('GET', '/-/callback-public-key.pem');
    expect(before.status).toBe(200);
    expect(before.text).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(await readFile(callbackKeyFile(emulator.dataDir), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    await emulator.restart();
    const after = await emulator.request('GET', '/-/callback-public-key.pem');
    expect(after.text).toBe(before.text);
  });
});
