// Real Chromium with an on-disk profile, as a person has it (harness/chromium.ts: the e2e tests'
// binary and flags), that the runner can kill like a crash and launch again on the same profile.
//
// Offline is Playwright's context.setOffline (DevTools network emulation), which has two gaps around
// service workers that this class closes: emulation sent to a stopped worker waits until the worker
// runs again, and a worker that starts again after a stop has lost it. So a blank "watch" page (not
// of the app's origin: the worker never counts it as a window) follows the workers' running status over
// DevTools, and re-applies offline to a worker that starts again. A third gap: a worker stopped while
// its emulation is offline keeps that emulation in Chromium's network layer after it starts again,
// unseen by Playwright (navigator.onLine true, every fetch "Failed to fetch"), and going online never
// reaches it. So the runner lifts offline from the workers before it stops them, and puts it back after.

import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BrowserContext, type CDPSession, chromium, type Page } from '@playwright/test';
import { childrenMatching, processTree } from '../bench/lib/process-tree.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';

/** Under load a page may take a while; a step that waits longer than this has found a hang. */
const ACTION_TIMEOUT_MS = 60_000;
/** How long setOffline may wait for a stopped worker before the runner moves on (the watch catches up). */
const EMULATION_WAIT_MS = 2000;

interface WorkerVersion {
  versionId: string;
  runningStatus: string;
}

export class Browser {
  private offline = false;
  private readonly running = new Map<string, string>();

  private constructor(
    readonly context: BrowserContext,
    /** The browser's main process; every other Chromium process descends from it. */
    readonly pid: number,
    private readonly profileDir: string,
    private readonly watch: CDPSession,
  ) {
    watch.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: WorkerVersion[] }) => {
      for (const { versionId, runningStatus } of versions) {
        const before = this.running.get(versionId);
        this.running.set(versionId, runningStatus);
        if (runningStatus === 'running' && before !== undefined && before !== 'running') this.workerStarted();
      }
    });
  }

  static async launch(profileDir: string, baseURL: string): Promise<Browser> {
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: chromiumExecutable(),
      args: CHROMIUM_ARGS,
      baseURL,
      serviceWorkers: 'allow',
      // The runner's own handlers take everything down in order (main.ts); Playwright's would exit first.
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
    context.setDefaultTimeout(ACTION_TIMEOUT_MS);
    // tsx compiles with esbuild's keepNames, which may wrap functions inside page.evaluate() callbacks
    // in calls to its __name helper; the page gets an identity stand-in for it.
    await context.addInitScript('globalThis.__name ??= (target) => target;');
    // Found by its profile directory among this process's own children: never anyone else's browser.
    const [pid] = await childrenMatching(process.pid, `--user-data-dir=${profileDir}`);
    if (pid === undefined) {
      await context.close();
      throw new Error(`No Chromium process with --user-data-dir=${profileDir} among this process's children`);
    }
    const watchPage = context.pages()[0] ?? (await context.newPage());
    const watch = await context.newCDPSession(watchPage);
    const browser = new Browser(context, pid, profileDir, watch);
    await watch.send('ServiceWorker.enable');
    return browser;
  }

  /** Pages of the app (the watch page is not one). */
  appPages(baseURL: string): Page[] {
    return this.context.pages().filter((page) => page.url().startsWith(baseURL));
  }

  async setOffline(offline: boolean): Promise<void> {
    this.offline = offline;
    const applying = this.context.setOffline(offline).catch(() => undefined);
    await Promise.race([applying, sleep(EMULATION_WAIT_MS)]);
  }

  /** A worker runs again after a stop: while offline, it must be offline too. */
  private workerStarted(): void {
    if (!this.offline) return;
    // Playwright sends emulation only on a change, so the state is flipped; for pages that is a blink.
    void (async () => {
      await this.context.setOffline(false);
      if (this.offline) await this.context.setOffline(true);
    })().catch(() => undefined);
  }

  /** Terminates every service worker, as Chromium does to an idle or misbehaving one (DevTools "Stop"). */
  async stopWorkers(): Promise<void> {
    const offline = this.offline;
    if (offline) await this.setOffline(false);
    await this.watch.send('ServiceWorker.stopAllWorkers');
    if (offline) await this.setOffline(true);
  }

  /** SIGKILL to every process of the browser at once, as a crash or a power cut leaves it. */
  async kill(): Promise<void> {
    // Only while the pid is still this browser: a pid freed by its exit may be reused by anyone.
    const cmdline = await readFile(`/proc/${this.pid}/cmdline`, 'utf8').catch(() => '');
    const members = cmdline.includes(`--user-data-dir=${this.profileDir}`) ? await processTree(this.pid) : [];
    for (const member of members) {
      try {
        process.kill(member, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await this.context.close().catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => undefined);
    // A browser that did not close in time is killed; its processes must not outlive the run.
    await this.kill();
  }
}
