// One chaos run, start to finish: its scenario from the seed, its files on disk, the world started,
// the steps carried out, everything brought back, the uploads left to settle, and the checks. The run
// cleans up after itself whatever happens; abortRun() does it from a signal handler.

import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBrowserRecords } from './browser-records.ts';
import { checkRun } from './checks.ts';
import { OssView } from './oss-view.ts';
import { type RunReport, runFailures } from './report.ts';
import { describeAction, generateScenario, MB, type Scenario, type ScenarioOptions } from './scenario.ts';
import { bringEverythingBack, waitUntilSettled } from './settle.ts';
import { type SourceFile, writeSourceFile } from './source-files.ts';
import { perform, type RunState } from './steps.ts';
import { World } from './world.ts';

export const REPO_ROOT = join(import.meta.dirname, '..');

export interface RunOptions {
  emulatorPort: number;
  /** Keep a failing run's work directory. */
  keep: boolean;
  /** The command that replays this run, for the failure report. */
  replay: string;
}

/** The run in progress, for abortRun(). */
let current: { world?: World; workDir: string } | undefined;

/** Takes the run in progress down (browser, emulator, files): Ctrl-C, or the runner itself broke. */
export async function abortRun(): Promise<void> {
  const run = current;
  current = undefined;
  await run?.world?.dispose().catch(() => undefined);
  if (run) await rm(run.workDir, { recursive: true, force: true }).catch(() => undefined);
}

function describeRun(scenario: Scenario, sources: SourceFile[]): string {
  const files = sources.map(
    (s) =>
      `f${s.index} ${s.size} B${s.partSize ? ` part ${s.partSize}` : ''}${s.parallel ? ` ×${s.parallel}` : ''}`,
  );
  const link = scenario.baseline.bandwidthBytesPerSecond;
  return (
    `${sources.length} files (${files.join(', ')}), STS tokens of ${scenario.stsDurationSeconds} s, ` +
    `${link ? `a ${(link / MB).toFixed(1)} MB/s link` : 'no link limit'}, ${scenario.steps.length} steps`
  );
}

/** Steps, settling and checks; fills `report` as it goes, so a failure still says how far it got. */
async function play(
  world: World,
  scenario: Scenario,
  sources: SourceFile[],
  report: RunReport,
  log: (line: string) => void,
): Promise<void> {
  await world.setFaults(scenario.baseline);
  const runPrefix = `${world.prefix}chaos/${scenario.seed}/`;
  const state: RunState = {
    scenario,
    sources,
    keys: sources.map((s) => `${runPrefix}${s.name}`),
    uploadIds: new Map(),
    refused: new Map(),
  };
  for (const step of scenario.steps) {
    await sleep(step.waitMs);
    report.lastStep = step.index;
    const note = await perform(world, state, step.action);
    const what = describeAction(step.action, sources);
    log(`step ${step.index}/${scenario.steps.length} ${what}${note ? `: ${note}` : ''}`);
  }
  await bringEverythingBack(world, log);
  const settled = await waitUntilSettled(world, log);
  const records = settled.settled ? await readBrowserRecords(await world.ensurePage()) : settled.records;
  const oss = new OssView(world.target);
  report.findings = await checkRun(state, records, oss, world.requestLogPath, runPrefix);
  for (const file of report.findings.files) {
    log(
      `f${file.index}: ${file.outcome}${file.code ? ` ${file.code}` : ''}${file.detail ? `: ${file.detail}` : ''}`,
    );
  }
}

export async function runScenario(
  seed: number,
  scenarioOptions: ScenarioOptions,
  options: RunOptions,
): Promise<RunReport> {
  const started = Date.now();
  const scenario = generateScenario(seed, scenarioOptions);
  const log = (line: string) =>
    console.log(`[seed ${seed} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`);
  const workDir = await mkdtemp(join(tmpdir(), `skylift-chaos-${seed}-`));
  const run: { world?: World; workDir: string } = { workDir };
  current = run;
  const report: RunReport = { seed, lastStep: 0, stepCount: scenario.steps.length, durationMs: 0 };
  try {
    const filesDir = join(workDir, 'files');
    await mkdir(filesDir);
    const sources: SourceFile[] = [];
    for (const spec of scenario.files) sources.push(await writeSourceFile(filesDir, seed, spec));
    log(describeRun(scenario, sources));
    const world = await World.start(
      {
        workDir,
        emulatorPort: options.emulatorPort,
        distDir: join(REPO_ROOT, 'dist'),
        stsDurationSeconds: scenario.stsDurationSeconds,
      },
      (created) => {
        run.world = created;
      },
    );
    await play(world, scenario, sources, report, log);
  } catch (error) {
    report.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  } finally {
    await run.world?.dispose();
    report.durationMs = Date.now() - started;
    const failed = runFailures(report);
    for (const line of failed) log(`FAIL ${line}`);
    if (failed.length === 0) log(`run passed in ${(report.durationMs / 1000).toFixed(0)} s`);
    else
      log(
        `run failed at seed ${seed}, last step ${report.lastStep}/${report.stepCount}; replay: ${options.replay}`,
      );
    if (failed.length > 0 && options.keep) log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
    if (current === run) current = undefined;
  }
  return report;
}
