// Which bytes a `Range: bytes=...` header asks for, as OSS reads it (OSS API reference: GetObject, and
// the OSS knowledge-base article "How do I obtain OSS resources by segmenting HTTP Range requests"):
//
//   default            a range that is malformed, multi-part, or reaches past the object is ignored:
//                      the whole object, 200. Only `bytes=-0` is 416.
//   standard           (x-oss-range-behavior: standard, RFC 7233) an end past the object is cut to the
//                      last byte, 206; a start at or past the end is 416; a suffix longer than the
//                      object is the whole object, 206.
//
// The copy-source range of UploadPartCopy follows the default rules ("OSS copies the entire file").

import { ossError } from '../errors.ts';

export type RangeBehavior = 'default' | 'standard';

/** Inclusive byte positions, or undefined for the whole object without Content-Range. */
export type ByteRange = { start: number; end: number } | undefined;

export function rangeBehavior(header: string | string[] | undefined): RangeBehavior {
  return String(header ?? '').toLowerCase() === 'standard' ? 'standard' : 'default';
}

export function resolveRange(header: string | undefined, size: number, behavior: RangeBehavior): ByteRange {
  const match = header?.trim().match(/^bytes=(\d*)-(\d*)$/);
  if (!match) return undefined;
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return undefined;
  const standard = behavior === 'standard';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || (standard && size === 0)) throw ossError.invalidRange();
    if (suffix > size) return standard ? { start: 0, end: size - 1 } : undefined;
    return { start: size - suffix, end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Number(last);
  if (last !== '' && end < start) return undefined; // not a valid range: ignored in both modes
  if (start >= size) {
    if (standard) throw ossError.invalidRange();
    return undefined;
  }
  if (end >= size) return standard ? { start, end: size - 1 } : undefined;
  return { start, end };
}
