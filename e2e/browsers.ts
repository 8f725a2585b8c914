// The browsers the e2e suites drive through Playwright, and how: Chromium (harness/chromium.ts) and
// Firefox. WebKit is driven through WebKitWebDriver instead (e2e/webkit/).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type BrowserContext, chromium, firefox, type LaunchOptions } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../harness/chromium.ts';

export type PlaywrightBrowser = 'chromium' | 'firefox';

/**
 * Where Firefox comes from: FIREFOX_PATH, else Debian's ESR at /usr/bin/firefox-esr, else
 * Playwright's own build (`npx playwright install firefox`), signalled by undefined.
 */
export function firefoxExecutable(): string | undefined {
  if (process.env.FIREFOX_PATH) return process.env.FIREFOX_PATH;
  return existsSync('/usr/bin/firefox-esr') ? '/usr/bin/firefox-esr' : undefined;
}

/**
 * A stock Firefox is driven over WebDriver BiDi (channel moz-firefox; patches/ makes Playwright
 * tolerate the one BiDi command Firefox 153 lacks); Playwright's own build needs no channel.
 */
export function firefoxChannel(): 'moz-firefox' | undefined {
  return firefoxExecutable() ? 'moz-firefox' : undefined;
}

/** Firefox preferences for a test: `dom.serviceWorkers.*` timeouts, the storage prompt's test switches. */
export type FirefoxPrefs = Record<string, string | number | boolean>;

export function launchOptionsFor(browser: PlaywrightBrowser, firefoxUserPrefs?: FirefoxPrefs): LaunchOptions {
  return browser === 'chromium'
    ? { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS }
    : { executablePath: firefoxExecutable(), channel: firefoxChannel(), firefoxUserPrefs };
}

/**
 * A browser on an on-disk profile, as people have (Playwright's own contexts are in-memory, like a
 * private window). Launched again on the same folder, it is the same browser after a restart.
 */
export function launchProfile(
  browser: PlaywrightBrowser,
  profile: string,
  options: { baseURL: string; firefoxUserPrefs?: FirefoxPrefs },
): Promise<BrowserContext> {
  const type = browser === 'chromium' ? chromium : firefox;
  return type.launchPersistentContext(profile, {
    ...launchOptionsFor(browser, options.firefoxUserPrefs),
    baseURL: options.baseURL,
  });
}

/**
 * Kills a browser launched on `profile` at once (SIGKILL, no graceful shutdown): its main process is
 * the oldest one whose command line names this test's own profile folder.
 */
export function killBrowser(profile: string): void {
  const pid = Number(execFileSync('pgrep', ['-o', '-f', '--', profile]).toString().trim());
  process.kill(pid, 'SIGKILL');
}
