// Everything a chaos run breaks, and the means to break it: the OSS emulator (a child process), the
// app server with its token service (in this process, wired as `npm start` wires them), and Chromium on
// an on-disk profile. A step that needs the app (enqueue, a click) first brings the browser and a page
// back, as a person would reopen them; the scenario generator models the same (scenario.ts).

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openApp } from '../harness/app-page.ts';
import type { EmulatorTarget } from '../harness/emulator-root.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import type { FaultConfig } from '../server/emulator/faults/fault-config.ts';
import { startTestApp, type TestApp } from '../tests/support/app-stack.ts';
import { Browser } from './browser.ts';
import { EmulatorProcess } from './emulator-process.ts';

export interface WorldOptions {
  /** A directory of this run's own: profile, emulator data and request log go under it. */
  workDir: string;
  emulatorPort: number;
  /** The build the app server serves. */
  distDir: string;
  /** OSS_STS_DURATION_SECONDS of the token service. */
  stsDurationSeconds: number;
}

export class World {
  readonly target: EmulatorTarget;
  private browser: Browser | undefined;

  private constructor(
    readonly app: TestApp,
    readonly emulator: EmulatorProcess,
    private readonly profileDir: string,
    /** JSONL of every OSS request the emulator received, across its restarts. */
    readonly requestLogPath: string,
  ) {
    this.target = { url: emulator.url, bucket: EMULATOR_DEFAULTS.bucket };
  }

  /** `created` hears of the world before its processes start, so Ctrl-C can take them down with it. */
  static async start(options: WorldOptions, created?: (world: World) => void): Promise<World> {
    const emulatorUrl = `http://127.0.0.1:${options.emulatorPort}`;
    // The product's token service and session policy; only the token lifetime is the run's.
    const app = await startTestApp(
      emulatorUrl,
      { OSS_STS_DURATION_SECONDS: String(options.stsDurationSeconds) },
      { distDir: options.distDir },
    );
    const profileDir = join(options.workDir, 'profile');
    const dataDir = join(options.workDir, 'emulator-data');
    const requestLogPath = join(options.workDir, 'requests.jsonl');
    await Promise.all([mkdir(profileDir), mkdir(dataDir)]);
    const emulator = new EmulatorProcess({
      port: options.emulatorPort,
      dataDir,
      bucket: EMULATOR_DEFAULTS.bucket,
      // The app's page, and no other, may use the bucket (README, "Security model").
      corsOrigins: app.origins,
      requestLog: requestLogPath,
      stsMinDurationSeconds: 1,
    });
    const world = new World(app, emulator, profileDir, requestLogPath);
    created?.(world);
    try {
      await emulator.start();
      await world.ensurePage();
    } catch (error) {
      await world.dispose();
      throw error;
    }
    return world;
  }

  get appUrl(): string {
    return new URL(this.app.credentialsUrl).origin;
  }

  /** The key prefix the app's tokens allow. */
  get prefix(): string {
    return this.app.config.token.prefix;
  }

  get browserUp(): boolean {
    return this.browser !== undefined;
  }

  async ensureBrowser(): Promise<Browser> {
    this.browser ??= await Browser.launch(this.profileDir, this.appUrl);
    return this.browser;
  }

  /** An open page of the app controlled by its worker; opening one is the page's hello. */
  async ensurePage(): Promise<Page> {
    const browser = await this.ensureBrowser();
    const [open] = browser.appPages(this.appUrl);
    if (open) return open;
    const page = await browser.context.newPage();
    await openApp(page);
    return page;
  }

  /** Loads the app afresh: in the open page if there is one, else in a new one. */
  async openApp(): Promise<Page> {
    const browser = await this.ensureBrowser();
    const [open] = browser.appPages(this.appUrl);
    if (!open) return this.ensurePage();
    await openApp(open);
    return open;
  }

  async closePages(): Promise<void> {
    for (const page of this.browser?.appPages(this.appUrl) ?? []) await page.close();
  }

  /** Only a running browser can be offline; a relaunched one starts online. */
  async setOffline(offline: boolean): Promise<void> {
    await this.browser?.setOffline(offline);
  }

  async stopWorkers(): Promise<void> {
    await (await this.ensureBrowser()).stopWorkers();
  }

  async killBrowser(): Promise<void> {
    await this.browser?.kill();
    this.browser = undefined;
  }

  /** The same profile again, and the app opened in it. */
  async relaunchBrowser(): Promise<void> {
    await this.ensurePage();
  }

  async killEmulator(): Promise<void> {
    await this.emulator.kill();
  }

  async restartEmulator(): Promise<void> {
    await this.emulator.start();
  }

  async setFaults(config: FaultConfig): Promise<void> {
    await this.emulator.setFaults(config);
  }

  /** Kills the browser and the emulator, and stops the app server. Safe to call twice. */
  async dispose(): Promise<void> {
    await this.browser?.close();
    this.browser = undefined;
    await this.emulator.kill();
    await this.app.close().catch(() => undefined);
  }
}
