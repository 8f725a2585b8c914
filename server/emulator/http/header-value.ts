// Request values the emulator copies into a response header (GetObject's `response-*` overrides). A
// header holds visible ASCII, spaces and tabs: CR/LF would split it (response splitting), Node refuses
// other control characters, and non-ASCII would leave as Latin-1 bytes, garbled.

import { ossError } from '../errors.ts';

const HEADER_SAFE = /^[\t\x20-\x7e]*$/;

/** A character as UTF-8 percent-escapes; a lone surrogate (not text at all) as U+FFFD's. */
function percentEncoded(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD';
  }
}

/** `value` with `%` and everything but printable ASCII percent-encoded (UTF-8), safe to echo anywhere. */
export function printable(value: string): string {
  return [...value].map((ch) => (/^[\x20-\x24\x26-\x7e]$/.test(ch) ? ch : percentEncoded(ch))).join('');
}

/** `value` if a header can carry it, else 400 InvalidArgument naming `argument` (checked before any work). */
export function headerValueOf(argument: string, value: string): string {
  if (HEADER_SAFE.test(value)) return value;
  throw ossError.invalidArgument(
    `${argument} must be printable ASCII: a header cannot carry control characters or non-ASCII text. ` +
      "Percent-encode such text (for a file name: filename*=UTF-8''<percent-encoded name>).",
    argument,
    printable(value),
  );
}
