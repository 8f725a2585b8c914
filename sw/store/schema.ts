// The engine's IndexedDB schema, typed with idb's DBSchema. Bump DB_VERSION and add a step to
// upgradeUploadDb for every change; never edit a released step.

import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { UploadProblem, UploadResult, UploadState } from '../../lib/protocol/messages.ts';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';

export const UPLOAD_DB_NAME = 'skylift-uploads';
export const UPLOAD_DB_VERSION = 2;

export type PartState = 'pending' | 'sending' | 'done';

/**
 * Setting (store `settings`): how long one Background Sync event may send, in ms. Nothing in the product
 * sets it; tests that want several short events write it here before the upload starts.
 */
export const SYNC_BUDGET_SETTING = 'syncBudgetMs';

export interface UploadRecord {
  id: string;
  key: string;
  fileName: string;
  size: number;
  lastModified: number;
  /** Content-Type the object gets. */
  mime: string;
  /** Sampled content fingerprint taken when the file was chosen (sw/engine/file-fingerprint.ts). */
  fingerprint?: string;
  options: UploadOptions;
  /** PutObject for files that fit in one part, multipart otherwise (part-plan.ts). */
  method: 'put' | 'multipart';
  /** The plan's part size: the fixed one the person chose, or where auto-sized parts start. */
  partSize: number;
  /** Parts cut so far plus an estimate for the rest (the rest is cut as it is sent). */
  partCount: number;
  /** Auto-sized part sizes (part-sizer.ts) instead of `partSize` throughout. */
  adaptive?: boolean;
  /**
   * Bytes already cut into part records, from the start of the file. Parts are cut one at a time
   * as they are sent, so their sizes can follow the link; undefined: every part was planned up front.
   */
  plannedBytes?: number;
  /** Part records cut so far (numbered 1..plannedParts). */
  plannedParts?: number;
  /** Parallel parts for this upload. */
  parallel: number;
  /** OSS upload id once InitiateMultipartUpload answered. */
  uploadId?: string;
  /**
   * When the first InitiateMultipartUpload was sent (server-corrected ms), written before it goes
   * out: an attempt whose answer was lost may have created an upload that only a listing can find.
   */
  initiateStartedAt?: number;
  /**
   * Set while Background Fetch carries the parts (sw/background-fetch/): the engine leaves the upload
   * alone until the fetch settles. `id` is the registration's; `parts` the part numbers it carries,
   * each to a temporary object under `partsPrefix`.
   */
  backgroundFetch?: { id: string; parts: number[]; startedAt: number; partsPrefix: string };
  state: UploadState;
  problem?: UploadProblem;
  /** Sum of the sizes of parts OSS has acknowledged (kept in step with part records, same transaction). */
  bytesConfirmed: number;
  partsDone: number;
  createdAt: number;
  updatedAt: number;
}

export interface PartRecord {
  uploadId: string;
  partNumber: number;
  offset: number;
  size: number;
  state: PartState;
  /** As OSS returned it, quotes included. */
  etag?: string;
  /** CRC64 computed here from the bytes sent (decimal). */
  crc64?: string;
  /** Send attempts so far, including the one in flight. */
  attempts: number;
  /**
   * A temporary object in OSS holding exactly this part's bytes (delivered by Background Fetch, CRC64
   * checked): the part is made from it with UploadPartCopy instead of sending the bytes again.
   */
  temporaryKey?: string;
  /** Not before this time (ms), after a failure. */
  nextTryAt: number;
  lastError?: string;
}

/**
 * An aborted upload OSS has not yet been told about (the network was down, or an Initiate was in
 * flight): kept until OSS confirms, so no multipart upload is left behind.
 */
export interface CleanupRecord {
  /** The upload's id. */
  id: string;
  key: string;
  /** The multipart upload to abort, when known. */
  uploadId?: string;
  /** Also abort every multipart upload of `key` initiated since then (server ms): lost Initiates. */
  initiatedSince?: number;
  /** Temporary objects to delete (Background Fetch's parts). */
  temporaries?: string[];
  /** Wait until this upload (local id) is finished: its temporaries are still to be copied. */
  afterUpload?: string;
}

/** What stays after an upload is done or aborted: no bytes, no parts. */
export interface HistoryRecord {
  id: string;
  key: string;
  fileName: string;
  size: number;
  lastModified: number;
  state: 'done' | 'aborted';
  result?: UploadResult;
  problem?: UploadProblem;
  createdAt: number;
  finishedAt: number;
}

export interface UploadDbSchema extends DBSchema {
  /** The file, stored once, keyed by upload id. */
  files: { key: string; value: Blob };
  uploads: { key: string; value: UploadRecord; indexes: { byCreatedAt: number } };
  parts: { key: [string, number]; value: PartRecord; indexes: { byUpload: string } };
  history: {
    key: string;
    value: HistoryRecord;
    /** `byFinished` orders records fully (ties in time broken by id), so history pages neither skip nor repeat. */
    indexes: { byFinishedAt: number; byFinished: [number, string] };
  };
  cleanups: { key: string; value: CleanupRecord };
  /** Engine settings that must outlive the worker, e.g. `syncBudgetMs`. */
  settings: { key: string; value: number | string | boolean };
}

export type UploadDb = IDBPDatabase<UploadDbSchema>;

export function upgradeUploadDb(
  db: UploadDb,
  oldVersion: number,
  _newVersion: number | null,
  tx: IDBPTransaction<UploadDbSchema, StoreNames<UploadDbSchema>[], 'versionchange'>,
): void {
  if (oldVersion < 1) {
    db.createObjectStore('files');
    db.createObjectStore('uploads', { keyPath: 'id' }).createIndex('byCreatedAt', 'createdAt');
    db.createObjectStore('parts', { keyPath: ['uploadId', 'partNumber'] }).createIndex(
      'byUpload',
      'uploadId',
    );
    db.createObjectStore('history', { keyPath: 'id' }).createIndex('byFinishedAt', 'finishedAt');
    db.createObjectStore('settings');
  }
  if (oldVersion < 2) {
    tx.objectStore('history').createIndex('byFinished', ['finishedAt', 'id']);
    db.createObjectStore('cleanups', { keyPath: 'id' });
  }
}
