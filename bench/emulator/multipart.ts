// The multipart calls the emulator benchmarks make, and the check that a finished object is what the
// client sent: ETag and CRC64 recomputed with lib/oss from what the client knows, size from HEAD.

import { crc64Combine, crc64ToHeader } from '../../lib/oss/crc64.ts';
import { multipartEtag, unquoteEtag } from '../../lib/oss/etag.ts';
import { parseXml } from '../../lib/oss/xml.ts';
import { completeMultipartUploadXml } from '../../lib/oss-client/oss-client.ts';
import type { NodeOssClient, OssResponse } from '../lib/node-oss-client.ts';
import type { Payload } from './payload.ts';

export interface UploadedPart {
  partNumber: number;
  etag: string;
  /** Decimal CRC64 as the x-oss-hash-crc64ecma header gives it. */
  crc64: string;
  size: number;
}

export async function initiateUpload(client: NodeOssClient, key: string): Promise<string> {
  const response = await client.expectOk(
    { method: 'POST', key, query: [['uploads', '']] },
    'InitiateMultipartUpload',
  );
  const uploadId = parseXml(response.text).InitiateMultipartUploadResult;
  if (typeof uploadId !== 'object' || Array.isArray(uploadId) || typeof uploadId.UploadId !== 'string') {
    throw new Error(`InitiateMultipartUpload returned no UploadId: ${response.text}`);
  }
  return uploadId.UploadId;
}

export async function uploadPart(
  client: NodeOssClient,
  key: string,
  uploadId: string,
  partNumber: number,
  body: Uint8Array,
): Promise<UploadedPart> {
  const response = await client.expectOk(
    {
      method: 'PUT',
      key,
      query: [
        ['partNumber', String(partNumber)],
        ['uploadId', uploadId],
      ],
      body,
    },
    `UploadPart ${partNumber}`,
  );
  return {
    partNumber,
    etag: String(response.headers.etag),
    crc64: String(response.headers['x-oss-hash-crc64ecma']),
    size: body.length,
  };
}

/** UploadPart of a pre-hashed payload, throwing unless the emulator answers with the payload's ETag and CRC64. */
export async function uploadCheckedPart(
  client: NodeOssClient,
  key: string,
  uploadId: string,
  partNumber: number,
  payload: Payload,
): Promise<UploadedPart> {
  const part = await uploadPart(client, key, uploadId, partNumber, payload.bytes);
  if (part.etag !== payload.etag || part.crc64 !== payload.crc64Header) {
    throw new Error(
      `part ${partNumber}: ETag ${part.etag} CRC64 ${part.crc64}, sent ${payload.etag} ${payload.crc64Header}`,
    );
  }
  return part;
}

/** The Complete request body; built ahead of time so a timed Complete measures only the request. */
export function completeBody(parts: readonly UploadedPart[]): string {
  return completeMultipartUploadXml(parts);
}

export function completeUpload(client: NodeOssClient, key: string, uploadId: string, body: string) {
  return client.expectOk(
    {
      method: 'POST',
      key,
      query: [['uploadId', uploadId]],
      headers: { 'content-type': 'application/xml' },
      body: new TextEncoder().encode(body),
    },
    'CompleteMultipartUpload',
  );
}

export interface ExpectedObject {
  /** Quoted, as OSS sends it. */
  etag: string;
  crc64: string;
  size: number;
}

/** What OSS must report for an object made of `parts`, in order, computed the way a client would. */
export async function expectedMultipartObject(parts: readonly UploadedPart[]): Promise<ExpectedObject> {
  let crc = 0n;
  for (const part of parts) crc = crc64Combine(crc, BigInt(part.crc64), part.size);
  return {
    etag: await multipartEtag(parts.map((p) => p.etag)),
    crc64: crc64ToHeader(crc),
    size: parts.reduce((sum, p) => sum + p.size, 0),
  };
}

const unquote = (etag: unknown) => unquoteEtag(String(etag)).toUpperCase();

/**
 * Throws unless `response` (PutObject or Complete) and a fresh HEAD agree with `expected`, so a
 * benchmark never reports the speed of an emulator that stored the wrong bytes.
 */
export async function verifyStoredObject(
  client: NodeOssClient,
  key: string,
  response: OssResponse,
  expected: ExpectedObject,
): Promise<void> {
  const head = await client.expectOk({ method: 'HEAD', key }, `HeadObject ${key}`);
  const checks: [what: string, actual: unknown, wanted: unknown][] = [
    ['response ETag', unquote(response.headers.etag), unquote(expected.etag)],
    ['response CRC64', response.headers['x-oss-hash-crc64ecma'], expected.crc64],
    ['HEAD ETag', unquote(head.headers.etag), unquote(expected.etag)],
    ['HEAD CRC64', head.headers['x-oss-hash-crc64ecma'], expected.crc64],
    ['HEAD Content-Length', Number(head.headers['content-length']), expected.size],
  ];
  const wrong = checks.filter(([, actual, wanted]) => actual !== wanted);
  if (wrong.length > 0) {
    throw new Error(
      `${key} stored wrongly: ${wrong.map(([what, actual, wanted]) => `${what} ${actual}, expected ${wanted}`).join('; ')}`,
    );
  }
}
