import { describe, expect, it } from 'vitest';
import type { CredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import type { TemporaryCredentials } from '../../lib/credentials/temporary-credentials.ts';
import type { AliOssClient, AliOssOptions, RawListPartsResult, RawListUploadsResult } from './ali-oss.ts';
import { aliOssOptions } from './ali-oss.ts';
import { connectDashboardOss, multipartApi, normalizeParts } from './multipart-api.ts';
import { toProblem } from './oss-problem.ts';

const credentials = (n: number, endpoint = 'http://localhost:9000'): TemporaryCredentials => ({
  accessKeyId: `STS.${n}`,
  accessKeySecret: `secret${n}`,
  securityToken: `token${n}`,
  expiration: new Date(Date.now() + 900_000).toISOString(),
  region: 'oss-cn-hangzhou',
  bucket: 'skylift-dev',
  endpoint,
  prefix: 'uploads/',
});

function fakeClient(overrides: Partial<AliOssClient>): AliOssClient {
  const unexpected = () => Promise.reject(new Error('unexpected call'));
  return { listUploads: unexpected, listParts: unexpected, abortMultipartUpload: unexpected, ...overrides };
}

describe('ali-oss results made regular', () => {
  it('reads a lone part (an object, not an array), strings as numbers, and no parts at all', () => {
    const one = { PartNumber: '1', ETag: '"A"', Size: '102400' };
    expect(normalizeParts({ parts: one })).toEqual([{ partNumber: 1, etag: '"A"', size: 102400 }]);
    expect(normalizeParts({ parts: [one, { ...one, PartNumber: '2', Size: '5' }] })).toHaveLength(2);
    expect(normalizeParts({ parts: '' })).toEqual([]);
    expect(normalizeParts({})).toEqual([]);
  });

  it('follows key-marker/upload-id-marker through every page of ListMultipartUploads', async () => {
    const queries: Record<string, string | number>[] = [];
    const pages: RawListUploadsResult[] = [
      {
        uploads: [{ name: 'uploads/a', uploadId: 'A1', initiated: '2025-01-01T00:00:00.000Z' }],
        isTruncated: true,
        nextKeyMarker: 'uploads/a',
        nextUploadIdMarker: 'A1',
      },
      {
        uploads: [{ name: 'uploads/b', uploadId: 'B1', initiated: '2025-01-02T00:00:00.000Z' }],
        isTruncated: false,
      },
    ];
    const api = multipartApi(
      fakeClient({
        listUploads: async (query) => {
          queries.push(query);
          return pages[queries.length - 1]!;
        },
      }),
    );
    expect(await api.listUploads('uploads/')).toEqual([
      { key: 'uploads/a', uploadId: 'A1', initiated: '2025-01-01T00:00:00.000Z' },
      { key: 'uploads/b', uploadId: 'B1', initiated: '2025-01-02T00:00:00.000Z' },
    ]);
    expect(queries).toEqual([
      { prefix: 'uploads/', 'max-uploads': 1000 },
      { prefix: 'uploads/', 'max-uploads': 1000, 'key-marker': 'uploads/a', 'upload-id-marker': 'A1' },
    ]);
  });

  it('follows part-number-marker through ListParts pages, reading isTruncated as the string it is', async () => {
    const markers: (string | number | undefined)[] = [];
    const pages: RawListPartsResult[] = [
      {
        parts: [
          { PartNumber: '1', ETag: '"1"', Size: '10' },
          { PartNumber: '2', ETag: '"2"', Size: '10' },
        ],
        isTruncated: 'true',
        nextPartNumberMarker: '2',
      },
      { parts: { PartNumber: '3', ETag: '"3"', Size: '5' }, isTruncated: 'false', nextPartNumberMarker: '3' },
    ];
    const api = multipartApi(
      fakeClient({
        listParts: async (_name, _id, query) => {
          markers.push(query['part-number-marker']);
          return pages[markers.length - 1]!;
        },
      }),
    );
    const parts = await api.listParts('uploads/a', 'A1');
    expect(parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(markers).toEqual([0, 2]);
  });

  it('stops rather than loop when a truncated page gives no new marker', async () => {
    const api = multipartApi(
      fakeClient({ listParts: async () => ({ parts: '', isTruncated: 'true', nextPartNumberMarker: '0' }) }),
    );
    await expect(api.listParts('k', 'id')).rejects.toThrow(/no new marker/);
  });
});

describe('client options', () => {
  it('signs V4 with the STS token; virtual-host for names, path style for IPs; secure per endpoint', async () => {
    const named = aliOssOptions(credentials(1, 'https://oss-cn-hangzhou.aliyuncs.com'), async () =>
      credentials(2),
    );
    expect(named).toMatchObject({
      accessKeyId: 'STS.1',
      stsToken: 'token1',
      bucket: 'skylift-dev',
      region: 'oss-cn-hangzhou',
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      authorizationV4: true,
      secure: true,
      sldEnable: false,
    });
    expect(await named.refreshSTSToken()).toEqual({
      accessKeyId: 'STS.2',
      accessKeySecret: 'secret2',
      stsToken: 'token2',
    });
    expect(aliOssOptions(credentials(1, 'http://localhost:9181'), async () => credentials(1))).toMatchObject({
      secure: false,
      sldEnable: false,
    });
    expect(aliOssOptions(credentials(1, 'http://127.0.0.1:9181'), async () => credentials(1)).sldEnable).toBe(
      true,
    );
  });

  it('runs a call once more with new credentials after SecurityTokenExpired', async () => {
    let issued = 0;
    let cached: TemporaryCredentials | undefined;
    const provider: CredentialsProvider = {
      get: async () => {
        cached ??= credentials(++issued);
        return cached;
      },
      invalidate: () => {
        cached = undefined;
      },
    };
    let options: AliOssOptions | undefined;
    let calls = 0;
    class FakeOss {
      constructor(o: AliOssOptions) {
        options = o;
      }
      listUploads = async () => {
        calls++;
        // ali-oss asks refreshSTSToken before each request: the retry must see the new token.
        const token = (await options!.refreshSTSToken()).stsToken;
        if (token === 'token1') throw Object.assign(new Error('expired'), { code: 'SecurityTokenExpired' });
        return { uploads: [], isTruncated: false };
      };
      listParts = async () => ({});
      abortMultipartUpload = async () => ({});
    }
    const oss = await connectDashboardOss(provider, async () => FakeOss);
    expect(oss.prefix).toBe('uploads/');
    expect(await oss.api.listUploads('uploads/')).toEqual([]);
    expect(calls).toBe(2);
    expect(issued).toBe(2);
  });
});

describe('toProblem', () => {
  it('keeps the OSS code, message and request id of an ali-oss error', () => {
    const error = Object.assign(new Error('The specified upload does not exist.'), {
      name: 'NoSuchUploadError',
      code: 'NoSuchUpload',
      status: 404,
      requestId: '5C9F6CBD1BA604C27DD438F8',
    });
    expect(toProblem(error)).toEqual({
      code: 'NoSuchUpload',
      message: 'The specified upload does not exist.',
      requestId: '5C9F6CBD1BA604C27DD438F8',
    });
  });

  it('reads the XML ali-oss could not, instead of showing it', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>No.</Message><RequestId>ABC</RequestId></Error>';
    expect(toProblem(new Error(`Unknown error, status: 403, raw xml: ${xml}`))).toEqual({
      code: 'AccessDenied',
      message: 'No.',
      requestId: 'ABC',
    });
  });

  it('says "no answer" for ali-oss network errors and keeps other errors readable', () => {
    const network = Object.assign(new Error('XHR error(req "error"), GET http://x -1\nheaders: {}'), {
      name: 'RequestError',
      status: -1,
    });
    expect(toProblem(network)).toMatchObject({ code: 'NetworkError', message: /did not answer/ });
    expect(toProblem(Object.assign(new Error('line one\nline two'), { name: 'TypeError' }))).toEqual({
      code: 'TypeError',
      message: 'line one',
    });
    expect(toProblem('boom')).toEqual({ code: 'Error', message: 'boom' });
  });
});
