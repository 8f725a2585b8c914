// Who the page is signed in as, asked of the app server (GET /api/session), and what to do when the
// sign-in has ended: send the person to sign in again, back to where they were, and retry the uploads
// that stopped for want of it.
import {
  isSessionInfo,
  SESSION_PATH,
  type SessionInfo,
  SIGN_IN_PATH,
  SIGN_IN_REQUIRED,
} from '../../lib/credentials/session-info.ts';
import { isTokenServiceError } from '../../lib/credentials/temporary-credentials.ts';
import type { UploadView } from '../../lib/protocol/messages.ts';

export type SessionState =
  | { kind: 'signed-in'; info: SessionInfo }
  /** No session, or it expired: `message` says which. */
  | { kind: 'sign-in-required'; message: string }
  /** Offline, or an answer that says neither (shown as nothing: the offline banner speaks for itself). */
  | { kind: 'unknown' };

export async function checkSession(
  doFetch: typeof fetch = globalThis.fetch.bind(globalThis),
): Promise<SessionState> {
  let response: Response;
  try {
    response = await doFetch(SESSION_PATH, { credentials: 'same-origin', cache: 'no-store' });
  } catch {
    return { kind: 'unknown' };
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (response.ok && isSessionInfo(body)) return { kind: 'signed-in', info: body };
  if (response.status === 401 && isTokenServiceError(body) && body.error === SIGN_IN_REQUIRED) {
    return { kind: 'sign-in-required', message: body.message };
  }
  return { kind: 'unknown' };
}

/** The sign-in link, coming back to this very view (path, query and hash) afterwards. */
export function signInHref(where: Pick<Location, 'pathname' | 'search' | 'hash'>): string {
  return `${SIGN_IN_PATH}?returnTo=${encodeURIComponent(`${where.pathname}${where.search}${where.hash}`)}`;
}

/** Uploads that failed only because the sign-in had ended: to be retried once signed in again. */
export function stoppedForSignIn(uploads: readonly UploadView[]): string[] {
  return uploads.filter((u) => u.state === 'failed' && u.problem?.code === SIGN_IN_REQUIRED).map((u) => u.id);
}
