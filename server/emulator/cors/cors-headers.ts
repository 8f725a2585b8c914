// CORS in the pipeline: OPTIONS is answered here; every other request with a matching Origin gets the
// rule's headers before the handler runs, so success and error responses alike carry them.

import type { Exchange } from '../http/exchange.ts';
import type { CorsConfig } from './cors-config.ts';
import { corsResponseHeaders } from './cors-match.ts';
import { answerPreflight } from './preflight.ts';

export function preflightCors(ex: Exchange, cors: CorsConfig | undefined): 'answered' | undefined {
  if (ex.req.method === 'OPTIONS') {
    answerPreflight(ex, cors);
    return 'answered';
  }
  for (const [name, value] of Object.entries(
    corsResponseHeaders(cors, ex.req.headers.origin, ex.req.method ?? ''),
  )) {
    ex.res.setHeader(name, value);
  }
  return undefined;
}
