// OSS query strings are decoded strictly: `+` is a literal plus (URLSearchParams would turn it into a
// space and change a prefix or marker), and a malformed escape is the client's error.

import { percentDecode } from '../../../lib/oss/uri-encode.ts';
import { ossError } from '../errors.ts';

export type Query = Map<string, string>;

export function parseQuery(rawQuery: string): Query {
  const query: Query = new Map();
  if (rawQuery === '') return query;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const name = percentDecode(rawName);
      // The first occurrence wins, like OSS.
      if (!query.has(name)) query.set(name, percentDecode(rawValue));
    } catch {
      throw ossError.invalidArgument('Invalid query string.', rawName, rawValue);
    }
  }
  return query;
}
