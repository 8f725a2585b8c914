// Domain operations on the upload database. Each method is one IndexedDB transaction, so the
// upload record's counters never disagree with its part records, whatever stops the worker.

import { openDB } from 'idb';
import { ACTIVE_STATES } from '../../lib/protocol/messages.ts';
import { cutSize } from '../../lib/upload-plan/part-plan.ts';
import {
  type CleanupRecord,
  type HistoryRecord,
  type PartRecord,
  UPLOAD_DB_NAME,
  UPLOAD_DB_VERSION,
  type UploadDb,
  type UploadDbSchema,
  type UploadRecord,
  upgradeUploadDb,
} from './schema.ts';

/** History kept for the views; older finished uploads are forgotten here (their objects stay in OSS). */
export const MAX_HISTORY_RECORDS = 10_000;

export async function openUploadDb(name = UPLOAD_DB_NAME): Promise<UploadDb> {
  return openDB<UploadDbSchema>(name, UPLOAD_DB_VERSION, { upgrade: upgradeUploadDb });
}

export class UploadStore {
  constructor(
    readonly db: UploadDb,
    private readonly now: () => number = Date.now,
  ) {}

  /** The upload, its file and its whole part plan, or nothing at all. */
  async create(upload: UploadRecord, file: Blob, parts: readonly PartRecord[]): Promise<void> {
    const tx = this.db.transaction(['files', 'uploads', 'parts'], 'readwrite');
    const partStore = tx.objectStore('parts');
    await Promise.all([
      tx.objectStore('files').put(file, upload.id),
      tx.objectStore('uploads').add(upload),
      ...parts.map((part) => partStore.add(part)),
      tx.done,
    ]);
  }

  /**
   * Queued uploads and their part plans, all or none, without their files: those are copied in by
   * putFile() meanwhile, each in a transaction of its own (a file of gigabytes takes a while).
   */
  async createAll(uploads: readonly UploadRecord[], parts: readonly PartRecord[] = []): Promise<void> {
    const tx = this.db.transaction(['uploads', 'parts'], 'readwrite');
    const uploadStore = tx.objectStore('uploads');
    const partStore = tx.objectStore('parts');
    await Promise.all([
      ...uploads.map((upload) => uploadStore.add(upload)),
      ...parts.map((part) => partStore.add(part)),
      tx.done,
    ]);
  }

  /** Keeps the upload's file (Chromium copies its bytes into the profile here). */
  async putFile(id: string, file: Blob): Promise<void> {
    await this.db.put('files', file, id);
  }

  get(id: string): Promise<UploadRecord | undefined> {
    return this.db.get('uploads', id);
  }

  /** Oldest first, the order uploads are worked on. */
  list(): Promise<UploadRecord[]> {
    return this.db.getAllFromIndex('uploads', 'byCreatedAt');
  }

  /** What the engine works on: active uploads, except those Background Fetch carries meanwhile. */
  async listActive(): Promise<UploadRecord[]> {
    return (await this.list()).filter((u) => ACTIVE_STATES.includes(u.state) && !u.backgroundFetch);
  }

  /**
   * Finished uploads, newest first: at most `limit` of them, older than `before` when given (the
   * last record of the previous page).
   */
  async history(
    limit: number,
    before?: Pick<HistoryRecord, 'finishedAt' | 'id'>,
  ): Promise<{ records: HistoryRecord[]; more: boolean }> {
    const range = before ? IDBKeyRange.upperBound([before.finishedAt, before.id], true) : undefined;
    const records: HistoryRecord[] = [];
    let cursor = await this.db.transaction('history').store.index('byFinished').openCursor(range, 'prev');
    while (cursor && records.length < limit) {
      records.push(cursor.value);
      cursor = await cursor.continue();
    }
    return { records, more: cursor !== null };
  }

  /** Uploads finished at `since` or later (ms), oldest first: what pages have not heard of yet. */
  finishedSince(since: number): Promise<HistoryRecord[]> {
    return this.db.getAllFromIndex('history', 'byFinishedAt', IDBKeyRange.lowerBound(since));
  }

  getFile(id: string): Promise<Blob | undefined> {
    return this.db.get('files', id);
  }

  /** Read-modify-write of the upload record; undefined when it no longer exists (finished meanwhile). */
  async update(
    id: string,
    change: Partial<UploadRecord> | ((upload: UploadRecord) => Partial<UploadRecord>),
  ): Promise<UploadRecord | undefined> {
    const tx = this.db.transaction('uploads', 'readwrite');
    const current = await tx.store.get(id);
    if (!current) {
      await tx.done;
      return undefined;
    }
    const patch = typeof change === 'function' ? change(current) : change;
    const next: UploadRecord = { ...current, ...patch, updatedAt: this.now() };
    await Promise.all([tx.store.put(next), tx.done]);
    return next;
  }

  /** A re-selected file replaces the unreadable or changed one, and the upload goes back to work. */
  async replaceFile(id: string, file: Blob, fingerprint: string): Promise<UploadRecord | undefined> {
    const tx = this.db.transaction(['files', 'uploads'], 'readwrite');
    const uploads = tx.objectStore('uploads');
    const current = await uploads.get(id);
    if (!current) {
      await tx.done;
      return undefined;
    }
    const next: UploadRecord = {
      ...current,
      state: 'queued',
      problem: undefined,
      fingerprint,
      updatedAt: this.now(),
    };
    await Promise.all([tx.objectStore('files').put(file, id), uploads.put(next), tx.done]);
    return next;
  }

  /** Part records in part-number order. */
  async parts(id: string): Promise<PartRecord[]> {
    const parts = await this.db.getAllFromIndex('parts', 'byUpload', id);
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  /**
   * Cuts the next part from the bytes not yet planned, `wanted` bytes as near as OSS allows
   * (cutSize), and records it as sending — before its request goes out, as markPartSending does.
   * Undefined when every byte is planned already.
   */
  async cutPart(id: string, wanted: number): Promise<PartRecord | undefined> {
    const tx = this.db.transaction(['uploads', 'parts'], 'readwrite');
    const uploads = tx.objectStore('uploads');
    const upload = await uploads.get(id);
    const planned = upload ? (upload.plannedBytes ?? upload.size) : 0;
    if (!upload || planned >= upload.size) {
      await tx.done;
      return undefined;
    }
    const plannedParts = upload.plannedParts ?? 0;
    const remaining = upload.size - planned;
    const size = cutSize(remaining, plannedParts, wanted);
    const part = cutPartRecord(id, plannedParts + 1, planned, size, 'sending');
    const rest = remaining - size;
    await Promise.all([
      tx.objectStore('parts').add(part),
      uploads.put({
        ...upload,
        plannedBytes: planned + size,
        plannedParts: part.partNumber,
        partCount: part.partNumber + Math.ceil(rest / size),
        updatedAt: this.now(),
      }),
      tx.done,
    ]);
    return part;
  }

  /**
   * Cuts every byte not yet planned into pending parts of `wanted` bytes (as near as OSS allows,
   * cutSize), in one transaction: for a transport that must name all of an upload's parts at once
   * (Background Fetch). Returns the parts cut now.
   */
  async cutRemaining(id: string, wanted: number): Promise<PartRecord[]> {
    const tx = this.db.transaction(['uploads', 'parts'], 'readwrite');
    const uploads = tx.objectStore('uploads');
    const upload = await uploads.get(id);
    const cut: PartRecord[] = [];
    if (upload) {
      let planned = upload.plannedBytes ?? upload.size;
      let plannedParts = upload.plannedParts ?? 0;
      while (planned < upload.size) {
        const size = cutSize(upload.size - planned, plannedParts, wanted);
        plannedParts += 1;
        cut.push(cutPartRecord(id, plannedParts, planned, size, 'pending'));
        planned += size;
      }
      if (cut.length > 0) {
        const parts = tx.objectStore('parts');
        await Promise.all([
          ...cut.map((part) => parts.add(part)),
          uploads.put({
            ...upload,
            plannedBytes: planned,
            plannedParts,
            partCount: plannedParts,
            updatedAt: this.now(),
          }),
        ]);
      }
    }
    await tx.done;
    return cut;
  }

  /** Written before the request goes out: a crash now leaves a part that reconcile checks against OSS. */
  async markPartSending(id: string, partNumber: number): Promise<PartRecord> {
    return this.changePart(id, partNumber, (part) => ({
      ...part,
      state: 'sending',
      attempts: part.attempts + 1,
    }));
  }

  async markPartFailed(
    id: string,
    partNumber: number,
    nextTryAt: number,
    error: string,
  ): Promise<PartRecord> {
    return this.changePart(id, partNumber, (part) => ({
      ...part,
      state: 'pending',
      nextTryAt,
      lastError: error,
    }));
  }

  /** OSS acknowledged the part and its CRC matched: it is never sent again. */
  async markPartDone(id: string, partNumber: number, etag: string, crc64: string): Promise<PartRecord> {
    return this.changePart(id, partNumber, (part) => ({
      ...part,
      state: 'done',
      etag,
      crc64,
      nextTryAt: 0,
      lastError: undefined,
    }));
  }

  /** Replaces many part records at once (reconcile with ListParts, retry) and recounts the upload. */
  async saveParts(id: string, parts: readonly PartRecord[], change: Partial<UploadRecord> = {}) {
    const tx = this.db.transaction(['uploads', 'parts'], 'readwrite');
    const partStore = tx.objectStore('parts');
    await Promise.all(parts.map((part) => partStore.put(part)));
    const all = await partStore.index('byUpload').getAll(id);
    const upload = await tx.objectStore('uploads').get(id);
    if (upload) {
      await tx.objectStore('uploads').put({ ...upload, ...change, ...counters(all), updatedAt: this.now() });
    }
    await tx.done;
  }

  /**
   * Aborts OSS has not confirmed yet, and temporaries to delete: those that can be done now (a record
   * that waits for an upload counts once that upload is finished).
   */
  async cleanups(): Promise<CleanupRecord[]> {
    const tx = this.db.transaction(['cleanups', 'uploads']);
    const [all, unfinished] = await Promise.all([
      tx.objectStore('cleanups').getAll(),
      tx.objectStore('uploads').getAllKeys(),
      tx.done,
    ]);
    const waiting = new Set<string>(unfinished);
    return all.filter((c) => c.afterUpload === undefined || !waiting.has(c.afterUpload));
  }

  /** Adds or replaces a cleanup record. */
  async putCleanup(cleanup: CleanupRecord): Promise<void> {
    await this.db.put('cleanups', cleanup);
  }

  async cleanup(id: string): Promise<CleanupRecord | undefined> {
    return this.db.get('cleanups', id);
  }

  async cleanedUp(id: string): Promise<void> {
    await this.db.delete('cleanups', id);
  }

  async setting<T extends number | string | boolean>(name: string, fallback: T): Promise<T> {
    return ((await this.db.get('settings', name)) as T | undefined) ?? fallback;
  }

  async setSetting(name: string, value: number | string | boolean): Promise<void> {
    await this.db.put('settings', value, name);
  }

  /**
   * Deletes the file and the parts, keeps a small history record (and, for an abort OSS has not
   * confirmed, a cleanup record), and lets the oldest history go beyond MAX_HISTORY_RECORDS, so
   * history stays bounded however many files pass through.
   */
  async finish(
    id: string,
    history: Omit<HistoryRecord, 'finishedAt'>,
    cleanup?: CleanupRecord,
  ): Promise<HistoryRecord> {
    const record: HistoryRecord = { ...history, finishedAt: this.now() };
    const tx = this.db.transaction(['files', 'uploads', 'parts', 'history', 'cleanups'], 'readwrite');
    if (cleanup) await tx.objectStore('cleanups').put(cleanup);
    const historyStore = tx.objectStore('history');
    const partKeys = await tx.objectStore('parts').index('byUpload').getAllKeys(id);
    await Promise.all([
      tx.objectStore('files').delete(id),
      tx.objectStore('uploads').delete(id),
      ...partKeys.map((key) => tx.objectStore('parts').delete(key)),
      historyStore.put(record),
    ]);
    let excess = (await historyStore.count()) - MAX_HISTORY_RECORDS;
    let oldest = excess > 0 ? await historyStore.index('byFinished').openCursor() : null;
    while (oldest && excess-- > 0) {
      await oldest.delete();
      oldest = await oldest.continue();
    }
    await tx.done;
    return record;
  }

  private async changePart(
    id: string,
    partNumber: number,
    change: (part: PartRecord) => PartRecord,
  ): Promise<PartRecord> {
    const tx = this.db.transaction(['uploads', 'parts'], 'readwrite');
    const partStore = tx.objectStore('parts');
    const part = await partStore.get([id, partNumber]);
    if (!part) throw new Error(`Upload ${id} has no part ${partNumber}`);
    const next = change(part);
    await partStore.put(next);
    const wasDone = part.state === 'done';
    const isDone = next.state === 'done';
    if (wasDone !== isDone) {
      const uploads = tx.objectStore('uploads');
      const upload = await uploads.get(id);
      if (upload) {
        const sign = isDone ? 1 : -1;
        await uploads.put({
          ...upload,
          bytesConfirmed: upload.bytesConfirmed + sign * part.size,
          partsDone: upload.partsDone + sign,
          updatedAt: this.now(),
        });
      }
    }
    await tx.done;
    return next;
  }
}

function counters(parts: readonly PartRecord[]): Pick<UploadRecord, 'bytesConfirmed' | 'partsDone'> {
  const done = parts.filter((p) => p.state === 'done');
  return { bytesConfirmed: done.reduce((sum, p) => sum + p.size, 0), partsDone: done.length };
}

/**
 * A part cut from the bytes not yet planned: `sending` when its request goes out at once (counted as
 * its first attempt), `pending` when it waits for a transport.
 */
function cutPartRecord(
  uploadId: string,
  partNumber: number,
  offset: number,
  size: number,
  state: 'sending' | 'pending',
): PartRecord {
  return { uploadId, partNumber, offset, size, state, attempts: state === 'sending' ? 1 : 0, nextTryAt: 0 };
}
