// An open page keeps the upload engine going. Where the browser has no Background Sync, nothing but
// a page wakes the service worker, and the browser stops it when idle or once an event's extended
// lifetime ends (Firefox: about a minute), even mid-upload. So while uploads are unfinished the page
// nudges the worker every NUDGE_INTERVAL_MS: each nudge is an event that wakes it and keeps it alive
// a while longer, and starts a run unless one is going (sw/engine/background-sync.ts).

import { NUDGE_INTERVAL_MS } from '../../lib/protocol/messages.ts';

export class EngineKeepAlive {
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly nudge: () => Promise<void>,
    private readonly intervalMs = NUDGE_INTERVAL_MS,
  ) {}

  /** Called with each snapshot: nudges while anything is unfinished, and stops once nothing is. */
  update(unfinished: boolean): void {
    if (unfinished && this.timer === undefined) {
      this.timer = setInterval(() => {
        this.nudge().catch((error: unknown) => console.warn('[skylift] upload worker unavailable', error));
      }, this.intervalMs);
    } else if (!unfinished) {
      this.stop();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
