// The second transport: Background Fetch (Chromium) carries an upload's parts while no page is open,
// for as long as the browser runs and across browser restarts, where Background Sync gets a few
// 3-minute events and then stops (docs/upload-engine.md, "Background Fetch").
//
// Background fetches are sent without CORS preflights, so a cross-origin PUT (UploadPart) fails; a
// CORS-simple POST works. Each part therefore goes as a PostObject form to a temporary object under
// the token's partsPrefix; when the fetch settles, the worker checks each answer's CRC64 against the
// file slice, and the engine turns the temporaries into parts with UploadPartCopy (verified again),
// completes, and deletes them (a cleanup record that waits for the upload to finish).
//
// Chromium lets only a page start a background fetch, so a page asks (handover) and starts the plan
// this returns; meanwhile the engine leaves the upload alone (UploadRecord.backgroundFetch).

import type { CredentialsProvider } from '../../lib/credentials/credentials-provider.ts';
import { postObjectBody, signPostObjectForm } from '../../lib/oss-client/post-object-form.ts';
import {
  type BackgroundFetchManagerLike,
  type BackgroundFetchPlan,
  type BackgroundFetchRegistrationLike,
  backgroundFetchId,
  partOfRequestUrl,
  requestUrlForPart,
} from '../../lib/protocol/background-fetch.ts';
import { ACTIVE_STATES } from '../../lib/protocol/messages.ts';
import { crc64OfBlob } from '../engine/blob-checksums.ts';
import type { UploadEngine } from '../engine/engine.ts';
import type { PartRecord, UploadRecord } from '../store/schema.ts';
import type { UploadStore } from '../store/upload-store.ts';

/** Setting: uploads with at least this much left to send go by Background Fetch (tests lower it). */
export const BACKGROUND_FETCH_MIN_BYTES_SETTING = 'backgroundFetchMinBytes';
/**
 * With no page, Background Sync sends for about 150 s per event, three events in half an hour
 * (docs/upload-engine.md): on a 1 MB/s link about 150 MB per event. An upload with more than this
 * left would stall with the page closed, so Background Fetch carries it; smaller ones keep the sync
 * chain's parallel parts and skip the temporaries' extra requests.
 */
export const DEFAULT_BACKGROUND_FETCH_MIN_BYTES = 64 * 1024 * 1024;
/** Room left on the device: Chromium stores every request body of a background fetch (a second copy). */
const STORAGE_HEADROOM_BYTES = 50 * 1024 * 1024;
/** A handover the page never started (it closed meanwhile) is taken back after this. */
const UNSTARTED_HANDOVER_MS = 60_000;

export interface BackgroundFetchTransportDeps {
  store: UploadStore;
  engine: () => Promise<UploadEngine>;
  credentials: CredentialsProvider;
  /** The worker's Background Fetch manager; undefined where the browser has none. */
  manager: BackgroundFetchManagerLike | undefined;
  storage?: Pick<StorageManager, 'estimate'>;
  now?: () => number;
  /** Asks for an engine run soon (the sync driver). */
  requestRun: () => void;
  /** The site may use Background Fetch (its permission is not denied); default yes. */
  permitted?: () => Promise<boolean>;
}

/** Temporary object of one part: `<partsPrefix><upload id>/<part number>`. */
export function temporaryKey(partsPrefix: string, uploadId: string, partNumber: number): string {
  return `${partsPrefix}${uploadId}/${partNumber}`;
}

export class BackgroundFetchTransport {
  private readonly now: () => number;

  constructor(private readonly deps: BackgroundFetchTransportDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The browser has Background Fetch and the site may use it (a person can block it, as Background Sync). */
  async usable(): Promise<boolean> {
    return this.deps.manager !== undefined && ((await this.deps.permitted?.()) ?? true);
  }

  /**
   * A page offers to start a background fetch for the upload. Returns the plan when the upload should
   * go that way (large enough, the token allows temporaries, room for the browser's copy), after
   * taking it off the engine; undefined leaves it to the engine.
   */
  async handover(uploadId: string): Promise<BackgroundFetchPlan | undefined> {
    if (!(await this.usable())) return undefined;
    const { store } = this.deps;
    const upload = await store.get(uploadId);
    if (!upload || !this.eligible(upload)) return undefined;
    // Parts are cut as they are sent (sized to the link): the bytes not cut yet go too, cut below.
    const uncut = upload.size - (upload.plannedBytes ?? upload.size);
    const bytes =
      uncut +
      (await store.parts(uploadId))
        .filter((p) => p.state !== 'done' && !p.temporaryKey)
        .reduce((sum, p) => sum + p.size, 0);
    const minBytes = await store.setting(
      BACKGROUND_FETCH_MIN_BYTES_SETTING,
      DEFAULT_BACKGROUND_FETCH_MIN_BYTES,
    );
    if (bytes === 0 || bytes < minBytes || !(await this.roomFor(bytes))) return undefined;
    // A fresh token: the forms carry it, and its lifetime bounds theirs.
    this.deps.credentials.invalidate();
    const credentials = await this.deps.credentials.get();
    if (!credentials.partsPrefix) return undefined;
    const file = await store.getFile(uploadId);
    if (!file) return undefined;

    const startedAt = this.now();
    const id = backgroundFetchId(uploadId, startedAt);
    const { partsPrefix } = credentials;
    const taken = await store.update(uploadId, (current) =>
      this.eligible(current) ? { backgroundFetch: { id, parts: [], startedAt, partsPrefix } } : {},
    );
    if (taken?.backgroundFetch?.id !== id) return undefined;
    const engine = await this.deps.engine();
    await engine.interrupt(uploadId);
    // The engine has let go: what it has not cut yet is cut now, at the upload's part size.
    await store.cutRemaining(uploadId, upload.partSize);
    const parts = (await store.parts(uploadId)).filter((p) => p.state !== 'done' && !p.temporaryKey);
    if (parts.length === 0) {
      // The engine confirmed the last parts as it let go: nothing left to carry, but the upload still
      // needs its Complete, and the run that would have sent it was interrupted.
      await this.release(uploadId, 'resume');
      return undefined;
    }
    const backgroundFetch = { id, parts: parts.map((p) => p.partNumber), startedAt, partsPrefix };
    await store.update(uploadId, { backgroundFetch });
    engine.changed();

    const keys = parts.map((p) => temporaryKey(partsPrefix, uploadId, p.partNumber));
    await this.rememberTemporaries(upload, keys);
    const expiresAt = new Date(Date.parse(credentials.expiration));
    const requests = await Promise.all(
      parts.map(async (part, index) => {
        const form = await signPostObjectForm({
          credentials,
          key: keys[index]!,
          size: part.size,
          expiresAt,
          now: new Date(engine.clock.now()),
        });
        const { body, contentType } = postObjectBody(form, file.slice(part.offset, part.offset + part.size));
        return { url: requestUrlForPart(form.url, part.partNumber), body, contentType };
      }),
    );
    return { id, title: `Uploading ${upload.fileName}`, requests };
  }

  private eligible(upload: UploadRecord): boolean {
    return (
      upload.method === 'multipart' &&
      (upload.state === 'queued' || upload.state === 'uploading') &&
      !upload.backgroundFetch
    );
  }

  private async roomFor(bytes: number): Promise<boolean> {
    const estimate = await this.deps.storage?.estimate().catch(() => undefined);
    if (estimate?.quota === undefined) return true;
    return estimate.quota - (estimate.usage ?? 0) >= bytes + STORAGE_HEADROOM_BYTES;
  }

  /**
   * The temporaries are deleted once the upload is finished, however it finishes (done by any run,
   * or aborted): one cleanup record per upload, waiting for it (UploadStore.cleanups).
   */
  private async rememberTemporaries(upload: UploadRecord, keys: string[]): Promise<void> {
    const id = `${upload.id}~parts`;
    const earlier = (await this.deps.store.cleanup(id))?.temporaries ?? [];
    await this.deps.store.putCleanup({
      id,
      key: upload.key,
      temporaries: [...new Set([...earlier, ...keys])],
      afterUpload: upload.id,
    });
  }

  /** The page could not start the fetch: the engine takes the upload back. */
  async handoverFailed(uploadId: string): Promise<void> {
    await this.release(uploadId, 'resume');
  }

  /**
   * Before a pause or abort: the registration is aborted (nothing more reaches OSS from it) and the
   * upload is the engine's again, so the command acts on it as on any other.
   */
  async stop(uploadId: string): Promise<void> {
    const upload = await this.deps.store.get(uploadId);
    if (!upload?.backgroundFetch) return;
    const registration = await this.deps.manager?.get(upload.backgroundFetch.id);
    await registration?.abort().catch(() => false);
    await this.release(uploadId, 'leave');
  }

  /**
   * The upload is the engine's again. `resume` wakes the engine: nothing else would take the upload
   * up (its pass left it out while handed over, and its own run of it was interrupted); `leave` is
   * for callers that run the engine or command the upload themselves.
   */
  private async release(uploadId: string, then: 'resume' | 'leave'): Promise<void> {
    await this.deps.store.update(uploadId, { backgroundFetch: undefined });
    const engine = await this.deps.engine();
    if (then === 'resume') engine.wake();
    else engine.changed();
  }

  /**
   * Takes back handovers whose background fetch does not exist: the page closed before starting it,
   * or the browser dropped it. Called when a page opens.
   */
  async reconcile(): Promise<void> {
    const manager = this.deps.manager;
    const handed = (await this.deps.store.list()).filter((u) => u.backgroundFetch);
    for (const upload of handed) {
      const { id, startedAt } = upload.backgroundFetch!;
      const registration = manager ? await manager.get(id) : undefined;
      if (!registration && this.now() - startedAt > UNSTARTED_HANDOVER_MS) {
        await this.release(upload.id, 'resume');
      }
    }
  }

  /**
   * backgroundfetchsuccess / backgroundfetchfail: every part whose PostObject OSS answered 200 with
   * the slice's CRC64 becomes a staged part (UploadPartCopy from its temporary); the others go back
   * to the engine to be sent as usual. Then the engine runs within this event: it copies, completes
   * and, in a second run, deletes the temporaries.
   */
  async settled(registration: BackgroundFetchRegistrationLike, budgetMs: number): Promise<void> {
    const upload = (await this.deps.store.list()).find((u) => u.backgroundFetch?.id === registration.id);
    if (upload) {
      await this.stage(upload, await registration.matchAll());
      await this.release(upload.id, 'leave');
    }
    const engine = await this.deps.engine();
    const { workRemains } = await engine.run({ budgetMs });
    if (workRemains) await engine.run({ budgetMs });
    this.deps.requestRun();
  }

  /** The user cancelled the fetch in the browser's own UI: the upload is paused, like from the page. */
  async aborted(registration: BackgroundFetchRegistrationLike): Promise<void> {
    const upload = (await this.deps.store.list()).find((u) => u.backgroundFetch?.id === registration.id);
    if (!upload) return;
    await this.release(upload.id, 'leave');
    if (ACTIVE_STATES.includes(upload.state)) await (await this.deps.engine()).command(upload.id, 'pause');
  }

  private async stage(
    upload: UploadRecord,
    records: Awaited<ReturnType<BackgroundFetchRegistrationLike['matchAll']>>,
  ) {
    const { store } = this.deps;
    const file = await store.getFile(upload.id);
    const { partsPrefix, parts: handed } = upload.backgroundFetch!;
    if (!file) return;
    const engine = await this.deps.engine();
    const byNumber = new Map((await store.parts(upload.id)).map((p) => [p.partNumber, p]));
    const staged: PartRecord[] = [];
    for (const [index, record] of records.entries()) {
      // Records come in request order; the URL's fragment names the part where the browser keeps it.
      const part = byNumber.get(partOfRequestUrl(record.request.url) ?? handed[index] ?? -1);
      if (!part || part.state === 'done') continue;
      const response = await record.responseReady.catch(() => undefined);
      if (!response || (response.type !== 'opaque' && !response.ok)) continue;
      const key = temporaryKey(partsPrefix, upload.id, part.partNumber);
      // The answer's CRC64 where the browser lets it be read, else the temporary's own (GetObjectMeta).
      const reported =
        response.headers.get('x-oss-hash-crc64ecma') ??
        (await engine.client.headObject(key).catch(() => undefined))?.crc64;
      // Only a temporary whose CRC64 equals the slice's is used; anything else (refused, cut off,
      // different) is sent again by UploadPart.
      if (reported === undefined) continue;
      const slice = file.slice(part.offset, part.offset + part.size);
      if (BigInt(reported) !== (await crc64OfBlob(slice))) continue;
      staged.push({ ...part, temporaryKey: key });
    }
    if (staged.length > 0) await store.saveParts(upload.id, staged);
  }
}
