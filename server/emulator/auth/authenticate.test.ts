import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lib/oss/credentials.ts';
import type { SignableRequest } from '../../../lib/oss/request.ts';
import { presignV1, signRequestV1 } from '../../../lib/oss/sign-v1.ts';
import { presignV4, signRequestV4 } from '../../../lib/oss/sign-v4.ts';
import { uriEncode } from '../../../lib/oss/uri-encode.ts';
import { OssError } from '../errors.ts';
import type { AuthRequest } from './auth-types.ts';
import { createAuthenticator } from './authenticate.ts';
import { issueCredentials } from './sts-token.ts';

const ROOT: Credentials = { accessKeyId: 'LTAItestRoot', accessKeySecret: 'test-root-secret' };
const T = Date.UTC(2025, 0, 15, 8, 30, 0);
const MINUTE = 60_000;
const REGION = 'oss-cn-hangzhou';
const BUCKET = 'skylift-dev';

const authenticatorAt = (ms: number, tokenSecret?: string) =>
  createAuthenticator({
    rootAccessKeyId: ROOT.accessKeyId,
    rootAccessKeySecret: ROOT.accessKeySecret,
    now: () => ms,
    ...(tokenSecret ? { tokenSecret } : {}),
  });

function stsCredentials(expiresAt = T / 1000 + 3600, tokenSecret = ROOT.accessKeySecret): Credentials {
  const issued = issueCredentials(tokenSecret, {
    expiresAt,
    roleArn: 'acs:ram::1:role/r',
    sessionName: 's1',
  });
  return {
    accessKeyId: issued.accessKeyId,
    accessKeySecret: issued.accessKeySecret,
    securityToken: issued.securityToken,
  };
}

const upload: SignableRequest = {
  method: 'PUT',
  bucket: BUCKET,
  key: 'uploads/photo 1+(ü).png',
  query: [
    ['partNumber', '1'],
    ['uploadId', 'ABC****'],
  ],
  headers: { 'content-type': 'image/png' },
};

/** Serialises a signed request the way a client puts it on the wire. */
function wire(
  request: SignableRequest,
  extraHeaders: Record<string, string> = {},
  extraQuery: [string, string][] = [],
): AuthRequest {
  const query = [...(request.query ?? []), ...extraQuery];
  return {
    method: request.method,
    bucket: request.bucket,
    key: request.key,
    rawQuery: query.map(([n, v]) => `${uriEncode(n)}=${uriEncode(v)}`).join('&'),
    headers: { ...(request.headers as Record<string, string>), ...extraHeaders },
  };
}

const signedV4 = async (credentials: Credentials, at = T, request = upload) =>
  wire(request, await signRequestV4(request, credentials, { region: REGION, now: new Date(at) }));
const signedV1 = async (credentials: Credentials, at = T, request = upload) =>
  wire(request, await signRequestV1(request, credentials, { now: new Date(at) }));
const presignedV4 = async (credentials: Credentials, expiresSeconds: number, request = upload, at = T) =>
  wire(
    request,
    {},
    await presignV4(request, credentials, { region: REGION, now: new Date(at), expiresSeconds }),
  );
const presignedV1 = async (credentials: Credentials, expiresSeconds: number, request = upload, at = T) =>
  wire(request, {}, await presignV1(request, credentials, { now: new Date(at), expiresSeconds }));

async function failure(promise: Promise<unknown>): Promise<OssError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof OssError) return err;
    throw err;
  }
  throw new Error('expected an OssError');
}

const detail = (err: OssError, name: string) => err.details.find(([n]) => n === name)?.[1];

describe('valid requests signed by the shared lib/oss signer', () => {
  const schemes = {
    signedV4,
    signedV1,
    presignedV4: (c: Credentials) => presignedV4(c, 600),
    presignedV1: (c: Credentials) => presignedV1(c, 600),
  };
  for (const [name, sign] of Object.entries(schemes)) {
    it(`${name}: root key → root principal`, async () => {
      await expect(authenticatorAt(T + MINUTE).authenticate(await sign(ROOT))).resolves.toEqual({
        accessKeyId: ROOT.accessKeyId,
        kind: 'root',
      });
    });
    it(`${name}: STS key → STS principal`, async () => {
      const sts = stsCredentials();
      await expect(authenticatorAt(T + MINUTE).authenticate(await sign(sts))).resolves.toMatchObject({
        accessKeyId: sts.accessKeyId,
        kind: 'sts',
        roleArn: 'acs:ram::1:role/r',
        sessionName: 's1',
      });
    });
  }

  it('accepts service-level and bucket-level requests', async () => {
    const bucketLevel = {
      method: 'GET',
      bucket: BUCKET,
      key: '',
      query: [['uploads', ''] as [string, string]],
    };
    await expect(
      authenticatorAt(T).authenticate(await signedV4(ROOT, T, bucketLevel)),
    ).resolves.toBeDefined();
    const service = { method: 'GET', key: '' };
    await expect(authenticatorAt(T).authenticate(await signedV1(ROOT, T, service))).resolves.toBeDefined();
  });
});

describe('published signature vectors (OSS documentation: "Signature Version 4" and "Include a V1 signature")', () => {
  const vectorAuthenticator = (ms: number) =>
    createAuthenticator({ rootAccessKeyId: 'ak', rootAccessKeySecret: 'sk', now: () => ms });

  it('Go SDK TestV4AuthHeader', async () => {
    const req: AuthRequest = {
      method: 'PUT',
      bucket: 'bucket',
      key: '1234+-/123/1.txt',
      rawQuery: 'param1=value1&%2Bparam1=value3&%7Cparam1=value4&%2Bparam2=&%7Cparam2=&param2=',
      headers: {
        'x-oss-head1': 'value',
        abc: 'value',
        zabc: 'value',
        xyz: 'value',
        'content-type': 'text/plain',
        'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
        'x-oss-date': '20231216T162057Z',
        authorization:
          'OSS4-HMAC-SHA256 Credential=ak/20231216/cn-hangzhou/oss/aliyun_v4_request,Signature=e21d18daa82167720f9b1047ae7e7f1ce7cb77a31e8203a7d5f4624fa0284afe',
      },
    };
    await expect(vectorAuthenticator(1702743657_000).authenticate(req)).resolves.toMatchObject({
      kind: 'root',
    });
    const tampered = { ...req, headers: { ...req.headers, 'x-oss-head1': 'other' } };
    expect((await failure(vectorAuthenticator(1702743657_000).authenticate(tampered))).code).toBe(
      'SignatureDoesNotMatch',
    );
  });

  it('Go SDK TestV1AuthHeader', async () => {
    const date = 'Wed, 28 Dec 2022 10:27:41 GMT';
    const req: AuthRequest = {
      method: 'PUT',
      bucket: 'examplebucket',
      key: 'nelson',
      rawQuery: '',
      headers: {
        'content-md5': 'eB5eJF1ptWaXm4bijSPyxw==',
        'content-type': 'text/html',
        date,
        'x-oss-date': date,
        'x-oss-meta-author': 'alice',
        'x-oss-meta-magic': 'abracadabra',
        authorization: 'OSS ak:kSHKmLxlyEAKtZPkJhG9bZb5k7M=',
      },
    };
    await expect(vectorAuthenticator(Date.parse(date)).authenticate(req)).resolves.toMatchObject({
      kind: 'root',
    });
  });

  it('Go SDK TestV1AuthQuery', async () => {
    const req: AuthRequest = {
      method: 'GET',
      bucket: 'bucket',
      key: 'key',
      rawQuery:
        'Expires=1699807420&OSSAccessKeyId=ak&Signature=dcLTea%2BYh9ApirQ8o8dOPqtvJXQ%3D&versionId=versionId',
      headers: {},
    };
    await expect(vectorAuthenticator(1699807000_000).authenticate(req)).resolves.toMatchObject({
      kind: 'root',
    });
  });
});

describe('authentication failures, in OSS order', () => {
  it('no authentication at all → AccessDenied that says anonymous access is unsupported', async () => {
    const err = await failure(authenticatorAt(T).authenticate(wire(upload)));
    expect([err.status, err.code]).toEqual([403, 'AccessDenied']);
    expect(err.message).toMatch(/anonymous access is not supported/i);
  });

  it('Authorization header plus URL signature → InvalidArgument', async () => {
    const headerSigned = await signedV4(ROOT);
    const presigned = await presignedV1(ROOT, 600);
    const mixed = { ...presigned, headers: headerSigned.headers };
    const err = await failure(authenticatorAt(T).authenticate(mixed));
    expect([err.status, err.code]).toEqual([400, 'InvalidArgument']);
  });

  it('V1 and V4 URL signatures together → InvalidArgument', async () => {
    const v4 = await presignedV4(ROOT, 600);
    const v1 = await presignedV1(ROOT, 600);
    const err = await failure(
      authenticatorAt(T).authenticate({ ...v4, rawQuery: `${v4.rawQuery}&${v1.rawQuery}` }),
    );
    expect(err.code).toBe('InvalidArgument');
  });

  it('security token in both header and URL → InvalidArgument 0002-00000010', async () => {
    const sts = stsCredentials();
    const req = await signedV1(sts);
    const err = await failure(
      authenticatorAt(T).authenticate({
        ...req,
        rawQuery: `${req.rawQuery}&security-token=${uriEncode(sts.securityToken!)}`,
      }),
    );
    expect([err.code, err.ec]).toEqual(['InvalidArgument', '0002-00000010']);
  });

  it('malformed Authorization → InvalidArgument naming the header', async () => {
    for (const authorization of [
      'OSS4-HMAC-SHA256 Credential=ak/2025/x,Signature=00',
      'OSS nocolon',
      'Bearer abc',
    ]) {
      const err = await failure(
        authenticatorAt(T).authenticate({ ...wire(upload), headers: { authorization } }),
      );
      expect([err.status, err.code]).toEqual([400, 'InvalidArgument']);
      expect(detail(err, 'ArgumentName')).toBe('Authorization');
    }
  });

  it('a V1 presigned URL missing a parameter → AccessDenied naming it', async () => {
    const req = await presignedV1(ROOT, 600);
    const err = await failure(
      authenticatorAt(T).authenticate({ ...req, rawQuery: req.rawQuery.replace(/&Expires=\d+/, '') }),
    );
    expect(err.code).toBe('AccessDenied');
    expect(err.message).toContain('Expires');
  });

  it('unknown AccessKeyId → InvalidAccessKeyId, before the clock is looked at', async () => {
    const req = await signedV4({ accessKeyId: 'LTAIunknown', accessKeySecret: 'x' }, T - 60 * MINUTE);
    const err = await failure(authenticatorAt(T).authenticate(req));
    expect([err.status, err.code, err.ec]).toEqual([403, 'InvalidAccessKeyId', '0002-00000002']);
    expect(detail(err, 'OSSAccessKeyId')).toBe('LTAIunknown');
  });

  it('STS key without its token → InvalidAccessKeyId with the STS hint', async () => {
    const { securityToken: _, ...withoutToken } = stsCredentials();
    const err = await failure(authenticatorAt(T).authenticate(await signedV4(withoutToken)));
    expect([err.code, err.ec]).toEqual(['InvalidAccessKeyId', '0002-00000003']);
    expect(err.message).toContain('The Security Token may be lost');
  });

  it('tampered, foreign or borrowed token → InvalidSecurityToken', async () => {
    const sts = stsCredentials();
    const [body, mac] = sts.securityToken!.split('.') as [string, string];
    const flipped = `${body.slice(0, 10)}${body[10] === 'A' ? 'B' : 'A'}${body.slice(11)}.${mac}`;
    const other = stsCredentials();
    const tokens = [
      flipped,
      'garbage',
      stsCredentials(undefined, 'another-emulator-secret').securityToken!, // sealed with another secret
      other.securityToken!, // genuine, but issued to a different AccessKeyId
    ];
    for (const securityToken of tokens) {
      const err = await failure(authenticatorAt(T).authenticate(await signedV4({ ...sts, securityToken })));
      expect([err.status, err.code, err.ec]).toEqual([403, 'InvalidSecurityToken', '0002-00000006']);
    }
    const rootWithToken = await signedV4({ ...ROOT, securityToken: sts.securityToken! });
    expect((await failure(authenticatorAt(T).authenticate(rootWithToken))).code).toBe('InvalidSecurityToken');
  });

  it('expired token → SecurityTokenExpired echoing it, before the clock skew check', async () => {
    const sts = stsCredentials(T / 1000 + 60);
    const req = await signedV4(sts, T);
    await expect(authenticatorAt(T + 60_000).authenticate(req)).resolves.toMatchObject({ kind: 'sts' });
    const err = await failure(authenticatorAt(T + 60 * MINUTE).authenticate(req));
    expect([err.code, err.ec]).toEqual(['SecurityTokenExpired', '0002-00000007']);
    expect(detail(err, 'SecurityToken')).toBe(sts.securityToken);
  });

  it('tokens outlive the emulator: any authenticator with the same tokenSecret accepts them', async () => {
    const sts = stsCredentials(undefined, 'shared-token-secret');
    const req = await signedV4(sts);
    await expect(authenticatorAt(T, 'shared-token-secret').authenticate(req)).resolves.toMatchObject({
      kind: 'sts',
    });
    expect((await failure(authenticatorAt(T).authenticate(req))).code).toBe('InvalidSecurityToken');
  });

  for (const [scheme, sign] of [
    ['V4', signedV4],
    ['V1', signedV1],
  ] as const) {
    it(`${scheme} header: ±16 min skew → RequestTimeTooSkewed with RequestTime and ServerTime; ±14 min is fine`, async () => {
      for (const offset of [16 * MINUTE, -16 * MINUTE]) {
        const err = await failure(authenticatorAt(T + offset).authenticate(await sign(ROOT, T)));
        expect([err.status, err.code, err.ec]).toEqual([403, 'RequestTimeTooSkewed', '0002-00000504']);
        expect(detail(err, 'RequestTime')).toBe('2025-01-15T08:30:00.000Z');
        expect(detail(err, 'ServerTime')).toBe(new Date(T + offset).toISOString());
      }
      for (const offset of [14 * MINUTE, -14 * MINUTE]) {
        await expect(authenticatorAt(T + offset).authenticate(await sign(ROOT, T))).resolves.toBeDefined();
      }
    });
  }

  it('V1 header: x-oss-date wins over Date, which is the fallback', async () => {
    const req = await signedV1(ROOT, T);
    const withStaleDate = {
      ...req,
      headers: { ...req.headers, date: new Date(T - 60 * MINUTE).toUTCString() },
    };
    await expect(authenticatorAt(T).authenticate(withStaleDate)).resolves.toBeDefined();
  });

  for (const [scheme, presign] of [
    ['V4', presignedV4],
    ['V1', presignedV1],
  ] as const) {
    it(`${scheme} presigned URL past its expiry → AccessDenied "Request has expired."`, async () => {
      const req = await presign(ROOT, 600);
      await expect(authenticatorAt(T + 600_000).authenticate(req)).resolves.toBeDefined();
      const err = await failure(authenticatorAt(T + 601_000).authenticate(req));
      expect([err.status, err.code, err.message]).toEqual([403, 'AccessDenied', 'Request has expired.']);
      expect(detail(err, 'Expires')).toBe('2025-01-15T08:40:00.000Z');
      expect(detail(err, 'ServerTime')).toBe('2025-01-15T08:40:01.000Z');
    });
  }

  it('wrong secret, V4 → SignatureDoesNotMatch with the server StringToSign and CanonicalRequest', async () => {
    const err = await failure(
      authenticatorAt(T).authenticate(await signedV4({ ...ROOT, accessKeySecret: 'wrong' })),
    );
    expect([err.status, err.code, err.ec]).toEqual([403, 'SignatureDoesNotMatch', '0002-00000201']);
    expect(detail(err, 'StringToSign')).toMatch(
      /^OSS4-HMAC-SHA256\n20250115T083000Z\n20250115\/cn-hangzhou\/oss\/aliyun_v4_request\n[0-9a-f]{64}$/,
    );
    expect(detail(err, 'CanonicalRequest')).toContain(
      'PUT\n/skylift-dev/uploads/photo%201%2B%28%C3%BC%29.png\npartNumber=1&uploadId=ABC%2A%2A%2A%2A\ncontent-type:image/png\n',
    );
  });

  it('wrong secret, V1 header and V1 URL → SignatureDoesNotMatch with the server StringToSign', async () => {
    const wrong = { ...ROOT, accessKeySecret: 'wrong' };
    const header = await failure(authenticatorAt(T).authenticate(await signedV1(wrong)));
    expect([header.code, header.ec]).toEqual(['SignatureDoesNotMatch', '0002-00000040']);
    expect(detail(header, 'StringToSign')).toBe(
      'PUT\n\nimage/png\nWed, 15 Jan 2025 08:30:00 GMT\nx-oss-date:Wed, 15 Jan 2025 08:30:00 GMT\n/skylift-dev/uploads/photo 1+(ü).png?partNumber=1&uploadId=ABC****',
    );
    const url = await failure(authenticatorAt(T).authenticate(await presignedV1(wrong, 600)));
    expect(detail(url, 'StringToSign')).toBe(
      'PUT\n\nimage/png\n1736930400\n/skylift-dev/uploads/photo 1+(ü).png?partNumber=1&uploadId=ABC****',
    );
  });

  it('a request changed after signing → SignatureDoesNotMatch', async () => {
    const req = await signedV4(ROOT);
    const otherKey = { ...req, key: 'uploads/other.png' };
    expect((await failure(authenticatorAt(T).authenticate(otherKey))).code).toBe('SignatureDoesNotMatch');
    const presigned = await presignedV4(ROOT, 600);
    const longer = {
      ...presigned,
      rawQuery: presigned.rawQuery.replace('x-oss-expires=600', 'x-oss-expires=6000'),
    };
    expect((await failure(authenticatorAt(T).authenticate(longer))).code).toBe('SignatureDoesNotMatch');
  });

  it('V4 credential scope must agree with x-oss-date', async () => {
    const req = await signedV4(ROOT);
    const headers = { ...req.headers, 'x-oss-date': '20250116T083000Z' };
    const err = await failure(authenticatorAt(T + 24 * 60 * MINUTE).authenticate({ ...req, headers }));
    expect(err.code).toBe('InvalidArgument');
  });
});

describe('presigned URL validity window (OSS documentation: signed URLs, V1 and V4)', () => {
  it('V4: an x-oss-date more than 15 minutes ahead of the server → AccessDenied 0002-00000235', async () => {
    // Signed by a client whose clock runs 16 minutes ahead; 14 minutes ahead is within OSS's tolerance.
    const ahead = await presignedV4(ROOT, 600, upload, T + 16 * MINUTE);
    const err = await failure(authenticatorAt(T).authenticate(ahead));
    expect([err.status, err.code, err.ec]).toEqual([403, 'AccessDenied', '0002-00000235']);
    expect(err.message).toBe(
      'The request time must be no earlier than 15 minutes before the time specified by x-oss-date.',
    );
    expect(detail(err, 'ServerTime')).toBe('2025-01-15T08:30:00.000Z');
    const slightlyAhead = await presignedV4(ROOT, 600, upload, T + 14 * MINUTE);
    await expect(authenticatorAt(T).authenticate(slightlyAhead)).resolves.toBeDefined();
  });

  it('V4: dating a URL in the future cannot stretch it past 7 days', async () => {
    // The longest allowed x-oss-expires, from a date a year ahead, would otherwise work for a year.
    const aYearAhead = await presignedV4(ROOT, 604_800, upload, T + 365 * 24 * 60 * MINUTE);
    expect((await failure(authenticatorAt(T).authenticate(aYearAhead))).ec).toBe('0002-00000235');
  });

  it('V4: x-oss-expires outside 1..604800 → InvalidArgument 0002-00000232', async () => {
    const req = await presignedV4(ROOT, 600);
    for (const expires of ['0', '604801', '-1', '1.5']) {
      const bad = { ...req, rawQuery: req.rawQuery.replace('x-oss-expires=600', `x-oss-expires=${expires}`) };
      const err = await failure(authenticatorAt(T).authenticate(bad));
      expect([err.status, err.code, err.ec], expires).toEqual([400, 'InvalidArgument', '0002-00000232']);
    }
  });

  it('expired URLs carry the EC of their scheme: V4 0002-00000236, V1 0002-00000069', async () => {
    const v4 = await failure(authenticatorAt(T + 601_000).authenticate(await presignedV4(ROOT, 600)));
    expect([v4.code, v4.ec]).toEqual(['AccessDenied', '0002-00000236']);
    const v1 = await failure(authenticatorAt(T + 601_000).authenticate(await presignedV1(ROOT, 600)));
    expect([v1.code, v1.ec]).toEqual(['AccessDenied', '0002-00000069']);
  });

  it('V1: Expires that is not a Unix time → InvalidArgument 0002-00000070', async () => {
    const req = await presignedV1(ROOT, 600);
    const bad = { ...req, rawQuery: req.rawQuery.replace(/Expires=\d+/, 'Expires=soon') };
    const err = await failure(authenticatorAt(T).authenticate(bad));
    expect([err.status, err.code, err.ec]).toEqual([400, 'InvalidArgument', '0002-00000070']);
  });
});
