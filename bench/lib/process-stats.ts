// CPU time and memory of another process (an emulator child, a browser), read from Linux's /proc.
// Reading from outside means the measured process runs unmodified and the probe costs it nothing.

import { execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';

let ticksPerSecond: number | undefined;

/** /proc/<pid>/stat counts CPU time in clock ticks (USER_HZ, almost always 100). */
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

export interface CpuSeconds {
  user: number;
  system: number;
}

/** User and system CPU seconds of the whole process (all threads: libuv's fs pool, GC, workers). */
export async function readCpuSeconds(pid: number): Promise<CpuSeconds> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) is parenthesised and may contain spaces; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = clockTicksPerSecond();
  return { user: Number(fields[11]) / ticks, system: Number(fields[12]) / ticks };
}

export function cpuSecondsBetween(before: CpuSeconds, after: CpuSeconds): number {
  return after.user - before.user + (after.system - before.system);
}

export interface MemoryStatus {
  /** Resident set size now. */
  rssBytes: number;
  /** Peak RSS since start or since the last resetPeakRss(). */
  peakRssBytes: number;
}

export async function readMemory(pid: number): Promise<MemoryStatus> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssBytes: kib('VmRSS') * 1024, peakRssBytes: kib('VmHWM') * 1024 };
}

/**
 * Resets VmHWM to the current RSS (Linux ≥ 4.0, needs the right to ptrace the process — our own child
 * qualifies), so a later peak covers only what happened in between. False when the kernel refused.
 */
export async function resetPeakRss(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export interface MemoryWatch {
  /** Stops sampling; the peak is the larger of the sampled maximum and the kernel's VmHWM (if reset). */
  stop(): Promise<{ peakRssBytes: number; samples: number }>;
}

/**
 * Samples RSS every `intervalMs`, and resets VmHWM first so that the kernel's own high-water mark
 * catches a spike between two samples. Without the reset (not permitted) the sampled maximum is used.
 */
export async function watchPeakRss(pid: number, intervalMs = 50): Promise<MemoryWatch> {
  const hwmIsOurs = await resetPeakRss(pid);
  let sampledPeak = (await readMemory(pid)).rssBytes;
  let samples = 1;
  let pending: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    pending = readMemory(pid).then(
      ({ rssBytes }) => {
        sampledPeak = Math.max(sampledPeak, rssBytes);
        samples++;
      },
      () => {}, // the process may be exiting; the samples so far stand
    );
  }, intervalMs);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      const { peakRssBytes } = await readMemory(pid);
      return { peakRssBytes: hwmIsOurs ? Math.max(sampledPeak, peakRssBytes) : sampledPeak, samples };
    },
  };
}
