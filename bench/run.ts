// `npm run bench` runs every suite; `npm run bench -- emulator [other…]` runs the named ones;
// `npm run bench -- --list` lists them. Prints a table per suite and saves JSON under bench/results/.
// Misses are reported, not failed: the exit code is non-zero only when a suite or a measurement broke.

import { cpus, loadavg } from 'node:os';
import { describeEnvironment } from './lib/environment.ts';
import { info, judge, type Measurement } from './lib/measurement.ts';
import { progress } from './lib/progress.ts';
import { saveSuiteResult } from './lib/results-file.ts';
import type { SuiteResult } from './lib/suite.ts';
import { formatSuiteResult } from './lib/table.ts';
import { ON_DEMAND, SUITES } from './suites.ts';

/** Every suite's table starts and ends with the machine's load: other work on it lowers the figures. */
const loadRow = (when: 'start' | 'end'): Measurement =>
  info(`Machine load (1-min average) at the ${when}`, loadavg()[0]!, '', {
    note: when === 'start' ? `as uptime shows it, on ${cpus().length} cores` : undefined,
  });

async function runSuite(name: string): Promise<SuiteResult> {
  const suite = await SUITES[name]!();
  if (suite.name !== name)
    throw new Error(`bench/suites.ts lists "${name}" but the module says "${suite.name}"`);
  const startedAt = new Date();
  const environment = describeEnvironment();
  progress(`suite ${name}: ${suite.description}`);
  const base = { suite: name, startedAt: startedAt.toISOString(), environment };
  const seconds = () => (Date.now() - startedAt.getTime()) / 1000;
  try {
    const start = loadRow('start');
    const measurements = [start, ...(await suite.run()), loadRow('end')].map(judge);
    return { ...base, durationSeconds: seconds(), measurements };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { ...base, durationSeconds: seconds(), measurements: [], error: message };
  }
}

async function main(args: string[]): Promise<number> {
  const available = Object.keys(SUITES);
  if (args.includes('--list')) {
    for (const name of available) console.log(`${name}\t${(await SUITES[name]!()).description}`);
    return 0;
  }
  const unknown = args.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    console.error(`Unknown suite(s): ${unknown.join(', ')}. Available: ${available.join(', ')}`);
    return 2;
  }
  let broken = false;
  for (const name of args.length > 0 ? args : available.filter((n) => !ON_DEMAND.includes(n))) {
    const result = await runSuite(name);
    const path = await saveSuiteResult(result);
    console.log(formatSuiteResult(result));
    progress(`saved ${path}`);
    broken ||= result.error !== undefined || result.measurements.some((m) => m.status === 'error');
  }
  return broken ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
