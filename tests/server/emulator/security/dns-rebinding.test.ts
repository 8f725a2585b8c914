// DNS rebinding: a web page whose own host name is made to resolve to 127.0.0.1 is same-origin with the
// emulator, so CORS no longer protects anything; only the Host header still names the attacker's
// domain. Every route, OSS and `/-/` alike, must refuse such a request before doing anything.

import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSignedEmulator } from '../../../support/ali-oss-client.ts';
import { BUCKET, type TestEmulator, xmlText } from '../../../support/emulator.ts';
import { presignedPath } from '../../../support/presigned-path.ts';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startSignedEmulator();
  const put = await presignedPath({ method: 'PUT', bucket: BUCKET, key: 'kept.txt' });
  expect((await emu.request('PUT', put, { body: 'secret' })).status).toBe(200);
});
afterEach(async () => {
  await emu.dispose();
});

const attackerHost = () => `rebind.attacker.example:${emu.port}`;

describe('DNS rebinding: a foreign Host header', () => {
  it('is refused on every route, and nothing happens', async () => {
    const oss: [method: string, path: string, headers?: Record<string, string>][] = [
      ['GET', await presignedPath({ method: 'GET', bucket: BUCKET, key: 'kept.txt' })],
      ['DELETE', await presignedPath({ method: 'DELETE', bucket: BUCKET, key: 'kept.txt' })],
      ['PUT', await presignedPath({ method: 'PUT', bucket: BUCKET, key: 'planted.html' })],
      ['GET', await presignedPath({ method: 'GET', bucket: BUCKET, key: '', scheme: 'v1' })],
      [
        'OPTIONS',
        '/kept.txt',
        { Origin: 'http://rebind.attacker.example', 'Access-Control-Request-Method': 'GET' },
      ],
    ];
    for (const [method, path, headers] of oss) {
      const res = await emu.request(method, path, {
        headers: { Host: attackerHost(), ...headers },
        body: method === 'PUT' ? '<script>steal()</script>' : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(xmlText(res.text, 'Code'), `${method} ${path}`).toBe('AccessDenied');
      expect(xmlText(res.text, 'Message')).toContain('rebind.attacker.example');
    }

    const internal: [method: string, path: string][] = [
      ['GET', '/-/health'],
      ['POST', '/-/sts'],
      ['GET', '/-/callback-public-key.pem'],
      ['GET', '/-/admin/faults'],
      ['PUT', '/-/admin/faults'],
      ['POST', '/-/admin/restart'],
      ['PUT', '/-/admin/buckets/planted-bucket'],
      ['DELETE', `/-/admin/buckets/${BUCKET}`],
      ['GET', '/-/no-such-endpoint'],
    ];
    for (const [method, path] of internal) {
      const res = await emu.request(method, path, {
        headers: { Host: attackerHost(), 'Content-Type': 'application/json' },
        body: method === 'PUT' ? '{"errorRate":1}' : undefined,
      });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.headers['content-type']).toBe('application/json');
      expect(JSON.parse(res.text).error, `${method} ${path}`).toContain('rebind.attacker.example');
    }

    // Nothing was read, written, deleted, reconfigured or restarted.
    const health = JSON.parse((await emu.request('GET', '/-/health')).text);
    expect(health.buckets).toEqual([BUCKET]);
    const kept = await emu.request(
      'GET',
      await presignedPath({ method: 'GET', bucket: BUCKET, key: 'kept.txt' }),
    );
    expect(kept.text).toBe('secret');
    const planted = await emu.request(
      'GET',
      await presignedPath({ method: 'GET', bucket: BUCKET, key: 'planted.html' }),
    );
    expect(planted.status).toBe(404);
    expect(emu.faults.state().config).toEqual({});
  });

  it('is refused without a Host header at all', async () => {
    // HTTP/1.0 lets a client omit Host.
    const socket = connect(emu.port, '127.0.0.1');
    socket.end('GET /-/health HTTP/1.0\r\n\r\n');
    const chunks: Buffer[] = [];
    for await (const chunk of socket) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString('latin1')).toMatch(/^HTTP\/1\.1 403 /);
  });
});

describe('names the emulator answers to', () => {
  it('localhost, <bucket>.localhost, loopback IPs and the listening host', async () => {
    for (const host of [
      `localhost:${emu.port}`,
      `LOCALHOST:${emu.port}`,
      `${BUCKET}.localhost:${emu.port}`,
      `127.0.0.1:${emu.port}`,
      `127.9.8.7:${emu.port}`,
      `[::1]:${emu.port}`,
      'localhost',
    ]) {
      const res = await emu.request('GET', '/-/health', { headers: { Host: host } });
      expect(res.status, host).toBe(200);
    }
    const virtualHost = await emu.request(
      'GET',
      (await presignedPath({ method: 'GET', bucket: BUCKET, key: 'kept.txt' })).replace(`/${BUCKET}`, ''),
      { headers: { Host: `${BUCKET}.localhost:${emu.port}` } },
    );
    expect(virtualHost.text).toBe('secret');
  });

  it('and OSS endpoint names, which ali-oss in Node sends when its endpoint is an IP address', async () => {
    for (const host of [
      `${BUCKET}.oss-cn-hangzhou.aliyuncs.com`,
      'oss-cn-hangzhou-internal.aliyuncs.com:443',
    ]) {
      expect((await emu.request('GET', '/-/health', { headers: { Host: host } })).status, host).toBe(200);
    }
    for (const host of ['evil-aliyuncs.com', 'aliyuncs.com.attacker.example']) {
      expect((await emu.request('GET', '/-/health', { headers: { Host: host } })).status, host).toBe(403);
    }
  });

  it('and the extra host names it is configured with, with their bucket subdomains', async () => {
    const named = await startSignedEmulator({ allowedHosts: ['Skylift.Test', '192.0.2.10'] });
    try {
      for (const host of ['skylift.test:9000', `${BUCKET}.skylift.test`, '192.0.2.10:9000']) {
        const res = await named.request('GET', '/-/health', { headers: { Host: host } });
        expect(res.status, host).toBe(200);
      }
      for (const host of ['evil-skylift.test', 'skylift.test.attacker.example', '192.0.2.11']) {
        const res = await named.request('GET', '/-/health', { headers: { Host: host } });
        expect(res.status, host).toBe(403);
      }
    } finally {
      await named.dispose();
    }
  });
});
