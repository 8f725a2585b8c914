// Tells every open page how uploads stand, at most about ten times a second however often the
// engine reports a change: a burst of changes becomes one message with the latest state.

import type { UploadSnapshotMessage } from '../../lib/protocol/messages.ts';

export const MIN_BROADCAST_INTERVAL_MS = 100;

export class ProgressBroadcaster {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> = Promise.resolve();

  constructor(
    private readonly snapshot: () => Promise<Omit<UploadSnapshotMessage, 'type'>>,
    private readonly post: (message: UploadSnapshotMessage) => void,
    private readonly now: () => number = Date.now,
    private readonly intervalMs = MIN_BROADCAST_INTERVAL_MS,
  ) {}

  /** Something changed; a snapshot goes out now or at the end of the current interval. */
  changed(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastSentAt + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sending = this.sending.then(() => this.flush());
    }, wait);
  }

  /** Drops a pending snapshot (the engine is shutting down). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Sends a snapshot right away (a page just asked), still counting toward the rate. */
  async flush(): Promise<void> {
    this.lastSentAt = this.now();
    try {
      this.post({ type: 'upload/snapshot', ...(await this.snapshot()) });
    } catch (error) {
      console.warn('[skylift] could not broadcast upload state', error);
    }
  }
}
