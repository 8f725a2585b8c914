// A real link instead of loopback: the emulator's faults cap the bandwidth of every request body,
// shared by all connections, and delay every request and CORS preflight by a round trip, as a
// network does. On it, in one run: plain `fetch` of the same parts (the best a page can do), ali-oss
// `multipartUpload`, and Skylift with its part size and parallelism left on auto. The figure judged
// is Skylift's share of the link's rate, selection to object complete.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureAliOss } from '../app/ali-oss.ts';
import { measureFetchLimit } from '../app/fetch-limit.ts';
import { measureSkylift } from '../app/skylift.ts';
import { makeSourceFile, type SourceFile } from '../app/source-files.ts';
import { type Stack, startStack } from '../app/stack.ts';
import { atLeast, failed, info, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';
import { MiB, mbPerSecond } from '../lib/units.ts';

export const name = 'link';
export const description =
  'Skylift on an emulated link (bandwidth shared by all connections, latency on every round trip) vs plain fetch and ali-oss';

interface Link {
  mbPerSecond: number;
  latencyMs: number;
  /** Large enough that the round trips of Initiate and Complete are a small share of the time. */
  fileBytes: number;
}

const LINKS: Link[] = [
  { mbPerSecond: 20, latencyMs: 100, fileBytes: 512 * MiB },
  { mbPerSecond: 5, latencyMs: 300, fileBytes: 384 * MiB },
];
/** ali-oss is measured on a smaller file: slower than the link, it would take minutes on the large ones. */
const ALI_OSS_FILE_BYTES = 128 * MiB;
const TARGET_OF_LINK = 0.95;
/** ali-oss with the part size and parallelism Skylift's plan starts from, so only the client differs. */
const ALI_OSS = { partSize: 8 * MiB, parallel: 6 };

async function setLink(stack: Stack, link: Link | undefined): Promise<void> {
  const faults = link
    ? { operations: ['*'], latencyMs: link.latencyMs, bandwidthBytesPerSecond: link.mbPerSecond * 1e6 }
    : {};
  const response = await fetch(`${stack.emulatorUrl}/-/admin/faults`, {
    method: 'PUT',
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`setting the link: HTTP ${response.status} ${await response.text()}`);
}

async function measureLink(
  stack: Stack,
  link: Link,
  file: SourceFile,
  aliOssFile: SourceFile,
): Promise<Measurement[]> {
  const label = `${link.mbPerSecond} MB/s, ${link.latencyMs} ms`;
  const rate = (seconds: number) => mbPerSecond(file.size, seconds);
  await setLink(stack, link);
  try {
    progress(`link: ${label}: fetch`);
    const limit = rate((await measureFetchLimit(stack, file)).result.seconds);
    progress(`link: ${label}: ali-oss`);
    const aliOss = mbPerSecond(aliOssFile.size, (await measureAliOss(stack, aliOssFile, ALI_OSS)).result);
    progress(`link: ${label}: Skylift`);
    const skylift = (await measureSkylift(stack, file)).result;
    const size = `${file.size / MiB} MiB`;
    return [
      info(`Link ${label}: plain fetch PUTs of the parts, ${size}`, limit, 'MB/s', {
        note: `${(limit / link.mbPerSecond).toFixed(2)} of the link; presigned UploadPart URLs, 8 MiB × 6; only the part PUTs timed (Initiate and Complete excluded)`,
      }),
      info(`Link ${label}: ali-oss multipartUpload, ${aliOssFile.size / MiB} MiB`, aliOss, 'MB/s', {
        note: `${(aliOss / link.mbPerSecond).toFixed(2)} of the link; ${ALI_OSS.partSize / MiB} MiB × ${ALI_OSS.parallel}; Initiate to Complete timed`,
      }),
      info(`Link ${label}: Skylift, selection → object complete, ${size}`, rate(skylift.seconds), 'MB/s', {
        note: `part size and parallelism on auto; first part byte ${skylift.firstByteSeconds.toFixed(2)} s after selection; ${(rate(skylift.seconds) / limit).toFixed(2)} × plain fetch`,
      }),
      atLeast(
        `Link ${label}: Skylift / link rate`,
        rate(skylift.seconds) / link.mbPerSecond,
        '×',
        TARGET_OF_LINK,
        {
          note: 'end to end, Initiate and Complete round trips included; every object checked by size and CRC64',
        },
      ),
    ];
  } finally {
    await setLink(stack, undefined);
  }
}

export async function run(): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const dir = await mkdtemp(join(tmpdir(), 'skylift-bench-link-'));
  try {
    const aliOssFile = await makeSourceFile(dir, 'link-ali-oss.bin', ALI_OSS_FILE_BYTES);
    const stack = await startStack();
    try {
      for (const link of LINKS) {
        const file = await makeSourceFile(
          dir,
          `link-${link.mbPerSecond}MBps-${link.fileBytes / MiB}MiB.bin`,
          link.fileBytes,
        );
        try {
          measurements.push(...(await measureLink(stack, link, file, aliOssFile)));
        } catch (error) {
          measurements.push(failed(`link ${link.mbPerSecond} MB/s, ${link.latencyMs} ms`, error));
        }
        await rm(file.path, { force: true });
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return measurements;
}
