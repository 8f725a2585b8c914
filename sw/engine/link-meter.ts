// What the engine has measured of the link to OSS, for sizing parts (part-sizer.ts): the bytes per
// second OSS confirmed lately across every upload, what a request costs beyond its bytes, and the
// parts in flight now. One meter per engine: concurrent uploads share one link.

import type { InFlightPart } from './part-sizer.ts';

/** Throughput is measured over the parts confirmed in this window. */
const WINDOW_MS = 10_000;
/** Request overheads remembered; the smallest stands for the link (larger ones waited in a queue). */
const OVERHEAD_SAMPLES = 8;

interface Confirmed {
  startedAt: number;
  endedAt: number;
  bytes: number;
}

export class LinkMeter {
  private readonly flying = new Map<object, InFlightPart>();
  private confirmed: Confirmed[] = [];
  private overheads: number[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** A request without a body to speak of took `ms` from sending to its answer. */
  requestTimed(ms: number): void {
    this.overheads = [...this.overheads, ms].slice(-OVERHEAD_SAMPLES);
  }

  /** A part's request started; call the result when it ended (confirmed or not). */
  partStarted(size: number): (confirmed: boolean) => void {
    const token = {};
    const part = { startedAt: this.now(), size };
    this.flying.set(token, part);
    return (confirmed) => {
      if (!this.flying.delete(token)) return;
      if (confirmed) this.confirmed.push({ startedAt: part.startedAt, endedAt: this.now(), bytes: size });
    };
  }

  inFlight(): InFlightPart[] {
    return [...this.flying.values()];
  }

  /** Smallest recent request overhead in ms; undefined before the first. */
  overheadMs(): number | undefined {
    return this.overheads.length === 0 ? undefined : Math.min(...this.overheads);
  }

  /**
   * Bytes per second confirmed over the window: the bytes of the parts confirmed in it, over the time
   * from the first of them starting (or the window's start) to now. Undefined before the first.
   */
  throughput(): number | undefined {
    const now = this.now();
    this.confirmed = this.confirmed.filter((c) => now - c.endedAt <= WINDOW_MS);
    if (this.confirmed.length === 0) return undefined;
    const since = Math.max(now - WINDOW_MS, Math.min(...this.confirmed.map((c) => c.startedAt)));
    const bytes = this.confirmed.reduce((sum, c) => sum + c.bytes, 0);
    return (bytes * 1000) / Math.max(now - since, 1);
  }
}
