// What the worker keeps in IndexedDB, read from a page of the app's origin in read-only transactions
// (the page never writes the worker's database; opening it without a version never upgrades it).
// The runner polls it while uploads settle (a hello would wake the engine; this does not) and checks
// that finished uploads leave nothing behind.

import type { Page } from '@playwright/test';
import {
  type CleanupRecord,
  type HistoryRecord,
  UPLOAD_DB_NAME,
  type UploadRecord,
} from '../sw/store/schema.ts';

export interface BrowserRecords {
  /** Unfinished uploads (every state but done and aborted). */
  uploads: UploadRecord[];
  /** Done and aborted uploads. */
  history: HistoryRecord[];
  /** Part records per upload id. */
  partCounts: Record<string, number>;
  /** Upload ids that still have a stored file. */
  fileIds: string[];
  /** Aborts OSS has not confirmed yet. */
  cleanups: CleanupRecord[];
}

export async function readBrowserRecords(page: Page): Promise<BrowserRecords> {
  return page.evaluate(async (name) => {
    const empty = { uploads: [], history: [], partCounts: {}, fileIds: [], cleanups: [] };
    // Opening a database that does not exist would create it, at a version the worker does not expect.
    if (!(await indexedDB.databases()).some((db) => db.name === name)) return empty;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(name);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    try {
      const stores = ['uploads', 'history', 'parts', 'files', 'cleanups'];
      if (!stores.every((store) => db.objectStoreNames.contains(store))) return empty;
      const tx = db.transaction(stores, 'readonly');
      const all = <T>(request: IDBRequest<T>) =>
        new Promise<T>((resolve, reject) => {
          request.onsuccess = () => resolve(request.result);
          request.onerror = () => reject(request.error);
        });
      const [uploads, history, parts, fileIds, cleanups] = await Promise.all([
        all(tx.objectStore('uploads').getAll()),
        all(tx.objectStore('history').getAll()),
        all(tx.objectStore('parts').getAll()),
        all(tx.objectStore('files').getAllKeys()),
        all(tx.objectStore('cleanups').getAll()),
      ]);
      const partCounts: Record<string, number> = {};
      for (const part of parts as { uploadId: string }[]) {
        partCounts[part.uploadId] = (partCounts[part.uploadId] ?? 0) + 1;
      }
      return { uploads, history, partCounts, fileIds: fileIds.map(String), cleanups };
    } finally {
      db.close();
    }
  }, UPLOAD_DB_NAME) as Promise<BrowserRecords>;
}
