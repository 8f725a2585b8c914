// Upload callbacks may not call into this machine or its private networks unless configured to: the
// callback's answer is relayed to the uploader, so an open callback lets any token holder read a
// local service. Only loopback targets are used here (nothing may be sent to private ranges); the
// other ranges are checked by the classifier alone.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings are OSS callback variables.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callbackTargets } from '../../../../server/emulator/callback/callback-targets.ts';
import { postCallback } from '../../../../server/emulator/callback/deliver-callback.ts';
import { type CallbackTestServer, startCallbackServer } from '../../../support/callback-server.ts';
import { startTestEmulator, type TestEmulator, xmlText } from '../../../support/emulator.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64');

let app: CallbackTestServer;
let port: string;
let closed: TestEmulator;
let allowed: TestEmulator;
beforeAll(async () => {
  app = await startCallbackServer();
  port = new URL(app.url).port;
  closed = await startTestEmulator();
  allowed = await startTestEmulator({ callbackAllowedNetworks: ['127.0.0.0/8'] });
});
afterAll(async () => {
  await app.close();
  await closed.dispose();
  await allowed.dispose();
});
afterEach(() => {
  app.received.length = 0;
});

const putWithCallback = (emulator: TestEmulator, key: string, callbackUrl: string) =>
  emulator.request('PUT', `/${key}`, {
    body: 'hello',
    headers: { 'x-oss-callback': b64({ callbackUrl, callbackBody: 'object=${object}' }) },
  });

describe('callbacks to this machine', () => {
  const loopbackUrls = () => [
    `http://127.0.0.1:${port}/hook`,
    `http://127.1.2.3:${port}/hook`,
    `http://localhost:${port}/hook`,
    `http://[::1]:${port}/hook`,
    `http://[::ffff:127.0.0.1]:${port}/hook`,
  ];

  it('are refused with InvalidArgument before anything is stored', async () => {
    for (const [i, url] of loopbackUrls().entries()) {
      const res = await putWithCallback(closed, `refused-${i}.txt`, url);
      expect(res.status, url).toBe(400);
      expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
      expect(xmlText(res.text, 'EC')).toBe('0007-00000004');
      expect(xmlText(res.text, 'Message')).toMatch(/loopback/);
      expect(xmlText(res.text, 'Message')).toMatch(/--callback-allow/);
      expect((await closed.request('GET', `/refused-${i}.txt`)).status, url).toBe(404);
    }
    expect(app.received).toEqual([]);
  });

  it('are delivered when the network is allowed', async () => {
    const res = await putWithCallback(allowed, 'allowed.txt', `http://localhost:${port}/hook`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"ok":true}');
    expect(app.received).toHaveLength(1);
  });

  it('are refused again when the connection is made, whatever the name resolved to before', async () => {
    // A name checked once and resolved again to connect could point elsewhere the second time (DNS
    // rebinding): the connection itself is made only to an address that passes the rule.
    const outcome = await postCallback(
      {
        url: new URL(`http://localhost:${port}/hook`),
        contentType: 'application/json',
        body: Buffer.from('{}'),
        authorization: 'x',
        publicKeyUrl: 'x',
        lookup: callbackTargets([]).lookup,
      },
      2000,
    );
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && [outcome.failure.status, outcome.failure.code]).toEqual([203, 'CallbackFailed']);
    expect(!outcome.ok && outcome.failure.message).toMatch(/loopback/);
    expect(app.received).toEqual([]);
  });
});

describe('which addresses a callback may reach', () => {
  const refused = callbackTargets([]);

  it('refuses loopback, private, link-local, unique-local and other special ranges, IPv4-mapped too', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd12:3456::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:a9fe:a9fe',
      '64:ff9b::a00:1',
    ]) {
      expect(refused.refusal(address), address).toBeDefined();
    }
  });

  it('allows public addresses', () => {
    for (const address of ['8.8.8.8', '172.32.0.1', '11.0.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) {
      expect(refused.refusal(address), address).toBeUndefined();
    }
  });

  it('allows what is configured, as addresses or CIDR ranges of either family', () => {
    const targets = callbackTargets(['127.0.0.1', '10.0.0.0/8', '::1', 'fd00::/8']);
    for (const address of ['127.0.0.1', '::ffff:127.0.0.1', '10.200.0.1', '::1', 'fd00::5']) {
      expect(targets.refusal(address), address).toBeUndefined();
    }
    for (const address of ['127.0.0.2', '192.168.0.1', 'fe80::1']) {
      expect(targets.refusal(address), address).toBeDefined();
    }
  });

  it('rejects configuration that is not an address or range', () => {
    for (const entry of ['localhost', '10.0.0.0/33', '300.1.1.1', '']) {
      expect(() => callbackTargets([entry]), entry).toThrow(/IP address or CIDR range/);
    }
  });
});
