import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUCKET,
  startTestEmulator,
  type TestEmulator,
  xmlText,
  xmlTexts,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
const KEYS = ['a/1.txt', 'a/2.txt', 'a/b/3.txt', 'b.txt', 'c/4.txt', 'c/5.txt', 'd+e.txt', 'é.txt', '😀.txt'];
beforeAll(async () => {
  emu = await startTestEmulator();
  for (const key of KEYS)
    await emu.request('PUT', `/${encodeURIComponent(key).replace(/%2F/g, '/')}`, { body: key });
});
afterAll(async () => {
  await emu.dispose();
});

describe('ListObjects (v1)', () => {
  it('lists every key in UTF-8 byte order with Owner and the OSS element order', async () => {
    const res = await emu.request('GET', '/');
    expect(res.status).toBe(200);
    expect(xmlTexts(res.text, 'Key')).toEqual(KEYS);
    expect(xmlText(res.text, 'MaxKeys')).toBe('100');
    expect(xmlText(res.text, 'IsTruncated')).toBe('false');
    expect(res.text).toMatch(
      new RegExp(
        `^<\\?xml version="1.0" encoding="UTF-8"\\?>\\n<ListBucketResult>\\n  <Name>${BUCKET}</Name>\\n  <Prefix></Prefix>\\n  <Marker></Marker>\\n  <MaxKeys>100</MaxKeys>\\n  <Delimiter></Delimiter>\\n  <IsTruncated>false</IsTruncated>\\n  <Contents>\\n    <Key>a/1.txt</Key>\\n    <LastModified>\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.000Z</LastModified>\\n    <ETag>"[0-9A-F]{32}"</ETag>\\n    <Type>Normal</Type>\\n    <Size>7</Size>\\n    <StorageClass>Standard</StorageClass>\\n    <Owner>\\n      <ID>\\d+</ID>\\n      <DisplayName>\\d+</DisplayName>\\n    </Owner>\\n  </Contents>\\n`,
      ),
    );
  });

  it('paginates with max-keys and marker, and groups with delimiter', async () => {
    const seen: string[] = [];
    let marker = '';
    for (let page = 0; page < 10; page++) {
      const res = await emu.request('GET', `/?max-keys=4&marker=${encodeURIComponent(marker)}`);
      seen.push(...xmlTexts(res.text, 'Key'));
      if (xmlText(res.text, 'IsTruncated') === 'false') {
        expect(xmlText(res.text, 'NextMarker')).toBeUndefined();
        break;
      }
      marker = xmlText(res.text, 'NextMarker')!;
      expect(marker).toBe(seen.at(-1));
    }
    expect(seen).toEqual(KEYS);

    const grouped = await emu.request('GET', '/?delimiter=%2F');
    expect(xmlTexts(grouped.text, 'Key')).toEqual(['b.txt', 'd+e.txt', 'é.txt', '😀.txt']);
    expect(xmlTexts(grouped.text, 'Prefix').slice(1)).toEqual(['a/', 'c/']);

    const inA = await emu.request('GET', '/?delimiter=%2F&prefix=a%2F');
    expect(xmlTexts(inA.text, 'Key')).toEqual(['a/1.txt', 'a/2.txt']);
    expect(xmlTexts(inA.text, 'Prefix').slice(1)).toEqual(['a/b/']);

    // A common prefix counts once towards max-keys and is not repeated on the next page.
    const first = await emu.request('GET', '/?delimiter=%2F&max-keys=1');
    expect(xmlTexts(first.text, 'Prefix').slice(1)).toEqual(['a/']);
    expect(xmlText(first.text, 'NextMarker')).toBe('a/');
    const second = await emu.request('GET', '/?delimiter=%2F&max-keys=1&marker=a%2F');
    expect(xmlTexts(second.text, 'Key')).toEqual(['b.txt']);
  });

  it('URL-encodes keys with encoding-type=url', async () => {
    const res = await emu.request('GET', '/?encoding-type=url&prefix=%C3%A9');
    expect(xmlText(res.text, 'EncodingType')).toBe('url');
    expect(xmlText(res.text, 'Key')).toBe('%C3%A9.txt');
    expect(xmlText(res.text, 'Prefix')).toBe('%C3%A9');
  });

  it('rejects an invalid max-keys', async () => {
    const res = await emu.request('GET', '/?max-keys=abc');
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
  });
});

describe('ListObjectsV2', () => {
  it('paginates with continuation tokens and reports KeyCount, without Owner by default', async () => {
    const seen: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < 10; page++) {
      const query = token === undefined ? '' : `&continuation-token=${encodeURIComponent(token)}`;
      const res = await emu.request('GET', `/?list-type=2&max-keys=3${query}`);
      expect(res.status).toBe(200);
      const keys = xmlTexts(res.text, 'Key');
      expect(xmlText(res.text, 'KeyCount')).toBe(String(keys.length));
      expect(res.text).not.toContain('<Owner>');
      seen.push(...keys);
      if (xmlText(res.text, 'IsTruncated') === 'false') break;
      token = xmlText(res.text, 'NextContinuationToken');
      expect(token).toBeTruthy();
    }
    expect(seen).toEqual(KEYS);
  });

  it('supports start-after, prefix, delimiter and fetch-owner', async () => {
    const res = await emu.request('GET', '/?list-type=2&start-after=b.txt&fetch-owner=true');
    expect(xmlTexts(res.text, 'Key')).toEqual(KEYS.slice(4));
    expect(xmlText(res.text, 'StartAfter')).toBe('b.txt');
    expect(res.text).toContain('<Owner>');
    const grouped = await emu.request('GET', '/?list-type=2&delimiter=%2F&prefix=c');
    expect(xmlTexts(grouped.text, 'Prefix').slice(1)).toEqual(['c/']);
    expect(xmlText(grouped.text, 'KeyCount')).toBe('1');
  });
});
