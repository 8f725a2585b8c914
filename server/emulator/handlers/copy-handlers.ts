// CopyObject (`PUT /<key>` + x-oss-copy-source, OSS API reference: CopyObject) and UploadPartCopy (`PUT /<key>?partNumber&uploadId`
// + x-oss-copy-source, OSS API reference: UploadPartCopy). A copy shares the source's immutable data files (see Store.copyObject);
// only a ranged part copy, or one out of several source files, reads and writes bytes, because its
// ETag is the MD5 of exactly those bytes.

import { buildXml } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import { readExtents } from '../persistence/read-extents.ts';
import type { ObjectMetadata, ObjectRecord } from '../persistence/records.ts';
import { resolveRange } from './byte-range.ts';
import { leaseCopySource } from './copy-source.ts';
import { partNumberOf } from './multipart-handlers.ts';
import { forbidOverwriteHeader, metadataFromHeaders } from './object-metadata.ts';
import { type OperationContext, xmlTime } from './operation-context.ts';
import { MAX_OBJECT_BYTES } from './request-body.ts';

function directive(ctx: OperationContext, header: string, values: readonly string[]): string {
  const raw = ctx.req.headers[header];
  const value = (Array.isArray(raw) ? raw[0] : raw) ?? values[0]!;
  const known = values.find((v) => v.toLowerCase() === value.toLowerCase());
  if (!known) throw ossError.invalidArgument(`${header} must be ${values.join(' or ')}.`, header, value);
  return known;
}

/**
 * The copy's metadata: the source's (COPY, the default) or this request's (REPLACE, and always when
 * an object is copied onto itself, which is how OSS updates metadata); tags likewise by
 * x-oss-tagging-directive. x-oss-storage-class, when sent, sets the copy's storage class.
 */
function copiedMetadata(ctx: OperationContext, source: ObjectRecord, sameObject: boolean): ObjectMetadata {
  const fromRequest = metadataFromHeaders(ctx.req.headers); // validates storage class and tagging
  const replace = directive(ctx, 'x-oss-metadata-directive', ['COPY', 'REPLACE']) === 'REPLACE' || sameObject;
  const replaceTags = directive(ctx, 'x-oss-tagging-directive', ['Copy', 'Replace']) === 'Replace';
  const base = replace
    ? fromRequest
    : {
        ...source.metadata,
        storageClass:
          ctx.req.headers['x-oss-storage-class'] === undefined
            ? source.metadata.storageClass
            : fromRequest.storageClass,
      };
  return { ...base, tagging: replaceTags ? fromRequest.tagging : source.metadata.tagging };
}

export async function copyObject(ctx: OperationContext): Promise<void> {
  const { lease, notModified } = leaseCopySource(ctx);
  try {
    if (notModified) {
      sendEmpty(ctx, 304, { ETag: lease.record.etag });
      return;
    }
    const source = lease.record;
    const sameObject = source === ctx.store.getObject(ctx.bucketName, ctx.key);
    const object = await ctx.store.copyObject(
      source,
      ctx.bucketName,
      ctx.key,
      copiedMetadata(ctx, source, sameObject),
      forbidOverwriteHeader(ctx.req.headers) ?? false,
    );
    sendXml(
      ctx,
      200,
      buildXml('CopyObjectResult', { ETag: object.etag, LastModified: xmlTime(object.lastModified) }),
      { ETag: object.etag, 'x-oss-hash-crc64ecma': object.crc64 },
    );
  } finally {
    lease.release();
  }
}

export async function uploadPartCopy(ctx: OperationContext): Promise<void> {
  const partNumber = partNumberOf(ctx);
  const uploadId = ctx.query.get('uploadId') ?? '';
  ctx.store.requireUpload(ctx.bucketName, uploadId, ctx.key); // fail before touching the source
  const { lease, notModified } = leaseCopySource(ctx);
  try {
    const source = lease.record;
    if (notModified) {
      sendEmpty(ctx, 304, { ETag: source.etag });
      return;
    }
    const rangeHeader = ctx.req.headers['x-oss-copy-source-range'];
    // A range OSS cannot satisfy copies the whole source, without Content-Range (OSS API reference: UploadPartCopy).
    const range = resolveRange(
      Array.isArray(rangeHeader) ? rangeHeader[0] : rangeHeader,
      source.size,
      'default',
    );
    const only = source.extents.length === 1 ? source.extents[0]! : undefined;
    const part =
      !range && only && source.type === 'Normal'
        ? await ctx.store.putPartFromBlob(ctx.bucketName, uploadId, ctx.key, partNumber, {
            blob: only.blob,
            size: source.size,
            etag: source.etag,
            crc64: source.crc64,
          })
        : await ctx.store.putPart(
            ctx.bucketName,
            uploadId,
            ctx.key,
            partNumber,
            await ctx.store.receive(
              readExtents(
                source.extents,
                (blob) => ctx.store.blobPath(blob),
                range?.start ?? 0,
                range?.end ?? source.size - 1,
              ),
              MAX_OBJECT_BYTES,
            ),
          );
    sendXml(
      ctx,
      200,
      buildXml('CopyPartResult', { LastModified: xmlTime(part.lastModified), ETag: part.etag }),
      {
        ETag: part.etag,
        'x-oss-hash-crc64ecma': part.crc64,
        'Content-Range': range && `bytes ${range.start}-${range.end}/${source.size}`,
      },
    );
  } finally {
    lease.release();
  }
}
