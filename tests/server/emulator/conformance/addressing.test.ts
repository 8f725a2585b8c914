// Bucket addressing with real signatures: a mistyped bucket is NoSuchBucket (never SignatureDoesNotMatch)
// in every style the emulator accepts, and the bare endpoint lists buckets (GetService).

import { request as httpRequest } from 'node:http';
import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequestV4 } from '../../../../lib/oss/sign-v4.ts';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import {
  BUCKET,
  ossClient,
  ROOT,
  rejection,
  startSignedEmulator,
  stsClient,
  stsOptions,
} from '../../../support/ali-oss-client.ts';
import { type TestEmulator, xmlText } from '../../../support/emulator.ts';

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startSignedEmulator();
});
afterAll(() => emulator.dispose());

/** What ali-oss's node listBuckets() returns (@types/ali-oss declares a bare array). */
interface ListBucketsResult {
  buckets: { name: string; region: string; StorageClass: string }[] | null;
  owner: { id: string };
  isTruncated: boolean;
  nextMarker: string | null;
}
const listBuckets = (client: OSS, query: Record<string, string>) =>
  client.listBuckets(query) as unknown as Promise<ListBucketsResult>;

/** A V4-signed GET of `/key` in `bucket`, addressed with the given Host header and path. */
async function signedGet(bucket: string, key: string, host: string, path: string) {
  const headers = await signRequestV4({ method: 'GET', bucket, key, query: [], headers: {} }, ROOT, {
    region: EMULATOR_DEFAULTS.region,
    now: new Date(),
  });
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: emulator.port, path, method: 'GET', headers: { ...headers, Host: host } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('a mistyped bucket', () => {
  it.each([
    ['virtual host', 'typo-bucket', 'typo-bucket.localhost', '/k.txt'],
    ['path style beside a default bucket', 'typo-bucket', '127.0.0.1', '/typo-bucket/k.txt'],
  ])('is NoSuchBucket with %s addressing', async (_style, bucket, host, path) => {
    const res = await signedGet(bucket, 'k.txt', `${host}:${emulator.port}`, path);
    expect(res.status).toBe(404);
    expect(xmlText(res.text, 'Code')).toBe('NoSuchBucket');
    expect(xmlText(res.text, 'BucketName')).toBe(bucket);
  });

  it('is NoSuchBucket for ali-oss with sldEnable (path style)', async () => {
    for (const authorizationV4 of [true, false]) {
      const typo = ossClient(emulator, {
        bucket: 'typo-bucket',
        cname: false,
        sldEnable: true,
        authorizationV4,
      } as never);
      const err = await rejection(typo.put('k.txt', Buffer.from('x')));
      expect(err).toMatchObject({ status: 404, code: 'NoSuchBucket' });
    }
    // A key whose first segment is not a bucket still lands in the default bucket when signed that way.
    const client = ossClient(emulator);
    await client.put('typo-bucket/k.txt', Buffer.from('in the default bucket'));
    expect(((await client.get('typo-bucket/k.txt')).content as Buffer).toString()).toBe(
      'in the default bucket',
    );
  });

  it('still fails a wrong secret with SignatureDoesNotMatch', async () => {
    const wrong = ossClient(emulator, {
      accessKeySecret: 'nope',
      bucket: 'typo-bucket',
      cname: false,
      sldEnable: true,
    } as never);
    expect(await rejection(wrong.put('k.txt', Buffer.from('x')))).toMatchObject({
      code: 'SignatureDoesNotMatch',
    });
  });
});

describe('ListBuckets (GetService)', () => {
  it('lists the buckets on the bare endpoint for ali-oss, V1 and V4', async () => {
    for (const authorizationV4 of [true, false]) {
      const client: OSS = ossClient(emulator, { authorizationV4 });
      const result = await listBuckets(client, {});
      expect(result.buckets?.map((b) => b.name)).toContain(BUCKET);
      expect(result.owner.id).toBeTruthy();
      const bucket = result.buckets!.find((b) => b.name === BUCKET)!;
      expect(bucket.region).toBe(EMULATOR_DEFAULTS.region);
      expect(bucket.StorageClass).toBe('Standard');
    }
  });

  it('pages with prefix, marker and max-keys, and needs oss:ListBuckets', async () => {
    await fetch(`${emulator.url}/-/admin/buckets/zz-second`, { method: 'PUT' });
    await fetch(`${emulator.url}/-/admin/buckets/zz-third`, { method: 'PUT' });
    const client = ossClient(emulator);
    const page = await listBuckets(client, { prefix: 'zz-', 'max-keys': '1' });
    expect(page.buckets?.map((b) => b.name)).toEqual(['zz-second']);
    expect(page.isTruncated).toBe(true);
    expect(page.nextMarker).toBe('zz-second');
    const next = await listBuckets(client, { prefix: 'zz-', marker: 'zz-second' });
    expect(next.buckets?.map((b) => b.name)).toEqual(['zz-third']);
    expect(next.isTruncated).toBe(false);
    const policy = JSON.stringify({
      Version: '1',
      Statement: [{ Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:*'] }],
    });
    const { credentials } = await stsClient(emulator).assumeRole(
      EMULATOR_DEFAULTS.roleArn,
      policy,
      900,
      'list',
    );
    const sts = ossClient(emulator, stsOptions(credentials));
    expect(await rejection(listBuckets(sts, {}))).toMatchObject({ status: 403, code: 'AccessDenied' });
  });
});
