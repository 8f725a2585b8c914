// The contract of POST /api/credentials, shared by the token service (server/token-service) and the
// page and service worker that call it, so both sides agree on every field.

/** Where the page and the service worker ask for credentials (same origin as the app). */
export const CREDENTIALS_PATH = '/api/credentials';

/** 200 response: short-lived STS credentials plus where and under which prefix they may be used. */
export interface TemporaryCredentials {
  /** Always an STS key (`STS.…`); long-term keys never leave the server. */
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** ISO 8601 instant after which OSS answers SecurityTokenExpired. */
  expiration: string;
  /** e.g. `oss-cn-hangzhou`. */
  region: string;
  bucket: string;
  /** Origin of OSS: the emulator's URL in emulator mode, e.g. https://oss-cn-hangzhou.aliyuncs.com otherwise. */
  endpoint: string;
  /**
   * Every key the credentials may write starts with this: the signed-in user's own prefix, e.g.
   * `uploads/alice@example.com/` (or `uploads/` where requests are not made for a person).
   */
  prefix: string;
  /**
   * Unfinished uploads under this prefix may be listed and aborted: `prefix`, or the prefix of every
   * user for an administrator. Absent from older servers: then it is `prefix`.
   */
  listPrefix?: string;
}

/** Every non-2xx response of the token service. `error` is a stable code, `message` is for people. */
export interface TokenServiceError {
  error: string;
  message: string;
}

const FIELDS = [
  'accessKeyId',
  'accessKeySecret',
  'securityToken',
  'expiration',
  'region',
  'bucket',
  'endpoint',
  'prefix',
] as const satisfies readonly (keyof TemporaryCredentials)[];

/** Checks a parsed body before anything signs with it: a proxy's HTML or a half-deployed server must not pass. */
export function isTemporaryCredentials(value: unknown): value is TemporaryCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return (
    FIELDS.every((name) => typeof record[name] === 'string' && (name === 'prefix' || record[name] !== '')) &&
    (record.listPrefix === undefined || typeof record.listPrefix === 'string') &&
    !Number.isNaN(Date.parse(record.expiration as string))
  );
}

export function isTokenServiceError(value: unknown): value is TokenServiceError {
  const record = value as Partial<TokenServiceError> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    typeof record.error === 'string' &&
    typeof record.message === 'string'
  );
}
