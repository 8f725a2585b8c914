import { describe, expect, it } from 'vitest';
import type { Credentials } from '../../../lib/oss/credentials.ts';
import {
  isV1SubResource,
  parseAuthorizationV1,
  presignV1,
  signatureV1,
  signRequestV1,
  stringToSignBytesV1,
  stringToSignV1,
} from '../../../lib/oss/sign-v1.ts';
import { parseQueryPairs } from '../../../lib/oss/uri-encode.ts';

const ak: Credentials = { accessKeyId: 'ak', accessKeySecret: 'sk' };
const goDate = 'Wed, 28 Dec 2022 10:27:41 GMT';

describe('V1 header auth: Go SDK TestV1AuthHeader', () => {
  const putHeaders = {
    'Content-MD5': 'eB5eJF1ptWaXm4bijSPyxw==',
    'Content-Type': 'text/html',
    'x-oss-meta-author': 'alice',
    'x-oss-meta-magic': 'abracadabra',
  };

  it.each([
    ['', '', 'kSHKmLxlyEAKtZPkJhG9bZb5k7M='],
    ['acl', '?acl', '/afkugFbmWDQ967j1vr6zygBLQk='],
  ])('object PUT with query %j', async (rawQuery, resourceSuffix, signature) => {
    const request = {
      method: 'PUT',
      bucket: 'examplebucket',
      key: 'nelson',
      query: parseQueryPairs(rawQuery),
      headers: putHeaders,
    };
    const added = await signRequestV1(request, ak, { now: new Date(goDate) });
    expect(added['x-oss-date']).toBe(goDate);
    expect(stringToSignV1({ ...request, headers: { ...putHeaders, ...added } })).toBe(
      `PUT\neB5eJF1ptWaXm4bijSPyxw==\ntext/html\n${goDate}\nx-oss-date:${goDate}\nx-oss-meta-author:alice\nx-oss-meta-magic:abracadabra\n/examplebucket/nelson${resourceSuffix}`,
    );
    expect(added.authorization).toBe(`OSS ak:${signature}`);
  });

  it.each([
    ['resourceGroup&non-resousce=null', '/examplebucket/?resourceGroup', 'vkQmfuUDyi1uDi3bKt67oemssIs='],
    ['resourceGroup&acl', '/examplebucket/?acl&resourceGroup', 'x3E5TgOvl/i7PN618s5mEvpJDYk='],
  ])('bucket GET ?%s signs only sub-resources, sorted', async (rawQuery, resource, signature) => {
    const request = { method: 'GET', bucket: 'examplebucket', key: '', query: parseQueryPairs(rawQuery) };
    const added = await signRequestV1(request, ak, { now: new Date(goDate) });
    expect(stringToSignV1({ ...request, headers: added })).toBe(
      `GET\n\n\n${goDate}\nx-oss-date:${goDate}\n${resource}`,
    );
    expect(added.authorization).toBe(`OSS ak:${signature}`);
  });
});

describe('V1 header auth: doc example (Date header, no x-oss-date)', () => {
  const secret = 'OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV';
  const request = (md5: string) => ({
    method: 'PUT',
    bucket: 'oss-example',
    key: 'nelson',
    headers: {
      'Content-Md5': md5,
      'Content-Type': 'text/html',
      Date: 'Thu, 17 Nov 2005 18:49:58 GMT',
      'X-OSS-Meta-Author': 'foo@bar.com',
      'X-OSS-Magic': 'abracadabra',
    },
  });

  it.each([
    ['ODBGOERFMDMzQTczRUY3NUE3NzA5QzdFNUYzMDQxNEM=', '26NBxoKdsyly4EDv6inkoDft/yA='],
    ['eB5eJF1ptWaXm4bijSPyxw==', 'hD208RWMpg77svXkQRwWXS+V5KQ='],
  ])('Content-MD5 %s', async (md5, signature) => {
    const stringToSign = stringToSignV1(request(md5));
    expect(stringToSign).toBe(
      `PUT\n${md5}\ntext/html\nThu, 17 Nov 2005 18:49:58 GMT\nx-oss-magic:abracadabra\nx-oss-meta-author:foo@bar.com\n/oss-example/nelson`,
    );
    expect(await signatureV1(secret, stringToSign)).toBe(signature);
  });
});

describe('V1 header auth: ali-oss browser vectors (derived)', () => {
  const sts: Credentials = {
    accessKeyId: 'STS.NTestAccessKeyId',
    accessKeySecret: 'TestAccessKeySecret',
    securityToken: 'CAISTestSecurityToken',
  };
  const now = new Date('2025-01-15T08:30:00Z');
  const ua = { 'x-oss-user-agent': 'aliyun-sdk-js/6.23.0 Chrome 120.0.0.0 on Linux 64-bit' };

  it('Initiate', async () => {
    const request = {
      method: 'POST',
      bucket: 'examplebucket',
      key: 'uploads/photo 1.png',
      query: parseQueryPairs('uploads='),
      headers: { ...ua, 'x-oss-meta-owner': 'alice', 'Content-Type': 'image/png' },
    };
    const added = await signRequestV1(request, sts, { now });
    expect(stringToSignV1({ ...request, headers: { ...request.headers, ...added } })).toBe(
      'POST\n\nimage/png\nWed, 15 Jan 2025 08:30:00 GMT\nx-oss-date:Wed, 15 Jan 2025 08:30:00 GMT\nx-oss-meta-owner:alice\n' +
        'x-oss-security-token:CAISTestSecurityToken\nx-oss-user-agent:aliyun-sdk-js/6.23.0 Chrome 120.0.0.0 on Linux 64-bit\n' +
        '/examplebucket/uploads/photo 1.png?uploads',
    );
    expect(added.authorization).toBe('OSS STS.NTestAccessKeyId:CSGjh3+i0Rdkv0cB8xQhauQE7HA=');
  });

  it.each([
    ['PUT', 'partNumber=1&uploadId=0004B9894A22E5B1888A1E29F823ABCD', '9EVq2XOmXEjNimz49PREVNyiPOI='],
    ['GET', 'max-parts=100&uploadId=0004B9894A22E5B1888A1E29F823ABCD', 'MlZ0XQY/rhVDMnrRwXRdxQlZXKY='],
  ])('%s ?%s', async (method, rawQuery, signature) => {
    const request = {
      method,
      bucket: 'examplebucket',
      key: 'uploads/photo 1.png',
      query: parseQueryPairs(rawQuery),
      headers: { ...ua, 'Content-Type': 'image/png' },
    };
    const added = await signRequestV1(request, sts, { now });
    expect(added.authorization).toBe(`OSS STS.NTestAccessKeyId:${signature}`);
  });
});

describe('V1 presigned URL', () => {
  it.each([
    [
      ak,
      'key',
      1699807420,
      'dcLTea+Yh9ApirQ8o8dOPqtvJXQ=',
      'GET\n\n\n1699807420\n/bucket/key?versionId=versionId',
    ],
    [
      { ...ak, securityToken: 'token' },
      'key+123',
      1699808204,
      'jzKYRrM5y6Br0dRFPaTGOsbrDhY=',
      'GET\n\n\n1699808204\n/bucket/key+123?security-token=token&versionId=versionId',
    ],
  ])('Go TestV1AuthQuery %#', async (credentials, key, expires, signature, stringToSign) => {
    const request = { method: 'GET', bucket: 'bucket', key, query: [['versionId', 'versionId']] as const };
    const params = await presignV1(request, credentials, {
      now: new Date(expires * 1000),
      expiresSeconds: 0,
    });
    expect(params).toEqual([
      ['OSSAccessKeyId', 'ak'],
      ['Expires', String(expires)],
      ['Signature', signature],
      ...(credentials.securityToken ? [['security-token', 'token']] : []),
    ]);
    // What a verifier reconstructs from the URL: all query params, Expires in the date slot.
    expect(
      stringToSignV1({ ...request, query: [...request.query, ...params], dateOrExpires: String(expires) }),
    ).toBe(stringToSign);
  });

  it('ali-oss signatureUrl example', async () => {
    const params = await presignV1(
      { method: 'GET', bucket: 'examplebucket', key: 'uploads/photo 1.png' },
      {
        accessKeyId: 'STS.NTestAccessKeyId',
        accessKeySecret: 'TestAccessKeySecret',
        securityToken: 'CAISTestSecurityToken',
      },
      { now: new Date('2025-01-15T08:30:00Z'), expiresSeconds: 3600 },
    );
    expect(params).toEqual([
      ['OSSAccessKeyId', 'STS.NTestAccessKeyId'],
      ['Expires', '1736933400'],
      ['Signature', 'dR9ot2CW1QTLJ6FJhYm8syR1hls='],
      ['security-token', 'CAISTestSecurityToken'],
    ]);
  });

  it('doc snippet', async () => {
    const stringToSign = stringToSignV1({
      method: 'GET',
      bucket: 'oss-example',
      key: 'oss-api.pdf',
      dateOrExpires: '1141889120',
    });
    expect(stringToSign).toBe('GET\n\n\n1141889120\n/oss-example/oss-api.pdf');
    expect(await signatureV1('OtxrzxIsfpFjA7SwPzILwy8Bw21TLhquhboDYROV', stringToSign)).toBe(
      'EwaNTn1erJGkimiJ9WmXgwnANLc=',
    );
  });
});

describe('V1 helpers', () => {
  it('knows sub-resources, case-sensitively, plus any x-oss-* parameter', () => {
    expect(isV1SubResource('uploadId')).toBe(true);
    expect(isV1SubResource('uploadid')).toBe(false);
    expect(isV1SubResource('x-oss-process')).toBe(true);
    expect(isV1SubResource('prefix')).toBe(false);
    expect(isV1SubResource('max-parts')).toBe(false);
  });

  it('prefers x-oss-date over Date, and uses / for service-level requests', () => {
    expect(
      stringToSignV1({ method: 'GET', key: '', headers: { Date: 'd1', 'x-oss-date': 'd2' } }).split('\n'),
    ).toEqual(['GET', '', '', 'd2', 'x-oss-date:d2', '/']);
  });

  it('renders StringToSignBytes as in the PicGo capture', () => {
    expect(stringToSignBytesV1('PUT\n\nimage/png\n')).toBe('50 55 54 0A 0A 69 6D 61 67 65 2F 70 6E 67 0A');
  });

  it('parses OSS ak:signature and rejects other forms', () => {
    expect(parseAuthorizationV1('OSS STS.NTestAccessKeyId:CSGjh3+i0Rdkv0cB8xQhauQE7HA=')).toEqual({
      accessKeyId: 'STS.NTestAccessKeyId',
      signature: 'CSGjh3+i0Rdkv0cB8xQhauQE7HA=',
    });
    for (const bad of ['OSS ak', 'OSS :sig', 'OSS ak:', 'AWS ak:sig', 'OSS4-HMAC-SHA256 Credential=x']) {
      expect(() => parseAuthorizationV1(bad), bad).toThrow(/OSS <AccessKeyId>:<Signature>/);
    }
  });
});
