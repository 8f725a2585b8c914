// What this machine allows, measured the way the emulator works, so an UploadPart throughput miss can be
// told apart from a slow machine: the emulator hashes each body on its main thread (node:crypto MD5,
// then lib/oss CRC64) and writes it to a file it fsyncs before answering.

import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCrc64 } from '../../lib/oss/crc64.ts';
import { info, type Measurement } from '../lib/measurement.ts';
import { forEachParallel } from '../lib/parallel.ts';
import { type Spread, spread } from '../lib/stats.ts';
import { MiB, mbPerSecond, secondsSince } from '../lib/units.ts';
import { randomPayload } from './payload.ts';

const CHUNK_BYTES = 64 * 1024; // the size of the chunks a Node socket delivers
const TOTAL_BYTES = 256 * MiB;
const FILE_BYTES = 8 * MiB;
const PARALLEL = 4;
const REPEATS = 3;

async function hashThroughput(data: Uint8Array): Promise<number> {
  const md5 = createHash('md5');
  const crc = await createCrc64();
  const start = performance.now();
  for (let done = 0; done < TOTAL_BYTES; done += CHUNK_BYTES) {
    const offset = done % data.length;
    const chunk = data.subarray(offset, offset + CHUNK_BYTES);
    md5.update(chunk);
    crc.update(chunk);
  }
  md5.digest();
  crc.digest();
  return mbPerSecond(TOTAL_BYTES, secondsSince(start));
}

async function fsyncedWriteThroughput(data: Uint8Array): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'skylift-bench-disk-'));
  try {
    const start = performance.now();
    await forEachParallel(TOTAL_BYTES / FILE_BYTES, PARALLEL, (i) =>
      writeFile(join(dir, String(i)), data, { flush: true }),
    );
    return mbPerSecond(TOTAL_BYTES, secondsSince(start));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Median of a few runs: a shared VM's single runs vary by a third. */
async function medianOf(measure: () => Promise<number>): Promise<Spread> {
  const values: number[] = [];
  for (let i = 0; i < REPEATS; i++) values.push(await measure());
  return spread(values);
}

const range = ({ min, max }: Spread) => `min ${min.toFixed(0)}, max ${max.toFixed(0)} MB/s`;

export async function measureMachineBaselines(): Promise<Measurement[]> {
  const { bytes } = await randomPayload(FILE_BYTES);
  await hashThroughput(bytes); // warm-up: JIT and the wasm module
  const hashing = await medianOf(() => hashThroughput(bytes));
  const disk = await medianOf(() => fsyncedWriteThroughput(bytes));
  return [
    info('Baseline: MD5 + CRC64 in one thread, 64 KiB chunks', hashing.median, 'MB/s', {
      note: `node:crypto MD5 then lib/oss CRC64 over 256 MiB in this process, as the emulator hashes: the ceiling of a one-thread emulator; median of ${REPEATS}, ${range(hashing)}`,
    }),
    info(
      `Baseline: write + fsync of 8 MiB files, ${PARALLEL} parallel, in os.tmpdir()`,
      disk.median,
      'MB/s',
      {
        note: `256 MiB to the disk the emulator's data dir is on; median of ${REPEATS}, ${range(disk)}`,
      },
    ),
  ];
}
