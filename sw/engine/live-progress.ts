// What only the running engine knows: parts in flight, parts waiting out a backoff, and recent
// throughput. Combined with the stored records it makes the views pages see.

import type { UploadView } from '../../lib/protocol/messages.ts';
import type { HistoryRecord, UploadRecord } from '../store/schema.ts';

/** Throughput is measured over this window. */
const SPEED_WINDOW_MS = 5_000;
/** An in-flight part is never estimated fuller than this until OSS confirms it. */
const MAX_IN_FLIGHT_FRACTION = 0.95;

interface UploadLive {
  inFlight: Map<number, { size: number; startedAt: number }>;
  retrying: Map<number, { attempt: number; nextTryAt: number }>;
  confirmations: { at: number; bytes: number }[];
}

export class LiveProgress {
  private readonly uploads = new Map<string, UploadLive>();
  constructor(private readonly now: () => number = Date.now) {}

  private of(id: string): UploadLive {
    let live = this.uploads.get(id);
    if (!live) {
      live = { inFlight: new Map(), retrying: new Map(), confirmations: [] };
      this.uploads.set(id, live);
    }
    return live;
  }

  partStarted(id: string, partNumber: number, size: number): void {
    this.of(id).inFlight.set(partNumber, { size, startedAt: this.now() });
  }

  partEnded(id: string, partNumber: number): void {
    this.of(id).inFlight.delete(partNumber);
  }

  partRetrying(id: string, partNumber: number, attempt: number, nextTryAt: number): void {
    this.of(id).retrying.set(partNumber, { attempt, nextTryAt });
  }

  partConfirmed(id: string, partNumber: number, bytes: number): void {
    const live = this.of(id);
    live.retrying.delete(partNumber);
    live.confirmations.push({ at: this.now(), bytes });
  }

  forget(id: string): void {
    this.uploads.delete(id);
  }

  /** Bytes per second confirmed over the last few seconds. */
  speed(id: string): number {
    const live = this.uploads.get(id);
    if (!live) return 0;
    const now = this.now();
    live.confirmations = live.confirmations.filter((c) => now - c.at <= SPEED_WINDOW_MS);
    if (live.confirmations.length === 0) return 0;
    const bytes = live.confirmations.reduce((sum, c) => sum + c.bytes, 0);
    const since = Math.min(
      ...live.confirmations.map((c) => c.at),
      ...[...live.inFlight.values()].map((p) => p.startedAt),
    );
    return (bytes * 1000) / Math.max(now - since, 250);
  }

  view(record: UploadRecord): UploadView {
    const live = this.uploads.get(record.id);
    const speed = this.speed(record.id);
    const now = this.now();
    let bytesInFlight = 0;
    const perPart = live && live.inFlight.size > 0 ? speed / live.inFlight.size : 0;
    for (const part of live?.inFlight.values() ?? []) {
      bytesInFlight += Math.min(
        part.size * MAX_IN_FLIGHT_FRACTION,
        (perPart * (now - part.startedAt)) / 1000,
      );
    }
    const waiting = [...(live?.retrying.values() ?? [])].filter((r) => r.nextTryAt > 0);
    const active = record.state === 'uploading' || record.state === 'completing';
    const remaining = record.size - record.bytesConfirmed - bytesInFlight;
    return {
      id: record.id,
      key: record.key,
      fileName: record.fileName,
      size: record.size,
      lastModified: record.lastModified,
      state: record.state,
      retrying: active && waiting.length > 0,
      attempt: Math.max(1, ...waiting.map((r) => r.attempt + 1)),
      nextTryAt: waiting.length > 0 ? Math.min(...waiting.map((r) => r.nextTryAt)) : undefined,
      bytesConfirmed: record.bytesConfirmed,
      bytesInFlight: Math.floor(bytesInFlight),
      partsDone: record.partsDone,
      partsTotal: record.partCount,
      ossUploadId: record.uploadId,
      speed: active ? speed : 0,
      etaSeconds: active && speed > 0 ? Math.max(0, remaining) / speed : undefined,
      problem: record.problem,
      createdAt: record.createdAt,
    };
  }
}

export function historyView(record: HistoryRecord): UploadView {
  return {
    id: record.id,
    key: record.key,
    fileName: record.fileName,
    size: record.size,
    lastModified: record.lastModified,
    state: record.state,
    retrying: false,
    attempt: 1,
    bytesConfirmed: record.state === 'done' ? record.size : 0,
    bytesInFlight: 0,
    partsDone: 0,
    partsTotal: 0,
    speed: 0,
    problem: record.problem,
    result: record.result,
    createdAt: record.createdAt,
    finishedAt: record.finishedAt,
  };
}
