// The files the browser uploads: random bytes on disk (an in-memory File of hundreds of MB fails in
// Chromium with net::ERR_BLOB_OUT_OF_MEMORY), their CRC64 computed while writing, so checking an uploaded
// object costs one HEAD.

import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc64ToHeader, createCrc64 } from '../../lib/oss/crc64.ts';
import type { NodeOssClient } from '../lib/node-oss-client.ts';
import { MiB } from '../lib/units.ts';

export interface SourceFile {
  path: string;
  name: string;
  size: number;
  /** Decimal, as x-oss-hash-crc64ecma gives it. */
  crc64: string;
}

const CHUNK_BYTES = 8 * MiB;

export async function makeSourceFile(dir: string, name: string, size: number): Promise<SourceFile> {
  const path = join(dir, name);
  const crc = await createCrc64();
  const chunk = new Uint8Array(Math.min(CHUNK_BYTES, size));
  const handle = await open(path, 'w');
  try {
    for (let done = 0; done < size; done += chunk.length) {
      const bytes = chunk.subarray(0, Math.min(chunk.length, size - done));
      randomFillSync(bytes);
      crc.update(bytes);
      await handle.write(bytes);
    }
  } finally {
    await handle.close();
  }
  return { path, name, size, crc64: crc64ToHeader(crc.digest()) };
}

/**
 * Throws unless the stored object has the file's size and CRC64, so no number comes from a broken upload.
 * Returns its ETag (a multipart one ends in -<part count>).
 */
export async function expectStored(oss: NodeOssClient, key: string, file: SourceFile): Promise<string> {
  const head = await oss.send({ method: 'HEAD', key });
  const size = Number(head.headers['content-length']);
  const crc64 = head.headers['x-oss-hash-crc64ecma'];
  if (head.status !== 200 || size !== file.size || crc64 !== file.crc64) {
    throw new Error(
      `${key}: HEAD ${head.status}, ${size} bytes, CRC64 ${crc64}; the file has ${file.size} bytes, CRC64 ${file.crc64}`,
    );
  }
  return String(head.headers.etag);
}

/** Objects are deleted once checked: a 1 GiB object per scenario would otherwise pile up on disk. */
export async function deleteObject(oss: NodeOssClient, key: string): Promise<void> {
  await oss.expectOk({ method: 'DELETE', key });
}
