// The part map's input for an upload of this browser: each part's state as the engine stored it
// (sw/store/schema.ts, store `parts`), read from its IndexedDB. The snapshots the engine broadcasts
// carry counts only; the map needs to know which part is where.

import { openDB } from 'idb';
import type { UploadState } from '../../lib/protocol/messages.ts';
import { type PartRecord, UPLOAD_DB_NAME, type UploadDbSchema } from '../../sw/store/schema.ts';
import type { PartCellState } from '../dashboard/part-groups.ts';

/** A stored part → its cell: sent now, waiting out a backoff, stuck with the upload, done or not yet. */
export function cellState(
  part: Pick<PartRecord, 'state' | 'attempts' | 'nextTryAt' | 'lastError'>,
  uploadState: UploadState,
  now: number,
): PartCellState {
  if (part.state === 'done') return 'done';
  if (part.state === 'sending') return uploadState === 'uploading' ? 'uploading' : 'pending';
  if (part.lastError !== undefined && part.attempts > 0) {
    if (uploadState === 'failed') return 'failed';
    if (part.nextTryAt > now) return 'retrying';
  }
  return 'pending';
}

/** States of parts 1..n of one upload, or undefined when the engine's database is not there. */
export async function readPartStates(
  uploadId: string,
  uploadState: UploadState,
  now = Date.now(),
): Promise<PartCellState[] | undefined> {
  let db: Awaited<ReturnType<typeof openDB<UploadDbSchema>>>;
  try {
    // As in src/dashboard/local-uploads.ts: never create the engine's database with no schema.
    db = await openDB<UploadDbSchema>(UPLOAD_DB_NAME, undefined, {
      upgrade(_db, _old, _new, transaction) {
        transaction.done.catch(() => {});
        transaction.abort();
      },
    });
  } catch {
    return undefined;
  }
  try {
    if (!db.objectStoreNames.contains('parts')) return undefined;
    const parts = await db.getAllFromIndex('parts', 'byUpload', uploadId);
    parts.sort((a, b) => a.partNumber - b.partNumber);
    return parts.map((part) => cellState(part, uploadState, now));
  } finally {
    // Held open, it would block the engine's next schema upgrade.
    db.close();
  }
}

/**
 * Keeps one upload's part states fresh while snapshots arrive (up to ten a second), reading the
 * database at most every `minGapMs` and always once more after the last change.
 */
export class PartStatesFeed {
  private reading = false;
  private again = false;
  private latest?: { id: string; state: UploadState };
  private stopped = false;

  constructor(
    private readonly onStates: (states: PartCellState[] | undefined) => void,
    private readonly minGapMs = 250,
    private readonly read = readPartStates,
  ) {}

  changed(upload: { id: string; state: UploadState }): void {
    this.latest = upload;
    if (this.reading) {
      this.again = true;
      return;
    }
    void this.readNow();
  }

  stop(): void {
    this.stopped = true;
  }

  private async readNow(): Promise<void> {
    const upload = this.latest;
    if (!upload || this.stopped) return;
    this.reading = true;
    try {
      const states = await this.read(upload.id, upload.state).catch(() => undefined);
      if (!this.stopped) this.onStates(states);
      await new Promise((resolve) => setTimeout(resolve, this.minGapMs));
    } finally {
      this.reading = false;
    }
    if (this.again) {
      this.again = false;
      void this.readNow();
    }
  }
}
