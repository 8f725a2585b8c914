// How large the next part of an upload is, when the person left the part size on auto. Chosen when
// the part is cut, just before it is sent, from what the engine measures of the link (link-meter.ts):
//
// - Long enough to hide its own overhead: a part costs round trips besides its bytes (CORS preflight,
//   the request, OSS's answer, the records written around it). At the rate one lane gets, a part
//   lasts OVERHEAD_MULTIPLE times that overhead, so the overhead is a few percent of each lane's time.
// - Short enough to stay cheap: a part lasts at most MAX_PART_SECONDS at that rate, so a part lost
//   to a cut connection costs little, and progress moves.
// - Spread: parts in flight are sized so they are expected to finish one after another, a lane's
//   share of a cycle apart, never together. Lanes that finish together all go through their round
//   trips at the same moment and leave the link idle meanwhile; spread out, the other lanes take
//   up the bandwidth while one is between parts.
// - Near the end, smaller: when less than a wave is left, the rest is shared out so the last parts
//   finish close together instead of one lane finishing alone.
//
// Before anything is measured, parts start at the plan's size (8 MiB, the best measured on a fast
// link), the first wave already spread. Pure: measurements in, a size out; cutSize() then applies
// OSS's limits.

import { MiB } from '../../lib/oss/limits.ts';

/** A part lasts this many times the per-request overhead, at the rate one lane gets. */
export const OVERHEAD_MULTIPLE = 16;
/** Never shorter than this: on a fast link each request costs CPU (preflight, signing, records) more than time. */
export const MIN_PART_SECONDS = 1;
/** Never longer: a part cut off costs at most this much of one lane's sending. */
export const MAX_PART_SECONDS = 30;
/** Bounds of auto-sized parts (OSS allows 100 KB..5 GB; beyond these nothing is gained). */
export const MIN_AUTO_PART = 1 * MiB;
export const MAX_AUTO_PART = 512 * MiB;

export interface InFlightPart {
  /** When the part's request started (ms). */
  startedAt: number;
  size: number;
}

export interface PartSizeInputs {
  now: number;
  /** The plan's part size: used until there is a measurement. */
  initial: number;
  /** Bytes of the file not yet cut into parts. */
  remaining: number;
  /** Parts that may be in flight at once, this one included. */
  lanes: number;
  /** Parts in flight now (of every upload: they share the link). */
  inFlight: readonly InFlightPart[];
  /** Bytes per second OSS confirmed lately, all uploads together; undefined until measured. */
  throughput?: number;
  /** What a request costs beyond its bytes, in ms (round trips, preflight, server); undefined until measured. */
  overheadMs?: number;
}

const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));

/** The size the link asks for, before OSS's limits (cutSize) are applied. */
export function nextPartSize(input: PartSizeInputs): number {
  const lanes = Math.max(1, Math.floor(input.lanes));
  const measured = input.throughput !== undefined && input.throughput > 0 && input.overheadMs !== undefined;
  let base: number;
  let size: number;
  if (measured) {
    const laneRate = input.throughput! / lanes; // bytes per second one lane gets
    const overheadS = input.overheadMs! / 1000;
    const seconds = clamp(OVERHEAD_MULTIPLE * overheadS, MIN_PART_SECONDS, MAX_PART_SECONDS);
    base = clamp(laneRate * seconds, MIN_AUTO_PART, MAX_AUTO_PART);
    // When would each part in flight finish at this rate? The new one should finish one lane's
    // share of a cycle after the last of them.
    const cycleS = overheadS + base / laneRate;
    const ends = input.inFlight.map((p) => p.startedAt / 1000 + overheadS + p.size / laneRate);
    const nowS = input.now / 1000;
    const latest = Math.max(nowS, ...ends);
    const target = input.inFlight.length === 0 ? nowS + cycleS : latest + cycleS / lanes;
    size = (target - nowS - overheadS) * laneRate;
  } else {
    // Nothing measured yet: the first wave climbs from the plan's size so its parts end apart.
    base = clamp(input.initial, MIN_AUTO_PART, MAX_AUTO_PART);
    size = base * (1 + Math.min(input.inFlight.length, lanes - 1) / lanes);
  }
  size = clamp(size, base / 2, base * 2);
  // Less than a wave left: share it out so the lanes finish together, in parts still worth a request.
  const tailFloor = Math.max(MIN_AUTO_PART, base / 4);
  if (input.remaining < lanes * size) size = Math.max(tailFloor, Math.ceil(input.remaining / lanes));
  size = Math.ceil(size / (64 * 1024)) * 64 * 1024;
  // A rest too small to be worth a request of its own goes with this part.
  return input.remaining - size < MIN_AUTO_PART ? input.remaining : size;
}
