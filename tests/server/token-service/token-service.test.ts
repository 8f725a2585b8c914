// POST /api/credentials over real HTTP against the real emulator's STS, then the credentials used
// with the real ali-oss client to show what the session policy allows and refuses.
import type OSS from 'ali-oss';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { EMULATOR_DEFAULTS } from '../../../server/config/emulator-defaults.ts';
import { createStsClient } from '../../../server/token-service/sts-client.ts';
import { ossClientWithToken, ossErrorCode, statusOf } from '../../support/ali-oss-client.ts';
import {
  OTHER_BUCKET,
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';

const BEARER_SECRET = 'correct-horse-battery-staple-0123456789';
const NON_LOOPBACK = '203.0.113.5';

let stack: TestEmulator;
const apps: TestApp[] = [];

beforeAll(async () => {
  stack = await startProductEmulator();
});
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});
afterAll(async () => {
  await stack.dispose();
});

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const started = await startTestApp(stack.url, env);
  apps.push(started);
  return started;
}

async function post(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', headers });
  return { status: response.status, headers: response.headers, body: (await response.json()) as unknown };
}

describe('POST /api/credentials in emulator mode', () => {
  it('gives a loopback client STS credentials for the configured bucket and prefix', async () => {
    const { credentialsUrl } = await app();
    const before = Date.now();
    const { status, headers, body } = await post(credentialsUrl);
    expect(status).toBe(200);
    expect(headers.get('cache-control')).toBe('no-store');
    const credentials = body as TemporaryCredentials;
    expect(Object.keys(credentials).sort()).toEqual([
      'accessKeyId',
      'accessKeySecret',
      'bucket',
      'endpoint',
      'expiration',
      'listPrefix',
      'partsPrefix',
      'prefix',
      'region',
      'securityToken',
    ]);
    // No users on loopback: the one person at this machine has the whole upload prefix.
    expect(credentials).toMatchObject({
      bucket: EMULATOR_DEFAULTS.bucket,
      region: EMULATOR_DEFAULTS.region,
      endpoint: stack.url,
      prefix: 'uploads/',
      listPrefix: 'uploads/',
      partsPrefix: 'uploads/~parts/',
    });
    expect(credentials.accessKeyId).toMatch(/^STS\./);
    expect(credentials.accessKeySecret).not.toBe(EMULATOR_DEFAULTS.accessKeySecret);
    const lifetime = Date.parse(credentials.expiration) - before;
    expect(lifetime).toBeGreaterThan(3590_000);
    expect(lifetime).toBeLessThanOrEqual(3601_000);
  });

  it('issues tokens that can upload under the prefix and nothing else', async () => {
    const { credentialsUrl } = await app();
    const credentials = (await post(credentialsUrl)).body as TemporaryCredentials;
    const client = ossClientWithToken(credentials);

    const put = await client.put('uploads/ok.txt', Buffer.from('allowed'));
    expect(put.res.status).toBe(200);
    const { uploadId } = await client.initMultipartUpload('uploads/big.bin');
    const listed = await client.listUploads({ prefix: 'uploads/' }, {});
    expect(listed.uploads.map((u: { name: string }) => u.name)).toContain('uploads/big.bin');
    // @types/ali-oss makes every ListParts query field mandatory and omits `res`; the client does neither.
    const parts = await client.listParts('uploads/big.bin', uploadId, {} as OSS.ListPartsQuery, {});
    expect(statusOf(parts)).toBe(200);
    expect(statusOf(await client.abortMultipartUpload('uploads/big.bin', uploadId))).toBe(204);

    expect(await ossErrorCode(client.put('elsewhere/x.txt', Buffer.from('no')))).toBe('AccessDenied');
    expect(await ossErrorCode(client.put('uploads', Buffer.from('no')))).toBe('AccessDenied');
    expect(await ossErrorCode(client.initMultipartUpload('elsewhere/big.bin'))).toBe('AccessDenied');
    // Upload-only: a leaked token cannot read, list or delete what is already there.
    expect(await ossErrorCode(client.get('uploads/ok.txt'))).toBe('AccessDenied');
    expect(await ossErrorCode(client.delete('uploads/ok.txt'))).toBe('AccessDenied');
    expect(await ossErrorCode(client.list({ prefix: 'uploads/', 'max-keys': 10 }, {}))).toBe('AccessDenied');
    // Unfinished uploads are listed under the prefix only (an oss:Prefix condition): not the bucket.
    expect(await ossErrorCode(client.listUploads({}, {}))).toBe('AccessDenied');
    expect(await ossErrorCode(client.listUploads({ prefix: 'elsewhere/' }, {}))).toBe('AccessDenied');
    // Same prefix, another bucket.
    const other = ossClientWithToken(credentials, OTHER_BUCKET);
    expect(await ossErrorCode(other.put('uploads/x.txt', Buffer.from('no')))).toBe('AccessDenied');
  });

  it('lets uploads carry tags (oss:PutObjectTagging), which OSS refuses to a token without it', async () => {
    const { credentialsUrl } = await app();
    const credentials = (await post(credentialsUrl)).body as TemporaryCredentials;
    const tagged = { headers: { 'x-oss-tagging': 'project=skylift' } };
    expect(
      (await ossClientWithToken(credentials).put('uploads/tagged.txt', Buffer.from('t'), tagged)).res.status,
    ).toBe(200);
    expect(
      statusOf(await ossClientWithToken(credentials).initMultipartUpload('uploads/tagged.bin', tagged)),
    ).toBe(200);

    const untagging = await createStsClient({
      accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
      accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
      endpoint: `${stack.url}/-/sts`,
    }).assumeRole({
      roleArn: EMULATOR_DEFAULTS.roleArn,
      policy: {
        Version: '1',
        Statement: [{ Effect: 'Allow', Action: ['oss:PutObject'], Resource: ['acs:oss:*:*:*/uploads/*'] }],
      },
      durationSeconds: 900,
      sessionName: 'no-tags',
    });
    const noTags = ossClientWithToken({ ...credentials, ...untagging });
    expect((await noTags.put('uploads/untagged.txt', Buffer.from('t'))).res.status).toBe(200);
    expect(await ossErrorCode(noTags.put('uploads/tagged-2.txt', Buffer.from('t'), tagged))).toBe(
      'AccessDenied',
    );
  });

  it('honours OSS_PREFIX and OSS_STS_DURATION_SECONDS', async () => {
    const { credentialsUrl } = await app({ OSS_PREFIX: 'team-a/', OSS_STS_DURATION_SECONDS: '5' });
    const before = Date.now();
    const credentials = (await post(credentialsUrl)).body as TemporaryCredentials;
    expect(credentials.prefix).toBe('team-a/');
    expect(Date.parse(credentials.expiration) - before).toBeLessThanOrEqual(6_000);
    const client = ossClientWithToken(credentials);
    expect((await client.put('team-a/x.txt', Buffer.from('ok'))).res.status).toBe(200);
    expect(await ossErrorCode(client.put('uploads/x.txt', Buffer.from('no')))).toBe('AccessDenied');
  });

  it('refuses clients that are not on this machine, and loopback reached under a foreign host name', async () => {
    const { app: server } = await app();
    const remote = await server.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: NON_LOOPBACK,
    });
    expect(remote.statusCode).toBe(403);
    expect(remote.json()).toEqual({
      error: 'Forbidden',
      message: expect.stringMatching(/TOKEN_ACCESS=loopback/),
    });
    // DNS rebinding: a site whose name resolves to 127.0.0.1 is same-origin with its own page.
    const rebound = await server.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: '127.0.0.1',
      headers: { host: 'attacker.example:8080' },
    });
    expect(rebound.statusCode).toBe(403);
    const mapped = await server.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: '::ffff:127.0.0.1',
    });
    expect(mapped.statusCode).toBe(200);
  });

  it('answers other methods and paths with JSON 404s', async () => {
    const { app: server } = await app();
    const get = await server.inject({ method: 'GET', url: '/api/credentials' });
    expect(get.statusCode).toBe(404);
    expect(get.json()).toMatchObject({ error: 'Not found' });
  });
});

describe('POST /api/object-status', () => {
  const objectStatus = (app: TestApp, key: unknown, headers: Record<string, string> = {}) =>
    fetch(app.credentialsUrl.replace('/credentials', '/object-status'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ key }),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as unknown }));

  it('tells the size and checksums of an object under the prefix, which upload tokens cannot read', async () => {
    const started = await app();
    const credentials = (await post(started.credentialsUrl)).body as TemporaryCredentials;
    const client = ossClientWithToken(credentials);
    const put = await client.put('uploads/status.txt', Buffer.from('seven b'));
    const headers = put.res.headers as Record<string, string>;
    expect(await ossErrorCode(client.head('uploads/status.txt'))).toMatch(/AccessDenied|Forbidden/);

    const found = await objectStatus(started, 'uploads/status.txt');
    expect(found).toEqual({
      status: 200,
      body: { exists: true, size: 7, etag: headers.etag, crc64: headers['x-oss-hash-crc64ecma'] },
    });
    expect(await objectStatus(started, 'uploads/never-written.txt')).toEqual({
      status: 200,
      body: { exists: false },
    });
  });

  it('refuses keys outside the prefix, invalid names and clients that may not have credentials', async () => {
    const started = await app();
    for (const key of ['elsewhere/x.txt', 'uploads', '/uploads/x', `uploads/${'x'.repeat(1020)}`, 42, '']) {
      const refused = await objectStatus(started, key);
      expect(refused.status, String(key)).toBe(400);
      expect(refused.body, String(key)).toMatchObject({ message: expect.any(String) });
    }
    const remote = await started.app.inject({
      method: 'POST',
      url: '/api/object-status',
      remoteAddress: NON_LOOPBACK,
      payload: { key: 'uploads/x' },
    });
    expect(remote.statusCode).toBe(403);
  });
});

describe('TOKEN_ACCESS=bearer', () => {
  it('needs the configured secret, compared as a whole', async () => {
    const { credentialsUrl } = await app({ TOKEN_ACCESS: 'bearer', TOKEN_BEARER_SECRET: BEARER_SECRET });
    const none = await post(credentialsUrl);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(none.body).toMatchObject({ error: 'Unauthorized' });
    for (const wrong of [
      'nope',
      BEARER_SECRET.slice(0, -1),
      `${BEARER_SECRET}x`,
      BEARER_SECRET.toUpperCase(),
    ]) {
      const refused = await post(credentialsUrl, { authorization: `Bearer ${wrong}` });
      expect(refused.status, wrong).toBe(401);
      expect(JSON.stringify(refused.body)).not.toContain(BEARER_SECRET);
    }
    const ok = await post(credentialsUrl, { authorization: `Bearer ${BEARER_SECRET}` });
    expect(ok.status).toBe(200);
    expect((ok.body as TemporaryCredentials).accessKeyId).toMatch(/^STS\./);
  });

  it('serves any address that has the secret', async () => {
    const { app: server } = await app({ TOKEN_ACCESS: 'bearer', TOKEN_BEARER_SECRET: BEARER_SECRET });
    const remote = await server.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: NON_LOOPBACK,
      headers: { authorization: `Bearer ${BEARER_SECRET}` },
    });
    expect(remote.statusCode).toBe(200);
  });
});

describe('TOKEN_ACCESS=proxy-header', () => {
  const env = { TOKEN_ACCESS: 'proxy-header', TOKEN_PROXY_HEADER: 'X-Authenticated-User' };

  it('believes the header only from a trusted proxy', async () => {
    const { app: server, credentialsUrl } = await app(env);
    const anonymous = await post(credentialsUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toMatchObject({ error: 'Unauthorized' });
    const vouched = await post(credentialsUrl, { 'x-authenticated-user': 'alice@example.com' });
    expect(vouched.status).toBe(200);
    const forged = await server.inject({
      method: 'POST',
      url: '/api/credentials',
      remoteAddress: NON_LOOPBACK,
      headers: { 'x-authenticated-user': 'alice@example.com' },
    });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: 'Forbidden' });
  });

  it('refuses a user name too long to be a key prefix, saying so', async () => {
    const { credentialsUrl } = await app(env);
    const refused = await post(credentialsUrl, { 'x-authenticated-user': 'x'.repeat(200) });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({
      error: 'UserNameUnusable',
      message: 'The user name is 200 characters as a key segment; at most 128 fit.',
    });
  });

  it('will not start with a prefix too long for the session policy of the longest user name', async () => {
    await expect(app({ ...env, OSS_PREFIX: `${'p'.repeat(511)}/` })).rejects.toThrow(
      /^OSS_PREFIX is too long for per-user tokens: The session policy for .* is \d+ characters; STS accepts 2048\. Shorten OSS_PREFIX\.$/,
    );
  });

  it('names the session after the user and rate-limits each user separately', async () => {
    const { credentialsUrl } = await app({ ...env, TOKEN_RATE_LIMIT: '2' });
    const alice = { 'x-authenticated-user': 'alice@example.com' };
    const first = (await post(credentialsUrl, alice)).body as TemporaryCredentials;
    const session = JSON.parse(Buffer.from(first.securityToken.split('.')[0]!, 'base64url').toString());
    expect(session.sessionName).toBe('skylift-alice@example.com');
    expect((await post(credentialsUrl, alice)).status).toBe(200);
    expect((await post(credentialsUrl, alice)).status).toBe(429);
    expect((await post(credentialsUrl, { 'x-authenticated-user': 'bob' })).status).toBe(200);
  });
});

describe('requests from other sites', () => {
  it('refuses cross-site requests before they count against anyone’s rate limit', async () => {
    const { credentialsUrl } = await app({ TOKEN_RATE_LIMIT: '2' });
    const host = new URL(credentialsUrl).host;
    for (const headers of <Record<string, string>[]>[
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'https://attacker.example' },
      { origin: 'null' },
      { origin: `http://${host}`, 'sec-fetch-site': 'cross-site' },
    ]) {
      for (let i = 0; i < 3; i++) {
        const refused = await post(credentialsUrl, headers);
        expect(refused.status, JSON.stringify(headers)).toBe(403);
        expect(refused.body).toMatchObject({ error: 'CrossSiteRequest' });
      }
    }
    // The app's own page (Fetch Metadata, or its Origin), and clients that are no browser, still get theirs.
    expect((await post(credentialsUrl, { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post(credentialsUrl, { origin: `http://${host}` })).status).toBe(200);
    expect((await post(credentialsUrl)).status).toBe(429);
  });

  it('does not count refused clients against the one they pretend to be', async () => {
    const { app: server, credentialsUrl } = await app({
      TOKEN_ACCESS: 'proxy-header',
      TOKEN_PROXY_HEADER: 'X-Authenticated-User',
      TOKEN_RATE_LIMIT: '1',
    });
    for (let i = 0; i < 3; i++) {
      const forged = await server.inject({
        method: 'POST',
        url: '/api/credentials',
        remoteAddress: NON_LOOPBACK,
        headers: { 'x-authenticated-user': 'alice@example.com' },
      });
      expect(forged.statusCode).toBe(403);
    }
    expect((await post(credentialsUrl, { 'x-authenticated-user': 'alice@example.com' })).status).toBe(200);
  });

  it('applies to the object lookup too', async () => {
    const { credentialsUrl } = await app();
    const response = await fetch(credentialsUrl.replace('/credentials', '/object-status'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://attacker.example' },
      body: JSON.stringify({ key: 'uploads/x' }),
    });
    expect(response.status).toBe(403);
  });
});

describe('abuse and failure', () => {
  it('rate-limits each client with a JSON 429', async () => {
    const { credentialsUrl } = await app({ TOKEN_RATE_LIMIT: '2' });
    expect((await post(credentialsUrl)).status).toBe(200);
    expect((await post(credentialsUrl)).status).toBe(200);
    const limited = await post(credentialsUrl);
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'TooManyRequests', message: expect.stringMatching(/retry in/) });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('turns an STS refusal into a 502 that names the STS code but no key', async () => {
    const wrongSecret = 'not-the-emulator-secret-but-still-a-secret';
    const { credentialsUrl, logs } = await app({ ALIBABA_CLOUD_ACCESS_KEY_SECRET: wrongSecret });
    const { status, body } = await post(credentialsUrl);
    expect(status).toBe(502);
    expect(body).toEqual({
      error: 'StsError',
      message: expect.stringMatching(
        /^Could not obtain temporary credentials from STS \(SignatureDoesNotMatch, request id /,
      ),
    });
    // STS quotes its string to sign, which holds the long-term AccessKeyId; neither it nor the secret may surface.
    expect(logs.join('\n')).toMatch(/SignatureDoesNotMatch/);
    for (const text of [JSON.stringify(body), logs.join('\n')]) {
      expect(text).not.toContain(wrongSecret);
      expect(text).not.toContain(EMULATOR_DEFAULTS.accessKeyId);
      expect(text).not.toMatch(/\bat .*\.ts:\d+/); // no stack trace
    }
  });

  it('reports an unreachable STS as a 502', async () => {
    const closed = await startProductEmulator();
    const deadSts = `${closed.url}/-/sts`;
    await closed.dispose();
    const { credentialsUrl, logs } = await app({ OSS_STS_ENDPOINT: deadSts });
    const { status, body } = await post(credentialsUrl);
    expect(status).toBe(502);
    expect(body).toMatchObject({ error: 'StsError' });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toContain(deadSts);
    expect(logs[0]).not.toContain(EMULATOR_DEFAULTS.accessKeySecret);
  });

  it('reports an unknown server key without repeating it', async () => {
    const { credentialsUrl } = await app({
      OSS_STS_DURATION_SECONDS: '43200',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAIunknown',
    });
    const { status, body } = await post(credentialsUrl);
    expect(status).toBe(502);
    expect(JSON.stringify(body)).toMatch(/InvalidAccessKeyId\.NotFound/);
    expect(JSON.stringify(body)).not.toContain('LTAIunknown');
  });
});
