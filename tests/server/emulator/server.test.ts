import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS } from '../../../server/config/emulator-defaults.ts';
import { parseRequestLog } from '../../../server/emulator/faults/request-log.ts';
import { sendXml } from '../../../server/emulator/http/exchange.ts';
import { OPERATIONS } from '../../../server/emulator/routing/operations.ts';
import { startEmulator } from '../../../server/emulator/server.ts';
import { createStsClient } from '../../../server/token-service/sts-client.ts';
import { BUCKET, send, startTestEmulator, type TestEmulator, xmlText } from '../../support/emulator.ts';
import { REPO_ROOT } from '../../support/repo-root.ts';

let emu: TestEmulator | undefined;
afterEach(async () => {
  await emu?.dispose();
  emu = undefined;
});

describe('addressing', () => {
  it('resolves virtual-host, path-style and default-bucket requests to the same object', async () => {
    emu = await startTestEmulator({ createBuckets: [BUCKET, 'other-bucket'] });
    await emu.request('PUT', '/dir/v.txt', {
      body: 'default',
      headers: { Host: `${BUCKET}.localhost:${emu.port}` },
    });
    expect((await emu.request('GET', `/${BUCKET}/dir/v.txt`)).text).toBe('default');
    expect((await emu.request('GET', '/dir/v.txt')).text).toBe('default');
    await emu.request('PUT', '/other-bucket/o.txt', { body: 'other' });
    expect(
      (await emu.request('GET', '/o.txt', { headers: { Host: `other-bucket.localhost:${emu.port}` } })).text,
    ).toBe('other');
    expect((await emu.request('GET', '/o.txt')).status).toBe(404);
    // The auth layer always sees bucket + key, whatever the style.
    expect(emu.auth.actions.at(-2)).toEqual(['oss:GetObject', 'other-bucket', 'o.txt']);

    const missing = await emu.request('GET', '/k', {
      headers: { Host: `no-such-bucket.localhost:${emu.port}` },
    });
    expect(missing.status).toBe(404);
    expect(xmlText(missing.text, 'Code')).toBe('NoSuchBucket');
    expect(xmlText(missing.text, 'BucketName')).toBe('no-such-bucket');
    expect(missing.headers['x-oss-ec']).toBe('0015-00000101');
  });

  it('without a default bucket, treats the first segment as the bucket', async () => {
    emu = await startTestEmulator({ defaultBucket: undefined });
    expect(xmlText((await emu.request('GET', '/nope/k')).text, 'Code')).toBe('NoSuchBucket');
    expect((await emu.request('PUT', `/${BUCKET}/k`, { body: 'x' })).status).toBe(200);
    // The bare endpoint is the service: GET lists buckets (ListBuckets), anything else is not allowed.
    const service = await emu.request('GET', '/');
    expect(service.status).toBe(200);
    expect(xmlText(service.text, 'Name')).toBe(BUCKET);
    expect((await emu.request('PUT', '/')).status).toBe(405);
  });
});

describe('request pipeline', () => {
  it('asks authorize() for the RAM action of every operation', async () => {
    emu = await startTestEmulator();
    const upload = xmlText((await emu.request('POST', '/a.bin?uploads=')).text, 'UploadId')!;
    const calls: [string, string, string][] = [
      ['PUT', '/a.txt', 'oss:PutObject'],
      ['GET', '/a.txt', 'oss:GetObject'],
      ['HEAD', '/a.txt', 'oss:GetObject'],
      ['HEAD', '/a.txt?objectMeta=', 'oss:GetObject'],
      ['DELETE', '/a.txt', 'oss:DeleteObject'],
      ['GET', '/', 'oss:ListObjects'],
      ['GET', '/?list-type=2', 'oss:ListObjects'],
      ['POST', '/a.bin?uploads=', 'oss:PutObject'],
      ['PUT', `/a.bin?partNumber=1&uploadId=${upload}`, 'oss:PutObject'],
      ['GET', `/a.bin?uploadId=${upload}`, 'oss:ListParts'],
      ['POST', `/a.bin?uploadId=${upload}`, 'oss:PutObject'],
      ['DELETE', `/a.bin?uploadId=${upload}`, 'oss:AbortMultipartUpload'],
      ['GET', '/?uploads=', 'oss:ListMultipartUploads'],
      ['GET', '/?cors', 'oss:GetBucketCors'],
      ['PUT', '/?cors', 'oss:PutBucketCors'],
      ['GET', '/?lifecycle', 'oss:GetBucketLifecycle'],
      ['PUT', '/?lifecycle', 'oss:PutBucketLifecycle'],
      ['GET', '/?bucketInfo', 'oss:GetBucketInfo'],
      ['PUT', '/a.txt?tagging', 'oss:PutObjectTagging'],
      ['GET', '/a.txt?tagging', 'oss:GetObjectTagging'],
      ['DELETE', '/a.txt?tagging', 'oss:DeleteObjectTagging'],
    ];
    const actions = new Set<string>(['oss:ListBuckets']); // service level: asserted in list-buckets.test.ts
    for (const [method, path, action] of calls) {
      emu.auth.actions.length = 0;
      await emu.request(method, path, { body: method === 'PUT' || method === 'POST' ? 'x' : undefined });
      expect(emu.auth.actions.map((a) => a[0])).toEqual([action]);
      actions.add(action);
    }
    expect(actions).toEqual(new Set(OPERATIONS.map((op) => op.action)));
  });

  it('uses the real authenticator by default: unsigned requests are refused', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-'));
    const running = await startEmulator({ port: 0, dataDir, createBuckets: [BUCKET], defaultBucket: BUCKET });
    try {
      const res = await send(running.url, 'GET', '/k');
      expect(res.status).toBe(403);
      expect(xmlText(res.text, 'Code')).toBe('AccessDenied');
      // Preflights are unsigned by nature and still answered: from the app's default origin.
      const preflight = await send(running.url, 'OPTIONS', '/k', {
        headers: { Origin: 'http://localhost:8080', 'Access-Control-Request-Method': 'PUT' },
      });
      expect(preflight.status).toBe(200);
    } finally {
      await running.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('answers oversized headers with an OSS error instead of crashing', async () => {
    emu = await startTestEmulator();
    const res = await emu.request('GET', '/k', { headers: { 'x-oss-meta-big': 'x'.repeat(40 * 1024) } });
    expect(res.status).toBe(400);
    expect(xmlText(res.text, 'Code')).toBe('RequestHeaderTooLarge');
    expect(res.headers.server).toBe('AliyunOSS');
    expect((await emu.request('GET', '/-/health')).status).toBe(200);
  });

  it('answers unknown method/resource combinations with MethodNotAllowed', async () => {
    emu = await startTestEmulator();
    const res = await emu.request('POST', '/k');
    expect(res.status).toBe(405);
    expect(xmlText(res.text, 'Code')).toBe('MethodNotAllowed');
  });

  it('lets a fault injector answer instead of the operation', async () => {
    emu = await startTestEmulator({
      faultInjector: async (operation, req, res) => {
        if (operation !== 'UploadPart' || !req.url?.includes('partNumber=2')) return undefined;
        res.statusCode = 503;
        res.end('slow down');
        return 'handled';
      },
    });
    const upload = xmlText((await emu.request('POST', '/f.bin?uploads=')).text, 'UploadId')!;
    expect((await emu.request('PUT', `/f.bin?partNumber=1&uploadId=${upload}`, { body: 'a' })).status).toBe(
      200,
    );
    expect((await emu.request('PUT', `/f.bin?partNumber=2&uploadId=${upload}`, { body: 'b' })).status).toBe(
      503,
    );
  });

  it('runs onObjectStored after Put/Complete and lets it replace the response', async () => {
    const seen: string[] = [];
    emu = await startTestEmulator({
      onObjectStored: async (event) => {
        seen.push(`${event.operation}:${event.key}:${event.object.size}`);
        if (event.key !== 'replaced.txt') return undefined;
        sendXml(event.exchange, 203, '<Error><Code>CallbackFailed</Code></Error>');
        return 'handled';
      },
    });
    const plain = await emu.request('PUT', '/plain.txt', { body: 'abc' });
    expect(plain.status).toBe(200);
    const replaced = await emu.request('PUT', '/replaced.txt', { body: 'abcd' });
    expect(replaced.status).toBe(203);
    expect(replaced.headers.etag).toMatch(/^"[0-9A-F]{32}"$/);
    expect((await emu.request('GET', '/replaced.txt')).text).toBe('abcd');
    const upload = xmlText((await emu.request('POST', '/m.bin?uploads=')).text, 'UploadId')!;
    const etag = (await emu.request('PUT', `/m.bin?partNumber=1&uploadId=${upload}`, { body: 'xy' })).headers
      .etag;
    await emu.request('POST', `/m.bin?uploadId=${upload}`, {
      body: `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${etag}</ETag></Part></CompleteMultipartUpload>`,
    });
    expect(seen).toEqual([
      'PutObject:plain.txt:3',
      'PutObject:replaced.txt:4',
      'CompleteMultipartUpload:m.bin:2',
    ]);
  });
});

describe('internal routes', () => {
  it('creates and deletes buckets, reports health, and 404s unknown endpoints', async () => {
    emu = await startTestEmulator();
    expect((await emu.request('PUT', '/-/admin/buckets/new-bucket?cors=permissive')).status).toBe(200);
    expect(JSON.parse((await emu.request('GET', '/-/health')).text).buckets).toContain('new-bucket');
    const preflight = await emu.request('OPTIONS', '/new-bucket/k', {
      headers: { Origin: 'http://x', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(200);
    expect((await emu.request('PUT', '/new-bucket/k', { body: 'x' })).status).toBe(200);
    expect((await emu.request('DELETE', '/-/admin/buckets/new-bucket')).status).toBe(204);
    expect(
      xmlText((await emu.request('GET', '/k', { headers: { Host: 'new-bucket.localhost' } })).text, 'Code'),
    ).toBe('NoSuchBucket');
    const bad = await emu.request('PUT', '/-/admin/buckets/Bad_Name');
    expect(bad.status).toBe(400);
    expect(xmlText(bad.text, 'Code')).toBe('InvalidBucketName');
    expect((await emu.request('GET', '/-/nothing-here')).status).toBe(404);
  });
});

describe('lifecycle', () => {
  it('stores rules and aborts expired uploads when swept', async () => {
    emu = await startTestEmulator();
    expect(xmlText((await emu.request('GET', '/?lifecycle')).text, 'Code')).toBe('NoSuchLifecycle');
    const rules =
      '<LifecycleConfiguration><Rule><ID>abort-tmp</ID><Prefix>tmp/</Prefix><Status>Enabled</Status><AbortMultipartUpload><Days>0.0001</Days></AbortMultipartUpload></Rule></LifecycleConfiguration>';
    expect((await emu.request('PUT', '/?lifecycle', { body: rules })).status).toBe(200);
    const got = await emu.request('GET', '/?lifecycle');
    expect(got.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<LifecycleConfiguration>\n  <Rule>\n    <ID>abort-tmp</ID>\n    <Prefix>tmp/</Prefix>\n    <Status>Enabled</Status>\n    <AbortMultipartUpload>\n      <Days>0.0001</Days>\n    </AbortMultipartUpload>\n  </Rule>\n</LifecycleConfiguration>\n',
    );
    expect(xmlText((await emu.request('PUT', '/?lifecycle', { body: '<Lifecycle' })).text, 'Code')).toBe(
      'MalformedXML',
    );

    const doomed = xmlText((await emu.request('POST', '/tmp/a.bin?uploads=')).text, 'UploadId')!;
    const kept = xmlText((await emu.request('POST', '/keep/a.bin?uploads=')).text, 'UploadId')!;
    expect(await emu.sweepLifecycle(Date.now())).toEqual({ abortedUploads: 0, expiredObjects: 0 });
    // 0.0001 days = 8.64 s.
    expect(await emu.sweepLifecycle(Date.now() + 10_000)).toEqual({ abortedUploads: 1, expiredObjects: 0 });
    expect((await emu.request('GET', `/tmp/a.bin?uploadId=${doomed}`)).status).toBe(404);
    expect((await emu.request('GET', `/keep/a.bin?uploadId=${kept}`)).status).toBe(200);
  });
});

describe('CLI', () => {
  it('prints one ready line with the endpoint and stops cleanly on SIGTERM', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'oss-emulator-cli-'));
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/emulator/main.ts',
        '--port',
        '0',
        '--data',
        dataDir,
        '--bucket',
        'cli-bucket',
        '--cors-origin',
        'http://localhost:5173',
        '--cors-origin',
        'https://*.example.com',
        '--allowed-host',
        'emulator.test',
        '--callback-allow',
        '127.0.0.1',
        '--sts-min-duration-seconds',
        '1',
        '--request-log',
        join(dataDir, 'requests.jsonl'),
      ],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
      });
      const match = line.match(
        /^OSS emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(bucket cli-bucket\)\n$/,
      );
      expect(match).not.toBeNull();
      const health = await send(match![1]!, 'GET', '/-/health');
      expect(JSON.parse(health.text).buckets).toEqual(['cli-bucket']);
      const preflight = (origin: string) =>
        send(match![1]!, 'OPTIONS', '/k', {
          headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
        });
      expect((await preflight('http://localhost:5173')).status).toBe(200);
      expect((await preflight('https://app.example.com')).status).toBe(200);
      expect((await preflight('http://localhost:8080')).status).toBe(403);
      const named = await send(match![1]!, 'GET', '/-/health', { headers: { Host: 'emulator.test:9000' } });
      expect(named.status).toBe(200);
      // A one-second token (real STS refuses less than 900 s).
      const sts = createStsClient({
        accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
        accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
        endpoint: `${match![1]!}/-/sts`,
      });
      const token = await sts.assumeRole({
        roleArn: EMULATOR_DEFAULTS.roleArn,
        policy: { Version: '1', Statement: [{ Effect: 'Allow', Action: ['oss:*'], Resource: ['*'] }] },
        durationSeconds: 1,
        sessionName: 'cli-test',
      });
      expect(Date.parse(token.expiration) - Date.now()).toBeLessThanOrEqual(1000);
      // An unsigned GetObject is refused, and the request log says so.
      expect((await send(match![1]!, 'GET', '/cli-bucket/logged.txt')).status).toBe(403);
      const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      const log = parseRequestLog(await readFile(join(dataDir, 'requests.jsonl'), 'utf8'));
      expect(log).toEqual([
        expect.objectContaining({ operation: 'GetObject', key: 'logged.txt', status: 403, bytes: 0 }),
      ]);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', 'abc'], /^Invalid --port abc$/m],
    [['--fault-error-rate', '2'], /^Invalid --fault-\* flags: /m],
    [['--sts-min-duration-seconds', '0'], /^Invalid --sts-min-duration-seconds 0: /m],
    [['--cors-origin', 'localhost:8080'], /^Invalid --cors-origin: "localhost:8080" is not an origin/m],
    [['--allowed-host', 'evil/path'], /^Invalid --allowed-host: "evil\/path" is not a host name/m],
    [
      ['--callback-allow', 'localhost'],
      /^Invalid --callback-allow: "localhost" is not an IP address or CIDR/m,
    ],
  ])('refuses %j with one clear line and exit code 2', async (args, message) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/emulator/main.ts', ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
  });
});
