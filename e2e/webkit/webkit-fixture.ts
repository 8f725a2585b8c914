// The WebKit specs' fixtures: the per-test upload stack (fixtures/upload-stack.ts), one
// WebKitWebDriver per Playwright worker, and `webkit.launch()` for a WebKit on this test's own
// profile folder (each launch after a kill is a browser restart on the same profile).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as stackTest } from '../fixtures/upload-stack.ts';
import { launchWebKit, startWebKitDriver, type WebKitBrowser, type WebKitDriver } from './webkit-browser.ts';

export interface WebKitLauncher {
  launch(): Promise<WebKitBrowser>;
}

export const test = stackTest.extend<{ webkit: WebKitLauncher }, { webkitDriver: WebKitDriver }>({
  webkitDriver: [
    // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
    async ({}, use) => {
      const driver = await startWebKitDriver();
      try {
        await use(driver);
      } finally {
        await driver.close();
      }
    },
    { scope: 'worker' },
  ],
  webkit: async ({ webkitDriver, stack }, use) => {
    const profile = mkdtempSync(join(tmpdir(), 'skylift-webkit-'));
    const launched: WebKitBrowser[] = [];
    try {
      await use({
        launch: async () => {
          const browser = await launchWebKit(webkitDriver, profile, stack.appUrl);
          launched.push(browser);
          return browser;
        },
      });
    } finally {
      for (const browser of launched) await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    }
  },
});

export { expect } from '../fixtures/upload-stack.ts';
