// The machine and revision a result came from: without them numbers from two runs can't be compared.

import { execFileSync } from 'node:child_process';
import { arch, cpus, platform, release, totalmem } from 'node:os';

export interface Environment {
  node: string;
  os: string;
  cpuModel: string;
  cpuCount: number;
  totalMemoryBytes: number;
  /** Undefined outside a git checkout. */
  gitCommit?: string;
  /** Uncommitted changes: the numbers describe code that no commit holds. */
  gitDirty?: boolean;
}

function git(...args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

export function describeEnvironment(): Environment {
  const status = git('status', '--porcelain', '--untracked-files=no');
  return {
    node: process.version,
    os: `${platform()} ${release()} ${arch()}`,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cpuCount: cpus().length,
    totalMemoryBytes: totalmem(),
    gitCommit: git('rev-parse', 'HEAD'),
    gitDirty: status === undefined ? undefined : status !== '',
  };
}
