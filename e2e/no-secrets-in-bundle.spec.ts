// The long-term AccessKey stays on the server: not in the built files, and not in what the page gets
// from the token service. The e2e server (playwright.config.ts) runs in emulator mode, so its
// server-side key is the emulator's well-known default pair.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';

const distDir = resolve(import.meta.dirname, '..', 'dist');
const SERVER_SECRETS = {
  accessKeyId: EMULATOR_DEFAULTS.accessKeyId,
  accessKeySecret: EMULATOR_DEFAULTS.accessKeySecret,
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test.describe('no long-term secret reaches the browser', () => {
  test('the built dist/ contains neither the server AccessKeyId nor its secret', () => {
    // `npm start` (the web server of this suite) has built dist/ if it was missing or stale.
    const files = filesUnder(distDir);
    expect(files.map((f) => relative(distDir, f))).toContain('index.html');
    const leaks: string[] = [];
    for (const file of files) {
      // Bytes, not text: source maps, icons and anything else in the build are scanned alike.
      const bytes = readFileSync(file);
      for (const [name, value] of Object.entries(SERVER_SECRETS)) {
        if (bytes.includes(value)) leaks.push(`${relative(distDir, file)} contains the server ${name}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  test('the page obtains STS credentials only', async ({ page }) => {
    await page.goto('/');
    const answer = await page.evaluate(async () => {
      const response = await fetch('/api/credentials', { method: 'POST' });
      return { status: response.status, text: await response.text() };
    });
    expect(answer.status).toBe(200);
    const credentials = JSON.parse(answer.text) as Record<string, string>;
    expect(credentials.accessKeyId).toMatch(/^STS\./);
    expect(credentials.securityToken).toBeTruthy();
    expect(Date.parse(credentials.expiration!)).toBeGreaterThan(Date.now());
    expect(credentials.prefix).toBe('uploads/');
    for (const value of Object.values(SERVER_SECRETS)) expect(answer.text).not.toContain(value);
  });
});
