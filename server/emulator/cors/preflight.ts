// Answers a CORS preflight (OPTIONS, unsigned) from the bucket's rules (OSS API reference: PutBucketCors, Options).

import { ossError } from '../errors.ts';
import { type Exchange, sendEmpty } from '../http/exchange.ts';
import type { CorsConfig } from './cors-config.ts';
import { findCorsRule, ruleHeaders } from './cors-match.ts';

export function answerPreflight(ex: Exchange, cors: CorsConfig | undefined): void {
  const origin = ex.req.headers.origin;
  if (origin === undefined)
    throw ossError.badRequest('Insufficient information. Origin request header needed');
  const method = ex.req.headers['access-control-request-method'];
  if (method === undefined) {
    throw ossError.badRequest(
      'Insufficient information. Request Access-Control-Request-Method header needed',
    );
  }
  const requested = (ex.req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '');
  const rule = findCorsRule(cors, origin, method, requested);
  if (!rule) throw ossError.accessForbiddenCors();
  sendEmpty(ex, 200, {
    ...ruleHeaders(rule, origin),
    'Access-Control-Allow-Headers': requested.length > 0 ? requested.join(', ') : undefined,
    Vary: cors?.responseVary ? 'Origin' : undefined,
  });
}
