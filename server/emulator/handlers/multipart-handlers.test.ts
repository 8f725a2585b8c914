import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc64, crc64Combine, crc64ToHeader } from '../../../lib/oss/crc64.ts';
import { multipartEtag } from '../../../lib/oss/etag.ts';
import {
  BUCKET,
  crcHeaderOf,
  md5HexOf,
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
afterEach(async () => {
  await emu.dispose();
});

const KIB = 1024;

async function initiate(key: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await emu.request('POST', `/${key}?uploads=`, { headers });
  expect(res.status).toBe(200);
  return xmlText(res.text, 'UploadId')!;
}

async function uploadPart(key: string, uploadId: string, n: number, body: Buffer, headers = {}) {
  return emu.request('PUT', `/${key}?partNumber=${n}&uploadId=${uploadId}`, { body, headers });
}

/** The Complete body exactly as ali-oss writes it (OSS API reference: CompleteMultipartUpload). */
function completeBody(parts: [number, string][]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUpload>\n${parts
    .map(([n, etag]) => `<Part>\n<PartNumber>${n}</PartNumber>\n<ETag>${etag}</ETag>\n</Part>\n`)
    .join('')}</CompleteMultipartUpload>`;
}

const complete = (key: string, uploadId: string, body: string, headers: Record<string, string> = {}) =>
  emu.request('POST', `/${key}?uploadId=${uploadId}`, {
    body,
    headers: { 'Content-Type': 'application/xml', ...headers },
  });

describe('multipart upload', () => {
  it('initiates with the byte-exact OSS result shape', async () => {
    const res = await emu.request('POST', '/video/a.mp4?uploads=');
    expect(res.headers['content-type']).toBe('application/xml');
    const uploadId = xmlText(res.text, 'UploadId')!;
    expect(uploadId).toMatch(/^[0-9A-F]{32}$/);
    expect(res.text).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<InitiateMultipartUploadResult>\n  <Bucket>${BUCKET}</Bucket>\n  <Key>video/a.mp4</Key>\n  <UploadId>${uploadId}</UploadId>\n</InitiateMultipartUploadResult>\n`,
    );
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    const encoded = await emu.request('POST', '/a%20b.txt?uploads=&encoding-type=url');
    expect(xmlText(encoded.text, 'EncodingType')).toBe('url');
    expect(xmlText(encoded.text, 'Key')).toBe('a%20b.txt');
  });

  it('uploads, completes and serves a multipart object with combined ETag and CRC64', async () => {
    const parts = [testBytes(100 * KIB, 1), testBytes(100 * KIB, 2), testBytes(50 * KIB, 3)];
    const whole = Buffer.concat(parts);
    const uploadId = await initiate('big.bin', {
      'Content-Type': 'application/x-test',
      'Cache-Control': 'no-store',
      'x-oss-meta-origin': 'initiate',
      'x-oss-tagging': 't=1',
      'x-oss-storage-class': 'IA',
    });
    const etags: string[] = [];
    for (const [i, body] of parts.entries()) {
      // ali-oss repeats the user headers on parts; they must not change the object's metadata.
      const res = await uploadPart('big.bin', uploadId, i + 1, body, {
        'x-oss-meta-origin': 'part',
        'Content-Type': 'text/plain',
        'x-oss-forbid-overwrite': 'true',
      });
      expect(res.status).toBe(200);
      expect(res.headers.etag).toBe(`"${md5HexOf(body)}"`);
      expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(body));
      etags.push(res.headers.etag!);
    }
    const res = await complete('big.bin', uploadId, completeBody(etags.map((e, i) => [i + 1, e])));
    expect(res.status).toBe(200);
    const expectedEtag = await multipartEtag(etags);
    expect(res.headers.etag).toBe(expectedEtag);
    let crc = 0n;
    for (const p of parts) crc = crc64Combine(crc, await crc64(p), p.length);
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(crc64ToHeader(crc));
    expect(res.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(whole));
    expect(res.text).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<CompleteMultipartUploadResult>\n  <Location>http://127.0.0.1:${emu.port}/${BUCKET}/big.bin</Location>\n  <Bucket>${BUCKET}</Bucket>\n  <Key>big.bin</Key>\n  <ETag>${expectedEtag}</ETag>\n</CompleteMultipartUploadResult>\n`,
    );

    const get = await emu.request('GET', '/big.bin');
    expect(get.body.equals(whole)).toBe(true);
    expect(get.headers['x-oss-object-type']).toBe('Multipart');
    expect(get.headers.etag).toBe(expectedEtag);
    expect(get.headers['content-md5']).toBeUndefined();
    expect(get.headers['content-type']).toBe('application/x-test');
    expect(get.headers['cache-control']).toBe('no-store');
    expect(get.headers['x-oss-meta-origin']).toBe('initiate');
    expect(get.headers['x-oss-tagging-count']).toBe('1');
    expect(get.headers['x-oss-storage-class']).toBe('IA');

    // A range spanning the part boundary reads across part files.
    const range = await emu.request('GET', '/big.bin', {
      headers: { Range: `bytes=${100 * KIB - 10}-${200 * KIB + 9}` },
    });
    expect(range.status).toBe(206);
    expect(range.body.equals(whole.subarray(100 * KIB - 10, 200 * KIB + 10))).toBe(true);
    expect(range.headers['x-oss-hash-crc64ecma']).toBe(await crcHeaderOf(whole));

    // The upload id is spent.
    const again = await complete('big.bin', uploadId, completeBody([[1, etags[0]!]]));
    expect(again.status).toBe(404);
    expect(xmlText(again.text, 'Code')).toBe('NoSuchUpload');
    expect(xmlText(again.text, 'UploadId')).toBe(uploadId);
  });

  it('validates partNumber on UploadPart', async () => {
    const uploadId = await initiate('p.bin');
    const missing = await emu.request('PUT', `/p.bin?uploadId=${uploadId}`, { body: 'x' });
    expect(missing.status).toBe(400);
    expect(xmlText(missing.text, 'Message')).toBe('Unexpected query string parameter');
    expect(xmlText(missing.text, 'ArgumentName')).toBe('ResourceType');
    expect(xmlText(missing.text, 'ArgumentValue')).toBe('partNumber');
    for (const bad of ['0', '10001', 'abc', '1.5', '-1']) {
      const res = await uploadPart('p.bin', uploadId, bad as unknown as number, Buffer.from('x'));
      expect(res.status).toBe(400);
      expect(xmlText(res.text, 'Message')).toBe(
        'Part number must be an integer between 1 and 10000, inclusive.',
      );
      expect(xmlText(res.text, 'ArgumentName')).toBe('PartNumber');
      expect(xmlText(res.text, 'ArgumentValue')).toBe(bad);
    }
    expect((await uploadPart('p.bin', uploadId, 10000, Buffer.from('x'))).status).toBe(200);
    const unknown = await uploadPart('p.bin', 'F'.repeat(32), 1, Buffer.from('x'));
    expect(unknown.status).toBe(404);
    expect(xmlText(unknown.text, 'Code')).toBe('NoSuchUpload');
    const otherKey = await uploadPart('other.bin', uploadId, 1, Buffer.from('x'));
    expect(xmlText(otherKey.text, 'Code')).toBe('NoSuchUpload');
  });

  it('runs the Complete validations in the documented order', async () => {
    const small = testBytes(10, 9);
    const big = testBytes(100 * KIB, 8);
    const uploadId = await initiate('v.bin');
    const e1 = (await uploadPart('v.bin', uploadId, 1, small)).headers.etag!;
    const e2 = (await uploadPart('v.bin', uploadId, 2, big)).headers.etag!;
    const code = async (body: string, headers: Record<string, string> = {}, id = uploadId) => {
      const res = await complete('v.bin', id, body, headers);
      return [res.status, xmlText(res.text, 'Code'), xmlText(res.text, 'EC')];
    };
    // NoSuchUpload beats a malformed body.
    expect(await code('<oops', {}, 'A'.repeat(32))).toEqual([404, 'NoSuchUpload', '0017-00000244']);
    expect(await code('<oops')).toEqual([400, 'MalformedXML', '0042-00000205']);
    expect(await code('<Wrong><Part/></Wrong>')).toEqual([400, 'MalformedXML', '0042-00000205']);
    expect(await code('')).toEqual([400, 'MalformedXML', '0042-00000205']);
    // complete-all + body: the byte-exact InvalidArgument.
    const conflict = await complete('v.bin', uploadId, completeBody([[1, e1]]), {
      'x-oss-complete-all': 'yes',
    });
    expect(conflict.status).toBe(400);
    expect(conflict.text).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>InvalidArgument</Code>\n  <Message>Should not speficy both complete all header and http body.</Message>\n  <RequestId>${conflict.headers['x-oss-request-id']}</RequestId>\n  <HostId>127.0.0.1:${emu.port}</HostId>\n  <ArgumentName>x-oss-complete-all</ArgumentName>\n  <ArgumentValue>yes</ArgumentValue>\n  <EC>0042-00000216</EC>\n  <RecommendDoc>https://api.aliyun.com/troubleshoot?q=0042-00000216</RecommendDoc>\n</Error>\n`,
    );
    expect(
      await code(
        completeBody([
          [2, e2],
          [1, e1],
        ]),
      ),
    ).toEqual([400, 'InvalidPartOrder', '0042-00000209']);
    expect(
      await code(
        completeBody([
          [1, e1],
          [1, e1],
        ]),
      ),
    ).toEqual([400, 'InvalidPartOrder', '0042-00000209']);
    const invalidPart = await complete(
      'v.bin',
      uploadId,
      completeBody([
        [1, e1],
        [3, e2],
      ]),
    );
    expect(xmlText(invalidPart.text, 'Code')).toBe('InvalidPart');
    expect(xmlText(invalidPart.text, 'PartNumber')).toBe('3');
    expect(xmlText(invalidPart.text, 'UploadId')).toBe(uploadId);
    expect(await code(completeBody([[1, e2]]))).toEqual([400, 'InvalidPart', '0042-00000208']);
    expect(
      await code(
        completeBody([
          [1, e1],
          [2, e2],
        ]),
      ),
    ).toEqual([400, 'EntityTooSmall', '0042-00000213']);
    const storageClass = await code(completeBody([[2, e2]]), { 'x-oss-storage-class': 'IA' });
    expect(storageClass.slice(0, 2)).toEqual([400, 'OperationNotSupported']);
    // None of the failures consumed the upload; ETags compare case-insensitively and with &quot;.
    const ok = await complete(
      'v.bin',
      uploadId,
      completeBody([[2, `&quot;${e2.slice(1, -1).toLowerCase()}&quot;`]]),
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe(await multipartEtag([e2]));
  });

  it('completes all uploaded parts with x-oss-complete-all and an empty body', async () => {
    const parts = [testBytes(100 * KIB, 4), testBytes(3, 5)];
    const uploadId = await initiate('all.bin');
    // Upload out of order: completion sorts by part number.
    const e2 = (await uploadPart('all.bin', uploadId, 7, parts[1]!)).headers.etag!;
    const e1 = (await uploadPart('all.bin', uploadId, 3, parts[0]!)).headers.etag!;
    const res = await complete('all.bin', uploadId, '', { 'x-oss-complete-all': 'yes' });
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(await multipartEtag([e1, e2]));
    expect((await emu.request('GET', '/all.bin')).body.equals(Buffer.concat(parts))).toBe(true);
  });

  it('honours x-oss-forbid-overwrite at Initiate and at Complete (0042-00000214)', async () => {
    await emu.request('PUT', '/exists.txt', { body: 'old' });
    const atInitiate = await emu.request('POST', '/exists.txt?uploads=', {
      headers: { 'x-oss-forbid-overwrite': 'true' },
    });
    expect(atInitiate.status).toBe(409);
    const uploadId = await initiate('exists.txt');
    const etag = (await uploadPart('exists.txt', uploadId, 1, Buffer.from('new'))).headers.etag!;
    const res = await complete('exists.txt', uploadId, completeBody([[1, etag]]), {
      'x-oss-forbid-overwrite': 'true',
    });
    expect(res.status).toBe(409);
    expect(xmlText(res.text, 'Code')).toBe('FileAlreadyExists');
    expect(xmlText(res.text, 'EC')).toBe('0042-00000214');
    expect((await emu.request('GET', '/exists.txt')).text).toBe('old');
    expect((await complete('exists.txt', uploadId, completeBody([[1, etag]]))).status).toBe(200);
    expect((await emu.request('GET', '/exists.txt')).text).toBe('new');
  });

  it('aborts with 204, frees the parts, and then knows no such upload', async () => {
    const uploadId = await initiate('ab.bin');
    await uploadPart('ab.bin', uploadId, 1, testBytes(1000));
    const res = await emu.request('DELETE', `/ab.bin?uploadId=${uploadId}`);
    expect(res.status).toBe(204);
    expect(xmlText((await emu.request('DELETE', `/ab.bin?uploadId=${uploadId}`)).text, 'Code')).toBe(
      'NoSuchUpload',
    );
    expect((await uploadPart('ab.bin', uploadId, 2, Buffer.from('x'))).status).toBe(404);
    expect((await emu.request('GET', `/ab.bin?uploadId=${uploadId}`)).status).toBe(404);
  });

  it('lists parts with max-parts / part-number-marker pagination', async () => {
    const uploadId = await initiate('lp.bin');
    const bodies = new Map<number, Buffer>();
    for (const n of [1, 2, 3, 5, 8]) {
      bodies.set(n, testBytes(n * 10, n));
      await uploadPart('lp.bin', uploadId, n, bodies.get(n)!);
    }
    const page1 = await emu.request('GET', `/lp.bin?max-parts=2&part-number-marker=0&uploadId=${uploadId}`);
    expect(page1.status).toBe(200);
    expect(xmlTexts(page1.text, 'PartNumber')).toEqual(['1', '2']);
    expect(xmlText(page1.text, 'NextPartNumberMarker')).toBe('2');
    expect(xmlText(page1.text, 'IsTruncated')).toBe('true');
    expect(xmlText(page1.text, 'MaxParts')).toBe('2');
    expect(xmlTexts(page1.text, 'Size')).toEqual(['10', '20']);
    expect(xmlTexts(page1.text, 'HashCrc64ecma')).toEqual([
      await crcHeaderOf(bodies.get(1)!),
      await crcHeaderOf(bodies.get(2)!),
    ]);
    expect(xmlTexts(page1.text, 'ETag')).toEqual([
      `"${md5HexOf(bodies.get(1)!)}"`,
      `"${md5HexOf(bodies.get(2)!)}"`,
    ]);
    const page2 = await emu.request('GET', `/lp.bin?max-parts=2&part-number-marker=2&uploadId=${uploadId}`);
    expect(xmlTexts(page2.text, 'PartNumber')).toEqual(['3', '5']);
    const page3 = await emu.request('GET', `/lp.bin?max-parts=2&part-number-marker=5&uploadId=${uploadId}`);
    expect(xmlTexts(page3.text, 'PartNumber')).toEqual(['8']);
    expect(xmlText(page3.text, 'IsTruncated')).toBe('false');
    expect(xmlText(page3.text, 'NextPartNumberMarker')).toBe('8');
    // Re-uploading a part number replaces it.
    await uploadPart('lp.bin', uploadId, 8, Buffer.from('replaced'));
    const replaced = await emu.request('GET', `/lp.bin?part-number-marker=5&uploadId=${uploadId}`);
    expect(xmlText(replaced.text, 'Size')).toBe('8');
  });

  it('lists uploads sorted by key then id, with prefix, delimiter and marker pagination', async () => {
    const ids: Record<string, string[]> = {};
    for (const key of ['b/2.bin', 'a.bin', 'b/1.bin', 'a.bin', 'c.bin', 'b/sub/x.bin']) {
      ids[key] = [...(ids[key] ?? []), await initiate(key)];
    }
    const aIds = [...ids['a.bin']!].sort();
    const all = await emu.request('GET', '/?uploads=');
    expect(all.status).toBe(200);
    expect(xmlTexts(all.text, 'Key')).toEqual([
      'a.bin',
      'a.bin',
      'b/1.bin',
      'b/2.bin',
      'b/sub/x.bin',
      'c.bin',
    ]);
    expect(xmlTexts(all.text, 'UploadId').slice(0, 2)).toEqual(aIds);
    expect(xmlText(all.text, 'IsTruncated')).toBe('false');

    const page1 = await emu.request('GET', '/?max-uploads=1&uploads=');
    expect(xmlTexts(page1.text, 'Key')).toEqual(['a.bin']);
    expect(xmlText(page1.text, 'IsTruncated')).toBe('true');
    expect(xmlText(page1.text, 'NextKeyMarker')).toBe('a.bin');
    expect(xmlText(page1.text, 'NextUploadIdMarker')).toBe(aIds[0]);
    const page2 = await emu.request(
      'GET',
      `/?max-uploads=2&key-marker=a.bin&upload-id-marker=${aIds[0]}&uploads=`,
    );
    expect(xmlTexts(page2.text, 'UploadId')).toEqual([aIds[1], ids['b/1.bin']![0]]);
    // upload-id-marker is ignored without key-marker; key-marker alone skips the whole key.
    const noKeyMarker = await emu.request('GET', `/?upload-id-marker=${aIds[0]}&uploads=`);
    expect(xmlTexts(noKeyMarker.text, 'Key')).toHaveLength(6);
    const keyOnly = await emu.request('GET', '/?key-marker=a.bin&uploads=');
    expect(xmlTexts(keyOnly.text, 'Key')[0]).toBe('b/1.bin');

    const grouped = await emu.request('GET', '/?delimiter=%2F&uploads=');
    expect(xmlTexts(grouped.text, 'Key')).toEqual(['a.bin', 'a.bin', 'c.bin']);
    expect(xmlTexts(grouped.text, 'Prefix')).toEqual(['', 'b/']);
    const nested = await emu.request('GET', '/?delimiter=%2F&prefix=b%2F&uploads=');
    expect(xmlTexts(nested.text, 'Key')).toEqual(['b/1.bin', 'b/2.bin']);
    expect(xmlTexts(nested.text, 'Prefix')).toEqual(['b/', 'b/sub/']);
  });

  it('lets exactly one of two concurrent Completes win; the other gets NoSuchUpload', async () => {
    const parts = [testBytes(100 * KIB, 11), testBytes(100 * KIB, 12)];
    const uploadId = await initiate('race.bin');
    const etags = [];
    for (const [i, p] of parts.entries())
      etags.push((await uploadPart('race.bin', uploadId, i + 1, p)).headers.etag!);
    const body = completeBody(etags.map((e, i) => [i + 1, e]));
    const results = await Promise.all([
      complete('race.bin', uploadId, body),
      complete('race.bin', uploadId, body),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 404]);
    expect(xmlText(results.find((r) => r.status === 404)!.text, 'Code')).toBe('NoSuchUpload');
    expect((await emu.request('GET', '/race.bin')).body.equals(Buffer.concat(parts))).toBe(true);
  });
});
