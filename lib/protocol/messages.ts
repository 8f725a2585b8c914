// Messages between the page and the service worker. One definition for both sides.
import type { UploadOptions } from './upload-options.ts';

/** Page → waiting worker: take over now. The value is the one workbox-window's messageSkipWaiting() sends. */
export const SKIP_WAITING = 'SKIP_WAITING';

/** The BroadcastChannel on which the worker publishes upload snapshots to every open page. */
export const UPLOAD_CHANNEL = 'skylift-uploads';

export type UploadCommand = 'pause' | 'resume' | 'abort' | 'retry';

/**
 * What becomes of unfinished uploads once no page of the app is open, as the worker finds its
 * browser: `background-sync` — Background Sync events carry on for a while, then the rest waits for
 * a page; `page-needed` — no Background Sync (or the site may not use it), so the browser stops the
 * worker soon after the last page closes. Either way they resume when a page opens again.
 */
export type AfterPageCloses = 'background-sync' | 'page-needed';

/** How often an open page with unfinished uploads reminds the worker to keep going (upload/nudge). */
export const NUDGE_INTERVAL_MS = 10_000;

/**
 * Upload states as the engine persists them (docs/upload-engine.md). `retrying` is not stored:
 * it is `uploading` with parts waiting out a backoff, shown via `attempt` and `nextTryAt`.
 */
export type UploadState =
  | 'queued'
  | 'uploading'
  | 'completing'
  | 'waiting-for-network'
  | 'paused'
  | 'needs-file'
  | 'failed'
  | 'done'
  | 'aborted';

/** States in which the engine still has work to do without anyone's help. */
export const ACTIVE_STATES: readonly UploadState[] = [
  'queued',
  'uploading',
  'completing',
  'waiting-for-network',
];

export interface UploadProblem {
  /** What went wrong and what to do about it, for people. */
  message: string;
  /** OSS error code or an engine code such as NetworkError, CrcMismatch, FileNotReadable. */
  code: string;
  requestId?: string;
}

export interface UploadResult {
  etag: string;
  /** Whole-object CRC64 as OSS reported it (decimal). */
  crc64: string;
  /** The callback server's answer when a callback was set; `failed` when OSS answered 203. */
  callback?: { ok: boolean; body: string };
}

/** One upload as the page sees it. Bytes are confirmed by OSS; in-flight bytes are an estimate. */
export interface UploadView {
  id: string;
  key: string;
  fileName: string;
  size: number;
  lastModified: number;
  state: UploadState;
  /** True while parts wait out a backoff (shown as "retrying — attempt n"). */
  retrying: boolean;
  /** Highest attempt number among parts being retried (1 = first try). */
  attempt: number;
  /** When the next retry starts (ms since the epoch), if one is scheduled. */
  nextTryAt?: number;
  bytesConfirmed: number;
  bytesInFlight: number;
  partsDone: number;
  partsTotal: number;
  /** OSS's multipart upload id while the upload is unfinished and has one (the dashboard marks it "this browser's"). */
  ossUploadId?: string;
  /** Bytes per second over the last few seconds; 0 when idle. */
  speed: number;
  /** Seconds to go at the current speed, when known. */
  etaSeconds?: number;
  problem?: UploadProblem;
  result?: UploadResult;
  createdAt: number;
  finishedAt?: number;
}

/** How one part of an upload stands, as the part map shows it. */
export const PART_CELL_STATES = ['done', 'uploading', 'retrying', 'failed', 'pending'] as const;
export type PartCellState = (typeof PART_CELL_STATES)[number];

/** How many finished uploads a page is sent at once: on hello, and per "show older". */
export const HISTORY_PAGE_SIZE = 100;

/** Where a page of history ends: the last (oldest) upload it holds. */
export interface HistoryCursor {
  finishedAt: number;
  id: string;
}

export interface EnqueueItem {
  file: File;
  options: UploadOptions;
}

/** Page → worker. Each request carries a MessagePort on which the worker answers once. */
export type UploadRequest =
  | { type: 'upload/enqueue'; items: EnqueueItem[] }
  | { type: 'upload/command'; uploadId: string; command: UploadCommand }
  | { type: 'upload/reselect'; uploadId: string; file: File }
  /** A page opened: answer with the unfinished uploads and the newest history, and resume unfinished uploads. */
  | { type: 'upload/hello' }
  /**
   * An open page has unfinished uploads. Where nothing else wakes the worker (no Background Sync), a
   * browser stops it when idle or when an event's extended lifetime ends: this starts a run if none
   * is going, and the event itself keeps the worker alive a while longer.
   */
  | { type: 'upload/nudge' }
  /** The page of history just older than `before`. */
  | { type: 'upload/history'; before: HistoryCursor }
  /** Each part's state, in part order (the part map). */
  | { type: 'upload/parts'; uploadId: string }
  /** New worker → old worker: finish parts in flight, start no more (an update is taking over). */
  | { type: 'upload/drain' };

export type UploadReply =
  | {
      ok: true;
      uploadIds?: string[];
      /** Unfinished uploads (hello). */
      uploads?: UploadView[];
      /** Finished uploads, newest first, at most HISTORY_PAGE_SIZE (hello, upload/history). */
      history?: UploadView[];
      /** Older finished uploads exist beyond `history`. */
      historyMore?: boolean;
      /** upload/parts: absent when the worker keeps no parts for the upload (finished, or unknown). */
      parts?: PartCellState[];
      /** hello: what becomes of unfinished uploads when no page is open, in this browser. */
      afterPageCloses?: AfterPageCloses;
    }
  | { ok: false; error: string };

/**
 * Worker → every page, over UPLOAD_CHANNEL, up to ten times a second. It carries the unfinished
 * uploads and only the uploads that finished since the last snapshot (possibly repeated), never the
 * whole history: a page gets that in pages (hello, upload/history).
 */
export interface UploadSnapshotMessage {
  type: 'upload/snapshot';
  uploads: UploadView[];
  finished: UploadView[];
}

export function isUploadRequest(data: unknown): data is UploadRequest {
  const type = (data as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('upload/');
}
