// Faults that act on a request body while the handler reads it: a bandwidth cap, and a connection
// reset part-way through. Both wrap the body's async iterator, which is how every handler reads a body
// (handlers/request-body.ts and persistence/receive-body.ts use `req.iterator()`). Pacing the reader
// is real backpressure: the unread bytes fill the socket buffers, so the client's send slows down too.

import type { IncomingMessage } from 'node:http';
import type { TokenBucket } from './token-bucket.ts';

type Chunks = AsyncIterable<Buffer>;
type Stage = (chunks: Chunks) => AsyncGenerator<Buffer>;

/** Thrown into the handler's body read once the connection was cut; its temp file is then discarded. */
export class InjectedResetError extends Error {
  constructor() {
    super('connection reset by fault injection');
  }
}

/** Routes the body through `stage` for whoever iterates `req` from now on. */
export function interceptBody(req: IncomingMessage, stage: Stage): void {
  const iterate = req.iterator.bind(req);
  req.iterator = (options) => stage(iterate(options)) as ReturnType<IncomingMessage['iterator']>;
  req[Symbol.asyncIterator] = () =>
    stage(iterate()) as ReturnType<IncomingMessage[typeof Symbol.asyncIterator]>;
}

/**
 * Aborted when the client's connection closes, so a paced read does not sleep past a dead socket.
 * The listener is removed once the body is read: keep-alive sockets carry many requests.
 */
function watchConnection(req: IncomingMessage): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (req.socket.destroyed) controller.abort();
  else req.socket.once('close', abort);
  return { signal: controller.signal, release: () => req.socket.off('close', abort) };
}

export function throttleStage(req: IncomingMessage, bucket: TokenBucket): Stage {
  return async function* throttled(chunks) {
    const connection = watchConnection(req);
    try {
      for await (const chunk of chunks) {
        await bucket.take(chunk.length, connection.signal);
        yield chunk;
      }
    } finally {
      connection.release();
    }
  };
}

/**
 * Lets `limit` bytes through, then destroys the socket as a network failure would, and fails the read
 * so the handler never commits what it has (even if the rest of the body was already buffered).
 */
export function resetStage(req: IncomingMessage, limit: number): Stage {
  return async function* cut(chunks) {
    let passed = 0;
    for await (const chunk of chunks) {
      if (passed + chunk.length >= limit) {
        yield chunk.subarray(0, limit - passed);
        req.socket.destroy();
        throw new InjectedResetError();
      }
      passed += chunk.length;
      yield chunk;
    }
    req.socket.destroy(); // the body was shorter than announced: cut at its end
    throw new InjectedResetError();
  };
}
