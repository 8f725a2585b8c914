// The engine in Node against the real emulator over HTTP, with fake-indexeddb for storage. The engine
// signs with the token service's real STS credentials and session policy (write-only, under
// `uploads/`), exactly as in the browser; only the tests' own checks of the stored objects use the
// emulator's root keys.
import 'fake-indexeddb/auto';
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { emulatorRequest } from '../../../harness/emulator-root.ts';
import { createCredentialsProvider } from '../../../lib/credentials/credentials-provider.ts';
import { createObjectStatusClient, OBJECT_STATUS_PATH } from '../../../lib/credentials/object-status.ts';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { KiB, MiB } from '../../../lib/oss/limits.ts';
import { signRequestV4 } from '../../../lib/oss/sign-v4.ts';
import { objectUrl } from '../../../lib/oss-client/object-url.ts';
import { createOssClient } from '../../../lib/oss-client/oss-client.ts';
import { HISTORY_PAGE_SIZE, type UploadSnapshotMessage } from '../../../lib/protocol/messages.ts';
import type { UploadOptions } from '../../../lib/protocol/upload-options.ts';
import { EMULATOR_DEFAULTS } from '../../../server/config/emulator-defaults.ts';
import { ossError } from '../../../server/emulator/errors.ts';
import type { ObjectRecord } from '../../../server/emulator/persistence/records.ts';
import type { OperationName } from '../../../server/emulator/routing/operations.ts';
import { UploadEngine } from '../../../sw/engine/engine.ts';
import { openUploadDb, UploadStore } from '../../../sw/store/upload-store.ts';
import {
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';

const BUCKET = EMULATOR_DEFAULTS.bucket;
type Fault = (op: OperationName, req: IncomingMessage, res: ServerResponse) => Promise<'handled' | undefined>;

let stack: TestEmulator;
let app: TestApp;
let fault: Fault | undefined;
const stored = new Map<string, ObjectRecord>();

/** The emulator's root keys: for the tests' own reads of what was stored, never for the engine. */
const rootCredentials = (): TemporaryCredentials => ({
  accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
  accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
  securityToken: '',
  expiration: new Date(Date.now() + 3_600_000).toISOString(),
  region: EMULATOR_DEFAULTS.region,
  bucket: BUCKET,
  endpoint: stack.url,
  prefix: '',
});

beforeAll(async () => {
  stack = await startProductEmulator({
    faultInjector: (op, req, res) => fault?.(op, req, res) ?? Promise.resolve(undefined),
    onObjectStored: async (event) => {
      stored.set(event.key, event.object);
      return undefined;
    },
  });
  // Every engine here is a fresh worker fetching its own tokens, far more often than a person's browser.
  app = await startTestApp(stack.url, { TOKEN_RATE_LIMIT: '10000' });
});
afterAll(async () => {
  await app.close();
  await stack.dispose();
});

let dbCount = 0;
let store: UploadStore;
/** Every UploadPart answer the engine saw: `${uploadId}/${partNumber}:${status}`. */
let partAnswers: string[];
let fetchImpl: typeof fetch;

beforeEach(async () => {
  fault = undefined;
  partAnswers = [];
  store = new UploadStore(await openUploadDb(`engine-test-${++dbCount}`));
  fetchImpl = async (input, init) => {
    const response = await fetch(input, init);
    const url = new URL(String(input));
    const part = url.searchParams.get('partNumber');
    if (part) partAnswers.push(`${url.searchParams.get('uploadId')}/${part}:${response.status}`);
    return response;
  };
});
const engines: UploadEngine[] = [];
afterEach(() => {
  for (const e of engines.splice(0)) e.dispose();
  store.db.close();
});

function engine(overrides: Partial<ConstructorParameters<typeof UploadEngine>[0]> = {}) {
  const e = new UploadEngine({
    store,
    credentials: createCredentialsProvider({
      url: app.credentialsUrl,
      fetch: (input, init) => fetchImpl(input, init),
    }),
    objectStatus: createObjectStatusClient({
      url: new URL(OBJECT_STATUS_PATH, app.credentialsUrl).href,
      fetch: (input, init) => fetchImpl(input, init),
    }),
    fetch: (input, init) => fetchImpl(input, init),
    policy: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8 },
    ...overrides,
  });
  engines.push(e);
  return e;
}

/** Unfinished uploads, then the newest page of finished ones: what a page is told on hello. */
async function allViews(e: UploadEngine) {
  return [...(await e.views()), ...(await e.history()).history];
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function randomFile(size: number, name = `f-${size}.bin`): { file: File; bytes: Uint8Array<ArrayBuffer> } {
  const bytes = new Uint8Array(randomBytes(size));
  return { file: new File([bytes], name, { lastModified: 1_700_000_000_000 }), bytes };
}

/** A GET with the emulator's root key: the test's own view of the bucket, never the engine's. */
const getObject = (key: string) => emulatorRequest('GET', key, { url: stack.url, bucket: BUCKET });

async function objectHash(key: string): Promise<string> {
  const response = await getObject(key);
  expect(response.status).toBe(200);
  return sha256(new Uint8Array(await response.arrayBuffer()));
}

const partCounts = () => {
  const ok = new Map<string, number>();
  for (const a of partAnswers.filter((x) => x.endsWith(':200'))) ok.set(a, (ok.get(a) ?? 0) + 1);
  return ok;
};

/**
 * The request runs to its end on the emulator (committed), then the connection is cut before a byte of
 * the answer leaves: what a client sees when the network drops right after OSS applied its request.
 */
function loseAnswerOnce(operation: OperationName): Fault {
  let lost = false;
  return async (op, _req, res) => {
    if (op !== operation || lost) return undefined;
    lost = true;
    const socket = res.socket!;
    socket.write = (() => {
      socket.destroy();
      return false;
    }) as typeof socket.write;
    return undefined;
  };
}

/**
 * The request runs to its end on the emulator; its answer goes out once `until` settles (`onHeld` is
 * told when it is ready). The connection's own writing comes back afterwards, for the next request.
 */
function holdAnswer(res: ServerResponse, until: Promise<void>, onHeld?: () => void): void {
  const socket = res.socket!;
  const write = socket.write;
  socket.write = ((...args: unknown[]) => {
    onHeld?.();
    void until.then(() => socket.writable && (write as (...a: unknown[]) => boolean).apply(socket, args));
    return true;
  }) as typeof socket.write;
  res.once('finish', () => {
    socket.write = write;
  });
}

/** A PUT of `bytes` under `key` with the root keys: someone else's object at that key. */
async function putAsSomeoneElse(key: string, bytes: Uint8Array<ArrayBuffer>): Promise<void> {
  const creds = rootCredentials();
  const headers = await signRequestV4({ method: 'PUT', bucket: BUCKET, key }, creds, {
    region: creds.region,
    now: new Date(),
  });
  expect(
    (await fetch(objectUrl(creds.endpoint, BUCKET, key), { method: 'PUT', headers, body: bytes })).status,
  ).toBe(200);
}

describe('UploadEngine against the emulator', () => {
  it('uploads 0 B, 150 KB and multipart files; objects hash like their sources and carry their settings', async () => {
    const e = engine();
    const files = [randomFile(0), randomFile(150 * KiB), randomFile(2 * MiB + 123)];
    const options = (key: string): UploadOptions => ({
      key,
      partSize: 512 * KiB,
      headers: {
        'Cache-Control': 'no-cache',
        'Content-Disposition': 'attachment; filename="x.bin"',
        'x-oss-storage-class': 'IA',
        'x-oss-tagging': 'project=skylift&stage=test',
        'x-oss-forbid-overwrite': 'true',
      },
      meta: { owner: 'alice' },
      mime: 'application/x-test',
    });
    const ids = await e.enqueue(
      files.map(({ file }, i) => ({ file, options: options(`uploads/t1/file-${i}.bin`) })),
    );
    const result = await e.run();
    expect(result.workRemains).toBe(false);
    for (const [i, { bytes }] of files.entries()) {
      const key = `uploads/t1/file-${i}.bin`;
      expect(await objectHash(key)).toBe(sha256(bytes));
      expect(stored.get(key)?.metadata).toMatchObject({
        contentType: 'application/x-test',
        cacheControl: 'no-cache',
        contentDisposition: 'attachment; filename="x.bin"',
        tagging: 'project=skylift&stage=test',
        storageClass: 'IA',
        userMeta: [['owner', 'alice']],
      });
    }
    const views = await allViews(e);
    expect(views.map((v) => v.state)).toEqual(['done', 'done', 'done']);
    expect(new Set(views.map((v) => v.id))).toEqual(new Set(ids));
    // Done uploads keep a history record only: no file, no parts.
    expect(await store.list()).toEqual([]);
    expect(await store.db.count('files')).toBe(0);
    expect(await store.db.count('parts')).toBe(0);
    // 150 KB fits in one part (one PutObject), 2 MiB + 123 in 512 KiB parts is five: each acknowledged exactly once.
    expect([...partCounts().values()]).toEqual([1, 1, 1, 1, 1]);
  });

  it('survives 503s and connections reset mid-body without sending an acknowledged part twice', async () => {
    const seen = new Map<string, number>();
    fault = async (op, req, res) => {
      if (op !== 'UploadPart') return undefined;
      const part = new URL(req.url ?? '', 'http://x').searchParams.get('partNumber') ?? '';
      const n = (seen.get(part) ?? 0) + 1;
      seen.set(part, n);
      if (n === 1 && Number(part) % 3 === 0) {
        // Read a little of the body, then cut the connection.
        await new Promise((resolve) => req.once('data', resolve));
        req.socket.destroy();
        return 'handled';
      }
      if (n <= 2 && Number(part) % 2 === 0) {
        res.writeHead(503, { 'Content-Type': 'application/xml' });
        res.end(
          '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>ServiceUnavailable</Code><Message>busy</Message><RequestId>X</RequestId></Error>',
        );
        return 'handled';
      }
      return undefined;
    };
    const e = engine();
    const { file, bytes } = randomFile(3 * MiB);
    await e.enqueue([{ file, options: { key: 'uploads/t2/faulty.bin', partSize: 256 * KiB, parallel: 4 } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t2/faulty.bin')).toBe(sha256(bytes));
    const counts = partCounts();
    expect(counts.size).toBe(12);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    expect(partAnswers.some((a) => a.endsWith(':503'))).toBe(true);
  });

  it('stops starting parts when the budget is spent and finishes in a later run', async () => {
    // The engine's clock stands still except that each part OSS receives takes 60 ms of it, so the
    // budget runs out after the same parts however busy the machine is.
    let clock = Date.now();
    fault = async (op) => {
      if (op === 'UploadPart') clock += 60;
      return undefined;
    };
    const e = engine({ now: () => clock });
    const { file, bytes } = randomFile(2 * MiB);
    await e.enqueue([{ file, options: { key: 'uploads/t3/budget.bin', partSize: 128 * KiB, parallel: 2 } }]);
    const first = await e.run({ budgetMs: 150 });
    expect(first.workRemains).toBe(true);
    const [upload] = await store.list();
    expect(upload?.state).toBe('uploading');
    expect(upload!.partsDone).toBeGreaterThan(0);
    expect(upload!.partsDone).toBeLessThan(16);
    let runs = 1;
    while ((await e.run({ budgetMs: 150 })).workRemains) runs++;
    expect(runs).toBeGreaterThan(1);
    expect(await objectHash('uploads/t3/budget.bin')).toBe(sha256(bytes));
    expect([...partCounts().values()].every((n) => n === 1)).toBe(true);
  });

  it('drains for a new worker version: parts in flight finish and are recorded, none starts, the successor completes', async () => {
    fault = async (op) => {
      if (op === 'UploadPart') await new Promise((r) => setTimeout(r, 80));
      return undefined;
    };
    const old = engine();
    const { file, bytes } = randomFile(2 * MiB);
    await old.enqueue([{ file, options: { key: 'uploads/t3/drain.bin', partSize: 128 * KiB, parallel: 3 } }]);
    const running = old.run({ budgetMs: 60_000 });
    await expect
      .poll(async () => (await store.list())[0]?.partsDone ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(1);
    await old.drain();
    const result = await running;
    expect(result.workRemains).toBe(true);
    const sentBeforeDrain = partAnswers.length;
    const parts = await store.parts((await store.list())[0]!.id);
    // Nothing is left half-sent: every part is either recorded done or still waiting to be sent.
    expect(parts.every((p) => p.state === 'done' || p.state === 'pending')).toBe(true);
    expect(parts.filter((p) => p.state === 'done').length).toBe(partCounts().size);
    // A drained engine starts nothing more, whatever asks it to run.
    expect((await old.run({ budgetMs: 60_000 })).workRemains).toBe(true);
    expect(partAnswers.length).toBe(sentBeforeDrain);

    const successor = engine();
    while ((await successor.run({ budgetMs: 60_000 })).workRemains) {
      // keep going until the successor reports the upload finished
    }
    expect(await objectHash('uploads/t3/drain.bin')).toBe(sha256(bytes));
    expect([...partCounts().values()].every((n) => n === 1)).toBe(true);
  });

  it('reconciles with ListParts on wake: adopts a part OSS has but the records missed, re-sends one OSS lost', async () => {
    const { file, bytes } = randomFile(1 * MiB);
    const e1 = engine();
    const [id] = await e1.enqueue([
      { file, options: { key: 'uploads/t4/reconcile.bin', partSize: 256 * KiB, parallel: 1 } },
    ]);
    const stopAfter = 2;
    let sent = 0;
    const real = fetchImpl;
    fetchImpl = async (input, init) => {
      if (new URL(String(input)).searchParams.has('partNumber') && ++sent > stopAfter) {
        // The worker "dies" with part 3 in flight: OSS receives it, we never see the answer.
        await real(input, init);
        throw new DOMException('The service worker was stopped', 'AbortError');
      }
      return real(input, init);
    };
    await e1.run({ budgetMs: 60_000 }).catch(() => undefined);
    fetchImpl = real;
    // Pretend part 3 was still marked sending (worker stopped between OSS's answer and our write),
    // and that part 1's record claims done although OSS has another ETag for it.
    const parts = await store.parts(id!);
    await store.saveParts(
      id!,
      [
        { ...parts[2]!, state: 'sending', attempts: 1, nextTryAt: 0 },
        { ...parts[0]!, state: 'done', etag: '"00000000000000000000000000000000"', crc64: '1' },
      ],
      { state: 'uploading', problem: undefined },
    );
    partAnswers = [];
    const e2 = engine();
    expect((await e2.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t4/reconcile.bin')).toBe(sha256(bytes));
    const resent = [...partCounts().keys()].map((k) => Number(k.split(/[/:]/)[1])).sort();
    expect(resent).not.toContain(3); // adopted from ListParts after checking its CRC
    expect(resent).toContain(1); // its record disagreed with OSS, so it was sent again
  });

  it('corrects a skewed clock from the server time', async () => {
    const e = engine({ now: () => Date.now() + 3_600_000 });
    const { file, bytes } = randomFile(300 * KiB);
    await e.enqueue([{ file, options: { key: 'uploads/t5/skew.bin', partSize: 128 * KiB } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t5/skew.bin')).toBe(sha256(bytes));
    expect(Math.abs(e.clock.offset + 3_600_000)).toBeLessThan(5_000);
  });

  it('stops with a clear message when the upload was aborted elsewhere', async () => {
    const e = engine();
    const { file } = randomFile(1 * MiB);
    const [id] = await e.enqueue([
      { file, options: { key: 'uploads/t6/gone.bin', partSize: 256 * KiB, parallel: 1 } },
    ]);
    fault = async (op) => {
      if (op === 'UploadPart') {
        const upload = await store.get(id!);
        fault = undefined;
        await e.client.abortMultipartUpload('uploads/t6/gone.bin', upload!.uploadId!);
      }
      return undefined;
    };
    await e.run();
    const [view] = await allViews(e);
    expect(view?.state).toBe('failed');
    expect(view?.problem?.code).toBe('NoSuchUpload');
    expect(view?.problem?.message).toMatch(/aborted or completed elsewhere/);
  });

  it('refuses to overwrite when forbid-overwrite is set, saying what to do', async () => {
    const e = engine();
    const first = randomFile(200 * KiB);
    await e.enqueue([{ file: first.file, options: { key: 'uploads/t7/exists.bin' } }]);
    await e.run();
    const second = randomFile(200 * KiB);
    await e.enqueue([
      {
        file: second.file,
        options: { key: 'uploads/t7/exists.bin', headers: { 'x-oss-forbid-overwrite': 'true' } },
      },
    ]);
    await e.run();
    const failed = (await allViews(e)).find((v) => v.state === 'failed');
    expect(failed?.problem?.code).toBe('FileAlreadyExists');
    expect(failed?.problem?.message).toMatch(/already exists.*Choose another key/);
    expect(await objectHash('uploads/t7/exists.bin')).toBe(sha256(first.bytes));
  });

  it('asks for the file again when the stored copy is unusable, and continues with the same file', async () => {
    const e = engine();
    const { file, bytes } = randomFile(600 * KiB, 'movie.bin');
    const [id] = await e.enqueue([
      { file, options: { key: 'uploads/t8/reselect.bin', partSize: 200 * KiB } },
    ]);
    // A later worker: the one the file was handed to could send from it; this one has only the copy.
    e.dispose();
    const later = engine();
    await store.db.put('files', new Blob([bytes.subarray(0, 10)]), id!);
    await later.run();
    expect((await allViews(later))[0]).toMatchObject({
      state: 'needs-file',
      problem: { code: 'FileNotReadable' },
    });
    const other = new File([bytes], 'movie.bin', { lastModified: file.lastModified + 1 });
    await expect(later.reselect(id!, other)).rejects.toThrow(/not the same file/);
    await later.reselect(id!, file);
    expect((await later.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t8/reselect.bin')).toBe(sha256(bytes));
  });

  it('waits for the network when offline and finishes once it is back', async () => {
    let online = false;
    const real = fetchImpl;
    fetchImpl = async (input, init) => {
      if (!online) throw new TypeError('Failed to fetch');
      return real(input, init);
    };
    const e = engine({ online: () => online });
    const { file, bytes } = randomFile(500 * KiB);
    await e.enqueue([{ file, options: { key: 'uploads/t9/offline.bin', partSize: 100 * KiB } }]);
    const offline = await e.run();
    expect(offline).toEqual({ workRemains: true, waitingForNetwork: true });
    expect((await allViews(e))[0]?.state).toBe('waiting-for-network');
    online = true;
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t9/offline.bin')).toBe(sha256(bytes));
  });

  it('pauses, resumes and aborts on command', async () => {
    fault = async (op) => {
      if (op === 'UploadPart') await new Promise((r) => setTimeout(r, 30));
      return undefined;
    };
    const e = engine();
    const a = randomFile(1 * MiB);
    const b = randomFile(1 * MiB);
    const [idA, idB] = await e.enqueue([
      { file: a.file, options: { key: 'uploads/t10/a.bin', partSize: 128 * KiB, parallel: 1 } },
      { file: b.file, options: { key: 'uploads/t10/b.bin', partSize: 128 * KiB, parallel: 1 } },
    ]);
    const running = e.run();
    await new Promise((r) => setTimeout(r, 100));
    await e.command(idA!, 'pause');
    await e.command(idB!, 'abort');
    await running;
    const paused = await store.get(idA!);
    expect(paused?.state).toBe('paused');
    expect(paused!.partsDone).toBeLessThan(8);
    expect((await allViews(e)).find((v) => v.id === idB)?.state).toBe('aborted');
    await e.command(idA!, 'resume');
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/t10/a.bin')).toBe(sha256(a.bytes));
    expect((await getObject('uploads/t10/b.bin')).status).toBe(404);
  });

  it('refuses a batch that does not fit in storage', async () => {
    const e = engine({ storage: { estimate: async () => ({ quota: 60 * MiB, usage: 9 * MiB }) } });
    const { file } = randomFile(2 * MiB);
    await expect(e.enqueue([{ file, options: { key: 'uploads/t11/big.bin' } }])).rejects.toThrow(
      /Not enough storage/,
    );
    expect(await store.list()).toEqual([]);
  });

  it('refuses a file changed on disk since it was chosen, asking to select it again', async () => {
    const e = engine();
    const { file } = randomFile(200 * KiB, 'changed.bin');
    // What Chromium's disk-backed File does once the file on disk changed: every read fails.
    const unreadable = Object.assign(file, {
      slice: () => ({
        arrayBuffer: () => Promise.reject(new DOMException('could not be read', 'NotReadableError')),
      }),
    }) as File;
    await expect(
      e.enqueue([{ file: unreadable, options: { key: 'uploads/t12/changed.bin' } }]),
    ).rejects.toThrow(
      'changed.bin changed or was removed on disk after it was chosen, so it cannot be read. Select this file again.',
    );
    expect(await store.list()).toEqual([]);
  });
});

describe('answers lost after OSS applied the request, under the real upload-token policy', () => {
  it('Complete applied but its answer lost (overwriting forbidden): done once the token service vouches for the object', async () => {
    const e = engine();
    const { file, bytes } = randomFile(700 * KiB);
    const key = 'uploads/lost/complete.bin';
    await e.enqueue([
      { file, options: { key, partSize: 200 * KiB, headers: { 'x-oss-forbid-overwrite': 'true' } } },
    ]);
    fault = loseAnswerOnce('CompleteMultipartUpload');
    expect((await e.run()).workRemains).toBe(false);
    const [view] = await allViews(e);
    expect(view).toMatchObject({ state: 'done', problem: undefined });
    expect(view?.result?.crc64).toBe(stored.get(key)?.crc64);
    expect(await objectHash(key)).toBe(sha256(bytes));
  });

  it('the worker stops right after sending Complete: the next worker finds the object and finishes', async () => {
    const key = 'uploads/lost/stopped.bin';
    const { file, bytes } = randomFile(500 * KiB);
    const first = engine();
    const [id] = await first.enqueue([{ file, options: { key, partSize: 200 * KiB } }]);
    const real = fetchImpl;
    fetchImpl = async (input, init) => {
      const url = new URL(String(input));
      if (init?.method === 'POST' && url.searchParams.has('uploadId')) {
        // OSS receives and applies Complete; the worker is stopped before it hears back.
        await real(input, init);
        throw new DOMException('The service worker was stopped', 'AbortError');
      }
      return real(input, init);
    };
    await first.run();
    fetchImpl = real;
    expect((await store.get(id!))?.state).toBe('completing');
    expect(await objectHash(key)).toBe(sha256(bytes));

    const next = engine();
    expect((await next.run()).workRemains).toBe(false);
    expect((await allViews(next))[0]).toMatchObject({ id, state: 'done', problem: undefined });
  });

  it('PutObject applied but its answer lost, overwriting forbidden: the retry is refused, yet the upload is done', async () => {
    const e = engine();
    const { file, bytes } = randomFile(60 * KiB);
    const key = 'uploads/lost/small.bin';
    await e.enqueue([{ file, options: { key, headers: { 'x-oss-forbid-overwrite': 'true' } } }]);
    fault = loseAnswerOnce('PutObject');
    expect((await e.run()).workRemains).toBe(false);
    expect((await allViews(e))[0]).toMatchObject({ state: 'done', problem: undefined });
    expect(await objectHash(key)).toBe(sha256(bytes));
  });

  it('an object that is not this file is never taken for it: Complete lost, then the key overwritten by someone else', async () => {
    const e = engine();
    const { file } = randomFile(500 * KiB);
    const key = 'uploads/lost/replaced.bin';
    await e.enqueue([{ file, options: { key, partSize: 200 * KiB } }]);
    fault = loseAnswerOnce('CompleteMultipartUpload');
    const real = fetchImpl;
    let replaced = false;
    fetchImpl = async (input, init) => {
      // Before the engine gets to ask about the object, another client replaces it.
      if (String(input).includes(OBJECT_STATUS_PATH) && !replaced) {
        replaced = true;
        await putAsSomeoneElse(key, new Uint8Array(randomBytes(500 * KiB)));
      }
      return real(input, init);
    };
    await e.run();
    const [view] = await allViews(e);
    expect(view).toMatchObject({ state: 'failed', problem: { code: 'NoSuchUpload' } });
  });

  it('a PutObject refused because another file is at the key stays refused', async () => {
    const key = 'uploads/lost/taken.bin';
    await putAsSomeoneElse(key, new Uint8Array(randomBytes(60 * KiB)));
    const e = engine();
    const { file } = randomFile(60 * KiB);
    await e.enqueue([{ file, options: { key, headers: { 'x-oss-forbid-overwrite': 'true' } } }]);
    await e.run();
    expect((await allViews(e))[0]).toMatchObject({ state: 'failed', problem: { code: 'FileAlreadyExists' } });
  });
});

describe('nothing sent twice, nothing left behind', () => {
  /** Multipart uploads OSS still lists under `key`, asked over a network of the test's own. */
  async function listedUploads(key: string) {
    const client = createOssClient({ credentials: createCredentialsProvider({ url: app.credentialsUrl }) });
    return (await client.listUploads(key)).filter((u) => u.key === key);
  }

  it('an UploadPart applied with its answer lost is confirmed by ListParts, not sent again', async () => {
    const e = engine();
    const { file, bytes } = randomFile(600 * KiB);
    const key = 'uploads/once/part.bin';
    await e.enqueue([{ file, options: { key, partSize: 200 * KiB, parallel: 1 } }]);
    const received: string[] = [];
    const lose = loseAnswerOnce('UploadPart');
    fault = async (op, req, res) => {
      if (op === 'UploadPart')
        received.push(new URL(req.url ?? '', 'http://x').searchParams.get('partNumber')!);
      return lose(op, req, res);
    };
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash(key)).toBe(sha256(bytes));
    // Three parts, each received by OSS exactly once, although one answer never arrived.
    expect(received.sort()).toEqual(['1', '2', '3']);
  });

  it('an Initiate applied with its answer lost leaves no second upload behind', async () => {
    const e = engine();
    const { file, bytes } = randomFile(300 * KiB);
    const key = 'uploads/once/initiate.bin';
    await e.enqueue([{ file, options: { key, partSize: 100 * KiB } }]);
    fault = loseAnswerOnce('InitiateMultipartUpload');
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash(key)).toBe(sha256(bytes));
    expect(await listedUploads(key)).toEqual([]);
  });

  it('an Initiate the network stack sent twice (the first applied, its answer lost) leaves no second upload behind', async () => {
    const real = fetchImpl;
    let replayed = false;
    fetchImpl = async (input, init) => {
      const isInitiate = init?.method === 'POST' && new URL(String(input)).searchParams.has('uploads');
      if (isInitiate && !replayed) {
        replayed = true;
        // What Chromium does when a reused connection closes before one byte of the answer: the
        // request goes out again, unseen by the page or the worker. OSS applied the first one too.
        await (await real(input, init)).arrayBuffer();
      }
      return real(input, init);
    };
    const e = engine();
    const { file, bytes } = randomFile(300 * KiB);
    const key = 'uploads/once/initiate-replayed.bin';
    await e.enqueue([{ file, options: { key, partSize: 100 * KiB } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(replayed).toBe(true);
    expect(await objectHash(key)).toBe(sha256(bytes));
    expect(await listedUploads(key)).toEqual([]);
  });

  it('an upload paused while its Initiate was in flight resumes the upload OSS created', async () => {
    const e = engine();
    const { file, bytes } = randomFile(300 * KiB);
    const key = 'uploads/once/paused-initiate.bin';
    const [id] = await e.enqueue([{ file, options: { key, partSize: 100 * KiB } }]);
    let initiated: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => {
      initiated = resolve;
    });
    fault = async (op, _req, res) => {
      if (op !== 'InitiateMultipartUpload') return undefined;
      fault = undefined;
      // Applied, but the answer waits until the pause has cut the run off.
      holdAnswer(res, new Promise((resolve) => setTimeout(resolve, 200)), initiated);
      return undefined;
    };
    const running = e.run();
    await inFlight;
    await e.command(id!, 'pause');
    await running;
    expect(await listedUploads(key)).toHaveLength(1);
    await e.command(id!, 'resume');
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash(key)).toBe(sha256(bytes));
    expect(await listedUploads(key)).toEqual([]);
  });

  it('an abort OSS cannot hear now is told to OSS by a later run', async () => {
    let online = true;
    const real = fetchImpl;
    fetchImpl = async (input, init) => {
      if (!online) throw new TypeError('Failed to fetch');
      return real(input, init);
    };
    fault = async (op) => {
      if (op === 'UploadPart') await new Promise((r) => setTimeout(r, 30));
      return undefined;
    };
    const e = engine({ online: () => online });
    const { file } = randomFile(1 * MiB);
    const key = 'uploads/once/aborted-offline.bin';
    const [id] = await e.enqueue([{ file, options: { key, partSize: 128 * KiB, parallel: 1 } }]);
    const running = e.run();
    await expect
      .poll(async () => (await store.get(id!))?.partsDone ?? 0, { timeout: 20_000 })
      .toBeGreaterThan(0);
    online = false;
    await e.command(id!, 'abort');
    await running;
    expect((await allViews(e)).find((v) => v.id === id)?.state).toBe('aborted');
    expect(await listedUploads(key)).toHaveLength(1);
    expect(await store.db.count('files')).toBe(0);

    online = true;
    expect((await e.run()).workRemains).toBe(false);
    expect(await listedUploads(key)).toEqual([]);
    expect(await store.db.count('cleanups')).toBe(0);
  });
});

describe('an abort while signed out', () => {
  it('is told to OSS once the token service gives tokens again', async () => {
    const key = 'uploads/once/aborted-signed-out.bin';
    const gate = new Promise<void>(() => undefined); // parts after the first never get an answer
    fault = async (op, req) => {
      const part = Number(new URL(req.url ?? '', 'http://x').searchParams.get('partNumber'));
      if (op === 'UploadPart' && part >= 2) await gate;
      return undefined;
    };
    const first = engine();
    const { file } = randomFile(600 * KiB);
    const [id] = await first.enqueue([{ file, options: { key, partSize: 200 * KiB, parallel: 1 } }]);
    const running = first.run();
    await expect.poll(async () => (await store.get(id!))?.partsDone, { timeout: 20_000 }).toBe(1);
    await first.command(id!, 'pause');
    fault = undefined;
    await running;

    // Another worker, whose session has ended: the token service refuses it.
    let signedOut = true;
    const real = fetchImpl;
    fetchImpl = async (input, init) => {
      if (signedOut && String(input).includes('/api/credentials')) {
        return Response.json({ error: 'SignInRequired', message: 'Sign in again.' }, { status: 401 });
      }
      return real(input, init);
    };
    const second = engine();
    await second.command(id!, 'abort');
    expect(await store.db.count('cleanups')).toBe(1);
    const client = createOssClient({ credentials: createCredentialsProvider({ url: app.credentialsUrl }) });
    expect((await client.listUploads(key)).filter((u) => u.key === key)).toHaveLength(1);

    signedOut = false;
    await second.run();
    expect(await store.db.count('cleanups')).toBe(0);
    expect((await client.listUploads(key)).filter((u) => u.key === key)).toEqual([]);
  });
});

describe('integrity never switches off', () => {
  /** What a browser shows the worker when the bucket's CORS rule does not expose a header. */
  function hidingHeader(name: string): typeof fetch {
    return async (input, init) => {
      const response = await fetch(input, init);
      const headers = new Headers(response.headers);
      headers.delete(name);
      return new Response(response.body, { status: response.status, headers });
    };
  }

  for (const [what, size] of [
    ['a part', 400 * KiB],
    ['a small file', 50 * KiB],
  ] as const) {
    it(`${what} whose CRC64 the browser cannot read fails loudly, naming the CORS fix, and is never done`, async () => {
      const e = engine({ fetch: hidingHeader('x-oss-hash-crc64ecma') });
      const { file } = randomFile(size);
      await e.enqueue([{ file, options: { key: `uploads/cors/${size}.bin`, partSize: 200 * KiB } }]);
      await e.run();
      const [view] = await allViews(e);
      expect(view?.state).toBe('failed');
      expect(view?.problem).toMatchObject({
        code: 'HeaderNotExposed',
        message: expect.stringMatching(/x-oss-hash-crc64ecma.*ExposeHeader in the bucket CORS rule/),
      });
    });
  }
});

describe('history at scale', () => {
  it('snapshots carry unfinished uploads and the ones that just finished, never the whole history', async () => {
    const tx = store.db.transaction('history', 'readwrite');
    for (let i = 0; i < 2_000; i++) {
      const finished = {
        id: `old-${i}`,
        key: `uploads/old/${i}`,
        fileName: `${i}.bin`,
        size: 1,
        lastModified: 0,
      };
      void tx.store.put({ ...finished, state: 'done', createdAt: i, finishedAt: i });
    }
    await tx.done;
    const messages: UploadSnapshotMessage[] = [];
    const e = engine({ post: (message) => messages.push(message) });
    const { file } = randomFile(300 * KiB);
    const [id] = await e.enqueue([{ file, options: { key: 'uploads/scale/new.bin', partSize: 100 * KiB } }]);
    await e.run();
    await e.broadcastNow();
    expect(messages.length).toBeGreaterThan(1);
    for (const message of messages) {
      expect(message.uploads.every((u) => u.id === id)).toBe(true);
      expect(message.finished.every((u) => u.id === id)).toBe(true);
    }
    expect(messages.some((m) => m.finished.some((u) => u.id === id && u.state === 'done'))).toBe(true);

    const first = await e.history();
    expect(first.history).toHaveLength(HISTORY_PAGE_SIZE);
    expect(first.history[0]?.id).toBe(id);
    expect(first.historyMore).toBe(true);
    const last = first.history.at(-1)!;
    const second = await e.history({ finishedAt: last.finishedAt!, id: last.id });
    expect(second.history[0]?.id).toBe(`old-${2_000 - HISTORY_PAGE_SIZE}`);
  });
});

describe('a file rewritten in place after it was chosen', () => {
  it('never becomes an object of both versions: the upload asks for the file, then re-sends only the parts that differ', async () => {
    // Parts 3 and later wait at the emulator until the upload is paused after two.
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    fault = async (op, req) => {
      const part = Number(new URL(req.url ?? '', 'http://x').searchParams.get('partNumber'));
      if (op === 'UploadPart' && part >= 3) await gate;
      return undefined;
    };
    const key = 'uploads/changed/in-place.bin';
    const { file, bytes } = randomFile(1 * MiB, 'in-place.bin');
    const e = engine();
    const [id] = await e.enqueue([{ file, options: { key, partSize: 200 * KiB, parallel: 1 } }]);
    const running = e.run();
    await expect.poll(async () => (await store.get(id!))?.partsDone, { timeout: 20_000 }).toBe(2);
    await e.command(id!, 'pause');
    release();
    await running;
    fault = undefined;
    const sentBefore = (await store.get(id!))!.partsDone;
    expect(sentBefore).toBeGreaterThanOrEqual(2);
    expect(sentBefore).toBeLessThan(6);
    await e.command(id!, 'resume');

    // Same size, same date, new bytes in the last part: what a browser holding a reference to the file
    // on disk reads after it was rewritten in place.
    const rewritten = bytes.slice();
    for (let i = rewritten.length - 1000; i < rewritten.length; i++)
      rewritten[i] = (rewritten[i]! + 1) & 0xff;
    await store.db.put('files', new Blob([rewritten]), id!);
    await e.run();
    expect((await allViews(e))[0]).toMatchObject({
      state: 'needs-file',
      problem: {
        code: 'FileChanged',
        message: expect.stringMatching(/changed after it was chosen.*Select the file again/),
      },
    });
    expect((await getObject(key)).status).toBe(404);

    partAnswers = [];
    await e.reselect(id!, new File([rewritten], 'in-place.bin', { lastModified: file.lastModified }));
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash(key)).toBe(sha256(rewritten));
    // Parts already in OSS that match the new content were checked and kept, not sent again.
    const resent = [...partCounts().keys()].map((k) => Number(k.split(/[/:]/)[1]));
    expect(resent).toContain(6);
    expect(resent.filter((n) => n <= sentBefore)).toEqual([]);
  });
});

describe('many uploads at once', () => {
  /** Body requests (UploadPart, PutObject) the emulator is reading at once, and the most seen. */
  function countBodies(onBody?: (op: OperationName, req: IncomingMessage) => void) {
    const seen = { now: 0, most: 0, order: [] as string[] };
    fault = async (op, req, res) => {
      if (op !== 'UploadPart' && op !== 'PutObject') return undefined;
      seen.now++;
      seen.most = Math.max(seen.most, seen.now);
      seen.order.push(`${op} ${new URL(req.url ?? '', 'http://x').pathname}`);
      res.once('close', () => seen.now--);
      onBody?.(op, req);
      return undefined;
    };
    return seen;
  }

  it('shares one parallel budget across uploads, and a small file queued later never waits behind a big one', async () => {
    const bodies = countBodies();
    // The big upload's parts are slowed, so it is still sending when the small files come.
    const slow = fault!;
    fault = async (op, req, res) => {
      if (op === 'UploadPart') await new Promise((r) => setTimeout(r, 40));
      return slow(op, req, res);
    };
    const e = engine();
    const big = randomFile(3 * MiB, 'big.bin');
    const [bigId] = await e.enqueue([
      { file: big.file, options: { key: 'uploads/many/big.bin', partSize: 128 * KiB, parallel: 2 } },
    ]);
    const running = e.run();
    await expect
      .poll(async () => (await store.get(bigId!))?.partsDone, { timeout: 20_000 })
      .toBeGreaterThan(0);
    const small = Array.from({ length: 4 }, (_, i) => randomFile(20 * KiB + i, `small-${i}.bin`));
    const smallIds = await e.enqueue(
      small.map(({ file }, i) => ({ file, options: { key: `uploads/many/small-${i}.bin`, parallel: 2 } })),
    );
    await running;
    expect((await e.run()).workRemains).toBe(false);
    // Never more bodies in flight than the budget, whichever uploads they belonged to.
    expect(bodies.most).toBeLessThanOrEqual(2);
    for (const [i, { bytes }] of small.entries()) {
      expect(await objectHash(`uploads/many/small-${i}.bin`)).toBe(sha256(bytes));
    }
    expect(await objectHash('uploads/many/big.bin')).toBe(sha256(big.bytes));
    // Every small file was done before the big one: each took the next free slot ahead of its parts.
    const history = (await e.history()).history;
    const finishedAt = (id: string) => history.find((h) => h.id === id)!.finishedAt!;
    for (const id of smallIds) expect(finishedAt(id)).toBeLessThanOrEqual(finishedAt(bigId!));
    // …while the big one still had parts to send.
    const lastSmall = Math.max(
      ...small.map((_, i) => bodies.order.findIndex((o) => o.endsWith(`small-${i}.bin`))),
    );
    expect(bodies.order.slice(lastSmall).filter((o) => o.endsWith('big.bin')).length).toBeGreaterThan(1);
  });

  it('keeps fewer requests in flight after OSS answers SlowDown, and wins them back as parts go through', async () => {
    const e = engine();
    const budgets: number[] = [];
    let refused = 0;
    fault = async (op) => {
      if (op !== 'UploadPart') return undefined;
      budgets.push(e.slots.capacity);
      if (refused++ < 2) throw ossError.slowDown();
      return undefined;
    };
    const { file, bytes } = randomFile(4 * MiB, 'slow-down.bin');
    await e.enqueue([{ file, options: { key: 'uploads/many/slow-down.bin', partSize: 128 * KiB } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/many/slow-down.bin')).toBe(sha256(bytes));
    expect(budgets[0]).toBe(6);
    expect(Math.min(...budgets)).toBeLessThanOrEqual(3);
    expect(budgets.at(-1)).toBeGreaterThan(Math.min(...budgets));
  });

  it('sends a file that fits in one part with one PutObject, verified by CRC64, without Initiate or Complete', async () => {
    const operations: string[] = [];
    fault = async (op) => {
      operations.push(op);
      return undefined;
    };
    const e = engine();
    const one = randomFile(3 * MiB, 'one-part.bin');
    const two = randomFile(3 * MiB, 'two-parts.bin');
    await e.enqueue([
      { file: one.file, options: { key: 'uploads/put/one-part.bin' } },
      { file: two.file, options: { key: 'uploads/put/two-parts.bin', partSize: 2 * MiB } },
    ]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/put/one-part.bin')).toBe(sha256(one.bytes));
    expect(await objectHash('uploads/put/two-parts.bin')).toBe(sha256(two.bytes));
    // Auto part size (8 MiB): one PutObject. A 2 MiB part size asked for: Initiate, two parts, Complete.
    expect(operations.filter((op) => op === 'PutObject')).toHaveLength(1);
    expect(operations.filter((op) => op === 'InitiateMultipartUpload')).toHaveLength(1);
    expect(operations.filter((op) => op === 'UploadPart')).toHaveLength(2);
    const [done] = (await e.history()).history.filter((h) => h.key === 'uploads/put/one-part.bin');
    expect(done?.result?.crc64).toBeDefined();
  });

  it('cuts auto-sized parts as it sends them: sizes differ, every part but the last is at least 100 KB', async () => {
    const sizes = new Map<number, number>();
    fault = async (op, req) => {
      if (op === 'UploadPart') {
        const part = Number(new URL(req.url ?? '', 'http://x').searchParams.get('partNumber'));
        sizes.set(part, Number(req.headers['content-length']));
      }
      return undefined;
    };
    const e = engine();
    const { file, bytes } = randomFile(20 * MiB + 17, 'auto.bin');
    await e.enqueue([{ file, options: { key: 'uploads/auto/parts.bin' } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/auto/parts.bin')).toBe(sha256(bytes));
    const ordered = [...sizes.entries()].sort((a, b) => a[0] - b[0]).map(([, size]) => size);
    expect(ordered.reduce((sum, size) => sum + size, 0)).toBe(file.size);
    expect(new Set(ordered).size).toBeGreaterThan(1);
    for (const size of ordered.slice(0, -1)) expect(size).toBeGreaterThanOrEqual(100 * KiB);
  });
});

describe('the first byte does not wait for the copy into IndexedDB', () => {
  /** A store whose copies of files are written only when `release` is called (a slow copy of a big file). */
  class SlowCopyStore extends UploadStore {
    release: () => void = () => undefined;
    private readonly held = new Promise<void>((resolve) => {
      this.release = resolve;
    });
    override async putFile(id: string, file: Blob): Promise<void> {
      await this.held;
      await super.putFile(id, file);
    }
  }

  it('sends from the handed-over file while its copy is still being written', async () => {
    const slow = new SlowCopyStore(store.db);
    const e = engine({ store: slow });
    const { file, bytes } = randomFile(1 * MiB, 'copying.bin');
    const [id] = await e.enqueue([{ file, options: { key: 'uploads/copy/sent.bin', partSize: 256 * KiB } }]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/copy/sent.bin')).toBe(sha256(bytes));
    expect((await e.history()).history.find((h) => h.id === id)?.state).toBe('done');
    expect(await store.db.count('files')).toBe(0);
    slow.release();
  });

  it('copiesSettled waits for the copies into IndexedDB, which the upload itself does not', async () => {
    const slow = new SlowCopyStore(store.db);
    const e = engine({ store: slow });
    const { file } = randomFile(1 * MiB, 'settling.bin');
    const [id] = await e.enqueue([
      { file, options: { key: 'uploads/copy/settling.bin', partSize: 256 * KiB } },
    ]);
    let settled = false;
    const settling = e.copiesSettled([id!]).then(() => {
      settled = true;
    });
    expect((await e.run()).workRemains).toBe(false);
    expect(settled).toBe(false);
    slow.release();
    await settling;
    expect(settled).toBe(true);
  });

  it('copies a multipart upload’s file once its first part is out; a file sent whole and done before the delay is never copied', async () => {
    const copied: string[] = [];
    class CountingStore extends UploadStore {
      override async putFile(id: string, file: Blob): Promise<void> {
        copied.push(id);
        await super.putFile(id, file);
      }
    }
    // However slow the machine, the file sent whole is done before its copy's delay is up.
    const e = engine({ store: new CountingStore(store.db), copyDelayMs: 600_000 });
    const whole = randomFile(64 * KiB, 'whole.bin');
    const parts = randomFile(1 * MiB, 'parts.bin');
    const [wholeId, partsId] = await e.enqueue([
      { file: whole.file, options: { key: 'uploads/copy/whole.bin' } },
      { file: parts.file, options: { key: 'uploads/copy/parts.bin', partSize: 256 * KiB } },
    ]);
    expect((await e.run()).workRemains).toBe(false);
    expect(await objectHash('uploads/copy/whole.bin')).toBe(sha256(whole.bytes));
    expect(await objectHash('uploads/copy/parts.bin')).toBe(sha256(parts.bytes));
    expect(copied).toContain(partsId);
    expect(copied).not.toContain(wholeId);
    expect(await store.db.count('files')).toBe(0);
  });

  it('a crash before the copy is stored leaves an upload that asks for the file; chosen again, it sends no confirmed part twice', async () => {
    const slow = new SlowCopyStore(store.db);
    // The first worker's third part never gets an answer: the worker dies while sending it.
    const dying = engine({
      store: slow,
      fetch: (input, init) => {
        const part = Number(new URL(String(input)).searchParams.get('partNumber'));
        return part >= 3 ? new Promise<Response>(() => undefined) : fetchImpl(input, init);
      },
    });
    const key = 'uploads/copy/crash.bin';
    const { file, bytes } = randomFile(1 * MiB, 'crash.bin');
    const [id] = await e2eEnqueue(dying, file, key);
    void dying.run();
    await expect.poll(async () => (await store.get(id!))?.partsDone, { timeout: 20_000 }).toBe(2);
    dying.dispose();

    const next = engine();
    await next.run();
    expect((await next.views())[0]).toMatchObject({
      id,
      state: 'needs-file',
      problem: { code: 'FileNotReadable' },
    });
    partAnswers = [];
    await next.reselect(id!, file);
    expect((await next.run()).workRemains).toBe(false);
    expect(await objectHash(key)).toBe(sha256(bytes));
    const resent = [...partCounts().keys()].map((k) => Number(k.split(/[/:]/)[1]));
    expect(resent.filter((n) => n <= 2)).toEqual([]);
  });

  function e2eEnqueue(e: UploadEngine, file: File, key: string) {
    return e.enqueue([{ file, options: { key, partSize: 200 * KiB, parallel: 1 } }]);
  }
});
