import { existsSync } from 'node:fs';

/**
 * Where Chromium comes from: CHROMIUM_PATH, else the Debian build at /usr/bin/chromium, else
 * Playwright's own download (`npx playwright install chromium`), signalled by undefined.
 */
export function chromiumExecutable(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined;
}

/**
 * Flags for a sandboxed CI machine with no route to Google's services: without the background-networking
 * ones Chromium keeps opening connections the closed network refuses, and fails to look up Google's hosts.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
