// Skylift side by side with the browser's limit and ali-oss, per file size, in one run: throughput and
// the ratios the issue targets, the time to the first byte, CPU per GiB and the browser's peak memory.
// Limit and Skylift alternate over a few rounds per size and their medians are compared, so a burst of
// load from elsewhere on a shared machine hits both rather than one.

import { atLeast, atMost, info, type Measurement } from '../lib/measurement.ts';
import { progress } from '../lib/progress.ts';
import { type Spread, spread } from '../lib/stats.ts';
import { GiB, MiB, mbPerSecond, toMB } from '../lib/units.ts';
import { type AliOssConfig, measureAliOss } from './ali-oss.ts';
import type { Work } from './browser.ts';
import { type LimitRun, measureFetchLimit } from './fetch-limit.ts';
import { measureSkylift, type SkyliftRun } from './skylift.ts';
import type { SourceFile } from './source-files.ts';
import type { Stack } from './stack.ts';

const TARGET_OF_LIMIT = 0.9;
const TARGET_OF_ALI_OSS = 8;
const TARGET_FIRST_BYTE_S = 0.3;
/** Browser CPU per GiB, Skylift over plain fetch: verifying every byte's CRC64 may cost this much more. */
const TARGET_CPU_OF_LIMIT = 1.3;
const TARGET_MEMORY_GROWTH_MB = 20;
/** Single runs on a shared 2-core VM vary by a third; three keep the suite within its time budget. */
const ROUNDS = 3;

/** ali-oss's options are tuned on a small file first (its default is 1 MiB × 5): the best one is measured. */
const ALI_OSS_SWEEP: AliOssConfig[] = [1, 8].flatMap((mib) =>
  [5, 8].map((parallel) => ({ partSize: mib * MiB, parallel })),
);

export interface ComparisonFiles {
  sweep: SourceFile;
  /** Ascending; the last one is the 1 GiB file of the first-byte target. */
  sizes: SourceFile[];
  /** Sizes at which ali-oss is measured too (at ~15 MB/s, 1 GiB alone takes over a minute). */
  aliOssSizes: SourceFile[];
}

const label = (file: SourceFile) => (file.size >= GiB ? `${file.size / GiB} GiB` : `${file.size / MiB} MiB`);
const config = (c: AliOssConfig) => `${c.partSize / MiB} MiB × ${c.parallel}`;
const range = ({ min, max }: Spread, digits = 0) => `min ${min.toFixed(digits)}, max ${max.toFixed(digits)}`;

interface SizeResult {
  file: SourceFile;
  limits: Work<LimitRun>[];
  /** One run: ali-oss is slow enough that a round of it would cost more than the rest of the suite. */
  aliOss?: Work<number>;
  skylifts: Work<SkyliftRun>[];
}

async function sweepAliOss(stack: Stack, file: SourceFile, rows: Measurement[]): Promise<AliOssConfig> {
  let best = { config: ALI_OSS_SWEEP[0]!, speed: 0 };
  for (const c of ALI_OSS_SWEEP) {
    progress(`app: ali-oss sweep, ${label(file)}, ${config(c)}`);
    const speed = mbPerSecond(file.size, (await measureAliOss(stack, file, c)).result);
    rows.push(info(`ali-oss sweep, ${label(file)}, ${config(c)} parts`, speed, 'MB/s'));
    if (speed > best.speed) best = { config: c, speed };
  }
  return best.config;
}

async function measureSize(stack: Stack, file: SourceFile, aliOssConfig?: AliOssConfig): Promise<SizeResult> {
  const result: SizeResult = { file, limits: [], skylifts: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    progress(`app: ${label(file)}, round ${round}/${ROUNDS}: fetch limit`);
    result.limits.push(await measureFetchLimit(stack, file));
    if (aliOssConfig && round === 1) {
      progress(`app: ${label(file)}: ali-oss ${config(aliOssConfig)}`);
      result.aliOss = await measureAliOss(stack, file, aliOssConfig);
    }
    progress(`app: ${label(file)}, round ${round}/${ROUNDS}: Skylift`);
    result.skylifts.push(await measureSkylift(stack, file));
  }
  return result;
}

export async function measureComparison(stack: Stack, files: ComparisonFiles): Promise<Measurement[]> {
  const rows: Measurement[] = [];
  const aliOssConfig = await sweepAliOss(stack, files.sweep, rows);
  const results: SizeResult[] = [];
  for (const file of files.sizes) {
    results.push(await measureSize(stack, file, files.aliOssSizes.includes(file) ? aliOssConfig : undefined));
  }
  const withAliOss = results.filter((r) => r.aliOss).at(-1);
  if (!withAliOss) throw new Error('ali-oss must be measured at one size at least');
  const fallback = {
    file: withAliOss.file,
    speed: mbPerSecond(withAliOss.file.size, withAliOss.aliOss!.result),
  };
  for (const r of results) rows.push(...throughputRows(r, aliOssConfig, fallback));
  rows.push(...firstByteRows(results), ...cpuRows(results), ...memoryRows(results));
  return rows;
}

function throughputRows(
  { file, limits, aliOss, skylifts }: SizeResult,
  aliOssConfig: AliOssConfig,
  aliOssFallback: { file: SourceFile; speed: number },
): Measurement[] {
  const size = label(file);
  const limit = spread(limits.map((r) => mbPerSecond(file.size, r.result.seconds)));
  const skylift = spread(skylifts.map((r) => mbPerSecond(file.size, r.result.seconds)));
  const rows = [
    info(`Limit: fetch PUTs of Blob slices from a page, ${size}`, limit.median, 'MB/s', {
      note: `median of ${ROUNDS}, ${range(limit)}; presigned UploadPart URLs, ${limits[0]!.result.partSize / MiB} MiB × ${limits[0]!.result.parallel} as Skylift picks; only the part PUTs are timed (in the page); size and CRC64 checked`,
    }),
  ];
  if (aliOss) {
    rows.push(
      info(`ali-oss multipartUpload in a page, ${size}`, mbPerSecond(file.size, aliOss.result), 'MB/s', {
        note: `one run, the sweep's best: ${config(aliOssConfig)}; XHR, STS token from the token service; Initiate to Complete timed; size and CRC64 checked`,
      }),
    );
  }
  // Not measured at every size (budget): then compared with its speed at the largest size it ran.
  const aliOssSpeed = aliOss ? mbPerSecond(file.size, aliOss.result) : aliOssFallback.speed;
  const aliOssNote = aliOss ? '' : ` (ali-oss measured at ${label(aliOssFallback.file)})`;
  rows.push(
    info(`Skylift, selection in the UI → object complete, ${size}`, skylift.median, 'MB/s', {
      note: `median of ${ROUNDS}, ${range(skylift)}; from the file input's change event to the emulator storing the object (Complete); size and CRC64 checked`,
    }),
    atLeast(`Skylift / limit, ${size}`, skylift.median / limit.median, '×', TARGET_OF_LIMIT),
    atLeast(`Skylift / ali-oss, ${size}${aliOssNote}`, skylift.median / aliOssSpeed, '×', TARGET_OF_ALI_OSS),
  );
  return rows;
}

/** The target is for the largest file; smaller ones are shown too, since a delay that grows with size says where it is. */
function firstByteRows(results: SizeResult[]): Measurement[] {
  return results.map(({ file, skylifts }, i) => {
    const firstByte = spread(skylifts.map((r) => r.result.firstByteSeconds));
    const median = (pick: (r: SkyliftRun) => number) =>
      spread(skylifts.map((r) => pick(r.result))).median.toFixed(3);
    const name = `Skylift, selection → first part byte read by the emulator, ${label(file)}`;
    const note = `median of ${ROUNDS}, ${range(firstByte, 3)} s; Date.now() at the input's change event vs the emulator reading the first UploadPart body chunk. Timeline (medians): InitiateMultipartUpload arrived at ${median((r) => r.initiateSeconds)} s, the first UploadPart's headers at ${median((r) => r.firstPartRequestSeconds)} s`;
    return i === results.length - 1
      ? atMost(name, firstByte.median, 's', TARGET_FIRST_BYTE_S, { note })
      : info(name, firstByte.median, 's', { note });
  });
}

function cpuRows(results: SizeResult[]): Measurement[] {
  const perGiB = (runs: { file: SourceFile; seconds: number }[]) =>
    runs.reduce((s, r) => s + r.seconds, 0) / (runs.reduce((s, r) => s + r.file.size, 0) / GiB);
  const skylift = results.flatMap((r) => r.skylifts.map((work) => ({ file: r.file, work })));
  const aliOss = results.flatMap((r) => (r.aliOss ? [{ file: r.file, work: r.aliOss }] : []));
  const limit = results.flatMap((r) => r.limits.map((work) => ({ file: r.file, work })));
  const rows: Measurement[] = [];
  const browserPerGiB = (runs: { file: SourceFile; work: { browserCpuSeconds: number } }[]) =>
    perGiB(runs.map((r) => ({ file: r.file, seconds: r.work.browserCpuSeconds })));
  rows.push(
    atMost(
      'Browser CPU per GiB, Skylift / limit (fetch)',
      browserPerGiB(skylift) / browserPerGiB(limit),
      '×',
      TARGET_CPU_OF_LIMIT,
      {
        note: 'the two rows below, divided: Skylift also reads every part a second time to compute its CRC64, and the browser copies the file into IndexedDB',
      },
    ),
  );
  for (const [who, runs] of [
    ['Skylift', skylift],
    ['ali-oss', aliOss],
    ['limit (fetch)', limit],
  ] as const) {
    const bytes = runs.reduce((sum, r) => sum + r.file.size, 0);
    const over = `summed over its ${runs.length} runs (${(bytes / GiB).toFixed(2)} GiB)`;
    const browser = perGiB(runs.map((r) => ({ file: r.file, seconds: r.work.browserCpuSeconds })));
    const emulator = perGiB(runs.map((r) => ({ file: r.file, seconds: r.work.emulatorCpuSeconds })));
    rows.push(
      info(`Browser CPU per GiB uploaded, ${who}`, browser, 's', {
        note: `user+system of every process of the browser (/proc/<pid>/stat over its process tree), ${over}`,
      }),
      info(`Emulator CPU per GiB uploaded, ${who}`, emulator, 's', {
        note: `user+system of the emulator process, ${over}`,
      }),
    );
  }
  return rows;
}

function memoryRows(results: SizeResult[]): Measurement[] {
  const peaks = results.map((r) => spread(r.skylifts.map((w) => toMB(w.browserPeakPssBytes))));
  const rows = results.map((r, i) =>
    info(`Browser peak memory, Skylift uploading ${label(r.file)}`, peaks[i]!.median, 'MB', {
      note: `median of ${ROUNDS} runs' peaks, ${range(peaks[i]!)} MB; summed PSS (/proc/<pid>/smaps_rollup) of all the browser's processes, sampled every 50 ms from selection to completion${
        r.aliOss ? `; ali-oss at this size peaked at ${toMB(r.aliOss.browserPeakPssBytes).toFixed(0)} MB` : ''
      }`,
    }),
  );
  if (results.length > 1) {
    const [smallest, largest] = [0, results.length - 1];
    rows.push(
      atMost(
        `Browser peak memory growth, Skylift ${label(results[largest]!.file)} vs ${label(results[smallest]!.file)}`,
        peaks[largest]!.median - peaks[smallest]!.median,
        'MB',
        TARGET_MEMORY_GROWTH_MB,
      ),
    );
  }
  return rows;
}
