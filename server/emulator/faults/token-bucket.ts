// A bandwidth cap shared by every connection: one bucket of byte tokens refilled at the configured rate.
// Takers may overdraw it and then wait for the debt to be repaid, so a 64 KiB chunk still passes on a
// 10 KB/s link (after ~6 s) and concurrent uploads share the rate instead of each getting all of it.

import { setTimeout as sleep } from 'node:timers/promises';

export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();

  /** `burstBytes`: what may pass at once after idling; defaults to 1/10 s worth of traffic. */
  constructor(
    readonly bytesPerSecond: number,
    private readonly burstBytes = Math.max(1, bytesPerSecond / 10),
  ) {
    this.tokens = this.burstBytes;
  }

  /** Resolves once `bytes` may pass (at once when the bucket holds enough); `signal` gives up early. */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    this.tokens = Math.min(
      this.burstBytes,
      this.tokens + ((now - this.refilledAt) / 1000) * this.bytesPerSecond,
    );
    this.refilledAt = now;
    this.tokens -= bytes;
    if (this.tokens >= 0) return;
    const waitMs = (-this.tokens / this.bytesPerSecond) * 1000;
    await sleep(waitMs, undefined, { signal }).catch(() => undefined);
  }
}
