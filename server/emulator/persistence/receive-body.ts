// Streams a request body to a temp file while hashing it, so no body is ever held in memory.
// Socket chunks are gathered into 1 MiB blocks; each full block is hashed (MD5 on a worker thread, see
// hash-pool.ts) and then written at its offset on libuv's thread pool, so the main thread mostly reads
// and copies. At most MAX_BLOCKS_IN_FLIGHT blocks per body are being hashed or written: past that the
// loop stops pulling from the socket, which pauses it, so memory stays bounded whatever the body's size.

import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ossError } from '../errors.ts';
import { BLOCK_BYTES, returnBlock, takeBlock } from './block-pool.ts';
import { type BodyHasher, openBodyHasher } from './hash-pool.ts';

export interface ReceivedBody {
  /** Temp file holding the bytes, already fsynced; rename it into place or discard it. */
  tmpPath: string;
  size: number;
  md5Hex: string;
  md5Base64: string;
  crc64: bigint;
}

export const newId = () => randomBytes(16).toString('hex').toUpperCase();

/** Enough to keep the disk and the MD5 worker busy while the socket fills the next block. */
const MAX_BLOCKS_IN_FLIGHT = 4;

export async function receiveBody(
  /** A request, or any byte stream (a form's file part, bytes of stored objects); `complete` where known. */
  source: Readable & { complete?: boolean },
  tmpDir: string,
  maxBytes: number,
): Promise<ReceivedBody> {
  const tmpPath = join(tmpDir, newId());
  const hasher = await openBodyHasher();
  const file = await open(tmpPath, 'wx');
  const inFlight: Promise<void>[] = [];
  let block: Uint8Array<ArrayBuffer> | undefined;
  let filled = 0;
  let flushed = 0;
  const flush = () => {
    if (!block || filled === 0) return;
    const stored = storeBlock(file, hasher, block, filled, flushed);
    stored.catch(() => {}); // awaited below; this only keeps a failure from counting as unhandled meanwhile
    inFlight.push(stored);
    flushed += filled;
    block = undefined;
    filled = 0;
  };
  try {
    // destroyOnReturn:false so that rejecting an oversized body does not destroy the socket before
    // the error response is written.
    for await (const chunk of source.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      if (flushed + filled + chunk.length > maxBytes) throw ossError.entityTooLarge();
      for (let from = 0; from < chunk.length; ) {
        block ??= takeBlock();
        const copied = chunk.copy(block, filled, from);
        filled += copied;
        from += copied;
        if (filled === BLOCK_BYTES) {
          flush();
          if (inFlight.length >= MAX_BLOCKS_IN_FLIGHT) await inFlight.shift();
        }
      }
    }
    // A client that hangs up mid-body normally makes the iterator throw; this catches a quiet short read.
    if (source.complete === false) throw new Error('request body ended early');
    flush();
    await Promise.all(inFlight);
    await file.sync(); // before the rename that publishes it, so a renamed file is never a hole after a power cut
    await file.close();
    const digests = await hasher.digest();
    return {
      tmpPath,
      size: flushed,
      md5Hex: digests.md5.toString('hex').toUpperCase(),
      md5Base64: digests.md5.toString('base64'),
      crc64: digests.crc64,
    };
  } catch (error) {
    hasher.drop();
    if (block) returnBlock(block);
    await Promise.allSettled(inFlight);
    await file.close().catch(() => {}); // resolves at once if already closed
    await rm(tmpPath, { force: true });
    throw error;
  }
}

/** Hashes a block, then writes it at `position`; MD5 updates must go out in order, writes need not. */
async function storeBlock(
  file: FileHandle,
  hasher: BodyHasher,
  lent: Uint8Array<ArrayBuffer>,
  length: number,
  position: number,
): Promise<void> {
  const block = await hasher.update(lent, length);
  try {
    await writeFully(file, block.subarray(0, length), position);
  } finally {
    returnBlock(block);
  }
}

async function writeFully(file: FileHandle, bytes: Uint8Array, position: number): Promise<void> {
  for (let done = 0; done < bytes.length; ) {
    done += (await file.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
  }
}
