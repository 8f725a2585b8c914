// ListObjects (v1, `GET /`) and ListObjectsV2 (`GET /?list-type=2`), OSS API reference: ListObjects, ListObjectsV2.

import { buildXml, type XmlObject } from '../../../lib/oss/xml.ts';
import { EMULATOR_DEFAULTS } from '../../config/emulator-defaults.ts';
import { ossError } from '../errors.ts';
import { sendXml } from '../http/exchange.ts';
import type { BucketState } from '../persistence/bucket-state.ts';
import { compareKeys, lowerBound } from '../persistence/key-order.ts';
import type { ObjectRecord } from '../persistence/records.ts';
import { groupByDelimiter, type Listing } from './group-by-delimiter.ts';
import { encodingFields, integerParam, type OperationContext, xmlTime } from './operation-context.ts';

const DEFAULT_MAX_KEYS = 100;
const MAX_KEYS = 1000;

/** The single account every emulator bucket belongs to (the one in the default role ARN). */
export const OWNER_ID = EMULATOR_DEFAULTS.roleArn.split(':')[3] ?? '';

/** Keys after `marker` that can match `prefix`, in order, stopping once past the prefix's range. */
function* keysFrom(bucket: BucketState, prefix: string, marker: string): Generator<ObjectRecord> {
  const keys = bucket.keys.keys;
  const start = compareKeys(prefix, marker) > 0 ? lowerBound(keys, prefix, true) : lowerBound(keys, marker);
  for (let i = start; i < keys.length; i++) {
    const key = keys[i]!;
    if (!key.startsWith(prefix) && compareKeys(key, prefix) > 0) return;
    const record = bucket.objects.get(key);
    if (record) yield record;
  }
}

function listing(
  ctx: OperationContext,
  marker: string,
): { listing: Listing<ObjectRecord>; prefix: string; delimiter: string; maxKeys: number } {
  const prefix = ctx.query.get('prefix') ?? '';
  const delimiter = ctx.query.get('delimiter') ?? '';
  const maxKeys = integerParam(ctx, 'max-keys', DEFAULT_MAX_KEYS, MAX_KEYS, 1);
  return {
    listing: groupByDelimiter(keysFrom(ctx.bucket, prefix, marker), (o) => o.key, {
      prefix,
      delimiter,
      max: maxKeys,
      marker,
    }),
    prefix,
    delimiter,
    maxKeys,
  };
}

function contents(
  entries: Listing<ObjectRecord>['entries'],
  encode: (t: string) => string,
  withOwner: boolean,
): XmlObject {
  const items = entries.flatMap((e) => (e.kind === 'item' ? [e.item] : []));
  const prefixes = entries.flatMap((e) => (e.kind === 'prefix' ? [e.prefix] : []));
  return {
    Contents: items.map((o) => ({
      Key: encode(o.key),
      LastModified: xmlTime(o.lastModified),
      ETag: o.etag,
      Type: o.type,
      Size: o.size,
      StorageClass: o.metadata.storageClass,
      // ali-oss list() dereferences Owner.ID unconditionally, so v1 must always carry it.
      Owner: withOwner ? { ID: OWNER_ID, DisplayName: OWNER_ID } : undefined,
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  };
}

const lastMarker = (entries: Listing<ObjectRecord>['entries']) => {
  const last = entries.at(-1);
  return last === undefined ? '' : last.kind === 'item' ? last.item.key : last.prefix;
};

export async function listObjects(ctx: OperationContext): Promise<void> {
  const marker = ctx.query.get('marker') ?? '';
  const { listing: result, prefix, delimiter, maxKeys } = listing(ctx, marker);
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('ListBucketResult', {
      Name: ctx.bucketName,
      Prefix: encode(prefix),
      Marker: encode(marker),
      MaxKeys: maxKeys,
      Delimiter: encode(delimiter),
      EncodingType,
      IsTruncated: String(result.truncated),
      NextMarker: result.truncated ? encode(lastMarker(result.entries)) : undefined,
      ...contents(result.entries, encode, true),
    }),
  );
}

// Continuation tokens are opaque to clients; here they are the marker to resume after, base64url'd.
const encodeToken = (marker: string) => Buffer.from(marker, 'utf8').toString('base64url');
function decodeToken(token: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(token))
    throw ossError.invalidArgument('Invalid continuation token.', 'continuation-token', token);
  return Buffer.from(token, 'base64url').toString('utf8');
}

export async function listObjectsV2(ctx: OperationContext): Promise<void> {
  const token = ctx.query.get('continuation-token');
  const startAfter = ctx.query.get('start-after');
  const marker = token !== undefined && token !== '' ? decodeToken(token) : (startAfter ?? '');
  const { listing: result, prefix, delimiter, maxKeys } = listing(ctx, marker);
  const { EncodingType, encode } = encodingFields(ctx);
  sendXml(
    ctx,
    200,
    buildXml('ListBucketResult', {
      Name: ctx.bucketName,
      Prefix: encode(prefix),
      ContinuationToken: token || undefined,
      StartAfter: startAfter === undefined ? undefined : encode(startAfter),
      MaxKeys: maxKeys,
      Delimiter: encode(delimiter),
      EncodingType,
      IsTruncated: String(result.truncated),
      NextContinuationToken: result.truncated ? encodeToken(lastMarker(result.entries)) : undefined,
      ...contents(result.entries, encode, ctx.query.get('fetch-owner') === 'true'),
      KeyCount: result.entries.length,
    }),
  );
}
