import { describe, expect, it } from 'vitest';
import type { UploadView } from '../../lib/protocol/messages.ts';
import { checkSession, signInHref, stoppedForSignIn } from './session-check.ts';

const answer = (status: number, body: unknown) =>
  (async () => Response.json(body, { status })) as typeof fetch;

describe('checkSession', () => {
  it('reads who is signed in', async () => {
    const info = {
      access: 'oidc',
      user: { id: 'a@example.com', name: 'A', admin: false },
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    expect(await checkSession(answer(200, info))).toEqual({ kind: 'signed-in', info });
    expect(await checkSession(answer(200, { access: 'loopback' }))).toEqual({
      kind: 'signed-in',
      info: { access: 'loopback' },
    });
  });

  it('says a sign-in is needed, with the server’s words, only for SignInRequired', async () => {
    expect(
      await checkSession(answer(401, { error: 'SignInRequired', message: 'Your sign-in expired.' })),
    ).toEqual({
      kind: 'sign-in-required',
      message: 'Your sign-in expired.',
    });
    expect(await checkSession(answer(403, { error: 'Forbidden', message: 'x' }))).toEqual({
      kind: 'unknown',
    });
    expect(await checkSession(answer(200, '<html>'))).toEqual({ kind: 'unknown' });
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await checkSession(offline)).toEqual({ kind: 'unknown' });
  });
});

describe('signInHref', () => {
  it('comes back to the same view', () => {
    expect(signInHref({ pathname: '/', search: '', hash: '#/dashboard?upload=k' })).toBe(
      '/api/auth/login?returnTo=%2F%23%2Fdashboard%3Fupload%3Dk',
    );
  });
});

describe('stoppedForSignIn', () => {
  it('picks the uploads that failed for want of a session, and no others', () => {
    const view = (id: string, state: UploadView['state'], code?: string) =>
      ({ id, state, ...(code ? { problem: { code, message: '' } } : {}) }) as UploadView;
    expect(
      stoppedForSignIn([
        view('a', 'failed', 'SignInRequired'),
        view('b', 'failed', 'AccessDenied'),
        view('c', 'uploading'),
        view('d', 'waiting-for-network', 'SignInRequired'),
      ]),
    ).toEqual(['a']);
  });
});
