// Query strings as the signers see them: decoded [name, value] pairs in the order received.
import { percentDecode } from '../../../lib/oss/uri-encode.ts';

/**
 * Splits a raw query on `&` and the first `=`, then percent-decodes names and values. `+` is decoded
 * as a space, as Go's OSS SDK does when it canonicalizes (ali-oss never sends `+` in a query).
 * A malformed escape or invalid UTF-8 throws; the caller reports InvalidArgument.
 */
export function parseRawQuery(rawQuery: string): [name: string, value: string][] {
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const [name, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
    pairs.push([percentDecode(name.replaceAll('+', '%20')), percentDecode(value.replaceAll('+', '%20'))]);
  }
  return pairs;
}
