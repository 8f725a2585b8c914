// Self-contained STS credentials: everything needed to check a token is inside it, sealed with an HMAC,
// so tokens survive an emulator restart without storage and any emulator sharing tokenSecret accepts them.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ossError } from '../errors.ts';
import type { Principal, SessionPolicyStatement } from './auth-types.ts';

/** The prefix real STS gives temporary AccessKeyIds; OSS uses it to tell an STS key from a long-term one. */
export const STS_ACCESS_KEY_PREFIX = 'STS.';

interface TokenPayload {
  akid: string;
  /** Expiration, Unix seconds (STS reports Expiration with second precision). */
  exp: number;
  policy?: SessionPolicyStatement[];
  roleArn: string;
  sessionName: string;
}

export interface IssuedCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken: string;
  /** Expiration as Unix seconds. */
  expiresAt: number;
}

const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();
const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** The temporary secret is derived, not stored: whoever knows tokenSecret can recompute it from the key id. */
export function temporarySecret(tokenSecret: string, accessKeyId: string): string {
  return base64url(hmac(tokenSecret, `secret:${accessKeyId}`));
}

export function issueCredentials(
  tokenSecret: string,
  grant: { expiresAt: number; policy?: SessionPolicyStatement[]; roleArn: string; sessionName: string },
): IssuedCredentials {
  // Letters and digits only, like real STS key ids, so no client regex trips over '-' or '_'.
  const id = randomBytes(36)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 28);
  const accessKeyId = `${STS_ACCESS_KEY_PREFIX}${id}`;
  const payload: TokenPayload = {
    akid: accessKeyId,
    exp: grant.expiresAt,
    ...(grant.policy ? { policy: grant.policy } : {}),
    roleArn: grant.roleArn,
    sessionName: grant.sessionName,
  };
  const body = base64url(JSON.stringify(payload));
  return {
    accessKeyId,
    accessKeySecret: temporarySecret(tokenSecret, accessKeyId),
    securityToken: `${body}.${base64url(hmac(tokenSecret, body))}`,
    expiresAt: grant.expiresAt,
  };
}

function isPayload(value: unknown): value is TokenPayload {
  const p = value as Partial<TokenPayload> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    typeof p.akid === 'string' &&
    typeof p.exp === 'number' &&
    typeof p.roleArn === 'string' &&
    typeof p.sessionName === 'string' &&
    (p.policy === undefined || Array.isArray(p.policy))
  );
}

/**
 * Checks a security token presented with `accessKeyId` and returns the STS principal and its secret.
 * Forged, garbled or borrowed (other key id) tokens are InvalidSecurityToken; genuine but expired
 * tokens are SecurityTokenExpired, which tells clients such as ali-oss to fetch new credentials.
 */
export function verifySecurityToken(
  tokenSecret: string,
  accessKeyId: string,
  token: string,
  nowMs: number,
): { principal: Principal; accessKeySecret: string } {
  const [body, mac, extra] = token.split('.');
  if (body === undefined || mac === undefined || extra !== undefined) throw ossError.invalidSecurityToken();
  const expected = hmac(tokenSecret, body);
  const provided = Buffer.from(mac, 'base64url');
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) {
    throw ossError.invalidSecurityToken();
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    throw ossError.invalidSecurityToken();
  }
  if (!isPayload(payload) || payload.akid !== accessKeyId) throw ossError.invalidSecurityToken();
  if (nowMs > payload.exp * 1000) throw ossError.securityTokenExpired(token);
  return {
    principal: {
      accessKeyId,
      kind: 'sts',
      ...(payload.policy ? { policy: payload.policy } : {}),
      roleArn: payload.roleArn,
      sessionName: payload.sessionName,
    },
    accessKeySecret: temporarySecret(tokenSecret, accessKeyId),
  };
}
