// How a file is cut into parts. Pure: size in, plan out.
//
// OSS limits (lib/oss/limits.ts): parts of 100 KB..5 GB (the last may be smaller), at most 10,000
// parts. A file no larger than one part is sent with one PutObject. Throughput measured in Chromium peaked with 8 MiB parts and 6–8 in flight; larger files get
// larger parts, in whole MiB, so they still fit in 10,000. Shared by the worker, which plans uploads,
// and the page, whose settings form checks part size and parallelism against the same rules.

import { KiB, MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, MiB } from '../oss/limits.ts';

/** Below this a file cannot be cut into parts at all (every part but the last is at least 100 KB). */
export const MULTIPART_THRESHOLD = 100 * KiB;
export const DEFAULT_PART_SIZE = 8 * MiB;
export const DEFAULT_PARALLEL = 6;
/** More than this only queues requests behind Chromium's six connections per host. */
export const MAX_PARALLEL = 16;
export const MAX_OBJECT_SIZE = MAX_PART_SIZE * MAX_PARTS;

export interface PartPlan {
  method: 'put' | 'multipart';
  partSize: number;
  partCount: number;
}

export interface PlannedPart {
  partNumber: number;
  offset: number;
  size: number;
}

export class PartPlanError extends Error {
  override name = 'PartPlanError';
}

/** The smallest part size, in whole MiB and at least `preferred`, that keeps `size` within MAX_PARTS. */
function autoPartSize(size: number): number {
  const needed = Math.ceil(size / MAX_PARTS);
  return Math.max(DEFAULT_PART_SIZE, Math.ceil(needed / MiB) * MiB);
}

export function planParts(size: number, requestedPartSize?: number): PartPlan {
  if (!Number.isSafeInteger(size) || size < 0) throw new PartPlanError(`Invalid file size ${size}`);
  if (size > MAX_OBJECT_SIZE) {
    throw new PartPlanError(
      `The file is ${size} bytes; OSS objects can be at most ${MAX_OBJECT_SIZE} bytes.`,
    );
  }
  if (size < MULTIPART_THRESHOLD) return { method: 'put', partSize: size, partCount: size === 0 ? 0 : 1 };
  let partSize = autoPartSize(size);
  if (requestedPartSize !== undefined) {
    if (!Number.isSafeInteger(requestedPartSize) || requestedPartSize < MIN_PART_SIZE) {
      throw new PartPlanError(`partSize must be a whole number of bytes, at least ${MIN_PART_SIZE}.`);
    }
    if (requestedPartSize > MAX_PART_SIZE)
      throw new PartPlanError(`partSize can be at most ${MAX_PART_SIZE}.`);
    if (Math.ceil(size / requestedPartSize) > MAX_PARTS) {
      throw new PartPlanError(
        `partSize ${requestedPartSize} would need more than ${MAX_PARTS} parts; use at least ${Math.ceil(size / MAX_PARTS)}.`,
      );
    }
    partSize = requestedPartSize;
  }
  // A file that fits in one part goes by one PutObject (OSS's advice: simple upload where multipart
  // does not pay): Initiate and Complete would cost two round trips for nothing.
  if (size <= partSize) return { method: 'put', partSize: size, partCount: 1 };
  return { method: 'multipart', partSize, partCount: Math.ceil(size / partSize) };
}

export function plannedParts(size: number, plan: PartPlan): PlannedPart[] {
  if (plan.method === 'put') return [];
  return Array.from({ length: plan.partCount }, (_, i) => {
    const offset = i * plan.partSize;
    return { partNumber: i + 1, offset, size: Math.min(plan.partSize, size - offset) };
  });
}

export function clampParallel(parallel: number | undefined): number {
  if (parallel === undefined) return DEFAULT_PARALLEL;
  return Math.min(MAX_PARALLEL, Math.max(1, Math.floor(parallel)));
}

/**
 * The size of the next part cut from what is left of a file, `wanted` bent to OSS's rules: the
 * parts still allowed must hold the rest (at most MAX_PARTS in all), no part is larger than
 * MAX_PART_SIZE, and every part but the last is at least MIN_PART_SIZE. Parts of one upload may
 * differ in size (OSS API reference: UploadPart); `partsCut` are the parts numbered so far.
 */
export function cutSize(remaining: number, partsCut: number, wanted: number): number {
  if (remaining <= 0) return 0;
  const partsLeft = MAX_PARTS - partsCut;
  if (partsLeft <= 1) return remaining;
  const size = Math.max(Math.floor(wanted), MIN_PART_SIZE, Math.ceil(remaining / partsLeft));
  return Math.min(size, MAX_PART_SIZE, remaining);
}
