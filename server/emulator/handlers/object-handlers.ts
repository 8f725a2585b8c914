// PutObject, GetObject, HeadObject, GetObjectMeta and DeleteObject (OSS API reference: PutObject, GetObject, HeadObject, DeleteObject).

import type { IncomingHttpHeaders } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { unquoteEtag } from '../../../lib/oss/etag.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, startStream } from '../http/exchange.ts';
import { headerValueOf } from '../http/header-value.ts';
import { readExtents } from '../persistence/read-extents.ts';
import type { ObjectRecord } from '../persistence/records.ts';
import { rangeBehavior, resolveRange } from './byte-range.ts';
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

/**
 * Conditional request headers (OSS API reference: GetObject): 304 when the client's copy is current, 412 when a precondition
 * fails. `prefix` reads the same conditions on a copy's source (`x-oss-copy-source-if-match`...).
 */
export function checkConditions(
  headers: IncomingHttpHeaders,
  object: ObjectRecord,
  prefix = '',
): 'not-modified' | undefined {
  const header = (name: string) => {
    const value = headers[`${prefix}${name}`];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const etag = unquoteEtag(object.etag);
  const matches = (list: string) => list.split(',').some((t) => t.trim() === '*' || unquoteEtag(t) === etag);
  const modified = Math.floor(object.lastModified / 1000) * 1000;
  const ifMatch = header('if-match');
  const ifUnmodifiedSince = header('if-unmodified-since');
  const ifNoneMatch = header('if-none-match');
  const ifModifiedSince = header('if-modified-since');
  if (ifMatch !== undefined && !matches(ifMatch)) throw ossError.preconditionFailed(`${prefix}If-Match`);
  if (ifUnmodifiedSince !== undefined && modified > Date.parse(ifUnmodifiedSince)) {
    throw ossError.preconditionFailed(`${prefix}If-Unmodified-Since`);
  }
  if (ifNoneMatch !== undefined) return matches(ifNoneMatch) ? 'not-modified' : undefined;
  if (ifModifiedSince !== undefined && modified <= Date.parse(ifModifiedSince)) return 'not-modified';
  return undefined;
}

/** `response-*` query parameters override the stored headers on GET (OSS API reference: GetObject). */
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
    if (checkConditions(ctx.req.headers, record) === 'not-modified') {
      sendEmpty(ctx, 304, { ETag: record.etag, 'Last-Modified': headers['Last-Modified'] });
      return;
    }
    for (const [param, header] of RESPONSE_OVERRIDES) {
      const value = ctx.query.get(param);
      if (value !== undefined) headers[header] = headerValueOf(param, value);
    }
    const range = resolveRange(
      ctx.req.headers.range,
      record.size,
      rangeBehavior(ctx.req.headers['x-oss-range-behavior']),
    );
    const { start, end } = range ?? { start: 0, end: record.size - 1 };
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
  if (checkConditions(ctx.req.headers, object) === 'not-modified') {
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

/** 204 whether or not the object existed (OSS API reference: DeleteObject). */
export async function deleteObject(ctx: OperationContext): Promise<void> {
  await ctx.store.deleteObject(ctx.bucketName, ctx.key);
  sendEmpty(ctx, 204);
}
