// What a web page of another origin can make a browser send to the emulator, and what the emulator
// does with it. Browsers announce such requests: `Origin` on every cross-origin fetch and on every
// POST (forms included), `Sec-Fetch-Site` on everything (`none` only when the person typed the URL).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assumeRole, ossClient, startSignedEmulator, stsOptions } from '../../../support/ali-oss-client.ts';
import { BUCKET, type TestEmulator, xmlText } from '../../../support/emulator.ts';
import { inAnHour, postForm, signPostForm } from '../../../support/post-form.ts';
import { presignedPath } from '../../../support/presigned-path.ts';

const APP = 'http://localhost:8080';
const ATTACKER = 'https://attacker.example';

/** What a browser adds to a request a page at `origin` makes with fetch(). */
const fromPage = (origin: string, site = 'cross-site') => ({
  Origin: origin,
  'Sec-Fetch-Site': site,
  'Sec-Fetch-Mode': 'cors',
});
/** An <img>, <script> or link: no Origin, but Sec-Fetch-Site and (by default) the page as Referer. */
const noCorsFrom = (origin: string) => ({
  'Sec-Fetch-Site': 'cross-site',
  'Sec-Fetch-Mode': 'no-cors',
  Referer: `${origin}/some/page`,
});
/** The person typed the URL into the address bar. */
const typedIn = { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-User': '?1' };

let emu: TestEmulator;
beforeAll(async () => {
  emu = await startSignedEmulator({ corsOrigins: [APP] });
  const put = await presignedPath({ method: 'PUT', bucket: BUCKET, key: 'private.txt' });
  expect((await emu.request('PUT', put, { body: 'private' })).status).toBe(200);
});
afterAll(async () => {
  await emu.dispose();
});

describe('admin and STS endpoints from web pages', () => {
  const pageRequests: [what: string, headers: Record<string, string>][] = [
    ['a cross-origin fetch', fromPage(ATTACKER)],
    [
      'a form POST (navigation)',
      { Origin: ATTACKER, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' },
    ],
    ['a same-site page', fromPage('http://localhost:3000', 'same-site')],
    ['the app itself', fromPage(APP)],
    ['a page served by the emulator', { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'no-cors' }],
    ['an <img> on any page', noCorsFrom(ATTACKER)],
    ['a browser without Sec-Fetch headers', { Origin: 'null' }],
  ];

  it.each(pageRequests)('refuses %s with a JSON error, and does nothing', async (_what, headers) => {
    const attempts: [string, string][] = [
      ['POST', '/-/admin/restart'],
      ['PUT', '/-/admin/faults'],
      ['GET', '/-/admin/faults'],
      ['PUT', '/-/admin/buckets/planted'],
      ['DELETE', `/-/admin/buckets/${BUCKET}`],
      ['POST', '/-/sts'],
    ];
    for (const [method, path] of attempts) {
      const res = await emu.request(method, path, {
        headers: { ...headers, 'Content-Type': 'text/plain' },
        body: method === 'PUT' ? '{"errorRate":1}' : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.text).error).toMatch(/web page/);
    }
    expect(JSON.parse((await emu.request('GET', '/-/health')).text).buckets).toEqual([BUCKET]);
    expect(emu.faults.state().config).toEqual({});
  });

  it('serves local tools: curl, scripts (Node fetch sends Sec-Fetch-Mode: cors), the address bar', async () => {
    expect((await emu.request('GET', '/-/admin/faults')).status).toBe(200);
    expect((await emu.request('GET', '/-/admin/faults', { headers: typedIn })).status).toBe(200);
    const fromNode = await fetch(`${emu.url}/-/admin/faults`, { method: 'PUT', body: '{}' });
    expect(fromNode.status).toBe(200);
    const sts = await assumeRole(emu, 900);
    expect(sts.AccessKeyId).toMatch(/^STS\./);
  });
});

describe('the public root key from web pages', () => {
  const get = (scheme: 'v1' | 'v4' = 'v4') =>
    presignedPath({ method: 'GET', bucket: BUCKET, key: 'private.txt', scheme });

  it('refuses a presigned GET from a page whose origin the bucket does not allow', async () => {
    for (const headers of [fromPage(ATTACKER), noCorsFrom(ATTACKER), { 'Sec-Fetch-Site': 'cross-site' }]) {
      for (const scheme of ['v1', 'v4'] as const) {
        const res = await emu.request('GET', await get(scheme), { headers });
        expect(res.status, JSON.stringify(headers)).toBe(403);
        expect(xmlText(res.text, 'Code')).toBe('AccessDenied');
        expect(xmlText(res.text, 'Message')).toMatch(/root key/);
        expect(res.text).not.toContain('private');
      }
    }
  });

  it('refuses a form POST with a root-key URL: no upload is started', async () => {
    const initiate = await presignedPath({
      method: 'POST',
      bucket: BUCKET,
      key: 'planted.html',
      query: [['uploads', '']],
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      scheme: 'v1',
    });
    const res = await emu.request('POST', initiate, {
      headers: {
        ...fromPage(ATTACKER),
        'Sec-Fetch-Mode': 'navigate',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'a=b',
    });
    expect(res.status).toBe(403);
    const uploads = await emu.request(
      'GET',
      await presignedPath({ method: 'GET', bucket: BUCKET, key: '', query: [['uploads', '']] }),
    );
    expect(xmlText(uploads.text, 'UploadId')).toBeUndefined();
  });

  it('refuses a PostObject form signed with the root key from a foreign page: nothing is stored', async () => {
    const policy = { expiration: inAnHour(), conditions: [['starts-with', '$key', 'uploads/']] };
    const fields = { key: 'uploads/form.html', ...signPostForm(ossClient(emu), 'V4', policy) };
    const post = (headers: Record<string, string>) =>
      postForm(`${emu.url}/`, fields, Buffer.from('<script>steal()</script>'), { headers });
    const refused = await post({ ...fromPage(ATTACKER), 'Sec-Fetch-Mode': 'navigate' });
    expect(refused.status).toBe(403);
    expect(xmlText(refused.text, 'Message')).toMatch(/root key/);
    const stored = async () =>
      emu.request('GET', await presignedPath({ method: 'GET', bucket: BUCKET, key: 'uploads/form.html' }));
    expect((await stored()).status).toBe(404);
    expect((await post(fromPage(APP))).status).toBe(204);
    expect((await stored()).status).toBe(200);
  });

  it('serves the allowed origin, the address bar and local tools', async () => {
    for (const headers of [fromPage(APP), noCorsFrom(APP), typedIn, {}]) {
      const res = await emu.request('GET', await get(), { headers });
      expect(res.status, JSON.stringify(headers)).toBe(200);
      expect(res.text).toBe('private');
    }
  });

  it('does not apply to STS credentials, which only the token service hands out', async () => {
    const credentials = stsOptions(await assumeRole(emu, 900));
    const path = await presignedPath({
      method: 'GET',
      bucket: BUCKET,
      key: 'private.txt',
      credentials: {
        accessKeyId: credentials.accessKeyId,
        accessKeySecret: credentials.accessKeySecret,
        securityToken: credentials.stsToken,
      },
    });
    const res = await emu.request('GET', path, { headers: fromPage(ATTACKER) });
    expect(res.status).toBe(200);
  });

  it('follows the bucket: a bucket whose CORS allows every origin serves every page', async () => {
    expect((await emu.request('PUT', '/-/admin/buckets/open-bucket?cors=permissive')).status).toBe(200);
    const put = await presignedPath({ method: 'PUT', bucket: 'open-bucket', key: 'o.txt' });
    const res = await emu.request('PUT', put, { headers: fromPage(ATTACKER), body: 'open' });
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe(ATTACKER);
  });
});
