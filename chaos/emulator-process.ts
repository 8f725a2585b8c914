// The OSS emulator as a process of its own (`npm run emulator`, server/emulator/main.ts), so it can be
// killed with SIGKILL like a crashed server and started again on the same port and data directory.
// Its faults are set through its admin API from here (Node, never a page), and re-applied after each
// restart: they stand for the network and the service's health, which a restart does not cure.

import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FaultConfig } from '../server/emulator/faults/fault-config.ts';

const REPO_ROOT = join(import.meta.dirname, '..');
const READY_LINE = /^OSS emulator listening on (\S+)/;
const START_TIMEOUT_MS = 60_000;

export interface EmulatorProcessOptions {
  port: number;
  dataDir: string;
  bucket: string;
  /** Origins whose pages may use the bucket (the app's). */
  corsOrigins: string[];
  /** JSONL of every OSS request (server/emulator/faults/request-log.ts). */
  requestLog: string;
  /** Shortest STS token it issues; the runner sets seconds to watch tokens expire. */
  stsMinDurationSeconds: number;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export class EmulatorProcess {
  readonly url: string;
  private child: ChildProcess | undefined;
  private faults: FaultConfig = {};

  constructor(private readonly options: EmulatorProcessOptions) {
    this.url = `http://127.0.0.1:${options.port}`;
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const { port, dataDir, bucket, corsOrigins, requestLog, stsMinDurationSeconds } = this.options;
    const args = [
      '--import',
      'tsx',
      'server/emulator/main.ts',
      ...['--port', String(port), '--data', dataDir, '--bucket', bucket],
      ...corsOrigins.flatMap((origin) => ['--cors-origin', origin]),
      ...['--sts-min-duration-seconds', String(stsMinDurationSeconds), '--request-log', requestLog],
    ];
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr = (stderr + text).slice(-10_000);
    });
    child.once('exit', () => {
      if (this.child === child) this.child = undefined;
    });
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (why: string) => reject(new Error(`The emulator ${why}; stderr:\n${stderr}`));
        const timer = setTimeout(
          () => fail(`printed no ready line in ${START_TIMEOUT_MS} ms`),
          START_TIMEOUT_MS,
        );
        child.once('exit', (code, signal) => {
          clearTimeout(timer);
          fail(`exited while starting (${signal ?? `code ${code}`})`);
        });
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (READY_LINE.test(line)) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
    } catch (error) {
      await this.kill();
      throw error;
    }
    if (Object.keys(this.faults).length > 0) await this.admin('PUT', 'faults', this.faults);
  }

  /** SIGKILL, as a crash: no graceful close, writes in flight cut. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
    this.child = undefined;
  }

  /** Replaces the faults (`{}` clears them); kept for restarts. */
  async setFaults(config: FaultConfig): Promise<void> {
    this.faults = config;
    if (this.child) await this.admin('PUT', 'faults', config);
  }

  private async admin(method: string, path: string, body: unknown): Promise<void> {
    const response = await fetch(`${this.url}/-/admin/${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) {
      throw new Error(`${method} /-/admin/${path}: HTTP ${response.status} ${await response.text()}`);
    }
  }
}
