// `npm start` as a person runs it: one process tree, one clear line on bad input, clean Ctrl-C.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/repo-root.ts';

const ROOT = REPO_ROOT;
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function start(env: Record<string, string>) {
  const dataDir = await mkdtemp(join(tmpdir(), 'skylift-start-'));
  dirs.push(dataDir);
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/start.ts'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

describe('npm start', () => {
  it('starts the app and the emulator, prints the URL, and stops both on Ctrl-C', async () => {
    const [port, emulatorPort] = [await freePort(), await freePort()];
    const app = await start({ PORT: String(port), OSS_EMULATOR_PORT: String(emulatorPort) });
    await expect.poll(() => app.output().stdout, { timeout: 90_000 }).toContain('Skylift is running');
    expect(app.output().stdout).toContain(`open http://localhost:${port}/`);
    expect((await fetch(`http://localhost:${port}/api/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${emulatorPort}/-/health`)).status).toBe(200);
    // The emulator's bucket lets the app's own page in (under either loopback name), no other page.
    const preflight = (origin: string) =>
      fetch(`http://127.0.0.1:${emulatorPort}/uploads/x.bin`, {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'PUT' },
      });
    for (const origin of [`http://localhost:${port}`, `http://127.0.0.1:${port}`]) {
      expect((await preflight(origin)).status, origin).toBe(200);
    }
    expect((await preflight('https://attacker.example')).status).toBe(403);

    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
    await expect(fetch(`http://localhost:${port}/api/health`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${emulatorPort}/-/health`)).rejects.toThrow();
  });

  it('stops with one line naming the variable when the configuration is invalid', async () => {
    const app = await start({ PORT: 'eighty' });
    expect(await app.exited).toBe(2);
    expect(app.output().stderr.trim()).toBe(
      'Configuration error: PORT must be a TCP port between 1 and 65535, got "eighty"',
    );
  });

  it('says which port is taken instead of crashing', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const app = await start({ PORT: String(port), OSS_EMULATOR_PORT: String(await freePort()) });
      expect(await app.exited).toBe(2);
      expect(app.output().stderr).toMatch(new RegExp(`^Port ${port} is already in use`, 'm'));
      expect(app.output().stderr).not.toMatch(/\bat .+:\d+:\d+/);
    } finally {
      blocker.close();
    }
  });
});
