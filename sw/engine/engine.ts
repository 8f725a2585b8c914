// The upload engine: every upload the worker owns, from the page's hand-over to the object being
// complete in OSS. It decides what runs when (time budget, one run at a time, one sender per upload)
// and carries out pause/resume/abort/retry; upload-runner.ts does one upload's work.

import type { CredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import type { ObjectStatusLookup } from '../../lib/credentials/object-status.ts';
import { CredentialsError } from '../../lib/credentials/token-service-call.ts';
import { createOssClient, type OssClient } from '../../lib/oss-client/oss-client.ts';
import {
  ACTIVE_STATES,
  type EnqueueItem,
  HISTORY_PAGE_SIZE,
  type HistoryCursor,
  type PartCellState,
  type UploadCommand,
  type UploadSnapshotMessage,
  type UploadView,
} from '../../lib/protocol/messages.ts';
import { validateUploadOptions } from '../../lib/protocol/upload-options.ts';
import { clampParallel, planParts } from '../../lib/upload-plan/part-plan.ts';
import type { HistoryRecord, PartRecord, UploadRecord } from '../store/schema.ts';
import type { UploadStore } from '../store/upload-store.ts';
import { SkewClock } from './clock.ts';
import { isFileReadError } from './errors.ts';
import { fileFingerprint } from './file-fingerprint.ts';
import { HandedFiles } from './handed-files.ts';
import { abortInOss } from './initiated-uploads.ts';
import { LinkMeter } from './link-meter.ts';
import { historyView, LiveProgress } from './live-progress.ts';
import { cellState } from './part-cells.ts';
import { ProgressBroadcaster } from './progress-broadcaster.ts';
import { DEFAULT_RETRY_POLICY, decide, type RetryPolicy } from './retry-policy.ts';
import { SendSlots } from './send-slots.ts';
import { memoryLocks, type UploadLocks } from './upload-locks.ts';
import { type RunOutcome, runUpload } from './upload-runner.ts';
import { abortableSleep } from './with-retries.ts';

/** A sync event may last 3 minutes in Chromium; stop starting parts well before. */
export const DEFAULT_BUDGET_MS = 150_000;
/** How far back a worker's first snapshot looks for uploads a stopped worker finished unannounced. */
const CATCH_UP_MS = 60_000;
/** Room left on the device after queueing, so the browser does not start evicting. */
const STORAGE_HEADROOM_BYTES = 50 * 1024 * 1024;
/** Files read at once while queueing a batch (fingerprints, readability checks). */
const ENQUEUE_READS = 8;

/** Runs `task` for every item, at most `parallel` at once; rejects with the first failure. */
async function eachBounded<T>(
  items: readonly T[],
  parallel: number,
  task: (item: T, i: number) => Promise<void>,
) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await task(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
}

/** Which unfinished upload to start next: the one with the fewest bytes left, then the oldest. */
function startOrder(a: UploadRecord, b: UploadRecord): number {
  return a.size - a.bytesConfirmed - (b.size - b.bytesConfirmed) || a.createdAt - b.createdAt;
}

export interface EngineDeps {
  store: UploadStore;
  credentials: CredentialsProvider;
  /** Asks the token service how a stored object stands (after an answer from OSS was lost). */
  objectStatus: ObjectStatusLookup;
  fetch?: typeof fetch;
  now?: () => number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  online?: () => boolean;
  locks?: UploadLocks;
  /** navigator.storage in the worker; undefined skips the space check. */
  storage?: Pick<StorageManager, 'estimate'>;
  policy?: RetryPolicy;
  /** Where snapshots go (a BroadcastChannel in the worker). */
  post?: (message: UploadSnapshotMessage) => void;
  /** Asks for a run soon (registers a Background Sync, or runs directly where there is none). */
  requestRun?: () => void;
  newId?: () => string;
  /** How long a handed-over file waits for its upload to start before it is copied anyway (handed-files.ts). */
  copyDelayMs?: number;
}

export interface RunResult {
  /** Uploads that still have work: the caller should arrange another run. */
  workRemains: boolean;
  /** Some upload waits for the network. */
  waitingForNetwork: boolean;
}

/** A refusal the user can act on (not enough space, wrong file, bad options). */
export class EnqueueError extends Error {
  override name = 'EnqueueError';
}

export class UploadEngine {
  readonly client: OssClient;
  readonly clock: SkewClock;
  /** Requests in flight, shared by every upload the engine runs at once. */
  readonly slots = new SendSlots(clampParallel(undefined));
  private readonly link: LinkMeter;
  private readonly handed = new HandedFiles();
  /** Tells a pass under way that there is new work (a batch queued, an upload resumed). */
  private wakePass: (() => void) | undefined;
  private readonly live: LiveProgress;
  private readonly broadcaster: ProgressBroadcaster;
  private readonly locks: UploadLocks;
  private readonly now: () => number;
  private readonly controllers = new Map<string, AbortController>();
  private readonly runs = new Map<string, Promise<RunOutcome | undefined>>();
  private current: Promise<RunResult> | undefined;
  /** Uploads this engine finished since the last snapshot. */
  private readonly finishedSinceSnapshot: HistoryRecord[] = [];
  /** The first snapshot also reaches back for uploads a stopped worker finished but never announced. */
  private catchUpSince: number | undefined;
  /** Set when a new worker version takes over; this engine starts nothing after that. */
  private draining = false;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
    this.clock = new SkewClock(this.now);
    this.link = new LinkMeter(this.now);
    const send = deps.fetch ?? globalThis.fetch.bind(globalThis);
    // Requests without a file body tell what a request costs beyond its bytes (part-sizer.ts).
    const timedFetch: typeof fetch = async (input, init) => {
      const started = this.now();
      const response = await send(input, init);
      if (!(init?.body instanceof Blob)) this.link.requestTimed(this.now() - started);
      return response;
    };
    this.client = createOssClient({ credentials: deps.credentials, fetch: timedFetch, now: this.clock.now });
    this.live = new LiveProgress(this.now);
    this.locks = deps.locks ?? memoryLocks();
    this.catchUpSince = this.now() - CATCH_UP_MS;
    this.broadcaster = new ProgressBroadcaster(
      () => this.snapshot(),
      (message) => deps.post?.(message),
      this.now,
    );
  }

  changed(): void {
    this.broadcaster.changed();
  }

  /**
   * There is work to take up (uploads queued, resumed, or given back by the Background Fetch
   * transport): the pass under way takes it up now, and a run is asked for in case none is under way
   * or it is ending.
   */
  wake(): void {
    this.changed();
    this.wakePass?.();
    this.deps.requestRun?.();
  }

  /** Every unfinished upload, oldest first. */
  async views(): Promise<UploadView[]> {
    return (await this.deps.store.list()).map((u) => this.live.view(u));
  }

  /** Each part's state for the part map; undefined when no parts are kept for the upload. */
  async partStates(id: string): Promise<PartCellState[] | undefined> {
    const [upload, parts] = await Promise.all([this.deps.store.get(id), this.deps.store.parts(id)]);
    if (!upload || parts.length === 0) return undefined;
    const now = this.now();
    // Parts not cut yet (they are cut as they are sent) show as pending, as many as estimated.
    const uncut = Math.max(0, upload.partCount - parts.length);
    return [
      ...parts.map((part) => cellState(part, upload.state, now)),
      ...Array<PartCellState>(uncut).fill('pending'),
    ];
  }

  /** A page of finished uploads, newest first, older than `before` when given. */
  async history(before?: HistoryCursor): Promise<{ history: UploadView[]; historyMore: boolean }> {
    const { records, more } = await this.deps.store.history(HISTORY_PAGE_SIZE, before);
    return { history: records.map(historyView), historyMore: more };
  }

  /**
   * What pages are told ten times a second: the unfinished uploads, and the ones finished since the
   * last snapshot — never the whole history. (Pages merge by id, so a repeat is harmless.)
   */
  private async snapshot(): Promise<Omit<UploadSnapshotMessage, 'type'>> {
    const finished = this.finishedSinceSnapshot.splice(0);
    const since = this.catchUpSince;
    this.catchUpSince = undefined;
    const [uploads, earlier] = await Promise.all([
      this.views(),
      since === undefined ? [] : this.deps.store.finishedSince(since),
    ]);
    return { uploads, finished: [...earlier, ...finished].map(historyView) };
  }

  /** An upload left the engine's hands (done or aborted): the next snapshot says so. */
  private finished(record: HistoryRecord): void {
    // The store deleted its copy of the file in the same transaction (after the copy's own put, if
    // it had started: IndexedDB runs transactions on the same store in the order they were made).
    this.handed.forget(record.id);
    this.finishedSinceSnapshot.push(record);
    this.changed();
  }

  /**
   * Queues a batch: its records are written at once (all or none) and the run asked for; each file is
   * copied into IndexedDB beside the upload (handed-files.ts), which meanwhile sends from the File
   * itself. Refuses the whole batch if it cannot fit or a file cannot be read.
   */
  async enqueue(items: readonly EnqueueItem[]): Promise<string[]> {
    // The first request will need a token: ask for it now, beside the checks below (the provider
    // keeps one request in flight and caches the answer; a failure shows up where it is used).
    this.deps.credentials.get().catch(() => undefined);
    const planned = items.map(({ file, options }) => {
      const problems = validateUploadOptions(options);
      if (problems.length > 0) throw new EnqueueError(`${file.name}: ${problems.join(' ')}`);
      try {
        return { file, options, plan: planParts(file.size, options.partSize) };
      } catch (error) {
        throw new EnqueueError(`${file.name}: ${(error as Error).message}`);
      }
    });
    await this.checkSpace(items.reduce((sum, item) => sum + item.file.size, 0));
    // A fingerprint guards multipart uploads against a file rewritten between parts; a PutObject
    // sends the file in one verified request, so there is nothing to mix (its read check suffices).
    const fingerprints: (string | undefined)[] = [];
    await eachBounded(planned, ENQUEUE_READS, async ({ file, plan }, i) => {
      await this.checkReadable(file);
      if (plan.method === 'multipart') fingerprints[i] = await fileFingerprint(file);
    });
    const now = this.now();
    const uploads = planned.map(
      ({ file, options, plan }, index): UploadRecord => ({
        id: this.deps.newId?.() ?? crypto.randomUUID(),
        key: options.key,
        fileName: file.name,
        size: file.size,
        lastModified: file.lastModified,
        mime: options.mime || file.type || 'application/octet-stream',
        fingerprint: fingerprints[index],
        options,
        method: plan.method,
        partSize: plan.partSize,
        partCount: plan.partCount,
        // Parts are cut as they are sent: auto-sized to the link unless a size was asked for.
        ...(plan.method === 'multipart'
          ? { plannedBytes: 0, plannedParts: 0, adaptive: options.partSize === undefined }
          : {}),
        parallel: clampParallel(options.parallel),
        state: 'queued',
        bytesConfirmed: 0,
        partsDone: 0,
        // Ordered within the batch, so that oldest-first keeps the order the files were chosen in.
        createdAt: now + index / 1000,
        updatedAt: now,
      }),
    );
    await this.deps.store.createAll(uploads);
    uploads.forEach((upload, i) => {
      const { file } = planned[i]!;
      this.handed.hold(
        upload.id,
        file,
        () => this.deps.store.putFile(upload.id, file),
        this.deps.copyDelayMs,
      );
    });
    this.wake();
    return uploads.map((u) => u.id);
  }

  /**
   * Settles once each of these uploads' copies into IndexedDB has committed or failed (or will never
   * be made); the uploads do not wait for it.
   */
  async copiesSettled(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.handed.get(id)?.stored));
  }

  /** A file changed or removed on disk since it was chosen cannot be read: it must be chosen again. */
  private async checkReadable(file: File): Promise<void> {
    try {
      await file.slice(0, 1).arrayBuffer();
    } catch (error) {
      if (!isFileReadError(error)) throw error;
      throw new EnqueueError(
        `${file.name} changed or was removed on disk after it was chosen, so it cannot be read. Select this file again.`,
      );
    }
  }

  private async checkSpace(bytes: number): Promise<void> {
    if (!this.deps.storage || bytes === 0) return;
    const { quota, usage } = await this.deps.storage.estimate();
    if (quota === undefined) return;
    const free = quota - (usage ?? 0);
    if (bytes + STORAGE_HEADROOM_BYTES > free) {
      const mb = (n: number) => `${Math.max(0, Math.floor(n / 1_000_000))} MB`;
      throw new EnqueueError(
        `Not enough storage to queue ${mb(bytes)}: the browser allows this app ${mb(free)} more. ` +
          'Free disk space, or queue fewer or smaller files.',
      );
    }
  }

  /**
   * Works on unfinished uploads, oldest first, until none is left or the budget is spent. Runs never
   * overlap: a second caller waits for the first, then does what is left within its own budget.
   */
  async run({ budgetMs = DEFAULT_BUDGET_MS }: { budgetMs?: number } = {}): Promise<RunResult> {
    const budgetEnd = this.now() + budgetMs;
    // Once draining, nothing new starts: the deadline is already past.
    const deadline = () => (this.draining ? Number.NEGATIVE_INFINITY : budgetEnd);
    while (this.current) await this.current.catch(() => undefined);
    this.current = this.runPass(deadline);
    try {
      return await this.current;
    } finally {
      this.current = undefined;
    }
  }

  /**
   * Runs several uploads at once, all sharing the engine's send budget (send-slots.ts): enough of
   * them that the budget is kept busy while others do the work around their requests. Uploads with
   * the fewest bytes left start first. New work (a batch queued, an upload resumed) joins the pass
   * under way rather than waiting for it to end.
   */
  private async runPass(deadline: () => number): Promise<RunResult> {
    if (!this.draining) await this.cleanUp();
    const tried = new Set<string>();
    const running = new Map<string, Promise<void>>();
    let queue: UploadRecord[] = [];
    let stale = true;
    let waitingForNetwork = false;
    let blocked = false;
    let budgetSpent = false;
    let woken: () => void = () => {};
    this.wakePass = () => {
      stale = true;
      tried.clear();
      woken();
    };
    const start = (upload: UploadRecord) => {
      tried.add(upload.id);
      const run = this.runOne(upload, deadline).then((outcome) => {
        if (outcome === undefined) blocked = true;
        if (outcome === 'waiting-for-network') waitingForNetwork = true;
        if (outcome === 'budget-spent') budgetSpent = true;
        running.delete(upload.id);
      });
      running.set(upload.id, run);
    };
    try {
      for (;;) {
        const open = !budgetSpent && this.now() < deadline();
        if (open && stale) {
          stale = false;
          const active = await this.deps.store.listActive();
          // One budget for all: as large as the largest any unfinished upload asks for (default 6).
          if (active.length > 0) this.slots.resize(Math.max(...active.map((u) => u.parallel)));
          queue = active.filter((u) => !tried.has(u.id) && !running.has(u.id)).sort(startOrder);
        }
        const concurrent = Math.max(2, 2 * this.slots.capacity);
        while (open && running.size < concurrent && queue.length > 0) start(queue.shift()!);
        if (running.size === 0 && !(open && stale)) break;
        const wake = new Promise<void>((resolve) => {
          woken = resolve;
        });
        await Promise.race([...running.values(), wake]);
      }
    } finally {
      this.wakePass = undefined;
    }
    const [active, cleanups] = await Promise.all([this.deps.store.listActive(), this.deps.store.cleanups()]);
    return { workRemains: active.length > 0 || cleanups.length > 0 || blocked, waitingForNetwork };
  }

  /** One upload under its lock; undefined when another context holds the lock. */
  private async runOne(upload: UploadRecord, deadline: () => number): Promise<RunOutcome | undefined> {
    const controller = new AbortController();
    this.controllers.set(upload.id, controller);
    const run = this.locks
      .ifAvailable(`skylift-upload:${upload.id}`, async () => {
        // Re-read under the lock: the previous holder may have moved it on.
        const fresh = await this.deps.store.get(upload.id);
        if (!fresh || !ACTIVE_STATES.includes(fresh.state)) return 'interrupted' as const;
        return runUpload(
          {
            store: this.deps.store,
            client: this.client,
            slots: this.slots,
            link: this.link,
            handed: this.handed,
            objectStatus: this.deps.objectStatus,
            finished: (record) => this.finished(record),
            live: this.live,
            now: this.now,
            changed: () => this.changed(),
            retry: {
              policy: this.deps.policy ?? DEFAULT_RETRY_POLICY,
              clock: this.clock,
              online: this.deps.online ?? (() => true),
              random: this.deps.random ?? Math.random,
              sleep: this.deps.sleep ?? abortableSleep,
            },
          },
          fresh,
          { deadline, signal: controller.signal },
        );
      })
      .then((r) => (r.acquired ? r.value : undefined));
    this.runs.set(upload.id, run);
    try {
      return await run;
    } finally {
      this.runs.delete(upload.id);
      this.controllers.delete(upload.id);
      this.changed();
    }
  }

  /**
   * Hands over to a new version of the worker: no part starts from now on, parts in flight finish
   * and are recorded, then this resolves. The new worker resumes from the stored state.
   */
  async drain(): Promise<void> {
    this.draining = true;
    while (this.current) await this.current.catch(() => undefined);
  }

  /** Whether drain() was called: what is left belongs to the new worker version. */
  get drained(): boolean {
    return this.draining;
  }

  /** Stops the upload's run, if any, and waits until it has let go (also when another transport takes over). */
  async interrupt(id: string): Promise<void> {
    this.controllers.get(id)?.abort(new DOMException('Stopped by a command', 'AbortError'));
    await this.runs.get(id)?.catch(() => undefined);
  }

  async command(id: string, command: UploadCommand): Promise<void> {
    const upload = await this.deps.store.get(id);
    if (!upload) throw new EnqueueError('That upload is already finished.');
    switch (command) {
      case 'pause':
        if (!ACTIVE_STATES.includes(upload.state)) return;
        await this.deps.store.update(id, { state: 'paused' });
        await this.interrupt(id);
        break;
      case 'resume':
        if (upload.state !== 'paused') return;
        await this.deps.store.update(id, { state: 'queued' });
        this.wake();
        return;
      case 'retry':
        await this.retry(upload);
        this.wake();
        return;
      case 'abort':
        await this.abort(upload);
        break;
    }
    this.changed();
  }

  /** A failed upload starts again where it stood; one whose OSS upload vanished starts from scratch. */
  private async retry(upload: UploadRecord): Promise<void> {
    if (upload.state === 'done' || upload.state === 'aborted') return;
    await this.interrupt(upload.id);
    const restart = upload.problem?.code === 'NoSuchUpload';
    const parts = (await this.deps.store.parts(upload.id))
      .filter((p) => restart || p.state !== 'done')
      .map(
        (p): PartRecord => ({
          ...p,
          state: 'pending',
          attempts: 0,
          nextTryAt: 0,
          etag: restart ? undefined : p.etag,
          crc64: restart ? undefined : p.crc64,
        }),
      );
    await this.deps.store.saveParts(upload.id, parts, {
      state: 'queued',
      problem: undefined,
      ...(restart ? { uploadId: undefined, initiateStartedAt: undefined } : {}),
    });
  }

  /**
   * Aborted here at once; OSS is told now, or by a later run if it cannot be reached — the cleanup
   * record outlives the upload until OSS confirms, so no multipart upload is left behind (also one
   * an Initiate in flight may have created).
   */
  private async abort(upload: UploadRecord): Promise<void> {
    await this.deps.store.update(upload.id, { state: 'aborted' });
    await this.interrupt(upload.id);
    const last = (await this.deps.store.get(upload.id)) ?? upload;
    const inOss = last.uploadId !== undefined || last.initiateStartedAt !== undefined;
    this.handed.finishing(upload.id);
    const record = await this.deps.store.finish(
      upload.id,
      {
        id: upload.id,
        key: upload.key,
        fileName: upload.fileName,
        size: upload.size,
        lastModified: upload.lastModified,
        state: 'aborted',
        createdAt: upload.createdAt,
      },
      inOss
        ? { id: upload.id, key: upload.key, uploadId: last.uploadId, initiatedSince: last.initiateStartedAt }
        : undefined,
    );
    this.live.forget(upload.id);
    this.finished(record);
    // Also with nothing initiated: cleanups that waited for this upload (e.g. Background Fetch's
    // temporaries, handed over before any Initiate) are due now, and no run may come soon.
    await this.cleanUp();
  }

  /** Tells OSS about aborts it has not confirmed yet; what fails for want of a network waits for the next run. */
  private async cleanUp(): Promise<void> {
    const cleanups = await this.deps.store.cleanups();
    if (cleanups.length === 0) return;
    const others = new Set((await this.deps.store.list()).flatMap((u) => (u.uploadId ? [u.uploadId] : [])));
    for (const cleanup of cleanups) {
      try {
        await abortInOss(this.client, cleanup, others);
        await this.deps.store.cleanedUp(cleanup.id);
      } catch (error) {
        const decision = decide(error, {
          attempt: 1,
          online: this.deps.online?.() ?? true,
          random: Math.random,
          key: cleanup.key,
        });
        // Only OSS's answer that will not change (e.g. AccessDenied) gives up, and the lifecycle rule then
        // cleans up; a token service that refuses for now (signed out) is asked again by a later run.
        const final = decision.kind === 'fatal' && !(error instanceof CredentialsError);
        if (final) await this.deps.store.cleanedUp(cleanup.id);
      }
    }
  }

  /** The user picked the file again after "select this file again": it must be the same file. */
  async reselect(id: string, file: File): Promise<void> {
    const upload = await this.deps.store.get(id);
    if (!upload) throw new EnqueueError('That upload is already finished.');
    if (
      file.name !== upload.fileName ||
      file.size !== upload.size ||
      file.lastModified !== upload.lastModified
    ) {
      throw new EnqueueError(
        `That is not the same file: expected "${upload.fileName}", ${upload.size} bytes, modified ${new Date(upload.lastModified).toISOString()}.`,
      );
    }
    await this.interrupt(id);
    this.handed.forget(id);
    const fingerprint = await fileFingerprint(file);
    await this.deps.store.replaceFile(id, file, fingerprint);
    if (fingerprint !== upload.fingerprint) {
      // New content under the same name, size and date: what OSS already has is checked part by
      // part against it when the upload resumes (reconcile adopts only parts whose CRC64 matches).
      const parts = (await this.deps.store.parts(id)).map(
        (p): PartRecord => ({
          ...p,
          state: 'pending',
          attempts: 0,
          nextTryAt: 0,
          etag: undefined,
          crc64: undefined,
        }),
      );
      await this.deps.store.saveParts(id, parts);
    }
    this.wake();
  }

  /** Stops pending broadcasts and copies not started (tests close the database after this). */
  dispose(): void {
    this.broadcaster.stop();
    this.handed.forgetAll();
  }

  /** Sends a snapshot to every page now (a page just opened). */
  broadcastNow(): Promise<void> {
    return this.broadcaster.flush();
  }
}
