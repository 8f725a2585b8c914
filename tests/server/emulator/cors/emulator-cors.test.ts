// The CORS rule the emulator gives the buckets it creates at start: the app's own origins, not `*`,
// kept in step with the configured origins, and never over a configuration someone set themselves.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EMULATOR_DEFAULTS } from '../../../../server/config/emulator-defaults.ts';
import { PERMISSIVE_CORS_RULE } from '../../../../server/emulator/cors/cors-config.ts';
import { Store } from '../../../../server/emulator/persistence/store.ts';
import { type RunningEmulator, startEmulator } from '../../../../server/emulator/server.ts';
import { send, xmlTexts } from '../../../support/emulator.ts';
import { presignedPath } from '../../../support/presigned-path.ts';

const BUCKET = 'app-bucket';
const dirs: string[] = [];
const running: RunningEmulator[] = [];
afterEach(async () => {
  for (const emulator of running.splice(0)) await emulator.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function dataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oss-emulator-cors-'));
  dirs.push(dir);
  return dir;
}

async function start(dir: string, corsOrigins?: string[]): Promise<RunningEmulator> {
  const emulator = await startEmulator({
    host: '127.0.0.1',
    port: 0,
    dataDir: dir,
    defaultBucket: BUCKET,
    createBuckets: [BUCKET],
    ...(corsOrigins ? { corsOrigins } : {}),
  });
  running.push(emulator);
  return emulator;
}

const preflight = (emulator: RunningEmulator, origin: string) =>
  send(emulator.url, 'OPTIONS', '/photo.png', {
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'authorization,x-oss-date,x-oss-security-token',
    },
  });

async function allowedOrigins(emulator: RunningEmulator): Promise<string[]> {
  const res = await send(
    emulator.url,
    'GET',
    await presignedPath({ method: 'GET', bucket: BUCKET, key: '', query: [['cors', '']] }),
  );
  return xmlTexts(res.text, 'AllowedOrigin');
}

describe('CORS of the buckets the emulator creates', () => {
  it('allows the app at its default address, and no other page', async () => {
    const emulator = await start(await dataDir());
    expect(await allowedOrigins(emulator)).toEqual(['http://localhost:8080', 'http://127.0.0.1:8080']);
    for (const origin of EMULATOR_DEFAULTS.corsOrigins) {
      const ok = await preflight(emulator, origin);
      expect(ok.status, origin).toBe(200);
      expect(ok.headers['access-control-allow-origin']).toBe(origin);
      expect(ok.headers['access-control-expose-headers']).toContain('ETag');
    }
    for (const origin of ['https://attacker.example', 'http://localhost:8081', 'null']) {
      const denied = await preflight(emulator, origin);
      expect(denied.status, origin).toBe(403);
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('follows the configured origins across restarts, and setCorsOrigins changes them at runtime', async () => {
    const dir = await dataDir();
    const first = await start(dir, ['http://localhost:5173']);
    expect((await preflight(first, 'http://localhost:5173')).status).toBe(200);
    await first.setCorsOrigins(['http://127.0.0.1:41000', 'http://localhost:41000']);
    expect((await preflight(first, 'http://localhost:5173')).status).toBe(403);
    expect((await preflight(first, 'http://127.0.0.1:41000')).status).toBe(200);
    await first.restart();
    expect((await preflight(first, 'http://127.0.0.1:41000')).status).toBe(200);
    await first.close();

    const second = await start(dir, ['https://app.example']);
    expect(await allowedOrigins(second)).toEqual(['https://app.example']);
  });

  it('leaves a CORS configuration set with PutBucketCors alone', async () => {
    const dir = await dataDir();
    const first = await start(dir);
    const body =
      '<CORSConfiguration><CORSRule><AllowedOrigin>https://mine.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>';
    const put = await send(
      first.url,
      'PUT',
      await presignedPath({ method: 'PUT', bucket: BUCKET, key: '', query: [['cors', '']] }),
      { body },
    );
    expect(put.status).toBe(200);
    await first.close();
    const second = await start(dir, ['http://localhost:9999']);
    expect(await allowedOrigins(second)).toEqual(['https://mine.example']);
  });

  it('replaces the allow-all rule that earlier versions installed', async () => {
    const dir = await dataDir();
    const store = await Store.open(dir, Date.now);
    await store.createBucket(BUCKET, { cors: { rules: [PERMISSIVE_CORS_RULE], responseVary: false } });
    const emulator = await start(dir);
    expect(await allowedOrigins(emulator)).toEqual([...EMULATOR_DEFAULTS.corsOrigins]);
    expect((await preflight(emulator, 'https://attacker.example')).status).toBe(403);
  });
});
