// The persistence layer: buckets, objects, multipart uploads and their parts on disk under dataDir,
// with an in-memory index rebuilt at start for lookups and listings.
//
// Data files ("blobs") are immutable once renamed into blobs/; records only point at them. That is what
// makes CompleteMultipartUpload O(parts): the object record simply lists the part blobs as its extents,
// and no byte is copied. The commit point of every write is one atomic rename of one record file, made
// durable (durable-fs.ts) before the write is acknowledged.

import { constants, copyFile, link, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { type OssError, ossError } from '../errors.ts';
import { BlobReaders } from './blob-readers.ts';
import type { BucketState, UploadState } from './bucket-state.ts';
import { mkdirDurably, removeDurably, syncDirectory } from './durable-fs.ts';
import { writeJson } from './json-file.ts';
import { SortedKeys } from './key-order.ts';
import { KeyedLock } from './keyed-lock.ts';
import { DataLayout } from './layout.ts';
import { newId, type ReceivedBody, receiveBody } from './receive-body.ts';
import {
  type BucketRecord,
  type ObjectMetadata,
  type ObjectRecord,
  type PartRecord,
  secondPrecision,
  type UploadRecord,
} from './records.ts';
import { type BucketContents, type RecoveredData, recoverDataDir } from './recovery.ts';

/** What CompleteMultipartUpload decided, after validating the request against the upload. */
export interface CompletePlan {
  parts: PartRecord[];
  etag: string;
  crc64: string;
  forbidOverwrite: boolean;
}

export interface ObjectLease {
  record: ObjectRecord;
  /** Lets the blobs go; until then an overwrite or delete postpones unlinking them. */
  release(): void;
}

export class Store {
  private readonly buckets: Map<string, BucketState>;
  private readonly locks = new KeyedLock();
  private readonly blobReaders: BlobReaders;
  /** Contents of bucket directories whose bucket.json is lost, by directory name (recovery.ts). */
  private readonly parked: Map<string, BucketContents>;

  private constructor(
    readonly layout: DataLayout,
    private readonly now: () => number,
    recovered: RecoveredData,
  ) {
    this.buckets = recovered.buckets;
    this.parked = recovered.parked;
    this.blobReaders = new BlobReaders((blob) => layout.blobFile(blob));
  }

  /** Opens the data dir; the caller must hold its lock (data-dir-lock.ts), as recovery cleans up freely. */
  static async open(dataDir: string, now: () => number): Promise<Store> {
    const layout = new DataLayout(dataDir);
    return new Store(layout, now, await recoverDataDir(layout, now));
  }

  // --- buckets -------------------------------------------------------------------------------------

  bucket(name: string): BucketState | undefined {
    return this.buckets.get(name);
  }

  bucketNames(): string[] {
    return [...this.buckets.keys()];
  }

  requireBucket(name: string): BucketState {
    const bucket = this.buckets.get(name);
    if (!bucket) throw ossError.noSuchBucket(name);
    return bucket;
  }

  async createBucket(
    name: string,
    settings: Omit<BucketRecord, 'name' | 'created'> = {},
  ): Promise<BucketState> {
    return this.locks.run(`bucket:${name}`, async () => {
      const existing = this.buckets.get(name);
      if (existing) {
        await this.updateBucket(existing, settings);
        return existing;
      }
      const record: BucketRecord = { name, created: secondPrecision(this.now()), ...settings };
      for (const dir of [
        this.layout.objectsDir(name),
        this.layout.uploadsDir(name),
        this.layout.partsRoot(name),
      ]) {
        await mkdirDurably(dir);
      }
      await writeJson(this.layout.bucketFile(name), record);
      // A bucket of this name whose bucket.json was lost gets its objects and uploads back.
      const dirName = this.layout.bucketDirName(name);
      const contents = this.parked.get(dirName) ?? {
        objects: new Map(),
        keys: new SortedKeys(),
        uploads: new Map(),
      };
      this.parked.delete(dirName);
      const state: BucketState = { record, ...contents };
      this.buckets.set(name, state);
      return state;
    });
  }

  async updateBucket(bucket: BucketState, settings: Omit<BucketRecord, 'name' | 'created'>): Promise<void> {
    const record: BucketRecord = { ...bucket.record, ...settings };
    await writeJson(this.layout.bucketFile(record.name), record);
    bucket.record = record;
  }

  /** Emulator admin only: drops the bucket with everything in it. */
  async deleteBucket(name: string): Promise<boolean> {
    const bucket = this.buckets.get(name);
    if (!bucket) return false;
    this.buckets.delete(name);
    await removeDurably(this.layout.bucketDir(name), { recursive: true });
    const blobs = [...bucket.objects.values()].flatMap((o) => o.extents.map((e) => e.blob));
    for (const upload of bucket.uploads.values())
      blobs.push(...[...upload.parts.values()].map((p) => p.blob));
    await this.freeBlobs(blobs);
    return true;
  }

  // --- bodies --------------------------------------------------------------------------------------

  /** Streams a body (a request, a form's file, or bytes read from stored objects) to a temp file. */
  receive(req: Readable, maxBytes: number): Promise<ReceivedBody> {
    return receiveBody(req, this.layout.tmpDir, maxBytes);
  }

  async discard(body: ReceivedBody): Promise<void> {
    await rm(body.tmpPath, { force: true });
  }

  blobPath(blob: string): string {
    return this.layout.blobFile(blob);
  }

  /**
   * Moves the body into blobs/. `durable` settles once that rename is on disk: the record that names
   * the blob must wait for it before its own rename (a record must never outlive its data in a power
   * cut), but can be written and fsynced meanwhile.
   */
  private async adoptBody(body: ReceivedBody): Promise<{ blob: string; durable: Promise<void> }> {
    const blob = newId();
    await rename(body.tmpPath, this.layout.blobFile(blob));
    adopted.add(body);
    const durable = syncDirectory(this.layout.blobsDir);
    durable.catch(() => {}); // awaited by the record write; this only keeps it from counting as unhandled
    return { blob, durable };
  }

  /** Runs `commit`, then deletes the body's temp file unless `commit` got as far as adopting it. */
  private async adoptOrDiscard<T>(body: ReceivedBody, commit: () => Promise<T>): Promise<T> {
    try {
      return await commit();
    } finally {
      if (!adopted.has(body)) await this.discard(body);
    }
  }

  // --- objects -------------------------------------------------------------------------------------

  async putObject(
    bucketName: string,
    key: string,
    body: ReceivedBody,
    metadata: ObjectMetadata,
    forbidOverwrite: boolean,
  ): Promise<ObjectRecord> {
    return this.adoptOrDiscard(body, () =>
      this.locks.run(objectLockName(bucketName, key), async () => {
        const bucket = this.requireBucket(bucketName);
        const previous = bucket.objects.get(key);
        if (previous && forbidOverwrite) throw ossError.fileAlreadyExists('0026-00000201');
        const { blob, durable } = await this.adoptBody(body);
        const record: ObjectRecord = {
          key,
          type: 'Normal',
          size: body.size,
          etag: `"${body.md5Hex}"`,
          crc64: body.crc64.toString(10),
          contentMd5: body.md5Base64,
          lastModified: secondPrecision(this.now()),
          extents: [{ blob, size: body.size }],
          metadata,
        };
        await this.commitObject(bucket, record, previous, durable);
        return record;
      }),
    );
  }

  getObject(bucketName: string, key: string): ObjectRecord | undefined {
    return this.buckets.get(bucketName)?.objects.get(key);
  }

  /** Pins an object's blobs for reading so a concurrent overwrite or delete cannot pull them away. */
  leaseObject(bucketName: string, key: string): ObjectLease | undefined {
    const record = this.getObject(bucketName, key);
    if (!record) return undefined;
    return { record, release: this.blobReaders.pin(record.extents.map((e) => e.blob)) };
  }

  async deleteObject(bucketName: string, key: string): Promise<void> {
    await this.locks.run(objectLockName(bucketName, key), async () => {
      const bucket = this.requireBucket(bucketName);
      const previous = bucket.objects.get(key);
      if (!previous) return;
      await removeDurably(this.layout.objectFile(bucketName, key));
      bucket.objects.delete(key);
      bucket.keys.remove(key);
      await this.freeBlobs(previous.extents.map((e) => e.blob));
    });
  }

  /**
   * CopyObject: the copy's extents are new names (hard links) of the source's immutable data files, so
   * no byte is copied and deleting or overwriting the source later leaves the copy whole. The caller
   * holds a lease on the source, which keeps its files in place until they are linked.
   */
  async copyObject(
    source: ObjectRecord,
    bucketName: string,
    key: string,
    metadata: ObjectMetadata,
    forbidOverwrite: boolean,
  ): Promise<ObjectRecord> {
    return this.locks.run(objectLockName(bucketName, key), async () => {
      const bucket = this.requireBucket(bucketName);
      const previous = bucket.objects.get(key);
      if (previous && forbidOverwrite) throw ossError.fileAlreadyExists('0026-00000201');
      const extents: ObjectRecord['extents'] = [];
      let durable: Promise<void> = Promise.resolve();
      try {
        for (const extent of source.extents) {
          const linked = await this.linkBlob(extent.blob);
          extents.push({ blob: linked.blob, size: extent.size });
          durable = linked.durable;
        }
        const record: ObjectRecord = {
          key,
          type: source.type,
          size: source.size,
          etag: source.etag,
          crc64: source.crc64,
          contentMd5: source.contentMd5,
          lastModified: secondPrecision(this.now()),
          extents,
          metadata,
        };
        // The last link's directory sync is started after every link, so it covers them all.
        await this.commitObject(bucket, record, previous, durable);
        return record;
      } catch (error) {
        if (bucket.objects.get(key)?.extents !== extents) {
          for (const { blob } of extents) await rm(this.layout.blobFile(blob), { force: true });
        }
        throw error;
      }
    });
  }

  /** Replaces an object's metadata (its tags) in place: same data, same ETag, same LastModified. */
  async updateObjectMetadata(
    bucketName: string,
    key: string,
    update: (metadata: ObjectMetadata) => ObjectMetadata,
  ): Promise<ObjectRecord> {
    return this.locks.run(objectLockName(bucketName, key), async () => {
      const bucket = this.requireBucket(bucketName);
      const current = bucket.objects.get(key);
      if (!current) throw ossError.noSuchKey(key);
      const record: ObjectRecord = { ...current, metadata: update(current.metadata) };
      await writeJson(this.layout.objectFile(bucketName, key), record);
      bucket.objects.set(key, record);
      return record;
    });
  }

  /**
   * A second name for an immutable data file, so two records can share its bytes and each frees only
   * its own name. A file system without hard links gets a (cloned where possible) copy instead.
   */
  private async linkBlob(blob: string): Promise<{ blob: string; durable: Promise<void> }> {
    const copy = newId();
    const from = this.layout.blobFile(blob);
    const to = this.layout.blobFile(copy);
    try {
      await link(from, to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
      await copyFile(from, to, constants.COPYFILE_FICLONE);
    }
    // The new name is a change of blobs/, on disk before the record that points at it (as adoptBody).
    const durable = syncDirectory(this.layout.blobsDir);
    durable.catch(() => {}); // awaited by the record write
    return { blob: copy, durable };
  }

  /** `dataDurable`: the rename of the object's data into blobs/, to be on disk before the record's. */
  private async commitObject(
    bucket: BucketState,
    record: ObjectRecord,
    previous?: ObjectRecord,
    dataDurable?: Promise<void>,
  ): Promise<void> {
    await writeJson(this.layout.objectFile(bucket.record.name, record.key), record, dataDurable);
    bucket.objects.set(record.key, record);
    bucket.keys.add(record.key);
    if (previous) await this.freeBlobs(previous.extents.map((e) => e.blob));
  }

  // --- multipart -----------------------------------------------------------------------------------

  async createUpload(
    bucketName: string,
    key: string,
    metadata: ObjectMetadata,
    forbidOverwrite: boolean,
  ): Promise<UploadRecord> {
    const bucket = this.requireBucket(bucketName);
    if (forbidOverwrite && bucket.objects.has(key)) throw ossError.fileAlreadyExists('0026-00000201');
    const record: UploadRecord = {
      uploadId: newId(),
      key,
      initiated: secondPrecision(this.now()),
      metadata,
      forbidOverwrite,
    };
    await mkdirDurably(this.layout.partsDir(bucketName, record.uploadId));
    await writeJson(this.layout.uploadFile(bucketName, record.uploadId), record);
    bucket.uploads.set(record.uploadId, { record, parts: new Map() });
    return record;
  }

  /** The upload, if it exists and belongs to `key`; any other upload id is NoSuchUpload. */
  requireUpload(bucketName: string, uploadId: string, key: string): UploadState {
    const upload = this.requireBucket(bucketName).uploads.get(uploadId);
    if (!upload || upload.record.key !== key) throw ossError.noSuchUpload(uploadId);
    return upload;
  }

  /**
   * Commits a received part. The body is streamed outside any lock, and parts of one upload commit in
   * parallel (the upload's lock shared, only a part number exclusive), while a Complete or Abort holds
   * the upload exclusively: a part either commits before it, and is seen by it, or after it, and finds
   * NoSuchUpload. No part is acknowledged and then silently lost.
   */
  async putPart(
    bucketName: string,
    uploadId: string,
    key: string,
    partNumber: number,
    body: ReceivedBody,
  ): Promise<PartRecord> {
    return this.adoptOrDiscard(body, () =>
      this.commitPart(bucketName, uploadId, key, partNumber, async () => ({
        etag: `"${body.md5Hex}"`,
        size: body.size,
        crc64: body.crc64.toString(10),
        ...(await this.adoptBody(body)),
      })),
    );
  }

  /**
   * UploadPartCopy of a whole single-blob object: the part is a new name (hard link) of the source's
   * immutable data file, with the source's digests. The caller holds a lease on the source.
   */
  async putPartFromBlob(
    bucketName: string,
    uploadId: string,
    key: string,
    partNumber: number,
    source: { blob: string; size: number; etag: string; crc64: string },
  ): Promise<PartRecord> {
    return this.commitPart(bucketName, uploadId, key, partNumber, async () => ({
      etag: source.etag,
      size: source.size,
      crc64: source.crc64,
      ...(await this.linkBlob(source.blob)),
    }));
  }

  /**
   * Commits a part whose data `adopt` puts in place. Parts of one upload commit in parallel (the
   * upload's lock shared, only a part number exclusive), while a Complete or Abort holds the upload
   * exclusively: a part either commits before it, and is seen by it, or after it, and finds
   * NoSuchUpload. No part is acknowledged and then silently lost.
   */
  private async commitPart(
    bucketName: string,
    uploadId: string,
    key: string,
    partNumber: number,
    adopt: () => Promise<Pick<PartRecord, 'etag' | 'size' | 'crc64' | 'blob'> & { durable: Promise<void> }>,
  ): Promise<PartRecord> {
    return this.locks.runShared(uploadLockName(bucketName, uploadId), () =>
      // Exclusive per part number, so that two bodies for one number update file and index in the same order.
      this.locks.run(`${uploadLockName(bucketName, uploadId)}#${partNumber}`, async () => {
        const upload = this.requireUpload(bucketName, uploadId, key);
        const { durable, ...data } = await adopt();
        const record: PartRecord = { partNumber, ...data, lastModified: secondPrecision(this.now()) };
        await writeJson(this.layout.partFile(bucketName, uploadId, partNumber), record, durable);
        const replaced = upload.parts.get(partNumber);
        upload.parts.set(partNumber, record);
        if (replaced) await this.freeBlobs([replaced.blob]);
        return record;
      }),
    );
  }

  /**
   * Runs `decide` (the request's validations) under the upload's lock, then commits the object: its
   * record is written in one atomic rename, and only then is the upload record removed. A second
   * Complete or an Abort of the same id waits for the lock and then finds no upload.
   */
  async completeUpload(
    bucketName: string,
    uploadId: string,
    key: string,
    decide: (upload: UploadState) => Promise<CompletePlan>,
  ): Promise<{ record: ObjectRecord; upload: UploadRecord }> {
    return this.locks.run(uploadLockName(bucketName, uploadId), async () => {
      const upload = this.requireUpload(bucketName, uploadId, key);
      const plan = await decide(upload);
      return this.locks.run(objectLockName(bucketName, key), async () => {
        const bucket = this.requireBucket(bucketName);
        const previous = bucket.objects.get(key);
        if (previous && plan.forbidOverwrite) throw ossError.fileAlreadyExists('0042-00000214');
        const record: ObjectRecord = {
          key,
          type: 'Multipart',
          size: plan.parts.reduce((sum, p) => sum + p.size, 0),
          etag: plan.etag,
          crc64: plan.crc64,
          lastModified: secondPrecision(this.now()),
          extents: plan.parts.map((p) => ({ blob: p.blob, size: p.size })),
          metadata: upload.record.metadata,
          uploadId,
        };
        await this.commitObject(bucket, record, previous);
        const used = new Set(plan.parts.map((p) => p.blob));
        await this.dropUpload(bucket, upload, (p) => !used.has(p.blob));
        return { record, upload: upload.record };
      });
    });
  }

  async abortUpload(bucketName: string, uploadId: string, key: string): Promise<void> {
    await this.locks.run(uploadLockName(bucketName, uploadId), async () => {
      const upload = this.requireUpload(bucketName, uploadId, key);
      await this.dropUpload(this.requireBucket(bucketName), upload, () => true);
    });
  }

  /**
   * Removes an upload's records; the blobs of the parts `freePart` selects go too. Deleting the upload
   * record commits the removal. The part records (up to 10,000 files) are then moved to the trash in
   * one rename and deleted after the reply; a crash before that leaves them to startup recovery.
   */
  private async dropUpload(
    bucket: BucketState,
    upload: UploadState,
    freePart: (part: PartRecord) => boolean,
  ): Promise<void> {
    const name = bucket.record.name;
    const { uploadId } = upload.record;
    bucket.uploads.delete(uploadId);
    await removeDurably(this.layout.uploadFile(name, uploadId));
    const trash = join(this.layout.trashDir, newId());
    const moved = await rename(this.layout.partsDir(name, uploadId), trash).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
        return false;
      },
    );
    if (moved) void rm(trash, { recursive: true, force: true }).catch(() => {}); // or at the next start
    await this.freeBlobs([...upload.parts.values()].filter(freePart).map((p) => p.blob));
  }

  /** Blobs no record points to any more. */
  private freeBlobs(blobs: string[]): Promise<void> {
    return this.blobReaders.free(blobs);
  }
}

/** Bodies renamed into blobs/, whose temp file is therefore gone. */
const adopted = new WeakSet<ReceivedBody>();

const objectLockName = (bucket: string, key: string) => `object:${bucket}/${key}`;
const uploadLockName = (bucket: string, uploadId: string) => `upload:${bucket}/${uploadId}`;

export type { OssError };
