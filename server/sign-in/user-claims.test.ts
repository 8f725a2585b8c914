import { describe, expect, it } from 'vitest';
import type { OidcConfig } from '../config/config.ts';
import { decideSignIn, groupsOf } from './user-claims.ts';

const OIDC: OidcConfig = {
  issuer: 'https://login.example.com/',
  clientId: 'skylift',
  clientSecret: 'x',
  scopes: 'openid email profile',
  userClaim: 'email',
  groupsClaim: 'groups',
  allowedUsers: ['Dora@Example.com'],
  allowedGroups: ['uploaders'],
};

describe('decideSignIn', () => {
  it('lets in allowed users (any case) and members of allowed groups, named by the user claim', () => {
    expect(decideSignIn({ sub: '1', email: 'dora@example.com' }, OIDC, undefined)).toEqual({
      allowed: true,
      user: { id: 'dora@example.com', admin: false },
    });
    expect(
      decideSignIn(
        { sub: '2', email: 'eli@example.com', name: 'Eli', groups: ['x', 'uploaders'] },
        OIDC,
        undefined,
      ),
    ).toEqual({ allowed: true, user: { id: 'eli@example.com', name: 'Eli', admin: false } });
    expect(
      decideSignIn({ sub: '3', email: 'fay@example.com', groups: ['x'] }, OIDC, undefined),
    ).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('fay@example.com may not use Skylift'),
    });
  });

  it('lets everyone in with *, and administrators whatever the lists say', () => {
    expect(
      decideSignIn({ email: 'g@example.com' }, { ...OIDC, allowedUsers: ['*'] }, undefined).allowed,
    ).toBe(true);
    expect(decideSignIn({ email: 'h@example.com', groups: 'ops admins' }, OIDC, 'admins')).toEqual({
      allowed: true,
      user: { id: 'h@example.com', admin: true },
    });
  });

  it('refuses without the user claim, with an unverified e-mail, or a name too long for a prefix', () => {
    expect(decideSignIn({ sub: '1' }, OIDC, undefined)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('no "email" claim'),
    });
    expect(decideSignIn({ email: 'dora@example.com', email_verified: false }, OIDC, undefined).allowed).toBe(
      false,
    );
    const long = `${'x'.repeat(200)}@example.com`;
    expect(decideSignIn({ email: long }, { ...OIDC, allowedUsers: ['*'] }, undefined)).toMatchObject({
      allowed: false,
      reason: expect.stringContaining('at most 128 fit'),
    });
  });

  it('takes the name from another claim when configured', () => {
    const byLogin = { ...OIDC, userClaim: 'preferred_username', allowedUsers: ['dora'] };
    expect(decideSignIn({ preferred_username: 'dora', email_verified: false }, byLogin, undefined)).toEqual({
      allowed: true,
      user: { id: 'dora', name: 'dora', admin: false },
    });
  });
});

describe('groupsOf', () => {
  it('reads arrays and space- or comma-separated strings, and nothing else', () => {
    expect(groupsOf(['a', 'b', 3, ''])).toEqual(['a', 'b']);
    expect(groupsOf('a, b c')).toEqual(['a', 'b', 'c']);
    expect(groupsOf(undefined)).toEqual([]);
    expect(groupsOf({ a: 1 })).toEqual([]);
  });
});
