// The headers an object keeps (taken at PutObject or InitiateMultipartUpload) and the headers
// GetObject / HeadObject answer with (OSS API reference: InitiateMultipartUpload, GetObject).

import type { IncomingHttpHeaders } from 'node:http';
import { STORAGE_CLASSES } from '../../../lib/oss/storage-class.ts';
import { ossError } from '../errors.ts';
import type { ObjectMetadata, ObjectRecord, StorageClass } from '../persistence/records.ts';
import { parseTaggingHeader } from './object-tags.ts';

const META_PREFIX = 'x-oss-meta-';

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

/** Number of tags in an x-oss-tagging value (checked by the one set of tag rules). */
export function countTags(tagging: string): number {
  return parseTaggingHeader(tagging).length;
}

export function metadataFromHeaders(headers: IncomingHttpHeaders): ObjectMetadata {
  const storageClass = single(headers['x-oss-storage-class']) ?? 'Standard';
  if (!(STORAGE_CLASSES as readonly string[]).includes(storageClass)) {
    throw ossError.invalidArgument('Invalid storage class.', 'x-oss-storage-class', storageClass);
  }
  const tagging = single(headers['x-oss-tagging']);
  if (tagging !== undefined) countTags(tagging);
  const userMeta: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined)
      userMeta.push([name.slice(META_PREFIX.length), single(value)!]);
  }
  return {
    contentType: single(headers['content-type']),
    cacheControl: single(headers['cache-control']),
    contentDisposition: single(headers['content-disposition']),
    contentEncoding: single(headers['content-encoding']),
    expires: single(headers.expires),
    userMeta,
    tagging,
    storageClass: storageClass as StorageClass,
  };
}

/** `x-oss-forbid-overwrite`: undefined when absent, so Complete can fall back to Initiate's value. */
export function forbidOverwriteHeader(headers: IncomingHttpHeaders): boolean | undefined {
  const value = single(headers['x-oss-forbid-overwrite']);
  return value === undefined ? undefined : value.toLowerCase() === 'true';
}

/** Headers describing a stored object, shared by GetObject and HeadObject. */
export function objectHeaders(record: ObjectRecord): Record<string, string | number | undefined> {
  const { metadata } = record;
  const headers: Record<string, string | number | undefined> = {
    'Content-Type': metadata.contentType ?? 'application/octet-stream',
    'Content-Length': record.size,
    'Accept-Ranges': 'bytes',
    ETag: record.etag,
    'Last-Modified': new Date(record.lastModified).toUTCString(),
    'Cache-Control': metadata.cacheControl,
    'Content-Disposition': metadata.contentDisposition,
    'Content-Encoding': metadata.contentEncoding,
    Expires: metadata.expires,
    'x-oss-object-type': record.type,
    'x-oss-storage-class': metadata.storageClass,
    'x-oss-hash-crc64ecma': record.crc64,
    'Content-MD5': record.type === 'Normal' ? record.contentMd5 : undefined,
    'x-oss-tagging-count': metadata.tagging === undefined ? undefined : countTags(metadata.tagging),
  };
  for (const [name, value] of metadata.userMeta) headers[`${META_PREFIX}${name}`] = value;
  return headers;
}
