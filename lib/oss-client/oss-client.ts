// A small OSS REST client on fetch and the project's one V4 signer, safe in pages and service
// workers. Every request is signed when it is sent, with the credentials current at that moment,
// and a part's body is the Blob slice itself: nothing here reads file bytes into memory.

import type { CredentialsProvider } from '../credentials/credentials-provider.ts';
import type { TemporaryCredentials } from '../credentials/temporary-credentials.ts';
import { withFreshCredentials } from '../credentials/with-fresh-credentials.ts';
import { toBase64, utf8 } from '../oss/bytes.ts';
import { md5Base64 } from '../oss/etag.ts';
import type { QueryPairs } from '../oss/request.ts';
import { signRequestV4 } from '../oss/sign-v4.ts';
import { buildXml, parseXml, type XmlElement, type XmlNode } from '../oss/xml.ts';
import type { UploadCallback } from '../protocol/upload-options.ts';
import { errorFromResponse, OssNetworkError, OssRequestError } from './errors.ts';
import { objectUrl } from './object-url.ts';

/** The sub-resources naming one part of a multipart upload (UploadPart, UploadPartCopy). */
const partQuery = (partNumber: number, uploadId: string): QueryPairs => [
  ['partNumber', String(partNumber)],
  ['uploadId', uploadId],
];

/** The CompleteMultipartUpload request body listing `parts` (ascending by part number, as OSS requires). */
export function completeMultipartUploadXml(parts: readonly { partNumber: number; etag: string }[]): string {
  return buildXml('CompleteMultipartUpload', {
    Part: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
  });
}

export interface OssClientOptions {
  credentials: CredentialsProvider;
  fetch?: typeof fetch;
  /** Signing clock in ms; the engine passes one corrected for the server's clock (RequestTimeTooSkewed). */
  now?: () => number;
  /** Uploads or parts asked for per listing page; OSS's maximum (1000) unless a test wants pages. */
  listPageSize?: number;
}

/** A listing that says it is truncated but does not move its marker would be followed forever. */
function stuckMarker(operation: string): Error {
  return new Error(`${operation} said there is more but gave no new marker.`);
}

export interface UploadedPart {
  etag: string;
  /** x-oss-hash-crc64ecma as sent (decimal). */
  crc64: string;
  requestId: string;
}

export interface ListedPart {
  partNumber: number;
  etag: string;
  size: number;
  crc64?: string;
}

export interface ListedUpload {
  key: string;
  uploadId: string;
  initiated: string;
}

export interface StoredObject {
  etag: string;
  crc64: string;
  requestId: string;
  /** Set when the request carried a callback: the app server's body, or OSS's reason on 203. */
  callback?: { ok: boolean; body: string };
}

export interface ObjectHead {
  etag: string;
  size: number;
  crc64?: string;
}

type Headers = Record<string, string>;

interface SendRequest {
  operation: string;
  method: string;
  key: string;
  query?: QueryPairs;
  /** A function where a header depends on the credentials (the bucket in x-oss-copy-source). */
  headers?: Headers | ((credentials: TemporaryCredentials) => Headers);
  body?: Blob | string;
  signal?: AbortSignal;
  ok: readonly number[];
}

const LIST_PAGE = 1000;

/** x-oss-callback / x-oss-callback-var headers (OSS API reference: "Callback"), built as ali-oss builds them. */
export function callbackHeaders(callback: UploadCallback | undefined): Headers {
  if (!callback) return {};
  const encode = (value: unknown) => toBase64(utf8(JSON.stringify(value)));
  const headers: Headers = {
    'x-oss-callback': encode({
      callbackUrl: encodeURI(callback.url),
      callbackBody: callback.body,
      ...(callback.host ? { callbackHost: callback.host } : {}),
      ...(callback.contentType ? { callbackBodyType: callback.contentType } : {}),
    }),
  };
  const vars = Object.entries(callback.customValue ?? {});
  if (vars.length > 0) {
    headers['x-oss-callback-var'] = encode(Object.fromEntries(vars.map(([k, v]) => [`x:${k}`, String(v)])));
  }
  return headers;
}

const text = (node: XmlNode | undefined): string => (typeof node === 'string' ? node : '');

export function createOssClient(options: OssClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const pageSize = options.listPageSize ?? LIST_PAGE;

  /**
   * Signs and sends one request. A token OSS calls expired or invalid is replaced and the request sent
   * once more (withFreshCredentials: the one stale-token path for every caller of this client).
   */
  function send(request: SendRequest): Promise<{ response: Response; credentials: TemporaryCredentials }> {
    return withFreshCredentials(options.credentials, (credentials) => sendSigned(request, credentials));
  }

  async function sendSigned(
    request: SendRequest,
    credentials: TemporaryCredentials,
  ): Promise<{ response: Response; credentials: TemporaryCredentials }> {
    const headers =
      typeof request.headers === 'function' ? request.headers(credentials) : (request.headers ?? {});
    const signed = await signRequestV4(
      { method: request.method, bucket: credentials.bucket, key: request.key, query: request.query, headers },
      credentials,
      { region: credentials.region, now: new Date(now()) },
    );
    const url = objectUrl(credentials.endpoint, credentials.bucket, request.key, request.query);
    let response: Response;
    try {
      response = await doFetch(url, {
        method: request.method,
        headers: { ...headers, ...signed },
        body: request.body,
        signal: request.signal,
        cache: 'no-store',
      });
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') throw error;
      throw new OssNetworkError(
        `${request.operation} got no answer: ${(error as Error)?.message ?? error}`,
        error,
      );
    }
    if (!request.ok.includes(response.status)) {
      throw await errorFromResponse(response, request.operation, credentials);
    }
    return { response, credentials };
  }

  function requestId(response: Response): string {
    return response.headers.get('x-oss-request-id') ?? '';
  }

  /**
   * A header the upload cannot do without, or a loud error. OSS always sends ETag (Complete needs it)
   * and x-oss-hash-crc64ecma (every byte is verified against it); when the browser cannot read them,
   * the bucket's CORS rule does not expose them, and going on would mean finishing unverified.
   */
  function requireHeader(
    response: Response,
    name: 'ETag' | 'x-oss-hash-crc64ecma',
    operation: string,
  ): string {
    const value = response.headers.get(name);
    if (value) return value;
    throw new OssRequestError(
      response.status,
      'HeaderNotExposed',
      `${operation} succeeded but the browser cannot read its ${name} header, so Skylift cannot ` +
        `${name === 'ETag' ? 'complete the upload' : 'verify the bytes OSS stored'}. Add ETag and ` +
        'x-oss-hash-crc64ecma to ExposeHeader in the bucket CORS rule (docs/real-oss.md), then retry.',
      requestId(response),
      '',
    );
  }

  /** ETag and CRC64 of what OSS stored, both required. */
  function checksums(response: Response, operation: string) {
    return {
      etag: requireHeader(response, 'ETag', operation),
      crc64: requireHeader(response, 'x-oss-hash-crc64ecma', operation),
    };
  }

  async function storedObject(response: Response, operation: string, withCallback: boolean) {
    const result: StoredObject = { ...checksums(response, operation), requestId: requestId(response) };
    if (response.status === 203) {
      // CallbackFailed: the object IS stored; only the app server's notification failed.
      const error = await errorFromResponse(response, operation);
      result.callback = { ok: false, body: error.message };
    } else if (withCallback) {
      result.callback = { ok: true, body: await response.text() };
    }
    return result;
  }

  /** One page of ListParts after part `marker`; `next` is the marker of the following page, if any. */
  async function partsPage(
    key: string,
    uploadId: string,
    marker: number,
    max: number,
  ): Promise<{ parts: ListedPart[]; truncated: boolean; next?: number }> {
    const { response } = await send({
      operation: 'ListParts',
      method: 'GET',
      key,
      query: [
        ['max-parts', String(max)],
        ['part-number-marker', String(marker)],
        ['uploadId', uploadId],
      ],
      ok: [200],
    });
    const doc = parseXml(await response.text(), { arrays: ['Part'] }).ListPartsResult as XmlElement;
    const parts = ((doc.Part ?? []) as XmlElement[]).map((node): ListedPart => {
      const crc = text(node.HashCrc64ecma);
      return {
        partNumber: Number(text(node.PartNumber)),
        etag: text(node.ETag),
        size: Number(text(node.Size)),
        crc64: crc === '' ? undefined : crc,
      };
    });
    const next = text(doc.NextPartNumberMarker);
    return {
      parts,
      truncated: text(doc.IsTruncated) === 'true',
      next: next === '' ? undefined : Number(next),
    };
  }

  return {
    async initiateMultipartUpload(key: string, headers: Headers): Promise<string> {
      const { response } = await send({
        operation: 'InitiateMultipartUpload',
        method: 'POST',
        key,
        query: [['uploads', '']],
        headers,
        ok: [200],
      });
      const doc = parseXml(await response.text()).InitiateMultipartUploadResult as XmlElement | undefined;
      const uploadId = text(doc?.UploadId);
      if (!uploadId) throw new Error('InitiateMultipartUpload answered without an UploadId');
      return uploadId;
    },

    async uploadPart(
      key: string,
      uploadId: string,
      partNumber: number,
      body: Blob,
      signal?: AbortSignal,
    ): Promise<UploadedPart> {
      const operation = `UploadPart ${partNumber}`;
      const { response } = await send({
        operation,
        method: 'PUT',
        key,
        query: partQuery(partNumber, uploadId),
        body,
        signal,
        ok: [200],
      });
      return { ...checksums(response, operation), requestId: requestId(response) };
    },

    /**
     * UploadPartCopy of the whole object `sourceKey` (same bucket) as part `partNumber`. The part's
     * CRC64 is the answer's x-oss-hash-crc64ecma where OSS sends it, else the one ListParts lists.
     */
    async uploadPartCopy(
      key: string,
      uploadId: string,
      partNumber: number,
      sourceKey: string,
      signal?: AbortSignal,
    ): Promise<UploadedPart> {
      const operation = `UploadPartCopy ${partNumber}`;
      const { response } = await send({
        operation,
        method: 'PUT',
        key,
        query: partQuery(partNumber, uploadId),
        headers: (credentials) => ({
          'x-oss-copy-source': `/${credentials.bucket}/${encodeURIComponent(sourceKey)}`,
        }),
        signal,
        ok: [200],
      });
      const etag = requireHeader(response, 'ETag', operation);
      await response.body?.cancel();
      const crc64 =
        response.headers.get('x-oss-hash-crc64ecma') ??
        (await partsPage(key, uploadId, partNumber - 1, 1)).parts.find((p) => p.partNumber === partNumber)
          ?.crc64 ??
        requireHeader(response, 'x-oss-hash-crc64ecma', operation);
      return { etag, crc64, requestId: requestId(response) };
    },

    /** DeleteMultipleObjects in quiet mode, 1000 keys a request (OSS's maximum); absent keys are fine. */
    async deleteObjects(keys: readonly string[]): Promise<void> {
      for (let start = 0; start < keys.length; start += LIST_PAGE) {
        const body = buildXml('Delete', {
          Quiet: true,
          Object: keys.slice(start, start + LIST_PAGE).map((Key) => ({ Key })),
        });
        await send({
          operation: 'DeleteMultipleObjects',
          method: 'POST',
          key: '',
          query: [['delete', '']],
          headers: { 'Content-Type': 'application/xml', 'Content-MD5': await md5Base64(body) },
          body,
          ok: [200],
        });
      }
    },

    /** Parts must be in ascending order (OSS answers InvalidPartOrder otherwise). */
    async completeMultipartUpload(
      key: string,
      uploadId: string,
      parts: readonly { partNumber: number; etag: string }[],
      headers: Headers = {},
    ): Promise<StoredObject> {
      const body = completeMultipartUploadXml(parts);
      const { response } = await send({
        operation: 'CompleteMultipartUpload',
        method: 'POST',
        key,
        query: [['uploadId', uploadId]],
        headers: { ...headers, 'Content-Type': 'application/xml', 'Content-MD5': await md5Base64(body) },
        body,
        ok: [200, 203],
      });
      return storedObject(response, 'CompleteMultipartUpload', 'x-oss-callback' in headers);
    },

    async putObject(key: string, body: Blob, headers: Headers, signal?: AbortSignal): Promise<StoredObject> {
      const { response } = await send({
        operation: 'PutObject',
        method: 'PUT',
        key,
        headers,
        body,
        signal,
        ok: [200, 203],
      });
      return storedObject(response, 'PutObject', 'x-oss-callback' in headers);
    },

    /** Every part, following IsTruncated across pages. */
    async listParts(key: string, uploadId: string): Promise<ListedPart[]> {
      const parts: ListedPart[] = [];
      let marker = 0;
      for (;;) {
        const page = await partsPage(key, uploadId, marker, pageSize);
        parts.push(...page.parts);
        if (!page.truncated) return parts;
        if (!(page.next !== undefined && page.next > marker)) throw stuckMarker('ListParts');
        marker = page.next;
      }
    },

    /** One part as OSS lists it, or undefined when OSS does not have it: one small request. */
    async findPart(key: string, uploadId: string, partNumber: number): Promise<ListedPart | undefined> {
      const { parts } = await partsPage(key, uploadId, partNumber - 1, 1);
      return parts.find((p) => p.partNumber === partNumber);
    },

    /** Every multipart upload under a prefix, following IsTruncated across pages. */
    async listUploads(prefix = ''): Promise<ListedUpload[]> {
      const uploads: ListedUpload[] = [];
      let keyMarker = '';
      let uploadIdMarker = '';
      for (;;) {
        const { response } = await send({
          operation: 'ListMultipartUploads',
          method: 'GET',
          key: '',
          query: [
            ['uploads', ''],
            ['prefix', prefix],
            ['max-uploads', String(pageSize)],
            ['key-marker', keyMarker],
            ['upload-id-marker', uploadIdMarker],
          ],
          ok: [200],
        });
        const doc = parseXml(await response.text(), { arrays: ['Upload'] })
          .ListMultipartUploadsResult as XmlElement;
        for (const node of (doc.Upload ?? []) as XmlElement[]) {
          uploads.push({
            key: text(node.Key),
            uploadId: text(node.UploadId),
            initiated: text(node.Initiated),
          });
        }
        if (text(doc.IsTruncated) !== 'true') return uploads;
        const nextKey = text(doc.NextKeyMarker);
        const nextId = text(doc.NextUploadIdMarker);
        if (nextKey === '' || (nextKey === keyMarker && nextId === uploadIdMarker)) {
          throw stuckMarker('ListMultipartUploads');
        }
        keyMarker = nextKey;
        uploadIdMarker = nextId;
      }
    },

    async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
      await send({
        operation: 'AbortMultipartUpload',
        method: 'DELETE',
        key,
        query: [['uploadId', uploadId]],
        ok: [204],
      });
    },

    /** The object's ETag, size and CRC, or undefined when there is no such object. */
    async headObject(key: string): Promise<ObjectHead | undefined> {
      try {
        const { response } = await send({ operation: 'HeadObject', method: 'HEAD', key, ok: [200] });
        return {
          etag: response.headers.get('etag') ?? '',
          size: Number(response.headers.get('content-length') ?? Number.NaN),
          crc64: response.headers.get('x-oss-hash-crc64ecma') ?? undefined,
        };
      } catch (error) {
        if (error instanceof OssRequestError && error.status === 404) return undefined;
        throw error;
      }
    },
  };
}

export type OssClient = ReturnType<typeof createOssClient>;
