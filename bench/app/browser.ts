// Chromium as the e2e tests launch it (harness/chromium.ts), one fresh browser per measurement so no run
// inherits another's caches or processes. A persistent context on a temp profile, because its main
// process can then be found (its command line names the profile), measured and killed.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../harness/chromium.ts';
import { cpuSecondsBetween, readCpuSeconds } from '../lib/process-stats.ts';
import {
  childrenMatching,
  processTree,
  readTreeCpu,
  treeCpuSecondsBetween,
  watchTreePeakPss,
} from '../lib/process-tree.ts';

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** The browser's main process; every other Chromium process descends from it. */
  pid: number;
  profileDir: string;
  /** Closes the browser; the profile is kept for a relaunch when `keepProfile`. */
  close(options?: { keepProfile?: boolean }): Promise<void>;
  /** SIGKILL to every process of the browser at once, as a crash or a power cut would leave it. */
  kill(): Promise<void>;
}

export interface LaunchOptions {
  /** Reuse a profile (relaunch after a kill); default a new temp one. */
  profileDir?: string;
  /** 'block' for pages that must not be controlled by Skylift's worker (the baselines). */
  serviceWorkers?: 'allow' | 'block';
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<Browser> {
  const profileDir = options.profileDir ?? (await mkdtemp(join(tmpdir(), 'skylift-bench-profile-')));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS,
    headless: true,
    serviceWorkers: options.serviceWorkers ?? 'allow',
  });
  // tsx compiles with esbuild's keepNames, which wraps named functions in page.evaluate() callbacks in
  // calls to its __name helper; the page has no such helper unless given this identity stand-in.
  await context.addInitScript('globalThis.__name ??= (target) => target;');
  const [pid] = await childrenMatching(process.pid, `--user-data-dir=${profileDir}`);
  if (pid === undefined) {
    await context.close();
    throw new Error(`no Chromium process with --user-data-dir=${profileDir} among this process's children`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    pid,
    profileDir,
    close: async ({ keepProfile = false } = {}) => {
      await context.close();
      if (!keepProfile) await rm(profileDir, { recursive: true, force: true });
    },
    kill: async () => {
      for (const member of await processTree(pid)) {
        try {
          process.kill(member, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await context.close().catch(() => undefined);
    },
  };
}

export interface Work<T> {
  result: T;
  browserCpuSeconds: number;
  emulatorCpuSeconds: number;
  /** Peak of the browser processes' summed PSS, sampled every 50 ms. */
  browserPeakPssBytes: number;
}

/** Runs `task` while reading the CPU time of the browser and the emulator, and the browser's memory. */
export async function measureWork<T>(
  browser: Browser,
  emulatorPid: number,
  task: () => Promise<T>,
): Promise<Work<T>> {
  const browserCpu = await readTreeCpu(browser.pid);
  const emulatorCpu = await readCpuSeconds(emulatorPid);
  const memory = await watchTreePeakPss(browser.pid);
  try {
    const result = await task();
    return {
      result,
      browserCpuSeconds: treeCpuSecondsBetween(browserCpu, await readTreeCpu(browser.pid)),
      emulatorCpuSeconds: cpuSecondsBetween(emulatorCpu, await readCpuSeconds(emulatorPid)),
      browserPeakPssBytes: (await memory.stop()).peakPssBytes,
    };
  } catch (error) {
    await memory.stop();
    throw error;
  }
}
