// Object tagging, DeleteMultipleObjects and GetObjectMeta (OSS API reference: object tagging, DeleteMultipleObjects, GetObjectMeta).

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  md5Base64Of,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
  xmlTexts,
} from '../test-support/emulator-fixture.ts';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.dispose());

const tagging = (tags: [string, string][]) =>
  `<Tagging><TagSet>${tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('')}</TagSet></Tagging>`;

describe('object tagging', () => {
  it('puts, gets and deletes the tag set without touching data, ETag or LastModified', async () => {
    await emu.request('PUT', '/t.bin', { body: 'data', headers: { 'x-oss-tagging': 'a=1&b%20c=d%26e' } });
    const before = await emu.request('HEAD', '/t.bin');
    const got = await emu.request('GET', '/t.bin?tagging');
    expect(got.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Tagging>\n  <TagSet>\n    <Tag>\n      <Key>a</Key>\n      <Value>1</Value>\n    </Tag>\n    <Tag>\n      <Key>b c</Key>\n      <Value>d&amp;e</Value>\n    </Tag>\n  </TagSet>\n</Tagging>\n',
    );
    const put = await emu.request('PUT', '/t.bin?tagging', {
      body: tagging([
        ['x', 'y&amp;z'],
        ['k', ''],
      ]),
    });
    expect(put.status).toBe(200);
    expect(xmlTexts((await emu.request('GET', '/t.bin?tagging')).text, 'Key')).toEqual(['x', 'k']);
    const after = await emu.request('HEAD', '/t.bin');
    expect(after.headers['x-oss-tagging-count']).toBe('2');
    expect(after.headers.etag).toBe(before.headers.etag);
    expect(after.headers['last-modified']).toBe(before.headers['last-modified']);
    expect((await emu.request('DELETE', '/t.bin?tagging')).status).toBe(204);
    expect((await emu.request('GET', '/t.bin?tagging')).text).toContain('<TagSet></TagSet>');
    expect((await emu.request('GET', '/t.bin')).text).toBe('data');
  });

  it('refuses bad tag sets and missing objects', async () => {
    await emu.request('PUT', '/t.bin', { body: 'data' });
    const eleven = Array.from({ length: 11 }, (_, i): [string, string] => [`k${i}`, 'v']);
    for (const [body, code] of [
      [tagging(eleven), 'InvalidArgument'],
      [
        tagging([
          ['dup', '1'],
          ['dup', '2'],
        ]),
        'InvalidArgument',
      ],
      [tagging([['k'.repeat(129), 'v']]), 'InvalidArgument'],
      [tagging([['k', 'v'.repeat(257)]]), 'InvalidArgument'],
      ['<Tagging><TagSet><Tag><Key>a<</Key></Tag></TagSet></Tagging>', 'MalformedXML'],
      ['not xml', 'MalformedXML'],
    ] as const) {
      const res = await emu.request('PUT', '/t.bin?tagging', { body });
      expect(xmlText(res.text, 'Code')).toBe(code);
    }
    expect(xmlText((await emu.request('GET', '/missing?tagging')).text, 'Code')).toBe('NoSuchKey');
    expect(xmlText((await emu.request('PUT', '/missing?tagging', { body: tagging([]) })).text, 'Code')).toBe(
      'NoSuchKey',
    );
  });
});

describe('DeleteMultipleObjects', () => {
  const deleteBody = (keys: string[], quiet = false) =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<Delete><Quiet>${quiet}</Quiet>${keys.map((k) => `<Object><Key>${k}</Key></Object>`).join('')}</Delete>`;
  const post = (body: string, query = '') =>
    emu.request('POST', `/?delete${query}`, {
      body,
      headers: { 'Content-MD5': md5Base64Of(Buffer.from(body)) },
    });

  it('deletes the listed keys, reports missing ones as deleted, and honours quiet and encoding-type=url', async () => {
    for (const key of ['a', 'b&c', 'dir/d'])
      await emu.request('PUT', `/${encodeURIComponent(key)}`, { body: key });
    await emu.request('PUT', '/keep', { body: 'keep' });
    const verbose = await post(deleteBody(['a', 'b&amp;c', 'never-existed']));
    expect(verbose.status).toBe(200);
    expect(xmlTexts(verbose.text, 'Key')).toEqual(['a', 'b&amp;c', 'never-existed']);
    expect((await emu.request('HEAD', '/a')).status).toBe(404);
    expect((await emu.request('HEAD', '/b%26c')).status).toBe(404);
    const quiet = await post(deleteBody(['dir/d'], true), '&encoding-type=url');
    expect(quiet.status).toBe(200);
    expect(quiet.text).toBe('');
    const encoded = await post(deleteBody(['x y']), '&encoding-type=url');
    expect(xmlText(encoded.text, 'EncodingType')).toBe('url');
    expect(xmlText(encoded.text, 'Key')).toBe('x%20y');
    expect((await emu.request('GET', '/keep')).text).toBe('keep');
  });

  it('requires Content-MD5 and a well-formed body, and then deletes nothing', async () => {
    await emu.request('PUT', '/a', { body: 'a' });
    const body = deleteBody(['a']);
    const noMd5 = await emu.request('POST', '/?delete', { body });
    expect(noMd5.status).toBe(400);
    expect(xmlText(noMd5.text, 'ArgumentName')).toBe('Content-MD5');
    const wrongMd5 = await emu.request('POST', '/?delete', {
      body,
      headers: { 'Content-MD5': md5Base64Of(Buffer.from('x')) },
    });
    expect(xmlText(wrongMd5.text, 'Code')).toBe('InvalidDigest');
    for (const bad of [
      '<Delete><Quiet>false</Quiet></Delete>',
      '<Delete><Object><Key></Key></Object></Delete>',
      deleteBody(Array.from({ length: 1001 }, (_, i) => `k${i}`)),
      '<Delete><Object>',
    ]) {
      expect(xmlText((await post(bad)).text, 'Code')).toBe('MalformedXML');
    }
    expect(xmlText((await post(deleteBody(['a', '/abs']))).text, 'Code')).toBe('InvalidObjectName');
    expect((await emu.request('GET', '/a')).text).toBe('a');
  });
});

describe('GetObjectMeta', () => {
  it('answers only the documented subset of headers', async () => {
    const data = testBytes(1234, 3);
    await emu.request('PUT', '/m.png', {
      body: data,
      headers: { 'Content-Type': 'image/png', 'x-oss-meta-a': '1', 'x-oss-tagging': 'a=1' },
    });
    const meta = await emu.request('HEAD', '/m.png?objectMeta');
    expect(meta.status).toBe(200);
    const head = await emu.request('HEAD', '/m.png');
    expect(meta.headers['content-length']).toBe('1234');
    expect(meta.headers.etag).toBe(head.headers.etag);
    expect(meta.headers['last-modified']).toBe(head.headers['last-modified']);
    expect(meta.headers['x-oss-hash-crc64ecma']).toBe(head.headers['x-oss-hash-crc64ecma']);
    for (const absent of [
      'content-type',
      'x-oss-meta-a',
      'x-oss-object-type',
      'x-oss-storage-class',
      'x-oss-tagging-count',
      'content-md5',
      'accept-ranges',
    ]) {
      expect(meta.headers[absent], absent).toBeUndefined();
    }
    expect((await emu.request('HEAD', '/none?objectMeta')).status).toBe(404);
  });
});
