// The emulator as a child process, started exactly as `npm run emulator` starts it, over a fresh temp data
// dir. A separate process keeps the benchmark client's CPU and memory out of the emulator's numbers.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const REPO_ROOT = join(import.meta.dirname, '..', '..');
const READY_LINE = /^OSS emulator listening on (\S+)/;
const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface EmulatorProcess {
  /** e.g. http://127.0.0.1:40123 */
  url: string;
  pid: number;
  bucket: string;
  dataDir: string;
  /** SIGTERM (SIGKILL if it lingers), then deletes the data dir. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

function waitForReady(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new Error(`emulator ${why}; stderr:\n${stderr()}`));
    const timer = setTimeout(
      () => fail(`printed no ready line within ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    child.once('exit', (code, signal) => fail(`exited during start (${signal ?? `code ${code}`})`));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const url = READY_LINE.exec(line)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve(url);
      }
    });
  });
}

/**
 * `entry` is the script to run, relative to the repository: main.ts, or a wrapper that takes the same
 * arguments and prints the same ready line (the app suite's adds a traffic recorder).
 */
export async function spawnEmulator(
  bucket = 'bench',
  entry = 'server/emulator/main.ts',
): Promise<EmulatorProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'skylift-bench-emulator-'));
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', entry, '--port', '0', '--data', dataDir, '--bucket', bucket],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-10_000);
  });

  const stop = async () => {
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited(child);
    clearTimeout(killer);
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const url = await waitForReady(child, () => stderr);
    return { url, pid: child.pid!, bucket, dataDir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Starts an emulator, runs `task` against it, and always stops it and removes its data. */
export async function withEmulator<T>(task: (emulator: EmulatorProcess) => Promise<T>): Promise<T> {
  const emulator = await spawnEmulator();
  try {
    return await task(emulator);
  } finally {
    await emulator.stop();
  }
}
