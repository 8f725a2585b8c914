// A rolling window of throughput samples for the sparkline, fed from the engine's upload snapshots.

import type { UploadView } from '../../lib/protocol/messages.ts';

export interface ThroughputSnapshot {
  /** Bytes per second across every upload of this browser. */
  rate: number;
  /** Bytes OSS confirmed for the uploads still listed. */
  confirmedBytes: number;
  totalBytes: number;
  activeUploads: number;
}

export function summarizeUploads(uploads: readonly UploadView[]): ThroughputSnapshot {
  let rate = 0;
  let confirmedBytes = 0;
  let totalBytes = 0;
  let activeUploads = 0;
  for (const u of uploads) {
    rate += u.speed;
    confirmedBytes += u.state === 'done' ? u.size : u.bytesConfirmed;
    totalBytes += u.size;
    if (u.state === 'uploading' || u.state === 'completing' || u.state === 'queued') activeUploads++;
  }
  return { rate, confirmedBytes, totalBytes, activeUploads };
}

/** Keeps the last `capacity` samples, at most one per `minGapMs` (snapshots can arrive in bursts). */
export class ThroughputHistory {
  private samples: number[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly capacity = 60,
    private readonly minGapMs = 1000,
  ) {}

  add(rate: number, at: number): boolean {
    if (at - this.lastAt < this.minGapMs) return false;
    this.lastAt = at;
    this.samples = [...this.samples, rate].slice(-this.capacity);
    return true;
  }

  values(): readonly number[] {
    return this.samples;
  }
}
