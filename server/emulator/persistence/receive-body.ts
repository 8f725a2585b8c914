// Streams a request body to a temp file while hashing it, so no body is ever held in memory.
// pipeline() gives us backpressure: the socket is paused whenever the disk falls behind.

import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createCrc64 } from '../../../lib/oss/crc64.ts';
import { ossError } from '../errors.ts';

export interface ReceivedBody {
  /** Temp file holding the bytes, already fsynced; rename it into place or discard it. */
  tmpPath: string;
  size: number;
  md5Hex: string;
  md5Base64: string;
  crc64: bigint;
}

export const newId = () => randomBytes(16).toString('hex').toUpperCase();

export async function receiveBody(
  source: IncomingMessage,
  tmpDir: string,
  maxBytes: number,
): Promise<ReceivedBody> {
  const tmpPath = join(tmpDir, newId());
  const md5 = createHash('md5');
  const crc = await createCrc64();
  let size = 0;
  try {
    await pipeline(
      // destroyOnReturn:false so that rejecting an oversized body does not destroy the socket before
      // the error response is written.
      source.iterator({ destroyOnReturn: false }),
      async function* hash(chunks: AsyncIterable<Buffer>) {
        for await (const chunk of chunks) {
          size += chunk.length;
          if (size > maxBytes) throw ossError.entityTooLarge();
          md5.update(chunk);
          crc.update(chunk);
          yield chunk;
        }
      },
      // flush: fsync before close, so a renamed file is never a hole after a power cut.
      createWriteStream(tmpPath, { flush: true }),
    );
    // A client that hangs up mid-body normally makes the iterator throw; this catches a quiet short read.
    if (!source.complete) throw new Error('request body ended early');
  } catch (error) {
    await rm(tmpPath, { force: true });
    throw error;
  }
  const digest = md5.digest();
  return {
    tmpPath,
    size,
    md5Hex: digest.toString('hex').toUpperCase(),
    md5Base64: digest.toString('base64'),
    crc64: crc.digest(),
  };
}
