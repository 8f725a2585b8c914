// Shapes of what the emulator keeps on disk, one JSON file per record (checked at start by record-checks.ts).

import type { StorageClass } from '../../../lib/oss/storage-class.ts';
import type { CorsConfig } from '../cors/cors-config.ts';
import type { LifecycleRule } from '../lifecycle/lifecycle-config.ts';

export type { StorageClass };

/** Headers stored with an object (taken from PutObject, or from Initiate for multipart objects). */
export interface ObjectMetadata {
  contentType?: string;
  cacheControl?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  expires?: string;
  /** x-oss-meta-* pairs, names lowercased without the prefix, in the order received. */
  userMeta: [name: string, value: string][];
  /** x-oss-tagging as received (URL-encoded `k=v&k2=v2`). */
  tagging?: string;
  storageClass: StorageClass;
}

/** A run of object bytes held in one data file; an object is the concatenation of its extents. */
export interface Extent {
  blob: string;
  size: number;
}

export interface ObjectRecord {
  key: string;
  type: 'Normal' | 'Multipart';
  size: number;
  /** Quoted, as sent in the ETag header. */
  etag: string;
  /** Unsigned decimal CRC64-ECMA of the whole object. */
  crc64: string;
  /** base64 MD5; Normal objects only. */
  contentMd5?: string;
  /** Unix ms, truncated to the second like OSS. */
  lastModified: number;
  extents: Extent[];
  metadata: ObjectMetadata;
  /** Set for objects made by Complete: lets startup recovery recognise a Complete that committed. */
  uploadId?: string;
}

export interface UploadRecord {
  uploadId: string;
  key: string;
  /** Unix ms. */
  initiated: number;
  metadata: ObjectMetadata;
  forbidOverwrite: boolean;
}

export interface PartRecord {
  partNumber: number;
  etag: string;
  size: number;
  crc64: string;
  blob: string;
  lastModified: number;
}

export interface BucketRecord {
  name: string;
  created: number;
  cors?: CorsConfig;
  lifecycle?: LifecycleRule[];
}

/** Times in records (LastModified, Initiated, CreationDate) are truncated to the second, as OSS's are. */
export const secondPrecision = (ms: number) => Math.floor(ms / 1000) * 1000;
