// Files the page handed over in this worker's lifetime, sendable before their copy into IndexedDB
// has committed. Chromium copies a file's bytes at that put (about half a second per GiB), so an
// upload waiting for it would send its first byte that much later. Instead the records are written
// first, the copy runs beside the upload, and parts come from the File itself until the copy is
// there, then from the copy.
//
// What a crash in that window leaves behind: the upload's records without a stored file. The next
// run finds no file and asks for it again ("select this file again"); what OSS already has is then
// checked part by part against the file chosen again (reconcile), so nothing is lost or unverified.

interface Handed {
  file: File;
  /** True once the put of the copy committed, false when it failed. */
  stored: Promise<boolean>;
}

/*
 * Once the copy has committed the entry is dropped: from then on a run reads the stored copy, as any
 * later worker does, fingerprint check included. Without a copy (its put failed) the File is all there
 * is until the upload ends; a later worker then asks for the file again.
 */

export class HandedFiles {
  private readonly files = new Map<string, Handed>();

  /** `storing` is the put of `file` under `id`; its failure only means there is no stored copy. */
  hold(id: string, file: File, storing: Promise<void>): void {
    const stored = storing.then(
      () => {
        if (this.files.get(id)?.file === file) this.files.delete(id);
        return true;
      },
      (error: unknown) => {
        console.warn(`[skylift] could not keep a copy of ${file.name}`, error);
        return false;
      },
    );
    this.files.set(id, { file, stored });
  }

  /** The File as handed over, while its copy is being stored (or could not be). */
  get(id: string): Handed | undefined {
    return this.files.get(id);
  }

  /** Settles once the copy of `id` is in IndexedDB or has failed; at once if none was pending. */
  async settled(id: string): Promise<void> {
    await this.files.get(id)?.stored;
  }

  /** The upload is finished: the File is no longer needed. */
  forget(id: string): void {
    this.files.delete(id);
  }
}
