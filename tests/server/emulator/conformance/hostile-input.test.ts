// Robustness against hostile input over real HTTP, beyond what the handler and store tests cover:
// escaping keys through the multipart path and a restart, object-name limits at Initiate, XML bombs,
// and requests Node's HTTP parser refuses. Each time the server must answer and keep serving.

import { readdir, stat } from 'node:fs/promises';
import { connect } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { md5Hex } from '../../../../lib/oss/etag.ts';
import { KIB, sourceDigests, testBytes } from '../../../support/ali-oss-client.ts';
import {
  BUCKET,
  startTestEmulator,
  type TestEmulator,
  xmlText,
  xmlTexts,
} from '../../../support/emulator.ts';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(() => emu.dispose());

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)])),
  );
  return nested.flat();
}

async function initiate(rawKey: string) {
  const res = await emu.request('POST', `/${rawKey}?uploads=`);
  return { res, uploadId: xmlText(res.text, 'UploadId') };
}

async function uploadParts(rawKey: string, uploadId: string, parts: Buffer[]): Promise<string> {
  const xml: string[] = [];
  for (const [i, body] of parts.entries()) {
    const res = await emu.request('PUT', `/${rawKey}?partNumber=${i + 1}&uploadId=${uploadId}`, { body });
    expect(res.status).toBe(200);
    xml.push(`<Part><PartNumber>${i + 1}</PartNumber><ETag>${res.headers.etag}</ETag></Part>`);
  }
  return `<CompleteMultipartUpload>${xml.join('')}</CompleteMultipartUpload>`;
}

/** Whatever the server answers to raw bytes on a fresh connection, up to when it closes or goes quiet. */
function rawExchange(bytes: Buffer | string): Promise<string> {
  return new Promise((done, fail) => {
    const socket = connect(emu.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const finish = () => {
      socket.destroy();
      done(Buffer.concat(chunks).toString('latin1'));
    };
    socket.setTimeout(2000, finish);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', finish);
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? finish() : fail(e)));
    socket.end(bytes);
  });
}

async function expectStillServing(): Promise<void> {
  const body = testBytes(3 * KIB, 400);
  expect((await emu.request('PUT', '/still-serving.bin', { body })).status).toBe(200);
  const got = await emu.request('GET', '/still-serving.bin');
  expect(await sourceDigests(got.body)).toEqual(await sourceDigests(body));
}

describe('hostile keys through multipart uploads', () => {
  // Raw request paths: dot segments, percent-encoded dots and slashes, NUL, a drive letter.
  const KEYS = {
    '../../mp-escape.bin': '../../mp-escape.bin',
    '%2e%2e%2f%2e%2e%2fmp-encoded.bin': '../../mp-encoded.bin',
    'a/../../../mp-middle.bin': 'a/../../../mp-middle.bin',
    'nul%00mp.bin': 'nul\0mp.bin',
    'C:%5C..%5Cmp-drive.bin': 'C:\\..\\mp-drive.bin',
  };

  it('complete, stay pending, and survive a restart under their exact names, inside the data dir', async () => {
    const sources = new Map<string, Buffer>();
    const pending = new Map<string, string>();
    for (const [i, rawKey] of Object.keys(KEYS).entries()) {
      const parts = [testBytes(100 * KIB, 410 + i), testBytes(1000 + i, 420 + i)];
      const { res, uploadId } = await initiate(rawKey);
      expect(res.status).toBe(200);
      const complete = await uploadParts(rawKey, uploadId!, parts);
      expect((await emu.request('POST', `/${rawKey}?uploadId=${uploadId}`, { body: complete })).status).toBe(
        200,
      );
      sources.set(rawKey, Buffer.concat(parts));
      // A second upload of the same key stays pending, so upload and part records are hostile too.
      const second = await initiate(rawKey);
      await uploadParts(rawKey, second.uploadId!, [testBytes(500, 430 + i)]);
      pending.set(rawKey, second.uploadId!);
    }

    await emu.restart();
    for (const [rawKey, source] of sources) {
      const got = await emu.request('GET', `/${rawKey}`);
      const head = await emu.request('HEAD', `/${rawKey}`);
      expect(got.status).toBe(200);
      expect({
        size: got.body.length,
        md5: await md5Hex(got.body),
        getCrc64: got.headers['x-oss-hash-crc64ecma'],
        headCrc64: head.headers['x-oss-hash-crc64ecma'],
        etag: head.headers.etag,
      }).toEqual(await sourceDigests(source, { partSize: 100 * KIB }));
    }
    const listed = await emu.request('GET', '/?uploads=');
    expect(xmlTexts(listed.text, 'Key').sort()).toEqual(Object.values(KEYS).sort());
    for (const [rawKey, uploadId] of pending) {
      const parts = await emu.request('GET', `/${rawKey}?uploadId=${uploadId}`);
      expect(xmlTexts(parts.text, 'PartNumber')).toEqual(['1']);
    }
    const objects = await emu.request('GET', '/');
    expect(xmlTexts(objects.text, 'Key').sort()).toEqual(Object.values(KEYS).sort());

    for (const file of await walk(emu.dataDir)) {
      expect(relative(emu.dataDir, file).startsWith('..')).toBe(false);
      expect(file.slice(emu.dataDir.length)).not.toMatch(/mp-|nul|\\/);
    }
    for (const name of ['mp-escape.bin', 'mp-encoded.bin', 'mp-middle.bin']) {
      for (const up of ['..', '../..', '../../..']) {
        await expect(stat(resolve(emu.dataDir, up, name))).rejects.toThrow();
      }
    }
  });

  it('refuses names OSS refuses already at Initiate, counting UTF-8 bytes, and keeps no upload', async () => {
    const refused = [
      'k'.repeat(1024),
      encodeURIComponent('é'.repeat(512)), // 1024 bytes in 512 characters
      '%5Cleading-backslash.bin',
      `${BUCKET}//leading-slash.bin`, // path style: the key is "/leading-slash.bin"
    ];
    for (const rawKey of refused) {
      const { res } = await initiate(rawKey);
      expect([res.status, xmlText(res.text, 'Code')]).toEqual([400, 'InvalidObjectName']);
    }
    expect(xmlTexts((await emu.request('GET', '/?uploads=')).text, 'UploadId')).toEqual([]);
    const longest = encodeURIComponent(`${'é'.repeat(511)}k`); // 1023 bytes
    const { res, uploadId } = await initiate(longest);
    expect(res.status).toBe(200);
    await uploadParts(longest, uploadId!, [testBytes(10)]);
    expect((await emu.request('GET', `/${longest}?uploadId=${uploadId}`)).status).toBe(200);
  });
});

describe('hostile bodies and requests', () => {
  it('refuses XML bombs, external entities, deep nesting and oversized Complete bodies fast; the upload survives', async () => {
    const { uploadId } = await initiate('bomb.bin');
    const part = testBytes(2000, 440);
    const goodBody = await uploadParts('bomb.bin', uploadId!, [part]);
    const laughs = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`,
    ).join('');
    const bodies = {
      billionLaughs: `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY lol "lol">${laughs}]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&lol9;</ETag></Part></CompleteMultipartUpload>`,
      externalEntity: `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>&xxe;</ETag></Part></CompleteMultipartUpload>`,
      deepNesting: `<CompleteMultipartUpload>${'<a>'.repeat(200_000)}${'</a>'.repeat(200_000)}</CompleteMultipartUpload>`,
      overCap: `<CompleteMultipartUpload>${'<Part><PartNumber>1</PartNumber><ETag>x</ETag></Part>'.repeat(60_000)}</CompleteMultipartUpload>`,
    };
    for (const body of Object.values(bodies)) {
      const started = Date.now();
      const res = await emu.request('POST', `/bomb.bin?uploadId=${uploadId}`, { body });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(res.status).toBe(400);
      expect(['MalformedXML', 'InvalidPart']).toContain(xmlText(res.text, 'Code'));
      expect(res.body.length).toBeLessThan(4096);
      expect(res.text).not.toMatch(/root:|lollollol/);
    }
    const parts = await emu.request('GET', `/bomb.bin?uploadId=${uploadId}`);
    expect(xmlTexts(parts.text, 'PartNumber')).toEqual(['1']);
    expect((await emu.request('POST', `/bomb.bin?uploadId=${uploadId}`, { body: goodBody })).status).toBe(
      200,
    );
    expect((await emu.request('GET', '/bomb.bin')).body.equals(part)).toBe(true);
  });

  it('answers what the HTTP parser refuses with OSS errors, and keeps serving', async () => {
    const answers = {
      garbage: await rawExchange('\x16\x03\x01 not http at all\r\n\r\n'),
      longUrl: await rawExchange(`GET /${'u'.repeat(40 * KIB)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
      manyHeaders: await rawExchange(
        `GET /k HTTP/1.1\r\nHost: 127.0.0.1\r\n${Array.from({ length: 3000 }, (_, i) => `x-h${i}: ${'v'.repeat(10)}\r\n`).join('')}\r\n`,
      ),
      badHeader: await rawExchange('GET /k HTTP/1.1\r\nHost: 127.0.0.1\r\nx-oss-meta-a: b\x00c\r\n\r\n'),
      badLength: await rawExchange('PUT /k HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n'),
    };
    for (const [name, answer] of Object.entries(answers)) {
      const status = Number(answer.match(/^HTTP\/1\.1 (\d{3})/)?.[1]);
      expect(status, name).toBeGreaterThanOrEqual(400);
      expect(status, name).toBeLessThan(500);
      expect(answer, name).toMatch(/\r\nServer: AliyunOSS\r\n/);
      expect(xmlText(answer, 'Code'), name).toMatch(/^(BadRequest|RequestHeaderTooLarge)$/);
    }
    await expectStillServing();
  });
});
