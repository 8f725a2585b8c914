// The fixed-size buffers a request body is gathered into on its way to disk and to the MD5 worker.
// Recycled, because allocating (and garbage-collecting) a fresh megabyte per block cost more than the
// copy into it. Plain ArrayBuffers, handed to the worker by transfer: copying into a SharedArrayBuffer
// goes through V8's relaxed (atomic-safe) memmove, which cost the main thread ~0.4 s per GiB.

/** Socket chunks (≤ 64 KiB) are gathered into blocks this size: one file write and one hash step each. */
export const BLOCK_BYTES = 256 * 1024;
/** Blocks kept for reuse: enough for four bodies in full flight. Beyond that, returned blocks are let go. */
const MAX_SPARE = 20;

const spare: Uint8Array<ArrayBuffer>[] = [];

export function takeBlock(): Uint8Array<ArrayBuffer> {
  return spare.pop() ?? new Uint8Array(BLOCK_BYTES);
}

export function returnBlock(block: Uint8Array<ArrayBuffer>): void {
  if (spare.length < MAX_SPARE && block.byteLength === BLOCK_BYTES) spare.push(block);
}
