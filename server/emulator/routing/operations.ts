// OSS has no path hierarchy to route on: the operation is chosen by method + sub-resource in the query
// + whether the URL names a key (e.g. `POST /k?uploads` initiates, `POST /k?uploadId=` completes,
// `GET /?uploads` lists uploads). So routing is this table, scanned in order, not a path router.

import type { OssAction } from '../auth/authenticate.ts';
import type { Query } from '../http/query.ts';

export type OperationName =
  | 'ListMultipartUploads'
  | 'GetBucketCors'
  | 'PutBucketCors'
  | 'GetBucketLifecycle'
  | 'PutBucketLifecycle'
  | 'ListObjectsV2'
  | 'ListObjects'
  | 'InitiateMultipartUpload'
  | 'UploadPart'
  | 'CompleteMultipartUpload'
  | 'AbortMultipartUpload'
  | 'ListParts'
  | 'PutObject'
  | 'GetObject'
  | 'GetObjectMeta'
  | 'HeadObject'
  | 'DeleteObject';

export interface Operation {
  name: OperationName;
  method: string;
  /** Bucket-level operations have no key in the URL; object-level ones must have one. */
  scope: 'bucket' | 'object';
  /** Query parameter whose presence selects this operation; undefined matches any query. */
  subresource?: string;
  /** RAM action checked with authorize() before the handler runs. */
  action: OssAction;
}

export const OPERATIONS: readonly Operation[] = [
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
    name: 'ListObjectsV2',
    method: 'GET',
    scope: 'bucket',
    subresource: 'list-type',
    action: 'oss:ListObjects',
  },
  { name: 'ListObjects', method: 'GET', scope: 'bucket', action: 'oss:ListObjects' },
  {
    name: 'InitiateMultipartUpload',
    method: 'POST',
    scope: 'object',
    subresource: 'uploads',
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
  { name: 'PutObject', method: 'PUT', scope: 'object', action: 'oss:PutObject' },
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

export function selectOperation(method: string, hasKey: boolean, query: Query): Operation | undefined {
  const scope = hasKey ? 'object' : 'bucket';
  return OPERATIONS.find(
    (op) =>
      op.method === method &&
      op.scope === scope &&
      (op.subresource === undefined || query.has(op.subresource)),
  );
}
