// Files the page handed over in this worker's lifetime, sendable before their copy into IndexedDB
// has committed. Chromium copies a file's bytes at that put (about half a second per GiB), so an
// upload waiting for the commit would send its first byte that much later. Instead the records are
// written first, the copy is put at once, and the upload sends from the File itself until the copy
// has committed, then from the copy. The page hears the batch is queued only once the copies have
// committed (engine.copiesSettled): Chromium reads the file while the put runs, so a change on disk
// before the commit would make the copy fail; after it, the copy has the bytes as chosen.
//
// The copy could wait (COPY_DELAY_MS, or until the upload's first part is out) so that the database's
// other transactions, which wait for its commit, do not hold up the first byte; but a file changed on
// disk in that wait could then no longer be copied, and its upload would ask for the file again. The
// product copies at once.
//
// What a crash before the copy commits leaves behind: the upload's records without a stored file. The
// next run finds no file and asks for it again ("select this file again"); what OSS already has is then
// checked part by part against the file chosen again (reconcile), so nothing is lost or unverified.

/** How long a handed-over file waits before it is copied, unless its upload starts sending first. */
export const COPY_DELAY_MS = 0;

interface Handed {
  file: File;
  /** True once the put of the copy committed, false when it failed or never started. */
  stored: Promise<boolean>;
  /** Starts the copy now (at most once). */
  start: () => void;
  /** The upload is over: a copy not started yet never will be. */
  cancel: () => void;
}

/*
 * Once the copy has committed the entry is dropped: from then on a run reads the stored copy, as any
 * later worker does, fingerprint check included. Without a copy (its put failed) the File is all there
 * is until the upload ends; a later worker then asks for the file again.
 */
export class HandedFiles {
  private readonly files = new Map<string, Handed>();

  /** `copy` puts `file` under `id`; its failure only means there is no stored copy. */
  hold(id: string, file: File, copy: () => Promise<void>, delayMs = COPY_DELAY_MS): void {
    let started = false;
    let settle: (stored: boolean) => void = () => undefined;
    const stored = new Promise<boolean>((resolve) => {
      settle = resolve;
    });
    const start = () => {
      clearTimeout(timer);
      if (started) return;
      started = true;
      // Called synchronously: the put is issued before the caller goes on.
      copy().then(
        () => {
          if (this.files.get(id)?.file === file) this.files.delete(id);
          settle(true);
        },
        (error: unknown) => {
          console.warn(`[skylift] could not keep a copy of ${file.name}`, error);
          settle(false);
        },
      );
    };
    const cancel = () => {
      clearTimeout(timer);
      if (!started) settle(false);
      started = true;
    };
    const timer = delayMs > 0 ? setTimeout(start, delayMs) : undefined;
    this.files.set(id, { file, stored, start, cancel });
    if (delayMs <= 0) start();
  }

  /** The File as handed over, while its copy is pending (or could not be made). */
  get(id: string): Pick<Handed, 'file' | 'stored'> | undefined {
    return this.files.get(id);
  }

  /** The upload's first request is out: a copy still waiting starts now. */
  sending(id: string): void {
    this.files.get(id)?.start();
  }

  /**
   * The upload is about to be finished (its file deleted from the store): a copy not started by now
   * never will be, since its put would come after that delete and leave the file behind. A copy
   * started was put before, and the finish deletes it. The File stays until forget().
   */
  finishing(id: string): void {
    this.files.get(id)?.cancel();
  }

  /** The worker is going away: copies not started yet never will be. */
  forgetAll(): void {
    for (const id of [...this.files.keys()]) this.forget(id);
  }

  /** The upload is finished: the File is no longer needed, nor a copy not started yet. */
  forget(id: string): void {
    this.files.get(id)?.cancel();
    this.files.delete(id);
  }
}
