import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './harness/chromium.ts';

// Ports of their own, so the suite can run beside a developer's `npm start` (and, with
// E2E_APP_PORT / E2E_EMULATOR_PORT set, beside another checkout's suite).
export const E2E_APP_PORT = Number(process.env.E2E_APP_PORT ?? 8181);
export const E2E_EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? 9181);

export default defineConfig({
  testDir: 'e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  use: {
    baseURL: `http://localhost:${E2E_APP_PORT}`,
    browserName: 'chromium',
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
    serviceWorkers: 'allow',
    trace: 'retain-on-failure',
  },
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
