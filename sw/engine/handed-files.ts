// Files the page handed over in this worker's lifetime, sendable before their copy into IndexedDB
// has committed. Chromium copies a file's bytes at that put (about half a second per GiB, and the
// database's other transactions wait meanwhile), so an upload waiting for it would send its first
// byte that much later. Instead the records are written first and the upload sends from the File
// itself; the copy starts once a multipart upload's first part is out, else after COPY_DELAY_MS
// (an upload waiting its turn), and parts come from the copy once it is there. A file whose upload is
// over before its copy started — most files sent whole by one PutObject — is never copied.
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
    const timer = setTimeout(() => start(), delayMs);
    const start = () => {
      clearTimeout(timer);
      if (started) return;
      started = true;
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
    this.files.set(id, { file, stored, start, cancel });
  }

  /** The File as handed over, while its copy is pending (or could not be made). */
  get(id: string): Pick<Handed, 'file' | 'stored'> | undefined {
    return this.files.get(id);
  }

  /** The upload's first request is out: its copy may start. */
  sending(id: string): void {
    this.files.get(id)?.start();
  }

  /** The worker is going away: copies not started yet never will be. */
  forgetAll(): void {
    for (const id of [...this.files.keys()]) this.forget(id);
  }

  /** The upload is finished: the File is no longer needed, nor a copy not yet started. */
  forget(id: string): void {
    this.files.get(id)?.cancel();
    this.files.delete(id);
  }
}
