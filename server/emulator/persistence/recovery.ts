// Startup recovery: rebuilds the store's index from the data dir and finishes or undoes whatever a crash
// interrupted. It runs under the data-dir lock (data-dir-lock.ts), so nothing it finds belongs to a
// live process:
// - temp files (bodies cut off mid-stream, unfinished record writes) and the trash are deleted;
// - an upload whose object record already names it committed its Complete: roll forward by removing it;
// - parts directories without an upload record are leftovers of a finished Complete/Abort;
// - data files that no record points at (renamed just before a crash, or freed just before one) are deleted.
//
// A damaged record (cut short, emptied by a disk failure, edited by hand) loses only itself: it goes to
// quarantine (quarantine.ts) and recovery carries on with the rest. Once anything was quarantined, the
// data files no record points at may be the damaged records' data, so they are quarantined too rather
// than deleted. A bucket whose bucket.json is damaged keeps its objects: rebuilt with default settings
// when its name can still be read (and matches its directory), otherwise kept on disk, unserved, until
// a bucket of that name is created again.

import { readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { BucketState, UploadState } from './bucket-state.ts';
import { mkdirDurably } from './durable-fs.ts';
import { listJsonFiles, writeJson } from './json-file.ts';
import { SortedKeys } from './key-order.ts';
import { type BucketPaths, type DataLayout, GENERATED_ID } from './layout.ts';
import { Quarantine, report } from './quarantine.ts';
import {
  bucketRecordProblem,
  objectRecordProblem,
  partRecordProblem,
  uploadRecordProblem,
} from './record-checks.ts';
import {
  type BucketRecord,
  type ObjectRecord,
  type PartRecord,
  secondPrecision,
  type UploadRecord,
} from './records.ts';

/** What a bucket holds, apart from its own record. */
export type BucketContents = Omit<BucketState, 'record'>;

/** Also says whether any of the bucket's records are damaged (and listed for quarantine). */
type RecoveredContents = BucketContents & { damaged: boolean };

export interface RecoveredData {
  buckets: Map<string, BucketState>;
  /** Bucket directories whose bucket's name is unknown, by directory name: kept until the bucket is created again. */
  parked: Map<string, BucketContents>;
}

const HOW_TO_UNPARK =
  'create the bucket again (PUT /-/admin/buckets/<name>, or start with --bucket <name>) to serve them; the directory is named by the SHA-256 of the bucket name';

export async function recoverDataDir(layout: DataLayout, now: () => number): Promise<RecoveredData> {
  for (const dir of [layout.tmpDir, layout.trashDir]) await rm(dir, { recursive: true, force: true });
  for (const dir of [layout.tmpDir, layout.trashDir, layout.blobsDir, layout.bucketsDir])
    await mkdirDurably(dir);
  const quarantine = new Quarantine(layout);
  const recovered: RecoveredData = { buckets: new Map(), parked: new Map() };
  for (const entry of await readdir(layout.bucketsDir, { withFileTypes: true })) {
    if (entry.isDirectory()) await recoverBucket(layout, entry.name, quarantine, now, recovered);
  }

  const referenced = new Set<string>();
  for (const contents of [...recovered.buckets.values(), ...recovered.parked.values()]) {
    for (const object of contents.objects.values()) for (const e of object.extents) referenced.add(e.blob);
    for (const upload of contents.uploads.values())
      for (const part of upload.parts.values()) referenced.add(part.blob);
  }
  const keptData = await sweepBlobs(layout, referenced, quarantine);
  await quarantine.moveRecords();
  if (keptData) report(keptData);
  quarantine.finish();
  return recovered;
}

async function recoverBucket(
  layout: DataLayout,
  dirName: string,
  quarantine: Quarantine,
  now: () => number,
  recovered: RecoveredData,
): Promise<void> {
  const paths = layout.pathsIn(join(layout.bucketsDir, dirName));
  await recordFiles(paths.dir); // deletes the temp files of an unfinished bucket.json write
  const found = await readRecord<BucketRecord>(paths.bucketFile, (value) =>
    bucketRecordProblem(value, dirName, (name) => layout.bucketDirName(name)),
  );
  const contents = await recoverContents(layout, paths, quarantine);
  if ('record' in found) {
    recovered.buckets.set(found.record.name, bucketState(found.record, contents));
    return;
  }
  const holds = `${contents.objects.size} object(s) and ${contents.uploads.size} multipart upload(s)`;
  if ('missing' in found) {
    if (contents.objects.size === 0 && contents.uploads.size === 0) {
      // A bucket whose creation never committed; unless damaged records are about to leave it (then
      // it goes at the next start).
      if (!contents.damaged) await rm(paths.dir, { recursive: true, force: true });
      return;
    }
    report(
      `Bucket directory ${relative(layout.root, paths.dir)} has no bucket.json but holds ${holds}: kept, not served; ${HOW_TO_UNPARK}.`,
    );
    recovered.parked.set(dirName, bucketContents(contents));
    return;
  }
  const name = salvageName(found.text, dirName, layout);
  if (name !== undefined) {
    await quarantine.copy(paths.bucketFile, {
      what: 'bucket record',
      problem: found.problem,
      consequence: `bucket "${name}" was rebuilt with default settings and keeps its ${holds}; set its CORS and lifecycle rules again if it had any (a bucket named by --bucket gets its start-up CORS rule back)`,
    });
    const record: BucketRecord = { name, created: secondPrecision(now()) };
    await writeJson(paths.bucketFile, record);
    recovered.buckets.set(name, bucketState(record, contents));
    return;
  }
  await quarantine.move(paths.bucketFile, {
    what: 'bucket record',
    problem: found.problem,
    consequence: `the bucket's name cannot be read, so its ${holds} are kept but not served; ${HOW_TO_UNPARK}`,
  });
  recovered.parked.set(dirName, bucketContents(contents));
}

const bucketContents = ({ objects, keys, uploads }: RecoveredContents): BucketContents => ({
  objects,
  keys,
  uploads,
});
const bucketState = (record: BucketRecord, contents: RecoveredContents): BucketState => ({
  record,
  ...bucketContents(contents),
});

/** A bucket's objects, uploads and parts; damaged records are listed for quarantine on the way. */
async function recoverContents(
  layout: DataLayout,
  paths: BucketPaths,
  quarantine: Quarantine,
): Promise<RecoveredContents> {
  const contents: RecoveredContents = {
    objects: new Map(),
    keys: new SortedKeys(),
    uploads: new Map(),
    damaged: false,
  };

  for (const file of await recordFiles(paths.objectsDir)) {
    const path = join(paths.objectsDir, file);
    const found = await readRecord<ObjectRecord>(path, (value) =>
      objectRecordProblem(value, file, (key) => layout.objectFileName(key)),
    );
    if ('record' in found) {
      contents.objects.set(found.record.key, found.record);
      contents.keys.add(found.record.key);
    } else if ('problem' in found) {
      contents.damaged = true;
      quarantine.addRecord(path, {
        what: 'object record',
        problem: found.problem,
        consequence: 'that one object is no longer listed or served (its data is kept, see below)',
      });
    }
  }

  const quarantinedUploads = new Set<string>();
  for (const file of await recordFiles(paths.uploadsDir)) {
    const path = join(paths.uploadsDir, file);
    const found = await readRecord<UploadRecord>(path, (value) => uploadRecordProblem(value, file));
    if ('problem' in found) {
      contents.damaged = true;
      quarantine.addRecord(path, {
        what: 'multipart upload record',
        problem: found.problem,
        consequence:
          'that one upload is gone (its client gets NoSuchUpload and must start it again); its part records are moved with it',
      });
      const uploadId = file.slice(0, -'.json'.length);
      if (GENERATED_ID.test(uploadId)) quarantinedUploads.add(uploadId);
      continue;
    }
    if (!('record' in found)) continue;
    const upload = found.record;
    if (contents.objects.get(upload.key)?.uploadId === upload.uploadId) {
      await rm(path, { force: true }); // its Complete committed: roll forward
      continue;
    }
    const state = await recoverParts(upload, paths, quarantine);
    contents.damaged ||= state.damaged;
    contents.uploads.set(upload.uploadId, state.upload);
  }

  await mkdirDurably(paths.partsRoot);
  for (const uploadId of await readdir(paths.partsRoot)) {
    if (contents.uploads.has(uploadId)) continue;
    const dir = join(paths.partsRoot, uploadId);
    if (quarantinedUploads.has(uploadId)) quarantine.addRecord(dir);
    else await rm(dir, { recursive: true, force: true }); // leftovers of a finished Complete or Abort
  }
  return contents;
}

async function recoverParts(
  upload: UploadRecord,
  paths: BucketPaths,
  quarantine: Quarantine,
): Promise<{ upload: UploadState; damaged: boolean }> {
  const state: UploadState = { record: upload, parts: new Map() };
  let damaged = false;
  const partsDir = join(paths.partsRoot, upload.uploadId);
  for (const file of await recordFiles(partsDir)) {
    const path = join(partsDir, file);
    const found = await readRecord<PartRecord>(path, (value) => partRecordProblem(value, file));
    if ('record' in found) state.parts.set(found.record.partNumber, found.record);
    else if ('problem' in found) {
      damaged = true;
      quarantine.addRecord(path, {
        what: 'part record',
        problem: found.problem,
        consequence: `part ${file.slice(0, -'.json'.length)} of upload ${upload.uploadId} is no longer listed (its client must upload it again); the upload's other parts are kept`,
      });
    }
  }
  return { upload: state, damaged };
}

/**
 * Deletes the data files no record points at; after any damage, quarantines them instead and returns
 * the line that says so.
 */
async function sweepBlobs(
  layout: DataLayout,
  referenced: Set<string>,
  quarantine: Quarantine,
): Promise<string | undefined> {
  const unreferenced = (await readdir(layout.blobsDir)).filter((blob) => !referenced.has(blob));
  if (!quarantine.used) {
    for (const blob of unreferenced) await rm(join(layout.blobsDir, blob), { force: true });
    return undefined;
  }
  const folder = await quarantine.keepData(unreferenced.map((blob) => join(layout.blobsDir, blob)));
  return (
    folder &&
    `${unreferenced.length} data file(s) that no readable record points to (the data of the damaged records above among them) were moved to ${folder}.`
  );
}

type ReadResult<T> = { record: T } | { missing: true } | { problem: string; text: string };

/** Reads a record file; `problemOf` says what is wrong with a parsed value, if anything. */
async function readRecord<T>(
  path: string,
  problemOf: (value: unknown) => string | undefined,
): Promise<ReadResult<T>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { missing: true };
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: text === '' ? 'empty file' : `not JSON: ${(error as Error).message}`, text };
  }
  const problem = problemOf(value);
  return problem === undefined ? { record: value as T } : { problem, text };
}

/**
 * The bucket's name from a damaged bucket.json, when enough of it is left to read it ("name" is its
 * first field, so a file cut short usually still has it) and it is the name of this very directory.
 */
function salvageName(text: string, dirName: string, layout: DataLayout): string | undefined {
  const quoted = /"name"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(text)?.[1];
  if (quoted === undefined) return undefined;
  try {
    const name: unknown = JSON.parse(quoted);
    return typeof name === 'string' && layout.bucketDirName(name) === dirName ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Creates `dir` if need be, deletes the temp files of record writes (json-file.ts) a crash left there, and returns its record files. */
async function recordFiles(dir: string): Promise<string[]> {
  await mkdirDurably(dir);
  const { json, other } = await listJsonFiles(dir);
  for (const name of other) {
    if (name.includes('.json.')) await rm(join(dir, name), { force: true });
  }
  return json.filter((n) => n !== 'bucket.json');
}
