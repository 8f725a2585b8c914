// InitiateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload, ListParts (OSS API reference: the multipart upload operations).

import { crc64Combine, crc64ToHeader } from '../../../lib/oss/crc64.ts';
import { multipartEtag, unquoteEtag } from '../../../lib/oss/etag.ts';
import { MAX_PARTS, MIN_PART_SIZE } from '../../../lib/oss/limits.ts';
import { uriEncode } from '../../../lib/oss/uri-encode.ts';
import { buildXml, parseXml, type XmlElement, type XmlNode } from '../../../lib/oss/xml.ts';
import { ossError } from '../errors.ts';
import { sendEmpty, sendXml } from '../http/exchange.ts';
import type { UploadState } from '../persistence/bucket-state.ts';
import type { PartRecord } from '../persistence/records.ts';
import type { CompletePlan } from '../persistence/store.ts';
import { forbidOverwriteHeader, metadataFromHeaders } from './object-metadata.ts';
import { encodingFields, integerParam, type OperationContext, xmlTime } from './operation-context.ts';
import { readSmallBody, receiveObjectBody } from './request-body.ts';

const MIN_PART_NUMBER = 1;
/** 10,000 <Part> entries are well under 1 MiB; anything much larger is not a Complete body. */
const MAX_COMPLETE_BODY_BYTES = 2 * 1024 * 1024;
const MAX_LIST = 1000;

function uploadIdOf(ctx: OperationContext): string {
  return ctx.query.get('uploadId') ?? '';
}

export async function initiateMultipartUpload(ctx: OperationContext): Promise<void> {
  const metadata = metadataFromHeaders(ctx.req.headers);
  const upload = await ctx.store.createUpload(
    ctx.bucketName,
    ctx.key,
    metadata,
    forbidOverwriteHeader(ctx.req.headers) ?? false,
  );
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('InitiateMultipartUploadResult', {
      EncodingType,
      Bucket: ctx.bucketName,
      Key: encode(ctx.key),
      UploadId: upload.uploadId,
    }),
  );
}

/** partNumber must be an integer 1..10000 (OSS API reference: UploadPart); checked before any byte of the body is read. */
export function partNumberOf(ctx: OperationContext): number {
  const raw = ctx.query.get('partNumber');
  if (raw === undefined || raw === '') {
    throw ossError.invalidArgument(
      'Unexpected query string parameter',
      'ResourceType',
      'partNumber',
      '0017-00000219',
    );
  }
  const n = /^\d{1,6}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(n >= MIN_PART_NUMBER && n <= MAX_PARTS)) {
    throw ossError.invalidArgument(
      'Part number must be an integer between 1 and 10000, inclusive.',
      'PartNumber',
      raw,
      '0017-00000220',
    );
  }
  return n;
}

/** Metadata headers on a part (ali-oss sends them, OSS API reference: UploadPart) are deliberately ignored: Initiate owns them. */
export async function uploadPart(ctx: OperationContext): Promise<void> {
  const partNumber = partNumberOf(ctx);
  const uploadId = uploadIdOf(ctx);
  ctx.store.requireUpload(ctx.bucketName, uploadId, ctx.key); // fail before the body; re-checked at commit
  const body = await receiveObjectBody(ctx.store, ctx.req);
  const part = await ctx.store.putPart(ctx.bucketName, uploadId, ctx.key, partNumber, body);
  sendEmpty(ctx, 200, { ETag: part.etag, 'x-oss-hash-crc64ecma': part.crc64, 'Content-MD5': body.md5Base64 });
}

interface RequestedPart {
  partNumber: number;
  etag: string;
}

function parseCompleteBody(body: string): RequestedPart[] {
  let root: XmlNode | undefined;
  try {
    root = parseXml(body, { arrays: ['Part'] }).CompleteMultipartUpload;
  } catch {
    throw ossError.malformedXml();
  }
  if (root === undefined || typeof root !== 'object' || Array.isArray(root)) throw ossError.malformedXml();
  const parts = (root.Part ?? []) as XmlNode[];
  if (parts.length === 0) throw ossError.malformedXml();
  return parts.map((node) => {
    const part = node as XmlElement;
    const number = part.PartNumber;
    const etag = part.ETag;
    if (typeof number !== 'string' || !/^\d+$/.test(number.trim()) || typeof etag !== 'string') {
      throw ossError.malformedXml();
    }
    return { partNumber: Number(number.trim()), etag };
  });
}

/** CompleteMultipartUpload's validations (OSS API reference), in the documented order after NoSuchUpload (which the store checks). */
async function planComplete(ctx: OperationContext, upload: UploadState, body: string): Promise<CompletePlan> {
  const uploadId = upload.record.uploadId;
  if (ctx.req.headers['x-oss-storage-class'] !== undefined) {
    throw ossError.operationNotSupported('x-oss-storage-class is not supported by CompleteMultipartUpload.');
  }
  const completeAll = String(ctx.req.headers['x-oss-complete-all']).toLowerCase() === 'yes';
  const hasBody = body.trim() !== '';
  const requested = hasBody || !completeAll ? parseCompleteBody(body) : undefined;
  if (completeAll && hasBody) {
    throw ossError.invalidArgument(
      'Should not speficy both complete all header and http body.',
      'x-oss-complete-all',
      'yes',
      '0042-00000216',
    );
  }
  let parts: PartRecord[];
  if (requested) {
    for (let i = 1; i < requested.length; i++) {
      if (requested[i]!.partNumber <= requested[i - 1]!.partNumber) throw ossError.invalidPartOrder();
    }
    parts = requested.map(({ partNumber, etag }) => {
      const part = upload.parts.get(partNumber);
      if (!part || unquoteEtag(part.etag).toUpperCase() !== unquoteEtag(etag).toUpperCase()) {
        throw ossError.invalidPart(uploadId, partNumber, etag);
      }
      return part;
    });
  } else {
    parts = [...upload.parts.values()].sort((a, b) => a.partNumber - b.partNumber);
    if (parts.length === 0) throw ossError.malformedXml();
  }
  if (parts.slice(0, -1).some((p) => p.size < MIN_PART_SIZE)) throw ossError.entityTooSmall();
  // The object's ETag and CRC come from the part records alone: Complete never reads part bytes.
  let crc = 0n;
  for (const part of parts) crc = crc64Combine(crc, BigInt(part.crc64), part.size);
  return {
    parts,
    etag: await multipartEtag(parts.map((p) => p.etag)),
    crc64: crc64ToHeader(crc),
    forbidOverwrite: forbidOverwriteHeader(ctx.req.headers) ?? upload.record.forbidOverwrite,
  };
}

export async function completeMultipartUpload(ctx: OperationContext): Promise<void> {
  const body = await readSmallBody(ctx.req, MAX_COMPLETE_BODY_BYTES, ossError.malformedXml);
  const { record: object } = await ctx.store.completeUpload(
    ctx.bucketName,
    uploadIdOf(ctx),
    ctx.key,
    (upload) => planComplete(ctx, upload, body),
  );
  const { EncodingType, encode } = encodingFields(ctx);
  const keyPath = uriEncode(ctx.key, true);
  const location =
    ctx.address.style === 'virtual-host'
      ? `http://${ctx.hostId}/${keyPath}`
      : `http://${ctx.hostId}/${ctx.bucketName}/${keyPath}`;
  const xml = buildXml('CompleteMultipartUploadResult', {
    EncodingType,
    Location: location,
    Bucket: ctx.bucketName,
    Key: encode(ctx.key),
    ETag: object.etag,
  });
  ctx.res.setHeader('ETag', object.etag);
  ctx.res.setHeader('x-oss-hash-crc64ecma', object.crc64);
  const handled = await ctx.onObjectStored?.({
    operation: 'CompleteMultipartUpload',
    exchange: ctx,
    bucket: ctx.bucketName,
    key: ctx.key,
    object,
    response: { status: 200, xml },
  });
  if (handled !== 'handled') sendXml(ctx, 200, xml);
}

export async function abortMultipartUpload(ctx: OperationContext): Promise<void> {
  await ctx.store.abortUpload(ctx.bucketName, uploadIdOf(ctx), ctx.key);
  sendEmpty(ctx, 204);
}

export async function listParts(ctx: OperationContext): Promise<void> {
  const uploadId = uploadIdOf(ctx);
  const upload = ctx.store.requireUpload(ctx.bucketName, uploadId, ctx.key);
  const maxParts = integerParam(ctx, 'max-parts', MAX_LIST, MAX_LIST, 1);
  const marker = integerParam(ctx, 'part-number-marker', 0);
  const after = [...upload.parts.values()]
    .filter((p) => p.partNumber > marker)
    .sort((a, b) => a.partNumber - b.partNumber);
  const page = after.slice(0, maxParts);
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('ListPartsResult', {
      EncodingType,
      Bucket: ctx.bucketName,
      Key: encode(ctx.key),
      UploadId: uploadId,
      StorageClass: upload.record.metadata.storageClass,
      PartNumberMarker: marker,
      NextPartNumberMarker: page.at(-1)?.partNumber ?? marker,
      MaxParts: maxParts,
      IsTruncated: String(after.length > page.length),
      Part: page.map((p) => ({
        PartNumber: p.partNumber,
        LastModified: xmlTime(p.lastModified),
        ETag: p.etag,
        HashCrc64ecma: p.crc64,
        Size: p.size,
      })),
    }),
  );
}
