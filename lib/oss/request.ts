// The request shape both signers take, and the header normalisation they share. Keys are decoded
// (what OSS stores); query pairs are decoded too, in the order received.

/** Header values as a plain record of any case: fetch-style strings or Node's IncomingHttpHeaders. */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | number | undefined>>;

/** Decoded query parameters in order; a parameter without '=' or with an empty value has value ''. */
export type QueryPairs = readonly (readonly [name: string, value: string])[];

export interface SignableRequest {
  method: string;
  /** Undefined for service-level requests (ListBuckets). */
  bucket?: string;
  /** Decoded object key; '' for bucket-level requests. */
  key: string;
  query?: QueryPairs;
  headers?: HeaderRecord;
}

/**
 * Lowercased header names → trimmed values. Repeated headers (array values, or the same name in two
 * cases) are joined with ',' as HTTP folds them and as the Go SDK signs them.
 */
export function normaliseHeaders(headers: HeaderRecord = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).map((v) => String(v).trim());
    const lower = name.toLowerCase();
    const previous = out.get(lower);
    out.set(lower, [...(previous === undefined ? [] : [previous]), ...values].join(','));
  }
  return out;
}

/** Plain UTF-16 code-unit order; for the ASCII strings signers sort it equals byte order (Go's sort.Strings). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
