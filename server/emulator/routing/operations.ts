// OSS has no path hierarchy to route on: the operation is chosen by method + sub-resource in the query
// + the headers that change a request's meaning (x-oss-copy-source turns a PUT into a copy) + whether
// the URL names a key (e.g. `POST /k?uploads` initiates, `POST /k?uploadId=` completes, `GET /?uploads`
// lists uploads). So routing is this table, scanned in order, not a path router.
//
// A request that carries an OSS sub-resource the emulator does not implement (`?acl`, `?symlink`,
// `?append`...) is refused with 501 NotImplemented: it never falls through to a plain PutObject,
// GetObject or DeleteObject, which would overwrite, read or delete the object instead.

import type { IncomingHttpHeaders } from 'node:http';
import type { OssAction } from '../auth/auth-types.ts';
import { ossError } from '../errors.ts';
import type { Query } from '../http/query.ts';

export type OperationName =
  | 'ListBuckets'
  | 'ListMultipartUploads'
  | 'GetBucketCors'
  | 'PutBucketCors'
  | 'GetBucketLifecycle'
  | 'PutBucketLifecycle'
  | 'GetBucketInfo'
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'DeleteMultipleObjects'
  | 'PostObject'
  | 'InitiateMultipartUpload'
  | 'UploadPartCopy'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'PutObjectTagging'
  | 'GetObjectTagging'
  | 'DeleteObjectTagging'
  | 'CopyObject'
  | 'PutObject'
  | 'GetObject'
  | 'GetObjectMeta'
  | 'HeadObject'
  | 'DeleteObject';

/** What the URL addresses: the endpoint itself (no bucket), a bucket, or an object in it. */
export type OperationScope = 'service' | 'bucket' | 'object';

/** Headers whose presence changes which operation a request is. */
export type SelectingHeader = 'x-oss-copy-source';

export interface Operation {
  name: OperationName;
  method: string;
  scope: OperationScope;
  /** Query parameter whose presence selects this operation; undefined: none of the selecting ones may be sent. */
  subresource?: string;
  /** Header that must be present (CopyObject, UploadPartCopy). Such rows come before their plain sibling. */
  header?: SelectingHeader;
  /** RAM action checked with authorize() before the handler runs. */
  action: OssAction;
  /**
   * Writes that can set tags: sending `x-oss-tagging` also needs oss:PutObjectTagging (OSS API
   * reference, "RAM policies": PutObject, InitiateMultipartUpload and CopyObject with tags).
   */
  setsTags?: true;
  /**
   * Who authenticates and authorizes. 'request' (default): the pipeline checks the request signature
   * and `action` on the addressed bucket/key. 'each-key': the pipeline checks the signature, the
   * handler authorizes `action` for every key the body names (DeleteMultipleObjects). 'form': the
   * credentials are form fields (PostObject), so the handler does both once it has read them.
   */
  authorization?: 'request' | 'each-key' | 'form';
}

export const OPERATIONS: readonly Operation[] = [
  { name: 'ListBuckets', method: 'GET', scope: 'service', action: 'oss:ListBuckets' },
  {
    name: 'ListMultipartUploads',
    method: 'GET',
    scope: 'bucket',
    subresource: 'uploads',
    action: 'oss:ListMultipartUploads',
  },
  { name: 'GetBucketCors', method: 'GET', scope: 'bucket', subresource: 'cors', action: 'oss:GetBucketCors' },
  { name: 'PutBucketCors', method: 'PUT', scope: 'bucket', subresource: 'cors', action: 'oss:PutBucketCors' },
  {
    name: 'GetBucketLifecycle',
    method: 'GET',
    scope: 'bucket',
    subresource: 'lifecycle',
    action: 'oss:GetBucketLifecycle',
  },
  {
    name: 'PutBucketLifecycle',
    method: 'PUT',
    scope: 'bucket',
    subresource: 'lifecycle',
    action: 'oss:PutBucketLifecycle',
  },
  {
    name: 'GetBucketInfo',
    method: 'GET',
    scope: 'bucket',
    subresource: 'bucketInfo',
    action: 'oss:GetBucketInfo',
  },
  {
    name: 'ListObjectsV2',
    method: 'GET',
    scope: 'bucket',
    subresource: 'list-type',
    action: 'oss:ListObjects',
  },
  { name: 'ListObjects', method: 'GET', scope: 'bucket', action: 'oss:ListObjects' },
  {
    name: 'DeleteMultipleObjects',
    method: 'POST',
    scope: 'bucket',
    subresource: 'delete',
    action: 'oss:DeleteObject',
    authorization: 'each-key',
  },
  { name: 'PostObject', method: 'POST', scope: 'bucket', action: 'oss:PutObject', authorization: 'form' },
  {
    name: 'InitiateMultipartUpload',
    method: 'POST',
    scope: 'object',
    subresource: 'uploads',
    action: 'oss:PutObject',
    setsTags: true,
  },
  {
    name: 'UploadPartCopy',
    method: 'PUT',
    scope: 'object',
    subresource: 'uploadId',
    header: 'x-oss-copy-source',
    action: 'oss:PutObject',
  },
  { name: 'UploadPart', method: 'PUT', scope: 'object', subresource: 'uploadId', action: 'oss:PutObject' },
  {
    name: 'CompleteMultipartUpload',
    method: 'POST',
    scope: 'object',
    subresource: 'uploadId',
    action: 'oss:PutObject',
  },
  {
    name: 'AbortMultipartUpload',
    method: 'DELETE',
    scope: 'object',
    subresource: 'uploadId',
    action: 'oss:AbortMultipartUpload',
  },
  { name: 'ListParts', method: 'GET', scope: 'object', subresource: 'uploadId', action: 'oss:ListParts' },
  {
    name: 'PutObjectTagging',
    method: 'PUT',
    scope: 'object',
    subresource: 'tagging',
    action: 'oss:PutObjectTagging',
  },
  {
    name: 'GetObjectTagging',
    method: 'GET',
    scope: 'object',
    subresource: 'tagging',
    action: 'oss:GetObjectTagging',
  },
  {
    name: 'DeleteObjectTagging',
    method: 'DELETE',
    scope: 'object',
    subresource: 'tagging',
    action: 'oss:DeleteObjectTagging',
  },
  {
    name: 'CopyObject',
    method: 'PUT',
    scope: 'object',
    header: 'x-oss-copy-source',
    action: 'oss:PutObject',
    setsTags: true,
  },
  { name: 'PutObject', method: 'PUT', scope: 'object', action: 'oss:PutObject', setsTags: true },
  { name: 'GetObject', method: 'GET', scope: 'object', action: 'oss:GetObject' },
  {
    name: 'GetObjectMeta',
    method: 'HEAD',
    scope: 'object',
    subresource: 'objectMeta',
    action: 'oss:GetObject',
  },
  { name: 'HeadObject', method: 'HEAD', scope: 'object', action: 'oss:GetObject' },
  { name: 'DeleteObject', method: 'DELETE', scope: 'object', action: 'oss:DeleteObject' },
];

/**
 * Query parameters that make a request a different OSS operation (OSS API reference, per operation;
 * the V1 sub-resource list of the signing docs). One of them on a request means that operation or
 * nothing: parameters such as partNumber, response-*, versionId, security-token or callback only
 * modify the operation they come with and are not listed.
 */
export const SELECTING_SUBRESOURCES: ReadonlySet<string> = new Set([
  'accessPoint',
  'acl',
  'append',
  'asyncFetch',
  'bucketInfo',
  'cname',
  'comp',
  'cors',
  'delete',
  'encryption',
  'httpsConfig',
  'inventory',
  'lifecycle',
  'live',
  'location',
  'logging',
  'metaQuery',
  'objectMeta',
  'policy',
  'policyStatus',
  'publicAccessBlock',
  'qos',
  'qosInfo',
  'referer',
  'regionList',
  'replication',
  'replicationLocation',
  'replicationProgress',
  'requestPayment',
  'resourceGroup',
  'restore',
  'rtc',
  'stat',
  'style',
  'symlink',
  'tagging',
  'transferAcceleration',
  'uploadId',
  'uploads',
  'versioning',
  'versions',
  'vod',
  'website',
  'worm',
  'wormExtend',
  'wormId',
  'x-oss-async-process',
  'x-oss-process',
]);

function matches(
  op: Operation,
  method: string,
  scope: OperationScope,
  query: Query,
  headers: IncomingHttpHeaders,
) {
  if (op.method !== method || op.scope !== scope) return false;
  if (op.subresource !== undefined && !query.has(op.subresource)) return false;
  if (op.header !== undefined && headers[op.header] === undefined) return false;
  for (const name of query.keys()) {
    if (SELECTING_SUBRESOURCES.has(name) && name !== op.subresource) return false;
  }
  return true;
}

/**
 * The operation a request is, or the error OSS gives when it is none the emulator implements:
 * 501 NotImplemented for a sub-resource no operation of this scope serves, 405 MethodNotAllowed for a
 * method that does not go with the resource.
 */
export function selectOperation(
  method: string,
  scope: OperationScope,
  query: Query,
  headers: IncomingHttpHeaders,
): Operation {
  const operation = OPERATIONS.find((op) => matches(op, method, scope, query, headers));
  if (operation) return operation;
  const implemented = new Set(OPERATIONS.filter((op) => op.scope === scope).map((op) => op.subresource));
  const unknown = [...query.keys()].find(
    (name) => SELECTING_SUBRESOURCES.has(name) && !implemented.has(name),
  );
  if (unknown !== undefined) throw ossError.notImplemented(method, unknown);
  throw ossError.methodNotAllowed(
    method,
    scope === 'service' ? 'Service' : scope === 'bucket' ? 'Bucket' : 'Object',
  );
}
