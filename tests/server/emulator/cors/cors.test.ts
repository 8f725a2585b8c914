import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestEmulator, type TestEmulator, xmlText, xmlTexts } from '../../../support/emulator.ts';

let emu: TestEmulator;
beforeEach(async () => {
  emu = await startTestEmulator();
});
afterEach(async () => {
  await emu.dispose();
});

const ORIGIN = 'http://localhost:5173';
const preflight = (headers: Record<string, string>, path = '/photo.png') =>
  emu.request('OPTIONS', path, { headers });
const ALI_OSS_HEADERS =
  'authorization,content-type,x-oss-content-sha256,x-oss-date,x-oss-security-token,x-oss-user-agent';

function rulesXml(rules: string[], extra = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration>\n${rules.map((r) => `<CORSRule>${r}</CORSRule>`).join('\n')}${extra}</CORSConfiguration>`;
}

describe('CORS', () => {
  it('answers a matching preflight by echoing origin and requested headers', async () => {
    const res = await preflight({
      Origin: ORIGIN,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': ALI_OSS_HEADERS,
    });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('0');
    expect(res.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(res.headers['access-control-allow-methods']).toBe('GET, PUT, POST, DELETE, HEAD');
    expect(res.headers['access-control-allow-headers']).toBe(ALI_OSS_HEADERS.split(',').join(', '));
    expect(res.headers['access-control-expose-headers']).toBe(
      'ETag, x-oss-request-id, x-oss-hash-crc64ecma, x-oss-version-id',
    );
    expect(res.headers['x-oss-request-id']).toMatch(/^[0-9A-F]{24}$/);
  });

  it('answers 400 BadRequest without Origin or Access-Control-Request-Method', async () => {
    const noOrigin = await preflight({ 'Access-Control-Request-Method': 'PUT' });
    expect(noOrigin.status).toBe(400);
    expect(xmlText(noOrigin.text, 'Code')).toBe('BadRequest');
    expect(xmlText(noOrigin.text, 'Message')).toBe('Insufficient information. Origin request header needed');
    const noMethod = await preflight({ Origin: ORIGIN });
    expect(noMethod.status).toBe(400);
    expect(xmlText(noMethod.text, 'Message')).toBe(
      'Insufficient information. Request Access-Control-Request-Method header needed',
    );
  });

  it('applies the configured rules: wildcards, methods, headers, max-age; 403 AccessForbidden otherwise', async () => {
    const put = await emu.request('PUT', '/?cors', {
      body: rulesXml([
        '<AllowedOrigin>https://*.example.com</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethod>PUT</AllowedMethod><AllowedHeader>x-oss-*</AllowedHeader><AllowedHeader>Authorization</AllowedHeader><ExposeHeader>x-oss-request-id</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds>',
      ]),
    });
    expect(put.status).toBe(200);
    const ok = await preflight({
      Origin: 'https://app.example.com',
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'X-OSS-Date, authorization',
    });
    expect(ok.status).toBe(200);
    expect(ok.headers['access-control-max-age']).toBe('600');
    expect(ok.headers['access-control-allow-methods']).toBe('GET, PUT');
    const refused: Record<string, string>[] = [
      { Origin: 'https://evil.com', 'Access-Control-Request-Method': 'PUT' },
      { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'DELETE' },
      {
        Origin: 'https://app.example.com',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'content-type',
      },
    ];
    for (const headers of refused) {
      const denied = await preflight(headers);
      expect(denied.status).toBe(403);
      expect(xmlText(denied.text, 'Code')).toBe('AccessForbidden');
      expect(denied.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Only what is configured is exposed: without ETag there, ali-oss cannot read part ETags.
    const actual = await emu.request('PUT', '/x.txt', {
      body: 'x',
      headers: { Origin: 'https://app.example.com' },
    });
    expect(actual.headers['access-control-expose-headers']).toBe('x-oss-request-id');
    expect(actual.headers['access-control-allow-origin']).toBe('https://app.example.com');
  });

  it('adds CORS headers to error responses too, and none for a non-matching origin', async () => {
    const error = await emu.request('GET', '/missing.txt', { headers: { Origin: ORIGIN } });
    expect(error.status).toBe(404);
    expect(error.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(error.headers['access-control-expose-headers']).toContain('x-oss-request-id');
    const headError = await emu.request('HEAD', '/missing.txt', { headers: { Origin: ORIGIN } });
    expect(headError.headers['access-control-allow-origin']).toBe(ORIGIN);
    const noOrigin = await emu.request('GET', '/missing.txt');
    expect(noOrigin.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('round-trips Put/GetBucketCors, sends Vary with ResponseVary, and rejects bad configurations', async () => {
    // A bucket made through the admin endpoint without ?cors=permissive has no CORS configuration.
    expect((await emu.request('PUT', '/-/admin/buckets/bare-bucket')).status).toBe(200);
    const none = await emu.request('GET', '/bare-bucket/?cors');
    expect(none.status).toBe(404);
    expect(xmlText(none.text, 'Code')).toBe('NoSuchCORSConfiguration');
    const denied = await emu.request('OPTIONS', '/bare-bucket/k', {
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'GET' },
    });
    expect(denied.status).toBe(403);
    expect(
      (await emu.request('GET', '/bare-bucket/k', { headers: { Origin: ORIGIN } })).headers[
        'access-control-allow-origin'
      ],
    ).toBeUndefined();

    const rule =
      '<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader>';
    expect(
      (await emu.request('PUT', '/?cors', { body: rulesXml([rule], '<ResponseVary>true</ResponseVary>') }))
        .status,
    ).toBe(200);
    const got = await emu.request('GET', '/?cors');
    expect(got.status).toBe(200);
    expect(got.text).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration>\n  <CORSRule>\n    <AllowedOrigin>*</AllowedOrigin>\n    <AllowedMethod>GET</AllowedMethod>\n    <AllowedHeader>*</AllowedHeader>\n    <ExposeHeader>ETag</ExposeHeader>\n  </CORSRule>\n  <ResponseVary>true</ResponseVary>\n</CORSConfiguration>\n',
    );
    expect((await emu.request('GET', '/k', { headers: { Origin: ORIGIN } })).headers.vary).toBe('Origin');

    const tooMany = await emu.request('PUT', '/?cors', { body: rulesXml(Array(11).fill(rule)) });
    expect(xmlText(tooMany.text, 'Code')).toBe('InvalidArgument');
    const tooBig = await emu.request('PUT', '/?cors', {
      body: rulesXml([`${rule}${'<AllowedHeader>x</AllowedHeader>'.repeat(600)}`]),
    });
    expect(tooBig.status).toBe(400);
    expect(xmlText(tooBig.text, 'Code')).toBe('InvalidArgument');
    const malformed = await emu.request('PUT', '/?cors', { body: '<CORSConfiguration><CORSRule>' });
    expect(xmlText(malformed.text, 'Code')).toBe('MalformedXML');
    const noMethod = await emu.request('PUT', '/?cors', {
      body: rulesXml(['<AllowedOrigin>*</AllowedOrigin>']),
    });
    expect(xmlText(noMethod.text, 'Code')).toBe('MalformedXML');
    const starExpose = await emu.request('PUT', '/?cors', {
      body: rulesXml([
        '<AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>*</ExposeHeader>',
      ]),
    });
    expect(xmlText(starExpose.text, 'Code')).toBe('InvalidArgument');
    // Failed updates left the last good configuration in place.
    expect(xmlTexts((await emu.request('GET', '/?cors')).text, 'ExposeHeader')).toEqual(['ETag']);
  });
});
