// Issue 3: CompleteMultipartUpload of the largest legal upload, 10,000 parts, should take under 2 s
// whatever the object's size — Complete works from part records and never touches part bytes. Parts are
// the smallest OSS accepts (100 KiB, the last may be smaller) to keep the setup quick; only the Complete
// request is timed.

import { MAX_PARTS, MIN_PART_SIZE } from '../../lib/oss/limits.ts';
import { atMost, info, type Measurement } from '../lib/measurement.ts';
import { NodeOssClient } from '../lib/node-oss-client.ts';
import { forEachParallel } from '../lib/parallel.ts';
import { cpuSecondsBetween, readCpuSeconds } from '../lib/process-stats.ts';
import { secondsSince, toMB } from '../lib/units.ts';
import { withEmulator } from './emulator-process.ts';
import {
  completeBody,
  completeUpload,
  expectedMultipartObject,
  initiateUpload,
  type UploadedPart,
  uploadCheckedPart,
  verifyStoredObject,
} from './multipart.ts';
import { randomPayload, randomPayloads } from './payload.ts';

const PARTS = MAX_PARTS;
const PART_BYTES = MIN_PART_SIZE;
const LAST_PART_BYTES = 1;
/** Distinct part bodies, cycled; enough that a part stored under the wrong number changes the ETag. */
const DISTINCT_BODIES = 64;
const PARALLEL = 16;
const TARGET_SECONDS = 2;

export async function measureCompleteManyParts(): Promise<Measurement[]> {
  const bodies = await randomPayloads(DISTINCT_BODIES, PART_BYTES);
  const lastBody = await randomPayload(LAST_PART_BYTES);
  return withEmulator(async (emulator) => {
    const client = new NodeOssClient({
      endpoint: emulator.url,
      bucket: emulator.bucket,
      maxSockets: PARALLEL,
    });
    try {
      const key = 'bench/complete-10000-parts.bin';
      const uploadId = await initiateUpload(client, key);
      const parts: UploadedPart[] = new Array(PARTS);
      const uploadCpu = await readCpuSeconds(emulator.pid);
      const uploadStart = performance.now();
      await forEachParallel(PARTS, PARALLEL, async (i) => {
        const partNumber = i + 1;
        const body = partNumber === PARTS ? lastBody : bodies[i % DISTINCT_BODIES]!;
        parts[i] = await uploadCheckedPart(client, key, uploadId, partNumber, body);
      });
      const uploadSeconds = secondsSince(uploadStart);
      const cpuPerPart = cpuSecondsBetween(uploadCpu, await readCpuSeconds(emulator.pid)) / PARTS;

      const xml = completeBody(parts);
      const emulatorCpu = await readCpuSeconds(emulator.pid);
      const start = performance.now();
      const completed = await completeUpload(client, key, uploadId, xml);
      const seconds = secondsSince(start);
      const completeCpu = cpuSecondsBetween(emulatorCpu, await readCpuSeconds(emulator.pid));
      await verifyStoredObject(client, key, completed, await expectedMultipartObject(parts));

      return [
        atMost(
          `CompleteMultipartUpload of ${PARTS.toLocaleString('en-US')} parts`,
          seconds,
          's',
          TARGET_SECONDS,
          {
            note: `one request with a ${toMB(xml.length).toFixed(2)} MB XML body listing every part (100 KiB parts, the last 1 B); emulator CPU ${completeCpu.toFixed(2)} s; ETag, CRC64 and size checked`,
          },
        ),
        info(`UploadPart rate, 100 KiB parts, ${PARALLEL} parallel`, PARTS / uploadSeconds, 'parts/s', {
          note: `setup of the Complete above: ${PARTS} signed UploadParts in ${uploadSeconds.toFixed(1)} s`,
        }),
        info('Emulator CPU per 100 KiB UploadPart', cpuPerPart * 1000, 'ms', {
          note: `hashing 100 KiB is ~0.2 ms of it; the rest is per-request overhead (auth, record writes, fsyncs)`,
        }),
      ];
    } finally {
      client.close();
    }
  });
}
