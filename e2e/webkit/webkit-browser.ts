// WebKit (WebKitGTK) for the e2e suite: Playwright cannot drive the system's WebKitGTK, so the
// WebKit specs run in Playwright's test runner but drive the browser through WebKitWebDriver
// (selenium-webdriver), under an X server, with webkit-shell.py as the browser: a real on-disk
// profile, so files stored in IndexedDB work and survive a relaunch.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Builder } from 'selenium-webdriver';
import { killBrowser } from '../browsers.ts';
import { WebDriverPage } from './webdriver-page.ts';

const SHELL = join(import.meta.dirname, 'webkit-shell.py');
/** The application name webkit-shell.py reports to WebKitWebDriver. */
const SHELL_NAME = 'skylift-webkit-shell';

/** WEBKIT_WEBDRIVER_PATH, else Debian's webkit2gtk-driver. */
function webDriverExecutable(): string {
  const path = process.env.WEBKIT_WEBDRIVER_PATH ?? '/usr/bin/WebKitWebDriver';
  if (!existsSync(path)) {
    throw new Error(
      `No WebKitWebDriver at ${path}. Install WebKitGTK's driver and shell dependencies ` +
        '(apt-get install webkit2gtk-driver gir1.2-webkit2-4.1 python3-gi xvfb; .ci/run does) ' +
        'or set WEBKIT_WEBDRIVER_PATH.',
    );
  }
  return path;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves with the stopped process's exit; kills it with SIGTERM, then SIGKILL if it lingers. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if ((await Promise.race([exited, sleep(5000, 'timeout')])) === 'timeout') child.kill('SIGKILL');
}

/** The X display: DISPLAY when set (.ci/run starts Xvfb), else a private Xvfb for this run. */
async function xDisplay(): Promise<{ display: string; close(): Promise<void> }> {
  if (process.env.DISPLAY) return { display: process.env.DISPLAY, close: async () => undefined };
  const xvfb = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
  });
  const number = await new Promise<string>((resolve, reject) => {
    xvfb.once('error', (error) =>
      reject(new Error(`Cannot start Xvfb (apt-get install xvfb): ${error.message}`)),
    );
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)));
    xvfb.stdio[3]!.once('data', (data: Buffer) => resolve(data.toString().trim()));
  });
  return { display: `:${number}`, close: () => stop(xvfb) };
}

export interface WebKitDriver {
  /** WebKitWebDriver's address. */
  url: string;
  close(): Promise<void>;
}

/** An X display and a WebKitWebDriver on a free port, for the specs of one Playwright worker. */
export async function startWebKitDriver(): Promise<WebKitDriver> {
  const executable = webDriverExecutable();
  const x = await xDisplay();
  const port = await freePort();
  const driver = spawn(executable, [`--port=${port}`, '--host=127.0.0.1'], {
    env: { ...process.env, DISPLAY: x.display },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    const ready = await fetch(`${url}/status`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (attempt >= 100 || driver.exitCode !== null) {
      await stop(driver);
      await x.close();
      throw new Error(`WebKitWebDriver did not start on port ${port}`);
    }
    await sleep(100);
  }
  return {
    url,
    close: async () => {
      await stop(driver);
      await x.close();
    },
  };
}

export interface WebKitBrowser {
  page: WebDriverPage;
  /** SIGKILL, as a crash or a power cut would: no graceful shutdown. */
  kill(): Promise<void>;
  close(): Promise<void>;
}

/** WebKit on the profile folder `profile`: launched again on it, it is the same browser after a restart. */
export async function launchWebKit(
  driver: WebKitDriver,
  profile: string,
  baseURL: string,
): Promise<WebKitBrowser> {
  const session = await new Builder()
    .usingServer(driver.url)
    .withCapabilities({
      browserName: SHELL_NAME,
      'webkitgtk:browserOptions': { binary: SHELL, args: ['--automation', profile] },
    })
    .build();
  await session.manage().setTimeouts({ script: 60_000 });
  let killed = false;
  return {
    page: new WebDriverPage(session, baseURL),
    async kill() {
      killed = true;
      killBrowser(profile);
      // WebKitWebDriver holds one session at a time: let go of the dead one.
      await session.quit().catch(() => undefined);
    },
    async close() {
      if (killed) await session.quit().catch(() => undefined);
      else await session.quit();
    },
  };
}
