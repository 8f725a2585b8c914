// Who is still reading which data file. A GetObject (or a copy) streams an object's blobs outside any
// lock, so an overwrite or delete that frees those blobs meanwhile must not unlink them under the
// reader: their removal waits until the last reader lets go.
import { rm } from 'node:fs/promises';

export class BlobReaders {
  private readonly readers = new Map<string, number>();
  /** Freed while being read: unlinked when the last reader lets go. */
  private readonly doomed = new Set<string>();

  constructor(private readonly fileOf: (blob: string) => string) {}

  /** Pins `blobs`; the returned function lets them go (once, however often it is called). */
  pin(blobs: readonly string[]): () => void {
    for (const blob of blobs) this.readers.set(blob, (this.readers.get(blob) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const blob of blobs) {
        const left = (this.readers.get(blob) ?? 1) - 1;
        if (left > 0) {
          this.readers.set(blob, left);
          continue;
        }
        this.readers.delete(blob);
        if (this.doomed.delete(blob)) void rm(this.fileOf(blob), { force: true });
      }
    };
  }

  /** Unlinks blobs no record points to any more: now, or when their last reader lets go. */
  async free(blobs: readonly string[]): Promise<void> {
    for (const blob of blobs) {
      if (this.readers.has(blob)) this.doomed.add(blob);
      else await rm(this.fileOf(blob), { force: true });
    }
  }
}
