// Temporary OSS credentials for the page and the service worker. Each keeps its own provider in
// memory only: a service worker woken by a sync event after the page closed fetches its own, and
// nothing is written to IndexedDB, so a stolen profile holds no usable key once tokens expire.
import {
  CREDENTIALS_PATH,
  isTemporaryCredentials,
  type TemporaryCredentials,
} from './temporary-credentials.ts';
import { CredentialsError, callTokenService, type TokenServiceCallOptions } from './token-service-call.ts';

export interface CredentialsProviderOptions extends TokenServiceCallOptions {
  /** Token service URL; default `/api/credentials`, resolved against the page or worker location. */
  url?: string;
  /** Clock, ms since the epoch (tests pass a fake one). */
  now?: () => number;
  /**
   * How long before expiration a new token is fetched, so a request is never signed with a token
   * about to lapse. Capped at a quarter of the token's lifetime, so short tokens are still reused.
   */
  refreshAheadMs?: number;
}

export interface CredentialsProvider {
  /** Cached credentials, or fresh ones when none are cached or they are due for refresh. */
  get(): Promise<TemporaryCredentials>;
  /**
   * Forgets the cached credentials. Pass the ones that failed: if another caller has already
   * replaced them, the newer ones are kept rather than fetched a second time.
   */
  invalidate(failed?: TemporaryCredentials): void;
}

export const DEFAULT_REFRESH_AHEAD_MS = 60_000;

export function createCredentialsProvider(options: CredentialsProviderOptions = {}): CredentialsProvider {
  const url = options.url ?? CREDENTIALS_PATH;
  const now = options.now ?? Date.now;
  const refreshAheadMs = options.refreshAheadMs ?? DEFAULT_REFRESH_AHEAD_MS;

  let cached: { credentials: TemporaryCredentials; refreshAt: number } | undefined;
  let inflight: Promise<TemporaryCredentials> | undefined;

  async function request(): Promise<TemporaryCredentials> {
    const requestedAt = now();
    const { status, body } = await callTokenService(url, options, 'refused credentials');
    if (!isTemporaryCredentials(body)) {
      throw new CredentialsError(
        `The token service at ${url} answered HTTP ${status} without credentials`,
        status,
        'InvalidResponse',
      );
    }
    // The device clock is trusted here; a skewed clock shows up as SecurityTokenExpired, which
    // withFreshCredentials recovers from.
    const expiresAt = Date.parse(body.expiration);
    const lifetime = Math.max(0, expiresAt - requestedAt);
    cached = { credentials: body, refreshAt: expiresAt - Math.min(refreshAheadMs, lifetime / 4) };
    return body;
  }

  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.credentials);
      // Every caller during a refresh shares the one request.
      inflight ??= request().finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate(failed) {
      if (failed === undefined || cached?.credentials === failed) cached = undefined;
    },
  };
}
