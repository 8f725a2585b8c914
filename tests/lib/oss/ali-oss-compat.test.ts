// Cross-checks against the real ali-oss 6.23.0 package: if our canonical forms and signatures equal
// its own for awkward keys and queries, the emulator (which verifies with lib/oss) accepts ali-oss.
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SignableRequest } from '../../../lib/oss/request.ts';
import {
  isV1SubResource,
  parseAuthorizationV1,
  signatureV1,
  stringToSignV1,
} from '../../../lib/oss/sign-v1.ts';
import {
  canonicalRequestV4,
  computeSignatureV4,
  parseAuthorizationV4,
  parseCredentialV4,
  signatureV4,
  stringToSignV4,
} from '../../../lib/oss/sign-v4.ts';
import { parseQueryPairs, percentDecode } from '../../../lib/oss/uri-encode.ts';

type Headers = Record<string, string>;
type Queries = Record<string, string | null>;
interface SignUtils {
  getCanonicalRequest(
    method: string,
    request: { headers: Headers; queries: Queries },
    bucket?: string,
    key?: string,
    additionalHeaders?: string[],
  ): string;
  getStringToSign(region: string, date: string, canonicalRequest: string, product?: string): string;
  getSignatureV4(
    secret: string,
    date: string,
    region: string,
    stringToSign: string,
    product?: string,
  ): string;
  fixAdditionalHeaders(headers?: string[]): string[];
  buildCanonicalString(
    method: string,
    resource: string,
    request: { headers: Headers; parameters?: Queries },
    expires?: string,
  ): string;
  computeSignature(secret: string, canonicalString: string): string;
}
interface AliOssClient {
  signatureUrlV4(
    method: string,
    expires: number,
    request?: { headers?: Headers; queries?: Queries },
    key?: string,
    additionalHeaders?: string[],
  ): Promise<string>;
  signatureUrl(key: string, options?: Record<string, unknown>): string;
}
interface CreatedRequest {
  url: string;
  params: { headers: Headers };
}
type CreateRequest = (
  this: AliOssClient,
  params: {
    method: string;
    bucket: string;
    object?: string;
    subres?: Queries | string;
    query?: Queries;
    headers?: Headers;
    additionalHeaders?: string[];
  },
) => CreatedRequest;

const require = createRequire(import.meta.url);
const signUtils = require('ali-oss/lib/common/signUtils.js') as SignUtils;
const { createRequest } = require('ali-oss/lib/common/utils/createRequest.js') as {
  createRequest: CreateRequest;
};
const OSS = require('ali-oss') as new (options: Record<string, unknown>) => AliOssClient;

const secret = 'TestAccessKeySecret';
const bucket = 'examplebucket';
const now = new Date('2025-01-15T08:30:00Z');

const oddKeys = [
  'uploads/photo 1.png',
  'a+b=c&d.txt',
  "bang!quote'paren()star*.txt",
  '中文/ファイル ü.bin',
  '100%real %41.txt',
  'tilde~dash-under_dot.txt',
  'semi;colon,comma:at@dollar$.txt',
  'emoji😀/deep/er/',
  'hash#question?.txt',
  '  spaces  around  ',
];

// Queries as ali-oss builds them: sub-resources with null values, user parameters with strings.
const oddQueries: Queries[] = [
  { uploads: null },
  { partNumber: '1', uploadId: "0004B9894A22E5B1888A1E29F823****(x)!'" },
  {
    prefix: 'dir with space/+plus',
    delimiter: '/',
    'max-uploads': '10',
    uploads: null,
    'key-marker': 'k&m=1',
  },
  { 'response-cache-control': 'no-cache', 'response-content-disposition': 'attachment; filename="ü 1.txt"' },
  { 'continuation-token': 'tok%en==', 'list-type': '2', 'start-after': '中文' },
];

/** ali-oss quirk: '' would be signed as `name=` by ali-oss but sent as `name=`, which OSS reads as `name`. */
const toPairs = (queries: Queries) => Object.entries(queries).map(([n, v]) => [n, v ?? ''] as const);

describe('V4 canonical request and signature equal ali-oss signUtils', () => {
  const headers: Headers = {
    'Content-Type': 'image/png',
    'x-oss-date': '20250115T083000Z',
    'x-oss-content-sha256': 'UNSIGNED-PAYLOAD',
    'X-OSS-Meta-Note': '  padded value  ',
    'x-oss-security-token': 'CAISTestSecurityToken',
    Host: 'examplebucket.oss-cn-hangzhou.aliyuncs.com',
    'x-custom': 'extra',
  };

  for (const key of oddKeys) {
    for (const [i, queries] of oddQueries.entries()) {
      for (const additional of [undefined, ['Host', 'x-custom']]) {
        it(`key ${JSON.stringify(key)}, query #${i}, additional ${additional ?? 'none'}`, async () => {
          const theirsAdditional = signUtils.fixAdditionalHeaders(additional);
          const theirs = signUtils.getCanonicalRequest(
            'PUT',
            { headers, queries },
            bucket,
            key,
            theirsAdditional,
          );
          const ours = canonicalRequestV4({
            method: 'PUT',
            bucket,
            key,
            query: toPairs(queries),
            headers,
            additionalHeaders: additional,
          });
          expect(ours).toBe(theirs);

          const scope = '20250115/cn-hangzhou/oss/aliyun_v4_request';
          const theirStringToSign = signUtils.getStringToSign('cn-hangzhou', '20250115T083000Z', theirs);
          expect(await stringToSignV4(ours, '20250115T083000Z', scope)).toBe(theirStringToSign);
          expect(await signatureV4(secret, '20250115', 'cn-hangzhou', theirStringToSign)).toBe(
            signUtils.getSignatureV4(secret, '20250115', 'cn-hangzhou', theirStringToSign),
          );
        });
      }
    }
  }

  it('differs from ali-oss only on its documented empty-value quirk', () => {
    const theirs = signUtils.getCanonicalRequest(
      'GET',
      { headers: {}, queries: { 'x-param': '' } },
      bucket,
      'k',
    );
    const ours = canonicalRequestV4({ method: 'GET', bucket, key: 'k', query: [['x-param', '']] });
    expect(theirs.split('\n')[2]).toBe('x-param=');
    expect(ours.split('\n')[2]).toBe('x-param');
  });
});

describe('V1 string-to-sign and signature equal ali-oss signUtils', () => {
  const headers: Headers = {
    'Content-MD5': 'G/6PJVWMNNOfyoezkhz4Og==',
    'Content-Type': 'application/xml',
    'x-oss-date': 'Wed, 15 Jan 2025 08:30:00 GMT',
    'X-OSS-Meta-Note': '  padded value  ',
    'x-oss-security-token': 'CAISTestSecurityToken',
  };

  for (const key of oddKeys) {
    for (const [i, queries] of oddQueries.entries()) {
      it(`key ${JSON.stringify(key)}, query #${i}`, async () => {
        // ali-oss passes only its sub-resources to the V1 signer.
        const subres = Object.fromEntries(Object.entries(queries).filter(([n]) => isV1SubResource(n)));
        const theirs = signUtils.buildCanonicalString('POST', `/${bucket}/${key}`, {
          headers,
          parameters: subres,
        });
        const ours = stringToSignV1({ method: 'POST', bucket, key, query: toPairs(queries), headers });
        expect(ours).toBe(theirs);
        expect(await signatureV1(secret, ours)).toBe(signUtils.computeSignature(secret, theirs));
      });
    }
  }
});

// --- end to end: requests produced by the real client, verified the way the emulator will -------------

function splitUrl(url: string): { key: string; rawQuery: string } {
  const match = /^https?:\/\/[^/]+\/([^?]*)(?:\?(.*))?$/.exec(url);
  if (!match) throw new Error(`unexpected URL ${url}`);
  return { key: percentDecode(match[1]!), rawQuery: match[2] ?? '' };
}

describe('requests built by the ali-oss client verify with lib/oss', () => {
  beforeAll(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(now);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  const clientOptions = {
    region: 'oss-cn-hangzhou',
    bucket,
    accessKeyId: 'STS.NTestAccessKeyId',
    accessKeySecret: secret,
    stsToken: 'CAISTestSecurityToken',
  };
  const v4Client = new OSS({ ...clientOptions, authorizationV4: true });
  const v1Client = new OSS(clientOptions);

  // Operations as ali-oss issues them: sub-resources in subres, plain parameters in query.
  const operations = [
    {
      method: 'POST',
      subres: { uploads: '' },
      headers: { 'x-oss-forbid-overwrite': 'true', 'x-oss-meta-owner': 'ålice' },
    },
    { method: 'PUT', subres: { partNumber: '3', uploadId: '0004B9894A22E5B1888A1E29F823****' } },
    {
      method: 'GET',
      subres: { uploadId: "id!'()*" },
      query: { 'max-parts': '100', 'part-number-marker': '2' },
    },
    { method: 'GET', subres: { 'response-cache-control': 'no-cache' } },
    { method: 'HEAD', subres: { objectMeta: '' } },
  ] as const;

  async function verifyV4(request: SignableRequest, headers: Headers) {
    const auth = parseAuthorizationV4(headers.authorization!);
    const { signature } = await computeSignatureV4(request, secret, {
      isoDate: headers['x-oss-date']!,
      region: auth.region,
      product: auth.product,
      additionalHeaders: auth.additionalHeaders,
    });
    expect(signature).toBe(auth.signature);
  }

  for (const key of oddKeys) {
    for (const [i, op] of operations.entries()) {
      it(`V4 header auth: ${op.method} ${JSON.stringify(key)} op #${i}`, async () => {
        const { url, params } = createRequest.call(v4Client, { ...op, bucket, object: key });
        const { key: wireKey, rawQuery } = splitUrl(url);
        expect(wireKey).toBe(key);
        await verifyV4(
          {
            method: op.method,
            bucket,
            key: wireKey,
            query: parseQueryPairs(rawQuery),
            headers: params.headers,
          },
          params.headers,
        );
      });

      it(`V1 header auth: ${op.method} ${JSON.stringify(key)} op #${i}`, async () => {
        const { url, params } = createRequest.call(v1Client, { ...op, bucket, object: key });
        const { key: wireKey, rawQuery } = splitUrl(url);
        const auth = parseAuthorizationV1(params.headers.authorization!);
        const stringToSign = stringToSignV1({
          method: op.method,
          bucket,
          key: wireKey,
          query: parseQueryPairs(rawQuery),
          headers: params.headers,
        });
        expect(await signatureV1(secret, stringToSign)).toBe(auth.signature);
      });
    }

    it(`V4 presigned URL (signatureUrlV4) for ${JSON.stringify(key)}`, async () => {
      const url = await v4Client.signatureUrlV4(
        'PUT',
        3600,
        {
          headers: { 'Content-Type': 'text/plain', 'x-custom': 'c' },
          queries: { partNumber: '1', uploadId: 'u*1' },
        },
        key,
        ['x-custom'],
      );
      const { key: wireKey, rawQuery } = splitUrl(url);
      const query = parseQueryPairs(rawQuery);
      const param = (name: string) => query.find(([n]) => n === name)?.[1] ?? '';
      const scope = parseCredentialV4(param('x-oss-credential'));
      const { signature } = await computeSignatureV4(
        {
          method: 'PUT',
          bucket,
          key: wireKey,
          query: query.filter(([n]) => n !== 'x-oss-signature'),
          headers: { 'Content-Type': 'text/plain', 'x-custom': 'c' },
        },
        secret,
        {
          isoDate: param('x-oss-date'),
          region: scope.region,
          product: scope.product,
          additionalHeaders: param('x-oss-additional-headers').split(';').filter(Boolean),
        },
      );
      expect(signature).toBe(param('x-oss-signature'));
    });

    it(`V1 presigned URL (signatureUrl) for ${JSON.stringify(key)}`, async () => {
      const url = v1Client.signatureUrl(key, {
        expires: 600,
        response: { 'content-type': 'text/plain; a=b' },
      });
      const { key: wireKey, rawQuery } = splitUrl(url);
      const query = parseQueryPairs(rawQuery);
      const param = (name: string) => query.find(([n]) => n === name)?.[1] ?? '';
      expect(param('Expires')).toBe(String(now.getTime() / 1000 + 600));
      const stringToSign = stringToSignV1({
        method: 'GET',
        bucket,
        key: wireKey,
        query,
        dateOrExpires: param('Expires'),
      });
      expect(await signatureV1(secret, stringToSign)).toBe(param('Signature'));
    });
  }
});
