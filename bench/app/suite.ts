// Issue 7's benchmark: Skylift in Chromium (as the e2e tests run it) against the limit of the same
// browser and against ali-oss `multipartUpload`, on the embedded emulator over loopback, with files on
// disk. One stack (emulator child process, app server and token service here) serves every scenario;
// each scenario gets a fresh browser. Numbers depend on the machine's load (bench/run.ts prints it).

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clampParallel, DEFAULT_PARALLEL, DEFAULT_PART_SIZE } from '../../lib/upload-plan/part-plan.ts';
import { atLeast, atMost, failed, info, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';
import { spread } from '../lib/stats.ts';
import { GiB, MiB, mbPerSecond, toMB } from '../lib/units.ts';
import { type ComparisonFiles, measureComparison } from './comparison.ts';
import { type ManyFilesRun, measureManyFilesLimit, measureManyFilesSkylift } from './many-files.ts';
import { measureResume } from './resume.ts';
import { measureManyParts } from './scale.ts';
import { makeSourceFile, type SourceFile } from './source-files.ts';
import { type Stack, startStack } from './stack.ts';

export const name = 'app';
export const description =
  'Skylift in Chromium vs the browser limit (fetch) and ali-oss multipartUpload: throughput, first byte, CPU, memory, resume, scale';

/** Folders of files: selected at once, each smaller than one part (PutObject). */
const FOLDERS = [
  { count: 120, bytes: 2 * MiB, rounds: 2 },
  { count: 1000, bytes: 1 * MiB, rounds: 1 },
];
const TARGET_FOLDER_OF_LIMIT = 0.8;
/** Parts in flight at once: re-sent bytes are at most these parts, cut off when the browser died. */
const PARALLEL = clampParallel(undefined);
/** No main-thread task longer than this (the Long Tasks threshold): the page answers input at once. */
const TARGET_LONGEST_TASK_MS = 50;

interface Files extends ComparisonFiles {
  folders: SourceFile[][];
}

async function makeFiles(dir: string): Promise<Files> {
  const mk = (name: string, size: number) => makeSourceFile(dir, name, size);
  const sweep = await mk('sweep-64MiB.bin', 64 * MiB);
  const medium = await mk('upload-256MiB.bin', 256 * MiB);
  const large = await mk('upload-1GiB.bin', GiB);
  const folders: SourceFile[][] = [];
  for (const { count, bytes } of FOLDERS) {
    const folder: SourceFile[] = [];
    for (let i = 0; i < count; i++)
      folder.push(await mk(`folder-${count}-${String(i).padStart(4, '0')}.bin`, bytes));
    folders.push(folder);
  }
  return { sweep, sizes: [medium, large], aliOssSizes: [medium], folders };
}

async function resumeRows(stack: Stack, file: SourceFile): Promise<Measurement[]> {
  const run = await measureResume(stack, file);
  const bound = PARALLEL * run.largestPartBytes;
  return [
    atMost(
      `Bytes re-sent after the browser was killed at 50 %, ${file.size / MiB} MiB`,
      toMB(run.resentBytes),
      'MB',
      toMB(bound),
      {
        note: `all Chromium processes SIGKILLed when the emulator had read ${((100 * run.killedAtBytes) / file.size).toFixed(0)} % of the bytes; relaunched on the same profile, the app opened and the upload finished ${run.secondsAfterRelaunch.toFixed(1)} s later; target = the parts in flight at most: parallel × the largest part sent (${PARALLEL} × ${toMB(run.largestPartBytes).toFixed(1)} MB; auto part sizes follow the link, ${DEFAULT_PART_SIZE / MiB} MiB to start); size and CRC64 checked`,
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

const folderLabel = (files: SourceFile[]) =>
  `${files.length.toLocaleString('en-US')} × ${files[0]!.size / MiB} MiB`;

async function folderRows(stack: Stack, files: SourceFile[], rounds: number): Promise<Measurement[]> {
  const label = folderLabel(files);
  const bytes = files.reduce((sum, f) => sum + f.size, 0);
  const limitRuns: Awaited<ReturnType<typeof measureManyFilesLimit>>[] = [];
  const skylifts: Awaited<ReturnType<typeof measureManyFilesSkylift>>[] = [];
  for (let round = 1; round <= rounds; round++) {
    progress(`app: ${label}, round ${round}/${rounds}: fetch limit`);
    limitRuns.push(await measureManyFilesLimit(stack, files));
    progress(`app: ${label}, round ${round}/${rounds}: Skylift`);
    skylifts.push(await measureManyFilesSkylift(stack, files));
  }
  const limit = spread(limitRuns.map((r) => mbPerSecond(bytes, r.seconds)));
  // CPU per GB over every round: on two shared cores, the browser's CPU per byte sets the rate.
  const cpuPerGB = (runs: ManyFilesRun[], of: 'browserCpuSeconds' | 'emulatorCpuSeconds') =>
    runs.reduce((sum, r) => sum + r[of], 0) / ((runs.length * bytes) / 1e9);
  const browserCpu = {
    skylift: cpuPerGB(skylifts, 'browserCpuSeconds'),
    limit: cpuPerGB(limitRuns, 'browserCpuSeconds'),
  };
  const emulatorCpu = {
    skylift: cpuPerGB(skylifts, 'emulatorCpuSeconds'),
    limit: cpuPerGB(limitRuns, 'emulatorCpuSeconds'),
  };
  const skylift = spread(skylifts.map((r) => mbPerSecond(bytes, r.seconds)));
  const longest = spread(skylifts.map((r) => r.longestTaskMs));
  const of =
    rounds > 1 ? `median of ${rounds}, min ${limit.min.toFixed(0)}, max ${limit.max.toFixed(0)}; ` : '';
  return [
    info(
      `Limit: fetch PUTs of whole files from a page, ${label}, ${DEFAULT_PARALLEL} at a time`,
      limit.median,
      'MB/s',
      {
        note: `${of}presigned PutObject URLs, only the PUTs timed (in the page); every object's size and CRC64 checked`,
      },
    ),
    info(`Skylift, ${label} selected at once in the UI → last object complete`, skylift.median, 'MB/s', {
      note: `${rounds > 1 ? `median of ${rounds}, min ${skylift.min.toFixed(0)}, max ${skylift.max.toFixed(0)}; ` : ''}from the file input's change event to the emulator storing the last object; every object's size and CRC64 checked (${skylifts.at(-1)!.verified} files); the first body byte ${spread(skylifts.map((r) => r.firstByteSeconds)).median.toFixed(2)} s after selection (hand-over and queueing), then ${mbPerSecond(bytes, spread(skylifts.map((r) => r.seconds - r.firstByteSeconds)).median).toFixed(0)} MB/s`,
    }),
    atLeast(`Skylift / limit, ${label}`, skylift.median / limit.median, '×', TARGET_FOLDER_OF_LIMIT),
    info(`${label}: browser CPU per GB, Skylift / limit`, browserCpu.skylift / browserCpu.limit, '×', {
      note: `user+system of every browser process, ${browserCpu.skylift.toFixed(1)} s/GB Skylift, ${browserCpu.limit.toFixed(1)} s/GB plain fetch; emulator ${emulatorCpu.skylift.toFixed(1)} vs ${emulatorCpu.limit.toFixed(1)} s/GB`,
    }),
    info(
      `${label}: longest main-thread task of a bare page selecting and PUTting them (limit)`,
      spread(limitRuns.map((r) => r.longestTaskMs)).median,
      'ms',
      {
        note: `the same probe in the limit's page: what choosing ${files.length} files in a file input and sending them costs the main thread without any app`,
      },
    ),
    atMost(`${label}: longest main-thread task of the page`, longest.median, 'ms', TARGET_LONGEST_TASK_MS, {
      note: `PerformanceObserver('longtask') in the app page from selection to the last object (0: none over 50 ms); ${skylifts.map((r) => r.longTasks).join(', ')} Long Tasks; a 50 ms interval timer was late by at most ${Math.max(...skylifts.map((r) => r.longestStallMs)).toFixed(0)} ms`,
    }),
  ];
}

export async function run(): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
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
        ...files.folders.map(
          (folder, i) =>
            [`folder of ${folderLabel(folder)}`, () => folderRows(stack, folder, FOLDERS[i]!.rounds)] as [
              string,
              () => Promise<Measurement[]>,
            ],
        ),
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
  return measurements;
}
