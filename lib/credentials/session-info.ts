// The contract of GET /api/session and of signing in and out, shared by the app server and the page:
// who the page's requests are made for, and where to send a person who has to sign in (again).

// Everything lives under /api/, which the service worker never answers from its cache (it serves the
// app shell for other navigations), so the provider's redirect back reaches the server even from a
// browser whose installed worker predates sign-in.
export const SESSION_PATH = '/api/session';
/** GET, with `returnTo` (a path on this origin): starts the sign-in at the OpenID provider. */
export const SIGN_IN_PATH = '/api/auth/login';
/** Where the provider sends the person back: `${PUBLIC_URL}/api/auth/callback` is registered there. */
export const SIGN_IN_CALLBACK_PATH = '/api/auth/callback';
/** POST (a form): ends the session here and at the provider. */
export const SIGN_OUT_PATH = '/api/auth/logout';

/**
 * The `error` of a 401 from /api/credentials, /api/object-status or /api/session when there is no
 * sign-in session, or it has expired: the person must sign in again (SIGN_IN_PATH).
 */
export const SIGN_IN_REQUIRED = 'SignInRequired';

export type AccessKind = 'loopback' | 'bearer' | 'proxy-header' | 'oidc';

export interface SessionUserInfo {
  id: string;
  /** For display; absent when the sign-in provider gave none. */
  name?: string;
  /** Sees and may clean up every user's uploads in the dashboard. */
  admin: boolean;
}

/** 200 response of GET /api/session. */
export interface SessionInfo {
  /** How this deployment knows who is asking (TOKEN_ACCESS). */
  access: AccessKind;
  /** Absent where requests are not made for a person (loopback, bearer). */
  user?: SessionUserInfo;
  /** ISO 8601; with `oidc`, when the person has to sign in again. */
  expiresAt?: string;
}

export function isSessionInfo(value: unknown): value is SessionInfo {
  const record = value as Partial<SessionInfo> | null;
  if (typeof record !== 'object' || record === null) return false;
  if (!['loopback', 'bearer', 'proxy-header', 'oidc'].includes(record.access as string)) return false;
  const user = record.user;
  return (
    user === undefined ||
    (typeof user === 'object' &&
      user !== null &&
      typeof user.id === 'string' &&
      typeof user.admin === 'boolean')
  );
}
