import { describe, expect, it } from 'vitest';
import { createCredentialsProvider } from '../../../lib/credentials/credentials-provider.ts';
import type { TemporaryCredentials } from '../../../lib/credentials/temporary-credentials.ts';
import { CredentialsError } from '../../../lib/credentials/token-service-call.ts';

const T0 = Date.parse('2025-01-01T00:00:00Z');

function credentials(n: number, expiresAt: number): TemporaryCredentials {
  return {
    accessKeyId: `STS.key${n}`,
    accessKeySecret: `secret${n}`,
    securityToken: `token${n}`,
    expiration: new Date(expiresAt).toISOString(),
    region: 'oss-cn-hangzhou',
    bucket: 'skylift-dev',
    endpoint: 'http://127.0.0.1:9000',
    prefix: 'uploads/',
  };
}

/** A token service stand-in: each call issues credentials valid for `lifetimeMs` from the fake clock. */
function fakeTokenService(clock: { now: number }, lifetimeMs: number) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  let gate: Promise<void> = Promise.resolve();
  const fetch = (async (url: string, init?: RequestInit) => {
    calls.push({ url, init });
    await gate;
    return Response.json(credentials(calls.length, clock.now + lifetimeMs));
  }) as typeof globalThis.fetch;
  return {
    fetch,
    calls,
    /** Holds responses until the returned function is called. */
    hold(): () => void {
      let release!: () => void;
      gate = new Promise((resolve) => {
        release = resolve;
      });
      return release;
    },
  };
}

describe('createCredentialsProvider', () => {
  it('POSTs to /api/credentials and caches until refreshAhead before expiry', async () => {
    const clock = { now: T0 };
    const service = fakeTokenService(clock, 15 * 60_000);
    const provider = createCredentialsProvider({
      fetch: service.fetch,
      now: () => clock.now,
      refreshAheadMs: 60_000,
    });

    const first = await provider.get();
    expect(first.accessKeyId).toBe('STS.key1');
    expect(service.calls).toHaveLength(1);
    expect(service.calls[0]!.url).toBe('/api/credentials');
    expect(service.calls[0]!.init).toMatchObject({
      method: 'POST',
      credentials: 'same-origin',
      cache: 'no-store',
    });

    clock.now = T0 + 14 * 60_000 - 1; // one ms before the refresh point
    expect(await provider.get()).toBe(first);
    expect(service.calls).toHaveLength(1);

    clock.now = T0 + 14 * 60_000;
    expect((await provider.get()).accessKeyId).toBe('STS.key2');
    expect(service.calls).toHaveLength(2);
  });

  it('keeps short tokens for three quarters of their lifetime, whatever refreshAhead says', async () => {
    const clock = { now: T0 };
    const service = fakeTokenService(clock, 2_000);
    const provider = createCredentialsProvider({
      fetch: service.fetch,
      now: () => clock.now,
      refreshAheadMs: 60_000,
    });
    await provider.get();
    clock.now = T0 + 1_499;
    await provider.get();
    expect(service.calls).toHaveLength(1);
    clock.now = T0 + 1_500;
    await provider.get();
    expect(service.calls).toHaveLength(2);
  });

  it('shares one request among concurrent callers', async () => {
    const clock = { now: T0 };
    const service = fakeTokenService(clock, 900_000);
    const provider = createCredentialsProvider({ fetch: service.fetch, now: () => clock.now });
    const release = service.hold();
    const pending = Promise.all([provider.get(), provider.get(), provider.get()]);
    release();
    const results = await pending;
    expect(service.calls).toHaveLength(1);
    expect(new Set(results).size).toBe(1);
  });

  it('invalidate(failed) refetches, unless someone already replaced the failed credentials', async () => {
    const clock = { now: T0 };
    const service = fakeTokenService(clock, 900_000);
    const provider = createCredentialsProvider({ fetch: service.fetch, now: () => clock.now });
    const first = await provider.get();
    provider.invalidate(first);
    const second = await provider.get();
    expect(second.accessKeyId).toBe('STS.key2');
    provider.invalidate(first); // a late report about the old token
    expect(await provider.get()).toBe(second);
    provider.invalidate();
    expect((await provider.get()).accessKeyId).toBe('STS.key3');
  });

  it('sends the configured headers and URL', async () => {
    const clock = { now: T0 };
    const service = fakeTokenService(clock, 900_000);
    const provider = createCredentialsProvider({
      url: 'https://app.example/api/credentials',
      headers: { Authorization: 'Bearer x' },
      fetch: service.fetch,
      now: () => clock.now,
    });
    await provider.get();
    expect(service.calls[0]!.url).toBe('https://app.example/api/credentials');
    expect(service.calls[0]!.init?.headers).toMatchObject({
      Authorization: 'Bearer x',
      Accept: 'application/json',
    });
  });

  it('reports a refusal with the status and the service message, and caches nothing', async () => {
    let answer = Response.json({ error: 'Forbidden', message: 'Only this machine.' }, { status: 403 });
    const fetch = (async () => answer) as typeof globalThis.fetch;
    const provider = createCredentialsProvider({ fetch });
    const error = await provider.get().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect(error).toMatchObject({
      status: 403,
      code: 'Forbidden',
      message: 'The token service refused credentials (HTTP 403, Forbidden): Only this machine.',
    });
    answer = Response.json(credentials(1, Date.now() + 900_000));
    expect((await provider.get()).accessKeyId).toBe('STS.key1');
  });

  it('says so when the answer is not credentials, or there is no answer', async () => {
    const html = createCredentialsProvider({
      fetch: (async () => new Response('<html>proxy login</html>', { status: 200 })) as typeof fetch,
    });
    await expect(html.get()).rejects.toMatchObject({ code: 'InvalidResponse', status: 200 });
    const partial = createCredentialsProvider({
      fetch: (async () => Response.json({ accessKeyId: 'STS.x' })) as typeof fetch,
    });
    await expect(partial.get()).rejects.toMatchObject({ code: 'InvalidResponse' });
    const offline = createCredentialsProvider({
      fetch: (async () => {
        throw new TypeError('Failed to fetch');
      }) as typeof fetch,
    });
    await expect(offline.get()).rejects.toMatchObject({
      status: 0,
      code: 'NetworkError',
      message: 'Could not reach the token service at /api/credentials: Failed to fetch',
    });
    const gateway = createCredentialsProvider({
      fetch: (async () =>
        new Response('Bad Gateway', { status: 502, statusText: 'Bad Gateway' })) as typeof fetch,
    });
    await expect(gateway.get()).rejects.toThrow(
      'The token service refused credentials (HTTP 502, HttpError): Bad Gateway',
    );
  });

  it('lets a failed refresh be retried by the next caller', async () => {
    let calls = 0;
    const fetch = (async () => {
      calls += 1;
      if (calls === 1) throw new TypeError('offline');
      return Response.json(credentials(calls, Date.now() + 900_000));
    }) as typeof globalThis.fetch;
    const provider = createCredentialsProvider({ fetch });
    await expect(provider.get()).rejects.toThrow(/offline/);
    expect((await provider.get()).accessKeyId).toBe('STS.key2');
  });
});
