// Routing safety: a request is the operation its method, sub-resource and copy-source header make it,
// or it is refused; it never falls through to a plain Put/Get/Delete that would touch the object.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
const data = testBytes(5000, 21);

beforeAll(async () => {
  emu = await startTestEmulator();
});
afterAll(() => emu.dispose());

async function expectIntact(key: string): Promise<void> {
  const get = await emu.request('GET', `/${key}`);
  expect(get.status).toBe(200);
  expect(md5HexOf(get.body)).toBe(md5HexOf(data));
}

describe('operation routing', () => {
  it('refuses OSS sub-resources it does not implement with 501 NotImplemented and leaves the object alone', async () => {
    await emu.request('PUT', '/keep.bin', { body: data });
    for (const [method, query, body] of [
      ['PUT', 'acl', ''],
      ['GET', 'acl', undefined],
      ['PUT', 'symlink', ''],
      ['GET', 'symlink', undefined],
      ['POST', 'append&position=0', 'xx'],
      ['POST', 'restore', ''],
      ['GET', 'x-oss-process=image/resize,w_10', undefined],
      ['DELETE', 'acl', undefined],
      ['PUT', 'versioning', '<x/>'],
    ] as const) {
      const res = await emu.request(method, `/keep.bin?${query}`, {
        body,
        headers: method === 'PUT' ? { 'x-oss-object-acl': 'private', 'x-oss-symlink-target': 'other' } : {},
      });
      expect({ method, query, status: res.status }).toEqual({ method, query, status: 501 });
      expect(xmlText(res.text, 'Code')).toBe('NotImplemented');
      await expectIntact('keep.bin');
    }
    // Bucket level too: ?tagging is implemented for objects, not for buckets.
    const bucketTags = await emu.request('PUT', '/?tagging', { body: '<Tagging/>' });
    expect(bucketTags.status).toBe(501);
    const bucketAcl = await emu.request('GET', '/?acl');
    expect(xmlText(bucketAcl.text, 'Subresource')).toBe('acl');
    // A HEAD carries the error in x-oss-err, as every HEAD error does.
    const head = await emu.request('HEAD', '/keep.bin?symlink');
    expect(head.status).toBe(501);
    expect(Buffer.from(String(head.headers['x-oss-err']), 'base64').toString()).toContain('NotImplemented');
  });

  it('PUT with x-oss-copy-source copies instead of writing an empty object', async () => {
    await emu.request('PUT', '/src.bin', { body: data });
    const copy = await emu.request('PUT', '/dst.bin', {
      headers: { 'x-oss-copy-source': '/test-bucket/src.bin' },
    });
    expect(copy.status).toBe(200);
    expect(xmlText(copy.text, 'ETag')).toBe(`"${md5HexOf(data)}"`);
    await expectIntact('dst.bin');
    await expectIntact('src.bin');
  });

  it('?tagging reads, writes and deletes tags, never the object', async () => {
    await emu.request('PUT', '/t.bin', { body: data, headers: { 'x-oss-tagging': 'a=1' } });
    const tags = await emu.request('GET', '/t.bin?tagging');
    expect(tags.headers['content-type']).toBe('application/xml');
    expect(xmlText(tags.text, 'Key')).toBe('a');
    const put = await emu.request('PUT', '/t.bin?tagging', {
      body: '<Tagging><TagSet><Tag><Key>b</Key><Value>2</Value></Tag></TagSet></Tagging>',
    });
    expect(put.status).toBe(200);
    await expectIntact('t.bin');
    expect((await emu.request('DELETE', '/t.bin?tagging')).status).toBe(204);
    await expectIntact('t.bin');
    expect((await emu.request('HEAD', '/t.bin')).headers['x-oss-tagging-count']).toBeUndefined();
  });

  it('answers GET /?bucketInfo with BucketInfo, not a listing', async () => {
    const res = await emu.request('GET', '/?bucketInfo');
    expect(res.status).toBe(200);
    expect(res.text).toContain('<BucketInfo>');
    expect(xmlText(res.text, 'Name')).toBe('test-bucket');
    expect(res.text).not.toContain('<ListBucketResult>');
  });

  it('keeps MethodNotAllowed for implemented sub-resources with the wrong method', async () => {
    await emu.request('PUT', '/m.bin', { body: data });
    const res = await emu.request('POST', '/m.bin?tagging', { body: 'x' });
    expect(res.status).toBe(405);
    expect(xmlText(res.text, 'Code')).toBe('MethodNotAllowed');
    const initiateWithPut = await emu.request('PUT', '/m.bin?uploads', { body: 'x' });
    expect(initiateWithPut.status).toBe(405);
    await emu.request('GET', '/m.bin').then((r) => expect(r.body.length).toBe(data.length));
  });
});
