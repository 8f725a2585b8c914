// The page's one bridge to the upload engine in the service worker: hand files over, send
// commands, and hear how every upload stands. Files are posted as File objects; structured clone
// keeps them disk-backed, so nothing here reads file bytes.

import {
  type AfterPageCloses,
  type PartCellState,
  UPLOAD_CHANNEL,
  type UploadCommand,
  type UploadReply,
  type UploadRequest,
  type UploadSnapshotMessage,
  type UploadView,
} from '../../lib/protocol/messages.ts';
import type { UploadOptions } from '../../lib/protocol/upload-options.ts';
import { UploadFeed } from '../uploads/upload-feed.ts';

/** How long a page waits for the worker to answer before saying so. */
const REPLY_TIMEOUT_MS = 30_000;

async function send(request: UploadRequest): Promise<UploadReply & { ok: true }> {
  const registration = await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller ?? registration.active;
  if (!worker) throw new Error('The upload service worker is not running; reload the page.');
  const channel = new MessageChannel();
  const reply = new Promise<UploadReply>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('The upload service worker did not answer; reload the page.')),
      REPLY_TIMEOUT_MS,
    );
    channel.port1.onmessage = (event: MessageEvent<UploadReply>) => {
      clearTimeout(timer);
      resolve(event.data);
    };
  });
  worker.postMessage(request, [channel.port2]);
  const answer = await reply;
  channel.port1.close();
  if (!answer.ok) throw new Error(answer.error);
  return answer;
}

/**
 * Queues files; each gets its own options (key, headers…). Resolves with the new upload ids. Nothing
 * is awaited first: persistent storage is asked for beside it (src/uploads/storage-persistence.ts).
 */
export async function enqueue(items: { file: File; options: UploadOptions }[]): Promise<string[]> {
  return (await send({ type: 'upload/enqueue', items })).uploadIds ?? [];
}

/** This page has unfinished uploads: keeps the worker going where nothing else wakes it. */
export async function nudge(): Promise<void> {
  await send({ type: 'upload/nudge' });
}

export async function command(uploadId: string, name: UploadCommand): Promise<void> {
  await send({ type: 'upload/command', uploadId, command: name });
}

/** Gives the engine the file again after "select this file again"; it must be the same file. */
export async function reselect(uploadId: string, file: File): Promise<void> {
  await send({ type: 'upload/reselect', uploadId, file });
}

/** Each part's state, in part order; undefined once the worker keeps no parts for the upload. */
export async function partStates(uploadId: string): Promise<PartCellState[] | undefined> {
  return (await send({ type: 'upload/parts', uploadId })).parts;
}

/** `afterPageCloses` is what the worker said in its hello: undefined until it has answered. */
export type UploadListener = (
  uploads: UploadView[],
  historyMore: boolean,
  afterPageCloses: AfterPageCloses | undefined,
) => void;

export interface UploadSubscription {
  /** Stops listening. */
  close(): void;
  /** Fetches the next page of older finished uploads; the listener hears the result. */
  loadOlder(): Promise<void>;
}

/**
 * Calls `listener` with every upload the page knows of — unfinished ones as each snapshot lists them,
 * finished ones newest first, one page of history to start with — whenever that changes. Saying
 * hello also resumes unfinished uploads, which is how they restart after a browser restart.
 */
export function subscribe(listener: UploadListener): UploadSubscription {
  const feed = new UploadFeed();
  const tell = () => listener(feed.views(), feed.historyMore, feed.afterPageCloses);
  const channel = new BroadcastChannel(UPLOAD_CHANNEL);
  channel.onmessage = (event: MessageEvent<UploadSnapshotMessage>) => {
    if (event.data?.type !== 'upload/snapshot') return;
    feed.snapshot(event.data);
    tell();
  };
  send({ type: 'upload/hello' }).then(
    (reply) => {
      feed.hello(reply);
      tell();
    },
    (error: unknown) => console.warn('[skylift] upload worker unavailable', error),
  );
  return {
    close: () => channel.close(),
    async loadOlder() {
      const before = feed.cursor();
      if (!before || !feed.historyMore) return;
      feed.page(await send({ type: 'upload/history', before }));
      tell();
    },
  };
}
