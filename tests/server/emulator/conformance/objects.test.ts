// Object operations and presigned URLs through ali-oss, in both signature versions.

import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5Hex, quoteEtag } from '../../../../lib/oss/etag.ts';
import {
  expectedMultipartEtag,
  headerOf,
  KIB,
  ossClient,
  ROOT,
  rejection,
  sourceDigests,
  startSignedEmulator,
  storedDigests,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import type { TestEmulator } from '../../../support/emulator.ts';

let emulator: TestEmulator;

beforeAll(async () => {
  emulator = await startSignedEmulator();
});
afterAll(() => emulator.dispose());

describe.each([
  { version: 'V1', authorizationV4: false, seed: 50 },
  { version: 'V4', authorizationV4: true, seed: 60 },
])('$version signatures', ({ version, authorizationV4, seed }) => {
  let client: OSS;
  beforeAll(() => {
    client = ossClient(emulator, { authorizationV4 });
  });
  const key = (name: string) => `${version}/${name}`;

  it('puts, heads, gets and deletes an object with metadata', async () => {
    const source = testBytes(64 * KIB + 7, seed);
    const put = await client.put(key('photo 1+(x).png'), source, { meta: { owner: 'alice', n: 1 } } as never);
    expect(put.res.status).toBe(200);
    expect(headerOf(put.res, 'etag')).toBe(quoteEtag(await md5Hex(source)));
    expect(await storedDigests(client, key('photo 1+(x).png'))).toEqual(await sourceDigests(source));
    const head = await client.head(key('photo 1+(x).png'));
    expect(head.meta).toEqual({ owner: 'alice', n: '1' });
    expect(headerOf(head.res, 'content-type')).toBe('image/png');
    expect(headerOf(head.res, 'x-oss-object-type')).toBe('Normal');
    // @types/ali-oss lacks getObjectMeta (HEAD ?objectMeta).
    const meta = await (
      client as unknown as { getObjectMeta(n: string): Promise<OSS.HeadObjectResult> }
    ).getObjectMeta(key('photo 1+(x).png'));
    expect(headerOf(meta.res, 'etag')).toBe(headerOf(put.res, 'etag'));
    const listed = await client.list({ prefix: `${version}/`, 'max-keys': 10 }, {});
    expect(listed.objects.map((o) => [o.name, o.size])).toEqual([[key('photo 1+(x).png'), source.length]]);
    expect((await client.delete(key('photo 1+(x).png'))).res.status).toBe(204);
    await expect(client.head(key('photo 1+(x).png'))).rejects.toMatchObject({
      status: 404,
      code: 'NoSuchKey',
    });
    await expect(client.get(key('photo 1+(x).png'))).rejects.toMatchObject({
      status: 404,
      code: 'NoSuchKey',
    });
    // Deleting what is not there is still 204.
    expect((await client.delete(key('photo 1+(x).png'))).res.status).toBe(204);
  });

  it('multipart-uploads with the same signature version', async () => {
    const source = testBytes(260 * KIB, seed + 1);
    const result = await client.multipartUpload(key('big.bin'), source, { partSize: 100 * KIB, parallel: 3 });
    expect(result.etag).toBe(await expectedMultipartEtag(source, 100 * KIB));
    expect(await storedDigests(client, key('big.bin'))).toEqual(
      await sourceDigests(source, { partSize: 100 * KIB }),
    );
  });

  it('refuses a wrong secret with SignatureDoesNotMatch and stores nothing', async () => {
    const wrong = ossClient(emulator, { authorizationV4, accessKeySecret: 'not-the-secret' });
    const err = await rejection(wrong.put(key('wrong.txt'), Buffer.from('x')));
    expect(err).toMatchObject({ status: 403, code: 'SignatureDoesNotMatch' });
    const unknown = ossClient(emulator, { authorizationV4, accessKeyId: 'LTAIunknownKey' });
    expect(await rejection(unknown.put(key('wrong.txt'), Buffer.from('x')))).toMatchObject({
      status: 403,
      code: 'InvalidAccessKeyId',
    });
    await expect(client.head(key('wrong.txt'))).rejects.toMatchObject({ status: 404 });
  });

  it('refuses to overwrite with x-oss-forbid-overwrite (FileAlreadyExists)', async () => {
    const first = testBytes(1000, seed + 2);
    await client.put(key('once.txt'), first, { headers: { 'x-oss-forbid-overwrite': 'true' } });
    const err = await rejection(
      client.put(key('once.txt'), testBytes(1000, seed + 3), {
        headers: { 'x-oss-forbid-overwrite': 'true' },
      }),
    );
    expect(err).toMatchObject({ status: 409, code: 'FileAlreadyExists', ecCode: '0026-00000201' });
    expect(await storedDigests(client, key('once.txt'))).toEqual(await sourceDigests(first));
  });
});

describe('presigned URLs', () => {
  let client: OSS;
  beforeAll(() => {
    client = ossClient(emulator);
  });

  it('signatureUrlV4 GET and PUT URLs work with plain fetch', async () => {
    const source = testBytes(10 * KIB, 70);
    const putUrl = await client.signatureUrlV4(
      'PUT',
      60,
      { headers: { 'Content-Type': 'application/octet-stream' } },
      'presigned/v4 obj+1.bin',
    );
    expect(new URL(putUrl).searchParams.get('x-oss-signature-version')).toBe('OSS4-HMAC-SHA256');
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: new Uint8Array(source),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(200);
    expect(put.headers.get('etag')).toBe(quoteEtag(await md5Hex(source)));
    expect(await storedDigests(client, 'presigned/v4 obj+1.bin')).toEqual(await sourceDigests(source));

    const getUrl = await client.signatureUrlV4('GET', 60, undefined, 'presigned/v4 obj+1.bin');
    const get = await fetch(getUrl);
    expect(get.status).toBe(200);
    expect(await md5Hex(new Uint8Array(await get.arrayBuffer()))).toBe(await md5Hex(source));

    // The signature covers method, key and the signed headers.
    const asPut = await fetch(getUrl, { method: 'PUT', body: 'x' });
    expect(asPut.status).toBe(403);
    const otherKey = getUrl.replace('v4%20obj%2B1.bin', 'other.bin');
    expect(otherKey).not.toBe(getUrl);
    expect((await fetch(otherKey)).status).toBe(403);
    const otherType = await fetch(putUrl, {
      method: 'PUT',
      body: 'x',
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(otherType.status).toBe(403);
  });

  it('signatureUrlV4 URLs stop working when they expire', async () => {
    await client.put('presigned/short.txt', Buffer.from('short'));
    const url = await client.signatureUrlV4('GET', 1, undefined, 'presigned/short.txt');
    expect((await fetch(url)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 2100));
    const expired = await fetch(url);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('<Code>AccessDenied</Code>');
  });

  it('V1 signatureUrl GET and PUT URLs work with plain fetch', async () => {
    const source = testBytes(3 * KIB, 71);
    // ali-oss's signatureUrl refuses IP endpoints, so name the host; cname keeps the default bucket.
    const v1 = ossClient(emulator, { authorizationV4: false, endpoint: `http://localhost:${emulator.port}` });
    const putUrl = v1.signatureUrl('presigned/v1.bin', {
      method: 'PUT',
      expires: 60,
      'Content-Type': 'application/octet-stream',
    } as OSS.SignatureUrlOptions);
    expect(new URL(putUrl).searchParams.get('OSSAccessKeyId')).toBe(ROOT.accessKeyId);
    const put = await fetch(putUrl, {
      method: 'PUT',
      body: new Uint8Array(source),
      headers: { 'Content-Type': 'application/octet-stream' },
    });
    expect(put.status).toBe(200);
    const get = await fetch(v1.signatureUrl('presigned/v1.bin', { expires: 60 }));
    expect(await md5Hex(new Uint8Array(await get.arrayBuffer()))).toBe(await md5Hex(source));
    const tampered = putUrl.replace('presigned/v1.bin', 'presigned/v2.bin');
    expect((await fetch(tampered, { method: 'PUT', body: 'x' })).status).toBe(403);
  });
});
