// A bounded, seeded request fuzzer: a few thousand requests with mutated methods, sub-resources,
// headers, keys, XML and bodies, correctly signed, wrongly signed and unsigned. The emulator must
// answer every one (no hang, no 5xx other than 501 NotImplemented, its documented refusal of an
// unimplemented OSS operation), and what was stored before must be exactly as it was after.
//
// Signed requests address the `fuzz-bucket` (they are allowed to change it), or a protected object
// with a sub-resource that must leave its bytes alone (`?acl`, `?tagging`, `?symlink`, `?append`...: a
// tag may change, the data may not); wrongly signed and unsigned ones address anything. Reproduce a
// failure with FUZZ_SEED=<seed printed in the failure> npx vitest run tests/server/emulator/conformance/fuzz.test.ts

import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequestV4 } from '../../../../lib/oss/sign-v4.ts';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import { seededRandom } from '../../../../server/emulator/faults/seeded-random.ts';
import {
  BUCKET,
  KIB,
  ossClient,
  ROOT,
  startSignedEmulator,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import { type TestEmulator, xmlText } from '../../../support/emulator.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 3000);
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 10_000;
const FUZZ_BUCKET = 'fuzz-bucket';

let emulator: TestEmulator;
const random = seededRandom(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const chance = (p: number) => random() < p;
const int = (max: number) => Math.floor(random() * max);

interface Protected {
  objects: Map<string, string>; // key → md5 of content
  uploads: Map<string, { key: string; parts: string }>; // uploadId → key and its ListParts answer
}
const kept: Protected = { objects: new Map(), uploads: new Map() };

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

beforeAll(async () => {
  emulator = await startSignedEmulator({
    createBuckets: [BUCKET, FUZZ_BUCKET],
    lifecycleSweepIntervalMs: 24 * 3600_000, // a fuzzed lifecycle rule must not act during the run
  });
  const client = ossClient(emulator);
  for (const [i, size] of [0, 1, 5 * KIB, 100 * KIB, 300 * KIB].entries()) {
    const data = testBytes(size, 900 + i);
    await client.put(`keep/object-${i}`, data);
    kept.objects.set(`keep/object-${i}`, md5(data));
  }
  const multipart = testBytes(250 * KIB, 950);
  await client.multipartUpload('keep/multipart.bin', multipart, { partSize: 100 * KIB });
  kept.objects.set('keep/multipart.bin', md5(multipart));
  for (const i of [0, 1]) {
    const key = `keep/upload-${i}`;
    const { uploadId } = await client.initMultipartUpload(key);
    await client.uploadPart(key, uploadId, 1, testBytes(100 * KIB, 960 + i), 0, 100 * KIB);
    await client.uploadPart(key, uploadId, 2, testBytes(10 * KIB, 970 + i), 0, 10 * KIB);
    kept.uploads.set(uploadId, { key, parts: await listPartsXml(key, uploadId) });
  }
});
afterAll(() => emulator.dispose());

async function listPartsXml(key: string, uploadId: string): Promise<string> {
  const listed = await ossClient(emulator).listParts(key, uploadId, {} as never);
  return JSON.stringify(listed.parts);
}

// --- request generation --------------------------------------------------------------------------

const HOSTILE_KEYS = [
  "fuzz/a b+c(1)!*'",
  'fuzz/../../etc/passwd',
  'fuzz/%2e%2e%2f',
  'fuzz/ünïcødé/日本語',
  'fuzz/\u0000nul',
  `fuzz/${'x'.repeat(1100)}`,
  '/fuzz/leading',
  '\\fuzz\\back',
  'fuzz//double',
  'fuzz/trailing/',
  'fuzz/emoji-😀',
];
const SUBRESOURCES = [
  'uploads',
  'tagging',
  'acl',
  'delete',
  'objectMeta',
  'symlink',
  'append',
  'bucketInfo',
  'cors',
  'lifecycle',
  'restore',
  'x-oss-process',
  'versioning',
  'location',
];
/** Sub-resources that select an operation which must not change a protected object's bytes. */
const PROTECTED_SAFE_SUBRESOURCES = SUBRESOURCES.filter((name) => name !== 'uploads');
const PARAMS = [
  'encoding-type=url',
  'max-keys=2',
  'max-keys=-1',
  'max-keys=abc',
  'prefix=fuzz/',
  'marker=fuzz/m',
  'list-type=2',
  'continuation-token=%%%',
  'continuation-token=Zm9v',
  'response-content-type=text/evil',
  'position=0',
  'position=-5',
  'versionId=v1',
  'max-parts=0',
  'part-number-marker=x',
  'max-uploads=99999',
  'delimiter=/',
];

function fuzzKey(protectedToo: boolean): string {
  const keys = [...HOSTILE_KEYS, `fuzz/k${int(20)}`, `fuzz/k${int(20)}`, ''];
  if (protectedToo) keys.push(...kept.objects.keys(), ...[...kept.uploads.values()].map((u) => u.key));
  return pick(keys);
}

function uploadIdParam(): string {
  return pick([...kept.uploads.keys(), '0123456789ABCDEF0123456789ABCDEF', '', 'not-an-id', '../x']);
}

function mutate(text: string): string {
  const bytes = Buffer.from(text);
  switch (int(4)) {
    case 0:
      return bytes.subarray(0, int(bytes.length + 1)).toString('latin1');
    case 1: {
      if (bytes.length > 0) bytes[int(bytes.length)] = int(256);
      return bytes.toString('latin1');
    }
    case 2:
      return text.replace(/<\/?[A-Za-z]+>/, '');
    default:
      return text;
  }
}

function xmlBody(): string {
  const etag = `"${createHash('md5')
    .update(String(int(1000)))
    .digest('hex')
    .toUpperCase()}"`;
  return mutate(
    pick([
      `<CompleteMultipartUpload><Part><PartNumber>${pick(['1', '2', '0', '-1', 'x'])}</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
      `<Delete><Quiet>${pick(['true', 'false', 'maybe'])}</Quiet><Object><Key>${fuzzKey(false)}</Key></Object></Delete>`,
      '<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>',
      '<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>',
      '<LifecycleConfiguration><Rule><ID>r</ID><Prefix>fuzz/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;&a;&a;</x>',
      '<a>'.repeat(500),
    ]),
  );
}

function formBody(boundary: string): string {
  const fields: [string, string][] = [
    ['key', fuzzKey(false)],
    [
      'policy',
      pick([
        '',
        'e30=',
        Buffer.from('{"expiration":"2000-01-01T00:00:00Z","conditions":[]}').toString('base64'),
        '%%%',
      ]),
    ],
    ['OSSAccessKeyId', pick([ROOT.accessKeyId, 'LTAIwho'])],
    ['Signature', pick(['', 'AAAA', 'x'])],
    ['success_action_status', pick(['201', '200', 'x'])],
  ];
  const parts = fields
    .filter(() => chance(0.8))
    .map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`);
  if (chance(0.8))
    parts.push(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\n${'z'.repeat(int(2000))}\r\n`,
    );
  return mutate(`${parts.join('')}--${boundary}--\r\n`);
}

interface FuzzRequest {
  method: string;
  bucket: string;
  key: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Buffer;
  auth: 'signed' | 'signed-protected' | 'wrong-secret' | 'unsigned';
  virtualHost: boolean;
}

function generate(): FuzzRequest {
  const auth = pick(['signed', 'signed', 'signed-protected', 'wrong-secret', 'unsigned'] as const);
  const bucket =
    auth === 'signed'
      ? FUZZ_BUCKET
      : auth === 'signed-protected'
        ? BUCKET
        : pick([BUCKET, FUZZ_BUCKET, 'no-such-bucket']);
  const method = pick(['GET', 'PUT', 'POST', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'PROPFIND', 'put']);
  const query: [string, string][] = [];
  for (let n = chance(0.4) ? 1 + int(2) : 0; n > 0; n--) {
    const name = pick(SUBRESOURCES);
    if (auth !== 'signed-protected' || PROTECTED_SAFE_SUBRESOURCES.includes(name)) query.push([name, '']);
  }
  if (auth === 'signed-protected') query.push([pick(PROTECTED_SAFE_SUBRESOURCES), '']);
  else if (chance(0.3)) query.push(['uploadId', uploadIdParam()]);
  if (chance(0.25)) query.push(['partNumber', pick(['1', '2', '0', '10001', 'x', ''])]);
  for (let n = int(3); n > 0; n--) {
    const [name, value = ''] = pick(PARAMS).split('=');
    query.push([name!, decodeURIComponent(value.replace(/%%%/, '%25%25'))]);
  }
  const headers: Record<string, string> = {};
  const maybe = (p: number, name: string, values: string[]) => {
    if (chance(p)) headers[name] = pick(values);
  };
  maybe(0.2, 'x-oss-copy-source', [
    `/${BUCKET}/keep/object-3`,
    `/${BUCKET}/keep%2Fmultipart.bin`,
    `/${FUZZ_BUCKET}/fuzz/k1`,
    '/nobucket/x',
    'garbage',
    '/a/%ZZ',
  ]);
  maybe(0.1, 'x-oss-copy-source-range', ['bytes=0-10', 'bytes=10-0', 'bytes=-5', 'bytes=x']);
  maybe(0.15, 'range', ['bytes=0-0', 'bytes=-0', 'bytes=999999-', 'bytes=1-2,3-4', 'bytes=-1']);
  maybe(0.1, 'x-oss-range-behavior', ['standard', 'odd']);
  maybe(0.1, 'x-oss-tagging', ['a=1', 'a=b=c', '%ZZ=1', 'k=v&'.repeat(12)]);
  maybe(0.1, 'x-oss-forbid-overwrite', ['true', 'false', 'maybe']);
  maybe(0.1, 'x-oss-storage-class', ['Standard', 'IA', 'Gold']);
  maybe(0.1, 'x-oss-metadata-directive', ['COPY', 'REPLACE', 'MOVE']);
  maybe(0.05, 'x-oss-complete-all', ['yes', 'no']);
  maybe(0.05, 'x-oss-callback', [
    'bm90IGpzb24=',
    '!!',
    Buffer.from('{"callbackUrl":"127.0.0.1:1","callbackBody":"x"}').toString('base64'),
  ]);
  maybe(0.1, 'x-oss-meta-fuzz', ['v', 'ü', '']);
  maybe(0.05, 'if-match', ['"x"', '*']);
  maybe(0.05, 'origin', ['http://app.example']);
  let body: Buffer | undefined;
  switch (int(5)) {
    case 0:
      break;
    case 1:
      body = testBytes(int(64 * KIB), int(1e6));
      break;
    case 2:
    case 3:
      body = Buffer.from(xmlBody(), 'latin1');
      headers['content-md5'] = chance(0.7) ? createHash('md5').update(body).digest('base64') : 'AAAA';
      break;
    default: {
      const boundary = `fz${int(1e6)}`;
      body = Buffer.from(formBody(boundary), 'latin1');
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
    }
  }
  return {
    method,
    bucket,
    key: auth === 'signed-protected' ? pick([...kept.objects.keys()]) : fuzzKey(auth !== 'signed'),
    query,
    headers,
    body,
    auth,
    virtualHost: chance(0.3),
  };
}

// --- sending ------------------------------------------------------------------------------------

const encodePath = (key: string) => key.split('/').map(encodeURIComponent).join('/');

type Outcome = { status: number; code?: string } | { failure: string };

async function send(request: FuzzRequest): Promise<Outcome> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body) headers['content-length'] = String(request.body.length);
  if (request.auth !== 'unsigned') {
    const credentials = request.auth === 'wrong-secret' ? { ...ROOT, accessKeySecret: 'wrong-secret' } : ROOT;
    Object.assign(
      headers,
      await signRequestV4(
        {
          method: request.method.toUpperCase(),
          bucket: request.bucket,
          key: request.key,
          query: request.query,
          headers,
        },
        credentials,
        { region: EMULATOR_DEFAULTS.region, now: new Date() },
      ),
    );
  }
  const search = request.query.map(([n, v]) =>
    v === '' ? encodeURIComponent(n) : `${encodeURIComponent(n)}=${encodeURIComponent(v)}`,
  );
  const keyPath = encodePath(request.key);
  const path = `${request.virtualHost ? `/${keyPath}` : `/${request.bucket}/${keyPath}`}${search.length ? `?${search.join('&')}` : ''}`;
  const host = request.virtualHost
    ? `${request.bucket}.localhost:${emulator.port}`
    : `127.0.0.1:${emulator.port}`;
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: emulator.port,
        method: request.method,
        path,
        headers: { ...headers, host },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => resolve({ failure: `response error ${e.message}` }));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          const errHeader = res.headers['x-oss-err'];
          const xml = errHeader ? Buffer.from(String(errHeader), 'base64').toString() : text;
          resolve({ status: res.statusCode ?? 0, code: xmlText(xml, 'Code') });
        });
      },
    );
    req.setTimeout(REQUEST_TIMEOUT_MS, () => {
      req.destroy();
      resolve({ failure: `no answer within ${REQUEST_TIMEOUT_MS} ms` });
    });
    // The emulator may answer and close before reading a body it refuses: that is an answer, not a failure.
    req.on('error', (e: NodeJS.ErrnoException) =>
      resolve({ failure: `connection error ${e.code ?? e.message}` }),
    );
    req.end(request.body);
  });
}

describe(`request fuzzer (seed ${SEED}, ${REQUESTS} requests)`, () => {
  it('answers every request below 500 (or 501 NotImplemented) and changes nothing it must not', {
    timeout: 120_000,
  }, async () => {
    const requests = Array.from({ length: REQUESTS }, generate);
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const describeRequest = (r: FuzzRequest) =>
      `${r.auth} ${r.method} ${r.virtualHost ? 'vhost' : 'path'} ${r.bucket} ${JSON.stringify(r.key.slice(0, 60))} ?${r.query.map(([n, v]) => `${n}=${v}`).join('&')} ${JSON.stringify(r.headers).slice(0, 200)} body=${r.body?.length ?? '-'}`;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const request = requests[next++]!;
          const outcome = await send(request);
          if ('failure' in outcome) {
            // A refused body may be cut off by the emulator closing the connection after its answer;
            // anything else (a timeout, a reset before any answer) is a failure.
            if (!/EPIPE|ECONNRESET/.test(outcome.failure) || !request.body)
              problems.push(`${outcome.failure}: ${describeRequest(request)}`);
            continue;
          }
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          const refusal = outcome.status === 501 && outcome.code === 'NotImplemented';
          if (outcome.status >= 500 && !refusal)
            problems.push(`${outcome.status} ${outcome.code}: ${describeRequest(request)}`);
          if (
            !request.auth.startsWith('signed') &&
            request.method !== 'OPTIONS' &&
            outcome.status < 300 &&
            outcome.status !== 0
          ) {
            problems.push(`unauthenticated success ${outcome.status}: ${describeRequest(request)}`);
          }
        }
      }),
    );
    console.log(
      `fuzz seed ${SEED}: ${requests.length} requests, statuses ${JSON.stringify([...statuses].sort((a, b) => a[0] - b[0]))}`,
    );
    expect(problems, `seed ${SEED}; statuses ${JSON.stringify([...statuses])}`).toEqual([]);

    const client = ossClient(emulator);
    for (const [key, digest] of kept.objects) {
      const got = await client.get(key);
      expect(md5(got.content as Buffer), `seed ${SEED}: ${key}`).toBe(digest);
    }
    for (const [uploadId, { key, parts }] of kept.uploads) {
      expect(await listPartsXml(key, uploadId), `seed ${SEED}: upload ${uploadId}`).toBe(parts);
    }
    // The emulator is still healthy and serving.
    expect((await fetch(`${emulator.url}/-/health`)).status).toBe(200);
  });
});
