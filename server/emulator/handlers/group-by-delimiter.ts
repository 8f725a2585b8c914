// The one pagination walk shared by ListObjects (v1, v2) and ListMultipartUploads: entries in key
// order, those sharing `prefix` + text up to `delimiter` rolled up into one common prefix, each entry
// or common prefix counting once against `max`.

export type ListingEntry<T> = { kind: 'item'; item: T } | { kind: 'prefix'; prefix: string };

export interface Listing<T> {
  entries: ListingEntry<T>[];
  truncated: boolean;
}

export function groupByDelimiter<T>(
  candidates: Iterable<T>,
  keyOf: (item: T) => string,
  options: { prefix: string; delimiter: string; max: number; marker: string },
): Listing<T> {
  const { prefix, delimiter, max, marker } = options;
  const entries: ListingEntry<T>[] = [];
  let lastPrefix: string | undefined;
  for (const item of candidates) {
    const key = keyOf(item);
    if (!key.startsWith(prefix)) continue;
    let common: string | undefined;
    if (delimiter !== '') {
      const at = key.indexOf(delimiter, prefix.length);
      if (at >= 0) common = key.slice(0, at + delimiter.length);
    }
    // A common prefix at or before the marker was returned on an earlier page.
    if (common !== undefined && (common === lastPrefix || (marker !== '' && marker.startsWith(common))))
      continue;
    if (entries.length === max) return { entries, truncated: true };
    if (common !== undefined) {
      entries.push({ kind: 'prefix', prefix: common });
      lastPrefix = common;
    } else {
      entries.push({ kind: 'item', item });
    }
  }
  return { entries, truncated: false };
}
