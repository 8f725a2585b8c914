import { describe, expect, it } from 'vitest';
import { createSessionSealer } from './session-cookie.ts';

const SECRET = 'a-session-secret-that-is-long-enough-0123';
const T0 = Date.parse('2025-03-01T10:00:00Z');

describe('session cookies', () => {
  it('open to the user they were sealed for until they expire, then say when they expired', async () => {
    const clock = { now: T0 };
    const sealer = createSessionSealer({ secret: SECRET, maxAgeSeconds: 3600 }, () => clock.now);
    const sealed = await sealer.seal({ id: 'alice@example.com', name: 'Alice', admin: true });
    expect(sealed.expiresAt).toBe(T0 + 3_600_000);
    expect(sealed.value).not.toContain('alice'); // encrypted, not just signed
    expect(await sealer.open(sealed.value)).toEqual({
      state: 'valid',
      user: { id: 'alice@example.com', name: 'Alice', admin: true },
      expiresAt: T0 + 3_600_000,
    });
    clock.now = T0 + 3_600_000 - 1000;
    expect((await sealer.open(sealed.value)).state).toBe('valid');
    clock.now = T0 + 3_600_000 + 1000;
    expect(await sealer.open(sealed.value)).toEqual({ state: 'expired', expiredAt: T0 + 3_600_000 });
  });

  it('open on another instance with the same secret, and nowhere else', async () => {
    const sealed = await createSessionSealer({ secret: SECRET, maxAgeSeconds: 60 }).seal({
      id: 'bob',
      admin: false,
    });
    expect((await createSessionSealer({ secret: SECRET, maxAgeSeconds: 60 }).open(sealed.value)).state).toBe(
      'valid',
    );
    const other = createSessionSealer({ secret: `${SECRET}!`, maxAgeSeconds: 60 });
    expect(await other.open(sealed.value)).toEqual({ state: 'absent' });
  });

  it('treat a tampered, garbled or missing cookie as no session', async () => {
    const sealer = createSessionSealer({ secret: SECRET, maxAgeSeconds: 60 });
    const { value } = await sealer.seal({ id: 'bob', admin: false });
    const parts = value.split('.');
    const flipped = parts[3]!.startsWith('A') ? `B${parts[3]!.slice(1)}` : `A${parts[3]!.slice(1)}`;
    for (const bad of [[...parts.slice(0, 3), flipped, parts[4]].join('.'), 'x.y.z', '', undefined]) {
      expect(await sealer.open(bad)).toEqual({ state: 'absent' });
    }
  });

  it('keep the sign-in transaction and the session apart: neither opens as the other', async () => {
    const sealer = createSessionSealer({ secret: SECRET, maxAgeSeconds: 60 });
    const transaction = { state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/#/dashboard' };
    const sealedTransaction = await sealer.sealSignIn(transaction);
    expect(await sealer.openSignIn(sealedTransaction)).toEqual(transaction);
    expect(await sealer.open(sealedTransaction)).toEqual({ state: 'absent' });
    const session = await sealer.seal({ id: 'bob', admin: false });
    expect(await sealer.openSignIn(session.value)).toBeUndefined();
  });

  it('give a sign-in ten minutes', async () => {
    const clock = { now: T0 };
    const sealer = createSessionSealer({ secret: SECRET, maxAgeSeconds: 60 }, () => clock.now);
    const sealed = await sealer.sealSignIn({ state: 's', nonce: 'n', codeVerifier: 'v', returnTo: '/' });
    clock.now = T0 + 599_000;
    expect(await sealer.openSignIn(sealed)).toBeDefined();
    clock.now = T0 + 601_000;
    expect(await sealer.openSignIn(sealed)).toBeUndefined();
  });
});
