// How the emulator reads a query string — one rule for routing and for signature checks alike:
// percent-escapes are decoded strictly (a malformed one is the client's error) and `+` means a
// space, as in form encoding and as Go's OSS SDK signs it (ali-oss never sends `+`).

import { parseQueryPairs } from '../../../lib/oss/uri-encode.ts';
import { ossError } from '../errors.ts';

export type Query = Map<string, string>;

/** Decoded [name, value] pairs in request order. */
export function decodeQueryPairs(rawQuery: string): [string, string][] {
  try {
    return parseQueryPairs(rawQuery.replaceAll('+', '%20'));
  } catch (err) {
    throw ossError.invalidArgument(`Invalid query string: ${(err as Error).message}`, 'query', rawQuery);
  }
}

export function parseQuery(rawQuery: string): Query {
  const query: Query = new Map();
  for (const [name, value] of decodeQueryPairs(rawQuery)) {
    // The first occurrence wins, like OSS.
    if (!query.has(name)) query.set(name, value);
  }
  return query;
}
