// Signing in through a real OpenID provider (oidc-provider, in-process), over HTTP: the flow, who is
// let in, the session cookie, signing out, and two app instances sharing one session key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../server/net/free-port.ts';
import { createSessionSealer, SESSION_COOKIE } from '../../../server/sign-in/session-cookie.ts';
import {
  startProductEmulator,
  startTestApp,
  type TestApp,
  type TestEmulator,
} from '../../support/app-stack.ts';
import { startTestIdentityProvider, type TestIdentityProvider } from '../../support/identity-provider.ts';
import { signInOverHttp } from '../../support/sign-in-over-http.ts';

let emulator: TestEmulator;
let provider: TestIdentityProvider;
const apps: TestApp[] = [];
/** Two instances with one SESSION_SECRET behind one PUBLIC_URL, and one with another secret. */
let first: TestApp;
let second: TestApp;
let otherKey: TestApp;
let publicUrl: string;

beforeAll(async () => {
  emulator = await startProductEmulator();
  const ports = [await freePort(), await freePort(), await freePort()];
  publicUrl = `http://127.0.0.1:${ports[0]}`;
  provider = await startTestIdentityProvider([publicUrl]);
  const env = provider.env(publicUrl);
  first = await startTestApp(emulator.url, env, { port: ports[0] });
  second = await startTestApp(emulator.url, env, { port: ports[1] });
  otherKey = await startTestApp(
    emulator.url,
    { ...env, SESSION_SECRET: 'another-deployment-secret-0123456789abc' },
    { port: ports[2] },
  );
  apps.push(first, second, otherKey);
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.close()));
  await provider?.close();
  await emulator?.dispose();
});

const origin = (app: TestApp) => new URL(app.credentialsUrl).origin;

async function session(app: TestApp, cookie?: string) {
  const response = await fetch(`${origin(app)}/api/session`, { headers: cookie ? { cookie } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function credentials(app: TestApp, cookie?: string) {
  const response = await fetch(app.credentialsUrl, { method: 'POST', headers: cookie ? { cookie } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('sign-in through OpenID Connect', () => {
  it('signs a person in, back to where they were, with a session the token service accepts', async () => {
    const result = await signInOverHttp(publicUrl, 'alice', '/#/dashboard');
    expect(result).toMatchObject({ status: 303, location: '/#/dashboard' });
    expect(await session(first, result.cookie)).toEqual({
      status: 200,
      body: {
        access: 'oidc',
        user: { id: 'alice@example.com', name: 'Alice Liddell', admin: false },
        expiresAt: expect.stringMatching(/^\d{4}-/),
      },
    });
    const issued = await credentials(first, result.cookie);
    expect(issued.status).toBe(200);
    expect(issued.body).toMatchObject({
      prefix: 'uploads/alice@example.com/',
      listPrefix: 'uploads/alice@example.com/',
    });
  });

  it('sets the session as a __Host-, Secure, HttpOnly, SameSite=Strict cookie that lives as configured', async () => {
    const login = await fetch(`${publicUrl}/api/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    const transaction = login.headers.getSetCookie()[0]!;
    expect(transaction).toMatch(/^__Host-skylift-sign-in=/);
    expect(transaction).toMatch(/; Max-Age=600; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    const authorize = new URL(login.headers.get('location')!);
    expect(authorize.origin).toBe(provider.issuer);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'skylift',
      redirect_uri: `${publicUrl}/api/auth/callback`,
      code_challenge_method: 'S256',
      scope: 'openid email profile groups',
    });

    const alice = await signInOverHttp(publicUrl, 'alice');
    // It outlives the session inside it by a week, so that a late request hears "expired".
    expect(alice.setCookie).toMatch(/; Max-Age=633600; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
    const sealed = alice.cookie!.split('=')[1]!;
    expect(sealed.split('.')).toHaveLength(5); // a JWE: nothing readable inside
    expect(Buffer.from(sealed.split('.')[0]!, 'base64url').toString()).toBe('{"alg":"dir","enc":"A256GCM"}');
  });

  it('goes back only to paths on this origin', async () => {
    for (const returnTo of ['//evil.example/x', '/\\evil.example', 'https://evil.example/']) {
      expect((await signInOverHttp(publicUrl, 'bob', returnTo)).location, returnTo).toBe('/');
    }
  });

  it('lets in only allowed people, and says why to the others', async () => {
    const mallory = await signInOverHttp(publicUrl, 'mallory');
    expect(mallory.status).toBe(403);
    expect(mallory.cookie).toBeUndefined();
    expect(mallory.body).toContain('mallory@example.com may not use Skylift');
    expect(mallory.body).toContain('OIDC_ALLOWED_GROUPS');
    const eve = await signInOverHttp(publicUrl, 'eve');
    expect(eve.status).toBe(403);
    expect(eve.body).toContain('has not verified the e-mail address eve@example.com');
  });

  it('makes members of TOKEN_ADMIN_GROUP administrators, who see every user’s uploads', async () => {
    const carol = await signInOverHttp(publicUrl, 'carol');
    expect((await session(first, carol.cookie)).body).toMatchObject({
      user: { id: 'carol@example.com', admin: true },
    });
    expect((await credentials(first, carol.cookie)).body).toMatchObject({
      prefix: 'uploads/carol@example.com/',
      listPrefix: 'uploads/',
    });
  });

  it('refuses a callback it did not start, and a provider refusal, with a page saying so', async () => {
    const stray = await fetch(`${publicUrl}/api/auth/callback?code=x&state=y`);
    expect(stray.status).toBe(400);
    expect(stray.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await stray.text()).toContain('This sign-in was not started here');
  });

  it('asks to sign in without a session, and to sign in again once it expired', async () => {
    expect(await credentials(first)).toEqual({
      status: 401,
      body: { error: 'SignInRequired', message: 'Sign in to Skylift to upload.' },
    });
    const secret = provider.env(publicUrl).SESSION_SECRET!;
    const longAgo = createSessionSealer({ secret, maxAgeSeconds: 60 }, () => Date.now() - 3_600_000);
    const expired = await longAgo.seal({ id: 'alice@example.com', admin: false });
    const refused = await credentials(first, `${SESSION_COOKIE}=${expired.value}`);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      error: 'SignInRequired',
      message: expect.stringMatching(/^Your Skylift sign-in expired at .*Z\. Sign in again to continue\.$/),
    });
    expect((await session(first, `${SESSION_COOKIE}=${expired.value}`)).status).toBe(401);
    // Garbage, or a cookie sealed by someone without the secret, is no session at all.
    const forged = await createSessionSealer({ secret: 'x'.repeat(40), maxAgeSeconds: 60 }).seal({
      id: 'alice@example.com',
      admin: true,
    });
    for (const value of ['garbage', forged.value]) {
      expect((await credentials(first, `${SESSION_COOKIE}=${value}`)).body).toMatchObject({
        message: 'Sign in to Skylift to upload.',
      });
    }
  });

  it('signs out here and at the provider, from the app’s own page only', async () => {
    const bob = await signInOverHttp(publicUrl, 'bob');
    const crossSite = await fetch(`${publicUrl}/api/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: bob.cookie!, 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // As the page's form sends it.
    const out = await fetch(`${publicUrl}/api/auth/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: bob.cookie!,
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: '',
    });
    expect(out.status).toBe(303);
    // Cleared with the attributes it was set with, or the browser would ignore the removal.
    expect(out.headers.getSetCookie()[0]).toMatch(
      /^__Host-skylift-session=; Max-Age=0; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Strict$/,
    );
    const endSession = new URL(out.headers.get('location')!);
    expect(endSession.origin).toBe(provider.issuer);
    expect(endSession.searchParams.get('client_id')).toBe('skylift');
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${publicUrl}/`);
  });
});

describe('several instances behind one load balancer', () => {
  it('accept each other’s sessions when they share SESSION_SECRET, and no others', async () => {
    const alice = await signInOverHttp(publicUrl, 'alice');
    // Signed in through the first instance; the second issues her tokens for her own prefix.
    const fromSecond = await credentials(second, alice.cookie);
    expect(fromSecond.status).toBe(200);
    expect(fromSecond.body).toMatchObject({ prefix: 'uploads/alice@example.com/' });
    expect((await session(second, alice.cookie)).body).toMatchObject({ user: { id: 'alice@example.com' } });
    // A sign-in started on one instance may finish on the other: the transaction is a cookie too.
    const login = await fetch(`${origin(first)}/api/auth/login`, { redirect: 'manual' });
    const transaction = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const state = new URL(login.headers.get('location')!).searchParams.get('state');
    const onSecond = await fetch(`${origin(second)}/api/auth/callback?error=access_denied&state=${state}`, {
      headers: { cookie: transaction },
    });
    expect(onSecond.status).toBe(403); // read the transaction, then reported the provider's refusal
    expect(await onSecond.text()).toContain('The sign-in provider refused: access_denied');
    // A deployment with another secret cannot read the session.
    expect((await credentials(otherKey, alice.cookie)).status).toBe(401);
  });
});

describe('a provider that cannot be reached', () => {
  it('fails the sign-in with a page saying so, while the app keeps serving', async () => {
    const port = await freePort();
    const deadIssuer = `http://127.0.0.1:${await freePort()}`;
    const app = await startTestApp(
      emulator.url,
      { ...provider.env(`http://127.0.0.1:${port}`), OIDC_ISSUER: deadIssuer },
      { port },
    );
    apps.push(app);
    const login = await fetch(`${origin(app)}/api/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(502);
    expect(await login.text()).toContain(`The sign-in provider (${deadIssuer}/) cannot be reached`);
    expect(app.logs.some((line) => line.includes(deadIssuer))).toBe(true);
    expect((await fetch(`${origin(app)}/api/health`)).status).toBe(200);
  });
});
