// A multi-process program (Chromium: browser, zygotes, renderers, the network and GPU utilities) seen from
// /proc: which processes belong to it, their summed CPU time and their summed memory. Read from outside,
// like process-stats.ts, so the program runs unmodified.

import { readdir, readFile } from 'node:fs/promises';
import { type CpuSeconds, cpuSecondsBetween, readCpuSeconds } from './process-stats.ts';

interface ProcEntry {
  pid: number;
  ppid: number;
}

async function readParent(pid: number): Promise<ProcEntry | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Field 4 is the parent pid; field 2 (comm) is parenthesised and may contain spaces.
    return { pid, ppid: Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) };
  } catch {
    return undefined; // exited while we looked
  }
}

/** `root` and every process descended from it. Scans all of /proc: call it seldom, not per sample. */
export async function processTree(root: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const entries = (await Promise.all(pids.map(readParent))).filter((e) => e !== undefined);
  const children = new Map<number, number[]>();
  for (const { pid, ppid } of entries) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const visit = (pid: number) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) visit(child);
  };
  visit(root);
  return tree;
}

/** Direct children of `parent` whose command line contains `marker` (e.g. a profile directory). */
export async function childrenMatching(parent: number, marker: string): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  for (const pid of pids) {
    const entry = await readParent(pid);
    if (entry?.ppid !== parent) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(marker)) found.push(pid);
  }
  return found;
}

export type TreeCpu = Map<number, CpuSeconds>;

export async function readTreeCpu(root: number): Promise<TreeCpu> {
  const readings = await Promise.all(
    (await processTree(root)).map(async (pid) => [pid, await readCpuSeconds(pid).catch(() => undefined)]),
  );
  return new Map(readings.filter((r): r is [number, CpuSeconds] => r[1] !== undefined));
}

/**
 * CPU seconds the tree used between two readings. A process started in between counts from zero; one
 * that exited in between is lost (its time goes to a parent's cutime only once reaped), so measure
 * windows in which the browser keeps its processes — one page, one upload.
 */
export function treeCpuSecondsBetween(before: TreeCpu, after: TreeCpu): number {
  let total = 0;
  for (const [pid, cpu] of after) total += cpuSecondsBetween(before.get(pid) ?? { user: 0, system: 0 }, cpu);
  return total;
}

/** Proportional set size: shared pages (Chromium's code, shared memory) are split among their users, so PSS adds up. */
async function readPssBytes(pid: number): Promise<number> {
  const rollup = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  return Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
}

export interface TreeMemoryWatch {
  stop(): Promise<{ peakPssBytes: number; samples: number }>;
}

const TREE_REFRESH_MS = 1000;

/**
 * Samples the summed PSS of the tree every `intervalMs`; the membership is re-read every second (new
 * renderers are rare during an upload, and a /proc scan per sample would cost more than the samples).
 */
export async function watchTreePeakPss(root: number, intervalMs = 50): Promise<TreeMemoryWatch> {
  let pids = await processTree(root);
  let lastRefresh = performance.now();
  let peak = 0;
  let samples = 0;
  let busy = false;
  const sample = async () => {
    if (busy) return; // a slow sample (loaded machine) is not queued behind another
    busy = true;
    try {
      if (performance.now() - lastRefresh > TREE_REFRESH_MS) {
        pids = await processTree(root);
        lastRefresh = performance.now();
      }
      const sizes = await Promise.all(pids.map((pid) => readPssBytes(pid).catch(() => 0)));
      peak = Math.max(
        peak,
        sizes.reduce((a, b) => a + b, 0),
      );
      samples++;
    } finally {
      busy = false;
    }
  };
  await sample();
  const timer = setInterval(() => void sample(), intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      while (busy) await new Promise((resolve) => setTimeout(resolve, 5));
      await sample();
      return { peakPssBytes: peak, samples };
    },
  };
}
