// What every response of the app server carries (security headers, the Content-Security-Policy on
// documents and scripts), and what its health check says.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppServer, createAppServer } from './app-server.ts';
import { ossOrigins } from './security-headers.ts';

let dist: string;
let server: AppServer;

beforeAll(async () => {
  dist = mkdtempSync(join(tmpdir(), 'skylift-app-dist-'));
  mkdirSync(join(dist, 'assets'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Skylift</title>');
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), 'export {};');
  writeFileSync(join(dist, 'assets', 'index-abc.css'), 'body{}');
  server = await createAppServer({
    distDir: dist,
    security: {
      oss: { endpoint: 'https://oss-cn-hangzhou.aliyuncs.com', bucket: 'acme' },
      publicUrl: 'https://skylift.example.com',
      signInProvider: 'https://login.example.com/realms/acme',
    },
    api: (scope) => {
      scope.get('/thing', async () => ({ ok: true }));
    },
  });
});
afterAll(async () => {
  await server.app.close();
  rmSync(dist, { recursive: true, force: true });
});

const EXPECTED_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; " +
  "connect-src 'self' https://oss-cn-hangzhou.aliyuncs.com https://acme.oss-cn-hangzhou.aliyuncs.com; " +
  "worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; " +
  "form-action 'self' https://login.example.com; frame-ancestors 'none'";

describe('security headers', () => {
  it('puts the strict policy on every document and script: the shell, client-side routes, the worker', async () => {
    for (const [url, accept] of [
      ['/', 'text/html'],
      ['/index.html', 'text/html'],
      ['/some/client/route', 'text/html'],
      ['/sw.js', '*/*'],
      ['/assets/index-abc.js', '*/*'],
    ] as const) {
      const response = await server.app.inject({ url, headers: { accept } });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy'], url).toBe(EXPECTED_CSP);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
      expect(response.headers['strict-transport-security'], url).toBe('max-age=31536000');
      expect(response.headers['cross-origin-opener-policy'], url).toBe('same-origin');
    }
  });

  it('puts the other headers on everything else, JSON and styles included', async () => {
    for (const url of ['/api/thing', '/api/health', '/assets/index-abc.css', '/api/missing']) {
      const response = await server.app.inject({ url });
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['content-security-policy'], url).toBeUndefined();
    }
  });

  it('allows connections to the bucket as the OSS client addresses it', () => {
    expect(ossOrigins('http://127.0.0.1:9000', 'skylift-dev')).toEqual(['http://127.0.0.1:9000']);
    expect(ossOrigins('http://localhost:9000', 'skylift-dev')).toEqual([
      'http://localhost:9000',
      'http://skylift-dev.localhost:9000',
    ]);
  });

  it('sends no HSTS over plain HTTP', async () => {
    const local = await createAppServer({
      distDir: dist,
      security: { oss: { endpoint: 'http://127.0.0.1:9000', bucket: 'b' } },
    });
    const response = await local.app.inject({ url: '/' });
    expect(response.headers['strict-transport-security']).toBeUndefined();
    expect(response.headers['content-security-policy']).toContain("form-action 'self';");
    await local.app.close();
  });
});

describe('GET /api/health', () => {
  it('answers 200 while serving, and 503 once stopping or when the build is gone', async () => {
    const own = mkdtempSync(join(tmpdir(), 'skylift-app-dist-'));
    writeFileSync(join(own, 'index.html'), '<!doctype html>');
    const probed = await createAppServer({
      distDir: own,
      security: { oss: { endpoint: 'http://127.0.0.1:9000', bucket: 'b' } },
    });
    const health = async () => {
      const response = await probed.app.inject({ url: '/api/health' });
      return { status: response.statusCode, body: response.json(), cache: response.headers['cache-control'] };
    };
    expect(await health()).toEqual({
      status: 200,
      body: { ok: true, status: 'serving', build: 'ok' },
      cache: 'no-store',
    });
    rmSync(join(own, 'index.html'));
    expect(await health()).toMatchObject({ status: 503, body: { ok: false, build: 'missing' } });
    writeFileSync(join(own, 'index.html'), '<!doctype html>');
    probed.markStopping();
    expect(await health()).toMatchObject({
      status: 503,
      body: { ok: false, status: 'stopping', build: 'ok' },
    });
    await probed.app.close();
    rmSync(own, { recursive: true, force: true });
  });
});
