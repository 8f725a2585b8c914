// Issue 3: the emulator's memory while receiving a 2 GiB object. The body must flow socket → hash → disk
// with backpressure, so peak RSS should not depend on object size. The client streams one pre-allocated
// 8 MiB buffer 256 times, never holding the object, and knows the ETag/CRC64 it must get back.

import { crc64Combine, crc64ToHeader } from '../../lib/oss/crc64.ts';
import { createMd5, md5DigestToHex, quoteEtag } from '../../lib/oss/etag.ts';
import { atMost, info, type Measurement } from '../lib/measurement.ts';
import { NodeOssClient } from '../lib/node-oss-client.ts';
import { readMemory, watchPeakRss } from '../lib/process-stats.ts';
import { GiB, MiB, mbPerSecond, secondsSince, toMB } from '../lib/units.ts';
import { withEmulator } from './emulator-process.ts';
import { verifyStoredObject } from './multipart.ts';
import { randomPayload } from './payload.ts';

const OBJECT_BYTES = 2 * GiB;
const CHUNK_BYTES = 8 * MiB;
const TARGET_PEAK_MB = 150;

export async function measureReceiveMemory(): Promise<Measurement[]> {
  const chunk = await randomPayload(CHUNK_BYTES);
  const chunks = OBJECT_BYTES / CHUNK_BYTES;
  // The object is `chunk` repeated: its CRC64 follows by combining, without hashing 2 GiB.
  let expectedCrc = 0n;
  for (let i = 0; i < chunks; i++) expectedCrc = crc64Combine(expectedCrc, chunk.crc64, CHUNK_BYTES);
  // MD5 has no combine; hash while sending (the client's CPU does not affect the emulator's memory).
  const md5 = await createMd5();
  async function* body() {
    for (let i = 0; i < chunks; i++) {
      md5.update(chunk.bytes);
      yield chunk.bytes;
    }
  }

  return withEmulator(async (emulator) => {
    const client = new NodeOssClient({ endpoint: emulator.url, bucket: emulator.bucket, maxSockets: 1 });
    try {
      const key = 'bench/receive-memory-2GiB.bin';
      const idle = await readMemory(emulator.pid);
      const memory = await watchPeakRss(emulator.pid);
      const start = performance.now();
      const response = await client.expectOk(
        { method: 'PUT', key, body: body(), contentLength: OBJECT_BYTES },
        'PutObject 2 GiB',
      );
      const seconds = secondsSince(start);
      const { peakRssBytes, samples } = await memory.stop();
      await verifyStoredObject(client, key, response, {
        etag: quoteEtag(md5DigestToHex(md5.digest())),
        crc64: crc64ToHeader(expectedCrc),
        size: OBJECT_BYTES,
      });
      return [
        atMost(
          'Emulator peak RSS while receiving a 2 GiB PutObject',
          toMB(peakRssBytes),
          'MB',
          TARGET_PEAK_MB,
          {
            note: `emulator as a child process (node --import tsx); peak of ${samples} VmRSS samples at 50 ms and VmHWM reset before the upload; ETag, CRC64 and size checked`,
          },
        ),
        info('Emulator RSS at rest, before the 2 GiB PutObject', toMB(idle.rssBytes), 'MB'),
        info('PutObject 2 GiB streamed, throughput', mbPerSecond(OBJECT_BYTES, seconds), 'MB/s', {
          note: 'one connection; the client also MD5-hashes what it sends',
        }),
      ];
    } finally {
      client.close();
    }
  });
}
