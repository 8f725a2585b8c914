// One upload's lifecycle, from wherever its records say it stands:
//   PutObject (small files) | Initiate → reconcile with ListParts → parts in parallel → Complete.
// Every state change is written before the request it announces, so a worker stopped at any
// point resumes from the records, and the reconcile step squares them with OSS.

import type { ObjectStatusLookup } from '../../lib/credentials/object-status.ts';
import { crc64Combine } from '../../lib/oss/crc64.ts';
import { unquoteEtag } from '../../lib/oss/etag.ts';
import { OssNetworkError, OssRequestError } from '../../lib/oss-client/errors.ts';
import type { ListedPart, OssClient, StoredObject } from '../../lib/oss-client/oss-client.ts';
import { ACTIVE_STATES, type UploadProblem, type UploadResult } from '../../lib/protocol/messages.ts';
import { sendPartBody } from '../background-fetch/part-body.ts';
import type { HistoryRecord, PartRecord, UploadRecord } from '../store/schema.ts';
import type { UploadStore } from '../store/upload-store.ts';
import { crc64OfBlob, md5HexOfBlob } from './blob-checksums.ts';
import {
  CrcMismatchError,
  FileChangedError,
  FileUnreadableError,
  isAbortError,
  isFileReadError,
} from './errors.ts';
import { fileFingerprint } from './file-fingerprint.ts';
import type { HandedFiles } from './handed-files.ts';
import { replayedInitiates, uploadsInitiatedSince } from './initiated-uploads.ts';
import type { LinkMeter } from './link-meter.ts';
import type { LiveProgress } from './live-progress.ts';
import { completeHeaders, initiateHeaders, putObjectHeaders } from './object-headers.ts';
import { nextPartSize } from './part-sizer.ts';
import { decide, type RetryDecision } from './retry-policy.ts';
import type { SendSlots } from './send-slots.ts';
import { BudgetSpent, type RetryEnvironment, StopUpload, withRetries } from './with-retries.ts';

/** How a run ended. Only `budget-spent` and `interrupted` leave work for a later run. */
export type RunOutcome =
  | 'done'
  | 'budget-spent'
  | 'interrupted'
  | 'waiting-for-network'
  | 'needs-file'
  | 'failed';

export interface RunnerContext {
  store: UploadStore;
  client: OssClient;
  /** The engine's budget of requests in flight, shared with the uploads running beside this one. */
  slots: SendSlots;
  /** Throughput and request overhead, for sizing parts cut from here on. */
  link: LinkMeter;
  /** Files handed over in this worker's lifetime, sendable before their stored copy commits. */
  handed: HandedFiles;
  /** The token service's look at a stored object (upload tokens cannot read objects). */
  objectStatus: ObjectStatusLookup;
  /** The upload is done: its history record, for pages to hear of. */
  finished: (record: HistoryRecord) => void;
  live: LiveProgress;
  /** The retry environment minus what the runner sets per call (key, signal, attempts, hooks). */
  retry: Omit<RetryEnvironment, 'key' | 'signal' | 'mayStart' | 'firstAttempt' | 'onRetry'>;
  now: () => number;
  /** Something changed that pages should see. */
  changed: () => void;
}

export interface RunOptions {
  /**
   * No new part starts after this time (ms); parts already in flight finish. A function, because a
   * drain (a new worker taking over) moves it to "now" while the run is under way.
   */
  deadline: () => number;
  /** Pause/abort commands cut the run short through this. */
  signal: AbortSignal;
}

const sameEtag = (a: string, b: string) => unquoteEtag(a).toUpperCase() === unquoteEtag(b).toUpperCase();

export async function runUpload(
  ctx: RunnerContext,
  initial: UploadRecord,
  options: RunOptions,
): Promise<RunOutcome> {
  return new UploadRun(ctx, initial, options).run();
}

class UploadRun {
  private upload: UploadRecord;
  private file: Blob | undefined;
  /** Coming back from the network wait starts every part's attempt count afresh. */
  private readonly afterNetworkWait: boolean;

  constructor(
    private readonly ctx: RunnerContext,
    initial: UploadRecord,
    private readonly options: RunOptions,
  ) {
    this.upload = initial;
    this.afterNetworkWait = initial.state === 'waiting-for-network';
  }

  async run(): Promise<RunOutcome> {
    try {
      this.file = await this.readableFile();
      if (this.upload.method === 'put') return await this.putObject();
      return await this.multipart();
    } catch (error) {
      if (isAbortError(error) || this.options.signal.aborted) return 'interrupted';
      if (error instanceof BudgetSpent) return 'budget-spent';
      if (error instanceof StopUpload) return this.stop(error);

      if (isFileReadError(error) || error instanceof FileChangedError) {
        // The retry policy words it; a file problem is never retried, so the attempt count is moot.
        const decision = decide(error, {
          attempt: 1,
          online: true,
          random: Math.random,
          key: this.upload.key,
        });
        if (decision.kind === 'needs-file') return this.stop(new StopUpload(decision));
      }
      throw error;
    }
  }

  private retryEnv(extra: Partial<RetryEnvironment> = {}): RetryEnvironment {
    return { ...this.ctx.retry, key: this.upload.key, signal: this.options.signal, ...extra };
  }

  private async save(change: Partial<UploadRecord>): Promise<void> {
    const interrupted = () => new DOMException('Interrupted', 'AbortError');
    if (this.options.signal.aborted) throw interrupted();
    // A pause or abort command may have been written meanwhile; the runner never overrides it.
    let overridden = false;
    const next = await this.ctx.store.update(this.upload.id, (current) => {
      overridden = !ACTIVE_STATES.includes(current.state);
      return overridden ? {} : change;
    });
    if (!next || overridden) throw interrupted();
    this.upload = next;
    this.ctx.changed();
  }

  /**
   * Records why the upload stopped. A pause or abort written meanwhile wins (save refuses to override
   * it): then the run simply ends interrupted.
   */
  private async stop(stop: StopUpload): Promise<RunOutcome> {
    const { decision } = stop;
    const state =
      decision.kind === 'fatal'
        ? 'failed'
        : decision.kind === 'wait-for-network'
          ? 'waiting-for-network'
          : 'needs-file';
    try {
      await this.save({ state, problem: decision.problem });
    } catch (error) {
      if (isAbortError(error)) return 'interrupted';
      throw error;
    }
    return state;
  }

  /**
   * The file to send: the File handed over in this worker's lifetime until its copy is stored (then
   * the copy, so later changes on disk do not matter), else the stored copy, checked to be the file
   * we planned for, still readable and unchanged.
   */
  private async readableFile(): Promise<Blob> {
    const handed = this.ctx.handed.get(this.upload.id);
    if (handed) {
      // Fingerprinted when it was handed over, moments ago: read, not re-checked.
      void handed.stored
        .then(async (stored) => {
          const copy = stored ? await this.ctx.store.getFile(this.upload.id) : undefined;
          if (copy?.size === this.upload.size) this.file = copy;
        })
        .catch(() => undefined); // no copy to switch to: the File it is
      return handed.file;
    }
    const file = await this.ctx.store.getFile(this.upload.id);
    if (!file || file.size !== this.upload.size)
      throw new FileUnreadableError('The stored file is missing or changed size');
    // Reading one byte surfaces NotReadableError now rather than in the middle of a part.
    if (file.size > 0) await file.slice(0, 1).arrayBuffer();
    await this.checkUnchanged(file);
    return file;
  }

  /** The sampled bytes still read as they did when the file was chosen (file-fingerprint.ts). */
  private async checkUnchanged(file: Blob): Promise<void> {
    const { fingerprint } = this.upload;
    if (fingerprint !== undefined && (await fileFingerprint(file)) !== fingerprint) {
      throw new FileChangedError('The sampled bytes of the file differ from when it was chosen');
    }
  }

  // --- small files ---------------------------------------------------------------------------------

  private async putObject(): Promise<RunOutcome> {
    const file = this.file!;
    const { options, mime, key } = this.upload;
    await this.save({ state: 'uploading', problem: undefined });
    let stored: StoredObject;
    try {
      stored = await withRetries(
        async () => {
          // (A file sent whole is often done before its copy would be: the copy waits its delay.)
          const release = await this.ctx.slots.acquire(file.size, this.options.signal);
          this.ctx.live.partStarted(this.upload.id, 1, file.size);
          try {
            const { result } = await this.sendVerified(file, 'the object', () =>
              this.ctx.client.putObject(key, file, putObjectHeaders(options, mime), this.options.signal),
            );
            this.ctx.slots.succeeded();
            return result;
          } finally {
            this.ctx.live.partEnded(this.upload.id, 1);
            release();
          }
        },
        this.retryEnv({ onRetry: (decision) => this.slowDown(decision) }),
      );
    } catch (error) {
      // With overwriting forbidden, a PutObject whose answer was lost is refused when sent again,
      // because the first one created the object: if that object is this file, the upload is done.
      if (this.isOssError(error, 'FileAlreadyExists')) {
        const adopted = await this.adoptStoredObject(await crc64OfBlob(file));
        if (adopted) return adopted;
      }
      throw error;
    }
    return this.finishDone(stored);
  }

  /**
   * Sends `body` and checks what OSS stored against it: the CRC64 is computed here from a second read
   * of the same bytes while fetch streams the first, and must equal the one OSS answers with. A file
   * that became unreadable shows up in fetch as a plain network error; the CRC read says why.
   */
  private async sendVerified<T extends { crc64: string }>(
    body: Blob,
    what: string,
    send: () => Promise<T>,
  ): Promise<{ result: T; crc: bigint }> {
    const localCrc = crc64OfBlob(body);
    localCrc.catch(() => undefined);
    const result = await send().catch(async (error: unknown) => {
      const readError = await localCrc.then(
        () => undefined,
        (e: unknown) => e,
      );
      throw isFileReadError(readError) ? readError : error;
    });
    const crc = await localCrc;
    if (BigInt(result.crc64) !== crc) {
      throw new CrcMismatchError(
        `${what}: OSS computed CRC64 ${result.crc64}, this device ${crc}; sending it again.`,
      );
    }
    return { result, crc };
  }

  // --- multipart -----------------------------------------------------------------------------------

  private async multipart(): Promise<RunOutcome> {
    const { options, mime } = this.upload;
    if (this.upload.state !== 'completing') await this.save({ state: 'uploading', problem: undefined });
    if (!this.upload.uploadId) {
      await this.save({ uploadId: await this.initiate(initiateHeaders(options, mime)) });
    } else {
      const outcome = await this.reconcile();
      if (outcome) return outcome;
    }
    if (this.upload.state !== 'completing') {
      const outcome = await this.sendParts();
      if (outcome) return outcome;
    }
    return this.complete();
  }

  /**
   * InitiateMultipartUpload, at most once in effect: its start time is written before it goes out, and
   * any later attempt (a retry after no answer, a resumed or restarted run) first looks for an upload
   * an earlier attempt created, so a lost answer never leaves a second upload behind.
   */
  private async initiate(headers: Record<string, string>): Promise<string> {
    const { key } = this.upload;
    const earlierAttempt = this.upload.initiateStartedAt !== undefined;
    if (!earlierAttempt) await this.save({ initiateStartedAt: this.ctx.retry.clock.now() });
    return withRetries(async (attempt) => {
      if (earlierAttempt || attempt > 1) {
        const found = await this.adoptInitiated();
        if (found) return found;
      }
      const sentAt = this.ctx.now();
      const uploadId = await this.ctx.client.initiateMultipartUpload(key, headers);
      // An answer does not prove the request went out once: abort what a replay of it created.
      const replayed = await replayedInitiates(
        this.ctx.client,
        key,
        uploadId,
        this.ctx.now() - sentAt,
        await this.ownedElsewhere(),
      );
      for (const extra of replayed) await this.ctx.client.abortMultipartUpload(key, extra.uploadId);
      return uploadId;
    }, this.retryEnv());
  }

  /** Multipart uploads other uploads of this browser own (they may be of the same key). */
  private async ownedElsewhere(): Promise<Set<string>> {
    return new Set((await this.ctx.store.list()).flatMap((u) => (u.uploadId ? [u.uploadId] : [])));
  }

  /**
   * The newest multipart upload of this key initiated since our first attempt (allowing for clock
   * skew); any older ones of that window are ours too, from earlier lost answers, and are aborted.
   */
  private async adoptInitiated(): Promise<string | undefined> {
    const { key } = this.upload;
    const others = await this.ownedElsewhere();
    const ours = await uploadsInitiatedSince(this.ctx.client, key, this.upload.initiateStartedAt!, others);
    for (const extra of ours.slice(1)) await this.ctx.client.abortMultipartUpload(key, extra.uploadId);
    return ours[0]?.uploadId;
  }

  /**
   * Squares the part records with ListParts: a part counts as sent only if OSS lists it with the
   * exact size and matching ETag (and CRC); a part OSS has but we never recorded (the worker stopped
   * between OSS's answer and our write) is adopted after checking its checksum against the file.
   */
  private async reconcile(): Promise<RunOutcome | undefined> {
    let listed: ListedPart[];
    try {
      listed = await withRetries(
        () => this.ctx.client.listParts(this.upload.key, this.upload.uploadId!),
        this.retryEnv(),
      );
    } catch (error) {
      if (this.isOssError(error, 'NoSuchUpload') && this.upload.state === 'completing')
        return this.adoptCompletedObject(error);
      throw error;
    }
    const byNumber = new Map(listed.map((p) => [p.partNumber, p]));
    const parts = await this.ctx.store.parts(this.upload.id);
    const changed: PartRecord[] = [];
    for (const part of parts) {
      const remote = byNumber.get(part.partNumber);
      const matches = remote !== undefined && remote.size === part.size;
      if (part.state === 'done') {
        if (!matches || !sameEtag(remote.etag, part.etag ?? ''))
          changed.push({ ...part, state: 'pending', etag: undefined, crc64: undefined });
        continue;
      }
      const adoptedCrc = matches ? await this.verifiedCrc(part, remote) : undefined;
      if (adoptedCrc !== undefined) {
        changed.push({
          ...part,
          state: 'done',
          etag: remote!.etag,
          crc64: adoptedCrc.toString(),
          nextTryAt: 0,
          lastError: undefined,
        });
      } else if (part.state === 'sending' || (this.afterNetworkWait && part.attempts > 0)) {
        changed.push({ ...part, state: 'pending', attempts: this.afterNetworkWait ? 0 : part.attempts });
      }
    }
    const back = this.upload.state === 'completing' && changed.some((p) => p.state !== 'done');
    await this.ctx.store.saveParts(this.upload.id, changed, back ? { state: 'uploading' } : {});
    this.upload = (await this.ctx.store.get(this.upload.id)) ?? this.upload;
    this.ctx.changed();
    return undefined;
  }

  /**
   * The slice's CRC64 when the part OSS lists is this slice (its CRC64, or where OSS lists none its
   * MD5 ETag, matches the file); undefined otherwise.
   */
  private async verifiedCrc(part: PartRecord, remote: ListedPart): Promise<bigint | undefined> {
    const crc = await crc64OfBlob(this.slice(part));
    const same =
      remote.crc64 !== undefined
        ? BigInt(remote.crc64) === crc
        : sameEtag(remote.etag, await md5HexOfBlob(this.slice(part)));
    return same ? crc : undefined;
  }

  private slice(part: PartRecord): Blob {
    return this.file!.slice(part.offset, part.offset + part.size);
  }

  /** OSS asked to slow down (503 SlowDown): the engine keeps fewer requests in flight for a while. */
  private slowDown(decision: RetryDecision): void {
    if (decision.problem.code === 'SlowDown') this.ctx.slots.backOff();
  }

  /** Bytes not yet cut into parts (parts are cut as they are sent). */
  private uncut(): number {
    return this.upload.size - (this.upload.plannedBytes ?? this.upload.size);
  }

  /** Every byte is in a part and every part is confirmed. */
  private allPartsDone(): boolean {
    return this.uncut() === 0 && this.upload.partsDone >= (this.upload.plannedParts ?? this.upload.partCount);
  }

  /**
   * Sends every part not yet done and cuts and sends the rest, up to `parallel` at a time, each
   * request within the engine's shared budget. Undefined when all are done.
   */
  private async sendParts(): Promise<RunOutcome | undefined> {
    const queue = (await this.ctx.store.parts(this.upload.id)).filter((p) => p.state !== 'done');
    const inner = new AbortController();
    const onOuterAbort = () => inner.abort(this.options.signal.reason);
    this.options.signal.addEventListener('abort', onOuterAbort, { once: true });
    let stop: StopUpload | undefined;
    let budgetSpent = false;
    const worker = async () => {
      while (!stop && !inner.signal.aborted) {
        if (this.ctx.now() >= this.options.deadline()) {
          budgetSpent = true;
          return;
        }
        const part = queue.shift();
        if (!part && this.uncut() === 0) return;
        try {
          await this.sendPart(part, inner.signal);
        } catch (error) {
          if (error instanceof BudgetSpent) {
            budgetSpent = true;
            return;
          }
          if (isAbortError(error) || inner.signal.aborted) return;
          stop ??= error instanceof StopUpload ? error : undefined;
          if (!stop) throw error;
          // A fatal error makes the other parts pointless; network and file trouble let them finish.
          if (stop.decision.kind === 'fatal') inner.abort(stop);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: this.upload.parallel }, worker));
    } finally {
      this.options.signal.removeEventListener('abort', onOuterAbort);
    }
    if (this.options.signal.aborted) return 'interrupted';
    if (stop) throw stop;
    this.upload = (await this.ctx.store.get(this.upload.id)) ?? this.upload;
    if (!this.allPartsDone()) return budgetSpent ? 'budget-spent' : 'interrupted';
    return undefined;
  }

  /**
   * Cuts the next part off the bytes not yet planned and records it as sending: of the size the person
   * chose, or one sized to the link (part-sizer.ts). Undefined when another lane took the rest.
   */
  private async cut(): Promise<PartRecord | undefined> {
    const u = this.upload;
    const wanted = u.adaptive
      ? nextPartSize({
          now: this.ctx.now(),
          initial: u.partSize,
          remaining: this.uncut(),
          lanes: this.ctx.slots.capacity,
          inFlight: this.ctx.link.inFlight(),
          throughput: this.ctx.link.throughput(),
          overheadMs: this.ctx.link.overheadMs(),
        })
      : u.partSize;
    const part = await this.ctx.store.cutPart(u.id, wanted);
    if (part) {
      this.upload = {
        ...this.upload,
        plannedBytes: Math.max(this.upload.plannedBytes ?? 0, part.offset + part.size),
        plannedParts: Math.max(this.upload.plannedParts ?? 0, part.partNumber),
      };
    }
    return part;
  }

  /** Sends `queued`, or a part cut now when there is none; each attempt holds a slot of the budget. */
  private async sendPart(queued: PartRecord | undefined, signal: AbortSignal): Promise<void> {
    const { id, key, uploadId } = this.upload;
    let part = queued;
    if (part && part.nextTryAt > this.ctx.now()) {
      if (part.nextTryAt > this.options.deadline()) throw new BudgetSpent('Next try is after the budget');
      await this.ctx.retry.sleep(part.nextTryAt - this.ctx.now(), signal);
    }
    // Set when an attempt failed without an answer: OSS may have stored the part all the same.
    let fateUnknown = false;
    const confirm = async (done: PartRecord, etag: string, crc: bigint) => {
      await this.ctx.store.markPartDone(id, done.partNumber, etag, crc.toString());
      this.ctx.live.partConfirmed(id, done.partNumber, done.size);
      this.ctx.changed();
    };
    await withRetries(
      async () => {
        // The bytes this upload still has to send rank it against the others waiting for a slot.
        const release = await this.ctx.slots.acquire(this.upload.size - this.upload.bytesConfirmed, signal);
        try {
          if (!part) {
            part = await this.cut();
            if (!part) return;
          } else {
            if (fateUnknown) {
              // Ask before sending the bytes again (one small ListParts): on a slow link a lost
              // answer would otherwise cost a whole part.
              const listed = await this.ctx.client.findPart(key, uploadId!, part.partNumber);
              fateUnknown = false;
              const crc = listed?.size === part.size ? await this.verifiedCrc(part, listed) : undefined;
              if (listed && crc !== undefined) return confirm(part, listed.etag, crc);
            }
            await this.ctx.store.markPartSending(id, part.partNumber);
          }
          const sending = part;
          this.ctx.handed.sending(id);
          const slice = this.slice(sending);
          this.ctx.live.partStarted(id, sending.partNumber, sending.size);
          this.ctx.changed();
          const ended = this.ctx.link.partStarted(sending.size);
          let sent: { result: { etag: string }; crc: bigint };
          try {
            sent = await this.sendVerified(slice, `Part ${sending.partNumber}`, () =>
              sendPartBody(this.ctx.client, { key, uploadId: uploadId!, part: sending, slice, signal }),
            );
          } catch (error) {
            fateUnknown = error instanceof OssNetworkError;
            ended(false);
            throw error;
          } finally {
            this.ctx.live.partEnded(id, sending.partNumber);
          }
          ended(true);
          this.ctx.slots.succeeded();
          await confirm(sending, sent.result.etag, sent.crc);
        } finally {
          release();
        }
      },
      this.retryEnv({
        signal,
        firstAttempt: (queued?.attempts ?? 0) + 1,
        mayStart: () => this.ctx.now() < this.options.deadline(),
        onRetry: async (decision, attempt) => {
          this.slowDown(decision);
          if (!part) return;
          const nextTryAt = this.ctx.now() + decision.delayMs;
          await this.ctx.store.markPartFailed(id, part.partNumber, nextTryAt, decision.problem.message);
          this.ctx.live.partRetrying(id, part.partNumber, attempt, nextTryAt);
          this.ctx.changed();
        },
      }),
    );
  }

  private async complete(): Promise<RunOutcome> {
    const { key, uploadId, options } = this.upload;
    // Last look before OSS joins the parts: a file rewritten in place since the run began would
    // otherwise become an object made of both versions.
    await this.checkUnchanged(this.file!);
    await this.save({ state: 'completing' });
    const parts = await this.ctx.store.parts(this.upload.id);
    let stored: StoredObject;
    try {
      stored = await withRetries(
        () =>
          this.ctx.client.completeMultipartUpload(
            key,
            uploadId!,
            parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag! })),
            completeHeaders(options),
          ),
        this.retryEnv(),
      );
    } catch (error) {
      // An earlier Complete may have succeeded with its answer lost: then the upload id is gone.
      if (this.isOssError(error, 'NoSuchUpload')) return this.adoptCompletedObject(error);
      if (this.isOssError(error, 'FileAlreadyExists')) {
        // Overwriting is forbidden and an object is there: if it is this file, nothing is left to do
        // but to let go of the parts.
        const adopted = await this.adoptStoredObject(await this.expectedCrc());
        if (adopted) {
          await this.ctx.client.abortMultipartUpload(key, uploadId!).catch(() => undefined);
          return adopted;
        }
      }
      throw error;
    }
    return this.finishDone(stored);
  }

  /** `error` is OSS's `code`, whether the retry loop gave up on it or it came straight from the client. */
  private isOssError(error: unknown, code: string): boolean {
    return (
      (error instanceof StopUpload && error.decision.problem.code === code) ||
      (error instanceof OssRequestError && error.code === code)
    );
  }

  /** CRC64 of the whole file from the part CRCs, in part order (OSS API reference, "CRC-64"). */
  private async expectedCrc(): Promise<bigint> {
    const parts = await this.ctx.store.parts(this.upload.id);
    return parts.reduce((crc, p) => crc64Combine(crc, BigInt(p.crc64!), p.size), 0n);
  }

  /**
   * Complete's answer was lost, or the object was completed before we recorded it: done if the object
   * is ours, else the NoSuchUpload stands (`noSuchUpload`, worded by the retry policy).
   */
  private async adoptCompletedObject(noSuchUpload: unknown): Promise<RunOutcome> {
    const adopted = await this.adoptStoredObject(await this.expectedCrc());
    if (adopted) return adopted;
    throw noSuchUpload;
  }

  /**
   * Finishes the upload when the object stored under its key has this file's size and CRC64, as the
   * token service reports them; undefined when it is not this file (or not there).
   */
  private async adoptStoredObject(expectedCrc: bigint): Promise<RunOutcome | undefined> {
    const status = await withRetries(() => this.ctx.objectStatus(this.upload.key), this.retryEnv());
    if (!status.exists || status.size !== this.upload.size || BigInt(status.crc64) !== expectedCrc) {
      return undefined;
    }
    return this.finishDone({ etag: status.etag, crc64: status.crc64, requestId: '' }, { answerLost: true });
  }

  private async finishDone(stored: StoredObject, { answerLost = false } = {}): Promise<RunOutcome> {
    const expected = this.upload.method === 'put' ? undefined : await this.expectedCrc();
    if (expected !== undefined && BigInt(stored.crc64) !== expected) {
      const problem: UploadProblem = {
        code: 'CrcMismatch',
        message: `The object "${this.upload.key}" was stored with CRC64 ${stored.crc64} but the file's is ${expected}: it is corrupt in OSS. Delete it and upload again.`,
        requestId: stored.requestId || undefined,
      };
      throw new StopUpload({ kind: 'fatal', problem });
    }
    const result: UploadResult = { etag: stored.etag, crc64: stored.crc64, callback: stored.callback };
    const u = this.upload;
    this.ctx.handed.finishing(u.id);
    const record = await this.ctx.store.finish(u.id, {
      id: u.id,
      key: u.key,
      fileName: u.fileName,
      size: u.size,
      lastModified: u.lastModified,
      state: 'done',
      result,
      problem: this.callbackProblem(stored, answerLost),
      createdAt: u.createdAt,
    });
    this.ctx.live.forget(u.id);
    this.ctx.finished(record);
    return 'done';
  }

  /** What a done upload still has to say about its upload callback, if anything. */
  private callbackProblem(stored: StoredObject, answerLost: boolean): UploadProblem | undefined {
    if (stored.callback && !stored.callback.ok) {
      return {
        code: 'CallbackFailed',
        message: `Stored, but the upload callback failed: ${stored.callback.body}`,
      };
    }
    if (answerLost && this.upload.options.callback) {
      return {
        code: 'CallbackUnknown',
        message:
          "Stored and verified, but OSS's answer was lost on the way, and with it the upload callback's result. Check the callback server's own records.",
      };
    }
    return undefined;
  }
}
