// The production start as a deployment runs it: `npm run build` compiled the server into dist-server/,
// and plain node (no TypeScript loader, no Vite, no emulator) serves the built app against OSS — here
// the emulator, started apart and addressed as real OSS would be (OSS_ENDPOINT, OSS_STS_ENDPOINT).
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test } from '@playwright/test';
import { appOrigins } from '../server/config/config.ts';
import { EMULATOR_DEFAULTS } from '../server/config/emulator-defaults.ts';
import { freePort } from '../server/net/free-port.ts';
import { startTestEmulator, type TestEmulator } from '../server/token-service/test-stack.ts';
import { makeFile, objectSha256, uploadItem, workerControls } from './upload-support.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SERVER = 'dist-server/server/serve.js';

interface Started {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: () => string;
}

function startProduction(env: Record<string, string>): Started {
  expect(existsSync(resolve(ROOT, SERVER)), 'run "npm run build" first').toBe(true);
  // Only what a deployment sets: no inherited NODE_OPTIONS or loaders.
  const child = spawn(process.execPath, [SERVER], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, exited, output: () => output };
}

let emulator: TestEmulator;
const running: ChildProcess[] = [];
test.beforeAll(async () => {
  emulator = await startTestEmulator();
});
test.afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  await emulator?.close();
});

test.describe('the production start', () => {
  test('is what npm run start:prod runs', () => {
    const scripts = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts;
    expect(scripts['start:prod']).toBe(`NODE_ENV=production node ${SERVER}`);
    expect(scripts.build).toContain('tsc -p tsconfig.server.json');
  });

  test('serves the built app on plain node, answers its health check, uploads, and drains on SIGTERM', async ({
    page,
  }) => {
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    // The bucket's CORS rule names the app's origin, as docs/real-oss.md has it set up.
    await emulator.emulator.setCorsOrigins(appOrigins('127.0.0.1', port));
    const server = startProduction({
      HOST: '127.0.0.1',
      PORT: String(port),
      OSS_ENDPOINT: emulator.emulator.url,
      OSS_REGION: EMULATOR_DEFAULTS.region,
      OSS_BUCKET: EMULATOR_DEFAULTS.bucket,
      OSS_STS_ROLE_ARN: EMULATOR_DEFAULTS.roleArn,
      OSS_STS_ENDPOINT: `${emulator.emulator.url}/-/sts`,
      ALIBABA_CLOUD_ACCESS_KEY_ID: EMULATOR_DEFAULTS.accessKeyId,
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: EMULATOR_DEFAULTS.accessKeySecret,
      TOKEN_ACCESS: 'loopback',
      DRAIN_SECONDS: '5',
    });
    running.push(server.child);
    await expect.poll(server.output, { timeout: 30_000 }).toContain(`Skylift is running: open ${appUrl}/`);

    const health = await fetch(`${appUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true, status: 'serving', build: 'ok' });
    const shell = await fetch(`${appUrl}/`, { headers: { accept: 'text/html' } });
    expect(await shell.text()).toContain('<skylift-app>');
    expect(shell.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    await page.goto(appUrl);
    await workerControls(page);
    const file = makeFile(300 * 1024);
    await page.getByLabel('Choose files to upload').setInputFiles(file.path);
    await expect(uploadItem(page, file.name).getByRole('status')).toHaveText('done', { timeout: 30_000 });
    const target = { url: emulator.emulator.url, bucket: EMULATOR_DEFAULTS.bucket };
    expect(await objectSha256(`uploads/${file.name}`, target)).toBe(file.sha256);

    // SIGTERM: the health check fails first, so a balancer drains the instance; then it exits cleanly.
    server.child.kill('SIGTERM');
    await expect
      .poll(async () => (await fetch(`${appUrl}/api/health`).catch(() => undefined))?.status, {
        intervals: [100],
      })
      .toBe(503);
    expect(await server.exited).toBe(0);
  });

  test('refuses to start without real OSS, saying how to run locally', async () => {
    const server = startProduction({ PORT: String(await freePort()) });
    running.push(server.child);
    expect(await server.exited).toBe(2);
    expect(server.output()).toContain(
      'Configuration error: The production start serves real OSS: set OSS_ENDPOINT',
    );
  });
});
