// Tells every open page how uploads stand, at most about ten times a second however often the
// engine reports a change: a burst of changes becomes one message with the latest state. A snapshot
// of a thousand queued uploads costs the worker (and each page) real time, so the interval also
// stretches to keep that cost under a tenth of the worker's time: sending comes first.

import type { UploadSnapshotMessage } from '../../lib/protocol/messages.ts';

export const MIN_BROADCAST_INTERVAL_MS = 100;
/** The interval is at least this many times what the last snapshot took to make and post. */
const COST_MULTIPLE = 10;

export class ProgressBroadcaster {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  /** How long the last snapshot took to make and post, ms. */
  private lastCostMs = 0;
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
    const interval = Math.max(this.intervalMs, COST_MULTIPLE * this.lastCostMs);
    const wait = Math.max(0, this.lastSentAt + interval - this.now());
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
    const started = this.now();
    this.lastSentAt = started;
    try {
      this.post({ type: 'upload/snapshot', ...(await this.snapshot()) });
    } catch (error) {
      console.warn('[skylift] could not broadcast upload state', error);
    }
    this.lastCostMs = this.now() - started;
  }
}
