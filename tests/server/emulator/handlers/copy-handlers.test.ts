import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc64, crc64Combine, crc64ToHeader } from '../../../../lib/oss/crc64.ts';
import { multipartEtag } from '../../../../lib/oss/etag.ts';
import {
  crcHeaderOf,
  md5HexOf,
  startTestEmulator,
  type TestEmulator,
  testBytes,
  xmlText,
  xmlTexts,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.dispose());

const copyFrom = (source: string, headers: Record<string, string> = {}) => ({
  headers: { 'x-oss-copy-source': source, ...headers },
});

describe('CopyObject', () => {
  it('copies data and metadata (COPY) with the source ETag and CRC, and survives the source being deleted', async () => {
    const data = testBytes(300_000, 1);
    await emu.request('PUT', '/dir/a%20b.bin', {
      body: data,
      headers: { 'Content-Type': 'image/png', 'x-oss-meta-owner': 'alice', 'x-oss-tagging': 'k=v' },
    });
    const copy = await emu.request('PUT', '/copy.bin', copyFrom('/test-bucket/dir%2Fa%20b.bin'));
    expect(copy.status).toBe(200);
    expect(copy.headers['content-type']).toBe('application/xml');
    expect(copy.text).toMatch(/<CopyObjectResult>\n {2}<ETag>"[0-9A-F]{32}"<\/ETag>\n {2}<LastModified>/);
    expect(copy.headers.etag).toBe(`"${md5HexOf(data)}"`);
    expect(copy.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(data));
    expect((await emu.request('DELETE', '/dir/a%20b.bin')).status).toBe(204);
    // Overwriting the source's old name must not reach the copy either.
    await emu.request('PUT', '/dir/a%20b.bin', { body: 'other' });
    const got = await emu.request('GET', '/copy.bin');
    expect(md5HexOf(got.body)).toBe(md5HexOf(data));
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['x-oss-meta-owner']).toBe('alice');
    expect(got.headers['x-oss-tagging-count']).toBe('1');
    // After a restart the copy is still whole (its data files are its own names).
    await emu.restart();
    expect(md5HexOf((await emu.request('GET', '/copy.bin')).body)).toBe(md5HexOf(data));
  });

  it('copies a multipart object with its ETag and CRC', async () => {
    const a = testBytes(110_000, 2);
    const b = testBytes(5_000, 3);
    const id = xmlText((await emu.request('POST', '/mp.bin?uploads')).text, 'UploadId');
    const e1 = (await emu.request('PUT', `/mp.bin?partNumber=1&uploadId=${id}`, { body: a })).headers.etag;
    const e2 = (await emu.request('PUT', `/mp.bin?partNumber=2&uploadId=${id}`, { body: b })).headers.etag;
    const body = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${e1}</ETag></Part><Part><PartNumber>2</PartNumber><ETag>${e2}</ETag></Part></CompleteMultipartUpload>`;
    const done = await emu.request('POST', `/mp.bin?uploadId=${id}`, { body });
    const copy = await emu.request('PUT', '/mp-copy.bin', copyFrom('/test-bucket/mp.bin'));
    expect(copy.headers.etag).toBe(done.headers.etag);
    const head = await emu.request('HEAD', '/mp-copy.bin');
    expect(head.headers['x-oss-object-type']).toBe('Multipart');
    expect(head.headers['x-oss-hash-crc64ecma']).toBe(done.headers['x-oss-hash-crc64ecma']);
    expect(md5HexOf((await emu.request('GET', '/mp-copy.bin')).body)).toBe(md5HexOf(Buffer.concat([a, b])));
  });

  it('REPLACE takes metadata from the request; copying onto itself updates metadata only', async () => {
    await emu.request('PUT', '/m.txt', {
      body: 'hello',
      headers: { 'x-oss-meta-a': '1', 'Content-Type': 'text/plain' },
    });
    await emu.request('PUT', '/m2.txt', {
      ...copyFrom('/test-bucket/m.txt', {
        'x-oss-metadata-directive': 'REPLACE',
        'x-oss-meta-b': '2',
        'Content-Type': 'text/html',
      }),
    });
    const replaced = await emu.request('HEAD', '/m2.txt');
    expect(replaced.headers['x-oss-meta-a']).toBeUndefined();
    expect(replaced.headers['x-oss-meta-b']).toBe('2');
    expect(replaced.headers['content-type']).toBe('text/html');
    const self = await emu.request('PUT', '/m.txt', copyFrom('/test-bucket/m.txt', { 'x-oss-meta-c': '3' }));
    expect(self.status).toBe(200);
    const after = await emu.request('GET', '/m.txt');
    expect(after.text).toBe('hello');
    expect(after.headers['x-oss-meta-c']).toBe('3');
    const bad = await emu.request(
      'PUT',
      '/m3.txt',
      copyFrom('/test-bucket/m.txt', { 'x-oss-metadata-directive': 'MOVE' }),
    );
    expect(xmlText(bad.text, 'Code')).toBe('InvalidArgument');
  });

  it('refuses what OSS refuses and writes nothing', async () => {
    await emu.request('PUT', '/s.txt', { body: 'source' });
    await emu.request('PUT', '/exists.txt', { body: 'keep' });
    const cases: [string, Record<string, string>, number, string][] = [
      ['/test-bucket/missing.txt', {}, 404, 'NoSuchKey'],
      ['/no-bucket/s.txt', {}, 404, 'NoSuchBucket'],
      ['s.txt', {}, 400, 'InvalidArgument'],
      ['/test-bucket/s.txt', { 'x-oss-copy-source-if-match': '"0000"' }, 412, 'PreconditionFailed'],
      ['/test-bucket/s.txt', { 'x-oss-forbid-overwrite': 'true' }, 409, 'FileAlreadyExists'],
      ['/test-bucket/s.txt', { 'x-oss-storage-class': 'Gold' }, 400, 'InvalidArgument'],
    ];
    for (const [source, headers, status, code] of cases) {
      const res = await emu.request('PUT', '/exists.txt', copyFrom(source, headers));
      expect({ source, headers, status: res.status, code: xmlText(res.text, 'Code') }).toEqual({
        source,
        headers,
        status,
        code,
      });
      expect((await emu.request('GET', '/exists.txt')).text).toBe('keep');
    }
    const etag = (await emu.request('HEAD', '/s.txt')).headers.etag!;
    const notModified = await emu.request(
      'PUT',
      '/exists.txt',
      copyFrom('/test-bucket/s.txt', { 'x-oss-copy-source-if-none-match': etag }),
    );
    expect(notModified.status).toBe(304);
    expect((await emu.request('GET', '/exists.txt')).text).toBe('keep');
  });
});

describe('UploadPartCopy', () => {
  it('copies whole objects and ranges into parts whose ETags and CRCs make Complete right', async () => {
    const big = testBytes(400_000, 4);
    const small = testBytes(7_000, 5);
    await emu.request('PUT', '/tmp/part-1', { body: big });
    await emu.request('PUT', '/tmp/part-2', { body: small });
    const id = xmlText((await emu.request('POST', '/assembled.bin?uploads')).text, 'UploadId');
    const p1 = await emu.request(
      'PUT',
      `/assembled.bin?partNumber=1&uploadId=${id}`,
      copyFrom('/test-bucket/tmp%2Fpart-1'),
    );
    expect(p1.status).toBe(200);
    expect(p1.text).toMatch(/<CopyPartResult>\n {2}<LastModified>.*<\/LastModified>\n {2}<ETag>/);
    expect(p1.headers.etag).toBe(`"${md5HexOf(big)}"`);
    expect(p1.headers['content-range']).toBeUndefined();
    const p2 = await emu.request(
      'PUT',
      `/assembled.bin?partNumber=2&uploadId=${id}`,
      copyFrom('/test-bucket/tmp/part-1', { 'x-oss-copy-source-range': 'bytes=100000-299999' }),
    );
    expect(p2.headers['content-range']).toBe('bytes 100000-299999/400000');
    const middle = big.subarray(100_000, 300_000);
    expect(p2.headers.etag).toBe(`"${md5HexOf(middle)}"`);
    expect(p2.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(middle));
    const p3 = await emu.request(
      'PUT',
      `/assembled.bin?partNumber=3&uploadId=${id}`,
      copyFrom('/test-bucket/tmp/part-2'),
    );
    // The temporary objects can go before Complete: the parts hold their own references.
    await emu.request('DELETE', '/tmp/part-1');
    await emu.request('DELETE', '/tmp/part-2');
    const listed = await emu.request('GET', `/assembled.bin?uploadId=${id}`);
    expect(xmlTexts(listed.text, 'Size')).toEqual(['400000', '200000', '7000']);
    const etags = [p1, p2, p3].map((p) => p.headers.etag!);
    const body = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
    const done = await emu.request('POST', `/assembled.bin?uploadId=${id}`, { body });
    expect(done.status).toBe(200);
    const whole = Buffer.concat([big, middle, small]);
    expect(done.headers.etag).toBe(await multipartEtag(etags));
    let crc = 0n;
    for (const part of [big, middle, small]) crc = crc64Combine(crc, await crc64(part), part.length);
    expect(done.headers['x-oss-hash-crc64ecma']).toBe(crc64ToHeader(crc));
    expect(done.headers['x-oss-hash-crc64ecma']).toBe(crc64ToHeader(await crc64(whole)));
    expect(md5HexOf((await emu.request('GET', '/assembled.bin')).body)).toBe(md5HexOf(whole));
  });

  it('copies the whole source when the range cannot be satisfied, and refuses unknown uploads and sources', async () => {
    const data = testBytes(1000, 6);
    await emu.request('PUT', '/s.bin', { body: data });
    const id = xmlText((await emu.request('POST', '/d.bin?uploads')).text, 'UploadId');
    const whole = await emu.request(
      'PUT',
      `/d.bin?partNumber=1&uploadId=${id}`,
      copyFrom('/test-bucket/s.bin', { 'x-oss-copy-source-range': 'bytes=500-5000' }),
    );
    expect(whole.headers.etag).toBe(`"${md5HexOf(data)}"`);
    expect(whole.headers['content-range']).toBeUndefined();
    const noUpload = await emu.request(
      'PUT',
      '/d.bin?partNumber=1&uploadId=0123456789ABCDEF0123456789ABCDEF',
      copyFrom('/test-bucket/s.bin'),
    );
    expect(xmlText(noUpload.text, 'Code')).toBe('NoSuchUpload');
    const noKey = await emu.request(
      'PUT',
      `/d.bin?partNumber=2&uploadId=${id}`,
      copyFrom('/test-bucket/nope'),
    );
    expect(xmlText(noKey.text, 'Code')).toBe('NoSuchKey');
    const badNumber = await emu.request(
      'PUT',
      `/d.bin?partNumber=0&uploadId=${id}`,
      copyFrom('/test-bucket/s.bin'),
    );
    expect(xmlText(badNumber.text, 'Code')).toBe('InvalidArgument');
    const parts = await emu.request('GET', `/d.bin?uploadId=${id}`);
    expect(xmlTexts(parts.text, 'PartNumber')).toEqual(['1']);
  });
});
