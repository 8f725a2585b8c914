import { defineConfig } from '@playwright/test';
import { launchOptionsFor } from './e2e/browsers.ts';

// Ports of their own, so the suite can run beside a developer's `npm start` (and, with
// E2E_APP_PORT / E2E_EMULATOR_PORT set, beside another checkout's suite).
export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 8181);
export const E2E_EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 9181);

/**
 * The core flows, run in Firefox as well: uploads with headers and metadata, progress, pause, resume
 * and abort, hostile names, the dashboard, outages on the emulator's side, a browser restart, and
 * what the page says about closing it. Tests of what Firefox lacks carry one of FIREFOX_LACKS.
 */
const FIREFOX_SPECS = [
  'upload-basics.spec.ts',
  'upload-view.spec.ts',
  'dashboard.spec.ts',
  'upload-faults.spec.ts',
  'upload-restart.spec.ts',
  'page-tells-the-truth.spec.ts',
  'firefox/**/*.spec.ts',
];
/**
 * Background Sync (uploads going on with no page open), offline emulation that reaches the service
 * worker (context.setOffline does not in Firefox), the app badge; and, in Playwright's driver for
 * Firefox, setting a folder on a folder input.
 */
const FIREFOX_LACKS = /@needs-(background-sync|offline-emulation|app-badge|folder-upload-automation)\b/;

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${E2E_APP_PORT}`,
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      testIgnore: ['firefox/**', 'firefox-long/**', 'webkit/**'],
      use: { browserName: 'chromium', launchOptions: launchOptionsFor('chromium') },
    },
    {
      name: 'firefox',
      testMatch: FIREFOX_SPECS,
      grepInvert: FIREFOX_LACKS,
      use: { browserName: 'firefox', launchOptions: launchOptionsFor('firefox') },
    },
    {
      // WebKitGTK through WebKitWebDriver (e2e/webkit/webkit-browser.ts); no Playwright browser.
      name: 'webkit',
      testMatch: 'webkit/**/*.spec.ts',
    },
    // A measurement of minutes, not part of `npm test`: E2E_LONG_UPLOAD=1 npx playwright test --project=firefox-long
    ...(process.env.E2E_LONG_UPLOAD
      ? [
          {
            name: 'firefox-long',
            testMatch: 'firefox-long/**/*.spec.ts',
            use: { browserName: 'firefox' as const, launchOptions: launchOptionsFor('firefox') },
          },
        ]
      : []),
  ],
  // The product exactly as `npm start` runs it, on a throw-away data directory.
  webServer: {
    command: 'node --import tsx server/start.ts',
    url: `http://localhost:${E2E_APP_PORT}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    env: {
      PORT: String(E2E_APP_PORT),
      OSS_EMULATOR_PORT: String(E2E_EMULATOR_PORT),
      DATA_DIR: 'test-results/e2e-data',
    },
  },
});
