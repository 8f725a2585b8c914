// The source of CopyObject and UploadPartCopy (OSS API reference: UploadPartCopy, CopyObject): `x-oss-copy-source: /<bucket>/<key>`,
// the key percent-encoded (ali-oss and the Java/Python SDKs encode `/` too, Go keeps it), optionally
// followed by `?versionId=`. The caller must be allowed oss:GetObject on it.

import { percentDecode } from '../../../lib/oss/uri-encode.ts';
import { ossError } from '../errors.ts';
import type { ObjectLease } from '../persistence/store.ts';
import { checkConditions } from './object-handlers.ts';
import type { OperationContext } from './operation-context.ts';

export interface CopySource {
  bucket: string;
  key: string;
}

const HEADER = 'x-oss-copy-source';

export function parseCopySource(value: string): CopySource {
  const invalid = () =>
    ossError.invalidArgument(
      'Copy Source must mention the source bucket and key: /sourcebucket/sourcekey.',
      HEADER,
      value,
    );
  const [path = '', query] = value.split('?', 2);
  const match = /^\/?([^/]+)\/(.+)$/.exec(path);
  if (!match) throw invalid();
  let source: CopySource;
  try {
    source = { bucket: percentDecode(match[1]!), key: percentDecode(match[2]!) };
  } catch {
    throw invalid();
  }
  if (query !== undefined) {
    const versionId = new URLSearchParams(query).get('versionId');
    // The emulator keeps no versions: only the "null" version (the current object) exists.
    if (versionId !== null && versionId !== 'null') {
      throw ossError.invalidArgument('Invalid version id specified', 'versionId', versionId);
    }
  }
  return source;
}

/**
 * Resolves, authorizes and pins the copy's source: NoSuchBucket, AccessDenied (oss:GetObject on the
 * source), NoSuchKey, then the x-oss-copy-source-if-* conditions. 'not-modified' means answer 304.
 * The lease must be released by the caller.
 */
export function leaseCopySource(ctx: OperationContext): { lease: ObjectLease; notModified: boolean } {
  const raw = ctx.req.headers[HEADER];
  const source = parseCopySource(Array.isArray(raw) ? raw[0]! : raw!);
  if (!ctx.store.bucket(source.bucket)) throw ossError.noSuchBucket(source.bucket);
  ctx.authenticator.authorize(ctx.principal, 'oss:GetObject', source.bucket, source.key);
  const lease = ctx.store.leaseObject(source.bucket, source.key);
  if (!lease) throw ossError.noSuchKey(source.key);
  try {
    const notModified = checkConditions(ctx.req.headers, lease.record, `${HEADER}-`) === 'not-modified';
    return { lease, notModified };
  } catch (error) {
    lease.release();
    throw error;
  }
}
