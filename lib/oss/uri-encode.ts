// OSS signs URIs and queries in RFC 3986 form over UTF-8 bytes. encodeURIComponent is close but leaves
// !'()* unescaped and throws on lone surrogates, so we encode byte by byte from one table.

import { utf8 } from './bytes.ts';

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

const ENCODED_BYTE = Array.from({ length: 256 }, (_, b) => {
  const ch = String.fromCharCode(b);
  return b < 0x80 && UNRESERVED.test(ch) ? ch : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
});

/** Percent-encodes every UTF-8 byte except A-Z a-z 0-9 - _ . ~ (and '/' when keepSlash). Hex is uppercase. */
export function uriEncode(text: string, keepSlash = false): string {
  let out = '';
  for (const b of utf8(text)) out += keepSlash && b === 0x2f ? '/' : ENCODED_BYTE[b];
  return out;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function isHexDigit(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

/**
 * Strict percent-decoding for request paths and query parts: only `%XX` is an escape and `+` stays a
 * literal plus (OSS keys may contain '+'; form-decoding it as a space would change the signed key).
 * Throws on a malformed escape or when the decoded bytes are not valid UTF-8, so callers can answer 400
 * instead of silently storing a mangled key.
 */
export function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  const source = utf8(text);
  const bytes = new Uint8Array(source.length);
  let length = 0;
  for (let i = 0; i < source.length; i++) {
    const b = source[i]!;
    if (b !== 0x25) {
      bytes[length++] = b;
      continue;
    }
    const hi = source[i + 1];
    const lo = source[i + 2];
    if (hi === undefined || lo === undefined || !isHexDigit(hi) || !isHexDigit(lo)) {
      const found = new TextDecoder().decode(source.subarray(i, i + 3));
      throw new Error(`Malformed percent-escape "${found}" at byte offset ${i} of "${text}"`);
    }
    bytes[length++] = Number.parseInt(String.fromCharCode(hi, lo), 16);
    i += 2;
  }
  try {
    return fatalUtf8.decode(bytes.subarray(0, length));
  } catch {
    throw new Error(`Percent-decoded bytes of "${text}" are not valid UTF-8`);
  }
}

/**
 * Splits a raw query string ("uploads=&partNumber=1&x=%2A") into decoded [name, value] pairs in
 * order, with the strict percentDecode ('+' stays a plus). "name" and "name=" both give value ''.
 * Empty segments ("a&&b") are skipped. Throws on malformed escapes.
 */
export function parseQueryPairs(rawQuery: string): [name: string, value: string][] {
  const pairs: [string, string][] = [];
  for (const segment of rawQuery.replace(/^\?/, '').split('&')) {
    if (segment === '') continue;
    const eq = segment.indexOf('=');
    const name = eq < 0 ? segment : segment.slice(0, eq);
    const value = eq < 0 ? '' : segment.slice(eq + 1);
    pairs.push([percentDecode(name), percentDecode(value)]);
  }
  return pairs;
}
