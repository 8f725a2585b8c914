// Startup recovery's test of a record read from disk: is it a record the store wrote, at the place the
// store would have written it? A record that is cut short, empty, edited by hand into another shape, or
// filed under the wrong name is damaged: serving it would fail later, or under the wrong key, so it is
// quarantined instead (recovery.ts). Each check returns what is wrong, or undefined.

import { MAX_PARTS } from '../../../lib/oss/limits.ts';
import { GENERATED_ID } from './layout.ts';
import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from './records.ts';

type FieldCheck = (value: unknown) => boolean;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const text: FieldCheck = (v) => typeof v === 'string';
const count: FieldCheck = (v) => Number.isSafeInteger(v) && (v as number) >= 0;
const time: FieldCheck = (v) => typeof v === 'number' && Number.isFinite(v);
const generatedId: FieldCheck = (v) => typeof v === 'string' && GENERATED_ID.test(v);
const optional =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === undefined || check(v);
const metadata: FieldCheck = (v) =>
  isObject(v) && Array.isArray(v.userMeta) && typeof v.storageClass === 'string';
const extent: FieldCheck = (v) => isObject(v) && generatedId(v.blob) && count(v.size);

function shapeProblem(value: unknown, fields: Record<string, FieldCheck>): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  for (const [name, check] of Object.entries(fields)) {
    if (!check(value[name])) return `"${name}" is missing or malformed`;
  }
  return undefined;
}

/** `expectedFileName` is where the store files an object of the record's key. */
export function objectRecordProblem(
  value: unknown,
  fileName: string,
  expectedFileName: (key: string) => string,
): string | undefined {
  const problem = shapeProblem(value, {
    key: text,
    type: (v) => v === 'Normal' || v === 'Multipart',
    size: count,
    etag: text,
    crc64: text,
    contentMd5: optional(text),
    lastModified: time,
    extents: (v) => Array.isArray(v) && v.every(extent),
    metadata,
    uploadId: optional(generatedId),
  });
  if (problem) return problem;
  const record = value as ObjectRecord;
  if (record.extents.reduce((sum, e) => sum + e.size, 0) !== record.size)
    return 'its extents do not add up to its size';
  if (expectedFileName(record.key) !== fileName) return 'it is filed under another key';
  return undefined;
}

export function uploadRecordProblem(value: unknown, fileName: string): string | undefined {
  const problem = shapeProblem(value, {
    uploadId: generatedId,
    key: text,
    initiated: time,
    metadata,
    forbidOverwrite: (v) => typeof v === 'boolean',
  });
  if (problem) return problem;
  if (`${(value as UploadRecord).uploadId}.json` !== fileName) return 'it is filed under another upload id';
  return undefined;
}

export function partRecordProblem(value: unknown, fileName: string): string | undefined {
  const problem = shapeProblem(value, {
    partNumber: (v) => Number.isSafeInteger(v) && (v as number) >= 1 && (v as number) <= MAX_PARTS,
    etag: text,
    size: count,
    crc64: text,
    blob: generatedId,
    lastModified: time,
  });
  if (problem) return problem;
  if (`${(value as PartRecord).partNumber}.json` !== fileName) return 'it is filed under another part number';
  return undefined;
}

/** `expectedDirName` is where the store files a bucket of the record's name. */
export function bucketRecordProblem(
  value: unknown,
  dirName: string,
  expectedDirName: (name: string) => string,
): string | undefined {
  const problem = shapeProblem(value, {
    name: text,
    created: time,
    cors: optional(isObject),
    lifecycle: optional(Array.isArray),
  });
  if (problem) return problem;
  if (expectedDirName((value as BucketRecord).name) !== dirName)
    return 'it is filed under another bucket name';
  return undefined;
}
