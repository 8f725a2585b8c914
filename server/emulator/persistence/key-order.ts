// OSS lists keys in UTF-8 byte order. JavaScript's `<` compares UTF-16 code units, which disagrees for
// characters above U+FFFF versus U+E000..U+FFFF, so compare the encoded bytes.

export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Index of the first element of `sorted` that is > `key` (or >= when `inclusive`). */
export function lowerBound(sorted: readonly string[], key: string, inclusive = false): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = compareKeys(sorted[mid]!, key);
    if (cmp < 0 || (cmp === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Keeps an array of distinct keys sorted under insertions and removals. */
export class SortedKeys {
  readonly keys: string[] = [];

  add(key: string): void {
    const at = lowerBound(this.keys, key, true);
    if (this.keys[at] !== key) this.keys.splice(at, 0, key);
  }

  remove(key: string): void {
    const at = lowerBound(this.keys, key, true);
    if (this.keys[at] === key) this.keys.splice(at, 1);
  }
}
