// Where each record lives under dataDir. Names on disk are hashes or ids the emulator generated itself,
// never anything taken from a request, so no key ("../../x", "%2e%2e%2f", "C:\\x", NUL...) can reach
// outside dataDir.

import { createHash } from 'node:crypto';
import { join } from 'node:path';

const hashName = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Upload ids and blob names are 32 uppercase hex digits that the emulator minted. */
export const GENERATED_ID = /^[0-9A-F]{32}$/;

/** The files and folders of one bucket, found from its directory (recovery walks directories, not names). */
export interface BucketPaths {
  dir: string;
  bucketFile: string;
  objectsDir: string;
  uploadsDir: string;
  partsRoot: string;
}

export class DataLayout {
  readonly tmpDir: string;
  /** Folders of part records of finished uploads, moved here in one rename to be deleted after the reply. */
  readonly trashDir: string;
  readonly blobsDir: string;
  readonly bucketsDir: string;
  /** Damaged records (and the data files they may have pointed to), moved aside at start. */
  readonly quarantineDir: string;

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp');
    this.trashDir = join(root, 'trash');
    this.blobsDir = join(root, 'blobs');
    this.bucketsDir = join(root, 'buckets');
    this.quarantineDir = join(root, 'quarantine');
  }

  /** The name of a bucket's directory under buckets/. */
  bucketDirName(bucket: string): string {
    return hashName(bucket);
  }

  bucketDir(bucket: string): string {
    return join(this.bucketsDir, this.bucketDirName(bucket));
  }

  pathsIn(bucketDir: string): BucketPaths {
    return {
      dir: bucketDir,
      bucketFile: join(bucketDir, 'bucket.json'),
      objectsDir: join(bucketDir, 'objects'),
      uploadsDir: join(bucketDir, 'uploads'),
      partsRoot: join(bucketDir, 'parts'),
    };
  }

  bucketFile(bucket: string): string {
    return this.pathsIn(this.bucketDir(bucket)).bucketFile;
  }

  objectsDir(bucket: string): string {
    return this.pathsIn(this.bucketDir(bucket)).objectsDir;
  }

  /** The file name of an object's record in its bucket's objects/. */
  objectFileName(key: string): string {
    return `${hashName(key)}.json`;
  }

  objectFile(bucket: string, key: string): string {
    return join(this.objectsDir(bucket), this.objectFileName(key));
  }

  uploadsDir(bucket: string): string {
    return this.pathsIn(this.bucketDir(bucket)).uploadsDir;
  }

  uploadFile(bucket: string, uploadId: string): string {
    return join(this.uploadsDir(bucket), `${checkedId(uploadId)}.json`);
  }

  partsRoot(bucket: string): string {
    return this.pathsIn(this.bucketDir(bucket)).partsRoot;
  }

  partsDir(bucket: string, uploadId: string): string {
    return join(this.partsRoot(bucket), checkedId(uploadId));
  }

  partFile(bucket: string, uploadId: string, partNumber: number): string {
    return join(this.partsDir(bucket, uploadId), `${partNumber}.json`);
  }

  blobFile(blob: string): string {
    return join(this.blobsDir, checkedId(blob));
  }
}

function checkedId(id: string): string {
  if (!GENERATED_ID.test(id)) throw new Error(`Not an emulator-generated id: ${JSON.stringify(id)}`);
  return id;
}
