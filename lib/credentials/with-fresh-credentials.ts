// Runs one OSS request with the provider's credentials and, when OSS says the token has expired or
// is not valid (a clock-skewed device, a token revoked early), fetches new credentials and runs it
// exactly once more. Any other failure is the caller's retry policy, not this one's.
import { parseOssErrorXml } from '../oss/errors.ts';
import type { CredentialsProvider } from './credentials-provider.ts';
import type { TemporaryCredentials } from './temporary-credentials.ts';

/** OSS error codes (OSS API reference: "Error codes") that new credentials cure. */
export const STALE_TOKEN_CODES: ReadonlySet<string> = new Set([
  'SecurityTokenExpired',
  'InvalidSecurityToken',
]);

/** An error thrown by an OSS client (ali-oss sets `code`; so may lib/oss's own errors). */
function isStaleTokenError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && STALE_TOKEN_CODES.has(code);
}

/** A fetch Response carrying the OSS error XML; read from a clone so the caller can still read the body. */
async function isStaleTokenResponse(result: unknown): Promise<boolean> {
  if (!(result instanceof Response) || result.status !== 403) return false;
  const info = parseOssErrorXml(await result.clone().text());
  return info !== undefined && STALE_TOKEN_CODES.has(info.code);
}

/**
 * `operation` may either throw an error with an OSS `code` or return the fetch Response as is;
 * both stale-token shapes are recognised. The operation must be safe to run twice (build the
 * request, including its body, inside it).
 */
export async function withFreshCredentials<T>(
  provider: CredentialsProvider,
  operation: (credentials: TemporaryCredentials) => Promise<T>,
): Promise<T> {
  const credentials = await provider.get();
  try {
    const result = await operation(credentials);
    if (!(await isStaleTokenResponse(result))) return result;
  } catch (error) {
    if (!isStaleTokenError(error)) throw error;
  }
  provider.invalidate(credentials);
  return operation(await provider.get());
}
