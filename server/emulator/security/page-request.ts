// Tells requests a browser sends on behalf of a web page from those of local tools. Browsers announce
// the page: `Origin` on every cross-origin fetch/XHR and on every POST, form submissions included;
// `Sec-Fetch-Site` on every request, which is `none` only when the person typed the URL or opened a
// bookmark. curl, scripts and SDKs in Node send neither (Node's fetch sends `Sec-Fetch-Mode: cors`
// alone, which on its own says nothing about a page).

import type { IncomingHttpHeaders } from 'node:http';

/** Sec-Fetch-Site values that name a page as the initiator; `none` is the person at the address bar. */
const FROM_A_PAGE = new Set(['cross-site', 'same-site', 'same-origin']);

export interface PageRequest {
  /**
   * The page's origin: the Origin header, else the origin of the Referer; `null` (as browsers write
   * an opaque origin) when the browser withheld both.
   */
  origin: string;
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (referer === undefined) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/** The page a request was sent for, or undefined when no browser page asked for it. */
export function pageRequest(headers: IncomingHttpHeaders): PageRequest | undefined {
  const site = headers['sec-fetch-site'];
  if (headers.origin !== undefined) return { origin: headers.origin };
  if (site === undefined || !FROM_A_PAGE.has(site)) return undefined;
  return { origin: refererOrigin(headers.referer) ?? 'null' };
}
