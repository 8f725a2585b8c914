// Who may obtain temporary credentials. One strategy per TOKEN_ACCESS value; each decides on a request
// and names the client it is, which is also the key the rate limit counts against.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { TokenAccessConfig } from '../config/config.ts';
import { isLoopbackAddress, isLoopbackHost } from '../net/addresses.ts';

export type AccessDecision =
  | { allowed: true; client: string }
  | { allowed: false; status: 401 | 403; error: string; message: string; headers?: Record<string, string> };

export interface AccessStrategy {
  /** Rate-limit key: the proven identity where there is one, else the peer address. */
  clientKey(request: FastifyRequest): string;
  decide(request: FastifyRequest): AccessDecision;
}

/** The TCP peer, not X-Forwarded-For: the app server does not trust proxy headers for addresses. */
const peer = (request: FastifyRequest) => request.socket.remoteAddress ?? '';

const withoutIpv4Mapping = (ip: string) => (ip.startsWith('::ffff:') ? ip.slice(7) : ip);

const refuse = (status: 401 | 403, error: string, message: string, headers?: Record<string, string>) =>
  ({ allowed: false, status, error, message, ...(headers ? { headers } : {}) }) as const;

function loopback(): AccessStrategy {
  return {
    clientKey: peer,
    decide(request) {
      if (!isLoopbackAddress(peer(request))) {
        return refuse(
          403,
          'Forbidden',
          'This token service only serves clients on the same machine (TOKEN_ACCESS=loopback). ' +
            'To serve other clients, configure TOKEN_ACCESS=bearer or proxy-header (see docs/real-oss.md).',
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
    clientKey: peer,
    decide(request) {
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

function proxyHeader(header: string, trustedProxies: readonly string[]): AccessStrategy {
  const trusted = new Set(trustedProxies.map(withoutIpv4Mapping));
  const isTrustedPeer = (request: FastifyRequest) => trusted.has(withoutIpv4Mapping(peer(request)));
  const user = (request: FastifyRequest) => {
    const value = request.headers[header];
    return typeof value === 'string' ? value.trim() : '';
  };
  return {
    // Everyone arrives from the proxy's address, so the vouched-for user is the only useful key.
    clientKey: (request) =>
      isTrustedPeer(request) && user(request) ? `user:${user(request)}` : peer(request),
    decide(request) {
      // Anyone who can reach the app directly could set the header themselves.
      if (!isTrustedPeer(request)) {
        return refuse(
          403,
          'Forbidden',
          'Requests must come through the authenticating proxy (TOKEN_TRUSTED_PROXIES).',
        );
      }
      if (!user(request)) {
        return refuse(401, 'Unauthorized', `The authenticating proxy did not identify a user (${header}).`);
      }
      return { allowed: true, client: user(request) };
    },
  };
}

export function createAccessStrategy(config: TokenAccessConfig): AccessStrategy {
  switch (config.kind) {
    case 'loopback':
      return loopback();
    case 'bearer':
      return bearer(config.secret);
    case 'proxy-header':
      return proxyHeader(config.header, config.trustedProxies);
  }
}
