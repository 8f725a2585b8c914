// Files the page handed over in this worker's lifetime, sendable before their copy into IndexedDB
// has committed. Chromium copies a file's bytes at that put (about half a second per GiB, and the
// database's other transactions wait meanwhile), so an upload waiting for it would send its first
// byte that much later. Instead the records are written first and the upload sends from the File
// itself; the copy starts once a multipart upload's first part is out, else after COPY_DELAY_MS
// (an upload waiting its turn), and parts come from the copy once it is there. A file whose upload is
// over before its copy started — most files sent whole by one PutObject — is never copied.
//
// Copies are written one after another, in the order they were asked for. Every upload's finish
// deletes its file in a transaction that also covers the upload records, so a flood of copies queued
// at once (a folder of files all past their delay) would hold up every finish, and every record
// write after it, until all of them were written; one at a time, the other transactions get in
// between, and a copy whose upload is over by its turn is skipped.
//
// What a crash in that window leaves behind: the upload's records without a stored file. The next
// run finds no file and asks for it again ("select this file again"); what OSS already has is then
// checked part by part against the file chosen again (reconcile), so nothing is lost or unverified.

/** An upload that has not started sending by then gets its copy anyway. */
export const COPY_DELAY_MS = 1000;

interface Handed {
  file: File;
  /** True once the put of the copy committed, false when it failed or never started. */
  stored: Promise<boolean>;
  /** Queues the copy now (at most once). */
  start: () => void;
  /** The upload is over: a copy not being written yet never will be. */
  cancel: () => void;
}

/*
 * Once the copy has committed the entry is dropped: from then on a run reads the stored copy, as any
 * later worker does, fingerprint check included. Without a copy (its put failed) the File is all there
 * is until the upload ends; a later worker then asks for the file again.
 */
export class HandedFiles {
  private readonly files = new Map<string, Handed>();
  /** The copy being written and those waiting for it, chained: one at a time. */
  private copies: Promise<void> = Promise.resolve();

  /** `copy` puts `file` under `id`; its failure only means there is no stored copy. */
  hold(id: string, file: File, copy: () => Promise<void>, delayMs = COPY_DELAY_MS): void {
    /** waiting: for its delay or the first part; queued: behind other copies; then written or dropped. */
    let phase: 'waiting' | 'queued' | 'writing' | 'over' = 'waiting';
    let settle: (stored: boolean) => void = () => undefined;
    const stored = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(() => start(), delayMs);
    const write = async () => {
      if (phase !== 'queued') return; // cancelled while queued: the upload is over
      phase = 'writing';
      try {
        await copy();
        if (this.files.get(id)?.file === file) this.files.delete(id);
        settle(true);
      } catch (error) {
        console.warn(`[skylift] could not keep a copy of ${file.name}`, error);
        settle(false);
      } finally {
        phase = 'over';
      }
    };
    const start = () => {
      clearTimeout(timer);
      if (phase !== 'waiting') return;
      phase = 'queued';
      this.copies = this.copies.then(write);
    };
    const cancel = () => {
      clearTimeout(timer);
      if (phase === 'waiting' || phase === 'queued') {
        phase = 'over';
        settle(false);
      }
    };
    this.files.set(id, { file, stored, start, cancel });
  }

  /** The File as handed over, while its copy is pending (or could not be made). */
  get(id: string): Pick<Handed, 'file' | 'stored'> | undefined {
    return this.files.get(id);
  }

  /** The upload's first request is out: its copy may be queued. */
  sending(id: string): void {
    this.files.get(id)?.start();
  }

  /**
   * The upload is about to be finished (its file deleted from the store): a copy not being written by
   * now never will be, since its put would come after that delete and leave the file behind. A copy
   * being written was put before, and the finish deletes it. The File stays until forget().
   */
  finishing(id: string): void {
    this.files.get(id)?.cancel();
  }

  /** The worker is going away: copies not started yet never will be. */
  forgetAll(): void {
    for (const id of [...this.files.keys()]) this.forget(id);
  }

  /** The upload is finished: the File is no longer needed, nor a copy not being written yet. */
  forget(id: string): void {
    this.files.get(id)?.cancel();
    this.files.delete(id);
  }
}
