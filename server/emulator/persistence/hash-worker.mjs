// @ts-check
// The MD5 thread of hash-pool.ts. Plain JavaScript on purpose: it starts without a TypeScript loader
// (tsx in the emulator, Vite under Vitest), which in a worker would cost ~20 MB and a loader thread.
//
// Requests are answered in order, one reply each, so the pool matches replies to requests with a FIFO.
// A block to hash arrives transferred, not copied, and is transferred back once hashed.

import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';

/**
 * @typedef {{ op: 'open', id: number }
 *   | { op: 'update', id: number, block: Uint8Array<ArrayBuffer>, length: number }
 *   | { op: 'digest', id: number }
 *   | { op: 'drop', id: number }} HashRequest
 */

/** @type {Map<number, import('node:crypto').Hash>} */
const hashes = new Map();
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/** @param {HashRequest} request */
function handle(request) {
  const hash = hashes.get(request.id);
  if (request.op === 'open') hashes.set(request.id, createHash('md5'));
  else if (request.op === 'drop') hashes.delete(request.id);
  else if (!hash) throw new Error(`no MD5 open for body ${request.id}`);
  else if (request.op === 'update') {
    hash.update(request.block.subarray(0, request.length));
    port.postMessage({ result: request.block }, [request.block.buffer]);
    return;
  } else {
    hashes.delete(request.id);
    port.postMessage({ result: hash.digest() });
    return;
  }
  port.postMessage({});
}

port.on('message', (/** @type {HashRequest} */ request) => {
  try {
    handle(request);
  } catch (error) {
    port.postMessage({ error: String(/** @type {Error} */ (error)?.message ?? error) });
  }
});
