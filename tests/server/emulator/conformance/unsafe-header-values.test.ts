// Request values that end up in an HTTP header — the `response-*` overrides of GetObject and the
// upload callback's callbackHost — cannot carry CR/LF, NUL or non-ASCII: a header cannot hold them
// (and CR/LF would split it). Such a request gets OSS's 400 InvalidArgument, before anything is
// stored, never a 500.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: ${...} in plain strings are OSS callback variables.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallbackTestServer, startCallbackServer } from '../../../support/callback-server.ts';
import { startTestEmulator, type TestEmulator, xmlText } from '../../../support/emulator.ts';

const UNSAFE: [what: string, value: string][] = [
  ['CR/LF', 'text/plain\r\nSet-Cookie: session=stolen'],
  ['LF', 'a\nb'],
  ['NUL', 'a\u0000b'],
  ['another control character', 'a\u0007b'],
  ['Latin-1', 'attachment; filename="café.txt"'],
  ['non-Latin', 'attachment; filename="报告.pdf"'],
  ['an emoji', 'no-cache 🙂'],
];

let emu: TestEmulator;
let app: CallbackTestServer;
beforeAll(async () => {
  app = await startCallbackServer();
  emu = await startTestEmulator({ callbackAllowedNetworks: ['127.0.0.1'] });
  expect((await emu.request('PUT', '/stored.txt', { body: 'stored' })).status).toBe(200);
});
afterAll(async () => {
  await emu.dispose();
  await app.close();
});

describe('response-* overrides', () => {
  const params = [
    'response-content-type',
    'response-content-language',
    'response-expires',
    'response-cache-control',
    'response-content-disposition',
    'response-content-encoding',
  ];

  it.each(UNSAFE)('with %s → 400 InvalidArgument naming the parameter', async (_what, value) => {
    for (const param of params) {
      const res = await emu.request('GET', `/stored.txt?${param}=${encodeURIComponent(value)}`);
      expect(res.status, param).toBe(400);
      expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
      expect(xmlText(res.text, 'ArgumentName')).toBe(param);
      // The value is echoed percent-encoded: the error body stays well-formed, printable XML.
      const echoed = xmlText(res.text, 'ArgumentValue')!;
      expect(echoed).toMatch(/^[\x20-\x7e]*$/);
      expect(decodeURIComponent(echoed)).toBe(value);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('still apply printable ASCII, and percent-encoded filenames (RFC 5987) are the way to name others', async () => {
    const disposition = `attachment; filename*=UTF-8''${encodeURIComponent('报告.pdf')}`;
    const res = await emu.request(
      'GET',
      `/stored.txt?response-content-disposition=${encodeURIComponent(disposition)}&response-cache-control=no-cache`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe(disposition);
    expect(res.headers['cache-control']).toBe('no-cache');
  });
});

describe('callbackHost', () => {
  const put = (key: string, callbackHost: string) =>
    emu.request('PUT', `/${key}`, {
      body: 'hello',
      headers: {
        'x-oss-callback': Buffer.from(
          JSON.stringify({ callbackUrl: `${app.url}/hook`, callbackHost, callbackBody: 'object=${object}' }),
        ).toString('base64'),
      },
    });

  it.each([...UNSAFE, ['a space', 'app example.com'], ['a path', 'app.example.com/x']] as const)(
    'with %s → 400 InvalidArgument, and nothing is stored or called',
    async (_what, host) => {
      const res = await put('with-host.txt', host);
      expect(res.status).toBe(400);
      expect(xmlText(res.text, 'Code')).toBe('InvalidArgument');
      expect(xmlText(res.text, 'ArgumentName')).toBe('callback');
      expect(xmlText(res.text, 'Message')).toContain('callbackHost');
      expect((await emu.request('GET', '/with-host.txt')).status).toBe(404);
      expect(app.received).toEqual([]);
    },
  );

  it('accepts host names, IP literals and ports', async () => {
    for (const host of ['app.example.com', 'app.example.com:8443', '192.0.2.1', '[2001:db8::1]:80']) {
      const res = await put('good-host.txt', host);
      expect(res.status, host).toBe(200);
      expect(app.received.at(-1)?.headers.host).toBe(host);
    }
  });
});
