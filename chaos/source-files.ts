// The files a run uploads: real files on disk whose bytes come from the run's seed (an AES-256-CTR
// keystream, fast and reproducible, so a replayed run uploads the very same bytes), with their MD5
// and CRC64 computed while they are written, so checking an object never re-reads the source.

import { createCipheriv, createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { crc64ToHeader, createCrc64 } from '../lib/oss/crc64.ts';
import { createMd5, md5DigestToHex } from '../lib/oss/etag.ts';
import type { FileSpec } from './scenario.ts';

export interface SourceFile extends FileSpec {
  path: string;
  /** Uppercase hex, as OSS writes an ETag. */
  md5: string;
  /** Decimal, as x-oss-hash-crc64ecma gives it. */
  crc64: string;
}

const CHUNK_BYTES = 8 * 1024 * 1024;

function keystream(runSeed: number, index: number) {
  const key = createHash('sha256').update(`skylift-chaos:${runSeed}:${index}`).digest();
  return createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
}

export async function writeSourceFile(dir: string, runSeed: number, spec: FileSpec): Promise<SourceFile> {
  const path = join(dir, spec.name);
  const cipher = keystream(runSeed, spec.index);
  const zeros = Buffer.alloc(Math.min(CHUNK_BYTES, spec.size));
  const md5 = await createMd5();
  const crc = await createCrc64();
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < spec.size; ) {
      const bytes = cipher.update(zeros.subarray(0, Math.min(zeros.length, spec.size - written)));
      md5.update(bytes);
      crc.update(bytes);
      await handle.write(bytes);
      written += bytes.length;
    }
  } finally {
    await handle.close();
  }
  return { ...spec, path, md5: md5DigestToHex(md5.digest()), crc64: crc64ToHeader(crc.digest()) };
}
