// Operation name → handler. Adding an operation means a row in routing/operations.ts and one here;
// the compiler insists on both.

import type { OperationName } from '../routing/operations.ts';
import {
  getBucketCors,
  getBucketLifecycle,
  putBucketCors,
  putBucketLifecycle,
} from './bucket-config-handlers.ts';
import { copyObject, uploadPartCopy } from './copy-handlers.ts';
import { deleteMultipleObjects } from './delete-multiple.ts';
import { listObjects, listObjectsV2 } from './list-objects.ts';
import { listMultipartUploads } from './list-uploads.ts';
import {
  abortMultipartUpload,
  completeMultipartUpload,
  initiateMultipartUpload,
  listParts,
  uploadPart,
} from './multipart-handlers.ts';
import { deleteObject, getObject, getObjectMeta, headObject, putObject } from './object-handlers.ts';
import type { OperationHandler } from './operation-context.ts';
import { postObject } from './post-object.ts';
import { getBucketInfo } from './service-handlers.ts';
import { deleteObjectTagging, getObjectTagging, putObjectTagging } from './tagging-handlers.ts';

/** Operations on a bucket or an object; ListBuckets (no bucket) has its own context and handler. */
export type BucketOperationName = Exclude<OperationName, 'ListBuckets'>;

export const OPERATION_HANDLERS: Record<BucketOperationName, OperationHandler> = {
  ListMultipartUploads: listMultipartUploads,
  GetBucketCors: getBucketCors,
  PutBucketCors: putBucketCors,
  GetBucketLifecycle: getBucketLifecycle,
  PutBucketLifecycle: putBucketLifecycle,
  ListObjectsV2: listObjectsV2,
  ListObjects: listObjects,
  InitiateMultipartUpload: initiateMultipartUpload,
  UploadPart: uploadPart,
  CompleteMultipartUpload: completeMultipartUpload,
  AbortMultipartUpload: abortMultipartUpload,
  ListParts: listParts,
  PutObject: putObject,
  GetObject: getObject,
  GetObjectMeta: getObjectMeta,
  HeadObject: headObject,
  DeleteObject: deleteObject,
  GetBucketInfo: getBucketInfo,
  DeleteMultipleObjects: deleteMultipleObjects,
  PostObject: postObject,
  UploadPartCopy: uploadPartCopy,
  CopyObject: copyObject,
  PutObjectTagging: putObjectTagging,
  GetObjectTagging: getObjectTagging,
  DeleteObjectTagging: deleteObjectTagging,
};
