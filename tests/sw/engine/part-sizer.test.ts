import { describe, expect, it } from 'vitest';
import { MAX_PARTS, MIN_PART_SIZE, MiB } from '../../../lib/oss/limits.ts';
import { cutSize } from '../../../lib/upload-plan/part-plan.ts';
import { MIN_AUTO_PART, nextPartSize, type PartSizeInputs } from '../../../sw/engine/part-sizer.ts';

const GB = 1e9;
const base: PartSizeInputs = { now: 100_000, initial: 8 * MiB, remaining: GB, lanes: 6, inFlight: [] };
/** A link of `mbps` MB/s whose requests cost `overheadMs` beyond their bytes. */
const link = (mbps: number, overheadMs: number) => ({ throughput: mbps * 1e6, overheadMs });

describe('nextPartSize', () => {
  it('starts at the plan size and spreads the first wave so its parts do not end together', () => {
    const sizes: number[] = [];
    const inFlight: { startedAt: number; size: number }[] = [];
    for (let i = 0; i < 6; i++) {
      const size = nextPartSize({ ...base, inFlight });
      sizes.push(size);
      inFlight.push({ startedAt: base.now, size });
    }
    expect(sizes[0]).toBe(8 * MiB);
    expect(new Set(sizes).size).toBe(6);
    expect([...sizes].sort((a, b) => a - b)).toEqual(sizes);
  });

  it('sizes parts so their round trips are a small share of their time: larger the longer a round trip', () => {
    const near = nextPartSize({ ...base, ...link(20, 20) });
    const far = nextPartSize({ ...base, ...link(20, 200) });
    const farther = nextPartSize({ ...base, ...link(20, 600) });
    expect(far).toBeGreaterThan(near);
    expect(farther).toBeGreaterThan(far);
    // At 20 MB/s over 6 lanes with 200 ms per request, a part lasts at least 16 round trips…
    expect(far / ((20e6 / 6) * 0.2)).toBeGreaterThanOrEqual(16 * 0.99);
    // …and on a fast, near link at least a second, so requests stay few.
    expect(nextPartSize({ ...base, ...link(120, 5) }) / (120e6 / 6)).toBeGreaterThanOrEqual(0.99);
  });

  it('aims the new part to end a lane’s share of a cycle after the parts in flight, not with them', () => {
    const measured = { ...base, ...link(20, 200) };
    const alone = nextPartSize(measured);
    // Five parts of that size started together just now: the sixth must end after them.
    const inFlight = Array.from({ length: 5 }, () => ({ startedAt: base.now, size: alone }));
    const sixth = nextPartSize({ ...measured, inFlight });
    expect(sixth).toBeGreaterThan(alone);
    // Parts already spread: the next one fills in at about the usual size.
    const laneRate = 20e6 / 6;
    const cycleMs = 200 + (alone / laneRate) * 1000;
    const spread = Array.from({ length: 5 }, (_, i) => ({
      startedAt: base.now - ((i + 1) * cycleMs) / 6,
      size: alone,
    }));
    const next = nextPartSize({ ...measured, inFlight: spread });
    expect(Math.abs(next - alone) / alone).toBeLessThan(0.1);
  });

  it('shares out the last wave and never leaves a sliver for a request of its own', () => {
    const last = nextPartSize({ ...base, remaining: 12 * MiB });
    expect(last).toBe(2 * MiB);
    expect(nextPartSize({ ...base, remaining: MIN_AUTO_PART + 1000 })).toBe(MIN_AUTO_PART + 1000);
    expect(nextPartSize({ ...base, remaining: 500_000 })).toBe(500_000);
  });
});

describe('cutSize keeps to OSS limits', () => {
  it('keeps every part but the last at least 100 KB and at most 5 GB', () => {
    expect(cutSize(10 * MiB, 0, 1000)).toBe(MIN_PART_SIZE);
    expect(cutSize(50_000, 0, 8 * MiB)).toBe(50_000);
    expect(cutSize(20e9, 0, 10e9)).toBe(5 * 1024 ** 3);
  });

  it('grows parts so what is left still fits in the 10,000 parts', () => {
    expect(cutSize(100 * MiB, MAX_PARTS - 10, MiB)).toBe(10 * MiB);
    expect(cutSize(3 * MiB, MAX_PARTS - 1, MiB)).toBe(3 * MiB);
  });
});
