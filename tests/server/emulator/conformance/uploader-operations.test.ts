// The operations the emulator added for uploaders, through ali-oss in both signature versions:
// copy, multipart copy (the Background Fetch assembly path: parts uploaded as temporary objects, then
// UploadPartCopy), object tagging, GetObjectMeta and DeleteMultipleObjects, with their RAM actions.

import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64, crc64ToHeader } from '../../../../lib/oss/crc64.ts';
import { md5Hex, quoteEtag } from '../../../../lib/oss/etag.ts';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import {
  BUCKET,
  expectedMultipartEtag,
  headerOf,
  KIB,
  ossClient,
  rejection,
  sourceDigests,
  startSignedEmulator,
  storedDigests,
  stsClient,
  stsOptions,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import type { TestEmulator } from '../../../support/emulator.ts';

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startSignedEmulator();
});
afterAll(() => emulator.dispose());

/** ali-oss methods @types/ali-oss lacks or types too narrowly. */
interface MoreOss {
  uploadPartCopy(
    name: string,
    uploadId: string,
    partNo: number,
    range: string,
    source: { sourceKey: string; sourceBucketName: string },
  ): Promise<{ name: string; etag: string; res: { headers: object } }>;
  getObjectMeta(name: string): Promise<{ res: { headers: object } }>;
  putObjectTagging(name: string, tag: Record<string, string>): Promise<{ status: number }>;
  getObjectTagging(name: string): Promise<{ tag: Record<string, string> }>;
  deleteObjectTagging(name: string): Promise<{ status: number }>;
}

describe.each([
  { version: 'V1', authorizationV4: false, seed: 70 },
  { version: 'V4', authorizationV4: true, seed: 80 },
])('ali-oss, $version', ({ version, authorizationV4, seed }) => {
  let client: OSS & MoreOss;
  beforeAll(() => {
    client = ossClient(emulator, { authorizationV4 }) as OSS & MoreOss;
  });
  const key = (name: string) => `ops-${version}/${name}`;

  it('assembles an object from temporary objects with UploadPartCopy', async () => {
    const pieces = [testBytes(150 * KIB, seed), testBytes(120 * KIB, seed + 1), testBytes(9 * KIB, seed + 2)];
    for (const [i, piece] of pieces.entries()) await client.put(key(`tmp/${i}`), piece);
    const { uploadId } = await client.initMultipartUpload(key('assembled.bin'));
    const parts: { number: number; etag: string }[] = [];
    for (const [i] of pieces.entries()) {
      const part = await client.uploadPartCopy(key('assembled.bin'), uploadId, i + 1, '', {
        sourceKey: key(`tmp/${i}`),
        sourceBucketName: BUCKET,
      });
      expect(part.etag).toBe(quoteEtag(await md5Hex(pieces[i]!)));
      expect(headerOf(part.res, 'x-oss-hash-crc64ecma')).toBe(crc64ToHeader(await crc64(pieces[i]!)));
      parts.push({ number: i + 1, etag: part.etag });
    }
    await client.deleteMulti(
      pieces.map((_, i) => key(`tmp/${i}`)),
      { quiet: true },
    );
    const done = await client.completeMultipartUpload(key('assembled.bin'), uploadId, parts);
    const whole = Buffer.concat(pieces);
    expect(headerOf(done.res, 'x-oss-hash-crc64ecma')).toBe(crc64ToHeader(await crc64(whole)));
    const stored = await storedDigests(client, key('assembled.bin'));
    expect(stored.md5).toBe(await md5Hex(whole));
    expect(stored.etag).toBe(done.etag);
  });

  it('copies with copy() and multipartUploadCopy()', async () => {
    const source = testBytes(260 * KIB, seed + 3);
    await client.put(key('source.bin'), source, { meta: { owner: 'alice' } } as never);
    const copied = await client.copy(key('copy.bin'), key('source.bin'));
    expect(copied.res.status).toBe(200);
    expect(await storedDigests(client, key('copy.bin'))).toEqual(await sourceDigests(source));
    expect((await client.head(key('copy.bin'))).meta).toEqual({ owner: 'alice' });
    const replaced = await client.copy(key('copy2.bin'), key('source.bin'), {
      meta: { owner: 'bob' },
    } as never);
    expect(replaced.res.status).toBe(200);
    expect((await client.head(key('copy2.bin'))).meta).toEqual({ owner: 'bob' });
    const multi = await client.multipartUploadCopy(
      key('mcopy.bin'),
      {
        sourceKey: key('source.bin'),
        sourceBucketName: BUCKET,
        startOffset: 0,
        endOffset: source.length,
      },
      { partSize: 100 * KIB },
    );
    expect(multi.res.status).toBe(200);
    const digests = await storedDigests(client, key('mcopy.bin'));
    expect(digests.md5).toBe(await md5Hex(source));
    expect(digests.etag).toBe(await expectedMultipartEtag(source, 100 * KIB));
  });

  it('tags objects, reads their meta and deletes several at once', async () => {
    await client.put(key('t.txt'), Buffer.from('tagged'));
    expect((await client.putObjectTagging(key('t.txt'), { project: 'skylift', stage: 'e2e' })).status).toBe(
      200,
    );
    expect((await client.getObjectTagging(key('t.txt'))).tag).toEqual({ project: 'skylift', stage: 'e2e' });
    expect(headerOf((await client.head(key('t.txt'))).res, 'x-oss-tagging-count')).toBe('2');
    expect((await client.deleteObjectTagging(key('t.txt'))).status).toBe(204);
    expect((await client.getObjectTagging(key('t.txt'))).tag).toEqual({});
    const meta = await client.getObjectMeta(key('t.txt'));
    expect(headerOf(meta.res, 'content-length')).toBe('6');
    expect(headerOf(meta.res, 'x-oss-meta-owner')).toBeUndefined();
    await client.put(key('u.txt'), Buffer.from('u'));
    const deleted = await client.deleteMulti([key('t.txt'), key('u.txt'), key('never.txt')]);
    expect(deleted.deleted?.map((d) => (d as unknown as { Key: string }).Key).sort()).toEqual(
      [key('never.txt'), key('t.txt'), key('u.txt')].sort(),
    );
    await expect(client.head(key('u.txt'))).rejects.toMatchObject({ status: 404 });
  });
});

describe('RAM actions of the added operations', () => {
  it('needs oss:GetObject on a copy source, the tagging actions for tags, oss:DeleteObject per key', async () => {
    const root = ossClient(emulator);
    await root.put('private/source.bin', Buffer.from('secret'));
    await root.put('uploads/mine.txt', Buffer.from('mine'));
    const policy = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: [
            'oss:PutObject',
            'oss:GetObject',
            'oss:DeleteObject',
            'oss:ListParts',
            'oss:AbortMultipartUpload',
          ],
          Resource: [`acs:oss:*:*:${BUCKET}/uploads/*`],
        },
      ],
    });
    const { credentials } = await stsClient(emulator).assumeRole(
      EMULATOR_DEFAULTS.roleArn,
      policy,
      900,
      'ram',
    );
    const sts = ossClient(emulator, stsOptions(credentials)) as OSS & MoreOss;
    expect(await rejection(sts.copy('uploads/stolen.bin', 'private/source.bin'))).toMatchObject({
      status: 403,
      code: 'AccessDenied',
    });
    await expect(root.head('uploads/stolen.bin')).rejects.toMatchObject({ status: 404 });
    const { uploadId } = await sts.initMultipartUpload('uploads/assembled.bin');
    expect(
      await rejection(
        sts.uploadPartCopy('uploads/assembled.bin', uploadId, 1, '', {
          sourceKey: 'private/source.bin',
          sourceBucketName: BUCKET,
        }),
      ),
    ).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect((await sts.copy('uploads/copy.txt', 'uploads/mine.txt')).res.status).toBe(200);
    expect(await rejection(sts.putObjectTagging('uploads/mine.txt', { a: '1' }))).toMatchObject({
      code: 'AccessDenied',
    });
    expect(await rejection(sts.getObjectTagging('uploads/mine.txt'))).toMatchObject({ code: 'AccessDenied' });
    expect(await rejection(sts.deleteMulti(['uploads/mine.txt', 'private/source.bin']))).toMatchObject({
      code: 'AccessDenied',
    });
    // Nothing was deleted: every key is authorized before any is removed.
    expect((await root.head('uploads/mine.txt')).status).toBe(200);
    expect((await root.head('private/source.bin')).status).toBe(200);
    expect((await sts.deleteMulti(['uploads/mine.txt'])).res.status).toBe(200);
  });
});
