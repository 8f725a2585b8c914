// Results on disk: one file per suite run (history to compare against), and latest.json holding the most
// recent result of every suite, so running one suite doesn't erase the others' latest numbers.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SuiteResult } from './suite.ts';

export const RESULTS_DIR = join(import.meta.dirname, '..', 'results');
const LATEST = 'latest.json';

interface LatestResults {
  updatedAt: string;
  suites: Record<string, SuiteResult>;
}

/** ISO 8601 with ':' replaced by '-', which Windows and some tools refuse in file names. */
function fileStamp(iso: string): string {
  return iso.replace(/:/g, '-');
}

async function readLatest(dir: string): Promise<LatestResults> {
  try {
    const parsed = JSON.parse(await readFile(join(dir, LATEST), 'utf8')) as LatestResults;
    if (parsed && typeof parsed.suites === 'object') return parsed;
  } catch {
    // Missing or unreadable: start afresh rather than fail a benchmark run over a cache file.
  }
  return { updatedAt: '', suites: {} };
}

const toJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Writes `<suite>-<timestamp>.json` and updates latest.json; returns the path of the former. */
export async function saveSuiteResult(result: SuiteResult, dir = RESULTS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${result.suite}-${fileStamp(result.startedAt)}.json`);
  await writeFile(path, toJson(result));
  const latest = await readLatest(dir);
  latest.suites[result.suite] = result;
  latest.updatedAt = new Date().toISOString();
  await writeFile(join(dir, LATEST), toJson(latest));
  return path;
}
