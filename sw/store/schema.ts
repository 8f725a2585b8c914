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
  /** PutObject for small files, multipart otherwise (part-plan.ts). */
  method: 'put' | 'multipart';
  partSize: number;
  partCount: number;
  /** Parallel parts for this upload. */
  parallel: number;
  /** OSS upload id once InitiateMultipartUpload answered. */
  uploadId?: string;
  /**
   * When the first InitiateMultipartUpload was sent (server-corrected ms), written before it goes
   * out: an attempt whose answer was lost may have created an upload that only a listing can find.
   */
  initiateStartedAt?: number;
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
