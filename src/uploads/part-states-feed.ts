// The part map's input for an upload of this browser: each part's state, asked of the worker
// (upload/parts) — the snapshots it broadcasts carry counts only, and the page never opens the
// worker's database.

import type { PartCellState, UploadState } from '../../lib/protocol/messages.ts';
import { partStates } from '../bridge/upload-bridge.ts';

/**
 * Keeps one upload's part states fresh while snapshots arrive (up to ten a second), asking at most
 * every `minGapMs` and always once more after the last change.
 */
export class PartStatesFeed {
  private reading = false;
  private again = false;
  private latest?: { id: string; state: UploadState };
  private stopped = false;

  constructor(
    private readonly onStates: (states: PartCellState[] | undefined) => void,
    private readonly minGapMs = 250,
    private readonly read: (uploadId: string) => Promise<PartCellState[] | undefined> = partStates,
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
      const states = await this.read(upload.id).catch(() => undefined);
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
