// The headers every response of the app server carries, through helmet (@fastify/helmet), which
// keeps the set current with browsers: nosniff, no framing (X-Frame-Options and frame-ancestors),
// no referrer, cross-origin isolation of the window and resources, HSTS over HTTPS.
//
// The Content-Security-Policy goes on the responses it governs, documents (HTML) and scripts (the
// service worker's policy is the one its script was served with): scripts, styles and workers only
// from this origin and never inline (the build emits none; Lit's styles are constructable
// stylesheets), connections only to this origin and the OSS bucket. JSON answers are neither
// rendered nor run, so they carry none.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { objectUrl } from '../../lib/oss-client/object-url.ts';

export interface SecurityHeaderOptions {
  /** Where the page and the worker send OSS requests: the endpoint as the browser is told it. */
  oss: { endpoint: string; bucket: string };
  /** PUBLIC_URL; HTTPS deployments also get Strict-Transport-Security. */
  publicUrl?: string;
  /** Where sign-out may send the browser: the OpenID provider's origin (form-action covers redirects). */
  signInProvider?: string;
}

/**
 * The origins OSS requests go to: virtual-hosted `<bucket>.<endpoint host>`, or the endpoint itself
 * where the client uses path style (IP endpoints) — both, since lib/oss-client/object-url.ts decides.
 */
export function ossOrigins(endpoint: string, bucket: string): string[] {
  return [...new Set([new URL(endpoint).origin, new URL(objectUrl(endpoint, bucket, '')).origin])];
}

export function contentSecurityPolicy(options: SecurityHeaderOptions): Record<string, string[]> {
  return {
    'default-src': ["'self'"],
    // hash-wasm computes CRC64 and MD5 in WebAssembly: compiling it needs 'wasm-unsafe-eval', which
    // allows WebAssembly and nothing else (no eval, no inline script).
    'script-src': ["'self'", "'wasm-unsafe-eval'"],
    'style-src': ["'self'"],
    'img-src': ["'self'"],
    'connect-src': ["'self'", ...ossOrigins(options.oss.endpoint, options.oss.bucket)],
    'worker-src': ["'self'"],
    'manifest-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'self'", ...(options.signInProvider ? [new URL(options.signInProvider).origin] : [])],
    'frame-ancestors': ["'none'"],
  };
}

/** The policy as the header spells it. */
export function cspHeader(directives: Record<string, string[]>): string {
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

/** Documents and scripts: what a Content-Security-Policy applies to. */
const GOVERNED_TYPES = /^(text\/html|text\/javascript|application\/javascript)\b/i;

export async function registerSecurityHeaders(
  app: FastifyInstance,
  options: SecurityHeaderOptions,
): Promise<void> {
  const https = options.publicUrl?.startsWith('https:') ?? false;
  const policy = cspHeader(contentSecurityPolicy(options));
  app.addHook('onSend', async (_request, reply, payload) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && GOVERNED_TYPES.test(type))
      reply.header('Content-Security-Policy', policy);
    return payload;
  });
  await app.register(helmet, {
    // Set above, on documents and scripts only.
    contentSecurityPolicy: false,
    // DENY rather than helmet's SAMEORIGIN: nothing, not even the app itself, frames its pages.
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // Only where the app is served over HTTPS: a header on http://localhost would mean nothing.
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
  });
}
