// Streams bytes [start, end] of an object that is the concatenation of its extents (one data file for
// a PutObject, one per part for a multipart object), opening one file at a time.

import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Extent } from './records.ts';

export function readExtents(
  extents: readonly Extent[],
  pathOf: (blob: string) => string,
  start: number,
  end: number,
): Readable {
  async function* chunks() {
    let offset = 0;
    for (const extent of extents) {
      const extentStart = offset;
      offset += extent.size;
      if (offset <= start || extent.size === 0) continue;
      if (extentStart > end) break;
      const from = Math.max(start, extentStart) - extentStart;
      const to = Math.min(end, offset - 1) - extentStart;
      yield* createReadStream(pathOf(extent.blob), { start: from, end: to });
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}
