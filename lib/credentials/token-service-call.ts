// The one way the page and the worker call the token service (credentials, object status): a
// same-origin POST with JSON both ways, and every failure a CredentialsError that the engine's retry
// policy knows how to treat (status 0 means no answer at all, so it waits for the network).
import { isTokenServiceError } from './temporary-credentials.ts';

/** The token service refused or could not be reached; `status` is 0 when there was no HTTP answer. */
export class CredentialsError extends Error {
  override name = 'CredentialsError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    /** How long the token service asked to wait (Retry-After on 429 and 503), in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Retry-After in seconds (the token service's rate limit sends that form), as ms. */
function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after') ?? Number.NaN);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export interface TokenServiceCallOptions {
  fetch?: typeof fetch;
  /** Extra request headers, e.g. `Authorization` when the token service uses TOKEN_ACCESS=bearer. */
  headers?: Record<string, string>;
}

/**
 * POSTs `body` (as JSON, when given) and resolves with the parsed JSON answer of a 2xx response.
 * `refused` names what was asked for, for the error message ("refused credentials").
 */
export async function callTokenService(
  url: string,
  options: TokenServiceCallOptions,
  refused: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  // Bound so a fetch taken from globalThis keeps its receiver (browsers throw "Illegal invocation").
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...options.headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (error) {
    throw new CredentialsError(
      `Could not reach the token service at ${url}: ${(error as Error).message}`,
      0,
      'NetworkError',
    );
  }
  const answer: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = isTokenServiceError(answer)
      ? { code: answer.error, message: answer.message }
      : { code: 'HttpError', message: response.statusText || 'no explanation given' };
    throw new CredentialsError(
      `The token service ${refused} (HTTP ${response.status}, ${detail.code}): ${detail.message}`,
      response.status,
      detail.code,
      retryAfter(response),
    );
  }
  return { status: response.status, body: answer };
}
