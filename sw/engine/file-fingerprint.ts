// A fingerprint of a file's content, taken from sampled bytes when the file is chosen and checked
// again whenever the upload resumes and just before OSS assembles the object.
//
// Why: a browser that keeps a stored File as a reference to the file on disk (Chromium's private
// windows) notices a change of size or modification time, but not new bytes under the same size and
// time. Without a check, parts sent before such a change and parts sent after it would be joined into
// an object that is neither version. Reading the whole file again would cost as much as uploading
// it, so the fingerprint samples it: the first and last 64 KiB and 64 blocks of 4 KiB spread evenly
// in between — about 384 KiB per file, read as one Blob. What this guarantees is written in
// docs/upload-engine.md ("Files that change after they are chosen").
import { KiB } from '../../lib/oss/limits.ts';
import { crc64OfBlob } from './blob-checksums.ts';

const EDGE_BYTES = 64 * KiB;
const SAMPLE_BYTES = 4 * KiB;
const SAMPLES = 64;
/** Bumped if the sampling ever changes, so an old fingerprint is never compared with a new kind. */
const VERSION = 'v1';

/** The byte ranges sampled from a file of `size` bytes: sorted, disjoint, [start, end). */
export function sampledRanges(size: number): [number, number][] {
  const ranges: [number, number][] = [[0, Math.min(size, EDGE_BYTES)]];
  const step = (size - SAMPLE_BYTES) / (SAMPLES + 1);
  for (let i = 1; i <= SAMPLES && step > 0; i++) {
    const start = Math.floor(step * i);
    ranges.push([start, start + SAMPLE_BYTES]);
  }
  ranges.push([Math.max(0, size - EDGE_BYTES), size]);
  ranges.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of ranges) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else if (end > start) merged.push([start, end]);
  }
  return merged;
}

export async function fileFingerprint(file: Blob): Promise<string> {
  const samples = new Blob(sampledRanges(file.size).map(([start, end]) => file.slice(start, end)));
  return `${VERSION}:${file.size}:${await crc64OfBlob(samples)}`;
}
