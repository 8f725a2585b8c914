// End to end with the real ali-oss 6.23 Node client and the real authenticator (V4 signatures).

import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ossClient, startSignedEmulator } from '../../support/ali-oss-client.ts';
import { crcHeaderOf, md5HexOf, type TestEmulator, testBytes } from '../../support/emulator.ts';

let emulator: TestEmulator;
let client: OSS;
// @types/ali-oss marks every ListParts query field required; ali-oss itself sends only those given.
const FIRST_PAGE = { 'max-parts': 1000 } as OSS.ListPartsQuery;

beforeAll(async () => {
  emulator = await startSignedEmulator();
  client = ossClient(emulator);
});
afterAll(() => emulator.dispose());

describe('ali-oss against the emulator', () => {
  it('multipart-uploads, lists, reads back and deletes an object', async () => {
    const data = testBytes(350 * 1024, 21);
    const result = await client.multipartUpload('dir/ali.bin', data, {
      partSize: 100 * 1024,
      mime: 'application/x-test',
    });
    expect(result.res.status).toBe(200);
    const head = await client.head('dir/ali.bin');
    expect((head.res.headers as Record<string, string>)['x-oss-object-type']).toBe('Multipart');
    expect((head.res.headers as Record<string, string>)['x-oss-hash-crc64ecma']).toBe(
      await crcHeaderOf(data),
    );
    const got = await client.get('dir/ali.bin');
    expect(md5HexOf(got.content as Buffer)).toBe(md5HexOf(data));
    const list = await client.list({ prefix: 'dir/', 'max-keys': 10 }, {});
    expect(list.objects.map((o) => o.name)).toEqual(['dir/ali.bin']);
    const listV2 = await client.listV2({ prefix: 'dir/', 'max-keys': '10' }, {});
    expect(listV2.objects.map((o) => o.name)).toEqual(['dir/ali.bin']);
    await client.delete('dir/ali.bin');
    await expect(client.head('dir/ali.bin')).rejects.toMatchObject({ status: 404, code: 'NoSuchKey' });
  });

  it('lists parts and uploads, and aborts', async () => {
    const { uploadId } = await client.initMultipartUpload('pending.bin');
    await client.uploadPart('pending.bin', uploadId, 1, testBytes(1000), 0, 1000);
    const parts = await client.listParts('pending.bin', uploadId, FIRST_PAGE);
    expect(parts.parts).toMatchObject({ PartNumber: '1', Size: '1000' });
    const uploads = await client.listUploads({}, {});
    expect(uploads.uploads.map((u) => u.uploadId)).toEqual([uploadId]);
    await client.abortMultipartUpload('pending.bin', uploadId);
    await expect(client.listParts('pending.bin', uploadId, FIRST_PAGE)).rejects.toMatchObject({
      code: 'NoSuchUpload',
    });
  });

  it('is refused with a wrong secret', async () => {
    const wrong = ossClient(emulator, { accessKeySecret: 'not-the-secret' });
    await expect(wrong.put('x.txt', Buffer.from('x'))).rejects.toMatchObject({
      status: 403,
      code: 'SignatureDoesNotMatch',
    });
  });
});
