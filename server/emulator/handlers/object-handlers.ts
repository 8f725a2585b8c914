// PutObject, GetObject, HeadObject, GetObjectMeta and DeleteObject (§1.7 - §1.10).

import { pipeline } from 'node:stream/promises';
import { unquoteEtag } from '../../../lib/oss/etag.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, startStream } from '../http/exchange.ts';
import { headerValueOf } from '../http/header-value.ts';
import { readExtents } from '../persistence/read-extents.ts';
import type { ObjectRecord } from '../persistence/records.ts';
import { forbidOverwriteHeader, metadataFromHeaders, objectHeaders } from './object-metadata.ts';
import type { OperationContext } from './operation-context.ts';
import { receiveObjectBody } from './request-body.ts';

export async function putObject(ctx: OperationContext): Promise<void> {
  const metadata = metadataFromHeaders(ctx.req.headers);
  const forbidOverwrite = forbidOverwriteHeader(ctx.req.headers) ?? false;
  // Fail fast before taking gigabytes; putObject re-checks under the key's lock.
  if (forbidOverwrite && ctx.bucket.objects.has(ctx.key)) throw ossError.fileAlreadyExists('0026-00000201');
  const body = await receiveObjectBody(ctx.store, ctx.req);
  const object = await ctx.store.putObject(ctx.bucketName, ctx.key, body, metadata, forbidOverwrite);
  ctx.res.setHeader('ETag', object.etag);
  ctx.res.setHeader('x-oss-hash-crc64ecma', object.crc64);
  ctx.res.setHeader('Content-MD5', object.contentMd5!);
  const handled = await ctx.onObjectStored?.({
    operation: 'PutObject',
    exchange: ctx,
    bucket: ctx.bucketName,
    key: ctx.key,
    object,
    response: { status: 200 },
  });
  if (handled !== 'handled') sendEmpty(ctx, 200);
}

/** Conditional request headers (§1.8): 304 when the client's copy is current, 412 when a precondition fails. */
function checkConditions(ctx: OperationContext, object: ObjectRecord): 'not-modified' | undefined {
  const h = ctx.req.headers;
  const etag = unquoteEtag(object.etag);
  const matches = (list: string) => list.split(',').some((t) => t.trim() === '*' || unquoteEtag(t) === etag);
  const modified = Math.floor(object.lastModified / 1000) * 1000;
  if (h['if-match'] !== undefined && !matches(h['if-match'])) throw ossError.preconditionFailed('If-Match');
  if (h['if-unmodified-since'] !== undefined && modified > Date.parse(h['if-unmodified-since'])) {
    throw ossError.preconditionFailed('If-Unmodified-Since');
  }
  if (h['if-none-match'] !== undefined) return matches(h['if-none-match']) ? 'not-modified' : undefined;
  if (h['if-modified-since'] !== undefined && modified <= Date.parse(h['if-modified-since']))
    return 'not-modified';
  return undefined;
}

/**
 * Parses a single `bytes=` range. Like OSS, a malformed or multi-range header is ignored (the whole
 * object is returned); a well-formed range that starts past the end is 416.
 */
function parseRange(header: string | undefined, size: number): [number, number] | undefined {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw ossError.invalidRange();
    return [Math.max(0, size - suffix), size - 1];
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (start >= size) throw ossError.invalidRange();
  if (end < start) return undefined;
  return [start, Math.min(end, size - 1)];
}

/** `response-*` query parameters override the stored headers on GET (§1.8). */
const RESPONSE_OVERRIDES: [query: string, header: string][] = [
  ['response-content-type', 'Content-Type'],
  ['response-content-language', 'Content-Language'],
  ['response-expires', 'Expires'],
  ['response-cache-control', 'Cache-Control'],
  ['response-content-disposition', 'Content-Disposition'],
  ['response-content-encoding', 'Content-Encoding'],
];

export async function getObject(ctx: OperationContext): Promise<void> {
  const lease = ctx.store.leaseObject(ctx.bucketName, ctx.key);
  if (!lease) throw ossError.noSuchKey(ctx.key);
  try {
    const { record } = lease;
    const headers = objectHeaders(record);
    if (checkConditions(ctx, record) === 'not-modified') {
      sendEmpty(ctx, 304, { ETag: record.etag, 'Last-Modified': headers['Last-Modified'] });
      return;
    }
    for (const [param, header] of RESPONSE_OVERRIDES) {
      const value = ctx.query.get(param);
      if (value !== undefined) headers[header] = headerValueOf(param, value);
    }
    const range = record.size > 0 ? parseRange(ctx.req.headers.range, record.size) : undefined;
    const [start, end] = range ?? [0, record.size - 1];
    if (range) {
      headers['Content-Range'] = `bytes ${start}-${end}/${record.size}`;
      headers['Content-Length'] = end - start + 1;
    }
    startStream(ctx, range ? 206 : 200, headers);
    if (record.size === 0) {
      ctx.res.end();
      return;
    }
    await pipeline(
      readExtents(record.extents, (b) => ctx.store.blobPath(b), start, end),
      ctx.res,
    );
  } finally {
    lease.release();
  }
}

export async function headObject(ctx: OperationContext): Promise<void> {
  const object = ctx.store.getObject(ctx.bucketName, ctx.key);
  if (!object) throw ossError.noSuchKey(ctx.key);
  const headers = objectHeaders(object);
  if (checkConditions(ctx, object) === 'not-modified') {
    sendEmpty(ctx, 304, { ETag: object.etag, 'Last-Modified': headers['Last-Modified'] });
    return;
  }
  startStream(ctx, 200, headers);
  ctx.res.end();
}

/** HEAD ?objectMeta: the light-weight subset of HeadObject. */
export async function getObjectMeta(ctx: OperationContext): Promise<void> {
  const object = ctx.store.getObject(ctx.bucketName, ctx.key);
  if (!object) throw ossError.noSuchKey(ctx.key);
  startStream(ctx, 200, {
    'Content-Length': object.size,
    ETag: object.etag,
    'Last-Modified': new Date(object.lastModified).toUTCString(),
    'x-oss-hash-crc64ecma': object.crc64,
  });
  ctx.res.end();
}

/** 204 whether or not the object existed (§1.10). */
export async function deleteObject(ctx: OperationContext): Promise<void> {
  await ctx.store.deleteObject(ctx.bucketName, ctx.key);
  sendEmpty(ctx, 204);
}
