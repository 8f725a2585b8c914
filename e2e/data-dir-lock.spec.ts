// `npm start` on a data directory that another emulator holds stops at once, with one line that names
// the directory and the other process, and exit code 2. Here, with the app built, because `npm start`
// builds it first when it is missing.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E_APP_PORT, E2E_EMULATOR_PORT } from '../playwright.config.ts';

const REPO_ROOT = join(import.meta.dirname, '..');

function output(child: ChildProcess): { stdout: () => string; stderr: () => string } {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return { stdout: () => stdout, stderr: () => stderr };
}

test('npm start on a data directory in use exits with code 2 and one line naming it and the holder', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'skylift-locked-'));
  const holder = spawn(
    process.execPath,
    ['--import', 'tsx', 'server/emulator/main.ts', '--port', '0', '--data', dataDir],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  try {
    const held = output(holder);
    await expect.poll(held.stdout, { timeout: 30_000 }).toContain('OSS emulator listening');

    const second = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Ports the suite's own server holds: the data directory must be refused before any is tried.
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        PORT: String(E2E_APP_PORT),
        OSS_EMULATOR_PORT: String(E2E_EMULATOR_PORT),
      },
    });
    const said = output(second);
    const code = await new Promise<number | null>((resolve) => second.once('exit', resolve));
    expect(said.stderr()).toBe(
      `The data directory ${dataDir} is in use by another OSS emulator (pid ${holder.pid}): stop that one, or give this one another data directory (DATA_DIR).\n`,
    );
    expect(code).toBe(2);
  } finally {
    holder.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
});
