// PostObject (browser form upload) against the real authenticator: V1 and V4 policy signatures from
// ali-oss's signers, STS credentials checked with their session policy, policy conditions, statuses,
// redirect, metadata, callback and CORS.

import type OSS from 'ali-oss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc64, crc64ToHeader } from '../../../../lib/oss/crc64.ts';
import { md5Hex, quoteEtag } from '../../../../lib/oss/etag.ts';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import {
  BUCKET,
  ossClient,
  startSignedEmulator,
  stsClient,
  stsOptions,
  testBytes,
} from '../../../support/ali-oss-client.ts';
import { startCallbackServer } from '../../../support/callback-server.ts';
import type { TestEmulator } from '../../../support/emulator.ts';
import { xmlText } from '../../../support/emulator.ts';
import { inAnHour, type PostPolicyDocument, postForm, signPostForm } from '../../../support/post-form.ts';

let emulator: TestEmulator;
let root: OSS;
beforeAll(async () => {
  // The callback test's app server listens on this machine, which callbacks reach only when allowed.
  emulator = await startSignedEmulator({ callbackAllowedNetworks: ['127.0.0.1'] });
  root = ossClient(emulator);
});
afterAll(() => emulator.dispose());

const policy = (...conditions: PostPolicyDocument['conditions']): PostPolicyDocument => ({
  expiration: inAnHour(),
  conditions: [{ bucket: BUCKET }, ...conditions],
});

async function stored(key: string) {
  const got = await root.get(key);
  return { content: got.content as Buffer, headers: got.res.headers as Record<string, string> };
}

describe.each(['V1', 'V4'] as const)('%s signed forms', (version) => {
  it('stores the file with its metadata and answers 204 with ETag and CRC64', async () => {
    const data = testBytes(200_000, version === 'V1' ? 1 : 2);
    const key = `post/${version}/a b+(1).png`;
    const fields = {
      key,
      'x-oss-meta-owner': 'alice',
      'Cache-Control': 'max-age=60',
      ...signPostForm(
        root,
        version,
        policy(['starts-with', '$key', 'post/'], ['content-length-range', 1, 1_000_000]),
      ),
    };
    const res = await postForm(emulator.url, fields, data, { fileType: 'image/png' });
    expect(res.status).toBe(204);
    expect(res.headers.get('etag')).toBe(quoteEtag(await md5Hex(data)));
    expect(res.headers.get('x-oss-hash-crc64ecma')).toBe(crc64ToHeader(await crc64(data)));
    const { content, headers } = await stored(key);
    expect(content.equals(data)).toBe(true);
    expect(headers['content-type']).toBe('image/png');
    expect(headers['x-oss-meta-owner']).toBe('alice');
    expect(headers['cache-control']).toBe('max-age=60');
  });

  it('answers 201 with PostResponse XML, 200 empty, and 303 to success_action_redirect', async () => {
    const sign = () => signPostForm(root, version, policy());
    const created = await postForm(
      emulator.url,
      { key: `post/${version}/201`, success_action_status: '201', ...sign() },
      Buffer.from('x'),
    );
    expect(created.status).toBe(201);
    expect(xmlText(created.text, 'Key')).toBe(`post/${version}/201`);
    expect(xmlText(created.text, 'Bucket')).toBe(BUCKET);
    expect(xmlText(created.text, 'ETag')).toBe(created.headers.get('etag'));
    expect(created.text).toContain('<PostResponse>');
    const ok = await postForm(
      emulator.url,
      { key: `post/${version}/200`, success_action_status: '200', ...sign() },
      Buffer.from('x'),
    );
    expect([ok.status, ok.text]).toEqual([200, '']);
    const redirected = await postForm(
      emulator.url,
      { key: `post/${version}/r`, success_action_redirect: 'http://app.example/done?x=1', ...sign() },
      Buffer.from('x'),
    );
    expect(redirected.status).toBe(303);
    const location = new URL(redirected.headers.get('location')!);
    expect(location.searchParams.get('x')).toBe('1');
    expect(location.searchParams.get('key')).toBe(`post/${version}/r`);
    expect(location.searchParams.get('etag')).toBe(redirected.headers.get('etag'));
  });

  it('expands the filename placeholder of the key after the policy check', async () => {
    const fields = {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS's placeholder.
      key: 'post/names/${filename}',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS's placeholder.
      ...signPostForm(root, version, policy(['eq', '$key', 'post/names/\\${filename}'])),
    };
    const res = await postForm(emulator.url, fields, Buffer.from('named'), { filename: `${version}.txt` });
    expect(res.status).toBe(204);
    expect((await stored(`post/names/${version}.txt`)).content.toString()).toBe('named');
  });
});

describe('policy and credential checks', () => {
  const key = 'post/refused.bin';
  const data = Buffer.from('refused');
  async function refused(fields: Record<string, string>, status: number, code: string, message?: RegExp) {
    const res = await postForm(emulator.url, { key, ...fields }, data);
    expect({ status: res.status, code: xmlText(res.text, 'Code') }).toEqual({ status, code });
    if (message) expect(xmlText(res.text, 'Message')).toMatch(message);
    await expect(root.head(key)).rejects.toMatchObject({ status: 404 });
  }

  it('refuses failed conditions, expiry, size limits and bad signatures, storing nothing', async () => {
    await refused(
      signPostForm(root, 'V4', policy(['starts-with', '$key', 'elsewhere/'])),
      403,
      'AccessDenied',
      /Policy Condition failed: \["starts-with", "\$key", "elsewhere\/"\]/,
    );
    await refused(
      signPostForm(root, 'V1', policy({ bucket: 'another-bucket' })),
      403,
      'AccessDenied',
      /Policy Condition failed/,
    );
    await refused(
      signPostForm(root, 'V1', { expiration: new Date(Date.now() - 1000).toISOString(), conditions: [] }),
      403,
      'AccessDenied',
      /Policy expired/,
    );
    await refused(signPostForm(root, 'V4', policy(['content-length-range', 1, 3])), 400, 'EntityTooLarge');
    await refused(
      signPostForm(root, 'V4', policy(['content-length-range', 100, 200])),
      400,
      'EntityTooSmall',
    );
    const wrong = ossClient(emulator, { accessKeySecret: 'not-the-secret' });
    await refused(signPostForm(wrong, 'V1', policy()), 403, 'SignatureDoesNotMatch');
    await refused(signPostForm(wrong, 'V4', policy()), 403, 'SignatureDoesNotMatch');
    const unknown = ossClient(emulator, { accessKeyId: 'LTAIunknown' });
    await refused(signPostForm(unknown, 'V1', policy()), 403, 'InvalidAccessKeyId');
    const { OSSAccessKeyId, policy: encoded } = signPostForm(root, 'V1', policy());
    await refused({ OSSAccessKeyId: OSSAccessKeyId!, policy: encoded! }, 400, 'InvalidArgument');
    await refused(
      { ...signPostForm(root, 'V1', policy()), policy: Buffer.from('{not json').toString('base64') },
      400,
      'InvalidPolicyDocument',
    );
    await refused({}, 403, 'AccessDenied', /Anonymous/);
    await refused({ ...signPostForm(root, 'V1', policy()), 'x-oss-tagging': 'a=1' }, 400, 'InvalidArgument');
  });

  it('refuses bodies that are not a complete form', async () => {
    const notForm = await fetch(emulator.url, {
      method: 'POST',
      body: 'key=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(xmlText(await notForm.text(), 'Code')).toBe('MalformedPOSTRequest');
    const noFile = await postForm(emulator.url, { key, ...signPostForm(root, 'V1', policy()) }, undefined);
    expect(xmlText(noFile.text, 'Code')).toBe('IncorrectNumberOfFilesInPOSTRequest');
    const noKey = await postForm(emulator.url, signPostForm(root, 'V1', policy()), data);
    expect(xmlText(noKey.text, 'Code')).toBe('IncorrectNumberOfFilesInPOSTRequest');
    // A body cut off before its closing boundary stores nothing.
    const boundary = 'cutcutcut';
    const fields = { key, ...signPostForm(root, 'V1', policy()) };
    const head = Object.entries(fields)
      .map(([n, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`)
      .join('');
    const cut = `${head}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n\r\nsome bytes without an end`;
    const res = await fetch(emulator.url, {
      method: 'POST',
      body: cut,
      headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(xmlText(await res.text(), 'Code')).toBe('MalformedPOSTRequest');
    await expect(root.head(key)).rejects.toMatchObject({ status: 404 });
  });

  it('checks STS credentials with their session policy as oss:PutObject', async () => {
    const sessionPolicy = JSON.stringify({
      Version: '1',
      Statement: [
        {
          Effect: 'Allow',
          Action: ['oss:PutObject', 'oss:GetObject'],
          Resource: [`acs:oss:*:*:${BUCKET}/sts/*`],
        },
      ],
    });
    const { credentials } = await stsClient(emulator).assumeRole(
      EMULATOR_DEFAULTS.roleArn,
      sessionPolicy,
      900,
      'post',
    );
    const sts = ossClient(emulator, stsOptions(credentials));
    for (const version of ['V1', 'V4'] as const) {
      const allowed = await postForm(
        emulator.url,
        { key: `sts/${version}.bin`, ...signPostForm(sts, version, policy(), credentials.SecurityToken) },
        Buffer.from(version),
      );
      expect(allowed.status).toBe(204);
      const denied = await postForm(
        emulator.url,
        {
          key: `elsewhere/${version}.bin`,
          ...signPostForm(sts, version, policy(), credentials.SecurityToken),
        },
        Buffer.from(version),
      );
      expect([denied.status, xmlText(denied.text, 'Code')]).toEqual([403, 'AccessDenied']);
      const tokenless = await postForm(
        emulator.url,
        { key: `sts/x-${version}.bin`, ...signPostForm(sts, version, policy()) },
        Buffer.from('x'),
      );
      expect(xmlText(tokenless.text, 'Code')).toBe('InvalidAccessKeyId');
    }
    expect((await stored('sts/V4.bin')).content.toString()).toBe('V4');
  });
});

describe('callback and CORS', () => {
  it('delivers the upload callback and answers with the app server JSON', async () => {
    const app = await startCallbackServer();
    try {
      const callback = Buffer.from(
        JSON.stringify({
          callbackUrl: `${app.url}/done`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: OSS callback variables.
          callbackBody: 'object=${object}&size=${size}&who=${x:who}',
        }),
      ).toString('base64');
      const res = await postForm(
        emulator.url,
        { key: 'post/cb.txt', callback, 'x:who': 'bob', ...signPostForm(root, 'V4', policy()) },
        Buffer.from('hello'),
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe('{"ok":true}');
      expect(app.received).toHaveLength(1);
      expect(app.received[0]!.body).toBe('object=post%2Fcb.txt&size=5&who=bob');
      const bad = await postForm(
        emulator.url,
        { key: 'post/cb-bad.txt', callback: 'not base64!', ...signPostForm(root, 'V4', policy()) },
        Buffer.from('x'),
      );
      expect(xmlText(bad.text, 'Code')).toBe('InvalidArgument');
      await expect(root.head('post/cb-bad.txt')).rejects.toMatchObject({ status: 404 });
    } finally {
      await app.close();
    }
  });

  it('answers a browser POST with the CORS headers of the bucket rule', async () => {
    const res = await postForm(
      emulator.url,
      { key: 'post/cors.txt', ...signPostForm(root, 'V4', policy()) },
      Buffer.from('cors'),
      { headers: { Origin: 'http://app.example' } },
    );
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBeTruthy();
    expect(res.headers.get('access-control-expose-headers')?.toLowerCase()).toContain('etag');
  });
});
