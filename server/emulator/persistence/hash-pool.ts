// MD5 and CRC64 of request bodies without capping the emulator at one core. On the main thread both
// cost ~2 s of CPU per GiB on top of the socket reads, which held the emulator under ~170 MB/s. MD5,
// two thirds of that and strictly sequential, now runs on a worker thread, in parallel with the socket
// reads and CRC64 (lib/oss/crc64.ts) on the main thread. Blocks travel to the worker and back by
// transfer, not by copy.
// One worker per two cores: on the 2-core benchmark machine a second worker (MD5 and CRC64 each on their
// own) added ~12 MB to the emulator's RSS and no throughput, as the client needs the other core.

import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createCrc64 } from '../../../lib/oss/crc64.ts';

type HashRequest =
  | { op: 'open'; id: number }
  | { op: 'update'; id: number; block: Uint8Array<ArrayBuffer>; length: number }
  | { op: 'digest'; id: number }
  | { op: 'drop'; id: number };
type HashReply = { result?: Uint8Array<ArrayBuffer>; error?: string };

export interface BodyDigests {
  md5: Buffer;
  crc64: bigint;
}

export interface BodyHasher {
  /**
   * Hashes the first `length` bytes of `block`. The block is lent to the worker (detached here) and
   * comes back as the result, to be written and reused.
   */
  update(block: Uint8Array<ArrayBuffer>, length: number): Promise<Uint8Array<ArrayBuffer>>;
  /** Call once, after the last update. */
  digest(): Promise<BodyDigests>;
  /** Forgets an unfinished body. */
  drop(): void;
}

const WORKERS = Math.max(1, Math.floor(availableParallelism() / 2));

class Md5Worker {
  /** Bodies open here, for balancing. */
  load = 0;
  private readonly worker: Worker;
  /** The worker answers every request once, in order. */
  private readonly waiting: {
    resolve(result?: Uint8Array<ArrayBuffer>): void;
    reject(error: Error): void;
  }[] = [];
  private failure: Error | undefined;

  constructor(onGone: (worker: Md5Worker) => void) {
    // execArgv: [] so the emulator's `--import tsx` is not loaded again in the worker.
    this.worker = new Worker(new URL('./hash-worker.mjs', import.meta.url), { execArgv: [] });
    this.worker.unref(); // referenced only while it has work, so an idle pool never keeps a process alive
    this.worker.on('message', (reply: HashReply) => {
      const next = this.waiting.shift()!;
      if (this.waiting.length === 0) this.worker.unref();
      if (reply.error === undefined) next.resolve(reply.result);
      else next.reject(new Error(`MD5 worker: ${reply.error}`));
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      onGone(this);
      for (const pending of this.waiting.splice(0)) pending.reject(error);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`MD5 worker exited with code ${code}`)));
  }

  call(request: HashRequest): Promise<Uint8Array<ArrayBuffer> | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (this.waiting.length === 1) this.worker.ref();
      this.worker.postMessage(request, request.op === 'update' ? [request.block.buffer] : []);
    });
  }
}

const workers: Md5Worker[] = [];
let lastId = 0;

function leastLoaded(): Md5Worker {
  while (workers.length < WORKERS) {
    workers.push(
      new Md5Worker((gone) => {
        const at = workers.indexOf(gone);
        if (at >= 0) workers.splice(at, 1); // replaced on the next open
      }),
    );
  }
  return workers.reduce((best, w) => (w.load < best.load ? w : best));
}

export async function openBodyHasher(): Promise<BodyHasher> {
  const crc = await createCrc64();
  const id = ++lastId;
  const worker = leastLoaded();
  worker.load++;
  // An open cannot fail on its own; a dead worker fails the body's next update or digest instead.
  worker.call({ op: 'open', id }).catch(() => {});
  let finished = false;
  const finish = () => {
    if (!finished) worker.load--;
    finished = true;
  };
  return {
    async update(block, length) {
      crc.update(block.subarray(0, length)); // before the block is lent away
      return (await worker.call({ op: 'update', id, block, length }))!;
    },
    async digest() {
      finish();
      const md5 = (await worker.call({ op: 'digest', id }))!;
      return { md5: Buffer.from(md5.buffer, md5.byteOffset, md5.byteLength), crc64: crc.digest() };
    },
    drop() {
      if (finished) return;
      finish();
      worker.call({ op: 'drop', id }).catch(() => {});
    },
  };
}
