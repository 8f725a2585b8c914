// Who may obtain temporary credentials. One strategy per TOKEN_ACCESS value; each decides on a request
// and names the client it is. A strategy that knows users (proxy-header, oidc) also names the user,
// whose own key prefix then bounds the token, and says whether they administer Skylift.
import { createHash, timingSafeEqual } from 'node:crypto';
import type {} from '@fastify/cookie'; // request.cookies
import type { FastifyRequest } from 'fastify';
import { SIGN_IN_REQUIRED } from '../../lib/credentials/session-info.ts';
import type { TokenAccessConfig } from '../config/config.ts';
import { isLoopbackAddress, isLoopbackHost } from '../net/addresses.ts';
import { SESSION_COOKIE, type SessionSealer, type SessionUser } from '../sign-in/session-cookie.ts';
import { groupsOf } from '../sign-in/user-claims.ts';

export type AccessDecision =
  | {
      allowed: true;
      /** Rate-limit key and STS session name: the user where there is one, else the peer address. */
      client: string;
      /** Set by strategies that know users: their tokens write under their own prefix. */
      user?: SessionUser;
      /** When the sign-in session ends (oidc), ms since the epoch. */
      expiresAt?: number;
    }
  | { allowed: false; status: 401 | 403; error: string; message: string; headers?: Record<string, string> };

export interface AccessStrategy {
  decide(request: FastifyRequest): Promise<AccessDecision>;
}

export interface AccessOptions {
  /** Opens sign-in session cookies; required for TOKEN_ACCESS=oidc. */
  sessions?: SessionSealer;
  /** TOKEN_ADMIN_GROUP, for proxy-header with a groups header. */
  adminGroup?: string;
}

/** The TCP peer, not X-Forwarded-For: the app server does not trust proxy headers for addresses. */
const peer = (request: FastifyRequest) => request.socket.remoteAddress ?? '';

const withoutIpv4Mapping = (ip: string) => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);

const refuse = (status: 401 | 403, error: string, message: string, headers?: Record<string, string>) =>
  ({ allowed: false, status, error, message, ...(headers ? { headers } : {}) }) as const;

function loopback(): AccessStrategy {
  return {
    async decide(request) {
      if (!isLoopbackAddress(peer(request))) {
        return refuse(
          403,
          'Forbidden',
          'This token service only serves clients on the same machine (TOKEN_ACCESS=loopback). ' +
            'To serve other clients, configure TOKEN_ACCESS=oidc, proxy-header or bearer (see docs/real-oss.md).',
        );
      }
      // Checking Host stops DNS rebinding: a web page whose own domain is pointed at 127.0.0.1 would
      // otherwise be same-origin with the token service and could read the credentials.
      if (!isLoopbackHost(request.headers.host)) {
        return refuse(
          403,
          'Forbidden',
          'Requests must address the token service as localhost or a loopback IP.',
        );
      }
      return { allowed: true, client: peer(request) };
    },
  };
}

/** Hashing first gives equal-length inputs, so timingSafeEqual also hides the secret's length. */
const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

function bearer(secret: string): AccessStrategy {
  const expected = digest(secret);
  const challenge = { 'WWW-Authenticate': 'Bearer realm="skylift"' };
  return {
    async decide(request) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
      if (!match) {
        return refuse(
          401,
          'Unauthorized',
          'Send "Authorization: Bearer <token>" to obtain credentials.',
          challenge,
        );
      }
      if (!timingSafeEqual(digest(match[1]!), expected)) {
        return refuse(401, 'Unauthorized', 'The bearer token is not valid.', challenge);
      }
      return { allowed: true, client: peer(request) };
    },
  };
}

function proxyHeader(
  config: Extract<TokenAccessConfig, { kind: 'proxy-header' }>,
  adminGroup: string | undefined,
): AccessStrategy {
  const trusted = new Set(config.trustedProxies.map(withoutIpv4Mapping));
  const header = (request: FastifyRequest, name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value.trim() : '';
  };
  return {
    async decide(request) {
      // Anyone who can reach the app directly could set the header themselves.
      if (!trusted.has(withoutIpv4Mapping(peer(request)))) {
        return refuse(
          403,
          'Forbidden',
          'Requests must come through the authenticating proxy (TOKEN_TRUSTED_PROXIES).',
        );
      }
      const id = header(request, config.header);
      if (!id) {
        return refuse(
          401,
          'Unauthorized',
          `The authenticating proxy did not identify a user (${config.header}).`,
        );
      }
      const groups = config.groupsHeader ? groupsOf(header(request, config.groupsHeader)) : [];
      const admin = adminGroup !== undefined && groups.includes(adminGroup);
      return { allowed: true, client: id, user: { id, admin } };
    },
  };
}

function oidc(sessions: SessionSealer): AccessStrategy {
  return {
    async decide(request) {
      const session = await sessions.open(request.cookies[SESSION_COOKIE]);
      if (session.state === 'valid') {
        return { allowed: true, client: session.user.id, user: session.user, expiresAt: session.expiresAt };
      }
      const message =
        session.state === 'expired'
          ? `Your Skylift sign-in expired at ${new Date(session.expiredAt).toISOString()}. Sign in again to continue.`
          : 'Sign in to Skylift to upload.';
      return refuse(401, SIGN_IN_REQUIRED, message);
    },
  };
}

export function createAccessStrategy(config: TokenAccessConfig, options: AccessOptions = {}): AccessStrategy {
  switch (config.kind) {
    case 'loopback':
      return loopback();
    case 'bearer':
      return bearer(config.secret);
    case 'proxy-header':
      return proxyHeader(config, options.adminGroup);
    case 'oidc':
      if (!options.sessions) throw new Error('TOKEN_ACCESS=oidc needs the session sealer');
      return oidc(options.sessions);
  }
}
