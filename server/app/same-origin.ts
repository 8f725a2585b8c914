// Requests that spend something (credentials, an object lookup, signing out) must come from the app's
// own pages. Browsers say where a request comes from in Sec-Fetch-Site (Fetch Metadata) and, for
// cross-origin and POST requests, in Origin; a page on another site can send a form or a no-cors
// fetch, but never with `same-origin` there. Clients that send neither (curl, scripts) are no
// cross-site threat: they hold no one's cookies, and are judged by the access strategy alone.
import type { FastifyRequest } from 'fastify';

/** Why the request looks cross-site, or undefined when it is the app's own (or no browser's). */
export function crossSiteProblem(request: FastifyRequest, publicUrl?: string): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') {
    return site === 'same-origin'
      ? undefined
      : `This request came from another site (Sec-Fetch-Site: ${site}); only Skylift's own pages may send it.`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  const own = publicUrl ?? originOfHost(origin, request.headers.host);
  return origin === own ? undefined : `This request came from a page of another origin (${origin}).`;
}

/**
 * Without PUBLIC_URL (and for browsers without Fetch Metadata) the page's origin must name the host
 * the request was sent to: a proxy in front keeps Host, and the scheme is its business.
 */
function originOfHost(origin: string, host: string | undefined): string | undefined {
  try {
    const url = new URL(origin);
    return host !== undefined && url.host === host.toLowerCase() ? origin : undefined;
  } catch {
    return undefined; // "null" (sandboxed or opaque origins) and garbage are never our pages
  }
}
