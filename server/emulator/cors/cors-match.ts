// Evaluates a bucket's CORS rules against a request (OSS API reference: PutBucketCors, Options): first matching rule wins; wildcards are a
// single `*` per value; header names compare case-insensitively.

import type { CorsConfig, CorsRule } from './cors-config.ts';

function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const p = ignoreCase ? pattern.toLowerCase() : pattern;
  const v = ignoreCase ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

export function findCorsRule(
  config: CorsConfig | undefined,
  origin: string,
  method: string,
  requestedHeaders: string[] = [],
): CorsRule | undefined {
  return config?.rules.find(
    (rule) =>
      rule.allowedOrigins.some((o) => wildcardMatches(o, origin, false)) &&
      (rule.allowedMethods as string[]).includes(method) &&
      requestedHeaders.every((h) => rule.allowedHeaders.some((a) => wildcardMatches(a, h, true))),
  );
}

/**
 * The CORS headers of an actual (non-preflight) request, errors included: without them the browser hides
 * the error XML and ali-oss sees only a network failure. Exposes exactly the rule's ExposeHeaders, so a
 * bucket that forgot ETag fails in ali-oss the way real OSS makes it fail.
 */
export function corsResponseHeaders(
  config: CorsConfig | undefined,
  origin: string | undefined,
  method: string,
): Record<string, string> {
  if (!config || origin === undefined) return {};
  const headers: Record<string, string> = config.responseVary ? { Vary: 'Origin' } : {};
  const rule = findCorsRule(config, origin, method);
  if (!rule) return headers;
  return { ...headers, ...ruleHeaders(rule, origin) };
}

export function ruleHeaders(rule: CorsRule, origin: string): Record<string, string> {
  const headers: Record<string, string> = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': rule.allowedMethods.join(', '),
  };
  if (rule.exposeHeaders.length > 0) headers['Access-Control-Expose-Headers'] = rule.exposeHeaders.join(', ');
  if (rule.maxAgeSeconds !== undefined) headers['Access-Control-Max-Age'] = String(rule.maxAgeSeconds);
  return headers;
}
