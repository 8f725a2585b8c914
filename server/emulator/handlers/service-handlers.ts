// ListBuckets (GetService, `GET /` on the bare endpoint, OSS API reference: ListBuckets (GetService)) and GetBucketInfo (`GET /?bucketInfo`,
// OSS API reference: GetBucketInfo): the emulator's buckets described as OSS describes buckets.

import { buildXml, type XmlObject } from '../../../lib/oss/xml.ts';
import { EMULATOR_DEFAULTS } from '../../config/emulator-defaults.ts';
import { type Exchange, sendXml } from '../http/exchange.ts';
import type { Query } from '../http/query.ts';
import { compareKeys } from '../persistence/key-order.ts';
import type { BucketRecord } from '../persistence/records.ts';
import type { Store } from '../persistence/store.ts';
import { OWNER_ID } from './list-objects.ts';
import { integerParam, type OperationContext, xmlTime } from './operation-context.ts';

const DEFAULT_MAX_KEYS = 100;
const MAX_KEYS = 1000;
const LOCATION = EMULATOR_DEFAULTS.region;
const REGION = LOCATION.replace(/^oss-/, '');

export interface ServiceContext extends Exchange {
  store: Store;
  query: Query;
}

const owner = () => ({ ID: OWNER_ID, DisplayName: OWNER_ID });

/** The endpoint clients reach the emulator on: the Host they addressed, without any bucket. */
function endpointOf(ex: Exchange, bucket?: string): string {
  const host = ex.hostId;
  return bucket !== undefined && host.startsWith(`${bucket}.`) ? host.slice(bucket.length + 1) : host;
}

function bucketFields(ex: Exchange, record: BucketRecord): XmlObject {
  return {
    CreationDate: xmlTime(record.created),
    ExtranetEndpoint: endpointOf(ex, record.name),
    IntranetEndpoint: endpointOf(ex, record.name),
    Location: LOCATION,
    Name: record.name,
    Region: REGION,
    StorageClass: 'Standard',
  };
}

export async function listBuckets(ctx: ServiceContext): Promise<void> {
  const prefix = ctx.query.get('prefix') ?? '';
  const marker = ctx.query.get('marker') ?? '';
  const maxKeys = integerParam(ctx, 'max-keys', DEFAULT_MAX_KEYS, MAX_KEYS, 1);
  const names = ctx.store
    .bucketNames()
    .filter((name) => name.startsWith(prefix) && compareKeys(name, marker) > 0)
    .sort(compareKeys);
  const page = names.slice(0, maxKeys);
  const truncated = names.length > page.length;
  // Prefix, Marker, MaxKeys, IsTruncated and NextMarker appear only in a truncated answer (OSS API reference: ListBuckets (GetService)).
  sendXml(
    ctx,
    200,
    buildXml('ListAllMyBucketsResult', {
      ...(truncated
        ? { Prefix: prefix, Marker: marker, MaxKeys: maxKeys, IsTruncated: 'true', NextMarker: page.at(-1) }
        : {}),
      Owner: owner(),
      Buckets: { Bucket: page.map((name) => bucketFields(ctx, ctx.store.bucket(name)!.record)) },
    }),
  );
}

export async function getBucketInfo(ctx: OperationContext): Promise<void> {
  sendXml(
    ctx,
    200,
    buildXml('BucketInfo', {
      Bucket: {
        ...bucketFields(ctx, ctx.bucket.record),
        Owner: owner(),
        AccessControlList: { Grant: 'private' },
        DataRedundancyType: 'LRS',
        Versioning: 'Disabled',
      },
    }),
  );
}
