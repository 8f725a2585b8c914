// Issue 7's benchmark: Skylift in Chromium (as the e2e tests run it) against the limit of the same
// browser and against ali-oss `multipartUpload`, on the embedded emulator over loopback, with files on
// disk. One stack (emulator child process, app server and token service here) serves every scenario;
// each scenario gets a fresh browser. Numbers depend on the machine's load: it is printed too.

import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { clampParallel, DEFAULT_PART_SIZE } from '../../lib/upload-plan/part-plan.ts';
import { atLeast, atMost, failed, info, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';
import { GiB, MiB, toMB } from '../lib/units.ts';
import { type ComparisonFiles, measureComparison } from './comparison.ts';
import { measureResume } from './resume.ts';
import { measureManyParts, measureQueue } from './scale.ts';
import { makeSourceFile, type SourceFile } from './source-files.ts';
import { type Stack, startStack } from './stack.ts';

export const name = 'app';
export const description =
  'Skylift in Chromium vs the browser limit (fetch) and ali-oss multipartUpload: throughput, first byte, CPU, memory, resume, scale';

const QUEUE_FILES = 200;
const QUEUE_FILE_BYTES = 1 * MiB;
/** OSS-side bound on re-sent bytes: at most the parts in flight when the browser died. */
const RESEND_BOUND = clampParallel(undefined) * DEFAULT_PART_SIZE;
/** RAIL's budget for answering input: a page stalled longer than this feels stuck. */
const TARGET_STALL_MS = 100;

interface Files extends ComparisonFiles {
  queue: SourceFile[];
}

async function makeFiles(dir: string): Promise<Files> {
  const mk = (name: string, size: number) => makeSourceFile(dir, name, size);
  const sweep = await mk('sweep-64MiB.bin', 64 * MiB);
  const medium = await mk('upload-256MiB.bin', 256 * MiB);
  const large = await mk('upload-1GiB.bin', GiB);
  const queue: SourceFile[] = [];
  for (let i = 0; i < QUEUE_FILES; i++)
    queue.push(await mk(`queued-${String(i).padStart(3, '0')}.bin`, QUEUE_FILE_BYTES));
  return { sweep, sizes: [medium, large], aliOssSizes: [medium], queue };
}

const load = () => loadavg()[0]!;

async function resumeRows(stack: Stack, file: SourceFile): Promise<Measurement[]> {
  const run = await measureResume(stack, file);
  return [
    atMost(
      `Bytes re-sent after the browser was killed at 50 %, ${file.size / MiB} MiB`,
      toMB(run.resentBytes),
      'MB',
      toMB(RESEND_BOUND),
      {
        note: `all Chromium processes SIGKILLed when the emulator had read ${((100 * run.killedAtBytes) / file.size).toFixed(0)} % of the bytes; relaunched on the same profile, the app opened and the upload finished ${run.secondsAfterRelaunch.toFixed(1)} s later; target = parallel × part size (${clampParallel(undefined)} × ${DEFAULT_PART_SIZE / MiB} MiB); size and CRC64 checked`,
      },
    ),
  ];
}

async function manyPartsRows(stack: Stack, file: SourceFile): Promise<Measurement[]> {
  const run = await measureManyParts(stack, file);
  return [
    atLeast(
      `One upload of 10,000 parts completes with correct bytes (${file.size / GiB} GiB)`,
      10_000,
      'parts',
      10_000,
      {
        note: `partSize ${run.partSize} B forced through the upload options (the smallest that fits the file in 10,000 parts; Skylift alone would pick 8 MiB); the object's ETag ends in -10000, size and CRC64 checked; ${run.partRequests} UploadPart requests`,
      },
    ),
    info('10,000-part upload: time from enqueue to object complete', run.seconds, 's', {
      note: `${(10_000 / run.seconds).toFixed(0)} parts/s; every part costs a CORS preflight, a signed PUT and IndexedDB writes`,
    }),
  ];
}

async function queueRows(stack: Stack, files: SourceFile[]): Promise<Measurement[]> {
  const run = await measureQueue(stack, files);
  return [
    atLeast(
      `${files.length} queued 1 MiB files complete with correct bytes`,
      run.verified,
      'files',
      files.length,
      {
        note: "all selected at once in the UI file input; each object's size and CRC64 checked",
      },
    ),
    info(`${files.length} queued 1 MiB files: selection → last object complete`, run.seconds, 's'),
    atMost(
      `${files.length} queued files: longest main-thread stall of the page`,
      run.longestStallMs,
      'ms',
      TARGET_STALL_MS,
      {
        note: `lateness of a 50 ms interval timer in the app page while the worker drained the queue; ${run.longTasks} Long Tasks (> 50 ms) reported; target: RAIL's 100 ms input budget`,
      },
    ),
  ];
}

export async function run(): Promise<Measurement[]> {
  const measurements: Measurement[] = [info('Machine load (1-min average) at the start', load(), '')];
  const dir = await mkdtemp(join(tmpdir(), 'skylift-bench-files-'));
  try {
    progress('app: writing source files');
    const files = await makeFiles(dir);
    const stack = await startStack();
    try {
      const scenarios: [title: string, measure: () => Promise<Measurement[]>][] = [
        ['Skylift vs limit vs ali-oss', () => measureComparison(stack, files)],
        ['resume after a kill', () => resumeRows(stack, files.sizes[0]!)],
        ['10,000 parts', () => manyPartsRows(stack, files.sizes.at(-1)!)],
        [`${QUEUE_FILES} queued files`, () => queueRows(stack, files.queue)],
      ];
      for (const [title, measure] of scenarios) {
        progress(`app: ${title}`);
        try {
          measurements.push(...(await measure()));
        } catch (error) {
          // Keep going: one broken scenario should not hide the others' numbers.
          measurements.push(failed(title, error));
        }
      }
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  measurements.push(info('Machine load (1-min average) at the end', load(), ''));
  return measurements;
}
