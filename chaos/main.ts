// `npm run chaos -- --seed S --runs N | --minutes M [--max-file-mb 300] [--steps 16] [--emulator-port 9581]`
//
// Seeded chaos runs of Skylift: real Chromium on an on-disk profile, the real app server and token
// service, the OSS emulator as a child process — files of every size handed to the worker while the
// network, the page, the worker, the browser and the emulator fail in a seeded order; then everything
// comes back and every upload must end verified, stopped with a message, or aborted without a trace.
// Prints one table; a failing run prints its seed and last step so `--seed <it> --runs 1` replays it.
// Exit status 1 on any finding or runner error, 2 on bad arguments, 130 on Ctrl-C.

import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureBuild } from '../server/app/ensure-build.ts';
import { MAX_SEED, runSeeds } from './dice.ts';
import { formatTable, type RunReport, runFailures } from './report.ts';
import { abortRun, REPO_ROOT, runScenario } from './run.ts';
import { MB, type ScenarioOptions } from './scenario.ts';

/** Run sizes stay under this, so source files never take more than ~2 GB with the copies around them. */
const MAX_RUN_BYTES = 1_200 * MB;

const USAGE = `Usage: npm run chaos -- [--seed S] (--runs N | --minutes M) [--max-file-mb 300] [--steps 16]
  [--emulator-port 9581] [--keep]
  --seed S          seed of the first run (1..${MAX_SEED}); later runs draw theirs from it. Default: random.
  --runs N          this many runs (default 1 unless --minutes is given)
  --minutes M       keep starting runs until M minutes have passed
  --max-file-mb N   largest file (default 300)
  --steps N         steps per run (default 16)
  --emulator-port P the emulator's port, kept across its restarts (default 9581)
  --keep            keep the work directory (files, profile, emulator data, request log) of failing runs`;

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

const OPTIONS = {
  seed: { type: 'string' },
  runs: { type: 'string' },
  minutes: { type: 'string' },
  'max-file-mb': { type: 'string', default: '300' },
  steps: { type: 'string', default: '16' },
  'emulator-port': { type: 'string', default: '9581' },
  keep: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseFlags() {
  try {
    return parseArgs({ options: OPTIONS, strict: true }).values;
  } catch (error) {
    fail((error as Error).message);
  }
}

function parseOptions() {
  const values = parseFlags();
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const integer = (
    name: 'seed' | 'runs' | 'minutes' | 'max-file-mb' | 'steps' | 'emulator-port',
    min: number,
    max: number,
  ): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      fail(`--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return n;
  };
  const minutes = integer('minutes', 1, 24 * 60);
  return {
    seed: integer('seed', 1, MAX_SEED) ?? 1 + Math.floor(Math.random() * (MAX_SEED - 1)),
    runs: integer('runs', 1, 100_000) ?? (minutes === undefined ? 1 : undefined),
    minutes,
    maxFileMb: integer('max-file-mb', 1, 1000)!,
    steps: integer('steps', 2, 1000)!,
    emulatorPort: integer('emulator-port', 1, 65535)!,
    keep: values.keep === true,
  };
}

type Options = ReturnType<typeof parseOptions>;

function replayCommand(seed: number, options: Options): string {
  return `npm run chaos -- --seed ${seed} --runs 1 --max-file-mb ${options.maxFileMb} --steps ${options.steps}`;
}

async function main(): Promise<number> {
  const options = parseOptions();
  if (await ensureBuild(REPO_ROOT, join(REPO_ROOT, 'dist'))) console.log('Built the app into dist/');
  const scenarioOptions: ScenarioOptions = {
    maxFileBytes: options.maxFileMb * MB,
    maxRunBytes: MAX_RUN_BYTES,
    steps: options.steps,
  };
  const deadline = options.minutes === undefined ? undefined : Date.now() + options.minutes * 60_000;
  console.log(
    `Chaos from seed ${options.seed}: ${options.runs ?? 'as many'} run(s)${deadline ? ` for ${options.minutes} min` : ''}, ` +
      `files up to ${options.maxFileMb} MB, ${options.steps} steps each`,
  );
  const reports: RunReport[] = [];
  for (const seed of runSeeds(options.seed)) {
    if (options.runs !== undefined && reports.length >= options.runs) break;
    if (deadline !== undefined && Date.now() >= deadline) break;
    reports.push(
      await runScenario(seed, scenarioOptions, {
        emulatorPort: options.emulatorPort,
        keep: options.keep,
        replay: replayCommand(seed, options),
      }),
    );
  }
  console.log(`\n${formatTable(reports)}\n`);
  const failed = reports.filter((r) => runFailures(r).length > 0);
  for (const r of failed) {
    console.log(
      `failed: seed ${r.seed}, last step ${r.lastStep}/${r.stepCount}: ${replayCommand(r.seed, options)}`,
    );
  }
  return failed.length > 0 ? 1 : 0;
}

/** Ctrl-C or a kill: the browser, the emulator and the run's files go with us. */
async function tearDown(code: number): Promise<never> {
  await abortRun();
  process.exit(code);
}
let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.error(`\n${signal}: cleaning up`);
    void tearDown(130);
  });
}

try {
  // Exit at once: sockets kept alive by the runner's own requests would hold the process open.
  process.exit(await main());
} catch (error) {
  console.error(error);
  await tearDown(1);
}
