// receiveBody on its own: bodies spanning many blocks, split at awkward places, many at once, and the
// ways a body can fail, each of which must leave no temp file behind.

import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { crc64 } from '../../../../lib/oss/crc64.ts';
import { BLOCK_BYTES } from '../../../../server/emulator/persistence/block-pool.ts';
import { receiveBody } from '../../../../server/emulator/persistence/receive-body.ts';
import { md5Base64Of, md5HexOf, testBytes } from '../../../support/emulator.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'receive-body-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A request body delivered as `chunks`; `complete` as http sets it once the whole body arrived. */
function body(chunks: Iterable<Buffer> | AsyncIterable<Buffer>, complete = true): IncomingMessage {
  const stream = Readable.from(chunks, { objectMode: false }) as Readable & { complete: boolean };
  stream.complete = false;
  stream.once('end', () => {
    stream.complete = complete;
  });
  return stream as unknown as IncomingMessage;
}

/** `data` cut into pieces of 1 B … 100 KiB, so block boundaries fall mid-chunk. */
function* ragged(data: Buffer, seed: number): Generator<Buffer> {
  let at = 0;
  let state = seed;
  while (at < data.length) {
    state = (state * 1103515245 + 12345) >>> 0;
    const size = 1 + (state % (100 * 1024));
    yield data.subarray(at, at + size);
    at += size;
  }
}

async function expectReceived(data: Buffer, chunks: Iterable<Buffer>): Promise<void> {
  const received = await receiveBody(body(chunks), dir, Number.MAX_SAFE_INTEGER);
  expect(received.size).toBe(data.length);
  expect(received.md5Hex).toBe(md5HexOf(data));
  expect(received.md5Base64).toBe(md5Base64Of(data));
  expect(received.crc64).toBe(await crc64(data));
  expect((await readFile(received.tmpPath)).equals(data)).toBe(true);
}

describe('receiveBody', () => {
  it('stores and hashes a body of many blocks arriving in ragged chunks', async () => {
    const data = testBytes(3 * BLOCK_BYTES + 12_345, 7);
    await expectReceived(data, ragged(data, 1));
  });

  it('handles an empty body and one of exactly one block', async () => {
    await expectReceived(Buffer.alloc(0), []);
    const data = testBytes(BLOCK_BYTES, 8);
    await expectReceived(data, [data]);
  });

  it('keeps the digests of bodies received at the same time apart', async () => {
    const bodies = Array.from({ length: 8 }, (_, i) => testBytes(BLOCK_BYTES + 1000 * i + 1, 20 + i));
    await Promise.all(bodies.map((data, i) => expectReceived(data, ragged(data, i + 2))));
  });

  it('rejects a body past maxBytes and deletes what it had written', async () => {
    const data = testBytes(2 * BLOCK_BYTES + 1, 9);
    await expect(receiveBody(body(ragged(data, 3)), dir, 2 * BLOCK_BYTES)).rejects.toMatchObject({
      code: 'EntityTooLarge',
    });
    expect(await readdir(dir)).toEqual([]);
  });

  it('deletes the temp file of a body that fails or ends early', async () => {
    const data = testBytes(2 * BLOCK_BYTES, 10);
    async function* failing() {
      yield* ragged(data, 4);
      throw new Error('connection reset');
    }
    await expect(receiveBody(body(failing()), dir, Number.MAX_SAFE_INTEGER)).rejects.toThrow(
      'connection reset',
    );
    await expect(receiveBody(body(ragged(data, 5), false), dir, Number.MAX_SAFE_INTEGER)).rejects.toThrow(
      'ended early',
    );
    expect(await readdir(dir)).toEqual([]);
    // And the pool is still fine afterwards.
    await expectReceived(data, ragged(data, 6));
  });
});
