// Where each record lives under dataDir. Names on disk are hashes or ids the emulator generated itself,
// never anything taken from a request, so no key ("../../x", "%2e%2e%2f", "C:\\x", NUL...) can reach
// outside dataDir.

import { createHash } from 'node:crypto';
import { join } from 'node:path';

const hashName = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** Upload ids and blob names are 32 uppercase hex digits that the emulator minted. */
export const GENERATED_ID = /^[0-9A-F]{32}$/;

export class DataLayout {
  readonly tmpDir: string;
  /** Folders of part records of finished uploads, moved here in one rename to be deleted after the reply. */
  readonly trashDir: string;
  readonly blobsDir: string;
  readonly bucketsDir: string;

  constructor(readonly root: string) {
    this.tmpDir = join(root, 'tmp');
    this.trashDir = join(root, 'trash');
    this.blobsDir = join(root, 'blobs');
    this.bucketsDir = join(root, 'buckets');
  }

  bucketDir(bucket: string): string {
    return join(this.bucketsDir, hashName(bucket));
  }

  bucketFile(bucket: string): string {
    return join(this.bucketDir(bucket), 'bucket.json');
  }

  objectsDir(bucket: string): string {
    return join(this.bucketDir(bucket), 'objects');
  }

  objectFile(bucket: string, key: string): string {
    return join(this.objectsDir(bucket), `${hashName(key)}.json`);
  }

  uploadsDir(bucket: string): string {
    return join(this.bucketDir(bucket), 'uploads');
  }

  uploadFile(bucket: string, uploadId: string): string {
    return join(this.uploadsDir(bucket), `${checkedId(uploadId)}.json`);
  }

  partsRoot(bucket: string): string {
    return join(this.bucketDir(bucket), 'parts');
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
