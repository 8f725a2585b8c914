import { afterEach, beforeEach, describe, expect, it } from 'vitest';
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

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.dispose();
});

describe('PutObject / GetObject / HeadObject / GetObjectMeta / DeleteObject', () => {
  it('stores a body and answers with OSS headers, ETag, CRC64 and Content-MD5', async () => {
    const data = testBytes(300_000);
    const put = await emu.request('PUT', '/dir/photo.png', {
      body: data,
      headers: {
        'Content-Type': 'image/png',
        'Cache-Control': 'max-age=60',
        'Content-Disposition': 'attachment',
        'x-oss-meta-owner': 'alice',
        'x-oss-tagging': 'a=1&b=2',
        'x-oss-storage-class': 'IA',
      },
    });
    expect(put.status).toBe(200);
    expect(put.headers.etag).toBe(`"${md5HexOf(data)}"`);
    expect(put.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(data));
    expect(put.headers['content-md5']).toBe(md5Base64Of(data));
    expect(put.headers.server).toBe('AliyunOSS');
    expect(put.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);
    const idSeconds = Number.parseInt(String(put.headers['x-oss-request-id']).slice(0, 8), 16);
    expect(Math.abs(idSeconds - Date.now() / 1000)).toBeLessThan(5);

    const get = await emu.request('GET', '/dir/photo.png');
    expect(get.status).toBe(200);
    expect(md5HexOf(get.body)).toBe(md5HexOf(data));
    expect(get.headers['content-type']).toBe('image/png');
    expect(get.headers['cache-control']).toBe('max-age=60');
    expect(get.headers['content-disposition']).toBe('attachment');
    expect(get.headers['x-oss-meta-owner']).toBe('alice');
    expect(get.headers['x-oss-tagging-count']).toBe('2');
    expect(get.headers['x-oss-storage-class']).toBe('IA');
    expect(get.headers['x-oss-object-type']).toBe('Normal');
    expect(get.headers['accept-ranges']).toBe('bytes');
    expect(get.headers['content-md5']).toBe(md5Base64Of(data));
    expect(get.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(data));
    expect(Date.parse(get.headers['last-modified']!)).toBeGreaterThan(Date.now() - 10_000);

    const head = await emu.request('HEAD', '/dir/photo.png');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(data.length));
    expect(head.headers.etag).toBe(put.headers.etag);
    expect(head.body.length).toBe(0);

    const meta = await emu.request('HEAD', '/dir/photo.png?objectMeta=');
    expect(meta.status).toBe(200);
    expect(meta.headers.etag).toBe(put.headers.etag);
    expect(meta.headers['x-oss-hash-crc64ecma']).toBe(put.headers['x-oss-hash-crc64ecma']);
    expect(meta.headers['x-oss-meta-owner']).toBeUndefined();

    expect((await emu.request('DELETE', '/dir/photo.png')).status).toBe(204);
    expect((await emu.request('GET', '/dir/photo.png')).status).toBe(404);
    expect((await emu.request('DELETE', '/dir/photo.png')).status).toBe(204);
  });

  it('serves byte ranges with 206, Content-Range and the whole-object CRC64', async () => {
    const data = testBytes(10_000, 7);
    await emu.request('PUT', '/r.bin', { body: data });
    const whole = await crcHeaderOf(data);
    for (const [range, start, end] of [
      ['bytes=100-900', 100, 900],
      ['bytes=9000-', 9000, 9999],
      ['bytes=-10', 9990, 9999],
    ] as const) {
      const res = await emu.request('GET', '/r.bin', { headers: { Range: range } });
      expect(res.status).toBe(206);
      expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/10000`);
      expect(res.body.equals(data.subarray(start, end + 1))).toBe(true);
      expect(res.headers['x-oss-hash-crc64ecma']).toBe(whole);
    }
    const ignored = await emu.request('GET', '/r.bin', { headers: { Range: 'bytes=abc' } });
    expect(ignored.status).toBe(200);
    expect(ignored.body.length).toBe(10_000);
    // With x-oss-range-behavior: standard (RFC 7233), an end past the object is cut to its last byte
    // and a start past it is 416; without it OSS ignores such ranges (next test).
    const standard = { 'x-oss-range-behavior': 'standard' };
    const clamped = await emu.request('GET', '/r.bin', {
      headers: { Range: 'bytes=5000-999999', ...standard },
    });
    expect(clamped.status).toBe(206);
    expect(clamped.headers['content-range']).toBe('bytes 5000-9999/10000');
    expect(clamped.body.equals(data.subarray(5000))).toBe(true);
    const unsatisfiable = await emu.request('GET', '/r.bin', {
      headers: { Range: 'bytes=10000-', ...standard },
    });
    expect(unsatisfiable.status).toBe(416);
    expect(xmlText(unsatisfiable.text, 'Code')).toBe('InvalidRange');
  });

  it('follows OSS Range rules with and without x-oss-range-behavior: standard', async () => {
    // The OSS "HTTP Range" article's 1000-byte object, and the Java SDK's integration cases.
    const data = testBytes(1000, 8);
    await emu.request('PUT', '/k.bin', { body: data });
    const cases: [range: string, standard: boolean, status: number, start?: number, end?: number][] = [
      ['bytes=0-499', false, 206, 0, 499],
      ['bytes=0-', false, 206, 0, 999],
      ['bytes=-500', false, 206, 500, 999],
      ['byte=0-499', false, 200],
      ['bytes=0-1000', false, 200],
      ['bytes=1000-2000', false, 200],
      ['bytes=1000-', false, 200],
      ['bytes=-2000', false, 200],
      ['bytes=500-100', false, 200],
      ['bytes=0-499,500-999', false, 200],
      ['bytes=-0', false, 416],
      ['bytes=500-2000', true, 206, 500, 999],
      ['bytes=0-2000', true, 206, 0, 999],
      ['bytes=1000-2000', true, 416],
      ['bytes=1000-', true, 416],
      ['bytes=-2000', true, 206, 0, 999],
      ['bytes=-0', true, 416],
      ['bytes=500-100', true, 200],
    ];
    for (const [range, standard, status, start, end] of cases) {
      const headers: Record<string, string> = { Range: range };
      if (standard) headers['x-oss-range-behavior'] = 'standard';
      const res = await emu.request('GET', '/k.bin', { headers });
      expect({ range, standard, status: res.status }).toEqual({ range, standard, status });
      if (status === 206) {
        expect(res.headers['content-range']).toBe(`bytes ${start}-${end}/1000`);
        expect(res.body.equals(data.subarray(start, end! + 1))).toBe(true);
      } else if (status === 200) {
        expect(res.headers['content-range']).toBeUndefined();
        expect(res.body.equals(data)).toBe(true);
      } else {
        expect(xmlText(res.text, 'Code')).toBe('InvalidRange');
      }
    }
  });

  it('applies response-* overrides and conditional headers', async () => {
    const put = await emu.request('PUT', '/c.txt', {
      body: 'hello',
      headers: { 'Content-Type': 'text/plain' },
    });
    const res = await emu.request(
      'GET',
      '/c.txt?response-cache-control=no-cache&response-content-type=application%2Fjson&response-content-disposition=inline',
    );
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['content-disposition']).toBe('inline');
    expect(
      (await emu.request('GET', '/c.txt', { headers: { 'If-None-Match': put.headers.etag! } })).status,
    ).toBe(304);
    const failed = await emu.request('GET', '/c.txt', { headers: { 'If-Match': '"0000"' } });
    expect(failed.status).toBe(412);
    expect(xmlText(failed.text, 'Code')).toBe('PreconditionFailed');
  });

  it('answers NoSuchKey with the byte-exact error body and x-oss-ec', async () => {
    const res = await emu.request('GET', '/missing.txt', {
      headers: { Host: 'demo.oss-cn-hangzhou.aliyuncs.com' },
    });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toBe('application/xml');
    expect(res.headers['x-oss-ec']).toBe('0026-00000001');
    const id = res.headers['x-oss-request-id'];
    expect(res.text).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Error>',
        '  <Code>NoSuchKey</Code>',
        '  <Message>The specified key does not exist.</Message>',
        `  <RequestId>${id}</RequestId>`,
        '  <HostId>demo.oss-cn-hangzhou.aliyuncs.com</HostId>',
        '  <Key>missing.txt</Key>',
        '  <EC>0026-00000001</EC>',
        '  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0026-00000001</RecommendDoc>',
        '</Error>',
        '',
      ].join('\n'),
    );
  });

  it('puts HEAD errors in x-oss-err (base64 XML) with an empty body', async () => {
    const res = await emu.request('HEAD', '/missing.txt');
    expect(res.status).toBe(404);
    expect(res.body.length).toBe(0);
    expect(res.headers['x-oss-ec']).toBe('0026-00000001');
    const xml = Buffer.from(res.headers['x-oss-err'] as string, 'base64').toString('utf8');
    expect(xmlText(xml, 'Code')).toBe('NoSuchKey');
    expect(xmlText(xml, 'RequestId')).toBe(res.headers['x-oss-request-id']);
  });

  it('rejects a wrong Content-MD5 with InvalidDigest and keeps nothing', async () => {
    const res = await emu.request('PUT', '/d.txt', {
      body: 'hello',
      headers: { 'Content-MD5': md5Base64Of(Buffer.from('other')) },
    });
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'Code')).toBe('InvalidDigest');
    expect((await emu.request('HEAD', '/d.txt')).status).toBe(404);
    const ok = await emu.request('PUT', '/d.txt', {
      body: 'hello',
      headers: { 'Content-MD5': md5Base64Of(Buffer.from('hello')) },
    });
    expect(ok.status).toBe(200);
  });

  it('rejects a body without Content-Length (411) and a declared size over 5 GiB', async () => {
    // Raw requests: node:http always frames a body, with a length or chunked.
    const { request } = await import('node:net').then((net) => ({
      request: (raw: string) =>
        new Promise<string>((resolve, reject) => {
          const socket = net.connect(emu.port, '127.0.0.1', () => socket.end(raw));
          let out = '';
          socket.on('data', (c) => {
            out += c.toString();
          });
          socket.on('end', () => resolve(out));
          socket.on('error', reject);
        }),
    }));
    const raw = await request(`PUT /n.txt HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    expect(raw).toMatch(/^HTTP\/1\.1 411 /);
    expect(raw).toContain('<Code>MissingContentLength</Code>');

    const huge = await request(
      `PUT /h.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${5 * 1024 ** 3 + 1}\r\n\r\nabc`,
    );
    expect(huge).toMatch(/^HTTP\/1\.1 400 /);
    expect(huge).toContain('<Code>EntityTooLarge</Code>');
  });

  it('honours x-oss-forbid-overwrite with FileAlreadyExists', async () => {
    await emu.request('PUT', '/f.txt', { body: 'one' });
    const res = await emu.request('PUT', '/f.txt', {
      body: 'two',
      headers: { 'x-oss-forbid-overwrite': 'true' },
    });
    expect(res.status).toBe(409);
    expect(xmlText(res.text, 'Code')).toBe('FileAlreadyExists');
    expect(xmlText(res.text, 'EC')).toBe('0026-00000201');
    expect((await emu.request('GET', '/f.txt')).text).toBe('one');
    const overwrite = await emu.request('PUT', '/f.txt', {
      body: 'two',
      headers: { 'x-oss-forbid-overwrite': 'false' },
    });
    expect(overwrite.status).toBe(200);
    expect((await emu.request('GET', '/f.txt')).text).toBe('two');
  });

  it('validates object names and storage classes', async () => {
    const long = await emu.request('PUT', `/${'k'.repeat(1024)}`, { body: 'x' });
    expect(xmlText(long.text, 'Code')).toBe('InvalidObjectName');
    expect((await emu.request('PUT', `/${'k'.repeat(1023)}`, { body: 'x' })).status).toBe(200);
    const slash = await emu.request('PUT', `/${BUCKET}//abs`, { body: 'x' });
    expect(xmlText(slash.text, 'Code')).toBe('InvalidObjectName');
    const backslash = await emu.request('PUT', '/%5Cwin', { body: 'x' });
    expect(xmlText(backslash.text, 'Code')).toBe('InvalidObjectName');
    const badClass = await emu.request('PUT', '/s.txt', {
      body: 'x',
      headers: { 'x-oss-storage-class': 'Glacier' },
    });
    expect(badClass.status).toBe(400);
    expect(xmlText(badClass.text, 'Code')).toBe('InvalidArgument');
    expect(xmlText(badClass.text, 'ArgumentName')).toBe('x-oss-storage-class');
  });

  it('keeps `+` literal and decodes %XX in keys', async () => {
    await emu.request('PUT', '/a+b%20c%2Fd', { body: 'x' });
    const list = await emu.request('GET', '/?prefix=a');
    expect(xmlText(list.text, 'Key')).toBe('a+b c/d');
    expect((await emu.request('GET', '/a+b%20c/d')).text).toBe('x');
  });
});
