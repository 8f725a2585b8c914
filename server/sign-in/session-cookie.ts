// Sign-in sessions held by the browser, not the server: an encrypted, authenticated cookie (JWE,
// `dir` + A256GCM, through jose) that any instance with the same SESSION_SECRET can open. Nothing is
// stored server-side, so instances behind a load balancer need no shared store; the price is that a
// session cannot be revoked before it expires (keep SESSION_MAX_AGE_SECONDS modest).
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, errors, type JWTPayload, jwtDecrypt } from 'jose';
import type { SessionConfig } from '../config/config.ts';

/**
 * `__Host-`: the browser accepts the cookie only with Secure, Path=/ and no Domain, so no other host
 * (a sibling sub-domain included) can plant or overwrite it. Browsers treat http://localhost as
 * secure, so this works for local runs too.
 */
export const SESSION_COOKIE = '__Host-skylift-session';
/** The sign-in in progress (state, nonce, PKCE verifier), between /api/auth/login and /api/auth/callback. */
export const SIGN_IN_COOKIE = '__Host-skylift-sign-in';

const SESSION_AUDIENCE = 'skylift-session';
const SIGN_IN_AUDIENCE = 'skylift-sign-in';
/** How long a person may take at the provider's login page. */
export const SIGN_IN_SECONDS = 600;

/** Who a session belongs to, as decided at sign-in. */
export interface SessionUser {
  /** The user's name as the provider gives it (OIDC_USER_CLAIM): their key prefix is made from it. */
  id: string;
  /** For display ("Signed in as …"), when the provider gives one. */
  name?: string;
  /** Member of TOKEN_ADMIN_GROUP at sign-in. */
  admin: boolean;
}

export type OpenedSession =
  | { state: 'valid'; user: SessionUser; expiresAt: number }
  | { state: 'expired'; expiredAt: number }
  /** No cookie, or one this deployment did not seal (another key, tampered, garbled). */
  | { state: 'absent' };

/** What /api/auth/login hands to /api/auth/callback through the browser. */
export interface SignInTransaction {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where the person was before signing in: a path on this origin. */
  returnTo: string;
}

export interface SessionSealer {
  seal(user: SessionUser): Promise<{ value: string; expiresAt: number }>;
  open(value: string | undefined): Promise<OpenedSession>;
  sealSignIn(transaction: SignInTransaction): Promise<string>;
  openSignIn(value: string | undefined): Promise<SignInTransaction | undefined>;
  maxAgeSeconds: number;
}

/** HKDF turns any long enough secret into the 256-bit key A256GCM needs, one key per purpose. */
function deriveKey(secret: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, 'skylift', 'session cookie encryption v1', 32));
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function createSessionSealer(config: SessionConfig, now: () => number = Date.now): SessionSealer {
  const key = deriveKey(config.secret);

  async function encrypt(payload: JWTPayload, audience: string, lifetimeSeconds: number) {
    const issuedAt = seconds(now());
    const expiresAt = issuedAt + lifetimeSeconds;
    const value = await new EncryptJWT(payload)
      .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
      .setAudience(audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .encrypt(key);
    return { value, expiresAt: expiresAt * 1000 };
  }

  async function decrypt(value: string, audience: string) {
    return jwtDecrypt(value, key, { audience, currentDate: new Date(now()), clockTolerance: 0 });
  }

  return {
    maxAgeSeconds: config.maxAgeSeconds,

    seal: (user) =>
      encrypt(
        { sub: user.id, adm: user.admin, ...(user.name ? { name: user.name } : {}) },
        SESSION_AUDIENCE,
        config.maxAgeSeconds,
      ),

    async open(value) {
      if (!value) return { state: 'absent' };
      try {
        const { payload } = await decrypt(value, SESSION_AUDIENCE);
        if (typeof payload.sub !== 'string' || payload.sub === '' || typeof payload.exp !== 'number') {
          return { state: 'absent' };
        }
        const user: SessionUser = {
          id: payload.sub,
          admin: payload.adm === true,
          ...(typeof payload.name === 'string' ? { name: payload.name } : {}),
        };
        return { state: 'valid', user, expiresAt: payload.exp * 1000 };
      } catch (error) {
        // Only a cookie that decrypted (so is ours) may say it expired; anything else is no session.
        if (error instanceof errors.JWTExpired && typeof error.payload.exp === 'number') {
          return { state: 'expired', expiredAt: error.payload.exp * 1000 };
        }
        return { state: 'absent' };
      }
    },

    async sealSignIn(transaction) {
      return (await encrypt({ ...transaction }, SIGN_IN_AUDIENCE, SIGN_IN_SECONDS)).value;
    },

    async openSignIn(value) {
      if (!value) return undefined;
      try {
        const { payload } = await decrypt(value, SIGN_IN_AUDIENCE);
        const { state, nonce, codeVerifier, returnTo } = payload;
        const strings = [state, nonce, codeVerifier, returnTo].every((v) => typeof v === 'string');
        return strings ? ({ state, nonce, codeVerifier, returnTo } as SignInTransaction) : undefined;
      } catch {
        return undefined;
      }
    },
  };
}
