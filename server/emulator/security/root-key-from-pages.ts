// The emulator's root key is public (README), so a signature made with it proves nothing about who
// sent the request. A web page of any origin can make the browser send CORS-simple requests — GET,
// HEAD, form POSTs — signed in the URL, with no preflight to stop them. Such requests are refused
// unless the bucket's CORS rules allow the page's origin: the app's own page keeps working (it also
// uses STS credentials, which only the token service hands out, and which are not checked here).

import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/auth-types.ts';
import type { CorsConfig } from '../cors/cors-config.ts';
import { findCorsRule } from '../cors/cors-match.ts';
import { ossError } from '../errors.ts';
import { pageRequest } from './page-request.ts';

/** Throws AccessDenied for a root-key request from a page whose origin the bucket does not allow. */
export function refuseRootKeyFromForeignPages(
  principal: Principal,
  req: IncomingMessage,
  cors: CorsConfig | undefined,
): void {
  if (principal.kind !== 'root') return;
  const page = pageRequest(req.headers);
  if (!page || findCorsRule(cors, page.origin, req.method ?? '')) return;
  throw ossError.accessDenied(
    `Requests signed with the emulator's root key, which is public, are refused from web pages the bucket's CORS rules ` +
      `do not allow (this one came from origin ${page.origin}). Pages should use STS credentials from the token service; ` +
      'to let a page of yours use the root key, allow its origin (--cors-origin, OSS_EMULATOR_CORS_ORIGINS, or PutBucketCors).',
  );
}
